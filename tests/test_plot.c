/* test_plot.c - the figure preparers and their helpers (plots/).
 *
 * Pins: axis helpers (geometric spacing, display units, axis text as
 * numbers), the CSV reader's protocol (1 read / 0 absent / -1 malformed with
 * the line; quoted cells), gnuplot parameter quoting, the headline-metric choice (by the model
 * table's ranks), and what
 * plot_outdir() writes from the fixed folders under tests/plots/ when
 * gnuplot is not on PATH (so no figure is drawn here): the .dat layout and
 * values (compare in %, a geometric sweep on a log axis, the validation's
 * normalised waits and ratios, the timeline's off-scale cut, the phase
 * diagram's cells and difference counts, the portrait's choice of runs, the
 * capacity's thresholds and intervals, the calibration's densities and
 * skipped records), the .gp parameters, the single warning and the return
 * codes; plot_path() on a calibration file and on other files; the axis
 * helpers (values as numbers, cells, log tics, short labels).
 * Does not pin: drawing (tests/cli/plot.sh runs gnuplot), layouts.
 * Tolerances: values are printed with %.9g into the .dat files from
 * fixtures with 6 significant digits, so 1e-6 relative is exact enough.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_util.h"
#include "plots/plot.h"
#include "plots/plot_fig.h"

/* ---- helpers ---------------------------------------------------------- */

static void test_geometric(void **state)
{
	(void)state;
	const double dbl[] = { 1000, 2000, 4000, 8000 };
	const double rounded[] = { 1, 3, 10, 32, 100 };   /* 1:100:5:log */
	const double lin[] = { 1, 2, 3, 4 };
	const double near[] = { 100, 101, 102 };          /* both: linear */
	const double zero[] = { 0, 10, 100 };
	assert_true(plot_is_geometric(dbl, 4));
	assert_true(plot_is_geometric(rounded, 5));
	assert_false(plot_is_geometric(lin, 4));
	assert_false(plot_is_geometric(near, 3));
	assert_false(plot_is_geometric(zero, 3));
	assert_false(plot_is_geometric(dbl, 2));          /* too few to tell */
}

static void test_units(void **state)
{
	(void)state;
	struct plot_unit u;
	plot_unit_pick("ns", 999, &u);
	assert_string_equal(u.label, "ns");
	assert_rel(u.scale, 1, 0, "ns scale");
	plot_unit_pick("ns", 1000, &u);
	assert_string_equal(u.label, "µs");
	plot_unit_pick("ns", 2.2e7, &u);
	assert_string_equal(u.label, "ms");
	assert_rel(u.scale, 1e-6, 0, "ms scale");
	plot_unit_pick("ns", 5e9, &u);
	assert_string_equal(u.label, "s");
	plot_unit_pick("ratio", 0.5, &u);
	assert_string_equal(u.label, "%");
	assert_rel(u.scale, 100, 0, "ratio scale");
	plot_unit_pick("1/s", 10, &u);
	assert_string_equal(u.label, "per second");
	plot_unit_pick("count", 10, &u);
	assert_string_equal(u.label, "count");
}

static void test_axis_number(void **state)
{
	(void)state;
	double v;
	int kind;
	assert_int_equal(plot_axis_number("1000", &v, &kind), 0);
	assert_int_equal(kind, 0);
	assert_rel(v, 1000, 0, "1000");
	assert_int_equal(plot_axis_number("2k", &v, &kind), 0);
	assert_rel(v, 2000, 0, "2k");
	assert_int_equal(plot_axis_number("100us", &v, &kind), 0);
	assert_int_equal(kind, 1);
	assert_rel(v, 1e5, 0, "100us in ns");
	assert_int_equal(plot_axis_number("2000/s", &v, &kind), 0);
	assert_int_equal(kind, 2);
	assert_rel(v, 2000, 0, "2000/s");
	assert_int_equal(plot_axis_number("exponential(50ns)", &v, &kind), -1);
	assert_int_equal(plot_axis_number("hash", &v, &kind), -1);
}

static void test_axis_build(void **state)
{
	(void)state;
	struct plot_axis a;
	/* Rates, out of order and repeated: sorted, geometric, per second. */
	const char *rates[] = { "100000/s", "10000/s", "1e+06/s", "10000/s" };
	assert_int_equal(plot_axis_build(&a, rates, 4), 0);
	assert_int_equal(a.n, 3);
	assert_true(a.numeric);
	assert_int_equal(a.kind, 2);
	assert_true(a.log);
	assert_string_equal(a.text[0], "10000/s");
	assert_int_equal(plot_axis_find(&a, "1e+06/s"), 2);
	assert_int_equal(plot_axis_find(&a, "5/s"), -1);
	double lo, hi;
	plot_axis_cell(&a, 0, &lo, &hi);          /* halfway on a log axis */
	assert_rel(lo, 10000 / sqrt(10), 1e-12, "first cell low");
	assert_rel(hi, sqrt(1e9), 1e-12, "first cell high");
	char buf[128];
	plot_axis_label(&a, "workload.rate", buf, sizeof(buf));
	assert_string_equal(buf, "workload.rate (per second, log scale)");
	plot_axis_free(&a);
	/* Durations: display in µs, linear cells. */
	const char *durs[] = { "2us", "4us", "6us" };
	assert_int_equal(plot_axis_build(&a, durs, 3), 0);
	assert_int_equal(a.kind, 1);
	assert_false(a.log);
	assert_string_equal(a.unit.label, "µs");
	assert_rel(plot_axis_display(&a, 2), 6, 1e-12, "6 us");
	plot_axis_cell(&a, 0, &lo, &hi);
	assert_rel(lo, 1, 1e-12, "mirrored low edge");
	assert_rel(hi, 3, 1e-12, "halfway");
	plot_axis_free(&a);
	/* Distributions of one kind: their means; mixed text: categories. */
	const char *dists[] = { "exponential(20us)", "exponential(40us)" };
	assert_int_equal(plot_axis_build(&a, dists, 2), 0);
	assert_true(a.numeric);
	assert_string_equal(a.dist, "exponential");
	assert_rel(a.v[1], 40000, 1e-12, "mean in ns");
	plot_axis_label(&a, "workload.lifetime", buf, sizeof(buf));
	assert_string_equal(buf, "workload.lifetime: exponential mean (µs)");
	plot_axis_free(&a);
	const char *cats[] = { "hash", "lru_hash", "hash" };
	assert_int_equal(plot_axis_build(&a, cats, 3), 0);
	assert_false(a.numeric);
	assert_int_equal(a.n, 2);
	assert_rel(a.v[1], 1, 0, "category index");
	plot_axis_free(&a);
}

static void test_tics(void **state)
{
	(void)state;
	char buf[32];
	plot_short_number(177828, buf, sizeof(buf));
	assert_string_equal(buf, "178k");
	plot_short_number(1e6, buf, sizeof(buf));
	assert_string_equal(buf, "1M");
	plot_short_number(1000, buf, sizeof(buf));
	assert_string_equal(buf, "1000");
	plot_short_number(0.25, buf, sizeof(buf));
	assert_string_equal(buf, "0.25");
	plot_value_short("43088.7ns", buf, sizeof(buf));
	assert_string_equal(buf, "43.1 µs");
	plot_value_short("562341/s", buf, sizeof(buf));
	assert_string_equal(buf, "562k/s");
	plot_value_short("exponential(2us)", buf, sizeof(buf));
	assert_string_equal(buf, "exponential(2us)");
	double v[40];
	char l[40][16];
	/* Under 3 decades: 1-2-5; more: decades only. */
	size_t n = plot_log_tics(7500, 1.3e6, v, l, 40);
	assert_int_equal(n, 7);
	assert_string_equal(l[0], "10k");
	assert_string_equal(l[6], "1M");
	n = plot_log_tics(0.01, 1e4, v, l, 40);
	assert_int_equal(n, 7);
	assert_string_equal(l[0], "0.01");
	assert_int_equal(plot_log_tics(0, 10, v, l, 40), 0);
	n = plot_lin_tics(82000, 208000, v, l, 40);
	assert_true(n >= 4 && n <= 8);
	assert_string_equal(l[0], "100k");
}

static void test_csv(void **state)
{
	(void)state;
	char *d = test_tmpdir("plot");
	struct plot_csv t;
	struct err e;
	err_init(&e);
	assert_int_equal(plot_csv_read(&t, d, "absent.csv", &e), 0);
	test_put_file(d, "ok.csv", "a,b,c\n1,x,nan\n\n2.5,,7\n");
	assert_int_equal(plot_csv_read(&t, d, "ok.csv", &e), 1);
	assert_int_equal(t.nrows, 2);             /* blank line skipped */
	assert_int_equal(t.ncols, 3);
	assert_int_equal(plot_csv_col(&t, "c"), 2);
	assert_int_equal(plot_csv_col(&t, "d"), -1);
	assert_string_equal(plot_csv_str(&t, 0, 1), "x");
	assert_true(isnan(plot_csv_num(&t, 0, 2)));
	assert_true(isnan(plot_csv_num(&t, 0, 1)));   /* not a number */
	assert_true(isnan(plot_csv_num(&t, 1, 1)));   /* empty */
	assert_rel(plot_csv_num(&t, 1, 0), 2.5, 0, "2.5");
	assert_string_equal(plot_csv_str(&t, 5, 0), "");   /* out of range */
	plot_csv_free(&t);
	/* Quoted cells: commas and "" inside, a quote mid-cell kept. */
	test_put_file(d, "q.csv", "a,\"b,c\"\n\"normal(1us, 2us)\",\"say \"\"hi\"\"\"\n"
		   "x\"y,\"\"\n");
	assert_int_equal(plot_csv_read(&t, d, "q.csv", &e), 1);
	assert_int_equal(t.ncols, 2);
	assert_int_equal(t.nrows, 2);
	assert_string_equal(t.cell[1], "b,c");
	assert_string_equal(plot_csv_str(&t, 0, 0), "normal(1us, 2us)");
	assert_string_equal(plot_csv_str(&t, 0, 1), "say \"hi\"");
	assert_string_equal(plot_csv_str(&t, 1, 0), "x\"y");
	assert_string_equal(plot_csv_str(&t, 1, 1), "");
	plot_csv_free(&t);
	test_put_file(d, "bad.csv", "a,b\n\n1,2\n3\n");
	assert_int_equal(plot_csv_read(&t, d, "bad.csv", &e), -1);
	assert_int_equal(e.status, ERR_INPUT);
	assert_int_equal(e.line, 4);               /* the file's line */
	test_rm_rf(d);
	free(d);
}

static void test_vars(void **state)
{
	(void)state;
	struct plot_vars v = { 0 };
	const char *names[] = { "a", "it's" };
	const double nums[] = { 1.5, NAN };
	plot_var_str(&v, "title", "O'Brien: 5%");
	plot_var_num(&v, "n", 3);
	plot_var_strs(&v, "s", names, 2);
	plot_var_nums(&v, "x", nums, 2);
	plot_var_strs(&v, "none", names, 0);      /* no empty arrays */
	assert_false(v.oom);
	assert_string_equal(v.buf,
		"if (!exists(\"title\")) title = 'O''Brien: 5%'\n"
		"if (!exists(\"n\")) n = 3\n"
		"if (!exists(\"s\")) array s[2] = ['a', 'it''s']\n"
		"if (!exists(\"x\")) array x[2] = [1.5, NaN]\n");
	plot_vars_fini(&v);
}

static int usable_all(void *ctx, size_t i, int key)
{
	const int *flags = ctx;      /* 0 unusable, 1 key-only, 2 always */
	return flags[i] == 2 || (flags[i] == 1 && key);
}

static void test_pick(void **state)
{
	(void)state;
	/* Headline ranks from the model table: overhead_ratio 1, wait_mean
	 * 3, reports 5, bpf_time 0 (not a headline); names not in the table
	 * are not headlines either. */
	static const struct model_metric metrics[] = {
		{ "bpf_time", "ns", "", 0 },
		{ "reports", "count", "", 5 },
		{ "wait_mean", "ns", "", 3 },
		{ "overhead_ratio", "ratio", "", 1 },
		{ NULL, NULL, NULL, 0 },
	};
	const struct model m = { .name = "fake", .metrics = metrics };
	const char *names[] = { "elapsed", "wait_mean", "bpf_time", "reports",
				"overhead_ratio", "idle_time" };
	const int flags[] = { 1, 2, 2, 0, 1, 2 };
	size_t pick[4];
	size_t n = plot_pick_metrics(&m, names, 6, usable_all, (void *)flags, pick,
				     4);
	/* Headline metrics first by rank (overhead_ratio, wait_mean; reports
	 * is unusable), then the others in order that are usable as
	 * non-headline (elapsed is not). */
	assert_int_equal(n, 4);
	assert_int_equal(pick[0], 4);
	assert_int_equal(pick[1], 1);
	assert_int_equal(pick[2], 2);
	assert_int_equal(pick[3], 5);
	/* Unknown model: no headlines, file order of the usable ones. */
	n = plot_pick_metrics(NULL, names, 6, usable_all, (void *)flags, pick, 4);
	assert_int_equal(n, 3);
	assert_int_equal(pick[0], 1);
	assert_int_equal(pick[1], 2);
	assert_int_equal(pick[2], 5);
	assert_int_equal(plot_format_check(NULL), 0);
	assert_int_equal(plot_format_check("both"), 0);
	assert_int_equal(plot_format_check("jpeg"), -1);
}

/* ---- plot_outdir on the fixtures, without gnuplot ---------------------- */

static char *slurp(const char *dir, const char *name)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *buf = calloc(1, 1 << 20);
	assert_non_null(buf);
	size_t n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

struct fx {
	char *dir;          /* copy of tests/plots */
	char *path_env;
};

static int fx_setup(void **state)
{
	struct fx *x = calloc(1, sizeof(*x));
	assert_non_null(x);
	x->dir = test_tmpdir("plot");
	char cmd[4300];
	snprintf(cmd, sizeof(cmd), "cp -R tests/plots/. '%s'", x->dir);
	assert_int_equal(system(cmd), 0);
	const char *p = getenv("PATH");
	x->path_env = strdup(p ? p : "");
	setenv("PATH", "/nonexistent", 1);   /* no gnuplot: data and scripts */
	*state = x;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *x = *state;
	setenv("PATH", x->path_env, 1);
	test_rm_rf(x->dir);
	free(x->dir);
	free(x->path_env);
	free(x);
	return 0;
}

/* Run plot_outdir on DIR/sub; returns its status, the warnings in warn. */
static int plot_sub(struct fx *x, const char *sub, char *warn, size_t size)
{
	char dir[4200];
	snprintf(dir, sizeof(dir), "%s/%s", x->dir, sub);
	FILE *w = tmpfile(), *drawn = tmpfile();
	assert_non_null(w);
	assert_non_null(drawn);
	int rc = plot_outdir(dir, NULL, drawn, w);
	rewind(w);
	size_t n = fread(warn, 1, size - 1, w);
	warn[n] = 0;
	assert_int_equal(ftell(drawn), 0);      /* nothing drawn */
	fclose(w);
	fclose(drawn);
	return rc;
}

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_outdir_compare(void **state)
{
	struct fx *x = *state;
	char warn[2048], dir[4200];
	assert_int_equal(plot_sub(x, "compare", warn, sizeof(warn)), 0);
	assert_int_equal(count_lines(warn), 1);
	assert_non_null(strstr(warn, "gnuplot not found on PATH"));
	assert_non_null(strstr(warn, "timeline.gp compare.gp"));
	snprintf(dir, sizeof(dir), "%s/compare", x->dir);
	char *dat = slurp(dir, "compare.dat"), *gp = slurp(dir, "compare.gp");
	assert_non_null(dat);
	assert_non_null(gp);
	/* overhead_ratio first, in %: 0.0174777 -> 1.74777. */
	assert_non_null(strstr(dat, "# overhead_ratio (%)\n"
				    "0 \"hash\" 1.74777 1.74366 1.75188\n"
				    "1 \"task_storage\" 1.33357 1.33074 1.3364\n"));
	/* The six headline metrics; `elapsed` (the same for both) is not. */
	assert_non_null(strstr(gp, "array metrics[6] = ['overhead_ratio', "
				   "'bpf_cpu_share', 'wait_mean', 'wait_p99', "
				   "'reports', 'missed_samples']"));
	assert_non_null(strstr(gp, "array units[6] = ['%', '%', 'µs', 'ms', "
				   "'count', 'count']"));
	assert_non_null(strstr(gp, "array strategies[2] = ['hash', "
				   "'task_storage']"));
	/* The script itself follows its parameters. */
	assert_non_null(strstr(gp, "\n# compare.gp - key metrics per strategy"));
	free(dat);
	free(gp);

	/* Timeline: window midpoints in ms, CPU times in ms, the backlog; the
	 * start-up spike (6.38 and 11.25 ms) is cut off the BPF axis. */
	dat = slurp(dir, "timeline.dat");
	gp = slurp(dir, "timeline.gp");
	assert_non_null(dat);
	assert_non_null(gp);
	assert_non_null(strstr(dat, "# strategy hash, replication 0\n"
				    "0.5 1.57617 6.38109 3994.84\n1.5 "));
	assert_non_null(strstr(gp, "backlog = 1\n"));   /* its panel */
	assert_non_null(strstr(dat, "\n\n\n# strategy task_storage, "
				    "replication 0\n"));
	assert_non_null(strstr(gp, "window_ms = 1\n"));
	assert_non_null(strstr(gp, "payload_cap = 0\n"));
	assert_non_null(strstr(gp, "bpf_peak = 11.2509\n"));
	char *cap = strstr(gp, "bpf_cap = ");
	assert_non_null(cap);
	double c = strtod(cap + 10, NULL);
	assert_true(c > 0.2 && c < 0.5);
	free(dat);
	free(gp);
}

static void test_outdir_sweep(void **state)
{
	struct fx *x = *state;
	char warn[2048], dir[4200];
	assert_int_equal(plot_sub(x, "sweep", warn, sizeof(warn)), 0);
	assert_int_equal(count_lines(warn), 1);
	snprintf(dir, sizeof(dir), "%s/sweep", x->dir);
	char *dat = slurp(dir, "sweep.dat"), *gp = slurp(dir, "sweep.gp");
	assert_non_null(dat);
	assert_non_null(gp);
	assert_null(slurp(dir, "compare.dat"));    /* not a run folder */
	/* 1000, 2000, 4000, 8000: a log axis with tics at the values. */
	assert_non_null(strstr(gp, "xlog = 1\n"));
	assert_non_null(strstr(gp, "array xticks[4] = [1000, 2000, 4000, 8000]"));
	assert_non_null(strstr(gp, "array series[2] = ['hash', 'task_storage']"));
	assert_non_null(strstr(gp, "array ylog[6] = [0, 0, 0, 1, 1, 1]"));
	assert_non_null(strstr(gp, "nxnames = 0\n"));
	/* Per series, rows by x; overhead_ratio (%) first. */
	assert_non_null(strstr(dat, "# hash\n1000 1.55322 1.53918 1.56726 "));
	assert_non_null(strstr(dat, "\n\n\n# task_storage\n1000 "));
	free(dat);
	free(gp);
}

static void test_outdir_validation(void **state)
{
	struct fx *x = *state;
	char warn[2048], dir[4200];
	assert_int_equal(plot_sub(x, "validation", warn, sizeof(warn)), 0);
	assert_int_equal(count_lines(warn), 1);
	snprintf(dir, sizeof(dir), "%s/validation", x->dir);
	char *dat = slurp(dir, "validation.dat"), *gp = slurp(dir, "validation.gp");
	assert_non_null(dat);
	assert_non_null(gp);
	assert_non_null(strstr(gp, "array groups[2] = ['M/M/1', 'M/M/8']"));
	/* M/M/1 at rho = 0.05: E[S] = 50 ns, wait 2.6513 ns -> 0.053026;
	 * exact rho / (1 - rho) = 0.0526316. */
	char *row = strstr(dat, "# M/M/1: simulated\n");
	assert_non_null(row);
	double v[8];
	row = strchr(row, '\n') + 1;
	for (int i = 0; i < 8; i++)
		v[i] = strtod(row, &row);
	assert_rel(v[0], 0.05, 1e-9, "rho");
	assert_rel(v[1], 2.6513 / 50, 1e-6, "Wq / E[S]");
	assert_rel(v[4], 0.05 / 0.95, 1e-6, "exact M/M/1");
	assert_rel(v[5], v[1] / v[4], 1e-6, "ratio");
	/* The dense Erlang C curve of c = 8, and the c = 8 points from 0.25. */
	assert_non_null(strstr(dat, "# M/M/8: exact (Erlang C)\n0.005 "));
	assert_non_null(strstr(dat, "# M/M/8: simulated\n0.25 "));
	free(dat);
	free(gp);
	/* A subfolder alone draws its own group. */
	assert_int_equal(plot_sub(x, "validation/c8", warn, sizeof(warn)), 0);
	snprintf(dir, sizeof(dir), "%s/validation/c8", x->dir);
	gp = slurp(dir, "validation.gp");
	assert_non_null(gp);
	assert_non_null(strstr(gp, "array groups[1] = ['M/M/8']"));
	free(gp);
}

/* The numbers of the data line after the line that starts with `head`. */
static int data_row(const char *text, const char *head, double *v, int n)
{
	const char *at = strstr(text, head);
	if (!at)
		return -1;
	char *p = strchr(at, '\n');
	if (!p)
		return -1;
	p++;
	for (int i = 0; i < n; i++) {
		char *end;
		v[i] = strtod(p, &end);
		if (end == p)
			return -1;
		p = end;
	}
	return 0;
}

static void test_outdir_phase(void **state)
{
	struct fx *x = *state;
	char warn[2048], dir[4200];
	assert_int_equal(plot_sub(x, "phase", warn, sizeof(warn)), 0);
	assert_int_equal(count_lines(warn), 1);
	/* A phase folder: phase and portrait, not the sweep figure. */
	assert_non_null(strstr(warn, " phase.gp portrait.gp;"));
	snprintf(dir, sizeof(dir), "%s/phase", x->dir);
	assert_null(slurp(dir, "sweep.dat"));
	char *dat = slurp(dir, "phase.dat"), *gp = slurp(dir, "phase.gp");
	assert_non_null(dat);
	assert_non_null(gp);
	/* Cell (10000/s, 2 us) of hash: x in per second, y in µs, cells
	 * halfway in log; stable (1), overhead ratio in %. */
	double v[8];
	assert_int_equal(data_row(dat, "# hash: regime", v, 8), 0);
	assert_rel(v[0], 10000, 1e-9, "x");
	assert_rel(v[1], 2, 1e-9, "y (µs)");
	assert_rel(v[2], 10000 / sqrt(10), 1e-6, "xlo");
	assert_rel(v[5], sqrt(2 * 4.30887), 1e-6, "yhi");
	assert_rel(v[6], 1, 0, "stable");
	assert_rel(v[7], 93.6883, 1e-6, "overhead %");
	assert_non_null(strstr(dat, " 1 93.6883 \"S\"\n"));
	/* (1e6/s, 4.31 us): only task_storage explodes (code 3). */
	assert_non_null(strstr(dat, "\n1000000 4.30887 "));
	assert_non_null(strstr(gp, "array strategies[2] = ['hash', 'task_storage']"));
	assert_non_null(strstr(gp, "xlog = 1\n"));
	assert_non_null(strstr(gp, "ylog = 1\n"));
	assert_non_null(strstr(gp, "ylabel = 'workload.lifetime (µs, log scale)'"));
	assert_non_null(strstr(gp, "array dfirst[1] = [0]"));
	assert_non_null(strstr(gp, "array dother[1] = [1]"));
	assert_non_null(strstr(gp, "array dboth[1] = [2]"));
	assert_non_null(strstr(gp, "array present[5] = [0, 1, 0, 1, 0]"));
	assert_non_null(strstr(gp, "3 replications per cell"));
	free(dat);
	free(gp);

	/* Portrait: 6 of the 24 runs, the exploding ones first (3 of 5, evenly
	 * spaced), then stable ones. */
	gp = slurp(dir, "portrait.gp");
	dat = slurp(dir, "portrait.dat");
	assert_non_null(gp);
	assert_non_null(dat);
	assert_non_null(strstr(gp, "array runs[6] = ['task_storage @ rate=1M/s, "
				   "lifetime=4.31 µs (exploding)', "));
	assert_non_null(strstr(gp, "6 of 24 runs"));
	assert_non_null(strstr(gp, "xlog = 1\n"));
	/* Per run: windows, arrows, first and last window. */
	assert_non_null(strstr(dat, "(exploding): windows\n"));
	assert_non_null(strstr(dat, "(exploding): direction of time\n"));
	assert_non_null(strstr(dat, "(exploding): first and last window\n"));
	free(gp);
	free(dat);
}

static void test_outdir_portrait_run(void **state)
{
	struct fx *x = *state;
	char warn[2048], dir[4200];
	assert_int_equal(plot_sub(x, "compare", warn, sizeof(warn)), 0);
	assert_non_null(strstr(warn, "timeline.gp compare.gp portrait.gp;"));
	snprintf(dir, sizeof(dir), "%s/compare", x->dir);
	char *gp = slurp(dir, "portrait.gp"), *dat = slurp(dir, "portrait.dat");
	assert_non_null(gp);
	assert_non_null(dat);
	/* One run per strategy; no regime in this summary.json: no label. */
	assert_non_null(strstr(gp, "array runs[2] = ['hash', 'task_storage']"));
	/* 60 windows: drawn one by one; the first is the start-up spike. */
	assert_non_null(strstr(gp, "one point per 1 ms window"));
	assert_non_null(strstr(dat, "# hash: windows\n3994.84 404.848\n"));
	assert_non_null(strstr(dat, "# hash: first and last window\n3994.84 404.848\n"));
	free(gp);
	free(dat);
}

static void test_outdir_capacity(void **state)
{
	struct fx *x = *state;
	char warn[2048], dir[4200];
	assert_int_equal(plot_sub(x, "capacity", warn, sizeof(warn)), 0);
	assert_int_equal(count_lines(warn), 1);
	assert_non_null(strstr(warn, " capacity.gp;"));
	snprintf(dir, sizeof(dir), "%s/capacity", x->dir);
	char *dat = slurp(dir, "capacity.dat"), *gp = slurp(dir, "capacity.gp");
	assert_non_null(dat);
	assert_non_null(gp);
	/* Probes by rate; bpf_cpu_share in %. */
	assert_non_null(strstr(dat, "# hash\n1000 1 1 0 0.0238413 0.0226061 "
				    "0.0250765\n31622.8 1 1 0 "));
	assert_non_null(strstr(gp, "array thr[1] = [5]"));
	assert_non_null(strstr(gp, "array names[1] = ['bpf_cpu_share']"));
	assert_non_null(strstr(gp, "objective: bpf_cpu_share ≤ 5%"));
	assert_non_null(strstr(gp, "array est[2] = [170774, 118637]"));
	assert_non_null(strstr(gp, "array low[2] = [170774, 115478]"));
	assert_non_null(strstr(gp, "'hash: capacity 171k/s (95% interval 171k .. "
				   "173k/s)'"));
	assert_non_null(strstr(gp, "zoom = 1\n"));
	assert_non_null(strstr(gp, "10 replications per probe"));
	free(dat);
	free(gp);
	/* Without capacity.json: the term unnamed, no threshold. */
	char path[4300];
	snprintf(path, sizeof(path), "%s/capacity.json", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(plot_sub(x, "capacity", warn, sizeof(warn)), 0);
	gp = slurp(dir, "capacity.gp");
	assert_non_null(gp);
	assert_non_null(strstr(gp, "array names[1] = ['term0']"));
	assert_non_null(strstr(gp, "array thr[1] = [NaN]"));
	free(gp);
}

static void test_outdir_calibration(void **state)
{
	struct fx *x = *state;
	char warn[2048], dir[4200];
	assert_int_equal(plot_sub(x, "calibration", warn, sizeof(warn)), 0);
	assert_int_equal(count_lines(warn), 1);
	assert_non_null(strstr(warn, " calibration-fixture.gp;"));
	snprintf(dir, sizeof(dir), "%s/calibration", x->dir);
	char *dat = slurp(dir, "calibration-fixture.dat"),
	     *gp = slurp(dir, "calibration-fixture.gp");
	assert_non_null(dat);
	assert_non_null(gp);
	/* The by_active record and the mean-only profile have no panel. */
	assert_non_null(strstr(gp, "array titles[3] = ['workload.wait', "
				   "'workload.cpu_demand', 'storage.hash.update']"));
	assert_non_null(strstr(gp, "'lognormal (chosen): AIC 237693, KS 0.151', "
				   "'weibull: ΔAIC +2803, KS 0.156'"));
	assert_non_null(strstr(gp, "baseline 42.4 ns subtracted"));
	assert_non_null(strstr(gp, "array units[3] = ['µs', 'µs', 'ns']"));
	/* Densities per decade: the bars of workload.wait hold (nearly) all
	 * of the values. */
	const char *h = strstr(dat, "# workload.wait: histogram\n");
	assert_non_null(h);
	h = strchr(h, '\n') + 1;
	double mass = 0;
	while (*h && *h != '\n' && *h != '#') {
		char *end;
		double a = strtod(h, &end), b = strtod(end, &end), d = strtod(end, &end);
		mass += d / 100 * log10(b / a);
		h = end + 1;
	}
	assert_true(mass > 0.98 && mass < 1.0001);
	free(dat);
	free(gp);
	/* plot_path on the file: the same figure; on another file: 2. */
	char path[4300];
	snprintf(path, sizeof(path), "%s/fixture.yaml", dir);
	FILE *w = tmpfile();
	assert_int_equal(plot_path(path, NULL, NULL, w), 0);
	snprintf(path, sizeof(path), "%s/phase/phase.csv", x->dir);
	assert_int_equal(plot_path(path, NULL, NULL, w), 2);
	fclose(w);
	/* A calibration file of another version is named, with its line. */
	test_put_file(dir, "old.yaml", "version: 2\nhost: {cpus: 2}\n");
	assert_int_equal(plot_sub(x, "calibration", warn, sizeof(warn)), 1);
	assert_non_null(strstr(warn, "calibration-old figure: "));
	assert_non_null(strstr(warn, "old.yaml:1:10: calibration file version 2 "
				     "is not supported"));
}

static void test_outdir_errors(void **state)
{
	struct fx *x = *state;
	char warn[2048], dir[4200];
	snprintf(dir, sizeof(dir), "%s/empty", x->dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(plot_sub(x, "empty", warn, sizeof(warn)), 2);
	assert_non_null(strstr(warn, "nothing to plot"));
	/* A malformed summary.csv: that figure fails (1), the others go on. */
	snprintf(dir, sizeof(dir), "%s/compare", x->dir);
	test_put_file(dir, "summary.csv", "strategy,metric,unit,n,mean,sd,ci_low,"
		   "ci_high\nhash,wait_mean,ns,3\n");
	assert_int_equal(plot_sub(x, "compare", warn, sizeof(warn)), 1);
	assert_non_null(strstr(warn, "compare figure: "));
	assert_non_null(strstr(warn, "summary.csv:2:1: 4 cells, the header has 8"));
	assert_non_null(strstr(warn, "gnuplot not found"));   /* timeline */
	FILE *w = tmpfile();
	assert_int_equal(plot_outdir(dir, "gif", NULL, w), 2);
	fclose(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_geometric),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_axis_number),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_vars),
		cmocka_unit_test(test_pick),
		cmocka_unit_test(test_axis_build),
		cmocka_unit_test(test_tics),
		cmocka_unit_test_setup_teardown(test_outdir_compare, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_outdir_sweep, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_outdir_validation, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_outdir_phase, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_outdir_portrait_run, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_outdir_capacity, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_outdir_calibration, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_outdir_errors, fx_setup,
						fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
