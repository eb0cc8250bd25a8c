/*
 * pvgpu shader tests — loading the TGSI corpus (tests/shader/corpus*) and the
 * translator calls every corpus test makes the same way.
 *
 * A corpus file is the TGSI text exactly as Mesa sent it, preceded by one
 * comment line written by the capture tool:
 *   # stage=FRAGMENT num_tokens=72 source=glmark2 [caps=...]
 * That line is not TGSI and is stripped before translation. Single-threaded.
 */
#ifndef SHADER_CORPUS_H
#define SHADER_CORPUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vr_shader.h"

/* virgl shader stage numbers, as the wire uses them */
enum {
	CORPUS_VS = 0,
	CORPUS_FS = 1,
	CORPUS_GS = 2,
	CORPUS_TCS = 3,
	CORPUS_TES = 4,
	CORPUS_CS = 5,
};

struct corpus_file {
	char *name;       /* file name, e.g. "f6511895d3cf.frag.tgsi" (owned) */
	char *data;       /* whole file, NUL-terminated (owned) */
	const char *text; /* the TGSI text inside data (header line skipped) */
	size_t len;       /* strlen(text) */
	int stage;        /* CORPUS_*, from the processor header; -1 if unknown */
	char source[64];  /* source= tag of the header line, "" if none */
};

struct corpus {
	struct corpus_file *files; /* sorted by name (owned) */
	size_t count;
};

/** Loads every *.tgsi file of `dir` (not recursive). False with a message on stderr. */
bool corpus_load(struct corpus *c, const char *dir);
/** Frees what corpus_load() allocated. Accepts a zeroed struct. */
void corpus_free(struct corpus *c);
/** The file called `name`, or NULL. */
const struct corpus_file *corpus_find(const struct corpus *c, const char *name);

/** GLSL stage extension used by glslangValidator: "vert", "frag", "geom", ... */
const char *corpus_stage_ext(int stage);

/**
 * The key the corpus tests translate with: GLSL 3.30 core (or ES 3.00), for
 * fragment shaders one colour buffer; no alpha test, no next-stage qualifiers.
 */
void corpus_default_key(int stage, bool es, struct vr_shader_key *key);

/** Reads a whole file into a NUL-terminated buffer (caller frees); NULL on error. */
char *corpus_read_file(const char *path, size_t *len);

#endif /* SHADER_CORPUS_H */
