/* scenario.h - a loaded, validated scenario: common keys + the model's config.
 *
 * Common top-level keys (every model):
 *   model         which model runs (required; `bpfsim models` lists them)
 *   name          label for outputs (default: the file's base name)
 *   description   free text
 *   seed          base seed of every random stream (default 1)
 *   replications  independent runs per point (default 20)
 *   duration      simulated-time horizon; 0 = until the model ends (default 0)
 *   caps          {max_events, max_live_tasks, max_wall}: end runs cleanly,
 *                 marked `capped` (0 = no cap)
 *   compare       strategies `bpfsim compare` runs (models with a strategy key)
 *   window        width of the windowed series (default 1ms; 0 = none), for
 *                 models that keep one
 *   warmup        none (default), mser5, or a duration: the start of each run
 *                 left out of steady-state metrics (see warmup.h)
 *   sweep         parameter grid for `bpfsim sweep` (see sweep.h)
 *   capacity      {param, template, range, objective, probes, tolerance} for
 *                 `bpfsim capacity`
 *   phase         {x, y}: the two axes of `bpfsim phase`
 *   regime        thresholds of the regime classifier (regime.h)
 *   precision     {metric, relative_halfwidth, max_reps}: run-length control,
 *                 replications are added until the metric's 95% CI half-width
 *                 is at most relative_halfwidth x |mean| (or max_reps)
 * Everything else belongs to the model, which validates it strictly.  After
 * configuration any key nobody read is an error (with a suggestion).
 *
 * Loading order: parse the file, apply --set overrides in order, read the
 * common keys, configure the model (once per strategy to compare, so each
 * strategy's keys are known), then reject unknown keys.
 */
#ifndef BPFSIM_SCENARIO_H
#define BPFSIM_SCENARIO_H

#include <stddef.h>
#include <stdint.h>
#include "sim/err.h"
#include "sim/exp/runner.h"
#include "sim/exp/sweep.h"
#include "sim/model.h"
#include "sim/sim.h"
#include "sim/ytree.h"

#define SCENARIO_MAX_STRATEGIES 8
/* The most replications a point may have: `replications` and
 * precision's `max_reps` (a bound job files are read against too). */
#define SCENARIO_MAX_REPLICATIONS 1000000

/* What the loader needs from the layers above it, which it never names:
 * the models to choose from and a resolver of references to files outside
 * the scenario (calibration files), run on the tree after --set and
 * before any model reads it.  The command layer passes its own
 * (sim/cli/env.h); tests may pass theirs. */
struct scenario_env {
	const struct model *const *models;   /* NULL-terminated */
	int (*resolve)(struct ytree *t, struct err *e);  /* NULL = none */
};

struct scenario {
	struct ytree *tree;                /* as read: defaults written in */
	struct ytree *source;              /* before any reader: includes,
					      --set and references applied;
					      NULL in an experiment's points
					      (never derived from) */
	const struct scenario_env *env;
	char path[4096];                   /* the file it came from */
	char name[128];
	const struct model *model;     /* the registry's, or own_model */
	struct model own_model;        /* the model with this scenario's
					  metrics (model.metrics_for) */
	uint64_t seed;
	uint64_t replications;
	uint64_t duration;                 /* ns; 0 = none */
	struct sim_caps caps;
	struct sim_series_cfg series;      /* window */
	struct steady_cfg steady;          /* warm-up, regime thresholds */
	struct sweep sweep;                /* the scenario's `sweep:` axes */
	struct {
		int metric;                /* metric index; -1 = no control */
		double rel_half;           /* target CI half-width / |mean| */
		uint64_t max_reps;
	} precision;
	int plot_together;                 /* `plot: {together: true}` */
	struct {                           /* `capacity:` block (text) */
		const char *param, *tmpl, *range, *objective;
		uint64_t probes;
		double tol;
	} capacity;
	struct {                           /* `phase:` block: axes as
					      PATH=lo:hi:n[:log] */
		const char *x, *y;
	} phase;
	/* Strategies to run: for `run`, the scenario's own (nstrategies = 1,
	 * name "" when the model has none); for `compare`, the list. */
	size_t nstrategies;
	char strategy[SCENARIO_MAX_STRATEGIES][48];
	int compare;                       /* loaded as a comparison: the
					      strategies are a list */
	void *cfg[SCENARIO_MAX_STRATEGIES]; /* model config per strategy */
};

/* Load `path` with the models and resolver of env, apply sets[0..nsets), validate.  `strategies` (NULL, or a
 * comma-separated list from --strategies) overrides the scenario's compare
 * list; `compare` != 0 asks for the compare list (else the scenario's own
 * strategy only).  Returns NULL with e set. */
struct scenario *scenario_load(const struct scenario_env *env,
			       const char *path, const char *const *sets,
			       size_t nsets, int compare, const char *strategies,
			       struct err *e);
void scenario_free(struct scenario *sc);

/* A scenario like base with sets[0..nsets) applied on top of base's own
 * (a sweep point, a capacity probe): the file is not read again, only
 * base's source tree copied, so a file changed on disk meanwhile does not
 * matter.  compare/strategies as for scenario_load.  base may be freed
 * before the result.  NULL with e set. */
struct scenario *scenario_derive(const struct scenario *base,
				 const char *const *sets, size_t nsets,
				 int compare, const char *strategies,
				 struct err *e);

/* Fill *j (zeroed first) for replication `rep` of strategy s: the model,
 * its config, seed, horizon, caps and series settings; results go to
 * metrics[model_metric_count()].  keep_series: copy the run's series. */
void scenario_job(const struct scenario *sc, size_t s, uint64_t rep,
		  double *metrics, int keep_series, struct runner_job *j);

/* Write the scenario as resolved (every default visible). */
int scenario_emit(const struct scenario *sc, FILE *f);

#endif
