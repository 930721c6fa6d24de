/* place.c - the `placement` choices; least_loaded from an idle bitmap and
 * a lazily updated tournament tree (place.h); wake_affine from the same
 * bitmap over the topology (topo.h; the section below says which kernel
 * functions it follows).
 *
 * Tree layout: ll[1] is the root; node i has children 2i and 2i + 1; the
 * leaves are ll[leaves + c] for CPU c, with leaves the power of two at or
 * above cpus, and the padding leaves hold UINT64_MAX (never chosen).  An
 * update rewrites a leaf and recomputes its ancestors, stopping where a
 * node comes out unchanged.  The dirty list holds each CPU at most once
 * (ll_mark), so it never exceeds cpus entries.
 */
#include <stdlib.h>

#include <gsl/gsl_rng.h>

#include "models/runqslower/place.h"
#include "models/runqslower/topo.h"
#include "sim/check.h"

static inline uint64_t leaf_key(const struct rq_run *R, uint32_t c)
{
	const struct cpu *p = &R->cpu[c];
	uint64_t load = (uint64_t)p->runq_len + (p->cur != NIL || p->next != NIL);
	return load << 32 | c;
}

int place_init(struct rq_run *R)
{
	uint32_t n = (uint32_t)R->cfg->cpus, leaves = 1;
	if (R->cfg->placement != PL_LEAST_LOADED &&
	    R->cfg->placement != PL_WAKE_AFFINE)
		return 0;
	while (leaves < n)
		leaves *= 2;
	R->ll = malloc(2 * (size_t)leaves * sizeof(*R->ll));
	R->ll_dirty = malloc(n * sizeof(*R->ll_dirty));
	R->ll_mark = calloc(n, sizeof(*R->ll_mark));
	/* the idle bitmap, then the waiting one (place_waiting) */
	R->ll_idle = calloc(2 * (size_t)((n + 63) / 64), sizeof(*R->ll_idle));
	R->ll_ndirty = 0;
	if (!R->ll || !R->ll_dirty || !R->ll_mark || !R->ll_idle)
		return -1;   /* place_fini frees what was allocated */
	for (uint32_t c = 0; c < n; c++) {
		if (leaf_key(R, c) >> 32 == 0)
			R->ll_idle[c / 64] |= UINT64_C(1) << (c % 64);
		if (R->cpu[c].runq_len > 0)
			place_waiting(R)[c / 64] |= UINT64_C(1) << (c % 64);
	}
	R->ll_leaves = leaves;
	for (uint32_t i = 0; i < leaves; i++)
		R->ll[leaves + i] = i < n ? leaf_key(R, i) : UINT64_MAX;
	for (uint32_t i = leaves - 1; i >= 1; i--) {
		uint64_t a = R->ll[2 * i], b = R->ll[2 * i + 1];
		R->ll[i] = a < b ? a : b;
	}
	return 0;
}

void place_fini(struct rq_run *R)
{
	free(R->ll);
	free(R->ll_dirty);
	free(R->ll_mark);
	free(R->ll_idle);
	R->ll_idle = NULL;
	R->ll = NULL;
	R->ll_dirty = NULL;
	R->ll_mark = NULL;
}

/* Bring CPU c's leaf and its ancestors up to date. */
static void place_update(struct rq_run *R, uint32_t c)
{
	uint64_t *t = R->ll;
	size_t i = R->ll_leaves + (size_t)c;
	uint64_t key = leaf_key(R, c);
	if (t[i] == key)
		return;
	t[i] = key;
	for (i /= 2; i >= 1; i /= 2) {
		uint64_t a = t[2 * i], b = t[2 * i + 1];
		uint64_t m = a < b ? a : b;
		if (t[i] == m)
			break;
		t[i] = m;
	}
}

/* Update the tree for every CPU noted since the last flush. */
static void place_flush(struct rq_run *R)
{
	for (uint32_t i = 0; i < R->ll_ndirty; i++) {
		uint32_t c = R->ll_dirty[i];
		R->ll_mark[c] = 0;
		place_update(R, c);
	}
	R->ll_ndirty = 0;
}

static uint32_t find_idlest(struct rq_run *R);

uint32_t place_cpu(struct rq_run *R)
{
	const struct rq_cfg *cfg = R->cfg;
	uint32_t n = (uint32_t)cfg->cpus;
	switch (cfg->placement) {
	case PL_WAKE_AFFINE:
		if (cfg->llc < n) {
			uint32_t c = find_idlest(R);
			if (c != NIL)
				return c;
		}
		break;   /* one LLC, or nothing idle: least_loaded below */
	case PL_RANDOM:
		return (uint32_t)gsl_rng_uniform_int(R->r_place, n);
	case PL_ROUND_ROBIN: {
		uint32_t c = R->rr_next;
		R->rr_next = (c + 1) % n;
		return c;
	}
	default:
		break;
	}
	/* A CPU at load 0 is the least loaded: the lowest one. */
	for (uint32_t w = 0; w < (n + 63) / 64; w++)
		if (R->ll_idle[w]) {
			uint32_t c = w * 64 +
				(uint32_t)__builtin_ctzll(R->ll_idle[w]);
			SIM_CHECK(c < n && leaf_key(R, c) >> 32 == 0);
			return c;
		}
	place_flush(R);
	uint32_t c = (uint32_t)R->ll[1];
	/* The winner's leaf is its load now (cheap; tests check every
	 * leaf against a scan). */
	SIM_CHECK(c < n && R->ll[R->ll_leaves + c] == leaf_key(R, c));
	return c;
}

/* ---- wake_affine ---------------------------------------------------------
 * kernel/sched/fair.c as of 6.6-6.12 (EEVDF era): select_task_rq_fair's
 * fast path for a wake-up (not a fork or exec: those take the slow path,
 * sched_balance_find_dst_cpu / find_idlest_cpu: find_idlest below).
 * "Idle" is available_idle_cpu: nothing running, switched to or queued -
 * the idle bitmap's bit. */

static inline int is_idle(const struct rq_run *R, uint32_t c)
{
	return (int)(R->ll_idle[c / 64] >> (c % 64) & 1);
}

/* The kernel's nr_running: queued plus running or being switched to. */
static inline uint64_t nr_running(const struct rq_run *R, uint32_t c)
{
	return leaf_key(R, c) >> 32;
}

/* The first idle CPU in [a, b), NIL if none: a word of the bitmap at a
 * time. */
static uint32_t first_idle(const struct rq_run *R, uint32_t a, uint32_t b)
{
	for (uint32_t w = a / 64; a < b && (uint64_t)w * 64 < b; w++) {
		uint64_t m = R->ll_idle[w];
		if (w == a / 64)
			m &= ~UINT64_C(0) << (a % 64);
		if (b < (uint64_t)(w + 1) * 64)
			m &= (UINT64_C(1) << (b % 64)) - 1;
		if (m)
			return w * 64 + (uint32_t)__builtin_ctzll(m);
	}
	return NIL;
}

/* select_idle_cpu's walk of the LLC [lo, hi) from target + 1, wrapping
 * (for_each_cpu_wrap): the first idle CPU; with SMT and an idle core
 * somewhere in the LLC (has_idle_core), the first CPU of the first core
 * whose siblings are all idle (select_idle_core).  The kernel's
 * has_idle_cores is a hint, set when a core goes idle and cleared by a
 * scan that finds none; here it is exact.  SIS_UTIL's cap on the CPUs
 * scanned is not modelled: an idle CPU in the LLC is always found. */
static uint32_t scan_llc(const struct rq_run *R, uint32_t lo, uint32_t hi,
			 uint32_t target, int cores)
{
	uint32_t smt = R->cfg->smt, start = target + 1 < hi ? target + 1 : lo;
	if (!cores) {
		uint32_t c = first_idle(R, start, hi);
		return c != NIL ? c : first_idle(R, lo, start);
	}
	uint32_t first = start - (start - lo) % smt, n = (hi - lo) / smt;
	for (uint32_t k = 0; k < n; k++) {
		uint32_t core = lo + (first - lo + k * smt) % (hi - lo);
		uint32_t sib = 0;
		while (sib < smt && is_idle(R, core + sib))
			sib++;
		if (sib == smt)
			return core;
	}
	return NIL;
}

/* select_idle_sibling(p, prev, target) */
static uint32_t select_idle_sibling(const struct rq_run *R, uint32_t prev,
				    uint32_t target)
{
	const struct rq_cfg *cfg = R->cfg;
	if (is_idle(R, target))
		return target;
	/* prev idle and sharing the target's cache: no reason to move */
	if (prev != target && topo_share_cache(cfg, prev, target) &&
	    is_idle(R, prev))
		return prev;
	/* recent_used_cpu and the per-CPU-kthread stacking case are not
	 * modelled (no kthreads; the model keeps one previous CPU). */
	uint32_t lo = topo_llc_first(cfg, target), hi = lo + cfg->llc, c;
	if (cfg->smt > 1) {   /* sched_smt_active() */
		c = scan_llc(R, lo, hi, target, 1);
		if (c != NIL)
			return c;   /* an idle core */
		/* No idle core: an idle SMT sibling of prev
		 * (select_idle_smt, lowest first, prev excluded). */
		if (topo_share_cache(cfg, prev, target)) {
			uint32_t core = topo_core_first(cfg, prev);
			for (uint32_t s = 0; s < cfg->smt; s++)
				if (core + s != prev && is_idle(R, core + s))
					return core + s;
		}
	}
	c = scan_llc(R, lo, hi, target, 0);
	return c != NIL ? c : target;
}

/* wake_affine(sd, p, this_cpu = waker, prev_cpu, sync = 0): the waker's
 * CPU or prev as the target select_idle_sibling starts from.
 *   wake_affine_idle: a waker's CPU that is idle (a wake-up from an
 *     interrupt) and shares prev's cache: prev if it is idle too, else the
 *     waker's; else prev if idle;
 *   wake_affine_weight: the waker's CPU when its load with the task added
 *     is below prev's, prev's weighed by imbalance_pct's half margin
 *     (100 + (117 - 100) / 2 = 108 %).  The kernel compares PELT loads
 *     (decayed averages, the sleeping task's included on prev, taken off
 *     again); here loads are nr_running and the task counts 1 on the
 *     waker's side only. */
static uint32_t wake_affine(const struct rq_run *R, uint32_t waker,
			    uint32_t prev)
{
	if (is_idle(R, waker) && topo_share_cache(R->cfg, waker, prev))
		return is_idle(R, prev) ? prev : waker;
	if (is_idle(R, prev))
		return prev;
	if ((nr_running(R, waker) + 1) * 100 < nr_running(R, prev) * 108)
		return waker;
	return prev;
}

/* The fork and exec path, sched_balance_find_dst_cpu (find_idlest_cpu)
 * in outline, with more than one LLC: find_idlest_group at the top level
 * takes the group with the most idle CPUs (group_has_spare), here the LLC
 * with the most idle CPUs (ties: the lowest); one level down the same
 * again, here a fully idle core of that LLC if any; then an idle CPU in
 * it (find_idlest_group_cpu prefers the shallowest idle state, which the
 * model does not have: the lowest).  NIL when no CPU is idle: the caller
 * takes least_loaded (with every CPU busy the kernel compares loads).
 * Without this, first wake-ups would all go to the lowest idle CPUs and
 * crowd the first LLC, which wake_affine never leaves. */
static uint32_t find_idlest(struct rq_run *R)
{
	const struct rq_cfg *cfg = R->cfg;
	uint32_t n = (uint32_t)cfg->cpus, best = NIL, most = 0;
	for (uint32_t lo = 0; lo < n; lo += cfg->llc) {
		uint32_t idle = 0, hi = lo + cfg->llc;
		for (uint32_t w = lo / 64; (uint64_t)w * 64 < hi; w++) {
			uint64_t m = R->ll_idle[w];
			if (w == lo / 64)
				m &= ~UINT64_C(0) << (lo % 64);
			if (hi < (uint64_t)(w + 1) * 64)
				m &= (UINT64_C(1) << (hi % 64)) - 1;
			idle += (uint32_t)__builtin_popcountll(m);
		}
		if (idle > most) {
			most = idle;
			best = lo;
		}
	}
	if (best == NIL)
		return NIL;
	uint32_t hi = best + cfg->llc, c = NIL;
	if (cfg->smt > 1)   /* the walk from hi - 1 + 1 wraps to best */
		c = scan_llc(R, best, hi, hi - 1, 1);
	return c != NIL ? c : first_idle(R, best, hi);
}

uint32_t place_wake_affine(struct rq_run *R, uint32_t prev, uint32_t waker)
{
	uint32_t n = (uint32_t)R->cfg->cpus;
	SIM_CHECK(R->ll_idle && prev < n && (waker == NIL || waker < n));
	/* want_affine: the waker's CPU is allowed (no affinity masks here)
	 * and wake_wide() does not object - wake_wide's flip counts need
	 * waker-wakee pairs, which the model does not have yet. */
	uint32_t target = waker != NIL && waker != prev
			  ? wake_affine(R, waker, prev) : prev;
	uint32_t c = select_idle_sibling(R, prev, target);
	/* wake_local: a host kernel that packs vCPUs may keep the task
	 * queued on its busy previous CPU where the mainline kernel moves it
	 * to the idle one found (calibrate workload measures how often, in
	 * exactly this situation: previous CPU busy, another idle). */
	double p = R->cfg->wake_local;
	if (p > 0 && c != prev && is_idle(R, c) && !is_idle(R, prev) &&
	    (p >= 1 || gsl_rng_uniform(R->r_wake_local) < p))
		return prev;
	return c;
}

int rq_place_check(void *state)
{
	struct rq_run *R = state;
	uint32_t n = (uint32_t)R->cfg->cpus, best = 0;
	uint64_t bl = UINT64_MAX;
	if (!R->ll)
		return 1;
	place_flush(R);
	for (uint32_t c = 0; c < n; c++) {
		const struct cpu *p = &R->cpu[c];
		uint64_t load = p->runq_len + (p->cur != NIL || p->next != NIL);
		if (load < bl) {
			bl = load;
			best = c;
		}
		if (R->ll[R->ll_leaves + c] != leaf_key(R, c) ||
		    !(R->ll_idle[c / 64] >> (c % 64) & 1) != (load != 0) ||
		    !(place_waiting(R)[c / 64] >> (c % 64) & 1) != (p->runq_len == 0))
			return -1;
	}
	for (uint32_t i = 1; i < R->ll_leaves; i++) {
		uint64_t a = R->ll[2 * i], b = R->ll[2 * i + 1];
		if (R->ll[i] != (a < b ? a : b))
			return -1;
	}
	return (uint32_t)R->ll[1] == best ? 0 : -1;
}
