/* experiment_internal.h - what experiment.c and jobfile.c share; not an
 * API for other modules. */
#ifndef BPFSIM_EXPERIMENT_INTERNAL_H
#define BPFSIM_EXPERIMENT_INTERNAL_H

#include "sim/exp/experiment.h"

/* Grow cell (p, s) to n jobs not run yet; -1 when out of memory. */
int exp_cell_reserve(struct experiment *x, size_t p, size_t s, size_t n);
/* Place the saved jobs of point p into its cells. */
int exp_saved_place(struct experiment *x, size_t p, struct err *e);
void exp_saved_free(struct exp_saved *sv);

#endif
