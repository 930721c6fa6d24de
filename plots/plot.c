/* plot.c - the figure registry and the gnuplot driver.
 *
 * For each registered figure: its preparer writes NAME.dat and the
 * parameters; this file writes NAME.gp (parameters as defaults, then the
 * embedded script) and, when gnuplot is on PATH, runs one gnuplot per format
 * through a pipe:
 *     cd 'DIR' && exec '/usr/bin/gnuplot' 2>'.NAME.log.tmp.PID'
 *     fmt = 'png'; out = '.NAME.png.tmp.PID'; load 'NAME.gp'
 * and renames the temporary figure into place when gnuplot exited 0 and
 * wrote something.  A figure failing does not stop the others.
 *
 * SIGPIPE is ignored while a pipe is open (restored after): a gnuplot that
 * dies early must fail the figure, not kill bpfsim.  This is process-wide
 * state; plotting runs after the simulation threads have finished.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "out.h"
#include "plot.h"
#include "plot_fig.h"

/* The registry, in drawing order.  Adding a figure: one line here. */
static const struct plot_fig figures[] = {
	{ "timeline", plot_gp_timeline, fig_timeline_prepare },
	{ "compare", plot_gp_compare, fig_compare_prepare },
	{ "sweep", plot_gp_sweep, fig_sweep_prepare },
	{ "validation", plot_gp_validation, fig_validation_prepare },
};
#define NFIGURES (sizeof(figures) / sizeof(figures[0]))

int plot_format_check(const char *format)
{
	return !format || !strcmp(format, "png") || !strcmp(format, "svg") ||
	       !strcmp(format, "both") ? 0 : -1;
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
static int write_script(const char *dir, const struct plot_fig *f,
			const struct plot_vars *v, struct err *e)
{
	struct out_file o;
	char name[64];
	snprintf(name, sizeof(name), "%s.gp", f->name);
	if (out_open(&o, dir, name, e))
		return -1;
	fprintf(o.f,
		"# %s.gp - written by bpfsim %s from the files in this folder.\n"
		"# Redraw:  gnuplot %s.gp                      (%s.png)\n"
		"#          gnuplot -e \"fmt='svg'\" %s.gp       (%s.svg)\n"
		"# The parameters below are defaults: gnuplot -e \"name=value\" "
		"overrides them.\n"
		"if (!exists(\"data\")) data = '%s.dat'\n",
		f->name, BPFSIM_VERSION, f->name, f->name, f->name, f->name,
		f->name);
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

int plot_outdir(const char *dir, const char *format, FILE *drawn, FILE *warn)
{
	struct plot_ctx c;
	struct err e;
	char gnuplot[4096], scripts[512] = "";
	int rc = 0, napplied = 0;
	if (plot_format_check(format)) {
		fprintf(warn, "bpfsim plot: --plot-format must be %s (got '%s')\n",
			PLOT_FORMATS, format);
		return 2;
	}
	const char *fmts[2];
	size_t nf = 0;
	if (!format || strcmp(format, "svg"))
		fmts[nf++] = "png";
	if (format && strcmp(format, "png"))
		fmts[nf++] = "svg";
	/* "out/demo/" and "out/demo" name the same figures. */
	char clean[4096];
	snprintf(clean, sizeof(clean), "%s", dir);
	for (size_t n = strlen(clean); n > 1 && clean[n - 1] == '/'; n--)
		clean[n - 1] = 0;
	dir = clean;
	err_init(&e);
	if (plot_ctx_load(&c, dir, &e)) {
		char msg[1024];
		err_format(&e, msg, sizeof(msg));
		fprintf(warn, "bpfsim plot: %s\n", msg);
		return 1;
	}
	int have_gp = !find_on_path("gnuplot", gnuplot, sizeof(gnuplot));
	for (size_t i = 0; i < NFIGURES; i++) {
		const struct plot_fig *f = &figures[i];
		struct plot_vars v = { 0 };
		err_init(&e);
		int applies = f->prepare(&c, &v, &e);
		if (applies > 0 && v.oom) {
			err_set(&e, ERR_RUNTIME, NULL, 0, 0, "out of memory");
			applies = -1;
		}
		if (applies > 0 && write_script(dir, f, &v, &e))
			applies = -1;
		plot_vars_fini(&v);
		if (applies < 0) {
			char msg[1024];
			err_format(&e, msg, sizeof(msg));
			fprintf(warn, "bpfsim plot: %s figure: %s\n", f->name, msg);
			rc = 1;
			continue;
		}
		if (!applies)
			continue;
		napplied++;
		size_t len = strlen(scripts);
		snprintf(scripts + len, sizeof(scripts) - len, " %s.gp", f->name);
		for (size_t k = 0; k < nf && have_gp; k++)
			if (draw(dir, gnuplot, f->name, fmts[k], drawn, warn))
				rc = 1;
	}
	if (!napplied && c.kind == PLOT_NONE && !rc) {
		fprintf(warn, "bpfsim plot: %s: nothing to plot (no summary.json of "
			"a run, compare or sweep here or in a subfolder)\n", dir);
		rc = 2;
	} else if (napplied && !have_gp) {
		fprintf(warn, "bpfsim plot: gnuplot not found on PATH: figures not "
			"drawn; their data and scripts are in %s/ (draw them with: "
			"cd %s && for f in%s; do gnuplot $f; done)\n", dir, dir, scripts);
	}
	plot_ctx_fini(&c);
	return rc;
}
