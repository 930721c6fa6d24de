/* provenance.c - summary.json's "provenance" object (provenance.h).
 *
 * Compiled with BPFSIM_DESCRIBE (git describe) and BPFSIM_MPI (0/1) from
 * the Makefile, which rebuilds this one file when either changes;
 * CALIB_MISSING is defined for every file when the build lacks the BPF
 * tools (calibrate/nobpf.c stands in for calibrate/).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "sim/cli/provenance.h"
#include "sim/out.h"
#include "sim/sha256.h"

#ifndef BPFSIM_DESCRIBE
#define BPFSIM_DESCRIBE ""
#endif
#ifndef BPFSIM_MPI
#define BPFSIM_MPI 0
#endif
#ifdef CALIB_MISSING
#define PROV_BPF 0
#else
#define PROV_BPF 1
#endif

/* A copy: getopt permutes main's argv (options before operands) while
 * the subcommand parses it, and the command is written as it was typed.
 * Never freed: it lives as long as the process (reachable, not a leak). */
static int cmd_argc;
static char **cmd_argv;

void prov_set_command(int argc, char **argv)
{
	char **copy = calloc((size_t)argc + 1, sizeof(*copy));
	int n = 0;
	for (; copy && n < argc; n++) {
		copy[n] = strdup(argv[n]);
		if (!copy[n])
			break;
	}
	cmd_argc = n;
	cmd_argv = copy;
}

const char *prov_version(void)
{
	return BPFSIM_DESCRIBE[0] ? BPFSIM_DESCRIBE : BPFSIM_VERSION;
}

/* The first "model name : X" of /proc/cpuinfo into buf; 0 when none. */
static int cpu_model(char *buf, size_t size)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];
	int found = 0;
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "model name", 10))
			continue;
		const char *c = strchr(line, ':');
		if (!c)
			continue;
		for (c++; *c == ' ' || *c == '\t'; c++)
			;
		snprintf(buf, size, "%s", c);
		buf[strcspn(buf, "\n")] = 0;
		found = buf[0] != 0;
	}
	fclose(f);
	return found;
}

char *prov_json(const char *resolved, size_t len)
{
	char *text = NULL, hex[65], model[256];
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);
	if (!f)
		return NULL;
	fputs("{\"command\": [", f);
	for (int i = 0; i < cmd_argc; i++) {
		fputs(i ? ", " : "", f);
		out_json_string(f, i ? cmd_argv[i] : "bpfsim");
	}
	fputs("], \"version\": ", f);
	out_json_string(f, prov_version());
	fprintf(f, ", \"build\": {\"mpi\": %s, \"bpf\": %s}",
		BPFSIM_MPI ? "true" : "false", PROV_BPF ? "true" : "false");
	sha256_hex_of(resolved, len, hex);
	fprintf(f, ", \"scenario_sha256\": \"%s\", \"host\": {", hex);
	struct utsname u;
	if (uname(&u) == 0) {
		fputs("\"sysname\": ", f);
		out_json_string(f, u.sysname);
		fputs(", \"release\": ", f);
		out_json_string(f, u.release);
		fputs(", \"machine\": ", f);
		out_json_string(f, u.machine);
	} else {
		fputs("\"sysname\": null, \"release\": null, \"machine\": null", f);
	}
	fputs(", \"cpu_model\": ", f);
	if (cpu_model(model, sizeof(model)))
		out_json_string(f, model);
	else
		fputs("null", f);
	long np = sysconf(_SC_NPROCESSORS_ONLN);
	fprintf(f, ", \"nproc\": %ld}}", np > 0 ? np : 1);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}
