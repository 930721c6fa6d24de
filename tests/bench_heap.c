/* bench_heap.c - throughput and memory of the bare event queue (sim/evq.c).
 *
 * The "hold" model of priority-queue benchmarking: keep a steady population
 * of pending events; each step pops the earliest and pushes one new event at
 * its time plus an exponential-ish increment.  The increment comes from an
 * inline xorshift, not GSL, so the numbers measure the queue, not the RNG.
 * Three runs: the given population (default 16, an M/M/c-sized hot queue:
 * the 4-ary heap) and 10^6 pending events (a large batch), once as shipped
 * (the radix heap from EVQ_BIG_ON pending on, sim/evq.h) and once kept a
 * heap (evq_tune), where cache misses dominate.  One line each:
 *
 *   heap: N events[ (heap only)], X.XX M events/s, peak RSS Y MiB,
 *         Z bytes/pending
 *
 * events/s counts steps (one pop + one push) per second of process CPU
 * time.  Peak RSS is the process peak (getrusage ru_maxrss) so far, so a
 * line includes the ones before.  bytes/pending is the queue's memory
 * (evq_bytes, less the generation table) / population, with the queue grown
 * from its minimum by evq_push itself (no capacity hint): the heap between
 * 32 and 48 with 1.5x growth, the radix heap ~33; at population 16 it is
 * only the minimum allocation, the 10^6 lines are the meaningful ones.
 *
 * Usage: bench_heap [population [operations]]   (defaults 16 4000000)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/resource.h>
#include "sim/evq.h"

#define BIG_POPULATION 1000000

/* xorshift64: three shifts, good enough to scatter event times. */
static inline uint64_t xs_next(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

/* Exponential-ish increment, mean ~0.8 us: a uniform mantissa times 2^k with
 * k geometric (trailing zeros of a random word, capped at 4).  Skewed like an
 * exponential, a few instructions instead of a log(). */
static inline uint64_t xs_increment(uint64_t *s)
{
	uint64_t r = xs_next(s);
	unsigned k = (unsigned)__builtin_ctzll(r | (UINT64_C(1) << 4));
	return (1 + ((r >> 32) & 511)) << k;
}

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double peak_rss_mib(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return -1.0;
	return (double)ru.ru_maxrss / 1024.0; /* ru_maxrss is in KiB on Linux */
}

/* Fill to population, run ops hold steps, print one line.  heap_only:
 * keep the 4-ary heap whatever the size.  Returns 0/1. */
static int run(size_t population, uint64_t ops, uint64_t seed, int heap_only)
{
	struct evq q;
	struct evq_event ev;
	uint64_t s = seed | 1, check = 0;
	double t0, t1;
	int rc = 1;

	if (evq_init(&q, 0) < 0)
		goto cleanup;
	if (heap_only)
		evq_tune(&q, SIZE_MAX, SIZE_MAX - 1);
	for (size_t i = 0; i < population; i++)
		if (evq_push(&q, xs_increment(&s), (unsigned)(i & 0xff),
			     (uint32_t)(i & 0xfff), i) < 0)
			goto cleanup;

	t0 = cpu_s();
	for (uint64_t k = 0; k < ops; k++) {
		if (!evq_pop(&q, &ev))
			goto cleanup;
		check += ev.data;
		if (evq_push(&q, ev.time + xs_increment(&s), evq_kind(&ev),
			     ev.target, ev.data) < 0)
			goto cleanup;
	}
	t1 = cpu_s();

	printf("heap: %zu events%s, %.2f M events/s, peak RSS %.1f MiB, "
	       "%.1f bytes/pending\n", population,
	       heap_only ? " (heap only)" : "",
	       (double)ops / (t1 - t0) / 1e6, peak_rss_mib(),
	       (double)(evq_bytes(&q) - q.ngens * sizeof(*q.gens)) /
	       (double)population);
	/* The checksum keeps the loop honest; it goes where nobody parses. */
	fprintf(stderr, "# population %zu: checksum %llu, final time %llu ns\n",
		population, (unsigned long long)check,
		(unsigned long long)ev.time);
	rc = 0;
cleanup:
	if (rc)
		fprintf(stderr, "bench_heap: queue failed at population %zu\n",
			population);
	evq_fini(&q);
	return rc;
}

int main(int argc, char **argv)
{
	size_t population = argc > 1 ? strtoull(argv[1], NULL, 0) : 16;
	uint64_t ops = argc > 2 ? strtoull(argv[2], NULL, 0) : 4000000;

	if (population == 0) {
		fprintf(stderr, "usage: bench_heap [population [operations]]\n");
		return 2;
	}
	if (run(population, ops, 0x9e3779b97f4a7c15u, 0) ||
	    run(BIG_POPULATION, ops, 0x2545f4914f6cdd1du, 0) ||
	    run(BIG_POPULATION, ops, 0x2545f4914f6cdd1du, 1))
		return 1;
	return 0;
}
