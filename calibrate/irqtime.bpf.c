// SPDX-License-Identifier: GPL-2.0
/* irqtime.bpf.c - interrupt and softirq handler durations (irqtime.h).
 *
 * Hooks, TP_PROTO as in include/trace/events/irq.h and (x86)
 * arch/x86/include/asm/trace/irq_vectors.h:
 *   irq_handler_entry(int irq, struct irqaction *action)
 *   irq_handler_exit(int irq, struct irqaction *action, int ret)
 *   softirq_entry(unsigned int vec_nr), softirq_exit(unsigned int vec_nr)
 *   local_timer_entry(int vector), local_timer_exit(int vector), and the
 *   same for reschedule, call_function, call_function_single
 * Hard interrupts do not nest (handlers run with interrupts off); a
 * softirq is interrupted by them, so their time inside it is subtracted.
 * The loader drops the x86 vector programs where they do not load.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "calibrate/calib.bpf.h"
#include "calibrate/irqtime.h"

char LICENSE[] SEC("license") = "GPL";

PERCPU_ARRAY(hists, IRQT_NHIST, struct hist);

struct irq_cpu {
	__u64 irq_ts;       /* entry of the hard interrupt in progress, or 0 */
	__u64 soft_ts;      /* entry of the softirq in progress, or 0 */
	__u64 nested;       /* hard-interrupt time inside that softirq, ns */
};

PERCPU_ARRAY(state, 1, struct irq_cpu);

static __always_inline struct irq_cpu *me(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&state, &zero);
}

static __always_inline int irq_in(void)
{
	struct irq_cpu *s = me();
	if (s)
		s->irq_ts = bpf_ktime_get_ns();
	return 0;
}

static __always_inline int irq_out(void)
{
	__u64 now = bpf_ktime_get_ns();
	struct irq_cpu *s = me();
	if (!s || !s->irq_ts || now < s->irq_ts)
		return 0;
	__u64 d = now - s->irq_ts;
	s->irq_ts = 0;
	HIST_ADD(hists, IRQT_IRQ, d);
	if (s->soft_ts)
		s->nested += d;
	return 0;
}

SEC("tp_btf/irq_handler_entry")
int BPF_PROG(irq_handler_entry) { return irq_in(); }

SEC("tp_btf/irq_handler_exit")
int BPF_PROG(irq_handler_exit) { return irq_out(); }

SEC("tp_btf/local_timer_entry")
int BPF_PROG(local_timer_entry) { return irq_in(); }

SEC("tp_btf/local_timer_exit")
int BPF_PROG(local_timer_exit) { return irq_out(); }

SEC("tp_btf/reschedule_entry")
int BPF_PROG(reschedule_entry) { return irq_in(); }

SEC("tp_btf/reschedule_exit")
int BPF_PROG(reschedule_exit) { return irq_out(); }

SEC("tp_btf/call_function_entry")
int BPF_PROG(call_function_entry) { return irq_in(); }

SEC("tp_btf/call_function_exit")
int BPF_PROG(call_function_exit) { return irq_out(); }

SEC("tp_btf/call_function_single_entry")
int BPF_PROG(call_function_single_entry) { return irq_in(); }

SEC("tp_btf/call_function_single_exit")
int BPF_PROG(call_function_single_exit) { return irq_out(); }

SEC("tp_btf/softirq_entry")
int BPF_PROG(softirq_entry)
{
	struct irq_cpu *s = me();
	if (s) {
		s->soft_ts = bpf_ktime_get_ns();
		s->nested = 0;
	}
	return 0;
}

SEC("tp_btf/softirq_exit")
int BPF_PROG(softirq_exit)
{
	__u64 now = bpf_ktime_get_ns();
	struct irq_cpu *s = me();
	if (!s || !s->soft_ts || now < s->soft_ts)
		return 0;
	__u64 d = now - s->soft_ts;
	d = d > s->nested ? d - s->nested : 0;
	s->soft_ts = 0;
	HIST_ADD(hists, IRQT_SOFTIRQ, d);
	return 0;
}
