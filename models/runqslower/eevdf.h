/* eevdf.h - Linux's EEVDF fair class as a runqueue discipline
 * (`runqueue: eevdf`).
 *
 * What it is: each CPU has a runqueue of scheduling entities, one per
 * runnable task, as kernel/sched/fair.c keeps them since 6.6.  An entity
 * has a weight w (sched_prio_to_weight[] of its class's nice: 1024 at
 * nice 0), a virtual runtime v (CPU time run, scaled by 1024 / w:
 * calc_delta_fair) and a virtual deadline d = v + slice x 1024 / w
 * (update_deadline, place_entity).  The CPU's virtual time V is the
 * weighted average of the v of its entities, the running one included
 * (avg_vruntime).  An entity is eligible when v <= V (vruntime_eligible:
 * it is owed service), and the CPU runs the eligible entity with the
 * earliest deadline (pick_eevdf).  Each function that models a kernel
 * function names it in eevdf.c.
 *
 * Life of an entity here, with the kernel function each step follows:
 *   - placed when its task wakes or is born (place_entity): at V minus the
 *     lag it kept when it last slept, scaled up by (W + w) / W so that it
 *     keeps that lag once it is counted in V (PLACE_LAG; lost on an empty
 *     CPU, where the kernel does not apply it); deadline one slice ahead, half
 *     a slice for a newly spawned task (PLACE_DEADLINE_INITIAL, which
 *     kernels since the move of ENQUEUE_INITIAL to wake_up_new_task apply
 *     at the child's first enqueue);
 *   - while it runs, its v grows by its CPU time x 1024 / w (update_curr);
 *     when v reaches d it gets a new deadline v + slice x 1024 / w and,
 *     with others runnable on the CPU, a reschedule (update_deadline);
 *     that happens at the next tick after d (`eevdf.hz`: the kernel sees
 *     it in entity_tick), or exactly at d with `eevdf.hrtick`;
 *   - at a reschedule the CPU runs pick_eevdf's choice, which may be the
 *     same task (no switch).  RUN_TO_PARITY (`eevdf.run_to_parity`): once
 *     picked, an entity keeps the CPU while it is eligible and has not got
 *     a new deadline, whatever else is queued;
 *   - a wake-up onto a running CPU preempts the running task when
 *     pick_eevdf would choose the woken one (check_preempt_wakeup_fair),
 *     or when the wake-up found the running task's deadline passed;
 *   - when it blocks or exits it leaves with its lag V - v, clamped to
 *     +- 2 slices (or a tick, if longer) of virtual time
 *     (update_entity_lag), kept across the sleep and re-applied where it
 *     wakes, on whichever CPU placement chose.
 *
 * Structure: per CPU an AVL tree of the queued entities (the running one
 * is kept out, as the kernel keeps `curr` out of its tree), ordered by
 * (deadline, enqueue order) and augmented with each subtree's least v,
 * which prunes the search for the earliest eligible deadline to one
 * root-to-leaf walk - the kernel's layout since "sched/eevdf: Sort the
 * rbtree by virtual deadline" (6.6-6.8 sorted by v and kept the least
 * deadline per subtree; both find the same entity).  Insert, erase and pick
 * are O(log n) worst case: queues of thousands of tasks per CPU occur in
 * the shipped scenarios, where a scan per pick would cost more than the
 * rest of the event.  AVL rather than red-black: recursive insert and
 * erase by key are short, height-balanced trees are shallower, and the
 * augmentation is recomputed on the way back up.  The sums behind V
 * (sum w (v - v0), sum w, v0 = the CPU's min_vruntime) are kept as the
 * kernel keeps them (avg_vruntime_add/sub/update), in 128 bits.
 *
 * Units: ns of CPU time, and ns of virtual time for v, d, lag and V.
 * Virtual times are u64 compared through signed differences as the kernel
 * compares them (they wrap below 0 when a positive lag is placed early in
 * a run).
 *
 * How it meets the model (runq.c calls in, cpu.c calls runq.c): an
 * entity's CPU time is read from its task's `vruntime` (CPU time run,
 * added at each segment end) plus the part of the running segment done so
 * far; runq_push enqueues (eevdf_enqueue), runq_pop puts the previous task
 * back or takes it off with its lag and picks (eevdf_pick_next), segment
 * ends ask eevdf_resched, wake-ups eevdf_wakeup_preempt, and each
 * segment is cut where the deadline check falls (eevdf_segment).  The
 * workload's own segment ends (`workload.slice`) are not scheduling events
 * under eevdf: a task only gives its CPU up at a deadline check, a
 * wake-up preemption, a block or an exit.  A segment cut at a check goes
 * on afterwards (a burst through task.resume, a segment without a block
 * through the entity's `rest`), so the workload still decides whether to
 * block once per segment it drew, whatever the scheduler does; a wake-up
 * preemption's cut drops the rest of a segment without a block, as it
 * does under fifo and fair.
 *
 * Not modelled: delayed dequeue (DELAY_DEQUEUE, 6.12: a sleeper with
 * negative lag stays queued until eligible), per-task slices and
 * PREEMPT_SHORT (6.12), the later slice protection (protect_slice),
 * NEXT_BUDDY (off by default), cgroups (group entities), SCHED_BATCH and
 * SCHED_IDLE, nice changes (reweight_entity).
 *
 * Ownership: struct eevdf hangs off struct rq_run (R->eevdf), allocated at
 * the first call that needs it; eevdf_free frees it.  Entities are indexed
 * by pid and grow with the task table.  Out of memory ends the run through
 * sim_fail.  Inconsistencies are bugs (SIM_CHECK).
 *
 * Memory: 80 bytes per pid, 64 per CPU.
 */
#ifndef BPFSIM_RUNQSLOWER_EEVDF_H
#define BPFSIM_RUNQSLOWER_EEVDF_H

#include "models/runqslower/internal.h"

/* sysctl_sched_base_slice for a host of `cpus` CPUs: 0.75 ms x
 * get_update_sysctl_factor() (SCHED_TUNABLESCALING_LOG: 1 + log2 of
 * min(cpus, 8)), in ns. */
uint64_t eevdf_default_slice(uint64_t cpus);
/* sched_prio_to_weight[nice + 20]; nice in -20..19. */
uint32_t eevdf_weight(int nice);
/* calc_delta_fair: `delta` ns of CPU time as virtual time for an entity of
 * this nice (the kernel's fixed-point __calc_delta with
 * sched_prio_to_wmult). */
uint64_t eevdf_calc_delta(uint64_t delta, int nice);

/* Task pid is queued on CPU c (runq_push).  woken: it woke or was born
 * (place_entity with its kept lag; a task seen for the first time - a new
 * incarnation - is placed with lag 0, a spawned one with half a slice);
 * 0: the previous task goes back (eevdf_pick_next has already put it in
 * the tree: nothing to do). */
void eevdf_enqueue(struct rq_run *R, uint32_t c, uint32_t pid, int woken);
/* CPU c chooses its next task (runq_pop): the task that ran is put back
 * in the tree if still runnable (put_prev_entity) or leaves with its lag
 * if it blocked or exited (dequeue_entity); then pick_eevdf's choice
 * becomes the running entity (set_next_entity).  NIL when nothing is
 * runnable.  The choice is never the previous task when it was preempted:
 * eevdf_resched decided that with the same state. */
uint32_t eevdf_pick_next(struct rq_run *R, uint32_t c);
/* The load balancer takes a queued task off CPU c (balance.h): the one
 * with the earliest deadline, which leaves with its lag as a sleeper does
 * (dequeue_entity); runq_push's eevdf_enqueue(woken = 1) places it on the
 * CPU that pulls it.  NIL when nothing is queued (the running entity is
 * never taken). */
uint32_t eevdf_detach(struct rq_run *R, uint32_t c);
/* A segment of the running task on CPU c ended at a point where the
 * kernel would look (cut: a wake-up preemption's reschedule; else a
 * deadline check or the workload's own segment end): bring its v up to
 * date (update_curr, update_deadline), and say whether the CPU should
 * switch - a reschedule is due (cut, or a new deadline with others
 * queued) and pick_eevdf chooses another entity. */
int eevdf_resched(struct rq_run *R, uint32_t c, int cut);
/* Task pid has just been woken onto CPU c, which runs a task
 * (check_preempt_wakeup_fair): 1 if the running task should be preempted
 * - its deadline had passed (the kernel's update_curr in the enqueue set
 * the reschedule), or pick_eevdf now chooses pid. */
int eevdf_wakeup_preempt(struct rq_run *R, uint32_t c, uint32_t pid);
/* The running task pid starts a segment of `seg` ns of CPU time on CPU c
 * (cpu.c drew it): the segment to run before the next deadline check -
 * at most seg, else up to the tick after the deadline (the exact time with
 * hrtick).  A burst cut this way keeps its rest in task.resume (cpu.c
 * resumes it); a segment without a block keeps it in the entity, and the
 * task's next segment is that rest instead of the one cpu.c drew (its
 * block decision ignored: task.blocks cleared). */
uint64_t eevdf_segment(struct rq_run *R, uint32_t c, uint32_t pid,
		       uint64_t seg);
/* Prefetch pid's entity, which its enqueue soon reads (no-op before it
 * exists). */
void eevdf_prefetch(const struct rq_run *R, uint32_t pid);
/* Free R->eevdf (NULL is fine). */
void eevdf_free(struct rq_run *R);

/* ---- inspection (tests) ------------------------------------------------ */

/* One entity as the kernel's struct sched_entity would show it. */
struct eevdf_view {
	uint64_t vruntime, deadline;    /* virtual ns */
	int64_t vlag;                   /* V - v kept at the last dequeue */
	uint32_t weight;
	int on_rq;                      /* queued or running */
	int running;                    /* its CPU's current entity */
};
/* pid's entity; -1 if it has none (never queued under eevdf). */
int eevdf_peek(const struct rq_run *R, uint32_t pid, struct eevdf_view *v);
/* CPU c's V (avg_vruntime) as last brought up to date (the running
 * entity's time counts up to its last update_curr); its min_vruntime into
 * *min_v if not NULL.  Reads only: calling it changes no run. */
uint64_t eevdf_avg(const struct rq_run *R, uint32_t c, uint64_t *min_v);
/* Check CPU c's runqueue against a recount: tree order, balance and
 * augmentation, the sums behind V, the count (runq_len), the running
 * entity.  Returns 0 and the weighted lag sum sum w_i (V - v_i) over its
 * runnable entities (running included) in *lag_w and their total weight
 * in *load - the kernel's lag conservation, within V's rounding down:
 * -load < lag_w <= 0 - or -1 with a message in why[].  Reads only. */
int eevdf_check(const struct rq_run *R, uint32_t c, double *lag_w,
		double *load, char *why, size_t n);

#endif
