/* cmd_diff.c - `bpfsim diff OLD NEW`: what changed between two output
 * folders beyond noise.
 *
 * Reads what `run`, `compare` or `merge` left in each folder: summary.json
 * (per strategy and metric: n, mean, sd, CI), manifest.json (the scenario's
 * hash and seed) and, for the paired test, replications.csv (every
 * replication's metrics).  For every metric of every strategy both folders
 * hold, it tests new - old (sim/ttest.h):
 *
 *   paired  when both manifests name the same resolved scenario (hash) and
 *           seed: replication r of each folder ran on the same random
 *           numbers, so the per-replication differences are tested (a
 *           newer bpfsim against an older one, a rebuilt binary, another
 *           host);
 *   Welch   otherwise (another scenario, --set values, seed or
 *           replication count; a folder without manifest.json, or without
 *           replications.csv, said on stderr): the runs are taken as
 *           independent, and each side's n, mean and sd are enough.
 *
 * The tests form one family, corrected with Holm's method so that the
 * chance of calling anything changed when nothing did stays at alpha,
 * however many metrics there are.  A metric whose difference is exact (no
 * spread on either side, or every paired difference the same) needs no
 * test: identical ones are left out of the family, different ones are
 * changed (p = 0).  A metric with values on one side only is changed; one
 * with fewer than 2 values on a side has no test and is listed as such.
 *
 * Everything is read and checked before anything is printed: bad input
 * (an unreadable folder, a summary that is not JSON or not bpfsim's, folders
 * of different models or kinds) prints one message and exits 2 with
 * nothing on stdout.  Exit 0: nothing changed beyond noise; 1: something
 * did.  Sweep, phase and capacity folders are refused (their points would
 * need a family per point; compare their points with the points.csv
 * columns instead).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "models/registry.h"
#include "sim/cli/cli.h"
#include "sim/cli/human.h"
#include "sim/out.h"
#include "sim/outdir.h"
#include "sim/ttest.h"

#define DIFF_ALPHA 0.05          /* default family-wise level */
#define DIFF_MAX_REP 1000000     /* replication indexes read back: 0..10^6-1 */

extern const struct cli_cmd cli_cmd_diff;

/* replications.csv of one folder: the header and every row's numbers. */
struct rep_row {
	char *strategy;
	long rep;                 /* replication index */
	int usable;               /* done or capped (what the summary counts) */
	double *v;                /* ncols values; NAN where not a number */
};

struct reps {
	char **cols;
	size_t ncols;
	struct rep_row *rows;
	size_t nrows, cap;
};

/* One folder. */
struct side {
	const char *dir;
	struct ytree *sum;        /* summary.json */
	struct ytree *man;        /* manifest.json, or NULL */
	const struct ynode *root; /* summary.json's object */
	const char *model, *scenario;
	struct reps reps;         /* loaded for the paired test only */
};

/* A metric summary: {"n", "mean", "sd", "ci_low", "ci_high"}. */
struct msum {
	size_t n;
	double mean, sd, ci_low, ci_high;
};

enum row_kind { ROW_TEST, ROW_EXACT, ROW_PRESENCE, ROW_NONE };

/* One (strategy, metric) compared. */
struct row {
	const char *strategy, *metric, *unit;
	struct msum old, new;
	enum row_kind kind;
	struct ttest t;           /* ROW_TEST, ROW_EXACT */
	int paired;               /* tested on paired replications */
	size_t npairs;            /* paired: replications compared */
	double p_holm;            /* NAN outside the family */
	int in_family, changed;
};

struct diff {
	struct side a, b;
	int paired;
	double alpha;
	struct row *rows;
	size_t nrows, cap;
	size_t nfamily, nchanged, nidentical, nnone;
};

/* ---- reading ---------------------------------------------------------- */

static void reps_free(struct reps *r)
{
	for (size_t i = 0; i < r->ncols; i++)
		free(r->cols[i]);
	free(r->cols);
	for (size_t i = 0; i < r->nrows; i++) {
		free(r->rows[i].strategy);
		free(r->rows[i].v);
	}
	free(r->rows);
	memset(r, 0, sizeof(*r));
}

static void side_free(struct side *s)
{
	ytree_free(s->sum);
	ytree_free(s->man);
	reps_free(&s->reps);
}

/* Split one CSV line in place into at most max fields (quoted fields with
 * "" for a quote are unquoted); the field count, or max + 1 when there are
 * more.  col[i] is field i's 1-based column. */
static size_t csv_split(char *line, char **f, int *col, size_t max)
{
	size_t n = 0;
	char *p = line;
	for (;;) {
		if (n == max)
			return max + 1;
		col[n] = (int)(p - line) + 1;
		if (*p == '"') {
			char *w = ++p;   /* unquote in place: w stays behind p */
			f[n++] = w;
			while (*p) {
				if (*p == '"' && p[1] != '"') {
					p++;
					break;
				}
				if (*p == '"')
					p++;
				*w++ = *p++;
			}
			*w = 0;
		} else {
			f[n++] = p;
		}
		p = strchr(p, ',');
		if (!p)
			return n;
		*p++ = 0;
	}
}

/* Read DIR/replications.csv into r. */
static int reps_load(const char *dir, struct reps *r, struct err *e)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/" OUTDIR_REPLICATIONS_CSV, dir);
	FILE *f = fopen(path, "r");
	if (!f)
		return err_set(e, ERR_INPUT, path, 0, 0, "cannot read: %s",
			       strerror(errno));
	char *line = NULL, **fields = NULL;
	int *cols = NULL;
	size_t len = 0, nf = 0, maxf = 0;
	int lineno = 0, rc = -1;
	ssize_t got;
	while ((got = getline(&line, &len, f)) >= 0) {
		lineno++;
		while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
			line[--got] = 0;
		if (lineno == 1) {
			maxf = 1;
			for (char *c = line; *c; c++)
				maxf += *c == ',';
			fields = malloc(maxf * sizeof(*fields));
			cols = malloc(maxf * sizeof(*cols));
			r->cols = calloc(maxf, sizeof(*r->cols));
			if (!fields || !cols || !r->cols)
				goto nomem;
			nf = csv_split(line, fields, cols, maxf);
			if (nf < 5 || strcmp(fields[0], OUTDIR_COL_STRATEGY) ||
			    strcmp(fields[1], OUTDIR_COL_REPLICATION) ||
			    strcmp(fields[2], OUTDIR_COL_STATUS)) {
				err_set(e, ERR_INPUT, path, 1, 1, "not a replications "
					"file: the header must start with '%s'",
					OUTDIR_REPLICATIONS_CSV_HEADER);
				goto out;
			}
			for (size_t i = 0; i < nf; i++, r->ncols = i)
				if (!(r->cols[i] = strdup(fields[i])))
					goto nomem;
			continue;
		}
		if (!line[0])
			continue;
		size_t n = csv_split(line, fields, cols, r->ncols);
		if (n != r->ncols) {
			err_set(e, ERR_INPUT, path, lineno, 1, "%s fields, the header "
				"has %zu", n > r->ncols ? "more" : "fewer", r->ncols);
			goto out;
		}
		if (r->nrows == r->cap) {
			size_t nc = r->cap ? 2 * r->cap : 64;
			struct rep_row *nr = realloc(r->rows, nc * sizeof(*nr));
			if (!nr)
				goto nomem;
			r->rows = nr;
			r->cap = nc;
		}
		struct rep_row *row = &r->rows[r->nrows];
		memset(row, 0, sizeof(*row));
		row->strategy = strdup(fields[0]);
		row->v = malloc(r->ncols * sizeof(double));
		r->nrows++;
		if (!row->strategy || !row->v)
			goto nomem;
		char *end;
		row->rep = strtol(fields[1], &end, 10);
		if (*end || end == fields[1] || row->rep < 0 ||
		    row->rep >= DIFF_MAX_REP) {
			err_set(e, ERR_INPUT, path, lineno, cols[1], "replication "
				"'%s' is not a whole number in 0..%d", fields[1],
				DIFF_MAX_REP - 1);
			goto out;
		}
		row->usable = !strcmp(fields[2], "done") ||
			      !strcmp(fields[2], "capped");
		for (size_t i = 0; i < r->ncols; i++) {
			row->v[i] = NAN;
			if (i < 5)
				continue;   /* the leading columns */
			double x = strtod(fields[i], &end);
			if (*end || end == fields[i]) {
				err_set(e, ERR_INPUT, path, lineno, cols[i], "%s '%s' "
					"is not a number", r->cols[i], fields[i]);
				goto out;
			}
			row->v[i] = x;
		}
	}
	if (ferror(f)) {
		err_set(e, ERR_INPUT, path, 0, 0, "cannot read: %s", strerror(errno));
		goto out;
	}
	if (lineno == 0) {
		err_set(e, ERR_INPUT, path, 0, 0, "empty file");
		goto out;
	}
	rc = 0;
	goto out;
nomem:
	err_set(e, ERR_RUNTIME, path, 0, 0, "out of memory");
out:
	free(line);
	free(fields);
	free(cols);
	fclose(f);
	return rc;
}

/* A positioned "not bpfsim's summary" error at node n. */
static int bad_node(const struct ynode *n, struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad_node(const struct ynode *n, struct err *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err_vset(e, ERR_INPUT, n->file, n->line, n->col, fmt, ap);
	va_end(ap);
	return -1;
}

/* summary.json and manifest.json of one folder. */
static int side_load(struct side *s, struct err *e)
{
	struct stat st;
	if (stat(s->dir, &st))
		return err_set(e, ERR_INPUT, s->dir, 0, 0, "cannot read: %s",
			       strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return err_set(e, ERR_INPUT, s->dir, 0, 0, "not a folder (bpfsim "
			       "diff compares two output folders)");
	int got = outdir_json_load(s->dir, OUTDIR_SUMMARY_JSON, &s->sum, e);
	if (got == 0)
		return err_set(e, ERR_INPUT, s->dir, 0, 0, "no " OUTDIR_SUMMARY_JSON
			       ": not the output folder of a finished bpfsim run "
			       "or compare");
	if (got < 0) {
		e->status = ERR_INPUT;   /* an OS read error too: bad input here */
		return -1;
	}
	s->root = ytree_root(s->sum);
	if (ynode_peek(s->root, OUTDIR_KEY_POINTS))
		return bad_node(s->root, e, "a sweep's or phase diagram's "
				"summary (it has \"%s\"): bpfsim diff compares "
				"run and compare folders", OUTDIR_KEY_POINTS);
	s->model = outdir_json_str(s->root, OUTDIR_KEY_MODEL);
	s->scenario = outdir_json_str(s->root, OUTDIR_KEY_SCENARIO);
	const struct ynode *st_list = ynode_peek(s->root, OUTDIR_KEY_STRATEGIES);
	if (!s->model || !st_list || st_list->kind != YN_SEQ)
		return bad_node(s->root, e, "not bpfsim's %s: no \"model\" or "
				"\"strategies\"", OUTDIR_SUMMARY_JSON);
	for (size_t i = 0; i < st_list->n; i++) {
		const struct ynode *it = st_list->items[i];
		const struct ynode *m = ynode_peek(it, OUTDIR_KEY_METRICS);
		if (!outdir_json_str(it, OUTDIR_KEY_STRATEGY) || !m ||
		    m->kind != YN_MAP)
			return bad_node(it, e, "%s: a strategy needs \"strategy\" "
					"and a \"metrics\" object", OUTDIR_SUMMARY_JSON);
	}
	if (outdir_json_load(s->dir, OUTDIR_MANIFEST_JSON, &s->man, e) < 0) {
		e->status = ERR_INPUT;
		return -1;
	}
	return 0;
}

/* Read a metric summary object; -1 with e set when it is not one. */
static int msum_read(const struct ynode *n, const char *metric,
		     struct msum *m, struct err *e)
{
	static const char *const keys[] = { OUTDIR_KEY_N, OUTDIR_KEY_MEAN,
		OUTDIR_KEY_SD, OUTDIR_KEY_CI_LOW, OUTDIR_KEY_CI_HIGH };
	double v[5];
	if (n->kind != YN_MAP)
		return bad_node(n, e, "metric '%s' is not a summary object", metric);
	for (int k = 0; k < 5; k++) {
		const struct ynode *x = ynode_peek(n, keys[k]);
		if (!x || x->kind != YN_SCALAR)
			return err_set(e, ERR_INPUT, n->file, n->line, n->col,
				       "metric '%s' has no \"%s\"", metric, keys[k]);
		v[k] = outdir_json_num(n, keys[k]);
		if (isnan(v[k]) && (x->quoted || strcmp(x->value, "null")))
			return err_set(e, ERR_INPUT, x->file, x->line, x->col,
				       "metric '%s': \"%s\" is not a number or "
				       "null", metric, keys[k]);
	}
	if (!(v[0] >= 0 && v[0] <= 1e12 && v[0] == floor(v[0])))
		return err_set(e, ERR_INPUT, n->file, n->line, n->col, "metric "
			       "'%s': \"n\" is not a count", metric);
	m->n = (size_t)v[0];
	m->mean = v[1];
	m->sd = v[2];
	m->ci_low = v[3];
	m->ci_high = v[4];
	return 0;
}

/* ---- comparing -------------------------------------------------------- */

/* The manifests say replication r of each folder used the same random
 * numbers: same resolved scenario (its hash covers seed and replication
 * count too) and same seed. */
static int same_experiment(const struct side *a, const struct side *b)
{
	if (!a->man || !b->man)
		return 0;
	const struct ynode *ra = ytree_root(a->man), *rb = ytree_root(b->man);
	const char *ha = outdir_json_str(ra, OUTDIR_KEY_SCENARIO_HASH);
	const char *hb = outdir_json_str(rb, OUTDIR_KEY_SCENARIO_HASH);
	const char *sa = outdir_json_str(ra, OUTDIR_KEY_SEED);
	const char *sb = outdir_json_str(rb, OUTDIR_KEY_SEED);
	return ha && hb && sa && sb && !strcmp(ha, hb) && !strcmp(sa, sb);
}

static const char *metric_unit(const struct model *m, const char *name)
{
	const struct model_metric *mm = model_metric_find(m, name);
	return mm && mm->unit ? mm->unit : "";
}

static long reps_col(const struct reps *r, const char *name)
{
	for (size_t i = 5; i < r->ncols; i++)
		if (!strcmp(r->cols[i], name))
			return (long)i;
	return -1;
}

/* Per replication index, the row of `strategy` in r (-1: none), in an
 * array sized by the largest index seen (*size entries, below
 * DIFF_MAX_REP).  NULL when out of memory. */
static long *rep_index(const struct reps *r, const char *strategy, long *size)
{
	long max = -1;
	for (size_t i = 0; i < r->nrows; i++)
		if (!strcmp(r->rows[i].strategy, strategy) && r->rows[i].rep > max)
			max = r->rows[i].rep;
	*size = max + 1;
	long *idx = malloc((size_t)(max + 1 > 0 ? max + 1 : 1) * sizeof(*idx));
	if (!idx)
		return NULL;
	for (long k = 0; k <= max; k++)
		idx[k] = -1;
	for (size_t i = 0; i < r->nrows; i++)
		if (!strcmp(r->rows[i].strategy, strategy))
			idx[r->rows[i].rep] = (long)i;   /* a repeat: the later row */
	return idx;
}

static struct row *add_row(struct diff *d)
{
	if (d->nrows == d->cap) {
		size_t nc = d->cap ? 2 * d->cap : 64;
		struct row *nr = realloc(d->rows, nc * sizeof(*nr));
		if (!nr)
			return NULL;
		d->rows = nr;
		d->cap = nc;
	}
	struct row *r = &d->rows[d->nrows++];
	memset(r, 0, sizeof(*r));
	r->p_holm = NAN;
	return r;
}

/* Test one metric: the paired differences from the replication rows
 * (ia/ib: rows by replication index), or Welch from the summaries. */
static void test_row(struct diff *d, struct row *r, long ca, long cb,
		    const long *ia, long na, const long *ib, long nb,
		    double *buf)
{
	if ((r->old.n == 0) != (r->new.n == 0)) {
		r->kind = ROW_PRESENCE;   /* values on one side only */
		return;
	}
	if (d->paired && ca >= 0 && cb >= 0) {
		size_t k = 0;
		for (long i = 0; i < na && i < nb; i++) {
			if (ia[i] < 0 || ib[i] < 0)
				continue;
			const struct rep_row *x = &d->a.reps.rows[ia[i]];
			const struct rep_row *y = &d->b.reps.rows[ib[i]];
			if (!x->usable || !y->usable || !isfinite(x->v[ca]) ||
			    !isfinite(y->v[cb]))
				continue;
			buf[k++] = y->v[cb] - x->v[ca];
		}
		r->npairs = k;
		r->paired = 1;
		r->kind = ttest_paired(buf, k, d->alpha, &r->t) ? ROW_NONE
			  : r->t.exact ? ROW_EXACT : ROW_TEST;
		return;
	}
	r->kind = ttest_welch(r->old.n, r->old.mean, r->old.sd, r->new.n,
			      r->new.mean, r->new.sd, d->alpha, &r->t)
		  ? ROW_NONE : r->t.exact ? ROW_EXACT : ROW_TEST;
}

static int diff_compare(struct diff *d, struct err *e)
{
	const struct model *model = model_find(d->b.model);
	const struct ynode *la = ynode_peek(d->a.root, OUTDIR_KEY_STRATEGIES);
	double *buf = NULL;
	long *ia = NULL, *ib = NULL;
	int rc = -1;
	size_t maxrows = d->a.reps.nrows > d->b.reps.nrows ? d->a.reps.nrows
							  : d->b.reps.nrows;
	buf = malloc((maxrows + 1) * sizeof(*buf));
	if (!buf)
		goto nomem;
	size_t common = 0;
	for (size_t s = 0; s < la->n; s++) {
		const char *name = outdir_json_str(la->items[s], OUTDIR_KEY_STRATEGY);
		const struct ynode *sb = outdir_json_strategy(d->b.root, name);
		if (!sb) {
			fprintf(stderr, "bpfsim diff: strategy %s is only in %s\n",
				name, d->a.dir);
			continue;
		}
		common++;
		const struct ynode *ma = ynode_peek(la->items[s], OUTDIR_KEY_METRICS);
		const struct ynode *mb = ynode_peek(sb, OUTDIR_KEY_METRICS);
		long na = 0, nb = 0;
		free(ia);
		free(ib);
		ia = ib = NULL;
		if (d->paired && (!(ia = rep_index(&d->a.reps, name, &na)) ||
				  !(ib = rep_index(&d->b.reps, name, &nb))))
			goto nomem;
		for (size_t m = 0; m < ma->n; m++) {
			const char *metric = ma->keys[m]->value;
			const struct ynode *xb = ynode_peek(mb, metric);
			if (!xb) {
				fprintf(stderr, "bpfsim diff: %s %s is only in %s\n",
					name, metric, d->a.dir);
				continue;
			}
			struct row *r = add_row(d);
			if (!r)
				goto nomem;
			r->strategy = name;
			r->metric = metric;
			r->unit = metric_unit(model, metric);
			if (msum_read(ma->items[m], metric, &r->old, e) ||
			    msum_read(xb, metric, &r->new, e))
				goto out;
			long ca = d->paired ? reps_col(&d->a.reps, metric) : -1;
			long cb = d->paired ? reps_col(&d->b.reps, metric) : -1;
			if (d->paired && (ca < 0 || cb < 0) && s == 0)
				fprintf(stderr, "bpfsim diff: %s/" OUTDIR_REPLICATIONS_CSV
					" has no column %s: compared by Welch's test\n",
					ca < 0 ? d->a.dir : d->b.dir, metric);
			test_row(d, r, ca, cb, ia, na, ib, nb, buf);
		}
		for (size_t m = 0; m < mb->n; m++)
			if (!ynode_peek(ma, mb->keys[m]->value))
				fprintf(stderr, "bpfsim diff: %s %s is only in %s\n",
					name, mb->keys[m]->value, d->b.dir);
	}
	const struct ynode *lb = ynode_peek(d->b.root, OUTDIR_KEY_STRATEGIES);
	for (size_t s = 0; s < lb->n; s++) {
		const char *name = outdir_json_str(lb->items[s], OUTDIR_KEY_STRATEGY);
		if (!outdir_json_strategy(d->a.root, name))
			fprintf(stderr, "bpfsim diff: strategy %s is only in %s\n",
				name, d->b.dir);
	}
	if (!common) {
		err_set(e, ERR_INPUT, d->b.dir, 0, 0, "no strategy in common with "
			"%s: nothing to compare", d->a.dir);
		goto out;
	}
	/* The family: every real test, and every exact difference that is
	 * not zero (p = 0); Holm over it. */
	free(buf);
	double *p = buf = malloc((d->nrows + 1) * sizeof(*p));
	size_t k = 0;
	if (!p)
		goto nomem;
	for (size_t i = 0; i < d->nrows; i++) {
		struct row *r = &d->rows[i];
		r->in_family = r->kind == ROW_TEST ||
			       (r->kind == ROW_EXACT && r->t.diff != 0);
		if (r->in_family)
			p[k++] = r->t.p;
		d->nidentical += r->kind == ROW_EXACT && r->t.diff == 0;
		d->nnone += r->kind == ROW_NONE;
	}
	d->nfamily = k;
	if (ttest_holm(p, k, p))
		goto nomem;
	k = 0;
	for (size_t i = 0; i < d->nrows; i++) {
		struct row *r = &d->rows[i];
		if (r->in_family) {
			r->p_holm = p[k++];
			r->changed = r->p_holm <= d->alpha;
		}
		r->changed |= r->kind == ROW_PRESENCE;
		d->nchanged += r->changed;
	}
	rc = 0;
	goto out;
nomem:
	err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
out:
	free(buf);
	free(ia);
	free(ib);
	return rc;
}

/* ---- printing --------------------------------------------------------- */

static const char *kind_name(const struct row *r)
{
	switch (r->kind) {
	case ROW_TEST: return r->paired ? "paired" : "welch";
	case ROW_EXACT: return "exact";
	case ROW_PRESENCE: return "presence";
	case ROW_NONE: break;
	}
	return "none";
}

static void json_msum(FILE *f, const struct msum *m)
{
	fprintf(f, "{\"" OUTDIR_KEY_N "\": %zu, \"" OUTDIR_KEY_MEAN "\": ", m->n);
	out_num(f, m->mean, "null");
	fputs(", \"" OUTDIR_KEY_SD "\": ", f);
	out_num(f, m->sd, "null");
	fputs(", \"" OUTDIR_KEY_CI_LOW "\": ", f);
	out_num(f, m->ci_low, "null");
	fputs(", \"" OUTDIR_KEY_CI_HIGH "\": ", f);
	out_num(f, m->ci_high, "null");
	fputc('}', f);
}

/* The test's numbers, or NAN where the row has none. */
static void row_nums(const struct row *r, double v[6])
{
	int t = r->kind == ROW_TEST || r->kind == ROW_EXACT;
	v[0] = t ? r->t.diff : NAN;
	v[1] = t ? r->t.ci_low : NAN;
	v[2] = t ? r->t.ci_high : NAN;
	v[3] = r->kind == ROW_TEST ? r->t.df : NAN;
	v[4] = t ? r->t.p : r->kind == ROW_PRESENCE ? 0 : NAN;
	v[5] = r->p_holm;
}

static void print_json(const struct diff *d, FILE *f)
{
	fputs("{\n  \"old\": ", f);
	out_json_string(f, d->a.dir);
	fputs(",\n  \"new\": ", f);
	out_json_string(f, d->b.dir);
	fputs(",\n  \"" OUTDIR_KEY_MODEL "\": ", f);
	out_json_string(f, d->b.model);
	fprintf(f, ",\n  \"test\": \"%s\",\n  \"alpha\": ", d->paired ? "paired"
								 : "welch");
	fprintf(f, "%.15g", d->alpha);
	fprintf(f, ",\n  \"correction\": \"holm\",\n  \"tests\": %zu,\n"
		"  \"changed\": %zu,\n  \"rows\": [", d->nfamily, d->nchanged);
	for (size_t i = 0; i < d->nrows; i++) {
		const struct row *r = &d->rows[i];
		static const char *const names[6] = { "difference", "ci_low",
			"ci_high", "df", "p", "p_holm" };
		double v[6];
		row_nums(r, v);
		fputs(i ? ",\n    {" : "\n    {", f);
		fputs("\"" OUTDIR_KEY_STRATEGY "\": ", f);
		out_json_string(f, r->strategy);
		fputs(", \"" OUTDIR_KEY_METRIC "\": ", f);
		out_json_string(f, r->metric);
		fputs(", \"unit\": ", f);
		out_json_string(f, r->unit);
		fputs(", \"old\": ", f);
		json_msum(f, &r->old);
		fputs(", \"new\": ", f);
		json_msum(f, &r->new);
		fprintf(f, ", \"test\": \"%s\"", kind_name(r));
		if (r->paired)
			fprintf(f, ", \"pairs\": %zu", r->npairs);
		for (int k = 0; k < 6; k++) {
			fprintf(f, ", \"%s\": ", names[k]);
			out_num(f, v[k], "null");
		}
		fprintf(f, ", \"changed\": %s}", r->changed ? "true" : "false");
	}
	fputs(d->nrows ? "\n  ]\n}\n" : "]\n}\n", f);
}

static void print_csv(const struct diff *d, FILE *f)
{
	fputs(OUTDIR_COL_STRATEGY "," OUTDIR_COL_METRIC "," OUTDIR_COL_UNIT
	      ",old_n,old_mean,old_sd,new_n,new_mean,new_sd,test,difference,"
	      "ci_low,ci_high,df,p,p_holm,changed\n", f);
	for (size_t i = 0; i < d->nrows; i++) {
		const struct row *r = &d->rows[i];
		double v[6];
		row_nums(r, v);
		out_csv_field(f, r->strategy);
		fputc(',', f);
		out_csv_field(f, r->metric);
		fputc(',', f);
		out_csv_field(f, r->unit);
		fprintf(f, ",%zu", r->old.n);
		out_csv_nums(f, (double[]){ r->old.mean, r->old.sd }, 2);
		fprintf(f, ",%zu", r->new.n);
		out_csv_nums(f, (double[]){ r->new.mean, r->new.sd }, 2);
		fprintf(f, ",%s", kind_name(r));
		out_csv_nums(f, v, 6);
		fprintf(f, ",%d\n", r->changed);
	}
}

/* A p value for people: "<1e-300" below what doubles hold, else 2 digits. */
static void fmt_p(double p, char *buf, size_t size)
{
	if (!isfinite(p))
		snprintf(buf, size, "-");
	else if (p == 0)
		snprintf(buf, size, "0");
	else
		snprintf(buf, size, "%.2g", p);
}

static void print_text(const struct diff *d, FILE *f)
{
	fprintf(f, "%s -> %s: model %s, scenario %s\n", d->a.dir, d->b.dir,
		d->b.model, d->b.scenario ? d->b.scenario : "?");
	if (d->paired)
		fprintf(f, "test: paired t on the replications' differences (same "
			"scenario and seed: common random numbers)\n");
	else
		fprintf(f, "test: Welch's t (independent runs: %s)\n",
			!d->a.man || !d->b.man ? "no manifest.json to pair them by"
			: same_experiment(&d->a, &d->b) ? "no replications.csv to "
			"pair them by" : "the manifests name another resolved "
			"scenario or seed");
	fprintf(f, "alpha %g, Holm-corrected over %zu test%s", d->alpha,
		d->nfamily, d->nfamily == 1 ? "" : "s");
	if (d->nidentical || d->nnone)
		fprintf(f, " (%zu more identical, %zu without a test)",
			d->nidentical, d->nnone);
	fputc('\n', f);
	if (!d->nchanged) {
		fprintf(f, "no change beyond noise\n");
		return;
	}
	fprintf(f, "changed beyond noise: %zu\n\n", d->nchanged);
	fprintf(f, "%-14s %-30s %-6s %12s %12s %12s  %-27s %8s %8s\n", "strategy",
		"metric", "unit", "old", "new", "new - old",
		"CI of the difference", "p", "p (Holm)");
	for (size_t i = 0; i < d->nrows; i++) {
		const struct row *r = &d->rows[i];
		if (!r->changed)
			continue;
		double v[6];
		row_nums(r, v);
		struct human_scale s;
		double big = fmax(fabs(r->old.mean), fabs(r->new.mean));
		human_scale(r->unit, isfinite(big) ? big : isfinite(r->old.mean)
			    ? r->old.mean : r->new.mean, &s);
		char o[32], n[32], df[32], lo[32], hi[32], ci[80], p[32], ph[32];
		human_num(r->old.mean, &s, 5, o, sizeof(o));
		human_num(r->new.mean, &s, 5, n, sizeof(n));
		human_num(v[0], &s, 4, df, sizeof(df));
		if (isfinite(v[1]))
			snprintf(ci, sizeof(ci), "[%s, %s]",
				 human_num(v[1], &s, 4, lo, sizeof(lo)),
				 human_num(v[2], &s, 4, hi, sizeof(hi)));
		else
			snprintf(ci, sizeof(ci), "%s", r->kind == ROW_PRESENCE
				 ? "(values on one side only)" : "-");
		fmt_p(v[4], p, sizeof(p));
		fmt_p(v[5], ph, sizeof(ph));
		fprintf(f, "%-14s %-30s %-6s %12s %12s %12s  %-27s %8s %8s\n",
			r->strategy, r->metric, s.unit, o, n, df, ci, p, ph);
	}
	fprintf(f, "\nCI: %g%% interval of new - old, per metric; p (Holm): "
		"the p value adjusted for the %zu tests; changed: p (Holm) <= "
		"%g.\n", 100 * (1 - d->alpha), d->nfamily, d->alpha);
}

/* ---- the command ------------------------------------------------------ */

static int cmd_diff(int argc, char **argv)
{
	struct cli_opts o;
	struct err e;
	struct diff d = { 0 };
	int rc = cli_parse(&cli_cmd_diff, argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (o.ndirs != 2) {
		fprintf(stderr, "bpfsim diff: expected two folders, OLD and NEW "
			"(got %d)\n", o.ndirs);
		return 2;
	}
	err_init(&e);
	d.alpha = o.alpha > 0 ? o.alpha : DIFF_ALPHA;
	d.a.dir = o.dirs[0];
	d.b.dir = o.dirs[1];
	if (side_load(&d.a, &e) || side_load(&d.b, &e))
		goto fail;
	if (strcmp(d.a.model, d.b.model)) {
		const struct ynode *n = ynode_peek(d.b.root, OUTDIR_KEY_MODEL);
		err_set(&e, ERR_INPUT, n->file, n->line, n->col, "model '%s', but "
			"%s's is '%s': runs of different models cannot be compared",
			d.b.model, d.a.dir, d.a.model);
		goto fail;
	}
	d.paired = same_experiment(&d.a, &d.b);
	/* Pairing needs every replication: a folder whose replications.csv
	 * is gone (kept small by hand) falls back to Welch's test, saying so. */
	for (int k = 0; d.paired && k < 2; k++) {
		char path[4200];
		struct stat st;
		snprintf(path, sizeof(path), "%s/" OUTDIR_REPLICATIONS_CSV,
			 k ? d.b.dir : d.a.dir);
		if (stat(path, &st) && errno == ENOENT) {
			fprintf(stderr, "bpfsim diff: %s: absent: the runs share their "
				"random numbers, but are compared as independent "
				"(Welch)\n", path);
			d.paired = 0;
		}
	}
	if (d.paired && (reps_load(d.a.dir, &d.a.reps, &e) ||
			 reps_load(d.b.dir, &d.b.reps, &e)))
		goto fail;   /* reps_load's errors are ERR_INPUT or no memory */
	if (diff_compare(&d, &e))
		goto fail;
	if (!strcmp(o.format, "json"))
		print_json(&d, stdout);
	else if (!strcmp(o.format, "csv"))
		print_csv(&d, stdout);
	else
		print_text(&d, stdout);
	rc = d.nchanged ? 1 : 0;
	/* A report that did not reach stdout is no answer: 2, not 0 or 1
	 * (main says why). */
	if (fflush(stdout) || ferror(stdout))
		rc = 2;
	goto out;
fail:
	err_print(&e);
	rc = 2;
out:
	free(d.rows);
	side_free(&d.a);
	side_free(&d.b);
	return rc;
}

const struct cli_cmd cli_cmd_diff = {
	"diff", cmd_diff, "what changed between two output folders, beyond noise",
	"usage: bpfsim diff OLD NEW [--alpha A] [--format text|json|csv]\n\n"
	"Compares the output folders OLD and NEW of bpfsim run or compare\n"
	"(summary.json, manifest.json, replications.csv) metric by metric, for\n"
	"every strategy both hold, and prints what changed beyond noise: old\n"
	"and new mean, the difference new - old with its confidence interval,\n"
	"p and Holm's adjusted p.  When both manifests name the same resolved\n"
	"scenario and seed, replication r of each ran on the same random\n"
	"numbers and the test is paired (Student t on the per-replication\n"
	"differences); otherwise it is Welch's t on the two summaries.  The\n"
	"tests are one family, corrected with Holm's method: the chance of\n"
	"calling anything changed when nothing did is at most alpha.  An exact\n"
	"difference (no spread) needs no test: identical metrics are left out,\n"
	"different ones are changed; so is a metric with values on one side\n"
	"only.  text lists the changed metrics in human units; json and csv\n"
	"list every metric compared, exact values.\n",
	"  --alpha A         family-wise significance level, in (0, 1) (default\n"
	"                    0.05); the interval shown is at 1 - A\n",
	CLI_OPT(CLI_ALPHA) | CLI_OPT(CLI_FORMAT), CLI_ARGS_DIRS,
	"Exit status: 0 nothing changed beyond noise, 1 something did, 2 bad\n"
	"input (an unreadable folder or file, a summary that is not bpfsim's,\n"
	"folders of different models, a sweep folder) with one message and\n"
	"nothing on stdout.\n",
};
