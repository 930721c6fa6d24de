/* check.c - the single place internal errors are reported. */
#include <stdio.h>
#include <stdlib.h>
#include "sim/check.h"

void sim_check_fail(const char *file, int line, const char *expr)
{
	fprintf(stderr, "bpfsim: internal error at %s:%d: check failed: %s\n"
		"bpfsim: this is a bug; please report it with the scenario\n",
		file, line, expr);
	fflush(stderr);
	abort();
}
