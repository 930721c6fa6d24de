/* world.h - the runqslower model's tasks: arrivals, pids, wake-ups.
 *
 * Tasks are indexed by pid.  Spawned tasks come from the arrival process
 * (`workload.arrival`) with a CPU demand and exit when it is consumed;
 * resident tasks are there from t = 0 and never exit.  A task that blocks
 * gets an EV_WAKE (target cpus + 1 + pid) after its drawn sleep; a wake-up
 * places it on a CPU, queues it, lets that CPU react (cpu_task_queued) and
 * then runs the wakeup hook there (probe_wakeup).
 *
 * Pids come from a cyclic allocator wrapping at pid_max to RESERVED_PIDS,
 * as Linux's: leaked hash entries meet reused pids.  task[] grows on demand
 * up to pid_max entries (56 bytes each); an allocation failure is a
 * refused spawn in world_on_spawn and an error in world_add_residents.
 */
#ifndef BPFSIM_RUNQSLOWER_WORLD_H
#define BPFSIM_RUNQSLOWER_WORLD_H

#include "models/runqslower/internal.h"

/* Make task pid runnable on a CPU chosen by `placement`; is_new: it was
 * just spawned; hook: a wake-up the probe sees (0 for tasks runnable from
 * t = 0, placed before the probe attached). */
void world_wake(struct rq_run *R, uint32_t pid, int is_new, int hook);
/* Task pid has left its CPU to sleep: schedule its wake-up. */
void world_block(struct rq_run *R, uint32_t pid);
/* Task pid has exited: free its pid (after probe_exit). */
void world_free_task(struct rq_run *R, uint32_t pid);
/* Read workload.start (equilibrium | batch) into c: kept out of config.c,
 * called by the model's configure after rq_configure.  0 or e->status. */
int world_read_start(struct rq_cfg *c, struct ynode *root, struct err *e);
/* Create the resident tasks at t = 0, placed as workload.start says.  -1 when pids run out or on
 * allocation failure. */
int world_add_residents(struct rq_run *R);
/* A parent task for spawner.c (class CLS_SPAWNER, never exits), asleep
 * at t = 0 with no wake-up scheduled.  Its pid, or NIL when pids run out
 * or on allocation failure. */
uint32_t world_add_parent(struct rq_run *R);
/* The same for any class that never exits and sleeps until something
 * wakes it (CLS_READER: tools.c). */
uint32_t world_add_sleeper(struct rq_run *R, int cls);
/* Spawn one task with a CPU demand drawn from workload.lifetime; its
 * sched_wakeup_new runs on R->fork_cpu (the parent's) when set, else on
 * the child's CPU. */
void world_spawn(struct rq_run *R);
/* EV_SPAWN: spawn the batch, the trace lines now due, or one task of an
 * open arrival process (with parents: queue a fork request, spawner.h),
 * and schedule the next. */
void world_on_spawn(struct rq_run *R);

#endif
