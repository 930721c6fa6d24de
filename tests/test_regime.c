/* test_regime.c - the regime classifier and the capacity objective.
 *
 * Pins: each regime is recognised on a synthetic series built to be that
 * regime (with noise from a seeded GSL stream); a cap always means
 * exploding; too few windows is unknown; objective parsing (terms, errors
 * with suggestions) and its three-way evaluation against CIs.
 * Does not pin: the thresholds' exact boundaries (they are documented
 * parameters; only clear cases are tested), nor real model runs (the
 * regime-*.yaml scenarios are checked by tests/cli/regimes.sh).
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "sim/exp/objective.h"
#include "sim/exp/regime.h"
#include "test_util.h"

#define N 400

static gsl_rng *rng(void)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, (unsigned long)test_seed(7));
	return r;
}

static enum regime classify(const double *ratio, const double *backlog,
			    int capped)
{
	struct regime_params p;
	regime_defaults(&p);
	return regime_classify(&p, ratio, backlog, N, capped);
}

static void test_converging(void **state)
{
	(void)state;
	gsl_rng *r = rng();
	double ratio[N], backlog[N];
	/* Overhead decays from 5% to nothing; the backlog drains. */
	for (int i = 0; i < N; i++) {
		ratio[i] = 0.05 * exp(-i / 30.0) * (1 + 0.1 * gsl_ran_gaussian(r, 1));
		backlog[i] = fmax(0, 100 - i);
	}
	assert_int_equal(classify(ratio, backlog, 0), REGIME_CONVERGING);
	/* All-zero (no BPF at all) also converges. */
	memset(ratio, 0, sizeof(ratio));
	assert_int_equal(classify(ratio, backlog, 0), REGIME_CONVERGING);
	gsl_rng_free(r);
}

static void test_stable(void **state)
{
	(void)state;
	gsl_rng *r = rng();
	double ratio[N], backlog[N];
	/* A start-up transient, then white noise around 2% and a flat,
	 * noisy backlog: stationary and bounded. */
	for (int i = 0; i < N; i++) {
		ratio[i] = 0.02 + 0.002 * gsl_ran_gaussian(r, 1) +
			   (i < 20 ? 0.5 : 0);
		backlog[i] = 40 + 5 * gsl_ran_gaussian(r, 1);
	}
	assert_int_equal(classify(ratio, backlog, 0), REGIME_STABLE);
	gsl_rng_free(r);
}

static void test_oscillating(void **state)
{
	(void)state;
	gsl_rng *r = rng();
	double ratio[N], backlog[N];
	/* Period-20 swing of +-50% around 2% with a little noise. */
	for (int i = 0; i < N; i++) {
		ratio[i] = 0.02 * (1 + 0.5 * sin(2 * M_PI * i / 20.0)) +
			   0.001 * gsl_ran_gaussian(r, 1);
		backlog[i] = 40 + 20 * sin(2 * M_PI * i / 20.0);
	}
	assert_int_equal(classify(ratio, backlog, 0), REGIME_OSCILLATING);
	/* The same swing too small to matter (amplitude < 5% of the mean)
	 * is stable. */
	for (int i = 0; i < N; i++)
		ratio[i] = 0.02 * (1 + 0.01 * sin(2 * M_PI * i / 20.0));
	assert_int_equal(classify(ratio, backlog, 0), REGIME_STABLE);
	gsl_rng_free(r);
}

static void test_exploding(void **state)
{
	(void)state;
	gsl_rng *r = rng();
	double ratio[N], backlog[N];
	/* The backlog grows linearly without bound, overhead flat. */
	for (int i = 0; i < N; i++) {
		ratio[i] = 0.03 + 0.002 * gsl_ran_gaussian(r, 1);
		backlog[i] = 10 * i + 20 * gsl_ran_gaussian(r, 1);
	}
	assert_int_equal(classify(ratio, backlog, 0), REGIME_EXPLODING);
	/* Overhead itself running away, backlog flat. */
	for (int i = 0; i < N; i++) {
		ratio[i] = 0.01 * exp(i / 80.0);
		backlog[i] = 40;
	}
	assert_int_equal(classify(ratio, backlog, 0), REGIME_EXPLODING);
	/* A cap is exploding whatever the series says. */
	for (int i = 0; i < N; i++)
		ratio[i] = 0, backlog[i] = 0;
	assert_int_equal(classify(ratio, backlog, 1), REGIME_EXPLODING);
	gsl_rng_free(r);
}

static void test_too_short(void **state)
{
	(void)state;
	struct regime_params p;
	regime_defaults(&p);
	double x[5] = { 1, 2, 3, 4, 5 };
	assert_int_equal(regime_classify(&p, x, x, 5, 0), REGIME_UNKNOWN);
	assert_int_equal(regime_classify(&p, x, x, 5, 1), REGIME_EXPLODING);
	assert_string_equal(regime_names[REGIME_UNKNOWN], "unknown");
}

/* A stand-in model with three metrics, for objective parsing. */
static const struct model_metric metrics[] = {
	{ "overhead_ratio", "ratio", "", 0 }, { "bpf_cpu_share", "ratio", "", 0 },
	{ "wait_p99", "ns", "", 0 }, { NULL, NULL, NULL, 0 },
};
static const struct model fake = { .name = "fake", .metrics = metrics };

static void test_objective_parse(void **state)
{
	(void)state;
	struct objective o;
	struct err e;
	err_init(&e);
	assert_int_equal(objective_parse(&o, "bpf_cpu_share<=0.05 and regime!=exploding",
					 &fake, "--objective", &e), 0);
	assert_int_equal(o.n, 2);
	assert_int_equal(o.t[0].metric, 1);
	assert_true(o.t[0].le);
	assert_rel(o.t[0].value, 0.05, 0, "threshold");
	assert_int_equal(o.t[1].metric, -1);
	assert_int_equal(o.t[1].regime, REGIME_EXPLODING);
	assert_true(o.t[1].not_equal);
	assert_int_equal(objective_parse(&o, "wait_p99>=1k && overhead_ratio<=1",
					 &fake, "--objective", &e), 0);
	assert_int_equal(o.n, 2);
	assert_rel(o.t[0].value, 1000, 0, "k suffix");
	/* A threshold in the metric's unit: a duration, a percentage. */
	assert_int_equal(objective_parse(&o, "wait_p99<=1.5ms and overhead_ratio<=5%",
					 &fake, "--objective", &e), 0);
	assert_rel(o.t[0].value, 1.5e6, 0, "duration in ns");
	assert_rel(o.t[1].value, 0.05, 1e-15, "percentage");

	char buf[512];
	struct { const char *text, *msg; } bad[] = {
		{ "overhed_ratio<=0.1",
		  "--objective: unknown metric 'overhed_ratio' (did you mean 'overhead_ratio'?)" },
		{ "overhead_ratio<0.1",
		  "--objective: term 'overhead_ratio<0.1' has no <=, >=, != or ==" },
		{ "regime!=explodin",
		  "--objective: unknown regime 'explodin' (converging, stable, oscillating or exploding)" },
		{ "overhead_ratio<=0.1 and ",
		  "--objective: empty term in objective 'overhead_ratio<=0.1 and '" },
		{ "regime<=stable",
		  "--objective: regime takes != or ==, e.g. regime!=exploding" },
		{ "wait_p99<=1xs",
		  "--objective: '1xs': unknown suffix 'xs' in '1xs' (expected k, "
		  "M or G) (a duration: 500us, 1ms)" },
		{ "overhead_ratio<=5ms",
		  "--objective: '5ms': unknown suffix 'ms' in '5ms' (expected k, "
		  "M or G) (a ratio: 0.05 or 5%)" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_init(&e);
		assert_int_equal(objective_parse(&o, bad[i].text, &fake, "--objective",
						 &e), ERR_INPUT);
		err_format(&e, buf, sizeof(buf));
		assert_string_equal(buf, bad[i].msg);
	}
}

static void test_objective_eval(void **state)
{
	(void)state;
	struct objective o;
	struct err e;
	err_init(&e);
	assert_int_equal(objective_parse(&o, "overhead_ratio<=0.05", &fake, "x", &e), 0);
	struct stat_summary s[3];
	memset(s, 0, sizeof(s));
	size_t reg[REGIME_COUNT + 1] = { 0 };
	/* CI entirely below: sure pass. */
	s[0] = (struct stat_summary){ .n = 10, .mean = 0.03, .lo = 0.02, .hi = 0.04 };
	struct objective_eval ev = objective_eval(&o, s, reg, 10);
	assert_true(ev.mean_pass && ev.sure_pass && !ev.sure_fail);
	/* CI straddles: mean passes, nothing sure. */
	s[0] = (struct stat_summary){ .n = 10, .mean = 0.049, .lo = 0.045, .hi = 0.053 };
	ev = objective_eval(&o, s, reg, 10);
	assert_true(ev.mean_pass && !ev.sure_pass && !ev.sure_fail);
	/* CI entirely above: sure fail. */
	s[0] = (struct stat_summary){ .n = 10, .mean = 0.07, .lo = 0.06, .hi = 0.08 };
	ev = objective_eval(&o, s, reg, 10);
	assert_true(!ev.mean_pass && !ev.sure_pass && ev.sure_fail);
	/* Regime term: majority decides the point estimate. */
	assert_int_equal(objective_parse(&o, "regime!=exploding", &fake, "x", &e), 0);
	reg[REGIME_EXPLODING] = 6;
	reg[REGIME_STABLE] = 4;
	ev = objective_eval(&o, s, reg, 10);
	assert_true(!ev.mean_pass && ev.sure_fail);
	reg[REGIME_EXPLODING] = 0;
	reg[REGIME_STABLE] = 10;
	ev = objective_eval(&o, s, reg, 10);
	assert_true(ev.mean_pass && ev.sure_pass);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_converging),
		cmocka_unit_test(test_stable),
		cmocka_unit_test(test_oscillating),
		cmocka_unit_test(test_exploding),
		cmocka_unit_test(test_too_short),
		cmocka_unit_test(test_objective_parse),
		cmocka_unit_test(test_objective_eval),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
