/* scenario.c - scenario loading: overrides, common keys, model configuration.
 *
 * The model is configured once per strategy (each time with the strategy key
 * set in the tree), so that a `compare` list and the unknown-key check see
 * every key any strategy reads.  All errors are ERR_INPUT with a position,
 * and nothing is written to disk here: a bad scenario leaves no output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/exp/scenario.h"
#include "sim/cfg.h"
#include "sim/check.h"
#include "sim/units.h"

void scenario_free(struct scenario *sc)
{
	if (!sc)
		return;
	for (size_t i = 0; i < sc->nstrategies; i++)
		if (sc->model && sc->cfg[i])
			sc->model->config_free(sc->cfg[i]);
	sweep_fini(&sc->sweep);
	ytree_free(sc->tree);
	ytree_free(sc->source);
	free(sc);
}

static void base_name(const char *path, char *out, size_t size)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	snprintf(out, size, "%s", b);
	char *dot = strrchr(out, '.');
	if (dot && dot != out)
		*dot = 0;
}

static int read_caps(struct scenario *sc, struct ynode *root, struct err *e)
{
	struct ynode *caps = cfg_section(root, "caps", e);
	double wall_ns;
	if (!caps ||
	    cfg_uint(caps, "max_events", "1G", 0, UINT64_MAX / 2,
		     &sc->caps.max_events, e) ||
	    cfg_uint(caps, "max_live_tasks", "0", 0, UINT64_MAX / 2,
		     &sc->caps.max_live_tasks, e) ||
	    cfg_duration(caps, "max_wall", "0", 0, 1e18, &wall_ns, e))
		return e->status ? e->status : ERR_INPUT;
	sc->caps.max_wall = wall_ns * 1e-9;
	return 0;
}

/* The capacity: and phase: blocks, kept as text for their subcommands
 * (which validate the values); read here so their keys are checked.  Only
 * written into the resolved scenario when the scenario has them. */
static int read_explore(struct scenario *sc, struct ynode *root, struct err *e)
{
	struct ynode *c = cfg_node(root, "capacity", 0, e);
	sc->capacity.tmpl = "{}";
	sc->capacity.probes = 14;
	sc->capacity.tol = 0.02;
	if (c) {
		if (c->kind != YN_MAP)
			return cfg_error(e, c, "'capacity' is a mapping: {param, "
					 "range, objective, ...}");
		if (cfg_string(c, "param", "", &sc->capacity.param, e) ||
		    cfg_string(c, "template", "{}", &sc->capacity.tmpl, e) ||
		    cfg_string(c, "range", "", &sc->capacity.range, e) ||
		    cfg_string(c, "objective", "", &sc->capacity.objective, e) ||
		    cfg_uint(c, "probes", "14", 3, 64, &sc->capacity.probes, e) ||
		    cfg_number(c, "tolerance", "0.02", 1e-6, 10, &sc->capacity.tol, e))
			return e->status;
	}
	struct ynode *p = cfg_node(root, "phase", 0, e);
	if (p) {
		if (p->kind != YN_MAP)
			return cfg_error(e, p, "'phase' is a mapping: {x: PATH=lo:hi:n, "
					 "y: PATH=lo:hi:n}");
		if (cfg_string(p, "x", "", &sc->phase.x, e) ||
		    cfg_string(p, "y", "", &sc->phase.y, e))
			return e->status;
	}
	return 0;
}

static int read_precision(struct scenario *sc, struct ynode *root,
			  struct err *e)
{
	sc->precision.metric = -1;
	struct ynode *p = cfg_node(root, "precision", 0, e);
	if (!p)
		return e->status;
	if (p->kind != YN_MAP)
		return cfg_error(e, p, "'precision' is {metric: NAME, "
				 "relative_halfwidth: X, max_reps: N}");
	const char *metric;
	if (cfg_string(p, "metric", NULL, &metric, e) ||
	    cfg_number(p, "relative_halfwidth", NULL, 1e-9, 10,
		       &sc->precision.rel_half, e) ||
	    cfg_uint(p, "max_reps", "200", 2, SCENARIO_MAX_REPLICATIONS,
		     &sc->precision.max_reps, e))
		return e->status;
	sc->precision.metric = -2;   /* named: resolved by resolve_metrics() */
	return 0;
}

/* The model's metric called n's text, or a positioned error with the
 * nearest name.  After specialize(): a described tool's metrics count. */
static int metric_named(const struct scenario *sc, const struct ynode *n,
			int *out, struct err *e)
{
	*out = model_metric_index(sc->model, n->value);
	if (*out >= 0)
		return 0;
	const char *names[1024];
	size_t k = 0;
	for (; sc->model->metrics[k].name && k < 1023; k++)
		names[k] = sc->model->metrics[k].name;
	names[k] = NULL;
	const char *sug = ynode_suggest(NULL, n->value, names);
	return cfg_error(e, n, sug ? "unknown metric '%s' (did you mean '%s'?)"
				   : "unknown metric '%s'%s", n->value,
			 sug ? sug : " (see: bpfsim models)");
}

/* `plot: {metrics: [NAME, ...], together: BOOL}`: the panels of the
 * compare and sweep figures, in order, instead of the model's headline
 * metrics; `together` draws them as the lines of one sweep panel (they
 * must share a unit).  The figures read them from scenario.resolved.yaml.  Marked read here, checked
 * against the model's metrics by resolve_metrics(). */
static int read_plot(struct scenario *sc, struct ynode *root, struct err *e)
{
	struct ynode *p = cfg_node(root, "plot", 0, e);
	if (!p)
		return e->status;
	if (p->kind != YN_MAP)
		return cfg_error(e, p, "'plot' is {metrics: [NAME, ...]}");
	struct ynode *m = ynode_get(p, "metrics");
	if (!m) {
		/* A misspelt key: the unknown-key check names it. */
		for (size_t i = 0; i < p->n; i++)
			if (strcmp(p->keys[i]->value, "together"))
				return 0;
		return cfg_error(e, p, "'plot' needs 'metrics: [NAME, ...]'");
	}
	if (m->kind != YN_SEQ || m->n == 0 || m->n > 12)
		return cfg_error(e, m, "'metrics' is a list of 1 to 12 metric "
				 "names");
	if (m->kind == YN_SEQ && m->n > 6)
		return cfg_error(e, m, "'metrics': at most 6 panels (got %zu)",
				 m->n);
	for (size_t i = 0; i < m->n; i++)
		if (m->items[i]->kind != YN_SCALAR)
			return cfg_error(e, m->items[i], "a metric name");
	return cfg_bool(p, "together", "false", &sc->plot_together, e);
}

static int resolve_metrics(struct scenario *sc, struct ynode *root,
			   struct err *e)
{
	struct ynode *p = ynode_peek(root, "precision");
	if (sc->precision.metric == -2 &&
	    metric_named(sc, ynode_peek(p, "metric"), &sc->precision.metric, e))
		return e->status;
	p = ynode_peek(root, "plot");
	struct ynode *m = p ? ynode_peek(p, "metrics") : NULL;
	const char *unit = NULL;
	for (size_t i = 0; m && i < m->n; i++) {
		int k;
		if (metric_named(sc, m->items[i], &k, e))
			return e->status;
		const char *u = sc->model->metrics[k].unit;
		if (!i)
			unit = u;
		else if (sc->plot_together && strcmp(u ? u : "", unit ? unit : ""))
			return cfg_error(e, m->items[i], "'together' draws "
					 "metrics of one unit: '%s' is in %s, "
					 "'%s' in %s", m->items[i]->value,
					 u ? u : "no unit", m->items[0]->value,
					 unit ? unit : "no unit");
	}
	return 0;
}

static int read_series(struct scenario *sc, struct ynode *root, struct err *e)
{
	double w;
	const char *wu;
	if (cfg_duration(root, "window", "1ms", 0, 1e15, &w, e) ||
	    cfg_string(root, "warmup", "none", &wu, e))
		return e->status;
	sc->series.window = (uint64_t)w;
	sc->series.max_rows = 1000000;   /* 1M windows: bounded memory */
	struct ynode *n = ynode_peek(root, "warmup");
	if (!strcmp(wu, "none")) {
		sc->steady.warmup = WARMUP_NONE;
	} else if (!strcmp(wu, "mser5")) {
		sc->steady.warmup = WARMUP_MSER5;
	} else {
		double ns;
		char why[160];
		if (units_parse_duration(wu, &ns, why, sizeof(why)))
			return cfg_error(e, n, "'warmup' is none, mser5 or a duration "
					 "(%s)", why);
		/* In range before the cast to the integer clock. */
		if (!(ns >= 0))
			return cfg_error(e, n, "'warmup' must be at least 0ns (got %s)",
					 wu);
		if (ns > 0 && ns < 0.5)
			return cfg_error(e, n, "'warmup' is %s, which rounds to 0ns "
					 "(the clock counts whole nanoseconds)", wu);
		if (ns > (double)UNITS_HORIZON_NS)
			return cfg_error(e, n, "'warmup' is beyond the simulated "
					 "clock's horizon, " UNITS_HORIZON_TEXT
					 " (got %s)", wu);
		sc->steady.warmup = ns > 0 ? WARMUP_FIXED : WARMUP_NONE;
		sc->steady.warmup_ns = (uint64_t)ns;
	}
	regime_defaults(&sc->steady.regime);
	struct ynode *rg = cfg_section(root, "regime", e);
	struct regime_params *rp = &sc->steady.regime;
	uint64_t minw;
	if (!rg ||
	    cfg_number(rg, "tail", "0.5", 0.05, 1, &rp->tail, e) ||
	    cfg_number(rg, "final", "0.1", 0.01, 1, &rp->final, e) ||
	    cfg_number(rg, "trend_t", "3", 0, 1e6, &rp->trend_t, e) ||
	    cfg_number(rg, "growth", "0.5", 0, 1e6, &rp->growth, e) ||
	    cfg_number(rg, "zero", "0.001", 0, 1e6, &rp->zero, e) ||
	    cfg_number(rg, "acf", "0.3", 0, 1, &rp->acf, e) ||
	    cfg_number(rg, "amplitude", "0.05", 0, 1e6, &rp->amplitude, e) ||
	    cfg_uint(rg, "min_windows", "20", 3, 1000000, &minw, e))
		return e->status;
	rp->min_windows = (size_t)minw;
	if (sc->steady.warmup != WARMUP_NONE && !sc->model->steady)
		return cfg_error(e, n, "model %s keeps no windowed series: 'warmup' "
				 "does not apply (it has its own warm-up keys, see "
				 "bpfsim models %s)", sc->model->name, sc->model->name);
	if (sc->steady.warmup != WARMUP_NONE && sc->series.window == 0)
		return cfg_error(e, n, "'warmup' needs a series: set 'window' > 0");
	return 0;
}

/* Add one strategy name (validated against the model's list) at node n. */
static int add_strategy(struct scenario *sc, const char *name,
			const struct ynode *n, struct err *e)
{
	const struct model *m = sc->model;
	int ok = 0;
	for (size_t i = 0; m->strategies[i]; i++)
		ok |= strcmp(m->strategies[i], name) == 0;
	if (!ok) {
		const char *s = ynode_suggest(NULL, name, m->strategies);
		if (s)
			return cfg_error(e, n, "unknown strategy '%s' (did you mean '%s'?)",
					 name, s);
		return cfg_error(e, n, "unknown strategy '%s' for model %s", name,
				 m->name);
	}
	for (size_t i = 0; i < sc->nstrategies; i++)
		if (strcmp(sc->strategy[i], name) == 0)
			return cfg_error(e, n, "strategy '%s' listed twice", name);
	if (sc->nstrategies == SCENARIO_MAX_STRATEGIES)
		return cfg_error(e, n, "at most %d strategies",
				 SCENARIO_MAX_STRATEGIES);
	snprintf(sc->strategy[sc->nstrategies++], sizeof(sc->strategy[0]), "%s",
		 name);
	return 0;
}

static int read_strategies(struct scenario *sc, struct ynode *root,
			   int compare, const char *list, struct err *e)
{
	const struct model *m = sc->model;
	struct ynode *cmp = m->strategy_key ? ynode_get(root, "compare")
					    : ynode_peek(root, "compare");
	if (!m->strategy_key) {
		if (cmp)
			return cfg_error(e, cmp, "model %s has no strategies to compare",
					 m->name);
		if (compare || list)
			return err_set(e, ERR_INPUT, sc->name, 0, 0,
				       "model %s has no strategies to compare",
				       m->name);
		sc->nstrategies = 1;
		sc->strategy[0][0] = 0;
		return 0;
	}
	if (cmp) {
		if (cmp->kind != YN_SEQ || cmp->n == 0)
			return cfg_error(e, cmp,
					 "'compare' must be a non-empty list of strategies");
		for (size_t i = 0; i < cmp->n; i++) {
			if (cmp->items[i]->kind != YN_SCALAR)
				return cfg_error(e, cmp->items[i],
						 "a strategy name must be a scalar");
		}
	}
	if (compare && list) {
		char buf[512];
		if (snprintf(buf, sizeof(buf), "%s", list) >= (int)sizeof(buf))
			return err_set(e, ERR_INPUT, "--strategies", 0, 0,
				       "is too long (at most %zu characters)",
				       sizeof(buf) - 1);
		char *save = NULL;
		for (char *t = strtok_r(buf, ",", &save); t;
		     t = strtok_r(NULL, ",", &save)) {
			struct ynode where = { .file = "--strategies" };
			if (add_strategy(sc, t, &where, e))
				return e->status;
		}
		if (sc->nstrategies == 0)
			return err_set(e, ERR_INPUT, "--strategies", 0, 0,
				       "names no strategy (expected A,B,...: %s)",
				       "see bpfsim models");
	} else if (compare && cmp) {
		for (size_t i = 0; i < cmp->n; i++)
			if (add_strategy(sc, cmp->items[i]->value, cmp->items[i], e))
				return e->status;
	} else if (compare) {
		for (size_t i = 0; m->strategies[i] && i < 2; i++)
			add_strategy(sc, m->strategies[i], root, e);
	} else {
		/* The scenario's own strategy: configure reads it. */
		sc->nstrategies = 1;
		sc->strategy[0][0] = 0;
	}
	/* Validate the compare list even when running one strategy. */
	if (!compare && cmp) {
		struct scenario tmp = { .model = m };
		for (size_t i = 0; i < cmp->n; i++)
			if (add_strategy(&tmp, cmp->items[i]->value, cmp->items[i], e))
				return e->status;
	}
	return 0;
}

/* Set the strategy key (dotted path) in the tree to `name`. */
static int set_strategy(struct scenario *sc, const char *name, struct err *e)
{
	char assign[256];
	snprintf(assign, sizeof(assign), "%s=%s", sc->model->strategy_key, name);
	return ytree_set_path(sc->tree, assign, e);
}

/* The strategy the scenario itself selects (after configure), for labels. */
static void own_strategy(struct scenario *sc)
{
	struct ynode *n = ytree_find(sc->tree, sc->model->strategy_key);
	if (n && n->kind == YN_SCALAR)
		snprintf(sc->strategy[0], sizeof(sc->strategy[0]), "%s", n->value);
}

/* Every include of one scenario, all levels together: a fan-out cannot
 * multiply the loads (8 files x 8 levels would be 16.7 M). */
#define SCENARIO_MAX_INCLUDES 64

/* `include: FILE` or `include: [FILE, ...]`: files (relative to the
 * including file) whose keys the scenario inherits unless it sets them
 * itself; earlier files win over later ones; includes may nest (depth 8),
 * at most SCENARIO_MAX_INCLUDES files in all (*left counts down). */
static int load_includes(struct ytree *t, const char *path, int depth,
			 int *left, struct err *e)
{
	struct ynode *inc = ynode_get(ytree_root(t), "include");
	if (!inc)
		return 0;
	ynode_mark_used(inc);
	if (depth >= 8)
		return cfg_error(e, inc, "includes nested deeper than 8 files");
	size_t n = inc->kind == YN_SEQ ? inc->n : 1;
	for (size_t i = 0; i < n; i++) {
		struct ynode *f = inc->kind == YN_SEQ ? inc->items[i] : inc;
		if (f->kind != YN_SCALAR)
			return cfg_error(e, f, "'include' takes a file name or a "
					 "list of file names");
		if (--*left < 0)
			return cfg_error(e, f, "more than %d included files in all",
					 SCENARIO_MAX_INCLUDES);
		char full[4096];
		const char *slash = strrchr(path, '/');
		if (f->value[0] != '/' && slash)
			snprintf(full, sizeof(full), "%.*s/%s",
				 (int)(slash - path), path, f->value);
		else
			snprintf(full, sizeof(full), "%s", f->value);
		struct err sub_e;
		err_init(&sub_e);
		struct ytree *sub = ytree_load_file(full, &sub_e);
		if (!sub) {
			if (sub_e.line == 0 && sub_e.file[0] &&
			    strcmp(sub_e.file, full) == 0)
				return cfg_error(e, f, "cannot include '%s': %s",
						 full, sub_e.msg);
			*e = sub_e;
			return e->status;
		}
		if (load_includes(sub, full, depth + 1, left, e)) {
			ytree_free(sub);
			return e->status;
		}
		if (ytree_include(t, sub))
			return err_set(e, ERR_RUNTIME, path, 0, 0, "out of memory");
	}
	/* Merged: the resolved scenario stands alone. */
	ynode_remove(ytree_root(t), "include");
	return 0;
}

/* The path of `name` relative to the file `from` was written in. */
static void relative_to(const char *from, const char *name, char *full,
			size_t cap)
{
	/* A value given on the command line (its "file" is the --set text)
	 * names files from the working directory. */
	if (from && !strncmp(from, "--set", 5))
		from = NULL;
	const char *slash = from ? strrchr(from, '/') : NULL;
	if (name[0] != '/' && slash)
		snprintf(full, cap, "%.*s/%s", (int)(slash - from), from, name);
	else
		snprintf(full, cap, "%s", name);
}

/* A mapping below the root whose only key is `include: FILE` (e.g. an
 * item of `tools:`) is replaced by FILE's contents (a mapping), the file
 * named relative to the file the include was written in.  Such includes
 * nest up to depth 8 and count against the scenario's include budget. */
static int load_nested_includes(struct ytree *t, struct ynode *n, int depth,
				int *left, struct err *e)
{
	if (n->kind == YN_SCALAR)
		return 0;
	for (size_t i = 0; i < n->n; i++) {
		struct ynode *c = n->items[i];
		if (c->kind == YN_MAP && c->n == 1 &&
		    !strcmp(c->keys[0]->value, "include")) {
			struct ynode *f = c->items[0];
			if (f->kind != YN_SCALAR)
				return cfg_error(e, f, "'include' here takes one "
						 "file name");
			if (depth >= 8)
				return cfg_error(e, f, "includes nested deeper "
						 "than 8 files");
			if (--*left < 0)
				return cfg_error(e, f, "more than %d included "
						 "files in all",
						 SCENARIO_MAX_INCLUDES);
			char full[4096];
			relative_to(f->file, f->value, full, sizeof(full));
			struct err sub_e;
			err_init(&sub_e);
			struct ytree *sub = ytree_load_file(full, &sub_e);
			if (!sub) {
				if (sub_e.line == 0)
					return cfg_error(e, f, "cannot include "
							 "'%s': %s", full,
							 sub_e.msg);
				*e = sub_e;
				return e->status;
			}
			if (load_includes(sub, full, depth + 1, left, e)) {
				ytree_free(sub);
				return e->status;
			}
			if (ytree_graft(t, c, sub))
				return err_set(e, ERR_RUNTIME, full, 0, 0,
					       "out of memory");
			if (load_nested_includes(t, c, depth + 1, left, e))
				return e->status;
			continue;
		}
		if (load_nested_includes(t, c, depth, left, e))
			return e->status;
	}
	return 0;
}

static const struct model *find_model(const struct scenario_env *env,
				      const char *name)
{
	for (size_t i = 0; env->models[i]; i++)
		if (strcmp(env->models[i]->name, name) == 0)
			return env->models[i];
	return NULL;
}

/* Read the scenario from tree t (owned from here on, freed on failure):
 * its source is kept as it is now, before any reader writes defaults
 * into it, for scenario_derive. */
/* Names of two metric tables agree, entry by entry. */
static int same_metrics(const struct model_metric *a,
			const struct model_metric *b)
{
	size_t i = 0;
	for (; a[i].name && b[i].name; i++)
		if (strcmp(a[i].name, b[i].name))
			return 0;
	return !a[i].name && !b[i].name;
}

/* A model whose metrics depend on the configuration: the scenario runs
 * with its own copy of the model table carrying them.  Every configured
 * strategy must give the same table (it is one scenario's output). */
static int specialize(struct scenario *sc, struct err *e)
{
	if (!sc->model->metrics_for)
		return 0;
	const struct model_metric *mt = sc->model->metrics_for(sc->cfg[0]);
	if (!mt)
		return 0;
	size_t n = sc->model->strategy_key && sc->nstrategies ? sc->nstrategies : 1;
	for (size_t i = 1; i < n; i++) {
		const struct model_metric *o = sc->cfg[i]
					       ? sc->model->metrics_for(sc->cfg[i])
					       : NULL;
		if (o && !same_metrics(mt, o))
			return err_set(e, ERR_INPUT, sc->path, 0, 0,
				       "the strategies compared give different "
				       "metrics (tools differ per strategy)");
	}
	sc->own_model = *sc->model;
	sc->own_model.metrics = mt;
	sc->model = &sc->own_model;
	return 0;
}

static struct scenario *from_tree(const struct scenario_env *env,
				  const char *path, struct ytree *t,
				  int compare, const char *strategies,
				  struct err *e)
{
	struct scenario *sc = calloc(1, sizeof(*sc));
	if (!sc) {
		ytree_free(t);
		err_set(e, ERR_RUNTIME, path, 0, 0, "out of memory");
		return NULL;
	}
	sc->tree = t;
	sc->env = env;
	sc->compare = compare;
	snprintf(sc->path, sizeof(sc->path), "%s", path);
	if (!(sc->source = ytree_clone(t))) {
		err_set(e, ERR_RUNTIME, path, 0, 0, "out of memory");
		goto fail;
	}

	struct ynode *root = ytree_root(sc->tree);
	const char *model_name, *name;
	struct ynode *mn = cfg_node(root, "model", 1, e);
	if (!mn)
		goto fail;
	if (cfg_string(root, "model", NULL, &model_name, e))
		goto fail;
	sc->model = find_model(env, model_name);
	if (!sc->model) {
		const char *names[32];
		size_t k = 0;
		for (; env->models[k] && k < 31; k++)
			names[k] = env->models[k]->name;
		names[k] = NULL;
		const char *s = ynode_suggest(NULL, model_name, names);
		if (s)
			cfg_error(e, mn, "unknown model '%s' (did you mean '%s'?)",
				  model_name, s);
		else
			cfg_error(e, mn, "unknown model '%s' (see: bpfsim models)",
				  model_name);
		goto fail;
	}
	base_name(path, sc->name, sizeof(sc->name));
	double dur;
	if (cfg_string(root, "name", sc->name, &name, e) ||
	    cfg_uint(root, "seed", "1", 0, UINT64_MAX / 2, &sc->seed, e) ||
	    cfg_uint(root, "replications", "20", 1, SCENARIO_MAX_REPLICATIONS,
		     &sc->replications, e) ||
	    cfg_duration(root, "duration", "0", 0, (double)UNITS_HORIZON_NS,
			 &dur, e) ||
	    read_caps(sc, root, e) || read_series(sc, root, e) ||
	    sweep_from_tree(&sc->sweep, root, e) || read_precision(sc, root, e) ||
	    read_explore(sc, root, e) || read_plot(sc, root, e))
		goto fail;
	const char *desc;
	if (cfg_string(root, "description", "", &desc, e))   /* free text */
		goto fail;
	if (strlen(name) >= sizeof(sc->name)) {
		/* Cut, two names would label (and default to) one folder. */
		cfg_error(e, ynode_peek(root, "name"), "'name' is longer than "
			  "%zu bytes", sizeof(sc->name) - 1);
		goto fail;
	}
	snprintf(sc->name, sizeof(sc->name), "%s", name);
	sc->duration = (uint64_t)dur;
	if (read_strategies(sc, root, compare, strategies, e))
		goto fail;

	if (sc->model->strategy_key && sc->strategy[0][0]) {
		/* Configure once per strategy, each with its key set, then put
		 * the scenario's own value back: the resolved scenario must
		 * say what the file said, not the last strategy compared. */
		struct ynode *own = ytree_find(sc->tree, sc->model->strategy_key);
		char *orig = own && own->kind == YN_SCALAR ? strdup(own->value) : NULL;
		if (own && own->kind == YN_SCALAR && !orig) {
			err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
			goto fail;
		}
		for (size_t i = 0; i < sc->nstrategies; i++) {
			if (set_strategy(sc, sc->strategy[i], e) ||
			    !(sc->cfg[i] = sc->model->configure(root, e))) {
				free(orig);
				goto fail;
			}
			if (i > 0 && sc->model->config_share)
				sc->model->config_share(sc->cfg[i], sc->cfg[0]);
		}
		int rc = orig ? set_strategy(sc, orig, e) : 0;
		free(orig);
		if (rc)
			goto fail;
	} else {
		sc->cfg[0] = sc->model->configure(root, e);
		if (!sc->cfg[0])
			goto fail;
		if (sc->model->strategy_key)
			own_strategy(sc);
	}
	if (ytree_check_unknown(sc->tree, e) || specialize(sc, e) ||
	    resolve_metrics(sc, root, e))
		goto fail;
	return sc;
fail:
	if (!e->status)
		err_set(e, ERR_INPUT, path, 0, 0, "invalid scenario");
	scenario_free(sc);
	return NULL;
}

struct scenario *scenario_load(const struct scenario_env *env,
			       const char *path, const char *const *sets,
			       size_t nsets, int compare, const char *strategies,
			       struct err *e)
{
	struct ytree *t = ytree_load_file(path, e);
	if (!t)
		goto fail;
	int left = SCENARIO_MAX_INCLUDES;
	/* Nested includes before --set (so `tools.0.x=...` reaches an
	 * included tool) and again after (`--set 'tools=[{include: F}]'`). */
	if (load_includes(t, path, 0, &left, e) ||
	    load_nested_includes(t, ytree_root(t), 0, &left, e))
		goto fail;
	for (size_t i = 0; i < nsets; i++)
		if (ytree_set_path(t, sets[i], e))
			goto fail;
	if (nsets && load_nested_includes(t, ytree_root(t), 0, &left, e))
		goto fail;
	/* E.g. `calibration: FILE` and {from: calibration.X} values. */
	if (env->resolve && env->resolve(t, e))
		goto fail;
	return from_tree(env, path, t, compare, strategies, e);
fail:
	ytree_free(t);
	if (!e->status)
		err_set(e, ERR_INPUT, path, 0, 0, "invalid scenario");
	return NULL;
}

struct scenario *scenario_derive(const struct scenario *base,
				 const char *const *sets, size_t nsets,
				 int compare, const char *strategies,
				 struct err *e)
{
	SIM_CHECK(base->source);   /* not a point of an experiment */
	struct ytree *t = ytree_clone(base->source);
	if (!t) {
		err_set(e, ERR_RUNTIME, base->path, 0, 0, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < nsets; i++) {
		if (ytree_set_path(t, sets[i], e)) {
			ytree_free(t);
			return NULL;
		}
	}
	int left = SCENARIO_MAX_INCLUDES;
	if (load_nested_includes(t, ytree_root(t), 0, &left, e)) {
		ytree_free(t);
		return NULL;
	}
	struct scenario *d = from_tree(base->env, base->path, t, compare,
				       strategies, e);
	if (d && !same_metrics(base->model->metrics, d->model->metrics)) {
		err_set(e, ERR_INPUT, base->path, 0, 0, "a point's settings "
			"change the scenario's metrics (its tools): every point "
			"of an experiment reports the same metrics");
		scenario_free(d);
		return NULL;
	}
	return d;
}

void scenario_job(const struct scenario *sc, size_t s, uint64_t rep,
		  double *metrics, int keep_series, struct runner_job *j)
{
	memset(j, 0, sizeof(*j));
	j->model = sc->model;
	j->cfg = sc->cfg[s];
	j->seed = sc->seed;
	j->rep = rep;
	j->end = sc->duration;
	j->caps = sc->caps;
	j->scfg = sc->series;
	j->steady = sc->steady;
	j->keep_series = keep_series;
	j->metrics = metrics;
}

int scenario_emit(const struct scenario *sc, FILE *f)
{
	fprintf(f, "# %s: scenario as resolved by bpfsim %s (defaults included)\n",
		sc->name, BPFSIM_VERSION);
	return ytree_emit(sc->tree, f);
}
