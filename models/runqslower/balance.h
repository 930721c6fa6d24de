/* balance.h - load balancing in the runqslower model: waiting tasks pulled
 * to CPUs with less to do (scenario keys balance.newidle and
 * balance.interval; both off by default, so scenarios without them run as
 * before, draw for draw).
 *
 * The kernel (kernel/sched/fair.c, 6.6-6.12) balances at each level of a
 * CPU's sched domains - SMT siblings, the LLC (MC), the whole package -
 * from the bottom up:
 *   - newidle: a CPU about to go idle (pick_next_task_fair finds nothing)
 *     runs newidle_balance (sched_balance_newidle since 6.10), which calls
 *     load_balance (sched_balance_rq) level by level and stops at the first
 *     level that gave it a task;
 *   - periodic: the scheduler tick raises SCHED_SOFTIRQ when a CPU's
 *     next_balance has passed, and rebalance_domains
 *     (sched_balance_domains) runs load_balance at each level whose
 *     interval is due; idle CPUs are balanced for by an idle "ilb" CPU
 *     (nohz_idle_balance).
 * load_balance finds the busiest group, then its busiest runqueue
 * (find_busiest_group, find_busiest_queue), and detach_tasks moves tasks
 * that may run here (can_migrate_task: not running, allowed, not cache
 * hot) until the imbalance is met; each move is set_task_cpu, which fires
 * sched_migrate_task on the CPU doing the balancing.
 *
 * Here, at each level (SMT core when topology.smt > 1, the LLC, then all
 * CPUs when there is more than one LLC) the busiest runqueue is the CPU of
 * the level with the most tasks (nr_running: queued plus running or being
 * switched to; ties: the lowest CPU) that has at least one waiting; one
 * task moves (runq_migrate: the one its CPU would run first) when the
 * busiest has at least 2 more than the balancing CPU - for an idle CPU,
 * nr_running >= 2 as the kernel requires.  Per level and balancing CPU one
 * task at most (the kernel may move several to meet an imbalance), no
 * cache hotness (task_hot), no avg_idle cut-off for newidle, no group
 * capacities or utilisation (all CPUs and tasks equal), one interval for
 * every level and CPU (the kernel's grows with the domain's size and x16
 * on a busy CPU).
 *
 * Each move counts in R->migrations and fires tools_migrate on the
 * balancing CPU; the task's wait goes on (its enq_time is kept).
 * Cost: per level scanned, O(level size / 64 + CPUs of the level with a
 * task waiting) with least_loaded or wake_affine placement (their bitmap
 * of such CPUs, place.h), else O(level size); newidle returns at once when
 * no task waits anywhere (R->backlog == 0); a periodic balance is that
 * cost x cpus x levels - keep its interval well above a microsecond per
 * CPU on hosts of hundreds of CPUs.
 */
#ifndef BPFSIM_RUNQSLOWER_BALANCE_H
#define BPFSIM_RUNQSLOWER_BALANCE_H

#include "models/runqslower/internal.h"

/* The periodic balance (balance.interval > 0) runs while tasks other
 * than the parents live: balance_arm schedules the next one if none is
 * pending (rq_init, and each spawn), balance_disarm cancels it when the
 * last such task exits (world_free_task), so a run without a duration
 * ends at its last exit, not at a balance after it.  Out of memory ends
 * the run (sim_fail). */
void balance_arm(struct rq_run *R);
void balance_disarm(struct rq_run *R);
/* CPU c is about to go idle (its runqueue is empty): newidle balance.
 * Returns the pid pulled onto c's runqueue, or NIL. */
uint32_t balance_newidle(struct rq_run *R, uint32_t c);
/* The periodic balance's event: each CPU in turn pulls from the busiest
 * CPU of each of its levels, an idle one that got a task is woken
 * (cpu_task_queued); then the next balance is armed. */
void balance_periodic(struct rq_run *R);
/* Check invariants the balancer relies on and keeps: every runnable task
 * is queued on exactly one CPU or is that CPU's running / next task, each
 * CPU's runq_len counts its queue and the backlog sums them.  0, or -1
 * with a message in why[].  O(tasks); for tests. */
int balance_check(const struct rq_run *R, char *why, size_t n);

#endif
