/* evq.h - the pending-event set: an implicit 4-ary min-heap on (time, seq).
 *
 * Ordering: events pop in increasing time; events with equal time pop in the
 * order they were pushed (FIFO), because every push takes the next value of a
 * per-queue sequence counter and the heap orders on (time, seq).  Together
 * with named RNG streams this makes a run a pure function of its seed.
 *
 * Cancellation is lazy.  Every event names a *target* (a task slot, a CPU,
 * ... - the model decides) and carries the target's generation number at push
 * time.  evq_cancel(q, target) bumps the generation; stale events stay in the
 * heap and are dropped silently by evq_pop.  Cost: O(1) cancel, the heap holds
 * dead entries until they surface.
 *
 * Memory: an event is 32 bytes; the heap grows by 1.5x, so a queue holding N
 * pending events uses at most ~48 N bytes plus 4 bytes per target for the
 * generation table.  Tuned for 10^7 pending events (a batch of millions of
 * tasks at t = 0) and for the small, hot queues of M/M/c (tens of events).
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

struct evq {
	struct evq_event *heap;
	size_t n, cap;
	uint64_t seq;        /* next sequence number */
	uint32_t *gens;      /* generation per target */
	size_t ngens;
	uint64_t dropped;    /* stale events discarded by evq_pop */
};

/* Initialise an empty queue.  Returns 0, or -1 on allocation failure. */
int evq_init(struct evq *q, size_t capacity_hint);
/* Release memory; q may be zeroed or initialised.  Safe to call twice. */
void evq_fini(struct evq *q);
/* Drop every pending event, keep the memory, reset seq and generations. */
void evq_clear(struct evq *q);

/* Schedule event (time, kind, target, data).  kind < 65536.
 * Returns 0, or -1 on allocation failure. */
int evq_push(struct evq *q, uint64_t time, unsigned kind, uint32_t target,
	     uint64_t data);

/* Pop the earliest live event into *out.  Returns 1, or 0 when empty. */
int evq_pop(struct evq *q, struct evq_event *out);

/* Due time of the earliest pending event (may be stale), or UINT64_MAX. */
uint64_t evq_peek_time(const struct evq *q);

/* Invalidate every pending event of target. */
void evq_cancel(struct evq *q, uint32_t target);

/* Number of pending entries (including not yet dropped stale ones). */
static inline size_t evq_size(const struct evq *q) { return q->n; }

#endif
