/* run_out.c - the outputs of `run` and `compare`: one point, its
 * strategies and replications (report.h for the formats). */
#include "sim/exp/experiment.h"
#include "sim/exp/report.h"
#include "sim/out.h"
#include "sim/outdir.h"

int exp_write_run(struct experiment *x, const struct report *rep,
		  const char *dir, struct err *e)
{
	const struct scenario *sc = x->base;
	struct out_file o;
	if (out_mkdir_p(dir, e) || out_open(&o, dir, OUTDIR_RESOLVED_YAML, e))
		return e->status;
	scenario_emit(sc, o.f);
	if (out_commit(&o, e) || out_open(&o, dir, OUTDIR_REPLICATIONS_CSV, e))
		return e->status;
	report_write_replications_csv(rep, o.f);
	if (out_commit(&o, e) || out_open(&o, dir, OUTDIR_SUMMARY_CSV, e))
		return e->status;
	report_write_summary_csv(rep, o.f);
	if (out_commit(&o, e) || exp_write_job_files(x, dir, 0, e))
		return e->status;
	if (sc->model->series_cols && sc->series.window) {
		if (out_open(&o, dir, OUTDIR_SERIES_CSV, e))
			return e->status;
		report_write_series_csv(rep, o.f);
		if (out_commit(&o, e))
			return e->status;
	}
	/* summary.json last: its presence means the run's outputs are whole. */
	if (out_open(&o, dir, OUTDIR_SUMMARY_JSON, e))
		return e->status;
	report_write_json(rep, o.f);
	return out_commit(&o, e);
}
