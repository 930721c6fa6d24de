/* man.h - the man page's generated sections, from the same tables as
 * --help.
 *
 * docs/bpfsim.1 is docs/bpfsim.1.in (the hand-written sections: NAME,
 * DESCRIPTION, SCENARIO FORMAT, FILES, EXIT STATUS, EXAMPLES, ...) with
 * its two markers replaced by what cli_print_man() writes (scripts/man.sh
 * splices them; `make man` runs it, `make install` installs the result):
 *   .SH SYNOPSIS     one .SY line per subcommand, from its usage line;
 *   .SH SUBCOMMANDS  per subcommand, its whole `--help` text (usage,
 *                    description, options from the option table, epilogue)
 *                    turned into roff: options as .TP items.
 * So the man page cannot disagree with --help about a subcommand or an
 * option; tests/cli/docs.sh checks that docs/bpfsim.1 is up to date and
 * that README's option tables list the same options.
 */
#ifndef BPFSIM_CLI_MAN_H
#define BPFSIM_CLI_MAN_H

#include <stdio.h>

/* Write ".SH SYNOPSIS ..." then ".SH SUBCOMMANDS ..." (roff, man macros)
 * for every subcommand of cli_commands.  0, or -1 when out of memory. */
int cli_print_man(FILE *f);

#endif
