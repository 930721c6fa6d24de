/* dispatch.h - the hooks' dispatch per attached program, measured.
 *
 * What a tracepoint costs per BPF program attached to it, outside the
 * program (bpf_stats never sees it): for tp_btf and raw_tp
 * kernel/trace/bpf_trace.c __bpf_trace_run (rcu_read_lock,
 * migrate_disable, the prog->active recursion check, the indirect call);
 * for a classic tracepoint perf_trace_<event> filling the perf trace
 * buffer and trace_call_bpf (bpf_prog_active, bpf_prog_run_array) - the
 * buffer is filled once per event, the array walked per program.
 *
 * Method: this thread, pinned to one CPU, times DISPATCH_CALLS getppid(2)
 * calls with nothing attached to raw_syscalls:sys_exit, then with
 * DISPATCH_N empty programs of one attach type, for each type in turn, in
 * DISPATCH_ROUNDS interleaved rounds; a type's cost per program is each
 * round's (with - without) / DISPATCH_N, and the result the median over
 * rounds (its spread: the half inter-quartile range).  An empty program's
 * own run (its JIT prologue and return, ~1 ns) is in the figure.  With
 * bpf_stats on (kernel.bpf_stats_enabled) the stats' clock reads would be
 * in it too: measured with them off, and refused when something else
 * keeps them on.  The classic tracepoint needs tracefs (mounted for the
 * measurement when absent, unmounted after).
 */
#ifndef BPFSIM_CALIB_DISPATCH_H
#define BPFSIM_CALIB_DISPATCH_H

#define DISPATCH_N 8
#define DISPATCH_CALLS 100000
#define DISPATCH_ROUNDS 9

#ifndef __bpf__
#include "sim/err.h"

enum { DISPATCH_TP_BTF, DISPATCH_RAW_TP, DISPATCH_TRACEPOINT, DISPATCH_TYPES };

struct dispatch_result {
	double base_ns;                    /* a getppid with nothing attached */
	double first[DISPATCH_TYPES];      /* ns, one program against none */
	double first_spread[DISPATCH_TYPES];
	double per_prog[DISPATCH_TYPES];   /* ns per further program */
	double spread[DISPATCH_TYPES];     /* half IQR over the rounds */
	int measured[DISPATCH_TYPES];      /* 0: not measured (why below) */
	char why[DISPATCH_TYPES][96];
};

/* Measure on this host (root; BPF).  Status 0 with r filled; a type that
 * could not be attached is left unmeasured with its reason in r->why. */
int dispatch_measure(struct dispatch_result *r, struct err *e);
#endif

#endif
