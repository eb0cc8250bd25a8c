/*
 * pvgpu — IR → GLSL: arithmetic, comparison, integer and conversion opcodes.
 *
 * One table row per opcode: how its sources are read (f/i/u per source), the
 * result type, and a template. Templates use $0..$3 for the sources and $C for
 * the result type at the written width (float/vec3/uvec2...). Semantics follow
 * Gallium's tgsi.rst: RCP/RSQ/EX2/LG2/SIN/COS/POW/SQRT read .x and replicate,
 * DPn replicate, SLT-style comparisons give 1.0/0.0, FSLT/ISLT/USLT-style
 * ones give ~0u/0.
 */
#include <string.h>

#include "glsl_emit.h"

enum alu_kind {
	K_COMP, /* component-wise over the write mask */
	K_REPL, /* scalar from `repl` channels, replicated */
	K_CHAN, /* component-wise, spelled per channel (selects, guarded division) */
	K_VEC4, /* builds a full vec4 from full sources, then masks (legacy ops) */
};

struct alu_desc {
	uint16_t op;
	uint8_t kind;
	char src[5]; /* per-source read type: f i u */
	char dst;    /* result type */
	uint8_t repl;
	const char *vec, *scalar;
	uint32_t helpers;
};

#define CMPV(fn) "$C(" fn "($0, $1))"
#define MASKV(fn) "$C(" fn "($0, $1)) * 0xffffffffu"

static const struct alu_desc alu_table[] = {
	{TGSI_OP_ADD, K_COMP, "ff", 'f', 0, "$0 + $1", NULL, 0},
	{TGSI_OP_MUL, K_COMP, "ff", 'f', 0, "$0 * $1", NULL, 0},
	{TGSI_OP_MAD, K_COMP, "fff", 'f', 0, "$0 * $1 + $2", NULL, 0},
	{TGSI_OP_FMA, K_COMP, "fff", 'f', 0, "$0 * $1 + $2", NULL, 0},
	{TGSI_OP_DIV, K_COMP, "ff", 'f', 0, "$0 / $1", NULL, 0},
	{TGSI_OP_MIN, K_COMP, "ff", 'f', 0, "min($0, $1)", NULL, 0},
	{TGSI_OP_MAX, K_COMP, "ff", 'f', 0, "max($0, $1)", NULL, 0},
	{TGSI_OP_FRC, K_COMP, "f", 'f', 0, "fract($0)", NULL, 0},
	{TGSI_OP_FLR, K_COMP, "f", 'f', 0, "floor($0)", NULL, 0},
	{TGSI_OP_CEIL, K_COMP, "f", 'f', 0, "ceil($0)", NULL, 0},
	{TGSI_OP_ROUND, K_COMP, "f", 'f', 0, "roundEven($0)", NULL, 0},
	{TGSI_OP_TRUNC, K_COMP, "f", 'f', 0, "trunc($0)", NULL, 0},
	{TGSI_OP_SSG, K_COMP, "f", 'f', 0, "sign($0)", NULL, 0},
	{TGSI_OP_LRP, K_COMP, "fff", 'f', 0, "mix($2, $1, $0)", NULL, 0},
	{TGSI_OP_DDX, K_COMP, "f", 'f', 0, "dFdx($0)", NULL, 0},
	{TGSI_OP_DDY, K_COMP, "f", 'f', 0, "dFdy($0)", NULL, 0},
	{TGSI_OP_DDX_FINE, K_COMP, "f", 'f', 0, "dFdx($0)", NULL, 0},
	{TGSI_OP_DDY_FINE, K_COMP, "f", 'f', 0, "dFdy($0)", NULL, 0},
	{TGSI_OP_LDEXP, K_COMP, "fi", 'f', 0, "$0 * exp2($C($1))", NULL, 0},
	{TGSI_OP_CMP, K_CHAN, "fff", 'f', 0, NULL, "(($0 < 0.0) ? $1 : $2)", 0},
	{TGSI_OP_RCP, K_REPL, "f", 'f', 0x1, "1.0 / $0", NULL, 0},
	{TGSI_OP_RSQ, K_REPL, "f", 'f', 0x1, "inversesqrt($0)", NULL, 0},
	{TGSI_OP_SQRT, K_REPL, "f", 'f', 0x1, "sqrt($0)", NULL, 0},
	{TGSI_OP_EX2, K_REPL, "f", 'f', 0x1, "exp2($0)", NULL, 0},
	{TGSI_OP_LG2, K_REPL, "f", 'f', 0x1, "log2($0)", NULL, 0},
	{TGSI_OP_SIN, K_REPL, "f", 'f', 0x1, "sin($0)", NULL, 0},
	{TGSI_OP_COS, K_REPL, "f", 'f', 0x1, "cos($0)", NULL, 0},
	{TGSI_OP_POW, K_REPL, "ff", 'f', 0x1, "pow($0, $1)", NULL, 0},
	{TGSI_OP_DP2, K_REPL, "ff", 'f', 0x3, "dot($0, $1)", NULL, 0},
	{TGSI_OP_DP3, K_REPL, "ff", 'f', 0x7, "dot($0, $1)", NULL, 0},
	{TGSI_OP_DP4, K_REPL, "ff", 'f', 0xf, "dot($0, $1)", NULL, 0},
	{TGSI_OP_SLT, K_COMP, "ff", 'f', 0, CMPV("lessThan"), "$C($0 < $1)", 0},
	{TGSI_OP_SGE, K_COMP, "ff", 'f', 0, CMPV("greaterThanEqual"), "$C($0 >= $1)", 0},
	{TGSI_OP_SLE, K_COMP, "ff", 'f', 0, CMPV("lessThanEqual"), "$C($0 <= $1)", 0},
	{TGSI_OP_SGT, K_COMP, "ff", 'f', 0, CMPV("greaterThan"), "$C($0 > $1)", 0},
	{TGSI_OP_SEQ, K_COMP, "ff", 'f', 0, CMPV("equal"), "$C($0 == $1)", 0},
	{TGSI_OP_SNE, K_COMP, "ff", 'f', 0, CMPV("notEqual"), "$C($0 != $1)", 0},
	{TGSI_OP_FSLT, K_COMP, "ff", 'u', 0, MASKV("lessThan"), "$C($0 < $1) * 0xffffffffu", 0},
	{TGSI_OP_FSGE, K_COMP, "ff", 'u', 0, MASKV("greaterThanEqual"),
	 "$C($0 >= $1) * 0xffffffffu", 0},
	{TGSI_OP_FSEQ, K_COMP, "ff", 'u', 0, MASKV("equal"), "$C($0 == $1) * 0xffffffffu", 0},
	{TGSI_OP_FSNE, K_COMP, "ff", 'u', 0, MASKV("notEqual"), "$C($0 != $1) * 0xffffffffu", 0},
	{TGSI_OP_ISLT, K_COMP, "ii", 'u', 0, MASKV("lessThan"), "$C($0 < $1) * 0xffffffffu", 0},
	{TGSI_OP_ISGE, K_COMP, "ii", 'u', 0, MASKV("greaterThanEqual"),
	 "$C($0 >= $1) * 0xffffffffu", 0},
	{TGSI_OP_USLT, K_COMP, "uu", 'u', 0, MASKV("lessThan"), "$C($0 < $1) * 0xffffffffu", 0},
	{TGSI_OP_USGE, K_COMP, "uu", 'u', 0, MASKV("greaterThanEqual"),
	 "$C($0 >= $1) * 0xffffffffu", 0},
	{TGSI_OP_USEQ, K_COMP, "uu", 'u', 0, MASKV("equal"), "$C($0 == $1) * 0xffffffffu", 0},
	{TGSI_OP_USNE, K_COMP, "uu", 'u', 0, MASKV("notEqual"), "$C($0 != $1) * 0xffffffffu", 0},
	{TGSI_OP_UADD, K_COMP, "uu", 'u', 0, "$0 + $1", NULL, 0},
	{TGSI_OP_UMUL, K_COMP, "uu", 'u', 0, "$0 * $1", NULL, 0},
	{TGSI_OP_UMAD, K_COMP, "uuu", 'u', 0, "$0 * $1 + $2", NULL, 0},
	{TGSI_OP_UMAX, K_COMP, "uu", 'u', 0, "max($0, $1)", NULL, 0},
	{TGSI_OP_UMIN, K_COMP, "uu", 'u', 0, "min($0, $1)", NULL, 0},
	{TGSI_OP_IMAX, K_COMP, "ii", 'i', 0, "max($0, $1)", NULL, 0},
	{TGSI_OP_IMIN, K_COMP, "ii", 'i', 0, "min($0, $1)", NULL, 0},
	{TGSI_OP_INEG, K_COMP, "i", 'i', 0, "-$0", NULL, 0},
	{TGSI_OP_IABS, K_COMP, "i", 'i', 0, "abs($0)", NULL, 0},
	{TGSI_OP_ISSG, K_COMP, "i", 'i', 0, "sign($0)", NULL, 0},
	{TGSI_OP_NOT, K_COMP, "u", 'u', 0, "~$0", NULL, 0},
	{TGSI_OP_AND, K_COMP, "uu", 'u', 0, "$0 & $1", NULL, 0},
	{TGSI_OP_OR, K_COMP, "uu", 'u', 0, "$0 | $1", NULL, 0},
	{TGSI_OP_XOR, K_COMP, "uu", 'u', 0, "$0 ^ $1", NULL, 0},
	{TGSI_OP_SHL, K_COMP, "uu", 'u', 0, "$0 << ($1 & 31u)", NULL, 0},
	{TGSI_OP_USHR, K_COMP, "uu", 'u', 0, "$0 >> ($1 & 31u)", NULL, 0},
	{TGSI_OP_ISHR, K_COMP, "iu", 'i', 0, "$0 >> ($1 & 31u)", NULL, 0},
	/* Division by zero: UDIV/UMOD give ~0 (tgsi.rst); signed ones are undefined, give 0. */
	{TGSI_OP_UDIV, K_CHAN, "uu", 'u', 0, NULL, "(($1 == 0u) ? 0xffffffffu : $0 / $1)", 0},
	{TGSI_OP_UMOD, K_CHAN, "uu", 'u', 0, NULL, "(($1 == 0u) ? 0xffffffffu : $0 % $1)", 0},
	{TGSI_OP_IDIV, K_CHAN, "ii", 'i', 0, NULL, "(($1 == 0) ? 0 : $0 / $1)", 0},
	/* GLSL's % is undefined for negative operands; TGSI MOD truncates like C. */
	{TGSI_OP_MOD, K_CHAN, "ii", 'i', 0, NULL, "(($1 == 0) ? 0 : $0 - ($0 / $1) * $1)", 0},
	{TGSI_OP_I2F, K_COMP, "i", 'f', 0, "$C($0)", NULL, 0},
	{TGSI_OP_U2F, K_COMP, "u", 'f', 0, "$C($0)", NULL, 0},
	{TGSI_OP_F2I, K_COMP, "f", 'i', 0, "$C($0)", NULL, 0},
	{TGSI_OP_F2U, K_COMP, "f", 'u', 0, "$C($0)", NULL, 0},
	{TGSI_OP_UARL, K_COMP, "u", 'i', 0, "$C($0)", NULL, 0},
	{TGSI_OP_ARL, K_COMP, "f", 'i', 0, "$C(floor($0))", NULL, 0},
	{TGSI_OP_ARR, K_COMP, "f", 'i', 0, "$C(roundEven($0))", NULL, 0},
	{TGSI_OP_UMUL_HI, K_CHAN, "uu", 'u', 0, NULL, "pvgpu_umul_hi($0, $1)", H_UMUL_HI},
	{TGSI_OP_IMUL_HI, K_CHAN, "ii", 'i', 0, NULL, "pvgpu_imul_hi($0, $1)", H_IMUL_HI},
	{TGSI_OP_UBFE, K_CHAN, "uuu", 'u', 0, NULL, "pvgpu_ubfe($0, $1, $2)", H_UBFE},
	{TGSI_OP_IBFE, K_CHAN, "iuu", 'i', 0, NULL, "pvgpu_ibfe($0, $1, $2)", H_IBFE},
	{TGSI_OP_BFI, K_CHAN, "uuuu", 'u', 0, NULL, "pvgpu_bfi($0, $1, $2, $3)", H_BFI},
	{TGSI_OP_BREV, K_CHAN, "u", 'u', 0, NULL, "pvgpu_brev($0)", H_BREV},
	{TGSI_OP_POPC, K_CHAN, "u", 'u', 0, NULL, "pvgpu_popc($0)", H_POPC},
	{TGSI_OP_LSB, K_CHAN, "u", 'i', 0, NULL, "pvgpu_lsb($0)", H_LSB},
	{TGSI_OP_UMSB, K_CHAN, "u", 'i', 0, NULL, "pvgpu_umsb($0)", H_UMSB},
	{TGSI_OP_IMSB, K_CHAN, "i", 'i', 0, NULL, "pvgpu_imsb($0)", H_IMSB},
	{TGSI_OP_XPD, K_VEC4, "ff", 'f', 0, "vec4(cross($0.xyz, $1.xyz), 1.0)", NULL, 0},
	{TGSI_OP_DST, K_VEC4, "ff", 'f', 0, "vec4(1.0, $0.y * $1.y, $0.z, $1.w)", NULL, 0},
	{TGSI_OP_LIT, K_VEC4, "f", 'f', 0,
	 "vec4(1.0, max($0.x, 0.0), ($0.x > 0.0) ? pow(max($0.y, 0.0), clamp($0.w, -128.0, "
	 "128.0)) : 0.0, 1.0)",
	 NULL, 0},
	{TGSI_OP_EXP, K_VEC4, "f", 'f', 0,
	 "vec4(exp2(floor($0.x)), $0.x - floor($0.x), exp2($0.x), 1.0)", NULL, 0},
	{TGSI_OP_LOG, K_VEC4, "f", 'f', 0,
	 "vec4(floor(log2(abs($0.x))), abs($0.x) / exp2(floor(log2(abs($0.x)))), "
	 "log2(abs($0.x)), 1.0)",
	 NULL, 0},
};

static enum glsl_type
type_of(char t)
{
	return t == 'f' ? GT_FLOAT : t == 'i' ? GT_INT : GT_UINT;
}

/* Expands a template with the given source strings. */
static void
expand(struct glsl_buf *b, const char *tmpl, const char *const *srcs, const char *ctor)
{
	for (const char *p = tmpl; *p; p++) {
		if (p[0] == '$' && p[1] >= '0' && p[1] <= '3') {
			glsl_buf_puts(b, srcs[p[1] - '0']);
			p++;
		} else if (p[0] == '$' && p[1] == 'C') {
			glsl_buf_puts(b, ctor);
			p++;
		} else {
			glsl_buf_printf(b, "%c", *p);
		}
	}
}

/* Reads every source of `in` with channels `chans` into bufs[]. */
static void
read_sources(struct emit_ctx *c, const struct tgsi_instruction *in, const char *types,
	     uint8_t chans, struct glsl_buf *bufs, const char **strs)
{
	for (unsigned s = 0; s < in->num_src && s < 4; s++) {
		emit_src(c, &bufs[s], &in->src[s], type_of(types[s]), chans);
		strs[s] = bufs[s].s ? bufs[s].s : "0";
	}
}

static void
free_sources(struct glsl_buf *bufs)
{
	for (unsigned s = 0; s < 4; s++) {
		glsl_buf_finish(&bufs[s]);
	}
}

static void
emit_per_channel(struct emit_ctx *c, const struct tgsi_instruction *in, const struct alu_desc *d,
		 const char *types, char dst, struct glsl_buf *e)
{
	uint8_t mask = in->dst.writemask;
	unsigned n = (unsigned)__builtin_popcount(mask);
	if (n > 1) {
		glsl_buf_printf(e, "%s(", glsl_type_name(type_of(dst), n));
	}
	unsigned k = 0;
	for (unsigned ch = 0; ch < 4; ch++) {
		if (!(mask & (1u << ch))) {
			continue;
		}
		struct glsl_buf bufs[4] = {{0}};
		const char *strs[4] = {"0", "0", "0", "0"};
		read_sources(c, in, types, (uint8_t)(1u << ch), bufs, strs);
		expand(e, d->scalar, strs, glsl_type_name(type_of(dst), 1));
		free_sources(bufs);
		glsl_buf_puts(e, ++k < n ? ", " : "");
	}
	if (n > 1) {
		glsl_buf_puts(e, ")");
	}
}

static void
emit_table_op(struct emit_ctx *c, const struct tgsi_instruction *in, const struct alu_desc *d,
	      const char *types, char dst)
{
	uint8_t mask = in->dst.writemask;
	unsigned n = (unsigned)__builtin_popcount(mask);
	const char *ctor = glsl_type_name(type_of(dst), n);
	struct glsl_buf e = {0}, bufs[4] = {{0}};
	const char *strs[4] = {"0", "0", "0", "0"};
	c->helpers |= d->helpers;
	switch (d->kind) {
	case K_COMP:
		read_sources(c, in, types, mask, bufs, strs);
		expand(&e, (n == 1 && d->scalar) ? d->scalar : d->vec, strs, ctor);
		break;
	case K_REPL: {
		read_sources(c, in, types, d->repl, bufs, strs);
		struct glsl_buf r = {0};
		expand(&r, d->vec, strs, "");
		glsl_buf_printf(&e, n > 1 ? "%s(%s)" : "%.0s%s", ctor, r.s ? r.s : "0");
		glsl_buf_finish(&r);
		break;
	}
	case K_CHAN:
		emit_per_channel(c, in, d, types, dst, &e);
		break;
	default: { /* K_VEC4 */
		read_sources(c, in, types, 0xf, bufs, strs);
		glsl_buf_puts(&e, mask == 0xf ? "" : "(");
		expand(&e, d->vec, strs, "vec4");
		glsl_buf_puts(&e, mask == 0xf ? "" : ").");
		for (unsigned ch = 0; ch < 4; ch++) {
			if ((mask & (1u << ch)) && mask != 0xf) {
				glsl_buf_printf(&e, "%c", "xyzw"[ch]);
			}
		}
		break;
	}
	}
	free_sources(bufs);
	emit_store(c, in, type_of(dst), e.s ? e.s : "0");
	glsl_buf_finish(&e);
}

/* MOV and UCMP are untyped: bits move unchanged unless a float modifier applies. */
static bool
emit_untyped(struct emit_ctx *c, const struct tgsi_instruction *in)
{
	static const struct alu_desc mov = {TGSI_OP_MOV, K_COMP, "u", 'u', 0, "$0", NULL, 0};
	static const struct alu_desc ucmp = {
		TGSI_OP_UCMP, K_CHAN, "uuu", 'u', 0, NULL, "(($0 != 0u) ? $1 : $2)", 0};
	if (in->opcode == TGSI_OP_MOV) {
		bool mod = in->src[0].negate || in->src[0].absolute || in->saturate;
		emit_table_op(c, in, &mov, mod ? "f" : "u", mod ? 'f' : 'u');
		return true;
	}
	bool mod = in->src[1].negate || in->src[1].absolute || in->src[2].negate ||
		   in->src[2].absolute || in->saturate;
	emit_table_op(c, in, &ucmp, mod ? "uff" : "uuu", mod ? 'f' : 'u');
	return true;
}

bool
emit_alu(struct emit_ctx *c, const struct tgsi_instruction *in)
{
	if (in->opcode == TGSI_OP_MOV || in->opcode == TGSI_OP_UCMP) {
		return emit_untyped(c, in);
	}
	for (size_t i = 0; i < sizeof(alu_table) / sizeof(alu_table[0]); i++) {
		const struct alu_desc *d = &alu_table[i];
		if (d->op == in->opcode) {
			bool deriv = in->opcode == TGSI_OP_DDX || in->opcode == TGSI_OP_DDY ||
				     in->opcode == TGSI_OP_DDX_FINE ||
				     in->opcode == TGSI_OP_DDY_FINE;
			if (deriv && c->prog->processor != TGSI_PROC_FRAGMENT) {
				return emit_fail(c, in->line,
						 "derivatives outside a fragment shader");
			}
			emit_table_op(c, in, d, d->src, d->dst);
			return !c->failed;
		}
	}
	return emit_fail(c, in->line, "opcode %s not supported",
			 tgsi_opcode_infos[in->opcode].name);
}

static const char *const helper_src[] = {
	/* H_UMUL_HI: 16-bit halves; GLSL 3.30 has no umulExtended. */
	"uint pvgpu_umul_hi(uint a, uint b)\n{\n"
	"\tuint al = a & 0xffffu, ah = a >> 16, bl = b & 0xffffu, bh = b >> 16;\n"
	"\tuint lh = al * bh, hl = ah * bl;\n"
	"\tuint mid = ((al * bl) >> 16) + (lh & 0xffffu) + (hl & 0xffffu);\n"
	"\treturn ah * bh + (lh >> 16) + (hl >> 16) + (mid >> 16);\n}\n",
	/* H_IMUL_HI: signed high word from the unsigned one. */
	"int pvgpu_imul_hi(int a, int b)\n{\n"
	"\tuint hi = pvgpu_umul_hi(uint(a), uint(b));\n"
	"\tif (a < 0) {\n\t\thi -= uint(b);\n\t}\n"
	"\tif (b < 0) {\n\t\thi -= uint(a);\n\t}\n"
	"\treturn int(hi);\n}\n",
	/* H_UBFE / H_IBFE: GLSL bitfieldExtract, which nir_to_tgsi maps to them: the
	 * offset is masked to 5 bits, a width of 0 gives 0 and a width reaching bit 31
	 * (32 included: the whole word) is a plain shift. */
	"uint pvgpu_ubfe(uint v, uint off, uint bits)\n{\n"
	"\toff &= 31u;\n"
	"\tif (bits == 0u) {\n\t\treturn 0u;\n\t}\n"
	"\tif (bits < 32u - off) {\n\t\treturn (v << (32u - bits - off)) >> (32u - bits);\n\t}\n"
	"\treturn v >> off;\n}\n",
	"int pvgpu_ibfe(int v, uint off, uint bits)\n{\n"
	"\toff &= 31u;\n"
	"\tif (bits == 0u) {\n\t\treturn 0;\n\t}\n"
	"\tif (bits < 32u - off) {\n\t\treturn (v << (32u - bits - off)) >> (32u - bits);\n\t}\n"
	"\treturn v >> off;\n}\n",
	/* H_BFI */
	"uint pvgpu_bfi(uint base, uint ins, uint off, uint bits)\n{\n"
	"\toff &= 31u;\n"
	"\tuint mask = bits >= 32u ? 0xffffffffu : (((1u << bits) - 1u) << off);\n"
	"\treturn ((ins << off) & mask) | (base & ~mask);\n}\n",
	/* H_BREV */
	"uint pvgpu_brev(uint v)\n{\n"
	"\tv = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);\n"
	"\tv = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);\n"
	"\tv = ((v >> 4) & 0x0f0f0f0fu) | ((v & 0x0f0f0f0fu) << 4);\n"
	"\tv = ((v >> 8) & 0x00ff00ffu) | ((v & 0x00ff00ffu) << 8);\n"
	"\treturn (v >> 16) | (v << 16);\n}\n",
	/* H_POPC */
	"uint pvgpu_popc(uint v)\n{\n"
	"\tv = v - ((v >> 1) & 0x55555555u);\n"
	"\tv = (v & 0x33333333u) + ((v >> 2) & 0x33333333u);\n"
	"\treturn (((v + (v >> 4)) & 0x0f0f0f0fu) * 0x01010101u) >> 24;\n}\n",
	/* H_LSB */
	"int pvgpu_lsb(uint v)\n{\n"
	"\treturn v == 0u ? -1 : int(pvgpu_popc((v & (0u - v)) - 1u));\n}\n",
	/* H_UMSB */
	"int pvgpu_umsb(uint v)\n{\n"
	"\tif (v == 0u) {\n\t\treturn -1;\n\t}\n"
	"\tint r = 0;\n"
	"\tif ((v & 0xffff0000u) != 0u) {\n\t\tr += 16;\n\t\tv >>= 16;\n\t}\n"
	"\tif ((v & 0xff00u) != 0u) {\n\t\tr += 8;\n\t\tv >>= 8;\n\t}\n"
	"\tif ((v & 0xf0u) != 0u) {\n\t\tr += 4;\n\t\tv >>= 4;\n\t}\n"
	"\tif ((v & 0xcu) != 0u) {\n\t\tr += 2;\n\t\tv >>= 2;\n\t}\n"
	"\tif ((v & 0x2u) != 0u) {\n\t\tr += 1;\n\t}\n"
	"\treturn r;\n}\n",
	/* H_IMSB: for negative values the highest bit that differs from the sign. */
	"int pvgpu_imsb(int v)\n{\n"
	"\treturn pvgpu_umsb(uint(v < 0 ? ~v : v));\n}\n",
};

void
emit_helpers(struct emit_ctx *c, struct glsl_buf *out)
{
	/* Dependencies: IMUL_HI uses UMUL_HI, LSB uses POPC, IMSB uses UMSB. */
	if (c->helpers & H_IMUL_HI) {
		c->helpers |= H_UMUL_HI;
	}
	if (c->helpers & H_LSB) {
		c->helpers |= H_POPC;
	}
	if (c->helpers & H_IMSB) {
		c->helpers |= H_UMSB;
	}
	for (unsigned i = 0; i < sizeof(helper_src) / sizeof(helper_src[0]); i++) {
		if (c->helpers & (1u << i)) {
			glsl_buf_printf(out, "%s\n", helper_src[i]);
		}
	}
}
