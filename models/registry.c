/* registry.c - the static list of models.  Adding a model: one file, one line. */
#include <string.h>
#include "models/registry.h"

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
