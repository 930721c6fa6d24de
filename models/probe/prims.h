/* prims.h - the costs of the primitives a described program is made of.
 *
 * A described program costs: its dispatch (by attach type), each helper
 * call, each map operation (by map kind and side: maps.h), each output -
 * unless it gives its own `base:`, which then stands for dispatch and
 * helpers together.  The scenario section `primitives:` holds the
 * distributions below; pd_prims_params documents every key with its
 * default and source for `bpfsim models` (the defaults are what
 * pd_prims_read uses: they cannot drift).  Hash-kind and task-storage map
 * operations are priced by the storage strategies' own keys
 * (`storage.hash.*`, `storage.lru_hash.*`, `storage.task_storage.*`), and
 * outputs by `probe.output_cost.*`: one price per thing.
 */
#ifndef BPFSIM_PROBE_PRIMS_H
#define BPFSIM_PROBE_PRIMS_H

#include "models/probe/desc.h"
#include "sim/dist.h"
#include "sim/err.h"
#include "sim/model.h"
#include "sim/ytree.h"

struct pd_prims {
	struct dist *dispatch[PA_COUNT];
	struct dist *tp_buffer;       /* per event on a hook with a classic
					 tracepoint program */
	struct dist *syscall_work;    /* per system call with a program on
					 sys_enter or sys_exit */
	struct dist *helper[HL_COUNT];
	struct dist *array_lookup, *array_update;
	struct dist *percpu_array_lookup, *percpu_array_update;
	struct dist *atomic_add;      /* increment's add on a value found */
	struct dist *bloom_peek, *bloom_push;
	struct dist *get_stackid;
	/* per run of a program on a hook that runs after other heavy kernel
	 * work (NULL: none): its code and maps out of the CPU's caches */
	struct dist *cold[PH_COUNT];
	double task_storage_cache;    /* extra ns per get per task-storage map
					 beyond the per-task cache's 16 */
	/* output and readers */
	struct dist *wakeup;          /* the kernel's wake-up of a reader */
	struct dist *sys_lookup, *sys_next_key, *sys_batch, *batch_entry;
	double batch_bucket;          /* ns per bucket a batch read walks */
	/* program-level factors (only for programs with `insns` / `calls`) */
	double insn_ns;               /* per instruction of the program */
	struct dist *call;            /* per bpf2bpf call */
	double jit_bytes;             /* JIT bytes per BPF instruction */
	double itlb_threshold;        /* bytes of JIT text before iTLB misses */
	double itlb_ns_per_mib;       /* per run, per MiB of text beyond it */
	double host_text;             /* other programs' text on the host */
	double isa[PI_COUNT];         /* instruction-count factor by -mcpu */
};

/* Every key of `primitives:` as model_param entries (for a model's own
 * table too). */
#define PD_P(key, def, help) { "primitives." key, "dist(duration)", def, help }
#define PD_PRIMS_PARAMS \
	PD_P("dispatch.tp_btf", "normal(50ns, 5ns)", \
	  "per program on a hook: __bpf_trace_run around the program " \
	  "(rcu_read_lock, migrate_disable, the prog->active check, the " \
	  "indirect call) with an empty program's own run; measured on the " \
	  "reference host by calibrate primitives (calibrate/dispatch.h: 8 " \
	  "empty programs on sys_exit against 1, getppid timed: 49.8-50.4 ns)"), \
	PD_P("dispatch.raw_tp", "normal(50ns, 5ns)", \
	  "per program: the same __bpf_trace_run path as tp_btf (measured as " \
	  "above: 49.9-50.4 ns)"), \
	PD_P("dispatch.tracepoint", "normal(17ns, 2ns)", \
	  "per program on a classic tracepoint: trace_call_bpf's walk of the " \
	  "program array (bpf_prog_run_array) with an empty program's run; " \
	  "the perf buffer fill is once per event, tracepoint_buffer " \
	  "(measured as above: 16.7-16.9 ns)"), \
	PD_P("tracepoint_buffer", "normal(70ns, 10ns)", \
	  "once per event on a hook with at least one classic-tracepoint " \
	  "program, shared by them: perf_trace_<event> reserving and filling " \
	  "the perf trace buffer record (perf_trace_buf_alloc) before " \
	  "trace_call_bpf.  Measured on the reference host for " \
	  "raw_syscalls:sys_exit's record: one classic program costs 142 ns " \
	  "against none, of which the per-program 17 and the system-call slow " \
	  "path 55 (syscall_work); bigger records cost more"), \
	PD_P("syscall_work", "normal(55ns, 5ns)", \
	  "once per system call while any program is on sys_enter or " \
	  "sys_exit, shared by the tools that have one: the tracepoints set " \
	  "SYSCALL_WORK_SYSCALL_TRACEPOINT on every task (syscall_regfunc), " \
	  "so each call takes the entry and exit work paths " \
	  "(syscall_trace_enter, syscall_exit_work).  Measured on the " \
	  "reference host: one tp_btf program on sys_exit costs 105 ns per " \
	  "getppid against none, 50 of it the per-program dispatch"), \
	PD_P("helpers.ktime_get_ns", "normal(25ns, 3ns)", \
	  "bpf_ktime_get_ns: a clocksource read (kvm-clock in a VM; estimate)"), \
	PD_P("helpers.get_current_task", "normal(3ns, 0.5ns)", \
	  "bpf_get_current_task: a per-CPU read (estimate)"), \
	PD_P("helpers.get_current_pid_tgid", "normal(4ns, 0.5ns)", \
	  "bpf_get_current_pid_tgid (estimate)"), \
	PD_P("helpers.get_current_comm", "normal(12ns, 2ns)", \
	  "bpf_get_current_comm: a 16-byte copy (estimate)"), \
	PD_P("helpers.get_smp_processor_id", "normal(1ns, 0.2ns)", \
	  "bpf_get_smp_processor_id: inlined by the verifier (estimate)"), \
	PD_P("helpers.probe_read_kernel", "normal(25ns, 4ns)", \
	  "one bpf_probe_read_kernel (copy_from_kernel_nofault; estimate); " \
	  "BTF/CO-RE direct reads cost nothing extra"), \
	PD_P("helpers.get_current_cgroup_id", "normal(12ns, 2ns)", \
	  "bpf_get_current_cgroup_id (estimate)"), \
	PD_P("helpers.get_prandom_u32", "normal(5ns, 1ns)", \
	  "bpf_get_prandom_u32 (estimate)"), \
	PD_P("array.lookup", "normal(3ns, 0.5ns)", \
	  "array lookup: inlined by the verifier to an index check and an add " \
	  "(array_map_gen_lookup; estimate)"), \
	PD_P("array.update", "normal(20ns, 3ns)", \
	  "array_map_update_elem: a value copy (estimate)"), \
	PD_P("percpu_array.lookup", "normal(4ns, 0.5ns)", \
	  "per-CPU array lookup: inlined, plus this_cpu_ptr (estimate)"), \
	PD_P("percpu_array.update", "normal(22ns, 3ns)", \
	  "per-CPU array update from BPF (estimate)"), \
	PD_P("atomic_add", "normal(8ns, 1ns)", \
	  "the __sync_fetch_and_add an increment does on a value found " \
	  "(a locked add on a line shared by CPUs; estimate)"), \
	PD_P("bloom_filter.peek", "normal(45ns, 6ns)", \
	  "bloom_map_peek_elem: nr_hash_funcs jhash of the key and bit tests " \
	  "(5 hashes; estimate)"), \
	PD_P("bloom_filter.push", "normal(50ns, 6ns)", \
	  "bloom_map_push_elem: the same hashes and bit sets (estimate)"), \
	PD_P("stack_trace.get_stackid", "normal(900ns, 150ns)", \
	  "bpf_get_stackid: a frame-pointer unwind of ~20 frames, hash and " \
	  "bucket compare (estimate)"), \
	PD_P("cold.sched_wakeup_new", "normal(200ns, 40ns)", \
	  "extra per run of a program on sched_wakeup_new priced from the " \
	  "primitives (not with `base:`): wake_up_new_task runs at the end of " \
	  "a fork, after copy_process has filled the CPU's caches, and the " \
	  "program - its text, its maps' buckets and free lists - runs cold; " \
	  "the primitives are timed on a hot hook.  Measured on the reference " \
	  "host: the same program costs 150-320 ns more per run there than on " \
	  "sched_wakeup under sleepers:64 (calibrate storage's whole-program " \
	  "means; validate writes the window's own)"), \
	{ "primitives.task_storage_cache", "duration", "2ns", \
	  "extra cost of every task-storage get per task-storage map beyond 16 " \
	  "on the host (the per-task cache has 16 slots; published: ~30 ns at " \
	  "<= 16 maps, 34.6 at 17, 53.8 at 24, 70.9 at 32)" }, \
	PD_P("output.wakeup", "normal(1us, 0.2us)", \
	  "kernel time on the producing CPU when an output wakes a sleeping " \
	  "reader: irq_work_queue's self-IPI (an exit in a VM) and the irq_work " \
	  "(bpf_ringbuf_notify / perf_pending_irq) calling wake_up_all; the " \
	  "reader's sched_wakeup is the world's own (estimate)"), \
	PD_P("syscall.map_lookup_elem", "normal(2.8us, 0.3us)", \
	  "a reader's bpf(BPF_MAP_LOOKUP_ELEM) (measured on the reference " \
	  "host, a 4-byte-key hash of 100 to 10,000 entries, 10^5 calls: " \
	  "2.5 to 3.2 us; syscall entry and exit dominate in this VM)"), \
	PD_P("syscall.map_get_next_key", "normal(2.6us, 0.4us)", \
	  "a reader's bpf(BPF_MAP_GET_NEXT_KEY) (measured as above: 2.0 to " \
	  "3.6 us)"), \
	PD_P("syscall.map_lookup_batch", "normal(1us, 0.2us)", \
	  "a reader's bpf(BPF_MAP_LOOKUP_BATCH), per call, besides its " \
	  "buckets and entries (measured: a call returning one entry, 1.0 " \
	  "to 1.25 us)"), \
	PD_P("syscall.batch_entry", "normal(400ns, 80ns)", \
	  "per entry a batch call copies out (htab_map_lookup_batch / " \
	  "generic_map_lookup_batch; measured: a fit over 100, 1,000 and " \
	  "10,000 entries, ~400 ns, +-30%)"), \
	{ "primitives.syscall.batch_bucket", "number", "4", \
	  "ns per bucket a batch read of a hash kind walks, full or empty " \
	  "(htab_map_lookup_batch visits every one of the " \
	  "roundup_pow_of_two(max_entries) buckets; measured as above: 2 " \
	  "to 7 ns)" }, \
	{ "primitives.program.insn", "number", "0.3", \
	  "ns per BPF instruction of a program with `insns`, as if each ran " \
	  "once per run (~1 instruction per cycle at 3 GHz; an upper bound " \
	  "for programs that return early; estimate)" }, \
	PD_P("program.call", "normal(2ns, 0.5ns)", \
	  "per bpf2bpf call a program's run makes (`calls`): the JIT's call, " \
	  "prologue and epilogue that inlining saves (estimate)"), \
	{ "primitives.program.jit_bytes", "number", "4.4", \
	  "bytes of x86-64 JIT text per BPF instruction (measured on the " \
	  "reference host: bpftool prog show of calibrate/'s 11 programs, " \
	  "jited / (xlated / 8) = 4.38 to 4.49)" }, \
	{ "primitives.program.itlb_threshold", "number", "2097152", \
	  "bytes of JIT text on the host before programs miss in the iTLB: " \
	  "one bpf_prog_pack (BPF_PROG_PACK_SIZE, kernel/bpf/core.c: 2 MiB " \
	  "x NUMA nodes, a huge page per node on x86-64), mapped by one iTLB " \
	  "entry; raise it on a multi-node host" }, \
	{ "primitives.program.itlb_ns_per_mib", "number", "5", \
	  "ns per program run per MiB of JIT text beyond the threshold (iTLB " \
	  "pressure, the study's 2.5; estimate)" }, \
	{ "primitives.program.host_text", "number", "0", \
	  "bytes of JIT text of BPF programs already on the host besides the " \
	  "described tools (bpftool prog show: sum of jited)" }, \
	{ "primitives.program.isa.v1", "number", "1.15", \
	  "instructions for the same C under -mcpu=v1, relative to v3 (no " \
	  "32-bit jumps: zero-extending shifts before compares; estimate)" }, \
	{ "primitives.program.isa.v2", "number", "1.1", \
	  "... under -mcpu=v2 (adds jlt/jle/jslt/jsle; estimate)" }, \
	{ "primitives.program.isa.v3", "number", "1", \
	  "... under -mcpu=v3 (32-bit jumps and ALU; the reference)" }, \
	{ "primitives.program.isa.v4", "number", "0.97", \
	  "... under -mcpu=v4 (sign-extending loads, bswap, gotol; estimate)" }

/* Every key of `primitives:`, {NULL}-terminated. */
extern const struct model_param pd_prims_params[];

/* Read `primitives:` of root (strict; defaults written into the tree). */
int pd_prims_read(struct ynode *root, struct pd_prims *p, struct err *e);
void pd_prims_fini(struct pd_prims *p);

#endif
