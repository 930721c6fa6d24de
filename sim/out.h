/* out.h - output files that are either complete or absent.
 *
 * Every output file is written to "DIR/.NAME.tmp.PID" and renamed to
 * "DIR/NAME" on out_commit() after an fdatasync(), so an interrupted or
 * failed run, or a power cut, never leaves a half-written file behind
 * (rename is atomic within a file system).  A process killed between open
 * and commit leaves its ".NAME.tmp.PID" (readers ignore dot files).
 * out_abort() removes the temporary.  Numbers are printed with
 * out_num() ("%.17g", or "null"/"nan" for non-finite values) so outputs are
 * exact and byte-identical across runs.
 */
#ifndef BPFSIM_OUT_H
#define BPFSIM_OUT_H

#include <stdio.h>
#include "sim/err.h"

struct out_file {
	FILE *f;
	char tmp[4096];
	char path[4096];
};

/* Create DIR and its parents (mode 0755).  ERR_RUNTIME on failure. */
int out_mkdir_p(const char *dir, struct err *e);
/* Open DIR/NAME for writing through a temporary file. */
int out_open(struct out_file *o, const char *dir, const char *name,
	     struct err *e);
/* Flush, close and rename into place. */
int out_commit(struct out_file *o, struct err *e);
/* Close and delete the temporary (safe on a never-opened zeroed struct). */
void out_abort(struct out_file *o);

/* Print a double exactly ("%.17g"); non-finite as `nonfinite` ("null"). */
void out_num(FILE *f, double v, const char *nonfinite);
/* ",v0,v1,..." : n CSV cells after a leading comma (out_num, "nan" for
 * non-finite values). */
void out_csv_nums(FILE *f, const double *v, size_t n);
/* Print s as one CSV cell: quoted (with "" for ") when it holds a comma,
 * a quote or a line break, as is otherwise. */
void out_csv_field(FILE *f, const char *s);
/* Print s as a JSON string literal. */
void out_json_string(FILE *f, const char *s);

#endif
