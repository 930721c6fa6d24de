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

#endif
