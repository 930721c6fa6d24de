/* tools.h - described BPF tools (models/probe/) on the runqslower world.
 *
 * With `tools:` in the scenario (a list of descriptions, inline or
 * `{include: FILE}`), the world's hooks run the tools' programs instead of
 * the built-in runqslower probe (probe.c), and the world fires the hooks
 * only described tools attach to: sched_process_fork (the parent's CPU, as
 * kernel/fork.c copy_process -> trace_sched_process_fork), sched_process_exec
 * (a spawned task's first run: the model's processes are fork+exec),
 * sched_migrate_task (a wake-up placed on another CPU than the task last
 * ran on: kernel/sched/core.c set_task_cpu in try_to_wake_up), and
 * raw_syscalls sys_enter/sys_exit (workload.syscalls: system calls made
 * while tasks run).  Every program's cost is BPF time on the CPU where the
 * hook fires (probe_charge); with `probe.attach: false` nothing runs.
 *
 * Readers: every map with a `reader:` block gets a user-space task of
 * class CLS_READER, a process of the world like any other (placed, queued,
 * preempted; its wake-ups and switches fire the tools' hooks).  An output
 * map's reader sleeps in epoll_wait; an output whose kernel wake-up rule
 * fires (models/probe/ring.h) wakes it through an EV_WAKE at the same
 * instant (the irq_work runs as soon as the program returns): the
 * wake-up's kernel cost (primitives.output.wakeup) is charged to the
 * producing CPU as kernel time and sched_wakeup runs there; a timeout
 * (reader.timeout) wakes it too.  Once on a CPU it drains the buffer in
 * bursts of up to 16 records: per_wakeup (the first, after a wake-up) +
 * records x per_record of CPU time, their space freed and their cost
 * counted when the burst ends; it drains until the buffer is empty (no
 * further per_wakeup: the ring loop of libbpf's ring_buffer__poll), then
 * sleeps.  A map reader (`poll:`) sleeps
 * `every`, then reads the map's entries: per key, one get_next_key and one
 * lookup syscall per entry (plus the final get_next_key), or in batches,
 * one lookup_batch per batch_size entries plus batch_entry per entry; and
 * per_record per entry.  The reader's own system calls do not fire
 * sys_enter/sys_exit (a simplification: a syscall tracer would see them).
 * What the reader costs is its CPU time: `payload_time` of the model (it
 * is a user task) and `T.reader_time` of its tool; `T.cost_share` is the
 * tool's BPF time + reader time + wake-up kernel time over all CPU time.
 *
 * Metrics: the model's own (totals over every tool; reports = outputs;
 * the probe's wait, missed samples and false reports read off lookups of
 * `next` on sched_switch) and, per tool T, `T.*` (tools_metrics; the
 * reader metrics only for a tool with a reader).
 */
#ifndef BPFSIM_RUNQSLOWER_TOOLS_H
#define BPFSIM_RUNQSLOWER_TOOLS_H

#include "models/runqslower/internal.h"
#include "sim/model.h"

/* Read `tools:`, `primitives:` and `workload.syscalls` into c (strict).
 * 0 or e->status. */
int tools_read(struct rq_cfg *c, struct ynode *root, struct err *e);
void tools_config_free(struct rq_cfg *c);
/* The model's metrics followed by every tool's, or NULL without tools
 * (owned by c). */
/* The entry of a tool metric named "T.X" or "T.P.X" (model.metric_like);
 * NULL for other names.  Its `name` is the metric's last part. */
const struct model_metric *tools_metric_like(const char *name);
const struct model_metric *tools_metrics(const void *cfg);
/* Per-run state; -1 on allocation failure. */
int tools_init(struct rq_run *R);
void tools_fini(struct rq_run *R);

/* The hooks (no-ops without tools). */
void tools_wakeup(struct rq_run *R, uint32_t c, uint32_t pid, int is_new);
void tools_switch(struct rq_run *R, uint32_t c, uint32_t prev,
		  int prev_runnable, uint32_t next);
void tools_exit(struct rq_run *R, uint32_t c, uint32_t pid);
void tools_fork(struct rq_run *R, uint32_t c, uint32_t parent, uint32_t child);
void tools_exec(struct rq_run *R, uint32_t c, uint32_t pid);
void tools_migrate(struct rq_run *R, uint32_t c, uint32_t pid);
/* Task pid ran `ran` ns on CPU c: the system calls it made meanwhile
 * (Poisson, workload.syscalls.rate per second of CPU time), each firing
 * sys_enter and, its in-kernel duration later, sys_exit.  Returns their
 * programs' cost, ns, for the caller to charge once the CPU's segment is
 * settled. */
uint64_t tools_syscalls(struct rq_run *R, uint32_t c, uint32_t pid,
			uint64_t ran);
/* Readers (above).  tools_readers_init creates their tasks, asleep (-1:
 * out of pids or memory); tools_reader_burst: reader pid gets a CPU - the
 * CPU time of its burst or read, ns (it claims the records); _drained: that
 * burst ran to its end - 1 when more records wait (drain on);
 * tools_reader_nap: it goes to sleep - ns until its timeout or next poll,
 * 0 for none; tools_reader_wake: an EV_WAKE for pid is due (no-op unless
 * pid is a reader): charges the kernel's wake-up when the kernel asked. */
int tools_readers_init(struct rq_run *R);
uint64_t tools_reader_burst(struct rq_run *R, uint32_t pid);
int tools_reader_drained(struct rq_run *R, uint32_t pid);
uint64_t tools_reader_nap(struct rq_run *R, uint32_t pid);
void tools_reader_wake(struct rq_run *R, uint32_t pid);
/* Fill the per-tool metrics (after the model's own, m: the whole array). */
void tools_report(struct rq_run *R, double *m);
/* The per-tool counters a warm-up cut subtracts: how many, and gathered
 * (after the model's own, report.c rq_gather). */
size_t tools_nvals(const struct rq_cfg *c);
void tools_gather(const struct rq_run *R, double *out);
/* Recompute the per-tool metrics after a warm-up cut at `cut` ns, once m
 * holds the model's steady-state metrics. */
void tools_steady(struct sim *s, struct rq_run *R, uint64_t cut, double *m);

#endif
