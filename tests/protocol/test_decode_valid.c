/*
 * pvgpu protocol tests — one valid payload per opcode, decoded on the null
 * backend, with the exact log line the backend must receive. Commands that
 * have no backend slot (SSBOs, images, compute, debug) must be accepted
 * silently. Malformed payloads are in test_decode_invalid.c.
 */
#include "fixture.h"

static struct fx F;

/* Submits the encoder and checks success plus each expected line. */
static void
ok(const char *what, const char *line1, const char *line2)
{
	struct fx *f = &F;
	fx_clear_log(f);
	uint64_t before = f->ctx->commands;
	bool r = fx_submit(f);
	CHECK(r, "%s: submit failed: %s", what, f->ctx->error);
	CHECK(f->ctx->commands > before, "%s: no command counted", what);
	if (line1) {
		CHECK_LINE(f, line1);
	}
	if (line2) {
		CHECK_LINE(f, line2);
	}
	CHECK_LINE(f, "flush");
}

static void
test_object_creation_lines(void)
{
	/* fx_init(objects) logged every create; check them before clearing. */
	struct fx *f = &F;
	CHECK_LINE(f, "create_object handle=10 type=SURFACE res=1 fmt=2 level=0 layers=0-0");
	CHECK_LINE(f, "create_object handle=11 type=SURFACE res=4 fmt=17 level=0 layers=0-0");
	CHECK_LINE(f, "create_object handle=12 type=SAMPLER_VIEW res=1 fmt=2 target=2 layers=0-0 "
		      "levels=0-4 swizzle=0123");
	CHECK_LINE(f, "create_object handle=13 type=SAMPLER_STATE wrap=2,2,0 filter=1,2,1 "
		      "compare=0,0 seamless=0 aniso=0 lod=0,0,1000 border=0x0,0x0,0x0,0x0");
	CHECK_LINE(f, "create_object handle=14 type=QUERY query_type=0 index=0 offset=0 res=5");
	CHECK_LINE(f, "create_object handle=15 type=STREAMOUT_TARGET res=2 offset=0 size=1024");
	CHECK_LINE(f, "create_object handle=18 type=BLEND indep=0 logicop=0/0 dither=0 a2c=0 "
		      "a2one=0 rt0=0,0,0,0,0,0,0,mask=0xf");
	CHECK_LINE(f, "create_object handle=19 type=DSA depth=1,1,1 alpha=0,0,0 "
		      "stencil0=0,0,0,0,0,0x0,0x0 stencil1=0,0,0,0,0,0x0,0x0");
	CHECK_LINE(f, "create_object handle=20 type=RASTERIZER s0=0x60008203 point_size=1 "
		      "sprite=0x0 stipple=0x0,0 clip=0x0 line_width=1 offset=0,0,0");
	CHECK_LINE(f, "create_object handle=21 type=VERTEX_ELEMENTS count=2 [0]=0,0,0,30 "
		      "[1]=12,0,0,31");
	CHECK(strstr(fx_log(f), "create_object handle=16 type=SHADER stage=0 tokens=20 so=0") !=
		      NULL,
	      "VS create line missing:\n%s", fx_log(f));

	/* Sampler view of a buffer and an MSAA surface (texture without backing). */
	vgp_enc_create_sampler_view(F.e, 30, 2, VIRGL_FORMAT_R32_FLOAT, 0, 15, 0x688);
	vgp_enc_create_msaa_surface(F.e, 31, 6, VIRGL_FORMAT_B8G8R8X8_UNORM, 0, 0, 0, 4);
	ok("buffer view / msaa surface",
	   "create_object handle=30 type=SAMPLER_VIEW res=2 fmt=28 target=0 elements=0-15 "
	   "swizzle=0123",
	   "create_object handle=31 type=MSAA_SURFACE res=6 fmt=2 level=0 layers=0-0 samples=4");
}

static void
test_state_commands(void)
{
	struct vgp_enc *e = F.e;
	char line[256];

	vgp_enc_nop(e, 3);
	ok("NOP", NULL, NULL);
	vgp_enc_bind_object(e, VIRGL_OBJECT_BLEND, 18);
	vgp_enc_bind_object(e, VIRGL_OBJECT_DSA, 0);
	ok("BIND_OBJECT", "bind_object type=BLEND handle=18", "bind_object type=DSA handle=0");
	vgp_enc_set_viewport(e, 0, 0, 300, 300);
	ok("SET_VIEWPORT_STATE",
	   "set_viewport_states start=0 count=1 scale=150,150,0.5 translate=150,150,0.5", NULL);
	uint32_t cb[1] = {10};
	vgp_enc_set_framebuffer_state(e, 1, 11, cb);
	vgp_enc_set_framebuffer_state_no_attach(e, 300, 200, 1, 0);
	ok("SET_FRAMEBUFFER_STATE", "set_framebuffer_state nr_cbufs=1 zsbuf=11 cbufs=10",
	   "set_framebuffer_no_attach 300x200 layers=1 samples=0");
	struct vgp_enc_vertex_buffer vb[2] = {{12, 0, 2}, {16, 64, 0}};
	vgp_enc_set_vertex_buffers(e, 2, vb);
	ok("SET_VERTEX_BUFFERS", "set_vertex_buffers count=2 [0]=12,0,2 [1]=16,64,0", NULL);
	uint32_t views[2] = {12, 0};
	vgp_enc_set_sampler_views(e, VIRGL_SHADER_FRAGMENT, 0, 2, views);
	vgp_enc_set_sampler_views(e, VIRGL_SHADER_VERTEX, 0, 0, NULL);
	ok("SET_SAMPLER_VIEWS", "set_sampler_views stage=1 start=0 count=2 handles=12,0",
	   "set_sampler_views stage=0 start=0 count=0 handles=");
	vgp_enc_set_index_buffer(e, 2, 2, 64);
	vgp_enc_cmd(e, VIRGL_CCMD_SET_INDEX_BUFFER, 0, 1); /* res 0: unbind, 1-dword form */
	ok("SET_INDEX_BUFFER", "set_index_buffer res=2 size=2 offset=64",
	   "set_index_buffer res=0 size=0 offset=0");
	float consts[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	vgp_enc_set_constant_buffer(e, VIRGL_SHADER_VERTEX, 0, 8, consts);
	snprintf(line, sizeof(line), "set_constant_buffer stage=0 index=0 count=8 hash=0x%08x",
		 fx_hash(consts, sizeof(consts)));
	ok("SET_CONSTANT_BUFFER", line, NULL);
	vgp_enc_set_stencil_ref(e, 3, 4);
	vgp_enc_set_blend_color(e, 0.5f, 0.25f, 1.0f, 0.0f);
	ok("SET_STENCIL_REF / SET_BLEND_COLOR", "set_stencil_ref front=3 back=4",
	   "set_blend_color 0.5,0.25,1,0");
	uint16_t rect[4] = {1, 2, 30, 40};
	vgp_enc_set_scissor_states(e, 0, 1, rect);
	ok("SET_SCISSOR_STATE", "set_scissor_states start=0 count=1 1,2-30,40", NULL);
	uint32_t samplers[1] = {13};
	vgp_enc_bind_sampler_states(e, VIRGL_SHADER_FRAGMENT, 0, 1, samplers);
	vgp_enc_bind_sampler_states(e, VIRGL_SHADER_VERTEX, 0, 32, NULL);
	ok("BIND_SAMPLER_STATES", "bind_sampler_states stage=1 start=0 count=1 handles=13",
	   "bind_sampler_states stage=0 start=0 count=32 handles=0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,"
	   "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0");
	uint32_t stipple[32];
	for (int i = 0; i < 32; i++) {
		stipple[i] = 0xaaaa5555u ^ (uint32_t)i;
	}
	vgp_enc_set_polygon_stipple(e, stipple);
	snprintf(line, sizeof(line), "set_polygon_stipple hash=0x%08x",
		 fx_hash(stipple, sizeof(stipple)));
	ok("SET_POLYGON_STIPPLE", line, NULL);
	float planes[32] = {1, 0, 0, 0};
	planes[31] = -2;
	vgp_enc_set_clip_state(e, planes);
	ok("SET_CLIP_STATE", "set_clip_state p0=1,0,0,0 p7=0,0,0,-2", NULL);
	vgp_enc_set_sample_mask(e, 0xffffffffu);
	vgp_enc_set_min_samples(e, 1);
	ok("SET_SAMPLE_MASK / SET_MIN_SAMPLES", "set_sample_mask 0xffffffff", "set_min_samples 1");
	uint32_t so[1] = {15};
	vgp_enc_set_streamout_targets(e, 1, 1, so);
	vgp_enc_set_streamout_targets(e, 0, 0, NULL);
	ok("SET_STREAMOUT_TARGETS", "set_streamout_targets append=0x1 count=1 handles=15",
	   "set_streamout_targets append=0x0 count=0 handles=");
	vgp_enc_set_render_condition(e, 14, 1, 2);
	ok("SET_RENDER_CONDITION", "set_render_condition query=14 condition=1 mode=2", NULL);
	vgp_enc_set_uniform_buffer(e, VIRGL_SHADER_FRAGMENT, 1, 256, 512, 2);
	ok("SET_UNIFORM_BUFFER", "set_uniform_buffer stage=1 index=1 offset=256 length=512 res=2",
	   NULL);
	float outer[4] = {1, 2, 3, 4}, inner[2] = {5, 6};
	vgp_enc_set_tess_state(e, outer, inner);
	ok("SET_TESS_STATE", "set_tess_state outer=1,2,3,4 inner=5,6", NULL);
	vgp_enc_memory_barrier(e, 0x10);
	vgp_enc_texture_barrier(e, 1);
	ok("barriers", "memory_barrier flags=0x10", "texture_barrier flags=0x1");
}

static void
test_shaders_and_queries(void)
{
	struct vgp_enc *e = F.e;
	vgp_enc_bind_shader(e, 16, VIRGL_SHADER_VERTEX);
	vgp_enc_bind_shader(e, 0, VIRGL_SHADER_GEOMETRY);
	ok("BIND_SHADER", "bind_shader stage=0 handle=16", "bind_shader stage=2 handle=0");
	uint32_t link[6] = {16, 17, 0, 0, 0, 0};
	vgp_enc_link_shader(e, link);
	ok("LINK_SHADER", "link_shader vs=16 fs=17 gs=0 tcs=0 tes=0 cs=0", NULL);
	vgp_enc_begin_query(e, 14);
	vgp_enc_end_query(e, 14);
	ok("BEGIN/END_QUERY", "begin_query handle=14", "end_query handle=14");
	vgp_enc_get_query_result(e, 14, 1);
	ok("GET_QUERY_RESULT", "get_query_result handle=14 wait=1", NULL);
	vgp_enc_get_query_result_qbo(e, 14, 5, 0, PIPE_QUERY_TYPE_U32, 0, -1);
	vgp_enc_get_query_result_qbo(e, 14, 2, 1, PIPE_QUERY_TYPE_I64, 4088, 0);
	ok("GET_QUERY_RESULT_QBO (availability; 64-bit result in the last 8 bytes)",
	   "get_query_result_qbo handle=14 res=5 offset=0 type=1 index=-1 wait=0",
	   "get_query_result_qbo handle=14 res=2 offset=4088 type=2 index=0 wait=1");
	/* Mesa sends an empty vertex-elements set for attribute-less draws, and
	 * "scaled" integer formats for glVertexAttribPointer(non-normalised ints). */
	vgp_enc_create_vertex_elements(e, 40, 0, NULL);
	ok("VERTEX_ELEMENTS with 0 elements",
	   "create_object handle=40 type=VERTEX_ELEMENTS count=0", NULL);
	struct vgp_enc_vertex_element scaled = {.format = 61 /* R16G16_SSCALED */};
	vgp_enc_create_vertex_elements(e, 41, 1, &scaled);
	ok("VERTEX_ELEMENTS R16G16_SSCALED",
	   "create_object handle=41 type=VERTEX_ELEMENTS count=1 [0]=0,0,0,61", NULL);
}

static void
test_no_slot_commands(void)
{
	/* Mesa's all-empty setup forms and commands pvgpu accepts without a backend slot. */
	struct vgp_enc *e = F.e;
	vgp_enc_set_shader_buffers(e, VIRGL_SHADER_FRAGMENT, 0, 16, NULL);
	CHECK_EQ_U(e->dw[0] >> 16, 50);
	vgp_enc_set_atomic_buffers(e, 0, 16, NULL);
	vgp_enc_set_shader_images(e, VIRGL_SHADER_FRAGMENT, 0, 0, NULL);
	struct vgp_enc_buffer_slot ssbo = {0, 64, 2};
	vgp_enc_set_shader_buffers(e, VIRGL_SHADER_COMPUTE, 3, 1, &ssbo);
	struct vgp_enc_image_slot img = {VIRGL_FORMAT_R8G8B8A8_UNORM, 1, 0, 0, 3};
	vgp_enc_set_shader_images(e, VIRGL_SHADER_FRAGMENT, 0, 1, &img);
	uint32_t block[3] = {8, 8, 1}, grid[3] = {4, 4, 1};
	vgp_enc_launch_grid(e, block, grid, 0, 0);
	vgp_enc_set_debug_flags(e, "shader");
	vgp_enc_set_tweaks(e, 0, 1);
	vgp_enc_get_memory_info(e, 5);
	vgp_enc_string_marker(e, "frame 1");
	ok("no-slot commands", NULL, NULL);
	CHECK(strcmp(fx_log(&F), "flush\n") == 0, "no-slot commands reached the backend:\n%s",
	      fx_log(&F));
}

static void
test_draw_commands(void)
{
	struct vgp_enc *e = F.e;
	float color[4] = {0.25f, 0.5f, 0.75f, 1.0f};
	vgp_enc_clear(e, PIPE_CLEAR_DEPTH | PIPE_CLEAR_COLOR0, color, 1.0, 0);
	ok("CLEAR", "clear buffers=0x5 color=0.25,0.5,0.75,1 depth=1 stencil=0", NULL);
	vgp_enc_draw_vbo(e, 0, 36, PIPE_PRIM_TRIANGLES, true);
	ok("DRAW_VBO 12",
	   "draw_vbo mode=4 start=0 count=36 indexed=1 instances=1 bias=0 "
	   "start_instance=0 restart=0,0 min=0 max=4294967295",
	   NULL);
	struct vgp_enc_draw d = {.start = 3,
				 .count = 6,
				 .mode = PIPE_PRIM_PATCHES,
				 .instance_count = 2,
				 .index_bias = -1,
				 .vertices_per_patch = 3,
				 .drawid = 1,
				 .indirect_res = 2,
				 .indirect_offset = 16,
				 .indirect_stride = 20,
				 .indirect_draw_count = 1};
	vgp_enc_draw_vbo_full(e, &d, 14);
	vgp_enc_draw_vbo_full(e, &d, 20);
	ok("DRAW_VBO 14/20",
	   "draw_vbo mode=14 start=3 count=6 indexed=0 instances=2 bias=-1 "
	   "start_instance=0 restart=0,0 min=0 max=0 patch=3 drawid=1",
	   "draw_vbo mode=14 start=3 count=6 indexed=0 instances=2 bias=-1 start_instance=0 "
	   "restart=0,0 min=0 max=0 patch=3 drawid=1 indirect=2,16,20,1 count_res=0,0");
	struct vgp_enc_blit b = {.mask = PIPE_MASK_RGBA,
				 .filter = 1,
				 .dst_res = 1,
				 .dst_format = VIRGL_FORMAT_B8G8R8X8_UNORM,
				 .dst_box = vgp_enc_box(0, 16, 0, 16, -16, 1),
				 .src_res = 1,
				 .src_level = 1,
				 .src_format = VIRGL_FORMAT_B8G8R8X8_UNORM,
				 .src_box = vgp_enc_box(0, 0, 0, 8, 8, 1)};
	vgp_enc_blit(e, &b);
	ok("BLIT",
	   "blit mask=0xf filter=1 scissor=0 cond=0 alpha=0 dst=1,0,fmt=2,0,16,0 16x-16x1 "
	   "src=1,1,fmt=2,0,0,0 8x8x1",
	   NULL);
	/* Scaled blits may reach past the level's edge (GL clips them). */
	b.src_box = vgp_enc_box(-4, -4, 0, 16, 16, 1);
	vgp_enc_blit(e, &b);
	ok("BLIT with a source box past the edge",
	   "blit mask=0xf filter=1 scissor=0 cond=0 alpha=0 dst=1,0,fmt=2,0,16,0 16x-16x1 "
	   "src=1,1,fmt=2,-4,-4,0 16x16x1",
	   NULL);
	vgp_enc_resource_copy_region(e, 1, 0, 4, 4, 0, 1, 1, vgp_enc_box(0, 0, 0, 4, 4, 1));
	vgp_enc_resource_copy_region(e, 2, 0, 100, 0, 0, 5, 0, vgp_enc_box(8, 0, 0, 16, 1, 1));
	ok("RESOURCE_COPY_REGION", "resource_copy_region dst=1,0 at 4,4,0 src=1,1 box=0,0,0 4x4x1",
	   "resource_copy_region dst=2,0 at 100,0,0 src=5,0 box=8,0,0 16x1x1");
	uint32_t value[4] = {1, 2, 3, 4};
	vgp_enc_clear_texture(e, 3, 0, vgp_enc_box(0, 0, 2, 8, 8, 2), value);
	ok("CLEAR_TEXTURE", "clear_texture res=3 level=0 box=0,0,2 8x8x2 value=0x1,0x2,0x3,0x4",
	   NULL);
}

static void
test_transfers(void)
{
	struct vgp_enc *e = F.e;
	char line[256];
	/* Fill the start of resource 1's backing so the hash is not of zeros. */
	struct vr_resource *res = vr_device_lookup_resource(F.dev, 1);
	uint8_t *mem = res->backing->iov[0].iov_base;
	for (int i = 0; i < 64; i++) {
		mem[i] = (uint8_t)(i * 7);
	}
	vgp_enc_transfer3d(e, 1, 0, 0, 0, vgp_enc_box(0, 0, 0, 4, 4, 1), 0, VIRGL_TRANSFER_TO_HOST);
	snprintf(line, sizeof(line),
		 "transfer res=1 to_host=1 level=0 box=0,0,0 4x4x1 stride=16 "
		 "layer_stride=64 hash=0x%08x",
		 fx_hash(mem, 64));
	vgp_enc_transfer3d(e, 1, 1, 32, 0, vgp_enc_box(2, 2, 0, 2, 2, 1), 1024,
			   VIRGL_TRANSFER_FROM_HOST);
	ok("TRANSFER3D", line,
	   "transfer res=1 to_host=0 level=1 box=2,2,0 2x2x1 stride=32 "
	   "layer_stride=64");
	vgp_enc_end_transfers(e, 100);
	ok("END_TRANSFERS", NULL, NULL);
	uint8_t data[16];
	for (int i = 0; i < 16; i++) {
		data[i] = (uint8_t)(0xf0 | i);
	}
	vgp_enc_resource_inline_write(e, 1, 0, 0, 0, vgp_enc_box(1, 1, 0, 2, 2, 1), data, 16);
	snprintf(line, sizeof(line),
		 "transfer res=1 to_host=1 level=0 box=1,1,0 2x2x1 stride=8 "
		 "layer_stride=16 hash=0x%08x",
		 fx_hash(data, 16));
	ok("RESOURCE_INLINE_WRITE", line, NULL);
	struct vr_resource *stg = vr_device_lookup_resource(F.dev, 2);
	uint8_t *smem = stg->backing->iov[0].iov_base;
	memset(smem + 128, 0x5a, 32);
	vgp_enc_copy_transfer3d(e, 3, 0, 0, 0, vgp_enc_box(0, 0, 1, 4, 2, 1), 2, 128, 0);
	snprintf(line, sizeof(line),
		 "transfer res=3 to_host=1 level=0 box=0,0,1 4x2x1 stride=16 "
		 "layer_stride=32 hash=0x%08x",
		 fx_hash(smem + 128, 32));
	vgp_enc_copy_transfer3d(e, 3, 0, 0, 0, vgp_enc_box(0, 0, 0, 1, 1, 1), 2, 0, 2);
	ok("COPY_TRANSFER3D", line,
	   "transfer res=3 to_host=0 level=0 box=0,0,0 1x1x1 stride=4 layer_stride=4");
	/* An empty box is valid and reaches no backend. */
	vgp_enc_transfer3d(e, 1, 0, 0, 0, vgp_enc_box(0, 0, 0, 0, 4, 1), 0, 1);
	ok("TRANSFER3D empty", NULL, NULL);
	CHECK(!strstr(fx_log(&F), "transfer"), "empty transfer reached the backend");
}

static void
test_sub_contexts(void)
{
	struct vgp_enc *e = F.e;
	vgp_enc_create_sub_ctx(e, 2);
	vgp_enc_set_sub_ctx(e, 2);
	ok("CREATE/SET_SUB_CTX", "sub_ctx_create id=2", "sub_ctx_make_current id=2");
	/* Handles are per sub-context: 10 is free in sub-context 2. */
	vgp_enc_create_surface(e, 10, 1, VIRGL_FORMAT_B8G8R8X8_UNORM, 1, 0, 0);
	vgp_enc_set_sub_ctx(e, 1);
	vgp_enc_destroy_sub_ctx(e, 2);
	ok("DESTROY_SUB_CTX", "sub_ctx_destroy id=2", "destroy_object handle=10 type=SURFACE");
	vgp_enc_destroy_object(e, VIRGL_OBJECT_SURFACE, 10);
	ok("DESTROY_OBJECT", "destroy_object handle=10 type=SURFACE", NULL);
}

int
main(void)
{
	fx_init(&F, true);
	test_object_creation_lines();
	test_state_commands();
	test_shaders_and_queries();
	test_no_slot_commands();
	test_draw_commands();
	test_transfers();
	test_sub_contexts();
	CHECK(!F.ctx->broken, "context broke: %s", F.ctx->error);
	fx_finish(&F);
	return vgp_test_result("test_decode_valid");
}
