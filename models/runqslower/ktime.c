/* ktime.c - kernel time that is no task's (ktime.h).
 *
 * Every cost here goes through cpu_insert_overhead: it runs at once on its
 * CPU and pushes back whatever that CPU was doing, as an interrupt does.
 * Nothing here is preemptible by the model's tasks, and a background
 * episode does not wait for a BPF program in progress (an interrupt that
 * lands inside a program stretches it; the model charges the two one
 * after the other, which gives the same time line).
 *
 * Simplifications, stated where a user reads them (README, runqslower):
 * reaps queue in one pool for all parents, so with several parents the
 * next to fork reaps them all; background rates are the same on every
 * CPU (the host's /proc/stat totals over its CPUs); an episode's duration
 * is drawn when it starts and is never split.
 */
#include <math.h>

#include <gsl/gsl_randist.h>

#include "models/runqslower/cpu.h"
#include "models/runqslower/ktime.h"
#include "sim/cfg.h"
#include "sim/units.h"

static const char *const task_keys[KT_NTASK] = { "fork", "exec", "exit", "reap" };
static const char *const src_names[KT_NSRC] = {
	"background.irq", "background.softirq", "host.steal",
};

/* An optional duration distribution; a constant 0 (or absent) is off:
 * NULL, and no draws. */
static int read_cost(struct ynode *map, const char *key, struct dist **out,
		     struct err *e)
{
	struct ynode *n = cfg_node(map, key, 0, e);
	*out = NULL;
	if (e->status)
		return e->status;
	if (!n)
		return 0;
	if (!(*out = dist_parse(n, DIST_DURATION, e)))
		return e->status;
	if (dist_kind(*out) == DIST_CONSTANT && dist_mean(*out) == 0) {
		dist_free(*out);
		*out = NULL;
	}
	return 0;
}

/* {rate: R, duration: D} under map.key: R episodes per second per CPU
 * (0..100M/s; 0 or absent: off), D required when R > 0. */
static int read_source(struct ynode *map, const char *key, const char *full,
		       double *rate, struct dist **dur, struct err *e)
{
	struct ynode *sec = cfg_section(map, key, e);
	char why[160];
	*rate = 0;
	*dur = NULL;
	if (!sec)
		return e->status;
	struct ynode *rn = cfg_node(sec, "rate", 0, e);
	if (e->status)
		return e->status;
	if (rn) {
		if (rn->kind != YN_SCALAR)
			return cfg_error(e, rn, "'rate': expected a rate such as "
					 "1000/s, not a %s", ynode_kind_name(rn));
		if (units_parse_rate(rn->value, rate, why, sizeof(why)))
			return cfg_error(e, rn, "'rate': %s", why);
		if (!(*rate >= 0 && *rate <= 1e8))
			return cfg_error(e, rn, "'rate' must be in [0, 100M]/s "
					 "per CPU (got %s)", rn->value);
	}
	if (read_cost(sec, "duration", dur, e))
		return e->status;
	if (*rate > 0 && !*dur)
		return cfg_error(e, rn, "%s: a rate needs a `duration` (the CPU "
				 "time of one episode, above 0)", full);
	if (*rate == 0 && *dur) {
		dist_free(*dur);   /* no episodes: nothing to draw */
		*dur = NULL;
	}
	return 0;
}

int ktime_read(struct rq_cfg *c, struct ynode *root, struct err *e)
{
	struct ynode *k = cfg_section(root, "kernel", e);
	if (!k)
		return e->status;
	for (int i = 0; i < KT_NTASK; i++)
		if (read_cost(k, task_keys[i], &c->kt[i], e))
			return e->status;
	struct ynode *bg = cfg_section(root, "background", e);
	if (!bg || cfg_bool(bg, "while_busy", "true", &c->bg_while_busy, e) ||
	    read_source(bg, "irq", src_names[KT_IRQ], &c->bg_rate[KT_IRQ],
			&c->bg_dur[KT_IRQ], e) ||
	    read_source(bg, "softirq", src_names[KT_SOFTIRQ],
			&c->bg_rate[KT_SOFTIRQ], &c->bg_dur[KT_SOFTIRQ], e))
		return e->status;
	struct ynode *h = cfg_section(root, "host", e);
	if (!h || read_source(h, "steal", src_names[KT_STEAL],
			      &c->bg_rate[KT_STEAL], &c->bg_dur[KT_STEAL], e))
		return e->status;
	return 0;
}

void ktime_config_free(struct rq_cfg *c)
{
	for (int i = 0; i < KT_NTASK; i++) {
		dist_free(c->kt[i]);
		c->kt[i] = NULL;
	}
	for (int i = 0; i < KT_NSRC; i++) {
		dist_free(c->bg_dur[i]);
		c->bg_dur[i] = NULL;
	}
}

int ktime_steal_on(const struct rq_cfg *c)
{
	return c->bg_rate[KT_STEAL] > 0;
}

int ktime_background_on(const struct rq_cfg *c)
{
	return c->bg_rate[KT_IRQ] > 0 || c->bg_rate[KT_SOFTIRQ] > 0;
}

/* Next episode of source src on CPU c: an exponential gap (Poisson). */
static int schedule_next(struct rq_run *R, uint32_t c, int src)
{
	double gap = gsl_ran_exponential(R->r_bg[src], 1e9 / R->cfg->bg_rate[src]);
	return sim_schedule(R->s, sim_ns(gap), EV_BG, (uint32_t)R->cfg->cpus,
			    (uint64_t)c * KT_NSRC + (uint64_t)src);
}

int ktime_init(struct rq_run *R)
{
	const struct rq_cfg *cfg = R->cfg;
	int any = 0;
	for (int i = 0; i < KT_NTASK; i++)
		any |= cfg->kt[i] != NULL;
	if (any && !(R->r_kt = sim_rng(R->s, "kernel.task")))
		return -1;
	for (int src = 0; src < KT_NSRC; src++) {
		if (!(cfg->bg_rate[src] > 0))
			continue;
		if (!(R->r_bg[src] = sim_rng(R->s, src_names[src])))
			return -1;
		for (uint64_t c = 0; c < cfg->cpus; c++)
			if (schedule_next(R, (uint32_t)c, src))
				return -1;
	}
	return 0;
}

void ktime_event(struct rq_run *R, uint64_t data)
{
	uint32_t c = (uint32_t)(data / KT_NSRC);
	int src = (int)(data % KT_NSRC);
	const struct cpu *p = &R->cpu[c];
	uint64_t d = dist_sample_ns(R->cfg->bg_dur[src], R->r_bg[src]);
	/* A halted (idle or still waking) vCPU is not runnable: nothing to
	 * steal from it.  With background.while_busy false, an episode on a
	 * busy CPU is already inside the measured stretches it would
	 * lengthen (calibrated bursts are wall time on the CPU, interrupts
	 * and steal included): only those on an idle CPU are charged. */
	int idle = p->mode == CPU_IDLE || p->mode == CPU_WAKING;
	if (d > 0 && !(src == KT_STEAL && idle) &&
	    (idle || R->cfg->bg_while_busy)) {
		cpu_insert_overhead(R, c, d, src == KT_STEAL ? OH_STEAL : OH_KERNEL);
		R->bg_ns[src] += d;
		R->bg_n[src]++;
		/* A host's sched_switch sees these inside the idle task's
		 * time: validate compares busy without them. */
		if (idle && src != KT_STEAL)
			R->bg_idle_ns += d;
	}
	if (schedule_next(R, c, src))
		sim_fail(R->s, "out of memory");
}

/* Charge one draw of kernel.<what> on CPU c (nothing when it is off). */
static void charge(struct rq_run *R, uint32_t c, int what)
{
	const struct dist *d = R->cfg->kt[what];
	if (!d)
		return;
	uint64_t ns = dist_sample_ns(d, R->r_kt);
	R->kt_ns[what] += ns;
	R->kt_n[what]++;
	cpu_insert_overhead(R, c, ns, OH_KERNEL);
}

void ktime_fork(struct rq_run *R, uint32_t c)
{
	charge(R, c, KT_FORK);
	/* The parent's wait() reaps the children that exited since its last
	 * fork (wait_task_zombie -> release_task, in the parent). */
	for (; R->reap_pending > 0; R->reap_pending--)
		charge(R, c, KT_REAP);
}

void ktime_exec(struct rq_run *R, uint32_t c)
{
	charge(R, c, KT_EXEC);
}

void ktime_exit(struct rq_run *R, uint32_t c)
{
	charge(R, c, KT_EXIT);
	if (!R->cfg->kt[KT_REAP])
		return;
	if (R->spawner)
		R->reap_pending++;   /* its parent reaps it at its next fork */
	else
		charge(R, c, KT_REAP);   /* exit_notify -> release_task */
}
