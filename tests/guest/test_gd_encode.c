/*
 * pvgpu guest tests — every command the guest driver encodes, checked twice:
 * golden dwords for the packed state words (virgl-wire.md 2.3/2.4), and the
 * whole stream decoded by the renderer (null backend), whose call log must show
 * exactly the values given to the gd_ API. A fake winsys in this file hands the
 * driver's submits straight to a vr_device, keeps every submitted dword for the
 * golden checks, and shares its guest memory with the device as the backing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gd.h"
#include "gd_winsys.h"
#include "vgp_test.h"
#include "vr_core.h"
#include "vr_null.h"

struct fake_res {
	struct gd_ws_res base;
};

/* Guest memory shared with the device; the device may outlive the fake_res
 * (objects keep resources alive), so the backing owns the memory. */
struct fake_backing {
	struct vr_backing base;
	struct iovec iov;
};

struct fake_ws {
	struct gd_winsys base;
	struct vr_backend *be;
	struct vr_device *dev;
	struct vr_ctx *ctx;
	uint32_t next_handle;
	uint32_t *log; /* every submitted dword */
	size_t nlog, cap;
	uint32_t submits, transfers;
	bool fail_submit;
	int create_error; /* resource_create fails with this when set */
};

static void
fake_backing_release(struct vr_backing *b)
{
	free(b->iov[0].iov_base);
	free(b);
}

static int
fake_get_caps(struct gd_winsys *ws, uint32_t version, struct vgp_caps_v2 *caps)
{
	struct fake_ws *f = (struct fake_ws *)ws;
	memset(caps, 0, sizeof(*caps));
	return vr_device_get_caps(f->dev, version, caps, sizeof(*caps)) ? 0 : -ENOTSUP;
}

static int
fake_resource_create(struct gd_winsys *ws, const struct gd_resource_desc *d, size_t size,
		     struct gd_ws_res **out)
{
	struct fake_ws *f = (struct fake_ws *)ws;
	if (f->create_error) {
		return f->create_error;
	}
	struct fake_res *r = calloc(1, sizeof(*r));
	r->base.handle = f->next_handle++;
	r->base.backing_size = size;
	struct fake_backing *fb = NULL;
	if (size) {
		fb = calloc(1, sizeof(*fb));
		r->base.map = calloc(1, size);
		fb->iov = (struct iovec){r->base.map, size};
		fb->base = (struct vr_backing){&fb->iov, 1, size, fake_backing_release, NULL};
	}
	struct vr_resource_desc vd = {d->target,     d->format,     d->bind,
				      d->width,      d->height,     d->depth,
				      d->array_size, d->last_level, d->nr_samples};
	const char *why = NULL;
	if (!vr_device_resource_create(f->dev, r->base.handle, &vd, fb ? &fb->base : NULL, &why)) {
		fprintf(stderr, "fake ws: resource create failed: %s\n", why);
		if (fb) {
			fake_backing_release(&fb->base);
		}
		free(r);
		return -EINVAL;
	}
	*out = &r->base;
	return 0;
}

static void
fake_resource_destroy(struct gd_winsys *ws, struct gd_ws_res *res)
{
	struct fake_ws *f = (struct fake_ws *)ws;
	vr_device_resource_unref(f->dev, res->handle);
	free(res);
}

static int
fake_transfer(struct gd_winsys *ws, struct gd_ws_res *res, uint32_t level, const struct gd_box *box,
	      uint64_t offset, bool to_host)
{
	struct fake_ws *f = (struct fake_ws *)ws;
	struct vr_resource *vr = vr_device_lookup_resource(f->dev, res->handle);
	uint32_t stride, layer_stride;
	vr_resource_level_pitch(vr, level, &stride, &layer_stride);
	struct vr_box vb = {box->x, box->y, box->z, box->w, box->h, box->d};
	const char *why = NULL;
	f->transfers++;
	return vr_device_transfer(f->dev, res->handle, level, &vb, stride, layer_stride, offset,
				  to_host, &why)
		       ? 0
		       : -EPROTO;
}

static int
fake_submit(struct gd_winsys *ws, const uint32_t *dw, uint32_t ndw, struct gd_ws_res *const *refs,
	    uint32_t nrefs, uint64_t *fence)
{
	struct fake_ws *f = (struct fake_ws *)ws;
	if (f->fail_submit) {
		ws->status = -ENOTCONN;
		return -ENOTCONN;
	}
	if (f->nlog + ndw > f->cap) {
		f->cap = (f->nlog + ndw) * 2;
		f->log = realloc(f->log, f->cap * sizeof(uint32_t));
	}
	memcpy(&f->log[f->nlog], dw, ndw * sizeof(uint32_t));
	f->nlog += ndw;
	*fence = ++f->submits;
	return vr_ctx_submit(f->ctx, dw, ndw) ? 0 : -EPROTO;
}

static int
fake_fence_wait(struct gd_winsys *ws, uint64_t fence, int64_t timeout_ns)
{
	return 0;
}

static int
fake_busy(struct gd_winsys *ws, struct gd_ws_res *res, bool wait, bool *busy)
{
	*busy = false;
	return 0;
}

static void
fake_destroy(struct gd_winsys *ws)
{
	struct fake_ws *f = (struct fake_ws *)ws;
	vr_device_destroy(f->dev);
	f->be->impl->destroy(f->be);
	free(f->log);
	free(f);
}

static const struct gd_winsys_impl fake_impl = {
	.name = "fake",
	.destroy = fake_destroy,
	.get_caps = fake_get_caps,
	.resource_create = fake_resource_create,
	.resource_destroy = fake_resource_destroy,
	.transfer = fake_transfer,
	.submit = fake_submit,
	.fence_wait = fake_fence_wait,
	.resource_busy = fake_busy,
};

static struct fake_ws *
fake_create(void)
{
	struct fake_ws *f = calloc(1, sizeof(*f));
	f->base.impl = &fake_impl;
	f->be = vr_null_backend_create();
	f->dev = vr_device_create(f->be);
	const char *why = NULL;
	f->ctx = vr_device_ctx_create(f->dev, 1, "gd-encode", &why);
	f->next_handle = 1;
	return f;
}

/* ---------------------------------------------------------------- helpers */

static struct fake_ws *W;
static struct gd_screen *S;
static struct gd_context *C;

static const char *
null_log(void)
{
	return vr_null_backend_log(W->be);
}

/* Flushes, checks the host accepted everything, returns the log and clears it. */
static void
flush_ok(const char *what)
{
	vr_null_backend_log_clear(W->be);
	int r = gd_context_flush(C, true);
	CHECK(r == 0, "%s: flush returned %d (host: %s)", what, r, W->ctx->error);
}

/* Index in the submitted dwords of the last command with opcode `op` and
 * object type `obj`; 0 (the CREATE_SUB_CTX, never matched) when absent. */
static size_t
last_cmd(uint32_t op, uint32_t obj)
{
	size_t found = 0;
	for (size_t i = 0; i < W->nlog; i += 1 + (W->log[i] >> 16)) {
		if ((W->log[i] & 0xff) == op && ((W->log[i] >> 8) & 0xff) == obj) {
			found = i;
		}
	}
	return found;
}

static struct gd_resource *
texture(uint32_t format, uint32_t w, uint32_t h, uint32_t bind)
{
	struct gd_resource_desc d = {
		.target = PIPE_TEXTURE_2D, .format = format, .bind = bind, .width = w, .height = h};
	struct gd_resource *res = NULL;
	int r = gd_resource_create(S, &d, &res);
	CHECK(r == 0, "texture create: %d", r);
	return res;
}

static struct gd_resource *
buffer(uint32_t size, uint32_t bind)
{
	struct gd_resource_desc d = {.target = PIPE_BUFFER,
				     .format = VIRGL_FORMAT_R8_UNORM,
				     .bind = bind,
				     .width = size};
	struct gd_resource *res = NULL;
	int r = gd_resource_create(S, &d, &res);
	CHECK(r == 0, "buffer create: %d", r);
	return res;
}

/* ------------------------------------------------------------------ tests */

static void
test_context_preamble(void)
{
	/* gd_context_create submitted CREATE_SUB_CTX + SET_SUB_CTX on its own. */
	CHECK(W->nlog >= 4, "no context creation submit");
	CHECK_EQ_U(W->log[0], VGP_CMD_HEADER(VIRGL_CCMD_CREATE_SUB_CTX, 0, 1));
	CHECK_EQ_U(W->log[1], 1);
	CHECK_EQ_U(W->log[2], VGP_CMD_HEADER(VIRGL_CCMD_SET_SUB_CTX, 0, 1));
	CHECK_EQ_U(W->log[3], 1);
}

static void
test_state_objects(void)
{
	struct gd_blend_state bl = {.logicop_func = 3};
	bl.rt[0] = (struct gd_blend_rt){true,
					PIPE_BLEND_ADD,
					PIPE_BLENDFACTOR_SRC_ALPHA,
					PIPE_BLENDFACTOR_INV_SRC_ALPHA,
					PIPE_BLEND_SUBTRACT,
					PIPE_BLENDFACTOR_ONE,
					PIPE_BLENDFACTOR_ZERO,
					0xf};
	uint32_t blend = gd_create_blend(C, &bl);
	struct gd_dsa_state dsa = {.depth_enabled = true,
				   .depth_writemask = true,
				   .depth_func = PIPE_FUNC_LEQUAL,
				   .alpha_enabled = true,
				   .alpha_func = PIPE_FUNC_GREATER,
				   .alpha_ref = 0.5f};
	dsa.stencil[0] = (struct gd_stencil_state){true,
						   PIPE_FUNC_EQUAL,
						   PIPE_STENCIL_OP_KEEP,
						   PIPE_STENCIL_OP_REPLACE,
						   PIPE_STENCIL_OP_INCR,
						   0xff,
						   0x0f};
	uint32_t dsa_h = gd_create_dsa(C, &dsa);
	struct gd_rasterizer_state rs = {.flatshade = true,
					 .depth_clip = true,
					 .cull_face = PIPE_FACE_BACK,
					 .front_ccw = true,
					 .scissor = true,
					 .half_pixel_center = true,
					 .point_size = 2,
					 .line_width = 3,
					 .line_stipple_pattern = 0xf0f0,
					 .line_stipple_factor = 2,
					 .clip_plane_enable = 0x5,
					 .offset_units = 1,
					 .offset_scale = 4};
	uint32_t rs_h = gd_create_rasterizer(C, &rs);
	struct gd_vertex_element ve[2] = {{0, 0, 0, VIRGL_FORMAT_R32G32B32_FLOAT},
					  {12, 1, 1, VIRGL_FORMAT_R8G8B8A8_UNORM}};
	uint32_t ve_h = gd_create_vertex_elements(C, 2, ve);
	struct gd_sampler_state ss = {.wrap_s = PIPE_TEX_WRAP_CLAMP_TO_EDGE,
				      .wrap_t = PIPE_TEX_WRAP_REPEAT,
				      .wrap_r = PIPE_TEX_WRAP_MIRROR_REPEAT,
				      .min_img_filter = PIPE_TEX_FILTER_LINEAR,
				      .min_mip_filter = PIPE_TEX_MIPFILTER_NONE,
				      .mag_img_filter = PIPE_TEX_FILTER_LINEAR,
				      .max_lod = 8,
				      .border_color = {1, 0, 0, 1}};
	uint32_t ss_h = gd_create_sampler_state(C, &ss);
	gd_bind_object(C, VIRGL_OBJECT_BLEND, blend);
	gd_bind_object(C, VIRGL_OBJECT_DSA, dsa_h);
	gd_bind_object(C, VIRGL_OBJECT_RASTERIZER, rs_h);
	gd_bind_object(C, VIRGL_OBJECT_VERTEX_ELEMENTS, ve_h);
	uint32_t samplers[1] = {ss_h};
	gd_bind_sampler_states(C, VIRGL_SHADER_FRAGMENT, 0, 1, samplers);
	flush_ok("state objects");

	/* Golden words, packed by hand from the bit layouts of virgl-wire.md 2.4. */
	size_t at = last_cmd(VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_BLEND);
	uint32_t rt = 1u | 0u << 1 | 3u << 4 | 0x13u << 9 | 1u << 14 | 1u << 17 | 0x11u << 22 |
		      0xfu << 27;
	CHECK_EQ_U(W->log[at], VGP_CMD_HEADER(VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_BLEND, 11));
	CHECK_EQ_U(W->log[at + 1], blend);
	CHECK_EQ_U(W->log[at + 3], 3);
	CHECK_EQ_U(W->log[at + 4], rt);
	CHECK_EQ_U(W->log[at + 11], rt); /* not independent: rt0 repeated for all 8 */
	at = last_cmd(VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_DSA);
	CHECK_EQ_U(W->log[at + 2], 1u | 1u << 1 | 3u << 2 | 1u << 8 | 4u << 9);
	CHECK_EQ_U(W->log[at + 3],
		   1u | 2u << 1 | 0u << 4 | 2u << 7 | 3u << 10 | 0xffu << 13 | 0x0fu << 21);
	CHECK_EQ_U(W->log[at + 5], 0x3f000000u);
	at = last_cmd(VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_RASTERIZER);
	CHECK_EQ_U(W->log[at + 2], 1u | 1u << 1 | 2u << 8 | 1u << 14 | 1u << 15 | 1u << 29);
	CHECK_EQ_U(W->log[at + 3], 0x40000000u); /* point size 2.0 */
	CHECK_EQ_U(W->log[at + 5], 0xf0f0u | 2u << 16 | 5u << 24);
	at = last_cmd(VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_SAMPLER_STATE);
	CHECK_EQ_U(W->log[at + 2], 2u | 0u << 3 | 4u << 6 | 1u << 9 | 2u << 11 | 1u << 13);

	/* The same stream as the renderer's decoder reads it. */
	const char *log = null_log();
	CHECK_CONTAINS(log, "type=BLEND indep=0 logicop=0/3 dither=0 a2c=0 a2one=0 "
			    "rt0=1,0,3,19,1,1,17,mask=0xf");
	CHECK_CONTAINS(log, "type=DSA depth=1,1,3 alpha=1,4,0.5 stencil0=1,2,0,2,3,0xff,0xf "
			    "stencil1=0,0,0,0,0,0x0,0x0");
	CHECK_CONTAINS(log, "type=RASTERIZER s0=0x2000c203 point_size=2 sprite=0x0 "
			    "stipple=0xf0f0,2 clip=0x5 line_width=3 offset=1,4,0");
	CHECK_CONTAINS(log, "type=VERTEX_ELEMENTS count=2 [0]=0,0,0,30 [1]=12,1,1,67");
	CHECK_CONTAINS(log, "type=SAMPLER_STATE wrap=2,0,4 filter=1,2,1 compare=0,0 seamless=0 "
			    "aniso=0 lod=0,0,8 border=0x3f800000,0x0,0x0,0x3f800000");
	CHECK_CONTAINS(log, "bind_object type=BLEND handle=1\nbind_object type=DSA handle=2\n"
			    "bind_object type=RASTERIZER handle=3\n"
			    "bind_object type=VERTEX_ELEMENTS handle=4\n"
			    "bind_sampler_states stage=1 start=0 count=1 handles=5");
}

static void
test_views_and_draw(void)
{
	struct gd_resource *tex = texture(VIRGL_FORMAT_B8G8R8A8_UNORM, 16, 8,
					  VIRGL_BIND_RENDER_TARGET | VIRGL_BIND_SAMPLER_VIEW);
	struct gd_resource *vb = buffer(256, VIRGL_BIND_VERTEX_BUFFER);
	struct gd_resource *ib = buffer(64, VIRGL_BIND_INDEX_BUFFER);
	struct gd_resource *ub = buffer(64, VIRGL_BIND_CONSTANT_BUFFER);
	struct gd_resource *tb = buffer(64, VIRGL_BIND_SAMPLER_VIEW);
	if (!tex || !vb || !ib || !ub || !tb) {
		return;
	}
	struct gd_view_desc sv = {
		.format = VIRGL_FORMAT_B8G8R8A8_UNORM,
		.swizzle = {PIPE_SWIZZLE_Z, PIPE_SWIZZLE_Y, PIPE_SWIZZLE_X, PIPE_SWIZZLE_1}};
	uint32_t view = gd_create_sampler_view(C, tex, &sv);
	struct gd_view_desc bv = {
		.format = VIRGL_FORMAT_R32_FLOAT,
		.last_element = 15,
		.swizzle = {PIPE_SWIZZLE_X, PIPE_SWIZZLE_Y, PIPE_SWIZZLE_Z, PIPE_SWIZZLE_W}};
	uint32_t bview = gd_create_sampler_view(C, tb, &bv);
	uint32_t surf = gd_create_surface(C, tex, &sv);
	uint32_t views[2] = {view, bview};
	gd_set_sampler_views(C, VIRGL_SHADER_FRAGMENT, 0, 2, views);
	gd_set_framebuffer(C, 1, &surf, 0);
	struct gd_viewport vp = {{8, 4, 0.5f}, {8, 4, 0.5f}};
	gd_set_viewports(C, 0, 1, &vp);
	struct gd_scissor sc = {1, 2, 15, 7};
	gd_set_scissors(C, 0, 1, &sc);
	struct gd_vertex_buffer vbs[1] = {{16, 32, vb}};
	gd_set_vertex_buffers(C, 1, vbs);
	float k[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	gd_set_constants(C, VIRGL_SHADER_VERTEX, k, 8);
	gd_set_uniform_buffer(C, VIRGL_SHADER_FRAGMENT, 1, ub, 0, 64);
	gd_set_stencil_ref(C, 3, 4);
	float bc[4] = {0.25f, 0.5f, 0.75f, 1};
	gd_set_blend_color(C, bc);
	gd_set_sample_mask(C, 0xffff);
	float cc[4] = {0, 0.5f, 1, 1};
	gd_clear(C, PIPE_CLEAR_COLOR0 | PIPE_CLEAR_DEPTH, cc, 0.75, 7);
	struct gd_draw_info d = {.mode = PIPE_PRIM_TRIANGLES,
				 .start = 3,
				 .count = 6,
				 .indexed = true,
				 .index_size = 2,
				 .index_offset = 4,
				 .index_buffer = ib,
				 .instance_count = 2,
				 .index_bias = -1,
				 .start_instance = 1,
				 .primitive_restart = true,
				 .restart_index = 0xffff,
				 .min_index = 0,
				 .max_index = 9};
	gd_draw(C, &d);
	flush_ok("views and draw");
	const char *log = null_log();
	CHECK_CONTAINS(log, "type=SAMPLER_VIEW res=1 fmt=1 target=2 layers=0-0 levels=0-0 "
			    "swizzle=2105");
	CHECK_CONTAINS(log, "type=SAMPLER_VIEW res=5 fmt=28 target=0 elements=0-15 swizzle=0123");
	CHECK_CONTAINS(log, "type=SURFACE res=1 fmt=1 level=0 layers=0-0");
	CHECK_CONTAINS(log, "set_sampler_views stage=1 start=0 count=2 handles=6,7");
	CHECK_CONTAINS(log, "set_framebuffer_state nr_cbufs=1 zsbuf=0 cbufs=8");
	CHECK_CONTAINS(log, "set_viewport_states start=0 count=1 scale=8,4,0.5 translate=8,4,0.5");
	CHECK_CONTAINS(log, "set_scissor_states start=0 count=1 1,2-15,7");
	CHECK_CONTAINS(log, "set_vertex_buffers count=1 [0]=16,32,2");
	CHECK_CONTAINS(log, "set_constant_buffer stage=0 index=0 count=8 ");
	CHECK_CONTAINS(log, "set_uniform_buffer stage=1 index=1 offset=0 length=64 res=4");
	CHECK_CONTAINS(log, "set_stencil_ref front=3 back=4");
	CHECK_CONTAINS(log, "set_blend_color 0.25,0.5,0.75,1");
	CHECK_CONTAINS(log, "set_sample_mask 0xffff");
	CHECK_CONTAINS(log, "clear buffers=0x5 color=0,0.5,1,1 depth=0.75 stencil=7");
	CHECK_CONTAINS(log, "set_index_buffer res=3 size=2 offset=4\n"
			    "draw_vbo mode=4 start=3 count=6 indexed=1 instances=2 bias=-1 "
			    "start_instance=1 restart=1,65535 min=0 max=9");

	struct gd_blit_info bi = {.dst = tex,
				  .src = tex,
				  .dst_format = VIRGL_FORMAT_B8G8R8A8_UNORM,
				  .src_format = VIRGL_FORMAT_B8G8R8A8_UNORM,
				  .dst_box = {8, 0, 0, 8, 8, 1},
				  .src_box = {0, 0, 0, 8, 8, 1},
				  .mask = PIPE_MASK_RGBA,
				  .filter = PIPE_TEX_FILTER_LINEAR};
	gd_blit(C, &bi);
	struct gd_box cb = {0, 0, 0, 4, 4, 1};
	gd_resource_copy_region(C, tex, 0, 12, 4, 0, tex, 0, &cb);
	gd_delete(C, VIRGL_OBJECT_SURFACE, surf);
	gd_delete(C, VIRGL_OBJECT_SAMPLER_VIEW, view);
	flush_ok("blit and copy");
	log = null_log();
	CHECK_CONTAINS(log, "blit mask=0xf filter=1 scissor=0 cond=0 alpha=0 dst=1,0,fmt=1,8,0,0 "
			    "8x8x1 src=1,0,fmt=1,0,0,0 8x8x1");
	CHECK_CONTAINS(log, "resource_copy_region dst=1,0 at 12,4,0 src=1,0 box=0,0,0 4x4x1");
	CHECK_CONTAINS(log, "destroy_object handle=8 type=SURFACE\n"
			    "destroy_object handle=6 type=SAMPLER_VIEW");
	gd_resource_unref(tex);
	gd_resource_unref(vb);
	gd_resource_unref(ib);
	gd_resource_unref(ub);
	gd_resource_unref(tb);
}

static void
test_shaders(void)
{
	static const char fs[] = "FRAG\nDCL OUT[0], COLOR\nIMM[0] FLT32 {0x3f800000, 0x00000000, "
				 "0x00000000, 0x3f800000}\n  0: MOV OUT[0], IMM[0]\n  1: END\n";
	uint32_t h = gd_create_shader(C, VIRGL_SHADER_FRAGMENT, fs);
	gd_bind_shader(C, VIRGL_SHADER_FRAGMENT, h);
	flush_ok("short shader");
	size_t at = last_cmd(VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_SHADER);
	CHECK_EQ_U(W->log[at] >> 16, 5 + (sizeof(fs) + 3) / 4);
	CHECK_EQ_U(W->log[at + 2], VIRGL_SHADER_FRAGMENT);
	CHECK_EQ_U(W->log[at + 3], sizeof(fs)); /* whole length, NUL included */
	CHECK_EQ_U(W->log[at + 5], 0);          /* no stream output */
	CHECK(memcmp(&W->log[at + 6], fs, sizeof(fs)) == 0, "shader text differs");
	CHECK_CONTAINS(null_log(), "bind_shader stage=1");

	/* A text longer than one command: split, later chunks carry their offset. */
	size_t pad = 300000;
	char *big = malloc(sizeof(fs) + pad);
	memcpy(big, fs, sizeof(fs) - 1);
	memset(big + sizeof(fs) - 1, '\n', pad);
	big[sizeof(fs) - 1 + pad] = 0;
	size_t before = W->nlog;
	uint32_t hb = gd_create_shader(C, VIRGL_SHADER_FRAGMENT, big);
	flush_ok("long shader");
	unsigned chunks = 0, cont = 0;
	for (size_t i = before; i < W->nlog; i += 1 + (W->log[i] >> 16)) {
		if ((W->log[i] & 0xffff) == (VIRGL_CCMD_CREATE_OBJECT | VIRGL_OBJECT_SHADER << 8)) {
			chunks++;
			CHECK_EQ_U(W->log[i + 1], hb);
			cont += (W->log[i + 3] & VIRGL_OBJ_SHADER_OFFSET_CONT) != 0;
		}
	}
	CHECK(chunks >= 2 && cont == chunks - 1, "%u chunks, %u continuations", chunks, cont);
	CHECK(W->ctx->error[0] == 0, "host rejected the split shader: %s", W->ctx->error);
	free(big);
}

static void
test_uploads(void)
{
	struct gd_resource *buf = buffer(4096, VIRGL_BIND_VERTEX_BUFFER);
	if (!buf) {
		return;
	}
	uint8_t data[256];
	for (int i = 0; i < 256; i++) {
		data[i] = (uint8_t)i;
	}
	uint32_t h = gd_resource_handle(buf);
	char line[160];

	/* Inline: the bytes ride in the stream behind an 11-dword header. */
	CHECK_EQ_U(gd_buffer_write(C, buf, 16, 256, data, GD_XFER_INLINE), 0);
	flush_ok("inline write");
	size_t at = last_cmd(VIRGL_CCMD_RESOURCE_INLINE_WRITE, 0);
	CHECK_EQ_U(W->log[at] >> 16, 11 + 64);
	CHECK_EQ_U(W->log[at + 1], h);
	CHECK_EQ_U(W->log[at + 6], 16); /* box x = byte offset */
	CHECK_EQ_U(W->log[at + 9], 256);
	CHECK(memcmp(&W->log[at + 12], data, 256) == 0, "inline bytes differ");
	snprintf(line, sizeof(line),
		 "transfer res=%u to_host=1 level=0 box=16,0,0 256x1x1 stride=256", h);
	CHECK_CONTAINS(null_log(), line);

	/* TRANSFER3D: bytes in guest memory, the command names their offset. */
	CHECK_EQ_U(gd_buffer_write(C, buf, 1024, 256, data, GD_XFER_TRANSFER3D), 0);
	flush_ok("transfer3d");
	at = last_cmd(VIRGL_CCMD_TRANSFER3D, 0);
	CHECK_EQ_U(W->log[at] >> 16, VIRGL_TRANSFER3D_SIZE);
	CHECK_EQ_U(W->log[at + 1], h);
	CHECK_EQ_U(W->log[at + 6], 1024);
	CHECK_EQ_U(W->log[at + 9], 256);
	CHECK_EQ_U(W->log[at + 12], 1024); /* guest memory offset of the box */
	CHECK_EQ_U(W->log[at + 13], VIRGL_TRANSFER_TO_HOST);

	/* Staging: guest memory + a winsys transfer, no command at all. */
	uint32_t transfers = W->transfers;
	size_t nlog = W->nlog;
	CHECK_EQ_U(gd_buffer_write(C, buf, 2048, 256, data, GD_XFER_STAGING), 0);
	CHECK_EQ_U(W->transfers, transfers + 1);
	CHECK_EQ_U(W->nlog, nlog);

	/* A 2D box: rows land at the level pitch in guest memory. */
	struct gd_resource *tex =
		texture(VIRGL_FORMAT_R8G8B8A8_UNORM, 32, 32, VIRGL_BIND_SAMPLER_VIEW);
	struct gd_box box = {4, 2, 0, 8, 4, 1};
	CHECK_EQ_U(gd_texture_write(C, tex, 0, &box, data, 32, 0, GD_XFER_TRANSFER3D), 0);
	flush_ok("texture transfer3d");
	at = last_cmd(VIRGL_CCMD_TRANSFER3D, 0);
	CHECK_EQ_U(W->log[at + 4], 128);              /* stride: 32 texels x 4 */
	CHECK_EQ_U(W->log[at + 12], 2 * 128 + 4 * 4); /* origin of the box */

	/* A texture too big for one command goes inline in several. */
	struct gd_resource *big =
		texture(VIRGL_FORMAT_R8G8B8A8_UNORM, 512, 512, VIRGL_BIND_SAMPLER_VIEW);
	uint8_t *px = calloc(512 * 512, 4);
	struct gd_box all = {0, 0, 0, 512, 512, 1};
	size_t before = W->nlog;
	CHECK_EQ_U(gd_texture_write(C, big, 0, &all, px, 0, 0, GD_XFER_INLINE), 0);
	flush_ok("big inline");
	unsigned pieces = 0, rows = 0;
	for (size_t i = before; i < W->nlog; i += 1 + (W->log[i] >> 16)) {
		if ((W->log[i] & 0xff) == VIRGL_CCMD_RESOURCE_INLINE_WRITE) {
			pieces++;
			rows += W->log[i + 10];
		}
	}
	CHECK(pieces >= 4 && rows == 512, "%u pieces covering %u rows", pieces, rows);
	free(px);
	gd_resource_unref(big);
	gd_resource_unref(tex);
	gd_resource_unref(buf);
}

static void
test_queries(void)
{
	uint32_t q = gd_create_query(C, PIPE_QUERY_OCCLUSION_COUNTER, 0);
	CHECK(q != 0, "query create failed: %d", gd_context_error(C));
	gd_begin_query(C, q);
	gd_end_query(C, q);
	uint64_t result = 0;
	int r = gd_get_query_result(C, q, true, &result);
	CHECK(r == 0 || r == -EAGAIN, "get result: %d", r);
	char line[96];
	snprintf(line, sizeof(line), "begin_query handle=%u", q);
	CHECK_CONTAINS(null_log(), line);
	gd_delete(C, VIRGL_OBJECT_QUERY, q);
	flush_ok("query delete");
}

/* Our own misuse is refused before anything is encoded; errors are sticky. */
static void
test_errors(void)
{
	struct gd_resource *tex =
		texture(VIRGL_FORMAT_R8G8B8A8_UNORM, 8, 8, VIRGL_BIND_SAMPLER_VIEW);
	uint8_t px[4] = {0};
	struct gd_box outside = {6, 0, 0, 4, 1, 1};
	CHECK_EQ_U(gd_texture_write(C, tex, 0, &outside, px, 0, 0, GD_XFER_INLINE), -EINVAL);
	struct gd_box level = {0, 0, 0, 1, 1, 1};
	CHECK_EQ_U(gd_texture_write(C, tex, 1, &level, px, 0, 0, GD_XFER_INLINE), -EINVAL);
	CHECK_EQ_U(gd_context_error(C), 0); /* argument errors do not poison the context */
	gd_resource_unref(tex);

	struct gd_resource_desc bad = {.target = PIPE_TEXTURE_2D,
				       .format = 9999,
				       .bind = VIRGL_BIND_SAMPLER_VIEW,
				       .width = 4,
				       .height = 4};
	struct gd_resource *res = NULL;
	CHECK(gd_resource_create(S, &bad, &res) < 0 && res == NULL, "unknown format accepted");

	/* A second context: its own sub-context, so its errors stay its own. */
	struct gd_context *c2 = NULL;
	CHECK_EQ_U(gd_context_create(S, &c2), 0);
	if (!c2) {
		return;
	}
	uint32_t cbufs[9] = {0};
	gd_set_framebuffer(c2, 9, cbufs, 0);
	CHECK_EQ_U(gd_context_error(c2), -EINVAL);
	CHECK_EQ_U(gd_create_blend(c2, &(struct gd_blend_state){0}), 0); /* sticky */
	CHECK_EQ_U(gd_context_flush(c2, false), -EINVAL);
	gd_context_destroy(c2);

	/* The host refusing a command surfaces as -EPROTO from the flush. */
	struct gd_context *c3 = NULL;
	CHECK_EQ_U(gd_context_create(S, &c3), 0);
	if (c3) {
		gd_bind_object(c3, VIRGL_OBJECT_BLEND, 12345);
		CHECK_EQ_U(gd_context_flush(c3, true), -EPROTO);
		CHECK_EQ_U(gd_context_error(c3), -EPROTO);
		gd_context_destroy(c3);
	}
}

/* Mapping: the pointer is the box origin in guest memory at the level pitch. */
static void
test_map(void)
{
	struct gd_resource *tex =
		texture(VIRGL_FORMAT_R8G8B8A8_UNORM, 16, 16, VIRGL_BIND_SAMPLER_VIEW);
	if (!tex) {
		return;
	}
	struct gd_box box = {2, 3, 0, 4, 2, 1};
	struct gd_transfer *t = NULL;
	uint32_t stride = 0, layer_stride = 0;
	void *ptr = NULL;
	int r = gd_transfer_map(C, tex, 0, GD_MAP_WRITE, &box, GD_XFER_TRANSFER3D, &ptr, &stride,
				&layer_stride, &t);
	CHECK(r == 0 && ptr, "map failed: %d", r);
	if (!ptr) {
		return;
	}
	uint8_t *p = ptr;
	CHECK_EQ_U(stride, 64);
	CHECK_EQ_U(layer_stride, 64 * 16);
	p[0] = 0xab;
	p[stride + 15] = 0xcd;
	CHECK_EQ_U(gd_transfer_unmap(C, t), 0);
	flush_ok("map write");
	size_t at = last_cmd(VIRGL_CCMD_TRANSFER3D, 0);
	CHECK_EQ_U(W->log[at + 12], 3 * 64 + 2 * 4);
	CHECK_EQ_U(W->log[at + 9], 4); /* box w */

	uint32_t transfers = W->transfers;
	r = gd_transfer_map(C, tex, 0, GD_MAP_READ, &box, GD_XFER_AUTO, &ptr, &stride,
			    &layer_stride, &t);
	CHECK(r == 0 && ptr, "read map failed: %d", r);
	CHECK_EQ_U(W->transfers, transfers + 1); /* fetched from the host first */
	CHECK_EQ_U(gd_transfer_unmap(C, t), 0);
	r = gd_transfer_map(C, tex, 0, 0, &box, GD_XFER_AUTO, &ptr, &stride, &layer_stride, &t);
	CHECK_EQ_U(r, -EINVAL); /* neither READ nor WRITE */
	CHECK_EQ_U(gd_context_error(C), 0);
	gd_resource_unref(tex);
}

/* Exhausted host or transport resources come back as error codes, and the
 * screen stays usable where the host allows it. */
static void
test_exhaustion(void)
{
	struct gd_resource *res = NULL;
	W->create_error = -ENOSPC;
	CHECK_EQ_U(gd_resource_create(
			   S, &(struct gd_resource_desc){.target = PIPE_BUFFER, .width = 64}, &res),
		   -ENOSPC);
	CHECK(res == NULL, "resource returned on failure");
	W->create_error = 0;

	/* A fresh connection: the host keeps at most 64 sub-contexts per context. */
	struct fake_ws *f = fake_create();
	struct gd_screen *s = NULL;
	CHECK_EQ_U(gd_screen_create(&f->base, &s), 0);
	struct gd_context *ctxs[80] = {NULL};
	int r = 0, made = 0;
	while (made < 80 && (r = gd_context_create(s, &ctxs[made])) == 0) {
		made++;
	}
	CHECK(made == 64 && r == -EPROTO, "%d contexts, then %d", made, r);
	for (int i = 0; i < made; i++) {
		gd_context_destroy(ctxs[i]);
	}
	gd_screen_destroy(s);
}

/* The transport going away: -ENOTCONN, sticky, no crash. Runs last. */
static void
test_disconnect(void)
{
	W->fail_submit = true;
	gd_set_sample_mask(C, 1);
	CHECK_EQ_U(gd_context_flush(C, false), -ENOTCONN);
	CHECK_EQ_U(gd_context_error(C), -ENOTCONN);
	CHECK_EQ_U(gd_screen_status(S), -ENOTCONN);
	struct gd_context *c = NULL;
	CHECK_EQ_U(gd_context_create(S, &c), -ENOTCONN);
	CHECK(c == NULL, "context created on a dead screen");
	struct gd_resource *res = NULL;
	struct gd_resource_desc d = {.target = PIPE_BUFFER, .width = 16};
	CHECK_EQ_U(gd_resource_create(S, &d, &res), -ENOTCONN);
}

int
main(void)
{
	W = fake_create();
	int r = gd_screen_create(&W->base, &S);
	CHECK(r == 0, "screen: %d", r);
	r = gd_context_create(S, &C);
	CHECK(r == 0, "context: %d", r);
	if (!S || !C) {
		return vgp_test_result("gd-encode");
	}
	test_context_preamble();
	test_state_objects();
	test_views_and_draw();
	test_shaders();
	test_uploads();
	test_queries();
	test_map();
	test_exhaustion();
	test_errors();
	test_disconnect();
	gd_context_destroy(C);
	gd_screen_destroy(S);
	return vgp_test_result("gd-encode");
}
