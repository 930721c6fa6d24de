/* ktime.h - kernel time that is no task's, in the runqslower model.
 *
 * Two kinds of CPU time that neither a task's on-CPU stretch (payload) nor
 * a BPF program accounts for, both off by default (a scenario without
 * these keys draws nothing more and runs as before):
 *
 * Task life (`kernel.fork`, `.exec`, `.exit`, `.reap`; distributions of
 * CPU time, charged as kernel time with cpu_insert_overhead(OH_KERNEL), so
 * they delay what runs on that CPU):
 *   fork  kernel/fork.c kernel_clone -> copy_process: on the forking CPU,
 *         in the parent's stretch before wake_up_new_task (with
 *         `workload.spawner: task`), else on the child's CPU at its spawn.
 *   exec  fs/exec.c do_execveat_common: on the child's CPU when it first
 *         runs (where the model fires sched_process_exec).
 *   exit  kernel/exit.c do_exit after trace_sched_process_exit (since
 *         Linux 6.16 the tracepoint comes before exit_mm, so the address
 *         space teardown, exit_files and exit_notify follow it): on the
 *         exiting task's CPU, after the sched_process_exit hook and before
 *         the final context switch.
 *   reap  kernel/exit.c wait_task_zombie -> release_task: with parents,
 *         by a parent in its wait() - charged in the stretch of the next
 *         fork any parent completes (a fork-and-reap loop reaps between
 *         forks); without parents, the exiting task reaps itself
 *         (exit_notify -> release_task, as for an auto-reaped child) on
 *         its CPU right after `exit`.
 *
 * Background (per CPU, each a Poisson stream of episodes with a rate per
 * second and a duration distribution):
 *   background.irq, background.softirq: short non-preemptible kernel work
 *         (hardware interrupts; softirqs, RCU callbacks run from them)
 *         charged as kernel time on that CPU whatever it does: a running
 *         task's segment ends later, a burst is extended, an idle CPU is
 *         busy for the episode and idle again (or dispatches a task queued
 *         meanwhile).
 *   background.while_busy (default true): false charges only the
 *         episodes that come while the CPU is idle - for scenarios whose
 *         bursts were measured on the host (calibrate workload: on-CPU
 *         stretches are wall time and already hold the interrupts and
 *         steal that came while a task ran).  Steal then charges nothing.
 *   host.steal: the hypervisor runs something else on the vCPU.  An
 *         episode that comes while the CPU is idle (a halted vCPU is not
 *         runnable) steals nothing; otherwise it delays the CPU like an
 *         interrupt but is charged to `steal`, which is neither busy nor
 *         idle (as /proc/stat's steal column).  So the stolen share of
 *         busy time is rate x mean duration.
 *
 * Events: EV_BG, target `cpus` (the spawn target, never cancelled), data
 * = cpu * KT_NSRC + source.  Streams "kernel.task" (all task-life draws)
 * and "background.<source>" (gaps and durations, one per source).
 */
#ifndef BPFSIM_RUNQSLOWER_KTIME_H
#define BPFSIM_RUNQSLOWER_KTIME_H

#include "models/runqslower/internal.h"

/* Read kernel.*, background.* and host.* into c.  0 or e->status. */
int ktime_read(struct rq_cfg *c, struct ynode *root, struct err *e);
/* Free what ktime_read allocated (accepts a config it never saw). */
void ktime_config_free(struct rq_cfg *c);
/* Start the run's background streams (first episode of each source on
 * each CPU).  -1 when out of memory. */
int ktime_init(struct rq_run *R);
/* EV_BG: one background episode (data as above); schedules the next. */
void ktime_event(struct rq_run *R, uint64_t data);
/* A fork completes on CPU c (before the child's wake-up): kernel.fork,
 * and with parents the reaps pending (kernel.reap each). */
void ktime_fork(struct rq_run *R, uint32_t c);
/* A spawned task first runs on CPU c: kernel.exec. */
void ktime_exec(struct rq_run *R, uint32_t c);
/* A spawned task exits on CPU c (after its sched_process_exit hook):
 * kernel.exit, then its reap (on c without parents, else left pending
 * for a parent). */
void ktime_exit(struct rq_run *R, uint32_t c);
/* 1 when host.steal is on (a steal_time metric is reported). */
int ktime_steal_on(const struct rq_cfg *c);
/* 1 when background.irq or .softirq is on (a background_idle_time metric
 * is reported: the episodes charged while their CPU was idle). */
int ktime_background_on(const struct rq_cfg *c);

#endif
