/* vmtool - the guest's helper for `make check-vm`: BPF facts and loads.
 *
 * Linked statically into the VM's initramfs beside bpfsim, where there is
 * no bpftool.  It proves on its own that the guest kernel can do what
 * calibration relies on, and gives the guest test driver the kernel's view
 * of programs (run_cnt, run_time_ns, what is loaded) to check bpfsim
 * against:
 *
 *   vmtool fentry raw_tp|tp_btf [SECONDS]
 *                                   fentry/fexit on a program of that kind
 *                                   under a ping-pong load: the fentry count
 *                                   equals the target's run_cnt delta (1%);
 *                                   exit 3 when the load is refused with
 *                                   "Cannot recursively attach" (tp_btf
 *                                   targets on kernels before 2024)
 *   vmtool stats ID|NAME            id, type, name, run_cnt, run_time_ns
 *   vmtool progs                    loaded programs: "id type name" lines
 *   vmtool load SECONDS             context-switch load: two processes
 *                                   ping-pong one byte over pipes
 *   vmtool hold SECONDS             load and attach the raw_tp and tp_btf
 *                                   targets, print their ids, keep them
 *                                   for SECONDS (a target to profile)
 *
 * Exit status: 0 when the check held, 1 when it did not, 2 on usage or
 * setup errors.  Each check prints one line saying what it measured.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
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

/* fd of the loaded program with this id, or with this name (the kernel keeps
 * 15 characters of it); -1 when there is none. */
static int prog_find(const char *what)
{
	struct bpf_prog_info info;
	char *end;
	unsigned long want = strtoul(what, &end, 10);
	__u32 id = 0;
	int fd;

	if (*what && !*end)
		return bpf_prog_get_fd_by_id((__u32)want);
	while (!bpf_prog_get_next_id(id, &id)) {
		fd = bpf_prog_get_fd_by_id(id);
		if (fd < 0)
			continue;
		if (!prog_info(fd, &info) && !strncmp(info.name, what, sizeof(info.name) - 1))
			return fd;
		close(fd);
	}
	return -1;
}

static int cmd_stats(const char *what)
{
	struct bpf_prog_info info;
	int fd = prog_find(what);

	if (fd < 0 || prog_info(fd, &info)) {
		fprintf(stderr, "vmtool: no program %s\n", what);
		return 2;
	}
	printf("id=%u type=%u name=%s run_cnt=%llu run_time_ns=%llu\n", info.id,
	       info.type, info.name, (unsigned long long)info.run_cnt,
	       (unsigned long long)info.run_time_ns);
	close(fd);
	return 0;
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

/* fentry/fexit on one of the targets (raw_tp or tp_btf) under a ping-pong
 * load.  Holds when the fentry count equals the target's run_cnt delta
 * within 1% (both read around the load; runs between the two reads are the
 * only difference) and the entry-to-exit mean is within a factor 20 of
 * run_time_ns/run_cnt, which also includes the trampoline and, under TCG,
 * is noisy.  Returns 3 when the kernel refuses the load with "Cannot
 * recursively attach" (a tp_btf target before 2024 kernels). */
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
	bpf_program__set_autoload(btf ? tgt->progs.vm_target_raw
				      : tgt->progs.vm_target_btf, false);
	if (vm_target__load(tgt) || !bpf_program__attach(target)) {
		fprintf(stderr, "vmtool: target %s: %s\n", name, strerror(errno));
		goto cleanup;
	}
	tfd = bpf_program__fd(target);
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
	if (trips < 100 || runs < 100)
		printf("too little load (%ld trips, %.0f runs)\n", trips, runs);
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

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Load and attach both targets and keep them until SECONDS pass or a
 * signal arrives: a stand-in "user's program" for profiling. */
static int cmd_hold(double seconds)
{
	struct vm_target *tgt = vm_target__open_and_load();
	double end = now_s() + seconds;
	int err = 2;

	if (!tgt || vm_target__attach(tgt)) {
		fprintf(stderr, "vmtool: hold: %s\n", strerror(errno));
		goto cleanup;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("raw_tp=vm_target_raw tp_btf=vm_target_btf\n");
	fflush(stdout);
	while (!stop && now_s() < end)
		usleep(100000);
	err = 0;
cleanup:
	vm_target__destroy(tgt);
	return err;
}

static int usage(void)
{
	fprintf(stderr, "usage: vmtool fentry raw_tp|tp_btf [SECONDS] | stats ID|NAME"
		" | progs | load SECONDS | hold SECONDS\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	double secs = argc > 2 ? atof(argv[2]) : 2.0;
	long trips;

	libbpf_set_print(quiet_print);
	if (!strcmp(cmd, "fentry") && argc >= 3)
		return cmd_fentry(argv[2], argc > 3 ? atof(argv[3]) : 2.0);
	if (!strcmp(cmd, "stats") && argc == 3)
		return cmd_stats(argv[2]);
	if (!strcmp(cmd, "progs"))
		return cmd_progs();
	if (!strcmp(cmd, "hold") && argc == 3)
		return cmd_hold(secs);
	if (!strcmp(cmd, "load") && argc == 3) {
		trips = pingpong(secs);
		printf("load: %ld round trips in %.1f s\n", trips, secs);
		return trips < 0 ? 2 : 0;
	}
	return usage();
}
