/* storage.h - where a runqslower-style probe keeps "runnable since" stamps.
 *
 * A strategy is one const vtable (see storage_registry in storage.c); adding
 * one means writing its file - the vtable and its parameter table - and
 * adding one registry line.  The parameter table documents the strategy's
 * keys (`storage.<name>.<key>`, default, help) for `bpfsim models`, and its
 * defaults are the ones configure() uses (storage_param_default), so the
 * documentation cannot drift from the code.  The model calls
 * the operations a real probe performs and gets back each operation's cost
 * in ns, which the model charges to the CPU the hook runs on.  Costs are
 * drawn from the strategy's distributions (own RNG streams, "storage.<op>"),
 * times the occupancy factor (entries in the map) and the active factor
 * (live tasks on the host), as the strategy defines.
 *
 * Keys: a hash keys by pid (pids are reused: a leaked entry can meet a new
 * task with the same pid), task storage keys by the task itself (slot and
 * incarnation: never confused).  Every entry remembers the incarnation that
 * wrote it, so a lookup can tell a stale timestamp (a false report) from a
 * real one.
 *
 * Operation costs are also accumulated per operation kind in
 * struct storage_stats (count and total ns) for the report.
 */
#ifndef BPFSIM_STORAGE_H
#define BPFSIM_STORAGE_H

#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "sim/err.h"
#include "sim/model.h"
#include "sim/sim.h"
#include "sim/ytree.h"

enum storage_op {
	SOP_UPDATE,        /* write a timestamp (hash update, task storage get+create) */
	SOP_LOOKUP,        /* read the timestamp of the incoming task */
	SOP_DELETE,        /* remove the entry after use */
	SOP_ALLOC,         /* allocate an element/storage (no-prealloc, task storage) */
	SOP_FREE,          /* release storage at task exit */
	SOP_EVICT,         /* LRU eviction batch */
	SOP_FAILED_UPDATE, /* update refused: map full */
	SOP_COUNT
};

extern const char *const storage_op_names[SOP_COUNT];

struct storage_stats {
	uint64_t count[SOP_COUNT];
	double time[SOP_COUNT];    /* ns */
	uint64_t failed_updates;   /* map full: sample missed */
	uint64_t evicted;          /* entries evicted (LRU) */
};

/* The task an operation is about. */
struct storage_key {
	uint32_t pid;
	uint32_t slot;             /* task slot in the model, < max tasks */
	uint32_t incarnation;      /* unique per spawned task */
};

struct storage_lookup {
	int found;
	uint64_t ts;               /* stored timestamp, ns */
	int stale;                 /* written by another incarnation */
};

/* Facts the strategy needs from the model, updated by the model. */
struct storage_env {
	uint64_t live_tasks;
	uint32_t pid_max;
	uint32_t max_slots;        /* task slots the model may use */
};

struct storage_ops {
	const char *name;
	const char *summary;
	/* Its keys, full dotted paths (storage.<name>.<key>), terminated by
	 * {NULL}; every key configure() reads has an entry. */
	const struct model_param *params;
	/* Read the strategy's section (strict).  NULL with e set. */
	void *(*configure)(struct ynode *section, struct err *e);
	void (*config_free)(void *cfg);
	/* Per run state; NULL on allocation failure. */
	void *(*init)(const void *cfg, struct sim *s, const struct storage_env *env,
		      struct storage_stats *stats);
	void (*fini)(void *st);
	/* Record "runnable since ts" for the task.  Returns the cost (ns).
	 * *ok = 0 when the record was refused (map full). */
	double (*record)(void *st, const struct storage_key *k, uint64_t ts,
			 int *ok);
	/* Look up the task's timestamp.  Returns the cost. */
	double (*lookup)(void *st, const struct storage_key *k,
			 struct storage_lookup *out);
	/* Delete the task's entry (no-op cost 0 when absent).  Returns cost. */
	double (*remove)(void *st, const struct storage_key *k);
	/* A task was spawned / exits: strategies that allocate per task do it
	 * here (task storage allocates at first use, i.e. the spawn's record;
	 * frees at exit).  Returns cost. */
	double (*task_exit)(void *st, const struct storage_key *k);
	/* Entries currently held. */
	uint64_t (*occupancy)(const void *st);
};

/* Registry, NULL-terminated; names list for the model's strategies. */
extern const struct storage_ops *const storage_registry[];
extern const char *const storage_names[];
const struct storage_ops *storage_find(const char *name);

/* ---- helpers for strategy implementations ---- */
struct dist;
struct factor;
/* The default of `key` (the last component of an entry's dotted path) in
 * a strategy's parameter table, for its configure().  A key missing from
 * the table is a bug: SIM_CHECK aborts. */
const char *storage_param_default(const struct model_param *params,
				  const char *key);
/* base draw (truncated at 0) x occupancy factor x active factor */
double storage_cost(const struct dist *d, gsl_rng *r, const struct factor *occ,
		    double occupancy, const struct factor *act, double live);
/* Add cost to stats under op; returns cost. */
static inline double storage_charge(struct storage_stats *s, enum storage_op op,
				    double cost)
{
	s->count[op]++;
	s->time[op] += cost;
	return cost;
}

#endif
