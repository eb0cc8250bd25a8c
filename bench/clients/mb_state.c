/*
 * pvgpu-mb-state — state-change rate: between tiny draws, toggle blending,
 * change the blend function, the depth function, the bound texture and the
 * colour uniform (5 changes per draw), glFinish per frame.
 * Result: state changes/s.   Usage: pvgpu-mb-state [--seconds S]
 */
#include <stdio.h>

#include "bench_gl.h"

#define DRAWS_PER_FRAME 400
#define CHANGES_PER_DRAW 5

struct state {
	GLint offset_loc, color_loc;
	GLuint tex[2];
};

static bool
frame(struct bench_gl *g, void *data)
{
	struct state *s = data;
	glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
	for (int i = 0; i < DRAWS_PER_FRAME; i++) {
		if (i & 1) {
			glEnable(GL_BLEND);
		} else {
			glDisable(GL_BLEND);
		}
		glBlendFunc(GL_SRC_ALPHA, (i & 2) ? GL_ONE : GL_ONE_MINUS_SRC_ALPHA);
		glDepthFunc((i & 4) ? GL_LEQUAL : GL_ALWAYS);
		glBindTexture(GL_TEXTURE_2D, s->tex[i & 1]);
		glUniform4f(s->color_loc, (float)(i % 7) / 7.0f, 0.5f, 0.25f, 0.75f);
		bench_draw_cell(s->offset_loc, i);
	}
	return true;
}

int
main(int argc, char **argv)
{
	struct bench_gl g;
	int argi;
	if (!bench_gl_init(&g, "pvgpu-mb-state", argc, argv, &argi)) {
		return 1;
	}
	GLuint prog = bench_program(BENCH_VS_SRC,
				    "#version 330 core\n"
				    "uniform vec4 tint;\n"
				    "uniform sampler2D tex;\n"
				    "out vec4 color;\n"
				    "void main() { color = tint * texture(tex, vec2(0.5)); }\n");
	if (!prog) {
		return 1;
	}
	struct state s = {0};
	glUseProgram(prog);
	s.offset_loc = glGetUniformLocation(prog, "offset");
	s.color_loc = glGetUniformLocation(prog, "tint");
	glGenTextures(2, s.tex);
	for (int t = 0; t < 2; t++) {
		unsigned char px[4 * 4 * 4];
		for (unsigned i = 0; i < sizeof(px); i++) {
			px[i] = (unsigned char)(t ? 255 - i : i * 3);
		}
		glBindTexture(GL_TEXTURE_2D, s.tex[t]);
		glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, 4, 4, 0, GL_RGBA, GL_UNSIGNED_BYTE, px);
		glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
	}
	glEnable(GL_DEPTH_TEST);
	bench_triangle_vao();
	char extra[80];
	snprintf(extra, sizeof(extra), "draws_per_frame=%d changes_per_draw=%d", DRAWS_PER_FRAME,
		 CHANGES_PER_DRAW);
	struct bench_rate rate = {"state", "changes/s", DRAWS_PER_FRAME * CHANGES_PER_DRAW, extra};
	return bench_run_rate(&g, &rate, frame, &s);
}
