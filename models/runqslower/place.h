/* place.h - where a woken task goes: the `placement` key.
 *
 * least_loaded takes the CPU with the fewest tasks queued plus running or
 * being switched to (runq_len + (cur or next set)), the lowest CPU on ties:
 * the choice of a scan from CPU 0 that keeps the first strict minimum.
 * The scan read every CPU's state up to the first idle one at each
 * wake-up: ~100 CPUs on a half-busy 256-CPU host, where a task wakes every
 * ~100 ns of simulated work.  Instead, every change to a CPU's runq_len,
 * cur or next is followed by place_touch on that CPU (runq.c, cpu.c),
 * which keeps two structures:
 *   - a bitmap of the CPUs at load 0, up to date at once (O(1)): when a
 *     CPU is idle - nearly every wake-up of a host that is not saturated -
 *     the lowest set bit is the answer (cpus / 64 words at most);
 *   - a tournament tree over all the loads (leaf c: load << 32 | c; a
 *     node: the least of its children, so the root is the least load, the
 *     lowest CPU among equals), brought up to date lazily: place_touch
 *     notes the CPU, and a choice with no idle CPU updates each CPU noted
 *     since the last such choice, O(log cpus) each.  The several changes
 *     of a context switch cost one update, changes that cancel out none.
 * Both answer exactly as the scan (rq_place_check; tests/test_runqslower.c
 * checks after every event).  random draws from the "placement" stream,
 * round_robin cycles.
 *
 * wake_affine (place_wake_affine) reads the same bitmap.  A second bitmap
 * in the same allocation (place_waiting, right after the idle words) holds
 * the CPUs with a task waiting (runq_len > 0), kept by the same place_touch:
 * the load balancer's busiest-queue search visits only those (balance.c).
 *
 * Memory: 2 x (cpus rounded up to a power of two) x 8 bytes plus ~5 bytes
 * per CPU, least_loaded and wake_affine only, owned by struct rq_run (place_init /
 * place_fini).
 */
#ifndef BPFSIM_RUNQSLOWER_PLACE_H
#define BPFSIM_RUNQSLOWER_PLACE_H

#include "models/runqslower/internal.h"

/* Allocate the bitmap and the tree (least_loaded) from the CPUs' loads:
 * call once the CPUs are initialised.  0, or -1 when out of memory. */
int place_init(struct rq_run *R);
/* Free them; safe on a run whose place_init failed or never ran. */
void place_fini(struct rq_run *R);
/* A CPU for a task waking now (wake_affine: for a task with no previous
 * CPU, the fork path, see place_wake_affine). */
uint32_t place_cpu(struct rq_run *R);
/* placement: wake_affine, for a task that ran before on CPU prev and is
 * woken from CPU waker (NIL: unknown, taken as prev): the kernel's
 * select_task_rq_fair wake-up path, wake_affine then
 * select_idle_sibling (place.c has the steps and what is simplified).
 * Reads the idle bitmap and the CPUs' loads; draws nothing; O(LLC size /
 * 64 + cores per LLC x smt) at worst.  Tasks without a previous CPU (new,
 * or a first wake-up) take place_cpu, whose wake_affine case is the fork
 * path: with several LLCs the one with the most idle CPUs (an idle core
 * in it first), else least_loaded. */
uint32_t place_wake_affine(struct rq_run *R, uint32_t prev, uint32_t waker);
/* The bitmap of CPUs with a task waiting (bit c: runq_len > 0), cpus / 64
 * words after the idle bitmap; NULL without least_loaded / wake_affine. */
static inline uint64_t *place_waiting(const struct rq_run *R)
{
	return R->ll_idle ? R->ll_idle + (R->cfg->cpus + 63) / 64 : NULL;
}

/* CPU c's load may have changed (least_loaded, wake_affine): set or clear its
 * idle and waiting bits, note it for the tree. */
static inline void place_touch(struct rq_run *R, uint32_t c)
{
	if (R->ll) {
		const struct cpu *p = &R->cpu[c];
		uint64_t bit = UINT64_C(1) << (c % 64);
		uint64_t *waiting = place_waiting(R);
		if (p->runq_len == 0 && p->cur == NIL && p->next == NIL)
			R->ll_idle[c / 64] |= bit;
		else
			R->ll_idle[c / 64] &= ~bit;
		if (p->runq_len > 0)
			waiting[c / 64] |= bit;
		else
			waiting[c / 64] &= ~bit;
		if (!R->ll_mark[c]) {
			R->ll_mark[c] = 1;
			R->ll_dirty[R->ll_ndirty++] = c;
		}
	}
}

#endif
