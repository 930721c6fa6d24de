/* objective.c - parse and evaluate capacity objectives (see objective.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/exp/objective.h"
#include "sim/units.h"
#include "sim/ytree.h"

static char *trim(char *s)
{
	while (*s == ' ')
		s++;
	size_t n = strlen(s);
	while (n && s[n - 1] == ' ')
		s[--n] = 0;
	return s;
}

/* A threshold written in the metric's own unit: a duration for a metric
 * in ns ("wait_p99<=1ms"), a rate for one in 1/s ("runs_per_s<=50k/s"), a
 * percentage for a ratio ("overhead_ratio<=5%").  0 with *v in the
 * metric's base unit, -1 when rhs is none of these. */
static int threshold_in_unit(const char *rhs, const char *unit, double *v)
{
	char why[160];
	if (!unit)
		return -1;
	if (!strcmp(unit, "ns"))
		return units_parse_duration(rhs, v, why, sizeof(why));
	if (!strcmp(unit, "1/s"))
		return units_parse_rate(rhs, v, why, sizeof(why));
	size_t n = strlen(rhs);
	if (!strcmp(unit, "ratio") && n > 1 && rhs[n - 1] == '%') {
		char num[64];
		if (n >= sizeof(num))
			return -1;
		memcpy(num, rhs, n - 1);
		num[n - 1] = 0;
		if (units_parse_number(num, v, why, sizeof(why)))
			return -1;
		*v /= 100;
		return 0;
	}
	return -1;
}

static const char *unit_hint(const char *unit)
{
	if (unit && !strcmp(unit, "ns"))
		return " (a duration: 500us, 1ms)";
	if (unit && !strcmp(unit, "1/s"))
		return " (a rate: 50k/s)";
	if (unit && !strcmp(unit, "ratio"))
		return " (a ratio: 0.05 or 5%)";
	return "";
}

static int add_metric_term(struct objective *o, int mi, int le, double v)
{
	o->t[o->n].metric = mi;
	o->t[o->n].le = le;
	o->t[o->n].value = v;
	o->n++;
	return 0;
}

static int parse_term(struct objective *o, char *term, const struct model *m,
		      const char *where, struct err *e)
{
	if (o->n == OBJ_MAX_TERMS)
		return err_set(e, ERR_INPUT, where, 0, 0, "at most %d terms",
			       OBJ_MAX_TERMS);
	char *op;
	const char *ops[] = { "<=", ">=", "!=", "==" };
	int k = -1;
	for (int i = 0; i < 4 && k < 0; i++)
		if ((op = strstr(term, ops[i])))
			k = i;
	if (k < 0)
		return err_set(e, ERR_INPUT, where, 0, 0,
			       "term '%s' has no <=, >=, != or ==", term);
	*op = 0;
	char *lhs = trim(term), *rhs = trim(op + 2);
	if (!strcmp(lhs, "regime")) {
		if (k < 2)
			return err_set(e, ERR_INPUT, where, 0, 0,
				       "regime takes != or ==, e.g. regime!=exploding");
		for (int g = 0; g < REGIME_COUNT; g++) {
			if (!strcmp(rhs, regime_names[g])) {
				o->t[o->n].metric = -1;
				o->t[o->n].regime = g;
				o->t[o->n].not_equal = k == 2;
				o->n++;
				return 0;
			}
		}
		return err_set(e, ERR_INPUT, where, 0, 0,
			       "unknown regime '%s' (converging, stable, oscillating "
			       "or exploding)", rhs);
	}
	if (k >= 2)
		return err_set(e, ERR_INPUT, where, 0, 0,
			       "a metric takes <= or >= (got '%s')", ops[k]);
	int mi = model_metric_index(m, lhs);
	if (mi < 0) {
		const char *names[256];
		size_t n = 0;
		for (; m->metrics[n].name && n < 255; n++)
			names[n] = m->metrics[n].name;
		names[n] = NULL;
		const char *s = ynode_suggest(NULL, lhs, names);
		if (s)
			return err_set(e, ERR_INPUT, where, 0, 0,
				       "unknown metric '%s' (did you mean '%s'?)", lhs,
				       s);
		return err_set(e, ERR_INPUT, where, 0, 0,
			       "unknown metric '%s' (see: bpfsim models %s)", lhs,
			       m->name);
	}
	double v;
	char why[160];
	if (units_parse_number(rhs, &v, why, sizeof(why)) &&
	    threshold_in_unit(rhs, m->metrics[mi].unit, &v))
		return err_set(e, ERR_INPUT, where, 0, 0, "'%s': %s%s", rhs, why,
			       unit_hint(m->metrics[mi].unit));
	return add_metric_term(o, mi, k == 0, v);
}

int objective_parse(struct objective *o, const char *text, const struct model *m,
		    const char *where, struct err *e)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->text, sizeof(o->text), "%s", text);
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", text);
	/* Split on " and " / "&&". */
	char *p = buf;
	for (;;) {
		char *a = strstr(p, " and "), *b = strstr(p, "&&");
		char *cut = a && (!b || a < b) ? a : b;
		size_t skip = cut == a ? 5 : 2;
		if (cut)
			*cut = 0;
		char *term = trim(p);
		if (!*term)
			return err_set(e, ERR_INPUT, where, 0, 0,
				       "empty term in objective '%s'", text);
		if (parse_term(o, term, m, where, e))
			return e->status;
		if (!cut)
			break;
		p = cut + skip;
	}
	return 0;
}

struct objective_eval objective_eval(const struct objective *o,
				     const struct stat_summary *sums,
				     const size_t *regimes, size_t nreps)
{
	struct objective_eval ev = { 1, 1, 0 };
	for (size_t i = 0; i < o->n; i++) {
		if (o->t[i].metric < 0) {
			size_t hit = regimes[o->t[i].regime];
			size_t good = o->t[i].not_equal ? nreps - hit : hit;
			if (2 * good <= nreps)
				ev.mean_pass = 0;
			if (good < nreps)
				ev.sure_pass = 0;
			if (2 * good < nreps)
				ev.sure_fail = 1;
			continue;
		}
		const struct stat_summary *su = &sums[o->t[i].metric];
		double v = o->t[i].value;
		double lo = isfinite(su->lo) ? su->lo : su->mean;
		double hi = isfinite(su->hi) ? su->hi : su->mean;
		if (!isfinite(su->mean)) {
			ev.mean_pass = ev.sure_pass = 0;
			continue;
		}
		if (o->t[i].le) {
			if (!(su->mean <= v))
				ev.mean_pass = 0;
			if (!(hi <= v))
				ev.sure_pass = 0;
			if (lo > v)
				ev.sure_fail = 1;
		} else {
			if (!(su->mean >= v))
				ev.mean_pass = 0;
			if (!(lo >= v))
				ev.sure_pass = 0;
			if (hi < v)
				ev.sure_fail = 1;
		}
	}
	return ev;
}
