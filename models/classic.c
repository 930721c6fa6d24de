/* classic.c - the published reference model of runqslower's BPF part.
 *
 * A faithful port of the small simulation published with the study behind
 * bpfsim (specified in ../shared/reference-model.md), so that its figures can
 * be reproduced here and then compared with the fuller `runqslower` model.
 * It is deliberately *not* improved: every quirk of the published model is
 * kept, and each one is marked "quirk" below.
 *
 * State: P processes, `cpus` CPUs with a load counter each (all 0), the
 * accumulators bpf = run = 1 (they start at 1, not 0: quirk), one global
 * map_size = 0.  Every process starts at t = 0 with a remaining clock of
 * `workload.lifetime`.  Events (spec names):
 *   Start(clock)              least-loaded CPU (lowest index on ties); draw
 *                             a, b, q; Record@t+a, Queue@t+q, Report@t+q+b;
 *                             load += 1; bpf += a+b; run += q
 *   Queue(qlat, clock, cpu)   draw a, b, p, s; r = b+p if qlat > threshold
 *                             else b; Record@t+a, Report@t+qlat+r,
 *                             Run(max(0, clock-(s-(a+r))))@t+s;
 *                             bpf += a+r; run += s
 *   Record                    map_size += 1
 *   Report                    map_size -= 1 if > 0, else a miss (counted)
 *   Run(0, cpu)               done: load -= 1
 *   Run(clock > 0, cpu)       draw d; Dequeue@t+d; run += d; load -= 1
 *   Dequeue(clock, cpu)       draw q; Queue(q, clock)@t+q; load += 1; run += q
 * Quirks kept: the first enqueue is charged BPF time twice (Start and Queue);
 * Report in Queue is due at t + qlat + r although t already includes qlat;
 * map_size is global, so a report that overtakes its record is dropped and
 * the map drifts upwards (2P at the end for small P); the remaining clock can
 * grow (a contended slice can be shorter than a + r).
 *
 * Latencies: raw = mean + gsl_ran_gaussian(sd) on the latency's own stream
 * ("queue", "run", "bpf.record", "bpf.report", "perf", "dequeue"), times
 * contention(cpu) (queue) or divided by it (run slice) or times the map
 * factor (BPF record/report), then rint() - round half to even.  Never
 * clipped: a latency can be 0 or negative.  contention(cpu) = load - k when
 * load > k else 1 (k = contention_offset, 4); map factor = 1 +
 * (map_size / map_scale)^2 for `storage: hash`, 1 for `task_storage`.  Every
 * draw uses the state at the moment its event is processed (load before the
 * event's own += 1).
 *
 * Departures from the published code, forced by the engine, both stated as
 * the spec asks:
 *   - Ties: the published heap does not promise an order for equal times;
 *     bpfsim's queue pops equal times in push order (the (time, seq) FIFO rule
 *     of sim/evq.h), and events are pushed in the order the spec lists them.
 *   - Negative latencies: bpfsim's clock never runs backwards, so an event
 *     due before `now` is scheduled *at* now (sim_schedule_at clamps; FIFO
 *     puts it after what is already due now), while the raw, negative value
 *     still goes into bpf/run and into later due times (Report at t+q+b uses
 *     the raw q).
 *
 * Stopping: the run stops when the next event's time is >= `horizon` (10 s;
 * the model lowers the engine's `end` to it, so the engine's own check does
 * it) or by the loop limit: a counter starting at 1, incremented after each
 * processed event, stops the loop when it reaches `loop_limit` - at most
 * loop_limit - 1 events (9,999) are processed (quirk).  Both are normal ends
 * (SIM_DONE), not caps.  For large P the budget runs out during start-up,
 * long before any slice completes: that is the published behaviour.
 *
 * Cost: O(cpus) per placement (a linear scan for the least-loaded CPU: tens
 * of CPUs, a heap would not pay), O(log n) per event, 16 bytes per process
 * plus its Start event (32 bytes) queued at t = 0.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>

#include "models/classic.h"
#include "sim/cfg.h"
#include "sim/check.h"
#include "sim/dist.h"
#include "sim/sim.h"

enum { STORAGE_HASH, STORAGE_TASK };

static const char *const classic_storages[] = { "hash", "task_storage", NULL };

/* The latency table of the spec: key under `latency:`, default, stream. */
static const struct {
	const char *key, *def, *stream;
} lat_keys[CLASSIC_NLAT] = {
	[CLASSIC_QUEUE]      = { "queue", "normal(4ns, 1ns)", "queue" },
	[CLASSIC_RUN]        = { "run", "normal(3ms, 1us)", "run" },
	[CLASSIC_BPF_RECORD] = { "bpf_record", "normal(400ns, 10ns)", "bpf.record" },
	[CLASSIC_BPF_REPORT] = { "bpf_report", "normal(200ns, 10ns)", "bpf.report" },
	[CLASSIC_PERF]       = { "perf_output", "normal(24ns, 8ns)", "perf" },
	[CLASSIC_DEQUEUE]    = { "dequeue", "normal(4ns, 1ns)", "dequeue" },
};

struct classic_cfg {
	uint64_t processes;          /* P */
	int64_t lifetime;            /* initial remaining clock, ns */
	uint64_t cpus;
	double threshold;            /* ns: perf output when qlat > threshold */
	uint64_t horizon;            /* ns: stop at events due at or after it */
	uint64_t loop_limit;         /* at most loop_limit - 1 events */
	uint64_t contention_offset;  /* k in contention = load - k */
	double map_scale;            /* entries: map factor 1 + (size/scale)^2 */
	int storage;                 /* STORAGE_* */
	double mean[CLASSIC_NLAT];   /* ns */
	double sd[CLASSIC_NLAT];     /* ns */
	struct classic_hooks hooks;  /* tests only; zero in production */
};

/* A process has exactly one pending Start/Queue/Run/Dequeue event at any
 * time, so the values those events carry in the published model live here
 * (the event's data is the process index, its target the CPU). */
struct classic_proc {
	int64_t clock;               /* remaining clock, ns */
	int64_t qlat;                /* queue latency of the pending Queue, ns */
};

struct classic_run {
	const struct classic_cfg *cfg;
	gsl_rng *rng[CLASSIC_NLAT];
	uint64_t *load;              /* per CPU: runnable processes */
	struct classic_proc *proc;   /* P entries */
	int64_t bpf, run;            /* accumulators, ns (start at 1) */
	uint64_t map_size;           /* global map occupancy, entries */
	uint64_t misses;             /* reports that found map_size == 0 */
	uint64_t done;               /* processes finished */
	uint64_t counter;            /* the published loop counter (from 1) */
	uint64_t processed;          /* events processed */
	uint64_t last;               /* ns: time of the last processed event */
};

static void classic_config_free(void *p)
{
	free(p);
}

/* latency.<key>: a normal (or constant) duration; keep its mean and sd. */
static int read_latency(struct ynode *sec, int i, struct classic_cfg *c,
			struct err *e)
{
	struct dist *d = NULL;
	if (cfg_dist(sec, lat_keys[i].key, lat_keys[i].def, DIST_DURATION, &d, e))
		return e->status;
	enum dist_kind k = dist_kind(d);
	if (k != DIST_NORMAL && k != DIST_CONSTANT) {
		cfg_error(e, ynode_peek(sec, lat_keys[i].key),
			  "latency.%s must be normal(mean, sd) (the published "
			  "model draws every latency from a normal), not %s",
			  lat_keys[i].key, dist_kind_name(k));
		dist_free(d);
		return e->status;
	}
	c->mean[i] = dist_mean(d);
	c->sd[i] = sqrt(dist_var(d));   /* exact: sqrt(x * x) == |x| in IEEE */
	dist_free(d);
	return 0;
}

static void *classic_configure(struct ynode *root, struct err *e)
{
	struct classic_cfg *c = calloc(1, sizeof(*c));
	struct ynode *work, *lat;
	double lifetime, horizon;
	if (!c) {
		err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		return NULL;
	}
	if (!(work = cfg_section(root, "workload", e)) ||
	    cfg_uint(work, "processes", NULL, 1, 100000000, &c->processes, e) ||
	    cfg_duration(work, "lifetime", "100000ns", 0, 1e15, &lifetime, e) ||
	    cfg_uint(root, "cpus", "8", 1, 65536, &c->cpus, e) ||
	    cfg_duration(root, "threshold", "1000ns", 0, 1e15, &c->threshold, e) ||
	    cfg_duration(root, "horizon", "10s", 1, 1e18, &horizon, e) ||
	    cfg_uint(root, "loop_limit", "10000", 1, UINT64_MAX / 2,
		     &c->loop_limit, e) ||
	    cfg_uint(root, "contention_offset", "4", 0, UINT64_C(1) << 32,
		     &c->contention_offset, e) ||
	    cfg_number(root, "map_scale", "1024", 1, 1e15, &c->map_scale, e) ||
	    cfg_enum(root, "storage", "hash", classic_storages, &c->storage, e) ||
	    !(lat = cfg_section(root, "latency", e)))
		goto fail;
	for (int i = 0; i < CLASSIC_NLAT; i++)
		if (read_latency(lat, i, c, e))
			goto fail;
	/* Whole ns, like every latency (a fractional lifetime is rounded). */
	c->lifetime = (int64_t)llround(lifetime);
	c->horizon = (uint64_t)llround(horizon);
	return c;
fail:
	classic_config_free(c);
	return NULL;
}

static void classic_fini(void *p)
{
	struct classic_run *r = p;
	if (!r)
		return;
	free(r->load);
	free(r->proc);
	free(r);
}

/* One latency: raw normal draw, times (or divided by) factor, rint().
 * A non-finite or absurd result (|x| >= 2^62 ns) fails the run. */
static int64_t draw(struct sim *s, struct classic_run *r,
		    enum classic_latency which, double factor, int divide)
{
	const struct classic_cfg *c = r->cfg;
	double x = c->hooks.draw
		? c->hooks.draw(c->hooks.ctx, which, c->mean[which], c->sd[which])
		: c->mean[which] + gsl_ran_gaussian(r->rng[which], c->sd[which]);
	x = rint(divide ? x / factor : x * factor);
	if (!(fabs(x) < 0x1p62)) {
		sim_fail(s, "classic: latency %s out of range (%g ns)",
			 lat_keys[which].key, x);
		return 0;
	}
	return (int64_t)x;
}

/* Schedule `kind` due at `due` (raw: may be before now; sim_schedule_at
 * queues it at now), target cpu, data = process index. */
static void sched(struct sim *s, struct classic_run *r, int64_t due,
		  enum classic_event kind, uint32_t cpu, uint64_t proc)
{
	uint64_t t = due < 0 ? 0 : (uint64_t)due;
	if (sim_schedule_at(s, t, kind, cpu, proc)) {
		sim_fail(s, "out of memory");
		return;
	}
	if (r->cfg->hooks.trace) {
		int life = kind != CLASSIC_EV_RECORD && kind != CLASSIC_EV_REPORT;
		struct classic_trace tr = {
			.phase = CLASSIC_TRACE_SCHEDULE, .kind = kind,
			.now = s->now, .due = due, .time = t < s->now ? s->now : t,
			.cpu = cpu, .proc = proc,
			.clock = life ? r->proc[proc].clock : 0,
			.qlat = kind == CLASSIC_EV_QUEUE ? r->proc[proc].qlat : 0,
		};
		r->cfg->hooks.trace(r->cfg->hooks.ctx, &tr);
	}
}

static void *classic_init(struct sim *s, const void *cfgp, struct err *e)
{
	const struct classic_cfg *c = cfgp;
	struct classic_run *r = calloc(1, sizeof(*r));
	if (!r)
		goto oom;
	r->cfg = c;
	for (int i = 0; i < CLASSIC_NLAT; i++)
		if (!(r->rng[i] = sim_rng(s, lat_keys[i].stream)))
			goto oom;
	r->load = calloc(c->cpus, sizeof(*r->load));
	r->proc = calloc(c->processes, sizeof(*r->proc));
	if (!r->load || !r->proc)
		goto oom;
	r->bpf = 1;        /* quirk: both accumulators start at 1 */
	r->run = 1;
	r->counter = 1;    /* quirk: the loop counter starts at 1 */
	/* "Stop when the next event's time is >= horizon": the engine's check. */
	if (s->end > c->horizon)
		s->end = c->horizon;
	for (uint64_t p = 0; p < c->processes; p++) {
		r->proc[p].clock = c->lifetime;
		sched(s, r, 0, CLASSIC_EV_START, 0, p);
		if (s->status == SIM_FAILED)
			goto oom;
	}
	if (r->counter >= c->loop_limit)
		sim_stop(s);   /* loop_limit 1: no event at all */
	return r;
oom:
	classic_fini(r);
	err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	return NULL;
}

/* Least-loaded CPU, lowest index on ties. */
static uint32_t least_loaded(const struct classic_run *r)
{
	uint32_t best = 0;
	for (uint32_t i = 1; i < r->cfg->cpus; i++)
		if (r->load[i] < r->load[best])
			best = i;
	return best;
}

static double contention(const struct classic_run *r, uint32_t cpu)
{
	uint64_t l = r->load[cpu], k = r->cfg->contention_offset;
	return l > k ? (double)(l - k) : 1.0;
}

static double map_factor(const struct classic_run *r)
{
	if (r->cfg->storage == STORAGE_TASK)
		return 1.0;
	double x = (double)r->map_size / r->cfg->map_scale;
	return 1.0 + x * x;
}

static void on_start(struct sim *s, struct classic_run *r, uint64_t p)
{
	uint32_t cpu = least_loaded(r);
	double mf = map_factor(r);
	int64_t t = (int64_t)s->now;
	int64_t a = draw(s, r, CLASSIC_BPF_RECORD, mf, 0);
	int64_t b = draw(s, r, CLASSIC_BPF_REPORT, mf, 0);
	int64_t q = draw(s, r, CLASSIC_QUEUE, contention(r, cpu), 0);

	r->proc[p].qlat = q;
	sched(s, r, t + a, CLASSIC_EV_RECORD, cpu, p);
	sched(s, r, t + q, CLASSIC_EV_QUEUE, cpu, p);
	sched(s, r, t + q + b, CLASSIC_EV_REPORT, cpu, p);
	r->load[cpu]++;
	r->bpf += a + b;   /* quirk: charged again by the first Queue */
	r->run += q;
}

static void on_queue(struct sim *s, struct classic_run *r, uint32_t cpu,
		     uint64_t p)
{
	struct classic_proc *pr = &r->proc[p];
	double mf = map_factor(r);
	int64_t t = (int64_t)s->now;
	int64_t a = draw(s, r, CLASSIC_BPF_RECORD, mf, 0);
	int64_t b = draw(s, r, CLASSIC_BPF_REPORT, mf, 0);
	int64_t perf = draw(s, r, CLASSIC_PERF, 1.0, 0);
	int64_t sl = draw(s, r, CLASSIC_RUN, contention(r, cpu), 1);
	int64_t rep = (double)pr->qlat > r->cfg->threshold ? b + perf : b;
	int64_t left = pr->clock - (sl - (a + rep));   /* quirk: may grow */

	sched(s, r, t + a, CLASSIC_EV_RECORD, cpu, p);
	/* quirk: t already includes qlat, which is added again */
	sched(s, r, t + pr->qlat + rep, CLASSIC_EV_REPORT, cpu, p);
	pr->clock = left > 0 ? left : 0;
	sched(s, r, t + sl, CLASSIC_EV_RUN, cpu, p);
	r->bpf += a + rep;
	r->run += sl;
}

static void on_run(struct sim *s, struct classic_run *r, uint32_t cpu,
		   uint64_t p)
{
	SIM_CHECK(r->load[cpu] > 0);
	if (r->proc[p].clock == 0) {
		r->load[cpu]--;
		r->done++;
		return;
	}
	int64_t d = draw(s, r, CLASSIC_DEQUEUE, 1.0, 0);
	sched(s, r, (int64_t)s->now + d, CLASSIC_EV_DEQUEUE, cpu, p);
	r->run += d;
	r->load[cpu]--;
}

static void on_dequeue(struct sim *s, struct classic_run *r, uint32_t cpu,
		       uint64_t p)
{
	int64_t q = draw(s, r, CLASSIC_QUEUE, contention(r, cpu), 0);
	r->proc[p].qlat = q;
	sched(s, r, (int64_t)s->now + q, CLASSIC_EV_QUEUE, cpu, p);
	r->load[cpu]++;
	r->run += q;
}

static void classic_handle(struct sim *s, void *state,
			   const struct evq_event *ev)
{
	struct classic_run *r = state;
	const struct classic_cfg *c = r->cfg;
	enum classic_event kind = (enum classic_event)evq_kind(ev);
	uint32_t cpu = ev->target;
	uint64_t p = ev->data;

	SIM_CHECK(cpu < c->cpus && p < c->processes);
	r->processed++;
	r->last = s->now;
	if (c->hooks.trace) {
		int life = kind != CLASSIC_EV_RECORD && kind != CLASSIC_EV_REPORT;
		struct classic_trace tr = {
			.phase = CLASSIC_TRACE_HANDLE, .kind = kind,
			.now = s->now, .due = (int64_t)s->now, .time = s->now,
			.cpu = cpu, .proc = p,
			.clock = life ? r->proc[p].clock : 0,
			.qlat = kind == CLASSIC_EV_QUEUE ? r->proc[p].qlat : 0,
		};
		c->hooks.trace(c->hooks.ctx, &tr);
	}
	switch (kind) {
	case CLASSIC_EV_START:
		on_start(s, r, p);
		break;
	case CLASSIC_EV_QUEUE:
		on_queue(s, r, cpu, p);
		break;
	case CLASSIC_EV_RECORD:
		r->map_size++;
		break;
	case CLASSIC_EV_REPORT:
		if (r->map_size > 0)
			r->map_size--;
		else
			r->misses++;   /* the report overtook its record */
		break;
	case CLASSIC_EV_RUN:
		on_run(s, r, cpu, p);
		break;
	case CLASSIC_EV_DEQUEUE:
		on_dequeue(s, r, cpu, p);
		break;
	default:
		SIM_CHECK(!"unknown classic event");
	}
	if (++r->counter >= c->loop_limit)
		sim_stop(s);   /* quirk: at most loop_limit - 1 events */
}

static void classic_report(struct sim *s, void *state, double *m)
{
	struct classic_run *r = state;
	(void)s;
	m[CLASSIC_M_OVERHEAD_RATIO] = (double)r->bpf / (double)r->run;
	m[CLASSIC_M_BPF_TIME] = (double)r->bpf;
	m[CLASSIC_M_RUN_TIME] = (double)r->run;
	m[CLASSIC_M_MAP_SIZE] = (double)r->map_size;
	m[CLASSIC_M_EVENTS] = (double)r->processed;
	m[CLASSIC_M_REPORT_MISSES] = (double)r->misses;
	m[CLASSIC_M_DONE] = (double)r->done;
	m[CLASSIC_M_SIM_TIME] = (double)r->last;
}

int classic_run_hooked(struct ynode *root, const struct classic_hooks *h,
		       uint64_t seed, uint64_t rep, double *metrics,
		       struct err *e)
{
	struct classic_cfg *c = classic_configure(root, e);
	struct sim s;
	int rc = -1;
	if (!c)
		return -1;
	if (h)
		c->hooks = *h;
	if (sim_init(&s, &model_classic, seed, rep, 0, NULL)) {
		err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		goto out;
	}
	rc = (int)sim_run(&s, c, metrics);
	if (rc == SIM_FAILED)
		err_set(e, s.err.status ? s.err.status : ERR_RUNTIME, NULL, 0, 0,
			"%s", s.err.msg);
out:
	sim_fini(&s);
	classic_config_free(c);
	return rc;
}

static const struct model_param classic_params[] = {
	{ "workload.processes", "count", NULL,
	  "P: processes, all started at t = 0 (the published program's argument)" },
	{ "workload.lifetime", "duration", "100000ns",
	  "initial remaining clock of every process (whole ns)" },
	{ "cpus", "count", "8", "CPUs; a process goes to the least-loaded one, "
	  "lowest index on ties" },
	{ "threshold", "duration", "1000ns",
	  "a Queue whose queue latency exceeds it also pays perf output" },
	{ "horizon", "duration", "10s",
	  "stop when the next event is due at or after it" },
	{ "loop_limit", "count", "10000", "published loop counter limit: "
	  "counts from 1, at most loop_limit - 1 events are processed" },
	{ "contention_offset", "count", "4",
	  "k: contention(cpu) = load - k when load > k, else 1" },
	{ "map_scale", "number", "1024",
	  "hash map factor 1 + (map_size / map_scale)^2" },
	{ "storage", "enum", "hash",
	  "hash | task_storage: map factor as above or 1; the compare key" },
	{ "latency.queue", "dist(duration)", "normal(4ns, 1ns)",
	  "normal only; ProcessQueue, x contention(cpu); stream \"queue\"" },
	{ "latency.run", "dist(duration)", "normal(3ms, 1us)",
	  "normal only; ProcessRun slice, / contention(cpu); stream \"run\"" },
	{ "latency.bpf_record", "dist(duration)", "normal(400ns, 10ns)",
	  "normal only; BpfQueue, x map factor; stream \"bpf.record\"" },
	{ "latency.bpf_report", "dist(duration)", "normal(200ns, 10ns)",
	  "normal only; BpfReport, x map factor; stream \"bpf.report\"" },
	{ "latency.perf_output", "dist(duration)", "normal(24ns, 8ns)",
	  "normal only; BpfPerfOutput, no factor; stream \"perf\"" },
	{ "latency.dequeue", "dist(duration)", "normal(4ns, 1ns)",
	  "normal only; ProcessDequeue, no factor; stream \"dequeue\"" },
	{ NULL, NULL, NULL, NULL },
};

static const struct model_metric classic_metrics[] = {
	[CLASSIC_M_OVERHEAD_RATIO] = { "overhead_ratio", "ratio",
		"bpf / run: the published output", 1 },
	[CLASSIC_M_BPF_TIME] = { "bpf_time", "ns",
		"BPF accumulator (starts at 1; raw, possibly negative draws)", 0 },
	[CLASSIC_M_RUN_TIME] = { "run_time", "ns",
		"run accumulator (starts at 1): queue, slice and dequeue latencies", 0 },
	[CLASSIC_M_MAP_SIZE] = { "map_size", "entries", "final global map size", 0 },
	[CLASSIC_M_EVENTS] = { "events_processed", "count",
		"events processed (at most loop_limit - 1)", 0 },
	[CLASSIC_M_REPORT_MISSES] = { "report_misses", "count",
		"reports that arrived while map_size was 0 (before their record)", 0 },
	[CLASSIC_M_DONE] = { "processes_done", "count",
		"processes whose lifetime ran out (Run with clock 0)", 0 },
	[CLASSIC_M_SIM_TIME] = { "sim_time", "ns",
		"time of the last processed event", 0 },
	[CLASSIC_NMETRICS] = { NULL, NULL, NULL, 0 },
};

const struct model model_classic = {
	.name = "classic",
	.summary = "the published reference model of runqslower's BPF part, "
		   "ported event for event (quirks kept)",
	.params = classic_params,
	.metrics = classic_metrics,
	.strategy_key = "storage",
	.strategies = classic_storages,
	.configure = classic_configure,
	.config_free = classic_config_free,
	.init = classic_init,
	.handle = classic_handle,
	.report = classic_report,
	.fini = classic_fini,
};
