/* place.c - the `placement` choices; least_loaded from an idle bitmap and
 * a lazily updated tournament tree (place.h).
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
	if (R->cfg->placement != PL_LEAST_LOADED)
		return 0;
	while (leaves < n)
		leaves *= 2;
	R->ll = malloc(2 * (size_t)leaves * sizeof(*R->ll));
	R->ll_dirty = malloc(n * sizeof(*R->ll_dirty));
	R->ll_mark = calloc(n, sizeof(*R->ll_mark));
	R->ll_idle = calloc((n + 63) / 64, sizeof(*R->ll_idle));
	R->ll_ndirty = 0;
	if (!R->ll || !R->ll_dirty || !R->ll_mark || !R->ll_idle)
		return -1;   /* place_fini frees what was allocated */
	for (uint32_t c = 0; c < n; c++)
		if (leaf_key(R, c) >> 32 == 0)
			R->ll_idle[c / 64] |= UINT64_C(1) << (c % 64);
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

uint32_t place_cpu(struct rq_run *R)
{
	const struct rq_cfg *cfg = R->cfg;
	uint32_t n = (uint32_t)cfg->cpus;
	switch (cfg->placement) {
	case PL_RANDOM:
		return (uint32_t)gsl_rng_uniform_int(R->r_place, n);
	case PL_ROUND_ROBIN: {
		uint32_t c = R->rr_next;
		R->rr_next = (c + 1) % n;
		return c;
	}
	default: {
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
	}
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
		    !(R->ll_idle[c / 64] >> (c % 64) & 1) != (load != 0))
			return -1;
	}
	for (uint32_t i = 1; i < R->ll_leaves; i++) {
		uint64_t a = R->ll[2 * i], b = R->ll[2 * i + 1];
		if (R->ll[i] != (a < b ? a : b))
			return -1;
	}
	return (uint32_t)R->ll[1] == best ? 0 : -1;
}
