/*
 * pvgpu render tests — stream output (transform feedback) on the GL backend,
 * through the decoder and the TGSI translator: captured floats are read back
 * from the target buffers and compared exactly (they are copies, not maths
 * with rounding). Covers layouts with gaps and several buffers, append vs
 * restart, overflow, draw auto, and hostile layouts and targets.
 */
#include "render_util.h"
#include "vgp_encode_draw.h"
#include "vgp_gallium.h"
#include "vgp_virgl_format.h"

#define SENTINEL 0xdeadbeefu

/* OUT[0] = IN[0]; OUT[1] = IN[0] + (100, 200, 300, 400). */
static const char vs_tgsi[] = "VERT\n"
			      "DCL IN[0]\n"
			      "DCL OUT[0], POSITION\n"
			      "DCL OUT[1], GENERIC[0]\n"
			      "IMM[0] FLT32 {100.0, 200.0, 300.0, 400.0}\n"
			      "  0: MOV OUT[0], IN[0]\n"
			      "  1: ADD OUT[1], IN[0], IMM[0]\n"
			      "  2: END\n";
static const char fs_tgsi[] = "FRAG\n"
			      "DCL IN[0], GENERIC[0], PERSPECTIVE\n"
			      "DCL OUT[0], COLOR\n"
			      "  0: MOV OUT[0], IN[0]\n"
			      "  1: END\n";

/* Vertex i is (i, 10 + i, 20 + i, 1). */
static float
vin(uint32_t i, uint32_t comp)
{
	return comp == 3 ? 1.0f : (float)(comp * 10 + i);
}

static float
vgen(uint32_t i, uint32_t comp)
{
	return vin(i, comp) + 100.0f * (float)(comp + 1);
}

static uint32_t
so_entry(uint32_t reg, uint32_t start, uint32_t num, uint32_t buf, uint32_t off)
{
	return reg | start << 8 | num << 10 | buf << 13 | off << 16;
}

static uint32_t
handle(struct rt *t)
{
	return t->next_handle++;
}

static struct vr_resource *
buffer(struct rt *t, uint32_t size, bool sentinel)
{
	struct rt_res_desc d = {PIPE_BUFFER, VIRGL_FORMAT_R8_UNORM, 0x20, size, 1};
	struct vr_resource *res = rt_res(t, &d);
	if (res && sentinel) {
		for (uint32_t i = 0; i + 4 <= size; i += 4) {
			uint32_t v = SENTINEL;
			memcpy(rt_mem(res) + i, &v, 4);
		}
		rt_xfer(t, res, 0, rt_box(0, 0, 0, (int32_t)size, 1, 1), 0, 0, 0, true);
	}
	return res;
}

static const uint8_t *
read_buffer(struct rt *t, struct vr_resource *res)
{
	memset(rt_mem(res), 0xcd, res->backing->size);
	rt_xfer(t, res, 0, rt_box(0, 0, 0, (int32_t)res->desc.width, 1, 1), 0, 0, 0, false);
	RT_SUBMIT(t);
	return rt_mem(res);
}

/* A target to draw into, the fragment shader, `n` input vertices, and a VS with
 * the given stream-output layout; returns nothing, everything is bound. */
static void
setup(struct rt *t, uint32_t n, uint32_t num_so, const uint32_t stride[4], const uint32_t *so)
{
	struct rt_res_desc cd = {PIPE_TEXTURE_2D, VIRGL_FORMAT_R8G8B8A8_UNORM, 0xa, 4, 4};
	struct vr_resource *cb = rt_res(t, &cd);
	uint32_t surf = rt_surface(t, cb, VIRGL_FORMAT_R8G8B8A8_UNORM, 0, 0, 0);
	vgp_enc_set_framebuffer_state(t->enc, 1, 0, &surf);
	float v[16 * 4];
	for (uint32_t i = 0; i < n && i < 16; i++) {
		for (uint32_t k = 0; k < 4; k++) {
			v[i * 4 + k] = vin(i, k);
		}
	}
	struct vr_resource *vb = buffer(t, 16 * 16, false);
	memcpy(rt_mem(vb), v, sizeof(v));
	rt_xfer(t, vb, 0, rt_box(0, 0, 0, 16 * 16, 1, 1), 0, 0, 0, true);
	struct vgp_enc_vertex_element ve = {0, 0, 0, VIRGL_FORMAT_R32G32B32A32_FLOAT};
	uint32_t h = handle(t);
	vgp_enc_create_vertex_elements(t->enc, h, 1, &ve);
	vgp_enc_bind_object(t->enc, VIRGL_OBJECT_VERTEX_ELEMENTS, h);
	struct vgp_enc_vertex_buffer b = {16, 0, vb->id};
	vgp_enc_set_vertex_buffers(t->enc, 1, &b);
	const float vp[6] = {2, 2, 0.5f, 2, 2, 0.5f};
	vgp_enc_set_viewport_states(t->enc, 0, 1, vp);
	uint32_t so_dw[2 * 8];
	for (uint32_t i = 0; i < num_so && i < 8; i++) {
		so_dw[2 * i] = so[i];
		so_dw[2 * i + 1] = 0; /* stream 0 */
	}
	uint32_t vs = handle(t), fs = handle(t);
	vgp_enc_create_shader_so(t->enc, vs, VIRGL_SHADER_VERTEX, 100, vs_tgsi, num_so, stride,
				 so_dw);
	vgp_enc_create_shader(t->enc, fs, VIRGL_SHADER_FRAGMENT, 100, fs_tgsi);
	vgp_enc_bind_shader(t->enc, vs, VIRGL_SHADER_VERTEX);
	vgp_enc_bind_shader(t->enc, fs, VIRGL_SHADER_FRAGMENT);
}

static uint32_t
target(struct rt *t, struct vr_resource *res, uint32_t offset, uint32_t size)
{
	uint32_t h = handle(t);
	vgp_enc_create_streamout_target(t->enc, h, res->id, offset, size);
	return h;
}

static bool
f32_is(const uint8_t *p, float want)
{
	return rt_u32(p) == (union {
				    float f;
				    uint32_t u;
			    }){.f = want}
				    .u;
}

#define CHECK_F32(p, want, what, ...) \
	CHECK(f32_is(p, want), what ": 0x%08x, want %g", __VA_ARGS__, rt_u32(p), (double)(want))
#define CHECK_RAW(p, want, what, ...) \
	CHECK(rt_u32(p) == (want), what ": 0x%08x, want 0x%08x", __VA_ARGS__, rt_u32(p), (want))

/* Position (4) and GENERIC.yz (2) interleaved into one buffer, at an offset. */
static void
test_one_buffer(struct rt *t)
{
	const uint32_t stride[4] = {6, 0, 0, 0};
	const uint32_t so[2] = {so_entry(0, 0, 4, 0, 0), so_entry(1, 1, 2, 0, 4)};
	setup(t, 3, 2, stride, so);
	struct vr_resource *out = buffer(t, 16 + 3 * 24 + 8, true);
	uint32_t tg = target(t, out, 16, 3 * 24);
	vgp_enc_set_streamout_targets(t->enc, 0, 1, &tg);
	vgp_enc_draw_vbo(t->enc, 0, 3, PIPE_PRIM_POINTS, false);
	RT_SUBMIT(t);
	const uint8_t *m = read_buffer(t, out);
	CHECK_RAW(m, SENTINEL, "byte %u before the target range", 0);
	CHECK_RAW(m + 16 + 3 * 24, SENTINEL, "byte %u after the target range", 16 + 3 * 24);
	for (uint32_t i = 0; i < 3; i++) {
		const uint8_t *v = m + 16 + i * 24;
		for (uint32_t k = 0; k < 4; k++) {
			CHECK_F32(v + 4 * k, vin(i, k), "vertex %u position.%u", i, k);
		}
		CHECK_F32(v + 16, vgen(i, 1), "vertex %u generic.y", i);
		CHECK_F32(v + 20, vgen(i, 2), "vertex %u generic.z", i);
	}
}

/* Buffer 0: a one-dword gap, GENERIC.x, a one-dword tail (stride 3); buffer 1
 * unused; buffer 2: position.xyz. Gaps keep what the buffer held. */
static void
test_two_buffers_gaps(struct rt *t)
{
	const uint32_t stride[4] = {3, 0, 3, 0};
	const uint32_t so[2] = {so_entry(1, 0, 1, 0, 1), so_entry(0, 0, 3, 2, 0)};
	setup(t, 2, 2, stride, so);
	struct vr_resource *a = buffer(t, 2 * 12, true), *b = buffer(t, 2 * 12, true);
	uint32_t tg[3] = {target(t, a, 0, 24), 0, target(t, b, 0, 24)};
	vgp_enc_set_streamout_targets(t->enc, 0, 3, tg);
	vgp_enc_draw_vbo(t->enc, 0, 2, PIPE_PRIM_POINTS, false);
	RT_SUBMIT(t);
	const uint8_t *ma = read_buffer(t, a);
	for (uint32_t i = 0; i < 2; i++) {
		CHECK_RAW(ma + i * 12, SENTINEL, "buffer 0 vertex %u gap", i);
		CHECK_F32(ma + i * 12 + 4, vgen(i, 0), "buffer 0 vertex %u generic.x", i);
		CHECK_RAW(ma + i * 12 + 8, SENTINEL, "buffer 0 vertex %u tail", i);
	}
	const uint8_t *mb = read_buffer(t, b);
	for (uint32_t i = 0; i < 2; i++) {
		for (uint32_t k = 0; k < 3; k++) {
			CHECK_F32(mb + i * 12 + 4 * k, vin(i, k), "buffer 2 vertex %u pos.%u", i,
				  k);
		}
	}
}

/* A rebound target continues after what it holds, whatever the append bits (Mesa
 * always sends 0, also to resume); a new target on the same buffer starts at its
 * offset. Lines: 2 vertices per primitive. */
static void
test_append(struct rt *t)
{
	const uint32_t stride[4] = {1, 0, 0, 0};
	const uint32_t so[1] = {so_entry(0, 0, 1, 0, 0)}; /* position.x = vertex index */
	setup(t, 6, 1, stride, so);
	struct vr_resource *out = buffer(t, 8 * 4, true);
	uint32_t tg = target(t, out, 0, 8 * 4);
	vgp_enc_set_streamout_targets(t->enc, 0, 1, &tg);
	vgp_enc_draw_vbo(t->enc, 0, 2, PIPE_PRIM_LINES, false); /* 0 1 */
	vgp_enc_set_streamout_targets(t->enc, 0, 0, NULL);
	vgp_enc_set_streamout_targets(t->enc, 0, 1, &tg);
	vgp_enc_draw_vbo(t->enc, 2, 3, PIPE_PRIM_LINE_STRIP, false); /* 2 3, 3 4 */
	RT_SUBMIT(t);
	const uint8_t *m = read_buffer(t, out);
	const float want[6] = {0, 1, 2, 3, 3, 4};
	for (uint32_t i = 0; i < 6; i++) {
		CHECK_F32(m + 4 * i, want[i], "appended vertex %u", i);
	}
	CHECK_RAW(m + 24, SENTINEL, "dword %u past the captures", 6);
	uint32_t fresh = target(t, out, 0, 8 * 4);
	vgp_enc_set_streamout_targets(t->enc, 1, 1, &fresh);
	vgp_enc_draw_vbo(t->enc, 4, 2, PIPE_PRIM_LINES, false); /* 4 5 at the start */
	RT_SUBMIT(t);
	m = read_buffer(t, out);
	CHECK_F32(m, 4.0f, "restarted vertex %u", 0);
	CHECK_F32(m + 4, 5.0f, "restarted vertex %u", 1);
	CHECK_F32(m + 8, 2.0f, "old vertex %u", 2);
}

static uint64_t
query_u64(const uint8_t *m, uint32_t off)
{
	uint64_t v;
	memcpy(&v, m + off + 8, 8);
	return v;
}

/* A target with room for 2 points of 3 keeps 2 (whole primitives only) and
 * PRIMITIVES_EMITTED says 2; draw auto from it then draws those 2 vertices. */
static void
test_overflow_and_draw_auto(struct rt *t)
{
	const uint32_t stride[4] = {4, 0, 0, 0};
	const uint32_t so[1] = {so_entry(0, 0, 4, 0, 0)};
	setup(t, 3, 1, stride, so);
	struct vr_resource *out = buffer(t, 3 * 16, true);
	struct vr_resource *qres = buffer(t, 96, false);
	uint32_t tg = target(t, out, 0, 2 * 16 + 8);
	uint32_t emitted = handle(t), gen = handle(t), gen2 = handle(t);
	vgp_enc_create_query(t->enc, emitted, PIPE_QUERY_PRIMITIVES_EMITTED, 0, 0, qres->id);
	vgp_enc_create_query(t->enc, gen, PIPE_QUERY_PRIMITIVES_GENERATED, 0, 32, qres->id);
	vgp_enc_create_query(t->enc, gen2, PIPE_QUERY_PRIMITIVES_GENERATED, 0, 64, qres->id);
	vgp_enc_set_streamout_targets(t->enc, 0, 1, &tg);
	vgp_enc_begin_query(t->enc, emitted);
	vgp_enc_begin_query(t->enc, gen);
	vgp_enc_draw_vbo(t->enc, 0, 3, PIPE_PRIM_POINTS, false);
	vgp_enc_end_query(t->enc, emitted);
	vgp_enc_end_query(t->enc, gen);
	vgp_enc_set_streamout_targets(t->enc, 0, 0, NULL);
	/* Draw the captured positions back (as the vertex buffer) with draw auto. */
	struct vgp_enc_vertex_buffer b = {16, 0, out->id};
	vgp_enc_set_vertex_buffers(t->enc, 1, &b);
	vgp_enc_begin_query(t->enc, gen2);
	/* Mesa sends the target's buffer_size: a flag, the target is the last bound. */
	struct vgp_enc_draw d = {.mode = PIPE_PRIM_POINTS, .count_from_so = 40, .max_index = ~0u};
	vgp_enc_draw_vbo_full(t->enc, &d, VIRGL_DRAW_VBO_SIZE);
	vgp_enc_end_query(t->enc, gen2);
	vgp_enc_get_query_result(t->enc, emitted, 1);
	vgp_enc_get_query_result(t->enc, gen, 1);
	vgp_enc_get_query_result(t->enc, gen2, 1);
	RT_SUBMIT(t);
	const uint8_t *q = rt_mem(qres);
	CHECK(query_u64(q, 0) == 2, "primitives emitted %llu, want 2",
	      (unsigned long long)query_u64(q, 0));
	CHECK(query_u64(q, 32) == 3, "primitives generated %llu, want 3",
	      (unsigned long long)query_u64(q, 32));
	CHECK(query_u64(q, 64) == 2, "draw auto generated %llu primitives, want 2",
	      (unsigned long long)query_u64(q, 64));
	const uint8_t *m = read_buffer(t, out);
	CHECK_F32(m + 16, vin(1, 0), "second captured vertex .%u", 0);
	CHECK_RAW(m + 32, SENTINEL, "dword %u after the room", 8);
}

/* ------------------------------------------------------------ bad input */

typedef void (*bad_fn)(struct rt *t);

static void
expect_error(const char *name, bad_fn fn, const char *msg)
{
	struct rt t;
	if (rt_init(&t)) {
		CHECK(false, "%s: setup failed", name);
		return;
	}
	fn(&t);
	CHECK(!rt_submit(&t), "%s: accepted", name);
	CHECK(t.ctx->error[0] && strstr(t.ctx->error, msg), "%s: error \"%s\", want \"%s\"", name,
	      t.ctx->error, msg);
	rt_finish(&t);
}

static void
bad_layout(struct rt *t, uint32_t num, const uint32_t stride[4], const uint32_t *so)
{
	setup(t, 3, num, stride, so);
	struct vr_resource *out = buffer(t, 256, false);
	uint32_t tg = target(t, out, 0, 256);
	vgp_enc_set_streamout_targets(t->enc, 0, 1, &tg);
	vgp_enc_draw_vbo(t->enc, 0, 3, PIPE_PRIM_POINTS, false);
}

static void
bad_register(struct rt *t)
{
	const uint32_t stride[4] = {4, 0, 0, 0};
	const uint32_t so[1] = {so_entry(5, 0, 4, 0, 0)};
	bad_layout(t, 1, stride, so);
}

static void
bad_components(struct rt *t)
{
	const uint32_t stride[4] = {4, 0, 0, 0};
	const uint32_t so[1] = {so_entry(0, 2, 3, 0, 0)};
	bad_layout(t, 1, stride, so);
}

static void
bad_buffer_index(struct rt *t)
{
	const uint32_t stride[4] = {4, 0, 0, 0};
	const uint32_t so[1] = {so_entry(0, 0, 4, 4, 0)};
	bad_layout(t, 1, stride, so);
}

static void
bad_offset_beyond_stride(struct rt *t)
{
	const uint32_t stride[4] = {4, 0, 0, 0};
	const uint32_t so[1] = {so_entry(0, 0, 4, 0, 2)};
	bad_layout(t, 1, stride, so);
}

static void
bad_overlap(struct rt *t)
{
	const uint32_t stride[4] = {8, 0, 0, 0};
	const uint32_t so[2] = {so_entry(0, 0, 4, 0, 0), so_entry(1, 0, 2, 0, 3)};
	bad_layout(t, 2, stride, so);
}

static void
bad_huge_stride(struct rt *t)
{
	const uint32_t stride[4] = {60000, 0, 0, 0};
	const uint32_t so[1] = {so_entry(0, 0, 4, 0, 50000)};
	bad_layout(t, 1, stride, so);
}

static void
bad_target_texture(struct rt *t)
{
	struct rt_res_desc cd = {PIPE_TEXTURE_2D, VIRGL_FORMAT_R8G8B8A8_UNORM, 0xa, 4, 4};
	struct vr_resource *tex = rt_res(t, &cd);
	target(t, tex, 0, 16);
}

static void
bad_target_range(struct rt *t)
{
	struct vr_resource *b = buffer(t, 64, false);
	target(t, b, 32, 0xfffffff0u);
}

static void
bad_target_slot(struct rt *t)
{
	struct vr_resource *b = buffer(t, 64, false);
	uint32_t tg[5] = {0, 0, 0, 0, target(t, b, 0, 64)};
	vgp_enc_set_streamout_targets(t->enc, 0, 5, tg);
}

int
main(void)
{
	struct rt t;
	int r = rt_init(&t);
	if (r) {
		return r;
	}
	test_one_buffer(&t);
	test_two_buffers_gaps(&t);
	test_append(&t);
	test_overflow_and_draw_auto(&t);
	rt_finish(&t);
	expect_error("register", bad_register, "not declared");
	expect_error("components", bad_components, "stream-output entry");
	expect_error("buffer index", bad_buffer_index, "stream-output entry");
	expect_error("offset", bad_offset_beyond_stride, "beyond stride");
	expect_error("overlap", bad_overlap, "overlap");
	expect_error("stride", bad_huge_stride, "stride");
	expect_error("texture target", bad_target_texture, "streamout target");
	expect_error("target range", bad_target_range, "streamout target");
	expect_error("target slot", bad_target_slot, "beyond the 4");
	return vgp_test_result("test_gl_streamout");
}
