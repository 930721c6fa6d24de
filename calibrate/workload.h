/* workload.h - what workload.bpf.c and workload.c share (fixed-width only).
 *
 * Histograms (hist.h, one per quantity, per CPU) of the host's scheduling,
 * all in ns:
 *   WL_WAIT      runqueue wait: from wake-up (sched_wakeup, _new) or
 *                preemption (sched_switch with prev still runnable) until
 *                sched_switch puts the task on a CPU - what runqlat measures
 *   WL_SLICE     on-CPU time of a stretch that ended in preemption
 *   WL_RUN       on-CPU time of a stretch that ended with the task going to
 *                sleep (blocking)
 *   WL_SLEEP     from going to sleep until the wake-up
 *   WL_LIFETIME  fork (task->start_time) to sched_process_exit, for tasks
 *                born after the probes were loaded
 *   WL_CPU_DEMAND CPU time those tasks used: the sum of their stretches
 *                on a CPU as sched_switch saw them, plus the last one up
 *                to the exit (the kernel's se.sum_exec_runtime lags: it
 *                is brought up to date at ticks and switches only)
 *   WL_SPAWN_GAP time between consecutive sched_process_fork events
 *   WL_RUN_OLD   CPU burst of resident tasks (born before the probes
 *                loaded: daemons, kernel threads, the load generator's
 *                sleepers; not a task that forked while measuring,
 *                WL_F_PARENT): on-CPU time from a wake-up to
 *                going to sleep, summed over the stretches preemptions cut
 *                it into (WL_RUN has the last stretch only)
 *   WL_SLEEP_OLD WL_SLEEP of resident tasks
 *   WL_RUN_YOUNG, WL_SLEEP_YOUNG the same of tasks born since (spawned)
 *   WL_WAIT_IDLE runqueue wait of tasks switched in from the idle task:
 *                the time an idle CPU takes to start a task woken onto it
 *                (IPI, exit from the idle state; on a VM, the vCPU being
 *                run again by the host)
 *   WL_CYCLE_OLD time between a resident task's consecutive sched_wakeups
 *                (a timer-driven task's period, whatever it waited and ran)
 *   WL_RUN_HOG, WL_SLEEP_HOG  bursts and sleeps of CPU-bound residents
 *                (WL_F_HOG), from the burst that flagged them on
 *   WL_WAIT_WOKEN_BUSY runqueue wait of woken tasks switched in from another
 *                task: how long a wake-up waits for a busy CPU (wake-up
 *                preemption, or the running task blocking first)
 *   WL_EXIT_TAIL on-CPU time of a task born while measuring from its
 *                sched_process_exit to its final sched_switch (TASK_DEAD):
 *                do_exit's work after the tracepoint (exit_mm, exit_files,
 *                exit_notify: since Linux 6.16 the tracepoint precedes
 *                exit_mm), which WL_CPU_DEMAND does not hold
 *   WL_FORK_CPU  on-CPU time of a forking task (WL_F_PARENT) between two
 *                of its sched_process_fork events: what one fork cycle
 *                costs the parent (copy_process, wake_up_new_task, the
 *                wait() that reaps the children, its own loop)
 *   WL_FORK_TAIL on-CPU time of a forking task from its child's
 *                sched_wakeup_new (wake_up_new_task, in the parent) to its
 *                next sleep, when it forks no other child meanwhile: what
 *                of the cycle runs after the child is runnable (the rest
 *                of fork(), its loop, the call that sleeps), during which
 *                a child placed on the parent's CPU waits
 * Tasks are threads (kernel pids).  A task is young when its start_time
 * (CLOCK_MONOTONIC) is at or after wl_cfg.start_ns, decided when the probes
 * first see it and kept in wl_task.flags.
 */
#ifndef BPFSIM_CALIB_WORKLOAD_H
#define BPFSIM_CALIB_WORKLOAD_H

enum wl_hist {
	WL_WAIT, WL_SLICE, WL_RUN, WL_SLEEP, WL_LIFETIME, WL_CPU_DEMAND,
	WL_SPAWN_GAP, WL_RUN_OLD, WL_SLEEP_OLD, WL_RUN_YOUNG, WL_SLEEP_YOUNG,
	WL_WAIT_IDLE, WL_WAIT_WOKEN_BUSY, WL_CYCLE_OLD, WL_RUN_HOG, WL_SLEEP_HOG,
	WL_EXIT_TAIL, WL_FORK_CPU, WL_FORK_TAIL, WL_NHIST
};

#define WL_F_YOUNG 1u           /* wl_task.flags: born after loading */
#define WL_F_HOG 2u             /* a resident that ran wl_cfg.hog_burst_ns
				   between two sleeps: CPU-bound, left out of
				   the resident histograms and counts */
#define WL_F_PARENT 4u          /* a task that forked while measuring (the
				   spawn load's parent): its wake-ups, bursts
				   and sleeps are left out of the residents'
				   (the model has it as a parent task) */
#define WL_F_FORKED 8u          /* wl_task.fork_cpu holds its CPU time at
				   its last fork */
#define WL_F_EXITING 16u        /* past sched_process_exit: wl_task.exit_cpu
				   holds its CPU time then; the entry goes
				   at its final switch */

/* Runnable after a wake-up (RUNNABLE) or after a preemption (PREEMPTED). */
enum wl_state { WL_T_RUNNABLE = 1, WL_T_RUNNING, WL_T_BLOCKED, WL_T_PREEMPTED };

/* Per-task state, keyed by pid in the `tasks` hash. */
struct wl_task {
	__u64 ts;               /* when it entered `state`, ns */
	__u64 cpu;              /* on-CPU time seen so far, ns */
	__u64 burst;            /* on-CPU time since it last woke, ns */
	__u64 woke;             /* its last sched_wakeup, ns (0: none seen) */
	__u64 fork_cpu;         /* `cpu` at its last fork (WL_F_FORKED) */
	__u64 exit_cpu;         /* `cpu` at sched_process_exit (WL_F_EXITING) */
	__u32 state;            /* enum wl_state */
	__u32 flags;            /* WL_F_YOUNG */
	__u32 forks;            /* forks it made while measuring (parents) */
	__u64 tail_from;        /* a parent: its `cpu` + 1 at its last child's
				   sched_wakeup_new, until it sleeps (0:
				   none) */
	__u32 born_cpu;         /* a new task: its parent's CPU + 1 at
				   sched_wakeup_new, until its first
				   switch-in; then 0 */
	__u32 slept_cpu;        /* the CPU + 1 it last blocked on (its
				   timer's; 0: none seen) */
};

/* Per-CPU event counts. */
struct wl_counters {
	__u64 wakeups, wakeups_new, switches, preempts, blocks, dead;
	__u64 forks, exits, exits_old;  /* exits_old: born before loading */
	__u64 lost;                     /* tasks map full: state not kept */
	__u64 untracked_exits;          /* exits of tasks not in the map */
	/* The same events split by task age (old: born before loading). */
	__u64 wakeups_old, sleeps_old, blocks_old, preempts_old;
	__u64 wakeups_young, sleeps_young, blocks_young, preempts_young;
	__u64 from_idle;                /* switches in from the idle task */
	__u64 wakeups_hog, hogs;        /* CPU-bound residents (WL_F_HOG) */
	__u64 wakeups_parent, parents;  /* forking tasks (WL_F_PARENT) */
	__u64 oncpu_ns;                 /* tasks' (not idle's) time on CPU,
					   added at their switch-out: the
					   part inside the window
					   (oncpu_from, oncpu_to) */
	__u64 new_local, new_away;      /* new tasks first run on their
					   parent's CPU / on another */
	__u64 wake_stay, wake_moved;    /* wake-ups whose previous CPU was
					   busy while another CPU was idle:
					   queued on the busy one / moved
					   (WL_MAX_CPUS CPUs looked at) */
};

/* CPUs the wake-up placement count looks at (the rest: not counted). */
#define WL_MAX_CPUS 64

/* Read-only settings (rodata), set between open and load. */
struct wl_cfg {
	__u64 start_ns;         /* CLOCK_MONOTONIC at load: lifetimes of tasks
				   born since */
	__u64 hog_burst_ns;     /* burst that makes a resident CPU-bound (0:
				   none) */
	__u32 ncpus;            /* possible CPUs (the placement count's
				   loop) */
};

#endif
