/* fuzz_scenario.c - libFuzzer harness: the scenario loader on arbitrary bytes.
 *
 * Each input goes through two paths:
 *   1. the buffer API: ytree_load_buffer, then for every registered model a
 *      fresh tree, model->configure, ytree_check_unknown, ytree_emit (the
 *      resolved-scenario writer) and config_free;
 *   2. the whole loader, scenario_load, from a file in a private temporary
 *      directory (so `include:` and `workload.trace:` resolve relative to an
 *      empty folder), once for `run` and once for `compare`, plus a sweep
 *      axis read from the `sweep:` block (sweep_from_tree is part of it).
 * The oracle is the sanitizers (ASan, UBSan; libFuzzer's own timeout and
 * RSS limit catch hangs and runaway allocation) plus two contract checks:
 * a failed load must carry ERR_INPUT or ERR_RUNTIME with a message, and a
 * loaded scenario must emit without error.
 *
 * Deliberately not covered: running the model (inputs can ask for hours of
 * simulated time; the engine has its own tests and caps).
 *
 *   make fuzz FUZZ_SECONDS=60        (all harnesses, seeds from scenarios/
 *                                     and tests/bad/)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/registry.h"
#include "sim/cli/env.h"
#include "sim/exp/scenario.h"
#include "sim/model.h"
#include "sim/ytree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;
static char dir[64];
static char path[128];

/* Remove the private directory at exit (the fuzzer ends with exit()). */
static void cleanup(void)
{
	char link[128];
	snprintf(link, sizeof(link), "%s/costs", dir);
	unlink(link);
	unlink(path);
	rmdir(dir);
}

static void setup(void)
{
	if (devnull)
		return;
	devnull = fopen("/dev/null", "w");
	snprintf(dir, sizeof(dir), "/tmp/bpfsim-fuzz-XXXXXX");
	if (!devnull || !mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/scenario.yaml", dir);
	atexit(cleanup);
	/* Seeds from scenarios/ include costs/published.yaml: make it resolve
	 * when the fuzzer runs from the repository root (make fuzz). */
	char *costs = realpath("scenarios/costs", NULL);
	if (costs) {
		char link[128];
		snprintf(link, sizeof(link), "%s/costs", dir);
		if (symlink(costs, link))
			perror("symlink");
		free(costs);
	}
}

/* A failed load must say why. */
static void check_err(const struct err *e)
{
	if ((e->status != ERR_INPUT && e->status != ERR_RUNTIME) || !e->msg[0])
		abort();
}

static void buffer_path(const uint8_t *data, size_t size)
{
	for (size_t i = 0; model_registry[i]; i++) {
		struct err e;
		err_init(&e);
		struct ytree *t = ytree_load_buffer("fuzz.yaml", (const char *)data,
						    size, &e);
		if (!t) {
			check_err(&e);
			return;   /* the same for every model */
		}
		const struct model *m = model_registry[i];
		void *cfg = m->configure(ytree_root(t), &e);
		if (cfg) {
			if (ytree_check_unknown(t, &e))
				check_err(&e);
			m->config_free(cfg);
		} else {
			check_err(&e);
		}
		if (ytree_emit(t, devnull))
			abort();
		ytree_free(t);
	}
}

static void file_path(const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	for (int compare = 0; compare <= 1; compare++) {
		struct err e;
		err_init(&e);
		struct scenario *sc = scenario_load(&cli_env, path, NULL, 0, compare, NULL, &e);
		if (!sc) {
			check_err(&e);
			if (e.status == ERR_INPUT && !compare)
				break;   /* compare would fail the same way */
			continue;
		}
		if (scenario_emit(sc, devnull))
			abort();
		scenario_free(sc);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup();
	buffer_path(data, size);
	file_path(data, size);
	return 0;
}
