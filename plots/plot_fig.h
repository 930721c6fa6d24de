/* plot_fig.h - what a figure preparer receives, and the helpers it uses.
 *
 * A preparer (plots/fig_*.c) looks at the output folder described by a
 * struct plot_ctx, decides whether its figure applies, and if so writes its
 * data file(s) into the folder (through out.h: whole or absent; named after
 * c->figname, which is the kind's name except for per-file kinds) and the
 * script's parameters into a struct plot_vars.  It returns 1 (applies, data
 * written), 0 (does not apply: its inputs are absent; nothing written) or -1
 * with e set (a file could not be read or written, or is malformed).
 *
 * Helpers: a small CSV table reader (the files bpfsim writes: a header line,
 * comma-separated cells, quoted when they hold a comma), gnuplot parameter
 * writers (strings are single-quoted with '' for a quote; control
 * characters are dropped, so a two-line title is two parameters joined by
 * "\n" in the script), display units for metric values, the key-metric
 * choice shared by the compare and sweep figures, axes of scenario values
 * (numbers, durations, rates, distributions, categories; log spacing; cell
 * bounds for heatmaps) and tic lists with short labels (10k, 1M).
 *
 * Adding a figure kind that is drawn once per file of some sort (like the
 * calibration figure): set per_calfile in its registry line; the driver
 * lists the files (plot.c) and calls the preparer once per file.  Other
 * per-file kinds would need their own listing there.
 */
#ifndef BPFSIM_PLOT_FIG_H
#define BPFSIM_PLOT_FIG_H

#include <stddef.h>
#include <stdio.h>

#include "sim/err.h"
#include "sim/model.h"
#include "sim/outdir.h"
#include "sim/ytree.h"

enum plot_kind {
	PLOT_NONE,    /* no summary.json: nothing of its own (maybe subfolders) */
	PLOT_RUN,     /* run or compare outputs */
	PLOT_SWEEP,   /* sweep or merge outputs (summary.json has "axes") */
};

/* One output folder, as the preparers see it. */
struct plot_ctx {
	const char *dir;
	enum plot_kind kind;
	struct ytree *summary;        /* summary.json (parsed), or NULL */
	struct ytree *resolved;       /* scenario.resolved.yaml, or NULL */
	const struct model *model;    /* its model, or NULL if unknown */
	char scenario[128];           /* scenario name ("" if unknown) */
	/* The figure being prepared: its name (NAME.dat, NAME.gp, NAME.png;
	 * the figure kind's name, or "calibration-STEM" for a per-file
	 * figure) and, for per-file figures, the file in dir it is drawn
	 * from (NULL otherwise).  Set by the driver before each preparer. */
	const char *figname;
	const char *file;
};

/* Read dir's kind and scenario.  0, or -1 with e set (summary.json exists
 * but cannot be read or is not JSON: "file:line:col: not JSON ..."; c is
 * then empty, plot_ctx_fini is still safe).  A missing or bad scenario.resolved.yaml leaves
 * `resolved` and `model` NULL (it is read with or without summary.json:
 * capacity folders have none). */
int plot_ctx_load(struct plot_ctx *c, const char *dir, struct err *e);
void plot_ctx_fini(struct plot_ctx *c);

/* A figure kind: its name (script NAME.gp, data NAME.dat, figure NAME.png),
 * the embedded script text, and its preparer.  A per-file kind
 * (per_calfile) is prepared once per calibration file in the folder, as
 * figure "NAME-STEM" (STEM: the file name without .yaml/.yml; just NAME
 * when STEM is NAME), with c->file set to the file's name. */
struct plot_vars;
struct plot_fig {
	const char *name;
	const char *script;
	int (*prepare)(const struct plot_ctx *c, struct plot_vars *v,
		       struct err *e);
	int per_calfile;
};

/* ---- script parameters ----------------------------------------------- */

/* gnuplot assignments, one per line, written as defaults at the top of the
 * folder's copy of the script.  Allocation failure is remembered (`oom`)
 * and reported once by the driver. */
struct plot_vars {
	char *buf;
	size_t len, cap;
	int oom;
};

void plot_vars_fini(struct plot_vars *v);
void plot_var_str(struct plot_vars *v, const char *name, const char *value);
void plot_var_num(struct plot_vars *v, const char *name, double value);
/* `array NAME[n] = [...]` of strings; nothing when n = 0 (gnuplot has no
 * empty arrays: scripts test a count first). */
void plot_var_strs(struct plot_vars *v, const char *name,
		   const char *const *values, size_t n);
/* `array NAME[n] = [...]` of numbers. */
void plot_var_nums(struct plot_vars *v, const char *name, const double *values,
		   size_t n);

/* ---- CSV ------------------------------------------------------------- */

struct plot_csv {
	char *text;            /* the file, cut into cells in place */
	size_t nrows;          /* data rows (the header is not counted) */
	size_t ncols;          /* header columns */
	char **cell;           /* (nrows + 1) x ncols; row 0 is the header */
};

/* Read DIR/NAME.  Returns 1 when read, 0 when the file does not exist, or -1
 * with e set (unreadable, or a row with a different number of cells). */
int plot_csv_read(struct plot_csv *t, const char *dir, const char *name,
		  struct err *e);
void plot_csv_free(struct plot_csv *t);
/* Index of the header column `name`, or -1. */
int plot_csv_col(const struct plot_csv *t, const char *name);
/* The distinct cells of column col in order of appearance (pointers into
 * t), up to max, into out[]; first[k] (NULL: not wanted) is the row where
 * out[k] first appears.  Returns the count. */
size_t plot_csv_distinct(const struct plot_csv *t, int col, const char **out,
			 size_t *first, size_t max);
/* Cell of data row r (0-based) and column c (c < 0: ""). */
const char *plot_csv_str(const struct plot_csv *t, size_t r, int c);
/* Its number ("nan", empty or unparsable: NAN). */
double plot_csv_num(const struct plot_csv *t, size_t r, int c);

/* ---- values ---------------------------------------------------------- */

/* How a metric is shown: value * scale, in unit `label`.  Durations (ns) get
 * ns/us/ms/s by the largest |value|, ratios become %, others keep their
 * unit. */
struct plot_unit {
	double scale;
	char label[32];
};
void plot_unit_pick(const char *unit, double maxabs, struct plot_unit *u);

/* Scenario text as a number for an axis: plain numbers (k/M/G suffixes),
 * durations (in ns, *kind 1) or rates (per second, *kind 2); *kind 0 for a
 * plain number.  0, or -1 when the text is none of these. */
int plot_axis_number(const char *text, double *v, int *kind);

/* True when the (sorted, positive) values are geometrically but not
 * arithmetically spaced: a log axis shows them evenly. */
int plot_is_geometric(const double *v, size_t n);

/* Up to `max` metrics worth showing, by index into names[0..n) (metric
 * names as a file has them): the model's headline metrics
 * (m->metrics[].headline, rank 1 first; ties in names' order) that are
 * present and `usable`, then the other usable ones in order.  `usable(i,
 * key)` says whether metric i has finite values that differ somewhere (key:
 * it is a headline metric, which may be shown even when constant).  A NULL
 * m (unknown model) has no headlines.  Returns the count written to pick[]. */
size_t plot_pick_metrics(const struct model *m, const char *const *names,
			 size_t n, int (*usable)(void *ctx, size_t i, int key),
			 void *ctx, size_t *pick, size_t max);

/* The panels the scenario chose (`plot: {metrics: [...]}` in
 * scenario.resolved.yaml): indexes into names[0..n) in the scenario's
 * order, those the file has; *together is `plot.together` (one panel, a
 * line per metric).  0 when the scenario chose none (or none is here). */
size_t plot_chosen_metrics(const struct plot_ctx *c, const char *const *names,
			   size_t n, size_t *pick, size_t max, int *together);

/* Whether a metric's values are finite somewhere and differ (what a
 * `usable` callback asks): zero-initialise, add every value. */
struct plot_spread {
	double first;          /* the first finite value */
	size_t finite;         /* finite values seen */
	int differ;            /* some finite value != first */
};
void plot_spread_add(struct plot_spread *s, double v);

/* A strategy's colour (linetype 1..8 of the figures' Okabe-Ito palette),
 * the same in every figure whatever the order of `compare`: hash 1 (blue),
 * task_storage 2 (vermillion), lru_hash 3 (green); a model without
 * strategies ("value") 1; any other name 4 + its place in the folder
 * (order, from 0), cycling over 4..8. */
double plot_strategy_colour(const char *name, size_t order);

/* The model's unit of metric `name` ("" if model or metric unknown). */
const char *plot_metric_unit(const struct model *m, const char *name);
/* Its one-line description for a panel title: "" when unknown or longer
 * than fits above a panel (44 characters). */
const char *plot_metric_help(const struct model *m, const char *name);

/* An axis of scenario values (a sweep or phase axis): the distinct values,
 * as numbers when every one parses as a number of one kind
 * (plot_axis_number) or as a distribution of one kind (its mean:
 * exponential(20us) ...), else as categories 0, 1, ... in order of
 * appearance.  Numbers are sorted; `log` when geometrically spaced; `unit`
 * is the display unit (ns -> ns/µs/ms/s by magnitude, rates per second). */
struct plot_axis {
	size_t n;              /* distinct values */
	const char **text;     /* [n] their text (the caller's strings) */
	double *v;             /* [n] value in base units (ns, 1/s), or index */
	int numeric;           /* 0: categories */
	int kind;              /* numbers: 0 plain, 1 duration (ns), 2 rate */
	char dist[32];         /* distribution kind of the values, or "" */
	int log;               /* geometric spacing: draw on a log axis */
	struct plot_unit unit; /* display: v * unit.scale, in unit.label */
};
/* Build from texts[0..n).  0, or -1 when out of memory. */
int plot_axis_build(struct plot_axis *a, const char *const *texts, size_t n);
void plot_axis_free(struct plot_axis *a);
/* Index of `text` among the distinct values, or -1. */
long plot_axis_find(const struct plot_axis *a, const char *text);
/* Display value of distinct value i. */
double plot_axis_display(const struct plot_axis *a, size_t i);
/* Cell bounds of value i in display units: halfway to the neighbours
 * (geometric halfway on a log axis), the ends mirrored. */
void plot_axis_cell(const struct plot_axis *a, size_t i, double *lo,
		    double *hi);
/* Axis label: "NAME (UNIT, log scale)", "NAME: exponential mean (µs)". */
void plot_axis_label(const struct plot_axis *a, const char *name, char *buf,
		     size_t size);
/* v as a short tic label: k/M/G with 3 significant digits from 10000 up
 * ("20k", "1.5M"), else 4 ("2000", "0.25"). */
void plot_short_number(double v, char *buf, size_t size);
/* Scenario text of a value, short: "178k/s" for 177828/s, "43.1 µs" for
 * 43088.7ns, "1000" for 1000; other text (distributions) as it is. */
void plot_value_short(const char *text, char *buf, size_t size);
/* Tics of a linear axis over [lo, hi]: 1-2-5 steps, about 6 of them,
 * labelled with plot_short_number ("120k").  Returns the count. */
size_t plot_lin_tics(double lo, double hi, double *v, char (*label)[16],
		     size_t max);
/* Tics of a log axis over the display range [lo, hi] (lo > 0): 1-2-5 steps
 * when it spans under 3 decades, decades (every other one past 8) else;
 * values into v, labels (plot_short_number) into label.  Returns the count
 * (at most max; 0 for a bad range: let gnuplot choose). */
size_t plot_log_tics(double lo, double hi, double *v, char (*label)[16],
		     size_t max);

/* Which tics plot_tics() computes. */
enum plot_tics { PLOT_TICS_NONE, PLOT_TICS_LIN, PLOT_TICS_LOG };
#define PLOT_MAX_TICS 40
/* Tics over [lo, hi] of the kind asked (PLOT_TICS_NONE: none), as
 * plot_lin_tics()/plot_log_tics() make them; labels[i] (NULL: not wanted)
 * points at tl[i].  Returns the count (<= max). */
size_t plot_tics(enum plot_tics kind, double lo, double hi, double *tv,
		 char (*tl)[16], const char **labels, size_t max);
/* An axis' tics as the scripts read them, for axis name A ("x", "cb"):
 * nAt = n, array Atv[n] (positions), array Atl[n] (labels). */
void plot_var_tics(struct plot_vars *v, const char *axis, const double *tv,
		   const char *const *labels, size_t n);
/* plot_tics() over [lo, hi] (at most PLOT_MAX_TICS), written by
 * plot_var_tics(). */
void plot_var_range_tics(struct plot_vars *v, const char *axis,
			 enum plot_tics kind, double lo, double hi);

/* 1 when DIR/name exists. */
int plot_has_file(const struct plot_ctx *c, const char *name);

/* Write `s` into f as a gnuplot data string ("..." with " removed). */
void plot_data_string(FILE *f, const char *s);
/* A number for a data file ("%.9g", "nan" for non-finite). */
void plot_data_num(FILE *f, double v);

/* Percentile q (0..1) of v[0..n) (sorted in place). */
double plot_percentile(double *v, size_t n, double q);

/* A figure is one file plots/fig_NAME.c that ends with
 *     PLOT_FIGURE(NAME, fig_NAME_prepare, per_calfile);
 * (its script plots/NAME.gp embedded, its struct plot_fig defined) and one
 * line in plot.c's FIGURES list.
 *
 * Why embed: `bpfsim plot` must work from an installed binary, and the
 * output folder gets a copy of each script it uses, so the text travels
 * with the program.  The assembler's .incbin includes plots/NAME.gp
 * verbatim (plus a terminating NUL) at build time; the path is relative to
 * the directory the compiler runs in, the repository root (the
 * Makefile's, which also makes fig_NAME.o depend on NAME.gp: -MMD does not
 * see .incbin).  GNU as and clang's integrated assembler both support it;
 * ELF targets only (.type/.size). */
#define PLOT_SCRIPT(name)                                                   \
	__asm__(".pushsection .rodata\n"                                    \
		".global plot_gp_" #name "\n"                               \
		".type plot_gp_" #name ", @object\n"                        \
		"plot_gp_" #name ":\n"                                      \
		".incbin \"plots/" #name ".gp\"\n"                          \
		".byte 0\n"                                                 \
		".size plot_gp_" #name ", . - plot_gp_" #name "\n"          \
		".popsection\n")

#define PLOT_FIGURE(name, prepare, per_calfile)                             \
	PLOT_SCRIPT(name);                                                  \
	extern const char plot_gp_##name[];                                 \
	const struct plot_fig plot_fig_##name = { #name, plot_gp_##name,    \
						  prepare, per_calfile }

#endif
