/* sweep.h - the parameter grid of `bpfsim sweep`: axes and their points.
 *
 * An axis is a dotted scenario path and a list of values (scenario text).
 * Written in the scenario as
 *     sweep:
 *       workload.processes: [100, 1000, 10000]
 *       workload.lifetime: 100us:10ms:5:log
 * or on the command line as --sweep PATH=v1,v2,... / --sweep PATH=lo:hi:n[:log]
 * (values containing commas: separate them with ';' on the command line, or
 * use a YAML list in the scenario)
 * (a command-line axis replaces the scenario's axis of the same path).
 * A range gives n values from lo to hi, evenly spaced, or geometrically with
 * `log`; lo and hi keep their unit (ns for durations, /s for rates); when
 * both are plain whole numbers the values are rounded to whole numbers and
 * duplicates dropped.
 *
 * Points are the cartesian product in axis order, the last axis varying
 * fastest; point i's --set assignments come from sweep_point_sets().  The
 * model's strategy key is not an axis: strategies are compared at every
 * point (compare: list or --strategies).
 */
#ifndef BPFSIM_SWEEP_H
#define BPFSIM_SWEEP_H

#include <stddef.h>
#include "sim/err.h"
#include "sim/ytree.h"

#define SWEEP_MAX_AXES 8
#define SWEEP_MAX_VALUES 1000
#define SWEEP_MAX_POINTS 100000   /* every point is a loaded scenario */

struct sweep_axis {
	char path[128];
	size_t n;
	char **values;         /* n scenario-text values (owned) */
	int log;               /* built from a log-spaced range */
};

struct sweep {
	size_t naxes;
	struct sweep_axis axes[SWEEP_MAX_AXES];
};

void sweep_init(struct sweep *sw);
void sweep_fini(struct sweep *sw);

/* Read the scenario's `sweep:` mapping (absent: no axes).  Marks it used. */
int sweep_from_tree(struct sweep *sw, struct ynode *root, struct err *e);
/* Add or replace an axis from "PATH=v1,v2" or "PATH=lo:hi:n[:log]". */
int sweep_add_arg(struct sweep *sw, const char *arg, struct err *e);
/* Parse one axis specification (list text or range) at node/position. */
int sweep_axis_parse(struct sweep_axis *ax, const char *path, const char *spec,
		     const char *file, int line, int col, struct err *e);

/* A range bound with its unit: kind 0 plain number, 1 duration (ns),
 * 2 rate (per s).  0 or -1 with why. */
int sweep_bound_parse(const char *s, double *v, int *kind, char *why,
		      size_t wsize);
/* Scenario text for value v of that kind (whole: rounded integer). */
void sweep_format_value(double v, int kind, int whole, char *buf, size_t size);
/* True for an optionally signed string of decimal digits. */
int sweep_is_whole(const char *s);

/* Number of points (1 when there are no axes); SIZE_MAX when the product
 * overflows. */
size_t sweep_npoints(const struct sweep *sw);
/* Value index of axis a at point p. */
size_t sweep_index(const struct sweep *sw, size_t p, size_t a);
/* "PATH=VALUE" of axis a at point p into buf. */
void sweep_point_set(const struct sweep *sw, size_t p, size_t a, char *buf,
		     size_t size);

#endif
