// SPDX-License-Identifier: GPL-2.0
/* fentry/fexit pair for the VM smoke test: count a target program's runs and
 * sum their entry-to-exit time (ns).  The target is chosen from user space
 * with bpf_program__set_attach_target() before load, as bpftool prog profile
 * does.  The target runs with migration disabled, so entry and exit of one
 * run happen on one CPU and a per-CPU start slot is enough.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);	/* bpf_ktime_get_ns() at entry, 0 = none */
} vm_start SEC(".maps");

__u64 entries;		/* fentry runs */
__u64 exits;		/* fexit runs with a matching entry */
__u64 total_ns;		/* sum of entry-to-exit times (ns) */

SEC("fentry")
int BPF_PROG(vm_prof_entry)
{
	__u32 k = 0;
	__u64 *t = bpf_map_lookup_elem(&vm_start, &k);

	if (t)
		*t = bpf_ktime_get_ns();
	__sync_fetch_and_add(&entries, 1);
	return 0;
}

SEC("fexit")
int BPF_PROG(vm_prof_exit)
{
	__u32 k = 0;
	__u64 *t = bpf_map_lookup_elem(&vm_start, &k);

	if (!t || !*t)
		return 0;
	__sync_fetch_and_add(&total_ns, bpf_ktime_get_ns() - *t);
	__sync_fetch_and_add(&exits, 1);
	*t = 0;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
