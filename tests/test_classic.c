/* test_classic.c - cmocka tests for models/classic.c (the published model).
 *
 * Pins, through the real engine (classic_run_hooked: sim_init/sim_run, the
 * evq, the model's handlers) with a scripted sampler in place of GSL:
 *   - P = 1 and P = 2 traced by hand from ../shared/reference-model.md (the
 *     tables below were worked out from the spec, not from the code): every
 *     scheduled event (kind, raw due time, queued time, CPU, carried clock and
 *     queue latency) in push order, the processed order, and the final bpf,
 *     run, map_size, misses.  Together they pin: accumulators starting at 1,
 *     rint() half-to-even after the factor, the map factor 1 + (m/1024)^2
 *     read at processing time, the perf-output branch (qlat > threshold),
 *     the qlat counted twice in Queue's Report, the double BPF charge of the
 *     first enqueue, Run(clock > 0) -> Dequeue -> Queue, max(0, ...) on the
 *     clock, misses, and FIFO order of equal times;
 *   - the loop limit: exactly loop_limit - 1 events (9,999 for the spec's
 *     10,000; 1 for 2; 0 for 1), and the horizon's ">=" rule;
 *   - least-loaded placement with ties to the lowest CPU, and contention;
 *   - negative draws: queued at now (never in the past), the raw value in
 *     the accumulators and in later due times;
 *   - with the same seed, task_storage's overhead ratio <= hash's at P=1024.
 * Does not pin: the GSL draws themselves (values depend on the stream
 * seeding of sim/rng.c; the published numbers are random and are compared
 * in the README table, not here), nor behaviour under allocation failure.
 * Every comparison is exact: the model's times and accumulators are whole
 * ns (int64), the ratios compared are of the same computation.
 */
#include "test_util.h"

#include <string.h>
#include "models/classic.h"
#include "sim/sim.h"
#include "sim/ytree.h"

/* The spec's latency table (mean, sd), ns. */
static const double spec_mean[CLASSIC_NLAT] = { 4, 3000000, 400, 200, 24, 4 };
static const double spec_sd[CLASSIC_NLAT] = { 1, 1000, 10, 10, 8, 1 };

/* ---- scripted sampler and trace recorder ------------------------------ */

struct script {
	const double *v[CLASSIC_NLAT];   /* raw draws per latency, in order */
	size_t n[CLASSIC_NLAT], used[CLASSIC_NLAT];
	int bad_params;                  /* draws asked with non-spec mean/sd */
	int exhausted;
};

static double script_draw(void *ctx, enum classic_latency w, double mean,
			  double sd)
{
	struct script *s = ctx;
	if (mean != spec_mean[w] || sd != spec_sd[w])
		s->bad_params++;
	if (s->used[w] >= s->n[w]) {
		s->exhausted++;
		return NAN;   /* fails the run: caught by rc != SIM_DONE */
	}
	return s->v[w][s->used[w]++];
}

#define SCRIPT(arr) arr, sizeof(arr) / sizeof(arr[0])
static void script_set(struct script *s, enum classic_latency w,
		       const double *v, size_t n)
{
	s->v[w] = v;
	s->n[w] = n;
}

enum { LOG_MAX = 64 };

struct log {
	struct classic_trace sched[LOG_MAX], handle[LOG_MAX];
	size_t nsched, nhandle;          /* counted even past LOG_MAX */
	struct script *script;
	int past;                        /* events queued before now */
};

static void log_trace(void *ctx, const struct classic_trace *t)
{
	struct log *l = ctx;
	if (t->time < t->now)
		l->past++;
	if (t->phase == CLASSIC_TRACE_SCHEDULE) {
		if (l->nsched < LOG_MAX)
			l->sched[l->nsched] = *t;
		l->nsched++;
	} else {
		if (l->nhandle < LOG_MAX)
			l->handle[l->nhandle] = *t;
		l->nhandle++;
	}
}

static double log_draw(void *ctx, enum classic_latency w, double mean,
		       double sd)
{
	struct log *l = ctx;
	return script_draw(l->script, w, mean, sd);
}

/* Run the model on YAML text; script NULL = GSL draws; log may be NULL. */
static int run_yaml(const char *yaml, struct script *sc, struct log *lg,
		    uint64_t seed, uint64_t rep, double *m)
{
	struct err e;
	err_init(&e);
	struct ytree *t = ytree_load_buffer("test.yaml", yaml, strlen(yaml), &e);
	assert_non_null(t);
	struct classic_hooks h = { 0 };
	if (lg) {
		lg->script = sc;
		h.ctx = lg;
		h.trace = log_trace;
		if (sc)
			h.draw = log_draw;
	} else if (sc) {
		h.ctx = sc;
		h.draw = script_draw;
	}
	int rc = classic_run_hooked(ytree_root(t), &h, seed, rep, m, &e);
	if (rc != SIM_DONE)
		print_error("run failed (%d): %s\n", rc, e.msg);
	/* A misspelt key in a test's YAML must not pass silently. */
	assert_int_equal(ytree_check_unknown(t, &e), 0);
	ytree_free(t);
	return rc;
}

/* Expected scheduled event: kind, raw due, queued time, cpu, clock, qlat. */
struct exp_sched {
	int kind;                        /* enum classic_event */
	int64_t due;
	uint64_t time;
	uint32_t cpu;
	int64_t clock, qlat;
};

/* Expected processed event: kind, time, cpu. */
struct exp_handle {
	int kind;                        /* enum classic_event */
	uint64_t time;
	uint32_t cpu;
};

static void check_sched(const struct log *l, const struct exp_sched *x,
			size_t n)
{
	assert_int_equal(l->nsched, n);
	for (size_t i = 0; i < n; i++) {
		const struct classic_trace *t = &l->sched[i];
		print_message("# sched %2zu: kind %d due %lld time %llu cpu %u\n",
			      i + 1, t->kind, (long long)t->due,
			      (unsigned long long)t->time, t->cpu);
		assert_int_equal(t->kind, x[i].kind);
		assert_true(t->due == x[i].due);
		assert_true(t->time == x[i].time);
		assert_true(t->time >= t->now);
		/* Start's CPU is chosen when it is processed: 0 until then. */
		if (x[i].kind != CLASSIC_EV_START)
			assert_int_equal(t->cpu, x[i].cpu);
		assert_true(t->clock == x[i].clock);
		assert_true(t->qlat == x[i].qlat);
	}
}

static void check_handle(const struct log *l, const struct exp_handle *x,
			 size_t n)
{
	assert_int_equal(l->nhandle, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(l->handle[i].kind, x[i].kind);
		assert_true(l->handle[i].time == x[i].time);
		if (x[i].kind != CLASSIC_EV_START)
			assert_int_equal(l->handle[i].cpu, x[i].cpu);
	}
}

static void check_script_used(const struct script *s)
{
	assert_int_equal(s->bad_params, 0);
	assert_int_equal(s->exhausted, 0);
	for (int w = 0; w < CLASSIC_NLAT; w++)
		assert_int_equal(s->used[w], s->n[w]);
}

enum { S = CLASSIC_EV_START, Q = CLASSIC_EV_QUEUE, REC = CLASSIC_EV_RECORD,
       REP = CLASSIC_EV_REPORT, RUN = CLASSIC_EV_RUN, DEQ = CLASSIC_EV_DEQUEUE };

/* ---- (1) P = 1 by hand ------------------------------------------------- */

/* Spec defaults (lifetime 100000, threshold 1000, 8 CPUs, map 1024).
 * Raw draws are chosen off the integers so rounding and factors show:
 *   record 400.5, 401.5, 400.4999   report 199.5, 200.5, 200.4999
 *   queue 4.5, 1500.5   perf 24.5, 23.5   run 60000.5, 60000   dequeue 3.5
 * (the slice is scripted short so the process comes back once).
 *
 *  t      event                draws (after factor, rint)       effect
 *  0      Start(100000)        cpu 0 (all 0); m=0 f=1:          load0=1
 *                              a=rint(400.5)=400 b=rint(199.5)  bpf=1+400+200=601
 *                              =200 q=rint(4.5*1)=4             run=1+4=5
 *                              Record@400 Queue(4)@4 Report@4+200=204
 *  4      Queue(4,100000,c0)   m=0: a=402 b=200 p=24 s=60000    bpf=601+402+200=1203
 *                              4 <= 1000: r=b=200               run=5+60000=60005
 *                              Record@406 Report@4+4+200=208
 *                              Run(100000-(60000-602)=40602)@60004
 *  204    Report               m=0: miss 1
 *  208    Report               m=0: miss 2
 *  400    Record               m=1
 *  406    Record               m=2
 *  60004  Run(40602,c0)        d=rint(3.5)=4: Dequeue@60008     run=60009, load0=0
 *  60008  Dequeue(40602,c0)    load0=0 -> c=1: q=1500           run=61509, load0=1
 *                              Queue(1500)@61508
 *  61508  Queue(1500,40602)    m=2: f=1+(2/1024)^2=1+2^-18      bpf=1203+401+225=1829
 *                              a=rint(400.4999 f=400.5014)=401  run=61509+60000=121509
 *                              b=rint(200.4999 f=200.5007)=201
 *                              p=rint(23.5)=24 s=60000; 1500 > 1000: r=b+p=225
 *                              Record@61909 Report@61508+1500+225=63233
 *                              Run(max(0,40602-(60000-626)))=Run(0)@121508
 *  61909  Record               m=3
 *  63233  Report               m=2
 *  121508 Run(0,c0)            done, load0=0
 * Final: bpf 1829, run 121509, map_size 2 (= 2P), misses 2, 12 events. */
static void test_trace_p1(void **state)
{
	static const double rec[] = { 400.5, 401.5, 400.4999 };
	static const double rep[] = { 199.5, 200.5, 200.4999 };
	static const double que[] = { 4.5, 1500.5 };
	static const double perf[] = { 24.5, 23.5 };
	static const double run[] = { 60000.5, 60000 };
	static const double deq[] = { 3.5 };
	static const struct exp_sched xs[] = {
		{ S, 0, 0, 0, 100000, 0 },
		{ REC, 400, 400, 0, 0, 0 },
		{ Q, 4, 4, 0, 100000, 4 },
		{ REP, 204, 204, 0, 0, 0 },
		{ REC, 406, 406, 0, 0, 0 },
		{ REP, 208, 208, 0, 0, 0 },
		{ RUN, 60004, 60004, 0, 40602, 0 },
		{ DEQ, 60008, 60008, 0, 40602, 0 },
		{ Q, 61508, 61508, 0, 40602, 1500 },
		{ REC, 61909, 61909, 0, 0, 0 },
		{ REP, 63233, 63233, 0, 0, 0 },
		{ RUN, 121508, 121508, 0, 0, 0 },
	};
	static const struct exp_handle xh[] = {
		{ S, 0, 0 }, { Q, 4, 0 }, { REP, 204, 0 }, { REP, 208, 0 },
		{ REC, 400, 0 }, { REC, 406, 0 }, { RUN, 60004, 0 },
		{ DEQ, 60008, 0 }, { Q, 61508, 0 }, { REC, 61909, 0 },
		{ REP, 63233, 0 }, { RUN, 121508, 0 },
	};
	struct script sc = { 0 };
	struct log lg = { 0 };
	double m[CLASSIC_NMETRICS];

	(void)state;
	script_set(&sc, CLASSIC_BPF_RECORD, SCRIPT(rec));
	script_set(&sc, CLASSIC_BPF_REPORT, SCRIPT(rep));
	script_set(&sc, CLASSIC_QUEUE, SCRIPT(que));
	script_set(&sc, CLASSIC_PERF, SCRIPT(perf));
	script_set(&sc, CLASSIC_RUN, SCRIPT(run));
	script_set(&sc, CLASSIC_DEQUEUE, SCRIPT(deq));
	assert_int_equal(run_yaml("workload: {processes: 1}\n", &sc, &lg, 1, 0, m),
			 SIM_DONE);
	check_script_used(&sc);
	check_sched(&lg, xs, sizeof(xs) / sizeof(xs[0]));
	check_handle(&lg, xh, sizeof(xh) / sizeof(xh[0]));
	assert_true(m[CLASSIC_M_BPF_TIME] == 1829);
	assert_true(m[CLASSIC_M_RUN_TIME] == 121509);
	assert_true(m[CLASSIC_M_OVERHEAD_RATIO] == 1829.0 / 121509.0);
	assert_true(m[CLASSIC_M_MAP_SIZE] == 2);
	assert_true(m[CLASSIC_M_REPORT_MISSES] == 2);
	assert_true(m[CLASSIC_M_EVENTS] == 12);
	assert_true(m[CLASSIC_M_DONE] == 1);
	assert_true(m[CLASSIC_M_SIM_TIME] == 121508);
	assert_int_equal(lg.past, 0);
}

/* ---- (2) P = 2 by hand ------------------------------------------------- */

/* Draws: record 400 x4, report 200 x4, queue 4.5, 5.5, perf 24 x2,
 * run 3000000.5, 2999999.5 (both rint to 3000000, half to even).
 *
 *  t     event              effect
 *  0     Start p0           cpu 0 (all idle); a=400 b=200 q=rint(4.5)=4
 *                           Record@400 Queue(4)@4 Report@204; load0=1
 *                           bpf=601 run=5
 *  0     Start p1           cpu 1 (least loaded, lowest index); q=rint(5.5)=6
 *                           Record@400 Queue(6)@6 Report@206; load1=1
 *                           bpf=1201 run=11
 *  4     Queue(4) p0 c0     m=0: a=400 b=200 p=24 s=3000000, r=200
 *                           Record@404 Report@208 Run(max(0,100000-
 *                           (3000000-600))=0)@3000004; bpf=1801 run=3000011
 *  6     Queue(6) p1 c1     Record@406 Report@6+6+200=212 Run(0)@3000006
 *                           bpf=2401 run=6000011
 *  204, 206, 208, 212       four Reports with m=0: misses 4
 *  400 (c0 first: FIFO), 400 (c1), 404, 406   Records: m=4
 *  3000004 Run(0) c0, 3000006 Run(0) c1       both done
 * Final: bpf 2401, run 6000011, map_size 4 (= 2P), misses 4, 14 events. */
static void test_trace_p2(void **state)
{
	static const double rec[] = { 400, 400, 400, 400 };
	static const double rep[] = { 200, 200, 200, 200 };
	static const double que[] = { 4.5, 5.5 };
	static const double perf[] = { 24, 24 };
	static const double run[] = { 3000000.5, 2999999.5 };
	static const struct exp_sched xs[] = {
		{ S, 0, 0, 0, 100000, 0 },
		{ S, 0, 0, 0, 100000, 0 },
		{ REC, 400, 400, 0, 0, 0 },
		{ Q, 4, 4, 0, 100000, 4 },
		{ REP, 204, 204, 0, 0, 0 },
		{ REC, 400, 400, 1, 0, 0 },
		{ Q, 6, 6, 1, 100000, 6 },
		{ REP, 206, 206, 1, 0, 0 },
		{ REC, 404, 404, 0, 0, 0 },
		{ REP, 208, 208, 0, 0, 0 },
		{ RUN, 3000004, 3000004, 0, 0, 0 },
		{ REC, 406, 406, 1, 0, 0 },
		{ REP, 212, 212, 1, 0, 0 },
		{ RUN, 3000006, 3000006, 1, 0, 0 },
	};
	static const struct exp_handle xh[] = {
		{ S, 0, 0 }, { S, 0, 0 }, { Q, 4, 0 }, { Q, 6, 1 },
		{ REP, 204, 0 }, { REP, 206, 1 }, { REP, 208, 0 }, { REP, 212, 1 },
		{ REC, 400, 0 }, { REC, 400, 1 }, { REC, 404, 0 }, { REC, 406, 1 },
		{ RUN, 3000004, 0 }, { RUN, 3000006, 1 },
	};
	struct script sc = { 0 };
	struct log lg = { 0 };
	double m[CLASSIC_NMETRICS];

	(void)state;
	script_set(&sc, CLASSIC_BPF_RECORD, SCRIPT(rec));
	script_set(&sc, CLASSIC_BPF_REPORT, SCRIPT(rep));
	script_set(&sc, CLASSIC_QUEUE, SCRIPT(que));
	script_set(&sc, CLASSIC_PERF, SCRIPT(perf));
	script_set(&sc, CLASSIC_RUN, SCRIPT(run));
	assert_int_equal(run_yaml("workload: {processes: 2}\n", &sc, &lg, 1, 0, m),
			 SIM_DONE);
	check_script_used(&sc);
	check_sched(&lg, xs, sizeof(xs) / sizeof(xs[0]));
	check_handle(&lg, xh, sizeof(xh) / sizeof(xh[0]));
	assert_true(lg.handle[0].proc == 0 && lg.handle[1].proc == 1);
	assert_true(m[CLASSIC_M_BPF_TIME] == 2401);
	assert_true(m[CLASSIC_M_RUN_TIME] == 6000011);
	assert_true(m[CLASSIC_M_MAP_SIZE] == 4);
	assert_true(m[CLASSIC_M_REPORT_MISSES] == 4);
	assert_true(m[CLASSIC_M_EVENTS] == 14);
	assert_true(m[CLASSIC_M_DONE] == 2);
	assert_true(m[CLASSIC_M_SIM_TIME] == 3000006);
}

/* ---- (3) loop limit and horizon ---------------------------------------- */

/* The spec: the counter starts at 1 and the loop stops when it reaches the
 * limit, so 10,000 -> 9,999 processed.  P = 4096 has far more than 10^4
 * events pending at start-up (4096 Starts, each scheduling three). */
static void test_loop_limit(void **state)
{
	static const struct { const char *yaml; double want; } c[] = {
		{ "workload: {processes: 4096}\n", 9999 },
		{ "workload: {processes: 4096}\nloop_limit: 2\n", 1 },
		{ "workload: {processes: 4096}\nloop_limit: 1\n", 0 },
		/* P = 1 has only 7 events: the limit does not bind. */
		{ "workload: {processes: 1}\n", 7 },
	};
	double m[CLASSIC_NMETRICS];

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct log lg = { 0 };
		assert_int_equal(run_yaml(c[i].yaml, NULL, &lg, 1, 0, m), SIM_DONE);
		assert_true(m[CLASSIC_M_EVENTS] == c[i].want);
		assert_true((double)lg.nhandle == c[i].want);
	}
}

/* Horizon: the P = 1 script of test_trace_p1 with the horizon exactly at the
 * first Run (60004 ns): an event due at the horizon is not processed (>=),
 * so 6 events; one ns later the Run is processed, the Dequeue (60008) is not:
 * 7 events. */
static void test_horizon(void **state)
{
	static const double rec[] = { 400.5, 401.5 };
	static const double rep[] = { 199.5, 200.5 };
	static const double que[] = { 4.5 };
	static const double perf[] = { 24.5 };
	static const double run[] = { 60000.5 };
	static const double deq[] = { 3.5 };
	static const struct { const char *yaml; double events, last; } c[] = {
		{ "workload: {processes: 1}\nhorizon: 60004ns\n", 6, 406 },
		{ "workload: {processes: 1}\nhorizon: 60005ns\n", 7, 60004 },
	};
	double m[CLASSIC_NMETRICS];

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct script sc = { 0 };
		script_set(&sc, CLASSIC_BPF_RECORD, SCRIPT(rec));
		script_set(&sc, CLASSIC_BPF_REPORT, SCRIPT(rep));
		script_set(&sc, CLASSIC_QUEUE, SCRIPT(que));
		script_set(&sc, CLASSIC_PERF, SCRIPT(perf));
		script_set(&sc, CLASSIC_RUN, SCRIPT(run));
		script_set(&sc, CLASSIC_DEQUEUE, SCRIPT(deq));
		sc.n[CLASSIC_DEQUEUE] = i;   /* the Run draws d only when processed */
		assert_int_equal(run_yaml(c[i].yaml, &sc, NULL, 1, 0, m), SIM_DONE);
		check_script_used(&sc);
		assert_true(m[CLASSIC_M_EVENTS] == c[i].events);
		assert_true(m[CLASSIC_M_SIM_TIME] == c[i].last);
	}
}

/* ---- perf-output threshold ------------------------------------------- */

/* "r = b + p when qlat > threshold": strict.  P = 1, queue draw exactly 1000
 * (= threshold) then 1001.  Start: a=400 b=200 q; Queue at t = q draws
 * a=400 b=200 p=24 s=3000000 and schedules its Report at q + q + r:
 *   q = 1000: r = 200,      Report due 2200, bpf = 1 + 600 + 400 + 200 = 1201
 *   q = 1001: r = 200 + 24, Report due 2226, bpf = 1 + 600 + 400 + 224 = 1225 */
static void test_threshold(void **state)
{
	static const double rec[] = { 400, 400 };
	static const double rep[] = { 200, 200 };
	static const double perf[] = { 24 };
	static const double run[] = { 3e6 };
	static const double que[2][1] = { { 1000 }, { 1001 } };
	static const int64_t want_due[] = { 2200, 2226 };
	static const double want_bpf[] = { 1201, 1225 };
	double m[CLASSIC_NMETRICS];

	(void)state;
	for (int i = 0; i < 2; i++) {
		struct script sc = { 0 };
		struct log lg = { 0 };
		script_set(&sc, CLASSIC_BPF_RECORD, SCRIPT(rec));
		script_set(&sc, CLASSIC_BPF_REPORT, SCRIPT(rep));
		script_set(&sc, CLASSIC_PERF, SCRIPT(perf));
		script_set(&sc, CLASSIC_RUN, SCRIPT(run));
		script_set(&sc, CLASSIC_QUEUE, que[i], 1);
		assert_int_equal(run_yaml("workload: {processes: 1}\n", &sc, &lg,
					  1, 0, m), SIM_DONE);
		check_script_used(&sc);
		/* Start, Record, Queue, Report, then Queue's Record, Report. */
		assert_true(lg.nsched >= 6);
		assert_int_equal(lg.sched[5].kind, CLASSIC_EV_REPORT);
		assert_true(lg.sched[5].due == want_due[i]);
		assert_true(m[CLASSIC_M_BPF_TIME] == want_bpf[i]);
	}
}

/* ---- (4) placement and contention ------------------------------------- */

/* 3 CPUs, 7 processes, all Starts at t = 0 (loads only grow meanwhile):
 * loads (0,0,0) -> 0; (1,0,0) -> 1; (1,1,0) -> 2; (1,1,1) tie -> 0;
 * (2,1,1) tie 1/2 -> 1; (2,2,1) -> 2; (2,2,2) tie -> 0.  The CPU is read off
 * the Queue each Start schedules. */
static void test_least_loaded(void **state)
{
	static const uint32_t want[] = { 0, 1, 2, 0, 1, 2, 0 };
	double m[CLASSIC_NMETRICS];
	struct log lg = { 0 };
	size_t k = 0;

	(void)state;
	assert_int_equal(run_yaml("workload: {processes: 7}\ncpus: 3\n"
				  "loop_limit: 8\n", NULL, &lg, 1, 0, m),
			 SIM_DONE);
	/* loop_limit 8: exactly the 7 Starts are processed. */
	assert_true(m[CLASSIC_M_EVENTS] == 7);
	for (size_t i = 0; i < lg.nsched && i < LOG_MAX; i++) {
		if (lg.sched[i].kind != CLASSIC_EV_QUEUE)
			continue;
		assert_true(k < 7);
		assert_int_equal(lg.sched[i].proc, k);
		assert_int_equal(lg.sched[i].cpu, want[k]);
		k++;
	}
	assert_int_equal(k, 7);
}

/* One CPU, 7 processes, every queue draw 4.3 and run draw 3000000.
 * Start k sees load k: contention 1 for loads 0..5 (load - 4 only when
 * load > 4, and 5 - 4 = 1), 2 for load 6: q = rint(4.3) = 4 six times, then
 * rint(8.6) = 9.  The Queues (t = 4 and 9) see load 7: contention 3, slice
 * rint(3000000 / 3) = 1000000, so every Run is due 1000000 after its Queue. */
static void test_contention(void **state)
{
	static const double que[] = { 4.3, 4.3, 4.3, 4.3, 4.3, 4.3, 4.3 };
	static const double rec[14] = { 400, 400, 400, 400, 400, 400, 400,
					400, 400, 400, 400, 400, 400, 400 };
	static const double rep[14] = { 200, 200, 200, 200, 200, 200, 200,
					200, 200, 200, 200, 200, 200, 200 };
	static const double perf[] = { 24, 24, 24, 24, 24, 24, 24 };
	static const double run[] = { 3e6, 3e6, 3e6, 3e6, 3e6, 3e6, 3e6 };
	static const int64_t want_q[] = { 4, 4, 4, 4, 4, 4, 9 };
	struct script sc = { 0 };
	struct log lg = { 0 };
	double m[CLASSIC_NMETRICS];
	size_t nq = 0, nrun = 0;

	(void)state;
	script_set(&sc, CLASSIC_QUEUE, SCRIPT(que));
	script_set(&sc, CLASSIC_BPF_RECORD, SCRIPT(rec));
	script_set(&sc, CLASSIC_BPF_REPORT, SCRIPT(rep));
	script_set(&sc, CLASSIC_PERF, SCRIPT(perf));
	script_set(&sc, CLASSIC_RUN, SCRIPT(run));
	assert_int_equal(run_yaml("workload: {processes: 7}\ncpus: 1\n", &sc,
				  &lg, 1, 0, m), SIM_DONE);
	check_script_used(&sc);
	assert_true(lg.nsched <= LOG_MAX);
	for (size_t i = 0; i < lg.nsched; i++) {
		const struct classic_trace *t = &lg.sched[i];
		if (t->kind == CLASSIC_EV_QUEUE) {
			assert_true(t->qlat == want_q[nq]);
			assert_true(t->due == want_q[nq]);
			nq++;
		} else if (t->kind == CLASSIC_EV_RUN) {
			assert_true(t->due == (int64_t)t->now + 1000000);
			nrun++;
		}
	}
	assert_int_equal(nq, 7);
	assert_int_equal(nrun, 7);
	/* 1 + 7 x 4.. : run = 1 + (6*4 + 9) + 7 * 1000000. */
	assert_true(m[CLASSIC_M_RUN_TIME] == 1 + 33 + 7000000);
}

/* ---- (5) negative draws ------------------------------------------------ */

/* Draws: record 400, -500.6, 400; report 200 x3; queue -10.4, 4;
 * perf 24 x2; run 60000 x2; dequeue -7.
 *
 *  t      event               effect
 *  0      Start(100000)       a=400 b=200 q=rint(-10.4)=-10: Record@400,
 *                             Queue(-10) due -10 -> queued at 0,
 *                             Report due -10+200=190; bpf=601 run=1-10=-9
 *  0      Queue(-10,100000)   a=rint(-500.6)=-501 b=200 p=24 s=60000;
 *                             -10 <= 1000: r=200; Record due -501 -> at 0;
 *                             Report due 0-10+200=190;
 *                             Run(100000-(60000-(-501+200))=39699)@60000
 *                             bpf=601-501+200=300 run=-9+60000=59991
 *  0      Record              m=1   (queued at 0 after the Queue: FIFO)
 *  190    Report              m=0
 *  190    Report              miss 1
 *  400    Record              m=1
 *  60000  Run(39699)          d=-7: Dequeue due 59993 -> at 60000;
 *                             run=59984; load0=0
 *  60000  Dequeue(39699)      q=4: Queue(4)@60004; run=59988; load0=1
 *  60004  Queue(4,39699)      m=1: f=1+2^-20, a=rint(400.0004)=400,
 *                             b=rint(200.0002)=200, p=24, s=60000, r=200
 *                             Record@60404 Report@60208
 *                             Run(max(0,39699-59400)=0)@120004
 *                             bpf=900 run=119988
 *  60208 Report m=0; 60404 Record m=1; 120004 Run(0) done
 * Final: bpf 900, run 119988, map_size 1, misses 1, 12 events. */
static void test_negative_draws(void **state)
{
	static const double rec[] = { 400, -500.6, 400 };
	static const double rep[] = { 200, 200, 200 };
	static const double que[] = { -10.4, 4 };
	static const double perf[] = { 24, 24 };
	static const double run[] = { 60000, 60000 };
	static const double deq[] = { -7 };
	static const struct exp_sched xs[] = {
		{ S, 0, 0, 0, 100000, 0 },
		{ REC, 400, 400, 0, 0, 0 },
		{ Q, -10, 0, 0, 100000, -10 },
		{ REP, 190, 190, 0, 0, 0 },
		{ REC, -501, 0, 0, 0, 0 },
		{ REP, 190, 190, 0, 0, 0 },
		{ RUN, 60000, 60000, 0, 39699, 0 },
		{ DEQ, 59993, 60000, 0, 39699, 0 },
		{ Q, 60004, 60004, 0, 39699, 4 },
		{ REC, 60404, 60404, 0, 0, 0 },
		{ REP, 60208, 60208, 0, 0, 0 },
		{ RUN, 120004, 120004, 0, 0, 0 },
	};
	static const struct exp_handle xh[] = {
		{ S, 0, 0 }, { Q, 0, 0 }, { REC, 0, 0 }, { REP, 190, 0 },
		{ REP, 190, 0 }, { REC, 400, 0 }, { RUN, 60000, 0 },
		{ DEQ, 60000, 0 }, { Q, 60004, 0 }, { REP, 60208, 0 },
		{ REC, 60404, 0 }, { RUN, 120004, 0 },
	};
	struct script sc = { 0 };
	struct log lg = { 0 };
	double m[CLASSIC_NMETRICS];

	(void)state;
	script_set(&sc, CLASSIC_BPF_RECORD, SCRIPT(rec));
	script_set(&sc, CLASSIC_BPF_REPORT, SCRIPT(rep));
	script_set(&sc, CLASSIC_QUEUE, SCRIPT(que));
	script_set(&sc, CLASSIC_PERF, SCRIPT(perf));
	script_set(&sc, CLASSIC_RUN, SCRIPT(run));
	script_set(&sc, CLASSIC_DEQUEUE, SCRIPT(deq));
	assert_int_equal(run_yaml("workload: {processes: 1}\n", &sc, &lg, 1, 0, m),
			 SIM_DONE);
	check_script_used(&sc);
	check_sched(&lg, xs, sizeof(xs) / sizeof(xs[0]));
	check_handle(&lg, xh, sizeof(xh) / sizeof(xh[0]));
	assert_int_equal(lg.past, 0);   /* nothing was queued in the past */
	assert_true(m[CLASSIC_M_BPF_TIME] == 900);
	assert_true(m[CLASSIC_M_RUN_TIME] == 119988);
	assert_true(m[CLASSIC_M_MAP_SIZE] == 1);
	assert_true(m[CLASSIC_M_REPORT_MISSES] == 1);
	assert_true(m[CLASSIC_M_EVENTS] == 12);
}

/* ---- (6) hash vs task_storage ------------------------------------------ */

/* Same seed and replication (common random numbers): the map factor is
 * >= 1, so at P = 1024 task_storage's overhead ratio must not exceed hash's.
 * Checked on several replications of the test seed. */
static void test_storage_order(void **state)
{
	uint64_t seed = test_seed(1);
	double mh[CLASSIC_NMETRICS], mt[CLASSIC_NMETRICS];

	(void)state;
	for (uint64_t rep = 0; rep < 5; rep++) {
		assert_int_equal(run_yaml("workload: {processes: 1024}\n"
					  "storage: hash\n", NULL, NULL, seed,
					  rep, mh), SIM_DONE);
		assert_int_equal(run_yaml("workload: {processes: 1024}\n"
					  "storage: task_storage\n", NULL, NULL,
					  seed, rep, mt), SIM_DONE);
		print_message("# rep %llu: hash %.6f task_storage %.6f\n",
			      (unsigned long long)rep,
			      mh[CLASSIC_M_OVERHEAD_RATIO],
			      mt[CLASSIC_M_OVERHEAD_RATIO]);
		assert_true(mt[CLASSIC_M_OVERHEAD_RATIO] <=
			    mh[CLASSIC_M_OVERHEAD_RATIO]);
		assert_true(mh[CLASSIC_M_EVENTS] == 9999);
		assert_true(mt[CLASSIC_M_EVENTS] == 9999);
	}
}

/* Bad input: a non-normal latency is rejected with a positioned error. */
static void test_bad_latency(void **state)
{
	static const char yaml[] = "workload: {processes: 1}\n"
				   "latency: {queue: exponential(4ns)}\n";
	struct err e;
	double m[CLASSIC_NMETRICS];

	(void)state;
	err_init(&e);
	struct ytree *t = ytree_load_buffer("t.yaml", yaml, strlen(yaml), &e);
	assert_non_null(t);
	assert_int_equal(classic_run_hooked(ytree_root(t), NULL, 1, 0, m, &e), -1);
	assert_int_equal(e.status, ERR_INPUT);
	assert_int_equal(e.line, 2);
	assert_non_null(strstr(e.msg, "normal"));
	ytree_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trace_p1),
		cmocka_unit_test(test_trace_p2),
		cmocka_unit_test(test_loop_limit),
		cmocka_unit_test(test_horizon),
		cmocka_unit_test(test_threshold),
		cmocka_unit_test(test_least_loaded),
		cmocka_unit_test(test_contention),
		cmocka_unit_test(test_negative_draws),
		cmocka_unit_test(test_storage_order),
		cmocka_unit_test(test_bad_latency),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
