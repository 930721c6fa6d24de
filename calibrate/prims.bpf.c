// SPDX-License-Identifier: GPL-2.0
/* prims.bpf.c - the primitives timed on a hot tracepoint (prims.h).
 * One program per hook; the loader autoloads the one asked for. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "calibrate/calib.bpf.h"
#include "calibrate/prims.h"

char LICENSE[] SEC("license") = "GPL";

PERCPU_ARRAY(hists, PRIM_NOPS, struct hist);
PERCPU_ARRAY(pcpu, 1, __u64);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PRIM_HASH_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} arr SEC(".maps");

__u64 sink;   /* results land here so nothing is optimised away */

#define TIMED(op, stmt)                                                  \
	do {                                                             \
		__u64 t0_ = bpf_ktime_get_ns();                          \
		stmt;                                                    \
		__u64 t1_ = bpf_ktime_get_ns();                          \
		HIST_ADD(hists, op, t1_ - t0_);                          \
	} while (0)

static __always_inline int run_all(void)
{
	__u32 hot = PRIM_HOT_KEY, absent = PRIM_ABSENT_KEY, zero = 0;
	__u64 one = 1, *v = 0, x = 0;
	struct task_struct *t;
	int pid = 0;

	TIMED(PRIM_BASE, );
	TIMED(PRIM_KTIME, x += bpf_ktime_get_ns());
	TIMED(PRIM_PID_TGID, x += bpf_get_current_pid_tgid());
	TIMED(PRIM_CURRENT_TASK, t = (struct task_struct *)bpf_get_current_task());
	TIMED(PRIM_PROBE_READ, bpf_probe_read_kernel(&pid, sizeof(pid), &t->pid));
	TIMED(PRIM_HASH_LOOKUP, v = bpf_map_lookup_elem(&counts, &hot));
	if (!v) {   /* the first run on the host: insert the hot key */
		bpf_map_update_elem(&counts, &hot, &one, BPF_NOEXIST);
		return 0;
	}
	TIMED(PRIM_HASH_MISS, x += bpf_map_lookup_elem(&counts, &absent) != 0);
	TIMED(PRIM_ATOMIC_ADD, __sync_fetch_and_add(v, 1));
	TIMED(PRIM_HASH_REPLACE, bpf_map_update_elem(&counts, &hot, &one, BPF_EXIST));
	TIMED(PRIM_ARRAY_LOOKUP, x += bpf_map_lookup_elem(&arr, &zero) != 0);
	TIMED(PRIM_PCPU_LOOKUP, x += bpf_map_lookup_elem(&pcpu, &zero) != 0);
	sink = x + pid;
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(prims_sched_switch)
{
	return run_all();
}

SEC("tp_btf/sys_exit")
int BPF_PROG(prims_sys_exit)
{
	return run_all();
}
