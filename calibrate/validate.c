/* validate.c - `bpfsim validate` steps 3 and 4: the generated scenario, its
 * simulation, and measured against predicted (validate.h).
 *
 * The scenario takes every input it can from the calibration file through
 * `{from: calibration.X, use: empirical}` - the measured histograms
 * themselves, not fits, so a two-mode cost or a heavy-tailed sleep is
 * simulated as it was measured - and leaves out what the file lacks (a
 * histogram with no values): the model's default then applies, which the
 * generated file says in a comment.  Mapping (calibrate workload/storage
 * -> runqslower):
 *   workload.spawned.rate            -> workload.rate (Poisson arrivals)
 *   workload.spawned.parents         -> workload.spawners (spawner: task;
 *                                       their wake-ups are not residents')
 *   workload.cpu_demand              -> workload.lifetime
 *   workload.spawned.block_probability, .run, .sleep -> workload.block.*
 *   workload.resident.tasks, .busy, .run, .sleep, .interval
 *                                    -> workload.resident.*
 *   workload.slice                   -> workload.slice
 *   workload.idle_wakeup             -> idle_wakeup
 *   workload.spawned.fork_cpu        -> workload.fork (the parents' CPU per
 *                                       fork cycle; the default without it)
 *   workload.kernel.exit             -> kernel.exit (do_exit after its
 *                                       tracepoint)
 *   workload.background.irq_rate, .irq (or .irq_estimate), .softirq_rate,
 *   .softirq (or .softirq_estimate)  -> background.irq, background.softirq
 *                                       with background.while_busy false:
 *                                       the measured bursts already hold
 *                                       what hit a running task
 *   (workload.host.steal_*: not simulated - steal only hits a running
 *   vCPU, so it is inside the measured bursts)
 *   host.smt, host.llc               -> topology (when they tile the CPUs)
 *   workload.spawned.fork_local      -> fork_local (where children start)
 *   workload.spawned.fork_tail       -> workload.fork_tail (the parent's
 *                                       CPU after the child's wake-up)
 *   storage.KIND.<class> (hash insert/replace/lookup/miss/delete, task
 *   storage get_wake/get_switch/create/recreate/delete; older files:
 *   update, get, create stand for the classes they cover) -> storage.KIND
 *   storage.KIND.hooks.HOOK          -> probe.hooks.HOOK
 *   storage.output.ringbuf           -> probe.output_cost.ringbuf
 * and the model's scheduler defaults - runqueue: eevdf, placement:
 * wake_affine, balance.newidle - as the host's kernel schedules (the
 * measured waits of wake-ups onto busy CPUs, workload.busy_wakeup, are not
 * used: EEVDF's own wake-up preemption decides; on one measurement
 * re-simulated with validate --from, the earlier choice - runqueue: fair
 * preempting after a busy_wakeup draw - passed switches/s in 5 of 8 rows
 * and BPF share in 5, EEVDF in 7 and 6); and, as the measured probes ran:
 * threshold 10 ms, delete on report,
 * ringbuf output, a 10240-entry hash whose failed updates cost an update;
 * occupancy and active factors `none` (the costs were measured at this
 * very load); the host's CPUs and pid_max.
 *
 * Per-replication values are derived from the model's metrics (validate.h
 * defines them) and summarised over the replications with stat_summarize:
 * mean and 95% Student-t CI.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calibrate/validate.h"
#include "calibrate/calfile.h"
#include "calibrate/fit.h"
#include "sim/exp/experiment.h"
#include "sim/exp/scenario.h"
#include "sim/model.h"
#include "sim/out.h"
#include "sim/units.h"
#include "sim/ytree.h"

const char *const val_hook_names[VAL_NHOOKS] = {
	"sched_wakeup", "sched_wakeup_new", "sched_switch",
};

const char *val_metric_name(int m)
{
	static const char *const names[VM_COUNT] = {
		"per_run_sched_wakeup", "per_run_sched_wakeup_new",
		"per_run_sched_switch", "runs_per_s_sched_wakeup",
		"runs_per_s_sched_wakeup_new", "runs_per_s_sched_switch",
		"bpf_share", "overhead_ratio", "wait_p50", "wait_p99", "cpu_busy",
	};
	return m >= 0 && m < VM_COUNT ? names[m] : "?";
}

const char *val_metric_unit(int m)
{
	if (m < VM_RUNS_PER_S || m == VM_WAIT_P50 || m == VM_WAIT_P99)
		return "ns";
	if (m < VM_BPF_SHARE)
		return "1/s";
	return "ratio";
}

/* ---- measured ------------------------------------------------------------ */

static double tree_ns(struct ytree *t, const char *path)
{
	struct ynode *n = t ? ytree_find(t, path) : NULL;
	double v;
	char why[128];
	if (!n || n->kind != YN_SCALAR ||
	    units_parse_duration(n->value, &v, why, sizeof(why)))
		return NAN;
	return v;
}

double validate_tree_num(struct ytree *t, const char *path)
{
	struct ynode *n = t ? ytree_find(t, path) : NULL;
	double v;
	char why[128];
	if (!n || n->kind != YN_SCALAR)
		return NAN;
	if (units_parse_number(n->value, &v, why, sizeof(why)) &&
	    units_parse_rate(n->value, &v, why, sizeof(why)))
		return NAN;
	return v;
}

int validate_measured_values(const struct val_measured *m, const char *calfile,
			     double out[VM_COUNT], struct err *e)
{
	double bpf = 0, all = (double)m->cpus * m->elapsed * 1e9;
	for (int i = 0; i < VM_COUNT; i++)
		out[i] = NAN;
	for (int h = 0; h < VAL_NHOOKS; h++) {
		double net = m->run_ns[h] - m->floor * m->runs[h];
		if (m->runs[h] > 0)
			out[VM_PER_RUN + h] = net / m->runs[h];
		out[VM_RUNS_PER_S + h] = m->elapsed > 0 ? m->runs[h] / m->elapsed
							: NAN;
		bpf += m->runs[h] > 0 ? net : 0;
	}
	double busy = m->busy;
	if (calfile) {
		struct ytree *t = calfile_load(calfile, e);
		if (!t)
			return e->status;
		out[VM_WAIT_P50] = tree_ns(t, "workload.wait.p50");
		out[VM_WAIT_P99] = tree_ns(t, "workload.wait.p99");
		/* The tasks' time on CPU timed at every switch in the same
		 * window, when the file has it: /proc/stat's tick sampling
		 * misses threads that run between ticks (a host of sleepers
		 * waking every few ms reads 7% busy there, 10% on CPU). */
		double on = validate_tree_num(t, "workload.cpu_busy_oncpu");
		if (isfinite(on) && on > 0)
			busy = on * all;
		ytree_free(t);
	}
	if (all > 0) {
		out[VM_BPF_SHARE] = bpf / all;
		out[VM_CPU_BUSY] = busy / all;
	}
	if (busy > bpf)
		out[VM_OVERHEAD] = bpf / (busy - bpf);
	return 0;
}

/* ---- the scenario --------------------------------------------------------- */

void validate_rerun_sets(FILE *f, const struct val_sim_opts *so)
{
	/* The overrides are applied when the file is loaded, not written
	 * into it: the rerun line names them. */
	for (size_t i = 0; i < so->nsets; i++)
		fprintf(f, " --set '%s'", so->sets[i]);
	fputc('\n', f);
}

/* Values in the record at path (its n), 0 when absent. */
static double rec_n(struct ytree *t, const char *path)
{
	char p[256];
	snprintf(p, sizeof(p), "%s.n", path);
	double n = validate_tree_num(t, p);
	return isfinite(n) ? n : 0;
}

/* "  key: {from: calibration.PATH, use: empirical}" when the record has
 * values (returns 1), else a comment that the default applies (0). */
static int ref_dist(FILE *f, struct ytree *t, int indent, const char *key,
		    const char *path)
{
	if (rec_n(t, path) >= 1) {
		fprintf(f, "%*s%s: {from: calibration.%s, use: empirical}\n",
			indent, "", key, path);
		return 1;
	}
	fprintf(f, "%*s# %s: the model's default (%s has no values)\n",
		indent, "", key, path);
	return 0;
}

/* ref_dist of `path`, or of `old` (a calibration file from before the
 * cost classes) when path has no values. */
static int ref_class(FILE *f, struct ytree *t, int indent, const char *key,
		     const char *path, const char *old)
{
	if (old && rec_n(t, path) < 1 && rec_n(t, old) >= 1)
		path = old;
	return ref_dist(f, t, indent, key, path);
}

static int ref_scalar(FILE *f, struct ytree *t, int indent, const char *key,
		      const char *path)
{
	if (isfinite(validate_tree_num(t, path))) {
		fprintf(f, "%*s%s: {from: calibration.%s}\n", indent, "", key, path);
		return 1;
	}
	fprintf(f, "%*s# %s: the model's default (no %s)\n", indent, "", key,
		path);
	return 0;
}

/* A background source's `{rate, duration}` from the calibration's rate
 * and its measured durations (or their estimate); 1 when written, else a
 * comment and 0. */
static int ref_source(FILE *f, struct ytree *t, const char *key,
		      const char *rate, const char *dur, const char *est)
{
	double r = validate_tree_num(t, rate);
	if (!(isfinite(r) && r > 0)) {
		fprintf(f, "# background.%s: off (no %s)\n", key, rate);
		return 0;
	}
	fprintf(f, "  %s:\n    rate: {from: calibration.%s}\n", key, rate);
	if (rec_n(t, dur) >= 1)
		fprintf(f, "    duration: {from: calibration.%s, use: empirical}\n",
			dur);
	else if (isfinite(tree_ns(t, est)))
		fprintf(f, "    duration: {from: calibration.%s}   # an estimate\n",
			est);
	else
		fprintf(f, "    duration: 0   # nothing measured\n");
	return 1;
}

/* Kernel time that is no task's (the runqslower model's ktime.h): do_exit
 * after its tracepoint, interrupts and softirqs on every CPU, steal.  A
 * section is written only with a key in it (a mapping of comments alone
 * would read as a scalar). */
static void write_kernel_time(FILE *f, struct ytree *t)
{
	if (rec_n(t, "workload.kernel.exit") >= 1)
		fprintf(f, "kernel:\n  exit: {from: calibration.workload.kernel."
			"exit, use: empirical}\n");
	else
		fprintf(f, "# kernel.exit: the model's default (workload.kernel."
			"exit has no values)\n");
	char *buf = NULL;
	size_t len = 0;
	FILE *b = open_memstream(&buf, &len);
	int keys = 0;
	if (b) {
		keys += ref_source(b, t, "irq", "workload.background.irq_rate",
				   "workload.background.irq",
				   "workload.background.irq_estimate");
		keys += ref_source(b, t, "softirq",
				   "workload.background.softirq_rate",
				   "workload.background.softirq",
				   "workload.background.softirq_estimate");
		fclose(b);
	}
	/* The measured bursts are wall time on a CPU: they already hold the
	 * interrupts, softirqs and steal that came while a task ran.  Only
	 * what lands on an idle CPU is charged (ktime.h), so steal, which
	 * needs a running vCPU, is left out. */
	fprintf(f, "%s%s", keys ? "background:\n  while_busy: false\n" : "",
		buf ? buf : "");
	free(buf);
	double ss = validate_tree_num(t, "workload.host.steal_share");
	fprintf(f, "# host.steal: left out - the steal measured (%.3g%% of busy "
		"time) is inside the measured bursts\n",
		isfinite(ss) ? 100 * ss : 0.0);
}

int validate_scenario_write(const char *dir, const char *name,
			    const char *calname, const char *label, int task,
			    const struct val_sim_opts *so, struct err *e)
{
	char calpath[4096], dur[48];
	const char *kind = task ? "task_storage" : "hash";
	struct out_file o = { 0 };
	snprintf(calpath, sizeof(calpath), "%s/%s", dir, calname);
	struct ytree *t = calfile_load(calpath, e);
	if (!t)
		return e->status;
	if (out_open(&o, dir, name, e)) {
		ytree_free(t);
		return e->status;
	}
	FILE *f = o.f;
	units_format_duration(so->duration_ns, dur, sizeof(dur));
	fprintf(f, "# Generated by bpfsim validate: the host measured under load %s\n"
		"# with the %s probes, simulated from the calibration taken under\n"
		"# the same load (%s).  Rerun: bpfsim run THIS-FILE",
		label, kind, calname);
	validate_rerun_sets(f, so);
	fprintf(f, "model: runqslower\ncalibration: %s\n", calname);
	fprintf(f, "description: \"validate %s, %s\"\n", label, kind);
	fprintf(f, "seed: %llu\nreplications: %llu\nduration: %s\nwindow: 0\n",
		(unsigned long long)so->seed, (unsigned long long)so->reps, dur);
	fprintf(f, "cpus: %ld\npid_max: %ld\n", so->cpus, so->pid_max);
	/* The scheduler is the model's default (EEVDF, wake_affine
	 * placement, newidle pulls) on the host's topology. */
	fprintf(f, "# scheduler: the model's defaults (runqueue: eevdf, placement: "
		"wake_affine,\n# balance.newidle: true) on the host's topology\n");
	double smt = validate_tree_num(t, "host.smt"), llc = validate_tree_num(t, "host.llc");
	if (isfinite(smt) && isfinite(llc) && smt >= 1 && llc >= smt &&
	    (long)llc % (long)smt == 0 && so->cpus % (long)llc == 0)
		fprintf(f, "topology: {smt: %ld, llc: %ld}\n", (long)smt,
			(long)llc);
	ref_dist(f, t, 0, "idle_wakeup", "workload.idle_wakeup");
	ref_scalar(f, t, 0, "fork_local", "workload.spawned.fork_local");
	ref_scalar(f, t, 0, "wake_local", "workload.wake_local");
	fprintf(f, "workload:\n");
	double rate = validate_tree_num(t, "workload.spawned.rate");
	if (isfinite(rate) && rate > 0) {
		fprintf(f, "  arrival: poisson\n");
		fprintf(f, "  rate: {from: calibration.workload.spawned.rate}\n");
		/* Forked by the parents seen forking (left out of the
		 * residents); a file from before they were counted: one. */
		double parents = validate_tree_num(t, "workload.spawned.parents");
		fprintf(f, "  spawner: task\n");
		if (isfinite(parents) && parents >= 1)
			fprintf(f, "  spawners: {from: calibration.workload."
				"spawned.parents}\n");
		else
			fprintf(f, "  spawners: 1   # no parents counted\n");
		ref_dist(f, t, 2, "fork", "workload.spawned.fork_cpu");
		ref_dist(f, t, 2, "fork_tail", "workload.spawned.fork_tail");
	} else {
		fprintf(f, "  arrival: batch   # nothing was spawned\n"
			"  processes: 0\n");
	}
	ref_dist(f, t, 2, "lifetime", "workload.cpu_demand");
	ref_dist(f, t, 2, "slice", "workload.slice");
	/* `block:` holding only comments would read as a scalar: a flow {}
	 * then, the comments above it. */
	char *blk = NULL;
	size_t blen = 0;
	FILE *b = open_memstream(&blk, &blen);
	int keys = 0;
	if (b) {
		keys += ref_scalar(b, t, 4, "probability",
				   "workload.spawned.block_probability");
		keys += ref_dist(b, t, 4, "run", "workload.spawned.run");
		keys += ref_dist(b, t, 4, "sleep", "workload.spawned.sleep");
		fclose(b);
	}
	if (keys)
		fprintf(f, "  block:\n%s", blk ? blk : "");
	else
		fprintf(f, "%s  block: {}\n", blk ? blk : "");
	free(blk);
	fprintf(f, "  resident:\n");
	ref_scalar(f, t, 4, "tasks", "workload.resident.tasks");
	ref_scalar(f, t, 4, "busy", "workload.resident.busy");
	ref_dist(f, t, 4, "run", "workload.resident.run");
	ref_dist(f, t, 4, "sleep", "workload.resident.sleep");
	ref_dist(f, t, 4, "interval", "workload.resident.interval");
	if (isfinite(tree_ns(t, "workload.timer_slack")))
		fprintf(f, "    timer_slack: {from: calibration.workload."
			"timer_slack}\n");
	else
		fprintf(f, "    # timer_slack: the model's default (no "
			"workload.timer_slack)\n");
	if (rec_n(t, "workload.resident.busy_run") >= 1 &&
	    rec_n(t, "workload.resident.busy_sleep") >= 1) {
		ref_dist(f, t, 4, "busy_run", "workload.resident.busy_run");
		ref_dist(f, t, 4, "busy_sleep", "workload.resident.busy_sleep");
	}
	write_kernel_time(f, t);
	fprintf(f, "probe:\n  threshold: 10ms\n  output: ringbuf\n"
		"  delete: on_report\n  hooks:\n");
	for (int h = 0; h < VAL_NHOOKS; h++) {
		char p[128];
		snprintf(p, sizeof(p), "storage.%s.hooks.%s", kind, val_hook_names[h]);
		if (ytree_find(t, p))
			fprintf(f, "    %s: {from: calibration.%s}\n",
				val_hook_names[h], p);
		else
			fprintf(f, "    # %s: the model's default (no %s)\n",
				val_hook_names[h], p);
	}
	fprintf(f, "  output_cost:\n");
	ref_dist(f, t, 4, "ringbuf", "storage.output.ringbuf");
	fprintf(f, "storage:\n  kind: %s\n  %s:\n", kind, kind);
	/* The costs were timed under this very load, so they already hold
	 * its working set: no factor on top (wake_factor, switch_factor and
	 * the legacy active_factor off).  Each class from its own record;
	 * a calibration file from before the classes has one record for
	 * several (update, get, create), which then stands for each. */
	if (task) {
		ref_class(f, t, 4, "get_wake", "storage.task_storage.get_wake",
			  "storage.task_storage.get");
		ref_class(f, t, 4, "get_switch", "storage.task_storage.get_switch",
			  "storage.task_storage.get");
		ref_class(f, t, 4, "create", "storage.task_storage.create", NULL);
		ref_class(f, t, 4, "recreate", "storage.task_storage.recreate",
			  "storage.task_storage.create");
		ref_class(f, t, 4, "delete", "storage.task_storage.delete", NULL);
		fprintf(f, "    active_factor: none\n    wake_factor: none\n"
			   "    switch_factor: none\n");
	} else {
		fprintf(f, "    max_entries: %d\n", VAL_HASH_ENTRIES);
		ref_class(f, t, 4, "insert", "storage.hash.insert",
			  "storage.hash.update");
		ref_class(f, t, 4, "replace", "storage.hash.replace",
			  "storage.hash.update");
		/* The switch side's updates (preempted prev), timed apart:
		 * from enough of them to make a mean (a sleeper load preempts
		 * a few hundred times a second). */
		if (rec_n(t, "storage.hash.update_switch") >= 100)
			ref_dist(f, t, 4, "update_switch",
				 "storage.hash.update_switch");
		else
			fprintf(f, "    # update_switch: as insert/replace (fewer "
				"than 100 in storage.hash.update_switch)\n");
		ref_class(f, t, 4, "lookup", "storage.hash.lookup", NULL);
		ref_class(f, t, 4, "miss", "storage.hash.miss",
			  "storage.hash.lookup");
		ref_class(f, t, 4, "delete", "storage.hash.delete", NULL);
		ref_class(f, t, 4, "full_update_cost", "storage.hash.insert",
			  "storage.hash.update");
		fprintf(f, "    occupancy_factor: none\n    active_factor: none\n"
			   "    wake_factor: none\n    switch_factor: none\n");
	}
	ytree_free(t);
	return out_commit(&o, e);
}

/* ---- simulation -------------------------------------------------------------- */

struct idx {
	int per_run[VAL_NHOOKS], rate[VAL_NHOOKS], bpf[VAL_NHOOKS];
	int payload, bpf_all, sw, kern, idle, p50, p99, bg_idle;
};

static int metric(const struct model *m, const char *prefix, const char *hook)
{
	char name[64];
	snprintf(name, sizeof(name), "%s%s", prefix, hook);
	return model_metric_index(m, name);
}

int validate_simulate(const char *scenario, const struct val_sim_opts *so,
		      struct stat_summary out[VM_COUNT], int *interrupted,
		      struct err *e)
{
	struct scenario *sc = scenario_load(so->env, scenario, so->sets,
					    so->nsets, 0, NULL, e);
	struct experiment x;
	double *vals = NULL;
	int rc = 0;
	*interrupted = 0;
	for (int i = 0; i < VM_COUNT; i++)
		stat_summarize(NULL, 0, 0.95, &out[i]);
	/* One point, the scenario's replications: the experiment engine
	 * (threads, MPI, precision: when the scenario asks). */
	if (exp_init(&x, sc, e) || exp_add_base_point(&x, e) ||
	    exp_grow_all(&x, e)) {
		exp_fini(&x);
		return e->status;
	}
	x.keep_series = 0;
	const struct model *m = sc->model;
	struct idx ix;
	for (int h = 0; h < VAL_NHOOKS; h++) {
		ix.per_run[h] = metric(m, "bpf_per_run_", val_hook_names[h]);
		ix.rate[h] = metric(m, "runs_per_s_", val_hook_names[h]);
		ix.bpf[h] = metric(m, "bpf_time_", val_hook_names[h]);
	}
	ix.payload = metric(m, "payload_time", "");
	ix.bpf_all = metric(m, "bpf_time", "");
	ix.sw = metric(m, "switch_time", "");
	ix.idle = metric(m, "idle_time", "");
	ix.kern = metric(m, "kernel_time", "");
	ix.p50 = metric(m, "wait_p50", "");
	ix.p99 = metric(m, "wait_p99", "");
	ix.bg_idle = metric(m, "background_idle_time", "");
	struct exp_run_opts ro = { .threads = so->threads,
				   .interrupt = so->interrupted };
	if (exp_run(&x, &ro, e)) {
		rc = e->status;
		goto out;
	}
	const struct exp_cell *cell = exp_cell(&x, 0, 0);
	const struct runner_job *jobs = cell->jobs;
	size_t nr = cell->nreps;
	vals = calloc(nr * VM_COUNT, sizeof(double));
	if (!vals) {
		rc = err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		goto out;
	}
	size_t n = 0;
	for (size_t r = 0; r < nr; r++) {
		const double *xm = jobs[r].metrics;
		double *v = &vals[n * VM_COUNT];
		if (!jobs[r].done) {
			*interrupted = 1;
			continue;
		}
		if (jobs[r].status == SIM_FAILED) {
			rc = err_set(e, ERR_RUNTIME, scenario, 0, 0, "replication %zu "
				     "failed: %s", r, jobs[r].error);
			goto out;
		}
		double bpf = 0;
		for (int h = 0; h < VAL_NHOOKS; h++) {
			v[VM_PER_RUN + h] = xm[ix.per_run[h]];
			v[VM_RUNS_PER_S + h] = xm[ix.rate[h]];
			bpf += xm[ix.bpf[h]];
		}
		/* Every CPU nanosecond: kernel time (the task-storage free) too. */
		double all = xm[ix.payload] + xm[ix.bpf_all] + xm[ix.sw] +
			     (ix.kern >= 0 ? xm[ix.kern] : 0) + xm[ix.idle];
		/* Busy as the host's sched_switch times it (the measured
		 * side: workload.cpu_busy_oncpu): interrupts that hit an idle
		 * CPU are inside the idle task's time there. */
		double busy = all - xm[ix.idle] -
			      (ix.bg_idle >= 0 ? xm[ix.bg_idle] : 0);
		v[VM_BPF_SHARE] = all > 0 ? bpf / all : NAN;
		v[VM_OVERHEAD] = busy > bpf ? bpf / (busy - bpf) : NAN;
		v[VM_WAIT_P50] = xm[ix.p50];
		v[VM_WAIT_P99] = xm[ix.p99];
		v[VM_CPU_BUSY] = all > 0 ? busy / all : NAN;
		n++;
	}
	double *col = malloc((n ? n : 1) * sizeof(double));
	if (!col) {
		rc = err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		goto out;
	}
	for (int k = 0; k < VM_COUNT; k++) {
		size_t nk = 0;
		for (size_t r = 0; r < n; r++)
			if (isfinite(vals[r * VM_COUNT + k]))
				col[nk++] = vals[r * VM_COUNT + k];
		stat_summarize(col, nk, 0.95, &out[k]);
	}
	free(col);
out:
	free(vals);
	exp_fini(&x);
	return rc;
}

/* ---- results --------------------------------------------------------------------- */

/* The recursion_misses behind metric k: its hook's program, or all. */
static double row_misses(int k, const double misses[VAL_NHOOKS])
{
	double all = 0;
	if (!misses)
		return NAN;
	if (k >= VM_PER_RUN && k < VM_RUNS_PER_S)
		return misses[k - VM_PER_RUN];
	if (k >= VM_RUNS_PER_S && k < VM_BPF_SHARE)
		return misses[k - VM_RUNS_PER_S];
	for (int h = 0; h < VAL_NHOOKS; h++)
		all += misses[h];
	return all;
}

void validate_rows(const char *load, int task, const double meas[VM_COUNT],
		   const double misses[VAL_NHOOKS],
		   const struct stat_summary pred[VM_COUNT], double tol,
		   struct val_row *rows)
{
	for (int k = 0; k < VM_COUNT; k++) {
		struct val_row *r = &rows[k];
		memset(r, 0, sizeof(*r));
		snprintf(r->load, sizeof(r->load), "%s", load);
		r->task = task;
		r->metric = k;
		r->measured = meas[k];
		r->pred = pred[k];
		r->rel = isfinite(meas[k]) && meas[k] != 0 && isfinite(pred[k].mean)
			 ? (pred[k].mean - meas[k]) / fabs(meas[k]) : NAN;
		r->verdict = isfinite(r->rel) ? fabs(r->rel) <= tol : -1;
		r->misses = row_misses(k, misses);
	}
}

/* A value in its unit, 4 significant digits: durations by magnitude,
 * ratios in %, rates as numbers. */
static const char *show(double v, const char *unit, char *buf, size_t size)
{
	if (!isfinite(v))
		snprintf(buf, size, "-");
	else if (!strcmp(unit, "ns"))
		fit_format_ns(v, 4, buf, size);
	else if (!strcmp(unit, "ratio"))
		snprintf(buf, size, "%.4g%%", 100 * v);
	else
		snprintf(buf, size, "%.4g/s", v);
	return buf;
}

static const char *verdict_name(int v)
{
	return v > 0 ? "ok" : v == 0 ? "MISS" : "-";
}

void validate_print_table(FILE *f, const struct val_row *rows, size_t n,
			  double tol)
{
	const char *last_load = "";
	int last_task = -1;
	size_t ok = 0, judged = 0, sok = 0, sjudged = 0;
	fprintf(f, "%-28s %12s %12s %22s %9s  %-7s  %s\n", "metric", "measured",
		"predicted", "95% CI", "error", "verdict", "recursion_misses");
	for (size_t i = 0; i < n; i++) {
		const struct val_row *r = &rows[i];
		const char *u = val_metric_unit(r->metric);
		char a[48], b[48], lo[48], hi[48], ci[100], err[32];
		if (strcmp(r->load, last_load) || r->task != last_task) {
			fprintf(f, "-- %s, %s\n", r->load,
				r->task ? "task_storage" : "hash");
			last_load = r->load;
			last_task = r->task;
		}
		if (isfinite(r->pred.half))
			snprintf(ci, sizeof(ci), "[%s, %s]",
				 show(r->pred.lo, u, lo, sizeof(lo)),
				 show(r->pred.hi, u, hi, sizeof(hi)));
		else
			snprintf(ci, sizeof(ci), "-");
		if (isfinite(r->rel))
			snprintf(err, sizeof(err), "%+.1f%%", 100 * r->rel);
		else
			snprintf(err, sizeof(err), "-");
		char miss[32] = "-";
		if (isfinite(r->misses))
			snprintf(miss, sizeof(miss), "%.0f", r->misses);
		fprintf(f, "  %-26s %12s %12s %22s %9s  %-7s  %s\n",
			val_metric_name(r->metric), show(r->measured, u, a, sizeof(a)),
			show(r->pred.mean, u, b, sizeof(b)), ci, err,
			verdict_name(r->verdict), miss);
		if (r->verdict >= 0) {
			judged++;
			ok += (size_t)r->verdict;
			if (r->metric == VM_BPF_SHARE) {
				sjudged++;
				sok += (size_t)r->verdict;
			}
		}
	}
	fprintf(f, "\nwithin +-%.0f%%: %zu of %zu metrics; BPF share of CPU: %zu of "
		"%zu (load, storage) rows\n", 100 * tol, ok, judged, sok, sjudged);
}

void validate_write_csv(FILE *f, const struct val_row *rows, size_t n,
			double tol)
{
	fputs("load,storage,metric,unit,measured,predicted,ci_low,ci_high,"
	      "replications,rel_error,tolerance,verdict,recursion_misses\n", f);
	for (size_t i = 0; i < n; i++) {
		const struct val_row *r = &rows[i];
		out_csv_field(f, r->load);
		fprintf(f, ",%s,%s,%s,", r->task ? "task_storage" : "hash",
			val_metric_name(r->metric), val_metric_unit(r->metric));
		out_num(f, r->measured, "nan");
		fputc(',', f);
		out_num(f, r->pred.mean, "nan");
		fputc(',', f);
		out_num(f, r->pred.lo, "nan");
		fputc(',', f);
		out_num(f, r->pred.hi, "nan");
		fprintf(f, ",%zu,", r->pred.n);
		out_num(f, r->rel, "nan");
		fputc(',', f);
		out_num(f, tol, "nan");
		fprintf(f, ",%s,", r->verdict > 0 ? "ok" : r->verdict == 0
			? "miss" : "none");
		out_num(f, r->misses, "nan");
		fputc('\n', f);
	}
}
