/* rqslower.c - the bundled runqslower probes, and `bpfsim calibrate storage`.
 *
 * What storage measures, per variant (hash, task storage):
 *   1. whole-program means: the probes run as plain runqslower (no timing)
 *      under sleepers + a light spawn load; bpf_stats' run_time_ns/run_cnt
 *      per program minus the stats floor (live.h) - comparable to the
 *      published per-program figures - and each program's
 *      recursion_misses over the same window (~0 expected);
 *   2. per-operation costs: with ctl.measure, each storage operation is
 *      timed inside the program; the empty bracket's mean (same program,
 *      same moment) is subtracted from each histogram (chist_shift);
 *   3. against the number of active tasks: N sleeper threads (N from
 *      --active) each waking 20000/N times a second, so N distinct tasks
 *      touch the map at the same total event rate;
 *   4. (hash) against occupancy: the map pre-filled from user space with
 *      keys no pid can have (0x40000000 + i) to each --occupancy value, at
 *      the first --active count.
 * With o->have_load (bpfsim validate), steps 1 and 2 run under that load
 * instead (one point, no sweep): costs as they are under the load being
 * validated.
 * The reference point is (first occupancy, first active count); the
 * factor tables are the ratio of the summed operation means of one
 * wake-up-to-switch cycle (update + lookup + delete; task storage: create
 * + get + delete) at each point to the reference: the model multiplies
 * every operation by one factor.  Hook base costs follow from each
 * variant's program means minus what the model charges per run for the
 * operations the program did (storage.hash.hooks, storage.task_storage.hooks;
 * storage.hooks is the hash variant's, as before).
 *
 * While timing, deletes are done after every lookup (del_always), unlike
 * the real tools (after a report only, which step 1 keeps): that holds the
 * occupancy where the pre-fill put it, and gives task storage a create on
 * every wake-up to measure; the report threshold is lowered to 100us so
 * ring buffer outputs are common enough to time.
 * Memory: the hash map is preallocated, ~100 bytes per entry (256k entries:
 * ~30 MiB of kernel memory, freed at exit).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "calibrate/rqslower.h"
#include "calibrate/calfile.h"
#include "calibrate/fit.h"
#include "calibrate/live.h"
#include "calibrate/loadgen.h"
#include "rqs_hash.skel.h"
#include "rqs_task.skel.h"

#define PREFILL_KEY0 0x40000000u   /* above any pid (pid_max <= 2^22) */
#define WAKE_RATE 20000.0          /* sleeper wake-ups per second, in all */
#define SPAWN_RATE 200.0           /* spawns/s during the program means */
#define MEASURE_MIN_NS 100000      /* report threshold while timing: reports
				      common enough to time the output */

static const char *const hook_names[RQS_NHOOKS] = {
	"sched_wakeup", "sched_wakeup_new", "sched_switch",
};

struct rqs {
	struct rqs_hash_bpf *h;
	struct rqs_task_bpf *t;
	struct rqs_ctl *ctl;
	struct bpf_program *prog[RQS_NHOOKS];
	struct bpf_link *link[RQS_NHOOKS];
	struct ring_buffer *rb;
	int hists_fd, counters_fd, start_fd;
	uint64_t seen;               /* reports read from the ring buffer */
	struct rqs_params p;
};

static int on_event(void *ctx, void *data, size_t size)
{
	struct rqs *r = ctx;
	(void)data;
	(void)size;
	r->seen++;
	return 0;
}

int rqs_poll(void *arg)
{
	struct rqs *r = arg;
	if (r && r->rb)
		ring_buffer__consume(r->rb);
	return 0;
}

void rqs_free(struct rqs *r)
{
	if (!r)
		return;
	for (int i = 0; i < RQS_NHOOKS; i++)
		bpf_link__destroy(r->link[i]);
	ring_buffer__free(r->rb);
	rqs_hash_bpf__destroy(r->h);
	rqs_task_bpf__destroy(r->t);
	free(r);
}

int rqs_load(struct rqs **out, const struct rqs_params *p, struct err *e)
{
	struct rqs *r = calloc(1, sizeof(*r));
	struct bpf_map *hists, *counters, *start, *events;
	const char *what = p->task ? "task storage" : "hash";
	int rc;

	*out = NULL;
	if (!r)
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	r->p = *p;
	live_log_clear();
	if (p->task) {
		if (p->raw_tp) {
			rqs_free(r);
			return err_set(e, ERR_RUNTIME, "bpfsim calibrate", 0, 0,
				       "the task storage probes exist as tp_btf only "
				       "(bpf_task_storage_get needs the task as a BTF "
				       "pointer, which raw_tp arguments are not)");
		}
		if (!(r->t = rqs_task_bpf__open()))
			goto open_fail;
		r->prog[RQS_WAKEUP] = r->t->progs.sched_wakeup;
		r->prog[RQS_WAKEUP_NEW] = r->t->progs.sched_wakeup_new;
		r->prog[RQS_SWITCH] = r->t->progs.sched_switch;
		hists = r->t->maps.hists;
		counters = r->t->maps.counters;
		start = r->t->maps.start;
		events = r->t->maps.events;
	} else {
		if (!(r->h = rqs_hash_bpf__open()))
			goto open_fail;
		struct bpf_program *tp[] = { r->h->progs.sched_wakeup,
					     r->h->progs.sched_wakeup_new,
					     r->h->progs.sched_switch };
		struct bpf_program *raw[] = { r->h->progs.handle_sched_wakeup,
					      r->h->progs.handle_sched_wakeup_new,
					      r->h->progs.handle_sched_switch };
		for (int i = 0; i < RQS_NHOOKS; i++) {
			bpf_program__set_autoload(tp[i], !p->raw_tp);
			bpf_program__set_autoload(raw[i], p->raw_tp);
			r->prog[i] = p->raw_tp ? raw[i] : tp[i];
		}
		hists = r->h->maps.hists;
		counters = r->h->maps.counters;
		start = r->h->maps.start;
		events = r->h->maps.events;
		if (bpf_map__set_max_entries(start, (uint32_t)p->max_entries)) {
			rqs_free(r);
			return err_set(e, ERR_RUNTIME, NULL, 0, 0,
				       "cannot size the hash map");
		}
	}
	rc = p->task ? rqs_task_bpf__load(r->t) : rqs_hash_bpf__load(r->h);
	if (rc) {
		int err = errno;
		rqs_free(r);
		return err_set(e, ERR_RUNTIME, "bpfsim calibrate", 0, 0,
			       "cannot load the bundled %s probes (%s): %s%s", what,
			       p->raw_tp ? "raw_tp" : "tp_btf", live_errno_name(err),
			       live_log_has("verifier") || live_log_has("BEGIN PROG")
			       ? " - the verifier refused them (--verbose shows "
				 "its log)" : "");
	}
	r->ctl = p->task ? &r->t->data->ctl : &r->h->data->ctl;
	rqs_set(r, 0, p->del_always, p->min_ns);
	r->hists_fd = bpf_map__fd(hists);
	r->counters_fd = bpf_map__fd(counters);
	r->start_fd = bpf_map__fd(start);
	r->rb = ring_buffer__new(bpf_map__fd(events), on_event, r, NULL);
	if (!r->rb) {
		rqs_free(r);
		return err_set(e, ERR_RUNTIME, NULL, 0, 0,
			       "cannot read the report ring buffer");
	}
	*out = r;
	return 0;
open_fail:
	rqs_free(r);
	return err_set(e, ERR_RUNTIME, "bpfsim calibrate", 0, 0,
		       "cannot open the bundled %s probes: %s", what,
		       strerror(errno));
}

int rqs_attach(struct rqs *r, struct err *e)
{
	return live_attach_all(r->prog, r->link, RQS_NHOOKS, hook_names, e);
}

void rqs_set(struct rqs *r, int measure, int del_always, uint64_t min_ns)
{
	/* measure last off / first on: the programs read it first. */
	r->ctl->measure = 0;
	r->ctl->min_ns = min_ns;
	r->ctl->del_always = (uint32_t)del_always;
	r->ctl->measure = (uint32_t)measure;
}

/* Empty the hash map (what the real tools' plain run leaked). */
static void rqs_clear(struct rqs *r)
{
	uint32_t key, next;
	int more = !bpf_map_get_next_key(r->start_fd, NULL, &key);
	while (more) {
		more = !bpf_map_get_next_key(r->start_fd, &key, &next);
		bpf_map_delete_elem(r->start_fd, &key);
		key = next;
	}
}

int rqs_read_counters(struct rqs *r, void *out, size_t size)
{
	return live_read_counters(r->counters_fd, 0, out, size);
}

size_t rqs_progs(struct rqs *r, int *fds, const char **names, size_t max)
{
	size_t n = 0;
	for (int i = 0; i < RQS_NHOOKS && n < max; i++, n++) {
		fds[n] = bpf_program__fd(r->prog[i]);
		names[n] = bpf_program__name(r->prog[i]);
	}
	return n;
}

/* ---- storage measurements ------------------------------------------------ */

struct point {
	double occ, act;
	struct chist op[RQS_NOPS];      /* baseline subtracted (not RQS_BASE) */
	double base;                    /* mean empty bracket, ns */
	unsigned tick;                  /* clock step seen, ns (1: none) */
	struct rqs_counters cnt;
};

struct progmean {
	double mean[RQS_NHOOKS];        /* ns, floor subtracted */
	double raw[RQS_NHOOKS];
	uint64_t runs[RQS_NHOOKS];
	uint64_t misses[RQS_NHOOKS];    /* recursion_misses in the window */
	double floor;
	double cpu_share;               /* of all CPUs' time */
	struct rqs_counters cnt;
};

struct variant {
	int task, done;
	struct point *pt;               /* active sweep then occupancy sweep */
	size_t npt;
	struct progmean pm;
};

static void point_fini(struct point *p)
{
	for (int i = 0; i < RQS_NOPS; i++)
		chist_fini(&p->op[i]);
}

static int start_load(const struct calib_opts *o, struct loadgen *g,
		      unsigned sleepers, double spawn, struct err *e)
{
	struct loadgen_spec s;
	memset(&s, 0, sizeof(s));
	s.part[0].kind = LOAD_SLEEPERS;
	s.part[0].n = sleepers;
	s.part[0].rate = WAKE_RATE;
	s.part[0].work_ns = 2e3;
	s.nparts = 1;
	if (spawn > 0) {
		s.part[1].kind = LOAD_SPAWN;
		s.part[1].rate = spawn;
		s.part[1].work_ns = 20e3;
		s.nparts = 2;
	}
	if (o->have_load)
		s = o->load;      /* validate: the load under test */
	if (live_load_start(o, &s, g, "bpfsim calibrate", e))
		return e->status ? e->status : -1;   /* -1: interrupted */
	return 0;
}

static int prefill(int fd, uint64_t from, uint64_t to, struct err *e)
{
	enum { CHUNK = 8192 };
	uint32_t *keys = malloc(CHUNK * sizeof(*keys));
	uint64_t *vals = calloc(CHUNK, sizeof(*vals));
	int rc = 0;
	if (!keys || !vals) {
		rc = err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		goto out;
	}
	for (uint64_t i = from; i < to && !rc; i += CHUNK) {
		uint32_t n = (uint32_t)(to - i < CHUNK ? to - i : CHUNK);
		for (uint32_t k = 0; k < n; k++)
			keys[k] = PREFILL_KEY0 + (uint32_t)(i + k);
		LIBBPF_OPTS(bpf_map_batch_opts, opts);
		uint32_t count = n;
		if (bpf_map_update_batch(fd, keys, vals, &count, &opts)) {
			/* Kernels without batch ops: one by one. */
			for (uint32_t k = 0; k < n && !rc; k++)
				if (bpf_map_update_elem(fd, &keys[k], &vals[k],
							BPF_ANY))
					rc = err_set(e, ERR_RUNTIME, "bpfsim calibrate",
						     0, 0, "cannot pre-fill the hash "
						     "map to %llu entries: %s",
						     (unsigned long long)to,
						     live_errno_name(errno));
		}
	}
out:
	free(keys);
	free(vals);
	return rc;
}

/* Whole-program means (plain runqslower) with bpf_stats. */
static int program_means(const struct calib_opts *o, struct rqs *r,
			 const struct live_floor *fl, double dur,
			 struct progmean *pm, struct err *e)
{
	struct loadgen g = { 0 };
	struct live_progstat a[RQS_NHOOKS], b[RQS_NHOOKS], fa, fb;
	int fds[RQS_NHOOKS], rc;
	const char *names[RQS_NHOOKS];
	rqs_progs(r, fds, names, RQS_NHOOKS);
	memset(pm, 0, sizeof(*pm));
	rqs_set(r, 0, 0, 10000000);   /* as the real tools run */
	if ((rc = start_load(o, &g, (unsigned)o->act[0], SPAWN_RATE, e)))
		return rc;
	live_zero_percpu(r->counters_fd, 1, sizeof(struct rqs_counters));
	for (int i = 0; i < RQS_NHOOKS; i++)
		live_prog_stat(fds[i], &a[i]);
	live_prog_stat(fl->fd, &fa);
	double t0 = live_now();
	int intr = live_wait(o, dur, r->p.task ? "task storage: program means"
			     : "hash: program means", rqs_poll, r);
	double el = live_now() - t0;
	for (int i = 0; i < RQS_NHOOKS; i++)
		live_prog_stat(fds[i], &b[i]);
	live_prog_stat(fl->fd, &fb);
	loadgen_stop(&g);
	live_read_counters(r->counters_fd, 0, &pm->cnt, sizeof(pm->cnt));
	pm->floor = fb.runs > fa.runs ? (double)(fb.run_ns - fa.run_ns) /
					(double)(fb.runs - fa.runs) : NAN;
	double busy = 0;
	for (int i = 0; i < RQS_NHOOKS; i++) {
		pm->runs[i] = b[i].runs - a[i].runs;
		pm->misses[i] = b[i].misses - a[i].misses;
		pm->raw[i] = pm->runs[i] ? (double)(b[i].run_ns - a[i].run_ns) /
					   (double)pm->runs[i] : NAN;
		pm->mean[i] = pm->raw[i] - (isnan(pm->floor) ? 0 : pm->floor);
		if (pm->runs[i])
			busy += (double)(b[i].run_ns - a[i].run_ns);
	}
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	pm->cpu_share = busy / (el * 1e9 * (double)(cpus > 0 ? cpus : 1));
	return intr ? -1 : 0;
}

static int measure_point(const struct calib_opts *o, struct rqs *r,
			 double occ, double act, struct point *pt,
			 struct err *e)
{
	struct loadgen g = { 0 };
	char what[96];
	memset(pt, 0, sizeof(*pt));
	pt->occ = occ;
	pt->act = act;
	rqs_set(r, 0, 1, MEASURE_MIN_NS);
	int rc;
	if ((rc = start_load(o, &g, (unsigned)act, 0, e)))
		return rc;
	live_zero_percpu(r->hists_fd, RQS_NOPS, sizeof(struct hist));
	live_zero_percpu(r->counters_fd, 1, sizeof(struct rqs_counters));
	rqs_set(r, 1, 1, MEASURE_MIN_NS);
	snprintf(what, sizeof(what), "%s: %.0f entries, %.0f active tasks",
		 r->p.task ? "task storage" : "hash", occ, act);
	int intr = live_wait(o, o->duration_ns * 1e-9, what, rqs_poll, r);
	rqs_set(r, 0, 1, MEASURE_MIN_NS);
	loadgen_stop(&g);
	struct hist *h = malloc(sizeof(*h));
	if (!h)
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	for (int i = 0; i < RQS_NOPS; i++) {
		if (live_read_hist(r->hists_fd, (uint32_t)i, h) ||
		    chist_from_hist(&pt->op[i], h)) {
			free(h);
			return err_set(e, ERR_RUNTIME, "bpfsim calibrate", 0, 0,
				       "cannot read the probes' histograms");
		}
	}
	free(h);
	live_read_counters(r->counters_fd, 0, &pt->cnt, sizeof(pt->cnt));
	/* A clock that ticks every q ns makes every duration a multiple of q:
	 * spread each value over its tick before fitting (chist.h). */
	pt->tick = chist_clock_tick(&pt->op[RQS_BASE]);
	for (int i = 0; i < RQS_NOPS; i++)
		chist_spread(&pt->op[i], pt->tick);
	pt->base = chist_mean(&pt->op[RQS_BASE]);
	if (!isnan(pt->base))
		for (int i = 0; i < RQS_NOPS; i++)
			if (i != RQS_BASE)
				chist_shift(&pt->op[i], pt->base);
	return intr ? -1 : 0;
}

/* The operations each variant performs, as the model names them. */
struct opname {
	int op;
	const char *name;
};
static const struct opname hash_ops[] = {
	{ RQS_UPDATE, "update" }, { RQS_LOOKUP, "lookup" },
	{ RQS_DELETE, "delete" }, { -1, NULL },
};
static const struct opname task_ops[] = {
	{ RQS_LOOKUP, "get" }, { RQS_CREATE, "create" },
	{ RQS_DELETE, "delete" }, { -1, NULL },
};

static double cycle_cost(const struct point *p, const struct opname *ops)
{
	double s = 0;
	for (int i = 0; ops[i].name; i++) {
		double m = chist_mean(&p->op[ops[i].op]);
		if (!isnan(m))
			s += m;
	}
	return s;
}

/* "table(x0:f0, x1:f1, ...)" over points [from, to) by axis. */
static void factor_table(FILE *f, const char *key, const struct variant *v,
			 const struct opname *ops, const size_t *idx, size_t n,
			 int occ_axis)
{
	double ref = cycle_cost(&v->pt[0], ops);
	fprintf(f, "    %s: \"table(", key);
	for (size_t i = 0; i < n; i++) {
		const struct point *p = &v->pt[idx[i]];
		double fct = ref > 0 ? cycle_cost(p, ops) / ref : 1;
		if (!(fct > 0.01))
			fct = 0.01;
		fprintf(f, "%s%.0f:%.4g", i ? ", " : "", occ_axis ? p->occ : p->act,
			fct);
	}
	fputs(")\"\n", f);
}

static void print_point(FILE *out, const struct point *p,
			const struct opname *ops)
{
	char b[32];
	fprintf(out, "  -- %.0f entries pre-filled, %.0f active tasks (timer "
		"baseline %s subtracted; clock tick %u ns)\n", p->occ, p->act,
		live_ns(p->base, b, sizeof(b)), p->tick);
	for (int i = 0; ops[i].name; i++)
		live_dist_row(out, ops[i].name, &p->op[ops[i].op]);
	if (chist_total(&p->op[RQS_OUTPUT]) > 0)
		live_dist_row(out, "ringbuf output", &p->op[RQS_OUTPUT]);
}

static void write_point(FILE *f, const struct point *p,
			const struct opname *ops, double x)
{
	fprintf(f, "      \"%.0f\":\n", x);
	fprintf(f, "        occupancy: %.0f\n        active: %.0f\n", p->occ,
		p->act);
	calfile_write_ns(f, 8, "baseline", p->base);
	for (int i = 0; ops[i].name; i++)
		calfile_write_dist(f, 8, ops[i].name, &p->op[ops[i].op], p->base);
}

static void write_hooks(FILE *f, int indent, const struct variant *v);

/* "    key: {sched_wakeup: N, sched_wakeup_new: N, sched_switch: N}" */
static void write_counts(FILE *f, const char *key, const uint64_t *n)
{
	fprintf(f, "    %s: {", key);
	for (int h = 0; h < RQS_NHOOKS; h++)
		fprintf(f, "%s%s: %llu", h ? ", " : "", hook_names[h],
			(unsigned long long)n[h]);
	fputs("}\n", f);
}

static void write_variant(FILE *f, const struct calib_opts *o,
			  const struct variant *v)
{
	const struct opname *ops = v->task ? task_ops : hash_ops;
	const struct point *ref = &v->pt[0];
	size_t idx[2 * CALIB_MAX_POINTS], n = 0;
	char b[48];

	fprintf(f, "  %s:\n", v->task ? "task_storage" : "hash");
	for (int i = 0; ops[i].name; i++)
		calfile_write_dist(f, 4, ops[i].name, &ref->op[ops[i].op],
				   ref->base);
	/* Active sweep: the first nact points. */
	for (size_t i = 0; i < o->nact && i < v->npt; i++)
		idx[n++] = i;
	factor_table(f, "active_factor", v, ops, idx, n, 0);
	if (!v->task) {
		n = 0;
		idx[n++] = 0;
		for (size_t i = o->nact; i < v->npt; i++)
			idx[n++] = i;
		factor_table(f, "occupancy_factor", v, ops, idx, n, 1);
	}
	fprintf(f, "    program_mean:\n");
	for (int h = 0; h < RQS_NHOOKS; h++)
		fprintf(f, "      %s: %s\n", hook_names[h],
			v->pm.runs[h] ? live_ns(v->pm.mean[h], b, sizeof(b)) : "null");
	write_counts(f, "program_runs", v->pm.runs);
	/* Runs the kernel skipped (a program already running on the CPU):
	 * ~0 for these hooks; more means program_runs undercounts events. */
	write_counts(f, "recursion_misses", v->pm.misses);
	calfile_write_ns(f, 4, "stats_floor", v->pm.floor);
	fprintf(f, "    cpu_share: %.4g\n", v->pm.cpu_share);
	write_hooks(f, 4, v);
	fprintf(f, "    by_active:\n");
	for (size_t i = 0; i < o->nact && i < v->npt; i++)
		write_point(f, &v->pt[i], ops, v->pt[i].act);
	if (!v->task) {
		fprintf(f, "    by_occupancy:\n");
		write_point(f, &v->pt[0], ops, v->pt[0].occ);
		for (size_t i = o->nact; i < v->npt; i++)
			write_point(f, &v->pt[i], ops, v->pt[i].occ);
	}
}

/* What the model charges per run of hook h for the operations the plain
 * program did (counted in pm.cnt).  Hash: each counted operation at its
 * timed mean.  Task storage, whose plain record is one
 * get(F_CREATE) (counted as RQS_UPDATE): the model charges a get for
 * every record and a create (timed as a whole get(F_CREATE) on a task
 * without storage) for a task's first one - sched_wakeup_new's, for a
 * new task; elsewhere storage exists except after a report's delete,
 * which is rare and left out.  On the idle task the probes do what the
 * tools do (neither records it; libbpf-tools' hash looks pid 0 up, an
 * ordinary lookup the model charges; the kernel's task-storage tool
 * returns first), so idle_ops stay 0. */
static double model_ops(const struct variant *v, int h)
{
	const struct point *ref = &v->pt[0];
	double runs = (double)v->pm.cnt.runs[h], sum = 0;
	for (int op = RQS_UPDATE; op < RQS_NOPS; op++) {
		/* Operations on the idle task stay in the base: the model
		 * switches to and from no task. */
		double idle = h == RQS_SWITCH ? (double)v->pm.cnt.idle_ops[op] : 0;
		double per = ((double)v->pm.cnt.ops[h][op] - idle) / runs;
		int as = op;
		if (v->task && op == RQS_UPDATE)
			as = RQS_LOOKUP;         /* a get */
		double mean = chist_mean(&ref->op[as]);
		if (per > 0 && !isnan(mean))
			sum += per * mean;
		if (v->task && op == RQS_UPDATE && h == RQS_WAKEUP_NEW) {
			double cr = chist_mean(&ref->op[RQS_CREATE]);
			if (per > 0 && !isnan(cr))
				sum += per * cr;
		}
	}
	return sum;
}

/* Hook base costs: program mean minus what the model charges for the
 * operations it did per run (at indent 2 or 4). */
static void write_hooks(FILE *f, int indent, const struct variant *v)
{
	char m[48], sd[48];
	fprintf(f, "%*shooks:\n", indent, "");
	for (int h = 0; h < RQS_NHOOKS; h++) {
		if (!v->pm.runs[h] || !(v->pm.cnt.runs[h] > 0))
			continue;
		double base = v->pm.mean[h] - model_ops(v, h);
		if (!(base > 1))
			base = 1;
		fit_format_ns(base, 4, m, sizeof(m));
		fit_format_ns(0.1 * base, 3, sd, sizeof(sd));
		fprintf(f, "%*s%s: \"normal(%s, %s)\"\n", indent + 2, "",
			hook_names[h], m, sd);
	}
}

static void free_variant(struct variant *v)
{
	for (size_t i = 0; i < v->npt; i++)
		point_fini(&v->pt[i]);
	free(v->pt);
	v->pt = NULL;
	v->npt = 0;
}

/* One variant: load, program means, the sweeps.  1 when interrupted. */
static int run_variant(const struct calib_opts *o, struct variant *v,
		       int raw_tp, const struct live_floor *fl, struct err *e)
{
	struct rqs *r = NULL;
	struct rqs_params p = {
		.task = v->task, .raw_tp = v->task ? 0 : raw_tp,
		.max_entries = o->max_entries ? o->max_entries
			       : (uint64_t)o->occ[o->nocc - 1] + 65536,
		.min_ns = 10000000, .del_always = 0,
	};
	int rc = rqs_load(&r, &p, e);
	if (!rc)
		rc = rqs_attach(r, e);
	if (rc)
		goto out;
	v->pt = calloc(o->nact + o->nocc, sizeof(*v->pt));
	if (!v->pt) {
		rc = err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		goto out;
	}
	if ((rc = program_means(o, r, fl, o->duration_ns * 1e-9, &v->pm, e)))
		goto out;
	rqs_set(r, 0, 1, MEASURE_MIN_NS);
	if (!v->task)
		rqs_clear(r);   /* what the plain run left behind */
	if (!v->task && o->occ[0] > 0 &&
	    (rc = prefill(r->start_fd, 0, (uint64_t)o->occ[0], e)))
		goto out;
	for (size_t i = 0; i < o->nact; i++) {
		rc = measure_point(o, r, v->task ? 0 : o->occ[0], o->act[i],
				   &v->pt[v->npt], e);
		v->npt++;
		if (rc)
			goto out;
	}
	for (size_t i = 1; !v->task && i < o->nocc; i++) {
		if ((rc = prefill(r->start_fd, (uint64_t)o->occ[i - 1],
				  (uint64_t)o->occ[i], e)))
			goto out;
		rc = measure_point(o, r, o->occ[i], o->act[0], &v->pt[v->npt], e);
		v->npt++;
		if (rc)
			goto out;
	}
	v->done = 1;
out:
	rqs_free(r);
	return rc < 0 ? 1 : rc;
}

int calib_storage(const struct calib_opts *o, struct err *e)
{
	struct live_features f;
	struct live_stats st = { .fd = -1 };
	struct live_floor fl = { .fd = -1 };
	struct variant v[2];
	const char *why;
	char b[48];
	int rc, intr = 0;

	memset(v, 0, sizeof(v));
	v[1].task = 1;
	int raw_tp = 0;
	if ((rc = live_start(o, &f, &st, &fl, &raw_tp, &why, e)))
		goto out;
	printf("storage costs: %s programs%s, %s per point, bpf_stats via %s\n",
	       why, raw_tp ? " (task storage: tp_btf, it has no raw_tp variant)" : "",
	       live_ns(o->duration_ns, b, sizeof(b)), st.how);
	for (int k = 0; k < 2 && !intr; k++) {
		if (o->variant >= 0 && o->variant != v[k].task)
			continue;        /* one variant asked for */
		if (v[k].task && !f.task_storage) {
			printf("task storage: skipped (this kernel cannot create "
			       "task storage maps)\n");
			continue;
		}
		rc = run_variant(o, &v[k], raw_tp, &fl, e);
		if (rc == 1) {
			intr = 1;
			rc = 0;
		}
		if (rc)
			goto out;
	}
	if (intr)
		goto out;

	/* Report. */
	for (int k = 0; k < 2; k++) {
		if (!v[k].done)
			continue;
		const struct opname *ops = v[k].task ? task_ops : hash_ops;
		printf("\n%s (per operation, ns; timer baseline subtracted)\n",
		       v[k].task ? "task storage" : "hash map");
		live_dist_header(stdout);
		for (size_t i = 0; i < v[k].npt; i++)
			print_point(stdout, &v[k].pt[i], ops);
		printf("  whole programs (bpf_stats, stats floor %s subtracted; "
		       "probes used %.3g%% of the CPUs):\n",
		       live_ns(v[k].pm.floor, b, sizeof(b)),
		       100 * v[k].pm.cpu_share);
		for (int h = 0; h < RQS_NHOOKS; h++)
			printf("    %-18s %10llu runs  mean %-10s  recursion_misses "
			       "%llu\n", hook_names[h],
			       (unsigned long long)v[k].pm.runs[h],
			       v[k].pm.runs[h] ? live_ns(v[k].pm.mean[h], b, sizeof(b))
					       : "-",
			       (unsigned long long)v[k].pm.misses[h]);
	}
	if (!o->out)
		goto out;

	struct live_section sec;
	if ((rc = live_section_open(&sec, &f, &st, e)))
		goto out;
	FILE *s = sec.f;
	fprintf(s, "storage:\n  meta:\n");
	fprintf(s, "    duration_per_point: %s\n", live_ns(o->duration_ns, b, sizeof(b)));
	fprintf(s, "    occupancy: [");
	for (size_t i = 0; i < o->nocc; i++)
		fprintf(s, "%s%.0f", i ? ", " : "", o->occ[i]);
	fprintf(s, "]\n    active: [");
	for (size_t i = 0; i < o->nact; i++)
		fprintf(s, "%s%.0f", i ? ", " : "", o->act[i]);
	fprintf(s, "]\n    attach: {hash: %s, task_storage: tp_btf}\n",
		raw_tp ? "raw_tp" : "tp_btf");
	if (o->have_load) {
		char lt[160], q[200];
		loadgen_format(&o->load, lt, sizeof(lt));
		fprintf(s, "    load: %s\n", calfile_quote(lt, q, sizeof(q)));
	} else {
		fprintf(s, "    load: \"sleepers:N:%.0f/s, N = active tasks\"\n",
			WAKE_RATE);
	}
	fprintf(s, "    hash_max_entries: %.0f\n", o->max_entries
		? (double)o->max_entries : o->occ[o->nocc - 1] + 65536);
	if (v[0].npt || v[1].npt)
		fprintf(s, "    clock_tick_ns: %u\n",
			v[0].npt ? v[0].pt[0].tick : v[1].pt[0].tick);
	fprintf(s, "    note: \"per-operation costs timed in the program, mean "
		"empty-timer baseline subtracted, values spread over the clock "
		"tick; factors are summed operation means relative to the first "
		"point\"\n");
	for (int k = 0; k < 2; k++)
		if (v[k].done)
			write_variant(s, o, &v[k]);
	if (v[0].done)
		write_hooks(s, 2, &v[0]);
	/* The output and the timer baseline: the hash variant's, or task
	 * storage's when it ran alone. */
	const struct variant *ov = v[0].done ? &v[0] : v[1].done ? &v[1] : NULL;
	if (ov) {
		fprintf(s, "  output:\n");
		calfile_write_dist(s, 4, "ringbuf", &ov->pt[0].op[RQS_OUTPUT],
				   ov->pt[0].base);
		calfile_write_dist(s, 2, "baseline", &ov->pt[0].op[RQS_BASE], 0);
	}
	putchar('\n');
	rc = live_section_commit(&sec, o->out, "storage costs", stdout, e);
out:
	live_floor_stop(&fl);
	live_stats_off(&st);
	free_variant(&v[0]);
	free_variant(&v[1]);
	return rc;
}
