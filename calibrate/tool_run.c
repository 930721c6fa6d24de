/* tool_run.c - step 1 of `bpfsim validate --tool`: a real libbpf-tools binary
 * measured under a load (validate_tool.h).
 *
 * Order, as validate_live.c: bpf_stats on (the BPF_ENABLE_STATS fd: the
 * tool's programs are counted while bpfsim holds it, whoever loaded them)
 * and the stats floor attached; the load started and left SETTLE_S; the
 * tool started; its programs found; the workload probes attached beside
 * it; the window; everything stopped in reverse.
 *
 * Finding the programs: every fd a process holds on a BPF program (the
 * program itself, or a link to it) shows `prog_id:` in
 * /proc/PID/fdinfo/FD (the kernel's bpf_prog_show_fdinfo and
 * bpf_link_show_fdinfo), the way bpftool's pid iterator finds owners
 * without one.  Each id is opened (bpf_prog_get_fd_by_id) and matched by
 * the name the kernel keeps (bpf_prog_info.name, 15 characters).  The
 * tool counts as running once every program it attaches by default is
 * found and one of them has run (libbpf-tools load all, then attach).
 *
 * Leaving the host as found: the child asks for SIGKILL when bpfsim dies
 * (PR_SET_PDEATHSIG), so its programs go with it; on every path the tool
 * gets SIGINT (its own handler detaches and exits), SIGKILL after
 * VT_STOP_S; then our fds are closed and each id polled until the kernel
 * has freed the program (bpf_prog_put defers the free past an RCU grace
 * period) - an id still there after 3 s is an error.  tracefs, when a
 * tool needs it and it was not mounted, is mounted on /sys/kernel/tracing
 * for the run and unmounted after.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "calibrate/live.h"
#include "calibrate/loadgen.h"
#include "calibrate/validate_tool.h"

#define SETTLE_S 0.5           /* load running before the tool starts */
#define FIND_TIMEOUT_S 30.0    /* the tool loading its programs (BTF, CO-RE) */
#define GONE_TIMEOUT_S 3.0     /* a program freed after its last fd */

/* ---- the tool's process ------------------------------------------------ */

static pid_t tool_start(const char *bin, const struct vt_tool *t,
			const char *logpath, struct err *e)
{
	int log = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (log < 0)
		return err_set(e, ERR_RUNTIME, logpath, 0, 0, "cannot create: %s",
			       strerror(errno)), -1;
	pid_t parent = getpid();
	fflush(NULL);
	pid_t c = fork();
	if (c == 0) {
		char *argv[8] = { (char *)bin };
		size_t n = 1;
		for (size_t i = 0; t->args[i] && n < 7; i++)
			argv[n++] = (char *)t->args[i];
		argv[n] = NULL;
		int nul = open("/dev/null", O_RDONLY);
		if (nul >= 0)
			dup2(nul, 0);
		dup2(log, 1);
		dup2(log, 2);
		/* No BPF fd of ours (stats, floor, probes) may reach it. */
		if (close_range(3, ~0U, 0))
			for (int fd = 3; fd < 4096; fd++)
				close(fd);
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		if (getppid() != parent)
			_exit(127);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execv(bin, argv);
		_exit(127);
	}
	int err = errno;
	close(log);
	if (c < 0)
		return err_set(e, ERR_RUNTIME, "bpfsim validate", 0, 0,
			       "cannot fork: %s", strerror(err)), -1;
	return c;
}

/* SIGINT, then SIGKILL after VT_STOP_S; reaps.  Returns the wait status. */
static int tool_stop(pid_t pid)
{
	int st = 0;
	if (pid <= 0)
		return 0;
	kill(pid, SIGINT);
	double t0 = live_now();
	while (waitpid(pid, &st, WNOHANG) == 0) {
		if (live_now() - t0 > VT_STOP_S) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			break;
		}
		usleep(10000);
	}
	return st;
}

/* The last lines of the tool's log, for an error message. */
static void log_tail(const char *path, char *buf, size_t size)
{
	buf[0] = 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char line[256];
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (line[0])
			snprintf(buf, size, "%s", line);
	}
	fclose(f);
}

/* Program ids the process holds (fdinfo prog_id), deduplicated. */
static size_t held_ids(pid_t pid, uint32_t *ids, size_t max)
{
	char path[64], line[128];
	size_t n = 0;
	snprintf(path, sizeof(path), "/proc/%d/fdinfo", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return 0;
	struct dirent *de;
	while ((de = readdir(d)) && n < max) {
		if (de->d_name[0] == '.')
			continue;
		char p[320];
		snprintf(p, sizeof(p), "%s/%s", path, de->d_name);
		FILE *f = fopen(p, "r");
		if (!f)
			continue;
		unsigned id;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "prog_id: %u", &id) == 1) {
				size_t k = 0;
				while (k < n && ids[k] != id)
					k++;
				if (k == n && n < max)
					ids[n++] = id;
			}
		fclose(f);
	}
	closedir(d);
	return n;
}

/* Match the process's programs to t's table: fds[k] opened (-1: not
 * found).  Returns how many of the default-attached ones are found. */
static size_t find_progs(pid_t pid, const struct vt_tool *t, int *fds,
			 struct vt_measured *m)
{
	uint32_t ids[64];
	size_t n = held_ids(pid, ids, 64), have = 0;
	for (size_t i = 0; i < n; i++) {
		int fd = bpf_prog_get_fd_by_id(ids[i]);
		char name[32];
		uint32_t id, type;
		if (fd < 0)
			continue;
		int used = 0;
		if (!live_prog_info(fd, name, sizeof(name), &id, &type))
			for (size_t k = 0; k < t->nprogs; k++)
				/* The kernel keeps BPF_OBJ_NAME_LEN - 1 = 15
				 * characters ("sched_wakeup_ne"). */
				if (fds[k] < 0 &&
				    !strncmp(name, t->prog[k].kname, 15) &&
				    strlen(name) == strnlen(t->prog[k].kname, 15)) {
					fds[k] = fd;
					m->id[k] = id;
					used = 1;
					break;
				}
		if (!used)
			close(fd);
	}
	for (size_t k = 0; k < t->nprogs; k++)
		have += fds[k] >= 0 && t->prog[k].attached;
	return have;
}

static size_t nattached(const struct vt_tool *t)
{
	size_t n = 0;
	for (size_t k = 0; k < t->nprogs; k++)
		n += t->prog[k].attached != 0;
	return n;
}

/* After our fds are closed: 0 when every id is gone, else the first left. */
static uint32_t left_loaded(const struct vt_measured *m, size_t nprogs)
{
	double t0 = live_now();
	for (;;) {
		uint32_t left = 0;
		for (size_t k = 0; k < nprogs && !left; k++) {
			if (!m->id[k])
				continue;
			int fd = bpf_prog_get_fd_by_id(m->id[k]);
			if (fd >= 0) {
				close(fd);
				left = m->id[k];
			}
		}
		if (!left || live_now() - t0 > GONE_TIMEOUT_S)
			return left;
		usleep(20000);
	}
}

int validate_tool_measure(const struct calib_opts *o, const struct vt_tool *t,
			  const char *calfile, const char *logpath, FILE *rep,
			  struct vt_measured *m, struct err *e)
{
	struct live_features f;
	struct live_stats st = { .fd = -1 };
	struct live_floor fl = { .fd = -1 };
	struct loadgen g;
	struct workload_session *ws = NULL;
	int fds[VT_MAXPROGS];
	char bin[512], tail[256];
	pid_t pid = -1;
	int rc, intr = 0;

	memset(m, 0, sizeof(*m));
	m->oncpu = NAN;
	memset(&g, 0, sizeof(g));
	for (size_t k = 0; k < VT_MAXPROGS; k++)
		fds[k] = -1;
	if (!vt_binary(t, bin, sizeof(bin)))
		return err_set(e, ERR_RUNTIME, "bpfsim validate", 0, 0,
			       "%s is not installed (looked in %s): install "
			       "Debian's libbpf-tools (make deps)", t->bin, bin);
	if ((rc = live_init(o, &f, e)))
		return rc;
	if (!f.tp_btf)
		return err_set(e, ERR_RUNTIME, "bpfsim validate", 0, 0,
			       "this kernel refuses tp_btf programs (%s): the "
			       "libbpf-tools binaries would take their raw_tp "
			       "copies, which the descriptions do not model",
			       live_errno_name(f.tp_btf_errno));
	m->cpus = f.cpus > 0 ? f.cpus : 1;
	if (t->tracefs &&
	    (rc = live_tracefs_mount(&m->tracefs_mounted, "bpfsim validate", e)))
		goto out;
	if ((rc = live_stats_on(&st, e)) || (rc = live_floor_start(&fl, 0, e)))
		goto out;
	if (live_load_start(o, &o->load, &g, "bpfsim validate", e)) {
		rc = e->status;
		goto out;
	}
	if (live_wait(o, SETTLE_S, "load settling", NULL, NULL))
		goto out;
	if ((pid = tool_start(bin, t, logpath, e)) < 0) {
		rc = e->status;
		goto out;
	}
	m->pid = (int)pid;
	/* Until its programs are loaded and attached (or it fails). */
	double t0 = live_now();
	size_t want = nattached(t);
	for (;;) {
		int st_;
		if (waitpid(pid, &st_, WNOHANG) == pid) {
			pid = -1;
			log_tail(logpath, tail, sizeof(tail));
			rc = err_set(e, ERR_RUNTIME, "bpfsim validate", 0, 0,
				     "%s exited before its programs ran (%s %d): "
				     "%s (the whole output: %s)", bin,
				     WIFSIGNALED(st_) ? "signal" : "status",
				     WIFSIGNALED(st_) ? WTERMSIG(st_)
						      : WEXITSTATUS(st_),
				     tail[0] ? tail : "no output", logpath);
			goto out;
		}
		if (find_progs(pid, t, fds, m) == want) {
			uint64_t ran = 0;
			for (size_t k = 0; k < t->nprogs; k++) {
				struct live_progstat ps = { 0 };
				if (fds[k] >= 0 && !live_prog_stat(fds[k], &ps))
					ran += ps.runs;
			}
			if (ran)
				break;
		}
		if (live_now() - t0 > FIND_TIMEOUT_S) {
			rc = err_set(e, ERR_RUNTIME, "bpfsim validate", 0, 0,
				     "%s did not load and run its %zu program(s) "
				     "within %.0f s (see %s)", bin, want,
				     FIND_TIMEOUT_S, logpath);
			goto out;
		}
		if (calib_interrupted(o))
			goto out;
		usleep(50000);
	}
	if ((rc = workload_begin(&f, 0, "tp_btf", fl.fd, &ws, e)))
		goto out;
	struct live_progstat a[VT_MAXPROGS], b[VT_MAXPROGS], fa = { 0 },
			     fb = { 0 };
	struct live_cpustat c0, c1;
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	for (size_t k = 0; k < t->nprogs; k++)
		if (fds[k] >= 0)
			live_prog_stat(fds[k], &a[k]);
	live_prog_stat(fl.fd, &fa);
	live_cpustat_read(&c0);
	double w0 = live_now();
	char what[96];
	snprintf(what, sizeof(what), "measuring %s", t->name);
	intr = live_wait(o, o->duration_ns * 1e-9, what, NULL, NULL);
	m->elapsed = live_now() - w0;
	live_cpustat_read(&c1);
	for (size_t k = 0; k < t->nprogs; k++)
		if (fds[k] >= 0)
			live_prog_stat(fds[k], &b[k]);
	live_prog_stat(fl.fd, &fb);
	if (!intr) {
		struct calib_opts wo = *o;
		wo.out = calfile;
		fprintf(rep, "==== %s, %s's window: the workload\n",
			o->load_text ? o->load_text : "load", t->name);
		rc = workload_end(ws, &wo, NULL, &st, rep, e);
	}
	for (size_t k = 0; k < t->nprogs; k++) {
		m->runs[k] = (double)(b[k].runs - a[k].runs);
		m->run_ns[k] = (double)(b[k].run_ns - a[k].run_ns);
		m->misses[k] = (double)(b[k].misses - a[k].misses);
	}
	m->floor = fb.runs > fa.runs ? (double)(fb.run_ns - fa.run_ns) /
				       (double)(fb.runs - fa.runs) : 0;
	m->busy = c1.busy - c0.busy;
	m->idle = c1.idle - c0.idle;
	m->steal = c1.steal - c0.steal;
out:
	workload_free(ws);
	if (pid > 0) {
		int ws_ = tool_stop(pid);
		if (!rc && !intr && WIFSIGNALED(ws_) && WTERMSIG(ws_) == SIGKILL)
			fprintf(rep, "%s ignored SIGINT for %.0f s: killed\n",
				t->name, VT_STOP_S);
	}
	for (size_t k = 0; k < VT_MAXPROGS; k++)
		if (fds[k] >= 0)
			close(fds[k]);
	uint32_t left = left_loaded(m, t->nprogs);
	loadgen_stop(&g);
	for (size_t i = 0; i < g.n && i < 4; i++)
		m->load_done[i] = (double)g.done[i];
	live_floor_stop(&fl);
	live_stats_off(&st);
	live_tracefs_unmount(&m->tracefs_mounted, "bpfsim validate");
	if (left && !rc)
		rc = err_set(e, ERR_RUNTIME, "bpfsim validate", 0, 0,
			     "program id %u of %s is still loaded %.0f s after "
			     "the tool exited", left, t->name, GONE_TIMEOUT_S);
	return rc;
}
