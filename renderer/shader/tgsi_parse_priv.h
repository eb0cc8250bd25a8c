/*
 * pvgpu — TGSI text parser internals shared by tgsi_parse*.c and tgsi_validate.c.
 */
#ifndef TGSI_PARSE_PRIV_H
#define TGSI_PARSE_PRIV_H

#include "tgsi_ir.h"
#include "tgsi_lex.h"

struct tgsi_parser {
	struct tgsi_lexer lx;
	struct vr_tgsi_program *prog;
	char *err;
	size_t err_size;
	bool failed;
	uint32_t cap_decls, cap_imms, cap_insts;
	bool seen_end;
	uint8_t cf_stack[TGSI_MAX_NESTING];
	unsigned cf_depth;
};

/** Records "line N: msg" (first error wins) and returns false. */
bool tgsi_parse_fail(struct tgsi_parser *p, uint32_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** Consumes punctuation `c` or fails naming what was expected. */
bool tgsi_expect_punct(struct tgsi_parser *p, char c);
/** Consumes an unsigned integer no larger than `max`. */
bool tgsi_expect_uint(struct tgsi_parser *p, uint32_t max, uint32_t *out, const char *what);
/** Consumes the end of a line (newline or end of text). */
bool tgsi_expect_eol(struct tgsi_parser *p);
/** Parses a 1-4 letter xyzw word into a write mask (no repeats). */
bool tgsi_parse_mask_word(struct tgsi_parser *p, const struct tgsi_token *t, uint8_t *mask);

/** Makes room for one more element (doubling, at most `max`); false when full or OOM. */
bool tgsi_grow(void **arr, uint32_t *cap, uint32_t count, size_t elem, uint32_t max);

/* tgsi_parse_decl.c */
bool tgsi_parse_property(struct tgsi_parser *p);
bool tgsi_parse_declaration(struct tgsi_parser *p);
bool tgsi_parse_immediate(struct tgsi_parser *p);

/* tgsi_parse_inst.c */
bool tgsi_parse_instruction(struct tgsi_parser *p);

/* tgsi_validate.c: operand ranges against declarations, after the whole text. */
bool tgsi_validate(struct tgsi_parser *p);

#endif /* TGSI_PARSE_PRIV_H */
