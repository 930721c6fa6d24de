/* plot_scripts.c - the gnuplot scripts plots/NAME.gp, embedded in the binary.
 *
 * Why embed: `bpfsim plot` must work from an installed binary, and the output
 * folder gets a copy of each script it uses, so the text has to travel with
 * the program.  The assembler's .incbin includes each file verbatim (plus a
 * terminating NUL) at build time; paths are relative to the directory the
 * compiler runs in, the repository root (the Makefile's).  GNU as and clang's
 * integrated assembler both support it; ELF targets only (.type/.size).
 * The Makefile makes plot_scripts.o depend on the .gp files, since the
 * compiler's -MMD does not see .incbin.
 *
 * Adding a figure's script: one PLOT_SCRIPT(name) line and its extern in
 * plot_fig.h.
 */
#include "plots/plot_fig.h"

#define PLOT_SCRIPT(name)                                                   \
	__asm__(".pushsection .rodata\n"                                    \
		".global plot_gp_" #name "\n"                               \
		".type plot_gp_" #name ", @object\n"                        \
		"plot_gp_" #name ":\n"                                      \
		".incbin \"plots/" #name ".gp\"\n"                          \
		".byte 0\n"                                                 \
		".size plot_gp_" #name ", . - plot_gp_" #name "\n"          \
		".popsection\n")

PLOT_SCRIPT(timeline);
PLOT_SCRIPT(compare);
PLOT_SCRIPT(sweep);
PLOT_SCRIPT(validation);
PLOT_SCRIPT(phase);
PLOT_SCRIPT(portrait);
PLOT_SCRIPT(capacity);
PLOT_SCRIPT(calibration);
PLOT_SCRIPT(validate);
