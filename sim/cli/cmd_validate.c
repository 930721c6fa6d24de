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
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "calibrate/calopt.h"
#include "calibrate/loadgen.h"
#include "calibrate/validate.h"
#include "calibrate/validate_tool.h"
#include "plots/plot.h"
#include "sim/cli/cli.h"
#include "sim/cli/env.h"
#include "sim/out.h"
#include "sim/outdir.h"
#include "sim/units.h"

#define MAX_LOADS 16
#define MAX_TOOLS 8
#define MAX_SETS 32
#define DEFAULT_LOADS "spawn:500,spawn:2000,sleepers:64,sleepers:4096"

static int cmd_validate(int argc, char **argv);

static const char validate_help[] =
	"usage: bpfsim validate [--storage hash|task_storage|both] [--loads LIST]\n"
	"                       [--duration D] [--tolerance X] [-o DIR] [options]\n"
	"       bpfsim validate --tool NAME[,NAME...] [--loads LIST] [--duration D]\n"
	"                       [--run-tolerance X] [--tolerance X] [-o DIR]\n"
	"       bpfsim validate --from DIR [--set KEY=VALUE]... [-o DIR2] [options]\n\n"
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
	"  CPU busy share (the tasks' time on CPU, timed at every switch by the\n"
	"  workload probes: /proc/stat's ticks miss short runs between ticks;\n"
	"  predicted: interrupts that hit an idle CPU left out, as the host's\n"
	"  switches count them in the idle task);\n"
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
	"With --tool it runs the real binaries of Debian's libbpf-tools package\n"
	"(runqslower, runqlat, cpudist, syscount; make deps installs it) instead\n"
	"of the bundled probes: each under its load (default: sleepers:64, and\n"
	"syscalls:200k for syscount; --loads replaces them), its programs found\n"
	"by name among those its process holds and measured with bpf_stats, the\n"
	"workload calibrated in the same window, the hash costs and the\n"
	"primitives on the tool's hook (calibrate storage / primitives) right\n"
	"after, then the tool measured again (the two windows, summed,\n"
	"bracket the calibrations), then the shipped description of the tool\n"
	"(scenarios/tools/) simulated on that calibration.  Compared per\n"
	"program: cost per run without the dispatch (which bpf_stats does not\n"
	"see) against --run-tolerance, runs per second; per tool: its BPF\n"
	"share of the CPUs against --tolerance, and the busy share (timed at\n"
	"every switch) for context; the last line counts the (tool, load)\n"
	"rows whose every program passed.  The tool is stopped with\n"
	"SIGINT (SIGKILL after 3 s) and its programs checked to be gone;\n"
	"tracefs is mounted for syscount when absent and unmounted after.\n"
	"The binaries come from /usr/sbin, /usr/bin or /sbin, or from the\n"
	"folder BPFSIM_TOOLS_DIR names.  Writes DIR/validation.csv and\n"
	"DIR/measured.csv (one row per metric / program), per tool and load\n"
	"the calibration file, the scenario and DIR/tool-TOOL-SLUG.log,\n"
	"DIR/tool-TOOL-SLUG-2.log (the tool's output in each window); no\n"
	"figure.\n\n"
	"With --from DIR it measures nothing (no root needed): the measured.csv\n"
	"and calibration files of an earlier run in DIR are simulated again -\n"
	"with other --set overrides, --reps or --seed - and compared as above;\n"
	"the simulated time is the measured window unless --duration or\n"
	"--sim-duration says.  Outputs go to -o (DIR itself when -o names it).\n\n"
	"options:\n"
	"  --storage S          hash, task_storage or both (default both)\n"
	"  --tool LIST          libbpf-tools binaries to validate, comma-separated:\n"
	"                       runqslower, runqlat, cpudist, syscount\n"
	"  --from DIR           simulate DIR's measurements again (no measuring)\n"
	"  --set KEY=VALUE      override a key of every generated scenario (repeat;\n"
	"                       as run --set; the scenario's rerun line names it)\n"
	"  --loads LIST         comma-separated loads as calibrate --load takes\n"
	"                       them (default " DEFAULT_LOADS ")\n"
	"  --duration D         each measuring window (default 10s)\n"
	"  --sim-duration D     simulated time per replication (default: --duration)\n"
	"  --tolerance X        relative error that passes (default 0.25)\n"
	"  --run-tolerance X    --tool: the cost per run's (default 0.2)\n"

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
	const struct vt_tool *tools[MAX_TOOLS];
	size_t ntools;
	double run_tol;
	int loads_given;
	const char *from;            /* --from DIR: simulate its measurements */
	int sim_dur_given;           /* --duration or --sim-duration given */
	const char *sets[MAX_SETS];  /* --set KEY=VALUE */
};

#define usage_error(...) calopt_usage("validate", __VA_ARGS__)

/* --tool runqslower,syscount: each known (a misspelt name gets a
 * suggestion), none twice. */
static int parse_tools(const char *list, struct vopts *v)
{
	char buf[256], *save = NULL;
	if (snprintf(buf, sizeof(buf), "%s", list) >= (int)sizeof(buf))
		return usage_error("--tool is too long");
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		while (*t == ' ')
			t++;
		const struct vt_tool *tool = vt_find(t);
		if (!tool) {
			const char *s = vt_suggest(t);
			if (s)
				return usage_error("--tool: unknown tool '%s' (did "
						   "you mean '%s'?)", t, s);
			return usage_error("--tool: unknown tool '%s' (known: %s)",
					   t, vt_names());
		}
		for (size_t i = 0; i < v->ntools; i++)
			if (v->tools[i] == tool)
				return usage_error("--tool: '%s' given twice", t);
		if (v->ntools == MAX_TOOLS)
			return usage_error("--tool takes at most %d tools",
					   MAX_TOOLS);
		v->tools[v->ntools++] = tool;
	}
	if (!v->ntools)
		return usage_error("--tool needs at least one tool (%s)",
				   vt_names());
	return 0;
}

static int parse(int argc, char **argv, struct vopts *v, char *loadbuf,
		 size_t loadsize)
{
	enum { O_STORAGE = 256, O_LOADS, O_DURATION, O_SIMDUR, O_TOL, O_REPS,
	       O_SEED, O_THREADS, O_ATTACH, O_NOPLOTS, O_PLOTFMT, O_QUIET,
	       O_VERBOSE, O_TOOL, O_RUNTOL, O_SET, O_FROM };
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
		{ "tool", required_argument, NULL, O_TOOL },
		{ "run-tolerance", required_argument, NULL, O_RUNTOL },
		{ "set", required_argument, NULL, O_SET },
		{ "from", required_argument, NULL, O_FROM },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *storage = NULL, *loads = NULL, *dur = "10s",
		   *simdur = NULL, *toollist = NULL;
	char why[256];
	double x;
	int c;
	memset(v, 0, sizeof(*v));
	v->tol = 0.25;
	v->run_tol = 0.2;
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
		case O_TOOL:
			toollist = optarg;
			break;
		case O_RUNTOL:
			if (units_parse_number(optarg, &v->run_tol, why,
					       sizeof(why)) ||
			    !(v->run_tol > 0) || v->run_tol > 100)
				return usage_error("--run-tolerance takes a number "
						   "in (0, 100] (got '%s')", optarg);
			break;
		case O_LOADS:
			loads = optarg;
			break;
		case O_SET:
			if (!strchr(optarg, '=') || optarg[0] == '=')
				return usage_error("--set takes KEY=VALUE (got "
						   "'%s')", optarg);
			if (v->so.nsets == MAX_SETS)
				return usage_error("--set is given at most %d "
						   "times", MAX_SETS);
			v->sets[v->so.nsets++] = optarg;
			break;
		case O_FROM:
			v->from = optarg;
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
	v->so.sets = v->sets;
	if (toollist && storage)
		return usage_error("--storage does not apply with --tool (the "
				   "tools bring their own maps)");
	if (toollist && v->from)
		return usage_error("--from re-simulates the bundled probes' "
				   "measurements; it does not take --tool");
	if (toollist && parse_tools(toollist, v))
		return 2;
	v->loads_given = loads != NULL;
	if (!storage)
		storage = "both";
	if (!loads)
		loads = DEFAULT_LOADS;
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
	v->sim_dur_given = simdur != NULL || strcmp(dur, "10s") != 0;
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

/* measured.csv's numeric columns, after load,storage,attach,cpus, in
 * their order: the one list write_measured and parse_measured (validate
 * --from) share. */
#define MEASURED_NUMS 18
static void measured_fields(struct val_measured *m,
			    double *v[MEASURED_NUMS])
{
	double *f[MEASURED_NUMS] = {
		&m->elapsed, &m->runs[0], &m->run_ns[0], &m->runs[1],
		&m->run_ns[1], &m->runs[2], &m->run_ns[2], &m->floor, &m->busy,
		&m->idle, &m->steal, &m->load_cpu, &m->load_elapsed, &m->reports,
		&m->failed, &m->misses[0], &m->misses[1], &m->misses[2],
	};
	memcpy(v, f, sizeof(f));
}

static void write_measured(FILE *f, const char *load,
			   const struct val_measured *m)
{
	double *v[MEASURED_NUMS];
	if (!f)
		return;
	out_csv_field(f, load);
	fprintf(f, ",%s,%s,%ld", m->task ? "task_storage" : "hash", m->attach,
		m->cpus);
	measured_fields((struct val_measured *)m, v);   /* only read here */
	for (size_t i = 0; i < MEASURED_NUMS; i++) {
		fputc(',', f);
		out_num(f, *v[i], "nan");
	}
	fputc('\n', f);
}

/* System calls per second of task CPU time for a system-call tool: what
 * its sys_exit program counted per second over the simulated tasks' CPU
 * time per second (payload share x CPUs, from a simulation without
 * system calls) - the model's tasks make calls while they run. */
static double fitted_sys_rate(const struct vt_tool *t,
			      const struct vt_measured *m, double payload,
			      long cpus)
{
	double runs = 0;
	for (size_t k = 0; k < t->nprogs; k++)
		if (t->prog[k].dname && !strcmp(t->prog[k].kname, "sys_exit"))
			runs = m->runs[k];
	double cpu = payload * (double)cpus;
	return cpu > 0 && m->elapsed > 0 ? runs / m->elapsed / cpu : 0;
}

/* validate --tool: per tool and load, measure, calibrate the hash costs,
 * simulate the description, compare.  rc as cmd_validate's. */
static int run_tools(struct vopts *v, const char *dir, struct err *e)
{
	struct out_file logf = { 0 }, mf = { 0 }, of = { 0 };
	char calname[300], calpath[4400], scname[400], scpath[4600], slug[200],
	     logname[400], logpath[4600], d[48];
	size_t cap = v->ntools * (v->loads_given ? v->nloads : 1) *
		     (2 * VT_MAXPROGS + 2), nrows = 0, runs = 0;
	struct vt_row *rows = calloc(cap, sizeof(*rows));
	int rc = 0;
	if (!rows)
		return err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
	if (out_open(&logf, dir, "calibrate.log", e) ||
	    out_open(&mf, dir, OUTDIR_MEASURED_CSV, e))
		goto fail;
	validate_tool_measured_header(mf.f);
	units_format_duration(v->co.duration_ns, d, sizeof(d));
	for (size_t i = 0; i < v->ntools && !cli_interrupted; i++) {
		const struct vt_tool *t = v->tools[i];
		size_t nl = v->loads_given ? v->nloads : 1;
		for (size_t l = 0; l < nl && !cli_interrupted; l++) {
			struct calib_opts co = v->co;
			struct loadgen_spec spec;
			const char *load = v->loads_given ? v->loads[l] : t->load;
			char why[256];
			if (v->loads_given)
				spec = v->spec[l];
			else if (loadgen_parse(load, &spec, why, sizeof(why))) {
				err_set(e, ERR_RUNTIME, NULL, 0, 0, "%s", why);
				goto fail;
			}
			co.have_load = 1;
			co.load = spec;
			co.load_text = load;
			co.quiet = 1;
			co.brief = 1;
			slugify(load, slug, sizeof(slug));
			snprintf(calname, sizeof(calname), "calibration-%s-%s.yaml",
				 t->name, slug);
			snprintf(scname, sizeof(scname), "scenario-%s-%s.yaml",
				 t->name, slug);
			snprintf(logname, sizeof(logname), "tool-%s-%s.log", t->name,
				 slug);
			snprintf(calpath, sizeof(calpath), "%s/%s", dir, calname);
			snprintf(scpath, sizeof(scpath), "%s/%s", dir, scname);
			snprintf(logpath, sizeof(logpath), "%s/%s", dir, logname);
			unlink(calpath);
			if (!v->quiet)
				fprintf(stderr, "validate --tool [%zu/%zu] %s, %s: "
					"measuring the tool and the workload (%s)\n",
					i + 1, v->ntools, t->name, load, d);
			struct vt_measured m;
			const struct calib_opts mo = co;   /* for the 2nd window */
			if ((rc = validate_tool_measure(&co, t, calpath, logpath,
							logf.f, &m, e)))
				goto fail;
			if (!cli_interrupted &&
			    (rc = validate_tool_measured_oncpu(&m, calpath, e)))
				goto fail;
			if (cli_interrupted)
				break;
			/* The hash classes the descriptions' maps are priced by,
			 * under the same load (as validate's hash rows). */
			co.out = calpath;
			co.variant = 0;
			co.nocc = 1;
			co.occ[0] = 0;
			co.nact = 1;
			co.act[0] = 1;
			co.max_entries = VAL_HASH_ENTRIES;
			fprintf(logf.f, "==== %s, %s: calibrate storage under the "
				"load, %s per step\n", t->name, load, d);
			if (!v->quiet)
				fprintf(stderr, "validate --tool [%zu/%zu] %s, %s: "
					"calibrating the hash costs (2 x %s)\n",
					i + 1, v->ntools, t->name, load, d);
			if ((rc = calibrate_logged(calib_storage, &co, logf.f, e)))
				goto fail;
			if (cli_interrupted)
				break;
			/* The primitives on the tool's hook under the load. */
			co.hook = t->syscalls ? "sys_exit" : "sched_switch";
			fprintf(logf.f, "==== %s, %s: calibrate primitives on %s "
				"under the load, %s\n", t->name, load, co.hook, d);
			if (!v->quiet)
				fprintf(stderr, "validate --tool [%zu/%zu] %s, %s: "
					"timing the primitives on %s (%s)\n", i + 1,
					v->ntools, t->name, load, co.hook, d);
			if ((rc = calibrate_logged(calib_primitives, &co, logf.f,
						   e)))
				goto fail;
			if (cli_interrupted)
				break;
			/* The tool again after the calibrations: its two
			 * windows bracket them, so a drift of the shared host's
			 * background (other guests, other work) over the
			 * minute cancels to first order.  Measured = both
			 * windows summed (validate_tool.h). */
			struct vt_measured m2;
			snprintf(logpath, sizeof(logpath), "%s/%.*s-2.log", dir,
				 (int)(strlen(logname) - 4), logname);
			if (!v->quiet)
				fprintf(stderr, "validate --tool [%zu/%zu] %s, %s: "
					"measuring the tool again (%s)\n",
					i + 1, v->ntools, t->name, load, d);
			if ((rc = validate_tool_measure(&mo, t, NULL, logpath,
							logf.f, &m2, e)))
				goto fail;
			if (cli_interrupted)
				break;
			validate_tool_measured_add(&m, &m2);
			validate_tool_measured_csv(mf.f, t, load, &m);
			struct vt_pred pred;
			int intr = 0;
			double rate = 0;
			if (t->syscalls) {
				/* Pass 1, no system calls: the tasks' CPU time. */
				if ((rc = validate_tool_scenario_write(dir, scname,
						calname, load, t, 0,
						(long)SYS_getppid, &v->so, e)) ||
				    (rc = validate_tool_simulate(scpath, t, &v->so,
						&pred, &intr, e)))
					goto fail;
				if (intr || cli_interrupted)
					break;
				rate = fitted_sys_rate(t, &m, pred.payload.mean,
						       v->so.cpus);
			}
			if ((rc = validate_tool_scenario_write(dir, scname, calname,
							       load, t, rate,
							       (long)SYS_getppid,
							       &v->so, e)))
				goto fail;
			if (!v->quiet)
				fprintf(stderr, "validate --tool [%zu/%zu] %s, %s: "
					"simulating %s (%llu replications)\n",
					i + 1, v->ntools, t->name, load, scname,
					(unsigned long long)v->so.reps);
			if ((rc = validate_tool_simulate(scpath, t, &v->so, &pred,
							 &intr, e)))
				goto fail;
			if (intr || cli_interrupted)
				break;
			nrows += validate_tool_rows(t, load, &m, &pred, v->run_tol,
						    v->tol, &rows[nrows]);
			runs++;
		}
	}
	if (out_commit(&logf, e) || out_commit(&mf, e) ||
	    out_open(&of, dir, OUTDIR_VALIDATION_CSV, e))
		goto fail;
	validate_tool_csv(of.f, rows, nrows);
	if (out_commit(&of, e))
		goto fail;
	if (nrows) {
		putchar('\n');
		validate_tool_print(stdout, rows, nrows);
	}
	printf("Outputs in %s/\n", dir);
	if (cli_interrupted)
		fprintf(stderr, "bpfsim validate: interrupted; the %zu finished "
			"(tool, load) runs are in %s/validation.csv\n", runs, dir);
	rc = 0;
	goto out;
fail:
	rc = e->status ? e->status : 1;
out:
	out_abort(&logf);
	out_abort(&mf);
	out_abort(&of);
	free(rows);
	return rc;
}

/* One row of a measured.csv as write_measured wrote it; 0 on success. */
static int parse_measured(char *line, char *load, size_t loadsize,
			  struct val_measured *m)
{
	char *save = NULL, *f[32];
	size_t n = 0;
	line[strcspn(line, "\r\n")] = 0;
	if (*line == '"') {          /* out_csv_field's quoting (no commas in
					loads; a quote doubled) */
		char *end = strstr(line + 1, "\",");
		if (!end)
			return -1;
		*end = 0;
		if (snprintf(load, loadsize, "%s", line + 1) >= (int)loadsize)
			return -1;
		line = end + 1;
	} else {
		char *c = strchr(line, ',');
		if (!c)
			return -1;
		*c = 0;
		if (snprintf(load, loadsize, "%s", line) >= (int)loadsize)
			return -1;
		line = c + 1;
	}
	for (char *t = strtok_r(line, ",", &save); t && n < 32;
	     t = strtok_r(NULL, ",", &save))
		f[n++] = t;
	if (n != 3 + MEASURED_NUMS)
		return -1;
	memset(m, 0, sizeof(*m));
	m->task = !strcmp(f[0], "task_storage");
	snprintf(m->attach, sizeof(m->attach), "%s", f[1]);
	m->cpus = atol(f[2]);
	double *v[MEASURED_NUMS];
	measured_fields(m, v);
	for (size_t i = 0; i < MEASURED_NUMS; i++) {
		char *end;
		*v[i] = strtod(f[3 + i], &end);
		if (end == f[3 + i] || *end)
			return -1;
	}
	return m->cpus > 0 && m->elapsed > 0 ? 0 : -1;
}

/* Copy DIR_FROM/name to dir/name (through out_open: complete or absent). */
static int copy_file(const char *from, const char *dir, const char *name,
		     struct err *e)
{
	char path[4400];
	struct out_file o = { 0 };
	snprintf(path, sizeof(path), "%s/%s", from, name);
	FILE *in = fopen(path, "r");
	if (!in)
		return err_set(e, ERR_RUNTIME, path, 0, 0, "cannot read it: %s",
			       strerror(errno));
	if (out_open(&o, dir, name, e)) {
		fclose(in);
		return e->status;
	}
	char buf[65536];
	size_t k;
	while ((k = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, k, o.f);
	fclose(in);
	return out_commit(&o, e);
}

/* validate --from DIR: the measurements of an earlier run (its
 * measured.csv and calibration files) simulated again - with other --set
 * overrides, replications or seed - no measuring, no root.  The file is
 * read and checked whole before anything is written. */
struct from_row {
	char load[256];
	struct val_measured m;
};

static int resimulate(struct vopts *v, const char *dir, struct val_row **rowsp,
		      size_t *nrowsp, struct err *e)
{
	char path[4400], line[4096], slug[200], calname[300], calpath[4400],
	     scname[400], scpath[4600];
	struct from_row *fr = NULL;
	struct val_row *rows = NULL;
	size_t nfr = 0, nrows = 0;
	long lineno = 1;
	int rc = 0;
	snprintf(path, sizeof(path), "%s/%s", v->from, OUTDIR_MEASURED_CSV);
	FILE *in = fopen(path, "r");
	if (!in)
		return err_set(e, ERR_INPUT, path, 0, 0, "cannot read it (%s): "
			       "--from takes the folder of an earlier bpfsim "
			       "validate run", strerror(errno));
	if (!fgets(line, sizeof(line), in) ||
	    strncmp(line, "load,storage,attach,", 20)) {
		fclose(in);
		return err_set(e, ERR_INPUT, path, 1, 1, "not a measured.csv of "
			       "bpfsim validate (the runs of --tool cannot be "
			       "re-simulated)");
	}
	while (fgets(line, sizeof(line), in)) {
		struct from_row r;
		lineno++;
		if (parse_measured(line, r.load, sizeof(r.load), &r.m)) {
			rc = err_set(e, ERR_INPUT, path, lineno, 1, "not a row of "
				     "measured.csv (load, storage, attach, cpus "
				     "and 18 numbers)");
			goto out;
		}
		int want = !v->loads_given, kind = 0;
		for (size_t i = 0; i < v->nloads; i++)
			want |= !strcmp(v->loads[i], r.load);
		for (size_t k = 0; k < v->nkinds; k++)
			kind |= v->kinds[k] == r.m.task;
		if (!want || !kind)
			continue;
		struct from_row *g = realloc(fr, (nfr + 1) * sizeof(*fr));
		if (!g) {
			rc = err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
			goto out;
		}
		fr = g;
		fr[nfr++] = r;
	}
	if (!nfr) {
		rc = err_set(e, ERR_INPUT, path, 0, 0, "no row for the --loads "
			     "and --storage asked");
		goto out;
	}
	rows = calloc(nfr * VM_COUNT, sizeof(*rows));
	if (!rows) {
		rc = err_set(e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		goto out;
	}
	int same = 0;
	char a[PATH_MAX], b[PATH_MAX];
	if ((rc = out_mkdir_p(dir, e)))
		goto out;
	if (realpath(v->from, a) && realpath(dir, b))
		same = !strcmp(a, b);
	for (size_t i = 0; i < nfr && !cli_interrupted; i++) {
		const struct val_measured *m = &fr[i].m;
		const char *kname = m->task ? "task_storage" : "hash";
		slugify(fr[i].load, slug, sizeof(slug));
		snprintf(calname, sizeof(calname), "calibration-%s-%s.yaml", slug,
			 kname);
		if (!same && (rc = copy_file(v->from, dir, calname, e)))
			goto out;
		snprintf(calpath, sizeof(calpath), "%s/%s", dir, calname);
		snprintf(scname, sizeof(scname), "scenario-%s-%s.yaml", slug,
			 kname);
		snprintf(scpath, sizeof(scpath), "%s/%s", dir, scname);
		struct val_sim_opts so = v->so;
		so.cpus = m->cpus;
		if (!v->sim_dur_given)      /* the measured window, to the ms */
			so.duration_ns = fmax(1e6, round(m->elapsed * 1e3) * 1e6);
		double meas[VM_COUNT];
		struct stat_summary pred[VM_COUNT];
		int intr = 0;
		if (!v->quiet)
			fprintf(stderr, "validate --from: %s, %s: simulating %s "
				"(%llu replications)\n", fr[i].load, kname, scname,
				(unsigned long long)so.reps);
		if ((rc = validate_measured_values(m, calpath, meas, e)) ||
		    (rc = validate_scenario_write(dir, scname, calname,
						  fr[i].load, m->task, &so, e)) ||
		    (rc = validate_simulate(scpath, &so, pred, &intr, e)))
			goto out;
		if (intr || cli_interrupted)
			break;
		validate_rows(fr[i].load, m->task, meas, m->misses, pred, v->tol,
			      &rows[nrows]);
		nrows += VM_COUNT;
	}
	if (!same)
		rc = copy_file(v->from, dir, OUTDIR_MEASURED_CSV, e);
out:
	fclose(in);
	free(fr);
	*rowsp = rows;
	*nrowsp = nrows;
	return rc;
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
	snprintf(dir, sizeof(dir), "%s", v.out);
	if (v.from) {
		v.so.pid_max = host_pid_max();   /* measured here: this host's */
		if ((rc = resimulate(&v, dir, &rows, &nrows, &e)))
			goto fail;
		goto interrupted;
	}
	if ((rc = validate_check(&v.co, &e)))
		goto fail;
	if (v.ntools) {
		/* Every binary there before anything is written. */
		for (size_t i = 0; i < v.ntools; i++) {
			char bin[512];
			if (!vt_binary(v.tools[i], bin, sizeof(bin))) {
				err_set(&e, ERR_RUNTIME, "bpfsim validate", 0, 0,
					"%s is not installed (looked in %s): install "
					"Debian's libbpf-tools (make deps)",
					v.tools[i]->bin, bin);
				goto fail;
			}
		}
		long nc = sysconf(_SC_NPROCESSORS_ONLN);
		v.so.cpus = nc > 0 ? nc : 1;
		v.so.pid_max = host_pid_max();
		if (out_mkdir_p(dir, &e) || (rc = run_tools(&v, dir, &e)))
			goto fail;
		goto out;
	}
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
	if ((!v.from && (out_commit(&logf, &e) || out_commit(&mf, &e))) ||
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
