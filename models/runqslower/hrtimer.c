/* hrtimer.c - residents' sleep timers with slack (hrtimer.h). */
#include <stdlib.h>

#include "models/runqslower/hrtimer.h"
#include "models/runqslower/internal.h"
#include "models/runqslower/world.h"
#include "sim/evq.h"

/* A CPU's timer base: its armed timers in an event queue of their own,
 * ordered on (soft expiry, arm order) - the timerqueue puts an equal key
 * after the others - each event's data the sleeping pid. */
struct hrt_base {
	struct evq q;
	uint64_t programmed;    /* the EV_HRTIMER that counts (hard expiry);
				   UINT64_MAX: none */
};

int hrt_init(struct rq_run *R)
{
	if (!R->cfg->res_slack)
		return 0;
	R->hrt = calloc(R->cfg->cpus, sizeof(*R->hrt));
	if (!R->hrt)
		return -1;
	for (uint64_t c = 0; c < R->cfg->cpus; c++) {
		if (evq_init(&R->hrt[c].q, 0))
			return -1;   /* hrt_fini frees what was made */
		R->hrt[c].programmed = UINT64_MAX;
	}
	return 0;
}

void hrt_fini(struct rq_run *R)
{
	if (!R->hrt)
		return;
	for (uint64_t c = 0; c < R->cfg->cpus; c++)
		evq_fini(&R->hrt[c].q);
	free(R->hrt);
	R->hrt = NULL;
}

/* Program cpu's clock event for `hard` (hrtimer_reprogram), if earlier
 * than what it is programmed for: an EV_HRTIMER then; the one pushed
 * before goes stale. */
static int program(struct rq_run *R, uint32_t cpu, uint64_t hard)
{
	if (hard >= R->hrt[cpu].programmed)
		return 0;
	R->hrt[cpu].programmed = hard;
	return sim_schedule_at(R->s, hard, EV_HRTIMER, (uint32_t)R->cfg->cpus,
			       cpu);
}

int hrt_arm(struct rq_run *R, uint32_t cpu, uint32_t pid, uint64_t soft)
{
	if (evq_push(&R->hrt[cpu].q, soft, EV_WAKE, 0, pid))
		return -1;
	return program(R, cpu, soft + R->cfg->res_slack);
}

void hrt_interrupt(struct rq_run *R, uint32_t cpu)
{
	struct hrt_base *b = &R->hrt[cpu];
	uint64_t now = R->s->now;
	struct evq_event ev;
	if (now != b->programmed)
		return;   /* reprogrammed earlier since: stale */
	b->programmed = UINT64_MAX;
	/* __hrtimer_run_queues: expiry order, up to the first timer whose
	 * soft expiry is still ahead. */
	while (evq_peek_time(&b->q) <= now && evq_pop(&b->q, &ev))
		world_wake(R, (uint32_t)ev.data, 0, 1);   /* hrtimer_wakeup */
	/* A wake-up above may have armed (and programmed) one already. */
	uint64_t next = evq_peek_time(&b->q);
	if (next != UINT64_MAX && program(R, cpu, next + R->cfg->res_slack))
		sim_fail(R->s, "out of memory");
}
