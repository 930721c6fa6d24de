/* drive.c - the shared body of the subcommands that run experiments
 * (drive.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plots/plot.h"
#include "sim/cli/drive.h"
#include "sim/cli/env.h"
#include "sim/cli/provenance.h"
#include "sim/exp/journal.h"
#include "sim/exp/manifest.h"
#include "sim/exp/mpi_runner.h"
#include "sim/out.h"
#include "sim/outdir.h"

struct scenario *drive_load(const struct cli_opts *o, const char *path,
			    int compare, const char *strategies, struct err *e)
{
	const char *sets[CLI_MAX_SETS + 2];
	char sr[2][64];
	size_t n = 0;
	for (size_t i = 0; i < o->nsets; i++)
		sets[n++] = o->sets[i];
	n = cli_seed_reps_sets(o, sets, n, sr);
	return scenario_load(&cli_env, path ? path : o->scenario, sets, n,
			     compare, strategies, e);
}

int drive_record_strategies(struct scenario *sc, struct err *e)
{
	if (!sc->compare || !sc->model->strategy_key)
		return 0;
	char assign[SCENARIO_MAX_STRATEGIES * 50 + 16] = "compare=[";
	for (size_t s = 0; s < sc->nstrategies; s++) {
		size_t len = strlen(assign);
		snprintf(assign + len, sizeof(assign) - len, "%s%s", s ? ", " : "",
			 sc->strategy[s]);
	}
	strncat(assign, "]", sizeof(assign) - strlen(assign) - 1);
	return ytree_set_path(sc->tree, assign, e);
}

const struct sweep *drive_axes(const struct experiment *x,
			       const char *command)
{
	int swept = !strcmp(command, "sweep") || !strcmp(command, "phase");
	return swept ? &x->base->sweep : NULL;
}

int drive_check_folder(const struct experiment *x, const char *command,
		       const char *dir, const char *use, struct err *e)
{
	return manifest_check(x, drive_axes(x, command), dir, use, e);
}

int drive_resume(struct experiment *x, const struct cli_opts *o,
		 const char *command, int check, struct err *e)
{
	if (!o->resume)
		return 0;
	if (drive_check_folder(x, command, o->resume, "--resume", e) ||
	    exp_read_jobs(x, o->resume, e) || (check && exp_check_saved(x, e)) ||
	    exp_resume_rounds(x, e))
		return e->status;
	return 0;
}

/* Remove DIR/NAME if there (a marker of the last run's whole outputs). */
static int remove_marker(const char *dir, const char *name, struct err *e)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (unlink(path) && errno != ENOENT)
		return err_set(e, ERR_RUNTIME, path, 0, 0, "cannot remove: %s",
			       strerror(errno));
	return 0;
}

/* DIR/scenario.resolved.yaml: what the folder runs, from its start (a
 * folder cut short by a crash still says it; merge reads it).  Its bytes
 * are hashed into x's provenance (provenance.h), which summary.json
 * carries at the end. */
static int write_resolved(struct experiment *x, const char *dir,
			  struct err *e)
{
	struct out_file f;
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (!m)
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	scenario_emit(x->base, m);
	if (fclose(m)) {
		free(text);
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	}
	free(x->provenance);
	x->provenance = prov_json(text, len);
	if (!x->provenance || out_open(&f, dir, OUTDIR_RESOLVED_YAML, e)) {
		free(text);
		return e->status ? e->status
				 : err_set(e, ERR_RUNTIME, NULL, 0, 0,
					   "out of memory");
	}
	fwrite(text, 1, len, f.f);
	free(text);
	return out_commit(&f, e);
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	return n > t && !strcmp(s + n - t, tail);
}

int drive_folder_clear(const char *dir, struct err *e)
{
	static const char *const ext[] = { ".csv", ".json", ".yaml", ".dat",
		".gp", ".png", ".svg", ".pdf", ".html", ".md", NULL };
	DIR *d = opendir(dir);
	if (!d)
		return err_set(e, ERR_RUNTIME, dir, 0, 0, "cannot read: %s",
			       strerror(errno));
	struct dirent *de;
	while ((de = readdir(d))) {
		const char *n = de->d_name;
		int ours = n[0] == '.' ? strstr(n, ".tmp.") != NULL : 0;
		for (size_t i = 0; !ours && n[0] != '.' && ext[i]; i++)
			ours = ends_with(n, ext[i]);
		char path[4400];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", dir, n);
		if (!ours || lstat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		if (unlink(path) && errno != ENOENT) {
			err_set(e, ERR_RUNTIME, path, 0, 0, "cannot remove: %s",
				strerror(errno));
			break;
		}
	}
	closedir(d);
	return e->status;
}

/* An output folder that holds another experiment (its manifest is not
 * x's as `command` runs it): refused, or with `force` cleared.  A folder
 * without a manifest.json holds no run (a new or an empty folder, or
 * someone's files, which are left alone). */
static int check_out(struct experiment *x, const char *command,
		     const char *dir, int force, struct err *e)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/" OUTDIR_MANIFEST_JSON, dir);
	if (access(path, F_OK))
		return 0;
	struct err me;
	err_init(&me);
	if (!drive_check_folder(x, command, dir, "--out", &me))
		return 0;   /* the same experiment: written again in place */
	if (force)
		return drive_folder_clear(dir, e);
	*e = me;
	size_t len = strlen(e->msg);
	snprintf(e->msg + len, sizeof(e->msg) - len, "; the folder holds "
		 "another run: choose another --out, or --force to replace it");
	return e->status;
}

/* drive_folder_open on rank 0. */
static int folder_open(struct drive_folder *df, struct experiment *x,
		       const char *command, const char *dir, int journal,
		       int force, struct err *e)
{
	if (out_mkdir_p(dir, e) || outdir_lock(dir, &df->lock, e) ||
	    check_out(x, command, dir, force, e) ||
	    manifest_write(x, drive_axes(x, command), command, dir, e) ||
	    write_resolved(x, dir, e) ||
	    remove_marker(dir, OUTDIR_SUMMARY_JSON, e) ||
	    remove_marker(dir, OUTDIR_CAPACITY_JSON, e) ||
	    (journal && journal_open(&df->journal, x, dir, e)))
		return e->status;
	return 0;
}

int drive_folder_open(struct drive_folder *df, struct experiment *x,
		      const char *command, const char *dir, int journal,
		      int force, struct err *e)
{
	int rc = mpi_rank() == 0 ? folder_open(df, x, command, dir, journal,
						force, e) : 0;
	rc = mpi_share_status(rc);
	if (rc && !e->status)   /* another rank: rank 0 says why */
		err_set(e, rc, NULL, 0, 0, "the output folder could not be "
			"opened on rank 0");
	return rc;
}

int drive_folder_end_journal(struct drive_folder *df, struct err *e)
{
	int rc = journal_close(df->journal, e);
	df->journal = NULL;
	return rc;
}

void drive_folder_close(struct drive_folder *df)
{
	journal_close(df->journal, NULL);
	df->journal = NULL;
	outdir_unlock(df->lock);
	df->lock = -1;
}

void drive_run_opts(const struct cli_opts *o, struct exp_run_opts *ro)
{
	memset(ro, 0, sizeof(*ro));
	ro->threads = o->threads;
	ro->shard_i = o->shard_i;
	ro->shard_n = o->shard_n;
	ro->interrupt = &cli_interrupted;
}

int drive_run(struct experiment *x, const struct cli_opts *o,
	      struct journal *jn, struct err *e)
{
	struct exp_run_opts ro;
	drive_run_opts(o, &ro);
	if (jn) {
		ro.on_job = journal_job;
		ro.on_job_ctx = jn;
	}
	cli_install_signals();
	struct cli_progress pr;
	cli_progress_init(&pr, mpi_rank() == 0 ? cli_progress_mode(o)
					       : CLI_PROGRESS_NONE,
			  x->base->name, "jobs");
	if (pr.mode != CLI_PROGRESS_NONE) {
		ro.progress = cli_progress_show;
		ro.progress_ctx = &pr;
		ro.tick = cli_progress_tick;
		ro.tick_ctx = &pr;
	}
	int rc = exp_run(x, &ro, e);
	cli_progress_end(&pr);
	return rc;
}

/* A scenario's name as one folder name: letters, digits, '-', '_' and '.'
 * kept, anything else (a '/', a control character) becomes '_', and a
 * leading '.' too, so "../../x" or ".." cannot leave out/; an empty name
 * is "scenario".  A name is a label: only --out chooses a location. */
static void safe_name(const char *name, char *buf, size_t size)
{
	size_t n = 0;
	for (const char *c = name; *c && n + 1 < size; c++, n++) {
		int ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			 (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' ||
			 (*c == '.' && n > 0);
		buf[n] = ok ? *c : '_';
	}
	buf[n] = 0;
	if (!n)
		snprintf(buf, size, "scenario");
}

void drive_dir(const struct cli_opts *o, const char *name, const char *suffix,
	       char *dir, size_t size)
{
	char safe[256];
	safe_name(name, safe, sizeof(safe));
	if (o->out)
		snprintf(dir, size, "%s", o->out);
	else if (o->resume)
		snprintf(dir, size, "%s", o->resume);
	else
		snprintf(dir, size, "out/%s%s", safe, suffix);
}

int drive_shard(struct experiment *x, const struct cli_opts *o,
		const char *command, const char *dir, int *done, struct err *e)
{
	*done = 0;
	if (!o->shard_n)
		return 0;
	*done = 1;
	if (mpi_rank() != 0)
		return 0;
	struct out_file f;
	if (exp_write_shard(x, dir, e) || out_open(&f, dir, OUTDIR_SHARD_JSON, e))
		return e->status;
	fprintf(f.f, "{\"command\": \"%s\", \"shard\": [%u, %u]}\n", command,
		o->shard_i, o->shard_n);
	if (out_commit(&f, e))
		return e->status;
	printf("%s: shard %u/%u written to %s/ (merge the shards with bpfsim "
	       "merge)\n", x->base->name, o->shard_i, o->shard_n, dir);
	return 0;
}

int drive_shard_command(const char *dir, char *cmd, size_t size,
			struct err *e)
{
	struct ytree *t = NULL;
	snprintf(cmd, size, "sweep");
	int got = outdir_json_load(dir, OUTDIR_SHARD_JSON, &t, e);
	if (got < 0)
		return e->status;
	if (!got) {   /* a shard cut short: its manifest names the command */
		got = outdir_json_load(dir, OUTDIR_MANIFEST_JSON, &t, e);
		const char *c = got > 0 ? outdir_json_str(ytree_root(t),
							  OUTDIR_KEY_COMMAND) : NULL;
		if (c)
			snprintf(cmd, size, "%s", c);
		ytree_free(t);
		return got < 0 ? e->status : 0;
	}
	const char *c = outdir_json_str(ytree_root(t), OUTDIR_KEY_COMMAND);
	if (!c)
		err_set(e, ERR_INPUT, dir, 0, 0, OUTDIR_SHARD_JSON " has no "
			"\"command\"");
	else
		snprintf(cmd, size, "%s", c);
	ytree_free(t);
	return e->status;
}

size_t drive_print_jobs(const struct experiment *x, const char *dir,
			const char *files)
{
	size_t jobs = 0, done = 0, capped = 0, failed = 0;
	for (size_t i = 0; i < x->np * x->ns; i++) {
		const struct exp_cell *c = &x->cells[i];
		for (size_t r = 0; r < c->nreps; r++) {
			jobs++;
			if (!c->jobs[r].done)
				continue;
			if (c->jobs[r].status == SIM_DONE)
				done++;
			else if (c->jobs[r].status == SIM_CAPPED)
				capped++;
			else
				failed++;
		}
	}
	printf("%s: %zu points x %zu strateg%s, %zu jobs: %zu done, %zu capped, "
	       "%zu failed%s\n", x->base->name, x->np, x->ns, x->ns == 1 ? "y" : "ies",
	       jobs, done, capped, failed,
	       x->interrupted ? " (interrupted: incomplete)" : "");
	printf("Outputs in %s/ (%s)\n", dir, files);
	return failed;
}

int drive_experiment(struct experiment *x, const struct cli_opts *o,
		     const char *command, const char *suffix,
		     drive_finish_fn finish, struct err *e)
{
	int done = 0, rc = 0;
	char dir[4096];
	struct drive_folder df = DRIVE_FOLDER_INIT;
	struct err je;   /* the journal's: reported after the outputs */
	if (o->shard_n && x->base->precision.metric >= 0)
		return err_set(e, ERR_INPUT, o->scenario, 0, 0, "--shard cannot be "
			       "combined with precision: (run-length control "
			       "needs every replication of a point in one place)");
	err_init(&je);
	drive_dir(o, x->base->name, suffix, dir, sizeof(dir));
	if (exp_grow_all(x, e) || drive_resume(x, o, command, 1, e) ||
	    drive_folder_open(&df, x, command, dir, 1, o->force, e) ||
	    drive_run(x, o, df.journal, e))
		goto out;
	drive_folder_end_journal(&df, &je);
	if (drive_shard(x, o, command, dir, &done, e))
		goto out;
	if (!done && mpi_rank() == 0)
		rc = finish(x, o, dir, e);
	if (je.status && !e->status)
		*e = je;
out:
	drive_folder_close(&df);
	return e->status ? e->status : rc;
}

int drive_exit(struct experiment *x, struct err *e, int rc)
{
	if (e->status) {
		if (mpi_rank() == 0)
			err_print(e);
		rc = e->status;
	}
	exp_fini(x);
	return cli_exit_status(rc);
}

int drive_finish_folder(struct experiment *x, const struct cli_opts *o,
			const char *dir, const char *files,
			int (*write)(struct experiment *x, const char *dir,
				     struct err *e), struct err *e)
{
	if (write(x, dir, e))
		return e->status;
	int rc = drive_print_jobs(x, dir, files) ? 1 : 0;
	if (!o->no_plots && !cli_interrupted)
		plot_outdir(dir, o->plot_format, NULL, stderr);
	return rc;
}
