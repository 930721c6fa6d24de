/* env.h - what the command layer hands the scenario loader: every shipped
 * model (models/registry.h) and the calibration-file resolver
 * (calibrate/calfile.h).  Tests and fuzzers use it too. */
#ifndef BPFSIM_CLI_ENV_H
#define BPFSIM_CLI_ENV_H

#include "sim/exp/scenario.h"

extern const struct scenario_env cli_env;

#endif
