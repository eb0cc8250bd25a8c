/*
 * pvgpu — TGSI text tokenizer. Every read is guarded by `p < end`.
 */
#include <string.h>

#include "tgsi_lex.h"

static bool
is_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
hex_value(char c)
{
	if (is_digit(c)) {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

void
tgsi_lex_init(struct tgsi_lexer *lx, const char *text, size_t len)
{
	memset(lx, 0, sizeof(*lx));
	lx->p = text;
	lx->end = text + len;
	/* The wire text is NUL-terminated and padded: the first NUL ends it. */
	const char *nul = memchr(text, '\0', len);
	if (nul) {
		lx->end = nul;
	}
	lx->line = 1;
}

static void
skip_blanks(struct tgsi_lexer *lx)
{
	while (lx->p < lx->end) {
		char c = *lx->p;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
			lx->p++;
		} else if (c == '#') {
			while (lx->p < lx->end && *lx->p != '\n') {
				lx->p++;
			}
		} else {
			break;
		}
	}
}

static void
lex_word(struct tgsi_lexer *lx, struct tgsi_token *t)
{
	t->kind = TGSI_TOK_IDENT;
	while (lx->p < lx->end && (is_alpha(*lx->p) || is_digit(*lx->p))) {
		lx->p++;
	}
	t->len = (size_t)(lx->p - t->s);
}

static void
add_digit(struct tgsi_token *t, unsigned base, unsigned d)
{
	if (t->value > (UINT32_MAX - d) / base) {
		t->overflow = true;
		t->value = UINT32_MAX;
	} else {
		t->value = t->value * base + d;
	}
}

static void
lex_hex(struct tgsi_lexer *lx, struct tgsi_token *t)
{
	lx->p += 2;
	int n = 0;
	while (lx->p < lx->end && hex_value(*lx->p) >= 0) {
		add_digit(t, 16, (unsigned)hex_value(*lx->p));
		lx->p++;
		n++;
	}
	t->kind = n ? TGSI_TOK_INT : TGSI_TOK_BAD;
	t->len = (size_t)(lx->p - t->s);
}

/* Digits, then either a word (2D), a float (1.5e3) or an integer. */
static void
lex_number(struct tgsi_lexer *lx, struct tgsi_token *t)
{
	if (lx->end - lx->p > 2 && lx->p[0] == '0' && (lx->p[1] == 'x' || lx->p[1] == 'X') &&
	    hex_value(lx->p[2]) >= 0) {
		lex_hex(lx, t);
		return;
	}
	const char *q = lx->p;
	while (q < lx->end && is_digit(*q)) {
		q++;
	}
	if (q < lx->end && is_alpha(*q) && *q != 'e' && *q != 'E') {
		lex_word(lx, t);
		return;
	}
	bool is_float = false;
	if (q + 1 < lx->end && *q == '.' && is_digit(q[1])) {
		is_float = true;
		q++;
		while (q < lx->end && is_digit(*q)) {
			q++;
		}
	}
	if (is_float && q < lx->end && (*q == 'e' || *q == 'E')) {
		const char *e = q + 1;
		if (e < lx->end && (*e == '+' || *e == '-')) {
			e++;
		}
		if (e < lx->end && is_digit(*e)) {
			q = e;
			while (q < lx->end && is_digit(*q)) {
				q++;
			}
		}
	}
	if (is_float) {
		t->kind = TGSI_TOK_FLOAT;
		lx->p = q;
	} else {
		t->kind = TGSI_TOK_INT;
		while (lx->p < q) {
			add_digit(t, 10, (unsigned)(*lx->p - '0'));
			lx->p++;
		}
	}
	t->len = (size_t)(lx->p - t->s);
}

static struct tgsi_token
lex_one(struct tgsi_lexer *lx)
{
	struct tgsi_token t;
	memset(&t, 0, sizeof(t));
	skip_blanks(lx);
	t.line = lx->line;
	t.s = lx->p;
	if (lx->p >= lx->end) {
		t.kind = TGSI_TOK_EOF;
		return t;
	}
	char c = *lx->p;
	if (c == '\n') {
		t.kind = TGSI_TOK_NEWLINE;
		t.len = 1;
		lx->p++;
		lx->line++;
	} else if (is_alpha(c)) {
		lex_word(lx, &t);
	} else if (is_digit(c)) {
		lex_number(lx, &t);
	} else if (strchr("[].,:-+|(){}", c)) {
		t.kind = TGSI_TOK_PUNCT;
		t.punct = c;
		t.len = 1;
		lx->p++;
	} else {
		t.kind = TGSI_TOK_BAD;
		t.len = 1;
		lx->p++;
	}
	return t;
}

const struct tgsi_token *
tgsi_lex_peek(struct tgsi_lexer *lx)
{
	if (!lx->have_peek) {
		lx->peek = lex_one(lx);
		lx->have_peek = true;
	}
	return &lx->peek;
}

struct tgsi_token
tgsi_lex_next(struct tgsi_lexer *lx)
{
	if (lx->have_peek) {
		lx->have_peek = false;
		return lx->peek;
	}
	return lex_one(lx);
}

bool
tgsi_tok_is(const struct tgsi_token *t, const char *word)
{
	size_t n = strlen(word);
	return t->kind == TGSI_TOK_IDENT && t->len == n && memcmp(t->s, word, n) == 0;
}

bool
tgsi_tok_punct(const struct tgsi_token *t, char c)
{
	return t->kind == TGSI_TOK_PUNCT && t->punct == c;
}
