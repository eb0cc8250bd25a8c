/*
 * pvgpu — TGSI text: PROPERTY, DCL and IMM lines.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tgsi_parse_priv.h"

/* Upper bounds for property values a GLSL layout qualifier will carry. */
#define MAX_GS_VERTICES 1024  /* GL_MAX_GEOMETRY_OUTPUT_VERTICES is 256 on most drivers */
#define MAX_GS_INVOCATIONS 32 /* GL_MAX_GEOMETRY_SHADER_INVOCATIONS minimum */
#define MAX_CLIP_DIST 8       /* PIPE_MAX_CLIP_PLANES */

static bool
property_word(struct tgsi_parser *p, int prop, const struct tgsi_token *t, uint32_t *out)
{
	static const char *const origin[] = {"UPPER_LEFT", "LOWER_LEFT"};
	static const char *const center[] = {"HALF_INTEGER", "INTEGER"};
	int v = -1;
	switch (prop) {
	case TGSI_PROP_GS_INPUT_PRIM:
	case TGSI_PROP_GS_OUTPUT_PRIM:
	case TGSI_PROP_TES_PRIM_MODE:
		v = tgsi_lookup(tgsi_prim_names, TGSI_PRIM_COUNT, t->s, t->len);
		break;
	case TGSI_PROP_FS_COORD_ORIGIN:
		v = tgsi_lookup(origin, 2, t->s, t->len);
		break;
	case TGSI_PROP_FS_COORD_PIXEL_CENTER:
		v = tgsi_lookup(center, 2, t->s, t->len);
		break;
	case TGSI_PROP_NEXT_SHADER:
		v = tgsi_lookup(tgsi_processor_names, 6, t->s, t->len);
		break;
	default:
		break;
	}
	if (v < 0) {
		return tgsi_parse_fail(p, t->line, "bad value '%.*s' for PROPERTY %s",
				       (int)(t->len > 32 ? 32 : t->len), t->s,
				       tgsi_property_names[prop]);
	}
	*out = (uint32_t)v;
	return true;
}

static bool
property_in_range(struct tgsi_parser *p, int prop, uint32_t v, uint32_t line)
{
	uint32_t max = UINT32_MAX;
	switch (prop) {
	case TGSI_PROP_GS_MAX_OUTPUT_VERTICES:
		max = MAX_GS_VERTICES;
		break;
	case TGSI_PROP_GS_INVOCATIONS:
		max = MAX_GS_INVOCATIONS;
		break;
	case TGSI_PROP_NUM_CLIPDIST_ENABLED:
	case TGSI_PROP_NUM_CULLDIST_ENABLED:
		max = MAX_CLIP_DIST;
		break;
	case TGSI_PROP_GS_INPUT_PRIM:
	case TGSI_PROP_GS_OUTPUT_PRIM:
		max = TGSI_PRIM_COUNT - 1;
		break;
	case TGSI_PROP_FS_COORD_ORIGIN:
	case TGSI_PROP_FS_COORD_PIXEL_CENTER:
		max = 1;
		break;
	default:
		break;
	}
	if (v > max) {
		return tgsi_parse_fail(p, line, "PROPERTY %s value %u out of range (max %u)",
				       tgsi_property_names[prop], v, max);
	}
	return true;
}

bool
tgsi_parse_property(struct tgsi_parser *p)
{
	tgsi_lex_next(&p->lx); /* PROPERTY */
	struct tgsi_token t = tgsi_lex_next(&p->lx);
	int prop = t.kind == TGSI_TOK_IDENT
			   ? tgsi_lookup(tgsi_property_names, TGSI_PROP_COUNT, t.s, t.len)
			   : -1;
	if (prop < 0) {
		return tgsi_parse_fail(p, t.line, "unknown PROPERTY '%.*s'",
				       (int)(t.len > 32 ? 32 : t.len), t.s);
	}
	uint32_t v = 0;
	for (int i = 0;; i++) {
		struct tgsi_token val = tgsi_lex_next(&p->lx);
		uint32_t x = 0;
		if (val.kind == TGSI_TOK_INT && !val.overflow) {
			x = (uint32_t)val.value;
		} else if (val.kind == TGSI_TOK_IDENT) {
			if (!property_word(p, prop, &val, &x)) {
				return false;
			}
		} else {
			return tgsi_parse_fail(p, val.line, "bad PROPERTY value");
		}
		if (i == 0) {
			v = x;
		}
		if (!tgsi_tok_punct(tgsi_lex_peek(&p->lx), ',') || i >= 3) {
			break;
		}
		tgsi_lex_next(&p->lx);
	}
	if (!property_in_range(p, prop, v, t.line)) {
		return false;
	}
	p->prog->prop_set[prop] = true;
	p->prog->prop[prop] = v;
	return tgsi_expect_eol(p);
}

/* Largest register index (exclusive) a declaration of `file` may name. */
static uint32_t
file_limit(unsigned file)
{
	switch (file) {
	case TGSI_FILE_TEMPORARY:
		return TGSI_MAX_TEMPS;
	case TGSI_FILE_CONSTANT:
		return TGSI_MAX_CONSTS;
	case TGSI_FILE_INPUT:
	case TGSI_FILE_OUTPUT:
		return TGSI_MAX_IO;
	case TGSI_FILE_SAMPLER:
	case TGSI_FILE_SAMPLER_VIEW:
	case TGSI_FILE_BUFFER:
	case TGSI_FILE_IMAGE:
	case TGSI_FILE_HW_ATOMIC:
		return TGSI_MAX_SAMPLERS;
	case TGSI_FILE_ADDRESS:
		return TGSI_MAX_ADDR;
	case TGSI_FILE_SYSTEM_VALUE:
		return TGSI_MAX_SV;
	case TGSI_FILE_MEMORY:
		return 1;
	default:
		return 0;
	}
}

/* One `[a]` or `[a..b]` group. */
static bool
parse_range(struct tgsi_parser *p, uint32_t *first, uint32_t *last)
{
	if (!tgsi_expect_punct(p, '[') || !tgsi_expect_uint(p, UINT32_MAX - 1, first, "index")) {
		return false;
	}
	*last = *first;
	if (tgsi_tok_punct(tgsi_lex_peek(&p->lx), '.')) {
		tgsi_lex_next(&p->lx);
		if (!tgsi_expect_punct(p, '.') ||
		    !tgsi_expect_uint(p, UINT32_MAX - 1, last, "range end")) {
			return false;
		}
	}
	return tgsi_expect_punct(p, ']');
}

/* FILE `[]`? `[dim]`? `[range]` `.mask`? */
static bool
parse_decl_head(struct tgsi_parser *p, struct tgsi_declaration *d, uint32_t line)
{
	struct tgsi_token t = tgsi_lex_next(&p->lx);
	int file = t.kind == TGSI_TOK_IDENT
			   ? tgsi_lookup(tgsi_file_names, TGSI_FILE_COUNT, t.s, t.len)
			   : -1;
	if (file <= 0) {
		return tgsi_parse_fail(p, t.line, "unknown register file in DCL");
	}
	d->file = (uint8_t)file;
	const struct tgsi_token *n = tgsi_lex_peek(&p->lx);
	if (tgsi_tok_punct(n, '[') && p->lx.p < p->lx.end && *p->lx.p == ']') {
		tgsi_lex_next(&p->lx);
		tgsi_lex_next(&p->lx);
		d->dim_empty = true;
	}
	uint32_t a, b;
	if (!parse_range(p, &a, &b)) {
		return false;
	}
	if (tgsi_tok_punct(tgsi_lex_peek(&p->lx), '[')) {
		if (a != b) {
			return tgsi_parse_fail(p, line,
					       "2-D declaration needs one dimension index");
		}
		d->has_dim = true;
		d->dim = a;
		if (!parse_range(p, &a, &b)) {
			return false;
		}
	}
	if (a > b || b >= file_limit(d->file) || (d->has_dim && d->dim >= TGSI_MAX_UBOS)) {
		return tgsi_parse_fail(p, line, "DCL %s range [%u..%u] invalid or too large",
				       tgsi_file_names[d->file], a, b);
	}
	d->first = a;
	d->last = b;
	d->usage_mask = 0xf;
	if (tgsi_tok_punct(tgsi_lex_peek(&p->lx), '.')) {
		tgsi_lex_next(&p->lx);
		struct tgsi_token m = tgsi_lex_next(&p->lx);
		if (!tgsi_parse_mask_word(p, &m, &d->usage_mask)) {
			return false;
		}
	}
	return true;
}

static bool
parse_sview_types(struct tgsi_parser *p, struct tgsi_declaration *d, const struct tgsi_token *t)
{
	int target = tgsi_lookup(tgsi_texture_names, TGSI_TEX_COUNT, t->s, t->len);
	if (tgsi_tok_is(t, "CUBEARRAY")) {
		target = TGSI_TEX_CUBE_ARRAY;
	} else if (tgsi_tok_is(t, "SHADOWCUBEARRAY")) {
		target = TGSI_TEX_SHADOWCUBE_ARRAY;
	}
	if (target < 0) {
		return tgsi_parse_fail(p, t->line, "unknown texture target in SVIEW");
	}
	d->sview_target = (uint8_t)target;
	for (int i = 0; i < 4; i++) {
		if (i > 0 && !tgsi_tok_punct(tgsi_lex_peek(&p->lx), ',')) {
			if (i != 1) {
				return tgsi_parse_fail(p, t->line,
						       "SVIEW needs 1 or 4 return types");
			}
			d->sview_return[1] = d->sview_return[2] = d->sview_return[3] =
				d->sview_return[0];
			return true;
		}
		if (!tgsi_expect_punct(p, ',')) {
			return false;
		}
		struct tgsi_token r = tgsi_lex_next(&p->lx);
		int rt = tgsi_lookup(tgsi_return_type_names, TGSI_RET_COUNT, r.s, r.len);
		if (r.kind != TGSI_TOK_IDENT || rt < 0) {
			return tgsi_parse_fail(p, r.line, "unknown SVIEW return type");
		}
		d->sview_return[i] = (uint8_t)rt;
	}
	return true;
}

static bool
parse_semantic(struct tgsi_parser *p, struct tgsi_declaration *d, int sem)
{
	d->has_semantic = true;
	d->semantic = (uint8_t)sem;
	if (tgsi_tok_punct(tgsi_lex_peek(&p->lx), '[')) {
		tgsi_lex_next(&p->lx);
		if (!tgsi_expect_uint(p, 255, &d->semantic_index, "semantic index") ||
		    !tgsi_expect_punct(p, ']')) {
			return false;
		}
	}
	return true;
}

static bool
parse_paren_uints(struct tgsi_parser *p, uint32_t *vals, int n, uint32_t max)
{
	if (!tgsi_expect_punct(p, '(')) {
		return false;
	}
	for (int i = 0; i < n; i++) {
		if ((i > 0 && !tgsi_expect_punct(p, ',')) ||
		    !tgsi_expect_uint(p, max, &vals[i], "value")) {
			return false;
		}
	}
	return tgsi_expect_punct(p, ')');
}

/* Words ignored after a declaration: image/buffer/memory qualifiers we never emit. */
static bool
is_ignored_decl_word(const struct tgsi_token *t)
{
	static const char *const words[] = {"WR",     "RAW",     "ATOMIC", "GLOBAL",
					    "SHARED", "PRIVATE", "INPUT"};
	if (tgsi_lookup(words, 7, t->s, t->len) >= 0) {
		return true;
	}
	/* IMAGE declarations carry a pipe format name. */
	return t->len > 12 && memcmp(t->s, "PIPE_FORMAT_", 12) == 0;
}

static bool
parse_decl_attr(struct tgsi_parser *p, struct tgsi_declaration *d)
{
	struct tgsi_token t = tgsi_lex_next(&p->lx);
	if (t.kind != TGSI_TOK_IDENT) {
		return tgsi_parse_fail(p, t.line, "bad declaration attribute");
	}
	if (tgsi_tok_is(&t, "ARRAY")) {
		uint32_t id;
		if (!parse_paren_uints(p, &id, 1, TGSI_MAX_ARRAY_ID)) {
			return false;
		}
		d->array_id = (uint16_t)id;
		return true;
	}
	if (tgsi_tok_is(&t, "STREAM")) {
		uint32_t s[4];
		if (!parse_paren_uints(p, s, 4, 3)) {
			return false;
		}
		for (int i = 0; i < 4; i++) {
			d->streams[i] = (uint8_t)s[i];
		}
		return true;
	}
	int sem = tgsi_lookup(tgsi_semantic_names, TGSI_SEM_COUNT, t.s, t.len);
	if (tgsi_tok_is(&t, "PRIM_ID")) {
		sem = TGSI_SEM_PRIMID;
	}
	if (sem >= 0 && !d->has_semantic) {
		return parse_semantic(p, d, sem);
	}
	int interp = tgsi_lookup(tgsi_interp_names, TGSI_INTERP_COUNT, t.s, t.len);
	if (interp >= 0) {
		d->interp = (uint8_t)interp;
	} else if (tgsi_tok_is(&t, "LOCAL")) {
		d->local = true;
	} else if (tgsi_tok_is(&t, "INVARIANT")) {
		d->invariant = true;
	} else if (tgsi_tok_is(&t, "CENTROID")) {
		d->location = TGSI_LOC_CENTROID;
	} else if (tgsi_tok_is(&t, "SAMPLE")) {
		d->location = TGSI_LOC_SAMPLE;
	} else if (tgsi_tok_is(&t, "CENTER")) {
		d->location = TGSI_LOC_CENTER;
	} else if (!is_ignored_decl_word(&t) &&
		   !(d->file == TGSI_FILE_IMAGE &&
		     tgsi_lookup(tgsi_texture_names, TGSI_TEX_COUNT, t.s, t.len) >= 0)) {
		return tgsi_parse_fail(p, t.line, "unknown declaration attribute '%.*s'",
				       (int)(t.len > 32 ? 32 : t.len), t.s);
	}
	return true;
}

bool
tgsi_parse_declaration(struct tgsi_parser *p)
{
	struct tgsi_token dcl = tgsi_lex_next(&p->lx);
	struct vr_tgsi_program *prog = p->prog;
	if (!tgsi_grow((void **)&prog->decls, &p->cap_decls, prog->num_decls, sizeof(*prog->decls),
		       TGSI_MAX_DECLS)) {
		return tgsi_parse_fail(p, dcl.line, "too many declarations (max %d)",
				       TGSI_MAX_DECLS);
	}
	struct tgsi_declaration *d = &prog->decls[prog->num_decls];
	memset(d, 0, sizeof(*d));
	d->line = dcl.line;
	d->interp = TGSI_INTERP_NONE;
	d->semantic = TGSI_SEM_NONE;
	if (!parse_decl_head(p, d, dcl.line)) {
		return false;
	}
	if (d->file == TGSI_FILE_SAMPLER_VIEW) {
		if (!tgsi_expect_punct(p, ',')) {
			return false;
		}
		struct tgsi_token t = tgsi_lex_next(&p->lx);
		if (!parse_sview_types(p, d, &t)) {
			return false;
		}
	}
	while (tgsi_tok_punct(tgsi_lex_peek(&p->lx), ',')) {
		tgsi_lex_next(&p->lx);
		if (!parse_decl_attr(p, d)) {
			return false;
		}
	}
	prog->num_decls++;
	return tgsi_expect_eol(p);
}

/* FLT32 values: hex bit patterns (0x3f800000) or decimal floats (1.0000, -2). */
static bool
parse_flt32(struct tgsi_parser *p, bool neg, const struct tgsi_token *t, uint32_t *out)
{
	if (t->kind == TGSI_TOK_INT && t->len > 2 && (t->s[1] == 'x' || t->s[1] == 'X')) {
		if (t->overflow) {
			return tgsi_parse_fail(p, t->line, "immediate overflows 32 bits");
		}
		*out = (uint32_t)t->value ^ (neg ? 0x80000000u : 0);
		return true;
	}
	if ((t->kind != TGSI_TOK_INT && t->kind != TGSI_TOK_FLOAT) || t->len >= 64) {
		return tgsi_parse_fail(p, t->line, "bad FLT32 immediate");
	}
	char buf[64];
	memcpy(buf, t->s, t->len);
	buf[t->len] = '\0';
	float f = strtof(buf, NULL);
	if (neg) {
		f = -f;
	}
	memcpy(out, &f, sizeof(*out));
	return true;
}

static bool
parse_imm_value(struct tgsi_parser *p, unsigned type, uint32_t *out)
{
	bool neg = false;
	if (tgsi_tok_punct(tgsi_lex_peek(&p->lx), '-') ||
	    tgsi_tok_punct(tgsi_lex_peek(&p->lx), '+')) {
		neg = tgsi_lex_next(&p->lx).punct == '-';
	}
	struct tgsi_token t = tgsi_lex_next(&p->lx);
	if (type == TGSI_IMM_FLT32) {
		return parse_flt32(p, neg, &t, out);
	}
	if (t.kind != TGSI_TOK_INT || t.overflow) {
		return tgsi_parse_fail(p, t.line, "bad or overflowing %s immediate",
				       tgsi_imm_type_names[type]);
	}
	if (type == TGSI_IMM_UINT32) {
		if (neg) {
			return tgsi_parse_fail(p, t.line, "negative UINT32 immediate");
		}
		*out = (uint32_t)t.value;
		return true;
	}
	/* INT32: -2147483648 .. 2147483647 */
	if (t.value > (neg ? 0x80000000ull : 0x7fffffffull)) {
		return tgsi_parse_fail(p, t.line, "INT32 immediate out of range");
	}
	*out = neg ? (uint32_t)(0u - (uint32_t)t.value) : (uint32_t)t.value;
	return true;
}

bool
tgsi_parse_immediate(struct tgsi_parser *p)
{
	struct tgsi_token imm = tgsi_lex_next(&p->lx);
	struct vr_tgsi_program *prog = p->prog;
	uint32_t idx;
	if (!tgsi_expect_punct(p, '[') ||
	    !tgsi_expect_uint(p, TGSI_MAX_IMMEDIATES - 1, &idx, "immediate index") ||
	    !tgsi_expect_punct(p, ']')) {
		return false;
	}
	if (idx != prog->num_imms) {
		return tgsi_parse_fail(p, imm.line, "IMM[%u] out of order (expected IMM[%u])", idx,
				       prog->num_imms);
	}
	struct tgsi_token t = tgsi_lex_next(&p->lx);
	int type = tgsi_lookup(tgsi_imm_type_names, TGSI_IMM_COUNT, t.s, t.len);
	if (t.kind != TGSI_TOK_IDENT || type < 0 || type == TGSI_IMM_FLT64) {
		return tgsi_parse_fail(p, t.line, "unsupported immediate type");
	}
	if (!tgsi_grow((void **)&prog->imms, &p->cap_imms, prog->num_imms, sizeof(*prog->imms),
		       TGSI_MAX_IMMEDIATES)) {
		return tgsi_parse_fail(p, imm.line, "too many immediates");
	}
	struct tgsi_immediate *im = &prog->imms[prog->num_imms];
	memset(im, 0, sizeof(*im));
	im->type = (uint8_t)type;
	if (!tgsi_expect_punct(p, '{')) {
		return false;
	}
	for (int i = 0; i < 4; i++) {
		if (i > 0 && tgsi_tok_punct(tgsi_lex_peek(&p->lx), '}')) {
			break;
		}
		if ((i > 0 && !tgsi_expect_punct(p, ',')) ||
		    !parse_imm_value(p, (unsigned)type, &im->value[i])) {
			return false;
		}
		im->count = (uint8_t)(i + 1);
	}
	if (!tgsi_expect_punct(p, '}')) {
		return false;
	}
	prog->num_imms++;
	return tgsi_expect_eol(p);
}
