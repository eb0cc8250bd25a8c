/*
 * pvgpu — TGSI text tokenizer (renderer/shader, internal).
 *
 * Works on a pointer + length: never reads at or past `end`, never needs a NUL.
 * A NUL byte ends the text (the wire format NUL-terminates and pads it).
 * `#` starts a comment to the end of the line (the corpus capture tool's
 * header line).
 */
#ifndef TGSI_LEX_H
#define TGSI_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tgsi_tok_kind {
	TGSI_TOK_EOF = 0,
	TGSI_TOK_NEWLINE,
	TGSI_TOK_IDENT, /* [A-Za-z_][A-Za-z0-9_]*, also digit-led words like 2D, 1D_ARRAY */
	TGSI_TOK_INT,   /* decimal or 0x hex; `value` saturates, `overflow` set past 2^32-1 */
	TGSI_TOK_FLOAT, /* digits '.' digits [exponent]; text in s/len */
	TGSI_TOK_PUNCT, /* one of [ ] . , : - + | ( ) { } */
	TGSI_TOK_BAD,   /* any other byte */
};

struct tgsi_token {
	enum tgsi_tok_kind kind;
	const char *s;
	size_t len;
	uint64_t value;
	bool overflow;
	char punct;
	uint32_t line;
};

struct tgsi_lexer {
	const char *p, *end;
	uint32_t line;
	bool have_peek;
	struct tgsi_token peek;
};

/** Starts tokenizing text[0..len). */
void tgsi_lex_init(struct tgsi_lexer *lx, const char *text, size_t len);
/** Returns the next token without consuming it. */
const struct tgsi_token *tgsi_lex_peek(struct tgsi_lexer *lx);
/** Consumes and returns the next token. */
struct tgsi_token tgsi_lex_next(struct tgsi_lexer *lx);
/** True if `t` is the identifier `word`. */
bool tgsi_tok_is(const struct tgsi_token *t, const char *word);
/** True if `t` is the punctuation character `c`. */
bool tgsi_tok_punct(const struct tgsi_token *t, char c);

#endif /* TGSI_LEX_H */
