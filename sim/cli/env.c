/* env.c - the scenario loader's environment in the bpfsim binary. */
#include "sim/cli/env.h"
#include "calibrate/calfile.h"
#include "models/registry.h"

const struct scenario_env cli_env = {
	.models = model_registry,
	.resolve = calfile_resolve,
};
