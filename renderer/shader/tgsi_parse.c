/*
 * pvgpu — TGSI text → IR: entry point, shared helpers, the line loop.
 *
 * Grammar (what Mesa's tgsi_dump writes; one item per line):
 *   header      := VERT | FRAG | GEOM | TESS_CTRL | TESS_EVAL | COMP
 *   PROPERTY NAME value[, value]*
 *   DCL FILE[..]...                       (tgsi_parse_decl.c)
 *   IMM[n] TYPE {v, v, v, v}              (tgsi_parse_decl.c)
 *   [N:] OPCODE[_SAT][_PRECISE] operands  (tgsi_parse_inst.c)
 * Errors name the line; the first error stops parsing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tgsi_parse_priv.h"

bool
tgsi_parse_fail(struct tgsi_parser *p, uint32_t line, const char *fmt, ...)
{
	if (p->failed) {
		return false;
	}
	p->failed = true;
	if (!p->err || p->err_size == 0) {
		return false;
	}
	int n = snprintf(p->err, p->err_size, "line %u: ", line);
	if (n < 0 || (size_t)n >= p->err_size) {
		return false;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->err_size - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

static const char *
tok_desc(const struct tgsi_token *t)
{
	switch (t->kind) {
	case TGSI_TOK_EOF:
		return "end of text";
	case TGSI_TOK_NEWLINE:
		return "end of line";
	case TGSI_TOK_IDENT:
		return "a word";
	case TGSI_TOK_INT:
		return "an integer";
	case TGSI_TOK_FLOAT:
		return "a float";
	case TGSI_TOK_PUNCT:
		return "punctuation";
	default:
		return "an invalid character";
	}
}

bool
tgsi_expect_punct(struct tgsi_parser *p, char c)
{
	struct tgsi_token t = tgsi_lex_next(&p->lx);
	if (!tgsi_tok_punct(&t, c)) {
		return tgsi_parse_fail(p, t.line, "expected '%c', found %s", c, tok_desc(&t));
	}
	return true;
}

bool
tgsi_expect_uint(struct tgsi_parser *p, uint32_t max, uint32_t *out, const char *what)
{
	struct tgsi_token t = tgsi_lex_next(&p->lx);
	if (t.kind != TGSI_TOK_INT) {
		return tgsi_parse_fail(p, t.line, "expected %s, found %s", what, tok_desc(&t));
	}
	if (t.overflow || t.value > max) {
		return tgsi_parse_fail(p, t.line, "%s %.*s out of range (max %u)", what,
				       (int)(t.len > 20 ? 20 : t.len), t.s, max);
	}
	*out = (uint32_t)t.value;
	return true;
}

bool
tgsi_expect_eol(struct tgsi_parser *p)
{
	struct tgsi_token t = tgsi_lex_next(&p->lx);
	if (t.kind != TGSI_TOK_NEWLINE && t.kind != TGSI_TOK_EOF) {
		return tgsi_parse_fail(p, t.line, "unexpected %s '%.*s' at end of line",
				       tok_desc(&t), (int)(t.len > 20 ? 20 : t.len), t.s);
	}
	return true;
}

bool
tgsi_parse_mask_word(struct tgsi_parser *p, const struct tgsi_token *t, uint8_t *mask)
{
	if (t->kind != TGSI_TOK_IDENT || t->len < 1 || t->len > 4) {
		return tgsi_parse_fail(p, t->line, "bad write mask");
	}
	uint8_t m = 0;
	for (size_t i = 0; i < t->len; i++) {
		const char *pos = memchr("xyzw", t->s[i], 4);
		if (!pos || (m & (1u << (pos - "xyzw")))) {
			return tgsi_parse_fail(p, t->line, "bad write mask '%.*s'", (int)t->len,
					       t->s);
		}
		m |= (uint8_t)(1u << (pos - "xyzw"));
	}
	*mask = m;
	return true;
}

bool
tgsi_grow(void **arr, uint32_t *cap, uint32_t count, size_t elem, uint32_t max)
{
	if (count < *cap) {
		return true;
	}
	if (count >= max) {
		return false;
	}
	uint32_t n = *cap ? *cap * 2 : 16;
	if (n > max) {
		n = max;
	}
	void *q = realloc(*arr, (size_t)n * elem);
	if (!q) {
		return false;
	}
	*arr = q;
	*cap = n;
	return true;
}

static bool
skip_newlines(struct tgsi_parser *p)
{
	while (tgsi_lex_peek(&p->lx)->kind == TGSI_TOK_NEWLINE) {
		tgsi_lex_next(&p->lx);
	}
	return true;
}

static bool
parse_header(struct tgsi_parser *p)
{
	skip_newlines(p);
	struct tgsi_token t = tgsi_lex_next(&p->lx);
	int proc = t.kind == TGSI_TOK_IDENT ? tgsi_lookup(tgsi_processor_names, 6, t.s, t.len) : -1;
	if (proc < 0) {
		return tgsi_parse_fail(p, t.line, "expected a processor header (VERT, FRAG, ...)");
	}
	p->prog->processor = (uint8_t)proc;
	return tgsi_expect_eol(p);
}

static bool
parse_line(struct tgsi_parser *p)
{
	const struct tgsi_token *t = tgsi_lex_peek(&p->lx);
	if (p->seen_end) {
		return tgsi_parse_fail(p, t->line, "text after END");
	}
	if (tgsi_tok_is(t, "PROPERTY")) {
		return tgsi_parse_property(p);
	}
	if (tgsi_tok_is(t, "DCL")) {
		return tgsi_parse_declaration(p);
	}
	if (tgsi_tok_is(t, "IMM")) {
		return tgsi_parse_immediate(p);
	}
	return tgsi_parse_instruction(p);
}

static bool
parse_body(struct tgsi_parser *p)
{
	for (;;) {
		skip_newlines(p);
		const struct tgsi_token *t = tgsi_lex_peek(&p->lx);
		if (t->kind == TGSI_TOK_EOF) {
			break;
		}
		if (!parse_line(p)) {
			return false;
		}
	}
	if (!p->seen_end) {
		return tgsi_parse_fail(p, p->lx.line, "missing END");
	}
	return true;
}

void
vr_tgsi_program_destroy(struct vr_tgsi_program *prog)
{
	if (!prog) {
		return;
	}
	free(prog->decls);
	free(prog->imms);
	free(prog->insts);
	free(prog);
}

struct vr_tgsi_program *
vr_tgsi_parse(const char *text, size_t len, char *err, size_t err_size)
{
	struct tgsi_parser p;
	memset(&p, 0, sizeof(p));
	p.err = err;
	p.err_size = err_size;
	if (err && err_size) {
		err[0] = '\0';
	}
	if (!text && len) {
		tgsi_parse_fail(&p, 0, "no text");
		return NULL;
	}
	p.prog = calloc(1, sizeof(*p.prog));
	if (!p.prog) {
		tgsi_parse_fail(&p, 0, "out of memory");
		return NULL;
	}
	tgsi_lex_init(&p.lx, text ? text : "", len);
	if (!parse_header(&p) || !parse_body(&p) || !tgsi_validate(&p)) {
		vr_tgsi_program_destroy(p.prog);
		return NULL;
	}
	return p.prog;
}
