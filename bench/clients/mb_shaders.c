/*
 * pvgpu-mb-shaders — shader create rate: each frame compiles and links 10
 * programs whose fragment shaders differ (a per-program constant, so no cache
 * can reuse one), draws one tiny triangle with each (the host compiles at first
 * use), deletes them and calls glFinish. Result: programs/s.
 * Usage: pvgpu-mb-shaders [--seconds S]
 */
#include <stdio.h>

#include "bench_gl.h"

#define PER_FRAME 10

struct shaders {
	unsigned serial;
};

static bool
frame(struct bench_gl *g, void *data)
{
	struct shaders *s = data;
	for (int i = 0; i < PER_FRAME; i++) {
		char fs[256];
		unsigned n = s->serial++;
		snprintf(fs, sizeof(fs),
			 "#version 330 core\n"
			 "out vec4 color;\n"
			 "void main() { color = vec4(%u.0 / 65536.0, 0.5, fract(gl_FragCoord.x * "
			 "%u.0), 1.0); }\n",
			 n % 65536u, n % 977u + 1u);
		GLuint prog = bench_program(BENCH_VS_SRC, fs);
		if (!prog) {
			return false;
		}
		glUseProgram(prog);
		glDrawArrays(GL_TRIANGLES, 0, 3);
		glUseProgram(0);
		glDeleteProgram(prog);
	}
	return true;
}

int
main(int argc, char **argv)
{
	struct bench_gl g;
	int argi;
	if (!bench_gl_init(&g, "pvgpu-mb-shaders", argc, argv, &argi)) {
		return 1;
	}
	bench_triangle_vao();
	struct shaders s = {0};
	struct bench_rate rate = {"shaders", "programs/s", PER_FRAME, "programs_per_frame=10"};
	return bench_run_rate(&g, &rate, frame, &s);
}
