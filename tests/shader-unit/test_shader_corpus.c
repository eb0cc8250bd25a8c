/*
 * Every corpus shader translates for GLSL 3.30 and GLSL ES 3.00, twice with the
 * same output (determinism), and validates with glslangValidator when it is
 * installed (Debian glslang-tools). Usage: test-shader-corpus CORPUS_DIR
 */
#include "shader_test_util.h"
#include "vgp_test.h"
#include "vr_shader.h"
#include <stdbool.h>

static void
check_one(const char *dir, const char *name, bool glslang, unsigned *validated)
{
	char path[512];
	size_t len;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	char *text = st_read_file(path, &len);
	CHECK(text != NULL, "cannot read %s", path);
	if (!text) {
		return;
	}
	const char *ext = strstr(name, ".vert.")   ? "vert"
			  : strstr(name, ".geom.") ? "geom"
						   : "frag";
	for (int t = 0; t < 2; t++) {
		struct vr_shader_key key = {.target = t ? VR_GLSL_ES_300 : VR_GLSL_330_CORE,
					    .nr_cbufs = 1};
		struct vr_shader_result r1, r2;
		bool ok = vr_shader_translate(text, len, &key, &r1);
		CHECK(ok, "%s (%s): %s", name, t ? "es" : "330", r1.error);
		if (!ok) {
			continue;
		}
		CHECK(vr_shader_translate(text, len, &key, &r2) && r2.glsl_len == r1.glsl_len &&
			      !memcmp(r1.glsl, r2.glsl, r1.glsl_len),
		      "%s: output not deterministic", name);
		CHECK(r1.info.num_outputs > 0, "%s: no outputs in info", name);
		if (glslang) {
			CHECK(st_validate(r1.glsl, r1.glsl_len, ext, name), "%s (%s) invalid GLSL",
			      name, t ? "es" : "330");
			(*validated)++;
		}
		vr_shader_result_finish(&r1);
		vr_shader_result_finish(&r2);
	}
	free(text);
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	char *names[1024];
	int n = st_list_corpus(argv[1], names, 1024);
	CHECK(n >= 80, "expected the 80-shader corpus in %s, found %d", argv[1], n);
	bool glslang = st_have_glslang();
	if (!glslang) {
		printf("skip: glslangValidator not installed (apt-get install glslang-tools); "
		       "translation only\n");
	}
	unsigned validated = 0;
	for (int i = 0; i < n; i++) {
		check_one(argv[1], names[i], glslang, &validated);
		free(names[i]);
	}
	printf("corpus: %d shaders x 2 targets, %u validated by glslangValidator\n", n, validated);
	return vgp_test_result("shader-corpus");
}
