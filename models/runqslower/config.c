/* config.c - the runqslower model's scenario keys (config.h).
 *
 * Defaults are the reference study's and published-costs.md's figures.
 * The hook base costs are runqslower's per-program costs minus the storage
 * operations the strategies charge; they and the output costs are named
 * once (HOOK_DEF_*, OUTPUT_DEF_*) so the parameter table cannot drift from
 * what the reader uses.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "models/probe/prims.h"
#include "models/runqslower/config.h"
#include "models/runqslower/eevdf.h"
#include "models/runqslower/ktime.h"
#include "models/runqslower/tools.h"
#include "sim/cfg.h"
#include "sim/check.h"
#include "sim/units.h"

/* The modern defaults: scenarios/costs/linux-6.x.yaml, where each figure's
 * source is (this host's calibration: program bases from bpf_stats minus
 * the bracketed storage operations; the ringbuf output fit; perf output
 * not measured, taken as the ringbuf's).  The 2021 published figures are
 * scenarios/costs/linux-5.x-2021.yaml. */
#define HOOK_DEF_WAKEUP     "normal(100ns, 10ns)"
#define HOOK_DEF_WAKEUP_NEW "normal(840ns, 84ns)"
#define HOOK_DEF_SWITCH     "normal(80ns, 8ns)"
#define HOOK_DEF_EXIT       "normal(50ns, 5ns)"
#define OUTPUT_DEF_PERF     "lognormal(398.5ns, 1.807)"
#define OUTPUT_DEF_RINGBUF  "lognormal(398.5ns, 1.807)"

const char *const rq_arrival_names[] = { "batch", "poisson", "interval",
					 "trace", NULL };
static const char *const placement_names[] = { "least_loaded", "random",
					       "round_robin", "wake_affine",
					       NULL };
static const char *const output_names[] = { "perf", "ringbuf", NULL };
static const char *const delete_names[] = { "on_report", "always", NULL };
/* By NEST_*; "skip" (the former default's name) is any_program. */
static const char *const nesting_names[] = { "per_program", "any_program",
					     "serialize", "skip", NULL };
static const char *const runqueue_names[] = { "fifo", "woken_first", "fair",
					      "eevdf", NULL };
/* eevdf.nice.<class>, by CLS_*. */
static const char *const eevdf_nice_keys[4] = { "spawned", "resident", "busy",
						"spawner" };

/* Drop c's hold on its trace arrays (freed with the last holder). */
static void trace_release(struct rq_cfg *c)
{
	if (c->trace_refs && --*c->trace_refs > 0) {
		c->trace_t = c->trace_demand = NULL;
		c->trace_refs = NULL;
		return;
	}
	free(c->trace_t);
	free(c->trace_demand);
	free(c->trace_refs);
	c->trace_t = c->trace_demand = NULL;
	c->trace_refs = NULL;
}

void rq_config_free(void *p)
{
	struct rq_cfg *c = p;
	if (!c)
		return;
	ktime_config_free(c);
	dist_free(c->ctx_switch);
	dist_free(c->idle_wakeup);
	dist_free(c->wakeup_preempt);
	dist_free(c->res_run);
	dist_free(c->res_sleep);
	dist_free(c->res_interval);
	dist_free(c->busy_run);
	dist_free(c->busy_sleep);
	dist_free(c->lifetime);
	dist_free(c->fork);
	dist_free(c->fork_tail);
	dist_free(c->slice);
	dist_free(c->block_run);
	dist_free(c->sleep);
	for (int i = 0; i < RQ_HOOKS; i++)
		dist_free(c->hook[i]);
	dist_free(c->out_cost[0]);
	dist_free(c->out_cost[1]);
	for (size_t i = 0; storage_registry[i]; i++)
		if (c->storage_cfg[i])
			storage_registry[i]->config_free(c->storage_cfg[i]);
	trace_release(c);
	tools_config_free(c);
	free(c);
}

uint64_t rq_config_digest(const void *cfgp, uint64_t h)
{
	const struct rq_cfg *c = cfgp;
	for (size_t i = 0; i < c->trace_n; i++) {
		uint64_t v[2] = { c->trace_t[i], c->trace_demand[i] };
		for (int k = 0; k < 2; k++)
			for (int b = 0; b < 64; b += 8) {   /* little-endian */
				h ^= (v[k] >> b) & 0xff;
				h *= 0x100000001b3ULL;      /* FNV-1a 64 prime */
			}
	}
	return h;
}

void rq_config_share(void *cfgp, const void *likep)
{
	struct rq_cfg *c = cfgp;
	const struct rq_cfg *l = likep;
	if (!c->trace_refs || !l->trace_refs || c->trace_t == l->trace_t ||
	    c->trace_n != l->trace_n ||
	    memcmp(c->trace_t, l->trace_t, c->trace_n * sizeof(uint64_t)) ||
	    memcmp(c->trace_demand, l->trace_demand,
		   c->trace_n * sizeof(uint64_t)))
		return;
	trace_release(c);
	c->trace_t = l->trace_t;
	c->trace_demand = l->trace_demand;
	c->trace_n = l->trace_n;
	c->trace_refs = l->trace_refs;
	++*c->trace_refs;
}

/* One whole number of a trace line at *pp (blanks before it skipped),
 * *pp moved past it.  Negative numbers and numbers beyond 2^64-1 are
 * refused at their column rather than wrapped or clamped by strtoull, and
 * so are times beyond the clock's horizon (2^62 ns); a line of another
 * shape is refused at column 1. */
static int trace_field(const char **pp, const char *what,
		       unsigned long long *v, const char *file, int lineno,
		       const char *line, struct err *e)
{
	const char *start = *pp + strspn(*pp, " \t"), *p = start;
	int col = (int)(start - line) + 1;
	int len = (int)strspn(start, "+-0123456789");
	if (*p == '-')
		return err_set(e, ERR_INPUT, file, lineno, col, "%s must not be "
			       "negative (got '%.*s')", what, len, start);
	if (*p == '+')
		p++;
	if (*p < '0' || *p > '9')
		return err_set(e, ERR_INPUT, file, lineno, 1, "expected "
			       "'spawn_ns,demand_ns' (two whole numbers)");
	char *end;
	errno = 0;
	*v = strtoull(p, &end, 10);
	if (errno == ERANGE)
		return err_set(e, ERR_INPUT, file, lineno, col, "%s '%.*s' is "
			       "beyond %llu", what, len, start, ULLONG_MAX);
	if (*v > UNITS_HORIZON_NS)
		return err_set(e, ERR_INPUT, file, lineno, col, "%s '%.*s' is "
			       "beyond the simulated clock's horizon, "
			       UNITS_HORIZON_TEXT, what, len, start);
	*pp = end;
	return 0;
}

/* Trace CSV: "spawn_ns,demand_ns" per line (integers, ns; '#' comments and a
 * non-numeric header line are skipped), spawn times non-decreasing. */
static int load_trace(struct rq_cfg *c, const struct ynode *where,
		      const char *path, struct err *e)
{
	char full[4096];
	/* Relative to the scenario file; from --set (no position), to the
	 * working directory. */
	const char *file = where->file && where->line > 0 ? where->file : "";
	const char *slash = strrchr(file, '/');
	if (path[0] != '/' && slash)
		snprintf(full, sizeof(full), "%.*s/%s", (int)(slash - file), file,
			 path);
	else
		snprintf(full, sizeof(full), "%s", path);
	/* A regular file only: /dev/zero or a FIFO would never end. */
	struct stat st;
	if (stat(full, &st) == 0 && !S_ISREG(st.st_mode))
		return cfg_error(e, where, "trace '%s' is not a regular file", full);
	FILE *f = fopen(full, "r");
	if (!f)
		return cfg_error(e, where, "cannot open trace '%s': %s", full,
				 strerror(errno));
	char line[512];
	int lineno = 0, rc = 0;
	size_t cap = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			rc = err_set(e, ERR_INPUT, full, lineno, 1,
				     "line longer than %zu characters",
				     sizeof(line) - 2);
			break;
		}
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\n' || *p == 0)
			continue;
		if (lineno == 1 && !strchr("0123456789+-", *p))
			continue;   /* header */
		unsigned long long t, d;
		const char *q = p;
		if ((rc = trace_field(&q, "spawn_ns", &t, full, lineno, line, e)))
			break;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != ',') {
			rc = err_set(e, ERR_INPUT, full, lineno, 1,
				     "expected 'spawn_ns,demand_ns' (two whole numbers)");
			break;
		}
		q++;
		if ((rc = trace_field(&q, "demand_ns", &d, full, lineno, line, e)))
			break;
		q += strspn(q, " \t\r\n");
		if (*q) {
			rc = err_set(e, ERR_INPUT, full, lineno, 1,
				     "expected 'spawn_ns,demand_ns' (two whole numbers)");
			break;
		}
		if (c->trace_n && t < c->trace_t[c->trace_n - 1]) {
			rc = err_set(e, ERR_INPUT, full, lineno, 1,
				     "spawn times must not decrease");
			break;
		}
		if (d == 0) {
			rc = err_set(e, ERR_INPUT, full, lineno, 1,
				     "demand must be positive");
			break;
		}
		if (c->trace_n == cap) {
			cap = cap ? cap * 2 : 1024;
			uint64_t *a = realloc(c->trace_t, cap * sizeof(uint64_t));
			if (a)
				c->trace_t = a;
			uint64_t *b = realloc(c->trace_demand, cap * sizeof(uint64_t));
			if (b)
				c->trace_demand = b;
			if (!a || !b) {
				rc = err_set(e, ERR_RUNTIME, full, 0, 0, "out of memory");
				break;
			}
		}
		c->trace_t[c->trace_n] = t;
		c->trace_demand[c->trace_n++] = d;
	}
	fclose(f);
	if (!rc && c->trace_n == 0)
		rc = err_set(e, ERR_INPUT, full, 0, 0, "trace has no spawns");
	if (!rc && !(c->trace_refs = malloc(sizeof(*c->trace_refs))))
		rc = err_set(e, ERR_RUNTIME, full, 0, 0, "out of memory");
	if (!rc)
		*c->trace_refs = 1;
	return rc;
}

static int read_workload(struct rq_cfg *c, struct ynode *root, struct err *e)
{
	struct ynode *w = cfg_section(root, "workload", e);
	if (!w)
		return e->status;
	if (cfg_enum(w, "arrival", "batch", rq_arrival_names, &c->arrival, e) ||
	    cfg_uint(w, "processes", "1000", 0, UINT32_MAX - 1, &c->processes, e) ||
	    cfg_rate(w, "rate", "1000/s", &c->rate, e) ||
	    cfg_uint(w, "spawns", "0", 0, UINT64_MAX / 2, &c->spawns, e) ||
	    cfg_dist(w, "lifetime", "exponential(2ms)", DIST_DURATION,
		     &c->lifetime, e) ||
	    cfg_dist(w, "slice", "3ms", DIST_DURATION, &c->slice, e))
		return e->status;
	const char *trace;
	if (cfg_string(w, "trace", "", &trace, e))
		return e->status;
	if (c->arrival == ARR_TRACE) {
		if (!trace[0])
			return cfg_error(e, ynode_peek(w, "arrival"),
					 "arrival: trace needs workload.trace: FILE.csv");
		if (load_trace(c, ynode_peek(w, "trace"), trace, e))
			return e->status;
	}
	struct ynode *b = cfg_section(w, "block", e);
	if (!b ||
	    cfg_number(b, "probability", "0", 0, 1, &c->block_p, e) ||
	    cfg_dist(b, "sleep", "exponential(1ms)", DIST_DURATION, &c->sleep, e))
		return e->status;
	struct ynode *br = cfg_node(b, "run", 0, e);
	if (br && !(c->block_run = dist_parse(br, DIST_DURATION, e)))
		return e->status;
	struct ynode *r = cfg_section(w, "resident", e);
	if (!r ||
	    cfg_uint(r, "tasks", "0", 0, 1000000, &c->res_tasks, e) ||
	    cfg_uint(r, "busy", "0", 0, 100000, &c->res_busy, e) ||
	    cfg_dist(r, "run", "20us", DIST_DURATION, &c->res_run, e) ||
	    cfg_dist(r, "sleep", "exponential(1ms)", DIST_DURATION,
		     &c->res_sleep, e))
		return e->status;
	double slack;
	if (cfg_duration(r, "timer_slack", "0", 0, 1e9, &slack, e))
		return e->status;
	c->res_slack = (uint64_t)slack;
	struct ynode *ri = cfg_node(r, "interval", 0, e);
	if (ri && !(c->res_interval = dist_parse(ri, DIST_DURATION, e)))
		return e->status;
	struct ynode *bu = cfg_node(r, "busy_run", 0, e);
	if (bu && !(c->busy_run = dist_parse(bu, DIST_DURATION, e)))
		return e->status;
	if (c->busy_run && cfg_dist(r, "busy_sleep", "exponential(100us)",
				    DIST_DURATION, &c->busy_sleep, e))
		return e->status;
	if (!c->busy_run && ynode_peek(r, "busy_sleep"))
		return cfg_error(e, ynode_peek(r, "busy_sleep"),
				 "workload.resident.busy_sleep needs busy_run");
	return 0;
}

static int read_fair(struct rq_cfg *c, struct ynode *root, struct err *e)
{
	struct ynode *f = cfg_section(root, "fair", e);
	double credit, gran;
	if (!f ||
	    cfg_duration(f, "sleeper_credit", "3ms", 0, 1e12, &credit, e) ||
	    cfg_duration(f, "wakeup_granularity", "1ms", 0, 1e12, &gran, e))
		return e->status;
	c->fair_credit = (uint64_t)credit;
	c->fair_gran = (uint64_t)gran;
	return 0;
}

/* The `eevdf` section (eevdf.h); read whatever `runqueue` says, so a
 * scenario's keys are checked before it is switched to eevdf.  Needs
 * c->cpus: base_slice's default scales with it as the kernel's does. */
static int read_eevdf(struct rq_cfg *c, struct ynode *root, struct err *e)
{
	struct ynode *v = cfg_section(root, "eevdf", e);
	double slice;
	uint64_t hz;
	/* 0 (the default) is the kernel's slice for this many CPUs, worked
	 * out here rather than written into the scenario: a point of a sweep
	 * over cpus, or the resolved scenario run again, scales its own. */
	if (!v ||
	    cfg_duration(v, "base_slice", "0", 0, 1e10, &slice, e) ||
	    cfg_uint(v, "hz", "250", 100, 1000, &hz, e) ||
	    cfg_bool(v, "hrtick", "false", &c->eevdf_hrtick, e) ||
	    cfg_bool(v, "run_to_parity", "true", &c->eevdf_parity, e))
		return e->status;
	if (slice > 0 && slice < 1000)
		return cfg_error(e, ynode_peek(v, "base_slice"), "base_slice: at "
				 "least 1us (0: the kernel's default for the "
				 "CPU count)");
	c->eevdf_slice = slice > 0 ? (uint64_t)slice
				   : eevdf_default_slice(c->cpus);
	c->eevdf_tick = 1000000000 / hz;
	struct ynode *n = cfg_section(v, "nice", e);
	if (!n)
		return e->status;
	for (int i = 0; i < 4; i++) {
		double nice;
		if (cfg_number(n, eevdf_nice_keys[i], "0", -20, 19, &nice, e))
			return e->status;
		if (nice != (double)(int)nice)
			return cfg_error(e, ynode_peek(n, eevdf_nice_keys[i]),
					 "eevdf.nice.%s must be a whole number "
					 "(got %g)", eevdf_nice_keys[i], nice);
		c->eevdf_nice[i] = (int)nice;
	}
	return 0;
}

/* `topology` (topo.h) and `balance` (balance.h).  llc 0 (the default)
 * is all CPUs: a default that stays right when `cpus` changes (a sweep
 * over cpus reloads the resolved scenario, which spells defaults out). */
static int read_topology(struct rq_cfg *c, struct ynode *root, struct err *e)
{
	struct ynode *t = cfg_section(root, "topology", e);
	uint64_t smt, llc;
	double interval;
	if (!t || cfg_uint(t, "smt", "1", 1, 8, &smt, e) ||
	    cfg_uint(t, "llc", "0", 0, 4096, &llc, e))
		return e->status;
	if (llc == 0)
		llc = c->cpus;
	if (llc % smt || llc > c->cpus || c->cpus % llc) {
		struct ynode *at = ynode_peek(t, "llc");
		if (!at)
			at = ynode_peek(t, "smt");
		return cfg_error(e, at ? at : root,
				 "topology: llc (%llu CPUs) must be a multiple of "
				 "smt (%llu) and divide cpus (%llu)",
				 (unsigned long long)llc, (unsigned long long)smt,
				 (unsigned long long)c->cpus);
	}
	c->smt = (uint32_t)smt;
	c->llc = (uint32_t)llc;
	struct ynode *b = cfg_section(root, "balance", e);
	if (!b || cfg_bool(b, "newidle", "true", &c->bal_newidle, e) ||
	    cfg_duration(b, "interval", "0", 0, 1e10, &interval, e))
		return e->status;
	if (interval > 0 && interval < 1000)
		return cfg_error(e, ynode_peek(b, "interval"),
				 "balance.interval: at least 1us (0: no periodic "
				 "balance)");
	c->bal_interval = (uint64_t)interval;
	return 0;
}

static int read_probe(struct rq_cfg *c, struct ynode *root, struct err *e)
{
	/* Hook base costs: runqslower per-program figures (published-costs.md)
	 * minus the storage operations the strategies charge. */
	static const char *const base_def[RQ_HOOKS] = {
		HOOK_DEF_WAKEUP, HOOK_DEF_WAKEUP_NEW, HOOK_DEF_SWITCH, HOOK_DEF_EXIT,
	};
	struct ynode *p = cfg_section(root, "probe", e);
	double thr;
	if (!p ||
	    cfg_bool(p, "attach", "true", &c->attach, e) ||
	    cfg_duration(p, "threshold", "10ms", 0, 1e15, &thr, e) ||
	    cfg_enum(p, "output", "perf", output_names, &c->output, e) ||
	    cfg_enum(p, "delete", "on_report", delete_names, &c->del, e) ||
	    cfg_enum(p, "nesting", "per_program", nesting_names, &c->nesting, e) ||
	    cfg_bool(p, "cleanup_on_exit", "false", &c->cleanup_on_exit, e))
		return e->status;
	if (c->nesting == 3)
		c->nesting = NEST_ANY_PROGRAM;   /* "skip" */
	c->threshold = (uint64_t)thr;
	struct ynode *h = cfg_section(p, "hooks", e);
	if (!h)
		return e->status;
	for (int i = 0; i < RQ_HOOKS; i++)
		if (cfg_dist(h, rq_hook_names[i], base_def[i], DIST_DURATION,
			     &c->hook[i], e))
			return e->status;
	struct ynode *o = cfg_section(p, "output_cost", e);
	if (!o ||
	    cfg_dist(o, "perf", OUTPUT_DEF_PERF, DIST_DURATION,
		     &c->out_cost[OUT_PERF], e) ||
	    cfg_dist(o, "ringbuf", OUTPUT_DEF_RINGBUF, DIST_DURATION,
		     &c->out_cost[OUT_RINGBUF], e))
		return e->status;
	return 0;
}

/* The open arrivals' gaps (1/rate: exponential for poisson, constant for
 * interval) obey the horizon rule of duration distributions (dist.h) and
 * must not round to 0ns (every spawn at one instant); without a
 * `duration`, the expected last spawn (spawns x the mean gap) must be
 * within the horizon too. */
static int check_gaps(const struct rq_cfg *c, struct ynode *root,
		      struct err *e)
{
	struct ynode *w = ynode_peek(root, "workload");
	struct ynode *rn = w ? ynode_peek(w, "rate") : NULL;
	double gap = 1e9 / c->rate;
	char msg[256], b[64];
	if (gap < 0.5)
		return cfg_error(e, rn ? rn : root, "'rate' is %s, a gap of %s "
				 "that rounds to 0ns (the clock counts whole "
				 "nanoseconds)", rn ? rn->value : "?",
				 units_format_duration(gap, b, sizeof(b)));
	struct dist *g = dist_new(c->arrival == ARR_POISSON ? DIST_EXPONENTIAL
				  : DIST_CONSTANT, DIST_DURATION, gap, 0);
	if (!g)
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	int bad = dist_check_horizon(g, msg, sizeof(msg));
	dist_free(g);
	if (bad)
		return cfg_error(e, rn ? rn : root, "'rate' is %s: its gap %s",
				 rn ? rn->value : "?", msg);
	struct ynode *d = ynode_peek(root, "duration"), *sn;
	double ns;
	if (c->spawns && d && d->kind == YN_SCALAR &&
	    units_parse_duration(d->value, &ns, msg, sizeof(msg)) == 0 &&
	    ns == 0 && (double)c->spawns * gap > (double)UNITS_HORIZON_NS) {
		sn = w ? ynode_peek(w, "spawns") : NULL;
		return cfg_error(e, sn ? sn : root, "'spawns' is %s: at one "
				 "every %s the last spawn is due beyond the "
				 "simulated clock's horizon, " UNITS_HORIZON_TEXT
				 " (set a `duration`)", sn ? sn->value : "?",
				 units_format_duration(gap, b, sizeof(b)));
	}
	return 0;
}

void *rq_configure(struct ynode *root, struct err *e)
{
	struct rq_cfg *c = calloc(1, sizeof(*c));
	if (!c) {
		err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		return NULL;
	}
	if (cfg_uint(root, "cpus", "8", 1, 4096, &c->cpus, e) ||
	    cfg_uint(root, "pid_max", "32768", 2, 4194304, &c->pid_max, e) ||
	    cfg_enum(root, "placement", "wake_affine", placement_names,
		     &c->placement, e) ||
	    cfg_number(root, "fork_local", "0", 0, 1, &c->fork_local, e) ||
	    cfg_number(root, "wake_local", "0", 0, 1, &c->wake_local, e) ||
	    cfg_dist(root, "context_switch", "normal(1us, 100ns)", DIST_DURATION,
		     &c->ctx_switch, e) ||
	    cfg_dist(root, "idle_wakeup", "0", DIST_DURATION, &c->idle_wakeup, e) ||
	    cfg_enum(root, "runqueue", "eevdf", runqueue_names, &c->runqueue, e) ||
	    read_fair(c, root, e) || read_eevdf(c, root, e) ||
	    read_topology(c, root, e) ||
	    read_workload(c, root, e) || read_probe(c, root, e))
		goto fail;
	struct ynode *wp = cfg_node(root, "wakeup_preemption", 0, e);
	if (wp && !(c->wakeup_preempt = dist_parse(wp, DIST_DURATION, e)))
		goto fail;
	/* A constant zero latency draws nothing: scenarios that predate
	 * idle_wakeup keep their RNG draws (and numbers) unchanged. */
	if (dist_kind(c->idle_wakeup) == DIST_CONSTANT &&
	    dist_mean(c->idle_wakeup) == 0) {
		dist_free(c->idle_wakeup);   /* the default: no latency, no draws */
		c->idle_wakeup = NULL;
	}
	if ((uint64_t)c->res_tasks + c->res_busy >= c->pid_max - RESERVED_PIDS) {
		struct ynode *w = ynode_peek(root, "workload");
		cfg_error(e, w ? ynode_peek(w, "resident") : root,
			  "workload.resident: %llu tasks do not fit below pid_max "
			  "(%llu)", (unsigned long long)(c->res_tasks + c->res_busy),
			  (unsigned long long)c->pid_max);
		goto fail;
	}
	/* Every strategy's section is read and validated, not only the
	 * selected one: a scenario may tune several for `compare`, and keys
	 * no reader asked for would be reported as unknown. */
	struct ynode *st = cfg_section(root, "storage", e);
	if (!st || cfg_enum(st, "kind", "hash", storage_names, &c->strategy, e))
		goto fail;
	for (size_t i = 0; storage_registry[i]; i++) {
		SIM_CHECK(i < sizeof(c->storage_cfg) / sizeof(c->storage_cfg[0]));
		struct ynode *sec = cfg_section(st, storage_registry[i]->name, e);
		if (!sec)
			goto fail;
		c->storage_cfg[i] = storage_registry[i]->configure(sec, e);
		if (!c->storage_cfg[i])
			goto fail;
	}
	if ((c->arrival == ARR_POISSON || c->arrival == ARR_INTERVAL) &&
	    check_gaps(c, root, e))
		goto fail;
	if ((c->arrival == ARR_POISSON || c->arrival == ARR_INTERVAL) &&
	    c->spawns == 0) {
		/* An open arrival process needs an end.  scenario_load reads the
		 * common `duration` (default 0) before configuring the model, so
		 * a scenario without one is refused here, positioned, as bad
		 * input; runs configured without a scenario are checked in init. */
		struct ynode *d = ynode_peek(root, "duration");
		struct ynode *w = ynode_peek(root, "workload");
		double ns;
		char why[160];
		if (d && d->kind == YN_SCALAR &&
		    units_parse_duration(d->value, &ns, why, sizeof(why)) == 0 &&
		    ns == 0) {
			cfg_error(e, w ? ynode_peek(w, "arrival") : root,
				  "workload.arrival: %s never ends: set `duration` or "
				  "workload.spawns", rq_arrival_names[c->arrival]);
			goto fail;
		}
	}
	return c;
fail:
	rq_config_free(c);
	return NULL;
}

const struct model_param rq_params[] = {
	{ "cpus", "count", "8", "CPUs, each with its own runqueue" },
	{ "pid_max", "count", "32768", "pids wrap here (to 300), as kernel.pid_max" },
	{ "placement", "enum", "wake_affine",
	  "CPU for a woken task: least_loaded (ties: lowest CPU), random, "
	  "round_robin, wake_affine (Linux's select_task_rq_fair wake-up path "
	  "over `topology`: prev or the waker's CPU if idle, else an idle core, "
	  "sibling or CPU in the LLC; new tasks: the LLC with the most idle CPUs, else least_loaded)" },
	{ "topology.smt", "count", "1",
	  "CPUs per core (SMT siblings, 1..8); used by wake_affine and balance" },
	{ "topology.llc", "count", "0",
	  "CPUs per last-level-cache domain (a multiple of smt dividing cpus; "
	  "0: all of them, one LLC); "
	  "wake_affine, balance and where a wake-up's hook runs (another LLC: "
	  "the target CPU, ttwu_queue_wakelist)" },
	{ "balance.newidle", "bool", "true",
	  "a CPU about to go idle pulls a waiting task from the busiest CPU of "
	  "its core, then LLC, then all CPUs (newidle_balance)" },
	{ "balance.interval", "duration", "0",
	  "periodic balance: every interval each CPU pulls one waiting task "
	  "per level from a CPU with 2+ more tasks (0: none)" },
	{ "context_switch", "dist(duration)", "normal(1us, 100ns)",
	  "cost of a context switch (also to/from idle)" },
	{ "fork_local", "number", "0",
	  "chance that a parent's new task starts on the parent's CPU instead "
	  "of where `placement`'s fork path puts it (0: the mainline kernel's "
	  "find_idlest_cpu; a host kernel may keep children local: calibrate "
	  "measures it, workload.spawned.fork_local)" },
	{ "wake_local", "number", "0",
	  "chance that a woken task whose previous CPU is busy stays queued "
	  "there when `wake_affine` found an idle CPU for it (0: the mainline "
	  "kernel's select_idle_sibling moves it; a host kernel may keep it: "
	  "calibrate measures it, workload.wake_local)" },
	{ "idle_wakeup", "dist(duration)", "0",
	  "time an idle CPU takes to start a task woken onto it (IPI, idle exit, vCPU)" },
	{ "runqueue", "enum", "eevdf",
	  "fifo; woken_first: woken tasks ahead of preempted ones; fair: least "
	  "virtual runtime first, wake-up preemption (CFS/EEVDF in outline); "
	  "eevdf: Linux 6.6+'s EEVDF (weights, lag, virtual deadlines, the "
	  "earliest eligible deadline first; keys eevdf.*)" },
	{ "wakeup_preemption", "dist(duration)", "(none)",
	  "fifo: a wake-up onto a busy CPU preempts its task after this delay "
	  "(absent: it waits for the slice end); fair, eevdf: delay added to "
	  "their preemptions" },
	{ "fair.sleeper_credit", "duration", "3ms",
	  "fair: most virtual time a woken task is placed ahead of its CPU's minimum" },
	{ "fair.wakeup_granularity", "duration", "1ms",
	  "fair: the running task keeps the CPU this long before a wake-up preempts it" },
	{ "eevdf.base_slice", "duration", "0",
	  "eevdf: the slice a task asks for (sysctl_sched_base_slice); its "
	  "deadline is slice x 1024 / weight of virtual time ahead; default as "
	  "the kernel scales it (0), 0.75ms x (1 + log2 min(cpus, 8)): 3ms from 8 "
	  "CPUs" },
	{ "eevdf.hz", "count", "250",
	  "eevdf: the kernel's tick rate (CONFIG_HZ, 100..1000): a passed "
	  "deadline is noticed at the next tick" },
	{ "eevdf.hrtick", "bool", "false",
	  "eevdf: deadlines noticed when they pass, not at the next tick "
	  "(sched_feat HRTICK)" },
	{ "eevdf.run_to_parity", "bool", "true",
	  "eevdf: a picked task keeps the CPU while eligible until its deadline, "
	  "whatever wakes (sched_feat RUN_TO_PARITY)" },
	{ "eevdf.nice.spawned", "number", "0",
	  "eevdf: nice of spawned tasks, -20..19 (weight sched_prio_to_weight: "
	  "1024 at 0, x1.25 per step down)" },
	{ "eevdf.nice.resident", "number", "0", "eevdf: nice of resident tasks" },
	{ "eevdf.nice.busy", "number", "0", "eevdf: nice of busy resident tasks" },
	{ "eevdf.nice.spawner", "number", "0", "eevdf: nice of the parent tasks" },
	{ "workload.arrival", "enum", "batch",
	  "batch (processes at t=0), poisson (rate), interval (1/rate), trace (CSV)" },
	{ "workload.processes", "count", "1000", "batch size" },
	{ "workload.spawner", "enum", "task",
	  "poisson/interval: task (parent tasks fork each arrival; "
	  "sched_wakeup_new runs in the parent's fork() on its CPU) or none "
	  "(children appear on their own, the hook on the child's CPU)" },
	{ "workload.spawners", "count", "1",
	  "parent tasks sharing the fork requests round-robin (spawner: task)" },
	{ "workload.fork", "dist(duration)", "lognormal(140us, 0.25)",
	  "a parent's CPU time per fork (this host: 145-155 us mean for a small "
	  "C parent)" },
	{ "workload.fork_tail", "dist(duration)", "(none)",
	  "of a fork's CPU time, what the parent runs after the child's "
	  "wake-up until it sleeps or forks again (absent: the child wakes at "
	  "the cycle's end; this host: ~24 us median, calibrate measures it)" },
	{ "workload.start", "enum", "equilibrium",
	  "residents at t=0: equilibrium (each mid-cycle: asleep w.p. "
	  "E[sleep]/(E[sleep]+E[run]), first wake at the residual sleep) or "
	  "batch (all runnable: a start-up herd)" },
	{ "workload.rate", "rate", "1000/s", "spawns per second (poisson, interval)" },
	{ "workload.spawns", "count", "0",
	  "stop spawning after this many (0: until duration)" },
	{ "workload.trace", "path", "\"\"",
	  "CSV of spawn_ns,demand_ns (relative to the scenario file)" },
	{ "workload.lifetime", "dist(duration)", "exponential(2ms)",
	  "CPU demand of a task (on-CPU time until exit)" },
	{ "workload.slice", "dist(duration)", "3ms", "on-CPU time before preemption" },
	{ "workload.block.probability", "number", "0",
	  "chance a segment ends by blocking instead of slice expiry" },
	{ "workload.block.run", "dist(duration)", "(= slice)",
	  "on-CPU time before blocking" },
	{ "workload.block.sleep", "dist(duration)", "exponential(1ms)",
	  "time blocked before the wake-up" },
	{ "workload.resident.tasks", "count", "0",
	  "tasks there from t=0 that never exit: run a burst, sleep, wake, ..." },
	{ "workload.resident.busy", "count", "0",
	  "CPU-bound resident tasks: always runnable, preempted at slice ends" },
	{ "workload.resident.run", "dist(duration)", "20us",
	  "a resident task's CPU burst before it sleeps" },
	{ "workload.resident.sleep", "dist(duration)", "exponential(1ms)",
	  "a resident task's sleep" },
	{ "workload.resident.busy_run", "dist(duration)", "(none)",
	  "busy tasks' CPU burst before a sleep; absent: they never sleep" },
	{ "workload.resident.busy_sleep", "dist(duration)", "exponential(100us)",
	  "busy tasks' sleep (with busy_run)" },
	{ "workload.resident.interval", "dist(duration)", "(none)",
	  "wake-up to next wake-up (timer-driven); replaces sleep: it sleeps until then" },
	{ "workload.resident.timer_slack", "duration", "0",
	  "residents' sleeps are hrtimers with this slack: a CPU's timer "
	  "interrupt at the earliest expiry + slack wakes every resident whose "
	  "expiry has passed (__hrtimer_run_queues); 0: each wakes at its own "
	  "time (Linux's default for normal tasks: 50us; calibrate writes "
	  "workload.timer_slack)" },
	{ "probe.attach", "bool", "true", "false: no BPF at all (the baseline)" },
	{ "probe.threshold", "duration", "10ms",
	  "report waits longer than this; 0 reports every wait (runqslower's default min_us: 10 ms)" },
	{ "probe.output", "enum", "perf", "perf (perf buffer) or ringbuf" },
	{ "probe.delete", "enum", "on_report",
	  "on_report (runqslower: delete after a report) or always" },
	{ "probe.nesting", "enum", "per_program",
	  "per_program: a program is skipped only when it is already running "
	  "on its CPU (tp_btf/raw_tp, __bpf_trace_run's prog->active; "
	  "runqslower's hooks: never); any_program: sched_wakeup is skipped "
	  "while any BPF program runs on its CPU (kprobe/perf-event "
	  "programs, trace_call_bpf; `skip` is its former name); serialize: "
	  "never skipped" },
	{ "probe.cleanup_on_exit", "bool", "false",
	  "attach sched_process_exit and delete the task's entry" },
	{ "probe.hooks.sched_wakeup", "dist(duration)", HOOK_DEF_WAKEUP,
	  "program base cost on sched_wakeup (storage operations not included)" },
	{ "probe.hooks.sched_wakeup_new", "dist(duration)", HOOK_DEF_WAKEUP_NEW,
	  "program base cost on sched_wakeup_new" },
	{ "probe.hooks.sched_switch", "dist(duration)", HOOK_DEF_SWITCH,
	  "program base cost on sched_switch" },
	{ "probe.hooks.sched_process_exit", "dist(duration)", HOOK_DEF_EXIT,
	  "program base cost on sched_process_exit (with cleanup_on_exit)" },
	{ "probe.output_cost.perf", "dist(duration)", OUTPUT_DEF_PERF,
	  "cost of emitting one report through a perf buffer" },
	{ "probe.output_cost.ringbuf", "dist(duration)", OUTPUT_DEF_RINGBUF,
	  "cost of emitting one report through a ring buffer" },
	{ "storage.kind", "enum", "hash",
	  "hash, task_storage or lru_hash; each strategy's keys are listed below" },
	{ "tools", "list", "(none)",
	  "described probes (README, \"Describe your probe\"); each item a "
	  "description or {include: FILE}; replaces the built-in probe" },
	{ "kernel.fork", "dist(duration)", "0",
	  "kernel time per fork (copy_process) on the forking CPU: the "
	  "parent's, or the child's without a parent; kernel_time, not payload" },
	{ "kernel.exec", "dist(duration)", "0",
	  "kernel time of a spawned task's exec, on its CPU when it first runs" },
	{ "kernel.exit", "dist(duration)", "0",
	  "kernel time of do_exit after sched_process_exit (exit_mm, "
	  "exit_files, exit_notify), on the exiting task's CPU" },
	{ "kernel.reap", "dist(duration)", "0",
	  "kernel time to reap a child (release_task): by a parent at its next "
	  "fork, or by the exiting task itself without parents" },
	{ "background.irq.rate", "rate", "0",
	  "hardware interrupts per second on each CPU (Poisson)" },
	{ "background.irq.duration", "dist(duration)", "(none)",
	  "CPU time of one interrupt (kernel_time; delays what runs there)" },
	{ "background.softirq.rate", "rate", "0",
	  "softirq runs (with RCU callbacks) per second on each CPU" },
	{ "background.softirq.duration", "dist(duration)", "(none)",
	  "CPU time of one softirq run" },
	{ "background.while_busy", "bool", "true",
	  "false: only episodes on an idle CPU are charged (bursts measured "
	  "on a host already hold the rest; steal then charges nothing)" },
	{ "host.steal.rate", "rate", "0",
	  "episodes per second on each CPU in which the hypervisor runs "
	  "something else (none while the vCPU idles)" },
	{ "host.steal.duration", "dist(duration)", "(none)",
	  "length of one steal episode (steal_time: neither busy nor idle)" },
	{ "workload.syscalls.rate", "rate", "0",
	  "with tools: system calls per second of a task's running time "
	  "(sys_enter/sys_exit fire for each)" },
	{ "workload.syscalls.ids", "map", "0",
	  "one syscall number, or a mapping {number: weight}" },
	{ "workload.syscalls.duration", "dist(duration)", "exponential(2us)",
	  "in-kernel time of one system call (the task's CPU time)" },
	PD_PRIMS_PARAMS,
	{ NULL, NULL, NULL, NULL },
};
