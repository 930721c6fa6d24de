/* test_storage.c - the storage strategies (models/storage*.c), driven
 * directly through their vtables.
 *
 * Each test configures a strategy from YAML text, builds its run state on a
 * struct sim from sim_init (for the RNG streams only: no events run) and
 * calls record / lookup / remove / task_exit the way the model does.
 *
 * Pins:
 *   - the registry: storage_names[] is the registry's names in order,
 *     storage_find() finds each and nothing else;
 *   - self-description: each strategy's parameter table (what `bpfsim
 *     models` prints) names exactly the keys its configure() reads, as
 *     storage.<name>.<key>, with the defaults configure() writes into the
 *     resolved scenario;
 *   - hash: update_switch prices every update at sched_switch (insert or
 *     replace) and leaves the wake side's and the other hooks' classes;
 *   - hash: occupancy grows on new keys, not on updates of present keys,
 *     shrinks on remove; a full map (max_entries) refuses new keys (ok = 0,
 *     failed_updates and SOP_FAILED_UPDATE counted, the cost is a
 *     full_update_cost draw) yet accepts updates of present keys;
 *     prealloc: false charges `alloc` on insert and `free` on delete,
 *     prealloc: true neither; task exit leaks the entry (cost 0); a lookup
 *     by another incarnation of the pid reports stale = 1;
 *   - lru_hash: never refuses; on a full map it evicts evict_batch least
 *     recently used entries (lookups and updates refresh recency), charged
 *     once per batch as SOP_EVICT; evicted keys miss, touched keys survive;
 *   - task_storage: allocates (SOP_ALLOC = create) on a task's first record
 *     only, again after a delete (which frees), frees at task exit
 *     (SOP_FREE, once); keyed by task slot, so occupancy does not depend on
 *     pid values and lookups are never stale; gets scale with the built-in
 *     maps_on_host table (published selftest figures);
 *   - cost factors as the strategies apply them: occupancy factor at the
 *     current occupancy for lookups and updates of present keys; active
 *     factor read live from the model's storage_env; the hash's default
 *     occupancy term is the small static table this host measured;
 *   - a differential test: random operation sequences against a naive
 *     reference the test carries (presence, timestamps, incarnations, LRU
 *     order by a use counter, refusal when full) - found / ts / stale /
 *     ok / occupancy after every operation, and the per-operation stats
 *     summing to the costs returned.  It prints its seed (replay with
 *     BPFSIM_TEST_SEED).
 *
 * Tolerances: costs are configured as constants, so expected costs are
 * exact products of small integers and the comparisons are exact (tol 0),
 * except products with a table factor (one interpolation: 1e-12 relative)
 * and the published ratios (the default table rounds them to 4 figures:
 * 1e-3 relative).
 *
 * Does not pin: the distributions' sampling (test_dist.c), the model's use
 * of these operations (test_runqslower.c), nor the exact occupancy a new
 * key's insert cost is evaluated at (before or after the insert).
 */
#include "test_util.h"
#include "models/registry.h"
#include <math.h>
#include <string.h>
#include <gsl/gsl_rng.h>
#include "models/factor.h"
#include "models/storage.h"
#include "sim/sim.h"
#include "sim/ytree.h"

#define CONST_HASH \
	"update: 100ns\nlookup: 10ns\nmiss: 10ns\ndelete: 20ns\n" \
	"occupancy_factor: none\nwake_factor: none\nswitch_factor: none\n"
#define CONST_HASH_ONLY \
	"alloc: 2000ns\nfree: 500ns\nfull_update_cost: 7us\n"
#define CONST_TASK \
	"get: 40ns\ncreate: 1000ns\nrecreate: 300ns\ndelete: 90ns\nfree: 200ns\n" \
	"wake_factor: none\nswitch_factor: none\n"

struct rig {
	struct sim s;
	struct ytree *t;
	const struct storage_ops *ops;
	void *cfg, *st;
	struct storage_env env;
	struct storage_stats stats;
	struct storage_at at;      /* where the rig's operations run */
};

static void rig_open(struct rig *g, const char *kind, const char *yaml,
		     uint32_t pid_max)
{
	struct err e;
	char msg[1024];
	memset(g, 0, sizeof(*g));
	err_init(&e);
	g->ops = storage_find(kind);
	assert_non_null(g->ops);
	assert_int_equal(sim_init(&g->s, model_find("runqslower"), 7, 0, 0, NULL),
			 0);
	g->t = ytree_load_buffer(kind, yaml, strlen(yaml), &e);
	assert_non_null(g->t);
	g->cfg = g->ops->configure(ytree_root(g->t), &e);
	if (!g->cfg || ytree_check_unknown(g->t, &e)) {
		err_format(&e, msg, sizeof(msg));
		fail_msg("%s config: %s", kind, msg);
	}
	g->env.pid_max = pid_max;
	g->env.max_slots = pid_max;
	g->env.cpus = 2;
	/* The switch side: no working-set factor by default. */
	g->at = (struct storage_at){ STORAGE_SWITCH, 0 };
	g->st = g->ops->init(g->cfg, &g->s, &g->env, &g->stats);
	assert_non_null(g->st);
}

static void rig_close(struct rig *g)
{
	g->ops->fini(g->st);
	g->ops->config_free(g->cfg);
	ytree_free(g->t);
	sim_fini(&g->s);
}

static struct storage_key key(uint32_t pid, uint32_t slot, uint32_t inc)
{
	return (struct storage_key){ pid, slot, inc };
}

static double rec(struct rig *g, struct storage_key k, uint64_t ts, int *ok)
{
	return g->ops->record(g->st, &k, &g->at, ts, ok);
}

static struct storage_lookup look(struct rig *g, struct storage_key k,
				  double *cost)
{
	struct storage_lookup out;
	memset(&out, 0xa5, sizeof(out));
	double c = g->ops->lookup(g->st, &k, &g->at, &out);
	if (cost)
		*cost = c;
	return out;
}

static uint64_t occ(struct rig *g)
{
	return g->ops->occupancy(g->st);
}

/* ---- registry ---------------------------------------------------------- */

static void test_registry(void **state)
{
	(void)state;
	size_t n = 0;
	for (; storage_registry[n]; n++) {
		assert_non_null(storage_names[n]);
		assert_string_equal(storage_names[n], storage_registry[n]->name);
		assert_ptr_equal(storage_find(storage_names[n]), storage_registry[n]);
		const struct storage_ops *o = storage_registry[n];
		assert_non_null(o->summary);
		assert_true(o->configure && o->config_free && o->init && o->fini &&
			    o->record && o->lookup && o->remove && o->task_exit &&
			    o->occupancy);
	}
	assert_null(storage_names[n]);   /* same length */
	assert_int_equal(n, 3);
	assert_string_equal(storage_names[0], "hash");   /* the default kind */
	assert_null(storage_find("bloom_hash"));
	assert_null(storage_find(""));
	for (int op = 0; op < SOP_COUNT; op++)
		assert_non_null(storage_op_names[op]);
}

/* Configure each strategy from an empty section: the defaults it writes
 * into the tree are its keys, and must be its table's, one for one. */
static void test_params_documented(void **state)
{
	(void)state;
	for (size_t n = 0; storage_registry[n]; n++) {
		const struct storage_ops *o = storage_registry[n];
		struct err e;
		char prefix[64];
		err_init(&e);
		snprintf(prefix, sizeof(prefix), "storage.%s.", o->name);
		struct ytree *t = ytree_new_empty(o->name);
		assert_non_null(t);
		struct ynode *root = ytree_root(t);
		void *cfg = o->configure(root, &e);
		assert_non_null(cfg);
		assert_non_null(o->params);
		size_t np = 0;
		for (const struct model_param *p = o->params; p->key; p++, np++) {
			assert_true(strncmp(p->key, prefix, strlen(prefix)) == 0);
			assert_non_null(p->type);
			assert_non_null(p->help);
			assert_non_null(p->def);
			const char *k = p->key + strlen(prefix);
			struct ynode *v = ynode_peek(root, k);
			if (!v)
				fail_msg("%s: documented key %s not read", o->name, p->key);
			assert_int_equal(v->kind, YN_SCALAR);
			assert_string_equal(v->value, p->def);
			assert_string_equal(storage_param_default(o->params, k), p->def);
		}
		if (root->n != np)
			fail_msg("%s: configure reads %zu keys, the table documents %zu",
				 o->name, root->n, np);
		o->config_free(cfg);
		ytree_free(t);
	}
}

/* ---- hash ---------------------------------------------------------------- */

static void test_hash_occupancy(void **state)
{
	(void)state;
	struct rig g;
	int ok = -1;
	rig_open(&g, "hash", CONST_HASH CONST_HASH_ONLY, 4096);
	assert_int_equal(occ(&g), 0);
	for (uint32_t i = 0; i < 5; i++) {
		assert_rel(rec(&g, key(1000 + i, 1000 + i, i + 1), 10 * i, &ok), 100,
			   0, "update cost (prealloc: no alloc)");
		assert_int_equal(ok, 1);
		assert_int_equal(occ(&g), i + 1);
	}
	/* Present key: updated in place, occupancy unchanged. */
	assert_rel(rec(&g, key(1002, 1002, 3), 777, &ok), 100, 0, "re-record");
	assert_int_equal(ok, 1);
	assert_int_equal(occ(&g), 5);
	double c;
	struct storage_lookup lk = look(&g, key(1002, 1002, 3), &c);
	assert_int_equal(lk.found, 1);
	assert_int_equal(lk.stale, 0);
	assert_int_equal(lk.ts, 777);
	assert_rel(c, 10, 0, "lookup cost");
	/* Remove shrinks; removing an absent key is free and changes nothing. */
	assert_rel(g.ops->remove(g.st, &(struct storage_key){ 1002, 1002, 3 }, &g.at), 20,
		   0, "delete cost");
	assert_int_equal(occ(&g), 4);
	assert_rel(g.ops->remove(g.st, &(struct storage_key){ 1002, 1002, 3 }, &g.at), 0,
		   0, "delete of an absent key");
	assert_rel(g.ops->remove(g.st, &(struct storage_key){ 5, 5, 9 }, &g.at), 0, 0,
		   "delete of a never-seen key");
	assert_int_equal(occ(&g), 4);
	lk = look(&g, key(1002, 1002, 3), NULL);
	assert_int_equal(lk.found, 0);
	assert_int_equal(lk.stale, 0);
	/* Task exit: a pid-keyed hash knows nothing of it; the entry leaks. */
	assert_rel(g.ops->task_exit(g.st, &(struct storage_key){ 1000, 1000, 1 }),
		   0, 0, "hash task_exit");
	assert_int_equal(occ(&g), 4);
	assert_int_equal(look(&g, key(1000, 1000, 1), NULL).found, 1);
	/* Stats: 6 updates, 3 lookups, 1 delete, nothing else. */
	assert_int_equal(g.stats.count[SOP_UPDATE], 6);
	assert_int_equal(g.stats.count[SOP_LOOKUP], 3);
	assert_int_equal(g.stats.count[SOP_DELETE], 1);
	assert_int_equal(g.stats.count[SOP_ALLOC] + g.stats.count[SOP_FREE] +
			 g.stats.count[SOP_EVICT] +
			 g.stats.count[SOP_FAILED_UPDATE], 0);
	assert_rel(g.stats.time[SOP_UPDATE], 600, 0, "update time");
	assert_rel(g.stats.time[SOP_LOOKUP], 30, 0, "lookup time");
	rig_close(&g);
}

static void test_hash_full(void **state)
{
	(void)state;
	struct rig g;
	int ok = -1;
	rig_open(&g, "hash", "max_entries: 4\n" CONST_HASH CONST_HASH_ONLY, 4096);
	for (uint32_t p = 1; p <= 4; p++) {
		rec(&g, key(p, p, p), p, &ok);
		assert_int_equal(ok, 1);
	}
	assert_int_equal(occ(&g), 4);
	/* A new key on the full map: refused, at full_update_cost. */
	assert_rel(rec(&g, key(5, 5, 5), 50, &ok), 7000, 0, "failing update");
	assert_int_equal(ok, 0);
	assert_int_equal(occ(&g), 4);
	assert_int_equal(g.stats.failed_updates, 1);
	assert_int_equal(g.stats.count[SOP_FAILED_UPDATE], 1);
	assert_rel(g.stats.time[SOP_FAILED_UPDATE], 7000, 0, "failed time");
	assert_int_equal(g.stats.count[SOP_UPDATE], 4);   /* not an update */
	assert_int_equal(look(&g, key(5, 5, 5), NULL).found, 0);
	/* Present keys still update (the kernel's per-CPU spare element). */
	assert_rel(rec(&g, key(3, 3, 3), 333, &ok), 100, 0, "update when full");
	assert_int_equal(ok, 1);
	struct storage_lookup lk = look(&g, key(3, 3, 3), NULL);
	assert_int_equal(lk.found, 1);
	assert_int_equal(lk.ts, 333);
	assert_int_equal(g.stats.failed_updates, 1);
	/* Room again after a delete. */
	g.ops->remove(g.st, &(struct storage_key){ 2, 2, 2 }, &g.at);
	rec(&g, key(5, 5, 5), 55, &ok);
	assert_int_equal(ok, 1);
	assert_int_equal(occ(&g), 4);
	rec(&g, key(6, 6, 6), 66, &ok);
	assert_int_equal(ok, 0);
	assert_int_equal(g.stats.failed_updates, 2);
	rig_close(&g);

	/* The failing cost is a draw from full_update_cost, not a constant. */
	rig_open(&g, "hash",
		 "max_entries: 1\nfull_update_cost: uniform(20us, 30us)\n"
		 "occupancy_factor: none\n", 4096);
	rec(&g, key(1, 1, 1), 0, &ok);
	double lo = 1e300, hi = -1e300;
	for (uint32_t p = 2; p < 202; p++) {
		double c = rec(&g, key(p, p, p), 0, &ok);
		assert_int_equal(ok, 0);
		lo = c < lo ? c : lo;
		hi = c > hi ? c : hi;
	}
	assert_true(lo >= 20000 && hi <= 30000);
	/* 200 uniform draws span most of the 10 us range (a constant or a
	 * mis-scaled draw would not); P(span < 8 us) ~ 1e-16. */
	assert_true(hi - lo > 8000);
	assert_int_equal(g.stats.failed_updates, 200);
	rig_close(&g);
}

static void test_hash_prealloc(void **state)
{
	(void)state;
	struct rig g;
	int ok;
	rig_open(&g, "hash", "prealloc: false\n" CONST_HASH CONST_HASH_ONLY, 4096);
	assert_rel(rec(&g, key(10, 10, 1), 0, &ok), 2100, 0,
		   "no-prealloc insert = alloc + update");
	assert_rel(rec(&g, key(10, 10, 1), 1, &ok), 100, 0,
		   "no-prealloc update of a present key: no alloc");
	assert_rel(g.ops->remove(g.st, &(struct storage_key){ 10, 10, 1 }, &g.at), 520, 0,
		   "no-prealloc delete = delete + free");
	assert_rel(g.ops->remove(g.st, &(struct storage_key){ 10, 10, 1 }, &g.at), 0, 0,
		   "delete of an absent key");
	assert_rel(rec(&g, key(10, 10, 1), 2, &ok), 2100, 0, "re-insert allocs");
	assert_int_equal(g.stats.count[SOP_ALLOC], 2);
	assert_int_equal(g.stats.count[SOP_FREE], 1);
	assert_rel(g.stats.time[SOP_ALLOC], 4000, 0, "alloc time");
	assert_rel(g.stats.time[SOP_FREE], 500, 0, "free time");
	rig_close(&g);

	rig_open(&g, "hash", "prealloc: true\n" CONST_HASH CONST_HASH_ONLY, 4096);
	assert_rel(rec(&g, key(10, 10, 1), 0, &ok), 100, 0, "prealloc insert");
	assert_rel(g.ops->remove(g.st, &(struct storage_key){ 10, 10, 1 }, &g.at), 20, 0,
		   "prealloc delete");
	assert_int_equal(g.stats.count[SOP_ALLOC] + g.stats.count[SOP_FREE], 0);
	rig_close(&g);
}

static void test_hash_stale(void **state)
{
	(void)state;
	struct rig g;
	int ok;
	rig_open(&g, "hash", CONST_HASH, 4096);
	rec(&g, key(500, 500, 1), 1234, &ok);
	/* Same pid, another incarnation (the pid was reused): found, stale. */
	struct storage_lookup lk = look(&g, key(500, 500, 2), NULL);
	assert_int_equal(lk.found, 1);
	assert_int_equal(lk.stale, 1);
	assert_int_equal(lk.ts, 1234);
	lk = look(&g, key(500, 500, 1), NULL);
	assert_int_equal(lk.found, 1);
	assert_int_equal(lk.stale, 0);
	/* The new incarnation's own record replaces it: no longer stale. */
	rec(&g, key(500, 500, 2), 5678, &ok);
	lk = look(&g, key(500, 500, 2), NULL);
	assert_int_equal(lk.stale, 0);
	assert_int_equal(lk.ts, 5678);
	/* Keyed by pid: a different slot with the same pid is the same key. */
	lk = look(&g, key(500, 77, 3), NULL);
	assert_int_equal(lk.found, 1);
	assert_int_equal(lk.stale, 1);
	rig_close(&g);
}

static void test_factors_applied(void **state)
{
	(void)state;
	struct rig g;
	int ok;
	/* Occupancy factor linear(0.5) on lookups and present-key updates:
	 * base x (1 + 0.5 n) at the current occupancy n. */
	rig_open(&g, "hash", "update: 100ns\nlookup: 10ns\ndelete: 20ns\n"
		 "occupancy_factor: linear(0.5)\nswitch_factor: none\n", 4096);
	for (uint32_t p = 1; p <= 6; p++)
		rec(&g, key(p, p, p), 0, &ok);
	assert_int_equal(occ(&g), 6);
	double c;
	look(&g, key(3, 3, 3), &c);
	assert_rel(c, 10 * 4, 0, "lookup at occupancy 6");
	assert_rel(rec(&g, key(3, 3, 3), 1, &ok), 100 * 4, 0,
		   "present-key update at occupancy 6");
	assert_rel(g.ops->remove(g.st, &(struct storage_key){ 3, 3, 3 }, &g.at), 20 * 4, 0,
		   "delete at occupancy 6 (before it)");
	look(&g, key(1, 1, 1), &c);
	assert_rel(c, 10 * 3.5, 0, "lookup at occupancy 5");
	rig_close(&g);

	/* Active factor (legacy), read live from the env the model updates:
	 * wake-side operations only. */
	rig_open(&g, "hash", CONST_HASH "active_factor: linear(0.01)\n", 4096);
	g.env.live_tasks = 100;
	g.at.side = STORAGE_WAKE;
	assert_rel(rec(&g, key(1, 1, 1), 0, &ok), 100 * 2, 0,
		   "hash wake-side insert, 100 live tasks");
	g.env.live_tasks = 300;
	assert_rel(rec(&g, key(1, 1, 1), 0, &ok), 100 * 4, 0,
		   "hash wake-side replace, 300 live tasks");
	g.at.side = STORAGE_SWITCH;
	look(&g, key(1, 1, 1), &c);
	assert_rel(c, 10, 0, "hash switch-side lookup: no active factor");
	rig_close(&g);

	rig_open(&g, "task_storage", CONST_TASK "active_factor: linear(0.01)\n",
		 4096);
	g.env.live_tasks = 100;
	g.at.side = STORAGE_WAKE;
	assert_rel(rec(&g, key(1, 1, 1), 0, &ok), 1000 + 40 * 2, 0,
		   "task storage create (unscaled) + wake get, 100 live tasks");
	g.at.side = STORAGE_SWITCH;
	look(&g, key(1, 1, 1), &c);
	assert_rel(c, 40, 0, "task storage switch get: no active factor");
	assert_rel(g.ops->remove(g.st, &(struct storage_key){ 1, 1, 1 }, &g.at),
		   90, 0, "delete: no active factor");
	rig_close(&g);

	/* Task storage ignores map occupancy however many tasks hold storage. */
	rig_open(&g, "task_storage", CONST_TASK, 20000);
	for (uint32_t s = 0; s < 10000; s++)
		rec(&g, key(s, s, s + 1), 0, &ok);
	assert_int_equal(occ(&g), 10000);
	look(&g, key(5, 5, 6), &c);
	assert_rel(c, 40, 0, "task storage get at 10000 tasks");
	rig_close(&g);

	/* maps_on_host: the built-in selftest table, relative to <= 16 maps
	 * (30 ns): 34.6 at 17, 53.8 at 24, 70.9 at 32, interpolated between. */
	static const struct { const char *maps; double factor; } mh[] = {
		{ "1", 1.0 }, { "16", 1.0 }, { "17", 34.6 / 30 },
		{ "32", 70.9 / 30 }, { "1000", 2800.0 / 30 }, { "5000", 2800.0 / 30 },
		{ "20", (34.6 + (53.8 - 34.6) * 3 / 7) / 30 },
	};
	for (size_t i = 0; i < sizeof(mh) / sizeof(mh[0]); i++) {
		char yaml[256];
		snprintf(yaml, sizeof(yaml), CONST_TASK "maps_on_host: %s\n",
			 mh[i].maps);
		rig_open(&g, "task_storage", yaml, 64);
		double cr = rec(&g, key(1, 1, 1), 0, &ok);
		look(&g, key(1, 1, 1), &c);
		char what[64];
		snprintf(what, sizeof(what), "get with %s maps on host", mh[i].maps);
		assert_rel(c, 40 * mh[i].factor, 1e-12, what);
		/* create is not a get: no cache-slot factor on it. */
		assert_rel(cr - c, 1000, 1e-12, "create unscaled by maps_on_host");
		rig_close(&g);
	}
}

static void test_hash_default_occupancy(void **state)
{
	(void)state;
	/* The default static-occupancy term is small (this host: idle keys
	 * add a few percent up to 256,000): base x (f - 1) added, f = 1.05 at
	 * 64,000 keys, 1.09 at 256,000. */
	struct rig g;
	int ok;
	double c;
	rig_open(&g, "hash", "max_entries: 300000\nlookup: 100ns\nmiss: 100ns\n"
		 "switch_factor: none\n", 300000);
	look(&g, key(1, 1, 1), &c);
	assert_rel(c, 100, 0, "empty map");
	uint32_t p = 0;
	static const struct { uint32_t n; double f; } pts[] = {
		{ 64000, 1.05 }, { 256000, 1.09 },
	};
	for (size_t i = 0; i < 2; i++) {
		for (; p < pts[i].n; p++)
			rec(&g, key(p, p, p + 1), 0, &ok);
		assert_int_equal(occ(&g), pts[i].n);
		look(&g, key(1, 1, 2), &c);
		assert_rel(c, 100 * pts[i].f, 1e-12, "default occupancy term");
	}
	rig_close(&g);
}

/* ---- cost classes and sides -------------------------------------------- */

static void test_hash_classes(void **state)
{
	(void)state;
	struct rig g;
	int ok;
	double c;
	rig_open(&g, "hash", "insert: 100ns\nreplace: 60ns\nlookup: 10ns\n"
		 "miss: 7ns\ndelete: 20ns\noccupancy_factor: none\n"
		 "wake_factor: none\nswitch_factor: none\n", 64);
	assert_rel(rec(&g, key(3, 3, 1), 0, &ok), 100, 0, "insert (new key)");
	assert_rel(rec(&g, key(3, 3, 1), 1, &ok), 60, 0, "replace (key present)");
	g.at.side = STORAGE_WAKE;
	assert_rel(rec(&g, key(3, 3, 1), 2, &ok), 60, 0, "replace, wake side");
	assert_rel(rec(&g, key(4, 4, 1), 2, &ok), 100, 0, "insert, wake side");
	g.at.side = STORAGE_SWITCH;
	assert_int_equal(look(&g, key(3, 3, 1), &c).found, 1);
	assert_rel(c, 10, 0, "lookup hit");
	assert_int_equal(look(&g, key(9, 9, 1), &c).found, 0);
	assert_rel(c, 7, 0, "lookup miss");
	assert_rel(g.ops->remove(g.st, &(struct storage_key){ 3, 3, 1 }, &g.at),
		   20, 0, "delete");
	assert_rel(rec(&g, key(3, 3, 1), 3, &ok), 100, 0,
		   "insert again after delete");
	assert_int_equal(g.stats.count[SOP_UPDATE], 5);
	assert_rel(g.stats.time[SOP_UPDATE], 100 + 60 + 60 + 100 + 100, 0,
		   "update time: both classes");
	assert_int_equal(g.stats.count[SOP_LOOKUP], 2);
	assert_rel(g.stats.time[SOP_LOOKUP], 17, 0, "lookup time: hit + miss");
	rig_close(&g);

	/* The alias `update` stands for insert and replace. */
	rig_open(&g, "hash", "update: 42ns\ninsert: 100ns\nreplace: 60ns\n"
		 "occupancy_factor: none\n", 64);
	assert_rel(rec(&g, key(3, 3, 1), 0, &ok), 42, 0, "alias: insert");
	assert_rel(rec(&g, key(3, 3, 1), 0, &ok), 42, 0, "alias: replace");
	rig_close(&g);

	/* update_switch: every update at sched_switch, insert or replace;
	 * the wake side keeps its classes. */
	rig_open(&g, "hash", "insert: 100ns\nreplace: 60ns\nupdate_switch: 30ns\n"
		 "occupancy_factor: none\nwake_factor: none\n"
		 "switch_factor: none\n", 64);
	assert_rel(rec(&g, key(3, 3, 1), 0, &ok), 30, 0, "switch: insert");
	assert_rel(rec(&g, key(3, 3, 1), 1, &ok), 30, 0, "switch: replace");
	g.at.side = STORAGE_WAKE;
	assert_rel(rec(&g, key(3, 3, 1), 2, &ok), 60, 0, "wake: replace");
	assert_rel(rec(&g, key(5, 5, 1), 2, &ok), 100, 0, "wake: insert");
	/* Other hooks (system calls, exec, migrate): not sched_switch. */
	g.at.side = STORAGE_OTHER;
	assert_rel(rec(&g, key(3, 3, 1), 3, &ok), 60, 0, "other: replace");
	assert_rel(rec(&g, key(6, 6, 1), 3, &ok), 100, 0, "other: insert");
	assert_int_equal(occ(&g), 3);
	rig_close(&g);
}

static void test_task_classes(void **state)
{
	(void)state;
	struct rig g;
	int ok;
	double c;
	rig_open(&g, "task_storage", "get_wake: 50ns\nget_switch: 5ns\n"
		 "create: 2000ns\nrecreate: 230ns\ndelete: 90ns\nfree: 200ns\n"
		 "wake_factor: none\n", 64);
	struct storage_key k = key(7, 7, 1);
	g.at.side = STORAGE_WAKE;
	assert_rel(rec(&g, k, 0, &ok), 2000 + 50, 0,
		   "first create (storage + element) + wake-side get");
	assert_rel(rec(&g, k, 1, &ok), 50, 0, "wake-side get");
	g.at.side = STORAGE_SWITCH;
	assert_rel(rec(&g, k, 2, &ok), 5, 0, "switch-side get (prev's record)");
	look(&g, k, &c);
	assert_rel(c, 5, 0, "switch-side get (next's lookup)");
	assert_rel(g.ops->remove(g.st, &k, &g.at), 90, 0, "delete");
	g.at.side = STORAGE_WAKE;
	assert_rel(rec(&g, k, 3, &ok), 230 + 50, 0,
		   "re-create after delete: element only");
	assert_int_equal(g.stats.count[SOP_ALLOC], 2);
	assert_rel(g.stats.time[SOP_ALLOC], 2230, 0, "create + recreate time");
	/* Exit frees the storage; the slot's next task creates it anew. */
	assert_rel(g.ops->task_exit(g.st, &k), 200, 0, "free at exit");
	assert_rel(rec(&g, key(7, 7, 2), 4, &ok), 2000 + 50, 0,
		   "a new task: first create");
	rig_close(&g);
}

/* ---- the working set ------------------------------------------------------ */

/* A side factor that is on (its shape does not matter to the tracker). */
static const struct factor ws_on = { .kind = FACTOR_LINEAR, .k = 1 };
static const struct factor ws_off = { .kind = FACTOR_NONE };

static void test_ws_tracker(void **state)
{
	(void)state;
	struct storage_ws ws;
	assert_int_equal(storage_ws_init(&ws, 2, 100, 1000.0, &ws_on, &ws_off), 0);
	/* The same key again and again: competes with nothing. */
	for (int i = 0; i < 5; i++)
		assert_rel(storage_ws_touch(&ws, 1, 0, 0), 0, 0, "one key");
	/* n distinct keys at one instant: the n-th competes with n - 1. */
	for (uint32_t k = 2; k <= 10; k++)
		assert_rel(storage_ws_touch(&ws, k, 0, 0), (double)(k - 1), 0,
			   "distinct keys at t = 0");
	/* Touching a key already counted does not grow W. */
	assert_rel(storage_ws_touch(&ws, 5, 0, 0), 9, 0, "re-touch");
	assert_rel(storage_ws_get(&ws, 0, 0), 10, 0, "W = 10 keys");
	/* Decay: exp(-t/T). */
	assert_rel(storage_ws_get(&ws, 0, 1000), 10 * exp(-1.0), 1e-12,
		   "one window later");
	/* A key moving to CPU 1 leaves CPU 0's sum. */
	assert_rel(storage_ws_touch(&ws, 3, 1, 1000), 0, 0, "CPU 1 was empty");
	assert_rel(storage_ws_get(&ws, 0, 1000), 9 * exp(-1.0), 1e-12,
		   "CPU 0 lost key 3");
	assert_rel(storage_ws_get(&ws, 1, 1000), 1, 0, "CPU 1 holds key 3");
	storage_ws_fini(&ws);

	/* Both side factors none: W feeds nothing, tracking is off. */
	assert_int_equal(storage_ws_init(&ws, 2, 100, 1000.0, &ws_off, &ws_off), 0);
	for (uint32_t k = 0; k < 10; k++)
		assert_rel(storage_ws_touch(&ws, k, 0, 0), 0, 0, "tracking off");
	assert_rel(storage_ws_get(&ws, 0, 0), 0, 0, "tracking off: W = 0");
	storage_ws_fini(&ws);

	/* Differential: against the definition, summed over every key. */
	uint64_t seed = test_seed(3);
	gsl_rng *rnd = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rnd, (unsigned long)seed);
	enum { NK = 40, NC = 3 };
	uint64_t last[NK];
	int where[NK];
	assert_int_equal(storage_ws_init(&ws, NC, NK, 5000.0, &ws_off, &ws_on), 0);
	for (int k = 0; k < NK; k++)
		where[k] = -1;
	uint64_t now = 0;
	for (int step = 0; step < 5000; step++) {
		now += gsl_rng_uniform_int(rnd, 400);
		uint32_t k = (uint32_t)gsl_rng_uniform_int(rnd, NK);
		uint32_t cpu = (uint32_t)gsl_rng_uniform_int(rnd, NC);
		double want = 0;
		for (int j = 0; j < NK; j++)
			if (j != (int)k && where[j] == (int)cpu)
				want += exp(-(double)(now - last[j]) / 5000.0);
		double got = storage_ws_touch(&ws, k, cpu, now);
		/* Running sums against fresh ones: 1e-9 absolute. */
		if (fabs(got - want) > 1e-9)
			fail_msg("step %d: W %.12g, reference %.12g (seed %llu)",
				 step, got, want, (unsigned long long)seed);
		last[k] = now;
		where[k] = (int)cpu;
	}
	storage_ws_fini(&ws);
	gsl_rng_free(rnd);
}

/* Keys in the caller's records (storage_ws_init_in, as the hash map keeps
 * them in its entries): the same W, bit for bit, as keys of its own, and
 * the record's other bytes - the key's tag among them - left alone. */
struct ws_rec {
	uint64_t before;
	struct storage_ws_key key;
	uint64_t after;
};

static void test_ws_keys_in_records(void **state)
{
	(void)state;
	enum { NK = 64, NC = 4 };
	struct ws_rec *rec = calloc(NK, sizeof(*rec));
	assert_non_null(rec);
	for (int k = 0; k < NK; k++) {
		rec[k].before = rec[k].after = 0x5a5a5a5a5a5a5a5aull + (uint64_t)k;
		rec[k].key.tag = 1000u + (uint32_t)k;
	}
	struct storage_ws own, in;
	assert_int_equal(storage_ws_init(&own, NC, NK, 3000.0, &ws_on, &ws_off), 0);
	assert_int_equal(storage_ws_init_in(&in, NC, NK, 3000.0, &ws_on, &ws_off,
					    &rec[0].key, sizeof(*rec)), 0);
	uint64_t seed = test_seed(4);
	gsl_rng *rnd = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rnd, (unsigned long)seed);
	uint64_t now = 0;
	for (int step = 0; step < 4000; step++) {
		now += gsl_rng_uniform_int(rnd, 300);
		uint32_t k = (uint32_t)gsl_rng_uniform_int(rnd, NK);
		uint32_t cpu = (uint32_t)gsl_rng_uniform_int(rnd, NC);
		double a = storage_ws_touch(&own, k, cpu, now);
		double b = storage_ws_touch(&in, k, cpu, now);
		if (memcmp(&a, &b, sizeof(a)))
			fail_msg("step %d: W %.17g with keys of its own, %.17g in "
				 "records (seed %llu)", step, a, b,
				 (unsigned long long)seed);
		assert_int_equal(rec[k].key.t, now);
		assert_int_equal(rec[k].key.cpu1, cpu + 1);
	}
	for (uint32_t c = 0; c < NC; c++)
		assert_true(storage_ws_get(&own, c, now) ==
			    storage_ws_get(&in, c, now));
	for (int k = 0; k < NK; k++) {
		assert_int_equal(rec[k].before, 0x5a5a5a5a5a5a5a5aull + (uint64_t)k);
		assert_int_equal(rec[k].after, 0x5a5a5a5a5a5a5a5aull + (uint64_t)k);
		assert_int_equal(rec[k].key.tag, 1000u + (uint32_t)k);
	}
	storage_ws_fini(&own);
	storage_ws_fini(&in);   /* frees nothing of the caller's */
	free(rec);
	gsl_rng_free(rnd);
}

/* Mean wake-side cost of cycling through `keys` distinct pids for `rounds`
 * rounds, one touch every `gap` ns, after `idle` other keys were inserted
 * long before (held, never touched again). */
static double ws_cycle_cost(const char *kind, uint32_t keys, uint32_t idle,
			    int rounds, uint64_t gap)
{
	struct rig g;
	int ok;
	char yaml[256];
	snprintf(yaml, sizeof(yaml),
		 "max_entries: 200000\ninsert: 100ns\nreplace: 100ns\n"
		 "wake_factor: linear(0.01)\n");
	if (strcmp(kind, "hash") == 0)
		rig_open(&g, "hash", yaml, 200000);
	else
		rig_open(&g, "task_storage",
			 "get_wake: 100ns\nwake_factor: linear(0.01)\n", 200000);
	g.at.side = STORAGE_WAKE;
	for (uint32_t p = 0; p < idle; p++)
		rec(&g, key(100000 + p, 100000 + p, 1), 0, &ok);
	g.s.now = 10ULL * 1000000000ULL;      /* 10 s: 200 windows later */
	double sum = 0;
	int n = 0;
	for (int r = 0; r < rounds; r++)
		for (uint32_t p = 0; p < keys; p++) {
			g.s.now += gap;
			double c = rec(&g, key(p, p, 1), g.s.now, &ok);
			if (r > 0) {         /* every key present: no create */
				sum += c;
				n++;
			}
		}
	rig_close(&g);
	return sum / n;
}

static void test_ws_factor(void **state)
{
	(void)state;
	/* One touch per us, window 50 ms: cycling through K keys, each key's
	 * competitors are the K - 1 others (all within the window: W ~ K - 1,
	 * a little less for the decay), so the cost is ~100 x (1 + 0.01 (K-1)). */
	double c1 = ws_cycle_cost("hash", 1, 0, 20, 1000);
	double c10 = ws_cycle_cost("hash", 10, 0, 20, 1000);
	double c100 = ws_cycle_cost("hash", 100, 0, 20, 1000);
	/* (the default static term at 1 key: 1 + 0.04 / 1000) */
	assert_rel(c1, 100, 5e-5, "one key: no competitors");
	assert_rel(c10, 100 * (1 + 0.09), 2e-3, "10 keys");
	assert_rel(c100, 100 * (1 + 0.99), 2e-3, "100 keys");
	/* 100,000 idle keys held, a working set of 4: the same as an empty
	 * map but for the static term (default occupancy factor: 1.05 at
	 * 64,000, 1.09 at 256,000: ~1.0575 at 100,000). */
	double e4 = ws_cycle_cost("hash", 4, 0, 20, 1000);
	double i4 = ws_cycle_cost("hash", 4, 100000, 20, 1000);
	double fo = 1.05 + (1.09 - 1.05) * (100004.0 - 64000) / (256000 - 64000);
	/* (e4 itself carries the static term of 4 keys: 100 x 0.04 x 4/1000) */
	assert_rel(i4, e4 - 100 * 0.04 * 4 / 1000 + 100 * (fo - 1), 1e-9,
		   "idle keys: static term only, no working-set growth");
	assert_true(i4 - e4 < 10);
	/* Task storage: the wake-side get grows with tasks touched, not held. */
	double t1 = ws_cycle_cost("task", 1, 0, 20, 1000);
	double t100 = ws_cycle_cost("task", 100, 0, 20, 1000);
	double ti = ws_cycle_cost("task", 1, 100000, 20, 1000);
	assert_rel(t1, 100, 0, "task storage, one task");
	assert_rel(t100, 100 * (1 + 0.99), 2e-3, "task storage, 100 tasks");
	assert_rel(ti, t1, 0, "task storage: idle tasks add nothing");
	/* Sparse touches (one per 50 ms window): the working set decays. */
	double sparse = ws_cycle_cost("hash", 100, 0, 5, 50000000);
	assert_true(sparse < 100 * (1 + 0.02));
}

/* The default presets' wake-side tables: the reference host's figures. */
static void test_ws_defaults(void **state)
{
	(void)state;
	struct rig g;
	int ok;
	double c;
	/* Task storage, default classes: 200 new tasks recorded on the wake
	 * side of one CPU that already touched 501 others: each pays a first
	 * create (lognormal(355ns, 0.58): mean 420 ns) and a cold get
	 * (lognormal(79ns, 0.4): mean 85.6 ns, times the default wake_factor
	 * at W = 501 + i: 7.6 at 325, 8.6 at 630 and beyond). */
	rig_open(&g, "task_storage", "maps_on_host: 1\n", 4096);
	g.at.side = STORAGE_WAKE;
	for (uint32_t p = 0; p < 501; p++)
		rec(&g, key(p, p, 1), 0, &ok);
	double sum = 0, want = 0;
	for (int i = 0; i < 200; i++) {
		sum += rec(&g, key(600 + i, 600 + i, 1), 0, &ok);
		double w = 501 + i;
		double f = w >= 630 ? 8.6 : 7.6 + (w - 325) * (8.6 - 7.6) / (630 - 325);
		want += 355 * exp(0.58 * 0.58 / 2) + 79 * exp(0.4 * 0.4 / 2) * f;
	}
	/* The switch side stays near its hot cost (x1.31 at W ~ 700). */
	g.at.side = STORAGE_SWITCH;
	look(&g, key(3, 3, 1), &c);
	assert_true(c > 20 && c < 400);
	rig_close(&g);
	/* 200 draws: the mean's standard error is ~2.5% (sd ~400 ns). */
	assert_rel(sum / 200, want / 200, 0.08, "default wake-side cold record");
}

/* ---- lru_hash ------------------------------------------------------------ */

static void test_lru(void **state)
{
	(void)state;
	struct rig g;
	int ok;
	rig_open(&g, "lru_hash", "max_entries: 8\nevict_batch: 3\nevict: 10ns\n"
		 CONST_HASH, 4096);
	for (uint32_t p = 1; p <= 8; p++) {
		assert_rel(rec(&g, key(p, p, p), p, &ok), 100, 0, "insert");
		assert_int_equal(ok, 1);
	}
	assert_int_equal(occ(&g), 8);
	assert_int_equal(g.stats.evicted, 0);
	/* Touch 1 (lookup) and 5 (update): LRU order 2 3 4 6 7 8 1 5. */
	assert_int_equal(look(&g, key(1, 1, 1), NULL).found, 1);
	rec(&g, key(5, 5, 5), 55, &ok);
	/* A new key on the full map: 3 LRU entries go first. */
	assert_rel(rec(&g, key(9, 9, 9), 9, &ok), 3 * 10 + 100, 0,
		   "insert with a 3-entry eviction batch");
	assert_int_equal(ok, 1);
	assert_int_equal(occ(&g), 6);
	assert_int_equal(g.stats.evicted, 3);
	assert_int_equal(g.stats.count[SOP_EVICT], 1);   /* one batch */
	assert_rel(g.stats.time[SOP_EVICT], 30, 0, "evict time");
	for (uint32_t p = 2; p <= 4; p++)
		assert_int_equal(look(&g, key(p, p, p), NULL).found, 0);
	static const uint32_t kept[] = { 1, 5, 6, 7, 8, 9 };
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(look(&g, key(kept[i], kept[i], kept[i]), NULL).found,
				 1);
	assert_int_equal(look(&g, key(5, 5, 5), NULL).ts, 55);
	/* Order now (by those lookups, 5 last) 1 6 7 8 9 5; insert 10 and 11
	 * (no eviction: 6 and 7 held), then 12 on the full map evicts 1 6 7. */
	rec(&g, key(10, 10, 10), 0, &ok);
	rec(&g, key(11, 11, 11), 0, &ok);
	assert_int_equal(g.stats.evicted, 3);
	assert_int_equal(occ(&g), 8);
	rec(&g, key(12, 12, 12), 0, &ok);
	assert_int_equal(g.stats.evicted, 6);
	assert_int_equal(look(&g, key(1, 1, 1), NULL).found, 0);
	assert_int_equal(look(&g, key(6, 6, 6), NULL).found, 0);
	assert_int_equal(look(&g, key(7, 7, 7), NULL).found, 0);
	assert_int_equal(look(&g, key(5, 5, 5), NULL).found, 1);
	assert_int_equal(look(&g, key(8, 8, 8), NULL).found, 1);
	/* Delete unlinks cleanly (a later eviction must not revisit it). */
	g.ops->remove(g.st, &(struct storage_key){ 8, 8, 8 }, &g.at);
	assert_int_equal(occ(&g), 5);
	assert_int_equal(g.stats.count[SOP_FREE] + g.stats.count[SOP_ALLOC], 0);
	/* Never refuses, never holds more than max_entries. */
	for (uint32_t p = 100; p < 1100; p++) {
		rec(&g, key(p, p, p), 0, &ok);
		assert_int_equal(ok, 1);
		assert_true(occ(&g) <= 8);
		assert_int_equal(look(&g, key(p, p, p), NULL).found, 1);
	}
	assert_int_equal(g.stats.failed_updates, 0);
	assert_int_equal(g.stats.count[SOP_FAILED_UPDATE], 0);
	rig_close(&g);

	/* A batch larger than the map empties it. */
	rig_open(&g, "lru_hash", "max_entries: 4\nevict_batch: 128\nevict: 10ns\n"
		 CONST_HASH, 64);
	for (uint32_t p = 1; p <= 4; p++)
		rec(&g, key(p, p, p), 0, &ok);
	assert_rel(rec(&g, key(5, 5, 5), 0, &ok), 4 * 10 + 100, 0,
		   "batch capped at the entries held");
	assert_int_equal(occ(&g), 1);
	assert_int_equal(g.stats.evicted, 4);
	rig_close(&g);
}

/* ---- task_storage -------------------------------------------------------- */

static void test_task_storage(void **state)
{
	(void)state;
	struct rig g;
	int ok = -1;
	rig_open(&g, "task_storage", CONST_TASK, 4096);
	struct storage_key k = key(4000, 3, 17);
	assert_rel(rec(&g, k, 10, &ok), 1040, 0, "first record: create + get");
	assert_int_equal(ok, 1);
	assert_int_equal(g.stats.count[SOP_ALLOC], 1);
	assert_int_equal(occ(&g), 1);
	assert_rel(rec(&g, k, 20, &ok), 40, 0, "second record: get only");
	assert_int_equal(g.stats.count[SOP_ALLOC], 1);
	assert_int_equal(occ(&g), 1);
	double c;
	struct storage_lookup lk = look(&g, k, &c);
	assert_int_equal(lk.found, 1);
	assert_int_equal(lk.ts, 20);
	assert_int_equal(lk.stale, 0);
	assert_rel(c, 40, 0, "lookup (get)");
	/* Delete frees the storage: the next record allocates again. */
	assert_rel(g.ops->remove(g.st, &k, &g.at), 90, 0, "delete");
	assert_int_equal(occ(&g), 0);
	assert_rel(g.ops->remove(g.st, &k, &g.at), 0, 0, "delete without storage");
	assert_int_equal(g.stats.count[SOP_DELETE], 1);
	assert_int_equal(look(&g, k, NULL).found, 0);
	assert_rel(rec(&g, k, 30, &ok), 340, 0,
		   "record after delete re-creates (element only)");
	assert_int_equal(g.stats.count[SOP_ALLOC], 2);
	/* Exit frees, once. */
	assert_rel(g.ops->task_exit(g.st, &k), 200, 0, "free at exit");
	assert_int_equal(occ(&g), 0);
	assert_int_equal(g.stats.count[SOP_FREE], 1);
	assert_rel(g.ops->task_exit(g.st, &k), 0, 0, "second exit: nothing");
	assert_int_equal(g.stats.count[SOP_FREE], 1);
	/* A task that never recorded frees nothing; nor does one that
	 * deleted its element: unlinking the last element freed the storage
	 * (bpf_selem_unlink_storage_nolock). */
	assert_rel(g.ops->task_exit(g.st, &(struct storage_key){ 1, 9, 99 }), 0, 0,
		   "exit without storage");
	rec(&g, key(5, 5, 5), 0, &ok);
	g.ops->remove(g.st, &(struct storage_key){ 5, 5, 5 }, &g.at);
	assert_rel(g.ops->task_exit(g.st, &(struct storage_key){ 5, 5, 5 }), 0, 0,
		   "exit after delete: nothing left to free");
	assert_int_equal(g.stats.count[SOP_FREE], 1);
	/* After exit the slot's next task creates from scratch. */
	assert_rel(rec(&g, key(5, 5, 6), 0, &ok), 1040, 0,
		   "a new task in the slot: first create");
	assert_int_equal(g.stats.count[SOP_FAILED_UPDATE] +
			 g.stats.count[SOP_EVICT] + g.stats.failed_updates, 0);
	rig_close(&g);
}

static void test_task_storage_keys(void **state)
{
	(void)state;
	struct rig g;
	int ok;
	/* Ten tasks that all carry pid 42 (pids are not task identities):
	 * ten entries.  A pid-keyed hash holds one. */
	rig_open(&g, "task_storage", CONST_TASK, 64);
	for (uint32_t s = 0; s < 10; s++)
		rec(&g, key(42, s, 100 + s), s, &ok);
	assert_int_equal(occ(&g), 10);
	for (uint32_t s = 0; s < 10; s++) {
		struct storage_lookup lk = look(&g, key(42, s, 100 + s), NULL);
		assert_int_equal(lk.found, 1);
		assert_int_equal(lk.ts, s);
	}
	/* Occupancy the same whatever the pids. */
	struct rig h;
	rig_open(&h, "task_storage", CONST_TASK, 64);
	for (uint32_t s = 0; s < 10; s++)
		rec(&h, key(1000 * s + 7, s, 100 + s), s, &ok);
	assert_int_equal(occ(&h), 10);
	rig_close(&h);
	/* Never stale: another incarnation in the same slot does not read as
	 * a reused pid (the model frees a slot's storage at exit). */
	struct storage_lookup lk = look(&g, key(42, 3, 999), NULL);
	assert_int_equal(lk.stale, 0);
	rig_close(&g);

	rig_open(&g, "hash", CONST_HASH, 64);
	for (uint32_t s = 0; s < 10; s++)
		rec(&g, key(42, s, 100 + s), s, &ok);
	assert_int_equal(occ(&g), 1);
	rig_close(&g);
}

/* ---- configuration ------------------------------------------------------- */

static void test_config_errors(void **state)
{
	(void)state;
	static const struct { const char *kind, *yaml, *msg; } cases[] = {
		{ "hash", "max_entries: 0\n", "x:1:14: 'max_entries' must be >= 1 (got 0)" },
		{ "lru_hash", "evict_batch: 0\n",
		  "x:1:14: 'evict_batch' must be >= 1 (got 0)" },
		{ "hash", "occupancy_factor: cubic(3)\n",
		  "x:1:19: unknown factor 'cubic' (expected none, linear(k), "
		  "quadratic(scale) or {table: ...})" },
		{ "task_storage", "maps_on_host: 0\n",
		  "x:1:15: 'maps_on_host' must be >= 1 (got 0)" },
		/* Strictness: keys a strategy does not have. */
		{ "lru_hash", "prealloc: false\n", "x:1:1: unknown key 'prealloc'" },
		{ "task_storage", "lookup: 1ns\n", "x:1:1: unknown key 'lookup'" },
		{ "hash", "evict_batch: 4\n", "x:1:1: unknown key 'evict_batch'" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct err e;
		char got[1024];
		err_init(&e);
		struct ytree *t = ytree_load_buffer("x", cases[i].yaml,
						    strlen(cases[i].yaml), &e);
		assert_non_null(t);
		const struct storage_ops *o = storage_find(cases[i].kind);
		void *cfg = o->configure(ytree_root(t), &e);
		if (cfg) {
			ytree_check_unknown(t, &e);
			o->config_free(cfg);
		}
		err_format(&e, got, sizeof(got));
		if (e.status != ERR_INPUT || strcmp(got, cases[i].msg) != 0)
			fail_msg("%s '%s': got '%s', want '%s'", cases[i].kind,
				 cases[i].yaml, got, cases[i].msg);
		ytree_free(t);
	}
}

/* ---- differential test against a naive reference --------------------- */

#define NPID 48

struct ref {
	int lru, task;
	uint64_t max, batch, n, clock;
	int present[NPID], allocated[NPID];
	uint64_t ts[NPID], used[NPID];
	uint32_t inc[NPID];
};

static void ref_touch(struct ref *r, uint32_t i)
{
	r->used[i] = ++r->clock;
}

/* Returns ok. */
static int ref_record(struct ref *r, uint32_t i, uint32_t inc, uint64_t ts,
		      uint64_t *evicted, uint64_t *failed)
{
	if (r->task) {
		r->allocated[i] = 1;
	} else if (!r->present[i] && r->n >= r->max) {
		if (!r->lru) {
			(*failed)++;
			return 0;
		}
		uint64_t nev = r->batch < r->n ? r->batch : r->n;
		for (uint64_t k = 0; k < nev; k++) {
			int lo = -1;
			for (int j = 0; j < NPID; j++)
				if (r->present[j] && (lo < 0 || r->used[j] < r->used[lo]))
					lo = j;
			r->present[lo] = 0;
			r->n--;
			(*evicted)++;
		}
	}
	if (!r->present[i])
		r->n++;
	r->present[i] = 1;
	r->ts[i] = ts;
	r->inc[i] = inc;
	ref_touch(r, i);
	return 1;
}

static void differential(const char *kind, const char *yaml, uint64_t max,
			 uint64_t batch, gsl_rng *rnd)
{
	struct rig g;
	struct ref r;
	memset(&r, 0, sizeof(r));
	r.lru = strcmp(kind, "lru_hash") == 0;
	r.task = strcmp(kind, "task_storage") == 0;
	r.max = max;
	r.batch = batch;
	rig_open(&g, kind, yaml, NPID);
	uint32_t incarnation[NPID];
	for (uint32_t i = 0; i < NPID; i++)
		incarnation[i] = i + 1;
	uint32_t next_inc = NPID + 1;
	double returned = 0;
	uint64_t evicted = 0, failed = 0;
	for (int step = 0; step < 20000; step++) {
		uint32_t i = (uint32_t)gsl_rng_uniform_int(rnd, NPID);
		/* The task in slot i; hashes key by pid = slot here. */
		struct storage_key k = key(i, i, incarnation[i]);
		unsigned op = (unsigned)gsl_rng_uniform_int(rnd, 10);
		uint64_t ts = (uint64_t)step;
		if (op < 4) {
			int ok = -1;
			returned += rec(&g, k, ts, &ok);
			int want = ref_record(&r, i, k.incarnation, ts, &evicted,
					      &failed);
			assert_int_equal(ok, want);
		} else if (op < 7) {
			double c;
			struct storage_lookup lk = look(&g, k, &c);
			returned += c;
			assert_int_equal(lk.found, r.present[i]);
			if (r.present[i]) {
				assert_int_equal(lk.ts, r.ts[i]);
				assert_int_equal(lk.stale, r.inc[i] != k.incarnation);
				if (r.lru)
					ref_touch(&r, i);
			} else {
				assert_int_equal(lk.stale, 0);
			}
		} else if (op < 9) {
			returned += g.ops->remove(g.st, &k, &g.at);
			if (r.present[i]) {
				r.present[i] = 0;
				r.n--;
			}
			r.allocated[i] = 0;
		} else {
			/* The task exits; a new incarnation takes the slot/pid. */
			returned += g.ops->task_exit(g.st, &k);
			if (r.task && r.present[i]) {
				r.present[i] = 0;
				r.n--;
			}
			r.allocated[i] = 0;
			incarnation[i] = next_inc++;
		}
		assert_int_equal(occ(&g), r.n);
	}
	assert_int_equal(g.stats.evicted, evicted);
	assert_int_equal(g.stats.failed_updates, failed);
	assert_int_equal(g.stats.count[SOP_FAILED_UPDATE], failed);
	double booked = 0;
	for (int op = 0; op < SOP_COUNT; op++)
		booked += g.stats.time[op];
	/* Same additions in another order: 1e-12 relative. */
	assert_rel(booked, returned, 1e-12, "stats time = costs returned");
	/* The run must have exercised the interesting paths. */
	if (!r.task && !r.lru)
		assert_true(failed > 100);
	if (r.lru)
		assert_true(evicted > 100);
	rig_close(&g);
}

static void test_differential(void **state)
{
	(void)state;
	uint64_t seed = test_seed(1);
	gsl_rng *rnd = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rnd, (unsigned long)seed);
	/* Random costs (normal) so the stats-vs-returned check is not trivial. */
	differential("hash", "max_entries: 16\nprealloc: false\n", 16, 0, rnd);
	differential("hash", "max_entries: 16\n", 16, 0, rnd);
	differential("lru_hash", "max_entries: 16\nevict_batch: 5\n", 16, 5, rnd);
	differential("lru_hash", "max_entries: 16\nevict_batch: 1\n", 16, 1, rnd);
	differential("task_storage", "maps_on_host: 1\n", 0, 0, rnd);
	gsl_rng_free(rnd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_params_documented),
		cmocka_unit_test(test_hash_occupancy),
		cmocka_unit_test(test_hash_full),
		cmocka_unit_test(test_hash_prealloc),
		cmocka_unit_test(test_hash_stale),
		cmocka_unit_test(test_factors_applied),
		cmocka_unit_test(test_hash_default_occupancy),
		cmocka_unit_test(test_hash_classes),
		cmocka_unit_test(test_task_classes),
		cmocka_unit_test(test_ws_tracker),
		cmocka_unit_test(test_ws_keys_in_records),
		cmocka_unit_test(test_ws_factor),
		cmocka_unit_test(test_ws_defaults),
		cmocka_unit_test(test_lru),
		cmocka_unit_test(test_task_storage),
		cmocka_unit_test(test_task_storage_keys),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_differential),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
