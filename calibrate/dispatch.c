/* dispatch.c - the hooks' dispatch per attached program (dispatch.h). */
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <bpf/libbpf.h>

#include "calibrate/dispatch.h"
#include "calibrate/live.h"
#include "dispatch.skel.h"

/* ns per getppid over DISPATCH_CALLS calls. */
static double time_calls(void)
{
	double t0 = (double)live_now_ns();
	for (int i = 0; i < DISPATCH_CALLS; i++)
		syscall(SYS_getppid);
	return ((double)live_now_ns() - t0) / DISPATCH_CALLS;
}

static void progs_of(struct dispatch_bpf *s, int type,
		     struct bpf_program *p[DISPATCH_N])
{
	struct bpf_program *all[DISPATCH_TYPES][DISPATCH_N] = {
		{ s->progs.d_btf0, s->progs.d_btf1, s->progs.d_btf2,
		  s->progs.d_btf3, s->progs.d_btf4, s->progs.d_btf5,
		  s->progs.d_btf6, s->progs.d_btf7 },
		{ s->progs.d_raw0, s->progs.d_raw1, s->progs.d_raw2,
		  s->progs.d_raw3, s->progs.d_raw4, s->progs.d_raw5,
		  s->progs.d_raw6, s->progs.d_raw7 },
		{ s->progs.d_tp0, s->progs.d_tp1, s->progs.d_tp2,
		  s->progs.d_tp3, s->progs.d_tp4, s->progs.d_tp5,
		  s->progs.d_tp6, s->progs.d_tp7 },
	};
	memcpy(p, all[type], sizeof(all[type]));
}

static void detach(struct bpf_link *l[DISPATCH_N])
{
	for (int k = 0; k < DISPATCH_N; k++) {
		bpf_link__destroy(l[k]);
		l[k] = NULL;
	}
}

/* Attach n of type's programs; 0, or -errno with everything detached. */
static int attach(struct dispatch_bpf *s, int type, int n,
		  struct bpf_link *l[DISPATCH_N])
{
	struct bpf_program *p[DISPATCH_N];
	progs_of(s, type, p);
	for (int k = 0; k < n; k++)
		if (!(l[k] = bpf_program__attach(p[k]))) {
			int err = -errno;
			detach(l);
			return err ? err : -EINVAL;
		}
	return 0;
}

/* Median and half inter-quartile range of n values (sorted in place). */
static void summary(double *v, size_t n, double *med, double *half_iqr)
{
	gsl_sort(v, 1, n);
	*med = gsl_stats_median_from_sorted_data(v, 1, n);
	*half_iqr = 0.5 * (gsl_stats_quantile_from_sorted_data(v, 1, n, 0.75) -
			   gsl_stats_quantile_from_sorted_data(v, 1, n, 0.25));
}

int dispatch_measure(struct dispatch_result *r, struct err *e)
{
	struct dispatch_bpf *s = NULL;
	struct bpf_link *l[DISPATCH_N] = { NULL };
	double per[DISPATCH_TYPES][DISPATCH_ROUNDS], base[DISPATCH_ROUNDS],
	       first[DISPATCH_TYPES][DISPATCH_ROUNDS];
	cpu_set_t old, one;
	int mounted = 0, pinned = 0;

	memset(r, 0, sizeof(*r));
	FILE *f = fopen("/proc/sys/kernel/bpf_stats_enabled", "r");
	int c = f ? fgetc(f) : '0';
	if (f)
		fclose(f);
	if (c == '1')
		return err_set(e, ERR_RUNTIME, "bpfsim calibrate", 0, 0,
			       "kernel.bpf_stats_enabled is 1: the dispatch would "
			       "include the stats' clock reads; set it to 0 "
			       "(sysctl kernel.bpf_stats_enabled=0) and run again");
	if (!(s = dispatch_bpf__open_and_load()))
		return err_set(e, ERR_RUNTIME, "bpfsim calibrate", 0, 0,
			       "the kernel refused the dispatch probes: %s",
			       strerror(errno));
	if (live_tracefs_mount(&mounted, "bpfsim calibrate", e)) {
		/* Without tracefs the classic type is left out, not fatal. */
		snprintf(r->why[DISPATCH_TRACEPOINT], sizeof(r->why[0]), "%.80s",
			 e->msg);
		err_init(e);
	}
	if (!sched_getaffinity(0, sizeof(old), &old)) {
		CPU_ZERO(&one);
		CPU_SET(sched_getcpu() >= 0 ? sched_getcpu() : 0, &one);
		pinned = !sched_setaffinity(0, sizeof(one), &one);
	}
	int ok[DISPATCH_TYPES];
	for (int t = 0; t < DISPATCH_TYPES; t++) {
		ok[t] = !r->why[t][0];
		if (ok[t]) {
			int err = attach(s, t, DISPATCH_N, l);
			if (err) {
				snprintf(r->why[t], sizeof(r->why[t]),
					 "cannot attach: %s", strerror(-err));
				ok[t] = 0;
			}
			detach(l);
		}
	}
	time_calls();   /* warm up */
	for (int k = 0; k < DISPATCH_ROUNDS; k++) {
		base[k] = time_calls();
		for (int t = 0; t < DISPATCH_TYPES; t++) {
			if (!ok[t])
				continue;
			double with[2];
			for (int j = 0; j < 2 && ok[t]; j++) {
				if (attach(s, t, j ? DISPATCH_N : 1, l)) {
					ok[t] = 0;
					snprintf(r->why[t], sizeof(r->why[t]),
						 "attach failed during the rounds");
					break;
				}
				with[j] = time_calls();
				detach(l);
			}
			if (!ok[t])
				continue;
			first[t][k] = with[0] - base[k];
			per[t][k] = (with[1] - with[0]) / (DISPATCH_N - 1);
		}
	}
	double spread;
	summary(base, DISPATCH_ROUNDS, &r->base_ns, &spread);
	for (int t = 0; t < DISPATCH_TYPES; t++)
		if ((r->measured[t] = ok[t])) {
			summary(per[t], DISPATCH_ROUNDS, &r->per_prog[t],
				&r->spread[t]);
			summary(first[t], DISPATCH_ROUNDS, &r->first[t],
				&r->first_spread[t]);
		}
	if (pinned)
		sched_setaffinity(0, sizeof(old), &old);
	live_tracefs_unmount(&mounted, "bpfsim calibrate");
	dispatch_bpf__destroy(s);
	return 0;
}
