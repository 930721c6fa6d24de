/* cli.c - option parsing and signal handling shared by the subcommands. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plots/plot.h"
#include "sim/cli/cli.h"

volatile int cli_interrupted;

static void on_signal(int sig)
{
	cli_interrupted = sig;
}

void cli_install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int cli_exit_status(int status)
{
	return cli_interrupted ? 128 + cli_interrupted : status;
}

/* The shared options: parsed, checked and documented here once.  `doc`
 * is the help line ("" for options a subcommand documents itself, in its
 * own words); its continuation lines are indented by the caller. */
struct opt_spec {
	const char *name;
	int has_arg;
	const char *arg;       /* its placeholder in help, or NULL */
	const char *doc;
};

static const struct opt_spec specs[CLI_NOPTS] = {
	[CLI_REPS] = { "reps", 1, "N",
		"replications (default: the scenario's `replications`)" },
	[CLI_SEED] = { "seed", 1, "S", "base seed (default: the scenario's `seed`)" },
	[CLI_THREADS] = { "threads", 1, "T", "worker threads (default: all "
		"cores); results do not\ndepend on it" },
	[CLI_SET] = { "set", 1, "PATH=VALUE", "override a scenario key, e.g. "
		"--set servers=8 or\n--set workload.lifetime=2ms (repeatable)" },
	[CLI_OUT] = { "out", 1, "DIR", "output folder (default: out/<scenario "
		"name>; sweep,\nphase, capacity: out/<name>-sweep|-phase|-capacity);"
		"\nlocked while written (a second run into it exits 2),\n"
		"manifest.json says what it holds, jobs.csv grows as\njobs finish" },
	[CLI_FORMAT] = { "format", 1, "F", "what to print: table (default; text "
		"is the same), csv\nor json" },
	[CLI_STRATEGIES] = { "strategies", 1, "LIST", "" },
	[CLI_QUIET] = { "quiet", 0, NULL, "no progress line" },
	[CLI_NO_PLOTS] = { "no-plots", 0, NULL, "do not draw figures (bpfsim "
		"plot DIR draws them later)" },
	[CLI_PLOT_FORMAT] = { "plot-format", 1, "F", "figures as png (default), "
		"svg, pdf, both (png and svg) or all" },
	[CLI_SHARD] = { "shard", 1, "I/N", "run only share I of N of the jobs "
		"(batch systems,\nseveral machines); bpfsim merge DIR... finishes" },
	[CLI_RESUME] = { "resume", 1, "DIR", "reuse the finished jobs in "
		"DIR/jobs.csv, run the rest\n(default output folder: DIR); "
		"DIR/manifest.json must be\nthis experiment's (same scenario, "
		"seed, replications,\nstrategies, axes), else exit 2" },
	[CLI_SWEEP] = { "sweep", 1, "AXIS", "" },
	[CLI_MANIFEST] = { "manifest", 0, NULL, "" },
	[CLI_PARAM] = { "param", 1, "PATH", "" },
	[CLI_RANGE] = { "range", 1, "LO:HI", "" },
	[CLI_OBJECTIVE] = { "objective", 1, "TEXT", "" },
	[CLI_PROBES] = { "probes", 1, "N", "" },
	[CLI_TOL] = { "tolerance", 1, "X", "" },
	[CLI_X] = { "x", 1, "AXIS", "" },
	[CLI_Y] = { "y", 1, "AXIS", "" },
	[CLI_ALPHA] = { "alpha", 1, "A", "" },
};

const struct cli_cmd *cli_find(const char *name)
{
	for (size_t i = 0; cli_commands[i]; i++)
		if (strcmp(cli_commands[i]->name, name) == 0)
			return cli_commands[i];
	return NULL;
}

int cli_is_help(const char *a)
{
	return !strcmp(a, "-h") || !strcmp(a, "--help");
}

void cli_print_help(const struct cli_cmd *cmd, FILE *f)
{
	fputs(cmd->help, f);
	if (cmd->args == CLI_ARGS_OWN)
		return;   /* the subcommand's help says everything */
	fputs("\noptions:\n", f);
	if (cmd->options)
		fputs(cmd->options, f);
	for (int i = 0; i < CLI_NOPTS; i++) {
		if (!(cmd->opts & CLI_OPT(i)) || !specs[i].doc[0])
			continue;
		char head[40];
		snprintf(head, sizeof(head), "--%s%s%s", specs[i].name,
			 specs[i].arg ? " " : "", specs[i].arg ? specs[i].arg : "");
		if (i == CLI_OUT)
			snprintf(head, sizeof(head), "-o, --out DIR");
		fprintf(f, "  %-17s ", head);
		for (const char *c = specs[i].doc; *c; c++) {
			fputc(*c, f);
			if (*c == '\n')
				fprintf(f, "  %-17s ", "");
		}
		fputc('\n', f);
	}
	fprintf(f, "  %-17s %s\n", "-h, --help", "this help");
	if (cmd->epilogue)
		fprintf(f, "\n%s", cmd->epilogue);
}

/* The subcommands that take option i, for "belongs to" messages. */
static void takers(int i, char *buf, size_t size)
{
	size_t n = 0, len = 0;
	buf[0] = 0;
	for (size_t k = 0; cli_commands[k]; k++)
		n += (cli_commands[k]->opts & CLI_OPT(i)) != 0;
	for (size_t k = 0, j = 0; cli_commands[k] && len < size; k++) {
		if (!(cli_commands[k]->opts & CLI_OPT(i)))
			continue;
		j++;
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					j == 1 ? "" : j == n ? " and " : ", ",
					cli_commands[k]->name);
	}
}

/* Parse one option's argument into o; 0 or 2 (message printed). */
static int parse_one(const struct cli_cmd *cmd, int i, char *arg,
		     struct cli_opts *o)
{
	char *end;
	switch (i) {
	case CLI_REPS:
		o->reps = strtol(arg, &end, 10);
		if (*end || o->reps < 1 || o->reps > 1000000) {
			fprintf(stderr, "bpfsim %s: --reps must be a whole number "
				"in 1..1000000 (got '%s')\n", cmd->name, arg);
			return 2;
		}
		return 0;
	case CLI_SEED:
		errno = 0;
		o->seed = strtoll(arg, &end, 10);
		if (*end || !*arg || o->seed < 0 || errno == ERANGE) {
			fprintf(stderr, "bpfsim %s: --seed must be a whole number "
				"in 0..%lld (got '%s')\n", cmd->name,
				(long long)INT64_MAX, arg);
			return 2;
		}
		return 0;
	case CLI_THREADS: {
		long t = strtol(arg, &end, 10);
		if (*end || t < 1 || t > 256) {
			fprintf(stderr, "bpfsim %s: --threads must be in 1..256 "
				"(got '%s')\n", cmd->name, arg);
			return 2;
		}
		o->threads = (unsigned)t;
		return 0;
	}
	case CLI_SET:
		if (o->nsets == CLI_MAX_SETS) {
			fprintf(stderr, "bpfsim %s: at most %d --set options\n",
				cmd->name, CLI_MAX_SETS);
			return 2;
		}
		o->sets[o->nsets++] = arg;
		return 0;
	case CLI_OUT:
		if (!*arg) {
			fprintf(stderr, "bpfsim %s: --out takes a folder (got "
				"'')\n", cmd->name);
			return 2;
		}
		o->out = arg;
		return 0;
	case CLI_FORMAT:
		if (!strcmp(arg, "text"))
			arg = "table";
		if (strcmp(arg, "table") && strcmp(arg, "csv") && strcmp(arg, "json")) {
			fprintf(stderr, "bpfsim %s: --format must be table (or "
				"text), csv or json (got '%s')\n", cmd->name, arg);
			return 2;
		}
		o->format = arg;
		return 0;
	case CLI_STRATEGIES:
		o->strategies = arg;
		return 0;
	case CLI_QUIET:
		o->quiet = 1;
		return 0;
	case CLI_NO_PLOTS:
		o->no_plots = 1;
		return 0;
	case CLI_PLOT_FORMAT:
		if (plot_format_check(arg)) {
			fprintf(stderr, "bpfsim %s: --plot-format must be %s "
				"(got '%s')\n", cmd->name, PLOT_FORMATS, arg);
			return 2;
		}
		o->plot_format = arg;
		return 0;
	case CLI_SHARD: {
		/* Digits only, read with a range check: sscanf's %u wrapped
		 * 4294967297/4294967298 to shard 1/2. */
		unsigned long long si = 0, sn = 0;
		const char *slash = strchr(arg, '/');
		errno = 0;
		if (strspn(arg, "0123456789/") != strlen(arg) || !slash ||
		    slash == arg || !slash[1] || strchr(slash + 1, '/') ||
		    (si = strtoull(arg, NULL, 10), sn = strtoull(slash + 1,
		     NULL, 10), errno == ERANGE) || sn == 0 ||
		    si == 0 || si > sn || sn > 1000000) {
			fprintf(stderr, "bpfsim %s: --shard is I/N with 1 <= I <= N "
				"<= 1000000 (got '%s')\n", cmd->name, arg);
			return 2;
		}
		o->shard_i = (unsigned)si;
		o->shard_n = (unsigned)sn;
		return 0;
	}
	case CLI_RESUME:
		if (!*arg) {
			fprintf(stderr, "bpfsim %s: --resume takes a folder (got "
				"'')\n", cmd->name);
			return 2;
		}
		o->resume = arg;
		return 0;
	case CLI_SWEEP:
		if (o->nsweeps == 16) {
			fprintf(stderr, "bpfsim %s: at most 16 --sweep\n", cmd->name);
			return 2;
		}
		o->sweeps[o->nsweeps++] = arg;
		return 0;
	case CLI_MANIFEST:
		o->manifest = 1;
		return 0;
	case CLI_PARAM:
		o->cap_param = arg;
		return 0;
	case CLI_RANGE:
		o->cap_range = arg;
		return 0;
	case CLI_OBJECTIVE:
		o->cap_objective = arg;
		return 0;
	case CLI_PROBES: {
		long v = strtol(arg, &end, 10);
		if (*end || v < 3 || v > 64) {
			fprintf(stderr, "bpfsim %s: --probes must be in 3..64 "
				"(got '%s')\n", cmd->name, arg);
			return 2;
		}
		o->cap_probes = (uint64_t)v;
		return 0;
	}
	case CLI_TOL: {
		double v = strtod(arg, &end);
		if (*end || !(v > 0) || v > 10) {
			fprintf(stderr, "bpfsim %s: --tolerance must be in (0, 10] "
				"(got '%s')\n", cmd->name, arg);
			return 2;
		}
		o->cap_tol = v;
		return 0;
	}
	case CLI_X:
		o->phase_x = arg;
		return 0;
	case CLI_Y:
		o->phase_y = arg;
		return 0;
	case CLI_ALPHA: {
		double v = strtod(arg, &end);
		if (*end || end == arg || !(v > 0) || !(v < 1)) {
			fprintf(stderr, "bpfsim %s: --alpha must be a number in "
				"(0, 1) (got '%s')\n", cmd->name, arg);
			return 2;
		}
		o->alpha = v;
		return 0;
	}
	}
	return 2;
}

int cli_parse(const struct cli_cmd *cmd, int argc, char **argv,
	      struct cli_opts *o)
{
	/* Every option is known (so that one of another subcommand gets a
	 * clear message); this subcommand's table decides which it takes. */
	struct option longopts[CLI_NOPTS + 2];
	for (int i = 0; i < CLI_NOPTS; i++)
		longopts[i] = (struct option){ specs[i].name, specs[i].has_arg ?
					       required_argument : no_argument,
					       NULL, 256 + i };
	longopts[CLI_NOPTS] = (struct option){ "help", no_argument, NULL, 'h' };
	longopts[CLI_NOPTS + 1] = (struct option){ NULL, 0, NULL, 0 };
	memset(o, 0, sizeof(*o));
	o->reps = -1;
	o->seed = -1;
	o->format = "table";
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		int i = c == 'o' ? CLI_OUT : c - 256;
		if (c == 'h') {
			cli_print_help(cmd, stdout);
			return -1;
		}
		if (c == '?' || i < 0 || i >= CLI_NOPTS) {
			fprintf(stderr, "bpfsim %s: unknown option '%s' (see bpfsim "
				"%s --help)\n", cmd->name, argv[optind - 1], cmd->name);
			return 2;
		}
		if (!(cmd->opts & CLI_OPT(i))) {
			char who[256];
			takers(i, who, sizeof(who));
			fprintf(stderr, "bpfsim %s: --%s belongs to bpfsim %s\n",
				cmd->name, specs[i].name, who[0] ? who : "none");
			return 2;
		}
		if (parse_one(cmd, i, optarg, o))
			return 2;
	}
	if (cmd->args == CLI_ARGS_DIRS) {
		if (optind >= argc) {
			fprintf(stderr, "bpfsim %s: expected one or more folders\n",
				cmd->name);
			cli_print_help(cmd, stderr);
			return 2;
		}
		o->dirs = argv + optind;
		o->ndirs = argc - optind;
		return 0;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "bpfsim %s: expected one SCENARIO file\n", cmd->name);
		cli_print_help(cmd, stderr);
		return 2;
	}
	o->scenario = argv[optind];
	return 0;
}

double cli_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void cli_progress_show(void *ctx, size_t done, size_t total)
{
	struct cli_progress *p = ctx;
	size_t d = p->base_done + done;
	size_t all = p->total ? p->total : total;
	double el = cli_now() - p->t0;
	double eta = d ? el * (double)(all - d) / (double)d : 0;
	fprintf(stderr, "\r%s: %zu/%zu %s, %.1fs elapsed, ETA %.1fs   ", p->what,
		d, all, p->unit, el, eta);
	fflush(stderr);
}

void cli_progress_clear(void)
{
	fputs("\r\033[K", stderr);
	fflush(stderr);
}

size_t cli_seed_reps_sets(const struct cli_opts *o, const char **sets,
			  size_t n, char buf[2][64])
{
	if (o->seed >= 0) {
		snprintf(buf[0], sizeof(buf[0]), "seed=%lld", o->seed);
		sets[n++] = buf[0];
	}
	if (o->reps > 0) {
		snprintf(buf[1], sizeof(buf[1]), "replications=%ld", o->reps);
		sets[n++] = buf[1];
	}
	return n;
}
