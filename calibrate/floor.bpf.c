// SPDX-License-Identifier: GPL-2.0
/* floor.bpf.c - empty programs whose bpf_stats mean is the stats' own cost
 * (floor.h).  One per attach type; the loader autoloads one. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "calibrate/floor.h"

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/sched_switch")
int BPF_PROG(stats_floor)
{
	return 0;
}

SEC("raw_tp/sched_switch")
int BPF_PROG(stats_floor_raw)
{
	return 0;
}
