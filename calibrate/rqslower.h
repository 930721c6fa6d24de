/* rqslower.h - what rqslower.bpf.c and rqslower.c share (fixed-width only).
 *
 * The bundled runqslower-style probes, built twice from one source:
 * rqs_hash (BPF_MAP_TYPE_HASH keyed by pid, as libbpf-tools' runqslower)
 * and rqs_task (BPF_MAP_TYPE_TASK_STORAGE, as the kernel's
 * tools/bpf/runqslower).  With ctl.measure set, every storage operation is
 * bracketed by bpf_ktime_get_ns() and its bracketed duration recorded; an
 * empty bracket (two reads back to back) is recorded next to it as the
 * baseline user space subtracts.  With measure clear they run as plain
 * runqslower (what bpf_stats' whole-program means are taken of).
 */
#ifndef BPFSIM_CALIB_RQSLOWER_H
#define BPFSIM_CALIB_RQSLOWER_H

/* Bracketed operations (histograms, one per CPU each), one per cost class
 * of the model (models/storage.h) and side of the scheduler: the wake side
 * (sched_wakeup, sched_wakeup_new, on the wakee) and the switch side
 * (sched_switch, on prev and next). */
enum rqs_op {
	RQS_BASE,      /* empty bracket: the timer's own cost */
	RQS_INSERT,    /* hash, wake side: update of an absent key */
	RQS_REPLACE,   /* hash, wake side: update of a present key (timed as a
			  refused BPF_NOEXIST update plus a BPF_EXIST one) */
	RQS_UPDATE_SW, /* hash, switch side: update of a preempted prev */
	RQS_LOOKUP,    /* hash: lookup that finds the key (switch side);
			  task: storage get (no create) on the switch side */
	RQS_MISS,      /* hash: lookup that misses (switch side) */
	RQS_GET_WAKE,  /* task: storage get (no create) on the wake side */
	RQS_DELETE,    /* hash: bpf_map_delete_elem; task: bpf_task_storage_delete */
	RQS_CREATE,    /* task: get with F_CREATE, first storage of this task */
	RQS_RECREATE,  /* task: get with F_CREATE after a delete */
	RQS_OUTPUT,    /* bpf_ringbuf_output of a report */
	RQS_NOPS
};

enum rqs_hook { RQS_WAKEUP, RQS_WAKEUP_NEW, RQS_SWITCH, RQS_NHOOKS };

/* Per-CPU counts: runs of each hook and the operations each performed. */
struct rqs_counters {
	__u64 runs[RQS_NHOOKS];
	__u64 ops[RQS_NHOOKS][RQS_NOPS];
	__u64 failed;          /* updates/creates refused (map full, no memory) */
	__u64 reports;         /* waits over min_ns sent to the ring buffer */
	__u64 dropped;         /* reports the ring buffer had no room for */
};

/* A report (runqslower's event). */
struct rqs_event {
	__u64 delta_ns;
	__u32 pid;
	__u32 pad;
	char comm[16];
};

/* Controls user space changes while the probes run (global data, not
 * rodata: the same loaded programs run plain, as the real tools, for the
 * whole-program means, then timed). */
struct rqs_ctl {
	__u64 min_ns;          /* report waits longer than this */
	__u32 measure;         /* bracket and record every operation */
	__u32 del_one_in;      /* 0: delete after a report only, as the real
				  tools do; k: also after one lookup in k
				  (at random), so records meet both a
				  present entry and an absent one */
	__u32 gen;             /* hash: user space bumps it when it empties
				  the map (rqs_clear), which forgets every
				  `present` mark */
};

#endif
