/*
 * pvgpu — IR → GLSL: output buffers, operand reads/writes, the driver loop.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glsl_emit.h"
#include "glsl_emit_api.h"

void
glsl_buf_vprintf(struct glsl_buf *b, const char *fmt, va_list ap)
{
	if (b->oom) {
		return;
	}
	va_list aq;
	va_copy(aq, ap);
	int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, aq);
	va_end(aq);
	if (n < 0) {
		b->oom = true;
		return;
	}
	if (!b->s || b->len + (size_t)n + 1 > b->cap) {
		size_t want = b->len + (size_t)n + 1;
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < want) {
			cap *= 2;
		}
		if (cap > GLSL_MAX_OUTPUT) {
			b->oom = true;
			return;
		}
		char *s = realloc(b->s, cap);
		if (!s) {
			b->oom = true;
			return;
		}
		b->s = s;
		b->cap = cap;
		vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void
glsl_buf_printf(struct glsl_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	glsl_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
glsl_buf_puts(struct glsl_buf *b, const char *s)
{
	glsl_buf_printf(b, "%s", s);
}

void
glsl_buf_finish(struct glsl_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

bool
emit_fail(struct emit_ctx *c, uint32_t line, const char *fmt, ...)
{
	if (c->failed) {
		return false;
	}
	c->failed = true;
	int n = snprintf(c->err, c->err_size, "line %u: ", line);
	if (n >= 0 && (size_t)n < c->err_size) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->err_size - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return false;
}

void
emit_line(struct emit_ctx *c, const char *fmt, ...)
{
	for (unsigned i = 0; i < c->indent; i++) {
		glsl_buf_puts(&c->body, "\t");
	}
	va_list ap;
	va_start(ap, fmt);
	glsl_buf_vprintf(&c->body, fmt, ap);
	va_end(ap);
	glsl_buf_puts(&c->body, "\n");
}

const char *
glsl_type_name(enum glsl_type t, unsigned n)
{
	static const char *const names[3][4] = {
		{"float", "vec2", "vec3", "vec4"},
		{"int", "ivec2", "ivec3", "ivec4"},
		{"uint", "uvec2", "uvec3", "uvec4"},
	};
	return names[t][(n >= 1 && n <= 4 ? n : 4) - 1];
}

void
emit_literal(struct glsl_buf *b, enum glsl_type t, uint32_t bits)
{
	if (t == GT_UINT) {
		glsl_buf_printf(b, "%uu", bits);
		return;
	}
	if (t == GT_INT) {
		int32_t v = (int32_t)bits;
		if (v == INT32_MIN) {
			glsl_buf_puts(b, "int(0x80000000u)");
		} else {
			glsl_buf_printf(b, "%d", v);
		}
		return;
	}
	float f;
	memcpy(&f, &bits, sizeof(f));
	if (!isfinite(f) || (f != 0.0f && !isnormal(f))) {
		/* NaN, Inf and denormals have no exact decimal spelling a compiler keeps. */
		glsl_buf_printf(b, "uintBitsToFloat(0x%08xu)", bits);
		return;
	}
	/* 9 significant digits round-trip every normal float exactly. */
	char tmp[48];
	snprintf(tmp, sizeof(tmp), "%.9g", (double)f);
	for (char *q = tmp; *q; q++) {
		if (*q == ',') {
			*q = '.'; /* a comma-decimal locale must not leak into GLSL */
		}
	}
	if (!strpbrk(tmp, ".e")) {
		strcat(tmp, ".0");
	}
	glsl_buf_puts(b, tmp);
}

void
emit_addr_expr(struct emit_ctx *c, struct glsl_buf *b, const struct tgsi_indirect *ind)
{
	char ch = "xyzw"[ind->swizzle & 3];
	if (ind->file == TGSI_FILE_ADDRESS) {
		glsl_buf_printf(b, "addr%u.%c", ind->index, ch);
	} else {
		glsl_buf_printf(b, "int(t%u.%c)", ind->index, ch);
	}
}

/* `[clamp(addr + off, 0, size - 1)]` or `[off]`. Indices stay in bounds even if the
 * guest's address register does not: out-of-range GLSL indexing is undefined. */
static void
emit_index(struct emit_ctx *c, struct glsl_buf *b, bool indirect, const struct tgsi_indirect *ind,
	   int64_t off, uint32_t size)
{
	if (!indirect) {
		glsl_buf_printf(b, "[%lld]", (long long)off);
		return;
	}
	glsl_buf_puts(b, "[clamp(");
	emit_addr_expr(c, b, ind);
	glsl_buf_printf(b, " + (%lld), 0, %u)]", (long long)off, size ? size - 1 : 0);
}

static bool
emit_temp_base(struct emit_ctx *c, struct glsl_buf *b, const struct tgsi_reg *r)
{
	int d = -1;
	if (r->indirect && r->ind.array_id) {
		for (uint32_t i = 0; i < c->prog->num_decls; i++) {
			const struct tgsi_declaration *dd = &c->prog->decls[i];
			if (dd->file == TGSI_FILE_TEMPORARY && dd->array_id == r->ind.array_id) {
				d = (int)i;
			}
		}
	} else if (r->index >= 0 && r->index < TGSI_MAX_TEMPS) {
		d = c->temp_decl[r->index];
	}
	if (d < 0) {
		return emit_fail(c, 0, "TEMP[%d] outside any declared range", r->index);
	}
	const struct tgsi_declaration *dd = &c->prog->decls[d];
	if (!c->decl_is_array[d]) {
		glsl_buf_printf(b, "t%d", r->index);
		return true;
	}
	glsl_buf_printf(b, "ta%d", d);
	emit_index(c, b, r->indirect, &r->ind, (int64_t)r->index - dd->first,
		   dd->last - dd->first + 1);
	return true;
}

/* The register as a GLSL lvalue/rvalue of its native type (`*native`). */
static bool
emit_reg_base(struct emit_ctx *c, struct glsl_buf *b, const struct tgsi_reg *r,
	      enum glsl_type *native)
{
	*native = GT_UINT;
	bool io = r->file == TGSI_FILE_INPUT || r->file == TGSI_FILE_OUTPUT ||
		  r->file == TGSI_FILE_SYSTEM_VALUE;
	if (io && r->indirect) {
		return emit_fail(c, 0, "indirect addressing of %s not supported",
				 tgsi_file_names[r->file]);
	}
	switch (r->file) {
	case TGSI_FILE_TEMPORARY:
		return emit_temp_base(c, b, r);
	case TGSI_FILE_CONSTANT: {
		if (r->has_dim && r->dim_indirect) {
			return emit_fail(c, 0, "indirect constant buffer index not supported");
		}
		uint32_t buf = r->has_dim ? (uint32_t)r->dim_index : 0;
		if (buf) {
			glsl_buf_printf(b, "%s_ub%u_d", c->sp, buf);
		} else {
			glsl_buf_printf(b, "%s_c", c->sp);
		}
		emit_index(c, b, r->indirect, &r->ind, r->index, c->const_size[buf]);
		return true;
	}
	case TGSI_FILE_IMMEDIATE:
		c->imm_array = true;
		glsl_buf_puts(b, "pvgpu_imm");
		emit_index(c, b, r->indirect, &r->ind, r->index, c->prog->num_imms);
		return true;
	case TGSI_FILE_INPUT: {
		*native = GT_FLOAT;
		char vtx[64] = "";
		if (r->has_dim) {
			struct glsl_buf vb = {0};
			emit_index(c, &vb, r->dim_indirect, &r->dim_ind, r->dim_index,
				   TGSI_MAX_GS_VERTICES);
			snprintf(vtx, sizeof(vtx), "%s", vb.s ? vb.s : "[0]");
			glsl_buf_finish(&vb);
		}
		emit_input_name(c, b, (uint32_t)r->index, r->has_dim ? vtx : NULL);
		return true;
	}
	case TGSI_FILE_OUTPUT:
		glsl_buf_printf(b, "o%d", r->index);
		return true;
	case TGSI_FILE_SYSTEM_VALUE:
		glsl_buf_printf(b, "sv%d", r->index);
		return true;
	case TGSI_FILE_ADDRESS:
		*native = GT_INT;
		glsl_buf_printf(b, "addr%d", r->index);
		return true;
	default:
		return emit_fail(c, 0, "%s registers not supported here", tgsi_file_names[r->file]);
	}
}

static const char *
convert_fn(enum glsl_type from, enum glsl_type to, unsigned n)
{
	if (from == to) {
		return "";
	}
	if (from == GT_UINT && to == GT_FLOAT) {
		return "uintBitsToFloat";
	}
	if (from == GT_INT && to == GT_FLOAT) {
		return "intBitsToFloat";
	}
	if (from == GT_FLOAT && to == GT_UINT) {
		return "floatBitsToUint";
	}
	if (from == GT_FLOAT && to == GT_INT) {
		return "floatBitsToInt";
	}
	return glsl_type_name(to, n); /* int <-> uint constructors keep the bits */
}

static void
emit_imm_src(struct emit_ctx *c, struct glsl_buf *b, const struct tgsi_src *s, enum glsl_type t,
	     const uint8_t *sw, unsigned n)
{
	const struct tgsi_immediate *im = &c->prog->imms[s->reg.index];
	if (n > 1) {
		glsl_buf_printf(b, "%s(", glsl_type_name(t, n));
	}
	for (unsigned i = 0; i < n; i++) {
		emit_literal(b, t, im->value[s->swizzle[sw[i]]]);
		if (i + 1 < n) {
			glsl_buf_puts(b, ", ");
		}
	}
	if (n > 1) {
		glsl_buf_puts(b, ")");
	}
}

void
emit_src_swz(struct emit_ctx *c, struct glsl_buf *b, const struct tgsi_src *s, enum glsl_type t,
	     const uint8_t *sw, unsigned n)
{
	struct glsl_buf v = {0};
	enum glsl_type native = GT_UINT;
	if (s->reg.file == TGSI_FILE_IMMEDIATE && !s->reg.indirect) {
		emit_imm_src(c, &v, s, t, sw, n);
		native = t;
	} else {
		struct glsl_buf base = {0};
		emit_reg_base(c, &base, &s->reg, &native);
		const char *conv = convert_fn(native, t, n);
		glsl_buf_printf(&v, "%s%s%s", conv, *conv ? "(" : "", base.s ? base.s : "");
		bool identity = n == 4;
		for (unsigned i = 0; i < n; i++) {
			identity &= s->swizzle[sw[i]] == i;
		}
		for (unsigned i = 0; i < n && !identity; i++) {
			glsl_buf_printf(&v, "%s%c", i ? "" : ".", "xyzw"[s->swizzle[sw[i]]]);
		}
		glsl_buf_puts(&v, *conv ? ")" : "");
		glsl_buf_finish(&base);
	}
	const char *vs = v.s ? v.s : "0";
	struct glsl_buf m = {0};
	if (s->absolute && t == GT_UINT) {
		glsl_buf_printf(&m, "%s(abs(%s(%s)))", glsl_type_name(GT_UINT, n),
				glsl_type_name(GT_INT, n), vs);
	} else if (s->absolute) {
		glsl_buf_printf(&m, "abs(%s)", vs);
	} else {
		glsl_buf_puts(&m, vs);
	}
	glsl_buf_printf(b, s->negate ? "(-%s)" : "%s", m.s ? m.s : "0");
	glsl_buf_finish(&m);
	glsl_buf_finish(&v);
}

void
emit_src(struct emit_ctx *c, struct glsl_buf *b, const struct tgsi_src *s, enum glsl_type t,
	 uint8_t chans)
{
	uint8_t sw[4];
	unsigned n = 0;
	for (unsigned i = 0; i < 4; i++) {
		if (chans & (1u << i)) {
			sw[n++] = (uint8_t)i;
		}
	}
	emit_src_swz(c, b, s, t, sw, n);
}

void
emit_store(struct emit_ctx *c, const struct tgsi_instruction *in, enum glsl_type t,
	   const char *expr)
{
	uint8_t mask = in->dst.writemask;
	unsigned n = (unsigned)__builtin_popcount(mask);
	struct glsl_buf lv = {0};
	enum glsl_type native;
	if (!emit_reg_base(c, &lv, &in->dst.reg, &native)) {
		glsl_buf_finish(&lv);
		return;
	}
	if (mask != 0xf) {
		glsl_buf_puts(&lv, ".");
		for (unsigned i = 0; i < 4; i++) {
			if (mask & (1u << i)) {
				glsl_buf_printf(&lv, "%c", "xyzw"[i]);
			}
		}
	}
	bool sat = in->saturate && t == GT_FLOAT;
	const char *conv = convert_fn(t, native, n);
	emit_line(c, "%s = %s%s%s%s%s%s;", lv.s ? lv.s : "", conv, *conv ? "(" : "",
		  sat ? "clamp(" : "", expr, sat ? ", 0.0, 1.0)" : "", *conv ? ")" : "");
	glsl_buf_finish(&lv);
}

static bool
emit_instruction(struct emit_ctx *c, uint32_t i)
{
	const struct tgsi_instruction *in = &c->prog->insts[i];
	unsigned flags = tgsi_opcode_infos[in->opcode].flags;
	if (flags & TGSI_OPF_TEX) {
		return emit_tex(c, in);
	}
	if (in->opcode == TGSI_OP_INTERP_CENTROID || in->opcode == TGSI_OP_INTERP_SAMPLE ||
	    in->opcode == TGSI_OP_INTERP_OFFSET) {
		return emit_interp(c, in);
	}
	if (emit_flow(c, in, i + 1 == c->prog->num_insts)) {
		return true;
	}
	if (c->failed) {
		return false;
	}
	return emit_alu(c, in);
}

static bool
emit_body(struct emit_ctx *c)
{
	glsl_buf_puts(&c->body, "void main()\n{\n");
	c->indent = 1;
	emit_main_prologue(c);
	for (uint32_t i = 0; i < c->prog->num_insts; i++) {
		if (!emit_instruction(c, i)) {
			/* Errors raised below line granularity carry line 0: name the line. */
			if (c->err && strncmp(c->err, "line 0:", 7) == 0) {
				char tmp[256];
				snprintf(tmp, sizeof(tmp), "line %u:%s", c->prog->insts[i].line,
					 c->err + 7);
				snprintf(c->err, c->err_size, "%s", tmp);
			}
			return false;
		}
	}
	glsl_buf_puts(&c->body, "}\n");
	return !c->failed;
}

static bool
assemble(struct emit_ctx *c, struct vr_shader_result *res)
{
	struct glsl_buf out = {0}, tail = {0};
	/* Helpers and the output writer first: they may still request extensions. */
	emit_helpers(c, &tail);
	emit_write_outputs_fn(c, &tail);
	if (!emit_declarations(c, &out)) {
		glsl_buf_finish(&out);
		glsl_buf_finish(&tail);
		return false;
	}
	glsl_buf_printf(&out, "%s%s", tail.s ? tail.s : "", c->body.s ? c->body.s : "");
	out.oom |= tail.oom;
	glsl_buf_finish(&tail);
	if (out.oom || c->body.oom || c->decl.oom) {
		glsl_buf_finish(&out);
		return emit_fail(c, 0, "generated GLSL too large or out of memory");
	}
	res->glsl = out.s;
	res->glsl_len = out.len;
	return true;
}

bool
glsl_emit_program(const struct vr_tgsi_program *prog, const struct vr_shader_key *key,
		  struct vr_shader_result *res)
{
	static const struct vr_shader_key zero_key;
	struct emit_ctx *c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(res->error, sizeof(res->error), "out of memory");
		return false;
	}
	c->prog = prog;
	c->key = key ? key : &zero_key;
	c->info = &res->info;
	c->es = c->key->target == VR_GLSL_ES_300;
	c->err = res->error;
	c->err_size = sizeof(res->error);
	bool ok = emit_analyze(c) && emit_so_check(c) && emit_body(c) && assemble(c, res);
	glsl_buf_finish(&c->decl);
	glsl_buf_finish(&c->body);
	free(c->decl_is_array);
	free(c);
	return ok;
}
