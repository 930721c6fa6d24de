/* topo.h - the host's CPU topology in the runqslower model: SMT cores and
 * last-level-cache (LLC) domains (scenario keys topology.smt and
 * topology.llc).
 *
 * CPUs are numbered so that a core's SMT siblings are consecutive and an
 * LLC domain is a consecutive run of whole cores: CPU c is on core c / smt
 * and in LLC c / llc.  Linux numbers siblings differently on most x86
 * hosts (cpu0 and cpu0 + ncores share a core); the model's CPU ids are
 * labels, so only the grouping matters.  The configuration guarantees
 * llc % smt == 0 and cpus % llc == 0 (config.c; the key's 0 is stored as
 * cpus).  The defaults, smt 1 and llc = cpus, are one domain of single-thread cores: what the model
 * assumed before it had a topology.
 *
 * Where the kernel reads the topology: cpus_share_cache (sd_llc_id) in
 * ttwu_queue_cond and select_idle_sibling; cpu_smt_mask in
 * select_idle_core / select_idle_smt; the sched-domain levels SMT, MC
 * (the LLC) and PKG that load balancing walks (kernel/sched/topology.c).
 */
#ifndef BPFSIM_RUNQSLOWER_TOPO_H
#define BPFSIM_RUNQSLOWER_TOPO_H

#include "models/runqslower/internal.h"

/* The first CPU of CPU c's core, and of its LLC domain. */
static inline uint32_t topo_core_first(const struct rq_cfg *cfg, uint32_t c)
{
	return c - c % cfg->smt;
}

static inline uint32_t topo_llc_first(const struct rq_cfg *cfg, uint32_t c)
{
	return c - c % cfg->llc;
}

/* cpus_share_cache: are CPUs a and b in the same LLC domain? */
static inline int topo_share_cache(const struct rq_cfg *cfg, uint32_t a,
				   uint32_t b)
{
	return a / cfg->llc == b / cfg->llc;
}

#endif
