/* ring.h - the output buffers of a described tool, as its reader sees them:
 * the BPF ring buffer (kernel/bpf/ringbuf.c) and the perf buffer
 * (kernel/events/ring_buffer.c), with the kernel's rules for refusing a
 * record and for waking the reader.
 *
 * A struct pd_ring counts the bytes and records written and not yet
 * consumed, per buffer: one buffer shared by every CPU for a ringbuf map,
 * one per CPU for a perf_event_array (libbpf's perf_buffer opens one perf
 * event per CPU, each with its own buffer of `size` bytes).  Positions are
 * bytes, records are whole (no partial records).
 *
 * Record sizes:
 *   ringbuf  __bpf_ringbuf_reserve: round_up(bytes + BPF_RINGBUF_HDR_SZ
 *            (8), 8); refused when new_prod_pos - cons_pos > rb->mask
 *            (size - 1): at most size - 1 bytes are held (-EAGAIN from
 *            bpf_ringbuf_output, NULL from bpf_ringbuf_reserve);
 *   perf     a PERF_RECORD_SAMPLE with PERF_SAMPLE_RAW (libbpf's
 *            perf_buffer): struct perf_event_header (8) + u32 size + data,
 *            padded to 8 (perf_prepare_sample); __perf_output_begin
 *            refuses it when CIRC_SPACE(head, tail, size) < record (at
 *            most size - 1 bytes held).  A refused sample is a lost one
 *            (rb->lost); the PERF_RECORD_LOST record the next sample
 *            carries after losses is not modelled.
 *
 * Wake-up rules (pd_ring_output returns PD_RING_WAKE when the kernel
 * queues the reader's wake-up, an irq_work):
 *   ringbuf each       bpf_ringbuf_commit: only when the consumer has
 *                      caught up with this very record (cons_pos ==
 *                      rec_pos: the buffer held nothing unconsumed
 *                      before it) - the adaptive default;
 *   ringbuf no_wakeup  BPF_RB_NO_WAKEUP on every record: never (the reader
 *                      finds the data at its epoll timeout);
 *   ringbuf watermark N  the program asks bpf_ringbuf_query(BPF_RB_AVAIL_
 *                      DATA) and passes BPF_RB_FORCE_WAKEUP when N bytes
 *                      or more wait, BPF_RB_NO_WAKEUP otherwise (the
 *                      pattern of high-rate tools);
 *   perf each          attr.wakeup_events = 1 (libbpf perf_buffer__new):
 *                      perf_output_sample counts rb->events and bumps
 *                      rb->wakeup for every sample; perf_output_put_handle
 *                      then calls perf_output_wakeup;
 *   perf watermark N   attr.watermark with wakeup_watermark N:
 *                      __perf_output_begin wakes when head - rb->wakeup >
 *                      N and advances rb->wakeup by N;
 *   perf no_wakeup     wakeup_events 0 and no watermark: the same check
 *                      with the kernel's default watermark, half the
 *                      buffer (ring_buffer_init) - a perf buffer always
 *                      wakes its reader eventually.
 *
 * The reader claims up to `max` records at a time (pd_ring_claim: a burst
 * of its drain, buffer by buffer in CPU order) and gives their space back
 * when the burst ends (pd_ring_release): consumer_pos moves once per
 * burst, not per record as libbpf's ringbuf_process_ring does (a
 * simplification on the side of more drops, by at most a burst's
 * records).  Records are not kept one by one: a burst that takes k of a
 * buffer's n records frees k/n of its bytes (exact when the records have
 * one size, as with one output per tool; the last burst frees the rest).
 *
 * Ownership: caller-owned struct, _init/_fini; no allocation after init.
 */
#ifndef BPFSIM_PROBE_RING_H
#define BPFSIM_PROBE_RING_H

#include <stdint.h>

enum { PD_RING_OK, PD_RING_WAKE, PD_RING_DROP };

struct pd_ring {
	uint8_t perf;          /* 1: a perf buffer per CPU; 0: one ringbuf */
	uint8_t wakeup;        /* WK_* (desc.h) */
	uint64_t size;         /* bytes per buffer */
	uint64_t watermark;    /* bytes (WK_WATERMARK; perf no_wakeup: size/2) */
	uint32_t n;            /* buffers */
	uint64_t *used;        /* per buffer: bytes not yet consumed */
	uint64_t *recs;        /* per buffer: records not yet consumed */
	uint64_t *head;        /* perf: bytes ever written */
	uint64_t *wpos;        /* perf: rb->wakeup, a byte position */
	uint64_t *cl_bytes, *cl_recs;  /* per buffer: claimed by the drain in
					  progress */
	int claimed;           /* a drain is in progress */
	uint64_t written, dropped, consumed;  /* records */
};

/* A ring of `size` bytes per buffer, ncpu buffers when perf (one
 * otherwise), waking by `wakeup` (WK_*) with `watermark` bytes.  0, or -1
 * on allocation failure (r safe to fini). */
int pd_ring_init(struct pd_ring *r, int perf, uint32_t ncpu, uint64_t size,
		 int wakeup, uint64_t watermark);
void pd_ring_fini(struct pd_ring *r);
/* The bytes a record of `bytes` data takes in the buffer. */
uint64_t pd_ring_record(const struct pd_ring *r, uint32_t bytes);
/* A program on CPU cpu outputs `bytes`: PD_RING_OK, PD_RING_WAKE (written,
 * and the kernel wakes the reader) or PD_RING_DROP (refused, counted). */
int pd_ring_output(struct pd_ring *r, uint32_t cpu, uint32_t bytes);
/* Records written and not claimed by a drain. */
uint64_t pd_ring_unclaimed(const struct pd_ring *r);
/* Start a burst of a drain: claim up to max unclaimed records; returns
 * how many.  One burst at a time (a second claim before the release
 * claims nothing and returns 0). */
uint64_t pd_ring_claim(struct pd_ring *r, uint64_t max);
/* End the burst: the claimed records are consumed, their space free.
 * Returns how many. */
uint64_t pd_ring_release(struct pd_ring *r);

#endif
