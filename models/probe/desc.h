/* desc.h - a BPF tool described as data: its maps, its programs, and what
 * each program does on its hook.
 *
 * A description is a YAML mapping (README "Describe your probe" has the
 * syntax with every key); pd_tool_read() validates it strictly, with
 * file:line:col on every error, into an immutable struct pd_tool shared
 * by every replication.  Running a description is exec.h's work, the maps'
 * state and costs maps.h's; this file only knows the language:
 *
 *   name: runqslower
 *   maps:
 *     start:  {kind: hash, key: pid, value: 8, max_entries: 10240}
 *     events: {kind: perf_event_array}
 *   programs:
 *     - name: handle_sched_wakeup
 *       hook: sched_wakeup
 *       attach: tp_btf
 *       do:
 *         - helper: ktime_get_ns
 *         - update: {map: start, key: wakee.pid}
 *
 * Program-level keys: `insns` (size), `calls` (bpf2bpf calls per run);
 * tool-level: `isa` (v1..v4); a map's `reader:` block (struct pd_reader).
 *
 * Operations (`do:` items, run in order): helper, update, lookup, delete,
 * increment, output, stackid, bloom_peek, bloom_push, if/do/else, return.
 * Keys name where the kernel program takes its key from: a task of the
 * event (wakee, prev, next, current, task, parent) and its pid or tgid, the
 * CPU, the syscall id, a log2 histogram slot of the last delta, a stack id,
 * the constant 0.
 */
#ifndef BPFSIM_PROBE_DESC_H
#define BPFSIM_PROBE_DESC_H

#include <stdint.h>
#include "sim/dist.h"
#include "sim/err.h"
#include "sim/ytree.h"

/* Hooks the world fires (the kernel's tracepoints). */
enum pd_hook {
	PH_SCHED_WAKEUP, PH_SCHED_WAKEUP_NEW, PH_SCHED_SWITCH,
	PH_PROCESS_FORK, PH_PROCESS_EXEC, PH_PROCESS_EXIT, PH_MIGRATE_TASK,
	PH_SYS_ENTER, PH_SYS_EXIT, PH_COUNT
};
extern const char *const pd_hook_names[PH_COUNT + 1];

/* How a program is attached: BTF-enabled raw tracepoint, raw tracepoint,
 * or a classic (perf-event) tracepoint; they differ in dispatch cost and
 * in the recursion rule (exec.c). */
enum pd_attach { PA_TP_BTF, PA_RAW_TP, PA_TRACEPOINT, PA_COUNT };
extern const char *const pd_attach_names[PA_COUNT + 1];

enum pd_map_kind {
	MK_HASH, MK_LRU_HASH, MK_PERCPU_HASH, MK_ARRAY, MK_PERCPU_ARRAY,
	MK_TASK_STORAGE, MK_BLOOM_FILTER, MK_STACK_TRACE, MK_RINGBUF,
	MK_PERF_EVENT_ARRAY,
	MK_STRATEGY,   /* the scenario's `storage.kind` (compare runs both) */
	MK_COUNT
};
extern const char *const pd_map_kind_names[MK_COUNT + 1];

/* Helper calls with a cost of their own (primitives.helpers.<name>). */
enum pd_helper {
	HL_KTIME_GET_NS, HL_GET_CURRENT_TASK, HL_GET_CURRENT_PID_TGID,
	HL_GET_CURRENT_COMM, HL_GET_SMP_PROCESSOR_ID, HL_PROBE_READ_KERNEL,
	HL_GET_CURRENT_CGROUP_ID, HL_GET_PRANDOM_U32, HL_COUNT
};
extern const char *const pd_helper_names[HL_COUNT + 1];

/* Where a key comes from: a task of the event, or a number. */
enum pd_key_src {
	KS_WAKEE, KS_PREV, KS_NEXT, KS_CURRENT, KS_TASK, KS_PARENT,
	KS_CPU, KS_SYSCALL, KS_SLOT, KS_STACK, KS_ZERO, KS_COUNT
};
struct pd_key {
	uint8_t src;           /* KS_* */
	uint8_t tgid;          /* a task's tgid rather than its pid */
};

enum pd_op_kind {
	OP_HELPER, OP_UPDATE, OP_LOOKUP, OP_DELETE, OP_INCREMENT, OP_OUTPUT,
	OP_STACKID, OP_BLOOM_PEEK, OP_BLOOM_PUSH, OP_IF, OP_RETURN
};

/* Conditions of `if:`. */
enum pd_cond_kind {
	CD_FOUND,          /* the last lookup / bloom_peek found its key */
	CD_MISSING,        /* ... did not */
	CD_PREV_RUNNABLE,  /* sched_switch: prev was preempted (still runnable) */
	CD_IDLE,           /* a task of the event is the idle task (pid 0) */
	CD_DELTA_OVER,     /* now - the last found value > d (d = 0: always) */
	CD_PROBABILITY     /* true with probability p (its own RNG stream) */
};
struct pd_cond {
	uint8_t kind;          /* CD_* */
	uint8_t neg;           /* `not:` */
	uint8_t who;           /* CD_IDLE: KS_* of the task */
	double x;              /* CD_DELTA_OVER: ns; CD_PROBABILITY: p */
};

struct pd_op {
	uint8_t kind;          /* OP_* */
	uint8_t helper;        /* OP_HELPER: HL_* */
	uint8_t miss_return;   /* OP_LOOKUP: a miss ends the program */
	uint32_t times;        /* OP_HELPER: calls (probe_read_kernel x n) */
	int map;               /* index in pd_tool.maps, or -1 */
	struct pd_key key;
	uint32_t bytes;        /* OP_OUTPUT */
	struct pd_cond cond;   /* OP_IF */
	struct pd_op *then_, *else_;   /* OP_IF: blocks */
	size_t nthen, nelse;
	int line;              /* where it was written, for messages */
};

/* How the kernel wakes an output map's reader (ring.h has the rules). */
enum pd_wakeup { WK_EACH, WK_NO_WAKEUP, WK_WATERMARK, WK_COUNT };

/* A user-space reader of one map (`reader:`): for ringbuf and
 * perf_event_array a task that sleeps in epoll_wait, is woken by the
 * kernel's wake-up rule or its timeout and drains the buffer; for any
 * other kind a task that reads the whole map every `every` (a
 * syscount-style interval print), per key or in batches.  Its CPU time
 * is the task's own (it runs on the world's CPUs). */
struct pd_reader {
	int on;                /* the map has a reader */
	struct dist *per_record;   /* user-space work per record / entry */
	struct dist *per_wakeup;   /* per return from epoll_wait (output
				      maps) */
	uint8_t wakeup;        /* WK_*: output maps */
	uint64_t watermark;    /* WK_WATERMARK: bytes */
	uint64_t timeout;      /* epoll_wait timeout, ns (0: none, -1) */
	uint64_t every;        /* map readers: ns between reads */
	int batch;             /* map readers: BPF_MAP_LOOKUP_BATCH */
	uint32_t batch_size;   /* entries per batch call */
};

struct pd_map {
	char name[32];
	uint8_t kind;          /* MK_* */
	struct pd_key key;     /* the key its operations use by default */
	int key_given;         /* key is a number the event gives (cpu,
				  syscall, slot, stack, zero): operations
				  may leave it out */
	uint32_t value_size;
	uint64_t max_entries;
	int prealloc;          /* hash kinds: !BPF_F_NO_PREALLOC */
	uint32_t hashes;       /* bloom_filter: nr_hash_funcs (map_extra) */
	uint64_t ring_bytes;   /* ringbuf: size; perf_event_array: size of
				  each CPU's buffer (libbpf perf_buffer__new
				  page_cnt x 4096) */
	struct pd_reader reader;
	uint32_t stacks;       /* stack_trace: distinct stacks the load has */
};

struct pd_prog {
	char name[48];
	uint8_t hook;          /* PH_* */
	uint8_t attach;        /* PA_* */
	struct dist *base;     /* the program's own cost besides its listed
				  operations, or NULL: dispatch + helpers */
	int base_hooks;        /* `base: probe.hooks`: the model's whole-
				  program cost of this hook (set by the
				  model, which owns it: base_borrowed) */
	int base_borrowed;
	uint32_t insns;        /* `insns:` the program's size in BPF
				  instructions (0: not given) */
	uint32_t calls;        /* `calls:` bpf2bpf calls per run that the
				  compiler did not inline */
	struct pd_op *ops;
	size_t nops;
};

struct pd_tool {
	char name[32];
	struct pd_map *maps;
	size_t nmaps;
	struct pd_prog *progs;
	size_t nprogs;
	unsigned hooks;        /* bit h: a program on hook h */
	unsigned tp_hooks;     /* bit h: a classic tracepoint program on h */
	uint8_t isa;           /* `isa:` the -mcpu it was compiled for,
				  PI_* (default v3) */
};

/* Instruction-set versions (clang -mcpu=v1..v4). */
enum pd_isa { PI_V1, PI_V2, PI_V3, PI_V4, PI_COUNT };
extern const char *const pd_isa_names[PI_COUNT + 1];
extern const char *const pd_wakeup_names[WK_COUNT + 1];

/* Read a description (a mapping) into *t.  0, or ERR_INPUT with e set
 * (file:line:col).  pd_tool_fini releases it (also after a failure). */
int pd_tool_read(struct ynode *n, struct pd_tool *t, struct err *e);
void pd_tool_fini(struct pd_tool *t);

/* Index of name in a NULL-terminated table, or -1. */
int pd_name_index(const char *const *names, const char *name);

#endif
