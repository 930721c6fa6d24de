/* validate_tool.c - `bpfsim validate --tool`: the tools known, the generated
 * scenario, its simulation and the rows (validate_tool.h has the method).
 *
 * Built everywhere (the argument check and the suggestion for a misspelt
 * tool need no BPF); the measurement is tool_run.c (live) or nobpf.c.
 *
 * The table below is written from bcc's libbpf-tools sources at v0.26.0
 * (the version Debian 12 packages) and checked against the binaries on
 * the development host (the program names are what `bpftool prog show`
 * lists while each runs with these arguments):
 *   runqslower  runqslower.c: probe_tp_btf("sched_wakeup") picks the
 *               tp_btf programs sched_wakeup, sched_wakeup_new,
 *               sched_switch (the raw_tp copies are not loaded); default
 *               min_us 10000, as the description's 10 ms;
 *   runqlat     runqlat.c: the same three tp_btf programs, no options
 *               (one global histogram);
 *   cpudist     cpudist.c: sched_switch_btf (tp_btf) with BTF; on-CPU mode;
 *   syscount    syscount.c main(): loads sys_enter and sys_exit (classic
 *               tracepoints raw_syscalls/sys_*) but attaches sys_enter only
 *               with -L, so by default sys_enter never runs.
 * Each runs until SIGINT (no interval or count argument).
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calibrate/validate_tool.h"
#include "calibrate/calfile.h"
#include "calibrate/fit.h"
#include "sim/dist.h"
#include "sim/exp/experiment.h"
#include "sim/exp/scenario.h"
#include "sim/model.h"
#include "sim/out.h"
#include "sim/ytree.h"

static const struct vt_tool tools[] = {
	{ "runqslower", "runqslower", { NULL }, "tools/runqslower-hash.yaml",
	  "sleepers:64", 0, 0, 3, {
		{ "sched_wakeup", "sched_wakeup", "tp_btf", 1 },
		{ "sched_wakeup_new", "sched_wakeup_new", "tp_btf", 1 },
		{ "sched_switch", "sched_switch", "tp_btf", 1 } } },
	{ "runqlat", "runqlat", { NULL }, "tools/runqlat.yaml",
	  "sleepers:64", 0, 0, 3, {
		{ "sched_wakeup", "sched_wakeup", "tp_btf", 1 },
		{ "sched_wakeup_new", "sched_wakeup_new", "tp_btf", 1 },
		{ "sched_switch", "sched_switch", "tp_btf", 1 } } },
	{ "cpudist", "cpudist", { NULL }, "tools/cpudist.yaml",
	  "sleepers:64", 0, 0, 1, {
		{ "sched_switch_btf", "sched_switch_btf", "tp_btf", 1 } } },
	{ "syscount", "syscount", { NULL }, "tools/syscount.yaml",
	  "syscalls:200k", 1, 1, 2, {
		{ "sys_exit", "sys_exit", "tracepoint", 1 },
		{ "sys_enter", NULL, "tracepoint", 0 } } },
};
#define NTOOLS (sizeof(tools) / sizeof(tools[0]))

const struct vt_tool *vt_find(const char *name)
{
	for (size_t i = 0; i < NTOOLS; i++)
		if (!strcmp(tools[i].name, name))
			return &tools[i];
	return NULL;
}

const char *vt_names(void)
{
	return "runqslower, runqlat, cpudist, syscount";
}

const char *vt_suggest(const char *name)
{
	const char *best = NULL;
	size_t bd = (size_t)-1;
	for (size_t i = 0; i < NTOOLS; i++) {
		size_t d = ytree_edit_distance(name, tools[i].name);
		if (d < bd) {
			bd = d;
			best = tools[i].name;
		}
	}
	/* Close: at most a third of the name wrong (cf. ynode_suggest). */
	return best && bd <= 1 + strlen(name) / 3 ? best : NULL;
}

const char *vt_binary(const struct vt_tool *t, char *buf, size_t size)
{
	const char *env = getenv("BPFSIM_TOOLS_DIR");
	const char *dirs[] = { "/usr/sbin", "/usr/bin", "/sbin" };
	if (env && *env) {
		snprintf(buf, size, "%s/%s", env, t->bin);
		return access(buf, X_OK) ? NULL : buf;
	}
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(buf, size, "%s/%s", dirs[i], t->bin);
		if (!access(buf, X_OK))
			return buf;
	}
	snprintf(buf, size, "/usr/sbin, /usr/bin, /sbin");
	return NULL;
}

const char *vt_desc_path(const struct vt_tool *t, char *buf, size_t size)
{
	char rel[512], exe[PATH_MAX], *slash;
	snprintf(rel, sizeof(rel), "scenarios/%s", t->desc);
	if (realpath(rel, buf) && strlen(buf) < size)
		return buf;
	/* Beside the binary (a build tree), then installed copies. */
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = 0;
		for (int up = 0; up < 2 && (slash = strrchr(exe, '/')); up++) {
			*slash = 0;
			snprintf(buf, size, "%s/scenarios/%s", exe, t->desc);
			if (!access(buf, R_OK))
				return buf;
		}
	}
	const char *share[] = { "/usr/local/share/bpfsim/scenarios",
				"/usr/share/bpfsim/scenarios" };
	for (size_t i = 0; i < 2; i++) {
		snprintf(buf, size, "%s/%s", share[i], t->desc);
		if (!access(buf, R_OK))
			return buf;
	}
	snprintf(buf, size, "scenarios/%s", t->desc);
	return NULL;
}

/* ---- the scenario ------------------------------------------------------ */

/* The primitives of the calibration file (calibrate primitives on the
 * tool's hook) that the scenario takes, and the storage classes a tool on
 * system calls takes from there too (see validate_tool_scenario_write). */
static const char *const prim_refs[][2] = {
	{ "helpers.ktime_get_ns", NULL }, { "helpers.get_current_pid_tgid", NULL },
	{ "helpers.get_current_task", NULL }, { "helpers.probe_read_kernel", NULL },
	{ "array.lookup", NULL }, { "percpu_array.lookup", NULL },
	{ "atomic_add", NULL },
};
static const char *const hash_refs[][2] = {
	{ "lookup", "hash.lookup" }, { "miss", "hash.miss" },
	{ "replace", "hash.replace" },
};

static int has_values(struct ytree *t, const char *path)
{
	char p[256];
	snprintf(p, sizeof(p), "primitives.%s.n", path);
	struct ynode *n = t ? ytree_find(t, p) : NULL;
	return n && n->kind == YN_SCALAR && atof(n->value) >= 1;
}

/* "a.b" under `primitives:` as nested YAML at indent 2. */
static void write_prims(FILE *f, struct ytree *t)
{
	const char *group = "";
	size_t glen = 0;
	fprintf(f, "# Helpers, arrays and the atomic add as calibrate primitives "
		"timed them on\n# the tool's hook under the load (the dispatch "
		"stays the default estimate:\n# bpf_stats does not see it and the "
		"comparison leaves it out).\nprimitives:\n");
	for (size_t i = 0; i < sizeof(prim_refs) / sizeof(prim_refs[0]); i++) {
		const char *path = prim_refs[i][0], *dot = strchr(path, '.');
		if (!has_values(t, path)) {
			fprintf(f, "  # %s: the default (no values)\n", path);
			continue;
		}
		if (dot) {
			size_t gl = (size_t)(dot - path);
			if (glen != gl || strncmp(group, path, gl)) {
				fprintf(f, "  %.*s:\n", (int)gl, path);
				group = path;
				glen = gl;
			}
			fprintf(f, "    %s: {from: calibration.primitives.%s, use: "
				"empirical}\n", dot + 1, path);
		} else {
			fprintf(f, "  %s: {from: calibration.primitives.%s, use: "
				"empirical}\n", path, path);
			glen = 0;
		}
	}
}

int validate_tool_scenario_write(const char *dir, const char *name,
				 const char *calname, const char *label,
				 const struct vt_tool *t, double sys_rate,
				 long sys_id, const struct val_sim_opts *so,
				 struct err *e)
{
	char path[4400], desc[PATH_MAX + 64];
	struct out_file o = { 0 };
	char *text = NULL;
	size_t len = 0;
	int rc;
	if (!vt_desc_path(t, desc, sizeof(desc)))
		return err_set(e, ERR_RUNTIME, "bpfsim validate", 0, 0,
			       "cannot find the description %s (run from the "
			       "source tree or install bpfsim)", desc);
	/* Validate's own scenario of the load (hash storage costs as
	 * calibrated), then the tool spliced in. */
	if ((rc = validate_scenario_write(dir, name, calname, label, 0, so, e)))
		return rc;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *in = fopen(path, "r");
	if (!in)
		return err_set(e, ERR_RUNTIME, path, 0, 0, "cannot read it back");
	struct ytree *cal = NULL;
	char calpath[4400];
	snprintf(calpath, sizeof(calpath), "%s/%s", dir, calname);
	if (!(cal = calfile_load(calpath, e))) {
		fclose(in);
		return e->status;
	}
	int prims = has_values(cal, "helpers.ktime_get_ns");
	FILE *mem = open_memstream(&text, &len);
	char line[4096];
	int done = 0;
	while (mem && fgets(line, sizeof(line), in)) {
		/* A tool on system calls: its hash operations priced as timed on
		 * its own hook (a few hot keys at the system-call rate), not by
		 * the runqslower-style probes on the scheduler hooks. */
		int swapped = 0;
		for (size_t k = 0; t->syscalls && prims && k < 3; k++) {
			char old[128];
			snprintf(old, sizeof(old), "    %s: {from: calibration."
				 "storage.hash.", hash_refs[k][0]);
			if (!strncmp(line, old, strlen(old)) &&
			    has_values(cal, hash_refs[k][1])) {
				fprintf(mem, "    %s: {from: calibration.primitives."
					"%s, use: empirical}   # on %s\n",
					hash_refs[k][0], hash_refs[k][1],
					t->prog[0].kname);
				swapped = 1;
			}
		}
		if (swapped)
			continue;
		if (!strncmp(line, "# with the hash probes,", 23)) {
			fprintf(mem, "# with libbpf-tools' %s running, simulated from "
				"the calibration taken under\n", t->name);
			continue;
		}
		if (!strncmp(line, "description:", 12)) {
			fprintf(mem, "description: \"validate --tool %s, %s\"\n",
				t->name, label);
			continue;
		}
		fputs(line, mem);
		/* validate.c writes `workload:` once, at column 0. */
		if (!done && !strcmp(line, "workload:\n") && t->syscalls) {
			fprintf(mem, "  # fitted: what the tool counted per "
				"second / the simulated tasks' CPU time per second\n"
				"  syscalls: {rate: %.6g, ids: %ld}\n",
				sys_rate, sys_id);
			done = 1;
		}
	}
	fclose(in);
	if (!mem) {
		ytree_free(cal);
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	}
	if (prims)
		write_prims(mem, cal);
	/* sched_wakeup_new's cold run, as calibrate storage measured it in
	 * the window (its own program on both wake-up hooks). */
	struct ynode *cold = ytree_find(cal, "storage.hash.cold.sched_wakeup_new");
	if (cold && cold->kind == YN_SCALAR)
		fprintf(mem, "%s  cold:\n    sched_wakeup_new: {from: calibration."
			"storage.hash.cold.sched_wakeup_new}\n",
			prims ? "" : "primitives:\n");
	ytree_free(cal);
	fprintf(mem, "# The tool, as shipped (BPF time priced by the primitives "
		"and the storage\n# classes above).\ntools:\n"
		"  - include: %s\n", desc);
	fclose(mem);
	if (!(rc = out_open(&o, dir, name, e))) {
		fwrite(text, 1, len, o.f);
		rc = out_commit(&o, e);
	}
	free(text);
	return rc;
}

/* ---- simulation ---------------------------------------------------------- */

static int metric(const struct model *m, const char *tool, const char *prog,
		  const char *what)
{
	char name[160];
	if (prog)
		snprintf(name, sizeof(name), "%s.%s.%s", tool, prog, what);
	else
		snprintf(name, sizeof(name), "%s", what);
	return model_metric_index(m, name);
}

/* Mean of the scenario's dispatch of attach type `attach` (its defaults
 * are written into the tree as it was read). */
static double dispatch_mean(const struct scenario *sc, const char *attach,
			    struct err *e)
{
	char p[96];
	snprintf(p, sizeof(p), "primitives.dispatch.%s", attach);
	struct ynode *n = ytree_find(sc->tree, p);
	if (!n)
		return 0;
	struct dist *d = dist_parse(n, DIST_DURATION, e);
	if (!d)
		return NAN;
	double m = dist_mean(d);
	dist_free(d);
	return m;
}

int validate_tool_simulate(const char *scenario, const struct vt_tool *t,
			   const struct val_sim_opts *so, struct vt_pred *p,
			   int *interrupted, struct err *e)
{
	struct scenario *sc = scenario_load(so->env, scenario, so->sets,
					    so->nsets, 0, NULL, e);
	struct experiment x;
	double *vals = NULL, *col = NULL;
	int rc = 0;
	const size_t W = 2 * VT_MAXPROGS + 3;     /* values per replication */
	*interrupted = 0;
	memset(p, 0, sizeof(*p));
	if (exp_init(&x, sc, e) || exp_add_base_point(&x, e) ||
	    exp_grow_all(&x, e)) {
		exp_fini(&x);
		return e->status;
	}
	x.keep_series = 0;
	const struct model *m = sc->model;
	int ipr[VT_MAXPROGS], irt[VT_MAXPROGS];
	for (size_t k = 0; k < t->nprogs; k++) {
		const struct vt_prog *pg = &t->prog[k];
		ipr[k] = irt[k] = -1;
		p->dispatch[k] = NAN;
		if (!pg->dname)
			continue;
		ipr[k] = metric(m, t->name, pg->dname, "ns_per_run");
		irt[k] = metric(m, t->name, pg->dname, "runs_per_s");
		if (ipr[k] < 0 || irt[k] < 0) {
			rc = err_set(e, ERR_RUNTIME, scenario, 0, 0, "the "
				     "description has no program '%s' (metric "
				     "%s.%s.ns_per_run)", pg->dname, t->name,
				     pg->dname);
			goto out;
		}
		p->dispatch[k] = dispatch_mean(sc, pg->attach, e);
		if (!isfinite(p->dispatch[k])) {
			rc = e->status ? e->status : ERR_RUNTIME;
			goto out;
		}
	}
	int ipay = metric(m, NULL, NULL, "payload_time"),
	    ibpf = metric(m, NULL, NULL, "bpf_time"),
	    isw = metric(m, NULL, NULL, "switch_time"),
	    ikern = metric(m, NULL, NULL, "kernel_time"),
	    iidle = metric(m, NULL, NULL, "idle_time"),
	    ibgidle = metric(m, NULL, NULL, "background_idle_time");
	struct exp_run_opts ro = { .threads = so->threads,
				   .interrupt = so->interrupted };
	if (exp_run(&x, &ro, e)) {
		rc = e->status;
		goto out;
	}
	const struct exp_cell *cell = exp_cell(&x, 0, 0);
	size_t nr = cell->nreps, n = 0;
	vals = calloc(nr * W + 1, sizeof(double));
	col = calloc(nr + 1, sizeof(double));
	if (!vals || !col) {
		rc = err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		goto out;
	}
	for (size_t r = 0; r < nr; r++) {
		const struct runner_job *j = &cell->jobs[r];
		double *v = &vals[n * W], share = 0;
		if (!j->done) {
			*interrupted = 1;
			continue;
		}
		if (j->status == SIM_FAILED) {
			rc = err_set(e, ERR_RUNTIME, scenario, 0, 0, "replication "
				     "%zu failed: %s", r, j->error);
			goto out;
		}
		for (size_t k = 0; k < VT_MAXPROGS; k++)
			v[k] = v[VT_MAXPROGS + k] = NAN;
		for (size_t k = 0; k < t->nprogs; k++) {
			if (ipr[k] < 0)
				continue;
			double rate = j->metrics[irt[k]];
			v[VT_MAXPROGS + k] = rate;
			if (rate > 0 && isfinite(j->metrics[ipr[k]])) {
				v[k] = j->metrics[ipr[k]] - p->dispatch[k];
				share += v[k] * rate;
			}
		}
		double all = j->metrics[ipay] + j->metrics[ibpf] +
			     j->metrics[isw] + (ikern >= 0 ? j->metrics[ikern] : 0) +
			     j->metrics[iidle];
		/* per-run ns x runs/s over CPU ns per second. */
		v[2 * VT_MAXPROGS] = share / ((double)so->cpus * 1e9);
		/* Busy as the host's switches time it (the measured side,
		 * workload.cpu_busy_oncpu): interrupts that hit an idle CPU
		 * are inside the idle task's time there (as validate's). */
		double bgidle = ibgidle >= 0 ? j->metrics[ibgidle] : 0;
		v[2 * VT_MAXPROGS + 1] = all > 0
			? (all - j->metrics[iidle] - bgidle) / all : NAN;
		v[2 * VT_MAXPROGS + 2] = all > 0 ? j->metrics[ipay] / all : NAN;
		n++;
	}
	for (size_t k = 0; k < W; k++) {
		size_t nk = 0;
		for (size_t r = 0; r < n; r++)
			if (isfinite(vals[r * W + k]))
				col[nk++] = vals[r * W + k];
		struct stat_summary *s =
			k < VT_MAXPROGS ? &p->per_run[k]
			: k < 2 * VT_MAXPROGS ? &p->rate[k - VT_MAXPROGS]
			: k == 2 * VT_MAXPROGS ? &p->share
			: k == 2 * VT_MAXPROGS + 1 ? &p->busy : &p->payload;
		stat_summarize(col, nk, 0.95, s);
		if (!nk)
			s->mean = s->lo = s->hi = s->half = NAN;
	}
out:
	free(vals);
	free(col);
	exp_fini(&x);
	return rc;
}

/* ---- rows ---------------------------------------------------------------- */

static void row(struct vt_row *r, const struct vt_tool *t, const char *load,
		const char *metric_name, const char *unit, double meas,
		const struct stat_summary *pred, double tol, double misses)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->tool, sizeof(r->tool), "%s", t->name);
	snprintf(r->load, sizeof(r->load), "%s", load);
	snprintf(r->metric, sizeof(r->metric), "%s", metric_name);
	r->unit = unit;
	r->measured = meas;
	if (pred) {
		r->pred = *pred;
	} else {
		r->pred.mean = r->pred.lo = r->pred.hi = r->pred.half = NAN;
	}
	r->tol = tol;
	r->rel = isfinite(meas) && meas != 0 && isfinite(r->pred.mean)
		 ? (r->pred.mean - meas) / fabs(meas) : NAN;
	r->verdict = isfinite(r->rel) && isfinite(tol) ? fabs(r->rel) <= tol : -1;
	r->misses = misses;
}

size_t validate_tool_rows(const struct vt_tool *t, const char *load,
			  const struct vt_measured *m,
			  const struct vt_pred *p, double run_tol, double tol,
			  struct vt_row *rows)
{
	size_t n = 0;
	double bpf = 0, all = (double)m->cpus * m->elapsed * 1e9, mis = 0;
	char name[64];
	for (size_t k = 0; k < t->nprogs; k++) {
		double runs = m->runs[k], net = m->run_ns[k] - m->floor * runs;
		double per = runs > 0 ? net / runs : NAN;
		double rate = m->elapsed > 0 ? runs / m->elapsed : NAN;
		/* A program that never ran (not attached by default, or no
		 * event of its hook in the window) or ran too rarely for its
		 * mean to say anything: no verdict. */
		int judged = runs >= VT_MIN_RUNS && t->prog[k].dname;
		if (runs > 0 && t->prog[k].dname)
			bpf += net;
		mis += m->misses[k];
		snprintf(name, sizeof(name), "per_run_%s", t->prog[k].kname);
		row(&rows[n++], t, load, name, "ns", per,
		    t->prog[k].dname ? &p->per_run[k] : NULL,
		    judged ? run_tol : NAN, m->misses[k]);
		snprintf(name, sizeof(name), "runs_per_s_%s", t->prog[k].kname);
		row(&rows[n++], t, load, name, "1/s", rate,
		    t->prog[k].dname ? &p->rate[k] : NULL,
		    judged ? tol : NAN, m->misses[k]);
	}
	row(&rows[n++], t, load, "bpf_share", "ratio", all > 0 ? bpf / all : NAN,
	    &p->share, tol, mis);
	/* Busy as the tasks' switches time it when the window has it (as
	 * validate's cpu_busy), else /proc/stat's ticks. */
	double busy = isfinite(m->oncpu) && m->oncpu > 0 ? m->oncpu * all
							 : m->busy;
	row(&rows[n++], t, load, "cpu_busy", "ratio",
	    all > 0 ? busy / all : NAN, &p->busy, NAN, NAN);
	return n;
}

static const char *show(double v, const char *unit, char *buf, size_t size)
{
	if (!isfinite(v))
		snprintf(buf, size, "-");
	else if (!strcmp(unit, "ns"))
		fit_format_ns(v, 4, buf, size);
	else if (!strcmp(unit, "ratio"))
		snprintf(buf, size, "%.4g%%", 100 * v);
	else
		snprintf(buf, size, "%.4g/s", v);
	return buf;
}

void validate_tool_print(FILE *f, const struct vt_row *rows, size_t n)
{
	size_t ok[2] = { 0, 0 }, judged[2] = { 0, 0 };
	/* (tool, load) rows with a judged program, and with all of theirs
	 * within the tolerance (the per-tool criterion). */
	size_t blocks = 0, blocks_ok = 0;
	int b_judged = 0, b_ok = 1;
	fprintf(f, "%-28s %12s %12s %22s %9s  %-7s  %s\n", "metric", "measured",
		"predicted", "95% CI", "error", "verdict", "recursion_misses");
	for (size_t i = 0; i < n; i++) {
		const struct vt_row *r = &rows[i];
		char a[48], b[48], lo[48], hi[48], ci[100], err[32], miss[32] = "-";
		/* A new (tool, load) starts a block. */
		if (i == 0 || strcmp(rows[i - 1].tool, r->tool) ||
		    strcmp(rows[i - 1].load, r->load)) {
			blocks += b_judged;
			blocks_ok += b_judged && b_ok;
			b_judged = 0;
			b_ok = 1;
			fprintf(f, "-- %s (libbpf-tools), %s\n", r->tool, r->load);
		}
		if (isfinite(r->pred.half))
			snprintf(ci, sizeof(ci), "[%s, %s]",
				 show(r->pred.lo, r->unit, lo, sizeof(lo)),
				 show(r->pred.hi, r->unit, hi, sizeof(hi)));
		else
			snprintf(ci, sizeof(ci), "-");
		if (isfinite(r->rel))
			snprintf(err, sizeof(err), "%+.1f%%", 100 * r->rel);
		else
			snprintf(err, sizeof(err), "-");
		if (isfinite(r->misses))
			snprintf(miss, sizeof(miss), "%.0f", r->misses);
		fprintf(f, "  %-26s %12s %12s %22s %9s  %-7s  %s\n", r->metric,
			show(r->measured, r->unit, a, sizeof(a)),
			show(r->pred.mean, r->unit, b, sizeof(b)), ci, err,
			r->verdict > 0 ? "ok" : r->verdict == 0 ? "MISS" : "-", miss);
		int share = !strcmp(r->metric, "bpf_share");
		if (r->verdict >= 0 && (share || !strncmp(r->metric, "per_run_", 8))) {
			judged[share]++;
			ok[share] += (size_t)r->verdict;
			if (!share) {
				b_judged = 1;
				b_ok &= r->verdict > 0;
			}
		}
	}
	blocks += b_judged;
	blocks_ok += b_judged && b_ok;
	fprintf(f, "\nper-run cost within its tolerance: %zu of %zu programs, "
		"every program in %zu of %zu (tool, load) rows; BPF share: %zu "
		"of %zu (tool, load) rows\n", ok[0], judged[0], blocks_ok, blocks,
		ok[1], judged[1]);
}

void validate_tool_csv(FILE *f, const struct vt_row *rows, size_t n)
{
	fputs("tool,load,metric,unit,measured,predicted,ci_low,ci_high,"
	      "replications,rel_error,tolerance,verdict,recursion_misses\n", f);
	for (size_t i = 0; i < n; i++) {
		const struct vt_row *r = &rows[i];
		fprintf(f, "%s,", r->tool);
		out_csv_field(f, r->load);
		fprintf(f, ",%s,%s,", r->metric, r->unit);
		double v[] = { r->measured, r->pred.mean, r->pred.lo, r->pred.hi };
		for (size_t k = 0; k < 4; k++) {
			out_num(f, v[k], "nan");
			fputc(',', f);
		}
		fprintf(f, "%zu,", r->pred.n);
		out_num(f, r->rel, "nan");
		fputc(',', f);
		out_num(f, r->tol, "nan");
		fprintf(f, ",%s,", r->verdict > 0 ? "ok" : r->verdict == 0 ? "miss"
			: "none");
		out_num(f, r->misses, "nan");
		fputc('\n', f);
	}
}

void validate_tool_measured_header(FILE *f)
{
	fputs("tool,load,program,prog_id,cpus,elapsed_s,runs,run_ns,"
	      "stats_floor_ns,recursion_misses,busy_ns,idle_ns,steal_ns,"
	      "tracefs_mounted\n", f);
}

int validate_tool_measured_oncpu(struct vt_measured *m, const char *calfile,
				 struct err *e)
{
	struct ytree *t = calfile_load(calfile, e);
	if (!t)
		return e->status;
	m->oncpu = validate_tree_num(t, "workload.cpu_busy_oncpu");
	ytree_free(t);
	return 0;
}

void validate_tool_measured_add(struct vt_measured *m,
				const struct vt_measured *b)
{
	double ra = 0, rb = 0;
	for (size_t k = 0; k < VT_MAXPROGS; k++) {
		ra += m->runs[k];
		rb += b->runs[k];
		m->runs[k] += b->runs[k];
		m->run_ns[k] += b->run_ns[k];
		m->misses[k] += b->misses[k];
	}
	/* The floor is per run of the tool's programs: weighted by them. */
	if (ra + rb > 0)
		m->floor = (m->floor * ra + b->floor * rb) / (ra + rb);
	m->elapsed += b->elapsed;
	m->busy += b->busy;
	m->idle += b->idle;
	m->steal += b->steal;
	for (size_t i = 0; i < 4; i++)
		m->load_done[i] += b->load_done[i];
	m->tracefs_mounted |= b->tracefs_mounted;
}

void validate_tool_measured_csv(FILE *f, const struct vt_tool *t,
				const char *load, const struct vt_measured *m)
{
	for (size_t k = 0; k < t->nprogs; k++) {
		fprintf(f, "%s,", t->name);
		out_csv_field(f, load);
		fprintf(f, ",%s,%u,%ld", t->prog[k].kname, m->id[k], m->cpus);
		double v[] = { m->elapsed, m->runs[k], m->run_ns[k], m->floor,
			       m->misses[k], m->busy, m->idle, m->steal };
		for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
			fputc(',', f);
			out_num(f, v[i], "nan");
		}
		fprintf(f, ",%d\n", m->tracefs_mounted);
	}
}
