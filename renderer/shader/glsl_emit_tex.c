/*
 * pvgpu — IR → GLSL: texture sampling, fetches and queries.
 *
 * Coordinate layout follows tgsi.rst: array layer after the spatial
 * coordinates, shadow reference in .z (no array, not cube) or .w (2D array,
 * cube); TXB/TXL carry bias/lod in .w; TXP divides by .w; TEX2/TXB2/TXL2 move
 * the extra operand to src1.x. GLSL's own shadow-sampler layouts match, so the
 * coordinate is a prefix of src0 in every case.
 */
#include <stdio.h>
#include <string.h>

#include "glsl_emit.h"

struct tex_dims {
	uint8_t coord;   /* coordinate components without the shadow reference */
	uint8_t spatial; /* offset / gradient components */
	uint8_t size;    /* textureSize() components */
	const char *name;
	bool desktop_only;
};

static const struct tex_dims tex_dims[TGSI_TEX_COUNT] = {
	[TGSI_TEX_BUFFER] = {1, 1, 1, "samplerBuffer", true},
	[TGSI_TEX_1D] = {1, 1, 1, "sampler1D", true},
	[TGSI_TEX_2D] = {2, 2, 2, "sampler2D", false},
	[TGSI_TEX_3D] = {3, 3, 3, "sampler3D", false},
	[TGSI_TEX_CUBE] = {3, 3, 2, "samplerCube", false},
	[TGSI_TEX_RECT] = {2, 2, 2, "sampler2DRect", true},
	[TGSI_TEX_1D_ARRAY] = {2, 1, 2, "sampler1DArray", true},
	[TGSI_TEX_2D_ARRAY] = {3, 2, 3, "sampler2DArray", false},
	[TGSI_TEX_2D_MSAA] = {2, 2, 2, "sampler2DMS", true},
	[TGSI_TEX_2D_ARRAY_MSAA] = {3, 2, 3, "sampler2DMSArray", true},
	[TGSI_TEX_CUBE_ARRAY] = {4, 3, 3, "samplerCubeArray", false},
	[TGSI_TEX_UNKNOWN] = {2, 2, 2, "sampler2D", false},
};

const char *
emit_sampler_type(struct emit_ctx *c, unsigned i)
{
	struct emit_sampler *s = &c->samplers[i];
	const struct tex_dims *d = &tex_dims[s->target < TGSI_TEX_COUNT ? s->target : TGSI_TEX_2D];
	if (!d->name) {
		d = &tex_dims[TGSI_TEX_2D];
	}
	const char *prefix = s->ret == GT_INT ? "i" : s->ret == GT_UINT ? "u" : "";
	snprintf(s->type, sizeof(s->type), "%s%s%s", prefix, d->name,
		 s->shadow == 1 && s->ret == GT_FLOAT ? "Shadow" : "");
	return s->type;
}

static bool
check_sampler(struct emit_ctx *c, const struct tgsi_instruction *in, unsigned unit)
{
	const struct emit_sampler *s = &c->samplers[unit];
	const struct tex_dims *d = &tex_dims[s->target];
	if (!d->name) {
		return emit_fail(c, in->line, "texture target not supported");
	}
	if (c->es && d->desktop_only) {
		return emit_fail(c, in->line, "%s is not available in GLSL ES 3.00", d->name);
	}
	if (s->target == TGSI_TEX_CUBE_ARRAY) {
		c->exts |= EXT_TEXTURE_CUBE_MAP_ARRAY;
	}
	if (s->shadow == 1 && s->ret != GT_FLOAT) {
		return emit_fail(c, in->line, "shadow comparison on an integer texture");
	}
	return true;
}

/* src[i] read as float/int with channels 0..n-1 (through its swizzle). */
static void
coord(struct emit_ctx *c, struct glsl_buf *b, const struct tgsi_src *s, enum glsl_type t,
      unsigned first, unsigned n)
{
	uint8_t sw[4];
	for (unsigned i = 0; i < n; i++) {
		sw[i] = (uint8_t)(first + i);
	}
	emit_src_swz(c, b, s, t, sw, n);
}

static bool
emit_offset(struct emit_ctx *c, struct glsl_buf *b, const struct tgsi_instruction *in,
	    unsigned dims)
{
	const struct tgsi_tex_offset *o = &in->offsets[0];
	if (o->file != TGSI_FILE_IMMEDIATE) {
		if (in->opcode != TGSI_OP_TG4) {
			return emit_fail(c, in->line, "non-constant texel offset");
		}
		c->exts |= EXT_GPU_SHADER5;
		glsl_buf_printf(b, ", %s(t%u.", glsl_type_name(GT_INT, dims), o->index);
		for (unsigned i = 0; i < dims; i++) {
			glsl_buf_printf(b, "%c", "xyzw"[o->swizzle[i]]);
		}
		glsl_buf_puts(b, ")");
		return true;
	}
	const struct tgsi_immediate *im = &c->prog->imms[o->index];
	glsl_buf_printf(b, ", %s(", glsl_type_name(GT_INT, dims));
	for (unsigned i = 0; i < dims; i++) {
		glsl_buf_printf(b, "%s%d", i ? ", " : "", (int32_t)im->value[o->swizzle[i]]);
	}
	glsl_buf_puts(b, ")");
	return true;
}

struct tex_call {
	struct emit_ctx *c;
	const struct tgsi_instruction *in;
	const struct emit_sampler *s;
	const struct tex_dims *d;
	unsigned unit;
	bool shadow;
	struct glsl_buf *b;
};

/* Coordinate width for texture(): spatial + layer, plus the reference if shadow. */
static unsigned
sample_width(const struct tex_call *t)
{
	if (!t->shadow) {
		return t->d->coord;
	}
	unsigned n = t->d->coord + 1u;
	return n < 3 ? 3 : n > 4 ? 4 : n;
}

static bool
emit_sample(struct tex_call *t)
{
	struct emit_ctx *c = t->c;
	const struct tgsi_instruction *in = t->in;
	const struct tgsi_src *src = in->src;
	unsigned op = in->opcode, n = sample_width(t);
	bool off = in->num_offsets > 0;
	const char *fn = (op == TGSI_OP_TXL || op == TGSI_OP_TXL2 || op == TGSI_OP_TEX_LZ)
				 ? (off ? "textureLodOffset" : "textureLod")
			 : op == TGSI_OP_TXD ? (off ? "textureGradOffset" : "textureGrad")
					     : (off ? "textureOffset" : "texture");
	if (op == TGSI_OP_TEX2 || op == TGSI_OP_TXB2 || op == TGSI_OP_TXL2) {
		n = t->d->coord; /* the extra operand lives in src1 */
	}
	glsl_buf_printf(t->b, "%s(%s_s%u, ", fn, c->sp, t->unit);
	coord(c, t->b, &src[0], GT_FLOAT, 0, n);
	if (op == TGSI_OP_TEX2 && t->shadow) {
		glsl_buf_puts(t->b, ", ");
		coord(c, t->b, &src[1], GT_FLOAT, 0, 1);
	}
	if (op == TGSI_OP_TXL || op == TGSI_OP_TEX_LZ) {
		glsl_buf_puts(t->b, ", ");
		op == TGSI_OP_TXL ? coord(c, t->b, &src[0], GT_FLOAT, 3, 1)
				  : glsl_buf_puts(t->b, "0.0");
	} else if (op == TGSI_OP_TXL2) {
		glsl_buf_puts(t->b, ", ");
		coord(c, t->b, &src[1], GT_FLOAT, 0, 1);
	} else if (op == TGSI_OP_TXD) {
		glsl_buf_puts(t->b, ", ");
		coord(c, t->b, &src[1], GT_FLOAT, 0, t->d->spatial);
		glsl_buf_puts(t->b, ", ");
		coord(c, t->b, &src[2], GT_FLOAT, 0, t->d->spatial);
	}
	if (off && !emit_offset(c, t->b, in, t->d->spatial)) {
		return false;
	}
	if (op == TGSI_OP_TXB) {
		glsl_buf_puts(t->b, ", ");
		coord(c, t->b, &src[0], GT_FLOAT, 3, 1);
	} else if (op == TGSI_OP_TXB2) {
		glsl_buf_puts(t->b, ", ");
		coord(c, t->b, &src[1], GT_FLOAT, 0, 1);
	}
	glsl_buf_puts(t->b, ")");
	return true;
}

static bool
emit_proj(struct tex_call *t)
{
	struct emit_ctx *c = t->c;
	unsigned target = t->s->target;
	bool native = target == TGSI_TEX_1D || target == TGSI_TEX_2D || target == TGSI_TEX_3D ||
		      target == TGSI_TEX_RECT;
	bool off = t->in->num_offsets > 0;
	if (native) {
		glsl_buf_printf(t->b, "%s(%s_s%u, ", off ? "textureProjOffset" : "textureProj",
				c->sp, t->unit);
		coord(c, t->b, &t->in->src[0], GT_FLOAT, 0, 4);
	} else {
		/* No textureProj for arrays/cubes: divide by hand, then narrow. */
		unsigned n = sample_width(t);
		glsl_buf_printf(t->b, "%s(%s_s%u, ((", off ? "textureOffset" : "texture", c->sp,
				t->unit);
		coord(c, t->b, &t->in->src[0], GT_FLOAT, 0, 4);
		glsl_buf_puts(t->b, ") / ");
		coord(c, t->b, &t->in->src[0], GT_FLOAT, 3, 1);
		glsl_buf_printf(t->b, ")%s", n == 4 ? "" : n == 3 ? ".xyz" : n == 2 ? ".xy" : ".x");
	}
	if (off && !emit_offset(c, t->b, t->in, t->d->spatial)) {
		return false;
	}
	glsl_buf_puts(t->b, ")");
	return true;
}

static bool
emit_fetch(struct tex_call *t)
{
	struct emit_ctx *c = t->c;
	unsigned target = t->s->target;
	bool ms = target == TGSI_TEX_2D_MSAA || target == TGSI_TEX_2D_ARRAY_MSAA;
	bool no_lod = target == TGSI_TEX_BUFFER || target == TGSI_TEX_RECT;
	bool off = t->in->num_offsets > 0 && !ms && target != TGSI_TEX_BUFFER;
	glsl_buf_printf(t->b, "%s(%s_s%u, ", off ? "texelFetchOffset" : "texelFetch", c->sp,
			t->unit);
	coord(c, t->b, &t->in->src[0], GT_INT, 0, t->d->coord);
	if (!no_lod) {
		glsl_buf_puts(t->b, ", ");
		if (t->in->opcode == TGSI_OP_TXF_LZ) {
			glsl_buf_puts(t->b, "0");
		} else {
			coord(c, t->b, &t->in->src[0], GT_INT, 3, 1);
		}
	}
	if (off && !emit_offset(c, t->b, t->in, t->d->spatial)) {
		return false;
	}
	glsl_buf_puts(t->b, ")");
	return true;
}

static bool
emit_query(struct tex_call *t, enum glsl_type *rt)
{
	struct emit_ctx *c = t->c;
	unsigned target = t->s->target;
	*rt = GT_INT;
	if (t->in->opcode == TGSI_OP_TXQS) {
		c->exts |= EXT_TEXTURE_IMAGE_SAMPLES;
		glsl_buf_printf(t->b, "ivec4(textureSamples(%s_s%u), 0, 0, 0)", c->sp, t->unit);
		return !c->es || emit_fail(c, t->in->line, "TXQS needs GLSL ES 3.10");
	}
	bool no_lod = target == TGSI_TEX_BUFFER || target == TGSI_TEX_RECT ||
		      target == TGSI_TEX_2D_MSAA || target == TGSI_TEX_2D_ARRAY_MSAA;
	glsl_buf_printf(t->b, "ivec4(textureSize(%s_s%u", c->sp, t->unit);
	if (!no_lod) {
		glsl_buf_puts(t->b, ", ");
		coord(c, t->b, &t->in->src[0], GT_INT, 0, 1);
	}
	glsl_buf_puts(t->b, ")");
	for (unsigned i = t->d->size; i < 3; i++) {
		glsl_buf_puts(t->b, ", 0");
	}
	if ((t->in->dst.writemask & 0x8) && !no_lod && !c->es) {
		c->exts |= EXT_TEXTURE_QUERY_LEVELS;
		glsl_buf_printf(t->b, ", textureQueryLevels(%s_s%u))", c->sp, t->unit);
	} else {
		glsl_buf_puts(t->b, ", 1)");
	}
	return true;
}

static bool
emit_gather(struct tex_call *t)
{
	struct emit_ctx *c = t->c;
	const struct tgsi_instruction *in = t->in;
	if (c->es) {
		return emit_fail(c, in->line, "TG4 needs GLSL ES 3.10");
	}
	/* ARB_texture_gather has textureGather(Offset) of component 0 with a
	 * constant offset; a component select, a depth comparison or a dynamic
	 * offset (set by emit_offset) need ARB_gpu_shader5. */
	uint32_t comp = 0;
	if (!t->shadow) {
		const struct tgsi_src *cs = &in->src[1];
		if (cs->reg.file != TGSI_FILE_IMMEDIATE || cs->reg.indirect) {
			return emit_fail(c, in->line, "TG4 component must be an immediate");
		}
		comp = c->prog->imms[cs->reg.index].value[cs->swizzle[0]] & 3;
	}
	c->exts |= t->shadow || comp ? EXT_GPU_SHADER5 : EXT_TEXTURE_GATHER;
	bool off = in->num_offsets > 0;
	glsl_buf_printf(t->b, "%s(%s_s%u, ", off ? "textureGatherOffset" : "textureGather", c->sp,
			t->unit);
	coord(c, t->b, &in->src[0], GT_FLOAT, 0, t->d->coord);
	if (t->shadow) {
		glsl_buf_puts(t->b, ", ");
		if (t->s->target == TGSI_TEX_CUBE_ARRAY) {
			coord(c, t->b, &in->src[1], GT_FLOAT, 0, 1);
		} else {
			coord(c, t->b, &in->src[0], GT_FLOAT, t->d->coord, 1);
		}
	}
	if (off && !emit_offset(c, t->b, in, t->d->spatial)) {
		return false;
	}
	if (comp) {
		glsl_buf_printf(t->b, ", %d", (int)comp);
	}
	glsl_buf_puts(t->b, ")");
	return true;
}

static bool
emit_lodq(struct tex_call *t)
{
	struct emit_ctx *c = t->c;
	if (c->es) {
		return emit_fail(c, t->in->line, "LODQ is not available in GLSL ES");
	}
	c->exts |= EXT_TEXTURE_QUERY_LOD;
	glsl_buf_printf(t->b, "vec4(textureQueryLod(%s_s%u, ", c->sp, t->unit);
	coord(c, t->b, &t->in->src[0], GT_FLOAT, 0, t->d->spatial);
	glsl_buf_puts(t->b, "), 0.0, 0.0)");
	return true;
}

static bool
build_call(struct tex_call *t, enum glsl_type *rt)
{
	switch (t->in->opcode) {
	case TGSI_OP_TXP:
		return emit_proj(t);
	case TGSI_OP_TXF:
	case TGSI_OP_TXF_LZ:
		return emit_fetch(t);
	case TGSI_OP_TXQ:
	case TGSI_OP_TXQS:
		return emit_query(t, rt);
	case TGSI_OP_TG4:
		return emit_gather(t);
	case TGSI_OP_LODQ:
		*rt = GT_FLOAT;
		return emit_lodq(t);
	default:
		return emit_sample(t);
	}
}

/* SAMP[ADDR[a].x+n] (GLSL 4.00 sampler arrays, any index, uniform or not): a
 * switch over the declared units from n up, each case the same instruction with
 * a direct unit; an index outside them takes the last unit (out-of-range array
 * indexing is undefined in GLSL, never unsafe here). */
static bool
emit_tex_indirect(struct emit_ctx *c, const struct tgsi_instruction *in)
{
	struct tgsi_instruction one = *in;
	struct tgsi_reg *r = &one.src[one.num_src - 1].reg;
	int32_t base = r->index, last = -1;
	for (int32_t u = base; u < TGSI_MAX_SAMPLERS; u++) {
		last = c->samplers[u].used ? u : last;
	}
	struct glsl_buf a = {0};
	emit_addr_expr(c, &a, &r->ind);
	emit_line(c, "switch (%s + (%d)) {", a.s ? a.s : "0", base);
	glsl_buf_finish(&a);
	r->indirect = false;
	bool ok = true;
	for (int32_t u = base; ok && u <= last; u++) {
		if (!c->samplers[u].used) {
			continue;
		}
		emit_line(c, "case %d:", u);
		if (u == last) {
			emit_line(c, "default:");
		}
		c->indent++;
		r->index = u;
		ok = emit_tex(c, &one);
		emit_line(c, "break;");
		c->indent--;
	}
	emit_line(c, "}");
	return ok && !c->failed;
}

bool
emit_tex(struct emit_ctx *c, const struct tgsi_instruction *in)
{
	if (in->src[in->num_src - 1].reg.indirect) {
		return emit_tex_indirect(c, in);
	}
	unsigned unit = (unsigned)in->src[in->num_src - 1].reg.index;
	if (!check_sampler(c, in, unit)) {
		return false;
	}
	struct glsl_buf call = {0};
	struct tex_call t = {c,
			     in,
			     &c->samplers[unit],
			     &tex_dims[c->samplers[unit].target],
			     unit,
			     c->samplers[unit].shadow == 1,
			     &call};
	enum glsl_type rt = (enum glsl_type)t.s->ret;
	bool ok = build_call(&t, &rt);
	bool scalar = t.shadow && in->opcode != TGSI_OP_TG4 && in->opcode != TGSI_OP_TXQ &&
		      in->opcode != TGSI_OP_TXQS && in->opcode != TGSI_OP_LODQ &&
		      in->opcode != TGSI_OP_TXF;
	if (ok) {
		struct glsl_buf e = {0};
		uint8_t mask = in->dst.writemask;
		glsl_buf_printf(&e, scalar ? "vec4(%s)" : "%s", call.s ? call.s : "");
		if (mask != 0xf) {
			glsl_buf_puts(&e, ".");
			for (unsigned ch = 0; ch < 4; ch++) {
				if (mask & (1u << ch)) {
					glsl_buf_printf(&e, "%c", "xyzw"[ch]);
				}
			}
		}
		emit_store(c, in, rt, e.s ? e.s : "");
		glsl_buf_finish(&e);
	}
	glsl_buf_finish(&call);
	return ok && !c->failed;
}
