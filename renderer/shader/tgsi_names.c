/*
 * pvgpu — TGSI spellings (the words tgsi_dump writes) and small lookups.
 */
#include <string.h>

#include "tgsi_ir.h"

#define TGSI_OP_INFO(n, nd, ns, fl) {#n, nd, ns, fl},
const struct tgsi_opcode_info tgsi_opcode_infos[TGSI_OP_COUNT] = {TGSI_OPCODES(TGSI_OP_INFO)};
#undef TGSI_OP_INFO

const char *const tgsi_file_names[TGSI_FILE_COUNT] = {
	"NULL", "CONST", "IN",    "OUT",    "TEMP",  "SAMP",   "ADDR",
	"IMM",  "SV",    "SVIEW", "BUFFER", "IMAGE", "MEMORY", "HWATOMIC",
};

const char *const tgsi_texture_names[TGSI_TEX_COUNT] = {
	"BUFFER",
	"1D",
	"2D",
	"3D",
	"CUBE",
	"RECT",
	"SHADOW1D",
	"SHADOW2D",
	"SHADOWRECT",
	"1D_ARRAY",
	"2D_ARRAY",
	"SHADOW1D_ARRAY",
	"SHADOW2D_ARRAY",
	"SHADOWCUBE",
	"2D_MSAA",
	"2D_ARRAY_MSAA",
	"CUBE_ARRAY",
	"SHADOWCUBE_ARRAY",
	"UNKNOWN",
};

const char *const tgsi_semantic_names[TGSI_SEM_COUNT] = {
	"POSITION",
	"COLOR",
	"BCOLOR",
	"FOG",
	"PSIZE",
	"GENERIC",
	"NORMAL",
	"FACE",
	"EDGEFLAG",
	"PRIMID",
	"INSTANCEID",
	"VERTEXID",
	"STENCIL",
	"CLIPDIST",
	"CLIPVERTEX",
	"GRID_SIZE",
	"BLOCK_ID",
	"BLOCK_SIZE",
	"THREAD_ID",
	"TEXCOORD",
	"PCOORD",
	"VIEWPORT_INDEX",
	"LAYER",
	"SAMPLEID",
	"SAMPLEPOS",
	"SAMPLEMASK",
	"INVOCATIONID",
	"VERTEXID_NOBASE",
	"BASEVERTEX",
	"PATCH",
	"TESSCOORD",
	"TESSOUTER",
	"TESSINNER",
	"VERTICESIN",
	"HELPER_INVOCATION",
	"BASEINSTANCE",
	"DRAWID",
	"WORK_DIM",
	"CULLDIST",
};

const char *const tgsi_property_names[TGSI_PROP_COUNT] = {
	"GS_INPUT_PRIMITIVE",
	"GS_OUTPUT_PRIMITIVE",
	"GS_MAX_OUTPUT_VERTICES",
	"FS_COORD_ORIGIN",
	"FS_COORD_PIXEL_CENTER",
	"FS_COLOR0_WRITES_ALL_CBUFS",
	"FS_DEPTH_LAYOUT",
	"VS_PROHIBIT_UCPS",
	"GS_INVOCATIONS",
	"VS_WINDOW_SPACE_POSITION",
	"TCS_VERTICES_OUT",
	"TES_PRIM_MODE",
	"TES_SPACING",
	"TES_VERTEX_ORDER_CW",
	"TES_POINT_MODE",
	"NUM_CLIPDIST_ENABLED",
	"NUM_CULLDIST_ENABLED",
	"FS_EARLY_DEPTH_STENCIL",
	"FS_POST_DEPTH_COVERAGE",
	"NEXT_SHADER",
	"CS_FIXED_BLOCK_WIDTH",
	"CS_FIXED_BLOCK_HEIGHT",
	"CS_FIXED_BLOCK_DEPTH",
	"MUL_ZERO_WINS",
	"VS_BLIT_SGPRS_AMD",
	"CS_USER_DATA_COMPONENTS_AMD",
	"LAYER_VIEWPORT_RELATIVE",
	"FS_BLEND_EQUATION_ADVANCED",
	"SEPARABLE_PROGRAM",
};

const char *const tgsi_prim_names[TGSI_PRIM_COUNT] = {
	"POINTS",
	"LINES",
	"LINE_LOOP",
	"LINE_STRIP",
	"TRIANGLES",
	"TRIANGLE_STRIP",
	"TRIANGLE_FAN",
	"QUADS",
	"QUAD_STRIP",
	"POLYGON",
	"LINES_ADJACENCY",
	"LINE_STRIP_ADJACENCY",
	"TRIANGLES_ADJACENCY",
	"TRIANGLE_STRIP_ADJACENCY",
	"PATCHES",
};

/* In enum tgsi_processor order. */
const char *const tgsi_processor_names[6] = {"VERT", "TESS_CTRL", "TESS_EVAL",
					     "GEOM", "FRAG",      "COMP"};

const char *const tgsi_return_type_names[TGSI_RET_COUNT] = {"UNORM", "SNORM", "SINT", "UINT",
							    "FLOAT"};

const char *const tgsi_interp_names[TGSI_INTERP_COUNT] = {"CONSTANT", "LINEAR", "PERSPECTIVE",
							  "COLOR"};

const char *const tgsi_imm_type_names[TGSI_IMM_COUNT] = {"FLT32", "UINT32", "INT32", "FLT64"};

int
tgsi_lookup(const char *const *table, int n, const char *s, size_t len)
{
	for (int i = 0; i < n; i++) {
		if (table[i] && strlen(table[i]) == len && memcmp(table[i], s, len) == 0) {
			return i;
		}
	}
	return -1;
}

int
tgsi_lookup_opcode(const char *s, size_t len)
{
	for (int i = 0; i < TGSI_OP_COUNT; i++) {
		const char *n = tgsi_opcode_infos[i].name;
		if (strlen(n) == len && memcmp(n, s, len) == 0) {
			return i;
		}
	}
	return -1;
}

bool
tgsi_tex_is_shadow(unsigned target)
{
	switch (target) {
	case TGSI_TEX_SHADOW1D:
	case TGSI_TEX_SHADOW2D:
	case TGSI_TEX_SHADOWRECT:
	case TGSI_TEX_SHADOW1D_ARRAY:
	case TGSI_TEX_SHADOW2D_ARRAY:
	case TGSI_TEX_SHADOWCUBE:
	case TGSI_TEX_SHADOWCUBE_ARRAY:
		return true;
	default:
		return false;
	}
}

bool
tgsi_tex_is_array(unsigned target)
{
	switch (target) {
	case TGSI_TEX_1D_ARRAY:
	case TGSI_TEX_2D_ARRAY:
	case TGSI_TEX_SHADOW1D_ARRAY:
	case TGSI_TEX_SHADOW2D_ARRAY:
	case TGSI_TEX_2D_ARRAY_MSAA:
	case TGSI_TEX_CUBE_ARRAY:
	case TGSI_TEX_SHADOWCUBE_ARRAY:
		return true;
	default:
		return false;
	}
}
