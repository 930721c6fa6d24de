/* desc.c - reading a tool description (desc.h).
 *
 * Strict: every key is asked for by name (unknown ones are reported with a
 * suggestion by the scenario's final ytree_check_unknown), every value is
 * range-checked here, and a reference (a map name, a key source) that does
 * not fit what it is used for is refused at its own position.
 */
#include <stdlib.h>
#include <string.h>

#include "models/probe/desc.h"
#include "sim/cfg.h"

const char *const pd_hook_names[PH_COUNT + 1] = {
	"sched_wakeup", "sched_wakeup_new", "sched_switch",
	"sched_process_fork", "sched_process_exec", "sched_process_exit",
	"sched_migrate_task", "sys_enter", "sys_exit", NULL
};

const char *const pd_attach_names[PA_COUNT + 1] = {
	"tp_btf", "raw_tp", "tracepoint", NULL
};

const char *const pd_map_kind_names[MK_COUNT + 1] = {
	"hash", "lru_hash", "percpu_hash", "array", "percpu_array",
	"task_storage", "bloom_filter", "stack_trace", "ringbuf",
	"perf_event_array", "strategy", NULL
};

const char *const pd_helper_names[HL_COUNT + 1] = {
	"ktime_get_ns", "get_current_task", "get_current_pid_tgid",
	"get_current_comm", "get_smp_processor_id", "probe_read_kernel",
	"get_current_cgroup_id", "get_prandom_u32", NULL
};

const char *const pd_isa_names[PI_COUNT + 1] = { "v1", "v2", "v3", "v4", NULL };

const char *const pd_wakeup_names[WK_COUNT + 1] = {
	"each", "no_wakeup", "watermark", NULL
};

/* Op keys, by OP_* (OP_IF is written `if:`). */
static const char *const op_names[] = {
	"helper", "update", "lookup", "delete", "increment", "output",
	"stackid", "bloom_peek", "bloom_push", "if", "return", NULL
};

/* Key sources that are tasks, by KS_*. */
static const char *const task_names[] = {
	"wakee", "prev", "next", "current", "task", "parent", NULL
};

/* Which task sources a hook has (bit KS_*): wakee on the wake-ups, prev
 * and next on a switch, task (the task the event is about) on fork (the
 * child), exec, exit and migration, parent on fork; current everywhere
 * (the task running where the hook fires). */
static unsigned hook_tasks(int hook)
{
	unsigned cur = 1u << KS_CURRENT;
	switch (hook) {
	case PH_SCHED_WAKEUP:
	case PH_SCHED_WAKEUP_NEW:
		return cur | 1u << KS_WAKEE;
	case PH_SCHED_SWITCH:
		return cur | 1u << KS_PREV | 1u << KS_NEXT;
	case PH_PROCESS_FORK:
		return cur | 1u << KS_TASK | 1u << KS_PARENT;
	case PH_PROCESS_EXEC:
	case PH_PROCESS_EXIT:
	case PH_MIGRATE_TASK:
	case PH_SYS_ENTER:
	case PH_SYS_EXIT:
		return cur | 1u << KS_TASK;
	}
	return cur;
}

int pd_name_index(const char *const *names, const char *name)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

/* A scalar that must be one of names: its index, or -1 with e set. */
static int pick(const struct ynode *n, const char *const *names,
		const char *what, struct err *e)
{
	if (!n || n->kind != YN_SCALAR) {
		cfg_error(e, n, "%s: expected a name", what);
		return -1;
	}
	int i = pd_name_index(names, n->value);
	if (i >= 0)
		return i;
	const char *s = ynode_suggest(NULL, n->value, names);
	if (s)
		cfg_error(e, n, "unknown %s '%s' (did you mean '%s'?)", what,
			  n->value, s);
	else
		cfg_error(e, n, "unknown %s '%s'", what, n->value);
	return -1;
}

/* `wakee.pid`, `next.tgid`, `next` (the task itself, task storage),
 * `cpu`, `syscall`, `slot`, `stack`, `zero`. */
static int read_key(const struct ynode *n, struct pd_key *k, struct err *e)
{
	if (!n || n->kind != YN_SCALAR)
		return cfg_error(e, n, "key: expected a key source such as "
				 "wakee.pid, next.pid, cpu, syscall, slot, "
				 "stack or zero");
	static const char *const scalars[] = {
		"cpu", "syscall", "slot", "stack", "zero", NULL
	};
	int i = pd_name_index(scalars, n->value);
	if (i >= 0) {
		*k = (struct pd_key){ (uint8_t)(KS_CPU + i), 0 };
		return 0;
	}
	char who[16];
	const char *dot = strchr(n->value, '.');
	size_t len = dot ? (size_t)(dot - n->value) : strlen(n->value);
	if (len >= sizeof(who))
		len = sizeof(who) - 1;
	memcpy(who, n->value, len);
	who[len] = 0;
	int t = pd_name_index(task_names, who);
	if (t < 0 || (dot && strcmp(dot, ".pid") && strcmp(dot, ".tgid"))) {
		static const char *const all[] = {
			"wakee.pid", "prev.pid", "next.pid", "current.pid",
			"task.pid", "parent.pid", "current.tgid", "task.tgid",
			"wakee", "prev", "next", "current", "task", "cpu",
			"syscall", "slot", "stack", "zero", NULL
		};
		const char *s = ynode_suggest(NULL, n->value, all);
		if (s)
			return cfg_error(e, n, "unknown key source '%s' (did "
					 "you mean '%s'?)", n->value, s);
		return cfg_error(e, n, "unknown key source '%s' (a task - "
				 "wakee, prev, next, current, task, parent - "
				 "with .pid or .tgid, or cpu, syscall, slot, "
				 "stack, zero)", n->value);
	}
	*k = (struct pd_key){ (uint8_t)t, (uint8_t)(dot && !strcmp(dot, ".tgid")) };
	return 0;
}

static int is_task_src(int src)
{
	return src <= KS_PARENT;
}

static int find_map(const struct pd_tool *t, const struct ynode *n,
		    struct err *e)
{
	if (!n || n->kind != YN_SCALAR) {
		cfg_error(e, n, "map: expected the name of a map of this tool");
		return -1;
	}
	for (size_t i = 0; i < t->nmaps; i++)
		if (strcmp(t->maps[i].name, n->value) == 0)
			return (int)i;
	const char *names[65];
	size_t k = 0;
	for (size_t i = 0; i < t->nmaps && k < 64; i++)
		names[k++] = t->maps[i].name;
	names[k] = NULL;
	const char *s = ynode_suggest(NULL, n->value, names);
	if (s)
		cfg_error(e, n, "no map '%s' in this tool (did you mean '%s'?)",
			  n->value, s);
	else
		cfg_error(e, n, "no map '%s' in this tool", n->value);
	return -1;
}

static void ops_free(struct pd_op *ops, size_t n)
{
	for (size_t i = 0; ops && i < n; i++) {
		ops_free(ops[i].then_, ops[i].nthen);
		ops_free(ops[i].else_, ops[i].nelse);
	}
	free(ops);
}

static int read_ops(const struct pd_tool *t, int hook, struct ynode *seq,
		    struct pd_op **out, size_t *nout, int depth, struct err *e);

static int read_cond(struct ynode *n, int hook, struct pd_cond *c,
		     struct err *e)
{
	memset(c, 0, sizeof(*c));
	if (n && n->kind == YN_SCALAR) {
		static const char *const words[] = {
			"found", "missing", "prev_runnable", "next_idle",
			"prev_idle", NULL
		};
		int i = pick(n, words, "condition", e);
		if (i < 0)
			return e->status;
		static const uint8_t kind[] = {
			CD_FOUND, CD_MISSING, CD_PREV_RUNNABLE, CD_IDLE, CD_IDLE
		};
		c->kind = kind[i];
		c->who = i == 3 ? KS_NEXT : KS_PREV;
		if ((i >= 2) && hook != PH_SCHED_SWITCH)
			return cfg_error(e, n, "condition '%s' needs hook "
					 "sched_switch", n->value);
		return 0;
	}
	if (!n || n->kind != YN_MAP || n->n != 1)
		return cfg_error(e, n, "if: expected a condition: found, "
				 "missing, prev_runnable, next_idle, prev_idle, "
				 "{delta_over: DURATION}, {probability: P} or "
				 "{not: CONDITION}");
	struct ynode *v;
	if ((v = ynode_get(n, "not"))) {
		if (read_cond(v, hook, c, e))
			return e->status;
		c->neg = !c->neg;
		return 0;
	}
	if (ynode_peek(n, "delta_over")) {
		c->kind = CD_DELTA_OVER;
		return cfg_duration(n, "delta_over", NULL, 0, 1e18, &c->x, e);
	}
	if (ynode_peek(n, "probability")) {
		c->kind = CD_PROBABILITY;
		return cfg_number(n, "probability", NULL, 0, 1, &c->x, e);
	}
	const char *const words[] = { "not", "delta_over", "probability", NULL };
	const char *s = ynode_suggest(NULL, n->keys[0]->value, words);
	if (s)
		return cfg_error(e, n->keys[0], "unknown condition '%s' (did "
				 "you mean '%s'?)", n->keys[0]->value, s);
	return cfg_error(e, n->keys[0], "unknown condition '%s'",
			 n->keys[0]->value);
}

/* What each map kind allows (bit OP_*). */
static unsigned kind_ops(int kind)
{
	const unsigned kv = 1u << OP_UPDATE | 1u << OP_LOOKUP |
			    1u << OP_DELETE | 1u << OP_INCREMENT;
	switch (kind) {
	case MK_ARRAY:
	case MK_PERCPU_ARRAY:
		return 1u << OP_UPDATE | 1u << OP_LOOKUP | 1u << OP_INCREMENT;
	case MK_BLOOM_FILTER:
		return 1u << OP_BLOOM_PEEK | 1u << OP_BLOOM_PUSH;
	case MK_STACK_TRACE:
		return 1u << OP_STACKID;
	case MK_RINGBUF:
	case MK_PERF_EVENT_ARRAY:
		return 1u << OP_OUTPUT;
	}
	return kv;
}

static int read_op(const struct pd_tool *t, int hook, struct ynode *it,
		   struct pd_op *op, int depth, struct err *e)
{
	memset(op, 0, sizeof(*op));
	op->map = -1;
	op->line = it->line;
	if (it->kind == YN_SCALAR && strcmp(it->value, "return") == 0) {
		op->kind = OP_RETURN;
		return 0;
	}
	if (it->kind != YN_MAP || it->n == 0)
		return cfg_error(e, it, "expected an operation (helper, update, "
				 "lookup, delete, increment, output, stackid, "
				 "bloom_peek, bloom_push, if) or 'return'");
	/* The op is the item's first key (`if` has `do`/`else` beside it). */
	struct ynode *k0 = it->keys[0];
	int kind = pd_name_index(op_names, k0->value);
	if (kind < 0 || kind == OP_RETURN) {
		const char *s = ynode_suggest(NULL, k0->value, op_names);
		if (s)
			return cfg_error(e, k0, "unknown operation '%s' (did you "
					 "mean '%s'?)", k0->value, s);
		return cfg_error(e, k0, "unknown operation '%s'", k0->value);
	}
	op->kind = (uint8_t)kind;
	struct ynode *v = ynode_get(it, op_names[kind]);
	if (kind == OP_IF) {
		if (depth >= 8)
			return cfg_error(e, k0, "if: nested deeper than 8");
		if (read_cond(v, hook, &op->cond, e))
			return e->status;
		struct ynode *d = cfg_node(it, "do", 1, e);
		if (!d)
			return e->status;
		if (read_ops(t, hook, d, &op->then_, &op->nthen, depth + 1, e))
			return e->status;
		struct ynode *el = ynode_get(it, "else");
		if (el && read_ops(t, hook, el, &op->else_, &op->nelse, depth + 1, e))
			return e->status;
		return 0;
	}
	if (it->n != 1)
		return cfg_error(e, it->keys[1], "one operation per item ('%s' "
				 "and '%s')", k0->value, it->keys[1]->value);
	if (kind == OP_HELPER) {
		uint64_t times = 1;
		if (v && v->kind == YN_MAP) {
			if (cfg_uint(v, "times", "1", 1, 1000, &times, e))
				return e->status;
			v = cfg_node(v, "name", 1, e);
			if (!v)
				return e->status;
		}
		int h = pick(v, pd_helper_names, "helper", e);
		if (h < 0)
			return e->status;
		op->helper = (uint8_t)h;
		op->times = (uint32_t)times;
		return 0;
	}
	/* Map operations: {map: NAME, key: SOURCE, ...} or just `NAME`. */
	struct ynode *mapn = v, *keyn = NULL;
	if (v && v->kind == YN_MAP) {
		mapn = cfg_node(v, "map", 1, e);
		if (!mapn)
			return e->status;
		keyn = ynode_get(v, "key");
	}
	if ((op->map = find_map(t, mapn, e)) < 0)
		return e->status;
	const struct pd_map *m = &t->maps[op->map];
	if (m->kind != MK_STRATEGY && !(kind_ops(m->kind) & 1u << kind))
		return cfg_error(e, k0, "'%s' does not apply to map '%s' (kind "
				 "%s)", op_names[kind], m->name,
				 pd_map_kind_names[m->kind]);
	if (kind == OP_LOOKUP && v && v->kind == YN_MAP) {
		int ret;
		static const char *const miss[] = { "continue", "return", NULL };
		if (cfg_enum(v, "miss", "continue", miss, &ret, e))
			return e->status;
		op->miss_return = (uint8_t)ret;
	}
	if (kind == OP_OUTPUT) {
		uint64_t b = 0;
		if (v && v->kind == YN_MAP &&
		    cfg_uint(v, "bytes", "64", 1, 1u << 20, &b, e))
			return e->status;
		op->bytes = (uint32_t)(b ? b : 64);
		return 0;
	}
	if (kind == OP_STACKID)
		return 0;
	if (keyn) {
		if (read_key(keyn, &op->key, e))
			return e->status;
	} else if (m->key_given || m->kind == MK_ARRAY ||
		   m->kind == MK_PERCPU_ARRAY) {
		op->key = m->key;
		keyn = v;
	} else {
		return cfg_error(e, v, "%s on map '%s': say which key (key: "
				 "wakee.pid, next.pid, ...)", op_names[kind],
				 m->name);
	}
	if (is_task_src(op->key.src) && !(hook_tasks(hook) & 1u << op->key.src))
		return cfg_error(e, keyn, "hook %s has no task '%s'",
				 pd_hook_names[hook], task_names[op->key.src]);
	if (op->key.src == KS_SYSCALL && hook != PH_SYS_ENTER &&
	    hook != PH_SYS_EXIT)
		return cfg_error(e, keyn, "key 'syscall' needs hook sys_enter "
				 "or sys_exit");
	if (m->kind == MK_TASK_STORAGE && !is_task_src(op->key.src))
		return cfg_error(e, keyn, "task_storage map '%s' is keyed by a "
				 "task (wakee, prev, next, current, task, parent)",
				 m->name);
	return 0;
}

static int read_ops(const struct pd_tool *t, int hook, struct ynode *seq,
		    struct pd_op **out, size_t *nout, int depth, struct err *e)
{
	*out = NULL;
	*nout = 0;
	if (seq->kind != YN_SEQ)
		return cfg_error(e, seq, "do: expected a list of operations");
	if (seq->n > 256)
		return cfg_error(e, seq, "more than 256 operations in one list");
	if (!(*out = calloc(seq->n ? seq->n : 1, sizeof(**out))))
		return cfg_error(e, seq, "out of memory");
	for (size_t i = 0; i < seq->n; i++) {
		(*nout)++;
		if (read_op(t, hook, seq->items[i], &(*out)[i], depth, e))
			return e->status;
	}
	return 0;
}

static int read_name(struct ynode *n, const char *key, char *out, size_t cap,
		     const char *def, struct err *e)
{
	const char *s;
	if (cfg_string(n, key, def, &s, e))
		return e->status;
	size_t len = strlen(s);
	if (len == 0 || len >= cap)
		return cfg_error(e, ynode_peek(n, key), "%s: 1 to %zu characters",
				 key, cap - 1);
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return cfg_error(e, ynode_peek(n, key), "%s: letters, "
					 "digits, '_' and '-' only ('%s')", key, s);
	memcpy(out, s, len + 1);
	return 0;
}

/* `wakeup: each | no_wakeup | watermark N` (N in bytes, >= 1). */
static int read_wakeup(struct ynode *r, struct pd_reader *rd, struct err *e)
{
	struct ynode *w = ynode_get(r, "wakeup");
	if (!w) {
		if (!ynode_set_scalar(r, "wakeup", "each"))
			return cfg_error(e, r, "out of memory");
		ynode_get(r, "wakeup");
		rd->wakeup = WK_EACH;
		return 0;
	}
	if (w->kind != YN_SCALAR)
		return cfg_error(e, w, "wakeup: expected each, no_wakeup or "
				 "watermark BYTES");
	char word[16];
	const char *sp = strchr(w->value, ' ');
	size_t len = sp ? (size_t)(sp - w->value) : strlen(w->value);
	if (len >= sizeof(word))
		len = sizeof(word) - 1;
	memcpy(word, w->value, len);
	word[len] = 0;
	int i = pd_name_index(pd_wakeup_names, word);
	if (i < 0) {
		const char *s = ynode_suggest(NULL, word, pd_wakeup_names);
		if (s)
			return cfg_error(e, w, "unknown wakeup '%s' (did you mean "
					 "'%s'?)", w->value, s);
		return cfg_error(e, w, "unknown wakeup '%s' (each, no_wakeup "
				 "or watermark BYTES)", w->value);
	}
	rd->wakeup = (uint8_t)i;
	if (i != WK_WATERMARK) {
		if (sp)
			return cfg_error(e, w, "wakeup: '%s' takes no value",
					 word);
		return 0;
	}
	char *end;
	const char *v = sp ? sp + 1 : "";
	while (*v == ' ')
		v++;
	unsigned long long b = strtoull(v, &end, 10);
	if (!*v || *v == '-' || *end || b < 1 || b > (1ull << 32))
		return cfg_error(e, w, "wakeup: watermark takes a size in bytes "
				 "(1 to 4294967296), as 'watermark 4096'");
	rd->watermark = b;
	return 0;
}

/* A map's `reader:` block (struct pd_reader). */
static int read_reader(struct ynode *n, struct pd_map *m, struct err *e)
{
	struct ynode *r = ynode_get(n, "reader");
	struct pd_reader *rd = &m->reader;
	if (!r)
		return 0;
	int out = m->kind == MK_RINGBUF || m->kind == MK_PERF_EVENT_ARRAY;
	if (r->kind != YN_MAP)
		return cfg_error(e, r, "reader: expected a mapping (%s)", out
				 ? "per_record, per_wakeup, wakeup, timeout"
				 : "poll, per_record");
	if (m->kind == MK_TASK_STORAGE || m->kind == MK_BLOOM_FILTER ||
	    m->kind == MK_STACK_TRACE)
		return cfg_error(e, r, "map '%s': a %s map has no reader here "
				 "(ringbuf and perf_event_array are drained; "
				 "hash kinds and arrays are polled)", m->name,
				 pd_map_kind_names[m->kind]);
	rd->on = 1;
	if (out) {
		/* Defaults: a libbpf-tools reader: printf of one line per
		 * record to a terminal or pipe, line-buffered (measured on the
		 * reference host: 1.0 to 2.5 us with a write per line; 0.2 to
		 * 0.3 us fully buffered into a file); an epoll_wait return (a
		 * syscall, ~2.6 us here: prims.h); ring_buffer__poll /
		 * perf_buffer__poll with a 100 ms timeout. */
		double t;
		if (cfg_dist(r, "per_record", "normal(2us, 0.5us)", DIST_DURATION,
			     &rd->per_record, e) ||
		    cfg_dist(r, "per_wakeup", "normal(3us, 0.5us)", DIST_DURATION,
			     &rd->per_wakeup, e) ||
		    read_wakeup(r, rd, e) ||
		    cfg_duration(r, "timeout", "100ms", 0, 3600e9, &t, e))
			return e->status;
		rd->timeout = (uint64_t)t;
		if (rd->wakeup == WK_NO_WAKEUP && rd->timeout == 0)
			return cfg_error(e, ynode_peek(r, "timeout"), "map '%s': "
					 "with wakeup: no_wakeup the reader needs "
					 "a timeout > 0 (it is never woken)",
					 m->name);
		/* A ringbuf holds at most size - 1 bytes (ring.h): a watermark
		 * at its size would never be reached.  A perf watermark counts
		 * bytes written, held or not: up to the size. */
		uint64_t top = m->kind == MK_RINGBUF ? m->ring_bytes - 1
						     : m->ring_bytes;
		if (rd->wakeup == WK_WATERMARK && rd->watermark > top)
			return cfg_error(e, ynode_peek(r, "wakeup"), "map '%s': "
					 "watermark %llu is beyond what the buffer "
					 "holds (%llu bytes)", m->name,
					 (unsigned long long)rd->watermark,
					 (unsigned long long)top);
		return 0;
	}
	struct ynode *p = cfg_node(r, "poll", 1, e);
	if (!p)
		return e->status;
	if (p->kind != YN_MAP)
		return cfg_error(e, p, "poll: expected {every: DURATION, batch: "
				 "true|false}");
	double every;
	uint64_t bs;
	if (cfg_duration(p, "every", NULL, 1e6, 86400e9, &every, e) ||
	    cfg_bool(p, "batch", "false", &rd->batch, e) ||
	    cfg_uint(p, "batch_size", "256", 1, 1u << 20, &bs, e) ||
	    cfg_dist(r, "per_record", "normal(500ns, 100ns)", DIST_DURATION,
		     &rd->per_record, e))
		return e->status;
	rd->every = (uint64_t)every;
	rd->batch_size = (uint32_t)bs;
	return 0;
}

static int read_map(struct ynode *name, struct ynode *n, struct pd_map *m,
		    struct err *e)
{
	if (n->kind != YN_MAP)
		return cfg_error(e, n, "map '%s': expected a mapping with kind",
				 name->value);
	size_t len = strlen(name->value);
	if (len == 0 || len >= sizeof(m->name))
		return cfg_error(e, name, "map name: 1 to %zu characters",
				 sizeof(m->name) - 1);
	memcpy(m->name, name->value, len + 1);
	int kind;
	if (cfg_enum(n, "kind", NULL, pd_map_kind_names, &kind, e))
		return e->status;
	m->kind = (uint8_t)kind;
	uint64_t u;
	/* The key type: a task's pid/tgid/the task itself (operations name
	 * which task), or a number the event gives (operations may leave
	 * their key out). */
	static const char *const ktypes[] = {
		"pid", "tgid", "task", "u32", "u64", "cpu", "syscall", "slot",
		"stack", "zero", NULL
	};
	int kt;
	if (cfg_enum(n, "key", kind == MK_TASK_STORAGE ? "task" : "u32",
		     ktypes, &kt, e))
		return e->status;
	if (kind == MK_TASK_STORAGE && kt != 2)
		return cfg_error(e, ynode_peek(n, "key"), "map '%s': a "
				 "task_storage map is keyed by task", m->name);
	if (kind != MK_TASK_STORAGE && kt == 2)
		return cfg_error(e, ynode_peek(n, "key"), "map '%s': only a "
				 "task_storage map is keyed by task (use pid)",
				 m->name);
	m->key_given = kt >= 5;
	m->key = (struct pd_key){ (uint8_t)(kt >= 5 ? KS_CPU + (kt - 5) : KS_ZERO), 0 };
	if (cfg_uint(n, "value", "8", 0, 1u << 20, &u, e))
		return e->status;
	m->value_size = (uint32_t)u;
	const char *defmax = kind == MK_ARRAY || kind == MK_PERCPU_ARRAY ? "1"
			     : kind == MK_STACK_TRACE ? "16384" : "10240";
	if (kind != MK_RINGBUF && kind != MK_PERF_EVENT_ARRAY &&
	    kind != MK_TASK_STORAGE) {
		if (cfg_uint(n, "max_entries", defmax, 1, 1u << 26,
			     &m->max_entries, e))
			return e->status;
	}
	if (kind == MK_HASH || kind == MK_PERCPU_HASH || kind == MK_LRU_HASH ||
	    kind == MK_STRATEGY) {
		if (cfg_bool(n, "prealloc", "true", &m->prealloc, e))
			return e->status;
	}
	if (kind == MK_BLOOM_FILTER) {
		if (cfg_uint(n, "hashes", "5", 1, 15, &u, e))
			return e->status;
		m->hashes = (uint32_t)u;
	}
	if (kind == MK_RINGBUF) {
		if (cfg_uint(n, "size", "262144", 4096, 1ull << 32, &m->ring_bytes, e))
			return e->status;
		/* ringbuf_map_alloc: a power of two, a multiple of the page. */
		if (m->ring_bytes & (m->ring_bytes - 1))
			return cfg_error(e, ynode_peek(n, "size"), "map '%s': a "
					 "ringbuf's size is a power of 2 (got "
					 "%llu)", m->name,
					 (unsigned long long)m->ring_bytes);
	}
	if (kind == MK_PERF_EVENT_ARRAY && ynode_get(n, "size")) {
		/* Each CPU's buffer: perf_buffer__new(page_cnt) pages, a
		 * power of 2 (libbpf-tools: 64 pages).  Read only when given,
		 * so a description without it resolves as before. */
		if (cfg_uint(n, "size", NULL, 4096, 1ull << 32, &m->ring_bytes, e))
			return e->status;
		if ((m->ring_bytes & (m->ring_bytes - 1)) || m->ring_bytes % 4096)
			return cfg_error(e, ynode_peek(n, "size"), "map '%s': a "
					 "perf buffer is a power of 2 pages (got "
					 "%llu bytes)", m->name,
					 (unsigned long long)m->ring_bytes);
	} else if (kind == MK_PERF_EVENT_ARRAY) {
		m->ring_bytes = 64 * 4096;
	}
	if (read_reader(n, m, e))
		return e->status;
	if (kind == MK_STACK_TRACE) {
		if (cfg_uint(n, "stacks", "1000", 1, 1u << 24, &u, e))
			return e->status;
		m->stacks = (uint32_t)u;
	}
	return 0;
}

int pd_tool_read(struct ynode *n, struct pd_tool *t, struct err *e)
{
	memset(t, 0, sizeof(*t));
	if (!n || n->kind != YN_MAP)
		return cfg_error(e, n, "a tool: expected a mapping with name, "
				 "maps and programs");
	if (read_name(n, "name", t->name, sizeof(t->name), NULL, e))
		return e->status;
	t->isa = PI_V3;
	if (ynode_get(n, "isa")) {
		int isa;
		if (cfg_enum(n, "isa", NULL, pd_isa_names, &isa, e))
			return e->status;
		t->isa = (uint8_t)isa;
	}
	struct ynode *maps = ynode_get(n, "maps");
	if (maps) {
		if (maps->kind != YN_MAP)
			return cfg_error(e, maps, "maps: expected a mapping of "
					 "map names to {kind: ...}");
		if (maps->n > 64)
			return cfg_error(e, maps, "more than 64 maps in one tool");
		if (!(t->maps = calloc(maps->n ? maps->n : 1, sizeof(*t->maps))))
			return cfg_error(e, maps, "out of memory");
		for (size_t i = 0; i < maps->n; i++) {
			ynode_get(maps, maps->keys[i]->value);
			t->nmaps++;
			if (read_map(maps->keys[i], maps->items[i], &t->maps[i], e))
				return e->status;
		}
	}
	struct ynode *progs = cfg_node(n, "programs", 1, e);
	if (!progs)
		return e->status;
	if (progs->kind != YN_SEQ || progs->n == 0)
		return cfg_error(e, progs, "programs: expected a list of "
				 "{hook, do} mappings");
	if (progs->n > 64)
		return cfg_error(e, progs, "more than 64 programs in one tool");
	if (!(t->progs = calloc(progs->n, sizeof(*t->progs))))
		return cfg_error(e, progs, "out of memory");
	for (size_t i = 0; i < progs->n; i++) {
		struct ynode *p = progs->items[i];
		struct pd_prog *g = &t->progs[i];
		t->nprogs++;
		if (p->kind != YN_MAP)
			return cfg_error(e, p, "a program: expected a mapping with "
					 "hook and do");
		int hook, attach;
		if (cfg_enum(p, "hook", NULL, pd_hook_names, &hook, e) ||
		    cfg_enum(p, "attach", "tp_btf", pd_attach_names, &attach, e))
			return e->status;
		g->hook = (uint8_t)hook;
		g->attach = (uint8_t)attach;
		char def[48];
		snprintf(def, sizeof(def), "handle_%s", pd_hook_names[hook]);
		if (read_name(p, "name", g->name, sizeof(g->name), def, e))
			return e->status;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(t->progs[j].name, g->name))
				return cfg_error(e, ynode_peek(p, "name") ?
						 ynode_peek(p, "name") : p,
						 "two programs named '%s' in "
						 "tool '%s'", g->name, t->name);
		struct ynode *b = ynode_peek(p, "base");
		if (b && b->kind == YN_SCALAR && !strcmp(b->value, "probe.hooks")) {
			ynode_get(p, "base");
			g->base_hooks = 1;
		} else if (b && cfg_dist(p, "base", NULL, DIST_DURATION,
					 &g->base, e)) {
			return e->status;
		}
		/* Program-level factors, read only when given (a description
		 * without them resolves and runs as before). */
		uint64_t u;
		if (ynode_get(p, "insns")) {
			if (cfg_uint(p, "insns", NULL, 1, 1000000, &u, e))
				return e->status;
			g->insns = (uint32_t)u;
		}
		if (ynode_get(p, "calls")) {
			if (cfg_uint(p, "calls", NULL, 0, 10000, &u, e))
				return e->status;
			g->calls = (uint32_t)u;
		}
		struct ynode *d = cfg_node(p, "do", 1, e);
		if (!d || read_ops(t, hook, d, &g->ops, &g->nops, 0, e))
			return e->status;
		t->hooks |= 1u << hook;
		if (g->attach == PA_TRACEPOINT)
			t->tp_hooks |= 1u << hook;
	}
	return 0;
}

void pd_tool_fini(struct pd_tool *t)
{
	if (!t)
		return;
	for (size_t i = 0; t->progs && i < t->nprogs; i++) {
		if (!t->progs[i].base_borrowed)
			dist_free(t->progs[i].base);
		ops_free(t->progs[i].ops, t->progs[i].nops);
	}
	free(t->progs);
	for (size_t i = 0; t->maps && i < t->nmaps; i++) {
		dist_free(t->maps[i].reader.per_record);
		dist_free(t->maps[i].reader.per_wakeup);
	}
	free(t->maps);
	memset(t, 0, sizeof(*t));
}
