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
 * found twice (two shards, or a journal: journal.h) keeps the later
 * result, unless both are reproducible results (done, or capped by a
 * budget other than max_wall) that differ: that is refused, since the
 * same job gives the same result every time.
 *
 * Files read back are input like any other: every count and index is
 * bounded before it sizes anything.  A point index is below
 * SWEEP_MAX_POINTS (and, to be placed, names a point of the experiment);
 * a replication is below SCENARIO_MAX_REPLICATIONS, and a row belongs to
 * its point only below that point's replications (or precision's
 * max_reps); a series has exactly the model's columns, 1 to max_rows rows,
 * and as many values on its line as rows x cols say - counted before the
 * array is allocated.  A last line without its newline is a torn append
 * (a journal cut by a crash) and is left out: that job runs again.
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
#include "sim/rng.h"

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
	/* Points by settings (open addressing, linear probing): slot holds
	 * point index + 1, 0 when empty; covers points [0, pidx_n).  A row
	 * whose index names another point is looked up here, not by a scan
	 * of every point per row (10^5 points x 10^6 rows). */
	size_t *pidx;
	size_t pidx_cap, pidx_n;   /* cap: a power of 2, > 2 x pidx_n */
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
	free(sv->pidx);
	for (size_t i = 0; i < sv->nfiles; i++)
		free(sv->files[i]);
	free(sv->files);
	free(sv);
}

#define JOB_SERIES_HEADER "point,strategy,replication,window_ns,rows,cols,values\n"
#define JOB_POINTS_HEADER "point,settings\n"

static void write_header(struct experiment *x, FILE *f)
{
	const struct model *m = x->base->model;
	fputs("point,strategy,replication,status,cap,events,warmup_cut_ns,regime,"
	      "transient,transient_up", f);
	for (size_t k = 0; k < x->nm; k++)
		fprintf(f, ",%s", m->metrics[k].name);
	fputc('\n', f);
}

void exp_job_line(struct experiment *x, FILE *f, size_t pi, size_t s,
		  size_t r, const struct runner_job *j)
{
	fprintf(f, "%zu,%s,%zu,%s,%s,%llu,%llu,%s,%u,%u", pi, exp_strategy(x, s),
		r, report_status_name(j), j->cap_reason ? j->cap_reason : "",
		(unsigned long long)j->events, (unsigned long long)j->warmup_cut,
		regime_names[j->regime], j->transient, j->transient_up);
	for (size_t k = 0; k < x->nm; k++) {
		fputc(',', f);
		out_num(f, j->metrics[k], "nan");
	}
	fputc('\n', f);
}

void exp_job_series_line(struct experiment *x, FILE *f, size_t pi, size_t s,
			 size_t r, const struct runner_job *j)
{
	fprintf(f, "%zu,%s,%zu,%llu,%zu,%zu", pi, exp_strategy(x, s), r,
		(unsigned long long)j->series_window, j->series_rows,
		j->series_cols);
	for (size_t i = 0; i < j->series_rows * j->series_cols; i++) {
		fputc(',', f);
		out_num(f, j->series[i], "nan");
	}
	fputc('\n', f);
}

void exp_write_jobs(struct experiment *x, FILE *f, int only_done)
{
	write_header(x, f);
	for (size_t p = 0; p < x->np; p++) {
		for (size_t s = 0; s < x->ns; s++) {
			struct exp_cell *c = exp_cell(x, p, s);
			for (size_t r = 0; r < c->nreps; r++)
				if (!only_done || c->jobs[r].done)
					exp_job_line(x, f, p, s, r, &c->jobs[r]);
		}
	}
}

void exp_write_job_series(struct experiment *x, FILE *f)
{
	fputs(JOB_SERIES_HEADER, f);
	for (size_t p = 0; p < x->np; p++) {
		for (size_t s = 0; s < x->ns; s++) {
			struct exp_cell *c = exp_cell(x, p, s);
			for (size_t r = 0; r < c->nreps; r++)
				if (c->jobs[r].done && c->jobs[r].series)
					exp_job_series_line(x, f, p, s, r,
							    &c->jobs[r]);
		}
	}
}

void exp_job_point_line(FILE *f, size_t pi, const char *settings)
{
	fprintf(f, "%zu,", pi);
	out_csv_field(f, settings);
	fputc('\n', f);
}

static void write_job_points(struct experiment *x, FILE *f)
{
	fputs(JOB_POINTS_HEADER, f);
	for (size_t p = 0; p < x->np; p++)
		exp_job_point_line(f, p, x->settings[p]);
}

/* The model keeps a series here: the experiment has a job_series.csv. */
static int has_series_file(const struct experiment *x)
{
	return x->base->model->series_cols && x->base->series.window;
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
	if (has_series_file(x)) {
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

/* tok as a whole number below limit (digits only: no sign, no space). */
static int parse_below(const char *tok, size_t limit, size_t *v)
{
	size_t n = 0;
	if (!tok || !*tok)
		return -1;
	for (const char *c = tok; *c; c++) {
		if (*c < '0' || *c > '9')
			return -1;
		n = n * 10 + (size_t)(*c - '0');
		if (n >= limit)
			return -1;
	}
	*v = n;
	return 0;
}

/* getline() of a data line: 1 for a whole line, 0 at the end of the file
 * or at a last line without its newline (a torn append: left out). */
static int next_line(char **line, size_t *cap, FILE *f)
{
	ssize_t len = getline(line, cap, f);
	return len > 0 && (*line)[len - 1] == '\n';
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
	while (!rc && next_line(&line, &cap, f)) {
		if (++lineno == 1)
			continue;   /* header */
		char *end, *val = csv_second(line);
		size_t p = strtoull(line, &end, 10);
		if (!val || *end != ',' || p != n || n >= SWEEP_MAX_POINTS) {
			rc = err_set(e, ERR_INPUT, path, lineno, 1, "expected "
				     "'%zu,SETTINGS'%s", n, n >= SWEEP_MAX_POINTS
				     ? " (too many points)" : "");
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

/* The replications point p may have: its own, or up to precision's
 * max_reps under run-length control. */
static size_t point_max_reps(const struct experiment *x, size_t p)
{
	size_t n = x->pts[p]->replications;
	if (x->base->precision.metric >= 0 && x->base->precision.max_reps > n)
		n = x->base->precision.max_reps;
	return n;
}

/* The point a row belongs to, or SIZE_MAX while there is none (yet); a
 * row beyond its point's replications belongs to none. */
/* Put point p into sv's index unless a point of the same settings is
 * there (the first one wins, as a scan would find it). */
static void index_put(struct exp_saved *sv, const struct experiment *x,
		      size_t p)
{
	size_t m = sv->pidx_cap - 1;
	size_t i = rng_mix64(rng_hash_str(x->settings[p], 0)) & m;
	for (;; i = (i + 1) & m) {
		if (!sv->pidx[i]) {
			sv->pidx[i] = p + 1;
			return;
		}
		if (!strcmp(x->settings[sv->pidx[i] - 1], x->settings[p]))
			return;
	}
}

/* Bring the index up to x's points (capacity adds them as it goes);
 * -1 when it cannot grow (then callers scan). */
static int index_points(struct exp_saved *sv, const struct experiment *x)
{
	if (sv->pidx && sv->pidx_n == x->np)
		return 0;
	if (!sv->pidx || 2 * x->np >= sv->pidx_cap) {
		size_t cap = 64;
		while (cap <= 4 * x->np)
			cap *= 2;
		size_t *t = calloc(cap, sizeof(*t));
		if (!t)
			return -1;
		free(sv->pidx);
		sv->pidx = t;
		sv->pidx_cap = cap;
		sv->pidx_n = 0;
	}
	for (; sv->pidx_n < x->np; sv->pidx_n++)
		index_put(sv, x, sv->pidx_n);
	return 0;
}

/* The point with these settings, or SIZE_MAX. */
static size_t find_point(const struct experiment *x, const char *settings)
{
	struct exp_saved *sv = x->saved;
	if (sv && !index_points(sv, x)) {
		size_t m = sv->pidx_cap - 1;
		size_t i = rng_mix64(rng_hash_str(settings, 0)) & m;
		for (; sv->pidx[i]; i = (i + 1) & m)
			if (!strcmp(x->settings[sv->pidx[i] - 1], settings))
				return sv->pidx[i] - 1;
		return SIZE_MAX;
	}
	for (size_t i = 0; i < x->np; i++)
		if (!strcmp(x->settings[i], settings))
			return i;
	return SIZE_MAX;
}

static size_t row_point(const struct experiment *x, const struct saved_row *row)
{
	size_t p = SIZE_MAX;
	if (!row->settings)
		p = row->p < x->np ? row->p : SIZE_MAX;
	else if (row->p < x->np && !strcmp(x->settings[row->p], row->settings))
		p = row->p;   /* the common case: the same experiment */
	else
		p = find_point(x, row->settings);
	return p != SIZE_MAX && row->r < point_max_reps(x, p) ? p : SIZE_MAX;
}

/* Cap reasons are static strings in the engine; map text back to them. */
static const char *cap_reason_static(const char *s)
{
	static const char *const known[] = { "max_events", "max_wall",
					     "max_live_tasks", "interrupted",
					     "horizon", NULL };
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

/* The fields after the cap: events, warm-up cut, regime, transient bits
 * and the metrics, strictly (the line ends after the last metric). */
static int parse_results(struct experiment *x, struct saved_row *row,
			 char *rest, const char *path, int lineno, struct err *e)
{
	char *end;
	/* Whole numbers strictly, each followed by ',': strtoull read
	 * "-5" as 2^64-5 and "x" as 0. */
	uint64_t u[2];
	static const char *const ufield[2] = { "events", "warmup_cut_ns" };
	for (int k = 0; k < 2; k++) {
		errno = 0;
		u[k] = strtoull(rest, &end, 10);
		if (*rest < '0' || *rest > '9' || errno == ERANGE || *end != ',')
			return err_set(e, ERR_INPUT, path, lineno, 1, "%s must be "
				       "a whole number (got '%.*s')", ufield[k],
				       (int)strcspn(rest, ",\n") > 40 ? 40 :
				       (int)strcspn(rest, ",\n"), rest);
		rest = end + 1;
	}
	row->events = u[0];
	row->warmup_cut = u[1];
	row->regime = -1;
	for (int g = 0; g <= REGIME_UNKNOWN; g++) {
		size_t len = strlen(regime_names[g]);
		if (!strncmp(rest, regime_names[g], len) && rest[len] == ',')
			row->regime = g;
	}
	if (row->regime < 0)
		return err_set(e, ERR_INPUT, path, lineno, 1, "unknown regime "
			       "'%.*s'", (int)strcspn(rest, ",\n") > 40 ? 40 :
			       (int)strcspn(rest, ",\n"), rest);
	rest = strchr(rest, ',') + 1;
	unsigned bits[2];
	for (int k = 0; k < 2; k++) {
		unsigned long b = strtoul(rest, &end, 10);
		if (*rest < '0' || *rest > '9' || *end != ',' ||
		    b >= 1u << STEADY_TR_COUNT)
			return err_set(e, ERR_INPUT, path, lineno, 1, "%s must be "
				       "a set of transient bits, 0..%u", k ?
				       "transient_up" : "transient",
				       (1u << STEADY_TR_COUNT) - 1);
		bits[k] = (unsigned)b;
		rest = end + 1;
	}
	row->transient = bits[0];
	row->transient_up = bits[1];
	for (size_t k = 0; k < x->nm; k++) {
		row->metrics[k] = strtod(rest, &end);
		if (end == rest)
			return err_set(e, ERR_INPUT, path, lineno, 1,
				       "missing metric values");
		if (*end != (k + 1 < x->nm ? ',' : '\n'))
			return err_set(e, ERR_INPUT, path, lineno, 1, k + 1 < x->nm
				       ? "metric %zu is not a number" : "more "
				       "values than the model's %zu metrics",
				       k + 1);
		rest = end + 1;
	}
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
	size_t s = strategy_index(x, tok[1]), p, r;
	if (s == SIZE_MAX || parse_below(tok[0], SWEEP_MAX_POINTS, &p) ||
	    parse_below(tok[2], SCENARIO_MAX_REPLICATIONS, &r))
		return err_set(e, ERR_INPUT, path, lineno, 1, "job (%s, %s, %s) "
			       "does not belong to this experiment", tok[0],
			       tok[1], tok[2]);
	int not_run = !strcmp(tok[3], "not_run");
	if (!not_run && strcmp(tok[3], "done") && strcmp(tok[3], "capped") &&
	    strcmp(tok[3], "failed"))
		return err_set(e, ERR_INPUT, path, lineno, 1, "unknown job status "
			       "'%.40s'", tok[3]);
	struct saved_row *row = new_row(sv, x->nm);
	if (!row)
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	row->p = p;
	row->s = s;
	row->r = r;
	row->line = lineno;
	row->file = sv->nfiles - 1;
	row->skip = not_run || !strcmp(capf, "interrupted");
	if (row->skip)
		return 0;   /* to be run (again) */
	row->status = !strcmp(tok[3], "done") ? SIM_DONE
		      : !strcmp(tok[3], "capped") ? SIM_CAPPED : SIM_FAILED;
	row->cap_reason = cap_reason_static(capf);
	return parse_results(x, row, rest, path, lineno, e);
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
	while (!rc && next_line(&line, &cap, f)) {
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

/* Commas in s: a series line's values are one more. */
static size_t count_commas(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == ',';
	return n;
}

/* The values of a series line (rest: after the cols field) into a new
 * array of rows x cols, counted before it is allocated. */
static int parse_series_values(char *rest, size_t rows, size_t cols,
			       double **out, const char *path, int lineno,
			       struct err *e)
{
	size_t want = rows * cols, have = rest && *rest ? count_commas(rest) + 1 : 0;
	if (have != want)
		return err_set(e, ERR_INPUT, path, lineno, 1, "%zu series values, "
			       "rows x cols says %zu", have, want);
	double *v = malloc(want * sizeof(double));
	if (!v)
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	char *end;
	for (size_t i = 0; i < want; i++) {
		v[i] = strtod(rest, &end);
		if (end == rest || *end != (i + 1 < want ? ',' : '\n')) {
			free(v);
			return err_set(e, ERR_INPUT, path, lineno, 1, "series "
				       "value %zu is not a number", i + 1);
		}
		rest = end + 1;
	}
	*out = v;
	return 0;
}

/* One job_series.csv data line onto its row (from `from` on), if any. */
static int parse_series(struct experiment *x, struct exp_saved *sv,
			size_t from, char *line, const char *path, int lineno,
			struct err *e)
{
	char *save = NULL, *tok[6];
	tok[0] = strtok_r(line, ",", &save);
	for (int i = 1; i < 6; i++)
		tok[i] = tok[i - 1] ? strtok_r(NULL, ",\n", &save) : NULL;
	if (!tok[5])
		return err_set(e, ERR_INPUT, path, lineno, 1,
			       "malformed series line");
	size_t s = strategy_index(x, tok[1]), p, r, rows, cols, window;
	size_t want = model_series_count(x->base->model);
	if (s == SIZE_MAX || parse_below(tok[0], SWEEP_MAX_POINTS, &p) ||
	    parse_below(tok[2], SCENARIO_MAX_REPLICATIONS, &r))
		return err_set(e, ERR_INPUT, path, lineno, 1, "series of job (%s, "
			       "%s, %s) does not belong to this experiment",
			       tok[0], tok[1], tok[2]);
	if (parse_below(tok[5], SIZE_MAX, &cols) || !cols || cols != want)
		return err_set(e, ERR_INPUT, path, lineno, 1, "series of %s "
			       "columns: the model's series has %zu", tok[5], want);
	if (parse_below(tok[4], x->base->series.max_rows + 1, &rows) || !rows)
		return err_set(e, ERR_INPUT, path, lineno, 1, "series of %s rows: "
			       "a run keeps 1 to %zu", tok[4],
			       x->base->series.max_rows);
	if (parse_below(tok[3], SIZE_MAX, &window))
		return err_set(e, ERR_INPUT, path, lineno, 1, "series window '%s' "
			       "is not a whole number of ns", tok[3]);
	struct saved_row *row = find_row(sv, from, p, s, r);
	if (!row)
		return 0;   /* not in jobs.csv: the job runs again */
	double *v = NULL;
	if (parse_series_values(save, rows, cols, &v, path, lineno, e))
		return e->status;
	free(row->series);
	row->series = v;
	row->series_rows = rows;
	row->series_cols = cols;
	row->series_window = window;
	return 0;
}

/* DIR/job_series.csv, if any, onto the rows read from DIR (from `from`). */
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
	while (!rc && next_line(&line, &cap, f))
		if (++lineno > 1)   /* after the header */
			rc = parse_series(x, sv, from, line, path, lineno, e);
	free(line);
	fclose(f);
	return rc;
}

/* A saved row's outcome (status, cap, counts, regime) onto job j. */
static void row_outcome(const struct saved_row *row, struct runner_job *j)
{
	j->done = 1;
	j->status = row->status;
	j->cap_reason = row->cap_reason;
	j->events = row->events;
	j->warmup_cut = row->warmup_cut;
	j->regime = row->regime;
	j->transient = row->transient;
	j->transient_up = row->transient_up;
}

/* A result that the same job gives every time: done, or capped by a
 * budget other than wall-clock time (a max_wall cap depends on the
 * machine's speed). */
static int reproducible(enum sim_status status, const char *cap)
{
	return status == SIM_DONE ||
	       (status == SIM_CAPPED && (!cap || strcmp(cap, "max_wall")));
}

/* Put row's result into job (p, row's strategy, row's replication): 0,
 * -1 out of memory, or 1 when the job already holds another reproducible
 * result (set in e): a job's result is the same every time, so two
 * differing ones come from another bpfsim's or an edited folder, and
 * neither may silently win. */
static int place_row(struct experiment *x, struct saved_row *row, size_t p,
		     struct err *e)
{
	row->placed = 1;
	if (row->skip)
		return 0;
	if (exp_cell_reserve(x, p, row->s, row->r + 1))
		return -1;
	struct runner_job *j = &exp_cell(x, p, row->s)->jobs[row->r];
	if (row->series && row->series_window != x->pts[p]->series.window) {
		/* series.csv's times and the _avg columns are per window. */
		err_set(e, ERR_INPUT, x->saved->files[row->file], row->line, 1,
			"job (%zu, %s, %zu) has a series of %llu ns windows, "
			"this experiment's are %llu ns", row->p,
			exp_strategy(x, row->s), row->r,
			(unsigned long long)row->series_window,
			(unsigned long long)x->pts[p]->series.window);
		return 1;
	}
	if (j->done && reproducible(j->status, j->cap_reason) &&
	    reproducible(row->status, row->cap_reason) &&
	    (j->status != row->status || j->events != row->events ||
	     memcmp(j->metrics, row->metrics, x->nm * sizeof(double)))) {
		err_set(e, ERR_INPUT, x->saved->files[row->file], row->line, 1,
			"job (%zu, %s, %zu) is there twice with different "
			"results (a folder of another bpfsim version, or an "
			"edited one): a job's result is the same every time",
			row->p, exp_strategy(x, row->s), row->r);
		return 1;
	}
	row_outcome(row, j);
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
	for (size_t i = 0; sv && i < sv->n; i++) {
		if (sv->rows[i].placed || row_point(x, &sv->rows[i]) != p)
			continue;
		int rc = place_row(x, &sv->rows[i], p, e);
		if (rc > 0)
			return e->status;
		if (rc < 0)
			return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	}
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
		int rc = p == SIZE_MAX ? 0 : place_row(x, &sv->rows[i], p, e);
		if (rc > 0)
			return e->status;
		if (rc < 0)
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

/* ---- a journal's first state (journal.h) -------------------------------- */

/* A saved row as the job it would be placed into (for writing). */
static void row_job(const struct saved_row *row, struct runner_job *j)
{
	memset(j, 0, sizeof(*j));
	row_outcome(row, j);
	j->metrics = row->metrics;
	j->series = row->series;
	j->series_rows = row->series_rows;
	j->series_cols = row->series_cols;
	j->series_window = row->series_window;
}

/* Saved rows with a result whose point has not come (capacity: probes
 * the search has not reached yet); they keep their settings. */
static int row_waits(const struct saved_row *row)
{
	return !row->placed && !row->skip && row->settings;
}

/* The settings of the waiting rows, each once, in first-seen order: their
 * points in the snapshot are np + their index here. */
static int waiting_settings(const struct exp_saved *sv, const char ***set,
			    size_t *n)
{
	*set = NULL;
	*n = 0;
	for (size_t i = 0; sv && i < sv->n; i++) {
		if (!row_waits(&sv->rows[i]))
			continue;
		size_t k = 0;
		while (k < *n && strcmp((*set)[k], sv->rows[i].settings))
			k++;
		if (k < *n)
			continue;
		const char **grown = realloc(*set, (*n + 1) * sizeof(**set));
		if (!grown)
			return -1;
		*set = grown;
		(*set)[(*n)++] = sv->rows[i].settings;
	}
	return 0;
}

static size_t waiting_index(const char **set, size_t n, const char *settings)
{
	size_t k = 0;
	while (k < n && strcmp(set[k], settings))
		k++;
	return k;
}

/* One of the snapshot's files: the experiment's jobs (as exp_write_*),
 * then the waiting rows under their snapshot points. */
static void snapshot_jobs(struct experiment *x, FILE *f, int series,
			  const char **set, size_t nset)
{
	const struct exp_saved *sv = x->saved;
	if (series)
		exp_write_job_series(x, f);
	else
		exp_write_jobs(x, f, 1);
	for (size_t i = 0; sv && i < sv->n; i++) {
		const struct saved_row *row = &sv->rows[i];
		if (!row_waits(row) || (series && !row->series))
			continue;
		struct runner_job j;
		size_t pi = x->np + waiting_index(set, nset, row->settings);
		row_job(row, &j);
		if (series)
			exp_job_series_line(x, f, pi, row->s, row->r, &j);
		else
			exp_job_line(x, f, pi, row->s, row->r, &j);
	}
}

static int snapshot_files(struct experiment *x, const char *dir,
			  const char **set, size_t nset, struct err *e)
{
	struct out_file f;
	if (out_open(&f, dir, OUTDIR_JOBS_CSV, e))
		return e->status;
	snapshot_jobs(x, f.f, 0, set, nset);
	if (out_commit(&f, e) || out_open(&f, dir, OUTDIR_JOB_POINTS_CSV, e))
		return e->status;
	write_job_points(x, f.f);
	for (size_t k = 0; k < nset; k++)
		exp_job_point_line(f.f, x->np + k, set[k]);
	if (out_commit(&f, e))
		return e->status;
	if (!has_series_file(x))
		return 0;
	if (out_open(&f, dir, OUTDIR_JOB_SERIES_CSV, e))
		return e->status;
	snapshot_jobs(x, f.f, 1, set, nset);
	return out_commit(&f, e);
}

int exp_write_job_snapshot(struct experiment *x, const char *dir,
			   size_t *npoints, struct err *e)
{
	const char **set;
	size_t nset;
	if (waiting_settings(x->saved, &set, &nset))
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	int rc = snapshot_files(x, dir, set, nset, e);
	*npoints = x->np + nset;
	free(set);
	return rc;
}

int exp_has_job_series(const struct experiment *x)
{
	return has_series_file(x);
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
