/* cmd_sweep.c - `bpfsim sweep` and `bpfsim merge`: many points, one job pool.
 *
 * An experiment is points x strategies x replications.  Every job is
 * independent and identified by (point, strategy, replication); its seed is
 * (scenario seed, replication), the same at every point and for every
 * strategy (common random numbers: paired differences between strategies,
 * smooth curves along an axis).  Results land in cells indexed by job, so
 * the outputs are a pure function of the job results - byte-identical
 * whatever the thread count, the MPI rank count, the shard split, or a
 * resume.
 *
 * jobs.csv holds every job's exact result (%.17g round-trips a double);
 * it is what `merge` combines and `--resume` reads back.  job_series.csv
 * does the same for the windowed series the replication-0 jobs keep (raw
 * values: series.csv is derived from them and cannot be read back exactly).
 * A job cut short by Ctrl-C is not a result: it is recorded as not run, so
 * `--resume` runs it again.
 *
 * Run-length control (`precision:`): after each round, a point whose
 * metric CI is wider than asked gets more replications (for every strategy,
 * keeping the pairs), until it is tight enough or max_reps is reached.  The
 * decision depends only on results, so it is deterministic too.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "plots/plot.h"
#include "sim/cli/cli.h"
#include "sim/cli/env.h"
#include "sim/exp/mpi_runner.h"
#include "sim/exp/report.h"
#include "sim/exp/runner.h"
#include "sim/exp/scenario.h"
#include "sim/out.h"

struct cell {                  /* one point x strategy */
	size_t nreps, cap;
	struct runner_job *jobs;   /* jobs[r]: replication r (metrics malloc'd) */
};

struct experiment {
	const char *path;          /* scenario file */
	struct scenario *base;
	struct sweep *sw;          /* base->sweep */
	size_t np, ns, nm;
	struct scenario **pts;     /* per point */
	struct cell *cells;        /* np x ns */
	int interrupted;
};

static struct cell *cell_at(struct experiment *x, size_t p, size_t s)
{
	return &x->cells[p * x->ns + s];
}

static void experiment_free(struct experiment *x)
{
	if (x->cells) {
		for (size_t i = 0; i < x->np * x->ns; i++) {
			struct cell *c = &x->cells[i];
			for (size_t r = 0; r < c->nreps; r++)
				free(c->jobs[r].metrics);
			runner_jobs_release(c->jobs, c->nreps);
			free(c->jobs);
		}
	}
	free(x->cells);
	if (x->pts)
		for (size_t p = 0; p < x->np; p++)
			scenario_free(x->pts[p]);
	free(x->pts);
	scenario_free(x->base);
	memset(x, 0, sizeof(*x));
}

/* Grow cell to n replications (new jobs not yet run). */
static int cell_grow(struct experiment *x, size_t p, size_t s, size_t n)
{
	struct cell *c = cell_at(x, p, s);
	if (n <= c->nreps)
		return 0;
	if (n > c->cap) {
		size_t cap = n > 2 * c->cap ? n : 2 * c->cap;
		struct runner_job *j = realloc(c->jobs, cap * sizeof(*j));
		if (!j)
			return -1;
		c->jobs = j;
		c->cap = cap;
	}
	const struct scenario *sc = x->pts[p];
	for (size_t r = c->nreps; r < n; r++) {
		struct runner_job *j = &c->jobs[r];
		scenario_job(sc, s, r, malloc(x->nm * sizeof(double)), r == 0, j);
		if (!j->metrics)
			return -1;
		for (size_t m = 0; m < x->nm; m++)
			j->metrics[m] = NAN;
		c->nreps = r + 1;
	}
	return 0;
}

/* Every cell to its point's replications. */
static int experiment_grow_all(struct experiment *x, struct err *e)
{
	for (size_t p = 0; p < x->np; p++)
		for (size_t s = 0; s < x->ns; s++)
			if (cell_grow(x, p, s, x->pts[p]->replications))
				return err_set(e, ERR_RUNTIME, NULL, 0, 0,
					       "out of memory");
	return 0;
}

/* Jobs in the experiment (run or not). */
static size_t experiment_jobs(const struct experiment *x)
{
	size_t n = 0;
	for (size_t i = 0; i < x->np * x->ns; i++)
		n += x->cells[i].nreps;
	return n;
}

/* True when some job has not run (interrupted, or missing from shards). */
static int experiment_incomplete(const struct experiment *x)
{
	for (size_t i = 0; i < x->np * x->ns; i++)
		for (size_t r = 0; r < x->cells[i].nreps; r++)
			if (!x->cells[i].jobs[r].done)
				return 1;
	return 0;
}

/* Errors about a sweep axis name where the axis came from: its entry in
 * the scenario's sweep: block (the key for "unknown key" messages, else
 * the values), or the --sweep option that gave it.  Point scenarios are
 * loaded with the axis values as internal --set assignments, whose name
 * must not reach the user. */
static int axis_origin(const struct experiment *x, const struct cli_opts *o,
		       size_t a, int whole_key, struct err *e)
{
	const struct sweep_axis *ax = &x->sw->axes[a];
	size_t plen = strlen(ax->path);
	for (size_t i = o->nsweeps; i-- > 0;) {
		if (!strncmp(o->sweeps[i], ax->path, plen) &&
		    o->sweeps[i][plen] == '=') {
			snprintf(e->file, sizeof(e->file), "--sweep '%s'",
				 o->sweeps[i]);
			e->line = e->col = 0;
			return e->status;
		}
	}
	const struct ynode *sw = ynode_peek(ytree_root(x->base->tree), "sweep");
	for (size_t i = 0; sw && sw->kind == YN_MAP && i < sw->n; i++) {
		if (strcmp(sw->keys[i]->value, ax->path))
			continue;
		const struct ynode *n = whole_key || !strncmp(e->msg, "unknown key", 11)
					? sw->keys[i] : sw->items[i];
		snprintf(e->file, sizeof(e->file), "%s", n->file);
		e->line = n->line;
		e->col = n->col;
	}
	return e->status;
}

/* Load the base scenario and one scenario per point. */
static int experiment_load(struct experiment *x, const char *path,
			   const struct cli_opts *o, int phase, struct err *e)
{
	memset(x, 0, sizeof(*x));
	x->path = path;
	const char *sets[CLI_MAX_SETS + SWEEP_MAX_AXES + 2];
	size_t ns = 0;
	char sr[2][64];
	for (size_t i = 0; i < o->nsets; i++)
		sets[ns++] = o->sets[i];
	ns = cli_seed_reps_sets(o, sets, ns, sr);
	/* Strategies: --strategies, else the compare: list, else the
	 * scenario's own. */
	struct scenario *probe = scenario_load(&cli_env, path, sets, ns, 0, NULL, e);
	if (!probe)
		return e->status;
	/* phase compares strategies by default (the model's first two). */
	int compare = o->strategies ||
		      (probe->model->strategy_key &&
		       (phase || ynode_peek(ytree_root(probe->tree), "compare")));
	scenario_free(probe);
	x->base = scenario_load(&cli_env, path, sets, ns, compare, o->strategies, e);
	if (!x->base)
		return e->status;
	x->sw = &x->base->sweep;
	if (phase)
		sweep_fini(x->sw);   /* a phase diagram has exactly its x and y */
	for (size_t i = 0; i < o->nsweeps; i++)
		if (sweep_add_arg(x->sw, o->sweeps[i], e))
			return e->status;
	const char *skey = x->base->model->strategy_key;
	for (size_t a = 0; a < x->sw->naxes; a++)
		if (skey && !strcmp(x->sw->axes[a].path, skey)) {
			err_set(e, ERR_INPUT, path, 0, 0,
				"'%s' is the strategy: compare strategies with "
				"compare: [...] or --strategies, not as a sweep "
				"axis", skey);
			return axis_origin(x, o, a, 1, e);
		}
	x->np = sweep_npoints(x->sw);
	if (x->np > SWEEP_MAX_POINTS) {
		char n[32] = "more than 10^19";
		if (x->np != SIZE_MAX)
			snprintf(n, sizeof(n), "%zu", x->np);
		x->np = 0;
		const struct ynode *at = o->nsweeps ? NULL
			: ynode_peek(ytree_root(x->base->tree), "sweep");
		return err_set(e, ERR_INPUT, at ? at->file : path, at ? at->line : 0,
			       at ? at->col : 0, "the sweep has %s points (the "
			       "limit is %d): use fewer axes or values", n,
			       SWEEP_MAX_POINTS);
	}
	x->ns = x->base->nstrategies;
	x->nm = model_metric_count(x->base->model);
	x->pts = calloc(x->np, sizeof(*x->pts));
	x->cells = calloc(x->np * x->ns, sizeof(*x->cells));
	if (!x->pts || !x->cells)
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	for (size_t p = 0; p < x->np; p++) {
		char point_sets[SWEEP_MAX_AXES][300];
		size_t n = ns;
		for (size_t a = 0; a < x->sw->naxes; a++) {
			sweep_point_set(x->sw, p, a, point_sets[a], sizeof(point_sets[a]));
			sets[n++] = point_sets[a];
		}
		x->pts[p] = scenario_load(&cli_env, path, sets, n, compare, o->strategies, e);
		if (!x->pts[p]) {
			for (size_t a = 0; a < x->sw->naxes; a++) {
				char where[320];
				snprintf(where, sizeof(where), "--set '%.300s'",
					 point_sets[a]);
				if (!strcmp(e->file, where))
					return axis_origin(x, o, a, 0, e);
			}
			return e->status;
		}
	}
	/* Record the CLI axes and strategies in the base tree, so that its
	 * resolved form describes the whole experiment (merge reloads it). */
	struct ynode *root = ytree_root(x->base->tree);
	if (x->sw->naxes) {
		ynode_remove(root, "sweep");
		struct ynode *swn = ynode_ensure_map(root, "sweep");
		if (!swn)
			return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		for (size_t a = 0; a < x->sw->naxes; a++) {
			const struct sweep_axis *ax = &x->sw->axes[a];
			char list[4096] = "";
			for (size_t v = 0; v < ax->n; v++) {
				size_t len = strlen(list);
				snprintf(list + len, sizeof(list) - len, "%s%s",
					 v ? "," : "", ax->values[v]);
			}
			if (!ynode_set_scalar(swn, ax->path, list))
				return err_set(e, ERR_RUNTIME, NULL, 0, 0,
					       "out of memory");
		}
	}
	if (skey && compare) {
		char assign[512] = "compare=[";
		for (size_t s = 0; s < x->ns; s++) {
			size_t len = strlen(assign);
			snprintf(assign + len, sizeof(assign) - len, "%s%s",
				 s ? ", " : "", x->base->strategy[s]);
		}
		strncat(assign, "]", sizeof(assign) - strlen(assign) - 1);
		if (ytree_set_path(x->base->tree, assign, e))
			return e->status;
	}
	return 0;
}

/* ---- jobs.csv ---------------------------------------------------------- */

static void write_jobs_csv(struct experiment *x, FILE *f, int only_done)
{
	const struct model *m = x->base->model;
	fputs("point,strategy,replication,status,cap,events,warmup_cut_ns,regime", f);
	for (size_t k = 0; k < x->nm; k++)
		fprintf(f, ",%s", m->metrics[k].name);
	fputc('\n', f);
	for (size_t p = 0; p < x->np; p++) {
		for (size_t s = 0; s < x->ns; s++) {
			struct cell *c = cell_at(x, p, s);
			for (size_t r = 0; r < c->nreps; r++) {
				const struct runner_job *j = &c->jobs[r];
				if (only_done && !j->done)
					continue;
				fprintf(f, "%zu,%s,%zu,%s,%s,%llu,%llu,%s", p,
					x->base->strategy[s][0] ? x->base->strategy[s]
								: "value",
					r, report_status_name(j),
					j->cap_reason ? j->cap_reason : "",
					(unsigned long long)j->events,
					(unsigned long long)j->warmup_cut,
					regime_names[j->regime]);
				for (size_t k = 0; k < x->nm; k++) {
					fputc(',', f);
					out_num(f, j->metrics[k], "nan");
				}
				fputc('\n', f);
			}
		}
	}
}

/* Cap reasons are static strings in the engine; map text back to them. */
static const char *cap_reason_static(const char *s)
{
	static const char *const known[] = { "max_events", "max_wall",
					     "max_live_tasks", "interrupted", NULL };
	for (size_t i = 0; known[i]; i++)
		if (!strcmp(s, known[i]))
			return known[i];
	return s[0] ? "cap" : NULL;
}

static size_t strategy_index(const struct experiment *x, const char *name)
{
	for (size_t s = 0; s < x->ns; s++)
		if (!strcmp(x->base->strategy[s][0] ? x->base->strategy[s] : "value",
			    name))
			return s;
	return SIZE_MAX;
}

/* Read DIR/jobs.csv results into the cells (growing them as needed). */
static int read_jobs_csv(struct experiment *x, const char *dir, struct err *e)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/jobs.csv", dir);
	FILE *f = fopen(path, "r");
	if (!f)
		return err_set(e, ERR_INPUT, path, 0, 0, "cannot read: %s",
			       strerror(errno));
	size_t cap = 65536;
	char *line = malloc(cap);
	int rc = 0, lineno = 0;
	if (!line) {
		fclose(f);
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	}
	while (fgets(line, (int)cap, f)) {
		lineno++;
		if (lineno == 1)
			continue;   /* header */
		char *save = NULL;
		char *tok[8];
		tok[0] = strtok_r(line, ",", &save);
		for (int i = 1; i < 4 && tok[i - 1]; i++)
			tok[i] = strtok_r(NULL, ",", &save);
		if (!tok[0] || !tok[3]) {
			rc = err_set(e, ERR_INPUT, path, lineno, 1, "malformed job line");
			break;
		}
		/* The cap field may be empty: split the rest by hand. */
		char *rest = save, *capf = rest, *comma = rest ? strchr(rest, ',') : NULL;
		if (!comma) {
			rc = err_set(e, ERR_INPUT, path, lineno, 1, "malformed job line");
			break;
		}
		*comma = 0;
		rest = comma + 1;
		size_t p = strtoull(tok[0], NULL, 10), r = strtoull(tok[2], NULL, 10);
		size_t s = strategy_index(x, tok[1]);
		if (p >= x->np || s == SIZE_MAX || r > 10000000) {
			rc = err_set(e, ERR_INPUT, path, lineno, 1,
				     "job (%s, %s, %s) does not belong to this "
				     "experiment", tok[0], tok[1], tok[2]);
			break;
		}
		if (!strcmp(tok[3], "not_run") || !strcmp(capf, "interrupted"))
			continue;   /* to be run (again) */
		if (cell_grow(x, p, s, r + 1)) {
			rc = err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
			break;
		}
		struct runner_job *j = &cell_at(x, p, s)->jobs[r];
		j->done = 1;
		j->status = !strcmp(tok[3], "done") ? SIM_DONE
			    : !strcmp(tok[3], "capped") ? SIM_CAPPED : SIM_FAILED;
		j->cap_reason = cap_reason_static(capf);
		char *end;
		j->events = strtoull(rest, &end, 10);
		rest = *end == ',' ? end + 1 : end;
		j->warmup_cut = strtoull(rest, &end, 10);
		rest = *end == ',' ? end + 1 : end;
		j->regime = REGIME_UNKNOWN;
		for (int g = 0; g < REGIME_COUNT; g++) {
			size_t len = strlen(regime_names[g]);
			if (!strncmp(rest, regime_names[g], len) && rest[len] == ',')
				j->regime = g;
		}
		end = strchr(rest, ',');
		rest = end ? end + 1 : rest + strlen(rest);
		for (size_t k = 0; k < x->nm; k++) {
			j->metrics[k] = strtod(rest, &end);
			if (end == rest) {
				rc = err_set(e, ERR_INPUT, path, lineno, 1,
					     "missing metric values");
				break;
			}
			rest = *end == ',' ? end + 1 : end;
		}
		if (rc)
			break;
	}
	free(line);
	fclose(f);
	return rc;
}

/* ---- job_series.csv ---------------------------------------------------- */

/* One line per job that kept a series: the job, the window, the shape, then
 * rows x cols raw values (row-major). */
static void write_job_series(struct experiment *x, FILE *f)
{
	fputs("point,strategy,replication,window_ns,rows,cols,values\n", f);
	for (size_t p = 0; p < x->np; p++) {
		for (size_t s = 0; s < x->ns; s++) {
			struct cell *c = cell_at(x, p, s);
			for (size_t r = 0; r < c->nreps; r++) {
				const struct runner_job *j = &c->jobs[r];
				if (!j->done || !j->series)
					continue;
				fprintf(f, "%zu,%s,%zu,%llu,%zu,%zu", p,
					x->base->strategy[s][0] ? x->base->strategy[s]
								: "value",
					r, (unsigned long long)j->series_window,
					j->series_rows, j->series_cols);
				for (size_t i = 0; i < j->series_rows * j->series_cols; i++) {
					fputc(',', f);
					out_num(f, j->series[i], "nan");
				}
				fputc('\n', f);
			}
		}
	}
}

/* Read DIR/job_series.csv (if there is one) into the jobs already read
 * from DIR/jobs.csv; series of jobs jobs.csv does not have are ignored. */
static int read_job_series(struct experiment *x, const char *dir,
			   struct err *e)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/job_series.csv", dir);
	FILE *f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? 0
		       : err_set(e, ERR_INPUT, path, 0, 0, "cannot read: %s",
				 strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	int rc = 0, lineno = 0;
	while (getline(&line, &cap, f) > 0) {
		if (++lineno == 1)
			continue;   /* header */
		char *save = NULL, *tok[6];
		tok[0] = strtok_r(line, ",", &save);
		for (int i = 1; i < 6 && tok[i - 1]; i++)
			tok[i] = strtok_r(NULL, ",\n", &save);
		if (!tok[0] || !tok[5]) {
			rc = err_set(e, ERR_INPUT, path, lineno, 1,
				     "malformed series line");
			break;
		}
		size_t p = strtoull(tok[0], NULL, 10), r = strtoull(tok[2], NULL, 10);
		size_t s = strategy_index(x, tok[1]);
		size_t rows = strtoull(tok[4], NULL, 10), cols = strtoull(tok[5], NULL, 10);
		struct runner_job *j = p < x->np && s != SIZE_MAX &&
				       r < cell_at(x, p, s)->nreps
				       ? &cell_at(x, p, s)->jobs[r] : NULL;
		if (!j || !rows || !cols || rows > (1u << 24) || cols > 256) {
			rc = err_set(e, ERR_INPUT, path, lineno, 1,
				     "series of job (%s, %s, %s) does not belong "
				     "to this experiment", tok[0], tok[1], tok[2]);
			break;
		}
		if (!j->done)
			continue;   /* not in jobs.csv: the job runs again */
		double *v = malloc(rows * cols * sizeof(double));
		if (!v) {
			rc = err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
			break;
		}
		char *rest = save, *end;
		for (size_t i = 0; i < rows * cols; i++) {
			v[i] = rest ? strtod(rest, &end) : 0;
			if (!rest || end == rest) {
				rc = err_set(e, ERR_INPUT, path, lineno, 1,
					     "missing series values");
				break;
			}
			rest = *end == ',' ? end + 1 : end;
		}
		if (rc) {
			free(v);
			break;
		}
		free(j->series);
		j->series = v;
		j->series_rows = rows;
		j->series_cols = cols;
		j->series_window = strtoull(tok[3], NULL, 10);
	}
	free(line);
	fclose(f);
	return rc;
}

/* ---- outputs ----------------------------------------------------------- */

/* A point's jobs laid out strategy-major for report_build (shallow). */
static struct runner_job *point_jobs(struct experiment *x, size_t p,
				     size_t *nreps)
{
	size_t n = SIZE_MAX;
	for (size_t s = 0; s < x->ns; s++)
		if (cell_at(x, p, s)->nreps < n)
			n = cell_at(x, p, s)->nreps;
	*nreps = n;
	struct runner_job *a = calloc(x->ns * (n ? n : 1), sizeof(*a));
	if (!a)
		return NULL;
	for (size_t s = 0; s < x->ns; s++)
		for (size_t r = 0; r < n; r++)
			a[s * n + r] = cell_at(x, p, s)->jobs[r];
	return a;
}

static void csv_axes_header(struct experiment *x, FILE *f)
{
	fputs("point", f);
	for (size_t a = 0; a < x->sw->naxes; a++)
		fprintf(f, ",%s", x->sw->axes[a].path);
}

static void csv_axes_values(struct experiment *x, FILE *f, size_t p)
{
	fprintf(f, "%zu", p);
	for (size_t a = 0; a < x->sw->naxes; a++) {
		fputc(',', f);
		out_csv_field(f, x->sw->axes[a].values[sweep_index(x->sw, p, a)]);
	}
}

static void ci_cols(FILE *f, const struct stat_summary *su)
{
	fputc(',', f);
	out_num(f, su->mean, "nan");
	fputc(',', f);
	out_num(f, su->lo, "nan");
	fputc(',', f);
	out_num(f, su->hi, "nan");
}

static int write_sweep_outputs(struct experiment *x, const char *dir,
			       struct err *e)
{
	const struct model *m = x->base->model;
	struct out_file pts = { 0 }, diff = { 0 }, js = { 0 }, ser = { 0 },
			job = { 0 }, res = { 0 };
	int rc = ERR_RUNTIME;
	if (out_mkdir_p(dir, e) || out_open(&res, dir, "scenario.resolved.yaml", e))
		return e->status;
	scenario_emit(x->base, res.f);
	if (out_commit(&res, e))
		return e->status;
	if (out_open(&job, dir, "jobs.csv", e))
		return e->status;
	write_jobs_csv(x, job.f, 0);
	if (out_commit(&job, e))
		return e->status;
	if (m->series_cols && x->base->series.window) {
		if (out_open(&job, dir, "job_series.csv", e))
			return e->status;
		write_job_series(x, job.f);
		if (out_commit(&job, e))
			return e->status;
	}
	if (out_open(&pts, dir, "points.csv", e) ||
	    out_open(&diff, dir, "differences.csv", e) ||
	    out_open(&js, dir, "summary.json", e) ||
	    (m->series_cols && x->base->series.window &&
	     out_open(&ser, dir, "series.csv", e)))
		goto out;
	/* headers */
	csv_axes_header(x, pts.f);
	fputs(",strategy,replications,done,capped,failed,regime", pts.f);
	csv_axes_header(x, diff.f);
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
	fputs(",\n  \"scenario\": ", js.f);
	out_json_string(js.f, x->base->name);
	fputs(",\n  \"model\": ", js.f);
	out_json_string(js.f, m->name);
	fprintf(js.f, ",\n  \"seed\": %llu,\n  \"confidence\": 0.95,\n"
		      "  \"complete\": %s,\n  \"axes\": [",
		(unsigned long long)x->base->seed, x->interrupted ? "false" : "true");
	for (size_t a = 0; a < x->sw->naxes; a++) {
		fputs(a ? ", {\"path\": " : "{\"path\": ", js.f);
		out_json_string(js.f, x->sw->axes[a].path);
		fputs(", \"values\": [", js.f);
		for (size_t v = 0; v < x->sw->axes[a].n; v++) {
			if (v)
				fputs(", ", js.f);
			out_json_string(js.f, x->sw->axes[a].values[v]);
		}
		fputs("]}", js.f);
	}
	fputs("],\n  \"points\": [", js.f);
	int header_done = 0;
	for (size_t p = 0; p < x->np; p++) {
		size_t nr;
		struct runner_job *pj = point_jobs(x, p, &nr);
		struct report rep;
		if (!pj || report_build(&rep, x->pts[p], pj, x->ns, nr)) {
			free(pj);
			err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
			goto out;
		}
		fprintf(js.f, "%s\n    {\"point\": %zu, \"values\": {", p ? "," : "",
			p);
		for (size_t a = 0; a < x->sw->naxes; a++) {
			if (a)
				fputs(", ", js.f);
			out_json_string(js.f, x->sw->axes[a].path);
			fputs(": ", js.f);
			out_json_string(js.f,
					x->sw->axes[a].values[sweep_index(x->sw, p, a)]);
		}
		fprintf(js.f, "}, \"replications\": %zu, \"complete\": %s, "
			      "\"strategies\": [", nr, rep.interrupted ? "false" : "true");
		for (size_t s = 0; s < x->ns; s++) {
			const char *lab = report_strategy_label(&rep, s);
			csv_axes_values(x, pts.f, p);
			fprintf(pts.f, ",%s,%zu,%zu,%zu,%zu,%s", lab, nr, rep.ndone[s],
				rep.ncapped[s], rep.nfailed[s],
				regime_names[report_regime(&rep, s)]);
			for (size_t k = 0; k < x->nm; k++)
				ci_cols(pts.f, &rep.sum[s * x->nm + k]);
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
			for (size_t k = 0; k < x->nm; k++) {
				fputs(k ? ", " : "", js.f);
				out_json_string(js.f, m->metrics[k].name);
				fputs(": ", js.f);
				report_json_summary(js.f, &rep.sum[s * x->nm + k]);
			}
			fputc('}', js.f);
			if (s > 0) {
				csv_axes_values(x, diff.f, p);
				fprintf(diff.f, ",%s,%s,%zu", lab,
					report_strategy_label(&rep, 0),
					rep.diff[s * x->nm].n);
				for (size_t k = 0; k < x->nm; k++)
					ci_cols(diff.f, &rep.diff[s * x->nm + k]);
				fputc('\n', diff.f);
				fputs(", \"paired_difference\": {", js.f);
				for (size_t k = 0; k < x->nm; k++) {
					fputs(k ? ", " : "", js.f);
					out_json_string(js.f, m->metrics[k].name);
					fputs(": ", js.f);
					report_json_summary(js.f, &rep.diff[s * x->nm + k]);
				}
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
		free(pj);
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

/* ---- running ----------------------------------------------------------- */

/* Run every job of the cells not done yet, in job order; shard filters by
 * global job index.  Returns 0 or an err status. */
static int run_pending(struct experiment *x, const struct cli_opts *o,
		       struct cli_progress *pr, int tty, struct err *e)
{
	size_t n = 0, idx = 0;
	for (size_t p = 0; p < x->np; p++)
		for (size_t s = 0; s < x->ns; s++)
			n += cell_at(x, p, s)->nreps;
	struct runner_job *batch = calloc(n ? n : 1, sizeof(*batch));
	struct runner_job **origin = calloc(n ? n : 1, sizeof(*origin));
	if (!batch || !origin) {
		free(batch);
		free(origin);
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	}
	size_t k = 0;
	for (size_t p = 0; p < x->np; p++) {
		for (size_t s = 0; s < x->ns; s++) {
			struct cell *c = cell_at(x, p, s);
			for (size_t r = 0; r < c->nreps; r++, idx++) {
				if (c->jobs[r].done)
					continue;
				if (o->shard_n && idx % o->shard_n != o->shard_i - 1)
					continue;
				origin[k] = &c->jobs[r];
				batch[k++] = c->jobs[r];
			}
		}
	}
	if (mpi_active())
		mpi_run_jobs(batch, k, &cli_interrupted);
	else
		runner_run(batch, k, o->threads, &cli_interrupted,
			   tty ? cli_progress_show : NULL, pr);
	pr->base_done += k;
	for (size_t i = 0; i < k; i++) {
		struct runner_job *j = origin[i];
		*j = batch[i];
		if (j->cap_reason && !strcmp(j->cap_reason, "interrupted")) {
			/* Cut short by Ctrl-C: not a result (the runner leaves it
			 * not done); clear what it left so jobs.csv says not_run
			 * and nothing else, and --resume runs it again. */
			j->done = 0;
			j->status = SIM_DONE;
			j->cap_reason = NULL;
			j->events = j->warmup_cut = 0;
			for (size_t m = 0; m < x->nm; m++)
				j->metrics[m] = NAN;
			free(j->series);
			j->series = NULL;
			j->series_rows = j->series_cols = 0;
		}
	}
	free(batch);
	free(origin);
	return 0;
}

/* Replications each point still needs for the precision target (0: none). */
static size_t more_reps(struct experiment *x, size_t p)
{
	const struct scenario *sc = x->base;
	if (sc->precision.metric < 0)
		return 0;
	size_t nr;
	struct runner_job *pj = point_jobs(x, p, &nr);
	struct report rep;
	size_t want = 0;
	if (!pj || report_build(&rep, x->pts[p], pj, x->ns, nr)) {
		free(pj);
		return 0;
	}
	int tight = 1;
	for (size_t s = 0; s < x->ns; s++) {
		const struct stat_summary *su =
			&rep.sum[s * x->nm + (size_t)sc->precision.metric];
		if (!(su->n >= 2 && isfinite(su->half) &&
		      su->half <= sc->precision.rel_half * fabs(su->mean)))
			tight = 0;
	}
	if (!tight && nr < sc->precision.max_reps) {
		size_t add = nr / 2 > 2 ? nr / 2 : 2;
		want = nr + add < sc->precision.max_reps ? nr + add
							 : sc->precision.max_reps;
	}
	report_fini(&rep);
	free(pj);
	return want;
}

/* After --resume with run-length control: grow each point to the end of
 * the round its jobs reached.  An uninterrupted run checks the CI only at
 * the round sizes (R, then + max(n/2, 2) up to max_reps); a point resumed
 * part-way through a round (Ctrl-C, lost job lines) must finish that round
 * before it is checked, or it would be checked at another size and could
 * stop elsewhere.  Returns 0 or -1 (out of memory). */
static int resume_rounds(struct experiment *x)
{
	const struct scenario *sc = x->base;
	if (sc->precision.metric < 0)
		return 0;
	for (size_t p = 0; p < x->np; p++) {
		size_t have = 0, n = x->pts[p]->replications;
		for (size_t s = 0; s < x->ns; s++)
			if (cell_at(x, p, s)->nreps > have)
				have = cell_at(x, p, s)->nreps;
		while (n < have && n < sc->precision.max_reps) {
			size_t add = n / 2 > 2 ? n / 2 : 2;
			n = n + add < sc->precision.max_reps ? n + add
							     : sc->precision.max_reps;
		}
		for (size_t s = 0; s < x->ns; s++)
			if (cell_grow(x, p, s, n > have ? n : have))
				return -1;
	}
	return 0;
}

/* Prints the outcome; returns the number of failed jobs. */
static size_t print_summary(struct experiment *x, const char *dir)
{
	size_t jobs = 0, done = 0, capped = 0, failed = 0;
	for (size_t i = 0; i < x->np * x->ns; i++) {
		struct cell *c = &x->cells[i];
		for (size_t r = 0; r < c->nreps; r++) {
			jobs++;
			if (!c->jobs[r].done)
				continue;
			if (c->jobs[r].status == SIM_DONE)
				done++;
			else if (c->jobs[r].status == SIM_CAPPED)
				capped++;
			else
				failed++;
		}
	}
	printf("%s: %zu points x %zu strateg%s, %zu jobs: %zu done, %zu capped, "
	       "%zu failed%s\n", x->base->name, x->np, x->ns, x->ns == 1 ? "y" : "ies",
	       jobs, done, capped, failed,
	       x->interrupted ? " (interrupted: incomplete)" : "");
	printf("Outputs in %s/ (points.csv, differences.csv, summary.json, "
	       "jobs.csv)\n", dir);
	return failed;
}

static int sweep_main(int argc, char **argv)
{
	const struct cli_cmd *cmd = cli_find("sweep");
	struct cli_opts o;
	struct err e;
	struct experiment x = { 0 };
	int rc = cli_parse(cmd, argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	err_init(&e);
	if (experiment_load(&x, o.scenario, &o, 0, &e))
		goto fail;
	if (o.shard_n && x.base->precision.metric >= 0) {
		err_set(&e, ERR_INPUT, o.scenario, 0, 0,
			"--shard cannot be combined with precision: (run-length "
			"control needs every replication of a point in one place)");
		goto fail;
	}
	if (experiment_grow_all(&x, &e))
		goto fail;
	if (o.manifest) {
		size_t idx = 0;
		for (size_t p = 0; p < x.np; p++) {
			for (size_t s = 0; s < x.ns; s++) {
				struct cell *c = cell_at(&x, p, s);
				for (size_t r = 0; r < c->nreps; r++, idx++) {
					printf("job %zu point %zu strategy %s replication %zu "
					       "seed %llu", idx, p,
					       x.base->strategy[s][0] ? x.base->strategy[s]
								      : "value",
					       r, (unsigned long long)x.pts[p]->seed);
					for (size_t a = 0; a < x.sw->naxes; a++) {
						char set[300];
						sweep_point_set(x.sw, p, a, set, sizeof(set));
						printf(" %s", set);
					}
					putchar('\n');
				}
			}
		}
		printf("# %zu jobs; run share I of N with: bpfsim sweep %s "
		       "--shard I/N --out DIR_I, then bpfsim merge DIR_1 ... DIR_N\n",
		       idx, o.scenario);
		rc = 0;
		goto out;
	}
	if (o.resume && (read_jobs_csv(&x, o.resume, &e) ||
			 read_job_series(&x, o.resume, &e)))
		goto fail;
	if (o.resume && resume_rounds(&x)) {
		err_set(&e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		goto fail;
	}
	cli_install_signals();
	int tty = !o.quiet && isatty(STDERR_FILENO) && mpi_rank() == 0;
	struct cli_progress pr = { .t0 = cli_now(), .what = x.base->name,
				   .unit = "jobs", .total = experiment_jobs(&x) };
	for (;;) {
		if (run_pending(&x, &o, &pr, tty, &e))
			goto fail;
		if (cli_interrupted || o.shard_n)
			break;
		int grew = 0;
		for (size_t p = 0; p < x.np; p++) {
			size_t want = more_reps(&x, p);
			for (size_t s = 0; want && s < x.ns; s++) {
				if (cell_grow(&x, p, s, want)) {
					err_set(&e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
					goto fail;
				}
				grew = 1;
			}
		}
		if (!grew)
			break;
		pr.total = experiment_jobs(&x);
	}
	if (tty)
		cli_progress_clear();
	if (mpi_rank() != 0) {
		rc = 0;
		goto out;
	}
	x.interrupted = !o.shard_n && experiment_incomplete(&x);
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", o.out ? o.out
		 : o.resume ? o.resume : "");
	if (!dir[0])
		snprintf(dir, sizeof(dir), "out/%s-sweep", x.base->name);
	if (o.shard_n) {
		/* A shard writes its jobs and the experiment, nothing summarised. */
		struct out_file f;
		if (out_mkdir_p(dir, &e) ||
		    out_open(&f, dir, "scenario.resolved.yaml", &e))
			goto fail;
		scenario_emit(x.base, f.f);
		if (out_commit(&f, &e) || out_open(&f, dir, "jobs.csv", &e))
			goto fail;
		write_jobs_csv(&x, f.f, 1);
		if (out_commit(&f, &e))
			goto fail;
		if (x.base->model->series_cols && x.base->series.window) {
			if (out_open(&f, dir, "job_series.csv", &e))
				goto fail;
			write_job_series(&x, f.f);
			if (out_commit(&f, &e))
				goto fail;
		}
		printf("%s: shard %u/%u written to %s/ (merge the shards with "
		       "bpfsim merge)\n", x.base->name, o.shard_i, o.shard_n, dir);
		rc = 0;
		goto out;
	}
	if (write_sweep_outputs(&x, dir, &e))
		goto fail;
	rc = print_summary(&x, dir) ? 1 : 0;
	if (!o.no_plots && !cli_interrupted)
		plot_outdir(dir, o.plot_format, NULL, stderr);
	goto out;
fail:
	if (mpi_rank() == 0)
		err_print(&e);
	rc = e.status ? e.status : 1;
out:
	experiment_free(&x);
	return cli_exit_status(rc);
}

int cmd_sweep(int argc, char **argv)
{
	mpi_begin(&argc, &argv);
	int rc = sweep_main(argc, argv);
	mpi_end();
	return rc;
}

int cmd_merge(int argc, char **argv)
{
	const struct cli_cmd *cmd = cli_find("merge");
	struct cli_opts o;
	struct err e;
	struct experiment x = { 0 };
	int rc = cli_parse(cmd, argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	err_init(&e);
	char scen[4096];
	snprintf(scen, sizeof(scen), "%s/scenario.resolved.yaml", o.dirs[0]);
	struct cli_opts lo = { .reps = -1, .seed = -1 };
	if (experiment_load(&x, scen, &lo, 0, &e))
		goto fail;
	for (int d = 0; d < o.ndirs; d++)
		if (read_jobs_csv(&x, o.dirs[d], &e) ||
		    read_job_series(&x, o.dirs[d], &e))
			goto fail;
	for (size_t p = 0; p < x.np; p++) {
		for (size_t s = 0; s < x.ns; s++) {
			struct cell *c = cell_at(&x, p, s);
			if (c->nreps < x.pts[p]->replications &&
			    cell_grow(&x, p, s, x.pts[p]->replications)) {
				err_set(&e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
				goto fail;
			}
			for (size_t r = 0; r < c->nreps; r++)
				if (!c->jobs[r].done)
					x.interrupted = 1;
		}
	}
	if (x.interrupted)
		fprintf(stderr, "bpfsim merge: some jobs are in none of the shards: "
			"the output is marked incomplete\n");
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", o.out ? o.out : "out/merged");
	if (write_sweep_outputs(&x, dir, &e))
		goto fail;
	rc = print_summary(&x, dir) ? 1 : 0;
	goto out;
fail:
	err_print(&e);
	rc = e.status ? e.status : 1;
out:
	experiment_free(&x);
	return rc;
}

/* ---- phase diagrams ---------------------------------------------------- */

static const char regime_letter[REGIME_COUNT + 1] = { 'C', 'S', 'O', 'E', '?' };

/* phase.csv, the per-strategy maps and boundaries, and the difference map
 * (cells where strategy 0 explodes and another does not). */
static int write_phase(struct experiment *x, const char *dir, struct err *e)
{
	const struct sweep_axis *ax = &x->sw->axes[0], *ay = &x->sw->axes[1];
	int oi = model_metric_index(x->base->model, "overhead_ratio");
	int *reg = calloc(x->np * x->ns, sizeof(int));
	struct stat_summary *ov = calloc(x->np * x->ns, sizeof(*ov));
	struct out_file f = { 0 };
	int rc = 0;
	if (!reg || !ov) {
		rc = err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		goto out;
	}
	for (size_t p = 0; p < x->np; p++) {
		size_t nr;
		struct runner_job *pj = point_jobs(x, p, &nr);
		struct report rep;
		if (!pj || report_build(&rep, x->pts[p], pj, x->ns, nr)) {
			free(pj);
			rc = err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
			goto out;
		}
		for (size_t s = 0; s < x->ns; s++) {
			reg[p * x->ns + s] = report_regime(&rep, s);
			if (oi >= 0)
				ov[p * x->ns + s] = rep.sum[s * x->nm + (size_t)oi];
		}
		report_fini(&rep);
		free(pj);
	}
	if (out_open(&f, dir, "phase.csv", e)) {
		rc = e->status;
		goto out;
	}
	fprintf(f.f, "%s,%s,strategy,regime,overhead_ratio_mean,"
		     "overhead_ratio_ci_low,overhead_ratio_ci_high\n",
		ax->path, ay->path);
	for (size_t p = 0; p < x->np; p++) {
		for (size_t s = 0; s < x->ns; s++) {
			const struct stat_summary *su = &ov[p * x->ns + s];
			out_csv_field(f.f, ax->values[sweep_index(x->sw, p, 0)]);
			fputc(',', f.f);
			out_csv_field(f.f, ay->values[sweep_index(x->sw, p, 1)]);
			fprintf(f.f, ",%s,%s",
				x->base->strategy[s][0] ? x->base->strategy[s] : "value",
				regime_names[reg[p * x->ns + s]]);
			ci_cols(f.f, su);
			fputc('\n', f.f);
		}
	}
	if (out_commit(&f, e)) {
		rc = e->status;
		goto out;
	}
	/* Maps: y down the side (largest on top), x along the bottom. */
	for (size_t s = 0; s < x->ns; s++) {
		printf("\n%s (C converging, S stable, O oscillating, E exploding):\n",
		       x->base->strategy[s][0] ? x->base->strategy[s] : "regimes");
		for (size_t iy = ay->n; iy-- > 0;) {
			printf("  %14s |", ay->values[iy]);
			for (size_t ix = 0; ix < ax->n; ix++) {
				size_t p = ix * ay->n + iy;
				printf(" %c", regime_letter[reg[p * x->ns + s]]);
			}
			putchar('\n');
		}
		printf("  %14s  x: %s from %s to %s (%zu values%s)\n", "", ax->path,
		       ax->values[0], ax->values[ax->n - 1], ax->n,
		       ax->log ? ", log" : "");
		printf("  boundary (smallest %s that explodes, per %s):\n", ax->path,
		       ay->path);
		for (size_t iy = 0; iy < ay->n; iy++) {
			const char *at = NULL;
			for (size_t ix = 0; ix < ax->n && !at; ix++)
				if (reg[(ix * ay->n + iy) * x->ns + s] == REGIME_EXPLODING)
					at = ax->values[ix];
			printf("    %s = %-12s %s\n", ay->path, ay->values[iy],
			       at ? at : "none in range");
		}
	}
	for (size_t s = 1; s < x->ns; s++) {
		size_t n = 0;
		printf("\n%s explodes where %s does not (*):\n",
		       x->base->strategy[0], x->base->strategy[s]);
		for (size_t iy = ay->n; iy-- > 0;) {
			printf("  %14s |", ay->values[iy]);
			for (size_t ix = 0; ix < ax->n; ix++) {
				size_t p = ix * ay->n + iy;
				int a = reg[p * x->ns] == REGIME_EXPLODING;
				int b = reg[p * x->ns + s] == REGIME_EXPLODING;
				printf(" %c", a && !b ? '*' : !a && b ? '+' : '.');
				n += a && !b;
			}
			putchar('\n');
		}
		printf("  %zu cell%s (+: the other way round)\n", n, n == 1 ? "" : "s");
	}
out:
	free(reg);
	free(ov);
	return rc;
}

/* A phase axis error names the axis's origin: --x/--y, or its value in the
 * scenario's phase: block (key NULL: the block itself). */
static void phase_origin(struct err *e, struct scenario *probe, const char *key,
			 const char *opt, const char *cli)
{
	if (cli) {
		snprintf(e->file, sizeof(e->file), "%s '%s'", opt, cli);
		e->line = e->col = 0;
		return;
	}
	struct ynode *n = ytree_find(probe->tree, "phase");
	if (key)
		n = ynode_peek(n, key);
	if (n && n->line > 0) {
		snprintf(e->file, sizeof(e->file), "%s", n->file);
		e->line = n->line;
		e->col = n->col;
	}
}

int cmd_phase(int argc, char **argv)
{
	const struct cli_cmd *cmd = cli_find("phase");
	struct cli_opts o;
	struct err e;
	struct experiment x = { 0 };
	int rc = cli_parse(cmd, argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	err_init(&e);
	struct scenario *probe = scenario_load(&cli_env, o.scenario, o.sets, o.nsets, 0, NULL,
					       &e);
	if (!probe)
		goto fail;
	char xs[512], ys[512];
	snprintf(xs, sizeof(xs), "%s", o.phase_x ? o.phase_x
		 : probe->phase.x ? probe->phase.x : "");
	snprintf(ys, sizeof(ys), "%s", o.phase_y ? o.phase_y
		 : probe->phase.y ? probe->phase.y : "");
	if (!xs[0] || !ys[0]) {
		err_set(&e, ERR_INPUT, o.scenario, 0, 0,
			"a phase diagram needs two axes: --x PATH=lo:hi:n[:log] "
			"--y PATH=lo:hi:n[:log] (or a phase: {x, y} block)");
		phase_origin(&e, probe, NULL, NULL, NULL);
		goto fail;
	}
	struct cli_opts o2 = o;
	o2.sweeps[0] = xs;
	o2.sweeps[1] = ys;
	o2.nsweeps = 2;
	if (experiment_load(&x, o.scenario, &o2, 1, &e)) {
		char wx[540], wy[540];
		snprintf(wx, sizeof(wx), "--sweep '%s'", xs);
		snprintf(wy, sizeof(wy), "--sweep '%s'", ys);
		if (!strcmp(e.file, wx))
			phase_origin(&e, probe, "x", "--x", o.phase_x);
		else if (!strcmp(e.file, wy))
			phase_origin(&e, probe, "y", "--y", o.phase_y);
		goto fail;
	}
	if (x.sw->naxes != 2) {
		err_set(&e, ERR_INPUT, o.scenario, 0, 0,
			"--x and --y must name two different parameters");
		phase_origin(&e, probe, "y", "--y", o.phase_y);
		goto fail;
	}
	if (experiment_grow_all(&x, &e))
		goto fail;
	cli_install_signals();
	int tty = !o.quiet && isatty(STDERR_FILENO);
	struct cli_progress pr = { .t0 = cli_now(), .what = x.base->name,
				   .unit = "jobs", .total = experiment_jobs(&x) };
	if (run_pending(&x, &o, &pr, tty, &e))
		goto fail;
	if (tty)
		cli_progress_clear();
	x.interrupted = experiment_incomplete(&x);
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", o.out ? o.out : "");
	if (!dir[0])
		snprintf(dir, sizeof(dir), "out/%s-phase", x.base->name);
	if (write_sweep_outputs(&x, dir, &e) || write_phase(&x, dir, &e))
		goto fail;
	putchar('\n');
	rc = print_summary(&x, dir) ? 1 : 0;
	if (!o.no_plots && !cli_interrupted)
		plot_outdir(dir, o.plot_format, NULL, stderr);
	goto out;
fail:
	err_print(&e);
	rc = e.status ? e.status : 1;
out:
	experiment_free(&x);
	scenario_free(probe);
	return cli_exit_status(rc);
}
