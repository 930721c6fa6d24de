/* irqrate.h - interrupt and softirq counts and durations on the live host,
 * for `calibrate workload` (the background.* keys of the runqslower model).
 *
 * irq_counts_read() reads /proc/stat's "intr" and "softirq" totals (all
 * CPUs, since boot); two reads make a window's counts.  irqtime_start()
 * loads and attaches irqtime.bpf.c's tp_btf programs - with the x86
 * system vectors (timer, IPIs) when the kernel has them, else only the
 * device-interrupt and softirq hooks (*vectors says which) - or returns
 * NULL with the reason in why (the caller estimates then: not an error).
 * irqtime_read() copies the duration histograms (irqtime.h: IRQT_*) into
 * c[], which the caller frees with chist_fini; irqtime_free() detaches
 * and frees (NULL is fine).  Needs CAP_BPF + CAP_PERFMON like the rest.
 */
#ifndef BPFSIM_CALIB_IRQRATE_H
#define BPFSIM_CALIB_IRQRATE_H

#include <stddef.h>

#include "calibrate/chist.h"
#include "calibrate/irqtime.h"

struct irq_counts {
	double intr, softirq;    /* totals since boot, all CPUs */
};
/* 0, or -errno (no /proc/stat, or a line missing). */
int irq_counts_read(struct irq_counts *ic);

struct irqtime;
struct irqtime *irqtime_start(int *vectors, char *why, size_t whylen);
/* 0, or -errno. */
int irqtime_read(struct irqtime *it, struct chist c[IRQT_NHIST]);
void irqtime_free(struct irqtime *it);

#endif
