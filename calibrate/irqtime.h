/* irqtime.h - what irqtime.bpf.c and irqtime.c share (fixed-width only).
 *
 * Histograms (hist.h, per CPU), in ns:
 *   IRQT_IRQ      one hardware interrupt's handler: irq_handler_entry ->
 *                 irq_handler_exit (device interrupts, handle_irq_event),
 *                 and on x86 the system vectors' handlers (local APIC
 *                 timer, rescheduling and function-call IPIs:
 *                 local_timer_entry/exit, reschedule_entry/exit,
 *                 call_function[_single]_entry/exit) where they load
 *   IRQT_SOFTIRQ  one softirq handler run: softirq_entry -> softirq_exit
 *                 (__do_softirq's loop, one per pending vector), minus the
 *                 hardware interrupts that came inside it
 */
#ifndef BPFSIM_CALIB_IRQTIME_H
#define BPFSIM_CALIB_IRQTIME_H

enum irqt_hist { IRQT_IRQ, IRQT_SOFTIRQ, IRQT_NHIST };

#endif
