/* cmd_capacity.c - `bpfsim capacity`: the largest load that meets an objective.
 *
 * Per strategy, bisection in log space over one parameter between lo and
 * hi (`--param`, `--range`), each probe run with R replications (the
 * scenario's seeds: common random numbers across probes and strategies).
 * The bisection follows the point estimate (means, majority regime); the
 * interval it reports accounts for the confidence intervals:
 *   low  = the largest probe whose whole CI met the objective,
 *   high = the smallest probe whose whole CI failed it,
 * so the capacity lies in [low, high] at the probes' 95% confidence (and
 * the bisection estimate is between them).  It assumes the objective holds
 * below the capacity and fails above it (monotone in the parameter).
 *
 * Scenario block (each key overridable on the command line):
 *   capacity: {param: workload.rate, template: "{}", range: 100/s:1M/s,
 *              objective: "bpf_cpu_share<=0.05", probes: 14, tolerance: 0.02}
 * `template` builds the scenario value from the probe value, e.g.
 * "exponential({})" to probe a distribution's mean.
 *
 * Interrupted (SIGINT/SIGTERM): the probe running is dropped (a probe is a
 * result only when every replication ran), no new probe starts, and
 * capacity.csv is written with the probes that finished.  Its `complete`
 * column is 0 for a strategy whose search was cut short (estimate nan: the
 * bisection did not converge; low/high still hold, as bounds from whole
 * probes); a strategy that never started has no rows.  Exit 130/143.
 *
 * Outputs: capacity.csv (every probe), capacity.json (the search and the
 * objective's terms, for the figure's threshold), scenario.resolved.yaml
 * (with the search's settings in its capacity: block), jobs.csv, and the
 * capacity figure (plots/) unless --no-plots or interrupted.
 *
 * The probes are points of one experiment (experiment.h), a probe value
 * shared by strategies being one point.  --resume DIR takes every job DIR's
 * jobs.csv has and runs the rest, so an interrupted search picks up where
 * it stopped.  The search is sequential - each probe depends on the last -
 * so shards cannot split it as it goes: `--shard I/N` instead runs share I
 * of the first SHARD_DEPTH levels of every strategy's bisection tree (lo,
 * hi, then the midpoints the search can visit: up to 2^SHARD_DEPTH + 1
 * probes, about twice the work of a search's first levels, spread over N
 * machines), and `bpfsim merge` of the shards runs the search over their
 * jobs, running itself only the probes deeper than the tree.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plots/plot.h"
#include "sim/cli/cli.h"
#include "sim/cli/drive.h"
#include "sim/exp/experiment.h"
#include "sim/exp/journal.h"
#include "sim/exp/mpi_runner.h"
#include "sim/exp/objective.h"
#include "sim/exp/report.h"
#include "sim/out.h"
#include "sim/outdir.h"

#define MAX_PROBES 64
#define SHARD_DEPTH 5

struct probe {
	double value;
	char text[96];             /* the scenario value */
	struct objective_eval ev;
	struct stat_summary sum[OBJ_MAX_TERMS];
	size_t regimes[REGIME_COUNT + 1];
	size_t nreps;
	int cut;                   /* interrupted: some replication did not run */
};

struct cap_spec {
	const char *param, *template_, *range, *objective;
	uint64_t probes;
	double tol;
	double lo, hi;
	int kind, whole;
	struct objective obj;
};

struct cap_result {
	size_t nprobes;
	struct probe p[MAX_PROBES];
	double estimate, low, high;
	const char *note;          /* "below range", "above range", or NULL */
	int interrupted;           /* the search was cut short (or not begun) */
};

static void format_probe(const struct cap_spec *c, double v, char *buf,
			 size_t size)
{
	char val[64];
	sweep_format_value(v, c->kind, c->whole, val, sizeof(val));
	const char *at = strstr(c->template_, "{}");
	if (!at)
		snprintf(buf, size, "%s", val);
	else
		snprintf(buf, size, "%.*s%s%s", (int)(at - c->template_),
			 c->template_, val, at + 2);
}

/* The search's experiment: a point per probe value (its text is the key:
 * strategies probing the same value share it). */
struct cap_exp {
	struct experiment x;
	const struct cap_spec *c;
	struct exp_run_opts ro;
	char (*text)[96];          /* per point */
	size_t cap;
	struct cli_progress pr;    /* what the progress line says */
	char label[240];           /* pr.what: strategy, probe, value */
	const char *strategy;      /* the one being searched */
	size_t probe_no;           /* probes run for it so far */
	size_t max_probes;
};

/* The point of probe value v, added on first use; *p its index. */
static int probe_point(struct cap_exp *ce, double v, size_t *p, struct err *e)
{
	char text[96], set[300];
	format_probe(ce->c, v, text, sizeof(text));
	for (size_t i = 0; i < ce->x.np; i++)
		if (!strcmp(ce->text[i], text)) {
			*p = i;
			return 0;
		}
	if (ce->x.np == ce->cap) {
		size_t cap = ce->cap ? 2 * ce->cap : 64;
		char (*t)[96] = realloc(ce->text, cap * sizeof(*t));
		if (!t)
			return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		ce->text = t;
		ce->cap = cap;
	}
	snprintf(set, sizeof(set), "%s=%s", ce->c->param, text);
	const char *sets[1] = { set };
	if (exp_add_point(&ce->x, sets, 1, p, e))
		return e->status;
	snprintf(ce->text[*p], sizeof(ce->text[0]), "%s", text);
	return 0;
}

/* Run one probe: R replications of strategy s at value v (only the ones
 * not run yet: a resumed or merged search finds the others done). */
static int run_probe(struct cap_exp *ce, size_t s, double v, struct probe *pr,
		     struct err *e)
{
	const struct cap_spec *c = ce->c;
	size_t p;
	memset(pr, 0, sizeof(*pr));
	pr->value = v;
	format_probe(c, v, pr->text, sizeof(pr->text));
	snprintf(ce->label, sizeof(ce->label), "capacity %s: probe %zu of at "
		 "most %zu (%s=%s)", ce->strategy, ++ce->probe_no, ce->max_probes,
		 c->param, pr->text);
	if (probe_point(ce, v, &p, e) ||
	    exp_grow(&ce->x, p, s, ce->x.pts[p]->replications, e) ||
	    exp_run_pending(&ce->x, &ce->ro, e))
		return e->status;
	struct exp_cell *cell = exp_cell(&ce->x, p, s);
	struct report rep;
	if (report_build(&rep, ce->x.pts[p], cell->jobs, 1, cell->nreps))
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	struct stat_summary *all = rep.sum;
	for (size_t i = 0; i < c->obj.n; i++)
		if (c->obj.t[i].metric >= 0)
			pr->sum[i] = all[c->obj.t[i].metric];
	memcpy(pr->regimes, rep.regimes, sizeof(pr->regimes));
	pr->nreps = rep.ndone[0] + rep.ncapped[0];
	pr->cut = rep.interrupted;
	pr->ev = objective_eval(&c->obj, all, pr->regimes, pr->nreps);
	int rc = 0;
	if (rep.nfailed[0])
		rc = err_set(e, ERR_RUNTIME, NULL, 0, 0,
			     "a replication failed at %s=%s", c->param, pr->text);
	report_fini(&rep);
	return rc;
}

static double next_value(const struct cap_spec *c, double a, double b)
{
	double m = sqrt(a * b);
	if (c->whole)
		m = round(m);
	return m;
}

static int search(struct cap_exp *ce, size_t s, struct cap_result *res,
		  struct err *e)
{
	const struct cap_spec *c = ce->c;
	memset(res, 0, sizeof(*res));
	size_t maxp = c->probes < MAX_PROBES ? c->probes : MAX_PROBES;
	struct probe *p = res->p;
	if (run_probe(ce, s, c->lo, &p[0], e))
		return e->status;
	if (!p[0].cut && run_probe(ce, s, c->hi, &p[1], e))
		return e->status;
	res->nprobes = p[0].cut ? 0 : p[1].cut ? 1 : 2;
	if (res->nprobes < 2) {
		res->interrupted = 1;
	} else if (!p[0].ev.mean_pass) {
		res->note = "below range: the objective fails at lo";
		res->estimate = NAN;
	} else if (p[1].ev.mean_pass) {
		res->note = "above range: the objective holds at hi";
		res->estimate = c->hi;
	} else {
		double a = c->lo, b = c->hi;
		while (res->nprobes < maxp && !cli_interrupted) {
			if (b / a <= 1 + c->tol || (c->whole && b - a <= 1))
				break;
			double m = next_value(c, a, b);
			if (m <= a || m >= b)
				break;
			struct probe *q = &p[res->nprobes];
			if (run_probe(ce, s, m, q, e))
				return e->status;
			if (q->cut)
				break;   /* not a result */
			res->nprobes++;
			if (q->ev.mean_pass)
				a = m;
			else
				b = m;
		}
		res->estimate = a;
		res->interrupted = cli_interrupted != 0 && res->nprobes < maxp &&
				   !(b / a <= 1 + c->tol || (c->whole && b - a <= 1));
	}
	if (res->interrupted) {
		res->note = "interrupted: the search did not finish";
		res->estimate = NAN;
	}
	/* The interval from the probes' confidence. */
	res->low = NAN;
	res->high = NAN;
	for (size_t i = 0; i < res->nprobes; i++) {
		if (p[i].ev.sure_pass && (isnan(res->low) || p[i].value > res->low))
			res->low = p[i].value;
		if (p[i].ev.sure_fail && (isnan(res->high) || p[i].value < res->high))
			res->high = p[i].value;
	}
	return 0;
}

/* An error about a capacity setting names where the setting came from:
 * the command-line option (as the error already says), or the value in
 * the scenario's capacity: block, as file:line:col. */
static int at_setting(struct err *e, const struct scenario *sc,
		      const char *key, int from_cli)
{
	const struct ynode *cap = ynode_peek(ytree_root(sc->tree), "capacity");
	const struct ynode *n = key ? ynode_peek(cap, key) : cap;
	if (!from_cli && n && n->line > 0) {
		snprintf(e->file, sizeof(e->file), "%s", n->file);
		e->line = n->line;
		e->col = n->col;
	}
	return e->status;
}

static int read_spec(struct scenario *sc, const struct cli_opts *o,
		     const char *path, struct cap_spec *c, struct err *e)
{
	c->param = o->cap_param ? o->cap_param : sc->capacity.param;
	c->template_ = sc->capacity.tmpl;
	c->range = o->cap_range ? o->cap_range : sc->capacity.range;
	c->objective = o->cap_objective ? o->cap_objective : sc->capacity.objective;
	c->probes = o->cap_probes ? o->cap_probes : sc->capacity.probes;
	c->tol = o->cap_tol > 0 ? o->cap_tol : sc->capacity.tol;
	if (!c->param)
		c->param = "";
	if (!c->range)
		c->range = "";
	if (!c->objective)
		c->objective = "";
	/* --param PATH=TEMPLATE */
	static char pbuf[256];
	const char *eq = strchr(c->param, '=');
	if (eq) {
		if (snprintf(pbuf, sizeof(pbuf), "%.*s", (int)(eq - c->param),
			     c->param) >= (int)sizeof(pbuf)) {
			err_set(e, ERR_INPUT, "--param", 0, 0, "the path is longer "
				"than %zu characters", sizeof(pbuf) - 1);
			return e->status;
		}
		c->template_ = eq + 1;
		c->param = pbuf;
	} else if (o->cap_param && sc->capacity.param &&
		   strcmp(o->cap_param, sc->capacity.param)) {
		/* The scenario's template is its own parameter's: another
		 * --param PATH takes the probe value as it is. */
		c->template_ = "{}";
	}
	if (!c->param[0] || !c->range[0] || !c->objective[0]) {
		err_set(e, ERR_INPUT, path, 0, 0,
			"capacity needs a parameter, a range and an objective: "
			"--param PATH --range LO:HI --objective 'METRIC<=X' "
			"(or a capacity: block in the scenario)");
		return at_setting(e, sc, NULL, 0);
	}
	/* Without {} the probe value would never reach the scenario. */
	if (!strstr(c->template_, "{}")) {
		int pcli = eq && o->cap_param;
		err_set(e, ERR_INPUT, pcli ? "" : path, 0, 0,
			"%s template has no {} for the probe value (got '%s')",
			pcli ? "--param" : "capacity", c->template_);
		return at_setting(e, sc, eq ? "param" : "template", pcli);
	}
	int rcli = o->cap_range != NULL;
	char r[256], why[160];
	snprintf(r, sizeof(r), "%s", c->range);
	char *colon = strchr(r, ':');
	if (!colon) {
		err_set(e, ERR_INPUT, "--range", 0, 0, "expected LO:HI (got '%s')",
			c->range);
		return at_setting(e, sc, "range", rcli);
	}
	*colon = 0;
	int k2;
	if (sweep_bound_parse(r, &c->lo, &c->kind, why, sizeof(why)) ||
	    sweep_bound_parse(colon + 1, &c->hi, &k2, why, sizeof(why))) {
		err_set(e, ERR_INPUT, "--range", 0, 0, "'%s': %s", c->range, why);
		return at_setting(e, sc, "range", rcli);
	}
	if (k2 != c->kind) {
		err_set(e, ERR_INPUT, "--range", 0, 0,
			"'%s': lo and hi need the same kind of unit", c->range);
		return at_setting(e, sc, "range", rcli);
	}
	if (!(c->lo > 0) || !(c->lo < c->hi)) {
		err_set(e, ERR_INPUT, "--range", 0, 0,
			"'%s': need 0 < lo < hi (bisection is in log space)",
			c->range);
		return at_setting(e, sc, "range", rcli);
	}
	c->whole = c->kind == 0 && sweep_is_whole(r) && sweep_is_whole(colon + 1);
	if (objective_parse(&c->obj, c->objective, sc->model, "--objective", e))
		return at_setting(e, sc, "objective", o->cap_objective != NULL);
	return 0;
}

static void print_result(const struct cap_spec *c, const char *strategy,
			 const struct cap_result *res, FILE *f)
{
	fprintf(f, "\n%s:\n  %-24s %-6s %-5s %-5s", strategy[0] ? strategy : "value",
		c->param, "mean", "sure", "sure");
	for (size_t i = 0; i < c->obj.n; i++)
		if (c->obj.t[i].metric < 0)
			fprintf(f, " %22s", "regimes (majority)");
	fputc('\n', f);
	for (size_t k = 0; k < res->nprobes; k++) {
		const struct probe *p = &res->p[k];
		fprintf(f, "  %-24s %-6s %-5s %-5s", p->text,
			p->ev.mean_pass ? "meets" : "fails",
			p->ev.sure_pass ? "pass" : "", p->ev.sure_fail ? "fail" : "");
		for (size_t i = 0; i < c->obj.n; i++) {
			if (c->obj.t[i].metric >= 0) {
				const struct stat_summary *su = &p->sum[i];
				fprintf(f, "  %.4g [%.4g, %.4g]", su->mean, su->lo, su->hi);
			} else {
				int best = REGIME_UNKNOWN;
				size_t bn = 0;
				for (int g = 0; g < REGIME_COUNT; g++)
					if (p->regimes[g] >= bn && p->regimes[g]) {
						bn = p->regimes[g];
						best = g;
					}
				fprintf(f, "  %s (%zu/%zu)", regime_names[best], bn,
					p->nreps);
			}
		}
		fputc('\n', f);
	}
	char e[64], lo[64], hi[64];
	if (res->note) {
		fprintf(f, "  capacity: %s\n", res->note);
		return;
	}
	format_probe(c, res->estimate, e, sizeof(e));
	if (isnan(res->low))
		snprintf(lo, sizeof(lo), "below %s", res->p[0].text);
	else
		format_probe(c, res->low, lo, sizeof(lo));
	if (isnan(res->high))
		snprintf(hi, sizeof(hi), "above %s", res->p[1].text);
	else
		format_probe(c, res->high, hi, sizeof(hi));
	fprintf(f, "  capacity: %s = %s (95%% interval from the probes: %s .. %s)\n",
		c->param, e, lo, hi);
}

static void write_csv(const struct cap_spec *c, const char *strategy,
		      const struct cap_result *res, FILE *f, int header)
{
	if (header) {
		fprintf(f, "strategy,probe,%s,mean_meets,sure_pass,sure_fail", c->param);
		for (size_t i = 0; i < c->obj.n; i++)
			if (c->obj.t[i].metric >= 0)
				fprintf(f, ",term%zu_mean,term%zu_ci_low,term%zu_ci_high",
					i, i, i);
		fputs(",complete,estimate,low,high\n", f);
	}
	for (size_t k = 0; k < res->nprobes; k++) {
		const struct probe *p = &res->p[k];
		fprintf(f, "%s,%zu,", strategy[0] ? strategy : "value", k);
		out_num(f, p->value, "nan");
		fprintf(f, ",%d,%d,%d", p->ev.mean_pass, p->ev.sure_pass,
			p->ev.sure_fail);
		for (size_t i = 0; i < c->obj.n; i++) {
			if (c->obj.t[i].metric < 0)
				continue;
			exp_ci_cols(f, &p->sum[i]);
		}
		fprintf(f, ",%d", !res->interrupted);
		out_csv_nums(f, (const double[]){ res->estimate, res->low,
						  res->high }, 3);
		fputc('\n', f);
	}
}

/* capacity.json: what capacity.csv cannot say - the search (parameter,
 * template, range) and the objective's terms, with the capacity.csv column
 * (termI) of each metric term; what `bpfsim plot` reads for the threshold. */
static void write_json(const struct cap_spec *c, const struct scenario *sc,
		       const struct cap_result *res, const char *provenance,
		       FILE *f)
{
	int complete = 1;
	for (size_t s = 0; s < sc->nstrategies; s++)
		complete &= !res[s].interrupted;
	fputs("{\n  \"bpfsim\": ", f);
	out_json_string(f, BPFSIM_VERSION);
	report_json_head(f, provenance);
	fputs(",\n  \"scenario\": ", f);
	out_json_string(f, sc->name);
	fputs(",\n  \"model\": ", f);
	out_json_string(f, sc->model->name);
	fputs(",\n  \"param\": ", f);
	out_json_string(f, c->param);
	fputs(",\n  \"template\": ", f);
	out_json_string(f, c->template_);
	fputs(",\n  \"range\": ", f);
	out_json_string(f, c->range);
	fputs(",\n  \"objective\": ", f);
	out_json_string(f, c->obj.text);
	fputs(",\n  \"terms\": [", f);
	for (size_t i = 0; i < c->obj.n; i++) {
		fputs(i ? ",\n    " : "\n    ", f);
		if (c->obj.t[i].metric >= 0) {
			fprintf(f, "{\"column\": \"term%zu\", \"metric\": ", i);
			out_json_string(f, sc->model->metrics[c->obj.t[i].metric].name);
			fprintf(f, ", \"op\": \"%s\", \"value\": ",
				c->obj.t[i].le ? "<=" : ">=");
			out_num(f, c->obj.t[i].value, "null");
			fputc('}', f);
		} else {
			fprintf(f, "{\"regime\": \"%s\", \"op\": \"%s\"}",
				regime_names[c->obj.t[i].regime],
				c->obj.t[i].not_equal ? "!=" : "==");
		}
	}
	fprintf(f, "\n  ],\n  \"replications\": %llu,\n  \"complete\": %s\n}\n",
		(unsigned long long)sc->replications, complete ? "true" : "false");
}

/* Set cap.key to *text and point *text at the tree's copy (text may
 * point into the node it replaces). */
static int record_one(struct ynode *cap, const char *key, const char **text)
{
	char *dup = strdup(*text);
	struct ynode *n = dup ? ynode_set_scalar(cap, key, dup) : NULL;
	free(dup);
	if (!n)
		return -1;
	*text = n->value;
	return 0;
}

/* The search's settings into the resolved scenario's capacity: block, so
 * that the folder says what ran and `merge` can finish a sharded search. */
static int record_spec(struct scenario *sc, struct cap_spec *c, struct err *e)
{
	struct ynode *cap = ynode_ensure_map(ytree_root(sc->tree), "capacity");
	char probes[32], tol[32];
	const char *pp = probes, *tp = tol;
	snprintf(probes, sizeof(probes), "%llu", (unsigned long long)c->probes);
	snprintf(tol, sizeof(tol), "%g", c->tol);
	if (!cap || record_one(cap, "param", &c->param) ||
	    record_one(cap, "template", &c->template_) ||
	    record_one(cap, "range", &c->range) ||
	    record_one(cap, "objective", &c->objective) ||
	    record_one(cap, "probes", &pp) || record_one(cap, "tolerance", &tp))
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	return 0;
}

/* The probes a search of strategy s can visit in its first `depth`
 * bisection steps between a and b, as jobs (for --shard). */
static int add_tree(struct cap_exp *ce, size_t s, double a, double b,
		    int depth, struct err *e)
{
	const struct cap_spec *c = ce->c;
	if (depth == 0 || b / a <= 1 + c->tol || (c->whole && b - a <= 1))
		return 0;
	double m = next_value(c, a, b);
	size_t p;
	if (m <= a || m >= b)
		return 0;
	if (probe_point(ce, m, &p, e) ||
	    exp_grow(&ce->x, p, s, ce->x.pts[p]->replications, e))
		return e->status;
	return add_tree(ce, s, a, m, depth - 1, e) ||
	       add_tree(ce, s, m, b, depth - 1, e) ? e->status : 0;
}

static int shard_tree(struct cap_exp *ce, struct err *e)
{
	const struct cap_spec *c = ce->c;
	size_t maxp = c->probes < MAX_PROBES ? c->probes : MAX_PROBES;
	int depth = maxp - 2 < SHARD_DEPTH ? (int)maxp - 2 : SHARD_DEPTH;
	for (size_t s = 0; s < ce->x.ns; s++) {
		size_t p;
		if (probe_point(ce, c->lo, &p, e) ||
		    exp_grow(&ce->x, p, s, ce->x.pts[p]->replications, e) ||
		    probe_point(ce, c->hi, &p, e) ||
		    exp_grow(&ce->x, p, s, ce->x.pts[p]->replications, e) ||
		    add_tree(ce, s, c->lo, c->hi, depth, e))
			return e->status;
	}
	return 0;
}

/* A probe value the model refuses: name the parameter's origin, not the
 * internal --set. */
static void param_origin(struct err *e, const struct scenario *sc,
			 const struct cap_spec *c, const struct cli_opts *o)
{
	char pre[300];
	snprintf(pre, sizeof(pre), "--set '%s=", c->param);
	if (strncmp(e->file, pre, strlen(pre)))
		return;
	if (o->cap_param)
		snprintf(e->file, sizeof(e->file), "--param '%s'", o->cap_param);
	else
		at_setting(e, sc, "param", 0);
}

static int write_outputs(struct cap_exp *ce, const struct cap_result *res,
			 const char *dir, struct err *e)
{
	const struct scenario *sc = ce->x.base;
	struct out_file f;
	if (out_mkdir_p(dir, e) || out_open(&f, dir, OUTDIR_CAPACITY_CSV, e))
		return e->status;
	for (size_t s = 0; s < sc->nstrategies; s++)
		write_csv(ce->c, sc->strategy[s], &res[s], f.f, s == 0);
	if (out_commit(&f, e) || out_open(&f, dir, OUTDIR_RESOLVED_YAML, e))
		return e->status;
	scenario_emit(sc, f.f);
	if (out_commit(&f, e) || exp_write_job_files(&ce->x, dir, 1, e) ||
	    out_open(&f, dir, OUTDIR_CAPACITY_JSON, e))
		return e->status;
	write_json(ce->c, sc, res, ce->x.provenance, f.f);
	return out_commit(&f, e);
}

/* The search's experiment and spec from o, with the jobs of dirs[0..n)
 * (--resume or merge's shards: `use`), each folder's manifest checked
 * first. */
static int load_search(struct cap_exp *ce, struct cap_spec *c,
		       const struct cli_opts *o, char **dirs, int ndirs,
		       const char *use, struct err *e)
{
	struct scenario *sc = drive_load(o, NULL, 0, NULL, e);
	if (!sc)
		return e->status;
	if (o->strategies || (sc->model->strategy_key &&
			      ynode_peek(ytree_root(sc->tree), "compare"))) {
		struct scenario *cmp = scenario_derive(sc, NULL, 0, 1,
						       o->strategies, e);
		scenario_free(sc);
		if (!(sc = cmp))
			return e->status;
	}
	if (exp_init(&ce->x, sc, e) || read_spec(ce->x.base, o, o->scenario, c, e) ||
	    record_spec(ce->x.base, c, e) ||
	    drive_record_strategies(ce->x.base, e))
		return e->status;
	ce->c = c;
	ce->x.keep_series = 0;
	drive_run_opts(o, &ce->ro);
	for (int d = 0; d < ndirs; d++)
		if (drive_check_folder(&ce->x, "capacity", dirs[d], use, e))
			return e->status;
	for (int d = 0; d < ndirs; d++)
		if (exp_read_jobs(&ce->x, dirs[d], e))
			return e->status;
	return 0;
}

/* Every search starts at lo and hi: their points now, so that a --param
 * the model refuses (or a value it refuses there) is an error before any
 * folder exists. */
static int first_probes(struct cap_exp *ce, const struct cli_opts *o,
			struct err *e)
{
	size_t p;
	if (probe_point(ce, ce->c->lo, &p, e) || probe_point(ce, ce->c->hi, &p, e))
		param_origin(e, ce->x.base, ce->c, o);
	return e->status;
}

/* Every strategy's search, until done or interrupted. */
static int search_all(struct cap_exp *ce, struct cap_result *res,
		      const struct cli_opts *o, struct err *e)
{
	const struct scenario *sc = ce->x.base;
	/* One progress line over the whole search: which strategy, which
	 * probe, its replications (drive.h's line, relabelled per probe). */
	cli_progress_init(&ce->pr, mpi_rank() == 0 ? cli_progress_mode(o)
						    : CLI_PROGRESS_NONE,
			  ce->label, "jobs");
	if (ce->pr.mode != CLI_PROGRESS_NONE) {
		ce->ro.progress = cli_progress_show;
		ce->ro.progress_ctx = &ce->pr;
		ce->ro.tick = cli_progress_tick;
		ce->ro.tick_ctx = &ce->pr;
	}
	ce->max_probes = ce->c->probes < MAX_PROBES ? ce->c->probes : MAX_PROBES;
	for (size_t s = 0; s < sc->nstrategies; s++) {
		ce->strategy = sc->strategy[s][0] ? sc->strategy[s] : "value";
		ce->probe_no = 0;
		if (search(ce, s, &res[s], e)) {
			param_origin(e, ce->x.base, ce->c, o);
			return e->status;
		}
		if (cli_interrupted)
			break;
	}
	for (size_t s = 0; s < sc->nstrategies; s++) {
		if (cli_interrupted && !res[s].interrupted && !res[s].nprobes &&
		    !res[s].note) {
			res[s].interrupted = 1;   /* never started */
			res[s].note = "interrupted before this strategy's search";
			res[s].estimate = res[s].low = res[s].high = NAN;
		}
	}
	cli_progress_end(&ce->pr);
	ce->ro.progress = NULL;
	ce->ro.tick = NULL;
	return 0;
}

static void print_results(const struct cap_exp *ce, const struct cap_result *res,
			  const struct cli_opts *o, const char *dir)
{
	const struct scenario *sc = ce->x.base;
	printf("%s: largest %s with %s (%llu replications per probe, bisection "
	       "in log space)\n", sc->name, ce->c->param, ce->c->obj.text,
	       (unsigned long long)sc->replications);
	for (size_t s = 0; s < sc->nstrategies; s++)
		print_result(ce->c, sc->strategy[s], &res[s], stdout);
	printf("\n'sure' = the whole 95%% CI passes/fails.  Outputs in %s/\n", dir);
	if (cli_interrupted)
		fprintf(stderr, "bpfsim capacity: interrupted; finished probes "
			"written to %s/ (marked incomplete: complete=0)\n", dir);
	else if (!o->no_plots)
		plot_outdir(dir, o->plot_format, NULL, stderr);
}

/* The search (or a shard's share of its tree) into dir, journaled. */
static int run_search(struct cap_exp *ce, const struct cli_opts *o,
		      const char *dir, struct drive_folder *df, struct err *e)
{
	struct cap_result *res = NULL;
	struct err je;   /* the journal's: reported after the outputs */
	int done;
	err_init(&je);
	ce->ro.on_job = journal_job;
	ce->ro.on_job_ctx = df->journal;
	if (o->shard_n) {
		if (shard_tree(ce, e) || exp_run_pending(&ce->x, &ce->ro, e)) {
			param_origin(e, ce->x.base, ce->c, o);
			return e->status;
		}
		drive_folder_end_journal(df, &je);
		if (!drive_shard(&ce->x, o, "capacity", dir, &done, e) && je.status)
			*e = je;
		return e->status;
	}
	res = calloc(ce->x.base->nstrategies, sizeof(*res));
	if (!res)
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	if (!search_all(ce, res, o, e)) {
		drive_folder_end_journal(df, &je);
		if (!write_outputs(ce, res, dir, e)) {
			print_results(ce, res, o, dir);
			if (je.status)
				*e = je;
		}
	}
	free(res);
	return e->status;
}

/* capacity on o->scenario, or (merge) on a shard folder's resolved
 * scenario with every shard's jobs: dirs[0..ndirs) are read as `use`
 * (--resume, merge). */
static int capacity_main(const struct cli_opts *o, char **dirs, int ndirs,
			 const char *use)
{
	struct err e;
	struct cap_exp ce = { 0 };
	struct cap_spec c;
	struct drive_folder df = DRIVE_FOLDER_INIT;
	char dir[4096];
	int rc = 0;
	err_init(&e);
	memset(&c, 0, sizeof(c));
	if (load_search(&ce, &c, o, dirs, ndirs, use, &e))
		goto fail;
	cli_install_signals();
	drive_dir(o, ce.x.base->name, "-capacity", dir, sizeof(dir));
	if (first_probes(&ce, o, &e) ||
	    drive_folder_open(&df, &ce.x, "capacity", dir, 1, o->force, &e) ||
	    run_search(&ce, o, dir, &df, &e))
		goto fail;
	goto out;
fail:
	err_print(&e);
	rc = e.status ? e.status : 1;
out:
	drive_folder_close(&df);
	free(ce.text);
	exp_fini(&ce.x);
	return cli_exit_status(rc);
}

int capacity_merge(const struct cli_opts *o, char **dirs, int ndirs)
{
	return capacity_main(o, dirs, ndirs, "merge");
}

extern const struct cli_cmd cli_cmd_capacity;

static int cmd_capacity(int argc, char **argv)
{
	const struct cli_cmd *cmd = &cli_cmd_capacity;
	struct cli_opts o;
	int rc = cli_parse(cmd, argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	char *resume[1] = { (char *)o.resume };
	return capacity_main(&o, resume, o.resume ? 1 : 0, "--resume");
}

const struct cli_cmd cli_cmd_capacity = {
	"capacity", cmd_capacity,
	"largest parameter value that meets an objective, per strategy",
	"usage: bpfsim capacity SCENARIO --param PATH[=TEMPLATE] --range LO:HI\n"
	"                       --objective 'METRIC<=X [and ...]' [options]\n\n"
	"Bisection in log space between LO and HI (units as in the scenario:\n"
	"100/s:1M/s, 1us:10ms, 10:100000), R replications at every probe, for\n"
	"every strategy (compare: list or --strategies).  Objective terms:\n"
	"METRIC<=X, METRIC>=X, regime!=exploding, joined by `and`.  Prints\n"
	"every probe, the estimate and a 95% interval from the probes whose\n"
	"whole CI passed/failed; writes capacity.csv.  TEMPLATE puts the value\n"
	"into text, e.g. --param 'service=exponential({})'.  The scenario's\n"
	"capacity: block gives the defaults.  --resume continues a search;\n"
	"--shard I/N runs share I of the first 5 levels of every strategy's\n"
	"bisection tree, and bpfsim merge of the shards finishes the search.\n",
	"  --param PATH[=TEMPLATE]   parameter to search\n"
	"  --range LO:HI             search interval (0 < LO < HI)\n"
	"  --objective TEXT          what must hold\n"
	"  --probes N                most probes per strategy (default 14)\n"
	"  --tolerance X             stop when HI/LO <= 1 + X (default 0.02)\n"
	"  --strategies LIST         strategies to search\n",
	CLI_EXPERIMENT_OPTS | CLI_OPT(CLI_STRATEGIES) | CLI_OPT(CLI_PARAM) |
	CLI_OPT(CLI_RANGE) | CLI_OPT(CLI_OBJECTIVE) | CLI_OPT(CLI_PROBES) |
	CLI_OPT(CLI_TOL), CLI_ARGS_SCENARIO, NULL,
};
