/* units.c - numbers, durations and rates with units, parsed strictly.
 *
 * Why strict: a scenario value that silently means something else ("400" read
 * as 400 ns when the author meant us, "4ms)" with a stray bracket) costs a
 * whole experiment, so every value is one decimal number, an optional unit or
 * suffix, and nothing else.  Grammar (ASCII whitespace allowed at both ends
 * and between number and unit; the decimal point is always '.'):
 *
 *   number   := [+-] (digits [. digits*] | . digits) [(e|E) [+-] digits]
 *   duration := number (ns | us | µs | ms | s)     | a number equal to 0
 *   count    := number [k | M | G]
 *   rate     := count ["/" (s | ms | us | ns)]     (per second when bare)
 *
 * The number is scanned here and only then handed to strtod, so "inf", "nan",
 * hex floats and locale quirks can never get in; results that are not finite
 * (1e999, 1e300s) are rejected.  Durations are in ns as doubles: a value
 * times a unit factor of 1, 1e3, 1e6 or 1e9.
 *
 * units_format_duration() writes the shortest text that parses back to
 * exactly the same double, in the largest unit that allows it, so formatted
 * distributions round-trip bit for bit.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim/units.h"

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int fail(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *why, size_t whylen, const char *fmt, ...)
{
	if (why && whylen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* The text between *b and *e with surrounding whitespace trimmed. */
static void trim(const char *s, const char **b, const char **e)
{
	const char *p = s, *q = s + strlen(s);
	while (p < q && is_space(*p))
		p++;
	while (q > p && is_space(q[-1]))
		q--;
	*b = p;
	*e = q;
}

/* Scan the number at [p, end); returns its length (0 if none). */
static size_t scan_number(const char *p, const char *end)
{
	const char *q = p;
	size_t digits = 0;
	if (q < end && (*q == '+' || *q == '-'))
		q++;
	while (q < end && is_digit(*q)) {
		q++;
		digits++;
	}
	if (q < end && *q == '.') {
		q++;
		while (q < end && is_digit(*q)) {
			q++;
			digits++;
		}
	}
	if (!digits)
		return 0;
	if (q < end && (*q == 'e' || *q == 'E')) {
		const char *x = q + 1;
		if (x < end && (*x == '+' || *x == '-'))
			x++;
		if (x < end && is_digit(*x)) {
			while (x < end && is_digit(*x))
				x++;
			q = x;
		}
	}
	return (size_t)(q - p);
}

/* Common front half: trim, scan and convert the number.  On success *v is
 * the number and [*sb, *se) the (trimmed) rest.  `what` names the expected
 * kind of value for the "expected ..." message. */
static int parse_front(const char *s, const char *what, double *v,
		       const char **sb, const char **se, char *why,
		       size_t whylen)
{
	const char *b, *e;
	char num[128];
	if (!s)
		s = "";
	trim(s, &b, &e);
	if (b == e)
		return fail(why, whylen, "empty value (expected %s)", what);
	size_t n = scan_number(b, e);
	if (n == 0)
		return fail(why, whylen, "expected %s, got '%s'", what, s);
	if (n >= sizeof(num))
		return fail(why, whylen, "number too long in '%s'", s);
	memcpy(num, b, n);
	num[n] = '\0';
	double x = strtod(num, NULL);
	if (!isfinite(x))
		return fail(why, whylen, "number out of range in '%s'", s);
	/* Underflow: "1e-400" is not 0 (a duration of 0 means "none").  A
	 * zero is all zeros before its exponent. */
	if (x == 0 && strcspn(num, "123456789") < strcspn(num, "eE"))
		return fail(why, whylen, "number out of range in '%s' (too "
			    "close to 0)", s);
	*v = x;
	b += n;
	while (b < e && is_space(*b))
		b++;
	*sb = b;
	*se = e;
	return 0;
}

static int token_is(const char *b, const char *e, const char *tok)
{
	size_t n = strlen(tok);
	return (size_t)(e - b) == n && memcmp(b, tok, n) == 0;
}

/* Length of the leading unit-like word (letters, or the UTF-8 micro sign). */
static size_t word_len(const char *b, const char *e)
{
	const char *q = b;
	for (;;) {
		if (q < e && is_alpha(*q))
			q++;
		else if (e - q >= 2 && (unsigned char)q[0] == 0xc2 &&
			 (unsigned char)q[1] == 0xb5)
			q += 2;
		else
			break;
	}
	return (size_t)(q - b);
}

/* ns per unit for a time unit word, or 0 if it is not one. */
static double time_unit(const char *b, const char *e)
{
	if (token_is(b, e, "ns"))
		return 1.0;
	if (token_is(b, e, "us") || token_is(b, e, "\xc2\xb5s"))
		return 1e3;
	if (token_is(b, e, "ms"))
		return 1e6;
	if (token_is(b, e, "s"))
		return 1e9;
	return 0.0;
}

/* Report what follows a valid value: "unexpected 'x' after ...". */
static int trailing(const char *rest, const char *s, char *why, size_t whylen)
{
	while (is_space(*rest))
		rest++;
	return fail(why, whylen, "unexpected '%s' after the value in '%s'",
		    rest, s);
}

int units_parse_duration(const char *s, double *ns, char *why, size_t whylen)
{
	double v;
	const char *b, *e;
	if (parse_front(s, "a duration such as 400ns", &v, &b, &e, why,
			whylen))
		return -1;
	if (b == e) {
		if (v != 0.0)
			return fail(why, whylen,
				    "missing unit (ns, us, ms or s) in '%s'", s);
		*ns = 0.0;
		return 0;
	}
	size_t w = word_len(b, e);
	if (w == 0)
		return trailing(b, s, why, whylen);
	double f = time_unit(b, b + w);
	if (f == 0.0)
		return fail(why, whylen,
			    "unknown unit '%.*s' in '%s' (expected ns, us, ms "
			    "or s)", (int)w, b, s);
	if (b + w != e)
		return trailing(b + w, s, why, whylen);
	double x = v * f;
	if (!isfinite(x))
		return fail(why, whylen, "duration out of range in '%s'", s);
	*ns = x;
	return 0;
}

/* Apply an optional k/M/G suffix at *b; advances *b past it. */
static double si_suffix(const char **b, const char *e)
{
	const char *p = *b;
	double m = 1.0;
	if (p < e && (*p == 'k' || *p == 'M' || *p == 'G')) {
		/* Only a suffix when it is a word on its own ("2k", "2k/s"),
		 * not the start of a longer word ("2ks"). */
		if (p + 1 < e && is_alpha(p[1]))
			return 1.0;
		m = *p == 'k' ? 1e3 : *p == 'M' ? 1e6 : 1e9;
		*b = p + 1;
	}
	return m;
}

int units_parse_number(const char *s, double *out, char *why, size_t whylen)
{
	double v;
	const char *b, *e;
	if (parse_front(s, "a number", &v, &b, &e, why, whylen))
		return -1;
	double m = si_suffix(&b, e);
	if (b != e) {
		size_t w = word_len(b, e);
		if (w == 0 || m != 1.0)
			return trailing(b, s, why, whylen);
		return fail(why, whylen,
			    "unknown suffix '%.*s' in '%s' (expected k, M or G)",
			    (int)w, b, s);
	}
	double x = v * m;
	if (!isfinite(x))
		return fail(why, whylen, "number out of range in '%s'", s);
	*out = x;
	return 0;
}

int units_parse_rate(const char *s, double *per_s, char *why, size_t whylen)
{
	double v;
	const char *b, *e;
	if (parse_front(s, "a rate such as 2000/s or 2k/s", &v, &b, &e, why,
			whylen))
		return -1;
	double m = si_suffix(&b, e);
	double f = 1e9;   /* ns per time unit; bare numbers are per second */
	while (b < e && is_space(*b))
		b++;
	if (b < e && *b == '/') {
		const char *u = b + 1;
		while (u < e && is_space(*u))
			u++;
		size_t w = word_len(u, e);
		f = time_unit(u, u + w);
		if (w == 0 || f == 0.0)
			return fail(why, whylen,
				    "unknown rate unit '/%.*s' in '%s' "
				    "(expected /s, /ms, /us or /ns)",
				    (int)w, u, s);
		b = u + w;
	} else if (b < e) {
		size_t w = word_len(b, e);
		if (w == 0 || m != 1.0)
			return trailing(b, s, why, whylen);
		return fail(why, whylen,
			    "unknown suffix '%.*s' in '%s' (expected a rate "
			    "such as 2000/s or 2k/s)", (int)w, b, s);
	}
	if (b != e)
		return trailing(b, s, why, whylen);
	double x = v * m * (1e9 / f);   /* 1e9 / f is exact for all four */
	if (!isfinite(x))
		return fail(why, whylen, "rate out of range in '%s'", s);
	*per_s = x;
	return 0;
}

char *units_format_duration(double ns, char *buf, size_t size)
{
	static const struct { const char *name; double f; } u[] = {
		{ "s", 1e9 }, { "ms", 1e6 }, { "us", 1e3 }, { "ns", 1.0 },
	};
	char tmp[64];
	double a = fabs(ns);
	if (!buf || size == 0)
		return buf;
	if (!isfinite(ns)) {
		snprintf(buf, size, "%s", isnan(ns) ? "nan" : ns < 0 ? "-inf"
								   : "inf");
		return buf;
	}
	if (ns == 0.0) {
		snprintf(buf, size, "0ns");
		return buf;
	}
	/* Largest unit the magnitude reaches; then the shortest %g text (over
	 * all precisions: "400" beats "4e+02") that parses back to exactly ns.
	 * Falling back to smaller units ends at "ns" with %.17g, which always
	 * round-trips. */
	size_t first = 3;
	for (size_t i = 0; i < 4; i++) {
		if (a >= u[i].f) {
			first = i;
			break;
		}
	}
	for (size_t i = first; i < 4; i++) {
		char best[64] = "";
		for (int p = 1; p <= 17; p++) {
			double back = NAN;
			snprintf(tmp, sizeof(tmp), "%.*g%s", p, ns / u[i].f,
				 u[i].name);
			if (units_parse_duration(tmp, &back, NULL, 0) == 0 &&
			    back == ns &&
			    (!best[0] || strlen(tmp) < strlen(best)))
				memcpy(best, tmp, sizeof(best));
		}
		if (best[0]) {
			snprintf(buf, size, "%s", best);
			return buf;
		}
	}
	snprintf(buf, size, "%.17gns", ns);
	return buf;
}
