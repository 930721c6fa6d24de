/* factor.h - cost multipliers that grow with a load figure.
 *
 * A storage operation's cost is its base distribution times factors such as
 * f(map occupancy) and f(live tasks).  Forms, in scenario text:
 *   none                   f(x) = 1
 *   linear(k)              f(x) = 1 + k x
 *   quadratic(scale)       f(x) = 1 + (x / scale)^2      (the reference model:
 *                          scale 1024 on map occupancy)
 *   {table: [[x0, f0], [x1, f1], ...]}  or  table(x0:f0, x1:f1, ...)
 *                          piecewise-linear through the points (GSL
 *                          gsl_interp_linear), constant beyond the ends; the
 *                          form calibration writes.  x strictly increasing,
 *                          f > 0.
 * A factor is immutable after parsing and safe to share between threads:
 * the accelerator a hot caller may pass (GSL's cache of the last table
 * interval, which finds the same interval as a search) is the caller's.
 */
#ifndef BPFSIM_FACTOR_H
#define BPFSIM_FACTOR_H

#include <stddef.h>
#include <gsl/gsl_interp.h>
#include "sim/err.h"
#include "sim/ytree.h"

enum factor_kind { FACTOR_NONE, FACTOR_LINEAR, FACTOR_QUADRATIC, FACTOR_TABLE };

struct factor {
	enum factor_kind kind;
	double k;             /* linear slope or quadratic scale */
	size_t n;             /* table points */
	double *x, *y;
	gsl_interp *interp;   /* table only (NULL for 1 point) */
};

/* Parse node into f (zeroed first).  ERR_INPUT with position on error. */
int factor_parse(struct ynode *n, struct factor *f, struct err *e);
/* Read map[key] as a factor, writing `def` into the tree when absent. */
int factor_read(struct ynode *map, const char *key, const char *def,
		struct factor *f, struct err *e);
/* Build a table factor from arrays (copied); -1 on bad input/allocation. */
int factor_table(struct factor *f, const double *x, const double *y, size_t n);
void factor_fini(struct factor *f);
double factor_eval(const struct factor *f, double x);
/* factor_eval with acc (NULL: none) for a table's interval search: the
 * same value, found without a search while x stays in one interval. */
double factor_eval_acc(const struct factor *f, double x,
		       gsl_interp_accel *acc);

#endif
