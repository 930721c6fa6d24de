/* main.c - the bpfsim command line: subcommand dispatch.
 *
 * main() is the one place errors become exit statuses.  GSL's default
 * error handler aborts the process, so it is switched off here and every
 * GSL return code is checked where it matters.  The subcommands are listed
 * in sim/cli/commands.c.
 *
 * Standard output is checked once, at the end (finish): a report that could
 * not be written (a full disk, /dev/full, a closed pipe's EIO) is an error,
 * status 1, unless the command already failed with its own status (2 for
 * bad input, 128+N for signal N), which is kept.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "sim/cli/cli.h"
#include "sim/cli/provenance.h"
#include "sim/ytree.h"

/* Flush stdout and fold a write error into the exit status. */
static int finish(int status)
{
	errno = 0;
	int flushed = fflush(stdout);
	int why = errno;
	if (flushed == 0 && !ferror(stdout))
		return status;
	fprintf(stderr, "bpfsim: cannot write to standard output: %s\n",
		strerror(why ? why : EIO));
	return status ? status : 1;
}

int main(int argc, char **argv)
{
	gsl_set_error_handler_off();
	prov_set_command(argc, argv);
	if (argc < 2) {
		cli_usage(stderr);
		return 2;
	}
	if (cli_is_help(argv[1])) {
		cli_usage(stdout);
		return finish(0);
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("bpfsim %s\n", BPFSIM_VERSION);
		return finish(0);
	}
	const struct cli_cmd *c = cli_find(argv[1]);
	if (!c) {
		const char *names[32];
		size_t k = 0;
		for (; cli_commands[k] && k < 31; k++)
			names[k] = cli_commands[k]->name;
		names[k] = NULL;
		const char *s = ynode_suggest(NULL, argv[1], names);
		if (s)
			fprintf(stderr, "bpfsim: unknown subcommand '%s' (did you mean "
				"'%s'?)\n", argv[1], s);
		else
			fprintf(stderr, "bpfsim: unknown subcommand '%s' (see bpfsim "
				"--help)\n", argv[1]);
		return 2;
	}
	return finish(c->fn(argc - 1, argv + 1));
}
