/* eevdf.c - EEVDF runqueues: entities, the augmented tree, pick (eevdf.h).
 *
 * Each kernel function modelled is named in a comment at its model; the
 * reference is kernel/sched/fair.c of Linux 6.6 as later kernels keep it
 * (6.9+ for the deadline-sorted tree) and the tables of
 * kernel/sched/core.c.  The kernel's u64 virtual times, signed
 * differences and floor divisions are kept exactly, so the hand-computed
 * schedules of tests/test_eevdf.c are the kernel's arithmetic.
 *
 * Entities live in one array indexed by pid (tree links are pids); a CPU's
 * struct eevdf_rq is the kernel's struct cfs_rq reduced to what EEVDF
 * reads.  `resched` stands for TIF_NEED_RESCHED set by update_deadline and
 * not yet acted on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/runqslower/eevdf.h"
#include "sim/check.h"

#define NICE_0 1024u      /* scale_load_down(NICE_0_LOAD) */

/* kernel/sched/core.c sched_prio_to_weight[] and sched_prio_to_wmult[]
 * (2^32 / weight), nice -20 .. 19. */
static const uint32_t prio_to_weight[40] = {
	88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
	9548, 7620, 6100, 4904, 3906, 3121, 2501, 1991, 1586, 1277,
	1024, 820, 655, 526, 423, 335, 272, 215, 172, 137,
	110, 87, 70, 56, 45, 36, 29, 23, 18, 15,
};
static const uint32_t prio_to_wmult[40] = {
	48388, 59856, 76040, 92818, 118348, 147320, 184698, 229616, 287308,
	360437, 449829, 563644, 704093, 875809, 1099582, 1376151, 1717300,
	2157191, 2708050, 3363326, 4194304, 5237765, 6557202, 8165337,
	10153587, 12820798, 15790321, 19976592, 24970740, 31350126, 39045157,
	49367440, 61356676, 76695844, 95443717, 119304647, 148102320,
	186737708, 238609294, 286331153,
};

/* Fields in the order the tree reads them: a child's min_vruntime and
 * height (pull, erase_changes), then a node's links, deadline and v
 * (descent, pick), first - an array element of 80 bytes starts 16-byte
 * aligned, so the first 16 bytes are always in one cache line. */
struct eevdf_se {
	uint64_t min_vruntime;  /* least v in its subtree (queued only) */
	uint8_t height;         /* AVL height, 1 for a leaf */
	uint8_t on_rq;          /* queued or running */
	uint8_t parity;         /* picked and no new deadline since: the
				   kernel's vlag == deadline mark
				   (set_next_entity's HACK) */
	uint8_t valid;          /* made at least once */
	uint32_t left, right;   /* tree links (pids), NIL */
	uint32_t incarnation;   /* task.incarnation it was made for */
	uint64_t deadline;      /* d, virtual ns */
	uint64_t vruntime;      /* v, virtual ns */
	uint64_t seq;           /* enqueue order: the tree's tie-break */
	uint32_t weight, wmult; /* sched_prio_to_weight/_wmult of its nice */
	int64_t vlag;           /* V - v at the last dequeue */
	uint64_t exec_seen;     /* CPU time (task.vruntime + the running
				   segment's part) already turned into v */
	uint64_t rest;          /* CPU time left of a segment without a block
				   that a deadline check cut (eevdf_segment) */
};

struct eevdf_rq {              /* the kernel's struct cfs_rq, in part */
	uint32_t root;         /* tree of queued entities, not curr */
	uint32_t first;        /* its leftmost (rb_root_cached's), or NIL */
	uint32_t curr;         /* running (picked) entity, or NIL */
	uint32_t nr_queued;    /* entities in the tree */
	uint8_t resched;       /* update_deadline asked for a reschedule */
	uint64_t min_vruntime; /* v0: monotonic, the key's origin */
	__int128 avg_vruntime; /* sum over the tree of w (v - v0) */
	uint64_t avg_load;     /* sum over the tree of w */
};

struct eevdf {
	struct eevdf_rq *rq;   /* cfg->cpus */
	struct eevdf_se *se;   /* indexed by pid, nse entries */
	uint32_t nse;
};

/* ---- kernel arithmetic ------------------------------------------------- */

uint64_t eevdf_default_slice(uint64_t cpus)
{
	/* get_update_sysctl_factor, SCHED_TUNABLESCALING_LOG */
	uint64_t n = cpus < 8 ? cpus : 8, factor = 1;
	while (n > 1) {
		n >>= 1;
		factor++;
	}
	return 750000 * factor;   /* normalized_sysctl_sched_base_slice */
}

uint32_t eevdf_weight(int nice)
{
	SIM_CHECK(nice >= -20 && nice <= 19);
	return prio_to_weight[nice + 20];
}

/* __calc_delta(delta, NICE_0_LOAD, &se->load) with inv_weight = wmult:
 * fact = 1024 x wmult brought under 2^32, then delta x fact >> shift
 * (mul_u64_u32_shr).  Returns the shift; *fact the factor. */
static int delta_fact(uint32_t wmult, uint64_t *fact)
{
	uint64_t f = (uint64_t)NICE_0 * wmult;   /* mul_u32_u32 */
	int shift = 32;                           /* WMULT_SHIFT */
	uint32_t hi = (uint32_t)(f >> 32);
	if (hi) {
		int fs = 32 - __builtin_clz(hi);  /* fls */
		shift -= fs;
		f >>= fs;
	}
	*fact = f;
	return shift;
}

/* calc_delta_fair */
static uint64_t calc_delta_fair(uint64_t delta, const struct eevdf_se *se)
{
	if (se->weight == NICE_0)
		return delta;
	uint64_t fact;
	int shift = delta_fact(se->wmult, &fact);
	return (uint64_t)(((unsigned __int128)delta * fact) >> shift);
}

uint64_t eevdf_calc_delta(uint64_t delta, int nice)
{
	struct eevdf_se se = { .weight = eevdf_weight(nice),
			       .wmult = prio_to_wmult[nice + 20] };
	return calc_delta_fair(delta, &se);
}

/* The least CPU time x with calc_delta_fair(x) >= dv: how long the running
 * entity runs before its v has moved by dv. */
static uint64_t exec_for(uint64_t dv, const struct eevdf_se *se)
{
	if (se->weight == NICE_0)
		return dv;
	uint64_t fact;
	int shift = delta_fact(se->wmult, &fact);
	unsigned __int128 num = (unsigned __int128)dv << shift;
	return (uint64_t)((num + fact - 1) / fact);
}

static inline int64_t vdiff(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b);
}

/* entity_key */
static inline int64_t key(const struct eevdf_rq *rq, uint64_t v)
{
	return vdiff(v, rq->min_vruntime);
}

/* ---- the tree: AVL by (deadline, seq), augmented with min_vruntime ----- */

/* entity_before, with enqueue order for equal deadlines (the kernel's
 * rb_add puts an equal key after those present). */
static inline int before(const struct eevdf_se *a, const struct eevdf_se *b)
{
	int64_t d = vdiff(a->deadline, b->deadline);
	return d < 0 || (d == 0 && a->seq < b->seq);
}

static inline uint8_t height(const struct eevdf *ev, uint32_t n)
{
	return n == NIL ? 0 : ev->se[n].height;
}

/* min_vruntime_update: se->min_vruntime = min(v, children's). */
static void pull(struct eevdf *ev, uint32_t n)
{
	struct eevdf_se *x = &ev->se[n];
	uint8_t hl = height(ev, x->left), hr = height(ev, x->right);
	x->height = (uint8_t)(1 + (hl > hr ? hl : hr));
	x->min_vruntime = x->vruntime;
	if (x->left != NIL &&
	    vdiff(ev->se[x->left].min_vruntime, x->min_vruntime) < 0)
		x->min_vruntime = ev->se[x->left].min_vruntime;
	if (x->right != NIL &&
	    vdiff(ev->se[x->right].min_vruntime, x->min_vruntime) < 0)
		x->min_vruntime = ev->se[x->right].min_vruntime;
}

static uint32_t rot_right(struct eevdf *ev, uint32_t n)
{
	uint32_t l = ev->se[n].left;
	ev->se[n].left = ev->se[l].right;
	ev->se[l].right = n;
	pull(ev, n);
	pull(ev, l);
	return l;
}

static uint32_t rot_left(struct eevdf *ev, uint32_t n)
{
	uint32_t r = ev->se[n].right;
	ev->se[n].right = ev->se[r].left;
	ev->se[r].left = n;
	pull(ev, n);
	pull(ev, r);
	return r;
}

static uint32_t rebalance(struct eevdf *ev, uint32_t n)
{
	struct eevdf_se *x = &ev->se[n];
	pull(ev, n);
	int bf = height(ev, x->left) - height(ev, x->right);
	if (bf > 1) {
		uint32_t l = x->left;
		if (height(ev, ev->se[l].left) < height(ev, ev->se[l].right))
			x->left = rot_left(ev, l);
		return rot_right(ev, n);
	}
	if (bf < -1) {
		uint32_t r = x->right;
		if (height(ev, ev->se[r].right) < height(ev, ev->se[r].left))
			x->right = rot_right(ev, r);
		return rot_left(ev, n);
	}
	return n;
}

/* Insert x under root.  The kernel's rb_add_augmented_cached runs
 * min_vruntime_cb's propagate only as far up as the augmentation changes;
 * here the same economy: x's v lowers each subtree's least v on the way
 * down (a subtree only gains x), and on the way back a node is rebalanced -
 * which reads both children - only when the child that took x grew
 * taller.  Above the first subtree whose height stays, AVL heights and
 * balance are unchanged, so the tree is the one a full rebalance of every
 * node on the path would leave. */
static uint32_t tree_insert(struct eevdf *ev, uint32_t root, uint32_t x)
{
	struct eevdf_se *s = &ev->se[x];
	if (root == NIL) {
		s->left = s->right = NIL;
		s->height = 1;
		s->min_vruntime = s->vruntime;
		return x;
	}
	struct eevdf_se *r = &ev->se[root];
	if (vdiff(s->vruntime, r->min_vruntime) < 0)
		r->min_vruntime = s->vruntime;
	uint32_t *link = before(s, r) ? &r->left : &r->right;
	uint8_t h = height(ev, *link);
	*link = tree_insert(ev, *link, x);
	if (ev->se[*link].height == h)
		return root;
	return rebalance(ev, root);
}

/* After gone (a node with v = gone_v) left the subtree at *link under n:
 * does n need rebalance?  Not when the subtree kept its height and either
 * its least v or n's least v is not gone's (another node still holds n's
 * least v) - min_vruntime_cb's propagate stopping where nothing changed. */
static int erase_changes(const struct eevdf *ev, const struct eevdf_se *n,
			 uint32_t child, uint8_t h, uint64_t min_v,
			 uint64_t gone_v)
{
	if (height(ev, child) != h)
		return 1;
	if (child != NIL && ev->se[child].min_vruntime == min_v)
		return 0;
	return n->min_vruntime == gone_v;
}

static uint32_t tree_take_min(struct eevdf *ev, uint32_t n, uint32_t *min)
{
	struct eevdf_se *x = &ev->se[n];
	if (x->left == NIL) {
		*min = n;
		return x->right;
	}
	const struct eevdf_se *l = &ev->se[x->left];
	uint8_t h = l->height;
	uint64_t min_v = l->min_vruntime;
	x->left = tree_take_min(ev, x->left, min);
	if (!erase_changes(ev, x, x->left, h, min_v, ev->se[*min].vruntime))
		return n;
	return rebalance(ev, n);
}

/* Erase x, found by its (unique) key. */
static uint32_t tree_erase(struct eevdf *ev, uint32_t root, uint32_t x)
{
	SIM_CHECK(root != NIL);
	if (root == x) {
		uint32_t l = ev->se[x].left, r = ev->se[x].right, m;
		if (r == NIL)
			return l;
		r = tree_take_min(ev, r, &m);
		ev->se[m].left = l;
		ev->se[m].right = r;
		return rebalance(ev, m);
	}
	struct eevdf_se *n = &ev->se[root];
	uint32_t *link = before(&ev->se[x], n) ? &n->left : &n->right;
	const struct eevdf_se *c = &ev->se[*link];
	uint8_t h = c->height;
	uint64_t min_v = c->min_vruntime;
	*link = tree_erase(ev, *link, x);
	if (!erase_changes(ev, n, *link, h, min_v, ev->se[x].vruntime))
		return root;
	return rebalance(ev, root);
}

static uint32_t tree_first(const struct eevdf *ev, uint32_t n)
{
	if (n == NIL)
		return NIL;
	while (ev->se[n].left != NIL)
		n = ev->se[n].left;
	return n;
}

/* __enqueue_entity: avg_vruntime_add, then into the tree. */
static void enqueue_tree(struct rq_run *R, struct eevdf_rq *rq, uint32_t pid)
{
	struct eevdf *ev = R->eevdf;
	struct eevdf_se *se = &ev->se[pid];
	rq->avg_vruntime += (__int128)key(rq, se->vruntime) * se->weight;
	rq->avg_load += se->weight;
	se->seq = R->runq_seq++;
	rq->root = tree_insert(ev, rq->root, pid);
	if (rq->first == NIL || before(se, &ev->se[rq->first]))
		rq->first = pid;   /* rb_add_cached's leftmost */
	rq->nr_queued++;
}

/* __dequeue_entity: out of the tree, avg_vruntime_sub. */
static void dequeue_tree(struct eevdf *ev, struct eevdf_rq *rq, uint32_t pid)
{
	struct eevdf_se *se = &ev->se[pid];
	rq->root = tree_erase(ev, rq->root, pid);
	if (rq->first == pid)   /* rb_erase_cached: the next one */
		rq->first = tree_first(ev, rq->root);
	rq->nr_queued--;
	rq->avg_vruntime -= (__int128)key(rq, se->vruntime) * se->weight;
	rq->avg_load -= se->weight;
}

/* ---- virtual time ------------------------------------------------------- */

/* The tree's sums with the running entity added (avg_vruntime,
 * pick_eevdf's eligibility both do this). */
static void sums(const struct eevdf *ev, const struct eevdf_rq *rq,
		 __int128 *avg, __int128 *load)
{
	*avg = rq->avg_vruntime;
	*load = rq->avg_load;
	if (rq->curr != NIL) {
		const struct eevdf_se *c = &ev->se[rq->curr];
		*avg += (__int128)key(rq, c->vruntime) * c->weight;
		*load += c->weight;
	}
}

/* avg_vruntime: V, rounded down (the left bias that keeps an entity at
 * V eligible). */
static uint64_t avg_vruntime(const struct eevdf *ev, const struct eevdf_rq *rq)
{
	__int128 avg, load;
	sums(ev, rq, &avg, &load);
	if (load) {
		if (avg < 0)   /* sign flips effective floor / ceil */
			avg -= load - 1;
		avg /= load;
	}
	return rq->min_vruntime + (uint64_t)(int64_t)avg;
}

/* __update_min_vruntime and update_min_vruntime (deadline-sorted tree:
 * the root's min_vruntime is the least queued v). */
static void update_min_vruntime(const struct eevdf *ev, struct eevdf_rq *rq)
{
	uint64_t v = rq->min_vruntime;
	int have = 0;
	if (rq->curr != NIL) {
		v = ev->se[rq->curr].vruntime;
		have = 1;
	}
	if (rq->root != NIL) {
		uint64_t m = ev->se[rq->root].min_vruntime;
		if (!have || vdiff(m, v) < 0)
			v = m;
	}
	int64_t delta = vdiff(v, rq->min_vruntime);
	if (delta > 0) {   /* never backwards; avg_vruntime_update */
		rq->avg_vruntime -= (__int128)rq->avg_load * delta;
		rq->min_vruntime = v;
	}
}

static inline uint32_t nr_running(const struct eevdf_rq *rq)
{
	return rq->nr_queued + (rq->curr != NIL);
}

/* The running segment's CPU time done by now (cpu.c's time line), 0 at
 * or after its end: cpu.c adds the whole segment to task.vruntime then. */
static uint64_t running_part(const struct rq_run *R, uint32_t c, uint32_t pid)
{
	const struct cpu *p = &R->cpu[c];
	uint64_t now = R->s->now, start = p->seg_start + p->inj;
	if (p->mode != CPU_RUN || p->cur != pid || now >= p->until || now <= start)
		return 0;
	return now - start;
}

/* update_deadline: a new request once v has reached d; a reschedule when
 * others are runnable. */
static void update_deadline(const struct rq_run *R, struct eevdf_rq *rq,
			    struct eevdf_se *se)
{
	if (vdiff(se->vruntime, se->deadline) < 0)
		return;
	se->deadline = se->vruntime + calc_delta_fair(R->cfg->eevdf_slice, se);
	se->parity = 0;   /* vlag != deadline: RUN_TO_PARITY is over */
	if (nr_running(rq) > 1)
		rq->resched = 1;
}

/* update_curr: the running entity's CPU time since the last update, as
 * virtual time; its deadline; min_vruntime.  A negative delta (overhead
 * inserted since moved the segment's payload later, cpu.h) waits, as the
 * kernel's (s64)delta_exec <= 0 does. */
static void update_curr(struct rq_run *R, uint32_t c)
{
	struct eevdf *ev = R->eevdf;
	struct eevdf_rq *rq = &ev->rq[c];
	if (rq->curr == NIL)
		return;
	struct eevdf_se *se = &ev->se[rq->curr];
	uint64_t ran = R->task[rq->curr].vruntime + running_part(R, c, rq->curr);
	int64_t delta = vdiff(ran, se->exec_seen);
	if (delta <= 0)
		return;
	se->exec_seen = ran;
	se->vruntime += calc_delta_fair((uint64_t)delta, se);
	update_deadline(R, rq, se);
	update_min_vruntime(ev, rq);
}

/* entity_lag and update_entity_lag: V - v, clamped to the virtual time of
 * max(2 slices, a tick). */
static int64_t entity_lag(const struct rq_run *R, uint64_t avruntime,
			  const struct eevdf_se *se)
{
	uint64_t tick = R->cfg->eevdf_tick, two = 2 * R->cfg->eevdf_slice;
	int64_t vlag = vdiff(avruntime, se->vruntime);
	int64_t limit = (int64_t)calc_delta_fair(two > tick ? two : tick, se);
	return vlag < -limit ? -limit : vlag > limit ? limit : vlag;
}

/* place_entity */
static void place_entity(struct rq_run *R, struct eevdf_rq *rq,
			 struct eevdf_se *se, int initial)
{
	struct eevdf *ev = R->eevdf;
	uint64_t vruntime = avg_vruntime(ev, rq);
	uint64_t vslice = calc_delta_fair(R->cfg->eevdf_slice, se);
	__int128 lag = 0;
	if (nr_running(rq)) {   /* PLACE_LAG, not on an empty CPU */
		__int128 load = rq->avg_load;
		if (rq->curr != NIL)
			load += ev->se[rq->curr].weight;
		/* vl_i = (W + w_i) vl'_i / W: keep the lag once counted */
		lag = (__int128)se->vlag * (load + se->weight);
		lag /= load;   /* div_s64: truncates towards 0 */
	}
	se->vruntime = vruntime - (uint64_t)(int64_t)lag;
	if (initial)   /* PLACE_DEADLINE_INITIAL */
		vslice /= 2;
	se->deadline = se->vruntime + vslice;   /* vd_i = ve_i + r_i / w_i */
}

/* vruntime_eligible: v <= V, exactly: sum w (v_i - v0) >= (v - v0) W,
 * with the sums behind V read once per pick (nothing changes them during
 * one). */
struct elig {
	__int128 avg, load;
	uint64_t v0;
};

static inline int elig_v(const struct elig *e, uint64_t v)
{
	return e->avg >= (__int128)vdiff(v, e->v0) * e->load;
}

/* __pick_eevdf: the eligible entity with the earliest deadline, the
 * running one included; RUN_TO_PARITY keeps the running one while it is
 * eligible and on the deadline it was picked with. */
static uint32_t pick_eevdf(const struct rq_run *R, const struct eevdf_rq *rq)
{
	const struct eevdf *ev = R->eevdf;
	uint32_t curr = rq->curr, first = rq->first;   /* __pick_first_entity */
	uint32_t best = NIL;
	if (nr_running(rq) == 1)
		return curr != NIL ? curr : first;
	struct elig e = { .v0 = rq->min_vruntime };
	sums(ev, rq, &e.avg, &e.load);
	if (curr != NIL && !elig_v(&e, ev->se[curr].vruntime))
		curr = NIL;
	if (R->cfg->eevdf_parity && curr != NIL && ev->se[curr].parity)
		return curr;
	if (first != NIL && elig_v(&e, ev->se[first].vruntime)) {
		best = first;   /* the leftmost is eligible */
	} else {
		/* Heap search: an eligible entity in a left subtree has an
		 * earlier deadline than any to its right. */
		uint32_t node = rq->root;
		while (node != NIL) {
			uint32_t left = ev->se[node].left;
			if (left != NIL && elig_v(&e, ev->se[left].min_vruntime)) {
				node = left;
				continue;
			}
			if (elig_v(&e, ev->se[node].vruntime)) {
				best = node;
				break;
			}
			node = ev->se[node].right;
		}
	}
	if (best == NIL || (curr != NIL &&
			    vdiff(ev->se[curr].deadline, ev->se[best].deadline) < 0))
		best = curr;
	if (best == NIL)   /* "EEVDF scheduling fail, picking leftmost" */
		best = first;
	return best;
}

/* ---- the model's entry points ------------------------------------------ */

static struct eevdf *get(struct rq_run *R)
{
	if (R->eevdf)
		return R->eevdf;
	struct eevdf *ev = calloc(1, sizeof(*ev));
	if (!ev || !(ev->rq = calloc(R->cfg->cpus, sizeof(*ev->rq)))) {
		free(ev);
		sim_fail(R->s, "out of memory");
		return NULL;
	}
	for (uint64_t c = 0; c < R->cfg->cpus; c++) {
		ev->rq[c].root = NIL;
		ev->rq[c].first = NIL;
		ev->rq[c].curr = NIL;
	}
	R->eevdf = ev;
	return ev;
}

/* Entities up to pid (the task table grows on demand, so do they). */
static struct eevdf_se *entity(struct rq_run *R, uint32_t pid)
{
	struct eevdf *ev = get(R);
	if (!ev)
		return NULL;
	if (pid >= ev->nse) {
		uint32_t n = R->ntask > pid ? R->ntask : pid + 1;
		struct eevdf_se *se = realloc(ev->se, n * sizeof(*se));
		if (!se) {
			sim_fail(R->s, "out of memory");
			return NULL;
		}
		memset(se + ev->nse, 0, (n - ev->nse) * sizeof(*se));
		ev->se = se;
		ev->nse = n;
	}
	return &ev->se[pid];
}

void eevdf_enqueue(struct rq_run *R, uint32_t c, uint32_t pid, int woken)
{
	struct eevdf_se *se = entity(R, pid);
	if (!se)
		return;
	struct eevdf_rq *rq = &R->eevdf->rq[c];
	const struct task *t = &R->task[pid];
	if (!woken) {
		/* switch_out re-queues the task it preempted, which
		 * eevdf_pick_next has put back already. */
		SIM_CHECK(se->on_rq && rq->curr != pid);
		return;
	}
	SIM_CHECK(!se->on_rq);
	/* enqueue_entity: update_curr, place_entity, __enqueue_entity */
	update_curr(R, c);
	int initial = 0;
	if (!se->valid || se->incarnation != t->incarnation) {
		/* A task new to the scheduler (__sched_fork: vlag 0).  A
		 * spawned one joins as a forked child does; residents were
		 * there before the run and are placed as wakers. */
		int nice = t->cls == CLS_READER ? 0   /* a tool's reader */
			   : R->cfg->eevdf_nice[t->cls];
		se->valid = 1;
		se->incarnation = t->incarnation;
		se->weight = prio_to_weight[nice + 20];
		se->wmult = prio_to_wmult[nice + 20];
		se->vlag = 0;
		se->parity = 0;
		se->rest = 0;
		se->exec_seen = t->vruntime;
		initial = t->cls == CLS_SPAWNED;
	}
	place_entity(R, rq, se, initial);
	enqueue_tree(R, rq, pid);
	se->on_rq = 1;
}

uint32_t eevdf_pick_next(struct rq_run *R, uint32_t c)
{
	struct eevdf *ev = get(R);
	if (!ev)
		return NIL;
	struct eevdf_rq *rq = &ev->rq[c];
	uint32_t prev = rq->curr, preempted = NIL;
	update_curr(R, c);
	if (prev != NIL) {
		struct eevdf_se *se = &ev->se[prev];
		if (R->task[prev].state == T_RUNNING) {
			/* put_prev_entity: back into the tree */
			rq->curr = NIL;
			enqueue_tree(R, rq, prev);
			preempted = prev;
		} else {
			/* dequeue_entity of a task that blocked or exited:
			 * update_entity_lag while it still counts in V */
			se->vlag = entity_lag(R, avg_vruntime(ev, rq), se);
			se->on_rq = 0;
			se->parity = 0;
			se->rest = 0;
			rq->curr = NIL;
			update_min_vruntime(ev, rq);
		}
	}
	rq->resched = 0;
	if (rq->nr_queued == 0)
		return NIL;
	/* pick_next_entity -> pick_eevdf, then set_next_entity */
	uint32_t next = pick_eevdf(R, rq);
	SIM_CHECK(next != NIL && next != preempted);
	dequeue_tree(ev, rq, next);
	rq->curr = next;
	ev->se[next].parity = 1;   /* vlag = deadline: the pick's mark */
	return next;
}

uint32_t eevdf_detach(struct rq_run *R, uint32_t c)
{
	struct eevdf *ev = get(R);
	if (!ev)
		return NIL;
	struct eevdf_rq *rq = &ev->rq[c];
	if (rq->nr_queued == 0)
		return NIL;
	/* detach_task -> deactivate_task -> dequeue_entity: update_curr,
	 * update_entity_lag while it still counts in V, out of the tree.
	 * The task takes its lag to the CPU that pulls it, where
	 * enqueue_entity's place_entity re-applies it (the same path as a
	 * wake-up placed on another CPU since 6.6). */
	update_curr(R, c);
	uint32_t pid = rq->first;   /* __pick_first_entity */
	struct eevdf_se *se = &ev->se[pid];
	se->vlag = entity_lag(R, avg_vruntime(ev, rq), se);
	dequeue_tree(ev, rq, pid);
	se->on_rq = 0;
	se->parity = 0;
	update_min_vruntime(ev, rq);
	return pid;
}

int eevdf_resched(struct rq_run *R, uint32_t c, int cut)
{
	struct eevdf *ev = get(R);
	if (!ev)
		return 0;
	struct eevdf_rq *rq = &ev->rq[c];
	update_curr(R, c);
	int due = cut || rq->resched;
	rq->resched = 0;
	if (!due || rq->curr == NIL || rq->nr_queued == 0)
		return 0;
	/* schedule() -> pick_next_task_fair: pick_eevdf with prev as curr */
	return pick_eevdf(R, rq) != rq->curr;
}

int eevdf_wakeup_preempt(struct rq_run *R, uint32_t c, uint32_t pid)
{
	struct eevdf *ev = get(R);
	if (!ev)
		return 0;
	struct eevdf_rq *rq = &ev->rq[c];
	if (rq->curr == NIL || rq->curr == pid)
		return 0;
	/* check_preempt_wakeup_fair (check_preempt_wakeup in 6.6,
	 * wakeup_preempt_fair since): update_curr, then "pick_eevdf(cfs_rq)
	 * == pse"; a reschedule already set (test_tsk_need_resched) stands */
	update_curr(R, c);
	if (rq->resched)
		return 1;
	return pick_eevdf(R, rq) == pid;
}

uint64_t eevdf_segment(struct rq_run *R, uint32_t c, uint32_t pid,
		       uint64_t seg)
{
	struct eevdf *ev = get(R);
	if (!ev)
		return seg;
	struct eevdf_rq *rq = &ev->rq[c];
	SIM_CHECK(rq->curr == pid);
	update_curr(R, c);
	struct eevdf_se *se = &ev->se[pid];
	struct task *t = &R->task[pid];
	if (se->rest) {
		/* The rest of a segment a check cut: cpu.c has drawn a new
		 * one (and whether it blocks); the task goes on with the old,
		 * so the workload decides once per `slice` of CPU time, as
		 * under the other disciplines. */
		seg = se->rest < t->remaining ? se->rest : t->remaining;
		t->blocks = 0;
		se->rest = 0;
	}
	uint64_t x = exec_for((uint64_t)vdiff(se->deadline, se->vruntime), se);
	uint64_t tick = R->cfg->eevdf_tick, now = R->s->now;
	if (rq->resched) {
		/* A deadline passed at a segment end nobody checked (a
		 * parent's fork, cpu.c): the reschedule is due now. */
		x = 1;
	} else if (!R->cfg->eevdf_hrtick) {
		/* entity_tick: the first tick at or after the deadline */
		uint64_t at = (now + x + tick - 1) / tick * tick;
		x = at - now;
	}
	if (x == 0)
		x = 1;
	if (x >= seg)
		return seg;
	if (t->blocks) {   /* the rest of a burst runs after the check */
		t->resume = seg - x;
		t->blocks = 0;
	} else if (t->resume) {
		t->resume += seg - x;
	} else {
		se->rest = seg - x;
	}
	return x;
}

void eevdf_prefetch(const struct rq_run *R, uint32_t pid)
{
	const struct eevdf *ev = R->eevdf;
	if (ev && pid < ev->nse) {
		/* an 80-byte entity spans two lines; the first holds what
		 * enqueue and the tree read first */
		const char *se = (const char *)&ev->se[pid];
		__builtin_prefetch(se);
		__builtin_prefetch(se + sizeof(ev->se[pid]) - 1);
	}
}

void eevdf_free(struct rq_run *R)
{
	if (!R->eevdf)
		return;
	free(R->eevdf->rq);
	free(R->eevdf->se);
	free(R->eevdf);
	R->eevdf = NULL;
}

/* ---- inspection ---------------------------------------------------------- */

int eevdf_peek(const struct rq_run *R, uint32_t pid, struct eevdf_view *v)
{
	const struct eevdf *ev = R->eevdf;
	if (!ev || pid >= ev->nse || !ev->se[pid].valid)
		return -1;
	const struct eevdf_se *se = &ev->se[pid];
	v->vruntime = se->vruntime;
	v->deadline = se->deadline;
	v->vlag = se->vlag;
	v->weight = se->weight;
	v->on_rq = se->on_rq;
	v->running = se->on_rq && ev->rq[R->task[pid].cpu].curr == pid;
	return 0;
}

uint64_t eevdf_avg(const struct rq_run *R, uint32_t c, uint64_t *min_v)
{
	const struct eevdf *ev = R->eevdf;
	if (!ev)
		return 0;
	if (min_v)
		*min_v = ev->rq[c].min_vruntime;
	return avg_vruntime(ev, &ev->rq[c]);
}

/* Recount subtree n in order (*prev: the entity before it, or NIL):
 * returns its size, -1 on a broken invariant. */
static long recount(const struct eevdf *ev, const struct eevdf_rq *rq,
		    uint32_t n, __int128 *avg, __int128 *load, int depth,
		    uint32_t *prev)
{
	if (n == NIL)
		return 0;
	const struct eevdf_se *x = &ev->se[n];
	if (depth > 64 || !x->on_rq)
		return -1;
	long l = recount(ev, rq, x->left, avg, load, depth + 1, prev);
	if (l < 0 || (*prev != NIL && !before(&ev->se[*prev], x)))
		return -1;
	*prev = n;
	long r = recount(ev, rq, x->right, avg, load, depth + 1, prev);
	if (r < 0)
		return -1;
	uint8_t hl = height(ev, x->left), hr = height(ev, x->right);
	uint64_t m = x->vruntime;
	if (x->left != NIL && vdiff(ev->se[x->left].min_vruntime, m) < 0)
		m = ev->se[x->left].min_vruntime;
	if (x->right != NIL && vdiff(ev->se[x->right].min_vruntime, m) < 0)
		m = ev->se[x->right].min_vruntime;
	if (x->height != 1 + (hl > hr ? hl : hr) || hl > hr + 1 || hr > hl + 1 ||
	    x->min_vruntime != m)
		return -1;
	*avg += (__int128)key(rq, x->vruntime) * x->weight;
	*load += x->weight;
	return l + r + 1;
}

/* sum w (V - v) over subtree n. */
static __int128 lag_sum(const struct eevdf *ev, uint32_t n, uint64_t V)
{
	if (n == NIL)
		return 0;
	const struct eevdf_se *x = &ev->se[n];
	return (__int128)vdiff(V, x->vruntime) * x->weight +
	       lag_sum(ev, x->left, V) + lag_sum(ev, x->right, V);
}

int eevdf_check(const struct rq_run *R, uint32_t c, double *lag_w,
		double *load, char *why, size_t n)
{
	const struct eevdf *ev = R->eevdf;
	*lag_w = *load = 0;
	if (!ev)
		return 0;   /* nothing queued yet */
	const struct eevdf_rq *rq = &ev->rq[c];
	__int128 avg = 0, w = 0;
	uint32_t prev = NIL;
	long size = recount(ev, rq, rq->root, &avg, &w, 0, &prev);
	if (size < 0) {
		snprintf(why, n, "cpu %u: tree order, balance or augmentation", c);
		return -1;
	}
	if (rq->first != tree_first(ev, rq->root)) {
		snprintf(why, n, "cpu %u: cached leftmost %u is not the first", c,
			 rq->first);
		return -1;
	}
	if ((uint64_t)size != rq->nr_queued || rq->nr_queued != R->cpu[c].runq_len) {
		snprintf(why, n, "cpu %u: %ld in the tree, nr_queued %u, runq_len %u",
			 c, size, rq->nr_queued, R->cpu[c].runq_len);
		return -1;
	}
	if (avg != rq->avg_vruntime || (uint64_t)w != rq->avg_load) {
		snprintf(why, n, "cpu %u: avg_vruntime/avg_load drifted", c);
		return -1;
	}
	if (rq->curr != NIL && (!ev->se[rq->curr].on_rq ||
				(R->cpu[c].cur != rq->curr &&
				 R->cpu[c].next != rq->curr))) {
		snprintf(why, n, "cpu %u: its current entity %u is not what it runs",
			 c, rq->curr);
		return -1;
	}
	uint64_t V = avg_vruntime(ev, rq);
	__int128 tw = rq->avg_load, sl = lag_sum(ev, rq->root, V);
	if (rq->curr != NIL) {
		const struct eevdf_se *x = &ev->se[rq->curr];
		sl += (__int128)vdiff(V, x->vruntime) * x->weight;
		tw += x->weight;
	}
	*lag_w = (double)sl;
	*load = (double)tw;
	return 0;
}
