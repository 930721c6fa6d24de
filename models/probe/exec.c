/* exec.c - described tools at run time (exec.h): map state and costs,
 * program execution.
 *
 * Map kinds and what the kernel does for each (kernel/bpf/):
 *   - hash, percpu_hash, lru_hash, `strategy`: hashtab.c through the
 *     storage strategies (storage_hash.c has the cost classes: insert vs
 *     replace, lookup hit vs miss, delete, a full map's refusal, the LRU's
 *     batch eviction).  percpu_hash takes hash's costs: its lookup adds a
 *     this_cpu_ptr, its update copies into this CPU's slot in place;
 *   - task_storage: bpf_task_storage.c through storage_task.c (get with
 *     and without F_CREATE, delete, free at task exit); more than 16
 *     task-storage maps on the host (the per-task cache, bpf_local_storage
 *     BPF_LOCAL_STORAGE_CACHE_SIZE) add primitives.task_storage_cache per
 *     map beyond 16 to every get;
 *   - array, percpu_array: arraymap.c; the lookup is inlined by the
 *     verifier (array_map_gen_lookup) and always returns the slot; this
 *     model reads a slot never written as "not found" (ts 0), which is what
 *     the tools test (`if (!*tsp) return`);
 *   - bloom_filter: bloom_filter.c; peek answers "maybe" for every key
 *     pushed and for others with the false-positive rate of its bitmap
 *     (bloom_map_alloc: bits = max_entries x nr_hash_funcs / ln 2, rounded
 *     up to a power of two), p = (1 - exp(-k n / m))^k for n keys pushed;
 *     elements cannot be deleted;
 *   - stack_trace: stackmap.c bpf_get_stackid: returns one of the load's
 *     `stacks` distinct stacks, uniformly;
 *   - ringbuf, perf_event_array: one output each, priced by
 *     probe.output_cost.ringbuf / .perf; with a `reader:` the record goes
 *     into the map's buffer (ring.h: refused when full - a drop, priced
 *     as a written one - and the kernel's wake-up rule); without one the
 *     buffer is taken as always drained (no drops, no reader).
 * Program-level factors (a program's `insns`, `calls`, the tool's `isa`):
 * insns x primitives.program.insn x the isa factor per run, one
 * primitives.program.call per bpf2bpf call, and the host's iTLB penalty
 * (pd_env_itlb) on every run; without those keys none of it applies.
 * Sides (storage.h): a wake-up's operations (sched_wakeup/_new, and
 * sched_process_fork's child) touch a cold task: the wake side; exit's
 * run at exit; every other hook's touch the task on the CPU or just
 * switched: the switch side.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "models/probe/exec.h"

struct pd_map_run {
	const struct pd_map *m;
	int kind;                  /* MK_*, the strategy resolved */
	const struct storage_ops *ops;
	void *st;
	struct storage_env env;    /* the run's, with this map's size */
	uint64_t *val;             /* array kinds: per slot (per CPU), ts */
	uint64_t nval;
	uint8_t *bits;             /* bloom_filter: keys pushed */
	uint64_t nbits, pushed;
	double bloom_m;            /* its bitmap's bits */
	struct pd_ring ring;       /* output maps with a reader */
	int has_ring;
	int wake;                  /* its reader is to be woken */
	uint32_t wake_cpu;
};

int pd_env_init(struct pd_env *env)
{
	struct sim *s = env->s;
	env->r_dispatch = sim_rng(s, "bpf.dispatch");
	env->r_helper = sim_rng(s, "bpf.helpers");
	env->r_array = sim_rng(s, "bpf.array");
	env->r_bloom = sim_rng(s, "bpf.bloom");
	env->r_stack = sim_rng(s, "bpf.stack");
	env->r_prob = sim_rng(s, "bpf.probability");
	env->r_call = sim_rng(s, "bpf.calls");
	env->r_cold = sim_rng(s, "bpf.cold");
	env->r_shared = sim_rng(s, "bpf.shared");
	return env->r_dispatch && env->r_helper && env->r_array &&
	       env->r_bloom && env->r_stack && env->r_prob && env->r_call &&
	       env->r_cold && env->r_shared ? 0 : -1;
}

static int storage_kind(int kind)
{
	return kind == MK_HASH || kind == MK_LRU_HASH ||
	       kind == MK_PERCPU_HASH || kind == MK_TASK_STORAGE ||
	       kind == MK_STRATEGY;
}

static int map_init(struct pd_map_run *mr, const struct pd_map *m,
		    struct pd_env *env)
{
	mr->m = m;
	mr->kind = m->kind;
	uint32_t ncpu = env->senv->cpus ? env->senv->cpus : 1;
	if (storage_kind(m->kind)) {
		const struct pd_storage *ps = &env->kind[m->kind];
		mr->ops = ps->ops;
		mr->env = *env->senv;
		if (m->kind != MK_TASK_STORAGE)
			mr->env.max_entries = m->max_entries;
		if (!strcmp(ps->ops->name, "task_storage"))
			mr->kind = MK_TASK_STORAGE;
		mr->st = ps->ops->init(ps->cfg, env->s, &mr->env, env->sstats);
		return mr->st ? 0 : -1;
	}
	if (m->kind == MK_ARRAY || m->kind == MK_PERCPU_ARRAY) {
		mr->nval = m->max_entries * (m->kind == MK_PERCPU_ARRAY ? ncpu : 1);
		if (mr->nval > (1u << 24))
			mr->nval = 0;   /* too big to follow: values not kept */
		if (mr->nval && !(mr->val = calloc(mr->nval, sizeof(*mr->val))))
			return -1;
	}
	if ((m->kind == MK_RINGBUF || m->kind == MK_PERF_EVENT_ARRAY) &&
	    m->reader.on) {
		if (pd_ring_init(&mr->ring, m->kind == MK_PERF_EVENT_ARRAY, ncpu,
				 m->ring_bytes, m->reader.wakeup,
				 m->reader.watermark))
			return -1;
		mr->has_ring = 1;
	}
	if (m->kind == MK_BLOOM_FILTER) {
		mr->nbits = env->senv->pid_max ? env->senv->pid_max : 1;
		if (!(mr->bits = calloc((mr->nbits + 7) / 8, 1)))
			return -1;
		double bits = ceil((double)m->max_entries * m->hashes / M_LN2);
		mr->bloom_m = exp2(ceil(log2(bits > 1 ? bits : 1)));
	}
	return 0;
}

static void map_fini(struct pd_map_run *mr)
{
	if (mr->st)
		mr->ops->fini(mr->st);
	free(mr->val);
	free(mr->bits);
	pd_ring_fini(&mr->ring);
}

int pd_tool_run_init(struct pd_tool_run *tr, const struct pd_tool *t,
		     size_t index, struct pd_env *env)
{
	memset(tr, 0, sizeof(*tr));
	tr->t = t;
	tr->env = env;
	tr->maps = calloc(t->nmaps ? t->nmaps : 1, sizeof(*tr->maps));
	tr->r_base = calloc(t->nprogs, sizeof(*tr->r_base));
	tr->prog = calloc(t->nprogs, sizeof(*tr->prog));
	if (!tr->maps || !tr->r_base || !tr->prog)
		return -1;
	for (size_t i = 0; i < t->nmaps; i++)
		if (map_init(&tr->maps[i], &t->maps[i], env))
			return -1;
	for (size_t i = 0; i < t->nprogs; i++) {
		if (!t->progs[i].base)
			continue;
		char name[48];
		if (index == 0)
			snprintf(name, sizeof(name), "bpf.%s",
				 pd_hook_names[t->progs[i].hook]);
		else
			snprintf(name, sizeof(name), "bpf.%.16s.%s", t->name,
				 pd_hook_names[t->progs[i].hook]);
		if (!(tr->r_base[i] = sim_rng(env->s, name)))
			return -1;
	}
	return 0;
}

void pd_tool_run_fini(struct pd_tool_run *tr)
{
	if (!tr)
		return;
	for (size_t i = 0; tr->maps && i < tr->t->nmaps; i++)
		map_fini(&tr->maps[i]);
	free(tr->maps);
	free(tr->r_base);
	free(tr->prog);
	memset(tr, 0, sizeof(*tr));
}

/* One program's execution state. */
struct xs {
	struct pd_tool_run *tr;
	const struct pd_ctx *c;
	struct pd_result *res;
	double cost;
	int base;                  /* a `base:` covers dispatch and helpers */
	int ret;                   /* `return` reached */
	int found, stale, has_val;
	int key_src;               /* the last lookup's key source */
	uint64_t val;              /* its value: a timestamp, ns */
	uint32_t stack;            /* the last get_stackid */
};

static double draw(const struct dist *d, gsl_rng *r)
{
	return (double)dist_sample_ns(d, r);
}

static uint64_t key_num(const struct xs *x, struct pd_key k)
{
	const struct pd_ctx *c = x->c;
	switch (k.src) {
	case KS_CPU:
		return c->cpu;
	case KS_SYSCALL:
		return c->syscall;
	case KS_SLOT: {
		/* runqlat/cpudist: log2 of the delta in microseconds. */
		uint64_t us = x->has_val && c->now > x->val
			      ? (c->now - x->val) / 1000 : 0;
		uint32_t s = 0;
		while (us > 1 && s < 63) {
			us >>= 1;
			s++;
		}
		return s;
	}
	case KS_STACK:
		return x->stack;
	case KS_ZERO:
		return 0;
	}
	return c->pid[k.src] == PD_NOTASK ? 0 : c->pid[k.src];
}

static struct storage_key skey(const struct xs *x, const struct pd_map_run *mr,
			       struct pd_key k)
{
	uint64_t n = key_num(x, k);
	uint32_t lim = mr->env.pid_max ? mr->env.pid_max : 1;
	uint32_t v = (uint32_t)(n % lim);
	uint32_t inc = k.src <= KS_PARENT && x->c->pid[k.src] != PD_NOTASK
		       ? x->c->inc[k.src] : 0;
	return (struct storage_key){ v, v, inc };
}

static enum storage_side side_of(int hook)
{
	switch (hook) {
	case PH_SCHED_WAKEUP:
	case PH_SCHED_WAKEUP_NEW:
	case PH_PROCESS_FORK:
		return STORAGE_WAKE;
	case PH_PROCESS_EXIT:
		return STORAGE_EXIT;
	case PH_SCHED_SWITCH:
		return STORAGE_SWITCH;
	}
	return STORAGE_OTHER;
}

/* Extra per get with more task-storage maps than the per-task cache has
 * slots. */
static double ts_extra(const struct xs *x, const struct pd_map_run *mr)
{
	const struct pd_env *env = x->tr->env;
	if (mr->kind != MK_TASK_STORAGE || env->task_storage_maps <= 16)
		return 0;
	return (double)(env->task_storage_maps - 16) *
	       env->prims->task_storage_cache;
}

static void note_lookup(struct xs *x, const struct pd_op *op)
{
	const struct pd_ctx *c = x->c;
	x->key_src = op->key.src;
	if (c->hook != PH_SCHED_SWITCH || op->key.src != KS_NEXT ||
	    c->pid[KS_NEXT] == 0 || c->pid[KS_NEXT] == PD_NOTASK)
		return;
	if (!x->found) {
		x->res->missed++;
	} else {
		x->res->has_wait = 1;
		x->res->wait = c->now > x->val ? c->now - x->val : 0;
	}
}

static uint64_t *array_slot(struct pd_map_run *mr, const struct xs *x,
			    uint64_t idx)
{
	if (!mr->nval || idx >= mr->m->max_entries)
		return NULL;
	if (mr->kind == MK_PERCPU_ARRAY)
		idx += (uint64_t)x->c->cpu * mr->m->max_entries;
	return idx < mr->nval ? &mr->val[idx] : NULL;
}

static void map_op(struct xs *x, const struct pd_op *op)
{
	struct pd_tool_run *tr = x->tr;
	struct pd_env *env = tr->env;
	const struct pd_prims *pr = env->prims;
	struct pd_map_run *mr = &tr->maps[op->map];
	const struct pd_ctx *c = x->c;
	if (mr->st) {
		struct storage_key k = skey(x, mr, op->key);
		struct storage_at at = { side_of(c->hook), c->cpu };
		struct storage_lookup lk;
		int ok;
		mr->env.live_tasks = env->senv->live_tasks;
		switch (op->kind) {
		case OP_UPDATE:
			x->cost += mr->ops->record(mr->st, &k, &at, c->now, &ok) +
				   ts_extra(x, mr);
			return;
		case OP_LOOKUP:
			x->cost += mr->ops->lookup(mr->st, &k, &at, &lk) +
				   ts_extra(x, mr);
			x->found = lk.found;
			x->has_val = lk.found;
			x->val = lk.ts;
			x->stale = lk.stale;
			note_lookup(x, op);
			return;
		case OP_DELETE:
			x->cost += mr->ops->remove(mr->st, &k, &at);
			return;
		case OP_INCREMENT:
			x->cost += mr->ops->lookup(mr->st, &k, &at, &lk) +
				   ts_extra(x, mr);
			if (lk.found)
				x->cost += draw(pr->atomic_add, env->r_array);
			else
				x->cost += mr->ops->record(mr->st, &k, &at, c->now, &ok);
			return;
		}
		return;
	}
	int pc = mr->kind == MK_PERCPU_ARRAY;
	switch (op->kind) {
	case OP_UPDATE: {
		uint64_t *v = array_slot(mr, x, key_num(x, op->key));
		if (v)
			*v = c->now;
		x->cost += draw(pc ? pr->percpu_array_update : pr->array_update,
				env->r_array);
		return;
	}
	case OP_LOOKUP:
	case OP_INCREMENT: {
		uint64_t *v = array_slot(mr, x, key_num(x, op->key));
		x->cost += draw(pc ? pr->percpu_array_lookup : pr->array_lookup,
				env->r_array);
		if (op->kind == OP_INCREMENT) {
			if (v && !*v)
				*v = c->now;
			x->cost += draw(pr->atomic_add, env->r_array);
			return;
		}
		x->found = v && *v;
		x->has_val = x->found;
		x->val = x->found ? *v : 0;
		x->stale = 0;
		note_lookup(x, op);
		return;
	}
	case OP_BLOOM_PEEK: {
		uint64_t n = key_num(x, op->key) % mr->nbits;
		int in = mr->bits[n / 8] >> (n % 8) & 1;
		double k = mr->m->hashes;
		double p = pow(1 - exp(-k * (double)mr->pushed / mr->bloom_m), k);
		x->cost += draw(pr->bloom_peek, env->r_bloom);
		/* The false-positive draw comes after the cost draw, from the
		 * same stream: a fixed order. */
		double u = gsl_rng_uniform(env->r_bloom);
		x->found = in || u < p;
		x->has_val = 0;
		return;
	}
	case OP_BLOOM_PUSH: {
		uint64_t n = key_num(x, op->key) % mr->nbits;
		if (!(mr->bits[n / 8] >> (n % 8) & 1)) {
			mr->bits[n / 8] |= (uint8_t)(1u << (n % 8));
			mr->pushed++;
		}
		x->cost += draw(pr->bloom_push, env->r_bloom);
		return;
	}
	case OP_STACKID:
		x->cost += draw(pr->get_stackid, env->r_stack);
		x->stack = (uint32_t)gsl_rng_uniform_int(env->r_stack, mr->m->stacks);
		return;
	case OP_OUTPUT: {
		int ring = mr->kind == MK_RINGBUF;
		double o = draw(env->out_cost[ring], env->r_out);
		x->cost += o;
		x->res->out_ns += o;
		x->res->outputs++;
		tr->outputs++;
		tr->output_bytes += op->bytes;
		if (mr->has_ring) {
			int r = pd_ring_output(&mr->ring, c->cpu, op->bytes);
			if (r == PD_RING_DROP) {
				tr->drops++;
			} else if (r == PD_RING_WAKE && !mr->wake) {
				mr->wake = 1;
				mr->wake_cpu = c->cpu;
				tr->wake_any = 1;
			}
		}
		/* A report carrying a timestamp older than the task's current
		 * wait is a false one (runqslower's bogus waits). */
		int src = x->key_src;
		if (x->has_val && src >= 0 && src <= KS_PARENT &&
		    c->pid[src] != PD_NOTASK &&
		    (x->stale || x->val < c->since[src]))
			x->res->false_outputs++;
		return;
	}
	}
}

static int cond_true(struct xs *x, const struct pd_cond *cd)
{
	const struct pd_ctx *c = x->c;
	int v = 0;
	switch (cd->kind) {
	case CD_FOUND:
		v = x->found;
		break;
	case CD_MISSING:
		v = !x->found;
		break;
	case CD_PREV_RUNNABLE:
		v = c->prev_runnable;
		break;
	case CD_IDLE:
		v = c->pid[cd->who] == 0 || c->pid[cd->who] == PD_NOTASK;
		break;
	case CD_DELTA_OVER: {
		/* runqslower: `if (min_us && delta_us <= min_us) return`: a
		 * threshold of 0 lets every delta through, even 0. */
		uint64_t d = x->has_val && c->now > x->val ? c->now - x->val : 0;
		v = x->has_val && (cd->x <= 0 || (double)d > cd->x);
		break;
	}
	case CD_PROBABILITY:
		v = gsl_rng_uniform(x->tr->env->r_prob) < cd->x;
		break;
	}
	return cd->neg ? !v : v;
}

static void run_ops(struct xs *x, const struct pd_op *ops, size_t n)
{
	for (size_t i = 0; i < n && !x->ret; i++) {
		const struct pd_op *op = &ops[i];
		switch (op->kind) {
		case OP_HELPER:
			if (!x->base)
				for (uint32_t k = 0; k < op->times; k++)
					x->cost += draw(x->tr->env->prims->helper[op->helper],
							x->tr->env->r_helper);
			break;
		case OP_IF:
			if (cond_true(x, &op->cond))
				run_ops(x, op->then_, op->nthen);
			else
				run_ops(x, op->else_, op->nelse);
			break;
		case OP_RETURN:
			x->ret = 1;
			break;
		case OP_LOOKUP:
			map_op(x, op);
			if (!x->found && op->miss_return)
				x->ret = 1;
			break;
		default:
			map_op(x, op);
			break;
		}
	}
}

double pd_fire(struct pd_tool_run *tr, const struct pd_ctx *ctx,
	       struct pd_result *res)
{
	const struct pd_tool *t = tr->t;
	double total = 0;
	if (!(t->hooks & 1u << ctx->hook))
		return 0;
	for (size_t i = 0; i < t->nprogs; i++) {
		const struct pd_prog *g = &t->progs[i];
		if (g->hook != ctx->hook)
			continue;
		if (g->attach == PA_TRACEPOINT && ctx->bpf_busy) {
			/* trace_call_bpf: bpf_prog_active is held by the
			 * program running on this CPU: skipped, counted as a
			 * miss (bpf_prog_inc_misses_counter). */
			tr->prog[i].skipped++;
			res->skipped++;
			continue;
		}
		struct xs x = { .tr = tr, .c = ctx, .res = res, .key_src = -1 };
		if (g->base) {
			x.base = 1;
			x.cost = draw(g->base, tr->r_base[i]);
		} else {
			x.cost = draw(tr->env->prims->dispatch[g->attach],
				      tr->env->r_dispatch);
			/* A hook after heavy kernel work (prims.h cold.*):
			 * the program runs out of cold caches; a `base:`
			 * was measured there and has it already. */
			if (tr->env->prims->cold[g->hook])
				x.cost += draw(tr->env->prims->cold[g->hook],
					       tr->env->r_cold);
		}
		if (g->insns)
			x.cost += (double)g->insns * tr->env->prims->insn_ns *
				  tr->env->prims->isa[t->isa];
		for (uint32_t k = 0; k < g->calls; k++)
			x.cost += draw(tr->env->prims->call, tr->env->r_call);
		x.cost += tr->env->itlb_ns;
		run_ops(&x, g->ops, g->nops);
		tr->prog[i].runs++;
		tr->prog[i].ns += x.cost;
		tr->ns += x.cost;
		total += x.cost;
	}
	return total;
}

/* A tool's hooks that cause the shared cost (sys: any program on a
 * system-call hook; else a classic tracepoint program on the hook). */
static unsigned sharing(const struct pd_tool *t, int sys)
{
	return sys ? t->hooks : t->tp_hooks;
}

double pd_fire_shared(struct pd_tool_run *tr, size_t n, int hook, int sys)
{
	unsigned mask = sys ? 1u << PH_SYS_ENTER | 1u << PH_SYS_EXIT
			    : 1u << hook;
	/* The usual case, no tool causes it: one test of the union. */
	if (!n || !((sys ? tr[0].env->hooks : tr[0].env->tp_hooks) & mask))
		return 0;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += sharing(tr[i].t, sys) & mask ? 1 : 0;
	const struct pd_prims *p = tr[0].env->prims;
	double c = draw(sys ? p->syscall_work : p->tp_buffer,
			tr[0].env->r_shared);
	for (size_t i = 0; i < n; i++)
		if (sharing(tr[i].t, sys) & mask)
			tr[i].ns += c / (double)k;
	return c;
}

uint64_t pd_occupancy(const struct pd_tool_run *tr)
{
	uint64_t n = 0;
	for (size_t i = 0; i < tr->t->nmaps; i++)
		if (tr->maps[i].st)
			n += tr->maps[i].ops->occupancy(tr->maps[i].st);
	return n;
}

double pd_task_exit(struct pd_tool_run *tr, uint32_t pid, uint32_t inc)
{
	double cost = 0;
	for (size_t i = 0; i < tr->t->nmaps; i++) {
		struct pd_map_run *mr = &tr->maps[i];
		if (!mr->st)
			continue;
		struct storage_key k = { pid, pid, inc };
		cost += mr->ops->task_exit(mr->st, &k);
	}
	return cost;
}

double pd_env_itlb(const struct pd_prims *p, const struct pd_tool *t,
		   size_t n)
{
	double text = p->host_text;
	for (size_t i = 0; i < n; i++)
		for (size_t g = 0; g < t[i].nprogs; g++)
			text += (double)t[i].progs[g].insns * p->jit_bytes *
				p->isa[t[i].isa];
	if (text <= p->itlb_threshold)
		return 0;
	return (text - p->itlb_threshold) / (1024.0 * 1024.0) *
	       p->itlb_ns_per_mib;
}

struct pd_ring *pd_map_ring(struct pd_tool_run *tr, size_t map)
{
	return map < tr->t->nmaps && tr->maps[map].has_ring
	       ? &tr->maps[map].ring : NULL;
}

int pd_map_take_wake(struct pd_tool_run *tr, size_t map, uint32_t *cpu)
{
	struct pd_map_run *mr = &tr->maps[map];
	if (!mr->wake)
		return 0;
	mr->wake = 0;
	*cpu = mr->wake_cpu;
	return 1;
}

uint64_t pd_map_entries(const struct pd_tool_run *tr, size_t map)
{
	const struct pd_map_run *mr = &tr->maps[map];
	if (mr->st)
		return mr->ops->occupancy(mr->st);
	return mr->m->max_entries;
}

uint64_t pd_map_buckets(const struct pd_tool_run *tr, size_t map)
{
	const struct pd_map_run *mr = &tr->maps[map];
	if (!mr->st || mr->kind == MK_TASK_STORAGE)
		return 0;
	uint64_t b = 1;
	while (b < mr->m->max_entries)
		b <<= 1;
	return b;
}
