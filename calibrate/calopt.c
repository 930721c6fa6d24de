/* calopt.c - the options `bpfsim calibrate` and `bpfsim validate` share
 * (calopt.h).  The messages name the option and echo what was given, as
 * tests/cli/calibrate.sh and validate.sh expect them. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calibrate/calopt.h"
#include "sim/units.h"

int calopt_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "bpfsim %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see bpfsim %s --help)\n", cmd);
	return 2;
}

int calopt_attach(const char *cmd, const char *text, enum calib_attach *out)
{
	static const struct {
		const char *name;
		enum calib_attach a;
	} kinds[] = {
		{ "auto", CALIB_ATTACH_AUTO },
		{ "tp_btf", CALIB_ATTACH_TP_BTF },
		{ "raw_tp", CALIB_ATTACH_RAW_TP },
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(text, kinds[i].name)) {
			*out = kinds[i].a;
			return 0;
		}
	return calopt_usage(cmd, "--attach takes auto, tp_btf or raw_tp (got "
			    "'%s')", text);
}

int calopt_duration(const char *cmd, const char *opt, const char *text,
		    double lo_ns, double hi_ns, const char *range, double *ns)
{
	char why[160];
	if (units_parse_duration(text, ns, why, sizeof(why)) || *ns < lo_ns ||
	    *ns > hi_ns)
		return calopt_usage(cmd, "%s takes a time from %s (got '%s')", opt,
				    range, text);
	return 0;
}

int calopt_whole(const char *cmd, const char *opt, const char *text,
		 double lo, double hi, double *v)
{
	char why[160];
	/* Plain digits are compared exactly: through the double,
	 * 9007199254740993 (2^53 + 1) read as 2^53 and passed. */
	const char *t = text + strspn(text, " \t");
	size_t nd = strspn(t, "0123456789");
	int exact = nd > 0 && !t[nd + strspn(t + nd, " \t")];
	unsigned long long u = 0;
	if (exact) {
		errno = 0;
		u = strtoull(t, NULL, 10);
	}
	if (units_parse_number(text, v, why, sizeof(why)) || *v != floor(*v) ||
	    *v < lo || *v > hi ||
	    (exact && (errno == ERANGE || (double)u != *v ||
		       u > (unsigned long long)hi)))
		return calopt_usage(cmd, "%s takes a whole number in %.0f..%.0f "
				    "(got '%s')", opt, lo, hi, text);
	return 0;
}

int calopt_prog(const char *cmd, const char *text)
{
	if (!text[0])
		return calopt_usage(cmd, "--prog takes a program id, a name or "
				    "bundled:VARIANT (got '')");
	const char *digits = text + (text[0] == '-' || text[0] == '+');
	if (!*digits || digits[strspn(digits, "0123456789")])
		return 0;     /* a name (or bundled:VARIANT) */
	char *end;
	errno = 0;
	unsigned long long id = strtoull(digits, &end, 10);
	if (digits != text || errno == ERANGE || id < 1 || id > UINT32_MAX)
		return calopt_usage(cmd, "--prog takes a program id in "
				    "1..%u, a name or bundled:VARIANT (got "
				    "'%s')", (unsigned)UINT32_MAX, text);
	return 0;
}
