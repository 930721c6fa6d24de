/* fuzz_jobfile.c - libFuzzer harness: the job files read by --resume and
 * merge (exp_read_jobs: jobs.csv, job_points.csv, job_series.csv).
 *
 * The reader needs an experiment to read into (the header must name its
 * model's metrics, strategies and point settings must be its own), so the
 * harness builds a small one from a shipped scenario, once per input:
 * scenarios/runqslower.yaml compared over its two strategies (hash,
 * task_storage), 2 replications, run-length control up to 4 (precision:
 * overhead_ratio), swept over workload.resident.tasks=100,200,300 - the
 * experiment of
 *   bpfsim sweep scenarios/runqslower.yaml --reps 2 \
 *     --sweep workload.resident.tasks=100,200,300 \
 *     --set precision.metric=overhead_ratio \
 *     --set precision.max_reps=4
 * (tests/fuzz/seed/jobfile/ holds such folders, see below).
 *
 * Input: up to six files separated by lines holding only "%%" - jobs.csv,
 * job_points.csv, job_series.csv of a first folder, then the same three of
 * a second; a file left out does not exist, an empty section is an empty
 * file.  One folder is read as --resume reads it (cells grown to the
 * scenario's replications, read, checked, rounds resumed); two as merge
 * reads its shards (read both, checked, then grown).  Between reading and
 * checking a third point (workload.resident.tasks=300) is added, as a
 * resumed capacity search adds its probes: saved rows wait for it.  Then
 * what an accepted folder feeds is consumed as the outputs consume it
 * (the job files written back, each point's report and series.csv rows).
 * The oracle is the sanitizers plus: a refused folder carries ERR_INPUT or
 * ERR_RUNTIME with a message.
 *
 * Deliberately not covered: running the jobs the files leave out (the
 * engine has its own tests); capacity's own search over the saved probes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "sim/cli/env.h"
#include "sim/exp/experiment.h"
#include "sim/exp/regime.h"
#include "sim/exp/report.h"
#include "sim/exp/scenario.h"
#include "sim/outdir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NFILES 6

static const char *const names[3] = {
	OUTDIR_JOBS_CSV, OUTDIR_JOB_POINTS_CSV, OUTDIR_JOB_SERIES_CSV,
};
static const char *const base_sets[] = {
	"replications=2", "precision.metric=overhead_ratio",
	"precision.relative_halfwidth=0.001", "precision.max_reps=4",
};
static const char *const point_sets[3] = {
	"workload.resident.tasks=100", "workload.resident.tasks=200",
	"workload.resident.tasks=300",
};

static FILE *devnull;
static struct scenario *probe;     /* the scenario as loaded, once */
static char dir[64], in[2][96];

static void cleanup(void)
{
	char p[256];
	for (int i = 0; i < 2; i++) {
		for (size_t k = 0; k < 3; k++) {
			snprintf(p, sizeof(p), "%s/%s", in[i], names[k]);
			unlink(p);
		}
		rmdir(in[i]);
	}
	rmdir(dir);
	scenario_free(probe);
}

static void check_err(const struct err *e)
{
	if ((e->status != ERR_INPUT && e->status != ERR_RUNTIME) || !e->msg[0])
		abort();
}

static void setup(void)
{
	if (devnull)
		return;
	devnull = fopen("/dev/null", "w");
	/* Six files a run: in memory where there is a tmpfs. */
	snprintf(dir, sizeof(dir), "/dev/shm/bpfsim-fuzzjob-XXXXXX");
	if (!mkdtemp(dir)) {
		snprintf(dir, sizeof(dir), "/tmp/bpfsim-fuzzjob-XXXXXX");
		if (!mkdtemp(dir))
			abort();
	}
	if (!devnull)
		abort();
	for (int i = 0; i < 2; i++) {
		snprintf(in[i], sizeof(in[i]), "%s/in%d", dir, i);
		if (mkdir(in[i], 0700))
			abort();
	}
	atexit(cleanup);
	struct err e;
	err_init(&e);
	probe = scenario_load(&cli_env, "scenarios/runqslower.yaml", base_sets,
			      sizeof(base_sets) / sizeof(base_sets[0]), 0, NULL,
			      &e);
	if (!probe) {
		err_print(&e);   /* run from the repository root */
		abort();
	}
}

/* Split data at "%%" lines into the job files of in[0] and in[1] (the
 * files after the last section removed); the number of folders written
 * (1 or 2). */
static int write_files(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	int written = 0;
	for (int k = 0; k < NFILES; k++) {
		char path[256];
		snprintf(path, sizeof(path), "%s/%s", in[k / 3], names[k % 3]);
		if (!p) {
			unlink(path);
			continue;
		}
		const char *sep = NULL;
		for (const char *q = p; q + 2 <= end && !sep; q++)
			if ((q == p || q[-1] == '\n') && q[0] == '%' && q[1] == '%' &&
			    (q + 2 == end || q[2] == '\n'))
				sep = q;
		const char *stop = sep ? sep : end;
		FILE *f = fopen(path, "wb");
		if (!f)
			abort();
		if (stop > p && fwrite(p, 1, (size_t)(stop - p), f) != (size_t)(stop - p))
			abort();
		fclose(f);
		written++;
		p = !sep ? NULL : sep + 2 < end ? sep + 3 : end;
	}
	return written > 3 ? 2 : 1;
}

/* What an accepted folder feeds (to /dev/null: formatting every number
 * of every output would be most of the time for nothing new): the job
 * files written back, and per point the report (summaries, regimes,
 * transient reasons, paired differences) and its series as series.csv
 * takes them. */
static void consume(struct experiment *x)
{
	x->interrupted = exp_incomplete(x);
	exp_write_jobs(x, devnull, 0);
	exp_write_job_series(x, devnull);
	for (size_t p = 0; p < x->np; p++) {
		struct report rep;
		char reasons[256], value[32];
		if (exp_point_report(x, p, &rep))
			abort();
		for (size_t s = 0; s < x->ns; s++) {
			fputs(regime_names[report_regime(&rep, s)], devnull);
			report_transient_reasons(&rep, s, reasons, sizeof(reasons));
		}
		snprintf(value, sizeof(value), "%zu", p);
		report_write_series_csv_prefixed(&rep, devnull, "point", value,
						 p == 0);
		report_fini(&rep);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup();
	int folders = write_files(data, size);
	struct err e;
	err_init(&e);
	struct experiment x;
	struct scenario *base = scenario_derive(probe, NULL, 0, 1, NULL, &e);
	if (exp_init(&x, base, &e) ||
	    sweep_add_arg(&x.base->sweep, "workload.resident.tasks=100,200,300", &e))
		abort();
	for (size_t i = 0; i < 2; i++) {
		size_t p;
		if (exp_add_point(&x, &point_sets[i], 1, &p, &e))
			abort();
	}
	size_t p;
	int rc = 0;
	if (folders == 1) {          /* --resume */
		rc = exp_grow_all(&x, &e) || exp_read_jobs(&x, in[0], &e) ||
		     exp_add_point(&x, &point_sets[2], 1, &p, &e) ||
		     exp_grow_all(&x, &e) || exp_check_saved(&x, &e) ||
		     exp_resume_rounds(&x, &e);
	} else {                     /* merge */
		rc = exp_read_jobs(&x, in[0], &e) || exp_read_jobs(&x, in[1], &e) ||
		     exp_add_point(&x, &point_sets[2], 1, &p, &e) ||
		     exp_check_saved(&x, &e) || exp_grow_all(&x, &e);
	}
	if (rc)
		check_err(&e);
	else
		consume(&x);
#ifdef FUZZ_DEBUG   /* -DFUZZ_DEBUG: say what each input did */
	if (rc)
		err_print(&e);
	else
		fprintf(stderr, "accepted: %zu points, %zu jobs, incomplete %d\n",
			x.np, exp_jobs(&x), exp_incomplete(&x));
#endif
	exp_fini(&x);
	return 0;
}
