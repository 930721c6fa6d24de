/* nobpf.c - `bpfsim calibrate` in a build without BPF support.
 *
 * Built instead of the live calibration code when the build machine lacked
 * clang, bpftool, libbpf (headers), libelf, zlib or the kernel's BTF
 * (/sys/kernel/btf/vmlinux); the Makefile passes the list as CALIB_MISSING.
 * Everything else of bpfsim - including scenarios that use an existing
 * calibration file - works without it.
 */
#include "calibrate/calibrate.h"

#ifndef CALIB_MISSING
#define CALIB_MISSING "BPF support (unknown reason)"
#endif

const char *calib_missing(void)
{
	return CALIB_MISSING;
}

static int missing(struct err *e)
{
	return err_set(e, ERR_RUNTIME, "bpfsim calibrate", 0, 0,
		       "this bpfsim was built without BPF support; the build "
		       "lacked: %s.  Install them (Debian: make deps installs "
		       "clang llvm libbpf-dev libelf-dev zlib1g-dev bpftool) on a "
		       "kernel with BTF, then rebuild (make clean all)",
		       CALIB_MISSING);
}

int calib_profile(const struct calib_opts *o, struct err *e)
{
	(void)o;
	return missing(e);
}

int calib_workload(const struct calib_opts *o, struct err *e)
{
	(void)o;
	return missing(e);
}

int calib_storage(const struct calib_opts *o, struct err *e)
{
	(void)o;
	return missing(e);
}

int calib_primitives(const struct calib_opts *o, struct err *e)
{
	(void)o;
	return missing(e);
}

/* bpfsim validate's live half (validate_live.c). */
#include "calibrate/validate.h"

int validate_check(const struct calib_opts *o, struct err *e)
{
	(void)o;
	return err_set(e, ERR_RUNTIME, "bpfsim validate", 0, 0,
		       "this bpfsim was built without BPF support; the build "
		       "lacked: %s.  Install them (Debian: make deps) on a "
		       "kernel with BTF, then rebuild (make clean all)",
		       CALIB_MISSING);
}

int validate_measure(const struct calib_opts *o, int task, const char *calfile,
		     FILE *rep, struct val_measured *m, struct err *e)
{
	(void)task;
	(void)calfile;
	(void)rep;
	(void)m;
	return validate_check(o, e);
}

/* bpfsim validate --tool's live half (tool_run.c). */
#include "calibrate/validate_tool.h"

int validate_tool_measure(const struct calib_opts *o, const struct vt_tool *t,
			  const char *calfile, const char *logpath, FILE *rep,
			  struct vt_measured *m, struct err *e)
{
	(void)t;
	(void)calfile;
	(void)logpath;
	(void)rep;
	(void)m;
	return validate_check(o, e);
}
