// SPDX-License-Identifier: GPL-2.0
/* Profiling targets for the VM smoke test: one hash update per sched_switch.
 *
 * The same body under two hooks, because the guest kernel (6.1) treats them
 * differently: fentry/fexit may attach to the raw_tp one (a non-tracing
 * type) but not to the tp_btf one ("Cannot recursively attach" before 2024
 * kernels).  Neither needs vmlinux.h: the context is never read.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);	/* pid of the task switched out */
	__type(value, __u64);	/* times it was switched out */
} vm_switches SEC(".maps");

static __always_inline int count_switch(void)
{
	__u32 pid = (__u32)bpf_get_current_pid_tgid();
	__u64 one = 1, *n;

	n = bpf_map_lookup_elem(&vm_switches, &pid);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&vm_switches, &pid, &one, BPF_NOEXIST);
	return 0;
}

SEC("raw_tp/sched_switch")
int vm_target_raw(void *ctx)
{
	return count_switch();
}

SEC("tp_btf/sched_switch")
int vm_target_btf(void *ctx)
{
	return count_switch();
}

char LICENSE[] SEC("license") = "GPL";
