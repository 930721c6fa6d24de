/* tools.c - described BPF tools on the runqslower world (tools.h).
 *
 * Tasks here are single-threaded processes: a task's tgid is its pid.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "models/probe/exec.h"
#include "models/runqslower/ktime.h"
#include "models/runqslower/probe.h"
#include "models/runqslower/report.h"
#include "models/runqslower/tools.h"
#include "models/runqslower/world.h"
#include "sim/cfg.h"
#include "sim/check.h"
#include "sim/units.h"

/* Metrics per tool, after "<tool>.", and per program, after
 * "<tool>.<program>.". */
static const struct model_metric tool_m[] = {
	{ "bpf_time", "ns", "the tool's BPF time (all its programs)", 0 },
	{ "overhead_ratio", "ratio", "the tool's BPF time / payload time", 0 },
	{ "bpf_cpu_share", "ratio", "the tool's BPF time / all CPU time", 0 },
	{ "runs_per_s", "1/s", "the tool's program runs per simulated second", 0 },
	{ "outputs_per_s", "1/s", "outputs (perf/ring buffer) per simulated second", 0 },
	{ "skipped", "count", "runs skipped by the recursion check", 0 },
};
#define NTOOL_M (sizeof(tool_m) / sizeof(tool_m[0]))
/* Only for a tool with a reader (so a tool without one reports as
 * before), after tool_m. */
static const struct model_metric reader_m[] = {
	{ "reader_time", "ns", "CPU time of the tool's reader tasks (drains "
	  "and map reads that ran to their end)", 0 },
	{ "reader_cpu_share", "ratio", "reader_time / all CPU time", 0 },
	{ "reader_wakeups_per_s", "1/s", "the readers' wake-ups (kernel or "
	  "timeout; map readers: reads) per simulated second", 0 },
	{ "reader_records", "count", "records (map readers: entries) the "
	  "readers consumed", 0 },
	{ "drops", "count", "outputs refused by a full buffer (ringbuf reserve "
	  "failed; perf: lost samples)", 0 },
	{ "cost_share", "ratio", "(BPF time + reader_time + the kernel's "
	  "wake-ups of the readers) / all CPU time", 0 },
};
#define NREADER_M (sizeof(reader_m) / sizeof(reader_m[0]))
/* Per-tool counters before the programs' (tools_gather): BPF ns, outputs,
 * skipped; with a reader also reader ns, records, wake-ups, drops, wake-up
 * kernel ns. */
#define TOOL_V 3
#define READER_V 5

/* Records an output reader consumes per burst of its drain: their space
 * is freed, and their cost counted, when the burst ends (tools.h). */
#define TOOLS_DRAIN_BURST 16

/* One reader task (tools.h). */
struct tools_reader {
	uint32_t pid;
	uint32_t tool, map;
	const struct pd_reader *rd;
	int out;               /* drains an output map (else polls a map) */
	int asleep;            /* blocked: in epoll_wait or between reads */
	int wake_pending;      /* the kernel's EV_WAKE is scheduled */
	int woke;              /* the next burst follows a wake-up */
	int burst_wake;        /* the burst in progress pays per_wakeup */
	uint32_t wake_cpu;     /* the CPU whose output asked for the wake-up */
	uint64_t claim;        /* records the burst in progress consumes */
	uint64_t burst_ns;     /* its CPU time */
	uint64_t records, wakeups;   /* over bursts that ran to their end */
	double ns, kern_ns;
};

static int has_reader(const struct pd_tool *t)
{
	for (size_t m = 0; m < t->nmaps; m++)
		if (t->maps[m].reader.on)
			return 1;
	return 0;
}
static const struct model_metric prog_m[] = {
	{ "ns_per_run", "ns", "mean cost per run (dispatch included)", 0 },
	{ "runs_per_s", "1/s", "runs per simulated second", 0 },
};
#define NPROG_M (sizeof(prog_m) / sizeof(prog_m[0]))

static int read_syscalls(struct rq_cfg *c, struct ynode *root, struct err *e)
{
	struct ynode *w = cfg_section(root, "workload", e);
	if (!w)
		return e->status;
	struct ynode *sc = ynode_peek(w, "syscalls");
	if (!c->ntools) {
		if (sc)
			return cfg_error(e, sc, "workload.syscalls: fires "
					 "sys_enter/sys_exit for described tools "
					 "(`tools:`); this scenario has none");
		return 0;
	}
	if (!(sc = cfg_section(w, "syscalls", e)))
		return e->status;
	/* A rate per second of the task's running time: "2000/s", "2k/s" or
	 * a bare number; 0 (the default) fires no system calls. */
	double rate = 0;
	struct ynode *rn = ynode_get(sc, "rate");
	if (rn) {
		char why[160];
		if (rn->kind != YN_SCALAR)
			return cfg_error(e, rn, "'rate': expected a rate such "
					 "as 2000/s");
		if (units_parse_rate(rn->value, &rate, why, sizeof(why)))
			return cfg_error(e, rn, "'rate': %s", why);
		if (!(rate >= 0 && rate <= 1e9))
			return cfg_error(e, rn, "'rate' must be in [0, 1G]/s "
					 "(got %s)", rn->value);
	}
	if (cfg_dist(sc, "duration", "exponential(2us)", DIST_DURATION,
		     &c->sys_dur, e))
		return e->status;
	c->sys_rate = rate;
	struct ynode *ids = ynode_get(sc, "ids");
	if (!ids && ynode_set_scalar(sc, "ids", "0"))
		ids = ynode_get(sc, "ids");
	if (!ids)
		return cfg_error(e, sc, "out of memory");
	size_t n = ids->kind == YN_MAP ? ids->n : 1;
	if (ids->kind == YN_SEQ || n == 0 || n > 1024)
		return cfg_error(e, ids, "ids: a syscall number, or a mapping "
				 "of syscall numbers to weights (at most 1024)");
	double *wt = calloc(n, sizeof(*wt));
	if (!wt || !(c->sys_ids = calloc(n, sizeof(*c->sys_ids)))) {
		free(wt);
		return cfg_error(e, ids, "out of memory");
	}
	c->nsys = n;
	for (size_t i = 0; i < n; i++) {
		const struct ynode *k = ids->kind == YN_MAP ? ids->keys[i] : ids;
		char *end;
		unsigned long long v = strtoull(k->value, &end, 10);
		if (!k->value[0] || *end || k->value[0] == '-' || v > 1023) {
			free(wt);
			return cfg_error(e, k, "ids: '%s' is not a syscall number "
					 "(0 to 1023)", k->value);
		}
		c->sys_ids[i] = (uint32_t)v;
		wt[i] = 1;
		if (ids->kind == YN_MAP) {
			ynode_get(ids, k->value);
			const struct ynode *x = ids->items[i];
			wt[i] = x->kind == YN_SCALAR ? strtod(x->value, &end) : -1;
			if (x->kind != YN_SCALAR || *end || !(wt[i] >= 0) ||
			    !isfinite(wt[i])) {
				free(wt);
				return cfg_error(e, x, "ids: a weight is a number "
						 ">= 0");
			}
		}
	}
	c->sys_mix = gsl_ran_discrete_preproc(n, wt);
	free(wt);
	if (!c->sys_mix)
		return cfg_error(e, ids, "ids: the weights must not all be 0");
	return 0;
}

/* Whether the run has a metric table of its own (tools' metrics, or the
 * kernel-time ones host.steal and background.* add). */
static int own_metrics(const struct rq_cfg *c)
{
	return c->ntools || ktime_steal_on(c) || ktime_background_on(c);
}

/* The model's metrics and every tool's, names owned by c. */
static int build_metrics(struct rq_cfg *c, struct err *e)
{
	size_t base = model_metric_count(&model_runqslower), n = base;
	for (size_t t = 0; t < c->ntools; t++)
		n += NTOOL_M + NPROG_M * c->tools[t].nprogs +
		     (has_reader(&c->tools[t]) ? NREADER_M : 0);
	if (ktime_steal_on(c))
		n++;
	if (ktime_background_on(c))
		n++;
	c->metrics = calloc(n + 1, sizeof(*c->metrics));
	c->metric_names = calloc(n - base + 1, 96);
	if (!c->metrics || !c->metric_names)
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	memcpy(c->metrics, model_runqslower.metrics, base * sizeof(*c->metrics));
	size_t k = base;
	char *name = c->metric_names;
	for (size_t t = 0; t < c->ntools; t++) {
		const struct pd_tool *tl = &c->tools[t];
		for (size_t i = 0; i < NTOOL_M; i++, k++, name += 96) {
			snprintf(name, 96, "%s.%s", tl->name, tool_m[i].name);
			c->metrics[k] = (struct model_metric){ name, tool_m[i].unit,
							       tool_m[i].help, 0 };
		}
		for (size_t i = 0; has_reader(tl) && i < NREADER_M;
		     i++, k++, name += 96) {
			snprintf(name, 96, "%s.%s", tl->name, reader_m[i].name);
			c->metrics[k] = (struct model_metric){
				name, reader_m[i].unit, reader_m[i].help, 0 };
		}
		for (size_t p = 0; p < tl->nprogs; p++)
			for (size_t i = 0; i < NPROG_M; i++, k++, name += 96) {
				snprintf(name, 96, "%s.%s.%s", tl->name,
					 tl->progs[p].name, prog_m[i].name);
				c->metrics[k] = (struct model_metric){
					name, prog_m[i].unit, prog_m[i].help, 0 };
			}
	}
	if (ktime_background_on(c))
		c->metrics[k++] = (struct model_metric){ "background_idle_time",
			"ns", "interrupt and softirq time (background.*) charged "
			"while its CPU was idle, in kernel_time: a host's "
			"sched_switch sees it inside the idle task; whole run", 0 };
	if (ktime_steal_on(c))
		c->metrics[k++] = (struct model_metric){ "steal_time", "ns",
			"CPU time the hypervisor took (host.steal): neither busy "
			"nor idle; whole run", 0 };
	return 0;
}

static int hook_rq(int hook);

/* `base: probe.hooks`: the program is priced by the model's whole-program
 * cost of its hook (probe.hooks.<hook>, calibrated by `calibrate`), as the
 * built-in probe is. */
static int borrow_hook_costs(struct rq_cfg *c, struct pd_tool *t,
			     struct ynode *n, struct err *e)
{
	for (size_t p = 0; p < t->nprogs; p++) {
		struct pd_prog *g = &t->progs[p];
		if (!g->base_hooks)
			continue;
		int h = hook_rq(g->hook);
		if (h < 0) {
			struct ynode *ps = ynode_peek(n, "programs");
			return cfg_error(e, ps && ps->kind == YN_SEQ && p < ps->n
					 ? ps->items[p] : n, "base: probe.hooks "
					 "has no cost for hook %s (only "
					 "sched_wakeup, sched_wakeup_new, "
					 "sched_switch, sched_process_exit)",
					 pd_hook_names[g->hook]);
		}
		g->base = c->hook[h];
		g->base_borrowed = 1;
	}
	return 0;
}

int tools_read(struct rq_cfg *c, struct ynode *root, struct err *e)
{
	struct ynode *tl = ynode_get(root, "tools");
	if (tl) {
		if (tl->kind != YN_SEQ)
			return cfg_error(e, tl, "tools: expected a list of tool "
					 "descriptions ({include: FILE} or inline)");
		if (tl->n > 32)
			return cfg_error(e, tl, "more than 32 tools");
		if (tl->n && !(c->tools = calloc(tl->n, sizeof(*c->tools))))
			return cfg_error(e, tl, "out of memory");
		for (size_t i = 0; i < tl->n; i++) {
			c->ntools++;
			if (pd_tool_read(tl->items[i], &c->tools[i], e))
				return e->status;
			for (size_t j = 0; j < i; j++)
				if (!strcmp(c->tools[j].name, c->tools[i].name))
					return cfg_error(e, tl->items[i], "two "
							 "tools named '%s'",
							 c->tools[i].name);
			if (borrow_hook_costs(c, &c->tools[i], tl->items[i], e))
				return e->status;
			for (size_t m = 0; m < c->tools[i].nmaps; m++) {
				int k = c->tools[i].maps[m].kind;
				const char *sn = storage_names[c->strategy];
				if (k == MK_TASK_STORAGE ||
				    (k == MK_STRATEGY && !strcmp(sn, "task_storage")))
					c->ts_maps++;
			}
		}
	}
	if (tools_nvals(c) + RQ_NVALS > HMARK_VALS) {
		size_t progs = 0;
		for (size_t i = 0; i < c->ntools; i++)
			progs += c->tools[i].nprogs;
		int fixed = (int)(tools_nvals(c) - 2 * progs);
		return cfg_error(e, tl, "tools: %zu programs in all is more than "
				 "the steady-state counters hold (at most %d)",
				 progs, (HMARK_VALS - RQ_NVALS - fixed) / 2);
	}
	if (c->ntools && pd_prims_read(root, &c->prims, e))
		return e->status;
	/* host.steal and background.* (ktime.h, read before) add last
	 * metrics, background_idle_time and steal_time: a table of the
	 * run's own then, as tools make one. */
	if (own_metrics(c) && build_metrics(c, e))
		return e->status;
	return read_syscalls(c, root, e);
}

void tools_config_free(struct rq_cfg *c)
{
	for (size_t i = 0; c->tools && i < c->ntools; i++)
		pd_tool_fini(&c->tools[i]);
	free(c->tools);
	pd_prims_fini(&c->prims);
	free(c->metrics);
	free(c->metric_names);
	dist_free(c->sys_dur);
	free(c->sys_ids);
	if (c->sys_mix)
		gsl_ran_discrete_free(c->sys_mix);
}

/* A tool metric's entry from its name: "T.<tool metric>" or
 * "T.P.<program metric>" (what tools_metrics() names them). */
const struct model_metric *tools_metric_like(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (!dot || dot == name)
		return NULL;
	int prog = memchr(name, '.', (size_t)(dot - name)) != NULL;
	for (size_t i = 0; !prog && i < NTOOL_M; i++)
		if (!strcmp(dot + 1, tool_m[i].name))
			return &tool_m[i];
	for (size_t i = 0; !prog && i < NREADER_M; i++)
		if (!strcmp(dot + 1, reader_m[i].name))
			return &reader_m[i];
	for (size_t i = 0; prog && i < NPROG_M; i++)
		if (!strcmp(dot + 1, prog_m[i].name))
			return &prog_m[i];
	return NULL;
}

const struct model_metric *tools_metrics(const void *cfg)
{
	const struct rq_cfg *c = cfg;
	return own_metrics(c) ? c->metrics : NULL;
}

int tools_init(struct rq_run *R)
{
	const struct rq_cfg *c = R->cfg;
	if (!c->ntools)
		return 0;
	struct pd_env *env = &R->pd;
	env->s = R->s;
	env->prims = &c->prims;
	env->out_cost[0] = c->out_cost[OUT_PERF];
	env->out_cost[1] = c->out_cost[OUT_RINGBUF];
	env->r_out = R->r_out;
	env->senv = &R->env;
	env->sstats = &R->sstats;
	env->task_storage_maps = c->ts_maps;
	env->itlb_ns = pd_env_itlb(&c->prims, c->tools, c->ntools);
	static const struct { int kind; const char *name; } kinds[] = {
		{ MK_HASH, "hash" }, { MK_LRU_HASH, "lru_hash" },
		{ MK_PERCPU_HASH, "hash" }, { MK_TASK_STORAGE, "task_storage" },
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		for (size_t s = 0; storage_registry[s]; s++)
			if (!strcmp(storage_registry[s]->name, kinds[i].name)) {
				env->kind[kinds[i].kind].ops = storage_registry[s];
				env->kind[kinds[i].kind].cfg = c->storage_cfg[s];
			}
	env->kind[MK_STRATEGY].ops = storage_registry[c->strategy];
	env->kind[MK_STRATEGY].cfg = c->storage_cfg[c->strategy];
	if (pd_env_init(env) || !(R->r_sys = sim_rng(R->s, "syscalls")) ||
	    !(R->tools = calloc(c->ntools, sizeof(*R->tools))))
		return -1;
	for (size_t i = 0; i < c->ntools; i++) {
		if (pd_tool_run_init(&R->tools[i], &c->tools[i], i, env))
			return -1;
		env->hooks |= c->tools[i].hooks;
		env->tp_hooks |= c->tools[i].tp_hooks;
	}
	return 0;
}

int tools_readers_init(struct rq_run *R)
{
	const struct rq_cfg *c = R->cfg;
	uint32_t n = 0;
	for (size_t t = 0; t < c->ntools; t++)
		for (size_t m = 0; m < c->tools[t].nmaps; m++)
			n += c->tools[t].maps[m].reader.on;
	if (!n || !c->attach)
		return 0;   /* probe.attach: false - no tool, no reader */
	if (!(R->readers = calloc(n, sizeof(*R->readers))) ||
	    !(R->r_reader = sim_rng(R->s, "reader")))
		return -1;
	for (size_t t = 0; t < c->ntools; t++)
		for (size_t m = 0; m < c->tools[t].nmaps; m++) {
			const struct pd_map *mp = &c->tools[t].maps[m];
			if (!mp->reader.on)
				continue;
			struct tools_reader *rd = &R->readers[R->nreaders++];
			rd->tool = (uint32_t)t;
			rd->map = (uint32_t)m;
			rd->rd = &mp->reader;
			rd->out = mp->kind == MK_RINGBUF ||
				  mp->kind == MK_PERF_EVENT_ARRAY;
			rd->asleep = 1;
			if ((rd->pid = world_add_sleeper(R, CLS_READER)) == NIL)
				return -1;
			uint64_t first = rd->out ? rd->rd->timeout : rd->rd->every;
			if (first && sim_schedule(R->s, first, EV_WAKE,
						  (uint32_t)c->cpus + 1 + rd->pid,
						  rd->pid))
				return -1;
		}
	return 0;
}

static struct tools_reader *reader_of(struct rq_run *R, uint32_t pid)
{
	for (uint32_t i = 0; i < R->nreaders; i++)
		if (R->readers[i].pid == pid)
			return &R->readers[i];
	SIM_CHECK(!"a CLS_READER task that is no reader");
	return NULL;
}

void tools_reader_wake(struct rq_run *R, uint32_t pid)
{
	if (R->task[pid].cls != CLS_READER)
		return;
	struct tools_reader *rd = reader_of(R, pid);
	SIM_CHECK(rd->asleep);
	if (rd->wake_pending) {
		double k = (double)dist_sample_ns(R->cfg->prims.wakeup, R->r_reader);
		rd->kern_ns += k;
		probe_charge_kernel(R, rd->wake_cpu, k);
		rd->wake_pending = 0;
	}
	rd->asleep = 0;
	rd->woke = 1;
}

uint64_t tools_reader_burst(struct rq_run *R, uint32_t pid)
{
	const struct pd_prims *pr = &R->cfg->prims;
	struct tools_reader *rd = reader_of(R, pid);
	struct pd_tool_run *tr = &R->tools[rd->tool];
	gsl_rng *r = R->r_reader;
	uint64_t ns = 0, n;
	rd->burst_wake = 0;
	if (rd->woke && rd->rd->per_wakeup) {
		ns += dist_sample_ns(rd->rd->per_wakeup, r);
		rd->burst_wake = 1;
	} else if (rd->woke) {
		rd->burst_wake = 1;   /* a map read: counted, no epoll cost */
	}
	rd->woke = 0;
	if (rd->out) {
		n = pd_ring_claim(pd_map_ring(tr, rd->map), TOOLS_DRAIN_BURST);
	} else {
		n = pd_map_entries(tr, rd->map);
		if (rd->rd->batch) {
			/* BPF_MAP_LOOKUP_BATCH: one call per batch_size entries
			 * (at least one, which finds the map empty). */
			uint64_t calls = n ? (n + rd->rd->batch_size - 1) /
					     rd->rd->batch_size : 1;
			for (uint64_t k = 0; k < calls; k++)
				ns += dist_sample_ns(pr->sys_batch, r);
			for (uint64_t k = 0; k < n; k++)
				ns += dist_sample_ns(pr->batch_entry, r);
			ns += sim_ns((double)pd_map_buckets(tr, rd->map) *
				     pr->batch_bucket);
		} else {
			/* get_next_key walks the keys (one more that returns
			 * ENOENT), one lookup per key. */
			for (uint64_t k = 0; k <= n; k++)
				ns += dist_sample_ns(pr->sys_next_key, r);
			for (uint64_t k = 0; k < n; k++)
				ns += dist_sample_ns(pr->sys_lookup, r);
		}
	}
	for (uint64_t k = 0; k < n; k++)
		ns += dist_sample_ns(rd->rd->per_record, r);
	rd->claim = n;
	rd->burst_ns = ns ? ns : 1;   /* a segment is at least 1 ns */
	return rd->burst_ns;
}

int tools_reader_drained(struct rq_run *R, uint32_t pid)
{
	struct tools_reader *rd = reader_of(R, pid);
	struct pd_tool_run *tr = &R->tools[rd->tool];
	rd->records += rd->claim;
	rd->ns += (double)rd->burst_ns;
	rd->wakeups += (uint64_t)rd->burst_wake;
	rd->claim = rd->burst_ns = 0;
	rd->burst_wake = 0;
	if (!rd->out)
		return 0;
	struct pd_ring *ring = pd_map_ring(tr, rd->map);
	pd_ring_release(ring);
	return pd_ring_unclaimed(ring) > 0;
}

uint64_t tools_reader_nap(struct rq_run *R, uint32_t pid)
{
	struct tools_reader *rd = reader_of(R, pid);
	rd->asleep = 1;
	return rd->out ? rd->rd->timeout : rd->rd->every;
}

void tools_fini(struct rq_run *R)
{
	free(R->readers);
	R->readers = NULL;
	R->nreaders = 0;
	for (size_t i = 0; R->tools && i < R->cfg->ntools; i++)
		pd_tool_run_fini(&R->tools[i]);
	free(R->tools);
	R->tools = NULL;
}

/* A hook's context on CPU c at now, its `current` the task running there
 * (0: idle). */
static struct pd_ctx ctx_at(struct rq_run *R, int hook, uint32_t c)
{
	struct pd_ctx x;
	memset(&x, 0, sizeof(x));
	x.hook = (uint8_t)hook;
	x.cpu = c;
	x.now = R->s->now;
	for (int k = 0; k <= KS_PARENT; k++)
		x.pid[k] = PD_NOTASK;
	x.bpf_busy = R->s->now < R->cpu[c].bpf_until;
	uint32_t cur = R->cpu[c].cur;
	x.pid[KS_CURRENT] = cur == NIL ? 0 : cur;
	if (cur != NIL) {
		x.inc[KS_CURRENT] = R->task[cur].incarnation;
		x.since[KS_CURRENT] = R->task[cur].enq_time;
	}
	return x;
}

static void set_task(struct rq_run *R, struct pd_ctx *x, int who, uint32_t pid)
{
	x->pid[who] = pid == NIL ? 0 : pid;
	if (pid != NIL) {
		x->inc[who] = R->task[pid].incarnation;
		x->since[who] = R->task[pid].enq_time;
	}
}

static int hook_rq(int hook)
{
	switch (hook) {
	case PH_SCHED_WAKEUP:
		return RQ_WAKEUP;
	case PH_SCHED_WAKEUP_NEW:
		return RQ_WAKEUP_NEW;
	case PH_SCHED_SWITCH:
		return RQ_SWITCH;
	case PH_PROCESS_EXIT:
		return RQ_EXIT;
	}
	return -1;
}

/* Run every tool on the hook; the model's counters take what they did. */
static double fire(struct rq_run *R, const struct pd_ctx *x)
{
	const struct rq_cfg *c = R->cfg;
	double cost = 0;
	struct pd_result res = { 0 };
	for (size_t i = 0; i < c->ntools; i++)
		cost += pd_fire(&R->tools[i], x, &res);
	cost += pd_fire_shared(R->tools, c->ntools, x->hook, 0);
	R->missed += res.missed;
	R->recursion_misses += res.skipped;
	if (res.has_wait)
		stat_tally_add(&R->probe_wait, (double)res.wait);
	for (uint64_t k = 0; k < res.outputs; k++) {
		R->reports++;
		rq_series_point(R, SC_REPORTS, 1);
	}
	R->false_reports += res.false_outputs;
	R->out_ns += sim_ns(res.out_ns);
	for (uint32_t i = 0; i < R->nreaders; i++) {
		struct tools_reader *rd = &R->readers[i];
		struct pd_tool_run *tr = &R->tools[rd->tool];
		uint32_t cpu;
		if (!rd->out || !tr->wake_any ||
		    !pd_map_take_wake(tr, rd->map, &cpu))
			continue;
		if (!rd->asleep || rd->wake_pending)
			continue;   /* awake: the wake-up finds it running */
		/* The irq_work runs once the program returns, on the
		 * producing CPU: that CPU is the waker (world.c hook_cpu). */
		uint32_t target = (uint32_t)c->cpus + 1 + rd->pid;
		rd->wake_pending = 1;
		rd->wake_cpu = x->cpu;
		R->task[rd->pid].timer_cpu = x->cpu + 1;
		evq_cancel(&R->s->q, target);   /* its timeout, if any */
		if (sim_schedule(R->s, 0, EV_WAKE, target, rd->pid))
			sim_fail(R->s, "out of memory");
	}
	for (size_t i = 0; R->nreaders && i < c->ntools; i++)
		R->tools[i].wake_any = 0;
	return cost;
}

static int attached(const struct rq_run *R, int hook)
{
	const struct rq_cfg *c = R->cfg;
	if (!c->attach)
		return 0;
	for (size_t i = 0; i < c->ntools; i++)
		if (c->tools[i].hooks & 1u << hook)
			return 1;
	return 0;
}

static void run_hook(struct rq_run *R, uint32_t c, const struct pd_ctx *x)
{
	double cost = fire(R, x);
	probe_note_occupancy(R);
	probe_charge(R, c, hook_rq(x->hook), cost);
}

void tools_wakeup(struct rq_run *R, uint32_t c, uint32_t pid, int is_new)
{
	int hook = is_new ? PH_SCHED_WAKEUP_NEW : PH_SCHED_WAKEUP;
	if (!attached(R, hook))
		return;
	struct pd_ctx x = ctx_at(R, hook, c);
	set_task(R, &x, KS_WAKEE, pid);
	run_hook(R, c, &x);
}

void tools_switch(struct rq_run *R, uint32_t c, uint32_t prev,
		  int prev_runnable, uint32_t next)
{
	if (!attached(R, PH_SCHED_SWITCH))
		return;
	struct pd_ctx x = ctx_at(R, PH_SCHED_SWITCH, c);
	set_task(R, &x, KS_PREV, prev);
	set_task(R, &x, KS_NEXT, next);
	x.pid[KS_CURRENT] = x.pid[KS_PREV];
	x.inc[KS_CURRENT] = x.inc[KS_PREV];
	x.prev_runnable = prev != NIL && prev_runnable;
	run_hook(R, c, &x);
}

void tools_exit(struct rq_run *R, uint32_t c, uint32_t pid)
{
	const struct rq_cfg *cfg = R->cfg;
	if (attached(R, PH_PROCESS_EXIT)) {
		struct pd_ctx x = ctx_at(R, PH_PROCESS_EXIT, c);
		set_task(R, &x, KS_TASK, pid);
		set_task(R, &x, KS_CURRENT, pid);
		run_hook(R, c, &x);
	}
	/* free_task -> bpf_task_storage_free: kernel work (probe.c). */
	double kern = 0;
	for (size_t i = 0; i < cfg->ntools; i++)
		kern += pd_task_exit(&R->tools[i], pid, R->task[pid].incarnation);
	if (kern > 0)
		probe_charge_kernel(R, c, kern);
	probe_note_occupancy(R);
}

void tools_fork(struct rq_run *R, uint32_t c, uint32_t parent, uint32_t child)
{
	if (!attached(R, PH_PROCESS_FORK))
		return;
	struct pd_ctx x = ctx_at(R, PH_PROCESS_FORK, c);
	set_task(R, &x, KS_TASK, child);
	set_task(R, &x, KS_PARENT, parent);
	if (parent != NIL)
		set_task(R, &x, KS_CURRENT, parent);
	run_hook(R, c, &x);
}

void tools_exec(struct rq_run *R, uint32_t c, uint32_t pid)
{
	if (!attached(R, PH_PROCESS_EXEC))
		return;
	struct pd_ctx x = ctx_at(R, PH_PROCESS_EXEC, c);
	set_task(R, &x, KS_TASK, pid);
	set_task(R, &x, KS_CURRENT, pid);
	run_hook(R, c, &x);
}

void tools_migrate(struct rq_run *R, uint32_t c, uint32_t pid)
{
	if (!attached(R, PH_MIGRATE_TASK))
		return;
	struct pd_ctx x = ctx_at(R, PH_MIGRATE_TASK, c);
	set_task(R, &x, KS_TASK, pid);
	run_hook(R, c, &x);
}

uint64_t tools_syscalls(struct rq_run *R, uint32_t c, uint32_t pid,
			uint64_t ran)
{
	const struct rq_cfg *cfg = R->cfg;
	int en = attached(R, PH_SYS_ENTER), ex = attached(R, PH_SYS_EXIT);
	if (!cfg->ntools || cfg->sys_rate <= 0 || ran == 0 || (!en && !ex))
		return 0;
	unsigned n = gsl_ran_poisson(R->r_sys, cfg->sys_rate * (double)ran * 1e-9);
	double cost = 0;
	for (unsigned k = 0; k < n; k++) {
		struct pd_ctx x = ctx_at(R, PH_SYS_ENTER, c);
		set_task(R, &x, KS_TASK, pid);
		set_task(R, &x, KS_CURRENT, pid);
		x.syscall = cfg->sys_ids[gsl_ran_discrete(R->r_sys, cfg->sys_mix)];
		uint64_t d = dist_sample_ns(cfg->sys_dur, R->r_sys);
		cost += pd_fire_shared(R->tools, cfg->ntools, PH_SYS_ENTER, 1);
		if (en)
			cost += fire(R, &x);
		if (ex) {
			/* sys_exit sees the clock its in-kernel time later (part
			 * of the task's CPU time already). */
			x.hook = PH_SYS_EXIT;
			x.now += d;
			cost += fire(R, &x);
		}
	}
	probe_note_occupancy(R);
	return cost <= 0 ? 0 : sim_ns(cost);
}

size_t tools_nvals(const struct rq_cfg *c)
{
	size_t n = 0;
	for (size_t t = 0; t < c->ntools; t++)
		n += TOOL_V + (has_reader(&c->tools[t]) ? READER_V : 0) +
		     2 * c->tools[t].nprogs;
	return n;
}

void tools_gather(const struct rq_run *R, double *out)
{
	size_t i = 0;
	for (size_t t = 0; t < R->cfg->ntools; t++) {
		const struct pd_tool_run *tr = &R->tools[t];
		out[i++] = tr->ns;
		out[i++] = (double)tr->outputs;
		out[i++] = 0;
		size_t skip = i - 1;
		if (has_reader(tr->t)) {
			double v[READER_V] = { 0 };
			for (uint32_t k = 0; k < R->nreaders; k++) {
				const struct tools_reader *rd = &R->readers[k];
				if (rd->tool != t)
					continue;
				v[0] += rd->ns;
				v[1] += (double)rd->records;
				v[2] += (double)rd->wakeups;
				v[4] += rd->kern_ns;
			}
			v[3] = (double)tr->drops;
			for (size_t k = 0; k < READER_V; k++)
				out[i++] = v[k];
		}
		for (size_t p = 0; p < tr->t->nprogs; p++) {
			out[skip] += (double)tr->prog[p].skipped;
			out[i + 2 * p] = (double)tr->prog[p].runs;
			out[i + 2 * p + 1] = tr->prog[p].ns;
		}
		i += 2 * tr->t->nprogs;
	}
}

/* The per-tool metrics from counters v (tools_gather's order) over secs
 * simulated seconds, against the model's CPU split in m. */
static void fill(const struct rq_cfg *c, const double *v, double secs,
		 double *m)
{
	const struct model *mo = &model_runqslower;
	size_t k = model_metric_count(mo), i = 0;
	double pay = m[model_metric_index(mo, "payload_time")], all = 0;
	static const char *const split[] = {
		"payload_time", "bpf_time", "switch_time", "kernel_time",
		"idle_time"
	};
	for (size_t j = 0; j < sizeof(split) / sizeof(split[0]); j++)
		all += m[model_metric_index(mo, split[j])];
	for (size_t t = 0; t < c->ntools; t++) {
		const struct pd_tool *tl = &c->tools[t];
		double ns = v[i], outs = v[i + 1], skipped = v[i + 2], runs = 0;
		i += TOOL_V;
		const double *rv = has_reader(tl) ? v + i : NULL;
		if (rv)
			i += READER_V;
		for (size_t p = 0; p < tl->nprogs; p++)
			runs += v[i + 2 * p];
		m[k++] = ns;
		m[k++] = pay > 0 ? ns / pay : 0;
		m[k++] = all > 0 ? ns / all : 0;
		m[k++] = secs > 0 ? runs / secs : 0;
		m[k++] = secs > 0 ? outs / secs : 0;
		m[k++] = skipped;
		if (rv) {
			m[k++] = rv[0];
			m[k++] = all > 0 ? rv[0] / all : 0;
			m[k++] = secs > 0 ? rv[2] / secs : 0;
			m[k++] = rv[1];
			m[k++] = rv[3];
			m[k++] = all > 0 ? (ns + rv[0] + rv[4]) / all : 0;
		}
		for (size_t p = 0; p < tl->nprogs; p++, i += 2) {
			m[k++] = v[i] > 0 ? v[i + 1] / v[i] : NAN;
			m[k++] = secs > 0 ? v[i] / secs : 0;
		}
	}
}

void tools_report(struct rq_run *R, double *m)
{
	const struct rq_cfg *c = R->cfg;
	size_t n = tools_nvals(c);
	if (!n)
		return;
	double *v = calloc(n, sizeof(*v));
	if (!v) {
		sim_fail(R->s, "out of memory");
		return;
	}
	tools_gather(R, v);
	fill(c, v, (double)R->s->now * 1e-9, m);
	free(v);
}

void tools_steady(struct sim *s, struct rq_run *R, uint64_t cut, double *m)
{
	const struct rq_cfg *c = R->cfg;
	size_t n = tools_nvals(c);
	if (!n)
		return;
	double v0[HMARK_VALS], v1[HMARK_VALS];
	uint64_t used;
	if (hmark_values_since(&R->marks, cut, v0, &used))
		return;   /* no mark at or after the cut: whole-run values */
	rq_gather(R, v1);
	for (size_t k = 0; k < n; k++)
		v1[RQ_NVALS + k] -= v0[RQ_NVALS + k];
	fill(c, v1 + RQ_NVALS, s->now > used ? (double)(s->now - used) * 1e-9 : 0,
	     m);
}
