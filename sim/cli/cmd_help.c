/* cmd_help.c - `bpfsim help [SUBCOMMAND]` and `bpfsim version`. */
#include <stdio.h>
#include <string.h>

#include "sim/cli/cli.h"
#include "sim/cli/man.h"

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

const struct cli_cmd cli_cmd_help = {
	"help", cmd_help, "help on a subcommand",
	"usage: bpfsim help [SUBCOMMAND | --man]\n\n"
	"Without SUBCOMMAND, lists the subcommands; with it, prints that\n"
	"subcommand's options (the same as bpfsim SUBCOMMAND --help).\n\n"
	"options:\n"
	"  --man             print the man page's SYNOPSIS and SUBCOMMANDS\n"
	"                    sections (roff), made from these help texts\n"
	"                    (scripts/man.sh builds docs/bpfsim.1 with them)\n"
	"  -h, --help        this help\n",
	NULL, 0, CLI_ARGS_OWN, NULL,
};

const struct cli_cmd cli_cmd_version = {
	"version", cmd_version, "print the version",
	"usage: bpfsim version\n\nPrints bpfsim's version (also: bpfsim "
	"--version).\n", NULL, 0, CLI_ARGS_OWN, NULL,
};

void cli_usage(FILE *f)
{
	fprintf(f,
		"bpfsim %s - what will this BPF probe cost on this host?\n\n"
		"usage: bpfsim SUBCOMMAND [options]\n\nsubcommands:\n",
		BPFSIM_VERSION);
	for (size_t i = 0; cli_commands[i]; i++)
		fprintf(f, "  %-10s %s\n", cli_commands[i]->name,
			cli_commands[i]->summary);
	fprintf(f, "\n`bpfsim help SUBCOMMAND` or `bpfsim SUBCOMMAND --help` for "
		   "details; `man bpfsim` and README.md for the scenario format.\n"
		   "Exit status: 0 ok, 1 runtime failure, 2 bad input, 130/143 "
		   "interrupted.\n");
}

static int cmd_help(int argc, char **argv)
{
	if (argc >= 2 && cli_is_help(argv[1])) {
		cli_print_help(&cli_cmd_help, stdout);
		return 0;
	}
	if (argc < 2) {
		cli_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--man")) {
		if (cli_print_man(stdout)) {
			fprintf(stderr, "bpfsim help: out of memory\n");
			return 1;
		}
		return 0;
	}
	const struct cli_cmd *c = cli_find(argv[1]);
	if (!c) {
		fprintf(stderr, "bpfsim help: unknown subcommand '%s'\n", argv[1]);
		return 2;
	}
	cli_print_help(c, stdout);
	return 0;
}

static int cmd_version(int argc, char **argv)
{
	if (argc >= 2 && cli_is_help(argv[1])) {
		cli_print_help(&cli_cmd_version, stdout);
		return 0;
	}
	printf("bpfsim %s\n", BPFSIM_VERSION);
	return 0;
}
