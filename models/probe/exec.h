/* exec.h - running described tools: map state, program execution, costs.
 *
 * The world (a model) fires a hook with a struct pd_ctx; pd_fire runs every
 * program of one tool attached there, in the tool's order, and returns the
 * CPU time they take on that CPU (ns) - the model charges it as BPF time.
 * Each program pays its dispatch, its helpers (or its own `base:`), then
 * its operations in order; each map operation is priced by its map kind
 * (maps.c).  Draw order is fixed (program by program, operation by
 * operation), so two runs with the same seed draw the same numbers.
 *
 * Hash kinds (hash, lru_hash, percpu_hash, `strategy`) and task_storage
 * are run by the storage strategies (models/storage.h): the same state,
 * working-set factors and cost classes as the built-in runqslower probe,
 * so a description of runqslower gives that probe's answers.
 *
 * Ownership: a struct pd_tool_run belongs to one replication; it points at
 * its immutable struct pd_tool and at the run's struct pd_env.
 */
#ifndef BPFSIM_PROBE_EXEC_H
#define BPFSIM_PROBE_EXEC_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "models/probe/desc.h"
#include "models/probe/prims.h"
#include "models/probe/ring.h"
#include "models/storage.h"
#include "sim/sim.h"

#define PD_NOTASK UINT32_MAX

/* One firing of a hook.  Tasks are indexed by KS_* (wakee ... parent):
 * pid (0: the idle task, PD_NOTASK: the event has no such task), the
 * incarnation that tells a reused pid apart, and since: when its current
 * wait began (to tell a stale timestamp from a real one). */
struct pd_ctx {
	uint8_t hook;              /* PH_* */
	uint32_t cpu;
	uint64_t now;              /* ns */
	uint32_t pid[KS_PARENT + 1];
	uint32_t inc[KS_PARENT + 1];
	uint64_t since[KS_PARENT + 1];
	int prev_runnable;         /* sched_switch: prev was preempted */
	uint32_t syscall;          /* sys_enter/sys_exit: its id */
	int bpf_busy;              /* a BPF program is running on the CPU
				      (the classic tracepoint's recursion
				      check skips then) */
};

/* What a firing did that the model counts (summed over the tool's
 * programs): outputs, outputs of a stale value (a report of a wait that
 * was not this one), lookups of `next` on sched_switch that missed, and
 * the probe-measured delta of a lookup of `next` that hit. */
struct pd_result {
	uint64_t outputs, false_outputs, missed, skipped;
	double out_ns;             /* the outputs' cost */
	int has_wait;
	uint64_t wait;             /* ns */
};

/* The storage strategies a hash-kind or task-storage map runs on. */
struct pd_storage {
	const struct storage_ops *ops;
	const void *cfg;
};

/* Shared by every tool of one run. */
struct pd_env {
	unsigned tp_hooks;         /* hooks with a classic tracepoint
				      program of any tool (pd_env_init) */
	unsigned hooks;            /* hooks with a program of any tool */
	struct sim *s;
	const struct pd_prims *prims;
	const struct dist *out_cost[2];   /* perf buffer, ring buffer */
	gsl_rng *r_out;
	struct pd_storage kind[MK_COUNT]; /* for MK_HASH, MK_LRU_HASH,
					     MK_PERCPU_HASH, MK_TASK_STORAGE,
					     MK_STRATEGY */
	const struct storage_env *senv;
	struct storage_stats *sstats;
	uint32_t task_storage_maps;       /* on the host, over every tool */
	double itlb_ns;                   /* every described program run's
					     iTLB penalty (pd_env_itlb) */
	/* streams */
	gsl_rng *r_dispatch, *r_helper, *r_array, *r_bloom, *r_stack, *r_prob,
		*r_call, *r_cold, *r_shared;
};

struct pd_map_run;

struct pd_prog_stats {
	uint64_t runs, skipped;
	double ns;
};

struct pd_tool_run {
	const struct pd_tool *t;
	struct pd_env *env;
	struct pd_map_run *maps;
	gsl_rng **r_base;          /* per program with a `base:` */
	struct pd_prog_stats *prog;
	uint64_t outputs, output_bytes;
	uint64_t drops;            /* outputs refused by a full buffer */
	int wake_any;              /* an output map's reader is to be woken
				      (pd_map_take_wake) */
	double ns;                 /* every program's cost, ns */
};

/* Streams for env (call once per run, after filling s).  -1 on
 * allocation failure. */
int pd_env_init(struct pd_env *env);
/* Set up tool t's run state as the run's tool number `index` (streams:
 * tool 0's `base:` draws use the built-in probe's stream names
 * "bpf.<hook>", others "bpf.<tool>.<hook>").  -1 on allocation failure
 * (tr safe to fini). */
int pd_tool_run_init(struct pd_tool_run *tr, const struct pd_tool *t,
		     size_t index, struct pd_env *env);
void pd_tool_run_fini(struct pd_tool_run *tr);
/* Run tool tr's programs on ctx->hook; returns their cost, ns. */
double pd_fire(struct pd_tool_run *tr, const struct pd_ctx *ctx,
	       struct pd_result *res);
/* What an event costs once whatever the number of programs on it
 * (prims.h): with `sys` a system call's work path (syscall_work) when a
 * tool has a program on sys_enter or sys_exit, else the perf buffer fill
 * of `hook` (tracepoint_buffer) when a tool has a classic tracepoint
 * program there.  Drawn once, split evenly among the tools that cause it
 * (each one's ns; nothing to the programs, which bpf_stats times without
 * it); returns the total, ns. */
double pd_fire_shared(struct pd_tool_run *tr, size_t n, int hook, int sys);
/* Entries held by the tool's maps (hash kinds and task storage). */
uint64_t pd_occupancy(const struct pd_tool_run *tr);
/* Program-level factors: the iTLB penalty every described program's run
 * pays, ns, for tools t[0..n) on one host: their JIT text (insns x
 * primitives.program.jit_bytes x the tool's isa factor) plus
 * primitives.program.host_text, beyond primitives.program.itlb_threshold,
 * times itlb_ns_per_mib per MiB.  0 when no program gives `insns` and the
 * host has no other text. */
double pd_env_itlb(const struct pd_prims *p, const struct pd_tool *t,
		   size_t n);
/* The ring of map `map` when it is an output map with a reader (ring.h),
 * else NULL. */
struct pd_ring *pd_map_ring(struct pd_tool_run *tr, size_t map);
/* 1 (and *cpu: the CPU whose output asked) when an output to map `map`
 * asked the kernel to wake its reader since the last call; clears it. */
int pd_map_take_wake(struct pd_tool_run *tr, size_t map, uint32_t *cpu);
/* Entries map `map` holds now, as a user-space read walks them: hash
 * kinds their occupancy, arrays max_entries. */
uint64_t pd_map_entries(const struct pd_tool_run *tr, size_t map);
/* Buckets a batch read of map `map` walks: a hash kind's
 * roundup_pow_of_two(max_entries) (htab_map_alloc), 0 for the others. */
uint64_t pd_map_buckets(const struct pd_tool_run *tr, size_t map);
/* Task pid/incarnation exits on CPU cpu: per-task storage is freed
 * (kernel work, not a program: returns its cost, ns). */
double pd_task_exit(struct pd_tool_run *tr, uint32_t pid, uint32_t inc);

#endif
