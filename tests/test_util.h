/* test_util.h - helpers shared by the cmocka tests.
 *
 * cmocka 1.1.5 has no floating-point assertion: assert_rel() checks
 * |a - b| <= tol * max(|b|, tiny) and prints both values and what was being
 * compared when it fails.  Every caller states its tolerance and why.
 * test_seed() returns the seed random tests use: BPFSIM_TEST_SEED from the
 * environment, or the given default; tests print it so a failure can be
 * replayed.  test_tmpdir()/test_rm_rf()/test_put_file(): scratch folders
 * for tests that write files (tmpdir's name is malloc'd: free it).
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
#include <string.h>
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

/* A new folder /tmp/bpfsim-test-TAG.XXXXXX (malloc'd name). */
static inline char *test_tmpdir(const char *tag)
{
	char *d = malloc(strlen(tag) + 32);
	assert_non_null(d);
	sprintf(d, "/tmp/bpfsim-test-%s.XXXXXX", tag);
	assert_non_null(mkdtemp(d));
	return d;
}

/* rm -rf dir (a name test_tmpdir made: no quote in it). */
static inline void test_rm_rf(const char *dir)
{
	char *cmd = NULL;
	assert_true(asprintf(&cmd, "rm -rf '%s'", dir) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* Write text to DIR/NAME. */
static inline void test_put_file(const char *dir, const char *name,
				 const char *text)
{
	char *path = NULL;
	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	FILE *f = fopen(path, "w");
	free(path);
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

#endif
