/* fuzz_dist.c - libFuzzer harness: the distribution parser, text and mapping.
 *
 * Each input is read three ways:
 *   1. as distribution text, dist_parse_text, as a duration and as a plain
 *      number distribution (e.g. "normal(400ns, 10ns)", "1.5ms");
 *   2. as a YAML document (ytree_load_buffer): dist_parse on the root
 *      mapping (the {dist: ..., ...} form) and on every value under it.
 * Every distribution that parses is then exercised: mean and variance,
 * 64 draws (dist_sample_ns, so the integer clock conversion too), and the
 * canonical text, which must parse back (text or flow-mapping form) to a
 * distribution with the same canonical text (units_format_duration and
 * dist_format promise bit-exact round trips).  Failures must carry a
 * message.  The oracle is the sanitizers plus those contract checks (abort).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "sim/dist.h"
#include "sim/ytree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FMT_SIZE 65536

static gsl_rng *rng;
static char *fmt1, *fmt2;

static void check_err(const struct err *e)
{
	if ((e->status != ERR_INPUT && e->status != ERR_RUNTIME) || !e->msg[0])
		abort();
}

/* Parse canonical text back: the flow-mapping forms through YAML. */
static struct dist *reparse(const char *text, enum dist_unit unit)
{
	struct err e;
	err_init(&e);
	if (text[0] != '{')
		return dist_parse_text(text, unit, "fmt", 1, 1, &e);
	size_t len = strlen(text) + 4;
	char *doc = malloc(len);
	if (!doc)
		abort();
	snprintf(doc, len, "v: %s", text);
	struct ytree *t = ytree_load_buffer("fmt", doc, strlen(doc), &e);
	free(doc);
	if (!t)
		return NULL;
	struct dist *d = dist_parse(ynode_get(ytree_root(t), "v"), unit, &e);
	ytree_free(t);
	return d;
}

static void exercise(struct dist *d, enum dist_unit unit)
{
	double m = dist_mean(d), v = dist_var(d);
	(void)m;
	(void)v;
	gsl_rng_set(rng, 1);
	for (int i = 0; i < 64; i++) {
		uint64_t ns = dist_sample_ns(d, rng);
		if (ns > DIST_NS_MAX)
			abort();
	}
	dist_format(d, fmt1, FMT_SIZE);
	if (strlen(fmt1) >= FMT_SIZE - 1)
		return;   /* truncated: nothing to compare */
	struct dist *d2 = reparse(fmt1, unit);
	if (!d2) {
		fprintf(stderr, "canonical text does not parse back: %s\n", fmt1);
		abort();
	}
	dist_format(d2, fmt2, FMT_SIZE);
	if (strcmp(fmt1, fmt2)) {
		fprintf(stderr, "round trip changed the text:\n  %s\n  %s\n", fmt1,
			fmt2);
		abort();
	}
	dist_free(d2);
}

static void parse_node(struct ynode *n, enum dist_unit unit)
{
	struct err e;
	err_init(&e);
	struct dist *d = dist_parse(n, unit, &e);
	if (!d) {
		check_err(&e);
		return;
	}
	exercise(d, unit);
	dist_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!rng) {
		gsl_set_error_handler_off();
		rng = gsl_rng_alloc(gsl_rng_mt19937);
		fmt1 = malloc(FMT_SIZE);
		fmt2 = malloc(FMT_SIZE);
		if (!rng || !fmt1 || !fmt2)
			abort();
	}
	if (size > 1 << 16)
		return 0;
	char *text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = 0;
	for (int u = 0; u < 2; u++) {
		struct err e;
		err_init(&e);
		struct dist *d = dist_parse_text(text, (enum dist_unit)u, "fuzz", 1,
						 1, &e);
		if (d) {
			exercise(d, (enum dist_unit)u);
			dist_free(d);
		} else {
			check_err(&e);
		}
	}
	free(text);

	struct err e;
	err_init(&e);
	struct ytree *t = ytree_load_buffer("fuzz.yaml", (const char *)data, size,
					    &e);
	if (!t)
		return 0;
	struct ynode *root = ytree_root(t);
	for (int u = 0; u < 2; u++) {
		parse_node(root, (enum dist_unit)u);
		for (size_t i = 0; i < root->n; i++)
			parse_node(root->items[i], (enum dist_unit)u);
	}
	ytree_free(t);
	return 0;
}
