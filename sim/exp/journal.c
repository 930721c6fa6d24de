/* journal.c - the job files appended to as jobs finish (journal.h).
 *
 * Each line is formatted into memory first (the job files' own line
 * writers, through open_memstream), then written with one write() per
 * line and fdatasync'd, so a line on disk is whole or is the torn last
 * line readers leave out.  O_APPEND keeps every write at the end whatever
 * the file's offset.  Appends take the journal's mutex, not the runner's:
 * a worker syncing its job does not stop the others from finishing theirs.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/exp/experiment_internal.h"
#include "sim/exp/journal.h"
#include "sim/outdir.h"

enum { J_JOBS, J_POINTS, J_SERIES, J_N };
static const char *const file_name[J_N] = {
	OUTDIR_JOBS_CSV, OUTDIR_JOB_POINTS_CSV, OUTDIR_JOB_SERIES_CSV,
};

struct journal {
	struct experiment *x;          /* borrowed */
	pthread_mutex_t lock;
	int fd[J_N];                   /* -1: not kept (series) */
	char path[J_N][4200];
	size_t np0;                    /* points at open: their own index */
	size_t next;                   /* next free index in job_points.csv */
	size_t *index;                 /* point np0 + i: its index + 1, 0: none
					  yet */
	size_t nindex;
	struct err err;                /* the first failed append */
};

/* Write all of buf, then fdatasync; -1 with errno set. */
static int write_synced(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return fdatasync(fd);
}

/* The line(s) an append writes, in memory. */
struct line {
	char *buf;
	size_t len;
	FILE *f;
};

static int line_begin(struct journal *jn, struct line *l)
{
	l->buf = NULL;
	l->len = 0;
	l->f = open_memstream(&l->buf, &l->len);
	if (!l->f)
		err_set(&jn->err, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	return l->f ? 0 : -1;
}

/* Write l to file k of the journal and free it; the first failure kept. */
static int line_end(struct journal *jn, struct line *l, int k)
{
	int rc = fclose(l->f);
	if (rc)
		err_set(&jn->err, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	else if (write_synced(jn->fd[k], l->buf, l->len))
		rc = err_set(&jn->err, ERR_RUNTIME, jn->path[k], 0, 0,
			     "cannot append a finished job: %s",
			     strerror(errno));
	free(l->buf);
	return rc;
}

/* Point p's index in this journal's job_points.csv, appending its line
 * the first time; SIZE_MAX on a failure (kept in jn->err). */
static size_t point_index(struct journal *jn, size_t p)
{
	if (p < jn->np0)
		return p;
	size_t i = p - jn->np0;
	if (i >= jn->nindex) {
		size_t n = i + 16;
		size_t *grown = realloc(jn->index, n * sizeof(*grown));
		if (!grown) {
			err_set(&jn->err, ERR_RUNTIME, NULL, 0, 0, "out of memory");
			return SIZE_MAX;
		}
		memset(grown + jn->nindex, 0, (n - jn->nindex) * sizeof(*grown));
		jn->index = grown;
		jn->nindex = n;
	}
	if (jn->index[i])
		return jn->index[i] - 1;
	struct line l;
	size_t pi = jn->next;
	if (line_begin(jn, &l))
		return SIZE_MAX;
	exp_job_point_line(l.f, pi, jn->x->settings[p]);
	if (line_end(jn, &l, J_POINTS))
		return SIZE_MAX;
	jn->next++;
	jn->index[i] = pi + 1;
	return pi;
}

/* Append job (p, s, r) under the lock: point, series, job. */
static void append(struct journal *jn, size_t p, size_t s, size_t r,
		   const struct runner_job *j)
{
	struct line l;
	size_t pi = point_index(jn, p);
	if (pi == SIZE_MAX)
		return;
	if (j->series && jn->fd[J_SERIES] >= 0) {
		if (line_begin(jn, &l))
			return;
		exp_job_series_line(jn->x, l.f, pi, s, r, j);
		if (line_end(jn, &l, J_SERIES))
			return;
	}
	if (line_begin(jn, &l))
		return;
	exp_job_line(jn->x, l.f, pi, s, r, j);
	line_end(jn, &l, J_JOBS);
}

void journal_job(void *ctx, size_t p, size_t s, size_t r,
		 const struct runner_job *j)
{
	struct journal *jn = ctx;
	if (!j->done)
		return;   /* cut short by a signal: not a result */
	pthread_mutex_lock(&jn->lock);
	if (!jn->err.status)
		append(jn, p, s, r, j);
	pthread_mutex_unlock(&jn->lock);
}

/* Open the snapshot's files for appending and sync them and the folder,
 * so that what journal_open wrote is on disk before any job is added. */
static int open_files(struct journal *jn, const char *dir, struct err *e)
{
	for (int k = 0; k < J_N; k++) {
		snprintf(jn->path[k], sizeof(jn->path[k]), "%s/%s", dir,
			 file_name[k]);
		if (k == J_SERIES && !exp_has_job_series(jn->x))
			continue;
		jn->fd[k] = open(jn->path[k], O_WRONLY | O_APPEND | O_CLOEXEC);
		if (jn->fd[k] < 0 || fdatasync(jn->fd[k]))
			return err_set(e, ERR_RUNTIME, jn->path[k], 0, 0,
				       "cannot open for appending: %s",
				       strerror(errno));
	}
	int d = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int bad = d < 0 || fsync(d);
	if (d >= 0)
		close(d);
	if (bad)
		return err_set(e, ERR_RUNTIME, dir, 0, 0, "cannot sync the "
			       "folder: %s", strerror(errno));
	return 0;
}

int journal_open(struct journal **out, struct experiment *x, const char *dir,
		 struct err *e)
{
	struct journal *jn = calloc(1, sizeof(*jn));
	*out = NULL;
	if (!jn)
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	jn->x = x;
	jn->np0 = x->np;
	err_init(&jn->err);
	pthread_mutex_init(&jn->lock, NULL);
	for (int k = 0; k < J_N; k++)
		jn->fd[k] = -1;
	if (exp_write_job_snapshot(x, dir, &jn->next, e) ||
	    open_files(jn, dir, e)) {
		journal_close(jn, NULL);
		return e->status;
	}
	*out = jn;
	return 0;
}

int journal_close(struct journal *jn, struct err *e)
{
	if (!jn)
		return 0;
	int rc = jn->err.status;
	if (rc && e && !e->status)
		*e = jn->err;
	for (int k = 0; k < J_N; k++)
		if (jn->fd[k] >= 0)
			close(jn->fd[k]);
	pthread_mutex_destroy(&jn->lock);
	free(jn->index);
	free(jn);
	return rc;
}
