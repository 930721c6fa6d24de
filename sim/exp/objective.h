/* objective.h - capacity objectives: "overhead_ratio<=0.05 and regime!=exploding".
 *
 * An objective is one or more terms joined by `and` (or `&&`):
 *   METRIC<=VALUE   METRIC>=VALUE   regime!=NAME   regime==NAME
 * METRIC is any metric of the scenario's model; VALUE a plain number.
 * Evaluated on a probe's replications three ways:
 *   sure-pass  every metric term holds for the whole 95% CI (e.g. CI high
 *              <= VALUE) and the regime term holds for every replication;
 *   sure-fail  some metric term fails for the whole CI, or the regime term
 *              fails for the majority of replications;
 *   mean-pass  the terms hold for the means / the majority (the point
 *              estimate, what bisection follows).
 */
#ifndef BPFSIM_OBJECTIVE_H
#define BPFSIM_OBJECTIVE_H

#include <stddef.h>
#include "sim/err.h"
#include "sim/exp/regime.h"
#include "sim/model.h"
#include "sim/stats.h"

#define OBJ_MAX_TERMS 8

struct objective {
	size_t n;
	struct {
		int metric;        /* index, or -1 for a regime term */
		int le;            /* metric: 1 for <=, 0 for >= */
		double value;
		int regime;        /* regime term: enum regime */
		int not_equal;     /* regime term: != (else ==) */
	} t[OBJ_MAX_TERMS];
	char text[256];
};

/* Parse `text` for model m; ERR_INPUT with the offending term named. */
int objective_parse(struct objective *o, const char *text, const struct model *m,
		    const char *where, struct err *e);

struct objective_eval {
	int mean_pass, sure_pass, sure_fail;
};

/* sums[metric] over the probe's replications; regimes[g] counts. */
struct objective_eval objective_eval(const struct objective *o,
				     const struct stat_summary *sums,
				     const size_t *regimes, size_t nreps);

#endif
