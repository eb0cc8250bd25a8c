/*
 * pvgpu — TGSI text: instruction lines and their operands.
 *
 *   [N:] OP[_SAT][_PRECISE] dst, src, ... [, TARGET[, OFFSET]*] [:LABEL]
 *   dst := FILE[idx]([idx])? (.mask)?
 *   src := -? |? FILE[idx]([idx])? (.swizzle)? |?
 *   idx := N | ADDR[i].c(+N|-N)? followed by an optional (array id)
 */
#include <string.h>

#include "tgsi_parse_priv.h"

enum cf_kind { CF_IF = 1, CF_ELSE, CF_LOOP, CF_SWITCH, CF_SUB };

static bool
parse_swizzle(struct tgsi_parser *p, const struct tgsi_token *t, uint8_t *swz, int max)
{
	if (t->kind != TGSI_TOK_IDENT || t->len < 1 || t->len > (size_t)max) {
		return tgsi_parse_fail(p, t->line, "bad swizzle");
	}
	for (int i = 0; i < max; i++) {
		/* Fewer letters than channels: the last one repeats (`.x` = `.xxxx`). */
		char c = t->s[(size_t)i < t->len ? (size_t)i : t->len - 1];
		const char *pos = memchr("xyzw", c, 4);
		if (!pos) {
			return tgsi_parse_fail(p, t->line, "bad swizzle '%.*s'", (int)t->len, t->s);
		}
		swz[i] = (uint8_t)(pos - "xyzw");
	}
	return true;
}

/* After '[': a number, or an indirect `ADDR[i].c[+-N]`. */
static bool
parse_index(struct tgsi_parser *p, bool *indirect, int32_t *index, struct tgsi_indirect *ind)
{
	const struct tgsi_token *t = tgsi_lex_peek(&p->lx);
	uint32_t v;
	if (t->kind == TGSI_TOK_INT) {
		if (!tgsi_expect_uint(p, INT32_MAX, &v, "register index")) {
			return false;
		}
		*indirect = false;
		*index = (int32_t)v;
		return true;
	}
	struct tgsi_token f = tgsi_lex_next(&p->lx);
	int file = tgsi_lookup(tgsi_file_names, TGSI_FILE_COUNT, f.s, f.len);
	if (f.kind != TGSI_TOK_IDENT ||
	    (file != TGSI_FILE_ADDRESS && file != TGSI_FILE_TEMPORARY)) {
		return tgsi_parse_fail(p, f.line, "expected a register index or ADDR[...]");
	}
	*indirect = true;
	memset(ind, 0, sizeof(*ind));
	ind->file = (uint8_t)file;
	if (!tgsi_expect_punct(p, '[') ||
	    !tgsi_expect_uint(p, TGSI_MAX_TEMPS - 1, &ind->index, "address register") ||
	    !tgsi_expect_punct(p, ']') || !tgsi_expect_punct(p, '.')) {
		return false;
	}
	struct tgsi_token s = tgsi_lex_next(&p->lx);
	uint8_t swz[1];
	if (s.len != 1 || !parse_swizzle(p, &s, swz, 1)) {
		return tgsi_parse_fail(p, s.line, "bad address swizzle");
	}
	ind->swizzle = swz[0];
	*index = 0;
	t = tgsi_lex_peek(&p->lx);
	if (tgsi_tok_punct(t, '+') || tgsi_tok_punct(t, '-')) {
		bool neg = tgsi_lex_next(&p->lx).punct == '-';
		if (!tgsi_expect_uint(p, TGSI_MAX_INDIRECT_OFFSET, &v, "address offset")) {
			return false;
		}
		*index = neg ? -(int32_t)v : (int32_t)v;
	}
	return true;
}

/* One `[..]` group plus an optional `(array id)`. */
static bool
parse_group(struct tgsi_parser *p, bool *indirect, int32_t *index, struct tgsi_indirect *ind)
{
	if (!tgsi_expect_punct(p, '[') || !parse_index(p, indirect, index, ind) ||
	    !tgsi_expect_punct(p, ']')) {
		return false;
	}
	if (tgsi_tok_punct(tgsi_lex_peek(&p->lx), '(')) {
		tgsi_lex_next(&p->lx);
		uint32_t id;
		if (!tgsi_expect_uint(p, TGSI_MAX_ARRAY_ID, &id, "array id") ||
		    !tgsi_expect_punct(p, ')')) {
			return false;
		}
		ind->array_id = (uint16_t)id;
	}
	return true;
}

static bool
parse_reg(struct tgsi_parser *p, struct tgsi_reg *r)
{
	struct tgsi_token f = tgsi_lex_next(&p->lx);
	int file = f.kind == TGSI_TOK_IDENT
			   ? tgsi_lookup(tgsi_file_names, TGSI_FILE_COUNT, f.s, f.len)
			   : -1;
	if (file <= 0) {
		return tgsi_parse_fail(p, f.line, "expected a register, found '%.*s'",
				       (int)(f.len > 20 ? 20 : f.len), f.s);
	}
	memset(r, 0, sizeof(*r));
	r->file = (uint8_t)file;
	if (!parse_group(p, &r->indirect, &r->index, &r->ind)) {
		return false;
	}
	if (tgsi_tok_punct(tgsi_lex_peek(&p->lx), '[')) {
		/* Two groups: the first was the dimension (CONST buffer, GS vertex). */
		r->has_dim = true;
		r->dim_indirect = r->indirect;
		r->dim_index = r->index;
		r->dim_ind = r->ind;
		memset(&r->ind, 0, sizeof(r->ind));
		if (!parse_group(p, &r->indirect, &r->index, &r->ind)) {
			return false;
		}
	}
	return true;
}

static bool
parse_dst(struct tgsi_parser *p, struct tgsi_dst *d)
{
	if (!parse_reg(p, &d->reg)) {
		return false;
	}
	d->writemask = 0xf;
	if (tgsi_tok_punct(tgsi_lex_peek(&p->lx), '.')) {
		tgsi_lex_next(&p->lx);
		struct tgsi_token m = tgsi_lex_next(&p->lx);
		return tgsi_parse_mask_word(p, &m, &d->writemask);
	}
	return true;
}

static bool
parse_src(struct tgsi_parser *p, struct tgsi_src *s)
{
	memset(s, 0, sizeof(*s));
	if (tgsi_tok_punct(tgsi_lex_peek(&p->lx), '-')) {
		tgsi_lex_next(&p->lx);
		s->negate = true;
	}
	if (tgsi_tok_punct(tgsi_lex_peek(&p->lx), '|')) {
		tgsi_lex_next(&p->lx);
		s->absolute = true;
	}
	if (!parse_reg(p, &s->reg)) {
		return false;
	}
	for (int i = 0; i < 4; i++) {
		s->swizzle[i] = (uint8_t)i;
	}
	if (tgsi_tok_punct(tgsi_lex_peek(&p->lx), '.')) {
		tgsi_lex_next(&p->lx);
		struct tgsi_token w = tgsi_lex_next(&p->lx);
		if (!parse_swizzle(p, &w, s->swizzle, 4)) {
			return false;
		}
	}
	return !s->absolute || tgsi_expect_punct(p, '|');
}

static bool
parse_texture_suffix(struct tgsi_parser *p, struct tgsi_instruction *in)
{
	if (!tgsi_expect_punct(p, ',')) {
		return false;
	}
	struct tgsi_token t = tgsi_lex_next(&p->lx);
	int target = tgsi_lookup(tgsi_texture_names, TGSI_TEX_COUNT, t.s, t.len);
	if (tgsi_tok_is(&t, "CUBEARRAY")) {
		target = TGSI_TEX_CUBE_ARRAY;
	} else if (tgsi_tok_is(&t, "SHADOWCUBEARRAY")) {
		target = TGSI_TEX_SHADOWCUBE_ARRAY;
	}
	if (t.kind != TGSI_TOK_IDENT || target < 0) {
		return tgsi_parse_fail(p, t.line, "expected a texture target");
	}
	in->tex_target = (uint8_t)target;
	while (tgsi_tok_punct(tgsi_lex_peek(&p->lx), ',')) {
		tgsi_lex_next(&p->lx);
		if (in->num_offsets >= TGSI_MAX_TEX_OFFSETS) {
			return tgsi_parse_fail(p, t.line, "too many texture offsets");
		}
		struct tgsi_tex_offset *o = &in->offsets[in->num_offsets++];
		struct tgsi_reg r;
		if (!parse_reg(p, &r) || !tgsi_expect_punct(p, '.')) {
			return false;
		}
		if (r.indirect || r.has_dim || r.index < 0) {
			return tgsi_parse_fail(p, t.line, "bad texture offset register");
		}
		o->file = r.file;
		o->index = (uint32_t)r.index;
		struct tgsi_token w = tgsi_lex_next(&p->lx);
		if (!parse_swizzle(p, &w, o->swizzle, 3)) {
			return false;
		}
	}
	return true;
}

/* Structured control flow must nest; checked here so the emitters need not. */
static bool
track_control_flow(struct tgsi_parser *p, const struct tgsi_instruction *in)
{
	unsigned *d = &p->cf_depth;
	uint8_t top = *d ? p->cf_stack[*d - 1] : 0;
	bool in_loop = false, in_breakable = false;
	for (unsigned i = 0; i < *d; i++) {
		in_loop |= p->cf_stack[i] == CF_LOOP;
		in_breakable |= p->cf_stack[i] == CF_LOOP || p->cf_stack[i] == CF_SWITCH;
	}
	uint8_t push = 0;
	switch (in->opcode) {
	case TGSI_OP_IF:
	case TGSI_OP_UIF:
		push = CF_IF;
		break;
	case TGSI_OP_BGNLOOP:
		push = CF_LOOP;
		break;
	case TGSI_OP_SWITCH:
		push = CF_SWITCH;
		break;
	case TGSI_OP_BGNSUB:
		push = CF_SUB;
		break;
	case TGSI_OP_ELSE:
		if (top != CF_IF) {
			return tgsi_parse_fail(p, in->line, "ELSE without IF");
		}
		p->cf_stack[*d - 1] = CF_ELSE;
		return true;
	case TGSI_OP_ENDIF:
		if (top != CF_IF && top != CF_ELSE) {
			return tgsi_parse_fail(p, in->line, "ENDIF without IF");
		}
		(*d)--;
		return true;
	case TGSI_OP_ENDLOOP:
		if (top != CF_LOOP) {
			return tgsi_parse_fail(p, in->line, "ENDLOOP without BGNLOOP");
		}
		(*d)--;
		return true;
	case TGSI_OP_ENDSWITCH:
		if (top != CF_SWITCH) {
			return tgsi_parse_fail(p, in->line, "ENDSWITCH without SWITCH");
		}
		(*d)--;
		return true;
	case TGSI_OP_ENDSUB:
		if (top != CF_SUB) {
			return tgsi_parse_fail(p, in->line, "ENDSUB without BGNSUB");
		}
		(*d)--;
		return true;
	case TGSI_OP_CASE:
	case TGSI_OP_DEFAULT:
		if (top != CF_SWITCH) {
			return tgsi_parse_fail(p, in->line, "CASE/DEFAULT outside SWITCH");
		}
		return true;
	case TGSI_OP_BRK:
		return in_breakable || tgsi_parse_fail(p, in->line, "BRK outside a loop or switch");
	case TGSI_OP_CONT:
		return in_loop || tgsi_parse_fail(p, in->line, "CONT outside a loop");
	case TGSI_OP_END:
		if (*d) {
			return tgsi_parse_fail(p, in->line, "END inside an open block");
		}
		p->seen_end = true;
		return true;
	default:
		return true;
	}
	if (*d >= TGSI_MAX_NESTING) {
		return tgsi_parse_fail(p, in->line, "control flow nested deeper than %d",
				       TGSI_MAX_NESTING);
	}
	p->cf_stack[(*d)++] = push;
	return true;
}

static int
resolve_opcode(struct tgsi_token *t, bool *sat, bool *precise)
{
	size_t len = t->len;
	int op = tgsi_lookup_opcode(t->s, len);
	if (op >= 0) {
		return op;
	}
	if (len > 8 && memcmp(t->s + len - 8, "_PRECISE", 8) == 0) {
		*precise = true;
		len -= 8;
	}
	if (len > 4 && memcmp(t->s + len - 4, "_SAT", 4) == 0) {
		*sat = true;
		len -= 4;
	}
	return tgsi_lookup_opcode(t->s, len);
}

static bool
parse_operands(struct tgsi_parser *p, struct tgsi_instruction *in)
{
	const struct tgsi_opcode_info *info = &tgsi_opcode_infos[in->opcode];
	in->num_dst = info->num_dst;
	in->num_src = info->num_src;
	for (unsigned i = 0; i < in->num_dst + in->num_src; i++) {
		if (i > 0 && !tgsi_expect_punct(p, ',')) {
			return false;
		}
		bool ok = i < in->num_dst ? parse_dst(p, &in->dst)
					  : parse_src(p, &in->src[i - in->num_dst]);
		if (!ok) {
			return false;
		}
	}
	if ((info->flags & TGSI_OPF_TEX) && !parse_texture_suffix(p, in)) {
		return false;
	}
	if (info->flags & TGSI_OPF_MEM) {
		/* Memory qualifiers, targets and formats: parsed away, never emitted. */
		while (tgsi_tok_punct(tgsi_lex_peek(&p->lx), ',')) {
			tgsi_lex_next(&p->lx);
			struct tgsi_token w = tgsi_lex_next(&p->lx);
			if (w.kind != TGSI_TOK_IDENT) {
				return tgsi_parse_fail(p, w.line, "bad memory qualifier");
			}
		}
	}
	if ((info->flags & TGSI_OPF_LABEL) && tgsi_tok_punct(tgsi_lex_peek(&p->lx), ':')) {
		tgsi_lex_next(&p->lx);
		in->has_label = true;
		if (!tgsi_expect_uint(p, TGSI_MAX_INSTRUCTIONS, &in->label, "label")) {
			return false;
		}
	}
	return true;
}

bool
tgsi_parse_instruction(struct tgsi_parser *p)
{
	struct vr_tgsi_program *prog = p->prog;
	const struct tgsi_token *n = tgsi_lex_peek(&p->lx);
	uint32_t line = n->line;
	if (n->kind == TGSI_TOK_INT) {
		tgsi_lex_next(&p->lx);
		if (!tgsi_expect_punct(p, ':')) {
			return false;
		}
	}
	struct tgsi_token t = tgsi_lex_next(&p->lx);
	bool sat = false, precise = false;
	int op = t.kind == TGSI_TOK_IDENT ? resolve_opcode(&t, &sat, &precise) : -1;
	if (op < 0) {
		return tgsi_parse_fail(p, t.line, "unknown opcode or statement '%.*s'",
				       (int)(t.len > 32 ? 32 : t.len), t.s);
	}
	if (!tgsi_grow((void **)&prog->insts, &p->cap_insts, prog->num_insts, sizeof(*prog->insts),
		       TGSI_MAX_INSTRUCTIONS)) {
		return tgsi_parse_fail(p, line, "too many instructions (max %d)",
				       TGSI_MAX_INSTRUCTIONS);
	}
	struct tgsi_instruction *in = &prog->insts[prog->num_insts];
	memset(in, 0, sizeof(*in));
	in->opcode = (uint16_t)op;
	in->saturate = sat;
	in->precise = precise;
	in->line = line;
	if (!parse_operands(p, in) || !track_control_flow(p, in)) {
		return false;
	}
	prog->num_insts++;
	return tgsi_expect_eol(p);
}
