/* probe.h - the BPF side of the runqslower model: what each hook does.
 *
 * The scheduler world (cpu.c, world.c) calls these where the kernel fires
 * the tracepoints; each one does what libbpf-tools runqslower's program on
 * that hook does, through the storage strategy (models/storage.h), and
 * charges its whole cost - program base cost drawn per hook, storage
 * operations, report output - as BPF time on CPU c, the CPU where the kernel
 * runs that hook (the caller's choice), inserted into whatever that CPU is
 * doing (cpu_insert_overhead).  With `probe.attach: false` nothing is
 * charged except what the kernel does for the strategy when a task is
 * freed (probe_exit), and that is kernel time, not BPF time.
 *
 * Counted here: hook runs and ns, reports, false reports (a timestamp older
 * than the task's current wait), missed samples (no timestamp at switch-in),
 * recursion misses, the probe-measured wait, and map occupancy.
 */
#ifndef BPFSIM_RUNQSLOWER_PROBE_H
#define BPFSIM_RUNQSLOWER_PROBE_H

#include "models/runqslower/internal.h"

/* sched_wakeup (is_new 0) or sched_wakeup_new (1) for task pid, run on CPU
 * c (for sched_wakeup the waker's or the timer's CPU, or the target's via
 * the wake list: world.c decides): record "runnable since now".  Skipped
 * only with `nesting: any_program`, when a BPF program runs on c (counted
 * in recursion_misses); the default per_program never skips these hooks. */
void probe_wakeup(struct rq_run *R, uint32_t c, uint32_t pid, int is_new);

/* sched_switch(prev, next) on CPU c (prev or next NIL for the idle task);
 * prev_runnable: prev was preempted, so its wait starts now.  Looks next
 * up (pid 0 for the idle task with a pid-keyed map: a miss), reports a
 * wait over the threshold and deletes per `probe.delete`. */
void probe_switch(struct rq_run *R, uint32_t c, uint32_t prev,
		  int prev_runnable, uint32_t next);

/* Task pid exits on CPU c: with cleanup_on_exit, sched_process_exit
 * deletes the entry (BPF time); the strategy releases per-task storage
 * (free_task's bpf_task_storage_free), charged as kernel time on c.  Call
 * before the task's slot is freed. */
void probe_exit(struct rq_run *R, uint32_t c, uint32_t pid);

/* Charge cost (ns) to CPU c as BPF time of hook h (RQ_*, counted in the
 * hook metrics; -1: a hook only described tools attach to). */
void probe_charge(struct rq_run *R, uint32_t c, int h, double cost);
/* Charge cost (ns) to CPU c as kernel work for the probe (not BPF). */
void probe_charge_kernel(struct rq_run *R, uint32_t c, double cost);
/* Record the maps' occupancy now (series, mean, max). */
void probe_note_occupancy(struct rq_run *R);

#endif
