/* steady.c - warm-up cut, steady-state metrics and regime of a finished run
 * (steady.h).  Moved out of the event loop: the engine keeps the series,
 * the experiment layer decides what it means. */
#include <stdlib.h>
#include <string.h>

#include "sim/exp/steady.h"
#include "sim/exp/warmup.h"

void steady_defaults(struct steady_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->warmup = WARMUP_NONE;
	regime_defaults(&c->regime);
}

/* The run's regime from its whole series (per-window model value and, when
 * the model keeps a "backlog_avg" column, the mean backlog). */
static enum regime classify(const struct sim *s, const struct steady_cfg *c)
{
	const struct model *m = s->model;
	const struct stat_series *ser = &s->series;
	int capped = s->status == SIM_CAPPED;
	if (!s->has_series || !m->series_value || ser->nrows == 0)
		return capped ? REGIME_EXPLODING : REGIME_UNKNOWN;
	int bcol = -1;
	for (int k = 0; m->series_cols[k]; k++)
		if (!strcmp(m->series_cols[k], "backlog_avg"))
			bcol = k;
	double *ratio = malloc(ser->nrows * sizeof(double));
	double *backlog = bcol >= 0 ? malloc(ser->nrows * sizeof(double)) : NULL;
	enum regime r = REGIME_UNKNOWN;
	if (!ratio || (bcol >= 0 && !backlog))
		goto out;
	for (size_t i = 0; i < ser->nrows; i++) {
		ratio[i] = m->series_value(ser, i);
		if (backlog)
			backlog[i] = stat_series_get(ser, i, (size_t)bcol) /
				     (double)ser->window;
	}
	r = regime_classify(&c->regime, ratio, backlog, ser->nrows, capped);
out:
	free(ratio);
	free(backlog);
	return r;
}

const char *const steady_transient_names[STEADY_TR_COUNT] = {
	"backlog", "map", "live tasks",
};

const char *steady_transient_reason(int bit, int dir)
{
	static const char *const up[STEADY_TR_COUNT] = {
		"backlog still growing", "map still filling",
		"live tasks still rising",
	};
	static const char *const down[STEADY_TR_COUNT] = {
		"backlog still draining", "map still emptying",
		"live tasks still falling",
	};
	return bit >= 0 && bit < STEADY_TR_COUNT ? (dir > 0 ? up : down)[bit] : "?";
}

/* The level columns still trending at the end of the run (steady.h). */
static void transient(const struct sim *s, const struct steady_cfg *c,
		      unsigned *bits, unsigned *rising)
{
	static const char *const cols[STEADY_TR_COUNT] = {
		"backlog_avg", "map_occupancy_avg", "live_tasks_avg",
	};
	const struct model *m = s->model;
	const struct stat_series *ser = &s->series;
	*bits = *rising = 0;
	if (!s->has_series || !m->series_cols || ser->nrows == 0)
		return;
	double *y = malloc(ser->nrows * sizeof(double));
	if (!y)
		return;
	for (int b = 0; b < STEADY_TR_COUNT; b++) {
		int col = -1;
		for (int k = 0; m->series_cols[k]; k++)
			if (!strcmp(m->series_cols[k], cols[b]))
				col = k;
		if (col < 0)
			continue;
		for (size_t i = 0; i < ser->nrows; i++)
			y[i] = stat_series_get(ser, i, (size_t)col) /
			       (double)ser->window;
		/* A last partial window holds a partial integral: leave it out. */
		size_t n = ser->nrows;
		if (s->now % ser->window && n > 1)
			n--;
		int d = regime_trend(&c->regime, y, n, STEADY_TRANSIENT_REL, 1.0);
		if (d) {
			*bits |= 1u << b;
			if (d > 0)
				*rising |= 1u << b;
		}
	}
	free(y);
}

/* Leading windows to cut, or SIZE_MAX on allocation failure. */
static size_t warmup_windows(const struct sim *s, const struct steady_cfg *c)
{
	const struct stat_series *ser = &s->series;
	const struct model *m = s->model;
	size_t first = 0;
	if (c->warmup == WARMUP_FIXED) {
		uint64_t w = (c->warmup_ns + ser->window - 1) / ser->window;
		first = w < ser->nrows ? (size_t)w : ser->nrows;
	} else if (c->warmup == WARMUP_MSER5 && m->series_value) {
		double *x = malloc((ser->nrows ? ser->nrows : 1) * sizeof(double));
		if (!x)
			return SIZE_MAX;
		for (size_t i = 0; i < ser->nrows; i++)
			x[i] = m->series_value(ser, i);
		first = warmup_mser5(x, ser->nrows);
		free(x);
	}
	/* A cut that leaves nothing (warm-up >= the run) cannot give steady
	 * metrics: they stay whole-run and the cut is reported as 0. */
	return first >= ser->nrows ? 0 : first;
}

void steady_analyse(struct sim *s, const struct steady_cfg *c, double *metrics,
		    uint64_t *cut, enum regime *regime, unsigned *tr,
		    unsigned *rising)
{
	const struct model *m = s->model;
	*cut = 0;
	*regime = REGIME_UNKNOWN;
	*tr = *rising = 0;
	if (s->status == SIM_FAILED)
		return;
	transient(s, c, tr, rising);
	if (!s->has_series) {
		*regime = classify(s, c);
		return;
	}
	size_t first = warmup_windows(s, c);
	if (first == SIZE_MAX) {
		sim_fail(s, "out of memory");
		return;
	}
	*cut = (uint64_t)first * s->series.window;
	*regime = classify(s, c);
	if (c->warmup != WARMUP_NONE && m->steady && first > 0)
		m->steady(s, s->state, &s->series, first, metrics);
}
