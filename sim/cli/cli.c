/* cli.c - option parsing and signal handling shared by the subcommands. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* Whether `name` is one of the space-separated words of `list`. */
static int cmd_takes(const char *name, const char *list)
{
	size_t n = strlen(name);
	for (const char *p = list; (p = strstr(p, name)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return 1;
	return 0;
}

/* The long name of option value c (for messages). */
static const char *opt_name(const struct option *opts, int c)
{
	for (; opts->name; opts++)
		if (opts->val == c)
			return opts->name;
	return "?";
}

int cli_parse(const struct cli_cmd *cmd, int argc, char **argv,
	      struct cli_opts *o)
{
	enum { O_REPS = 256, O_SEED, O_THREADS, O_SET, O_OUT, O_FORMAT,
	       O_STRATEGIES, O_QUIET, O_NO_PLOTS, O_SWEEP, O_MANIFEST, O_SHARD,
	       O_RESUME, O_PARAM, O_RANGE, O_OBJECTIVE, O_PROBES, O_TOL, O_X, O_Y,
	       O_PLOT_FORMAT };
	static const struct option longopts[] = {
		{ "reps", required_argument, NULL, O_REPS },
		{ "seed", required_argument, NULL, O_SEED },
		{ "threads", required_argument, NULL, O_THREADS },
		{ "set", required_argument, NULL, O_SET },
		{ "out", required_argument, NULL, O_OUT },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "strategies", required_argument, NULL, O_STRATEGIES },
		{ "quiet", no_argument, NULL, O_QUIET },
		{ "no-plots", no_argument, NULL, O_NO_PLOTS },
		{ "plot-format", required_argument, NULL, O_PLOT_FORMAT },
		{ "sweep", required_argument, NULL, O_SWEEP },
		{ "manifest", no_argument, NULL, O_MANIFEST },
		{ "shard", required_argument, NULL, O_SHARD },
		{ "resume", required_argument, NULL, O_RESUME },
		{ "param", required_argument, NULL, O_PARAM },
		{ "range", required_argument, NULL, O_RANGE },
		{ "objective", required_argument, NULL, O_OBJECTIVE },
		{ "probes", required_argument, NULL, O_PROBES },
		{ "tolerance", required_argument, NULL, O_TOL },
		{ "x", required_argument, NULL, O_X },
		{ "y", required_argument, NULL, O_Y },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	memset(o, 0, sizeof(*o));
	o->reps = -1;
	o->seed = -1;
	o->format = "table";
	optind = 1;
	opterr = 0;
	int c;
	char *end;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(cmd->help, stdout);
			return -1;
		case O_REPS:
			o->reps = strtol(optarg, &end, 10);
			if (*end || o->reps < 1 || o->reps > 1000000) {
				fprintf(stderr, "bpfsim %s: --reps must be a whole number "
					"in 1..1000000 (got '%s')\n", cmd->name, optarg);
				return 2;
			}
			break;
		case O_SEED:
			errno = 0;
			o->seed = strtoll(optarg, &end, 10);
			if (*end || !*optarg || o->seed < 0 || errno == ERANGE) {
				fprintf(stderr, "bpfsim %s: --seed must be a whole number "
					">= 0 (got '%s')\n", cmd->name, optarg);
				return 2;
			}
			break;
		case O_THREADS: {
			long t = strtol(optarg, &end, 10);
			if (*end || t < 1 || t > 256) {
				fprintf(stderr, "bpfsim %s: --threads must be in 1..256 "
					"(got '%s')\n", cmd->name, optarg);
				return 2;
			}
			o->threads = (unsigned)t;
			break;
		}
		case O_SET:
			if (o->nsets == CLI_MAX_SETS) {
				fprintf(stderr, "bpfsim %s: at most %d --set options\n",
					cmd->name, CLI_MAX_SETS);
				return 2;
			}
			o->sets[o->nsets++] = optarg;
			break;
		case 'o':
		case O_OUT:
			o->out = optarg;
			break;
		case O_FORMAT:
			if (strcmp(optarg, "table") && strcmp(optarg, "csv") &&
			    strcmp(optarg, "json")) {
				fprintf(stderr, "bpfsim %s: --format must be table, csv "
					"or json (got '%s')\n", cmd->name, optarg);
				return 2;
			}
			o->format = optarg;
			break;
		case O_STRATEGIES:
			o->strategies = optarg;
			break;
		case O_QUIET:
			o->quiet = 1;
			break;
		case O_NO_PLOTS:
			o->no_plots = 1;
			break;
		case O_PLOT_FORMAT:
			if (strcmp(optarg, "png") && strcmp(optarg, "svg") &&
			    strcmp(optarg, "both")) {
				fprintf(stderr, "bpfsim %s: --plot-format must be png, "
					"svg or both (got '%s')\n", cmd->name, optarg);
				return 2;
			}
			o->plot_format = optarg;
			break;
		case O_PARAM:
		case O_RANGE:
		case O_OBJECTIVE:
		case O_PROBES:
		case O_TOL:
			if (strcmp(cmd->name, "capacity")) {
				fprintf(stderr, "bpfsim %s: --%s belongs to bpfsim "
					"capacity\n", cmd->name, opt_name(longopts, c));
				return 2;
			}
			if (c == O_PARAM)
				o->cap_param = optarg;
			else if (c == O_RANGE)
				o->cap_range = optarg;
			else if (c == O_OBJECTIVE)
				o->cap_objective = optarg;
			else if (c == O_PROBES) {
				long v = strtol(optarg, &end, 10);
				if (*end || v < 3 || v > 64) {
					fprintf(stderr, "bpfsim capacity: --probes must be "
						"in 3..64 (got '%s')\n", optarg);
					return 2;
				}
				o->cap_probes = (uint64_t)v;
			} else {
				double v = strtod(optarg, &end);
				if (*end || !(v > 0) || v > 10) {
					fprintf(stderr, "bpfsim capacity: --tolerance must be "
						"in (0, 10] (got '%s')\n", optarg);
					return 2;
				}
				o->cap_tol = v;
			}
			break;
		case O_X:
		case O_Y:
			if (strcmp(cmd->name, "phase")) {
				fprintf(stderr, "bpfsim %s: --%s belongs to bpfsim phase\n",
					cmd->name, opt_name(longopts, c));
				return 2;
			}
			if (c == O_X)
				o->phase_x = optarg;
			else
				o->phase_y = optarg;
			break;
		case O_SWEEP:
		case O_MANIFEST:
		case O_SHARD:
		case O_RESUME:
			if (!cmd_takes(cmd->name, c == O_SWEEP ? "sweep phase"
				       : c == O_MANIFEST ? "sweep"
				       : "run compare sweep phase capacity")) {
				fprintf(stderr, "bpfsim %s: --%s belongs to bpfsim %s\n",
					cmd->name, opt_name(longopts, c),
					c == O_MANIFEST ? "sweep" : c == O_SWEEP
					? "sweep and phase"
					: "run, compare, sweep, phase and capacity");
				return 2;
			}
			if (c == O_SWEEP) {
				if (o->nsweeps == 16) {
					fprintf(stderr, "bpfsim sweep: at most 16 --sweep\n");
					return 2;
				}
				o->sweeps[o->nsweeps++] = optarg;
			} else if (c == O_MANIFEST) {
				o->manifest = 1;
			} else if (c == O_RESUME) {
				o->resume = optarg;
			} else {
				unsigned i, n;
				char extra;
				if (sscanf(optarg, "%u/%u%c", &i, &n, &extra) != 2 ||
				    n == 0 || i == 0 || i > n) {
					fprintf(stderr, "bpfsim %s: --shard is I/N with "
						"1 <= I <= N (got '%s')\n", cmd->name, optarg);
					return 2;
				}
				o->shard_i = i;
				o->shard_n = n;
			}
			break;
		default:
			fprintf(stderr, "bpfsim %s: unknown option '%s' (see bpfsim "
				"%s --help)\n", cmd->name, argv[optind - 1], cmd->name);
			return 2;
		}
	}
	if (!strcmp(cmd->name, "merge")) {
		if (optind >= argc) {
			fprintf(stderr, "bpfsim merge: expected one or more shard "
				"folders\n%s", cmd->help);
			return 2;
		}
		o->dirs = argv + optind;
		o->ndirs = argc - optind;
		return 0;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "bpfsim %s: expected one SCENARIO file\n%s",
			cmd->name, cmd->help);
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
