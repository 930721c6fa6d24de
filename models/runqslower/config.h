/* config.h - reading the runqslower model's scenario keys (struct rq_cfg).
 *
 * rq_configure validates every key strictly (positioned errors through
 * cfg_*, exit status 2 upstream) and writes each default it used into the
 * tree, so the resolved scenario shows them.  Every storage strategy's
 * section is read and validated, not only the one selected, so a typo in
 * an unused strategy's section is still caught.  rq_params documents the
 * same keys for `bpfsim models`; strategies document their own keys
 * (storage_ops.params).
 */
#ifndef BPFSIM_RUNQSLOWER_CONFIG_H
#define BPFSIM_RUNQSLOWER_CONFIG_H

#include "models/runqslower/internal.h"

extern const struct model_param rq_params[];

/* The model's configure(): a new struct rq_cfg, or NULL with e set. */
void *rq_configure(struct ynode *root, struct err *e);
/* Free a config from rq_configure; accepts NULL. */
void rq_config_free(void *cfg);
/* struct model's config_share: cfg takes like's trace arrays (one copy,
 * counted in trace_refs) when its own are equal. */
void rq_config_share(void *cfg, const void *like);
/* struct model's config_digest: the trace's spawn times and demands. */
uint64_t rq_config_digest(const void *cfg, uint64_t h);

#endif
