/* dist.c - scenario distributions: parsing, validation, GSL sampling, moments.
 *
 * Family-independent: every parametric family is a table (dist_family.h,
 * one file each, listed in dist_registry.c) and this file only reads the
 * tables.  The special forms empirical and mixture (list parameters) are
 * implemented here; they are recognised by their (hook-less) tables.
 *
 * Why one module: every random input of a model (arrival gaps, work demands,
 * probe costs) is written by a person in a scenario, so parsing, checking and
 * explaining mistakes matter as much as sampling.  All sampling is GSL's
 * (gsl_ran_*, gsl_histogram_pdf, gsl_ran_discrete); this file only maps
 * parameters, e.g. lognormal(median, sigma) -> median x exp(sigma Z),
 * normal(mean, sd) -> mean + gsl_ran_gaussian_ziggurat(sd).
 *
 * Invariants: a struct dist is immutable once built and every one that exists
 * has valid parameters (the parser and dist_new() share check_params()), so
 * sampling never fails.  Mixture components are owned by their mixture and
 * nest at most DIST_MAX_NESTING deep (a hostile scenario cannot blow the
 * stack while sampling).  Parameters are finite doubles in ns (DIST_DURATION)
 * or plain numbers; shape/sigma are always plain numbers.
 *
 * Error positions: the text form reports the column of the offending argument
 * (byte offset from the text's first character).  For quoted YAML scalars the
 * text is taken to start one column after the opening quote; escapes inside
 * double quotes can make later columns approximate.
 *
 * The empirical pdf: GSL's cumulative sums can end a few ulps below 1 for
 * many bins; sum[n] is set to exactly 1 after gsl_histogram_pdf_init so a
 * uniform draw just below 1 always finds a bin.
 */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_histogram.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include "sim/dist.h"
#include "sim/dist_family.h"
#include "sim/units.h"

#define DIST_MAX_NESTING 8       /* mixtures inside mixtures */
#define DIST_RESAMPLE_TRIES 64   /* dist_sample_nonneg */
#define DIST_WEIGHT_TOL 1e-6     /* mixture weights must sum to 1 +- this */
#define DIST_MAX_ARGS 8          /* text form: arguments remembered */

/* The special forms: tables with names and mapping keys only. */
const struct dist_family dist_family_empirical = {
	.name = "empirical",
	.np = DIST_LIST_PARAMS,
	.param = { { "edges", 0, DIST_R_ANY },
		   { "counts", DIST_P_PLAIN, DIST_R_ANY } },
};
const struct dist_family dist_family_mixture = {
	.name = "mixture",
	.np = DIST_LIST_PARAMS,
	.param = { { "components", 0, DIST_R_ANY } },
};
#define EMPIRICAL (&dist_family_empirical)
#define MIXTURE (&dist_family_mixture)

struct dist {
	const struct dist_family *fam;
	enum dist_unit unit;
	double p[DIST_MAX_PARAMS];   /* parameters, in fam->param order */
	size_t n;                    /* empirical bins / mixture components */
	double *edges;               /* empirical: n + 1, increasing */
	double *counts;              /* empirical: n, >= 0, positive sum */
	gsl_histogram_pdf *pdf;      /* empirical sampler */
	double *w;                   /* mixture: n weights, sum 1 +- 1e-6 */
	struct dist **comp;          /* mixture: n components (owned) */
	gsl_ran_discrete_t *table;   /* mixture: component chooser */
};

static const struct dist_family *const *registry(
	const struct dist_family *const *reg)
{
	return reg ? reg : dist_families;
}

size_t dist_family_count(const struct dist_family *const *reg)
{
	size_t n = 0;
	for (reg = registry(reg); reg[n]; n++)
		;
	return n;
}

const char *dist_kind_name(enum dist_kind k)
{
	return k >= 0 && (size_t)k < dist_family_count(NULL)
		? dist_families[k]->name : "?";
}

const struct dist_family *dist_family_find(const struct dist_family *const *reg,
					   const char *s, size_t len)
{
	for (reg = registry(reg); *reg; reg++)
		if (strlen((*reg)->name) == len &&
		    memcmp((*reg)->name, s, len) == 0)
			return *reg;
	return NULL;
}

char *dist_family_list(const struct dist_family *const *reg, int fitted_only,
		       char *buf, size_t size)
{
	size_t n = 0, len = 0, k = 0;
	reg = registry(reg);
	for (size_t i = 0; reg[i]; i++)
		n += !fitted_only || reg[i]->fit;
	if (size)
		buf[0] = '\0';
	for (size_t i = 0; reg[i] && len < size; i++) {
		if (fitted_only && !reg[i]->fit)
			continue;
		int w = snprintf(buf + len, size - len, "%s%s",
				 k == 0 ? "" : k + 1 == n ? " or " : ", ",
				 reg[i]->name);
		if (w < 0)
			break;
		len += (size_t)w;
		k++;
	}
	return buf;
}

/* ---- formatting helpers ----------------------------------------------- */

/* Shortest %g text (over all precisions) that reads back as exactly v. */
static char *fmt_plain(double v, char *buf, size_t size)
{
	char best[40] = "", tmp[40];
	for (int p = 1; p <= 17; p++) {
		snprintf(tmp, sizeof(tmp), "%.*g", p, v);
		if (strtod(tmp, NULL) == v &&
		    (!best[0] || strlen(tmp) < strlen(best)))
			memcpy(best, tmp, sizeof(best));
	}
	snprintf(buf, size, "%s", best[0] ? best : tmp);
	return buf;
}

int dist_param_is_plain(const struct dist_family *f, enum dist_unit u, int i)
{
	return u == DIST_NUMBER || (f->param[i].flags & DIST_P_PLAIN);
}

/* A parameter value as it would be written: "10ns" or "1.5". */
char *dist_param_format(const struct dist_family *f, enum dist_unit u, int i,
			double v, char *buf, size_t size)
{
	return dist_param_is_plain(f, u, i) ? fmt_plain(v, buf, size)
					    : units_format_duration(v, buf,
								    size);
}

/* ---- construction ----------------------------------------------------- */

/* Which parameter of a parametric family is invalid with the reason in
 * msg, or -1 when all are valid: finite first, then each one's range, then
 * the family's own check. */
static int check_params(const struct dist_family *f, enum dist_unit u,
			const double *p, char *msg, size_t size)
{
	char a[64];
	for (int i = 0; i < f->np; i++) {
		if (!isfinite(p[i])) {
			snprintf(msg, size, "%s: %s must be finite", f->name,
				 f->param[i].name);
			return i;
		}
	}
	for (int i = 0; i < f->np; i++) {
		enum dist_range r = f->param[i].range;
		if ((r == DIST_R_POS && !(p[i] > 0)) ||
		    (r == DIST_R_NONNEG && !(p[i] >= 0))) {
			snprintf(msg, size, "%s: %s must be %s (got %s)",
				 f->name, f->param[i].name,
				 r == DIST_R_POS ? "> 0" : ">= 0",
				 dist_param_format(f, u, i, p[i], a, sizeof(a)));
			return i;
		}
	}
	return f->check ? f->check(p, u, msg, size) : -1;
}

static struct dist *dist_alloc(const struct dist_family *fam,
			       enum dist_unit unit)
{
	struct dist *d = calloc(1, sizeof(*d));
	if (d) {
		d->fam = fam;
		d->unit = unit;
	}
	return d;
}

struct dist *dist_new_family(const struct dist_family *f, enum dist_unit unit,
			     const double *p)
{
	char msg[160];
	double v[DIST_MAX_PARAMS] = { 0 };
	if (!f || f->np < 0 || f->np > DIST_MAX_PARAMS || !f->sample)
		return NULL;
	for (int i = 0; i < f->np; i++)
		v[i] = p[i];
	if (check_params(f, unit, v, msg, sizeof(msg)) >= 0)
		return NULL;
	struct dist *d = dist_alloc(f, unit);
	if (d)
		memcpy(d->p, v, sizeof(v));
	return d;
}

struct dist *dist_new(enum dist_kind kind, enum dist_unit unit, double p0,
		      double p1)
{
	double p[2] = { p0, p1 };
	if (kind < 0 || (size_t)kind >= dist_family_count(NULL))
		return NULL;
	return dist_new_family(dist_families[kind], unit, p);
}

/* Why n bins of edges/counts cannot make an empirical distribution, and the
 * index of the offending edge (*edge) or count (*count), or NULL if they can.
 * Exactly one of *edge / *count is set (the other is -1) when the problem has
 * a place; both are -1 for whole-list problems. */
static const char *check_empirical(enum dist_unit u, const double *edges,
				   const double *counts, size_t n, char *msg,
				   size_t size, long *edge, long *count)
{
	char a[64], b[64];
	double sum = 0;
	*edge = *count = -1;
	if (n == 0) {
		snprintf(msg, size, "empirical: needs at least 2 edges (1 bin)");
		return msg;
	}
	for (size_t i = 0; i <= n; i++) {
		if (!isfinite(edges[i])) {
			*edge = (long)i;
			snprintf(msg, size, "empirical: edge %zu must be finite",
				 i + 1);
			return msg;
		}
		if (u == DIST_DURATION && edges[i] < 0) {
			*edge = (long)i;
			snprintf(msg, size, "empirical: duration edges must be "
				 ">= 0 (edge %zu is %s)", i + 1,
				 dist_param_format(EMPIRICAL, u, 0, edges[i], a,
					   sizeof(a)));
			return msg;
		}
		if (i > 0 && !(edges[i] > edges[i - 1])) {
			*edge = (long)i;
			snprintf(msg, size, "empirical: edges must be strictly "
				 "increasing (edge %zu is %s, after %s)", i + 1,
				 dist_param_format(EMPIRICAL, u, 0, edges[i], a,
					   sizeof(a)),
				 dist_param_format(EMPIRICAL, u, 0, edges[i - 1], b,
					   sizeof(b)));
			return msg;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(counts[i]) || counts[i] < 0) {
			*count = (long)i;
			snprintf(msg, size, "empirical: counts must be >= 0 "
				 "(count %zu is %s)", i + 1,
				 fmt_plain(counts[i], a, sizeof(a)));
			return msg;
		}
		sum += counts[i];
	}
	if (!(sum > 0) || !isfinite(sum)) {
		snprintf(msg, size, "empirical: counts must have a positive "
			 "(finite) sum");
		return msg;
	}
	return NULL;
}

struct dist *dist_new_empirical(enum dist_unit unit, const double *edges,
				const double *counts, size_t n)
{
	char msg[160];
	long ie, ic;
	gsl_histogram *h = NULL;
	struct dist *d = NULL;

	if (!edges || !counts ||
	    check_empirical(unit, edges, counts, n, msg, sizeof(msg), &ie, &ic))
		return NULL;
	d = dist_alloc(EMPIRICAL, unit);
	if (!d)
		goto fail;
	d->n = n;
	d->edges = malloc((n + 1) * sizeof(double));
	d->counts = malloc(n * sizeof(double));
	h = gsl_histogram_alloc(n);
	d->pdf = gsl_histogram_pdf_alloc(n);
	if (!d->edges || !d->counts || !h || !d->pdf)
		goto fail;
	memcpy(d->edges, edges, (n + 1) * sizeof(double));
	memcpy(d->counts, counts, n * sizeof(double));
	if (gsl_histogram_set_ranges(h, edges, n + 1))
		goto fail;
	for (size_t i = 0; i < n; i++)
		h->bin[i] = counts[i];
	if (gsl_histogram_pdf_init(d->pdf, h))
		goto fail;
	if (d->pdf->sum[n] < 1.0)
		d->pdf->sum[n] = 1.0;   /* see the file comment */
	gsl_histogram_free(h);
	return d;
fail:
	if (h)
		gsl_histogram_free(h);
	dist_free(d);
	return NULL;
}

/* A mixture taking ownership of comp[0..n) (freed here on failure too). */
static struct dist *mixture_new(enum dist_unit unit, struct dist **comp,
				const double *w, size_t n)
{
	struct dist *d = dist_alloc(MIXTURE, unit);
	if (!d) {
		for (size_t i = 0; i < n; i++)
			dist_free(comp[i]);
		free(comp);
		return NULL;
	}
	d->n = n;
	d->comp = comp;
	d->w = malloc(n * sizeof(double));
	if (!d->w)
		goto fail;
	memcpy(d->w, w, n * sizeof(double));
	d->table = gsl_ran_discrete_preproc(n, w);
	if (!d->table)
		goto fail;
	return d;
fail:
	dist_free(d);
	return NULL;
}

void dist_free(struct dist *d)
{
	if (!d)
		return;
	if (d->comp)
		for (size_t i = 0; i < d->n; i++)
			dist_free(d->comp[i]);
	free(d->comp);
	free(d->w);
	if (d->table)
		gsl_ran_discrete_free(d->table);
	if (d->pdf)
		gsl_histogram_pdf_free(d->pdf);
	free(d->edges);
	free(d->counts);
	free(d);
}

/* ---- sampling and moments --------------------------------------------- */

/* The special forms' draw (out of line: recursive, and rare on the hot
 * paths). */
static __attribute__((noinline)) double sample_special(const struct dist *d,
						       gsl_rng *r)
{
	if (d->fam == EMPIRICAL)
		return gsl_histogram_pdf_sample(d->pdf, gsl_rng_uniform(r));
	return dist_sample(d->comp[gsl_ran_discrete(r, d->table)], r);
}

/* One raw draw.  Inline in the three entry points below, so a model's
 * draw (dist_sample_ns: several per simulated event) makes one call into
 * its family's sampler, not three nested calls. */
static inline double sample_one(const struct dist *d, gsl_rng *r)
{
	if (__builtin_expect(d->fam == EMPIRICAL || d->fam == MIXTURE, 0))
		return sample_special(d, r);
	return d->fam->sample(d->p, r);
}

static inline double sample_nonneg(const struct dist *d, gsl_rng *r)
{
	for (int i = 0; i < DIST_RESAMPLE_TRIES; i++) {
		double x = sample_one(d, r);
		if (x >= 0)
			return x;
	}
	return 0.0;
}

double dist_sample(const struct dist *d, gsl_rng *r)
{
	return sample_one(d, r);
}

double dist_sample_nonneg(const struct dist *d, gsl_rng *r)
{
	return sample_nonneg(d, r);
}

double dist_mean(const struct dist *d)
{
	double m = 0, sum = 0;
	if (d->fam == EMPIRICAL) {
		for (size_t i = 0; i < d->n; i++) {
			sum += d->counts[i];
			m += d->counts[i] * 0.5 * (d->edges[i] + d->edges[i + 1]);
		}
		return m / sum;
	}
	if (d->fam == MIXTURE) {
		for (size_t i = 0; i < d->n; i++) {
			sum += d->w[i];
			m += d->w[i] * dist_mean(d->comp[i]);
		}
		return m / sum;    /* weights sum to 1 within 1e-6: renormalise
				    * as gsl_ran_discrete does */
	}
	return d->fam->mean(d->p);
}

double dist_var(const struct dist *d)
{
	double mean, sum = 0, v = 0;
	if (d->fam == EMPIRICAL) {
		/* Piecewise uniform: within-bin width^2/12 plus between-bin
		 * spread of the bin midpoints. */
		mean = dist_mean(d);
		for (size_t i = 0; i < d->n; i++) {
			double w = d->edges[i + 1] - d->edges[i];
			double mid = 0.5 * (d->edges[i] + d->edges[i + 1]);
			sum += d->counts[i];
			v += d->counts[i] * (w * w / 12.0 +
					     (mid - mean) * (mid - mean));
		}
		return v / sum;
	}
	if (d->fam == MIXTURE) {
		/* Law of total variance: E[Var] + Var[E]. */
		mean = dist_mean(d);
		if (!isfinite(mean))
			return INFINITY;
		for (size_t i = 0; i < d->n; i++) {
			double mi = dist_mean(d->comp[i]);
			double vi = dist_var(d->comp[i]);
			if (!isfinite(vi))
				return INFINITY;
			sum += d->w[i];
			v += d->w[i] * (vi + (mi - mean) * (mi - mean));
		}
		return v / sum;
	}
	return d->fam->var(d->p);
}

enum dist_kind dist_kind(const struct dist *d)
{
	for (size_t i = 0; dist_families[i]; i++)
		if (dist_families[i] == d->fam)
			return (enum dist_kind)i;
	return DIST_OTHER;
}

const struct dist_family *dist_family(const struct dist *d)
{
	return d->fam;
}

int dist_is_zero(const struct dist *d)
{
	return d && d->fam->bare && d->p[0] == 0.0;
}

/* ---- canonical text ---------------------------------------------------- */

struct sbuf {
	char *buf;
	size_t size, len;   /* len may exceed size: output was truncated */
};

static void sb_printf(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	size_t room = sb->len < sb->size ? sb->size - sb->len : 0;
	va_start(ap, fmt);
	int n = vsnprintf(room ? sb->buf + sb->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb->len += (size_t)n;
}

static void format_into(const struct dist *d, struct sbuf *sb, int in_flow)
{
	const struct dist_family *f = d->fam;
	char a[64];
	if (f == EMPIRICAL) {
		sb_printf(sb, "{dist: empirical, edges: [");
		for (size_t i = 0; i <= d->n; i++)
			sb_printf(sb, "%s%s", i ? ", " : "",
				  dist_param_format(f, d->unit, 0, d->edges[i], a,
					    sizeof(a)));
		sb_printf(sb, "], counts: [");
		for (size_t i = 0; i < d->n; i++)
			sb_printf(sb, "%s%s", i ? ", " : "",
				  fmt_plain(d->counts[i], a, sizeof(a)));
		sb_printf(sb, "]}");
	} else if (f == MIXTURE) {
		sb_printf(sb, "{dist: mixture, components: [");
		for (size_t i = 0; i < d->n; i++) {
			sb_printf(sb, "%s{weight: %s, dist: ", i ? ", " : "",
				  fmt_plain(d->w[i], a, sizeof(a)));
			format_into(d->comp[i], sb, 1);
			sb_printf(sb, "}");
		}
		sb_printf(sb, "]}");
	} else if (f->bare) {
		/* A constant is written as its bare value. */
		sb_printf(sb, "%s", dist_param_format(f, d->unit, 0, d->p[0], a,
					      sizeof(a)));
	} else {
		/* Inside a YAML flow collection the commas of the text form
		 * would split the scalar, so it is quoted there. */
		sb_printf(sb, "%s%s(", in_flow ? "\"" : "", f->name);
		for (int i = 0; i < f->np; i++)
			sb_printf(sb, "%s%s", i ? ", " : "",
				  dist_param_format(f, d->unit, i, d->p[i], a,
					    sizeof(a)));
		sb_printf(sb, ")%s", in_flow ? "\"" : "");
	}
}

char *dist_format(const struct dist *d, char *buf, size_t size)
{
	struct sbuf sb = { buf, size, 0 };
	if (!buf || size == 0)
		return buf;
	buf[0] = '\0';
	format_into(d, &sb, 0);
	return buf;
}

/* ---- parsing ----------------------------------------------------------- */

/* Where a node's text starts (inside the quotes of a quoted scalar). */
static int text_col(const struct ynode *n)
{
	return n->col + (n->quoted ? 1 : 0);
}

static int is_ident(char c, int first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       (!first && c >= '0' && c <= '9');
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

#define MAX_FAMILIES 64   /* names offered as suggestions */

static void unknown_kind(const struct dist_family *const *reg,
			 const char *name, const char *file, int line,
			 int col, struct err *e)
{
	const char *names[MAX_FAMILIES + 1];
	char list[512];
	size_t n = 0;
	for (reg = registry(reg); reg[n] && n < MAX_FAMILIES; n++)
		names[n] = reg[n]->name;
	names[n] = NULL;
	const char *s = ynode_suggest(NULL, name, names);
	if (s)
		err_set(e, ERR_INPUT, file, line, col,
			"unknown distribution '%s' (did you mean '%s'?)", name,
			s);
	else
		err_set(e, ERR_INPUT, file, line, col,
			"unknown distribution '%s' (expected %s)", name,
			dist_family_list(reg, 0, list, sizeof(list)));
}

static void list_kind_error(const struct dist_family *f, const char *file,
			    int line, int col, struct err *e)
{
	if (f == EMPIRICAL)
		err_set(e, ERR_INPUT, file, line, col,
			"empirical has list parameters: write it as a mapping, "
			"{dist: empirical, edges: [...], counts: [...]}");
	else
		err_set(e, ERR_INPUT, file, line, col,
			"mixture has list parameters: write it as a mapping, "
			"{dist: mixture, components: [{weight: ..., dist: ...}, "
			"...]}");
}

/* "(mean, sd)" for messages. */
static const char *param_list(const struct dist_family *f, char *buf,
			      size_t size)
{
	size_t len = 0;
	for (int i = 0; i < f->np && len < size; i++) {
		int w = snprintf(buf + len, size - len, "%s%s",
				 i ? ", " : "(", f->param[i].name);
		if (w < 0)
			break;
		len += (size_t)w;
	}
	if (len < size)
		snprintf(buf + len, size - len, ")");
	return buf;
}

/* Parse one parameter value (parameter i of family f) from text s. */
static int parse_param(const struct dist_family *f, enum dist_unit u, int i,
		       const char *s, double *v, const char *file, int line,
		       int col, struct err *e)
{
	char why[200];
	int rc = dist_param_is_plain(f, u, i)
		? units_parse_number(s, v, why, sizeof(why))
		: units_parse_duration(s, v, why, sizeof(why));
	if (rc)
		return err_set(e, ERR_INPUT, file, line, col, "%s", why);
	return 0;
}

/* The family a bare value stands for (constant), or NULL. */
static const struct dist_family *bare_family(
	const struct dist_family *const *reg)
{
	for (reg = registry(reg); *reg; reg++)
		if ((*reg)->bare)
			return *reg;
	return NULL;
}

struct dist *dist_parse_text(const char *text, enum dist_unit unit,
			     const char *file, int line, int col, struct err *e)
{
	return dist_parse_text_with(NULL, text, unit, file, line, col, e);
}

/* Parse the text form; text may hold a bare value (a constant). */
struct dist *dist_parse_text_with(const struct dist_family *const *reg,
				  const char *text, enum dist_unit unit,
				  const char *file, int line, int col,
				  struct err *e)
{
	const char *p = text ? text : "";
	const char *argb[DIST_MAX_ARGS], *arge[DIST_MAX_ARGS];
	size_t nargs = 0;
	double v[DIST_MAX_PARAMS] = { 0 };
	char msg[200], pl[128];
	const struct dist_family *k;

#define COL(ptr) (col + (int)((ptr) - (text ? text : "")))
	while (is_ws(*p))
		p++;
	if (!*p) {
		err_set(e, ERR_INPUT, file, line, col,
			"empty distribution (expected e.g. 400ns or "
			"normal(400ns, 10ns))");
		return NULL;
	}
	if (!is_ident(*p, 1) && (k = bare_family(reg)) != NULL) {
		/* A bare value: constant(v). */
		if (parse_param(k, unit, 0, p, &v[0], file, line, COL(p), e))
			return NULL;
		return dist_new_family(k, unit, v);
	}

	const char *name = p;
	while (is_ident(*p, 0))
		p++;
	size_t nlen = (size_t)(p - name);
	char nbuf[64];
	snprintf(nbuf, sizeof(nbuf), "%.*s", (int)nlen, name);
	if (!(k = dist_family_find(reg, name, nlen))) {
		unknown_kind(reg, nbuf, file, line, COL(name), e);
		return NULL;
	}
	if (k->np < 0) {
		list_kind_error(k, file, line, COL(name), e);
		return NULL;
	}
	while (is_ws(*p))
		p++;
	if (*p != '(') {
		err_set(e, ERR_INPUT, file, line, COL(p),
			"expected '(' after '%s': write %s%s", nbuf, nbuf,
			param_list(k, pl, sizeof(pl)));
		return NULL;
	}
	const char *open = p++;

	/* Split the arguments at commas up to the closing ')'. */
	for (;;) {
		while (is_ws(*p))
			p++;
		const char *b = p;
		while (*p && *p != ',' && *p != ')' && *p != '(')
			p++;
		const char *q = p;
		while (q > b && is_ws(q[-1]))
			q--;
		if (nargs < DIST_MAX_ARGS) {
			argb[nargs] = b;
			arge[nargs] = q;
		}
		nargs++;
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == ')')
			break;
		if (*p == '(')
			err_set(e, ERR_INPUT, file, line, COL(p),
				"unexpected '(' in the arguments of %s", nbuf);
		else
			err_set(e, ERR_INPUT, file, line, COL(open),
				"missing ')' after the arguments of %s", nbuf);
		return NULL;
	}
	p++;   /* past ')' */
	while (is_ws(*p))
		p++;
	if (*p) {
		err_set(e, ERR_INPUT, file, line, COL(p),
			"unexpected '%s' after %s(...)", p, nbuf);
		return NULL;
	}
	if (nargs == 1 && argb[0] == arge[0])
		nargs = 0;   /* "normal()" */
	if (nargs != (size_t)k->np) {
		/* Too many: point at the first extra; too few: the name. */
		const char *at = nargs > (size_t)k->np ? argb[k->np] : name;
		err_set(e, ERR_INPUT, file, line, COL(at),
			"%s takes %d argument%s %s, got %zu", nbuf, k->np,
			k->np == 1 ? "" : "s",
			param_list(k, pl, sizeof(pl)), nargs);
		return NULL;
	}
	for (int i = 0; i < k->np; i++) {
		char abuf[128];
		size_t alen = (size_t)(arge[i] - argb[i]);
		if (alen == 0) {
			err_set(e, ERR_INPUT, file, line, COL(argb[i]),
				"%s: %s is empty", nbuf, k->param[i].name);
			return NULL;
		}
		if (alen >= sizeof(abuf)) {
			err_set(e, ERR_INPUT, file, line, COL(argb[i]),
				"%s: %s is too long", nbuf, k->param[i].name);
			return NULL;
		}
		memcpy(abuf, argb[i], alen);
		abuf[alen] = '\0';
		if (parse_param(k, unit, i, abuf, &v[i], file, line,
				COL(argb[i]), e))
			return NULL;
	}
	int bad = check_params(k, unit, v, msg, sizeof(msg));
	if (bad >= 0) {
		err_set(e, ERR_INPUT, file, line, COL(argb[bad]), "%s", msg);
		return NULL;
	}
	struct dist *d = dist_new_family(k, unit, v);
	if (!d)
		err_set(e, ERR_RUNTIME, file, line, col, "out of memory");
	return d;
#undef COL
}

static struct dist *parse_node(const struct dist_family *const *reg,
			       struct ynode *n, enum dist_unit unit,
			       int depth, struct err *e);

/* Positioned error at node n; returns NULL for `return node_err(...)`. */
static struct dist *node_err(struct err *e, const struct ynode *n,
			     const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static struct dist *node_err(struct err *e, const struct ynode *n,
			     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err_vset(e, ERR_INPUT, n->file, n->line, n->col, fmt, ap);
	va_end(ap);
	return NULL;
}

/* Allocation failure while parsing at node n (a runtime error, not bad
 * input). */
static struct dist *oom(struct err *e, const struct ynode *n)
{
	err_set(e, ERR_RUNTIME, n->file, n->line, n->col, "out of memory");
	return NULL;
}

/* Reject any key of map not in allowed[] (NULL-terminated), suggesting the
 * nearest allowed one.  `what` prefixes the message ("normal"). */
static int check_keys(const struct ynode *map, const char *const *allowed,
		      const char *what, struct err *e)
{
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *key = map->keys[i];
		size_t j = 0;
		while (allowed[j] && strcmp(allowed[j], key->value) != 0)
			j++;
		if (allowed[j])
			continue;
		const char *s = ynode_suggest(NULL, key->value, allowed);
		char list[128] = "";
		size_t len = 0;
		for (j = 0; allowed[j]; j++) {
			int w = snprintf(list + len, sizeof(list) - len, "%s%s",
					 j ? ", " : "", allowed[j]);
			if (w < 0 || (size_t)w >= sizeof(list) - len)
				break;
			len += (size_t)w;
		}
		if (s)
			return err_set(e, ERR_INPUT, key->file, key->line,
				       key->col, "%s: unknown key '%s' (did you "
				       "mean '%s'?)", what, key->value, s);
		return err_set(e, ERR_INPUT, key->file, key->line, key->col,
			       "%s: unknown key '%s' (expected %s)", what,
			       key->value, list);
	}
	return 0;
}

/* The scalar value node of a required key, or NULL with e set. */
static struct ynode *need_key(struct ynode *map, const char *key,
			      enum ynode_kind kind, const char *what,
			      struct err *e)
{
	static const char *const article[] = {
		[YN_SCALAR] = "a single value", [YN_MAP] = "a mapping",
		[YN_SEQ] = "a sequence",
	};
	struct ynode *v = ynode_get(map, key);
	if (!v) {
		node_err(e, map, "%s: missing '%s'", what, key);
		return NULL;
	}
	if (v->kind != kind) {
		node_err(e, v, "%s: %s must be %s, got a %s", what, key,
			 article[kind], ynode_kind_name(v));
		return NULL;
	}
	return v;
}

static struct dist *parse_empirical(struct ynode *map, enum dist_unit unit,
				    struct err *e)
{
	double *edges = NULL, *counts = NULL;
	struct dist *d = NULL;
	char msg[200];
	long ie, ic;
	struct ynode *en = need_key(map, "edges", YN_SEQ, "empirical", e);
	struct ynode *cn = en ? need_key(map, "counts", YN_SEQ, "empirical", e)
			      : NULL;
	if (!cn)
		return NULL;
	if (en->n < 2)
		return node_err(e, en, "empirical: needs at least 2 edges "
				"(1 bin), got %zu", en->n);
	if (cn->n != en->n - 1)
		return node_err(e, cn, "empirical: %zu edges need %zu counts, "
				"got %zu", en->n, en->n - 1, cn->n);
	edges = malloc(en->n * sizeof(double));
	counts = malloc(cn->n * sizeof(double));
	if (!edges || !counts) {
		oom(e, map);
		goto out;
	}
	for (size_t i = 0; i < en->n + cn->n; i++) {
		int isedge = i < en->n;
		size_t j = isedge ? i : i - en->n;
		struct ynode *it = isedge ? en->items[j] : cn->items[j];
		if (it->kind != YN_SCALAR) {
			node_err(e, it, "empirical: %s must be single values, "
				 "got a %s", isedge ? "edges" : "counts",
				 ynode_kind_name(it));
			goto out;
		}
		if (parse_param(EMPIRICAL, unit, isedge ? 0 : 1, it->value,
				isedge ? &edges[j] : &counts[j], it->file,
				it->line, text_col(it), e))
			goto out;
	}
	if (check_empirical(unit, edges, counts, cn->n, msg, sizeof(msg), &ie,
			    &ic)) {
		const struct ynode *at = ie >= 0 ? en->items[ie]
				       : ic >= 0 ? cn->items[ic] : cn;
		node_err(e, at, "%s", msg);
		goto out;
	}
	d = dist_new_empirical(unit, edges, counts, cn->n);
	if (!d)
		oom(e, map);
out:
	free(edges);
	free(counts);
	return d;
}

static struct dist *parse_mixture(const struct dist_family *const *reg,
				  struct ynode *map, enum dist_unit unit,
				  int depth, struct err *e)
{
	static const char *const comp_keys[] = { "weight", "dist", NULL };
	struct dist **comp = NULL;
	double *w = NULL, sum = 0;
	size_t n = 0;
	struct dist *d = NULL;
	struct ynode *cn;

	if (depth >= DIST_MAX_NESTING)
		return node_err(e, map, "mixture: nested more than %d deep",
				DIST_MAX_NESTING);
	cn = need_key(map, "components", YN_SEQ, "mixture", e);
	if (!cn)
		return NULL;
	if (cn->n == 0)
		return node_err(e, cn, "mixture: needs at least one component");
	comp = calloc(cn->n, sizeof(*comp));
	w = calloc(cn->n, sizeof(*w));
	if (!comp || !w) {
		oom(e, map);
		goto out;
	}
	for (n = 0; n < cn->n; n++) {
		struct ynode *c = cn->items[n];
		char why[200];
		if (c->kind != YN_MAP) {
			node_err(e, c, "mixture: each component must be a "
				 "mapping {weight: ..., dist: ...}, got a %s",
				 ynode_kind_name(c));
			goto out;
		}
		if (check_keys(c, comp_keys, "mixture component", e))
			goto out;
		struct ynode *wn = need_key(c, "weight", YN_SCALAR,
					    "mixture component", e);
		if (!wn)
			goto out;
		if (units_parse_number(wn->value, &w[n], why, sizeof(why))) {
			err_set(e, ERR_INPUT, wn->file, wn->line, text_col(wn),
				"%s", why);
			goto out;
		}
		if (!(w[n] > 0)) {
			char a[64];
			node_err(e, wn, "mixture: weight must be > 0 (got %s)",
				 fmt_plain(w[n], a, sizeof(a)));
			goto out;
		}
		struct ynode *dn = ynode_get(c, "dist");
		if (!dn) {
			node_err(e, c, "mixture component: missing 'dist'");
			goto out;
		}
		comp[n] = parse_node(reg, dn, unit, depth + 1, e);
		if (!comp[n])
			goto out;
		sum += w[n];
	}
	if (!(fabs(sum - 1.0) <= DIST_WEIGHT_TOL)) {
		char a[64];
		snprintf(a, sizeof(a), "%g", sum);
		node_err(e, cn, "mixture weights sum to %s, not 1", a);
		goto out;
	}
	d = mixture_new(unit, comp, w, n);
	comp = NULL;   /* owned (or freed) by mixture_new */
	if (!d)
		oom(e, map);
out:
	if (comp)
		for (size_t i = 0; i < n; i++)
			dist_free(comp[i]);
	free(comp);
	free(w);
	return d;
}

static struct dist *parse_map(const struct dist_family *const *reg,
			      struct ynode *map, enum dist_unit unit,
			      int depth, struct err *e)
{
	static const char *const dist_only[] = { "dist", NULL };
	const char *allowed[DIST_MAX_PARAMS + 2] = { "dist" };
	const struct dist_family *k;
	char msg[200];
	double v[DIST_MAX_PARAMS] = { 0 };
	struct ynode *vn[DIST_MAX_PARAMS] = { NULL };

	struct ynode *dn = ynode_get(map, "dist");
	if (!dn) {
		/* A misspelt "dist" deserves a suggestion, not "missing". */
		for (size_t i = 0; i < map->n; i++)
			if (ynode_suggest(NULL, map->keys[i]->value, dist_only)) {
				check_keys(map, dist_only, "distribution", e);
				return NULL;
			}
		return node_err(e, map, "distribution mapping needs a 'dist' "
				"key naming the distribution, e.g. {dist: "
				"normal, mean: 400ns, sd: 10ns}");
	}
	if (dn->kind != YN_SCALAR)
		return node_err(e, dn, "dist: expected a distribution name, got "
				"a %s", ynode_kind_name(dn));
	if (strchr(dn->value, '('))
		return node_err(e, dn, "dist: expected a distribution name, got "
				"'%s' (write the text form as the whole value, "
				"without a mapping)", dn->value);
	if (!(k = dist_family_find(reg, dn->value, strlen(dn->value)))) {
		unknown_kind(reg, dn->value, dn->file, dn->line, text_col(dn),
			     e);
		return NULL;
	}
	for (int i = 0; i < DIST_MAX_PARAMS; i++)
		allowed[i + 1] = k->param[i].name;
	if (check_keys(map, allowed, k->name, e))
		return NULL;
	if (k == EMPIRICAL)
		return parse_empirical(map, unit, e);
	if (k == MIXTURE)
		return parse_mixture(reg, map, unit, depth, e);
	for (int i = 0; i < k->np; i++) {
		vn[i] = need_key(map, k->param[i].name, YN_SCALAR, k->name, e);
		if (!vn[i] || parse_param(k, unit, i, vn[i]->value, &v[i],
					  vn[i]->file, vn[i]->line,
					  text_col(vn[i]), e))
			return NULL;
	}
	int bad = check_params(k, unit, v, msg, sizeof(msg));
	if (bad >= 0)
		return node_err(e, vn[bad], "%s", msg);
	struct dist *d = dist_new_family(k, unit, v);
	if (!d)
		oom(e, map);
	return d;
}

static struct dist *parse_node(const struct dist_family *const *reg,
			       struct ynode *n, enum dist_unit unit,
			       int depth, struct err *e)
{
	switch (n->kind) {
	case YN_SCALAR:
		return dist_parse_text_with(reg, n->value, unit, n->file,
					    n->line, text_col(n), e);
	case YN_MAP:
		return parse_map(reg, n, unit, depth, e);
	case YN_SEQ:
		break;
	}
	return node_err(e, n, "expected a distribution (e.g. normal(400ns, "
			"10ns) or {dist: normal, mean: 400ns, sd: 10ns}), got a "
			"%s", ynode_kind_name(n));
}

/* A constant in (0, 0.5) ns in d (a mixture's components included): every
 * draw of it rounds to 0, as a duration key of that size would; or NULL. */
static const struct dist *tiny_constant(const struct dist *d)
{
	if (d->fam == MIXTURE) {
		for (size_t i = 0; i < d->n; i++) {
			const struct dist *z = tiny_constant(d->comp[i]);
			if (z)
				return z;
		}
		return NULL;
	}
	return d->fam->bare && d->p[0] > 0 && d->p[0] < 0.5 ? d : NULL;
}

/* P(X < 0) of the raw distribution (the cdf just below 0; a family with
 * neither cdf nor sf: 1 when its mean is negative). */
static double neg_mass(const struct dist *d)
{
	const double below = -DBL_MIN;
	if (d->fam == EMPIRICAL)
		return d->edges[0] < 0 ? 1.0 - dist_sf(d, below) : 0.0;
	if (d->fam == MIXTURE) {
		double sum = 0, m = 0;
		for (size_t i = 0; i < d->n; i++) {
			sum += d->w[i];
			m += d->w[i] * neg_mass(d->comp[i]);
		}
		return m / sum;
	}
	double p = d->fam->cdf ? d->fam->cdf(d->p, below)
	       : d->fam->sf ? 1.0 - d->fam->sf(d->p, below) : NAN;
	return isnan(p) ? (dist_mean(d) < 0 ? 1.0 : 0.0) : p;
}

struct dist *dist_parse_with(const struct dist_family *const *reg,
			     struct ynode *n, enum dist_unit unit,
			     struct err *e)
{
	if (!n) {
		err_set(e, ERR_INPUT, NULL, 0, 0, "missing distribution");
		return NULL;
	}
	struct dist *d = parse_node(reg, n, unit, 0, e);
	char msg[256], b[64];
	const struct dist *z = d && unit == DIST_DURATION ? tiny_constant(d)
							  : NULL;
	if (z) {
		dist_param_format(z->fam, unit, 0, z->p[0], b, sizeof(b));
		dist_free(d);
		return node_err(e, n, "%s is a constant that rounds to 0ns (the "
				"clock counts whole nanoseconds)", b);
	}
	double neg = d && unit == DIST_DURATION ? neg_mass(d) : 0;
	if (neg > 0.5) {
		/* dist_sample_nonneg draws again below 0 and gives 0 after 64
		 * tries: a mostly negative duration would be 0, silently. */
		dist_format(d, msg, sizeof(msg));
		dist_free(d);
		return node_err(e, n, "%s is below 0 with probability %.3g: a "
				"duration draws again when negative, so at most "
				"half of it may lie below 0", msg, neg);
	}
	if (d && unit == DIST_DURATION &&
	    dist_check_horizon(d, msg, sizeof(msg))) {
		dist_free(d);
		return node_err(e, n, "%s", msg);
	}
	return d;
}

struct dist *dist_parse(struct ynode *n, enum dist_unit unit, struct err *e)
{
	return dist_parse_with(NULL, n, unit, e);
}

double dist_sf(const struct dist *d, double x)
{
	double p = NAN;
	if (d->fam == EMPIRICAL) {
		double sum = 0, above = 0;
		for (size_t i = 0; i < d->n; i++) {
			double a = d->edges[i], b = d->edges[i + 1];
			sum += d->counts[i];
			if (a >= x)
				above += d->counts[i];
			else if (b > x)
				above += d->counts[i] * (b - x) / (b - a);
		}
		return above / sum;
	}
	if (d->fam == MIXTURE) {
		double sum = 0, above = 0;
		for (size_t i = 0; i < d->n; i++) {
			sum += d->w[i];
			above += d->w[i] * dist_sf(d->comp[i], x);
		}
		return above / sum;
	}
	if (d->fam->sf)
		p = d->fam->sf(d->p, x);
	else if (d->fam->cdf)
		p = 1.0 - d->fam->cdf(d->p, x);
	if (isnan(p))
		p = dist_mean(d) > x ? 1.0 : 0.0;
	return p;
}

int dist_check_horizon(const struct dist *d, char *msg, size_t size)
{
	const double h = (double)DIST_NS_MAX;
	/* Chebyshev: P(X > h) <= P(|X| > h) <= E[X^2] / h^2, so the usual
	 * nanosecond-to-second distributions pass without a tail call. */
	double m = dist_mean(d), v = dist_var(d);
	if (isfinite(m) && isfinite(v) &&
	    (v + m * m) / h / h <= DIST_HORIZON_TAIL)
		return 0;
	double p = dist_sf(d, h);
	if (!(p > DIST_HORIZON_TAIL))
		return 0;
	char b[128];
	dist_format(d, b, sizeof(b));
	snprintf(msg, size, "%s draws beyond the simulated clock's horizon, "
		 UNITS_HORIZON_TEXT ", with probability %.3g (at most %g: its "
		 "99.9th percentile must be within the horizon)", b, p,
		 DIST_HORIZON_TAIL);
	return -1;
}

uint64_t dist_sample_ns(const struct dist *d, gsl_rng *r)
{
	double v = sample_nonneg(d, r);
	/* v >= 0 here, so +0.5 and truncation round half up, without the
	 * libm call llround() costs on the hot path. */
	if (!(v < (double)(DIST_NS_MAX)))
		return DIST_NS_MAX;
	return (uint64_t)(v + 0.5);
}
