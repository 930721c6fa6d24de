/* cfg.c - typed scenario reads: defaults into the tree, positioned errors.
 *
 * Every reader follows one pattern: look the key up (marking it known and
 * used), write the default into the tree when it is absent (so the emitted
 * tree is the resolved scenario), then parse and range-check the scalar.  A
 * missing required key first looks for a misspelt sibling, because "unknown
 * key 'arival' (did you mean 'arrival'?)" names the real mistake, and
 * "missing key 'arrival'" would not.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cfg.h"
#include "sim/units.h"

int cfg_error(struct err *e, const struct ynode *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = err_vset(e, ERR_INPUT, n ? n->file : NULL, n ? n->line : 0,
			  n ? n->col : 0, fmt, ap);
	va_end(ap);
	return rc;
}

/* A key of map, not asked for by anyone, that looks like a misspelling of
 * `key`; NULL if none. */
static struct ynode *misspelt_sibling(struct ynode *map, const char *key)
{
	for (size_t i = 0; i < map->n; i++) {
		struct ynode *k = map->keys[i];
		if (k->used)
			continue;
		const char *cand[2] = { key, NULL };
		if (ynode_suggest(NULL, k->value, cand))
			return k;
	}
	return NULL;
}

static int missing(struct ynode *map, const char *key, struct err *e)
{
	struct ynode *k = misspelt_sibling(map, key);
	if (k)
		return cfg_error(e, k, "unknown key '%s' (did you mean '%s'?)",
				 k->value, key);
	return cfg_error(e, map, "missing required key '%s'", key);
}

/* The node for key: the scenario's, or the default written into the tree.
 * NULL with e set when absent and required, or on allocation failure. */
static struct ynode *lookup(struct ynode *map, const char *key, const char *def,
			    struct err *e)
{
	if (!map || map->kind != YN_MAP) {
		cfg_error(e, map, "expected a mapping");
		return NULL;
	}
	struct ynode *n = ynode_get(map, key);
	if (n)
		return n;
	if (!def) {
		missing(map, key, e);
		return NULL;
	}
	n = ynode_set_scalar(map, key, def);
	if (!n) {
		err_set(e, ERR_RUNTIME, map->file, 0, 0, "out of memory");
		return NULL;
	}
	ynode_get(map, key);   /* mark the default used */
	return n;
}

static struct ynode *lookup_scalar(struct ynode *map, const char *key,
				   const char *def, struct err *e)
{
	struct ynode *n = lookup(map, key, def, e);
	if (n && n->kind != YN_SCALAR) {
		cfg_error(e, n, "'%s' must be a single value, not a %s", key,
			  ynode_kind_name(n));
		return NULL;
	}
	return n;
}

struct ynode *cfg_section(struct ynode *map, const char *key, struct err *e)
{
	if (!map || map->kind != YN_MAP) {
		cfg_error(e, map, "expected a mapping");
		return NULL;
	}
	struct ynode *n = ynode_get(map, key);
	if (n) {
		if (n->kind != YN_MAP) {
			cfg_error(e, n, "'%s' must be a mapping of keys, not a %s",
				  key, ynode_kind_name(n));
			return NULL;
		}
		return n;
	}
	n = ynode_ensure_map(map, key);
	if (!n) {
		err_set(e, ERR_RUNTIME, map->file, 0, 0, "out of memory");
		return NULL;
	}
	ynode_get(map, key);
	return n;
}

struct ynode *cfg_node(struct ynode *map, const char *key, int required,
		       struct err *e)
{
	if (!map || map->kind != YN_MAP) {
		cfg_error(e, map, "expected a mapping");
		return NULL;
	}
	struct ynode *n = ynode_get(map, key);
	if (!n && required)
		missing(map, key, e);
	return n;
}

static void format_num(double v, char *buf, size_t size)
{
	snprintf(buf, size, "%.10g", v);   /* limits such as 4194304 exactly */
}

static int check_range(const struct ynode *n, const char *key, double v,
		       double lo, double hi, const char *shown, struct err *e)
{
	char b[64];
	if (v < lo) {
		format_num(lo, b, sizeof(b));
		if (lo > 0 && lo < 1e-9)
			return cfg_error(e, n, "'%s' must be positive (got %s)",
					 key, shown);
		return cfg_error(e, n, "'%s' must be >= %s (got %s)", key, b,
				 shown);
	}
	if (v > hi) {
		format_num(hi, b, sizeof(b));
		return cfg_error(e, n, "'%s' must be <= %s (got %s)", key, b,
				 shown);
	}
	return 0;
}

int cfg_number(struct ynode *map, const char *key, const char *def, double lo,
	       double hi, double *out, struct err *e)
{
	struct ynode *n = lookup_scalar(map, key, def, e);
	if (!n)
		return e->status;
	char why[160];
	if (units_parse_number(n->value, out, why, sizeof(why)))
		return cfg_error(e, n, "'%s': %s", key, why);
	return check_range(n, key, *out, lo, hi, n->value, e);
}

int cfg_uint(struct ynode *map, const char *key, const char *def, uint64_t lo,
	     uint64_t hi, uint64_t *out, struct err *e)
{
	struct ynode *n = lookup_scalar(map, key, def, e);
	if (!n)
		return e->status;
	char why[160];
	double v;
	if (units_parse_number(n->value, &v, why, sizeof(why)))
		return cfg_error(e, n, "'%s': %s", key, why);
	if (v != floor(v) || v < 0)
		return cfg_error(e, n, "'%s' must be a whole number >= %llu (got %s)",
				 key, (unsigned long long)lo, n->value);
	/* Compared as integers: a double cannot tell 2^63 from 2^63-1.  Plain
	 * digits are read exactly; "1k" and "1e18" forms through the double. */
	uint64_t u;
	const char *t = n->value + strspn(n->value, " \t");
	if (t[0] >= '0' && t[0] <= '9' && !t[strspn(t, "0123456789")]) {
		errno = 0;
		u = strtoull(t, NULL, 10);
		if (errno == ERANGE)
			u = UINT64_MAX;
	} else {
		u = v >= 18446744073709551616.0 ? UINT64_MAX : (uint64_t)v;
	}
	if (u < lo)
		return cfg_error(e, n, "'%s' must be >= %llu (got %s)", key,
				 (unsigned long long)lo, n->value);
	if (u > hi)
		return cfg_error(e, n, "'%s' must be <= %llu (got %s)", key,
				 (unsigned long long)hi, n->value);
	*out = u;
	return 0;
}

int cfg_duration(struct ynode *map, const char *key, const char *def, double lo,
		 double hi, double *ns, struct err *e)
{
	struct ynode *n = lookup_scalar(map, key, def, e);
	if (!n)
		return e->status;
	char why[160];
	if (units_parse_duration(n->value, ns, why, sizeof(why)))
		return cfg_error(e, n, "'%s': %s", key, why);
	/* The clock counts whole ns: a positive value that rounds to 0 would
	 * become 0, which for some keys means "none" (duration: no horizon). */
	if (*ns > 0 && *ns < 0.5)
		return cfg_error(e, n, "'%s' is %s, which rounds to 0ns (the "
				 "clock counts whole nanoseconds)", key, n->value);
	if (*ns < lo) {
		char b[64];
		if (lo > 0 && lo <= 1)
			return cfg_error(e, n, "'%s' must be positive (got %s)",
					 key, n->value);
		return cfg_error(e, n, "'%s' must be at least %s (got %s)", key,
				 units_format_duration(lo, b, sizeof(b)),
				 n->value);
	}
	if (*ns > (double)UNITS_HORIZON_NS)
		return cfg_error(e, n, "'%s' is beyond the simulated clock's "
				 "horizon, " UNITS_HORIZON_TEXT " (got %s)", key,
				 n->value);
	if (*ns > hi) {
		char b[64];
		return cfg_error(e, n, "'%s' must be at most %s (got %s)", key,
				 units_format_duration(hi, b, sizeof(b)),
				 n->value);
	}
	return 0;
}

int cfg_rate(struct ynode *map, const char *key, const char *def,
	     double *per_s, struct err *e)
{
	struct ynode *n = lookup_scalar(map, key, def, e);
	if (!n)
		return e->status;
	char why[160];
	if (units_parse_rate(n->value, per_s, why, sizeof(why)))
		return cfg_error(e, n, "'%s': %s", key, why);
	if (!(*per_s > 0))
		return cfg_error(e, n, "'%s' must be positive (got %s)", key,
				 n->value);
	return 0;
}

int cfg_bool(struct ynode *map, const char *key, const char *def, int *out,
	     struct err *e)
{
	static const char *const t[] = { "true", "yes", "on", NULL };
	static const char *const f[] = { "false", "no", "off", NULL };
	struct ynode *n = lookup_scalar(map, key, def, e);
	if (!n)
		return e->status;
	for (int i = 0; t[i]; i++) {
		if (strcmp(n->value, t[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcmp(n->value, f[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return cfg_error(e, n, "'%s' must be true or false (got '%s')", key,
			 n->value);
}

int cfg_enum(struct ynode *map, const char *key, const char *def,
	     const char *const *choices, int *out, struct err *e)
{
	struct ynode *n = lookup_scalar(map, key, def, e);
	if (!n)
		return e->status;
	for (int i = 0; choices[i]; i++) {
		if (strcmp(n->value, choices[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	const char *s = ynode_suggest(NULL, n->value, choices);
	if (s)
		return cfg_error(e, n, "unknown %s '%s' (did you mean '%s'?)", key,
				 n->value, s);
	char list[256] = "";
	for (int i = 0; choices[i]; i++) {
		size_t len = strlen(list);
		snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
			 choices[i]);
	}
	return cfg_error(e, n, "unknown %s '%s' (expected one of: %s)", key,
			 n->value, list);
}

int cfg_string(struct ynode *map, const char *key, const char *def,
	       const char **out, struct err *e)
{
	struct ynode *n = lookup_scalar(map, key, def, e);
	if (!n)
		return e->status;
	*out = n->value;
	return 0;
}

int cfg_dist(struct ynode *map, const char *key, const char *def,
	     enum dist_unit unit, struct dist **out, struct err *e)
{
	struct ynode *n = lookup(map, key, def, e);
	if (!n)
		return e->status;
	*out = dist_parse(n, unit, e);
	return *out ? 0 : e->status;
}
