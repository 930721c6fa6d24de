// SPDX-License-Identifier: GPL-2.0
/* dispatch.bpf.c - empty programs on sys_exit, DISPATCH_N of each attach
 * type (dispatch.h): what a hook pays per attached program beyond the
 * program's own run.  Distinct programs, because the kernel refuses the
 * same program twice on one tracepoint (tracepoint_probe_register: the
 * same probe and data, -EEXIST). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "calibrate/dispatch.h"

char LICENSE[] SEC("license") = "GPL";

#define EMPTY(i)                                                         \
	SEC("tp_btf/sys_exit")                                           \
	int BPF_PROG(d_btf##i) { return 0; }                             \
	SEC("raw_tp/sys_exit")                                           \
	int BPF_PROG(d_raw##i) { return 0; }                             \
	SEC("tracepoint/raw_syscalls/sys_exit")                          \
	int d_tp##i(void *ctx) { return 0; }

EMPTY(0) EMPTY(1) EMPTY(2) EMPTY(3) EMPTY(4) EMPTY(5) EMPTY(6) EMPTY(7)
