/* hrtimer.c - residents' sleep timers with slack (hrtimer.h). */
#include <stdlib.h>

#include "models/runqslower/hrtimer.h"
#include "models/runqslower/internal.h"
#include "models/runqslower/world.h"

/* One armed timer: ordered by (soft, seq); seq keeps equal expiries in
 * arm order, as the timerqueue puts an equal key after the others. */
struct hrt_ent {
	uint64_t soft;
	uint64_t seq;
	uint32_t pid;
};

struct hrt_base {
	struct hrt_ent *heap;   /* binary min-heap */
	uint32_t n, cap;
	uint64_t programmed;    /* the EV_HRTIMER that counts (hard expiry);
				   UINT64_MAX: none */
};

static int before(const struct hrt_ent *a, const struct hrt_ent *b)
{
	return a->soft < b->soft || (a->soft == b->soft && a->seq < b->seq);
}

static void sift_up(struct hrt_ent *h, uint32_t i)
{
	struct hrt_ent x = h[i];
	while (i > 0) {
		uint32_t p = (i - 1) / 2;
		if (!before(&x, &h[p]))
			break;
		h[i] = h[p];
		i = p;
	}
	h[i] = x;
}

static void sift_down(struct hrt_ent *h, uint32_t n, uint32_t i)
{
	struct hrt_ent x = h[i];
	for (;;) {
		uint32_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && before(&h[c + 1], &h[c]))
			c++;
		if (!before(&h[c], &x))
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = x;
}

int hrt_init(struct rq_run *R)
{
	if (!R->cfg->res_slack)
		return 0;
	R->hrt = calloc(R->cfg->cpus, sizeof(*R->hrt));
	if (!R->hrt)
		return -1;
	for (uint64_t c = 0; c < R->cfg->cpus; c++)
		R->hrt[c].programmed = UINT64_MAX;
	return 0;
}

void hrt_fini(struct rq_run *R)
{
	if (!R->hrt)
		return;
	for (uint64_t c = 0; c < R->cfg->cpus; c++)
		free(R->hrt[c].heap);
	free(R->hrt);
	R->hrt = NULL;
}

/* Program cpu's clock event for `hard` (hrtimer_reprogram): an
 * EV_HRTIMER then; an earlier one already pushed goes stale. */
static int program(struct rq_run *R, uint32_t cpu, uint64_t hard)
{
	R->hrt[cpu].programmed = hard;
	return sim_schedule_at(R->s, hard, EV_HRTIMER, (uint32_t)R->cfg->cpus,
			       cpu);
}

int hrt_arm(struct rq_run *R, uint32_t cpu, uint32_t pid, uint64_t soft)
{
	struct hrt_base *b = &R->hrt[cpu];
	if (b->n == b->cap) {
		uint32_t cap = b->cap ? 2 * b->cap : 16;
		struct hrt_ent *h = realloc(b->heap, cap * sizeof(*h));
		if (!h)
			return -1;
		b->heap = h;
		b->cap = cap;
	}
	b->heap[b->n] = (struct hrt_ent){ soft, R->hrt_seq++, pid };
	sift_up(b->heap, b->n++);
	uint64_t hard = soft + R->cfg->res_slack;
	return hard < b->programmed ? program(R, cpu, hard) : 0;
}

void hrt_interrupt(struct rq_run *R, uint32_t cpu)
{
	struct hrt_base *b = &R->hrt[cpu];
	uint64_t now = R->s->now;
	if (now != b->programmed)
		return;   /* reprogrammed earlier since: stale */
	b->programmed = UINT64_MAX;
	/* __hrtimer_run_queues: expiry order, up to the first timer whose
	 * soft expiry is still ahead. */
	while (b->n && b->heap[0].soft <= now) {
		uint32_t pid = b->heap[0].pid;
		b->heap[0] = b->heap[--b->n];
		if (b->n)
			sift_down(b->heap, b->n, 0);
		world_wake(R, pid, 0, 1);   /* hrtimer_wakeup */
	}
	/* A wake-up above may have armed (and programmed) one already. */
	if (b->n && b->heap[0].soft + R->cfg->res_slack < b->programmed &&
	    program(R, cpu, b->heap[0].soft + R->cfg->res_slack))
		sim_fail(R->s, "out of memory");
}
