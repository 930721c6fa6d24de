/* test_ktime.c - kernel time that is no task's (models/runqslower/ktime.h).
 *
 * Pins:
 *   - off by default: a scenario with every kernel.*, background.* and
 *     host.* key at 0 (or a rate with no episodes) runs draw for draw as
 *     the one without them (every metric bitwise equal), and reports no
 *     steal_time metric;
 *   - task life, exact with constant costs on 2 CPUs: one parent forks
 *     50 children (100/s, drained); the parent wakes on CPU 0 (least
 *     loaded, ties to the lowest), each child is placed on CPU 1, so
 *     CPU 0's kernel time is 50 x kernel.fork + 49 x kernel.reap (the
 *     parent reaps each child at its next fork; the last one stays
 *     unreaped) and CPU 1's is 50 x (kernel.exec + kernel.exit); payload
 *     is unchanged (forks' and children's demands); without parents
 *     (spawner: none) the reap follows the exit on the child's CPU;
 *   - fork cost raises busy time by rate x mean cost: 1,000 forks/s of
 *     exponential(20 us) kernel.fork over 2 s, 10 replications paired on
 *     common random numbers with the run without it: the 95% CI of the
 *     busy-time difference contains the expected 40 ms per replication
 *     (the forks actually made x 20 us is the expectation given the
 *     arrivals; the Poisson count's own spread is in the CI);
 *   - background: per-CPU time conservation (rq_cpu_totals aborts on a
 *     leak) with interrupts, softirqs and steal on a busy host, kernel
 *     time within 5% of cpus x T x sum(rate x mean) (the Poisson counts'
 *     sd is ~1% here), steal within 10% of rate x mean x (non-idle,
 *     non-steal time) (steal only hits a running vCPU) and equal to the
 *     steal_time metric; with steal alone, a host with no task is never
 *     stolen from (all idle), while interrupts still cost there;
 *   - background.while_busy: false charges nothing on CPUs that are never
 *     idle (two CPU-bound residents on 2 CPUs), the default charges every
 *     episode there (within 10%: ~1,500 Poisson episodes per source).
 * Does not pin: where irq time lands inside a BPF program (charged after
 * it, same time line), the model's numbers against a host (validate).
 */
#include "test_model.h"
#include <gsl/gsl_cdf.h>
#include "models/registry.h"
#include "models/runqslower.h"
#include "sim/model.h"
#include "sim/sim.h"
#include "sim/ytree.h"

#define MAXM 128

static const struct model *M;
static uint64_t SEED;

static size_t nmetrics(const struct test_cfg *h)
{
	size_t n = 0;
	while (h->mt[n].name)
		n++;
	assert_true(n <= MAXM);
	return n;
}

static int mi(const struct test_cfg *h, const char *name)
{
	for (size_t i = 0; h->mt[i].name; i++)
		if (!strcmp(h->mt[i].name, name))
			return (int)i;
	return -1;
}

struct run {
	double m[MAXM];
	struct rq_totals tot, cpu[4];
	uint64_t now;
};

static void run_one(const struct test_cfg *h, uint64_t rep, uint64_t end,
		    struct run *r)
{
	struct sim s;
	memset(r, 0, sizeof(*r));
	assert_int_equal(sim_init(&s, M, SEED, rep, end, NULL), 0);
	assert_int_equal(sim_run(&s, h->cfg, r->m), SIM_DONE);
	rq_totals(s.state, &r->tot);   /* aborts if a CPU leaks time */
	for (uint32_t c = 0; c < 4; c++)
		if (rq_cpu_totals(s.state, c, &r->cpu[c]))
			break;
	r->now = s.now;
	sim_fini(&s);
}

static void check_conserved(const struct rq_totals *t, const char *what)
{
	char w[160];
	snprintf(w, sizeof(w), "%s: payload+bpf+switch+kernel+steal+idle", what);
	assert_rel(t->payload + t->bpf + t->sw + t->kern + t->steal + t->idle,
		   t->elapsed, 0, w);
}

/* ---- off by default ------------------------------------------------------ */

#define BASE \
	"cpus: 2\nworkload:\n  arrival: poisson\n  rate: 3000/s\n" \
	"  lifetime: exponential(100us)\n" \
	"  block: {probability: 0.3, run: 20us, sleep: exponential(200us)}\n"

static void test_off_by_default(void **state)
{
	(void)state;
	struct test_cfg a, b;
	struct run ra, rb;
	test_cfg_open(M, &a, BASE);
	test_cfg_open(M, &b, BASE
		 "kernel: {fork: 0, exec: 0, exit: 0, reap: 0}\n"
		 "background:\n  irq: {rate: 0, duration: 5us}\n"
		 "  softirq: {rate: 0}\n"
		 "host: {steal: {rate: 0, duration: 0}}\n");
	assert_int_equal(mi(&b, "steal_time"), -1);
	assert_int_equal(nmetrics(&a), nmetrics(&b));
	run_one(&a, 0, 200000000, &ra);
	run_one(&b, 0, 200000000, &rb);
	for (size_t i = 0; i < nmetrics(&a); i++)
		if (!(ra.m[i] == rb.m[i] || (isnan(ra.m[i]) && isnan(rb.m[i]))))
			fail_msg("%s moved: %.17g -> %.17g", a.mt[i].name,
				 ra.m[i], rb.m[i]);
	test_cfg_close(&a);
	test_cfg_close(&b);
}

/* ---- task life: where each cost lands ------------------------------------ */

#define LIFE(spawner) \
	"cpus: 2\ncontext_switch: 1us\nworkload:\n  arrival: poisson\n" \
	"  rate: 100/s\n  spawns: 50\n  spawner: " spawner "\n" \
	"  fork: 30us\n  lifetime: 10us\n" \
	"kernel: {fork: 1ms, exec: 2us, exit: 7us, reap: 3us}\n"

static void test_task_life(void **state)
{
	(void)state;
	struct test_cfg h;
	struct run r;
	test_cfg_open(M, &h, LIFE("task"));
	run_one(&h, 0, 0, &r);
	check_conserved(&r.tot, "parent");
	assert_rel(r.m[mi(&h, "tasks_completed")], 50, 0, "drained");
	assert_rel(r.cpu[0].kern, 50 * 1e6 + 49 * 3e3, 0,
		   "parent's CPU: 50 forks + 49 reaps");
	assert_rel(r.cpu[1].kern, 50 * (2e3 + 7e3), 0,
		   "children's CPU: 50 execs + exits");
	assert_rel(r.tot.payload, 50 * (30e3 + 10e3), 0,
		   "payload: forks' and children's demands only");
	assert_rel(r.m[mi(&h, "kernel_time")], r.tot.kern, 0, "metric = totals");
	test_cfg_close(&h);

	/* No parent: fork on the child's CPU, the child reaps itself. */
	test_cfg_open(M, &h, LIFE("none"));
	run_one(&h, 0, 0, &r);
	check_conserved(&r.tot, "no parent");
	assert_rel(r.tot.kern, 50 * (1e6 + 2e3 + 7e3 + 3e3), 0,
		   "no parent: fork, exec, exit and reap per child");
	assert_rel(r.tot.payload, 50 * 10e3, 0, "no parent: demands only");
	test_cfg_close(&h);
}

/* ---- fork cost raises busy time by rate x mean ---------------------------- */

#define FORKS \
	"cpus: 2\nworkload:\n  arrival: poisson\n  rate: 1000/s\n" \
	"  fork: 30us\n  lifetime: exponential(100us)\n"

static double busy(const struct run *r)
{
	return (double)(r->tot.payload + r->tot.bpf + r->tot.sw + r->tot.kern);
}

static void test_fork_busy(void **state)
{
	(void)state;
	enum { REPS = 10 };
	const uint64_t end = 2000000000;   /* 2 s */
	struct test_cfg off, on;
	test_cfg_open(M, &off, FORKS);
	test_cfg_open(M, &on, FORKS "kernel: {fork: exponential(20us)}\n");
	double d[REPS], sum = 0, ss = 0;
	for (uint64_t rep = 0; rep < REPS; rep++) {
		struct run a, b;
		run_one(&off, rep, end, &a);
		run_one(&on, rep, end, &b);
		check_conserved(&b.tot, "forks");
		d[rep] = busy(&b) - busy(&a);
		sum += d[rep];
	}
	double mean = sum / REPS;
	for (int i = 0; i < REPS; i++)
		ss += (d[i] - mean) * (d[i] - mean);
	double half = gsl_cdf_tdist_Pinv(0.975, REPS - 1) *
		      sqrt(ss / (REPS - 1) / REPS);
	double want = 1000 * 2.0 * 20e3;   /* rate x T x mean cost, ns */
	fprintf(stderr, "# busy +%.0f +- %.0f ns per run, want %.0f\n", mean,
		half, want);
	if (!(fabs(mean - want) <= half))
		fail_msg("busy time rose by %.0f +- %.0f ns, want %.0f", mean,
			 half, want);
	/* The CI has power: narrower than 10% of the effect. */
	assert_true(half < 0.1 * want);
	test_cfg_close(&off);
	test_cfg_close(&on);
}

/* ---- background ------------------------------------------------------------ */

#define BG_SRC \
	"  irq: {rate: 2000/s, duration: 3us}\n" \
	"  softirq: {rate: 1000/s, duration: exponential(10us)}\n"
#define STEAL "host: {steal: {rate: 200/s, duration: exponential(100us)}}\n"
#define BG "background:\n" BG_SRC STEAL

static void test_background(void **state)
{
	(void)state;
	const uint64_t end = 2000000000;   /* 2 s */
	struct test_cfg h;
	struct run r;
	test_cfg_open(M, &h, "cpus: 4\nworkload:\n  resident: {tasks: 40, run: 50us,\n"
		 "    sleep: exponential(400us)}\n" BG);
	int st = mi(&h, "steal_time");
	assert_true(st >= 0);
	run_one(&h, 0, end, &r);
	check_conserved(&r.tot, "background");
	for (int c = 0; c < 4; c++)
		check_conserved(&r.cpu[c], "background, one CPU");
	double want = 4 * 2.0 * (2000 * 3e3 + 1000 * 10e3);
	assert_rel(r.tot.kern, want, 0.05, "irq + softirq kernel time");
	double ran = (double)(r.tot.elapsed - r.tot.idle - r.tot.steal);
	assert_rel(r.tot.steal, 200 * 100e3 * 1e-9 * ran, 0.10,
		   "steal: rate x mean of the running time");
	assert_rel(r.m[st], r.tot.steal, 0, "steal_time metric");
	test_cfg_close(&h);

	/* Nothing runs: nothing to steal (an interrupt would wake the vCPU,
	 * and it could be stolen from while it handles one: steal alone). */
	test_cfg_open(M, &h, "cpus: 2\nworkload: {processes: 0}\n"
		 "host: {steal: {rate: 200/s, duration: exponential(100us)}}\n");
	run_one(&h, 0, end, &r);
	check_conserved(&r.tot, "idle host");
	assert_rel(r.tot.steal, 0, 0, "an idle vCPU is not stolen from");
	assert_rel(r.m[mi(&h, "steal_time")], 0, 0, "steal_time 0");
	assert_rel(r.tot.idle, r.tot.elapsed, 0, "idle host: all idle");
	test_cfg_close(&h);

	/* Interrupts on an idle host still cost (the CPU leaves idle). */
	test_cfg_open(M, &h, "cpus: 2\nworkload: {processes: 0}\n" BG);
	run_one(&h, 0, end, &r);
	check_conserved(&r.tot, "idle host, interrupts");
	assert_rel(r.tot.kern, 2 * 2.0 * (2000 * 3e3 + 1000 * 10e3), 0.05,
		   "idle host: interrupts still cost");
	test_cfg_close(&h);
}

/* background.while_busy: false charges only what lands on an idle CPU:
 * two CPU-bound residents on 2 CPUs are never idle, so nothing is charged
 * (and steal, which needs a running vCPU, never); with the default, the
 * same episodes cost. */
static void test_while_busy(void **state)
{
	(void)state;
	const uint64_t end = 500000000;   /* 0.5 s */
	struct test_cfg h;
	struct run r;
	test_cfg_open(M, &h, "cpus: 2\nworkload: {processes: 0, resident: {busy: 2}}\n"
		 "background:\n  while_busy: false\n" BG_SRC STEAL);
	run_one(&h, 0, end, &r);
	check_conserved(&r.tot, "while_busy false");
	assert_rel(r.tot.kern, 0, 0, "busy CPUs: no episode charged");
	assert_rel(r.tot.steal, 0, 0, "busy CPUs: no steal charged");
	test_cfg_close(&h);
	test_cfg_open(M, &h, "cpus: 2\nworkload: {processes: 0, resident: {busy: 2}}\n"
		 BG);
	run_one(&h, 0, end, &r);
	assert_rel(r.tot.kern, 2 * 0.5 * (2000 * 3e3 + 1000 * 10e3), 0.1,
		   "while_busy true: every episode charged");
	assert_true(r.tot.steal > 0);
	test_cfg_close(&h);
}

int main(void)
{
	M = model_find("runqslower");
	if (!M)
		return 1;
	SEED = test_seed(1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_off_by_default),
		cmocka_unit_test(test_task_life),
		cmocka_unit_test(test_fork_busy),
		cmocka_unit_test(test_background),
		cmocka_unit_test(test_while_busy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
