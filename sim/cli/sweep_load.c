/* sweep_load.c - a sweep's experiment from the scenario and the command
 * line (sweep_load.h): the axes of the scenario's sweep: block and every
 * --sweep, one point per combination, each point derived from the loaded
 * scenario.  An error in a point names the axis where it came from. */
#include <stdio.h>
#include <string.h>

#include "sim/cli/drive.h"
#include "sim/cli/sweep_load.h"

/* Errors about a sweep axis name where the axis came from: its entry in
 * the scenario's sweep: block (the key for "unknown key" messages, else
 * the values), or the --sweep option that gave it.  Point scenarios are
 * loaded with the axis values as internal --set assignments, whose name
 * must not reach the user. */
static int axis_origin(const struct experiment *x, const struct cli_opts *o,
		       size_t a, int whole_key, struct err *e)
{
	const struct sweep_axis *ax = &x->base->sweep.axes[a];
	size_t plen = strlen(ax->path);
	for (size_t i = o->nsweeps; i-- > 0;) {
		if (!strncmp(o->sweeps[i], ax->path, plen) &&
		    o->sweeps[i][plen] == '=') {
			snprintf(e->file, sizeof(e->file), "--sweep '%s'",
				 o->sweeps[i]);
			e->line = e->col = 0;
			return e->status;
		}
	}
	const struct ynode *sw = ynode_peek(ytree_root(x->base->tree), "sweep");
	for (size_t i = 0; sw && sw->kind == YN_MAP && i < sw->n; i++) {
		if (strcmp(sw->keys[i]->value, ax->path))
			continue;
		const struct ynode *n = whole_key || !strncmp(e->msg, "unknown key", 11)
					? sw->keys[i] : sw->items[i];
		snprintf(e->file, sizeof(e->file), "%s", n->file);
		e->line = n->line;
		e->col = n->col;
	}
	return e->status;
}

/* Load the base scenario and one point per combination of axis values. */
int sweep_load(struct experiment *x, const char *path,
	       const struct cli_opts *o, int phase, struct err *e)
{
	memset(x, 0, sizeof(*x));
	/* Strategies: --strategies, else the compare: list, else the
	 * scenario's own. */
	struct scenario *probe = drive_load(o, path, 0, NULL, e);
	if (!probe)
		return e->status;
	/* phase compares strategies by default (the model's first two). */
	int compare = o->strategies ||
		      (probe->model->strategy_key &&
		       (phase || ynode_peek(ytree_root(probe->tree), "compare")));
	struct scenario *base = probe;
	if (compare) {
		base = scenario_derive(probe, NULL, 0, 1, o->strategies, e);
		scenario_free(probe);
	}
	if (exp_init(x, base, e))
		return e->status;
	struct sweep *sw = &x->base->sweep;
	if (phase)
		sweep_fini(sw);   /* a phase diagram has exactly its x and y */
	for (size_t i = 0; i < o->nsweeps; i++)
		if (sweep_add_arg(sw, o->sweeps[i], e))
			return e->status;
	const char *skey = x->base->model->strategy_key;
	for (size_t a = 0; a < sw->naxes; a++)
		if (skey && !strcmp(sw->axes[a].path, skey)) {
			err_set(e, ERR_INPUT, path, 0, 0,
				"'%s' is the strategy: compare strategies with "
				"compare: [...] or --strategies, not as a sweep "
				"axis", skey);
			return axis_origin(x, o, a, 1, e);
		}
	size_t np = sweep_npoints(sw);
	if (np > SWEEP_MAX_POINTS) {
		char n[32] = "more than 10^19";
		if (np != SIZE_MAX)
			snprintf(n, sizeof(n), "%zu", np);
		const struct ynode *at = o->nsweeps ? NULL
			: ynode_peek(ytree_root(x->base->tree), "sweep");
		return err_set(e, ERR_INPUT, at ? at->file : path, at ? at->line : 0,
			       at ? at->col : 0, "the sweep has %s points (the "
			       "limit is %d): use fewer axes or values", n,
			       SWEEP_MAX_POINTS);
	}
	for (size_t p = 0; p < np; p++) {
		char point_sets[SWEEP_MAX_AXES][300];
		const char *sets[SWEEP_MAX_AXES];
		for (size_t a = 0; a < sw->naxes; a++) {
			sweep_point_set(sw, p, a, point_sets[a], sizeof(point_sets[a]));
			sets[a] = point_sets[a];
		}
		size_t got;
		if (exp_add_point(x, sets, sw->naxes, &got, e)) {
			for (size_t a = 0; a < sw->naxes; a++) {
				char where[320];
				snprintf(where, sizeof(where), "--set '%.300s'",
					 point_sets[a]);
				if (!strcmp(e->file, where))
					return axis_origin(x, o, a, 0, e);
			}
			return e->status;
		}
	}
	/* Record the CLI axes and strategies in the base tree, so that its
	 * resolved form describes the whole experiment (merge reloads it). */
	struct ynode *root = ytree_root(x->base->tree);
	if (sw->naxes) {
		ynode_remove(root, "sweep");
		struct ynode *swn = ynode_ensure_map(root, "sweep");
		if (!swn)
			return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		for (size_t a = 0; a < sw->naxes; a++) {
			const struct sweep_axis *ax = &sw->axes[a];
			char list[4096] = "";
			for (size_t v = 0; v < ax->n; v++) {
				size_t len = strlen(list);
				snprintf(list + len, sizeof(list) - len, "%s%s",
					 v ? "," : "", ax->values[v]);
			}
			if (!ynode_set_scalar(swn, ax->path, list))
				return err_set(e, ERR_RUNTIME, NULL, 0, 0,
					       "out of memory");
		}
	}
	return drive_record_strategies(x->base, e);
}
