/* workload.c - `bpfsim calibrate workload`: the host's scheduling, measured.
 *
 * Loads workload.bpf.c (tp_btf programs, or raw_tp where tp_btf is
 * refused or --attach raw_tp), optionally drives the host with the
 * built-in load (loadgen.h), waits, and reads the kernel's histograms.
 * What it writes maps onto the runqslower model's workload keys:
 *   cpu_demand -> workload.lifetime (CPU time a task needs)
 *   spawn_rate -> workload.rate, spawn_interarrival -> its distribution
 *   run, sleep, block_probability -> workload.block.{run, sleep, probability}
 *   slice      -> the on-CPU time before preemption
 *   wait       -> what the model's `wait` metric should come out as
 * The probes' own cost is measured with bpf_stats (run_time_ns, stats
 * floor subtracted) and reported as a share of all CPU time.
 *
 * The load generator starts before the probes load, so its first spawns
 * are not mistaken for a start-up burst; its children close every
 * inherited descriptor anyway (loadgen.h).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "calfile.h"
#include "cli.h"
#include "live.h"
#include "loadgen.h"
#include "units.h"
#include "workload.h"
#include "workload.skel.h"

#define TASKS_MAX 131072     /* tasks followed at once (hash entries) */

static const char *const hist_names[WL_NHIST] = {
	"wait", "slice", "run", "sleep", "lifetime", "cpu_demand",
	"spawn_interarrival",
};

static const char *const hist_help[WL_NHIST] = {
	"runqueue wait (wake-up or preemption to running)",
	"on-CPU time ended by preemption",
	"on-CPU time ended by sleeping",
	"sleep (blocked to woken)",
	"task lifetime, fork to exit (tasks born while measuring)",
	"CPU time used by those tasks",
	"time between forks",
};

enum { NPROGS = 5 };
static const char *const prog_hooks[NPROGS] = {
	"sched_wakeup", "sched_wakeup_new", "sched_switch", "sched_process_fork",
	"sched_process_exit",
};

struct wl_run {
	struct workload_bpf *skel;
	struct bpf_program *prog[NPROGS];
	struct bpf_link *link[NPROGS];
	struct loadgen load;
};

static void wl_stop(struct wl_run *w)
{
	for (int i = 0; i < NPROGS; i++) {
		bpf_link__destroy(w->link[i]);
		w->link[i] = NULL;
	}
	workload_bpf__destroy(w->skel);
	w->skel = NULL;
	loadgen_stop(&w->load);
}

static int wl_start(struct wl_run *w, int raw_tp, struct err *e)
{
	struct workload_bpf *s = workload_bpf__open();
	struct timespec now;
	if (!s)
		return err_set(e, ERR_RUNTIME, "bpfsim calibrate", 0, 0,
			       "cannot open the workload probes: %s",
			       strerror(errno));
	w->skel = s;
	struct bpf_program *tp[NPROGS] = {
		s->progs.sched_wakeup, s->progs.sched_wakeup_new,
		s->progs.sched_switch, s->progs.sched_process_fork,
		s->progs.sched_process_exit,
	};
	struct bpf_program *raw[NPROGS] = {
		s->progs.handle_sched_wakeup, s->progs.handle_sched_wakeup_new,
		s->progs.handle_sched_switch, s->progs.handle_sched_process_fork,
		s->progs.handle_sched_process_exit,
	};
	for (int i = 0; i < NPROGS; i++) {
		bpf_program__set_autoload(tp[i], !raw_tp);
		bpf_program__set_autoload(raw[i], raw_tp);
		w->prog[i] = raw_tp ? raw[i] : tp[i];
	}
	bpf_map__set_max_entries(s->maps.tasks, TASKS_MAX);
	clock_gettime(CLOCK_MONOTONIC, &now);
	s->rodata->cfg.start_ns = (uint64_t)now.tv_sec * 1000000000ull +
				  (uint64_t)now.tv_nsec;
	live_log_clear();
	if (workload_bpf__load(s)) {
		int err = errno;
		return err_set(e, ERR_RUNTIME, "bpfsim calibrate", 0, 0,
			       "cannot load the workload probes (%s): %s%s",
			       raw_tp ? "raw_tp" : "tp_btf", live_errno_name(err),
			       live_log_has("BEGIN PROG") ? " - the verifier "
			       "refused them (--verbose shows its log)" : "");
	}
	for (int i = 0; i < NPROGS; i++) {
		w->link[i] = bpf_program__attach(w->prog[i]);
		if (!w->link[i]) {
			int err = errno;
			return err_set(e, ERR_RUNTIME, "bpfsim calibrate", 0, 0,
				       "cannot attach %s: %s", prog_hooks[i],
				       live_errno_name(err));
		}
	}
	return 0;
}

int calib_workload(const struct calib_opts *o, struct err *e)
{
	struct live_features f;
	struct live_stats st = { .fd = -1 };
	struct live_floor fl = { .fd = -1 };
	struct wl_run w;
	struct live_progstat a[NPROGS], b[NPROGS], fa = { 0 }, fb = { 0 };
	struct chist c[WL_NHIST];
	struct wl_counters cnt;
	struct hist *h = NULL;
	const char *why;
	char *host = NULL, *sec = NULL, buf[160], d[48];
	size_t seclen = 0;
	int rc;

	memset(&w, 0, sizeof(w));
	memset(c, 0, sizeof(c));
	memset(&cnt, 0, sizeof(cnt));
	if ((rc = live_init(o, &f, e)))
		return rc;
	int raw_tp = live_use_raw_tp(o, &f, &why);
	if (!o->quiet)
		live_print_features(stderr, &f);
	if ((rc = live_stats_on(&st, e)) || (rc = live_floor_start(&fl, raw_tp, e)))
		goto out;
	if (o->load.nparts && loadgen_start(&o->load, &w.load)) {
		if (!cli_interrupted)
			rc = err_set(e, ERR_RUNTIME, "bpfsim calibrate", 0, 0,
				     "cannot start the load generator: %s",
				     strerror(errno));
		goto out;
	}
	if ((rc = wl_start(&w, raw_tp, e)))
		goto out;
	for (int i = 0; i < NPROGS; i++)
		live_prog_stat(bpf_program__fd(w.prog[i]), &a[i]);
	live_prog_stat(fl.fd, &fa);
	double t0 = live_now();
	int intr = live_wait(o, o->duration_ns * 1e-9, "measuring the workload",
			     NULL, NULL);
	double el = live_now() - t0;
	for (int i = 0; i < NPROGS; i++)
		live_prog_stat(bpf_program__fd(w.prog[i]), &b[i]);
	live_prog_stat(fl.fd, &fb);
	/* Read everything, then detach at once. */
	h = malloc(sizeof(*h));
	if (!h) {
		rc = err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		goto out;
	}
	for (int i = 0; i < WL_NHIST; i++)
		if (live_read_hist(bpf_map__fd(w.skel->maps.hists), (uint32_t)i, h) ||
		    chist_from_hist(&c[i], h)) {
			rc = err_set(e, ERR_RUNTIME, "bpfsim calibrate", 0, 0,
				     "cannot read the workload histograms");
			goto out;
		}
	live_read_counters(bpf_map__fd(w.skel->maps.counters), 0, &cnt,
			   sizeof(cnt));
	wl_stop(&w);
	if (intr)
		goto out;

	double floor = fb.runs > fa.runs ? (double)(fb.run_ns - fa.run_ns) /
					   (double)(fb.runs - fa.runs) : 0;
	double busy = 0;
	double spawn_rate = (double)cnt.forks / el;
	double bp = cnt.blocks + cnt.preempts > 0
		? (double)cnt.blocks / (double)(cnt.blocks + cnt.preempts) : NAN;
	long cpus = f.cpus > 0 ? f.cpus : 1;
	char loadtxt[160];
	loadgen_format(&o->load, loadtxt, sizeof(loadtxt));
	printf("workload: %s measured with %s programs, load %s\n",
	       live_ns(el * 1e9, d, sizeof(d)), why, loadtxt);
	for (size_t i = 0; i < w.load.n; i++)
		printf("  load generator %zu: %llu %s (%.0f/s)\n", i + 1,
		       (unsigned long long)w.load.done[i],
		       o->load.part[i].kind == LOAD_SPAWN ? "spawns" : "wake-ups",
		       (double)w.load.done[i] / (w.load.elapsed > 0 ? w.load.elapsed : 1));
	printf("  events: %llu switches, %llu wake-ups, %llu new tasks, %llu forks "
	       "(%.0f/s), %llu exits\n", (unsigned long long)cnt.switches,
	       (unsigned long long)cnt.wakeups, (unsigned long long)cnt.wakeups_new,
	       (unsigned long long)cnt.forks, spawn_rate,
	       (unsigned long long)cnt.exits);
	if (cnt.lost)
		printf("  %llu tasks not followed (task map full at %d)\n",
		       (unsigned long long)cnt.lost, TASKS_MAX);
	live_dist_header(stdout);
	for (int i = 0; i < WL_NHIST; i++)
		live_dist_row(stdout, hist_names[i], &c[i]);
	printf("  block probability (sleeps / (sleeps + preemptions)): %.3f\n", bp);
	printf("  probe overhead (bpf_stats, stats floor %s subtracted):\n",
	       live_ns(floor, d, sizeof(d)));
	for (int i = 0; i < NPROGS; i++) {
		uint64_t runs = b[i].runs - a[i].runs;
		double ns = (double)(b[i].run_ns - a[i].run_ns);
		busy += ns;
		printf("    %-20s %10llu runs  mean %s\n", prog_hooks[i],
		       (unsigned long long)runs,
		       runs ? live_ns(ns / (double)runs - floor, d, sizeof(d)) : "-");
	}
	double share = busy / (el * 1e9 * (double)cpus);
	printf("    total: %.3g%% of %ld CPUs\n", 100 * share, cpus);
	if (!o->out)
		goto out;

	FILE *s = open_memstream(&sec, &seclen);
	if (!s) {
		rc = err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		goto out;
	}
	host = live_host_yaml(&f, &st);
	fputs(host ? host : "", s);
	fprintf(s, "workload:\n  meta:\n");
	fprintf(s, "    duration: %s\n", live_ns(el * 1e9, d, sizeof(d)));
	fprintf(s, "    load: %s\n", calfile_quote(loadtxt, buf, sizeof(buf)));
	fprintf(s, "    attach: %s\n", raw_tp ? "raw_tp" : "tp_btf");
	fprintf(s, "    switches: %llu\n    wakeups: %llu\n    forks: %llu\n"
		"    exits: %llu\n    preemptions: %llu\n    sleeps: %llu\n",
		(unsigned long long)cnt.switches, (unsigned long long)cnt.wakeups,
		(unsigned long long)cnt.forks, (unsigned long long)cnt.exits,
		(unsigned long long)cnt.preempts, (unsigned long long)cnt.blocks);
	fprintf(s, "    probe_cpu_share: %.4g\n", share);
	fprintf(s, "    note: \"tasks are threads; lifetime and cpu_demand of "
		"tasks born while measuring\"\n");
	fprintf(s, "  spawn_rate: %.6g/s\n", spawn_rate);
	if (!isnan(bp))
		fprintf(s, "  block_probability: %.4g\n", bp);
	for (int i = 0; i < WL_NHIST; i++) {
		fprintf(s, "  # %s\n", hist_help[i]);
		calfile_write_dist(s, 2, hist_names[i], &c[i], 0);
	}
	fclose(s);
	rc = calfile_merge(o->out, sec, e);
	if (!rc)
		printf("wrote the workload to %s\n", o->out);
out:
	wl_stop(&w);
	live_floor_stop(&fl);
	live_stats_off(&st);
	for (int i = 0; i < WL_NHIST; i++)
		chist_fini(&c[i]);
	free(h);
	free(host);
	free(sec);
	return rc;
}
