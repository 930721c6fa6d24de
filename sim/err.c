/* err.c - first-error-wins positioned messages. */
#include <stdio.h>
#include <string.h>
#include "sim/err.h"

void err_init(struct err *e)
{
	memset(e, 0, sizeof(*e));
}

int err_vset(struct err *e, int status, const char *file, int line, int col,
	     const char *fmt, va_list ap)
{
	if (!e)
		return status;
	if (e->status != ERR_OK)
		return e->status;   /* keep the root cause */
	e->status = status ? status : ERR_RUNTIME;
	snprintf(e->file, sizeof(e->file), "%s", file ? file : "");
	e->line = line;
	e->col = col;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	return e->status;
}

int err_set(struct err *e, int status, const char *file, int line, int col,
	    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = err_vset(e, status, file, line, col, fmt, ap);
	va_end(ap);
	return r;
}

void err_format(const struct err *e, char *buf, unsigned long size)
{
	if (e->file[0] && e->line > 0 && e->col > 0)
		snprintf(buf, size, "%s:%d:%d: %s", e->file, e->line, e->col,
			 e->msg);
	else if (e->file[0] && e->line > 0)
		snprintf(buf, size, "%s:%d: %s", e->file, e->line, e->msg);
	else if (e->file[0])
		snprintf(buf, size, "%s: %s", e->file, e->msg);
	else
		snprintf(buf, size, "bpfsim: %s", e->msg);
}

void err_print(const struct err *e)
{
	char buf[1024];
	err_format(e, buf, sizeof(buf));
	fprintf(stderr, "%s\n", buf);
}
