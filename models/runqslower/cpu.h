/* cpu.h - each CPU's time line in the runqslower model.
 *
 * A CPU is IDLE, WAKING (idle, but a task was placed on it and it takes
 * `idle_wakeup` to start), in a BURST of overhead (hooks, context switch)
 * that may end by starting a chosen task, or RUNning a task's segment.
 * Overhead that fires on a CPU runs at once and pushes whatever the CPU was
 * doing back by its cost (an interrupt-like insertion): a running segment
 * ends later, its payload unchanged.  Every nanosecond of a CPU's committed
 * time line is charged to exactly one of payload, bpf, switch, kernel or
 * idle; cpu_totals checks it (SIM_CHECK, on in release builds).
 *
 * A CPU has at most one pending EV_CPU event (target = the CPU's index), at
 * cpu.until; cpu_resched replaces it.
 */
#ifndef BPFSIM_RUNQSLOWER_CPU_H
#define BPFSIM_RUNQSLOWER_CPU_H

#include "models/runqslower/internal.h"

/* (Re)schedule CPU c's event at its `until`, cancelling the pending one. */
void cpu_resched(struct rq_run *R, uint32_t c);
/* Overhead `cost` ns of kind `what` (OH_BPF: BPF programs; OH_SWITCH: a
 * context switch; OH_KERNEL: kernel work done for the probe outside BPF
 * programs) runs on CPU c now.  Charged whole at once (a waking CPU runs
 * it when up). */
void cpu_insert_overhead(struct rq_run *R, uint32_t c, uint64_t cost,
			 int what);
/* Does CPU c run nothing but its idle task - no task running, being
 * switched to, or queued (the kernel's rq->nr_running == 0)? */
int cpu_is_idle(const struct rq_run *R, uint32_t c);
/* Task pid has just been queued on CPU c (runq_push).  With `woken` (a
 * wake-up that runs the hook): cut the running segment short if wake-up
 * preemption applies.  An idle CPU is woken up (at once, or WAKING for the
 * drawn idle_wakeup latency). */
void cpu_task_queued(struct rq_run *R, uint32_t c, uint32_t pid, int woken);
/* CPU c's EV_CPU event: the segment, burst or wake-up latency ended. */
void cpu_event(struct rq_run *R, uint32_t c);
/* Close every CPU's time line at `now` without changing the run, check
 * conservation per CPU, and sum the split into tot. */
void cpu_totals(struct rq_run *R, struct rq_totals *tot);
/* The same for CPU c alone. */
void cpu_split(struct rq_run *R, uint32_t c, struct rq_totals *tot);
/* At the run's end: the idle and payload time still in progress on each
 * CPU (an idle period, a running segment, the idle tail of a burst that
 * ended now) into the series, so that its windows hold what cpu_totals
 * holds.  The series otherwise gets them only when they end: the last
 * windows (and the steady-state sums over them) would lack them.  Call
 * once. */
void cpu_series_flush(struct rq_run *R);

#endif
