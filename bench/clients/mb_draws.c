/*
 * pvgpu-mb-draws — draw-call rate: frames of many tiny draws (one triangle
 * each, a uniform moved between draws so no two are identical), glFinish per
 * frame. Result: draws/s.   Usage: pvgpu-mb-draws [--seconds S] [--draws N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_gl.h"

struct draws {
	GLint offset_loc;
	int per_frame;
};

static bool
frame(struct bench_gl *g, void *data)
{
	struct draws *d = data;
	glClear(GL_COLOR_BUFFER_BIT);
	for (int i = 0; i < d->per_frame; i++) {
		bench_draw_cell(d->offset_loc, i);
	}
	return true;
}

int
main(int argc, char **argv)
{
	struct bench_gl g;
	int argi;
	struct draws d = {.per_frame = 1000};
	if (!bench_gl_init(&g, "pvgpu-mb-draws", argc, argv, &argi)) {
		return 1;
	}
	if (argi + 1 < argc && !strcmp(argv[argi], "--draws")) {
		d.per_frame = atoi(argv[argi + 1]);
		if (d.per_frame < 1 || d.per_frame > 100000) {
			fprintf(stderr, "pvgpu-mb-draws: bad --draws\n");
			return 1;
		}
	}
	GLuint prog =
		bench_program(BENCH_VS_SRC, "#version 330 core\n"
					    "out vec4 color;\n"
					    "void main() { color = vec4(1.0, 0.5, 0.2, 1.0); }\n");
	if (!prog) {
		return 1;
	}
	glUseProgram(prog);
	d.offset_loc = glGetUniformLocation(prog, "offset");
	bench_triangle_vao();
	char extra[64];
	snprintf(extra, sizeof(extra), "draws_per_frame=%d", d.per_frame);
	struct bench_rate rate = {"draws", "draws/s", d.per_frame, extra};
	return bench_run_rate(&g, &rate, frame, &d);
}
