/* registry.c - the static list of models.  Adding a model: one file, one line. */
#include <string.h>
#include "models/registry.h"
#include "models/storage.h"

extern const struct model model_mmc;
extern const struct model model_runqslower;
extern const struct model model_classic;

const struct model *const model_registry[] = {
	&model_runqslower,
	&model_mmc,
	&model_classic,
	NULL,
};

const struct model *model_find(const char *name)
{
	for (size_t i = 0; model_registry[i]; i++)
		if (strcmp(model_registry[i]->name, name) == 0)
			return model_registry[i];
	return NULL;
}

int model_strategy(const struct model *m, size_t i, struct model_strategy *out)
{
	if (m->strategies != storage_names || !storage_registry[i])
		return -1;
	out->name = storage_registry[i]->name;
	out->summary = storage_registry[i]->summary;
	out->params = storage_registry[i]->params;
	return 0;
}
