/* test_units.c - numbers, durations and rates from scenario text.
 *
 * Pins: the accepted grammar (units, k/M/G, scientific notation, "/s" rates,
 * surrounding whitespace), the exact rejection reasons users see (among
 * them a nonzero number that underflows to 0: "1e-400"), and that
 * units_format_duration() round-trips bit for bit (a random differential test
 * against the parser over 1e-3 ns .. 1e15 ns, seed printed).  Does not pin
 * which of several exact spellings the formatter picks beyond a few
 * representative values.
 */
#include "test_util.h"
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include "sim/rng.h"
#include "sim/units.h"

static void test_duration_ok(void **state)
{
	static const struct { const char *s; double ns; } ok[] = {
		{ "400ns", 400 }, { "1.5ms", 1.5e6 }, { "2s", 2e9 },
		{ "3us", 3e3 }, { "3\xc2\xb5s", 3e3 }, { "0", 0 }, { "0.0", 0 },
		{ "0ns", 0 }, { " 12 ms ", 12e6 }, { "1e3ns", 1e3 },
		{ "2.5E-3s", 2.5e6 }, { ".5us", 500 }, { "5.us", 5e3 },
		{ "-4ns", -4 }, { "+4ns", 4 }, { "1e+2us", 1e5 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		double v = -1;
		char why[160] = "";
		int rc = units_parse_duration(ok[i].s, &v, why, sizeof(why));
		if (rc)
			print_error("'%s': %s\n", ok[i].s, why);
		assert_int_equal(rc, 0);
		/* The parser multiplies by an exact power of ten, as does the
		 * literal here: equality is exact. */
		assert_true(v == ok[i].ns);
	}
}

static void expect_err(int (*fn)(const char *, double *, char *, size_t),
		       const char *s, const char *want)
{
	double v = 12345;
	char why[200] = "";
	assert_int_equal(fn(s, &v, why, sizeof(why)), -1);
	assert_string_equal(why, want);
	assert_true(v == 12345);   /* untouched on error */
}

static void test_duration_errors(void **state)
{
	(void)state;
	expect_err(units_parse_duration, "400",
		   "missing unit (ns, us, ms or s) in '400'");
	expect_err(units_parse_duration, "4xs",
		   "unknown unit 'xs' in '4xs' (expected ns, us, ms or s)");
	expect_err(units_parse_duration, "4msx",
		   "unknown unit 'msx' in '4msx' (expected ns, us, ms or s)");
	expect_err(units_parse_duration, "4ms)",
		   "unexpected ')' after the value in '4ms)'");
	expect_err(units_parse_duration, "4ms 5",
		   "unexpected '5' after the value in '4ms 5'");
	expect_err(units_parse_duration, "",
		   "empty value (expected a duration such as 400ns)");
	expect_err(units_parse_duration, "   ",
		   "empty value (expected a duration such as 400ns)");
	expect_err(units_parse_duration, "nan",
		   "expected a duration such as 400ns, got 'nan'");
	expect_err(units_parse_duration, "infs",
		   "expected a duration such as 400ns, got 'infs'");
	expect_err(units_parse_duration, "1e999ns",
		   "number out of range in '1e999ns'");
	expect_err(units_parse_duration, "1e300s",
		   "duration out of range in '1e300s'");
	expect_err(units_parse_duration, "0x10ns",
		   "unknown unit 'x' in '0x10ns' (expected ns, us, ms or s)");
	expect_err(units_parse_duration, "1.2.3ms",
		   "unexpected '.3ms' after the value in '1.2.3ms'");
	expect_err(units_parse_duration, "ms",
		   "expected a duration such as 400ns, got 'ms'");
}

static void test_number(void **state)
{
	static const struct { const char *s; double v; } ok[] = {
		{ "42", 42 }, { "2k", 2e3 }, { "1.5M", 1.5e6 }, { "3G", 3e9 },
		{ "1e6", 1e6 }, { "-0.25", -0.25 }, { " 7 ", 7 }, { "2 k", 2e3 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		double v = -1;
		assert_int_equal(units_parse_number(ok[i].s, &v, NULL, 0), 0);
		assert_true(v == ok[i].v);
	}
	expect_err(units_parse_number, "4x",
		   "unknown suffix 'x' in '4x' (expected k, M or G)");
	expect_err(units_parse_number, "4ms",
		   "unknown suffix 'ms' in '4ms' (expected k, M or G)");
	expect_err(units_parse_number, "2k/s",
		   "unexpected '/s' after the value in '2k/s'");
	expect_err(units_parse_number, "inf", "expected a number, got 'inf'");
	expect_err(units_parse_number, "NaN", "expected a number, got 'NaN'");
	expect_err(units_parse_number, "", "empty value (expected a number)");
	expect_err(units_parse_number, "1e400",
		   "number out of range in '1e400'");
	expect_err(units_parse_number, "1e306G",
		   "number out of range in '1e306G'");
	/* Underflow is not 0 (a duration of 0 means "no horizon"). */
	expect_err(units_parse_number, "1e-400",
		   "number out of range in '1e-400' (too close to 0)");
	expect_err(units_parse_duration, "2.5e-999s",
		   "number out of range in '2.5e-999s' (too close to 0)");
	double z = -1;
	assert_int_equal(units_parse_number("0.000e-999", &z, NULL, 0), 0);
	assert_true(z == 0);
	expect_err(units_parse_number, "12abc",
		   "unknown suffix 'abc' in '12abc' (expected k, M or G)");
}

static void test_rate(void **state)
{
	static const struct { const char *s; double v; } ok[] = {
		{ "2000/s", 2000 }, { "2k/s", 2000 }, { "2k", 2000 },
		{ "2000", 2000 }, { "5/ms", 5000 }, { "1/us", 1e6 },
		{ "3 / ns", 3e9 }, { "1.5M/s", 1.5e6 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		double v = -1;
		assert_int_equal(units_parse_rate(ok[i].s, &v, NULL, 0), 0);
		assert_true(v == ok[i].v);
	}
	expect_err(units_parse_rate, "3/h",
		   "unknown rate unit '/h' in '3/h' (expected /s, /ms, /us or "
		   "/ns)");
	expect_err(units_parse_rate, "3/",
		   "unknown rate unit '/' in '3/' (expected /s, /ms, /us or /ns)");
	expect_err(units_parse_rate, "3hz",
		   "unknown suffix 'hz' in '3hz' (expected a rate such as "
		   "2000/s or 2k/s)");
	expect_err(units_parse_rate, "2k/s/s",
		   "unexpected '/s' after the value in '2k/s/s'");
	expect_err(units_parse_rate, "fast",
		   "expected a rate such as 2000/s or 2k/s, got 'fast'");
}

static void test_format_examples(void **state)
{
	static const struct { double ns; const char *s; } ex[] = {
		{ 400, "400ns" }, { 1.5e6, "1.5ms" }, { 2e9, "2s" },
		{ 0, "0ns" }, { 1500, "1.5us" }, { -10, "-10ns" },
		{ 0.5, "0.5ns" }, { 3.6e12, "3600s" }, { 10e3, "10us" },
	};
	char buf[64];
	(void)state;
	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++)
		assert_string_equal(units_format_duration(ex[i].ns, buf,
							  sizeof(buf)), ex[i].s);
	/* Truncation keeps the buffer terminated. */
	assert_string_equal(units_format_duration(1.5e6, buf, 3), "1.");
}

/* Differential: format -> parse gives back exactly the same double. */
static void test_format_roundtrip_random(void **state)
{
	uint64_t seed = test_seed(20240601);
	gsl_rng *r = rng_stream_new(seed, 0, "test.units");
	char buf[64];
	(void)state;
	for (int i = 0; i < 200000; i++) {
		/* log-uniform magnitude over 1e-3 .. 1e15 ns, random sign */
		double ns = pow(10.0, -3.0 + 18.0 * gsl_rng_uniform(r));
		if (gsl_rng_uniform(r) < 0.1)
			ns = -ns;
		if (gsl_rng_uniform(r) < 0.3)
			ns = round(ns);
		double back = NAN;
		units_format_duration(ns, buf, sizeof(buf));
		if (units_parse_duration(buf, &back, NULL, 0) || back != ns)
			print_error("ns %.17g -> '%s' -> %.17g\n", ns, buf, back);
		assert_true(back == ns);
	}
	gsl_rng_free(r);
}

/* units_round_ns is llround: at the halves, next to them (one ulp either
 * side), at whole numbers and on random magnitudes up to the horizon. */
static void test_round_ns(void **state)
{
	uint64_t seed = test_seed(20261206);
	gsl_rng *r = rng_stream_new(seed, 0, "test.units.round");
	(void)state;
	static const double edge[] = { 0, 0.25, 0.5, 1, 1.5, 2.5, 0x1p52,
				       0x1p52 + 1, 0x1p53, 0x1p61 };
	for (size_t i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
		double x = edge[i];
		double near[] = { x, nextafter(x, 0), nextafter(x, INFINITY) };
		for (int j = 0; j < 3; j++)
			assert_true(units_round_ns(near[j]) ==
				    (uint64_t)llround(near[j]));
	}
	for (int i = 0; i < 1000000; i++) {
		double x = pow(2.0, 62.0 * gsl_rng_uniform(r)) - 1.0;
		if (gsl_rng_uniform(r) < 0.3)   /* a half: the ties */
			x = floor(x) + 0.5;
		if (!(x >= 0 && x < 0x1p62))
			continue;
		if (units_round_ns(x) != (uint64_t)llround(x))
			print_error("x %.17g: %llu vs %lld\n", x,
				    (unsigned long long)units_round_ns(x),
				    llround(x));
		assert_true(units_round_ns(x) == (uint64_t)llround(x));
	}
	gsl_rng_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_ok),
		cmocka_unit_test(test_duration_errors),
		cmocka_unit_test(test_number),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_format_examples),
		cmocka_unit_test(test_format_roundtrip_random),
		cmocka_unit_test(test_round_ns),
	};
	gsl_set_error_handler_off();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
