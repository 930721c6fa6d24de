/* ytree.h - a YAML document as a tree of nodes that remember where they were.
 *
 * Scenarios and calibration files are parsed with libyaml's event parser into
 * this small tree (scalars, mappings, sequences), each node carrying its file
 * name and 1-based line and column, so every later validation error can say
 * "file:line:col: what is wrong".  The loader rejects, with a positioned
 * message: syntax errors (libyaml's own text), tabs used for indentation,
 * duplicate keys, non-scalar keys, anchors and aliases (not supported: they
 * make alias bombs possible), nesting deeper than YTREE_MAX_DEPTH, more than
 * one document, and files larger than YTREE_MAX_BYTES.
 *
 * Readers look keys up with ynode_get(); every lookup marks the key as used
 * and records the name on the mapping as a known key.  After configuration,
 * ytree_check_unknown() reports the first key nobody asked for, suggesting the
 * nearest known key ("unknown key 'arival' (did you mean 'arrival'?)").
 *
 * Ownership: the tree owns every node and string; nodes live until
 * ytree_free().  Not thread-safe for writes; read-only sharing is fine.
 */
#ifndef BPFSIM_YTREE_H
#define BPFSIM_YTREE_H

#include <stddef.h>
#include <stdio.h>
#include "sim/err.h"

#define YTREE_MAX_DEPTH 64
#define YTREE_MAX_BYTES (4u << 20)   /* 4 MiB: scenarios are small */
/* JSON outputs of big sweeps are larger (summary.json: ~150 bytes per
 * point, strategy and metric). */
#define YTREE_JSON_MAX_BYTES ((size_t)1 << 30)

enum ynode_kind { YN_SCALAR, YN_MAP, YN_SEQ };

struct ynode {
	enum ynode_kind kind;
	const char *file;        /* owned by the tree */
	int line, col;           /* 1-based position of the node's start */
	char *value;             /* scalar text (YN_SCALAR) */
	int quoted;              /* scalar was written quoted */
	int used;                /* a reader looked this up (map values) */
	size_t n, cap;           /* entries (map) or items (seq) */
	struct ynode **keys;     /* map: key scalars; NULL for seq */
	struct ynode **items;    /* map: values; seq: items */
	const char **known;      /* map: key names readers asked for */
	size_t nknown, capknown;
};

struct ytree;

/* Load a YAML file / buffer.  Returns NULL with e set (ERR_INPUT) on any
 * error.  `name` is the file name used in messages. */
struct ytree *ytree_load_file(const char *path, struct err *e);
struct ytree *ytree_load_buffer(const char *name, const char *buf, size_t len,
				struct err *e);
/* Load a JSON file (bpfsim's own summary.json, capacity.json, or one
 * re-saved by jq or python).  libyaml parses it (JSON is YAML 1.2 flow
 * syntax), with the YAML loader's rules (duplicate keys and nesting deeper
 * than YTREE_MAX_DEPTH are errors) plus JSON's: the root is an object,
 * collections are {...}/[...], strings double-quoted, keys strings, other
 * scalars a JSON number, true, false or null; tabs are whitespace like any
 * other.  Scalars keep their text: numbers are read with strtod
 * ("1e-05"), `null` (non-finite values, out_num) is the scalar "null" with
 * quoted == 0.  Limit YTREE_JSON_MAX_BYTES.  NULL with e set (ERR_INPUT,
 * "file:line:col: not JSON: ...") on any error. */
struct ytree *ytree_load_json(const char *path, struct err *e);
/* An empty tree whose root is an empty mapping. */
struct ytree *ytree_new_empty(const char *name);
void ytree_free(struct ytree *t);

struct ynode *ytree_root(struct ytree *t);
const char *ytree_file(const struct ytree *t);

/* Mapping lookup: the value node for key, or NULL.  Marks the key used and
 * records `key` (which must outlive the tree: use string literals) as known. */
struct ynode *ynode_get(struct ynode *map, const char *key);
/* Like ynode_get but does not mark or record anything. */
struct ynode *ynode_peek(const struct ynode *map, const char *key);
/* Set map[key] to a plain scalar `value` (creating or replacing), returning
 * the scalar node; the new node takes map's file and position when created.
 * NULL on allocation failure or when map is not a mapping. */
struct ynode *ynode_set_scalar(struct ynode *map, const char *key,
			       const char *value);
/* Ensure map[key] is a mapping (create it empty if absent); NULL if the key
 * holds a non-mapping (caller reports) or on allocation failure. */
struct ynode *ynode_ensure_map(struct ynode *map, const char *key);
/* Remove map[key] (and its sub-tree) if present. */
void ynode_remove(struct ynode *map, const char *key);
/* Mark every key of map, recursively, as used (for opaque sub-trees). */
void ynode_mark_used(struct ynode *n);
/* A deep copy of n into tree t (positions kept); NULL on allocation failure. */
struct ynode *ynode_clone(struct ytree *t, const struct ynode *n);
/* A deep copy of the whole tree, independent of src (it owns copies of
 * every file name its nodes carry, positions kept), with no key marked
 * used or asked for: as if freshly loaded.  NULL on allocation failure. */
struct ytree *ytree_clone(const struct ytree *src);
/* Human name of a node kind: "scalar", "mapping", "sequence". */
const char *ynode_kind_name(const struct ynode *n);

/* Apply "path.to.key=value" (the --set syntax): walks mappings, creating
 * missing ones, and sets the final key to a plain scalar.  A value starting
 * with '[' or '{' is parsed as inline YAML.  Errors name "--set". */
int ytree_set_path(struct ytree *t, const char *assignment, struct err *e);
/* The node at dotted path, or NULL (does not mark it used). */
struct ynode *ytree_find(struct ytree *t, const char *path);

/* Merge `sub` under t as defaults: every key of sub's root missing from t
 * is copied in (recursively into mappings both have); t's own values win.
 * Copied nodes keep sub's file name and positions for messages.  t takes
 * ownership of sub (freed with t), also on failure.  0 or -1 (no memory). */
int ytree_include(struct ytree *t, struct ytree *sub);

/* Replace node `at` of t (its contents: the node itself stays where it
 * is) with a copy of sub's root, positions and file names kept; t takes
 * ownership of sub (freed with t), also on failure.  0 or -1 (no memory). */
int ytree_graft(struct ytree *t, struct ynode *at, struct ytree *sub);
/* Report the first mapping key (document order) no reader asked for. */
int ytree_check_unknown(struct ytree *t, struct err *e);

/* The known key of map closest to `key` by edit distance, if it is close
 * enough to be a plausible misspelling (distance <= 2 and < len/2), or NULL.
 * `extra` (NULL-terminated, may be NULL) adds candidates. */
const char *ynode_suggest(const struct ynode *map, const char *key,
			  const char *const *extra);
/* Levenshtein distance (for suggestions in enum values too). */
size_t ytree_edit_distance(const char *a, const char *b);

/* Emit the tree as block YAML (the resolved scenario). */
int ytree_emit(const struct ytree *t, FILE *f);

#endif
