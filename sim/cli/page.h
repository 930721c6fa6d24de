/* page.h - one document written as HTML and as Markdown at once.
 *
 * `bpfsim report` writes the same content twice: report.html, one
 * self-contained page (figures inside it as base64 data URIs, the style
 * inline: it can be mailed or attached as it is), and report.md, for a
 * repository or a wiki (figures linked by their file names next to it).
 * A struct page carries both files; every call writes its element into
 * each, escaped for each (HTML: & < > " as entities; Markdown: | and
 * leading markup characters backslash-escaped).
 *
 * The HTML is also well-formed XML (void elements self-closed, no named
 * entities but the XML five, every element closed), so an XML parser
 * (xmllint --noout) checks it as strictly as an HTML one.
 *
 * Ownership: the FILEs are the caller's (opened with out_open, committed
 * or aborted by it); nothing here allocates but page_figure's buffer,
 * freed before it returns.  Write errors show up in ferror() of the
 * FILEs, which out_commit checks.
 */
#ifndef BPFSIM_PAGE_H
#define BPFSIM_PAGE_H

#include <stdio.h>

#include "sim/err.h"

struct page {
	FILE *html, *md;
};

/* The document's head (title, style) and first heading; page_end its
 * tail. */
void page_begin(struct page *p, const char *title);
void page_end(struct page *p);
/* A section heading (level 2 or 3). */
void page_heading(struct page *p, int level, const char *text);
/* A paragraph of plain text (escaped). */
void page_para(struct page *p, const char *text);
/* A list of "label: value" items (NULL label: the value alone). */
void page_item(struct page *p, const char *label, const char *value);
void page_items_begin(struct page *p);
void page_items_end(struct page *p);
/* Preformatted text (a file), folded away in HTML under `summary`. */
void page_pre(struct page *p, const char *summary, const char *text);
/* A table: page_table_begin with the header cells, page_row per row
 * (ncols cells; cell 0 may carry a tooltip `title` in HTML, NULL for
 * none), page_table_end.  Columns after the first are right-aligned. */
void page_table_begin(struct page *p, const char *const *head, size_t ncols);
void page_row(struct page *p, const char *const *cells, size_t ncols,
	      const char *title);
void page_table_end(struct page *p);
/* The figure DIR/NAME (PNG or SVG) with a caption: embedded in the HTML
 * as a base64 data URI, linked by name in Markdown.  0, or -1 with e set
 * when the file cannot be read (ERR_RUNTIME) or is larger than
 * PAGE_MAX_FIGURE bytes (ERR_INPUT). */
#define PAGE_MAX_FIGURE (64u << 20)
int page_figure(struct page *p, const char *dir, const char *name,
		const char *caption, struct err *e);

/* Standard base64 (RFC 4648, with padding) of buf[0..n) onto f. */
void page_base64(FILE *f, const unsigned char *buf, size_t n);

#endif
