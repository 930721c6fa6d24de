// SPDX-License-Identifier: GPL-2.0
/* Profiling targets for the VM tests: one hash update per event.
 *
 * Each body comes under a raw_tp and a tp_btf hook, because kernels before
 * 2024 treat them differently: fentry/fexit may attach to the raw_tp one (a
 * non-tracing type) but not to the tp_btf one ("Cannot recursively
 * attach").  sched_switch gives a steady stream of runs; task_rename
 * (prctl(PR_SET_NAME), exec, new kthreads) runs only when the test makes
 * it, so a test can count exactly how many runs a profiler should see.
 * None needs vmlinux.h: the context is never read.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);	/* pid of the current task */
	__type(value, __u64);	/* runs seen with it current */
} vm_runs SEC(".maps");

static __always_inline int count_run(void)
{
	__u32 pid = (__u32)bpf_get_current_pid_tgid();
	__u64 one = 1, *n;

	n = bpf_map_lookup_elem(&vm_runs, &pid);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&vm_runs, &pid, &one, BPF_NOEXIST);
	return 0;
}

/* A run that stands well above the fentry/fexit overhead, even under
 * emulation (where that overhead swings between 0.4 and 6 us): 128 more
 * lookups, so a profiler's overhead-subtracted mean stays comparable with
 * run_time_ns/run_cnt. */
static __always_inline int count_run_long(void)
{
	__u32 pid = (__u32)bpf_get_current_pid_tgid();
	__u64 sum = 0, *n;

	for (int i = 0; i < 128; i++) {
		n = bpf_map_lookup_elem(&vm_runs, &pid);
		if (n)
			sum += *n;
	}
	return count_run() + (int)(sum & 0);
}

SEC("raw_tp/sched_switch")
int vm_target_raw(void *ctx)
{
	return count_run();
}

SEC("tp_btf/sched_switch")
int vm_target_btf(void *ctx)
{
	return count_run();
}

SEC("raw_tp/task_rename")
int vm_rename_raw(void *ctx)
{
	return count_run_long();
}

SEC("tp_btf/task_rename")
int vm_rename_btf(void *ctx)
{
	return count_run_long();
}

char LICENSE[] SEC("license") = "GPL";
