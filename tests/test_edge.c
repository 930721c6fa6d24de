/* test_edge.c - numeric edge cases of the runqslower model, each with an
 * exact expected outcome.
 *
 * Every case uses constant distributions (or none), so the outcome is a
 * number the test derives itself, with the derivation beside it; the
 * engine's per-CPU conservation check (rq_totals, SIM_CHECK) runs on every
 * run too.  Scenarios are YAML text configured through the model's own
 * configure (with the unknown-key check), run through sim_run.
 *
 * Pins:
 *   - zero-cost BPF: every hook, storage operation and output costing 0
 *     (with a quadratic occupancy factor, which multiplies 0) gives BPF time
 *     and overhead ratio exactly 0 for hash, task_storage and lru_hash,
 *     while the hooks still run (reports, map occupancy) - and a CPU time
 *     line bitwise identical to `probe.attach: false`;
 *   - one CPU: 10 tasks of 1 ms in 100 us slices, 1 us switches, no BPF:
 *     payload 10 ms, 101 switches (100 segments and the switch to idle),
 *     elapsed 10.101 ms, and the mean wait equal to a naive round-robin
 *     reference computed here;
 *   - one task on 4 CPUs: it runs on CPU 0 (least loaded, ties to the
 *     lowest), the other CPUs idle all along; BPF time = wakeup_new +
 *     update + 2 x sched_switch + lookup; its wait = that overhead minus
 *     the last switch plus one context switch; the probe's wait ends at
 *     its sched_switch (before the switch's own costs);
 *   - lifetime shorter than a context switch (1 ns, and 0, which runs as
 *     1 ns): payload 100 ns for 100 tasks, switch time 101 us, completes;
 *   - threshold 0: every wait the probe finds is reported, even waits of
 *     exactly 0 ns (free switches and BPF: the first task on each CPU);
 *     threshold 1 ns drops exactly those 2 (runqslower: `if (min_us &&
 *     delta_us <= min_us) return 0;`);
 *   - all-equal event times: 1000 tasks at t = 0 on 8 CPUs with constant
 *     costs: 125 per CPU, every CPU ends at the same ns (idle 0), BPF time
 *     and elapsed equal to the sums written out below, the mean wait equal
 *     to its closed form, and every metric bitwise the same for seeds 1 and
 *     2 (nothing random is left; equal times pop in FIFO order);
 *   - duration shorter than one slice (10 us against 3 ms slices): the run
 *     ends at 10 us with no task completed, and is measured up to the
 *     horizon: payload + BPF + switch + idle = 4 CPUs x 10 us exactly.
 * Tolerances: none; everything is an integer number of ns or a ratio of
 * them, compared exactly (assert_same), except the round-robin and closed
 * form mean waits, which are a sum of integers divided by their count and
 * compared at 1e-12 relative (the tally's running mean rounds).
 * Does not pin: quantiles (sim/hist.h, pinned by test_hist.c), speed.
 */
#include "test_util.h"
#include <string.h>
#include "models/registry.h"
#include "models/runqslower.h"
#include "sim/model.h"
#include "sim/sim.h"
#include "sim/ytree.h"

#define MAXM 96

static const struct model *M;

static int setup(void **state)
{
	(void)state;
	M = model_find("runqslower");
	assert_non_null(M);
	assert_true(model_metric_count(M) <= MAXM);
	return 0;
}

static int mi(const char *name)
{
	int i = model_metric_index(M, name);
	if (i < 0)
		fail_msg("no metric '%s'", name);
	return i;
}

struct run {
	enum sim_status st;
	double m[MAXM];
	struct rq_totals tot;
	uint64_t now;
};

/* Configure from YAML (storage.kind = kind unless NULL), run one
 * replication with seed `seed` up to `end` (UINT64_MAX: until done). */
static void run_yaml(const char *yaml, const char *kind, uint64_t seed,
		     uint64_t end, struct run *r)
{
	struct err e;
	char msg[1024];
	err_init(&e);
	memset(r, 0, sizeof(*r));
	struct ytree *t = ytree_load_buffer("edge.yaml", yaml, strlen(yaml), &e);
	if (t && kind) {
		char set[64];
		snprintf(set, sizeof(set), "storage.kind=%s", kind);
		ytree_set_path(t, set, &e);
	}
	void *cfg = t && !e.status ? M->configure(ytree_root(t), &e) : NULL;
	if (!cfg || ytree_check_unknown(t, &e)) {
		err_format(&e, msg, sizeof(msg));
		fail_msg("config: %s\n%s", msg, yaml);
	}
	struct sim s;
	struct sim_caps caps = { 0 };
	assert_int_equal(sim_init(&s, M, seed, 0, end, &caps), 0);
	r->st = sim_run(&s, cfg, r->m);
	assert_int_equal(r->st, SIM_DONE);
	rq_totals(s.state, &r->tot);   /* aborts if a CPU leaks time */
	r->now = s.now;
	sim_fini(&s);
	M->config_free(cfg);
	ytree_free(t);
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

#define M_(r, name) ((r)->m[mi(name)])

#define ZERO_BPF \
	"probe:\n" \
	"  threshold: 0\n" \
	"  hooks: {sched_wakeup: 0, sched_wakeup_new: 0, sched_switch: 0,\n" \
	"          sched_process_exit: 0}\n" \
	"  output_cost: {perf: 0, ringbuf: 0}\n" \
	"storage:\n" \
	"  hash: {update: 0, lookup: 0, miss: 0, delete: 0, alloc: 0, free: 0,\n" \
	"         full_update_cost: 0, occupancy_factor: quadratic(1)}\n" \
	"  task_storage: {get: 0, create: 0, recreate: 0, delete: 0, free: 0}\n" \
	"  lru_hash: {update: 0, lookup: 0, miss: 0, delete: 0, evict: 0}\n"

/* ---- zero-cost BPF ------------------------------------------------------- */

static void test_zero_cost_bpf(void **state)
{
	(void)state;
	static const char *const kinds[] = { "hash", "task_storage", "lru_hash" };
	const char *work = "cpus: 2\ncontext_switch: 1us\n"
			   "workload: {processes: 50, lifetime: 1ms, slice: 100us,\n"
			   "  block: {probability: 0.3, run: 20us, sleep: 50us}}\n";
	char yaml[2048], base_yaml[1024];
	snprintf(yaml, sizeof(yaml), "%s%s", work, ZERO_BPF);
	snprintf(base_yaml, sizeof(base_yaml), "%sprobe: {attach: false}\n", work);
	struct run base, r;
	run_yaml(base_yaml, NULL, 1, UINT64_MAX, &base);
	assert_same(M_(&base, "bpf_time"), 0, "baseline bpf_time");
	for (size_t k = 0; k < 3; k++) {
		run_yaml(yaml, kinds[k], 1, UINT64_MAX, &r);
		assert_same(r.tot.bpf, 0, kinds[k]);
		assert_same(M_(&r, "bpf_time"), 0, kinds[k]);
		assert_same(M_(&r, "overhead_ratio"), 0, kinds[k]);
		assert_same(M_(&r, "bpf_cpu_share"), 0, kinds[k]);
		assert_same(M_(&r, "output_time"), 0, kinds[k]);
		assert_same(M_(&r, "op_update_time") + M_(&r, "op_lookup_time") +
			    M_(&r, "op_delete_time") + M_(&r, "op_alloc_time") +
			    M_(&r, "op_free_time") + M_(&r, "op_evict_time"), 0,
			    kinds[k]);
		/* The probe ran: it found and reported waits, held entries. */
		assert_true(M_(&r, "reports") > 0);
		assert_true(M_(&r, "map_occupancy_max") > 0);
		/* ... and changed nothing on the CPUs. */
		assert_same(r.tot.payload, base.tot.payload, kinds[k]);
		assert_same(r.tot.sw, base.tot.sw, kinds[k]);
		assert_same(r.tot.idle, base.tot.idle, kinds[k]);
		assert_same(r.now, base.now, kinds[k]);
		assert_same(M_(&r, "wait_mean"), M_(&base, "wait_mean"), kinds[k]);
		assert_same(M_(&r, "tasks_completed"), 50, kinds[k]);
	}
}

/* ---- one CPU -------------------------------------------------------------- */

/* Round robin on one CPU, the naive way: a FIFO of (enqueue time,
 * remaining); each segment starts after a switch of `sw` ns and runs at
 * most `slice`.  Returns the mean wait (enqueue to the pick, which the
 * switch follows: the kernel's run_delay) and the end of the last
 * segment. */
static double rr_reference(int n, uint64_t life, uint64_t slice, uint64_t sw,
			   uint64_t *end)
{
	uint64_t enq[64], rem[64], t = 0;
	int head = 0, tail = 0, waits = 0;
	double sum = 0;
	for (int i = 0; i < n; i++, tail++) {
		enq[tail % 64] = 0;
		rem[tail % 64] = life;
	}
	while (head != tail) {
		uint64_t e = enq[head % 64], r = rem[head % 64];
		head++;
		sum += (double)(t - e);
		t += sw;
		waits++;
		uint64_t seg = r < slice ? r : slice;
		t += seg;
		if (r > seg) {
			enq[tail % 64] = t;
			rem[tail % 64] = r - seg;
			tail++;
		}
	}
	*end = t;
	return sum / waits;
}

static void test_one_cpu(void **state)
{
	(void)state;
	struct run r;
	/* FIFO: the round robin the reference computes. */
	run_yaml("cpus: 1\ncontext_switch: 1us\nprobe: {attach: false}\n"
		 "runqueue: fifo\n"
		 "workload: {processes: 10, lifetime: 1ms, slice: 100us}\n",
		 NULL, 1, UINT64_MAX, &r);
	uint64_t end;
	double wait = rr_reference(10, 1000000, 100000, 1000, &end);
	assert_same(r.tot.payload, 10 * 1000000, "payload: 10 x 1 ms");
	/* 100 segments, each after a switch, then the switch to idle. */
	assert_same(r.tot.sw, 101 * 1000, "switch: 101 x 1 us");
	assert_same(r.tot.idle, 0, "idle");
	assert_same(r.now, end + 1000, "elapsed: last segment end + idle switch");
	assert_same(r.now, 10101000, "elapsed");
	assert_rel(M_(&r, "wait_mean"), wait, 1e-12, "mean wait vs round robin");
	assert_same(M_(&r, "tasks_completed"), 10, "completed");
	assert_same(M_(&r, "peak_backlog"), 10, "peak backlog: all at t = 0");
}

/* ---- one task -------------------------------------------------------------- */

static void test_one_task(void **state)
{
	(void)state;
	struct run r;
	run_yaml("cpus: 4\ncontext_switch: 1us\n"
		 "workload: {processes: 1, lifetime: 1ms, slice: 3ms}\n"
		 "probe:\n  hooks: {sched_wakeup: 100ns, sched_wakeup_new: 200ns,\n"
		 "          sched_switch: 50ns, sched_process_exit: 10ns}\n"
		 "storage:\n  hash: {update: 30ns, lookup: 20ns, miss: 20ns,\n"
		 "         delete: 10ns, occupancy_factor: none,\n"
		 "         active_factor: none, wake_factor: none}\n",
		 "hash", 1, UINT64_MAX, &r);
	/* wakeup_new + update, switch-in + lookup, switch to idle + the lookup
	 * of pid 0 (libbpf-tools, a miss); the 1 ms wait is under the 10 ms
	 * threshold: no report, no delete. */
	const uint64_t bpf = 200 + 30 + 50 + 20 + 50 + 20;
	assert_same(r.tot.bpf, bpf, "bpf time");
	assert_same(M_(&r, "bpf_time_sched_wakeup_new"), 230, "wakeup_new");
	assert_same(M_(&r, "bpf_time_sched_switch"), 140, "sched_switch");
	assert_same(M_(&r, "missed_samples"), 0, "idle's lookup is no sample");
	assert_same(r.tot.payload, 1000000, "payload");
	assert_same(r.tot.sw, 2000, "switches: in and to idle");
	/* CPU 0 busy from 0 to the end; CPUs 1..3 never used. */
	assert_same(r.now, 1000000 + bpf + 2000, "elapsed");
	assert_same(r.tot.idle, 3 * r.now, "idle: 3 CPUs all along");
	/* Picked when the wakeup_new burst ends; the switch follows. */
	assert_same(M_(&r, "wait_mean"), 230, "true wait");
	assert_same(M_(&r, "probe_wait_mean"), 230, "probe-measured wait");
	assert_same(M_(&r, "tasks_completed"), 1, "completed");
	assert_same(M_(&r, "peak_live_tasks"), 1, "peak live");
	assert_same(M_(&r, "reports"), 0, "reports");
}

/* ---- lifetime shorter than a context switch -------------------------------- */

static void test_lifetime_below_switch(void **state)
{
	(void)state;
	static const char *const lifetimes[] = { "1ns", "0" };
	for (size_t i = 0; i < 2; i++) {
		char yaml[512];
		struct run r;
		snprintf(yaml, sizeof(yaml),
			 "cpus: 1\ncontext_switch: 1us\nprobe: {attach: false}\n"
			 "workload: {processes: 100, lifetime: %s, slice: 3ms}\n",
			 lifetimes[i]);
		run_yaml(yaml, NULL, 1, UINT64_MAX, &r);
		/* A zero demand runs as 1 ns (a task must run to exit). */
		assert_same(r.tot.payload, 100, lifetimes[i]);
		assert_same(r.tot.sw, 101 * 1000, lifetimes[i]);
		assert_same(r.now, 100 + 101 * 1000, lifetimes[i]);
		assert_same(M_(&r, "tasks_completed"), 100, lifetimes[i]);
		assert_same(M_(&r, "overhead_ratio"), 0, lifetimes[i]);
	}
}

/* ---- threshold 0 ------------------------------------------------------------ */

static void test_threshold_zero(void **state)
{
	(void)state;
	/* Free switches and BPF: the first task on each CPU is found with a
	 * wait of exactly 0 ns.  FIFO: every 100 us segment ends in a
	 * switch (EEVDF's slice is its own). */
	const char *fmt = "cpus: 2\ncontext_switch: 0\n"
			  "runqueue: fifo\nplacement: least_loaded\n"
			  "balance: {newidle: false}\n"
			  "workload: {processes: 20, lifetime: 1ms, slice: 100us}\n"
			  ZERO_BPF;
	struct run r0, r1;
	char yaml[2048];
	snprintf(yaml, sizeof(yaml), "%s", fmt);
	run_yaml(yaml, "hash", 1, UINT64_MAX, &r0);
	/* 20 tasks x 10 segments, each a switch-in that finds its entry. */
	assert_same(M_(&r0, "missed_samples"), 0, "missed");
	assert_same(M_(&r0, "reports"), 200, "threshold 0: every wait found");
	char *thr = strstr(yaml, "threshold: 0");
	assert_non_null(thr);
	memmove(thr + strlen("threshold: 1ns"), thr + strlen("threshold: 0"),
		strlen(thr + strlen("threshold: 0")) + 1);
	memcpy(thr, "threshold: 1ns", strlen("threshold: 1ns"));
	run_yaml(yaml, "hash", 1, UINT64_MAX, &r1);
	assert_same(M_(&r1, "reports"), 198, "threshold 1 ns: not the 0 ns waits");
	assert_same(r1.now, r0.now, "same run otherwise");
}

/* ---- all-equal event times ------------------------------------------------ */

static void test_equal_times(void **state)
{
	(void)state;
	const char *yaml =
		"cpus: 8\ncontext_switch: 1us\n"
		"workload: {processes: 1000, lifetime: 1ms, slice: 1ms}\n"
		"probe:\n  threshold: 0\n"
		"  hooks: {sched_wakeup: 100ns, sched_wakeup_new: 200ns,\n"
		"          sched_switch: 50ns, sched_process_exit: 10ns}\n"
		"  output_cost: {perf: 600ns, ringbuf: 250ns}\n"
		"storage:\n  hash: {update: 30ns, lookup: 20ns, miss: 20ns,\n"
		"         delete: 10ns, occupancy_factor: none,\n"
		"         active_factor: none, wake_factor: none,\n"
		"         switch_factor: none}\n";
	struct run a, b;
	run_yaml(yaml, "hash", 1, UINT64_MAX, &a);
	run_yaml(yaml, "hash", 2, UINT64_MAX, &b);
	size_t nm = model_metric_count(M);
	for (size_t i = 0; i < nm; i++)
		assert_same(a.m[i], b.m[i], M->metrics[i].name);
	/* 125 tasks per CPU, all spawned at t = 0: per CPU, 125 wakeup_new
	 * (200 + update 30), then per task a switch-in (50 + lookup 20 +
	 * report 600 + delete 10 = 680), a 1 us switch and 1 ms; at the end
	 * a switch to idle (50 + lookup of pid 0, 20, + 1 us). */
	const uint64_t per_cpu_bpf = 125 * 230 + 125 * 680 + 50 + 20;
	assert_same(a.tot.bpf, 8 * per_cpu_bpf, "bpf time");
	assert_same(a.tot.payload, 1000 * 1000000ull, "payload");
	assert_same(a.tot.sw, 8 * 126 * 1000, "switches");
	assert_same(a.tot.idle, 0, "idle: every CPU ends at the same ns");
	assert_same(a.now, 125 * 1000000 + 126 * 1000 + per_cpu_bpf, "elapsed");
	assert_same(a.tot.elapsed, 8 * a.now, "committed = 8 x elapsed");
	assert_same(M_(&a, "reports"), 1000, "every wait reported");
	assert_same(M_(&a, "tasks_completed"), 1000, "completed");
	/* Task j (0..124) of a CPU is picked after the 125 wakeup_new hooks
	 * and j whole turns of 680 + 1000 + 1e6 ns (its own switch follows
	 * the pick). */
	double wait = 125 * 230 + 62.0 * (680 + 1000 + 1000000);
	assert_rel(M_(&a, "wait_mean"), wait, 1e-12, "mean wait, closed form");
}

/* ---- duration shorter than one slice -------------------------------------- */

static void test_duration_below_slice(void **state)
{
	(void)state;
	struct run r;
	run_yaml("cpus: 4\ncontext_switch: 1us\n"
		 "workload: {processes: 8, lifetime: 10ms, slice: 3ms}\n",
		 "hash", 1, 10000, &r);
	assert_same(r.now, 10000, "ends at the horizon");
	assert_same(M_(&r, "elapsed"), 10000, "elapsed metric");
	assert_same(M_(&r, "tasks_completed"), 0, "none completed");
	assert_same(M_(&r, "tasks_spawned"), 8, "all spawned");
	/* Measured up to the horizon, not to the end of the cut slices. */
	assert_same(r.tot.elapsed, 4 * 10000, "committed = 4 CPUs x 10 us");
	assert_same(r.tot.payload + r.tot.bpf + r.tot.sw + r.tot.kern +
		    r.tot.idle, 40000, "conservation");
	assert_true(r.tot.payload > 0 && r.tot.payload < 40000);
	assert_same(M_(&r, "payload_time"), r.tot.payload, "payload metric");
	assert_same(M_(&r, "overhead_ratio"),
		    (double)r.tot.bpf / (double)r.tot.payload, "ratio");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zero_cost_bpf),
		cmocka_unit_test(test_one_cpu),
		cmocka_unit_test(test_one_task),
		cmocka_unit_test(test_lifetime_below_switch),
		cmocka_unit_test(test_threshold_zero),
		cmocka_unit_test(test_equal_times),
		cmocka_unit_test(test_duration_below_slice),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
