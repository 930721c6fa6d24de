/* test_runner.c - results are a function of the jobs, not of the threads.
 *
 * Pins: the same job list run with 1, 2 and 8 threads gives bit-identical
 * metric arrays (memcmp, so NAN payloads and -0.0 count too), event counts
 * and statuses; a job's result does not depend on its position in the list
 * (the list reversed gives the same per-job bytes); report_write_json and
 * both CSV writers, fed those jobs, produce byte-identical text across
 * thread counts (written to memory with open_memstream); a different seed
 * changes the output (so the equality above is not vacuous); replications
 * differ from each other; an interrupt raised before the start runs no job
 * and the report says "complete": false; an empty job list is fine; a
 * tick hook (runner_hooks.tick: workers on threads, this thread ticking)
 * changes no byte, and its counts stay in range.
 *
 * Does not pin: wall times (not part of the output), the order jobs finish
 * in, speed-up, or the numbers themselves (test_mmc.c checks those).
 */
#include "test_util.h"
#include <string.h>
#include <unistd.h>
#include "sim/cli/env.h"
#include "sim/exp/report.h"
#include "sim/exp/runner.h"
#include "sim/exp/scenario.h"

#define FIXTURE(name) "tests/scenarios/" name
#define REPS 12

struct batch {
	struct runner_job jobs[2 * REPS];
	double *metrics;
	size_t n, nm;
};

/* Two configurations x REPS replications, strategy-major like cmd_run. */
static void batch_init(struct batch *b, struct scenario *const sc[2],
		       uint64_t seed)
{
	memset(b, 0, sizeof(*b));
	b->nm = model_metric_count(sc[0]->model);
	b->n = 2 * REPS;
	b->metrics = calloc(b->n * b->nm, sizeof(double));
	assert_non_null(b->metrics);
	for (size_t i = 0; i < b->n; i++) {
		const struct scenario *s = sc[i / REPS];
		struct runner_job *j = &b->jobs[i];
		j->model = s->model;
		j->cfg = s->cfg[0];
		j->seed = seed;
		j->rep = i % REPS;
		j->end = s->duration;
		j->caps = s->caps;
		j->metrics = &b->metrics[i * b->nm];
		/* Poison the output; the reference run is then checked to
		 * have overwritten every slot. */
		memset(j->metrics, 0xa5, b->nm * sizeof(double));
	}
}

static void assert_same_results(const struct batch *a, const struct batch *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct runner_job *x = &a->jobs[i], *y = &b->jobs[i];
		assert_int_equal(x->done, 1);
		assert_int_equal(y->done, 1);
		assert_int_equal(x->status, y->status);
		assert_int_equal(x->events, y->events);
		if (memcmp(x->metrics, y->metrics, a->nm * sizeof(double))) {
			for (size_t m = 0; m < a->nm; m++)
				print_error("job %zu metric %zu: %.17g vs %.17g\n",
					    i, m, x->metrics[m], y->metrics[m]);
			fail_msg("job %zu: metrics differ", i);
		}
	}
}

static struct scenario *load(const char *path, const char *const *sets,
			     size_t nsets)
{
	struct err e;
	err_init(&e);
	struct scenario *sc = scenario_load(&cli_env, path, sets, nsets, 0, NULL, &e);
	if (!sc) {
		char msg[1024];
		err_format(&e, msg, sizeof(msg));
		fail_msg("%s", msg);
	}
	return sc;
}

static uint64_t seed;

/* What ticks said (runner_tick_fn): anything out of range marks bad. */
struct tick_seen {
	size_t n;
	int bad;
};

static void on_tick(void *ctx, size_t done, size_t total, double partial)
{
	struct tick_seen *s = ctx;
	s->n++;
	if (done > total || !(partial >= 0) || partial > (double)total)
		s->bad = 1;
}

static void test_threads_bit_identical(void **state)
{
	(void)state;
	/* Two different models of work: M/M/1 at rho .5, and M/G/4 with
	 * lognormal service at rho ~ 0.86 (long busy periods, unequal job
	 * lengths, so threads finish out of order). */
	const char *g4[] = { "servers=4", "service=lognormal(2.5us, 0.8)",
			     "customers=15000" };
	struct scenario *sc[2] = { load(FIXTURE("ok_small.yaml"), NULL, 0),
				   load(FIXTURE("ok_small.yaml"), g4, 3) };
	static const unsigned threads[] = { 1, 2, 8 };
	struct batch ref, b;
	batch_init(&ref, sc, seed);
	assert_int_equal(runner_run(ref.jobs, ref.n, 1, NULL, NULL, NULL), 0);
	double poison;
	memset(&poison, 0xa5, sizeof(poison));
	for (size_t i = 0; i < ref.n; i++) {
		assert_int_equal(ref.jobs[i].status, SIM_DONE);
		assert_true(isfinite(ref.jobs[i].metrics[0]));
		for (size_t m = 0; m < ref.nm; m++)
			assert_true(memcmp(&ref.jobs[i].metrics[m], &poison,
					   sizeof(poison)) != 0);
	}
	/* Replications are distinct runs (rep is part of the seed). */
	assert_true(ref.jobs[0].metrics[0] != ref.jobs[1].metrics[0]);
	assert_true(ref.jobs[0].metrics[0] != ref.jobs[REPS].metrics[0]);
	for (size_t t = 1; t < sizeof(threads) / sizeof(threads[0]); t++) {
		batch_init(&b, sc, seed);
		assert_int_equal(runner_run(b.jobs, b.n, threads[t], NULL, NULL,
					    NULL), 0);
		assert_same_results(&ref, &b);
		free(b.metrics);
	}

	/* With a tick hook (jobs on worker threads even for one thread,
	 * this thread ticking): the same bytes; every tick's counts are
	 * within the batch. */
	for (unsigned t = 1; t <= 2; t++) {
		struct tick_seen seen = { 0 };
		struct runner_hooks h = { .tick = on_tick, .tick_ctx = &seen };
		batch_init(&b, sc, seed);
		assert_int_equal(runner_run_hooked(b.jobs, b.n, t, NULL, &h), 0);
		assert_same_results(&ref, &b);
		assert_false(seen.bad);
		free(b.metrics);
	}

	/* Reversed list, 2 threads: each job's bytes follow the job. */
	batch_init(&b, sc, seed);
	struct runner_job rev[2 * REPS];
	for (size_t i = 0; i < b.n; i++)
		rev[i] = b.jobs[b.n - 1 - i];
	assert_int_equal(runner_run(rev, b.n, 2, NULL, NULL, NULL), 0);
	for (size_t i = 0; i < b.n; i++)
		b.jobs[b.n - 1 - i] = rev[i];
	assert_same_results(&ref, &b);
	free(b.metrics);
	free(ref.metrics);
	scenario_free(sc[0]);
	scenario_free(sc[1]);
}

struct texts {
	char *json, *reps_csv, *sum_csv;
};

/* Run sc's replications on `threads` and write all three reports. */
static void run_and_write(struct scenario *sc, unsigned threads,
			  struct texts *out)
{
	size_t nr = sc->replications, nm = model_metric_count(sc->model);
	struct runner_job *jobs = calloc(nr, sizeof(*jobs));
	double *metrics = calloc(nr * nm, sizeof(double));
	assert_non_null(jobs);
	assert_non_null(metrics);
	for (size_t r = 0; r < nr; r++) {
		jobs[r].model = sc->model;
		jobs[r].cfg = sc->cfg[0];
		jobs[r].seed = sc->seed;
		jobs[r].rep = r;
		jobs[r].end = sc->duration;
		jobs[r].caps = sc->caps;
		jobs[r].metrics = &metrics[r * nm];
	}
	assert_int_equal(runner_run(jobs, nr, threads, NULL, NULL, NULL), 0);
	struct report rep;
	assert_int_equal(report_build(&rep, sc, jobs, 1, nr), 0);
	size_t len;
	FILE *f = open_memstream(&out->json, &len);
	assert_non_null(f);
	report_write_json(&rep, f);
	assert_int_equal(fclose(f), 0);
	f = open_memstream(&out->reps_csv, &len);
	assert_non_null(f);
	report_write_replications_csv(&rep, f);
	assert_int_equal(fclose(f), 0);
	f = open_memstream(&out->sum_csv, &len);
	assert_non_null(f);
	report_write_summary_csv(&rep, f);
	assert_int_equal(fclose(f), 0);
	report_fini(&rep);
	free(jobs);
	free(metrics);
}

static void texts_free(struct texts *t)
{
	free(t->json);
	free(t->reps_csv);
	free(t->sum_csv);
}

static void test_reports_byte_identical(void **state)
{
	(void)state;
	char s[64];
	snprintf(s, sizeof(s), "seed=%llu", (unsigned long long)seed);
	const char *sets[] = { s };
	struct scenario *sc = load(FIXTURE("ok_small.yaml"), sets, 1);
	struct texts ref, t;
	run_and_write(sc, 1, &ref);
	assert_non_null(strstr(ref.json, "\"complete\": true"));
	assert_non_null(strstr(ref.json, "\"wait_mean\": {\"n\": 6, \"mean\": "));
	assert_null(strstr(ref.json, "null"));   /* every metric summarised */
	for (unsigned threads = 2; threads <= 8; threads *= 4) {
		run_and_write(sc, threads, &t);
		assert_string_equal(t.json, ref.json);
		assert_string_equal(t.reps_csv, ref.reps_csv);
		assert_string_equal(t.sum_csv, ref.sum_csv);
		texts_free(&t);
	}
	/* Another seed: other numbers (the comparison above is not blind). */
	sc->seed += 1;
	run_and_write(sc, 2, &t);
	assert_true(strcmp(t.json, ref.json) != 0);
	assert_true(strcmp(t.reps_csv, ref.reps_csv) != 0);
	texts_free(&t);
	texts_free(&ref);
	scenario_free(sc);
}

static void test_interrupt_and_empty(void **state)
{
	(void)state;
	struct scenario *sc = load(FIXTURE("ok_small.yaml"), NULL, 0);
	size_t nm = model_metric_count(sc->model);
	struct runner_job jobs[4];
	double metrics[4 * 16];
	assert_true(nm <= 16);
	memset(jobs, 0, sizeof(jobs));
	for (size_t r = 0; r < 4; r++) {
		jobs[r].model = sc->model;
		jobs[r].cfg = sc->cfg[0];
		jobs[r].seed = sc->seed;
		jobs[r].rep = r;
		jobs[r].metrics = &metrics[r * nm];
	}
	volatile int stop = 1;
	assert_int_equal(runner_run(jobs, 4, 2, &stop, NULL, NULL), 0);
	for (size_t r = 0; r < 4; r++)
		assert_int_equal(jobs[r].done, 0);
	struct report rep;
	assert_int_equal(report_build(&rep, sc, jobs, 1, 4), 0);
	assert_int_equal(rep.interrupted, 1);
	char *json = NULL;
	size_t len;
	FILE *f = open_memstream(&json, &len);
	report_write_json(&rep, f);
	fclose(f);
	assert_non_null(strstr(json, "\"complete\": false"));
	free(json);
	report_fini(&rep);
	assert_int_equal(runner_run(jobs, 0, 0, NULL, NULL, NULL), 0);
	scenario_free(sc);
}

int main(void)
{
	if (access(FIXTURE("ok_small.yaml"), R_OK)) {
		fprintf(stderr, "test_runner: run from the repository root "
			"(tests/scenarios/ not found)\n");
		return 1;
	}
	seed = test_seed(7);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads_bit_identical),
		cmocka_unit_test(test_reports_byte_identical),
		cmocka_unit_test(test_interrupt_and_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
