/*
 * pvgpu tests — a header-only virgl command-stream encoder.
 *
 * Tests build command buffers with it and feed them to vr_ctx_submit. Every
 * helper appends one command (header + payload) to a fixed dword array; nothing
 * is validated, so tests can also build malformed streams (use vgp_enc_cmd /
 * vgp_enc_dw for arbitrary lengths). When the array is full further commands are
 * dropped and `overflow` is set, so a test can assert it never happened.
 *
 * The struct is large (~260 KB): allocate it with vgp_enc_new() or make it
 * static rather than putting it on the stack. Single-threaded, no global state.
 *
 * API is stable: the GL render tests use it too. Add helpers, don't change them.
 */
#ifndef VGP_ENCODE_H
#define VGP_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vgp_virgl_cmd.h"

#define VGP_ENC_MAX_DWORDS VGP_MAX_CMDBUF_DWORDS
/* Mesa reserves the first 1024 dwords of every buffer for TRANSFER3D commands. */
#define VGP_ENC_TRANSFER_AREA 1024u

struct vgp_enc {
	uint32_t dw[VGP_ENC_MAX_DWORDS];
	size_t n;      /* dwords used */
	bool overflow; /* a command did not fit and was dropped */
};

/* A box as sent on the wire (x, y, z, w, h, d). */
struct vgp_enc_box {
	int32_t x, y, z, w, h, d;
};

static inline struct vgp_enc_box
vgp_enc_box(int32_t x, int32_t y, int32_t z, int32_t w, int32_t h, int32_t d)
{
	struct vgp_enc_box b = {x, y, z, w, h, d};
	return b;
}

struct vgp_enc_vertex_element {
	uint32_t src_offset;
	uint32_t instance_divisor;
	uint32_t vertex_buffer_index;
	uint32_t format; /* virgl format */
};

struct vgp_enc_vertex_buffer {
	uint32_t stride;
	uint32_t offset;
	uint32_t res; /* 0 = unbind */
};

/* BUFFER-style slot: SET_SHADER_BUFFERS / SET_ATOMIC_BUFFERS. */
struct vgp_enc_buffer_slot {
	uint32_t offset;
	uint32_t length;
	uint32_t res;
};

struct vgp_enc_image_slot {
	uint32_t format;
	uint32_t access;
	uint32_t offset; /* or first layer */
	uint32_t size;   /* or level */
	uint32_t res;
};

struct vgp_enc_blit {
	uint32_t mask; /* PIPE_MASK_* */
	uint32_t filter;
	bool scissor_enable, render_condition_enable, alpha_blend;
	uint16_t scissor_minx, scissor_miny, scissor_maxx, scissor_maxy;
	uint32_t dst_res, dst_level, dst_format;
	struct vgp_enc_box dst_box;
	uint32_t src_res, src_level, src_format;
	struct vgp_enc_box src_box;
};

/* Full DRAW_VBO payload; len selects the 12 / 14 / 20 dword form. */
struct vgp_enc_draw {
	uint32_t start, count, mode, indexed, instance_count;
	int32_t index_bias;
	uint32_t start_instance, primitive_restart, restart_index;
	uint32_t min_index, max_index, count_from_so;
	uint32_t vertices_per_patch, drawid;
	uint32_t indirect_res, indirect_offset, indirect_stride, indirect_draw_count;
	uint32_t indirect_draw_count_offset, indirect_draw_count_res;
};

/* ---------------------------------------------------------------- basics */

static inline void
vgp_enc_reset(struct vgp_enc *e)
{
	e->n = 0;
	e->overflow = false;
}

/** Heap-allocated, empty encoder; free() it. NULL on allocation failure. */
static inline struct vgp_enc *
vgp_enc_new(void)
{
	struct vgp_enc *e = malloc(sizeof(*e));
	if (e) {
		vgp_enc_reset(e);
	}
	return e;
}

static inline uint32_t
vgp_enc_f2u(float f)
{
	uint32_t u;
	memcpy(&u, &f, sizeof(u));
	return u;
}

/**
 * Appends a header for (op, objtype, len) and reserves `len` zeroed payload
 * dwords. Returns a pointer to the header (payload dword k at index k), or NULL
 * (and sets overflow) if it does not fit. `len` is not checked against 65535 on
 * purpose: tests encode broken headers with it via vgp_enc_dw.
 */
static inline uint32_t *
vgp_enc_cmd(struct vgp_enc *e, uint32_t op, uint32_t objtype, uint32_t len)
{
	if (e->overflow || len > VGP_ENC_MAX_DWORDS - 1 || e->n + 1 + len > VGP_ENC_MAX_DWORDS) {
		e->overflow = true;
		return NULL;
	}
	uint32_t *p = &e->dw[e->n];
	p[0] = VGP_CMD_HEADER(op, objtype, len);
	memset(&p[1], 0, (size_t)len * 4);
	e->n += 1 + (size_t)len;
	return p;
}

/** Appends one raw dword (for hand-made, possibly malformed streams). */
static inline void
vgp_enc_dw(struct vgp_enc *e, uint32_t v)
{
	if (e->n >= VGP_ENC_MAX_DWORDS) {
		e->overflow = true;
		return;
	}
	e->dw[e->n++] = v;
}

/** Appends a command with an explicit payload copied from `payload`. */
static inline uint32_t *
vgp_enc_raw(struct vgp_enc *e, uint32_t op, uint32_t objtype, uint32_t len, const uint32_t *payload)
{
	uint32_t *p = vgp_enc_cmd(e, op, objtype, len);
	if (p && len) {
		memcpy(&p[1], payload, (size_t)len * 4);
	}
	return p;
}

static inline void
vgp_enc_box_at(uint32_t *p, const struct vgp_enc_box *b)
{
	p[0] = (uint32_t)b->x;
	p[1] = (uint32_t)b->y;
	p[2] = (uint32_t)b->z;
	p[3] = (uint32_t)b->w;
	p[4] = (uint32_t)b->h;
	p[5] = (uint32_t)b->d;
}

/* ------------------------------------------------------- misc / sub-contexts */

static inline void
vgp_enc_nop(struct vgp_enc *e, uint32_t len)
{
	vgp_enc_cmd(e, VIRGL_CCMD_NOP, 0, len);
}

static inline void
vgp_enc_create_sub_ctx(struct vgp_enc *e, uint32_t id)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_CREATE_SUB_CTX, 0, 1);
	if (p) {
		p[1] = id;
	}
}

static inline void
vgp_enc_set_sub_ctx(struct vgp_enc *e, uint32_t id)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_SET_SUB_CTX, 0, 1);
	if (p) {
		p[1] = id;
	}
}

static inline void
vgp_enc_destroy_sub_ctx(struct vgp_enc *e, uint32_t id)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_DESTROY_SUB_CTX, 0, 1);
	if (p) {
		p[1] = id;
	}
}

/** END_TRANSFERS with `len` padding dwords. */
static inline void
vgp_enc_end_transfers(struct vgp_enc *e, uint32_t len)
{
	vgp_enc_cmd(e, VIRGL_CCMD_END_TRANSFERS, 0, len);
}

/** Pads with END_TRANSFERS up to dword 1024, as Mesa does (needs n < 1024). */
static inline void
vgp_enc_transfer_area_end(struct vgp_enc *e)
{
	if (e->n < VGP_ENC_TRANSFER_AREA) {
		vgp_enc_end_transfers(e, (uint32_t)(VGP_ENC_TRANSFER_AREA - e->n - 1));
	}
}

/* ------------------------------------------------------------------ objects */

/** One BLEND per-RT dword (S2) from its fields. */
static inline uint32_t
vgp_enc_blend_rt(bool enable, uint32_t rgb_func, uint32_t rgb_src, uint32_t rgb_dst,
		 uint32_t alpha_func, uint32_t alpha_src, uint32_t alpha_dst, uint32_t colormask)
{
	return (enable ? 1u : 0u) | (rgb_func & 7u) << 1 | (rgb_src & 0x1fu) << 4 |
	       (rgb_dst & 0x1fu) << 9 | (alpha_func & 7u) << 14 | (alpha_src & 0x1fu) << 17 |
	       (alpha_dst & 0x1fu) << 22 | (colormask & 0xfu) << 27;
}

/** BLEND: s0 (independent/logicop/dither/a2c/a2one), s1 (logicop func), 8 RT dwords. */
static inline void
vgp_enc_create_blend(struct vgp_enc *e, uint32_t handle, uint32_t s0, uint32_t s1,
		     const uint32_t rt[VIRGL_MAX_COLOR_BUFS])
{
	uint32_t *p =
		vgp_enc_cmd(e, VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_BLEND, VIRGL_OBJ_BLEND_SIZE);
	if (p) {
		p[1] = handle;
		p[2] = s0;
		p[3] = s1;
		for (int i = 0; i < VIRGL_MAX_COLOR_BUFS; i++) {
			p[4 + i] = rt ? rt[i] : 0;
		}
	}
}

/** BLEND with blending off and full colormask on every RT (what glxgears sends). */
static inline void
vgp_enc_create_blend_default(struct vgp_enc *e, uint32_t handle)
{
	uint32_t rt[VIRGL_MAX_COLOR_BUFS];
	for (int i = 0; i < VIRGL_MAX_COLOR_BUFS; i++) {
		rt[i] = 0xfu << 27;
	}
	vgp_enc_create_blend(e, handle, 0, 0, rt);
}

static inline void
vgp_enc_create_rasterizer(struct vgp_enc *e, uint32_t handle, uint32_t s0, float point_size,
			  uint32_t sprite_coord_enable, uint32_t s3, float line_width,
			  float offset_units, float offset_scale, float offset_clamp)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_RASTERIZER,
				  VIRGL_OBJ_RS_SIZE);
	if (p) {
		p[1] = handle;
		p[2] = s0;
		p[3] = vgp_enc_f2u(point_size);
		p[4] = sprite_coord_enable;
		p[5] = s3;
		p[6] = vgp_enc_f2u(line_width);
		p[7] = vgp_enc_f2u(offset_units);
		p[8] = vgp_enc_f2u(offset_scale);
		p[9] = vgp_enc_f2u(offset_clamp);
	}
}

/** RASTERIZER with point size and line width 1, no offsets. */
static inline void
vgp_enc_create_rasterizer_simple(struct vgp_enc *e, uint32_t handle, uint32_t s0)
{
	vgp_enc_create_rasterizer(e, handle, s0, 1.0f, 0, 0, 1.0f, 0.0f, 0.0f, 0.0f);
}

/** One DSA stencil dword (S1/S2) from its fields. */
static inline uint32_t
vgp_enc_dsa_stencil(bool enable, uint32_t func, uint32_t fail_op, uint32_t zpass_op,
		    uint32_t zfail_op, uint32_t valuemask, uint32_t writemask)
{
	return (enable ? 1u : 0u) | (func & 7u) << 1 | (fail_op & 7u) << 4 | (zpass_op & 7u) << 7 |
	       (zfail_op & 7u) << 10 | (valuemask & 0xffu) << 13 | (writemask & 0xffu) << 21;
}

/** DSA: s0 = depth enable|writemask<<1|func<<2|alpha enable<<8|alpha func<<9. */
static inline void
vgp_enc_create_dsa(struct vgp_enc *e, uint32_t handle, uint32_t s0, uint32_t front, uint32_t back,
		   float alpha_ref)
{
	uint32_t *p =
		vgp_enc_cmd(e, VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_DSA, VIRGL_OBJ_DSA_SIZE);
	if (p) {
		p[1] = handle;
		p[2] = s0;
		p[3] = front;
		p[4] = back;
		p[5] = vgp_enc_f2u(alpha_ref);
	}
}

static inline void
vgp_enc_create_vertex_elements(struct vgp_enc *e, uint32_t handle, uint32_t count,
			       const struct vgp_enc_vertex_element *ve)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_VERTEX_ELEMENTS,
				  1 + 4 * count);
	if (p) {
		p[1] = handle;
		for (uint32_t i = 0; i < count; i++) {
			p[2 + 4 * i] = ve[i].src_offset;
			p[3 + 4 * i] = ve[i].instance_divisor;
			p[4 + 4 * i] = ve[i].vertex_buffer_index;
			p[5 + 4 * i] = ve[i].format;
		}
	}
}

#define VGP_ENC_SWIZZLE_IDENTITY (0u | 1u << 3 | 2u << 6 | 3u << 9)

/**
 * SAMPLER_VIEW, raw: `format_target` = format | target << 24 (target 0 = the
 * resource's); dw4/dw5 = layers/levels (textures) or first/last element (buffers).
 */
static inline void
vgp_enc_create_sampler_view(struct vgp_enc *e, uint32_t handle, uint32_t res,
			    uint32_t format_target, uint32_t dw4, uint32_t dw5, uint32_t swizzle)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_SAMPLER_VIEW,
				  VIRGL_OBJ_SAMPLER_VIEW_SIZE);
	if (p) {
		p[1] = handle;
		p[2] = res;
		p[3] = format_target;
		p[4] = dw4;
		p[5] = dw5;
		p[6] = swizzle;
	}
}

/** SAMPLER_VIEW of a texture: layers first..last, levels first..last, identity swizzle. */
static inline void
vgp_enc_create_sampler_view_tex(struct vgp_enc *e, uint32_t handle, uint32_t res, uint32_t format,
				uint32_t target, uint32_t first_layer, uint32_t last_layer,
				uint32_t first_level, uint32_t last_level)
{
	vgp_enc_create_sampler_view(e, handle, res, (format & 0xffffffu) | target << 24,
				    first_layer | last_layer << 16, first_level | last_level << 8,
				    VGP_ENC_SWIZZLE_IDENTITY);
}

/** SAMPLER_STATE: s0 packs wrap/filter/compare/anisotropy (see virgl-wire.md §2.4). */
static inline void
vgp_enc_create_sampler_state(struct vgp_enc *e, uint32_t handle, uint32_t s0, float lod_bias,
			     float min_lod, float max_lod, const uint32_t border[4])
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_SAMPLER_STATE,
				  VIRGL_OBJ_SAMPLER_STATE_SIZE);
	if (p) {
		p[1] = handle;
		p[2] = s0;
		p[3] = vgp_enc_f2u(lod_bias);
		p[4] = vgp_enc_f2u(min_lod);
		p[5] = vgp_enc_f2u(max_lod);
		for (int i = 0; i < 4; i++) {
			p[6 + i] = border ? border[i] : 0;
		}
	}
}

/** SURFACE of a texture level (layers first..last) or a buffer (dw4/dw5 = elements). */
static inline void
vgp_enc_create_surface(struct vgp_enc *e, uint32_t handle, uint32_t res, uint32_t format,
		       uint32_t level, uint32_t first_layer, uint32_t last_layer)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_SURFACE,
				  VIRGL_OBJ_SURFACE_SIZE);
	if (p) {
		p[1] = handle;
		p[2] = res;
		p[3] = format;
		p[4] = level;
		p[5] = first_layer | last_layer << 16;
	}
}

static inline void
vgp_enc_create_msaa_surface(struct vgp_enc *e, uint32_t handle, uint32_t res, uint32_t format,
			    uint32_t level, uint32_t first_layer, uint32_t last_layer,
			    uint32_t samples)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_MSAA_SURFACE,
				  VIRGL_OBJ_MSAA_SURFACE_SIZE);
	if (p) {
		p[1] = handle;
		p[2] = res;
		p[3] = format;
		p[4] = level;
		p[5] = first_layer | last_layer << 16;
		p[6] = samples;
	}
}

static inline void
vgp_enc_create_query(struct vgp_enc *e, uint32_t handle, uint32_t type, uint32_t index,
		     uint32_t offset, uint32_t res)
{
	uint32_t *p =
		vgp_enc_cmd(e, VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_QUERY, VIRGL_OBJ_QUERY_SIZE);
	if (p) {
		p[1] = handle;
		p[2] = (type & 0xffffu) | index << 16;
		p[3] = offset;
		p[4] = res;
	}
}

static inline void
vgp_enc_create_streamout_target(struct vgp_enc *e, uint32_t handle, uint32_t res, uint32_t offset,
				uint32_t size)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_STREAMOUT_TARGET,
				  VIRGL_OBJ_STREAMOUT_SIZE);
	if (p) {
		p[1] = handle;
		p[2] = res;
		p[3] = offset;
		p[4] = size;
	}
}

/**
 * One CREATE_OBJECT/SHADER chunk carrying `nbytes` of text (padded with zeros to
 * a dword). `offlen` is the total length incl. NUL for the first chunk, or
 * offset | VIRGL_OBJ_SHADER_OFFSET_CONT for a continuation. No stream output.
 */
static inline void
vgp_enc_create_shader_chunk(struct vgp_enc *e, uint32_t handle, uint32_t stage, uint32_t offlen,
			    uint32_t num_tokens, const void *bytes, uint32_t nbytes)
{
	uint32_t ndw = (nbytes + 3) / 4;
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_SHADER,
				  VIRGL_OBJ_SHADER_HDR_SIZE + ndw);
	if (p) {
		p[1] = handle;
		p[2] = stage;
		p[3] = offlen;
		p[4] = num_tokens;
		p[5] = 0;
		if (nbytes) {
			memcpy(&p[6], bytes, nbytes);
		}
	}
}

/** A whole shader in one chunk: the NUL-terminated `text`. */
static inline void
vgp_enc_create_shader(struct vgp_enc *e, uint32_t handle, uint32_t stage, uint32_t num_tokens,
		      const char *text)
{
	uint32_t len = (uint32_t)strlen(text) + 1;
	vgp_enc_create_shader_chunk(e, handle, stage, len, num_tokens, text, len);
}

/**
 * A shader with stream output: `so_stride[4]`, and `num_so` pairs of
 * (output dword, stream dword) in `so` (2 * num_so dwords).
 */
static inline void
vgp_enc_create_shader_so(struct vgp_enc *e, uint32_t handle, uint32_t stage, uint32_t num_tokens,
			 const char *text, uint32_t num_so, const uint32_t so_stride[4],
			 const uint32_t *so)
{
	uint32_t len = (uint32_t)strlen(text) + 1;
	uint32_t so_dw = num_so ? 4 + 2 * num_so : 0;
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_SHADER,
				  VIRGL_OBJ_SHADER_HDR_SIZE + so_dw + (len + 3) / 4);
	if (p) {
		p[1] = handle;
		p[2] = stage;
		p[3] = len;
		p[4] = num_tokens;
		p[5] = num_so;
		if (num_so) {
			memcpy(&p[6], so_stride, 16);
			memcpy(&p[10], so, (size_t)num_so * 8);
		}
		memcpy(&p[6 + so_dw], text, len);
	}
}

static inline void
vgp_enc_bind_object(struct vgp_enc *e, uint32_t type, uint32_t handle)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_BIND_OBJECT, type, 1);
	if (p) {
		p[1] = handle;
	}
}

static inline void
vgp_enc_destroy_object(struct vgp_enc *e, uint32_t type, uint32_t handle)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_DESTROY_OBJECT, type, 1);
	if (p) {
		p[1] = handle;
	}
}

static inline void
vgp_enc_bind_shader(struct vgp_enc *e, uint32_t handle, uint32_t stage)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_BIND_SHADER, 0, 2);
	if (p) {
		p[1] = handle;
		p[2] = stage;
	}
}

/** LINK_SHADER: handles for VS, FS, GS, TCS, TES, CS (0 = none). */
static inline void
vgp_enc_link_shader(struct vgp_enc *e, const uint32_t handles[VIRGL_SHADER_STAGES])
{
	vgp_enc_raw(e, VIRGL_CCMD_LINK_SHADER, 0, VIRGL_LINK_SHADER_SIZE, handles);
}

/* -------------------------------------------------------------------- state */

/** SET_VIEWPORT_STATE for `count` viewports: 6 floats each (scale xyz, translate xyz). */
static inline void
vgp_enc_set_viewport_states(struct vgp_enc *e, uint32_t start, uint32_t count,
			    const float *six_per_viewport)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_SET_VIEWPORT_STATE, 0, 1 + 6 * count);
	if (p) {
		p[1] = start;
		for (uint32_t i = 0; i < 6 * count; i++) {
			p[2 + i] = vgp_enc_f2u(six_per_viewport[i]);
		}
	}
}

/** Viewport 0 covering x0,y0 .. x0+w,y0+h with depth range [0, 1]. */
static inline void
vgp_enc_set_viewport(struct vgp_enc *e, float x0, float y0, float w, float h)
{
	float v[6] = {w / 2, h / 2, 0.5f, x0 + w / 2, y0 + h / 2, 0.5f};
	vgp_enc_set_viewport_states(e, 0, 1, v);
}

static inline void
vgp_enc_set_framebuffer_state(struct vgp_enc *e, uint32_t nr_cbufs, uint32_t zsurf,
			      const uint32_t *cbufs)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_SET_FRAMEBUFFER_STATE, 0, 2 + nr_cbufs);
	if (p) {
		p[1] = nr_cbufs;
		p[2] = zsurf;
		for (uint32_t i = 0; i < nr_cbufs; i++) {
			p[3 + i] = cbufs[i];
		}
	}
}

static inline void
vgp_enc_set_framebuffer_state_no_attach(struct vgp_enc *e, uint32_t width, uint32_t height,
					uint32_t layers, uint32_t samples)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_SET_FRAMEBUFFER_STATE_NO_ATTACH, 0,
				  VIRGL_FB_NO_ATTACH_SIZE);
	if (p) {
		p[1] = (width & 0xffffu) | height << 16;
		p[2] = (layers & 0xffffu) | samples << 16;
	}
}

static inline void
vgp_enc_set_vertex_buffers(struct vgp_enc *e, uint32_t count,
			   const struct vgp_enc_vertex_buffer *vbs)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_SET_VERTEX_BUFFERS, 0, 3 * count);
	if (p) {
		for (uint32_t i = 0; i < count; i++) {
			p[1 + 3 * i] = vbs[i].stride;
			p[2 + 3 * i] = vbs[i].offset;
			p[3 + 3 * i] = vbs[i].res;
		}
	}
}

/** SET_INDEX_BUFFER, 3-dword form (res 0 unbinds). */
static inline void
vgp_enc_set_index_buffer(struct vgp_enc *e, uint32_t res, uint32_t index_size, uint32_t offset)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_SET_INDEX_BUFFER, 0, 3);
	if (p) {
		p[1] = res;
		p[2] = index_size;
		p[3] = offset;
	}
}

/** SET_CONSTANT_BUFFER: `count` dwords of constants for `stage`. */
static inline void
vgp_enc_set_constant_buffer(struct vgp_enc *e, uint32_t stage, uint32_t index, uint32_t count,
			    const void *data)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_SET_CONSTANT_BUFFER, 0, 2 + count);
	if (p) {
		p[1] = stage;
		p[2] = index;
		if (count) {
			memcpy(&p[3], data, (size_t)count * 4);
		}
	}
}

static inline void
vgp_enc_set_uniform_buffer(struct vgp_enc *e, uint32_t stage, uint32_t index, uint32_t offset,
			   uint32_t length, uint32_t res)
{
	uint32_t v[5] = {stage, index, offset, length, res};
	vgp_enc_raw(e, VIRGL_CCMD_SET_UNIFORM_BUFFER, 0, 5, v);
}

/* Commands shaped {stage, start, handles[count]}; handles NULL = `count` zeros. */
static inline void
vgp_enc_stage_handles(struct vgp_enc *e, uint32_t op, uint32_t stage, uint32_t start,
		      uint32_t count, const uint32_t *handles)
{
	uint32_t *p = vgp_enc_cmd(e, op, 0, 2 + count);
	if (p) {
		p[1] = stage;
		p[2] = start;
		for (uint32_t i = 0; i < count; i++) {
			p[3 + i] = handles ? handles[i] : 0;
		}
	}
}

/** SET_SAMPLER_VIEWS (count 0 gives Mesa's len-2 form). Handle 0 unbinds. */
static inline void
vgp_enc_set_sampler_views(struct vgp_enc *e, uint32_t stage, uint32_t start, uint32_t count,
			  const uint32_t *handles)
{
	vgp_enc_stage_handles(e, VIRGL_CCMD_SET_SAMPLER_VIEWS, stage, start, count, handles);
}

/** BIND_SAMPLER_STATES; handles NULL = `count` zeros (Mesa's 32-handle unbind form). */
static inline void
vgp_enc_bind_sampler_states(struct vgp_enc *e, uint32_t stage, uint32_t start, uint32_t count,
			    const uint32_t *handles)
{
	vgp_enc_stage_handles(e, VIRGL_CCMD_BIND_SAMPLER_STATES, stage, start, count, handles);
}

static inline void
vgp_enc_set_stencil_ref(struct vgp_enc *e, uint8_t front, uint8_t back)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_SET_STENCIL_REF, 0, 1);
	if (p) {
		p[1] = front | (uint32_t)back << 8;
	}
}

static inline void
vgp_enc_set_blend_color(struct vgp_enc *e, float r, float g, float b, float a)
{
	uint32_t v[4] = {vgp_enc_f2u(r), vgp_enc_f2u(g), vgp_enc_f2u(b), vgp_enc_f2u(a)};
	vgp_enc_raw(e, VIRGL_CCMD_SET_BLEND_COLOR, 0, 4, v);
}

/** SET_SCISSOR_STATE: `rects` holds 4 values per rect: minx, miny, maxx, maxy. */
static inline void
vgp_enc_set_scissor_states(struct vgp_enc *e, uint32_t start, uint32_t count, const uint16_t *rects)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_SET_SCISSOR_STATE, 0, 1 + 2 * count);
	if (p) {
		p[1] = start;
		for (uint32_t i = 0; i < count; i++) {
			p[2 + 2 * i] = rects[4 * i] | (uint32_t)rects[4 * i + 1] << 16;
			p[3 + 2 * i] = rects[4 * i + 2] | (uint32_t)rects[4 * i + 3] << 16;
		}
	}
}

static inline void
vgp_enc_set_polygon_stipple(struct vgp_enc *e, const uint32_t pattern[32])
{
	vgp_enc_raw(e, VIRGL_CCMD_SET_POLYGON_STIPPLE, 0, 32, pattern);
}

/** SET_CLIP_STATE: 8 planes x 4 floats. */
static inline void
vgp_enc_set_clip_state(struct vgp_enc *e, const float planes[32])
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_SET_CLIP_STATE, 0, 32);
	if (p) {
		for (int i = 0; i < 32; i++) {
			p[1 + i] = vgp_enc_f2u(planes[i]);
		}
	}
}

static inline void
vgp_enc_set_sample_mask(struct vgp_enc *e, uint32_t mask)
{
	vgp_enc_raw(e, VIRGL_CCMD_SET_SAMPLE_MASK, 0, 1, &mask);
}

static inline void
vgp_enc_set_min_samples(struct vgp_enc *e, uint32_t min_samples)
{
	vgp_enc_raw(e, VIRGL_CCMD_SET_MIN_SAMPLES, 0, 1, &min_samples);
}

static inline void
vgp_enc_set_streamout_targets(struct vgp_enc *e, uint32_t append_mask, uint32_t count,
			      const uint32_t *handles)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_SET_STREAMOUT_TARGETS, 0, 1 + count);
	if (p) {
		p[1] = append_mask;
		for (uint32_t i = 0; i < count; i++) {
			p[2 + i] = handles[i];
		}
	}
}

static inline void
vgp_enc_set_render_condition(struct vgp_enc *e, uint32_t query, uint32_t condition, uint32_t mode)
{
	uint32_t v[3] = {query, condition, mode};
	vgp_enc_raw(e, VIRGL_CCMD_SET_RENDER_CONDITION, 0, 3, v);
}

static inline void
vgp_enc_set_tess_state(struct vgp_enc *e, const float outer[4], const float inner[2])
{
	uint32_t v[6];
	for (int i = 0; i < 4; i++) {
		v[i] = vgp_enc_f2u(outer[i]);
	}
	v[4] = vgp_enc_f2u(inner[0]);
	v[5] = vgp_enc_f2u(inner[1]);
	vgp_enc_raw(e, VIRGL_CCMD_SET_TESS_STATE, 0, 6, v);
}

/** SET_SHADER_BUFFERS; slots NULL = `count` empty slots (Mesa sends 16). */
static inline void
vgp_enc_set_shader_buffers(struct vgp_enc *e, uint32_t stage, uint32_t start, uint32_t count,
			   const struct vgp_enc_buffer_slot *slots)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_SET_SHADER_BUFFERS, 0, 2 + 3 * count);
	if (p) {
		p[1] = stage;
		p[2] = start;
		for (uint32_t i = 0; slots && i < count; i++) {
			p[3 + 3 * i] = slots[i].offset;
			p[4 + 3 * i] = slots[i].length;
			p[5 + 3 * i] = slots[i].res;
		}
	}
}

/** SET_ATOMIC_BUFFERS; slots NULL = `count` empty slots (Mesa sends 16: len 49). */
static inline void
vgp_enc_set_atomic_buffers(struct vgp_enc *e, uint32_t start, uint32_t count,
			   const struct vgp_enc_buffer_slot *slots)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_SET_ATOMIC_BUFFERS, 0, 1 + 3 * count);
	if (p) {
		p[1] = start;
		for (uint32_t i = 0; slots && i < count; i++) {
			p[2 + 3 * i] = slots[i].offset;
			p[3 + 3 * i] = slots[i].length;
			p[4 + 3 * i] = slots[i].res;
		}
	}
}

/** SET_SHADER_IMAGES; slots NULL = `count` empty slots. */
static inline void
vgp_enc_set_shader_images(struct vgp_enc *e, uint32_t stage, uint32_t start, uint32_t count,
			  const struct vgp_enc_image_slot *slots)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_SET_SHADER_IMAGES, 0, 2 + 5 * count);
	if (p) {
		p[1] = stage;
		p[2] = start;
		for (uint32_t i = 0; slots && i < count; i++) {
			p[3 + 5 * i] = slots[i].format;
			p[4 + 5 * i] = slots[i].access;
			p[5 + 5 * i] = slots[i].offset;
			p[6 + 5 * i] = slots[i].size;
			p[7 + 5 * i] = slots[i].res;
		}
	}
}

static inline void
vgp_enc_memory_barrier(struct vgp_enc *e, uint32_t flags)
{
	vgp_enc_raw(e, VIRGL_CCMD_MEMORY_BARRIER, 0, 1, &flags);
}

static inline void
vgp_enc_texture_barrier(struct vgp_enc *e, uint32_t flags)
{
	vgp_enc_raw(e, VIRGL_CCMD_TEXTURE_BARRIER, 0, 1, &flags);
}

static inline void
vgp_enc_set_tweaks(struct vgp_enc *e, uint32_t id, uint32_t value)
{
	uint32_t v[2] = {id, value};
	vgp_enc_raw(e, VIRGL_CCMD_SET_TWEAKS, 0, 2, v);
}

/** SET_DEBUG_FLAGS / SEND_STRING_MARKER-style string payload helpers. */
static inline void
vgp_enc_set_debug_flags(struct vgp_enc *e, const char *flags)
{
	uint32_t len = (uint32_t)strlen(flags) + 1;
	uint32_t ndw = (len + 3) / 4 < 2 ? 2 : (len + 3) / 4;
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_SET_DEBUG_FLAGS, 0, ndw);
	if (p) {
		memcpy(&p[1], flags, len);
	}
}

static inline void
vgp_enc_string_marker(struct vgp_enc *e, const char *str)
{
	uint32_t len = (uint32_t)strlen(str);
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_SEND_STRING_MARKER, 0, 1 + (len + 3) / 4);
	if (p) {
		p[1] = len;
		memcpy(&p[2], str, len);
	}
}

static inline void
vgp_enc_get_memory_info(struct vgp_enc *e, uint32_t res)
{
	vgp_enc_raw(e, VIRGL_CCMD_GET_MEMORY_INFO, 0, 1, &res);
}

/* Draws, clears, copies, transfers and queries. */
#include "vgp_encode_draw.h"

#endif /* VGP_ENCODE_H */
