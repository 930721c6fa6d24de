/* world.c - tasks, pids, arrivals, blocking and wake-ups (world.h).
 *
 * Fair placement follows CFS's place_entity in outline: a new task starts
 * at its CPU's minimum vruntime; a woken one keeps its lead or lag against
 * its last CPU's minimum (which moved on while it slept) but is placed at
 * most `fair.sleeper_credit` ahead.  No weights, no EEVDF deadlines or
 * eligibility.  Placement (place.c) `least_loaded` counts queued plus
 * running or dispatching tasks per CPU and takes the lowest CPU on ties -
 * it is not the kernel's select_task_rq_fair; `wake_affine` follows that
 * one's wake-up path over the topology (topo.h), for tasks that ran
 * before.
 * A wake-up's sched_wakeup runs on the waker's CPU (a sleeper's timer CPU:
 * where it blocked), on the target only through the wake list (hook_cpu).
 *
 * Resident tasks (`workload.resident`, for bpfsim validate) stand for a
 * host's daemons, kernel threads, a service's threads.  `tasks` of them run
 * a burst (`run`) and sleep, either `sleep` after each burst or, with
 * `interval`, until the next wake-up an interval after the last
 * (timer-driven: one whose burst overran its interval runs on without
 * sleeping, cpu.c).  `workload.start` says where they are at t = 0:
 * `equilibrium` (default) as if the host had run forever (see
 * world_add_residents), `batch` all runnable at once (a start-up herd).
 * `busy` more are CPU-bound: runnable from t = 0 (no hook), slices until
 * preempted, or with `busy_run` long bursts between `busy_sleep`s.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "models/runqslower/balance.h"
#include "models/runqslower/cpu.h"
#include "models/runqslower/hrtimer.h"
#include "models/runqslower/ktime.h"
#include "models/runqslower/place.h"
#include "models/runqslower/probe.h"
#include "models/runqslower/runq.h"
#include "models/runqslower/spawner.h"
#include "models/runqslower/tools.h"
#include "models/runqslower/topo.h"
#include "models/runqslower/world.h"
#include "sim/align.h"
#include "sim/cfg.h"

/* The CPU where the wake-up hook of task pid, placed on CPU c, runs.
 *
 * kernel/sched/core.c try_to_wake_up runs on the waker's CPU; it picks the
 * target (select_task_rq) and, in ttwu_queue, either queues the task on
 * the target's wake list (ttwu_queue_wakelist, when ttwu_queue_cond
 * holds), so that the target CPU itself runs ttwu_do_activate - and
 * trace_sched_wakeup - from its IPI or its idle loop (sched_ttwu_pending),
 * or locks the target's runqueue and runs ttwu_do_activate on the waker's
 * CPU.  ttwu_queue_cond: a target in another LLC domain always takes the
 * wake list; in the same LLC only when it is not the waker's CPU and its
 * runqueue is empty (nr_running == 0: an idle target).
 *
 * The waker of a sleeper is its timer: it was armed on the CPU where the
 * task blocked (hrtimer_start_range_ns on the current CPU; the CPU is busy
 * then - the task itself - so timer migration leaves it there) and its
 * interrupt fires there.  LLC domains are `topology.llc` (topo.h; by
 * default one for all CPUs, so a wake-up takes the wake list exactly when
 * its target is another, idle CPU).  Simplification: a resident that has not blocked yet (its first
 * wake-up, armed before the run started) runs the hook on the target CPU.
 * sched_wakeup_new runs in the parent's wake_up_new_task, on the parent's
 * CPU (spawner.c); without a parent (workload.spawner: none, batch and
 * trace arrivals) on the child's. */
static uint32_t hook_cpu(const struct rq_run *R, uint32_t pid, int is_new,
			 uint32_t c)
{
	const struct task *t = &R->task[pid];
	if (is_new)   /* in the parent's fork(), when there is a parent */
		return R->fork_cpu != NIL ? R->fork_cpu : c;
	if (t->timer_cpu == 0)
		return c;
	uint32_t waker = t->timer_cpu - 1;
	if (waker != c && (cpu_is_idle(R, c) ||
			   !topo_share_cache(R->cfg, waker, c)))
		return c;      /* ttwu_queue_wakelist: the target runs it */
	return waker;
}

/* A parent's new task starts on the parent's CPU (fork_local): the
 * mainline kernel's wake_up_new_task places it with find_idlest_cpu (an
 * idle CPU when the parent's is busy), but a host kernel may keep it
 * there (this development host's packs vCPUs: 84-98% measured). */
static int fork_stays(struct rq_run *R)
{
	double p = R->cfg->fork_local;
	if (R->fork_cpu == NIL || !(p > 0))
		return 0;
	return p >= 1 || gsl_rng_uniform(R->r_fork_local) < p;
}

void world_wake(struct rq_run *R, uint32_t pid, int is_new, int hook)
{
	int fair = R->cfg->runqueue == RUNQ_FAIR;
	int64_t rel = 0;
	if (fair && !is_new && hook)   /* where it stands on its last CPU now */
		rel = (int64_t)(R->task[pid].vruntime -
				runq_fair_min(R, &R->cpu[R->task[pid].cpu], NULL));
	struct task *t = &R->task[pid];
	/* wake_affine for a task that has run and blocked (its timer, the
	 * waker, is on that CPU); the others take place_cpu (for wake_affine
	 * the fork path). */
	uint32_t c = R->cfg->placement == PL_WAKE_AFFINE && !is_new &&
		     t->timer_cpu
		     ? place_wake_affine(R, t->cpu, t->timer_cpu - 1)
		     : is_new && fork_stays(R) ? R->fork_cpu : place_cpu(R);
	struct cpu *p = &R->cpu[c];
	uint64_t now = R->s->now;
	t->state = T_RUNNABLE;
	t->enq_time = now;
	t->woken = (uint8_t)hook;
	if (hook && t->cls == CLS_RESIDENT && R->cfg->res_interval)
		t->next_wake = now + dist_sample_ns(R->cfg->res_interval,
						    R->r_res_sleep);
	if (fair) {
		uint64_t min = runq_fair_min(R, p, NULL);
		if (rel < -(int64_t)R->cfg->fair_credit)
			rel = -(int64_t)R->cfg->fair_credit;
		t->vruntime = rel < 0 && (uint64_t)-rel > min ? 0
			      : (uint64_t)((int64_t)min + rel);
	}
	uint32_t run_on = hook ? hook_cpu(R, pid, is_new, c) : c;
	uint32_t last = t->cpu;
	runq_push(R, c, pid, 1);
	cpu_task_queued(R, c, pid, hook);
	if (!hook)
		return;
	if (!is_new && last != c)
		R->migrations++;   /* set_task_cpu: sched_migrate_task */
	if (R->cfg->ntools) {
		/* In kernel order: copy_process fires sched_process_fork in
		 * the parent before wake_up_new_task; try_to_wake_up's
		 * set_task_cpu fires sched_migrate_task before the wake-up's
		 * own tracepoint. */
		if (is_new)
			tools_fork(R, run_on, R->fork_cpu != NIL
				   ? R->cpu[R->fork_cpu].cur : NIL, pid);
		else if (last != c)
			tools_migrate(R, run_on, pid);
	}
	probe_wakeup(R, run_on, pid, is_new);
}

void world_block(struct rq_run *R, uint32_t pid)
{
	const struct rq_cfg *cfg = R->cfg;
	struct sim *s = R->s;
	struct task *t = &R->task[pid];
	t->state = T_BLOCKED;
	t->timer_cpu = t->cpu + 1;   /* its wake-up timer is armed here */
	uint64_t nap;
	if (t->cls == CLS_RESIDENT && cfg->res_interval)
		nap = t->next_wake > s->now ? t->next_wake - s->now : 0;
	else if (t->cls == CLS_RESIDENT)
		nap = dist_sample_ns(cfg->res_sleep, R->r_res_sleep);
	else if (t->cls == CLS_BUSY)
		nap = dist_sample_ns(cfg->busy_sleep, R->r_res_sleep);
	else if (t->cls == CLS_SPAWNER)
		return;   /* asleep until a fork request (spawner_request) */
	else if (t->cls == CLS_READER) {
		/* epoll_wait's timeout or the poll interval; 0: until the
		 * kernel wakes it (tools.h) */
		if (!(nap = tools_reader_nap(R, pid)))
			return;
	}
	else
		nap = dist_sample_ns(cfg->sleep, R->r_sleep);
	if (R->hrt && (t->cls == CLS_RESIDENT || t->cls == CLS_BUSY)) {
		/* hrtimer_nanosleep: a timer with slack on this CPU. */
		if (hrt_arm(R, t->cpu, pid, s->now + nap))
			sim_fail(s, "out of memory");
		return;
	}
	if (sim_schedule(s, nap, EV_WAKE, (uint32_t)cfg->cpus + 1 + pid, pid))
		sim_fail(s, "out of memory");
}

void world_free_task(struct rq_run *R, uint32_t pid)
{
	R->task[pid].state = T_FREE;
	R->live--;
	R->env.live_tasks = R->live;
	R->completed++;
	rq_level_set(R, SC_LIVE_AVG, &R->lv_live, (double)R->live);
	rq_series_point(R, SC_COMPLETED, 1);
	balance_disarm(R);   /* the last task gone: no more balances */
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
	/* realloc, for its move without a copy (a big block is remapped),
	 * with a line's slack: the records start at the block's first
	 * 64-byte boundary, and are moved there when a copying realloc
	 * left them off it. */
	const size_t line = _Alignof(struct task);
	size_t old_off = R->task_mem ? (size_t)((char *)R->task -
						(char *)R->task_mem) : 0;
	char *mem = realloc(R->task_mem, n * sizeof(struct task) + line - 1);
	if (!mem)
		return -1;
	struct task *t = align_up(mem, line);
	size_t off = (size_t)((char *)t - mem);
	if (off != old_off && R->ntask)
		memmove(t, mem + old_off, R->ntask * sizeof(struct task));
	R->task_mem = mem;
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
		if (pid + 1 >= max) {
			pid = lo;
			R->pid_wraps++;   /* pids from here on are reused */
		} else {
			pid++;
		}
		if (grow_tasks(R, pid + 1))
			return NIL;
		if (R->task[pid].state == T_FREE) {
			R->last_pid = pid;
			return pid;
		}
	}
	return NIL;
}

static void spawn_one(struct rq_run *R, uint64_t demand);

void world_spawn(struct rq_run *R)
{
	spawn_one(R, dist_sample_ns(R->cfg->lifetime, R->r_work));
}

uint32_t world_add_parent(struct rq_run *R)
{
	return world_add_sleeper(R, CLS_SPAWNER);
}

uint32_t world_add_sleeper(struct rq_run *R, int cls)
{
	uint32_t pid = alloc_pid(R);
	if (pid == NIL)
		return NIL;
	struct task *t = &R->task[pid];
	t->remaining = UINT64_MAX;     /* never exits */
	t->incarnation = (uint32_t)++R->incarnations;
	t->cls = (uint8_t)cls;
	t->state = T_BLOCKED;
	R->live++;
	R->env.live_tasks = R->live;
	if (R->live > R->peak_live)
		R->peak_live = R->live;
	rq_level_set(R, SC_LIVE_AVG, &R->lv_live, (double)R->live);
	return pid;
}

static void spawn_one(struct rq_run *R, uint64_t demand)
{
	struct sim *s = R->s;
	R->spawned++;
	rq_series_point(R, SC_SPAWNED, 1);
	uint32_t pid = alloc_pid(R);
	if (pid == NIL) {
		R->spawn_failures++;   /* fork() fails: EAGAIN */
		return;
	}
	struct task *t = &R->task[pid];
	t->remaining = demand ? demand : 1;
	t->incarnation = (uint32_t)++R->incarnations;
	t->cls = CLS_SPAWNED;
	t->execd = 0;
	R->live++;
	R->env.live_tasks = R->live;
	rq_level_set(R, SC_LIVE_AVG, &R->lv_live, (double)R->live);
	if (R->live > R->peak_live)
		R->peak_live = R->live;
	if (s->caps.max_live_tasks && R->live > s->caps.max_live_tasks)
		sim_cap(s, "max_live_tasks");
	balance_arm(R);
	/* No parent (spawner: none, batch, trace): the fork's kernel work
	 * lands on the child's CPU at its spawn, beside its
	 * sched_wakeup_new (both charged now; ktime.h). */
	if (R->fork_cpu == NIL && R->cfg->kt[KT_FORK]) {
		world_wake(R, pid, 1, 1);
		ktime_fork(R, R->task[pid].cpu);
		return;
	}
	world_wake(R, pid, 1, 1);
}

static const char *const start_names[] = { "equilibrium", "batch", NULL };

int world_read_start(struct rq_cfg *c, struct ynode *root, struct err *e)
{
	struct ynode *w = cfg_section(root, "workload", e);
	if (!w || cfg_enum(w, "start", "equilibrium", start_names, &c->start, e))
		return e->status;
	return 0;
}

/* Draws an interval of d picks for a length-biased one (below). */
#define RESIDUAL_DRAWS 64

/* One draw of the equilibrium residual life of a renewal process whose
 * intervals follow d: the time from a random instant to the end of the
 * interval that covers it.  Renewal theory: the covering interval is
 * length-biased (density x f(x) / E[X]: long intervals cover more instants)
 * and the instant is uniform in it, so residual = U * X*, with mean
 * E[X^2] / (2 E[X]).
 *   exponential  memoryless: the residual is a fresh draw (exact);
 *   constant c   U * c (exact);
 *   otherwise    X* by sampling-importance-resampling: RESIDUAL_DRAWS
 *                draws x_i, one picked with probability x_i / sum x_j,
 *                then U * x_i.  Exact as the draw count grows; with 64 the
 *                mean's bias is O(var / (64 E[X]^2)) relative (< 2% for a
 *                coefficient of variation up to 1).  An infinite-mean d
 *                (pareto, a <= 1) has no equilibrium; this still returns a
 *                finite draw.
 * Draws only from r (GSL). */
static uint64_t residual_ns(const struct dist *d, gsl_rng *r)
{
	if (dist_kind(d) == DIST_EXPONENTIAL)
		return dist_sample_ns(d, r);
	if (dist_kind(d) == DIST_CONSTANT)
		return (uint64_t)(gsl_rng_uniform(r) * (double)dist_sample_ns(d, r));
	double x[RESIDUAL_DRAWS], total = 0;
	for (int i = 0; i < RESIDUAL_DRAWS; i++)
		total += x[i] = (double)dist_sample_ns(d, r);
	double u = gsl_rng_uniform(r) * total, pick = x[RESIDUAL_DRAWS - 1];
	for (int i = 0; i < RESIDUAL_DRAWS; i++) {
		if (u < x[i]) {
			pick = x[i];
			break;
		}
		u -= x[i];
	}
	return (uint64_t)(gsl_rng_uniform(r) * pick);
}

/* Where one sleeping/waking resident is at t = 0.
 *
 * start: batch - runnable now (placed without a hook: the probe attached
 * after they woke); every resident at once is a start-up herd.
 *
 * start: equilibrium - a resident alternates sleep S and burst B (waiting
 * W for a CPU in between), an alternating renewal process; at a random
 * instant long after its start it is asleep with probability
 *     p = E[S] / (E[S] + E[B] + E[W]),
 * and the time left in its current phase is that phase's residual life
 * (residual_ns).  E[W] is taken as 0: on a host that is not overloaded it
 * is microseconds against milliseconds of sleep, and after t = 0 the
 * system finds its own wait anyway.  So, from the stream
 * "resident.start" (its own, so no other stream's draws move):
 *   with probability p: asleep, first wake-up at residual(S);
 *   otherwise: mid-burst, runnable now (no hook, as above) with residual(B)
 *   of its burst left to run.
 * A timer-driven resident (`interval` I, wake-up to wake-up) starts
 * asleep, its first wake-up at residual(I); the share E[B] / E[I] of them
 * that would be mid-burst start asleep too (a simplification: their burst
 * moves to their next wake-up).
 * Returns -1 when out of memory. */
static int start_resident(struct rq_run *R, uint32_t pid)
{
	const struct rq_cfg *cfg = R->cfg;
	struct task *t = &R->task[pid];
	gsl_rng *r = R->r_res_start;
	if (cfg->start == START_BATCH) {
		R->census.running++;
		world_wake(R, pid, 0, 0);
		return 0;
	}
	const struct dist *nap = cfg->res_interval ? cfg->res_interval
						   : cfg->res_sleep;
	int asleep = 1;
	if (!cfg->res_interval) {
		double es = dist_mean(cfg->res_sleep), eb = dist_mean(cfg->res_run);
		double p = !isfinite(es) ? 1 : es + eb > 0 ? es / (es + eb) : 0;
		asleep = gsl_rng_uniform(r) < p;
	}
	if (!asleep) {
		uint64_t left = residual_ns(cfg->res_run, r);
		t->resume = left ? left : 1;
		R->census.running++;
		R->census.burst_sum += (double)t->resume;
		world_wake(R, pid, 0, 0);
		return 0;
	}
	t->state = T_BLOCKED;
	uint64_t first = residual_ns(nap, r);
	R->census.asleep++;
	R->census.wake_sum += (double)first;
	return sim_schedule(R->s, first, EV_WAKE,
			    (uint32_t)cfg->cpus + 1 + pid, pid);
}

/* res_tasks that sleep and wake (start_resident), then res_busy CPU-bound
 * ones, runnable from t = 0 (placed without a wake-up hook: the probe
 * attached after they woke). */
int world_add_residents(struct rq_run *R)
{
	const struct rq_cfg *cfg = R->cfg;
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
		if (t->cls == CLS_BUSY)
			world_wake(R, pid, 0, 0);
		else if (start_resident(R, pid))
			return -1;
	}
	rq_level_set(R, SC_LIVE_AVG, &R->lv_live, (double)R->live);
	return 0;
}

void world_on_spawn(struct rq_run *R)
{
	const struct rq_cfg *cfg = R->cfg;
	struct sim *s = R->s;
	uint32_t arr = (uint32_t)cfg->cpus;
	switch (cfg->arrival) {
	case ARR_BATCH:
		/* Millions of spawns in one event: signals and the wall cap
		 * are polled here too. */
		for (uint64_t i = 0; i < cfg->processes && !sim_poll(s, i); i++)
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
		if (R->spawner)
			spawner_request(R);
		else
			spawn_one(R, dist_sample_ns(cfg->lifetime, R->r_work));
		if (cfg->spawns && --R->spawn_budget == 0)
			return;
		double gap = cfg->arrival == ARR_POISSON
			? gsl_ran_exponential(R->r_arr, 1e9 / cfg->rate)
			: 1e9 / cfg->rate;
		if (sim_schedule(s, sim_ns(gap), EV_SPAWN, arr, 0))
			sim_fail(s, "out of memory");
	}
}
