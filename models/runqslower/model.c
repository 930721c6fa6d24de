/* model.c - the runqslower model's table and run lifecycle.
 *
 * A host's scheduler with runqslower-style BPF probes on it (DESIGN.md
 * "runqslower").  The model lives in this folder, one concern per file:
 *   world.c   tasks: arrivals, pids, residents, blocking, wake-ups
 *   place.c   placement: the CPU a woken task goes to (topo.h: SMT
 *             cores and LLC domains)
 *   balance.c load balancing: newidle and periodic pulls
 *   cpu.c     each CPU's time line: segments, bursts of overhead, dispatch,
 *             preemption, idle wake-up latency, conservation
 *   runq.c    the runqueues: fifo, woken_first, fair (a heap by vruntime)
 *   eevdf.c   runqueue: eevdf, Linux's EEVDF (lag, deadlines, eligibility)
 *   ktime.c   kernel time that is no task's: fork, exec, exit and reap
 *             costs; interrupt, softirq and steal background per CPU
 *   probe.c   the BPF programs on the hooks, through a storage strategy
 *             (models/storage.h), and their cost charged as CPU time
 *   config.c  scenario keys and their documentation
 *   report.c  metrics, series columns, steady-state recomputation
 * internal.h holds the state they share.
 *
 * Every hook's cost is CPU time on the CPU the kernel runs it on (for a
 * wake-up the waker's, see world.c): it delays the work there, so the
 * probe's overhead feeds back into the load.  Kernel work done for the
 * probe outside BPF programs (task-storage free) is its own bucket.  The rest of the
 * host (resident and busy tasks, idle wake-up latency, the runqueue
 * disciplines, wake-up preemption) is off by default, so scenarios without
 * those keys run as before, draw for draw.
 *
 * Determinism: RNG streams are named (below, and in the strategies) and
 * drawn in event order only; event ids keep CPUs (0..cpus-1), the spawner
 * (cpus), tasks (cpus + 1 + pid) and the periodic balance (cpus + 1 +
 * pid_max) apart.
 *
 * Memory: ~56 bytes per possible pid for tasks (grown on demand) plus the
 * strategy's per-pid table; events: a few per live task.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "models/runqslower/balance.h"
#include "models/runqslower/config.h"
#include "models/runqslower/cpu.h"
#include "models/runqslower/eevdf.h"
#include "models/runqslower/hrtimer.h"
#include "models/runqslower/ktime.h"
#include "models/runqslower/runq.h"
#include "models/runqslower/place.h"
#include "models/runqslower/report.h"
#include "models/runqslower/world.h"
#include "models/runqslower/spawner.h"
#include "models/runqslower/tools.h"
#include "sim/check.h"

const char *const rq_hook_names[RQ_HOOKS] = {
	"sched_wakeup", "sched_wakeup_new", "sched_switch", "sched_process_exit",
};

static void rq_fini(void *p)
{
	struct rq_run *R = p;
	if (!R)
		return;
	if (R->st)
		R->sops->fini(R->st);
	tools_fini(R);
	for (uint64_t i = 0; R->cpu && i < R->cfg->cpus; i++)
		free(R->cpu[i].heap);
	eevdf_free(R);
	place_fini(R);
	free(R->cpu);
	hrt_fini(R);
	free(R->task_mem);
	spawner_fini(R);
	stat_tally_fini(&R->wait);
	stat_tally_fini(&R->probe_wait);
	hmark_fini(&R->marks);
	free(R);
}
/* The event queue's look-ahead (evq_set_prefetch): a wake-up reads the
 * task's record first (tools_reader_wake, world_wake; 80 bytes: two
 * lines), then the probe records the wakee in the storage (its entry and
 * working-set key): cache misses among 10^5 tasks. */
static void rq_prefetch(void *ctx, const struct evq_event *ev)
{
	const struct rq_run *R = ctx;
	if (evq_kind(ev) == EV_WAKE) {
		uint32_t pid = (uint32_t)ev->data;
		const char *t = (const char *)&R->task[pid];
		__builtin_prefetch(t);   /* one line: struct task */
		runq_prefetch(R, pid);
		if (R->sops->prefetch) {
			/* key_of (probe.c) without the incarnation, which
			 * the record does not need to be found */
			struct storage_key k = { pid, pid, 0 };
			R->sops->prefetch(R->st, &k);
		}
	}
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
			"workload.spawns", rq_arrival_names[c->arrival]);
		rq_fini(R);
		return NULL;
	}
	R->cpu = aligned_alloc(64, c->cpus * sizeof(*R->cpu));
	if (R->cpu)
		memset(R->cpu, 0, c->cpus * sizeof(*R->cpu));
	/* Each CPU's one pending EV_CPU event (target = its index, cpu.h) is
	 * a timer: cpu_resched moves it at every overhead insertion, which in
	 * the queue left a stale entry each time (evq.h). */
	if (!R->cpu || evq_timers(&s->q, (uint32_t)c->cpus) ||
	    stat_tally_init(&R->wait, 1) ||
	    stat_tally_init(&R->probe_wait, 1))
		goto oom;
	/* Quantiles past a warm-up cut: copies of the wait histograms at the
	 * fixed cut, or spread over the first half of the run for MSER-5. */
	if (s->scfg.warmup == SIM_WARMUP_LATER)
		hmark_init_spread(&R->marks, s->scfg.window, s->end);
	else if (s->scfg.warmup)
		hmark_init_at(&R->marks, s->scfg.warmup);
	else
		hmark_init_none(&R->marks);
	hmark_track(&R->marks, &R->wait.h);
	hmark_track(&R->marks, &R->probe_wait.h);
	hmark_track_values(&R->marks, RQ_NVALS + tools_nvals(c), rq_gather, R);
	for (uint64_t i = 0; i < c->cpus; i++) {
		struct cpu *p = &R->cpu[i];
		p->cur = p->next = p->runq_head = p->runq_tail = p->runq_wtail = NIL;
		p->mode = CPU_IDLE;
	}
	if (place_init(R))
		goto oom;
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
	R->r_res_start = sim_rng(s, "resident.start");
	R->r_fork = sim_rng(s, "fork");
	/* Its own stream, made only when drawn from: the other streams (and
	 * every run without it) stay as they were. */
	if (c->fork_local > 0 && c->fork_local < 1 &&
	    !(R->r_fork_local = sim_rng(s, "fork_local")))
		goto oom;
	if (c->wake_local > 0 && c->wake_local < 1 &&
	    !(R->r_wake_local = sim_rng(s, "wake_local")))
		goto oom;
	for (int h = 0; h < RQ_HOOKS; h++) {
		char name[48];
		snprintf(name, sizeof(name), "bpf.%s", rq_hook_names[h]);
		if (!(R->r_hook[h] = sim_rng(s, name)))
			goto oom;
	}
	if (!R->r_arr || !R->r_work || !R->r_slice || !R->r_block ||
	    !R->r_sleep || !R->r_place || !R->r_switch || !R->r_out ||
	    !R->r_res_run || !R->r_res_sleep || !R->r_idle || !R->r_preempt ||
	    !R->r_res_start || !R->r_fork)
		goto oom;
	R->sops = storage_registry[c->strategy];
	R->env.pid_max = (uint32_t)c->pid_max;
	R->env.max_slots = (uint32_t)c->pid_max;
	R->env.cpus = (uint32_t)c->cpus;
	R->st = R->sops->init(c->storage_cfg[c->strategy], s, &R->env, &R->sstats);
	if (!R->st)
		goto oom;
	/* The pid-keyed maps are libbpf-tools runqslower's, which looks up
	 * pid 0 on a switch to idle; task storage is the kernel's
	 * tools/bpf/runqslower, which returns first (probe.c). */
	R->idle_lookup = strcmp(R->sops->name, "task_storage") != 0;
	if (tools_init(R))
		goto oom;
	stat_gauge_init(&R->occupancy, 0, 0);
	R->spawn_budget = c->spawns;
	if (hrt_init(R) || world_add_residents(R) || spawner_init(R) ||
	    ktime_init(R) ||
	    tools_readers_init(R))
		goto oom;
	uint64_t first = 0;
	if (c->arrival == ARR_TRACE)
		first = c->trace_t[0];
	else if (c->arrival == ARR_POISSON)
		first = sim_ns(gsl_ran_exponential(R->r_arr, 1e9 / c->rate));
	if (sim_schedule_at(s, first, EV_SPAWN, (uint32_t)c->cpus, 0))
		goto oom;
	balance_arm(R);
	evq_set_prefetch(&s->q, rq_prefetch, R);
	return R;
oom:
	rq_fini(R);
	err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	return NULL;
}

static void rq_handle(struct sim *s, void *state, const struct evq_event *ev)
{
	struct rq_run *R = state;
	/* Before anything is tallied at this time (histmark.h). */
	if (hmark_tick(&R->marks, s->now)) {
		sim_fail(s, "out of memory");
		return;
	}
	switch (evq_kind(ev)) {
	case EV_SPAWN:
		world_on_spawn(R);
		break;
	case EV_WAKE:
		tools_reader_wake(R, (uint32_t)ev->data);   /* readers only */
		world_wake(R, (uint32_t)ev->data, 0, 1);
		break;
	case EV_CPU:
		cpu_event(R, ev->target);
		break;
	case EV_BALANCE:
		balance_periodic(R);
		break;
	case EV_BG:
		ktime_event(R, ev->data);
		break;
	case EV_HRTIMER:
		hrt_interrupt(R, (uint32_t)ev->data);
		break;
	default:
		SIM_CHECK(!"unknown runqslower event");
	}
}

/* rq_configure (config.c) plus the keys read beside it: workload.start
 * (world.c), workload.spawner (spawner.c), kernel.*, background.*,
 * host.* (ktime.c), tools (tools.c). */
static void *rq_configure_all(struct ynode *root, struct err *e)
{
	struct rq_cfg *c = rq_configure(root, e);
	if (c && (world_read_start(c, root, e) || spawner_read(c, root, e) ||
		  ktime_read(c, root, e) || tools_read(c, root, e))) {
		rq_config_free(c);
		return NULL;
	}
	return c;
}

int rq_start_census(const void *state, struct rq_census *c)
{
	const struct rq_run *R = state;
	*c = R->census;
	return 0;
}

/* The storage strategies document themselves (models/storage.h). */
static int rq_strategy_doc(size_t i, struct model_strategy *out)
{
	const struct storage_ops *ops = storage_registry[i];
	if (!ops)
		return -1;
	out->name = ops->name;
	out->summary = ops->summary;
	out->params = ops->params;
	return 0;
}

const struct model model_runqslower = {
	.name = "runqslower",
	.summary = "scheduler with runqslower-style BPF probes; storage "
		   "strategies; overhead feeds back into the load",
	.params = rq_params,
	.metrics = rq_metrics,
	.strategy_key = "storage.kind",
	.strategies = storage_names,
	.strategy_doc = rq_strategy_doc,
	.series_cols = rq_series_cols,
	.series_value = rq_series_value,
	.series_value_name = "overhead_ratio",
	.steady = rq_steady,
	.metrics_for = tools_metrics,
	.metric_like = tools_metric_like,
	.configure = rq_configure_all,
	.config_free = rq_config_free,
	.config_share = rq_config_share,
	.config_digest = rq_config_digest,
	.init = rq_init,
	.handle = rq_handle,
	.report = rq_report,
	.fini = rq_fini,
};
