/* storage.c - the storage strategy registry and shared helpers. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/storage.h"
#include "models/factor.h"
#include "sim/cfg.h"
#include "sim/check.h"
#include "sim/dist.h"

/* The strategies, in registry order.  Adding one: a file defining
 * `const struct storage_ops storage_<name>` (with its .params table) and
 * one line here; the model's `storage.kind` values, the validation of
 * every strategy's section and `bpfsim models` follow from this list. */
#define STORAGE_STRATEGIES(X) \
	X(hash)               \
	X(task_storage)       \
	X(lru_hash)

#define DECLARE(name) extern const struct storage_ops storage_##name;
STORAGE_STRATEGIES(DECLARE)
#undef DECLARE

#define ENTRY(name) &storage_##name,
const struct storage_ops *const storage_registry[] = {
	STORAGE_STRATEGIES(ENTRY) NULL,
};
#undef ENTRY

/* The model's `strategies` list: the same names, same order. */
#define NAME(name) #name,
const char *const storage_names[] = { STORAGE_STRATEGIES(NAME) NULL };
#undef NAME

const char *const storage_op_names[SOP_COUNT] = {
	"update", "lookup", "delete", "alloc", "free", "evict", "failed_update",
};

const struct storage_ops *storage_find(const char *name)
{
	for (size_t i = 0; storage_registry[i]; i++)
		if (strcmp(storage_registry[i]->name, name) == 0)
			return storage_registry[i];
	return NULL;
}

double storage_factor(const struct factor *f, double x, gsl_interp_accel *acc)
{
	return f && f->kind != FACTOR_NONE ? factor_eval_acc(f, x, acc) : 1.0;
}

int storage_accel_init(struct storage_accel *acc)
{
	for (int i = 0; i < SF_COUNT; i++)
		if (!(acc->a[i] = gsl_interp_accel_alloc()))
			return -1;
	return 0;
}

void storage_accel_fini(struct storage_accel *acc)
{
	for (int i = 0; i < SF_COUNT; i++) {
		if (acc->a[i])
			gsl_interp_accel_free(acc->a[i]);
		acc->a[i] = NULL;
	}
}

double storage_cost(const struct dist *d, gsl_rng *r, double mult,
		    double occ_extra)
{
	double b = dist_sample_nonneg(d, r);
	return b * mult + b * occ_extra;
}

int storage_ws_init(struct storage_ws *ws, uint32_t ncpu, uint32_t nkeys,
		    double window_ns, const struct factor *wake,
		    const struct factor *sw)
{
	return storage_ws_init_in(ws, ncpu, nkeys, window_ns, wake, sw, NULL,
				  sizeof(struct storage_ws_key));
}

int storage_ws_init_in(struct storage_ws *ws, uint32_t ncpu, uint32_t nkeys,
		       double window_ns, const struct factor *wake,
		       const struct factor *sw, struct storage_ws_key *keys,
		       size_t stride)
{
	SIM_CHECK(stride >= sizeof(struct storage_ws_key));
	memset(ws, 0, sizeof(*ws));
	ws->window = wake->kind == FACTOR_NONE && sw->kind == FACTOR_NONE
		     ? 0 : window_ns;
	ws->ncpu = ncpu ? ncpu : 1;
	ws->nkeys = nkeys;
	ws->w = calloc(ws->ncpu, sizeof(*ws->w));
	ws->cpu_t = calloc(ws->ncpu, sizeof(*ws->cpu_t));
	/* A key's time and CPU side by side: a touch reads both (one miss,
	 * not two) */
	ws->stride = stride;
	ws->own = !keys;
	ws->key = keys ? (char *)keys
		       : calloc(nkeys ? nkeys : 1, sizeof(struct storage_ws_key));
	if (!ws->w || !ws->cpu_t || !ws->key)
		return -1;
	return 0;
}

void storage_ws_fini(struct storage_ws *ws)
{
	free(ws->w);
	free(ws->cpu_t);
	if (ws->own)
		free(ws->key);
	memset(ws, 0, sizeof(*ws));
}

/* The decay over (then, now], now > then. */
static inline double ws_fade(const struct storage_ws *ws, uint64_t then,
			     uint64_t now)
{
	return exp(-(double)(now - then) / ws->window);
}

/* Bring CPU c's sum to now. */
static double ws_decay(struct storage_ws *ws, uint32_t c, uint64_t now)
{
	if (now > ws->cpu_t[c]) {
		ws->w[c] *= ws_fade(ws, ws->cpu_t[c], now);
		ws->cpu_t[c] = now;
	}
	return ws->w[c];
}

double storage_ws_get(struct storage_ws *ws, uint32_t cpu, uint64_t now)
{
	SIM_CHECK(cpu < ws->ncpu);
	return ws->window > 0 ? ws_decay(ws, cpu, now) : 0;
}

double storage_ws_touch(struct storage_ws *ws, uint32_t key, uint32_t cpu,
			uint64_t now)
{
	SIM_CHECK(cpu < ws->ncpu && key < ws->nkeys);
	if (!(ws->window > 0))
		return 0;
	struct storage_ws_key *k =
		(struct storage_ws_key *)(ws->key + (size_t)key * ws->stride);
	if (k->cpu1) {
		/* Take the key's decayed term off the CPU that holds it. */
		uint32_t old = k->cpu1 - 1;
		double term = 1.0;
		if (now > k->t && k->t == ws->cpu_t[old]) {
			/* The key was the CPU's last touch (two in three
			 * touches in the 256-CPU fleet world): its term and
			 * the CPU's sum decay by the same factor - one exp(),
			 * the same bits as two. */
			term = ws_fade(ws, k->t, now);
			ws->w[old] *= term;
			ws->cpu_t[old] = now;
		} else {
			if (now > k->t)
				term = ws_fade(ws, k->t, now);
			ws_decay(ws, old, now);
		}
		ws->w[old] -= term;
		if (ws->w[old] < 0)        /* rounding */
			ws->w[old] = 0;
	}
	double w = ws_decay(ws, cpu, now);
	ws->w[cpu] = w + 1;
	k->t = now;
	k->cpu1 = cpu + 1;
	return w;
}

const char *storage_param_default(const struct model_param *params,
				  const char *key)
{
	size_t n = strlen(key);
	for (const struct model_param *p = params; p->key; p++) {
		size_t m = strlen(p->key);
		if (m > n && p->key[m - n - 1] == '.' &&
		    strcmp(p->key + m - n, key) == 0)
			return p->def;
	}
	SIM_CHECK(!"storage strategy key missing from its parameter table");
	return NULL;
}

int storage_alias(struct ynode *sec, const char *key, struct dist **out,
		  struct err *e)
{
	struct ynode *n = ynode_peek(sec, key);
	const char *word;
	*out = NULL;
	if (!n || (n->kind == YN_SCALAR && n->value &&
		   strcmp(n->value, STORAGE_CLASSES) == 0))
		return cfg_string(sec, key, STORAGE_CLASSES, &word, e);
	return cfg_dist(sec, key, STORAGE_CLASSES, DIST_DURATION, out, e);
}
