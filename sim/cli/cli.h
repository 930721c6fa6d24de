/* cli.h - the subcommand registry and the option parser they share.
 *
 * Each subcommand is a struct cli_cmd in its own file: name, function,
 * summary, help, and the options it takes from the shared table (cli.c),
 * which parses, range-checks and documents each option once.
 * `bpfsim help NAME` and `bpfsim NAME --help` print cli_print_help().
 * Exit statuses: 0 success, 1 runtime/OS failure, 2 bad input or usage,
 * 130/143 interrupted by SIGINT/SIGTERM.
 */
#ifndef BPFSIM_CLI_H
#define BPFSIM_CLI_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CLI_MAX_SETS 64

/* Every option the shared parser knows; a subcommand takes a subset
 * (struct cli_cmd.opts, a bit per option). */
enum cli_opt {
	CLI_REPS, CLI_SEED, CLI_THREADS, CLI_SET, CLI_OUT, CLI_FORCE, CLI_FORMAT,
	CLI_STRATEGIES, CLI_QUIET, CLI_PROGRESS, CLI_NO_PLOTS, CLI_PLOT_FORMAT, CLI_SHARD,
	CLI_RESUME, CLI_SWEEP, CLI_MANIFEST, CLI_PARAM, CLI_RANGE,
	CLI_OBJECTIVE, CLI_PROBES, CLI_TOL, CLI_X, CLI_Y, CLI_ALPHA, CLI_NOPTS
};
#define CLI_OPT(o) (1u << (o))
/* What every subcommand that runs an experiment takes (drive.h). */
#define CLI_EXPERIMENT_OPTS (CLI_OPT(CLI_REPS) | CLI_OPT(CLI_SEED) | \
	CLI_OPT(CLI_THREADS) | CLI_OPT(CLI_SET) | CLI_OPT(CLI_OUT) | \
	CLI_OPT(CLI_FORCE) | \
	CLI_OPT(CLI_FORMAT) | CLI_OPT(CLI_QUIET) | CLI_OPT(CLI_PROGRESS) | \
	CLI_OPT(CLI_NO_PLOTS) | \
	CLI_OPT(CLI_PLOT_FORMAT) | CLI_OPT(CLI_SHARD) | CLI_OPT(CLI_RESUME))

/* What follows the options: one SCENARIO file, one or more folders, or
 * whatever the subcommand parses itself (it gets argv untouched). */
enum cli_args { CLI_ARGS_SCENARIO, CLI_ARGS_DIRS, CLI_ARGS_OWN };

/* A subcommand: one file sim/cli/cmd_NAME.c defines it, one line in
 * sim/cli/commands.c lists it.  `help` is its usage and description;
 * `options` the lines of its own options; the shared options it takes
 * (opts) are documented from the parser's table after them. */
struct cli_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	const char *help;
	const char *options;   /* "  --x ...  what\n" lines, or NULL */
	unsigned opts;         /* CLI_OPT() bits the shared parser accepts */
	enum cli_args args;
	const char *epilogue;  /* text after the options, or NULL */
};

/* The registry (sim/cli/commands.c), NULL-terminated. */
extern const struct cli_cmd *const cli_commands[];
const struct cli_cmd *cli_find(const char *name);
/* The whole help of cmd: help, "options:", its own options, the shared
 * ones it takes, "-h, --help", the epilogue. */
void cli_print_help(const struct cli_cmd *cmd, FILE *f);
/* "-h"/"--help" */
int cli_is_help(const char *arg);
/* `bpfsim --help`: the subcommands and their summaries. */
void cli_usage(FILE *f);

/* The parsed command line of a subcommand (what its cmd->opts allow). */
struct cli_opts {
	const char *scenario;
	const char *sets[CLI_MAX_SETS];
	size_t nsets;
	long reps;              /* -1 = scenario's */
	long long seed;         /* -1 = scenario's */
	unsigned threads;       /* 0 = all cores */
	const char *out;        /* NULL = out/<name> */
	int force;              /* --force: clear an --out of another run */
	const char *format;     /* table|csv|json ("text" reads as table) */
	const char *strategies; /* compare */
	int quiet;
	const char *progress;   /* --progress: auto (NULL), tty, plain, none */
	int no_plots;
	const char *plot_format;  /* png|svg|both; NULL = png */
	/* sweep */
	const char *sweeps[16];
	size_t nsweeps;
	int manifest;
	unsigned shard_i, shard_n;  /* 1-based share i of n; 0 = all */
	const char *resume;
	/* capacity */
	const char *cap_param, *cap_range, *cap_objective;
	uint64_t cap_probes;
	double cap_tol;
	/* phase */
	const char *phase_x, *phase_y;
	/* diff: family-wise significance level; 0 = the default (0.05) */
	double alpha;
	/* CLI_ARGS_DIRS: the positional arguments */
	char **dirs;
	int ndirs;
};

/* Parse argv for `cmd` (argv[0] is the subcommand): the options its table
 * allows, then its positional arguments.  Returns 0, 2 on a usage error
 * (message printed: an option of another subcommand says which), or -1
 * when --help was printed (exit 0). */
int cli_parse(const struct cli_cmd *cmd, int argc, char **argv,
	      struct cli_opts *o);

/* Progress on stderr: "WHAT: done/total UNIT (+P running, by simulated
 * time), E s elapsed, ETA X s".  P is the running jobs' share of their
 * simulated time (runner_tick_fn), so one long replication moves too.
 * Two ways to show it (cli_progress_mode):
 *   CLI_PROGRESS_TTY    the line redrawn in place at every job and tick;
 *   CLI_PROGRESS_PLAIN  a whole line, first after CLI_PLAIN_FIRST seconds
 *                       and then every CLI_PLAIN_PERIOD seconds, so a log
 *                       file gets a few lines from a long run and none
 *                       from a short one.
 * base_done counts work finished before this batch.  Use
 * cli_progress_show as a runner_progress_fn, cli_progress_tick as a
 * runner_tick_fn; cli_progress_end erases a TTY line.  The callers
 * serialise the calls (the runner's lock). */
#define CLI_PLAIN_FIRST  5.0    /* s */
#define CLI_PLAIN_PERIOD 10.0   /* s */
enum { CLI_PROGRESS_NONE, CLI_PROGRESS_TTY, CLI_PROGRESS_PLAIN };
struct cli_progress {
	double t0;
	const char *what, *unit;
	size_t base_done, total;
	int mode;                 /* CLI_PROGRESS_* */
	double next_plain;        /* plain: the next line is due at t0 + this */
	double partial;           /* the last tick's (runner_tick_fn) */
};
double cli_now(void);
/* --progress and --quiet into a mode: none with --quiet or
 * --progress=none; tty or plain when asked; auto: tty when stderr is a
 * terminal, else plain. */
int cli_progress_mode(const struct cli_opts *o);
/* p set up for `mode` from now on. */
void cli_progress_init(struct cli_progress *p, int mode, const char *what,
		       const char *unit);
void cli_progress_show(void *ctx, size_t done, size_t total);
void cli_progress_tick(void *ctx, size_t done, size_t total, double partial);
void cli_progress_end(const struct cli_progress *p);
/* Erase the TTY line (what cli_progress_end does in TTY mode). */
void cli_progress_clear(void);

/* Append the --seed/--reps overrides to sets[n..] as "seed=S" and
 * "replications=N" (their text in buf[0] and buf[1]); returns the new
 * count.  For subcommands that load one scenario per point or probe. */
size_t cli_seed_reps_sets(const struct cli_opts *o, const char **sets,
			  size_t n, char buf[2][64]);

/* Set by the SIGINT/SIGTERM handler: the signal number, 0 when none. */
extern volatile int cli_interrupted;
void cli_install_signals(void);
/* 128 + signal number when interrupted, else `status`. */
int cli_exit_status(int status);



#endif
