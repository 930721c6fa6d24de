/* sim.h - one simulation run: clock, event queue, random streams, caps.
 *
 * A struct sim carries everything a replication touches, so replications run
 * in parallel threads without sharing mutable state.  The clock is uint64_t
 * nanoseconds and never runs backwards: sim_schedule_at() with a time in the
 * past schedules at `now` (FIFO after what is already due).
 *
 * The loop (sim_run): pop the earliest live event; stop if its time is at or
 * past `end` (or the horizon) or a cap is hit; set now = its time; hand it
 * to the model.
 * Caps end a run cleanly and mark it SIM_CAPPED: max_events (processed
 * events), max_wall (wall-clock seconds, checked every 4096 events),
 * whatever the model enforces itself (max_live_tasks) via sim_cap(), and
 * "horizon": the next event is due at or past the clock's horizon
 * (UNITS_HORIZON_NS, 2^62 ns, ~146 years) in a run whose `end` lies
 * beyond it (no duration): the clock ran out.  Such a run is measured up
 * to its last event.  Since no event at or past the horizon is ever
 * processed, `now` plus a draw (at most 2^62, dist.h) cannot wrap.
 * Scenarios whose times cannot fit are refused at load (cfg.h, dist.h).
 */
#ifndef BPFSIM_SIM_H
#define BPFSIM_SIM_H

#include <math.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "sim/err.h"
#include "sim/evq.h"
#include "sim/model.h"
#include "sim/stats.h"
#include "sim/units.h"

enum sim_status { SIM_DONE = 0, SIM_CAPPED = 1, SIM_FAILED = 2 };

struct sim_caps {
	uint64_t max_events;       /* 0 = none */
	uint64_t max_live_tasks;   /* 0 = none; enforced by models */
	double max_wall;           /* seconds; 0 = none */
};

/* The windowed series of one run (read afterwards by sim/exp/steady.h). */
struct sim_series_cfg {
	uint64_t window;           /* ns; 0 = no series */
	size_t max_rows;           /* rows kept (0 = all) */
	/* The warm-up cut the run will be analysed with, for models that keep
	 * quantiles past it (sim/histmark.h): 0 none; SIM_WARMUP_LATER chosen
	 * after the run (MSER-5); else the fixed cut in ns, rounded up to a
	 * window as sim/exp/steady.c cuts. */
	uint64_t warmup;
};
#define SIM_WARMUP_LATER UINT64_MAX

struct sim_rng_entry {
	char name[48];
	gsl_rng *r;
};

struct sim {
	uint64_t now;              /* ns */
	uint64_t end;              /* stop before events at or after this, ns */
	struct evq q;
	uint64_t seed, rep;
	uint64_t events;           /* processed (live) events */
	struct sim_caps caps;
	enum sim_status status;
	const char *cap_reason;    /* which cap ended the run (static string) */
	int stop;                  /* set by sim_stop() */
	volatile int *interrupt;   /* optional: non-zero = stop now (signals) */
	uint64_t *progress_now;    /* optional: sim_poll_slow stores `now` here
				      (a relaxed atomic store), so that a
				      progress line on another thread can
				      say how far a long run has got */
	struct sim_rng_entry *rngs;
	size_t nrngs, caprngs;
	const struct model *model;
	void *state;
	struct sim_series_cfg scfg;
	int has_series;            /* series below is live */
	struct stat_series series; /* the model adds to it; the engine closes
				      windows as time passes */
	struct err err;            /* first failure inside the run */
	double wall;               /* seconds the run took */
	double deadline;           /* wall-clock end (caps.max_wall), s */
};

/* Prepare a run of `model` with config `cfg` for replication `rep`. */
int sim_init(struct sim *s, const struct model *model, uint64_t seed,
	     uint64_t rep, uint64_t end, const struct sim_caps *caps);
/* Ask for a windowed series (before sim_run). */
void sim_set_series(struct sim *s, const struct sim_series_cfg *cfg);
/* For a model's loop that can be long inside one event (a batch of
 * millions of spawns): every 4,096 calls, checks the interrupt flag and
 * caps.max_wall as the engine does between events, capping the run
 * ("interrupted", "max_wall").  Returns non-zero when the run should stop
 * (s->stop). */
int sim_poll_slow(struct sim *s);
static inline int sim_poll(struct sim *s, uint64_t i)
{
	return s->stop || ((i & 4095) == 4095 && sim_poll_slow(s));
}
/* Run the model to completion; returns the status.  Calls model init,
 * the loop, and report into metrics[model_metric_count] (NAN-filled on
 * failure).  s->err holds the reason on SIM_FAILED. */
enum sim_status sim_run(struct sim *s, const void *cfg, double *metrics);
void sim_fini(struct sim *s);
/* The engine's event loop, for sim_run and for a model's own loop that
 * hands a run back to it (model.h, run): pops and hands every live event
 * to the model's handle() until the queue empties, an event falls due at
 * or past sim_stop_at, a cap or sim_stop.  Returns the events still
 * pending. */
size_t sim_loop(struct sim *s);
/* What the loop stops at: events due at or past this time (`end`, or the
 * clock's horizon when sooner), and this many processed events
 * (caps.max_events, else none). */
static inline uint64_t sim_stop_at(const struct sim *s)
{
	return s->end < UNITS_HORIZON_NS ? s->end : UNITS_HORIZON_NS;
}
static inline uint64_t sim_max_events(const struct sim *s)
{
	return s->caps.max_events ? s->caps.max_events : UINT64_MAX;
}
/* A loop's end at an event due at t >= sim_stop_at(s): now = end when t
 * is at or past it, else the "horizon" cap. */
void sim_past(struct sim *s, uint64_t t);

/* The stream `name` of this run, created on first use (models fetch their
 * streams once in init and keep the pointers).  NULL on allocation failure. */
gsl_rng *sim_rng(struct sim *s, const char *name);

/* Schedule at now + delay / at an absolute time (clamped to now).  The
 * sum saturates at UINT64_MAX ("never", past any horizon) instead of
 * wrapping to a time in the past: a draw of years from a heavy-tailed
 * distribution must not abort the run. */
static inline int sim_schedule(struct sim *s, uint64_t delay, unsigned kind,
			       uint32_t target, uint64_t data)
{
	uint64_t t = s->now + delay;
	if (t < s->now)
		t = UINT64_MAX;
	return evq_push(&s->q, t, kind, target, data);
}
/* A delay in ns (double, >= 0) rounded half away from zero as llround()
 * does, saturating at the clock's horizon instead of overflowing the
 * conversion (llround past 2^63 is undefined). */
static inline uint64_t sim_ns(double v)
{
	return v < (double)UNITS_HORIZON_NS ? (uint64_t)llround(v)
					    : UNITS_HORIZON_NS;
}
static inline int sim_schedule_at(struct sim *s, uint64_t t, unsigned kind,
				  uint32_t target, uint64_t data)
{
	return evq_push(&s->q, t < s->now ? s->now : t, kind, target, data);
}
/* Timer target's event moves to t (clamped to now as above): the
 * pending one, if any, cancelled and a new one pushed (evq_timer_move). */
static inline void sim_timer_at(struct sim *s, uint64_t t, unsigned kind,
				uint32_t target, uint64_t data)
{
	evq_timer_move(&s->q, t < s->now ? s->now : t, kind, target, data);
}
/* End the run after the current event (normal completion). */
static inline void sim_stop(struct sim *s) { s->stop = 1; }
/* End the run after the current event, marked capped by `reason`. */
void sim_cap(struct sim *s, const char *reason);
/* Record a failure (e.g. out of memory) and stop. */
void sim_fail(struct sim *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
