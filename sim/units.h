/* units.h - parse numbers with units from scenario text.
 *
 * Durations: a number followed by ns, us, ms or s ("400ns", "1.5ms", "2s");
 * the result is in nanoseconds (double, so distribution parameters keep
 * fractions).  A bare 0 is accepted as a duration; any other bare number is an
 * error ("missing unit").  Counts and plain numbers accept the SI suffixes k, M
 * and G (1k = 1000) and scientific notation.  Rates accept "/s" forms too:
 * "2000/s", "2k/s" (per second; plain numbers are also per second).
 *
 * All functions return 0 on success, or -1 and write a short reason (without
 * position) into why[whylen].
 */
#ifndef BPFSIM_UNITS_H
#define BPFSIM_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* The simulated clock's horizon: the longest time a scenario may state
 * (duration, warmup, window, a trace's spawn times and demands) and the
 * largest draw a duration distribution may make (dist.h DIST_NS_MAX).
 * 2^62 ns, about 146 years: the clock is 64 bits, so a time within the
 * horizon plus a draw within it can never wrap.  Scenarios whose times
 * cannot fit are refused at load (cfg.h, dist.h). */
#define UNITS_HORIZON_NS (UINT64_C(1) << 62)
#define UNITS_HORIZON_TEXT "2^62ns (~146 years)"

int units_parse_duration(const char *s, double *ns, char *why, size_t whylen);
int units_parse_number(const char *s, double *out, char *why, size_t whylen);
int units_parse_rate(const char *s, double *per_s, char *why, size_t whylen);
/* llround(x) for 0 <= x < UNITS_HORIZON_NS, without the libm call (hot
 * paths: a program's cost, every invocation).  The same value: the
 * truncation is floor(x), exact in a double, and x minus it is exact too
 * (Sterbenz: for x >= 1 the two are within a factor of 2; below 1 the
 * floor is 0), so the comparison with 0.5 is llround's own. */
static inline uint64_t units_round_ns(double x)
{
	uint64_t i = (uint64_t)x;
	return i + (x - (double)i >= 0.5);
}
/* Format ns compactly ("1.5ms", "400ns") into buf; returns buf. */
char *units_format_duration(double ns, char *buf, size_t size);

#endif
