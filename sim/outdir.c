/* outdir.c - reading the JSON files of an output folder (outdir.h).
 *
 * The names themselves are macros in outdir.h; what lives here is the
 * reader side: load a JSON file with the YAML tree (libyaml in JSON mode)
 * and look values up by key.  Files are small next to the runs that made
 * them; a full tree per file is fine.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/outdir.h"

int outdir_json_load(const char *dir, const char *name, struct ytree **t,
		     struct err *e)
{
	char path[4200];
	struct stat st;
	*t = NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (stat(path, &st)) {
		if (errno == ENOENT)
			return 0;
		err_set(e, ERR_INPUT, path, 0, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	*t = ytree_load_json(path, e);
	return *t ? 1 : -1;
}

const char *outdir_json_str(const struct ynode *map, const char *key)
{
	const struct ynode *n = map && map->kind == YN_MAP ? ynode_peek(map, key)
							   : NULL;
	return n && n->kind == YN_SCALAR ? n->value : NULL;
}

double outdir_json_num(const struct ynode *map, const char *key)
{
	const struct ynode *n = map && map->kind == YN_MAP ? ynode_peek(map, key)
							   : NULL;
	if (!n || n->kind != YN_SCALAR || n->quoted)
		return NAN;
	char *end;
	double v = strtod(n->value, &end);
	return end != n->value && !*end ? v : NAN;
}

const struct ynode *outdir_json_strategy(const struct ynode *map,
					 const char *strategy)
{
	const struct ynode *a = map && map->kind == YN_MAP
		? ynode_peek(map, OUTDIR_KEY_STRATEGIES) : NULL;
	for (size_t i = 0; a && a->kind == YN_SEQ && i < a->n; i++) {
		const char *s = outdir_json_str(a->items[i], OUTDIR_KEY_STRATEGY);
		if (s && !strcmp(s, strategy))
			return a->items[i];
	}
	return NULL;
}
