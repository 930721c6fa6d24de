/* runner.c - a fixed pool of pthreads over an atomic job counter.
 *
 * Nothing is shared between jobs but the immutable model config; each job
 * builds its own struct sim.  The progress callback runs under a mutex so
 * callers can print without their own locking.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim/exp/runner.h"
#include "sim/err.h"

struct pool {
	struct runner_job *jobs;
	size_t n;
	atomic_size_t next;
	size_t finished;
	volatile int *interrupt;
	struct runner_hooks h;
	pthread_mutex_t lock;
	pthread_cond_t quit;       /* signalled as each worker returns */
	unsigned alive;            /* workers still running (under lock) */
	atomic_size_t cur[256];    /* per worker: its job + 1, 0 when none */
	atomic_uint nworkers;      /* worker slots handed out */
};

void runner_jobs_release(struct runner_job *jobs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(jobs[i].series);
		jobs[i].series = NULL;
	}
}

unsigned runner_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

static void run_one(struct runner_job *j, volatile int *interrupt)
{
	struct sim s;
	if (sim_init(&s, j->model, j->seed, j->rep, j->end, &j->caps)) {
		j->status = SIM_FAILED;
		snprintf(j->error, sizeof(j->error), "out of memory");
		j->done = 1;
		return;
	}
	s.interrupt = interrupt;
	s.progress_now = &j->sim_now;
	struct sim_series_cfg scfg = j->scfg;
	scfg.warmup = 0;
	if (j->steady.warmup == WARMUP_MSER5)
		scfg.warmup = SIM_WARMUP_LATER;
	else if (j->steady.warmup == WARMUP_FIXED && scfg.window)
		scfg.warmup = (j->steady.warmup_ns + scfg.window - 1) /
			      scfg.window * scfg.window;
	sim_set_series(&s, &scfg);
	j->status = sim_run(&s, j->cfg, j->metrics);
	enum regime regime;
	steady_analyse(&s, &j->steady, j->metrics, &j->warmup_cut, &regime,
		       &j->transient, &j->transient_up);
	j->status = s.status;
	j->regime = (int)regime;
	if (j->keep_series && s.has_series && s.series.nrows) {
		size_t bytes = s.series.nrows * s.series.ncols * sizeof(double);
		j->series = malloc(bytes);
		if (j->series) {
			memcpy(j->series, s.series.rows, bytes);
			j->series_rows = s.series.nrows;
			j->series_cols = s.series.ncols;
			j->series_window = s.series.window;
		}
	}
	j->cap_reason = s.cap_reason;
	j->events = s.events;
	j->wall = s.wall;
	if (j->status == SIM_FAILED) {
		char buf[sizeof(j->error)];
		err_format(&s.err, buf, sizeof(buf));
		snprintf(j->error, sizeof(j->error), "%s", buf);
	}
	/* A run cut short by a signal is not a result: leave it "not run". */
	j->done = !(j->status == SIM_CAPPED && s.cap_reason &&
		    !strcmp(s.cap_reason, "interrupted"));
	sim_fini(&s);
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	unsigned w = atomic_fetch_add(&p->nworkers, 1);
	for (;;) {
		if (p->interrupt && *p->interrupt)
			break;
		size_t i = atomic_fetch_add(&p->next, 1);
		if (i >= p->n)
			break;
		if (w < 256)
			atomic_store(&p->cur[w], i + 1);
		run_one(&p->jobs[i], p->interrupt);
		if (w < 256)
			atomic_store(&p->cur[w], 0);
		if (p->h.finished)
			p->h.finished(p->h.finished_ctx, i, &p->jobs[i]);
		pthread_mutex_lock(&p->lock);
		p->finished++;
		if (p->h.progress)
			p->h.progress(p->h.progress_ctx, p->finished, p->n);
		pthread_mutex_unlock(&p->lock);
	}
	pthread_mutex_lock(&p->lock);
	p->alive--;
	pthread_cond_signal(&p->quit);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* The running jobs' share of their simulated time (runner_tick_fn). */
static double partial(struct pool *p)
{
	double sum = 0;
	unsigned nw = atomic_load(&p->nworkers);
	for (unsigned w = 0; w < nw && w < 256; w++) {
		size_t i = atomic_load(&p->cur[w]);
		if (!i)
			continue;
		const struct runner_job *j = &p->jobs[i - 1];
		uint64_t now = __atomic_load_n(&j->sim_now, __ATOMIC_RELAXED);
		if (j->end && j->end != UINT64_MAX)
			sum += now >= j->end ? 1.0 : (double)now / (double)j->end;
	}
	return sum;
}

/* On the calling thread while the workers run: tick about once a second
 * until the last worker has returned. */
static void tick_until_done(struct pool *p)
{
	pthread_mutex_lock(&p->lock);
	while (p->alive) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&p->quit, &p->lock, &ts);
		if (p->alive)
			p->h.tick(p->h.tick_ctx, p->finished, p->n, partial(p));
	}
	pthread_mutex_unlock(&p->lock);
}

int runner_run(struct runner_job *jobs, size_t n, unsigned threads,
	       volatile int *interrupt, runner_progress_fn progress, void *ctx)
{
	struct runner_hooks h = { .progress = progress, .progress_ctx = ctx };
	return runner_run_hooked(jobs, n, threads, interrupt, &h);
}

int runner_run_hooked(struct runner_job *jobs, size_t n, unsigned threads,
		      volatile int *interrupt, const struct runner_hooks *h)
{
	struct pool p = { .jobs = jobs, .n = n, .interrupt = interrupt };
	if (h)
		p.h = *h;
	atomic_init(&p.next, 0);
	atomic_init(&p.nworkers, 0);
	for (size_t w = 0; w < 256; w++)
		atomic_init(&p.cur[w], 0);
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.quit, NULL);
	if (threads == 0)
		threads = runner_default_threads();
	if (threads > n)
		threads = n ? (unsigned)n : 1;
	int rc = 0;
	if (threads <= 1 && !p.h.tick) {
		p.alive = 1;
		worker(&p);
	} else {
		pthread_t tid[256];
		unsigned started = 0;
		if (threads > 256)
			threads = 256;
		p.alive = threads;   /* before any worker can return */
		for (; started < threads; started++)
			if (pthread_create(&tid[started], NULL, worker, &p))
				break;
		pthread_mutex_lock(&p.lock);
		p.alive -= threads - started;   /* the ones never started */
		pthread_mutex_unlock(&p.lock);
		if (started == 0) {
			rc = -1;
			p.alive = 1;
			worker(&p);
		} else if (p.h.tick) {
			tick_until_done(&p);
		}
		for (unsigned i = 0; i < started; i++)
			pthread_join(tid[i], NULL);
	}
	pthread_cond_destroy(&p.quit);
	pthread_mutex_destroy(&p.lock);
	return rc;
}
