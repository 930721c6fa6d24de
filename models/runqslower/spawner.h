/* spawner.h - the parent tasks that fork the spawned tasks.
 *
 * With `workload.spawner: task` (the default for the poisson and interval
 * arrivals) an arrival is a request to fork, served by a parent task as a
 * load generator or a forking server does it: the parent sleeps until a
 * request is due, wakes (sched_wakeup, as any sleeper), waits for a CPU,
 * runs `workload.fork` of CPU time per child (kernel/fork.c copy_process,
 * the parent's own CPU time), and then wake_up_new_task places the child
 * and fires sched_wakeup_new - in the parent's fork(), on the parent's
 * CPU, so the BPF program's cost stretches the parent's run before it can
 * fork again (kernel/sched/core.c wake_up_new_task, which calls
 * trace_sched_wakeup_new from the forking context).  Requests that arrive
 * while the parent is busy or waiting queue up; it forks them one after
 * another, and sleeps when none is left.  The arrivals stay an open
 * process; what the probe's cost closes is the loop through the parent:
 * a slowed or starved parent forks later, and with too little CPU, fewer
 * children per second than requested.
 *
 * `workload.spawners: N` parents share the requests round-robin.  With
 * `workload.spawner: none` there is no parent: children appear at their
 * arrival times and sched_wakeup_new is charged to the child's CPU (the
 * 2021 study's open loop; the stylised regime, phase and capacity
 * scenarios keep it).  Batch and trace arrivals have no parent either.
 */
#ifndef BPFSIM_RUNQSLOWER_SPAWNER_H
#define BPFSIM_RUNQSLOWER_SPAWNER_H

#include "models/runqslower/internal.h"

/* Read workload.spawner, workload.spawners and workload.fork into c (kept
 * beside the module, called by the model's configure).  0 or e->status. */
int spawner_read(struct rq_cfg *c, struct ynode *root, struct err *e);
/* 1 when the run's arrivals are forked by parent tasks. */
int spawner_on(const struct rq_cfg *c);
/* Create the parent tasks at t = 0, asleep until the first request.
 * -1 when pids run out or on allocation failure. */
int spawner_init(struct rq_run *R);
void spawner_fini(struct rq_run *R);
/* One arrival: queue a fork request with the next parent, waking it if
 * it sleeps. */
void spawner_request(struct rq_run *R);
/* The CPU burst of parent pid's next fork up to the child's wake-up, ns:
 * a workload.fork draw less its tail (workload.fork_tail, kept for
 * spawner_segment_end). */
uint64_t spawner_fork_ns(struct rq_run *R, uint32_t pid);
/* What a parent does after its segment ends (spawner_segment_end). */
enum {
	SPN_GENERIC,   /* not a fork's end: cpu.c's rules apply */
	SPN_WAIT,      /* the child's sched_wakeup_new runs in its stretch */
	SPN_NEXT,      /* fork the next queued request (or yield first) */
	SPN_BLOCK      /* nothing queued: sleep until a request */
};
/* Parent pid's segment on CPU c ended (its payload already counted): when
 * it completed a fork, spawn the child with sched_wakeup_new on c and
 * decide what the parent does next (SPN_*). */
int spawner_segment_end(struct rq_run *R, uint32_t c, uint32_t pid);

#endif
