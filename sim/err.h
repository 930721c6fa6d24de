/* err.h - one user-facing error: "file:line:col: message".
 *
 * Bad input (scenario, calibration file, command line) and OS failures are
 * reported by filling a caller-owned struct err and returning a non-zero
 * status; main() prints it once and exits 2 (bad input) or 1 (OS/runtime).
 * Only the first error is kept: later err_set calls on a set err are ignored,
 * so the root cause wins.  Positions are 1-based; 0 means "unknown" and is
 * left out of the message.
 */
#ifndef BPFSIM_ERR_H
#define BPFSIM_ERR_H

#include <stdarg.h>

enum {
	ERR_OK = 0,
	ERR_RUNTIME = 1,   /* OS, kernel or I/O failure */
	ERR_INPUT = 2,     /* bad input: exit status 2, no output written */
};

struct err {
	int status;        /* ERR_OK until set */
	char file[256];    /* file name, or "--set", "command line" */
	int line, col;     /* 1-based; 0 = unknown */
	char msg[512];
};

/* Reset to "no error". */
void err_init(struct err *e);

/* Record an error (first one wins); returns status so callers can
 * `return err_set(...)`. */
int err_set(struct err *e, int status, const char *file, int line, int col,
	    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
int err_vset(struct err *e, int status, const char *file, int line, int col,
	     const char *fmt, va_list ap);

/* Format as "file:line:col: msg" (parts that are unknown left out) into buf. */
void err_format(const struct err *e, char *buf, unsigned long size);

/* Print "bpfsim: <formatted>" style message to stderr. */
void err_print(const struct err *e);

#endif
