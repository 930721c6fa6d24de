/* storage_hash.c - BPF hash map and LRU hash map keyed by pid.
 *
 * The map is an array indexed by pid (pids are < pid_max), so every
 * operation is O(1) whatever the occupancy; the *simulated* cost grows with
 * occupancy through the occupancy factor, which is the point of the model.
 *
 * hash (BPF_MAP_TYPE_HASH): an update of a key already present always
 * succeeds (the kernel swaps in a per-CPU spare element); a new key on a map
 * holding max_entries entries fails (-E2BIG): the sample is missed and the
 * failing update costs `full_update_cost` (tens of microseconds on kernels
 * before the 2022 fix, see published-costs.md).  With prealloc: false every
 * insert of a new key also pays `alloc` and every delete `free`.
 *
 * lru_hash (BPF_MAP_TYPE_LRU_HASH): never fails; inserting a new key into a
 * full map first evicts `evict_batch` least-recently-used entries (the kernel
 * shrinks its LRU lists in batches), each at cost `evict`.  A live task's
 * timestamp can be evicted before it is read: a missed sample.  Lookups and
 * updates refresh an entry's recency.
 *
 * Memory: 24 bytes per possible pid (32768 pids: 768 KiB per run).
 */
#include <stdlib.h>
#include <string.h>

#include "models/factor.h"
#include "models/storage.h"
#include "sim/cfg.h"
#include "sim/dist.h"

#define NIL UINT32_MAX

struct hash_cfg {
	int lru;
	uint64_t max_entries;
	int prealloc;
	uint64_t evict_batch;
	struct dist *update, *lookup, *del, *alloc, *free_, *full, *evict;
	struct factor occ, act;
};

struct entry {
	uint64_t ts;
	uint32_t incarnation;
	uint32_t prev, next;       /* LRU list (most recent at tail) */
	uint32_t present;
};

struct hash_run {
	const struct hash_cfg *cfg;
	const struct storage_env *env;
	struct storage_stats *stats;
	gsl_rng *r_update, *r_lookup, *r_delete, *r_alloc, *r_evict;
	struct entry *e;           /* pid_max entries */
	uint64_t n;                /* occupancy */
	uint32_t head, tail;       /* LRU list ends */
};

static void hash_config_free(void *p)
{
	struct hash_cfg *c = p;
	if (!c)
		return;
	dist_free(c->update);
	dist_free(c->lookup);
	dist_free(c->del);
	dist_free(c->alloc);
	dist_free(c->free_);
	dist_free(c->full);
	dist_free(c->evict);
	factor_fini(&c->occ);
	factor_fini(&c->act);
	free(c);
}

/* Hash lookup cost vs keys, kernel selftest local_storage_bench (2024),
 * relative to 10 keys: 67.7, 81.8, 138.5, 198.5, 365.2 ns at 10, 1k, 10k,
 * 100k, 4M keys. */
#define HASH_OCCUPANCY_DEFAULT \
	"table(0:1, 10:1, 1000:1.208, 10000:2.046, 100000:2.932, 4194304:5.394)"

/* Keys both map types read.  Defaults: published-costs.md, hash
 * preallocated, runqslower per-program figures decomposed (see
 * scenarios/costs/published.yaml for the sums). */
#define COMMON_PARAMS(kind) \
	{ "storage." kind ".max_entries", "count", "10240", \
	  "map size (libbpf-tools runqslower: 10240)" }, \
	{ "storage." kind ".update", "dist(duration)", "normal(255ns, 25.5ns)", \
	  "bpf_map_update_elem, before the factors" }, \
	{ "storage." kind ".lookup", "dist(duration)", "normal(75ns, 7.5ns)", \
	  "bpf_map_lookup_elem at switch-in" }, \
	{ "storage." kind ".delete", "dist(duration)", "normal(90ns, 9ns)", \
	  "bpf_map_delete_elem" }, \
	{ "storage." kind ".occupancy_factor", "factor", HASH_OCCUPANCY_DEFAULT, \
	  "cost multiplier vs entries held (none, linear(k), quadratic(s), " \
	  "table(x:f, ...))" }, \
	{ "storage." kind ".active_factor", "factor", "none", \
	  "cost multiplier vs live tasks on the host (the working set)" }

static const struct model_param hash_params[] = {
	COMMON_PARAMS("hash"),
	{ "storage.hash.prealloc", "bool", "true",
	  "false (BPF_F_NO_PREALLOC): a new key pays alloc, a delete pays free" },
	{ "storage.hash.alloc", "dist(duration)", "normal(2784ns, 278.4ns)",
	  "element allocation without prealloc" },
	{ "storage.hash.free", "dist(duration)", "normal(530ns, 53ns)",
	  "element free without prealloc" },
	{ "storage.hash.full_update_cost", "dist(duration)", "normal(255ns, 25.5ns)",
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
	if (cfg_uint(sec, "max_entries", DEF("max_entries"), 1, UINT32_MAX - 1,
		     &c->max_entries, e) ||
	    cfg_dist(sec, "update", DEF("update"), DIST_DURATION, &c->update, e) ||
	    cfg_dist(sec, "lookup", DEF("lookup"), DIST_DURATION, &c->lookup, e) ||
	    cfg_dist(sec, "delete", DEF("delete"), DIST_DURATION, &c->del, e) ||
	    factor_read(sec, "occupancy_factor", DEF("occupancy_factor"), &c->occ,
			e) ||
	    factor_read(sec, "active_factor", DEF("active_factor"), &c->act, e))
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
	free(h->e);
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
	h->e = calloc(env->pid_max, sizeof(*h->e));
	h->r_update = sim_rng(s, "storage.update");
	h->r_lookup = sim_rng(s, "storage.lookup");
	h->r_delete = sim_rng(s, "storage.delete");
	h->r_alloc = sim_rng(s, "storage.alloc");
	h->r_evict = sim_rng(s, "storage.evict");
	if (!h->e || !h->r_update || !h->r_lookup || !h->r_delete ||
	    !h->r_alloc || !h->r_evict) {
		hash_fini(h);
		return NULL;
	}
	h->head = h->tail = NIL;
	return h;
}

static double cost(struct hash_run *h, const struct dist *d, gsl_rng *r)
{
	return storage_cost(d, r, &h->cfg->occ, (double)h->n, &h->cfg->act,
			    (double)h->env->live_tasks);
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

static double hash_record(void *p, const struct storage_key *k, uint64_t ts,
			  int *ok)
{
	struct hash_run *h = p;
	const struct hash_cfg *c = h->cfg;
	struct entry *x = &h->e[k->pid];
	double t = 0;
	*ok = 1;
	if (!x->present) {
		if (h->n >= c->max_entries) {
			if (!c->lru) {
				/* -E2BIG: the sample is lost. */
				*ok = 0;
				h->stats->failed_updates++;
				return storage_charge(h->stats, SOP_FAILED_UPDATE,
						      cost(h, c->full, h->r_update));
			}
			uint64_t nev = c->evict_batch < h->n ? c->evict_batch : h->n;
			double ev = 0;
			for (uint64_t i = 0; i < nev; i++) {
				ev += cost(h, c->evict, h->r_evict);
				drop(h, h->head);
			}
			h->stats->evicted += nev;
			t += storage_charge(h->stats, SOP_EVICT, ev);
		}
		if (!c->prealloc)
			t += storage_charge(h->stats, SOP_ALLOC,
					    cost(h, c->alloc, h->r_alloc));
		x->present = 1;
		h->n++;
		if (c->lru)
			lru_append(h, k->pid);
	} else if (c->lru) {
		lru_unlink(h, k->pid);
		lru_append(h, k->pid);
	}
	x->ts = ts;
	x->incarnation = k->incarnation;
	return t + storage_charge(h->stats, SOP_UPDATE,
				  cost(h, c->update, h->r_update));
}

static double hash_lookup(void *p, const struct storage_key *k,
			  struct storage_lookup *out)
{
	struct hash_run *h = p;
	struct entry *x = &h->e[k->pid];
	out->found = (int)x->present;
	out->ts = x->ts;
	out->stale = x->present && x->incarnation != k->incarnation;
	if (x->present && h->cfg->lru) {
		lru_unlink(h, k->pid);
		lru_append(h, k->pid);
	}
	return storage_charge(h->stats, SOP_LOOKUP,
			      cost(h, h->cfg->lookup, h->r_lookup));
}

static double hash_remove(void *p, const struct storage_key *k)
{
	struct hash_run *h = p;
	const struct hash_cfg *c = h->cfg;
	if (!h->e[k->pid].present)
		return 0;
	double t = storage_charge(h->stats, SOP_DELETE,
				  cost(h, c->del, h->r_delete));
	if (!c->prealloc && !c->lru)
		t += storage_charge(h->stats, SOP_FREE,
				    cost(h, c->free_, h->r_delete));
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
};
