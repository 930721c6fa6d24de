/* page.c - HTML and Markdown written side by side (page.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/cli/page.h"

static void html_text(FILE *f, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
}

/* Markdown inline text: characters that would start markup are escaped;
 * a line break becomes a space (a table cell is one line). */
static void md_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\`*_[]<>|#", *s))
			fputc('\\', f);
		fputc(*s == '\n' ? ' ' : *s, f);
	}
}

void page_begin(struct page *p, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\"/>\n"
	      "<meta name=\"viewport\" content=\"width=device-width, "
	      "initial-scale=1\"/>\n<title>", p->html);
	html_text(p->html, title);
	fputs("</title>\n<style>\n"
	      "body { font-family: sans-serif; max-width: 72em; margin: 2em auto;"
	      " padding: 0 1em; color: #222; }\n"
	      "table { border-collapse: collapse; margin: 1em 0; }\n"
	      "th, td { padding: 0.2em 0.7em; border-bottom: 1px solid #ddd; }\n"
	      "th { text-align: left; background: #f4f4f4; }\n"
	      "td.n { text-align: right; font-variant-numeric: tabular-nums;"
	      " white-space: nowrap; }\n"
	      "figure { margin: 1.5em 0; }\n"
	      "figure img { max-width: 100%; border: 1px solid #eee; }\n"
	      "figcaption { color: #555; font-size: 0.9em; }\n"
	      "pre { background: #f8f8f8; padding: 0.8em; overflow-x: auto; }\n"
	      "</style>\n</head>\n<body>\n<h1>", p->html);
	html_text(p->html, title);
	fputs("</h1>\n", p->html);
	fputs("# ", p->md);
	md_text(p->md, title);
	fputs("\n", p->md);
}

void page_end(struct page *p)
{
	fputs("</body>\n</html>\n", p->html);
}

void page_heading(struct page *p, int level, const char *text)
{
	fprintf(p->html, "<h%d>", level);
	html_text(p->html, text);
	fprintf(p->html, "</h%d>\n", level);
	fprintf(p->md, "\n%s ", level <= 2 ? "##" : "###");
	md_text(p->md, text);
	fputc('\n', p->md);
}

void page_para(struct page *p, const char *text)
{
	fputs("<p>", p->html);
	html_text(p->html, text);
	fputs("</p>\n", p->html);
	fputc('\n', p->md);
	md_text(p->md, text);
	fputc('\n', p->md);
}

void page_items_begin(struct page *p)
{
	fputs("<ul>\n", p->html);
	fputc('\n', p->md);
}

void page_items_end(struct page *p)
{
	fputs("</ul>\n", p->html);
}

void page_item(struct page *p, const char *label, const char *value)
{
	fputs("<li>", p->html);
	fputs("- ", p->md);
	if (label) {
		fputs("<b>", p->html);
		html_text(p->html, label);
		fputs(":</b> ", p->html);
		fputs("**", p->md);
		md_text(p->md, label);
		fputs(":** ", p->md);
	}
	html_text(p->html, value);
	fputs("</li>\n", p->html);
	md_text(p->md, value);
	fputc('\n', p->md);
}

void page_pre(struct page *p, const char *summary, const char *text)
{
	fputs("<details><summary>", p->html);
	html_text(p->html, summary);
	fputs("</summary>\n<pre>", p->html);
	html_text(p->html, text);
	fputs("</pre></details>\n", p->html);
	fputc('\n', p->md);
	md_text(p->md, summary);
	/* A fence longer than any run of backticks is not needed: the text
	 * is YAML, which bpfsim writes without backtick runs; ~~~ fences. */
	fputs(":\n\n~~~yaml\n", p->md);
	fputs(text, p->md);
	if (text[0] && text[strlen(text) - 1] != '\n')
		fputc('\n', p->md);
	fputs("~~~\n", p->md);
}

void page_table_begin(struct page *p, const char *const *head, size_t ncols)
{
	fputs("<table>\n<thead><tr>", p->html);
	fputs("\n|", p->md);
	for (size_t c = 0; c < ncols; c++) {
		fputs("<th>", p->html);
		html_text(p->html, head[c]);
		fputs("</th>", p->html);
		fputc(' ', p->md);
		md_text(p->md, head[c]);
		fputs(" |", p->md);
	}
	fputs("</tr></thead>\n<tbody>\n", p->html);
	fputs("\n|", p->md);
	for (size_t c = 0; c < ncols; c++)
		fputs(c ? " ---: |" : " --- |", p->md);
	fputc('\n', p->md);
}

void page_row(struct page *p, const char *const *cells, size_t ncols,
	      const char *title)
{
	fputs("<tr>", p->html);
	fputc('|', p->md);
	for (size_t c = 0; c < ncols; c++) {
		if (c == 0 && title) {
			fputs("<td title=\"", p->html);
			html_text(p->html, title);
			fputs("\">", p->html);
		} else {
			fputs(c ? "<td class=\"n\">" : "<td>", p->html);
		}
		html_text(p->html, cells[c]);
		fputs("</td>", p->html);
		fputc(' ', p->md);
		md_text(p->md, cells[c]);
		fputs(" |", p->md);
	}
	fputs("</tr>\n", p->html);
	fputc('\n', p->md);
}

void page_table_end(struct page *p)
{
	fputs("</tbody>\n</table>\n", p->html);
}

void page_base64(FILE *f, const unsigned char *b, size_t n)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i = 0;
	for (; i + 3 <= n; i += 3) {
		unsigned v = (unsigned)b[i] << 16 | (unsigned)b[i + 1] << 8 | b[i + 2];
		fputc(tab[v >> 18], f);
		fputc(tab[(v >> 12) & 63], f);
		fputc(tab[(v >> 6) & 63], f);
		fputc(tab[v & 63], f);
	}
	if (n - i == 1) {
		unsigned v = (unsigned)b[i] << 16;
		fputc(tab[v >> 18], f);
		fputc(tab[(v >> 12) & 63], f);
		fputs("==", f);
	} else if (n - i == 2) {
		unsigned v = (unsigned)b[i] << 16 | (unsigned)b[i + 1] << 8;
		fputc(tab[v >> 18], f);
		fputc(tab[(v >> 12) & 63], f);
		fputc(tab[(v >> 6) & 63], f);
		fputc('=', f);
	}
}

int page_figure(struct page *p, const char *dir, const char *name,
		const char *caption, struct err *e)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	struct stat st;
	if (!f || fstat(fileno(f), &st)) {
		int saved = errno;
		if (f)
			fclose(f);
		err_set(e, ERR_RUNTIME, path, 0, 0, "cannot read: %s",
			strerror(saved));
		return -1;
	}
	if ((unsigned long long)st.st_size > PAGE_MAX_FIGURE) {
		fclose(f);
		err_set(e, ERR_INPUT, path, 0, 0, "a figure of %lld bytes (at most "
			"%u are embedded)", (long long)st.st_size, PAGE_MAX_FIGURE);
		return -1;
	}
	size_t n = (size_t)st.st_size;
	unsigned char *buf = malloc(n ? n : 1);
	if (!buf || fread(buf, 1, n, f) != n) {
		const char *why = buf ? strerror(errno ? errno : EIO)
				      : "out of memory";
		err_set(e, ERR_RUNTIME, path, 0, 0, "cannot read: %s", why);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	size_t len = strlen(name);
	int svg = len > 4 && !strcmp(name + len - 4, ".svg");
	fprintf(p->html, "<figure id=\"fig-");
	html_text(p->html, name);
	fprintf(p->html, "\"><img alt=\"");
	html_text(p->html, name);
	fprintf(p->html, "\" src=\"data:image/%s;base64,", svg ? "svg+xml" : "png");
	page_base64(p->html, buf, n);
	fputs("\"/><figcaption>", p->html);
	html_text(p->html, name);
	fputs(": ", p->html);
	html_text(p->html, caption);
	fputs("</figcaption></figure>\n", p->html);
	free(buf);
	/* Markdown: the file next to report.md, by name (URL-safe: bpfsim's
	 * figure names are [a-z0-9._-]; others are angle-bracketed). */
	fputs("\n![", p->md);
	md_text(p->md, caption);
	fputs("](<", p->md);
	fputs(name, p->md);
	fputs(">)\n", p->md);
	return 0;
}
