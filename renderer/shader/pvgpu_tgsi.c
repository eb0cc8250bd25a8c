/*
 * pvgpu-tgsi — translate one TGSI text shader to GLSL (debugging, scripting).
 *
 *   pvgpu-tgsi [--es] [--stage-info] FILE|-
 *
 * Prints the GLSL on stdout; on error prints "FILE: line N: what" on stderr
 * and exits 1 (2 for usage or I/O errors).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vr_shader.h"

/* Input cap: Mesa's largest shader text seen is 24 KiB; 64 MiB is plenty. */
#define MAX_INPUT (64u << 20)

static void
usage(FILE *f)
{
	fprintf(f, "usage: pvgpu-tgsi [--es] [--stage-info] FILE|-\n"
		   "Translates TGSI text (as Mesa's virgl driver sends it) to GLSL.\n"
		   "  --es          emit GLSL ES 3.00 instead of GLSL 3.30 core\n"
		   "  --stage-info  print the interface summary (to stderr) after the GLSL\n"
		   "  -             read the shader from stdin\n");
}

static char *
read_all(FILE *f, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0) {
			break;
		}
		if (n == cap) {
			char *nb = cap >= MAX_INPUT ? NULL : realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (buf && ferror(f)) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static void
print_io(const char *kind, const struct vr_shader_io *io, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		fprintf(stderr, "  %s[%u] sem=%u idx=%u interp=%u mask=%x name=%s\n", kind,
			io[i].first, io[i].semantic, io[i].semantic_index, io[i].interp,
			io[i].usage_mask, io[i].glsl_name);
	}
}

static void
print_info(const struct vr_shader_info *info)
{
	fprintf(stderr, "stage %u: %u inputs, %u outputs, %u const vec4, ubo mask 0x%x\n",
		info->stage, info->num_inputs, info->num_outputs, info->const_vec4_count,
		info->ubo_mask);
	print_io("in", info->inputs, info->num_inputs);
	print_io("out", info->outputs, info->num_outputs);
	for (uint32_t i = 0; i < info->num_samplers; i++) {
		const struct vr_shader_sampler *s = &info->samplers[i];
		fprintf(stderr, "  sampler %u target=%u ret=%u shadow=%d\n", s->index, s->target,
			s->return_type, s->shadow);
	}
}

int
main(int argc, char **argv)
{
	struct vr_shader_key key = {0};
	bool stage_info = false;
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--es")) {
			key.target = VR_GLSL_ES_300;
		} else if (!strcmp(argv[i], "--stage-info")) {
			stage_info = true;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (!path && (argv[i][0] != '-' || !strcmp(argv[i], "-"))) {
			path = argv[i];
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (!path) {
		usage(stderr);
		return 2;
	}
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		fprintf(stderr, "pvgpu-tgsi: %s: %s\n", path, strerror(errno));
		return 2;
	}
	size_t len = 0;
	char *text = read_all(f, &len);
	if (f != stdin) {
		fclose(f);
	}
	if (!text) {
		fprintf(stderr, "pvgpu-tgsi: %s: read failed or input too large\n", path);
		return 2;
	}
	key.nr_cbufs = 1;
	struct vr_shader_result res;
	bool ok = vr_shader_translate(text, len, &key, &res);
	free(text);
	if (!ok) {
		fprintf(stderr, "pvgpu-tgsi: %s: %s\n", path, res.error);
		return 1;
	}
	fwrite(res.glsl, 1, res.glsl_len, stdout);
	if (stage_info) {
		print_info(&res.info);
	}
	vr_shader_result_finish(&res);
	return 0;
}
