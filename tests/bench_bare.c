/* bench_bare.c - the bare baseline: M/M/8 written by hand, no engine.
 *
 * The yardstick `make bench` sets the simulator against, measured in the
 * same run (the shared machine's speed drifts by tens of percent within
 * minutes, so only ratios taken in one run mean anything).  The same queue
 * as tests/bench/mm8.yaml - 8 servers, exponential(1us) arrivals,
 * exponential(7200ns) service, rho = 0.9, 2,000,000 customers - as the
 * shortest C a person would write for it: a 4-ary min-heap of (time, seq)
 * events of its own, a FIFO ring of waiting arrival times, exponential
 * draws as -mean log(U) on GSL's mt19937 through GSL's calls (as
 * sim/dist_exponential.c draws them, there on taus2 streams, inline: the
 * baseline keeps the generator it was first measured with; on taus2 it
 * runs ~1.2x faster, BENCHMARKS.md), and the mean wait as a plain sum.  No statistics beyond that, no
 * caps, no series, no model interface: what is left is the cost of the
 * events themselves.  Prints
 *
 *   bare: M/M/8 by hand, N events, X.XX M events per CPU-s (mean wait W ns)
 *
 * events per CPU-second of the process, counting arrivals and departures
 * as the engine counts its events.  The mean wait is printed so the loop
 * cannot be optimised away, and as a sanity check (Erlang C: Wq = C(8, 7.2)
 * x 9,000 ns = ~6,720 ns).
 *
 * Usage: bench_bare [customers]   (default 2000000)
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <gsl/gsl_rng.h>

#define SERVERS 8
#define ARR_MEAN 1000.0    /* ns */
#define SVC_MEAN 7200.0    /* ns */

struct ev {
	double t;          /* ns */
	uint64_t seq;      /* FIFO among equal times */
	int kind;          /* 0 arrival, 1 departure */
};

static struct ev heap[64];
static size_t hn;
static uint64_t hseq;

static int less(const struct ev *a, const struct ev *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void push(double t, int kind)
{
	struct ev x = { t, hseq++, kind };
	size_t i = hn++;
	while (i > 0 && less(&x, &heap[(i - 1) / 4])) {
		heap[i] = heap[(i - 1) / 4];
		i = (i - 1) / 4;
	}
	heap[i] = x;
}

static struct ev pop(void)
{
	struct ev top = heap[0], x = heap[--hn];
	size_t i = 0;
	for (;;) {
		size_t c = 4 * i + 1, m = c;
		if (c >= hn)
			break;
		for (size_t j = c + 1; j < c + 4 && j < hn; j++)
			if (less(&heap[j], &heap[m]))
				m = j;
		if (!less(&heap[m], &x))
			break;
		heap[i] = heap[m];
		i = m;
	}
	heap[i] = x;
	return top;
}

static double expo(gsl_rng *r, double mean)
{
	return -mean * log(gsl_rng_uniform_pos(r));
}

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	uint64_t customers = argc > 1 ? strtoull(argv[1], NULL, 0) : 2000000;
	gsl_rng *ra = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng *rs = gsl_rng_alloc(gsl_rng_mt19937);
	size_t cap = 1 << 16, qh = 0, qn = 0;
	double *q = malloc(cap * sizeof(*q));   /* waiting arrival times */
	uint64_t arrived = 0, served = 0, events = 0;
	int busy = 0;
	double wait_sum = 0;

	if (!ra || !rs || !q)
		return 1;
	gsl_rng_set(ra, 1);
	gsl_rng_set(rs, 2);
	double c0 = cpu_s();
	push(expo(ra, ARR_MEAN), 0);
	while (hn > 0) {
		struct ev e = pop();
		events++;
		if (e.kind == 0) {
			arrived++;
			if (arrived < customers)
				push(e.t + expo(ra, ARR_MEAN), 0);
			if (busy < SERVERS) {
				busy++;
				served++;
				push(e.t + expo(rs, SVC_MEAN), 1);
			} else {
				if (qn == cap) {
					double *n = malloc(2 * cap * sizeof(*n));
					if (!n)
						return 1;
					for (size_t i = 0; i < qn; i++)
						n[i] = q[(qh + i) % cap];
					free(q);
					q = n;
					qh = 0;
					cap *= 2;
				}
				q[(qh + qn++) % cap] = e.t;
			}
		} else if (qn > 0) {
			wait_sum += e.t - q[qh];
			qh = (qh + 1) % cap;
			qn--;
			served++;
			push(e.t + expo(rs, SVC_MEAN), 1);
		} else {
			busy--;
		}
	}
	double cpu = cpu_s() - c0;
	printf("bare: M/M/8 by hand, %llu events, %.2f M events per CPU-s "
	       "(mean wait %.0f ns)\n", (unsigned long long)events,
	       (double)events / cpu / 1e6, wait_sum / (double)served);
	free(q);
	gsl_rng_free(ra);
	gsl_rng_free(rs);
	return 0;
}
