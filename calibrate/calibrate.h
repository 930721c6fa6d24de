/* calibrate.h - `bpfsim calibrate`: measure a live host with BPF probes.
 *
 * Three measurements (DESIGN.md "Calibration"), each writing its section of
 * a calibration file (calfile.h) when given -o FILE:
 *   profile   per-run cost of a loaded BPF program: fentry/fexit programs
 *             on it fill a histogram in the kernel; where the kernel
 *             refuses fentry/fexit, run_time_ns/run_cnt from bpf_stats
 *             (means only, the stats' own cost measured and subtracted),
 *             labelled as such, with the reason.
 *   workload  runqueue wait, on-CPU time, sleep, task lifetime and CPU
 *             demand, spawn inter-arrival, from tp_btf (or raw_tp) probes
 *             on the scheduler's tracepoints; optional built-in load.
 *   storage   the bundled runqslower-style probes (hash and task storage)
 *             with every storage operation timed in the program, against
 *             map occupancy and the number of active tasks; with have_load
 *             (bpfsim validate) once, under that load instead of sleeper
 *             threads, at the first occupancy and active count.
 *
 * Platform split: the live implementation (live.c, workload.c,
 * rqslower.c, profile.c and the *.bpf.c programs) is built only when
 * clang, bpftool, libbpf and the running kernel's BTF are present; else
 * nobpf.c provides these functions, which say what the build was missing.
 * At run time the live code checks privileges and kernel features itself.
 *
 * Safety: every probe is detached and every map freed on return, error,
 * SIGINT or SIGTERM (the caller's flag o->interrupted is polled at least
 * every 100 ms); the bpf_stats sysctl, when it had to be used, is
 * restored.  Return values are err statuses (e filled); an interrupted run
 * returns 0 and the caller maps its flag to 130/143.
 */
#ifndef BPFSIM_CALIBRATE_H
#define BPFSIM_CALIBRATE_H

#include <stddef.h>
#include <stdint.h>
#include "calibrate/loadgen.h"
#include "sim/err.h"

#define CALIB_MAX_POINTS 16

enum calib_attach { CALIB_ATTACH_AUTO, CALIB_ATTACH_TP_BTF, CALIB_ATTACH_RAW_TP };

struct calib_opts {
	const char *out;             /* calibration file (-o), NULL = none */
	double duration_ns;          /* measuring time (storage: per point) */
	int have_load;               /* --load given */
	struct loadgen_spec load;
	const char *load_text;
	const char *prog;            /* profile: ID, NAME or bundled:VARIANT */
	double occ[CALIB_MAX_POINTS];    /* storage: map occupancies */
	size_t nocc;
	double act[CALIB_MAX_POINTS];    /* storage: active task counts */
	size_t nact;
	uint64_t max_entries;        /* storage: hash capacity (0: the largest
					occupancy + 65536) */
	int variant;                 /* storage: -1 both, 0 hash, 1 task only */
	enum calib_attach attach;    /* tp_btf, raw_tp or auto */
	int quiet;                   /* no progress */
	int brief;                   /* workload report without fits (the
					file still has them): validate */
	int verbose;                 /* libbpf's messages on stderr */
	const char *hook;            /* primitives: sched_switch or sys_exit
					(NULL: sys_exit) */
	volatile int *interrupted;   /* non-zero: stop now (the caller's signal
					flag); NULL = never */
};

/* Whether the caller asked the measurement to stop. */
static inline int calib_interrupted(const struct calib_opts *o)
{
	return o->interrupted && *o->interrupted;
}

int calib_profile(const struct calib_opts *o, struct err *e);
int calib_workload(const struct calib_opts *o, struct err *e);
int calib_storage(const struct calib_opts *o, struct err *e);
int calib_primitives(const struct calib_opts *o, struct err *e);
/* NULL when built with BPF support, else what the build lacked. */
const char *calib_missing(void);


#endif
