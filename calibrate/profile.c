/* profile.c - `bpfsim calibrate profile`: per-run cost of a loaded program.
 *
 * Two methods, tried in this order, the one used always named:
 *   fentry/fexit  profile.bpf.c attached to each target (as bpftool prog
 *                 profile does): every run's duration (and cycles and
 *                 instructions where the PMU exists) into a histogram in
 *                 the kernel.  The same probe on an empty program (the
 *                 stats floor program) measures what fentry/fexit and the
 *                 clock reads add; its mean is subtracted.
 *   bpf_stats     when the kernel refuses fentry/fexit (lockdown; a
 *                 tracing target on a kernel before 2024, "Cannot
 *                 recursively attach"; a target without BTF): the
 *                 target's run_time_ns/run_cnt with stats enabled through
 *                 BPF_ENABLE_STATS, sampled every 200 ms, minus the stats
 *                 floor (an empty program's mean run_time_ns).  Means only,
 *                 and labelled so.
 * Either way each target's recursion_misses (bpf_prog_info: runs the kernel
 * skipped) over the window is reported and written (~0 expected).
 * Targets: a program id, a name (the kernel's 15-character name or the full
 * BTF name; must be unique), or bundled:hash / bundled:task[:tp_btf|raw_tp]
 * - bpfsim's own runqslower probes, loaded, attached and driven by a load
 * (--load, default sleepers:64+spawn:500) for the duration.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "calibrate/profile.h"
#include "calibrate/calfile.h"
#include "calibrate/fit.h"
#include "calibrate/live.h"
#include "calibrate/loadgen.h"
#include "profile.skel.h"

#define MAX_TARGETS 8
#define SAMPLE_S 0.2

struct target {
	int fd;
	uint32_t id, type;
	char name[64];           /* full (BTF) name when known */
	char key[96];            /* calibration file key */
	/* fentry/fexit */
	struct profile_bpf *skel;
	struct bpf_link *lin, *lout;
	struct chist ns, cyc, ins;
	uint64_t runs;
	/* bpf_stats (recursion_misses with both methods) */
	struct live_progstat first, last;
	double n, mean, m2;      /* interval means: Welford */
	struct live_progstat prev;
};

struct prof {
	const struct calib_opts *o;
	struct target t[MAX_TARGETS + 1];   /* + the overhead probe */
	size_t n;
	struct rqs *bundled;
	const char *variant;     /* "hash"/"task" when bundled */
	struct loadgen load;
	struct live_floor floor;
	struct live_stats stats;
	int *perf_fds;
	size_t nperf;
	struct live_progstat floor0, floor1;
	int bundled_task, bundled_raw_tp, bundled_fixed;   /* how it was loaded */
};

static const char *prog_type_name(uint32_t t)
{
	switch (t) {
	case BPF_PROG_TYPE_TRACING: return "tracing (tp_btf/fentry/fexit)";
	case BPF_PROG_TYPE_RAW_TRACEPOINT: return "raw_tracepoint";
	case BPF_PROG_TYPE_TRACEPOINT: return "tracepoint";
	case BPF_PROG_TYPE_KPROBE: return "kprobe";
	case BPF_PROG_TYPE_SOCKET_FILTER: return "socket_filter";
	case BPF_PROG_TYPE_XDP: return "xdp";
	case BPF_PROG_TYPE_SCHED_CLS: return "sched_cls";
	case BPF_PROG_TYPE_PERF_EVENT: return "perf_event";
	case BPF_PROG_TYPE_LSM: return "lsm";
	default: return "other";
	}
}

static void fentry_detach(struct target *t);

/* The program's function name from its BTF (what fentry attaches by). */
static int func_name(int fd, char *out, size_t size)
{
	struct bpf_prog_info info;
	struct bpf_func_info fi;
	uint32_t len = sizeof(info);
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	if (!info.btf_id || !info.nr_func_info)
		return -ENOENT;
	uint32_t rec = info.func_info_rec_size, btf_id = info.btf_id;
	if (rec < sizeof(fi))
		return -EINVAL;
	memset(&info, 0, sizeof(info));
	memset(&fi, 0, sizeof(fi));
	info.nr_func_info = 1;
	info.func_info_rec_size = sizeof(fi);
	info.func_info = (uint64_t)(unsigned long)&fi;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	struct btf *btf = btf__load_from_kernel_by_id(btf_id);
	if (!btf)
		return -errno;
	const struct btf_type *t = btf__type_by_id(btf, fi.type_id);
	const char *n = t ? btf__name_by_offset(btf, t->name_off) : NULL;
	int rc = n && n[0] ? 0 : -ENOENT;
	if (!rc)
		snprintf(out, size, "%s", n);
	btf__free(btf);
	return rc;
}

static void make_key(struct target *t, const char *variant)
{
	size_t k = 0;
	if (variant)
		k = (size_t)snprintf(t->key, sizeof(t->key), "%s_", variant);
	for (const char *p = t->name; *p && k + 1 < sizeof(t->key); p++)
		t->key[k++] = isalnum((unsigned char)*p) ? *p : '_';
	t->key[k] = 0;
}

static int add_target(struct prof *P, int fd, struct err *e)
{
	if (P->n == MAX_TARGETS) {
		close(fd);
		return err_set(e, ERR_INPUT, "--prog", 0, 0, "at most %d programs",
			       MAX_TARGETS);
	}
	struct target *t = &P->t[P->n++];
	char kname[32];
	t->fd = fd;
	live_prog_info(fd, kname, sizeof(kname), &t->id, &t->type);
	if (func_name(fd, t->name, sizeof(t->name)))
		snprintf(t->name, sizeof(t->name), "%s", kname[0] ? kname : "prog");
	make_key(t, P->variant);
	return 0;
}

/* --prog NAME: every loaded program whose kernel or BTF name matches. */
static int find_by_name(struct prof *P, const char *name, struct err *e)
{
	uint32_t id = 0, found[MAX_TARGETS + 1];
	size_t n = 0;
	while (!bpf_prog_get_next_id(id, &id)) {
		int fd = bpf_prog_get_fd_by_id(id);
		char kname[32] = "", full[64] = "";
		if (fd < 0)
			continue;
		live_prog_info(fd, kname, sizeof(kname), NULL, NULL);
		func_name(fd, full, sizeof(full));
		if (!strcmp(kname, name) || !strcmp(full, name)) {
			if (n < MAX_TARGETS + 1)
				found[n] = id;
			n++;
		}
		close(fd);
	}
	if (n == 0)
		return err_set(e, ERR_RUNTIME, "--prog", 0, 0, "no loaded BPF "
			       "program is named '%s' (bpftool prog show lists "
			       "them; bundled:hash loads bpfsim's own)", name);
	if (n > 1) {
		char ids[128] = "";
		size_t len = 0;
		for (size_t i = 0; i < n && i < MAX_TARGETS + 1; i++)
			len += (size_t)snprintf(ids + len, sizeof(ids) - len, "%s%u",
						i ? ", " : "", found[i]);
		return err_set(e, ERR_INPUT, "--prog", 0, 0, "%zu programs are "
			       "named '%s' (ids %s): pick one with --prog ID", n,
			       name, ids);
	}
	int fd = bpf_prog_get_fd_by_id(found[0]);
	if (fd < 0)
		return err_set(e, ERR_RUNTIME, "--prog", 0, 0, "program %u went "
			       "away: %s", found[0], live_errno_name(errno));
	return add_target(P, fd, e);
}

/* Load the bundled probes as tp_btf or raw_tp and make their programs the
 * targets. */
static int load_bundled(struct prof *P, int raw_tp, struct err *e)
{
	struct rqs_params p = { .min_ns = 10000000, .max_entries = 10240,
				.task = P->bundled_task, .raw_tp = raw_tp };
	int rc = rqs_load(&P->bundled, &p, e);
	if (!rc)
		rc = rqs_attach(P->bundled, e);
	if (rc)
		return rc;
	P->bundled_raw_tp = raw_tp;
	int fds[4];
	const char *names[4];
	size_t n = rqs_progs(P->bundled, fds, names, 4);
	for (size_t i = 0; i < n; i++) {
		int fd = dup(fds[i]);
		if (fd < 0)
			return err_set(e, ERR_RUNTIME, NULL, 0, 0, "dup: %s",
				       strerror(errno));
		if (add_target(P, fd, e))
			return e->status;
	}
	printf("bundled %s probes loaded as %s programs\n",
	       p.task ? "task storage" : "hash", raw_tp ? "raw_tp" : "tp_btf");
	return 0;
}

static void drop_targets(struct prof *P)
{
	for (size_t i = 0; i < P->n; i++) {
		fentry_detach(&P->t[i]);
		if (P->t[i].fd >= 0)
			close(P->t[i].fd);
		P->t[i].fd = -1;
	}
	P->n = 0;
	rqs_free(P->bundled);
	P->bundled = NULL;
}

static int resolve_targets(struct prof *P, const struct live_features *f,
			   struct err *e)
{
	const char *prog = P->o->prog;
	if (!strncmp(prog, "bundled:", 8)) {
		char v[32] = "", at[32] = "";
		int raw_tp = 0;
		sscanf(prog + 8, "%31[^:]:%31s", v, at);
		if (!strcmp(v, "hash"))
			P->variant = "hash";
		else if (!strcmp(v, "task"))
			P->variant = "task";
		else
			return err_set(e, ERR_INPUT, "--prog", 0, 0, "bundled "
				       "probes are bundled:hash or bundled:task "
				       "(got '%s')", prog);
		P->bundled_task = v[0] == 't';
		if (!strcmp(at, "raw_tp")) {
			raw_tp = 1;
			P->bundled_fixed = 1;
		} else if (!strcmp(at, "tp_btf")) {
			P->bundled_fixed = 1;
		} else if (at[0]) {
			return err_set(e, ERR_INPUT, "--prog", 0, 0, "attach type "
				       "is tp_btf or raw_tp (got '%s')", at);
		} else if (P->o->attach != CALIB_ATTACH_AUTO) {
			raw_tp = P->o->attach == CALIB_ATTACH_RAW_TP;
			P->bundled_fixed = 1;
		} else {
			raw_tp = !f->tp_btf && !P->bundled_task;
		}
		return load_bundled(P, raw_tp, e);
	}
	char *end;
	errno = 0;
	unsigned long id = strtoul(prog, &end, 10);
	if (*prog >= '0' && *prog <= '9' && !*end && errno != ERANGE &&
	    id <= UINT32_MAX) {   /* calopt_prog refused the rest */
		int fd = bpf_prog_get_fd_by_id((uint32_t)id);
		if (fd < 0)
			return err_set(e, ERR_RUNTIME, "--prog", 0, 0, "no BPF "
				       "program with id %lu (%s)", id,
				       live_errno_name(errno));
		return add_target(P, fd, e);
	}
	return find_by_name(P, prog, e);
}

/* ---- fentry/fexit ---------------------------------------------------------- */

static int open_pmu(struct prof *P, struct profile_bpf *s)
{
	int n = libbpf_num_possible_cpus();
	struct perf_event_attr a;
	if (n <= 0)
		return -1;
	int *fds = realloc(P->perf_fds, (P->nperf + 2 * (size_t)n) * sizeof(int));
	if (!fds)
		return -1;
	P->perf_fds = fds;
	for (int k = 0; k < 2; k++) {
		int map = bpf_map__fd(k ? s->maps.insns : s->maps.cycles);
		for (int cpu = 0; cpu < n; cpu++) {
			memset(&a, 0, sizeof(a));
			a.type = PERF_TYPE_HARDWARE;
			a.size = sizeof(a);
			a.config = k ? PERF_COUNT_HW_INSTRUCTIONS
				     : PERF_COUNT_HW_CPU_CYCLES;
			int fd = (int)syscall(__NR_perf_event_open, &a, -1, cpu, -1, 0);
			if (fd < 0)
				continue;     /* offline CPU */
			P->perf_fds[P->nperf++] = fd;
			uint32_t key = (uint32_t)cpu;
			bpf_map_update_elem(map, &key, &fd, BPF_ANY);
		}
	}
	return 0;
}

/* Load and attach the fentry/fexit pair on t.  0, or a positive errno;
 * on a refusal libbpf has put the verifier's log (if it ran) in live_log. */
static int fentry_attach(struct prof *P, struct target *t, int pmu)
{
	char func[64];
	struct profile_bpf *s;
	if (func_name(t->fd, func, sizeof(func)))
		return ENOENT;
	s = profile_bpf__open();
	if (!s)
		return errno ? errno : ENOMEM;
	t->skel = s;
	s->rodata->cfg.use_pmu = (uint32_t)pmu;
	int ncpu = libbpf_num_possible_cpus();
	bpf_map__set_max_entries(s->maps.cycles, (uint32_t)(ncpu > 0 ? ncpu : 1));
	bpf_map__set_max_entries(s->maps.insns, (uint32_t)(ncpu > 0 ? ncpu : 1));
	if (bpf_program__set_attach_target(s->progs.bs_fentry, t->fd, func) ||
	    bpf_program__set_attach_target(s->progs.bs_fexit, t->fd, func))
		return errno ? errno : EINVAL;
	live_log_clear();
	if (profile_bpf__load(s))
		return errno ? errno : EINVAL;
	if (pmu)
		open_pmu(P, s);
	t->lin = bpf_program__attach(s->progs.bs_fentry);
	t->lout = t->lin ? bpf_program__attach(s->progs.bs_fexit) : NULL;
	if (!t->lin || !t->lout)
		return errno ? errno : EINVAL;
	return 0;
}

static void fentry_detach(struct target *t)
{
	bpf_link__destroy(t->lout);
	bpf_link__destroy(t->lin);
	profile_bpf__destroy(t->skel);
	t->lin = t->lout = NULL;
	t->skel = NULL;
}

static int fentry_read(struct target *t)
{
	struct hist *h = malloc(sizeof(*h));
	struct prof_counters c;
	int rc = -1;
	if (!h)
		return -1;
	int fd = bpf_map__fd(t->skel->maps.hists);
	if (!live_read_hist(fd, PROF_NS, h) && !chist_from_hist(&t->ns, h) &&
	    !live_read_hist(fd, PROF_CYCLES, h) && !chist_from_hist(&t->cyc, h) &&
	    !live_read_hist(fd, PROF_INSNS, h) && !chist_from_hist(&t->ins, h))
		rc = 0;
	if (!live_read_counters(bpf_map__fd(t->skel->maps.counters), 0, &c,
				sizeof(c)))
		t->runs = c.runs;
	free(h);
	return rc;
}

/* ---- bpf_stats sampling ------------------------------------------------------ */

static int sample(void *arg)
{
	struct prof *P = arg;
	for (size_t i = 0; i < P->n; i++) {
		struct target *t = &P->t[i];
		struct live_progstat now;
		if (live_prog_stat(t->fd, &now))
			continue;
		if (now.runs > t->prev.runs) {
			double m = (double)(now.run_ns - t->prev.run_ns) /
				   (double)(now.runs - t->prev.runs);
			double d = m - t->mean;
			t->n += 1;
			t->mean += d / t->n;
			t->m2 += d * (m - t->mean);
		}
		t->prev = now;
	}
	return 0;
}

/* Sample every SAMPLE_S while waiting the whole duration. */
struct sampler {
	struct prof *P;
	double next;
};

static int sample_tick(void *arg)
{
	struct sampler *s = arg;
	if (s->P->bundled)
		rqs_poll(s->P->bundled);
	if (live_now() >= s->next) {
		sample(s->P);
		s->next += SAMPLE_S;
	}
	return 0;
}

static void prof_fini(struct prof *P)
{
	for (size_t i = 0; i <= MAX_TARGETS; i++) {
		struct target *t = &P->t[i];
		fentry_detach(t);
		if (t->fd >= 0)
			close(t->fd);
		t->fd = -1;
		chist_fini(&t->ns);
		chist_fini(&t->cyc);
		chist_fini(&t->ins);
	}
	for (size_t i = 0; i < P->nperf; i++)
		close(P->perf_fds[i]);
	free(P->perf_fds);
	P->perf_fds = NULL;
	P->nperf = 0;
	rqs_free(P->bundled);
	P->bundled = NULL;
	loadgen_stop(&P->load);
	live_floor_stop(&P->floor);
	live_stats_off(&P->stats);
}

static void write_target_common(FILE *s, const struct target *t)
{
	char q[128], q2[128];
	fprintf(s, "    program: {id: %u, name: %s, type: %s}\n", t->id,
		calfile_quote(t->name, q, sizeof(q)),
		calfile_quote(prog_type_name(t->type), q2, sizeof(q2)));
	/* Runs of the target the kernel skipped over the window (a program
	 * already running on the CPU): ~0 expected; they are in no mean. */
	fprintf(s, "    recursion_misses: %llu\n",
		(unsigned long long)(t->last.misses - t->first.misses));
}

/* Every target's counters at the window's start (first) or end (last). */
static void snap_targets(struct prof *P, int end)
{
	for (size_t i = 0; i < P->n; i++)
		live_prog_stat(P->t[i].fd, end ? &P->t[i].last : &P->t[i].first);
}

int calib_profile(const struct calib_opts *o, struct err *e)
{
	struct live_features f;
	struct prof P;
	char reason[512] = "", b[48], c2[48], c3[48];
	int rc, fentry_ok = 0, err = 0;
	const char *why;

	memset(&P, 0, sizeof(P));
	P.o = o;
	P.stats.fd = -1;
	P.floor.fd = -1;
	for (size_t i = 0; i <= MAX_TARGETS; i++)
		P.t[i].fd = -1;
	if ((rc = live_init(o, &f, e)))
		return rc;
	int raw_tp = live_use_raw_tp(o, &f, &why);
	if (!o->quiet)
		live_print_features(stderr, &f);
	/* The load starts first: bundled probes need events to profile. */
	struct loadgen_spec def;
	char tmp[160];
	loadgen_parse("sleepers:64+spawn:500", &def, tmp, sizeof(tmp));
	const struct loadgen_spec *ls = o->have_load ? &o->load
				     : !strncmp(o->prog, "bundled:", 8) ? &def : NULL;
	if (live_load_start(o, ls, &P.load, "bpfsim calibrate", e)) {
		rc = e->status;
		goto out;
	}
	if ((rc = resolve_targets(&P, &f, e)))
		goto out;
	if ((rc = live_floor_start(&P.floor, f.raw_tp ? 1 : raw_tp, e)))
		goto out;

	/* fentry/fexit first, on every target, then on the floor program (its
	 * overhead).  Any refusal: the bpf_stats fallback for all. */
	for (int attempt = 0; attempt < 2; attempt++) {
		fentry_ok = 1;
		for (size_t i = 0; i < P.n && fentry_ok; i++) {
			err = fentry_attach(&P, &P.t[i], f.pmu);
			if (err) {
				fentry_ok = 0;
				live_fentry_reason(&f, err, reason, sizeof(reason));
				if (live_log_has("Cannot recursively attach") &&
				    !strstr(reason, "recursively"))
					snprintf(reason, sizeof(reason), "EINVAL, "
						 "verifier: \"Cannot recursively attach\": "
						 "%s is a tracing program; fentry/fexit on "
						 "those needs a kernel from 2024 on (profile "
						 "its raw_tp variant)", P.t[i].name);
			}
		}
		for (size_t i = 0; !fentry_ok && i < P.n; i++)
			fentry_detach(&P.t[i]);
		/* The bundled hash probes also come as raw_tp programs, which
		 * older kernels can fentry-profile: switch once, saying so. */
		if (fentry_ok || attempt || !P.bundled || P.bundled_task ||
		    P.bundled_fixed || P.bundled_raw_tp ||
		    !strstr(reason, "recursively"))
			break;
		printf("profile: %s\nprofile: reloading the bundled hash probes as "
		       "raw_tp programs\n", reason);
		drop_targets(&P);
		if ((rc = load_bundled(&P, 1, e)))
			goto out;
	}
	if (fentry_ok) {
		/* The floor program is raw_tp where possible: fentry attaches to
		 * it on every kernel (not so to a tp_btf one before 2024). */
		struct target *ov = &P.t[MAX_TARGETS];
		ov->fd = dup(P.floor.fd);
		snprintf(ov->name, sizeof(ov->name), "(empty program)");
		if (ov->fd < 0 || (err = fentry_attach(&P, ov, f.pmu))) {
			fentry_detach(ov);
			printf("profile: the fentry/fexit overhead could not be "
			       "measured (%s): nothing subtracted\n",
			       live_errno_name(err));
		}
	}

	if (fentry_ok) {
		printf("profile: fentry/fexit histograms%s, %s\n",
		       f.pmu ? " with cycles and instructions" : " (no PMU: ns only)",
		       live_ns(o->duration_ns, b, sizeof(b)));
		snap_targets(&P, 0);
		int intr = live_wait(o, o->duration_ns * 1e-9, "profiling",
				     P.bundled ? rqs_poll : NULL, P.bundled);
		snap_targets(&P, 1);
		for (size_t i = 0; i <= MAX_TARGETS; i++)
			if (P.t[i].skel && fentry_read(&P.t[i])) {
				rc = err_set(e, ERR_RUNTIME, "bpfsim calibrate", 0, 0,
					     "cannot read the profile histograms");
				goto out;
			}
		for (size_t i = 0; i <= MAX_TARGETS; i++)
			fentry_detach(&P.t[i]);
		if (intr)
			goto out;
		struct target *ov = &P.t[MAX_TARGETS];
		double over = ov->ns.n ? chist_mean(&ov->ns) : 0;
		unsigned tick = ov->ns.n ? chist_clock_tick(&ov->ns) : 1;
		printf("  fentry/fexit overhead (measured on an empty program): %s "
		       "per run, clock tick %u ns, subtracted\n",
		       live_ns(over, b, sizeof(b)), tick);
		live_dist_header(stdout);
		for (size_t i = 0; i < P.n; i++) {
			chist_spread(&P.t[i].ns, tick);
			chist_shift(&P.t[i].ns, over);
			live_dist_row(stdout, P.t[i].name, &P.t[i].ns);
			if (f.pmu && P.t[i].cyc.n) {
				live_dist_row(stdout, "  cycles", &P.t[i].cyc);
				live_dist_row(stdout, "  instructions", &P.t[i].ins);
			}
		}
		printf("  recursion_misses (runs the kernel skipped):");
		for (size_t i = 0; i < P.n; i++)
			printf("%s %s %llu", i ? "," : "", P.t[i].name,
			       (unsigned long long)(P.t[i].last.misses -
						    P.t[i].first.misses));
		putchar('\n');
		if (!o->out)
			goto out;
		struct live_section sec;
		if ((rc = live_section_open(&sec, &f, NULL, e)))
			goto out;
		FILE *s = sec.f;
		fprintf(s, "profile:\n");
		for (size_t i = 0; i < P.n; i++) {
			calfile_write_dist(s, 2, P.t[i].key, &P.t[i].ns, over);
			fprintf(s, "    method: fentry_fexit\n");
			calfile_write_ns(s, 4, "overhead", over);
			fprintf(s, "    clock_tick_ns: %u\n", tick);
			write_target_common(s, &P.t[i]);
			if (f.pmu && P.t[i].cyc.n) {
				fprintf(s, "    cycles_mean: %.6g\n", chist_mean(&P.t[i].cyc));
				fprintf(s, "    instructions_mean: %.6g\n",
					chist_mean(&P.t[i].ins));
			}
		}
		rc = live_section_commit(&sec, o->out, "the profile", stdout, e);
		goto out;
	}

	/* The fallback. */
	printf("profile: fentry/fexit refused: %s\n", reason);
	if ((rc = live_stats_on(&P.stats, e)))
		goto out;
	printf("profile: falling back to bpf_stats (run_time_ns / run_cnt via "
	       "%s): MEANS ONLY, no distribution\n", P.stats.how);
	snap_targets(&P, 0);
	for (size_t i = 0; i < P.n; i++)
		P.t[i].prev = P.t[i].first;
	live_prog_stat(P.floor.fd, &P.floor0);
	struct sampler sm = { &P, live_now() + SAMPLE_S };
	int intr = live_wait(o, o->duration_ns * 1e-9, "profiling (bpf_stats)",
			     sample_tick, &sm);
	snap_targets(&P, 1);
	live_prog_stat(P.floor.fd, &P.floor1);
	if (intr)
		goto out;
	double floor = P.floor1.runs > P.floor0.runs
		? (double)(P.floor1.run_ns - P.floor0.run_ns) /
		  (double)(P.floor1.runs - P.floor0.runs) : 0;
	printf("  stats floor (empty program's mean run_time_ns, subtracted): %s\n",
	       live_ns(floor, b, sizeof(b)));
	printf("  %-22s %6s %10s %10s %10s %12s %17s\n", "program", "id", "runs",
	       "raw mean", "mean", "interval sd", "recursion_misses");
	for (size_t i = 0; i < P.n; i++) {
		struct target *t = &P.t[i];
		uint64_t runs = t->last.runs - t->first.runs;
		double raw = runs ? (double)(t->last.run_ns - t->first.run_ns) /
				    (double)runs : NAN;
		double sd = t->n > 1 ? sqrt(t->m2 / (t->n - 1)) : NAN;
		printf("  %-22s %6u %10llu %10s %10s %12s %17llu\n", t->name,
		       t->id, (unsigned long long)runs, live_ns(raw, b, sizeof(b)),
		       live_ns(raw - floor, c2, sizeof(c2)),
		       live_ns(sd, c3, sizeof(c3)),
		       (unsigned long long)(t->last.misses - t->first.misses));
	}
	if (!o->out)
		goto out;
	struct live_section sec;
	if ((rc = live_section_open(&sec, &f, &P.stats, e)))
		goto out;
	FILE *s = sec.f;
	fprintf(s, "profile:\n");
	for (size_t i = 0; i < P.n; i++) {
		struct target *t = &P.t[i];
		uint64_t runs = t->last.runs - t->first.runs;
		double raw = runs ? (double)(t->last.run_ns - t->first.run_ns) /
				    (double)runs : NAN;
		char q[600];
		fprintf(s, "  %s:\n", t->key);
		fprintf(s, "    method: bpf_stats\n");
		if (runs) {
			calfile_write_ns(s, 4, "mean", raw - floor > 0 ? raw - floor : 0);
			calfile_write_ns(s, 4, "mean_raw", raw);
		}
		calfile_write_ns(s, 4, "stats_floor", floor);
		fprintf(s, "    runs: %llu\n", (unsigned long long)runs);
		if (t->n > 1)
			calfile_write_ns(s, 4, "interval_sd", sqrt(t->m2 / (t->n - 1)));
		write_target_common(s, t);
		fprintf(s, "    reason: %s\n", calfile_quote(reason, q, sizeof(q)));
		fprintf(s, "    note: \"mean only: fentry/fexit refused, "
			"run_time_ns/run_cnt with the stats floor subtracted\"\n");
	}
	rc = live_section_commit(&sec, o->out, "the profile", stdout, e);
out:
	prof_fini(&P);
	return rc;
}
