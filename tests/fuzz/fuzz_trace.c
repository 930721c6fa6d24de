/* fuzz_trace.c - libFuzzer harness: the workload trace reader (runqslower's
 * `arrival: trace`, workload.trace: FILE.csv, "spawn_ns,demand_ns" lines;
 * models/runqslower/config.c load_trace).
 *
 * Each input is written as trace.csv into a private temporary directory
 * beside a scenario naming it (2 CPUs, 2 ms, no residents), and the
 * scenario is loaded (scenario_load: the model's configure reads the
 * trace).  A trace that loads is then run: one replication of 2 ms of
 * simulated time, capped at 200,000 events, so the spawns the reader
 * accepted (times up to 2^64-1 ns, demands up to 2^64-1 ns, equal times)
 * meet the engine - the model's invariants (SIM_CHECK) abort on a trace
 * the reader should have refused.
 * The oracle is the sanitizers plus: a refused trace carries ERR_INPUT or
 * ERR_RUNTIME with a message; an accepted one loads, emits and runs to
 * done or capped (never failed).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/cli/env.h"
#include "sim/exp/runner.h"
#include "sim/exp/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;
static char dir[64], trace[128], scen[128];

static void cleanup(void)
{
	unlink(trace);
	unlink(scen);
	rmdir(dir);
}

static void setup(void)
{
	if (devnull)
		return;
	devnull = fopen("/dev/null", "w");
	snprintf(dir, sizeof(dir), "/tmp/bpfsim-fuzztrace-XXXXXX");
	if (!devnull || !mkdtemp(dir))
		abort();
	snprintf(trace, sizeof(trace), "%s/trace.csv", dir);
	snprintf(scen, sizeof(scen), "%s/s.yaml", dir);
	atexit(cleanup);
	FILE *f = fopen(scen, "w");
	if (!f)
		abort();
	fputs("model: runqslower\nduration: 2ms\nreplications: 1\ncpus: 2\n"
	      "caps: {max_events: 200000}\n"
	      "workload: {arrival: trace, trace: trace.csv}\n", f);
	fclose(f);
}

static void check_err(const struct err *e)
{
	if ((e->status != ERR_INPUT && e->status != ERR_RUNTIME) || !e->msg[0])
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup();
	FILE *f = fopen(trace, "wb");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	struct err e;
	err_init(&e);
	struct scenario *sc = scenario_load(&cli_env, scen, NULL, 0, 0, NULL, &e);
	if (!sc) {
		check_err(&e);
		return 0;
	}
	if (scenario_emit(sc, devnull))
		abort();
	double *metrics = calloc(model_metric_count(sc->model), sizeof(double));
	struct runner_job j;
	if (!metrics)
		abort();
	scenario_job(sc, 0, 0, metrics, 1, &j);
	runner_run(&j, 1, 1, NULL, NULL, NULL);
	if (!j.done || j.status == SIM_FAILED) {
		fprintf(stderr, "fuzz_trace: an accepted trace failed: %s\n",
			j.error);
		abort();
	}
	runner_jobs_release(&j, 1);
	free(metrics);
	scenario_free(sc);
	return 0;
}
