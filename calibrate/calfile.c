/* calfile.c - calibration files: write, merge, load, and resolve scenario
 * references into them (format in calfile.h).
 *
 * Why a writer of our own: ytree_emit writes every sequence item on its own
 * line, and a calibration file holds dozens of histograms of hundreds of
 * bins; the compact style here (flow lists, small flow mappings) keeps a
 * file readable and well under YTREE_MAX_BYTES.
 *
 * Resolution works only through ytree's public API: a reference that
 * becomes a scalar is set on its parent mapping (ynode_set_scalar, which
 * keeps the key's place and the reference's position); one that becomes a
 * parametric distribution is rewritten in place (its keys removed, the
 * distribution's keys set); an empirical histogram, which needs sequences,
 * goes through ytree_set_path() on the reference's dotted path and then
 * gets the reference's position back.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calibrate/calfile.h"
#include "calibrate/fit.h"
#include "sim/cfg.h"
#include "sim/out.h"
#include "sim/units.h"

/* ---- emitting ------------------------------------------------------------ */

/* Would a plain scalar be read as something else?  In flow context
 * (inside [...] or {...}) the flow indicators end it too. */
static int needs_quote(const char *s, int flow)
{
	if (!*s || s[0] == ' ' || s[strlen(s) - 1] == ' ')
		return 1;
	if (strchr("-?:,[]{}#&*!|>'\"%@`", s[0]) &&
	    !(s[0] == '-' && s[1] >= '0' && s[1] <= '9'))
		return 1;
	for (const char *p = s; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == '"' || *p == '\\' ||
		    (p[0] == ':' && (p[1] == ' ' || p[1] == 0)) ||
		    (p[0] == ' ' && p[1] == '#') || (flow && strchr(",[]{}", *p)))
			return 1;
	}
	return 0;
}

static const char *quote(const char *s, int flow, char *buf, size_t size)
{
	if (!needs_quote(s, flow)) {
		snprintf(buf, size, "%s", s);
		return buf;
	}
	size_t k = 0;
	if (size < 3) {
		if (size)
			buf[0] = 0;
		return buf;
	}
	buf[k++] = '"';
	for (const char *p = s; *p && k + 5 < size; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || c == '\\') {
			buf[k++] = '\\';
			buf[k++] = (char)c;
		} else if (c < 0x20) {
			k += (size_t)snprintf(buf + k, size - k, "\\x%02x", c);
		} else {
			buf[k++] = (char)c;
		}
	}
	buf[k++] = '"';
	buf[k] = 0;
	return buf;
}

const char *calfile_quote(const char *s, char *buf, size_t size)
{
	return quote(s, 0, buf, size);
}

static void put_scalar(FILE *f, const char *s, int flow)
{
	char b[1024];
	if (strlen(s) > 900) {   /* long free text: no quoting games */
		fputc('"', f);
		for (const char *p = s; *p; p++) {
			if (*p == '"' || *p == '\\')
				fputc('\\', f);
			fputc((unsigned char)*p < 0x20 ? ' ' : *p, f);
		}
		fputc('"', f);
		return;
	}
	fputs(quote(s, flow, b, sizeof(b)), f);
}

static int all_scalars(const struct ynode *n)
{
	for (size_t i = 0; i < n->n; i++)
		if (n->items[i]->kind != YN_SCALAR)
			return 0;
	return 1;
}

/* Small mappings of scalars fit on one line. */
static int flow_map(const struct ynode *n)
{
	size_t len = 0;
	if (n->kind != YN_MAP || n->n == 0 || n->n > 8 || !all_scalars(n))
		return 0;
	for (size_t i = 0; i < n->n; i++)
		len += strlen(n->keys[i]->value) + strlen(n->items[i]->value) + 4;
	return len < 110;
}

static void emit_flow(const struct ynode *n, FILE *f)
{
	fputc(n->kind == YN_MAP ? '{' : '[', f);
	for (size_t i = 0; i < n->n; i++) {
		if (i)
			fputs(", ", f);
		if (n->kind == YN_MAP) {
			put_scalar(f, n->keys[i]->value, 1);
			fputs(": ", f);
		}
		put_scalar(f, n->items[i]->value, 1);
	}
	fputc(n->kind == YN_MAP ? '}' : ']', f);
}

static void emit_block(const struct ynode *n, FILE *f, int indent);

static void emit_value(const struct ynode *v, FILE *f, int indent)
{
	if (v->kind == YN_SCALAR) {
		fputc(' ', f);
		put_scalar(f, v->value, 0);
		fputc('\n', f);
	} else if (v->n == 0) {
		fputs(v->kind == YN_MAP ? " {}\n" : " []\n", f);
	} else if ((v->kind == YN_SEQ && all_scalars(v)) || flow_map(v)) {
		fputc(' ', f);
		emit_flow(v, f);
		fputc('\n', f);
	} else {
		fputc('\n', f);
		emit_block(v, f, indent + 2);
	}
}

static void emit_block(const struct ynode *n, FILE *f, int indent)
{
	for (size_t i = 0; i < n->n; i++) {
		fprintf(f, "%*s", indent, "");
		if (n->kind == YN_MAP) {
			put_scalar(f, n->keys[i]->value, 0);
			fputc(':', f);
		} else {
			fputc('-', f);
		}
		emit_value(n->items[i], f, indent);
	}
}

int calfile_emit(const struct ynode *root, FILE *f)
{
	if (root->kind == YN_MAP)
		emit_block(root, f, 0);
	return ferror(f) ? -1 : 0;
}

/* ---- writing records ---------------------------------------------------- */

static char *fmt_ns(double ns, char *buf, size_t size)
{
	return fit_format_ns(ns, 6, buf, size);
}

void calfile_write_ns(FILE *f, int indent, const char *key, double ns)
{
	char b[48];
	fprintf(f, "%*s%s: %s\n", indent, "", key, fmt_ns(ns, b, sizeof(b)));
}

/* {dist: gamma, shape: 2, scale: 40ns} - without the braces' closing so
 * callers can append aic/ks. */
static void put_fit(FILE *f, const struct fit_result *r)
{
	fprintf(f, "{dist: %s", r->family->name);
	for (int i = 0; i < r->np; i++) {
		char b[48];
		if (fit_param_is_duration(r->family, i))
			fmt_ns(r->p[i], b, sizeof(b));
		else
			snprintf(b, sizeof(b), "%.6g", r->p[i]);
		fprintf(f, ", %s: %s", r->family->param[i].name, b);
	}
}

void calfile_write_dist(FILE *f, int indent, const char *key,
			const struct chist *h, double baseline_ns)
{
	int in = indent + 2;
	double total = chist_total(h);
	char b[48];
	fprintf(f, "%*s%s:\n", indent, "", key);
	fprintf(f, "%*sn: %.0f\n", in, "", total);
	if (!(total > 0))
		return;
	calfile_write_ns(f, in, "mean", chist_mean(h));
	calfile_write_ns(f, in, "p50", chist_quantile(h, 0.5));
	calfile_write_ns(f, in, "p90", chist_quantile(h, 0.9));
	calfile_write_ns(f, in, "p99", chist_quantile(h, 0.99));
	struct fit_result r[FIT_MAX_FAMILIES];
	int nfit = fit_all(h, r);
	if (nfit > 0) {
		fprintf(f, "%*sfit: ", in, "");
		put_fit(f, &r[0]);
		fputs("}\n", f);
		fprintf(f, "%*saic: %.10g\n", in, "", r[0].aic);
		fprintf(f, "%*sks: %.4g\n", in, "", r[0].ks);
		if (nfit > 1)
			fprintf(f, "%*salternatives:\n", in, "");
		for (int i = 1; i < nfit; i++) {
			fprintf(f, "%*s- ", in + 2, "");
			put_fit(f, &r[i]);
			fprintf(f, ", aic: %.10g, ks: %.4g}\n", r[i].aic, r[i].ks);
		}
	} else {
		fprintf(f, "%*snote: too few values to fit (fewer than %d)\n", in,
			"", FIT_MIN_COUNT);
	}
	fprintf(f, "%*shistogram:\n", in + 0, "");
	snprintf(b, sizeof(b), "%.6g", baseline_ns);
	fprintf(f, "%*sbaseline_ns: %s\n", in + 2, "", b);
	fprintf(f, "%*soverflow: %.0f\n", in + 2, "", h->overflow);
	fprintf(f, "%*sedges_ns: [", in + 2, "");
	for (size_t i = 0; i <= h->n; i++)
		fprintf(f, "%s%.9g", i ? ", " : "", h->edges[i]);
	fprintf(f, "]\n%*scounts: [", in + 2, "");
	for (size_t i = 0; i < h->n; i++)
		fprintf(f, "%s%.0f", i ? ", " : "", h->counts[i]);
	fputs("]\n", f);
}

/* ---- loading ------------------------------------------------------------ */

static int node_error(struct err *e, const struct ynode *n, const char *fmt,
		      ...) __attribute__((format(printf, 3, 4)));
static int node_error(struct err *e, const struct ynode *n, const char *fmt,
		      ...)
{
	va_list ap;
	va_start(ap, fmt);
	err_vset(e, ERR_INPUT, n->file, n->line, n->col, fmt, ap);
	va_end(ap);
	return ERR_INPUT;
}

struct ytree *calfile_load(const char *path, struct err *e)
{
	struct ytree *t = ytree_load_file(path, e);
	if (!t)
		return NULL;
	struct ynode *root = ytree_root(t);
	struct ynode *v = ynode_peek(root, "version");
	char want[16];
	snprintf(want, sizeof(want), "%d", CALFILE_VERSION);
	if (!root || root->kind != YN_MAP) {
		err_set(e, ERR_INPUT, path, root ? root->line : 1,
			root ? root->col : 1, "not a bpfsim calibration file "
			"(expected a mapping with 'version: %d')", CALFILE_VERSION);
	} else if (!v) {
		node_error(e, root, "not a bpfsim calibration file: no 'version' "
			   "key (expected 'version: %d')", CALFILE_VERSION);
	} else if (v->kind != YN_SCALAR) {
		node_error(e, v, "'version' must be a number (this bpfsim reads "
			   "version %d)", CALFILE_VERSION);
	} else if (strcmp(v->value, want) != 0) {
		node_error(e, v, "calibration file version %s is not supported "
			   "(this bpfsim reads version %d; re-run bpfsim "
			   "calibrate)", v->value, CALFILE_VERSION);
	} else {
		return t;
	}
	ytree_free(t);
	return NULL;
}

/* ---- merging ------------------------------------------------------------ */

static int is_missing(const char *path)
{
	return access(path, F_OK) != 0 && errno == ENOENT;
}

int calfile_merge(const char *path, const char *sections, struct err *e)
{
	struct ytree *doc = NULL, *sub = NULL;
	struct out_file o = { 0 };
	int rc;
	char dir[4096], name[1024];
	const char *slash = strrchr(path, '/');

	if (slash) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
		snprintf(name, sizeof(name), "%s", slash + 1);
		if (!dir[0])
			snprintf(dir, sizeof(dir), "/");
	} else {
		snprintf(dir, sizeof(dir), ".");
		snprintf(name, sizeof(name), "%s", path);
	}
	if (!name[0])
		return err_set(e, ERR_INPUT, path, 0, 0, "expected a file name");
	if (is_missing(path)) {
		doc = ytree_new_empty(path);
		if (!doc)
			return err_set(e, ERR_RUNTIME, path, 0, 0, "out of memory");
	} else if (!(doc = calfile_load(path, e))) {
		/* Refuse to overwrite a file we cannot read as ours. */
		return e->status;
	}
	sub = ytree_load_buffer("(new calibration)", sections, strlen(sections),
				e);
	if (!sub) {
		ytree_free(doc);
		return e->status;
	}
	struct ynode *root = ytree_root(doc), *nr = ytree_root(sub);
	for (size_t i = 0; i < nr->n; i++) {
		const char *k = nr->keys[i]->value;
		struct ynode *old = ynode_peek(root, k);
		if (!strcmp(k, "profile") && old && old->kind == YN_MAP &&
		    nr->items[i]->kind == YN_MAP) {
			/* Profiles accumulate: replace only the programs measured. */
			for (size_t j = 0; j < nr->items[i]->n; j++)
				ynode_remove(old, nr->items[i]->keys[j]->value);
		} else {
			ynode_remove(root, k);
		}
	}
	ynode_remove(root, "version");
	if (ytree_include(doc, sub)) {   /* takes sub */
		ytree_free(doc);
		return err_set(e, ERR_RUNTIME, path, 0, 0, "out of memory");
	}
	if ((rc = out_mkdir_p(dir, e)) || (rc = out_open(&o, dir, name, e))) {
		ytree_free(doc);
		return rc;
	}
	fprintf(o.f, "# bpfsim calibration file: what `bpfsim calibrate` measured "
		"on a host.\n# Scenarios use it with `calibration: FILE` and "
		"values such as\n#   {from: calibration.storage.hash.insert}\n"
		"# Durations are ns unless written with a unit.  Rewritten by each "
		"calibrate\n# run that writes here (comments are not kept).\n");
	fprintf(o.f, "version: %d\n", CALFILE_VERSION);
	/* host first, then the sections in the order the file has them. */
	struct ynode *host = ynode_peek(root, "host");
	if (host) {
		fputs("host:", o.f);
		emit_value(host, o.f, 0);
	}
	for (size_t i = 0; i < root->n; i++) {
		if (!strcmp(root->keys[i]->value, "host"))
			continue;
		put_scalar(o.f, root->keys[i]->value, 0);
		fputc(':', o.f);
		emit_value(root->items[i], o.f, 0);
	}
	rc = out_commit(&o, e);
	ytree_free(doc);
	return rc;
}

/* ---- resolving scenario references --------------------------------------- */

struct resolver {
	struct ytree *t;        /* the scenario */
	struct ytree *cal;      /* the calibration file (NULL until needed) */
	const struct ynode *cal_key;  /* the scenario's `calibration:` value */
	const char *cal_path;
	struct err *e;
	int nrefs;
};

/* What `use:` takes: fit, empirical, mean, or a fitted family's name
 * (those of the registry with a fit hook).  names[] gets room for
 * 3 + FIT_MAX_FAMILIES + 1 entries, NULL-terminated. */
#define USE_FIXED 3
static void use_names(const char **names)
{
	size_t n = 0;
	names[n++] = "fit";
	names[n++] = "empirical";
	names[n++] = "mean";
	for (size_t i = 0; dist_families[i]; i++)
		if (dist_families[i]->fit && n < USE_FIXED + FIT_MAX_FAMILIES)
			names[n++] = dist_families[i]->name;
	names[n] = NULL;
}

/* Keys of map as a NULL-terminated list (for suggestions); caller frees. */
static const char **key_list(const struct ynode *map)
{
	const char **k = calloc(map->n + 1, sizeof(*k));
	if (k)
		for (size_t i = 0; i < map->n; i++)
			k[i] = map->keys[i]->value;
	return k;
}

/* Walk the calibration tree along "a.b.c".  NULL with e set. */
static const struct ynode *cal_find(struct resolver *R, const struct ynode *ref,
				    const char *path)
{
	char buf[512], walked[512] = "";
	const struct ynode *n = ytree_root(R->cal);
	char *save = NULL;
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *c = strtok_r(buf, ".", &save); c; c = strtok_r(NULL, ".", &save)) {
		if (n->kind != YN_MAP) {
			node_error(R->e, ref, "calibration.%s: '%s' in %s is a %s, "
				   "not a section", path, walked[0] ? walked : "(top)",
				   R->cal_path, ynode_kind_name(n));
			return NULL;
		}
		const struct ynode *next = ynode_peek(n, c);
		if (!next) {
			const char **keys = key_list(n);
			const char *s = keys ? ynode_suggest(NULL, c, keys) : NULL;
			char have[256] = "";
			size_t len = 0;
			for (size_t i = 0; i < n->n && len < sizeof(have) - 40; i++)
				len += (size_t)snprintf(have + len, sizeof(have) - len,
							"%s%s", i ? ", " : "",
							n->keys[i]->value);
			if (s)
				node_error(R->e, ref, "calibration.%s: %s has no '%s' "
					   "under %s (did you mean '%s'?)", path,
					   R->cal_path, c, walked[0] ? walked : "the top",
					   s);
			else
				node_error(R->e, ref, "calibration.%s: %s has no '%s' "
					   "under %s (it has: %s)", path, R->cal_path, c,
					   walked[0] ? walked : "the top",
					   have[0] ? have : "nothing");
			free(keys);
			return NULL;
		}
		size_t wl = strlen(walked);
		snprintf(walked + wl, sizeof(walked) - wl, "%s%s", wl ? "." : "", c);
		n = next;
	}
	return n;
}

static const char *scalar_of(const struct ynode *map, const char *key)
{
	const struct ynode *v = ynode_peek(map, key);
	return v && v->kind == YN_SCALAR ? v->value : NULL;
}

/* Load the calibration file named by the scenario's `calibration:` key. */
static int load_cal(struct resolver *R, const struct ynode *at)
{
	if (R->cal)
		return 0;
	if (!R->cal_key)
		return node_error(R->e, at, "a calibration reference needs a "
				  "top-level 'calibration: FILE' naming the "
				  "calibration file (bpfsim calibrate ... -o FILE)");
	const struct ynode *k = R->cal_key;
	if (k->kind != YN_SCALAR || !k->value[0])
		return node_error(R->e, k, "'calibration' takes a file name");
	char full[4096];
	const char *file = k->file ? k->file : "";
	const char *slash = strrchr(file, '/');
	if (k->value[0] != '/' && slash && strncmp(file, "--set", 5) != 0)
		snprintf(full, sizeof(full), "%.*s/%s", (int)(slash - file), file,
			 k->value);
	else
		snprintf(full, sizeof(full), "%s", k->value);
	struct err sub;
	err_init(&sub);
	R->cal = calfile_load(full, &sub);
	if (!R->cal) {
		if (sub.line == 0)
			return node_error(R->e, k, "cannot use calibration file "
					  "'%s': %s", full, sub.msg);
		*R->e = sub;
		return R->e->status;
	}
	R->cal_path = k->value;   /* as the scenario names it */
	return 0;
}

/* Text for an empirical distribution from a record's histogram. */
static char *empirical_text(struct resolver *R, const struct ynode *ref,
			    const char *path, const struct ynode *rec)
{
	const struct ynode *h = ynode_peek(rec, "histogram");
	const struct ynode *ed = h ? ynode_peek(h, "edges_ns") : NULL;
	const struct ynode *ct = h ? ynode_peek(h, "counts") : NULL;
	if (!ed || !ct || ed->kind != YN_SEQ || ct->kind != YN_SEQ ||
	    ed->n != ct->n + 1 || ct->n == 0) {
		node_error(R->e, ref, "calibration.%s has no usable histogram in "
			   "%s (needs histogram: {edges_ns: [...], counts: [...]})",
			   path, R->cal_path);
		return NULL;
	}
	/* Sized from the values' own lengths (each is pasted as written:
	 * a 300-digit edge overran a 24-byte-per-value guess). */
	size_t cap = 64, len = 0;
	for (size_t i = 0; i < ed->n; i++)
		cap += strlen(ed->items[i]->kind == YN_SCALAR
			      ? ed->items[i]->value : "") + 4;
	for (size_t i = 0; i < ct->n; i++)
		cap += strlen(ct->items[i]->kind == YN_SCALAR
			      ? ct->items[i]->value : "") + 2;
	char *s = malloc(cap);
	if (!s) {
		err_set(R->e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		return NULL;
	}
	len += (size_t)snprintf(s + len, cap - len, "{dist: empirical, edges: [");
	for (size_t i = 0; i < ed->n; i++) {
		const struct ynode *x = ed->items[i];
		char *end;
		if (x->kind != YN_SCALAR || (strtod(x->value, &end), *end)) {
			free(s);
			node_error(R->e, x, "histogram edges_ns must be numbers");
			return NULL;
		}
		len += (size_t)snprintf(s + len, cap - len, "%s%sns", i ? ", " : "",
					x->value);
	}
	len += (size_t)snprintf(s + len, cap - len, "], counts: [");
	for (size_t i = 0; i < ct->n; i++) {
		const struct ynode *x = ct->items[i];
		if (x->kind != YN_SCALAR) {
			free(s);
			node_error(R->e, x, "histogram counts must be numbers");
			return NULL;
		}
		len += (size_t)snprintf(s + len, cap - len, "%s%s", i ? ", " : "",
					x->value);
	}
	snprintf(s + len, cap - len, "]}");
	return s;
}

/* Give n and its sub-tree the position (file, line, col) of a reference. */
static void set_position(struct ynode *n, const char *file, int line, int col)
{
	n->file = file;
	n->line = line;
	n->col = col;
	for (size_t i = 0; i < n->n; i++) {
		if (n->keys)
			set_position(n->keys[i], file, line, col);
		set_position(n->items[i], file, line, col);
	}
}

/* Replace reference map `ref` (value of parent[key], dotted `spath` from
 * the scenario root or NULL when not reachable by keys). */
static int resolve_ref(struct resolver *R, struct ynode *parent,
		       const char *key, struct ynode *ref, const char *spath)
{
	struct ynode *from = ynode_peek(ref, "from");
	struct ynode *usen = ynode_peek(ref, "use");
	const char *use = "fit";
	for (size_t i = 0; i < ref->n; i++) {
		const char *k = ref->keys[i]->value;
		if (strcmp(k, "from") && strcmp(k, "use")) {
			static const char *const ok[] = { "from", "use", NULL };
			const char *s = ynode_suggest(NULL, k, ok);
			if (s)
				return node_error(R->e, ref->keys[i], "unknown key '%s' "
						  "in a calibration reference (did you "
						  "mean '%s'?)", k, s);
			return node_error(R->e, ref->keys[i], "a calibration "
					  "reference takes only 'from' and 'use' "
					  "(got '%s')", k);
		}
	}
	if (from->kind != YN_SCALAR || strncmp(from->value, "calibration.", 12) ||
	    !from->value[12])
		return node_error(R->e, from, "'from' takes calibration.PATH, e.g. "
				  "from: calibration.storage.hash.insert");
	if (usen) {
		if (usen->kind != YN_SCALAR)
			return node_error(R->e, usen, "'use' takes one of fit, "
					  "empirical, mean or a family name");
		const char *names[USE_FIXED + FIT_MAX_FAMILIES + 1];
		char list[256];
		use = usen->value;
		use_names(names);
		size_t i = 0;
		while (names[i] && strcmp(names[i], use))
			i++;
		if (!names[i]) {
			const char *s = ynode_suggest(NULL, use, names);
			if (s)
				return node_error(R->e, usen, "unknown use '%s' (did "
						  "you mean '%s'?)", use, s);
			return node_error(R->e, usen, "unknown use '%s' (expected "
					  "fit, empirical, mean, %s)", use,
					  dist_family_list(NULL, 1, list,
							   sizeof(list)));
		}
	}
	if (load_cal(R, from))
		return R->e->status;
	char path[512];
	snprintf(path, sizeof(path), "%s", from->value + 12);
	const struct ynode *rec = cal_find(R, from, path);
	if (!rec)
		return R->e->status;
	R->nrefs++;

	/* Position of the reference, for the nodes that replace it. */
	const char *pfile = ref->file;
	int pline = ref->line, pcol = ref->col;

	if (rec->kind == YN_SCALAR) {
		if (usen)
			return node_error(R->e, usen, "calibration.%s is a plain value "
					  "(%s): 'use' applies to measured "
					  "distributions", path, rec->value);
		return ynode_set_scalar(parent, key, rec->value)
			? 0 : err_set(R->e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	}
	if (rec->kind != YN_MAP)
		return node_error(R->e, from, "calibration.%s is a list, not a value",
				  path);
	int is_dist = ynode_peek(rec, "n") && (ynode_peek(rec, "fit") ||
					       ynode_peek(rec, "histogram") ||
					       ynode_peek(rec, "mean"));
	int mean_only = !is_dist && scalar_of(rec, "method") &&
			scalar_of(rec, "mean");
	if (!is_dist && !mean_only) {
		char have[256] = "";
		size_t len = 0;
		for (size_t i = 0; i < rec->n && len < sizeof(have) - 40; i++)
			len += (size_t)snprintf(have + len, sizeof(have) - len, "%s%s",
						i ? ", " : "", rec->keys[i]->value);
		return node_error(R->e, from, "calibration.%s is a section, not a "
				  "measured value (it holds: %s)", path, have);
	}
	const char *n = scalar_of(rec, "n");
	if (is_dist && n && !strcmp(n, "0"))
		return node_error(R->e, from, "calibration.%s measured no values "
				  "(n: 0) in %s", path, R->cal_path);
	if (mean_only && strcmp(use, "mean") && strcmp(use, "fit"))
		return node_error(R->e, usen, "calibration.%s holds a mean only "
				  "(%s: %s); use: %s needs a distribution", path,
				  scalar_of(rec, "method"), scalar_of(rec, "mean"),
				  use);
	if (mean_only || !strcmp(use, "mean")) {
		const char *m = scalar_of(rec, "mean");
		if (!m)
			return node_error(R->e, from, "calibration.%s has no mean",
					  path);
		return ynode_set_scalar(parent, key, m)
			? 0 : err_set(R->e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	}
	if (!strcmp(use, "empirical")) {
		if (!spath)
			return node_error(R->e, ref, "use: empirical works where every "
					  "enclosing value is a mapping with plain "
					  "keys; use a fit here");
		char *text = empirical_text(R, from, path, rec);
		if (!text)
			return R->e->status;
		size_t alen = strlen(spath) + strlen(text) + 2;
		char *assign = malloc(alen);
		if (!assign) {
			free(text);
			return err_set(R->e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		}
		snprintf(assign, alen, "%s=%s", spath, text);
		free(text);
		int rc = ytree_set_path(R->t, assign, R->e);
		free(assign);
		if (rc)
			return rc;
		struct ynode *nn = ytree_find(R->t, spath);
		if (nn)
			set_position(nn, pfile, pline, pcol);
		return 0;
	}
	/* A parametric fit: the chosen one or a named alternative. */
	const struct ynode *fit = NULL;
	if (!strcmp(use, "fit")) {
		fit = ynode_peek(rec, "fit");
		if (!fit)
			return node_error(R->e, from, "calibration.%s has no fit (too "
					  "few values?); try use: empirical or use: "
					  "mean", path);
	} else {
		const char *chosen = ynode_peek(rec, "fit")
			? scalar_of(ynode_peek(rec, "fit"), "dist") : NULL;
		if (chosen && !strcmp(chosen, use))
			fit = ynode_peek(rec, "fit");
		const struct ynode *alt = ynode_peek(rec, "alternatives");
		for (size_t i = 0; !fit && alt && alt->kind == YN_SEQ && i < alt->n;
		     i++) {
			const char *d = alt->items[i]->kind == YN_MAP
				? scalar_of(alt->items[i], "dist") : NULL;
			if (d && !strcmp(d, use))
				fit = alt->items[i];
		}
		if (!fit)
			return node_error(R->e, usen, "calibration.%s has no %s fit",
					  path, use);
	}
	if (fit->kind != YN_MAP || !scalar_of(fit, "dist"))
		return node_error(R->e, from, "calibration.%s: its fit is not a "
				  "distribution mapping", path);
	/* Rewrite the reference in place: drop from/use, set the fit's keys. */
	ynode_remove(ref, "from");
	ynode_remove(ref, "use");
	for (size_t i = 0; i < fit->n; i++) {
		const char *k = fit->keys[i]->value;
		if (!strcmp(k, "aic") || !strcmp(k, "ks"))
			continue;
		if (fit->items[i]->kind != YN_SCALAR)
			return node_error(R->e, fit->items[i], "a fit's parameters "
					  "must be single values");
		if (!ynode_set_scalar(ref, k, fit->items[i]->value))
			return err_set(R->e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	}
	set_position(ref, pfile, pline, pcol);
	return 0;
}

static int is_ref(const struct ynode *n)
{
	return n->kind == YN_MAP && ynode_peek(n, "from");
}

static int walk(struct resolver *R, struct ynode *n, const char *spath)
{
	for (size_t i = 0; i < n->n; i++) {
		struct ynode *v = n->items[i];
		char path[1024];
		const char *sub = NULL;
		if (n->kind == YN_MAP && spath && !strchr(n->keys[i]->value, '.') &&
		    snprintf(path, sizeof(path), "%s%s%s", spath,
			     spath[0] ? "." : "", n->keys[i]->value) <
			    (int)sizeof(path))
			sub = path;
		if (is_ref(v)) {
			if (n->kind != YN_MAP)
				return node_error(R->e, v, "a calibration reference "
						  "must be the value of a key");
			if (resolve_ref(R, n, n->keys[i]->value, v, sub))
				return R->e->status;
			continue;
		}
		if (v->kind != YN_SCALAR && walk(R, v, n->kind == YN_MAP ? sub : NULL))
			return R->e->status;
	}
	return 0;
}

int calfile_resolve(struct ytree *t, struct err *e)
{
	struct ynode *root = ytree_root(t);
	struct resolver R = { .t = t, .e = e };
	if (!root || root->kind != YN_MAP)
		return 0;
	R.cal_key = ynode_peek(root, "calibration");
	int rc = walk(&R, root, "");
	/* A calibration file named but unused is still checked. */
	if (!rc && R.cal_key && !R.cal)
		rc = load_cal(&R, R.cal_key);
	if (!rc)
		ynode_remove(root, "calibration");
	ytree_free(R.cal);
	return rc;
}
