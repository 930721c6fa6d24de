/* storage.c - the storage strategy registry and shared cost helper. */
#include <string.h>

#include "dist.h"
#include "factor.h"
#include "storage.h"

extern const struct storage_ops storage_hash;
extern const struct storage_ops storage_lru_hash;
extern const struct storage_ops storage_task_storage;

const struct storage_ops *const storage_registry[] = {
	&storage_hash,
	&storage_task_storage,
	&storage_lru_hash,
	NULL,
};

/* Same order as the registry (the model's `strategies` list). */
const char *const storage_names[] = { "hash", "task_storage", "lru_hash", NULL };

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
