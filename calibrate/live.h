/* live.h - what every live calibration needs (BPF builds only).
 *
 * Privileges and kernel features probed at run time (so the user hears
 * which path was taken and why), libbpf's messages captured (shown with
 * --verbose, searched for causes such as the verifier's "Cannot
 * recursively attach"), bpf_stats switched on the preferred way
 * (BPF_ENABLE_STATS fd; the sysctl only where that is missing, its value
 * restored), the stats floor (an empty program whose mean run_time_ns is
 * what stats add to a run), per-CPU histogram reads, the measuring loop
 * that polls for SIGINT/SIGTERM, host facts, result tables.  Also the
 * bundled runqslower-style probes (rqslower.c), which storage measures
 * and profile can load as a target.
 *
 * Global state: libbpf's print callback takes no user pointer, so the
 * captured log (live_log) is file-static in live.c; calibration runs on one
 * thread.  Every resource is released by its _stop/_free/_off function,
 * each safe on a zeroed struct and idempotent.
 */
#ifndef BPFSIM_CALIB_LIVE_H
#define BPFSIM_CALIB_LIVE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "calibrate/calibrate.h"
#include "calibrate/chist.h"
#include "sim/err.h"

struct live_features {
	int root;                       /* effective uid 0 */
	int cap_sys_admin, cap_perfmon, cap_bpf;   /* effective capabilities */
	int btf;                        /* /sys/kernel/btf/vmlinux readable */
	int tp_btf, tp_btf_errno;       /* a tp_btf program loads */
	int raw_tp, raw_tp_errno;       /* a raw_tp program loads */
	int fentry, fentry_errno;       /* fentry on a kernel function loads */
	char fentry_func[64];           /* the function it was tried on */
	int pmu, pmu_errno;             /* hardware cycle counter opens */
	int task_storage;               /* task storage maps can be created */
	char lockdown[160];             /* current mode, or why unknown */
	char kernel[96], machine[72], cpu_model[128];
	long cpus;
};

/* Check privileges and BTF (ERR_RUNTIME with the reason when missing),
 * install the libbpf log capture, probe the features. */
int live_init(const struct calib_opts *o, struct live_features *f,
	      struct err *e);
/* Print the probed features (one line each) to f. */
void live_print_features(FILE *out, const struct live_features *f);
/* Short strerror-like name of an errno ("EPERM"). */
const char *live_errno_name(int err);
/* Why fentry/fexit loading failed with errno err, in words. */
void live_fentry_reason(const struct live_features *f, int err, char *buf,
			size_t size);
/* libbpf's captured messages (last few KiB), clear, search. */
const char *live_log(void);
void live_log_clear(void);
int live_log_has(const char *needle);

/* tp_btf (0) or raw_tp (1) for o->attach on this kernel; *why says why. */
int live_use_raw_tp(const struct calib_opts *o, const struct live_features *f,
		    const char **why);

/* ---- bpf_stats ---------------------------------------------------------- */
struct live_stats {
	int fd;              /* BPF_ENABLE_STATS fd, -1 when none */
	int via_sysctl;      /* enabled through kernel.bpf_stats_enabled */
	char old[16];        /* the sysctl's previous value (restored) */
	const char *how;     /* "BPF_ENABLE_STATS fd" / "sysctl" */
};
int live_stats_on(struct live_stats *s, struct err *e);
void live_stats_off(struct live_stats *s);
/* A program's counters as bpf_prog_info has them: run_time_ns and
 * run_cnt grow only while bpf_stats is on; recursion_misses (kernel 5.12+)
 * always - the runs the kernel skipped because a program of the same
 * kind was already running on that CPU (bpf_prog_inc_misses_counter:
 * tracepoint programs in __bpf_trace_run, fentry/fexit in the
 * trampoline).  Take the difference over a window; expected ~0 for the
 * scheduler hooks measured here, and non-zero means the runs counted miss
 * some events the model assumes were handled. */
struct live_progstat {
	uint64_t run_ns, runs;
	uint64_t misses;     /* recursion_misses (0 before kernel 5.12) */
};
int live_prog_stat(int prog_fd, struct live_progstat *ps);
/* b - a of every counter (each window's difference). */
struct live_progstat live_progstat_diff(const struct live_progstat *b,
					const struct live_progstat *a);
/* Name of a program as the kernel keeps it (15 chars) and its id. */
int live_prog_info(int prog_fd, char *name, size_t size, uint32_t *id,
		   uint32_t *type);

/* ---- attaching and loads ------------------------------------------------- */
struct bpf_program;
struct bpf_link;
/* Attach progs[0..n) into links[0..n) (each NULL before); the first
 * refusal is an ERR_RUNTIME naming hooks[i].  The caller destroys the
 * links it got, on success and failure alike. */
int live_attach_all(struct bpf_program *const *progs, struct bpf_link **links,
		    int n, const char *const *hooks, struct err *e);
/* Start the load generator on spec (a spec without parts: nothing).
 * Non-zero when it did not start: an ERR_RUNTIME from `who` in e, unless
 * o was interrupted meanwhile (then e stays clear and the caller ends as
 * an interrupted run). */
int live_load_start(const struct calib_opts *o, const struct loadgen_spec *spec,
		    struct loadgen *g, const char *who, struct err *e);

/* ---- the stats floor (floor.bpf.c) ---------------------------------------- */
struct live_floor {
	void *skel;          /* struct floor_bpf */
	void *link;          /* struct bpf_link */
	int fd;
};
int live_floor_start(struct live_floor *fl, int raw_tp, struct err *e);
void live_floor_stop(struct live_floor *fl);

/* The start workload and storage share: live_init, the attach type
 * (live_use_raw_tp: *raw_tp, *why), the features on stderr unless
 * o->quiet, bpf_stats on (st) and the stats floor attached (fl).  The
 * caller stops fl and st on every path (safe when they never started:
 * initialise them with fd -1). */
int live_start(const struct calib_opts *o, struct live_features *f,
	       struct live_stats *st, struct live_floor *fl, int *raw_tp,
	       const char **why, struct err *e);

/* ---- per-CPU maps ------------------------------------------------------- */
/* Sum the CPUs' copies of struct hist at key of a PERCPU_ARRAY. */
int live_read_hist(int map_fd, uint32_t key, struct hist *out);
/* Sum the CPUs' copies of a value made of u64 counters. */
int live_read_counters(int map_fd, uint32_t key, void *out, size_t size);
/* Zero keys [0, nkeys) of a PERCPU_ARRAY with values of `size` bytes. */
int live_zero_percpu(int map_fd, uint32_t nkeys, size_t size);

/* ---- waiting ------------------------------------------------------------ */
/* Called every ~100 ms while waiting (ring buffers, sampling); non-zero
 * stops the wait. */
typedef int (*live_tick_fn)(void *ctx);
/* Wait `seconds`, showing progress on a TTY unless quiet; 1 when
 * interrupted (calib_interrupted(o)), else 0. */
int live_wait(const struct calib_opts *o, double seconds, const char *what,
	      live_tick_fn tick, void *ctx);
double live_now(void);   /* CLOCK_MONOTONIC, s */
/* CLOCK_MONOTONIC, ns: bpf_ktime_get_ns's clock, for times the programs
 * compare with theirs. */
uint64_t live_now_ns(void);

/* ---- CPU time from /proc -------------------------------------------------- */
/* Host CPU time from /proc/stat's "cpu" line, in ns summed over CPUs (the
 * USER_HZ ticks scaled): busy = user + nice + system + irq + softirq
 * (guest time is inside user), idle = idle + iowait, steal apart. */
struct live_cpustat {
	double busy, idle, steal;
	double irq, softirq;   /* inside busy: interrupt and softirq time */
};
int live_cpustat_read(struct live_cpustat *s);
/* Every thread's CPU time and runqueue delay (/proc/PID/task/TID/schedstat:
 * ns), sorted by tid. */
struct live_thread {
	int tid;
	double cpu, delay;     /* ns */
};
struct live_threads {
	struct live_thread *t;
	size_t n;
};
int live_threads_read(struct live_threads *th);
void live_threads_fini(struct live_threads *th);

/* ---- reporting ---------------------------------------------------------- */
void live_dist_header(FILE *f);
/* One row: name, n, mean, p50, p99, chosen fit, KS (fits == 0: "-"). */
void live_dist_row(FILE *f, const char *name, const struct chist *c);
void live_dist_row_fit(FILE *f, const char *name, const struct chist *c,
		       int fits);
/* ---- calibration file sections ------------------------------------------ */
/* Each measurement writes its section the same way: live_section_open
 * starts a memory buffer holding the host: block (kernel, CPU, features;
 * st's bpf_stats method, st may be NULL), the caller writes its section
 * to s->f, live_section_commit merges the text into the file at `path`
 * (calfile_merge: the other sections stay) and says "wrote WHAT to PATH"
 * on rep.  open fails only without memory (then nothing to free); commit
 * always frees the buffer. */
struct live_section {
	FILE *f;
	char *buf;
	size_t len;
};
int live_section_open(struct live_section *s, const struct live_features *f,
		      const struct live_stats *st, struct err *e);
int live_section_commit(struct live_section *s, const char *path,
			const char *what, FILE *rep, struct err *e);
/* ns as "123.4ns" / "1.2us" (6 significant digits). */
char *live_ns(double ns, char *buf, size_t size);

/* ---- the workload probes (workload.c), as a session ---------------------- */
/* calibrate workload is begin, wait, end; bpfsim validate runs a session
 * beside the probes it measures, so the calibration is of the very window
 * it validates.  begin loads and attaches the probes (tp_btf, or raw_tp)
 * and snapshots the counters, CPU times and thread list; end reads
 * everything, detaches, prints the report to `rep` and, with o->out,
 * writes the host and workload sections there.  `load` (may be NULL) is
 * a load generator already stopped, whose counts the report gives;
 * floor_fd is the stats-floor program's (live_floor).  workload_free
 * detaches and frees (NULL is fine). */
struct workload_session;
struct loadgen;
int workload_begin(const struct live_features *f, int raw_tp, const char *why,
		   int floor_fd, struct workload_session **out, struct err *e);
int workload_end(struct workload_session *ws, const struct calib_opts *o,
		 const struct loadgen *load, const struct live_stats *st,
		 FILE *rep, struct err *e);
void workload_free(struct workload_session *ws);

/* ---- the bundled runqslower probes (rqslower.c) -------------------------- */
struct rqs;
struct rqs_params {
	int task;            /* task storage (1) or hash (0) */
	int raw_tp;          /* raw_tp programs (hash only) */
	uint64_t max_entries;    /* hash capacity */
	uint64_t min_ns;     /* report threshold (rqs_set changes it) */
	int del_one_in;      /* initial; rqs_set changes it */
};
int rqs_load(struct rqs **out, const struct rqs_params *p, struct err *e);
int rqs_attach(struct rqs *r, struct err *e);
/* Switch timing, deletes (after reports only: 0; also after one lookup in
 * del_one_in) and the report threshold (ns)
 * while the programs run. */
void rqs_set(struct rqs *r, int measure, int del_one_in, uint64_t min_ns);
void rqs_free(struct rqs *r);      /* detaches; NULL is fine */
/* The loaded programs: fds and names (sched_wakeup, ...), up to max. */
size_t rqs_progs(struct rqs *r, int *fds, const char **names, size_t max);
/* Consume reports waiting in the ring buffer (tick function). */
int rqs_poll(void *r);
/* The programs' counters summed over CPUs (struct rqs_counters of
 * rqslower.h, passed as void so this header needs no BPF types). */
int rqs_read_counters(struct rqs *r, void *out, size_t size);

/* ---- tracefs ------------------------------------------------------------ */
/* Classic tracepoints (raw_syscalls) need tracefs: mounted on
 * /sys/kernel/tracing when their events cannot be found (*mounted = 1),
 * unmounted again by live_tracefs_unmount (only what was mounted here).
 * who names the command in messages. */
int live_tracefs_mount(int *mounted, const char *who, struct err *e);
void live_tracefs_unmount(int *mounted, const char *who);

#endif
