/* steady.h - what a finished run's series says: warm-up cut, steady-state
 * metrics and regime.
 *
 * The engine (sim/sim.h) only keeps a run's windowed series; reading it is
 * the experiment's business.  After sim_run(), steady_analyse() cuts the
 * warm-up (a fixed time or MSER-5, warmup.h), asks the model to recompute
 * its steady-state metrics from the windows after the cut (model.h,
 * `steady`), and classifies the run's regime over the whole series
 * (regime.h).  A run without a series has no cut; its regime is
 * REGIME_EXPLODING when a cap ended it, else REGIME_UNKNOWN.
 */
#ifndef BPFSIM_STEADY_H
#define BPFSIM_STEADY_H

#include <stdint.h>
#include "sim/exp/regime.h"
#include "sim/sim.h"

enum steady_warmup { WARMUP_NONE, WARMUP_FIXED, WARMUP_MSER5 };

/* A run that ends inside a transient: which of the model's level columns
 * still trend over the final half of the windows (regime_trend: |t| >= the
 * regime's trend_t and a change of at least STEADY_TRANSIENT_REL of the
 * level and at least one task or entry).  Bits of steady_transient_names. */
enum {
	STEADY_TR_BACKLOG = 1,      /* series column "backlog_avg" */
	STEADY_TR_MAP = 2,          /* "map_occupancy_avg" */
	STEADY_TR_LIVE = 4,         /* "live_tasks_avg" */
	STEADY_TR_COUNT = 3
};
#define STEADY_TRANSIENT_REL 0.05
/* "backlog", "map", "live tasks" by bit position. */
extern const char *const steady_transient_names[STEADY_TR_COUNT];
/* "backlog still growing" / "... draining", "map still filling" / "map
 * draining", ... for bit b and direction dir (+1 / -1). */
const char *steady_transient_reason(int bit, int dir);

struct steady_cfg {
	enum steady_warmup warmup;
	uint64_t warmup_ns;            /* WARMUP_FIXED */
	struct regime_params regime;   /* classification thresholds */
};

/* Defaults: no warm-up removal, regime_defaults(). */
void steady_defaults(struct steady_cfg *c);

/* Analyse the run s (after sim_run, status not SIM_FAILED) whose report
 * filled metrics[]: *cut = ns cut as warm-up (0 when none, or when the cut
 * would leave nothing), *regime = the run's regime, *transient = the
 * STEADY_TR_* bits of the levels still trending at the end (0: none; the
 * direction of each is in *rising, same bits).  metrics are replaced
 * by their steady-state values when a warm-up was cut and the model can
 * recompute them.  Out of memory: the run is failed (sim_fail). */
void steady_analyse(struct sim *s, const struct steady_cfg *c, double *metrics,
		    uint64_t *cut, enum regime *regime, unsigned *transient,
		    unsigned *rising);

#endif
