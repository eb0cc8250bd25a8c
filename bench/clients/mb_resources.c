/*
 * pvgpu-mb-resources — resource create/destroy rate: each frame creates 50
 * 16x16 RGBA textures and 50 4 KiB buffers with data (so the host creates and
 * fills them), samples each texture in one tiny draw, deletes them all and
 * calls glFinish. Result: resources/s (one create + destroy each).
 * Usage: pvgpu-mb-resources [--seconds S]
 */
#include <stdio.h>
#include <string.h>

#include "bench_gl.h"

#define PER_FRAME 50

struct res {
	unsigned char texels[16 * 16 * 4];
	unsigned char bytes[4096];
};

static bool
frame(struct bench_gl *g, void *data)
{
	struct res *r = data;
	GLuint tex[PER_FRAME], buf[PER_FRAME];
	glGenTextures(PER_FRAME, tex);
	glGenBuffers(PER_FRAME, buf);
	for (int i = 0; i < PER_FRAME; i++) {
		glBindTexture(GL_TEXTURE_2D, tex[i]);
		glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, 16, 16, 0, GL_RGBA, GL_UNSIGNED_BYTE,
			     r->texels);
		glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
		glBindBuffer(GL_COPY_WRITE_BUFFER, buf[i]);
		glBufferData(GL_COPY_WRITE_BUFFER, sizeof(r->bytes), r->bytes, GL_STATIC_DRAW);
		glDrawArrays(GL_TRIANGLES, 0, 3);
	}
	glDeleteTextures(PER_FRAME, tex);
	glDeleteBuffers(PER_FRAME, buf);
	return true;
}

int
main(int argc, char **argv)
{
	struct bench_gl g;
	int argi;
	if (!bench_gl_init(&g, "pvgpu-mb-resources", argc, argv, &argi)) {
		return 1;
	}
	GLuint prog =
		bench_program(BENCH_VS_SRC, "#version 330 core\n"
					    "uniform sampler2D tex;\n"
					    "out vec4 color;\n"
					    "void main() { color = texture(tex, vec2(0.5)); }\n");
	if (!prog) {
		return 1;
	}
	glUseProgram(prog);
	bench_triangle_vao();
	static struct res r;
	memset(r.texels, 0x7f, sizeof(r.texels));
	memset(r.bytes, 0x3c, sizeof(r.bytes));
	struct bench_rate rate = {"resources", "resources/s", 2 * PER_FRAME,
				  "textures_per_frame=50 buffers_per_frame=50"};
	return bench_run_rate(&g, &rate, frame, &r);
}
