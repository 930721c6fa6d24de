/* registry.c - the static list of models.  Adding a model: one file, one line. */
#include <string.h>
#include "model.h"

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

size_t model_metric_count(const struct model *m)
{
	size_t n = 0;
	while (m->metrics[n].name)
		n++;
	return n;
}

int model_metric_index(const struct model *m, const char *name)
{
	for (int i = 0; m->metrics[i].name; i++)
		if (strcmp(m->metrics[i].name, name) == 0)
			return i;
	return -1;
}
