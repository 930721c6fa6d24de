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
 *   spawned.*  -> workload.block.* of the spawned tasks alone (tasks born
 *                 while measuring: the spawn load's children, a build's
 *                 compilers), which rarely behave like the host's others
 *   resident.* -> workload.resident: the tasks that were there before
 *                 (daemons, kernel threads, the load generator's
 *                 sleepers), which never exit - not the tasks that fork
 *                 while measuring (spawned.parents: the spawn load's
 *                 parent, flagged WL_F_PARENT at its first fork, whose
 *                 wake-ups follow the spawns; the model has it as a
 *                 parent task, workload.spawner).  Their number is what
 *                 Little's law gives for the wake-ups they made:
 *                     tasks = (their wake-ups / s) x (mean time between a
 *                             task's wake-ups: resident.interval)
 *                 (when no interval was seen: sleeps / s x (mean burst +
 *                 mean sleep + mean wait))
 *                 - a daemon that slept through the whole window adds no
 *                 wake-ups and should not count as a task that cycles;
 *                 `busy` counts the CPU-bound threads: runnable (running
 *                 or waiting) >= 90% of the window by /proc's schedstat
 *                 and using >= 10% of a CPU (the probes may never see
 *                 such a task switch; a task starved on a runqueue is
 *                 runnable but not CPU-bound), or born during the window
 *                 and using >= 25% of a CPU over it, or
 *                 seen running 50 ms between two sleeps - whose bursts,
 *                 sleeps and wake-ups are left out of the resident ones
 *                 from then on (one 3 s burst among 10^5 of 20 us would
 *                 double the mean every simulated resident draws from)
 *   idle_wakeup -> the time an idle CPU takes to run a task woken onto it
 *   cpu_busy   -> share of all CPUs' time not idle (/proc/stat)
 * The probes' own cost is measured with bpf_stats (run_time_ns, stats
 * floor subtracted) and reported as a share of all CPU time, with each
 * program's recursion_misses (~0 expected).
 *
 * The load generator starts before the probes load, so its first spawns
 * are not mistaken for a start-up burst; its children close every
 * inherited descriptor anyway (loadgen.h).
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "calibrate/workload.h"
#include "calibrate/calfile.h"
#include "calibrate/irqrate.h"
#include "calibrate/live.h"
#include "calibrate/loadgen.h"
#include "sim/units.h"
#include "workload.skel.h"

#define TASKS_MAX 131072     /* tasks followed at once (hash entries) */

static const char *const hist_names[WL_NHIST] = {
	"wait", "slice", "run", "sleep", "lifetime", "cpu_demand",
	"spawn_interarrival", "resident run", "resident sleep", "spawned run",
	"spawned sleep", "idle_wakeup", "busy_wakeup", "resident cycle",
	"busy run", "busy sleep", "exit tail", "fork cpu", "fork tail",
};

static const char *const hist_help[WL_NHIST] = {
	"runqueue wait (wake-up or preemption to running)",
	"on-CPU time ended by preemption",
	"on-CPU time ended by sleeping",
	"sleep (blocked to woken)",
	"task lifetime, fork to exit (tasks born while measuring)",
	"CPU time used by those tasks",
	"time between forks",
	"CPU burst (wake-up to sleep, all its stretches), resident tasks",
	"sleep, resident tasks",
	"CPU burst (wake-up to sleep, all its stretches), spawned tasks",
	"sleep, spawned tasks",
	"runqueue wait of tasks switched in from idle: the time an idle CPU "
	"takes to start a task woken onto it",
	"runqueue wait of woken tasks switched in from another task: how long "
	"a wake-up waits for a busy CPU",
	"wake-up to wake-up of a resident task",
	"CPU burst of a CPU-bound resident (one that ran 50 ms between sleeps)",
	"sleep of a CPU-bound resident",
	"on-CPU time of an exiting task born while measuring, from "
	"sched_process_exit to its final switch (do_exit after the tracepoint)",
	"on-CPU time of a forking task between two of its forks (one fork "
	"cycle: fork, reaping, its loop)",
	"on-CPU time of a forking task from its child's sched_wakeup_new to "
	"its next sleep (the part of the cycle after the child is runnable)",
};

#define BUSY_SHARE 0.9        /* runnable share that makes a thread busy */
#define BUSY_CPU 0.1          /* ... and CPUs it used (a task starved on a
				 runqueue is runnable, not CPU-bound) */
#define HOG_BURST_NS 50e6     /* a burst this long makes a resident busy */
#define BUSY_NEW_CPU 0.25     /* CPUs a thread born meanwhile used: busy */
/* Estimates where nothing measures them (README, "Calibration"): a steal
 * episode's length (the guest sees only the total, /proc/stat's steal);
 * and, where the kernel refuses the tp_btf interrupt probes, one hardware
 * interrupt's handler (a softirq's mean then comes from /proc/stat's
 * softirq time over the runs counted). */
#define STEAL_EPISODE "exponential(1ms)"
#define IRQ_EST "1us"
#define SOFTIRQ_EST "5us"     /* when /proc/stat counted no softirq time */

enum { NPROGS = 5 };
static const char *const prog_hooks[NPROGS] = {
	"sched_wakeup", "sched_wakeup_new", "sched_switch", "sched_process_fork",
	"sched_process_exit",
};

struct wl_run {
	struct workload_bpf *skel;
	struct bpf_program *prog[NPROGS];
	struct bpf_link *link[NPROGS];
};

static void wl_stop(struct wl_run *w)
{
	for (int i = 0; i < NPROGS; i++) {
		bpf_link__destroy(w->link[i]);
		w->link[i] = NULL;
	}
	workload_bpf__destroy(w->skel);
	w->skel = NULL;
}

static int wl_start(struct wl_run *w, int raw_tp, struct err *e)
{
	struct workload_bpf *s = workload_bpf__open();
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
	s->rodata->cfg.start_ns = live_now_ns();
	s->rodata->cfg.hog_burst_ns = (uint64_t)HOG_BURST_NS;
	int ncpus = libbpf_num_possible_cpus();
	s->rodata->cfg.ncpus = ncpus > 0 ? (uint32_t)ncpus : 0;
	live_log_clear();
	if (workload_bpf__load(s)) {
		int err = errno;
		return err_set(e, ERR_RUNTIME, "bpfsim calibrate", 0, 0,
			       "cannot load the workload probes (%s): %s%s",
			       raw_tp ? "raw_tp" : "tp_btf", live_errno_name(err),
			       live_log_has("BEGIN PROG") ? " - the verifier "
			       "refused them (--verbose shows its log)" : "");
	}
	return live_attach_all(w->prog, w->link, NPROGS, prog_hooks, e);
}

/* What the raw counts say about the model's task classes. */
struct wl_derived {
	double young_bp;       /* spawned tasks: blocks / (blocks +
				  preemptions + exits) */
	double res_rate;       /* resident sleeps completed per second */
	double res_tasks;      /* Little's law: tasks cycling */
	double res_wake_rate;  /* resident wake-ups per second */
	size_t busy;           /* CPU-bound threads */
	double busy_cpu;       /* their CPU time / elapsed (CPUs) */
	double cpu_busy;       /* host: busy share of all CPUs (/proc/stat) */
	double cpu_oncpu;      /* tasks' on-CPU time (sched_switch) / all */
};

static int cmp_int(const void *x, const void *y)
{
	int a = *(const int *)x, b = *(const int *)y;
	return (a > b) - (a < b);
}

/* Busy threads: runnable >= BUSY_SHARE of the window by schedstat while
 * using at least BUSY_CPU of a CPU, or born meanwhile and using
 * BUSY_NEW_CPU, or
 * flagged WL_F_HOG by the probes (hogs[0..nh), sorted) and alive at the
 * end; their number and CPU time (ns). */
static size_t busy_threads(const struct live_threads *a,
			   const struct live_threads *b, double el,
			   const int *hogs, size_t nh, double *cpu)
{
	size_t i = 0, n = 0;
	*cpu = 0;
	for (size_t j = 0; j < b->n; j++) {
		const struct live_thread *y = &b->t[j];
		while (i < a->n && a->t[i].tid < y->tid)
			i++;
		int both = i < a->n && a->t[i].tid == y->tid;
		double c = y->cpu - (both ? a->t[i].cpu : 0);
		double w = y->delay - (both ? a->t[i].delay : 0);
		int hog = nh && bsearch(&y->tid, hogs, nh, sizeof(int), cmp_int);
		/* A thread born during the window (a VM, a compiler) that
		 * used a quarter of a CPU over it is busy too: its CPU time
		 * is in no spawned task's demand unless it exited. */
		if ((both && c + w >= BUSY_SHARE * el * 1e9 &&
		     c >= BUSY_CPU * el * 1e9) ||
		    (!both && c >= BUSY_NEW_CPU * el * 1e9) || hog) {
			n++;
			*cpu += c;
		}
	}
	return n;
}

/* window_ns: the CPUs' wall time over the probes' busy-share window (the
 * CPUs x (oncpu_to - oncpu_from)). */
static void derive(struct wl_derived *d, const struct wl_counters *cnt,
		   const struct chist *c, double el, const struct live_threads *a,
		   const struct live_threads *b, const struct live_cpustat *s0,
		   const struct live_cpustat *s1, const int *hogs, size_t nh,
		   double window_ns)
{
	/* A spawned task's CPU stretch ends by blocking, preemption or exit;
	 * the model draws "blocks" per stretch and ends the others at a slice
	 * or at the task's demand (exit), so exits are in the denominator: a
	 * load whose children mostly run once and exit blocks rarely. */
	double yb = (double)cnt->blocks_young, yp = (double)cnt->preempts_young,
	       yx = chist_total(&c[WL_CPU_DEMAND]);
	memset(d, 0, sizeof(*d));
	d->young_bp = yb + yp + yx > 0 ? yb / (yb + yp + yx) : NAN;
	d->res_rate = (double)cnt->sleeps_old / el;
	double cycle = 0;
	const int parts[] = { WL_RUN_OLD, WL_SLEEP_OLD, WL_WAIT };
	for (int i = 0; i < 3; i++) {
		double m = chist_mean(&c[parts[i]]);
		if (isfinite(m))
			cycle += m;
	}
	d->res_tasks = round(d->res_rate * cycle * 1e-9);
	/* Better, where the cycles were seen: wake-ups x mean wake-to-wake
	 * time (every wake-up, also those of tasks already runnable). */
	double wc = chist_mean(&c[WL_CYCLE_OLD]);
	d->res_wake_rate = (double)cnt->wakeups_old / el;
	if (chist_total(&c[WL_CYCLE_OLD]) >= 1 && isfinite(wc))
		d->res_tasks = round(d->res_wake_rate * wc * 1e-9);
	if (d->res_tasks < 1 && cnt->sleeps_old > 0)
		d->res_tasks = 1;
	double cpu = 0;
	d->busy = busy_threads(a, b, el, hogs, nh, &cpu);
	d->busy_cpu = cpu / (el * 1e9);
	double busy = s1->busy - s0->busy, all = busy + s1->idle - s0->idle;
	d->cpu_busy = all > 0 ? busy / all : NAN;
	/* The same share from the probes: every task's stretch on a CPU,
	 * timed at its switch-out, its part inside the window the programs
	 * were given (oncpu_from, oncpu_to: set as /proc/stat was read).
	 * /proc/stat samples at the tick and misses threads that wake and
	 * sleep between ticks (a load whose timers fire at the tick shows
	 * near 0); this misses only the stretch in progress at the end (and
	 * each CPU's first, begun before the programs were loaded), and
	 * counts interrupts that land on a task as its time.  Its
	 * denominator is the CPUs' wall time over the same window on the
	 * same clock, steal included: a task keeps its CPU (ktime runs)
	 * while the hypervisor runs another guest, which /proc/stat books
	 * as steal (kernel/sched/cputime.c steal_account_process_time).
	 * Against /proc/stat's ticks, and with whole stretches that began
	 * before its first read, the share came out above 1 on a busy
	 * host. */
	d->cpu_oncpu = window_ns > 0 ? (double)cnt->oncpu_ns / window_ns : NAN;
}

/* One pass over the `tasks` map.  Returns the tasks the probes flagged
 * CPU-bound (WL_F_HOG), sorted (*n of them); NULL when none (or out of
 * memory: then only schedstat decides).  *parents gets as many parents
 * as the WL_F_PARENT entries' fork counts f say, had each forked the same
 * number: (sum f)^2 / sum f^2 (the inverse Simpson index; 0 when none).
 * One spawner beside ten shells that forked once each is 1.0, not 11: the
 * model's spawners take the fork requests in turn, so a count of every
 * task that forked spreads the load's forks over idle parents that wake
 * for each. */
static int *scan_tasks(int map_fd, size_t *n, double *parents)
{
	uint32_t key, next;
	struct wl_task v;
	int *out = NULL;
	size_t cap = 0;
	double sum = 0, sq = 0;
	*n = 0;
	int more = !bpf_map_get_next_key(map_fd, NULL, &key);
	while (more) {
		if (!bpf_map_lookup_elem(map_fd, &key, &v)) {
			if ((v.flags & WL_F_PARENT) && v.forks) {
				sum += v.forks;
				sq += (double)v.forks * v.forks;
			}
			if ((v.flags & WL_F_HOG) && *n == cap) {
				size_t nc = cap ? 2 * cap : 16;
				int *o = realloc(out, nc * sizeof(*o));
				if (o) {   /* else: keep the ones we have */
					out = o;
					cap = nc;
				}
			}
			if ((v.flags & WL_F_HOG) && *n < cap)
				out[(*n)++] = (int)key;
		}
		more = !bpf_map_get_next_key(map_fd, &key, &next);
		key = next;
	}
	if (*n)
		qsort(out, *n, sizeof(*out), cmp_int);
	*parents = sq > 0 ? sum * sum / sq : 0;
	return out;
}

/* A measurement in progress (live.h: workload_begin/workload_end). */
struct workload_session {
	struct wl_run w;
	struct live_features f;
	int raw_tp;
	const char *why;
	int floor_fd;
	struct live_progstat a[NPROGS], fa;
	struct live_threads th0;
	struct live_cpustat cs0;
	struct irq_counts ic0;
	struct irqtime *it;    /* interrupt durations, or NULL (it_why) */
	int it_vectors;        /* ... with the x86 system vectors */
	char it_why[160];
	double t0;
};

void workload_free(struct workload_session *ws)
{
	if (!ws)
		return;
	wl_stop(&ws->w);
	irqtime_free(ws->it);
	live_threads_fini(&ws->th0);
	free(ws);
}

int workload_begin(const struct live_features *f, int raw_tp, const char *why,
		   int floor_fd, struct workload_session **out, struct err *e)
{
	struct workload_session *ws = calloc(1, sizeof(*ws));
	int rc;
	*out = NULL;
	if (!ws)
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	ws->f = *f;
	ws->raw_tp = raw_tp;
	ws->why = why;
	ws->floor_fd = floor_fd;
	if ((rc = wl_start(&ws->w, raw_tp, e))) {
		workload_free(ws);
		return rc;
	}
	ws->it = irqtime_start(&ws->it_vectors, ws->it_why, sizeof(ws->it_why));
	irq_counts_read(&ws->ic0);
	live_threads_read(&ws->th0);
	for (int i = 0; i < NPROGS; i++)
		live_prog_stat(bpf_program__fd(ws->w.prog[i]), &ws->a[i]);
	live_prog_stat(floor_fd, &ws->fa);
	ws->w.skel->bss->oncpu_from = live_now_ns();
	live_cpustat_read(&ws->cs0);
	ws->t0 = live_now();
	*out = ws;
	return 0;
}

/* The timer slack of the load's threads, ns (kernel/sys.c PR_SET_TIMERSLACK;
 * the hrtimer range of their sleeps, models/runqslower/hrtimer.h): with a
 * load of ours, this process's own (fork and clone copy it to the
 * generator's threads); on the host as it is, the median over every
 * process's /proc/PID/timerslack_ns (its main thread's).  NAN when
 * unreadable. */
static double load_timer_slack(const struct calib_opts *o)
{
	if (o->load.nparts) {
		int v = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
		return v >= 0 ? (double)v : NAN;
	}
	DIR *d = opendir("/proc");
	double *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *p;
	while (d && (p = readdir(d))) {
		if (p->d_name[0] < '1' || p->d_name[0] > '9')
			continue;
		char path[300];
		snprintf(path, sizeof(path), "/proc/%s/timerslack_ns", p->d_name);
		FILE *f = fopen(path, "r");
		unsigned long long ns;
		int ok = f && fscanf(f, "%llu", &ns) == 1;
		if (f)
			fclose(f);
		if (!ok)
			continue;
		if (n == cap) {
			size_t nc = cap ? 2 * cap : 256;
			double *nv = realloc(v, nc * sizeof(*v));
			if (!nv)
				break;
			v = nv;
			cap = nc;
		}
		v[n++] = (double)ns;
	}
	if (d)
		closedir(d);
	double med = NAN;
	if (n) {
		gsl_sort(v, 1, n);
		med = gsl_stats_median_from_sorted_data(v, 1, n);
	}
	free(v);
	return med;
}

int workload_end(struct workload_session *ws, const struct calib_opts *o,
		 const struct loadgen *load, const struct live_stats *st,
		 FILE *rep, struct err *e)
{
	struct live_progstat b[NPROGS], fb = { 0 };
	struct chist c[WL_NHIST];
	struct wl_counters cnt;
	struct hist *h = NULL;
	struct live_threads th1 = { 0 };
	struct live_cpustat cs1;
	char buf[160], d[48];
	int rc = 0;

	memset(c, 0, sizeof(c));
	memset(&cnt, 0, sizeof(cnt));
	double el = live_now() - ws->t0;
	ws->w.skel->bss->oncpu_to = live_now_ns();
	/* read while the programs are loaded (wl_stop frees their maps) */
	uint64_t window = ws->w.skel->bss->oncpu_to - ws->w.skel->bss->oncpu_from;
	live_cpustat_read(&cs1);
	struct irq_counts ic1;
	int ic_ok = !irq_counts_read(&ic1) && ws->ic0.intr > 0;
	struct chist ci[IRQT_NHIST];
	memset(ci, 0, sizeof(ci));
	int it_ok = ws->it && !irqtime_read(ws->it, ci);
	irqtime_free(ws->it);
	ws->it = NULL;
	for (int i = 0; i < NPROGS; i++)
		live_prog_stat(bpf_program__fd(ws->w.prog[i]), &b[i]);
	live_prog_stat(ws->floor_fd, &fb);
	live_threads_read(&th1);
	/* Read everything, then detach at once. */
	h = malloc(sizeof(*h));
	if (!h) {
		rc = err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		goto out;
	}
	for (int i = 0; i < WL_NHIST; i++)
		if (live_read_hist(bpf_map__fd(ws->w.skel->maps.hists), (uint32_t)i,
				   h) || chist_from_hist(&c[i], h)) {
			rc = err_set(e, ERR_RUNTIME, "bpfsim calibrate", 0, 0,
				     "cannot read the workload histograms");
			goto out;
		}
	live_read_counters(bpf_map__fd(ws->w.skel->maps.counters), 0, &cnt,
			   sizeof(cnt));
	size_t nhog = 0;
	double eff_parents = 0;
	int *hogs = scan_tasks(bpf_map__fd(ws->w.skel->maps.tasks), &nhog,
			       &eff_parents);
	wl_stop(&ws->w);

	double floor = fb.runs > ws->fa.runs ? (double)(fb.run_ns - ws->fa.run_ns) /
					       (double)(fb.runs - ws->fa.runs) : 0;
	double busy = 0;
	double spawn_rate = (double)cnt.forks / el;
	double bp = cnt.blocks + cnt.preempts > 0
		? (double)cnt.blocks / (double)(cnt.blocks + cnt.preempts) : NAN;
	long cpus = ws->f.cpus > 0 ? ws->f.cpus : 1;
	struct wl_derived dv;
	derive(&dv, &cnt, c, el, &ws->th0, &th1, &ws->cs0, &cs1, hogs, nhog,
	       (double)cpus * (double)window);
	free(hogs);
	char loadtxt[160];
	loadgen_format(&o->load, loadtxt, sizeof(loadtxt));
	fprintf(rep, "workload: %s measured with %s programs, load %s\n",
		live_ns(el * 1e9, d, sizeof(d)), ws->why, loadtxt);
	for (size_t i = 0; load && load->elapsed > 0 && i < load->n; i++)
		fprintf(rep, "  load generator %zu: %llu %s (%.0f/s)\n", i + 1,
			(unsigned long long)load->done[i],
			loadgen_unit(o->load.part[i].kind),
			(double)load->done[i] / load->elapsed);
	fprintf(rep, "  events: %llu switches, %llu wake-ups, %llu new tasks, "
		"%llu forks (%.0f/s), %llu exits\n",
		(unsigned long long)cnt.switches, (unsigned long long)cnt.wakeups,
		(unsigned long long)cnt.wakeups_new, (unsigned long long)cnt.forks,
		spawn_rate, (unsigned long long)cnt.exits);
	if (cnt.lost)
		fprintf(rep, "  %llu tasks not followed (task map full at %d)\n",
			(unsigned long long)cnt.lost, TASKS_MAX);
	live_dist_header(rep);
	for (int i = 0; i < WL_NHIST; i++)
		live_dist_row_fit(rep, hist_names[i], &c[i], !o->brief);
	fprintf(rep, "  block probability (sleeps / (sleeps + preemptions)): %.3f; "
		"spawned tasks (blocks / (blocks + preemptions + exits)): %.3f\n",
		bp, dv.young_bp);
	fprintf(rep, "  parents (tasks that forked): %llu, as %.2f forking "
		"equally; %.4g wake-ups/s, left out of the residents\n",
		(unsigned long long)cnt.parents, eff_parents,
		(double)cnt.wakeups_parent / el);
	fprintf(rep, "  resident tasks: %.4g wake-ups/s -> %.0f tasks by Little's "
		"law; %zu busy (runnable >= %.0f%% of the time, or a %.0f ms "
		"burst; %.2f CPUs)\n", dv.res_wake_rate, dv.res_tasks, dv.busy,
		100 * BUSY_SHARE, HOG_BURST_NS * 1e-6, dv.busy_cpu);
	uint64_t wl_n = cnt.wake_stay + cnt.wake_moved;
	if (wl_n)
		fprintf(rep, "  wake-ups onto a busy CPU while another was idle: "
			"%.1f%% stayed (%llu of %llu; wake_local)\n",
			100.0 * (double)cnt.wake_stay / (double)wl_n,
			(unsigned long long)cnt.wake_stay,
			(unsigned long long)wl_n);
	fprintf(rep, "  CPUs busy: %.1f%% (/proc/stat), %.1f%% on CPU (sched_switch)\n",
		100 * dv.cpu_busy, 100 * dv.cpu_oncpu);
	/* Kernel time that is no task's: interrupts and softirqs per CPU
	 * (/proc/stat counts), their durations (tp_btf), steal (/proc/stat
	 * steal over busy time). */
	double irq_rate = ic_ok ? (ic1.intr - ws->ic0.intr) / el / (double)cpus : NAN;
	double soft_rate = ic_ok ? (ic1.softirq - ws->ic0.softirq) / el /
				   (double)cpus : NAN;
	double dbusy = cs1.busy - ws->cs0.busy, dsteal = cs1.steal - ws->cs0.steal;
	double steal_share = dbusy > 0 && dsteal >= 0 ? dsteal / dbusy : NAN;
	double soft_est = NAN;
	if (!it_ok && ic_ok && ic1.softirq > ws->ic0.softirq &&
	    cs1.softirq > ws->cs0.softirq)
		soft_est = (cs1.softirq - ws->cs0.softirq) /
			   (ic1.softirq - ws->ic0.softirq);
	fprintf(rep, "  interrupts: %.4g/s per CPU, softirqs %.4g/s per CPU "
		"(/proc/stat); durations: %s\n", irq_rate, soft_rate,
		it_ok ? (ws->it_vectors ? "tp_btf (device interrupts, timer and "
			 "IPI vectors, softirqs)" : "tp_btf (device interrupts and "
			 "softirqs; no x86 vector hooks)") : ws->it_why);
	if (it_ok) {
		live_dist_row(rep, "interrupt", &ci[IRQT_IRQ]);
		live_dist_row(rep, "softirq", &ci[IRQT_SOFTIRQ]);
	} else {
		fprintf(rep, "    estimates instead: interrupt %s, softirq %s\n",
			IRQ_EST, isfinite(soft_est) ? live_ns(soft_est, d, sizeof(d))
			: SOFTIRQ_EST);
	}
	fprintf(rep, "  steal: %.3g%% of busy time (/proc/stat; episodes of %s "
		"assumed)\n", 100 * steal_share, STEAL_EPISODE);
	fprintf(rep, "  probe overhead (bpf_stats, stats floor %s subtracted):\n",
		live_ns(floor, d, sizeof(d)));
	struct live_progstat dp[NPROGS];
	for (int i = 0; i < NPROGS; i++) {
		dp[i] = live_progstat_diff(&b[i], &ws->a[i]);
		double ns = (double)dp[i].run_ns;
		busy += ns;
		fprintf(rep, "    %-20s %10llu runs  mean %-10s  recursion_misses "
			"%llu\n", prog_hooks[i], (unsigned long long)dp[i].runs,
			dp[i].runs ? live_ns(ns / (double)dp[i].runs - floor, d,
					     sizeof(d)) : "-",
			(unsigned long long)dp[i].misses);
	}
	double share = busy / (el * 1e9 * (double)cpus);
	fprintf(rep, "    total: %.3g%% of %ld CPUs\n", 100 * share, cpus);
	if (!o->out)
		goto out;

	struct live_section sec;
	if ((rc = live_section_open(&sec, &ws->f, st, e)))
		goto out;
	FILE *s = sec.f;
	fprintf(s, "workload:\n  meta:\n");
	fprintf(s, "    duration: %s\n", live_ns(el * 1e9, d, sizeof(d)));
	fprintf(s, "    load: %s\n", calfile_quote(loadtxt, buf, sizeof(buf)));
	fprintf(s, "    attach: %s\n", ws->raw_tp ? "raw_tp" : "tp_btf");
	fprintf(s, "    switches: %llu\n    wakeups: %llu\n    forks: %llu\n"
		"    exits: %llu\n    preemptions: %llu\n    sleeps: %llu\n",
		(unsigned long long)cnt.switches, (unsigned long long)cnt.wakeups,
		(unsigned long long)cnt.forks, (unsigned long long)cnt.exits,
		(unsigned long long)cnt.preempts, (unsigned long long)cnt.blocks);
	fprintf(s, "    probe_cpu_share: %.4g\n", share);
	fprintf(s, "    recursion_misses: {");
	for (int i = 0; i < NPROGS; i++)
		fprintf(s, "%s%s: %llu", i ? ", " : "", prog_hooks[i],
			(unsigned long long)dp[i].misses);
	fputs("}\n", s);
	fprintf(s, "    note: \"tasks are threads; lifetime and cpu_demand of "
		"tasks born while measuring\"\n");
	fprintf(s, "    wakeups_resident: %llu\n    wakeups_spawned: %llu\n"
		"    sleeps_resident: %llu\n    sleeps_spawned: %llu\n"
		"    switches_from_idle: %llu\n",
		(unsigned long long)cnt.wakeups_old,
		(unsigned long long)cnt.wakeups_young,
		(unsigned long long)cnt.sleeps_old,
		(unsigned long long)cnt.sleeps_young,
		(unsigned long long)cnt.from_idle);
	fprintf(s, "  spawn_rate: %.6g/s\n", spawn_rate);
	if (!isnan(bp))
		fprintf(s, "  block_probability: %.4g\n", bp);
	fprintf(s, "  cpu_busy: %.4g\n", dv.cpu_busy);
	double slack = load_timer_slack(o);
	if (isfinite(slack)) {
		fprintf(s, "  # the load's threads' timer slack (their sleeps' "
			"hrtimer range)\n");
		calfile_write_ns(s, 2, "timer_slack", slack);
	}
	/* Where a wake-up goes when its CPU is busy and another idle: the
	 * mainline kernel's select_idle_sibling moves it to the idle one; a
	 * host kernel may keep it (a vCPU-packing policy). */
	if (cnt.wake_stay + cnt.wake_moved > 0)
		fprintf(s, "  # wake-ups whose CPU (where the task slept) was "
			"busy while another was idle, queued on the busy one "
			"(%llu of %llu)\n  wake_local: %.4g\n",
			(unsigned long long)cnt.wake_stay,
			(unsigned long long)(cnt.wake_stay + cnt.wake_moved),
			(double)cnt.wake_stay /
			(double)(cnt.wake_stay + cnt.wake_moved));
	fprintf(s, "  # tasks' time on CPU / all CPU time, timed at each switch\n"
		"  cpu_busy_oncpu: %.4g\n", dv.cpu_oncpu);
	for (int i = 0; i < WL_RUN_OLD; i++) {
		fprintf(s, "  # %s\n", hist_help[i]);
		calfile_write_dist(s, 2, hist_names[i], &c[i], 0);
	}
	fprintf(s, "  # %s\n", hist_help[WL_WAIT_IDLE]);
	calfile_write_dist(s, 2, "idle_wakeup", &c[WL_WAIT_IDLE], 0);
	fprintf(s, "  # %s\n", hist_help[WL_WAIT_WOKEN_BUSY]);
	calfile_write_dist(s, 2, "busy_wakeup", &c[WL_WAIT_WOKEN_BUSY], 0);
	fprintf(s, "  # tasks there before the probes loaded (never exit); tasks "
		"by Little's law: wake-ups/s x mean interval between a task's "
		"wake-ups\n  resident:\n");
	fprintf(s, "    tasks: %.0f\n", dv.res_tasks);
	fprintf(s, "    sleep_rate: %.6g/s\n", dv.res_rate);
	fprintf(s, "    wakeup_rate: %.6g/s\n", dv.res_wake_rate);
	fprintf(s, "    busy: %zu\n", dv.busy);
	fprintf(s, "    busy_cpus: %.4g\n", dv.busy_cpu);
	fprintf(s, "    busy_wakeup_rate: %.6g/s\n", (double)cnt.wakeups_hog / el);
	fprintf(s, "    # %s\n", hist_help[WL_RUN_HOG]);
	calfile_write_dist(s, 4, "busy_run", &c[WL_RUN_HOG], 0);
	calfile_write_dist(s, 4, "busy_sleep", &c[WL_SLEEP_HOG], 0);
	calfile_write_dist(s, 4, "run", &c[WL_RUN_OLD], 0);
	calfile_write_dist(s, 4, "sleep", &c[WL_SLEEP_OLD], 0);
	fprintf(s, "    # %s\n", hist_help[WL_CYCLE_OLD]);
	calfile_write_dist(s, 4, "interval", &c[WL_CYCLE_OLD], 0);
	fprintf(s, "  # tasks born while measuring\n  spawned:\n");
	fprintf(s, "    rate: %.6g/s\n", spawn_rate);
	fprintf(s, "    # tasks that forked them (left out of the residents):\n"
		"    # as many parents forking equally as the fork counts "
		"say ((sum f)^2 / sum f^2)\n");
	fprintf(s, "    parents: %.0f\n", fmax(1, round(eff_parents)));
	fprintf(s, "    parents_seen: %llu\n", (unsigned long long)cnt.parents);
	fprintf(s, "    parent_wakeup_rate: %.6g/s\n",
		(double)cnt.wakeups_parent / el);
	if (!isnan(dv.young_bp))
		fprintf(s, "    block_probability: %.4g\n", dv.young_bp);
	/* Where fork puts the child: the mainline kernel's find_idlest_cpu
	 * sends it to an idle CPU when its parent's is busy; a host kernel
	 * may keep it local (a vCPU-packing policy). */
	if (cnt.new_local + cnt.new_away > 0)
		fprintf(s, "    # new tasks that first ran on their parent's CPU "
			"(%llu of %llu)\n    fork_local: %.4g\n",
			(unsigned long long)cnt.new_local,
			(unsigned long long)(cnt.new_local + cnt.new_away),
			(double)cnt.new_local /
			(double)(cnt.new_local + cnt.new_away));
	calfile_write_dist(s, 4, "run", &c[WL_RUN_YOUNG], 0);
	calfile_write_dist(s, 4, "sleep", &c[WL_SLEEP_YOUNG], 0);
	fprintf(s, "    # %s\n", hist_help[WL_FORK_CPU]);
	calfile_write_dist(s, 4, "fork_cpu", &c[WL_FORK_CPU], 0);
	fprintf(s, "    # %s\n", hist_help[WL_FORK_TAIL]);
	calfile_write_dist(s, 4, "fork_tail", &c[WL_FORK_TAIL], 0);
	fprintf(s, "  # kernel time that is no task's (runqslower: kernel.*, "
		"background.*, host.steal)\n  kernel:\n");
	fprintf(s, "    # %s\n", hist_help[WL_EXIT_TAIL]);
	calfile_write_dist(s, 4, "exit", &c[WL_EXIT_TAIL], 0);
	fprintf(s, "  background:\n");
	if (isfinite(irq_rate) && isfinite(soft_rate))
		fprintf(s, "    # per CPU, /proc/stat intr and softirq counts\n"
			"    irq_rate: %.6g/s\n    softirq_rate: %.6g/s\n",
			irq_rate, soft_rate);
	if (it_ok) {
		fprintf(s, "    durations: \"tp_btf: %s\"\n", ws->it_vectors
			? "device interrupts, timer and IPI vectors, softirqs"
			: "device interrupts and softirqs");
		calfile_write_dist(s, 4, "irq", &ci[IRQT_IRQ], 0);
		calfile_write_dist(s, 4, "softirq", &ci[IRQT_SOFTIRQ], 0);
	} else {
		fprintf(s, "    durations: %s\n", calfile_quote(ws->it_why, buf,
							  sizeof(buf)));
		fprintf(s, "    # estimates: the tp_btf probes did not load\n"
			"    irq_estimate: %s\n    softirq_estimate: %s\n",
			IRQ_EST, isfinite(soft_est) ? live_ns(soft_est, d, sizeof(d))
			: SOFTIRQ_EST);
	}
	fprintf(s, "  host:\n");
	if (isfinite(steal_share)) {
		/* rate x mean episode = the stolen share of busy time. */
		fprintf(s, "    steal_share: %.4g\n", steal_share);
		fprintf(s, "    steal_rate: %.6g/s\n", steal_share / 1e-3);
		fprintf(s, "    # an estimate: the guest sees only the total\n"
			"    steal_duration: %s\n", STEAL_EPISODE);
	}
	rc = live_section_commit(&sec, o->out, "the workload", rep, e);
out:
	wl_stop(&ws->w);
	for (int i = 0; i < WL_NHIST; i++)
		chist_fini(&c[i]);
	for (int i = 0; i < IRQT_NHIST; i++)
		chist_fini(&ci[i]);
	live_threads_fini(&th1);
	free(h);
	return rc;
}

int calib_workload(const struct calib_opts *o, struct err *e)
{
	struct live_features f;
	struct live_stats st = { .fd = -1 };
	struct live_floor fl = { .fd = -1 };
	struct loadgen load;
	struct workload_session *ws = NULL;
	const char *why;
	int rc;

	memset(&load, 0, sizeof(load));
	int raw_tp = 0;
	if ((rc = live_start(o, &f, &st, &fl, &raw_tp, &why, e)))
		goto out;
	if (live_load_start(o, &o->load, &load, "bpfsim calibrate", e)) {
		rc = e->status;
		goto out;
	}
	if ((rc = workload_begin(&f, raw_tp, why, fl.fd, &ws, e)))
		goto out;
	int intr = live_wait(o, o->duration_ns * 1e-9, "measuring the workload",
			     NULL, NULL);
	if (intr)
		goto out;
	/* The load stops first: the report has its counts.  The window's
	 * end is when workload_end reads the counters. */
	rc = workload_end(ws, o, NULL, &st, stdout, e);
	loadgen_stop(&load);
	for (size_t i = 0; !rc && i < load.n; i++)
		printf("  load generator %zu: %llu %s (%.0f/s)\n", i + 1,
		       (unsigned long long)load.done[i],
		       loadgen_unit(o->load.part[i].kind),
		       (double)load.done[i] / (load.elapsed > 0 ? load.elapsed : 1));
out:
	workload_free(ws);
	loadgen_stop(&load);
	live_floor_stop(&fl);
	live_stats_off(&st);
	return rc;
}
