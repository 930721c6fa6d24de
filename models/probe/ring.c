/* ring.c - output buffers and their wake-up rules (ring.h). */
#include <stdlib.h>
#include <string.h>

#include "models/probe/desc.h"
#include "models/probe/ring.h"

int pd_ring_init(struct pd_ring *r, int perf, uint32_t ncpu, uint64_t size,
		 int wakeup, uint64_t watermark)
{
	memset(r, 0, sizeof(*r));
	r->perf = (uint8_t)!!perf;
	r->wakeup = (uint8_t)wakeup;
	r->size = size;
	r->watermark = watermark;
	if (perf && wakeup != WK_WATERMARK)
		r->watermark = size / 2;   /* ring_buffer_init's default */
	r->n = perf ? (ncpu ? ncpu : 1) : 1;
	uint64_t **arr[] = { &r->used, &r->recs, &r->head, &r->wpos,
			     &r->cl_bytes, &r->cl_recs };
	for (size_t i = 0; i < sizeof(arr) / sizeof(arr[0]); i++)
		if (!(*arr[i] = calloc(r->n, sizeof(uint64_t))))
			return -1;
	return 0;
}

void pd_ring_fini(struct pd_ring *r)
{
	if (!r)
		return;
	free(r->used);
	free(r->recs);
	free(r->head);
	free(r->wpos);
	free(r->cl_bytes);
	free(r->cl_recs);
	memset(r, 0, sizeof(*r));
}

uint64_t pd_ring_record(const struct pd_ring *r, uint32_t bytes)
{
	if (r->perf)   /* header + u32 size + data, padded to 8 */
		return 8 + (((uint64_t)bytes + 4 + 7) & ~(uint64_t)7);
	return ((uint64_t)bytes + 8 + 7) & ~(uint64_t)7;
}

int pd_ring_output(struct pd_ring *r, uint32_t cpu, uint32_t bytes)
{
	uint32_t b = r->perf ? cpu % r->n : 0;
	uint64_t len = pd_ring_record(r, bytes);
	uint64_t before = r->used[b];
	/* Both keep a byte free: ringbuf refuses new_prod_pos - cons_pos >
	 * rb->mask (size - 1), perf CIRC_SPACE(head, tail, size) < len. */
	if (before + len >= r->size) {
		r->dropped++;
		return PD_RING_DROP;
	}
	r->used[b] += len;
	r->recs[b]++;
	r->written++;
	if (!r->perf) {
		switch (r->wakeup) {
		case WK_EACH:
			return before == 0 ? PD_RING_WAKE : PD_RING_OK;
		case WK_WATERMARK:
			return r->used[b] >= r->watermark ? PD_RING_WAKE
							  : PD_RING_OK;
		}
		return PD_RING_OK;
	}
	r->head[b] += len;
	int wake = r->wakeup == WK_EACH;
	if (r->head[b] - r->wpos[b] > r->watermark) {
		r->wpos[b] += r->watermark;
		wake = 1;
	}
	return wake ? PD_RING_WAKE : PD_RING_OK;
}

uint64_t pd_ring_unclaimed(const struct pd_ring *r)
{
	uint64_t n = 0;
	for (uint32_t b = 0; b < r->n; b++)
		n += r->recs[b] - r->cl_recs[b];
	return n;
}

uint64_t pd_ring_claim(struct pd_ring *r, uint64_t max)
{
	if (r->claimed)
		return 0;
	uint64_t n = 0;
	for (uint32_t b = 0; b < r->n && n < max; b++) {
		uint64_t k = r->recs[b];
		if (k > max - n)
			k = max - n;
		r->cl_recs[b] = k;
		/* k of the buffer's records: all its bytes, or k/recs of
		 * them (records of one size: exact). */
		r->cl_bytes[b] = k == r->recs[b] ? r->used[b]
			: (uint64_t)((double)r->used[b] * (double)k /
				     (double)r->recs[b]);
		n += k;
	}
	r->claimed = 1;
	return n;
}

uint64_t pd_ring_release(struct pd_ring *r)
{
	uint64_t n = 0;
	for (uint32_t b = 0; b < r->n; b++) {
		r->used[b] -= r->cl_bytes[b];
		r->recs[b] -= r->cl_recs[b];
		n += r->cl_recs[b];
		r->cl_bytes[b] = r->cl_recs[b] = 0;
	}
	r->claimed = 0;
	r->consumed += n;
	return n;
}
