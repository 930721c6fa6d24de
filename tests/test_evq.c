/* test_evq.c - the event queue (sim/evq.c) against its contract in evq.h.
 *
 * Pins:
 *   - pop order is (time, push order): a 10^6-operation random mix of push,
 *     pop, cancel and the odd clear is replayed on a naive reference (a
 *     sorted array the test carries) and every popped event must match it
 *     field for field; so must size (stale entries included), peek time and
 *     the dropped count after every operation;
 *   - FIFO among equal times, empty-queue behaviour, zeroed-struct safety,
 *     what evq_clear resets and what it keeps (the memory);
 *   - 10^7 pending events fit, pop in order, and cost at most 1.5 x 32 bytes
 *     each (the growth factor).
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
}

/* Compare everything observable after an operation. */
static void check_same_state(const struct evq *q, const struct ref *r)
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
 * past, or at the ends of the range. */
static uint64_t random_time(uint64_t *s, uint64_t now)
{
	uint64_t r = rnd(s);
	unsigned pick = (unsigned)(r % 100);

	r >>= 8;
	if (pick < 85)
		return now + r % 16;
	if (pick < 93)
		return now + r % 1000000;
	if (pick < 96)
		return now ? r % now : 0; /* the past: the queue must not care */
	if (pick < 98)
		return r;
	return pick == 98 ? 0 : UINT64_MAX;
}

static void test_differential(void **state)
{
	enum { OPS = 1000000, MAX_PENDING = 2000, PHASE = 4096 };
	uint64_t s = test_seed(20240611);
	struct evq q;
	struct ref r = { 0 };
	uint64_t now = 0, pops = 0, hits = 0, dropped = 0, clears = 0;
	unsigned push_pct = 50, cancel_pct = 5;

	(void)state;
	assert_int_equal(evq_init(&q, 0), 0);
	for (long op = 0; op < OPS; op++) {
		unsigned pick = (unsigned)(rnd(&s) % 100);

		/* Phases: filling, draining or balanced, so the population
		 * swings between empty and MAX_PENDING. */
		if (op % PHASE == 0) {
			static const unsigned mix[3] = { 70, 25, 47 };
			push_pct = mix[rnd(&s) % 3];
			cancel_pct = (unsigned)(rnd(&s) % 10);
		}
		if (r.n >= MAX_PENDING && pick < push_pct)
			pick = push_pct; /* full: pop or cancel instead */

		if (rnd(&s) % 100000 == 0) {
			dropped += q.dropped;
			clears++;
			evq_clear(&q);
			ref_clear(&r);
		} else if (pick < push_pct) {
			uint64_t x = rnd(&s);
			uint64_t t = random_time(&s, now);
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
			pops++;
			hits += (uint64_t)pop_both(&q, &r, &now);
		}
		check_same_state(&q, &r);
	}
	/* Drain: the stale tail must be counted too. */
	while (pop_both(&q, &r, &now))
		check_same_state(&q, &r);
	dropped += q.dropped;
	fprintf(stderr, "# %llu pops, %llu returned an event, %llu stale "
		"dropped, %llu clears\n", (unsigned long long)pops,
		(unsigned long long)hits, (unsigned long long)dropped,
		(unsigned long long)clears);
	free(r.v);
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

/* Event time of push number i in the big test: scattered, ~10 per value. */
static uint64_t big_time(uint64_t i)
{
	uint64_t s = i;
	return rnd(&s) % 1000003;
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

/* 10^7 pending events, grown from the minimum allocation.  Draining them
 * all takes ~4 s without sanitizers (each pop walks 12 levels of a 320 MB
 * array: memory-bound), too slow under ASan; so the test pops the first
 * 10^6, checks those one by one, and checks the heap order of the whole
 * array (white-box) before and after, which covers the rest. */
static void test_ten_million(void **state)
{
	const uint64_t n = 10000000, npop = 1000000;
	struct evq q;
	struct evq_event ev;
	uint64_t prev_time = 0, prev_data = 0;

	(void)state;
	assert_int_equal(evq_init(&q, 0), 0);
	for (uint64_t i = 0; i < n; i++)
		assert_int_equal(evq_push(&q, big_time(i), (unsigned)(i & 0xffff),
					  (uint32_t)(i & 1023), i), 0);
	assert_int_equal(evq_size(&q), n);
	/* 1.5x growth: the array is at most 1.5 n events (48 bytes each). */
	assert_true(q.cap <= n + n / 2);
	check_heap_order(&q);
	for (uint64_t k = 0; k < npop; k++) {
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
	assert_int_equal(evq_size(&q), n - npop);
	assert_true(evq_peek_time(&q) >= prev_time);
	check_heap_order(&q);
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
		cmocka_unit_test(test_ten_million),
	};
	return cmocka_run_group_tests_name("evq", tests, NULL, NULL);
}
