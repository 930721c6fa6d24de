/* test_mmc.c - the mmc model against queueing theory.
 *
 * Pins, deterministically: mmc_erlang_c() against hand values (M/M/1: C = a;
 * M/M/2: C = a^2 / (2 + a)) and against the textbook Erlang C sum computed
 * here independently (factorials from gsl_sf_fact, no recursion shared with
 * the code under test) for c = 1..30 over a grid of loads, at 1e-12;
 * mmc_wait_mmc() and mmc_wait_mg1() against closed forms; NAN for unstable
 * or degenerate input; and that the model's `wait_exact` metric carries the
 * right closed form for each case below.
 *
 * Pins, statistically: the simulated mean wait in queue, run through the
 * replication runner (20 replications x 200,000 measured customers after a
 * 20,000-customer warm-up), has a 95% Student-t CI over replications
 * (stat_summarize) that contains the exact value, for M/M/1 and M/M/8 at
 * rho = 0.5 and 0.9 (Erlang C) and M/D/1 at rho = 0.5 and 0.9
 * (Pollaczek-Khinchine).  A correct engine misses a given 95% CI for ~5% of
 * seeds.  The six checks are not independent (every case draws from the
 * same "arrivals" stream, and the M/M/1 and M/M/8 cases at one load from the
 * same "service" uniforms), so some check fails for between 5% and 26% of
 * seeds; of seeds 1..7, seed 2 fails (M/M/1 and M/M/8 at rho = 0.9
 * together, both ~1.3 half-widths low) and the rest pass.  The default seed
 * (1) is one that passes: chosen by running the test, not derived.  Set
 * BPFSIM_TEST_SEED to try others: an occasional miss is expected; misses
 * on most seeds, or the same case always low (or high), are a bug.
 * Utilisation and Little's law are checked with wide deterministic
 * tolerances (stated below), not CIs.
 *
 * Pins, exactly: the model's own loop (model.h, run: mmc_run) against the
 * engine's loop (sim_loop over mmc_handle, the model with run = NULL) -
 * every metric bit for bit, the event count, the clock, the status and the
 * cap - for 1 to 17 servers (17: the own loop hands over to sim_loop),
 * exponential, constant (ties between arrivals and departures at one
 * nanosecond) and 1-3 ns uniform draws (ties everywhere), a warm-up, no
 * quantiles, a duration that ends the run early, and max_events.  The
 * order of events at one instant does not show in a whole run's metrics
 * (one FIFO queue, a stream per quantity: an arrival and a departure
 * commute), so two runs are cut by max_events between the two events of a
 * tie, where it does.
 *
 * Does not pin: quantiles (wait_p50/p99 come from sim/hist.h, pinned by
 * test_hist.c; the M/M/1 p99 CI by tests/cli/mmc_quantiles.sh), M/G/c for c > 1 (no closed form), or speed.  Runtime is
 * ~6 s under ASan on 2 cores.
 */
#include "test_util.h"
#include "models/registry.h"
#include <string.h>
#include <gsl/gsl_sf_gamma.h>
#include "models/mmc.h"
#include "sim/exp/runner.h"
#include "sim/sim.h"
#include "sim/stats.h"
#include "sim/ytree.h"

#define REPS 20
#define CUSTOMERS 200000
#define WARMUP 20000

/* Erlang C from its definition:
 *   C(c, a) = (a^c / c!) (c / (c - a)) /
 *             (sum_{k=0}^{c-1} a^k / k!  +  (a^c / c!) (c / (c - a))). */
static double erlang_c_direct(unsigned c, double a)
{
	double sum = 0;
	for (unsigned k = 0; k < c; k++)
		sum += pow(a, k) / gsl_sf_fact(k);
	double top = pow(a, c) / gsl_sf_fact(c) * (double)c / ((double)c - a);
	return top / (sum + top);
}

static void test_erlang_c_hand(void **state)
{
	(void)state;
	/* Tolerances: these are a handful of flops each, so 1e-14 relative
	 * (a few ulps) is ample and still catches any formula slip. */
	for (double a = 0.05; a < 1; a += 0.05)
		assert_rel(mmc_erlang_c(1, a), a, 1e-14, "M/M/1: C = rho");
	for (double a = 0.1; a < 2; a += 0.1)
		assert_rel(mmc_erlang_c(2, a), a * a / (2 + a), 1e-14,
			   "M/M/2: C = a^2 / (2 + a)");
	/* M/M/1 at rho = 0.5: Wq = rho / (mu - lambda) = 0.5 / (2 - 1) = 0.5
	 * (rates per unit time); at rho = 0.9 in ns: 8100 ns. */
	assert_rel(mmc_wait_mmc(1, 1.0, 2.0), 0.5, 1e-14, "M/M/1 Wq rho .5");
	assert_rel(mmc_wait_mmc(1, 1.0 / 1000, 1.0 / 900), 8100, 1e-12,
		   "M/M/1 Wq rho .9 (scenarios/mmc.yaml)");
	/* Pollaczek-Khinchine: M/D/1 Wq = rho s / (2 (1 - rho)); M/M/1 (var =
	 * s^2) must agree with Erlang C. */
	assert_rel(mmc_wait_mg1(1.0 / 1000, 900, 0), 0.9 * 900 / 0.2, 1e-12,
		   "M/D/1 Wq rho .9");
	assert_rel(mmc_wait_mg1(1.0 / 1000, 500, 0), 250, 1e-12,
		   "M/D/1 Wq rho .5");
	assert_rel(mmc_wait_mg1(1.0 / 1000, 900, 900.0 * 900),
		   mmc_wait_mmc(1, 1.0 / 1000, 1.0 / 900), 1e-12,
		   "M/G/1 with exponential service = M/M/1");
	/* Unstable or degenerate: no steady state. */
	assert_true(isnan(mmc_erlang_c(1, 1.0)));
	assert_true(isnan(mmc_erlang_c(8, 8.5)));
	assert_true(isnan(mmc_erlang_c(0, 0.5)));
	assert_true(isnan(mmc_wait_mmc(2, 3.0, 1.0)));
	assert_true(isnan(mmc_wait_mg1(1.0, 1.0, 0)));
	/* a -> 0: nobody waits. */
	assert_true(mmc_erlang_c(4, 0) == 0);
}

static void test_erlang_c_direct(void **state)
{
	(void)state;
	/* Both forms sum or recur over c positive terms, each step rounding
	 * once, so they agree to ~c ulps; 1e-12 relative is 1e3x headroom at
	 * c = 30 and far tighter than any formula error would be. */
	static const double rhos[] = { 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99 };
	for (unsigned c = 1; c <= 30; c++) {
		for (size_t i = 0; i < sizeof(rhos) / sizeof(rhos[0]); i++) {
			double a = rhos[i] * c;
			char what[64];
			snprintf(what, sizeof(what), "C(%u, %g)", c, a);
			assert_rel(mmc_erlang_c(c, a), erlang_c_direct(c, a),
				   1e-12, what);
		}
	}
	/* M/M/8 at the two loads simulated below (lambda = 1/us). */
	for (int i = 0; i < 2; i++) {
		double rho = i ? 0.9 : 0.5, lambda = 1.0 / 1000;
		double mu = 1.0 / (8 * rho * 1000);
		double wq = erlang_c_direct(8, lambda / mu) / (8 * mu - lambda);
		assert_rel(mmc_wait_mmc(8, lambda, mu), wq, 1e-12, "M/M/8 Wq");
	}
}

struct mmc_case {
	const char *name;
	unsigned servers;
	const char *service;     /* arrivals are exponential(1us) throughout */
	double rho;              /* lambda E[S] / c */
	double exact;            /* Wq, ns, computed in the test */
};

/* Configure mmc from scenario text; the tree stays alive with the config. */
static void *configure(const struct model *m, const struct mmc_case *k,
		       struct ytree **tree)
{
	char doc[512];
	struct err e;
	snprintf(doc, sizeof(doc),
		 "servers: %u\narrival: exponential(1us)\nservice: %s\n"
		 "customers: %d\nwarmup_customers: %d\n",
		 k->servers, k->service, CUSTOMERS, WARMUP);
	err_init(&e);
	*tree = ytree_load_buffer(k->name, doc, strlen(doc), &e);
	assert_non_null(*tree);
	void *cfg = m->configure(ytree_root(*tree), &e);
	if (!cfg || ytree_check_unknown(*tree, &e)) {
		char msg[1024];
		err_format(&e, msg, sizeof(msg));
		fail_msg("%s", msg);
	}
	return cfg;
}

static void run_case(const struct mmc_case *k, uint64_t seed)
{
	const struct model *m = model_find("mmc");
	assert_non_null(m);
	size_t nm = model_metric_count(m);
	int iw = model_metric_index(m, "wait_mean");
	int iu = model_metric_index(m, "utilisation");
	int iq = model_metric_index(m, "queue_length_mean");
	int ic = model_metric_index(m, "customers");
	int ie = model_metric_index(m, "wait_exact");
	assert_true(iw >= 0 && iu >= 0 && iq >= 0 && ic >= 0 && ie >= 0);

	struct ytree *tree;
	void *cfg = configure(m, k, &tree);
	struct runner_job jobs[REPS];
	double *metrics = calloc(REPS * nm, sizeof(double));
	double wait[REPS], util[REPS], lq[REPS];
	assert_non_null(metrics);
	memset(jobs, 0, sizeof(jobs));
	for (size_t r = 0; r < REPS; r++) {
		jobs[r].model = m;
		jobs[r].cfg = cfg;
		jobs[r].seed = seed;
		jobs[r].rep = r;
		jobs[r].metrics = &metrics[r * nm];
	}
	assert_int_equal(runner_run(jobs, REPS, 0, NULL, NULL, NULL), 0);
	for (size_t r = 0; r < REPS; r++) {
		assert_int_equal(jobs[r].done, 1);
		assert_int_equal(jobs[r].status, SIM_DONE);
		const double *x = jobs[r].metrics;
		assert_true(x[ic] == CUSTOMERS);
		/* The model's closed form, against the test's own. */
		assert_rel(x[ie], k->exact, 1e-12, "wait_exact metric");
		wait[r] = x[iw];
		util[r] = x[iu];
		lq[r] = x[iq];
	}
	struct stat_summary w, u, q;
	stat_summarize(wait, REPS, 0.95, &w);
	stat_summarize(util, REPS, 0.95, &u);
	stat_summarize(lq, REPS, 0.95, &q);
	print_message("# %-18s Wq %10.3f +- %7.3f ns (exact %10.3f)  util %.5f "
		      "(rho %.2f)  Lq %.4f\n", k->name, w.mean, w.half, k->exact,
		      u.mean, k->rho, q.mean);
	if (!(w.lo <= k->exact && k->exact <= w.hi))
		fail_msg("%s: 95%% CI [%.3f, %.3f] misses exact Wq %.3f (seed "
			 "%llu; ~5%% of seeds miss by chance, see header)",
			 k->name, w.lo, w.hi, k->exact,
			 (unsigned long long)seed);
	/* Utilisation: the mean over 20 x 200k customers has sd < 1e-3 at
	 * these loads (per-replication sd ~0.0025 at rho = .9); 0.01 absolute
	 * is > 10 sd, so this never fails by chance but catches a gauge or
	 * service-time error of 1%. */
	assert_abs(u.mean, k->rho, 0.01, "utilisation vs rho");
	/* Little's law Lq = lambda Wq with lambda = 1/1000 per ns; the gauge
	 * and the tally see the same sample path, so they agree within
	 * the empirical-vs-nominal arrival rate (~0.2% per replication) and
	 * window edges; 3% relative, or 0.002 absolute where Lq is ~0.03. */
	assert_abs(q.mean, w.mean / 1000,
		   fmax(0.03 * w.mean / 1000, 0.002), "Little's law");
	free(metrics);
	m->config_free(cfg);
	ytree_free(tree);
}

static double mmc_exact(unsigned c, double rho)
{
	double lambda = 1.0 / 1000, mu = 1.0 / (c * rho * 1000);
	return erlang_c_direct(c, lambda / mu) / (c * mu - lambda);
}

static uint64_t seed;

/* One replication of doc through model m: metrics, events, clock. */
struct own_run {
	double m[16];
	uint64_t events, now;
	enum sim_status st;
	const char *cap;
};

static void own_run(const struct model *m, const char *doc, uint64_t end,
		    uint64_t max_events, struct own_run *o)
{
	struct err e;
	struct sim s;
	struct sim_caps caps = { .max_events = max_events };
	err_init(&e);
	struct ytree *t = ytree_load_buffer("own.yaml", doc, strlen(doc), &e);
	assert_non_null(t);
	void *cfg = m->configure(ytree_root(t), &e);
	assert_non_null(cfg);
	assert_true(model_metric_count(m) <= 16);
	memset(o, 0, sizeof(*o));
	assert_int_equal(sim_init(&s, m, seed, 3, end, &caps), 0);
	o->st = sim_run(&s, cfg, o->m);
	o->events = s.events;
	o->now = s.now;
	o->cap = s.cap_reason;
	sim_fini(&s);
	m->config_free(cfg);
	ytree_free(t);
}

static void test_own_loop(void **state)
{
	(void)state;
	static const struct {
		const char *doc;
		uint64_t end, max_events;
	} cases[] = {
		{ "servers: 1\narrival: exponential(1us)\n"
		  "service: exponential(900ns)\ncustomers: 30000\n", 0, 0 },
		{ "servers: 8\narrival: exponential(1us)\n"
		  "service: exponential(7200ns)\ncustomers: 30000\n"
		  "warmup_customers: 0\n", 0, 0 },
		{ "servers: 3\narrival: exponential(1us)\n"
		  "service: gamma(2, 1400ns)\ncustomers: 20000\n"
		  "quantiles: false\n", 0, 0 },
		{ "servers: 16\narrival: exponential(1us)\n"
		  "service: exponential(15us)\ncustomers: 20000\n", 0, 0 },
		{ "servers: 17\narrival: exponential(1us)\n"
		  "service: exponential(16us)\ncustomers: 20000\n", 0, 0 },
		{ "servers: 4\narrival: constant(1us)\n"
		  "service: constant(4us)\ncustomers: 5000\n"
		  "warmup_customers: 10\n", 0, 0 },
		/* Stopped inside a tie (an arrival and a departure at one
		 * instant): the metrics then show which went first. */
		{ "servers: 4\narrival: constant(1us)\n"
		  "service: constant(4us)\ncustomers: 5000\n"
		  "warmup_customers: 0\n", 0, 1001 },
		{ "servers: 4\narrival: constant(1us)\n"
		  "service: constant(4us)\ncustomers: 5000\n"
		  "warmup_customers: 0\n", 0, 1002 },
		{ "servers: 3\narrival: uniform(1ns, 3ns)\n"
		  "service: uniform(1ns, 8ns)\ncustomers: 20000\n", 0, 0 },
		{ "servers: 8\narrival: exponential(1us)\n"
		  "service: exponential(7200ns)\ncustomers: 30000\n",
		  5000000, 0 },
		{ "servers: 2\narrival: exponential(1us)\n"
		  "service: exponential(1900ns)\ncustomers: 30000\n",
		  0, 12345 },
	};
	const struct model *own = model_find("mmc");
	assert_non_null(own);
	assert_non_null(own->run);
	struct model engine = *own;
	engine.run = NULL;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct own_run a, b;
		own_run(own, cases[i].doc, cases[i].end, cases[i].max_events,
			&a);
		own_run(&engine, cases[i].doc, cases[i].end,
			cases[i].max_events, &b);
		assert_true(a.events > 1000);
		assert_int_equal(a.st, b.st);
		assert_true(a.events == b.events && a.now == b.now);
		assert_string_equal(a.cap ? a.cap : "-", b.cap ? b.cap : "-");
		/* Bit for bit (NAN included: wait_exact where none). */
		assert_memory_equal(a.m, b.m, sizeof(a.m));
	}
}

static void test_mm1(void **state)
{
	(void)state;
	struct mmc_case a = { "M/M/1 rho=0.5", 1, "exponential(500ns)", 0.5,
			      mmc_exact(1, 0.5) };
	struct mmc_case b = { "M/M/1 rho=0.9", 1, "exponential(900ns)", 0.9,
			      mmc_exact(1, 0.9) };
	/* The hand values: rho / (mu - lambda). */
	assert_rel(a.exact, 500, 1e-12, "M/M/1 .5 exact");
	assert_rel(b.exact, 8100, 1e-12, "M/M/1 .9 exact");
	run_case(&a, seed);
	run_case(&b, seed);
}

static void test_mm8(void **state)
{
	(void)state;
	struct mmc_case a = { "M/M/8 rho=0.5", 8, "exponential(4us)", 0.5,
			      mmc_exact(8, 0.5) };
	struct mmc_case b = { "M/M/8 rho=0.9", 8, "exponential(7.2us)", 0.9,
			      mmc_exact(8, 0.9) };
	run_case(&a, seed);
	run_case(&b, seed);
}

static void test_md1(void **state)
{
	(void)state;
	/* Pollaczek-Khinchine with Var[S] = 0: Wq = rho s / (2 (1 - rho)). */
	struct mmc_case a = { "M/D/1 rho=0.5", 1, "constant(500ns)", 0.5,
			      0.5 * 500 / (2 * 0.5) };
	struct mmc_case b = { "M/D/1 rho=0.9", 1, "900ns", 0.9,
			      0.9 * 900 / (2 * 0.1) };
	run_case(&a, seed);
	run_case(&b, seed);
}

int main(void)
{
	seed = test_seed(1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_erlang_c_hand),
		cmocka_unit_test(test_erlang_c_direct),
		cmocka_unit_test(test_mm1),
		cmocka_unit_test(test_mm8),
		cmocka_unit_test(test_md1),
		cmocka_unit_test(test_own_loop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
