/* jobfile.c - jobs.csv and job_series.csv: every job's exact result
 * (experiment.h).
 *
 * jobs.csv: header "point,strategy,replication,status,cap,events,
 * warmup_cut_ns,regime,transient,transient_up,METRIC..." (transient: the
 * steady.h bits still trending at the end, and which of them rise) (the model's metrics in table order),
 * then one row per job; %.17g round-trips a double.  job_series.csv: one
 * line per job that kept a windowed series: the job, the window, the
 * shape, then rows x cols raw values (series.csv is derived from them and
 * cannot be read back exactly).
 *
 * job_points.csv: "point,settings", each point's settings (the --set
 * assignments that made it from the base scenario): a job belongs to the
 * point with the same settings in the experiment that reads it, whatever
 * its index there (a resumed or merged capacity search adds its probes in
 * another order than the shards that ran them).
 *
 * Reading keeps the rows (struct exp_saved) until their point exists:
 * a sweep has every point before it reads, a resumed capacity search
 * adds its probes as it goes.  Rows are placed in file order, so a job
 * found twice (two shards) keeps the later result.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/exp/experiment_internal.h"
#include "sim/exp/regime.h"
#include "sim/exp/report.h"
#include "sim/out.h"
#include "sim/outdir.h"

struct saved_row {
	size_t p, s, r;
	int skip;                  /* not run (or cut short): nothing to place */
	int placed;
	char *settings;            /* its point's (job_points.csv), or NULL:
				      the point of index p */
	int line;                  /* in jobs.csv, for messages */
	size_t file;               /* index into exp_saved.files */
	enum sim_status status;
	const char *cap_reason;
	uint64_t events, warmup_cut;
	int regime;
	unsigned transient, transient_up;
	double *metrics;           /* nm values */
	double *series;            /* rows x cols, or NULL */
	size_t series_rows, series_cols;
	uint64_t series_window;
};

struct exp_saved {
	struct saved_row *rows;
	size_t n, cap;
	char **files;              /* the jobs.csv paths read */
	size_t nfiles;
};

void exp_saved_free(struct exp_saved *sv)
{
	if (!sv)
		return;
	for (size_t i = 0; i < sv->n; i++) {
		free(sv->rows[i].metrics);
		free(sv->rows[i].series);
		free(sv->rows[i].settings);
	}
	free(sv->rows);
	for (size_t i = 0; i < sv->nfiles; i++)
		free(sv->files[i]);
	free(sv->files);
	free(sv);
}

static void write_header(struct experiment *x, FILE *f)
{
	const struct model *m = x->base->model;
	fputs("point,strategy,replication,status,cap,events,warmup_cut_ns,regime,"
	      "transient,transient_up", f);
	for (size_t k = 0; k < x->nm; k++)
		fprintf(f, ",%s", m->metrics[k].name);
	fputc('\n', f);
}

void exp_write_jobs(struct experiment *x, FILE *f, int only_done)
{
	write_header(x, f);
	for (size_t p = 0; p < x->np; p++) {
		for (size_t s = 0; s < x->ns; s++) {
			struct exp_cell *c = exp_cell(x, p, s);
			for (size_t r = 0; r < c->nreps; r++) {
				const struct runner_job *j = &c->jobs[r];
				if (only_done && !j->done)
					continue;
				fprintf(f, "%zu,%s,%zu,%s,%s,%llu,%llu,%s,%u,%u", p,
					exp_strategy(x, s), r, report_status_name(j),
					j->cap_reason ? j->cap_reason : "",
					(unsigned long long)j->events,
					(unsigned long long)j->warmup_cut,
					regime_names[j->regime], j->transient,
					j->transient_up);
				for (size_t k = 0; k < x->nm; k++) {
					fputc(',', f);
					out_num(f, j->metrics[k], "nan");
				}
				fputc('\n', f);
			}
		}
	}
}

void exp_write_job_series(struct experiment *x, FILE *f)
{
	fputs("point,strategy,replication,window_ns,rows,cols,values\n", f);
	for (size_t p = 0; p < x->np; p++) {
		for (size_t s = 0; s < x->ns; s++) {
			struct exp_cell *c = exp_cell(x, p, s);
			for (size_t r = 0; r < c->nreps; r++) {
				const struct runner_job *j = &c->jobs[r];
				if (!j->done || !j->series)
					continue;
				fprintf(f, "%zu,%s,%zu,%llu,%zu,%zu", p,
					exp_strategy(x, s), r,
					(unsigned long long)j->series_window,
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

static void write_job_points(struct experiment *x, FILE *f)
{
	fputs("point,settings\n", f);
	for (size_t p = 0; p < x->np; p++) {
		fprintf(f, "%zu,", p);
		out_csv_field(f, x->settings[p]);
		fputc('\n', f);
	}
}

int exp_write_job_files(struct experiment *x, const char *dir, int only_done,
			struct err *e)
{
	struct out_file f;
	if (out_open(&f, dir, OUTDIR_JOBS_CSV, e))
		return e->status;
	exp_write_jobs(x, f.f, only_done);
	if (out_commit(&f, e) || out_open(&f, dir, OUTDIR_JOB_POINTS_CSV, e))
		return e->status;
	write_job_points(x, f.f);
	if (out_commit(&f, e))
		return e->status;
	if (x->base->model->series_cols && x->base->series.window) {
		if (out_open(&f, dir, OUTDIR_JOB_SERIES_CSV, e))
			return e->status;
		exp_write_job_series(x, f.f);
		if (out_commit(&f, e))
			return e->status;
	}
	return 0;
}

/* DIR/NAME for reading into *f, or *f = NULL when it does not exist (the
 * job files other than jobs.csv are optional); path gets its name. */
static int open_optional(const char *dir, const char *name, char *path,
			 size_t size, FILE **f, struct err *e)
{
	snprintf(path, size, "%s/%s", dir, name);
	*f = fopen(path, "r");
	if (!*f && errno != ENOENT)
		return err_set(e, ERR_INPUT, path, 0, 0, "cannot read: %s",
			       strerror(errno));
	return 0;
}

/* The second field of a "N,FIELD" line, CSV-unquoted in place. */
static char *csv_second(char *line)
{
	char *s = strchr(line, ',');
	if (!s)
		return NULL;
	s++;
	s[strcspn(s, "\r\n")] = 0;
	if (*s != '"')
		return s;
	char *w = s, *r = s + 1;
	for (; *r; r++) {
		if (*r == '"' && r[1] == '"')
			r++;
		else if (*r == '"')
			break;
		*w++ = *r;
	}
	*w = 0;
	return s;
}

/* DIR/job_points.csv, if any: the settings of the rows read from DIR. */
static int read_job_points(struct exp_saved *sv, size_t from, const char *dir,
			   struct err *e)
{
	char path[4096];
	FILE *f;
	if (open_optional(dir, OUTDIR_JOB_POINTS_CSV, path, sizeof(path), &f, e) ||
	    !f)
		return e->status;
	char *line = NULL, **set = NULL;
	size_t cap = 0, n = 0;
	int rc = 0, lineno = 0;
	while (!rc && getline(&line, &cap, f) > 0) {
		if (++lineno == 1)
			continue;   /* header */
		char *end, *val = csv_second(line);
		size_t p = strtoull(line, &end, 10);
		if (!val || *end != ',' || p != n) {
			rc = err_set(e, ERR_INPUT, path, lineno, 1, "expected "
				     "'%zu,SETTINGS'", n);
			break;
		}
		char **grown = realloc(set, (n + 1) * sizeof(*set));
		if (!grown || !(grown[n] = strdup(val))) {
			set = grown ? grown : set;
			rc = err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
			break;
		}
		set = grown;
		n++;
	}
	for (size_t i = from; !rc && i < sv->n; i++) {
		struct saved_row *row = &sv->rows[i];
		if (row->p >= n) {
			rc = err_set(e, ERR_INPUT, path, 0, 0, "has no point %zu "
				     "(jobs.csv line %d)", row->p, row->line);
			break;
		}
		if (!(row->settings = strdup(set[row->p])))
			rc = err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	}
	for (size_t i = 0; i < n; i++)
		free(set[i]);
	free(set);
	free(line);
	fclose(f);
	return rc;
}

/* The replications point p can have: its own, or up to max_reps under
 * run-length control (exp_run grows cells that far, never further). */
static size_t point_reps(const struct experiment *x, size_t p)
{
	const struct scenario *b = x->base;
	size_t n = x->pts[p]->replications;
	return b->precision.metric >= 0 && b->precision.max_reps > n
		? b->precision.max_reps : n;
}

/* The point of the row's settings (or index), SIZE_MAX while there is
 * none (yet). */
static size_t settings_point(const struct experiment *x,
			     const struct saved_row *row)
{
	if (!row->settings)
		return row->p < x->np ? row->p : SIZE_MAX;
	if (row->p < x->np && !strcmp(x->settings[row->p], row->settings))
		return row->p;   /* the common case: the same experiment */
	for (size_t p = 0; p < x->np; p++)
		if (!strcmp(x->settings[p], row->settings))
			return p;
	return SIZE_MAX;
}

/* The point a row belongs to, or SIZE_MAX while there is none (yet): a
 * replication beyond the point's replications belongs to none (placing
 * it would grow the cell to it, 10^7 jobs for one line). */
static size_t row_point(const struct experiment *x, const struct saved_row *row)
{
	size_t p = settings_point(x, row);
	return p != SIZE_MAX && row->r < point_reps(x, p) ? p : SIZE_MAX;
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
		if (!strcmp(exp_strategy(x, s), name))
			return s;
	return SIZE_MAX;
}

static struct saved_row *new_row(struct exp_saved *sv, size_t nm)
{
	if (sv->n == sv->cap) {
		size_t cap = sv->cap ? 2 * sv->cap : 256;
		struct saved_row *r = realloc(sv->rows, cap * sizeof(*r));
		if (!r)
			return NULL;
		sv->rows = r;
		sv->cap = cap;
	}
	struct saved_row *row = &sv->rows[sv->n];
	memset(row, 0, sizeof(*row));
	if (!(row->metrics = malloc((nm ? nm : 1) * sizeof(double))))
		return NULL;
	sv->n++;
	return row;
}

/* The header must name this experiment's columns: a job file of another
 * model (or another bpfsim) is not read by position. */
static int check_header(struct experiment *x, const char *line,
			const char *path, struct err *e)
{
	char *want = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&want, &len);
	if (!m)
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	write_header(x, m);
	fclose(m);
	int same = want && !strcmp(want, line);
	free(want);
	if (!same)
		return err_set(e, ERR_INPUT, path, 1, 1, "columns are not this "
			       "experiment's (model %s): not a job file of this "
			       "scenario", x->base->model->name);
	return 0;
}

/* Parse one jobs.csv data line into a new row. */
static int parse_job(struct experiment *x, struct exp_saved *sv, char *line,
		     const char *path, int lineno, struct err *e)
{
	char *save = NULL, *tok[4];
	tok[0] = strtok_r(line, ",", &save);
	for (int i = 1; i < 4; i++)
		tok[i] = tok[i - 1] ? strtok_r(NULL, ",", &save) : NULL;
	/* The cap field may be empty: split the rest by hand. */
	char *rest = save, *capf = rest, *comma = rest ? strchr(rest, ',') : NULL;
	if (!tok[3] || !comma)
		return err_set(e, ERR_INPUT, path, lineno, 1, "malformed job line");
	*comma = 0;
	rest = comma + 1;
	size_t s = strategy_index(x, tok[1]);
	size_t r = strtoull(tok[2], NULL, 10);
	if (s == SIZE_MAX || r > 10000000)
		return err_set(e, ERR_INPUT, path, lineno, 1, "job (%s, %s, %s) "
			       "does not belong to this experiment", tok[0],
			       tok[1], tok[2]);
	struct saved_row *row = new_row(sv, x->nm);
	if (!row)
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	row->p = strtoull(tok[0], NULL, 10);
	row->s = s;
	row->r = r;
	row->line = lineno;
	row->file = sv->nfiles - 1;
	row->skip = !strcmp(tok[3], "not_run") || !strcmp(capf, "interrupted");
	if (row->skip)
		return 0;   /* to be run (again) */
	row->status = !strcmp(tok[3], "done") ? SIM_DONE
		      : !strcmp(tok[3], "capped") ? SIM_CAPPED : SIM_FAILED;
	row->cap_reason = cap_reason_static(capf);
	char *end;
	row->events = strtoull(rest, &end, 10);
	rest = *end == ',' ? end + 1 : end;
	row->warmup_cut = strtoull(rest, &end, 10);
	rest = *end == ',' ? end + 1 : end;
	row->regime = REGIME_UNKNOWN;
	for (int g = 0; g < REGIME_COUNT; g++) {
		size_t len = strlen(regime_names[g]);
		if (!strncmp(rest, regime_names[g], len) && rest[len] == ',')
			row->regime = g;
	}
	end = strchr(rest, ',');
	rest = end ? end + 1 : rest + strlen(rest);
	row->transient = (unsigned)strtoul(rest, &end, 10);
	rest = *end == ',' ? end + 1 : end;
	row->transient_up = (unsigned)strtoul(rest, &end, 10);
	rest = *end == ',' ? end + 1 : end;
	for (size_t k = 0; k < x->nm; k++) {
		row->metrics[k] = strtod(rest, &end);
		if (end == rest)
			return err_set(e, ERR_INPUT, path, lineno, 1,
				       "missing metric values");
		rest = *end == ',' ? end + 1 : end;
	}
	return 0;
}

static int read_jobs_csv(struct experiment *x, struct exp_saved *sv,
			 const char *dir, struct err *e)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/" OUTDIR_JOBS_CSV, dir);
	char **files = realloc(sv->files, (sv->nfiles + 1) * sizeof(*files));
	if (!files)
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	sv->files = files;
	if (!(files[sv->nfiles] = strdup(path)))
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	sv->nfiles++;
	FILE *f = fopen(path, "r");
	if (!f)
		return err_set(e, ERR_INPUT, path, 0, 0, "cannot read: %s",
			       strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	int rc = 0, lineno = 0;
	while (!rc && getline(&line, &cap, f) > 0) {
		if (++lineno == 1)
			rc = check_header(x, line, path, e);
		else
			rc = parse_job(x, sv, line, path, lineno, e);
	}
	free(line);
	fclose(f);
	return rc;
}

/* The last row of this file for job (p, s, r) with a result, or NULL. */
static struct saved_row *find_row(struct exp_saved *sv, size_t from, size_t p,
				  size_t s, size_t r)
{
	for (size_t i = sv->n; i-- > from;) {
		struct saved_row *row = &sv->rows[i];
		if (row->p == p && row->s == s && row->r == r)
			return row->skip ? NULL : row;
	}
	return NULL;
}

/* The model's series columns (what every reader of a series indexes). */
static size_t series_ncols(const struct model *m)
{
	size_t n = 0;
	while (m->series_cols && m->series_cols[n])
		n++;
	return n;
}

/* Values in a CSV remainder: its commas + 1, or 0 when empty. */
static size_t csv_count(const char *s)
{
	size_t n = s && *s && *s != '\n' && *s != '\r';
	for (; s && *s; s++)
		n += *s == ',';
	return n;
}

/* DIR/job_series.csv, if any, onto the rows read from DIR (from `from`).
 * A line's cols must be the model's series columns, and its values
 * exactly rows x cols, counted before anything is allocated. */
static int read_job_series(struct experiment *x, struct exp_saved *sv,
			   size_t from, const char *dir, struct err *e)
{
	char path[4096];
	FILE *f;
	if (open_optional(dir, OUTDIR_JOB_SERIES_CSV, path, sizeof(path), &f, e) ||
	    !f)
		return e->status;
	char *line = NULL;
	size_t cap = 0;
	int rc = 0, lineno = 0;
	while (!rc && getline(&line, &cap, f) > 0) {
		if (++lineno == 1)
			continue;   /* header */
		char *save = NULL, *tok[6];
		tok[0] = strtok_r(line, ",", &save);
		for (int i = 1; i < 6; i++)
			tok[i] = tok[i - 1] ? strtok_r(NULL, ",\n", &save) : NULL;
		if (!tok[5]) {
			rc = err_set(e, ERR_INPUT, path, lineno, 1,
				     "malformed series line");
			break;
		}
		size_t p = strtoull(tok[0], NULL, 10), r = strtoull(tok[2], NULL, 10);
		size_t s = strategy_index(x, tok[1]);
		size_t rows = strtoull(tok[4], NULL, 10), cols = strtoull(tok[5], NULL, 10);
		if (s == SIZE_MAX || !rows || !cols || rows > (1u << 24) ||
		    cols != series_ncols(x->base->model)) {
			rc = err_set(e, ERR_INPUT, path, lineno, 1,
				     "series of job (%s, %s, %s) does not belong "
				     "to this experiment", tok[0], tok[1], tok[2]);
			break;
		}
		if (csv_count(save) != rows * cols) {
			rc = err_set(e, ERR_INPUT, path, lineno, 1, "series of job "
				     "(%s, %s, %s) does not hold rows x cols = "
				     "%zu values", tok[0], tok[1], tok[2],
				     rows * cols);
			break;
		}
		struct saved_row *row = find_row(sv, from, p, s, r);
		if (!row)
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
		free(row->series);
		row->series = v;
		row->series_rows = rows;
		row->series_cols = cols;
		row->series_window = strtoull(tok[3], NULL, 10);
	}
	free(line);
	fclose(f);
	return rc;
}

/* Put row's result into job (p, row's strategy, row's replication). */
static int place_row(struct experiment *x, struct saved_row *row, size_t p)
{
	row->placed = 1;
	if (row->skip)
		return 0;
	if (exp_cell_reserve(x, p, row->s, row->r + 1))
		return -1;
	struct runner_job *j = &exp_cell(x, p, row->s)->jobs[row->r];
	j->done = 1;
	j->status = row->status;
	j->cap_reason = row->cap_reason;
	j->events = row->events;
	j->warmup_cut = row->warmup_cut;
	j->regime = row->regime;
	j->transient = row->transient;
	j->transient_up = row->transient_up;
	memcpy(j->metrics, row->metrics, x->nm * sizeof(double));
	free(j->series);
	j->series = row->series;        /* moved */
	j->series_rows = row->series_rows;
	j->series_cols = row->series_cols;
	j->series_window = row->series_window;
	row->series = NULL;
	return 0;
}

int exp_saved_place(struct experiment *x, size_t p, struct err *e)
{
	struct exp_saved *sv = x->saved;
	for (size_t i = 0; sv && i < sv->n; i++)
		if (!sv->rows[i].placed && row_point(x, &sv->rows[i]) == p &&
		    place_row(x, &sv->rows[i], p))
			return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	return 0;
}

int exp_read_jobs(struct experiment *x, const char *dir, struct err *e)
{
	if (!x->saved && !(x->saved = calloc(1, sizeof(*x->saved))))
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	struct exp_saved *sv = x->saved;
	size_t from = sv->n;
	if (read_jobs_csv(x, sv, dir, e) || read_job_points(sv, from, dir, e) ||
	    read_job_series(x, sv, from, dir, e))
		return e->status;
	for (size_t i = from; i < sv->n; i++) {
		size_t p = row_point(x, &sv->rows[i]);
		if (p != SIZE_MAX && place_row(x, &sv->rows[i], p))
			return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	}
	return 0;
}

int exp_check_saved(struct experiment *x, struct err *e)
{
	struct exp_saved *sv = x->saved;
	for (size_t i = 0; sv && i < sv->n; i++) {
		const struct saved_row *row = &sv->rows[i];
		if (!row->placed)
			return err_set(e, ERR_INPUT, sv->files[row->file], row->line,
				       1, "job (%zu, %s, %zu) does not belong to "
				       "this experiment", row->p,
				       exp_strategy(x, row->s), row->r);
	}
	return 0;
}

int exp_write_shard(struct experiment *x, const char *dir, struct err *e)
{
	struct out_file f;
	if (out_mkdir_p(dir, e) || out_open(&f, dir, OUTDIR_RESOLVED_YAML, e))
		return e->status;
	scenario_emit(x->base, f.f);
	if (out_commit(&f, e))
		return e->status;
	return exp_write_job_files(x, dir, 1, e);
}
