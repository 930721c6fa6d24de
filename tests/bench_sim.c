/* bench_sim.c - single-threaded throughput of whole simulations.
 *
 * Runs one replication of a scenario on the calling thread (no runner, no
 * output) and prints events/s, peak RSS and, for runqslower, bytes per live
 * task.  Usage:
 *   bench_sim SCENARIO [--heap] [--set k=v]...
 * The scenario's caps and duration apply; replications are ignored.
 * events/s is over the run's wall time (sim_run: model init, the event
 * loop, the report).  "loop" is over the event loop alone (from the return
 * of the model's init to the return of sim_run: the set-up of a
 * 512,000-thread world takes a quarter of a second), in wall time and per
 * CPU-second of the
 * process (single-threaded), which a machine shared with other work
 * disturbs less.  --heap keeps the event queue a 4-ary heap whatever its
 * size (evq_tune): the baseline the radix heap is measured against.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <gsl/gsl_errno.h>

#include "sim/cli/env.h"
#include "sim/exp/scenario.h"
#include "sim/model.h"
#include "sim/sim.h"

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double wall_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The model's init, timed to its return: the loop starts there (sim_run
 * goes straight from init to its first pop).  Wrapping init rather than
 * handle leaves the event loop as the engine runs it: the model's own
 * handler, or its own instance of the loop (model.h, run). */
static const struct model *real_model;
static double first_wall, first_cpu;

static void *timed_init(struct sim *s, const void *cfg, struct err *e)
{
	void *state = real_model->init(s, cfg, e);
	first_wall = wall_s();
	first_cpu = cpu_s();
	return state;
}

static double peak_rss_mib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0;
}

int main(int argc, char **argv)
{
	const char *sets[32], *path = NULL;
	size_t nsets = 0;
	int heap_only = 0;
	struct err e;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--heap"))
			heap_only = 1;
		else if (!strcmp(argv[i], "--set") && i + 1 < argc && nsets < 32)
			sets[nsets++] = argv[++i];
		else if (!path)
			path = argv[i];
	}
	if (!path) {
		fprintf(stderr, "usage: bench_sim SCENARIO [--heap] [--set k=v]...\n");
		return 2;
	}
	gsl_set_error_handler_off();
	err_init(&e);
	double rss0 = peak_rss_mib();
	struct scenario *sc = scenario_load(&cli_env, path, sets, nsets, 0, NULL, &e);
	if (!sc) {
		err_print(&e);
		return 2;
	}
	size_t nm = model_metric_count(sc->model);
	double *m = calloc(nm, sizeof(double));
	struct model timed = *sc->model;
	struct sim s;
	timed.init = timed_init;
	real_model = sc->model;
	if (!m || sim_init(&s, &timed, sc->seed, 0, sc->duration, &sc->caps))
		return 1;
	if (heap_only)
		evq_tune(&s.q, SIZE_MAX, SIZE_MAX - 1);
	enum sim_status st = sim_run(&s, sc->cfg[0], m);
	double loop_wall = wall_s() - first_wall, loop_cpu = cpu_s() - first_cpu;
	double rss = peak_rss_mib();
	double loop_ev = s.events > 1 ? (double)(s.events - 1) : 0;
	printf("%s: model %s%s, %llu events in %.3f s: %.2f M events/s "
	       "(loop: %.2f M events/s, %.2f M per CPU-s), peak RSS %.1f MiB",
	       sc->name, sc->model->name, heap_only ? " (heap only)" : "",
	       (unsigned long long)s.events, s.wall,
	       (double)s.events / s.wall / 1e6, loop_ev / loop_wall / 1e6,
	       loop_ev / loop_cpu / 1e6, rss);
	int live = model_metric_index(sc->model, "peak_live_tasks");
	if (live >= 0 && m[live] > 0)
		printf(", %.0f bytes per live task (%.0f live)",
		       (rss - rss0) * 1048576.0 / m[live], m[live]);
	printf("%s\n", st == SIM_DONE ? "" : " [not done]");
	sim_fini(&s);
	free(m);
	scenario_free(sc);
	return st == SIM_FAILED;
}
