/* evq.h - the pending-event set: a priority queue on (time, seq).
 *
 * Ordering: events pop in increasing time; events with equal time pop in the
 * order they were pushed (FIFO), because every push takes the next value of a
 * per-queue sequence counter and the queue orders on (time, seq).  Together
 * with named RNG streams this makes a run a pure function of its seed.
 *
 * Cancellation is lazy.  Every event names a *target* (a task slot, a CPU,
 * ... - the model decides) and carries the target's generation number at push
 * time.  evq_cancel(q, target) bumps the generation; stale events stay in the
 * queue and are dropped silently by evq_pop when they come first.  Cost:
 * O(1) cancel; the queue holds dead entries until they surface.
 *
 * Three representations, one order.  A queue of at most EVQ_SMALL_MAX
 * events (M/M/c's c + 1) is a sorted array in the middle of the heap's
 * allocation: pop takes its first event (O(1), no comparison), push moves
 * the events on the near side of the new one by one slot (O(n), a few
 * 32-byte copies at that size; evq_small_insert).  Both are inline below
 * for their common case.  A push that finds it full makes it an implicit
 * 4-ary min-heap (a sorted array already is one; push and pop O(log n)),
 * which goes back to the sorted array when a pop leaves EVQ_SMALL_BACK
 * events or fewer.  A heap that must grow with big_on or more pending
 * events (default EVQ_BIG_ON; the heap grows by 1.5x, so the switch comes
 * at the first growth past it) becomes a radix heap on the time with
 * 6-bit digits: bucket 0 for the events at the last popped time, then 64
 * buckets per digit (11 levels), an event in the bucket of the highest
 * digit in which its time differs from the last popped one and of its
 * value there; each bucket a list of 1 KiB chunks.  A pop empties the
 * lowest bucket into lower levels, so an event moves at most once per
 * level (~2.6 times in a simulation's hold of sleeps ~50 ms ahead, where
 * a binary radix moved it ~7.6 times), each a sequential 32-byte copy
 * instead of a cache miss per heap level: the shape for 10^5-10^7 pending
 * events.
 * It shrinks back to the heap at big_off (default EVQ_BIG_OFF).  The radix
 * heap needs a monotone clock: every push at or after the last popped time,
 * which the simulation guarantees (sim_schedule_at clamps to now).  A push
 * before it turns the queue back into a heap for good (until evq_clear), so
 * the order above holds for any push sequence.  Which representation holds
 * the events never shows in the pop order, the dropped count or peek.
 *
 * Memory: an event is 32 bytes.  The heap grows by 1.5x: at most ~48 bytes
 * per pending event.  The radix heap allocates chunks for its most pending
 * events, ~33 bytes each, plus a reserve that covers the partly filled
 * chunks and the pops: 64 chunks (64 KiB) per level up to the highest
 * holding events (~330 KiB for events up to 2^30 ns ahead, at most
 * ~700 KiB); it keeps a heap array of big_off events for the way back.
 * Add 4 bytes per target for the generation table.  Memory is kept until
 * evq_fini (evq_clear keeps it too).  Tuned for 10^7 pending events (a
 * batch of millions of tasks at t = 0) and for the small, hot queues of
 * M/M/c (tens of events).
 *
 * Timers (evq_timers): a model whose targets 0..n-1 each hold at most one
 * pending event at a time (the runqslower model's CPUs) can keep those
 * events beside the queue, one slot per target in a tournament tree,
 * instead of in it.  The pop order stays (time, seq) over both: a timer's
 * push takes the next seq like any push, and evq_pop returns whichever of
 * the queue's earliest live event and the tree's earliest timer comes
 * first.  A cancelled timer leaves at once (it is never a stale entry, so
 * it is not in the dropped count): a target whose event is cancelled and
 * pushed again on every change of its due time costs an O(log n) update of
 * a tree that stays in L1/L2, where in the queue it left a stale entry to
 * carry and drop (in the 256-CPU runqslower world, 40% of all pops).
 *
 * Time is uint64_t nanoseconds; there is no floating-point clock.
 */
#ifndef BPFSIM_EVQ_H
#define BPFSIM_EVQ_H

#include <stddef.h>
#include <stdint.h>

struct evq_event {
	uint64_t time;      /* due time, ns */
	uint64_t seqkind;   /* seq << 16 | kind: seq orders ties, kind is the model's */
	uint64_t data;      /* model payload */
	uint32_t target;    /* entity the event acts on (index into gens) */
	uint32_t gen;       /* target's generation when pushed */
};

static inline unsigned evq_kind(const struct evq_event *ev)
{
	return (unsigned)(ev->seqkind & 0xffffu);
}

/* Default representation switch points, pending events (see above). */
#define EVQ_BIG_ON 2048
#define EVQ_BIG_OFF 512
#define EVQ_SMALL_MAX 16
#define EVQ_SMALL_BACK 8

struct evq_radix;        /* the radix heap (evq.c) */

struct evq {
	struct evq_event *heap; /* the 4-ary heap (while !big and !small), or
				   the sorted array heap[head .. head + n)
				   (while small) */
	size_t n, cap;       /* pending entries (any representation); heap
				capacity, events */
	size_t room;         /* a push finding n below this goes straight into
				the heap: cap, or 0 in radix or small mode */
	size_t head;         /* small: slot of the earliest event */
	int small;           /* 1: the events are the sorted array */
	uint64_t seq;        /* next sequence number */
	uint32_t *gens;      /* generation per target */
	size_t ngens;
	uint64_t dropped;    /* stale events discarded by evq_pop */
	uint64_t last;       /* time of the last entry popped (live or not), ns */
	struct evq_radix *rad; /* radix heap state, NULL until first used */
	size_t big_on, big_off; /* switch to the radix heap when a push finds
				   the heap full with big_on or more pending,
				   back when a pop leaves big_off; big_on =
				   SIZE_MAX: heap only */
	int big;             /* 1: the events are in the radix heap */
	int past;            /* a push went before the last popped time:
				heap only until evq_clear */
	/* Timers (evq_timers): targets below ntimers. */
	uint32_t ntimers;    /* timer targets 0..ntimers-1; 0: none */
	uint32_t tleaves;    /* leaves of the tree: a power of two >= ntimers */
	uint32_t *tdirty;    /* leaves changed since the tree was last read,
				their paths not replayed yet */
	uint32_t ndirty;     /* how many */
	size_t ntimed;       /* timers pending */
	/* evq_set_prefetch: */
	void (*prefetch)(void *ctx, const struct evq_event *ev);
	void *pctx;
	uint64_t pf_sk;      /* seqkind of the event last handed to it */
	const void *pf_chunk; /* radix chunk last searched by the look-ahead */
	uint32_t pf_n;       /* its event count then */
	struct evq_event *tev; /* per leaf: its pending event; time = seqkind =
				  UINT64_MAX when none */
	uint32_t *twin;      /* winner tree: twin[j] (1 <= j < tleaves) is the
				leaf of the earliest event below node j;
				node tleaves + i is leaf i */
};

/* Initialise an empty queue (a heap of capacity_hint events, switch points
 * EVQ_BIG_ON/EVQ_BIG_OFF).  Returns 0, or -1 on allocation failure. */
int evq_init(struct evq *q, size_t capacity_hint);
/* Set the switch points (big_off < big_on; big_on = SIZE_MAX keeps the
 * heap whatever the size).  For tests and benchmarks: the pop order does
 * not depend on them.  Takes effect when the heap next grows (to the
 * radix heap) or at the next pop (back). */
void evq_tune(struct evq *q, size_t big_on, size_t big_off);
/* Release memory; q may be zeroed or initialised.  Safe to call twice. */
void evq_fini(struct evq *q);
/* Drop every pending event, keep the memory, reset seq, generations, the
 * dropped count and the last popped time; back to the heap.  Timer targets
 * stay timers. */
void evq_clear(struct evq *q);
/* Make targets 0..n-1 timers (see above): each holds at most one pending
 * event, and pushing one while its event is pending is a bug (SIM_CHECK):
 * cancel it first.  Call once, on an empty queue, before any push.  The
 * pop order is the same as without timers; the dropped count leaves out
 * cancelled timers; evq_size counts pending timers.  Returns 0, or -1 on
 * allocation failure (the queue unchanged). */
int evq_timers(struct evq *q, uint32_t n);

/* Ask for hints of the events that will pop soon: fn(ctx, ev), so the
 * model can prefetch what handling ev will read.  Two kinds of call, each
 * once per event as a rule (a push before the next event, or a change of
 * representation, can repeat one), always before ev pops:
 *  - the look-ahead: while timers are pending (evq_timers), at each pop,
 *    whenever the queue's next event is known without a long search (the
 *    radix heap's bucket of events at its base, or the least of a lowest
 *    bucket that is one chunk, searched once per change; the heap's
 *    root); the queue prefetches its generation entry.  These come in pop
 *    order, one event ahead.
 *  - batches, in the radix heap: every event of a bucket of at most
 *    EVQ_PF_BATCH events as the bucket is emptied into those below it,
 *    in no particular order - they all pop before any event after them,
 *    within the next few thousand pops (evq.c, radix_refill_prefetch).
 * ev pops only if nothing earlier is pushed before it, and may be stale:
 * a hint, never part of the order.  fn must not touch the queue.  NULL:
 * off (the default). */
#define EVQ_PF_BATCH 1024
void evq_set_prefetch(struct evq *q,
		      void (*fn)(void *ctx, const struct evq_event *ev),
		      void *ctx);

/* seq must fit above the 16 kind bits */
#define EVQ_SEQ_MAX (UINT64_C(1) << 48)

/* Schedule event (time, kind, target, data).  kind < 65536.
 * Returns 0, or -1 on allocation failure.  Inline below: the sorted
 * array's push; evq_push_slow: any push. */
static inline int evq_push(struct evq *q, uint64_t time, unsigned kind,
			   uint32_t target, uint64_t data);
int evq_push_slow(struct evq *q, uint64_t time, unsigned kind,
		  uint32_t target, uint64_t data);

/* Pop the earliest live event into *out.  Returns 1, or 0 when empty.
 * Inline below: a live event first in the sorted array; evq_pop_slow: any
 * pop. */
static inline int evq_pop(struct evq *q, struct evq_event *out);
int evq_pop_slow(struct evq *q, struct evq_event *out);

/* Due time of the earliest pending event (may be stale), or UINT64_MAX.
 * Not const: it brings the timer tree up to date. */
uint64_t evq_peek_time(struct evq *q);

/* Invalidate every pending event of target (a timer's leaves at once). */
void evq_cancel(struct evq *q, uint32_t target);

/* Timer target (< evq_timers' n) is due at time instead, pending or not:
 * evq_cancel then evq_push in one step - the same seq is taken, so the
 * pop order is the same. */
void evq_timer_move(struct evq *q, uint64_t time, unsigned kind,
		    uint32_t target, uint64_t data);

/* Number of pending entries (including not yet dropped stale ones, and
 * pending timers). */
static inline size_t evq_size(const struct evq *q) { return q->n + q->ntimed; }

/* Bytes the queue holds now: heap array, radix chunks (in use and spare),
 * generation table, timer tree. */
size_t evq_bytes(const struct evq *q);

/* ---- the fast paths (the sorted array: M/M/c's whole run) ---------------- */

/* Put ev into the sorted array heap[head .. head + n), which has a free
 * slot on either side (head >= 1, head + n < cap).  ev was pushed last,
 * so its seq is the largest: it goes after every event of its time, and
 * comparing times alone keeps the (time, seq) order.  The half it falls
 * in moves by one slot: an event due before the middle one shifts the
 * events before it down (head - 1), any other shifts those after it up.
 * So a push moves at most half the array, and few events where pushes
 * land near either end (M/M/c's arrivals near the front, ~1 move). */
static inline void evq_small_insert(struct evq *q, const struct evq_event *ev)
{
	struct evq_event *h = q->heap;
	size_t lo = q->head, end = lo + q->n, i;

	q->n++;
	if (lo == end) {
		h[lo] = *ev;
		return;
	}
	if (ev->time < h[lo + (end - lo) / 2].time) {
		/* Stops at the middle event at the latest. */
		for (i = lo; h[i].time <= ev->time; i++)
			h[i - 1] = h[i];
		h[i - 1] = *ev;
		q->head = lo - 1;
	} else {
		/* Stops after the middle event at the latest. */
		for (i = end; h[i - 1].time > ev->time; i--)
			h[i] = h[i - 1];
		h[i] = *ev;
	}
}

static inline int evq_push(struct evq *q, uint64_t time, unsigned kind,
			   uint32_t target, uint64_t data)
{
	struct evq_event ev;

	/* Anything else (another representation, a full array, a timer, a
	 * target new to the generation table, the SIM_CHECKs): the slow
	 * path. */
	if (!(q->small && q->n < EVQ_SMALL_MAX && q->head > 0 &&
	      q->head + q->n < q->cap && target >= q->ntimers &&
	      target < q->ngens && kind <= 0xffffu && q->seq < EVQ_SEQ_MAX))
		return evq_push_slow(q, time, kind, target, data);
	ev.time = time;
	ev.seqkind = q->seq++ << 16 | kind;
	ev.data = data;
	ev.target = target;
	ev.gen = q->gens[target];
	evq_small_insert(q, &ev);
	return 0;
}

static inline int evq_pop(struct evq *q, struct evq_event *out)
{
	if (q->small && q->n > 0 && q->ntimed == 0) {
		const struct evq_event *top = &q->heap[q->head];
		if (top->gen == q->gens[top->target]) {
			*out = *top;
			q->head++;
			q->n--;
			q->last = out->time;
			return 1;
		}
	}
	return evq_pop_slow(q, out);
}

#endif
