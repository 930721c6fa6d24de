/* test_dist.c - distributions: sampling against theory, parsing, messages.
 *
 * Pins:
 *  - every kind's sample mean and variance (1e6 draws through the real GSL
 *    samplers) against dist_mean()/dist_var(), within 5 standard errors
 *    (two-sided false-alarm probability 5.7e-7 per check);
 *  - dist_mean()/dist_var() against values worked out by hand for the list
 *    kinds (a naive reference the test carries itself);
 *  - dist_sample_nonneg() truncates by resampling: normal(1ns, 1ns) never
 *    goes negative and has the truncated-normal mean and variance;
 *  - text and mapping forms parse to the same thing, dist_format() output
 *    parses back to an identical distribution (random differential test);
 *  - each user-facing error: exact message text and file:line:col
 *    (among them: an empirical duration with a negative edge);
 *  - the horizon rule: a duration distribution drawing past 2^62 ns with
 *    probability above 1e-3 is refused at its node, at the boundary
 *    (an exponential of mean 2^62/ln 1000 ns) and for heavy tails;
 *    dist_sf of the list kinds; a duration constant under 0.5ns (alone or
 *    in a mixture) is refused, and so is a duration more than half below
 *    0;
 *  - a family defined here alone (a struct dist_family, "dummy": a
 *    symmetric triangle) and passed in a registry parses in text and
 *    mapping form and inside a mixture, samples with the right moments,
 *    prints, reports its errors and fits from a histogram: adding a family
 *    needs its table and a registry entry, nothing else.
 *  - normal and lognormal draws (gsl_ran_gaussian_ziggurat) equal in law
 *    to GSL's polar-method samplers they replaced (gsl_ran_gaussian,
 *    gsl_ran_lognormal): a two-sample Kolmogorov-Smirnov test on 10^6
 *    draws each, at level 1e-4; the same test must reject the new sampler
 *    with sigma 3% off (so it has the power to see a wrong scale);
 * Does not pin: the exact draws (GSL's samplers may change between
 * releases), nor speed.  Seeds print via test_seed() and can be replayed with
 * BPFSIM_TEST_SEED.
 */
#include "test_util.h"
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_rstat.h>
#include <gsl/gsl_sf_gamma.h>
#include "sim/dist.h"
#include "sim/dist_family.h"
#include "sim/err.h"
#include "sim/rng.h"
#include "sim/units.h"
#include "sim/ytree.h"

#define NDRAWS 1000000
#define NSE 5.0   /* tolerance in standard errors for sample moments */

static uint64_t seed;

/* ---- helpers ------------------------------------------------------------ */

static struct dist *text(const char *s, enum dist_unit u)
{
	struct err e;
	err_init(&e);
	struct dist *d = dist_parse_text(s, u, "t", 1, 1, &e);
	if (!d)
		print_error("'%s': %s\n", s, e.msg);
	assert_non_null(d);
	return d;
}

/* Parse the value of key "d" in a YAML document. */
static struct dist *yaml_dist(const char *yaml, enum dist_unit u,
			      struct err *e, struct ytree **tp)
{
	struct ytree *t = ytree_load_buffer("s.yaml", yaml, strlen(yaml), e);
	if (!t) {
		print_error("YAML: %s\n", e->msg);
		fail();
	}
	struct ynode *n = ynode_get(ytree_root(t), "d");
	assert_non_null(n);
	struct dist *d = dist_parse(n, u, e);
	if (tp)
		*tp = t;
	else
		ytree_free(t);
	return d;
}

static struct dist *yaml_ok(const char *yaml, enum dist_unit u)
{
	struct err e;
	struct ytree *t;
	err_init(&e);
	struct dist *d = yaml_dist(yaml, u, &e, &t);
	if (!d)
		print_error("%d:%d: %s\n", e.line, e.col, e.msg);
	assert_non_null(d);
	/* Every key the distribution used is marked: nothing left over. */
	assert_int_equal(ytree_check_unknown(t, &e), 0);
	ytree_free(t);
	return d;
}

/* Sample moments of n draws vs theory, NSE standard errors each.
 * SE(mean) = sd/sqrt(n).  SE(s^2) = sqrt((mu4 - sd^4)/n) =
 * s^2 sqrt((excess kurtosis + 2)/n), with the kurtosis estimated from the
 * same sample (the distributions here have finite 8th moments, so that
 * estimate is itself stable at n = 1e6). */
static void check_moments(const struct dist *d, const char *what,
			  int nonneg)
{
	gsl_rng *r = rng_stream_new(seed, 0, what);
	gsl_rstat_workspace *w = gsl_rstat_alloc();
	for (int i = 0; i < NDRAWS; i++)
		gsl_rstat_add(nonneg ? dist_sample_nonneg(d, r)
				     : dist_sample(d, r), w);
	double mu = dist_mean(d), var = dist_var(d);
	double m = gsl_rstat_mean(w), v = gsl_rstat_variance(w);
	double k = var > 0 ? gsl_rstat_kurtosis(w) : 0;
	double se_m = sqrt(var / NDRAWS);
	double se_v = v * sqrt((k + 2) / NDRAWS);
	char buf[256];
	fprintf(stderr, "# %-12s mean %.6g (theory %.6g)  var %.6g (theory "
		"%.6g)  %s\n", what, m, mu, v, var,
		dist_format(d, buf, sizeof(buf)));
	/* A constant: exact (Welford's update adds 0 each time). */
	assert_abs(m, mu, NSE * se_m + 1e-12 * fabs(mu), what);
	assert_abs(v, var, NSE * se_v + 1e-12 * fabs(mu * mu), what);
	gsl_rstat_free(w);
	gsl_rng_free(r);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Two-sample Kolmogorov-Smirnov statistic of n draws each, both sorted:
 * the largest gap between the two empirical CDFs. */
static double ks2_sorted(const double *a, const double *b, size_t n)
{
	size_t i = 0, j = 0;
	double d = 0;
	while (i < n && j < n) {
		double x = a[i] < b[j] ? a[i] : b[j];
		while (i < n && a[i] <= x)
			i++;
		while (j < n && b[j] <= x)
			j++;
		double g = fabs((double)i - (double)j) / (double)n;
		if (g > d)
			d = g;
	}
	return d;
}

/* The ziggurat draws (dist_normal.c, dist_lognormal.c) against the GSL
 * samplers used before, on separate streams.  Critical value of the
 * two-sample KS test at level alpha for n = m: sqrt(-ln(alpha/2)/2) x
 * sqrt(2/n) (asymptotic; n = 10^6): 0.00315 at alpha = 1e-4.  A scale 3%
 * off moves the CDF by up to ~0.007 (phi(1) x 0.03), twice that. */
static void test_ziggurat_same_law(void **state)
{
	static const struct { enum dist_kind k; double p0, p1; } cases[] = {
		{ DIST_NORMAL, 400, 10 },        /* the hooks' costs */
		{ DIST_LOGNORMAL, 398.5, 1.807 },/* perf/ringbuf output */
		{ DIST_LOGNORMAL, 100, 0.35 },   /* hash insert */
	};
	const double alpha = 1e-4;
	const double crit = sqrt(-log(alpha / 2) / 2) * sqrt(2.0 / NDRAWS);
	double *a = malloc(NDRAWS * sizeof(*a));
	double *b = malloc(NDRAWS * sizeof(*b));
	double *c = malloc(NDRAWS * sizeof(*c));

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct dist *d = dist_new(cases[k].k, DIST_DURATION,
					  cases[k].p0, cases[k].p1);
		struct dist *wrong = dist_new(cases[k].k, DIST_DURATION,
					      cases[k].p0, cases[k].p1 * 1.03);
		gsl_rng *rn = rng_stream_new(seed, k, "ziggurat.new");
		gsl_rng *ro = rng_stream_new(seed, k, "ziggurat.old");
		gsl_rng *rw = rng_stream_new(seed, k, "ziggurat.wrong");
		assert_non_null(d);
		assert_non_null(wrong);
		for (size_t i = 0; i < NDRAWS; i++) {
			a[i] = dist_sample(d, rn);
			b[i] = cases[k].k == DIST_NORMAL
			       ? cases[k].p0 + gsl_ran_gaussian(ro, cases[k].p1)
			       : gsl_ran_lognormal(ro, log(cases[k].p0),
						   cases[k].p1);
			c[i] = dist_sample(wrong, rw);
		}
		qsort(a, NDRAWS, sizeof(*a), cmp_double);
		qsort(b, NDRAWS, sizeof(*b), cmp_double);
		qsort(c, NDRAWS, sizeof(*c), cmp_double);
		double dn = ks2_sorted(a, b, NDRAWS);
		double dw = ks2_sorted(c, b, NDRAWS);
		fprintf(stderr, "# %s(%g, %g): KS D = %.5f against the GSL "
			"sampler (critical %.5f); sigma x 1.03: D = %.5f\n",
			dist_kind_name(cases[k].k), cases[k].p0, cases[k].p1,
			dn, crit, dw);
		assert_true(dn < crit);
		assert_true(dw > crit);
		gsl_rng_free(rn);
		gsl_rng_free(ro);
		gsl_rng_free(rw);
		dist_free(d);
		dist_free(wrong);
	}
	free(a);
	free(b);
	free(c);
}

static const char MIX_YAML[] =
	"d:\n"
	"  dist: mixture\n"
	"  components:\n"
	"    - {weight: 0.7, dist: \"normal(400ns, 10ns)\"}\n"
	"    - {weight: 0.2, dist: {dist: exponential, mean: 1us}}\n"
	"    - weight: 0.1\n"
	"      dist:\n"
	"        dist: mixture\n"
	"        components:\n"
	"          - {weight: 0.5, dist: 2us}\n"
	"          - {weight: 0.5, dist: 'uniform(0, 1us)'}\n";

static const char EMP_YAML[] =
	"d:\n"
	"  dist: empirical\n"
	"  edges: [0, 1us, 2us, 5us]\n"
	"  counts: [3, 0, 7]\n";

/* ---- sampling vs theory ----------------------------------------------- */

static void test_moments_each_kind(void **state)
{
	static const struct { const char *s; enum dist_unit u; } k[] = {
		{ "constant(400ns)", DIST_DURATION },
		{ "uniform(100ns, 300ns)", DIST_DURATION },
		{ "normal(400ns, 10ns)", DIST_DURATION },
		{ "lognormal(1ms, 0.5)", DIST_DURATION },
		{ "exponential(250us)", DIST_DURATION },
		{ "gamma(2.5, 40ns)", DIST_DURATION },
		{ "weibull(1ms, 1.5)", DIST_DURATION },
		/* shape 9: variance needs > 2, the kurtosis behind the
		 * variance tolerance > 4, and its own estimate > 8. */
		{ "pareto(9, 100ns)", DIST_DURATION },
		{ "gamma(2, 3)", DIST_NUMBER },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		struct dist *d = text(k[i].s, k[i].u);
		check_moments(d, k[i].s, 0);
		dist_free(d);
	}
	struct dist *d = yaml_ok(EMP_YAML, DIST_DURATION);
	assert_int_equal(dist_kind(d), DIST_EMPIRICAL);
	check_moments(d, "empirical", 0);
	dist_free(d);
	d = yaml_ok(MIX_YAML, DIST_DURATION);
	assert_int_equal(dist_kind(d), DIST_MIXTURE);
	check_moments(d, "mixture", 0);
	dist_free(d);
}

/* Theory for the list kinds and a few closed forms, worked by hand. */
static void test_theory_by_hand(void **state)
{
	(void)state;
	/* Empirical: bins [0,1us) x3, [1us,2us) x0, [2us,5us) x7.
	 * mean = .3*500 + .7*3500; var = within (w^2/12) + between. */
	struct dist *d = yaml_ok(EMP_YAML, DIST_DURATION);
	double em = 0.3 * 500 + 0.7 * 3500;
	double ev = 0.3 * (1e6 / 12 + (500 - em) * (500 - em)) +
		    0.7 * (9e6 / 12 + (3500 - em) * (3500 - em));
	assert_rel(dist_mean(d), em, 1e-12, "empirical mean");
	assert_rel(dist_var(d), ev, 1e-12, "empirical var");
	dist_free(d);

	/* Mixture (law of total variance, components by hand). */
	d = yaml_ok(MIX_YAML, DIST_DURATION);
	double im = 0.5 * 2000 + 0.5 * 500;
	double iv = 0.5 * (0 + (2000 - im) * (2000 - im)) +
		    0.5 * (1e6 / 12 + (500 - im) * (500 - im));
	double m = 0.7 * 400 + 0.2 * 1000 + 0.1 * im;
	double v = 0.7 * (100 + (400 - m) * (400 - m)) +
		   0.2 * (1e6 + (1000 - m) * (1000 - m)) +
		   0.1 * (iv + (im - m) * (im - m));
	assert_rel(dist_mean(d), m, 1e-12, "mixture mean");
	assert_rel(dist_var(d), v, 1e-12, "mixture var");
	dist_free(d);

	/* Weibull: scale G(1 + 1/k), via GSL's gamma function directly. */
	d = text("weibull(1ms, 1.5)", DIST_DURATION);
	double g1 = gsl_sf_gamma(1 + 1 / 1.5), g2 = gsl_sf_gamma(1 + 2 / 1.5);
	assert_rel(dist_mean(d), 1e6 * g1, 1e-12, "weibull mean");
	assert_rel(dist_var(d), 1e12 * (g2 - g1 * g1), 1e-10, "weibull var");
	dist_free(d);

	/* Pareto: infinite moments below the thresholds. */
	d = text("pareto(3, 100ns)", DIST_DURATION);
	assert_rel(dist_mean(d), 150, 1e-15, "pareto mean");
	assert_rel(dist_var(d), 1e4 * 3 / (4 * 1), 1e-15, "pareto var");
	dist_free(d);
	d = text("pareto(2, 100ns)", DIST_DURATION);
	assert_true(isinf(dist_var(d)) && dist_var(d) > 0);
	dist_free(d);
	d = text("pareto(1, 100ns)", DIST_DURATION);
	assert_true(isinf(dist_mean(d)) && isinf(dist_var(d)));
	dist_free(d);
	/* A mixture with an infinite-variance component. */
	d = yaml_ok("d: {dist: mixture, components: [{weight: 0.5, dist: 1ns},"
		    " {weight: 0.5, dist: 'pareto(1.5, 1ns)'}]}", DIST_DURATION);
	assert_rel(dist_mean(d), 0.5 + 0.5 * 3, 1e-15, "mixture pareto mean");
	assert_true(isinf(dist_var(d)));
	dist_free(d);

	/* Lognormal(median m, sigma s): mean m e^{s^2/2}. */
	d = text("lognormal(1ms, 0.5)", DIST_DURATION);
	assert_rel(dist_mean(d), 1e6 * exp(0.125), 1e-15, "lognormal mean");
	assert_rel(dist_var(d), 1e12 * (exp(0.25) - 1) * exp(0.25), 1e-12,
		   "lognormal var");
	dist_free(d);
}

static void test_nonneg_truncates(void **state)
{
	(void)state;
	struct dist *d = text("normal(1ns, 1ns)", DIST_DURATION);
	gsl_rng *r = rng_stream_new(seed, 0, "nonneg");
	gsl_rstat_workspace *w = gsl_rstat_alloc();
	for (int i = 0; i < NDRAWS; i++) {
		double x = dist_sample_nonneg(d, r);
		assert_true(x >= 0);
		gsl_rstat_add(x, w);
	}
	/* Normal(mu, s) truncated to [0, inf): a = -mu/s, Z = 1 - Phi(a),
	 * l = phi(a)/Z; mean = mu + s l, var = s^2 (1 + a l - l^2). */
	double a = -1.0, Z = 1 - gsl_cdf_ugaussian_P(a);
	double l = gsl_ran_ugaussian_pdf(a) / Z;
	double tm = 1 + l, tv = 1 + a * l - l * l;
	double se = sqrt(tv / NDRAWS);
	fprintf(stderr, "# truncated normal: mean %.6g (theory %.6g), var "
		"%.6g (theory %.6g)\n", gsl_rstat_mean(w), tm,
		gsl_rstat_variance(w), tv);
	assert_abs(gsl_rstat_mean(w), tm, NSE * se, "truncated mean");
	/* Variance: 5 SE with SE = sd^2 sqrt((kurt + 2)/n), sample kurtosis. */
	assert_abs(gsl_rstat_variance(w), tv,
		   NSE * tv * sqrt((gsl_rstat_kurtosis(w) + 2) / NDRAWS),
		   "truncated var");
	/* The raw distribution is untruncated: theory stays normal's. */
	assert_rel(dist_mean(d), 1, 0, "raw mean");
	assert_rel(dist_var(d), 1, 0, "raw var");
	gsl_rstat_free(w);
	gsl_rng_free(r);
	dist_free(d);

	/* Always negative: 64 tries, then 0. */
	d = text("uniform(-2ns, -1ns)", DIST_DURATION);
	r = rng_stream_new(seed, 0, "nonneg.give-up");
	assert_true(dist_sample_nonneg(d, r) == 0);
	dist_free(d);
	d = text("-5ns", DIST_DURATION);
	assert_true(dist_sample_nonneg(d, r) == 0);
	assert_true(dist_sample(d, r) == -5);
	dist_free(d);

	/* Non-negative kinds: nonneg draws are exactly the raw draws. */
	d = text("exponential(1us)", DIST_DURATION);
	gsl_rng *r2 = rng_stream_new(seed, 0, "nonneg.give-up");
	gsl_rng_set(r, 99);
	gsl_rng_set(r2, 99);
	for (int i = 0; i < 1000; i++)
		assert_true(dist_sample(d, r) == dist_sample_nonneg(d, r2));
	gsl_rng_free(r);
	gsl_rng_free(r2);
	dist_free(d);
}

/* ---- constructors, accessors -------------------------------------------- */

static void test_new_and_zero(void **state)
{
	(void)state;
	struct dist *d = dist_new(DIST_NORMAL, DIST_DURATION, 400, 10);
	char buf[128];
	assert_non_null(d);
	assert_string_equal(dist_format(d, buf, sizeof(buf)),
			    "normal(400ns, 10ns)");
	assert_int_equal(dist_kind(d), DIST_NORMAL);
	assert_false(dist_is_zero(d));
	dist_free(d);
	/* Invalid parameters: NULL, no message. */
	assert_null(dist_new(DIST_NORMAL, DIST_DURATION, 400, -1));
	assert_null(dist_new(DIST_UNIFORM, DIST_DURATION, 2, 1));
	assert_null(dist_new(DIST_EXPONENTIAL, DIST_DURATION, 0, 0));
	assert_null(dist_new(DIST_GAMMA, DIST_NUMBER, 1, NAN));
	assert_null(dist_new(DIST_CONSTANT, DIST_NUMBER, INFINITY, 0));
	assert_null(dist_new(DIST_EMPIRICAL, DIST_NUMBER, 1, 1));
	assert_null(dist_new(DIST_MIXTURE, DIST_NUMBER, 1, 1));
	/* Only constant 0 is zero. */
	d = dist_new(DIST_CONSTANT, DIST_DURATION, 0, 123);
	assert_true(dist_is_zero(d));
	dist_free(d);
	d = text("0", DIST_DURATION);
	assert_true(dist_is_zero(d));
	assert_string_equal(dist_format(d, buf, sizeof(buf)), "0ns");
	dist_free(d);
	d = text("uniform(0, 0)", DIST_DURATION);
	assert_false(dist_is_zero(d));
	dist_free(d);
	d = text("normal(0, 0)", DIST_DURATION);
	assert_false(dist_is_zero(d));
	dist_free(d);

	double edges[] = { 0, 1, 3 }, counts[] = { 1, 1 };
	d = dist_new_empirical(DIST_NUMBER, edges, counts, 2);
	assert_non_null(d);
	assert_rel(dist_mean(d), 0.5 * 0.5 + 0.5 * 2, 1e-15, "emp mean");
	dist_free(d);
	double below[] = { -1, 1, 3 };
	d = dist_new_empirical(DIST_NUMBER, below, counts, 2);
	assert_non_null(d);
	dist_free(d);
	assert_null(dist_new_empirical(DIST_DURATION, below, counts, 2));
	double bad_edges[] = { 0, 1, 1 }, neg[] = { 1, -1 }, zero[] = { 0, 0 };
	assert_null(dist_new_empirical(DIST_NUMBER, bad_edges, counts, 2));
	assert_null(dist_new_empirical(DIST_NUMBER, edges, neg, 2));
	assert_null(dist_new_empirical(DIST_NUMBER, edges, zero, 2));
	assert_null(dist_new_empirical(DIST_NUMBER, edges, counts, 0));
	dist_free(NULL);
	struct err e;
	err_init(&e);
	assert_null(dist_parse(NULL, DIST_DURATION, &e));
	assert_int_equal(e.status, ERR_INPUT);

	/* enum dist_kind names the built-in registry's positions. */
	static const char *const names[] = {
		"constant", "uniform", "normal", "lognormal", "gamma",
		"exponential", "weibull", "pareto", "empirical", "mixture",
	};
	for (int k = DIST_CONSTANT; k <= DIST_MIXTURE; k++) {
		assert_string_equal(dist_kind_name((enum dist_kind)k), names[k]);
		assert_string_equal(dist_families[k]->name, names[k]);
	}
	assert_null(dist_families[DIST_MIXTURE + 1]);
	assert_string_equal(dist_kind_name(DIST_OTHER), "?");
}

/* ---- round trips -------------------------------------------------------- */

static void test_format_roundtrip(void **state)
{
	static const struct { const char *in, *out; enum dist_unit u; } c[] = {
		{ "normal(400ns, 10ns)", "normal(400ns, 10ns)", DIST_DURATION },
		{ "  normal ( 0.4us ,10ns )  ", "normal(400ns, 10ns)",
		  DIST_DURATION },
		{ "400ns", "400ns", DIST_DURATION },
		{ "constant(1.5ms)", "1.5ms", DIST_DURATION },
		{ "uniform(1us, 2ms)", "uniform(1us, 2ms)", DIST_DURATION },
		{ "uniform(0, 1s)", "uniform(0ns, 1s)", DIST_DURATION },
		{ "lognormal(1ms, 0.5)", "lognormal(1ms, 0.5)", DIST_DURATION },
		{ "exponential(250us)", "exponential(250us)", DIST_DURATION },
		{ "gamma(2.5, 40ns)", "gamma(2.5, 40ns)", DIST_DURATION },
		{ "weibull(1ms, 1.5)", "weibull(1ms, 1.5)", DIST_DURATION },
		{ "pareto(3, 100ns)", "pareto(3, 100ns)", DIST_DURATION },
		{ "normal(-5ns, 0)", "normal(-5ns, 0ns)", DIST_DURATION },
		{ "exponential(2e3ns)", "exponential(2us)", DIST_DURATION },
		{ "normal(5, 1.5)", "normal(5, 1.5)", DIST_NUMBER },
		{ "uniform(1k, 2k)", "uniform(1000, 2000)", DIST_NUMBER },
		{ "3", "3", DIST_NUMBER },
		{ "gamma(2, 3e-3)", "gamma(2, 0.003)", DIST_NUMBER },
	};
	char buf[256], buf2[256];
	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct dist *d = text(c[i].in, c[i].u);
		assert_string_equal(dist_format(d, buf, sizeof(buf)), c[i].out);
		struct dist *d2 = text(buf, c[i].u);
		assert_string_equal(dist_format(d2, buf2, sizeof(buf2)), buf);
		dist_free(d2);
		dist_free(d);
	}
	/* The mapping form gives the same distribution as the text form. */
	struct dist *a = yaml_ok("d: {dist: normal, mean: 400ns, sd: 10ns}",
				 DIST_DURATION);
	assert_string_equal(dist_format(a, buf, sizeof(buf)),
			    "normal(400ns, 10ns)");
	dist_free(a);
	a = yaml_ok("d:\n  dist: constant\n  value: 0\n", DIST_DURATION);
	assert_true(dist_is_zero(a));
	dist_free(a);
	a = yaml_ok("d: {dist: weibull, shape: 1.5, scale: 1ms}",
		    DIST_DURATION);
	assert_string_equal(dist_format(a, buf, sizeof(buf)),
			    "weibull(1ms, 1.5)");
	dist_free(a);
}

/* List kinds format as YAML flow mappings that load and parse back. */
static void test_format_roundtrip_lists(void **state)
{
	static const char *const want[] = {
		"{dist: empirical, edges: [0ns, 1us, 2us, 5us], counts: [3, 0, "
		"7]}",
		"{dist: mixture, components: [{weight: 0.7, dist: \"normal("
		"400ns, 10ns)\"}, {weight: 0.2, dist: \"exponential(1us)\"}, "
		"{weight: 0.1, dist: {dist: mixture, components: [{weight: "
		"0.5, dist: 2us}, {weight: 0.5, dist: \"uniform(0ns, "
		"1us)\"}]}}]}",
	};
	const char *src[] = { EMP_YAML, MIX_YAML };
	char buf[1024], doc[1100], buf2[1024];
	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct dist *d = yaml_ok(src[i], DIST_DURATION);
		assert_string_equal(dist_format(d, buf, sizeof(buf)), want[i]);
		snprintf(doc, sizeof(doc), "d: %s\n", buf);
		struct dist *d2 = yaml_ok(doc, DIST_DURATION);
		assert_string_equal(dist_format(d2, buf2, sizeof(buf2)), buf);
		assert_true(dist_mean(d2) == dist_mean(d));
		assert_true(dist_var(d2) == dist_var(d));
		dist_free(d2);
		dist_free(d);
	}
	/* Truncated output stays terminated and a prefix of the full text. */
	struct dist *d = yaml_ok(MIX_YAML, DIST_DURATION);
	char small[20];
	dist_format(d, small, sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_memory_equal(small, want[1], sizeof(small) - 1);
	dist_free(d);
}

/* Differential: random valid parameters -> format -> parse -> identical. */
static void test_format_roundtrip_random(void **state)
{
	gsl_rng *r = rng_stream_new(seed, 0, "test.dist.format");
	char buf[256], buf2[256];
	(void)state;
	for (int i = 0; i < 20000; i++) {
		enum dist_kind k = (enum dist_kind)gsl_rng_uniform_int(r, 8);
		enum dist_unit u = gsl_rng_uniform(r) < 0.5 ? DIST_DURATION
							    : DIST_NUMBER;
		/* log-uniform magnitudes over 1e-3 .. 1e12 */
		double p0 = pow(10, -3 + 15 * gsl_rng_uniform(r));
		double p1 = pow(10, -3 + 15 * gsl_rng_uniform(r));
		if (k == DIST_UNIFORM && p0 > p1) {
			double t = p0;
			p0 = p1;
			p1 = t;
		}
		if (k == DIST_NORMAL && gsl_rng_uniform(r) < 0.3)
			p0 = -p0;
		struct dist *d = dist_new(k, u, p0, p1);
		assert_non_null(d);
		dist_format(d, buf, sizeof(buf));
		struct dist *d2 = text(buf, u);
		dist_format(d2, buf2, sizeof(buf2));
		if (strcmp(buf, buf2) != 0 || dist_mean(d) != dist_mean(d2))
			print_error("%s -> %s\n", buf, buf2);
		assert_string_equal(buf, buf2);
		assert_int_equal(dist_kind(d2), k);
		/* Same parameters bit for bit: same theory, same draws. */
		assert_true(dist_mean(d) == dist_mean(d2) ||
			    (isinf(dist_mean(d)) && isinf(dist_mean(d2))));
		assert_true(dist_var(d) == dist_var(d2) ||
			    (isinf(dist_var(d)) && isinf(dist_var(d2))));
		gsl_rng *a = rng_stream_new(seed, (uint64_t)i, "x");
		gsl_rng *b = rng_stream_new(seed, (uint64_t)i, "x");
		assert_true(dist_sample(d, a) == dist_sample(d2, b));
		gsl_rng_free(a);
		gsl_rng_free(b);
		dist_free(d2);
		dist_free(d);
	}
	gsl_rng_free(r);
}

/* ---- errors --------------------------------------------------------------- */

/* Text form at s.yaml:3:10; expect message msg at column col. */
static void text_err(const char *s, enum dist_unit u, int col,
		     const char *msg)
{
	struct err e;
	err_init(&e);
	struct dist *d = dist_parse_text(s, u, "s.yaml", 3, 10, &e);
	if (d || strcmp(e.msg, msg) != 0 || e.col != col)
		print_error("'%s' -> %d:%d: %s\n", s, e.line, e.col, e.msg);
	assert_null(d);
	assert_int_equal(e.status, ERR_INPUT);
	assert_string_equal(e.file, "s.yaml");
	assert_int_equal(e.line, 3);
	assert_string_equal(e.msg, msg);
	assert_int_equal(e.col, col);
}

static void test_text_errors(void **state)
{
	const enum dist_unit D = DIST_DURATION, N = DIST_NUMBER;
	(void)state;
	/* Columns: the text starts at 10, so offset o is column 10 + o. */
	text_err("normall(1ns, 2ns)", D, 10,
		 "unknown distribution 'normall' (did you mean 'normal'?)");
	text_err("Normal(1ns, 2ns)", D, 10,
		 "unknown distribution 'Normal' (did you mean 'normal'?)");
	text_err("foo(1)", D, 10,
		 "unknown distribution 'foo' (expected constant, uniform, "
		 "normal, lognormal, gamma, exponential, weibull, pareto, "
		 "empirical or mixture)");
	text_err("normal(1ns)", D, 10,
		 "normal takes 2 arguments (mean, sd), got 1");
	text_err("normal()", D, 10,
		 "normal takes 2 arguments (mean, sd), got 0");
	text_err("normal(1ns, 2ns, 3ns)", D, 27,
		 "normal takes 2 arguments (mean, sd), got 3");
	text_err("constant()", D, 10,
		 "constant takes 1 argument (value), got 0");
	text_err("normal(1ns, -1ns)", D, 22,
		 "normal: sd must be >= 0 (got -1ns)");
	text_err("normal(400, 1ns)", D, 17,
		 "missing unit (ns, us, ms or s) in '400'");
	text_err("exponential(4xs)", D, 22,
		 "unknown unit 'xs' in '4xs' (expected ns, us, ms or s)");
	text_err("exponential(0ns)", D, 22,
		 "exponential: mean must be > 0 (got 0ns)");
	text_err("uniform(5ns, 3ns)", D, 18,
		 "uniform: lo must be <= hi (got 5ns > 3ns)");
	text_err("lognormal(0, 1)", D, 20,
		 "lognormal: median must be > 0 (got 0ns)");
	text_err("lognormal(1ms, -0.5)", D, 25,
		 "lognormal: sigma must be >= 0 (got -0.5)");
	text_err("lognormal(1ms, 0.5ms)", D, 25,
		 "unknown suffix 'ms' in '0.5ms' (expected k, M or G)");
	text_err("gamma(0, 1ns)", D, 16, "gamma: shape must be > 0 (got 0)");
	text_err("gamma(2, -1)", N, 19, "gamma: scale must be > 0 (got -1)");
	text_err("weibull(1ms, 0)", D, 23,
		 "weibull: shape must be > 0 (got 0)");
	text_err("pareto(2, 0ns)", D, 20,
		 "pareto: scale must be > 0 (got 0ns)");
	text_err("normal(1ns, 2ns", D, 16,
		 "missing ')' after the arguments of normal");
	text_err("normal(1ns, 2ns) x", D, 27,
		 "unexpected 'x' after normal(...)");
	text_err("normal(f(1), 2ns)", D, 18,
		 "unexpected '(' in the arguments of normal");
	text_err("normal", D, 16,
		 "expected '(' after 'normal': write normal(mean, sd)");
	text_err("normal(, 1ns)", D, 17, "normal: mean is empty");
	text_err("normal(1ns, )", D, 22, "normal: sd is empty");
	text_err("empirical(1, 2)", D, 10,
		 "empirical has list parameters: write it as a mapping, "
		 "{dist: empirical, edges: [...], counts: [...]}");
	text_err("mixture(1)", D, 10,
		 "mixture has list parameters: write it as a mapping, "
		 "{dist: mixture, components: [{weight: ..., dist: ...}, ...]}");
	text_err("", D, 10,
		 "empty distribution (expected e.g. 400ns or normal(400ns, "
		 "10ns))");
	text_err("   ", D, 10,
		 "empty distribution (expected e.g. 400ns or normal(400ns, "
		 "10ns))");
	text_err("400", D, 10, "missing unit (ns, us, ms or s) in '400'");
	text_err("  400", D, 12, "missing unit (ns, us, ms or s) in '400'");
	text_err("4ms extra", D, 10,
		 "unexpected 'extra' after the value in '4ms extra'");
	text_err("normal(nan, 1ns)", D, 17,
		 "expected a duration such as 400ns, got 'nan'");
	text_err("inf", D, 10,
		 "unknown distribution 'inf' (expected constant, uniform, "
		 "normal, lognormal, gamma, exponential, weibull, pareto, "
		 "empirical or mixture)");
	text_err("normal(1e999s, 1ns)", D, 17,
		 "number out of range in '1e999s'");
	text_err("normal(1ns, 2)", N, 17,
		 "unknown suffix 'ns' in '1ns' (expected k, M or G)");
}

/* YAML document with the distribution under key d. */
static void yaml_err(const char *yaml, int line, int col, const char *msg)
{
	struct err e;
	err_init(&e);
	struct dist *d = yaml_dist(yaml, DIST_DURATION, &e, NULL);
	if (d || strcmp(e.msg, msg) != 0 || e.line != line || e.col != col)
		print_error("-> %d:%d: %s\n", e.line, e.col, e.msg);
	assert_null(d);
	assert_int_equal(e.status, ERR_INPUT);
	assert_string_equal(e.file, "s.yaml");
	assert_string_equal(e.msg, msg);
	assert_int_equal(e.line, line);
	assert_int_equal(e.col, col);
}

static void test_mapping_errors(void **state)
{
	(void)state;
	yaml_err("d:\n  dist: normal\n  mean: 400ns\n  sdd: 10ns\n", 4, 3,
		 "normal: unknown key 'sdd' (did you mean 'sd'?)");
	yaml_err("d:\n  dist: normal\n  mean: 400ns\n  foo: 10ns\n", 4, 3,
		 "normal: unknown key 'foo' (expected dist, mean, sd)");
	yaml_err("d:\n  dist: normal\n  mean: 400ns\n", 2, 3,
		 "normal: missing 'sd'");
	yaml_err("d: {dist: normal, mean: 400ns, sd: -1ns}", 1, 36,
		 "normal: sd must be >= 0 (got -1ns)");
	yaml_err("d: {dist: normal, mean: 400, sd: 1ns}", 1, 25,
		 "missing unit (ns, us, ms or s) in '400'");
	yaml_err("d: {dist: normal, mean: [1ns], sd: 1ns}", 1, 25,
		 "normal: mean must be a single value, got a sequence");
	yaml_err("d: {dist: normall, mean: 1ns, sd: 1ns}", 1, 11,
		 "unknown distribution 'normall' (did you mean 'normal'?)");
	yaml_err("d: {dist: 'normall', mean: 1ns, sd: 1ns}", 1, 12,
		 "unknown distribution 'normall' (did you mean 'normal'?)");
	yaml_err("d: {dist: \"normal(1ns, 2ns)\"}", 1, 11,
		 "dist: expected a distribution name, got 'normal(1ns, 2ns)' "
		 "(write the text form as the whole value, without a mapping)");
	yaml_err("d: {dist: [normal]}", 1, 11,
		 "dist: expected a distribution name, got a sequence");
	yaml_err("d: {mean: 1ns}", 1, 4,
		 "distribution mapping needs a 'dist' key naming the "
		 "distribution, e.g. {dist: normal, mean: 400ns, sd: 10ns}");
	yaml_err("d: {dsit: normal}", 1, 5,
		 "distribution: unknown key 'dsit' (did you mean 'dist'?)");
	yaml_err("d: [1ns, 2ns]", 1, 4,
		 "expected a distribution (e.g. normal(400ns, 10ns) or {dist: "
		 "normal, mean: 400ns, sd: 10ns}), got a sequence");
	yaml_err("d: normal(1ns, -2ns)", 1, 16,
		 "normal: sd must be >= 0 (got -2ns)");
	yaml_err("d: \"normal(1ns, -2ns)\"", 1, 17,
		 "normal: sd must be >= 0 (got -2ns)");

	/* empirical */
	yaml_err("d: {dist: empirical, edges: [0, 2us, 1us], counts: [1, 1]}",
		 1, 38,
		 "empirical: edges must be strictly increasing (edge 3 is 1us, "
		 "after 2us)");
	yaml_err("d: {dist: empirical, edges: [0, 1us, 2us], counts: [1, -1]}",
		 1, 56, "empirical: counts must be >= 0 (count 2 is -1)");
	/* Durations have no negative edges (first edge, then a later one);
	 * plain numbers may. */
	yaml_err("d: {dist: empirical, edges: [-5ns, 1us], counts: [1]}",
		 1, 30, "empirical: duration edges must be >= 0 (edge 1 is "
		 "-5ns)");
	yaml_err("d: {dist: empirical, edges: [-2us, -1us, 1us], counts: "
		 "[1, 1]}", 1, 30, "empirical: duration edges must be >= 0 "
		 "(edge 1 is -2us)");
	yaml_err("d: {dist: empirical, edges: [0, 1us, 2us], counts: [0, 0]}",
		 1, 52, "empirical: counts must have a positive (finite) sum");
	yaml_err("d: {dist: empirical, edges: [0, 1us, 2us], counts: [1, 2, "
		 "3]}", 1, 52, "empirical: 3 edges need 2 counts, got 3");
	yaml_err("d: {dist: empirical, edges: [0], counts: []}", 1, 29,
		 "empirical: needs at least 2 edges (1 bin), got 1");
	yaml_err("d: {dist: empirical, edges: [0, 1], counts: [1]}", 1, 33,
		 "missing unit (ns, us, ms or s) in '1'");
	yaml_err("d: {dist: empirical, edges: [0, 1us], counts: [1x]}", 1, 48,
		 "unknown suffix 'x' in '1x' (expected k, M or G)");
	yaml_err("d: {dist: empirical, edges: 1us, counts: [1]}", 1, 29,
		 "empirical: edges must be a sequence, got a scalar");
	yaml_err("d: {dist: empirical, edges: [0, 1us]}", 1, 4,
		 "empirical: missing 'counts'");
	yaml_err("d: {dist: empirical, edges: [0, [1us]], counts: [1]}", 1, 33,
		 "empirical: edges must be single values, got a sequence");

	/* mixture */
	yaml_err("d:\n  dist: mixture\n  components:\n"
		 "    - {weight: 0.6, dist: 1ns}\n"
		 "    - {weight: 0.3, dist: 2ns}\n", 4, 5,
		 "mixture weights sum to 0.9, not 1");
	yaml_err("d: {dist: mixture, components: [{weight: 0, dist: 1ns}]}",
		 1, 42, "mixture: weight must be > 0 (got 0)");
	yaml_err("d: {dist: mixture, components: [{weight: -1, dist: 1ns}]}",
		 1, 42, "mixture: weight must be > 0 (got -1)");
	yaml_err("d: {dist: mixture, components: []}", 1, 32,
		 "mixture: needs at least one component");
	yaml_err("d: {dist: mixture, components: [1ns]}", 1, 33,
		 "mixture: each component must be a mapping {weight: ..., "
		 "dist: ...}, got a scalar");
	yaml_err("d: {dist: mixture, components: [{weight: 1}]}", 1, 33,
		 "mixture component: missing 'dist'");
	yaml_err("d: {dist: mixture, components: [{dist: 1ns}]}", 1, 33,
		 "mixture component: missing 'weight'");
	yaml_err("d: {dist: mixture, components: [{wieght: 1, dist: 1ns}]}",
		 1, 34, "mixture component: unknown key 'wieght' (did you mean "
		 "'weight'?)");
	yaml_err("d: {dist: mixture, components: [{weight: 1, dist: "
		 "'normal(1ns, -1ns)'}]}", 1, 64,
		 "normal: sd must be >= 0 (got -1ns)");
	yaml_err("d: {dist: mixture, components: [{weight: 1, dist: {dist: "
		 "gamma, shape: 0, scale: 1ns}}]}", 1, 72,
		 "gamma: shape must be > 0 (got 0)");
	yaml_err("d: {dist: mixture, components: [{weight: 1, dist: 1ns}], "
		 "weights: [1]}", 1, 58,
		 "mixture: unknown key 'weights' (expected dist, components)");
}

/* Mixtures nest 8 deep, not 9. */
/* The horizon rule (dist.h): P(X > 2^62 ns) <= 1e-3 for a duration
 * distribution, checked at its node by dist_parse; dist_sf against
 * values worked out by hand. */
static void test_duration_rules(void **state)
{
	(void)state;
	const double h = (double)DIST_NS_MAX;
	char msg[256];
	yaml_err("d: 4.7e9s", 1, 4, "4.7e+09s draws beyond the simulated "
		 "clock's horizon, 2^62ns (~146 years), with probability 1 (at "
		 "most 0.001: its 99.9th percentile must be within the "
		 "horizon)");
	yaml_err("d: weibull(1us, 1e-9)", 1, 4, "weibull(1us, 1e-09) draws "
		 "beyond the simulated clock's horizon, 2^62ns (~146 years), "
		 "with probability 0.368 (at most 0.001: its 99.9th percentile "
		 "must be within the horizon)");
	yaml_err("d: {dist: gamma, shape: 1e300, scale: 1us}", 1, 4,
		 "gamma(1e+300, 1us) draws beyond the simulated clock's "
		 "horizon, 2^62ns (~146 years), with probability 1 (at most "
		 "0.001: its 99.9th percentile must be within the horizon)");
	/* The boundary: exactly the horizon is in, an exponential's mean at
	 * h / ln 1000 is the edge, a heavy tail without a mean is in. */
	struct dist *d = yaml_ok("d: 4611686018427387904ns", DIST_DURATION);
	assert_int_equal(dist_check_horizon(d, msg, sizeof(msg)), 0);
	dist_free(d);
	double edge = h / log(1000.0);
	d = dist_new(DIST_EXPONENTIAL, DIST_DURATION, edge * 0.99, 0);
	assert_int_equal(dist_check_horizon(d, msg, sizeof(msg)), 0);
	dist_free(d);
	d = dist_new(DIST_EXPONENTIAL, DIST_DURATION, edge * 1.01, 0);
	assert_int_equal(dist_check_horizon(d, msg, sizeof(msg)), -1);
	dist_free(d);
	dist_free(yaml_ok("d: pareto(1, 1us)", DIST_DURATION));
	yaml_err("d: pareto(0.1, 1ns)", 1, 4, "pareto(0.1, 1ns) draws beyond "
		 "the simulated clock's horizon, 2^62ns (~146 years), with "
		 "probability 0.0136 (at most 0.001: its 99.9th percentile "
		 "must be within the horizon)");
	/* A constant under 0.5ns rounds to 0 at every draw, also inside a
	 * mixture; 0 itself and 0.5ns are fine. */
	yaml_err("d: 0.4ns", 1, 4, "0.4ns is a constant that rounds to 0ns "
		 "(the clock counts whole nanoseconds)");
	yaml_err("d: {dist: mixture, components: [{weight: 0.5, dist: 1us}, "
		 "{weight: 0.5, dist: 0.25ns}]}", 1, 4, "0.25ns is a constant "
		 "that rounds to 0ns (the clock counts whole nanoseconds)");
	dist_free(yaml_ok("d: 0", DIST_DURATION));
	dist_free(yaml_ok("d: 0.5ns", DIST_DURATION));
	/* More than half below 0: each draw would be drawn again and end 0
	 * (dist_sample_nonneg); half (a normal of mean 0) is fine. */
	yaml_err("d: -5ns", 1, 4, "-5ns is below 0 with probability 1: a "
		 "duration draws again when negative, so at most half of it may "
		 "lie below 0");
	yaml_err("d: uniform(-3us, 1us)", 1, 4, "uniform(-3us, 1us) is below 0 "
		 "with probability 0.75: a duration draws again when negative, so "
		 "at most half of it may lie below 0");
	dist_free(yaml_ok("d: normal(0ns, 1us)", DIST_DURATION));
	dist_free(yaml_ok("d: -5", DIST_NUMBER));
	/* Plain numbers have no clock. */
	dist_free(yaml_ok("d: 1e300", DIST_NUMBER));
	/* dist_sf: empirical (uniform within bins), mixture (weighted). */
	d = yaml_ok("d: {dist: empirical, edges: [0ns, 10ns, 20ns], "
		    "counts: [1, 1]}", DIST_DURATION);
	assert_rel(dist_sf(d, 15), 0.25, 1e-12, "empirical sf(15)");
	assert_rel(dist_sf(d, 5), 0.75, 1e-12, "empirical sf(5)");
	assert_true(dist_sf(d, 20) == 0);
	dist_free(d);
	d = yaml_ok("d: {dist: mixture, components: [{weight: 0.25, dist: "
		    "10ns}, {weight: 0.75, dist: 30ns}]}", DIST_DURATION);
	assert_rel(dist_sf(d, 20), 0.75, 1e-12, "mixture sf(20)");
	dist_free(d);
}

static void test_mixture_nesting(void **state)
{
	static const char open[] = "{dist: mixture, components: [{weight: 1, "
				   "dist: ";
	char doc[2048];
	(void)state;
	for (int levels = 8; levels <= 9; levels++) {
		size_t len = (size_t)snprintf(doc, sizeof(doc), "d: ");
		for (int i = 0; i < levels; i++)
			len += (size_t)snprintf(doc + len, sizeof(doc) - len,
						"%s", open);
		len += (size_t)snprintf(doc + len, sizeof(doc) - len, "7ns");
		for (int i = 0; i < levels; i++)
			len += (size_t)snprintf(doc + len, sizeof(doc) - len,
						"}]}");
		assert_true(len < sizeof(doc));
		if (levels == 8) {
			struct dist *d = yaml_ok(doc, DIST_DURATION);
			assert_rel(dist_mean(d), 7, 0, "nested mean");
			gsl_rng *r = rng_stream_new(seed, 0, "nest");
			assert_true(dist_sample(d, r) == 7);
			gsl_rng_free(r);
			dist_free(d);
		} else {
			/* The 9th mixture mapping starts after 8 openers. */
			yaml_err(doc, 1, (int)(4 + 8 * strlen(open)),
				 "mixture: nested more than 8 deep");
		}
	}
}

/* ---- a family added through the table alone ----------------------------- */

/* dummy(mode, halfwidth): the symmetric triangle on mode +- halfwidth,
 * drawn as mode + halfwidth (U1 + U2 - 1). */
static const struct dist_family dummy_family;

static double dummy_sample(const double *p, gsl_rng *r)
{
	double u1 = gsl_rng_uniform(r), u2 = gsl_rng_uniform(r);
	return p[0] + p[1] * (u1 + u2 - 1);
}

static double dummy_mean(const double *p)
{
	return p[0];
}

static double dummy_var(const double *p)
{
	return p[1] * p[1] / 6;
}

static double dummy_cdf(const double *p, double x)
{
	double z = (x - p[0]) / p[1];
	if (z <= -1)
		return 0;
	if (z >= 1)
		return 1;
	return z < 0 ? 0.5 * (1 + z) * (1 + z) : 1 - 0.5 * (1 - z) * (1 - z);
}

static int dummy_fit(const struct dist_hist *h, double *p, double *loglik,
		     size_t *evals)
{
	double m, sd, lm, lsd;
	dist_hist_moments(h, &m, &sd, &lm, &lsd);
	double start[2] = { m, sd * sqrt(6) };
	return dist_mle_binned(&dummy_family, h, start, p, loglik, evals);
}

static const struct dist_family dummy_family = {
	.name = "dummy",
	.np = 2,
	.param = { { "mode", 0, DIST_R_ANY }, { "halfwidth", 0, DIST_R_POS } },
	.sample = dummy_sample,
	.mean = dummy_mean,
	.var = dummy_var,
	.cdf = dummy_cdf,
	.fit = dummy_fit,
};

static void test_family_added_by_table(void **state)
{
	const struct dist_family *reg[32];
	size_t n = 0;
	char buf[256];
	struct err e;
	(void)state;
	while (dist_families[n] && n < 30) {
		reg[n] = dist_families[n];
		n++;
	}
	reg[n++] = &dummy_family;
	reg[n] = NULL;
	assert_ptr_equal(dist_family_find(reg, "dummy", 5), &dummy_family);
	assert_null(dist_family_find(NULL, "dummy", 5));

	/* Text form: parses, prints, reports its own family. */
	err_init(&e);
	struct dist *d = dist_parse_text_with(reg, "dummy(1us, 2us)",
					      DIST_DURATION, "t", 1, 1, &e);
	assert_non_null(d);
	assert_ptr_equal(dist_family(d), &dummy_family);
	assert_int_equal(dist_kind(d), DIST_OTHER);
	assert_string_equal(dist_format(d, buf, sizeof(buf)), "dummy(1us, 2us)");
	assert_rel(dist_mean(d), 1000, 1e-15, "dummy mean");
	assert_rel(dist_var(d), 4e6 / 6, 1e-15, "dummy var");

	/* Samples: moments within NSE standard errors, on the table's
	 * sampler; draws are binned for the fit below (25 ns bins). */
	enum { NB = 240 };
	double edges[NB + 1], counts[NB] = { 0 };
	for (int i = 0; i <= NB; i++)
		edges[i] = -1000 + 25.0 * i;
	gsl_rng *r = rng_stream_new(seed, 0, "test.dist.dummy");
	gsl_rstat_workspace *w = gsl_rstat_alloc();
	for (int i = 0; i < NDRAWS / 10; i++) {
		double x = dist_sample(d, r);
		gsl_rstat_add(x, w);
		int b = (int)floor((x + 1000) / 25);
		assert_true(b >= 0 && b < NB);
		counts[b]++;
	}
	double se = sqrt(dist_var(d) / (NDRAWS / 10));
	assert_true(fabs(gsl_rstat_mean(w) - 1000) < NSE * se);
	assert_rel(gsl_rstat_variance(w), dist_var(d), 0.02, "dummy sample var");
	gsl_rstat_free(w);
	gsl_rng_free(r);

	/* Fit from the histogram through the table's fit hook. */
	struct dist_hist h = { NB, edges, counts, 0 };
	double p[2], ll = 0;
	size_t evals = 0;
	assert_int_equal(dummy_family.fit(&h, p, &ll, &evals), 0);
	assert_rel(p[0], 1000, 0.01, "dummy fitted mode");
	assert_rel(p[1], 2000, 0.01, "dummy fitted halfwidth");
	assert_true(evals > 0 && isfinite(ll));
	assert_true(ll >= dist_hist_loglik(&dummy_family, &h,
					   (double[]){ 1100, 2000 }));
	dist_free(d);

	/* Mapping form, and a mixture component, with the same registry. */
	static const char *const docs[] = {
		"d: {dist: dummy, mode: 1us, halfwidth: 2us}",
		"d: {dist: mixture, components: [{weight: 1, dist: "
		"\"dummy(1us, 2us)\"}]}",
	};
	for (size_t i = 0; i < 2; i++) {
		err_init(&e);
		struct ytree *t = ytree_load_buffer("s.yaml", docs[i],
						    strlen(docs[i]), &e);
		assert_non_null(t);
		d = dist_parse_with(reg, ynode_get(ytree_root(t), "d"),
				    DIST_DURATION, &e);
		if (!d)
			fail_msg("%s: %s", docs[i], e.msg);
		assert_rel(dist_mean(d), 1000, 1e-12, docs[i]);
		dist_free(d);
		ytree_free(t);
	}

	/* Its errors read like every family's. */
	static const struct { const char *text, *msg; } bad[] = {
		{ "dummy(1us)", "dummy takes 2 arguments (mode, halfwidth), got 1" },
		{ "dummy(1us, 0)", "dummy: halfwidth must be > 0 (got 0ns)" },
		{ "dummy(1us, 2)", "missing unit (ns, us, ms or s) in '2'" },
		{ "dumy(1us, 2us)", "unknown distribution 'dumy' (did you mean "
		  "'dummy'?)" },
		{ "zipf(1)", "unknown distribution 'zipf' (expected constant, "
		  "uniform, normal, lognormal, gamma, exponential, weibull, "
		  "pareto, empirical, mixture or dummy)" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_init(&e);
		assert_null(dist_parse_text_with(reg, bad[i].text, DIST_DURATION,
						 "t", 1, 1, &e));
		assert_string_equal(e.msg, bad[i].msg);
	}
	/* Without it in the registry, dummy does not exist. */
	err_init(&e);
	assert_null(dist_parse_text("dummy(1us, 2us)", DIST_DURATION, "t", 1,
				    1, &e));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_moments_each_kind),
		cmocka_unit_test(test_theory_by_hand),
		cmocka_unit_test(test_nonneg_truncates),
		cmocka_unit_test(test_new_and_zero),
		cmocka_unit_test(test_format_roundtrip),
		cmocka_unit_test(test_format_roundtrip_lists),
		cmocka_unit_test(test_format_roundtrip_random),
		cmocka_unit_test(test_text_errors),
		cmocka_unit_test(test_mapping_errors),
		cmocka_unit_test(test_mixture_nesting),
		cmocka_unit_test(test_duration_rules),
		cmocka_unit_test(test_family_added_by_table),
		cmocka_unit_test(test_ziggurat_same_law),
	};
	gsl_set_error_handler_off();
	seed = test_seed(20240601);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
