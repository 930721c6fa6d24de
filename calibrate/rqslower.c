/* rqslower.c - the bundled runqslower probes, and `bpfsim calibrate storage`.
 *
 * What storage measures, per variant (hash, task storage):
 *   1. whole-program means: the probes run as plain runqslower (no timing)
 *      under sleepers + a light spawn load; bpf_stats' run_time_ns/run_cnt
 *      per program minus the stats floor (live.h) - comparable to the
 *      published per-program figures - and each program's
 *      recursion_misses over the same window (~0 expected);
 *   2. per-operation costs: with ctl.measure, each storage operation is
 *      timed inside the program, one histogram per cost class and side of
 *      the model (rqslower.h: hash insert / replace on the wake side, hit /
 *      miss lookups and deletes on the switch side; task storage get on
 *      the wake side / on the switch side, first create / re-create after
 *      delete, delete); the empty bracket's mean (same program, same
 *      moment) is subtracted from each histogram (chist_shift);
 *   3. against the working set: N sleeper threads (N from --active) each
 *      waking 20000/N times a second, so N distinct tasks touch the map at
 *      the same total event rate; each point's working set W per CPU is
 *      computed from N and the wake-up rate measured (working_set());
 *   4. (hash) against occupancy: the map pre-filled from user space with
 *      keys no pid can have (0x40000000 + i) to each --occupancy value, at
 *      the first --active count: idle keys, held but never touched.
 * With o->have_load (bpfsim validate), steps 1 and 2 run under that load
 * instead (one point, no sweep): costs as they are under the load being
 * validated.
 * The fit, in the model's form (models/storage.h): each class's
 * distribution at the reference point (first occupancy, first active
 * count: W ~ 1, the hot cost; a class with too few values there is taken
 * where it has them, class_point()); wake_factor(W) the wake-side class's
 * mean (hash insert, task-storage get_wake) at each point of the active
 * sweep over its mean at the reference, switch_factor(W) the same for the
 * switch side's lookup (hash hit, task-storage get_switch);
 * occupancy_factor(M) (hash) the summed insert + lookup + delete means
 * against idle keys M, relative to the reference.  Hook base costs follow
 * from each variant's program means minus what the model charges per run
 * for the operations the program did (storage.hash.hooks,
 * storage.task_storage.hooks; storage.hooks is the hash variant's).
 *
 * While timing, deletes are done after one lookup in DEL_ONE_IN (at
 * random) besides those after reports: the real tools delete after a
 * report only, so their records mostly meet a present entry (a hash
 * replace, a task-storage get that finds its storage); the extra deletes
 * give the absent-entry classes (insert, re-create) values too.  Each hash
 * point starts from a map holding only its pre-filled keys (rqs_clear);
 * the active tasks add at most their own N.  The report threshold is
 * lowered to 100us so ring buffer outputs are common enough to time.
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
#define WS_WINDOW_NS 50e6          /* storage.*.working_set_window default */
#define DEL_ONE_IN 4               /* while timing: delete after one lookup in
				      4, so 3 records in 4 meet a present
				      entry (hash replace, task-storage get)
				      and 1 in 4 an absent one (insert,
				      re-create) */
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
	rqs_set(r, 0, p->del_one_in, p->min_ns);
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

void rqs_set(struct rqs *r, int measure, int del_one_in, uint64_t min_ns)
{
	/* measure last off / first on: the programs read it first. */
	r->ctl->measure = 0;
	r->ctl->min_ns = min_ns;
	r->ctl->del_one_in = (uint32_t)del_one_in;
	r->ctl->measure = (uint32_t)measure;
}

/* Empty the hash map of pids' keys (what the plain run and the previous
 * point left behind; the pre-filled keys stay) and forget the probes'
 * `present` marks. */
static void rqs_clear(struct rqs *r)
{
	uint32_t key, next;
	int more = !bpf_map_get_next_key(r->start_fd, NULL, &key);
	while (more) {
		more = !bpf_map_get_next_key(r->start_fd, &key, &next);
		if (key < PREFILL_KEY0)
			bpf_map_delete_elem(r->start_fd, &key);
		key = next;
	}
	r->ctl->gen++;
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
	double ws;                      /* working set W per CPU (see below) */
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

/* The model's working set W (models/storage.h, storage_ws) at a point:
 * n distinct tasks woken at `rate` a second in all, spread over the CPUs,
 * each wake-up touching its task (the switch-in that follows touches it
 * again, counted once): W ~ (R T / P)(1 - exp(-n / (R T))) with the
 * model's default window T (WS_WINDOW_NS). */
static double working_set(double n, double rate)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	double rt = rate * WS_WINDOW_NS * 1e-9;
	if (!(rt > 0) || !(n > 0))
		return 0;
	return rt / (double)(cpus > 0 ? cpus : 1) * -expm1(-n / rt);
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
	rqs_set(r, 0, DEL_ONE_IN, MEASURE_MIN_NS);
	if (!r->p.task)
		rqs_clear(r);
	int rc;
	if ((rc = start_load(o, &g, (unsigned)act, 0, e)))
		return rc;
	live_zero_percpu(r->hists_fd, RQS_NOPS, sizeof(struct hist));
	live_zero_percpu(r->counters_fd, 1, sizeof(struct rqs_counters));
	rqs_set(r, 1, DEL_ONE_IN, MEASURE_MIN_NS);
	snprintf(what, sizeof(what), "%s: %.0f entries, %.0f active tasks",
		 r->p.task ? "task storage" : "hash", occ, act);
	double t0 = live_now();
	int intr = live_wait(o, o->duration_ns * 1e-9, what, rqs_poll, r);
	double el = live_now() - t0;
	if (!(el > 0))
		el = o->duration_ns * 1e-9;
	rqs_set(r, 0, DEL_ONE_IN, MEASURE_MIN_NS);
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
	pt->ws = working_set(act, (double)(pt->cnt.runs[RQS_WAKEUP] +
					   pt->cnt.runs[RQS_WAKEUP_NEW]) / el);
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

/* The cost classes each variant measures, under the model's key names
 * (models/storage_hash.c, storage_task.c). */
struct opname {
	int op;
	const char *name;
};
static const struct opname hash_ops[] = {
	{ RQS_INSERT, "insert" }, { RQS_REPLACE, "replace" },
	{ RQS_LOOKUP, "lookup" }, { RQS_MISS, "miss" },
	{ RQS_DELETE, "delete" }, { RQS_UPDATE_SW, "update_switch" },
	{ -1, NULL },
};
static const struct opname task_ops[] = {
	{ RQS_GET_WAKE, "get_wake" }, { RQS_LOOKUP, "get_switch" },
	{ RQS_CREATE, "create" }, { RQS_RECREATE, "recreate" },
	{ RQS_DELETE, "delete" }, { -1, NULL },
};

/* Values below this make no factor (a class's mean over so few is noise). */
#define MIN_FACTOR_N 100

/* The op's mean at p, NAN with fewer than MIN_FACTOR_N values. */
static double op_mean(const struct point *p, int op)
{
	return chist_total(&p->op[op]) >= MIN_FACTOR_N ? chist_mean(&p->op[op])
						       : NAN;
}

/* The mean of the classes in ops[] (ending in -1) at p, weighted by
 * their counts; NAN with fewer than min_n values in all. */
static double pooled_mean(const struct point *p, const int *ops, double min_n)
{
	double n = 0, sum = 0;
	for (int i = 0; ops[i] >= 0; i++) {
		double k = chist_total(&p->op[ops[i]]);
		double m = chist_mean(&p->op[ops[i]]);
		if (k > 0 && !isnan(m)) {
			n += k;
			sum += k * m;
		}
	}
	return n >= min_n && n > 0 ? sum / n : NAN;
}

/* What a factor table is a ratio of. */
enum factor_y {
	Y_CLASSES,     /* the pooled mean of a side's classes */
	Y_CYCLE,       /* hash insert + lookup + delete (static occupancy) */
};

static double factor_y(const struct point *p, enum factor_y y, const int *ops)
{
	if (y == Y_CYCLE)
		return op_mean(p, RQS_INSERT) + op_mean(p, RQS_LOOKUP) +
		       op_mean(p, RQS_DELETE);
	return pooled_mean(p, ops, MIN_FACTOR_N);
}

/* "key: table(x0:f0, ...)": the factor f = y(point) / y(first point) over
 * the points idx[0..n), x the working set (ws_axis) or the pre-filled
 * entries.  On the working-set axis the first point is at W ~ 1 (one
 * task): the table starts at 0:1.  Idle keys cannot make an operation
 * cheaper: on the occupancy axis a ratio under 1 (noise, drift between
 * points) is written as 1 (the measured means stay in by_occupancy). */
static void factor_table(FILE *f, const char *key, const struct variant *v,
			 enum factor_y yk, const int *ops, const size_t *idx,
			 size_t n, int ws_axis)
{
	double ref = NAN;
	int any = 0;
	fprintf(f, "    %s: \"table(", key);
	if (ws_axis) {
		fputs("0:1", f);
		any = 1;
	}
	for (size_t i = 0; i < n; i++) {
		const struct point *p = &v->pt[idx[i]];
		double y = factor_y(p, yk, ops);
		if (isnan(ref))
			ref = y;
		double x = ws_axis ? p->ws : p->occ;
		if (!(y > 0) || !(ref > 0) || (ws_axis && !(x > 0)))
			continue;
		double fct = y / ref;
		if (!ws_axis && fct < 1)
			fct = 1;
		if (!(fct > 0.01))
			fct = 0.01;
		fprintf(f, ws_axis ? "%s%.1f:%.4g" : "%s%.0f:%.4g",
			any ? ", " : "", x, fct);
		any = 1;
	}
	if (!any)
		fputs("0:1", f);
	fputs(")\"\n", f);
}

static void print_point(FILE *out, const struct point *p,
			const struct opname *ops)
{
	char b[32];
	fprintf(out, "  -- %.0f entries pre-filled, %.0f active tasks, working "
		"set %.3g per CPU (timer baseline %s subtracted; clock tick %u "
		"ns)\n", p->occ, p->act, p->ws, live_ns(p->base, b, sizeof(b)),
		p->tick);
	for (int i = 0; ops[i].name; i++)
		if (chist_total(&p->op[ops[i].op]) > 0)
			live_dist_row(out, ops[i].name, &p->op[ops[i].op]);
	if (chist_total(&p->op[RQS_OUTPUT]) > 0)
		live_dist_row(out, "ringbuf output", &p->op[RQS_OUTPUT]);
}

static void write_point(FILE *f, const struct point *p,
			const struct opname *ops, double x)
{
	fprintf(f, "      \"%.0f\":\n", x);
	fprintf(f, "        occupancy: %.0f\n        active: %.0f\n"
		"        working_set: %.4g\n", p->occ, p->act, p->ws);
	calfile_write_ns(f, 8, "baseline", p->base);
	for (int i = 0; ops[i].name; i++)
		calfile_write_dist(f, 8, ops[i].name, &p->op[ops[i].op], p->base);
}

static void write_hooks(FILE *f, int indent, const struct variant *v);
static void write_cold(FILE *f, int indent, const struct variant *v);

/* "    key: {sched_wakeup: N, sched_wakeup_new: N, sched_switch: N}" */
static void write_counts(FILE *f, const char *key, const uint64_t *n)
{
	fprintf(f, "    %s: {", key);
	for (int h = 0; h < RQS_NHOOKS; h++)
		fprintf(f, "%s%s: %llu", h ? ", " : "", hook_names[h],
			(unsigned long long)n[h]);
	fputs("}\n", f);
}

/* The point whose `op` record stands for the class: the first of the
 * active sweep with MIN_FACTOR_N values (a class the reference point
 * rarely sees, e.g. first creates with 2 sleepers), else the one with the
 * most values. */
static const struct point *class_point(const struct calib_opts *o,
				       const struct variant *v, int op)
{
	const struct point *best = &v->pt[0];
	for (size_t i = 0; i < o->nact && i < v->npt; i++) {
		if (chist_total(&v->pt[i].op[op]) >= MIN_FACTOR_N)
			return &v->pt[i];
		if (chist_total(&v->pt[i].op[op]) > chist_total(&best->op[op]))
			best = &v->pt[i];
	}
	return best;
}

static void write_variant(FILE *f, const struct calib_opts *o,
			  const struct variant *v)
{
	const struct opname *ops = v->task ? task_ops : hash_ops;
	size_t idx[2 * CALIB_MAX_POINTS], n = 0;
	char b[48];

	fprintf(f, "  %s:\n", v->task ? "task_storage" : "hash");
	/* Each class at the reference point (few tasks, W ~ 1: the hot
	 * cost the factors multiply), or where it has values. */
	for (int i = 0; ops[i].name; i++) {
		const struct point *p = class_point(o, v, ops[i].op);
		calfile_write_dist(f, 4, ops[i].name, &p->op[ops[i].op], p->base);
	}
	calfile_write_ns(f, 4, "working_set_window", WS_WINDOW_NS);
	/* Active sweep: the first nact points, on the working-set axis. */
	for (size_t i = 0; i < o->nact && i < v->npt; i++)
		idx[n++] = i;
	/* The wake side's record: hash insert and replace pooled (the real
	 * tool's are mostly replaces, calibration's 3 in 4), task storage's
	 * get; the switch side's lookup hit (task: get). */
	static const int wake_hash[] = { RQS_INSERT, RQS_REPLACE, -1 };
	static const int wake_task[] = { RQS_GET_WAKE, -1 };
	static const int sw[] = { RQS_LOOKUP, -1 };
	factor_table(f, "wake_factor", v, Y_CLASSES,
		     v->task ? wake_task : wake_hash, idx, n, 1);
	factor_table(f, "switch_factor", v, Y_CLASSES, sw, idx, n, 1);
	if (!v->task) {
		n = 0;
		idx[n++] = 0;
		for (size_t i = o->nact; i < v->npt; i++)
			idx[n++] = i;
		factor_table(f, "occupancy_factor", v, Y_CYCLE, NULL, idx, n, 0);
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
	write_cold(f, 4, v);
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
 * program did (counted in pm.cnt under its class or side), each at its
 * timed mean at the reference point.  Hash: an update (BPF_ANY) at the
 * pooled insert/replace mean (the switch side's own when timed); task
 * storage, whose plain record is one get(F_CREATE): a get of its side for
 * every record and a first create for sched_wakeup_new's (a new task);
 * elsewhere storage exists except after a report's delete, which is rare
 * and left out.  On the idle task the probes do what the tools do
 * (libbpf-tools' hash looks pid 0 up and misses, an ordinary miss the
 * model charges; the kernel's task-storage tool returns first). */
static double model_ops(const struct variant *v, int h)
{
	static const int upd[] = { RQS_INSERT, RQS_REPLACE, -1 };
	static const int upd_sw[] = { RQS_UPDATE_SW, RQS_INSERT, RQS_REPLACE, -1 };
	const struct point *ref = &v->pt[0];
	double runs = (double)v->pm.cnt.runs[h], sum = 0;
	for (int op = RQS_INSERT; op < RQS_NOPS; op++) {
		double per = (double)v->pm.cnt.ops[h][op] / runs;
		if (!(per > 0))
			continue;
		int one[] = { op, -1 };
		const int *cls = one;
		if (!v->task && op == RQS_INSERT)
			cls = upd;
		else if (!v->task && op == RQS_UPDATE_SW)
			cls = chist_total(&ref->op[RQS_UPDATE_SW]) > 0 ? one : upd_sw;
		double mean = pooled_mean(ref, cls, 1);
		if (!isnan(mean))
			sum += per * mean;
		if (v->task && op == RQS_GET_WAKE && h == RQS_WAKEUP_NEW) {
			/* first creates are few at the reference point */
			const struct point *pc = ref;
			for (size_t i = 1; i < v->npt; i++)
				if (chist_total(&v->pt[i].op[RQS_CREATE]) >
				    chist_total(&pc->op[RQS_CREATE]))
					pc = &v->pt[i];
			double cr = chist_mean(&pc->op[RQS_CREATE]);
			if (!isnan(cr))
				sum += per * cr;
		}
	}
	return sum;
}

/* Hook h's base cost: its program mean less what the model charges for
 * the operations it did per run; NAN when it did not run. */
static double hook_base(const struct variant *v, int h)
{
	if (!v->pm.runs[h] || !(v->pm.cnt.runs[h] > 0))
		return NAN;
	return v->pm.mean[h] - model_ops(v, h);
}

/* `key: "normal(mean, rel_sd x mean)"`, the mean at least 1 ns. */
static void write_normal(FILE *f, int indent, const char *key, double mean,
			 double rel_sd)
{
	char m[48], sd[48];
	if (!(mean > 1))
		mean = 1;
	fit_format_ns(mean, 4, m, sizeof(m));
	fit_format_ns(rel_sd * mean, 3, sd, sizeof(sd));
	fprintf(f, "%*s%s: \"normal(%s, %s)\"\n", indent, "", key, m, sd);
}

/* Hook base costs: program mean minus what the model charges for the
 * operations it did per run (at indent 2 or 4). */
static void write_hooks(FILE *f, int indent, const struct variant *v)
{
	fprintf(f, "%*shooks:\n", indent, "");
	for (int h = 0; h < RQS_NHOOKS; h++) {
		double base = hook_base(v, h);
		if (!isnan(base))
			write_normal(f, indent + 2, hook_names[h], base, 0.1);
	}
}

/* What a program on sched_wakeup_new pays beyond the same program on
 * sched_wakeup (both run on_wakeup; their hook base costs already have
 * the operations each did taken off): wake_up_new_task runs after
 * copy_process, so the program runs out of cold caches
 * (primitives.cold.sched_wakeup_new, models/probe/prims.h).  Not written
 * when either hook did not run. */
static void write_cold(FILE *f, int indent, const struct variant *v)
{
	double d = hook_base(v, RQS_WAKEUP_NEW) - hook_base(v, RQS_WAKEUP);
	if (isnan(d))
		return;
	fprintf(f, "%*scold:\n", indent, "");
	write_normal(f, indent + 2, "sched_wakeup_new", d, 0.2);
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
		.min_ns = 10000000, .del_one_in = 0,
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
	rqs_set(r, 0, DEL_ONE_IN, MEASURE_MIN_NS);
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
	fprintf(s, "    note: \"per-operation costs timed in the program by "
		"cost class and side, mean empty-timer baseline subtracted, "
		"values spread over the clock tick; each class's record is the "
		"reference point's (W ~ 1); wake_factor and switch_factor are a "
		"side's class mean (hash insert / lookup hit, task storage "
		"get_wake / get_switch) over the working set W per CPU relative "
		"to the reference; occupancy_factor the summed hash insert + "
		"lookup + delete means over idle keys\"\n");
	fprintf(s, "    working_set: \"W per CPU = (R T / P)(1 - exp(-N / (R T))), "
		"N active tasks woken R times a second in all on P CPUs, T = "
		"working_set_window\"\n");
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
