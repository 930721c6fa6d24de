/* warmup.h - initial-transient (warm-up) removal for steady-state metrics.
 *
 * A run that starts empty (or with a batch of tasks at t = 0) is not in
 * steady state at first; averaging from t = 0 biases steady-state metrics.
 * Two ways to cut the start, chosen by the scenario's `warmup:` key:
 *   - a fixed time (`warmup: 100ms`): windows before it are dropped;
 *   - MSER-5 (`warmup: mser5`, White 1997; Franklin & White 2008): batch the
 *     windowed observations into means of 5, and cut the d batches that
 *     minimise the marginal standard error
 *         MSER(d) = sum_{i>d} (y_i - mean_{>d})^2 / (k - d)^2
 *     over d <= k/2 (k batches).  A minimum at the k/2 bound means the run
 *     is too short to reach steady state; the cut is still reported.
 */
#ifndef BPFSIM_WARMUP_H
#define BPFSIM_WARMUP_H

#include <stddef.h>

/* Number of leading observations of x[0..n) that MSER-5 cuts (a multiple
 * of 5, at most half of the whole batches; 0 when n < 15, i.e. fewer than 3
 * batches; among equal minima the smallest cut).  A trailing partial batch
 * is ignored; non-finite observations count as 0. */
size_t warmup_mser5(const double *x, size_t n);

#endif
