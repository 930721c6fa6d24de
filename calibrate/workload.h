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
 * Tasks are threads (kernel pids).
 */
#ifndef BPFSIM_CALIB_WORKLOAD_H
#define BPFSIM_CALIB_WORKLOAD_H

enum wl_hist {
	WL_WAIT, WL_SLICE, WL_RUN, WL_SLEEP, WL_LIFETIME, WL_CPU_DEMAND,
	WL_SPAWN_GAP, WL_NHIST
};

enum wl_state { WL_T_RUNNABLE = 1, WL_T_RUNNING, WL_T_BLOCKED };

/* Per-task state, keyed by pid in the `tasks` hash. */
struct wl_task {
	__u64 ts;               /* when it entered `state`, ns */
	__u64 cpu;              /* on-CPU time seen so far, ns */
	__u32 state;            /* enum wl_state */
	__u32 pad;
};

/* Per-CPU event counts. */
struct wl_counters {
	__u64 wakeups, wakeups_new, switches, preempts, blocks, dead;
	__u64 forks, exits, exits_old;  /* exits_old: born before loading */
	__u64 lost;                     /* tasks map full: state not kept */
	__u64 untracked_exits;          /* exits of tasks not in the map */
};

/* Read-only settings (rodata), set between open and load. */
struct wl_cfg {
	__u64 start_ns;         /* CLOCK_MONOTONIC at load: lifetimes of tasks
				   born since */
};

#endif
