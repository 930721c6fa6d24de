/* commands.c - the subcommands, in the order `bpfsim --help` lists them.
 * Adding one: its file sim/cli/cmd_NAME.c defining
 * `const struct cli_cmd cli_cmd_NAME`, and one line here. */
#include <stddef.h>

#include "sim/cli/cli.h"

#define COMMANDS(X) X(run) X(compare) X(sweep) X(phase) X(capacity) \
	X(merge) X(diff) X(report) X(plot) X(calibrate) X(validate) X(models) X(help) X(version)

#define DECLARE(n) extern const struct cli_cmd cli_cmd_##n;
COMMANDS(DECLARE)
#define ENTRY(n) &cli_cmd_##n,
const struct cli_cmd *const cli_commands[] = { COMMANDS(ENTRY) NULL };
