/* outdir.c - reading the JSON files of an output folder, and its lock
 * (outdir.h).
 *
 * The names themselves are macros in outdir.h; what lives here is the
 * reader side: load a JSON file with the YAML tree (libyaml in JSON mode)
 * and look values up by key.  Files are small next to the runs that made
 * them; a full tree per file is fine.  The lock is flock() on DIR/.lock,
 * released by the kernel when the process ends, however it ends (a
 * SIGKILL leaves no stale lock, only the file).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/outdir.h"

int outdir_json_load(const char *dir, const char *name, struct ytree **t,
		     struct err *e)
{
	char path[4200];
	struct stat st;
	*t = NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (stat(path, &st)) {
		if (errno == ENOENT)
			return 0;
		err_set(e, ERR_INPUT, path, 0, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	*t = ytree_load_json(path, e);
	if (!*t)
		return -1;
	/* A layout this bpfsim does not know is refused, not half read. */
	const struct ynode *v = ynode_peek(ytree_root(*t),
					   OUTDIR_KEY_FORMAT_VERSION);
	if (v) {
		const char *s = v->kind == YN_SCALAR && !v->quoted ? v->value : "";
		char *end;
		long n = strtol(s, &end, 10);
		if (!*s || *end || n < 1 || n > OUTDIR_FORMAT_VERSION) {
			err_set(e, ERR_INPUT, path, v->line, v->col,
				"format_version %s: this bpfsim reads versions 1 "
				"to %d (a newer bpfsim wrote it?)",
				*s ? s : "(not a number)", OUTDIR_FORMAT_VERSION);
			ytree_free(*t);
			*t = NULL;
			return -1;
		}
	}
	return 1;
}

const char *outdir_json_str(const struct ynode *map, const char *key)
{
	const struct ynode *n = map && map->kind == YN_MAP ? ynode_peek(map, key)
							   : NULL;
	return n && n->kind == YN_SCALAR ? n->value : NULL;
}

double outdir_json_num(const struct ynode *map, const char *key)
{
	const struct ynode *n = map && map->kind == YN_MAP ? ynode_peek(map, key)
							   : NULL;
	if (!n || n->kind != YN_SCALAR || n->quoted)
		return NAN;
	char *end;
	double v = strtod(n->value, &end);
	return end != n->value && !*end ? v : NAN;
}

const struct ynode *outdir_json_strategy(const struct ynode *map,
					 const char *strategy)
{
	const struct ynode *a = map && map->kind == YN_MAP
		? ynode_peek(map, OUTDIR_KEY_STRATEGIES) : NULL;
	for (size_t i = 0; a && a->kind == YN_SEQ && i < a->n; i++) {
		const char *s = outdir_json_str(a->items[i], OUTDIR_KEY_STRATEGY);
		if (s && !strcmp(s, strategy))
			return a->items[i];
	}
	return NULL;
}

/* The pid another writer left in the lock file, or 0. */
static long lock_holder(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

int outdir_lock(const char *dir, int *fd, struct err *e)
{
	char path[4200], pid[32];
	snprintf(path, sizeof(path), "%s/" OUTDIR_LOCK, dir);
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (*fd < 0)
		return err_set(e, ERR_RUNTIME, path, 0, 0, "cannot open: %s",
			       strerror(errno));
	if (flock(*fd, LOCK_EX | LOCK_NB)) {
		int busy = errno == EWOULDBLOCK;
		long holder = busy ? lock_holder(*fd) : 0;
		int saved = errno;
		close(*fd);
		*fd = -1;
		if (!busy)
			return err_set(e, ERR_RUNTIME, path, 0, 0, "cannot lock: %s",
				       strerror(saved));
		if (holder > 0)
			snprintf(pid, sizeof(pid), " (pid %ld)", holder);
		else
			pid[0] = 0;
		return err_set(e, ERR_INPUT, dir, 0, 0, "the folder is in use by "
			       "another bpfsim%s: one run per output folder; wait "
			       "for it to end or choose another --out", pid);
	}
	int len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(*fd, 0) || pwrite(*fd, pid, (size_t)len, 0) != len) {
		int saved = errno;
		outdir_unlock(*fd);
		*fd = -1;
		return err_set(e, ERR_RUNTIME, path, 0, 0, "cannot write: %s",
			       strerror(saved));
	}
	return 0;
}

void outdir_unlock(int fd)
{
	if (fd >= 0)
		close(fd);   /* closing the last descriptor releases the flock */
}
