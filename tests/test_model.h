/* test_model.h - a model configuration from YAML text, for the cmocka
 * tests that build a model's run by hand.
 *
 * test_cfg_open() parses yaml, configures model m from it and checks for
 * unknown keys; any error fails the test with the message and the text.
 * mt is the configuration's metric table (metrics_for, else the model's).
 * test_cfg_close() frees both.
 */
#ifndef BPFSIM_TEST_MODEL_H
#define BPFSIM_TEST_MODEL_H

#include "test_util.h"
#include "sim/err.h"
#include "sim/model.h"
#include "sim/ytree.h"

struct test_cfg {
	const struct model *m;
	struct ytree *t;
	void *cfg;
	const struct model_metric *mt;   /* the run's metric table */
};

static inline void test_cfg_open(const struct model *m, struct test_cfg *h,
				 const char *yaml)
{
	struct err e;
	char msg[1024];
	err_init(&e);
	h->m = m;
	h->t = ytree_load_buffer("test.yaml", yaml, strlen(yaml), &e);
	h->cfg = h->t && !e.status ? m->configure(ytree_root(h->t), &e) : NULL;
	if (!h->cfg || ytree_check_unknown(h->t, &e)) {
		err_format(&e, msg, sizeof(msg));
		fail_msg("config: %s\n%s", msg, yaml);
	}
	h->mt = m->metrics_for ? m->metrics_for(h->cfg) : NULL;
	if (!h->mt)
		h->mt = m->metrics;
}

static inline void test_cfg_close(struct test_cfg *h)
{
	h->m->config_free(h->cfg);
	ytree_free(h->t);
}

#endif
