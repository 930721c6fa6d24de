/* model.h - the plug-in interface every simulation model implements.
 *
 * A model is a const table of functions; the list of models lives above
 * the engine (models/registry.h) and reaches the scenario loader as a
 * parameter.  Adding one is one new file and one registry line.
 *
 * Lifecycle: configure() reads the model's keys from the scenario's root
 * mapping once (strict validation through cfg_*; unknown keys are caught
 * afterwards by ytree_check_unknown), producing an immutable config shared by
 * all replications and threads.  For each replication: init() builds the run's
 * state and schedules its first events on the sim; handle() is called for
 * every live event in (time, seq) order; report() writes the run's metrics;
 * fini() frees the state.  No global mutable state: everything a run touches
 * hangs off its struct sim or its state.
 */
#ifndef BPFSIM_MODEL_H
#define BPFSIM_MODEL_H

#include <stddef.h>
#include "sim/err.h"
#include "sim/evq.h"
#include "sim/stats.h"
#include "sim/ytree.h"

struct sim;

/* Documentation of one parameter, for `bpfsim models`. */
struct model_param {
	const char *key;      /* dotted path in the scenario */
	const char *type;     /* "duration", "count", "dist(duration)", ... */
	const char *def;      /* default in scenario text; NULL = required */
	const char *help;
};

/* One strategy as it documents itself, for `bpfsim models`: its name, a
 * one-line summary, its keys ({NULL}-terminated). */
struct model_strategy {
	const char *name;
	const char *summary;
	const struct model_param *params;
};

/* One reported metric.  The table is the model's whole statement about
 * its metrics: report() fills metrics[i] for the i-th entry, and the
 * table's order is the order of every output (tables, CSV columns, JSON);
 * figures draw the headline metrics first, in rank order. */
struct model_metric {
	const char *name;     /* e.g. "overhead_ratio" */
	const char *unit;     /* "ns", "ratio", "count", "1/s", ... */
	const char *help;
	int headline;         /* 0: not; 1, 2, ...: figures lead with it, rank 1
				 first (ranks are shared across models) */
};

struct model {
	const char *name;
	const char *summary;
	const struct model_param *params;    /* terminated by {NULL} */
	const struct model_metric *metrics;  /* terminated by {NULL} */
	/* Dotted key that selects a strategy (for `compare`), or NULL. */
	const char *strategy_key;
	const char *const *strategies;       /* valid values, NULL-terminated */
	/* Strategy i's own documentation: 0 and *out filled, or -1 when it
	 * has none.  NULL: no strategy documents itself. */
	int (*strategy_doc)(size_t i, struct model_strategy *out);

	/* Windowed series (optional, NULL if the model keeps none): column
	 * names; the model adds to s->series (sim.h) as the run goes. */
	const char *const *series_cols;
	/* The steady-state observation of one window, for MSER-5 (e.g. BPF
	 * time / payload time in the window).  NULL: no warm-up removal. */
	double (*series_value)(const struct stat_series *ser, size_t row);
	const char *series_value_name;       /* its column name in series.csv */
	/* Recompute the steady-state metrics from rows [first, nrows) after a
	 * warm-up cut (metrics that cannot be recomputed keep the whole run). */
	void (*steady)(struct sim *s, void *state, const struct stat_series *ser,
		       size_t first, double *metrics);

	/* Optional: the metric table of one configuration, for a model whose
	 * metrics depend on its scenario (runqslower: a set per described
	 * tool after its own).  Owned by cfg; NULL: `metrics`.  The loader
	 * gives the scenario a copy of this table with these metrics. */
	const struct model_metric *(*metrics_for)(const void *cfg);
	/* Optional, with metrics_for: the entry (unit, help) of such a
	 * metric from its name alone, for readers of an output folder, which
	 * have no configuration (plots, diff, report); NULL when the name is
	 * none of them. */
	const struct model_metric *(*metric_like)(const char *name);

	void *(*configure)(struct ynode *root, struct err *e);
	void (*config_free)(void *cfg);
	/* Optional (NULL: none).  Let cfg share the immutable bulk of `like`,
	 * another configuration of this model (a sweep's point and its base,
	 * two strategies of one scenario), where the two are equal, so that
	 * one copy is kept: a trace of 10^6 spawns in a 1,000-point sweep is
	 * 16 MB, not 16 GB.  Both stay valid and may be freed in any order;
	 * called from the loading thread only, never while a run uses
	 * either. */
	void (*config_share)(void *cfg, const void *like);
	/* Optional (NULL: none).  Continue the FNV-1a hash h over what the
	 * configuration read from files outside the scenario tree (a trace's
	 * lines), and return it: the manifest's scenario hash then changes
	 * with them, so --resume and merge refuse jobs made from another
	 * trace.  A configuration that read no such file returns h. */
	uint64_t (*config_digest)(const void *cfg, uint64_t h);
	void *(*init)(struct sim *s, const void *cfg, struct err *e);
	void (*handle)(struct sim *s, void *state, const struct evq_event *ev);
	/* Optional (NULL: the engine's loop, sim_loop).  The model's own
	 * event loop, run after init in place of sim_loop and bound by its
	 * contract (sim.h): the same events in the same (time, seq) order,
	 * the same stops (sim_stop_at, sim_max_events, s->stop, sim_poll_slow
	 * every 4,096 events), s->now and s->events as the engine keeps
	 * them, and series windows if the model keeps any.  Returns the
	 * events still pending.  For a model whose whole run is a hot loop
	 * (mmc): its events need not go through the queue and handle(). */
	size_t (*run)(struct sim *s, void *state);
	/* metrics[i] = the value of metrics table entry i (by position). */
	void (*report)(struct sim *s, void *state, double *metrics);
	void (*fini)(void *state);
};

/* Number of metrics in m->metrics (the length of report()'s array). */
size_t model_metric_count(const struct model *m);
/* Index of metric `name`, or -1. */
int model_metric_index(const struct model *m, const char *name);
/* Metric `name`'s entry: from m's table, else from m->metric_like (a
 * configuration-dependent metric); NULL when m is NULL or neither knows
 * it. */
const struct model_metric *model_metric_find(const struct model *m,
					     const char *name);
/* Number of columns of m's windowed series (0: it keeps none). */
size_t model_series_count(const struct model *m);

#endif
