/* validate_live.c - step 1 of `bpfsim validate`: the bundled runqslower
 * probes measured under a load (validate.h).
 *
 * Order, so that the window sees a steady host: bpf_stats on and the
 * stats-floor probe attached; the load generator started and given
 * SETTLE_S to reach its rate (a spawner's first forks, sleepers' first
 * wake-ups spread over one period); then the probes loaded and attached
 * (the hash starts empty, as the simulated one does); the counters read
 * at both ends of the window; everything detached before the load stops.
 * The workload probes (workload.c) run in the same window, so the
 * calibration the simulation starts from describes the very host state
 * measured - on a shared host whose background load changes by the
 * minute, a calibration from another window would predict another host.
 * The probes run as libbpf-tools' runqslower does: delete after a report
 * only, 10 ms threshold, a 10240-entry hash (VAL_HASH_ENTRIES) - so the
 * hash leaks the entries of tasks that exited without a report, as the
 * real tool's does, and fills under a spawn load.
 *
 * CPU time: /proc/stat at both ends of the window (host-wide: the model
 * simulates every task the probes see); getrusage(RUSAGE_CHILDREN) before
 * the load starts and after it is reaped (the generator reaps its own
 * children, so theirs is included), over the generator's whole run.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "calibrate/live.h"
#include "calibrate/loadgen.h"
#include "calibrate/rqslower.h"
#include "calibrate/validate.h"

#define SETTLE_S 0.5          /* load running before the probes attach */
#define THRESHOLD_NS 10000000 /* runqslower's default min_us: 10 ms */

int validate_check(const struct calib_opts *o, struct err *e)
{
	struct live_features f;
	int rc = live_init(o, &f, e);
	if (!rc && !f.tp_btf && !f.raw_tp)
		rc = err_set(e, ERR_RUNTIME, "bpfsim validate", 0, 0,
			     "the kernel loads neither tp_btf nor raw_tp programs");
	return rc;
}

static double ru_ns(const struct rusage *r)
{
	return ((double)r->ru_utime.tv_sec + (double)r->ru_stime.tv_sec) * 1e9 +
	       ((double)r->ru_utime.tv_usec + (double)r->ru_stime.tv_usec) * 1e3;
}

int validate_measure(const struct calib_opts *o, int task, const char *calfile,
		     FILE *rep, struct val_measured *m, struct err *e)
{
	struct live_features f;
	struct live_stats st = { .fd = -1 };
	struct live_floor fl = { .fd = -1 };
	struct loadgen g;
	struct rqs *r = NULL;
	struct workload_session *ws = NULL;
	struct rusage ru0, ru1;
	const char *why;
	int rc;

	memset(m, 0, sizeof(*m));
	memset(&g, 0, sizeof(g));
	m->task = task;
	if ((rc = live_init(o, &f, e)))
		return rc;
	int raw_tp = task ? 0 : live_use_raw_tp(o, &f, &why);
	if (task && !f.task_storage)
		return err_set(e, ERR_RUNTIME, "bpfsim validate", 0, 0,
			       "this kernel cannot create task storage maps: "
			       "use --storage hash");
	if (task && !f.tp_btf)
		return err_set(e, ERR_RUNTIME, "bpfsim validate", 0, 0,
			       "the task storage probes need tp_btf programs, "
			       "which this kernel refuses (%s): use --storage hash",
			       live_errno_name(f.tp_btf_errno));
	snprintf(m->attach, sizeof(m->attach), "%s", raw_tp ? "raw_tp" : "tp_btf");
	m->cpus = f.cpus > 0 ? f.cpus : 1;
	if ((rc = live_stats_on(&st, e)) || (rc = live_floor_start(&fl, raw_tp, e)))
		goto out;
	getrusage(RUSAGE_CHILDREN, &ru0);
	if (live_load_start(o, &o->load, &g, "bpfsim validate", e)) {
		rc = e->status;
		goto out;
	}
	if (live_wait(o, SETTLE_S, "load settling", NULL, NULL))
		goto out;
	struct rqs_params p = {
		.task = task, .raw_tp = raw_tp, .max_entries = VAL_HASH_ENTRIES,
		.min_ns = THRESHOLD_NS, .del_one_in = 0,
	};
	if ((rc = rqs_load(&r, &p, e)) || (rc = rqs_attach(r, e)))
		goto out;
	/* The workload probes run beside them: the calibration is of this
	 * very window (their own cost is not in the programs measured). */
	const char *wwhy = raw_tp ? "raw_tp" : "tp_btf";
	if ((rc = workload_begin(&f, raw_tp, wwhy, fl.fd, &ws, e)))
		goto out;
	int fds[RQS_NHOOKS];
	const char *names[RQS_NHOOKS];
	struct live_progstat a[RQS_NHOOKS], b[RQS_NHOOKS], fa = { 0 }, fb = { 0 };
	struct live_cpustat c0, c1;
	rqs_progs(r, fds, names, RQS_NHOOKS);
	for (int h = 0; h < RQS_NHOOKS; h++)
		live_prog_stat(fds[h], &a[h]);
	live_prog_stat(fl.fd, &fa);
	live_cpustat_read(&c0);
	double t0 = live_now();
	int intr = live_wait(o, o->duration_ns * 1e-9, task
			     ? "measuring the task storage probes"
			     : "measuring the hash probes", rqs_poll, r);
	m->elapsed = live_now() - t0;
	live_cpustat_read(&c1);
	for (int h = 0; h < RQS_NHOOKS; h++)
		live_prog_stat(fds[h], &b[h]);
	live_prog_stat(fl.fd, &fb);
	struct rqs_counters cnt;
	if (rqs_read_counters(r, &cnt, sizeof(cnt)))
		memset(&cnt, 0, sizeof(cnt));
	if (!intr) {
		struct calib_opts wo = *o;
		wo.out = calfile;
		fprintf(rep, "==== %s, the %s probes' window: the workload\n",
			o->load_text ? o->load_text : "load",
			task ? "task storage" : "hash");
		rc = workload_end(ws, &wo, NULL, &st, rep, e);
	}
	workload_free(ws);
	ws = NULL;
	rqs_free(r);
	r = NULL;
	loadgen_stop(&g);
	getrusage(RUSAGE_CHILDREN, &ru1);
	if (intr || rc)
		goto out;
	/* rqslower.h's hooks are in val_hook order. */
	for (int h = 0; h < RQS_NHOOKS && h < VAL_NHOOKS; h++) {
		m->runs[h] = (double)(b[h].runs - a[h].runs);
		m->run_ns[h] = (double)(b[h].run_ns - a[h].run_ns);
		m->misses[h] = (double)(b[h].misses - a[h].misses);
	}
	m->floor = fb.runs > fa.runs ? (double)(fb.run_ns - fa.run_ns) /
				       (double)(fb.runs - fa.runs) : 0;
	m->busy = c1.busy - c0.busy;
	m->idle = c1.idle - c0.idle;
	m->steal = c1.steal - c0.steal;
	m->load_cpu = ru_ns(&ru1) - ru_ns(&ru0);
	m->load_elapsed = g.elapsed;
	m->reports = (double)cnt.reports;
	m->failed = (double)cnt.failed;
out:
	workload_free(ws);
	rqs_free(r);
	loadgen_stop(&g);
	live_floor_stop(&fl);
	live_stats_off(&st);
	return rc;
}
