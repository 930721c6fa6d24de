/* runqslower.h - the runqslower model's hooks and test hooks.
 *
 * The model itself is reached through the registry (model_runqslower); its
 * code lives in models/runqslower/ (model.c has the map).  rq_ is the
 * model's prefix.
 * rq_totals() exposes a finished run's per-host CPU time split so tests can
 * check conservation and compare strategies without parsing metrics;
 * rq_cpu_totals() one CPU's, so tests can see where a hook's cost landed.
 * rq_place_check() holds least_loaded's tree against a scan of the CPUs.
 */
#ifndef BPFSIM_RUNQSLOWER_H
#define BPFSIM_RUNQSLOWER_H

#include <stdint.h>

enum rq_hook { RQ_WAKEUP, RQ_WAKEUP_NEW, RQ_SWITCH, RQ_EXIT, RQ_HOOKS };
extern const char *const rq_hook_names[RQ_HOOKS];

struct rq_totals {
	uint64_t payload, bpf, sw, idle;   /* ns, summed over CPUs */
	uint64_t kern;                     /* kernel work of no task and no
					      BPF program: task-storage free
					      in free_task, kernel.* and
					      background.* (ktime.h), ns */
	uint64_t steal;                    /* taken by the hypervisor
					      (host.steal): neither busy nor
					      idle, ns */
	uint64_t elapsed;                  /* committed CPU time, summed, ns */
};

/* Close the run's CPU time lines (checking payload + bpf + switch + kernel
 * + steal + idle = elapsed on every CPU, aborting through SIM_CHECK otherwise) and
 * sum them.  `state` is the model's run state (struct sim.state).
 * Returns 0. */
int rq_totals(void *state, struct rq_totals *tot);
/* The same split for CPU `cpu` alone (checked the same way).  Returns 0,
 * or -1 when there is no such CPU. */
int rq_cpu_totals(void *state, uint32_t cpu, struct rq_totals *tot);

/* How the sleeping/waking residents started (workload.start), recorded at
 * t = 0 for tests of the equilibrium start: how many started asleep and
 * the sum of their first wake-up times; how many started mid-burst and the
 * sum of the bursts they had left. */
struct rq_census {
	uint64_t asleep, running;          /* residents */
	double wake_sum, burst_sum;        /* ns */
};
/* The run's census (state: struct sim.state, after init).  Returns 0. */
int rq_start_census(const void *state, struct rq_census *c);
/* least_loaded (models/runqslower/place.h): once brought up to date (as a
 * choice would), every leaf of the tree is its CPU's load now, every node
 * the least of its children, and the root the CPU a scan from CPU 0
 * keeping the first strict minimum picks (state: struct sim.state, between
 * events).  Returns 0, -1 on a mismatch, 1 when the placement is not
 * least_loaded (no tree). */
int rq_place_check(void *state);

#endif
