/* test_runqslower.c - the runqslower model (models/runqslower/) end to end.
 *
 * Scenarios are written as YAML text here (or as fixtures
 * tests/scenarios/rq-*.yaml where the published cost preset is included),
 * configured through the model's own configure and run through sim_run or
 * the replication runner.  Run from the repository root.
 *
 * Pins:
 *   - zero BPF cost (every hook, output and storage cost 0, or
 *     probe.attach: false with the default costs) gives overhead_ratio 0
 *     and bitwise identical task timelines (payload, switch, idle, elapsed,
 *     waits, completions, backlog) for hash, task_storage and lru_hash at
 *     the same seed - even when the small hash fills and the LRU evicts;
 *   - 1 CPU, Poisson spawns, exponential demand, no slicing, zero costs
 *     including the context switch: the mean runqueue wait matches M/M/1
 *     Wq = rho / (mu - lambda) (mmc_wait_mmc) at rho = 0.7: the 95% CI
 *     over 20 replications contains it, and is narrower than 3% of it (so
 *     the check has power: a 5% bias in the waits fails it);
 *   - time conservation, per CPU (rq_totals aborts through SIM_CHECK) and
 *     summed: payload + bpf + switch + idle = committed elapsed time, on
 *     varied scenarios (blocking, preemption, a horizon that cuts segments,
 *     heavy BPF with each nesting mode, every placement, no-prealloc,
 *     cleanup_on_exit, a capped run); the metrics equal the totals, and BPF
 *     time is the sum of the per-hook BPF times; runs are measured up to
 *     the horizon (committed time passes cpus x horizon only by overhead
 *     in progress, < 100 us per CPU here);
 *   - common random numbers: the demands are the "work" stream's draws
 *     (payload of a drained batch = the sum the test draws itself from that
 *     stream, equal for every strategy) and the Poisson spawn times are the
 *     "arrivals" stream's (spawns before a horizon = the count the test
 *     computes itself, equal for every strategy), whatever the BPF costs;
 *   - a hash with occupancy_factor quadratic(1024) costs strictly more BPF
 *     time than task storage with thousands of live sleeping tasks, and its
 *     per-wakeup cost is many times the factor-free hash's, while with a few
 *     dozen tasks the factor changes it by < 1%;
 *   - libbpf-tools `delete: on_report` under pid churn with a 256-entry
 *     hash: failed updates and missed samples; no recursion misses and no
 *     false reports with per_program (the default), false reports with
 *     any_program; `delete:
 *     always`: no false reports, no failed updates, the map never fills,
 *     and every missed sample is a wakeup skipped by the recursion check;
 *     lru_hash evicts instead of failing; task storage never fails;
 *   - with the 2021 cost preset (scenarios/costs/published.yaml), a
 *     pure spawn storm costs less per sched_wakeup_new with the
 *     preallocated hash; with the default preset (costs/linux-6.x.yaml)
 *     steady wake-ups of 200 threads (W ~ 50 per CPU) cost less per
 *     sched_wakeup with the hash and less per sched_switch with task
 *     storage; and that preset equals the built-in defaults (bitwise
 *     identical runs with and without the include);
 *   - parents (workload.spawner: task): each fork is `fork` of the
 *     parent's CPU time, counted as payload (a drained run's payload =
 *     children's demands + forks, exactly, with constant costs); every
 *     request is forked; sched_wakeup_new runs in the parent's stretch, so
 *     a dear hook slows the parent and fewer children are forked by a
 *     horizon than with spawner: none (the open loop keeps the arrival
 *     times); time is conserved with several parents;
 *   - pid allocation wraps at pid_max (to 300): with all pids busy spawns
 *     fail (spawn_failures), pids are reused (more completions than pids);
 *   - least_loaded placement breaks ties towards CPU 0: one task on 4 CPUs
 *     only ever makes CPU 0 do anything (seen through the CPU events the
 *     model schedules: targets 0..cpus-1 are the CPUs, as the model
 *     numbers them), while random and round_robin spread it; its idle
 *     bitmap and tournament tree agree with a scan of the CPUs after
 *     every event (37 CPUs, every runqueue discipline, preemption, idle
 *     wake-up latency, parents, busy residents, CPUs never idle);
 *   - caps.max_live_tasks ends the run as SIM_CAPPED ("max_live_tasks");
 *   - an open arrival process (poisson, interval) without duration or
 *     spawns is refused at init with a clear message, and by scenario_load
 *     as bad input positioned at the arrival value.
 *
 * Tolerances: everything compared between strategies or against the
 * model's own totals is exact (integer ns, or the same double computation);
 * the M/M/1 check is statistical (95% CI over 20 replications of 100,000
 * spawns; a correct model misses it for ~5% of seeds).  The default seed
 * (1) passes, chosen by running the test: of seeds 1..20, seed 10 misses
 * (165,814 +- 1,577 ns against 163,333: 1.6 half-widths high) and the
 * other 19 pass; the mean over the 20 seeds is 163,352 +- 230 (s.e.) ns,
 * +0.01%, so no bias shows.  Misses on most seeds, or always on one side,
 * would be a bug;
 * the other comparisons are orderings with margins far outside the
 * replication noise (each states its margin).  Random parts print their
 * seed; set BPFSIM_TEST_SEED to replay or try others.
 *
 * Does not pin: quantile estimates beyond bitwise equality, the exact
 * counts of reports/misses (seed-dependent), the rate at which the
 * recursion check fires, trace arrivals (CLI tests), nor speed.  Nor where
 * false reports come from: in these runs every one comes from a wakeup
 * skipped by the (any_program) recursion check while an older entry of the task
 * remained (a reused pid's leaked hash entry is always overwritten by the
 * new task's sched_wakeup_new, which is never skipped and, for a key
 * present, never refused).  Runtime
 * ~2 s under ASan on 2 cores.
 */
#include "test_util.h"
#include "models/registry.h"
#include <string.h>
#include <gsl/gsl_randist.h>
#include "models/mmc.h"
#include "models/runqslower.h"
#include "models/storage.h"
#include "sim/cli/env.h"
#include "sim/dist.h"
#include "sim/exp/runner.h"
#include "sim/exp/scenario.h"
#include "sim/sim.h"
#include "sim/stats.h"
#include "sim/ytree.h"

#define FIXTURE(name) "tests/scenarios/" name
#define MAXM 96

static const struct model *M;
static size_t NM;
static uint64_t SEED;

static int setup(void **state)
{
	(void)state;
	M = model_find("runqslower");
	assert_non_null(M);
	NM = model_metric_count(M);
	assert_true(NM <= MAXM);
	return 0;
}

static int mi(const char *name)
{
	int i = model_metric_index(M, name);
	if (i < 0)
		fail_msg("no metric '%s'", name);
	return i;
}

/* ---- configuring and running ------------------------------------------- */

struct cfgh {
	struct ytree *t;
	void *cfg;
};

/* Configure from YAML text (model keys only); kind (or NULL) sets
 * storage.kind.  Fails the test on any error. */
static void cfg_open(struct cfgh *h, const char *yaml, const char *kind)
{
	struct err e;
	char msg[1024];
	err_init(&e);
	h->t = ytree_load_buffer("rq.yaml", yaml, strlen(yaml), &e);
	if (h->t && kind) {
		char set[64];
		snprintf(set, sizeof(set), "storage.kind=%s", kind);
		ytree_set_path(h->t, set, &e);
	}
	h->cfg = h->t && !e.status ? M->configure(ytree_root(h->t), &e) : NULL;
	if (!h->cfg || ytree_check_unknown(h->t, &e)) {
		err_format(&e, msg, sizeof(msg));
		fail_msg("config (%s): %s\n%s", kind ? kind : "-", msg, yaml);
	}
}

static void cfg_close(struct cfgh *h)
{
	M->config_free(h->cfg);
	ytree_free(h->t);
}

struct run {
	enum sim_status st;
	const char *cap_reason;
	double m[MAXM];
	struct rq_totals tot;
	uint64_t now;
	struct err err;
};

static void run_one(const void *cfg, uint64_t seed, uint64_t rep, uint64_t end,
		    const struct sim_caps *caps, struct run *r)
{
	struct sim s;
	memset(r, 0, sizeof(*r));
	assert_int_equal(sim_init(&s, M, seed, rep, end, caps), 0);
	r->st = sim_run(&s, cfg, r->m);
	if (r->st != SIM_FAILED)
		rq_totals(s.state, &r->tot);   /* aborts if a CPU leaks time */
	r->now = s.now;
	r->err = s.err;
	r->cap_reason = s.cap_reason;
	sim_fini(&s);
}

/* Replications through the runner (threads); metrics into m[rep][]. */
static void run_reps(const void *cfg, uint64_t seed, size_t reps, uint64_t end,
		     double (*m)[MAXM])
{
	struct runner_job *jobs = calloc(reps, sizeof(*jobs));
	assert_non_null(jobs);
	for (size_t i = 0; i < reps; i++) {
		jobs[i].model = M;
		jobs[i].cfg = cfg;
		jobs[i].seed = seed;
		jobs[i].rep = i;
		jobs[i].end = end;
		jobs[i].metrics = m[i];
	}
	runner_run(jobs, reps, 0, NULL, NULL, NULL);
	for (size_t i = 0; i < reps; i++)
		if (jobs[i].status != SIM_DONE)
			fail_msg("replication %zu: status %d %s", i, jobs[i].status,
				 jobs[i].error);
	free(jobs);
}

static void assert_same_impl(double a, double b, const char *what,
			     const char *file, int line)
{
	if (!(a == b || (isnan(a) && isnan(b)))) {
		print_error("%s: %.17g != %.17g\n", what, a, b);
		_fail(file, line);
	}
}
#define assert_same(a, b, what) \
	assert_same_impl((a), (b), (what), __FILE__, __LINE__)

/* Conservation, summed, and the metrics' agreement with the totals. */
static void check_totals(const struct run *r, unsigned cpus, const char *what)
{
	const struct rq_totals *t = &r->tot;
	char w[160];
	snprintf(w, sizeof(w), "%s: payload+bpf+switch+kernel+idle = elapsed",
		 what);
	assert_same((double)(t->payload + t->bpf + t->sw + t->kern + t->steal +
			     t->idle), (double)t->elapsed, w);
	snprintf(w, sizeof(w), "%s: committed time >= cpus x now", what);
	if (!(t->elapsed >= (uint64_t)cpus * r->now))
		fail_msg("%s (%llu < %u x %llu)", w,
			 (unsigned long long)t->elapsed, cpus,
			 (unsigned long long)r->now);
	assert_same(r->m[mi("payload_time")], (double)t->payload, what);
	assert_same(r->m[mi("bpf_time")], (double)t->bpf, what);
	assert_same(r->m[mi("switch_time")], (double)t->sw, what);
	assert_same(r->m[mi("kernel_time")], (double)t->kern, what);
	assert_same(r->m[mi("idle_time")], (double)t->idle, what);
	assert_same(r->m[mi("elapsed")], (double)r->now, what);
	double hooks = r->m[mi("bpf_time_sched_wakeup")] +
		       r->m[mi("bpf_time_sched_wakeup_new")] +
		       r->m[mi("bpf_time_sched_switch")] +
		       r->m[mi("bpf_time_sched_process_exit")];
	snprintf(w, sizeof(w), "%s: bpf time = sum over hooks", what);
	assert_same(hooks, (double)t->bpf, w);
}

/* Every hook, output and storage cost zero. */
#define ZERO_HOOKS \
	"  hooks: {sched_wakeup: 0, sched_wakeup_new: 0, sched_switch: 0,\n" \
	"          sched_process_exit: 0}\n" \
	"  output_cost: {perf: 0, ringbuf: 0}\n"
#define ZERO_STORAGE \
	"storage:\n" \
	"  hash: {update: 0, lookup: 0, miss: 0, delete: 0, alloc: 0, free: 0,\n" \
	"         full_update_cost: 0, max_entries: 64}\n" \
	"  lru_hash: {update: 0, lookup: 0, miss: 0, delete: 0, evict: 0,\n" \
	"             max_entries: 64, evict_batch: 8}\n" \
	"  task_storage: {get: 0, create: 0, recreate: 0, delete: 0, free: 0}\n"

static const char *const kinds[] = { "hash", "task_storage", "lru_hash" };
#define NKINDS 3

/* ---- zero cost: no overhead, identical timelines ----------------------- */

#define CHURN_WORKLOAD \
	"cpus: 4\n" \
	"workload:\n" \
	"  arrival: poisson\n  spawner: none\n" \
	"  rate: 12000/s\n" \
	"  lifetime: exponential(200us)\n" \
	"  slice: 50us\n" \
	"  block: {probability: 0.3, run: exponential(20us),\n" \
	"          sleep: exponential(100us)}\n"

static void test_zero_cost_identical(void **state)
{
	(void)state;
	static const char *const same[] = {
		"payload_time", "switch_time", "idle_time", "elapsed", "wait_mean",
		"wait_p50", "wait_p99", "tasks_spawned", "tasks_completed",
		"spawn_failures", "peak_backlog", "peak_live_tasks",
		"runs_per_s_sched_wakeup_new", "runs_per_s_sched_switch",
		"runs_per_s_sched_wakeup",
	};
	const char *zero = CHURN_WORKLOAD
		"probe:\n  threshold: 10us\n" ZERO_HOOKS
		ZERO_STORAGE;
	const char *detached = CHURN_WORKLOAD "probe: {attach: false}\n";
	const uint64_t end = 50000000;   /* 50 ms */
	struct cfgh h[NKINDS + 1];
	for (int k = 0; k < NKINDS; k++)
		cfg_open(&h[k], zero, kinds[k]);
	cfg_open(&h[NKINDS], detached, NULL);   /* default (non-zero) costs */
	static struct run r[NKINDS + 1];
	uint64_t failed = 0, evicted = 0;
	for (uint64_t rep = 0; rep < 3; rep++) {
		for (int k = 0; k <= NKINDS; k++) {
			run_one(h[k].cfg, SEED, rep, end, NULL, &r[k]);
			assert_int_equal(r[k].st, SIM_DONE);
			check_totals(&r[k], 4, "zero cost");
			assert_same(r[k].m[mi("overhead_ratio")], 0, "overhead_ratio");
			assert_same(r[k].m[mi("bpf_cpu_share")], 0, "bpf_cpu_share");
			assert_same(r[k].m[mi("bpf_time")], 0, "bpf_time");
		}
		assert_true(r[0].m[mi("tasks_completed")] > 300);
		assert_true(r[0].m[mi("switch_time")] > 0);
		for (int k = 1; k <= NKINDS; k++)
			for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
				char what[128];
				snprintf(what, sizeof(what), "%s: %s vs hash",
					 k < NKINDS ? kinds[k] : "attach false", same[i]);
				if (k == NKINDS && strncmp(same[i], "runs_per_s", 10) == 0)
					continue;   /* no hooks run when detached */
				assert_same(r[k].m[mi(same[i])], r[0].m[mi(same[i])], what);
			}
		failed += (uint64_t)r[0].m[mi("failed_updates")];
		evicted += (uint64_t)r[2].m[mi("evictions")];
	}
	/* The storage failure paths ran, and still changed nothing. */
	assert_true(failed > 0);
	assert_true(evicted > 0);
	for (int k = 0; k <= NKINDS; k++)
		cfg_close(&h[k]);
}

/* ---- M/M/1 -------------------------------------------------------------- */

#define MM1_REPS 20
#define MM1_SPAWNS 100000

static void test_mm1(void **state)
{
	(void)state;
	/* lambda = 10000/s, mean demand 70 us: rho = 0.7,
	 * Wq = 0.7 / (1/70us - 1/100us) = 163,333 ns. */
	char yaml[2048];
	snprintf(yaml, sizeof(yaml),
		 "cpus: 1\n"
		 "context_switch: 0\n"
		 "workload:\n"
		 "  arrival: poisson\n  spawner: none\n"
		 "  rate: 10000/s\n"
		 "  spawns: %d\n"
		 "  lifetime: exponential(70us)\n"
		 "  slice: 1000s\n"
		 "probe:\n" ZERO_HOOKS ZERO_STORAGE, MM1_SPAWNS);
	struct cfgh h;
	cfg_open(&h, yaml, "task_storage");
	static double m[MM1_REPS][MAXM];
	run_reps(h.cfg, SEED, MM1_REPS, 0, m);
	double w[MM1_REPS];
	for (int i = 0; i < MM1_REPS; i++) {
		w[i] = m[i][mi("wait_mean")];
		/* Drained, nothing lost, nothing sliced: every task waited once. */
		assert_same(m[i][mi("tasks_completed")], MM1_SPAWNS, "completed");
		assert_same(m[i][mi("bpf_time")], 0, "no BPF");
		assert_same(m[i][mi("switch_time")], 0, "free switches");
	}
	struct stat_summary sum;
	stat_summarize(w, MM1_REPS, 0.95, &sum);
	double wq = mmc_wait_mmc(1, 1.0 / 100000, 1.0 / 70000);
	assert_rel(wq, 0.7 * 700000 / 3, 1e-12, "M/M/1 Wq closed form");
	print_message("# M/M/1 rho 0.7: Wq %.0f ns, simulated %.0f +- %.0f ns\n",
		      wq, sum.mean, sum.half);
	if (!(sum.lo <= wq && wq <= sum.hi))
		fail_msg("M/M/1 Wq %.1f outside the 95%% CI [%.1f, %.1f]", wq,
			 sum.lo, sum.hi);
	/* Power: the CI is tight enough that a wrong wait would miss it. */
	assert_true(sum.half < 0.03 * wq);
	cfg_close(&h);
}

/* ---- time conservation --------------------------------------------------- */

static void test_conservation(void **state)
{
	(void)state;
	static const struct {
		const char *name, *kind;
		unsigned cpus;
		uint64_t end;             /* ns, 0 = drain */
		uint64_t max_live;
		int cut;                  /* the horizon cuts a segment */
		const char *yaml;
	} cases[] = {
		{ "blocking+preemption, horizon mid-segment", "hash", 4, 20012345,
		  0, 1,
		  "cpus: 4\nworkload:\n  arrival: poisson\n  spawner: none\n  rate: 30000/s\n"
		  "  lifetime: exponential(300us)\n  slice: 100us\n"
		  "  block: {probability: 0.4, sleep: exponential(200us)}\n" },
		{ "batch drained, task storage", "task_storage", 3, 0, 0, 0,
		  "cpus: 3\nworkload:\n  processes: 300\n"
		  "  lifetime: exponential(500us)\n  slice: 100us\n"
		  "  block: {probability: 0.2, run: exponential(30us),\n"
		  "          sleep: exponential(300us)}\n" },
		{ "heavy BPF, serialize, small lru", "lru_hash", 2, 30000000, 0, 0,
		  "cpus: 2\nworkload:\n  arrival: interval\n  spawner: none\n  rate: 5000/s\n"
		  "  lifetime: exponential(200us)\n  slice: 50us\n"
		  "  block: {probability: 0.5, sleep: exponential(50us)}\n"
		  "probe:\n  nesting: serialize\n  threshold: 1us\n"
		  "  hooks: {sched_wakeup: 5us, sched_switch: exponential(3us)}\n"
		  "storage:\n  lru_hash: {max_entries: 16, evict_batch: 4}\n" },
		{ "heavy BPF, any_program, random placement", "task_storage", 4,
		  30000000, 0, 0,
		  "cpus: 4\nplacement: random\nworkload:\n  arrival: poisson\n  spawner: none\n"
		  "  rate: 20000/s\n  lifetime: exponential(100us)\n  slice: 30us\n"
		  "  block: {probability: 0.6, sleep: exponential(40us)}\n"
		  "probe:\n  nesting: any_program\n  threshold: 1us\n"
		  "  hooks: {sched_wakeup: 4us, sched_switch: 2us}\n" },
		{ "heavy BPF, per_program, wake-ups on idle wakers", "task_storage",
		  4, 30000000, 0, 0,
		  "cpus: 4\nplacement: random\nidle_wakeup: 5us\n"
		  "workload:\n  arrival: poisson\n  spawner: none\n"
		  "  rate: 20000/s\n  lifetime: exponential(100us)\n  slice: 30us\n"
		  "  block: {probability: 0.6, sleep: exponential(40us)}\n"
		  "probe:\n  threshold: 1us\n"
		  "  hooks: {sched_wakeup: 4us, sched_switch: 2us}\n" },
		{ "round robin, no-prealloc, cleanup on exit", "hash", 3, 25000000,
		  0, 0,
		  "cpus: 3\nplacement: round_robin\nworkload:\n  arrival: poisson\n  spawner: none\n"
		  "  rate: 15000/s\n  lifetime: exponential(100us)\n  slice: 40us\n"
		  "  block: {probability: 0.3, sleep: exponential(100us)}\n"
		  "probe: {cleanup_on_exit: true, output: ringbuf}\n"
		  "storage:\n  hash: {prealloc: false, max_entries: 32}\n" },
		{ "capped run", "hash", 2, 0, 50, 0,
		  "cpus: 2\nworkload:\n  processes: 500\n  lifetime: 1ms\n"
		  "  slice: 100us\n" },
		{ "1 CPU, free switches, zero costs", "hash", 1, 5000000, 0, 0,
		  "cpus: 1\ncontext_switch: 0\nworkload:\n  arrival: poisson\n  spawner: none\n"
		  "  rate: 8000/s\n  lifetime: exponential(100us)\n  slice: 20us\n"
		  "  block: {probability: 0.5, sleep: exponential(50us)}\n"
		  "probe:\n" ZERO_HOOKS ZERO_STORAGE },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cfgh h;
		cfg_open(&h, cases[i].yaml, cases[i].kind);
		struct sim_caps caps = { 0 };
		caps.max_live_tasks = cases[i].max_live;
		for (uint64_t rep = 0; rep < 3; rep++) {
			struct run r;
			run_one(h.cfg, SEED, rep, cases[i].end, &caps, &r);
			assert_int_equal(r.st,
					 cases[i].max_live ? SIM_CAPPED : SIM_DONE);
			check_totals(&r, cases[i].cpus, cases[i].name);
			if (!cases[i].max_live)
				assert_true(r.tot.payload > 0);
			if (cases[i].end)
				assert_int_equal(r.now, cases[i].end);
			/* Measured up to the horizon: a cut segment counts what
			 * it ran; only overhead charged whole when it fired may
			 * pass the horizon (at most one burst per CPU here). */
			if (cases[i].end &&
			    r.tot.elapsed > cases[i].cpus * r.now + cases[i].cpus * 100000)
				fail_msg("%s: committed %llu ns, horizon %u x %llu",
					 cases[i].name,
					 (unsigned long long)r.tot.elapsed,
					 cases[i].cpus, (unsigned long long)r.now);
			if (!cases[i].end && !cases[i].max_live)
				assert_same(r.m[mi("tasks_completed")],
					    r.m[mi("tasks_spawned")], cases[i].name);
		}
		cfg_close(&h);
	}
}

/* ---- common random numbers ----------------------------------------------- */


/* What the model should draw, drawn here from the same named streams:
 * the demands of a batch (whole ns, as the model schedules them) ... */
static uint64_t sum_demands(uint64_t seed, uint64_t rep, const char *lifetime,
			    uint64_t n)
{
	struct sim s;
	struct err e;
	err_init(&e);
	struct dist *d = dist_parse_text(lifetime, DIST_DURATION, "t", 1, 1, &e);
	assert_non_null(d);
	sim_init(&s, M, seed, rep, 0, NULL);
	gsl_rng *r = sim_rng(&s, "work");
	uint64_t sum = 0;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t v = dist_sample_ns(d, r);
		sum += v ? v : 1;   /* a zero demand runs 1 ns */
	}
	sim_fini(&s);
	dist_free(d);
	return sum;
}

/* ... and how many Poisson spawns fall before `end`. */
static uint64_t count_poisson(uint64_t seed, uint64_t rep, double rate,
			      uint64_t end)
{
	struct sim s;
	sim_init(&s, M, seed, rep, end, NULL);
	gsl_rng *r = sim_rng(&s, "arrivals");
	uint64_t n = 0;
	uint64_t t = (uint64_t)llround(gsl_ran_exponential(r, 1e9 / rate));
	while (t < end) {
		n++;
		t += (uint64_t)llround(gsl_ran_exponential(r, 1e9 / rate));
	}
	sim_fini(&s);
	return n;
}

static void test_crn(void **state)
{
	(void)state;
	/* Demands: a batch that drains, with blocking and preemption, at the
	 * published (non-zero, strategy-specific) costs. */
	const char *batch =
		"cpus: 4\nworkload:\n  processes: 400\n"
		"  lifetime: exponential(300us)\n  slice: 50us\n"
		"  block: {probability: 0.3, sleep: exponential(100us)}\n"
		"storage:\n  hash: {occupancy_factor: quadratic(64)}\n";
	/* Spawn times: Poisson to a horizon. */
	const char *open =
		"cpus: 2\nworkload:\n  arrival: poisson\n  spawner: none\n  rate: 25000/s\n"
		"  lifetime: exponential(50us)\n"
		"  block: {probability: 0.5, sleep: exponential(30us)}\n"
		"storage:\n  hash: {max_entries: 100}\n";
	const uint64_t end = 20000000;
	for (uint64_t rep = 0; rep < 3; rep++) {
		uint64_t want = sum_demands(SEED, rep, "exponential(300us)", 400);
		uint64_t spawns = count_poisson(SEED, rep, 25000, end);
		double bpf[NKINDS];
		for (int k = 0; k < NKINDS; k++) {
			struct cfgh h;
			struct run r;
			cfg_open(&h, batch, kinds[k]);
			run_one(h.cfg, SEED, rep, 0, NULL, &r);
			assert_int_equal(r.st, SIM_DONE);
			assert_same(r.m[mi("tasks_spawned")], 400, "batch spawned");
			assert_same(r.m[mi("tasks_completed")], 400, "batch drained");
			assert_same(r.m[mi("payload_time")], (double)want,
				    "payload = the work stream's demands");
			bpf[k] = r.m[mi("bpf_time")];
			cfg_close(&h);

			cfg_open(&h, open, kinds[k]);
			run_one(h.cfg, SEED, rep, end, NULL, &r);
			assert_int_equal(r.st, SIM_DONE);
			assert_same(r.m[mi("tasks_spawned")], (double)spawns,
				    "spawns = the arrivals stream's times");
			cfg_close(&h);
		}
		/* ... while the strategies did cost different amounts. */
		assert_true(bpf[0] != bpf[1] && bpf[1] != bpf[2]);
	}
}

/* ---- occupancy factor ------------------------------------------------------ */

static void test_quadratic_hash(void **state)
{
	(void)state;
	/* Sleeping threads that wake, run a little and sleep again; the
	 * on_report hash keeps an entry for most of them. */
#define QUAD_FMT \
	"cpus: 8\nworkload:\n  processes: %d\n  lifetime: 10s\n" \
	"  block: {probability: 1, run: exponential(50us),\n" \
	"          sleep: exponential(%s)}\n" \
	"probe: {threshold: 100us}\n" \
	"storage:\n  hash: {occupancy_factor: %s, wake_factor: none}\n"
	struct {
		int n;
		const char *sleep;
		uint64_t end;
	} pop[2] = { { 4000, "50ms", 200000000 }, { 40, "500us", 20000000 } };
	for (int p = 0; p < 2; p++) {
		char yq[512], yn[512];
		snprintf(yq, sizeof(yq), QUAD_FMT, pop[p].n, pop[p].sleep, "quadratic(1024)");
		snprintf(yn, sizeof(yn), QUAD_FMT, pop[p].n, pop[p].sleep, "none");
		struct cfgh hq, hn, ht;
		cfg_open(&hq, yq, "hash");
		cfg_open(&hn, yn, "hash");
		cfg_open(&ht, yq, "task_storage");
		for (uint64_t rep = 0; rep < 2; rep++) {
			struct run rq, rn, rt;
			run_one(hq.cfg, SEED, rep, pop[p].end, NULL, &rq);
			run_one(hn.cfg, SEED, rep, pop[p].end, NULL, &rn);
			run_one(ht.cfg, SEED, rep, pop[p].end, NULL, &rt);
			double wq = rq.m[mi("bpf_per_run_sched_wakeup")];
			double wn = rn.m[mi("bpf_per_run_sched_wakeup")];
			if (p == 0) {
				/* Thousands of entries (~2,600 on average at seed 1):
				 * factor 1 + (occ/1024)^2 ~ 7 on the update (~105 ns
				 * hot), not on the ~100 ns program base.  Seen at seed
				 * 1: per wakeup 1,004 vs 205 ns without the factor
				 * (4.9x, asserted > 4x). */
				assert_true(rq.m[mi("map_occupancy_mean")] > 1500);
				assert_true(rq.m[mi("bpf_time")] > rt.m[mi("bpf_time")]);
				assert_true(rq.m[mi("bpf_time")] > rn.m[mi("bpf_time")]);
				if (!(wq > 4 * wn))
					fail_msg("per-wakeup cost with quadratic(1024) %.0f "
						 "ns, without %.0f ns: want > 4x", wq, wn);
			} else {
				/* A few dozen entries: factor <= 1 + (40/1024)^2. */
				assert_true(rq.m[mi("map_occupancy_max")] <= 40);
				assert_rel(wq, wn, 0.01,
					   "quadratic(1024) at <= 40 entries ~ none");
			}
		}
		cfg_close(&hq);
		cfg_close(&hn);
		cfg_close(&ht);
	}
}

/* ---- delete policy under pid churn --------------------------------------- */

static void test_delete_policy(void **state)
{
	(void)state;
#define CHURN_FMT \
	"cpus: 2\npid_max: 2048\nworkload:\n  arrival: poisson\n  spawner: none\n" \
	"  rate: 8000/s\n  lifetime: exponential(100us)\n" \
	"  block: {probability: 0.8, run: exponential(30us),\n" \
	"          sleep: exponential(200us)}\n" \
	"probe: {threshold: 10us, delete: %s, nesting: %s}\n" \
	"storage:\n  hash: {max_entries: 256}\n" \
	"  lru_hash: {max_entries: 256}\n"
	const uint64_t end = 200000000;
	const int reps = 8;
	char y[512];
	struct cfgh h;

	/* on_report, hash, per_program (the default): the map fills with
	 * leaked entries, but no wake-up is skipped, so nothing is stale. */
	snprintf(y, sizeof(y), CHURN_FMT, "on_report", "per_program");
	cfg_open(&h, y, "hash");
	for (int rep = 0; rep < 2; rep++) {
		struct run r;
		run_one(h.cfg, SEED, (uint64_t)rep, end, NULL, &r);
		assert_true(r.m[mi("failed_updates")] > 0);
		assert_same(r.m[mi("recursion_misses")], 0, "per_program");
		assert_same(r.m[mi("false_reports")], 0, "per_program");
	}
	cfg_close(&h);

	/* on_report, hash, any_program: skipped wake-ups leave old entries
	 * behind - false reports. */
	snprintf(y, sizeof(y), CHURN_FMT, "on_report", "any_program");
	cfg_open(&h, y, "hash");
	double false_reports = 0;
	for (int rep = 0; rep < reps; rep++) {
		struct run r;
		run_one(h.cfg, SEED, (uint64_t)rep, end, NULL, &r);
		assert_true(r.m[mi("failed_updates")] > 0);
		assert_true(r.m[mi("missed_samples")] >= r.m[mi("failed_updates")] / 2);
		assert_same(r.m[mi("map_occupancy_max")], 256, "hash fills");
		false_reports += r.m[mi("false_reports")];
	}
	/* A few per replication (they need a wakeup skipped by the recursion
	 * check while an old entry remains): summed, P(0) is negligible. */
	assert_true(false_reports > 0);
	cfg_close(&h);

	/* on_report, lru_hash: evicts instead of failing. */
	cfg_open(&h, y, "lru_hash");
	for (int rep = 0; rep < 2; rep++) {
		struct run r;
		run_one(h.cfg, SEED, (uint64_t)rep, end, NULL, &r);
		assert_same(r.m[mi("failed_updates")], 0, "lru never fails");
		assert_true(r.m[mi("evictions")] > 0);
	}
	cfg_close(&h);

	/* on_report, task storage: freed at exit, never full. */
	cfg_open(&h, y, "task_storage");
	for (int rep = 0; rep < 2; rep++) {
		struct run r;
		run_one(h.cfg, SEED, (uint64_t)rep, end, NULL, &r);
		assert_same(r.m[mi("failed_updates")], 0, "task storage");
		assert_true(r.m[mi("map_occupancy_max")] < 256);
	}
	cfg_close(&h);

	/* always: nothing leaks, nothing stale (even with skipped wake-ups). */
	snprintf(y, sizeof(y), CHURN_FMT, "always", "any_program");
	for (int k = 0; k < NKINDS; k++) {
		cfg_open(&h, y, kinds[k]);
		for (int rep = 0; rep < reps; rep++) {
			struct run r;
			run_one(h.cfg, SEED, (uint64_t)rep, end, NULL, &r);
			assert_same(r.m[mi("false_reports")], 0, "delete: always");
			assert_same(r.m[mi("failed_updates")], 0, "delete: always");
			assert_same(r.m[mi("evictions")], 0, "delete: always");
			assert_true(r.m[mi("map_occupancy_max")] < 256);
			/* A miss needs a skipped wakeup (or a horizon cut). */
			assert_true(r.m[mi("missed_samples")] <=
				    r.m[mi("recursion_misses")]);
			assert_true(r.m[mi("reports")] > 0);
		}
		cfg_close(&h);
	}
}

/* ---- published costs: which strategy wins depends on the load ---------- */

static struct scenario *load_fixture(const char *path, int compare)
{
	struct err e;
	char msg[1024];
	err_init(&e);
	struct scenario *sc = scenario_load(&cli_env, path, NULL, 0, compare, NULL, &e);
	if (!sc) {
		err_format(&e, msg, sizeof(msg));
		fail_msg("%s: %s", path, msg);
	}
	return sc;
}

/* Per replication, the `cheaper` strategy's metric is below `ratio` x the
 * other's. */
static void ranking(const char *fixture, const char *metric, int cheaper,
		    double ratio)
{
	struct scenario *sc = load_fixture(fixture, 1);
	assert_int_equal(sc->nstrategies, 2);
	assert_string_equal(sc->strategy[0], "hash");
	assert_string_equal(sc->strategy[1], "task_storage");
	for (uint64_t rep = 0; rep < sc->replications; rep++) {
		struct run r[2];
		for (int k = 0; k < 2; k++) {
			run_one(sc->cfg[k], sc->seed, rep, sc->duration, NULL, &r[k]);
			assert_int_equal(r[k].st, SIM_DONE);
		}
		double a = r[cheaper].m[mi(metric)], b = r[!cheaper].m[mi(metric)];
		if (!(a < ratio * b))
			fail_msg("%s rep %llu: %s %s = %.1f ns, %s = %.1f ns: want "
				 "the first < %g x the second", fixture,
				 (unsigned long long)rep, metric,
				 sc->strategy[cheaper], a, sc->strategy[!cheaper], b,
				 ratio);
	}
	scenario_free(sc);
}

static void test_published_ranking(void **state)
{
	(void)state;
	/* Spawn storm, 2021 published costs (1510 vs 2812 ns at
	 * sched_wakeup_new): task storage allocates at every spawn; the gap
	 * is >> the 10% spread of the draws. */
	ranking(FIXTURE("rq-spawn-storm.yaml"), "bpf_per_run_sched_wakeup_new",
		0, 0.8);
	/* Steady wake-ups, the 6.x preset (this host), 200 threads (W ~ 50
	 * per CPU): the wakee's lines already cool, so a hash update (~105 ns
	 * x 2.1) beats a wake-side task-storage get (~86 ns x 2.9) ... */
	ranking(FIXTURE("rq-steady-wakeups.yaml"), "bpf_per_run_sched_wakeup",
		0, 0.97);
	/* ... and task storage wins at sched_switch: one get (~72 ns) against
	 * a hash lookup (~92 ns) plus libbpf-tools' pid-0 lookup on a switch
	 * to idle. */
	ranking(FIXTURE("rq-steady-wakeups.yaml"), "bpf_per_run_sched_switch",
		1, 0.9);
}

/* The preset spells out the built-in defaults: the same fixture's model
 * keys without the include run bitwise identically. */
static void test_preset_is_default(void **state)
{
	(void)state;
	const char *path = FIXTURE("rq-steady-wakeups.yaml");
	struct scenario *sc = load_fixture(path, 0);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char text[8192];
	size_t len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = 0;
	char *inc = strstr(text, "include:");
	assert_non_null(inc);
	inc[0] = '#';   /* comment the include out */
	struct err e;
	err_init(&e);
	struct ytree *t = ytree_load_buffer(path, text, strlen(text), &e);
	assert_non_null(t);
	void *cfg = M->configure(ytree_root(t), &e);
	assert_non_null(cfg);
	for (uint64_t rep = 0; rep < 2; rep++) {
		struct run a, b;
		run_one(sc->cfg[0], sc->seed, rep, sc->duration, NULL, &a);
		run_one(cfg, sc->seed, rep, sc->duration, NULL, &b);
		for (size_t i = 0; i < NM; i++)
			assert_same(a.m[i], b.m[i], M->metrics[i].name);
	}
	M->config_free(cfg);
	ytree_free(t);
	scenario_free(sc);
}

/* ---- pids ------------------------------------------------------------------ */

static void test_pid_wrap(void **state)
{
	(void)state;
	/* pid_max 310: pids 300..309, ten of them. */
	const char *y =
		"cpus: 2\npid_max: 310\nworkload:\n  arrival: poisson\n  spawner: none\n"
		"  rate: 50000/s\n  spawns: 3000\n  lifetime: exponential(100us)\n"
		"  block: {probability: 0.3, sleep: exponential(100us)}\n";
	for (int k = 0; k < NKINDS; k++) {
		struct cfgh h;
		struct run r;
		cfg_open(&h, y, kinds[k]);
		run_one(h.cfg, SEED, 0, 0, NULL, &r);
		assert_int_equal(r.st, SIM_DONE);
		check_totals(&r, 2, "pid wrap");
		double spawned = r.m[mi("tasks_spawned")];
		double done = r.m[mi("tasks_completed")];
		double fails = r.m[mi("spawn_failures")];
		assert_same(spawned, 3000, "spawn attempts");
		assert_true(fails > 0);                  /* all ten pids busy */
		assert_same(done + fails, spawned, "drained: every spawn accounted");
		assert_true(done > 10 * 20);             /* pids reused, many times */
		assert_same(r.m[mi("peak_live_tasks")], 10, "ten pids");
		cfg_close(&h);
	}
	/* pid_max 2: a single pid (1). */
	struct cfgh h;
	struct run r;
	cfg_open(&h, "pid_max: 2\nworkload:\n  arrival: poisson\n  spawner: none\n  rate: 50000/s\n"
		 "  spawns: 200\n  lifetime: exponential(100us)\n", NULL);
	run_one(h.cfg, SEED, 0, 0, NULL, &r);
	assert_same(r.m[mi("peak_live_tasks")], 1, "one pid");
	assert_true(r.m[mi("spawn_failures")] > 0);
	assert_true(r.m[mi("tasks_completed")] > 1);
	cfg_close(&h);
}

/* ---- placement ------------------------------------------------------------- */

static const struct model *spy_real;
static uint32_t spy_ncpus;
static uint64_t spy_events[16];

static void spy_handle(struct sim *s, void *st, const struct evq_event *ev)
{
	if (ev->target < spy_ncpus)
		spy_events[ev->target]++;
	spy_real->handle(s, st, ev);
}

static void test_least_loaded_ties(void **state)
{
	(void)state;
	struct model spy = *M;
	spy.handle = spy_handle;
	spy_real = M;
	spy_ncpus = 4;
	const char *placements[] = { "least_loaded", "random", "round_robin" };
	for (int p = 0; p < 3; p++) {
		char y[512];
		snprintf(y, sizeof(y),
			 "cpus: 4\nplacement: %s\nworkload:\n  processes: 1\n"
			 "  lifetime: 5ms\n  slice: 1ms\n"
			 "  block: {probability: 1, run: exponential(100us),\n"
			 "          sleep: exponential(200us)}\n", placements[p]);
		struct cfgh h;
		cfg_open(&h, y, "hash");
		memset(spy_events, 0, sizeof(spy_events));
		struct sim s;
		double m[MAXM];
		struct rq_totals tot;
		sim_init(&s, &spy, SEED, 0, 0, NULL);
		assert_int_equal(sim_run(&s, h.cfg, m), SIM_DONE);
		rq_totals(s.state, &tot);
		uint64_t now = s.now;
		sim_fini(&s);
		assert_same(m[mi("payload_time")], 5000000, "the one task's demand");
		assert_same(m[mi("tasks_completed")], 1, "one task");
		/* Wakes (the task blocks ~50 times) each choose a CPU; random
		 * placement misses a CPU in 50 wakes with P ~ 4 (3/4)^50 ~ 2e-6. */
		assert_true(m[mi("runs_per_s_sched_wakeup")] * (double)now * 1e-9 > 10);
		int used = 0;
		for (int c = 0; c < 4; c++)
			used += spy_events[c] > 0;
		if (p == 0) {
			assert_true(spy_events[0] > 0);
			if (used != 1)
				fail_msg("least_loaded with 1 task: CPU events on %d CPUs "
					 "(%llu %llu %llu %llu): ties must go to CPU 0", used,
					 (unsigned long long)spy_events[0],
					 (unsigned long long)spy_events[1],
					 (unsigned long long)spy_events[2],
					 (unsigned long long)spy_events[3]);
			/* CPUs 1-3 idle throughout. */
			assert_true(tot.idle >= 3 * now);
		} else {
			assert_int_equal(used, 4);   /* the check can fail */
		}
		cfg_close(&h);
	}
}

/* ---- caps and refusals --------------------------------------------------- */

/* least_loaded's idle bitmap and tournament tree against a scan of the
 * CPUs after every event (rq_place_check), on 37 CPUs (not a power of
 * two) under every runqueue discipline, wake-up preemption, idle wake-up
 * latency, parents forking Poisson arrivals and busy residents: loads move
 * through every path that sets runq_len, cur or next.  With 20 busy
 * residents some CPU is mostly idle (the bitmap answers); with 60 no CPU
 * ever is (the tree answers every wake-up). */
static uint64_t place_checked;

static void place_spy(struct sim *s, void *st, const struct evq_event *ev)
{
	spy_real->handle(s, st, ev);
	if (rq_place_check(st) != 0)
		fail_msg("least_loaded tree and scan disagree after event %llu "
			 "at %llu ns", (unsigned long long)s->events,
			 (unsigned long long)s->now);
	place_checked++;
}

static void test_least_loaded_tree(void **state)
{
	(void)state;
	static const struct { const char *keys; int busy; } variants[] = {
		{ "runqueue: fifo\n", 20 },
		{ "runqueue: fifo\nwakeup_preemption: exponential(20us)\n"
		  "idle_wakeup: exponential(5us)\n", 20 },
		{ "runqueue: woken_first\nwakeup_preemption: 10us\n", 20 },
		{ "runqueue: fair\n", 20 },
		{ "runqueue: fifo\n", 60 },
		{ "runqueue: fair\n", 60 },
	};
	struct model spy = *M;
	spy.handle = place_spy;
	spy_real = M;
	for (size_t v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
		char y[1024];
		snprintf(y, sizeof(y),
			 "cpus: 37\n%s"
			 "workload:\n  arrival: poisson\n  rate: 20000/s\n"
			 "  spawners: 3\n  lifetime: exponential(300us)\n"
			 "  slice: 200us\n  start: batch\n"
			 "  block: {probability: 0.5, run: exponential(50us),\n"
			 "          sleep: exponential(100us)}\n"
			 "  resident: {tasks: 400, busy: %d, run: exponential(20us),\n"
			 "             sleep: exponential(500us)}\n", variants[v].keys,
			 variants[v].busy);
		struct cfgh h;
		cfg_open(&h, y, "hash");
		struct sim s;
		double m[MAXM];
		place_checked = 0;
		sim_init(&s, &spy, SEED, 0, 20000000, NULL);
		assert_int_equal(sim_run(&s, h.cfg, m), SIM_DONE);
		sim_fini(&s);
		assert_true(place_checked > 10000);
		assert_true(m[mi("runs_per_s_sched_wakeup")] > 0);
		cfg_close(&h);
	}
}

static void test_cap_live_tasks(void **state)
{
	(void)state;
	struct cfgh h;
	struct run r;
	struct sim_caps caps = { 0 };
	caps.max_live_tasks = 100;
	cfg_open(&h, "cpus: 2\nworkload:\n  processes: 1000\n  lifetime: 1ms\n",
		 NULL);
	run_one(h.cfg, SEED, 0, 0, &caps, &r);
	assert_int_equal(r.st, SIM_CAPPED);
	assert_non_null(r.cap_reason);
	assert_string_equal(r.cap_reason, "max_live_tasks");
	/* The batch stops at the spawn that crossed the cap. */
	assert_same(r.m[mi("tasks_spawned")], 101, "spawns until the cap");
	assert_same(r.m[mi("peak_live_tasks")], 101, "live at the cap");
	check_totals(&r, 2, "capped");
	/* Without the cap the same run completes. */
	run_one(h.cfg, SEED, 0, 0, NULL, &r);
	assert_int_equal(r.st, SIM_DONE);
	assert_same(r.m[mi("tasks_completed")], 1000, "uncapped");
	cfg_close(&h);
}

/* ---- parents that fork ---------------------------------------------------- */

static void test_spawner(void **state)
{
	(void)state;
	/* Constant costs, 200 requests at 10,000/s, drained: payload is
	 * exactly 200 x (fork 30 us + demand 50 us). */
#define DRAIN_FMT \
	"cpus: 2\ncontext_switch: 1us\nworkload:\n  arrival: poisson\n" \
	"  rate: 10000/s\n  spawns: 200\n  spawners: %s\n" \
	"  fork: 30us\n  lifetime: 50us\n" \
	"probe:\n  hooks: {sched_wakeup: 100ns, sched_wakeup_new: 2us,\n" \
	"          sched_switch: 100ns, sched_process_exit: 0}\n"
	const char *n[] = { "1", "3" };
	for (int i = 0; i < 2; i++) {
		char y[1024];
		snprintf(y, sizeof(y), DRAIN_FMT, n[i]);
		for (int k = 0; k < NKINDS; k++) {
			struct cfgh h;
			struct run r;
			cfg_open(&h, y, kinds[k]);
			run_one(h.cfg, SEED, 0, 0, NULL, &r);
			assert_int_equal(r.st, SIM_DONE);
			check_totals(&r, 2, "parents");
			assert_same(r.m[mi("tasks_spawned")], 200, "every request forked");
			assert_same(r.m[mi("tasks_completed")], 200, "drained");
			assert_same(r.m[mi("payload_time")], 200 * (30000.0 + 50000),
				    "payload = forks + children's demands");
			assert_same(r.m[mi("peak_live_tasks")] >= atof(n[i]) + 1, 1,
				    "parents are live tasks");
			cfg_close(&h);
		}
	}
	/* A 100 us sched_wakeup_new in the parent's fork (10 us of work):
	 * one parent forks at most ~9,000/s, not the 20,000/s requested; with
	 * spawner: none the children come at the arrival times. */
#define SLOW_FMT \
	"cpus: 4\nworkload:\n  arrival: poisson\n  rate: 20000/s\n" \
	"  spawner: %s\n  fork: 10us\n  lifetime: 20us\n" \
	"probe:\n  hooks: {sched_wakeup_new: 100us}\n"
	char yt[512], yn[512];
	snprintf(yt, sizeof(yt), SLOW_FMT, "task");
	snprintf(yn, sizeof(yn), SLOW_FMT, "none");
	const uint64_t end = 100000000;   /* 100 ms: ~2,000 requests */
	struct cfgh ht, hn;
	struct run rt, rn;
	cfg_open(&ht, yt, "hash");
	cfg_open(&hn, yn, "hash");
	run_one(ht.cfg, SEED, 0, end, NULL, &rt);
	run_one(hn.cfg, SEED, 0, end, NULL, &rn);
	check_totals(&rt, 4, "slow hook, parent");
	check_totals(&rn, 4, "slow hook, no parent");
	double st = rt.m[mi("tasks_spawned")], sn = rn.m[mi("tasks_spawned")];
	assert_same(sn, (double)count_poisson(SEED, 0, 20000, end),
		    "no parent: the arrival times");
	if (!(st < 0.5 * sn && st > 0.35 * sn))
		fail_msg("parent with a 100 us hook forked %.0f, open loop %.0f: "
			 "want ~110 us per fork (0.35-0.5 x)", st, sn);
	cfg_close(&ht);
	cfg_close(&hn);
}

static void test_open_arrival_refused(void **state)
{
	(void)state;
	static const char *const arr[] = { "poisson", "interval" };
	for (int i = 0; i < 2; i++) {
		char y[256], want[256];
		struct cfgh h;
		struct run r;
		snprintf(y, sizeof(y), "workload: {arrival: %s, rate: 1000/s}\n",
			 arr[i]);
		cfg_open(&h, y, NULL);
		/* (An events cap, so that a missing refusal fails, not hangs.) */
		struct sim_caps caps = { 0 };
		caps.max_events = 100000;
		run_one(h.cfg, SEED, 0, 0, &caps, &r);
		assert_int_equal(r.st, SIM_FAILED);
		assert_int_equal(r.err.status, ERR_INPUT);
		snprintf(want, sizeof(want), "workload.arrival: %s never ends: set "
			 "`duration` or workload.spawns", arr[i]);
		assert_string_equal(r.err.msg, want);
		assert_true(isnan(r.m[mi("payload_time")]));
		/* A horizon, or a spawn count, is enough. */
		run_one(h.cfg, SEED, 0, 1000000, NULL, &r);
		assert_int_equal(r.st, SIM_DONE);
		cfg_close(&h);
		snprintf(y, sizeof(y),
			 "workload: {arrival: %s, rate: 1000/s, spawns: 5}\n", arr[i]);
		cfg_open(&h, y, NULL);
		run_one(h.cfg, SEED, 0, 0, NULL, &r);
		assert_int_equal(r.st, SIM_DONE);
		assert_same(r.m[mi("tasks_spawned")], 5, "spawns: 5");
		cfg_close(&h);
	}
	/* Through a scenario (where `duration` is known, default 0) it is bad
	 * input at load time, positioned at the arrival value. */
	const char *path = FIXTURE("rq-bad-open-arrival.yaml");
	struct err e;
	char got[1024];
	err_init(&e);
	struct scenario *sc = scenario_load(&cli_env, path, NULL, 0, 0, NULL, &e);
	assert_null(sc);
	err_format(&e, got, sizeof(got));
	assert_int_equal(e.status, ERR_INPUT);
	assert_string_equal(got, FIXTURE("rq-bad-open-arrival.yaml") ":6:12: "
			    "workload.arrival: poisson never ends: set `duration` "
			    "or workload.spawns");
	static const char *const ends[] = { "duration=1ms", "workload.spawns=3" };
	for (int i = 0; i < 2; i++) {
		err_init(&e);
		sc = scenario_load(&cli_env, path, &ends[i], 1, 0, NULL, &e);
		assert_non_null(sc);
		scenario_free(sc);
	}
}

int main(void)
{
	SEED = test_seed(1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zero_cost_identical),
		cmocka_unit_test(test_mm1),
		cmocka_unit_test(test_conservation),
		cmocka_unit_test(test_crn),
		cmocka_unit_test(test_quadratic_hash),
		cmocka_unit_test(test_delete_policy),
		cmocka_unit_test(test_published_ranking),
		cmocka_unit_test(test_preset_is_default),
		cmocka_unit_test(test_pid_wrap),
		cmocka_unit_test(test_least_loaded_ties),
		cmocka_unit_test(test_least_loaded_tree),
		cmocka_unit_test(test_cap_live_tasks),
		cmocka_unit_test(test_open_arrival_refused),
		cmocka_unit_test(test_spawner),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
