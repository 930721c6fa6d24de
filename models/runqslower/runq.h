/* runq.h - a CPU's runqueue in the runqslower model.
 *
 * Four disciplines (scenario key `runqueue`):
 *   fifo         one list per CPU, tasks run in enqueue order;
 *   woken_first  the same list, but a woken task is queued behind the woken
 *                tasks already waiting and ahead of the preempted ones;
 *   fair         CFS in outline: a binary min-heap per CPU on (vruntime,
 *                enqueue order); the CPU's minimum vruntime only grows;
 *   eevdf        Linux's EEVDF (eevdf.h): weights, lag, virtual deadlines,
 *                eligibility, the earliest eligible deadline first.
 * Lists link through task.next (no allocation); the fair heap grows by
 * doubling and a failed growth ends the run through sim_fail.  Every push
 * and pop updates the host's backlog and its series level.  runq_len
 * counts the tasks waiting, not the one running (for eevdf too).
 *
 * cpu.c asks this file every scheduling question; the answers below that
 * only eevdf changes (runq_segment, runq_cut_preempts,
 * runq_wakeup_preempts) keep the other disciplines' behaviour exactly.
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
/* The load balancer moves one waiting task from CPU src's runqueue to
 * dst's (balance.h): the one src would run first - the list's head (the
 * longest waiting under fifo), the least vruntime (fair), the earliest
 * deadline (eevdf: eevdf_detach) - never the running one.  Its wait goes
 * on (enq_time kept); fair keeps its vruntime's distance to the CPU's
 * minimum, eevdf its lag.  Returns its pid, NIL when src has none
 * waiting.  Does not wake dst nor fire hooks (the caller's). */
uint32_t runq_migrate(struct rq_run *R, uint32_t src, uint32_t dst);
/* fair: bring CPU p's minimum virtual runtime up to date and return it. */
uint64_t runq_fair_min(struct rq_run *R, struct cpu *p,
		       const struct task *running);
/* Should task t running on CPU p give the CPU up to a queued one at the
 * end of its segment?  fifo, woken_first: when one waits; fair: when the
 * next has run less; eevdf: when a deadline check is due and pick_eevdf
 * chooses another (eevdf_resched). */
int runq_others_first(struct rq_run *R, struct cpu *p, const struct task *t);
/* A segment of task t on CPU p that a wake-up preemption cut short has
 * ended: does t give the CPU up?  When one waits; eevdf: when pick_eevdf
 * still chooses another then. */
int runq_cut_preempts(struct rq_run *R, struct cpu *p, const struct task *t);
/* eevdf: should task pid, woken onto CPU c while it runs a task, preempt
 * it (check_preempt_wakeup_fair)?  0 for the other disciplines (cpu.c
 * has their rules). */
int runq_wakeup_preempts(struct rq_run *R, uint32_t c, uint32_t pid);
/* Task pid starts a segment of seg ns on CPU c: how long it runs before
 * its runqueue needs to look again (eevdf: the deadline check,
 * eevdf_segment); seg for the other disciplines. */
uint64_t runq_segment(struct rq_run *R, uint32_t c, uint32_t pid,
		      uint64_t seg);
/* Task pid wakes soon (the event queue's look-ahead): prefetch what its
 * enqueue reads (eevdf: its entity).  Reads nothing else, changes
 * nothing. */
void runq_prefetch(const struct rq_run *R, uint32_t pid);

#endif
