/*
 * pvgpu unit tests — wire struct sizes and offsets (virgl-wire.md §3.1). The
 * protocol headers static-assert these too; this checks them at run time and
 * prints them, so a wrong ABI shows up as a readable test failure.
 */
#include <stddef.h>

#include "vgp_caps.h"
#include "vgp_gallium.h"
#include "vgp_test.h"
#include "vgp_virgl_cmd.h"
#include "vgp_vtest.h"

#define OFF(type, field, expect)                                                          \
	do {                                                                              \
		printf("  %-48s %4zu\n", #type "." #field, offsetof(struct type, field)); \
		CHECK_EQ_U(offsetof(struct type, field), (expect));                       \
	} while (0)

int
main(void)
{
	printf("sizeof(vgp_caps_v1) = %zu, sizeof(vgp_caps_v2) = %zu\n", sizeof(struct vgp_caps_v1),
	       sizeof(struct vgp_caps_v2));
	CHECK_EQ_U(sizeof(struct vgp_caps_v1), 308);
	CHECK_EQ_U(sizeof(struct vgp_caps_v2), 1376);
	CHECK_EQ_U(VGP_CAPS_V1_SIZE, 308);
	CHECK_EQ_U(VGP_CAPS_V2_SIZE, 1376);
	OFF(vgp_caps_v1, bset, 260);
	OFF(vgp_caps_v1, glsl_level, 264);
	OFF(vgp_caps_v1, max_render_targets, 280);
	OFF(vgp_caps_v1, prim_mask, 288);
	OFF(vgp_caps_v1, max_uniform_blocks, 296);
	OFF(vgp_caps_v2, capability_bits, 392);
	OFF(vgp_caps_v2, max_texture_2d_size, 484);
	OFF(vgp_caps_v2, host_feature_check_version, 556);
	OFF(vgp_caps_v2, capability_bits_v2, 688);
	OFF(vgp_caps_v2, renderer, 696);
	OFF(vgp_caps_v2, max_const_buffer_size, 832);
	OFF(vgp_caps_v2, max_uniform_block_size, 1372);
	CHECK_EQ_U(sizeof(struct vgp_query_result), 16);
	OFF(vgp_query_result, result, 8);
	/* Command header packing. */
	uint32_t hdr = VGP_CMD_HEADER(VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_SURFACE, 5);
	CHECK_EQ_U(hdr, 0x00050801u);
	CHECK_EQ_U(VGP_CMD_OPCODE(hdr), 1);
	CHECK_EQ_U(VGP_CMD_OBJTYPE(hdr), 8);
	CHECK_EQ_U(VGP_CMD_LENGTH(hdr), 5);
	CHECK_EQ_U(VGP_CMD_LENGTH(0xffff0000u), 65535);
	CHECK_EQ_U(VIRGL_MAX_COMMANDS, 62);
	CHECK_EQ_U(VCMD_RES_CREATE2_SIZE, 11);
	CHECK_EQ_U(VCMD_TRANSFER2_HDR_SIZE, 10);
	/* Query types in virgl's wire order (Mesa's virgl driver remaps its own enum). */
	CHECK_EQ_U(PIPE_QUERY_TIMESTAMP, 2);
	CHECK_EQ_U(PIPE_QUERY_TIME_ELAPSED, 4);
	CHECK_EQ_U(PIPE_QUERY_PRIMITIVES_GENERATED, 5);
	CHECK_EQ_U(PIPE_QUERY_PRIMITIVES_EMITTED, 6);
	CHECK_EQ_U(PIPE_QUERY_GPU_FINISHED, 9);
	CHECK_EQ_U(PIPE_QUERY_PIPELINE_STATISTICS, 10);
	CHECK_EQ_U(PIPE_QUERY_OCCLUSION_PREDICATE_CONSERVATIVE, 11);
	return vgp_test_result("test_structs");
}
