/* outdir.h - the output folder as a contract between writers and readers.
 *
 * Every bpfsim command writes its results into one folder; `bpfsim plot`,
 * `merge`, `sweep --resume` and people's own scripts read them back.  This
 * header is the one place that names what such a folder holds: the file
 * names, the JSON keys and the CSV columns readers rely on.  Writers
 * (sim/exp/report.c, sim/cli/cmd_*.c) print these names; readers (plots/)
 * look them up by these names, so renaming one here renames both sides.
 *
 * Names are macros for string literals so that writers can paste them into
 * a header line at compile time ("strategy,metric,..."): the bytes written
 * are the same as when the literals stood in the writers.
 *
 * What a folder holds (each file is whole or absent: out.h):
 *   every folder of run, compare, sweep, phase, capacity (and their
 *                  shards): manifest.json (its identity, written first:
 *                  manifest.h), .lock (held while a bpfsim writes it);
 *   run / compare  scenario.resolved.yaml, replications.csv, summary.csv,
 *                  series.csv (models with a series), summary.json (last:
 *                  its presence means the outputs are whole);
 *   sweep / phase  scenario.resolved.yaml, jobs.csv, job_series.csv,
 *                  points.csv, differences.csv, series.csv, summary.json
 *                  (with the key "axes"), phase.csv (phase only);
 *   capacity       capacity.csv, scenario.resolved.yaml, capacity.json;
 *   validate       measured.csv, validation.csv.
 *
 * JSON files are read with a real parser (outdir_json_load: libyaml through
 * ytree_load_json), never by byte pattern: any re-formatting (jq -c, jq .,
 * python -m json.tool) reads the same.  Keys are looked up by name; key
 * order and whitespace carry no meaning.  Non-finite numbers are written as
 * null (out_num) and read back as NAN (outdir_json_num).
 *
 * Errors: the readers below return -1 with e set (ERR_INPUT, positioned
 * "file:line:col: ..." for malformed files), 0 for an absent file.
 */
#ifndef BPFSIM_OUTDIR_H
#define BPFSIM_OUTDIR_H

#include "sim/err.h"
#include "sim/ytree.h"

/* ---- file names ------------------------------------------------------- */

#define OUTDIR_SUMMARY_JSON      "summary.json"
#define OUTDIR_SUMMARY_CSV       "summary.csv"
#define OUTDIR_REPLICATIONS_CSV  "replications.csv"
#define OUTDIR_SERIES_CSV        "series.csv"
#define OUTDIR_RESOLVED_YAML     "scenario.resolved.yaml"
#define OUTDIR_JOBS_CSV          "jobs.csv"
#define OUTDIR_JOB_SERIES_CSV    "job_series.csv"
#define OUTDIR_JOB_POINTS_CSV    "job_points.csv"
#define OUTDIR_SHARD_JSON        "shard.json"
#define OUTDIR_POINTS_CSV        "points.csv"
#define OUTDIR_DIFFERENCES_CSV   "differences.csv"
#define OUTDIR_PHASE_CSV         "phase.csv"
#define OUTDIR_CAPACITY_CSV      "capacity.csv"
#define OUTDIR_CAPACITY_JSON     "capacity.json"
#define OUTDIR_MEASURED_CSV      "measured.csv"
#define OUTDIR_VALIDATION_CSV    "validation.csv"
#define OUTDIR_MANIFEST_JSON     "manifest.json"
#define OUTDIR_LOCK              ".lock"         /* flock()ed by the writer */

/* ---- the layout's version --------------------------------------------- */

/* summary.json's and capacity.json's "format_version": 2 since they
 * carry "provenance" (docs/summary.schema.json, capacity.schema.json).
 * A file without the key is version 1 (written before the key existed)
 * and reads the same.  outdir_json_load
 * refuses a file whose format_version is not a whole number in
 * 1..OUTDIR_FORMAT_VERSION: a newer bpfsim's layout is not guessed at. */
#define OUTDIR_FORMAT_VERSION    2

/* ---- JSON keys -------------------------------------------------------- */

/* summary.json (run, compare; sweep adds axes and points) and
 * capacity.json share the header keys. */
#define OUTDIR_KEY_BPFSIM        "bpfsim"        /* writer's version */
#define OUTDIR_KEY_FORMAT_VERSION "format_version" /* OUTDIR_FORMAT_VERSION */
#define OUTDIR_KEY_PROVENANCE    "provenance"    /* sim/cli/provenance.h */
#define OUTDIR_KEY_SCENARIO      "scenario"
#define OUTDIR_KEY_MODEL         "model"
#define OUTDIR_KEY_SEED          "seed"
#define OUTDIR_KEY_REPLICATIONS  "replications"
#define OUTDIR_KEY_CONFIDENCE    "confidence"
#define OUTDIR_KEY_COMPLETE      "complete"      /* false: interrupted */
#define OUTDIR_KEY_AXES          "axes"          /* sweep folders only */
#define OUTDIR_KEY_PATH          "path"          /* axes[i] */
#define OUTDIR_KEY_VALUES        "values"        /* axes[i], points[i] */
#define OUTDIR_KEY_POINTS        "points"
#define OUTDIR_KEY_POINT         "point"
#define OUTDIR_KEY_STRATEGIES    "strategies"    /* [{strategy: ...}] */
#define OUTDIR_KEY_STRATEGY      "strategy"
#define OUTDIR_KEY_DONE          "done"
#define OUTDIR_KEY_CAPPED        "capped"
#define OUTDIR_KEY_FAILED        "failed"
#define OUTDIR_KEY_WARMUP        "warmup"        /* mser5, fixed, none */
#define OUTDIR_KEY_WARMUP_CUT    "warmup_cut_mean_ns"
#define OUTDIR_KEY_REGIME        "regime"        /* regime_names[] */
#define OUTDIR_KEY_REGIMES       "regimes"       /* {regime: count} */
#define OUTDIR_KEY_TRANSIENT     "transient"     /* replications ending in a
						    transient */
#define OUTDIR_KEY_TRANSIENT_WHY "transient_reasons" /* [reason, ...] */
#define OUTDIR_KEY_METRICS       "metrics"       /* {metric: summary} */
#define OUTDIR_KEY_DIFF_VS       "difference_vs"
#define OUTDIR_KEY_PAIRED_DIFF   "paired_difference"
/* A summary object: {"n", "mean", "sd", "ci_low", "ci_high"}. */
#define OUTDIR_KEY_N             "n"
#define OUTDIR_KEY_MEAN          "mean"
#define OUTDIR_KEY_SD            "sd"
#define OUTDIR_KEY_CI_LOW        "ci_low"
#define OUTDIR_KEY_CI_HIGH       "ci_high"
/* capacity.json */
#define OUTDIR_KEY_PARAM         "param"
#define OUTDIR_KEY_TEMPLATE      "template"
#define OUTDIR_KEY_RANGE         "range"
#define OUTDIR_KEY_OBJECTIVE     "objective"
#define OUTDIR_KEY_TERMS         "terms"
#define OUTDIR_KEY_COLUMN        "column"        /* terms[i]: capacity.csv termI */
#define OUTDIR_KEY_METRIC        "metric"
#define OUTDIR_KEY_OP            "op"
#define OUTDIR_KEY_VALUE         "value"

/* manifest.json (manifest.h): the folder's identity. */
#define OUTDIR_KEY_FORMAT        "format"        /* MANIFEST_FORMAT */
#define OUTDIR_KEY_COMMAND       "command"       /* also shard.json's */
#define OUTDIR_KEY_SCENARIO_HASH "scenario_fnv1a64" /* 16 hex digits */
/* and bpfsim, scenario, model, seed, replications, strategies (a list of
 * names), axes (as summary.json's), metrics (a list of names). */

/* ---- CSV columns ------------------------------------------------------ */

#define OUTDIR_COL_POINT         "point"         /* sweep files: first column */
#define OUTDIR_COL_STRATEGY      "strategy"
#define OUTDIR_COL_REPLICATION   "replication"
#define OUTDIR_COL_REPLICATIONS  "replications"
#define OUTDIR_COL_STATUS        "status"        /* report_status_name() */
#define OUTDIR_COL_CAP           "cap"           /* cap reason or "" */
#define OUTDIR_COL_EVENTS        "events"
#define OUTDIR_COL_REGIME        "regime"
#define OUTDIR_COL_WINDOW_START_NS "window_start_ns"
#define OUTDIR_COL_METRIC        "metric"
#define OUTDIR_COL_UNIT          "unit"
#define OUTDIR_COL_N             "n"
#define OUTDIR_COL_MEAN          "mean"
#define OUTDIR_COL_SD            "sd"
#define OUTDIR_COL_CI_LOW        "ci_low"
#define OUTDIR_COL_CI_HIGH       "ci_high"
/* points.csv / phase.csv: per metric M, M_mean, M_ci_low, M_ci_high;
 * differences.csv: M_diff, M_ci_low, M_ci_high. */
#define OUTDIR_SUFFIX_MEAN       "_mean"
#define OUTDIR_SUFFIX_CI_LOW     "_ci_low"
#define OUTDIR_SUFFIX_CI_HIGH    "_ci_high"
#define OUTDIR_SUFFIX_DIFF       "_diff"
/* capacity.csv: strategy, probe, PARAM, mean_meets, sure_pass, sure_fail,
 * termI_mean/_ci_low/_ci_high per metric term, complete, estimate, low,
 * high. */
#define OUTDIR_COL_PROBE         "probe"
#define OUTDIR_COL_MEAN_MEETS    "mean_meets"
#define OUTDIR_COL_SURE_PASS     "sure_pass"
#define OUTDIR_COL_SURE_FAIL     "sure_fail"
#define OUTDIR_COL_TERM          "term"          /* prefix: term0_mean ... */
#define OUTDIR_COL_COMPLETE      "complete"
#define OUTDIR_COL_ESTIMATE      "estimate"
#define OUTDIR_COL_LOW           "low"
#define OUTDIR_COL_HIGH          "high"

/* summary.csv's header line (no newline). */
#define OUTDIR_SUMMARY_CSV_HEADER \
	OUTDIR_COL_STRATEGY "," OUTDIR_COL_METRIC "," OUTDIR_COL_UNIT "," \
	OUTDIR_COL_N "," OUTDIR_COL_MEAN "," OUTDIR_COL_SD "," \
	OUTDIR_COL_CI_LOW "," OUTDIR_COL_CI_HIGH
/* replications.csv's leading columns (the metrics follow). */
#define OUTDIR_REPLICATIONS_CSV_HEADER \
	OUTDIR_COL_STRATEGY "," OUTDIR_COL_REPLICATION "," OUTDIR_COL_STATUS \
	"," OUTDIR_COL_CAP "," OUTDIR_COL_EVENTS
/* series.csv's leading columns (after "point," in sweeps; the model's
 * columns follow). */
#define OUTDIR_SERIES_CSV_HEADER \
	OUTDIR_COL_STRATEGY "," OUTDIR_COL_REPLICATION "," \
	OUTDIR_COL_WINDOW_START_NS

/* ---- reading ---------------------------------------------------------- */

/* Parse DIR/NAME as JSON (ytree_load_json) into *t.  1 when read, 0 when
 * the file does not exist (*t NULL), -1 with e set when it cannot be read
 * or is not JSON (also a JSON file whose top level is not an object), or
 * when its top-level "format_version" is there and not one this bpfsim
 * reads (1..OUTDIR_FORMAT_VERSION; the message names both). */
int outdir_json_load(const char *dir, const char *name, struct ytree **t,
		     struct err *e);
/* The scalar text of map[key] (no marking), or NULL when map is NULL, not a
 * mapping, lacks the key or holds a non-scalar there. */
const char *outdir_json_str(const struct ynode *map, const char *key);
/* map[key] as a number: NAN when absent, null, a string or unparsable. */
double outdir_json_num(const struct ynode *map, const char *key);
/* The element of the array map[OUTDIR_KEY_STRATEGIES] whose "strategy" is
 * `strategy`, or NULL. */
const struct ynode *outdir_json_strategy(const struct ynode *map,
					 const char *strategy);

/* ---- the lock --------------------------------------------------------- */

/* Take DIR/.lock (created if needed) with flock(LOCK_EX | LOCK_NB) and
 * write this process's id into it: one writer per folder.  *fd is the
 * lock (release: outdir_unlock, or the process's end).  A folder another
 * process holds is ERR_INPUT naming it (and its pid); an OS failure is
 * ERR_RUNTIME.  The file stays: removing it would race with the next
 * writer.  flock is advisory and local: processes that do not ask are not
 * stopped, and over NFS it is only as good as the server's locks. */
int outdir_lock(const char *dir, int *fd, struct err *e);
/* Release a lock taken by outdir_lock (fd < 0: none). */
void outdir_unlock(int fd);

#endif
