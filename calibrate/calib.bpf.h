/* SPDX-License-Identifier: GPL-2.0 */
/* calib.bpf.h - helpers every calibration probe uses (BPF side only).
 *
 * hist_add(): record a value into a struct hist of the calling CPU's copy
 * (per-CPU array maps: plain increments, no atomics; a program does not
 * nest inside itself on one CPU).  task_state(): the scheduler state of a
 * task across kernels (task_struct::__state since 5.14, ::state before),
 * through CO-RE.  All reads of task fields use BPF_CORE_READ so the same
 * code works in tp_btf programs (BTF pointers) and raw_tp programs (plain
 * kernel addresses).  PERCPU_ARRAY() defines the per-CPU maps they keep.
 */
#ifndef BPFSIM_CALIB_BPF_H
#define BPFSIM_CALIB_BPF_H

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "calibrate/hist.h"

#ifndef TASK_RUNNING
#define TASK_RUNNING 0
#endif
#define TASK_DEAD_BIT 0x80   /* __state of a task's final switch */

struct task_struct___pre514 {
	long state;
} __attribute__((preserve_access_index));

static __always_inline long task_state(struct task_struct *t)
{
	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ((struct task_struct___pre514 *)t, state);
}

/* A BPF_MAP_TYPE_PERCPU_ARRAY of n values of type T at keys 0..n-1: the
 * histogram, counter and scratch maps of every probe (user space sums the
 * CPUs' copies: live_read_hist, live_read_counters).  Only the map's
 * definition: the programs name and use it as usual. */
#define PERCPU_ARRAY(name, n, T)                                          \
	struct {                                                           \
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);                   \
		__uint(max_entries, n);                                    \
		__type(key, __u32);                                        \
		__type(value, T);                                          \
	} name SEC(".maps")

/* Record v (ns, or a counter difference) into histogram `which` of map. */
#define HIST_ADD(map, which, v)                                            \
	({                                                                 \
		__u32 __k = (which);                                       \
		__u64 __v = (v);                                           \
		struct hist *__h = bpf_map_lookup_elem(&(map), &__k);      \
		if (__h) {                                                 \
			__u32 __i = hist_index(__v);                       \
			if (__i < HIST_NBINS) {                            \
				__h->bins[__i]++;                          \
				__h->sum += __v;                           \
			} else {                                           \
				__h->overflow++;                           \
			}                                                  \
		}                                                          \
	})

#endif
