/* test_util.h - helpers shared by the cmocka tests.
 *
 * cmocka 1.1.5 has no floating-point assertion: assert_rel() checks
 * |a - b| <= tol * max(|b|, tiny) and prints both values and what was being
 * compared when it fails.  Every caller states its tolerance and why.
 * test_seed() returns the seed random tests use: BPFSIM_TEST_SEED from the
 * environment, or the given default; tests print it so a failure can be
 * replayed.
 */
#ifndef BPFSIM_TEST_UTIL_H
#define BPFSIM_TEST_UTIL_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#define assert_rel(a, b, tol, what) \
	assert_rel_impl((double)(a), (double)(b), (double)(tol), (what), \
			__FILE__, __LINE__)

static inline void assert_rel_impl(double a, double b, double tol,
				   const char *what, const char *file, int line)
{
	double scale = fabs(b) > 1e-300 ? fabs(b) : 1e-300;
	if (!(fabs(a - b) <= tol * scale)) {
		print_error("%s: got %.17g, want %.17g (rel. tol %g)\n", what, a,
			    b, tol);
		_fail(file, line);
	}
}

/* |a - b| <= tol, for values near zero. */
#define assert_abs(a, b, tol, what) \
	assert_abs_impl((double)(a), (double)(b), (double)(tol), (what), \
			__FILE__, __LINE__)

static inline void assert_abs_impl(double a, double b, double tol,
				   const char *what, const char *file, int line)
{
	if (!(fabs(a - b) <= tol)) {
		print_error("%s: got %.17g, want %.17g (abs. tol %g)\n", what, a,
			    b, tol);
		_fail(file, line);
	}
}

static inline uint64_t test_seed(uint64_t def)
{
	const char *s = getenv("BPFSIM_TEST_SEED");
	uint64_t seed = s ? strtoull(s, NULL, 0) : def;
	fprintf(stderr, "# seed %llu (set BPFSIM_TEST_SEED to replay)\n",
		(unsigned long long)seed);
	return seed;
}

#endif
