/* sim.c - the event loop of one replication.
 *
 * The loop is the hottest code in bpfsim: one pop, one indirect call per
 * event.  Caps other than the event count are checked every 4096 events
 * (wall clock, interrupt flag) so the common path stays two compares.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/sim.h"
#include "sim/check.h"
#include "sim/rng.h"

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int sim_init(struct sim *s, const struct model *model, uint64_t seed,
	     uint64_t rep, uint64_t end, const struct sim_caps *caps)
{
	memset(s, 0, sizeof(*s));
	s->model = model;
	s->seed = seed;
	s->rep = rep;
	s->end = end ? end : UINT64_MAX;
	s->deadline = INFINITY;
	if (caps)
		s->caps = *caps;
	err_init(&s->err);
	rng_inline_ok();   /* the inline draws (rng.h), checked once */
	return evq_init(&s->q, 64);
}

void sim_set_series(struct sim *s, const struct sim_series_cfg *cfg)
{
	s->scfg = *cfg;
}

void sim_fini(struct sim *s)
{
	if (s->has_series)
		stat_series_fini(&s->series);
	s->has_series = 0;
	if (s->state && s->model)
		s->model->fini(s->state);
	s->state = NULL;
	for (size_t i = 0; i < s->nrngs; i++)
		gsl_rng_free(s->rngs[i].r);
	free(s->rngs);
	s->rngs = NULL;
	s->nrngs = s->caprngs = 0;
	evq_fini(&s->q);
}

gsl_rng *sim_rng(struct sim *s, const char *name)
{
	for (size_t i = 0; i < s->nrngs; i++)
		if (strcmp(s->rngs[i].name, name) == 0)
			return s->rngs[i].r;
	SIM_CHECK(strlen(name) < sizeof(s->rngs[0].name));
	if (s->nrngs == s->caprngs) {
		size_t cap = s->caprngs ? s->caprngs * 2 : 8;
		struct sim_rng_entry *r = realloc(s->rngs, cap * sizeof(*r));
		if (!r)
			return NULL;
		s->rngs = r;
		s->caprngs = cap;
	}
	gsl_rng *r = rng_stream_new(s->seed, s->rep, name);
	if (!r)
		return NULL;
	snprintf(s->rngs[s->nrngs].name, sizeof(s->rngs[0].name), "%s", name);
	s->rngs[s->nrngs++].r = r;
	return r;
}

void sim_cap(struct sim *s, const char *reason)
{
	if (s->status == SIM_DONE) {
		s->status = SIM_CAPPED;
		s->cap_reason = reason;
	}
	s->stop = 1;
}

void sim_fail(struct sim *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err_vset(&s->err, ERR_RUNTIME, NULL, 0, 0, fmt, ap);
	va_end(ap);
	s->status = SIM_FAILED;
	s->stop = 1;
}

/* Close the open window: a last partial row when time has passed in it. */
static void close_series(struct sim *s)
{
	struct stat_series *ser = &s->series;
	if (s->now > ser->cur_start &&
	    stat_series_advance(ser, ser->cur_start + ser->window))
		sim_fail(s, "out of memory");
}

int sim_poll_slow(struct sim *s)
{
	if (s->progress_now)
		__atomic_store_n(s->progress_now, s->now, __ATOMIC_RELAXED);
	if (s->interrupt && *s->interrupt)
		sim_cap(s, "interrupted");
	else if (wall_now() > s->deadline)
		sim_cap(s, "max_wall");
	return s->stop;
}

/* An event due at t >= the loop's stop time: the run ends at `end`, or
 * the clock ran out (the horizon without a duration: a cap, not a normal
 * end; the run is measured up to the last event processed). */
void sim_past(struct sim *s, uint64_t t)
{
	if (t >= s->end)
		s->now = s->end;
	else
		sim_cap(s, "horizon");
}

size_t sim_loop(struct sim *s)
{
	const struct model *m = s->model;
	uint64_t stop_at = sim_stop_at(s), max_events = sim_max_events(s);
	uint64_t window = s->has_series ? s->scfg.window : 0;
	struct evq_event ev;

	while (!s->stop && evq_pop(&s->q, &ev)) {
		if (ev.time >= stop_at) {
			sim_past(s, ev.time);
			break;
		}
		if (s->events >= max_events) {
			sim_cap(s, "max_events");
			break;
		}
		SIM_CHECK(ev.time >= s->now);
		s->now = ev.time;
		if (window && s->now - s->series.cur_start >= window &&
		    stat_series_advance(&s->series, s->now)) {
			sim_fail(s, "out of memory");
			break;
		}
		s->events++;
		m->handle(s, s->state, &ev);
		if ((s->events & 4095) == 0 && sim_poll_slow(s))
			break;
	}
	return evq_size(&s->q);
}

enum sim_status sim_run(struct sim *s, const void *cfg, double *metrics)
{
	const struct model *m = s->model;
	size_t nm = model_metric_count(m);
	double t0 = wall_now();
	s->deadline = s->caps.max_wall > 0 ? t0 + s->caps.max_wall : INFINITY;

	if (s->scfg.window && m->series_cols) {
		size_t nc = 0;
		while (m->series_cols[nc])
			nc++;
		if (stat_series_init(&s->series, s->scfg.window, nc,
				     s->scfg.max_rows)) {
			sim_fail(s, "out of memory");
			goto out;
		}
		s->has_series = 1;
	}
	s->state = m->init(s, cfg, &s->err);
	if (!s->state) {
		s->status = SIM_FAILED;
		goto out;
	}
	/* After init (a model may shorten s->end: classic's horizon): the
	 * engine's loop, or the model's own (model.h, run). */
	size_t pending = m->run ? m->run(s, s->state) : sim_loop(s);
	/* A run that ran out of events before `end` ends at its last event; a
	 * run with an explicit horizon is measured up to the horizon. */
	if (s->end != UINT64_MAX && s->status == SIM_DONE && !s->stop &&
	    s->now < s->end && pending == 0)
		s->now = s->end;
out:
	if (s->status == SIM_FAILED) {
		for (size_t i = 0; i < nm; i++)
			metrics[i] = NAN;
	} else {
		m->report(s, s->state, metrics);
		if (s->has_series)
			close_series(s);
	}
	s->wall = wall_now() - t0;
	return s->status;
}
