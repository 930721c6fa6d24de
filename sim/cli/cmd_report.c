/* cmd_report.c - `bpfsim report DIR`: one page people can read, mail and
 * keep, made from an output folder.
 *
 * Writes DIR/report.html (self-contained: the figures are inside it as
 * data URIs, the style inline) and DIR/report.md (the same text, the
 * figures linked by name), from what the folder holds and nothing else:
 * summary.json (run, compare, sweep, phase) or capacity.json and
 * capacity.csv (capacity), manifest.json, scenario.resolved.yaml and the
 * figures (*.png; *.svg where there is no PNG of the same name).  The
 * sections: the scenario (its keys and the resolved file), the summary
 * table in human units (mean ± CI half-width per strategy, the paired
 * differences of a comparison; a sweep's points with their regimes and
 * headline metrics; a capacity search's capacities), the regimes and
 * warm-up of each strategy, and every figure.
 *
 * Both files are written through out_open (whole or absent) and committed
 * together only when both are complete: bad input (no summary, a JSON
 * file that is not JSON, a folder that is not one) exits 2 with one
 * message and writes nothing.  The folder is locked while they are
 * written (outdir_lock), like any writer of an output folder.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "models/registry.h"
#include "sim/cli/cli.h"
#include "sim/cli/human.h"
#include "sim/cli/page.h"
#include "sim/out.h"
#include "sim/outdir.h"

#define REPORT_HTML "report.html"
#define REPORT_MD   "report.md"
#define REPORT_MAX_FIGURES 256
#define REPORT_MAX_STRATEGIES 16   /* columns of the summary table */

extern const struct cli_cmd cli_cmd_report;

/* What a figure shows, by its name (plots/plot.c's figures). */
static const struct {
	const char *stem, *caption;
} captions[] = {
	{ "timeline", "payload and BPF CPU time per window, first replication, "
		      "per strategy" },
	{ "compare", "key metrics' means with their confidence intervals, per "
		     "strategy" },
	{ "portrait", "trajectories in (backlog, overhead ratio) space, arrows "
		      "for the direction of time" },
	{ "sweep", "key metrics against the first axis, per strategy, with "
		   "confidence bands" },
	{ "validation", "simulated mean wait against the exact Erlang C curve" },
	{ "phase", "regime and overhead ratio of every cell, per strategy" },
	{ "capacity", "the objective's metrics against the searched parameter, "
		      "the threshold and each strategy's capacity" },
	{ "calibration", "measured histograms with the fitted densities" },
};

static const char *caption_of(const char *name)
{
	for (size_t i = 0; i < sizeof(captions) / sizeof(captions[0]); i++) {
		size_t n = strlen(captions[i].stem);
		if (!strncmp(name, captions[i].stem, n) &&
		    (name[n] == '.' || name[n] == '-'))
			return captions[i].caption;
	}
	return "figure";
}

/* The whole of DIR/NAME as a string (NULL when absent or unreadable). */
static char *slurp(const char *dir, const char *name)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *s = malloc(cap);
	size_t got;
	while (s && (got = fread(s + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (n + 1 == cap) {
			char *t = cap < (8u << 20) ? realloc(s, cap * 2) : NULL;
			if (!t) {
				free(s);
				s = NULL;
				break;
			}
			s = t;
			cap *= 2;
		}
	}
	if (s)
		s[n] = 0;
	fclose(f);
	return s;
}

/* A summary object's mean and CI half-width. */
static void msum_get(const struct ynode *m, double *mean, double *half)
{
	*mean = outdir_json_num(m, OUTDIR_KEY_MEAN);
	*half = (outdir_json_num(m, OUTDIR_KEY_CI_HIGH) -
		 outdir_json_num(m, OUTDIR_KEY_CI_LOW)) / 2;
}

static const struct model_metric *metric_of(const struct model *mo,
					    const char *name)
{
	return model_metric_find(mo, name);
}

/* ---- sections --------------------------------------------------------- */

static void section_scenario(struct page *p, const char *dir,
			     const struct ynode *top, const struct ynode *man,
			     const struct model *mo)
{
	char buf[512];
	const char *v;
	page_heading(p, 2, "Scenario");
	page_items_begin(p);
	if ((v = outdir_json_str(top, OUTDIR_KEY_SCENARIO)))
		page_item(p, "scenario", v);
	/* The description is the scenario's own text, in its resolved file
	 * (not in summary.json); a file that does not parse just has none. */
	char path[4200];
	struct err ignored;
	err_init(&ignored);
	snprintf(path, sizeof(path), "%s/" OUTDIR_RESOLVED_YAML, dir);
	struct stat st;
	struct ytree *y = stat(path, &st) ? NULL : ytree_load_file(path, &ignored);
	const struct ynode *desc = y ? ynode_peek(ytree_root(y), "description")
				     : NULL;
	if (desc && desc->kind == YN_SCALAR && desc->value[0])
		page_item(p, "description", desc->value);
	ytree_free(y);
	if ((v = outdir_json_str(top, OUTDIR_KEY_MODEL))) {
		snprintf(buf, sizeof(buf), "%s%s%s", v, mo ? " - " : "",
			 mo ? mo->summary : "");
		page_item(p, "model", buf);
	}
	if ((v = outdir_json_str(man, OUTDIR_KEY_COMMAND)))
		page_item(p, "command", v);
	if ((v = outdir_json_str(top, OUTDIR_KEY_SEED)) ||
	    (v = outdir_json_str(man, OUTDIR_KEY_SEED)))
		page_item(p, "seed", v);
	if ((v = outdir_json_str(top, OUTDIR_KEY_REPLICATIONS)))
		page_item(p, "replications", v);
	double conf = outdir_json_num(top, OUTDIR_KEY_CONFIDENCE);
	if (isfinite(conf)) {
		snprintf(buf, sizeof(buf), "%g%% (Student t over the "
			 "replications)", 100 * conf);
		page_item(p, "confidence intervals", buf);
	}
	if ((v = outdir_json_str(top, OUTDIR_KEY_COMPLETE)))
		page_item(p, "complete", !strcmp(v, "true") ? "yes" : "no: "
			  "interrupted or merged from missing shards; some jobs "
			  "never ran");
	if ((v = outdir_json_str(man, OUTDIR_KEY_SCENARIO_HASH)))
		page_item(p, "resolved scenario (FNV-1a 64)", v);
	if ((v = outdir_json_str(top, OUTDIR_KEY_BPFSIM)))
		page_item(p, "written by bpfsim", v);
	page_items_end(p);
	char *yaml = slurp(dir, OUTDIR_RESOLVED_YAML);
	if (yaml)
		page_pre(p, OUTDIR_RESOLVED_YAML " (every key, defaults included)",
			 yaml);
	free(yaml);
}

/* run / compare: metric x strategy, then the paired differences. */
static void section_summary(struct page *p, const struct ynode *top,
			    const struct model *mo)
{
	const struct ynode *sl = ynode_peek(top, OUTDIR_KEY_STRATEGIES);
	size_t ns = sl->n < REPORT_MAX_STRATEGIES ? sl->n : REPORT_MAX_STRATEGIES;
	const char *head[1 + 2 * REPORT_MAX_STRATEGIES];
	char labels[REPORT_MAX_STRATEGIES][160];
	size_t nc = 0;
	head[nc++] = "metric";
	for (size_t s = 0; s < ns; s++)
		head[nc++] = outdir_json_str(sl->items[s], OUTDIR_KEY_STRATEGY);
	for (size_t s = 1; s < ns; s++) {
		const char *vs = outdir_json_str(sl->items[s], OUTDIR_KEY_DIFF_VS);
		snprintf(labels[s], sizeof(labels[s]), "%s - %s", head[1 + s],
			 vs ? vs : head[1]);
		head[nc++] = labels[s];
	}
	page_heading(p, 2, "Summary");
	const struct ynode *m0 = ynode_peek(sl->items[0], OUTDIR_KEY_METRICS);
	page_table_begin(p, head, nc);
	for (size_t m = 0; m0 && m < m0->n; m++) {
		const char *name = m0->keys[m]->value;
		const struct model_metric *mm = metric_of(mo, name);
		const char *unit = mm ? mm->unit : "";
		char cells[1 + 2 * REPORT_MAX_STRATEGIES][96];
		const char *row[1 + 2 * REPORT_MAX_STRATEGIES];
		size_t c = 0;
		snprintf(cells[c], sizeof(cells[c]), "%s", name);
		row[c] = cells[c];
		c++;
		for (size_t s = 0; s < ns; s++, c++) {
			const struct ynode *ms = ynode_peek(ynode_peek(sl->items[s],
				OUTDIR_KEY_METRICS), name);
			double mean, half;
			msum_get(ms, &mean, &half);
			row[c] = human_mean_ci(mean, half, unit, cells[c],
					       sizeof(cells[c]));
		}
		for (size_t s = 1; s < ns; s++, c++) {
			const struct ynode *ms = ynode_peek(ynode_peek(sl->items[s],
				OUTDIR_KEY_PAIRED_DIFF), name);
			double mean, half;
			msum_get(ms, &mean, &half);
			row[c] = human_mean_ci(mean, half, unit, cells[c],
					       sizeof(cells[c]));
		}
		page_row(p, row, c, mm ? mm->help : NULL);
	}
	page_table_end(p);
	char note[400];
	snprintf(note, sizeof(note), "Each cell is the mean over the replications "
		 "± the half-width of its %g%% confidence interval (Student t), in "
		 "human units (durations scaled to ns, µs, ms or s; ratios in %%); "
		 "a value without ± was the same in every replication, - means no "
		 "value.%s", 100 * outdir_json_num(top, OUTDIR_KEY_CONFIDENCE),
		 ns > 1 ? " Differences are paired replication by replication "
		 "(common random numbers)." : "");
	page_para(p, note);
	if (sl->n > ns) {
		snprintf(note, sizeof(note), "Only the first %d strategies are "
			 "shown; summary.json has them all.", REPORT_MAX_STRATEGIES);
		page_para(p, note);
	}
}

/* "stable 9/10, exploding 1/10" from a {regime: count} object. */
static void regime_counts(const struct ynode *rg, char *buf, size_t size)
{
	size_t len = 0, total = 0;
	buf[0] = 0;
	for (size_t i = 0; rg && rg->kind == YN_MAP && i < rg->n; i++) {
		double c = outdir_json_num(rg, rg->keys[i]->value);
		total += isfinite(c) && c > 0 ? (size_t)c : 0;
	}
	for (size_t i = 0; rg && rg->kind == YN_MAP && i < rg->n && len < size;
	     i++) {
		double c = outdir_json_num(rg, rg->keys[i]->value);
		if (!(c > 0))
			continue;
		len += (size_t)snprintf(buf + len, size - len, "%s%s %.0f/%zu",
					len ? ", " : "", rg->keys[i]->value, c,
					total);
	}
}

static void section_regimes(struct page *p, const struct ynode *top)
{
	static const char *const head[] = { "strategy", "regime", "replications",
		"done / capped / failed", "warm-up cut", "ending in a transient" };
	const struct ynode *sl = ynode_peek(top, OUTDIR_KEY_STRATEGIES);
	page_heading(p, 2, "Regimes");
	page_para(p, "What the overhead did over each replication (converging, "
		  "stable, oscillating, exploding), the majority first; the "
		  "warm-up removed before the metrics were taken.");
	page_table_begin(p, head, 6);
	for (size_t s = 0; s < sl->n; s++) {
		const struct ynode *st = sl->items[s];
		char counts[256], runs[96], cut[96], tr[320], reasons[256];
		regime_counts(ynode_peek(st, OUTDIR_KEY_REGIMES), counts,
			      sizeof(counts));
		snprintf(runs, sizeof(runs), "%.0f / %.0f / %.0f",
			 outdir_json_num(st, OUTDIR_KEY_DONE),
			 outdir_json_num(st, OUTDIR_KEY_CAPPED),
			 outdir_json_num(st, OUTDIR_KEY_FAILED));
		const char *wk = outdir_json_str(st, OUTDIR_KEY_WARMUP);
		char c2[64];
		human_mean_ci(outdir_json_num(st, OUTDIR_KEY_WARMUP_CUT), 0, "ns",
			      c2, sizeof(c2));
		if (wk)
			snprintf(cut, sizeof(cut), "%s (%s)", c2, wk);
		else
			snprintf(cut, sizeof(cut), "%s", c2);
		reasons[0] = 0;
		const struct ynode *why = ynode_peek(st, OUTDIR_KEY_TRANSIENT_WHY);
		for (size_t i = 0, len = 0; why && why->kind == YN_SEQ &&
		     i < why->n && len < sizeof(reasons); i++)
			if (why->items[i]->kind == YN_SCALAR)
				len += (size_t)snprintf(reasons + len,
					sizeof(reasons) - len, "%s%s", len ? ", " : "",
					why->items[i]->value);
		double ntr = outdir_json_num(st, OUTDIR_KEY_TRANSIENT);
		if (isfinite(ntr))
			snprintf(tr, sizeof(tr), "%.0f%s%s%s", ntr, reasons[0] ? " (" : "",
				 reasons, reasons[0] ? ")" : "");
		else
			snprintf(tr, sizeof(tr), "-");
		const char *regime = outdir_json_str(st, OUTDIR_KEY_REGIME);
		const char *row[6] = { outdir_json_str(st, OUTDIR_KEY_STRATEGY),
			regime ? regime : "-", counts[0] ? counts : "-", runs, cut, tr };
		page_row(p, row, 6, NULL);
	}
	page_table_end(p);
}

/* sweep / phase: the axes, then per point and strategy its regime and the
 * model's headline metrics. */
static void section_points(struct page *p, const struct ynode *top,
			   const struct model *mo)
{
	const struct ynode *axes = ynode_peek(top, OUTDIR_KEY_AXES);
	const struct ynode *pts = ynode_peek(top, OUTDIR_KEY_POINTS);
	page_heading(p, 2, "Axes");
	page_items_begin(p);
	for (size_t a = 0; axes && axes->kind == YN_SEQ && a < axes->n; a++) {
		const struct ynode *vals = ynode_peek(axes->items[a], OUTDIR_KEY_VALUES);
		char buf[1024];
		size_t len = 0;
		buf[0] = 0;
		for (size_t i = 0; vals && vals->kind == YN_SEQ && i < vals->n &&
		     len < sizeof(buf); i++)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
						i ? ", " : "", vals->items[i]->value);
		const char *path = outdir_json_str(axes->items[a], OUTDIR_KEY_PATH);
		page_item(p, path ? path : "?", buf);
	}
	page_items_end(p);
	/* Headline metrics: ranks 1..3 of the model's table. */
	const struct model_metric *hl[3] = { 0 };
	size_t nh = 0;
	for (int rank = 1; mo && rank <= 3; rank++)
		for (const struct model_metric *m = mo->metrics; m->name; m++)
			if (m->headline == rank && nh < 3)
				hl[nh++] = m;
	if (!nh && mo && mo->metrics[0].name)
		hl[nh++] = &mo->metrics[0];
	const char *head[8];
	size_t nc = 0;
	head[nc++] = "point";
	head[nc++] = "values";
	head[nc++] = "strategy";
	head[nc++] = "regime";
	for (size_t h = 0; h < nh; h++)
		head[nc++] = hl[h]->name;
	page_heading(p, 2, "Points");
	page_table_begin(p, head, nc);
	for (size_t i = 0; pts && pts->kind == YN_SEQ && i < pts->n; i++) {
		const struct ynode *pt = pts->items[i];
		const struct ynode *vals = ynode_peek(pt, OUTDIR_KEY_VALUES);
		char vbuf[512];
		size_t len = 0;
		vbuf[0] = 0;
		for (size_t k = 0; vals && vals->kind == YN_MAP && k < vals->n &&
		     len < sizeof(vbuf); k++)
			len += (size_t)snprintf(vbuf + len, sizeof(vbuf) - len,
						"%s%s=%s", k ? ", " : "",
						vals->keys[k]->value,
						vals->items[k]->kind == YN_SCALAR
						? vals->items[k]->value : "?");
		const struct ynode *sl = ynode_peek(pt, OUTDIR_KEY_STRATEGIES);
		for (size_t s = 0; sl && sl->kind == YN_SEQ && s < sl->n; s++) {
			const struct ynode *st = sl->items[s];
			char cells[3][96];
			const char *row[8];
			size_t c = 0;
			const char *pn = outdir_json_str(pt, OUTDIR_KEY_POINT);
			const char *rg = outdir_json_str(st, OUTDIR_KEY_REGIME);
			const char *sn = outdir_json_str(st, OUTDIR_KEY_STRATEGY);
			row[c++] = s == 0 && pn ? pn : "";
			row[c++] = s == 0 ? vbuf : "";
			row[c++] = sn ? sn : "?";
			row[c++] = rg ? rg : "-";
			for (size_t h = 0; h < nh; h++) {
				double mean, half;
				msum_get(ynode_peek(ynode_peek(st, OUTDIR_KEY_METRICS),
						    hl[h]->name), &mean, &half);
				row[c++] = human_mean_ci(mean, half, hl[h]->unit,
							 cells[h], sizeof(cells[h]));
			}
			page_row(p, row, c, NULL);
		}
	}
	page_table_end(p);
	page_para(p, "Means ± the half-width of their confidence intervals, in "
		  "human units; points.csv and summary.json have every metric.");
}

/* capacity: the search and each strategy's capacity (capacity.csv). */
static int section_capacity(struct page *p, const char *dir,
			    const struct ynode *top, struct err *e)
{
	static const char *const keys[] = { OUTDIR_KEY_PARAM, OUTDIR_KEY_TEMPLATE,
		OUTDIR_KEY_RANGE, OUTDIR_KEY_OBJECTIVE };
	page_heading(p, 2, "Capacity search");
	page_items_begin(p);
	for (size_t k = 0; k < 4; k++) {
		const char *v = outdir_json_str(top, keys[k]);
		if (v)
			page_item(p, keys[k], v);
	}
	page_items_end(p);
	char *csv = slurp(dir, OUTDIR_CAPACITY_CSV);
	if (!csv)
		return 0;
	/* Columns by name; one row per strategy (its estimate repeats on
	 * every probe row). */
	long ci[5] = { -1, -1, -1, -1, -1 };
	static const char *const want[5] = { OUTDIR_COL_STRATEGY,
		OUTDIR_COL_ESTIMATE, OUTDIR_COL_LOW, OUTDIR_COL_HIGH,
		OUTDIR_COL_COMPLETE };
	static const char *const head[5] = { "strategy", "capacity", "low",
		"high", "complete" };
	char *save = NULL, seen[REPORT_MAX_STRATEGIES][64];
	size_t nseen = 0;
	int lineno = 0, rc = 0;
	for (char *line = strtok_r(csv, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[64], *fs = NULL;
		size_t nf = 0;
		lineno++;
		for (char *x = strtok_r(line, ",", &fs); x && nf < 64;
		     x = strtok_r(NULL, ",", &fs))
			f[nf++] = x;
		if (lineno == 1) {
			for (size_t i = 0; i < nf; i++)
				for (int k = 0; k < 5; k++)
					if (!strcmp(f[i], want[k]))
						ci[k] = (long)i;
			for (int k = 0; k < 5; k++)
				if (ci[k] < 0) {
					rc = err_set(e, ERR_INPUT, OUTDIR_CAPACITY_CSV,
						     1, 1, "no column '%s'", want[k]);
					goto out;
				}
			page_table_begin(p, head, 5);
			continue;
		}
		int dup = 0;
		for (size_t s = 0; s < nseen; s++)
			dup |= (long)nf > ci[0] && !strcmp(seen[s], f[ci[0]]);
		if (dup || nseen == REPORT_MAX_STRATEGIES)
			continue;
		for (int k = 0; k < 5; k++)
			if ((long)nf <= ci[k]) {
				rc = err_set(e, ERR_INPUT, OUTDIR_CAPACITY_CSV, lineno,
					     1, "fewer fields than the header");
				page_table_end(p);
				goto out;
			}
		snprintf(seen[nseen++], sizeof(seen[0]), "%s", f[ci[0]]);
		char num[3][48];
		for (int k = 0; k < 3; k++) {
			char *end;
			double v = strtod(f[ci[1 + k]], &end);
			snprintf(num[k], sizeof(num[k]), "%.6g", v);
			if (*end || end == f[ci[1 + k]] || !isfinite(v))
				snprintf(num[k], sizeof(num[k]), "-");
		}
		const char *row[5] = { f[ci[0]], num[0], num[1], num[2],
			!strcmp(f[ci[4]], "1") ? "yes" : "no" };
		page_row(p, row, 5, NULL);
	}
	if (lineno)
		page_table_end(p);
out:
	free(csv);
	return rc ? -1 : 0;
}

/* ---- figures ---------------------------------------------------------- */

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);
	return n > k && !strcmp(s + n - k, suf);
}

static int section_figures(struct page *p, const char *dir, struct err *e)
{
	DIR *d = opendir(dir);
	char *names[REPORT_MAX_FIGURES];
	size_t n = 0;
	int rc = 0;
	if (!d)
		return err_set(e, ERR_INPUT, dir, 0, 0, "cannot read: %s",
			       strerror(errno));
	struct dirent *de;
	while ((de = readdir(d)) && n < REPORT_MAX_FIGURES) {
		if (de->d_name[0] == '.' || !(has_suffix(de->d_name, ".png") ||
					      has_suffix(de->d_name, ".svg")))
			continue;
		if (!(names[n] = strdup(de->d_name))) {
			rc = err_set(e, ERR_RUNTIME, dir, 0, 0, "out of memory");
			break;
		}
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	if (!rc && n)
		page_heading(p, 2, "Figures");
	for (size_t i = 0; !rc && i < n; i++) {
		/* An SVG whose PNG is there too is the same figure. */
		size_t len = strlen(names[i]);
		if (has_suffix(names[i], ".svg")) {
			int twin = 0;
			for (size_t j = 0; j < n; j++)
				twin |= strlen(names[j]) == len &&
					has_suffix(names[j], ".png") &&
					!strncmp(names[j], names[i], len - 4);
			if (twin)
				continue;
		}
		rc = page_figure(p, dir, names[i], caption_of(names[i]), e);
	}
	if (!rc && !n)
		page_para(p, "No figures in the folder (drawn with bpfsim plot "
			  "DIR, which needs gnuplot).");
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	return rc ? -1 : 0;
}

/* ---- the command ------------------------------------------------------ */

static int cmd_report(int argc, char **argv)
{
	struct cli_opts o;
	struct err e;
	struct ytree *sum = NULL, *cap = NULL, *man = NULL;
	struct out_file html = { 0 }, md = { 0 };
	int lock = -1, rc = cli_parse(&cli_cmd_report, argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (o.ndirs != 1) {
		fprintf(stderr, "bpfsim report: expected one output folder (got "
			"%d)\n", o.ndirs);
		return 2;
	}
	err_init(&e);
	const char *dir = o.dirs[0];
	struct stat st;
	if (stat(dir, &st)) {
		err_set(&e, ERR_INPUT, dir, 0, 0, "cannot read: %s", strerror(errno));
		goto fail;
	}
	if (!S_ISDIR(st.st_mode)) {
		err_set(&e, ERR_INPUT, dir, 0, 0, "not a folder (bpfsim report "
			"reads an output folder)");
		goto fail;
	}
	int got = outdir_json_load(dir, OUTDIR_SUMMARY_JSON, &sum, &e);
	if (got == 0)
		got = outdir_json_load(dir, OUTDIR_CAPACITY_JSON, &cap, &e);
	if (got == 0) {
		err_set(&e, ERR_INPUT, dir, 0, 0, "nothing to report: no "
			OUTDIR_SUMMARY_JSON " or " OUTDIR_CAPACITY_JSON " (not an "
			"output folder of bpfsim run, compare, sweep, phase or "
			"capacity, or one still running)");
		goto fail;
	}
	if (got < 0 || outdir_json_load(dir, OUTDIR_MANIFEST_JSON, &man, &e) < 0)
		goto bad;
	const struct ynode *top = ytree_root(sum ? sum : cap);
	const struct ynode *mtop = man ? ytree_root(man) : NULL;
	const struct ynode *sl = ynode_peek(top, OUTDIR_KEY_STRATEGIES);
	int points = sum && ynode_peek(top, OUTDIR_KEY_POINTS) != NULL;
	if (sum && !points && (!sl || sl->kind != YN_SEQ || !sl->n)) {
		err_set(&e, ERR_INPUT, top->file, top->line, top->col, "not "
			"bpfsim's summary: no \"" OUTDIR_KEY_STRATEGIES "\" list");
		goto fail;
	}
	for (size_t s = 0; sum && !points && s < sl->n; s++)
		if (!outdir_json_str(sl->items[s], OUTDIR_KEY_STRATEGY) ||
		    !ynode_peek(sl->items[s], OUTDIR_KEY_METRICS)) {
			const struct ynode *n = sl->items[s];
			err_set(&e, ERR_INPUT, n->file, n->line, n->col, "not "
				"bpfsim's summary: a strategy without \"strategy\" "
				"or \"metrics\"");
			goto fail;
		}
	const struct model *mo = model_find(outdir_json_str(top, OUTDIR_KEY_MODEL)
					    ? outdir_json_str(top, OUTDIR_KEY_MODEL)
					    : "");
	if (outdir_lock(dir, &lock, &e))
		goto fail;
	if (out_open(&html, dir, REPORT_HTML, &e) || out_open(&md, dir, REPORT_MD, &e))
		goto fail;
	struct page p = { html.f, md.f };
	const char *scen = outdir_json_str(top, OUTDIR_KEY_SCENARIO);
	char title[300];
	snprintf(title, sizeof(title), "bpfsim report: %s", scen ? scen : dir);
	page_begin(&p, title);
	section_scenario(&p, dir, top, mtop, mo);
	if (cap) {
		if (section_capacity(&p, dir, top, &e))
			goto bad;
	} else if (points) {
		section_points(&p, top, mo);
	} else {
		section_summary(&p, top, mo);
		section_regimes(&p, top);
	}
	if (section_figures(&p, dir, &e))
		goto fail;
	page_end(&p);
	if (out_commit(&html, &e) || out_commit(&md, &e))
		goto fail;
	outdir_unlock(lock);
	ytree_free(sum);
	ytree_free(cap);
	ytree_free(man);
	printf("%s/" REPORT_HTML "\n%s/" REPORT_MD "\n", dir, dir);
	return 0;
bad:
	e.status = ERR_INPUT;   /* what the folder holds is input here */
fail:
	out_abort(&html);
	out_abort(&md);
	outdir_unlock(lock);
	ytree_free(sum);
	ytree_free(cap);
	ytree_free(man);
	err_print(&e);
	return e.status == ERR_RUNTIME ? 1 : 2;
}

const struct cli_cmd cli_cmd_report = {
	"report", cmd_report, "one page (HTML and Markdown) of an output folder",
	"usage: bpfsim report DIR\n\n"
	"Writes DIR/report.html, one self-contained page (figures embedded as\n"
	"data URIs, the style inline: mail it or attach it as it is), and\n"
	"DIR/report.md (the same text, figures linked by name), from what the\n"
	"output folder of run, compare, sweep, phase or capacity holds: the\n"
	"scenario (its keys and the resolved file), the summary table in\n"
	"human units (mean ± CI half-width per strategy and the paired\n"
	"differences; a sweep's points; a search's capacities), the regimes\n"
	"and warm-up, and every figure (*.png, and *.svg without a PNG twin;\n"
	"bpfsim plot DIR draws them).  Lists the two files written.\n",
	NULL, 0, CLI_ARGS_DIRS,
	"Exit status: 0, 1 when a file cannot be written, 2 on bad input (not\n"
	"a folder, no summary.json or capacity.json, a JSON file that is not\n"
	"JSON, another bpfsim writing the folder): one message, nothing\n"
	"written.\n",
};
