/* live.c - privileges, feature probes, libbpf log, bpf_stats, stats floor,
 * per-CPU reads, the measuring loop and result tables (see live.h).
 *
 * Feature probes load the smallest possible program of each kind (r0 = 0;
 * exit) with bpf_prog_load() and close it at once: a probe that fails
 * leaves nothing behind, and the errno it got is what the user is told.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "calibrate/calfile.h"
#include "calibrate/fit.h"
#include "calibrate/floor.h"
#include "floor.skel.h"
#include "calibrate/live.h"
#include "sim/units.h"

const char *calib_missing(void)
{
	return NULL;   /* built with BPF support */
}

/* ---- libbpf's messages -------------------------------------------------- */

#define LOG_SIZE 16384
static char log_buf[LOG_SIZE];     /* the one global: see live.h */
static size_t log_len;
static int log_echo;

static int log_print(enum libbpf_print_level level, const char *fmt,
		     va_list ap)
{
	char line[1024];
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(line, sizeof(line), fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return 0;
	size_t len = strlen(line);
	if (log_len + len >= LOG_SIZE) {   /* keep the newest half */
		size_t keep = LOG_SIZE / 2;
		memmove(log_buf, log_buf + log_len - keep, keep);
		log_len = keep;
	}
	if (len < LOG_SIZE / 2) {
		memcpy(log_buf + log_len, line, len);
		log_len += len;
		log_buf[log_len] = 0;
	}
	(void)level;
	if (log_echo)
		fputs(line, stderr);
	return n;
}

const char *live_log(void)
{
	return log_buf;
}

void live_log_clear(void)
{
	log_len = 0;
	log_buf[0] = 0;
}

int live_log_has(const char *needle)
{
	return strstr(log_buf, needle) != NULL;
}

const char *live_errno_name(int err)
{
	switch (err) {
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case EINVAL: return "EINVAL";
	case ENOENT: return "ENOENT";
	case ENOTSUP: return "ENOTSUP";
	case E2BIG: return "E2BIG";
	case ENOMEM: return "ENOMEM";
	case ESRCH: return "ESRCH";
	case EBUSY: return "EBUSY";
	case ENODEV: return "ENODEV";
	case EFAULT: return "EFAULT";
	case ENOSPC: return "ENOSPC";
	default: return "errno";
	}
}

double live_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

uint64_t live_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

char *live_ns(double ns, char *buf, size_t size)
{
	if (!isfinite(ns))
		snprintf(buf, size, "-");
	else
		fit_format_ns(ns, 4, buf, size);
	return buf;
}

/* ---- feature probes ------------------------------------------------------ */

static int load_tiny(enum bpf_prog_type type, enum bpf_attach_type at,
		     uint32_t btf_id)
{
	struct bpf_insn insns[2];
	memset(insns, 0, sizeof(insns));
	insns[0].code = BPF_ALU64 | BPF_MOV | BPF_K;   /* r0 = 0 */
	insns[1].code = BPF_JMP | BPF_EXIT;
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = at,
		    .attach_btf_id = btf_id);
	int fd = bpf_prog_load(type, NULL, "GPL", insns, 2, &opts);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static void read_line(const char *path, const char *key, char *out,
		      size_t size)
{
	FILE *f = fopen(path, "r");
	char line[512];
	out[0] = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (key && strncmp(line, key, strlen(key)))
			continue;
		char *v = key ? strchr(line, ':') : line;
		if (!v)
			continue;
		v += key ? 1 : 0;
		while (*v == ' ' || *v == '\t')
			v++;
		v[strcspn(v, "\n")] = 0;
		snprintf(out, size, "%s", v);
		break;
	}
	fclose(f);
}

static void probe_caps(struct live_features *f)
{
	char v[64];
	read_line("/proc/self/status", "CapEff", v, sizeof(v));
	unsigned long long caps = strtoull(v, NULL, 16);
	f->cap_sys_admin = (int)((caps >> 21) & 1);
	f->cap_perfmon = (int)((caps >> 38) & 1);
	f->cap_bpf = (int)((caps >> 39) & 1);
}

static void probe_lockdown(struct live_features *f)
{
	FILE *lf = fopen("/sys/kernel/security/lockdown", "r");
	if (!lf) {
		int err = errno;
		snprintf(f->lockdown, sizeof(f->lockdown),
			 "unknown (/sys/kernel/security/lockdown: %s%s)",
			 strerror(err),
			 err == ENOENT ? "; securityfs not mounted" : "");
		return;
	}
	char line[128] = "";
	if (fgets(line, sizeof(line), lf)) {
		char *a = strchr(line, '['), *b = a ? strchr(a, ']') : NULL;
		if (a && b)
			snprintf(f->lockdown, sizeof(f->lockdown), "%.*s",
				 (int)(b - a - 1), a + 1);
		else
			snprintf(f->lockdown, sizeof(f->lockdown), "%s", line);
	}
	fclose(lf);
	f->lockdown[strcspn(f->lockdown, "\n")] = 0;
}

static void probe_programs(struct live_features *f)
{
	struct btf *btf = btf__load_vmlinux_btf();
	if (!btf)
		return;
	int id = btf__find_by_name_kind(btf, "btf_trace_sched_switch",
					BTF_KIND_TYPEDEF);
	int rc = id > 0 ? load_tiny(BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP,
				    (uint32_t)id) : -ENOENT;
	f->tp_btf = rc == 0;
	f->tp_btf_errno = -rc;
	rc = load_tiny(BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0);
	f->raw_tp = rc == 0;
	f->raw_tp_errno = -rc;
	static const char *const funcs[] = { "bpf_fentry_test1", "do_nanosleep",
					     "schedule", NULL };
	f->fentry_errno = ENOENT;
	for (int i = 0; funcs[i]; i++) {
		id = btf__find_by_name_kind(btf, funcs[i], BTF_KIND_FUNC);
		if (id <= 0)
			continue;
		snprintf(f->fentry_func, sizeof(f->fentry_func), "%s", funcs[i]);
		rc = load_tiny(BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY,
			       (uint32_t)id);
		f->fentry = rc == 0;
		f->fentry_errno = -rc;
		break;
	}
	btf__free(btf);
	f->task_storage = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE,
						    NULL) == 1;
}

static void probe_pmu(struct live_features *f)
{
	struct perf_event_attr a;
	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_HARDWARE;
	a.size = sizeof(a);
	a.config = PERF_COUNT_HW_CPU_CYCLES;
	a.disabled = 1;
	int fd = (int)syscall(__NR_perf_event_open, &a, 0, -1, -1, 0);
	f->pmu = fd >= 0;
	f->pmu_errno = fd >= 0 ? 0 : errno;
	if (fd >= 0)
		close(fd);
}

int live_init(const struct calib_opts *o, struct live_features *f,
	      struct err *e)
{
	struct utsname u;
	memset(f, 0, sizeof(*f));
	log_echo = o->verbose;
	live_log_clear();
	libbpf_set_print(log_print);
	if (uname(&u) == 0) {
		snprintf(f->kernel, sizeof(f->kernel), "%s", u.release);
		snprintf(f->machine, sizeof(f->machine), "%s", u.machine);
	}
	read_line("/proc/cpuinfo", "model name", f->cpu_model,
		  sizeof(f->cpu_model));
	if (!f->cpu_model[0])
		snprintf(f->cpu_model, sizeof(f->cpu_model), "unknown");
	f->cpus = sysconf(_SC_NPROCESSORS_ONLN);
	f->root = geteuid() == 0;
	probe_caps(f);
	f->btf = access("/sys/kernel/btf/vmlinux", R_OK) == 0;
	probe_lockdown(f);
	if (!f->root && !(f->cap_bpf && f->cap_perfmon) && !f->cap_sys_admin)
		return err_set(e, ERR_RUNTIME, "bpfsim calibrate", 0, 0,
			       "needs root, or CAP_BPF and CAP_PERFMON (this "
			       "process has neither): run it with sudo");
	if (!f->btf)
		return err_set(e, ERR_RUNTIME, "bpfsim calibrate", 0, 0,
			       "this kernel has no BTF (/sys/kernel/btf/vmlinux: "
			       "%s): tp_btf and CO-RE programs need a kernel built "
			       "with CONFIG_DEBUG_INFO_BTF=y", strerror(errno));
	probe_programs(f);
	probe_pmu(f);
	if (!f->tp_btf && !f->raw_tp)
		return err_set(e, ERR_RUNTIME, "bpfsim calibrate", 0, 0,
			       "the kernel refuses both tp_btf (%s) and raw_tp (%s) "
			       "programs; lockdown: %s",
			       live_errno_name(f->tp_btf_errno),
			       live_errno_name(f->raw_tp_errno), f->lockdown);
	return 0;
}

void live_fentry_reason(const struct live_features *f, int err, char *buf,
			size_t size)
{
	if (err == EPERM || err == EACCES)
		snprintf(buf, size, "%s before the verifier ran: the kernel "
			 "refuses fentry/fexit programs.  Likely cause: kernel "
			 "lockdown or an LSM policy (lockdown: %s)%s",
			 live_errno_name(err), f->lockdown,
			 f->root || (f->cap_bpf && f->cap_perfmon)
			 ? "; not a missing capability (this process has them)"
			 : "; or missing CAP_BPF/CAP_PERFMON");
	else if (err == EINVAL && live_log_has("Cannot recursively attach"))
		snprintf(buf, size, "EINVAL, verifier: \"Cannot recursively "
			 "attach\": the target is itself a tracing (tp_btf/fentry) "
			 "program; attaching fentry/fexit to those needs a kernel "
			 "from 2024 on (profile the raw_tp variant instead, e.g. "
			 "--prog bundled:hash:raw_tp)");
	else if (err == ENOENT || err == ESRCH)
		snprintf(buf, size, "%s: the target has no BTF function info "
			 "(compile it with -g) or its function was not found",
			 live_errno_name(err));
	else
		snprintf(buf, size, "%s (%s)", live_errno_name(err), strerror(err));
}

void live_print_features(FILE *out, const struct live_features *f)
{
	fprintf(out, "host: %s %s, %s, %ld CPUs\n", f->kernel, f->machine,
		f->cpu_model, f->cpus);
	fprintf(out, "  privileges: %s (CAP_BPF %s, CAP_PERFMON %s, "
		"CAP_SYS_ADMIN %s)\n", f->root ? "root" : "not root",
		f->cap_bpf ? "yes" : "no", f->cap_perfmon ? "yes" : "no",
		f->cap_sys_admin ? "yes" : "no");
	fprintf(out, "  kernel BTF: %s; lockdown: %s\n", f->btf ? "yes" : "no",
		f->lockdown);
	fprintf(out, "  tp_btf programs: %s; raw_tp programs: %s\n",
		f->tp_btf ? "load" : live_errno_name(f->tp_btf_errno),
		f->raw_tp ? "load" : live_errno_name(f->raw_tp_errno));
	fprintf(out, "  fentry/fexit (on %s): %s\n",
		f->fentry_func[0] ? f->fentry_func : "no probe function",
		f->fentry ? "load" : live_errno_name(f->fentry_errno));
	fprintf(out, "  hardware PMU: %s; task storage maps: %s\n",
		f->pmu ? "yes" : live_errno_name(f->pmu_errno),
		f->task_storage ? "yes" : "no");
}

int live_use_raw_tp(const struct calib_opts *o, const struct live_features *f,
		    const char **why)
{
	if (o->attach == CALIB_ATTACH_RAW_TP) {
		*why = "raw_tp (--attach raw_tp)";
		return 1;
	}
	if (o->attach == CALIB_ATTACH_TP_BTF) {
		*why = "tp_btf (--attach tp_btf)";
		return 0;
	}
	if (f->tp_btf) {
		*why = "tp_btf (the kernel has it)";
		return 0;
	}
	*why = "raw_tp (the kernel refused a tp_btf program)";
	return 1;
}

/* ---- bpf_stats ----------------------------------------------------------- */

#define STATS_SYSCTL "/proc/sys/kernel/bpf_stats_enabled"

int live_stats_on(struct live_stats *s, struct err *e)
{
	memset(s, 0, sizeof(*s));
	s->fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (s->fd >= 0) {
		s->how = "BPF_ENABLE_STATS fd";
		return 0;
	}
	int err = errno;
	s->fd = -1;
	/* Kernels before 5.8: the sysctl, restored by live_stats_off(). */
	FILE *f = fopen(STATS_SYSCTL, "r");
	if (!f || !fgets(s->old, sizeof(s->old), f)) {
		if (f)
			fclose(f);
		return err_set(e, ERR_RUNTIME, "bpfsim calibrate", 0, 0,
			       "cannot enable bpf_stats: BPF_ENABLE_STATS failed "
			       "(%s) and %s is not readable", live_errno_name(err),
			       STATS_SYSCTL);
	}
	fclose(f);
	s->old[strcspn(s->old, "\n")] = 0;
	if (strcmp(s->old, "1") == 0) {
		s->how = "kernel.bpf_stats_enabled (already on)";
		return 0;
	}
	f = fopen(STATS_SYSCTL, "w");
	if (!f || fputs("1\n", f) < 0 || fclose(f)) {
		return err_set(e, ERR_RUNTIME, "bpfsim calibrate", 0, 0,
			       "cannot enable bpf_stats: BPF_ENABLE_STATS failed "
			       "(%s) and %s is not writable", live_errno_name(err),
			       STATS_SYSCTL);
	}
	s->via_sysctl = 1;
	s->how = "kernel.bpf_stats_enabled (restored afterwards)";
	return 0;
}

void live_stats_off(struct live_stats *s)
{
	if (s->fd > 0)
		close(s->fd);
	s->fd = -1;
	if (s->via_sysctl) {
		FILE *f = fopen(STATS_SYSCTL, "w");
		if (f) {
			fprintf(f, "%s\n", s->old);
			fclose(f);
		}
		s->via_sysctl = 0;
	}
}

int live_prog_stat(int prog_fd, struct live_progstat *ps)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	ps->run_ns = info.run_time_ns;
	ps->runs = info.run_cnt;
	/* The kernel fills what it knows and zeroes the rest of our struct:
	 * before 5.12 recursion_misses reads 0. */
	ps->misses = info.recursion_misses;
	return 0;
}

struct live_progstat live_progstat_diff(const struct live_progstat *b,
					const struct live_progstat *a)
{
	struct live_progstat d = { b->run_ns - a->run_ns, b->runs - a->runs,
				   b->misses - a->misses };
	return d;
}

int live_prog_info(int prog_fd, char *name, size_t size, uint32_t *id,
		   uint32_t *type)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	if (name)
		snprintf(name, size, "%s", info.name);
	if (id)
		*id = info.id;
	if (type)
		*type = info.type;
	return 0;
}

/* ---- attaching and loads ---------------------------------------------------- */

int live_start(const struct calib_opts *o, struct live_features *f,
	       struct live_stats *st, struct live_floor *fl, int *raw_tp,
	       const char **why, struct err *e)
{
	int rc = live_init(o, f, e);
	if (rc)
		return rc;
	*raw_tp = live_use_raw_tp(o, f, why);
	if (!o->quiet)
		live_print_features(stderr, f);
	if ((rc = live_stats_on(st, e)))
		return rc;
	return live_floor_start(fl, *raw_tp, e);
}

int live_attach_all(struct bpf_program *const *progs, struct bpf_link **links,
		    int n, const char *const *hooks, struct err *e)
{
	for (int i = 0; i < n; i++) {
		links[i] = bpf_program__attach(progs[i]);
		if (!links[i]) {
			int err = errno;
			return err_set(e, ERR_RUNTIME, "bpfsim calibrate", 0, 0,
				       "cannot attach %s: %s", hooks[i],
				       live_errno_name(err));
		}
	}
	return 0;
}

int live_load_start(const struct calib_opts *o, const struct loadgen_spec *spec,
		    struct loadgen *g, const char *who, struct err *e)
{
	char text[160];
	if (!spec || !spec->nparts || !loadgen_start(spec, g))
		return 0;
	if (calib_interrupted(o))
		return 1;
	int err = errno;
	loadgen_format(spec, text, sizeof(text));
	return err_set(e, ERR_RUNTIME, who, 0, 0, "cannot start the load "
		       "generator (%s): %s", text, strerror(err));
}

/* ---- stats floor ---------------------------------------------------------- */

int live_floor_start(struct live_floor *fl, int raw_tp, struct err *e)
{
	struct floor_bpf *s = floor_bpf__open();
	memset(fl, 0, sizeof(*fl));
	fl->fd = -1;
	if (!s)
		return err_set(e, ERR_RUNTIME, "bpfsim calibrate", 0, 0,
			       "cannot open the stats-floor probe: %s",
			       strerror(errno));
	fl->skel = s;
	bpf_program__set_autoload(s->progs.stats_floor, !raw_tp);
	bpf_program__set_autoload(s->progs.stats_floor_raw, raw_tp);
	struct bpf_program *p = raw_tp ? s->progs.stats_floor_raw
				       : s->progs.stats_floor;
	if (floor_bpf__load(s)) {
		int err = errno;
		live_floor_stop(fl);
		return err_set(e, ERR_RUNTIME, "bpfsim calibrate", 0, 0,
			       "cannot load the stats-floor probe (%s): %s",
			       raw_tp ? FLOOR_RAW_TP : FLOOR_TP_BTF,
			       live_errno_name(err));
	}
	fl->link = bpf_program__attach(p);
	if (!fl->link) {
		int err = errno;
		live_floor_stop(fl);
		return err_set(e, ERR_RUNTIME, "bpfsim calibrate", 0, 0,
			       "cannot attach the stats-floor probe: %s",
			       live_errno_name(err));
	}
	fl->fd = bpf_program__fd(p);
	return 0;
}

void live_floor_stop(struct live_floor *fl)
{
	bpf_link__destroy(fl->link);
	floor_bpf__destroy(fl->skel);
	fl->link = NULL;
	fl->skel = NULL;
	fl->fd = -1;
}

/* ---- per-CPU maps ---------------------------------------------------------- */

static int ncpus(void)
{
	int n = libbpf_num_possible_cpus();
	return n > 0 ? n : 1;
}

int live_read_counters(int map_fd, uint32_t key, void *out, size_t size)
{
	int n = ncpus();
	size_t stride = (size + 7) & ~(size_t)7;
	uint64_t *buf = calloc((size_t)n, stride), *o = out;
	if (!buf)
		return -ENOMEM;
	memset(out, 0, size);
	if (bpf_map_lookup_elem(map_fd, &key, buf)) {
		int err = errno;
		free(buf);
		return -err;
	}
	for (int c = 0; c < n; c++) {
		const uint64_t *v = (const uint64_t *)((char *)buf + (size_t)c * stride);
		for (size_t i = 0; i < size / 8; i++)
			o[i] += v[i];
	}
	free(buf);
	return 0;
}

int live_read_hist(int map_fd, uint32_t key, struct hist *out)
{
	return live_read_counters(map_fd, key, out, sizeof(*out));
}

int live_zero_percpu(int map_fd, uint32_t nkeys, size_t size)
{
	size_t stride = (size + 7) & ~(size_t)7;
	void *zero = calloc((size_t)ncpus(), stride);
	int rc = 0;
	if (!zero)
		return -ENOMEM;
	for (uint32_t k = 0; k < nkeys && !rc; k++)
		if (bpf_map_update_elem(map_fd, &k, zero, BPF_ANY))
			rc = -errno;
	free(zero);
	return rc;
}

/* ---- waiting ----------------------------------------------------------------- */

int live_wait(const struct calib_opts *o, double seconds, const char *what,
	      live_tick_fn tick, void *ctx)
{
	double t0 = live_now(), end = t0 + seconds;
	int tty = !o->quiet && isatty(2);
	while (!calib_interrupted(o)) {
		double now = live_now();
		if (now >= end)
			break;
		if (tty) {
			fprintf(stderr, "\r%s: %.1f/%.1f s   ", what, now - t0, seconds);
			fflush(stderr);
		}
		double left = end - now;
		struct timespec ts = { 0, (long)(fmin(left, 0.1) * 1e9) };
		nanosleep(&ts, NULL);
		if (tick && tick(ctx))
			break;
	}
	if (tty) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	return calib_interrupted(o);
}

/* ---- CPU time from /proc --------------------------------------------------------- */

int live_cpustat_read(struct live_cpustat *s)
{
	unsigned long long v[10] = { 0 };
	char line[512];
	FILE *f = fopen("/proc/stat", "r");
	memset(s, 0, sizeof(*s));
	if (!f)
		return -errno;
	int n = 0;
	if (fgets(line, sizeof(line), f))
		n = sscanf(line, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
			   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
	fclose(f);
	if (n < 7)
		return -EINVAL;
	long hz = sysconf(_SC_CLK_TCK);
	double tick = 1e9 / (double)(hz > 0 ? hz : 100);
	/* user nice system idle iowait irq softirq steal */
	s->busy = (double)(v[0] + v[1] + v[2] + v[5] + v[6]) * tick;
	s->idle = (double)(v[3] + v[4]) * tick;
	s->steal = (double)v[7] * tick;
	s->irq = (double)v[5] * tick;
	s->softirq = (double)v[6] * tick;
	return 0;
}

static int cmp_tid(const void *a, const void *b)
{
	int x = ((const struct live_thread *)a)->tid;
	int y = ((const struct live_thread *)b)->tid;
	return (x > y) - (x < y);
}

int live_threads_read(struct live_threads *th)
{
	size_t cap = 0;
	DIR *d = opendir("/proc");
	memset(th, 0, sizeof(*th));
	if (!d)
		return -errno;
	struct dirent *pe;
	while ((pe = readdir(d))) {
		char path[300];
		if (pe->d_name[0] < '0' || pe->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/task", pe->d_name);
		DIR *td = opendir(path);
		if (!td)
			continue;      /* exited meanwhile */
		struct dirent *te;
		while ((te = readdir(td))) {
			if (te->d_name[0] < '0' || te->d_name[0] > '9')
				continue;
			char sp[600];
			unsigned long long cpu, delay;
			snprintf(sp, sizeof(sp), "%s/%s/schedstat", path, te->d_name);
			FILE *f = fopen(sp, "r");
			if (!f)
				continue;
			int ok = fscanf(f, "%llu %llu", &cpu, &delay) == 2;
			fclose(f);
			if (!ok)
				continue;
			if (th->n == cap) {
				cap = cap ? 2 * cap : 1024;
				struct live_thread *nt = realloc(th->t, cap * sizeof(*nt));
				if (!nt) {
					closedir(td);
					closedir(d);
					live_threads_fini(th);
					return -ENOMEM;
				}
				th->t = nt;
			}
			th->t[th->n++] = (struct live_thread){
				.tid = atoi(te->d_name), .cpu = (double)cpu,
				.delay = (double)delay };
		}
		closedir(td);
	}
	closedir(d);
	if (th->n)
		qsort(th->t, th->n, sizeof(*th->t), cmp_tid);
	return 0;
}

void live_threads_fini(struct live_threads *th)
{
	free(th->t);
	th->t = NULL;
	th->n = 0;
}

/* ---- reporting ------------------------------------------------------------------ */

void live_dist_header(FILE *f)
{
	fprintf(f, "  %-16s %10s %9s %9s %9s  %-40s %s\n", "", "n", "mean", "p50",
		"p99", "fit (by AIC)", "KS");
}

void live_dist_row(FILE *f, const char *name, const struct chist *c)
{
	live_dist_row_fit(f, name, c, 1);
}

void live_dist_row_fit(FILE *f, const char *name, const struct chist *c,
		       int fits)
{
	char m[32], p50[32], p99[32], fit[96] = "-";
	double ks = NAN;
	struct fit_result r[FIT_MAX_FAMILIES];
	if (fits && fit_all(c, r) > 0) {
		fit_format(&r[0], fit, sizeof(fit));
		ks = r[0].ks;
	}
	fprintf(f, "  %-16s %10.0f %9s %9s %9s  %-40s %.3f\n", name,
		chist_total(c), live_ns(chist_mean(c), m, sizeof(m)),
		live_ns(chist_quantile(c, 0.5), p50, sizeof(p50)),
		live_ns(chist_quantile(c, 0.99), p99, sizeof(p99)), fit, ks);
}

/* How many CPUs a sysfs CPU list ("0-3,8-11") names; 0 if the file
 * cannot be read or parsed. */
static long cpulist_count(const char *path)
{
	char buf[4096];
	FILE *fp = fopen(path, "r");
	if (!fp)
		return 0;
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = 0;
	long count = 0;
	char *p = buf;
	while (*p && *p != '\n') {
		char *end;
		long a = strtol(p, &end, 10), b = a;
		if (end == p)
			return 0;
		p = end;
		if (*p == '-') {
			b = strtol(p + 1, &end, 10);
			if (end == p + 1 || b < a)
				return 0;
			p = end;
		}
		count += b - a + 1;
		if (*p == ',')
			p++;
	}
	return count;
}

/* CPU 0's topology for the model's `topology` keys: CPUs per core
 * (topology/thread_siblings_list) and per last-level cache (the
 * shared_cpu_list of its highest-level cache, index3 on most hosts).
 * 0 when sysfs does not say. */
static void host_topology(long *smt, long *llc)
{
	const char *cpu0 = "/sys/devices/system/cpu/cpu0";
	char path[160];
	long best = 0;
	snprintf(path, sizeof(path), "%s/topology/thread_siblings_list", cpu0);
	*smt = cpulist_count(path);
	*llc = 0;
	for (int i = 0; i < 10; i++) {
		long level = 0;
		snprintf(path, sizeof(path), "%s/cache/index%d/level", cpu0, i);
		FILE *fp = fopen(path, "r");
		if (!fp)
			continue;
		if (fscanf(fp, "%ld", &level) != 1)
			level = 0;
		fclose(fp);
		snprintf(path, sizeof(path), "%s/cache/index%d/shared_cpu_list",
			 cpu0, i);
		if (level > best) {
			best = level;
			*llc = cpulist_count(path);
		}
	}
}

static void host_yaml(FILE *o, const struct live_features *f,
		      const struct live_stats *s)
{
	char q[256], date[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(o, "host:\n");
	fprintf(o, "  kernel: %s\n", calfile_quote(f->kernel, q, sizeof(q)));
	fprintf(o, "  machine: %s\n", calfile_quote(f->machine, q, sizeof(q)));
	fprintf(o, "  cpu_model: %s\n", calfile_quote(f->cpu_model, q, sizeof(q)));
	fprintf(o, "  cpus: %ld\n", f->cpus);
	long smt, llc;
	host_topology(&smt, &llc);
	if (smt > 0)   /* for topology.smt and topology.llc */
		fprintf(o, "  smt: %ld\n", smt);
	if (llc > 0)
		fprintf(o, "  llc: %ld\n", llc);
	fprintf(o, "  date: %s\n", date);
	fprintf(o, "  bpfsim: %s\n", BPFSIM_VERSION);
	fprintf(o, "  btf: %s\n", f->btf ? "true" : "false");
	fprintf(o, "  lockdown: %s\n", calfile_quote(f->lockdown, q, sizeof(q)));
	fprintf(o, "  tp_btf: %s\n", f->tp_btf ? "true" : "false");
	snprintf(date, sizeof(date), "refused (%s)",
		 live_errno_name(f->fentry_errno));
	fprintf(o, "  fentry: %s\n", f->fentry ? "true"
		: calfile_quote(date, q, sizeof(q)));
	fprintf(o, "  pmu: %s\n", f->pmu ? "true" : "false");
	if (s && s->how)
		fprintf(o, "  bpf_stats: %s\n", calfile_quote(s->how, q, sizeof(q)));
}

int live_section_open(struct live_section *s, const struct live_features *f,
		      const struct live_stats *st, struct err *e)
{
	memset(s, 0, sizeof(*s));
	s->f = open_memstream(&s->buf, &s->len);
	if (!s->f)
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	host_yaml(s->f, f, st);
	return 0;
}

int live_section_commit(struct live_section *s, const char *path,
			const char *what, FILE *rep, struct err *e)
{
	int rc = 0;
	if (s->f && fclose(s->f))
		rc = err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	s->f = NULL;
	if (!rc)
		rc = calfile_merge(path, s->buf ? s->buf : "", e);
	if (!rc)
		fprintf(rep, "wrote %s to %s\n", what, path);
	free(s->buf);
	s->buf = NULL;
	return rc;
}


/* ---- tracefs ------------------------------------------------------------ */

#define TRACEFS "/sys/kernel/tracing"

/* 1 when the raw_syscalls events can be found where libbpf looks. */
static int tracefs_ready(void)
{
	return !access(TRACEFS "/events/raw_syscalls", F_OK) ||
	       !access("/sys/kernel/debug/tracing/events/raw_syscalls", F_OK);
}

int live_tracefs_mount(int *mounted, const char *who, struct err *e)
{
	*mounted = 0;
	if (tracefs_ready())
		return 0;
	if (mount("nodev", TRACEFS, "tracefs", 0, NULL))
		return err_set(e, ERR_RUNTIME, who, 0, 0,
			       "classic tracepoints need tracefs and it is not "
			       "mounted; mounting it on " TRACEFS " failed: %s.  "
			       "Mount it (mount -t tracefs nodev " TRACEFS ") and "
			       "run again", strerror(errno));
	*mounted = 1;
	if (!tracefs_ready())
		return err_set(e, ERR_RUNTIME, who, 0, 0,
			       "tracefs has no raw_syscalls events: this kernel "
			       "lacks the syscall tracepoints");
	return 0;
}

void live_tracefs_unmount(int *mounted, const char *who)
{
	if (!*mounted)
		return;
	/* Nothing of ours should hold it; lazily otherwise. */
	if (umount2(TRACEFS, 0) && umount2(TRACEFS, MNT_DETACH))
		fprintf(stderr, "%s: warning: could not unmount " TRACEFS
			" (mounted for the run): %s\n", who, strerror(errno));
	*mounted = 0;
}
