/* probe.c - runqslower's BPF programs on the scheduler hooks (probe.h).
 *
 * Where the kernel is the reference:
 *   - the caller picks the CPU a hook runs on: sched_wakeup on the waker's
 *     CPU (a sleeper's timer CPU), on the target only through the wake list
 *     (world.c hook_cpu: try_to_wake_up, ttwu_queue_cond); sched_switch and
 *     the exit on the task's CPU;
 *   - recursion (`probe.nesting`): runqslower's programs are tp_btf, and
 *     kernel/trace/bpf_trace.c __bpf_trace_run skips a program only when
 *     that same program is already active on the CPU
 *     (this_cpu_inc_return(*(prog->active)) != 1, counted by
 *     bpf_prog_inc_misses_counter).  sched_wakeup, sched_wakeup_new and
 *     sched_switch fire with interrupts off (under the runqueue lock, or
 *     p->pi_lock), so none of them can interrupt a runqslower program on
 *     its CPU: with `per_program` (the default) nothing is skipped.
 *     `any_program` is the rule of kprobe and perf-event tracepoint
 *     programs (trace_call_bpf's per-CPU bpf_prog_active: any BPF program
 *     running on the CPU makes the hook skip): a sched_wakeup that fires
 *     on a CPU while a BPF program runs there is skipped.  `serialize`: it
 *     runs after the program in progress (for runqslower's hooks the same
 *     as per_program).  Skips count as recursion_misses;
 *   - sched_switch to the idle task: libbpf-tools runqslower
 *     (handle__sched_switch) looks up next->pid, 0 for the idle task, in its
 *     pid-keyed hash - a lookup that misses; the kernel's
 *     tools/bpf/runqslower (task storage) returns before its
 *     bpf_task_storage_get when !pid.  A switch from idle records nothing
 *     (trace_enqueue returns on pid 0) in both;
 *   - libbpf-tools runqslower deletes an entry only after reporting it
 *     (`delete: on_report`): short waits keep their entry, exited tasks leak
 *     theirs; `delete: always` deletes after every lookup;
 *   - task-storage free is kernel work, not BPF time: kernel/fork.c
 *     free_task calls bpf_task_storage_free when the task_struct is freed
 *     (after it is reaped, via RCU).  It is charged as kernel time on the
 *     exiting task's CPU at its exit (the RCU delay is not modelled), with
 *     or without a program attached; bpf_stats never sees it.
 * A report whose timestamp predates the task's current wait is a bogus wait,
 * counted as a false report.  It needs the record of this wait to be lost
 * while an older entry stays: a sched_wakeup skipped by the recursion check
 * (`any_program`) after a short wait whose entry `on_report` kept.  Pid
 * reuse alone cannot do it: sched_wakeup_new always runs, and updating a
 * key that is present never fails (the kernel swaps in a per-CPU spare
 * element), so a reused pid overwrites the dead task's leaked entry.
 *
 * Draw order matters for common random numbers: per hook, the base cost is
 * drawn first, then the storage operations in program order, then output.
 */
#include <math.h>

#include "models/runqslower/cpu.h"
#include "models/runqslower/probe.h"
#include "models/runqslower/tools.h"

static struct storage_key key_of(struct rq_run *R, uint32_t pid)
{
	return (struct storage_key){ pid, pid, R->task[pid].incarnation };
}

void probe_note_occupancy(struct rq_run *R)
{
	uint64_t occ = 0;
	if (R->cfg->ntools)
		for (size_t i = 0; i < R->cfg->ntools; i++)
			occ += pd_occupancy(&R->tools[i]);
	else
		occ = R->sops->occupancy(R->st);
	stat_gauge_set(&R->occupancy, R->s->now, (double)occ);
	if (occ != (uint64_t)R->lv_occ.v)
		rq_level_set(R, SC_OCC_AVG, &R->lv_occ, (double)occ);
	if (occ > R->occ_max)
		R->occ_max = occ;
}

static uint64_t hook_base(struct rq_run *R, int h)
{
	return dist_sample_ns(R->cfg->hook[h], R->r_hook[h]);
}

/* Charge a hook's total cost to CPU c as BPF time.  bpf_until marks the
 * program as running there, for the recursion check. */
void probe_charge(struct rq_run *R, uint32_t c, int h, double cost)
{
	if (!(cost < (double)UNITS_HORIZON_NS)) {   /* a factor run wild */
		sim_fail(R->s, "a %s program cost %.3g ns, beyond the clock's "
			 "horizon (2^62ns): check the storage cost factors",
			 rq_hook_names[h], cost);
		return;
	}
	uint64_t ns = cost <= 0 ? 0 : units_round_ns(cost);
	struct cpu *p = &R->cpu[c];
	uint64_t now = R->s->now;
	if (h >= 0) {
		R->hook_n[h]++;
		R->hook_ns[h] += ns;
	}
	if (p->mode != CPU_WAKING)   /* else set when the CPU wakes */
		p->bpf_until = (p->bpf_until > now ? p->bpf_until : now) + ns;
	cpu_insert_overhead(R, c, ns, OH_BPF);
}

void probe_charge_kernel(struct rq_run *R, uint32_t c, double cost)
{
	if (cost > 0)
		cpu_insert_overhead(R, c, sim_ns(cost), OH_KERNEL);
}

void probe_wakeup(struct rq_run *R, uint32_t c, uint32_t pid, int is_new)
{
	const struct rq_cfg *cfg = R->cfg;
	if (cfg->ntools) {
		tools_wakeup(R, c, pid, is_new);
		return;
	}
	if (!cfg->attach)
		return;
	int h = is_new ? RQ_WAKEUP_NEW : RQ_WAKEUP;
	/* per_program never skips here: a runqslower program cannot be
	 * re-entered on its CPU (the hooks run with interrupts off); what
	 * overlaps in the model's time line is serialized, as the kernel
	 * runs it. */
	if (!is_new && cfg->nesting == NEST_ANY_PROGRAM &&
	    R->s->now < R->cpu[c].bpf_until) {
		/* kprobe/perf-event style: any BPF program running on this CPU
		 * makes the hook skip (trace_call_bpf, bpf_prog_active). */
		R->recursion_misses++;
		return;
	}
	struct storage_key k = key_of(R, pid);
	int ok;
	double cost = (double)hook_base(R, h);
	cost += R->sops->record(R->st, &k,
				&(struct storage_at){ STORAGE_WAKE, c },
				R->s->now, &ok);
	probe_note_occupancy(R);
	probe_charge(R, c, h, cost);
}

void probe_switch(struct rq_run *R, uint32_t c, uint32_t prev,
		  int prev_runnable, uint32_t next)
{
	const struct rq_cfg *cfg = R->cfg;
	uint64_t now = R->s->now;
	if (cfg->ntools) {
		tools_switch(R, c, prev, prev_runnable, next);
		return;
	}
	if (!cfg->attach)
		return;
	double cost = (double)hook_base(R, RQ_SWITCH);
	int ok;
	if (prev != NIL && prev_runnable) {
		struct storage_key k = key_of(R, prev);
		cost += R->sops->record(R->st, &k,
					&(struct storage_at){ STORAGE_SWITCH, c },
					now, &ok);
	}
	if (next == NIL && R->idle_lookup) {
		/* libbpf-tools: `pid = next->pid` is 0 for the idle task and
		 * bpf_map_lookup_elem(&start, &pid) misses (pid 0 is never
		 * recorded).  Not a missed sample: nobody waited. */
		struct storage_key k = { 0, 0, 0 };
		struct storage_lookup lk;
		cost += R->sops->lookup(R->st, &k,
					&(struct storage_at){ STORAGE_SWITCH, c },
					&lk);
	} else if (next != NIL) {
		struct storage_key k = key_of(R, next);
		struct storage_lookup lk;
		cost += R->sops->lookup(R->st, &k,
					&(struct storage_at){ STORAGE_SWITCH, c },
					&lk);
		if (!lk.found) {
			R->missed++;
		} else {
			uint64_t delta = now > lk.ts ? now - lk.ts : 0;
			stat_tally_add(&R->probe_wait, (double)delta);
			int reported = 0;
			/* runqslower: `if (min_us && delta_us <= min_us) return`,
			 * so min_us 0 reports every wait found, even a zero one. */
			if (cfg->threshold == 0 || delta > cfg->threshold) {
				reported = 1;
				R->reports++;
				rq_series_point(R, SC_REPORTS, 1);
				if (lk.stale || lk.ts < R->task[next].enq_time)
					R->false_reports++;
				uint64_t o = dist_sample_ns(cfg->out_cost[cfg->output], R->r_out);
				R->out_ns += o;
				cost += (double)o;
			}
			if (reported || cfg->del == DEL_ALWAYS)
				cost += R->sops->remove(R->st, &k,
					&(struct storage_at){ STORAGE_SWITCH, c });
		}
	}
	probe_note_occupancy(R);
	probe_charge(R, c, RQ_SWITCH, cost);
}

void probe_exit(struct rq_run *R, uint32_t c, uint32_t pid)
{
	const struct rq_cfg *cfg = R->cfg;
	if (cfg->ntools) {
		tools_exit(R, c, pid);
		return;
	}
	struct storage_key k = key_of(R, pid);
	/* In kernel order: sched_process_exit fires in do_exit, long before
	 * free_task frees what the program left (a storage its delete freed
	 * is not freed again). */
	if (cfg->attach && cfg->cleanup_on_exit) {
		double cost = (double)hook_base(R, RQ_EXIT);
		cost += R->sops->remove(R->st, &k,
					&(struct storage_at){ STORAGE_EXIT, c });
		probe_charge(R, c, RQ_EXIT, cost);
	}
	/* Kernel work, not a program: kernel/fork.c free_task calls
	 * bpf_task_storage_free (kernel/bpf/bpf_task_storage.c) once the task
	 * is reaped and its RCU grace period has passed.  Charged at the
	 * exit, on the exiting task's CPU. */
	double kern = R->sops->task_exit(R->st, &k);
	if (kern > 0)
		cpu_insert_overhead(R, c, sim_ns(kern), OH_KERNEL);
	probe_note_occupancy(R);
}
