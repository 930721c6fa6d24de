/* runqslower.c - a host's scheduler with runqslower-style BPF probes on it.
 *
 * What it models (DESIGN.md "runqslower"): `cpus` CPUs, each with a
 * runqueue; tasks spawned by an arrival process with a CPU demand; slices;
 * optional blocking and wake-up; preemption at slice end when others wait;
 * exit when the demand is consumed.  BPF programs on sched_wakeup,
 * sched_wakeup_new, sched_switch (and optionally sched_process_exit) do what
 * runqslower does - record "runnable since", look it up at switch-in, report
 * waits over `threshold`, delete - through a storage strategy (storage.h).
 * Every hook's cost is CPU time on the CPU it fires on: it delays the work
 * there, so the probe's overhead feeds back into the load.
 *
 * The rest of the host (added for bpfsim validate; all off by default, so
 * scenarios without these keys run as before, draw for draw):
 *   - `workload.resident`: tasks there from t = 0 that never exit - a
 *     host's daemons, kernel threads, a service's threads.  `tasks` of them
 *     run a burst (`run`) and sleep, either `sleep` after each burst or,
 *     with `interval`, until the next wake-up an interval after the last
 *     (timer-driven: a task whose burst overran its interval runs on without
 *     sleeping); each starts asleep, its first wake-up a uniform share of
 *     one draw away.  `busy` more are CPU-bound: runnable from t = 0 (no
 *     hook), slices until preempted, or with `busy_run` long bursts between
 *     `busy_sleep`s.  A resident's or busy task's burst longer than a
 *     slice is preempted at the slice end when others wait and resumes
 *     later (`resume`); spawned tasks' blocking segments are not (as
 *     before).
 *   - `idle_wakeup`: a CPU idle when a task is placed on it stays idle for
 *     the drawn latency (CPU_WAKING: IPI, exit from the idle state, on a VM
 *     the vCPU run again); the hooks charged to it meanwhile run as a burst
 *     when it is up, then it dispatches.
 *   - `runqueue`: `fifo` (as before); `woken_first`, woken tasks queue
 *     ahead of preempted ones; `fair`, CFS in outline: each task has a
 *     virtual runtime (payload run), the least runs next (a binary heap
 *     per CPU, ties by enqueue order), a woken task is placed where it
 *     stood against its last CPU's minimum - which moved on while it slept
 *     - but at most `fair.sleeper_credit` ahead of the new CPU's minimum,
 *     a new one at the minimum; when it has run less than the running
 *     task it preempts it, though not before that one has had the CPU for
 *     `fair.wakeup_granularity` (EEVDF's run to parity, in outline: a short
 *     burst finishes first); a slice end preempts only for a task that has
 *     run less.  No weights, no EEVDF deadlines or eligibility.
 *   - `wakeup_preemption`: FIFO queues, a task woken first in line onto a
 *     busy CPU ends the running segment after the drawn delay; fair, the
 *     delay is added to the preemptions fair decides (default: none).
 *   - a resident with an interval whose wake-up came while it ran (burst
 *     plus waits overran the interval) runs its next burst without
 *     sleeping; sched_wakeup still fires (ttwu of a running task), no
 *     switch.
 *
 * CPU time line.  A CPU is IDLE, in a BURST of overhead (hooks, context
 * switch) that may end by starting a chosen task, or RUNning a task's
 * segment.  Overhead that fires on a CPU runs at once and pushes whatever
 * the CPU was doing back by its cost (an interrupt-like insertion): a
 * running segment ends later, its payload unchanged.  Every nanosecond of a
 * CPU's committed time line is charged to exactly one of payload, bpf,
 * switch or idle, which is what the per-CPU conservation check verifies.
 *
 * Where the kernel is the reference:
 *   - wakeup hooks fire on the CPU the task is placed on (the kernel runs
 *     them in the waker's context, for timer wake-ups usually that CPU);
 *   - a hook from interrupt context (sched_wakeup) that fires while a BPF
 *     program runs on the same CPU is skipped by the kernel's recursion
 *     check (`nesting: skip`, counted as recursion_misses);
 *   - sched_switch to the idle task (pid 0) returns before the lookup;
 *   - libbpf-tools runqslower deletes an entry only after reporting it
 *     (`delete: on_report`): short waits keep their entry, exited tasks leak
 *     theirs; `delete: always` deletes after every lookup;
 *   - pids come from a cyclic allocator wrapping at pid_max (to 300, as
 *     Linux's RESERVED_PIDS), so leaked entries meet reused pids.
 * A report whose timestamp predates the task's current wait is a bogus wait,
 * counted as a false report.  It needs the record of this wait to be lost
 * while an older entry stays: a sched_wakeup skipped by the recursion check
 * after a short wait whose entry `on_report` kept.  Pid reuse alone cannot
 * do it: sched_wakeup_new always runs, and updating a key that is present
 * never fails (the kernel swaps in a per-CPU spare element), so a reused
 * pid overwrites the dead task's leaked entry.
 *
 * Memory: ~48 bytes per possible pid for tasks (grown on demand) plus the
 * strategy's per-pid table; events: a few per live task.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_randist.h>

#include "models/runqslower.h"
#include "models/storage.h"
#include "sim/cfg.h"
#include "sim/check.h"
#include "sim/dist.h"
#include "sim/sim.h"
#include "sim/stats.h"
#include "sim/units.h"

#define NIL UINT32_MAX

extern const struct model model_runqslower;
#define RESERVED_PIDS 300

enum { EV_SPAWN = 1, EV_WAKE, EV_CPU };
enum { CPU_IDLE, CPU_BURST, CPU_RUN, CPU_WAKING };
enum { CLS_SPAWNED, CLS_RESIDENT, CLS_BUSY };
enum { RQ_FIFO, RQ_WOKEN_FIRST, RQ_FAIR };
enum { T_FREE, T_RUNNABLE, T_RUNNING, T_BLOCKED };
enum { ARR_BATCH, ARR_POISSON, ARR_INTERVAL, ARR_TRACE };
enum { PL_LEAST_LOADED, PL_RANDOM, PL_ROUND_ROBIN };
enum { OUT_PERF, OUT_RINGBUF };
enum { DEL_ON_REPORT, DEL_ALWAYS };
enum { PREV_NONE, PREV_PREEMPT, PREV_BLOCK, PREV_EXIT };

static const char *const arrival_names[] = { "batch", "poisson", "interval",
					     "trace", NULL };
static const char *const placement_names[] = { "least_loaded", "random",
					       "round_robin", NULL };
static const char *const output_names[] = { "perf", "ringbuf", NULL };
static const char *const delete_names[] = { "on_report", "always", NULL };
static const char *const nesting_names[] = { "skip", "serialize", NULL };
static const char *const runqueue_names[] = { "fifo", "woken_first", "fair",
					      NULL };
const char *const rq_hook_names[RQ_HOOKS] = {
	"sched_wakeup", "sched_wakeup_new", "sched_switch", "sched_process_exit",
};

struct rq_cfg {
	uint64_t cpus, pid_max;
	int placement;
	struct dist *ctx_switch;
	struct dist *idle_wakeup;         /* NULL: an idle CPU starts at once */
	struct dist *wakeup_preempt;      /* NULL: wake-ups wait for the slice
					     end (FIFO) */
	int runqueue;                     /* RQ_FIFO, RQ_WOKEN_FIRST, RQ_FAIR */
	uint64_t fair_credit;             /* fair: most virtual time a woken
					     task starts ahead, ns */
	uint64_t fair_gran;               /* fair: the running task keeps the
					     CPU this long after it got it
					     before a wake-up preempts, ns */
	/* workload */
	int arrival;
	uint64_t processes, spawns;
	double rate;                      /* spawns per second */
	uint64_t *trace_t, *trace_demand; /* ARR_TRACE, ns */
	size_t trace_n;
	struct dist *lifetime, *slice, *block_run, *sleep;
	double block_p;
	uint64_t res_tasks, res_busy;     /* resident tasks: cycling, CPU-bound */
	struct dist *res_run, *res_sleep;
	struct dist *res_interval;        /* NULL: residents sleep `res_sleep`
					     after each burst (closed loop) */
	struct dist *busy_run, *busy_sleep; /* NULL: busy residents never
					     sleep */
	/* probe */
	int attach, output, del, nesting, cleanup_on_exit;
	uint64_t threshold;
	struct dist *hook[RQ_HOOKS];
	struct dist *out_cost[2];
	/* storage: every strategy's config (all are validated), one used */
	int strategy;
	void *storage_cfg[8];
};

struct task {
	uint64_t remaining;    /* CPU demand left, ns */
	uint64_t enq_time;     /* runnable since (true), ns */
	uint32_t incarnation;  /* unique per spawned task */
	uint32_t next;         /* runqueue link */
	uint32_t cpu;
	uint8_t state;
	uint8_t blocks;        /* the current segment ends by blocking */
	uint8_t cls;           /* CLS_*: spawned, resident or busy resident */
	uint64_t next_wake;    /* resident with an interval: its next wake-up */
	uint64_t vruntime;     /* fair: virtual runtime (CPU time run), ns,
				  on the scale of its CPU (t->cpu) */
	uint64_t resume;       /* burst left to run before the task blocks
				  (cut by a wake-up preemption, or a
				  resident's burst beyond a slice), ns */
};

/* A level whose time integral goes into a series column. */
struct level {
	double v;
	uint64_t since;
};

/* A fair runqueue entry: smallest (v, seq) runs next. */
struct rq_ent {
	uint64_t v, seq;
	uint32_t pid;
};

struct cpu {
	uint8_t mode;
	uint32_t cur;          /* RUN: running task */
	uint32_t next;         /* BURST: task to start at the end */
	uint64_t seg_start;    /* RUN: start of the segment */
	uint64_t until;        /* RUN: segment end; BURST: burst end */
	uint64_t inj;          /* RUN: overhead inserted in the segment */
	uint64_t idle_since;
	uint64_t bpf_until;    /* end of the BPF program running here */
	uint64_t pending;      /* WAKING: overhead charged, run at the wake */
	uint64_t seg_len;      /* RUN: payload the segment was to run, ns */
	uint64_t got_cpu;      /* RUN: when the running task was dispatched */
	uint8_t cut;           /* RUN: segment cut short by a wake-up */
	uint32_t rq_head, rq_tail, rq_len;
	uint32_t rq_wtail;     /* last woken task queued (woken_first), or NIL */
	struct rq_ent *heap;   /* fair: runqueue as a min-heap by vruntime */
	size_t heap_cap;
	uint64_t min_v;        /* fair: monotonic minimum vruntime, ns */
	uint64_t payload, bpf, sw, idle;   /* ns charged */
};

struct rq_run {
	const struct rq_cfg *cfg;
	struct sim *s;
	struct cpu *cpu;
	struct task *task;     /* indexed by pid */
	uint32_t ntask;        /* allocated entries of task[] */
	uint32_t last_pid;
	uint32_t rr_next;
	uint64_t rq_seq;       /* fair: enqueue order, the heap's tie-break */
	uint64_t incarnations;
	const struct storage_ops *sops;
	void *st;
	struct storage_env env;
	struct storage_stats sstats;
	/* streams */
	gsl_rng *r_arr, *r_work, *r_slice, *r_block, *r_sleep, *r_place,
		*r_switch, *r_out, *r_hook[RQ_HOOKS], *r_res_run, *r_res_sleep,
		*r_idle, *r_preempt;
	/* counters */
	uint64_t spawned, completed, spawn_failures, live, backlog, peak_backlog,
		peak_live;
	uint64_t reports, false_reports, missed, recursion_misses;
	uint64_t hook_n[RQ_HOOKS], hook_ns[RQ_HOOKS];
	uint64_t out_ns;
	struct stat_tally wait, probe_wait;
	struct stat_gauge occupancy;
	uint64_t occ_max;
	struct level lv_backlog, lv_live, lv_occ;   /* series levels */
	uint64_t spawn_budget;  /* spawns left (open arrival processes) */
	size_t trace_i;
};

/* Windowed series columns (see rq_series_cols).  *_AVG columns hold a level
 * times ns (a time integral): divided by the window they give the mean. */
enum {
	SC_PAYLOAD, SC_BPF, SC_SWITCH, SC_IDLE, SC_BACKLOG_AVG, SC_LIVE_AVG,
	SC_OCC_AVG, SC_COMPLETED, SC_SPAWNED, SC_REPORTS, SC_WAIT_SUM, SC_WAITS,
	SC_COUNT
};

static const char *const rq_series_cols[SC_COUNT + 1] = {
	"payload_ns", "bpf_ns", "switch_ns", "idle_ns", "backlog_avg",
	"live_tasks_avg", "map_occupancy_avg", "completed", "spawned", "reports",
	"wait_sum_ns", "waits", NULL,
};

static void series_point(struct rq_run *R, int col, double amount)
{
	struct sim *s = R->s;
	if (s->has_series)
		stat_series_spread(&s->series, (size_t)col, s->now, s->now, amount);
}

static void series_span(struct rq_run *R, int col, uint64_t a, double amount)
{
	struct sim *s = R->s;
	if (s->has_series)
		stat_series_spread(&s->series, (size_t)col, a, s->now, amount);
}

static void level_set(struct rq_run *R, int col, struct level *l, double v)
{
	uint64_t now = R->s->now;
	if (now > l->since)
		series_span(R, col, l->since, l->v * (double)(now - l->since));
	l->v = v;
	l->since = now;
}

/* ---- configuration ---------------------------------------------------- */

static void rq_config_free(void *p)
{
	struct rq_cfg *c = p;
	if (!c)
		return;
	dist_free(c->ctx_switch);
	dist_free(c->idle_wakeup);
	dist_free(c->wakeup_preempt);
	dist_free(c->res_run);
	dist_free(c->res_sleep);
	dist_free(c->res_interval);
	dist_free(c->busy_run);
	dist_free(c->busy_sleep);
	dist_free(c->lifetime);
	dist_free(c->slice);
	dist_free(c->block_run);
	dist_free(c->sleep);
	for (int i = 0; i < RQ_HOOKS; i++)
		dist_free(c->hook[i]);
	dist_free(c->out_cost[0]);
	dist_free(c->out_cost[1]);
	for (size_t i = 0; storage_registry[i]; i++)
		if (c->storage_cfg[i])
			storage_registry[i]->config_free(c->storage_cfg[i]);
	free(c->trace_t);
	free(c->trace_demand);
	free(c);
}

/* Trace CSV: "spawn_ns,demand_ns" per line (integers, ns; '#' comments and a
 * non-numeric header line are skipped), spawn times non-decreasing. */
static int load_trace(struct rq_cfg *c, const struct ynode *where,
		      const char *path, struct err *e)
{
	char full[4096];
	/* Relative to the scenario file; from --set (no position), to the
	 * working directory. */
	const char *file = where->file && where->line > 0 ? where->file : "";
	const char *slash = strrchr(file, '/');
	if (path[0] != '/' && slash)
		snprintf(full, sizeof(full), "%.*s/%s", (int)(slash - file), file,
			 path);
	else
		snprintf(full, sizeof(full), "%s", path);
	/* A regular file only: /dev/zero or a FIFO would never end. */
	struct stat st;
	if (stat(full, &st) == 0 && !S_ISREG(st.st_mode))
		return cfg_error(e, where, "trace '%s' is not a regular file", full);
	FILE *f = fopen(full, "r");
	if (!f)
		return cfg_error(e, where, "cannot open trace '%s': %s", full,
				 strerror(errno));
	char line[512];
	int lineno = 0, rc = 0;
	size_t cap = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			rc = err_set(e, ERR_INPUT, full, lineno, 1,
				     "line longer than %zu characters",
				     sizeof(line) - 2);
			break;
		}
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\n' || *p == 0)
			continue;
		unsigned long long t, d;
		char extra;
		if (sscanf(p, "%llu , %llu %c", &t, &d, &extra) != 2) {
			if (lineno == 1 && (p[0] < '0' || p[0] > '9'))
				continue;   /* header */
			rc = err_set(e, ERR_INPUT, full, lineno, 1,
				     "expected 'spawn_ns,demand_ns' (two whole numbers)");
			break;
		}
		if (c->trace_n && t < c->trace_t[c->trace_n - 1]) {
			rc = err_set(e, ERR_INPUT, full, lineno, 1,
				     "spawn times must not decrease");
			break;
		}
		if (d == 0) {
			rc = err_set(e, ERR_INPUT, full, lineno, 1,
				     "demand must be positive");
			break;
		}
		if (c->trace_n == cap) {
			cap = cap ? cap * 2 : 1024;
			uint64_t *a = realloc(c->trace_t, cap * sizeof(uint64_t));
			if (a)
				c->trace_t = a;
			uint64_t *b = realloc(c->trace_demand, cap * sizeof(uint64_t));
			if (b)
				c->trace_demand = b;
			if (!a || !b) {
				rc = err_set(e, ERR_RUNTIME, full, 0, 0, "out of memory");
				break;
			}
		}
		c->trace_t[c->trace_n] = t;
		c->trace_demand[c->trace_n++] = d;
	}
	fclose(f);
	if (!rc && c->trace_n == 0)
		rc = err_set(e, ERR_INPUT, full, 0, 0, "trace has no spawns");
	return rc;
}

static int read_workload(struct rq_cfg *c, struct ynode *root, struct err *e)
{
	struct ynode *w = cfg_section(root, "workload", e);
	if (!w)
		return e->status;
	if (cfg_enum(w, "arrival", "batch", arrival_names, &c->arrival, e) ||
	    cfg_uint(w, "processes", "1000", 0, UINT32_MAX - 1, &c->processes, e) ||
	    cfg_rate(w, "rate", "1000/s", &c->rate, e) ||
	    cfg_uint(w, "spawns", "0", 0, UINT64_MAX / 2, &c->spawns, e) ||
	    cfg_dist(w, "lifetime", "exponential(2ms)", DIST_DURATION,
		     &c->lifetime, e) ||
	    cfg_dist(w, "slice", "3ms", DIST_DURATION, &c->slice, e))
		return e->status;
	const char *trace;
	if (cfg_string(w, "trace", "", &trace, e))
		return e->status;
	if (c->arrival == ARR_TRACE) {
		if (!trace[0])
			return cfg_error(e, ynode_peek(w, "arrival"),
					 "arrival: trace needs workload.trace: FILE.csv");
		if (load_trace(c, ynode_peek(w, "trace"), trace, e))
			return e->status;
	}
	struct ynode *b = cfg_section(w, "block", e);
	if (!b ||
	    cfg_number(b, "probability", "0", 0, 1, &c->block_p, e) ||
	    cfg_dist(b, "sleep", "exponential(1ms)", DIST_DURATION, &c->sleep, e))
		return e->status;
	struct ynode *br = cfg_node(b, "run", 0, e);
	if (br && !(c->block_run = dist_parse(br, DIST_DURATION, e)))
		return e->status;
	struct ynode *r = cfg_section(w, "resident", e);
	if (!r ||
	    cfg_uint(r, "tasks", "0", 0, 1000000, &c->res_tasks, e) ||
	    cfg_uint(r, "busy", "0", 0, 100000, &c->res_busy, e) ||
	    cfg_dist(r, "run", "20us", DIST_DURATION, &c->res_run, e) ||
	    cfg_dist(r, "sleep", "exponential(1ms)", DIST_DURATION,
		     &c->res_sleep, e))
		return e->status;
	struct ynode *ri = cfg_node(r, "interval", 0, e);
	if (ri && !(c->res_interval = dist_parse(ri, DIST_DURATION, e)))
		return e->status;
	struct ynode *bu = cfg_node(r, "busy_run", 0, e);
	if (bu && !(c->busy_run = dist_parse(bu, DIST_DURATION, e)))
		return e->status;
	if (c->busy_run && cfg_dist(r, "busy_sleep", "exponential(100us)",
				    DIST_DURATION, &c->busy_sleep, e))
		return e->status;
	if (!c->busy_run && ynode_peek(r, "busy_sleep"))
		return cfg_error(e, ynode_peek(r, "busy_sleep"),
				 "workload.resident.busy_sleep needs busy_run");
	return 0;
}

static int read_fair(struct rq_cfg *c, struct ynode *root, struct err *e)
{
	struct ynode *f = cfg_section(root, "fair", e);
	double credit, gran;
	if (!f ||
	    cfg_duration(f, "sleeper_credit", "3ms", 0, 1e12, &credit, e) ||
	    cfg_duration(f, "wakeup_granularity", "1ms", 0, 1e12, &gran, e))
		return e->status;
	c->fair_credit = (uint64_t)credit;
	c->fair_gran = (uint64_t)gran;
	return 0;
}

static int read_probe(struct rq_cfg *c, struct ynode *root, struct err *e)
{
	/* Hook base costs: runqslower per-program figures (published-costs.md)
	 * minus the storage operations the strategies charge. */
	static const char *const base_def[RQ_HOOKS] = {
		"normal(85ns, 8.5ns)", "normal(1255ns, 125.5ns)",
		"normal(107ns, 10.7ns)", "normal(50ns, 5ns)",
	};
	struct ynode *p = cfg_section(root, "probe", e);
	double thr;
	if (!p ||
	    cfg_bool(p, "attach", "true", &c->attach, e) ||
	    cfg_duration(p, "threshold", "10ms", 0, 1e15, &thr, e) ||
	    cfg_enum(p, "output", "perf", output_names, &c->output, e) ||
	    cfg_enum(p, "delete", "on_report", delete_names, &c->del, e) ||
	    cfg_enum(p, "nesting", "skip", nesting_names, &c->nesting, e) ||
	    cfg_bool(p, "cleanup_on_exit", "false", &c->cleanup_on_exit, e))
		return e->status;
	c->threshold = (uint64_t)thr;
	struct ynode *h = cfg_section(p, "hooks", e);
	if (!h)
		return e->status;
	for (int i = 0; i < RQ_HOOKS; i++)
		if (cfg_dist(h, rq_hook_names[i], base_def[i], DIST_DURATION,
			     &c->hook[i], e))
			return e->status;
	struct ynode *o = cfg_section(p, "output_cost", e);
	if (!o ||
	    cfg_dist(o, "perf", "normal(600ns, 60ns)", DIST_DURATION,
		     &c->out_cost[OUT_PERF], e) ||
	    cfg_dist(o, "ringbuf", "normal(250ns, 25ns)", DIST_DURATION,
		     &c->out_cost[OUT_RINGBUF], e))
		return e->status;
	return 0;
}

static void *rq_configure(struct ynode *root, struct err *e)
{
	struct rq_cfg *c = calloc(1, sizeof(*c));
	if (!c) {
		err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		return NULL;
	}
	if (cfg_uint(root, "cpus", "8", 1, 4096, &c->cpus, e) ||
	    cfg_uint(root, "pid_max", "32768", 2, 4194304, &c->pid_max, e) ||
	    cfg_enum(root, "placement", "least_loaded", placement_names,
		     &c->placement, e) ||
	    cfg_dist(root, "context_switch", "normal(1us, 100ns)", DIST_DURATION,
		     &c->ctx_switch, e) ||
	    cfg_dist(root, "idle_wakeup", "0", DIST_DURATION, &c->idle_wakeup, e) ||
	    cfg_enum(root, "runqueue", "fifo", runqueue_names, &c->runqueue, e) ||
	    read_fair(c, root, e) ||
	    read_workload(c, root, e) || read_probe(c, root, e))
		goto fail;
	struct ynode *wp = cfg_node(root, "wakeup_preemption", 0, e);
	if (wp && !(c->wakeup_preempt = dist_parse(wp, DIST_DURATION, e)))
		goto fail;
	if (dist_kind(c->idle_wakeup) == DIST_CONSTANT &&
	    dist_mean(c->idle_wakeup) == 0) {
		dist_free(c->idle_wakeup);   /* the default: no latency, no draws */
		c->idle_wakeup = NULL;
	}
	if ((uint64_t)c->res_tasks + c->res_busy >= c->pid_max - RESERVED_PIDS) {
		struct ynode *w = ynode_peek(root, "workload");
		cfg_error(e, w ? ynode_peek(w, "resident") : root,
			  "workload.resident: %llu tasks do not fit below pid_max "
			  "(%llu)", (unsigned long long)(c->res_tasks + c->res_busy),
			  (unsigned long long)c->pid_max);
		goto fail;
	}
	struct ynode *st = cfg_section(root, "storage", e);
	if (!st || cfg_enum(st, "kind", "hash", storage_names, &c->strategy, e))
		goto fail;
	for (size_t i = 0; storage_registry[i]; i++) {
		SIM_CHECK(i < sizeof(c->storage_cfg) / sizeof(c->storage_cfg[0]));
		struct ynode *sec = cfg_section(st, storage_registry[i]->name, e);
		if (!sec)
			goto fail;
		c->storage_cfg[i] = storage_registry[i]->configure(sec, e);
		if (!c->storage_cfg[i])
			goto fail;
	}
	if ((c->arrival == ARR_POISSON || c->arrival == ARR_INTERVAL) &&
	    c->spawns == 0) {
		/* An open arrival process needs an end.  scenario_load reads the
		 * common `duration` (default 0) before configuring the model, so
		 * a scenario without one is refused here, positioned, as bad
		 * input; runs configured without a scenario are checked in init. */
		struct ynode *d = ynode_peek(root, "duration");
		struct ynode *w = ynode_peek(root, "workload");
		double ns;
		char why[160];
		if (d && d->kind == YN_SCALAR &&
		    units_parse_duration(d->value, &ns, why, sizeof(why)) == 0 &&
		    ns == 0) {
			cfg_error(e, w ? ynode_peek(w, "arrival") : root,
				  "workload.arrival: %s never ends: set `duration` or "
				  "workload.spawns", arrival_names[c->arrival]);
			goto fail;
		}
	}
	return c;
fail:
	rq_config_free(c);
	return NULL;
}

/* ---- per-run helpers -------------------------------------------------- */

static void resched(struct rq_run *R, uint32_t c)
{
	struct sim *s = R->s;
	evq_cancel(&s->q, c);
	if (sim_schedule_at(s, R->cpu[c].until, EV_CPU, c, 0))
		sim_fail(s, "out of memory");
}

/* Overhead `cost` runs on CPU c now; class: 0 bpf, 1 context switch. */
static void insert_overhead(struct rq_run *R, uint32_t c, uint64_t cost,
			    int is_switch)
{
	struct cpu *p = &R->cpu[c];
	uint64_t now = R->s->now;
	if (cost == 0)
		return;
	if (is_switch)
		p->sw += cost;
	else
		p->bpf += cost;
	series_point(R, is_switch ? SC_SWITCH : SC_BPF, (double)cost);
	switch (p->mode) {
	case CPU_IDLE:
		p->idle += now - p->idle_since;
		series_span(R, SC_IDLE, p->idle_since, (double)(now - p->idle_since));
		p->mode = CPU_BURST;
		p->next = NIL;
		p->until = now + cost;
		break;
	case CPU_BURST:
		p->until = (p->until > now ? p->until : now) + cost;
		break;
	case CPU_RUN:
		p->until += cost;
		p->inj += cost;
		break;
	case CPU_WAKING:
		/* Still idle: the cost runs when the CPU wakes (on_wake_end). */
		p->pending += cost;
		return;
	}
	resched(R, c);
}

/* Queue pid on CPU c: at the tail, or with `runqueue: woken_first` and
 * woken != 0 behind the woken tasks already queued, ahead of the
 * preempted ones. */
static int heap_less(const struct rq_ent *a, const struct rq_ent *b)
{
	return a->v < b->v || (a->v == b->v && a->seq < b->seq);
}

/* fair: bring CPU p's minimum virtual runtime up to date - the least of
 * the running task's (what it has run of its segment included, or
 * `running`'s when given) and the queue's first - and return it.  It
 * never decreases (CFS's min_vruntime). */
static uint64_t fair_min(struct rq_run *R, struct cpu *p,
			 const struct task *running)
{
	uint64_t m = UINT64_MAX, now = R->s->now;
	if (running)
		m = running->vruntime;
	else if (p->mode == CPU_RUN && p->cur != NIL)
		m = R->task[p->cur].vruntime +
		    (now > p->seg_start + p->inj ? now - p->seg_start - p->inj : 0);
	if (p->rq_len && p->heap[0].v < m)
		m = p->heap[0].v;
	if (m != UINT64_MAX && m > p->min_v)
		p->min_v = m;
	return p->min_v;
}

static void rq_push(struct rq_run *R, uint32_t c, uint32_t pid, int woken)
{
	struct cpu *p = &R->cpu[c];
	struct task *t = &R->task[pid];
	t->next = NIL;
	t->cpu = c;
	if (R->cfg->runqueue == RQ_FAIR) {
		if (p->rq_len == p->heap_cap) {
			size_t cap = p->heap_cap ? 2 * p->heap_cap : 16;
			struct rq_ent *h = realloc(p->heap, cap * sizeof(*h));
			if (!h) {
				sim_fail(R->s, "out of memory");
				return;
			}
			p->heap = h;
			p->heap_cap = cap;
		}
		size_t i = p->rq_len;
		struct rq_ent x = { t->vruntime, R->rq_seq++, pid };
		while (i > 0 && heap_less(&x, &p->heap[(i - 1) / 2])) {
			p->heap[i] = p->heap[(i - 1) / 2];
			i = (i - 1) / 2;
		}
		p->heap[i] = x;
	} else if (woken && R->cfg->runqueue == RQ_WOKEN_FIRST) {
		uint32_t after = p->rq_wtail;
		t->next = after == NIL ? p->rq_head : R->task[after].next;
		if (after == NIL)
			p->rq_head = pid;
		else
			R->task[after].next = pid;
		if (t->next == NIL)
			p->rq_tail = pid;
		p->rq_wtail = pid;
	} else if (p->rq_tail == NIL) {
		p->rq_head = pid;
		p->rq_tail = pid;
	} else {
		R->task[p->rq_tail].next = pid;
		p->rq_tail = pid;
	}
	p->rq_len++;
	if (++R->backlog > R->peak_backlog)
		R->peak_backlog = R->backlog;
	level_set(R, SC_BACKLOG_AVG, &R->lv_backlog, (double)R->backlog);
}

static uint32_t rq_pop(struct rq_run *R, uint32_t c)
{
	struct cpu *p = &R->cpu[c];
	uint32_t pid;
	if (R->cfg->runqueue == RQ_FAIR) {
		if (p->rq_len == 0)
			return NIL;
		pid = p->heap[0].pid;
		if (p->heap[0].v > p->min_v)
			p->min_v = p->heap[0].v;
		struct rq_ent x = p->heap[--p->rq_len];
		size_t i = 0, n = p->rq_len;
		for (;;) {
			size_t l = 2 * i + 1, m = i;
			const struct rq_ent *best = &x;
			if (l < n && heap_less(&p->heap[l], best)) {
				m = l;
				best = &p->heap[l];
			}
			if (l + 1 < n && heap_less(&p->heap[l + 1], best))
				m = l + 1;
			if (m == i)
				break;
			p->heap[i] = p->heap[m];
			i = m;
		}
		if (n)
			p->heap[i] = x;
		R->backlog--;
		level_set(R, SC_BACKLOG_AVG, &R->lv_backlog, (double)R->backlog);
		return pid;
	}
	pid = p->rq_head;
	if (pid == NIL)
		return NIL;
	p->rq_head = R->task[pid].next;
	if (p->rq_head == NIL)
		p->rq_tail = NIL;
	if (p->rq_wtail == pid)
		p->rq_wtail = NIL;
	p->rq_len--;
	R->backlog--;
	level_set(R, SC_BACKLOG_AVG, &R->lv_backlog, (double)R->backlog);
	return pid;
}

static struct storage_key key_of(struct rq_run *R, uint32_t pid)
{
	return (struct storage_key){ pid, pid, R->task[pid].incarnation };
}

static void note_occupancy(struct rq_run *R)
{
	uint64_t occ = R->sops->occupancy(R->st);
	stat_gauge_set(&R->occupancy, R->s->now, (double)occ);
	if (occ != (uint64_t)R->lv_occ.v)
		level_set(R, SC_OCC_AVG, &R->lv_occ, (double)occ);
	if (occ > R->occ_max)
		R->occ_max = occ;
}

static uint64_t hook_base(struct rq_run *R, int h)
{
	return dist_sample_ns(R->cfg->hook[h], R->r_hook[h]);
}

/* Charge a hook's total cost to CPU c as BPF time. */
static void charge_hook(struct rq_run *R, uint32_t c, int h, double cost)
{
	uint64_t ns = cost <= 0 ? 0 : (uint64_t)llround(cost);
	struct cpu *p = &R->cpu[c];
	uint64_t now = R->s->now;
	R->hook_n[h]++;
	R->hook_ns[h] += ns;
	if (p->mode != CPU_WAKING)   /* else set when the CPU wakes */
		p->bpf_until = (p->bpf_until > now ? p->bpf_until : now) + ns;
	insert_overhead(R, c, ns, 0);
}

/* sched_wakeup / sched_wakeup_new for task pid on CPU c. */
static void hook_wakeup(struct rq_run *R, uint32_t c, uint32_t pid, int is_new)
{
	const struct rq_cfg *cfg = R->cfg;
	if (!cfg->attach)
		return;
	int h = is_new ? RQ_WAKEUP_NEW : RQ_WAKEUP;
	if (!is_new && cfg->nesting == 0 && R->s->now < R->cpu[c].bpf_until) {
		/* Fired from interrupt context into a running BPF program:
		 * the kernel's recursion check skips it. */
		R->recursion_misses++;
		return;
	}
	struct storage_key k = key_of(R, pid);
	int ok;
	double cost = (double)hook_base(R, h);
	cost += R->sops->record(R->st, &k, R->s->now, &ok);
	note_occupancy(R);
	charge_hook(R, c, h, cost);
}

/* sched_switch(prev, next) on CPU c; prev_runnable: prev was preempted. */
static void hook_switch(struct rq_run *R, uint32_t c, uint32_t prev,
			int prev_runnable, uint32_t next)
{
	const struct rq_cfg *cfg = R->cfg;
	uint64_t now = R->s->now;
	if (!cfg->attach)
		return;
	double cost = (double)hook_base(R, RQ_SWITCH);
	int ok;
	if (prev != NIL && prev_runnable) {
		struct storage_key k = key_of(R, prev);
		cost += R->sops->record(R->st, &k, now, &ok);
	}
	if (next != NIL) {
		struct storage_key k = key_of(R, next);
		struct storage_lookup lk;
		cost += R->sops->lookup(R->st, &k, &lk);
		if (!lk.found) {
			R->missed++;
		} else {
			uint64_t delta = now > lk.ts ? now - lk.ts : 0;
			stat_tally_add(&R->probe_wait, (double)delta);
			int reported = 0;
			/* runqslower: `if (min_us && delta_us <= min_us) return`,
			 * so min_us 0 reports every wait found, even a zero one. */
			if (cfg->threshold == 0 || delta > cfg->threshold) {
				reported = 1;
				R->reports++;
				series_point(R, SC_REPORTS, 1);
				if (lk.stale || lk.ts < R->task[next].enq_time)
					R->false_reports++;
				uint64_t o = dist_sample_ns(cfg->out_cost[cfg->output], R->r_out);
				R->out_ns += o;
				cost += (double)o;
			}
			if (reported || cfg->del == DEL_ALWAYS)
				cost += R->sops->remove(R->st, &k);
		}
	}
	note_occupancy(R);
	charge_hook(R, c, RQ_SWITCH, cost);
}

static void start_segment(struct rq_run *R, uint32_t c, uint32_t pid)
{
	const struct rq_cfg *cfg = R->cfg;
	struct cpu *p = &R->cpu[c];
	struct task *t = &R->task[pid];
	uint64_t now = R->s->now;
	if (t->state == T_RUNNABLE) {
		stat_tally_add(&R->wait, (double)(now - t->enq_time));
		series_point(R, SC_WAIT_SUM, (double)(now - t->enq_time));
		series_point(R, SC_WAITS, 1);
	}
	t->state = T_RUNNING;
	t->cpu = c;
	uint64_t seg = 0, burst = 0;
	int in_burst = 0;
	if (t->resume) {
		burst = t->resume;   /* the rest of a burst cut short */
		t->resume = 0;
		in_burst = 1;
	} else if (t->cls == CLS_RESIDENT) {
		burst = dist_sample_ns(cfg->res_run, R->r_res_run);
		in_burst = 1;        /* runs its burst, then sleeps */
	} else if (t->cls == CLS_BUSY && cfg->busy_run) {
		burst = dist_sample_ns(cfg->busy_run, R->r_res_run);
		in_burst = 1;        /* a long burst, a short sleep */
	} else if (t->cls == CLS_BUSY) {
		t->blocks = 0;       /* CPU-bound: slices until preempted */
		seg = dist_sample_ns(cfg->slice, R->r_slice);
	} else {
		t->blocks = cfg->block_p > 0 &&
			    gsl_rng_uniform(R->r_block) < cfg->block_p;
		const struct dist *d = t->blocks && cfg->block_run
				       ? cfg->block_run : cfg->slice;
		seg = dist_sample_ns(d, R->r_slice);
		if (t->blocks) {
			burst = seg;
			in_burst = 1;
		}
	}
	if (in_burst) {
		t->blocks = 1;
		seg = burst;
		if (t->cls == CLS_RESIDENT || t->cls == CLS_BUSY) {
			/* A resident's burst longer than a slice is preempted
			 * at the slice end when others wait, as the kernel
			 * shares a CPU; the rest runs when it is back. */
			uint64_t sl = dist_sample_ns(cfg->slice, R->r_slice);
			if (sl == 0)
				sl = 1;
			if (burst > sl) {
				t->resume = burst - sl;
				t->blocks = 0;
				seg = sl;
			}
		}
	}
	if (seg == 0)
		seg = 1;
	if (seg > t->remaining)
		seg = t->remaining;
	p->mode = CPU_RUN;
	p->cur = pid;
	p->seg_start = now;
	p->inj = 0;
	p->until = now + seg;
	p->seg_len = seg;
	p->cut = 0;
	resched(R, c);
}

static void free_task(struct rq_run *R, uint32_t pid)
{
	R->task[pid].state = T_FREE;
	R->live--;
	R->env.live_tasks = R->live;
	R->completed++;
	level_set(R, SC_LIVE_AVG, &R->lv_live, (double)R->live);
	series_point(R, SC_COMPLETED, 1);
}

/* The task on CPU c leaves it (why: PREV_*); pick the next, run the hooks
 * and the context switch as one burst. */
static void switch_out(struct rq_run *R, uint32_t c, uint32_t prev, int why)
{
	const struct rq_cfg *cfg = R->cfg;
	struct cpu *p = &R->cpu[c];
	struct sim *s = R->s;
	p->mode = CPU_BURST;
	p->cur = NIL;
	p->until = s->now;
	if (why == PREV_EXIT) {
		struct storage_key k = key_of(R, prev);
		double cost = R->sops->task_exit(R->st, &k);
		int h = RQ_EXIT;
		if (cfg->attach && cfg->cleanup_on_exit) {
			cost += (double)hook_base(R, h);
			cost += R->sops->remove(R->st, &k);
		}
		if (cost > 0 || (cfg->attach && cfg->cleanup_on_exit))
			charge_hook(R, c, h, cost);
		note_occupancy(R);
		free_task(R, prev);
	} else if (why == PREV_BLOCK) {
		struct task *t = &R->task[prev];
		t->state = T_BLOCKED;
		uint64_t nap;
		if (t->cls == CLS_RESIDENT && cfg->res_interval)
			nap = t->next_wake > s->now ? t->next_wake - s->now : 0;
		else if (t->cls == CLS_RESIDENT)
			nap = dist_sample_ns(cfg->res_sleep, R->r_res_sleep);
		else if (t->cls == CLS_BUSY)
			nap = dist_sample_ns(cfg->busy_sleep, R->r_res_sleep);
		else
			nap = dist_sample_ns(cfg->sleep, R->r_sleep);
		if (sim_schedule(s, nap, EV_WAKE, (uint32_t)cfg->cpus + 1 + prev,
				 prev))
			sim_fail(s, "out of memory");
	}
	uint32_t next = rq_pop(R, c);
	if (why == PREV_PREEMPT) {
		struct task *t = &R->task[prev];
		t->state = T_RUNNABLE;
		t->enq_time = s->now;
		rq_push(R, c, prev, 0);
	}
	hook_switch(R, c, prev, why == PREV_PREEMPT, next);
	p->next = next;
	insert_overhead(R, c, dist_sample_ns(cfg->ctx_switch, R->r_switch), 1);
	if (p->until == s->now)
		resched(R, c);   /* zero-cost burst: dispatch at once */
}

/* Should the task t running on CPU p give it up to a queued one?  FIFO
 * runqueues: whenever one waits; fair: when the next has run less. */
static int others_first(const struct rq_run *R, const struct cpu *p,
			const struct task *t)
{
	if (p->rq_len == 0)
		return 0;
	return R->cfg->runqueue != RQ_FAIR || p->heap[0].v < t->vruntime;
}

static void on_segment_end(struct rq_run *R, uint32_t c)
{
	struct cpu *p = &R->cpu[c];
	uint32_t pid = p->cur;
	struct task *t = &R->task[pid];
	uint64_t ran = p->until - p->seg_start - p->inj;
	p->payload += ran;
	series_span(R, SC_PAYLOAD, p->seg_start, (double)ran);
	SIM_CHECK(ran <= t->remaining);
	t->remaining -= ran;
	t->vruntime += ran;
	/* A segment that is part of a burst (it blocks at its end, or more of
	 * the burst follows) keeps what it did not run when cut short. */
	if (p->cut && (t->blocks || t->resume) && p->seg_len > ran)
		t->resume += p->seg_len - ran;
	if (t->remaining == 0)
		switch_out(R, c, pid, PREV_EXIT);
	else if (p->cut && p->rq_len > 0)
		switch_out(R, c, pid, PREV_PREEMPT);   /* a wake-up preempts */
	else if (t->resume) {
		/* More of the burst: preempted when others wait. */
		if (others_first(R, p, t))
			switch_out(R, c, pid, PREV_PREEMPT);
		else
			start_segment(R, c, pid);
	} else if (t->blocks) {
		if (t->cls == CLS_RESIDENT && R->cfg->res_interval &&
		    t->next_wake <= R->s->now) {
			/* Its next wake-up came while it ran: it does not
			 * sleep, it starts its next burst.  The kernel still
			 * traces the wake-up of a task that is running
			 * (ttwu_runnable): sched_wakeup runs, no switch. */
			t->next_wake = R->s->now +
				dist_sample_ns(R->cfg->res_interval, R->r_res_sleep);
			if (others_first(R, p, t))
				switch_out(R, c, pid, PREV_PREEMPT);
			else
				start_segment(R, c, pid);
			/* After the CPU has its new state: the hook's cost is
			 * inserted into the burst or the segment. */
			hook_wakeup(R, c, pid, 0);
		} else {
			switch_out(R, c, pid, PREV_BLOCK);
		}
	}
	else if (others_first(R, p, t))
		switch_out(R, c, pid, PREV_PREEMPT);
	else
		start_segment(R, c, pid);   /* nobody waits: keep running */
}

static void on_burst_end(struct rq_run *R, uint32_t c)
{
	struct cpu *p = &R->cpu[c];
	if (p->next != NIL) {
		uint32_t pid = p->next;
		p->next = NIL;
		p->got_cpu = R->s->now;
		start_segment(R, c, pid);
	} else if (p->rq_len > 0) {
		/* From idle to a task woken during the burst. */
		uint32_t next = rq_pop(R, c);
		p->until = R->s->now;
		hook_switch(R, c, NIL, 0, next);
		p->next = next;
		insert_overhead(R, c, dist_sample_ns(R->cfg->ctx_switch, R->r_switch), 1);
		if (p->until == R->s->now)
			resched(R, c);
	} else {
		p->mode = CPU_IDLE;
		p->idle_since = R->s->now;
	}
}

static uint32_t place(struct rq_run *R)
{
	const struct rq_cfg *cfg = R->cfg;
	uint32_t n = (uint32_t)cfg->cpus;
	switch (cfg->placement) {
	case PL_RANDOM:
		return (uint32_t)gsl_rng_uniform_int(R->r_place, n);
	case PL_ROUND_ROBIN: {
		uint32_t c = R->rr_next;
		R->rr_next = (c + 1) % n;
		return c;
	}
	default: {
		uint32_t best = 0;
		uint64_t bl = UINT64_MAX;
		for (uint32_t c = 0; c < n; c++) {
			const struct cpu *p = &R->cpu[c];
			uint64_t load = p->rq_len + (p->cur != NIL || p->next != NIL);
			if (load < bl) {
				bl = load;
				best = c;
				if (load == 0)
					break;
			}
		}
		return best;
	}
	}
}

/* Make task pid runnable on a CPU and (hook != 0) run its wakeup hook
 * there. */
static void enqueue_woken(struct rq_run *R, uint32_t pid, int is_new, int hook)
{
	int fair = R->cfg->runqueue == RQ_FAIR, preempt = 0;
	int64_t rel = 0;
	if (fair && !is_new && hook)   /* where it stands on its last CPU now */
		rel = (int64_t)(R->task[pid].vruntime -
				fair_min(R, &R->cpu[R->task[pid].cpu], NULL));
	uint32_t c = place(R);
	struct cpu *p = &R->cpu[c];
	struct task *t = &R->task[pid];
	uint64_t now = R->s->now;
	t->state = T_RUNNABLE;
	t->enq_time = now;
	if (hook && t->cls == CLS_RESIDENT && R->cfg->res_interval)
		t->next_wake = now + dist_sample_ns(R->cfg->res_interval,
						    R->r_res_sleep);
	if (fair) {
		/* Placement (CFS's place_entity): a new task at the CPU's
		 * minimum; a woken one where it stood relative to its last
		 * CPU's minimum - which went on while it slept - but at most
		 * sleeper_credit ahead. */
		uint64_t min = fair_min(R, p, NULL);
		if (rel < -(int64_t)R->cfg->fair_credit)
			rel = -(int64_t)R->cfg->fair_credit;
		t->vruntime = rel < 0 && (uint64_t)-rel > min ? 0
			      : (uint64_t)((int64_t)min + rel);
	}
	rq_push(R, c, pid, 1);
	uint64_t at = now;
	if (hook && p->mode == CPU_RUN && !p->cut) {
		if (fair) {
			/* Wake-up preemption when the woken task has run less
			 * than the running one - which keeps the CPU for
			 * wakeup_granularity after it got it (EEVDF's run to
			 * parity, in outline): a short burst finishes first. */
			const struct task *cur = &R->task[p->cur];
			uint64_t done = now > p->seg_start + p->inj
				? now - p->seg_start - p->inj : 0;
			preempt = t->vruntime < cur->vruntime + done;
			if (p->got_cpu + R->cfg->fair_gran > at)
				at = p->got_cpu + R->cfg->fair_gran;
		} else {
			/* First in line (FIFO: alone; woken_first: ahead). */
			preempt = R->cfg->wakeup_preempt && p->rq_head == pid;
		}
	}
	if (preempt) {
		/* The running task gives the CPU up after the drawn delay
		 * (at once without wakeup_preemption), unless its segment
		 * ends first. */
		at += R->cfg->wakeup_preempt
			? dist_sample_ns(R->cfg->wakeup_preempt, R->r_preempt) : 0;
		/* Not before the overhead already inserted has run. */
		if (at < p->seg_start + p->inj)
			at = p->seg_start + p->inj;
		if (at < p->until) {
			p->until = at;
			p->cut = 1;
			resched(R, c);
		}
	}
	if (p->mode == CPU_IDLE) {
		uint64_t lat = R->cfg->idle_wakeup
			? dist_sample_ns(R->cfg->idle_wakeup, R->r_idle) : 0;
		if (lat > 0) {
			/* The CPU stays idle until it has woken up (IPI, exit
			 * from the idle state); on_wake_end then dispatches. */
			p->mode = CPU_WAKING;
			p->pending = 0;
			p->until = now + lat;
			resched(R, c);
		} else {
			/* Wake the CPU: it dispatches when its burst (the
			 * hook) ends. */
			p->idle += now - p->idle_since;
			series_span(R, SC_IDLE, p->idle_since,
				    (double)(now - p->idle_since));
			p->mode = CPU_BURST;
			p->next = NIL;
			p->until = now;
			resched(R, c);
		}
	}
	if (hook)
		hook_wakeup(R, c, pid, is_new);
}

/* A waking CPU is up: its idle time ends, the overhead charged meanwhile
 * runs as a burst, then it dispatches its runqueue (on_burst_end). */
static void on_wake_end(struct rq_run *R, uint32_t c)
{
	struct cpu *p = &R->cpu[c];
	uint64_t now = R->s->now;
	p->idle += now - p->idle_since;
	series_span(R, SC_IDLE, p->idle_since, (double)(now - p->idle_since));
	p->mode = CPU_BURST;
	p->next = NIL;
	p->until = now + p->pending;
	if (p->pending)
		p->bpf_until = p->until;
	p->pending = 0;
	resched(R, c);
}

static int grow_tasks(struct rq_run *R, uint32_t need)
{
	if (need <= R->ntask)
		return 0;
	uint64_t n = R->ntask ? (uint64_t)R->ntask * 2 : 1024;
	while (n < need)
		n *= 2;
	if (n > R->cfg->pid_max)
		n = R->cfg->pid_max;
	struct task *t = realloc(R->task, n * sizeof(*t));
	if (!t)
		return -1;
	memset(t + R->ntask, 0, (n - R->ntask) * sizeof(*t));
	R->task = t;
	R->ntask = (uint32_t)n;
	return 0;
}

/* Cyclic pid allocation as Linux does: after pid_max wrap to 300. */
static uint32_t alloc_pid(struct rq_run *R)
{
	uint32_t max = (uint32_t)R->cfg->pid_max;
	uint32_t lo = max > RESERVED_PIDS + 1 ? RESERVED_PIDS : 1;
	uint32_t pid = R->last_pid;
	/* Every usable pid taken: fail at once.  The scan below would cost
	 * pid_max steps per refused spawn (4M at the largest pid_max), so a
	 * storm at pid exhaustion would crawl and starve the max_wall check,
	 * which the engine makes every 4096 events. */
	if (R->live >= (uint64_t)(max - lo))
		return NIL;
	for (uint32_t tries = 0; tries < max; tries++) {
		pid = pid + 1 >= max ? lo : pid + 1;
		if (grow_tasks(R, pid + 1))
			return NIL;
		if (R->task[pid].state == T_FREE) {
			R->last_pid = pid;
			return pid;
		}
	}
	return NIL;
}

static void spawn_one(struct rq_run *R, uint64_t demand)
{
	struct sim *s = R->s;
	R->spawned++;
	series_point(R, SC_SPAWNED, 1);
	uint32_t pid = alloc_pid(R);
	if (pid == NIL) {
		R->spawn_failures++;   /* fork() fails: EAGAIN */
		return;
	}
	struct task *t = &R->task[pid];
	t->remaining = demand ? demand : 1;
	t->incarnation = (uint32_t)++R->incarnations;
	t->cls = CLS_SPAWNED;
	R->live++;
	R->env.live_tasks = R->live;
	level_set(R, SC_LIVE_AVG, &R->lv_live, (double)R->live);
	if (R->live > R->peak_live)
		R->peak_live = R->live;
	if (s->caps.max_live_tasks && R->live > s->caps.max_live_tasks)
		sim_cap(s, "max_live_tasks");
	enqueue_woken(R, pid, 1, 1);
}

/* The resident tasks, there before the run starts and never exiting:
 * res_tasks that sleep and wake (each starts asleep, its first wake-up a
 * uniform share of one sleep draw away, so they do not all wake at once),
 * then res_busy CPU-bound ones, runnable from t = 0 (placed without a
 * wake-up hook: the probe attached after they woke).  -1 when pids run
 * out or on allocation failure. */
static int add_residents(struct rq_run *R)
{
	const struct rq_cfg *cfg = R->cfg;
	struct sim *s = R->s;
	uint64_t n = cfg->res_tasks + cfg->res_busy;
	for (uint64_t i = 0; i < n; i++) {
		uint32_t pid = alloc_pid(R);
		if (pid == NIL)
			return -1;
		struct task *t = &R->task[pid];
		t->remaining = UINT64_MAX;     /* never exits */
		t->incarnation = (uint32_t)++R->incarnations;
		t->cls = i < cfg->res_tasks ? CLS_RESIDENT : CLS_BUSY;
		R->live++;
		R->env.live_tasks = R->live;
		if (R->live > R->peak_live)
			R->peak_live = R->live;
		if (t->cls == CLS_BUSY) {
			enqueue_woken(R, pid, 0, 0);
			continue;
		}
		t->state = T_BLOCKED;
		const struct dist *d = cfg->res_interval ? cfg->res_interval
							 : cfg->res_sleep;
		double first = (double)dist_sample_ns(d, R->r_res_sleep) *
			       gsl_rng_uniform(R->r_res_sleep);
		if (sim_schedule(s, (uint64_t)first, EV_WAKE,
				 (uint32_t)cfg->cpus + 1 + pid, pid))
			return -1;
	}
	level_set(R, SC_LIVE_AVG, &R->lv_live, (double)R->live);
	return 0;
}

static void on_spawn(struct rq_run *R)
{
	const struct rq_cfg *cfg = R->cfg;
	struct sim *s = R->s;
	uint32_t arr = (uint32_t)cfg->cpus;
	switch (cfg->arrival) {
	case ARR_BATCH:
		for (uint64_t i = 0; i < cfg->processes && !s->stop; i++)
			spawn_one(R, dist_sample_ns(cfg->lifetime, R->r_work));
		return;
	case ARR_TRACE:
		while (R->trace_i < cfg->trace_n &&
		       cfg->trace_t[R->trace_i] <= s->now && !s->stop)
			spawn_one(R, cfg->trace_demand[R->trace_i++]);
		if (R->trace_i < cfg->trace_n &&
		    sim_schedule_at(s, cfg->trace_t[R->trace_i], EV_SPAWN, arr, 0))
			sim_fail(s, "out of memory");
		return;
	default:
		spawn_one(R, dist_sample_ns(cfg->lifetime, R->r_work));
		if (cfg->spawns && --R->spawn_budget == 0)
			return;
		double gap = cfg->arrival == ARR_POISSON
			? gsl_ran_exponential(R->r_arr, 1e9 / cfg->rate)
			: 1e9 / cfg->rate;
		if (sim_schedule(s, (uint64_t)llround(gap), EV_SPAWN, arr, 0))
			sim_fail(s, "out of memory");
	}
}

/* ---- model interface -------------------------------------------------- */

static void rq_fini(void *p)
{
	struct rq_run *R = p;
	if (!R)
		return;
	if (R->st)
		R->sops->fini(R->st);
	for (uint64_t i = 0; R->cpu && i < R->cfg->cpus; i++)
		free(R->cpu[i].heap);
	free(R->cpu);
	free(R->task);
	stat_tally_fini(&R->wait);
	stat_tally_fini(&R->probe_wait);
	free(R);
}

static void *rq_init(struct sim *s, const void *cfgp, struct err *e)
{
	const struct rq_cfg *c = cfgp;
	struct rq_run *R = calloc(1, sizeof(*R));
	if (!R)
		goto oom;
	R->cfg = c;
	R->s = s;
	if ((c->arrival == ARR_POISSON || c->arrival == ARR_INTERVAL) &&
	    c->spawns == 0 && s->end == UINT64_MAX) {
		err_set(e, ERR_INPUT, NULL, 0, 0,
			"workload.arrival: %s never ends: set `duration` or "
			"workload.spawns", arrival_names[c->arrival]);
		rq_fini(R);
		return NULL;
	}
	R->cpu = calloc(c->cpus, sizeof(*R->cpu));
	if (!R->cpu || stat_tally_init(&R->wait, 1) ||
	    stat_tally_init(&R->probe_wait, 1))
		goto oom;
	for (uint64_t i = 0; i < c->cpus; i++) {
		struct cpu *p = &R->cpu[i];
		p->cur = p->next = p->rq_head = p->rq_tail = p->rq_wtail = NIL;
		p->mode = CPU_IDLE;
	}
	R->last_pid = RESERVED_PIDS - 1;   /* first pids as after boot */
	R->r_arr = sim_rng(s, "arrivals");
	R->r_work = sim_rng(s, "work");
	R->r_slice = sim_rng(s, "slice");
	R->r_block = sim_rng(s, "block");
	R->r_sleep = sim_rng(s, "sleep");
	R->r_place = sim_rng(s, "placement");
	R->r_switch = sim_rng(s, "switch");
	R->r_out = sim_rng(s, "bpf.output");
	R->r_res_run = sim_rng(s, "resident.run");
	R->r_res_sleep = sim_rng(s, "resident.sleep");
	R->r_idle = sim_rng(s, "idle_wakeup");
	R->r_preempt = sim_rng(s, "wakeup_preemption");
	for (int h = 0; h < RQ_HOOKS; h++) {
		char name[48];
		snprintf(name, sizeof(name), "bpf.%s", rq_hook_names[h]);
		if (!(R->r_hook[h] = sim_rng(s, name)))
			goto oom;
	}
	if (!R->r_arr || !R->r_work || !R->r_slice || !R->r_block ||
	    !R->r_sleep || !R->r_place || !R->r_switch || !R->r_out ||
	    !R->r_res_run || !R->r_res_sleep || !R->r_idle || !R->r_preempt)
		goto oom;
	R->sops = storage_registry[c->strategy];
	R->env.pid_max = (uint32_t)c->pid_max;
	R->env.max_slots = (uint32_t)c->pid_max;
	R->st = R->sops->init(c->storage_cfg[c->strategy], s, &R->env, &R->sstats);
	if (!R->st)
		goto oom;
	stat_gauge_init(&R->occupancy, 0, 0);
	R->spawn_budget = c->spawns;
	if (add_residents(R))
		goto oom;
	uint64_t first = 0;
	if (c->arrival == ARR_TRACE)
		first = c->trace_t[0];
	else if (c->arrival == ARR_POISSON)
		first = (uint64_t)llround(gsl_ran_exponential(R->r_arr, 1e9 / c->rate));
	if (sim_schedule_at(s, first, EV_SPAWN, (uint32_t)c->cpus, 0))
		goto oom;
	return R;
oom:
	rq_fini(R);
	err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	return NULL;
}

static void rq_handle(struct sim *s, void *state, const struct evq_event *ev)
{
	struct rq_run *R = state;
	(void)s;
	switch (evq_kind(ev)) {
	case EV_SPAWN:
		on_spawn(R);
		break;
	case EV_WAKE:
		enqueue_woken(R, (uint32_t)ev->data, 0, 1);
		break;
	case EV_CPU: {
		struct cpu *p = &R->cpu[ev->target];
		if (p->mode == CPU_RUN)
			on_segment_end(R, ev->target);
		else if (p->mode == CPU_BURST)
			on_burst_end(R, ev->target);
		else if (p->mode == CPU_WAKING)
			on_wake_end(R, ev->target);
		break;
	}
	default:
		SIM_CHECK(!"unknown runqslower event");
	}
}

/* Close every CPU's time line at the end of the run; returns the CPU time
 * the run committed (sum over CPUs).  Checks conservation per CPU.
 * The run is measured up to `now`: a segment that a horizon (or a cap)
 * cuts counts the payload it ran before `now`, not its planned length
 * (which, with a duration shorter than a slice, would count milliseconds
 * of payload in a microsecond run).  Overhead is charged whole when it
 * fires, so a CPU's committed time can pass `now` by at most the burst or
 * insertion in progress; that insertion's payload share is approximate
 * (taken as after it) by at most its cost. */
static uint64_t close_cpus(struct rq_run *R, struct rq_totals *tot)
{
	uint64_t now = R->s->now, all = 0;
	memset(tot, 0, sizeof(*tot));
	for (uint64_t i = 0; i < R->cfg->cpus; i++) {
		struct cpu *p = &R->cpu[i];
		uint64_t end, payload = p->payload, idle = p->idle;
		if (p->mode == CPU_IDLE) {
			end = now;
			idle += now - p->idle_since;
		} else if (p->mode == CPU_WAKING) {
			/* Idle so far; what was charged meanwhile runs next. */
			idle += now - p->idle_since;
			end = now + p->pending;
		} else if (p->mode == CPU_RUN) {
			uint64_t ran = now > p->seg_start ? now - p->seg_start : 0;
			uint64_t pay = ran > p->inj ? ran - p->inj : 0;
			if (pay > p->until - p->seg_start - p->inj)
				pay = p->until - p->seg_start - p->inj;
			end = p->seg_start + p->inj + pay;
			payload += pay;
		} else {
			end = p->until > now ? p->until : now;
			idle += end - p->until;   /* a burst that ended at `now` */
		}
		/* The invariant: every committed ns is charged exactly once. */
		SIM_CHECK(payload + p->bpf + p->sw + idle == end);
		tot->payload += payload;
		tot->bpf += p->bpf;
		tot->sw += p->sw;
		tot->idle += idle;
		all += end;
	}
	tot->elapsed = all;
	return all;
}

int rq_totals(void *state, struct rq_totals *tot)
{
	close_cpus(state, tot);
	return 0;
}

static void rq_report(struct sim *s, void *state, double *m)
{
	struct rq_run *R = state;
	struct rq_totals tot;
	close_cpus(R, &tot);
	/* Flush the levels' integrals up to the end into the series. */
	level_set(R, SC_BACKLOG_AVG, &R->lv_backlog, R->lv_backlog.v);
	level_set(R, SC_LIVE_AVG, &R->lv_live, R->lv_live.v);
	level_set(R, SC_OCC_AVG, &R->lv_occ, R->lv_occ.v);
	double secs = (double)s->now * 1e-9;
	size_t i = 0;
	m[i++] = tot.bpf > 0 || tot.payload > 0
		? (double)tot.bpf / (double)tot.payload : 0;
	m[i++] = tot.elapsed ? (double)tot.bpf / (double)tot.elapsed : 0;
	m[i++] = (double)tot.payload;
	m[i++] = (double)tot.bpf;
	m[i++] = (double)tot.sw;
	m[i++] = (double)tot.idle;
	m[i++] = (double)s->now;
	for (int h = 0; h < RQ_HOOKS; h++)
		m[i++] = R->hook_n[h] ? (double)R->hook_ns[h] / (double)R->hook_n[h]
				      : NAN;
	for (int h = 0; h < RQ_HOOKS; h++)
		m[i++] = secs > 0 ? (double)R->hook_n[h] / secs : 0;
	for (int h = 0; h < RQ_HOOKS; h++)
		m[i++] = (double)R->hook_ns[h];
	for (int op = 0; op < SOP_COUNT; op++)
		m[i++] = R->sstats.time[op];
	m[i++] = (double)R->out_ns;
	m[i++] = stat_tally_mean(&R->wait);
	m[i++] = stat_tally_p50(&R->wait);
	m[i++] = stat_tally_p99(&R->wait);
	m[i++] = stat_tally_mean(&R->probe_wait);
	m[i++] = stat_tally_p99(&R->probe_wait);
	m[i++] = (double)R->reports;
	m[i++] = (double)R->false_reports;
	m[i++] = (double)R->missed;
	m[i++] = (double)R->sstats.failed_updates;
	m[i++] = (double)R->sstats.evicted;
	m[i++] = (double)R->recursion_misses;
	m[i++] = stat_gauge_mean(&R->occupancy, s->now);
	m[i++] = (double)R->occ_max;
	m[i++] = (double)R->spawned;
	m[i++] = (double)R->completed;
	m[i++] = (double)R->spawn_failures;
	m[i++] = (double)R->peak_backlog;
	m[i++] = (double)R->peak_live;
	SIM_CHECK(i == model_metric_count(&model_runqslower));
}

/* BPF / payload in one window: the observation MSER-5 and the regime
 * classifier look at.  0 when nothing ran. */
static double rq_series_value(const struct stat_series *ser, size_t row)
{
	double pay = stat_series_get(ser, row, SC_PAYLOAD);
	double bpf = stat_series_get(ser, row, SC_BPF);
	return pay > 0 ? bpf / pay : (bpf > 0 ? INFINITY : 0);
}

/* Steady-state metrics over rows [first, nrows): CPU time split, overhead,
 * mean wait, reports, mean occupancy.  Quantiles and peaks keep the whole
 * run (they cannot be recomputed from window sums). */
static void rq_steady(struct sim *s, void *state, const struct stat_series *ser,
		      size_t first, double *m)
{
	(void)s;
	(void)state;
	double sum[SC_COUNT] = { 0 };
	for (size_t i = first; i < ser->nrows; i++)
		for (size_t c = 0; c < SC_COUNT; c++)
			sum[c] += stat_series_get(ser, i, c);
	double span = (double)(ser->nrows - first) * (double)ser->window;
	double all = sum[SC_PAYLOAD] + sum[SC_BPF] + sum[SC_SWITCH] + sum[SC_IDLE];
	const struct model *mo = &model_runqslower;
	m[model_metric_index(mo, "overhead_ratio")] =
		sum[SC_PAYLOAD] > 0 ? sum[SC_BPF] / sum[SC_PAYLOAD] : 0;
	m[model_metric_index(mo, "bpf_cpu_share")] = all > 0 ? sum[SC_BPF] / all : 0;
	m[model_metric_index(mo, "payload_time")] = sum[SC_PAYLOAD];
	m[model_metric_index(mo, "bpf_time")] = sum[SC_BPF];
	m[model_metric_index(mo, "switch_time")] = sum[SC_SWITCH];
	m[model_metric_index(mo, "idle_time")] = sum[SC_IDLE];
	m[model_metric_index(mo, "wait_mean")] =
		sum[SC_WAITS] > 0 ? sum[SC_WAIT_SUM] / sum[SC_WAITS] : NAN;
	m[model_metric_index(mo, "reports")] = sum[SC_REPORTS];
	m[model_metric_index(mo, "tasks_completed")] = sum[SC_COMPLETED];
	m[model_metric_index(mo, "tasks_spawned")] = sum[SC_SPAWNED];
	m[model_metric_index(mo, "map_occupancy_mean")] =
		span > 0 ? sum[SC_OCC_AVG] / span : NAN;
}

static const struct model_param rq_params[] = {
	{ "cpus", "count", "8", "CPUs, each with its own runqueue" },
	{ "pid_max", "count", "32768", "pids wrap here (to 300), as kernel.pid_max" },
	{ "placement", "enum", "least_loaded",
	  "CPU for a woken task: least_loaded (ties: lowest CPU), random, round_robin" },
	{ "context_switch", "dist(duration)", "normal(1us, 100ns)",
	  "cost of a context switch (also to/from idle)" },
	{ "idle_wakeup", "dist(duration)", "0",
	  "time an idle CPU takes to start a task woken onto it (IPI, idle exit, vCPU)" },
	{ "runqueue", "enum", "fifo",
	  "fifo; woken_first: woken tasks ahead of preempted ones; fair: least "
	  "virtual runtime first, wake-up preemption (CFS/EEVDF in outline)" },
	{ "wakeup_preemption", "dist(duration)", "(none)",
	  "fifo: a wake-up onto a busy CPU preempts its task after this delay "
	  "(absent: it waits for the slice end); fair: delay added to its preemptions" },
	{ "fair.sleeper_credit", "duration", "3ms",
	  "fair: most virtual time a woken task is placed ahead of its CPU's minimum" },
	{ "fair.wakeup_granularity", "duration", "1ms",
	  "fair: the running task keeps the CPU this long before a wake-up preempts it" },
	{ "workload.arrival", "enum", "batch",
	  "batch (processes at t=0), poisson (rate), interval (1/rate), trace (CSV)" },
	{ "workload.processes", "count", "1000", "batch size" },
	{ "workload.rate", "rate", "1000/s", "spawns per second (poisson, interval)" },
	{ "workload.spawns", "count", "0",
	  "stop spawning after this many (0: until duration)" },
	{ "workload.trace", "path", "\"\"",
	  "CSV of spawn_ns,demand_ns (relative to the scenario file)" },
	{ "workload.lifetime", "dist(duration)", "exponential(2ms)",
	  "CPU demand of a task (on-CPU time until exit)" },
	{ "workload.slice", "dist(duration)", "3ms", "on-CPU time before preemption" },
	{ "workload.block.probability", "number", "0",
	  "chance a segment ends by blocking instead of slice expiry" },
	{ "workload.block.run", "dist(duration)", "(= slice)",
	  "on-CPU time before blocking" },
	{ "workload.block.sleep", "dist(duration)", "exponential(1ms)",
	  "time blocked before the wake-up" },
	{ "workload.resident.tasks", "count", "0",
	  "tasks there from t=0 that never exit: run a burst, sleep, wake, ..." },
	{ "workload.resident.busy", "count", "0",
	  "CPU-bound resident tasks: always runnable, preempted at slice ends" },
	{ "workload.resident.run", "dist(duration)", "20us",
	  "a resident task's CPU burst before it sleeps" },
	{ "workload.resident.sleep", "dist(duration)", "exponential(1ms)",
	  "a resident task's sleep" },
	{ "workload.resident.busy_run", "dist(duration)", "(none)",
	  "busy tasks' CPU burst before a sleep; absent: they never sleep" },
	{ "workload.resident.busy_sleep", "dist(duration)", "exponential(100us)",
	  "busy tasks' sleep (with busy_run)" },
	{ "workload.resident.interval", "dist(duration)", "(none)",
	  "wake-up to next wake-up (timer-driven); replaces sleep: it sleeps until then" },
	{ "probe.attach", "bool", "true", "false: no BPF at all (the baseline)" },
	{ "probe.threshold", "duration", "10ms",
	  "report waits longer than this; 0 reports every wait (runqslower's default min_us: 10 ms)" },
	{ "probe.output", "enum", "perf", "perf (perf buffer) or ringbuf" },
	{ "probe.delete", "enum", "on_report",
	  "on_report (runqslower: delete after a report) or always" },
	{ "probe.nesting", "enum", "skip",
	  "skip: sched_wakeup during a BPF program on that CPU is dropped "
	  "(kernel recursion check); serialize" },
	{ "probe.cleanup_on_exit", "bool", "false",
	  "attach sched_process_exit and delete the task's entry" },
	{ "probe.hooks.<hook>", "dist(duration)", "see README",
	  "program base cost per hook (sched_wakeup, sched_wakeup_new, sched_switch, "
	  "sched_process_exit)" },
	{ "probe.output_cost.perf|ringbuf", "dist(duration)", "600ns|250ns",
	  "cost of emitting one report" },
	{ "storage.kind", "enum", "hash", "hash, task_storage or lru_hash" },
	{ "storage.hash.*", "", "see README",
	  "max_entries, prealloc, update, lookup, delete, alloc, free, "
	  "full_update_cost, occupancy_factor, active_factor" },
	{ "storage.lru_hash.*", "", "see README",
	  "max_entries, evict_batch, evict, update, lookup, delete, "
	  "occupancy_factor, active_factor" },
	{ "storage.task_storage.*", "", "see README",
	  "get, create, delete, free, maps_on_host, active_factor" },
	{ NULL, NULL, NULL, NULL },
};

#define HOOK_METRICS(prefix, unit, help) \
	{ prefix "_sched_wakeup", unit, help, 0 }, \
	{ prefix "_sched_wakeup_new", unit, help, 0 }, \
	{ prefix "_sched_switch", unit, help, 0 }, \
	{ prefix "_sched_process_exit", unit, help, 0 }

static const struct model_metric rq_metrics[] = {
	{ "overhead_ratio", "ratio", "BPF time / payload time", 1 },
	{ "bpf_cpu_share", "ratio", "BPF time / all CPU time", 2 },
	{ "payload_time", "ns", "CPU time tasks ran", 0 },
	{ "bpf_time", "ns", "CPU time in BPF programs (all hooks, storage, output)", 0 },
	{ "switch_time", "ns", "CPU time in context switches", 0 },
	{ "idle_time", "ns", "CPU time idle", 0 },
	{ "elapsed", "ns", "simulated time at the end of the run", 0 },
	HOOK_METRICS("bpf_per_run", "ns", "mean BPF cost per hook invocation"),
	HOOK_METRICS("runs_per_s", "1/s", "hook invocations per simulated second"),
	HOOK_METRICS("bpf_time", "ns", "BPF time in the hook"),
	{ "op_update_time", "ns", "storage: record (update / get+create)", 0 },
	{ "op_lookup_time", "ns", "storage: lookup at switch-in", 0 },
	{ "op_delete_time", "ns", "storage: delete", 0 },
	{ "op_alloc_time", "ns", "storage: allocation (no-prealloc, task storage)", 0 },
	{ "op_free_time", "ns", "storage: free at exit", 0 },
	{ "op_evict_time", "ns", "storage: LRU evictions", 0 },
	{ "op_failed_update_time", "ns", "storage: updates refused (map full)", 0 },
	{ "output_time", "ns", "report output (perf/ringbuf)", 0 },
	{ "wait_mean", "ns", "true runqueue wait (enqueue to running)", 3 },
	{ "wait_p50", "ns", "true runqueue wait, median", 0 },
	{ "wait_p99", "ns", "true runqueue wait, 99th percentile", 4 },
	{ "probe_wait_mean", "ns", "wait as the probe measured it", 0 },
	{ "probe_wait_p99", "ns", "probe-measured wait, 99th percentile", 0 },
	{ "reports", "count", "waits over threshold reported", 5 },
	{ "false_reports", "count", "reports from a stale timestamp (bogus waits)", 7 },
	{ "missed_samples", "count", "switch-ins with no timestamp to look up", 6 },
	{ "failed_updates", "count", "records refused by a full map", 8 },
	{ "evictions", "count", "entries evicted (lru_hash)", 0 },
	{ "recursion_misses", "count", "hooks skipped: fired inside a BPF program", 0 },
	{ "map_occupancy_mean", "entries", "time-averaged entries held", 0 },
	{ "map_occupancy_max", "entries", "most entries held", 0 },
	{ "tasks_spawned", "count", "spawn attempts", 0 },
	{ "tasks_completed", "count", "tasks that exited", 0 },
	{ "spawn_failures", "count", "spawns refused: no free pid", 0 },
	{ "peak_backlog", "tasks", "most runnable tasks waiting in runqueues", 0 },
	{ "peak_live_tasks", "tasks", "most tasks alive at once", 0 },
	{ NULL, NULL, NULL, 0 },
};

const struct model model_runqslower = {
	.name = "runqslower",
	.summary = "scheduler with runqslower-style BPF probes; storage "
		   "strategies; overhead feeds back into the load",
	.params = rq_params,
	.metrics = rq_metrics,
	.strategy_key = "storage.kind",
	.strategies = storage_names,
	.series_cols = rq_series_cols,
	.series_value = rq_series_value,
	.series_value_name = "overhead_ratio",
	.steady = rq_steady,
	.configure = rq_configure,
	.config_free = rq_config_free,
	.init = rq_init,
	.handle = rq_handle,
	.report = rq_report,
	.fini = rq_fini,
};
