/* factor.c - occupancy/active-task cost factors, tables through GSL interp. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/factor.h"
#include "sim/cfg.h"
#include "sim/units.h"

void factor_fini(struct factor *f)
{
	if (f->interp)
		gsl_interp_free(f->interp);
	free(f->x);
	free(f->y);
	memset(f, 0, sizeof(*f));
}

int factor_table(struct factor *f, const double *x, const double *y, size_t n)
{
	memset(f, 0, sizeof(*f));
	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!(y[i] > 0) || !isfinite(x[i]) || !isfinite(y[i]) ||
		    (i && !(x[i] > x[i - 1])))
			return -1;
	}
	f->kind = FACTOR_TABLE;
	f->n = n;
	f->x = malloc(n * sizeof(double));
	f->y = malloc(n * sizeof(double));
	if (!f->x || !f->y)
		goto fail;
	memcpy(f->x, x, n * sizeof(double));
	memcpy(f->y, y, n * sizeof(double));
	if (n >= 2) {
		f->interp = gsl_interp_alloc(gsl_interp_linear, n);
		if (!f->interp || gsl_interp_init(f->interp, f->x, f->y, n))
			goto fail;
	}
	return 0;
fail:
	factor_fini(f);
	return -1;
}

double factor_eval(const struct factor *f, double x)
{
	return factor_eval_acc(f, x, NULL);
}

double factor_eval_acc(const struct factor *f, double x,
		       gsl_interp_accel *acc)
{
	switch (f->kind) {
	case FACTOR_NONE:
		return 1.0;
	case FACTOR_LINEAR:
		return 1.0 + f->k * x;
	case FACTOR_QUADRATIC:
		return 1.0 + (x / f->k) * (x / f->k);
	case FACTOR_TABLE:
		if (f->n == 1 || x <= f->x[0])
			return f->y[0];
		if (x >= f->x[f->n - 1])
			return f->y[f->n - 1];
		return gsl_interp_eval(f->interp, f->x, f->y, x, acc);
	}
	return 1.0;
}

/* "name(arg)" -> name and the numeric argument. */
static int parse_call(const char *s, char *name, size_t nsize, double *arg,
		      char *why, size_t wsize)
{
	const char *open = strchr(s, '('), *close = strrchr(s, ')');
	if (!open || !close || close < open || close[1]) {
		snprintf(why, wsize, "expected none, linear(k), quadratic(scale) "
			 "or {table: [[x, f], ...]}, got '%s'", s);
		return -1;
	}
	size_t len = (size_t)(open - s);
	if (len >= nsize)
		len = nsize - 1;
	memcpy(name, s, len);
	name[len] = 0;
	char num[64];
	size_t alen = (size_t)(close - open - 1);
	if (alen >= sizeof(num))
		alen = sizeof(num) - 1;
	memcpy(num, open + 1, alen);
	num[alen] = 0;
	return units_parse_number(num, arg, why, wsize);
}

/* "table(x:f, x:f, ...)": the one-line form of a table. */
static int parse_text_table(struct ynode *n, struct factor *f, struct err *e)
{
	const char *s = n->value + strlen("table(");
	size_t len = strlen(s);
	if (len == 0 || s[len - 1] != ')')
		return cfg_error(e, n, "table(...) needs a closing ')'");
	double x[256], y[256];
	size_t k = 0;
	char buf[4096];
	snprintf(buf, sizeof(buf), "%.*s", (int)(len - 1), s);
	char *save = NULL;
	for (char *tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		/* Trim blanks around the point, so messages quote it as written. */
		while (*tok == ' ' || *tok == '\t')
			tok++;
		for (size_t l = strlen(tok); l && (tok[l - 1] == ' ' || tok[l - 1] == '\t');)
			tok[--l] = 0;
		char *colon = strchr(tok, ':'), why[160];
		if (!colon)
			return cfg_error(e, n, "table point '%s' is not x:factor", tok);
		*colon = 0;
		if (k == 256)
			return cfg_error(e, n, "at most 256 table points");
		if (units_parse_number(tok, &x[k], why, sizeof(why)) ||
		    units_parse_number(colon + 1, &y[k], why, sizeof(why)))
			return cfg_error(e, n, "table: %s", why);
		if (!(y[k] > 0))
			return cfg_error(e, n, "table: a factor must be > 0");
		if (k && !(x[k] > x[k - 1]))
			return cfg_error(e, n, "table: x values must increase");
		k++;
	}
	if (k == 0)
		return cfg_error(e, n, "table() needs at least one x:factor point");
	if (factor_table(f, x, y, k))
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	return 0;
}

int factor_parse(struct ynode *n, struct factor *f, struct err *e)
{
	memset(f, 0, sizeof(*f));
	if (n->kind == YN_SCALAR) {
		if (strcmp(n->value, "none") == 0)
			return 0;
		if (strncmp(n->value, "table(", 6) == 0)
			return parse_text_table(n, f, e);
		char name[32], why[160];
		double k;
		if (parse_call(n->value, name, sizeof(name), &k, why, sizeof(why)))
			return cfg_error(e, n, "%s", why);
		if (strcmp(name, "linear") == 0) {
			if (!(k >= 0))
				return cfg_error(e, n, "linear(k): k must be >= 0");
			f->kind = FACTOR_LINEAR;
		} else if (strcmp(name, "quadratic") == 0) {
			if (!(k > 0))
				return cfg_error(e, n, "quadratic(scale): scale must be > 0");
			f->kind = FACTOR_QUADRATIC;
		} else {
			static const char *const forms[] = { "none", "linear",
							      "quadratic", "table", NULL };
			const char *s = ynode_suggest(NULL, name, forms);
			if (s)
				return cfg_error(e, n, "unknown factor '%s' (did you "
						 "mean '%s'?)", name, s);
			return cfg_error(e, n, "unknown factor '%s' (expected none, "
					 "linear(k), quadratic(scale) or {table: ...})",
					 name);
		}
		f->k = k;
		return 0;
	}
	if (n->kind != YN_MAP)
		return cfg_error(e, n, "a factor is none, linear(k), quadratic(scale) "
				 "or {table: [[x, f], ...]}");
	struct ynode *t = cfg_node(n, "table", 1, e);
	if (!t)
		return e->status;
	if (t->kind != YN_SEQ || t->n == 0)
		return cfg_error(e, t, "'table' must be a list of [x, factor] pairs");
	double *x = calloc(t->n, sizeof(double)), *y = calloc(t->n, sizeof(double));
	int rc = 0;
	if (!x || !y) {
		rc = err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < t->n; i++) {
		struct ynode *p = t->items[i];
		char why[160];
		if (p->kind != YN_SEQ || p->n != 2 || p->items[0]->kind != YN_SCALAR ||
		    p->items[1]->kind != YN_SCALAR) {
			rc = cfg_error(e, p, "each table point is [x, factor]");
			goto out;
		}
		if (units_parse_number(p->items[0]->value, &x[i], why, sizeof(why))) {
			rc = cfg_error(e, p->items[0], "%s", why);
			goto out;
		}
		if (units_parse_number(p->items[1]->value, &y[i], why, sizeof(why))) {
			rc = cfg_error(e, p->items[1], "%s", why);
			goto out;
		}
		if (!(y[i] > 0)) {
			rc = cfg_error(e, p->items[1], "a factor must be > 0");
			goto out;
		}
		if (i && !(x[i] > x[i - 1])) {
			rc = cfg_error(e, p->items[0], "table x values must increase");
			goto out;
		}
	}
	if (factor_table(f, x, y, t->n))
		rc = err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
out:
	free(x);
	free(y);
	return rc;
}

int factor_read(struct ynode *map, const char *key, const char *def,
		struct factor *f, struct err *e)
{
	struct ynode *n = ynode_get(map, key);
	if (!n && !(n = ynode_set_scalar(map, key, def)))
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	ynode_get(map, key);
	return factor_parse(n, f, e);   /* marks {table: ...} itself */
}
