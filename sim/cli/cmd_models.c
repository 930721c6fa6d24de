/* cmd_models.c - `bpfsim models [NAME]`: every model's parameters,
 * strategies and metrics, from the models' own tables. */
#include <stdio.h>
#include <string.h>

#include "models/registry.h"
#include "sim/cli/cli.h"
#include "sim/model.h"

static int cmd_models(int argc, char **argv);

const struct cli_cmd cli_cmd_models = {
	"models", cmd_models, "list models, their parameters and metrics",
	"usage: bpfsim models [NAME]\n\n"
	"Lists every model with its scenario keys (type, default, meaning),\n"
	"each strategy's own keys, and the metrics it reports (name, unit,\n"
	"meaning).  With NAME, only that model.\n",
	NULL, 0, CLI_ARGS_OWN, NULL,
};

static void print_params(const struct model_param *p)
{
	for (; p->key; p++)
		printf("    %-28s %-16s %-14s %s\n", p->key, p->type,
		       p->def ? p->def : "(required)", p->help);
}

static void print_model(const struct model *m)
{
	printf("%s - %s\n", m->name, m->summary);
	if (m->strategy_key) {
		printf("  strategies (key %s):", m->strategy_key);
		for (size_t i = 0; m->strategies[i]; i++)
			printf(" %s", m->strategies[i]);
		putchar('\n');
	}
	printf("  parameters:\n");
	print_params(m->params);
	/* Each strategy's own keys, from its table. */
	struct model_strategy st;
	for (size_t i = 0; m->strategy_key && m->strategies[i]; i++)
		if (m->strategy_doc && m->strategy_doc(i, &st) == 0) {
			printf("  parameters of %s: %s - %s:\n", m->strategy_key,
			       st.name, st.summary);
			print_params(st.params);
		}
	printf("  metrics:\n");
	for (const struct model_metric *mm = m->metrics; mm->name; mm++)
		printf("    %-28s %-10s %s\n", mm->name, mm->unit, mm->help);
}

static int cmd_models(int argc, char **argv)
{
	if (argc > 1 && cli_is_help(argv[1])) {
		cli_print_help(&cli_cmd_models, stdout);
		return 0;
	}
	if (argc > 2) {
		fprintf(stderr, "bpfsim models: expected at most one model name\n");
		return 2;
	}
	int shown = 0;
	for (size_t i = 0; model_registry[i]; i++) {
		if (argc == 2 && strcmp(argv[1], model_registry[i]->name))
			continue;
		if (shown++)
			putchar('\n');
		print_model(model_registry[i]);
	}
	if (!shown) {
		fprintf(stderr, "bpfsim models: unknown model '%s'\n", argv[1]);
		return 2;
	}
	printf("\nCommon scenario keys: model, name, "
	       "description, include,\nseed (1), replications (20), duration (0 = "
	       "until the model ends), caps {max_events,\nmax_live_tasks, max_wall}, "
	       "compare [strategies], window (1ms), warmup (none),\nregime {...}, "
	       "sweep {...}, precision {...}, capacity {...}, phase {x, y}.\n");
	return 0;
}
