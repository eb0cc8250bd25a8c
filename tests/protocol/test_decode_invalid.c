/*
 * pvgpu protocol tests — malformed payloads. Each case runs on a fresh fixture
 * (fixture.h) and must end in a context error, with no backend call at all
 * (the null log stays empty: validation happens before any side effect), the
 * other contexts of the device untouched.
 */
#include "fixture.h"

static struct fx F;

static struct vgp_enc *
begin(void)
{
	fx_init(&F, true);
	fx_clear_log(&F);
	return F.e;
}

/* Submits the case, checks the error (and that `err_part` is in its text). */
static void
bad(const char *what, const char *err_part)
{
	bool r = fx_submit(&F);
	CHECK(!r && F.ctx->broken, "%s: expected a context error", what);
	CHECK(fx_log(&F)[0] == '\0', "%s: backend called on a bad command:\n%s", what, fx_log(&F));
	if (err_part) {
		CHECK(strstr(F.ctx->error, err_part) != NULL, "%s: error \"%s\" lacks \"%s\"", what,
		      F.ctx->error, err_part);
	}
	/* A broken context refuses everything after. */
	vgp_enc_nop(F.e, 0);
	CHECK(!fx_submit(&F), "%s: broken context accepted a NOP", what);
	fx_finish(&F);
}

/* Wrong payload length for every opcode with a length rule (zeros as payload). */
static void
test_lengths(void)
{
	static const struct {
		uint32_t op, len;
	} cases[] = {
		{VIRGL_CCMD_BIND_OBJECT, 2},
		{VIRGL_CCMD_DESTROY_OBJECT, 0},
		{VIRGL_CCMD_SET_VIEWPORT_STATE, 8},
		{VIRGL_CCMD_SET_FRAMEBUFFER_STATE, 1},
		{VIRGL_CCMD_SET_FRAMEBUFFER_STATE, 3},
		{VIRGL_CCMD_SET_VERTEX_BUFFERS, 4},
		{VIRGL_CCMD_CLEAR, 7},
		{VIRGL_CCMD_DRAW_VBO, 13},
		{VIRGL_CCMD_DRAW_VBO, 11},
		{VIRGL_CCMD_RESOURCE_INLINE_WRITE, 10},
		{VIRGL_CCMD_SET_SAMPLER_VIEWS, 1},
		{VIRGL_CCMD_SET_INDEX_BUFFER, 2},
		{VIRGL_CCMD_SET_CONSTANT_BUFFER, 1},
		{VIRGL_CCMD_SET_STENCIL_REF, 2},
		{VIRGL_CCMD_SET_BLEND_COLOR, 3},
		{VIRGL_CCMD_SET_SCISSOR_STATE, 4},
		{VIRGL_CCMD_BLIT, 20},
		{VIRGL_CCMD_RESOURCE_COPY_REGION, 12},
		{VIRGL_CCMD_BIND_SAMPLER_STATES, 35},
		{VIRGL_CCMD_BEGIN_QUERY, 0},
		{VIRGL_CCMD_END_QUERY, 2},
		{VIRGL_CCMD_GET_QUERY_RESULT, 1},
		{VIRGL_CCMD_SET_POLYGON_STIPPLE, 31},
		{VIRGL_CCMD_SET_CLIP_STATE, 31},
		{VIRGL_CCMD_SET_CLIP_STATE, 33},
		{VIRGL_CCMD_SET_SAMPLE_MASK, 0},
		{VIRGL_CCMD_SET_STREAMOUT_TARGETS, 18},
		{VIRGL_CCMD_SET_RENDER_CONDITION, 2},
		{VIRGL_CCMD_SET_UNIFORM_BUFFER, 4},
		{VIRGL_CCMD_SET_SUB_CTX, 0},
		{VIRGL_CCMD_CREATE_SUB_CTX, 2},
		{VIRGL_CCMD_DESTROY_SUB_CTX, 0},
		{VIRGL_CCMD_BIND_SHADER, 1},
		{VIRGL_CCMD_SET_TESS_STATE, 5},
		{VIRGL_CCMD_SET_MIN_SAMPLES, 2},
		{VIRGL_CCMD_SET_SHADER_BUFFERS, 4},
		{VIRGL_CCMD_SET_SHADER_IMAGES, 3},
		{VIRGL_CCMD_MEMORY_BARRIER, 0},
		{VIRGL_CCMD_LAUNCH_GRID, 7},
		{VIRGL_CCMD_SET_FRAMEBUFFER_STATE_NO_ATTACH, 1},
		{VIRGL_CCMD_TEXTURE_BARRIER, 2},
		{VIRGL_CCMD_SET_ATOMIC_BUFFERS, 3},
		{VIRGL_CCMD_SET_DEBUG_FLAGS, 0},
		{VIRGL_CCMD_GET_QUERY_RESULT_QBO, 5},
		{VIRGL_CCMD_TRANSFER3D, 12},
		{VIRGL_CCMD_COPY_TRANSFER3D, 13},
		{VIRGL_CCMD_SET_TWEAKS, 1},
		{VIRGL_CCMD_CLEAR_TEXTURE, 11},
		{VIRGL_CCMD_GET_MEMORY_INFO, 0},
		{VIRGL_CCMD_SEND_STRING_MARKER, 0},
		{VIRGL_CCMD_LINK_SHADER, 5},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char what[64];
		snprintf(what, sizeof(what), "opcode %u with length %u", cases[i].op, cases[i].len);
		vgp_enc_cmd(begin(), cases[i].op, 0, cases[i].len);
		bad(what, "length");
	}
	/* Object payload lengths. */
	vgp_enc_cmd(begin(), VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_BLEND, 10)[1] = 40;
	bad("BLEND len 10", "length");
	vgp_enc_cmd(begin(), VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_SURFACE, 6)[1] = 40;
	bad("SURFACE len 6", "length");
	vgp_enc_cmd(begin(), VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_SHADER, 4)[1] = 40;
	bad("SHADER len 4", "length");
}

static void
test_stream_errors(void)
{
	vgp_enc_dw(begin(), VGP_CMD_HEADER(62, 0, 0));
	bad("opcode 62", "unknown opcode");
	vgp_enc_dw(begin(), VGP_CMD_HEADER(255, 0, 0));
	bad("opcode 255", "unknown opcode");
	struct vgp_enc *e = begin();
	vgp_enc_dw(e, VGP_CMD_HEADER(VIRGL_CCMD_SET_SAMPLE_MASK, 0, 1));
	bad("payload past the end", "past the end");
	e = begin();
	vgp_enc_dw(e, VGP_CMD_HEADER(VIRGL_CCMD_NOP, 0, 0xffff));
	vgp_enc_dw(e, 0);
	bad("NOP length 65535 past the end", "past the end");
	e = begin();
	float c[4] = {0};
	vgp_enc_clear(e, 4, c, 1.0, 0);
	e->n--; /* cut the last dword: the clear must not run */
	bad("truncated CLEAR", "past the end");
	vgp_enc_cmd(begin(), VIRGL_CCMD_PIPE_RESOURCE_CREATE, 0, 11);
	bad("PIPE_RESOURCE_CREATE", "not supported on this transport");
	vgp_enc_cmd(begin(), VIRGL_CCMD_PIPE_RESOURCE_SET_TYPE, 0, 10);
	bad("PIPE_RESOURCE_SET_TYPE", "not supported on this transport");
	for (uint32_t op = VIRGL_CCMD_CREATE_VIDEO_CODEC; op <= VIRGL_CCMD_END_FRAME; op++) {
		vgp_enc_cmd(begin(), op, 0, 4);
		bad("video opcode", "video");
	}
}

static void
test_object_errors(void)
{
	vgp_enc_create_surface(begin(), 0, 1, 2, 0, 0, 0);
	bad("object handle 0", "handle 0");
	vgp_enc_create_surface(begin(), 10, 1, 2, 0, 0, 0);
	bad("duplicate handle", "already in use");
	vgp_enc_cmd(begin(), VIRGL_CCMD_CREATE_OBJECT, 12, 4)[1] = 40;
	bad("object type 12", "object type");
	vgp_enc_cmd(begin(), VIRGL_CCMD_CREATE_OBJECT, 0, 4)[1] = 40;
	bad("object type 0", "object type");
	vgp_enc_create_surface(begin(), 40, 99, 2, 0, 0, 0);
	bad("surface of unknown resource", "unknown resource");
	vgp_enc_create_surface(begin(), 40, 1, 2, 5, 0, 0);
	bad("surface level > last_level", "level");
	vgp_enc_create_surface(begin(), 40, 3, 67, 0, 2, 4);
	bad("surface layer >= array size", "layers");
	vgp_enc_create_surface(begin(), 40, 1, 999, 0, 0, 0);
	bad("surface unknown format", "format");
	vgp_enc_create_sampler_view_tex(begin(), 40, 1, 2, PIPE_TEXTURE_2D, 0, 0, 0, 5);
	bad("view levels past last_level", "levels");
	vgp_enc_create_sampler_view_tex(begin(), 40, 3, 67, PIPE_TEXTURE_2D_ARRAY, 0, 4, 0, 0);
	bad("view layers past array size", "layers");
	vgp_enc_create_sampler_view_tex(begin(), 40, 1, 0x123, PIPE_TEXTURE_2D, 0, 0, 0, 0);
	bad("view unknown format", "format");
	vgp_enc_create_sampler_view_tex(begin(), 40, 1, 2, 9, 0, 0, 0, 0);
	bad("view target 9", "target");
	vgp_enc_create_sampler_view(begin(), 40, 2, VIRGL_FORMAT_R32_FLOAT, 0, 1024, 0x688);
	bad("buffer view past the end", "elements");
	vgp_enc_create_sampler_view_tex(begin(), 40, 0, 2, 2, 0, 0, 0, 0);
	bad("view of resource 0", "resource handle 0");
	vgp_enc_create_sampler_view(begin(), 40, 1, 2, 0, 0, 0x7ff);
	bad("view bad swizzle", "swizzle");
	struct vgp_enc_vertex_element ve[33];
	memset(ve, 0, sizeof(ve));
	for (int i = 0; i < 33; i++) {
		ve[i].format = VIRGL_FORMAT_R32_FLOAT;
	}
	vgp_enc_create_vertex_elements(begin(), 40, 33, ve);
	bad("33 vertex elements (CVE-2017-5994)", "length");
	ve[0].format = 0;
	vgp_enc_create_vertex_elements(begin(), 40, 1, ve);
	bad("vertex element format 0", "format");
	ve[0].format = VIRGL_FORMAT_R32_FLOAT;
	ve[0].vertex_buffer_index = 32;
	vgp_enc_create_vertex_elements(begin(), 40, 1, ve);
	bad("vertex element buffer 32", "buffer index");
	vgp_enc_create_sampler_state(begin(), 40, 3 << 11, 0, 0, 0, NULL);
	bad("sampler mip filter 3", "filter");
	vgp_enc_create_rasterizer_simple(begin(), 40, 3 << 10);
	bad("rasterizer fill mode 3", "fill");
	uint32_t rt[8] = {1 | 7 << 1};
	vgp_enc_create_blend(begin(), 40, 0, 0, rt);
	bad("blend func 7", "blend");
	vgp_enc_create_query(begin(), 40, 99, 0, 0, 5);
	bad("query type 99", "query");
	vgp_enc_create_query(begin(), 40, 0, 0, 250, 5);
	bad("query result past the buffer", "offset");
	vgp_enc_create_query(begin(), 40, 0, 0, 0, 1);
	bad("query result in a texture", "query");
	vgp_enc_create_streamout_target(begin(), 40, 2, 4000, 200);
	bad("SO target past the buffer", "outside");
}

static void
test_bind_errors(void)
{
	vgp_enc_bind_object(begin(), VIRGL_OBJECT_BLEND, 99);
	bad("bind unknown blend", "not a live object");
	vgp_enc_bind_object(begin(), VIRGL_OBJECT_BLEND, 19);
	bad("bind DSA as blend", "not a live object");
	vgp_enc_bind_object(begin(), VIRGL_OBJECT_SURFACE, 10);
	bad("bind a surface", "cannot be bound");
	vgp_enc_destroy_object(begin(), VIRGL_OBJECT_SURFACE, 99);
	bad("destroy unknown", "unknown handle");
	vgp_enc_bind_shader(begin(), 16, VIRGL_SHADER_FRAGMENT);
	bad("bind VS as FS", "stage");
	vgp_enc_bind_shader(begin(), 0, 6);
	bad("bind shader stage 6", "stage");
	vgp_enc_bind_shader(begin(), 18, VIRGL_SHADER_VERTEX);
	bad("bind blend as shader", "not a live object");
	uint32_t link[6] = {17, 16, 0, 0, 0, 0};
	vgp_enc_link_shader(begin(), link);
	bad("link FS in the VS slot", "stage");
	uint32_t views[2] = {12, 99};
	vgp_enc_set_sampler_views(begin(), 1, 0, 2, views);
	bad("sampler view 99 (CVE-2017-5937 class)", "not a live object");
	views[1] = 13;
	vgp_enc_set_sampler_views(begin(), 1, 0, 2, views);
	bad("sampler state as sampler view", "not a live object");
	vgp_enc_set_sampler_views(begin(), 6, 0, 0, NULL);
	bad("sampler views stage 6", "stage");
	vgp_enc_set_sampler_views(begin(), 1, 127, 2, views);
	bad("sampler views 127+2", "slots");
	uint32_t samp[1] = {12};
	vgp_enc_bind_sampler_states(begin(), 1, 0, 1, samp);
	bad("view as sampler state (CVE-2017-6210 class)", "not a live object");
	vgp_enc_bind_sampler_states(begin(), 1, 31, 2, NULL);
	bad("sampler states 31+2", "slots");
	uint32_t cb[9] = {10, 10, 10, 10, 10, 10, 10, 10, 10};
	vgp_enc_set_framebuffer_state(begin(), 9, 0, cb);
	bad("9 colour buffers (CVE-2017-5957)", "length");
	vgp_enc_cmd(begin(), VIRGL_CCMD_SET_FRAMEBUFFER_STATE, 0, 3)[1] = 9;
	bad("nr_cbufs 9 in length 3", "colour buffers");
	cb[0] = 12;
	vgp_enc_set_framebuffer_state(begin(), 1, 0, cb);
	bad("sampler view as cbuf", "not a live object");
	vgp_enc_set_framebuffer_state(begin(), 0, 99, NULL);
	bad("unknown zsbuf", "not a live object");
	struct vgp_enc_vertex_buffer vb = {16, 0, 99};
	vgp_enc_set_vertex_buffers(begin(), 1, &vb);
	bad("vertex buffer 99", "unknown resource");
	vgp_enc_set_index_buffer(begin(), 2, 3, 0);
	bad("index size 3", "index size");
	vgp_enc_set_index_buffer(begin(), 99, 2, 0);
	bad("index buffer 99", "unknown resource");
	vgp_enc_set_constant_buffer(begin(), 7, 0, 0, NULL);
	bad("constant buffer stage 7", "stage");
	vgp_enc_set_uniform_buffer(begin(), 0, 1, 4000, 200, 2);
	bad("UBO past the buffer", "outside");
	vgp_enc_set_uniform_buffer(begin(), 0, 13, 0, 16, 2);
	bad("UBO index 13", "slots");
	uint16_t rect[4] = {0};
	vgp_enc_set_scissor_states(begin(), 16, 1, rect);
	bad("scissor start 16", "slots");
	float vp[6] = {0};
	vgp_enc_set_viewport_states(begin(), 16, 1, vp);
	bad("viewport start 16", "slots");
	uint32_t so[1] = {14};
	vgp_enc_set_streamout_targets(begin(), 0, 1, so);
	bad("query as SO target", "not a live object");
	vgp_enc_set_render_condition(begin(), 15, 0, 0);
	bad("SO target as render condition", "not a live object");
	vgp_enc_begin_query(begin(), 99);
	bad("begin unknown query", "not a live object");
	vgp_enc_end_query(begin(), 13);
	bad("end a sampler state", "not a live object");
	vgp_enc_get_query_result(begin(), 0, 0);
	bad("query handle 0", "handle 0");
	vgp_enc_get_query_result_qbo(begin(), 14, 99, 0, 0, 0, 0);
	bad("QBO 99", "unknown resource");
	vgp_enc_get_query_result_qbo(begin(), 15, 5, 0, 0, 0, 0);
	bad("QBO of an SO target", "not a live object");
	vgp_enc_get_query_result_qbo(begin(), 14, 1, 0, PIPE_QUERY_TYPE_U32, 0, 0);
	bad("QBO is a texture", "outside buffer");
	vgp_enc_get_query_result_qbo(begin(), 14, 5, 0, PIPE_QUERY_TYPE_U64, 252, 0);
	bad("64-bit result past the QBO end", "outside buffer");
	vgp_enc_get_query_result_qbo(begin(), 14, 5, 0, PIPE_QUERY_TYPE_U32, 0xfffffffeu, 0);
	bad("QBO offset wrapping", "outside buffer");
	vgp_enc_get_query_result_qbo(begin(), 14, 5, 0, 4, 0, 0);
	bad("QBO result type 4", "result type");
	vgp_enc_get_query_result_qbo(begin(), 14, 5, 0, PIPE_QUERY_TYPE_U32, 0, 1);
	bad("QBO index 1 of an occlusion query", "index");
	vgp_enc_get_query_result_qbo(begin(), 14, 5, 0, PIPE_QUERY_TYPE_U32, 0, -2);
	bad("QBO index -2", "index");
	/* Pipeline statistics have 11 counters: index 10 is the last. */
	vgp_enc_create_query(begin(), 50, PIPE_QUERY_PIPELINE_STATISTICS, 0, 0, 5);
	vgp_enc_get_query_result_qbo(F.e, 50, 5, 0, PIPE_QUERY_TYPE_U32, 0, 10);
	CHECK(fx_submit(&F), "QBO statistics index 10: %s", F.ctx->error);
	fx_clear_log(&F);
	vgp_enc_get_query_result_qbo(F.e, 50, 5, 0, PIPE_QUERY_TYPE_U32, 0, 11);
	bad("QBO statistics index 11", "index");
	struct vgp_enc_buffer_slot slot = {0, 16, 99};
	vgp_enc_set_shader_buffers(begin(), 1, 0, 1, &slot);
	bad("SSBO 99", "unknown resource");
	vgp_enc_set_atomic_buffers(begin(), 31, 2, NULL);
	bad("atomic buffers 31+2", "slots");
	struct vgp_enc_image_slot img = {0, 0, 0, 0, 99};
	vgp_enc_set_shader_images(begin(), 1, 0, 1, &img);
	bad("image 99", "unknown resource");
	uint32_t grid[3] = {1, 1, 1};
	vgp_enc_launch_grid(begin(), grid, grid, 99, 0);
	bad("launch grid indirect 99", "unknown resource");
	vgp_enc_get_memory_info(begin(), 99);
	bad("memory info of 99", "unknown resource");
	uint32_t *p = vgp_enc_cmd(begin(), VIRGL_CCMD_SEND_STRING_MARKER, 0, 2);
	p[1] = 5;
	bad("string marker 5 bytes in 4", "bytes");
}

static void
test_draw_errors(void)
{
	vgp_enc_draw_vbo(begin(), 0, 3, PIPE_PRIM_MAX, false);
	bad("draw mode 15", "mode");
	struct vgp_enc_draw d = {.count = 3, .indirect_res = 99};
	vgp_enc_draw_vbo_full(begin(), &d, 20);
	bad("indirect buffer 99", "unknown resource");
	/* Found by fuzzing (decode-gl timed out): 240 vertices x 2^24 instances. */
	struct vgp_enc_draw huge = {.count = 240,
				    .mode = PIPE_PRIM_TRIANGLES,
				    .instance_count = 16777215,
				    .max_index = ~0u};
	vgp_enc_draw_vbo_full(begin(), &huge, VIRGL_DRAW_VBO_SIZE);
	bad("4 billion vertex invocations", "above the per-draw cap");
	struct vgp_enc_draw count = {.count = 0x80000000u,
				     .mode = PIPE_PRIM_POINTS,
				     .instance_count = 1,
				     .max_index = ~0u};
	vgp_enc_draw_vbo_full(begin(), &count, VIRGL_DRAW_VBO_SIZE);
	bad("2^31 vertices", "above the per-draw cap");
	struct vgp_enc_blit b = {.mask = 0xf,
				 .dst_res = 1,
				 .dst_format = 2,
				 .dst_box = vgp_enc_box(0, 0, 0, 16, 16, 2),
				 .src_res = 1,
				 .src_format = 2,
				 .src_box = vgp_enc_box(0, 0, 0, 16, 16, 1)};
	vgp_enc_blit(begin(), &b);
	bad("blit dst box with 2 layers on a 2D texture", "box");
	b.dst_box = vgp_enc_box(0, 0, 0, 16, 16, 1);
	b.src_level = 5;
	vgp_enc_blit(begin(), &b);
	bad("blit src level 5", "box");
	b.src_level = 0;
	b.src_res = 99;
	vgp_enc_blit(begin(), &b);
	bad("blit src 99", "unknown resource");
	b.src_res = 1;
	b.src_format = 0;
	vgp_enc_blit(begin(), &b);
	bad("blit format 0", "format");
	b.src_format = 2;
	b.dst_box = vgp_enc_box(1 << 25, 0, 0, 16, 16, 1);
	vgp_enc_blit(begin(), &b);
	bad("blit x 2^25 (overflow bound)", "box");
	b.dst_box = vgp_enc_box(0, 0, 0, 16, (int32_t)0x80000000u, 1);
	vgp_enc_blit(begin(), &b);
	bad("blit height -2^31", "box");
	vgp_enc_resource_copy_region(begin(), 1, 0, 10, 0, 0, 1, 0, vgp_enc_box(0, 0, 0, 8, 8, 1));
	bad("copy past dst", "box");
	vgp_enc_resource_copy_region(begin(), 1, 0, 0, 0, 0, 1, 0, vgp_enc_box(-1, 0, 0, 8, 8, 1));
	bad("copy negative src", "box");
	vgp_enc_resource_copy_region(begin(), 1, 0, 0x80000000u, 0, 0, 1, 0,
				     vgp_enc_box(0, 0, 0, 1, 1, 1));
	bad("copy dstx 2^31", "box");
	uint32_t v[4] = {0};
	vgp_enc_clear_texture(begin(), 1, 0, vgp_enc_box(0, 0, 0, 16, 16, 2), v);
	bad("clear texture depth 2 on 2D", "box");
	vgp_enc_clear_texture(begin(), 99, 0, vgp_enc_box(0, 0, 0, 1, 1, 1), v);
	bad("clear texture 99", "unknown resource");
}

static void
test_transfer_errors(void)
{
	vgp_enc_transfer3d(begin(), 1, 0, 0, 0, vgp_enc_box(0, 0, 0, 4, 4, 1), 0, 3);
	bad("direction 3", "direction");
	vgp_enc_transfer3d(begin(), 99, 0, 0, 0, vgp_enc_box(0, 0, 0, 4, 4, 1), 0, 1);
	bad("transfer 99", "unknown resource");
	vgp_enc_transfer3d(begin(), 1, 0, 0, 0, vgp_enc_box(8, 8, 0, 9, 8, 1), 0, 1);
	bad("box outside level", "outside the resource");
	vgp_enc_transfer3d(begin(), 1, 5, 0, 0, vgp_enc_box(0, 0, 0, 1, 1, 1), 0, 1);
	bad("level 5", "level");
	vgp_enc_transfer3d(begin(), 1, 0, 0, 0, vgp_enc_box(0, 0, 0, 16, 16, 1), 400, 1);
	bad("offset + extent outside backing", "outside");
	vgp_enc_transfer3d(begin(), 1, 0, 0xffffffffu, 0, vgp_enc_box(0, 0, 0, 4, 4, 1), 0, 2);
	bad("huge stride", "stride");
	vgp_enc_transfer3d(begin(), 1, 0, 4, 0, vgp_enc_box(0, 0, 0, 4, 4, 1), 0, 1);
	bad("stride below the row", "stride");
	vgp_enc_transfer3d(begin(), 6, 0, 0, 0, vgp_enc_box(0, 0, 0, 4, 4, 1), 0, 1);
	bad("no backing", "backing");
	vgp_enc_transfer3d(begin(), 1, 0, 0, 0, vgp_enc_box(0, 0, 0, -4, 4, 1), 0, 1);
	bad("negative width", "outside");
	uint8_t data[16] = {0};
	vgp_enc_resource_inline_write(begin(), 1, 0, 0, 0, vgp_enc_box(0, 0, 0, 4, 4, 1), data, 16);
	bad("inline write with too little data", "outside");
	vgp_enc_resource_inline_write(begin(), 1, 0, 0, 0, vgp_enc_box(15, 0, 0, 2, 2, 1), data,
				      16);
	bad("inline write box outside", "outside the resource");
	vgp_enc_copy_transfer3d(begin(), 3, 0, 0, 0, vgp_enc_box(0, 0, 0, 1, 1, 1), 1, 0, 0);
	bad("copy transfer from a texture", "staging");
	vgp_enc_copy_transfer3d(begin(), 3, 0, 0, 0, vgp_enc_box(0, 0, 0, 8, 8, 1), 2, 4000, 0);
	bad("copy transfer past the staging buffer", "outside");
}

static void
test_sub_ctx_errors(void)
{
	vgp_enc_set_sub_ctx(begin(), 5);
	bad("set unknown sub-context", "unknown sub-context");
	vgp_enc_create_sub_ctx(begin(), 1);
	bad("create existing sub-context", "already exists");
	vgp_enc_create_sub_ctx(begin(), 0);
	bad("create sub-context 0", "id 0");
	vgp_enc_destroy_sub_ctx(begin(), 9);
	bad("destroy unknown sub-context", "unknown sub-context");
	/* After destroying the current sub-context, state commands are errors. */
	struct vgp_enc *e = begin();
	vgp_enc_destroy_sub_ctx(e, 1);
	CHECK(fx_submit(&F), "destroy current sub-context: %s", F.ctx->error);
	fx_clear_log(&F);
	vgp_enc_set_sample_mask(e, 1);
	bad("command after destroying the current sub-context", "no current sub-context");
}

/* A fresh context with no SET_SUB_CTX runs on the implicit sub-context 0, as on
 * virglrenderer (raw virtio-gpu programs never create one); once the guest has
 * chosen sub-contexts itself, 0 is only reached by SET_SUB_CTX 0, and it can
 * never be destroyed. */
static void
test_before_sub_ctx(void)
{
	fx_init(&F, false);
	const char *why = NULL;
	struct vr_ctx *c2 = vr_device_ctx_create(F.dev, 2, "fresh", &why);
	CHECK(c2 != NULL, "second context: %s", why ? why : "?");
	struct vgp_enc *e = F.e;
	vgp_enc_transfer3d(e, 1, 0, 0, 0, vgp_enc_box(0, 0, 0, 1, 1, 1), 0, 1);
	vgp_enc_transfer_area_end(e);
	vgp_enc_nop(e, 1);
	CHECK(vr_ctx_submit(c2, e->dw, e->n), "transfer area before SET_SUB_CTX: %s", c2->error);
	vgp_enc_reset(e);
	vgp_enc_create_surface(e, 40, 1, 2, 0, 0, 0);
	uint32_t cb[1] = {40};
	vgp_enc_set_framebuffer_state(e, 1, 0, cb);
	float c[4] = {0};
	vgp_enc_clear(e, 4, c, 1.0, 0);
	fx_clear_log(&F);
	CHECK(vr_ctx_submit(c2, e->dw, e->n), "commands on implicit sub-context 0: %s", c2->error);
	CHECK(strstr(fx_log(&F), "clear buffers=0x4") != NULL, "no clear: %s", fx_log(&F));
	CHECK(c2->sub && c2->sub->id == 0, "current sub-context is not 0");

	/* Sub-context 1 chosen: 0 keeps its objects and is reached again by id. */
	vgp_enc_reset(e);
	vgp_enc_create_sub_ctx(e, 1);
	vgp_enc_set_sub_ctx(e, 1);
	vgp_enc_set_sub_ctx(e, 0);
	vgp_enc_bind_object(e, VIRGL_OBJECT_BLEND, 0);
	vgp_enc_destroy_object(e, VIRGL_OBJECT_SURFACE, 40);
	CHECK(vr_ctx_submit(c2, e->dw, e->n), "back on sub-context 0: %s", c2->error);

	/* Destroying the current sub-context leaves none current: no silent fallback. */
	vgp_enc_reset(e);
	vgp_enc_set_sub_ctx(e, 1);
	vgp_enc_destroy_sub_ctx(e, 1);
	vgp_enc_set_sample_mask(e, 1);
	fx_clear_log(&F);
	CHECK(!vr_ctx_submit(c2, e->dw, e->n), "command after destroying sub-context 1 accepted");
	CHECK(strstr(c2->error, "no current sub-context") != NULL, "error: %s", c2->error);
	CHECK(strstr(fx_log(&F), "set_sample_mask") == NULL, "backend called: %s", fx_log(&F));

	struct vr_ctx *c3 = vr_device_ctx_create(F.dev, 3, "zero", &why);
	vgp_enc_reset(e);
	vgp_enc_destroy_sub_ctx(e, 0);
	CHECK(!vr_ctx_submit(c3, e->dw, e->n), "destroying sub-context 0 accepted");
	CHECK(strstr(c3->error, "sub-context 0 cannot be destroyed") != NULL, "error: %s",
	      c3->error);
	vgp_enc_reset(e);
	fx_finish(&F);
}

/* One context breaking leaves its neighbour on the same device working. */
static void
test_second_context(void)
{
	fx_init(&F, true);
	const char *why = NULL;
	struct vr_ctx *a = F.ctx;
	struct vr_ctx *b = vr_device_ctx_create(F.dev, 2, "neighbour", &why);
	CHECK(b != NULL, "second context: %s", why ? why : "?");
	struct vgp_enc *e = F.e;
	vgp_enc_create_sub_ctx(e, 1);
	vgp_enc_set_sub_ctx(e, 1);
	vgp_enc_create_surface(e, 10, 1, 2, 0, 0, 0);
	CHECK(vr_ctx_submit(b, e->dw, e->n), "context b setup: %s", b->error);
	vgp_enc_reset(e);
	uint32_t views[1] = {99};
	vgp_enc_set_sampler_views(e, 1, 0, 1, views);
	CHECK(!fx_submit(&F) && a->broken, "context a did not break");
	CHECK(!b->broken, "context b broke with a: %s", b->error);
	fx_clear_log(&F);
	uint32_t cb[1] = {10};
	vgp_enc_set_framebuffer_state(e, 1, 0, cb);
	vgp_enc_draw_vbo(e, 0, 3, PIPE_PRIM_TRIANGLES, false);
	CHECK(vr_ctx_submit(b, e->dw, e->n), "context b after a broke: %s", b->error);
	vgp_enc_reset(e);
	CHECK_LINE(&F, "set_framebuffer_state nr_cbufs=1 zsbuf=0 cbufs=10");
	/* Context a's objects are intact (its own surface 10 still references res 1). */
	CHECK(vr_hash_get(&a->sub->objects, 10) != NULL, "context a lost its objects");
	fx_finish(&F);
}

int
main(void)
{
	test_lengths();
	test_stream_errors();
	test_object_errors();
	test_bind_errors();
	test_draw_errors();
	test_transfer_errors();
	test_sub_ctx_errors();
	test_before_sub_ctx();
	test_second_context();
	return vgp_test_result("test_decode_invalid");
}
