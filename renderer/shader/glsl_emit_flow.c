/*
 * pvgpu — IR → GLSL: structured control flow, discard, END/RET and geometry
 * shader vertex emission. Nesting was validated by the parser.
 */
#include "glsl_emit.h"

static void
open_block(struct emit_ctx *c, const char *fmt, const char *arg)
{
	emit_line(c, fmt, arg);
	c->indent++;
}

static void
close_block(struct emit_ctx *c, const char *text)
{
	if (c->indent > 1) {
		c->indent--;
	}
	emit_line(c, "%s", text);
}

static bool
emit_condition(struct emit_ctx *c, const struct tgsi_instruction *in)
{
	struct glsl_buf b = {0};
	bool integer = in->opcode == TGSI_OP_UIF;
	emit_src(c, &b, &in->src[0], integer ? GT_UINT : GT_FLOAT, 0x1);
	glsl_buf_puts(&b, integer ? " != 0u" : " != 0.0");
	open_block(c, "if (%s) {", b.s ? b.s : "false");
	glsl_buf_finish(&b);
	return true;
}

static bool
emit_switch(struct emit_ctx *c, const struct tgsi_instruction *in)
{
	struct glsl_buf b = {0};
	emit_src(c, &b, &in->src[0], GT_INT, 0x1);
	open_block(c, "switch (%s) {", b.s ? b.s : "0");
	glsl_buf_finish(&b);
	return true;
}

static bool
emit_case(struct emit_ctx *c, const struct tgsi_instruction *in)
{
	const struct tgsi_src *s = &in->src[0];
	if (s->reg.file != TGSI_FILE_IMMEDIATE || s->reg.indirect || s->negate || s->absolute) {
		return emit_fail(c, in->line, "CASE needs an immediate value");
	}
	int32_t v = (int32_t)c->prog->imms[s->reg.index].value[s->swizzle[0]];
	emit_line(c, "case %d:", v);
	return true;
}

static bool
emit_kill_if(struct emit_ctx *c, const struct tgsi_instruction *in)
{
	struct glsl_buf b = {0};
	emit_src(c, &b, &in->src[0], GT_FLOAT, 0xf);
	emit_line(c, "if (any(lessThan(%s, vec4(0.0)))) {", b.s ? b.s : "vec4(0.0)");
	emit_line(c, "\tdiscard;");
	emit_line(c, "}");
	glsl_buf_finish(&b);
	return true;
}

/* EMIT/ENDPRIM: src0.x is the vertex stream (an immediate). */
static bool
emit_gs_op(struct emit_ctx *c, const struct tgsi_instruction *in)
{
	if (c->prog->processor != TGSI_PROC_GEOMETRY) {
		return emit_fail(c, in->line, "%s outside a geometry shader",
				 tgsi_opcode_infos[in->opcode].name);
	}
	const struct tgsi_src *s = &in->src[0];
	uint32_t stream = 0;
	if (s->reg.file == TGSI_FILE_IMMEDIATE && !s->reg.indirect) {
		stream = c->prog->imms[s->reg.index].value[s->swizzle[0]];
	}
	bool emit = in->opcode == TGSI_OP_EMIT;
	if (emit) {
		emit_line(c, "pvgpu_write_outputs();");
	}
	if (stream == 0) {
		emit_line(c, "%s();", emit ? "EmitVertex" : "EndPrimitive");
		return true;
	}
	if (stream > 3) {
		return emit_fail(c, in->line, "vertex stream %u out of range", stream);
	}
	c->exts |= EXT_GPU_SHADER5;
	emit_line(c, "%s(%u);", emit ? "EmitStreamVertex" : "EndStreamPrimitive", stream);
	return true;
}

static bool
fs_only(struct emit_ctx *c, const struct tgsi_instruction *in)
{
	if (c->prog->processor != TGSI_PROC_FRAGMENT) {
		return emit_fail(c, in->line, "discard outside a fragment shader");
	}
	return true;
}

/* True when `in` was a control-flow opcode and was emitted; false otherwise
 * (check c->failed to tell "not mine" from an error). */
bool
emit_flow(struct emit_ctx *c, const struct tgsi_instruction *in, bool last)
{
	bool gs = c->prog->processor == TGSI_PROC_GEOMETRY;
	switch (in->opcode) {
	case TGSI_OP_IF:
	case TGSI_OP_UIF:
		return emit_condition(c, in);
	case TGSI_OP_ELSE:
		close_block(c, "} else {");
		c->indent++;
		return true;
	case TGSI_OP_ENDIF:
	case TGSI_OP_ENDLOOP:
		close_block(c, "}");
		return true;
	case TGSI_OP_BGNLOOP:
		open_block(c, "%swhile (true) {", "");
		return true;
	case TGSI_OP_BRK:
		emit_line(c, "break;");
		return true;
	case TGSI_OP_CONT:
		emit_line(c, "continue;");
		return true;
	case TGSI_OP_SWITCH:
		return emit_switch(c, in);
	case TGSI_OP_CASE:
		return emit_case(c, in);
	case TGSI_OP_DEFAULT:
		emit_line(c, "default:");
		return true;
	case TGSI_OP_ENDSWITCH:
		/* GLSL rejects a label with no statement after it. */
		emit_line(c, "\tbreak;");
		close_block(c, "}");
		return true;
	case TGSI_OP_KILL:
	case TGSI_OP_DEMOTE:
		if (!fs_only(c, in)) {
			return false;
		}
		emit_line(c, "discard;");
		return true;
	case TGSI_OP_KILL_IF:
		return fs_only(c, in) && emit_kill_if(c, in);
	case TGSI_OP_NOP:
		return true;
	case TGSI_OP_END:
	case TGSI_OP_RET:
		if (!gs) {
			emit_line(c, "pvgpu_write_outputs();");
		}
		if (in->opcode == TGSI_OP_RET || !last) {
			emit_line(c, "return;");
		}
		return true;
	case TGSI_OP_EMIT:
	case TGSI_OP_ENDPRIM:
		return emit_gs_op(c, in);
	case TGSI_OP_CAL:
	case TGSI_OP_BGNSUB:
	case TGSI_OP_ENDSUB:
		return emit_fail(c, in->line, "subroutines are not supported");
	default:
		return false;
	}
}
