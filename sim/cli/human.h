/* human.h - numbers in the units people read them in.
 *
 * The files of an output folder keep every number exact and in its base
 * unit (ns, a ratio, a count: out_num).  Tables meant for people (`bpfsim
 * diff`'s text, `bpfsim report`'s pages) show them scaled instead: a
 * duration in ns, µs, ms or s by its size, a ratio as a percentage, any
 * other unit as it is.  A row of related numbers (an old value, a new one,
 * their difference and its interval) shares one scale, chosen once from
 * the largest of them, so the column reads as one unit.
 *
 * Nothing here allocates; every function writes into the caller's buffer
 * (truncating, never overflowing) and returns it.  Text is UTF-8 ("µs",
 * "±").
 */
#ifndef BPFSIM_HUMAN_H
#define BPFSIM_HUMAN_H

#include <stddef.h>

struct human_scale {
	double div;             /* shown value = value / div */
	const char *unit;       /* the unit shown ("µs", "%", "count", "") */
};

/* The scale for values of a metric's unit (the model table's: "ns",
 * "ratio", "count", "1/s", ...; NULL or "" for none) whose largest
 * magnitude is |x| (non-finite x: the base unit). */
void human_scale(const char *unit, double x, struct human_scale *s);

/* v / s->div with `sig` significant digits, "-" when v is not finite. */
char *human_num(double v, const struct human_scale *s, int sig, char *buf,
		size_t size);

/* "mean ± half UNIT" in the scale of max(|mean|, half), the mean shown to
 * the half-width's second significant digit (as bpfsim run's table
 * does); "mean UNIT" when half is 0 or not finite, "-" when mean is not
 * finite. */
char *human_mean_ci(double mean, double half, const char *unit, char *buf,
		    size_t size);

#endif
