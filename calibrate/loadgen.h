/* loadgen.h - the built-in load generator `bpfsim calibrate` drives a host with.
 *
 * Three loads, written as on the command line (--load):
 *   spawn:RATE[:WORK]    processes forked at RATE per second (Poisson
 *                        arrivals; "2000", "2k", "2000/s"), each burning
 *                        WORK of CPU (default 50us) and exiting: pid churn,
 *                        sched_wakeup_new, short lifetimes.
 *   sleepers:N[:RATE]    N threads that sleep and wake, RATE wake-ups per
 *                        second in all (default 20000/s, so each thread
 *                        sleeps N/RATE seconds), burning 2us per wake-up:
 *                        N distinct active tasks touching the probes' maps.
 *   syscalls:RATE[:T]    getppid(2) system calls at RATE per second in
 *                        all ("200k"), from T threads (default 1) that
 *                        each make a batch every millisecond and sleep:
 *                        raw_syscalls sys_enter/sys_exit at a known rate
 *                        for syscall tracers (syscount).
 *   none                 nothing.
 * Several loads join with '+': "spawn:500+sleepers:64".
 *
 * The generator runs in child processes forked by loadgen_start(): each
 * child closes every inherited descriptor (so no BPF program or map
 * outlives bpfsim through it), asks for SIGKILL when its parent dies
 * (PR_SET_PDEATHSIG), and on SIGTERM stops, reaps its own children and
 * exits.  loadgen_stop() sends SIGTERM, waits (SIGKILL after 2 s) and
 * reports what the children did.  On the pipe each child writes one byte
 * when it runs, and a uint64_t count when it stops.  Memory: one process per load; sleepers
 * use 64 KiB stacks (8192 sleepers: 512 MiB of address space, little of it
 * touched).
 */
#ifndef BPFSIM_CALIB_LOADGEN_H
#define BPFSIM_CALIB_LOADGEN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define LOADGEN_MAX_PARTS 4
#define LOADGEN_MAX_SLEEPERS 65536

enum loadgen_kind { LOAD_SPAWN, LOAD_SLEEPERS, LOAD_SYSCALLS };

struct loadgen_part {
	enum loadgen_kind kind;
	double rate;        /* spawns/s, wake-ups/s of all sleepers, or
			       system calls/s of all syscalls threads */
	double work_ns;     /* CPU burnt per spawn / per wake-up */
	unsigned n;         /* sleepers, or syscalls threads */
};

struct loadgen_spec {
	size_t nparts;      /* 0 = no load */
	struct loadgen_part part[LOADGEN_MAX_PARTS];
};

struct loadgen {
	size_t n;
	pid_t pid[LOADGEN_MAX_PARTS];
	int fd[LOADGEN_MAX_PARTS];      /* read end: the child's report */
	uint64_t done[LOADGEN_MAX_PARTS];  /* spawns / wake-ups reported */
	double t0, elapsed;             /* s (CLOCK_MONOTONIC) */
};

/* Parse "spawn:2000", "sleepers:64:5000", "spawn:500+sleepers:8", "none".
 * 0, or -1 with a reason in why. */
int loadgen_parse(const char *text, struct loadgen_spec *s, char *why,
		  size_t whylen);
/* Text form of a spec into buf ("spawn:2000/s:50us"); returns buf. */
char *loadgen_format(const struct loadgen_spec *s, char *buf, size_t size);
/* What a part's count counts: "spawns", "wake-ups", "system calls". */
const char *loadgen_unit(enum loadgen_kind k);
/* Start every part (no-op for an empty spec) and wait until each runs
 * (its threads created; at most 30 s).  0, or -1 with errno set (anything
 * started is stopped again). */
int loadgen_start(const struct loadgen_spec *s, struct loadgen *g);
/* Stop and reap; fills done[] and elapsed.  Safe on a zeroed or stopped
 * struct loadgen. */
void loadgen_stop(struct loadgen *g);

#endif
