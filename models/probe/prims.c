/* prims.c - the primitives' cost keys (prims.h).
 *
 * Defaults are estimates for a 6.x kernel on the reference host (AMD EPYC
 * VM), each with its reasoning in the help text; a host calibration
 * replaces them.  Dispatch is the work outside the program that the
 * tracepoint does per attached program - kernel/trace/bpf_trace.c
 * __bpf_trace_run for tp_btf/raw_tp (rcu_read_lock, migrate_disable, the
 * prog->active recursion check, bpf_prog_run, and the bpf_stats clock reads
 * when stats are on), trace_call_bpf + perf_trace_run_bpf_submit for a
 * classic tracepoint (the perf buffer fill and bpf_prog_active check come
 * first) - and that bpf_stats' run_time_ns never sees.
 */
#include <stdlib.h>
#include <string.h>

#include "models/probe/prims.h"
#include "sim/cfg.h"

const struct model_param pd_prims_params[] = {
	PD_PRIMS_PARAMS,
	{ NULL, NULL, NULL, NULL }
};

static const char *def_of(const char *key)
{
	for (const struct model_param *p = pd_prims_params; p->key; p++)
		if (!strcmp(p->key + strlen("primitives."), key))
			return p->def;
	return NULL;
}

/* Read dotted `key` (one level of nesting at most) under sec. */
static int read_dist(struct ynode *sec, const char *group, const char *key,
		     struct dist **out, struct err *e)
{
	char full[64];
	struct ynode *m = sec;
	if (group) {
		snprintf(full, sizeof(full), "%s.%s", group, key);
		if (!(m = cfg_section(sec, group, e)))
			return e->status;
	} else {
		snprintf(full, sizeof(full), "%s", key);
	}
	return cfg_dist(m, key, def_of(full), DIST_DURATION, out, e);
}

int pd_prims_read(struct ynode *root, struct pd_prims *p, struct err *e)
{
	memset(p, 0, sizeof(*p));
	struct ynode *sec = cfg_section(root, "primitives", e);
	if (!sec)
		return e->status;
	for (int a = 0; a < PA_COUNT; a++)
		if (read_dist(sec, "dispatch", pd_attach_names[a], &p->dispatch[a], e))
			return e->status;
	for (int h = 0; h < HL_COUNT; h++)
		if (read_dist(sec, "helpers", pd_helper_names[h], &p->helper[h], e))
			return e->status;
	if (read_dist(sec, "array", "lookup", &p->array_lookup, e) ||
	    read_dist(sec, "array", "update", &p->array_update, e) ||
	    read_dist(sec, "percpu_array", "lookup", &p->percpu_array_lookup, e) ||
	    read_dist(sec, "percpu_array", "update", &p->percpu_array_update, e) ||
	    read_dist(sec, NULL, "atomic_add", &p->atomic_add, e) ||
	    read_dist(sec, "bloom_filter", "peek", &p->bloom_peek, e) ||
	    read_dist(sec, "bloom_filter", "push", &p->bloom_push, e) ||
	    read_dist(sec, "stack_trace", "get_stackid", &p->get_stackid, e))
		return e->status;
	return cfg_duration(sec, "task_storage_cache", def_of("task_storage_cache"),
			    0, 1e9, &p->task_storage_cache, e);
}

void pd_prims_fini(struct pd_prims *p)
{
	if (!p)
		return;
	for (int a = 0; a < PA_COUNT; a++)
		dist_free(p->dispatch[a]);
	for (int h = 0; h < HL_COUNT; h++)
		dist_free(p->helper[h]);
	dist_free(p->array_lookup);
	dist_free(p->array_update);
	dist_free(p->percpu_array_lookup);
	dist_free(p->percpu_array_update);
	dist_free(p->atomic_add);
	dist_free(p->bloom_peek);
	dist_free(p->bloom_push);
	dist_free(p->get_stackid);
	memset(p, 0, sizeof(*p));
}
