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

/* Read dotted `key` (one level of nesting at most) under sec.  Numbers
 * (program.*) are read by their own calls. */
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
	if (read_dist(sec, NULL, "tracepoint_buffer", &p->tp_buffer, e) ||
	    read_dist(sec, NULL, "syscall_work", &p->syscall_work, e))
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
	if (read_dist(sec, "cold", "sched_wakeup_new",
		      &p->cold[PH_SCHED_WAKEUP_NEW], e))
		return e->status;
	if (cfg_duration(sec, "task_storage_cache", def_of("task_storage_cache"),
			 0, 1e9, &p->task_storage_cache, e))
		return e->status;
	if (read_dist(sec, "output", "wakeup", &p->wakeup, e) ||
	    read_dist(sec, "syscall", "map_lookup_elem", &p->sys_lookup, e) ||
	    read_dist(sec, "syscall", "map_get_next_key", &p->sys_next_key, e) ||
	    read_dist(sec, "syscall", "map_lookup_batch", &p->sys_batch, e) ||
	    read_dist(sec, "syscall", "batch_entry", &p->batch_entry, e) ||
	    read_dist(sec, "program", "call", &p->call, e))
		return e->status;
	struct ynode *sy = cfg_section(sec, "syscall", e);
	if (!sy || cfg_number(sy, "batch_bucket", def_of("syscall.batch_bucket"),
			      0, 1e6, &p->batch_bucket, e))
		return e->status;
	struct ynode *pg = cfg_section(sec, "program", e), *isa;
	if (!pg ||
	    cfg_number(pg, "insn", def_of("program.insn"), 0, 1e6, &p->insn_ns, e) ||
	    cfg_number(pg, "jit_bytes", def_of("program.jit_bytes"), 0, 1e3,
		       &p->jit_bytes, e) ||
	    cfg_number(pg, "itlb_threshold", def_of("program.itlb_threshold"),
		       0, 1e15, &p->itlb_threshold, e) ||
	    cfg_number(pg, "itlb_ns_per_mib", def_of("program.itlb_ns_per_mib"),
		       0, 1e9, &p->itlb_ns_per_mib, e) ||
	    cfg_number(pg, "host_text", def_of("program.host_text"), 0, 1e15,
		       &p->host_text, e) ||
	    !(isa = cfg_section(pg, "isa", e)))
		return e->status;
	static const char *const isa_keys[PI_COUNT] = {
		"program.isa.v1", "program.isa.v2", "program.isa.v3",
		"program.isa.v4"
	};
	for (int i = 0; i < PI_COUNT; i++)
		if (cfg_number(isa, pd_isa_names[i], def_of(isa_keys[i]), 0.01,
			       100, &p->isa[i], e))
			return e->status;
	return 0;
}

void pd_prims_fini(struct pd_prims *p)
{
	if (!p)
		return;
	for (int a = 0; a < PA_COUNT; a++)
		dist_free(p->dispatch[a]);
	for (int h = 0; h < HL_COUNT; h++)
		dist_free(p->helper[h]);
	dist_free(p->tp_buffer);
	dist_free(p->syscall_work);
	dist_free(p->array_lookup);
	dist_free(p->array_update);
	dist_free(p->percpu_array_lookup);
	dist_free(p->percpu_array_update);
	dist_free(p->atomic_add);
	dist_free(p->bloom_peek);
	dist_free(p->bloom_push);
	dist_free(p->get_stackid);
	for (int h = 0; h < PH_COUNT; h++)
		dist_free(p->cold[h]);
	dist_free(p->wakeup);
	dist_free(p->sys_lookup);
	dist_free(p->sys_next_key);
	dist_free(p->sys_batch);
	dist_free(p->batch_entry);
	dist_free(p->call);
	memset(p, 0, sizeof(*p));
}
