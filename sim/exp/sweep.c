/* sweep.c - sweep axes from the scenario or the command line; point indexing.
 *
 * Values stay scenario text so that each point is loaded exactly like a
 * scenario with --set overrides: the same validation, the same messages.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/exp/sweep.h"
#include "sim/cfg.h"
#include "sim/units.h"

void sweep_init(struct sweep *sw)
{
	memset(sw, 0, sizeof(*sw));
}

static void axis_free(struct sweep_axis *ax)
{
	for (size_t i = 0; i < ax->n; i++)
		free(ax->values[i]);
	free(ax->values);
	memset(ax, 0, sizeof(*ax));
}

void sweep_fini(struct sweep *sw)
{
	for (size_t a = 0; a < sw->naxes; a++)
		axis_free(&sw->axes[a]);
	sw->naxes = 0;
}

static int push_value(struct sweep_axis *ax, const char *v)
{
	for (size_t i = 0; i < ax->n; i++)
		if (!strcmp(ax->values[i], v))
			return 0;   /* duplicate (rounded ranges) */
	char **vals = realloc(ax->values, (ax->n + 1) * sizeof(*vals));
	if (!vals)
		return -1;
	ax->values = vals;
	if (!(ax->values[ax->n] = strdup(v)))
		return -1;
	ax->n++;
	return 0;
}

static int is_whole(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

int sweep_bound_parse(const char *s, double *v, int *kind, char *why,
		       size_t wsize)
{
	size_t len = strlen(s);
	if (len > 2 && !strcmp(s + len - 2, "/s")) {
		*kind = 2;
		return units_parse_rate(s, v, why, wsize);
	}
	if (!units_parse_number(s, v, why, wsize)) {
		*kind = 0;
		return 0;
	}
	*kind = 1;
	return units_parse_duration(s, v, why, wsize);
}

void sweep_format_value(double v, int kind, int whole, char *buf, size_t size)
{
	if (whole)
		snprintf(buf, size, "%.0f", round(v));
	else if (kind == 1)
		snprintf(buf, size, "%.6gns", v);
	else if (kind == 2)
		snprintf(buf, size, "%.6g/s", v);
	else
		snprintf(buf, size, "%.6g", v);
}

int sweep_is_whole(const char *s)
{
	return is_whole(s);
}

static int parse_range(struct sweep_axis *ax, const char *spec,
		       const char *file, int line, int col, struct err *e)
{
	char buf[256], why[160];
	snprintf(buf, sizeof(buf), "%s", spec);
	char *part[5];
	size_t np = 0;
	char *save = NULL;
	for (char *t = strtok_r(buf, ":", &save); t && np < 5;
	     t = strtok_r(NULL, ":", &save))
		part[np++] = t;
	if (np < 3 || np > 4 || (np == 4 && strcmp(part[3], "log")))
		return err_set(e, ERR_INPUT, file, line, col,
			       "range '%s' is not lo:hi:n or lo:hi:n:log", spec);
	double lo, hi, nn;
	int klo, khi;
	if (sweep_bound_parse(part[0], &lo, &klo, why, sizeof(why)) ||
	    sweep_bound_parse(part[1], &hi, &khi, why, sizeof(why)))
		return err_set(e, ERR_INPUT, file, line, col, "range '%s': %s",
			       spec, why);
	if (klo != khi)
		return err_set(e, ERR_INPUT, file, line, col,
			       "range '%s': lo and hi must have the same kind of unit",
			       spec);
	if (units_parse_number(part[2], &nn, why, sizeof(why)) || nn != floor(nn) ||
	    nn < 1 || nn > SWEEP_MAX_VALUES)
		return err_set(e, ERR_INPUT, file, line, col,
			       "range '%s': n must be a whole number in 1..%d",
			       spec, SWEEP_MAX_VALUES);
	if (lo > hi)
		return err_set(e, ERR_INPUT, file, line, col,
			       "range '%s' is empty: lo > hi", spec);
	ax->log = np == 4;
	if (ax->log && !(lo > 0))
		return err_set(e, ERR_INPUT, file, line, col,
			       "range '%s': a log range needs lo > 0", spec);
	int whole = klo == 0 && is_whole(part[0]) && is_whole(part[1]);
	size_t n = (size_t)nn;
	for (size_t i = 0; i < n; i++) {
		double f = n == 1 ? 0 : (double)i / (double)(n - 1);
		double v = ax->log ? lo * pow(hi / lo, f) : lo + (hi - lo) * f;
		if (i == n - 1 && n > 1)
			v = hi;
		char val[64];
		sweep_format_value(v, klo, whole, val, sizeof(val));
		if (push_value(ax, val))
			return err_set(e, ERR_RUNTIME, file, 0, 0, "out of memory");
	}
	return 0;
}

int sweep_axis_parse(struct sweep_axis *ax, const char *path, const char *spec,
		     const char *file, int line, int col, struct err *e)
{
	memset(ax, 0, sizeof(*ax));
	if (strlen(path) >= sizeof(ax->path) || !path[0])
		return err_set(e, ERR_INPUT, file, line, col, "bad sweep path '%s'",
			       path);
	snprintf(ax->path, sizeof(ax->path), "%s", path);
	if (!*spec)
		return err_set(e, ERR_INPUT, file, line, col,
			       "sweep '%s' has no values", path);
	if (strchr(spec, ':') && !strchr(spec, ',') && !strchr(spec, ';') &&
	    !strchr(spec, '('))
		return parse_range(ax, spec, file, line, col, e);
	/* Values are separated by commas, or by semicolons when a value has
	 * commas of its own: normal(1us, 100ns);normal(2us, 200ns). */
	const char *sep = strchr(spec, ';') ? ";" : ",";
	char buf[4096];
	snprintf(buf, sizeof(buf), "%s", spec);
	char *save = NULL;
	for (char *t = strtok_r(buf, sep, &save); t; t = strtok_r(NULL, sep, &save)) {
		while (*t == ' ')
			t++;
		size_t len = strlen(t);
		while (len && t[len - 1] == ' ')
			t[--len] = 0;
		if (!len)
			continue;
		if (ax->n == SWEEP_MAX_VALUES)
			return err_set(e, ERR_INPUT, file, line, col,
				       "sweep '%s': at most %d values", path,
				       SWEEP_MAX_VALUES);
		if (push_value(ax, t))
			return err_set(e, ERR_RUNTIME, file, 0, 0, "out of memory");
	}
	if (ax->n == 0)
		return err_set(e, ERR_INPUT, file, line, col,
			       "sweep '%s' has no values", path);
	return 0;
}

static int put_axis(struct sweep *sw, struct sweep_axis *ax, const char *file,
		    int line, int col, struct err *e)
{
	for (size_t a = 0; a < sw->naxes; a++) {
		if (!strcmp(sw->axes[a].path, ax->path)) {
			axis_free(&sw->axes[a]);
			sw->axes[a] = *ax;
			return 0;
		}
	}
	if (sw->naxes == SWEEP_MAX_AXES) {
		axis_free(ax);
		return err_set(e, ERR_INPUT, file, line, col,
			       "at most %d sweep axes", SWEEP_MAX_AXES);
	}
	sw->axes[sw->naxes++] = *ax;
	return 0;
}

int sweep_from_tree(struct sweep *sw, struct ynode *root, struct err *e)
{
	struct ynode *n = ynode_get(root, "sweep");
	if (!n)
		return 0;
	ynode_mark_used(n);
	if (n->kind != YN_MAP)
		return cfg_error(e, n, "'sweep' must map parameter paths to values "
				 "or ranges");
	for (size_t i = 0; i < n->n; i++) {
		struct ynode *k = n->keys[i], *v = n->items[i];
		struct sweep_axis ax;
		char spec[4096] = "";
		if (v->kind == YN_SCALAR) {
			snprintf(spec, sizeof(spec), "%s", v->value);
		} else if (v->kind == YN_SEQ) {
			/* A YAML list: values taken as they are (commas inside
			 * a value, e.g. normal(1us, 100ns), are fine). */
			memset(&ax, 0, sizeof(ax));
			if (strlen(k->value) >= sizeof(ax.path) || v->n == 0 ||
			    v->n > SWEEP_MAX_VALUES)
				return cfg_error(e, v, "sweep '%s' needs 1..%d values",
						 k->value, SWEEP_MAX_VALUES);
			snprintf(ax.path, sizeof(ax.path), "%s", k->value);
			for (size_t j = 0; j < v->n; j++) {
				if (v->items[j]->kind != YN_SCALAR) {
					axis_free(&ax);
					return cfg_error(e, v->items[j],
							 "sweep values must be scalars");
				}
				if (push_value(&ax, v->items[j]->value)) {
					axis_free(&ax);
					return err_set(e, ERR_RUNTIME, NULL, 0, 0,
						       "out of memory");
				}
			}
			if (put_axis(sw, &ax, v->file, v->line, v->col, e))
				return e->status;
			continue;
		} else {
			return cfg_error(e, v, "sweep '%s': give a list of values or "
					 "lo:hi:n[:log]", k->value);
		}
		if (v->kind == YN_SEQ && v->n == 0)
			return cfg_error(e, v, "sweep '%s' has no values", k->value);
		if (sweep_axis_parse(&ax, k->value, spec, v->file, v->line, v->col,
				     e)) {
			axis_free(&ax);
			return e->status;
		}
		if (put_axis(sw, &ax, v->file, v->line, v->col, e))
			return e->status;
	}
	return 0;
}

int sweep_add_arg(struct sweep *sw, const char *arg, struct err *e)
{
	char where[300];
	snprintf(where, sizeof(where), "--sweep '%s'", arg);
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg)
		return err_set(e, ERR_INPUT, where, 0, 0,
			       "expected PATH=v1,v2,... or PATH=lo:hi:n[:log]");
	char path[128];
	size_t plen = (size_t)(eq - arg);
	if (plen >= sizeof(path))
		return err_set(e, ERR_INPUT, where, 0, 0, "path too long");
	memcpy(path, arg, plen);
	path[plen] = 0;
	struct sweep_axis ax;
	if (sweep_axis_parse(&ax, path, eq + 1, where, 0, 0, e)) {
		axis_free(&ax);
		return e->status;
	}
	return put_axis(sw, &ax, where, 0, 0, e);
}

size_t sweep_npoints(const struct sweep *sw)
{
	size_t n = 1;
	for (size_t a = 0; a < sw->naxes; a++) {
		if (sw->axes[a].n && n > SIZE_MAX / sw->axes[a].n)
			return SIZE_MAX;
		n *= sw->axes[a].n;
	}
	return n;
}

size_t sweep_index(const struct sweep *sw, size_t p, size_t a)
{
	for (size_t b = sw->naxes; b-- > a + 1;)
		p /= sw->axes[b].n;
	return p % sw->axes[a].n;
}

void sweep_point_set(const struct sweep *sw, size_t p, size_t a, char *buf,
		     size_t size)
{
	const struct sweep_axis *ax = &sw->axes[a];
	snprintf(buf, size, "%s=%s", ax->path, ax->values[sweep_index(sw, p, a)]);
}
