/* report.c - statistics over replications and the writers that show them.
 *
 * Paired differences are computed replication by replication, so with common
 * random numbers their CI is much narrower than the difference of two
 * independent CIs.  A replication counts when it finished or was capped and
 * its metric is finite; failed runs are reported, never averaged.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/exp/report.h"
#include "sim/out.h"
#include "sim/outdir.h"

static int usable(const struct runner_job *j)
{
	return j->done && j->status != SIM_FAILED;
}

int report_build(struct report *r, const struct scenario *sc,
		 struct runner_job *jobs, size_t nstrat, size_t nreps)
{
	memset(r, 0, sizeof(*r));
	r->sc = sc;
	r->model = sc->model;
	r->nstrat = nstrat;
	r->nreps = nreps;
	r->nmetrics = model_metric_count(sc->model);
	r->jobs = jobs;
	r->sum = calloc(nstrat * r->nmetrics, sizeof(*r->sum));
	r->diff = calloc(nstrat * r->nmetrics, sizeof(*r->diff));
	r->ndone = calloc(nstrat, sizeof(size_t));
	r->ncapped = calloc(nstrat, sizeof(size_t));
	r->nfailed = calloc(nstrat, sizeof(size_t));
	r->cut_mean = calloc(nstrat, sizeof(double));
	r->regimes = calloc(nstrat * (REGIME_COUNT + 1), sizeof(size_t));
	r->ntransient = calloc(nstrat, sizeof(size_t));
	r->tr_up = calloc(nstrat, sizeof(unsigned));
	r->tr_down = calloc(nstrat, sizeof(unsigned));
	double *x = malloc((nreps ? nreps : 1) * sizeof(double));
	if (!r->sum || !r->diff || !r->ndone || !r->ncapped || !r->nfailed ||
	    !r->cut_mean || !r->regimes || !r->ntransient || !r->tr_up ||
	    !r->tr_down || !x) {
		free(x);
		report_fini(r);
		return -1;
	}
	for (size_t s = 0; s < nstrat; s++) {
		size_t ncut = 0;
		for (size_t k = 0; k < nreps; k++) {
			const struct runner_job *j = &jobs[s * nreps + k];
			if (usable(j)) {
				r->cut_mean[s] += (double)j->warmup_cut;
				ncut++;
				r->regimes[s * (REGIME_COUNT + 1) + (size_t)j->regime]++;
				if (j->transient)
					r->ntransient[s]++;
				r->tr_up[s] |= j->transient & j->transient_up;
				r->tr_down[s] |= j->transient & ~j->transient_up;
			}
		}
		if (ncut)
			r->cut_mean[s] /= (double)ncut;
		for (size_t k = 0; k < nreps; k++) {
			const struct runner_job *j = &jobs[s * nreps + k];
			if (!j->done)
				r->interrupted = 1;
			else if (j->status == SIM_FAILED)
				r->nfailed[s]++;
			else if (j->status == SIM_CAPPED)
				r->ncapped[s]++;
			else
				r->ndone[s]++;
		}
		for (size_t m = 0; m < r->nmetrics; m++) {
			size_t n = 0, nd = 0;
			for (size_t k = 0; k < nreps; k++) {
				const struct runner_job *j = &jobs[s * nreps + k];
				if (usable(j) && isfinite(j->metrics[m]))
					x[n++] = j->metrics[m];
			}
			stat_summarize(x, n, 0.95, &r->sum[s * r->nmetrics + m]);
			if (s == 0)
				continue;
			for (size_t k = 0; k < nreps; k++) {
				const struct runner_job *a = &jobs[k];
				const struct runner_job *b = &jobs[s * nreps + k];
				if (usable(a) && usable(b) && isfinite(a->metrics[m]) &&
				    isfinite(b->metrics[m]))
					x[nd++] = b->metrics[m] - a->metrics[m];
			}
			stat_summarize(x, nd, 0.95, &r->diff[s * r->nmetrics + m]);
		}
	}
	free(x);
	return 0;
}

void report_fini(struct report *r)
{
	free(r->sum);
	free(r->diff);
	free(r->ndone);
	free(r->ncapped);
	free(r->nfailed);
	free(r->cut_mean);
	free(r->regimes);
	free(r->ntransient);
	free(r->tr_up);
	free(r->tr_down);
	free(r->owned_jobs);
	memset(r, 0, sizeof(*r));
}

int report_regime(const struct report *r, size_t s)
{
	const size_t *c = &r->regimes[s * (REGIME_COUNT + 1)];
	int best = REGIME_UNKNOWN;
	size_t bn = 0;
	for (int g = 0; g < REGIME_COUNT; g++)
		if (c[g] > 0 && c[g] >= bn) {   /* later = more severe wins ties */
			bn = c[g];
			best = g;
		}
	return best;
}

void report_transient_reasons(const struct report *r, size_t s, char *buf,
			      size_t size)
{
	size_t len = 0;
	buf[0] = 0;
	for (int b = 0; b < STEADY_TR_COUNT; b++)
		for (int dir = 1; dir >= -1; dir -= 2) {
			unsigned set = dir > 0 ? r->tr_up[s] : r->tr_down[s];
			if (!(set & (1u << b)) || len >= size)
				continue;
			len += (size_t)snprintf(buf + len, size - len, "%s%s",
						len ? ", " : "",
						steady_transient_reason(b, dir));
		}
}

const char *report_strategy_label(const struct report *r, size_t s)
{
	const char *n = r->sc->strategy[s];
	return n[0] ? n : "value";
}

/* "mean ± half", the mean shown to the half-width's second significant
 * digit (8006 ± 100 prints as "8006 ± 100", 0.89921 ± 0.0012 as
 * "0.8992 ± 0.0012"); "mean" alone when there is no CI. */
static void fmt_mean_ci(const struct stat_summary *su, char *buf, size_t size)
{
	if (su->n == 0 || !isfinite(su->mean)) {
		snprintf(buf, size, "-");
		return;
	}
	if (!(isfinite(su->half) && su->half > 0)) {
		snprintf(buf, size, "%.6g", su->mean);
		return;
	}
	int mag = (int)floor(log10(su->half));
	int dec = 1 - mag;             /* two significant digits of the CI */
	double big = fmax(fabs(su->mean), su->half);
	if (big >= 1e7 || big < 1e-4 || dec > 8) {
		snprintf(buf, size, "%.4g ± %.2g", su->mean, su->half);
		return;
	}
	if (dec < 0)
		dec = 0;
	snprintf(buf, size, "%.*f ± %.*f", dec, su->mean, dec, su->half);
}

void report_print_table(const struct report *r, FILE *f)
{
	const struct scenario *sc = r->sc;
	fprintf(f, "%s: model %s, %zu replication%s, seed %llu\n", sc->name,
		r->model->name, r->nreps, r->nreps == 1 ? "" : "s",
		(unsigned long long)sc->seed);
	for (size_t s = 0; s < r->nstrat; s++) {
		if (r->ncapped[s] || r->nfailed[s])
			fprintf(f, "  %s: %zu done, %zu capped, %zu failed\n",
				report_strategy_label(r, s), r->ndone[s], r->ncapped[s],
				r->nfailed[s]);
		for (size_t k = 0; k < r->nreps; k++) {
			const struct runner_job *j = &r->jobs[s * r->nreps + k];
			if (j->done && j->status == SIM_FAILED) {
				fprintf(f, "  %s replication %zu failed: %s\n",
					report_strategy_label(r, s), k, j->error);
				break;
			}
		}
	}
	if (r->interrupted)
		fprintf(f, "  (interrupted: not every replication ran)\n");
	if (r->model->series_value) {
		fprintf(f, "  regime:");
		for (size_t s = 0; s < r->nstrat; s++) {
			int g = report_regime(r, s);
			size_t n = r->regimes[s * (REGIME_COUNT + 1) + (size_t)g];
			fprintf(f, " %s %s (%zu/%zu)%s", report_strategy_label(r, s),
				regime_names[g], n, r->ndone[s] + r->ncapped[s],
				s + 1 < r->nstrat ? "," : "");
		}
		fputc('\n', f);
	}
	for (size_t s = 0; s < r->nstrat; s++) {
		char why[160];
		if (!r->ntransient[s])
			continue;
		report_transient_reasons(r, s, why, sizeof(why));
		fprintf(f, "  warning: %s: %zu of %zu replications end inside a "
			"transient (%s): lengthen `duration` before reading its "
			"steady state\n", report_strategy_label(r, s),
			r->ntransient[s], r->ndone[s] + r->ncapped[s], why);
	}
	if (sc->steady.warmup != WARMUP_NONE) {
		fprintf(f, "  warm-up removed (%s):", sc->steady.warmup == WARMUP_MSER5
			? "MSER-5" : "fixed");
		for (size_t s = 0; s < r->nstrat; s++)
			fprintf(f, " %s %.4g ms%s", report_strategy_label(r, s),
				r->cut_mean[s] * 1e-6, s + 1 < r->nstrat ? "," : "");
		fprintf(f, " (mean cut per replication; steady-state metrics "
			   "cover the rest)\n");
	}
	fprintf(f, "\n%-30s %-9s", "metric", "unit");
	for (size_t s = 0; s < r->nstrat; s++)
		fprintf(f, " %22s", report_strategy_label(r, s));
	for (size_t s = 1; s < r->nstrat; s++) {
		char h[64];
		snprintf(h, sizeof(h), "%s - %s", report_strategy_label(r, s),
			 report_strategy_label(r, 0));
		fprintf(f, " %24s", h);
	}
	fputc('\n', f);
	for (size_t m = 0; m < r->nmetrics; m++) {
		const struct model_metric *mm = &r->model->metrics[m];
		fprintf(f, "%-30s %-9s", mm->name, mm->unit);
		char buf[64];
		for (size_t s = 0; s < r->nstrat; s++) {
			fmt_mean_ci(&r->sum[s * r->nmetrics + m], buf, sizeof(buf));
			fprintf(f, " %22s", buf);
		}
		for (size_t s = 1; s < r->nstrat; s++) {
			fmt_mean_ci(&r->diff[s * r->nmetrics + m], buf, sizeof(buf));
			fprintf(f, " %24s", buf);
		}
		fputc('\n', f);
	}
	fprintf(f, "\n± is the half-width of the 95%% confidence interval "
		   "(Student t over replications)%s.\n",
		r->nstrat > 1 ? "; differences are paired (common random numbers)"
			      : "");
}

/* `sep` then `"key": ` (every key comes from outdir.h). */
static void jkey(FILE *f, const char *sep, const char *key)
{
	fprintf(f, "%s\"%s\": ", sep, key);
}

void report_json_summary(FILE *f, const struct stat_summary *su)
{
	jkey(f, "{", OUTDIR_KEY_N);
	fprintf(f, "%zu", su->n);
	jkey(f, ", ", OUTDIR_KEY_MEAN);
	out_num(f, su->mean, "null");
	jkey(f, ", ", OUTDIR_KEY_SD);
	out_num(f, su->sd, "null");
	jkey(f, ", ", OUTDIR_KEY_CI_LOW);
	out_num(f, su->lo, "null");
	jkey(f, ", ", OUTDIR_KEY_CI_HIGH);
	out_num(f, su->hi, "null");
	fputc('}', f);
}

/* {"metric": summary, ...} of one strategy's row of `sum`. */
static void json_metrics(const struct report *r, FILE *f,
			 const struct stat_summary *sum)
{
	for (size_t m = 0; m < r->nmetrics; m++) {
		fputs(m ? ",\n       " : "\n       ", f);
		out_json_string(f, r->model->metrics[m].name);
		fputs(": ", f);
		report_json_summary(f, &sum[m]);
	}
}

void report_json_head(FILE *f, const char *provenance)
{
	jkey(f, ",\n  ", OUTDIR_KEY_FORMAT_VERSION);
	fprintf(f, "%d", OUTDIR_FORMAT_VERSION);
	if (provenance) {
		jkey(f, ",\n  ", OUTDIR_KEY_PROVENANCE);
		fputs(provenance, f);
	}
}

void report_write_json(const struct report *r, FILE *f)
{
	const struct scenario *sc = r->sc;
	jkey(f, "{\n  ", OUTDIR_KEY_BPFSIM);
	out_json_string(f, BPFSIM_VERSION);
	report_json_head(f, r->provenance);
	jkey(f, ",\n  ", OUTDIR_KEY_SCENARIO);
	out_json_string(f, sc->name);
	jkey(f, ",\n  ", OUTDIR_KEY_MODEL);
	out_json_string(f, r->model->name);
	jkey(f, ",\n  ", OUTDIR_KEY_SEED);
	fprintf(f, "%llu", (unsigned long long)sc->seed);
	jkey(f, ",\n  ", OUTDIR_KEY_REPLICATIONS);
	fprintf(f, "%zu", r->nreps);
	jkey(f, ",\n  ", OUTDIR_KEY_CONFIDENCE);
	fputs("0.95", f);
	jkey(f, ",\n  ", OUTDIR_KEY_COMPLETE);
	fputs(r->interrupted ? "false" : "true", f);
	jkey(f, ",\n  ", OUTDIR_KEY_STRATEGIES);
	fputc('[', f);
	for (size_t s = 0; s < r->nstrat; s++) {
		jkey(f, s ? ",\n    {" : "\n    {", OUTDIR_KEY_STRATEGY);
		out_json_string(f, report_strategy_label(r, s));
		jkey(f, ", ", OUTDIR_KEY_DONE);
		fprintf(f, "%zu", r->ndone[s]);
		jkey(f, ", ", OUTDIR_KEY_CAPPED);
		fprintf(f, "%zu", r->ncapped[s]);
		jkey(f, ", ", OUTDIR_KEY_FAILED);
		fprintf(f, "%zu", r->nfailed[s]);
		jkey(f, ",\n     ", OUTDIR_KEY_WARMUP);
		fprintf(f, "\"%s\"", sc->steady.warmup == WARMUP_MSER5 ? "mser5"
			: sc->steady.warmup == WARMUP_FIXED ? "fixed" : "none");
		jkey(f, ", ", OUTDIR_KEY_WARMUP_CUT);
		out_num(f, r->cut_mean[s], "null");
		jkey(f, ",\n     ", OUTDIR_KEY_REGIME);
		fprintf(f, "\"%s\"", regime_names[report_regime(r, s)]);
		jkey(f, ", ", OUTDIR_KEY_REGIMES);
		fputc('{', f);
		for (int g = 0; g <= REGIME_COUNT; g++)
			fprintf(f, "%s\"%s\": %zu", g ? ", " : "", regime_names[g],
				r->regimes[s * (REGIME_COUNT + 1) + (size_t)g]);
		jkey(f, "},\n     ", OUTDIR_KEY_TRANSIENT);
		fprintf(f, "%zu", r->ntransient[s]);
		jkey(f, ", ", OUTDIR_KEY_TRANSIENT_WHY);
		fputc('[', f);
		for (int b = 0, k = 0; b < STEADY_TR_COUNT; b++)
			for (int dir = 1; dir >= -1; dir -= 2) {
				unsigned set = dir > 0 ? r->tr_up[s] : r->tr_down[s];
				if (!(set & (1u << b)))
					continue;
				fputs(k++ ? ", " : "", f);
				out_json_string(f, steady_transient_reason(b, dir));
			}
		jkey(f, "],\n     ", OUTDIR_KEY_METRICS);
		fputc('{', f);
		json_metrics(r, f, &r->sum[s * r->nmetrics]);
		fputs("}", f);
		if (s > 0) {
			jkey(f, ",\n     ", OUTDIR_KEY_DIFF_VS);
			out_json_string(f, report_strategy_label(r, 0));
			jkey(f, ", ", OUTDIR_KEY_PAIRED_DIFF);
			fputc('{', f);
			json_metrics(r, f, &r->diff[s * r->nmetrics]);
			fputs("}", f);
		}
		fputs("}", f);
	}
	fputs("\n  ]\n}\n", f);
}

const char *report_status_name(const struct runner_job *j)
{
	if (!j->done)
		return "not_run";
	switch (j->status) {
	case SIM_DONE: return "done";
	case SIM_CAPPED: return "capped";
	default: return "failed";
	}
}

void report_write_replications_csv(const struct report *r, FILE *f)
{
	fputs(OUTDIR_REPLICATIONS_CSV_HEADER, f);
	for (size_t m = 0; m < r->nmetrics; m++)
		fprintf(f, ",%s", r->model->metrics[m].name);
	fputc('\n', f);
	for (size_t s = 0; s < r->nstrat; s++) {
		for (size_t k = 0; k < r->nreps; k++) {
			const struct runner_job *j = &r->jobs[s * r->nreps + k];
			fprintf(f, "%s,%zu,%s,%s,%llu", report_strategy_label(r, s), k,
				report_status_name(j), j->cap_reason ? j->cap_reason : "",
				(unsigned long long)j->events);
			for (size_t m = 0; m < r->nmetrics; m++) {
				fputc(',', f);
				if (j->done)
					out_num(f, j->metrics[m], "nan");
				else
					fputs("nan", f);
			}
			fputc('\n', f);
		}
	}
}

void report_write_series_csv(const struct report *r, FILE *f)
{
	report_write_series_csv_prefixed(r, f, NULL, NULL, 1);
}

void report_write_series_csv_prefixed(const struct report *r, FILE *f,
				      const char *col, const char *value,
				      int header)
{
	const struct model *m = r->model;
	if (!m->series_cols)
		return;
	if (header && col)
		fprintf(f, "%s,", col);
	if (header)
		fputs(OUTDIR_SERIES_CSV_HEADER, f);
	for (size_t c = 0; header && m->series_cols[c]; c++)
		fprintf(f, ",%s", m->series_cols[c]);
	if (header && m->series_value)
		fprintf(f, ",%s", m->series_value_name ? m->series_value_name
						       : "value");
	if (header)
		fputc('\n', f);
	for (size_t s = 0; s < r->nstrat; s++) {
		for (size_t k = 0; k < r->nreps; k++) {
			const struct runner_job *j = &r->jobs[s * r->nreps + k];
			if (!j->series)
				continue;
			struct stat_series view = {
				.window = j->series_window, .ncols = j->series_cols,
				.nrows = j->series_rows, .rows = j->series,
			};
			for (size_t i = 0; i < j->series_rows; i++) {
				if (value)
					fprintf(f, "%s,", value);
				fprintf(f, "%s,%zu,%llu", report_strategy_label(r, s), k,
					(unsigned long long)(i * j->series_window));
				for (size_t c = 0; c < j->series_cols; c++) {
					double v = stat_series_get(&view, i, c);
					size_t len = strlen(m->series_cols[c]);
					if (len > 4 && !strcmp(m->series_cols[c] + len - 4,
							       "_avg"))
						v /= (double)j->series_window;
					fputc(',', f);
					out_num(f, v, "nan");
				}
				if (m->series_value) {
					fputc(',', f);
					out_num(f, m->series_value(&view, i), "nan");
				}
				fputc('\n', f);
			}
		}
	}
}

void report_write_summary_csv(const struct report *r, FILE *f)
{
	fputs(OUTDIR_SUMMARY_CSV_HEADER "\n", f);
	for (size_t s = 0; s < r->nstrat; s++) {
		for (size_t m = 0; m < r->nmetrics; m++) {
			const struct stat_summary *su = &r->sum[s * r->nmetrics + m];
			fprintf(f, "%s,%s,%s,%zu,", report_strategy_label(r, s),
				r->model->metrics[m].name, r->model->metrics[m].unit,
				su->n);
			out_num(f, su->mean, "nan");
			out_csv_nums(f, (const double[]){ su->sd, su->lo, su->hi }, 3);
			fputc('\n', f);
		}
	}
}
