/*
 * pvgpu — TGSI intermediate representation (renderer/shader, internal).
 *
 * tgsi_parse.c turns TGSI text into one `struct vr_tgsi_program`; the GLSL
 * emitters read it. Everything in it has been range-checked by the parser
 * (register indices against their declarations, control-flow nesting), so the
 * emitters can index without re-validating. Owned by the program; no sharing.
 */
#ifndef TGSI_IR_H
#define TGSI_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vr_shader.h"

/*
 * Caps on what a guest's text can make us allocate or recurse into. Each is far
 * above what Mesa 22.3 emits for a GL 3.3 / GLES 3.x guest (largest corpus
 * shader: 447 instructions, 354 temps, 8 immediates) and bounds memory to a few
 * MiB per program whatever the text says.
 */
#define TGSI_MAX_INSTRUCTIONS 16384    /* 16k x ~100 B IR; Mesa's own limit is lower */
#define TGSI_MAX_DECLS 4096            /* one DCL line each; 4x the temps cap would be silly */
#define TGSI_MAX_IMMEDIATES 1024       /* nir_to_tgsi packs 4 constants per IMM */
#define TGSI_MAX_TEMPS 4096            /* TEMP index bound; GLSL compilers choke well before */
#define TGSI_MAX_CONSTS 4096           /* 64 KiB of vec4 = GL_MAX_UNIFORM_BLOCK_SIZE minimum */
#define TGSI_MAX_IO 64                 /* = VR_SHADER_MAX_IO; PIPE_MAX_SHADER_INPUTS is 80 */
#define TGSI_MAX_SAMPLERS 32           /* = VR_SHADER_MAX_SAMPLERS (PIPE_MAX_SAMPLERS 32) */
#define TGSI_MAX_UBOS 32               /* ubo_mask is 32 bits; PIPE_MAX_CONSTANT_BUFFERS 32 */
#define TGSI_MAX_ADDR 4                /* Mesa uses ADDR[0..2] at most */
#define TGSI_MAX_SV 32                 /* system values: one per semantic at most */
#define TGSI_MAX_GS_VERTICES 6         /* widest GS input primitive (triangles_adjacency) */
#define TGSI_MAX_NESTING 64            /* IF/LOOP/SWITCH depth; GLSL drivers recurse on it */
#define TGSI_MAX_INDIRECT_OFFSET 65536 /* |constant part| of an indirect address */
#define TGSI_MAX_ARRAY_ID 4096         /* ARRAY(n) ids; at most one per TEMP */

enum tgsi_processor {
	TGSI_PROC_VERTEX = 0,
	TGSI_PROC_TESS_CTRL,
	TGSI_PROC_TESS_EVAL,
	TGSI_PROC_GEOMETRY,
	TGSI_PROC_FRAGMENT,
	TGSI_PROC_COMPUTE,
};

enum tgsi_file {
	TGSI_FILE_NULL = 0,
	TGSI_FILE_CONSTANT,
	TGSI_FILE_INPUT,
	TGSI_FILE_OUTPUT,
	TGSI_FILE_TEMPORARY,
	TGSI_FILE_SAMPLER,
	TGSI_FILE_ADDRESS,
	TGSI_FILE_IMMEDIATE,
	TGSI_FILE_SYSTEM_VALUE,
	TGSI_FILE_SAMPLER_VIEW,
	TGSI_FILE_BUFFER,
	TGSI_FILE_IMAGE,
	TGSI_FILE_MEMORY,
	TGSI_FILE_HW_ATOMIC,
	TGSI_FILE_COUNT,
};

/* Texture targets in TGSI order (also the text spelling table order). */
enum tgsi_texture {
	TGSI_TEX_BUFFER = 0,
	TGSI_TEX_1D,
	TGSI_TEX_2D,
	TGSI_TEX_3D,
	TGSI_TEX_CUBE,
	TGSI_TEX_RECT,
	TGSI_TEX_SHADOW1D,
	TGSI_TEX_SHADOW2D,
	TGSI_TEX_SHADOWRECT,
	TGSI_TEX_1D_ARRAY,
	TGSI_TEX_2D_ARRAY,
	TGSI_TEX_SHADOW1D_ARRAY,
	TGSI_TEX_SHADOW2D_ARRAY,
	TGSI_TEX_SHADOWCUBE,
	TGSI_TEX_2D_MSAA,
	TGSI_TEX_2D_ARRAY_MSAA,
	TGSI_TEX_CUBE_ARRAY,
	TGSI_TEX_SHADOWCUBE_ARRAY,
	TGSI_TEX_UNKNOWN,
	TGSI_TEX_COUNT,
};

/* SVIEW return types as spelled in the text. */
enum tgsi_return_type {
	TGSI_RET_UNORM = 0,
	TGSI_RET_SNORM,
	TGSI_RET_SINT,
	TGSI_RET_UINT,
	TGSI_RET_FLOAT,
	TGSI_RET_COUNT,
};

/* TGSI semantic names beyond the ones vr_shader.h exports. */
enum tgsi_semantic {
	TGSI_SEM_POSITION = 0,
	TGSI_SEM_COLOR,
	TGSI_SEM_BCOLOR,
	TGSI_SEM_FOG,
	TGSI_SEM_PSIZE,
	TGSI_SEM_GENERIC,
	TGSI_SEM_NORMAL,
	TGSI_SEM_FACE,
	TGSI_SEM_EDGEFLAG,
	TGSI_SEM_PRIMID,
	TGSI_SEM_INSTANCEID,
	TGSI_SEM_VERTEXID,
	TGSI_SEM_STENCIL,
	TGSI_SEM_CLIPDIST,
	TGSI_SEM_CLIPVERTEX,
	TGSI_SEM_GRID_SIZE,
	TGSI_SEM_BLOCK_ID,
	TGSI_SEM_BLOCK_SIZE,
	TGSI_SEM_THREAD_ID,
	TGSI_SEM_TEXCOORD,
	TGSI_SEM_PCOORD,
	TGSI_SEM_VIEWPORT_INDEX,
	TGSI_SEM_LAYER,
	TGSI_SEM_SAMPLEID,
	TGSI_SEM_SAMPLEPOS,
	TGSI_SEM_SAMPLEMASK,
	TGSI_SEM_INVOCATIONID,
	TGSI_SEM_VERTEXID_NOBASE,
	TGSI_SEM_BASEVERTEX,
	TGSI_SEM_PATCH,
	TGSI_SEM_TESSCOORD,
	TGSI_SEM_TESSOUTER,
	TGSI_SEM_TESSINNER,
	TGSI_SEM_VERTICESIN,
	TGSI_SEM_HELPER_INVOCATION,
	TGSI_SEM_BASEINSTANCE,
	TGSI_SEM_DRAWID,
	TGSI_SEM_WORK_DIM,
	TGSI_SEM_CULLDIST,
	TGSI_SEM_COUNT,
	TGSI_SEM_NONE = 0xff, /* no semantic given */
};

enum tgsi_interp {
	TGSI_INTERP_CONSTANT = 0,
	TGSI_INTERP_LINEAR,
	TGSI_INTERP_PERSPECTIVE,
	TGSI_INTERP_COLOR,
	TGSI_INTERP_COUNT,
	TGSI_INTERP_NONE = 0xff,
};

enum tgsi_interp_loc {
	TGSI_LOC_CENTER = 0,
	TGSI_LOC_CENTROID,
	TGSI_LOC_SAMPLE,
};

enum tgsi_property {
	TGSI_PROP_GS_INPUT_PRIM = 0,
	TGSI_PROP_GS_OUTPUT_PRIM,
	TGSI_PROP_GS_MAX_OUTPUT_VERTICES,
	TGSI_PROP_FS_COORD_ORIGIN,
	TGSI_PROP_FS_COORD_PIXEL_CENTER,
	TGSI_PROP_FS_COLOR0_WRITES_ALL_CBUFS,
	TGSI_PROP_FS_DEPTH_LAYOUT,
	TGSI_PROP_VS_PROHIBIT_UCPS,
	TGSI_PROP_GS_INVOCATIONS,
	TGSI_PROP_VS_WINDOW_SPACE_POSITION,
	TGSI_PROP_TCS_VERTICES_OUT,
	TGSI_PROP_TES_PRIM_MODE,
	TGSI_PROP_TES_SPACING,
	TGSI_PROP_TES_VERTEX_ORDER_CW,
	TGSI_PROP_TES_POINT_MODE,
	TGSI_PROP_NUM_CLIPDIST_ENABLED,
	TGSI_PROP_NUM_CULLDIST_ENABLED,
	TGSI_PROP_FS_EARLY_DEPTH_STENCIL,
	TGSI_PROP_FS_POST_DEPTH_COVERAGE,
	TGSI_PROP_NEXT_SHADER,
	TGSI_PROP_CS_FIXED_BLOCK_WIDTH,
	TGSI_PROP_CS_FIXED_BLOCK_HEIGHT,
	TGSI_PROP_CS_FIXED_BLOCK_DEPTH,
	TGSI_PROP_MUL_ZERO_WINS,
	TGSI_PROP_VS_BLIT_SGPRS_AMD,
	TGSI_PROP_CS_USER_DATA_COMPONENTS_AMD,
	TGSI_PROP_LAYER_VIEWPORT_RELATIVE,
	TGSI_PROP_FS_BLEND_EQUATION_ADVANCED,
	TGSI_PROP_SEPARABLE_PROGRAM,
	TGSI_PROP_COUNT,
};

/* Gallium primitive numbers (GS_INPUT_PRIMITIVE / GS_OUTPUT_PRIMITIVE values). */
enum tgsi_prim {
	TGSI_PRIM_POINTS = 0,
	TGSI_PRIM_LINES,
	TGSI_PRIM_LINE_LOOP,
	TGSI_PRIM_LINE_STRIP,
	TGSI_PRIM_TRIANGLES,
	TGSI_PRIM_TRIANGLE_STRIP,
	TGSI_PRIM_TRIANGLE_FAN,
	TGSI_PRIM_QUADS,
	TGSI_PRIM_QUAD_STRIP,
	TGSI_PRIM_POLYGON,
	TGSI_PRIM_LINES_ADJACENCY,
	TGSI_PRIM_LINE_STRIP_ADJACENCY,
	TGSI_PRIM_TRIANGLES_ADJACENCY,
	TGSI_PRIM_TRIANGLE_STRIP_ADJACENCY,
	TGSI_PRIM_PATCHES,
	TGSI_PRIM_COUNT,
};

enum tgsi_imm_type {
	TGSI_IMM_FLT32 = 0,
	TGSI_IMM_UINT32,
	TGSI_IMM_INT32,
	TGSI_IMM_FLT64,
	TGSI_IMM_COUNT,
};

/* Opcode flags. */
#define TGSI_OPF_TEX 0x1   /* followed by `, TARGET` and optional offsets */
#define TGSI_OPF_LABEL 0x2 /* may carry ` :N` */
#define TGSI_OPF_MEM 0x4   /* may carry memory qualifiers (parsed, never emitted) */

/* X(name, num_dst, num_src, flags): every opcode the text parser knows. */
/* clang-format off */
#define TGSI_OPCODES(X)                                                                         \
	X(ARL, 1, 1, 0) X(MOV, 1, 1, 0) X(LIT, 1, 1, 0) X(RCP, 1, 1, 0) X(RSQ, 1, 1, 0)         \
	X(EXP, 1, 1, 0) X(LOG, 1, 1, 0) X(MUL, 1, 2, 0) X(ADD, 1, 2, 0) X(DP3, 1, 2, 0)         \
	X(DP4, 1, 2, 0) X(DST, 1, 2, 0) X(MIN, 1, 2, 0) X(MAX, 1, 2, 0) X(SLT, 1, 2, 0)         \
	X(SGE, 1, 2, 0) X(MAD, 1, 3, 0) X(LRP, 1, 3, 0) X(FMA, 1, 3, 0) X(SQRT, 1, 1, 0)        \
	X(LDEXP, 1, 2, 0) X(FRC, 1, 1, 0) X(FLR, 1, 1, 0) X(ROUND, 1, 1, 0) X(EX2, 1, 1, 0)     \
	X(LG2, 1, 1, 0) X(POW, 1, 2, 0) X(XPD, 1, 2, 0) X(COS, 1, 1, 0) X(DDX, 1, 1, 0)         \
	X(DDY, 1, 1, 0) X(KILL, 0, 0, 0) X(PK2H, 1, 1, 0) X(SEQ, 1, 2, 0) X(SGT, 1, 2, 0)       \
	X(SIN, 1, 1, 0) X(SLE, 1, 2, 0) X(SNE, 1, 2, 0) X(TEX, 1, 2, TGSI_OPF_TEX)              \
	X(TXD, 1, 4, TGSI_OPF_TEX) X(TXP, 1, 2, TGSI_OPF_TEX) X(UP2H, 1, 1, 0)                  \
	X(ARR, 1, 1, 0) X(CAL, 0, 0, TGSI_OPF_LABEL) X(RET, 0, 0, 0) X(SSG, 1, 1, 0)            \
	X(CMP, 1, 3, 0) X(TXB, 1, 2, TGSI_OPF_TEX) X(DIV, 1, 2, 0) X(DP2, 1, 2, 0)              \
	X(TXL, 1, 2, TGSI_OPF_TEX) X(BRK, 0, 0, 0) X(IF, 0, 1, TGSI_OPF_LABEL)                  \
	X(UIF, 0, 1, TGSI_OPF_LABEL) X(ELSE, 0, 0, TGSI_OPF_LABEL) X(ENDIF, 0, 0, 0)            \
	X(DDX_FINE, 1, 1, 0) X(DDY_FINE, 1, 1, 0) X(CEIL, 1, 1, 0) X(I2F, 1, 1, 0)              \
	X(NOT, 1, 1, 0) X(TRUNC, 1, 1, 0) X(SHL, 1, 2, 0) X(AND, 1, 2, 0) X(OR, 1, 2, 0)        \
	X(MOD, 1, 2, 0) X(XOR, 1, 2, 0) X(TXF, 1, 2, TGSI_OPF_TEX) X(TXQ, 1, 2, TGSI_OPF_TEX)   \
	X(CONT, 0, 0, 0) X(EMIT, 0, 1, 0) X(ENDPRIM, 0, 1, 0)                                   \
	X(BGNLOOP, 0, 0, TGSI_OPF_LABEL) X(BGNSUB, 0, 0, TGSI_OPF_LABEL)                        \
	X(ENDLOOP, 0, 0, TGSI_OPF_LABEL) X(ENDSUB, 0, 0, 0) X(TXQS, 1, 1, TGSI_OPF_TEX)         \
	X(NOP, 0, 0, 0) X(FSEQ, 1, 2, 0) X(FSGE, 1, 2, 0) X(FSLT, 1, 2, 0) X(FSNE, 1, 2, 0)     \
	X(KILL_IF, 0, 1, 0) X(END, 0, 0, 0) X(F2I, 1, 1, 0) X(IDIV, 1, 2, 0) X(IMAX, 1, 2, 0)   \
	X(IMIN, 1, 2, 0) X(INEG, 1, 1, 0) X(ISGE, 1, 2, 0) X(ISHR, 1, 2, 0) X(ISLT, 1, 2, 0)    \
	X(F2U, 1, 1, 0) X(U2F, 1, 1, 0) X(UADD, 1, 2, 0) X(UDIV, 1, 2, 0) X(UMAD, 1, 3, 0)      \
	X(UMAX, 1, 2, 0) X(UMIN, 1, 2, 0) X(UMOD, 1, 2, 0) X(UMUL, 1, 2, 0) X(USEQ, 1, 2, 0)    \
	X(USGE, 1, 2, 0) X(USHR, 1, 2, 0) X(USLT, 1, 2, 0) X(USNE, 1, 2, 0)                     \
	X(SWITCH, 0, 1, 0) X(CASE, 0, 1, 0) X(DEFAULT, 0, 0, 0) X(ENDSWITCH, 0, 0, 0)           \
	X(UARL, 1, 1, 0) X(UCMP, 1, 3, 0) X(IABS, 1, 1, 0) X(ISSG, 1, 1, 0)                     \
	X(TEX2, 1, 3, TGSI_OPF_TEX) X(TXB2, 1, 3, TGSI_OPF_TEX) X(TXL2, 1, 3, TGSI_OPF_TEX)     \
	X(IMUL_HI, 1, 2, 0) X(UMUL_HI, 1, 2, 0) X(TG4, 1, 3, TGSI_OPF_TEX)                      \
	X(LODQ, 1, 2, TGSI_OPF_TEX) X(IBFE, 1, 3, 0) X(UBFE, 1, 3, 0) X(BFI, 1, 4, 0)           \
	X(BREV, 1, 1, 0) X(POPC, 1, 1, 0) X(LSB, 1, 1, 0) X(IMSB, 1, 1, 0) X(UMSB, 1, 1, 0)     \
	X(TEX_LZ, 1, 2, TGSI_OPF_TEX) X(TXF_LZ, 1, 2, TGSI_OPF_TEX) X(DEMOTE, 0, 0, 0)          \
	X(BARRIER, 0, 0, 0) X(MEMBAR, 0, 1, 0) X(LOAD, 1, 2, TGSI_OPF_MEM)                      \
	X(STORE, 1, 2, TGSI_OPF_MEM) X(ATOMUADD, 1, 3, TGSI_OPF_MEM)                            \
	X(INTERP_CENTROID, 1, 1, 0) X(INTERP_SAMPLE, 1, 2, 0) X(INTERP_OFFSET, 1, 2, 0)         \
	X(FBFETCH, 1, 1, 0) X(CLOCK, 1, 0, 0) X(READ_HELPER, 1, 0, 0)
/* clang-format on */

#define TGSI_OP_ENUM(name, nd, ns, fl) TGSI_OP_##name,
enum tgsi_opcode { TGSI_OPCODES(TGSI_OP_ENUM) TGSI_OP_COUNT };
#undef TGSI_OP_ENUM

struct tgsi_opcode_info {
	const char *name;
	uint8_t num_dst, num_src, flags;
};

/* An indirect address: `ADDR[i].c` or `TEMP[i].c` plus the register's base index. */
struct tgsi_indirect {
	uint8_t file; /* TGSI_FILE_ADDRESS or TGSI_FILE_TEMPORARY */
	uint8_t swizzle;
	uint16_t array_id; /* `(n)` suffix, 0 = none */
	uint32_t index;
};

/* Register reference shared by dst and src operands. */
struct tgsi_reg {
	uint8_t file;
	bool indirect, has_dim, dim_indirect;
	int32_t index;     /* register index, or the constant offset when indirect */
	int32_t dim_index; /* 2-D index (CONST buffer, GS vertex), or offset */
	struct tgsi_indirect ind, dim_ind;
};

struct tgsi_dst {
	struct tgsi_reg reg;
	uint8_t writemask; /* bit 0 = x */
};

struct tgsi_src {
	struct tgsi_reg reg;
	uint8_t swizzle[4]; /* 0..3 per channel */
	bool negate, absolute;
};

struct tgsi_tex_offset {
	uint8_t file;
	uint32_t index;
	uint8_t swizzle[3];
};

#define TGSI_MAX_SRC 4
#define TGSI_MAX_TEX_OFFSETS 4

struct tgsi_instruction {
	uint16_t opcode; /* enum tgsi_opcode */
	bool saturate, precise, has_label;
	uint8_t num_dst, num_src;
	uint8_t tex_target; /* enum tgsi_texture (TGSI_OPF_TEX) */
	uint8_t num_offsets;
	uint32_t label;
	uint32_t line; /* text line, for emitter errors */
	struct tgsi_dst dst;
	struct tgsi_src src[TGSI_MAX_SRC];
	struct tgsi_tex_offset offsets[TGSI_MAX_TEX_OFFSETS];
};

struct tgsi_declaration {
	uint8_t file;
	bool has_dim, dim_empty; /* `CONST[1][..]` / GS `IN[][..]` */
	bool has_semantic, local, invariant;
	uint8_t usage_mask; /* xyzw bits, 0xf when not written */
	uint8_t semantic;   /* enum tgsi_semantic */
	uint8_t interp;     /* enum tgsi_interp, TGSI_INTERP_NONE when absent */
	uint8_t location;   /* enum tgsi_interp_loc */
	uint8_t sview_target, sview_return[4];
	uint8_t streams[4];
	uint16_t array_id;
	uint32_t first, last, dim;
	uint32_t semantic_index;
	uint32_t line;
};

struct tgsi_immediate {
	uint8_t type; /* enum tgsi_imm_type */
	uint8_t count;
	uint32_t value[4];
};

/* The parsed program. Arrays are owned; counts never exceed the caps above. */
struct vr_tgsi_program {
	uint8_t processor; /* enum tgsi_processor */
	bool prop_set[TGSI_PROP_COUNT];
	uint32_t prop[TGSI_PROP_COUNT];
	uint32_t num_decls, num_imms, num_insts;
	struct tgsi_declaration *decls;
	struct tgsi_immediate *imms;
	struct tgsi_instruction *insts;
};

/* Name tables (tgsi_names.c). Lookups take a non-NUL-terminated span. */
extern const struct tgsi_opcode_info tgsi_opcode_infos[TGSI_OP_COUNT];
extern const char *const tgsi_file_names[TGSI_FILE_COUNT];
extern const char *const tgsi_texture_names[TGSI_TEX_COUNT];
extern const char *const tgsi_semantic_names[TGSI_SEM_COUNT];
extern const char *const tgsi_property_names[TGSI_PROP_COUNT];
extern const char *const tgsi_prim_names[TGSI_PRIM_COUNT];
extern const char *const tgsi_processor_names[6];
extern const char *const tgsi_return_type_names[TGSI_RET_COUNT];
extern const char *const tgsi_interp_names[TGSI_INTERP_COUNT];
extern const char *const tgsi_imm_type_names[TGSI_IMM_COUNT];

/** Index of `s[0..len)` in `table` (n entries, NULL entries skipped), or -1. */
int tgsi_lookup(const char *const *table, int n, const char *s, size_t len);
/** Opcode for an exact name, or -1. */
int tgsi_lookup_opcode(const char *s, size_t len);

/* Texture target helpers shared by the parser and the emitters. */
bool tgsi_tex_is_shadow(unsigned target);
bool tgsi_tex_is_array(unsigned target);

#endif /* TGSI_IR_H */
