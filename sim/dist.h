/* dist.h - probability distributions for scenario inputs, over GSL samplers.
 *
 * Kinds and their text form (durations take ns/us/ms/s; `shape`/`sigma` are
 * plain numbers):
 *   constant(v)  or just  v           uniform(lo, hi)
 *   normal(mean, sd)                   lognormal(median, sigma)   [mu = ln median]
 *   exponential(mean)                  gamma(shape, scale)
 *   weibull(scale, shape)              pareto(shape, scale)       [scale = minimum]
 * and in mapping form, e.g. {dist: normal, mean: 400ns, sd: 10ns}, which also
 * holds the kinds with list parameters:
 *   {dist: empirical, edges: [e0, e1, ..., en], counts: [c1, ..., cn]}
 *       piecewise-uniform over histogram bins (gsl_histogram_pdf);
 *   {dist: mixture, components: [{weight: 0.9, dist: normal(..)}, ...]}
 *       weights must sum to 1 (within 1e-6).
 *
 * Units: a DIST_DURATION distribution works in nanoseconds; every duration
 * parameter must carry a unit (a bare 0 is allowed).  A DIST_NUMBER
 * distribution takes plain numbers.
 *
 * Sampling: dist_sample() returns the raw draw.  dist_sample_nonneg() is what
 * durations use: a negative draw is *resampled* (so a normal(4ns, 1ns) is
 * truncated at 0, not clipped), giving up after 64 tries and returning 0.
 * Means/variances reported by dist_mean()/dist_var() are of the raw,
 * untruncated distribution.
 *
 * Families: every parametric family (constant ... pareto above) is one
 * table, struct dist_family in sim/dist_family.h, in its own file
 * sim/dist_NAME.c, listed once in sim/dist_registry.c; this module parses,
 * checks, prints, samples and describes them from the table alone.
 * empirical and mixture are special forms handled here (list parameters).
 *
 * A dist is immutable after parsing; sampling only mutates the gsl_rng, so one
 * dist may be shared by threads that each own their generator.
 */
#ifndef BPFSIM_DIST_H
#define BPFSIM_DIST_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "sim/err.h"
#include "sim/units.h"
#include "sim/ytree.h"

/* Names for the built-in families' positions in dist_families[]
 * (sim/dist_registry.c), for callers that test for one kind (M/M/c needs
 * exponentials).  Not a list of families: a new family needs no constant
 * here (its dist_kind() is DIST_OTHER unless it is built in, then its
 * registry position); compare dist_family() pointers or names instead. */
enum dist_kind {
	DIST_OTHER = -1,
	DIST_CONSTANT, DIST_UNIFORM, DIST_NORMAL, DIST_LOGNORMAL,
	DIST_GAMMA, DIST_EXPONENTIAL, DIST_WEIBULL, DIST_PARETO,
	DIST_EMPIRICAL, DIST_MIXTURE,
};

enum dist_unit { DIST_DURATION, DIST_NUMBER };

struct dist;
struct dist_family;

/* Parse from a scenario node (scalar text or mapping).  NULL with e set
 * (ERR_INPUT, positioned at the offending node) on any error. */
struct dist *dist_parse(struct ynode *n, enum dist_unit unit, struct err *e);
/* Parse text form; file/line/col locate `text` for messages (col of its
 * first character; errors inside point at the offending argument). */
struct dist *dist_parse_text(const char *text, enum dist_unit unit,
			     const char *file, int line, int col, struct err *e);
/* The same with the families of reg (NULL-terminated; NULL: the built-in
 * dist_families[]), e.g. the built-ins plus a test's own family.  Mixture
 * components are parsed with reg too. */
struct dist *dist_parse_with(const struct dist_family *const *reg,
			     struct ynode *n, enum dist_unit unit,
			     struct err *e);
struct dist *dist_parse_text_with(const struct dist_family *const *reg,
				  const char *text, enum dist_unit unit,
				  const char *file, int line, int col,
				  struct err *e);

/* Programmatic constructors (tests, models' defaults).  NULL on bad params
 * or for a special form (empirical, mixture). */
struct dist *dist_new(enum dist_kind kind, enum dist_unit unit,
		      double p0, double p1);
/* Family f with parameters p[0..f->np). */
struct dist *dist_new_family(const struct dist_family *f, enum dist_unit unit,
			     const double *p);
/* Empirical over n bins: edges[n+1] increasing (>= 0 for DIST_DURATION),
 * counts[n] >= 0, sum > 0. */
struct dist *dist_new_empirical(enum dist_unit unit, const double *edges,
				const double *counts, size_t n);

void dist_free(struct dist *d);   /* NULL is fine */

double dist_sample(const struct dist *d, gsl_rng *r);
double dist_sample_nonneg(const struct dist *d, gsl_rng *r);
/* dist_sample_nonneg rounded to whole nanoseconds (half up), saturating at
 * DIST_NS_MAX, the clock's horizon: what a model schedules on the integer
 * clock.  A parsed duration distribution rarely saturates (the horizon
 * rule below). */
#define DIST_NS_MAX UNITS_HORIZON_NS
uint64_t dist_sample_ns(const struct dist *d, gsl_rng *r);
/* P(X > x) of the raw distribution: the family's sf (or 1 - cdf);
 * empirical: the mass above x, bins read as uniform; mixture: weighted.
 * Where a family has neither hook, or it answers NaN: 1 if the mean
 * exceeds x, else 0. */
double dist_sf(const struct dist *d, double x);
/* The horizon rule for duration distributions: a draw may exceed the
 * clock's horizon (DIST_NS_MAX, 2^62 ns) with probability at most
 * DIST_HORIZON_TAIL, i.e. the 99.9th percentile must be within it;
 * beyond, draws would be clamped (silently wrong) and sums of them pass
 * the 64-bit clock.  dist_parse() and dist_parse_with() refuse a
 * DIST_DURATION distribution that breaks it (ERR_INPUT at its node), as
 * do models for the distributions they build from rates.  0, or -1 with
 * the reason in msg ("weibull(1us, 1e-09) draws beyond ...").  They also
 * refuse a duration constant in (0, 0.5) ns (alone or in a mixture): it
 * rounds to 0 at every draw, as a duration key of that size would; and a
 * duration distribution more than half below 0 (dist_sample_nonneg's
 * resampling would give up and return 0, silently: -5ns,
 * uniform(-2us, -1us)). */
#define DIST_HORIZON_TAIL 1e-3
int dist_check_horizon(const struct dist *d, char *msg, size_t size);
/* Theoretical mean and variance (INFINITY where they do not exist). */
double dist_mean(const struct dist *d);
double dist_var(const struct dist *d);
/* Position of d's family in the built-in registry, or DIST_OTHER. */
enum dist_kind dist_kind(const struct dist *d);
/* d's family table (special forms too: their tables have no hooks). */
const struct dist_family *dist_family(const struct dist *d);
/* True for a constant 0 (models skip work for zero costs). */
int dist_is_zero(const struct dist *d);
/* Canonical text form, e.g. "normal(400ns, 10ns)"; returns buf. */
char *dist_format(const struct dist *d, char *buf, size_t size);
/* Name of a built-in kind ("normal"); "?" for DIST_OTHER. */
const char *dist_kind_name(enum dist_kind k);

#endif
