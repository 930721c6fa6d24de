/* loadgen.c - spawn, sleeper and system-call loads in child processes (see loadgen.h).
 *
 * Pacing: the spawner sleeps to absolute deadlines (clock_nanosleep
 * TIMER_ABSTIME) drawn as a Poisson process; when fork() falls behind by
 * more than 100 ms it drops the backlog instead of bursting, so a host that
 * cannot keep up gets the most it can take, never a storm.  The report the
 * parent reads is one uint64_t (spawns or wake-ups done) on a pipe.
 *
 * Children never return into bpfsim: they _exit(), so no atexit handler,
 * stdio buffer or sanitizer report of the parent runs twice.
 */
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "calibrate/loadgen.h"
#include "sim/units.h"

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- parsing ------------------------------------------------------------ */

static int bad(char *why, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int bad(char *why, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, n, fmt, ap);
	va_end(ap);
	return -1;
}

static int parse_part(char *t, struct loadgen_part *p, char *why, size_t n)
{
	char *a = strchr(t, ':'), *b = NULL, r[160];
	double v;
	memset(p, 0, sizeof(*p));
	if (a) {
		*a++ = 0;
		b = strchr(a, ':');
		if (b)
			*b++ = 0;
	}
	if (!strcmp(t, "spawn")) {
		p->kind = LOAD_SPAWN;
		p->work_ns = 50e3;
		if (!a || units_parse_rate(a, &v, r, sizeof(r)) || !(v > 0) ||
		    v > 1e6)
			return bad(why, n, "spawn:RATE needs a rate in (0, 1M]/s "
				   "(got '%s')", a ? a : "");
		p->rate = v;
		if (b && (units_parse_duration(b, &p->work_ns, r, sizeof(r)) ||
			  p->work_ns < 0 || p->work_ns > 1e9))
			return bad(why, n, "spawn:RATE:WORK needs a CPU time per "
				   "process in [0, 1s] (got '%s')", b);
		return 0;
	}
	if (!strcmp(t, "sleepers")) {
		p->kind = LOAD_SLEEPERS;
		p->rate = 20000;
		p->work_ns = 2e3;
		if (!a || units_parse_number(a, &v, r, sizeof(r)) || v < 1 ||
		    v > LOADGEN_MAX_SLEEPERS || v != floor(v))
			return bad(why, n, "sleepers:N needs a whole number of "
				   "threads in 1..65536 (got '%s')", a ? a : "");
		p->n = (unsigned)v;
		if (b && (units_parse_rate(b, &p->rate, r, sizeof(r)) ||
			  !(p->rate > 0) || p->rate > 1e7))
			return bad(why, n, "sleepers:N:RATE needs wake-ups per "
				   "second in (0, 10M] (got '%s')", b);
		return 0;
	}
	if (!strcmp(t, "syscalls")) {
		p->kind = LOAD_SYSCALLS;
		p->n = 1;
		if (!a || units_parse_rate(a, &v, r, sizeof(r)) || !(v > 0) ||
		    v > 5e6)
			return bad(why, n, "syscalls:RATE needs a rate in (0, 5M]/s "
				   "(got '%s')", a ? a : "");
		p->rate = v;
		if (b && (units_parse_number(b, &v, r, sizeof(r)) || v < 1 ||
			  v > 64 || v != floor(v)))
			return bad(why, n, "syscalls:RATE:THREADS needs a whole "
				   "number of threads in 1..64 (got '%s')", b);
		if (b)
			p->n = (unsigned)v;
		return 0;
	}
	return bad(why, n, "unknown load '%s' (expected spawn:RATE, "
		   "sleepers:N, syscalls:RATE or none)", t);
}

int loadgen_parse(const char *text, struct loadgen_spec *s, char *why,
		  size_t whylen)
{
	char buf[256], *save = NULL;
	memset(s, 0, sizeof(*s));
	if (!text || !strcmp(text, "none") || !text[0])
		return 0;
	if (snprintf(buf, sizeof(buf), "%s", text) >= (int)sizeof(buf))
		return bad(why, whylen, "load '%.40s...' is too long", text);
	for (char *t = strtok_r(buf, "+", &save); t;
	     t = strtok_r(NULL, "+", &save)) {
		if (s->nparts == LOADGEN_MAX_PARTS)
			return bad(why, whylen, "at most %d loads joined with '+' "
				   "(got '%s')", LOADGEN_MAX_PARTS, text);
		if (parse_part(t, &s->part[s->nparts], why, whylen))
			return -1;
		s->nparts++;
	}
	return 0;
}

char *loadgen_format(const struct loadgen_spec *s, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = 0;
	if (s->nparts == 0)
		snprintf(buf, size, "none");
	for (size_t i = 0; i < s->nparts && len < size; i++) {
		const struct loadgen_part *p = &s->part[i];
		char w[48];
		units_format_duration(p->work_ns, w, sizeof(w));
		int k = p->kind == LOAD_SPAWN
			? snprintf(buf + len, size - len, "%sspawn:%g/s:%s",
				   i ? "+" : "", p->rate, w)
			: p->kind == LOAD_SYSCALLS
			? snprintf(buf + len, size - len, "%ssyscalls:%g/s:%u",
				   i ? "+" : "", p->rate, p->n)
			: snprintf(buf + len, size - len, "%ssleepers:%u:%g/s",
				   i ? "+" : "", p->n, p->rate);
		if (k < 0)
			break;
		len += (size_t)k;
	}
	return buf;
}

const char *loadgen_unit(enum loadgen_kind k)
{
	return k == LOAD_SPAWN ? "spawns" : k == LOAD_SYSCALLS ? "system calls"
							       : "wake-ups";
}

/* ---- the children ------------------------------------------------------ */

/* Set by SIGTERM/SIGINT in a load generator child (never in bpfsim itself:
 * children only).  A signal handler can reach nothing else. */
static volatile sig_atomic_t child_stop;

static void on_term(int sig)
{
	(void)sig;
	child_stop = 1;
}

/* Burn ns of CPU (CLOCK_THREAD_CPUTIME_ID would count only our own time;
 * wall time is what a real short task occupies the CPU for when it is not
 * preempted, and keeps this cheap). */
static void burn(double ns)
{
	if (ns <= 0)
		return;
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	do
		clock_gettime(CLOCK_MONOTONIC, &b);
	while ((double)(b.tv_sec - a.tv_sec) * 1e9 +
	       (double)(b.tv_nsec - a.tv_nsec) < ns);
}

static void ts_add(struct timespec *t, double s)
{
	double ns = (double)t->tv_nsec + s * 1e9;
	long sec = (long)floor(ns / 1e9);
	t->tv_sec += sec;
	t->tv_nsec = (long)(ns - (double)sec * 1e9);
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

/* A tiny xorshift for exponential gaps: the child needs no GSL state. */
static double uniform01(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return ((double)(*s >> 11) + 0.5) / 9007199254740992.0;
}

static void ready(int wfd)
{
	char r = 'R';
	ssize_t w = write(wfd, &r, 1);
	(void)w;
}

static uint64_t run_spawner(const struct loadgen_part *p, int wfd)
{
	/* Children are reaped here (not SIGCHLD ignored): a reaped child's
	 * CPU time is added to ours, so getrusage(RUSAGE_CHILDREN) in bpfsim
	 * covers the whole load (bpfsim validate reports it). */
	uint64_t rs = (uint64_t)getpid() * 0x9E3779B97F4A7C15ull | 1, n = 0;
	struct timespec next, now;
	clock_gettime(CLOCK_MONOTONIC, &next);
	ready(wfd);
	while (!child_stop) {
		ts_add(&next, -log(uniform01(&rs)) / p->rate);
		clock_gettime(CLOCK_MONOTONIC, &now);
		double behind = (double)(now.tv_sec - next.tv_sec) +
				(double)(now.tv_nsec - next.tv_nsec) * 1e-9;
		if (behind > 0.1)
			next = now;      /* drop the backlog: no bursts */
		else if (behind < 0 &&
			 clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next,
					 NULL) == EINTR)
			continue;
		if (child_stop)
			break;
		pid_t c = fork();
		if (c == 0) {
			burn(p->work_ns);
			_exit(0);
		}
		if (c > 0)
			n++;
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
	/* Wait for the last children (ECHILD once there are none). */
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return n;
}

struct sleeper_arg {
	double period_s, work_ns;
	uint64_t wakeups;
	unsigned idx;
};

static void *sleeper(void *arg)
{
	struct sleeper_arg *a = arg;
	uint64_t rs = ((uint64_t)a->idx + 1) * 0x9E3779B97F4A7C15ull | 1;
	struct timespec next;
	clock_gettime(CLOCK_MONOTONIC, &next);
	/* Spread the first wake-ups over one period. */
	ts_add(&next, a->period_s * uniform01(&rs));
	while (!child_stop) {
		if (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL))
			continue;
		burn(a->work_ns);
		a->wakeups++;
		ts_add(&next, a->period_s * (0.5 + uniform01(&rs)));
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > next.tv_sec + 1)
			next = now;
	}
	return NULL;
}

static uint64_t run_sleepers(const struct loadgen_part *p, int wfd)
{
	pthread_attr_t at;
	pthread_t *th = calloc(p->n, sizeof(*th));
	struct sleeper_arg *args = calloc(p->n, sizeof(*args));
	unsigned started = 0;
	uint64_t n = 0;
	if (!th || !args)
		_exit(1);
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);   /* 1 us: wake on time */
	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, 64 * 1024);
	for (unsigned i = 0; i < p->n && !child_stop; i++) {
		args[i].period_s = (double)p->n / p->rate;
		args[i].work_ns = p->work_ns;
		args[i].idx = i;
		if (pthread_create(&th[i], &at, sleeper, &args[i]))
			break;
		started++;
	}
	ready(wfd);
	/* SIGTERM may land on any thread: poll the flag it sets. */
	while (!child_stop)
		usleep(10000);
	/* Interrupt every sleep (the handler only sets the flag). */
	for (unsigned i = 0; i < started; i++)
		pthread_kill(th[i], SIGTERM);
	for (unsigned i = 0; i < started; i++) {
		pthread_join(th[i], NULL);
		n += args[i].wakeups;
	}
	return n;
}

/* One syscalls thread: every SYSCALL_TICK_S a batch of getppid(2) calls
 * (the kernel's cheapest real system call: sys_getppid reads one pointer
 * under RCU, so the cost measured around it is the tracepoints' and the
 * probes'), then a sleep to the next absolute tick.  Behind by more than
 * 100 ms, the backlog is dropped as the spawner does. */
#define SYSCALL_TICK_S 1e-3
struct sys_arg {
	double rate;            /* this thread's calls per second */
	uint64_t calls;
};

static void *syscaller(void *arg)
{
	struct sys_arg *a = arg;
	struct timespec next, now;
	double owed = 0;
	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!child_stop) {
		ts_add(&next, SYSCALL_TICK_S);
		if (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL))
			continue;
		owed += a->rate * SYSCALL_TICK_S;
		for (; owed >= 1 && !child_stop; owed -= 1) {
			syscall(SYS_getppid);
			a->calls++;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((double)(now.tv_sec - next.tv_sec) +
		    (double)(now.tv_nsec - next.tv_nsec) * 1e-9 > 0.1)
			next = now;
	}
	return NULL;
}

static uint64_t run_syscalls(const struct loadgen_part *p, int wfd)
{
	pthread_t th[64];
	struct sys_arg args[64];
	unsigned started = 0;
	uint64_t n = 0;
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	for (unsigned i = 0; i < p->n && i < 64 && !child_stop; i++) {
		args[i].rate = p->rate / p->n;
		args[i].calls = 0;
		if (pthread_create(&th[i], NULL, syscaller, &args[i]))
			break;
		started++;
	}
	ready(wfd);
	while (!child_stop)
		usleep(10000);
	for (unsigned i = 0; i < started; i++)
		pthread_kill(th[i], SIGTERM);
	for (unsigned i = 0; i < started; i++) {
		pthread_join(th[i], NULL);
		n += args[i].calls;
	}
	return n;
}

static void child_main(const struct loadgen_part *p, int wfd, pid_t parent)
{
	/* No inherited descriptor may keep a BPF object alive. */
	if (close_range(3, (unsigned)wfd - 1, 0) ||
	    close_range((unsigned)wfd + 1, ~0U, 0)) {
		long max = sysconf(_SC_OPEN_MAX);
		for (int fd = 3; fd < (max > 0 ? max : 65536); fd++)
			if (fd != wfd)
				close(fd);
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() != parent)
		_exit(0);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	uint64_t n = p->kind == LOAD_SPAWN ? run_spawner(p, wfd)
		   : p->kind == LOAD_SYSCALLS ? run_syscalls(p, wfd)
		   : run_sleepers(p, wfd);
	ssize_t w = write(wfd, &n, sizeof(n));
	(void)w;
	_exit(0);
}

int loadgen_start(const struct loadgen_spec *s, struct loadgen *g)
{
	memset(g, 0, sizeof(*g));
	g->t0 = mono_s();
	for (size_t i = 0; i < s->nparts; i++) {
		int pfd[2];
		if (pipe(pfd))
			goto fail;
		fflush(NULL);
		pid_t parent = getpid();
		pid_t c = fork();
		if (c < 0) {
			int err = errno;
			close(pfd[0]);
			close(pfd[1]);
			errno = err;
			goto fail;
		}
		if (c == 0) {
			close(pfd[0]);
			child_main(&s->part[i], pfd[1], parent);
		}
		close(pfd[1]);
		g->pid[g->n] = c;
		g->fd[g->n] = pfd[0];
		g->n++;
	}
	/* Wait until every part runs (threads created, first fork due). */
	for (size_t i = 0; i < g->n; i++) {
		struct pollfd pf = { .fd = g->fd[i], .events = POLLIN };
		char r;
		if (poll(&pf, 1, 30000) != 1 || read(g->fd[i], &r, 1) != 1) {
			errno = ECHILD;
			goto fail;
		}
	}
	g->t0 = mono_s();
	return 0;
fail:;
	int err = errno;
	loadgen_stop(g);
	errno = err;
	return -1;
}

void loadgen_stop(struct loadgen *g)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->pid[i] > 0)
			kill(g->pid[i], SIGTERM);
	for (size_t i = 0; i < g->n; i++) {
		if (g->pid[i] <= 0)
			continue;
		int st;
		double t0 = mono_s();
		while (waitpid(g->pid[i], &st, WNOHANG) == 0) {
			if (mono_s() - t0 > 2.0) {
				kill(g->pid[i], SIGKILL);
				waitpid(g->pid[i], &st, 0);
				break;
			}
			usleep(2000);
		}
		uint64_t n = 0;
		if (read(g->fd[i], &n, sizeof(n)) == (ssize_t)sizeof(n))
			g->done[i] = n;
		close(g->fd[i]);
		g->pid[i] = 0;
	}
	if (g->n && g->elapsed == 0)
		g->elapsed = mono_s() - g->t0;
}
