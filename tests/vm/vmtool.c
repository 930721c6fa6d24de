/* vmtool - the guest's helper for `make check-vm`: BPF facts and loads.
 *
 * Linked statically into the VM's initramfs beside bpfsim, where there is
 * no bpftool.  It proves on its own that the guest kernel can do what
 * calibration relies on, and gives the guest test driver the kernel's view
 * of programs (run_cnt, run_time_ns, what is loaded) to check bpfsim
 * against.  Targets and probe: vm_target.bpf.c, vm_prof.bpf.c.
 *
 *   vmtool fentry raw_tp|tp_btf [SECONDS]
 *       fentry/fexit (vm_prof) on a sched_switch program of that kind under
 *       a ping-pong load: the fentry count equals the target's run_cnt
 *       delta within 1%.
 *   vmtool profile-exact raw_tp|tp_btf N CMD [ARG...]
 *       load and attach a task_rename program of that kind (it runs only
 *       when a task is renamed), run CMD (a profiler given --prog
 *       vm_rename_raw or vm_rename_btf), and once CMD has attached
 *       fentry/fexit to the target - or, when no fentry/fexit link to it
 *       appears, 3 s after its stats floor program was loaded - rename
 *       this process N times.  Prints the target's run_cnt and run_time_ns
 *       deltas over the renames; exits with CMD's status.
 *   vmtool progs
 *       loaded programs: "id type name" lines.
 *   vmtool load SECONDS
 *       context-switch load: two processes ping-pong one byte over pipes.
 *
 * fentry on a tp_btf target is refused with "Cannot recursively attach" on
 * kernels before 2024: `fentry tp_btf` then exits 3.  Other exit statuses:
 * 0 the check held, 1 it did not, 2 usage or setup error.  Each command
 * prints one line saying what it measured.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "vm_prof.skel.h"
#include "vm_target.skel.h"

/* libbpf's messages: kept quiet unless VMTOOL_VERBOSE is set. */
static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG || !getenv("VMTOOL_VERBOSE"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Ping-pong one byte between this process and a child for `seconds`: each
 * round trip is two context switches on an idle machine.  Returns the
 * number of round trips, or -1 on error. */
static long pingpong(double seconds)
{
	int ab[2], ba[2];
	long trips = 0;
	pid_t child;
	char c = 0;
	double end;

	if (pipe(ab) || pipe(ba))
		return -1;
	child = fork();
	if (child < 0)
		return -1;
	if (child == 0) {
		close(ab[1]);
		close(ba[0]);
		while (read(ab[0], &c, 1) == 1 && write(ba[1], &c, 1) == 1)
			;
		_exit(0);
	}
	close(ab[0]);
	close(ba[1]);
	end = now_s() + seconds;
	while (now_s() < end) {
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1) {
			trips = -1;
			break;
		}
		trips++;
	}
	close(ab[1]);
	close(ba[0]);
	waitpid(child, NULL, 0);
	return trips;
}

static int prog_info(int fd, struct bpf_prog_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return bpf_obj_get_info_by_fd(fd, info, &len);
}

/* Load the target skeleton with only `keep` of its programs, and attach
 * it.  Returns the program's fd, or -1 (errno set). */
static int target_load(struct vm_target *tgt, struct bpf_program *keep)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, tgt->obj)
		bpf_program__set_autoload(p, p == keep);
	if (vm_target__load(tgt) || !bpf_program__attach(keep))
		return -1;
	return bpf_program__fd(keep);
}

/* fentry/fexit on a sched_switch target under a ping-pong load.  Holds when
 * the fentry count equals the target's run_cnt delta within 1% (both read
 * around the load; runs between the two reads are the only difference) and
 * the entry-to-exit mean is within a factor 20 of run_time_ns/run_cnt,
 * which also includes the trampoline and, under TCG, is noisy. */
static int cmd_fentry(const char *kind, double seconds)
{
	static char log[64 * 1024];
	struct vm_target *tgt = NULL;
	struct vm_prof *prof = NULL;
	struct bpf_program *target;
	struct bpf_prog_info i0, i1;
	int stats_fd = -1, tfd, err = 2, btf = !strcmp(kind, "tp_btf");
	__u64 e0, e1, x0, x1, ns0, ns1;
	double runs, got, mean_prof, mean_stats;
	const char *name;
	long trips;

	if (!btf && strcmp(kind, "raw_tp"))
		return 2;
	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (stats_fd < 0) {
		fprintf(stderr, "vmtool: bpf_enable_stats: %s\n", strerror(errno));
		goto cleanup;
	}
	tgt = vm_target__open();
	if (!tgt)
		goto cleanup;
	target = btf ? tgt->progs.vm_target_btf : tgt->progs.vm_target_raw;
	name = bpf_program__name(target);
	tfd = target_load(tgt, target);
	if (tfd < 0) {
		fprintf(stderr, "vmtool: target %s: %s\n", name, strerror(errno));
		goto cleanup;
	}
	prof = vm_prof__open();
	if (!prof)
		goto cleanup;
	bpf_program__set_log_buf(prof->progs.vm_prof_entry, log, sizeof(log));
	bpf_program__set_log_level(prof->progs.vm_prof_entry, 1);
	if (bpf_program__set_attach_target(prof->progs.vm_prof_entry, tfd, name) ||
	    bpf_program__set_attach_target(prof->progs.vm_prof_exit, tfd, name))
		goto cleanup;
	err = 1;
	if (vm_prof__load(prof)) {
		if (strstr(log, "Cannot recursively attach")) {
			printf("fentry on %s (%s): refused: Cannot recursively attach\n",
			       kind, name);
			err = 3;
		} else {
			printf("fentry on %s (%s): load refused: %s\n", kind, name,
			       strerror(errno));
		}
		goto cleanup;
	}
	if (vm_prof__attach(prof)) {
		printf("fentry on %s (%s): attach refused: %s\n", kind, name,
		       strerror(errno));
		goto cleanup;
	}
	e0 = prof->bss->entries, x0 = prof->bss->exits, ns0 = prof->bss->total_ns;
	if (prog_info(tfd, &i0))
		goto cleanup;
	trips = pingpong(seconds);
	if (prog_info(tfd, &i1))
		goto cleanup;
	e1 = prof->bss->entries, x1 = prof->bss->exits, ns1 = prof->bss->total_ns;

	runs = (double)(i1.run_cnt - i0.run_cnt);
	got = (double)(e1 - e0);
	mean_prof = x1 > x0 ? (double)(ns1 - ns0) / (double)(x1 - x0) : 0;
	mean_stats = runs > 0 ? (double)(i1.run_time_ns - i0.run_time_ns) / runs : 0;
	printf("fentry on %s (%s): pingpong=%ld run_cnt_delta=%.0f fentry=%.0f "
	       "fexit=%llu mean_fentry_ns=%.0f mean_stats_ns=%.0f\n", kind, name,
	       trips, runs, got, (unsigned long long)(x1 - x0), mean_prof,
	       mean_stats);
	if (runs < 100)
		printf("too few runs (%.0f) to compare\n", runs);
	else if (got < runs * 0.99 || got > runs * 1.01)
		printf("fentry count %.0f vs run_cnt delta %.0f: off by more than 1%%\n",
		       got, runs);
	else if (mean_prof <= 0 || mean_prof > mean_stats * 20 ||
		 mean_prof < mean_stats / 20)
		printf("entry-to-exit mean %.0f ns vs stats mean %.0f ns: beyond a "
		       "factor 20\n", mean_prof, mean_stats);
	else
		err = 0;
cleanup:
	vm_prof__destroy(prof);
	vm_target__destroy(tgt);
	if (stats_fd >= 0)
		close(stats_fd);
	return err;
}

/* 1 when fentry and fexit links to program `id` both exist. */
static int fentry_fexit_linked(__u32 id)
{
	struct bpf_link_info info;
	__u32 lid = 0, len;
	int fd, in = 0, out = 0;

	while (!bpf_link_get_next_id(lid, &lid)) {
		fd = bpf_link_get_fd_by_id(lid);
		if (fd < 0)
			continue;
		len = sizeof(info);
		memset(&info, 0, sizeof(info));
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) &&
		    info.type == BPF_LINK_TYPE_TRACING &&
		    info.tracing.target_obj_id == id) {
			in |= info.tracing.attach_type == BPF_TRACE_FENTRY;
			out |= info.tracing.attach_type == BPF_TRACE_FEXIT;
		}
		close(fd);
	}
	return in && out;
}

/* 1 when a program whose name starts with `prefix` is loaded. */
static int prog_loaded(const char *prefix)
{
	struct bpf_prog_info info;
	__u32 id = 0;
	int fd, found = 0;

	while (!found && !bpf_prog_get_next_id(id, &id)) {
		fd = bpf_prog_get_fd_by_id(id);
		if (fd < 0)
			continue;
		found = !prog_info(fd, &info) &&
			!strncmp(info.name, prefix, strlen(prefix));
		close(fd);
	}
	return found;
}

/* Rename this process n times: n runs of a task_rename target. */
static void rename_n(long n)
{
	for (long i = 0; i < n; i++)
		prctl(PR_SET_NAME, (i & 1) ? "vmtool-a" : "vmtool-b", 0, 0, 0);
	prctl(PR_SET_NAME, "vmtool", 0, 0, 0);
}

static int cmd_profile_exact(const char *kind, long n, char **cmd)
{
	struct vm_target *tgt = NULL;
	struct bpf_program *target;
	struct bpf_prog_info i0, i1, me;
	int stats_fd = -1, tfd, err = 2, status, btf = !strcmp(kind, "tp_btf");
	double floor_seen = 0, deadline;
	const char *how = NULL;
	pid_t child = -1;

	if ((!btf && strcmp(kind, "raw_tp")) || n <= 0)
		return 2;
	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (stats_fd < 0) {
		fprintf(stderr, "vmtool: bpf_enable_stats: %s\n", strerror(errno));
		goto cleanup;
	}
	tgt = vm_target__open();
	if (!tgt)
		goto cleanup;
	target = btf ? tgt->progs.vm_rename_btf : tgt->progs.vm_rename_raw;
	tfd = target_load(tgt, target);
	if (tfd < 0 || prog_info(tfd, &me)) {
		fprintf(stderr, "vmtool: target %s: %s\n", bpf_program__name(target),
			strerror(errno));
		goto cleanup;
	}
	fflush(stdout);
	child = fork();
	if (child < 0)
		goto cleanup;
	if (child == 0) {
		execvp(cmd[0], cmd);
		fprintf(stderr, "vmtool: %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	/* Wait for the profiler's fentry/fexit on the target, or for its
	 * fallback: the floor program loaded and no link after 3 s. */
	deadline = now_s() + 300;
	while (!how && now_s() < deadline && waitpid(child, &status, WNOHANG) == 0) {
		if (fentry_fexit_linked(me.id))
			how = "fentry/fexit attached";
		else if (!floor_seen && prog_loaded("stats_floor"))
			floor_seen = now_s();
		else if (floor_seen && now_s() - floor_seen > 3)
			how = "no fentry/fexit link 3 s after the floor program";
		else
			usleep(20000);
	}
	if (!how) {
		fprintf(stderr, "vmtool: the profiler ended or never started profiling\n");
		err = 1;
		goto wait;
	}
	if (prog_info(tfd, &i0))
		goto wait;
	rename_n(n);
	if (prog_info(tfd, &i1))
		goto wait;
	printf("vmtool: %s (%s): renames=%ld run_cnt_delta=%llu run_time_ns_delta=%llu\n",
	       bpf_program__name(target), how, n,
	       (unsigned long long)(i1.run_cnt - i0.run_cnt),
	       (unsigned long long)(i1.run_time_ns - i0.run_time_ns));
	fflush(stdout);
	err = 0;
wait:
	if (waitpid(child, &status, 0) == child && !err)
		err = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
cleanup:
	vm_target__destroy(tgt);
	if (stats_fd >= 0)
		close(stats_fd);
	return err;
}

static int cmd_progs(void)
{
	struct bpf_prog_info info;
	__u32 id = 0;
	int fd;

	while (!bpf_prog_get_next_id(id, &id)) {
		fd = bpf_prog_get_fd_by_id(id);
		if (fd < 0)
			continue;
		if (!prog_info(fd, &info))
			printf("%u %u %s\n", info.id, info.type, info.name);
		close(fd);
	}
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: vmtool fentry raw_tp|tp_btf [SECONDS]\n"
		"       vmtool profile-exact raw_tp|tp_btf N CMD [ARG...]\n"
		"       vmtool progs | load SECONDS\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	long trips;

	libbpf_set_print(quiet_print);
	if (!strcmp(cmd, "fentry") && argc >= 3)
		return cmd_fentry(argv[2], argc > 3 ? atof(argv[3]) : 2.0);
	if (!strcmp(cmd, "profile-exact") && argc >= 5)
		return cmd_profile_exact(argv[2], atol(argv[3]), argv + 4);
	if (!strcmp(cmd, "progs"))
		return cmd_progs();
	if (!strcmp(cmd, "load") && argc == 3) {
		trips = pingpong(atof(argv[2]));
		printf("load: %ld round trips in %s s\n", trips, argv[2]);
		return trips < 0 ? 2 : 0;
	}
	return usage();
}
