/* check.h - invariant checks that stay on in release builds.
 *
 * Two tiers of errors in bpfsim (see README "Errors"): bad input and OS
 * failures travel as an int status up to main(); *bugs* trip SIM_CHECK, which
 * reports file:line:expression through sim_check_fail() and aborts.  Cheap
 * invariants (per-CPU time conservation, heap order on pop) use SIM_CHECK and
 * are never compiled out.
 */
#ifndef BPFSIM_CHECK_H
#define BPFSIM_CHECK_H

/* Print "bpfsim: internal error at FILE:LINE: EXPR" to stderr and abort(). */
_Noreturn void sim_check_fail(const char *file, int line, const char *expr);

#define SIM_CHECK(expr) \
	((expr) ? (void)0 : sim_check_fail(__FILE__, __LINE__, #expr))

#endif
