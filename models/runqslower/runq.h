/* runq.h - a CPU's runqueue in the runqslower model.
 *
 * Three disciplines (scenario key `runqueue`):
 *   fifo         one list per CPU, tasks run in enqueue order;
 *   woken_first  the same list, but a woken task is queued behind the woken
 *                tasks already waiting and ahead of the preempted ones;
 *   fair         CFS in outline: a binary min-heap per CPU on (vruntime,
 *                enqueue order); the CPU's minimum vruntime only grows.
 * Lists link through task.next (no allocation); the fair heap grows by
 * doubling and a failed growth ends the run through sim_fail.  Every push
 * and pop updates the host's backlog and its series level.
 */
#ifndef BPFSIM_RUNQSLOWER_RUNQ_H
#define BPFSIM_RUNQSLOWER_RUNQ_H

#include "models/runqslower/internal.h"

/* Queue task pid on CPU c (sets its cpu); woken != 0: it was woken (for
 * woken_first), 0: it was preempted or is CPU-bound from t = 0. */
void runq_push(struct rq_run *R, uint32_t c, uint32_t pid, int woken);
/* Take the next task off CPU c's runqueue (its `picked` time is now: the
 * end of its wait, as the kernel's run_delay); NIL when empty. */
uint32_t runq_pop(struct rq_run *R, uint32_t c);
/* fair: bring CPU p's minimum virtual runtime up to date and return it. */
uint64_t runq_fair_min(struct rq_run *R, struct cpu *p,
		       const struct task *running);
/* Should task t running on CPU p give the CPU up to a queued one? */
int runq_others_first(const struct rq_run *R, const struct cpu *p,
		      const struct task *t);

#endif
