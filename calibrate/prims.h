/* prims.h - what prims.bpf.c and prims.c share (fixed-width only).
 *
 * `bpfsim calibrate primitives`: one tp_btf program on a hot tracepoint
 * (sched_switch or raw_syscalls sys_exit) times, on every run, each
 * primitive a described program is priced by (models/probe/prims.h) -
 * bracketed by bpf_ktime_get_ns() as rqslower.bpf.c times storage
 * operations, an empty bracket recorded beside them as the baseline user
 * space subtracts.  The hash is the shape of libbpf-tools' counters
 * (syscount's `data`, runqlat's `hists`): a u32 key, 8192 entries, one hot
 * key looked up and replaced on every run.
 */
#ifndef BPFSIM_CALIB_PRIMS_H
#define BPFSIM_CALIB_PRIMS_H

enum prim_op {
	PRIM_BASE,          /* empty bracket: the timer's own cost */
	PRIM_KTIME,         /* bpf_ktime_get_ns */
	PRIM_PID_TGID,      /* bpf_get_current_pid_tgid */
	PRIM_CURRENT_TASK,  /* bpf_get_current_task */
	PRIM_PROBE_READ,    /* bpf_probe_read_kernel of 4 bytes (a BPF_CORE_READ) */
	PRIM_HASH_LOOKUP,   /* hash lookup of the hot key (found) */
	PRIM_HASH_MISS,     /* hash lookup of an absent key */
	PRIM_HASH_REPLACE,  /* hash update of the hot key (BPF_EXIST) */
	PRIM_ATOMIC_ADD,    /* __sync_fetch_and_add on the hot key's value */
	PRIM_ARRAY_LOOKUP,  /* array lookup (inlined by the verifier) */
	PRIM_PCPU_LOOKUP,   /* per-CPU array lookup */
	PRIM_NOPS
};

#define PRIM_HASH_ENTRIES 8192
#define PRIM_HOT_KEY 1
#define PRIM_ABSENT_KEY 4242

#endif
