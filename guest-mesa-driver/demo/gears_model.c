/* pvgpu-gears — gear geometry and transforms (see gears_model.h). */
#include "gears_model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI_F 3.14159265358979f

struct builder {
	float *v;
	uint32_t count, cap;
};

static bool
push(struct builder *b, float x, float y, float z, float nx, float ny, float nz)
{
	if (b->count == b->cap) {
		uint32_t cap = b->cap ? b->cap * 2 : 1024;
		float *n = realloc(b->v, (size_t)cap * GEARS_VERTEX_FLOATS * sizeof(float));
		if (!n) {
			return false;
		}
		b->v = n;
		b->cap = cap;
	}
	float *o = &b->v[(size_t)b->count++ * GEARS_VERTEX_FLOATS];
	o[0] = x, o[1] = y, o[2] = z, o[3] = nx, o[4] = ny, o[5] = nz;
	return true;
}

/* Two triangles for the quad a b c d (in order around it), one normal. */
static bool
quad(struct builder *b, const float a[3], const float bb[3], const float c[3], const float d[3],
     float nx, float ny, float nz)
{
	const float *tri[6] = {a, bb, c, a, c, d};
	for (int i = 0; i < 6; i++) {
		if (!push(b, tri[i][0], tri[i][1], tri[i][2], nx, ny, nz)) {
			return false;
		}
	}
	return true;
}

static void
pt(float out[3], float r, float angle, float z)
{
	out[0] = r * cosf(angle);
	out[1] = r * sinf(angle);
	out[2] = z;
}

/* Front and back faces, tooth outsides and the inner cylinder of one gear. */
static bool
gear(struct builder *b, float inner, float outer, float width, int teeth, float depth)
{
	float r0 = inner, r1 = outer - depth / 2, r2 = outer + depth / 2;
	float da = 2 * PI_F / (float)teeth / 4;
	float hw = width / 2;
	for (int i = 0; i < teeth; i++) {
		float a = (float)i * 2 * PI_F / (float)teeth;
		for (int side = 0; side < 2; side++) {
			float z = side ? -hw : hw, n = side ? -1.0f : 1.0f;
			/* Body ring segment, then the tooth on top of it. */
			float p[7][3];
			pt(p[0], r0, a, z), pt(p[1], r1, a, z), pt(p[2], r1, a + 4 * da, z);
			pt(p[3], r0, a + 4 * da, z);
			pt(p[4], r2, a + da, z), pt(p[5], r2, a + 2 * da, z);
			pt(p[6], r1, a + 3 * da, z);
			if (!quad(b, p[0], p[1], p[2], p[3], 0, 0, n) ||
			    !quad(b, p[1], p[4], p[5], p[6], 0, 0, n)) {
				return false;
			}
		}
		/* Outward faces of the tooth profile: r1 → r2 → r2 → r1 → next r1. */
		float prof[5][2] = {{r1, a},
				    {r2, a + da},
				    {r2, a + 2 * da},
				    {r1, a + 3 * da},
				    {r1, a + 4 * da}};
		for (int k = 0; k < 4; k++) {
			float f0[3], f1[3], k0[3], k1[3];
			pt(f0, prof[k][0], prof[k][1], hw),
				pt(f1, prof[k + 1][0], prof[k + 1][1], hw);
			pt(k0, prof[k][0], prof[k][1], -hw);
			pt(k1, prof[k + 1][0], prof[k + 1][1], -hw);
			float ux = f1[0] - f0[0], uy = f1[1] - f0[1];
			float len = sqrtf(ux * ux + uy * uy);
			len = len > 0 ? len : 1;
			if (!quad(b, f0, k0, k1, f1, uy / len, -ux / len, 0)) {
				return false;
			}
		}
		/* Inside cylinder, normals pointing at the axis. */
		float c0[3], c1[3], c2[3], c3[3];
		pt(c0, r0, a, hw), pt(c1, r0, a + 4 * da, hw), pt(c2, r0, a + 4 * da, -hw);
		pt(c3, r0, a, -hw);
		if (!quad(b, c0, c1, c2, c3, -cosf(a), -sinf(a), 0)) {
			return false;
		}
	}
	return true;
}

bool
gears_build(struct gears_mesh g[3])
{
	static const struct {
		float inner, outer, width, depth;
		int teeth;
		float color[4], x, y, turn, bias;
	} spec[3] = {
		{1.0f, 4.0f, 1.0f, 0.7f, 20, {0.8f, 0.1f, 0.0f, 1.0f}, -3.0f, -2.0f, 1.0f, 0.0f},
		{0.5f, 2.0f, 2.0f, 0.7f, 10, {0.0f, 0.8f, 0.2f, 1.0f}, 3.1f, -2.0f, -2.0f, -9.0f},
		{1.3f, 2.0f, 0.5f, 0.7f, 10, {0.2f, 0.2f, 1.0f, 1.0f}, -3.1f, 4.2f, -2.0f, -25.0f},
	};
	memset(g, 0, 3 * sizeof(*g));
	for (int i = 0; i < 3; i++) {
		struct builder b = {0};
		if (!gear(&b, spec[i].inner, spec[i].outer, spec[i].width, spec[i].teeth,
			  spec[i].depth)) {
			free(b.v);
			gears_free(g);
			return false;
		}
		g[i].v = b.v;
		g[i].count = b.count;
		memcpy(g[i].color, spec[i].color, sizeof(g[i].color));
		g[i].x = spec[i].x;
		g[i].y = spec[i].y;
		g[i].turn = spec[i].turn;
		g[i].bias = spec[i].bias;
	}
	return true;
}

void
gears_free(struct gears_mesh g[3])
{
	for (int i = 0; i < 3; i++) {
		free(g[i].v);
		g[i].v = NULL;
	}
}

/* Row-major 4x4: out = a * b. */
static void
mul(float out[16], const float a[16], const float b[16])
{
	float r[16];
	for (int i = 0; i < 4; i++) {
		for (int j = 0; j < 4; j++) {
			r[i * 4 + j] = 0;
			for (int k = 0; k < 4; k++) {
				r[i * 4 + j] += a[i * 4 + k] * b[k * 4 + j];
			}
		}
	}
	memcpy(out, r, sizeof(r));
}

static void
rotation(float m[16], float degrees, int axis)
{
	float c = cosf(degrees * PI_F / 180), s = sinf(degrees * PI_F / 180);
	int i = (axis + 1) % 3, j = (axis + 2) % 3;
	memset(m, 0, 16 * sizeof(float));
	m[0] = m[5] = m[10] = m[15] = 1;
	m[i * 4 + i] = c;
	m[i * 4 + j] = -s;
	m[j * 4 + i] = s;
	m[j * 4 + j] = c;
}

static void
translation(float m[16], float x, float y, float z)
{
	memset(m, 0, 16 * sizeof(float));
	m[0] = m[5] = m[10] = m[15] = 1;
	m[3] = x, m[7] = y, m[11] = z;
}

void
gears_constants(const struct gears_mesh *g, uint32_t frame, float aspect,
		float out[GEARS_CONSTANT_FLOATS])
{
	float angle = (float)(frame % 180) * 2.0f;
	float mv[16], t[16];
	translation(mv, 0, 0, -40);
	rotation(t, 20, 0), mul(mv, mv, t);
	rotation(t, 30, 1), mul(mv, mv, t);
	translation(t, g->x, g->y, 0), mul(mv, mv, t);
	rotation(t, g->turn * angle + g->bias, 2), mul(mv, mv, t);
	/* glFrustum(-1, 1, -aspect, aspect, 5, 60) */
	float n = 5, f = 60;
	float proj[16] = {
		n, 0, 0,  0, 0, n / aspect, 0, 0, 0, 0, -(f + n) / (f - n), -2 * f * n / (f - n),
		0, 0, -1, 0};
	float mvp[16];
	mul(mvp, proj, mv);
	memset(out, 0, GEARS_CONSTANT_FLOATS * sizeof(float));
	memcpy(out, mvp, sizeof(mvp));
	for (int r = 0; r < 3; r++) {
		memcpy(&out[16 + 4 * r], &mv[4 * r], 3 * sizeof(float));
	}
	float l[3] = {5, 5, 10}, len = sqrtf(150.0f);
	for (int i = 0; i < 3; i++) {
		out[28 + i] = l[i] / len;
		out[32 + i] = g->color[i];
		out[36 + i] = g->color[i] * 0.2f;
	}
	out[35] = out[39] = g->color[3];
}
