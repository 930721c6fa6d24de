/* ytree.c - libyaml events into a positioned tree; lookups, --set, emitter.
 *
 * Why a tree of our own instead of libyaml's document API: we need to reject
 * duplicate keys and aliases while loading, record which keys readers asked
 * for (for unknown-key errors with suggestions), insert defaults so the tree
 * can be written back as the resolved scenario, and apply --set overrides.
 * Scenarios are small (limit YTREE_MAX_BYTES), so nodes are malloc'd one by
 * one and freed recursively; nothing here is on a hot path.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "sim/ytree.h"

struct ytree {
	char *file;
	struct ynode *root;
	char **extra_files;      /* "--set '...'" names of overridden nodes */
	size_t nextra;
	struct ytree **subs;     /* included trees (own the copied nodes' names) */
	size_t nsubs;
};

static struct ynode *node_new(struct ytree *t, enum ynode_kind kind, int line,
			      int col)
{
	struct ynode *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = kind;
	n->file = t->file;
	n->line = line;
	n->col = col;
	return n;
}

static void node_free(struct ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++) {
		if (n->keys)
			node_free(n->keys[i]);
		node_free(n->items[i]);
	}
	free(n->keys);
	free(n->items);
	free(n->known);
	free(n->value);
	free(n);
}

/* Append (key, value) to a mapping or value to a sequence. */
static int node_append(struct ynode *n, struct ynode *key, struct ynode *val)
{
	if (n->n == n->cap) {
		size_t cap = n->cap ? n->cap * 2 : 4;
		struct ynode **items = realloc(n->items, cap * sizeof(*items));
		if (!items)
			return -1;
		n->items = items;
		if (n->kind == YN_MAP) {
			struct ynode **keys = realloc(n->keys, cap * sizeof(*keys));
			if (!keys)
				return -1;
			n->keys = keys;
		}
		n->cap = cap;
	}
	if (n->kind == YN_MAP)
		n->keys[n->n] = key;
	n->items[n->n++] = val;
	return 0;
}

const char *ynode_kind_name(const struct ynode *n)
{
	if (!n)
		return "nothing";
	switch (n->kind) {
	case YN_SCALAR: return "scalar";
	case YN_MAP: return "mapping";
	case YN_SEQ: return "sequence";
	}
	return "?";
}

/* ---- loading ---------------------------------------------------------- */

/* The keys of a mapping being loaded, hashed, so that the duplicate-key
 * check is O(1) per key: a 4 MiB file of one flat mapping stays linear.
 * Small mappings (KEYSET_MIN keys or fewer) are scanned instead. */
#define KEYSET_MIN 16
struct keyset {
	const struct ynode **slot;   /* open addressing, NULL = free */
	size_t cap, n;               /* cap a power of two, n <= cap / 2 */
};

static size_t key_hash(const char *s)
{
	size_t h = 1469598103934665603u;   /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

/* The key equal to k already in the set, else NULL after adding k; -1
 * cast to a pointer when out of memory. */
static const struct ynode *keyset_add(struct keyset *ks, const struct ynode *k)
{
	if (2 * (ks->n + 1) > ks->cap) {
		size_t cap = ks->cap ? 2 * ks->cap : 64;
		const struct ynode **slot = calloc(cap, sizeof(*slot));
		if (!slot)
			return (const struct ynode *)-1;
		for (size_t i = 0; i < ks->cap; i++) {
			if (!ks->slot[i])
				continue;
			size_t j = key_hash(ks->slot[i]->value) & (cap - 1);
			while (slot[j])
				j = (j + 1) & (cap - 1);
			slot[j] = ks->slot[i];
		}
		free(ks->slot);
		ks->slot = slot;
		ks->cap = cap;
	}
	size_t j = key_hash(k->value) & (ks->cap - 1);
	for (; ks->slot[j]; j = (j + 1) & (ks->cap - 1))
		if (!strcmp(ks->slot[j]->value, k->value))
			return ks->slot[j];
	ks->slot[j] = k;
	ks->n++;
	return NULL;
}

static void keyset_clear(struct keyset *ks)
{
	if (ks->n)
		memset(ks->slot, 0, ks->cap * sizeof(*ks->slot));
	ks->n = 0;
}

struct loader {
	struct ytree *t;
	struct err *e;
	struct keyset keys[YTREE_MAX_DEPTH + 2];  /* per depth: the map's keys */
	struct ynode *stack[YTREE_MAX_DEPTH + 2];
	struct ynode *pending_key[YTREE_MAX_DEPTH + 2];  /* map awaiting value */
	int depth;
	int docs;
	int json;                /* ytree_load_json: JSON only, tabs allowed */
};

static int load_error(struct loader *L, int line, int col, const char *fmt,
		      ...) __attribute__((format(printf, 4, 5)));
static int load_error(struct loader *L, int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err_vset(L->e, ERR_INPUT, L->t->file, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

/* Attach a finished node to its parent (or make it the root). */
static int attach(struct loader *L, struct ynode *n)
{
	if (L->depth == 0) {
		L->t->root = n;
		return 0;
	}
	struct ynode *p = L->stack[L->depth - 1];
	if (p->kind == YN_SEQ)
		return node_append(p, NULL, n) ? load_error(L, n->line, n->col,
							   "out of memory") : 0;
	struct ynode *key = L->pending_key[L->depth - 1];
	if (!key) {
		/* n is a key */
		if (n->kind != YN_SCALAR) {
			int line = n->line, col = n->col;
			node_free(n);
			return load_error(L, line, col,
					  "a mapping key must be a plain scalar");
		}
		const struct ynode *first = NULL;
		struct keyset *ks = &L->keys[L->depth - 1];
		if (p->n < KEYSET_MIN) {
			for (size_t i = 0; i < p->n && !first; i++)
				if (strcmp(p->keys[i]->value, n->value) == 0)
					first = p->keys[i];
		} else {
			if (ks->n == 0)   /* now large: hash what came before */
				for (size_t i = 0; i < p->n; i++)
					if (keyset_add(ks, p->keys[i]) ==
					    (const struct ynode *)-1)
						goto oom;
			first = keyset_add(ks, n);
			if (first == (const struct ynode *)-1)
				goto oom;
		}
		if (first) {
			int line = n->line, col = n->col;
			int pl = first->line;
			char name[128];
			snprintf(name, sizeof(name), "%s", n->value);
			node_free(n);
			return load_error(L, line, col,
					  "duplicate key '%s' (first at line %d)",
					  name, pl);
		}
		L->pending_key[L->depth - 1] = n;
		return 0;
oom:
		node_free(n);
		return load_error(L, 0, 0, "out of memory");
	}
	L->pending_key[L->depth - 1] = NULL;
	if (node_append(p, key, n)) {
		node_free(key);
		node_free(n);
		return load_error(L, 0, 0, "out of memory");
	}
	return 0;
}

/* Tabs in indentation and NUL bytes get a clearer message than libyaml's. */
static int prescan(struct loader *L, const char *buf, size_t len)
{
	int line = 1, col = 1, at_indent = 1;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c == 0)
			return load_error(L, line, col,
					  "binary data (NUL byte): not a YAML text file");
		if (c == '\n') {
			line++;
			col = 1;
			at_indent = 1;
			continue;
		}
		if (at_indent && c == '\t' && !L->json)
			return load_error(L, line, col,
					  "tab character in indentation (YAML indents with spaces)");
		if (c != ' ' && c != '\t')
			at_indent = 0;
		col++;
	}
	return 0;
}

/* libyaml's reader errors (bad bytes, bad UTF-8) carry a byte offset, not
 * a mark: turn it into line and column. */
static void offset_position(const char *buf, size_t off, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)buf[i] & 0xc0) != 0x80) {
			(*col)++;   /* count characters, not UTF-8 continuation bytes */
		}
	}
}

/* JSON's scalars: a double-quoted string, or a plain number, true, false
 * or null; mapping keys are strings.  YAML accepts more (plain words,
 * single quotes, block scalars), and a JSON reader must not. */
static int json_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return 0;
	if (*s == '.') {
		s++;
		if (!(*s >= '0' && *s <= '9'))
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == 0;
}

static int json_scalar_bad(struct loader *L, const struct ynode *n,
			   yaml_scalar_style_t style)
{
	struct ynode *p = L->depth ? L->stack[L->depth - 1] : NULL;
	int is_key = p && p->kind == YN_MAP && !L->pending_key[L->depth - 1];
	if (style == YAML_DOUBLE_QUOTED_SCALAR_STYLE)
		return 0;
	if (style != YAML_PLAIN_SCALAR_STYLE)
		return load_error(L, n->line, n->col, "not JSON: strings are "
				  "written in double quotes");
	if (is_key)
		return load_error(L, n->line, n->col, "not JSON: key '%.64s' is "
				  "not a double-quoted string", n->value);
	if (!json_number(n->value) && strcmp(n->value, "true") &&
	    strcmp(n->value, "false") && strcmp(n->value, "null"))
		return load_error(L, n->line, n->col, "not JSON: '%.64s' is not a "
				  "number, true, false, null or a quoted string",
				  n->value);
	return 0;
}

static int load_events(struct loader *L, const char *buf, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int rc = 0, done = 0;

	if (!yaml_parser_initialize(&parser))
		return load_error(L, 0, 0, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (!done && rc == 0) {
		if (!yaml_parser_parse(&parser, &ev)) {
			int line = (int)parser.problem_mark.line + 1;
			int col = (int)parser.problem_mark.column + 1;
			if (parser.error == YAML_READER_ERROR)
				offset_position(buf, parser.problem_offset, &line,
						&col);
			const char *lang = L->json ? "JSON" : "YAML";
			if (parser.context)
				rc = load_error(L, line, col, "%s syntax error: %s %s",
						lang, parser.problem ? parser.problem : "",
						parser.context);
			else
				rc = load_error(L, line, col, "%s syntax error: %s", lang,
						parser.problem ? parser.problem
							       : "unknown");
			break;
		}
		int line = (int)ev.start_mark.line + 1;
		int col = (int)ev.start_mark.column + 1;
		struct ynode *n;
		switch (ev.type) {
		case YAML_DOCUMENT_START_EVENT:
			if (++L->docs > 1)
				rc = load_error(L, line, col,
						"more than one YAML document (only one is read)");
			break;
		case YAML_ALIAS_EVENT:
			rc = load_error(L, line, col,
					"YAML aliases (*%s) are not supported: write the value out",
					(const char *)ev.data.alias.anchor);
			break;
		case YAML_SCALAR_EVENT:
			if (ev.data.scalar.anchor) {
				rc = load_error(L, line, col,
						"YAML anchors (&%s) are not supported",
						(const char *)ev.data.scalar.anchor);
				break;
			}
			n = node_new(L->t, YN_SCALAR, line, col);
			if (!n || !(n->value = strndup((const char *)ev.data.scalar.value,
						       ev.data.scalar.length))) {
				node_free(n);
				rc = load_error(L, line, col, "out of memory");
				break;
			}
			if (strlen(n->value) != ev.data.scalar.length) {
				node_free(n);
				rc = load_error(L, line, col, "NUL byte inside a scalar");
				break;
			}
			n->quoted = ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
			if (L->json && json_scalar_bad(L, n, ev.data.scalar.style)) {
				node_free(n);
				rc = -1;
				break;
			}
			rc = attach(L, n);
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT: {
			const yaml_char_t *anchor = ev.type == YAML_MAPPING_START_EVENT
				? ev.data.mapping_start.anchor
				: ev.data.sequence_start.anchor;
			if (anchor) {
				rc = load_error(L, line, col,
						"YAML anchors (&%s) are not supported",
						(const char *)anchor);
				break;
			}
			int flow = ev.type == YAML_MAPPING_START_EVENT
				? ev.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
				: ev.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
			if (L->json && !flow) {
				rc = load_error(L, line, col, "not JSON: a YAML block "
						"%s (JSON writes {...} and [...])",
						ev.type == YAML_MAPPING_START_EVENT
						? "mapping" : "sequence");
				break;
			}
			if (L->depth >= YTREE_MAX_DEPTH) {
				rc = load_error(L, line, col,
						"nesting deeper than %d levels",
						YTREE_MAX_DEPTH);
				break;
			}
			n = node_new(L->t, ev.type == YAML_MAPPING_START_EVENT
					 ? YN_MAP : YN_SEQ, line, col);
			if (!n) {
				rc = load_error(L, line, col, "out of memory");
				break;
			}
			L->stack[L->depth] = n;
			L->pending_key[L->depth] = NULL;
			keyset_clear(&L->keys[L->depth]);
			L->depth++;
			break;
		}
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			n = L->stack[--L->depth];
			rc = attach(L, n);   /* attach frees n on error */
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	/* On error, free what is still on the stack. */
	while (L->depth > 0) {
		L->depth--;
		node_free(L->pending_key[L->depth]);
		node_free(L->stack[L->depth]);
	}
	yaml_parser_delete(&parser);
	for (int d = 0; d < YTREE_MAX_DEPTH + 2; d++) {
		free(L->keys[d].slot);
		L->keys[d] = (struct keyset){ 0 };
	}
	return rc;
}

static struct ytree *tree_alloc(const char *name)
{
	struct ytree *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->file = strdup(name);
	if (!t->file) {
		free(t);
		return NULL;
	}
	return t;
}

static struct ytree *load_buffer(const char *name, const char *buf, size_t len,
				 size_t max, int json, struct err *e)
{
	struct ytree *t = tree_alloc(name);
	if (!t) {
		err_set(e, ERR_RUNTIME, name, 0, 0, "out of memory");
		return NULL;
	}
	struct loader L = { .t = t, .e = e, .json = json };
	if (len > max) {
		load_error(&L, 0, 0, "file too large (%zu bytes; the limit is %zu)",
			   len, max);
		goto fail;
	}
	if (prescan(&L, buf, len) || load_events(&L, buf, len))
		goto fail;
	if (!t->root) {
		load_error(&L, 1, 1, json ? "empty file: expected a JSON object"
					  : "empty file: expected a YAML mapping");
		goto fail;
	}
	if (t->root->kind != YN_MAP) {
		load_error(&L, t->root->line, t->root->col, json
			   ? "expected a JSON object at the top level, found a %s"
			   : "expected a mapping of keys at the top level, found a %s",
			   ynode_kind_name(t->root));
		goto fail;
	}
	return t;
fail:
	ytree_free(t);
	return NULL;
}

struct ytree *ytree_load_buffer(const char *name, const char *buf, size_t len,
				struct err *e)
{
	return load_buffer(name, buf, len, YTREE_MAX_BYTES, 0, e);
}

static struct ytree *load_file(const char *path, size_t max, int json,
			       struct err *e)
{
	struct ytree *t = NULL;
	char *buf = NULL;
	struct stat st;
	/* Check before opening: opening a FIFO would block until a writer
	 * comes (the fstat below still guards against a swap in between). */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		err_set(e, ERR_INPUT, path, 0, 0, "not a regular file");
		return NULL;
	}
	FILE *f = fopen(path, "rb");

	if (!f) {
		err_set(e, ERR_INPUT, path, 0, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		err_set(e, ERR_INPUT, path, 0, 0, "not a regular file");
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		err_set(e, ERR_INPUT, path, 0, 0,
			"file too large (%lld bytes; the limit is %zu)",
			(long long)st.st_size, max);
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		err_set(e, ERR_RUNTIME, path, 0, 0, "out of memory");
		goto out;
	}
	size_t len = fread(buf, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		err_set(e, ERR_INPUT, path, 0, 0, "read error: %s", strerror(errno));
		goto out;
	}
	t = load_buffer(path, buf, len, max, json, e);
out:
	free(buf);
	fclose(f);
	return t;
}

struct ytree *ytree_load_file(const char *path, struct err *e)
{
	return load_file(path, YTREE_MAX_BYTES, 0, e);
}

struct ytree *ytree_load_json(const char *path, struct err *e)
{
	return load_file(path, YTREE_JSON_MAX_BYTES, 1, e);
}

struct ytree *ytree_new_empty(const char *name)
{
	struct ytree *t = tree_alloc(name);
	if (!t)
		return NULL;
	t->root = node_new(t, YN_MAP, 1, 1);
	if (!t->root) {
		ytree_free(t);
		return NULL;
	}
	return t;
}

void ytree_free(struct ytree *t)
{
	if (!t)
		return;
	node_free(t->root);
	for (size_t i = 0; i < t->nextra; i++)
		free(t->extra_files[i]);
	free(t->extra_files);
	for (size_t i = 0; i < t->nsubs; i++)
		ytree_free(t->subs[i]);
	free(t->subs);
	free(t->file);
	free(t);
}

struct ynode *ytree_root(struct ytree *t) { return t->root; }
const char *ytree_file(const struct ytree *t) { return t->file; }

/* ---- lookups ---------------------------------------------------------- */

static void remember_known(struct ynode *map, const char *key)
{
	for (size_t i = 0; i < map->nknown; i++)
		if (map->known[i] == key || strcmp(map->known[i], key) == 0)
			return;
	if (map->nknown == map->capknown) {
		size_t cap = map->capknown ? map->capknown * 2 : 8;
		const char **k = realloc(map->known, cap * sizeof(*k));
		if (!k)
			return;   /* suggestions are best effort */
		map->known = k;
		map->capknown = cap;
	}
	map->known[map->nknown++] = key;
}

struct ynode *ynode_peek(const struct ynode *map, const char *key)
{
	if (!map || map->kind != YN_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (strcmp(map->keys[i]->value, key) == 0)
			return map->items[i];
	return NULL;
}

struct ynode *ynode_get(struct ynode *map, const char *key)
{
	if (!map || map->kind != YN_MAP)
		return NULL;
	remember_known(map, key);
	for (size_t i = 0; i < map->n; i++) {
		if (strcmp(map->keys[i]->value, key) == 0) {
			map->keys[i]->used = 1;
			map->items[i]->used = 1;
			return map->items[i];
		}
	}
	return NULL;
}

static struct ynode *scalar_like(const struct ynode *near, const char *value)
{
	struct ynode *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = YN_SCALAR;
	n->file = near->file;
	n->line = near->line;
	n->col = near->col;
	n->value = strdup(value);
	if (!n->value) {
		free(n);
		return NULL;
	}
	return n;
}

/* Put value under key in map (replacing); takes ownership of value. */
static int map_put(struct ynode *map, const char *key, struct ynode *value)
{
	for (size_t i = 0; i < map->n; i++) {
		if (strcmp(map->keys[i]->value, key) == 0) {
			node_free(map->items[i]);
			map->items[i] = value;
			return 0;
		}
	}
	struct ynode *k = scalar_like(map, key);
	if (!k || node_append(map, k, value)) {
		node_free(k);
		return -1;
	}
	return 0;
}

struct ynode *ynode_set_scalar(struct ynode *map, const char *key,
			       const char *value)
{
	if (!map || map->kind != YN_MAP)
		return NULL;
	struct ynode *old = ynode_peek(map, key);
	struct ynode *n = scalar_like(old ? old : map, value);
	if (!n || map_put(map, key, n)) {
		node_free(n);
		return NULL;
	}
	return n;
}

struct ynode *ynode_ensure_map(struct ynode *map, const char *key)
{
	if (!map || map->kind != YN_MAP)
		return NULL;
	struct ynode *old = ynode_peek(map, key);
	if (old)
		return old->kind == YN_MAP ? old : NULL;
	struct ynode *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = YN_MAP;
	n->file = map->file;
	n->line = map->line;
	n->col = map->col;
	if (map_put(map, key, n)) {
		free(n);
		return NULL;
	}
	return n;
}

void ynode_remove(struct ynode *map, const char *key)
{
	if (!map || map->kind != YN_MAP)
		return;
	for (size_t i = 0; i < map->n; i++) {
		if (strcmp(map->keys[i]->value, key) == 0) {
			node_free(map->keys[i]);
			node_free(map->items[i]);
			memmove(&map->keys[i], &map->keys[i + 1],
				(map->n - i - 1) * sizeof(*map->keys));
			memmove(&map->items[i], &map->items[i + 1],
				(map->n - i - 1) * sizeof(*map->items));
			map->n--;
			return;
		}
	}
}

void ynode_mark_used(struct ynode *n)
{
	if (!n)
		return;
	n->used = 1;
	for (size_t i = 0; i < n->n; i++) {
		if (n->keys)
			n->keys[i]->used = 1;
		ynode_mark_used(n->items[i]);
	}
}

/* Deep copy; file NULL keeps every node's own file name (which must then
 * outlive the copy), else every node gets `file`. */
static struct ynode *clone_with(const struct ynode *src, const char *file)
{
	struct ynode *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = src->kind;
	n->file = file ? file : src->file;
	n->line = src->line;
	n->col = src->col;
	n->quoted = src->quoted;
	if (src->value && !(n->value = strdup(src->value)))
		goto fail;
	for (size_t i = 0; i < src->n; i++) {
		struct ynode *k = src->keys ? clone_with(src->keys[i], file) : NULL;
		struct ynode *v = clone_with(src->items[i], file);
		if ((src->keys && !k) || !v || node_append(n, k, v)) {
			node_free(k);
			node_free(v);
			goto fail;
		}
	}
	return n;
fail:
	node_free(n);
	return NULL;
}

struct ynode *ynode_clone(struct ytree *t, const struct ynode *src)
{
	return clone_with(src, t->file);
}

/* Give n and its subtree file names owned by t: each distinct name is
 * copied once into t->extra_files (a scenario tree has a handful). */
static int own_names(struct ytree *t, struct ynode *n)
{
	const char *mine = NULL;
	if (n->file && n->file == t->file)
		mine = t->file;
	for (size_t i = 0; !mine && n->file && i < t->nextra; i++)
		if (!strcmp(t->extra_files[i], n->file))
			mine = t->extra_files[i];
	if (!mine && n->file) {
		char **files = realloc(t->extra_files,
				       (t->nextra + 1) * sizeof(*files));
		if (!files)
			return -1;
		t->extra_files = files;
		if (!(files[t->nextra] = strdup(n->file)))
			return -1;
		mine = files[t->nextra++];
	}
	n->file = mine;
	for (size_t i = 0; i < n->n; i++)
		if ((n->keys && own_names(t, n->keys[i])) ||
		    own_names(t, n->items[i]))
			return -1;
	return 0;
}

struct ytree *ytree_clone(const struct ytree *src)
{
	struct ytree *t = tree_alloc(src->file);
	if (!t)
		return NULL;
	t->root = clone_with(src->root, NULL);
	if (!t->root || own_names(t, t->root)) {
		ytree_free(t);
		return NULL;
	}
	return t;
}

struct ynode *ytree_find(struct ytree *t, const char *path)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", path);
	struct ynode *n = t->root;
	char *save = NULL;
	for (char *c = strtok_r(buf, ".", &save); c && n;
	     c = strtok_r(NULL, ".", &save))
		n = ynode_peek(n, c);
	return n;
}

/* ---- --set ------------------------------------------------------------ */

static void relocate(struct ynode *n, const char *file)
{
	n->file = file;
	n->line = 0;
	n->col = 0;
	for (size_t i = 0; i < n->n; i++) {
		if (n->keys)
			relocate(n->keys[i], file);
		relocate(n->items[i], file);
	}
}

/* comp as the index of an existing item of list seq, or an error. */
static int seq_index(const struct ynode *seq, const char *comp, size_t *idx,
		     const char *where, struct err *e)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(comp, &end, 10);
	if (!*comp || *end || comp[0] == '-' || comp[0] == '+' || errno)
		return err_set(e, ERR_INPUT, where, 0, 0, "'%s': a list's item "
			       "is named by its index, 0 to %zu", comp,
			       seq->n ? seq->n - 1 : 0);
	if (v >= seq->n)
		return err_set(e, ERR_INPUT, where, 0, 0, "item %llu: the list "
			       "has %zu item%s", v, seq->n,
			       seq->n == 1 ? "" : "s");
	*idx = (size_t)v;
	return 0;
}

int ytree_set_path(struct ytree *t, const char *assignment, struct err *e)
{
	char where[300];
	snprintf(where, sizeof(where), "--set '%s'", assignment);
	const char *eq = strchr(assignment, '=');
	if (!eq || eq == assignment)
		return err_set(e, ERR_INPUT, where, 0, 0,
			       "expected path.to.key=value");
	char path[256];
	size_t plen = (size_t)(eq - assignment);
	if (plen >= sizeof(path))
		return err_set(e, ERR_INPUT, where, 0, 0, "path too long");
	memcpy(path, assignment, plen);
	path[plen] = 0;
	const char *value = eq + 1;

	/* Nodes made from the command line report errors against the --set
	 * text: the tree keeps that text as their "file", position unknown. */
	char **files = realloc(t->extra_files, (t->nextra + 1) * sizeof(*files));
	if (!files)
		return err_set(e, ERR_RUNTIME, where, 0, 0, "out of memory");
	t->extra_files = files;
	char *name = strdup(where);
	if (!name)
		return err_set(e, ERR_RUNTIME, where, 0, 0, "out of memory");
	t->extra_files[t->nextra++] = name;

	/* A component after a list is an item's index (from 0): `tools.1.x`
	 * is key x of the list's second item, which must exist. */
	struct ynode *map = t->root;
	char *save = NULL, *comp = strtok_r(path, ".", &save);
	size_t idx = 0;
	while (comp) {
		char *next = strtok_r(NULL, ".", &save);
		if (map->kind == YN_SEQ && seq_index(map, comp, &idx, where, e))
			return e->status;
		if (!next)
			break;
		struct ynode *child = map->kind == YN_SEQ ? map->items[idx]
							  : ynode_peek(map, comp);
		if (child && child->kind == YN_SEQ && child->n == 0)
			return err_set(e, ERR_INPUT, where, 0, 0,
				       "'%s' is an empty list", comp);
		if (child && child->kind == YN_SCALAR)
			return err_set(e, ERR_INPUT, where, 0, 0,
				       "'%s' holds a %s, not a mapping", comp,
				       ynode_kind_name(child));
		if (!child) {
			if (!(child = ynode_ensure_map(map, comp)))
				return err_set(e, ERR_RUNTIME, where, 0, 0,
					       "out of memory");
			relocate(map->keys[map->n - 1], name);
			relocate(child, name);
		}
		map = child;
		comp = next;
	}
	if (!comp)
		return err_set(e, ERR_INPUT, where, 0, 0, "empty path");

	struct ynode *n;
	if (value[0] == '[' || value[0] == '{') {
		/* Inline YAML: parse "k: VALUE" so flow collections work. */
		size_t len = strlen(value) + 4;
		char *doc = malloc(len);
		if (!doc)
			return err_set(e, ERR_RUNTIME, where, 0, 0, "out of memory");
		snprintf(doc, len, "v: %s", value);
		struct err sub_e;
		err_init(&sub_e);
		struct ytree *sub = ytree_load_buffer(where, doc, strlen(doc), &sub_e);
		free(doc);
		if (!sub)
			return err_set(e, ERR_INPUT, where, 0, 0, "%s", sub_e.msg);
		n = ynode_clone(t, ynode_peek(sub->root, "v"));
		ytree_free(sub);
	} else {
		n = scalar_like(map, value);
	}
	if (!n)
		return err_set(e, ERR_RUNTIME, where, 0, 0, "out of memory");
	relocate(n, name);
	if (map->kind == YN_SEQ) {   /* replace the item */
		node_free(map->items[idx]);
		map->items[idx] = n;
		return 0;
	}
	int existed = ynode_peek(map, comp) != NULL;
	if (map_put(map, comp, n)) {
		node_free(n);
		return err_set(e, ERR_RUNTIME, where, 0, 0, "out of memory");
	}
	if (!existed)
		relocate(map->keys[map->n - 1], name);
	return 0;
}

/* ---- include --------------------------------------------------------- */

static int fill_missing(struct ynode *dst, const struct ynode *src)
{
	for (size_t i = 0; i < src->n; i++) {
		const char *key = src->keys[i]->value;
		struct ynode *have = ynode_peek(dst, key);
		if (have) {
			if (have->kind == YN_MAP && src->items[i]->kind == YN_MAP &&
			    fill_missing(have, src->items[i]))
				return -1;
			continue;
		}
		struct ynode *k = clone_with(src->keys[i], NULL);
		struct ynode *v = clone_with(src->items[i], NULL);
		if (!k || !v || node_append(dst, k, v)) {
			node_free(k);
			node_free(v);
			return -1;
		}
	}
	return 0;
}

int ytree_graft(struct ytree *t, struct ynode *at, struct ytree *sub)
{
	struct ytree **subs = realloc(t->subs, (t->nsubs + 1) * sizeof(*subs));
	if (!subs) {
		ytree_free(sub);
		return -1;
	}
	t->subs = subs;
	t->subs[t->nsubs++] = sub;
	/* The copy keeps sub's file names (sub lives as long as t). */
	struct ynode *c = clone_with(sub->root, NULL);
	if (!c)
		return -1;
	struct ynode old = *at;
	*at = *c;
	*c = old;
	node_free(c);   /* at's former contents */
	return 0;
}

int ytree_include(struct ytree *t, struct ytree *sub)
{
	struct ytree **subs = realloc(t->subs, (t->nsubs + 1) * sizeof(*subs));
	if (!subs) {
		ytree_free(sub);
		return -1;
	}
	t->subs = subs;
	t->subs[t->nsubs++] = sub;
	return fill_missing(t->root, sub->root);
}

/* ---- unknown keys ----------------------------------------------------- */

size_t ytree_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return la > lb ? la : lb;
	size_t prev[65], cur[65];
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			cur[j] = sub < del ? (sub < ins ? sub : ins)
					   : (del < ins ? del : ins);
		}
		memcpy(prev, cur, (lb + 1) * sizeof(size_t));
	}
	return prev[lb];
}

static const char *nearest(const char *key, const char *const *cands,
			   size_t ncands, const char *best, size_t *bestd)
{
	for (size_t i = 0; i < ncands; i++) {
		size_t d = ytree_edit_distance(key, cands[i]);
		if (d < *bestd) {
			*bestd = d;
			best = cands[i];
		}
	}
	return best;
}

const char *ynode_suggest(const struct ynode *map, const char *key,
			  const char *const *extra)
{
	size_t bestd = SIZE_MAX, nextra = 0;
	const char *best = NULL;
	if (map && map->kind == YN_MAP)
		best = nearest(key, map->known, map->nknown, best, &bestd);
	if (extra) {
		while (extra[nextra])
			nextra++;
		best = nearest(key, extra, nextra, best, &bestd);
	}
	size_t len = strlen(key);
	if (!best || bestd == 0 || bestd > 2 || 2 * bestd >= len + 1)
		return NULL;
	return best;
}

static int check_node(struct ynode *n, struct err *e)
{
	if (n->kind == YN_SCALAR)
		return 0;
	for (size_t i = 0; i < n->n; i++) {
		if (n->kind == YN_MAP && !n->keys[i]->used) {
			struct ynode *k = n->keys[i];
			const char *s = ynode_suggest(n, k->value, NULL);
			if (s)
				return err_set(e, ERR_INPUT, k->file, k->line, k->col,
					       "unknown key '%s' (did you mean '%s'?)",
					       k->value, s);
			return err_set(e, ERR_INPUT, k->file, k->line, k->col,
				       "unknown key '%s'", k->value);
		}
		int rc = check_node(n->items[i], e);
		if (rc)
			return rc;
	}
	return 0;
}

int ytree_check_unknown(struct ytree *t, struct err *e)
{
	return check_node(t->root, e);
}

/* ---- emitter ---------------------------------------------------------- */

static int needs_quotes(const char *s)
{
	if (!*s || isspace((unsigned char)s[0]) ||
	    isspace((unsigned char)s[strlen(s) - 1]))
		return 1;
	if (!strncmp(s, "---", 3) || !strncmp(s, "...", 3))
		return 1;
	if (strchr("-?:,[]{}#&*!|>'\"%@`", s[0]))
		return s[0] != '-' || s[1] == 0 || s[1] == ' ';
	for (const char *p = s; *p; p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f ||
		    *p == '"' || *p == '\\')
			return 1;
		if ((p[0] == ':' && (p[1] == ' ' || p[1] == 0)) ||
		    (p[0] == ' ' && p[1] == '#'))
			return 1;
	}
	return 0;
}

static void emit_scalar(const struct ynode *n, FILE *f)
{
	const char *s = n->value;
	if (!needs_quotes(s)) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void emit_node(const struct ynode *n, FILE *f, int indent);

/* Emit value after "key:" or "- ". */
static void emit_value(const struct ynode *v, FILE *f, int indent)
{
	if (v->kind == YN_SCALAR) {
		fputc(' ', f);
		emit_scalar(v, f);
		fputc('\n', f);
	} else if (v->n == 0) {
		fputs(v->kind == YN_MAP ? " {}\n" : " []\n", f);
	} else {
		fputc('\n', f);
		emit_node(v, f, indent + 2);
	}
}

static void emit_node(const struct ynode *n, FILE *f, int indent)
{
	for (size_t i = 0; i < n->n; i++) {
		fprintf(f, "%*s", indent, "");
		if (n->kind == YN_MAP) {
			emit_scalar(n->keys[i], f);
			fputc(':', f);
		} else {
			fputc('-', f);
		}
		emit_value(n->items[i], f, indent);
	}
}

int ytree_emit(const struct ytree *t, FILE *f)
{
	emit_node(t->root, f, 0);
	return ferror(f) ? -1 : 0;
}
