/* manifest.h - an output folder's identity: DIR/manifest.json.
 *
 * Every folder that run, compare, sweep, phase and capacity write (their
 * shard folders and merge's output included) gets manifest.json before
 * its first job runs: which experiment the folder's jobs belong to.
 * `--resume DIR` and `merge DIR...` read it first and refuse a folder of
 * another experiment, naming what differs, before reading any job.  A job
 * file alone cannot say it: jobs.csv's header only names the model's
 * metrics, and a sweep of another seed has the same points.
 *
 * The file (keys in outdir.h; key order and layout carry no meaning, it is
 * read with the JSON reader):
 *   {"format": 1, "bpfsim": "0.1.0", "command": "sweep",
 *    "scenario": "runqslower", "model": "runqslower",
 *    "scenario_fnv1a64": "0123456789abcdef", "seed": 1,
 *    "replications": 4, "strategies": ["hash", "task_storage"],
 *    "axes": [{"path": "workload.processes", "values": ["500", "2000"]}],
 *    "metrics": ["overhead_ratio", ...]}
 * format is MANIFEST_FORMAT; strategies are the experiment's labels in
 * order ("value" for a model without strategies); axes are those the
 * command runs (sweep and phase; none for run, compare and capacity, whose
 * scenario's own sweep: block is not run); metrics the model's, in table
 * order (the columns of jobs.csv).
 *
 * What is compared, in this order, the first difference named: format,
 * model, metrics, strategies, axes, seed, replications, scenario hash.
 * Not compared: bpfsim (the version that wrote it), command (a sweep
 * without axes is a run) and scenario (the name, which the hash covers).
 *
 * The scenario hash is FNV-1a 64 over the resolved scenario's text (its
 * tree as scenario.resolved.yaml prints it, without the comment line that
 * names the version) with the capacity: block left out: a resumed
 * capacity search may ask for more probes or another tolerance, and its
 * jobs belong to probes by their settings (job_points.csv), not by the
 * search.  Resolving a resolved scenario gives the same text, so a merged
 * folder has its shards' hash.  The hash goes on over what the base
 * scenario's model read beside the tree (struct model's config_digest:
 * runqslower's trace lines), so a trace edited since is another scenario;
 * the other traces a sweep axis names are not covered.
 *
 * Errors: ERR_INPUT for a folder without manifest.json, one that is not
 * JSON, of another format or another experiment (the message names the
 * key and both values); ERR_RUNTIME when the file cannot be written or
 * memory runs out.
 */
#ifndef BPFSIM_MANIFEST_H
#define BPFSIM_MANIFEST_H

#include <stdint.h>
#include "sim/err.h"
#include "sim/exp/experiment.h"

#define MANIFEST_FORMAT 1

/* FNV-1a 64 of sc's resolved text without its capacity: block. */
int manifest_scenario_hash(const struct scenario *sc, uint64_t *hash,
			   struct err *e);

/* Write DIR/manifest.json (through a temporary file, out.h) for experiment
 * x as `command` runs it; axes: the sweep axes it runs, NULL for none. */
int manifest_write(const struct experiment *x, const struct sweep *axes,
		   const char *command, const char *dir, struct err *e);

/* Read DIR/manifest.json and compare it with x (axes as for
 * manifest_write); `use` names what reads the folder in the message
 * ("--resume", "merge").  0 when the folder is x's. */
int manifest_check(const struct experiment *x, const struct sweep *axes,
		   const char *dir, const char *use, struct err *e);

#endif
