/* manifest.c - manifest.json: write an output folder's identity, check a
 * folder against an experiment (manifest.h).
 *
 * Each compared field is reduced to one line of text on both sides (lists
 * joined by commas: no strategy, metric or axis value holds one), so the
 * comparison is a string compare and the message can print both sides.
 * The JSON is read with the parser (outdir_json_load): jq-reformatted
 * manifests read the same.  Numbers are compared as their text: a seed
 * may need all 63 bits, more than a double holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/exp/manifest.h"
#include "sim/out.h"
#include "sim/outdir.h"

#define FNV64_OFFSET 0xcbf29ce484222325ULL
#define FNV64_PRIME  0x100000001b3ULL

static uint64_t fnv1a64(const char *s, size_t n)
{
	uint64_t h = FNV64_OFFSET;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= FNV64_PRIME;
	}
	return h;
}

int manifest_scenario_hash(const struct scenario *sc, uint64_t *hash,
			   struct err *e)
{
	char *text = NULL;
	size_t len = 0;
	struct ytree *t = ytree_clone(sc->tree);
	FILE *m = t ? open_memstream(&text, &len) : NULL;
	int rc = 0;
	if (!m) {
		rc = err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		goto out;
	}
	ynode_remove(ytree_root(t), "capacity");
	int bad = ytree_emit(t, m);
	if (fclose(m) || bad || !text) {
		rc = err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		goto out;
	}
	*hash = fnv1a64(text, len);
	/* ... and what the model read beside the tree (a trace). */
	if (sc->model->config_digest && sc->cfg[0])
		*hash = sc->model->config_digest(sc->cfg[0], *hash);
out:
	free(text);
	ytree_free(t);
	return rc;
}

/* ---- the compared fields as text ------------------------------------- */

enum { F_MODEL, F_METRICS, F_STRATEGIES, F_AXES, F_SEED, F_REPS, F_HASH, F_N };
static const char *const field_key[F_N] = {
	OUTDIR_KEY_MODEL, OUTDIR_KEY_METRICS, OUTDIR_KEY_STRATEGIES,
	OUTDIR_KEY_AXES, OUTDIR_KEY_SEED, OUTDIR_KEY_REPLICATIONS,
	OUTDIR_KEY_SCENARIO_HASH,
};

struct ident {
	char *f[F_N];              /* malloc'd text of each field */
};

static void ident_fini(struct ident *id)
{
	for (int i = 0; i < F_N; i++)
		free(id->f[i]);
}

/* "path=v1,v2; path2=..." or "" */
static void axes_text(const struct sweep *axes, FILE *m)
{
	for (size_t a = 0; axes && a < axes->naxes; a++) {
		fprintf(m, "%s%s=", a ? "; " : "", axes->axes[a].path);
		for (size_t v = 0; v < axes->axes[a].n; v++)
			fprintf(m, "%s%s", v ? "," : "", axes->axes[a].values[v]);
	}
}

static char *field_text(const struct experiment *x, const struct sweep *axes,
			uint64_t hash, int field)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (!m)
		return NULL;
	const struct model *md = x->base->model;
	switch (field) {
	case F_MODEL:
		fputs(md->name, m);
		break;
	case F_METRICS:
		for (size_t k = 0; k < x->nm; k++)
			fprintf(m, "%s%s", k ? "," : "", md->metrics[k].name);
		break;
	case F_STRATEGIES:
		for (size_t s = 0; s < x->ns; s++)
			fprintf(m, "%s%s", s ? "," : "", exp_strategy(x, s));
		break;
	case F_AXES:
		axes_text(axes, m);
		break;
	case F_SEED:
		fprintf(m, "%llu", (unsigned long long)x->base->seed);
		break;
	case F_REPS:
		fprintf(m, "%llu", (unsigned long long)x->base->replications);
		break;
	default:
		fprintf(m, "%016llx", (unsigned long long)hash);
	}
	if (fclose(m)) {
		free(text);
		return NULL;
	}
	return text;
}

static int ident_of(const struct experiment *x, const struct sweep *axes,
		    struct ident *id, struct err *e)
{
	uint64_t hash;
	memset(id, 0, sizeof(*id));
	if (manifest_scenario_hash(x->base, &hash, e))
		return e->status;
	for (int i = 0; i < F_N; i++)
		if (!(id->f[i] = field_text(x, axes, hash, i)))
			return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	return 0;
}

/* A JSON list of scalars as "a,b,c" ("?" for anything else). */
static void list_text(const struct ynode *n, FILE *m)
{
	if (!n || n->kind != YN_SEQ) {
		fputs(n ? "?" : "", m);
		return;
	}
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *it = n->items[i];
		fprintf(m, "%s%s", i ? "," : "",
			it->kind == YN_SCALAR ? it->value : "?");
	}
}

/* The folder's value of field i, as field_text prints ours. */
static char *json_field_text(const struct ynode *root, int field)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (!m)
		return NULL;
	const struct ynode *n = ynode_peek(root, field_key[field]);
	if (field == F_METRICS || field == F_STRATEGIES) {
		list_text(n, m);
	} else if (field == F_AXES) {
		for (size_t a = 0; n && n->kind == YN_SEQ && a < n->n; a++) {
			const char *path = outdir_json_str(n->items[a],
							   OUTDIR_KEY_PATH);
			fprintf(m, "%s%s=", a ? "; " : "", path ? path : "?");
			list_text(n->items[a]->kind == YN_MAP
				  ? ynode_peek(n->items[a], OUTDIR_KEY_VALUES) : NULL, m);
		}
		if (n && n->kind != YN_SEQ)
			fputs("?", m);
	} else {
		const char *v = outdir_json_str(root, field_key[field]);
		fputs(v ? v : "", m);
	}
	if (fclose(m)) {
		free(text);
		return NULL;
	}
	return text;
}

/* ---- writing ---------------------------------------------------------- */

static void json_list(FILE *f, const char *key, const char *const *v,
		      size_t n)
{
	fprintf(f, ",\n  \"%s\": [", key);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ", " : "", f);
		out_json_string(f, v[i]);
	}
	fputc(']', f);
}

static void write_json(const struct experiment *x, const struct sweep *axes,
		       const char *command, uint64_t hash, FILE *f)
{
	const struct model *md = x->base->model;
	const char *names[SCENARIO_MAX_STRATEGIES];
	fprintf(f, "{\n  \"" OUTDIR_KEY_FORMAT "\": %d,\n  \"" OUTDIR_KEY_BPFSIM
		"\": ", MANIFEST_FORMAT);
	out_json_string(f, BPFSIM_VERSION);
	fputs(",\n  \"" OUTDIR_KEY_COMMAND "\": ", f);
	out_json_string(f, command);
	fputs(",\n  \"" OUTDIR_KEY_SCENARIO "\": ", f);
	out_json_string(f, x->base->name);
	fputs(",\n  \"" OUTDIR_KEY_MODEL "\": ", f);
	out_json_string(f, md->name);
	fprintf(f, ",\n  \"" OUTDIR_KEY_SCENARIO_HASH "\": \"%016llx\",\n  \""
		OUTDIR_KEY_SEED "\": %llu,\n  \"" OUTDIR_KEY_REPLICATIONS "\": %llu",
		(unsigned long long)hash, (unsigned long long)x->base->seed,
		(unsigned long long)x->base->replications);
	for (size_t s = 0; s < x->ns; s++)
		names[s] = exp_strategy(x, s);
	json_list(f, OUTDIR_KEY_STRATEGIES, names, x->ns);
	fputs(",\n  \"" OUTDIR_KEY_AXES "\": [", f);
	for (size_t a = 0; axes && a < axes->naxes; a++) {
		fputs(a ? ", {\"" OUTDIR_KEY_PATH "\": " : "{\"" OUTDIR_KEY_PATH
		      "\": ", f);
		out_json_string(f, axes->axes[a].path);
		fputs(", \"" OUTDIR_KEY_VALUES "\": [", f);
		for (size_t v = 0; v < axes->axes[a].n; v++) {
			fputs(v ? ", " : "", f);
			out_json_string(f, axes->axes[a].values[v]);
		}
		fputs("]}", f);
	}
	fputs("],\n  \"" OUTDIR_KEY_METRICS "\": [", f);
	for (size_t k = 0; k < x->nm; k++) {
		fputs(k ? ", " : "", f);
		out_json_string(f, md->metrics[k].name);
	}
	fputs("]\n}\n", f);
}

int manifest_write(const struct experiment *x, const struct sweep *axes,
		   const char *command, const char *dir, struct err *e)
{
	uint64_t hash;
	struct out_file f;
	if (manifest_scenario_hash(x->base, &hash, e) ||
	    out_open(&f, dir, OUTDIR_MANIFEST_JSON, e))
		return e->status;
	write_json(x, axes, command, hash, f.f);
	return out_commit(&f, e);
}

/* ---- checking --------------------------------------------------------- */

/* "the folder's X is A, this run's B" for field i, long values cut. */
static int differs(struct err *e, const char *path, const char *use, int i,
		   const char *theirs, const char *ours)
{
	static const char *const what[F_N] = {
		"model", "metrics (jobs.csv columns)", "strategies", "sweep axes",
		"seed", "replications", "resolved scenario (fnv1a64)",
	};
	if (i == F_HASH)
		return err_set(e, ERR_INPUT, path, 0, 0, "%s refused: another "
			       "scenario: the folder's %s is %s, this run's %s "
			       "(another scenario file, other --set values or "
			       "another trace)", use, what[i], theirs, ours);
	return err_set(e, ERR_INPUT, path, 0, 0, "%s refused: another "
		       "experiment: the folder's %s %s '%.150s%s', this run's "
		       "'%.150s%s'", use, what[i], i == F_METRICS ||
		       i == F_STRATEGIES || i == F_AXES || i == F_REPS ? "are" : "is",
		       theirs[0] ? theirs : "(none)", strlen(theirs) > 150 ? "..." : "",
		       ours[0] ? ours : "(none)", strlen(ours) > 150 ? "..." : "");
}

/* The folder's manifest against ours, field by field. */
static int compare(const struct ynode *root, const struct ident *ours,
		   const char *path, const char *use, struct err *e)
{
	const char *fmt = outdir_json_str(root, OUTDIR_KEY_FORMAT);
	char want[16];
	snprintf(want, sizeof(want), "%d", MANIFEST_FORMAT);
	if (!fmt || strcmp(fmt, want))
		return err_set(e, ERR_INPUT, path, 0, 0, "%s refused: manifest "
			       "format %s is not this bpfsim's (%s)", use,
			       fmt ? fmt : "(none)", want);
	for (int i = 0; i < F_N; i++) {
		char *theirs = json_field_text(root, i);
		if (!theirs)
			return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		int same = !strcmp(theirs, ours->f[i]);
		if (!same)
			differs(e, path, use, i, theirs, ours->f[i]);
		free(theirs);
		if (!same)
			return e->status;
	}
	return 0;
}

int manifest_check(const struct experiment *x, const struct sweep *axes,
		   const char *dir, const char *use, struct err *e)
{
	char path[4200];
	struct ytree *t = NULL;
	struct ident ours;
	snprintf(path, sizeof(path), "%s/" OUTDIR_MANIFEST_JSON, dir);
	int got = outdir_json_load(dir, OUTDIR_MANIFEST_JSON, &t, e);
	if (got < 0)
		return e->status;
	if (!got)
		return err_set(e, ERR_INPUT, path, 0, 0, "%s refused: no "
			       OUTDIR_MANIFEST_JSON ": not an output folder of "
			       "bpfsim %s (folders are read only with the "
			       "manifest that says which experiment they hold)",
			       use, BPFSIM_VERSION);
	int rc = ident_of(x, axes, &ours, e);
	if (!rc)
		rc = compare(ytree_root(t), &ours, path, use, e);
	ident_fini(&ours);
	ytree_free(t);
	return rc;
}
