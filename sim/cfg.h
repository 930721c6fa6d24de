/* cfg.h - typed, validated reads from a scenario mapping.
 *
 * Each reader takes the mapping node, a key (a string literal: the tree keeps
 * the pointer to suggest it for misspellings) and a default in scenario text
 * form.  A NULL default makes the key required.  When the key is absent the
 * default is written into the tree, so the emitted tree is the scenario as
 * resolved (every default visible).  Errors are ERR_INPUT, positioned at the
 * value (or at the mapping for a missing key, or at a misspelt sibling key:
 * "unknown key 'arival' (did you mean 'arrival'?)").
 *
 * All return 0 or ERR_INPUT.
 */
#ifndef BPFSIM_CFG_H
#define BPFSIM_CFG_H

#include <stdint.h>
#include "sim/dist.h"
#include "sim/err.h"
#include "sim/ytree.h"

/* Mapping child (created empty when absent).  NULL with e set when the key
 * holds a scalar or a sequence. */
struct ynode *cfg_section(struct ynode *map, const char *key, struct err *e);

/* The value node for key (scalar, mapping or sequence) or NULL when absent
 * and not required; with required != 0 a missing key is an error. */
struct ynode *cfg_node(struct ynode *map, const char *key, int required,
		       struct err *e);

/* Plain number (k/M/G suffixes) in [lo, hi]. */
int cfg_number(struct ynode *map, const char *key, const char *def,
	       double lo, double hi, double *out, struct err *e);
/* Whole number in [lo, hi]. */
int cfg_uint(struct ynode *map, const char *key, const char *def,
	     uint64_t lo, uint64_t hi, uint64_t *out, struct err *e);
/* Duration in ns, within [lo, hi] ns and the clock's horizon
 * (UNITS_HORIZON_NS, 2^62 ns, whatever hi says); a positive value under
 * 0.5ns (it would round to 0) is refused. */
int cfg_duration(struct ynode *map, const char *key, const char *def,
		 double lo, double hi, double *ns, struct err *e);
/* Rate per second, > 0. */
int cfg_rate(struct ynode *map, const char *key, const char *def,
	     double *per_s, struct err *e);
/* true/false/yes/no/on/off. */
int cfg_bool(struct ynode *map, const char *key, const char *def, int *out,
	     struct err *e);
/* One of choices (NULL-terminated); *out is the index.  Suggests the nearest
 * choice on a misspelling. */
int cfg_enum(struct ynode *map, const char *key, const char *def,
	     const char *const *choices, int *out, struct err *e);
/* Scalar text (owned by the tree). */
int cfg_string(struct ynode *map, const char *key, const char *def,
	       const char **out, struct err *e);
/* Distribution; *out owned by the caller (dist_free). */
int cfg_dist(struct ynode *map, const char *key, const char *def,
	     enum dist_unit unit, struct dist **out, struct err *e);

/* Positioned error at node n (helper for models' own checks). */
int cfg_error(struct err *e, const struct ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
