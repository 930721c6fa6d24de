/* model.c - the helpers of the model interface (model.h). */
#include <string.h>
#include "sim/model.h"

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

const struct model_metric *model_metric_find(const struct model *m,
					     const char *name)
{
	if (!m)
		return NULL;
	int i = model_metric_index(m, name);
	if (i >= 0)
		return &m->metrics[i];
	return m->metric_like ? m->metric_like(name) : NULL;
}

size_t model_series_count(const struct model *m)
{
	size_t n = 0;
	while (m->series_cols && m->series_cols[n])
		n++;
	return n;
}
