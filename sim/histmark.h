/* histmark.h - cumulative histogram snapshots at a few instants, so that
 * quantiles can be taken over "everything after a warm-up cut".
 *
 * Purpose.  A warm-up cut (sim/exp/steady.h) drops the windows before it;
 * means come back from window sums, but a quantile cannot be rebuilt from
 * sums.  One histogram per window would do it at 58 KiB x windows.  Instead
 * a hmark keeps, for up to HMARK_HISTS histograms, cumulative copies
 * (lhist_snap) at up to HMARK_MAX instants ("marks"); the histogram of the
 * samples after mark T is the final histogram minus the copy at T
 * (lhist_sub: exact bucket for bucket).
 *
 * Where the marks go.
 *   hmark_init_at(t)        one mark at t: a cut known before the run (a
 *                           fixed warm-up, rounded up to a window by the
 *                           caller): exact.
 *   hmark_init_spread(w, e) marks every `step` ns, step a multiple of the
 *                           window w, for a cut chosen after the run
 *                           (MSER-5, which cuts at most half the windows):
 *                           with a known end e, step = w * ceil(n / 2 /
 *                           HMARK_MAX) over the first half of the n windows
 *                           (plus one mark beyond); with no end, step starts
 *                           at w and doubles whenever the marks are full
 *                           (every other one is dropped).
 *   hmark_since(cut) uses the first mark at or after the cut.  Rounding:
 *   the quantile's samples start up to one step after the cut (the
 *   rounding only ever cuts more, never keeps warm-up samples); with a
 *   known end that is at most 1/64 of the run (1/32 + 1/64 without one).
 *   A cut beyond the last mark: hmark_since returns -1 (the caller keeps
 *   the whole-run value).
 *
 * Use.  Call hmark_tick(m, now) before anything is added at time `now`
 * (a model calls it at the top of its event handler): when now has reached
 * the next mark, every tracked histogram is copied then, so a copy at T
 * holds exactly the samples added before T.
 *
 * Memory.  Each copy holds the histogram's used buckets (8 bytes each, up
 * to the largest value seen: ~14 KiB for values below 1 ms, 58 KiB at
 * most), so at most HMARK_MAX x HMARK_HISTS x 58 KiB = 7.3 MiB, typically
 * well under 1 MiB (two histograms of waits below a millisecond: 32 x 2 x
 * 14 KiB = 0.9 MiB).  Copying costs O(buckets used) per mark.
 *
 * Counters.  A model's other whole-run counters (hook runs, ns, counts)
 * come back the same way: hmark_track_values registers a gather function
 * that writes up to HMARK_VALS doubles, called at every mark; the value
 * after the cut is the final value minus the copy (hmark_values_since).
 *
 * Ownership: caller-owned struct; the tracked histograms are borrowed and
 * must outlive it.  Allocation failure in hmark_tick returns -1 (the caller
 * fails its run).
 */
#ifndef BPFSIM_HISTMARK_H
#define BPFSIM_HISTMARK_H

#include <stdint.h>
#include "sim/hist.h"

#define HMARK_MAX 32     /* marks kept */
#define HMARK_HISTS 4    /* histograms tracked */
#define HMARK_VALS 512   /* counters copied at each mark */

struct hmark {
	uint64_t step;          /* ns between marks (spread) */
	uint64_t next;          /* time of the next mark; UINT64_MAX: no more */
	uint64_t limit;         /* no mark after this time, ns */
	int thin;               /* no known end: halve the marks when full */
	size_t nh, n;           /* histograms tracked; marks taken */
	const struct lhist *h[HMARK_HISTS];
	size_t nv;              /* counters gathered at each mark */
	void (*gather)(void *ctx, double *out);
	void *gctx;
	double val[HMARK_MAX][HMARK_VALS];
	uint64_t at[HMARK_MAX];                        /* mark times, ns */
	struct lhist_snap snap[HMARK_MAX][HMARK_HISTS];
};

/* No marks at all (hmark_tick is a no-op, hmark_since returns -1). */
void hmark_init_none(struct hmark *m);
/* One mark at t (> 0). */
void hmark_init_at(struct hmark *m, uint64_t t);
/* Marks every few windows of `window` ns over the first half of a run
 * ending at `end` (UINT64_MAX: unknown, marks thinned as they fill). */
void hmark_init_spread(struct hmark *m, uint64_t window, uint64_t end);
/* Track h (at most HMARK_HISTS, before the first tick); its index. */
size_t hmark_track(struct hmark *m, const struct lhist *h);
/* Copy n (<= HMARK_VALS) counters at every mark, written by gather(ctx,
 * out) (before the first tick). */
void hmark_track_values(struct hmark *m, size_t n,
			void (*gather)(void *ctx, double *out), void *ctx);
void hmark_fini(struct hmark *m);

int hmark_take(struct hmark *m, uint64_t now);
/* Take the marks due by `now`.  0, or -1 when out of memory. */
static inline int hmark_tick(struct hmark *m, uint64_t now)
{
	return now >= m->next ? hmark_take(m, now) : 0;
}

/* out (an lhist_init'ed histogram) = tracked histogram i now minus its copy
 * at the first mark at or after `cut`; *used = that mark's time.  0, or -1
 * when no mark is at or after the cut (out untouched). */
int hmark_since(const struct hmark *m, size_t i, uint64_t cut,
		struct lhist *out, uint64_t *used);

/* out[0..nv) = the counters copied at the first mark at or after `cut`;
 * *used = that mark's time.  0, or -1 when no mark is at or after it. */
int hmark_values_since(const struct hmark *m, uint64_t cut, double *out,
		       uint64_t *used);

#endif
