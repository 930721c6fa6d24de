/* report.c - the runqslower model's metrics, series and steady state.
 *
 * Units: times in ns of CPU time summed over CPUs; rates per simulated
 * second; ratios unitless.  A hook that never ran reports NAN as its mean
 * cost (no data, not zero cost).
 */
#include <math.h>

#include "models/runqslower/cpu.h"
#include "models/runqslower/ktime.h"
#include "models/runqslower/report.h"
#include "models/runqslower/tools.h"
#include "sim/check.h"

#define HOOK_METRICS(prefix, unit, help) \
	{ prefix "_sched_wakeup", unit, help, 0 }, \
	{ prefix "_sched_wakeup_new", unit, help, 0 }, \
	{ prefix "_sched_switch", unit, help, 0 }, \
	{ prefix "_sched_process_exit", unit, help, 0 }

const struct model_metric rq_metrics[] = {
	{ "overhead_ratio", "ratio", "BPF time / payload time", 1 },
	{ "bpf_cpu_share", "ratio", "BPF time / all CPU time", 2 },
	{ "payload_time", "ns", "CPU time tasks ran", 0 },
	{ "bpf_time", "ns", "CPU time in BPF programs (all hooks, storage, output)", 0 },
	{ "switch_time", "ns", "CPU time in context switches", 0 },
	{ "kernel_time", "ns", "kernel CPU time in no task's stretch and no BPF "
	  "program: fork, exec, exit and reap (kernel.*), interrupts and "
	  "softirqs (background.*), the probe's task-storage free in "
	  "free_task", 0 },
	{ "idle_time", "ns", "CPU time idle", 0 },
	{ "elapsed", "ns", "simulated time at the end of the run", 0 },
	HOOK_METRICS("bpf_per_run", "ns", "mean BPF cost per hook invocation"),
	HOOK_METRICS("runs_per_s", "1/s", "hook invocations per simulated second"),
	HOOK_METRICS("bpf_time", "ns", "BPF time in the hook"),
	{ "op_update_time", "ns", "storage: record (update / get+create)", 0 },
	{ "op_lookup_time", "ns", "storage: lookup at switch-in", 0 },
	{ "op_delete_time", "ns", "storage: delete", 0 },
	{ "op_alloc_time", "ns", "storage: allocation (no-prealloc, task storage)", 0 },
	{ "op_free_time", "ns", "storage: frees (no-prealloc hash delete: BPF "
	  "time; task storage at task free: kernel_time)", 0 },
	{ "op_evict_time", "ns", "storage: LRU evictions", 0 },
	{ "op_failed_update_time", "ns", "storage: updates refused (map full)", 0 },
	{ "output_time", "ns", "report output (perf/ringbuf)", 0 },
	{ "wait_mean", "ns", "true runqueue wait (enqueue to being picked: run_delay)", 3 },
	{ "wait_p50", "ns", "true runqueue wait, median", 0 },
	{ "wait_p99", "ns", "true runqueue wait, 99th percentile", 4 },
	{ "probe_wait_mean", "ns", "wait as the probe measured it", 0 },
	{ "probe_wait_p99", "ns", "probe-measured wait, 99th percentile", 0 },
	{ "reports", "count", "waits over threshold reported", 5 },
	{ "false_reports", "count", "reports from a stale timestamp (bogus waits)", 7 },
	{ "missed_samples", "count", "switch-ins with no timestamp to look up", 6 },
	{ "failed_updates", "count", "records refused by a full map", 8 },
	{ "evictions", "count", "entries evicted (lru_hash)", 0 },
	{ "recursion_misses", "count", "hooks skipped: fired inside a BPF program", 0 },
	{ "map_occupancy_mean", "entries", "time-averaged entries held", 0 },
	{ "map_occupancy_max", "entries", "most entries held", 0 },
	{ "tasks_spawned", "count", "spawn attempts", 0 },
	{ "tasks_completed", "count", "tasks that exited", 0 },
	{ "spawn_failures", "count", "spawns refused: no free pid", 0 },
	{ "peak_backlog", "tasks", "most runnable tasks waiting in runqueues", 0 },
	{ "peak_live_tasks", "tasks", "most tasks alive at once", 0 },
	{ "pid_wraps", "count", "times pid allocation wrapped at pid_max (pids reused after)", 0 },
	{ "migrations_per_s", "1/s", "tasks moved to another CPU per simulated "
	  "second: wake-ups placed away from their last CPU and balancer pulls "
	  "(sched_migrate_task)", 0 },
	{ NULL, NULL, NULL, 0 },
};

const char *const rq_series_cols[SC_COUNT + 1] = {
	"payload_ns", "bpf_ns", "switch_ns", "idle_ns", "backlog_avg",
	"live_tasks_avg", "map_occupancy_avg", "completed", "spawned", "reports",
	"wait_sum_ns", "waits", "kernel_ns", NULL,
};

/* Public (runqslower.h): tests check conservation through it. */
int rq_totals(void *state, struct rq_totals *tot)
{
	cpu_totals(state, tot);
	return 0;
}

int rq_cpu_totals(void *state, uint32_t cpu, struct rq_totals *tot)
{
	struct rq_run *R = state;
	if (cpu >= R->cfg->cpus)
		return -1;
	cpu_split(R, cpu, tot);
	return 0;
}

/* The kernel-time metrics at the end of the run's own table (tools.c
 * build_metrics): steal_time last with host.steal, background_idle_time
 * before it with background.*; both the whole run's. */
static void kernel_time_metrics(struct rq_run *R, double *m)
{
	const struct rq_cfg *c = R->cfg;
	size_t n = 0;
	if (!ktime_steal_on(c) && !ktime_background_on(c))
		return;
	while (c->metrics[n].name)
		n++;
	if (ktime_steal_on(c)) {
		struct rq_totals tot;
		cpu_totals(R, &tot);
		m[--n] = (double)tot.steal;
	}
	if (ktime_background_on(c))
		m[--n] = (double)R->bg_idle_ns;
}

void rq_report(struct sim *s, void *state, double *m)
{
	struct rq_run *R = state;
	struct rq_totals tot;
	cpu_totals(R, &tot);
	/* Flush the time in progress and the levels' integrals up to the end
	 * into the series. */
	cpu_series_flush(R);
	rq_level_set(R, SC_BACKLOG_AVG, &R->lv_backlog, R->lv_backlog.v);
	rq_level_set(R, SC_LIVE_AVG, &R->lv_live, R->lv_live.v);
	rq_level_set(R, SC_OCC_AVG, &R->lv_occ, R->lv_occ.v);
	double secs = (double)s->now * 1e-9;
	/* Filled in rq_metrics' order; the count is checked at the end, so a
	 * metric added to the table without its value here aborts at once. */
	size_t i = 0;
	m[i++] = tot.bpf > 0 || tot.payload > 0
		? (double)tot.bpf / (double)tot.payload : 0;
	m[i++] = tot.elapsed ? (double)tot.bpf / (double)tot.elapsed : 0;
	m[i++] = (double)tot.payload;
	m[i++] = (double)tot.bpf;
	m[i++] = (double)tot.sw;
	m[i++] = (double)tot.kern;
	m[i++] = (double)tot.idle;
	m[i++] = (double)s->now;
	for (int h = 0; h < RQ_HOOKS; h++)
		m[i++] = R->hook_n[h] ? (double)R->hook_ns[h] / (double)R->hook_n[h]
				      : NAN;
	for (int h = 0; h < RQ_HOOKS; h++)
		m[i++] = secs > 0 ? (double)R->hook_n[h] / secs : 0;
	for (int h = 0; h < RQ_HOOKS; h++)
		m[i++] = (double)R->hook_ns[h];
	for (int op = 0; op < SOP_COUNT; op++)
		m[i++] = R->sstats.time[op];
	m[i++] = (double)R->out_ns;
	m[i++] = stat_tally_mean(&R->wait);
	m[i++] = stat_tally_p50(&R->wait);
	m[i++] = stat_tally_p99(&R->wait);
	m[i++] = stat_tally_mean(&R->probe_wait);
	m[i++] = stat_tally_p99(&R->probe_wait);
	m[i++] = (double)R->reports;
	m[i++] = (double)R->false_reports;
	m[i++] = (double)R->missed;
	m[i++] = (double)R->sstats.failed_updates;
	m[i++] = (double)R->sstats.evicted;
	m[i++] = (double)R->recursion_misses;
	m[i++] = stat_gauge_mean(&R->occupancy, s->now);
	m[i++] = (double)R->occ_max;
	m[i++] = (double)R->spawned;
	m[i++] = (double)R->completed;
	m[i++] = (double)R->spawn_failures;
	m[i++] = (double)R->peak_backlog;
	m[i++] = (double)R->peak_live;
	m[i++] = (double)R->pid_wraps;
	m[i++] = secs > 0 ? (double)R->migrations / secs : 0;
	SIM_CHECK(i == model_metric_count(&model_runqslower));
	tools_report(R, m);
	kernel_time_metrics(R, m);
}

/* BPF / payload in one window: the observation MSER-5 and the regime
 * classifier look at.  0 when nothing ran. */
double rq_series_value(const struct stat_series *ser, size_t row)
{
	double pay = stat_series_get(ser, row, SC_PAYLOAD);
	double bpf = stat_series_get(ser, row, SC_BPF);
	return pay > 0 ? bpf / pay : (bpf > 0 ? INFINITY : 0);
}

/* Wait quantiles (and the probe's mean wait, which has no series column)
 * over the samples after the cut, from the histograms' copies at the first
 * mark at or after it (sim/histmark.h: the same instant for a fixed
 * warm-up; up to ~1/62 of the run later for MSER-5).  A cut with no mark
 * at or after it keeps the whole-run values. */
static void steady_quantiles(struct sim *s, struct rq_run *R, uint64_t cut,
			     double *m)
{
	const struct model *mo = &model_runqslower;
	struct lhist h;
	uint64_t used;
	if (lhist_init(&h)) {
		sim_fail(s, "out of memory");
		return;
	}
	if (!hmark_since(&R->marks, 0, cut, &h, &used)) {
		m[model_metric_index(mo, "wait_p50")] = lhist_quantile(&h, 0.50);
		m[model_metric_index(mo, "wait_p99")] = lhist_quantile(&h, 0.99);
	}
	if (!hmark_since(&R->marks, 1, cut, &h, &used)) {
		m[model_metric_index(mo, "probe_wait_mean")] = lhist_mean(&h);
		m[model_metric_index(mo, "probe_wait_p99")] = lhist_quantile(&h, 0.99);
	}
	lhist_fini(&h);
}

void rq_gather(void *state, double *out)
{
	const struct rq_run *R = state;
	size_t i = 0;
	for (int h = 0; h < RQ_HOOKS; h++)
		out[i++] = (double)R->hook_n[h];
	for (int h = 0; h < RQ_HOOKS; h++)
		out[i++] = (double)R->hook_ns[h];
	for (int op = 0; op < SOP_COUNT; op++)
		out[i++] = R->sstats.time[op];
	out[i++] = (double)R->out_ns;
	out[i++] = (double)R->false_reports;
	out[i++] = (double)R->missed;
	out[i++] = (double)R->sstats.failed_updates;
	out[i++] = (double)R->sstats.evicted;
	out[i++] = (double)R->recursion_misses;
	out[i++] = (double)R->spawn_failures;
	out[i++] = (double)R->pid_wraps;
	out[i++] = (double)R->migrations;
	SIM_CHECK(i == RQ_NVALS);
	tools_gather(R, out + RQ_NVALS);
}

/* The counters' share after the cut: the final value minus the copy at
 * the first mark at or after it (the quantiles' mark: the cut itself for
 * a fixed warm-up, up to ~1/62 of the run later for MSER-5); rates per
 * second over the time since that mark.  No mark: whole-run values. */
static void steady_counters(struct sim *s, struct rq_run *R, uint64_t cut,
			    double *m)
{
	const struct model *mo = &model_runqslower;
	/* rq_gather writes the tools' counters after the first RQ_NVALS. */
	double v0[HMARK_VALS], v1[HMARK_VALS], d[RQ_NVALS];
	uint64_t used;
	if (hmark_values_since(&R->marks, cut, v0, &used))
		return;
	rq_gather(R, v1);
	for (size_t k = 0; k < RQ_NVALS; k++)
		d[k] = v1[k] - v0[k];
	double secs = s->now > used ? (double)(s->now - used) * 1e-9 : 0;
	/* Hook metrics are in table order from "bpf_per_run_<first hook>". */
	size_t per_run = model_metric_index(mo, "bpf_per_run_sched_wakeup");
	for (int h = 0; h < RQ_HOOKS; h++) {
		double n = d[h], ns = d[RQ_HOOKS + h];
		m[per_run + (size_t)h] = n > 0 ? ns / n : NAN;
		m[per_run + RQ_HOOKS + (size_t)h] = secs > 0 ? n / secs : 0;
		m[per_run + 2 * RQ_HOOKS + (size_t)h] = ns;
	}
	size_t i = 2 * RQ_HOOKS;
	size_t op = model_metric_index(mo, "op_update_time");
	for (int k = 0; k < SOP_COUNT; k++)
		m[op + (size_t)k] = d[i++];
	static const char *const counts[] = {
		"output_time", "false_reports", "missed_samples",
		"failed_updates", "evictions", "recursion_misses",
		"spawn_failures", "pid_wraps",
	};
	for (size_t k = 0; k < sizeof(counts) / sizeof(counts[0]); k++)
		m[model_metric_index(mo, counts[k])] = d[i++];
	double moved = d[i++];
	m[model_metric_index(mo, "migrations_per_s")] = secs > 0 ? moved / secs : 0;
	SIM_CHECK(i == RQ_NVALS);
}

/* Steady-state metrics over rows [first, nrows): CPU time split, overhead,
 * mean wait, reports, mean occupancy from the window sums; the wait
 * quantiles and the probe's mean wait from histogram marks
 * (steady_quantiles); the other counters from the marks' copies
 * (steady_counters).  Peaks (map_occupancy_max, peak_backlog,
 * peak_live_tasks) keep the whole run. */
void rq_steady(struct sim *s, void *state, const struct stat_series *ser,
	       size_t first, double *m)
{
	double sum[SC_COUNT] = { 0 };
	for (size_t i = first; i < ser->nrows; i++)
		for (size_t c = 0; c < SC_COUNT; c++)
			sum[c] += stat_series_get(ser, i, c);
	double span = (double)(ser->nrows - first) * (double)ser->window;
	double all = sum[SC_PAYLOAD] + sum[SC_BPF] + sum[SC_SWITCH] +
		     sum[SC_KERNEL] + sum[SC_IDLE];
	const struct model *mo = &model_runqslower;
	m[model_metric_index(mo, "overhead_ratio")] =
		sum[SC_PAYLOAD] > 0 ? sum[SC_BPF] / sum[SC_PAYLOAD] : 0;
	m[model_metric_index(mo, "bpf_cpu_share")] = all > 0 ? sum[SC_BPF] / all : 0;
	m[model_metric_index(mo, "payload_time")] = sum[SC_PAYLOAD];
	m[model_metric_index(mo, "bpf_time")] = sum[SC_BPF];
	m[model_metric_index(mo, "switch_time")] = sum[SC_SWITCH];
	m[model_metric_index(mo, "kernel_time")] = sum[SC_KERNEL];
	m[model_metric_index(mo, "idle_time")] = sum[SC_IDLE];
	m[model_metric_index(mo, "wait_mean")] =
		sum[SC_WAITS] > 0 ? sum[SC_WAIT_SUM] / sum[SC_WAITS] : NAN;
	m[model_metric_index(mo, "reports")] = sum[SC_REPORTS];
	m[model_metric_index(mo, "tasks_completed")] = sum[SC_COMPLETED];
	m[model_metric_index(mo, "tasks_spawned")] = sum[SC_SPAWNED];
	m[model_metric_index(mo, "map_occupancy_mean")] =
		span > 0 ? sum[SC_OCC_AVG] / span : NAN;
	steady_quantiles(s, state, (uint64_t)first * ser->window, m);
	steady_counters(s, state, (uint64_t)first * ser->window, m);
	tools_steady(s, state, (uint64_t)first * ser->window, m);
	kernel_time_metrics(state, m);
}
