/* bench_sim.c - single-threaded throughput of whole simulations.
 *
 * Runs one replication of a scenario on the calling thread (no runner, no
 * output) and prints events/s, peak RSS and, for runqslower, bytes per live
 * task.  Usage:
 *   bench_sim SCENARIO [--set k=v]...
 * The scenario's caps and duration apply; replications are ignored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <gsl/gsl_errno.h>

#include "sim/cli/env.h"
#include "sim/exp/scenario.h"
#include "sim/model.h"
#include "sim/sim.h"

static double peak_rss_mib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0;
}

int main(int argc, char **argv)
{
	const char *sets[32];
	size_t nsets = 0;
	struct err e;
	if (argc < 2) {
		fprintf(stderr, "usage: bench_sim SCENARIO [--set k=v]...\n");
		return 2;
	}
	for (int i = 2; i + 1 < argc && nsets < 32; i += 2)
		if (!strcmp(argv[i], "--set"))
			sets[nsets++] = argv[i + 1];
	gsl_set_error_handler_off();
	err_init(&e);
	double rss0 = peak_rss_mib();
	struct scenario *sc = scenario_load(&cli_env, argv[1], sets, nsets, 0, NULL, &e);
	if (!sc) {
		err_print(&e);
		return 2;
	}
	size_t nm = model_metric_count(sc->model);
	double *m = calloc(nm, sizeof(double));
	struct sim s;
	if (!m || sim_init(&s, sc->model, sc->seed, 0, sc->duration, &sc->caps))
		return 1;
	enum sim_status st = sim_run(&s, sc->cfg[0], m);
	double rss = peak_rss_mib();
	printf("%s: model %s, %llu events in %.3f s: %.2f M events/s, "
	       "peak RSS %.1f MiB", sc->name, sc->model->name,
	       (unsigned long long)s.events, s.wall,
	       (double)s.events / s.wall / 1e6, rss);
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
