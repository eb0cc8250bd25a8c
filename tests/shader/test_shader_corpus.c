/*
 * pvgpu shader tests — every corpus shader translates, and the GLSL validates
 * with glslangValidator (Debian glslang-tools) when it is installed.
 *
 * Usage: test_shader_corpus [--es] DIR
 *   One line per failing file (translation error, or the validator's output);
 *   a summary at the end. Without glslangValidator the validation part prints
 *   SKIP and only translation is checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "corpus.h"
#include "vgp_test.h"

static bool
have_validator(void)
{
	return system("glslangValidator --version >/dev/null 2>&1") == 0;
}

/* Runs glslangValidator on `glsl`; true if it accepts it, else `out` holds its output. */
static bool
validate(const char *glsl, int stage, char *out, size_t out_size)
{
	char path[64];
	snprintf(path, sizeof(path), "/tmp/pvgpu-sht-XXXXXX.%s", corpus_stage_ext(stage));
	int fd = mkstemps(path, (int)strlen(corpus_stage_ext(stage)) + 1);
	out[0] = '\0';
	if (fd < 0) {
		snprintf(out, out_size, "cannot create a temporary file");
		return false;
	}
	size_t len = strlen(glsl);
	bool wrote = write(fd, glsl, len) == (ssize_t)len;
	close(fd);
	bool ok = false;
	if (wrote) {
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "glslangValidator %s 2>&1", path);
		FILE *p = popen(cmd, "r");
		if (p) {
			size_t n = fread(out, 1, out_size - 1, p);
			out[n] = '\0';
			int st = pclose(p);
			ok = st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
		}
	}
	unlink(path);
	return ok;
}

/* Errors the translator gives for features GLSL ES 3.00 lacks. */
static bool
es_unavailable(const char *error)
{
	return strstr(error, "GLSL ES 3.1") || strstr(error, "GLSL ES 3.2") ||
	       strstr(error, "not available in GLSL ES");
}

int
main(int argc, char **argv)
{
	bool es = false;
	const char *dir = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--es") == 0) {
			es = true;
		} else {
			dir = argv[i];
		}
	}
	if (!dir) {
		fprintf(stderr, "usage: %s [--es] CORPUS_DIR\n", argv[0]);
		return 2;
	}
	struct corpus c;
	CHECK(corpus_load(&c, dir), "loading %s", dir);
	CHECK(c.count > 0, "no .tgsi files in %s", dir);
	bool validator = have_validator();
	if (!validator) {
		printf("SKIP (validation part): glslangValidator not installed "
		       "(Debian glslang-tools); checking translation only\n");
	}
	static char out[16384];
	unsigned translated = 0, validated = 0, refused = 0;
	for (size_t i = 0; i < c.count; i++) {
		const struct corpus_file *f = &c.files[i];
		struct vr_shader_key key;
		corpus_default_key(f->stage, es, &key);
		struct vr_shader_result res;
		memset(&res, 0, sizeof(res));
		bool ok = vr_shader_translate(f->text, f->len, &key, &res);
		if (!ok && es && es_unavailable(res.error)) {
			/* A clean refusal of what ES 3.00 cannot express (geometry shaders,
			 * 1D/rect samplers, gl_PrimitiveID...) is the specified behaviour. */
			refused++;
			vr_shader_result_finish(&res);
			continue;
		}
		CHECK(ok, "%s: translation failed: %s", f->name, res.error);
		if (ok && res.glsl) {
			translated++;
			if (validator) {
				bool v = validate(res.glsl, f->stage, out, sizeof(out));
				CHECK(v, "%s: glslangValidator rejects the %s GLSL:\n%s", f->name,
				      es ? "ES 3.00" : "3.30", out);
				validated += v;
			}
		}
		vr_shader_result_finish(&res);
	}
	printf("%s (%s): %zu shaders, %u translated, %u validated, %u refused as not "
	       "expressible in ES 3.00%s\n",
	       dir, es ? "GLSL ES 3.00" : "GLSL 3.30", c.count, translated, validated, refused,
	       validator ? "" : " (validator not installed)");
	corpus_free(&c);
	return vgp_test_result(es ? "test_shader_corpus --es" : "test_shader_corpus");
}
