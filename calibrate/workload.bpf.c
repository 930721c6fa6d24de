// SPDX-License-Identifier: GPL-2.0
/* workload.bpf.c - the host's scheduling as histograms (workload.h).
 *
 * Hooks, TP_PROTO as in include/trace/events/sched.h:
 *   sched_wakeup(struct task_struct *p), sched_wakeup_new(p)
 *   sched_switch(bool preempt, struct task_struct *prev,
 *                struct task_struct *next, unsigned int prev_state)
 *   sched_process_fork(struct task_struct *parent, struct task_struct *child)
 *   sched_process_exit(struct task_struct *p[, bool group_dead])
 * Each exists as a tp_btf program (named after its hook) and a raw_tp one
 * (handle_<hook>); the loader autoloads one set.  Per-task state lives in
 * a pid-keyed hash (bounded: max_entries set by the loader; when full the
 * task is not followed and `lost` counts it), entries go at exit.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "calibrate/calib.bpf.h"
#include "calibrate/workload.h"

char LICENSE[] SEC("license") = "GPL";

const volatile struct wl_cfg cfg = {};

PERCPU_ARRAY(hists, WL_NHIST, struct hist);

PERCPU_ARRAY(counters, 1, struct wl_counters);

struct oncpu {
	__u64 ts;
	__u32 pid;
	__u32 pad;
};

PERCPU_ARRAY(cpus, 1, struct oncpu);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, struct wl_task);
} tasks SEC(".maps");

__u64 last_fork = 0;

/* The window the busy share is timed over (ktime ns), set by user space
 * as it reads /proc/stat at the start and at the end: a stretch adds to
 * oncpu_ns only its part inside [oncpu_from, oncpu_to] (oncpu_to 0: not
 * ended yet), so the share against the CPUs' wall time over the same
 * window is at most 1.  Nothing counts before oncpu_from is set. */
__u64 oncpu_from = 0;
__u64 oncpu_to = 0;

/* Which CPUs run only the idle task with nothing queued, for the
 * wake-up placement count: set at every switch (idle: to the idle task),
 * `pending` from a wake-up aimed at an idle CPU until it switches.  A
 * task moved to an idle CPU by load balancing is not seen until that CPU
 * switches (a newidle pull switches at once).  The kernel's own view
 * (rq->curr, rq->nr_running) needs the `runqueues` per-CPU symbol, which
 * kernels without CONFIG_KALLSYMS_ALL do not resolve. */
struct cpu_state {
	__u32 seen;             /* switched since loading */
	__u32 idle;             /* running the idle task */
	__u32 pending;          /* a wake-up queued a task on it since */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, WL_MAX_CPUS);
	__type(key, __u32);
	__type(value, struct cpu_state);
} cpu_states SEC(".maps");

static __always_inline int cpu_was_idle(__u32 cpu)
{
	struct cpu_state *cs = bpf_map_lookup_elem(&cpu_states, &cpu);
	return cs && cs->seen && cs->idle && !cs->pending;
}

/* Where a wake-up went when the CPU its task slept on (its timer's) was
 * busy while another CPU was idle: select_idle_sibling moves it to the
 * idle one; a host kernel that packs vCPUs may keep it queued on the busy
 * one.  Counts wake_stay / wake_moved, then marks the target pending.  At
 * sched_wakeup the task's CPU is its new one (set_task_cpu). */
static __always_inline void count_placement(struct task_struct *p,
					    __u32 slept, struct wl_counters *c)
{
	if (!bpf_core_field_exists(p->thread_info.cpu))
		return;
	__u32 target = BPF_CORE_READ(p, thread_info.cpu);
	if (c && slept && slept - 1 < WL_MAX_CPUS &&
	    !cpu_was_idle(slept - 1)) {
		__u32 prev = slept - 1;
		int idle = 0;
		for (__u32 i = 0; i < WL_MAX_CPUS && i < cfg.ncpus; i++)
			if (i != prev && cpu_was_idle(i)) {
				idle = 1;
				break;
			}
		if (idle) {
			if (target == prev)
				c->wake_stay++;
			else
				c->wake_moved++;
		}
	}
	struct cpu_state *cs = bpf_map_lookup_elem(&cpu_states, &target);
	if (cs && cs->idle)
		cs->pending = 1;
}

/* At a switch on this CPU: idle or not, nothing pending. */
static __always_inline void cpu_switched(__u32 next_pid)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct cpu_state *cs = bpf_map_lookup_elem(&cpu_states, &cpu);
	if (cs) {
		cs->seen = 1;
		cs->idle = !next_pid;
		cs->pending = 0;
	}
}

static __always_inline struct wl_counters *cnt(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&counters, &zero);
}

static __always_inline __u32 young_flag(struct task_struct *p)
{
	return BPF_CORE_READ(p, start_time) >= cfg.start_ns ? WL_F_YOUNG : 0;
}

/* Move task pid (p) to `state` at now, adding `ran` ns of CPU; creates its
 * entry (age decided from p) on first sight.  Returns its flags. */
static __always_inline __u32 set_state(struct task_struct *p, __u32 pid,
				       __u64 now, __u32 state, __u64 ran,
				       struct wl_counters *c)
{
	struct wl_task *t = bpf_map_lookup_elem(&tasks, &pid);
	if (t) {
		t->ts = now;
		t->state = state;
		t->cpu += ran;
		return t->flags;
	}
	struct wl_task n = { .ts = now, .state = state, .cpu = ran,
			     .burst = state == WL_T_PREEMPTED ? ran : 0,
			     .flags = young_flag(p) };
	if (bpf_map_update_elem(&tasks, &pid, &n, BPF_ANY) && c)
		c->lost++;
	return n.flags;
}

/* Task pid's CPU time so far: what t holds plus, when pid is on this CPU
 * now, its running stretch (not in t->cpu until it switches out). */
static __always_inline __u64 cpu_so_far(const struct wl_task *t, __u32 pid,
					__u64 now)
{
	__u32 zero = 0;
	struct oncpu *oc = bpf_map_lookup_elem(&cpus, &zero);
	__u64 cpu = t->cpu;
	if (oc && oc->pid == pid && now > oc->ts)
		cpu += now - oc->ts;
	return cpu;
}

static __always_inline int on_wakeup(struct task_struct *p, int new)
{
	__u64 now = bpf_ktime_get_ns();
	__u32 pid = BPF_CORE_READ(p, pid);
	struct wl_counters *c = cnt();
	if (!pid)
		return 0;
	if (c) {
		if (new)
			c->wakeups_new++;
		else
			c->wakeups++;
	}
	struct wl_task *t = bpf_map_lookup_elem(&tasks, &pid);
	__u32 young, hog = 0, parent = 0;
	/* Every wake-up marks its target CPU; one that ends a sleep seen
	 * here is counted too (count_placement). */
	count_placement(p, t && !new && t->state == WL_T_BLOCKED
			   ? t->slept_cpu : 0, new ? NULL : c);
	if (t) {
		young = t->flags & WL_F_YOUNG;
		hog = t->flags & WL_F_HOG;
		parent = t->flags & WL_F_PARENT;
		if (t->state == WL_T_BLOCKED && now > t->ts) {
			HIST_ADD(hists, WL_SLEEP, now - t->ts);
			if (!parent)
				HIST_ADD(hists, hog ? WL_SLEEP_HOG : young
					 ? WL_SLEEP_YOUNG : WL_SLEEP_OLD,
					 now - t->ts);
			if (c && !hog && !parent) {
				if (young)
					c->sleeps_young++;
				else
					c->sleeps_old++;
			}
		}
		t->ts = now;
		t->state = WL_T_RUNNABLE;
		/* Wake-up to wake-up of a resident: its cycle. */
		if (!new && !young && !hog && !parent) {
			if (t->woke && now > t->woke)
				HIST_ADD(hists, WL_CYCLE_OLD, now - t->woke);
			t->woke = now;
		}
	} else {
		young = set_state(p, pid, now, WL_T_RUNNABLE, 0, c) & WL_F_YOUNG;
		t = bpf_map_lookup_elem(&tasks, &pid);
		if (t && !new)
			t->woke = now;
	}
	/* wake_up_new_task runs in the parent: this CPU is the parent's,
	 * and the parent's CPU time from here to its next sleep is the fork
	 * cycle's tail (WL_FORK_TAIL). */
	if (t && new)
		t->born_cpu = bpf_get_smp_processor_id() + 1;
	if (new) {
		__u32 cur = (__u32)bpf_get_current_pid_tgid();
		struct wl_task *pt = cur ? bpf_map_lookup_elem(&tasks, &cur) : NULL;
		if (pt)
			pt->tail_from = cpu_so_far(pt, cur, now) + 1;
	}
	if (c && !new) {
		if (parent)
			c->wakeups_parent++;
		else if (hog)
			c->wakeups_hog++;
		else if (young)
			c->wakeups_young++;
		else
			c->wakeups_old++;
	}
	return 0;
}

static __always_inline int on_switch(bool preempt, struct task_struct *prev,
				     struct task_struct *next)
{
	__u64 now = bpf_ktime_get_ns();
	__u32 zero = 0;
	__u32 ppid = BPF_CORE_READ(prev, pid), npid = BPF_CORE_READ(next, pid);
	struct wl_counters *c = cnt();
	struct oncpu *oc = bpf_map_lookup_elem(&cpus, &zero);
	long st = task_state(prev);

	if (c)
		c->switches++;
	cpu_switched(npid);
	if (ppid) {
		int runnable = preempt || (st & 0xff) == TASK_RUNNING;
		int dead = !runnable && (st & TASK_DEAD_BIT);
		struct wl_task *t = bpf_map_lookup_elem(&tasks, &ppid);
		__u32 young = t ? t->flags & WL_F_YOUNG : young_flag(prev);
		__u32 hog = t ? t->flags & WL_F_HOG : 0;
		__u32 parent = t ? t->flags & WL_F_PARENT : 0;
		__u64 ran = 0;
		if (oc && oc->pid == ppid && oc->ts && now > oc->ts) {
			ran = now - oc->ts;
			__u64 from = oc->ts > oncpu_from ? oc->ts : oncpu_from;
			__u64 to = oncpu_to && now > oncpu_to ? oncpu_to : now;
			if (c && oncpu_from && to > from)
				c->oncpu_ns += to - from;
			if (runnable)
				HIST_ADD(hists, WL_SLICE, ran);
			else if (!dead)
				HIST_ADD(hists, WL_RUN, ran);
		}
		/* A parent going to sleep after a fork: the cycle's tail. */
		if (t && t->tail_from && !runnable) {
			__u64 cpu = t->cpu + ran + 1;
			if (cpu > t->tail_from)
				HIST_ADD(hists, WL_FORK_TAIL, cpu - t->tail_from);
			t->tail_from = 0;
		}
		/* The burst: every stretch since the wake-up. */
		if (runnable) {
			if (t)
				t->burst += ran;
		} else if (!dead) {
			__u64 burst = ran;
			if (t) {
				burst += t->burst;
				t->burst = 0;
			}
			/* A resident that ran this long between two sleeps is
			 * CPU-bound: counted apart from then on. */
			if (t && !young && !hog && !parent && cfg.hog_burst_ns &&
			    burst >= cfg.hog_burst_ns) {
				t->flags |= WL_F_HOG;
				hog = 1;
				if (c)
					c->hogs++;
			}
			if (burst && !parent)
				HIST_ADD(hists, hog ? WL_RUN_HOG : young ? WL_RUN_YOUNG
					 : WL_RUN_OLD, burst);
		}
		if (runnable) {
			if (c) {
				c->preempts++;
				if (young)
					c->preempts_young++;
				else if (!hog && !parent)
					c->preempts_old++;
			}
			set_state(prev, ppid, now, WL_T_PREEMPTED, ran, c);
		} else if (dead) {
			if (c)
				c->dead++;
			/* The final switch: do_exit's tail since the exit
			 * tracepoint, in on-CPU time. */
			if (t && (t->flags & WL_F_EXITING)) {
				__u64 cpu = t->cpu + ran;
				if (young && cpu > t->exit_cpu)
					HIST_ADD(hists, WL_EXIT_TAIL,
						 cpu - t->exit_cpu);
				bpf_map_delete_elem(&tasks, &ppid);
			}
		} else {
			if (c) {
				c->blocks++;
				if (young)
					c->blocks_young++;
				else if (!hog && !parent)
					c->blocks_old++;
			}
			set_state(prev, ppid, now, WL_T_BLOCKED, ran, c);
			struct wl_task *bt = t ? t : bpf_map_lookup_elem(&tasks,
									 &ppid);
			if (bt)
				bt->slept_cpu = bpf_get_smp_processor_id() + 1;
		}
	}
	if (npid) {
		struct wl_task *t = bpf_map_lookup_elem(&tasks, &npid);
		/* A new task's first run: on its parent's CPU or not (the
		 * fork placement, select_task_rq with WF_FORK). */
		if (t && t->born_cpu) {
			if (c) {
				if (t->born_cpu == bpf_get_smp_processor_id() + 1)
					c->new_local++;
				else
					c->new_away++;
			}
			t->born_cpu = 0;
		}
		if (t) {
			if ((t->state == WL_T_RUNNABLE ||
			     t->state == WL_T_PREEMPTED) && now > t->ts) {
				HIST_ADD(hists, WL_WAIT, now - t->ts);
				if (!ppid) {
					HIST_ADD(hists, WL_WAIT_IDLE, now - t->ts);
					if (c)
						c->from_idle++;
				} else if (t->state == WL_T_RUNNABLE) {
					HIST_ADD(hists, WL_WAIT_WOKEN_BUSY,
						 now - t->ts);
				}
			}
			t->state = WL_T_RUNNING;
			t->ts = now;
		}
	}
	if (oc) {
		oc->ts = now;
		oc->pid = npid;
	}
	return 0;
}

static __always_inline int on_fork(struct task_struct *p)
{
	__u64 now = bpf_ktime_get_ns();
	__u64 prev = __sync_lock_test_and_set(&last_fork, now);
	__u32 pid = BPF_CORE_READ(p, pid);
	struct wl_counters *c = cnt();
	if (c)
		c->forks++;
	/* The forking task is a parent from now on (it is running). */
	if (pid) {
		struct wl_task *t = bpf_map_lookup_elem(&tasks, &pid);
		if (!t) {
			set_state(p, pid, now, WL_T_RUNNING, 0, c);
			t = bpf_map_lookup_elem(&tasks, &pid);
		}
		if (t && !(t->flags & WL_F_PARENT)) {
			t->flags |= WL_F_PARENT;
			if (c)
				c->parents++;
		}
		if (t) {
			t->forks++;
			t->tail_from = 0;   /* another fork: no tail to sleep */
		}
		/* The parent's CPU time per fork cycle: it is running. */
		if (t) {
			__u64 cpu = cpu_so_far(t, pid, now);
			if ((t->flags & WL_F_FORKED) && cpu > t->fork_cpu)
				HIST_ADD(hists, WL_FORK_CPU, cpu - t->fork_cpu);
			t->fork_cpu = cpu;
			t->flags |= WL_F_FORKED;
		}
	}
	if (prev && now > prev)
		HIST_ADD(hists, WL_SPAWN_GAP, now - prev);
	return 0;
}

static __always_inline int on_exit(struct task_struct *p)
{
	__u64 now = bpf_ktime_get_ns();
	__u32 pid = BPF_CORE_READ(p, pid);
	__u64 start = BPF_CORE_READ(p, start_time);
	struct wl_counters *c = cnt();
	struct wl_task *t = bpf_map_lookup_elem(&tasks, &pid);
	/* The exiting task is on this CPU: its last stretch counts. */
	__u64 cpu = t ? cpu_so_far(t, pid, now) : 0;
	if (c)
		c->exits++;
	if (start >= cfg.start_ns && now > start) {
		HIST_ADD(hists, WL_LIFETIME, now - start);
		if (t) {
			HIST_ADD(hists, WL_CPU_DEMAND, cpu);
		} else if (c) {
			c->untracked_exits++;
		}
	} else if (c) {
		c->exits_old++;
	}
	/* Kept until the final switch (on_switch), which measures the rest
	 * of do_exit; the running stretch so far is not in t->cpu yet. */
	if (t) {
		t->exit_cpu = cpu;
		t->flags |= WL_F_EXITING;
	}
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(sched_wakeup, struct task_struct *p)
{
	return on_wakeup(p, 0);
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(sched_wakeup_new, struct task_struct *p)
{
	return on_wakeup(p, 1);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	return on_switch(preempt, prev, next);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(sched_process_fork, struct task_struct *parent,
	     struct task_struct *child)
{
	return on_fork(parent);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(sched_process_exit, struct task_struct *p)
{
	return on_exit(p);
}

SEC("raw_tp/sched_wakeup")
int BPF_PROG(handle_sched_wakeup, struct task_struct *p)
{
	return on_wakeup(p, 0);
}

SEC("raw_tp/sched_wakeup_new")
int BPF_PROG(handle_sched_wakeup_new, struct task_struct *p)
{
	return on_wakeup(p, 1);
}

SEC("raw_tp/sched_switch")
int BPF_PROG(handle_sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	return on_switch(preempt, prev, next);
}

SEC("raw_tp/sched_process_fork")
int BPF_PROG(handle_sched_process_fork, struct task_struct *parent,
	     struct task_struct *child)
{
	return on_fork(parent);
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(handle_sched_process_exit, struct task_struct *p)
{
	return on_exit(p);
}
