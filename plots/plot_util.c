/* plot_util.c - helpers of the figure preparers: folder metadata, CSV
 * tables, gnuplot parameters, display units, metric choice.
 *
 * The CSV reader is for bpfsim's own files: a header line, one record a
 * line, cells optionally quoted ("normal(1us, 100ns)", "" for a quote) but
 * never holding a newline.  It reads the whole file; series.csv of a long run
 * is the largest input (~100 bytes a window and strategy).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/registry.h"
#include "plots/plot_fig.h"
#include "sim/dist.h"
#include "sim/outdir.h"
#include "sim/units.h"

/* ---- folder ------------------------------------------------------------ */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (n + 1 < cap)
			break;
		char *nb = realloc(buf, cap * 2);
		if (!nb) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = nb;
		cap *= 2;
	}
	int bad = ferror(f);
	fclose(f);
	if (!buf || bad) {
		free(buf);
		errno = bad ? EIO : ENOMEM;
		return NULL;
	}
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

int plot_ctx_load(struct plot_ctx *c, const char *dir, struct err *e)
{
	char path[4096];
	memset(c, 0, sizeof(*c));
	c->dir = dir;
	int rc = outdir_json_load(dir, OUTDIR_SUMMARY_JSON, &c->summary, e);
	if (rc < 0)
		return -1;
	c->kind = !c->summary ? PLOT_NONE
		: ynode_peek(ytree_root(c->summary), OUTDIR_KEY_AXES) ? PLOT_SWEEP
								      : PLOT_RUN;
	snprintf(path, sizeof(path), "%s/" OUTDIR_RESOLVED_YAML, dir);
	if (access(path, F_OK))
		return 0;
	struct err sub;
	err_init(&sub);
	c->resolved = ytree_load_file(path, &sub);
	if (c->resolved) {
		struct ynode *n = ytree_find(c->resolved, "model");
		if (n && n->kind == YN_SCALAR)
			c->model = model_find(n->value);
		n = ytree_find(c->resolved, "name");
		if (n && n->kind == YN_SCALAR)
			snprintf(c->scenario, sizeof(c->scenario), "%s", n->value);
	}
	return 0;
}

void plot_ctx_fini(struct plot_ctx *c)
{
	ytree_free(c->resolved);
	ytree_free(c->summary);
	memset(c, 0, sizeof(*c));
}

/* ---- script parameters ------------------------------------------------- */

void plot_vars_fini(struct plot_vars *v)
{
	free(v->buf);
	memset(v, 0, sizeof(*v));
}

static void vars_put(struct plot_vars *v, const char *s, size_t n)
{
	if (v->oom)
		return;
	if (v->len + n + 1 > v->cap) {
		size_t cap = v->cap ? v->cap : 1024;
		while (v->len + n + 1 > cap)
			cap *= 2;
		char *b = realloc(v->buf, cap);
		if (!b) {
			v->oom = 1;
			return;
		}
		v->buf = b;
		v->cap = cap;
	}
	memcpy(v->buf + v->len, s, n);
	v->len += n;
	v->buf[v->len] = 0;
}

static void vars_printf(struct plot_vars *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void vars_printf(struct plot_vars *v, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		vars_put(v, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* 'text' with ' doubled and control characters dropped. */
static void vars_quoted(struct plot_vars *v, const char *s)
{
	vars_put(v, "'", 1);
	for (; *s; s++) {
		if (*s == '\'')
			vars_put(v, "''", 2);
		else if ((unsigned char)*s >= ' ')
			vars_put(v, s, 1);
	}
	vars_put(v, "'", 1);
}

/* A parameter is a default: `if (!exists("n")) n = ...`. */
static void vars_head(struct plot_vars *v, const char *name)
{
	vars_printf(v, "if (!exists(\"%s\")) ", name);
}

void plot_var_str(struct plot_vars *v, const char *name, const char *value)
{
	vars_head(v, name);
	vars_printf(v, "%s = ", name);
	vars_quoted(v, value);
	vars_put(v, "\n", 1);
}

static void vars_num(struct plot_vars *v, double x)
{
	if (isfinite(x))
		vars_printf(v, "%.9g", x);
	else
		vars_put(v, "NaN", 3);
}

void plot_var_num(struct plot_vars *v, const char *name, double value)
{
	vars_head(v, name);
	vars_printf(v, "%s = ", name);
	vars_num(v, value);
	vars_put(v, "\n", 1);
}

/* `array NAME[n] = [item, ...]`, each item written by put(v, values, i). */
static void vars_array(struct plot_vars *v, const char *name, size_t n,
		       void (*put)(struct plot_vars *v, const void *values,
				   size_t i), const void *values)
{
	if (n == 0)
		return;    /* gnuplot has no empty arrays */
	vars_head(v, name);
	vars_printf(v, "array %s[%zu]", name, n);
	vars_put(v, " = [", 4);
	for (size_t i = 0; i < n; i++) {
		if (i)
			vars_put(v, ", ", 2);
		put(v, values, i);
	}
	vars_put(v, "]\n", 2);
}

static void put_str(struct plot_vars *v, const void *values, size_t i)
{
	vars_quoted(v, ((const char *const *)values)[i]);
}

static void put_num(struct plot_vars *v, const void *values, size_t i)
{
	vars_num(v, ((const double *)values)[i]);
}

void plot_var_strs(struct plot_vars *v, const char *name,
		   const char *const *values, size_t n)
{
	vars_array(v, name, n, put_str, values);
}

void plot_var_nums(struct plot_vars *v, const char *name, const double *values,
		   size_t n)
{
	vars_array(v, name, n, put_num, values);
}

/* ---- CSV --------------------------------------------------------------- */

/* Cut line s into cells in place, storing up to max of them; returns how
 * many there are.  A cell may be quoted ("a, b" with "" for a quote, as in
 * RFC 4180), so that scenario text with commas survives. */
static size_t csv_split(char *s, char **cell, size_t max)
{
	size_t n = 0;
	for (;;) {
		char *start = s, *w = s;
		if (*s == '"') {
			for (s++; *s; ) {
				if (*s == '"' && s[1] != '"') {
					s++;
					break;
				}
				if (*s == '"')
					s++;       /* "" is one quote */
				*w++ = *s++;
			}
		}
		while (*s && *s != ',')
			*w++ = *s++;
		char sep = *s;
		*w = 0;
		if (n < max)
			cell[n] = start;
		n++;
		if (sep != ',')
			return n;
		s++;
	}
}

int plot_csv_read(struct plot_csv *t, const char *dir, const char *name,
		  struct err *e)
{
	char path[4096];
	memset(t, 0, sizeof(*t));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	size_t len;
	t->text = slurp(path, &len);
	if (!t->text) {
		if (errno == ENOENT)
			return 0;
		err_set(e, ERR_RUNTIME, path, 0, 0, "cannot read: %s",
			strerror(errno));
		return -1;
	}
	size_t lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += t->text[i] == '\n';
	if (len && t->text[len - 1] != '\n')
		lines++;
	if (lines == 0) {
		plot_csv_free(t);
		err_set(e, ERR_INPUT, path, 1, 1, "empty file");
		return -1;
	}
	/* Header: count its columns. */
	t->ncols = 1;
	int quoted = 0;
	for (const char *p = t->text; *p && *p != '\n'; p++) {
		quoted ^= *p == '"';
		t->ncols += *p == ',' && !quoted;
	}
	t->cell = malloc(lines * t->ncols * sizeof(char *));
	if (!t->cell) {
		plot_csv_free(t);
		err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		return -1;
	}
	char *p = t->text;
	size_t row = 0;
	int lineno = 0;
	while (*p) {
		lineno++;
		char *eol = strchr(p, '\n');
		char *next = eol ? eol + 1 : p + strlen(p);
		if (eol)
			*eol = 0;
		if (eol && eol > p && eol[-1] == '\r')
			eol[-1] = 0;
		if (*p) {        /* blank lines are skipped */
			size_t c = csv_split(p, &t->cell[row * t->ncols], t->ncols);
			if (c != t->ncols) {
				err_set(e, ERR_INPUT, path, lineno, 1,
					"%zu cells, the header has %zu", c, t->ncols);
				plot_csv_free(t);
				return -1;
			}
			row++;
		}
		p = next;
	}
	t->nrows = row ? row - 1 : 0;
	return 1;
}

void plot_csv_free(struct plot_csv *t)
{
	free(t->text);
	free(t->cell);
	memset(t, 0, sizeof(*t));
}

/* Index of s among a[0..n), or -1. */
static long str_index(const char *const *a, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(a[i], s))
			return (long)i;
	return -1;
}

int plot_csv_col(const struct plot_csv *t, const char *name)
{
	return (int)str_index((const char *const *)t->cell, t->ncols, name);
}

size_t plot_csv_distinct(const struct plot_csv *t, int col, const char **out,
			 size_t *first, size_t max)
{
	size_t n = 0;
	for (size_t r = 0; r < t->nrows; r++) {
		const char *s = plot_csv_str(t, r, col);
		if (n < max && str_index(out, n, s) < 0) {
			if (first)
				first[n] = r;
			out[n++] = s;
		}
	}
	return n;
}

const char *plot_csv_str(const struct plot_csv *t, size_t r, int c)
{
	if (c < 0 || (size_t)c >= t->ncols || r >= t->nrows)
		return "";
	return t->cell[(r + 1) * t->ncols + (size_t)c];
}

double plot_csv_num(const struct plot_csv *t, size_t r, int c)
{
	const char *s = plot_csv_str(t, r, c);
	char *end;
	double v = strtod(s, &end);
	return end == s || *end ? NAN : v;
}

/* ---- values ------------------------------------------------------------ */

void plot_unit_pick(const char *unit, double maxabs, struct plot_unit *u)
{
	u->scale = 1;
	if (!strcmp(unit, "ns")) {
		static const struct { double lim, scale; const char *name; } t[] = {
			{ 1e3, 1, "ns" }, { 1e6, 1e-3, "µs" }, { 1e9, 1e-6, "ms" },
			{ INFINITY, 1e-9, "s" },
		};
		size_t i = 0;
		while (isfinite(maxabs) && !(maxabs < t[i].lim))
			i++;
		u->scale = t[i].scale;
		snprintf(u->label, sizeof(u->label), "%s", t[i].name);
	} else if (!strcmp(unit, "ratio")) {
		u->scale = 100;
		snprintf(u->label, sizeof(u->label), "%%");
	} else if (!strcmp(unit, "1/s")) {
		snprintf(u->label, sizeof(u->label), "per second");
	} else {
		snprintf(u->label, sizeof(u->label), "%s", unit);
	}
}

int plot_axis_number(const char *text, double *v, int *kind)
{
	char why[160];
	size_t len = strlen(text);
	if (len > 2 && !strcmp(text + len - 2, "/s")) {
		*kind = 2;
		return units_parse_rate(text, v, why, sizeof(why)) ? -1 : 0;
	}
	if (!units_parse_number(text, v, why, sizeof(why))) {
		*kind = 0;
		return 0;
	}
	*kind = 1;
	return units_parse_duration(text, v, why, sizeof(why)) ? -1 : 0;
}

int plot_is_geometric(const double *v, size_t n)
{
	if (n < 3 || !(v[0] > 0))
		return 0;
	double lr = log(v[n - 1] / v[0]) / (double)(n - 1);
	double d = (v[n - 1] - v[0]) / (double)(n - 1);
	if (!(lr > 0))
		return 0;
	int geo = 1, arith = 1;
	for (size_t i = 1; i < n; i++) {
		/* 10% of a step: whole-number rounding of small values (1, 3,
		 * 10, 32, 100) stays geometric. */
		if (fabs(log(v[i] / v[i - 1]) - lr) > 0.1 * lr)
			geo = 0;
		if (fabs((v[i] - v[i - 1]) - d) > 0.02 * d)
			arith = 0;
	}
	return geo && !arith;
}

/* Headline rank of metric `name` in model m (0: not a headline, or
 * unknown). */
static int headline_rank(const struct model *m, const char *name)
{
	for (size_t i = 0; m && m->metrics[i].name; i++)
		if (!strcmp(m->metrics[i].name, name))
			return m->metrics[i].headline > 0 ? m->metrics[i].headline : 0;
	return 0;
}

size_t plot_pick_metrics(const struct model *m, const char *const *names,
			 size_t n, int (*usable)(void *ctx, size_t i, int key),
			 void *ctx, size_t *pick, size_t max)
{
	size_t k = 0;
	/* Headline metrics by rank (ties: file order), each once. */
	for (int last = 0; k < max; ) {
		int best = 0;
		for (size_t i = 0; i < n; i++) {
			int r = headline_rank(m, names[i]);
			if (r > last && (!best || r < best))
				best = r;
		}
		if (!best)
			break;
		for (size_t i = 0; i < n && k < max; i++)
			if (headline_rank(m, names[i]) == best && usable(ctx, i, 1))
				pick[k++] = i;
		last = best;
	}
	/* Then the others, in order. */
	for (size_t i = 0; i < n && k < max; i++)
		if (!headline_rank(m, names[i]) && usable(ctx, i, 0))
			pick[k++] = i;
	return k;
}

size_t plot_chosen_metrics(const struct plot_ctx *c, const char *const *names,
			   size_t n, size_t *pick, size_t max, int *together)
{
	*together = 0;
	struct ynode *m = c->resolved ? ytree_find(c->resolved, "plot.metrics")
				      : NULL;
	if (!m || m->kind != YN_SEQ)
		return 0;
	size_t k = 0;
	for (size_t i = 0; i < m->n && k < max; i++) {
		const struct ynode *it = m->items[i];
		for (size_t j = 0; it->kind == YN_SCALAR && j < n; j++)
			if (!strcmp(names[j], it->value)) {
				pick[k++] = j;
				break;
			}
	}
	struct ynode *t = ytree_find(c->resolved, "plot.together");
	*together = k > 1 && t && t->kind == YN_SCALAR &&
		    (!strcmp(t->value, "true") || !strcmp(t->value, "yes") ||
		     !strcmp(t->value, "on"));
	return k;
}

double plot_strategy_colour(const char *name, size_t order)
{
	static const char *const fixed[] = { "hash", "task_storage", "lru_hash" };
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (!strcmp(name, fixed[i]))
			return (double)i + 1;
	if (!strcmp(name, "value"))
		return 1;
	return 4 + (double)(order % 5);
}

const char *plot_metric_unit(const struct model *m, const char *name)
{
	const struct model_metric *mm = model_metric_find(m, name);
	return mm && mm->unit ? mm->unit : "";
}

const char *plot_metric_help(const struct model *m, const char *name)
{
	const struct model_metric *mm = model_metric_find(m, name);
	const char *h = mm ? mm->help : NULL;
	return h && strlen(h) <= 44 ? h : "";
}

int plot_has_file(const struct plot_ctx *c, const char *name)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", c->dir, name);
	return access(path, F_OK) == 0;
}

/* ---- axes of scenario values ------------------------------------------- */

void plot_axis_free(struct plot_axis *a)
{
	free(a->text);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

long plot_axis_find(const struct plot_axis *a, const char *text)
{
	return str_index(a->text, a->n, text);
}

int plot_axis_build(struct plot_axis *a, const char *const *texts, size_t n)
{
	memset(a, 0, sizeof(*a));
	a->unit.scale = 1;
	a->text = malloc((n ? n : 1) * sizeof(*a->text));
	a->v = malloc((n ? n : 1) * sizeof(*a->v));
	if (!a->text || !a->v) {
		plot_axis_free(a);
		return -1;
	}
	for (size_t r = 0; r < n; r++)
		if (plot_axis_find(a, texts[r]) < 0)
			a->text[a->n++] = texts[r];
	/* Numbers of one kind? */
	a->numeric = a->n > 0;
	for (size_t i = 0; i < a->n && a->numeric; i++) {
		int k;
		if (plot_axis_number(a->text[i], &a->v[i], &k) ||
		    (i && k != a->kind) || !isfinite(a->v[i]))
			a->numeric = 0;
		a->kind = k;
	}
	/* Distributions of one kind: their means. */
	if (!a->numeric && a->n > 0) {
		a->numeric = 1;
		for (size_t i = 0; i < a->n && a->numeric; i++) {
			struct err ignore;
			err_init(&ignore);
			struct dist *d = dist_parse_text(a->text[i], DIST_DURATION, "",
							 0, 0, &ignore);
			const char *dn = d ? dist_kind_name(dist_kind(d)) : "";
			if (!d || (i && strcmp(dn, a->dist)))
				a->numeric = 0;
			else
				a->v[i] = dist_mean(d);
			snprintf(a->dist, sizeof(a->dist), "%s", dn);
			dist_free(d);
		}
		a->kind = 1;
		if (!a->numeric)
			a->dist[0] = 0;
	}
	if (!a->numeric) {
		a->kind = 0;
		for (size_t i = 0; i < a->n; i++)
			a->v[i] = (double)i;
		return 0;
	}
	for (size_t i = 1; i < a->n; i++)      /* insertion sort: few values */
		for (size_t j = i; j > 0 && a->v[j - 1] > a->v[j]; j--) {
			double t = a->v[j];
			const char *tt = a->text[j];
			a->v[j] = a->v[j - 1];
			a->text[j] = a->text[j - 1];
			a->v[j - 1] = t;
			a->text[j - 1] = tt;
		}
	a->log = plot_is_geometric(a->v, a->n);
	if (a->kind == 1)
		plot_unit_pick("ns", fmax(fabs(a->v[0]), fabs(a->v[a->n - 1])),
			       &a->unit);
	else if (a->kind == 2)
		plot_unit_pick("1/s", 0, &a->unit);
	return 0;
}

double plot_axis_display(const struct plot_axis *a, size_t i)
{
	return a->v[i] * (a->numeric ? a->unit.scale : 1);
}

void plot_axis_cell(const struct plot_axis *a, size_t i, double *lo, double *hi)
{
	double x = plot_axis_display(a, i);
	if (a->n < 2) {
		*lo = a->log || (a->numeric && x > 0) ? x / 1.5 : x - 0.5;
		*hi = a->log || (a->numeric && x > 0) ? x * 1.5 : x + 0.5;
		return;
	}
	double prev = i > 0 ? plot_axis_display(a, i - 1) : NAN;
	double next = i + 1 < a->n ? plot_axis_display(a, i + 1) : NAN;
	if (a->log) {
		if (i == 0)
			prev = x * x / next;
		if (i + 1 == a->n)
			next = x * x / prev;
		*lo = sqrt(prev * x);
		*hi = sqrt(x * next);
	} else {
		if (i == 0)
			prev = 2 * x - next;
		if (i + 1 == a->n)
			next = 2 * x - prev;
		*lo = (prev + x) / 2;
		*hi = (x + next) / 2;
	}
}

void plot_axis_label(const struct plot_axis *a, const char *name, char *buf,
		     size_t size)
{
	const char *lg = a->log ? ", log scale" : "";
	if (a->dist[0])
		snprintf(buf, size, "%s: %s mean (%s%s)", name, a->dist,
			 a->unit.label, lg);
	else if (a->numeric && a->unit.label[0])
		snprintf(buf, size, "%s (%s%s)", name, a->unit.label, lg);
	else if (a->log)
		snprintf(buf, size, "%s (log scale)", name);
	else
		snprintf(buf, size, "%s", name);
}

void plot_short_number(double v, char *buf, size_t size)
{
	static const struct { double div; const char *sfx; } si[] = {
		{ 1e9, "G" }, { 1e6, "M" }, { 1e4, "k" },
	};
	for (size_t i = 0; i < 3; i++)
		if (fabs(v) >= si[i].div) {
			double d = si[i].div == 1e4 ? 1e3 : si[i].div;
			snprintf(buf, size, "%.3g%s", v / d, si[i].sfx);
			return;
		}
	snprintf(buf, size, "%.4g", v);
}

void plot_value_short(const char *text, char *buf, size_t size)
{
	double v;
	int kind;
	char num[32];
	if (plot_axis_number(text, &v, &kind) || !isfinite(v)) {
		snprintf(buf, size, "%s", text);
	} else if (kind == 1) {
		struct plot_unit u;
		plot_unit_pick("ns", fabs(v), &u);
		snprintf(buf, size, "%.3g %s", v * u.scale, u.label);
	} else {
		plot_short_number(v, num, sizeof(num));
		snprintf(buf, size, "%s%s", num, kind == 2 ? "/s" : "");
	}
}

size_t plot_lin_tics(double lo, double hi, double *v, char (*label)[16],
		     size_t max)
{
	if (!(hi > lo) || !isfinite(lo) || !isfinite(hi))
		return 0;
	double raw = (hi - lo) / 6, p = pow(10, floor(log10(raw))), step = 10 * p;
	if (raw < 1.5 * p)
		step = p;
	else if (raw < 3.5 * p)
		step = 2 * p;
	else if (raw < 7.5 * p)
		step = 5 * p;
	size_t n = 0;
	for (double x = ceil(lo / step) * step; x <= hi * (1 + 1e-12) && n < max;
	     x += step) {
		v[n] = fabs(x) < step * 1e-9 ? 0 : x;
		plot_short_number(v[n], label[n], sizeof(label[n]));
		n++;
	}
	return n;
}

size_t plot_log_tics(double lo, double hi, double *v, char (*label)[16],
		     size_t max)
{
	size_t n = 0;
	if (!(lo > 0) || !(hi > lo))
		return 0;
	double span = log10(hi / lo);
	static const double m125[] = { 1, 2, 5 }, m1[] = { 1 };
	const double *m = span < 3 ? m125 : m1;
	size_t nm = span < 3 ? 3 : 1;
	int step = span > 8 ? 2 : 1;
	for (int k = (int)floor(log10(lo)) - 1; k <= (int)ceil(log10(hi)) && n < max;
	     k++) {
		if (step > 1 && k % step)
			continue;
		for (size_t j = 0; j < nm && n < max; j++) {
			double x = m[j] * pow(10, k);
			if (x < lo * (1 - 1e-9) || x > hi * (1 + 1e-9))
				continue;
			v[n] = x;
			plot_short_number(x, label[n], sizeof(label[n]));
			n++;
		}
	}
	return n;
}

void plot_data_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++)
		if (*s != '"' && (unsigned char)*s >= ' ')
			fputc(*s, f);
	fputc('"', f);
}

void plot_data_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.9g", v);
	else
		fputs("nan", f);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double plot_percentile(double *v, size_t n, double q)
{
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	double pos = q * (double)(n - 1);
	size_t i = (size_t)pos;
	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (pos - (double)i) * (v[i + 1] - v[i]);
}

void plot_var_tics(struct plot_vars *v, const char *axis, const double *tv,
		   const char *const *labels, size_t n)
{
	char name[32];
	snprintf(name, sizeof(name), "n%st", axis);
	plot_var_num(v, name, (double)n);
	snprintf(name, sizeof(name), "%stv", axis);
	plot_var_nums(v, name, tv, n);
	snprintf(name, sizeof(name), "%stl", axis);
	plot_var_strs(v, name, labels, n);
}

size_t plot_tics(enum plot_tics kind, double lo, double hi, double *tv,
		 char (*tl)[16], const char **labels, size_t max)
{
	size_t n = kind == PLOT_TICS_LOG ? plot_log_tics(lo, hi, tv, tl, max)
		 : kind == PLOT_TICS_LIN ? plot_lin_tics(lo, hi, tv, tl, max) : 0;
	for (size_t i = 0; labels && i < n; i++)
		labels[i] = tl[i];
	return n;
}

void plot_var_range_tics(struct plot_vars *v, const char *axis,
			 enum plot_tics kind, double lo, double hi)
{
	double tv[PLOT_MAX_TICS];
	char tl[PLOT_MAX_TICS][16];
	const char *labels[PLOT_MAX_TICS];
	size_t n = plot_tics(kind, lo, hi, tv, tl, labels, PLOT_MAX_TICS);
	plot_var_tics(v, axis, tv, labels, n);
}

void plot_spread_add(struct plot_spread *s, double v)
{
	if (!isfinite(v))
		return;
	if (s->finite++ && v != s->first)
		s->differ = 1;
	else
		s->first = v;
}
