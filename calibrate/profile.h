/* profile.h - what profile.bpf.c and profile.c share (fixed-width only).
 *
 * fentry/fexit programs attached to one target BPF program: the fentry
 * side stamps the time (and, with a PMU, the cycle and instruction
 * counters) on its CPU, the fexit side records the differences.  The
 * target runs with preemption (or migration) disabled, so entry and exit
 * of one run meet on the same CPU; a run nested inside another on the same
 * CPU (rare: tracing programs do not recurse) would overwrite the stamp and
 * is not corrected.
 */
#ifndef BPFSIM_CALIB_PROFILE_H
#define BPFSIM_CALIB_PROFILE_H

enum prof_hist { PROF_NS, PROF_CYCLES, PROF_INSNS, PROF_NHIST };

struct prof_start {
	__u64 ts, cycles, insns;
	__u32 valid;
	__u32 pad;
};

struct prof_counters {
	__u64 runs;             /* fexit seen */
	__u64 unpaired;         /* fexit without a fentry stamp */
	__u64 pmu_errors;       /* counter reads that failed */
};

struct prof_cfg {               /* rodata */
	__u32 use_pmu;          /* read the perf counter arrays */
	__u32 pad;
};

#endif
