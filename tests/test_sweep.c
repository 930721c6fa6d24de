/* test_sweep.c - sweep axes, point indexing, and the CI a sweep reports.
 *
 * Pins, deterministically:
 *  - axis parsing (sweep_add_arg, sweep_from_tree): lists (trimmed, empty
 *    items skipped, duplicates dropped); ranges lo:hi:n evenly spaced and
 *    lo:hi:n:log geometric, the last value exactly hi (a spec with '(' is
 *    a value, not a range; ';' separates values that hold commas; a YAML
 *    list keeps its items whole); durations written back in ns
 *    ("5.05e+06ns"), rates in /s, plain decimals with %.6g;
 *    whole-number bounds give whole values, rounded half away from zero,
 *    duplicates dropped (1:3:5 -> 1, 2, 3); n = 1 gives lo.  Errors carry
 *    status 2 and these exact messages: "range '10:1:3' is empty: lo > hi",
 *    "range '1:10:0': n must be a whole number in 1..1000" (also for 2.5 and
 *    1001), "range '1ms:10:3': lo and hi must have the same kind of unit",
 *    "range '1:10' is not lo:hi:n or lo:hi:n:log", "range '0:10:3:log': a
 *    log range needs lo > 0", the unit parser's reason after "range '...': ",
 *    "sweep 'a' has no values" ("sweep 'a' needs 1..1000 values" for an
 *    empty YAML list), "expected PATH=v1,v2,... or PATH=lo:hi:n[:log]",
 *    "at most 8 sweep axes"; a --sweep axis replaces the scenario's axis of
 *    the same path.
 *  - point indexing: the cartesian product in axis order, last axis fastest
 *    (mixed radix), against a nested loop; no axes = one point.
 * Pins, statistically (the "CI coverage on mmc"):
 *  - 1,000 independent experiments, each R = 10 replications of an M/M/1
 *    queue at rho = 0.5 (arrivals exponential(1us), service
 *    exponential(500ns)), experiment e run with scenario seed base + e -
 *    exactly the jobs `bpfsim sweep --sweep seed=...` runs - summarised by
 *    stat_summarize (what report_build and so points.csv use): the 95% CI of
 *    wait_mean contains the exact Erlang C value Wq = rho / (mu - lambda) =
 *    500 ns in 95% +- 3% of the experiments, i.e. 920..980 of 1,000.
 *    The CI is about the expectation of one finite run's mean wait, so the
 *    run must make that expectation Wq: each replication skips 200
 *    customers (the queue starts empty; its relaxation time at rho = 0.5 is
 *    1 / (mu (1 - sqrt(rho))^2) ~ 6 arrivals, so what is left of the
 *    transient after 200 is ~e^-34 of it), then averages the waits of 2,000
 *    customers, each of which then has the stationary distribution (FIFO
 *    waits depend on the past only, so the end of arrivals does not bias
 *    them): the bias is nil against a CI half-width of ~41 ns (8%).
 *    What is left is the t interval's own error on skewed data: replication
 *    means of waits are right-skewed, so the CI misses low more often than
 *    high, and coverage sits near 94.4% (measured: 10,000 experiments gave
 *    94.6%; eight disjoint blocks of 1,000 gave 93.9% to 95.6%).  With 1,000
 *    experiments the binomial sd is 0.7%, so 92% is ~3.5 sd below that.  A
 *    wrong quantile (z = 1.96 instead of t(9) = 2.262 gives ~91%),
 *    correlated replications or seeds, or a bias of half a half-width (~20 ns)
 *    fall out of the band; subtler errors (a variance over n instead of
 *    n - 1: ~93.5%) do not, and are test_stats.c's business.  Set
 *    BPFSIM_TEST_SEED to move the block of seeds.
 *  - a trace is kept once across a sweep's points and a scenario's
 *    strategies (the same arrays), and apart where a point's differs.
 * Does not pin: run-length control (tests/cli/sweep_precision.sh runs the
 * sweep command and checks its stopping rule), nor speed.  Runtime ~5 s
 * under ASan on 2 cores.
 */
#include "test_util.h"
#include "models/registry.h"
#include <string.h>
#include <unistd.h>
#include "models/runqslower/internal.h"
#include "sim/cli/env.h"
#include "sim/exp/experiment.h"
#include "sim/exp/runner.h"
#include "sim/exp/sweep.h"
#include "sim/stats.h"
#include "sim/ytree.h"

static uint64_t seed;

/* ---- axes -------------------------------------------------------------- */

/* Parse --sweep ARG into a fresh sweep; its only axis must hold vals. */
static void expect_values(const char *arg, const char *const *vals, size_t n)
{
	struct sweep sw;
	struct err e;
	sweep_init(&sw);
	err_init(&e);
	if (sweep_add_arg(&sw, arg, &e))
		fail_msg("--sweep '%s' failed: %s", arg, e.msg);
	assert_int_equal(sw.naxes, 1);
	if (sw.axes[0].n != n)
		fail_msg("--sweep '%s': %zu values, want %zu", arg, sw.axes[0].n, n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(sw.axes[0].values[i], vals[i]))
			fail_msg("--sweep '%s': value %zu is '%s', want '%s'", arg, i,
				 sw.axes[0].values[i], vals[i]);
	sweep_fini(&sw);
}

#define EXPECT(arg, ...) do { \
	static const char *const v_[] = { __VA_ARGS__ }; \
	expect_values(arg, v_, sizeof(v_) / sizeof(v_[0])); \
} while (0)

/* --sweep ARG must fail with status 2 and exactly msg. */
static void expect_error(const char *arg, const char *msg)
{
	struct sweep sw;
	struct err e;
	sweep_init(&sw);
	err_init(&e);
	int rc = sweep_add_arg(&sw, arg, &e);
	if (rc != ERR_INPUT || e.status != ERR_INPUT || strcmp(e.msg, msg))
		fail_msg("--sweep '%s': status %d, message '%s'; want 2, '%s'", arg,
			 e.status, e.msg, msg);
	/* The position names the option. */
	char where[300];
	snprintf(where, sizeof(where), "--sweep '%s'", arg);
	assert_string_equal(e.file, where);
	sweep_fini(&sw);
}

static void test_lists(void **state)
{
	(void)state;
	EXPECT("workload.processes=100, 1000 ,10000", "100", "1000", "10000");
	EXPECT("a=hash", "hash");
	EXPECT("a=1,,2,", "1", "2");
	EXPECT("a=1,1,2,1", "1", "2");   /* duplicates dropped */
	/* A list may hold anything scenario text does, colons included. */
	EXPECT("service=exponential(1us),constant(2us)", "exponential(1us)",
	       "constant(2us)");
	EXPECT("a=1:2,3", "1:2", "3");
	/* Values with commas of their own: ';' separates instead. */
	EXPECT("service=normal(1us, 100ns);normal(2us, 200ns)",
	       "normal(1us, 100ns)", "normal(2us, 200ns)");
	EXPECT("service=normal(1us, 100ns);", "normal(1us, 100ns)");
	EXPECT("service=uniform(1us:2us)", "uniform(1us:2us)");   /* not a range */
}

static void test_ranges(void **state)
{
	(void)state;
	EXPECT("a=1:10:4", "1", "4", "7", "10");
	EXPECT("a=-5:5:3", "-5", "0", "5");
	EXPECT("a=0.5:1.5:3", "0.5", "1", "1.5");
	EXPECT("a=1e3:1e4:2", "1000", "10000");   /* not whole digits: %.6g */
	EXPECT("a=5:5:1", "5");
	EXPECT("a=1:10:1", "1");                  /* n = 1: lo */
	/* Units: durations in ns, rates per second. */
	EXPECT("workload.lifetime=100us:10ms:3", "100000ns", "5.05e+06ns",
	       "1e+07ns");
	EXPECT("workload.rate=1000/s:3000/s:3", "1000/s", "2000/s", "3000/s");
	/* Log spacing. */
	EXPECT("a=100us:10ms:3:log", "100000ns", "1e+06ns", "1e+07ns");
	EXPECT("a=10ms:1s:3:log", "1e+07ns", "1e+08ns", "1e+09ns");
	EXPECT("a=1:1000:4:log", "1", "10", "100", "1000");
	/* Whole numbers: rounded (half away from zero), duplicates dropped. */
	EXPECT("a=1:3:5", "1", "2", "3");          /* 1 1.5 2 2.5 3 */
	EXPECT("a=1:2:1000", "1", "2");
	EXPECT("a=1:100:4:log", "1", "5", "22", "100");   /* 4.64, 21.5 */
	struct sweep sw;
	struct err e;
	sweep_init(&sw);
	err_init(&e);
	assert_int_equal(sweep_add_arg(&sw, "a=100us:10ms:3:log", &e), 0);
	assert_int_equal(sw.axes[0].log, 1);
	assert_int_equal(sweep_add_arg(&sw, "b=1:2:2", &e), 0);
	assert_int_equal(sw.axes[1].log, 0);
	sweep_fini(&sw);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("a=10:1:3", "range '10:1:3' is empty: lo > hi");
	expect_error("a=1ms:1us:3", "range '1ms:1us:3' is empty: lo > hi");
	expect_error("a=1:10:0", "range '1:10:0': n must be a whole number in 1..1000");
	expect_error("a=1:10:2.5", "range '1:10:2.5': n must be a whole number in 1..1000");
	expect_error("a=1:10:1001", "range '1:10:1001': n must be a whole number in 1..1000");
	expect_error("a=1:10:x", "range '1:10:x': n must be a whole number in 1..1000");
	expect_error("a=1ms:10:3", "range '1ms:10:3': lo and hi must have the same kind of unit");
	expect_error("a=1/s:10ms:3", "range '1/s:10ms:3': lo and hi must have the same kind of unit");
	expect_error("a=1:10", "range '1:10' is not lo:hi:n or lo:hi:n:log");
	expect_error("a=1:10:3:lin", "range '1:10:3:lin' is not lo:hi:n or lo:hi:n:log");
	expect_error("a=1:2:3:log:x", "range '1:2:3:log:x' is not lo:hi:n or lo:hi:n:log");
	expect_error("a=0:10:3:log", "range '0:10:3:log': a log range needs lo > 0");
	expect_error("a=1xs:10ms:3", "range '1xs:10ms:3': unknown unit 'xs' in '1xs' "
		     "(expected ns, us, ms or s)");
	expect_error("a=", "sweep 'a' has no values");
	expect_error("a= , ,", "sweep 'a' has no values");
	expect_error("=1,2", "expected PATH=v1,v2,... or PATH=lo:hi:n[:log]");
	expect_error("a", "expected PATH=v1,v2,... or PATH=lo:hi:n[:log]");
	/* At most SWEEP_MAX_AXES axes; the same path replaces, not adds. */
	struct sweep sw;
	struct err e;
	sweep_init(&sw);
	err_init(&e);
	char arg[32];
	for (int a = 0; a < SWEEP_MAX_AXES; a++) {
		snprintf(arg, sizeof(arg), "p%d=1,2", a);
		assert_int_equal(sweep_add_arg(&sw, arg, &e), 0);
	}
	assert_int_equal(sweep_add_arg(&sw, "p0=7,8,9", &e), 0);
	assert_int_equal(sw.naxes, SWEEP_MAX_AXES);
	assert_int_equal(sw.axes[0].n, 3);
	assert_string_equal(sw.axes[0].values[2], "9");
	assert_int_equal(sweep_add_arg(&sw, "extra=1", &e), ERR_INPUT);
	assert_string_equal(e.msg, "at most 8 sweep axes");
	sweep_fini(&sw);
}

static void test_from_tree(void **state)
{
	(void)state;
	static const char doc[] =
		"sweep:\n"
		"  workload.processes: [100, 1000]\n"
		"  workload.lifetime: 1ms:3ms:3\n"
		"  seed: 1,2\n"
		"  service:\n"
		"    - normal(1us, 100ns)\n"
		"    - exponential(2us)\n";
	struct err e;
	err_init(&e);
	struct ytree *t = ytree_load_buffer("s.yaml", doc, strlen(doc), &e);
	assert_non_null(t);
	struct sweep sw;
	sweep_init(&sw);
	assert_int_equal(sweep_from_tree(&sw, ytree_root(t), &e), 0);
	assert_int_equal(sw.naxes, 4);
	assert_string_equal(sw.axes[0].path, "workload.processes");
	/* A YAML list keeps each item whole, commas and all. */
	assert_int_equal(sw.axes[3].n, 2);
	assert_string_equal(sw.axes[3].values[0], "normal(1us, 100ns)");
	assert_string_equal(sw.axes[0].values[1], "1000");
	assert_string_equal(sw.axes[1].values[1], "2e+06ns");
	assert_int_equal(sw.axes[2].n, 2);
	/* --sweep replaces the scenario's axis of the same path. */
	assert_int_equal(sweep_add_arg(&sw, "workload.lifetime=5ms", &e), 0);
	assert_int_equal(sw.naxes, 4);
	assert_int_equal(sw.axes[1].n, 1);
	assert_int_equal(sweep_npoints(&sw), 8);
	sweep_fini(&sw);
	ytree_free(t);

	/* Errors point at the value in the file. */
	static const char bad[] = "sweep:\n  a: 5:1:2\n";
	err_init(&e);
	t = ytree_load_buffer("bad.yaml", bad, strlen(bad), &e);
	assert_non_null(t);
	sweep_init(&sw);
	assert_int_equal(sweep_from_tree(&sw, ytree_root(t), &e), ERR_INPUT);
	assert_string_equal(e.msg, "range '5:1:2' is empty: lo > hi");
	assert_string_equal(e.file, "bad.yaml");
	assert_int_equal(e.line, 2);
	assert_int_equal(e.col, 6);
	sweep_fini(&sw);
	ytree_free(t);

	static const char empty[] = "sweep:\n  a: []\n";
	err_init(&e);
	t = ytree_load_buffer("empty.yaml", empty, strlen(empty), &e);
	assert_non_null(t);
	sweep_init(&sw);
	assert_int_equal(sweep_from_tree(&sw, ytree_root(t), &e), ERR_INPUT);
	assert_string_equal(e.msg, "sweep 'a' needs 1..1000 values");
	sweep_fini(&sw);
	ytree_free(t);

	/* No sweep: block, no axes, one point. */
	static const char none[] = "seed: 3\n";
	t = ytree_load_buffer("none.yaml", none, strlen(none), &e);
	assert_non_null(t);
	sweep_init(&sw);
	assert_int_equal(sweep_from_tree(&sw, ytree_root(t), &e), 0);
	assert_int_equal(sw.naxes, 0);
	assert_int_equal(sweep_npoints(&sw), 1);
	sweep_fini(&sw);
	ytree_free(t);
}

/* ---- points ------------------------------------------------------------ */

static void test_point_index(void **state)
{
	(void)state;
	struct sweep sw;
	struct err e;
	sweep_init(&sw);
	err_init(&e);
	assert_int_equal(sweep_add_arg(&sw, "x=a,b", &e), 0);
	assert_int_equal(sweep_add_arg(&sw, "y=1,2,3", &e), 0);
	assert_int_equal(sweep_add_arg(&sw, "z=p,q,r,s", &e), 0);
	assert_int_equal(sweep_npoints(&sw), 24);
	/* The nested loop a reader expects: last axis innermost. */
	size_t p = 0;
	for (size_t i = 0; i < 2; i++) {
		for (size_t j = 0; j < 3; j++) {
			for (size_t k = 0; k < 4; k++, p++) {
				assert_int_equal(sweep_index(&sw, p, 0), i);
				assert_int_equal(sweep_index(&sw, p, 1), j);
				assert_int_equal(sweep_index(&sw, p, 2), k);
			}
		}
	}
	char buf[64];
	sweep_point_set(&sw, 0, 0, buf, sizeof(buf));
	assert_string_equal(buf, "x=a");
	sweep_point_set(&sw, 1, 2, buf, sizeof(buf));
	assert_string_equal(buf, "z=q");
	sweep_point_set(&sw, 5, 1, buf, sizeof(buf));   /* (0, 1, 1) */
	assert_string_equal(buf, "y=2");
	sweep_point_set(&sw, 23, 0, buf, sizeof(buf));
	assert_string_equal(buf, "x=b");
	sweep_point_set(&sw, 23, 1, buf, sizeof(buf));
	assert_string_equal(buf, "y=3");
	sweep_point_set(&sw, 23, 2, buf, sizeof(buf));
	assert_string_equal(buf, "z=s");
	sweep_fini(&sw);
}

/* ---- CI coverage on mmc ------------------------------------------------ */

#define EXPERIMENTS 1000
#define R 10
#define CUSTOMERS 2000
#define WARMUP 200

static void test_ci_coverage(void **state)
{
	(void)state;
	const struct model *m = model_find("mmc");
	assert_non_null(m);
	size_t nm = model_metric_count(m);
	int iw = model_metric_index(m, "wait_mean");
	int ie = model_metric_index(m, "wait_exact");
	assert_true(iw >= 0 && ie >= 0);
	char doc[256];
	snprintf(doc, sizeof(doc),
		 "servers: 1\narrival: exponential(1us)\n"
		 "service: exponential(500ns)\ncustomers: %d\n"
		 "warmup_customers: %d\nquantiles: false\n", CUSTOMERS, WARMUP);
	struct err e;
	err_init(&e);
	struct ytree *t = ytree_load_buffer("mm1", doc, strlen(doc), &e);
	assert_non_null(t);
	void *cfg = m->configure(ytree_root(t), &e);
	assert_non_null(cfg);
	assert_int_equal(ytree_check_unknown(t, &e), 0);

	/* M/M/1: Wq = rho / (mu - lambda), rates per ns. */
	const double lambda = 1.0 / 1000, mu = 1.0 / 500;
	const double exact = (lambda / mu) / (mu - lambda);
	assert_rel(exact, 500, 1e-12, "M/M/1 rho .5: Wq = 500 ns");

	size_t n = (size_t)EXPERIMENTS * R;
	struct runner_job *jobs = calloc(n, sizeof(*jobs));
	double *metrics = calloc(n * nm, sizeof(double));
	assert_non_null(jobs);
	assert_non_null(metrics);
	for (size_t i = 0; i < n; i++) {
		jobs[i].model = m;
		jobs[i].cfg = cfg;
		jobs[i].seed = seed + i / R;   /* experiment = scenario seed */
		jobs[i].rep = i % R;
		jobs[i].metrics = &metrics[i * nm];
	}
	assert_int_equal(runner_run(jobs, n, 0, NULL, NULL, NULL), 0);

	size_t cover = 0, low = 0, high = 0;
	double half_sum = 0;
	for (size_t x = 0; x < EXPERIMENTS; x++) {
		double w[R];
		for (size_t r = 0; r < R; r++) {
			const struct runner_job *j = &jobs[x * R + r];
			assert_int_equal(j->done, 1);
			assert_int_equal(j->status, SIM_DONE);
			assert_rel(j->metrics[ie], exact, 1e-12, "wait_exact metric");
			w[r] = j->metrics[iw];
		}
		struct stat_summary s;
		stat_summarize(w, R, 0.95, &s);
		assert_int_equal(s.n, R);
		half_sum += s.half;
		if (exact < s.lo)
			high++;          /* the CI lies above the truth */
		else if (exact > s.hi)
			low++;
		else
			cover++;
	}
	print_message("# CI coverage: %zu of %d experiments (%zu missed low, %zu "
		      "high); mean half-width %.1f ns; seeds %llu..%llu\n", cover,
		      EXPERIMENTS, low, high, half_sum / EXPERIMENTS,
		      (unsigned long long)seed,
		      (unsigned long long)(seed + EXPERIMENTS - 1));
	if (cover < 920 || cover > 980)
		fail_msg("95%% CI covered the exact Wq in %zu of %d experiments, "
			 "outside 950 +- 30 (seeds from %llu)", cover, EXPERIMENTS,
			 (unsigned long long)seed);
	/* Half-width: the sd of a replication mean is ~58 ns here, times
	 * t(9) / sqrt(10) = 0.715 -> ~41 ns.  A loose band (+-40%) catches a CI
	 * of the wrong scale. */
	assert_in_range((unsigned long)(half_sum / EXPERIMENTS), 25, 60);
	free(metrics);
	free(jobs);
	m->config_free(cfg);
	ytree_free(t);
}

/* ---- what points share -------------------------------------------------- */

static const struct rq_cfg *rq_of(const struct scenario *sc, size_t s)
{
	return sc->cfg[s];
}

/* A trace is read per point and strategy, but kept once (config_share):
 * each of a sweep's points held its own copy (a 1,000-point sweep of a
 * 10^6-line trace needed 16 GB).  A point whose trace differs keeps its
 * own. */
static void test_trace_shared(void **state)
{
	(void)state;
	char dir[] = "/tmp/bpfsim-test-sweep-XXXXXX", path[256];
	assert_non_null(mkdtemp(dir));
	static const char *const files[][2] = {
		{ "a.csv", "spawn_ns,demand_ns\n0,1000\n10,2000\n" },
		{ "b.csv", "0,1000\n10,3000\n" },
		{ "s.yaml", "model: runqslower\nduration: 1ms\nreplications: 2\n"
			    "compare: [hash, task_storage]\nworkload:\n"
			    "  arrival: trace\n  trace: a.csv\n" },
	};
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i][0]);
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fputs(files[i][1], f);
		fclose(f);
	}
	struct err e;
	err_init(&e);
	struct scenario *sc = scenario_load(&cli_env, path, NULL, 0, 1, NULL, &e);
	if (!sc)
		fail_msg("%s", e.msg);
	assert_int_equal(sc->nstrategies, 2);
	assert_ptr_equal(rq_of(sc, 1)->trace_t, rq_of(sc, 0)->trace_t);
	struct experiment x;
	assert_int_equal(exp_init(&x, sc, &e), 0);
	char other[300];
	snprintf(other, sizeof(other), "workload.trace=%s/b.csv", dir);
	const char *const sets[][1] = { { "cpus=2" }, { "cpus=3" }, { other } };
	size_t p;
	for (size_t i = 0; i < 3; i++)
		if (exp_add_point(&x, sets[i], 1, &p, &e))
			fail_msg("%s", e.msg);
	const uint64_t *t0 = rq_of(x.base, 0)->trace_t;
	for (p = 0; p < 2; p++)
		for (size_t s = 0; s < 2; s++)
			assert_ptr_equal(rq_of(x.pts[p], s)->trace_t, t0);
	assert_ptr_not_equal(rq_of(x.pts[2], 0)->trace_t, t0);
	assert_int_equal(rq_of(x.pts[2], 0)->trace_demand[1], 3000);
	assert_int_equal(*rq_of(x.base, 0)->trace_refs, 6);
	exp_fini(&x);   /* every holder freed, the last one frees (ASan) */
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i][0]);
		unlink(path);
	}
	rmdir(dir);
}

int main(void)
{
	seed = test_seed(1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_from_tree),
		cmocka_unit_test(test_point_index),
		cmocka_unit_test(test_trace_shared),
		cmocka_unit_test(test_ci_coverage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
