/* experiment.c - cells of jobs, points derived from one scenario, rounds
 * with run-length control, shards and MPI (experiment.h).  The job file
 * lives in jobfile.c.
 *
 * Run-length control (`precision:`): after each round a point whose
 * metric CI is wider than asked gets max(n/2, 2) more replications for
 * every strategy (keeping the pairs), until it is tight enough or
 * max_reps is reached.  The decision depends only on results, so it is
 * deterministic too.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/exp/experiment.h"
#include "sim/exp/experiment_internal.h"
#include "sim/exp/mpi_runner.h"
#include "sim/exp/report.h"

int exp_init(struct experiment *x, struct scenario *base, struct err *e)
{
	memset(x, 0, sizeof(*x));
	x->base = base;
	if (!base)
		return e->status ? e->status : ERR_RUNTIME;
	x->ns = base->nstrategies;
	x->nm = model_metric_count(base->model);
	x->keep_series = 1;
	return 0;
}

void exp_fini(struct experiment *x)
{
	for (size_t i = 0; x->cells && i < x->np * x->ns; i++) {
		struct exp_cell *c = &x->cells[i];
		for (size_t r = 0; r < c->nreps; r++)
			free(c->jobs[r].metrics);
		runner_jobs_release(c->jobs, c->nreps);
		free(c->jobs);
	}
	free(x->cells);
	free(x->provenance);
	for (size_t p = 0; x->pts && p < x->np; p++) {
		scenario_free(x->pts[p]);
		free(x->settings[p]);
	}
	free(x->pts);
	free(x->settings);
	exp_saved_free(x->saved);
	scenario_free(x->base);
	memset(x, 0, sizeof(*x));
}

struct exp_cell *exp_cell(struct experiment *x, size_t p, size_t s)
{
	return &x->cells[p * x->ns + s];
}

const char *exp_strategy(const struct experiment *x, size_t s)
{
	return x->base->strategy[s][0] ? x->base->strategy[s] : "value";
}

/* Room for one more point (pts and a row of cells). */
static int reserve_point(struct experiment *x)
{
	if (x->np < x->capp)
		return 0;
	size_t cap = x->capp ? 2 * x->capp : 16;
	struct scenario **pts = realloc(x->pts, cap * sizeof(*pts));
	if (!pts)
		return -1;
	x->pts = pts;
	char **set = realloc(x->settings, cap * sizeof(*set));
	if (!set)
		return -1;
	x->settings = set;
	struct exp_cell *cells = realloc(x->cells, cap * x->ns * sizeof(*cells));
	if (!cells)
		return -1;
	x->cells = cells;
	x->capp = cap;
	return 0;
}

static int push_point(struct experiment *x, struct scenario *sc,
		      char *settings, size_t *p, struct err *e)
{
	if (reserve_point(x)) {
		scenario_free(sc);
		free(settings);
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	}
	x->pts[x->np] = sc;
	x->settings[x->np] = settings;
	memset(&x->cells[x->np * x->ns], 0, x->ns * sizeof(*x->cells));
	*p = x->np++;
	return exp_saved_place(x, *p, e);
}

int exp_add_point(struct experiment *x, const char *const *sets, size_t n,
		  size_t *p, struct err *e)
{
	const struct scenario *b = x->base;
	char list[SCENARIO_MAX_STRATEGIES * 49] = "";
	for (size_t s = 0; b->compare && s < b->nstrategies; s++) {
		size_t len = strlen(list);
		snprintf(list + len, sizeof(list) - len, "%s%s", s ? "," : "",
			 b->strategy[s]);
	}
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(sets[i]) + 1;
	char *settings = malloc(len);
	if (!settings)
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	settings[0] = 0;
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(settings, " ");
		strcat(settings, sets[i]);
	}
	struct scenario *sc = scenario_derive(b, sets, n, b->compare,
					      b->compare ? list : NULL, e);
	if (!sc) {
		free(settings);
		return e->status;
	}
	/* Points are never derived from: their source copy is dead weight
	 * (one tree per point of a 10^5-point sweep). */
	ytree_free(sc->source);
	sc->source = NULL;
	/* ... and what equals the base's is kept once (config_share). */
	for (size_t s = 0; sc->model->config_share && s < sc->nstrategies;
	     s++)
		sc->model->config_share(sc->cfg[s],
					b->cfg[s < b->nstrategies ? s : 0]);
	return push_point(x, sc, settings, p, e);
}

int exp_add_base_point(struct experiment *x, struct err *e)
{
	size_t p;
	return exp_add_point(x, NULL, 0, &p, e);
}

int exp_cell_reserve(struct experiment *x, size_t p, size_t s, size_t n)
{
	struct exp_cell *c = exp_cell(x, p, s);
	if (n <= c->nreps)
		return 0;
	if (n > c->cap) {
		size_t cap = n > 2 * c->cap ? n : 2 * c->cap;
		struct runner_job *j = realloc(c->jobs, cap * sizeof(*j));
		if (!j)
			return -1;
		c->jobs = j;
		c->cap = cap;
	}
	const struct scenario *sc = x->pts[p];
	for (size_t r = c->nreps; r < n; r++) {
		struct runner_job *j = &c->jobs[r];
		scenario_job(sc, s, r, malloc(x->nm * sizeof(double)),
			     x->keep_series && r == 0, j);
		if (!j->metrics)
			return -1;
		for (size_t m = 0; m < x->nm; m++)
			j->metrics[m] = NAN;
		c->nreps = r + 1;
	}
	return 0;
}

int exp_grow(struct experiment *x, size_t p, size_t s, size_t n,
	     struct err *e)
{
	if (exp_cell_reserve(x, p, s, n))
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	return 0;
}

int exp_grow_all(struct experiment *x, struct err *e)
{
	for (size_t p = 0; p < x->np; p++)
		for (size_t s = 0; s < x->ns; s++)
			if (exp_grow(x, p, s, x->pts[p]->replications, e))
				return e->status;
	return 0;
}

size_t exp_jobs(const struct experiment *x)
{
	size_t n = 0;
	for (size_t i = 0; i < x->np * x->ns; i++)
		n += x->cells[i].nreps;
	return n;
}

int exp_incomplete(const struct experiment *x)
{
	for (size_t i = 0; i < x->np * x->ns; i++)
		for (size_t r = 0; r < x->cells[i].nreps; r++)
			if (!x->cells[i].jobs[r].done)
				return 1;
	return 0;
}

int exp_point_report(struct experiment *x, size_t p, struct report *rep)
{
	size_t n = SIZE_MAX;
	for (size_t s = 0; s < x->ns; s++)
		if (exp_cell(x, p, s)->nreps < n)
			n = exp_cell(x, p, s)->nreps;
	struct runner_job *a = calloc(x->ns * (n ? n : 1), sizeof(*a));
	if (!a)
		return -1;
	for (size_t s = 0; s < x->ns; s++)
		for (size_t r = 0; r < n; r++)
			a[s * n + r] = exp_cell(x, p, s)->jobs[r];
	if (report_build(rep, x->pts[p], a, x->ns, n)) {
		free(a);
		return -1;
	}
	rep->owned_jobs = a;
	rep->provenance = x->provenance;
	return 0;
}

/* Progress over the whole experiment, not one batch. */
struct progress_tr {
	const struct exp_run_opts *o;
	size_t base, total;
};

static void progress_tr(void *ctx, size_t done, size_t total)
{
	struct progress_tr *t = ctx;
	(void)total;
	t->o->progress(t->o->progress_ctx, t->base + done, t->total);
}

static void tick_tr(void *ctx, size_t done, size_t total, double partial)
{
	struct progress_tr *t = ctx;
	(void)total;
	t->o->tick(t->o->tick_ctx, t->base + done, t->total, partial);
}

/* A job a signal cut short is not a result: clear it so that the job file
 * says not_run and nothing else, and a resume runs it again. */
static void forget_job(struct experiment *x, struct runner_job *j)
{
	j->done = 0;
	j->status = SIM_DONE;
	j->cap_reason = NULL;
	j->events = j->warmup_cut = 0;
	j->transient = j->transient_up = 0;
	for (size_t m = 0; m < x->nm; m++)
		j->metrics[m] = NAN;
	free(j->series);
	j->series = NULL;
	j->series_rows = j->series_cols = 0;
}

/* Where a batch job came from, for the per-job callback. */
struct job_origin {
	struct runner_job *job;    /* its cell's slot */
	size_t p, s, r;
};

struct finished_tr {
	const struct exp_run_opts *o;
	const struct job_origin *origin;
};

static void finished_tr(void *ctx, size_t i, const struct runner_job *j)
{
	const struct finished_tr *t = ctx;
	const struct job_origin *w = &t->origin[i];
	t->o->on_job(t->o->on_job_ctx, w->p, w->s, w->r, j);
}

/* The jobs not run yet (of this shard), copied into batch; *k of them. */
static void pending_jobs(struct experiment *x, const struct exp_run_opts *o,
			 struct runner_job *batch, struct job_origin *origin,
			 size_t *k, size_t *done_before)
{
	size_t idx = 0;
	*k = *done_before = 0;
	for (size_t p = 0; p < x->np; p++) {
		for (size_t s = 0; s < x->ns; s++) {
			struct exp_cell *c = exp_cell(x, p, s);
			for (size_t r = 0; r < c->nreps; r++, idx++) {
				if (c->jobs[r].done) {
					(*done_before)++;
					continue;
				}
				if (o->shard_n && idx % o->shard_n != o->shard_i - 1)
					continue;
				origin[*k] = (struct job_origin){ &c->jobs[r], p, s, r };
				batch[(*k)++] = c->jobs[r];
			}
		}
	}
}

int exp_run_pending(struct experiment *x, const struct exp_run_opts *o,
		    struct err *e)
{
	size_t n = exp_jobs(x), k, done_before;
	struct runner_job *batch = calloc(n ? n : 1, sizeof(*batch));
	struct job_origin *origin = calloc(n ? n : 1, sizeof(*origin));
	if (!batch || !origin) {
		free(batch);
		free(origin);
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	}
	pending_jobs(x, o, batch, origin, &k, &done_before);
	struct progress_tr tr = { o, done_before, n };
	struct finished_tr ft = { o, origin };
	runner_finished_fn fin = o->on_job ? finished_tr : NULL;
	if (mpi_active()) {
		mpi_run_jobs(batch, k, o->interrupt, fin, &ft);
	} else {
		struct runner_hooks h = {
			.progress = o->progress ? progress_tr : NULL,
			.progress_ctx = &tr, .tick = o->tick ? tick_tr : NULL,
			.tick_ctx = &tr, .finished = fin, .finished_ctx = &ft };
		runner_run_hooked(batch, k, o->threads, o->interrupt, &h);
	}
	for (size_t i = 0; i < k; i++) {
		struct runner_job *j = origin[i].job;
		*j = batch[i];
		if (j->cap_reason && !strcmp(j->cap_reason, "interrupted"))
			forget_job(x, j);
	}
	free(batch);
	free(origin);
	return 0;
}

/* The replications point p still needs for the precision target (0: none). */
static size_t more_reps(struct experiment *x, size_t p)
{
	const struct scenario *sc = x->base;
	if (sc->precision.metric < 0)
		return 0;
	struct report rep;
	size_t want = 0;
	if (exp_point_report(x, p, &rep))
		return 0;
	size_t nr = rep.nreps;
	int tight = 1;
	for (size_t s = 0; s < x->ns; s++) {
		const struct stat_summary *su =
			&rep.sum[s * x->nm + (size_t)sc->precision.metric];
		if (!(su->n >= 2 && isfinite(su->half) &&
		      su->half <= sc->precision.rel_half * fabs(su->mean)))
			tight = 0;
	}
	if (!tight && nr < sc->precision.max_reps) {
		size_t add = nr / 2 > 2 ? nr / 2 : 2;
		want = nr + add < sc->precision.max_reps ? nr + add
							 : sc->precision.max_reps;
	}
	report_fini(&rep);
	return want;
}

int exp_run(struct experiment *x, const struct exp_run_opts *o,
	    struct err *e)
{
	for (;;) {
		if (exp_run_pending(x, o, e))
			return e->status;
		if ((o->interrupt && *o->interrupt) || o->shard_n)
			break;
		int grew = 0;
		for (size_t p = 0; p < x->np; p++) {
			size_t want = more_reps(x, p);
			for (size_t s = 0; want && s < x->ns; s++) {
				if (exp_grow(x, p, s, want, e))
					return e->status;
				grew = 1;
			}
		}
		if (!grew)
			break;
	}
	x->interrupted = !o->shard_n && exp_incomplete(x);
	return 0;
}

int exp_resume_rounds(struct experiment *x, struct err *e)
{
	const struct scenario *sc = x->base;
	if (sc->precision.metric < 0)
		return 0;
	for (size_t p = 0; p < x->np; p++) {
		size_t have = 0, n = x->pts[p]->replications;
		for (size_t s = 0; s < x->ns; s++)
			if (exp_cell(x, p, s)->nreps > have)
				have = exp_cell(x, p, s)->nreps;
		while (n < have && n < sc->precision.max_reps) {
			size_t add = n / 2 > 2 ? n / 2 : 2;
			n = n + add < sc->precision.max_reps ? n + add
							     : sc->precision.max_reps;
		}
		for (size_t s = 0; s < x->ns; s++)
			if (exp_grow(x, p, s, n > have ? n : have, e))
				return e->status;
	}
	return 0;
}
