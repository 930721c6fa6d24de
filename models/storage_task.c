/* storage_task.c - BPF task local storage (the kernel's runqslower).
 *
 * Storage hangs off the task itself, so a lookup costs the same however
 * many tasks there are: no occupancy factor.  Three effects remain:
 *   - allocation: bpf_task_storage_get(..., F_CREATE) on a task without
 *     storage allocates it (`create`); that happens at a task's first record,
 *     i.e. on spawn (sched_wakeup_new), and again after a delete;
 *   - the per-task cache has 16 slots: with more task-storage maps on the
 *     host (`maps_on_host`), gets slow down (published selftest figures,
 *     built in below);
 *   - the active-task working set (`active_factor`), as for every strategy.
 * Storage is freed when the task exits (`free`, kernel work in do_exit).
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
	struct dist *get, *create, *del, *free_;
	uint64_t maps_on_host;
	double maps_factor;        /* from the built-in table */
	struct factor act;
};

struct slot {
	uint64_t ts;
	uint8_t allocated;         /* storage exists for this task */
	uint8_t present;           /* a timestamp is stored */
};

struct task_run {
	const struct task_cfg *cfg;
	const struct storage_env *env;
	struct storage_stats *stats;
	gsl_rng *r_get, *r_alloc, *r_delete;
	struct slot *s;            /* max_slots */
	uint64_t n;                /* tasks with a stored timestamp */
};

/* local_storage_bench (published-costs.md): ns per get vs task-storage maps
 * on the host, relative to the <= 16 case (30 ns). */
static const double maps_x[] = { 16, 17, 24, 32, 100, 1000 };
static const double maps_y[] = { 1.0, 34.6 / 30, 53.8 / 30, 70.9 / 30,
				 192.4 / 30, 2800.0 / 30 };

static void task_config_free(void *p)
{
	struct task_cfg *c = p;
	if (!c)
		return;
	dist_free(c->get);
	dist_free(c->create);
	dist_free(c->del);
	dist_free(c->free_);
	factor_fini(&c->act);
	free(c);
}

static const struct model_param task_params[] = {
	{ "storage.task_storage.get", "dist(duration)", "normal(40ns, 4ns)",
	  "bpf_task_storage_get on storage that exists (record and lookup)" },
	{ "storage.task_storage.create", "dist(duration)", "normal(1517ns, 151.7ns)",
	  "get with F_CREATE on a task without storage: allocation (at spawn, "
	  "and after a delete)" },
	{ "storage.task_storage.delete", "dist(duration)", "normal(90ns, 9ns)",
	  "bpf_task_storage_delete (frees: the next record creates)" },
	{ "storage.task_storage.free", "dist(duration)", "normal(200ns, 20ns)",
	  "freeing a task's storage when it exits (do_exit)" },
	{ "storage.task_storage.maps_on_host", "count", "1",
	  "task-storage maps on the host; past 16 the per-task cache misses and "
	  "gets slow down (built-in selftest table)" },
	{ "storage.task_storage.active_factor", "factor", "none",
	  "cost multiplier vs live tasks on the host (the working set)" },
	{ NULL, NULL, NULL, NULL },
};

static void *task_configure(struct ynode *sec, struct err *e)
{
	const struct model_param *t = task_params;
#define DEF(key) storage_param_default(t, key)
	struct task_cfg *c = calloc(1, sizeof(*c));
	struct factor maps = { 0 };
	if (!c) {
		err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		return NULL;
	}
	if (cfg_dist(sec, "get", DEF("get"), DIST_DURATION, &c->get, e) ||
	    cfg_dist(sec, "create", DEF("create"), DIST_DURATION, &c->create,
		     e) ||
	    cfg_dist(sec, "delete", DEF("delete"), DIST_DURATION, &c->del, e) ||
	    cfg_dist(sec, "free", DEF("free"), DIST_DURATION, &c->free_, e) ||
	    cfg_uint(sec, "maps_on_host", DEF("maps_on_host"), 1, 100000,
		     &c->maps_on_host, e))
		goto fail;
	if (factor_read(sec, "active_factor", DEF("active_factor"), &c->act, e))
		goto fail;
#undef DEF
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
	free(t->s);
	free(t);
}

static void *task_init(const void *cfgp, struct sim *s,
		       const struct storage_env *env, struct storage_stats *stats)
{
	struct task_run *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->cfg = cfgp;
	t->env = env;
	t->stats = stats;
	t->s = calloc(env->max_slots, sizeof(*t->s));
	t->r_get = sim_rng(s, "storage.lookup");
	t->r_alloc = sim_rng(s, "storage.alloc");
	t->r_delete = sim_rng(s, "storage.delete");
	if (!t->s || !t->r_get || !t->r_alloc || !t->r_delete) {
		task_fini(t);
		return NULL;
	}
	return t;
}

static double get_cost(struct task_run *t, const struct dist *d, gsl_rng *r)
{
	return storage_cost(d, r, NULL, 0, &t->cfg->act,
			    (double)t->env->live_tasks) * t->cfg->maps_factor;
}

static double task_record(void *p, const struct storage_key *k, uint64_t ts,
			  int *ok)
{
	struct task_run *t = p;
	struct slot *x = &t->s[k->slot];
	double c = 0;
	*ok = 1;
	if (!x->allocated) {
		c += storage_charge(t->stats, SOP_ALLOC,
				    storage_cost(t->cfg->create, t->r_alloc, NULL, 0,
						 &t->cfg->act,
						 (double)t->env->live_tasks));
		x->allocated = 1;
	}
	if (!x->present)
		t->n++;
	x->present = 1;
	x->ts = ts;
	return c + storage_charge(t->stats, SOP_UPDATE,
				  get_cost(t, t->cfg->get, t->r_get));
}

static double task_lookup(void *p, const struct storage_key *k,
			  struct storage_lookup *out)
{
	struct task_run *t = p;
	struct slot *x = &t->s[k->slot];
	out->found = x->present;
	out->ts = x->ts;
	out->stale = 0;
	return storage_charge(t->stats, SOP_LOOKUP,
			      get_cost(t, t->cfg->get, t->r_get));
}

/* Drop the task's storage (if any), charging `op` from distribution d. */
static double release(struct task_run *t, const struct storage_key *k,
		      enum storage_op op, const struct dist *d)
{
	struct slot *x = &t->s[k->slot];
	if (!x->allocated)
		return 0;
	if (x->present)
		t->n--;
	x->present = 0;
	x->allocated = 0;
	return storage_charge(t->stats, op,
			      storage_cost(d, t->r_delete, NULL, 0, &t->cfg->act,
					   (double)t->env->live_tasks));
}

/* bpf_task_storage_delete frees the storage: the next record allocates. */
static double task_remove(void *p, const struct storage_key *k)
{
	struct task_run *t = p;
	return release(t, k, SOP_DELETE, t->cfg->del);
}

/* The kernel frees a task's storage in do_exit. */
static double task_exit(void *p, const struct storage_key *k)
{
	struct task_run *t = p;
	return release(t, k, SOP_FREE, t->cfg->free_);
}

static uint64_t task_occupancy(const void *p)
{
	return ((const struct task_run *)p)->n;
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
};
