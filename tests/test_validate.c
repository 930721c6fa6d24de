/* test_validate.c - bpfsim validate's offline half (calibrate/validate.c) and
 * the runqslower model's host features it relies on (models/runqslower/:
 * resident tasks, idle wake-up latency, wake-up preemption, the fair
 * runqueue).
 *
 * Pins:
 *   - validate_rows: relative error (predicted - measured) / |measured|,
 *     verdict ok within the tolerance (inclusive), miss outside, none when
 *     the measured value is 0 or missing;
 *   - validate_measured_values: per-run cost = (run_ns - floor x runs) /
 *     runs, rates per elapsed second, BPF share over cpus x elapsed,
 *     overhead over busy - BPF, waits read from the calibration file;
 *   - validate_write_csv: a header and one row per metric, verdict words,
 *     recursion_misses last (the hook's program, or the three summed);
 *   - validate_scenario_write + validate_simulate on a calibration file
 *     written here (calfile_write_dist records, calfile_merge): the
 *     scenario loads, the references resolve, every compared metric comes
 *     out finite with a CI, sched_wakeup_new runs at the spawn rate (+-10%:
 *     Poisson counts over 5 replications of 1 s at 200/s), for both
 *     storage kinds; records without values are left to the model's
 *     defaults (an empty `block:` is written as {});
 *   - with timer_slack, wake_local and update_switch in the file the
 *     scenario refers to each (workload.resident.timer_slack, wake_local,
 *     storage.hash.update_switch) and runs; without them writes none;
 *   - with the kernel time calibrate workload writes (fork cycle, exit
 *     tail, interrupt/softirq rates and durations or their estimate,
 *     steal) the scenario sets workload.fork, kernel.exit and
 *     background.* with while_busy false, never host.steal (inside the
 *     measured bursts), and the simulated busy share rises by more than 2
 *     points (~3 expected, the CI ~0.1); without them none is written;
 *   - residents with an interval wake at tasks / interval (within 2%: the
 *     count per task over 1 s of 10 ms intervals is 100 or 101, their first
 *     wake-up a uniform share of one interval in);
 *   - busy residents keep every CPU busy: no idle time, payload = all the
 *     time not spent on overhead;
 *   - idle_wakeup: a task woken onto an idle CPU waits at least the
 *     latency (p50 within [latency, latency + 5 us]: the hook and the
 *     context switch, ~2 us here, run after it);
 *   - behind a CPU hog with 3 ms slices, a sleeper's wake-up waits for the
 *     slice end with a FIFO runqueue (p50 > 300 us), is served within
 *     ~tens of us with the fair runqueue and no wake-up granularity (p50 <
 *     50 us), within the 1 ms granularity by default (p50 below 1.05 ms,
 *     above the former), and with FIFO plus wakeup_preemption of 20 us
 *     (p50 in [20, 40] us);
 *   - per-CPU time conservation (rq_totals aborts on a leak) in all of
 *     these.
 * Tolerances are stated per check; the simulations are seeded (seed 1),
 * deterministic.
 * Does not pin: the live measurement (tests/cli/validate.sh), how close the
 * predictions are to a host (that is the README's table).
 */
#include "test_util.h"
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "calibrate/calfile.h"
#include "calibrate/chist.h"
#include "calibrate/validate.h"
#include "models/registry.h"
#include "sim/cli/env.h"
#include "models/runqslower.h"
#include "sim/model.h"
#include "sim/sim.h"
#include "sim/ytree.h"

/* ---- rows, measured values, CSV ------------------------------------------ */

static void test_rows(void **state)
{
	(void)state;
	double meas[VM_COUNT];
	struct stat_summary pred[VM_COUNT];
	struct val_row rows[VM_COUNT];
	for (int k = 0; k < VM_COUNT; k++) {
		meas[k] = 100;
		double x[3] = { 120, 120, 120 };
		stat_summarize(x, 3, 0.95, &pred[k]);
	}
	meas[1] = 96;     /* 120 / 96 - 1 = 0.25 exactly: ok (inclusive) */
	meas[2] = 0;      /* no verdict */
	meas[3] = NAN;
	pred[4].mean = 130;
	double misses[VAL_NHOOKS] = { 0, 2, 5 };
	validate_rows("spawn:500", 1, meas, misses, pred, 0.25, rows);
	assert_rel(rows[0].rel, 0.2, 1e-12, "relative error");
	assert_int_equal(rows[0].verdict, 1);
	assert_int_equal(rows[1].verdict, 1);
	assert_int_equal(rows[2].verdict, -1);
	assert_int_equal(rows[3].verdict, -1);
	assert_int_equal(rows[4].verdict, 0);
	assert_string_equal(rows[0].load, "spawn:500");
	assert_int_equal(rows[0].task, 1);
	/* recursion_misses: the hook's program for the per-hook metrics,
	 * all three summed for the others; unknown (NULL) is NAN. */
	assert_true(rows[VM_PER_RUN + VAL_WAKEUP].misses == 0);
	assert_true(rows[VM_PER_RUN + VAL_WAKEUP_NEW].misses == 2);
	assert_true(rows[VM_RUNS_PER_S + VAL_SWITCH].misses == 5);
	assert_true(rows[VM_BPF_SHARE].misses == 7);
	struct val_row unk[VM_COUNT];
	validate_rows("x", 0, meas, NULL, pred, 0.25, unk);
	assert_true(isnan(unk[0].misses));

	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	validate_write_csv(f, rows, VM_COUNT, 0.25);
	fclose(f);
	size_t lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += buf[i] == '\n';
	assert_int_equal(lines, VM_COUNT + 1);
	assert_non_null(strstr(buf, "load,storage,metric,unit,measured,predicted"));
	assert_non_null(strstr(buf, ",verdict,recursion_misses\n"));
	assert_non_null(strstr(buf, "spawn:500,task_storage,per_run_sched_wakeup,"
				    "ns,100,120,"));
	assert_non_null(strstr(buf, ",ok,0\n"));
	assert_non_null(strstr(buf, ",ok,2\n"));
	assert_non_null(strstr(buf, ",miss,"));
	assert_non_null(strstr(buf, ",none,"));
	free(buf);
}

/* A calibration file with a workload and both storage kinds.  Durations
 * in the records: histograms of `n` values spread over [lo, hi) ns. */
static void rec(FILE *f, int indent, const char *key, double lo, double hi,
		double n)
{
	struct chist c = { 0 };
	double edges[5], counts[4];
	for (int i = 0; i <= 4; i++)
		edges[i] = lo + (hi - lo) * i / 4;
	for (int i = 0; i < 4; i++)
		counts[i] = n / 4;
	assert_int_equal(chist_from_arrays(&c, edges, counts, n > 0 ? 4 : 0, 0), 0);
	calfile_write_dist(f, indent, key, &c, 0);
	chist_fini(&c);
}

/* classes: the storage records as `calibrate storage` writes them now
 * (one per cost class) instead of the older update/get/create; kt: with
 * the kernel time `calibrate workload` writes (a parent's fork cycle, the
 * exit tail, interrupt and softirq rates - the softirq's duration as an
 * estimate - and steal). */
static void write_cal_as(const char *path, double wait_p50_lo, int classes,
			 int kt)
{
	char *buf = NULL;
	size_t len = 0;
	struct err e;
	FILE *f = open_memstream(&buf, &len);
	fputs("workload:\n  spawn_rate: 200/s\n", f);
	rec(f, 2, "wait", wait_p50_lo, 2 * wait_p50_lo, 1000);
	rec(f, 2, "slice", 100e3, 300e3, 1000);
	rec(f, 2, "cpu_demand", 40e3, 60e3, 1000);
	rec(f, 2, "idle_wakeup", 2e3, 6e3, 1000);
	rec(f, 2, "busy_wakeup", 5e3, 15e3, 1000);
	fputs("  resident:\n    tasks: 20\n    busy: 0\n", f);
	rec(f, 4, "run", 5e3, 15e3, 1000);
	rec(f, 4, "sleep", 1e6, 3e6, 1000);
	rec(f, 4, "interval", 1e6, 3e6, 1000);
	rec(f, 4, "busy_run", 0, 0, 0);            /* no values */
	fputs("  spawned:\n    rate: 200/s\n", f);
	rec(f, 4, "run", 0, 0, 0);                 /* no values: block: {} */
	rec(f, 4, "sleep", 0, 0, 0);
	if (kt & 2)   /* the host's timers and wake-up packing */
		fputs("  timer_slack: 50us\n  wake_local: 0.8\n", f);
	if (kt & 1) {
		rec(f, 4, "fork_cpu", 200e3, 300e3, 1000);
		fputs("  kernel:\n", f);
		rec(f, 4, "exit", 40e3, 60e3, 1000);
		fputs("  background:\n    irq_rate: 2000/s\n"
		      "    softirq_rate: 500/s\n", f);
		rec(f, 4, "irq", 4e3, 6e3, 1000);
		fputs("    softirq_estimate: 10us\n", f);
		fputs("  host:\n    steal_share: 0.01\n    steal_rate: 10/s\n"
		      "    steal_duration: exponential(1ms)\n", f);
	}
	fputs("storage:\n  hash:\n", f);
	if (classes) {
		rec(f, 4, "insert", 200, 300, 1000);
		rec(f, 4, "replace", 250, 350, 1000);
		rec(f, 4, "miss", 30, 60, 1000);
	} else {
		rec(f, 4, "update", 200, 300, 1000);
	}
	rec(f, 4, "lookup", 50, 100, 1000);
	rec(f, 4, "delete", 100, 200, 1000);
	if (kt & 2)
		rec(f, 4, "update_switch", 100, 200, 1000);
	fputs("    hooks:\n      sched_wakeup: \"normal(200ns, 20ns)\"\n"
	      "      sched_wakeup_new: \"normal(300ns, 30ns)\"\n"
	      "      sched_switch: \"normal(150ns, 15ns)\"\n", f);
	fputs("  task_storage:\n", f);
	if (classes) {
		rec(f, 4, "get_wake", 50, 100, 1000);
		rec(f, 4, "get_switch", 20, 40, 1000);
		rec(f, 4, "recreate", 200, 300, 1000);
	} else {
		rec(f, 4, "get", 50, 100, 1000);
	}
	rec(f, 4, "create", 400, 600, 1000);
	rec(f, 4, "delete", 300, 500, 1000);
	fputs("    hooks:\n      sched_wakeup: \"normal(150ns, 15ns)\"\n"
	      "      sched_wakeup_new: \"normal(100ns, 10ns)\"\n"
	      "      sched_switch: \"normal(120ns, 12ns)\"\n", f);
	fputs("  output:\n", f);
	rec(f, 4, "ringbuf", 200, 300, 1000);
	fclose(f);
	err_init(&e);
	unlink(path);
	if (calfile_merge(path, buf, &e)) {
		char msg[512];
		err_format(&e, msg, sizeof(msg));
		fail_msg("calfile_merge: %s", msg);
	}
	free(buf);
}

static void write_cal(const char *path, double wait_p50_lo)
{
	write_cal_as(path, wait_p50_lo, 0, 0);
}

static void tmpdir(char *dir, size_t size)
{
	snprintf(dir, size, "/tmp/bpfsim-test-validate.XXXXXX");
	assert_non_null(mkdtemp(dir));
}

static void rmdir_all(const char *dir)
{
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_measured_values(void **state)
{
	(void)state;
	char dir[64], cal[128];
	struct err e;
	tmpdir(dir, sizeof(dir));
	snprintf(cal, sizeof(cal), "%s/cal.yaml", dir);
	write_cal(cal, 10e3);
	struct val_measured m = {
		.elapsed = 2, .cpus = 2,
		.runs = { 1000, 100, 3000 },
		.run_ns = { 600e3, 100e3, 1.5e6 },
		.floor = 100, .busy = 2e9, .idle = 2e9,
	};
	double v[VM_COUNT];
	err_init(&e);
	assert_int_equal(validate_measured_values(&m, cal, v, &e), 0);
	/* (600 us - 100 ns x 1000) / 1000 = 500 ns */
	assert_rel(v[VM_PER_RUN + VAL_WAKEUP], 500, 1e-12, "per run, wakeup");
	assert_rel(v[VM_PER_RUN + VAL_WAKEUP_NEW], 900, 1e-12, "per run, new");
	assert_rel(v[VM_PER_RUN + VAL_SWITCH], 400, 1e-12, "per run, switch");
	assert_rel(v[VM_RUNS_PER_S + VAL_SWITCH], 1500, 1e-12, "runs per s");
	double bpf = 500e3 + 90e3 + 1.2e6;
	assert_rel(v[VM_BPF_SHARE], bpf / 4e9, 1e-12, "BPF share");
	assert_rel(v[VM_OVERHEAD], bpf / (2e9 - bpf), 1e-12, "overhead");
	assert_rel(v[VM_CPU_BUSY], 0.5, 1e-12, "CPU busy");
	/* The wait record: 1000 values uniform over [10, 20) us. */
	assert_rel(v[VM_WAIT_P50], 15e3, 0.01, "wait p50 from the file");
	assert_true(v[VM_WAIT_P99] > 19e3 && v[VM_WAIT_P99] <= 20e3);
	rmdir_all(dir);
}

static void test_scenario_and_simulation(void **state)
{
	(void)state;
	char dir[64], cal[128];
	struct err e;
	tmpdir(dir, sizeof(dir));
	snprintf(cal, sizeof(cal), "%s/cal.yaml", dir);
	write_cal(cal, 10e3);
	struct val_sim_opts so = { .cpus = 2, .pid_max = 32768, .duration_ns = 1e9,
				   .reps = 5, .seed = 1, .threads = 0,
				   .env = &cli_env };
	for (int task = 0; task <= 1; task++) {
		char sc[160];
		struct stat_summary pred[VM_COUNT];
		int intr = 0;
		err_init(&e);
		assert_int_equal(validate_scenario_write(dir, "s.yaml", "cal.yaml",
							 "spawn:200", task, &so, &e),
				 0);
		snprintf(sc, sizeof(sc), "%s/s.yaml", dir);
		if (validate_simulate(sc, &so, pred, &intr, &e)) {
			char msg[512];
			err_format(&e, msg, sizeof(msg));
			fail_msg("simulate (%s): %s", task ? "task" : "hash", msg);
		}
		assert_false(intr);
		for (int k = 0; k < VM_COUNT; k++) {
			if (!isfinite(pred[k].mean) || !isfinite(pred[k].half))
				fail_msg("%s: %s is %g +- %g", task ? "task" : "hash",
					 val_metric_name(k), pred[k].mean,
					 pred[k].half);
			assert_int_equal(pred[k].n, 5);
		}
		assert_rel(pred[VM_RUNS_PER_S + VAL_WAKEUP_NEW].mean, 200, 0.1,
			   "spawn rate");
		assert_true(pred[VM_BPF_SHARE].mean > 0);
		/* 20 residents waking every 2 ms on average: ~10000/s. */
		assert_rel(pred[VM_RUNS_PER_S + VAL_WAKEUP].mean, 10000, 0.05,
			   "resident wake-ups");
	}
	/* What the file lacked is left to the defaults, the block as {}. */
	struct ytree *t = ytree_load_file(strcat(dir, "/s.yaml"), &e);
	assert_non_null(t);
	struct ynode *b = ytree_find(t, "workload.block");
	assert_non_null(b);
	assert_int_equal(b->kind, YN_MAP);
	assert_null(ytree_find(t, "workload.resident.busy_run"));
	ytree_free(t);
	dir[strlen(dir) - strlen("/s.yaml")] = 0;
	rmdir_all(dir);
}

/* Kernel time that is no task's: the scenario takes the parents' fork
 * cycle as workload.fork, the exit tail as kernel.exit, interrupts and
 * softirqs as background.* (a duration record, or the estimate) and steal
 * as host.steal, and simulating it gives more busy CPU time than the
 * same calibration without them - the forks and exits, not the
 * interrupts on idle CPUs (the file without them leaves the keys
 * out: test_scenario_and_simulation). */
static void test_scenario_kernel_time(void **state)
{
	(void)state;
	char dir[64], cal[128], sc[160];
	struct err e;
	struct val_sim_opts so = { .cpus = 2, .pid_max = 32768, .duration_ns = 1e9,
				   .reps = 5, .seed = 1, .threads = 0,
				   .env = &cli_env };
	double busy[2];
	tmpdir(dir, sizeof(dir));
	snprintf(cal, sizeof(cal), "%s/cal.yaml", dir);
	snprintf(sc, sizeof(sc), "%s/s.yaml", dir);
	for (int kt = 0; kt <= 1; kt++) {
		struct stat_summary pred[VM_COUNT];
		int intr = 0;
		write_cal_as(cal, 10e3, 1, kt);
		err_init(&e);
		assert_int_equal(validate_scenario_write(dir, "s.yaml", "cal.yaml",
							 "spawn:200", 0, &so, &e), 0);
		struct ytree *t = ytree_load_file(sc, &e);
		assert_non_null(t);
		static const char *const keys[] = {
			"workload.fork", "kernel.exit", "background.irq.rate",
			"background.irq.duration", "background.softirq.rate",
			"background.softirq.duration", "background.while_busy",
		};
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if ((ytree_find(t, keys[k]) != NULL) != kt)
				fail_msg("kt=%d: %s %s", kt, keys[k],
					 kt ? "missing" : "written");
		/* Steal is inside the measured bursts: never simulated. */
		assert_null(ytree_find(t, "host"));
		struct ynode *wb = ytree_find(t, "background.while_busy");
		if (kt)
			assert_string_equal(wb->value, "false");
		ytree_free(t);
		if (validate_simulate(sc, &so, pred, &intr, &e)) {
			char msg[512];
			err_format(&e, msg, sizeof(msg));
			fail_msg("simulate (kt=%d): %s", kt, msg);
		}
		busy[kt] = pred[VM_CPU_BUSY].mean;
	}
	/* Per CPU: exits 100/s x 50 us = 0.5%, forks 100/s x (250 - 140 us
	 * default) = 1.1%: ~1.6 points of busy share, against a CI of ~0.1
	 * point.  The interrupts (2000/s x 5 us + softirqs 500/s x 10 us =
	 * 1.5%, charged on idle CPUs only) are not busy as the host's
	 * switches time it (inside the idle task): with them it would be
	 * ~3 points. */
	fprintf(stderr, "# busy share %.4f without kernel time, %.4f with\n",
		busy[0], busy[1]);
	if (!(busy[1] > busy[0] + 0.01 && busy[1] < busy[0] + 0.024))
		fail_msg("busy share %.4f with kernel time, %.4f without: want "
			 "1-2.4 points more", busy[1], busy[0]);
	rmdir_all(dir);
}

/* What calibrate workload and storage measured of the host's kernel -
 * timer slack, wake-up packing, the switch side's update - goes into the
 * scenario by reference when the file has it, and nothing when not (the
 * model's defaults: exact timers, mainline placement, the wake side's
 * classes); the scenario runs. */
static void test_scenario_host_behaviour(void **state)
{
	(void)state;
	static const struct {
		const char *key, *ref;
	} want[] = {
		{ "workload.resident.timer_slack.from",
		  "calibration.workload.timer_slack" },
		{ "wake_local.from", "calibration.workload.wake_local" },
		{ "storage.hash.update_switch.from",
		  "calibration.storage.hash.update_switch" },
	};
	char dir[64], cal[128], sc[160];
	struct err e;
	struct val_sim_opts so = { .cpus = 2, .pid_max = 32768, .duration_ns = 2e8,
				   .reps = 1, .seed = 1, .env = &cli_env };
	tmpdir(dir, sizeof(dir));
	snprintf(cal, sizeof(cal), "%s/cal.yaml", dir);
	snprintf(sc, sizeof(sc), "%s/s.yaml", dir);
	for (int has = 0; has <= 1; has++) {
		struct stat_summary pred[VM_COUNT];
		int intr = 0;
		write_cal_as(cal, 10e3, 1, has ? 2 : 0);
		err_init(&e);
		assert_int_equal(validate_scenario_write(dir, "s.yaml", "cal.yaml",
							 "sleepers:20", 0, &so, &e), 0);
		struct ytree *t = ytree_load_file(sc, &e);
		assert_non_null(t);
		for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
			struct ynode *n = ytree_find(t, want[k].key);
			if (!has) {
				if (n)
					fail_msg("%s written without a value", want[k].key);
				continue;
			}
			if (!n)
				fail_msg("%s: no reference", want[k].key);
			assert_string_equal(n->value, want[k].ref);
		}
		ytree_free(t);
		if (validate_simulate(sc, &so, pred, &intr, &e)) {
			char msg[512];
			err_format(&e, msg, sizeof(msg));
			fail_msg("simulate (has=%d): %s", has, msg);
		}
	}
	rmdir_all(dir);
}

/* The scenario validate writes takes each storage cost class from its own
 * record, and from the one older record (update, get, create) that stood
 * for several classes when the file predates them. */
static void test_scenario_classes(void **state)
{
	(void)state;
	static const struct {
		const char *key, *now, *old;
	} want[] = {
		{ "storage.hash.insert", "storage.hash.insert", "storage.hash.update" },
		{ "storage.hash.replace", "storage.hash.replace", "storage.hash.update" },
		{ "storage.hash.miss", "storage.hash.miss", "storage.hash.lookup" },
		{ "storage.hash.lookup", "storage.hash.lookup", "storage.hash.lookup" },
		{ "storage.hash.full_update_cost", "storage.hash.insert",
		  "storage.hash.update" },
		{ "storage.task_storage.get_wake", "storage.task_storage.get_wake",
		  "storage.task_storage.get" },
		{ "storage.task_storage.get_switch", "storage.task_storage.get_switch",
		  "storage.task_storage.get" },
		{ "storage.task_storage.recreate", "storage.task_storage.recreate",
		  "storage.task_storage.create" },
		{ "storage.task_storage.create", "storage.task_storage.create",
		  "storage.task_storage.create" },
	};
	struct val_sim_opts so = { .cpus = 2, .pid_max = 32768, .duration_ns = 1e9,
				   .reps = 1, .seed = 1, .env = &cli_env };
	for (int classes = 0; classes <= 1; classes++) {
		char dir[64], cal[128], sc[2][160];
		struct err e;
		tmpdir(dir, sizeof(dir));
		snprintf(cal, sizeof(cal), "%s/cal.yaml", dir);
		write_cal_as(cal, 10e3, classes, 0);
		for (int task = 0; task <= 1; task++) {
			err_init(&e);
			assert_int_equal(validate_scenario_write(dir, task ? "t.yaml"
								 : "h.yaml", "cal.yaml",
								 "spawn:200", task, &so, &e),
					 0);
			snprintf(sc[task], sizeof(sc[task]), "%s/%s", dir,
				 task ? "t.yaml" : "h.yaml");
		}
		for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			int task = !strncmp(want[i].key, "storage.task", 12);
			struct ytree *t = ytree_load_file(sc[task], &e);
			assert_non_null(t);
			char path[160];
			snprintf(path, sizeof(path), "%s.from", want[i].key);
			struct ynode *n = ytree_find(t, path);
			if (!n)
				fail_msg("%s: no reference for %s", sc[task], want[i].key);
			char expect[160];
			snprintf(expect, sizeof(expect), "calibration.%s",
				 classes ? want[i].now : want[i].old);
			assert_string_equal(n->value, expect);
			ytree_free(t);
		}
		rmdir_all(dir);
	}
}

/* ---- the model's host features ------------------------------------------- */

static const struct model *M;

struct res {
	double wake_rate, p50, idle, payload, bpf, sw, elapsed;
};

static void run_yaml(const char *yaml, uint64_t end, struct res *r)
{
	struct err e;
	struct sim s;
	struct rq_totals tot;
	double m[128];
	char msg[1024];
	err_init(&e);
	M = model_find("runqslower");
	assert_true(model_metric_count(M) <= 128);
	struct ytree *t = ytree_load_buffer("host.yaml", yaml, strlen(yaml), &e);
	void *cfg = t ? M->configure(ytree_root(t), &e) : NULL;
	if (!cfg || ytree_check_unknown(t, &e)) {
		err_format(&e, msg, sizeof(msg));
		fail_msg("config: %s\n%s", msg, yaml);
	}
	assert_int_equal(sim_init(&s, M, 1, 0, end, NULL), 0);
	assert_int_equal(sim_run(&s, cfg, m), SIM_DONE);
	rq_totals(s.state, &tot);      /* aborts if a CPU leaks time */
	r->wake_rate = m[model_metric_index(M, "runs_per_s_sched_wakeup")];
	r->p50 = m[model_metric_index(M, "wait_p50")];
	r->idle = (double)tot.idle;
	r->payload = (double)tot.payload;
	r->bpf = (double)tot.bpf;
	r->sw = (double)tot.sw;
	r->elapsed = (double)tot.elapsed;
	sim_fini(&s);
	M->config_free(cfg);
	ytree_free(t);
}

static void test_resident_interval(void **state)
{
	(void)state;
	struct res r;
	run_yaml("cpus: 4\nworkload: {arrival: batch, processes: 0,\n"
		 "  resident: {tasks: 100, run: 10us, interval: 10ms}}\n",
		 1000000000, &r);
	/* 100 tasks x 100 wake-ups a second, each task 100 or 101. */
	assert_rel(r.wake_rate, 10000, 0.02, "resident wake-up rate");
}

static void test_busy_residents(void **state)
{
	(void)state;
	struct res r;
	run_yaml("cpus: 2\nworkload: {arrival: batch, processes: 0, slice: 1ms,\n"
		 "  resident: {busy: 2}}\n", 100000000, &r);
	assert_true(r.idle == 0);
	assert_true(r.payload + r.bpf + r.sw == r.elapsed);
	assert_true(r.payload > 0.99 * r.elapsed);
}

static void test_idle_wakeup(void **state)
{
	(void)state;
	struct res r;
	run_yaml("cpus: 1\nidle_wakeup: 50us\n"
		 "workload: {arrival: batch, processes: 0,\n"
		 "  resident: {tasks: 1, run: 10us, interval: 1ms}}\n",
		 200000000, &r);
	assert_true(r.p50 >= 50e3 && r.p50 <= 55e3);
}

/* 1 CPU, a CPU hog with 3 ms slices, 10 sleepers of 10 us every 1 ms. */
static void hog_run(const char *sched, struct res *r)
{
	char yaml[512];
	snprintf(yaml, sizeof(yaml), "cpus: 1\n%s\n"
		 "workload: {arrival: batch, processes: 0, slice: 3ms,\n"
		 "  resident: {tasks: 10, busy: 1, run: 10us, interval: 1ms}}\n",
		 sched);
	run_yaml(yaml, 200000000, r);
}

static void test_hog_and_sleepers(void **state)
{
	(void)state;
	struct res fifo, fair, fair1, wp;
	hog_run("runqueue: fifo", &fifo);
	hog_run("runqueue: fair\nfair: {wakeup_granularity: 0}", &fair);
	hog_run("runqueue: fair", &fair1);
	hog_run("runqueue: fifo\nwakeup_preemption: 20us", &wp);
	if (!(fifo.p50 > 300e3))
		fail_msg("FIFO behind a hog: wait p50 %g ns, want > 300 us",
			 fifo.p50);
	if (!(fair.p50 < 50e3))
		fail_msg("fair: wait p50 %g ns, want < 50 us", fair.p50);
	if (!(fair1.p50 > fair.p50 && fair1.p50 < 1.05e6))
		fail_msg("fair, 1 ms granularity: wait p50 %g ns, want in (%g ns, "
			 "1.05 ms)", fair1.p50, fair.p50);
	if (!(wp.p50 >= 20e3 && wp.p50 <= 40e3))
		fail_msg("wakeup_preemption 20us: wait p50 %g ns", wp.p50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_measured_values),
		cmocka_unit_test(test_scenario_and_simulation),
		cmocka_unit_test(test_scenario_classes),
		cmocka_unit_test(test_scenario_host_behaviour),
		cmocka_unit_test(test_scenario_kernel_time),
		cmocka_unit_test(test_resident_interval),
		cmocka_unit_test(test_busy_residents),
		cmocka_unit_test(test_idle_wakeup),
		cmocka_unit_test(test_hog_and_sleepers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
