/* evq.c - the pending-event set: an implicit 4-ary min-heap with lazy cancel.
 *
 * Layout: heap[0] is the earliest event; the children of slot i are slots
 * 4i+1 .. 4i+4 and its parent is (i-1)/4.  Four children of 32 bytes span
 * two or three cache lines, so a level of sift-down costs a few line fills
 * while the tree is half as deep as a binary one: the right shape for 10^7
 * pending events, where every pop is memory-bound.  For the tens of events
 * of an M/M/c queue everything sits in L1 and what matters is instructions
 * and mispredicted branches, so both sifts move a *hole* instead of swapping
 * (one 32-byte copy per level, the displaced event written once at the end)
 * and the small-heap child scan compiles to cmovs.
 *
 * Order: the key is (time, seqkind).  seqkind = seq << 16 | kind and seq is
 * unique per queue, so comparing the whole word orders equal times by push
 * order (FIFO) and no two keys are ever equal; the order is total and the pop
 * sequence is a pure function of the push/pop/cancel sequence.
 *
 * Invariants (checked where cheap with SIM_CHECK; violations are bugs):
 *   - heap order: no slot's key is below its parent's;
 *   - every event in the heap has target < ngens, so pop indexes gens[]
 *     without a bounds check.  This is why evq_push, not evq_cancel, grows the
 *     generation table: push can report allocation failure, cancel (void)
 *     cannot, and a target never pushed has no events to invalidate.
 *
 * Cancellation is lazy: cancel bumps gens[target]; an event whose stamped gen
 * differs is stale and is dropped (and counted) when it reaches the root.
 * Trade-off: dead events occupy memory and cost one sift-down each until they
 * surface.  A generation wraps after 2^32 cancels of one target; an event that
 * stays pending across exactly that many cancels would come back to life.
 */
#include <stdlib.h>
#include <string.h>
#include "sim/evq.h"
#include "sim/check.h"

#define EVQ_D 4              /* heap arity */
#define EVQ_MIN_CAP 16       /* smallest heap allocation, events */
#define EVQ_SEQ_MAX (UINT64_C(1) << 48) /* seq must fit above the 16 kind bits */

/* From this many events (256 KiB) on, sift-down prefetches and branches;
 * below it the heap sits in L1/L2 and it selects with cmovs.  See
 * sift_down_root for why; 8192 is where the two meet on bench_heap. */
#define EVQ_BIG 8192

/* Strict order on (time, seqkind).  Keys are never equal (seq is unique).
 * As one 128-bit compare the compiler emits cmp/sbb, and a child scan built
 * on it becomes cmovs. */
static inline int ev_less(const struct evq_event *a, const struct evq_event *b)
{
#ifdef __SIZEOF_INT128__
	unsigned __int128 ka = (unsigned __int128)a->time << 64 | a->seqkind;
	unsigned __int128 kb = (unsigned __int128)b->time << 64 | b->seqkind;
	return ka < kb;
#else
	return a->time < b->time ||
	       (a->time == b->time && a->seqkind < b->seqkind);
#endif
}

/* The same order written with branches, for the big-heap scan. */
static inline int ev_less_br(const struct evq_event *a,
			     const struct evq_event *b)
{
	return a->time < b->time ||
	       (a->time == b->time && a->seqkind < b->seqkind);
}

/* 1.5x growth from cap, at least to need; 0 on size_t overflow. */
static size_t grow_size(size_t cap, size_t need, size_t elem)
{
	size_t n = cap + cap / 2;
	if (n < need)
		n = need;
	if (n < EVQ_MIN_CAP)
		n = EVQ_MIN_CAP;
	if (n > SIZE_MAX / elem)
		return 0;
	return n;
}

static int heap_grow(struct evq *q)
{
	size_t cap = grow_size(q->cap, q->n + 1, sizeof(*q->heap));
	struct evq_event *h;

	if (cap == 0)
		return -1;
	h = realloc(q->heap, cap * sizeof(*h));
	if (!h)
		return -1;
	q->heap = h;
	q->cap = cap;
	return 0;
}

/* Make gens[target] valid; new targets start at generation 0.  Targets
 * are meant to be dense indices: the table is sized by the largest one. */
static int gens_grow(struct evq *q, uint32_t target)
{
	size_t need = (size_t)target + 1; /* 0 only where size_t is 32 bits */
	size_t n = grow_size(q->ngens, need, sizeof(*q->gens));
	uint32_t *g;

	if (need == 0 || n == 0)
		return -1;
	g = realloc(q->gens, n * sizeof(*g));
	if (!g)
		return -1;
	memset(g + q->ngens, 0, (n - q->ngens) * sizeof(*g));
	q->gens = g;
	q->ngens = n;
	return 0;
}

int evq_init(struct evq *q, size_t capacity_hint)
{
	memset(q, 0, sizeof(*q));
	if (capacity_hint < EVQ_MIN_CAP)
		capacity_hint = EVQ_MIN_CAP;
	if (capacity_hint > SIZE_MAX / sizeof(*q->heap))
		return -1;
	q->heap = malloc(capacity_hint * sizeof(*q->heap));
	if (!q->heap)
		return -1;
	q->cap = capacity_hint;
	return 0;
}

void evq_fini(struct evq *q)
{
	free(q->heap);
	free(q->gens);
	memset(q, 0, sizeof(*q));
}

/* Also zeroes the dropped count: a cleared queue is indistinguishable from
 * a fresh one except for its capacity. */
void evq_clear(struct evq *q)
{
	q->n = 0;
	q->seq = 0;
	q->dropped = 0;
	if (q->ngens)
		memset(q->gens, 0, q->ngens * sizeof(*q->gens));
}

int evq_push(struct evq *q, uint64_t time, unsigned kind, uint32_t target,
	     uint64_t data)
{
	struct evq_event *h;
	struct evq_event ev;
	size_t i;

	SIM_CHECK(kind <= 0xffffu);
	SIM_CHECK(q->seq < EVQ_SEQ_MAX);
	if (q->n == q->cap && heap_grow(q) < 0)
		return -1;
	if (target >= q->ngens && gens_grow(q, target) < 0)
		return -1;

	ev.time = time;
	ev.seqkind = q->seq++ << 16 | kind;
	ev.data = data;
	ev.target = target;
	ev.gen = q->gens[target];

	/* Sift up with a hole: pull parents down until ev fits.  In the hold
	 * pattern of a simulation new events are late and stop after a level
	 * or two. */
	h = q->heap;
	i = q->n++;
	while (i > 0) {
		size_t p = (i - 1) / EVQ_D;
		if (!ev_less(&ev, &h[p]))
			break;
		h[i] = h[p];
		i = p;
	}
	h[i] = ev;
	return 0;
}

/* Move the last event h[n] into the hole at the root of the n-slot heap
 * h[0..n-1]: walk the hole down along the smallest child while that child is
 * below it, then write it once.  x is a local so its key stays in registers
 * (stores to h[] could otherwise alias it).
 *
 * Two loops, because the best child scan depends on where the heap lives.
 * Small heaps are cache-resident and the cost is mispredicted branches on
 * random keys: cmovs win (+15% at 16 events).  Big heaps wait on memory:
 * each level prefetches the 16 grandchildren (8 lines) before it knows which
 * family the hole will enter, and a branchy scan lets the CPU run ahead
 * speculatively where cmovs would serialise on the loads (pop of a 10^7
 * heap on the development VM: ~410 ns branchy+prefetch, ~540 ns
 * cmov+prefetch, ~850 ns cmov alone). */
static inline void sift_down_root(struct evq_event *h, size_t n)
{
	const struct evq_event x = h[n];
	size_t i = 0;
	size_t c, m;

	/* Full families of four: no bounds test inside the child scan. */
	if (n >= EVQ_BIG) {
		while ((c = EVQ_D * i + 1) + EVQ_D <= n) {
			size_t g = EVQ_D * c + 1; /* first grandchild */
			if (g + EVQ_D * EVQ_D <= n) {
				__builtin_prefetch(&h[g]);
				__builtin_prefetch(&h[g + 2]);
				__builtin_prefetch(&h[g + 4]);
				__builtin_prefetch(&h[g + 6]);
				__builtin_prefetch(&h[g + 8]);
				__builtin_prefetch(&h[g + 10]);
				__builtin_prefetch(&h[g + 12]);
				__builtin_prefetch(&h[g + 14]);
			}
			m = c;
			if (ev_less_br(&h[c + 1], &h[m]))
				m = c + 1;
			if (ev_less_br(&h[c + 2], &h[m]))
				m = c + 2;
			if (ev_less_br(&h[c + 3], &h[m]))
				m = c + 3;
			if (!ev_less_br(&h[m], &x))
				goto place;
			h[i] = h[m];
			i = m;
		}
	} else {
		while ((c = EVQ_D * i + 1) + EVQ_D <= n) {
			m = c;
			if (ev_less(&h[c + 1], &h[m]))
				m = c + 1;
			if (ev_less(&h[c + 2], &h[m]))
				m = c + 2;
			if (ev_less(&h[c + 3], &h[m]))
				m = c + 3;
			if (!ev_less(&h[m], &x))
				goto place;
			h[i] = h[m];
			i = m;
		}
	}
	/* At most one partial family, at the bottom. */
	if (c < n) {
		m = c;
		for (size_t j = c + 1; j < n; j++)
			if (ev_less(&h[j], &h[m]))
				m = j;
		if (ev_less(&h[m], &x)) {
			h[i] = h[m];
			i = m;
		}
	}
place:
	h[i] = x;
}

int evq_pop(struct evq *q, struct evq_event *out)
{
	struct evq_event *h = q->heap;

	while (q->n > 0) {
		struct evq_event top = h[0];
		size_t n = --q->n;

		if (n > 0) {
			sift_down_root(h, n);
			/* Cheap order check: the new root is not before the old. */
			SIM_CHECK(ev_less(&top, &h[0]));
		}
		if (top.gen == q->gens[top.target]) {
			*out = top;
			return 1;
		}
		q->dropped++;
	}
	return 0;
}

uint64_t evq_peek_time(const struct evq *q)
{
	return q->n ? q->heap[0].time : UINT64_MAX;
}

void evq_cancel(struct evq *q, uint32_t target)
{
	/* A target beyond the table was never pushed: nothing to invalidate. */
	if (target < q->ngens)
		q->gens[target]++;
}
