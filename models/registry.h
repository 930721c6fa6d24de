/* registry.h - the models bpfsim ships (models/registry.c).
 *
 * The engine and the experiment layer never name a model: the command
 * layer hands this list to the scenario loader (sim/exp/scenario.h).
 * Adding a model: its file, plus one line in registry.c.
 */
#ifndef BPFSIM_REGISTRY_H
#define BPFSIM_REGISTRY_H

#include "sim/model.h"

/* Every model, NULL-terminated. */
extern const struct model *const model_registry[];

/* The model called `name`, or NULL. */
const struct model *model_find(const char *name);

/* One strategy of a model (a value of its strategy_key) as it documents
 * itself: name, one-line summary, its keys ({NULL}-terminated). */
struct model_strategy {
	const char *name;
	const char *summary;
	const struct model_param *params;
};

/* Strategy i of model m (i < the length of m->strategies).  Returns 0 and
 * fills *out when the strategy documents its parameters, -1 otherwise
 * (mmc; classic, whose storages are a single parameter).  struct model
 * has no slot for per-strategy tables, so the registry, which knows where
 * each model's strategies come from, answers: runqslower's are the
 * storage registry's (models/storage.h). */
int model_strategy(const struct model *m, size_t i, struct model_strategy *out);

#endif
