/* storage.c - the storage strategy registry and shared helpers. */
#include <string.h>

#include "models/storage.h"
#include "models/factor.h"
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

double storage_cost(const struct dist *d, gsl_rng *r, const struct factor *occ,
		    double occupancy, const struct factor *act, double live)
{
	double c = dist_sample_nonneg(d, r);
	if (occ && occ->kind != FACTOR_NONE)
		c *= factor_eval(occ, occupancy);
	if (act && act->kind != FACTOR_NONE)
		c *= factor_eval(act, live);
	return c;
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
