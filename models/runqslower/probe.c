/* probe.c - runqslower's BPF programs on the scheduler hooks (probe.h).
 *
 * Where the kernel is the reference:
 *   - wakeup hooks fire on the CPU the task is placed on (the kernel runs
 *     them in the waker's context, for timer wake-ups usually that CPU);
 *   - a hook from interrupt context (sched_wakeup) that fires while a BPF
 *     program runs on the same CPU is skipped by the kernel's recursion
 *     check (`nesting: skip`, counted as recursion_misses);
 *   - sched_switch to the idle task (pid 0) returns before the lookup;
 *   - libbpf-tools runqslower deletes an entry only after reporting it
 *     (`delete: on_report`): short waits keep their entry, exited tasks leak
 *     theirs; `delete: always` deletes after every lookup.
 * A report whose timestamp predates the task's current wait is a bogus wait,
 * counted as a false report.  It needs the record of this wait to be lost
 * while an older entry stays: a sched_wakeup skipped by the recursion check
 * after a short wait whose entry `on_report` kept.  Pid reuse alone cannot
 * do it: sched_wakeup_new always runs, and updating a key that is present
 * never fails (the kernel swaps in a per-CPU spare element), so a reused
 * pid overwrites the dead task's leaked entry.
 *
 * Draw order matters for common random numbers: per hook, the base cost is
 * drawn first, then the storage operations in program order, then output.
 */
#include <math.h>

#include "models/runqslower/cpu.h"
#include "models/runqslower/probe.h"

static struct storage_key key_of(struct rq_run *R, uint32_t pid)
{
	return (struct storage_key){ pid, pid, R->task[pid].incarnation };
}

static void note_occupancy(struct rq_run *R)
{
	uint64_t occ = R->sops->occupancy(R->st);
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
static void charge_hook(struct rq_run *R, uint32_t c, int h, double cost)
{
	uint64_t ns = cost <= 0 ? 0 : (uint64_t)llround(cost);
	struct cpu *p = &R->cpu[c];
	uint64_t now = R->s->now;
	R->hook_n[h]++;
	R->hook_ns[h] += ns;
	if (p->mode != CPU_WAKING)   /* else set when the CPU wakes */
		p->bpf_until = (p->bpf_until > now ? p->bpf_until : now) + ns;
	cpu_insert_overhead(R, c, ns, 0);
}

void probe_wakeup(struct rq_run *R, uint32_t c, uint32_t pid, int is_new)
{
	const struct rq_cfg *cfg = R->cfg;
	if (!cfg->attach)
		return;
	int h = is_new ? RQ_WAKEUP_NEW : RQ_WAKEUP;
	if (!is_new && cfg->nesting == 0 && R->s->now < R->cpu[c].bpf_until) {
		/* Fired from interrupt context into a running BPF program:
		 * the kernel's recursion check skips it. */
		R->recursion_misses++;
		return;
	}
	struct storage_key k = key_of(R, pid);
	int ok;
	double cost = (double)hook_base(R, h);
	cost += R->sops->record(R->st, &k,
				&(struct storage_at){ STORAGE_WAKE, c },
				R->s->now, &ok);
	note_occupancy(R);
	charge_hook(R, c, h, cost);
}

void probe_switch(struct rq_run *R, uint32_t c, uint32_t prev,
		  int prev_runnable, uint32_t next)
{
	const struct rq_cfg *cfg = R->cfg;
	uint64_t now = R->s->now;
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
	if (next != NIL) {
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
	note_occupancy(R);
	charge_hook(R, c, RQ_SWITCH, cost);
}

void probe_exit(struct rq_run *R, uint32_t c, uint32_t pid)
{
	const struct rq_cfg *cfg = R->cfg;
	struct storage_key k = key_of(R, pid);
	double cost = R->sops->task_exit(R->st, &k);
	int h = RQ_EXIT;
	if (cfg->attach && cfg->cleanup_on_exit) {
		cost += (double)hook_base(R, h);
		cost += R->sops->remove(R->st, &k,
					&(struct storage_at){ STORAGE_EXIT, c });
	}
	/* The strategy's free at exit is kernel work, but it is charged here,
	 * as BPF time under sched_process_exit, even with the probe's exit
	 * program not attached. */
	if (cost > 0 || (cfg->attach && cfg->cleanup_on_exit))
		charge_hook(R, c, h, cost);
	note_occupancy(R);
}
