/* test_fit.c - binned maximum-likelihood fits (calibrate/fit.c).
 *
 * Pins: for each family (normal, lognormal, gamma, exponential, weibull),
 * 200,000 synthetic samples with known parameters, recorded exactly as the
 * kernel records them (integer ns into the log-linear struct hist), fit
 * back to the known parameters; AIC ranks the true family first - or, when
 * the truth is an exponential, a gamma/weibull whose shape is 1 (the same
 * distribution: the families nest and AIC cannot always tell them apart);
 * the KS distance of the true family is small and that of a wrong family
 * is larger; a baseline-shifted histogram (uneven bins, a pile at 0) still
 * fits; fitting refuses fewer than FIT_MIN_COUNT values; fit_format()
 * writes text sim/dist.h parses back to the same parameters.
 *
 * Tolerances: parameters within 2% relative.  The MLE's standard errors at
 * n = 200,000 are 0.1-0.3% of each parameter here (e.g. sd/sqrt(n) for a
 * normal mean, sigma/sqrt(2n) for a lognormal sigma), so 2% is > 6 standard
 * errors plus the optimiser's tolerance (1e-9 in log-parameters).  KS: the
 * true family's distance is ~1/sqrt(n) = 0.002; we require < 0.01.
 *
 * Does not pin: fit speed, parameters of data no family describes, or
 * which of two equally good wrong families comes second.  Random: prints
 * its seed (BPFSIM_TEST_SEED replays it).
 */
#include "test_util.h"
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include "calibrate/chist.h"
#include "calibrate/fit.h"
#include "sim/dist.h"

#define N 200000

static uint64_t seed;

struct truth {
	const char *name;        /* a fitted family of the registry */
	double p[2];
};

static const struct truth truths[] = {
	{ "normal", { 400, 40 } },
	{ "lognormal", { 2000, 0.5 } },
	{ "gamma", { 3, 100 } },
	{ "exponential", { 5000, 0 } },
	{ "weibull", { 1000, 1.5 } },
};

static const struct dist_family *fam(const char *name)
{
	const struct dist_family *f = dist_family_find(NULL, name,
						       strlen(name));
	assert_non_null(f);
	return f;
}

static int is(const struct dist_family *f, const char *name)
{
	return f == fam(name);
}

/* A draw from the truth, by its family's own sampler. */
static double draw(const struct truth *t, gsl_rng *r)
{
	return fam(t->name)->sample(t->p, r);
}

/* Samples as the kernel records them: integer ns, negatives redrawn. */
static void sample_hist(const struct truth *t, uint64_t s, size_t n,
			struct chist *c)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	struct hist *h = calloc(1, sizeof(*h));
	assert_non_null(r);
	assert_non_null(h);
	gsl_rng_set(r, s);
	for (size_t i = 0; i < n; i++) {
		double x;
		do
			x = draw(t, r);
		while (x < 0);
		hist_record(h, (uint64_t)x);
	}
	assert_int_equal(chist_from_hist(c, h), 0);
	free(h);
	gsl_rng_free(r);
}

static void test_recover_parameters(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(truths) / sizeof(truths[0]); k++) {
		const struct truth *t = &truths[k];
		struct chist c;
		struct fit_result r;
		char what[64];
		sample_hist(t, seed + k, N, &c);
		assert_int_equal(fit_family(&c, fam(t->name), &r), 0);
		assert_true(r.ok);
		for (int i = 0; i < r.np; i++) {
			snprintf(what, sizeof(what), "%s %s", t->name,
				 r.family->param[i].name);
			assert_rel(r.p[i], t->p[i], 0.02, what);
		}
		snprintf(what, sizeof(what), "%s KS", t->name);
		assert_true(r.ks < 0.01);
		assert_true(isfinite(r.aic));
		chist_fini(&c);
	}
}

static void test_aic_picks_family(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(truths) / sizeof(truths[0]); k++) {
		const struct truth *t = &truths[k];
		struct chist c;
		struct fit_result r[FIT_MAX_FAMILIES];
		sample_hist(t, seed + 100 + k, N, &c);
		assert_int_equal(fit_count(), 5);
		assert_int_equal(fit_all(&c, r), fit_count());
		for (int i = 1; i < fit_count(); i++)
			assert_true(r[i - 1].aic <= r[i].aic);
		if (!is(r[0].family, t->name)) {
			/* Only an exponential may lose, to a family that contains
			 * it, fitted to shape 1 (the same distribution). */
			int nested = !strcmp(t->name, "exponential") &&
				     ((is(r[0].family, "gamma") &&
				       fabs(r[0].p[0] - 1) < 0.02) ||
				      (is(r[0].family, "weibull") &&
				       fabs(r[0].p[1] - 1) < 0.02));
			if (!nested)
				fail_msg("%s data: AIC chose %s (aic %g)",
					 t->name, r[0].family->name, r[0].aic);
		}
		/* A clearly wrong family fits worse (KS): normal vs skewed data,
		 * exponential vs the bell-shaped normal. */
		for (int i = 0; i < fit_count(); i++) {
			if (is(r[i].family, t->name))
				assert_true(r[i].ks < 0.01);
			if (!strcmp(t->name, "normal") &&
			    is(r[i].family, "exponential"))
				assert_true(r[i].ks > 0.2);
			if (!strcmp(t->name, "exponential") &&
			    is(r[i].family, "normal"))
				assert_true(r[i].ks > 0.05);
		}
		chist_fini(&c);
	}
}

/* A baseline shift leaves uneven, fractional bins: the fit of the shifted
 * data recovers the distribution under the baseline (gamma(3, 100) + 40.5
 * ns, shifted back by 40.5 ns). */
static void test_shifted(void **state)
{
	(void)state;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	struct hist *h = calloc(1, sizeof(*h));
	struct chist c;
	struct fit_result f;
	assert_non_null(h);
	gsl_rng_set(r, seed + 7);
	for (size_t i = 0; i < N; i++)
		hist_record(h, (uint64_t)(40.5 + gsl_ran_gamma(r, 3, 100)));
	assert_int_equal(chist_from_hist(&c, h), 0);
	assert_int_equal(chist_shift(&c, 40.5), 0);
	assert_true(c.edges[0] >= 0);
	assert_int_equal(fit_family(&c, fam("gamma"), &f), 0);
	assert_rel(f.p[0], 3, 0.03, "shifted gamma shape");
	assert_rel(f.p[1], 100, 0.03, "shifted gamma scale");
	assert_rel(fit_mean(&f), 300, 0.02, "shifted gamma mean");
	/* Recorded values are floored to whole ns: the exact mean is 0.5 low. */
	assert_rel(chist_mean(&c), 300 - 0.5, 0.01, "exact mean shifted");
	chist_fini(&c);
	free(h);
	gsl_rng_free(r);
}

static void test_too_few(void **state)
{
	(void)state;
	struct hist *h = calloc(1, sizeof(*h));
	struct chist c;
	struct fit_result r[FIT_MAX_FAMILIES];
	assert_non_null(h);
	for (int i = 0; i < FIT_MIN_COUNT - 1; i++)
		hist_record(h, 100 + (uint64_t)i);
	assert_int_equal(chist_from_hist(&c, h), 0);
	assert_int_equal(fit_all(&c, r), 0);
	for (int i = 0; i < fit_count(); i++)
		assert_false(r[i].ok);
	chist_fini(&c);
	/* An empty histogram: nothing to fit, no crash. */
	memset(h, 0, sizeof(*h));
	assert_int_equal(chist_from_hist(&c, h), 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(fit_all(&c, r), 0);
	chist_fini(&c);
	free(h);
}

/* fit_format() text parses (sim/dist.h) to the same family and, within
 * the 6 significant digits written, the same mean. */
static void test_format_parses(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(truths) / sizeof(truths[0]); k++) {
		const struct dist_family *f = fam(truths[k].name);
		struct fit_result r = { .family = f, .ok = 1, .np = f->np };
		char text[128];
		struct err e;
		err_init(&e);
		memcpy(r.p, truths[k].p, sizeof(r.p));
		r.p[0] *= 1.0000001234;   /* digits beyond the 6 written */
		fit_format(&r, text, sizeof(text));
		struct dist *d = dist_parse_text(text, DIST_DURATION, "t", 1, 1,
						 &e);
		if (!d)
			fail_msg("'%s' does not parse: %s", text, e.msg);
		assert_string_equal(dist_kind_name(dist_kind(d)),
				    r.family->name);
		assert_rel(dist_mean(d), fit_mean(&r), 1e-5, text);
		dist_free(d);
	}
}

int main(void)
{
	gsl_set_error_handler_off();
	seed = test_seed(20261122);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recover_parameters),
		cmocka_unit_test(test_aic_picks_family),
		cmocka_unit_test(test_shifted),
		cmocka_unit_test(test_too_few),
		cmocka_unit_test(test_format_parses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
