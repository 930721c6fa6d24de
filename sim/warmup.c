/* warmup.c - MSER-5 truncation point in O(n) with suffix sums. */
#include <math.h>
#include <stdlib.h>

#include "warmup.h"

#define BATCH 5

size_t warmup_mser5(const double *x, size_t n)
{
	size_t k = n / BATCH;
	if (k < 2)
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
	/* Suffix sums of y and y^2 give each candidate's SSE in O(1):
	 * SSE(d) = S2 - S1^2 / m over the m = k - d batches kept. */
	double s1 = 0, s2 = 0, best = INFINITY;
	size_t best_d = 0;
	double *suf1 = malloc((k + 1) * sizeof(double));
	double *suf2 = malloc((k + 1) * sizeof(double));
	if (!suf1 || !suf2) {
		free(y);
		free(suf1);
		free(suf2);
		return 0;
	}
	suf1[k] = suf2[k] = 0;
	for (size_t i = k; i-- > 0;) {
		s1 += y[i];
		s2 += y[i] * y[i];
		suf1[i] = s1;
		suf2[i] = s2;
	}
	for (size_t d = 0; d <= k / 2; d++) {
		double m = (double)(k - d);
		double sse = suf2[d] - suf1[d] * suf1[d] / m;
		if (sse < 0)
			sse = 0;   /* rounding */
		double mser = sse / (m * m);
		if (mser < best) {
			best = mser;
			best_d = d;
		}
	}
	free(y);
	free(suf1);
	free(suf2);
	return best_d * BATCH;
}
