/* hist.h - the log-linear histogram the BPF probes fill and bpfsim reads.
 *
 * Shared by the kernel side (*.bpf.c, which include vmlinux.h first) and
 * user space, so it holds only fixed-width, pointer-free definitions and
 * one inline function both sides run: hist_index().  Distributions are
 * built in the kernel as runqlat builds its histograms - one counter per
 * bin, no event stream - so memory is bounded whatever the event rate.
 *
 * Binning (ns, integers): values below HIST_SUB get unit-wide bins; above,
 * every octave [2^k, 2^(k+1)) is cut into HIST_SUB equal bins, up to
 * 2^HIST_MAX_POW2 ns (~18 minutes); larger values are counted in
 * `overflow`.  That is exactly sim/stats.h's stat_hist_init(HIST_SUB,
 * HIST_MAX_POW2) binning, so kernel counts drop into a stat_hist bin for
 * bin (tests/test_calibrate.c checks the two agree).  Resolution: 1/32 of
 * an octave, ~2-3% of the value.
 *
 * In the kernel the histograms live in BPF_MAP_TYPE_PERCPU_ARRAY maps (one
 * struct hist per CPU and per quantity), so recording needs no atomics;
 * user space sums the CPUs' copies with hist_merge().
 */
#ifndef BPFSIM_CALIB_HIST_H
#define BPFSIM_CALIB_HIST_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define HIST_SUB_BITS 5
#define HIST_SUB (1u << HIST_SUB_BITS)      /* linear bins per octave */
#define HIST_MAX_POW2 40                   /* top edge 2^40 ns */
#define HIST_NBINS (HIST_SUB * (HIST_MAX_POW2 - HIST_SUB_BITS + 1)) /* 1152 */

struct hist {
	__u64 bins[HIST_NBINS];    /* counts per bin */
	__u64 overflow;            /* values >= 2^HIST_MAX_POW2 ns */
	__u64 sum;                 /* sum of the binned values, ns (exact mean) */
};

/* floor(log2(v)) for v > 0, branch-light (the verifier likes bounded code). */
static inline __attribute__((always_inline)) __u32 hist_log2(__u64 v)
{
	__u32 r = 0;

	if (v >> 32) { v >>= 32; r += 32; }
	if (v >> 16) { v >>= 16; r += 16; }
	if (v >> 8) { v >>= 8; r += 8; }
	if (v >> 4) { v >>= 4; r += 4; }
	if (v >> 2) { v >>= 2; r += 2; }
	if (v >> 1) r += 1;
	return r;
}

/* Bin of value v (ns); HIST_NBINS means overflow.  For v >= HIST_SUB with
 * k = floor(log2 v) and s = k - HIST_SUB_BITS, v >> s lies in
 * [HIST_SUB, 2 HIST_SUB), so the index is s * HIST_SUB + (v >> s). */
static inline __attribute__((always_inline)) __u32 hist_index(__u64 v)
{
	__u32 k, s;

	if (v < HIST_SUB)
		return (__u32)v;
	k = hist_log2(v);
	if (k >= HIST_MAX_POW2)
		return HIST_NBINS;
	s = k - HIST_SUB_BITS;
	return s * HIST_SUB + (__u32)(v >> s);
}

/* Lower edge of bin i (ns); hist_edge(HIST_NBINS) is the top edge. */
static inline __attribute__((always_inline)) __u64 hist_edge(__u32 i)
{
	__u32 s;

	if (i < 2 * HIST_SUB)
		return i;
	s = i / HIST_SUB - 1;
	return (__u64)(i - s * HIST_SUB) << s;
}

#endif
