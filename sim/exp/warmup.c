/* warmup.c - MSER-5 truncation point in O(n) with suffix statistics.
 *
 * One backward pass over the batch means keeps the mean and the sum of
 * squared deviations of the suffix y[d..k) (Welford's update, run from the
 * end), so every candidate cut costs O(1).  Not the one-pass S2 - S1^2/m:
 * that cancels catastrophically when the spread is small against the level
 * (a constant series came out with an arbitrary cut from rounding noise, and
 * a series at 1e6 with noise 1e-4 lost every digit of its spread); Welford's
 * form is exact for a constant series and accurate to a few ulps otherwise.
 */
#include <math.h>
#include <stdlib.h>

#include "sim/exp/warmup.h"

#define BATCH 5

size_t warmup_mser5(const double *x, size_t n)
{
	size_t k = n / BATCH;
	/* With 2 batches the only cut keeps 1, whose spread is 0 whatever the
	 * data: MSER needs at least 3 batches to choose anything. */
	if (k < 3)
		return 0;
	double *y = malloc(k * sizeof(double));
	if (!y)
		return 0;   /* no cut is the conservative answer */
	for (size_t b = 0; b < k; b++) {
		double sum = 0;
		for (size_t j = 0; j < BATCH; j++) {
			double v = x[b * BATCH + j];
			sum += isfinite(v) ? v : 0;
		}
		y[b] = sum / BATCH;
	}
	/* Suffix y[d..k) of m = k - d batches: mean and SSE (sum of squared
	 * deviations from it), updated as d moves down by one. */
	double mean = 0, sse = 0, best = INFINITY;
	size_t best_d = 0;
	for (size_t d = k; d-- > 0;) {
		double m = (double)(k - d);
		double delta = y[d] - mean;
		mean += delta / m;
		sse += delta * (y[d] - mean);
		if (d > k / 2)
			continue;   /* candidates: d <= k/2 */
		double mser = sse / (m * m);
		if (mser <= best) {   /* <=: the smallest d wins a tie */
			best = mser;
			best_d = d;
		}
	}
	free(y);
	return best_d * BATCH;
}
