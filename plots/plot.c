/* plot.c - the figure registry and the gnuplot driver.
 *
 * For each registered figure: its preparer writes NAME.dat and the
 * parameters; this file writes NAME.gp (parameters as defaults, then the
 * embedded script) and, when gnuplot is on PATH, runs one gnuplot per format
 * through a pipe:
 *     cd 'DIR' && exec '/usr/bin/gnuplot' 2>'.NAME.log.tmp.PID'
 *     fmt = 'png'; out = '.NAME.png.tmp.PID'; load 'NAME.gp'
 * and renames the temporary figure into place when gnuplot exited 0 and
 * wrote a whole figure (plot_figure_complete: PNG IEND, SVG </svg>).  A figure failing does not stop the others.
 *
 * SIGPIPE is ignored while a pipe is open (restored after): a gnuplot that
 * dies early must fail the figure, not kill bpfsim.  This is process-wide
 * state; plotting runs after the simulation threads have finished.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plots/plot.h"
#include "plots/plot_fig.h"
#include "sim/out.h"

/* The registry, in drawing order.  Adding a figure: its file
 * plots/fig_NAME.c (with PLOT_FIGURE, plot_fig.h), its script
 * plots/NAME.gp, and one X(NAME) here (paired shares sweep.gp:
 * fig_sweep.c). */
#define FIGURES(X) X(timeline) X(compare) X(sweep) X(paired) X(validation) X(phase) \
	X(portrait) X(capacity) X(calibration) X(validate)
#define DECLARE(n) extern const struct plot_fig plot_fig_##n;
FIGURES(DECLARE)
#define ENTRY(n) &plot_fig_##n,
static const struct plot_fig *const figures[] = { FIGURES(ENTRY) };
#define NFIGURES (sizeof(figures) / sizeof(figures[0]))
#define MAX_CALFILES 64

int plot_format_check(const char *format)
{
	static const char *const ok[] = { "png", "svg", "pdf", "both", "all" };
	for (size_t i = 0; format && i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!strcmp(format, ok[i]))
			return 0;
	return format ? -1 : 0;
}

/* First executable `name` on PATH into buf; 0, or -1 when there is none. */
static int find_on_path(const char *name, char *buf, size_t size)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		return -1;
	while (*path) {
		const char *colon = strchr(path, ':');
		size_t len = colon ? (size_t)(colon - path) : strlen(path);
		/* An empty PATH entry means the current directory. */
		int n = len ? snprintf(buf, size, "%.*s/%s", (int)len, path, name)
			    : snprintf(buf, size, "./%s", name);
		struct stat st;
		if (n > 0 && (size_t)n < size && !stat(buf, &st) &&
		    S_ISREG(st.st_mode) && !access(buf, X_OK))
			return 0;
		path += len + (colon ? 1 : 0);
	}
	return -1;
}

/* s single-quoted for sh into buf; -1 if it does not fit. */
static int sh_quote(const char *s, char *buf, size_t size)
{
	size_t n = 0;
	if (size < 3)
		return -1;
	buf[n++] = '\'';
	for (; *s; s++) {
		const char *piece = *s == '\'' ? "'\\''" : NULL;
		size_t len = piece ? 4 : 1;
		if (n + len + 2 > size)
			return -1;
		if (piece)
			memcpy(buf + n, piece, len);
		else
			buf[n] = *s;
		n += len;
	}
	buf[n++] = '\'';
	buf[n] = 0;
	return 0;
}

/* Write DIR/NAME.gp: a header, the parameters as defaults, the script. */
static int write_script(const char *dir, const char *figname,
			const struct plot_fig *f, const struct plot_vars *v,
			struct err *e)
{
	struct out_file o;
	char name[80];
	snprintf(name, sizeof(name), "%s.gp", figname);
	if (out_open(&o, dir, name, e))
		return -1;
	fprintf(o.f,
		"# %s.gp - written by bpfsim %s from the files in this folder.\n"
		"# Redraw:  gnuplot %s.gp                      (%s.png)\n"
		"#          gnuplot -e \"fmt='svg'\" %s.gp       (%s.svg)\n"
		"# The parameters below are defaults: gnuplot -e \"name=value\" "
		"overrides them.\n"
		"if (!exists(\"data\")) data = '%s.dat'\n"
		"if (!exists(\"fmt\")) fmt = 'png'\n"
		"if (!exists(\"out\")) out = '%s.' . fmt\n",
		figname, BPFSIM_VERSION, figname, figname, figname, figname,
		figname, figname);
	fwrite(v->buf ? v->buf : "", 1, v->len, o.f);
	fputs("\n", o.f);
	fputs(f->script, o.f);
	return out_commit(&o, e) ? -1 : 0;
}

/* Last few lines of a gnuplot log, as one line for a warning. */
static void log_tail(const char *path, char *buf, size_t size)
{
	buf[0] = 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char line[512], keep[3][512] = { "", "", "" };
	size_t n = 0;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!line[strspn(line, " \t^")])
			continue;      /* blank or the caret under the error */
		snprintf(keep[n % 3], sizeof(keep[0]), "%s", line);
		n++;
	}
	fclose(f);
	for (size_t i = n > 3 ? n - 3 : 0; i < n; i++) {
		size_t len = strlen(buf);
		snprintf(buf + len, size - len, "%s%s", len ? " | " : "",
			 keep[i % 3] + strspn(keep[i % 3], " \t"));
	}
}

/* 0 when the file at path is a whole figure of format fmt: a PNG that
 * ends with its IEND chunk (length 0, "IEND", CRC AE 42 60 82), an SVG
 * whose last tag is </svg>.  gnuplot can exit 0 having written a
 * truncated file (a full disk); such a figure is not published. */
int plot_figure_complete(const char *path, const char *fmt)
{
	static const unsigned char iend[12] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D',
						0xAE, 0x42, 0x60, 0x82 };
	unsigned char tail[64];
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	long n = 0;
	if (fseek(f, 0, SEEK_END) == 0) {
		long size = ftell(f);
		n = size < (long)sizeof(tail) ? size : (long)sizeof(tail);
		if (n <= 0 || fseek(f, size - n, SEEK_SET) ||
		    fread(tail, 1, (size_t)n, f) != (size_t)n)
			n = 0;
	}
	fclose(f);
	if (strcmp(fmt, "png") == 0)
		return n >= 12 && !memcmp(tail + n - 12, iend, 12) ? 0 : -1;
	if (strcmp(fmt, "pdf") == 0) {
		/* PDF: "%%EOF" near the end (ISO 32000-1, 7.5.5: the file's
		 * last line, maybe followed by an end-of-line). */
		for (long i = n - 5; i >= 0 && i >= n - 12; i--)
			if (!memcmp(tail + i, "%%EOF", 5))
				return 0;
		return -1;
	}
	/* SVG: trailing white space, then "</svg>". */
	while (n > 0 && (tail[n - 1] == '\n' || tail[n - 1] == ' ' ||
			 tail[n - 1] == '\r' || tail[n - 1] == '\t'))
		n--;
	return n >= 6 && !memcmp(tail + n - 6, "</svg>", 6) ? 0 : -1;
}

/* Run gnuplot on DIR/NAME.gp for one format; 0 when NAME.FMT was drawn. */
static int draw(const char *dir, const char *gnuplot, const char *name,
		const char *fmt, FILE *drawn, FILE *warn)
{
	char tmp[256], logname[256], qdir[8192], qgp[8192], qlog[1024];
	char cmd[20000], path[4400], final[4400], why[8400] = "";
	long pid = (long)getpid();
	snprintf(tmp, sizeof(tmp), ".%s.%s.tmp.%ld", name, fmt, pid);
	snprintf(logname, sizeof(logname), ".%s.log.tmp.%ld", name, pid);
	if (sh_quote(dir, qdir, sizeof(qdir)) || sh_quote(gnuplot, qgp, sizeof(qgp)) ||
	    sh_quote(logname, qlog, sizeof(qlog))) {
		fprintf(warn, "bpfsim plot: %s: path too long\n", dir);
		return -1;
	}
	/* "./" keeps a folder named "-x" from reading as an option of cd. */
	snprintf(cmd, sizeof(cmd), "cd %s%s && exec %s 2>%s",
		 dir[0] == '-' ? "./" : "", qdir, qgp, qlog);
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old);
	fflush(NULL);                  /* no buffered output duplicated */
	FILE *p = popen(cmd, "w");
	int status = -1;
	if (p) {
		fprintf(p, "fmt = '%s'\nout = '%s'\nload '%s.gp'\n", fmt, tmp, name);
		status = pclose(p);
	}
	sigaction(SIGPIPE, &old, NULL);
	snprintf(path, sizeof(path), "%s/%s", dir, tmp);
	snprintf(final, sizeof(final), "%s/%s.%s", dir, name, fmt);
	struct stat st;
	int ok = status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
		 !stat(path, &st) && st.st_size > 0;
	if (ok && plot_figure_complete(path, fmt)) {
		snprintf(why, sizeof(why), "gnuplot exited 0 but the %s is "
			 "truncated (a full disk?)", fmt);
		ok = 0;
	}
	if (ok && rename(path, final)) {
		snprintf(why, sizeof(why), "cannot rename %s: %s", path,
			 strerror(errno));
		ok = 0;
	}
	char logpath[4400];
	snprintf(logpath, sizeof(logpath), "%s/%s", dir, logname);
	if (!ok && !why[0]) {
		log_tail(logpath, why, sizeof(why));
		if (!why[0] && !p)
			snprintf(why, sizeof(why), "cannot start gnuplot: %s",
				 strerror(errno));
		else if (!why[0])
			snprintf(why, sizeof(why), "gnuplot exited with status %d "
				 "and no message", WIFEXITED(status) ?
				 WEXITSTATUS(status) : 128 + WTERMSIG(status));
	}
	unlink(logpath);
	if (!ok) {
		unlink(path);
		fprintf(warn, "bpfsim plot: %s/%s.%s not drawn: %s\n", dir, name,
			fmt, why);
		return -1;
	}
	if (drawn)
		fprintf(drawn, "%s\n", final);
	return 0;
}

/* Does DIR/name look like a calibration file?  *.yaml or *.yml (not
 * scenario.resolved.yaml) whose first 16 KB hold a top-level `version:`
 * and a top-level host:, workload:, storage: or profile: key.  The
 * preparer loads it for real (calfile_load) and reports what is wrong. */
static int looks_like_calfile(const char *dir, const char *name)
{
	size_t len = strlen(name);
	if (!((len > 5 && !strcmp(name + len - 5, ".yaml")) ||
	      (len > 4 && !strcmp(name + len - 4, ".yml"))) ||
	    !strcmp(name, OUTDIR_RESOLVED_YAML) || name[0] == '.')
		return 0;
	char path[4400], buf[16385];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	int version = 0, section = 0;
	for (char *line = buf; line && *line; ) {
		version |= !strncmp(line, "version:", 8);
		section |= !strncmp(line, "host:", 5) || !strncmp(line, "workload:", 9) ||
			   !strncmp(line, "storage:", 8) || !strncmp(line, "profile:", 8);
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	return version && section;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The calibration files of dir (sorted names, malloc'd); their count. */
static size_t list_calfiles(const char *dir, char **names, size_t max)
{
	size_t n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *de;
	while ((de = readdir(d)) && n < max)
		if (looks_like_calfile(dir, de->d_name) &&
		    (names[n] = strdup(de->d_name)))
			n++;
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	return n;
}

/* Figure name of a per-file kind for file `file`: "NAME-STEM" (just NAME
 * when STEM is NAME); characters other than letters, digits, '.', '_' and
 * '-' become '_' (the name goes into gnuplot and shell strings). */
static void instance_name(const char *kind, const char *file, char *buf,
			  size_t size)
{
	char stem[49];
	snprintf(stem, sizeof(stem), "%s", file);
	char *dot = strrchr(stem, '.');
	if (dot && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml")))
		*dot = 0;
	for (char *p = stem; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789._-", *p))
			*p = '_';
	if (!strcmp(stem, kind))
		snprintf(buf, size, "%s", kind);
	else
		snprintf(buf, size, "%s-%s", kind, stem);
}

struct run {
	const char *dir;
	const char *gnuplot;         /* NULL: not on PATH */
	const char *fmts[3];
	size_t nf;
	FILE *drawn, *warn;
	char scripts[512];           /* the scripts written, for the warning */
	int rc, napplied;
	int bad_input;               /* a preparer failed with ERR_INPUT */
};

/* Prepare one figure, write its script, draw it. */
static void one_figure(struct run *R, struct plot_ctx *c,
		       const struct plot_fig *f, const char *figname,
		       const char *file)
{
	struct plot_vars v = { 0 };
	struct err e;
	err_init(&e);
	c->figname = figname;
	c->file = file;
	int applies = f->prepare(c, &v, &e);
	if (applies > 0 && v.oom) {
		err_set(&e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
		applies = -1;
	}
	if (applies > 0 && write_script(R->dir, figname, f, &v, &e))
		applies = -1;
	plot_vars_fini(&v);
	c->figname = NULL;
	c->file = NULL;
	if (applies < 0) {
		char msg[1024];
		err_format(&e, msg, sizeof(msg));
		fprintf(R->warn, "bpfsim plot: %s figure: %s\n", figname, msg);
		R->rc = 1;
		R->bad_input |= e.status == ERR_INPUT;
		return;
	}
	if (!applies)
		return;
	R->napplied++;
	size_t len = strlen(R->scripts);
	snprintf(R->scripts + len, sizeof(R->scripts) - len, " %s.gp", figname);
	for (size_t k = 0; k < R->nf && R->gnuplot; k++)
		if (draw(R->dir, R->gnuplot, figname, R->fmts[k], R->drawn, R->warn))
			R->rc = 1;
}

/* Every figure of dir, or (only != NULL) the calibration figure of the
 * file `only` in dir. */
static int plot_dir(const char *dir, const char *only, const char *format,
		    FILE *drawn, FILE *warn)
{
	struct plot_ctx c;
	struct err e;
	char gnuplot[4096];
	struct run R = { .drawn = drawn, .warn = warn };
	if (plot_format_check(format)) {
		fprintf(warn, "bpfsim plot: --plot-format must be %s (got '%s')\n",
			PLOT_FORMATS, format);
		return 2;
	}
	/* png (default), svg, pdf; both: png and svg; all: the three. */
	int all = format && !strcmp(format, "all");
	int both = format && !strcmp(format, "both");
	if (!format || all || both || !strcmp(format, "png"))
		R.fmts[R.nf++] = "png";
	if (format && (all || both || !strcmp(format, "svg")))
		R.fmts[R.nf++] = "svg";
	if (format && (all || !strcmp(format, "pdf")))
		R.fmts[R.nf++] = "pdf";
	/* "out/demo/" and "out/demo" name the same figures. */
	char clean[4096];
	snprintf(clean, sizeof(clean), "%s", dir);
	for (size_t n = strlen(clean); n > 1 && clean[n - 1] == '/'; n--)
		clean[n - 1] = 0;
	R.dir = dir = clean;
	err_init(&e);
	if (plot_ctx_load(&c, dir, &e)) {
		char msg[1024];
		err_format(&e, msg, sizeof(msg));
		fprintf(warn, "bpfsim plot: %s\n", msg);
		return 1;
	}
	R.gnuplot = find_on_path("gnuplot", gnuplot, sizeof(gnuplot)) ? NULL
								      : gnuplot;
	char *cal[MAX_CALFILES];
	size_t ncal = 0;
	if (only) {
		if ((cal[0] = strdup(only)))
			ncal = 1;
	} else {
		ncal = list_calfiles(dir, cal, MAX_CALFILES);
	}
	for (size_t i = 0; i < NFIGURES; i++) {
		const struct plot_fig *f = figures[i];
		if (!f->per_calfile) {
			if (!only)
				one_figure(&R, &c, f, f->name, NULL);
			continue;
		}
		for (size_t k = 0; k < ncal; k++) {
			char name[64];
			instance_name(f->name, cal[k], name, sizeof(name));
			one_figure(&R, &c, f, name, cal[k]);
		}
	}
	for (size_t k = 0; k < ncal; k++)
		free(cal[k]);
	if (only && R.bad_input && !R.napplied)
		R.rc = 2;      /* pointed at a file that is not a calibration */
	if (!R.napplied && !R.rc && (c.kind == PLOT_NONE || only)) {
		if (only)
			fprintf(warn, "bpfsim plot: %s/%s: not a calibration file "
				"with a measured distribution to plot\n", dir, only);
		else
			fprintf(warn, "bpfsim plot: %s: nothing to plot (no "
				"summary.json of a run, compare, sweep or phase, no "
				"capacity.csv and no calibration file here or in a "
				"subfolder)\n", dir);
		R.rc = 2;
	} else if (R.napplied && !R.gnuplot) {
		fprintf(warn, "bpfsim plot: gnuplot not found on PATH: figures not "
			"drawn; their data and scripts are in %s/ (draw them with: "
			"cd %s && for f in%s; do gnuplot $f; done)\n", dir, dir,
			R.scripts);
	}
	plot_ctx_fini(&c);
	return R.rc;
}

int plot_outdir(const char *dir, const char *format, FILE *drawn, FILE *warn)
{
	return plot_dir(dir, NULL, format, drawn, warn);
}

int plot_path(const char *path, const char *format, FILE *drawn, FILE *warn)
{
	struct stat st;
	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return plot_dir(path, NULL, format, drawn, warn);
	char dir[4096];
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	return plot_dir(dir, slash ? slash + 1 : path, format, drawn, warn);
}
