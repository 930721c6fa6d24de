/* evq.c - the pending-event set: a sorted array while it holds a few
 * events, a 4-ary min-heap above, a radix heap when it grows big, with
 * lazy cancel.
 *
 * The sorted array (evq.h has its inline push and pop).  heap[head ..
 * head + n) in (time, seq) order, with a free slot on both sides: pop
 * takes heap[head] and moves head up; push compares the new time with the
 * middle event's and moves the events on the near side (those before it
 * down, head - 1, or those after it up).  In M/M/8 (9 pending events) an
 * arrival lands near the front and moves about one event, a departure
 * about two: cheaper than a heap's pop (two levels of four-way scans) and
 * push.  When a side runs out of slots the array moves to the middle of
 * the allocation (small_full); a push into a full array (EVQ_SMALL_MAX
 * events) makes it the heap, which needs no change (a sorted array is a
 * heap).
 *
 * The heap.  heap[0] is the earliest event; the children of slot i are
 * slots 4i+1 .. 4i+4 and its parent is (i-1)/4.  Four children of 32 bytes
 * span two or three cache lines, so a level of sift-down costs a few line
 * fills while the tree is half as deep as a binary one.  For the tens of
 * events of an M/M/c queue everything sits in L1 and what matters is
 * instructions and mispredicted branches, so both sifts move a *hole*
 * instead of swapping (one 32-byte copy per level, the displaced event
 * written once at the end) and the small-heap child scan compiles to cmovs.
 * Past L2 every level of a pop is a cache miss (~300 ns a pop at 10^5
 * pending in the 256-CPU runqslower world), which is what the radix heap is
 * for.
 *
 * The radix heap (Ahuja, Mehlhorn, Orlin and Tarjan 1990) on the time,
 * with EVQ_RBITS-bit digits where theirs has single bits: in the 256-CPU
 * fleet world the one-bit version moved each event ~7.6 times between its
 * push and its pop, this one ~2.6.  base is the last popped time; every
 * pending time is >= base.  Bucket 0 holds the events at base; bucket
 * 1 + l * EVQ_DIGITS + d those whose highest digit differing from base is
 * digit l (bits l*EVQ_RBITS up) and whose digit l is d (then d is above
 * base's digit l).  Buckets are disjoint, increasing time ranges in index
 * order, so the earliest event is in the lowest non-empty bucket (a
 * bitmap, EVQ_MASKW words).  Pop takes from bucket 0; when it is empty,
 * the lowest non-empty bucket is emptied: base moves to its minimum (kept
 * per bucket) and each of its events goes to a bucket of a lower level
 * (or bucket 0), so an event moves at most once per level.  A bucket of
 * level 0, or of one event, holds a single time: its chunks become bucket
 * 0 as they are, no copy.  A bucket is a list of chunks appended at the
 * tail and read from the head: memory is streamed, never searched.
 *
 * Why 6-bit digits: in the fleet world (256 CPUs, 128,000 sleepers,
 * wake-ups ~2^25-2^26 ns ahead, ~2.5 per us near base) an event enters
 * at level 4 and, emptied level by level, usually reaches a bucket of its
 * own by level 1 or 2.  4-bit digits moved it ~3.6 times, 8-bit ones ~2.0 but
 * with four times the buckets and reserve; 6 bits was the fastest on
 * bench_sim's fleet and on a hold of 128,000 exponential(50 ms) sleeps.
 *
 * Order: the key is (time, seqkind).  seqkind = seq << 16 | kind and seq is
 * unique per queue, so comparing the whole word orders equal times by push
 * order (FIFO) and no two keys are ever equal; the order is total and the pop
 * sequence is a pure function of the push/pop/cancel sequence.  The radix
 * heap orders by time only and keeps FIFO by *appending*: within a bucket,
 * events of equal time sit in seq order.  That holds because a push has the
 * largest seq yet, emptying a bucket keeps its order, and the heap is
 * handed over in (time, seq) order (heap_to_radix pops it).
 *
 * Invariants (checked where cheap with SIM_CHECK; violations are bugs):
 *   - heap order: no slot's key is below its parent's;
 *   - radix: an event in bucket k has bucket index k against base; bucket
 *     0 pops in seq order; at least ceil(n / EVQ_CHUNK) + resv chunks are
 *     allocated (radix_room; resv covers the highest bucket used, see
 *     radix_need), so emptying a bucket (inside evq_pop, which cannot
 *     report failure) never allocates;
 *   - every pending event has target < ngens, so pop indexes gens[]
 *     without a bounds check.  This is why evq_push, not evq_cancel, grows the
 *     generation table: push can report allocation failure, cancel (void)
 *     cannot, and a target never pushed has no events to invalidate.
 *
 * Cancellation is lazy: cancel bumps gens[target]; an event whose stamped gen
 * differs is stale and is dropped (and counted) when it comes first.  Both
 * representations check only there, so the dropped count and the size are
 * the same whichever holds the events.  Trade-off: dead events occupy memory
 * and cost their moves until they surface.  A generation wraps after 2^32
 * cancels of one target; an event that stays pending across exactly that
 * many cancels would come back to life.
 *
 * Timers (evq_timers) live in a winner tree beside both: leaf i holds
 * timer target i's pending event (or an empty key above every real one),
 * internal node j the leaf of the earliest event below it.  evq_pop asks
 * the queue for its earliest live event *before* the tree's winner
 * (pop_queue's bound): stale events before it are dropped as usual, and
 * neither representation's clock (the radix heap's base, last) moves past
 * the winner's time, which is what the model pushes from next.  A push or
 * cancel only sets its leaf and lists it (tdirty); the paths of the leaves
 * listed are replayed at the next pop: a CPU's event popped and its next
 * one pushed, or moved several times between two pops, cost one path.
 *
 * Switching costs O(n log n) one way (the heap is popped in order into the
 * buckets) and O(n) back (events leave the buckets in nearly increasing
 * order, so each sift-up stops at once); big_on / big_off = 4 keeps a queue
 * hovering at the boundary from paying it often.
 */
#include <stdlib.h>
#include <string.h>
#include "sim/evq.h"
#include "sim/check.h"

#define EVQ_D 4              /* heap arity */
#define EVQ_MIN_CAP 16       /* smallest heap allocation, events */

/* From this many events (256 KiB) on, sift-down prefetches and branches;
 * below it the heap sits in L1/L2 and it selects with cmovs.  See
 * sift_down_root for why; 8192 is where the two meet on bench_heap. */
#define EVQ_PREFETCH_FROM 8192

/* Radix heap: bucket 0 (times equal to base), then EVQ_LEVELS levels of
 * EVQ_DIGITS buckets each, one per value of an EVQ_RBITS-bit digit of the
 * time (see the comment at the top).  Each bucket is a list of chunks; a
 * chunk is 1 KiB: a short header and 31 events. */
#define EVQ_RBITS 6
#define EVQ_DIGITS (1u << EVQ_RBITS)
#define EVQ_LEVELS ((64 + EVQ_RBITS - 1) / EVQ_RBITS)
#define EVQ_BUCKETS (1 + EVQ_LEVELS * EVQ_DIGITS)
#define EVQ_MASKW ((EVQ_BUCKETS - 1 + 63) / 64)  /* nonempty bitmap words */
#define EVQ_CHUNK 31
/* look_ahead searches a lowest bucket of at most this many events: a
 * whole chunk, since it searches each chunk state once (pf_chunk). */
#define EVQ_LOOK_AHEAD EVQ_CHUNK

struct evq_chunk {
	struct evq_chunk *next;
	uint32_t n;                      /* events written */
	uint32_t unused;
	struct evq_event ev[EVQ_CHUNK];
};

struct evq_bucket {
	struct evq_chunk *head, *tail;   /* read from head, append at tail */
	uint64_t min;                    /* least time held, ns (UINT64_MAX:
					    empty) */
};

struct evq_radix {
	uint64_t base;                   /* last popped time: all times >= it */
	uint64_t nonempty[EVQ_MASKW];    /* bit k-1 (of the array) set: bucket
					    k (1 .. EVQ_BUCKETS-1) holds events */
	uint32_t pos;                    /* bucket 0: next event in its head */
	uint32_t resv;                   /* chunks kept beyond ceil(n /
					    EVQ_CHUNK): radix_need of the
					    highest bucket used since the
					    last reset (radix_room) */
	uint64_t next_sk;                /* bucket 0: seqkind the next pop must
					    reach (the FIFO check) */
	struct evq_chunk *spare;         /* free chunks */
	size_t nspare, nchunks;          /* free; allocated in all */
	uint64_t pf_until;               /* events before it were handed to
					    the prefetch hook at a refill
					    (radix_refill_prefetch) */
	struct evq_bucket b[EVQ_BUCKETS];
};

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

/* ev_less on keys held in registers. */
static inline int key_less(uint64_t at, uint64_t as, uint64_t bt, uint64_t bs)
{
#ifdef __SIZEOF_INT128__
	return ((unsigned __int128)at << 64 | as) <
	       ((unsigned __int128)bt << 64 | bs);
#else
	return at < bt || (at == bt && as < bs);
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

/* The push fast path's bound (evq.h): cap while the heap holds the
 * events, 0 otherwise.  Called wherever cap or big changes. */
static void set_room(struct evq *q)
{
	q->room = q->big || q->small ? 0 : q->cap;
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
	set_room(q);
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


/* ---- the heap ----------------------------------------------------------- */

/* Put ev into the heap h[0..n-1] (room for n + 1): sift up with a hole,
 * pulling parents down until ev fits.  In the hold pattern of a simulation
 * new events are late and stop after a level or two. */
static inline void heap_insert(struct evq_event *h, size_t n,
			       const struct evq_event *ev)
{
	size_t i = n;
	while (i > 0) {
		size_t p = (i - 1) / EVQ_D;
		if (!ev_less(ev, &h[p]))
			break;
		h[i] = h[p];
		i = p;
	}
	h[i] = *ev;
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
 * cmov+prefetch, ~850 ns cmov alone).  With the default switch points the
 * big loop runs only in a queue held as a heap for good (evq.h) or tuned
 * so (evq_tune). */
static inline __attribute__((always_inline)) void
sift_down_root(struct evq_event *h, size_t n)
{
	const struct evq_event x = h[n];
	size_t i = 0;
	size_t c, m;

	/* Full families of four: no bounds test inside the child scan. */
	if (n >= EVQ_PREFETCH_FROM) {
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


/* ---- the sorted array ---------------------------------------------------- */

_Static_assert(EVQ_MIN_CAP >= EVQ_SMALL_MAX && EVQ_SMALL_BACK < EVQ_SMALL_MAX,
	       "the sorted array fits the smallest heap allocation");

/* The sorted array's events to slots 0 .. n-1. */
static void small_compact(struct evq *q)
{
	if (q->head) {
		memmove(q->heap, q->heap + q->head, q->n * sizeof(*q->heap));
		q->head = 0;
	}
}

/* The sorted array becomes the heap: at slot 0 on, a sorted array is a
 * heap already. */
static void small_to_heap(struct evq *q)
{
	small_compact(q);
	q->small = 0;
	set_room(q);
}

/* The heap (n <= EVQ_SMALL_BACK events) becomes the sorted array: an
 * insertion sort on the whole key. */
static void heap_to_small(struct evq *q)
{
	struct evq_event *h = q->heap;

	for (size_t i = 1; i < q->n; i++) {
		struct evq_event x = h[i];
		size_t j = i;
		while (j > 0 && ev_less(&x, &h[j - 1])) {
			h[j] = h[j - 1];
			j--;
		}
		h[j] = x;
	}
	q->head = 0;
	q->small = 1;
	set_room(q);
}

/* A push into the sorted array that found it full or without a free slot
 * on one side: move it to the middle of the allocation, or (full, or an
 * allocation too small for a slot on both sides) make it the heap, for
 * push_slow to push into.  Returns 1 when ev is still to be pushed into
 * the heap, else 0 (pushed). */
static int small_full(struct evq *q, const struct evq_event *ev)
{
	if (q->n < EVQ_SMALL_MAX && q->cap - q->n >= 2) {
		size_t head = (q->cap - q->n) / 2;   /* >= 1; head + n < cap */
		memmove(q->heap + head, q->heap + q->head,
			q->n * sizeof(*q->heap));
		q->head = head;
		evq_small_insert(q, ev);
		return 0;
	}
	small_to_heap(q);
	return 1;
}

/* Pop from the sorted array (as pop_queue). */
static inline __attribute__((always_inline)) int
small_pop(struct evq *q, struct evq_event *out, const struct evq_event *bound)
{
	const struct evq_event *h = q->heap;

	while (q->n > 0) {
		if (bound && !ev_less(&h[q->head], bound))
			return 0;
		struct evq_event top = h[q->head++];
		q->n--;
		q->last = top.time;
		if (top.gen == q->gens[top.target]) {
			*out = top;
			return 1;
		}
		q->dropped++;
	}
	return 0;
}

/* ---- the radix heap ------------------------------------------------------ */

/* Bucket of time t against base (t >= base): 0 when equal, else
 * 1 + level * EVQ_DIGITS + digit, level the highest EVQ_RBITS-bit digit in
 * which t differs from base and digit t's value there (above base's).
 * Bucket numbers grow with time: the lowest non-empty bucket holds the
 * earliest events. */
static inline unsigned radix_index(uint64_t t, uint64_t base)
{
	if (t == base)
		return 0;
	unsigned l = (63 - (unsigned)__builtin_clzll(t ^ base)) / EVQ_RBITS;
	unsigned d = (unsigned)(t >> (l * EVQ_RBITS)) & (EVQ_DIGITS - 1);
	return 1 + l * EVQ_DIGITS + d;
}

/* Level of bucket k >= 1. */
static inline unsigned radix_level(unsigned k)
{
	return (k - 1) / EVQ_DIGITS;
}

/* Chunks beyond ceil(n / EVQ_CHUNK) that n pending events may need while
 * bucket k (>= 1) is the highest holding events.  An event's bucket never
 * rises (base only moves towards it), so the non-empty buckets are at most
 * those of k's level and below, and bucket 0: each has at most one partly
 * filled chunk, bucket 0 one more (its head, partly read), and emptying a
 * bucket holds one more (the source chunk being copied).  radix_room keeps
 * that many allocated, so radix_refill (inside evq_pop, which cannot
 * report failure) never allocates. */
static inline uint32_t radix_need(unsigned k)
{
	return k ? (radix_level(k) + 1) * EVQ_DIGITS + 3 : 3;
}

/* The lowest non-empty bucket (>= 1); some bucket above 0 holds events. */
static inline unsigned radix_lowest(const struct evq_radix *R)
{
	unsigned w = 0;

	while (!R->nonempty[w])
		w++;
	return 64 * w + (unsigned)__builtin_ctzll(R->nonempty[w]) + 1;
}

static inline void radix_mark(struct evq_radix *R, unsigned k)
{
	R->nonempty[(k - 1) / 64] |= UINT64_C(1) << ((k - 1) % 64);
}

static inline void radix_unmark(struct evq_radix *R, unsigned k)
{
	R->nonempty[(k - 1) / 64] &= ~(UINT64_C(1) << ((k - 1) % 64));
}

static struct evq_chunk *chunk_take(struct evq_radix *R)
{
	struct evq_chunk *c = R->spare;
	SIM_CHECK(c);   /* the reserve (resv) ran out: a bug */
	R->spare = c->next;
	R->nspare--;
	c->next = NULL;
	c->n = 0;
	return c;
}

static void chunk_give(struct evq_radix *R, struct evq_chunk *c)
{
	c->next = R->spare;
	R->spare = c;
	R->nspare++;
}

/* Make at least want chunks allocated in all.  Returns 0, or -1 (some may
 * have been added: they stay spare). */
static int radix_reserve(struct evq_radix *R, size_t want)
{
	while (R->nchunks < want) {
		struct evq_chunk *c = malloc(sizeof(*c));
		if (!c)
			return -1;
		R->nchunks++;
		chunk_give(R, c);
	}
	return 0;
}

/* Room for n pending events, bucket k among them: keeps nchunks >=
 * ceil(n / EVQ_CHUNK) + resv, resv radix_need of the highest bucket used
 * since the last reset.  Returns 0, or -1 with resv unchanged. */
static inline int radix_room(struct evq_radix *R, size_t n, unsigned k)
{
	uint32_t resv = radix_need(k) > R->resv ? radix_need(k) : R->resv;
	size_t want = (n + EVQ_CHUNK - 1) / EVQ_CHUNK + resv;

	if (R->nchunks < want && radix_reserve(R, want) < 0)
		return -1;
	R->resv = resv;
	return 0;
}

/* Append ev to bucket k; the caller has made sure a spare chunk exists. */
static inline void radix_append(struct evq_radix *R, unsigned k,
				const struct evq_event *ev)
{
	struct evq_bucket *b = &R->b[k];
	struct evq_chunk *t = b->tail;

	if (!t || t->n == EVQ_CHUNK) {
		struct evq_chunk *c = chunk_take(R);
		if (t)
			t->next = c;
		else
			b->head = c;
		b->tail = t = c;
		if (k)
			radix_mark(R, k);
	}
	t->ev[t->n++] = *ev;
	if (ev->time < b->min)
		b->min = ev->time;
}

/* Whether the events of bucket k (>= 1), about to be emptied with base
 * moving to its least time, go to the prefetch hook as they move: once
 * per event, at the first refill whose bucket holds at most EVQ_PF_BATCH
 * events.  They all pop before any later event, so their lines (a task's
 * record, its entity and map entry, in the runqslower model) have the
 * time of up to a few thousand events to arrive - where the look-ahead
 * gives one event's lines the time of a few events, too little for a
 * world that outgrows the caches (in the 256-CPU fleet, a level-3
 * bucket, 262 us of simulated time: ~670 wake-ups).  Then it covers the
 * bucket's whole time range, so the refills below it skip. */
static int radix_refill_prefetch(struct evq *q, struct evq_radix *R,
				 unsigned k, uint64_t base)
{
	const struct evq_chunk *c = R->b[k].head;
	uint32_t n = 0;

	if (!q->prefetch || base < R->pf_until)
		return 0;
	for (; c && n <= EVQ_PF_BATCH; c = c->next)
		n += c->n;
	if (n > EVQ_PF_BATCH)
		return 0;
	unsigned shift = radix_level(k) * EVQ_RBITS;
	uint64_t start = base >> shift << shift, span = (uint64_t)1 << shift;
	R->pf_until = start > UINT64_MAX - span ? UINT64_MAX : start + span;
	return 1;
}

/* Bucket 0 is empty and events are pending: empty the lowest non-empty
 * bucket k into the buckets below it, base moving to its least time.  Every
 * event lands below k: its time shares base's digits above k's level and,
 * at that level, base's digit (the bucket's), so it differs from the new
 * base at a lower level, or not at all (bucket 0).  Spare chunks suffice:
 * each source chunk is given back once copied, and the chunks in use never
 * exceed ceil(n / EVQ_CHUNK) + resv (radix_need).  A bucket of level 0 holds
 * one time (every digit fixed), and so does a bucket of one event: its
 * chunks become bucket 0 as they are. */
static void radix_refill(struct evq *q, struct evq_radix *R, unsigned k)
{
	struct evq_bucket *src = &R->b[k];
	struct evq_chunk *c = src->head, *tail = src->tail;
	uint64_t base = src->min;
	int pf = k > EVQ_DIGITS && radix_refill_prefetch(q, R, k, base);

	src->head = src->tail = NULL;
	src->min = UINT64_MAX;
	radix_unmark(R, k);
	R->base = base;
	R->pos = 0;
	R->next_sk = 0;
	R->b[0].min = base;
	if (k <= EVQ_DIGITS || (!c->next && c->n == 1)) {
		R->b[0].head = c;
		R->b[0].tail = tail;
		return;
	}
	while (c) {
		struct evq_chunk *next = c->next;
		for (uint32_t i = 0; i < c->n; i++) {
			unsigned j = radix_index(c->ev[i].time, base);
			SIM_CHECK(j < k);
			radix_append(R, j, &c->ev[i]);
			if (pf)
				q->prefetch(q->pctx, &c->ev[i]);
		}
		chunk_give(R, c);
		c = next;
	}
}

static void radix_reset(struct evq_radix *R)
{
	for (unsigned k = 0; k < EVQ_BUCKETS; k++) {
		struct evq_chunk *c = R->b[k].head;
		while (c) {
			struct evq_chunk *next = c->next;
			chunk_give(R, c);
			c = next;
		}
		R->b[k].head = R->b[k].tail = NULL;
		R->b[k].min = UINT64_MAX;
	}
	memset(R->nonempty, 0, sizeof(R->nonempty));
	R->pos = 0;
	R->resv = 0;
	R->next_sk = 0;
	R->pf_until = 0;
}

/* The heap becomes the radix heap.  base is the last popped time, or the
 * earliest pending one if that is before (a queue used out of order before
 * it grew).  The heap is popped in order into the buckets, which sets up
 * the FIFO invariant, then shrunk to big_off events (the way back fits).
 * Returns 0, or -1 with the heap unchanged. */
static int heap_to_radix(struct evq *q)
{
	struct evq_radix *R = q->rad;
	struct evq_event *h = q->heap;
	size_t n = q->n;

	if (!R) {
		R = calloc(1, sizeof(*R));
		if (!R)
			return -1;
		q->rad = R;
		for (unsigned k = 0; k < EVQ_BUCKETS; k++)
			R->b[k].min = UINT64_MAX;
	}
	R->base = n && h[0].time < q->last ? h[0].time : q->last;
	/* The reserve for the highest bucket the events go to. */
	unsigned top_k = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned k = radix_index(h[i].time, R->base);
		if (k > top_k)
			top_k = k;
	}
	R->resv = 0;
	if (radix_room(R, n, top_k) < 0)
		return -1;
	while (n > 0) {
		struct evq_event top = h[0];
		if (--n > 0)
			sift_down_root(h, n);
		radix_append(R, radix_index(top.time, R->base), &top);
	}
	R->b[0].min = R->base;
	q->big = 1;
	if (q->cap > q->big_off + 1) {
		size_t cap = q->big_off + 1 > EVQ_MIN_CAP ? q->big_off + 1
							  : EVQ_MIN_CAP;
		h = realloc(q->heap, cap * sizeof(*h));
		if (h) {   /* a failed shrink keeps the old, bigger array */
			q->heap = h;
			q->cap = cap;
		}
	}
	set_room(q);
	return 0;
}

/* The radix heap becomes the heap again (q->cap >= q->n).  Buckets come
 * out in increasing time ranges, so most sift-ups stop at once. */
static void radix_to_heap(struct evq *q)
{
	struct evq_radix *R = q->rad;
	size_t n = 0;

	SIM_CHECK(q->cap >= q->n);
	for (unsigned k = 0; k < EVQ_BUCKETS; k++) {
		uint32_t i = k ? 0 : R->pos;
		for (struct evq_chunk *c = R->b[k].head; c; c = c->next, i = 0)
			for (; i < c->n; i++, n++)
				heap_insert(q->heap, n, &c->ev[i]);
	}
	SIM_CHECK(n == q->n);
	radix_reset(R);
	q->big = 0;
	set_room(q);
}

/* Push in radix mode.  ev->time >= base: the monotone case. */
static int radix_push(struct evq *q, const struct evq_event *ev)
{
	struct evq_radix *R = q->rad;
	unsigned k = radix_index(ev->time, R->base);

	/* Room for one more event, and the reserve pops rely on, which
	 * grows with the highest bucket holding events. */
	if (radix_room(R, q->n + 1, k) < 0)
		return -1;
	radix_append(R, k, ev);
	q->n++;
	return 0;
}

/* Pop in radix mode.  Returns 1 (an event), 0 (empty, or nothing before
 * bound) or -1: the queue went back to the heap with no live event found
 * yet (the caller goes on there).  bound (the earliest timer, or NULL):
 * take only events before it, and never move base past its time - the
 * timer is popped next and the model pushes from its time on. */
static __attribute__((noinline)) int radix_pop(struct evq *q,
					       struct evq_event *out,
					       const struct evq_event *bound)
{
	struct evq_radix *R = q->rad;

	while (q->n > 0) {
		struct evq_bucket *b0 = &R->b[0];
		struct evq_chunk *c;
		struct evq_event top;

		if (!b0->head) {
			unsigned k = radix_lowest(R);
			if (bound && R->b[k].min > bound->time)
				return 0;
			radix_refill(q, R, k);
		}
		c = b0->head;
		if (bound && !ev_less(&c->ev[R->pos], bound))
			return 0;
		top = c->ev[R->pos++];
		/* Bucket 0 holds events at base, in push order. */
		SIM_CHECK(top.time == R->base && top.seqkind >= R->next_sk);
		R->next_sk = top.seqkind + 1;
		if (R->pos == c->n) {
			/* A drained tail may still be appended to; drop the
			 * chunk all the same (a push at base opens another). */
			b0->head = c->next;
			if (!b0->head)
				b0->tail = NULL;
			chunk_give(R, c);
			R->pos = 0;
		}
		q->n--;
		q->last = top.time;
		if (q->n <= q->big_off && q->n <= q->cap)
			radix_to_heap(q);
		if (top.gen == q->gens[top.target]) {
			*out = top;
			return 1;
		}
		q->dropped++;
		if (!q->big)
			return -1;
	}
	return 0;
}

/* ---- timers -------------------------------------------------------------- */

/* Leaf i's event changed: replay its path to the root, each node taking
 * the earlier of its two children's winners.  A full path every time
 * (log2 tleaves levels, the sibling's winner and its key: ~10 lines of a
 * tree that stays cached); no early exit, since a later key can lose where
 * it used to win. */
static void timer_update(struct evq *q, uint32_t i)
{
	const struct evq_event *tev = q->tev;
	uint32_t *twin = q->twin;
	uint32_t P = q->tleaves, cur = i;
	/* The path's winner's key rides in registers: a level's loads (the
	 * sibling's winner and its key) depend on the node only, so they
	 * all issue at once and the chain from level to level is a compare
	 * and three cmovs, not a load of tev[cur] behind each cmov. */
	uint64_t ct = tev[i].time, cs = tev[i].seqkind;

	for (uint32_t node = P + i; node > 1; node >>= 1) {
		uint32_t sib = node ^ 1;
		uint32_t w = sib >= P ? sib - P : twin[sib];
		uint64_t wt = tev[w].time, ws = tev[w].seqkind;
		if (key_less(wt, ws, ct, cs)) {
			cur = w;
			ct = wt;
			cs = ws;
		}
		twin[node >> 1] = cur;
	}
}

/* Bring the tree up to date: replay the path of every leaf changed since
 * the last time (in any order: a node on several of their paths is right
 * after the last replay through it, whose children are right by then). */
static inline void timer_fix(struct evq *q)
{
	for (uint32_t k = 0; k < q->ndirty; k++) {
		uint32_t i = q->tdirty[k];
		q->tev[i].gen = 0;
		timer_update(q, i);
	}
	q->ndirty = 0;
}

/* Leaf i's key changed: its path is replayed at the next tree read (pop or
 * peek), once however often it changed - a CPU's event cancelled and
 * pushed again at each overhead insertion, or popped and pushed again by
 * its own handler, costs one path.  gen marks a leaf listed (a timer's
 * event has no generation: a cancelled timer leaves at once). */
static inline void timer_touch(struct evq *q, uint32_t i)
{
	if (!q->tev[i].gen) {
		q->tev[i].gen = 1;
		q->tdirty[q->ndirty++] = i;
	}
}

static void timer_empty(struct evq *q, uint32_t i)
{
	q->tev[i].time = UINT64_MAX;
	q->tev[i].seqkind = UINT64_MAX;
	timer_touch(q, i);
	q->ntimed--;
}

/* Every leaf empty; each node's winner a leaf of its own subtree (its
 * leftmost), which the path updates rely on: a node must never name a leaf
 * outside its subtree. */
static void timer_reset(struct evq *q)
{
	uint32_t P = q->tleaves;

	for (uint32_t i = 0; i < P; i++) {
		memset(&q->tev[i], 0, sizeof(q->tev[i]));
		q->tev[i].time = UINT64_MAX;
		q->tev[i].seqkind = UINT64_MAX;
	}
	for (uint32_t j = P - 1; j >= 1; j--)
		q->twin[j] = 2 * j >= P ? 2 * j - P : q->twin[2 * j];
	q->ndirty = 0;
	q->ntimed = 0;
}

static inline uint32_t timer_root(const struct evq *q)
{
	return q->tleaves > 1 ? q->twin[1] : 0;
}

int evq_timers(struct evq *q, uint32_t n)
{
	uint32_t P = 1;

	SIM_CHECK(q->ntimers == 0 && q->n == 0);
	if (n == 0)
		return 0;
	while (P < n)
		P <<= 1;
	q->tev = malloc((size_t)P * sizeof(*q->tev));
	q->twin = malloc((size_t)P * sizeof(*q->twin));
	q->tdirty = malloc((size_t)P * sizeof(*q->tdirty));
	if (!q->tev || !q->twin || !q->tdirty) {
		free(q->tev);
		free(q->twin);
		free(q->tdirty);
		q->tev = NULL;
		q->twin = NULL;
		q->tdirty = NULL;
		return -1;
	}
	q->ntimers = n;
	q->tleaves = P;
	timer_reset(q);
	return 0;
}

/* Out of line: evq_push's common path (any model without timers, M/M/c's
 * hot loop) stays as it was. */
static __attribute__((noinline)) int
timer_push(struct evq *q, uint64_t time, unsigned kind, uint32_t target,
	   uint64_t data)
{
	struct evq_event *ev = &q->tev[target];

	SIM_CHECK(kind <= 0xffffu);
	SIM_CHECK(q->seq < EVQ_SEQ_MAX);
	SIM_CHECK(ev->seqkind == UINT64_MAX);   /* one pending per timer */
	ev->time = time;
	ev->seqkind = q->seq++ << 16 | kind;
	ev->data = data;
	ev->target = target;
	timer_touch(q, target);
	q->ntimed++;
	return 0;
}

void evq_timer_move(struct evq *q, uint64_t time, unsigned kind,
		    uint32_t target, uint64_t data)
{
	struct evq_event *ev = &q->tev[target];

	SIM_CHECK(target < q->ntimers && kind <= 0xffffu);
	SIM_CHECK(q->seq < EVQ_SEQ_MAX);
	if (ev->seqkind == UINT64_MAX)
		q->ntimed++;
	ev->time = time;
	ev->seqkind = q->seq++ << 16 | kind;
	ev->data = data;
	ev->target = target;
	timer_touch(q, target);
}

/* ---- the queue ----------------------------------------------------------- */

int evq_init(struct evq *q, size_t capacity_hint)
{
	memset(q, 0, sizeof(*q));
	q->big_on = EVQ_BIG_ON;
	q->big_off = EVQ_BIG_OFF;
	if (capacity_hint < EVQ_MIN_CAP)
		capacity_hint = EVQ_MIN_CAP;
	if (capacity_hint > SIZE_MAX / sizeof(*q->heap))
		return -1;
	q->heap = malloc(capacity_hint * sizeof(*q->heap));
	if (!q->heap)
		return -1;
	q->cap = capacity_hint;
	q->small = 1;
	set_room(q);
	return 0;
}

void evq_tune(struct evq *q, size_t big_on, size_t big_off)
{
	SIM_CHECK(big_off < big_on);
	q->big_on = big_on;
	q->big_off = big_off;
}

void evq_fini(struct evq *q)
{
	struct evq_radix *R = q->rad;

	if (R) {
		radix_reset(R);
		while (R->spare) {
			struct evq_chunk *c = R->spare;
			R->spare = c->next;
			free(c);
		}
		free(R);
	}
	free(q->heap);
	free(q->gens);
	free(q->tev);
	free(q->twin);
	free(q->tdirty);
	memset(q, 0, sizeof(*q));
}

/* Also zeroes the dropped count: a cleared queue is indistinguishable from
 * a fresh one except for its capacity (and its switch points). */
void evq_clear(struct evq *q)
{
	if (q->rad)
		radix_reset(q->rad);
	q->big = 0;
	q->small = 1;
	q->head = 0;
	set_room(q);
	q->past = 0;
	q->n = 0;
	q->seq = 0;
	q->last = 0;
	q->dropped = 0;
	if (q->ngens)
		memset(q->gens, 0, q->ngens * sizeof(*q->gens));
	if (q->tleaves)
		timer_reset(q);
}

/* A push before base in radix mode: back to the heap for good.  The heap
 * must hold n + 1 events.  Returns 0, or -1 with nothing changed. */
static int radix_leave(struct evq *q)
{
	if (q->cap < q->n + 1 && heap_grow(q))
		return -1;
	radix_to_heap(q);
	q->past = 1;
	return 0;
}

/* Every push but one into a heap with room: grow the heap or turn it
 * into the radix heap (when it is full with big_on or more pending), push
 * into the radix heap, or hand it back to the heap (a push before base).
 * Returns 0, or -1 with ev not queued (the pending events unchanged, in
 * whichever representation). */
static int push_slow(struct evq *q, const struct evq_event *ev)
{
	if (!q->big && !(q->big_on && q->n >= q->big_on && !q->past &&
			 heap_to_radix(q) == 0) &&
	    heap_grow(q) < 0)
		return -1;
	if (q->big && ev->time < q->rad->base && radix_leave(q) < 0)
		return -1;
	if (q->big)
		return radix_push(q, ev);
	heap_insert(q->heap, q->n++, ev);
	return 0;
}

int evq_push_slow(struct evq *q, uint64_t time, unsigned kind,
		  uint32_t target, uint64_t data)
{
	struct evq_event ev;

	if (__builtin_expect(target < q->ntimers, 0))
		return timer_push(q, time, kind, target, data);
	SIM_CHECK(kind <= 0xffffu);
	SIM_CHECK(q->seq < EVQ_SEQ_MAX);
	if (target >= q->ngens && gens_grow(q, target) < 0)
		return -1;

	ev.time = time;
	ev.seqkind = q->seq << 16 | kind;
	ev.data = data;
	ev.target = target;
	ev.gen = q->gens[target];
	if (q->small && q->n < EVQ_SMALL_MAX && q->head > 0 &&
	    q->head + q->n < q->cap) {
		evq_small_insert(q, &ev);
	} else if (q->small && !small_full(q, &ev)) {
		;   /* compacted and inserted */
	} else if (q->n < q->room) {
		heap_insert(q->heap, q->n++, &ev);
	} else if (push_slow(q, &ev) < 0) {
		return -1;
	}
	q->seq++;
	return 0;
}

/* Pop the earliest live event of the queue (timers aside) that comes
 * before bound (NULL: any).  Returns 1, or 0 when there is none. */
static inline __attribute__((always_inline)) int
pop_queue(struct evq *q, struct evq_event *out, const struct evq_event *bound)
{
	struct evq_event *h;

	if (q->small)
		return small_pop(q, out, bound);
	if (q->big) {
		int r = radix_pop(q, out, bound);
		if (r >= 0)
			return r;
	}
	h = q->heap;
	while (q->n > 0) {
		if (bound && !ev_less(&h[0], bound))
			return 0;
		struct evq_event top = h[0];
		size_t n = --q->n;

		if (n > 0) {
			sift_down_root(h, n);
			/* Cheap order check: the new root is not before the old. */
			SIM_CHECK(ev_less(&top, &h[0]));
		}
		q->last = top.time;
		if (n <= EVQ_SMALL_BACK)
			heap_to_small(q);
		if (top.gen == q->gens[top.target]) {
			*out = top;
			return 1;
		}
		q->dropped++;
		if (q->small)
			return small_pop(q, out, bound);
	}
	return 0;
}

void evq_set_prefetch(struct evq *q,
		      void (*fn)(void *ctx, const struct evq_event *ev),
		      void *ctx)
{
	q->prefetch = fn;
	q->pctx = ctx;
	q->pf_sk = UINT64_MAX;
	q->pf_chunk = NULL;
}

/* The queue's next event if it is known without a search, handed once to
 * the prefetch hook.  A timer or a queued event pops now: the next queued
 * event's turn comes after its handling and, three times in four in the
 * 256-CPU runqslower world, after a few timers: time for its cache lines
 * to arrive. */
static void look_ahead(struct evq *q)
{
	const struct evq_event *ev = NULL;

	if (q->n == 0)
		return;
	if (q->small) {
		ev = &q->heap[q->head];
	} else if (!q->big) {
		ev = &q->heap[0];
	} else {
		const struct evq_radix *R = q->rad;
		if (R->b[0].head) {
			ev = &R->b[0].head->ev[R->pos];
		} else {
			/* The lowest bucket's least event, when the bucket
			 * is one chunk.  The bucket stays
			 * the lowest across many pops (the timers between
			 * two wake-ups): scanned once while its chunk and
			 * count stay the same (a chunk reused with the same
			 * count only skips a hint). */
			const struct evq_chunk *c =
				R->b[radix_lowest(R)].head;
			if (c == q->pf_chunk && c->n == q->pf_n)
				return;
			if (!c->next && c->n <= EVQ_LOOK_AHEAD) {
				ev = &c->ev[0];
				for (uint32_t i = 1; i < c->n; i++)
					if (ev_less(&c->ev[i], ev))
						ev = &c->ev[i];
				q->pf_chunk = c;
				q->pf_n = c->n;
			}
		}
	}
	if (!ev || ev->seqkind == q->pf_sk)
		return;
	q->pf_sk = ev->seqkind;
	__builtin_prefetch(&q->gens[ev->target]);
	q->prefetch(q->pctx, ev);
}

int evq_pop_slow(struct evq *q, struct evq_event *out)
{
	if (__builtin_expect(q->ntimed == 0, 1))
		return pop_queue(q, out, NULL);
	timer_fix(q);
	uint32_t w = timer_root(q);
	const struct evq_event *t = &q->tev[w];
	if (pop_queue(q, out, t)) {
		/* The queue's next event after this one: handling this one
		 * gives its lines time to arrive (two queued events in a
		 * row, which a timer's look-ahead alone never covered). */
		if (q->prefetch)
			look_ahead(q);
		return 1;
	}
	if (q->prefetch)
		look_ahead(q);
	/* The timer comes first. */
	*out = *t;
	out->gen = 0;
	q->last = t->time;
	timer_empty(q, w);
	return 1;
}

uint64_t evq_peek_time(struct evq *q)
{
	const struct evq_radix *R = q->rad;
	uint64_t t = UINT64_MAX;

	if (q->ntimed) {
		timer_fix(q);
		t = q->tev[timer_root(q)].time;
	}
	if (q->n == 0)
		return t;
	uint64_t u = q->small ? q->heap[q->head].time
		     : !q->big ? q->heap[0].time
		     : R->b[0].head ? R->base
		     : R->b[radix_lowest(R)].min;
	return u < t ? u : t;
}

void evq_cancel(struct evq *q, uint32_t target)
{
	if (target < q->ntimers) {
		if (q->tev[target].seqkind != UINT64_MAX)
			timer_empty(q, target);
		return;
	}
	/* A target beyond the table was never pushed: nothing to invalidate. */
	if (target < q->ngens)
		q->gens[target]++;
}

size_t evq_bytes(const struct evq *q)
{
	size_t b = q->cap * sizeof(*q->heap) + q->ngens * sizeof(*q->gens);

	if (q->rad)
		b += sizeof(*q->rad) + q->rad->nchunks * sizeof(struct evq_chunk);
	b += (size_t)q->tleaves * (sizeof(*q->tev) + sizeof(*q->twin) +
				  sizeof(*q->tdirty));
	return b;
}
