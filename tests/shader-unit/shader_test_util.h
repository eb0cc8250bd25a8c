/*
 * pvgpu tests — small helpers shared by the renderer/shader tests.
 */
#ifndef SHADER_TEST_UTIL_H
#define SHADER_TEST_UTIL_H

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Reads a whole file; NULL on error. Caller frees. */
static inline char *
st_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[n] = '\0';
		*len = (size_t)n;
	}
	return buf;
}

static int
st_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted list of `*.tgsi` names in dir (at most max); returns the count. */
static inline int
st_list_corpus(const char *dir, char **names, int max)
{
	DIR *d = opendir(dir);
	int n = 0;
	if (!d) {
		return 0;
	}
	struct dirent *e;
	while ((e = readdir(d)) && n < max) {
		size_t l = strlen(e->d_name);
		if (l > 5 && !strcmp(e->d_name + l - 5, ".tgsi")) {
			names[n++] = strdup(e->d_name);
		}
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(*names), st_cmp);
	return n;
}

static inline bool
st_have_glslang(void)
{
	return system("glslangValidator --version >/dev/null 2>&1") == 0;
}

/* Writes the GLSL to a temp file with the stage's extension and validates it. */
static inline bool
st_validate(const char *glsl, size_t len, const char *ext, const char *name)
{
	char dir[] = "/tmp/pvgpu-shader-XXXXXX";
	if (!mkdtemp(dir)) {
		return false;
	}
	char path[256], cmd[600];
	snprintf(path, sizeof(path), "%s/s.%s", dir, ext);
	FILE *f = fopen(path, "wb");
	bool ok = f && fwrite(glsl, 1, len, f) == len;
	if (f) {
		fclose(f);
	}
	snprintf(cmd, sizeof(cmd), "glslangValidator %s > %s/log 2>&1", path, dir);
	int rc = ok ? system(cmd) : -1;
	ok = ok && rc == 0;
	if (!ok) {
		fprintf(stderr, "glslangValidator rejected %s:\n", name);
		snprintf(cmd, sizeof(cmd), "cat %s/log >&2; cat -n %s >&2", dir, path);
		if (system(cmd) != 0) {
			fprintf(stderr, "(could not print log)\n");
		}
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "could not remove %s\n", dir);
	}
	return ok;
}

#endif /* SHADER_TEST_UTIL_H */
