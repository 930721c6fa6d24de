/* calfile.h - the calibration file: what `bpfsim calibrate` measured, and how
 * scenarios use it.
 *
 * Format (YAML, version CALFILE_VERSION; a loader refuses any other version
 * with a positioned message):
 *
 *   version: 1
 *   host: {kernel, cpu_model, cpus, date, bpfsim, btf, lockdown, fentry, ...}
 *   workload:                 # bpfsim calibrate workload
 *     meta: {date, duration, load, attach, ...}
 *     wait: DIST              # runqueue wait
 *     slice: DIST ...         # on-CPU time until preempted
 *     spawn_rate: 1998/s      # plain values are scalars
 *   storage:                  # bpfsim calibrate storage
 *     hash: {update: DIST, lookup: DIST, delete: DIST,
 *            occupancy_factor: "table(0:1, 1000:1.04, ...)", ...}
 *     task_storage: {get: DIST, create: DIST, delete: DIST, ...}
 *   profile:                  # bpfsim calibrate profile
 *     NAME: DIST, or {method: bpf_stats, mean: 123ns, ...} (mean only)
 *
 * A DIST record is a mapping:
 *   n, mean, p50, p90, p99   values measured and their summary (ns)
 *   fit                      the chosen fit in sim/dist.h's mapping form,
 *                            e.g. {dist: lognormal, median: 80ns, sigma: 0.3}
 *                            (absent when there were too few values)
 *   aic, ks                  of the chosen fit
 *   alternatives             the other families: {dist, params.., aic, ks}
 *   histogram                {edges_ns: [...], counts: [...], overflow: N,
 *                             baseline_ns: B} - the measured histogram, after
 *                            the baseline B was subtracted
 * Sections are written by different subcommands into one file: writing
 * replaces the section it measured and keeps the others (comments are not
 * kept).  Files are written through a temporary and renamed (out.h).
 *
 * Scenarios: a top-level `calibration: FILE` (relative to the file that
 * says it) and, anywhere a value is expected, a mapping
 *     {from: calibration.PATH}            or {from: calibration.PATH, use: U}
 * which calfile_resolve() replaces in the scenario tree, before models read
 * it, by:
 *   - a DIST record: its fit (use: fit, the default), its histogram as
 *     {dist: empirical, ...} (use: empirical), its mean as a constant
 *     (use: mean), or one of its alternatives (use: gamma, ...);
 *   - a mean-only record ({method: bpf_stats, mean: ...}): the mean;
 *   - a scalar (a factor table, a rate, a probability): that scalar.
 * Replaced nodes take the `from:` node's position, so a later error points
 * at the reference.  The `calibration:` key is then removed: the resolved
 * scenario stands alone.  Every error is ERR_INPUT, "file:line:col: ...".
 */
#ifndef BPFSIM_CALIB_CALFILE_H
#define BPFSIM_CALIB_CALFILE_H

#include <stdio.h>
#include "calibrate/chist.h"
#include "sim/err.h"
#include "sim/ytree.h"

#define CALFILE_VERSION 1

/* Load a calibration file and check its version. */
struct ytree *calfile_load(const char *path, struct err *e);

/* Replace `{from: calibration.X}` references in scenario tree t (see
 * above) and drop its `calibration:` key.  0 or ERR_INPUT/ERR_RUNTIME. */
int calfile_resolve(struct ytree *t, struct err *e);

/* ---- writing ----------------------------------------------------------- */

/* Write one DIST record as YAML block text at `indent` under `key`: fits
 * every family (fit.h), picks by AIC.  `baseline_ns` is what was already
 * subtracted from h (0 for none), recorded for the reader. */
void calfile_write_dist(FILE *f, int indent, const char *key,
			const struct chist *h, double baseline_ns);
/* A duration scalar "key: 123.4ns" (6 significant digits). */
void calfile_write_ns(FILE *f, int indent, const char *key, double ns);
/* Quote s if YAML would read it as something else (for values written by
 * callers with fprintf); returns buf. */
const char *calfile_quote(const char *s, char *buf, size_t size);

/* Merge section text into the file at path: `sections` is YAML whose
 * top-level keys (host:, workload:, storage:) replace the same keys of the
 * existing file - which must be a valid calibration file, or absent - and
 * whose profile: entries replace only the programs they name.  Written
 * through a temporary file and renamed.  0 or an err status. */
int calfile_merge(const char *path, const char *sections, struct err *e);
/* Emit a tree in the calibration file's compact style (flow collections
 * for short scalar lists and small scalar mappings). */
int calfile_emit(const struct ynode *root, FILE *f);

#endif
