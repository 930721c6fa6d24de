/* mmc.c - FIFO M/M/c and M/G/c queue: the model that validates the engine.
 *
 * Customers arrive with inter-arrival times from `arrival`, take `service`
 * time on one of `servers` identical servers, and wait in one FIFO queue
 * when all are busy.  Its exact results (Erlang C for M/M/c, Pollaczek-
 * Khinchine for M/G/1) check the event queue, the RNG streams, the samplers
 * and the statistics together.
 *
 * Measurement: the first `warmup_customers` customers are simulated but not measured
 * (the queue starts empty, a transient); the next `customers` are measured.
 * Arrivals stop after warmup_customers + customers; the run drains the queue so every
 * measured customer has a complete time in system.  Time averages
 * (utilisation, queue length) cover [first measured arrival, last arrival],
 * so the drain does not bias them.
 *
 * Streams: "arrivals" and "service" (independent, CRN-friendly).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/mmc.h"
#include "sim/cfg.h"
#include "sim/check.h"
#include "sim/dist.h"
#include "sim/hist.h"
#include "sim/rng.h"
#include "sim/sim.h"
#include "sim/stats.h"
#include "sim/units.h"

enum { EV_ARRIVAL = 1, EV_DEPARTURE = 2 };

struct mmc_cfg {
	uint64_t servers;
	uint64_t customers, warmup;
	int quantiles;        /* wait p50/p99 (log-linear histogram) */
	struct dist *arrival, *service;
	/* The exponential's mean where `arrival` / `service` is one whose
	 * draws exp_ns() repeats bit for bit (exp_fast), else 0: the hot
	 * loop then skips the distribution's dispatch (dist_sample_ns). */
	double arr_mean, svc_mean;
	double wait_exact;    /* NAN when no closed form applies */
};

struct waiting { uint64_t arrived, index; };

/* The own loop (mmc_run) takes runs of up to this many servers: their
 * departures are a sorted array. */
#define MMC_FAST_MAX 16

/* One pending departure of the own loop: due time, and its push's
 * sequence number above the server's id (seq << 8 | server). */
struct mmc_dep { uint64_t time, seqsrv; };

/* The own loop's pending events, in place of the engine's queue: the next
 * arrival (at most one is pending) and the departures (at most one per
 * server), in the queue's order, (time, seq), seq counting pushes as the
 * queue counts them.  "None" is the time MMC_NONE, later than any event's
 * (sim_schedule's saturation at UINT64_MAX cannot happen here: now is
 * below the horizon, 2^62 ns, and a draw at most 2^62, dist.h). */
#define MMC_NONE UINT64_MAX
struct mmc_pend {
	uint64_t arr_time, arr_seq; /* the next arrival; MMC_NONE: none */
	size_t ndep;
	uint64_t seq;              /* next push's */
	/* dep[1 .. ndep], latest first: dep[ndep] is the earliest; dep[0]
	 * is a sentinel due at MMC_NONE (the insert's scan stops at it, and
	 * with no departure pending it is the one compared). */
	struct mmc_dep dep[MMC_FAST_MAX + 1];
};

struct mmc_run {
	const struct mmc_cfg *cfg;
	gsl_rng *r_arr, *r_svc;
	uint64_t arrived;          /* customers arrived so far */
	uint64_t busy;             /* busy servers */
	uint64_t *free_servers;    /* stack of idle server ids */
	uint64_t nfree;
	uint64_t *start_of;        /* per server: arrival time of its customer */
	uint64_t *index_of;        /* per server: customer index */
	struct waiting *ring;      /* FIFO queue (ring buffer) */
	size_t head, len, cap;     /* cap a power of two: index & (cap - 1) */
	struct lhist wait;         /* with quantiles: p50, p99 (only) */
	double wait_sum;           /* ns; every measured wait */
	uint64_t wait_n;
	double sojourn_sum;        /* ns; the mean is all W needs */
	uint64_t sojourn_n;
	struct stat_gauge busy_g, queue_g;
	int measuring;             /* time averages running */
	uint64_t t_end;            /* time of last arrival */
	struct mmc_pend pend;      /* the own loop's events (mmc_run) */
};

double mmc_erlang_c(unsigned c, double a)
{
	if (!(a < (double)c) || c == 0)
		return NAN;
	double b = 1.0;   /* Erlang B, B(0) = 1 */
	for (unsigned k = 1; k <= c; k++)
		b = a * b / ((double)k + a * b);
	return (double)c * b / ((double)c - a * (1.0 - b));
}

double mmc_wait_mmc(unsigned c, double lambda, double mu)
{
	return mmc_erlang_c(c, lambda / mu) / ((double)c * mu - lambda);
}

double mmc_wait_mg1(double lambda, double mean_s, double var_s)
{
	double rho = lambda * mean_s;
	if (!(rho < 1))
		return NAN;
	return lambda * (var_s + mean_s * mean_s) / (2.0 * (1.0 - rho));
}

/* dist_sample_ns of an exponential(mean): sim/dist_exponential.c's draw
 * (-mean log U) rounded as dist_sample_ns rounds it (the draw is > 0, so
 * never resampled). */
static inline uint64_t exp_ns(double mean, gsl_rng *r)
{
	double v = -mean * log(rng_uniform_pos(r));
	if (!(v < (double)DIST_NS_MAX))
		return DIST_NS_MAX;
	return (uint64_t)(v + 0.5);
}

/* d's mean if d is an exponential whose draws exp_ns() gives exactly,
 * else 0.  Checked, not assumed: 64 draws from a scratch stream against
 * dist_sample_ns, so the fast path turns itself off (and the model stays
 * right, only slower) if the family ever draws otherwise. */
static double exp_fast(const struct dist *d)
{
	double mean = dist_mean(d);
	gsl_rng *a, *b;
	int same = 1;

	if (dist_kind(d) != DIST_EXPONENTIAL || !(mean > 0))
		return 0;
	a = rng_stream_new(1, 0, "mmc-check");
	b = rng_stream_new(1, 0, "mmc-check");
	if (!a || !b)
		same = 0;
	for (int i = 0; same && i < 64; i++)
		same = dist_sample_ns(d, a) == exp_ns(mean, b);
	gsl_rng_free(a);
	gsl_rng_free(b);
	return same ? mean : 0;
}

/* A draw of `arrival` (mean: its arr_mean) or `service` (svc_mean). */
static inline uint64_t draw_ns(const struct dist *d, double mean, gsl_rng *r)
{
	return mean > 0 ? exp_ns(mean, r) : dist_sample_ns(d, r);
}

static void mmc_config_free(void *p)
{
	struct mmc_cfg *c = p;
	if (!c)
		return;
	dist_free(c->arrival);
	dist_free(c->service);
	free(c);
}

static void *mmc_configure(struct ynode *root, struct err *e)
{
	struct mmc_cfg *c = calloc(1, sizeof(*c));
	if (!c) {
		err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		return NULL;
	}
	if (cfg_uint(root, "servers", "1", 1, 1000000, &c->servers, e) ||
	    cfg_dist(root, "arrival", NULL, DIST_DURATION, &c->arrival, e) ||
	    cfg_dist(root, "service", NULL, DIST_DURATION, &c->service, e) ||
	    cfg_uint(root, "customers", "100000", 1, UINT64_C(1) << 40,
		     &c->customers, e) ||
	    cfg_uint(root, "warmup_customers", "10000", 0, UINT64_C(1) << 40, &c->warmup, e) ||
	    cfg_bool(root, "quantiles", "true", &c->quantiles, e))
		goto fail;
	double ma = dist_mean(c->arrival), ms = dist_mean(c->service);
	if (!(ma > 0)) {
		cfg_error(e, ynode_peek(root, "arrival"),
			  "'arrival' must have a positive mean");
		goto fail;
	}
	/* The run ends after the last customer: its arrival (n gaps) and
	 * the servers' whole work (n services over c servers) are expected
	 * within the clock's horizon, else the clock would run out
	 * (infinite means included). */
	double n = (double)(c->customers + c->warmup);
	if (!(n * ma <= (double)UNITS_HORIZON_NS) ||
	    !(n * ms / (double)c->servers <= (double)UNITS_HORIZON_NS)) {
		char b[64] = "infinite";
		int arr = !(n * ma <= (double)UNITS_HORIZON_NS);
		double m = arr ? ma : ms / (double)c->servers;
		if (isfinite(m))
			units_format_duration(m, b, sizeof(b));
		cfg_error(e, ynode_peek(root, "customers"),
			  "%.0f customers (with warmup_customers) at a mean %s "
			  "of %s %s beyond the simulated clock's horizon, "
			  UNITS_HORIZON_TEXT, n, arr ? "arrival gap" : "service "
			  "time per server", b, arr ? "arrive" : "end");
		goto fail;
	}
	c->arr_mean = exp_fast(c->arrival);
	c->svc_mean = exp_fast(c->service);
	double lambda = 1.0 / ma, rho = lambda * ms / (double)c->servers;
	c->wait_exact = NAN;
	if (rho < 1) {
		if (dist_kind(c->arrival) == DIST_EXPONENTIAL &&
		    dist_kind(c->service) == DIST_EXPONENTIAL)
			c->wait_exact = mmc_wait_mmc((unsigned)c->servers, lambda,
						     1.0 / ms);
		else if (dist_kind(c->arrival) == DIST_EXPONENTIAL &&
			 c->servers == 1)
			c->wait_exact = mmc_wait_mg1(lambda, ms,
						     dist_var(c->service));
	}
	return c;
fail:
	mmc_config_free(c);
	return NULL;
}

static void mmc_fini(void *p)
{
	struct mmc_run *r = p;
	if (!r)
		return;
	free(r->free_servers);
	free(r->start_of);
	free(r->index_of);
	free(r->ring);
	lhist_fini(&r->wait);
	free(r);
}

static void *mmc_init(struct sim *s, const void *cfgp, struct err *e)
{
	const struct mmc_cfg *c = cfgp;
	struct mmc_run *r = calloc(1, sizeof(*r));
	if (!r)
		goto oom;
	r->cfg = c;
	r->r_arr = sim_rng(s, "arrivals");
	r->r_svc = sim_rng(s, "service");
	r->free_servers = malloc(c->servers * sizeof(uint64_t));
	r->start_of = calloc(c->servers, sizeof(uint64_t));
	r->index_of = calloc(c->servers, sizeof(uint64_t));
	r->cap = 1024;
	r->ring = malloc(r->cap * sizeof(*r->ring));
	if (!r->r_arr || !r->r_svc || !r->free_servers || !r->start_of ||
	    !r->index_of || !r->ring ||
	    (c->quantiles && lhist_init(&r->wait)))
		goto oom;
	/* Server 0 on top of the stack: the lowest free server serves first. */
	for (uint64_t i = 0; i < c->servers; i++)
		r->free_servers[i] = c->servers - 1 - i;
	r->nfree = c->servers;
	stat_gauge_init(&r->busy_g, 0, 0);
	stat_gauge_init(&r->queue_g, 0, 0);
	if (sim_schedule(s, dist_sample_ns(c->arrival, r->r_arr),
			 EV_ARRIVAL, 0, 0))
		goto oom;
	return r;
oom:
	mmc_fini(r);
	err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	return NULL;
}

/* Double the waiting ring (full).  0, or -1 when out of memory. */
static __attribute__((noinline)) int queue_grow(struct mmc_run *r)
{
	size_t cap = r->cap * 2;
	struct waiting *n = malloc(cap * sizeof(*n));
	if (!n)
		return -1;
	for (size_t i = 0; i < r->len; i++)
		n[i] = r->ring[(r->head + i) & (r->cap - 1)];
	free(r->ring);
	r->ring = n;
	r->head = 0;
	r->cap = cap;
	return 0;
}

static inline int queue_push(struct mmc_run *r, uint64_t t, uint64_t idx)
{
	if (r->len == r->cap && queue_grow(r))
		return -1;
	r->ring[(r->head + r->len++) & (r->cap - 1)] =
		(struct waiting){ t, idx };
	return 0;
}

/* now + delay for the own loop: now is below the horizon (2^62 ns; no
 * event at or past it is processed) and a draw at most 2^62 (dist.h), so
 * the sum never reaches sim_schedule's saturation, nor MMC_NONE. */
static inline uint64_t due(const struct sim *s, uint64_t delay)
{
	return s->now + delay;
}

/* The own loop's push of a departure from server srv at t: after every
 * pending departure due at or before t (pushed earlier, so first at equal
 * times, as the queue orders them). */
static inline void pend_departure(struct mmc_pend *p, uint64_t t,
				  uint32_t srv)
{
	size_t i = ++p->ndep;

	/* t < MMC_NONE: stops at the sentinel dep[0] at the latest. */
	while (p->dep[i - 1].time <= t) {
		p->dep[i] = p->dep[i - 1];
		i--;
	}
	p->dep[i] = (struct mmc_dep){ t, p->seq++ << 8 | srv };
}

/* Schedule `kind` (for server srv) delay ns from now: on the engine's
 * queue (own = 0: mmc_handle) or the own loop's (own = 1: mmc_run).  The
 * callers below are inlined with `own` a constant, one copy each. */
static inline __attribute__((always_inline)) void
schedule(struct sim *s, struct mmc_run *r, int own, uint64_t delay,
	 unsigned kind, uint32_t srv)
{
	if (!own) {
		if (sim_schedule(s, delay, kind, srv, 0))
			sim_fail(s, "out of memory");
	} else if (kind == EV_DEPARTURE) {
		pend_departure(&r->pend, due(s, delay), srv);
	} else {
		r->pend.arr_time = due(s, delay);
		r->pend.arr_seq = r->pend.seq++;
	}
}

/* Customer (arrived at t, index idx) starts service on server srv now
 * (counted busy by the caller). */
static inline __attribute__((always_inline)) void
serve(struct sim *s, struct mmc_run *r, int own, uint64_t srv, uint64_t t,
      uint64_t idx)
{
	const struct mmc_cfg *c = r->cfg;
	r->start_of[srv] = t;
	r->index_of[srv] = idx;
	if (idx >= c->warmup) {
		uint64_t w = s->now - t;
		double wd = (double)w;
		r->wait_sum += wd;
		r->wait_n++;
		/* The histogram takes the wait as the mean does: rounded to
		 * double (exact below 2^53 ns, 104 days). */
		if (c->quantiles)
			lhist_add(&r->wait,
				  w < UINT64_C(1) << 53 ? w : (uint64_t)wd);
	}
	uint64_t svc = draw_ns(c->service, c->svc_mean, r->r_svc);
	schedule(s, r, own, svc, EV_DEPARTURE, (uint32_t)srv);
}

static inline __attribute__((always_inline)) void
on_arrival(struct sim *s, struct mmc_run *r, int own)
{
	const struct mmc_cfg *c = r->cfg;
	uint64_t idx = r->arrived++;
	if (idx == c->warmup) {
		/* Measurement window opens at the first measured arrival. */
		r->measuring = 1;
		stat_gauge_init(&r->busy_g, s->now, (double)r->busy);
		stat_gauge_init(&r->queue_g, s->now, (double)r->len);
	}
	if (r->nfree > 0) {
		/* The lowest free server (the top of the stack). */
		uint64_t srv = r->free_servers[--r->nfree];
		r->busy++;
		if (r->measuring)
			stat_gauge_set(&r->busy_g, s->now, (double)r->busy);
		serve(s, r, own, srv, s->now, idx);
	} else {
		if (queue_push(r, s->now, idx)) {
			sim_fail(s, "out of memory");
			return;
		}
		if (r->measuring)
			stat_gauge_set(&r->queue_g, s->now, (double)r->len);
	}
	if (r->arrived < c->warmup + c->customers) {
		uint64_t gap = draw_ns(c->arrival, c->arr_mean, r->r_arr);
		schedule(s, r, own, gap, EV_ARRIVAL, 0);
	} else {
		r->t_end = s->now;
		r->measuring = 0;   /* freeze time averages at the last arrival */
	}
}

static inline __attribute__((always_inline)) void
on_departure(struct sim *s, struct mmc_run *r, int own, uint32_t srv)
{
	const struct mmc_cfg *c = r->cfg;
	if (r->index_of[srv] >= c->warmup) {
		r->sojourn_sum += (double)(s->now - r->start_of[srv]);
		r->sojourn_n++;
	}
	if (r->len > 0) {
		/* The first waiting customer takes srv at once: srv would go
		 * on top of the free stack and come straight off it, and busy
		 * down and up again at this instant, whose second rectangle
		 * is empty (area + 0.0: one set at the level it keeps). */
		struct waiting w = r->ring[r->head];
		r->head = (r->head + 1) & (r->cap - 1);
		r->len--;
		if (r->measuring) {
			stat_gauge_set(&r->busy_g, s->now, (double)r->busy);
			stat_gauge_set(&r->queue_g, s->now, (double)r->len);
		}
		serve(s, r, own, srv, w.arrived, w.index);
	} else {
		r->free_servers[r->nfree++] = srv;
		r->busy--;
		if (r->measuring)
			stat_gauge_set(&r->busy_g, s->now, (double)r->busy);
	}
}

static void mmc_handle(struct sim *s, void *state, const struct evq_event *ev)
{
	struct mmc_run *r = state;
	switch (evq_kind(ev)) {
	case EV_ARRIVAL:
		on_arrival(s, r, 0);
		break;
	case EV_DEPARTURE:
		on_departure(s, r, 0, ev->target);
		break;
	default:
		SIM_CHECK(!"unknown mmc event");
	}
}

/* The model's own loop (model.h, run): sim_loop with the queue and the
 * handler specialised to M/M/c - the arrival apart, the departures a
 * sorted array of 16-byte entries, the handlers inlined - for up to
 * MMC_FAST_MAX servers; more go to sim_loop.  Same events in the same
 * order, the same stops and counts as sim_loop (its body, line for
 * line). */
static size_t mmc_run(struct sim *s, void *state)
{
	struct mmc_run *r = state;
	struct mmc_pend *p = &r->pend;
	uint64_t stop_at = sim_stop_at(s), max_events = sim_max_events(s);
	struct evq_event ev;

	if (r->cfg->servers > MMC_FAST_MAX || s->has_series)
		return sim_loop(s);
	p->dep[0] = (struct mmc_dep){ MMC_NONE, 0 };
	p->ndep = 0;
	p->arr_time = MMC_NONE;
	/* init's first arrival, the queue's only event, moves over. */
	if (evq_pop(&s->q, &ev)) {
		SIM_CHECK(evq_kind(&ev) == EV_ARRIVAL && ev.time < MMC_NONE);
		p->arr_time = ev.time;
		p->arr_seq = ev.seqkind >> 16;
	}
	SIM_CHECK(evq_size(&s->q) == 0);
	p->seq = s->q.seq;
	while (!s->stop) {
		/* The earliest departure (the sentinel when none) against the
		 * arrival (MMC_NONE when none), on (time, seq). */
		struct mmc_dep d = p->dep[p->ndep];
		int dep = d.time < p->arr_time ||
			  (d.time == p->arr_time && d.seqsrv >> 8 < p->arr_seq);
		uint64_t t = dep ? d.time : p->arr_time;

		if (t == MMC_NONE)
			break;
		if (dep)
			p->ndep--;
		else
			p->arr_time = MMC_NONE;
		if (t >= stop_at) {
			sim_past(s, t);
			break;
		}
		if (s->events >= max_events) {
			sim_cap(s, "max_events");
			break;
		}
		SIM_CHECK(t >= s->now);
		s->now = t;
		s->events++;
		if (dep)
			on_departure(s, r, 1, (uint32_t)(d.seqsrv & 0xff));
		else
			on_arrival(s, r, 1);
		if ((s->events & 4095) == 0 && sim_poll_slow(s))
			break;
	}
	return (p->arr_time != MMC_NONE) + p->ndep;
}

static void mmc_report(struct sim *s, void *state, double *m)
{
	struct mmc_run *r = state;
	uint64_t t_end = r->t_end ? r->t_end : s->now;
	m[0] = r->wait_n ? r->wait_sum / (double)r->wait_n : NAN;
	m[1] = r->cfg->quantiles ? lhist_quantile(&r->wait, 0.50) : NAN;
	m[2] = r->cfg->quantiles ? lhist_quantile(&r->wait, 0.99) : NAN;
	m[3] = r->sojourn_n ? r->sojourn_sum / (double)r->sojourn_n : NAN;
	m[4] = stat_gauge_mean(&r->busy_g, t_end) / (double)r->cfg->servers;
	m[5] = stat_gauge_mean(&r->queue_g, t_end);
	m[6] = (double)r->sojourn_n;
	m[7] = r->cfg->wait_exact;
}

static const struct model_param mmc_params[] = {
	{ "servers", "count", "1", "number of identical servers (c)" },
	{ "arrival", "dist(duration)", NULL,
	  "inter-arrival time; exponential(m) gives Poisson arrivals at rate 1/m" },
	{ "service", "dist(duration)", NULL, "service time of one customer" },
	{ "customers", "count", "100000", "measured customers per replication" },
	{ "warmup_customers", "count", "10000",
	  "customers simulated before measurement starts (initial transient)" },
	{ "quantiles", "bool", "true",
	  "report wait p50/p99 (log-linear histogram, relative error < 0.4%)" },
	{ NULL, NULL, NULL, NULL },
};

static const struct model_metric mmc_metrics[] = {
	{ "wait_mean", "ns", "mean wait in queue (Wq)", 3 },
	{ "wait_p50", "ns", "median wait in queue (histogram, rel. error < 0.4%)", 0 },
	{ "wait_p99", "ns", "99th percentile wait in queue (histogram, rel. error < 0.4%)", 4 },
	{ "system_time_mean", "ns", "mean time in system (W = Wq + service)", 11 },
	{ "utilisation", "ratio", "time-averaged busy servers / servers", 9 },
	{ "queue_length_mean", "customers", "time-averaged queue length (Lq)", 10 },
	{ "customers", "count", "measured customers completed", 0 },
	{ "wait_exact", "ns",
	  "exact Wq: Erlang C (M/M/c) or Pollaczek-Khinchine (M/G/1); NAN otherwise", 0 },
	{ NULL, NULL, NULL, 0 },
};

const struct model model_mmc = {
	.name = "mmc",
	.summary = "M/M/c and M/G/c FIFO queue; validates the engine against "
		   "Erlang C and Pollaczek-Khinchine",
	.params = mmc_params,
	.metrics = mmc_metrics,
	.configure = mmc_configure,
	.config_free = mmc_config_free,
	.init = mmc_init,
	.handle = mmc_handle,
	.run = mmc_run,
	.report = mmc_report,
	.fini = mmc_fini,
};
