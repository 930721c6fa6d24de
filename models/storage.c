/* storage.c - the storage strategy registry and shared cost helper. */
#include <string.h>

#include "models/storage.h"
#include "models/factor.h"
#include "sim/dist.h"

/* The strategies, in registry order.  Adding one: its vtable (a file
 * defining `const struct storage_ops storage_<name>`) and one line here. */
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
