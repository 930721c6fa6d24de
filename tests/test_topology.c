/* test_topology.c - topology, placement: wake_affine and load balancing
 * (models/runqslower/topo.h, place.c, balance.c, runq_migrate).
 *
 * Pins:
 *   - wake_affine's choice on hand topologies, each case worked through
 *     kernel/sched/fair.c's steps in its comment: 2 cores x 2 SMT in one
 *     LLC (prev idle; an idle core before an idle sibling; prev's idle
 *     sibling when no core is idle; the first idle CPU from target + 1,
 *     wrapping; nothing idle: the target; the waker's CPU by
 *     wake_affine_idle and wake_affine_weight), and 2 LLCs of 2 x 2 (the
 *     search stays in the target's LLC; a cross-LLC affine wake-up);
 *   - wake_local: a woken task stays on its busy previous CPU instead of
 *     the idle one select_idle_sibling found, at 1 always, at 0.3 in
 *     3,000 +- 138 of 10,000 (3 binomial sd); with prev idle or nothing
 *     idle the choice is the mainline one;
 *   - the fork path (new tasks, first wake-ups) with 2 LLCs: the LLC with
 *     the most idle CPUs, a fully idle core in it, else its first idle
 *     CPU, else the least loaded CPU; with one LLC least_loaded's choice;
 *   - the same choice against a naive reference (plain scans of the CPUs'
 *     states, no bitmap) over random states of random topologies up to
 *     130 CPUs (bitmap words and their edges), seeded (BPFSIM_TEST_SEED);
 *   - newidle balance on a hand-built run: the level order (SMT sibling,
 *     then LLC, then the other LLC), the busiest queue, the task taken
 *     (the one first in line), nothing pulled from a CPU with only its
 *     running task, the wait kept (enq_time), runq_len and backlog moved,
 *     the migration counted;
 *   - whole runs (8 CPUs, 2 LLCs of 2 x 2, wake_affine, newidle and a
 *     100 us periodic balance, under fifo, woken_first, fair and eevdf):
 *     after every event no task is lost or duplicated (balance_check:
 *     each runnable task queued once on its CPU or its CPU's next, each
 *     running task its CPU's cur, the backlog the sum of the queues),
 *     eevdf's runqueues stay consistent (eevdf_check), least_loaded's
 *     tree agrees with a scan, time is conserved per CPU (rq_totals
 *     aborts otherwise) and in sum, tasks are conserved (spawned =
 *     completed + failures + live), and migrations happened.
 *   - a run without a duration (batch; a poisson spawner with a spawn
 *     count) ends at its last exit's switch to idle, not at a periodic
 *     balance after it.
 * Does not pin: whole-run numbers (tests/cli/topology.sh checks that
 * balancing lowers the demo's mean wait and moves tasks), the periodic
 * balance's interval accuracy, hook placement across LLCs.
 */
#include "test_model.h"
#include "models/registry.h"
#include "models/runqslower.h"
#include "models/runqslower/balance.h"
#include "models/runqslower/eevdf.h"
#include "models/runqslower/internal.h"
#include "models/runqslower/place.h"
#include "models/runqslower/runq.h"
#include "sim/sim.h"
#include "sim/ytree.h"

#include <gsl/gsl_rng.h>

#define MS 1000000ull

static const struct model *M;
static uint64_t SEED;

/* ---- a hand-built run: CPUs and tasks, no events ------------------------ */

#define NT 512
struct h {
	struct sim s;
	struct rq_cfg cfg;
	struct rq_run R;
	struct cpu *cpu;
	struct task task[NT];
	uint32_t next_pid;
};

static void h_init(struct h *h, uint32_t cpus, uint32_t smt, uint32_t llc)
{
	memset(h, 0, sizeof(*h));
	h->cfg.cpus = cpus;
	h->cfg.smt = smt;
	h->cfg.llc = llc;
	h->cfg.placement = PL_WAKE_AFFINE;
	h->cfg.runqueue = RUNQ_FIFO;
	h->cfg.bal_newidle = 1;
	h->cpu = calloc(cpus, sizeof(*h->cpu));
	assert_non_null(h->cpu);
	h->R.cfg = &h->cfg;
	h->R.s = &h->s;
	h->R.cpu = h->cpu;
	h->R.task = h->task;
	h->R.ntask = NT;
	for (uint32_t c = 0; c < cpus; c++) {
		struct cpu *p = &h->cpu[c];
		p->cur = p->next = p->runq_head = p->runq_tail = p->runq_wtail = NIL;
		p->mode = CPU_IDLE;
	}
	for (uint32_t i = 0; i < NT; i++) {
		h->task[i].next = NIL;
		h->task[i].state = T_FREE;
	}
	h->next_pid = 1;
	assert_int_equal(place_init(&h->R), 0);
}

static void h_fini(struct h *h)
{
	place_fini(&h->R);
	free(h->cpu);
}

/* CPU c runs a task and has `queued` more waiting (load 1 + queued);
 * returns the first queued pid (NIL if none). */
static uint32_t h_busy(struct h *h, uint32_t c, uint32_t queued)
{
	uint32_t pid = h->next_pid++, first = NIL;
	h->task[pid].state = T_RUNNING;
	h->task[pid].cpu = c;
	h->cpu[c].cur = pid;
	h->cpu[c].mode = CPU_RUN;
	place_touch(&h->R, c);
	for (uint32_t i = 0; i < queued; i++) {
		uint32_t q = h->next_pid++;
		assert_true(q < NT);
		h->task[q].state = T_RUNNABLE;
		h->task[q].enq_time = h->s.now;
		runq_push(&h->R, c, q, 1);
		if (first == NIL)
			first = q;
	}
	return first;
}

/* ---- wake_affine on hand topologies ------------------------------------ */

static void test_wake_affine_smt(void **state)
{
	(void)state;
	struct h h;
	/* 4 CPUs: cores {0,1} and {2,3}, one LLC. */
	h_init(&h, 4, 2, 4);
	/* All idle, woken by its own timer on prev 1: select_idle_sibling's
	 * first test, target (= prev) idle. */
	assert_int_equal(place_wake_affine(&h.R, 1, 1), 1);
	/* prev 1 busy: no target, no idle prev; an idle core exists ({2,3})
	 * and select_idle_cpu walks from target + 1 = 2: core 2, CPU 2 -
	 * not prev's idle sibling 0 (an idle core comes first). */
	h_busy(&h, 1, 0);
	assert_int_equal(place_wake_affine(&h.R, 1, 1), 2);
	/* CPU 2 busy too: no idle core; select_idle_smt(prev 1): its sibling
	 * 0 is idle. */
	h_busy(&h, 2, 0);
	assert_int_equal(place_wake_affine(&h.R, 1, 1), 0);
	/* 0 busy too: no idle sibling of prev; the walk from 2 finds 3. */
	h_busy(&h, 0, 0);
	assert_int_equal(place_wake_affine(&h.R, 1, 1), 3);
	/* Everything busy: the target, prev. */
	h_busy(&h, 3, 0);
	assert_int_equal(place_wake_affine(&h.R, 1, 1), 1);
	h_fini(&h);

	/* The waker's CPU (a wake-up from another CPU). */
	h_init(&h, 4, 2, 4);
	h_busy(&h, 1, 0);
	/* wake_affine_idle: waker 2 idle, sharing prev's cache, prev busy:
	 * the waker's CPU, idle, is select_idle_sibling's answer. */
	assert_int_equal(place_wake_affine(&h.R, 1, 2), 2);
	/* prev idle too: prev. */
	h_fini(&h);
	h_init(&h, 4, 2, 4);
	assert_int_equal(place_wake_affine(&h.R, 1, 2), 1);
	h_fini(&h);
	/* All busy; wake_affine_weight: waker 2 at 1 task, prev 1 at 3:
	 * (1 + 1) x 100 = 200 < 3 x 108 = 324: the waker's CPU. */
	h_init(&h, 4, 2, 4);
	h_busy(&h, 0, 0);
	h_busy(&h, 1, 2);
	h_busy(&h, 2, 0);
	h_busy(&h, 3, 0);
	assert_int_equal(place_wake_affine(&h.R, 1, 2), 2);
	h_fini(&h);
	/* The reverse, waker 2 at 3 and prev 1 at 1: (3 + 1) x 100 = 400 is
	 * not below 108: prev. */
	h_init(&h, 4, 2, 4);
	h_busy(&h, 0, 0);
	h_busy(&h, 1, 0);
	h_busy(&h, 2, 2);
	h_busy(&h, 3, 0);
	assert_int_equal(place_wake_affine(&h.R, 1, 2), 1);
	/* Equal loads 2 and 2: 300 < 216 fails: prev. */
	h_fini(&h);
	h_init(&h, 4, 2, 4);
	h_busy(&h, 0, 0);
	h_busy(&h, 1, 1);
	h_busy(&h, 2, 1);
	h_busy(&h, 3, 0);
	assert_int_equal(place_wake_affine(&h.R, 1, 2), 1);
	h_fini(&h);
}

static void test_wake_affine_llc(void **state)
{
	(void)state;
	struct h h;
	/* 8 CPUs: LLC {0..3} and {4..7}, cores of 2. */
	h_init(&h, 8, 2, 4);
	for (uint32_t c = 4; c < 8; c++)
		h_busy(&h, c, 0);
	/* prev 5, its LLC full, the other idle: the search stays in the
	 * LLC, the task queues on prev (balancing is what moves it). */
	assert_int_equal(place_wake_affine(&h.R, 5, 5), 5);
	/* Woken from idle CPU 1 in the other LLC: wake_affine_idle needs a
	 * shared cache (no), prev is not idle, wake_affine_weight: waker at
	 * 0 + 1 = 100 < 1 x 108: the waker's CPU, idle: 1. */
	assert_int_equal(place_wake_affine(&h.R, 5, 1), 1);
	h_fini(&h);

	/* Wrapping and core order inside one LLC of the 8. */
	h_init(&h, 8, 2, 4);
	/* LLC {4..7}: 6 (prev) and 7 busy, 5 busy, 4 idle: no idle core,
	 * prev's sibling 7 busy, walk from 7 wraps to 4. */
	h_busy(&h, 5, 0);
	h_busy(&h, 6, 0);
	h_busy(&h, 7, 0);
	assert_int_equal(place_wake_affine(&h.R, 6, 6), 4);
	/* LLC {0..3}: prev 3 busy, core {0,1} idle, 2 idle: the walk from
	 * target + 1 = 4 wraps to 0, core {0,1} is idle: 0 - before prev's
	 * idle sibling 2. */
	h_busy(&h, 3, 0);
	assert_int_equal(place_wake_affine(&h.R, 3, 3), 0);
	h_fini(&h);

	/* No SMT (smt 1): no core step; the walk from target + 1. */
	h_init(&h, 4, 1, 4);
	h_busy(&h, 1, 0);
	h_busy(&h, 2, 0);
	assert_int_equal(place_wake_affine(&h.R, 1, 1), 3);
	h_fini(&h);
}

/* wake_local: a host kernel that packs vCPUs keeps a woken task on its
 * busy previous CPU where select_idle_sibling found an idle one. */
static void test_wake_local(void **state)
{
	(void)state;
	struct h h;
	/* 2 CPUs, one LLC: prev 0 busy, 1 idle. */
	h_init(&h, 2, 1, 2);
	h_busy(&h, 0, 0);
	assert_int_equal(place_wake_affine(&h.R, 0, 0), 1);   /* mainline */
	h.cfg.wake_local = 1;
	assert_int_equal(place_wake_affine(&h.R, 0, 0), 0);   /* stays */
	/* prev idle: prev whatever wake_local says (nothing to keep). */
	assert_int_equal(place_wake_affine(&h.R, 1, 1), 1);
	/* Nothing idle: the target, as without it. */
	h_busy(&h, 1, 0);
	assert_int_equal(place_wake_affine(&h.R, 0, 0), 0);
	h_fini(&h);
	/* A share: 10,000 wake-ups at 0.3 stay 3,000 times, +-3 binomial sd
	 * (46); the idle CPU otherwise. */
	h_init(&h, 2, 1, 2);
	h_busy(&h, 0, 0);
	h.cfg.wake_local = 0.3;
	h.R.r_wake_local = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(h.R.r_wake_local, SEED);
	unsigned stay = 0;
	for (int i = 0; i < 10000; i++) {
		uint32_t c = place_wake_affine(&h.R, 0, 0);
		assert_true(c == 0 || c == 1);
		stay += c == 0;
	}
	printf("wake_local 0.3: %u of 10000 stayed (seed %llu)\n", stay,
	       (unsigned long long)SEED);
	assert_true(stay > 3000 - 138 && stay < 3000 + 138);
	gsl_rng_free(h.R.r_wake_local);
	h_fini(&h);
}

/* The fork path (new tasks, first wake-ups): place_cpu. */
static void test_fork_path(void **state)
{
	(void)state;
	struct h h;
	/* 2 LLCs of 2 x 2.  LLC 0 has 3 idle CPUs, LLC 1 has 2: LLC 0; its
	 * fully idle core {2,3}: 2 - not CPU 1, the lowest idle CPU. */
	h_init(&h, 8, 2, 4);
	h_busy(&h, 0, 0);
	h_busy(&h, 4, 0);
	h_busy(&h, 5, 0);
	assert_int_equal(place_cpu(&h.R), 2);
	/* LLC 1 all idle (4 > 3): its first core, 4. */
	h_fini(&h);
	h_init(&h, 8, 2, 4);
	h_busy(&h, 0, 0);
	assert_int_equal(place_cpu(&h.R), 4);
	/* No idle core anywhere: LLC 0 (2 idle CPUs, 1 and 3) over LLC 1
	 * (1 idle, 6): the first idle CPU, 1. */
	h_busy(&h, 2, 0);
	h_busy(&h, 4, 0);
	h_busy(&h, 7, 0);
	h_busy(&h, 5, 0);
	assert_int_equal(place_cpu(&h.R), 1);
	h_fini(&h);
	/* Nothing idle (2 LLCs of 2): least_loaded, the fewest tasks: CPU 1
	 * at 1 task. */
	h_init(&h, 4, 1, 2);
	h_busy(&h, 0, 1);
	h_busy(&h, 1, 0);
	h_busy(&h, 2, 2);
	h_busy(&h, 3, 1);
	assert_int_equal(place_cpu(&h.R), 1);
	h_fini(&h);
	/* One LLC: least_loaded's lowest idle CPU, as before. */
	h_init(&h, 4, 2, 4);
	h_busy(&h, 0, 0);
	assert_int_equal(place_cpu(&h.R), 1);
	h_fini(&h);
}

/* ---- against a naive reference ------------------------------------------- */

static int ref_idle(const struct h *h, uint32_t c)
{
	const struct cpu *p = &h->cpu[c];
	return p->cur == NIL && p->next == NIL && p->runq_len == 0;
}

static uint64_t ref_load(const struct h *h, uint32_t c)
{
	const struct cpu *p = &h->cpu[c];
	return p->runq_len + (p->cur != NIL || p->next != NIL);
}

/* select_task_rq_fair's wake-up path as plain loops over the CPUs. */
static uint32_t ref_place(const struct h *h, uint32_t prev, uint32_t waker)
{
	uint32_t smt = h->cfg.smt, llc = h->cfg.llc, target = prev;
	if (waker != prev) {
		if (ref_idle(h, waker) && waker / llc == prev / llc)
			target = ref_idle(h, prev) ? prev : waker;
		else if (ref_idle(h, prev))
			target = prev;
		else if ((ref_load(h, waker) + 1) * 100 < ref_load(h, prev) * 108)
			target = waker;
	}
	if (ref_idle(h, target))
		return target;
	if (prev != target && prev / llc == target / llc && ref_idle(h, prev))
		return prev;
	uint32_t lo = target - target % llc;
	if (smt > 1) {
		for (uint32_t k = 1; k <= llc; k++) {
			uint32_t c = lo + (target - lo + k) % llc;
			if (c % smt && k > 1)
				continue;   /* enter each core once, at its first */
			uint32_t core = c - c % smt, all = 1;
			for (uint32_t s = 0; s < smt; s++)
				all &= (uint32_t)ref_idle(h, core + s);
			if (all)
				return c;
		}
		if (prev / llc == target / llc)
			for (uint32_t s = 0; s < smt; s++) {
				uint32_t c = prev - prev % smt + s;
				if (c != prev && ref_idle(h, c))
					return c;
			}
	}
	for (uint32_t k = 1; k <= llc; k++) {
		uint32_t c = lo + (target - lo + k) % llc;
		if (ref_idle(h, c))
			return c;
	}
	return target;
}

static void test_wake_affine_reference(void **state)
{
	(void)state;
	static const uint32_t topo[][3] = {   /* cpus, smt, llc */
		{ 8, 2, 4 }, { 16, 1, 8 }, { 64, 2, 64 }, { 128, 4, 32 },
		{ 130, 2, 10 }, { 96, 2, 48 }, { 12, 1, 12 },
	};
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, SEED);
	print_message("# seed %llu\n", (unsigned long long)SEED);
	uint64_t cases = 0;
	for (size_t k = 0; k < sizeof(topo) / sizeof(topo[0]); k++) {
		for (int round = 0; round < 200; round++) {
			struct h h;
			h_init(&h, topo[k][0], topo[k][1], topo[k][2]);
			/* Idle with probability 0.1..0.9 per round: from
			 * almost full to almost empty hosts. */
			double p_idle = 0.1 + 0.8 * gsl_rng_uniform(r);
			for (uint32_t c = 0; c < topo[k][0]; c++) {
				/* at most NT tasks in all: queue 0..1 */
				if (gsl_rng_uniform(r) >= p_idle && h.next_pid + 2 < NT)
					h_busy(&h, c, (uint32_t)gsl_rng_uniform_int(r, 2));
				else if (gsl_rng_uniform(r) >= p_idle) {
					h.cpu[c].next = 0;   /* switching to a task */
					place_touch(&h.R, c);
				}
			}
			for (int q = 0; q < 20; q++) {
				uint32_t prev = (uint32_t)gsl_rng_uniform_int(r, topo[k][0]);
				uint32_t waker = q % 2 ? prev
					: (uint32_t)gsl_rng_uniform_int(r, topo[k][0]);
				uint32_t got = place_wake_affine(&h.R, prev, waker);
				uint32_t want = ref_place(&h, prev, waker);
				if (got != want)
					fail_msg("cpus %u smt %u llc %u prev %u waker %u: "
						 "%u, reference %u (seed %llu)",
						 topo[k][0], topo[k][1], topo[k][2], prev,
						 waker, got, want, (unsigned long long)SEED);
				cases++;
			}
			h_fini(&h);
		}
	}
	gsl_rng_free(r);
	print_message("# %llu placements agree\n", (unsigned long long)cases);
}

/* ---- newidle balance on a hand-built run ---------------------------------- */

static void test_newidle_levels(void **state)
{
	(void)state;
	struct h h;
	char why[160];
	/* 8 CPUs: LLC {0..3}, {4..7}; cores of 2.  CPU 1 is going idle. */
	h_init(&h, 8, 2, 4);
	h.s.now = 5 * MS;
	uint32_t sib = h_busy(&h, 0, 1);    /* sibling: 2 tasks */
	h.s.now = 6 * MS;
	uint32_t llc = h_busy(&h, 2, 3);    /* same LLC: 4 tasks */
	h_busy(&h, 4, 5);                   /* other LLC: 6 tasks */
	assert_int_equal(balance_check(&h.R, why, sizeof(why)), 0);
	uint64_t backlog = h.R.backlog;
	/* The SMT level first: the sibling's waiting task, though busier
	 * CPUs exist further out. */
	assert_int_equal(balance_newidle(&h.R, 1), sib);
	assert_int_equal(h.task[sib].cpu, 1);
	assert_int_equal(h.task[sib].enq_time, 5 * MS);   /* wait goes on */
	assert_int_equal(h.task[sib].state, T_RUNNABLE);
	assert_int_equal(h.cpu[0].runq_len, 0);
	assert_int_equal(h.cpu[1].runq_len, 1);
	assert_int_equal(h.R.backlog, backlog);
	assert_int_equal(h.R.migrations, 1);
	assert_int_equal(balance_check(&h.R, why, sizeof(why)), 0);
	/* CPU 1 runs it; CPU 3 goes idle: its sibling 2 is the busiest of
	 * its core (and of the LLC): the first in line there. */
	assert_int_equal(runq_pop(&h.R, 1), sib);
	h.cpu[1].cur = sib;
	h.task[sib].state = T_RUNNING;
	assert_int_equal(balance_newidle(&h.R, 3), llc);
	assert_int_equal(h.task[llc].cpu, 3);
	assert_int_equal(h.task[llc].enq_time, 6 * MS);
	assert_int_equal(balance_check(&h.R, why, sizeof(why)), 0);
	h_fini(&h);

	/* The sibling has only its running task: not pulled; the LLC
	 * level's busiest is CPU 3 (3 tasks) over 2 (2 tasks). */
	h_init(&h, 8, 2, 4);
	h_busy(&h, 0, 0);
	h_busy(&h, 2, 1);
	uint32_t q3 = h_busy(&h, 3, 2);
	h_busy(&h, 6, 7);
	assert_int_equal(balance_newidle(&h.R, 1), q3);
	assert_int_equal(h.cpu[3].runq_len, 1);
	h_fini(&h);

	/* Nothing waits in the LLC: the other LLC's busiest. */
	h_init(&h, 8, 2, 4);
	h_busy(&h, 0, 0);
	h_busy(&h, 2, 0);
	h_busy(&h, 5, 1);
	uint32_t q7 = h_busy(&h, 7, 2);
	assert_int_equal(balance_newidle(&h.R, 1), q7);
	assert_int_equal(h.R.migrations, 1);
	h_fini(&h);

	/* Nothing waits anywhere: no pull; balancing off: no pull. */
	h_init(&h, 8, 2, 4);
	for (uint32_t c = 0; c < 8; c += 2)
		h_busy(&h, c, 0);
	assert_int_equal(balance_newidle(&h.R, 1), NIL);
	h_busy(&h, 4, 3);
	h.cfg.bal_newidle = 0;
	assert_int_equal(balance_newidle(&h.R, 1), NIL);
	assert_int_equal(h.R.migrations, 0);
	h_fini(&h);
}

/* ---- whole runs ------------------------------------------------------------- */

static const struct model *spy_real;
static uint64_t checked;

static void spy(struct sim *s, void *st, const struct evq_event *ev)
{
	const struct rq_run *R = st;
	char why[160];
	spy_real->handle(s, st, ev);
	if (balance_check(R, why, sizeof(why)))
		fail_msg("after event %llu at %llu ns: %s",
			 (unsigned long long)s->events,
			 (unsigned long long)s->now, why);
	for (uint32_t c = 0; R->cfg->runqueue == RUNQ_EEVDF &&
			     c < R->cfg->cpus; c++) {
		double lw, load;
		if (eevdf_check(R, c, &lw, &load, why, sizeof(why)))
			fail_msg("eevdf after event %llu: %s",
				 (unsigned long long)s->events, why);
	}
	if (rq_place_check(st) != 0)
		fail_msg("least_loaded tree and scan disagree at %llu ns",
			 (unsigned long long)s->now);
	checked++;
}

static void test_invariants(void **state)
{
	(void)state;
	static const char *const rqs[] = { "fifo", "woken_first", "fair", "eevdf" };
	struct model sp = *M;
	sp.handle = spy;
	spy_real = M;
	for (size_t v = 0; v < sizeof(rqs) / sizeof(rqs[0]); v++) {
		char y[2048];
		snprintf(y, sizeof(y),
			 "cpus: 8\nrunqueue: %s\nplacement: wake_affine\n"
			 "topology: {smt: 2, llc: 4}\n"
			 "balance: {newidle: true, interval: 100us}\n"
			 "workload:\n  arrival: poisson\n  rate: 20000/s\n"
			 "  spawners: 2\n  lifetime: exponential(300us)\n"
			 "  slice: 200us\n  start: batch\n"
			 "  block: {probability: 0.5, run: exponential(50us),\n"
			 "          sleep: exponential(100us)}\n"
			 "  resident: {tasks: 200, busy: 6, run: exponential(40us),\n"
			 "             sleep: exponential(500us),\n"
			 "             busy_run: exponential(5ms)}\n",
			 rqs[v]);
		struct test_cfg h;
		test_cfg_open(M, &h, y);
		struct sim s;
		double m[256];
		struct rq_totals tot;
		checked = 0;
		assert_int_equal(sim_init(&s, &sp, SEED, 0, 50 * MS, NULL), 0);
		assert_int_equal(sim_run(&s, h.cfg, m), SIM_DONE);
		const struct rq_run *R = s.state;
		rq_totals(s.state, &tot);   /* per CPU: aborts on a leak */
		assert_int_equal(tot.payload + tot.bpf + tot.sw + tot.kern + tot.idle,
				 tot.elapsed);
		assert_true(tot.elapsed >= 8 * s.now);
		/* Tasks conserved: every spawn attempt exited, failed or
		 * lives (residents and parents live from the start). */
		assert_int_equal(R->spawned, R->completed + R->spawn_failures +
				 (R->live - 206 - R->nspawners));
		print_message("# %s: %llu events checked, %llu migrations\n",
			      rqs[v], (unsigned long long)checked,
			      (unsigned long long)R->migrations);
		assert_true(R->migrations > 100);
		assert_true(checked > 10000);
		sim_fini(&s);
		test_cfg_close(&h);
	}
}

static uint64_t last_exit, exits_seen;

static void exit_spy(struct sim *s, void *st, const struct evq_event *ev)
{
	const struct rq_run *R = st;
	spy_real->handle(s, st, ev);
	if (R->completed != exits_seen) {
		exits_seen = R->completed;
		last_exit = s->now;
	}
}

/* A run without a duration ends with its work, not at a periodic balance
 * after it: batch arrivals, and a poisson spawner with a spawn count
 * (its parents live on, asleep). */
static void test_run_ends(void **state)
{
	(void)state;
	static const char *const loads[] = {
		"  arrival: batch\n  processes: 300\n",
		"  arrival: poisson\n  rate: 5000/s\n  spawns: 300\n",
	};
	struct model sp = *M;
	sp.handle = exit_spy;
	spy_real = M;
	for (size_t v = 0; v < 2; v++) {
		char y[1024];
		snprintf(y, sizeof(y),
			 "cpus: 4\nplacement: wake_affine\n"
			 "topology: {smt: 2, llc: 2}\n"
			 "balance: {newidle: true, interval: 10ms}\n"
			 "workload:\n%s  lifetime: exponential(1ms)\n"
			 "  block: {probability: 0.3, sleep: exponential(1ms)}\n",
			 loads[v]);
		struct test_cfg h;
		test_cfg_open(M, &h, y);
		struct sim s;
		double m[256];
		last_exit = exits_seen = 0;
		assert_int_equal(sim_init(&s, &sp, SEED, 0, UINT64_MAX, NULL), 0);
		assert_int_equal(sim_run(&s, h.cfg, m), SIM_DONE);
		const struct rq_run *R = s.state;
		assert_int_equal(R->completed, 300);
		assert_true(R->migrations > 0);
		/* After the last exit only its switch to idle (~1 us) runs;
		 * a balance after it would end the run up to 10 ms later. */
		print_message("# load %zu: last exit %llu ns, end %llu ns\n", v,
			      (unsigned long long)last_exit,
			      (unsigned long long)s.now);
		assert_true(s.now >= last_exit && s.now - last_exit < 100000);
		sim_fini(&s);
		test_cfg_close(&h);
	}
}

static int setup(void **state)
{
	(void)state;
	M = model_find("runqslower");
	assert_non_null(M);
	SEED = test_seed(1);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wake_affine_smt),
		cmocka_unit_test(test_wake_affine_llc),
		cmocka_unit_test(test_wake_local),
		cmocka_unit_test(test_fork_path),
		cmocka_unit_test(test_wake_affine_reference),
		cmocka_unit_test(test_newidle_levels),
		cmocka_unit_test(test_invariants),
		cmocka_unit_test(test_run_ends),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
