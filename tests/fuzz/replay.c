/* replay.c - run a libFuzzer harness over saved inputs without libFuzzer.
 *
 * Linked with one harness (tests/fuzz/fuzz_NAME.c) and the sanitizer
 * library, it feeds every regular file of each folder (or file) named on
 * the command line to LLVMFuzzerTestOneInput, in name order, once each;
 * with no arguments, tests/fuzz/regress/NAME/ and tests/fuzz/seed/NAME/
 * (NAME compiled in as REPLAY_NAME).  `make check` builds one per harness
 * (build/asan/tests/fuzz/replay-NAME) and runs it with no arguments from
 * the repository root under ASan + UBSan: the crashes the fuzzers found
 * stay fixed, and the seeds keep reading, with gcc and without clang's
 * fuzzing runtime.  A finding aborts the process (sanitizer report or
 * the harness's own abort()); the last "replay:" line names the input.
 *
 * Pins: every saved input runs clean.  Does not: anything new (that is
 * `make fuzz`).  Exit 0 when all ran, 2 on an I/O error; a folder
 * that does not exist counts as empty (a harness may have no crashes yet).
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Read path whole; NULL (errno set) on failure. */
static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0, got;
	uint8_t *buf = malloc(cap);
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			uint8_t *b = realloc(buf, cap *= 2);
			if (!b) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = b;
		}
	}
	int bad = !buf || ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		errno = errno ? errno : EIO;
		return NULL;
	}
	*len = n;
	return buf;
}

static int run_file(const char *path)
{
	size_t len = 0;
	uint8_t *data = slurp(path, &len);
	if (!data) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	printf("replay: %s (%zu bytes)\n", path, len);
	fflush(stdout);
	/* A copy of exactly len bytes: ASan sees a read past the input. */
	uint8_t *copy = malloc(len ? len : 1);
	if (!copy) {
		free(data);
		return -1;
	}
	memcpy(copy, data, len);
	free(data);
	LLVMFuzzerTestOneInput(copy, len);
	free(copy);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of dir, sorted; *n files run. */
static int run_dir(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	char **names = NULL;
	size_t k = 0;
	int rc = 0;
	struct dirent *de;
	while (!rc && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char **g = realloc(names, (k + 1) * sizeof(*names));
		if (!g || !(g[k] = malloc(strlen(dir) + strlen(de->d_name) + 2))) {
			names = g ? g : names;
			rc = -1;
			break;
		}
		names = g;
		sprintf(names[k++], "%s/%s", dir, de->d_name);
	}
	closedir(d);
	if (k)
		qsort(names, k, sizeof(*names), by_name);
	for (size_t i = 0; i < k; i++) {
		struct stat st;
		if (!rc && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
			rc = run_file(names[i]);
			++*n;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

#ifndef REPLAY_NAME
#error "build with -DREPLAY_NAME='\"NAME\"' (the harness's name)"
#endif

int main(int argc, char **argv)
{
	char *defaults[] = { "tests/fuzz/regress/" REPLAY_NAME,
			     "tests/fuzz/seed/" REPLAY_NAME };
	char **args = argc > 1 ? argv + 1 : defaults;
	int nargs = argc > 1 ? argc - 1 : 2;
	size_t n = 0;
	for (int i = 0; i < nargs; i++) {
		struct stat st;
		int rc = stat(args[i], &st) == 0 && S_ISREG(st.st_mode)
			? (n++, run_file(args[i])) : run_dir(args[i], &n);
		if (rc) {
			fprintf(stderr, "replay: %s: %s\n", args[i], strerror(errno));
			return 2;
		}
	}
	printf("replay %s: %zu inputs ran clean\n", REPLAY_NAME, n);
	return 0;
}
