/* human.c - numbers in human units (human.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/cli/human.h"

void human_scale(const char *unit, double x, struct human_scale *s)
{
	double a = isfinite(x) ? fabs(x) : 0;
	s->div = 1;
	s->unit = unit ? unit : "";
	if (unit && !strcmp(unit, "ns")) {
		if (a >= 1e9) {
			s->div = 1e9;
			s->unit = "s";
		} else if (a >= 1e6) {
			s->div = 1e6;
			s->unit = "ms";
		} else if (a >= 1e3) {
			s->div = 1e3;
			s->unit = "µs";
		}
	} else if (unit && !strcmp(unit, "ratio")) {
		s->div = 0.01;
		s->unit = "%";
	}
}

char *human_num(double v, const struct human_scale *s, int sig, char *buf,
		size_t size)
{
	if (!isfinite(v))
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.*g", sig, v / s->div);
	return buf;
}

char *human_mean_ci(double mean, double half, const char *unit, char *buf,
		    size_t size)
{
	struct human_scale s;
	if (!isfinite(mean)) {
		snprintf(buf, size, "-");
		return buf;
	}
	int ci = isfinite(half) && half > 0;
	human_scale(unit, fmax(fabs(mean), ci ? half : 0), &s);
	double m = mean / s.div, h = ci ? half / s.div : 0;
	const char *sp = s.unit[0] && strcmp(s.unit, "%") ? " " : "";
	if (!ci) {
		snprintf(buf, size, "%.6g%s%s", m, sp, s.unit);
		return buf;
	}
	/* Two significant digits of the half-width; the mean to the same
	 * decimal place. */
	int dec = 1 - (int)floor(log10(h));
	double big = fmax(fabs(m), h);
	if (big >= 1e7 || big < 1e-4 || dec > 8)
		snprintf(buf, size, "%.4g ± %.2g%s%s", m, h, sp, s.unit);
	else {
		if (dec < 0)
			dec = 0;
		snprintf(buf, size, "%.*f ± %.*f%s%s", dec, m, dec, h, sp,
			 s.unit);
	}
	return buf;
}
