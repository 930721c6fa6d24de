/* prims.c - `bpfsim calibrate primitives`: the primitives a described
 * program is priced by, timed on a hot tracepoint (prims.h).
 *
 * The program (prims.bpf.c, tp_btf on sched_switch or sys_exit) brackets
 * each primitive with bpf_ktime_get_ns() on every run, under a load that
 * makes the hook hot (default: sleepers:64 for sched_switch, syscalls:200k
 * for sys_exit), for --duration.  As calibrate storage does: the clock's
 * tick is found from the empty bracket, every histogram spread over it,
 * and the empty bracket's mean subtracted (chist_shift).  Written to the
 * calibration file as
 *   primitives:
 *     meta: {hook, attach, load, clock_tick_ns, note}
 *     helpers: {ktime_get_ns, get_current_pid_tgid, get_current_task,
 *               probe_read_kernel}
 *     array: {lookup}, percpu_array: {lookup}, atomic_add
 *     hash: {lookup, miss, replace}    - a hot u32 key of an 8192-entry
 *                                        hash, as libbpf-tools' counters
 *     baseline
 * under the model's key names (models/probe/prims.h), so a scenario takes
 * them as `{from: calibration.primitives.helpers.ktime_get_ns}`.  What
 * this cannot see: the dispatch (outside the program) and costs that
 * depend on the working set (the storage classes, calibrate storage).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "calibrate/calfile.h"
#include "calibrate/dispatch.h"
#include "calibrate/fit.h"
#include "calibrate/live.h"
#include "calibrate/loadgen.h"
#include "calibrate/prims.h"
#include "prims.skel.h"

static const char *const dispatch_names[DISPATCH_TYPES] = {
	"tp_btf", "raw_tp", "tracepoint"
};

static const struct {
	int op;
	const char *group, *key;
} prim_keys[] = {
	{ PRIM_KTIME, "helpers", "ktime_get_ns" },
	{ PRIM_PID_TGID, "helpers", "get_current_pid_tgid" },
	{ PRIM_CURRENT_TASK, "helpers", "get_current_task" },
	{ PRIM_PROBE_READ, "helpers", "probe_read_kernel" },
	{ PRIM_ARRAY_LOOKUP, "array", "lookup" },
	{ PRIM_PCPU_LOOKUP, "percpu_array", "lookup" },
	{ PRIM_ATOMIC_ADD, NULL, "atomic_add" },
	{ PRIM_HASH_LOOKUP, "hash", "lookup" },
	{ PRIM_HASH_MISS, "hash", "miss" },
	{ PRIM_HASH_REPLACE, "hash", "replace" },
};
#define NKEYS (sizeof(prim_keys) / sizeof(prim_keys[0]))

int calib_primitives(const struct calib_opts *o, struct err *e)
{
	struct live_features f;
	struct prims_bpf *s = NULL;
	struct bpf_link *link = NULL;
	struct loadgen g;
	struct chist op[PRIM_NOPS];
	struct hist *h = NULL;
	const char *hook = o->hook ? o->hook : "sys_exit";
	int sys = !strcmp(hook, "sys_exit"), rc;
	char b[48];

	memset(&g, 0, sizeof(g));
	memset(op, 0, sizeof(op));
	if ((rc = live_init(o, &f, e)))
		return rc;
	if (!f.tp_btf)
		return err_set(e, ERR_RUNTIME, "bpfsim calibrate", 0, 0,
			       "the primitives are timed in a tp_btf program, "
			       "which this kernel refuses (%s)",
			       live_errno_name(f.tp_btf_errno));
	if (!(s = prims_bpf__open()))
		return err_set(e, ERR_RUNTIME, "bpfsim calibrate", 0, 0,
			       "cannot open the primitives probe: %s",
			       strerror(errno));
	bpf_program__set_autoload(s->progs.prims_sys_exit, sys);
	bpf_program__set_autoload(s->progs.prims_sched_switch, !sys);
	if (prims_bpf__load(s)) {
		rc = err_set(e, ERR_RUNTIME, "bpfsim calibrate", 0, 0,
			     "the kernel refused the primitives probe on %s: %s",
			     hook, strerror(errno));
		goto out;
	}
	/* The dispatch first, before the load: this thread's own system
	 * calls against the hook, nothing else running of ours. */
	struct dispatch_result dr;
	if ((rc = dispatch_measure(&dr, e)))
		goto out;
	struct loadgen_spec def;
	const struct loadgen_spec *spec = &o->load;
	char why[160];
	if (!o->have_load) {
		loadgen_parse(sys ? "syscalls:200k" : "sleepers:64", &def, why,
			      sizeof(why));
		spec = &def;
	}
	if (live_load_start(o, spec, &g, "bpfsim calibrate", e)) {
		rc = e->status;
		goto out;
	}
	link = bpf_program__attach(sys ? s->progs.prims_sys_exit
				       : s->progs.prims_sched_switch);
	if (!link) {
		rc = err_set(e, ERR_RUNTIME, "bpfsim calibrate", 0, 0,
			     "cannot attach the primitives probe to %s: %s", hook,
			     strerror(errno));
		goto out;
	}
	char what[96];
	snprintf(what, sizeof(what), "timing the primitives on %s", hook);
	int intr = live_wait(o, o->duration_ns * 1e-9, what, NULL, NULL);
	bpf_link__destroy(link);
	link = NULL;
	loadgen_stop(&g);
	if (intr)
		goto out;
	if (!(h = malloc(sizeof(*h)))) {
		rc = err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		goto out;
	}
	for (int i = 0; i < PRIM_NOPS; i++)
		if (live_read_hist(bpf_map__fd(s->maps.hists), (uint32_t)i, h) ||
		    chist_from_hist(&op[i], h)) {
			rc = err_set(e, ERR_RUNTIME, "bpfsim calibrate", 0, 0,
				     "cannot read the primitives' histograms");
			goto out;
		}
	unsigned tick = chist_clock_tick(&op[PRIM_BASE]);
	for (int i = 0; i < PRIM_NOPS; i++)
		chist_spread(&op[i], tick);
	double base = chist_mean(&op[PRIM_BASE]);
	if (!isnan(base))
		for (int i = 1; i < PRIM_NOPS; i++)
			chist_shift(&op[i], base);
	if (!o->quiet || !o->out) {
		printf("primitives on %s (tp_btf), %.0f runs, timer baseline %s "
		       "subtracted:\n", hook, chist_total(&op[PRIM_BASE]),
		       live_ns(base, b, sizeof(b)));
		live_dist_header(stdout);
		for (size_t k = 0; k < NKEYS; k++) {
			char name[64];
			snprintf(name, sizeof(name), "%s%s%s",
				 prim_keys[k].group ? prim_keys[k].group : "",
				 prim_keys[k].group ? "." : "", prim_keys[k].key);
			live_dist_row_fit(stdout, name, &op[prim_keys[k].op], 0);
		}
		printf("dispatch per attached program (getppid %s with nothing "
		       "attached):\n", live_ns(dr.base_ns, b, sizeof(b)));
		for (int t = 0; t < DISPATCH_TYPES; t++) {
			char b2[48], b3[48], b4[48];
			if (dr.measured[t])
				printf("  %-12s first %s +- %s, each further %s +- "
				       "%s\n", dispatch_names[t],
				       live_ns(dr.first[t], b, sizeof(b)),
				       live_ns(dr.first_spread[t], b2, sizeof(b2)),
				       live_ns(dr.per_prog[t], b3, sizeof(b3)),
				       live_ns(dr.spread[t], b4, sizeof(b4)));
			else
				printf("  %-12s not measured: %s\n",
				       dispatch_names[t], dr.why[t]);
		}
	}
	if (!o->out)
		goto out;
	struct live_section sec;
	if ((rc = live_section_open(&sec, &f, NULL, e)))
		goto out;
	FILE *w = sec.f;
	char lt[160], q[200];
	loadgen_format(spec, lt, sizeof(lt));
	fprintf(w, "primitives:\n  meta:\n    hook: %s\n    attach: tp_btf\n"
		"    duration: %s\n    load: %s\n    clock_tick_ns: %u\n", hook,
		live_ns(o->duration_ns, b, sizeof(b)),
		calfile_quote(lt, q, sizeof(q)), tick);
	fprintf(w, "    note: \"each primitive bracketed by bpf_ktime_get_ns in a "
		"tp_btf program on every run of the hook, the empty bracket's mean "
		"subtracted, values spread over the clock tick; hash: one hot u32 "
		"key of an 8192-entry BPF_MAP_TYPE_HASH\"\n");
	fprintf(w, "  # per program attached to a hook, outside it: %d empty "
		"programs on\n  # raw_syscalls:sys_exit against none, getppid "
		"timed by this thread, median\n  # of %d rounds +- half the "
		"IQR (getppid alone: %.4g ns); calibrate/dispatch.h\n"
		"  dispatch:\n", DISPATCH_N, DISPATCH_ROUNDS, dr.base_ns);
	for (int t = 0; t < DISPATCH_TYPES; t++) {
		char m[48], sd[48];
		if (!dr.measured[t]) {
			fprintf(w, "    # %s: not measured (%s)\n",
				dispatch_names[t], dr.why[t]);
			continue;
		}
		fit_format_ns(dr.per_prog[t] > 0.1 ? dr.per_prog[t] : 0.1, 4, m,
			      sizeof(m));
		fit_format_ns(dr.spread[t] > 0.01 ? dr.spread[t] : 0.01, 3, sd,
			      sizeof(sd));
		fprintf(w, "    %s: \"normal(%s, %s)\"\n", dispatch_names[t], m,
			sd);
	}
	const char *groups[] = { "helpers", "array", "percpu_array", "hash" };
	for (size_t gi = 0; gi < 4; gi++) {
		fprintf(w, "  %s:\n", groups[gi]);
		for (size_t k = 0; k < NKEYS; k++)
			if (prim_keys[k].group &&
			    !strcmp(prim_keys[k].group, groups[gi]))
				calfile_write_dist(w, 4, prim_keys[k].key,
						   &op[prim_keys[k].op], base);
	}
	calfile_write_dist(w, 2, "atomic_add", &op[PRIM_ATOMIC_ADD], base);
	calfile_write_dist(w, 2, "baseline", &op[PRIM_BASE], 0);
	rc = live_section_commit(&sec, o->out, "the primitives", stdout, e);
out:
	free(h);
	for (int i = 0; i < PRIM_NOPS; i++)
		chist_fini(&op[i]);
	bpf_link__destroy(link);
	loadgen_stop(&g);
	prims_bpf__destroy(s);
	return rc;
}
