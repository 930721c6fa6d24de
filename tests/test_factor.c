/* test_factor.c - cost factors (models/factor.c): parsing and evaluation.
 *
 * Pins: the value of every form at hand-computed points - none = 1,
 * linear(k) = 1 + k x, quadratic(s) = 1 + (x/s)^2, and piecewise-linear
 * tables inside each segment, at the points themselves, and clamped to the
 * end values beyond either end (also a one-point table, constant); that the
 * one-line text form `table(0:1, 10:2)` and the mapping form
 * {table: [[0, 1], [10, 2]]} build the same factor; SI suffixes in
 * arguments (linear(2k)); factor_table()'s rejection of bad arrays; that
 * factor_read() writes its default into the tree when the key is absent
 * (the resolved scenario shows it) and reads the key when present; and
 * every parse error's exact "file:line:col: message".
 *
 * Tolerances: the values checked are a few flops on inputs chosen so the
 * results are exact in binary (halves, quarters, small integers) or within
 * one rounding; comparisons are exact (tol 0) where the arithmetic is exact
 * and 1e-15 relative (a few ulps) where one division rounds.
 *
 * Does not pin: what the factors are applied to (test_storage.c), GSL's
 * interpolation beyond the linear kind, nor tables longer than a handful of
 * points (the 256-point limit is only checked for its message).
 */
#include "test_util.h"
#include <string.h>
#include "models/factor.h"
#include "sim/ytree.h"

/* Parse `f: <text>` (text is YAML: a scalar or a flow mapping). */
static int parse(const char *text, struct factor *f, struct err *e,
		 struct ytree **tree)
{
	char doc[8192];
	snprintf(doc, sizeof(doc), "f: %s\n", text);
	err_init(e);
	*tree = ytree_load_buffer("f.yaml", doc, strlen(doc), e);
	assert_non_null(*tree);
	return factor_parse(ynode_get(ytree_root(*tree), "f"), f, e);
}

static void parse_ok(const char *text, struct factor *f)
{
	struct err e;
	struct ytree *t;
	if (parse(text, f, &e, &t)) {
		char msg[1024];
		err_format(&e, msg, sizeof(msg));
		ytree_free(t);
		fail_msg("'%s' did not parse: %s", text, msg);
	}
	ytree_free(t);
}

static void expect_error(const char *text, const char *want)
{
	struct err e;
	struct ytree *t;
	struct factor f;
	char got[1024];
	int rc = parse(text, &f, &e, &t);
	ytree_free(t);
	err_format(&e, got, sizeof(got));
	if (rc != ERR_INPUT || e.status != ERR_INPUT || strcmp(got, want) != 0)
		fail_msg("'%s': got (rc %d) '%s', want '%s'", text, rc, got, want);
	/* A failed parse leaves nothing to free (and fini is safe anyway). */
	factor_fini(&f);
}

static void test_simple_forms(void **state)
{
	(void)state;
	struct factor f;

	parse_ok("none", &f);
	assert_int_equal(f.kind, FACTOR_NONE);
	assert_rel(factor_eval(&f, 0), 1, 0, "none(0)");
	assert_rel(factor_eval(&f, 1e9), 1, 0, "none(1e9)");
	factor_fini(&f);

	parse_ok("linear(0.5)", &f);
	assert_int_equal(f.kind, FACTOR_LINEAR);
	assert_rel(factor_eval(&f, 0), 1, 0, "linear(0.5) at 0");
	assert_rel(factor_eval(&f, 4), 3, 0, "linear(0.5) at 4");
	assert_rel(factor_eval(&f, 1000), 501, 0, "linear(0.5) at 1000");
	factor_fini(&f);

	parse_ok("linear(0)", &f);
	assert_rel(factor_eval(&f, 12345), 1, 0, "linear(0) is flat");
	factor_fini(&f);

	parse_ok("linear(2k)", &f);   /* SI suffix: k = 2000 */
	assert_rel(factor_eval(&f, 0.5), 1001, 0, "linear(2k) at 0.5");
	factor_fini(&f);

	parse_ok("quadratic(1024)", &f);   /* the reference model's map factor */
	assert_int_equal(f.kind, FACTOR_QUADRATIC);
	assert_rel(factor_eval(&f, 0), 1, 0, "quadratic at 0");
	assert_rel(factor_eval(&f, 512), 1.25, 0, "quadratic(1024) at 512");
	assert_rel(factor_eval(&f, 1024), 2, 0, "quadratic(1024) at 1024");
	assert_rel(factor_eval(&f, 4096), 17, 0, "quadratic(1024) at 4096");
	factor_fini(&f);

	parse_ok("quadratic(3)", &f);   /* (x/3)^2 rounds: a few ulps */
	assert_rel(factor_eval(&f, 1), 1 + 1.0 / 9, 1e-15, "quadratic(3) at 1");
	factor_fini(&f);
}

static void test_table_forms(void **state)
{
	(void)state;
	struct factor a, b, c;

	/* Quoted and plain text forms, and the mapping form: same factor. */
	parse_ok("table(0:1, 10:2)", &a);
	parse_ok("\"table(0:1,10:2)\"", &b);
	parse_ok("{table: [[0, 1], [10, 2]]}", &c);
	struct factor *fs[] = { &a, &b, &c };
	for (int i = 0; i < 3; i++) {
		struct factor *f = fs[i];
		assert_int_equal(f->kind, FACTOR_TABLE);
		assert_int_equal(f->n, 2);
		assert_rel(factor_eval(f, 0), 1, 0, "at x0");
		assert_rel(factor_eval(f, 10), 2, 0, "at x1");
		assert_rel(factor_eval(f, 5), 1.5, 0, "midpoint");
		assert_rel(factor_eval(f, 2.5), 1.25, 0, "quarter");
		/* Clamped beyond the ends: constant, not extrapolated. */
		assert_rel(factor_eval(f, -100), 1, 0, "below x0");
		assert_rel(factor_eval(f, 11), 2, 0, "just above x1");
		assert_rel(factor_eval(f, 1e12), 2, 0, "far above x1");
		factor_fini(f);
	}

	/* Three points, decreasing segment included: each segment is its own
	 * line (a single global fit would miss these). */
	parse_ok("table(100:2, 200:4, 400:3)", &a);
	assert_rel(factor_eval(&a, 50), 2, 0, "below the first point");
	assert_rel(factor_eval(&a, 150), 3, 0, "first segment");
	assert_rel(factor_eval(&a, 200), 4, 0, "at the middle point");
	assert_rel(factor_eval(&a, 300), 3.5, 0, "second segment");
	assert_rel(factor_eval(&a, 400), 3, 0, "at the last point");
	assert_rel(factor_eval(&a, 401), 3, 0, "beyond the last point");
	factor_fini(&a);

	/* SI suffixes in points. */
	parse_ok("table(0:1, 1k:3)", &a);
	assert_rel(factor_eval(&a, 500), 2, 0, "table with 1k");
	factor_fini(&a);

	/* One point: that value everywhere. */
	parse_ok("table(5:3)", &a);
	assert_rel(factor_eval(&a, -1), 3, 0, "one point, below");
	assert_rel(factor_eval(&a, 5), 3, 0, "one point, at");
	assert_rel(factor_eval(&a, 1e9), 3, 0, "one point, above");
	factor_fini(&a);
	parse_ok("{table: [[5, 3]]}", &a);
	assert_rel(factor_eval(&a, 7), 3, 0, "one point, mapping form");
	factor_fini(&a);
}

static void test_factor_table(void **state)
{
	(void)state;
	struct factor f;
	const double x[] = { 0, 10, 20 }, y[] = { 1, 3, 2 };
	assert_int_equal(factor_table(&f, x, y, 3), 0);
	assert_rel(factor_eval(&f, 5), 2, 0, "factor_table segment 1");
	assert_rel(factor_eval(&f, 15), 2.5, 0, "factor_table segment 2");
	factor_fini(&f);

	const double xd[] = { 0, 10, 10 }, yd[] = { 1, 2, 3 };
	assert_int_equal(factor_table(&f, xd, yd, 3), -1);   /* x not increasing */
	const double xr[] = { 0, 10 }, yz[] = { 1, 0 };
	assert_int_equal(factor_table(&f, xr, yz, 2), -1);   /* factor 0 */
	const double yn[] = { 1, -2 };
	assert_int_equal(factor_table(&f, xr, yn, 2), -1);   /* negative */
	const double xn[] = { 0, NAN };
	assert_int_equal(factor_table(&f, xn, y, 2), -1);    /* NaN x */
	const double ynan[] = { 1, NAN };
	assert_int_equal(factor_table(&f, xr, ynan, 2), -1); /* NaN factor */
	assert_int_equal(factor_table(&f, x, y, 0), -1);     /* no points */
	/* A refused table is left empty (kind none): fini is harmless. */
	assert_int_equal(f.kind, FACTOR_NONE);
	factor_fini(&f);
}

static void test_factor_read(void **state)
{
	(void)state;
	const char *doc = "present: linear(1)\n";
	struct err e;
	err_init(&e);
	struct ytree *t = ytree_load_buffer("r.yaml", doc, strlen(doc), &e);
	assert_non_null(t);
	struct ynode *root = ytree_root(t);
	struct factor f;

	assert_int_equal(factor_read(root, "present", "quadratic(2)", &f, &e), 0);
	assert_int_equal(f.kind, FACTOR_LINEAR);   /* the key wins over def */
	assert_rel(factor_eval(&f, 2), 3, 0, "present key read");
	factor_fini(&f);

	assert_null(ynode_peek(root, "absent"));
	assert_int_equal(factor_read(root, "absent", "quadratic(2)", &f, &e), 0);
	assert_int_equal(f.kind, FACTOR_QUADRATIC);
	assert_rel(factor_eval(&f, 2), 2, 0, "default applied");
	factor_fini(&f);
	/* The default is now visible in the tree (the resolved scenario). */
	struct ynode *n = ynode_peek(root, "absent");
	assert_non_null(n);
	assert_int_equal(n->kind, YN_SCALAR);
	assert_string_equal(n->value, "quadratic(2)");
	/* Both keys count as read: nothing unknown. */
	assert_int_equal(ytree_check_unknown(t, &e), 0);

	/* A bad default is reported like a bad value. */
	assert_int_equal(factor_read(root, "bad", "cubic(2)", &f, &e), ERR_INPUT);
	ytree_free(t);
}

static void test_parse_errors(void **state)
{
	(void)state;
	/* Text forms: the error points at the value (line 1, column 4). */
	expect_error("table(0:1, 10:2",
		     "f.yaml:1:4: table(...) needs a closing ')'");
	expect_error("table(0:1, 10:2)x",
		     "f.yaml:1:4: table(...) needs a closing ')'");
	expect_error("table(0:1, 10)",
		     "f.yaml:1:4: table point '10' is not x:factor");
	expect_error("table(0:1, 0:2)",
		     "f.yaml:1:4: table: x values must increase");
	expect_error("table(10:1, 5:2)",
		     "f.yaml:1:4: table: x values must increase");
	expect_error("table(0:0)", "f.yaml:1:4: table: a factor must be > 0");
	expect_error("table(0:-1)", "f.yaml:1:4: table: a factor must be > 0");
	expect_error("table()",
		     "f.yaml:1:4: table() needs at least one x:factor point");
	expect_error("table(a:1)", "f.yaml:1:4: table: expected a number, got 'a'");
	expect_error("linear(-1)", "f.yaml:1:4: linear(k): k must be >= 0");
	expect_error("linear(x)", "f.yaml:1:4: expected a number, got 'x'");
	expect_error("linear()", "f.yaml:1:4: empty value (expected a number)");
	expect_error("quadratic(0)",
		     "f.yaml:1:4: quadratic(scale): scale must be > 0");
	expect_error("quadratic(-5)",
		     "f.yaml:1:4: quadratic(scale): scale must be > 0");
	expect_error("quadratc(3)",
		     "f.yaml:1:4: unknown factor 'quadratc' (did you mean "
		     "'quadratic'?)");
	expect_error("foo(3)",
		     "f.yaml:1:4: unknown factor 'foo' (expected none, linear(k), "
		     "quadratic(scale) or {table: ...})");
	expect_error("banana",
		     "f.yaml:1:4: expected none, linear(k), quadratic(scale) or "
		     "{table: [[x, f], ...]}, got 'banana'");
	expect_error("[1, 2]",
		     "f.yaml:1:4: a factor is none, linear(k), quadratic(scale) "
		     "or {table: [[x, f], ...]}");
	/* Mapping form: positioned at the offending item. */
	expect_error("{table: []}",
		     "f.yaml:1:12: 'table' must be a list of [x, factor] pairs");
	expect_error("{table: 3}",
		     "f.yaml:1:12: 'table' must be a list of [x, factor] pairs");
	expect_error("{table: [[0, 1], [10]]}",
		     "f.yaml:1:21: each table point is [x, factor]");
	expect_error("{table: [[0, 1], [10, 2, 3]]}",
		     "f.yaml:1:21: each table point is [x, factor]");
	expect_error("{table: [[0, 1], [0, 2]]}",
		     "f.yaml:1:22: table x values must increase");
	expect_error("{table: [[0, -1]]}", "f.yaml:1:17: a factor must be > 0");
	expect_error("{table: [[zz, 1]]}",
		     "f.yaml:1:14: expected a number, got 'zz'");
	expect_error("{tabel: [[0, 1]]}",
		     "f.yaml:1:5: unknown key 'tabel' (did you mean 'table'?)");

	/* 257 points: over the text form's limit. */
	char big[8192];
	size_t off = (size_t)snprintf(big, sizeof(big), "\"table(");
	for (int i = 0; i < 257; i++)
		off += (size_t)snprintf(big + off, sizeof(big) - off, "%s%d:1",
					i ? "," : "", i);
	snprintf(big + off, sizeof(big) - off, ")\"");
	expect_error(big, "f.yaml:1:4: at most 256 table points");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_forms),
		cmocka_unit_test(test_table_forms),
		cmocka_unit_test(test_factor_table),
		cmocka_unit_test(test_factor_read),
		cmocka_unit_test(test_parse_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
