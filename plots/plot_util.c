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

#include "plot_fig.h"
#include "units.h"

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
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	char *js = slurp(path, NULL);
	if (!js) {
		if (errno != ENOENT) {
			err_set(e, ERR_RUNTIME, path, 0, 0, "cannot read: %s",
				strerror(errno));
			return -1;
		}
		return 0;
	}
	c->kind = strstr(js, "\n  \"axes\":") ? PLOT_SWEEP : PLOT_RUN;
	free(js);
	snprintf(path, sizeof(path), "%s/scenario.resolved.yaml", dir);
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

void plot_var_strs(struct plot_vars *v, const char *name,
		   const char *const *values, size_t n)
{
	if (n == 0)
		return;    /* gnuplot has no empty arrays */
	vars_head(v, name);
	vars_printf(v, "array %s[%zu]", name, n);
	vars_put(v, " = [", 4);
	for (size_t i = 0; i < n; i++) {
		if (i)
			vars_put(v, ", ", 2);
		vars_quoted(v, values[i]);
	}
	vars_put(v, "]\n", 2);
}

void plot_var_nums(struct plot_vars *v, const char *name, const double *values,
		   size_t n)
{
	if (n == 0)
		return;    /* gnuplot has no empty arrays */
	vars_head(v, name);
	vars_printf(v, "array %s[%zu]", name, n);
	vars_put(v, " = [", 4);
	for (size_t i = 0; i < n; i++) {
		if (i)
			vars_put(v, ", ", 2);
		vars_num(v, values[i]);
	}
	vars_put(v, "]\n", 2);
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

int plot_csv_col(const struct plot_csv *t, const char *name)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (!strcmp(t->cell[c], name))
			return (int)c;
	return -1;
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

size_t plot_pick_metrics(const char *const *names, size_t n,
			 int (*usable)(void *ctx, size_t i, int key), void *ctx,
			 size_t *pick, size_t max)
{
	/* The headline metrics of the models, most telling first. */
	static const char *const key[] = {
		"overhead_ratio", "bpf_cpu_share", "wait_mean", "wait_p99",
		"reports", "missed_samples", "false_reports", "failed_updates",
		"utilisation", "queue_length_mean", "system_time_mean", NULL,
	};
	size_t k = 0;
	for (size_t j = 0; key[j] && k < max; j++)
		for (size_t i = 0; i < n; i++)
			if (!strcmp(names[i], key[j]) && usable(ctx, i, 1))
				pick[k++] = i;
	for (size_t i = 0; i < n && k < max; i++) {
		int taken = 0;
		for (size_t j = 0; j < k; j++)
			taken |= pick[j] == i;
		int is_key = 0;
		for (size_t j = 0; key[j]; j++)
			is_key |= !strcmp(names[i], key[j]);
		if (!taken && !is_key && usable(ctx, i, 0))
			pick[k++] = i;
	}
	return k;
}

const char *plot_metric_unit(const struct model *m, const char *name)
{
	int i = m ? model_metric_index(m, name) : -1;
	return i >= 0 && m->metrics[i].unit ? m->metrics[i].unit : "";
}

const char *plot_metric_help(const struct model *m, const char *name)
{
	int i = m ? model_metric_index(m, name) : -1;
	const char *h = i >= 0 ? m->metrics[i].help : NULL;
	return h && strlen(h) <= 44 ? h : "";
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
