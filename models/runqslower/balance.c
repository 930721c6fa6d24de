/* balance.c - newidle and periodic load balancing (balance.h).
 *
 * A level is a run of CPUs [lo, hi) (topo.h numbers them so that each
 * sched-domain level is one): the core, the LLC, all CPUs.  A level equal
 * to the one below it adds nothing and is skipped, as the kernel
 * degenerates such domains (sd_degenerate).
 */
#include <stdio.h>

#include "models/runqslower/balance.h"
#include "models/runqslower/cpu.h"
#include "models/runqslower/place.h"
#include "models/runqslower/runq.h"
#include "models/runqslower/tools.h"
#include "models/runqslower/topo.h"
#include "sim/check.h"

/* nr_running: queued plus running or being switched to. */
static uint64_t nr_running(const struct rq_run *R, uint32_t c)
{
	const struct cpu *p = &R->cpu[c];
	return (uint64_t)p->runq_len + (p->cur != NIL || p->next != NIL);
}

/* Level k (0: core, 1: LLC, 2: all) of CPU c as [*lo, *hi); 0 when it
 * is the same as level k - 1 (degenerate). */
static int level(const struct rq_cfg *cfg, uint32_t c, int k, uint32_t *lo,
		 uint32_t *hi)
{
	uint32_t n = (uint32_t)cfg->cpus;
	uint32_t size[3] = { cfg->smt, cfg->llc, n };
	if (size[k] <= 1 || (k > 0 && size[k] == size[k - 1]))
		return 0;
	*lo = c - c % size[k];
	*hi = *lo + size[k];
	return 1;
}

/* The CPU of [lo, hi) other than dst with the most tasks and one waiting,
 * the lowest on ties, and its nr_running in *best (0: none): from the
 * bitmap of CPUs with a task waiting (place_waiting) when placement keeps
 * it - the kernel too looks only where its overload flags point
 * (sg_overloaded, rd->overloaded) - else a scan of every CPU. */
static uint32_t most_loaded(const struct rq_run *R, uint32_t lo, uint32_t hi,
			    uint32_t dst, uint64_t *best)
{
	const uint64_t *waiting = place_waiting(R);
	uint32_t who = NIL;
	*best = 0;
	if (!waiting) {
		for (uint32_t c = lo; c < hi; c++) {
			uint64_t l = nr_running(R, c);
			if (c != dst && R->cpu[c].runq_len > 0 && l > *best) {
				*best = l;
				who = c;
			}
		}
		return who;
	}
	for (uint32_t w = lo / 64; w <= (hi - 1) / 64; w++) {
		uint64_t m = waiting[w];
		if (w == lo / 64)
			m &= UINT64_MAX << (lo % 64);
		if (w == (hi - 1) / 64 && hi % 64)
			m &= UINT64_MAX >> (64 - hi % 64);
		for (; m; m &= m - 1) {   /* ascending: ties keep the lowest */
			uint32_t c = w * 64 + (uint32_t)__builtin_ctzll(m);
			uint64_t l = nr_running(R, c);
			if (c != dst && l > *best) {
				*best = l;
				who = c;
			}
		}
	}
	return who;
}

/* find_busiest_queue, in outline: the CPU of [lo, hi) other than dst with
 * the most tasks and one waiting, if it has at least `need` more than
 * dst; NIL otherwise. */
static uint32_t busiest(const struct rq_run *R, uint32_t lo, uint32_t hi,
			uint32_t dst)
{
	uint64_t best, mine = nr_running(R, dst);
	uint32_t who = most_loaded(R, lo, hi, dst, &best);
	/* An idle CPU pulls from nr_running >= 2 (a waiting task); a busy
	 * one only when that leaves the two no further apart. */
	return who != NIL && best >= mine + 2 ? who : NIL;
}

/* Move one waiting task from src to dst (detach_task, attach_task). */
static uint32_t pull(struct rq_run *R, uint32_t src, uint32_t dst)
{
	uint32_t pid = runq_migrate(R, src, dst);
	SIM_CHECK(pid != NIL && R->task[pid].state == T_RUNNABLE);
	R->migrations++;
	if (R->cfg->ntools)
		tools_migrate(R, dst, pid);   /* set_task_cpu on this CPU */
	return pid;
}

uint32_t balance_newidle(struct rq_run *R, uint32_t c)
{
	if (!R->cfg->bal_newidle || R->backlog == 0)
		return NIL;   /* !rd->overload: nothing waits anywhere */
	for (int k = 0; k < 3; k++) {
		uint32_t lo, hi, src;
		if (!level(R->cfg, c, k, &lo, &hi))
			continue;
		if ((src = busiest(R, lo, hi, c)) != NIL)
			return pull(R, src, c);
	}
	return NIL;
}

void balance_periodic(struct rq_run *R)
{
	const struct rq_cfg *cfg = R->cfg;
	uint32_t n = (uint32_t)cfg->cpus;
	for (uint32_t c = 0; c < n && R->backlog > 0; c++)
		for (int k = 0; k < 3; k++) {
			uint32_t lo, hi, src;
			if (!level(cfg, c, k, &lo, &hi) ||
			    (src = busiest(R, lo, hi, c)) == NIL)
				continue;
			uint32_t pid = pull(R, src, c);
			/* An idle CPU that got a task wakes up to run it. */
			cpu_task_queued(R, c, pid, 0);
		}
	R->bal_armed = 0;
	balance_arm(R);
}

/* The balance's own event id, beyond every task's (cpus + 1 + pid), so
 * it can be cancelled alone. */
static uint32_t bal_target(const struct rq_run *R)
{
	return (uint32_t)(R->cfg->cpus + 1 + R->cfg->pid_max);
}

void balance_arm(struct rq_run *R)
{
	if (!R->cfg->bal_interval || R->bal_armed || R->live <= R->nspawners)
		return;
	if (sim_schedule(R->s, R->cfg->bal_interval, EV_BALANCE,
			 bal_target(R), 0)) {
		sim_fail(R->s, "out of memory");
		return;
	}
	R->bal_armed = 1;
}

void balance_disarm(struct rq_run *R)
{
	if (R->bal_armed && R->live <= R->nspawners) {
		evq_cancel(&R->s->q, bal_target(R));
		R->bal_armed = 0;
	}
}

int balance_check(const struct rq_run *R, char *why, size_t n)
{
	uint32_t ncpu = (uint32_t)R->cfg->cpus;
	uint64_t queued = 0;
	for (uint32_t c = 0; c < ncpu; c++) {
		const struct cpu *p = &R->cpu[c];
		uint64_t runnable = 0, running = 0;
		queued += p->runq_len;
		for (uint32_t pid = 0; pid < R->ntask; pid++) {
			const struct task *t = &R->task[pid];
			if (t->cpu != c)
				continue;
			runnable += t->state == T_RUNNABLE;
			running += t->state == T_RUNNING;
		}
		/* Runnable here: the queue and the task being switched to. */
		if (runnable != p->runq_len + (p->next != NIL)) {
			snprintf(why, n, "cpu %u: %llu runnable tasks, %u queued "
				 "+ %d next", c, (unsigned long long)runnable,
				 p->runq_len, p->next != NIL);
			return -1;
		}
		if (running != (p->cur != NIL) ||
		    (p->cur != NIL && R->task[p->cur].state != T_RUNNING)) {
			snprintf(why, n, "cpu %u: %llu running tasks, cur %u", c,
				 (unsigned long long)running, p->cur);
			return -1;
		}
		if (p->next != NIL && (R->task[p->next].state != T_RUNNABLE ||
				       R->task[p->next].cpu != c)) {
			snprintf(why, n, "cpu %u: next %u not runnable here", c,
				 p->next);
			return -1;
		}
		/* The lists (fifo, woken_first): each member once, here. */
		if (R->cfg->runqueue == RUNQ_FIFO ||
		    R->cfg->runqueue == RUNQ_WOKEN_FIRST) {
			uint32_t len = 0;
			for (uint32_t pid = p->runq_head; pid != NIL;
			     pid = R->task[pid].next) {
				if (++len > p->runq_len ||
				    R->task[pid].state != T_RUNNABLE ||
				    R->task[pid].cpu != c) {
					snprintf(why, n, "cpu %u: queue entry %u "
						 "wrong or beyond runq_len", c, pid);
					return -1;
				}
			}
			if (len != p->runq_len) {
				snprintf(why, n, "cpu %u: %u in the list, runq_len "
					 "%u", c, len, p->runq_len);
				return -1;
			}
		} else if (R->cfg->runqueue == RUNQ_FAIR) {
			for (uint32_t i = 0; i < p->runq_len; i++) {
				const struct task *t = &R->task[p->heap[i].pid];
				if (t->state != T_RUNNABLE || t->cpu != c) {
					snprintf(why, n, "cpu %u: heap entry %u "
						 "not runnable here", c,
						 p->heap[i].pid);
					return -1;
				}
			}
		}
	}
	if (queued != R->backlog) {
		snprintf(why, n, "backlog %llu, runqueues hold %llu",
			 (unsigned long long)R->backlog,
			 (unsigned long long)queued);
		return -1;
	}
	return 0;
}
