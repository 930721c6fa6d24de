/* validate.h - `bpfsim validate`: the simulation against the live host.
 *
 * For each load (loadgen.h) and storage kind, four steps:
 *   1. measure (validate_measure, live): the bundled runqslower probes
 *      (rqslower.h) loaded and attached as the real tools run them -
 *      deletes after a report only, 10 ms threshold, hash of 10240
 *      entries - under the load; bpf_stats gives each program's
 *      run_time_ns, run_cnt and recursion_misses over the window (the
 *      last expected 0: runs the kernel skipped; the stats floor, an empty
 *      program's mean, subtracted per run as calibrate does); /proc/stat
 *      gives the host's busy and idle CPU time; getrusage(RUSAGE_CHILDREN)
 *      the load generator's own CPU time (its children are reaped, so
 *      their time is in it);
 *   2. calibrate (live): `calibrate workload` in the same window as step 1
 *      (its probes beside the measured ones), then `calibrate storage`
 *      of that kind under the same load, into DIR/calibration-SLUG-KIND.yaml;
 *   3. simulate (validate_scenario_write, validate_simulate): a generated
 *      scenario DIR/scenario-SLUG-KIND.yaml that takes everything it can
 *      from that file through `{from: calibration.X}` references, with
 *      the host's online CPUs and pid_max, R replications;
 *   4. compare (validate_rows): measured against predicted per metric,
 *      relative error (predicted - measured) / measured, the simulation's
 *      95% CI, a verdict against the tolerance.
 *
 * The compared metrics (struct val_point), the same definitions both sides:
 *   per_run_HOOK    BPF time per invocation of each runqslower program
 *                   (sched_wakeup, sched_wakeup_new, sched_switch), ns
 *   runs_per_s_HOOK invocations per second
 *   bpf_share       BPF time of the three programs / all CPU time (CPUs x
 *                   elapsed); the model's storage free at task exit is not
 *                   a program run (bpf_stats cannot see it) and is left
 *                   out, as is nothing else
 *   overhead_ratio  BPF time / (busy CPU time - BPF time): busy is every
 *                   CPU nanosecond not idle - /proc/stat's user + nice +
 *                   system + irq + softirq; the model's payload + BPF +
 *                   context switches - because the probes see every task
 *                   on the host, not only the load's
 *   wait_p50, wait_p99  runqueue wait of every task; measured by the
 *                   workload probes in the same window (the runqslower
 *                   programs report only waits over 10 ms)
 *   cpu_busy        busy / all CPU time (context for the rest; no verdict
 *                   weight beyond its own row)
 *
 * Units: ns, seconds where named.  Errors: ERR_RUNTIME for the kernel and
 * the OS (no root, no BTF, a program refused: status 1), ERR_INPUT for
 * bad files.  Nothing here keeps global state but libbpf's log (live.h).
 */
#ifndef BPFSIM_CALIB_VALIDATE_H
#define BPFSIM_CALIB_VALIDATE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "calibrate/calibrate.h"
#include "sim/err.h"
#include "sim/stats.h"

struct scenario_env;

enum val_hook { VAL_WAKEUP, VAL_WAKEUP_NEW, VAL_SWITCH, VAL_NHOOKS };
extern const char *const val_hook_names[VAL_NHOOKS];

#define VAL_HASH_ENTRIES 10240   /* libbpf-tools runqslower's map size */

/* ---- step 1: what the host did ------------------------------------------- */
struct val_measured {
	int task;                    /* 1: task storage, 0: hash */
	double elapsed;              /* s, the bpf_stats window */
	long cpus;                   /* online CPUs */
	double runs[VAL_NHOOKS];     /* program runs in the window */
	double misses[VAL_NHOOKS];   /* their recursion_misses in the window:
					runs the kernel skipped because a
					program was already running on the
					CPU; expected 0 for these hooks */
	double run_ns[VAL_NHOOKS];   /* their run_time_ns, floor included */
	double floor;                /* stats floor: mean ns per run */
	double busy, idle, steal;    /* /proc/stat deltas, ns over all CPUs */
	double load_cpu;             /* load generator's CPU time, ns */
	double load_elapsed;         /* s the load generator ran */
	double reports, failed;      /* ring buffer reports; refused updates */
	char attach[16];             /* tp_btf or raw_tp */
};

/* Check privileges, BTF and the kernel's BPF support as calibrate does;
 * ERR_RUNTIME with the reason (and what the build lacked, in a build
 * without BPF support). */
int validate_check(const struct calib_opts *o, struct err *e);
/* Step 1 for one storage kind under o->load for o->duration_ns, with the
 * workload probes (calibrate workload) in the same window: their report
 * goes to rep, the host and workload sections to calfile. */
int validate_measure(const struct calib_opts *o, int task, const char *calfile,
		     FILE *rep, struct val_measured *m, struct err *e);

/* ---- steps 3 and 4 ------------------------------------------------------- */
enum val_metric {
	VM_PER_RUN,                  /* + hook */
	VM_RUNS_PER_S = VM_PER_RUN + VAL_NHOOKS,
	VM_BPF_SHARE = VM_RUNS_PER_S + VAL_NHOOKS,
	VM_OVERHEAD,
	VM_WAIT_P50,
	VM_WAIT_P99,
	VM_CPU_BUSY,
	VM_COUNT
};
/* "per_run_sched_wakeup", ... and their units. */
const char *val_metric_name(int m);
const char *val_metric_unit(int m);

/* The number (or rate) at `path` of a loaded calibration file; NAN when
 * absent or not one. */
struct ytree;
double validate_tree_num(struct ytree *t, const char *path);

/* Measured values of every metric (waits from the calibration file at
 * `calfile`, its workload.wait p50/p99): NAN where there is nothing. */
int validate_measured_values(const struct val_measured *m, const char *calfile,
			     double out[VM_COUNT], struct err *e);

struct val_sim_opts {
	long cpus, pid_max;
	double duration_ns;          /* simulated time per replication */
	uint64_t reps, seed;
	unsigned threads;            /* 0: all cores */
	const struct scenario_env *env;  /* models and reference resolver */
	volatile int *interrupted;   /* the caller's signal flag, or NULL */
	const char *const *sets;     /* KEY=VALUE applied on top of every
					generated scenario (validate --set) */
	size_t nsets;
};

/* Write the scenario for storage kind `task` at DIR/NAME, taking what it
 * can from the calibration file `calname` (a name in DIR). */
int validate_scenario_write(const char *dir, const char *name,
			    const char *calname, const char *label, int task,
			    const struct val_sim_opts *so, struct err *e);
/* Ends a generated file's "Rerun: bpfsim run THIS-FILE" comment line with
 * so's --set overrides and a newline. */
void validate_rerun_sets(FILE *f, const struct val_sim_opts *so);
/* Run it; out[] gets every metric's summary over the replications
 * (mean and 95% CI).  Interrupted runs return 0 with *interrupted set. */
int validate_simulate(const char *scenario, const struct val_sim_opts *so,
		      struct stat_summary out[VM_COUNT], int *interrupted,
		      struct err *e);

/* ---- results ---------------------------------------------------------------- */
struct val_row {
	char load[96];               /* the load as given ("spawn:500") */
	int task;
	int metric;                  /* enum val_metric */
	double measured;
	struct stat_summary pred;
	double rel;                  /* (predicted - measured) / measured */
	int verdict;                 /* 1 ok, 0 miss, -1 no verdict */
	double misses;               /* recursion_misses behind the measured
					value: the hook's program for the
					per-hook metrics, all three for the
					others; NAN when unknown */
};

/* Fill rows[0..VM_COUNT) of one (load, kind); misses[] the programs'
 * recursion_misses in val_hook order (val_measured.misses), NULL when
 * unknown. */
void validate_rows(const char *load, int task, const double meas[VM_COUNT],
		   const double misses[VAL_NHOOKS],
		   const struct stat_summary pred[VM_COUNT], double tol,
		   struct val_row *rows);
/* The table on f (grouped by load and kind), and validation.csv's text
 * (the columns of the table, then replications, tolerance, verdict and
 * recursion_misses last). */
void validate_print_table(FILE *f, const struct val_row *rows, size_t n,
			  double tol);
void validate_write_csv(FILE *f, const struct val_row *rows, size_t n,
			double tol);


#endif
