/* mmc.h - exact queueing results the `mmc` model is validated against.
 *
 * M/M/c (Erlang C) and M/G/1 (Pollaczek-Khinchine) mean waiting times in
 * queue, for tests, the validation figure and the model's `wait_exact`
 * metric.  Units: rates per ns, times in ns (any consistent unit works).
 */
#ifndef BPFSIM_MMC_H
#define BPFSIM_MMC_H

/* Probability that an arrival waits in an M/M/c queue with offered load
 * a = lambda/mu (Erlang C), via the stable Erlang B recursion.  NAN if
 * a >= c (unstable). */
double mmc_erlang_c(unsigned c, double a);

/* Mean wait in queue Wq of M/M/c: C(c, a) / (c mu - lambda). */
double mmc_wait_mmc(unsigned c, double lambda, double mu);

/* Mean wait in queue of M/G/1 (Pollaczek-Khinchine):
 * lambda E[S^2] / (2 (1 - rho)), rho = lambda E[S]. */
double mmc_wait_mg1(double lambda, double mean_s, double var_s);

#endif
