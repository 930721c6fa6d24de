// SPDX-License-Identifier: GPL-2.0
/* rqslower.bpf.c - runqslower-style probes with timed storage operations
 * (rqslower.h).  Built twice: RQS_TASK=0 gives rqs_hash (pid-keyed hash map,
 * libbpf-tools' runqslower), RQS_TASK=1 gives rqs_task (task local storage,
 * the kernel's tools/bpf/runqslower).
 *
 * What the real tools do, per hook (TP_PROTO of include/trace/events/sched.h):
 *   sched_wakeup(p), sched_wakeup_new(p): store "runnable since now" for p;
 *   sched_switch(preempt, prev, next, prev_state): store it for prev if prev
 *   is still runnable (preempted), look up next's stamp, report the wait if
 *   it exceeds min_ns, delete the stamp (after a report; with
 *   ctl.del_one_in = k also after one lookup in k, so that records meet
 *   both present and absent entries: every cost class gets values).
 * With ctl.measure each storage operation is timed:
 *   t0 = ktime; op; t1 = ktime  ->  histogram of t1 - t0
 * preceded by an empty bracket (ktime; ktime) recorded as RQS_BASE, which
 * user space subtracts.  Names: tp_btf programs are named after their hook;
 * the hash variant also has raw_tp programs (handle_<hook>) for kernels
 * that cannot fentry-profile tp_btf programs.  Task storage needs the task
 * as a BTF pointer, which raw_tp arguments are not: tp_btf only.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "calibrate/calib.bpf.h"
#include "calibrate/rqslower.h"

#ifndef RQS_TASK
#define RQS_TASK 0
#endif

char LICENSE[] SEC("license") = "GPL";

struct rqs_ctl ctl = { .min_ns = 10000000 };

#if RQS_TASK
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} start SEC(".maps");
#else
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");
#endif

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

PERCPU_ARRAY(hists, RQS_NOPS, struct hist);

PERCPU_ARRAY(counters, 1, struct rqs_counters);

static __always_inline struct rqs_counters *cnt(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&counters, &zero);
}

#define OP(c, hook, op)                                                    \
	do {                                                               \
		if (c)                                                     \
			(c)->ops[hook][op]++;                              \
	} while (0)

/* The empty bracket, once per timed operation. */
static __always_inline void baseline(void)
{
	__u64 t0 = bpf_ktime_get_ns();
	__u64 t1 = bpf_ktime_get_ns();
	HIST_ADD(hists, RQS_BASE, t1 - t0);
}

/* Time `stmt` into histogram `op` (after an empty bracket for the
 * baseline user space subtracts). */
#define TIMED(op, stmt)                                                    \
	do {                                                               \
		__u64 t0_, t1_;                                            \
		baseline();                                                \
		t0_ = bpf_ktime_get_ns();                                  \
		stmt;                                                      \
		t1_ = bpf_ktime_get_ns();                                  \
		HIST_ADD(hists, op, t1_ - t0_);                            \
	} while (0)

#if RQS_TASK
/* Tasks that have had storage in `start` (pid -> start_time, so a reused
 * pid is a new task): tells a first create from a re-create after delete.
 * Read before the bracket, written after it; touched in measure mode only. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");
#else
/* Which pids have a key in `start` (value: gen << 32 | pid at
 * pid & 0xffff): tells an insert from a replace without touching the hash
 * map before the bracket.  Read before the bracket, written after it;
 * touched in measure mode only; a pid sharing the low 16 bits with another
 * live one can be misclassified (rare). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u64);
} present SEC(".maps");

static __always_inline void mark(__u32 pid, int on)
{
	__u32 k = pid & 0xffff;
	__u64 *v = bpf_map_lookup_elem(&present, &k);
	if (v)
		*v = on ? ((__u64)ctl.gen << 32 | pid) : 0;
}

static __always_inline int marked(__u32 pid)
{
	__u32 k = pid & 0xffff;
	__u64 *v = bpf_map_lookup_elem(&present, &k);
	return v && *v == ((__u64)ctl.gen << 32 | pid);
}
#endif

/* Store "runnable since ts" for p (trace_enqueue in the real tools), on the
 * wake side (hook sched_wakeup/_new) or the switch side (a preempted prev). */
static __always_inline void record(struct task_struct *p, __u32 hook,
				   __u64 ts, __u32 measure,
				   struct rqs_counters *c)
{
	int wake = hook != RQS_SWITCH;
#if RQS_TASK
	__u64 *ptr;
	if (!measure) {
		/* One get(F_CREATE), as the tool: counted as a get of its
		 * side (user space adds the creates it implies). */
		OP(c, hook, wake ? RQS_GET_WAKE : RQS_LOOKUP);
		ptr = bpf_task_storage_get(&start, p, 0,
					   BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (ptr)
			*ptr = ts;
		else if (c)
			c->failed++;
		return;
	}
	/* The get is timed as a get when it finds the storage; when it
	 * misses, the get(F_CREATE) that follows is timed as the create
	 * (the model charges a create plus a get for it). */
	__u64 t0, t1;
	baseline();
	t0 = bpf_ktime_get_ns();
	ptr = bpf_task_storage_get(&start, p, 0, 0);
	t1 = bpf_ktime_get_ns();
	if (ptr) {
		HIST_ADD(hists, wake ? RQS_GET_WAKE : RQS_LOOKUP, t1 - t0);
		OP(c, hook, wake ? RQS_GET_WAKE : RQS_LOOKUP);
	}
	if (!ptr) {
		__u32 pid = BPF_CORE_READ(p, pid);
		__u64 born = BPF_CORE_READ(p, start_time);
		__u64 *had = bpf_map_lookup_elem(&seen, &pid);
		int again = had && *had == born;
		if (again)
			TIMED(RQS_RECREATE,
			      ptr = bpf_task_storage_get(&start, p, 0,
					BPF_LOCAL_STORAGE_GET_F_CREATE));
		else
			TIMED(RQS_CREATE,
			      ptr = bpf_task_storage_get(&start, p, 0,
					BPF_LOCAL_STORAGE_GET_F_CREATE));
		OP(c, hook, again ? RQS_RECREATE : RQS_CREATE);
		if (!again)
			bpf_map_update_elem(&seen, &pid, &born, BPF_ANY);
	}
	if (ptr)
		*ptr = ts;
	else if (c)
		c->failed++;
#else
	__u32 pid = BPF_CORE_READ(p, pid);
	long err;
	if (!pid)
		return;
	if (!measure) {
		/* BPF_ANY, as the tool: counted as an insert (wake side) or
		 * a switch-side update. */
		OP(c, hook, wake ? RQS_INSERT : RQS_UPDATE_SW);
		if (bpf_map_update_elem(&start, &pid, &ts, BPF_ANY) && c)
			c->failed++;
		return;
	}
	/* BPF_ANY, as the tool, classed by the `present` marks. */
	int op = wake ? (marked(pid) ? RQS_REPLACE : RQS_INSERT) : RQS_UPDATE_SW;
	TIMED(op, err = bpf_map_update_elem(&start, &pid, &ts, BPF_ANY));
	OP(c, hook, op);
	if (!err)
		mark(pid, 1);
	if (err && c)
		c->failed++;
#endif
}

static __always_inline int on_wakeup(struct task_struct *p, __u32 hook)
{
	__u32 measure = ctl.measure;
	struct rqs_counters *c = cnt();
	if (c)
		c->runs[hook]++;
	record(p, hook, bpf_ktime_get_ns(), measure, c);
	return 0;
}

static __always_inline void report(struct task_struct *next, __u64 delta,
				   __u32 measure, struct rqs_counters *c)
{
	struct rqs_event ev = {};
	__u64 t0 = 0, t1 = 0;
	long err;
	ev.delta_ns = delta;
	ev.pid = BPF_CORE_READ(next, pid);
	BPF_CORE_READ_STR_INTO(&ev.comm, next, comm);
	OP(c, RQS_SWITCH, RQS_OUTPUT);
	if (measure) {
		baseline();
		t0 = bpf_ktime_get_ns();
	}
	err = bpf_ringbuf_output(&events, &ev, sizeof(ev), 0);
	if (measure) {
		t1 = bpf_ktime_get_ns();
		HIST_ADD(hists, RQS_OUTPUT, t1 - t0);
	}
	if (c) {
		if (err)
			c->dropped++;
		else
			c->reports++;
	}
}

static __always_inline int on_switch(struct task_struct *prev,
				     struct task_struct *next)
{
	__u32 measure = ctl.measure;
	struct rqs_counters *c = cnt();
	__u64 t0 = 0, t1 = 0, now, delta, *tsp;
	int reported = 0;

	if (c)
		c->runs[RQS_SWITCH]++;
	/* Both tools' trace_enqueue return on pid 0: the idle task is
	 * TASK_RUNNING when it switches out, and is never recorded. */
	if ((task_state(prev) & 0xff) == TASK_RUNNING && BPF_CORE_READ(prev, pid))
		record(prev, RQS_SWITCH, bpf_ktime_get_ns(), measure, c);
	__u32 pid = BPF_CORE_READ(next, pid);
#if RQS_TASK
	/* tools/bpf/runqslower: `if (!pid) return 0` saves the get. */
	if (!pid)
		return 0;
#endif
	/* libbpf-tools' handle_switch looks next's pid up even when it is 0
	 * (the idle task) and misses: an ordinary miss, which the model
	 * charges too. */
	if (measure) {
		baseline();
		t0 = bpf_ktime_get_ns();
	}
#if RQS_TASK
	tsp = bpf_task_storage_get(&start, next, 0, 0);
#else
	tsp = bpf_map_lookup_elem(&start, &pid);
#endif
	if (measure)
		t1 = bpf_ktime_get_ns();
	/* Task storage: a get of the switch side, found or not; hash: a hit
	 * or a miss (the model's two lookup classes). */
	int op = RQS_TASK || tsp ? RQS_LOOKUP : RQS_MISS;
	if (measure)
		HIST_ADD(hists, op, t1 - t0);
	OP(c, RQS_SWITCH, op);
	if (!tsp)
		return 0;      /* missed enqueue */
	now = bpf_ktime_get_ns();
	delta = now > *tsp ? now - *tsp : 0;
	if (delta > ctl.min_ns) {
		report(next, delta, measure, c);
		reported = 1;
	}
	__u32 k = ctl.del_one_in;
	if (!reported && !(k && bpf_get_prandom_u32() % k == 0))
		return 0;
	OP(c, RQS_SWITCH, RQS_DELETE);
	if (measure) {
		baseline();
		t0 = bpf_ktime_get_ns();
	}
#if RQS_TASK
	bpf_task_storage_delete(&start, next);
#else
	bpf_map_delete_elem(&start, &pid);
#endif
	if (measure) {
		t1 = bpf_ktime_get_ns();
		HIST_ADD(hists, RQS_DELETE, t1 - t0);
#if !RQS_TASK
		mark(pid, 0);
#endif
	}
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(sched_wakeup, struct task_struct *p)
{
	return on_wakeup(p, RQS_WAKEUP);
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(sched_wakeup_new, struct task_struct *p)
{
	return on_wakeup(p, RQS_WAKEUP_NEW);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	return on_switch(prev, next);
}

#if !RQS_TASK
SEC("raw_tp/sched_wakeup")
int BPF_PROG(handle_sched_wakeup, struct task_struct *p)
{
	return on_wakeup(p, RQS_WAKEUP);
}

SEC("raw_tp/sched_wakeup_new")
int BPF_PROG(handle_sched_wakeup_new, struct task_struct *p)
{
	return on_wakeup(p, RQS_WAKEUP_NEW);
}

SEC("raw_tp/sched_switch")
int BPF_PROG(handle_sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	return on_switch(prev, next);
}
#endif
