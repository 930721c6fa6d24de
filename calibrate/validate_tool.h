/* validate_tool.h - `bpfsim validate --tool NAME`: real libbpf-tools binaries
 * against the shipped descriptions of them.
 *
 * Where plain `validate` measures bpfsim's own runqslower-style probes,
 * this runs a tool nobody here wrote - Debian's `libbpf-tools` package
 * (bcc's libbpf-tools, 0.26.0 on Debian 12) - and checks that the tool's
 * description in scenarios/tools/ (maps, programs, operations, priced
 * from the primitives and the storage cost classes) predicts what the
 * kernel measures for the binary:
 *   1. measure (validate_tool_measure, live: tool_run.c): bpf_stats on
 *      and the stats floor attached; the load generator started and left
 *      to settle; the binary started (its stdout/stderr to a log) and
 *      waited for until every program the tool loads by default is found
 *      among the BPF programs its process holds (/proc/PID/fdinfo
 *      `prog_id`, named as the kernel keeps them) and has run; the
 *      workload probes (calibrate workload) attached beside it; each
 *      program's run_time_ns, run_cnt and recursion_misses read at both
 *      ends of the window; the tool stopped (SIGINT, SIGKILL after
 *      VT_STOP_S) and each of its program ids checked to be gone.  The
 *      caller measures twice, before and after steps 2 and 3's
 *      calibrations, and sums the windows (validate_tool_measured_add):
 *      the measured side brackets the calibration.  A tool
 *      on classic tracepoints (syscount: raw_syscalls) needs tracefs:
 *      mounted for the run when absent and unmounted after.
 *   2. calibrate the hash storage classes under the same load (as
 *      validate does, the caller's job: calib_storage);
 *   3. simulate (validate_tool_scenario_write, validate_tool_simulate):
 *      validate's generated scenario of the load (validate.h) plus
 *      `tools: [{include: <scenarios>/tools/<tool>.yaml}]`, the
 *      primitives from `calibrate primitives` on the tool's hook under the
 *      load (the caller's job, into the same file) and, for a tool on
 *      system calls, `workload.syscalls`: the rate per second of task CPU
 *      time fitted to what the tool counted in the window (the model has
 *      no other source for it: calibrate workload does not count system
 *      calls) - the caller simulates once without system calls for the
 *      tasks' CPU time per second, then sets rate = counted per second /
 *      that - and the load's syscall number.  Such a tool's hash
 *      lookup/miss/replace are priced as timed on its own hook (a few hot
 *      keys at the system-call rate), not by the runqslower-style probes
 *      on the scheduler hooks;
 *   4. compare (validate_tool_rows): per program, the cost per run
 *      (bpf_stats: run_time_ns / run_cnt less the stats floor; predicted:
 *      the description's TOOL.PROG.ns_per_run less the mean of its
 *      dispatch, `primitives.dispatch.<attach>`, which the host pays
 *      outside the program and bpf_stats never sees) against
 *      --run-tolerance (default 20%), and runs per second; the tool's BPF
 *      share of all CPU time (the same per-run costs x runs / (CPUs x
 *      elapsed) on both sides) against --tolerance (25%); and the host's
 *      busy CPU share for context (no verdict).
 *
 * Program names: the kernel keeps 15 characters; the table maps each
 * program of the tool to the description's (the same names in the shipped
 * descriptions, which follow v0.26.0's sources).  A program the tool loads but does not attach by
 * default (syscount's sys_enter without -L) has run_cnt 0: its rows carry
 * no verdict.
 *
 * Units: ns, seconds where named.  Errors: ERR_RUNTIME (status 1) for the
 * host (no binary, the tool failing, a program left loaded), ERR_INPUT
 * for files.  Nothing here keeps global state.
 */
#ifndef BPFSIM_CALIB_VALIDATE_TOOL_H
#define BPFSIM_CALIB_VALIDATE_TOOL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "calibrate/calibrate.h"
#include "calibrate/validate.h"
#include "sim/err.h"
#include "sim/stats.h"

#define VT_MAXPROGS 4
#define VT_MIN_RUNS 100        /* fewer runs in the window: no verdict on
				  the program's rows (sched_wakeup_new
				  without a spawn load runs a few times) */
#define VT_STOP_S 3.0          /* SIGINT, then SIGKILL after this long
				  (syscount notices SIGINT after its 1 s
				  sleep) */

/* One libbpf-tools binary and what it loads with the options given. */
struct vt_prog {
	const char *kname;     /* program name in the tool's source (the
				  kernel keeps its first 15 characters) */
	const char *dname;     /* the description's program name */
	const char *attach;    /* its attach type there: the dispatch key */
	int attached;          /* 1: attached by default (waited for) */
};
struct vt_tool {
	const char *name;      /* runqslower, ... */
	const char *bin;       /* the binary's name in /usr/sbin (Debian) */
	const char *args[4];   /* its arguments, NULL-terminated */
	const char *desc;      /* the description, under scenarios/ */
	const char *load;      /* default load (loadgen.h) */
	int tracefs;           /* needs tracefs (classic tracepoints) */
	int syscalls;          /* counts system calls: workload.syscalls */
	size_t nprogs;
	struct vt_prog prog[VT_MAXPROGS];
};

/* The tool called name, or NULL. */
const struct vt_tool *vt_find(const char *name);
/* Every tool, comma-separated ("runqslower, runqlat, ..."). */
const char *vt_names(void);
/* The tool name closest to a misspelt one, or NULL when none is close. */
const char *vt_suggest(const char *name);
/* The binary's path: BPFSIM_TOOLS_DIR/bin when that is set, else the
 * first of /usr/sbin, /usr/bin, /sbin that has it executable; NULL when
 * none has (buf holds where it looked). */
const char *vt_binary(const struct vt_tool *t, char *buf, size_t size);
/* The description's path: scenarios/<desc> under the working directory
 * when it is there, else under the installed share directory; buf. */
const char *vt_desc_path(const struct vt_tool *t, char *buf, size_t size);

/* ---- step 1 ------------------------------------------------------------ */
struct vt_measured {
	double elapsed;              /* s, the bpf_stats window */
	long cpus;
	uint32_t id[VT_MAXPROGS];    /* program ids (0: not found) */
	double runs[VT_MAXPROGS];    /* run_cnt in the window */
	double run_ns[VT_MAXPROGS];  /* run_time_ns, floor included */
	double misses[VT_MAXPROGS];  /* recursion_misses */
	double floor;                /* stats floor, ns per run */
	double busy, idle, steal;    /* /proc/stat, ns over all CPUs */
	double oncpu;                /* the tasks' time on CPU timed at every
				      * switch / all CPU time (first window's
				      * workload.cpu_busy_oncpu; NAN: none) */
	double load_done[4];         /* the load generator's counts */
	int tracefs_mounted;         /* tracefs was mounted for the run */
	int pid;                     /* the tool's pid */
};

/* Step 1 of tool t under o->load for o->duration_ns (workload section
 * into calfile, its report on rep; the tool's output into logpath). */
int validate_tool_measure(const struct calib_opts *o, const struct vt_tool *t,
			  const char *calfile, const char *logpath, FILE *rep,
			  struct vt_measured *m, struct err *e);

/* m->oncpu from calfile's workload.cpu_busy_oncpu (NAN when it has none):
 * /proc/stat's ticks miss the sleepers' runs between ticks. */
int validate_tool_measured_oncpu(struct vt_measured *m, const char *calfile,
				 struct err *e);

/* m += b: a second window of the same tool and load (bpfsim validate
 * measures before and after the calibrations): counts, times and the
 * elapsed summed, the stats floor weighted by the programs' runs; m's
 * program ids and pid kept. */
void validate_tool_measured_add(struct vt_measured *m,
				const struct vt_measured *b);

/* ---- steps 3 and 4 ----------------------------------------------------- */
/* Validate's scenario of the load from calname (in DIR) plus the tool;
 * for a system-call tool the rate `sys_rate` (per second of task CPU
 * time) and syscall number `sys_id`. */
int validate_tool_scenario_write(const char *dir, const char *name,
				 const char *calname, const char *label,
				 const struct vt_tool *t, double sys_rate,
				 long sys_id, const struct val_sim_opts *so,
				 struct err *e);

/* Predicted values per replication, summarised: per program cost per run
 * without dispatch and runs per second; the tool's BPF share without
 * dispatch; the host's busy share. */
struct vt_pred {
	struct stat_summary per_run[VT_MAXPROGS], rate[VT_MAXPROGS];
	struct stat_summary share, busy;
	struct stat_summary payload;    /* payload time / all CPU time */
	double dispatch[VT_MAXPROGS];   /* mean dispatch taken off, ns */
};
int validate_tool_simulate(const char *scenario, const struct vt_tool *t,
			   const struct val_sim_opts *so, struct vt_pred *p,
			   int *interrupted, struct err *e);

struct vt_row {
	char tool[32], load[96], metric[64];
	const char *unit;            /* "ns", "1/s", "ratio" */
	double measured;
	struct stat_summary pred;
	double rel, tol;             /* (predicted - measured) / measured */
	int verdict;                 /* 1 ok, 0 miss, -1 none */
	double misses;               /* recursion_misses behind it, or NAN */
};
/* Rows for one run: 2 per program, then bpf_share and cpu_busy; returns
 * how many were written to rows (at most 2 * VT_MAXPROGS + 2). */
size_t validate_tool_rows(const struct vt_tool *t, const char *load,
			  const struct vt_measured *m,
			  const struct vt_pred *p, double run_tol, double tol,
			  struct vt_row *rows);
void validate_tool_print(FILE *f, const struct vt_row *rows, size_t n);
void validate_tool_csv(FILE *f, const struct vt_row *rows, size_t n);
/* measured.csv: one line per program. */
void validate_tool_measured_header(FILE *f);
void validate_tool_measured_csv(FILE *f, const struct vt_tool *t,
				const char *load, const struct vt_measured *m);

#endif
