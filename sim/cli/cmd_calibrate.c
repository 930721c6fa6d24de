/* cmd_calibrate.c - `bpfsim calibrate profile|workload|storage|primitives`:
 * options.
 *
 * Parses and validates the command line completely before anything touches
 * the kernel (bad usage exits 2 having loaded nothing), then hands over to
 * calibrate.h's functions - the live ones or the no-BPF stand-ins.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calibrate/calibrate.h"
#include "calibrate/calopt.h"
#include "plots/plot.h"
#include "sim/cli/cli.h"
#include "sim/ytree.h"

static int cmd_calibrate(int argc, char **argv);

static const char calibrate_help[] =
	"usage: bpfsim calibrate profile --prog ID|NAME|bundled:VARIANT [options]\n"
	"       bpfsim calibrate workload [--load SPEC] [options]\n"
	"       bpfsim calibrate storage [--occupancy LIST] [--active LIST] "
	"[options]\n"
	"       bpfsim calibrate primitives [--hook sys_exit|sched_switch] "
	"[options]\n\n"
	"Measures this host with BPF probes (root, or CAP_BPF + CAP_PERFMON;\n"
	"a kernel with BTF) and, with -o FILE, writes what it measured into a\n"
	"calibration file that scenarios use (calibration: FILE, then values\n"
	"like {from: calibration.storage.hash.insert}).  Each subcommand\n"
	"replaces its own section of FILE and keeps the others.\n\n"
	"profile   per-run cost of a loaded BPF program (by id or name), via\n"
	"          fentry/fexit programs attached to it and a histogram in the\n"
	"          kernel; where the kernel refuses fentry/fexit it says why and\n"
	"          falls back to bpf_stats (run_time_ns / run_cnt: means only,\n"
	"          the stats' own cost measured and subtracted).\n"
	"          bundled:hash or bundled:task loads bpfsim's own\n"
	"          runqslower-style probes (add :tp_btf or :raw_tp to choose the\n"
	"          attach type), drives them with a load and profiles them.\n"
	"workload  runqueue wait, on-CPU time (until preempted / until it\n"
	"          sleeps), sleep, task lifetime and CPU demand, spawn\n"
	"          inter-arrival and rate, from probes on sched_wakeup,\n"
	"          sched_wakeup_new, sched_switch, sched_process_fork and\n"
	"          sched_process_exit.\n"
	"storage   the cost of each storage operation of runqslower-style\n"
	"          probes (hash map, task local storage) by cost class and\n"
	"          side (hash insert/replace/lookup hit/miss/delete; task\n"
	"          storage get on the wake side/switch side, first create,\n"
	"          re-create, delete), timed inside the programs with the\n"
	"          empty-timer baseline subtracted, against the working set\n"
	"          (N active sleeper threads) and map occupancy (hash\n"
	"          pre-filled with idle keys); writes the classes and the\n"
	"          wake_factor/switch_factor/occupancy_factor tables the\n"
	"          model reads, and each variant's whole-program means\n"
	"          (bpf_stats).\n"
	"primitives  the primitives described programs are priced by\n"
	"          (primitives.* of the runqslower model): helper calls\n"
	"          (ktime_get_ns, get_current_pid_tgid, get_current_task,\n"
	"          probe_read_kernel), array and per-CPU array lookups, the\n"
	"          atomic add, and a hot key's hash lookup/miss/replace, each\n"
	"          timed in a tp_btf program on every run of a hot hook (--hook;\n"
	"          default load: syscalls:200k for sys_exit, sleepers:64 for\n"
	"          sched_switch), the empty-timer baseline subtracted; first,\n"
	"          the dispatch per attached program of each attach type\n"
	"          (getppid timed with 0, 1 and 8 empty programs on sys_exit;\n"
	"          needs kernel.bpf_stats_enabled=0).\n\n"
	"options:\n"
	"  -o, --out FILE        calibration file to write or update\n"
	"  --duration D          measuring time (default 10s; storage: per\n"
	"                        point, default 2s; primitives: 5s)\n"
	"  --hook H              primitives: sys_exit (default) or sched_switch\n"
	"  --load SPEC           load to generate while measuring:\n"
	"                        spawn:RATE[:WORK] (processes per second, each\n"
	"                        burning WORK, default 50us), sleepers:N[:RATE]\n"
	"                        (N threads waking RATE times per second in all,\n"
	"                        default 20000/s), syscalls:RATE[:THREADS]\n"
	"                        (getppid calls per second in all), A+B, or none\n"
	"  --prog P              profile: program id, name, or bundled:hash,\n"
	"                        bundled:task[:tp_btf|:raw_tp]\n"
	"  --occupancy LIST      storage: hash entries pre-filled (default\n"
	"                        0,1k,8k,64k,256k)\n"
	"  --active LIST         storage: sleeper threads (default\n"
	"                        2,64,1024,8192)\n"
	"  --attach A            auto (default: tp_btf where the kernel has it),\n"
	"                        tp_btf or raw_tp\n"
	"  --quiet               no progress lines\n"
	"  --verbose             show libbpf's messages\n"
	"  --no-plots            with -o FILE: do not draw calibration-STEM.png\n"
	"                        (the histograms and fits of FILE) next to FILE\n"
	"  --plot-format F       that figure as png (default), svg, pdf, both or all\n"
	"  -h, --help            this help\n\n"
	"Exit status: 0 ok, 1 kernel/OS failure (the message says what and why),\n"
	"2 bad usage, 130/143 interrupted (probes are detached either way).\n";

#define usage_error(...) calopt_usage("calibrate", __VA_ARGS__)

/* "0,1k,8k" -> ascending whole numbers in [lo, hi]. */
static int parse_list(const char *opt, const char *text, double lo, double hi,
		      double *out, size_t *n)
{
	char buf[512], *save = NULL;
	*n = 0;
	if (snprintf(buf, sizeof(buf), "%s", text) >= (int)sizeof(buf))
		return usage_error("%s is too long (a cut list would lose "
				   "values)", opt);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		double v;
		if (*n == CALIB_MAX_POINTS)
			return usage_error("%s takes at most %d values", opt,
					   CALIB_MAX_POINTS);
		if (calopt_whole("calibrate", opt, t, lo, hi, &v))
			return 2;
		if (*n && v <= out[*n - 1])
			return usage_error("%s: values must increase ('%s')", opt, t);
		out[(*n)++] = v;
	}
	if (*n == 0)
		return usage_error("%s needs at least one value", opt);
	return 0;
}

static int cmd_calibrate(int argc, char **argv)
{
	enum { O_DURATION = 256, O_LOAD, O_PROG, O_OCC, O_ACT, O_ATTACH, O_QUIET,
	       O_VERBOSE, O_NO_PLOTS, O_PLOT_FORMAT, O_HOOK };
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "duration", required_argument, NULL, O_DURATION },
		{ "load", required_argument, NULL, O_LOAD },
		{ "prog", required_argument, NULL, O_PROG },
		{ "occupancy", required_argument, NULL, O_OCC },
		{ "active", required_argument, NULL, O_ACT },
		{ "attach", required_argument, NULL, O_ATTACH },
		{ "quiet", no_argument, NULL, O_QUIET },
		{ "verbose", no_argument, NULL, O_VERBOSE },
		{ "no-plots", no_argument, NULL, O_NO_PLOTS },
		{ "plot-format", required_argument, NULL, O_PLOT_FORMAT },
		{ "hook", required_argument, NULL, O_HOOK },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct calib_opts o;
	const char *sub = NULL, *dur = NULL, *occ = NULL, *act = NULL;
	const char *plot_format = NULL;
	int no_plots = 0;
	char why[256];
	int c;

	memset(&o, 0, sizeof(o));
	o.variant = -1;
	o.interrupted = &cli_interrupted;
	if (argc >= 2 && argv[1][0] != '-')
		sub = argv[1];
	else if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(calibrate_help, stdout);
		return 0;
	}
	if (!sub) {
		fprintf(stderr, "bpfsim calibrate: expected profile, workload, "
			"storage or primitives\n%s", calibrate_help);
		return 2;
	}
	if (strcmp(sub, "profile") && strcmp(sub, "workload") &&
	    strcmp(sub, "storage") && strcmp(sub, "primitives")) {
		static const char *const subs[] = { "profile", "workload", "storage",
						    "primitives", NULL };
		const char *s = ynode_suggest(NULL, sub, subs);
		if (s)
			fprintf(stderr, "bpfsim calibrate: unknown measurement '%s' "
				"(did you mean '%s'?)\n", sub, s);
		else
			fprintf(stderr, "bpfsim calibrate: unknown measurement '%s' "
				"(expected profile, workload, storage or "
				"primitives)\n", sub);
		return 2;
	}
	optind = 1;
	opterr = 0;
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(calibrate_help, stdout);
			return 0;
		case 'o':
			o.out = optarg;
			break;
		case O_DURATION:
			dur = optarg;
			break;
		case O_LOAD:
			o.load_text = optarg;
			o.have_load = 1;
			if (loadgen_parse(optarg, &o.load, why, sizeof(why)))
				return usage_error("--load: %s", why);
			break;
		case O_PROG:
			if (calopt_prog("calibrate", optarg))
				return 2;
			o.prog = optarg;
			break;
		case O_OCC:
			occ = optarg;
			break;
		case O_ACT:
			act = optarg;
			break;
		case O_ATTACH:
			if (calopt_attach("calibrate", optarg, &o.attach))
				return 2;
			break;
		case O_HOOK:
			if (strcmp(optarg, "sys_exit") &&
			    strcmp(optarg, "sched_switch"))
				return usage_error("--hook takes sys_exit or "
						   "sched_switch (got '%s')", optarg);
			o.hook = optarg;
			break;
		case O_QUIET:
			o.quiet = 1;
			break;
		case O_VERBOSE:
			o.verbose = 1;
			break;
		case O_NO_PLOTS:
			no_plots = 1;
			break;
		case O_PLOT_FORMAT:
			if (plot_format_check(optarg))
				return usage_error("--plot-format must be %s (got '%s')",
						   PLOT_FORMATS, optarg);
			plot_format = optarg;
			break;
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc)
		return usage_error("unexpected argument '%s'", argv[optind]);

	int is_storage = !strcmp(sub, "storage"), is_profile = !strcmp(sub, "profile");
	int is_prims = !strcmp(sub, "primitives");
	o.duration_ns = is_storage ? 2e9 : is_prims ? 5e9 : 10e9;
	if (o.hook && !is_prims)
		return usage_error("--hook belongs to calibrate primitives");
	if (dur && calopt_duration("calibrate", "--duration", dur, 1e8, 86400e9,
				   "100ms to 24h", &o.duration_ns))
		return 2;
	if (is_profile && !o.prog)
		return usage_error("profile needs --prog ID|NAME|bundled:VARIANT");
	if (!is_profile && o.prog)
		return usage_error("--prog belongs to calibrate profile");
	if (!is_storage && (occ || act))
		return usage_error("--occupancy and --active belong to calibrate "
				   "storage");
	if (is_storage && o.have_load)
		return usage_error("calibrate storage drives its own load (sleeper "
				   "threads, see --active)");
	if (is_storage) {
		int rc;
		if ((rc = parse_list("--occupancy", occ ? occ : "0,1k,8k,64k,256k",
				     0, 4194304, o.occ, &o.nocc)) ||
		    (rc = parse_list("--active", act ? act : "2,64,1024,8192", 1,
				     LOADGEN_MAX_SLEEPERS, o.act, &o.nact)))
			return rc;
	}

	struct err e;
	err_init(&e);
	cli_install_signals();
	int rc = is_profile ? calib_profile(&o, &e)
		 : is_storage ? calib_storage(&o, &e)
		 : is_prims ? calib_primitives(&o, &e) : calib_workload(&o, &e);
	if (rc)
		err_print(&e);
	else if (o.out && !no_plots && !cli_interrupted)
		plot_path(o.out, plot_format, NULL, stderr);
	return cli_exit_status(rc);
}

const struct cli_cmd cli_cmd_calibrate = {
	"calibrate", cmd_calibrate,
	"measure this host with BPF probes into a calibration file",
	calibrate_help, NULL, 0, CLI_ARGS_OWN, NULL,
};
