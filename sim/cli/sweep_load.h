/* sweep_load.h - load the experiment of `sweep`, `phase` and `merge`. */
#ifndef BPFSIM_CLI_SWEEP_LOAD_H
#define BPFSIM_CLI_SWEEP_LOAD_H

#include "sim/cli/cli.h"
#include "sim/exp/experiment.h"

/* x (initialised here) = the scenario at path with the command line's
 * settings, its sweep: axes (none for a phase diagram) and o->sweeps, one
 * point per combination; strategies compared when --strategies or the
 * scenario's compare: list say so (phase: always).  The resolved base
 * records the axes and strategies.  Errors name the axis's origin. */
int sweep_load(struct experiment *x, const char *path,
	       const struct cli_opts *o, int phase, struct err *e);

#endif
