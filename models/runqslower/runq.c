/* runq.c - per-CPU runqueues: FIFO lists, the fair heap, and the calls
 * into eevdf.c (runq.h).
 *
 * The heap is a plain binary heap rather than the engine's 4-ary one: a
 * CPU's queue holds tens of tasks, not millions of events, and ties break
 * on a per-run enqueue counter so runs stay deterministic.
 */
#include <stdlib.h>

#include "models/runqslower/eevdf.h"
#include "models/runqslower/place.h"
#include "models/runqslower/runq.h"
#include "sim/check.h"

static int heap_less(const struct runq_ent *a, const struct runq_ent *b)
{
	return a->v < b->v || (a->v == b->v && a->seq < b->seq);
}

/* The least of the running task's vruntime (what it has run of its segment
 * included, or `running`'s when given) and the queue's first.  It never
 * decreases (CFS's min_vruntime). */
uint64_t runq_fair_min(struct rq_run *R, struct cpu *p,
		       const struct task *running)
{
	uint64_t m = UINT64_MAX, now = R->s->now;
	if (running)
		m = running->vruntime;
	else if (p->mode == CPU_RUN && p->cur != NIL)
		m = R->task[p->cur].vruntime +
		    (now > p->seg_start + p->inj ? now - p->seg_start - p->inj : 0);
	if (p->runq_len && p->heap[0].v < m)
		m = p->heap[0].v;
	if (m != UINT64_MAX && m > p->min_v)
		p->min_v = m;
	return p->min_v;
}

void runq_push(struct rq_run *R, uint32_t c, uint32_t pid, int woken)
{
	struct cpu *p = &R->cpu[c];
	struct task *t = &R->task[pid];
	t->next = NIL;
	t->cpu = c;
	if (R->cfg->runqueue == RUNQ_FAIR) {
		/* Sift up.  The key is the vruntime at enqueue: a queued task
		 * does not run, so its key cannot go stale. */
		if (p->runq_len == p->heap_cap) {
			size_t cap = p->heap_cap ? 2 * p->heap_cap : 16;
			struct runq_ent *h = realloc(p->heap, cap * sizeof(*h));
			if (!h) {
				sim_fail(R->s, "out of memory");
				return;
			}
			p->heap = h;
			p->heap_cap = cap;
		}
		size_t i = p->runq_len;
		struct runq_ent x = { t->vruntime, R->runq_seq++, pid };
		while (i > 0 && heap_less(&x, &p->heap[(i - 1) / 2])) {
			p->heap[i] = p->heap[(i - 1) / 2];
			i = (i - 1) / 2;
		}
		p->heap[i] = x;
	} else if (R->cfg->runqueue == RUNQ_EEVDF) {
		eevdf_enqueue(R, c, pid, woken);
	} else if (woken && R->cfg->runqueue == RUNQ_WOKEN_FIRST) {
		/* Insert behind the last woken task still queued (runq_wtail),
		 * or at the head when none is: the woken form a FIFO prefix. */
		uint32_t after = p->runq_wtail;
		t->next = after == NIL ? p->runq_head : R->task[after].next;
		if (after == NIL)
			p->runq_head = pid;
		else
			R->task[after].next = pid;
		if (t->next == NIL)
			p->runq_tail = pid;
		p->runq_wtail = pid;
	} else if (p->runq_tail == NIL) {
		p->runq_head = pid;
		p->runq_tail = pid;
	} else {
		R->task[p->runq_tail].next = pid;
		p->runq_tail = pid;
	}
	p->runq_len++;
	place_touch(R, c);
	if (++R->backlog > R->peak_backlog)
		R->peak_backlog = R->backlog;
	rq_level_set(R, SC_BACKLOG_AVG, &R->lv_backlog, (double)R->backlog);
}

/* Take the root (least vruntime) off CPU p's fair heap (runq_len one
 * less); the caller has checked it is not empty and does the rest of the
 * accounting. */
static uint32_t heap_pop_root(struct cpu *p)
{
	uint32_t pid = p->heap[0].pid;
	/* The leaving minimum may be the CPU's new min_vruntime: a
	 * task woken later is placed against it. */
	if (p->heap[0].v > p->min_v)
		p->min_v = p->heap[0].v;
	/* Sift the last entry down from the root. */
	struct runq_ent x = p->heap[--p->runq_len];
	size_t i = 0, n = p->runq_len;
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		const struct runq_ent *best = &x;
		if (l < n && heap_less(&p->heap[l], best)) {
			m = l;
			best = &p->heap[l];
		}
		if (l + 1 < n && heap_less(&p->heap[l + 1], best))
			m = l + 1;
		if (m == i)
			break;
		p->heap[i] = p->heap[m];
		i = m;
	}
	if (n)
		p->heap[i] = x;
	return pid;
}

uint32_t runq_pop(struct rq_run *R, uint32_t c)
{
	struct cpu *p = &R->cpu[c];
	uint32_t pid;
	if (R->cfg->runqueue == RUNQ_FAIR) {
		if (p->runq_len == 0)
			return NIL;
		pid = heap_pop_root(p);
		place_touch(R, c);
		R->backlog--;
		rq_level_set(R, SC_BACKLOG_AVG, &R->lv_backlog, (double)R->backlog);
		R->task[pid].picked = R->s->now;
		return pid;
	}
	if (R->cfg->runqueue == RUNQ_EEVDF) {
		/* Called with nothing queued too: the task that ran leaves
		 * its entity (its lag) here. */
		pid = eevdf_pick_next(R, c);
		if (pid == NIL)
			return NIL;
		SIM_CHECK(p->runq_len > 0);
		p->runq_len--;
		place_touch(R, c);
		R->backlog--;
		rq_level_set(R, SC_BACKLOG_AVG, &R->lv_backlog, (double)R->backlog);
		R->task[pid].picked = R->s->now;
		return pid;
	}
	pid = p->runq_head;
	if (pid == NIL)
		return NIL;
	p->runq_head = R->task[pid].next;
	if (p->runq_head == NIL)
		p->runq_tail = NIL;
	else   /* the next pop here reads it: a miss now paid in the
		* background (a 128,000-task batch queued on 256 CPUs) */
		__builtin_prefetch(&R->task[p->runq_head]);
	if (p->runq_wtail == pid)   /* the woken prefix is now empty */
		p->runq_wtail = NIL;
	p->runq_len--;
	place_touch(R, c);
	R->backlog--;
	rq_level_set(R, SC_BACKLOG_AVG, &R->lv_backlog, (double)R->backlog);
	R->task[pid].picked = R->s->now;   /* its wait ends here (run_delay) */
	return pid;
}

/* FIFO runqueues: whenever one waits; fair: when the next has run less. */
int runq_others_first(struct rq_run *R, struct cpu *p, const struct task *t)
{
	if (R->cfg->runqueue == RUNQ_EEVDF)   /* it updates v even alone */
		return eevdf_resched(R, (uint32_t)(p - R->cpu), 0);
	if (p->runq_len == 0)
		return 0;
	return R->cfg->runqueue != RUNQ_FAIR || p->heap[0].v < t->vruntime;
}

int runq_cut_preempts(struct rq_run *R, struct cpu *p, const struct task *t)
{
	(void)t;
	if (p->runq_len == 0)
		return 0;
	return R->cfg->runqueue != RUNQ_EEVDF ||
	       eevdf_resched(R, (uint32_t)(p - R->cpu), 1);
}

int runq_wakeup_preempts(struct rq_run *R, uint32_t c, uint32_t pid)
{
	return R->cfg->runqueue == RUNQ_EEVDF && eevdf_wakeup_preempt(R, c, pid);
}

uint64_t runq_segment(struct rq_run *R, uint32_t c, uint32_t pid,
		      uint64_t seg)
{
	return R->cfg->runqueue == RUNQ_EEVDF ? eevdf_segment(R, c, pid, seg)
					      : seg;
}

uint32_t runq_migrate(struct rq_run *R, uint32_t src, uint32_t dst)
{
	struct cpu *p = &R->cpu[src];
	uint32_t pid;
	int64_t rel = 0;
	if (p->runq_len == 0)
		return NIL;
	SIM_CHECK(src != dst);
	if (R->cfg->runqueue == RUNQ_FAIR) {
		/* Its lead or lag against the source's minimum goes with it
		 * (CFS before 6.6: migrate_task_rq_fair took min_vruntime off,
		 * enqueue_entity on the destination added its own). */
		rel = (int64_t)(p->heap[0].v - runq_fair_min(R, p, NULL));
		pid = heap_pop_root(p);
	} else if (R->cfg->runqueue == RUNQ_EEVDF) {
		pid = eevdf_detach(R, src);
		SIM_CHECK(pid != NIL);
	} else {
		pid = p->runq_head;
		p->runq_head = R->task[pid].next;
		if (p->runq_head == NIL)
			p->runq_tail = NIL;
		if (p->runq_wtail == pid)
			p->runq_wtail = NIL;
	}
	if (R->cfg->runqueue != RUNQ_FAIR)   /* heap_pop_root did */
		p->runq_len--;
	place_touch(R, src);
	R->backlog--;
	struct task *t = &R->task[pid];
	if (R->cfg->runqueue == RUNQ_FAIR) {
		uint64_t min = runq_fair_min(R, &R->cpu[dst], NULL);
		t->vruntime = rel < 0 && (uint64_t)-rel > min ? 0
			      : (uint64_t)((int64_t)min + rel);
	}
	/* eevdf: placed with its lag as a woken task (woken = 1); the lists
	 * queue it behind the woken (woken_first) or at the tail. */
	runq_push(R, dst, pid, R->cfg->runqueue == RUNQ_EEVDF || t->woken);
	return pid;
}

void runq_prefetch(const struct rq_run *R, uint32_t pid)
{
	if (R->cfg->runqueue == RUNQ_EEVDF)
		eevdf_prefetch(R, pid);
}
