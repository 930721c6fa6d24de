/* calopt.h - the options `bpfsim calibrate` and `bpfsim validate` share.
 *
 * Both subcommands parse their own command lines (CLI_ARGS_OWN: their
 * options are not the experiment commands'), yet take the same
 * --duration, --attach and whole-number options and report usage errors
 * the same way: "bpfsim CMD: what was wrong (see bpfsim CMD --help)" on
 * stderr, exit status 2, nothing loaded or written.  Every function here
 * prints that message itself and returns 2 on bad input, 0 otherwise, so
 * a caller's option loop reads `if (calopt_x(...)) return 2;`.
 * No state; built with or without BPF support.
 */
#ifndef BPFSIM_CALIB_CALOPT_H
#define BPFSIM_CALIB_CALOPT_H

#include "calibrate/calibrate.h"

/* "bpfsim CMD: MESSAGE (see bpfsim CMD --help)" on stderr; returns 2. */
int calopt_usage(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* --attach: auto, tp_btf or raw_tp. */
int calopt_attach(const char *cmd, const char *text, enum calib_attach *out);
/* A duration option (opt names it) in [lo_ns, hi_ns]; `range` says the
 * bounds in words for the message ("100ms to 1h"). */
int calopt_duration(const char *cmd, const char *opt, const char *text,
		    double lo_ns, double hi_ns, const char *range, double *ns);
/* A whole number in [lo, hi] ("1k" and the like as units.h reads them). */
int calopt_whole(const char *cmd, const char *opt, const char *text,
		 double lo, double hi, double *v);

/* --prog of calibrate profile: bundled:VARIANT and names pass (profile.c
 * reads them); digits alone or after a '-' or '+' must be
 * a decimal program id in 1..4294967295 (the kernel's ids are u32, 0 is
 * never given), so "-5" or "4294967296" is refused here rather than
 * wrapped to another program's id.  Checked before anything needs root. */
int calopt_prog(const char *cmd, const char *text);

#endif
