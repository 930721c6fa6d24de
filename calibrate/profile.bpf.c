// SPDX-License-Identifier: GPL-2.0
/* profile.bpf.c - fentry/fexit around one BPF program (profile.h), the way
 * bpftool prog profile does it, keeping the whole distribution.  The
 * attach target is set by the loader (bpf_program__set_attach_target with
 * the target's fd and its function name) before loading; the placeholder
 * section names only give the attach type. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "calibrate/calib.bpf.h"
#include "calibrate/profile.h"

char LICENSE[] SEC("license") = "GPL";

const volatile struct prof_cfg cfg = {};

PERCPU_ARRAY(starts, 1, struct prof_start);

PERCPU_ARRAY(hists, PROF_NHIST, struct hist);

PERCPU_ARRAY(counters, 1, struct prof_counters);

/* One perf event per CPU each (max_entries set to the CPU count). */
struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} cycles SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} insns SEC(".maps");

static __always_inline int read_pmu(void *map, __u64 *out)
{
	struct bpf_perf_event_value v = {};
	if (bpf_perf_event_read_value(map, BPF_F_CURRENT_CPU, &v, sizeof(v)))
		return -1;
	*out = v.counter;
	return 0;
}

SEC("fentry/placeholder")
int BPF_PROG(bs_fentry)
{
	__u32 zero = 0;
	struct prof_start *s = bpf_map_lookup_elem(&starts, &zero);
	if (!s)
		return 0;
	if (cfg.use_pmu) {
		if (read_pmu(&cycles, &s->cycles) || read_pmu(&insns, &s->insns)) {
			struct prof_counters *c = bpf_map_lookup_elem(&counters, &zero);
			if (c)
				c->pmu_errors++;
		}
	}
	s->valid = 1;
	s->ts = bpf_ktime_get_ns();   /* last: time only the target */
	return 0;
}

SEC("fexit/placeholder")
int BPF_PROG(bs_fexit)
{
	__u64 now = bpf_ktime_get_ns();   /* first: time only the target */
	__u32 zero = 0;
	__u64 cyc = 0, ins = 0;
	struct prof_start *s = bpf_map_lookup_elem(&starts, &zero);
	struct prof_counters *c = bpf_map_lookup_elem(&counters, &zero);
	int pmu_ok = cfg.use_pmu && !read_pmu(&cycles, &cyc) &&
		     !read_pmu(&insns, &ins);
	if (!s || !c)
		return 0;
	if (!s->valid || now < s->ts) {
		c->unpaired++;
		return 0;
	}
	s->valid = 0;
	c->runs++;
	HIST_ADD(hists, PROF_NS, now - s->ts);
	if (pmu_ok && cyc >= s->cycles && ins >= s->insns) {
		HIST_ADD(hists, PROF_CYCLES, cyc - s->cycles);
		HIST_ADD(hists, PROF_INSNS, ins - s->insns);
	}
	return 0;
}
