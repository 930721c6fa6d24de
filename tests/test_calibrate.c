/* test_calibrate.c - calibration without a kernel: histograms, the
 * calibration file, scenario references, load specs.
 *
 * Pins:
 *   - hist_index() (the function the BPF probes run) puts every value in
 *     the same bin as sim/stats.h's stat_hist_init(HIST_SUB, HIST_MAX_POW2)
 *     (a differential test over all bin edges, their neighbours and random
 *     values up to 2^41 ns), hist_edge() gives that binning's edges, and
 *     values from 2^40 ns on count as overflow;
 *   - hist_merge() of per-CPU copies equals recording everything in one;
 *   - chist_from_hist() trims empty ends and keeps the exact mean;
 *     chist_shift() moves edges, piles what falls at or below 0 into the
 *     first bin (exact counts) and shifts the mean; chist_coarsen() keeps
 *     the total and the outer edges;
 *   - a calibration file written by calfile_write_dist()/calfile_merge()
 *     loads back (version 1), keeps sections other runs wrote, replaces the
 *     one re-measured, accumulates profile entries;
 *   - a scenario's {from: calibration.X} references resolve into what
 *     models read - the chosen fit, an alternative (use: gamma), the
 *     histogram (use: empirical), the mean (use: mean), plain scalars (a
 *     factor table, a rate) - the runqslower model accepts them, the
 *     resolved scenario has no `calibration:` key and runs again alone;
 *   - every reference error ends as one "file:line:col: message" (exact
 *     text): wrong version, missing key (with a suggestion), a section
 *     instead of a value, no calibration key, unknown `use`, extra keys;
 *   - loadgen_parse() accepts and rejects the documented --load forms.
 * Tolerances: histogram values are exact integers and sums (0).
 * Does not pin: fit quality (test_fit.c), anything needing a kernel
 * (tests/cli/calibrate_live.sh).
 */
#include "test_util.h"
#include <string.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include "calibrate/calfile.h"
#include "calibrate/chist.h"
#include "calibrate/fit.h"
#include "calibrate/loadgen.h"
#include "sim/cli/env.h"
#include "sim/exp/scenario.h"
#include "sim/stats.h"

static uint64_t seed;
static char dir[256];

static void test_index_matches_stat_hist(void **state)
{
	(void)state;
	struct stat_hist sh;
	assert_int_equal(stat_hist_init(&sh, HIST_SUB, HIST_MAX_POW2), 0);
	assert_int_equal(gsl_histogram_bins(sh.h), HIST_NBINS);
	for (uint32_t i = 0; i <= HIST_NBINS; i++) {
		double lo = gsl_histogram_max(sh.h), hi;
		if (i < HIST_NBINS)
			gsl_histogram_get_range(sh.h, i, &lo, &hi);
		if ((double)hist_edge(i) != lo)
			fail_msg("edge %u: hist_edge %llu, stat_hist %.17g", i,
				 (unsigned long long)hist_edge(i), lo);
	}
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, seed);
	for (unsigned k = 0; k < 200000 + 3 * HIST_NBINS; k++) {
		uint64_t v;
		if (k < 3 * HIST_NBINS)   /* every edge and its neighbours */
			v = hist_edge(k / 3) + (uint64_t)(k % 3) - 1;
		else
			v = (uint64_t)exp2(gsl_rng_uniform(r) * 41.0);
		if (k == 0)
			v = 0;
		uint32_t got = hist_index(v);
		size_t want;
		if ((double)v >= gsl_histogram_max(sh.h))
			want = HIST_NBINS;
		else if (gsl_histogram_find(sh.h, (double)v, &want))
			fail_msg("gsl cannot bin %llu", (unsigned long long)v);
		if (got != want)
			fail_msg("value %llu: hist_index %u, stat_hist bin %zu",
				 (unsigned long long)v, got, want);
	}
	assert_int_equal(hist_index(UINT64_C(1) << 40), HIST_NBINS);
	assert_int_equal(hist_index(UINT64_MAX), HIST_NBINS);
	assert_int_equal(hist_index((UINT64_C(1) << 40) - 1), HIST_NBINS - 1);
	gsl_rng_free(r);
	stat_hist_fini(&sh);
}

static void test_merge(void **state)
{
	(void)state;
	struct hist *cpu = calloc(4, sizeof(*cpu)), *all = calloc(2, sizeof(*all));
	assert_non_null(cpu);
	assert_non_null(all);
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, seed + 1);
	for (int i = 0; i < 100000; i++) {
		uint64_t v = (uint64_t)gsl_ran_lognormal(r, 6, 2);
		if (i % 1000 == 0)
			v = UINT64_C(1) << 41;     /* some overflow */
		hist_record(&cpu[gsl_rng_uniform_int(r, 4)], v);
		hist_record(&all[0], v);
	}
	for (int c = 0; c < 4; c++)
		hist_merge(&all[1], &cpu[c]);
	assert_memory_equal(&all[0], &all[1], sizeof(all[0]));
	assert_int_equal(hist_count(&all[1]), 100000);
	assert_int_equal(all[1].overflow, 100);
	gsl_rng_free(r);
	free(cpu);
	free(all);
}

static void test_chist_ops(void **state)
{
	(void)state;
	struct hist *h = calloc(1, sizeof(*h));
	struct chist c, d;
	assert_non_null(h);
	/* 10 x 5ns, 10 x 40ns, 20 x 100ns (bin [100, 102)), 1 overflow. */
	for (int i = 0; i < 10; i++) {
		hist_record(h, 5);
		hist_record(h, 40);
		hist_record(h, 100);
		hist_record(h, 101);
	}
	hist_record(h, UINT64_C(1) << 45);
	assert_int_equal(chist_from_hist(&c, h), 0);
	assert_rel(c.edges[0], 5, 0, "trimmed low edge");
	assert_rel(c.edges[c.n], 102, 0, "trimmed high edge");
	assert_rel(chist_total(&c), 41, 0, "total with overflow");
	assert_rel(chist_binned(&c), 40, 0, "binned");
	assert_rel(c.mean, (10 * 5 + 10 * 40 + 10 * 100 + 10 * 101) / 40.0, 0,
		   "exact mean of the binned values");
	assert_rel(c.overflow, 1, 0, "overflow");
	/* Shift by 20: the 5ns bin falls below 0 and piles into the first bin
	 * that reaches above 0, which now starts at 0. */
	assert_int_equal(chist_copy(&d, &c), 0);
	assert_int_equal(chist_shift(&d, 20), 0);
	assert_rel(d.edges[0], 0, 0, "shifted first edge");
	assert_rel(d.counts[0], 10, 0, "piled counts");
	assert_rel(chist_binned(&d), 40, 0, "shift keeps the total");
	assert_rel(d.edges[d.n], 82, 0, "shifted top edge");
	assert_rel(d.mean, c.mean - 20, 0, "shifted mean");
	chist_fini(&d);
	/* Shift past everything: one bin [0, 1). */
	assert_int_equal(chist_copy(&d, &c), 0);
	assert_int_equal(chist_shift(&d, 1000), 0);
	assert_int_equal(d.n, 1);
	assert_rel(d.counts[0], 40, 0, "all piled");
	assert_rel(d.mean, 0, 0, "mean clamped at 0");
	chist_fini(&d);
	/* Coarsen to 4 bins: total and outer edges unchanged. */
	assert_int_equal(chist_copy(&d, &c), 0);
	assert_int_equal(chist_coarsen(&d, 4), 0);
	assert_true(d.n <= 4);
	assert_rel(chist_binned(&d), 40, 0, "coarsen keeps the total");
	assert_rel(d.edges[0], 5, 0, "coarsen low edge");
	assert_rel(d.edges[d.n], 102, 0, "coarsen high edge");
	chist_fini(&d);
	/* Quantiles: the median falls in the 40ns bin's upper half. */
	assert_rel(chist_quantile(&c, 0.0), 5, 0, "q0");
	assert_true(isinf(chist_quantile(&c, 1.0)));
	chist_fini(&c);
	free(h);
}

/* A clock ticking every 10 ns: durations land on multiples of 10 (and +1
 * now and then, as two reads straddle a tick).  The tick is found; the
 * spread histogram keeps the total and mean and fits a smooth family far
 * better (KS) than the spiky one. */
static void test_clock_tick(void **state)
{
	(void)state;
	struct hist *h = calloc(1, sizeof(*h));
	struct chist c, d;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	assert_non_null(h);
	gsl_rng_set(r, seed + 5);
	for (int i = 0; i < 100000; i++) {
		double x = 40 + gsl_ran_gaussian(r, 8);
		uint64_t v = (uint64_t)(10 * floor(x / 10 + 0.5));
		if (gsl_rng_uniform(r) < 0.05)
			v++;
		hist_record(h, v);
	}
	assert_int_equal(chist_from_hist(&c, h), 0);
	assert_int_equal(chist_clock_tick(&c), 10);
	assert_int_equal(chist_copy(&d, &c), 0);
	assert_int_equal(chist_spread(&d, 10), 0);
	assert_rel(chist_binned(&d), chist_binned(&c), 1e-12, "spread total");
	double mc = 0, md = 0;   /* bin-midpoint means, before and after */
	for (size_t i = 0; i < c.n; i++)
		mc += c.counts[i] * 0.5 * (c.edges[i] + c.edges[i + 1]);
	for (size_t i = 0; i < d.n; i++)
		md += d.counts[i] * 0.5 * (d.edges[i] + d.edges[i + 1]);
	assert_rel(md / chist_binned(&d), mc / chist_binned(&c), 1e-3,
		   "spread mean (midpoints)");
	struct fit_result fc, fd;
	assert_int_equal(fit_family(&c, dist_family_find(NULL, "normal", 6), &fc), 0);
	assert_int_equal(fit_family(&d, dist_family_find(NULL, "normal", 6), &fd), 0);
	assert_true(fc.ks > 0.1);     /* a staircase against a smooth CDF */
	assert_true(fd.ks < 0.05);
	assert_rel(fd.p[0], 40.55, 0.02, "spread normal mean");
	chist_fini(&d);
	chist_fini(&c);
	/* No tick in smooth data. */
	memset(h, 0, sizeof(*h));
	for (int i = 0; i < 100000; i++)
		hist_record(h, (uint64_t)(40 + gsl_ran_gaussian(r, 8)));
	assert_int_equal(chist_from_hist(&c, h), 0);
	assert_int_equal(chist_clock_tick(&c), 1);
	chist_fini(&c);
	gsl_rng_free(r);
	free(h);
}

/* ---- calibration files and scenarios ------------------------------------ */

static void write_file(const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *gamma_record(const char *key, double shape, double scale,
			  uint64_t s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct hist *h = calloc(1, sizeof(*h));
	struct chist c;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	assert_non_null(f);
	assert_non_null(h);
	gsl_rng_set(r, s);
	for (int i = 0; i < 50000; i++)
		hist_record(h, (uint64_t)(10.0 + gsl_ran_gamma(r, shape, scale)));
	assert_int_equal(chist_from_hist(&c, h), 0);
	assert_int_equal(chist_shift(&c, 10), 0);
	calfile_write_dist(f, 4, key, &c, 10);
	fclose(f);
	chist_fini(&c);
	free(h);
	gsl_rng_free(r);
	return buf;
}

static void write_calibration(void)
{
	char path[512], *sec = NULL;
	size_t len = 0;
	char *upd = gamma_record("update", 4, 50, seed + 2);
	char *lkp = gamma_record("lookup", 2, 30, seed + 3);
	struct err e;
	FILE *f = open_memstream(&sec, &len);
	fprintf(f, "host:\n  kernel: test\n  cpus: 2\n"
		"storage:\n  hash:\n%s%s"
		"    occupancy_factor: table(0:1, 1000:1.2, 64000:2)\n", upd, lkp);
	fclose(f);
	free(upd);
	free(lkp);
	snprintf(path, sizeof(path), "%s/cal.yaml", dir);
	err_init(&e);
	if (calfile_merge(path, sec, &e))
		fail_msg("merge: %s", e.msg);
	free(sec);
	/* A second run adds the workload section and a profile entry. */
	err_init(&e);
	if (calfile_merge(path, "host:\n  kernel: test\n  cpus: 2\n"
			  "workload:\n  spawn_rate: 1500/s\n  cpu_demand:\n"
			  "    n: 3\n    mean: 80us\n"
			  "profile:\n  a: {method: bpf_stats, mean: 120ns, runs: 9}\n",
			  &e))
		fail_msg("merge 2: %s", e.msg);
	err_init(&e);
	if (calfile_merge(path, "profile:\n  b: {method: bpf_stats, mean: 7ns, "
			  "runs: 3}\n", &e))
		fail_msg("merge 3: %s", e.msg);
}

static void test_merge_sections(void **state)
{
	(void)state;
	char path[512];
	struct err e;
	write_calibration();
	snprintf(path, sizeof(path), "%s/cal.yaml", dir);
	err_init(&e);
	struct ytree *t = calfile_load(path, &e);
	if (!t)
		fail_msg("load: %s", e.msg);
	assert_non_null(ytree_find(t, "storage.hash.update.fit"));
	assert_non_null(ytree_find(t, "storage.hash.update.histogram.counts"));
	assert_string_equal(ytree_find(t, "workload.spawn_rate")->value, "1500/s");
	assert_string_equal(ytree_find(t, "profile.a.mean")->value, "120ns");
	assert_string_equal(ytree_find(t, "profile.b.mean")->value, "7ns");
	assert_string_equal(ytree_find(t, "version")->value, "1");
	ytree_free(t);
	/* Re-measuring the workload replaces that section only. */
	err_init(&e);
	assert_int_equal(calfile_merge(path, "workload:\n  spawn_rate: 9/s\n", &e),
			 0);
	t = calfile_load(path, &e);
	assert_non_null(t);
	assert_string_equal(ytree_find(t, "workload.spawn_rate")->value, "9/s");
	assert_null(ytree_find(t, "workload.cpu_demand"));
	assert_non_null(ytree_find(t, "storage.hash.lookup.fit"));
	ytree_free(t);
	write_calibration();
}

static const char scenario_text[] =
	"model: runqslower\n"
	"calibration: cal.yaml\n"
	"duration: 2ms\n"
	"replications: 2\n"
	"cpus: 2\n"
	"workload:\n"
	"  arrival: poisson\n"
	"  rate: {from: calibration.workload.spawn_rate}\n"
	"  lifetime: {from: calibration.workload.cpu_demand, use: mean}\n"
	"storage:\n"
	"  kind: hash\n"
	"  hash:\n"
	"    update: {from: calibration.storage.hash.update}\n"
	"    lookup: {from: calibration.storage.hash.lookup, use: empirical}\n"
	"    delete: {from: calibration.storage.hash.update, use: mean}\n"
	"    occupancy_factor: {from: calibration.storage.hash.occupancy_factor}\n"
	"  task_storage:\n"
	"    get: {from: calibration.storage.hash.update, use: gamma}\n"
	"probe:\n"
	"  hooks:\n"
	"    sched_switch: {from: calibration.profile.a}\n";

static struct scenario *load(const char *name, struct err *e)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	err_init(e);
	return scenario_load(&cli_env, path, NULL, 0, 0, NULL, e);
}

static void test_resolve(void **state)
{
	(void)state;
	struct err e;
	write_calibration();
	write_file("sc.yaml", scenario_text);
	struct scenario *sc = load("sc.yaml", &e);
	if (!sc)
		fail_msg("scenario: %s:%d:%d: %s", e.file, e.line, e.col, e.msg);
	struct ytree *t = sc->tree;
	char chosen[64];
	assert_null(ytree_find(t, "calibration"));
	assert_string_equal(ytree_find(t, "workload.rate")->value, "1500/s");
	assert_string_equal(ytree_find(t, "workload.lifetime")->value, "80us");
	assert_string_equal(ytree_find(t, "probe.hooks.sched_switch")->value,
			    "120ns");
	struct ynode *u = ytree_find(t, "storage.hash.update");
	assert_int_equal(u->kind, YN_MAP);
	assert_non_null(ynode_peek(u, "dist"));
	snprintf(chosen, sizeof(chosen), "%s", ynode_peek(u, "dist")->value);
	assert_null(ynode_peek(u, "from"));
	assert_int_equal(u->line, 13);     /* the reference's position */
	assert_string_equal(ytree_find(t, "storage.hash.lookup.dist")->value,
			    "empirical");
	assert_int_equal(ytree_find(t, "storage.hash.lookup.edges")->kind, YN_SEQ);
	assert_int_equal(ytree_find(t, "storage.hash.lookup")->line, 14);
	assert_string_equal(ytree_find(t, "storage.task_storage.get.dist")->value,
			    "gamma");
	const char *del = ytree_find(t, "storage.hash.delete")->value;
	assert_true(strstr(del, "ns") != NULL);
	assert_string_equal(ytree_find(t, "storage.hash.occupancy_factor")->value,
			    "table(0:1, 1000:1.2, 64000:2)");
	/* The resolved scenario stands alone: it loads again, the same. */
	char path[512];
	snprintf(path, sizeof(path), "%s/resolved.yaml", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	scenario_emit(sc, f);
	fclose(f);
	scenario_free(sc);
	sc = load("resolved.yaml", &e);
	if (!sc)
		fail_msg("resolved: %s:%d:%d: %s", e.file, e.line, e.col, e.msg);
	assert_string_equal(ytree_find(sc->tree, "storage.hash.update.dist")->value,
			    chosen);
	assert_null(ytree_find(sc->tree, "calibration"));
	scenario_free(sc);
}

/* Scenario text with one line replaced; expect the message from
 * "bad.yaml:" on to be exactly `want` (or, with want starting with '~',
 * the whole message to contain the rest). */
static void expect_error(const char *from_line, const char *to_line,
			 const char *want)
{
	char text[4096], got[1024];
	const char *p = strstr(scenario_text, from_line);
	assert_non_null(p);
	snprintf(text, sizeof(text), "%.*s%s%s", (int)(p - scenario_text),
		 scenario_text, to_line, p + strlen(from_line));
	write_file("bad.yaml", text);
	struct err e;
	struct scenario *sc = load("bad.yaml", &e);
	scenario_free(sc);
	err_format(&e, got, sizeof(got));
	const char *rel = strstr(got, "bad.yaml:");
	int ok = want[0] == '~' ? strstr(got, want + 1) != NULL
				: rel && !strcmp(rel, want);
	if (sc || !ok)
		fail_msg("want '%s', got '%s'", want, got);
}

static void test_resolve_errors(void **state)
{
	(void)state;
	write_calibration();
	expect_error("    update: {from: calibration.storage.hash.update}\n",
		     "    update: {from: calibration.storage.hash.updat}\n",
		     "bad.yaml:13:20: calibration.storage.hash.updat: cal.yaml has "
		     "no 'updat' under storage.hash (did you mean 'update'?)");
	expect_error("    update: {from: calibration.storage.hash.update}\n",
		     "    update: {from: calibration.storage.hash}\n",
		     "bad.yaml:13:20: calibration.storage.hash is a section, not a "
		     "measured value (it holds: update, lookup, occupancy_factor)");
	expect_error("    update: {from: calibration.storage.hash.update}\n",
		     "    update: {from: storage.hash.update}\n",
		     "bad.yaml:13:20: 'from' takes calibration.PATH, e.g. from: "
		     "calibration.storage.hash.insert");
	expect_error("    update: {from: calibration.storage.hash.update}\n",
		     "    update: {from: calibration.storage.hash.update, use: fitt}\n",
		     "bad.yaml:13:58: unknown use 'fitt' (did you mean 'fit'?)");
	expect_error("    update: {from: calibration.storage.hash.update}\n",
		     "    update: {from: calibration.storage.hash.update, sd: 1ns}\n",
		     "bad.yaml:13:53: a calibration reference takes only 'from' "
		     "and 'use' (got 'sd')");
	expect_error("    update: {from: calibration.storage.hash.update}\n",
		     "    update: {from: calibration.storage.hash.update, use: weibul}\n",
		     "bad.yaml:13:58: unknown use 'weibul' (did you mean 'weibull'?)");
	expect_error("calibration: cal.yaml\n", "name: x\n",
		     "bad.yaml:8:16: a calibration reference needs a top-level "
		     "'calibration: FILE' naming the calibration file (bpfsim "
		     "calibrate ... -o FILE)");
	expect_error("    sched_switch: {from: calibration.profile.a}\n",
		     "    sched_switch: {from: calibration.profile.a, use: gamma}\n",
		     "bad.yaml:21:54: calibration.profile.a holds a mean only "
		     "(bpf_stats: 120ns); use: gamma needs a distribution");
	expect_error("calibration: cal.yaml\n", "calibration: nothere.yaml\n",
		     "~bad.yaml:2:14: cannot use calibration file '");
	/* Another version of the format: refused where it says so. */
	write_file("v2.yaml", "# a future file\nversion: 2\nhost: {}\n");
	expect_error("calibration: cal.yaml\n", "calibration: v2.yaml\n",
		     "~v2.yaml:2:10: calibration file version 2 is not supported "
		     "(this bpfsim reads version 1; re-run bpfsim calibrate)");
}

static void test_version_message(void **state)
{
	(void)state;
	char path[512];
	struct err e;
	write_file("v2.yaml", "# a future file\nversion: 2\nhost: {}\n");
	snprintf(path, sizeof(path), "%s/v2.yaml", dir);
	err_init(&e);
	assert_null(calfile_load(path, &e));
	assert_int_equal(e.status, ERR_INPUT);
	assert_int_equal(e.line, 2);
	assert_int_equal(e.col, 10);
	assert_string_equal(e.msg, "calibration file version 2 is not supported "
			    "(this bpfsim reads version 1; re-run bpfsim calibrate)");
	write_file("nov.yaml", "host: {}\n");
	snprintf(path, sizeof(path), "%s/nov.yaml", dir);
	err_init(&e);
	assert_null(calfile_load(path, &e));
	assert_int_equal(e.line, 1);
	assert_string_equal(e.msg, "not a bpfsim calibration file: no 'version' "
			    "key (expected 'version: 1')");
	/* Merging into a file that is not ours refuses to overwrite it. */
	err_init(&e);
	assert_int_equal(calfile_merge(path, "workload: {}\n", &e), ERR_INPUT);
}

static void test_loadgen_parse(void **state)
{
	(void)state;
	struct loadgen_spec s;
	char why[256], text[256];
	assert_int_equal(loadgen_parse("spawn:2000", &s, why, sizeof(why)), 0);
	assert_int_equal(s.nparts, 1);
	assert_int_equal(s.part[0].kind, LOAD_SPAWN);
	assert_rel(s.part[0].rate, 2000, 0, "spawn rate");
	assert_rel(s.part[0].work_ns, 50e3, 0, "default work");
	assert_int_equal(loadgen_parse("spawn:2k/s:10us+sleepers:64:1k", &s, why,
				       sizeof(why)), 0);
	assert_int_equal(s.nparts, 2);
	assert_rel(s.part[0].work_ns, 10e3, 0, "work");
	assert_int_equal(s.part[1].n, 64);
	assert_rel(s.part[1].rate, 1000, 0, "sleeper rate");
	assert_string_equal(loadgen_format(&s, text, sizeof(text)),
			    "spawn:2000/s:10us+sleepers:64:1000/s");
	assert_int_equal(loadgen_parse("none", &s, why, sizeof(why)), 0);
	assert_int_equal(s.nparts, 0);
	assert_int_equal(loadgen_parse("spawn", &s, why, sizeof(why)), -1);
	assert_string_equal(why, "spawn:RATE needs a rate in (0, 1M]/s (got '')");
	assert_int_equal(loadgen_parse("sleepers:0", &s, why, sizeof(why)), -1);
	assert_int_equal(loadgen_parse("sleepers:1.5", &s, why, sizeof(why)), -1);
	assert_int_equal(loadgen_parse("forks:3", &s, why, sizeof(why)), -1);
	assert_string_equal(why, "unknown load 'forks' (expected spawn:RATE, "
			    "sleepers:N, syscalls:RATE or none)");
	assert_int_equal(loadgen_parse("syscalls:200k+sleepers:8", &s, why,
				       sizeof(why)), 0);
	assert_int_equal(s.part[0].kind, LOAD_SYSCALLS);
	assert_rel(s.part[0].rate, 200e3, 0, "syscall rate");
	assert_int_equal(s.part[0].n, 1);
	assert_string_equal(loadgen_format(&s, text, sizeof(text)),
			    "syscalls:200000/s:1+sleepers:8:20000/s");
	assert_int_equal(loadgen_parse("syscalls:1k:4", &s, why, sizeof(why)), 0);
	assert_int_equal(s.part[0].n, 4);
	assert_int_equal(loadgen_parse("syscalls:1k:0", &s, why, sizeof(why)), -1);
	assert_int_equal(loadgen_parse("syscalls", &s, why, sizeof(why)), -1);
	assert_string_equal(why, "syscalls:RATE needs a rate in (0, 5M]/s "
			    "(got '')");
	assert_int_equal(loadgen_parse("spawn:1+spawn:1+spawn:1+spawn:1+spawn:1",
				       &s, why, sizeof(why)), -1);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/bpfsim-test-calibrate.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	const char *names[] = { "cal.yaml", "sc.yaml", "bad.yaml", "v2.yaml",
				"nov.yaml", "resolved.yaml", NULL };
	char path[512];
	for (int i = 0; names[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	return rmdir(dir);
}

int main(void)
{
	gsl_set_error_handler_off();
	seed = test_seed(8);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_matches_stat_hist),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_chist_ops),
		cmocka_unit_test(test_clock_tick),
		cmocka_unit_test(test_merge_sections),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_resolve_errors),
		cmocka_unit_test(test_version_message),
		cmocka_unit_test(test_loadgen_parse),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
