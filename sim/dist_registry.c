/* dist_registry.c - the built-in distribution families, one line each.
 *
 * Adding a family: write sim/dist_NAME.c (dist_family.h says what its
 * table holds) and add X(NAME) below.  The order is enum dist_kind's
 * (sim/dist.h) for the families listed there; a new family goes at the end
 * and needs no enum constant.  empirical and mixture are the special forms
 * of sim/dist.c.
 */
#include <stddef.h>
#include "sim/dist_family.h"

#define DIST_BUILTIN(X) \
	X(constant) \
	X(uniform) \
	X(normal) \
	X(lognormal) \
	X(gamma) \
	X(exponential) \
	X(weibull) \
	X(pareto) \
	X(empirical) \
	X(mixture)

#define DECLARE(name) extern const struct dist_family dist_family_##name;
DIST_BUILTIN(DECLARE)
#undef DECLARE

#define ENTRY(name) &dist_family_##name,
const struct dist_family *const dist_families[] = { DIST_BUILTIN(ENTRY) NULL };
#undef ENTRY
