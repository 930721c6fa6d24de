/* test_evq.c - the event queue (sim/evq.c) against its contract in evq.h.
 *
 * Pins:
 *   - pop order is (time, push order): 10^6-operation random mixes of push,
 *     pop, cancel and the odd clear are replayed on a naive reference (a
 *     sorted array the test carries) and every popped event must match it
 *     field for field; so must size (stale entries included), peek time and
 *     the dropped count after every operation.  Three mixes: the heap alone
 *     (default switch points, pushes into the past); switch points tuned
 *     down to 48/16 with a monotone clock, so the queue crosses between the
 *     heap and the radix heap over a thousand times; and the same with rare
 *     pushes into the past and frequent clears (the radix heap handing back
 *     to the heap for good, and clear bringing it back);
 *   - the radix heap against the heap itself at the default switch points:
 *     a queue grown past EVQ_BIG_ON, drained below EVQ_BIG_OFF and grown
 *     again, with equal times, cancellation and stale events, pops in the
 *     same order as a heap-only twin (evq_tune); so does a hold of
 *     ~10,000 pending events with times spread over every digit level of
 *     the radix heap, dense near now, with cancels and timers (whose
 *     bound the radix heap must not move its base past);
 *   - timers (evq_timers) pop in the same order as the reference without
 *     them; the look-ahead hook (evq_set_prefetch) sees queued events
 *     before they pop, once each;
 *   - FIFO among equal times, empty-queue behaviour, zeroed-struct safety,
 *     what evq_clear resets and what it keeps (the memory);
 *   - 10^7 pending events fit (the radix heap), pop in order, and cost at
 *     most 1.5 x 32 bytes each (evq_bytes).
 * Deliberately not pinned: speed (tests/bench_heap.c), allocation-failure
 * paths (no fault injection), generation wrap-around after 2^32 cancels of
 * one target, and the SIM_CHECK aborts for caller bugs (kind >= 65536).
 *
 * BPFSIM_TEST_SEED=N replays the random test with seed N.
 */
#include <string.h>
#include "test_util.h"
#include "sim/evq.h"

/* splitmix64: the test's own RNG, independent of the code under test. */
static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* ---- the reference: an array sorted by descending (time, seq) ----------
 * The earliest event is last, so pop is v[--n].  Cancel marks the target's
 * pending events dead; pop discards dead ones and counts them, which is what
 * the contract promises (stale events surface in order and are dropped). */
struct ref_ev {
	uint64_t time, seq, data;
	uint32_t target;
	unsigned kind;
	int dead;
};

struct ref {
	struct ref_ev *v;
	size_t n, cap;
	uint64_t seq, dropped;
	uint64_t last;   /* time of the last event popped, live or dead */
};

static int ref_before(const struct ref_ev *a, const struct ref_ev *b)
{
	return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static void ref_push(struct ref *r, uint64_t time, unsigned kind,
		     uint32_t target, uint64_t data)
{
	struct ref_ev e = { time, r->seq++, data, target, kind, 0 };
	size_t lo = 0, hi = r->n;

	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->v = realloc(r->v, r->cap * sizeof(*r->v));
		assert_non_null(r->v);
	}
	/* First slot whose event comes before e: e goes just above it. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ref_before(&r->v[mid], &e))
			hi = mid;
		else
			lo = mid + 1;
	}
	memmove(&r->v[lo + 1], &r->v[lo], (r->n - lo) * sizeof(*r->v));
	r->v[lo] = e;
	r->n++;
}

static int ref_pop(struct ref *r, struct ref_ev *out)
{
	while (r->n > 0) {
		struct ref_ev e = r->v[--r->n];
		r->last = e.time;
		if (!e.dead) {
			*out = e;
			return 1;
		}
		r->dropped++;
	}
	return 0;
}

static void ref_cancel(struct ref *r, uint32_t target)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].target == target)
			r->v[i].dead = 1;
}

static void ref_clear(struct ref *r)
{
	r->n = 0;
	r->seq = 0;
	r->dropped = 0;
	r->last = 0;
}

/* Compare everything observable after an operation. */
static void check_same_state(struct evq *q, const struct ref *r)
{
	assert_int_equal(evq_size(q), r->n);
	assert_int_equal(q->dropped, r->dropped);
	assert_int_equal(evq_peek_time(q),
			 r->n ? r->v[r->n - 1].time : UINT64_MAX);
}

/* Pop from both; the results must agree field for field.  Returns 1 when
 * an event came out, and moves *now to its time. */
static int pop_both(struct evq *q, struct ref *r, uint64_t *now)
{
	struct evq_event got;
	struct ref_ev want;
	int have = ref_pop(r, &want);

	memset(&got, 0xa5, sizeof(got));
	assert_int_equal(evq_pop(q, &got), have);
	if (have) {
		assert_int_equal(got.time, want.time);
		assert_int_equal(evq_kind(&got), want.kind);
		assert_int_equal(got.target, want.target);
		assert_int_equal(got.data, want.data);
		*now = got.time;
	}
	return have;
}

/* Event time for the random test: mostly a few ns after now, so equal
 * times are common and FIFO order is exercised; sometimes far ahead, in the
 * past, or at the ends of the range.  past_ppm: pushes into the past per
 * million (before now: the queue must not care); the others stay at or after
 * now, as a simulation's clock does. */
static uint64_t random_time(uint64_t *s, uint64_t now, unsigned past_ppm)
{
	uint64_t r = rnd(s);
	unsigned pick = (unsigned)(r % 100);

	r >>= 8;
	if (rnd(s) % 1000000 < past_ppm)
		return r % 3 == 0 ? 0 : now ? r % now : 0;
	if (pick < 85)
		return now + r % 16;
	if (pick < 93)
		return now + r % 1000000;
	if (pick < 98)   /* anywhere ahead, up to the end of the range */
		return now == UINT64_MAX ? now : now + r % (UINT64_MAX - now);
	return pick == 98 ? now : UINT64_MAX;
}

/* One random mix against the reference.  on/off: the switch points
 * (evq_tune); past_ppm, clear_ppm: pushes into the past and clears per
 * million operations; the population swings between 0 and max_pending in
 * phases of `phase` operations.  Returns how many times the queue changed
 * representation (white-box: q.big before and after each operation). */
static uint64_t differential(uint64_t seed, size_t on, size_t off,
			     unsigned past_ppm, unsigned clear_ppm,
			     size_t max_pending, long phase)
{
	enum { OPS = 1000000 };
	uint64_t s = seed;
	struct evq q;
	struct ref r = { 0 };
	uint64_t pops = 0, hits = 0, dropped = 0, clears = 0, switches = 0;
	unsigned push_pct = 50, cancel_pct = 5;

	assert_int_equal(evq_init(&q, 0), 0);
	evq_tune(&q, on, off);
	for (long op = 0; op < OPS; op++) {
		unsigned pick = (unsigned)(rnd(&s) % 100);
		int was_big = q.big;

		/* Phases: filling, draining or balanced, so the population
		 * swings between empty and MAX_PENDING. */
		if (op % phase == 0) {
			static const unsigned mix[3] = { 70, 25, 47 };
			push_pct = mix[rnd(&s) % 3];
			cancel_pct = (unsigned)(rnd(&s) % 10);
		}
		if (r.n >= max_pending && pick < push_pct)
			pick = push_pct; /* full: pop or cancel instead */

		if (rnd(&s) % 1000000 < clear_ppm) {
			dropped += q.dropped;
			clears++;
			evq_clear(&q);
			ref_clear(&r);
		} else if (pick < push_pct) {
			uint64_t x = rnd(&s);
			uint64_t t = random_time(&s, r.last, past_ppm);
			unsigned kind = (unsigned)(x & 0xffff);
			/* Targets: mostly few (cancels hit many events), some
			 * spread out (the generation table must grow). */
			uint32_t target = (x >> 16) % 8 ?
				(uint32_t)((x >> 20) % 32) :
				(uint32_t)((x >> 20) % 5000);
			uint64_t data = rnd(&s);

			assert_int_equal(evq_push(&q, t, kind, target, data), 0);
			ref_push(&r, t, kind, target, data);
		} else if (pick < push_pct + cancel_pct) {
			uint64_t x = rnd(&s);
			/* Targets >= 5000 were never pushed: a no-op. */
			uint32_t target = x % 4 ? (uint32_t)((x >> 8) % 32) :
				(uint32_t)((x >> 8) % 10000);

			evq_cancel(&q, target);
			ref_cancel(&r, target);
		} else {
			uint64_t now;
			pops++;
			hits += (uint64_t)pop_both(&q, &r, &now);
		}
		check_same_state(&q, &r);
		switches += q.big != was_big;
	}
	/* Drain: the stale tail must be counted too. */
	while (pop_both(&q, &r, &(uint64_t){ 0 }))
		check_same_state(&q, &r);
	dropped += q.dropped;
	fprintf(stderr, "# switch points %zu/%zu, past %u ppm: %llu pops, "
		"%llu returned an event, %llu stale dropped, %llu clears, "
		"%llu representation changes\n", on, off, past_ppm,
		(unsigned long long)pops, (unsigned long long)hits,
		(unsigned long long)dropped, (unsigned long long)clears,
		(unsigned long long)switches);
	free(r.v);
	evq_fini(&q);
	return switches;
}

/* The heap alone: the population stays under the default switch point. */
static void test_differential(void **state)
{
	(void)state;
	assert_int_equal(differential(test_seed(20240611), EVQ_BIG_ON,
				      EVQ_BIG_OFF, 30000, 10, 2000, 4096), 0);
}

/* Monotone clock, switch points 48/16, up to 128 pending in short
 * phases: both representations and the hand-overs between them, over a
 * thousand times. */
static void test_differential_radix(void **state)
{
	(void)state;
	assert_true(differential(test_seed(20261205), 48, 16, 0, 10,
				 128, 256) > 1000);
}

/* Rare pushes into the past (the radix heap hands over for good) and
 * clears every ~20,000 operations (which bring it back). */
static void test_differential_past(void **state)
{
	(void)state;
	assert_true(differential(test_seed(7), 48, 16, 20, 50, 128, 256) > 50);
}

/* Timers (evq_timers) against the reference with none: targets 0..nt-1
 * are timers (8: a full tree; 37: a tree with empty leaves and more
 * leaves changed between two reads of it), each cancelled before every
 * push (at most one pending, as the contract asks) or moved with
 * evq_timer_move, the others plain targets as above.  The pop sequence
 * must be the reference's event for event; size and the dropped count are
 * not compared (a cancelled timer leaves at once, evq.h).  Switch points
 * 48/16 and a monotone clock, so timers interleave with both
 * representations and their hand-overs; pushes into the past too (a
 * timer's due time is free, the queue's turns it into a heap for good);
 * the odd evq_clear. */
static void timers_mix(uint64_t seed, unsigned past_ppm, uint32_t nt)
{
	enum { OPS = 1000000 };
	uint64_t s = seed, pops = 0, timed = 0, now = 0;
	struct evq q;
	struct ref r = { 0 };

	assert_int_equal(evq_init(&q, 0), 0);
	evq_tune(&q, 48, 16);
	assert_int_equal(evq_timers(&q, nt), 0);
	for (long op = 0; op < OPS; op++) {
		uint64_t x = rnd(&s);
		unsigned pick = (unsigned)(x % 100);

		if (x % 100000 == 7) {
			evq_clear(&q);   /* timers stay timers, all empty */
			ref_clear(&r);
			now = 0;
		} else if (pick < 30 && r.n < 128) {
			uint64_t t = random_time(&s, now, past_ppm);
			uint32_t target = nt + (uint32_t)((x >> 8) % 40);
			assert_int_equal(evq_push(&q, t, (unsigned)(x >> 48),
						  target, x), 0);
			ref_push(&r, t, (unsigned)(x >> 48), target, x);
		} else if (pick < 55) {
			/* Move a timer: cancel and push, or both in one
			 * step (evq_timer_move, cpu_resched's). */
			uint64_t t = random_time(&s, now, past_ppm);
			uint32_t target = (uint32_t)((x >> 8) % nt);
			if (x >> 63) {
				evq_timer_move(&q, t, 3, target, x);
			} else {
				evq_cancel(&q, target);
				assert_int_equal(evq_push(&q, t, 3, target, x),
						 0);
			}
			ref_cancel(&r, target);
			ref_push(&r, t, 3, target, x);
			timed++;
		} else if (pick < 60) {
			uint32_t target = (uint32_t)((x >> 8) % (nt + 40));
			evq_cancel(&q, target);
			ref_cancel(&r, target);
		} else {
			pops++;
			pop_both(&q, &r, &now);
		}
	}
	while (pop_both(&q, &r, &now))
		pops++;
	assert_int_equal(evq_size(&q), 0);
	fprintf(stderr, "# %u timers, past %u ppm: %llu pops, %llu timer "
		"pushes\n", nt, past_ppm, (unsigned long long)pops,
		(unsigned long long)timed);
	free(r.v);
	evq_fini(&q);
}

static void test_timers(void **state)
{
	(void)state;
	timers_mix(test_seed(1812), 0, 8);
	timers_mix(test_seed(1813), 20, 8);
	timers_mix(test_seed(1814), 0, 37);
	timers_mix(test_seed(1815), 20, 37);
}

/* evq_set_prefetch: the hook sees an event at most twice (the look-ahead
 * and a batch), always before it pops, and never changes the order.  A
 * queue of events every 100 ns between timers every 10 ns, both as a heap
 * (the look-ahead alone: every event once, in pop order) and as a radix
 * heap (switch points 48/16, 200 pending; batches too). */
struct la_log {
	uint64_t sk[4096];
	size_t at[4096];     /* queued events popped when the hint came */
	size_t n, npop;
};

static void la_hook(void *ctx, const struct evq_event *ev)
{
	struct la_log *l = ctx;
	if (l->n < 4096) {
		l->at[l->n] = l->npop;
		l->sk[l->n++] = ev->seqkind;
	}
}

/* Each hint names an event popped later (index >= the pops before the
 * hint), at most `most` times; returns how many events were hinted. */
static size_t check_hints(const struct la_log *log, const uint64_t *popped,
			  size_t np, int most)
{
	size_t hinted = 0;
	for (size_t j = 0; j < np; j++) {
		int times = 0;
		for (size_t i = 0; i < log->n; i++) {
			if (log->sk[i] != popped[j])
				continue;
			assert_true(log->at[i] <= j);
			times++;
		}
		assert_true(times <= most);
		hinted += times > 0;
	}
	for (size_t i = 0; i < log->n; i++) {
		size_t j = 0;
		while (j < np && popped[j] != log->sk[i])
			j++;
		assert_true(j < np);   /* a hint for an event never popped */
	}
	return hinted;
}

static void test_look_ahead(void **state)
{
	(void)state;
	for (int big = 0; big < 2; big++) {
		struct evq q;
		struct evq_event ev;
		static struct la_log log;
		uint64_t popped[4096];
		size_t np = 0;

		memset(&log, 0, sizeof(log));
		assert_int_equal(evq_init(&q, 0), 0);
		if (big)
			evq_tune(&q, 48, 16);
		assert_int_equal(evq_timers(&q, 2), 0);
		evq_set_prefetch(&q, la_hook, &log);
		for (uint32_t i = 0; i < 200; i++)
			assert_int_equal(evq_push(&q, 100 * (i + 1), 1,
						  10 + i, i), 0);
		assert_int_equal(q.big, big);
		assert_int_equal(evq_push(&q, 5, 2, 0, 0), 0);
		uint64_t prev = 0;
		while (evq_pop(&q, &ev)) {
			assert_true(ev.time >= prev);
			prev = ev.time;
			if (ev.target >= 10) {
				popped[np++] = ev.seqkind;
				log.npop = np;
			} else if (ev.time < 20000) {   /* the timer comes back */
				assert_int_equal(evq_push(&q, ev.time + 10, 2,
							  0, 0), 0);
			}
		}
		assert_int_equal(np, 200);
		size_t hinted = check_hints(&log, popped, np, big ? 2 : 1);
		fprintf(stderr, "# look-ahead (%s): %zu of %zu queued events "
			"hinted, %zu hints\n", big ? "radix heap" : "heap",
			hinted, np, log.n);
		if (!big) {
			/* The heap's root is always known: every event once,
			 * in pop order. */
			assert_int_equal(log.n, np);
			for (size_t i = 0; i < np; i++)
				assert_true(log.sk[i] == popped[i]);
		} else {
			/* The radix heap's next event is known when it is in
			 * bucket 0 or in a lowest bucket of at most
			 * EVQ_LOOK_AHEAD events (196 of 200 here); the
			 * batches cover the rest. */
			assert_int_equal(hinted, np);
		}
		evq_fini(&q);
	}
}

/* Pop q empty into popped[] (their seqkinds), keeping log.npop; log
 * held `first` hints when the first event popped.  Returns the pops. */
static size_t pop_logged(struct evq *q, struct la_log *log, uint64_t *popped,
			 size_t first)
{
	struct evq_event ev;
	size_t np = 0;
	while (evq_pop(q, &ev)) {
		if (np == 0)
			assert_int_equal(log->n, first);
		popped[np++] = ev.seqkind;
		log->npop = np;
	}
	return np;
}

/* The radix heap's batches, without timers (so without the look-ahead):
 * a bucket of at most EVQ_PF_BATCH events is hinted whole as it is
 * emptied, once; a bigger one is not, and its events are hinted with the
 * smaller buckets it is emptied into - once, not again with theirs. */
static void test_prefetch_batch(void **state)
{
	(void)state;
	static struct la_log log;
	static uint64_t popped[4096];
	struct evq q;
	const uint64_t at = UINT64_C(1) << 20;   /* 4096-aligned */

	/* 500 events 8 ns apart: one bucket (level 3: they differ from
	 * base 0 at bit 20), hinted whole at the first pop. */
	memset(&log, 0, sizeof(log));
	assert_int_equal(evq_init(&q, 0), 0);
	evq_tune(&q, 48, 16);
	evq_set_prefetch(&q, la_hook, &log);
	for (uint32_t i = 0; i < 500; i++)
		assert_int_equal(evq_push(&q, at + 8 * i, 1, i, i), 0);
	assert_int_equal(q.big, 1);
	size_t np = pop_logged(&q, &log, popped, 500);
	assert_int_equal(np, 500);
	assert_int_equal(log.n, 500);
	assert_int_equal(check_hints(&log, popped, np, 1), 500);

	/* 3000 events 1 ns apart: a bucket past EVQ_PF_BATCH, emptied
	 * into buckets of 64 ns (level 1), each hinted as it is emptied;
	 * the first 64 (base's own window, single times at level 0) are
	 * never moved as a batch. */
	memset(&log, 0, sizeof(log));
	evq_clear(&q);
	evq_tune(&q, 48, 16);
	for (uint32_t i = 0; i < 3000; i++)
		assert_int_equal(evq_push(&q, at + i, 1, i, i), 0);
	assert_true(3000 > EVQ_PF_BATCH);
	np = pop_logged(&q, &log, popped, 0);
	assert_int_equal(np, 3000);
	assert_int_equal(check_hints(&log, popped, np, 1), 3000 - 64);
	assert_int_equal(log.n, 3000 - 64);
	fprintf(stderr, "# batches: 500 of 500 hinted at the first pop; "
		"%zu of 3000 in buckets of 64 ns\n", log.n);
	evq_fini(&q);
}

static void test_fifo_ties(void **state)
{
	enum { N = 1000 };
	struct evq q;
	struct evq_event ev;

	(void)state;
	assert_int_equal(evq_init(&q, 0), 0);
	/* Equal-time events interleaved with pushes of earlier and later
	 * (odd) times, so the ties are spread over the heap. */
	for (uint64_t i = 0; i < N; i++) {
		assert_int_equal(evq_push(&q, 500, 7, (uint32_t)(i % 13), i), 0);
		assert_int_equal(evq_push(&q, 2 * (N - i) - 1, 1, 0, N + i), 0);
	}
	for (uint64_t t = 1; t < 500; t += 2) {
		assert_int_equal(evq_pop(&q, &ev), 1);
		assert_int_equal(ev.time, t);
	}
	for (uint64_t i = 0; i < N; i++) {
		assert_int_equal(evq_pop(&q, &ev), 1);
		assert_int_equal(ev.time, 500);
		assert_int_equal(evq_kind(&ev), 7);
		assert_int_equal(ev.target, i % 13);
		assert_int_equal(ev.data, i);
	}
	assert_int_equal(evq_pop(&q, &ev), 1);
	assert_int_equal(ev.time, 501);
	evq_fini(&q);
}

static void test_empty(void **state)
{
	struct evq q;
	struct evq_event ev;

	(void)state;
	/* A zeroed queue is safe to query and to finalise, twice. */
	memset(&q, 0, sizeof(q));
	assert_int_equal(evq_pop(&q, &ev), 0);
	assert_int_equal(evq_peek_time(&q), UINT64_MAX);
	evq_cancel(&q, 3);
	evq_fini(&q);
	evq_fini(&q);

	assert_int_equal(evq_init(&q, 100), 0);
	assert_true(q.cap >= 100);
	assert_int_equal(evq_size(&q), 0);
	assert_int_equal(evq_pop(&q, &ev), 0);
	assert_int_equal(evq_peek_time(&q), UINT64_MAX);

	/* Only stale events left: peek still sees them, pop drops them all. */
	assert_int_equal(evq_push(&q, 10, 0, 4, 0), 0);
	assert_int_equal(evq_push(&q, 20, 0, 4, 0), 0);
	evq_cancel(&q, 4);
	evq_cancel(&q, 99999); /* never pushed: a no-op */
	assert_int_equal(evq_size(&q), 2);
	assert_int_equal(evq_peek_time(&q), 10);
	assert_int_equal(evq_pop(&q, &ev), 0);
	assert_int_equal(q.dropped, 2);
	assert_int_equal(evq_peek_time(&q), UINT64_MAX);
	assert_int_equal(evq_pop(&q, &ev), 0);

	/* A target cancelled then pushed again is live. */
	assert_int_equal(evq_push(&q, 30, 5, 4, 42), 0);
	assert_int_equal(evq_pop(&q, &ev), 1);
	assert_int_equal(ev.data, 42);
	assert_int_equal(evq_kind(&ev), 5);
	evq_fini(&q);
	evq_fini(&q);
}

/* White-box: every slot of the implicit 4-ary heap is after its parent. */
static void check_heap_order(const struct evq *q)
{
	const struct evq_event *h = q->heap;

	for (size_t i = 1; i < q->n; i++) {
		const struct evq_event *p = &h[(i - 1) / 4];
		if (p->time > h[i].time ||
		    (p->time == h[i].time && p->seqkind >= h[i].seqkind))
			fail_msg("heap order broken at slot %zu of %zu", i, q->n);
	}
}

/* Pop from both queues; they must agree on everything observable. */
static int pop_twins(struct evq *q, struct evq *h)
{
	struct evq_event a, b;
	int got = evq_pop(q, &a);

	assert_int_equal(evq_pop(h, &b), got);
	if (got) {
		assert_int_equal(a.time, b.time);
		assert_int_equal(a.seqkind, b.seqkind);
		assert_int_equal(a.target, b.target);
		assert_int_equal(a.data, b.data);
	}
	return got;
}

static void check_twins(struct evq *q, struct evq *h)
{
	assert_int_equal(evq_size(q), evq_size(h));
	assert_int_equal(q->dropped, h->dropped);
	assert_int_equal(evq_peek_time(q), evq_peek_time(h));
}

/* The default switch points against a heap-only twin: grow to 3 x
 * EVQ_BIG_ON, drain below EVQ_BIG_OFF, grow again, drain to empty.  Times
 * as a simulation makes them (at or after the last popped, a third of them
 * equal to it, spread from ns to seconds ahead), 1000 targets cancelled
 * now and then (stale events in both representations). */
static void test_twin(void **state)
{
	static const size_t goal[] = { 3 * EVQ_BIG_ON, EVQ_BIG_OFF / 2,
				       2 * EVQ_BIG_ON, 0 };
	uint64_t s = test_seed(424242), changes = 0;
	struct evq q, h;

	(void)state;
	assert_int_equal(evq_init(&q, 0), 0);
	assert_int_equal(evq_init(&h, 0), 0);
	evq_tune(&h, SIZE_MAX, SIZE_MAX - 1);
	for (size_t g = 0; g < sizeof(goal) / sizeof(goal[0]); g++) {
		int grow = evq_size(&q) < goal[g];
		while (grow ? evq_size(&q) < goal[g] : evq_size(&q) > goal[g]) {
			uint64_t x = rnd(&s);
			unsigned pick = (unsigned)(x % 100);
			int was_big = q.big;

			x >>= 8;
			if (pick < (grow ? 60u : 35u)) {
				uint64_t now = h.last, t;
				switch (x % 4) {
				case 0: t = now; break;
				case 1: t = now + (x >> 2) % 64; break;
				case 2: t = now + (x >> 2) % 1000000; break;
				default: t = now + (x >> 2) % 4000000000u;
				}
				uint32_t target = (uint32_t)(rnd(&s) % 1000);
				uint64_t data = rnd(&s);
				assert_int_equal(evq_push(&q, t, (unsigned)(x & 0xff),
							  target, data), 0);
				assert_int_equal(evq_push(&h, t, (unsigned)(x & 0xff),
							  target, data), 0);
			} else if (pick < 62) {
				uint32_t target = (uint32_t)(rnd(&s) % 1000);
				evq_cancel(&q, target);
				evq_cancel(&h, target);
			} else {
				pop_twins(&q, &h);
			}
			check_twins(&q, &h);
			changes += q.big != was_big;
		}
		check_heap_order(&h);
	}
	while (pop_twins(&q, &h))
		check_twins(&q, &h);
	check_twins(&q, &h);
	fprintf(stderr, "# twin: %llu representation changes, %llu stale "
		"dropped\n", (unsigned long long)changes,
		(unsigned long long)q.dropped);
	assert_true(changes >= 4);   /* up, down, up, down */
	assert_int_equal(h.big, 0);
	evq_fini(&q);
	evq_fini(&h);
}

/* Time d ns after now for the levels test: distances spread evenly over
 * their bit length (1 ns to 2^63 ns), so every digit level of the radix
 * heap is filled and emptied; some equal to now, a few at the end of the
 * range (the top level). */
static uint64_t level_time(uint64_t *s, uint64_t now)
{
	uint64_t x = rnd(s);
	unsigned pick = (unsigned)(x % 64);

	if (pick < 8)
		return now;
	if (pick == 8)
		return UINT64_MAX;
	uint64_t d = rnd(s) >> (x >> 8) % 64;
	return d > UINT64_MAX - now ? UINT64_MAX : now + d;
}

/* The radix heap's digit levels against a heap-only twin at the default
 * switch points: a hold of ~5 x EVQ_BIG_ON pending events, times spread
 * over every level (level_time) and dense near now (hundreds of ns ahead,
 * as a simulation's wake-ups), cancels (stale events), and timers
 * (evq_timers on both: pops bounded by the tree's earliest, so the radix
 * heap must not move its base past it) moved as cpu_resched does.  Pop
 * for pop the twins agree on every field, the size, the dropped count and
 * the peek time; the queue is the radix heap most of the run. */
static void test_twin_levels(void **state)
{
	enum { OPS = 600000, NT = 16, HOLD = 5 * EVQ_BIG_ON };
	uint64_t s = test_seed(60606), big_ops = 0;
	struct evq q, h;

	(void)state;
	assert_int_equal(evq_init(&q, 0), 0);
	assert_int_equal(evq_init(&h, 0), 0);
	evq_tune(&h, SIZE_MAX, SIZE_MAX - 1);
	assert_int_equal(evq_timers(&q, NT), 0);
	assert_int_equal(evq_timers(&h, NT), 0);
	for (long op = 0; op < OPS; op++) {
		uint64_t x = rnd(&s);
		unsigned pick = (unsigned)(x % 100);
		uint64_t now = h.last;
		/* Fill to HOLD, then as many pushes as pops. */
		unsigned push_pct = evq_size(&h) < HOLD ? 70 : 40;

		if (pick < push_pct) {
			uint64_t t = x >> 60 ? level_time(&s, now)
					     : now + rnd(&s) % 512;
			uint32_t target = NT + (uint32_t)(rnd(&s) % 3000);
			uint64_t data = rnd(&s);
			assert_int_equal(evq_push(&q, t, 1, target, data), 0);
			assert_int_equal(evq_push(&h, t, 1, target, data), 0);
		} else if (pick < push_pct + 8) {
			/* Move a timer: cancel, push a little ahead. */
			uint32_t target = (uint32_t)(rnd(&s) % NT);
			uint64_t t = now + rnd(&s) % 2048;
			evq_cancel(&q, target);
			evq_cancel(&h, target);
			assert_int_equal(evq_push(&q, t, 2, target, x), 0);
			assert_int_equal(evq_push(&h, t, 2, target, x), 0);
		} else if (pick < push_pct + 10) {
			uint32_t target = NT + (uint32_t)(rnd(&s) % 3000);
			evq_cancel(&q, target);
			evq_cancel(&h, target);
		} else {
			pop_twins(&q, &h);
		}
		check_twins(&q, &h);
		big_ops += (uint64_t)q.big;
	}
	while (pop_twins(&q, &h))
		check_twins(&q, &h);
	fprintf(stderr, "# twin levels: %llu of %d operations on the radix "
		"heap, %llu stale dropped\n", (unsigned long long)big_ops, OPS,
		(unsigned long long)q.dropped);
	assert_true(big_ops > OPS / 2);
	assert_int_equal(evq_size(&q), 0);
	evq_fini(&q);
	evq_fini(&h);
}

/* Event time of push number i in the big test: scattered, ~10 per value. */
static uint64_t big_time(uint64_t i)
{
	uint64_t s = i;
	return rnd(&s) % 1000003;
}

/* 10^7 pending events, grown from the minimum allocation: the radix heap
 * from EVQ_BIG_ON on.  All of them are popped and checked one by one. */
static void test_ten_million(void **state)
{
	const uint64_t n = 10000000;
	struct evq q;
	struct evq_event ev;
	uint64_t prev_time = 0, prev_data = 0;

	(void)state;
	assert_int_equal(evq_init(&q, 0), 0);
	for (uint64_t i = 0; i < n; i++)
		assert_int_equal(evq_push(&q, big_time(i), (unsigned)(i & 0xffff),
					  (uint32_t)(i & 1023), i), 0);
	assert_int_equal(evq_size(&q), n);
	assert_int_equal(q.big, 1);
	/* Within the heap's 1.5x growth bound: at most 48 bytes per event. */
	assert_true(evq_bytes(&q) <= (n + n / 2) * sizeof(struct evq_event));
	for (uint64_t k = 0; k < n; k++) {
		assert_int_equal(evq_pop(&q, &ev), 1);
		/* Every event is one that was pushed (time matches its index),
		 * and (time, push index) strictly increases: distinct events,
		 * in order, each the minimum of what the heap held. */
		assert_true(ev.data < n);
		assert_int_equal(ev.time, big_time(ev.data));
		assert_int_equal(evq_kind(&ev), ev.data & 0xffff);
		assert_int_equal(ev.target, ev.data & 1023);
		if (k > 0)
			assert_true(ev.time > prev_time ||
				    (ev.time == prev_time && ev.data > prev_data));
		prev_time = ev.time;
		prev_data = ev.data;
	}
	assert_int_equal(evq_size(&q), 0);
	assert_int_equal(q.big, 0);
	assert_int_equal(evq_pop(&q, &ev), 0);
	assert_int_equal(q.dropped, 0);
	evq_fini(&q);
}

static void test_clear(void **state)
{
	struct evq q;
	struct evq_event ev;
	struct evq_event *heap;
	size_t cap;

	(void)state;
	assert_int_equal(evq_init(&q, 0), 0);
	for (uint32_t i = 0; i < 100; i++)
		assert_int_equal(evq_push(&q, 1000 - i, 1, i % 10, i), 0);
	evq_cancel(&q, 3);
	evq_cancel(&q, 3);
	evq_cancel(&q, 9);
	for (int i = 0; i < 40; i++)
		assert_int_equal(evq_pop(&q, &ev), 1);
	assert_true(q.dropped > 0);
	heap = q.heap;
	cap = q.cap;

	evq_clear(&q);
	assert_int_equal(evq_size(&q), 0);
	assert_int_equal(q.dropped, 0);
	assert_int_equal(q.seq, 0);
	assert_int_equal(evq_pop(&q, &ev), 0);
	assert_int_equal(evq_peek_time(&q), UINT64_MAX);
	assert_ptr_equal(q.heap, heap); /* memory kept */
	assert_int_equal(q.cap, cap);
	for (size_t t = 0; t < q.ngens; t++)
		assert_int_equal(q.gens[t], 0);

	/* Usable as new: earlier cancels do not leak into the new run, the
	 * sequence restarts at 0, cancel still works. */
	assert_int_equal(evq_push(&q, 5, 2, 3, 77), 0);
	assert_int_equal(evq_push(&q, 5, 2, 9, 78), 0);
	assert_int_equal(evq_push(&q, 6, 2, 8, 79), 0);
	evq_cancel(&q, 9);
	assert_int_equal(evq_pop(&q, &ev), 1);
	assert_int_equal(ev.data, 77);
	assert_int_equal(ev.seqkind >> 16, 0);
	assert_int_equal(evq_pop(&q, &ev), 1);
	assert_int_equal(ev.data, 79);
	assert_int_equal(q.dropped, 1);
	assert_int_equal(evq_pop(&q, &ev), 0);
	evq_fini(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_fifo_ties),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_differential),
		cmocka_unit_test(test_differential_radix),
		cmocka_unit_test(test_differential_past),
		cmocka_unit_test(test_timers),
		cmocka_unit_test(test_look_ahead),
		cmocka_unit_test(test_prefetch_batch),
		cmocka_unit_test(test_twin),
		cmocka_unit_test(test_twin_levels),
		cmocka_unit_test(test_ten_million),
	};
	return cmocka_run_group_tests_name("evq", tests, NULL, NULL);
}
