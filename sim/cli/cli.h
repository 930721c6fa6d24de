/* cli.h - subcommand table and the options most subcommands share.
 *
 * Each subcommand is an entry {name, function, one-line summary, help text};
 * `bpfsim help NAME` and `bpfsim NAME --help` print the help text.
 * Exit statuses: 0 success, 1 runtime/OS failure, 2 bad input or usage,
 * 130/143 interrupted by SIGINT/SIGTERM.
 */
#ifndef BPFSIM_CLI_H
#define BPFSIM_CLI_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#define CLI_MAX_SETS 64

struct cli_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	const char *help;
};

extern const struct cli_cmd cli_commands[];
const struct cli_cmd *cli_find(const char *name);

/* Options shared by run/compare (and later sweep, phase, capacity). */
struct cli_opts {
	const char *scenario;
	const char *sets[CLI_MAX_SETS];
	size_t nsets;
	long reps;              /* -1 = scenario's */
	long long seed;         /* -1 = scenario's */
	unsigned threads;       /* 0 = all cores */
	const char *out;        /* NULL = out/<name> */
	const char *format;     /* table|csv|json */
	const char *strategies; /* compare */
	int quiet;
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
	/* merge: the positional arguments */
	char **dirs;
	int ndirs;
};

/* Parse argv for `cmd` (argv[0] is the subcommand).  Returns 0, 2 on a usage
 * error (message printed), or -1 when --help was printed (exit 0). */
int cli_parse(const struct cli_cmd *cmd, int argc, char **argv,
	      struct cli_opts *o);

/* A progress line on stderr, redrawn in place: "WHAT: done/total UNIT,
 * elapsed, ETA".  base_done counts work finished before this batch.  Use
 * cli_progress_show as a runner_progress_fn; cli_progress_clear erases the
 * line.  Callers show it only on a TTY and without --quiet. */
struct cli_progress {
	double t0;
	const char *what, *unit;
	size_t base_done, total;
};
double cli_now(void);
void cli_progress_show(void *ctx, size_t done, size_t total);
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

int cmd_run(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_capacity(int argc, char **argv);
int cmd_phase(int argc, char **argv);
int cmd_calibrate(int argc, char **argv);
int cmd_validate(int argc, char **argv);
extern const char calibrate_help[], validate_help[];

#endif
