/* place.h - where a woken task goes: the `placement` key.
 *
 * least_loaded takes the CPU with the fewest tasks queued plus running or
 * being switched to (runq_len + (cur or next set)), the lowest CPU on ties.
 * It is answered in O(1) from a tournament tree over the CPUs' loads, kept
 * current in O(log cpus) by place_touch: every change to a CPU's runq_len,
 * cur or next is followed by place_touch on that CPU (runq.c, cpu.c).  The
 * tree's leaf for CPU c is load << 32 | c, an internal node the least of
 * its children, so the root is the least load and, among equal loads, the
 * lowest CPU: exactly the choice of a scan from CPU 0 that keeps the first
 * strict minimum.  A 256-CPU host wakes a task every ~100 ns of simulated
 * work: the scan cost 15% of the run there, the tree's updates cost ~8
 * levels each.  random draws from the "placement" stream, round_robin
 * cycles.
 *
 * Memory: 2 x (cpus rounded up to a power of two) x 8 bytes, least_loaded
 * only, owned by struct rq_run (place_init / place_fini).
 */
#ifndef BPFSIM_RUNQSLOWER_PLACE_H
#define BPFSIM_RUNQSLOWER_PLACE_H

#include "models/runqslower/internal.h"

/* Allocate the tree (least_loaded), every CPU at load 0: call once the
 * CPUs are initialised and empty.  0, or -1 when out of memory. */
int place_init(struct rq_run *R);
/* Free the tree; safe on a run whose place_init failed or never ran. */
void place_fini(struct rq_run *R);
/* A CPU for a task waking now. */
uint32_t place_cpu(struct rq_run *R);
/* CPU c's load may have changed: update the tree (least_loaded only). */
void place_update(struct rq_run *R, uint32_t c);

static inline void place_touch(struct rq_run *R, uint32_t c)
{
	if (R->ll)
		place_update(R, c);
}

#endif
