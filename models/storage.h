/* storage.h - where a runqslower-style probe keeps "runnable since" stamps.
 *
 * A strategy is one const vtable (see storage_registry in storage.c); adding
 * one means writing its file - the vtable and its parameter table - and
 * adding one registry line.  The parameter table documents the strategy's
 * keys (`storage.<name>.<key>`, default, help) for `bpfsim models`, and its
 * defaults are the ones configure() uses (storage_param_default), so the
 * documentation cannot drift from the code.  The model calls
 * the operations a real probe performs and gets back each operation's cost
 * in ns, which the model charges to the CPU the hook runs on.
 *
 * Cost model (every strategy):
 *
 *     cost = base(class) x f_side(W) x f_act(live) + base(class) x (f_occ(N) - 1)
 *
 *   - base(class): a draw from the operation's own class - hash insert
 *     (new key) vs replace (key present), lookup hit vs miss, delete; task
 *     storage first create vs re-create after delete, get on the wake side
 *     vs on the switch side, delete - each its own distribution and RNG
 *     stream ("storage.<op>");
 *   - W, the working set: distinct keys (pids, tasks) this strategy touched
 *     on the operation's CPU recently, an exponentially decayed count with
 *     window T (struct storage_ws below).  f_side is the side's factor:
 *     the wake side (sched_wakeup/_new, on the wakee: its task_struct, its
 *     element, its storage are cold once W outgrows the cache) and the
 *     switch side (sched_switch on prev/next: just touched by the
 *     scheduler, hot);
 *   - N: entries held (static occupancy); f_occ(N) - 1 is a small additive
 *     term (idle keys lengthen bucket chains and spread the map's memory,
 *     they are not touched: on the reference host <= ~50 ns at 262,144);
 *   - f_act(live): legacy multiplier on live tasks (calibration files
 *     before the working-set model); applied to wake-side operations only.
 * Operations without a side (exit) take f_side = f_act = 1.
 *
 * Keys: a hash keys by pid (pids are reused: a leaked entry can meet a new
 * task with the same pid), task storage keys by the task itself (slot and
 * incarnation: never confused).  Every entry remembers the incarnation that
 * wrote it, so a lookup can tell a stale timestamp (a false report) from a
 * real one.
 *
 * Operation costs are also accumulated per operation kind in
 * struct storage_stats (count and total ns) for the report: insert and
 * replace are both SOP_UPDATE, hit and miss SOP_LOOKUP, first create and
 * re-create SOP_ALLOC.
 */
#ifndef BPFSIM_STORAGE_H
#define BPFSIM_STORAGE_H

#include <stdint.h>
#include <gsl/gsl_interp.h>
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
	uint32_t cpus;             /* CPUs (0 reads as 1) */
	uint64_t max_entries;      /* a described map's own size (hash kinds),
				      0: the strategy's max_entries key */
};

/* Where an operation runs: which side of the scheduler fired the program
 * (its cost class and working-set factor) and on which CPU (its working
 * set).  STORAGE_EXIT: sched_process_exit and kernel work at task exit.
 * STORAGE_OTHER: the other hooks (exec, migrate, system calls): the
 * switch side's classes and factor, but not a hash's update_switch, which
 * is timed at sched_switch. */
enum storage_side { STORAGE_WAKE, STORAGE_SWITCH, STORAGE_EXIT, STORAGE_OTHER };

struct storage_at {
	enum storage_side side;
	uint32_t cpu;              /* < storage_env.cpus */
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
	/* Record "runnable since ts" for the task, at `at` (the wake side for
	 * sched_wakeup/_new, the switch side for a preempted prev).  Returns
	 * the cost (ns).  *ok = 0 when the record was refused (map full). */
	double (*record)(void *st, const struct storage_key *k,
			 const struct storage_at *at, uint64_t ts, int *ok);
	/* Look up the task's timestamp (sched_switch's next).  Returns the
	 * cost. */
	double (*lookup)(void *st, const struct storage_key *k,
			 const struct storage_at *at, struct storage_lookup *out);
	/* Delete the task's entry (no-op cost 0 when absent).  Returns cost. */
	double (*remove)(void *st, const struct storage_key *k,
			 const struct storage_at *at);
	/* A task was spawned / exits: strategies that allocate per task do it
	 * here (task storage allocates at first use, i.e. the spawn's record;
	 * frees at exit).  Returns cost. */
	double (*task_exit)(void *st, const struct storage_key *k);
	/* Entries currently held. */
	uint64_t (*occupancy)(const void *st);
	/* Optional (NULL: none): the task's record is likely read soon (its
	 * wake-up is the next queued event): prefetch what it touches.  A
	 * hint for speed only; changes nothing. */
	void (*prefetch)(const void *st, const struct storage_key *k);
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
/* An alias key standing for several cost classes (hash `update` = insert
 * and replace, task storage `get` = get_wake and get_switch; the keys of
 * scenarios and calibration files from before the classes).  Its default
 * is the word STORAGE_CLASSES ("classes": use the classes' own keys),
 * written into the tree when absent; *out is then NULL, else the alias's
 * distribution (caller frees). */
#define STORAGE_CLASSES "classes"
int storage_alias(struct ynode *sec, const char *key, struct dist **out,
		  struct err *e);
/* f(x), 1 for a NULL or `none` factor; acc: the run's accelerator for f
 * (factor_eval_acc), or NULL. */
double storage_factor(const struct factor *f, double x, gsl_interp_accel *acc);
/* A run's accelerators, one per factor of the formula above: a cost is
 * priced at every storage operation, and W and N move little between two,
 * so GSL's cached interval saves the table search each time. */
enum { SF_WAKE, SF_SWITCH, SF_ACT, SF_OCC, SF_COUNT };
struct storage_accel {
	gsl_interp_accel *a[SF_COUNT];
};
/* 0, or -1 (out of memory; fini is still safe). */
int storage_accel_init(struct storage_accel *acc);
void storage_accel_fini(struct storage_accel *acc);
/* One draw b of d (truncated at 0), returned as b x mult + b x occ_extra:
 * mult = f_side(W) x f_act(live), occ_extra = f_occ(N) - 1 (see above). */
double storage_cost(const struct dist *d, gsl_rng *r, double mult,
		    double occ_extra);

/* ---- the working set ----
 *
 * W_c(t) = sum over keys k last touched on CPU c of exp(-(t - t_k) / T):
 * the distinct keys touched on c, each weighted by how recently (a key
 * touched again is counted once, at its latest touch; a key touched on
 * another CPU moves there, as its cache lines do).  Exact and O(1) per
 * touch: the CPU's sum decays in place, the key's old term is taken off
 * the CPU that held it and 1 is added to this one.  Deterministic (no RNG).
 * In a steady load where N tasks are touched at a total rate R over P
 * CPUs, W_c ~ (R T / P)(1 - exp(-N / (R T))): it grows with the distinct
 * keys actually touched and saturates at the touch rate x T; keys merely
 * held (idle entries) never enter it.
 * Memory: 16 bytes per key (or none apart: in the storage's own records,
 * storage_ws_init_in) plus 16 per CPU. */
struct storage_ws {
	double window;             /* T, ns (0: W is always 0) */
	uint32_t ncpu, nkeys;
	double *w;                 /* per CPU: W_c at cpu_t[c] */
	uint64_t *cpu_t;           /* per CPU: ns */
	char *key;                 /* key k's struct storage_ws_key at
				      key + k x stride */
	size_t stride;
	int own;                   /* key allocated here (storage_ws_init) */
};

struct storage_ws_key {
	uint64_t t;                /* last touch, ns */
	uint32_t cpu1;             /* 1 + CPU of the last touch, 0: none
				      (zeroed pages: untouched keys cost no
				      memory) */
	uint32_t tag;              /* not the working set's: a storage whose
				      records hold their keys
				      (storage_ws_init_in) keeps 4 bytes of
				      its own here */
};

/* Allocate for nkeys keys on ncpu CPUs (0 reads as 1); -1 on allocation
 * failure (ws then safe to fini).  W only feeds the side factors: when
 * both `wake` and `sw` are none, tracking is off (every touch returns 0 at
 * once: no exp() on the storage operations' path). */
int storage_ws_init(struct storage_ws *ws, uint32_t ncpu, uint32_t nkeys,
		    double window_ns, const struct factor *wake,
		    const struct factor *sw);
/* The same with the keys in the caller's records: key k is the struct
 * storage_ws_key at (char *)keys + k x stride, zeroed before the first
 * touch, and stays the caller's to free.  A record that holds its key
 * costs one cache line per operation where two arrays cost two. */
int storage_ws_init_in(struct storage_ws *ws, uint32_t ncpu, uint32_t nkeys,
		       double window_ns, const struct factor *wake,
		       const struct factor *sw, struct storage_ws_key *keys,
		       size_t stride);
void storage_ws_fini(struct storage_ws *ws);
/* Prefetch key's entry (a touch comes soon); a no-op when tracking is
 * off. */
static inline void storage_ws_prefetch(const struct storage_ws *ws,
				       uint32_t key)
{
	if (ws->window > 0 && key < ws->nkeys) {
		__builtin_prefetch(ws->key + (size_t)key * ws->stride);
	}
}
/* Key `key` is touched on CPU cpu at time now (non-decreasing across
 * calls).  Returns the working set the touch competes with: W_c of the
 * other keys (this key's own earlier term excluded), before adding it. */
double storage_ws_touch(struct storage_ws *ws, uint32_t key, uint32_t cpu,
			uint64_t now);
/* W_c at now, without touching anything. */
double storage_ws_get(struct storage_ws *ws, uint32_t cpu, uint64_t now);
/* Add cost to stats under op; returns cost. */
static inline double storage_charge(struct storage_stats *s, enum storage_op op,
				    double cost)
{
	s->count[op]++;
	s->time[op] += cost;
	return cost;
}

#endif
