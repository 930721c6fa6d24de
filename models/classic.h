/* classic.h - the published reference model of runqslower's BPF part.
 *
 * The `classic` model (models/classic.c) ports, event for event, the small
 * simulation published with the study that motivated bpfsim; its behaviour is
 * specified in ../shared/reference-model.md and its quirks are kept on
 * purpose (accumulators starting at 1, the loop limit that processes at most
 * limit - 1 events, unclipped normal latencies, record/report misses that
 * inflate the map).  The production path is the ordinary model table
 * `model_classic` in the registry; this header only exposes what the tests
 * need to drive it deterministically:
 *
 *   - the names of the six latencies, of the six event kinds and of the
 *     metrics' slots;
 *   - classic_run_hooked(): one replication through the real engine
 *     (sim_init/sim_run: the same struct sim, event queue and handlers as
 *     `bpfsim run`), with two optional hooks - a draw function that replaces
 *     where the raw normal draws come from, and a trace callback that sees
 *     every scheduled and every processed event.
 *
 * Units: every time and latency is in ns.  Latencies are whole ns: the raw
 * draw is multiplied (or divided) by its factor and then rounded half to even
 * with rint(), exactly as in production, whether the draw came from GSL or
 * from the hook.
 */
#ifndef BPFSIM_CLASSIC_H
#define BPFSIM_CLASSIC_H

#include <stdint.h>
#include "sim/err.h"
#include "sim/model.h"
#include "sim/ytree.h"

extern const struct model model_classic;

/* The six random latencies; each has its own named RNG stream. */
enum classic_latency {
	CLASSIC_QUEUE,        /* ProcessQueue, x contention(cpu), stream "queue" */
	CLASSIC_RUN,          /* ProcessRun slice, / contention(cpu), "run" */
	CLASSIC_BPF_RECORD,   /* BpfQueue, x map factor, "bpf.record" */
	CLASSIC_BPF_REPORT,   /* BpfReport, x map factor, "bpf.report" */
	CLASSIC_PERF,         /* BpfPerfOutput, no factor, "perf" */
	CLASSIC_DEQUEUE,      /* ProcessDequeue, no factor, "dequeue" */
	CLASSIC_NLAT
};

/* Event kinds (the evq kind field). */
enum classic_event {
	CLASSIC_EV_START = 1,
	CLASSIC_EV_QUEUE,
	CLASSIC_EV_RECORD,
	CLASSIC_EV_REPORT,
	CLASSIC_EV_RUN,
	CLASSIC_EV_DEQUEUE,
};

/* Slots of the metrics array, in model_classic.metrics order. */
enum classic_metric {
	CLASSIC_M_OVERHEAD_RATIO,   /* bpf / run */
	CLASSIC_M_BPF_TIME,         /* final bpf accumulator, ns (starts at 1) */
	CLASSIC_M_RUN_TIME,         /* final run accumulator, ns (starts at 1) */
	CLASSIC_M_MAP_SIZE,         /* final global map_size */
	CLASSIC_M_EVENTS,           /* events processed */
	CLASSIC_M_REPORT_MISSES,    /* reports that found map_size == 0 */
	CLASSIC_M_DONE,             /* processes that finished (Run(0)) */
	CLASSIC_M_SIM_TIME,         /* time of the last processed event, ns */
	CLASSIC_NMETRICS
};

enum classic_trace_phase {
	CLASSIC_TRACE_SCHEDULE,     /* an event was pushed on the queue */
	CLASSIC_TRACE_HANDLE,       /* an event is about to be processed */
};

/* One trace record.  For HANDLE records due == time == now. */
struct classic_trace {
	enum classic_trace_phase phase;
	enum classic_event kind;
	uint64_t now;       /* ns: current simulated time */
	int64_t due;        /* ns: now + raw latency (may be < now, even < 0) */
	uint64_t time;      /* ns: time it is queued at, max(due, now) */
	uint32_t cpu;
	uint64_t proc;      /* process index 0..P-1 (Record/Report: the process
			     * whose Start or Queue scheduled them) */
	int64_t clock;      /* remaining clock carried (Start/Queue/Run/Dequeue) */
	int64_t qlat;       /* queue latency carried (Queue), else 0 */
};

struct classic_hooks {
	/* The raw normal draw for `which` (mean and sd as configured, ns),
	 * before its factor and rounding; NULL = mean + gsl_ran_gaussian(sd)
	 * on the latency's stream. */
	double (*draw)(void *ctx, enum classic_latency which, double mean,
		       double sd);
	/* Called for every scheduled and every processed event; NULL = none. */
	void (*trace)(void *ctx, const struct classic_trace *t);
	void *ctx;
};

/* Configure model_classic from the mapping `root` (the model's keys, as in a
 * scenario; defaults are written into the tree), then run replication `rep`
 * of seed `seed` on the engine with hooks `h` (NULL = none), writing
 * CLASSIC_NMETRICS values into metrics.  Returns the run's enum sim_status
 * (SIM_DONE on a normal end), or -1 with e set when configuration or
 * sim_init failed.  Single-threaded: the hooks are called from this thread. */
int classic_run_hooked(struct ynode *root, const struct classic_hooks *h,
		       uint64_t seed, uint64_t rep, double *metrics,
		       struct err *e);

#endif
