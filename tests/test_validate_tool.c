/* test_validate_tool.c - `bpfsim validate --tool`'s offline half
 * (calibrate/validate_tool.c).
 *
 * Pins:
 *   - the tool table: the four tools found by name, a misspelt name gets
 *     the closest one, a far one none; every tool's shipped description
 *     exists and names each program the table compares (`name: PROG`);
 *   - validate_tool_rows: cost per run = (run_ns - floor x runs) / runs,
 *     runs per elapsed second, BPF share = the judged programs' net time
 *     over cpus x elapsed; per-run rows judged against run_tol (inclusive),
 *     the rest against tol; a program with fewer than VT_MIN_RUNS runs, or
 *     none in the description, gets no verdict (and no prediction for the
 *     latter); cpu_busy never has one;
 *   - validate_tool_csv: the header and one line per row, verdict words.
 * Exact arithmetic: tolerances 1e-12 (relative) where the values are
 * computed, none where they are copied.
 * Does not pin: the live measurement and the simulation of a tool
 * (tests/cli/validate_tool.sh runs both), how close the predictions are
 * (README "How accurate is it?").
 */
#include "test_util.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calibrate/validate_tool.h"

static void test_table(void **state)
{
	(void)state;
	const char *names[] = { "runqslower", "runqlat", "cpudist", "syscount" };
	for (size_t i = 0; i < 4; i++) {
		const struct vt_tool *t = vt_find(names[i]);
		assert_non_null(t);
		assert_string_equal(t->name, names[i]);
		assert_non_null(strstr(vt_names(), names[i]));
		/* The description exists and has every compared program. */
		char path[4096];
		assert_non_null(vt_desc_path(t, path, sizeof(path)));
		FILE *f = fopen(path, "r");
		assert_non_null(f);
		static char text[65536];
		size_t n = fread(text, 1, sizeof(text) - 1, f);
		text[n] = 0;
		fclose(f);
		for (size_t k = 0; k < t->nprogs; k++) {
			char want[96];
			if (!t->prog[k].dname)
				continue;
			snprintf(want, sizeof(want), "name: %s\n", t->prog[k].dname);
			if (!strstr(text, want))
				fail_msg("%s: no program '%s'", path, t->prog[k].dname);
		}
	}
	assert_null(vt_find("runqslow"));
	assert_string_equal(vt_suggest("runqslowr"), "runqslower");
	assert_string_equal(vt_suggest("syscnt"), "syscount");
	assert_string_equal(vt_suggest("cpudst"), "cpudist");
	assert_null(vt_suggest("biolatency"));
}

static struct stat_summary sum(double mean)
{
	struct stat_summary s = { .n = 10, .mean = mean, .sd = 1, .half = 0.5,
				  .lo = mean - 0.5, .hi = mean + 0.5 };
	return s;
}

static void test_rows(void **state)
{
	(void)state;
	const struct vt_tool *t = vt_find("syscount");   /* sys_exit, sys_enter */
	struct vt_measured m;
	struct vt_pred p;
	struct vt_row rows[2 * VT_MAXPROGS + 2];
	memset(&m, 0, sizeof(m));
	memset(&p, 0, sizeof(p));
	m.elapsed = 2;
	m.cpus = 2;
	m.floor = 10;
	m.runs[0] = 1000;                  /* sys_exit: 1000 x (50 + 10) ns */
	m.run_ns[0] = 60000;
	m.misses[0] = 3;
	m.runs[1] = 0;                     /* sys_enter: never attached */
	m.busy = 1e9;
	p.per_run[0] = sum(60);            /* +20%: ok, inclusive */
	p.rate[0] = sum(600);              /* +20% of 500/s: ok at 0.25 */
	p.share = sum(0);
	p.busy = sum(0.5);
	p.share.mean = 50e3 / 4e9 * 1.3;   /* +30%: miss at 0.25 */
	size_t n = validate_tool_rows(t, "syscalls:1k", &m, &p, 0.2, 0.25, rows);
	assert_int_equal(n, 2 * t->nprogs + 2);
	assert_string_equal(rows[0].metric, "per_run_sys_exit");
	assert_string_equal(rows[0].unit, "ns");
	assert_rel(rows[0].measured, 50, 1e-12, "net per run");
	assert_rel(rows[0].rel, 0.2, 1e-12, "relative error");
	assert_rel(rows[0].tol, 0.2, 0, "run tolerance");
	assert_int_equal(rows[0].verdict, 1);
	assert_rel(rows[0].misses, 3, 0, "recursion misses");
	assert_string_equal(rows[1].metric, "runs_per_s_sys_exit");
	assert_rel(rows[1].measured, 500, 1e-12, "runs per second");
	assert_int_equal(rows[1].verdict, 1);
	assert_rel(rows[1].tol, 0.25, 0, "tolerance");
	/* sys_enter: not in the description, never ran: no verdict. */
	assert_string_equal(rows[2].metric, "per_run_sys_enter");
	assert_true(isnan(rows[2].measured));
	assert_true(isnan(rows[2].pred.mean));
	assert_int_equal(rows[2].verdict, -1);
	assert_int_equal(rows[3].verdict, -1);
	assert_string_equal(rows[4].metric, "bpf_share");
	assert_rel(rows[4].measured, 50e3 / 4e9, 1e-12, "share");
	assert_rel(rows[4].rel, 0.3, 1e-9, "share error");
	assert_int_equal(rows[4].verdict, 0);
	assert_rel(rows[4].misses, 3, 0, "all programs' misses");
	assert_string_equal(rows[5].metric, "cpu_busy");
	assert_rel(rows[5].measured, 0.25, 1e-12, "busy share");
	assert_int_equal(rows[5].verdict, -1);
	/* The switch-timed busy share, when the window has it, wins over
	 * /proc/stat's ticks. */
	m.oncpu = 0.1;
	n = validate_tool_rows(t, "syscalls:1k", &m, &p, 0.2, 0.25, rows);
	assert_rel(rows[5].measured, 0.1, 1e-12, "switch-timed busy share");
	m.oncpu = NAN;
	n = validate_tool_rows(t, "syscalls:1k", &m, &p, 0.2, 0.25, rows);
	assert_rel(rows[5].measured, 0.25, 1e-12, "busy share, no oncpu");

	/* Too few runs for a mean: no verdict, but the values stay. */
	m.runs[0] = VT_MIN_RUNS - 1;
	m.run_ns[0] = 60.0 * (VT_MIN_RUNS - 1);
	n = validate_tool_rows(t, "syscalls:1k", &m, &p, 0.2, 0.25, rows);
	assert_rel(rows[0].measured, 50, 1e-12, "net per run, few runs");
	assert_int_equal(rows[0].verdict, -1);
	assert_int_equal(rows[1].verdict, -1);
	/* Just over the run tolerance: a miss. */
	m.runs[0] = 1000;
	m.run_ns[0] = 60000;
	p.per_run[0] = sum(60.0001);
	n = validate_tool_rows(t, "syscalls:1k", &m, &p, 0.2, 0.25, rows);
	assert_int_equal(rows[0].verdict, 0);

	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	validate_tool_csv(f, rows, n);
	fclose(f);
	assert_non_null(strstr(buf, "tool,load,metric,unit,measured,predicted,"
			       "ci_low,ci_high,replications,rel_error,tolerance,"
			       "verdict,recursion_misses\n"));
	size_t lines = 0;
	for (char *c = buf; *c; c++)
		lines += *c == '\n';
	assert_int_equal(lines, n + 1);
	assert_non_null(strstr(buf, "syscount,syscalls:1k,per_run_sys_exit,ns,50,"));
	assert_non_null(strstr(buf, ",miss,3\n"));
	assert_non_null(strstr(buf, "per_run_sys_enter,ns,nan,nan,"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
