/* test_outdir.c - the output folder's JSON files read by a parser
 * (sim/outdir.h, ytree_load_json) and plotted the same however formatted.
 *
 * Pins: ytree_load_json accepts JSON as bpfsim, `jq -c`, `jq .` and
 * python's json.dump(indent="\t") write it (compact, re-indented, tabs,
 * 1e-05, -0.5E+3, null, escapes) and rejects with file:line:col what is not
 * JSON (YAML block syntax, single quotes, bare words, unquoted keys,
 * duplicate keys, a truncated file, a top-level array);
 * outdir_json_num/str/strategy; and, on the fixed folders under
 * tests/plots/, that every figure data file (.dat) and script (.gp)
 * plot_outdir() writes is byte-identical when each summary.json and
 * capacity.json is re-written compact (one line) or re-indented (a
 * differential test: the reference is the figure data of the files as
 * bpfsim wrote them); a summary.json that is not JSON makes plot_outdir()
 * fail (status 1) with the file's position in the message, and writes no
 * figure data.  The folder's lock (outdir_lock): a second taker, even in
 * the same process (flock locks belong to the open file), is refused with
 * ERR_INPUT naming the holder's pid; once released it can be taken again.
 * format_version: absent or 1..OUTDIR_FORMAT_VERSION read, anything else
 * refused at its line.
 * Does not pin: the figures' values (tests/test_plot.c), drawing
 * (tests/cli/plot.sh).  The re-formatter below is the test's own: it
 * changes only whitespace outside strings, which is all a JSON re-save
 * changes for the values bpfsim writes (strings and %.17g numbers).
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_util.h"
#include "plots/plot.h"
#include "sim/outdir.h"

/* The whole file (malloc'd, NUL-terminated), *len its size; NULL if absent. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0, got;
	char *buf = malloc(cap);
	assert_non_null(buf);
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (n + 1 == cap) {
			buf = realloc(buf, cap *= 2);
			assert_non_null(buf);
		}
	}
	fclose(f);
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

/* ---- the JSON reader --------------------------------------------------- */

/* Load `text` as DIR/t.json; the tree, or NULL with e set. */
static struct ytree *load(const char *dir, const char *text, struct err *e)
{
	test_put_file(dir, "t.json", text);
	struct ytree *t = NULL;
	err_init(e);
	int rc = outdir_json_load(dir, "t.json", &t, e);
	assert_int_equal(rc, t ? 1 : -1);
	return t;
}

static void test_json_accepts(void **state)
{
	(void)state;
	char *dir = test_tmpdir("outdir");
	struct err e;
	static const char *const ok[] = {
		"{\"a\":1,\"b\":[1,2,{\"c\":\"d\"}],\"e\":1e-05,\"f\":null}",
		"{\n\t\"a\": 1,\n\t\"b\": [\n\t\t1,\n\t\t2,\n\t\t{\n\t\t\t\"c\": "
		"\"d\"\n\t\t}\n\t],\n\t\"e\": 1e-05,\n\t\"f\": null\n}\n",
		"{\n  \"a\" : 1 ,\"b\":[ 1 ,2, {\"c\" :\"d\"} ] ,\n\"e\":1E-5,"
		"\"f\":null}",
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct ytree *t = load(dir, ok[i], &e);
		assert_non_null(t);
		const struct ynode *r = ytree_root(t);
		assert_rel(outdir_json_num(r, "a"), 1, 0, "a");
		assert_rel(outdir_json_num(r, "e"), 1e-05, 0, "e");
		assert_true(isnan(outdir_json_num(r, "f")));     /* null */
		assert_true(isnan(outdir_json_num(r, "absent")));
		const struct ynode *b = ynode_peek(r, "b");
		assert_non_null(b);
		assert_int_equal(b->kind, YN_SEQ);
		assert_int_equal(b->n, 3);
		assert_string_equal(outdir_json_str(b->items[2], "c"), "d");
		ytree_free(t);
	}
	struct ytree *t = load(dir, "{\"s\": \"3\", \"x\": -0.5E+3, \"u\": "
			       "\"\\u00b5s \\\"q\\\" \\/\", \"strategies\": [{\"strategy\": "
			       "\"hash\", \"regime\": \"stable\"}, {\"strategy\": "
			       "\"lru\", \"regime\": \"exploding\"}], \"t\": true}", &e);
	assert_non_null(t);
	const struct ynode *r = ytree_root(t);
	assert_true(isnan(outdir_json_num(r, "s")));     /* a string */
	assert_rel(outdir_json_num(r, "x"), -500, 0, "x");
	assert_string_equal(outdir_json_str(r, "u"), "\xc2\xb5s \"q\" /");
	assert_string_equal(outdir_json_str(outdir_json_strategy(r, "lru"),
					    OUTDIR_KEY_REGIME), "exploding");
	assert_null(outdir_json_strategy(r, "none"));
	ytree_free(t);
	/* Absent: 0, no tree, no error. */
	err_init(&e);
	assert_int_equal(outdir_json_load(dir, "absent.json", &t, &e), 0);
	assert_null(t);
	assert_int_equal(e.status, ERR_OK);
	test_rm_rf(dir);
	free(dir);
}

static void test_json_rejects(void **state)
{
	(void)state;
	char *dir = test_tmpdir("outdir");
	static const struct {
		const char *text, *msg;
		int line, col;
	} bad[] = {
		{ "a: 1\nb: 2\n", "not JSON: a YAML block mapping", 1, 1 },
		{ "{\"a\": 'x'}", "not JSON: strings are written in double", 1, 7 },
		{ "{\"a\": yes}", "not JSON: 'yes' is not a number", 1, 7 },
		{ "{\"a\": 01}", "not JSON: '01' is not a number", 1, 7 },
		{ "{\"a\": .5}", "not JSON: '.5' is not a number", 1, 7 },
		{ "{a: 1}", "not JSON: key 'a' is not a double-quoted", 1, 2 },
		{ "{\"a\": 1,\n \"a\": 2}", "duplicate key 'a'", 2, 2 },
		{ "{\"a\": [1,\n", "JSON syntax error", 0, 0 },
		{ "[1, 2]", "expected a JSON object at the top level", 1, 1 },
		{ "", "empty file: expected a JSON object", 1, 1 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct err e;
		struct ytree *t = load(dir, bad[i].text, &e);
		assert_null(t);
		assert_int_equal(e.status, ERR_INPUT);
		if (!strstr(e.msg, bad[i].msg))
			fail_msg("case %zu: '%s' lacks '%s'", i, e.msg, bad[i].msg);
		if (bad[i].line) {
			assert_int_equal(e.line, bad[i].line);
			assert_int_equal(e.col, bad[i].col);
		}
		assert_non_null(strstr(e.file, "t.json"));
	}
	test_rm_rf(dir);
	free(dir);
}

/* ---- re-formatted files plot the same ----------------------------------- */

/* Rewrite JSON text: whitespace outside strings dropped (compact, like
 * `jq -c`) or replaced by one item a line indented with tabs and " : "
 * between keys and values (an unusual but valid layout). */
static char *reformat(const char *s, int indent)
{
	size_t cap = strlen(s) * 4 + 64, n = 0;
	char *o = malloc(cap);
	assert_non_null(o);
	int depth = 0;
#define PUT(c) do { assert_true(n + 1 < cap); o[n++] = (char)(c); } while (0)
#define NL() do { PUT('\n'); for (int d_ = 0; d_ < depth; d_++) PUT('\t'); } \
	while (0)
	for (const char *p = s; *p; p++) {
		char c = *p;
		if (c == '"') {
			PUT(c);
			for (p++; *p && *p != '"'; p++) {
				PUT(*p);
				if (*p == '\\' && p[1])
					PUT(*++p);
			}
			assert_true(*p == '"');
			PUT('"');
			continue;
		}
		if (c == ' ' || c == '\n' || c == '\t' || c == '\r')
			continue;
		if (indent && (c == '}' || c == ']')) {
			depth--;
			NL();
		}
		if (indent && c == ':') {
			PUT(' ');
			PUT(':');
			PUT(' ');
			continue;
		}
		PUT(c);
		if (indent && (c == '{' || c == '[')) {
			depth++;
			NL();
		} else if (indent && c == ',') {
			NL();
		}
	}
	if (indent)
		PUT('\n');
	o[n] = 0;
#undef PUT
#undef NL
	return o;
}

/* Re-format every *.json under dir (recursively); the count. */
static int reformat_tree(const char *dir, int indent)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *de;
	int count = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char path[4400];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		assert_int_equal(stat(path, &st), 0);
		size_t len = strlen(de->d_name);
		if (S_ISDIR(st.st_mode)) {
			count += reformat_tree(path, indent);
		} else if (len > 5 && !strcmp(de->d_name + len - 5, ".json")) {
			char *text = slurp(path, NULL), *re = reformat(text, indent);
			assert_true(strcmp(text, re) != 0);    /* it did change */
			test_put_file(dir, de->d_name, re);
			free(text);
			free(re);
			count++;
		}
	}
	closedir(d);
	return count;
}

/* Every .dat and .gp file of a/sub equals b/sub's (and exists there); the
 * count compared. */
static int same_figure_data(const char *a, const char *b, const char *sub)
{
	char da[4200], db[4200];
	snprintf(da, sizeof(da), "%s/%s", a, sub);
	snprintf(db, sizeof(db), "%s/%s", b, sub);
	DIR *d = opendir(da);
	assert_non_null(d);
	struct dirent *de;
	int count = 0;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (!(len > 4 && (!strcmp(de->d_name + len - 4, ".dat") ||
				  !strcmp(de->d_name + len - 3, ".gp"))))
			continue;
		char pa[4500], pb[4500];
		snprintf(pa, sizeof(pa), "%s/%s", da, de->d_name);
		snprintf(pb, sizeof(pb), "%s/%s", db, de->d_name);
		size_t la, lb;
		char *ta = slurp(pa, &la), *tb = slurp(pb, &lb);
		assert_non_null(ta);
		if (!tb)
			fail_msg("%s/%s: not written from the re-formatted JSON", sub,
				 de->d_name);
		if (la != lb || memcmp(ta, tb, la))
			fail_msg("%s/%s differs when the JSON is re-formatted", sub,
				 de->d_name);
		free(ta);
		free(tb);
		count++;
	}
	closedir(d);
	return count;
}

/* The figure folders of tests/plots that hold JSON (summary.json:
 * run/compare, sweeps, phase, the validation's subfolders; capacity.json). */
static const char *const json_dirs[] = {
	"compare", "sweep", "phase", "validation", "capacity",
};
#define NDIRS (sizeof(json_dirs) / sizeof(json_dirs[0]))

/* A run's summary.json as report_write_json() lays it out. */
static const char run_summary[] =
	"{\n  \"bpfsim\": \"fixture\",\n  \"scenario\": \"fixture-compare\",\n"
	"  \"model\": \"runqslower\",\n  \"seed\": 1,\n  \"replications\": 10,\n"
	"  \"confidence\": 0.95,\n  \"complete\": true,\n  \"strategies\": [\n"
	"    {\"strategy\": \"hash\", \"done\": 10, \"capped\": 0, \"failed\": 0,\n"
	"     \"warmup\": \"mser5\", \"warmup_cut_mean_ns\": 1.5e-05,\n"
	"     \"regime\": \"exploding\", \"regimes\": {\"stable\": 0, "
	"\"exploding\": 10},\n     \"metrics\": {\n       \"overhead_ratio\": "
	"{\"n\": 10, \"mean\": 0.0174777, \"sd\": null, \"ci_low\": null, "
	"\"ci_high\": null}}},\n"
	"    {\"strategy\": \"task_storage\", \"done\": 10, \"capped\": 0, "
	"\"failed\": 0,\n     \"warmup\": \"mser5\", \"warmup_cut_mean_ns\": 0,\n"
	"     \"regime\": \"stable\", \"regimes\": {\"stable\": 10, "
	"\"exploding\": 0},\n     \"metrics\": {},\n     \"difference_vs\": "
	"\"hash\", \"paired_difference\": {}}\n  ]\n}\n";

/* plot_outdir(dir) with no gnuplot on PATH (data and scripts only);
 * warnings into w. */
static int plot_no_gnuplot(const char *dir, FILE *w)
{
	const char *p = getenv("PATH");
	char *saved = strdup(p ? p : "");
	assert_non_null(saved);
	setenv("PATH", "/nonexistent", 1);
	int rc = plot_outdir(dir, NULL, NULL, w);
	setenv("PATH", saved, 1);
	free(saved);
	return rc;
}

/* Copy tests/plots to a new folder, re-format its JSON (indent < 0: not),
 * and run plot_outdir on each of json_dirs without gnuplot. */
static char *plot_copy(int indent)
{
	char *dir = test_tmpdir("outdir"), cmd[4300];
	snprintf(cmd, sizeof(cmd), "cp -R tests/plots/. '%s'", dir);
	assert_int_equal(system(cmd), 0);
	/* The compare fixture's summary.json has no strategies; give it
	 * regimes (bpfsim's layout) so the portrait labels come from it. */
	char sub[4300];
	snprintf(sub, sizeof(sub), "%s/compare", dir);
	test_put_file(sub, OUTDIR_SUMMARY_JSON, run_summary);
	if (indent >= 0)
		assert_int_equal(reformat_tree(dir, indent), 6);
	for (size_t i = 0; i < NDIRS; i++) {
		snprintf(sub, sizeof(sub), "%s/%s", dir, json_dirs[i]);
		FILE *w = tmpfile();
		assert_non_null(w);
		int rc = plot_no_gnuplot(sub, w);
		if (rc) {
			char msg[2048];
			rewind(w);
			msg[fread(msg, 1, sizeof(msg) - 1, w)] = 0;
			fail_msg("plot %s: status %d: %s", json_dirs[i], rc, msg);
		}
		fclose(w);
	}
	return dir;
}

static void test_reformatted_plot_same(void **state)
{
	(void)state;
	char *ref = plot_copy(-1), *compact = plot_copy(0), *indented = plot_copy(1);
	for (size_t i = 0; i < NDIRS; i++) {
		int n = same_figure_data(ref, compact, json_dirs[i]);
		assert_int_equal(same_figure_data(ref, indented, json_dirs[i]), n);
		/* compare: timeline, compare, portrait (its regimes come from
		 * summary.json); the others at least one figure. */
		assert_true(n >= (i == 0 ? 6 : 2));
	}
	/* The regimes did reach the portrait (read from summary.json). */
	char sub[4300];
	snprintf(sub, sizeof(sub), "%s/compare/portrait.gp", indented);
	char *gp = slurp(sub, NULL);
	assert_non_null(gp);
	assert_non_null(strstr(gp, "'hash (exploding)', 'task_storage (stable)'"));
	free(gp);
	test_rm_rf(ref);
	test_rm_rf(compact);
	test_rm_rf(indented);
	free(ref);
	free(compact);
	free(indented);
}

static void test_bad_summary_fails(void **state)
{
	(void)state;
	char *dir = test_tmpdir("outdir"), cmd[4300];
	snprintf(cmd, sizeof(cmd), "cp -R tests/plots/compare/. '%s'", dir);
	assert_int_equal(system(cmd), 0);
	char path[4300];
	snprintf(path, sizeof(path), "%s/" OUTDIR_SUMMARY_JSON, dir);
	size_t len;
	char *text = slurp(path, &len);
	assert_non_null(text);
	text[len / 2] = 0;                   /* truncated half-way */
	test_put_file(dir, OUTDIR_SUMMARY_JSON, text);
	free(text);
	FILE *w = tmpfile();
	assert_non_null(w);
	assert_int_equal(plot_no_gnuplot(dir, w), 1);
	char msg[2048];
	rewind(w);
	msg[fread(msg, 1, sizeof(msg) - 1, w)] = 0;
	fclose(w);
	assert_non_null(strstr(msg, "bpfsim plot: "));
	assert_non_null(strstr(msg, "summary.json:"));
	assert_non_null(strstr(msg, "JSON syntax error"));
	/* No figure data from a folder whose summary could not be read. */
	snprintf(path, sizeof(path), "%s/compare.dat", dir);
	assert_int_not_equal(access(path, F_OK), 0);
	/* Not JSON at all: the same. */
	test_put_file(dir, OUTDIR_SUMMARY_JSON, "strategies: [hash]\n");
	w = tmpfile();
	assert_non_null(w);
	assert_int_equal(plot_no_gnuplot(dir, w), 1);
	rewind(w);
	msg[fread(msg, 1, sizeof(msg) - 1, w)] = 0;
	fclose(w);
	assert_non_null(strstr(msg, "summary.json:1:1: not JSON"));
	test_rm_rf(dir);
	free(dir);
}

/* ---- the lock ----------------------------------------------------------- */

/* format_version: absent (version 1) and 1..OUTDIR_FORMAT_VERSION read;
 * a newer, zero, negative, fractional or quoted one refused at its
 * position, with no tree left behind. */
static void test_format_version(void **state)
{
	(void)state;
	static const struct { const char *v; int ok; } cases[] = {
		{ NULL, 1 }, { "1", 1 }, { "2", 1 }, { "3", 0 }, { "0", 0 },
		{ "-1", 0 }, { "2.5", 0 }, { "\"2\"", 0 }, { "null", 0 },
	};
	char *dir = test_tmpdir("fmtver");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[200];
		if (cases[i].v)
			snprintf(text, sizeof(text), "{\"bpfsim\": \"0.1.0\",\n"
				 "  \"format_version\": %s}\n", cases[i].v);
		else
			snprintf(text, sizeof(text), "{\"bpfsim\": \"0.1.0\"}\n");
		test_put_file(dir, OUTDIR_SUMMARY_JSON, text);
		struct ytree *t = NULL;
		struct err e;
		err_init(&e);
		int got = outdir_json_load(dir, OUTDIR_SUMMARY_JSON, &t, &e);
		if (cases[i].ok) {
			assert_int_equal(got, 1);
			assert_non_null(t);
		} else {
			assert_int_equal(got, -1);
			assert_null(t);
			assert_int_equal(e.status, ERR_INPUT);
			assert_int_equal(e.line, 2);
			assert_non_null(strstr(e.msg, "this bpfsim reads versions 1 to 2"));
		}
		ytree_free(t);
	}
	test_rm_rf(dir);
	free(dir);
}

static void test_lock(void **state)
{
	(void)state;
	char *dir = test_tmpdir("outdir");
	struct err e;
	int a, b;
	char want[64];
	err_init(&e);
	assert_int_equal(outdir_lock(dir, &a, &e), 0);
	assert_true(a >= 0);
	assert_int_equal(outdir_lock(dir, &b, &e), ERR_INPUT);
	assert_int_equal(b, -1);
	snprintf(want, sizeof(want), "in use by another bpfsim (pid %ld)",
		 (long)getpid());
	assert_non_null(strstr(e.msg, want));
	outdir_unlock(a);
	err_init(&e);
	assert_int_equal(outdir_lock(dir, &b, &e), 0);
	outdir_unlock(b);
	test_rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_accepts),
		cmocka_unit_test(test_json_rejects),
		cmocka_unit_test(test_reformatted_plot_same),
		cmocka_unit_test(test_bad_summary_fails),
		cmocka_unit_test(test_format_version),
		cmocka_unit_test(test_lock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
