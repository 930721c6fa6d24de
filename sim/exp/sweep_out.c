/* sweep_out.c - the outputs of a sweep (or phase diagram): points.csv,
 * differences.csv, summary.json, series.csv and the job file.
 *
 * points.csv: one row per point x strategy, the axes' values as given,
 * replications, done/capped/failed, regime, then every metric's mean and
 * 95% CI.  differences.csv: per point and strategy s > 0, the paired
 * difference s - strategy 0 with its CI.  summary.json: the same, nested
 * by point.  All from the job results alone (experiment.h), so the bytes do
 * not depend on threads, ranks, shards or resumes.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/exp/experiment.h"
#include "sim/exp/regime.h"
#include "sim/exp/report.h"
#include "sim/out.h"
#include "sim/outdir.h"

static void csv_axes_header(const struct sweep *sw, FILE *f)
{
	fputs("point", f);
	for (size_t a = 0; a < sw->naxes; a++)
		fprintf(f, ",%s", sw->axes[a].path);
}

static void csv_axes_values(const struct sweep *sw, FILE *f, size_t p)
{
	fprintf(f, "%zu", p);
	for (size_t a = 0; a < sw->naxes; a++) {
		fputc(',', f);
		out_csv_field(f, sw->axes[a].values[sweep_index(sw, p, a)]);
	}
}

void exp_ci_cols(FILE *f, const struct stat_summary *su)
{
	out_csv_nums(f, (const double[]){ su->mean, su->lo, su->hi }, 3);
}

/* "NAME": {summary}, ... for every metric of the model. */
static void json_metrics(FILE *f, const struct model *m,
			 const struct stat_summary *sum, size_t nm)
{
	for (size_t k = 0; k < nm; k++) {
		fputs(k ? ", " : "", f);
		out_json_string(f, m->metrics[k].name);
		fputs(": ", f);
		report_json_summary(f, &sum[k]);
	}
}

int exp_write_sweep(struct experiment *x, const char *dir, struct err *e)
{
	const struct sweep *sw = &x->base->sweep;
	const struct model *m = x->base->model;
	struct out_file pts = { 0 }, diff = { 0 }, js = { 0 }, ser = { 0 },
			res = { 0 };
	int rc = ERR_RUNTIME;
	if (out_mkdir_p(dir, e) || out_open(&res, dir, OUTDIR_RESOLVED_YAML, e))
		return e->status;
	scenario_emit(x->base, res.f);
	if (out_commit(&res, e))
		return e->status;
	if (exp_write_job_files(x, dir, 0, e))
		return e->status;
	if (out_open(&pts, dir, OUTDIR_POINTS_CSV, e) ||
	    out_open(&diff, dir, OUTDIR_DIFFERENCES_CSV, e) ||
	    out_open(&js, dir, OUTDIR_SUMMARY_JSON, e) ||
	    (m->series_cols && x->base->series.window &&
	     out_open(&ser, dir, OUTDIR_SERIES_CSV, e)))
		goto out;
	/* headers */
	csv_axes_header(sw, pts.f);
	fputs(",strategy,replications,done,capped,failed,regime", pts.f);
	csv_axes_header(sw, diff.f);
	fputs(",strategy,versus,pairs", diff.f);
	for (size_t k = 0; k < x->nm; k++) {
		const char *n = m->metrics[k].name;
		fprintf(pts.f, ",%s_mean,%s_ci_low,%s_ci_high", n, n, n);
		fprintf(diff.f, ",%s_diff,%s_ci_low,%s_ci_high", n, n, n);
	}
	fputc('\n', pts.f);
	fputc('\n', diff.f);
	fputs("{\n  \"bpfsim\": ", js.f);
	out_json_string(js.f, BPFSIM_VERSION);
	report_json_head(js.f, x->provenance);
	fputs(",\n  \"scenario\": ", js.f);
	out_json_string(js.f, x->base->name);
	fputs(",\n  \"model\": ", js.f);
	out_json_string(js.f, m->name);
	fprintf(js.f, ",\n  \"seed\": %llu,\n  \"confidence\": 0.95,\n"
		      "  \"complete\": %s,\n  \"axes\": [",
		(unsigned long long)x->base->seed, x->interrupted ? "false" : "true");
	for (size_t a = 0; a < sw->naxes; a++) {
		fputs(a ? ", {\"path\": " : "{\"path\": ", js.f);
		out_json_string(js.f, sw->axes[a].path);
		fputs(", \"values\": [", js.f);
		for (size_t v = 0; v < sw->axes[a].n; v++) {
			if (v)
				fputs(", ", js.f);
			out_json_string(js.f, sw->axes[a].values[v]);
		}
		fputs("]}", js.f);
	}
	fputs("],\n  \"points\": [", js.f);
	int header_done = 0;
	for (size_t p = 0; p < x->np; p++) {
		struct report rep;
		if (exp_point_report(x, p, &rep)) {
			err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
			goto out;
		}
		size_t nr = rep.nreps;
		fprintf(js.f, "%s\n    {\"point\": %zu, \"values\": {", p ? "," : "",
			p);
		for (size_t a = 0; a < sw->naxes; a++) {
			if (a)
				fputs(", ", js.f);
			out_json_string(js.f, sw->axes[a].path);
			fputs(": ", js.f);
			out_json_string(js.f,
					sw->axes[a].values[sweep_index(sw, p, a)]);
		}
		fprintf(js.f, "}, \"replications\": %zu, \"complete\": %s, "
			      "\"strategies\": [", nr, rep.interrupted ? "false" : "true");
		for (size_t s = 0; s < x->ns; s++) {
			const char *lab = report_strategy_label(&rep, s);
			csv_axes_values(sw, pts.f, p);
			fprintf(pts.f, ",%s,%zu,%zu,%zu,%zu,%s", lab, nr, rep.ndone[s],
				rep.ncapped[s], rep.nfailed[s],
				regime_names[report_regime(&rep, s)]);
			for (size_t k = 0; k < x->nm; k++)
				exp_ci_cols(pts.f, &rep.sum[s * x->nm + k]);
			fputc('\n', pts.f);
			fprintf(js.f, "%s\n      {\"strategy\": ", s ? "," : "");
			out_json_string(js.f, lab);
			fprintf(js.f, ", \"done\": %zu, \"capped\": %zu, \"failed\": %zu, "
				      "\"warmup_cut_mean_ns\": ", rep.ndone[s],
				rep.ncapped[s], rep.nfailed[s]);
			out_num(js.f, rep.cut_mean[s], "null");
			fprintf(js.f, ", \"regime\": \"%s\", \"regimes\": {",
				regime_names[report_regime(&rep, s)]);
			for (int g = 0; g <= REGIME_COUNT; g++)
				fprintf(js.f, "%s\"%s\": %zu", g ? ", " : "", regime_names[g],
					rep.regimes[s * (REGIME_COUNT + 1) + (size_t)g]);
			fputs("}, \"metrics\": {", js.f);
			json_metrics(js.f, m, &rep.sum[s * x->nm], x->nm);
			fputc('}', js.f);
			if (s > 0) {
				csv_axes_values(sw, diff.f, p);
				fprintf(diff.f, ",%s,%s,%zu", lab,
					report_strategy_label(&rep, 0),
					rep.diff[s * x->nm].n);
				for (size_t k = 0; k < x->nm; k++)
					exp_ci_cols(diff.f, &rep.diff[s * x->nm + k]);
				fputc('\n', diff.f);
				fputs(", \"paired_difference\": {", js.f);
				json_metrics(js.f, m, &rep.diff[s * x->nm], x->nm);
				fputc('}', js.f);
			}
			fputc('}', js.f);
		}
		fputs("]}", js.f);
		if (ser.f) {
			char prefix[32];
			snprintf(prefix, sizeof(prefix), "%zu", p);
			report_write_series_csv_prefixed(&rep, ser.f, "point", prefix,
							 !header_done);
			header_done = 1;
		}
		report_fini(&rep);
	}
	fputs("\n  ]\n}\n", js.f);
	if (out_commit(&pts, e) || out_commit(&diff, e) ||
	    (ser.f && out_commit(&ser, e)) || out_commit(&js, e))
		goto out;
	rc = 0;
out:
	out_abort(&pts);
	out_abort(&diff);
	out_abort(&ser);
	out_abort(&js);
	return rc ? (e->status ? e->status : rc) : 0;
}

