/* man.c - the man page's SYNOPSIS and SUBCOMMANDS from the help texts
 * (man.h).
 *
 * Each subcommand's help is taken as cli_print_help() prints it and
 * turned into roff line by line, by its layout (which cli.c fixes):
 *   "usage: bpfsim ..." and the lines indented under it   the usage;
 *   "  --opt ARG   what" / "  -o, --out DIR   what"       an option (.TP),
 *     its continuation lines indented further              its text;
 *   a blank line                                           a paragraph;
 *   other indented lines, or lines with a run of 3 spaces
 *     (a hand-aligned table)                               kept as laid out
 *                                                          (.nf ... .fi);
 *   anything else                                          running text.
 * Escapes: '\' as \e, '-' as \-, a leading '.' or '\'' behind \&.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/cli/cli.h"
#include "sim/cli/man.h"

/* Text escaped for roff, no newline. */
static void esc(FILE *f, const char *s, size_t n)
{
	if (n && (s[0] == '.' || s[0] == '\''))
		fputs("\\&", f);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\')
			fputs("\\e", f);
		else if (s[i] == '-')
			fputs("\\-", f);
		else
			fputc(s[i], f);
	}
}

static size_t indent(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] == ' ')
		i++;
	return i;
}

/* "  --x ..." or "  -x, --x ...": an option line (2 spaces, a dash). */
static int is_option(const char *s, size_t n)
{
	return n > 3 && indent(s, n) == 2 && s[2] == '-';
}

/* Where an option line's text starts (after its head and 2+ spaces); n
 * when it has none. */
static size_t option_text(const char *s, size_t n)
{
	for (size_t i = 2; i + 1 < n; i++)
		if (s[i] == ' ' && s[i + 1] == ' ') {
			size_t j = i;
			while (j < n && s[j] == ' ')
				j++;
			return j;
		}
	return n;
}

static int has_gap(const char *s, size_t n)
{
	for (size_t i = indent(s, n); i + 2 < n; i++)
		if (s[i] == ' ' && s[i + 1] == ' ' && s[i + 2] == ' ')
			return 1;
	return 0;
}

/* One subcommand's help as roff. */
static void subcommand(FILE *f, const struct cli_cmd *c, const char *help)
{
	enum { TEXT, OPTION, LITERAL } mode = TEXT;
	int usage = 1;
	fprintf(f, ".SS %s\n.nf\n", c->name);
	for (const char *l = help; *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		const char *next = nl ? nl + 1 : l + n;
		if (usage) {   /* the usage lines, up to the first blank one */
			if (n == 0) {
				fputs(".fi\n.PP\n", f);
				usage = 0;
			} else {
				esc(f, l, n);
				fputc('\n', f);
			}
			l = next;
			continue;
		}
		if (n == 0) {
			if (mode == LITERAL)
				fputs(".fi\n", f);
			fputs(".PP\n", f);
			mode = TEXT;
		} else if (!strncmp(l, "options:", n) && n == 8) {
			if (mode == LITERAL)
				fputs(".fi\n", f);
			fputs("Options:\n", f);
			mode = TEXT;
		} else if (is_option(l, n)) {
			if (mode == LITERAL)
				fputs(".fi\n", f);
			size_t t = option_text(l, n);
			size_t h = t;
			while (h > 2 && l[h - 1] == ' ')
				h--;
			fputs(".TP\n.B ", f);
			esc(f, l + 2, h - 2);
			fputc('\n', f);
			if (t < n) {
				esc(f, l + t, n - t);
				fputc('\n', f);
			}
			mode = OPTION;
		} else if (mode == OPTION && indent(l, n) > 2) {
			size_t i = indent(l, n);
			esc(f, l + i, n - i);
			fputc('\n', f);
		} else if (indent(l, n) > 0 || has_gap(l, n)) {
			if (mode != LITERAL)
				fputs(".nf\n", f);
			mode = LITERAL;
			esc(f, l, n);
			fputc('\n', f);
		} else {
			if (mode == LITERAL)
				fputs(".fi\n", f);
			if (mode == OPTION)
				fputs(".PP\n", f);
			mode = TEXT;
			esc(f, l, n);
			fputc('\n', f);
		}
		l = next;
	}
	if (usage || mode == LITERAL)
		fputs(".fi\n", f);
}

/* The usage lines of c (up to the first blank line) as .SY entries: a
 * line "bpfsim NAME ..." starts one, an indented one continues it. */
static void synopsis(FILE *f, const struct cli_cmd *c)
{
	const char *l = c->help;
	size_t name = strlen(c->name);
	int open = 0;
	if (!strncmp(l, "usage: ", 7))
		l += 7;
	while (*l && *l != '\n') {
		size_t n = strcspn(l, "\n");
		size_t i = indent(l, n);
		if (!strncmp(l + i, "bpfsim ", 7) || (!strncmp(l + i, "bpfsim", 6) &&
						       i + 6 == n)) {
			if (open)
				fputs(".YS\n", f);
			fputs(".SY bpfsim\n.B ", f);
			esc(f, c->name, name);
			fputc('\n', f);
			open = 1;
			i += 6;
			while (i < n && l[i] == ' ')
				i++;
			if (!strncmp(l + i, c->name, name))
				i += name;
			while (i < n && l[i] == ' ')
				i++;
		}
		if (i < n) {
			esc(f, l + i, n - i);
			fputc('\n', f);
		}
		l += n + (l[n] == '\n');
	}
	if (open)
		fputs(".YS\n", f);
}

int cli_print_man(FILE *f)
{
	fputs(".SH SYNOPSIS\n", f);
	for (size_t i = 0; cli_commands[i]; i++)
		synopsis(f, cli_commands[i]);
	fputs(".SY bpfsim\n.BR \\-\\-help \" | \" \\-h \" | \" \\-\\-version "
	      "\" | \" \\-V\n.YS\n", f);
	fputs(".SH SUBCOMMANDS\n"
	      "Each subcommand's text below is its\n.B \\-\\-help\n"
	      "(the same source); README.md has the details.\n", f);
	for (size_t i = 0; cli_commands[i]; i++) {
		char *text = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&text, &len);
		if (!m)
			return -1;
		cli_print_help(cli_commands[i], m);
		if (fclose(m)) {
			free(text);
			return -1;
		}
		subcommand(f, cli_commands[i], text);
		free(text);
	}
	return 0;
}
