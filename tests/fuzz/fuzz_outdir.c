/* fuzz_outdir.c - libFuzzer harness: an output folder's JSON files as
 * bpfsim reads them back (sim/outdir.h: outdir_json_load, that is
 * ytree_load_json, and the outdir_json_* lookups).
 *
 * Each input is written as summary.json into a private folder and read
 * once: summary.json, capacity.json and shard.json go through the same
 * reader, so one name stands for the three (seeds of each kind are in
 * tests/fuzz/seed/outdir/).  A file that loads is then looked up the way
 * its readers look:
 *   - merge (drive_shard_command): shard.json's "command";
 *   - plot (plot_ctx_load, fig_portrait): "axes" decides sweep or run,
 *     a strategy's entry by name and its "regime";
 *   - fig_capacity: the header strings and every "terms" element's
 *     column, metric, op and value;
 * plus every key of every mapping in the file as a string, as a number
 * and as a strategies array (the lookups must answer NULL / NAN, never
 * misread, whatever node they meet).
 * The oracle is the sanitizers plus the reader's contract: 1 with a tree
 * whose root is a mapping, or -1 with ERR_INPUT or ERR_RUNTIME and a
 * message.
 *
 * Deliberately not covered: the figure data written from these values
 * (plots/ is not in the fuzz library: it runs gnuplot; tests/test_outdir.c
 * and tests/test_plot.c pin it on real folders).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/outdir.h"
#include "sim/ytree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], path[128];
static volatile double sink;       /* keeps the lookups from being elided */

static void cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

static void setup(void)
{
	if (dir[0])
		return;
	snprintf(dir, sizeof(dir), "/tmp/bpfsim-fuzzout-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/" OUTDIR_SUMMARY_JSON, dir);
	atexit(cleanup);
}

static void use_str(const char *s)
{
	if (s)
		sink += (double)strlen(s);
}

static void use_num(double v)
{
	if (!isnan(v))
		sink += v;
}

/* Every lookup on every mapping, recursively. */
static void walk(const struct ynode *n, int depth)
{
	if (!n || depth > 200)
		return;
	if (n->kind == YN_MAP) {
		for (size_t i = 0; i < n->n; i++) {
			const char *k = n->keys[i]->value;
			use_str(outdir_json_str(n, k));
			use_num(outdir_json_num(n, k));
		}
		use_str(outdir_json_str(outdir_json_strategy(n, "value"),
					OUTDIR_KEY_REGIME));
	}
	if (n->kind == YN_MAP || n->kind == YN_SEQ)
		for (size_t i = 0; i < n->n; i++)
			walk(n->items[i], depth + 1);
}

/* The lookups of merge, plot and fig_capacity. */
static void readers(const struct ynode *root)
{
	static const char *const keys[] = {
		OUTDIR_KEY_BPFSIM, OUTDIR_KEY_SCENARIO, OUTDIR_KEY_MODEL,
		OUTDIR_KEY_SEED, OUTDIR_KEY_REPLICATIONS, OUTDIR_KEY_CONFIDENCE,
		OUTDIR_KEY_COMPLETE, OUTDIR_KEY_PARAM, OUTDIR_KEY_TEMPLATE,
		OUTDIR_KEY_RANGE, OUTDIR_KEY_OBJECTIVE, "command", NULL,
	};
	for (size_t i = 0; keys[i]; i++) {
		use_str(outdir_json_str(root, keys[i]));
		use_num(outdir_json_num(root, keys[i]));
	}
	sink += ynode_peek(root, OUTDIR_KEY_AXES) ? 1 : 0;
	static const char *const strategies[] = { "hash", "task_storage",
						  "value", "", NULL };
	for (size_t i = 0; strategies[i]; i++) {
		const struct ynode *s = outdir_json_strategy(root, strategies[i]);
		use_str(outdir_json_str(s, OUTDIR_KEY_REGIME));
		use_num(outdir_json_num(s, OUTDIR_KEY_WARMUP_CUT));
	}
	const struct ynode *terms = ynode_peek(root, OUTDIR_KEY_TERMS);
	for (size_t i = 0; terms && terms->kind == YN_SEQ && i < terms->n; i++) {
		const struct ynode *it = terms->items[i];
		use_str(outdir_json_str(it, OUTDIR_KEY_COLUMN));
		use_str(outdir_json_str(it, OUTDIR_KEY_METRIC));
		use_str(outdir_json_str(it, OUTDIR_KEY_OP));
		use_str(outdir_json_str(it, OUTDIR_KEY_REGIME));
		use_num(outdir_json_num(it, OUTDIR_KEY_VALUE));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup();
	FILE *f = fopen(path, "wb");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	struct err e;
	err_init(&e);
	struct ytree *t = NULL;
	int rc = outdir_json_load(dir, OUTDIR_SUMMARY_JSON, &t, &e);
	if (rc < 0) {
		if (t || (e.status != ERR_INPUT && e.status != ERR_RUNTIME) ||
		    !e.msg[0])
			abort();
		return 0;
	}
	if (rc != 1 || !t || !ytree_root(t) || ytree_root(t)->kind != YN_MAP)
		abort();
	readers(ytree_root(t));
	walk(ytree_root(t), 0);
	ytree_free(t);
	return 0;
}
