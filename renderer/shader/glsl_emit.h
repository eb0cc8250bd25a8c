/*
 * pvgpu — IR → GLSL emitter internals (renderer/shader).
 *
 * Registers are untyped 32-bit x 4 in TGSI, so every TEMP, OUT, CONST and
 * immediate is held as uvec4 bits; each instruction reads its sources as the
 * type the opcode defines (uintBitsToFloat etc.) and stores with the reverse
 * cast. Split by concern: glsl_emit.c (driver, buffers, operands),
 * glsl_emit_decl.c (interface and info), glsl_emit_alu.c, glsl_emit_tex.c,
 * glsl_emit_flow.c (control flow, kill, GS emit).
 */
#ifndef GLSL_EMIT_H
#define GLSL_EMIT_H

#include <stdarg.h>

#include "tgsi_ir.h"

/* Generated text cap: ~1 KiB per instruction worst case, plus declarations. */
#define GLSL_MAX_OUTPUT (32u << 20)

struct glsl_buf {
	char *s;
	size_t len, cap;
	bool oom;
};

void glsl_buf_printf(struct glsl_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void glsl_buf_vprintf(struct glsl_buf *b, const char *fmt, va_list ap);
void glsl_buf_puts(struct glsl_buf *b, const char *s);
void glsl_buf_finish(struct glsl_buf *b);

/* Value types an operand is read or written as. */
enum glsl_type { GT_FLOAT = 0, GT_INT, GT_UINT };

/* Helper functions emitted on demand (bits in emit_ctx.helpers). */
enum glsl_helper {
	H_UMUL_HI = 1u << 0,
	H_IMUL_HI = 1u << 1,
	H_UBFE = 1u << 2,
	H_IBFE = 1u << 3,
	H_BFI = 1u << 4,
	H_BREV = 1u << 5,
	H_POPC = 1u << 6,
	H_LSB = 1u << 7,
	H_UMSB = 1u << 8,
	H_IMSB = 1u << 9,
};

/* GLSL extensions requested by the body (bits in emit_ctx.exts). */
enum glsl_ext {
	EXT_GPU_SHADER5 = 1u << 0,
	EXT_TEXTURE_QUERY_LOD = 1u << 1,
	EXT_TEXTURE_QUERY_LEVELS = 1u << 2,
	EXT_TEXTURE_CUBE_MAP_ARRAY = 1u << 3,
	EXT_SAMPLE_SHADING = 1u << 4,
	EXT_TEXTURE_IMAGE_SAMPLES = 1u << 5,
	EXT_STENCIL_EXPORT = 1u << 6,
	EXT_DERIVATIVE_CONTROL = 1u << 7,
	EXT_TEXTURE_GATHER = 1u << 8,
};

struct emit_sampler {
	bool used;
	uint8_t target; /* enum tgsi_texture: from SVIEW, else from the first use */
	uint8_t ret;    /* GT_FLOAT / GT_INT / GT_UINT */
	int8_t shadow;  /* -1 unknown, 0/1 */
	bool have_target;
	char type[32]; /* GLSL sampler type, filled by emit_sampler_type() */
};

struct emit_ctx {
	const struct vr_tgsi_program *prog;
	const struct vr_shader_key *key;
	struct vr_shader_info *info;
	bool es;
	const char *sp; /* stage prefix: vs fs gs tcs tes cs */
	struct glsl_buf decl, body;
	unsigned indent;
	bool failed;
	char *err;
	size_t err_size;
	uint32_t helpers, exts;
	bool imm_array;                    /* some immediate is addressed indirectly */
	bool gs_in_names;                  /* this stage's outputs feed a GS (key->gs_follows) */
	uint32_t num_addr;                 /* ADDR registers declared */
	int16_t temp_decl[TGSI_MAX_TEMPS]; /* declaration index per TEMP, -1 */
	bool *decl_is_array;               /* per declaration: TEMP range emitted as array */
	int16_t in_decl[TGSI_MAX_IO], out_decl[TGSI_MAX_IO], sv_decl[TGSI_MAX_SV];
	uint32_t const_size[TGSI_MAX_UBOS]; /* vec4 count per CONST buffer (0 = none) */
	struct emit_sampler samplers[TGSI_MAX_SAMPLERS];
	uint32_t clip_dist_count;    /* gl_ClipDistance[] written (VS/GS) */
	uint32_t clip_dist_in_count; /* gl_ClipDistance[] read (FS) */
	uint32_t ucp_count;          /* gl_ClipDistance[] computed from user clip planes */
	uint32_t ucp_src;            /* OUT register they are computed from */
	bool writes_color_all;
};

/** Records "line N: msg" (first error wins); returns false. */
bool emit_fail(struct emit_ctx *c, uint32_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/** Appends one indented line of body code. */
void emit_line(struct emit_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Operand access (glsl_emit.c). `chans` lists dst channels (bit i = channel i);
 * the source's swizzle maps them to the register channels read. */
void emit_src(struct emit_ctx *c, struct glsl_buf *b, const struct tgsi_src *s, enum glsl_type t,
	      uint8_t chans);
/** Source read with channel list spelled out: n channels sw[0..n). */
void emit_src_swz(struct emit_ctx *c, struct glsl_buf *b, const struct tgsi_src *s,
		  enum glsl_type t, const uint8_t *sw, unsigned n);
/** Stores `expr` (of type t, width popcount(mask)) into the instruction's dst. */
/* The address register an indirect operand names, as a GLSL int (`addr0.x`). */
void emit_addr_expr(struct emit_ctx *c, struct glsl_buf *b, const struct tgsi_indirect *ind);
void emit_store(struct emit_ctx *c, const struct tgsi_instruction *in, enum glsl_type t,
		const char *expr);
/** Type name for `t` with n components: float/vec2.., int/ivec2.., uint/uvec2... */
const char *glsl_type_name(enum glsl_type t, unsigned n);
/** Immediate component as a GLSL literal of type t (exact bits). */
void emit_literal(struct glsl_buf *b, enum glsl_type t, uint32_t bits);

/* glsl_emit_decl.c */
bool emit_analyze(struct emit_ctx *c);
/** VS without a GS after it, or GS: the stage whose position is rasterized. */
bool emit_is_last_vertex_stage(const struct emit_ctx *c);
bool emit_declarations(struct emit_ctx *c, struct glsl_buf *out);
void emit_main_prologue(struct emit_ctx *c);
void emit_write_outputs_fn(struct emit_ctx *c, struct glsl_buf *out);
void emit_io_declarations(struct emit_ctx *c, struct glsl_buf *out);
/** The GLSL name of IN/OUT register idx for vr_shader_io.glsl_name ("" for none). */
bool emit_io_name_for_info(const struct emit_ctx *c, bool input, uint32_t idx, char *buf, size_t n);
/** GLSL expression reading input register `idx` (vertex `vtx` in a GS) as a vec4. */
void emit_input_name(struct emit_ctx *c, struct glsl_buf *b, uint32_t idx, const char *vtx);
bool emit_interp(struct emit_ctx *c, const struct tgsi_instruction *in);

/* glsl_emit_so.c: stream-output captures (key->so, last vertex stage only). */
/** Validates key->so against the layout rules and the declared outputs. */
bool emit_so_check(struct emit_ctx *c);
void emit_so_declarations(struct emit_ctx *c, struct glsl_buf *out);
/** Assignments for pvgpu_write_outputs(). */
void emit_so_writes(struct emit_ctx *c, struct glsl_buf *out);

/* glsl_emit_alu.c */
bool emit_alu(struct emit_ctx *c, const struct tgsi_instruction *in);
void emit_helpers(struct emit_ctx *c, struct glsl_buf *out);

/* glsl_emit_tex.c */
bool emit_tex(struct emit_ctx *c, const struct tgsi_instruction *in);
/** GLSL sampler type for unit i as resolved from SVIEW + uses. */
const char *emit_sampler_type(struct emit_ctx *c, unsigned i);

/* glsl_emit_flow.c */
bool emit_flow(struct emit_ctx *c, const struct tgsi_instruction *in, bool last);

#endif /* GLSL_EMIT_H */
