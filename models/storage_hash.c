/* storage_hash.c - BPF hash map and LRU hash map keyed by pid.
 *
 * The map is an array indexed by pid (pids are < pid_max), so every
 * operation is O(1) whatever the occupancy; the *simulated* cost follows
 * the cost model of storage.h: a class per operation, the working-set
 * factor of its side, and a small static-occupancy term.
 *
 * Cost classes, as the kernel runs them (kernel/bpf/hashtab.c):
 *   - insert: htab_map_update_elem on a new key.  lookup_elem_raw walks the
 *     bucket and finds nothing; alloc_htab_elem takes an element from the
 *     preallocated per-CPU freelist (__pcpu_freelist_pop: -E2BIG when
 *     empty, i.e. the map holds max_entries) or, with BPF_F_NO_PREALLOC,
 *     allocates one (`alloc`: bpf_mem_cache_alloc on kernels >= 6.1,
 *     kmalloc before - costs/linux-5.x-2021.yaml);
 *   - replace: htab_map_update_elem on a key present.  With prealloc,
 *     alloc_htab_elem swaps in the per-CPU spare (htab->extra_elems) for
 *     the old element: no freelist, never fails, even on a full map;
 *   - lookup hit / miss: htab_map_lookup_elem (__htab_map_lookup_elem:
 *     hash, select bucket, lookup_nulls_elem_raw).  A miss walks the
 *     bucket to its end and copies nothing;
 *   - delete: htab_map_delete_elem (unlink under the bucket lock, the
 *     element back to the freelist; without prealloc `free`).
 * The wake side (sched_wakeup/_new) writes the wakee's key: its bucket and
 * element lines are cold once the CPU's working set is large (wake_factor);
 * the switch side reads/deletes `next`'s entry just written by the wake-up
 * (switch_factor: x1.1-1.2 on the reference host, against x5-5.5 on the
 * wake side at ~600 keys touched per CPU in 50 ms).  Keys held but not
 * touched add only the static term occupancy_factor - 1 (lengthened
 * chains, a larger map): on the reference host a few percent up to
 * 256,000 entries, where the 2024 selftest figures an older default came
 * from vary the keys *touched*.
 *
 * hash (BPF_MAP_TYPE_HASH): a new key on a map holding max_entries entries
 * fails (-E2BIG): the sample is missed and the failing update costs
 * `full_update_cost` (tens of microseconds on kernels before the 2022 fix,
 * see costs/old-kernel.yaml).  With prealloc: false every insert of a new
 * key also pays `alloc` and every delete `free`.
 *
 * lru_hash (BPF_MAP_TYPE_LRU_HASH): never fails; inserting a new key into a
 * full map first evicts `evict_batch` least-recently-used entries (the kernel
 * shrinks its LRU lists in batches), each at cost `evict`.  A live task's
 * timestamp can be evicted before it is read: a missed sample.  Lookups and
 * updates refresh an entry's recency.
 *
 * Memory: 36 bytes per possible pid (32768 pids: 1.2 MiB per run).
 */
#include <stdlib.h>
#include <string.h>

#include "models/factor.h"
#include "models/storage.h"
#include "sim/align.h"
#include "sim/cfg.h"
#include "sim/check.h"
#include "sim/dist.h"

#define NIL UINT32_MAX

struct hash_cfg {
	int lru;
	uint64_t max_entries;
	int prealloc;
	uint64_t evict_batch;
	struct dist *insert, *replace, *lookup, *miss, *del, *alloc, *free_,
		*full, *evict;
	struct dist *update;       /* the alias: both update classes, or NULL */
	struct dist *update_sw;    /* an update at sched_switch, or NULL (as
				      on the wake side) */
	struct factor occ, act, wake, sw;
	double window;             /* working-set window T, ns */
};

/* A pid's entry, its working-set key inside (ws.tag: the incarnation
 * recorded): 32 bytes on a 32-byte boundary, so an operation's entry and
 * key are one cache line. */
struct entry {
	struct storage_ws_key ws;
	uint64_t ts : 63;          /* the value: ns */
	uint64_t present : 1;
	uint32_t prev, next;       /* LRU list (most recent at tail) */
};
_Static_assert(sizeof(struct entry) == 32, "two entries per cache line");

struct hash_run {
	const struct hash_cfg *cfg;
	const struct storage_env *env;
	struct storage_stats *stats;
	struct sim *s;             /* for the clock */
	gsl_rng *r_update, *r_lookup, *r_delete, *r_alloc, *r_evict;
	struct entry *e;           /* pid_max entries, in e_mem */
	void *e_mem;               /* calloc's: zero pages stay unbacked
				      until a pid is used */
	struct storage_ws ws;      /* keyed by pid */
	struct storage_accel acc;  /* the factors' */
	uint64_t n;                /* occupancy */
	uint64_t occ_n;            /* f_occ(occ_n) - 1 is occ_extra */
	double occ_extra;
	uint32_t head, tail;       /* LRU list ends */
};

static void hash_config_free(void *p)
{
	struct hash_cfg *c = p;
	if (!c)
		return;
	dist_free(c->insert);
	dist_free(c->replace);
	dist_free(c->update_sw);
	dist_free(c->update);
	dist_free(c->lookup);
	dist_free(c->miss);
	dist_free(c->del);
	dist_free(c->alloc);
	dist_free(c->free_);
	dist_free(c->full);
	dist_free(c->evict);
	factor_fini(&c->occ);
	factor_fini(&c->act);
	factor_fini(&c->wake);
	factor_fini(&c->sw);
	free(c);
}

/* Defaults: this host (scenarios/calibration/host.yaml, bpfsim calibrate
 * storage, Linux 6.18, AMD EPYC; two runs' midpoints), else estimates;
 * each with its source in costs/linux-6.x.yaml, which spells these
 * defaults out.
 *
 * Static occupancy: storage.hash.by_occupancy at W ~ 1: insert + lookup +
 * delete within +2-5% up to 64k idle keys, +3-15% at 256k: an idle entry
 * only lengthens its bucket, the cost is in the lines a CPU touches. */
#define HASH_OCCUPANCY_DEFAULT "table(0:1, 1000:1.04, 64000:1.05, 256000:1.09)"
/* Wake side: storage.hash.by_active, insert + replace pooled, over the
 * working set (2/64/1,024/8,192 sleepers woken 20,000 times/s on 2 CPUs:
 * W ~ 1/31/325/630 per CPU with the 50 ms window): the update walks a
 * bucket and copies into an element whose lines have left the cache. */
#define HASH_WAKE_DEFAULT "table(0:1, 1:1, 31:1.9, 325:5.1, 630:5.5)"
/* Switch side: the lookup hit of a record written a wait ago stays ~warm:
 * x1.08-1.18 over the same points. */
#define HASH_SWITCH_DEFAULT "table(0:1, 1:1, 31:1.1, 325:1.14, 630:1.16)"

/* Keys both map types read. */
#define COMMON_PARAMS(kind) \
	{ "storage." kind ".max_entries", "count", "10240", \
	  "map size (libbpf-tools runqslower: 10240)" }, \
	{ "storage." kind ".insert", "dist(duration)", "lognormal(100ns, 0.35)", \
	  "bpf_map_update_elem of a new key (freelist pop), before factors" }, \
	{ "storage." kind ".replace", "dist(duration)", "lognormal(100ns, 0.3)", \
	  "bpf_map_update_elem of a key present (per-CPU spare swap)" }, \
	{ "storage." kind ".update", "dist(duration)", STORAGE_CLASSES, \
	  "one distribution for insert and replace (older scenarios); " \
	  "'classes' uses insert/replace" }, \
	{ "storage." kind ".update_switch", "dist(duration)", STORAGE_CLASSES, \
	  "bpf_map_update_elem at sched_switch (insert or replace; " \
	  "runqslower's preempted prev, cpudist's next), before factors; " \
	  "'classes': insert/replace as on the wake side (calibrate storage " \
	  "measures it: the switch path's caches are not the wake path's)" }, \
	{ "storage." kind ".lookup", "dist(duration)", "lognormal(92ns, 0.18)", \
	  "bpf_map_lookup_elem that finds the key (switch-in)" }, \
	{ "storage." kind ".miss", "dist(duration)", "lognormal(56ns, 0.2)", \
	  "bpf_map_lookup_elem that walks the bucket and finds nothing" }, \
	{ "storage." kind ".delete", "dist(duration)", "lognormal(74ns, 0.33)", \
	  "bpf_map_delete_elem" }, \
	{ "storage." kind ".working_set_window", "duration", "50ms", \
	  "T: the working set W counts distinct pids touched per CPU, " \
	  "weighted exp(-age/T)" }, \
	{ "storage." kind ".wake_factor", "factor", HASH_WAKE_DEFAULT, \
	  "wake-side (insert/replace at sched_wakeup/_new) cost multiplier " \
	  "vs W" }, \
	{ "storage." kind ".switch_factor", "factor", HASH_SWITCH_DEFAULT, \
	  "switch-side (sched_switch) cost multiplier vs W" }, \
	{ "storage." kind ".occupancy_factor", "factor", HASH_OCCUPANCY_DEFAULT, \
	  "static term vs entries held: adds base x (f - 1) (none, " \
	  "linear(k), quadratic(s), table(x:f, ...))" }, \
	{ "storage." kind ".active_factor", "factor", "none", \
	  "legacy: wake-side multiplier vs live tasks on the host" }

static const struct model_param hash_params[] = {
	COMMON_PARAMS("hash"),
	{ "storage.hash.prealloc", "bool", "true",
	  "false (BPF_F_NO_PREALLOC): a new key pays alloc, a delete pays free" },
	{ "storage.hash.alloc", "dist(duration)", "normal(350ns, 35ns)",
	  "element allocation without prealloc (bpf_mem_cache_alloc)" },
	{ "storage.hash.free", "dist(duration)", "normal(70ns, 7ns)",
	  "element free without prealloc" },
	{ "storage.hash.full_update_cost", "dist(duration)",
	  "lognormal(100ns, 0.35)",
	  "an update refused by a full map (-E2BIG, a missed sample; tens of "
	  "us on kernels before the 2022 fix)" },
	{ NULL, NULL, NULL, NULL },
};

static const struct model_param lru_params[] = {
	COMMON_PARAMS("lru_hash"),
	{ "storage.lru_hash.evict_batch", "count", "128",
	  "entries evicted at once when a new key meets a full map" },
	{ "storage.lru_hash.evict", "dist(duration)", "normal(100ns, 10ns)",
	  "cost per evicted entry" },
	{ NULL, NULL, NULL, NULL },
};

static void *configure(struct ynode *sec, struct err *e, int lru)
{
	const struct model_param *t = lru ? lru_params : hash_params;
#define DEF(key) storage_param_default(t, key)
	struct hash_cfg *c = calloc(1, sizeof(*c));
	if (!c) {
		err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		return NULL;
	}
	c->lru = lru;
	double window;
	if (cfg_uint(sec, "max_entries", DEF("max_entries"), 1, UINT32_MAX - 1,
		     &c->max_entries, e) ||
	    cfg_dist(sec, "insert", DEF("insert"), DIST_DURATION, &c->insert, e) ||
	    cfg_dist(sec, "replace", DEF("replace"), DIST_DURATION, &c->replace,
		     e) ||
	    storage_alias(sec, "update", &c->update, e) ||
	    cfg_dist(sec, "lookup", DEF("lookup"), DIST_DURATION, &c->lookup, e) ||
	    cfg_dist(sec, "miss", DEF("miss"), DIST_DURATION, &c->miss, e) ||
	    cfg_dist(sec, "delete", DEF("delete"), DIST_DURATION, &c->del, e) ||
	    cfg_duration(sec, "working_set_window", DEF("working_set_window"), 0,
			 1e12, &window, e) ||
	    factor_read(sec, "wake_factor", DEF("wake_factor"), &c->wake, e) ||
	    factor_read(sec, "switch_factor", DEF("switch_factor"), &c->sw, e) ||
	    factor_read(sec, "occupancy_factor", DEF("occupancy_factor"), &c->occ,
			e) ||
	    factor_read(sec, "active_factor", DEF("active_factor"), &c->act, e))
		goto fail;
	c->window = window;
	if (storage_alias(sec, "update_switch", &c->update_sw, e))
		goto fail;
	if (lru) {
		if (cfg_uint(sec, "evict_batch", DEF("evict_batch"), 1, 1u << 20,
			     &c->evict_batch, e) ||
		    cfg_dist(sec, "evict", DEF("evict"), DIST_DURATION, &c->evict,
			     e))
			goto fail;
		c->prealloc = 1;
	} else {
		if (cfg_bool(sec, "prealloc", DEF("prealloc"), &c->prealloc, e) ||
		    cfg_dist(sec, "alloc", DEF("alloc"), DIST_DURATION, &c->alloc,
			     e) ||
		    cfg_dist(sec, "free", DEF("free"), DIST_DURATION, &c->free_,
			     e) ||
		    cfg_dist(sec, "full_update_cost", DEF("full_update_cost"),
			     DIST_DURATION, &c->full, e))
			goto fail;
	}
#undef DEF
	return c;
fail:
	hash_config_free(c);
	return NULL;
}

static void *hash_configure(struct ynode *sec, struct err *e)
{
	return configure(sec, e, 0);
}

static void *lru_configure(struct ynode *sec, struct err *e)
{
	return configure(sec, e, 1);
}

static void hash_fini(void *p)
{
	struct hash_run *h = p;
	if (!h)
		return;
	storage_ws_fini(&h->ws);
	storage_accel_fini(&h->acc);
	free(h->e_mem);
	free(h);
}

static void *hash_init(const void *cfgp, struct sim *s,
		       const struct storage_env *env, struct storage_stats *stats)
{
	const struct hash_cfg *c = cfgp;
	struct hash_run *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->cfg = c;
	h->env = env;
	h->stats = stats;
	h->s = s;
	h->e_mem = calloc((size_t)env->pid_max + 1, sizeof(*h->e));
	h->e = h->e_mem ? align_up(h->e_mem, sizeof(*h->e)) : NULL;
	h->r_update = sim_rng(s, "storage.update");
	h->r_lookup = sim_rng(s, "storage.lookup");
	h->r_delete = sim_rng(s, "storage.delete");
	h->r_alloc = sim_rng(s, "storage.alloc");
	h->r_evict = sim_rng(s, "storage.evict");
	if (!h->e || storage_ws_init_in(&h->ws, env->cpus, env->pid_max,
					c->window, &c->wake, &c->sw,
					&h->e[0].ws, sizeof(*h->e)) ||
	    storage_accel_init(&h->acc) || !h->r_update || !h->r_lookup || !h->r_delete ||
	    !h->r_alloc || !h->r_evict) {
		hash_fini(h);
		return NULL;
	}
	h->head = h->tail = NIL;
	h->occ_n = UINT64_MAX;
	return h;
}

/* The working set the operation on pid competes with (and the touch). */
static double touch(struct hash_run *h, uint32_t pid,
		    const struct storage_at *at)
{
	return storage_ws_touch(&h->ws, pid, at->cpu, h->s->now);
}

/* A class's cost at `at` with working set w (storage.h's formula); a NULL
 * `at` (allocation, eviction, refusal) takes no side factor. */
static double cost(struct hash_run *h, const struct dist *d, gsl_rng *r,
		   const struct storage_at *at, double w)
{
	const struct hash_cfg *c = h->cfg;
	double mult = 1;
	if (at && at->side == STORAGE_WAKE)
		mult = storage_factor(&c->wake, w, h->acc.a[SF_WAKE]) *
		       storage_factor(&c->act, (double)h->env->live_tasks,
				      h->acc.a[SF_ACT]);
	else if (at && (at->side == STORAGE_SWITCH || at->side == STORAGE_OTHER))
		mult = storage_factor(&c->sw, w, h->acc.a[SF_SWITCH]);
	if (h->n != h->occ_n) {
		/* N moves only at an insert or a delete; most operations
		 * are lookups and replaces at the same N. */
		h->occ_n = h->n;
		h->occ_extra = storage_factor(&c->occ, (double)h->n,
					      h->acc.a[SF_OCC]) - 1;
	}
	return storage_cost(d, r, mult, h->occ_extra);
}

static void lru_unlink(struct hash_run *h, uint32_t pid)
{
	struct entry *x = &h->e[pid];
	if (x->prev != NIL)
		h->e[x->prev].next = x->next;
	else
		h->head = x->next;
	if (x->next != NIL)
		h->e[x->next].prev = x->prev;
	else
		h->tail = x->prev;
}

static void lru_append(struct hash_run *h, uint32_t pid)
{
	struct entry *x = &h->e[pid];
	x->prev = h->tail;
	x->next = NIL;
	if (h->tail != NIL)
		h->e[h->tail].next = pid;
	else
		h->head = pid;
	h->tail = pid;
}

static void drop(struct hash_run *h, uint32_t pid)
{
	if (h->cfg->lru)
		lru_unlink(h, pid);
	h->e[pid].present = 0;
	h->n--;
}

/* An update's cost class: at sched_switch update_switch when set, else
 * the `update` alias, else insert (a new key) or replace (present). */
static const struct dist *update_class(const struct hash_cfg *c, int present,
				       const struct storage_at *at)
{
	if (c->update_sw && at && at->side == STORAGE_SWITCH)
		return c->update_sw;
	if (c->update)
		return c->update;
	return present ? c->replace : c->insert;
}

static double hash_record(void *p, const struct storage_key *k,
			  const struct storage_at *at, uint64_t ts, int *ok)
{
	struct hash_run *h = p;
	const struct hash_cfg *c = h->cfg;
	struct entry *x = &h->e[k->pid];
	double w = touch(h, k->pid, at);
	double t = 0;
	const struct dist *d = update_class(c, x->present, at);
	*ok = 1;
	if (!x->present) {
		if (h->n >= (h->env->max_entries ? h->env->max_entries
						 : c->max_entries)) {
			if (!c->lru) {
				/* -E2BIG: the sample is lost. */
				*ok = 0;
				h->stats->failed_updates++;
				return storage_charge(h->stats, SOP_FAILED_UPDATE,
						      cost(h, c->full, h->r_update,
							   NULL, 0));
			}
			uint64_t nev = c->evict_batch < h->n ? c->evict_batch : h->n;
			double ev = 0;
			for (uint64_t i = 0; i < nev; i++) {
				ev += cost(h, c->evict, h->r_evict, NULL, 0);
				drop(h, h->head);
			}
			h->stats->evicted += nev;
			t += storage_charge(h->stats, SOP_EVICT, ev);
		}
		if (!c->prealloc)
			t += storage_charge(h->stats, SOP_ALLOC,
					    cost(h, c->alloc, h->r_alloc, NULL, 0));
		x->present = 1;
		h->n++;
		if (c->lru)
			lru_append(h, k->pid);
	} else if (c->lru) {
		lru_unlink(h, k->pid);
		lru_append(h, k->pid);
	}
	SIM_CHECK(ts >> 63 == 0);
	x->ts = ts;
	x->ws.tag = k->incarnation;
	return t + storage_charge(h->stats, SOP_UPDATE,
				  cost(h, d, h->r_update, at, w));
}

static double hash_lookup(void *p, const struct storage_key *k,
			  const struct storage_at *at, struct storage_lookup *out)
{
	struct hash_run *h = p;
	struct entry *x = &h->e[k->pid];
	double w = touch(h, k->pid, at);
	out->found = (int)x->present;
	out->ts = x->ts;
	out->stale = x->present && x->ws.tag != k->incarnation;
	if (x->present && h->cfg->lru) {
		lru_unlink(h, k->pid);
		lru_append(h, k->pid);
	}
	return storage_charge(h->stats, SOP_LOOKUP,
			      cost(h, x->present ? h->cfg->lookup : h->cfg->miss,
				   h->r_lookup, at, w));
}

static double hash_remove(void *p, const struct storage_key *k,
			  const struct storage_at *at)
{
	struct hash_run *h = p;
	const struct hash_cfg *c = h->cfg;
	if (!h->e[k->pid].present)
		return 0;
	double w = touch(h, k->pid, at);
	double t = storage_charge(h->stats, SOP_DELETE,
				  cost(h, c->del, h->r_delete, at, w));
	if (!c->prealloc && !c->lru)
		t += storage_charge(h->stats, SOP_FREE,
				    cost(h, c->free_, h->r_delete, NULL, 0));
	drop(h, k->pid);
	return t;
}

/* A hash keyed by pid knows nothing of task exit: entries leak. */
static double hash_task_exit(void *p, const struct storage_key *k)
{
	(void)p;
	(void)k;
	return 0;
}

static uint64_t hash_occupancy(const void *p)
{
	return ((const struct hash_run *)p)->n;
}

static void hash_prefetch(const void *p, const struct storage_key *k)
{
	const struct hash_run *h = p;
	__builtin_prefetch(&h->e[k->pid]);   /* and its working-set key */
}

const struct storage_ops storage_hash = {
	.name = "hash",
	.summary = "BPF hash map keyed by pid (libbpf-tools runqslower)",
	.params = hash_params,
	.configure = hash_configure,
	.config_free = hash_config_free,
	.init = hash_init,
	.fini = hash_fini,
	.record = hash_record,
	.lookup = hash_lookup,
	.remove = hash_remove,
	.task_exit = hash_task_exit,
	.occupancy = hash_occupancy,
	.prefetch = hash_prefetch,
};

const struct storage_ops storage_lru_hash = {
	.name = "lru_hash",
	.summary = "BPF LRU hash keyed by pid: never full, evicts in batches",
	.params = lru_params,
	.configure = lru_configure,
	.config_free = hash_config_free,
	.init = hash_init,
	.fini = hash_fini,
	.record = hash_record,
	.lookup = hash_lookup,
	.remove = hash_remove,
	.task_exit = hash_task_exit,
	.occupancy = hash_occupancy,
	.prefetch = hash_prefetch,
};
