/* hrtimer.h - residents' sleep timers with slack, in the runqslower model.
 *
 * A task that sleeps on a timer (nanosleep, clock_nanosleep, a poll or
 * epoll timeout) arms an hrtimer on the CPU it blocks on with a range:
 * soft expiry = its wake-up time, hard expiry = soft + the task's
 * timer_slack_ns (kernel/time/hrtimer.c hrtimer_nanosleep ->
 * hrtimer_set_expires_range_ns; 50 us for a normal task, 0 for RT).  The
 * CPU's clock event is programmed for the earliest *hard* expiry, and the
 * interrupt then runs every timer whose *soft* expiry has passed, in
 * expiry order, stopping at the first that has not
 * (__hrtimer_run_queues: `if (basenow < softexpires) break;`).  So timers
 * due within the slack of each other on one CPU fire together: their tasks
 * wake at the same instant on that CPU, and the second runs straight after
 * the first (one context switch between them instead of two through idle).
 * On a host of timer sleepers (64 threads, 20k wake-ups/s on 2 CPUs) that
 * is the difference between ~1.95 and ~1.8 switches per wake-up.
 *
 * `workload.resident.timer_slack` (default 0) turns it on for resident
 * tasks (sleeping and busy ones): 0 keeps every sleep an exact EV_WAKE of
 * its own, as before.  With a slack every CPU keeps its residents' armed
 * timers in an event queue of its own on (soft expiry, arm order) - with
 * one slack for all, hard order is soft order - and one pending
 * EV_HRTIMER at its head's hard expiry.  Arming a timer earlier than that pushes a new EV_HRTIMER
 * (the old one is left to go stale: the CPU remembers the time it is
 * programmed for and ignores the others).
 *
 * Left out: the tick and other interrupts also run expired timers
 * (hrtimer_interrupt for any clock event), so on a busy CPU a soft-expired
 * timer can fire before its hard expiry; timers of different slacks; timer
 * migration (a sleeping task's timer is armed on its busy CPU, where
 * get_nohz_timer_target keeps it).
 */
#ifndef BPFSIM_RQ_HRTIMER_H
#define BPFSIM_RQ_HRTIMER_H

#include <stdint.h>

struct rq_run;

/* Per-CPU timer bases (R->hrt) for cfg->res_slack > 0; a no-op
 * otherwise.  Returns -1 when out of memory. */
int hrt_init(struct rq_run *R);
void hrt_fini(struct rq_run *R);

/* Task pid sleeps on CPU cpu until soft (absolute ns, >= now). */
int hrt_arm(struct rq_run *R, uint32_t cpu, uint32_t pid, uint64_t soft);

/* EV_HRTIMER for cpu at now: wakes (world_wake) every task whose soft
 * expiry has passed, in expiry order, and programs the next expiry. */
void hrt_interrupt(struct rq_run *R, uint32_t cpu);

#endif
