/* cpu.c - CPU time lines, dispatch and preemption (cpu.h).
 *
 * Preemption rules: a segment ends at its slice end (or burst end, or
 * exit); then the task keeps the CPU only if nobody should run first
 * (runq_others_first).  A resident's burst longer than a slice is split at
 * the slice ends; spawned tasks' blocking segments are not.  Wake-up
 * preemption (cpu_task_queued) cuts a segment short: FIFO queues only with
 * `wakeup_preemption` and only for the task first in line; fair when the
 * woken task has run less, after `fair.wakeup_granularity`.
 */
#include <string.h>

#include <gsl/gsl_rng.h>

#include "models/runqslower/balance.h"
#include "models/runqslower/cpu.h"
#include "models/runqslower/ktime.h"
#include "models/runqslower/place.h"
#include "models/runqslower/probe.h"
#include "models/runqslower/runq.h"
#include "models/runqslower/spawner.h"
#include "models/runqslower/tools.h"
#include "models/runqslower/world.h"
#include "sim/check.h"

void cpu_resched(struct rq_run *R, uint32_t c)
{
	sim_timer_at(R->s, R->cpu[c].until, EV_CPU, c, 0);
}

int cpu_is_idle(const struct rq_run *R, uint32_t c)
{
	const struct cpu *p = &R->cpu[c];
	return p->cur == NIL && p->next == NIL && p->runq_len == 0;
}

void cpu_insert_overhead(struct rq_run *R, uint32_t c, uint64_t cost,
			 int what)
{
	struct cpu *p = &R->cpu[c];
	uint64_t now = R->s->now;
	if (cost == 0)
		return;
	if (what == OH_SWITCH)
		p->sw += cost;
	else if (what == OH_KERNEL)
		p->kern += cost;
	else if (what == OH_STEAL)
		p->steal += cost;   /* no series column: whole-run only */
	else
		p->bpf += cost;
	if (what != OH_STEAL)
		rq_series_point(R, what == OH_SWITCH ? SC_SWITCH
				   : what == OH_KERNEL ? SC_KERNEL : SC_BPF,
				(double)cost);
	switch (p->mode) {
	case CPU_IDLE:
		p->idle += now - p->idle_since;
		rq_series_span(R, SC_IDLE, p->idle_since,
			       (double)(now - p->idle_since));
		p->mode = CPU_BURST;
		p->next = NIL;
		place_touch(R, c);
		p->until = now + cost;
		break;
	case CPU_BURST:
		p->until = (p->until > now ? p->until : now) + cost;
		break;
	case CPU_RUN:
		p->until += cost;
		p->inj += cost;
		break;
	case CPU_WAKING:
		/* Still idle: the cost runs when the CPU wakes (on_wake_end). */
		p->pending += cost;
		return;
	}
	cpu_resched(R, c);
}

/* Task pid gets CPU c: draw how long it runs before its segment ends (a
 * slice, a burst before blocking, or the rest of a cut burst). */
static void start_segment(struct rq_run *R, uint32_t c, uint32_t pid)
{
	const struct rq_cfg *cfg = R->cfg;
	struct cpu *p = &R->cpu[c];
	struct task *t = &R->task[pid];
	uint64_t now = R->s->now;
	if (t->state == T_RUNNABLE) {
		/* The wait ends when __schedule picks the task (the kernel's
		 * run_delay: sched_info_arrive, next to the sched_switch
		 * tracepoint), not after the context switch that follows. */
		uint64_t end = t->picked;   /* set by runq_pop */
		SIM_CHECK(end >= t->enq_time && end <= now);
		stat_tally_add(&R->wait, (double)(end - t->enq_time));
		rq_series_point(R, SC_WAIT_SUM, (double)(end - t->enq_time));
		rq_series_point(R, SC_WAITS, 1);
	}
	t->state = T_RUNNING;
	t->cpu = c;
	t->woken = 0;
	uint64_t seg = 0, burst = 0;
	int in_burst = 0;
	if (t->resume) {
		burst = t->resume;   /* the rest of a burst cut short */
		t->resume = 0;
		in_burst = 1;
	} else if (t->cls == CLS_RESIDENT) {
		burst = dist_sample_ns(cfg->res_run, R->r_res_run);
		in_burst = 1;        /* runs its burst, then sleeps */
	} else if (t->cls == CLS_SPAWNER) {
		burst = spawner_fork_ns(R, pid);
		in_burst = 1;        /* one fork, then the child (spawner.c) */
	} else if (t->cls == CLS_READER) {
		burst = tools_reader_burst(R, pid);
		in_burst = 1;        /* drain or read, then sleep (tools.c) */
	} else if (t->cls == CLS_BUSY && cfg->busy_run) {
		burst = dist_sample_ns(cfg->busy_run, R->r_res_run);
		in_burst = 1;        /* a long burst, a short sleep */
	} else if (t->cls == CLS_BUSY) {
		t->blocks = 0;       /* CPU-bound: slices until preempted */
		seg = dist_sample_ns(cfg->slice, R->r_slice);
	} else {
		t->blocks = cfg->block_p > 0 &&
			    gsl_rng_uniform(R->r_block) < cfg->block_p;
		const struct dist *d = t->blocks && cfg->block_run
				       ? cfg->block_run : cfg->slice;
		seg = dist_sample_ns(d, R->r_slice);
		if (t->blocks) {
			burst = seg;
			in_burst = 1;
		}
	}
	if (in_burst) {
		t->blocks = 1;
		seg = burst;
		if (t->cls != CLS_SPAWNED) {
			/* A resident's burst longer than a slice is preempted
			 * at the slice end when others wait, as the kernel
			 * shares a CPU; the rest runs when it is back. */
			uint64_t sl = dist_sample_ns(cfg->slice, R->r_slice);
			if (sl == 0)
				sl = 1;
			if (burst > sl) {
				t->resume = burst - sl;
				t->blocks = 0;
				seg = sl;
			}
		}
	}
	if (seg == 0)
		seg = 1;
	if (seg > t->remaining)
		seg = t->remaining;
	seg = runq_segment(R, c, pid, seg);   /* eevdf: to its deadline check */
	p->mode = CPU_RUN;
	p->cur = pid;
	place_touch(R, c);
	p->seg_start = now;
	p->inj = 0;
	p->until = now + seg;
	p->seg_len = seg;
	p->cut = 0;
	/* FIFO with wakeup_preemption: a task woken while another ran, now
	 * first in line behind this one, gets the preemption check against
	 * the task that took the CPU (check_preempt_curr on the next tick or
	 * reschedule), or it would wait out a whole slice. */
	if (cfg->runqueue != RUNQ_FAIR && cfg->wakeup_preempt &&
	    p->runq_head != NIL && R->task[p->runq_head].woken) {
		uint64_t at = now + dist_sample_ns(cfg->wakeup_preempt,
						   R->r_preempt);
		if (at < p->until) {
			p->until = at;
			p->cut = 1;
		}
	}
	cpu_resched(R, c);
	if (t->cls == CLS_SPAWNED && !t->execd) {
		/* The model's processes are fork + exec: exec completes
		 * when the child first runs (sched_process_exec). */
		t->execd = 1;
		tools_exec(R, c, pid);
		ktime_exec(R, c);
	}
}

/* The task on CPU c leaves it (why: PREV_*); pick the next, run the hooks
 * and the context switch as one burst. */
static void switch_out(struct rq_run *R, uint32_t c, uint32_t prev, int why)
{
	const struct rq_cfg *cfg = R->cfg;
	struct cpu *p = &R->cpu[c];
	struct sim *s = R->s;
	p->mode = CPU_BURST;
	p->cur = NIL;
	place_touch(R, c);
	p->until = s->now;
	if (why == PREV_EXIT) {
		probe_exit(R, c, prev);
		ktime_exit(R, c);   /* do_exit after its tracepoint */
		world_free_task(R, prev);
	} else if (why == PREV_BLOCK) {
		world_block(R, prev);
	}
	uint32_t next = runq_pop(R, c);
	/* Nothing left here: newidle balance pulls a waiting task from a
	 * busier CPU before this one goes idle (pick_next_task_fair ->
	 * newidle_balance, balance.h).  Its sched_migrate_task comes
	 * before this sched_switch, as in the kernel. */
	if (next == NIL && why != PREV_PREEMPT &&
	    balance_newidle(R, c) != NIL)
		next = runq_pop(R, c);
	if (why == PREV_PREEMPT) {
		struct task *t = &R->task[prev];
		t->state = T_RUNNABLE;
		t->enq_time = s->now;
		runq_push(R, c, prev, 0);
	}
	probe_switch(R, c, prev, why == PREV_PREEMPT, next);
	p->next = next;
	place_touch(R, c);
	cpu_insert_overhead(R, c, dist_sample_ns(cfg->ctx_switch, R->r_switch),
			    OH_SWITCH);
	if (p->until == s->now)
		cpu_resched(R, c);   /* zero-cost burst: dispatch at once */
}

static void on_segment_end(struct rq_run *R, uint32_t c)
{
	struct cpu *p = &R->cpu[c];
	uint32_t pid = p->cur;
	struct task *t = &R->task[pid];
	uint64_t ran = p->until - p->seg_start - p->inj;
	p->payload += ran;
	rq_series_span(R, SC_PAYLOAD, p->seg_start, (double)ran);
	SIM_CHECK(ran <= t->remaining);
	t->remaining -= ran;
	t->vruntime += ran;
	/* A segment that is part of a burst (it blocks at its end, or more of
	 * the burst follows) keeps what it did not run when cut short. */
	if (p->cut && (t->blocks || t->resume) && p->seg_len > ran)
		t->resume += p->seg_len - ran;
	/* The system calls made while it ran fire their hooks now; their
	 * cost is charged once the CPU's next step is settled (below). */
	uint64_t sys = t->cls == CLS_SPAWNER || t->cls == CLS_READER ? 0
		       : tools_syscalls(R, c, pid, ran);
	/* A reader's drain is done: records that came meanwhile are drained
	 * before it sleeps again (libbpf's ring loop). */
	if (t->cls == CLS_READER && t->blocks && !t->resume &&
	    tools_reader_drained(R, pid))
		t->blocks = 0;
	if (t->cls == CLS_SPAWNER) {
		switch (spawner_segment_end(R, c, pid)) {
		case SPN_WAIT:
			return;
		case SPN_BLOCK:
			switch_out(R, c, pid, PREV_BLOCK);
			return;
		case SPN_NEXT:
			/* The next fork in the same stretch: the parent
			 * yields only to a wake-up preemption or, once it has
			 * run a mean slice since it got the CPU, to others
			 * waiting first. */
			if ((p->cut && runq_cut_preempts(R, p, t)) ||
			    (R->s->now - p->got_cpu >=
			     (uint64_t)dist_mean(R->cfg->slice) &&
			     runq_others_first(R, p, t)))
				switch_out(R, c, pid, PREV_PREEMPT);
			else
				start_segment(R, c, pid);
			return;
		default:
			break;   /* a fork cut short: the rules below */
		}
	}
	if (t->remaining == 0)
		switch_out(R, c, pid, PREV_EXIT);
	else if (p->cut && runq_cut_preempts(R, p, t))
		switch_out(R, c, pid, PREV_PREEMPT);   /* a wake-up preempts */
	else if (t->resume) {
		/* More of the burst: preempted when others wait. */
		if (runq_others_first(R, p, t))
			switch_out(R, c, pid, PREV_PREEMPT);
		else
			start_segment(R, c, pid);
	} else if (t->blocks) {
		if (t->cls == CLS_RESIDENT && R->cfg->res_interval &&
		    t->next_wake <= R->s->now) {
			/* Its next wake-up came while it ran: it does not
			 * sleep, it starts its next burst - and nothing is
			 * woken, so no sched_wakeup.  The timer expired while
			 * the task was TASK_RUNNING: a timerfd's or a
			 * clock_nanosleep(TIMER_ABSTIME)'s wait returns at
			 * once, and a wake-up aimed at a running task stops
			 * in try_to_wake_up at ttwu_state_match before any
			 * tracepoint.  (kernel/sched/core.c ttwu_runnable -
			 * sched_wakeup for a task still on its runqueue -
			 * needs a task that has set a sleeping state and not
			 * yet left the runqueue: the window between
			 * set_current_state() and schedule(), or EEVDF's
			 * delayed dequeue.  This model blocks a task at its
			 * segment end in one step and has no delayed dequeue,
			 * so that wake-up cannot occur here.) */
			t->next_wake = R->s->now +
				dist_sample_ns(R->cfg->res_interval, R->r_res_sleep);
			if (runq_others_first(R, p, t))
				switch_out(R, c, pid, PREV_PREEMPT);
			else
				start_segment(R, c, pid);
		} else {
			switch_out(R, c, pid, PREV_BLOCK);
		}
	}
	else if (runq_others_first(R, p, t))
		switch_out(R, c, pid, PREV_PREEMPT);
	else
		start_segment(R, c, pid);   /* nobody waits: keep running */
	if (sys)
		probe_charge(R, c, -1, (double)sys);
}

static void on_burst_end(struct rq_run *R, uint32_t c)
{
	struct cpu *p = &R->cpu[c];
	if (p->next != NIL) {
		uint32_t pid = p->next;
		p->next = NIL;
		place_touch(R, c);
		p->got_cpu = R->s->now;
		start_segment(R, c, pid);
	} else if (p->runq_len > 0) {
		/* From idle to a task woken during the burst. */
		uint32_t next = runq_pop(R, c);
		p->until = R->s->now;
		probe_switch(R, c, NIL, 0, next);
		p->next = next;
		place_touch(R, c);
		cpu_insert_overhead(R, c,
				    dist_sample_ns(R->cfg->ctx_switch, R->r_switch),
				    OH_SWITCH);
		if (p->until == R->s->now)
			cpu_resched(R, c);
	} else {
		p->mode = CPU_IDLE;
		p->idle_since = R->s->now;
	}
}

void cpu_task_queued(struct rq_run *R, uint32_t c, uint32_t pid, int woken)
{
	int fair = R->cfg->runqueue == RUNQ_FAIR, preempt = 0;
	struct cpu *p = &R->cpu[c];
	const struct task *t = &R->task[pid];
	uint64_t now = R->s->now;
	uint64_t at = now;
	if (woken && p->mode == CPU_RUN && !p->cut) {
		if (R->cfg->runqueue == RUNQ_EEVDF) {
			/* check_preempt_wakeup_fair (eevdf.h) */
			preempt = runq_wakeup_preempts(R, c, pid);
		} else if (fair) {
			/* Wake-up preemption when the woken task has run less
			 * than the running one - which keeps the CPU for
			 * wakeup_granularity after it got it (EEVDF's run to
			 * parity, in outline): a short burst finishes first. */
			const struct task *cur = &R->task[p->cur];
			uint64_t done = now > p->seg_start + p->inj
				? now - p->seg_start - p->inj : 0;
			preempt = t->vruntime < cur->vruntime + done;
			if (p->got_cpu + R->cfg->fair_gran > at)
				at = p->got_cpu + R->cfg->fair_gran;
		} else {
			/* First in line (FIFO: alone; woken_first: ahead). */
			preempt = R->cfg->wakeup_preempt && p->runq_head == pid;
		}
	}
	if (preempt) {
		/* The running task gives the CPU up after the drawn delay
		 * (at once without wakeup_preemption), unless its segment
		 * ends first. */
		at += R->cfg->wakeup_preempt
			? dist_sample_ns(R->cfg->wakeup_preempt, R->r_preempt) : 0;
		/* Not before the overhead already inserted has run. */
		if (at < p->seg_start + p->inj)
			at = p->seg_start + p->inj;
		if (at < p->until) {
			p->until = at;
			p->cut = 1;
			cpu_resched(R, c);
		}
	}
	if (p->mode == CPU_IDLE) {
		uint64_t lat = R->cfg->idle_wakeup
			? dist_sample_ns(R->cfg->idle_wakeup, R->r_idle) : 0;
		if (lat > 0) {
			/* The CPU stays idle until it has woken up (IPI, exit
			 * from the idle state); on_wake_end then dispatches. */
			p->mode = CPU_WAKING;
			p->pending = 0;
			p->until = now + lat;
			cpu_resched(R, c);
		} else {
			/* Wake the CPU: it dispatches when its burst (the
			 * hook) ends. */
			p->idle += now - p->idle_since;
			rq_series_span(R, SC_IDLE, p->idle_since,
				       (double)(now - p->idle_since));
			p->mode = CPU_BURST;
			p->next = NIL;
			place_touch(R, c);
			p->until = now;
			cpu_resched(R, c);
		}
	}
}

/* A waking CPU is up: its idle time ends, the overhead charged meanwhile
 * runs as a burst, then it dispatches its runqueue (on_burst_end). */
static void on_wake_end(struct rq_run *R, uint32_t c)
{
	struct cpu *p = &R->cpu[c];
	uint64_t now = R->s->now;
	p->idle += now - p->idle_since;
	rq_series_span(R, SC_IDLE, p->idle_since, (double)(now - p->idle_since));
	p->mode = CPU_BURST;
	p->next = NIL;
	place_touch(R, c);
	p->until = now + p->pending;
	if (p->pending)
		p->bpf_until = p->until;
	p->pending = 0;
	cpu_resched(R, c);
}

void cpu_event(struct rq_run *R, uint32_t c)
{
	struct cpu *p = &R->cpu[c];
	if (p->mode == CPU_RUN)
		on_segment_end(R, c);
	else if (p->mode == CPU_BURST)
		on_burst_end(R, c);
	else if (p->mode == CPU_WAKING)
		on_wake_end(R, c);
}

/* The run is measured up to `now`: a segment that a horizon (or a cap)
 * cuts counts the payload it ran before `now`, not its planned length
 * (which, with a duration shorter than a slice, would count milliseconds
 * of payload in a microsecond run).  Overhead is charged whole when it
 * fires, so a CPU's committed time can pass `now` by at most the burst or
 * insertion in progress; that insertion's payload share is approximate
 * (taken as after it) by at most its cost. */
/* The payload a running segment has done by `now`: the time since it
 * started less the overhead inserted into it, at most its length. */
static uint64_t segment_payload(const struct cpu *p, uint64_t now)
{
	uint64_t ran = now > p->seg_start ? now - p->seg_start : 0;
	uint64_t pay = ran > p->inj ? ran - p->inj : 0;
	uint64_t len = p->until - p->seg_start - p->inj;
	return pay < len ? pay : len;
}

void cpu_split(struct rq_run *R, uint32_t c, struct rq_totals *tot)
{
	uint64_t now = R->s->now;
	struct cpu *p = &R->cpu[c];
	uint64_t end, payload = p->payload, idle = p->idle;
	if (p->mode == CPU_IDLE) {
		end = now;
		idle += now - p->idle_since;
	} else if (p->mode == CPU_WAKING) {
		/* Idle so far; what was charged meanwhile runs next. */
		idle += now - p->idle_since;
		end = now + p->pending;
	} else if (p->mode == CPU_RUN) {
		uint64_t pay = segment_payload(p, now);
		end = p->seg_start + p->inj + pay;
		payload += pay;
	} else {
		end = p->until > now ? p->until : now;
		idle += end - p->until;   /* a burst that ended at `now` */
	}
	/* The invariant: every committed ns is charged exactly once. */
	SIM_CHECK(payload + p->bpf + p->sw + p->kern + p->steal + idle == end);
	tot->payload = payload;
	tot->steal = p->steal;
	tot->bpf = p->bpf;
	tot->sw = p->sw;
	tot->kern = p->kern;
	tot->idle = idle;
	tot->elapsed = end;
}

void cpu_series_flush(struct rq_run *R)
{
	uint64_t now = R->s->now;
	for (uint32_t c = 0; c < (uint32_t)R->cfg->cpus; c++) {
		struct cpu *p = &R->cpu[c];
		if (p->mode == CPU_IDLE || p->mode == CPU_WAKING) {
			rq_series_span(R, SC_IDLE, p->idle_since,
				       (double)(now - p->idle_since));
		} else if (p->mode == CPU_RUN) {
			uint64_t pay = segment_payload(p, now);
			if (pay)
				rq_series_span(R, SC_PAYLOAD, p->seg_start,
					       (double)pay);
		} else if (p->until < now) {
			/* A burst that ended at `now`, not yet dispatched:
			 * idle since it ended. */
			rq_series_span(R, SC_IDLE, p->until,
				       (double)(now - p->until));
		}
	}
}

void cpu_totals(struct rq_run *R, struct rq_totals *tot)
{
	memset(tot, 0, sizeof(*tot));
	for (uint64_t i = 0; i < R->cfg->cpus; i++) {
		struct rq_totals one;
		cpu_split(R, (uint32_t)i, &one);
		tot->payload += one.payload;
		tot->bpf += one.bpf;
		tot->sw += one.sw;
		tot->kern += one.kern;
		tot->steal += one.steal;
		tot->idle += one.idle;
		tot->elapsed += one.elapsed;
	}
}
