/* out.c - temp-file-and-rename output, exact number formatting. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/out.h"

int out_mkdir_p(const char *dir, struct err *e)
{
	char buf[4096];
	if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
		return err_set(e, ERR_RUNTIME, dir, 0, 0, "path too long");
	for (char *p = buf + 1; ; p++) {
		if (*p == '/' || *p == 0) {
			char c = *p;
			*p = 0;
			if (mkdir(buf, 0755) && errno != EEXIST)
				return err_set(e, ERR_RUNTIME, buf, 0, 0,
					       "cannot create directory: %s",
					       strerror(errno));
			*p = c;
			if (!c)
				break;
		}
	}
	struct stat st;
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return err_set(e, ERR_RUNTIME, dir, 0, 0, "not a directory");
	return 0;
}

int out_open(struct out_file *o, const char *dir, const char *name,
	     struct err *e)
{
	memset(o, 0, sizeof(*o));
	if (snprintf(o->path, sizeof(o->path), "%s/%s", dir, name) >=
		    (int)sizeof(o->path) ||
	    snprintf(o->tmp, sizeof(o->tmp), "%s/.%s.tmp.%ld", dir, name,
		     (long)getpid()) >= (int)sizeof(o->tmp))
		return err_set(e, ERR_RUNTIME, dir, 0, 0, "path too long");
	o->f = fopen(o->tmp, "w");
	if (!o->f)
		return err_set(e, ERR_RUNTIME, o->tmp, 0, 0, "cannot write: %s",
			       strerror(errno));
	return 0;
}

int out_commit(struct out_file *o, struct err *e)
{
	/* On disk before the rename: after a power cut a file is whole or
	 * absent too, and summary.json (renamed last) is not there unless
	 * the files before it are. */
	int bad = ferror(o->f) | fflush(o->f);
	bad |= fdatasync(fileno(o->f)) && errno != EINVAL;
	bad |= fclose(o->f);
	o->f = NULL;
	if (bad) {
		err_set(e, ERR_RUNTIME, o->path, 0, 0, "write failed: %s",
			strerror(errno));
		unlink(o->tmp);
		return ERR_RUNTIME;
	}
	if (rename(o->tmp, o->path)) {
		err_set(e, ERR_RUNTIME, o->path, 0, 0, "cannot rename %s: %s",
			o->tmp, strerror(errno));
		unlink(o->tmp);
		return ERR_RUNTIME;
	}
	return 0;
}

void out_abort(struct out_file *o)
{
	if (o->f) {
		fclose(o->f);
		o->f = NULL;
		unlink(o->tmp);
	}
}

void out_num(FILE *f, double v, const char *nonfinite)
{
	if (isfinite(v))
		fprintf(f, "%.17g", v);
	else
		fputs(nonfinite, f);
}

void out_csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void out_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void out_csv_nums(FILE *f, const double *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fputc(',', f);
		out_num(f, v[i], "nan");
	}
}
