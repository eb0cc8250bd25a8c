/*
 * pvgpu shader tests — corpus loading (see corpus.h).
 */
#include "corpus.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Corpus files are small (the largest Mesa shader seen is 24 KB); anything
 * bigger than this is not a corpus file. */
#define CORPUS_MAX_FILE (4u << 20)

char *
corpus_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		return NULL;
	}
	char *buf = NULL;
	if (fseek(f, 0, SEEK_END) != 0) {
		goto out;
	}
	long size = ftell(f);
	if (size < 0 || (unsigned long)size > CORPUS_MAX_FILE || fseek(f, 0, SEEK_SET) != 0) {
		goto out;
	}
	buf = malloc((size_t)size + 1);
	if (!buf) {
		goto out;
	}
	if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[size] = '\0';
	if (len) {
		*len = (size_t)size;
	}
out:
	fclose(f);
	return buf;
}

static int
stage_of(const char *text)
{
	static const struct {
		const char *word;
		int stage;
	} words[] = {
		{"VERT", CORPUS_VS},       {"FRAG", CORPUS_FS},       {"GEOM", CORPUS_GS},
		{"TESS_CTRL", CORPUS_TCS}, {"TESS_EVAL", CORPUS_TES}, {"COMP", CORPUS_CS},
	};
	while (*text == ' ' || *text == '\n' || *text == '\r' || *text == '\t') {
		text++;
	}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t n = strlen(words[i].word);
		if (strncmp(text, words[i].word, n) == 0 &&
		    (text[n] == '\n' || text[n] == '\r' || text[n] == ' ' || text[n] == '\0')) {
			return words[i].stage;
		}
	}
	return -1;
}

static void
parse_header(struct corpus_file *f)
{
	f->text = f->data;
	while (f->text[0] == '#') {
		const char *nl = strchr(f->text, '\n');
		const char *src = strstr(f->text, "source=");
		if (src && (!nl || src < nl)) {
			src += strlen("source=");
			size_t n = strcspn(src, " \n");
			if (n >= sizeof(f->source)) {
				n = sizeof(f->source) - 1;
			}
			memcpy(f->source, src, n);
			f->source[n] = '\0';
		}
		f->text = nl ? nl + 1 : f->text + strlen(f->text);
	}
	f->len = strlen(f->text);
	f->stage = stage_of(f->text);
}

static int
cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct corpus_file *)a)->name, ((const struct corpus_file *)b)->name);
}

bool
corpus_load(struct corpus *c, const char *dir)
{
	memset(c, 0, sizeof(*c));
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "cannot open corpus directory %s\n", dir);
		return false;
	}
	size_t cap = 0;
	bool ok = true;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n < 6 || strcmp(e->d_name + n - 5, ".tgsi") != 0) {
			continue;
		}
		if (c->count == cap) {
			cap = cap ? 2 * cap : 64;
			struct corpus_file *nf = realloc(c->files, cap * sizeof(*nf));
			if (!nf) {
				ok = false;
				break;
			}
			c->files = nf;
		}
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		struct corpus_file *f = &c->files[c->count];
		memset(f, 0, sizeof(*f));
		f->data = corpus_read_file(path, NULL);
		f->name = strdup(e->d_name);
		if (!f->data || !f->name) {
			fprintf(stderr, "cannot read %s\n", path);
			free(f->data);
			free(f->name);
			ok = false;
			continue;
		}
		parse_header(f);
		c->count++;
	}
	closedir(d);
	if (c->count) {
		qsort(c->files, c->count, sizeof(*c->files), cmp_file);
	}
	return ok;
}

void
corpus_free(struct corpus *c)
{
	for (size_t i = 0; i < c->count; i++) {
		free(c->files[i].name);
		free(c->files[i].data);
	}
	free(c->files);
	memset(c, 0, sizeof(*c));
}

const struct corpus_file *
corpus_find(const struct corpus *c, const char *name)
{
	struct corpus_file key = {.name = (char *)name};
	return c->count ? bsearch(&key, c->files, c->count, sizeof(key), cmp_file) : NULL;
}

const char *
corpus_stage_ext(int stage)
{
	static const char *ext[] = {"vert", "frag", "geom", "tesc", "tese", "comp"};
	return stage >= 0 && stage < 6 ? ext[stage] : "unknown";
}

void
corpus_default_key(int stage, bool es, struct vr_shader_key *key)
{
	memset(key, 0, sizeof(*key));
	key->target = es ? VR_GLSL_ES_300 : VR_GLSL_330_CORE;
	if (stage == CORPUS_FS) {
		key->nr_cbufs = 1;
	}
}
