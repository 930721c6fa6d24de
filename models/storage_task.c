/* storage_task.c - BPF task local storage (the kernel's runqslower).
 *
 * Storage hangs off the task itself, so no bucket chain grows with the
 * tasks held: no static occupancy term.  What the kernel does
 * (kernel/bpf/bpf_task_storage.c, kernel/bpf/bpf_local_storage.c):
 *   - get: bpf_task_storage_get -> task_storage_lookup ->
 *     bpf_local_storage_lookup, which reads task->bpf_storage and then the
 *     per-task cache slot of the map (local_storage->cache[smap->cache_idx];
 *     16 slots, so with more task-storage maps on the host
 *     (`maps_on_host`) maps share slots, miss and walk the list: the
 *     built-in selftest table below);
 *   - create: the same call with BPF_LOCAL_STORAGE_GET_F_CREATE on a task
 *     without an element goes to bpf_local_storage_update.  The task's
 *     first element also allocates the struct bpf_local_storage and
 *     publishes it in the task (bpf_local_storage_alloc: `create`); a
 *     create after bpf_task_storage_delete (`recreate`) allocates only the
 *     element.  On the reference host both cost ~410-435 ns (bpfsim
 *     calibrate storage; an earlier probe's ~2 us vs ~230 ns split was not
 *     reproduced), kept as two classes so a host where they differ can say
 *     so;
 *   - delete: bpf_task_storage_delete unlinks the element; unlinking the
 *     last one frees the storage struct too and clears the task's pointer
 *     (bpf_selem_unlink_storage_nolock: free_local_storage);
 *   - free: a task that still has storage frees it with the task
 *     (bpf_task_storage_free from free_task), `free`, as kernel time; after
 *     a delete there is nothing left to free.
 * Sides: the wake side's get (sched_wakeup/_new, F_CREATE on the wakee)
 * reads the wakee's task_struct and storage lines, cold on this CPU once
 * its working set is large (wake_factor: ~80 ns hot, ~600-750 ns with
 * 1,024-8,192 distinct live tasks on the reference host); the switch
 * side's get (sched_switch on prev/next, just touched by the scheduler and
 * the wake-up) stays ~80-100 ns (switch_factor x1.2-1.34).  Create,
 * re-create, delete and free take no working-set factor (the host's
 * delete grows ~1.4x with W: not modelled; the tools delete only after a
 * report).
 * Entries are keyed by task slot and incarnation: a new task never sees
 * another task's timestamp.
 */
#include <stdlib.h>
#include <string.h>

#include "models/factor.h"
#include "models/storage.h"
#include "sim/cfg.h"
#include "sim/dist.h"

struct task_cfg {
	struct dist *get_wake, *get_switch, *get, *create, *recreate, *del,
		*free_;
	uint64_t maps_on_host;
	double maps_factor;        /* from the built-in table */
	struct factor act, wake, sw;
	double window;             /* working-set window T, ns */
};

struct slot {
	uint64_t ts;
	uint8_t storage;           /* the task's bpf_local_storage exists */
	uint8_t present;           /* an element (timestamp) is stored */
};

struct task_run {
	const struct task_cfg *cfg;
	const struct storage_env *env;
	struct storage_stats *stats;
	struct sim *s;             /* for the clock */
	gsl_rng *r_get, *r_alloc, *r_delete;
	struct slot *sl;           /* max_slots */
	struct storage_ws ws;      /* keyed by slot */
	struct storage_accel acc;  /* the factors' */
	uint64_t n;                /* tasks with a stored timestamp */
};

/* local_storage_bench (published-costs.md): ns per get vs task-storage maps
 * on the host, relative to the <= 16 case (30 ns). */
static const double maps_x[] = { 16, 17, 24, 32, 100, 1000 };
static const double maps_y[] = { 1.0, 34.6 / 30, 53.8 / 30, 70.9 / 30,
				 192.4 / 30, 2800.0 / 30 };

/* Wake side vs the working set: scenarios/calibration/host.yaml
 * storage.task_storage.by_active get_wake (two runs' midpoints), 75-98 ns
 * hot, x2.6 / x7.6 / x8.6 at W ~ 31 / 325 / 630 per CPU (64 / 1,024 /
 * 8,192 sleepers, 20,000 wake-ups/s on 2 CPUs, 50 ms window): the wakee's
 * task_struct and storage lines are cold when a sleeper wakes.  The switch
 * side meets next's storage just touched by its wake-up: x1.2-1.34. */
#define TASK_WAKE_DEFAULT "table(0:1, 1:1, 31:2.6, 325:7.6, 630:8.6)"
#define TASK_SWITCH_DEFAULT "table(0:1, 1:1, 31:1.2, 325:1.34, 630:1.31)"

static void task_config_free(void *p)
{
	struct task_cfg *c = p;
	if (!c)
		return;
	dist_free(c->get_wake);
	dist_free(c->get_switch);
	dist_free(c->get);
	dist_free(c->create);
	dist_free(c->recreate);
	dist_free(c->del);
	dist_free(c->free_);
	factor_fini(&c->act);
	factor_fini(&c->wake);
	factor_fini(&c->sw);
	free(c);
}

static const struct model_param task_params[] = {
	{ "storage.task_storage.get_wake", "dist(duration)", "lognormal(79ns, 0.4)",
	  "bpf_task_storage_get on the wakee (sched_wakeup/_new), hot, before "
	  "wake_factor" },
	{ "storage.task_storage.get_switch", "dist(duration)", "lognormal(72ns, 0.26)",
	  "bpf_task_storage_get at sched_switch (prev's record, next's lookup)" },
	{ "storage.task_storage.get", "dist(duration)", STORAGE_CLASSES,
	  "one distribution for both sides' gets (older scenarios); 'classes' "
	  "uses get_wake/get_switch" },
	{ "storage.task_storage.create", "dist(duration)", "lognormal(355ns, 0.58)",
	  "first F_CREATE on a task: allocates its local storage and the element "
	  "(bpf_local_storage_alloc)" },
	{ "storage.task_storage.recreate", "dist(duration)", "lognormal(358ns, 0.57)",
	  "F_CREATE after a delete (the element only)" },
	{ "storage.task_storage.delete", "dist(duration)", "lognormal(330ns, 0.69)",
	  "bpf_task_storage_delete (unlinks the element; with the last one "
	  "the storage struct is freed too)" },
	{ "storage.task_storage.free", "dist(duration)", "normal(200ns, 20ns)",
	  "kernel time: freeing the storage a task still has when it exits "
	  "(free_task -> bpf_task_storage_free)" },
	{ "storage.task_storage.maps_on_host", "count", "1",
	  "task-storage maps on the host; past 16 the per-task cache misses and "
	  "gets slow down (built-in selftest table)" },
	{ "storage.task_storage.working_set_window", "duration", "50ms",
	  "T: the working set W counts distinct tasks touched per CPU, "
	  "weighted exp(-age/T)" },
	{ "storage.task_storage.wake_factor", "factor", TASK_WAKE_DEFAULT,
	  "wake-side get cost multiplier vs W" },
	{ "storage.task_storage.switch_factor", "factor", TASK_SWITCH_DEFAULT,
	  "switch-side get cost multiplier vs W" },
	{ "storage.task_storage.active_factor", "factor", "none",
	  "legacy: wake-side multiplier vs live tasks on the host" },
	{ NULL, NULL, NULL, NULL },
};

static void *task_configure(struct ynode *sec, struct err *e)
{
	const struct model_param *t = task_params;
#define DEF(key) storage_param_default(t, key)
	struct task_cfg *c = calloc(1, sizeof(*c));
	struct factor maps = { 0 };
	double window;
	if (!c) {
		err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		return NULL;
	}
	if (cfg_dist(sec, "get_wake", DEF("get_wake"), DIST_DURATION,
		     &c->get_wake, e) ||
	    cfg_dist(sec, "get_switch", DEF("get_switch"), DIST_DURATION,
		     &c->get_switch, e) ||
	    storage_alias(sec, "get", &c->get, e) ||
	    cfg_dist(sec, "create", DEF("create"), DIST_DURATION, &c->create,
		     e) ||
	    cfg_dist(sec, "recreate", DEF("recreate"), DIST_DURATION,
		     &c->recreate, e) ||
	    cfg_dist(sec, "delete", DEF("delete"), DIST_DURATION, &c->del, e) ||
	    cfg_dist(sec, "free", DEF("free"), DIST_DURATION, &c->free_, e) ||
	    cfg_uint(sec, "maps_on_host", DEF("maps_on_host"), 1, 100000,
		     &c->maps_on_host, e) ||
	    cfg_duration(sec, "working_set_window", DEF("working_set_window"), 0,
			 1e12, &window, e) ||
	    factor_read(sec, "wake_factor", DEF("wake_factor"), &c->wake, e) ||
	    factor_read(sec, "switch_factor", DEF("switch_factor"), &c->sw, e) ||
	    factor_read(sec, "active_factor", DEF("active_factor"), &c->act, e))
		goto fail;
#undef DEF
	c->window = window;
	if (factor_table(&maps, maps_x, maps_y, sizeof(maps_x) / sizeof(maps_x[0]))) {
		err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		goto fail;
	}
	c->maps_factor = factor_eval(&maps, (double)c->maps_on_host);
	factor_fini(&maps);
	return c;
fail:
	task_config_free(c);
	return NULL;
}

static void task_fini(void *p)
{
	struct task_run *t = p;
	if (!t)
		return;
	storage_ws_fini(&t->ws);
	storage_accel_fini(&t->acc);
	free(t->sl);
	free(t);
}

static void *task_init(const void *cfgp, struct sim *s,
		       const struct storage_env *env, struct storage_stats *stats)
{
	const struct task_cfg *c = cfgp;
	struct task_run *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->cfg = c;
	t->env = env;
	t->stats = stats;
	t->s = s;
	t->sl = calloc(env->max_slots, sizeof(*t->sl));
	t->r_get = sim_rng(s, "storage.lookup");
	t->r_alloc = sim_rng(s, "storage.alloc");
	t->r_delete = sim_rng(s, "storage.delete");
	if (storage_ws_init(&t->ws, env->cpus, env->max_slots, c->window,
			    &c->wake, &c->sw) ||
	    storage_accel_init(&t->acc) || !t->sl || !t->r_get || !t->r_alloc || !t->r_delete) {
		task_fini(t);
		return NULL;
	}
	return t;
}

/* The get's cost at `at` (storage.h's formula, times the maps factor);
 * touches the task's slot in the working set. */
static double get_cost(struct task_run *t, const struct storage_key *k,
		       const struct storage_at *at)
{
	const struct task_cfg *c = t->cfg;
	double w = storage_ws_touch(&t->ws, k->slot, at->cpu, t->s->now);
	const struct dist *d;
	double mult;
	if (at->side == STORAGE_WAKE) {
		d = c->get ? c->get : c->get_wake;
		mult = storage_factor(&c->wake, w, t->acc.a[SF_WAKE]) *
		       storage_factor(&c->act, (double)t->env->live_tasks,
				      t->acc.a[SF_ACT]);
	} else {
		d = c->get ? c->get : c->get_switch;
		mult = at->side == STORAGE_SWITCH || at->side == STORAGE_OTHER
		       ? storage_factor(&c->sw, w, t->acc.a[SF_SWITCH]) : 1;
	}
	return storage_cost(d, t->r_get, mult * c->maps_factor, 0);
}

static double task_record(void *p, const struct storage_key *k,
			  const struct storage_at *at, uint64_t ts, int *ok)
{
	struct task_run *t = p;
	struct slot *x = &t->sl[k->slot];
	double c = 0;
	*ok = 1;
	if (!x->present) {
		/* F_CREATE: the whole storage on first use, else an element. */
		const struct dist *d = x->storage ? t->cfg->recreate : t->cfg->create;
		c += storage_charge(t->stats, SOP_ALLOC,
				    storage_cost(d, t->r_alloc, 1, 0));
		x->storage = 1;
		t->n++;
	}
	x->present = 1;
	x->ts = ts;
	return c + storage_charge(t->stats, SOP_UPDATE, get_cost(t, k, at));
}

static double task_lookup(void *p, const struct storage_key *k,
			  const struct storage_at *at, struct storage_lookup *out)
{
	struct task_run *t = p;
	struct slot *x = &t->sl[k->slot];
	out->found = x->present;
	out->ts = x->ts;
	out->stale = 0;
	return storage_charge(t->stats, SOP_LOOKUP, get_cost(t, k, at));
}

/* bpf_task_storage_delete frees the element (and with the last one the
 * storage struct); the next record is a `recreate`. */
static double task_remove(void *p, const struct storage_key *k,
			  const struct storage_at *at)
{
	struct task_run *t = p;
	struct slot *x = &t->sl[k->slot];
	(void)at;
	if (!x->present)
		return 0;
	x->present = 0;
	t->n--;
	return storage_charge(t->stats, SOP_DELETE,
			      storage_cost(t->cfg->del, t->r_delete, 1, 0));
}

/* The kernel frees what a task still has with the task (free_task ->
 * bpf_task_storage_free): element and storage struct; a task whose element
 * a delete already unlinked has nothing left (see the header). */
static double task_exit(void *p, const struct storage_key *k)
{
	struct task_run *t = p;
	struct slot *x = &t->sl[k->slot];
	int had = x->present;
	x->present = 0;
	x->storage = 0;
	if (!had)
		return 0;
	t->n--;
	return storage_charge(t->stats, SOP_FREE,
			      storage_cost(t->cfg->free_, t->r_delete, 1, 0));
}

static uint64_t task_occupancy(const void *p)
{
	return ((const struct task_run *)p)->n;
}

static void task_prefetch(const void *p, const struct storage_key *k)
{
	const struct task_run *t = p;
	__builtin_prefetch(&t->sl[k->slot]);
	storage_ws_prefetch(&t->ws, k->slot);
}

const struct storage_ops storage_task_storage = {
	.name = "task_storage",
	.summary = "BPF task local storage (kernel runqslower): per-task, "
		   "freed at exit",
	.params = task_params,
	.configure = task_configure,
	.config_free = task_config_free,
	.init = task_init,
	.fini = task_fini,
	.record = task_record,
	.lookup = task_lookup,
	.remove = task_remove,
	.task_exit = task_exit,
	.occupancy = task_occupancy,
	.prefetch = task_prefetch,
};
