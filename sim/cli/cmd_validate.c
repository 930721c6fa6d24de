/* cmd_validate.c - `bpfsim validate`: options, the loop over loads and
 * storage kinds, the outputs (validate.h has the method).
 *
 * The command line is parsed and checked completely, then privileges and
 * kernel support (validate_check: exit 1 with the reason, nothing
 * written), then the output folder is made.  Per load and storage kind:
 * measure, with the workload probes in the same window, then calibrate
 * the storage costs under the load, both into
 * DIR/calibration-SLUG-KIND.yaml - the calibrate code's own report goes to
 * DIR/calibrate.log, not the terminal - write DIR/scenario-SLUG-KIND.yaml
 * and simulate it.  Then
 * DIR/validation.csv (the rows), DIR/measured.csv (the raw counts of step
 * 1, the programs' recursion_misses among them), the table on stdout and the figure (plots/fig_validate.c).  Every
 * file goes through a temporary and a rename (out.h; calfile_merge).
 * SIGINT/SIGTERM stop after the step in progress (probes detached, load
 * reaped); the rows finished so far are written; exit 130/143.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calibrate/calopt.h"
#include "calibrate/loadgen.h"
#include "calibrate/validate.h"
#include "plots/plot.h"
#include "sim/cli/cli.h"
#include "sim/cli/env.h"
#include "sim/out.h"
#include "sim/outdir.h"
#include "sim/units.h"

#define MAX_LOADS 16
#define DEFAULT_LOADS "spawn:500,spawn:2000,sleepers:64,sleepers:4096"

static int cmd_validate(int argc, char **argv);

static const char validate_help[] =
	"usage: bpfsim validate [--storage hash|task_storage|both] [--loads LIST]\n"
	"                       [--duration D] [--tolerance X] [-o DIR] [options]\n\n"
	"Closes the loop on this host: for each load, runs the bundled\n"
	"runqslower-style probes (hash map, task local storage) as the real\n"
	"tools do and measures their BPF time (bpf_stats run_time_ns / run_cnt,\n"
	"the stats' own cost per run subtracted) and the host's CPU time\n"
	"(/proc/stat); calibrates the workload and the storage costs under the\n"
	"same load (bpfsim calibrate workload / storage); simulates the same\n"
	"host (its online CPUs) from that calibration with the runqslower\n"
	"model; and prints measured against predicted with the relative error,\n"
	"the simulation's 95% CI and a verdict against the tolerance:\n"
	"  BPF time per invocation and invocations per second of each hook,\n"
	"  BPF share of all CPU time, overhead ratio BPF / (busy - BPF),\n"
	"  runqueue wait p50 and p99 (measured by the workload probes),\n"
	"  CPU busy share;\n"
	"and, per row, the recursion_misses of the programs behind it (runs the\n"
	"kernel skipped because a program was already running on that CPU;\n"
	"expected 0 for these hooks, bpf_prog_info since kernel 5.12).\n"
	"The workload is calibrated in the very window the probes are measured\n"
	"in (its probes run beside them), the storage costs right after.\n"
	"Needs root (or CAP_BPF + CAP_PERFMON) and a kernel with BTF; takes\n"
	"about 6 x --duration per load with both storage kinds.\n\n"
	"Writes DIR/validation.csv, DIR/measured.csv, DIR/validate.png (predicted\n"
	"vs measured, log-log, y = x and the tolerance band), per load and\n"
	"storage kind DIR/calibration-SLUG-KIND.yaml and\n"
	"DIR/scenario-SLUG-KIND.yaml (rerun it with bpfsim run), and\n"
	"DIR/calibrate.log (what the calibration printed).\n\n"
	"options:\n"
	"  --storage S          hash, task_storage or both (default both)\n"
	"  --loads LIST         comma-separated loads as calibrate --load takes\n"
	"                       them (default " DEFAULT_LOADS ")\n"
	"  --duration D         each measuring window (default 10s)\n"
	"  --sim-duration D     simulated time per replication (default: --duration)\n"
	"  --tolerance X        relative error that passes (default 0.25)\n"

	"  --reps N             replications per simulation (default 10)\n"
	"  --seed S             base seed (default 1)\n"
	"  --threads T          simulation threads (default: all cores)\n"
	"  --attach A           auto (default), tp_btf or raw_tp (hash probes)\n"
	"  -o, --out DIR        output folder (default out/validate)\n"
	"  --no-plots           do not draw the figure\n"
	"  --plot-format F      png (default), svg, pdf, both or all\n"
	"  --quiet              no progress lines\n"
	"  --verbose            libbpf's messages on stderr\n"
	"  -h, --help           this help\n\n"
	"Exit status: 0 done (misses are results, not failures), 1 no root, no\n"
	"BTF or a kernel/OS failure (the message says which), 2 bad usage,\n"
	"130/143 interrupted (probes detached, finished rows written).\n";

struct vopts {
	struct calib_opts co;        /* duration, attach, quiet, verbose */
	int kinds[2];
	size_t nkinds;
	char *loads[MAX_LOADS];
	struct loadgen_spec spec[MAX_LOADS];
	size_t nloads;
	double tol;
	const char *out;
	int no_plots, quiet;
	const char *plot_format;
	struct val_sim_opts so;
};

#define usage_error(...) calopt_usage("validate", __VA_ARGS__)

static int parse(int argc, char **argv, struct vopts *v, char *loadbuf,
		 size_t loadsize)
{
	enum { O_STORAGE = 256, O_LOADS, O_DURATION, O_SIMDUR, O_TOL, O_REPS,
	       O_SEED, O_THREADS, O_ATTACH, O_NOPLOTS, O_PLOTFMT, O_QUIET,
	       O_VERBOSE };
	static const struct option longopts[] = {
		{ "storage", required_argument, NULL, O_STORAGE },
		{ "loads", required_argument, NULL, O_LOADS },
		{ "duration", required_argument, NULL, O_DURATION },
		{ "sim-duration", required_argument, NULL, O_SIMDUR },
		{ "tolerance", required_argument, NULL, O_TOL },
		{ "reps", required_argument, NULL, O_REPS },
		{ "seed", required_argument, NULL, O_SEED },
		{ "threads", required_argument, NULL, O_THREADS },
		{ "attach", required_argument, NULL, O_ATTACH },
		{ "out", required_argument, NULL, 'o' },
		{ "no-plots", no_argument, NULL, O_NOPLOTS },
		{ "plot-format", required_argument, NULL, O_PLOTFMT },
		{ "quiet", no_argument, NULL, O_QUIET },
		{ "verbose", no_argument, NULL, O_VERBOSE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *storage = "both", *loads = DEFAULT_LOADS, *dur = "10s",
		   *simdur = NULL;
	char why[256];
	double x;
	int c;
	memset(v, 0, sizeof(*v));
	v->tol = 0.25;
	v->out = "out/validate";
	v->so.reps = 10;
	v->so.seed = 1;
	v->so.env = &cli_env;
	v->so.interrupted = v->co.interrupted = &cli_interrupted;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(validate_help, stdout);
			return -1;
		case 'o':
			v->out = optarg;
			break;
		case O_STORAGE:
			storage = optarg;
			break;
		case O_LOADS:
			loads = optarg;
			break;
		case O_DURATION:
			dur = optarg;
			break;
		case O_SIMDUR:
			simdur = optarg;
			break;
		case O_TOL:
			if (units_parse_number(optarg, &v->tol, why, sizeof(why)) ||
			    !(v->tol > 0) || v->tol > 100)
				return usage_error("--tolerance takes a number in "
						   "(0, 100] (got '%s')", optarg);
			break;
		case O_REPS:
			if (calopt_whole("validate", "--reps", optarg, 2, 10000,
					 &x))
				return 2;
			v->so.reps = (uint64_t)x;
			break;
		case O_SEED:
			if (calopt_whole("validate", "--seed", optarg, 0, 9007199254740992.0,
					 &x))
				return 2;
			v->so.seed = (uint64_t)x;
			break;
		case O_THREADS:
			if (calopt_whole("validate", "--threads", optarg, 1, 4096,
					 &x))
				return 2;
			v->so.threads = (unsigned)x;
			break;
		case O_ATTACH:
			if (calopt_attach("validate", optarg, &v->co.attach))
				return 2;
			break;
		case O_NOPLOTS:
			v->no_plots = 1;
			break;
		case O_PLOTFMT:
			if (plot_format_check(optarg))
				return usage_error("--plot-format must be %s (got "
						   "'%s')", PLOT_FORMATS, optarg);
			v->plot_format = optarg;
			break;
		case O_QUIET:
			v->quiet = v->co.quiet = 1;
			break;
		case O_VERBOSE:
			v->co.verbose = 1;
			break;
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (!strcmp(storage, "both")) {
		v->kinds[0] = 0;
		v->kinds[1] = 1;
		v->nkinds = 2;
	} else if (!strcmp(storage, "hash")) {
		v->kinds[v->nkinds++] = 0;
	} else if (!strcmp(storage, "task_storage") || !strcmp(storage, "task")) {
		v->kinds[v->nkinds++] = 1;
	} else {
		return usage_error("--storage takes hash, task_storage or both (got "
				   "'%s')", storage);
	}
	if (calopt_duration("validate", "--duration", dur, 1e8, 3600e9,
			    "100ms to 1h", &v->co.duration_ns))
		return 2;
	v->so.duration_ns = v->co.duration_ns;
	if (simdur && calopt_duration("validate", "--sim-duration", simdur, 1e6,
				      3600e9, "1ms to 1h", &v->so.duration_ns))
		return 2;
	if (snprintf(loadbuf, loadsize, "%s", loads) >= (int)loadsize)
		return usage_error("--loads is too long");
	char *save = NULL;
	for (char *t = strtok_r(loadbuf, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		while (*t == ' ')
			t++;
		if (v->nloads == MAX_LOADS)
			return usage_error("--loads takes at most %d loads", MAX_LOADS);
		if (loadgen_parse(t, &v->spec[v->nloads], why, sizeof(why)))
			return usage_error("--loads: %s", why);
		if (v->spec[v->nloads].nparts == 0)
			return usage_error("--loads: '%s' is no load (validation "
					   "needs one)", t);
		v->loads[v->nloads++] = t;
	}
	if (!v->nloads)
		return usage_error("--loads needs at least one load");
	return 0;
}

/* "spawn:500+sleepers:8" -> "spawn-500+sleepers-8" (a file name part). */
static void slugify(const char *load, char *buf, size_t size)
{
	size_t n = 0;
	for (; *load && n + 1 < size; load++) {
		char ch = *load;
		int keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			   (ch >= '0' && ch <= '9') || ch == '.' || ch == '+';
		buf[n++] = keep ? ch : '-';
	}
	buf[n] = 0;
}

static long host_pid_max(void)
{
	long v = 32768;
	FILE *f = fopen("/proc/sys/kernel/pid_max", "r");
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = 32768;
		fclose(f);
	}
	if (v > 4194304)
		v = 4194304;
	return v < 1024 ? 1024 : v;
}

static void progress(const struct vopts *v, size_t i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void progress(const struct vopts *v, size_t i, const char *fmt, ...)
{
	va_list ap;
	if (v->quiet)
		return;
	fprintf(stderr, "validate [%zu/%zu] %s: ", i + 1, v->nloads, v->loads[i]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Run a calibrate function with its stdout going to the log. */
static int calibrate_logged(int (*fn)(const struct calib_opts *, struct err *),
			    const struct calib_opts *co, FILE *log,
			    struct err *e)
{
	fflush(stdout);
	fflush(log);
	int saved = dup(STDOUT_FILENO);
	if (saved < 0 || dup2(fileno(log), STDOUT_FILENO) < 0) {
		if (saved >= 0)
			close(saved);
		return err_set(e, ERR_RUNTIME, "bpfsim validate", 0, 0,
			       "cannot redirect the calibration's report: %s",
			       strerror(errno));
	}
	int rc = fn(co, e);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	return rc;
}

static void write_measured(FILE *f, const char *load,
			   const struct val_measured *m)
{
	if (!f)
		return;
	out_csv_field(f, load);
	fprintf(f, ",%s,%s,%ld", m->task ? "task_storage" : "hash", m->attach,
		m->cpus);
	double v[] = { m->elapsed, m->runs[0], m->run_ns[0], m->runs[1],
		       m->run_ns[1], m->runs[2], m->run_ns[2], m->floor, m->busy,
		       m->idle, m->steal, m->load_cpu, m->load_elapsed, m->reports,
		       m->failed, m->misses[0], m->misses[1], m->misses[2] };
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		fputc(',', f);
		out_num(f, v[i], "nan");
	}
	fputc('\n', f);
}

static int cmd_validate(int argc, char **argv)
{
	struct vopts v;
	struct err e;
	char loadbuf[2048], dir[4096], calname[300], calpath[4400], scname[400],
	     scpath[4600], slug[200];
	struct val_row *rows = NULL;
	size_t nrows = 0;
	struct out_file logf = { 0 }, mf = { 0 }, of = { 0 };
	int rc = parse(argc, argv, &v, loadbuf, sizeof(loadbuf));
	if (rc)
		return rc < 0 ? 0 : rc;
	err_init(&e);
	cli_install_signals();
	if ((rc = validate_check(&v.co, &e)))
		goto fail;
	snprintf(dir, sizeof(dir), "%s", v.out);
	if (out_mkdir_p(dir, &e) || out_open(&logf, dir, "calibrate.log", &e) ||
	    out_open(&mf, dir, OUTDIR_MEASURED_CSV, &e))
		goto fail;
	fputs("load,storage,attach,cpus,elapsed_s,runs_sched_wakeup,"
	      "run_ns_sched_wakeup,runs_sched_wakeup_new,run_ns_sched_wakeup_new,"
	      "runs_sched_switch,run_ns_sched_switch,stats_floor_ns,busy_ns,"
	      "idle_ns,steal_ns,load_cpu_ns,load_elapsed_s,reports,"
	      "failed_updates,recursion_misses_sched_wakeup,"
	      "recursion_misses_sched_wakeup_new,recursion_misses_sched_switch\n",
	      mf.f);
	rows = calloc(v.nloads * v.nkinds * VM_COUNT, sizeof(*rows));
	if (!rows) {
		err_set(&e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		goto fail;
	}
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	v.so.cpus = cpus > 0 ? cpus : 1;
	v.so.pid_max = host_pid_max();
	char d[48];
	units_format_duration(v.co.duration_ns, d, sizeof(d));
	if (!v.quiet)
		fprintf(stderr, "validate: %zu load(s) x %zu storage kind(s), %s "
			"windows, %ld CPUs; outputs in %s/\n", v.nloads, v.nkinds,
			d, v.so.cpus, dir);
	for (size_t i = 0; i < v.nloads && !cli_interrupted; i++) {
		struct calib_opts co = v.co;
		co.have_load = 1;
		co.load = v.spec[i];
		co.load_text = v.loads[i];
		co.quiet = 1;
		co.brief = 1;      /* the log's tables without fits: faster */
		slugify(v.loads[i], slug, sizeof(slug));
		for (size_t k = 0; k < v.nkinds; k++) {
			int task = v.kinds[k];
			const char *kind = task ? "task_storage" : "hash";
			struct val_measured m;
			double meas[VM_COUNT];
			struct stat_summary pred[VM_COUNT];
			int intr = 0;
			snprintf(calname, sizeof(calname), "calibration-%s-%s.yaml",
				 slug, kind);
			snprintf(calpath, sizeof(calpath), "%s/%s", dir, calname);
			unlink(calpath);   /* ours from an earlier run: measured anew */
			/* 1 (and 2, the workload). */
			progress(&v, i, "measuring the %s probes and the workload (%s)",
				 kind, d);
			if ((rc = validate_measure(&co, task, calpath, logf.f, &m, &e)))
				goto fail;
			if (cli_interrupted)
				goto interrupted;
			write_measured(mf.f, v.loads[i], &m);
			/* 2, the storage costs of this kind under the load. */
			co.out = calpath;
			co.variant = task;
			co.nocc = 1;
			co.occ[0] = 0;
			co.nact = 1;
			co.act[0] = 1;
			co.max_entries = VAL_HASH_ENTRIES;
			fprintf(logf.f, "==== %s, %s: calibrate storage under the load, "
				"%s per step\n", v.loads[i], kind, d);
			progress(&v, i, "calibrating the %s costs (2 x %s)", kind, d);
			if ((rc = calibrate_logged(calib_storage, &co, logf.f, &e)))
				goto fail;
			if (cli_interrupted)
				goto interrupted;
			/* 3 and 4. */
			snprintf(scname, sizeof(scname), "scenario-%s-%s.yaml", slug,
				 kind);
			snprintf(scpath, sizeof(scpath), "%s/%s", dir, scname);
			if ((rc = validate_measured_values(&m, calpath, meas, &e)) ||
			    (rc = validate_scenario_write(dir, scname, calname,
							  v.loads[i], task, &v.so,
							  &e)))
				goto fail;
			progress(&v, i, "simulating %s (%llu replications)", scname,
				 (unsigned long long)v.so.reps);
			if ((rc = validate_simulate(scpath, &v.so, pred, &intr, &e)))
				goto fail;
			if (intr || cli_interrupted)
				goto interrupted;
			validate_rows(v.loads[i], task, meas, m.misses, pred,
				      v.tol, &rows[nrows]);
			nrows += VM_COUNT;
		}
	}
interrupted:
	if (out_commit(&logf, &e) || out_commit(&mf, &e) ||
	    out_open(&of, dir, OUTDIR_VALIDATION_CSV, &e))
		goto fail;
	validate_write_csv(of.f, rows, nrows, v.tol);
	if (out_commit(&of, &e))
		goto fail;
	if (nrows) {
		putchar('\n');
		validate_print_table(stdout, rows, nrows, v.tol);
	}
	printf("Outputs in %s/\n", dir);
	if (!v.no_plots && nrows && !cli_interrupted)
		plot_outdir(dir, v.plot_format, NULL, stderr);
	if (cli_interrupted)
		fprintf(stderr, "bpfsim validate: interrupted; the %zu finished "
			"(load, storage) rows are in %s/validation.csv\n",
			nrows / VM_COUNT, dir);
	rc = 0;
	goto out;
fail:
	err_print(&e);
	rc = e.status ? e.status : 1;
out:
	out_abort(&logf);
	out_abort(&mf);
	out_abort(&of);
	free(rows);
	return cli_exit_status(rc);
}

const struct cli_cmd cli_cmd_validate = {
	"validate", cmd_validate,
	"measure the bundled probes under loads and compare with the simulation",
	validate_help, NULL, 0, CLI_ARGS_OWN, NULL,
};
