/* fuzz_calfile.c - libFuzzer harness: the calibration file loader.
 *
 * Each input is written as a calibration file into a private temporary
 * directory and read two ways:
 *   1. calfile_load (parse + version check) and calfile_emit of what loads;
 *   2. through scenarios that refer into it (calfile_resolve inside
 *      scenario_load): one reference per scenario, for each kind of use -
 *      the fit, the histogram as an empirical distribution, the mean, a
 *      named alternative, a plain scalar (a rate, a factor table) - so
 *      every resolution path meets the fuzzed file, then the model
 *      configures from what was substituted.
 * The oracle is the sanitizers plus: a failed load carries a message.
 * Seeds: the calibration files in tests/bad/inc/ (make fuzz passes that
 * folder) and tests/fuzz/regress/calfile/.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calibrate/calfile.h"
#include "sim/cli/env.h"
#include "sim/exp/scenario.h"
#include "sim/ytree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Scenario texts referring into cal.yaml (one reference each). */
static const char *const refs[] = {
	"workload: {lifetime: {from: calibration.workload.wait}}\n",
	"workload: {lifetime: {from: calibration.workload.wait, use: empirical}}\n",
	"workload: {lifetime: {from: calibration.workload.wait, use: mean}}\n",
	"workload: {lifetime: {from: calibration.workload.wait, use: gamma}}\n",
	"workload: {arrival: poisson, rate: {from: calibration.workload.spawn_rate}}\n",
	("storage: {hash: {update: {from: calibration.storage.hash.update}, "
	 "occupancy_factor: {from: calibration.storage.hash.occupancy_factor}}}\n"),
	"probe: {hooks: {sched_switch: {from: calibration.profile.runqslower_switch}}}\n",
	"context_switch: {from: calibration.workload.slice, use: empirical}\n",
};
#define NREFS (sizeof(refs) / sizeof(refs[0]))

static FILE *devnull;
static char dir[64], cal[128], scen[NREFS][128];

static void cleanup(void)
{
	unlink(cal);
	for (size_t i = 0; i < NREFS; i++)
		unlink(scen[i]);
	rmdir(dir);
}

static void setup(void)
{
	if (devnull)
		return;
	devnull = fopen("/dev/null", "w");
	snprintf(dir, sizeof(dir), "/tmp/bpfsim-fuzzcal-XXXXXX");
	if (!devnull || !mkdtemp(dir))
		abort();
	snprintf(cal, sizeof(cal), "%s/cal.yaml", dir);
	atexit(cleanup);
	for (size_t i = 0; i < NREFS; i++) {
		snprintf(scen[i], sizeof(scen[i]), "%s/s%zu.yaml", dir, i);
		FILE *f = fopen(scen[i], "w");
		if (!f)
			abort();
		fprintf(f, "model: runqslower\nduration: 1ms\ncalibration: cal.yaml\n%s",
			refs[i]);
		fclose(f);
	}
}

static void check_err(const struct err *e)
{
	if ((e->status != ERR_INPUT && e->status != ERR_RUNTIME) || !e->msg[0])
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup();
	FILE *f = fopen(cal, "wb");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);

	struct err e;
	err_init(&e);
	struct ytree *t = calfile_load(cal, &e);
	if (!t) {
		check_err(&e);
		return 0;   /* every reference would fail the same way */
	}
	calfile_emit(ytree_root(t), devnull);
	ytree_free(t);
	for (size_t i = 0; i < NREFS; i++) {
		err_init(&e);
		struct scenario *sc = scenario_load(&cli_env, scen[i], NULL, 0, 0, NULL, &e);
		if (!sc) {
			check_err(&e);
			continue;
		}
		if (scenario_emit(sc, devnull))
			abort();
		scenario_free(sc);
	}
	return 0;
}
