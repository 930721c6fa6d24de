/* internal.h - the runqslower model's shared state, for its files only.
 *
 * The model is split by concern (see model.c for the map): the scheduler
 * world (world.c: tasks, pids, arrivals, wake-ups, placement; cpu.c: each
 * CPU's time line and dispatch; runq.c: the runqueues), the BPF side
 * (probe.c: the hooks and what they cost), configuration (config.c) and
 * the report (report.c).  They share the three structs below.
 *
 * Prefixes: rq_ is the model (its config, run state, interface functions
 * and the public runqslower.h); runq_ is a CPU's runqueue; cpu_, world_
 * and probe_ are the files above.
 *
 * Ownership: struct rq_cfg is built once by rq_configure, immutable
 * afterwards and shared read-only by every replication and thread; it owns
 * its distributions, trace arrays and per-strategy storage configs.
 * struct rq_run is one replication's state, built by rq_init and freed by
 * rq_fini; it owns cpu[], task[], each CPU's fair heap, the EEVDF
 * runqueues and entities (eevdf.h), the storage
 * strategy's state and the tallies.  It points at (does not own) its
 * config and its struct sim.  All times are ns on the simulated clock.
 */
#ifndef BPFSIM_RUNQSLOWER_INTERNAL_H
#define BPFSIM_RUNQSLOWER_INTERNAL_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

#include <gsl/gsl_randist.h>

#include "models/probe/exec.h"
#include "models/runqslower.h"
#include "models/storage.h"
#include "sim/dist.h"
#include "sim/histmark.h"
#include "sim/sim.h"
#include "sim/stats.h"

#define NIL UINT32_MAX
/* Linux's RESERVED_PIDS: pid allocation wraps from pid_max to here. */
#define RESERVED_PIDS 300

/* Event kinds.  EV_CPU targets CPU c (its id is c); EV_SPAWN targets id
 * `cpus`; EV_WAKE targets cpus + 1 + pid, so a task's wake-up never
 * cancels a CPU's event.  EV_BALANCE (the periodic balance, balance.h)
 * targets cpus + 1 + pid_max, beyond every pid.  EV_HRTIMER (a CPU's
 * timer interrupt for residents' sleeps with slack, hrtimer.h) targets
 * `cpus` (never cancelled: a stale one is ignored); its data is the CPU. */
enum { EV_SPAWN = 1, EV_WAKE, EV_CPU, EV_BALANCE, EV_BG, EV_HRTIMER };
/* Kernel time that is no task's (ktime.h): task-life costs (kernel.*) and
 * background sources (background.irq, .softirq, host.steal).  EV_BG
 * targets `cpus` too (never cancelled); its data is cpu * KT_NSRC + the
 * source. */
enum { KT_FORK, KT_EXEC, KT_EXIT, KT_REAP, KT_NTASK };
enum { KT_IRQ, KT_SOFTIRQ, KT_STEAL, KT_NSRC };
/* A CPU's mode (cpu.c has the time-line rules). */
enum { CPU_IDLE, CPU_BURST, CPU_RUN, CPU_WAKING };
/* Task classes: spawned by arrivals; resident sleepers; CPU-bound
 * residents; the parents that fork the spawned tasks (spawner.c); the
 * user-space readers of described tools' maps (tools.c). */
enum { CLS_SPAWNED, CLS_RESIDENT, CLS_BUSY, CLS_SPAWNER, CLS_READER };
/* workload.spawner (spawner.h). */
enum { SPAWNER_TASK, SPAWNER_NONE };
/* runqueue: */
enum { RUNQ_FIFO, RUNQ_WOKEN_FIRST, RUNQ_FAIR, RUNQ_EEVDF };
enum { T_FREE, T_RUNNABLE, T_RUNNING, T_BLOCKED };
enum { ARR_BATCH, ARR_POISSON, ARR_INTERVAL, ARR_TRACE };
enum { PL_LEAST_LOADED, PL_RANDOM, PL_ROUND_ROBIN, PL_WAKE_AFFINE };
/* workload.start: how resident tasks begin (world.c). */
enum { START_EQUILIBRIUM, START_BATCH };
enum { OUT_PERF, OUT_RINGBUF };
enum { DEL_ON_REPORT, DEL_ALWAYS };
/* probe.nesting (probe.c has the kernel's checks): NEST_PER_PROGRAM, a
 * program is skipped only when it is itself already running on the CPU
 * (tp_btf/raw_tp: __bpf_trace_run's prog->active); NEST_ANY_PROGRAM, a
 * wake-up hook is skipped when any BPF program runs on the CPU
 * (kprobe/perf-event tracepoint programs: trace_call_bpf's per-CPU
 * bpf_prog_active); NEST_SERIALIZE, every hook runs after the program in
 * progress. */
enum { NEST_PER_PROGRAM, NEST_ANY_PROGRAM, NEST_SERIALIZE };
/* What overhead inserted into a CPU's time line is (cpu_insert_overhead). */
enum { OH_BPF, OH_SWITCH, OH_KERNEL, OH_STEAL };
/* Why the running task leaves its CPU (cpu.c switch_out). */
enum { PREV_NONE, PREV_PREEMPT, PREV_BLOCK, PREV_EXIT };

/* The model's table (model.c); report.c sizes its metrics by it. */
extern const struct model model_runqslower;

/* workload.arrival values, by ARR_* (config.c); init names them in errors. */
extern const char *const rq_arrival_names[];

struct tools_reader;
struct hrt_base;

struct rq_cfg {
	uint64_t cpus, pid_max;
	int placement;                    /* PL_* */
	double fork_local;                /* chance a parent's child starts
					     on the parent's CPU */
	double wake_local;                /* chance a woken task stays queued
					     on its busy previous CPU when
					     wake_affine found an idle one */
	uint32_t smt, llc;                /* topology: CPUs per core, per LLC
					     domain (topo.h) */
	int bal_newidle;                  /* balance.newidle (balance.h) */
	uint64_t bal_interval;            /* balance.interval, ns; 0: no
					     periodic balance */
	struct dist *ctx_switch;
	struct dist *idle_wakeup;         /* NULL: an idle CPU starts at once */
	struct dist *wakeup_preempt;      /* NULL: wake-ups wait for the slice
					     end (FIFO) */
	int runqueue;                     /* RUNQ_FIFO, RUNQ_WOKEN_FIRST,
					     RUNQ_FAIR, RUNQ_EEVDF */
	uint64_t fair_credit;             /* fair: most virtual time a woken
					     task starts ahead, ns */
	uint64_t fair_gran;               /* fair: the running task keeps the
					     CPU this long after it got it
					     before a wake-up preempts, ns */
	/* eevdf (eevdf.h) */
	uint64_t eevdf_slice;             /* sysctl_sched_base_slice, ns */
	uint64_t eevdf_tick;              /* TICK_NSEC: 1e9 / HZ, ns */
	int eevdf_hrtick;                 /* sched_feat HRTICK: deadlines are
					     checked when they pass, not at
					     the next tick */
	int eevdf_parity;                 /* sched_feat RUN_TO_PARITY */
	int eevdf_nice[4];                /* nice by CLS_*: -20..19 */
	/* workload */
	int arrival;                      /* ARR_* */
	uint64_t processes, spawns;
	double rate;                      /* spawns per second */
	int spawner;                      /* SPAWNER_* */
	uint64_t spawners;                /* parent tasks (SPAWNER_TASK) */
	struct dist *fork;                /* a parent's CPU time per fork */
	struct dist *fork_tail;           /* ... of it after wake_up_new_task
					     (NULL: none, the child wakes at
					     the cycle's end) */
	uint64_t *trace_t, *trace_demand; /* ARR_TRACE, ns; shared between
					     equal configs (rq_config_share) */
	size_t trace_n;
	size_t *trace_refs;               /* configs holding these arrays */
	struct dist *lifetime, *slice, *block_run, *sleep;
	double block_p;
	uint64_t res_tasks, res_busy;     /* resident tasks: cycling, CPU-bound */
	struct dist *res_run, *res_sleep;
	struct dist *res_interval;        /* NULL: residents sleep `res_sleep`
					     after each burst (closed loop) */
	uint64_t res_slack;               /* residents' timer slack, ns; 0:
					     exact wake-ups (hrtimer.h) */
	struct dist *busy_run, *busy_sleep; /* NULL: busy residents never
					     sleep */
	int start;                        /* START_*: residents at t = 0
					     (read by world_read_start) */
	/* probe */
	int attach, output, del, cleanup_on_exit;
	int nesting;                      /* NEST_* */
	uint64_t threshold;               /* ns */
	struct dist *hook[RQ_HOOKS];
	struct dist *out_cost[2];         /* by OUT_* */
	/* storage: every strategy's config (all are validated), one used */
	int strategy;                     /* index in storage_registry */
	void *storage_cfg[8];
	/* described tools (tools.c): replace the built-in probe when any */
	struct pd_tool *tools;
	size_t ntools;
	struct pd_prims prims;
	uint32_t ts_maps;                 /* task-storage maps over all tools */
	struct model_metric *metrics;     /* the model's and each tool's */
	char *metric_names;
	double sys_rate;                  /* system calls per second of CPU
					     time (workload.syscalls) */
	struct dist *sys_dur;             /* a call's in-kernel time */
	gsl_ran_discrete_t *sys_mix;      /* which call: index in sys_ids */
	uint32_t *sys_ids;
	size_t nsys;
	/* kernel time that is no task's (ktime.h); NULL / 0: off */
	struct dist *kt[KT_NTASK];        /* kernel.fork, .exec, .exit, .reap */
	double bg_rate[KT_NSRC];          /* episodes per second per CPU */
	struct dist *bg_dur[KT_NSRC];     /* an episode's CPU time */
	int bg_while_busy;                /* background.while_busy: episodes
					     also charged on a busy CPU */
};

struct task {
	uint64_t remaining;    /* CPU demand left, ns */
	uint64_t enq_time;     /* runnable since (true), ns */
	uint64_t picked;       /* when a CPU took it off its runqueue, ns */
	uint32_t incarnation;  /* unique per spawned task */
	uint32_t next;         /* runqueue link */
	uint16_t cpu;          /* cpus <= 4096 (config.c) */
	uint16_t timer_cpu;    /* 1 + the CPU it last blocked on, where its
				  wake-up timer was armed and fires; 0: it
				  has not blocked yet (world_block) */
	uint8_t state;         /* T_* */
	uint8_t cls;           /* CLS_*: spawned, resident or busy resident */
	uint8_t blocks : 1;    /* the current segment ends by blocking */
	uint8_t woken : 1;     /* queued by a wake-up, not yet on a CPU */
	uint8_t forked : 1;    /* a parent: its fork is done, the child's
				  sched_wakeup_new runs in its stretch */
	uint8_t execd : 1;     /* spawned: has run (sched_process_exec
				  fired) */
	uint64_t next_wake;    /* resident with an interval: its next wake-up */
	uint64_t vruntime;     /* fair: virtual runtime (CPU time run), ns,
				  on the scale of its CPU (t->cpu) */
	uint64_t resume;       /* burst left to run before the task blocks
				  (cut by a wake-up preemption, or a
				  resident's burst beyond a slice), ns */
} __attribute__((aligned(64)));
/* One cache line each: a wake-up's task is one miss, not two (the array
 * is allocated 64-byte aligned, world.c grow_tasks). */
_Static_assert(sizeof(struct task) == 64, "struct task is one cache line");

/* A level whose time integral goes into a series column. */
struct rq_level {
	double v;
	uint64_t since;        /* ns */
};

/* A fair runqueue entry: smallest (v, seq) runs next. */
struct runq_ent {
	uint64_t v, seq;
	uint32_t pid;
};

/* Three cache lines, on 64-byte boundaries (model.c allocates the array
 * aligned): what every event of the CPU reads and writes first (its state
 * and times), then its program clock and the time it charged, then what
 * only the FIFO and fair runqueues use.  At 256 CPUs and more, the CPUs'
 * state outgrows L1: a CPU's event reads two lines of it, not up to four
 * (in an array aligned to 16 bytes, 192 bytes can span four). */
struct cpu {
	uint8_t mode;          /* CPU_* */
	uint8_t cut;           /* RUN: segment cut short by a wake-up */
	uint32_t cur;          /* RUN: running task */
	uint32_t next;         /* BURST: task to start at the end */
	uint32_t runq_len;
	uint64_t until;        /* RUN: segment end; BURST: burst end */
	uint64_t seg_start;    /* RUN: start of the segment */
	uint64_t inj;          /* RUN: overhead inserted in the segment */
	uint64_t seg_len;      /* RUN: payload the segment was to run, ns */
	uint64_t got_cpu;      /* RUN: when the running task was dispatched */
	uint64_t pending;      /* WAKING: overhead charged, run at the wake */
	/* line 2 */
	uint64_t idle_since;
	uint64_t bpf_until;    /* end of the BPF program running here */
	uint64_t payload, bpf, sw, kern, idle;   /* ns charged; kern: kernel
					      work of no task and no program
					      (task-storage free, ktime.h) */
	uint64_t steal;        /* ns the hypervisor took (host.steal) */
	/* line 3: the FIFO and fair runqueues */
	uint32_t runq_head, runq_tail;
	uint32_t runq_wtail;   /* last woken task queued (woken_first), or NIL */
	struct runq_ent *heap; /* fair: runqueue as a min-heap by vruntime */
	size_t heap_cap;
	uint64_t min_v;        /* fair: monotonic minimum vruntime, ns */
} __attribute__((aligned(64)));
_Static_assert(sizeof(struct cpu) == 192, "struct cpu is three lines");

/* A parent task and the fork requests queued with it. */
struct spawner {
	uint32_t pid;
	uint64_t pending;
	uint64_t tail;    /* of the fork in progress: its CPU after the
			     child's wake-up (workload.fork_tail) */
};

struct rq_run {
	const struct rq_cfg *cfg;
	struct sim *s;
	struct cpu *cpu;       /* cfg->cpus */
	struct task *task;     /* indexed by pid: 64-byte aligned in task_mem */
	void *task_mem;        /* the allocation (world.c grow_tasks) */
	uint32_t ntask;        /* allocated entries of task[] */
	struct hrt_base *hrt;  /* per CPU: residents' armed timers (hrtimer.h;
				  NULL without a slack) */
	uint32_t last_pid;
	uint32_t rr_next;      /* placement: round_robin's next CPU */
	uint64_t *ll;          /* placement: least_loaded's tournament tree
				  (place.h), or NULL */
	uint32_t ll_leaves;    /* its leaves: cpus rounded up to a power of 2 */
	uint32_t *ll_dirty;    /* CPUs whose load may have changed since the
				  tree was last brought up to date */
	uint32_t ll_ndirty;
	uint8_t *ll_mark;      /* per CPU: listed in ll_dirty */
	uint64_t *ll_idle;     /* bit c: CPU c's load is 0 (cpus / 64 words) */
	uint64_t runq_seq;     /* fair, eevdf: enqueue order, the tie-break */
	struct eevdf *eevdf;   /* runqueue: eevdf: its runqueues and entities
				  (eevdf.h, owned), else NULL */
	uint64_t incarnations;
	const struct storage_ops *sops;
	void *st;              /* the strategy's run state (owned) */
	struct storage_env env;
	struct storage_stats sstats;
	/* streams (owned by the sim) */
	gsl_rng *r_arr, *r_work, *r_slice, *r_block, *r_sleep, *r_place,
		*r_switch, *r_out, *r_hook[RQ_HOOKS], *r_res_run, *r_res_sleep,
		*r_idle, *r_preempt, *r_res_start, *r_fork;
	gsl_rng *r_fork_local;            /* only when 0 < fork_local < 1 */
	gsl_rng *r_wake_local;            /* only when 0 < wake_local < 1 */
	/* counters */
	uint64_t spawned, completed, spawn_failures, live, backlog, peak_backlog,
		peak_live, pid_wraps;
	uint64_t migrations;    /* tasks moved to another CPU: wake-ups
				   placed away from their last CPU, pulls by
				   the balancer (sched_migrate_task) */
	uint64_t reports, false_reports, missed, recursion_misses;
	uint64_t hook_n[RQ_HOOKS], hook_ns[RQ_HOOKS];
	uint64_t out_ns;
	struct stat_tally wait, probe_wait;   /* ns */
	struct hmark marks;    /* wait, probe_wait histograms at warm-up
				  marks (report.c rq_steady) */
	int idle_lookup;        /* sched_switch to idle looks up pid 0 (the
				   pid-keyed maps: libbpf-tools runqslower) */
	struct stat_gauge occupancy;
	uint64_t occ_max;
	struct rq_level lv_backlog, lv_live, lv_occ;   /* series levels */
	uint64_t spawn_budget;  /* spawns left (open arrival processes) */
	struct spawner *spawner; /* the parents (spawner.c), or NULL */
	uint32_t nspawners, spawn_rr;
	uint8_t bal_armed;      /* a periodic balance is pending (balance.h) */
	uint32_t fork_cpu;      /* the forking parent's CPU while it spawns a
				   child, else NIL */
	size_t trace_i;         /* next trace line to spawn */
	struct rq_census census; /* residents' state at t = 0 (tests) */
	/* described tools (tools.c) */
	struct pd_env pd;
	struct pd_tool_run *tools;
	gsl_rng *r_sys;
	/* kernel time that is no task's (ktime.c) */
	gsl_rng *r_kt, *r_bg[KT_NSRC];
	uint64_t kt_ns[KT_NTASK], kt_n[KT_NTASK];   /* charged, ns; count */
	uint64_t bg_ns[KT_NSRC], bg_n[KT_NSRC];     /* charged, ns; episodes */
	uint64_t bg_idle_ns;              /* irq/softirq charged on idle CPUs */
	uint64_t reap_pending;  /* children exited, not yet reaped by a parent */
	struct tools_reader *readers;   /* the maps' reader tasks (tools.c) */
	uint32_t nreaders;
	gsl_rng *r_reader;
};

/* Windowed series columns (names in report.c rq_series_cols).  *_AVG
 * columns hold a level times ns (a time integral): divided by the window
 * they give the mean. */
enum {
	SC_PAYLOAD, SC_BPF, SC_SWITCH, SC_IDLE, SC_BACKLOG_AVG, SC_LIVE_AVG,
	SC_OCC_AVG, SC_COMPLETED, SC_SPAWNED, SC_REPORTS, SC_WAIT_SUM, SC_WAITS,
	SC_KERNEL, SC_COUNT
};

/* Add `amount` to series column col at now (no-op without series). */
static inline void rq_series_point(struct rq_run *R, int col, double amount)
{
	struct sim *s = R->s;
	if (s->has_series)
		stat_series_spread(&s->series, (size_t)col, s->now, s->now, amount);
}

/* Spread `amount` over [a, now) in column col. */
static inline void rq_series_span(struct rq_run *R, int col, uint64_t a,
				  double amount)
{
	struct sim *s = R->s;
	if (s->has_series)
		stat_series_spread(&s->series, (size_t)col, a, s->now, amount);
}

/* Level l changes to v now: its integral since the last change goes to
 * column col. */
static inline void rq_level_set(struct rq_run *R, int col, struct rq_level *l,
				double v)
{
	uint64_t now = R->s->now;
	if (now > l->since)
		rq_series_span(R, col, l->since, l->v * (double)(now - l->since));
	l->v = v;
	l->since = now;
}

#endif
