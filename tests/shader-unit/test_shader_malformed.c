/*
 * Hostile TGSI text: every input must either translate or fail with a
 * "line N: ..." message; never crash, never read past the buffer (each input
 * is copied into an exactly-sized heap block so ASan sees overreads).
 * Usage: test-shader-malformed CORPUS_DIR
 */
#include <stdint.h>

#include "shader_test_util.h"
#include "vgp_test.h"
#include "vr_shader.h"

/* Translates a private copy of text[0..len); returns success. */
static bool
translate_copy(const char *text, size_t len, enum vr_glsl_target t, char *err, size_t err_size)
{
	char *copy = malloc(len ? len : 1);
	if (!copy) {
		return false;
	}
	memcpy(copy, text, len);
	struct vr_shader_key key = {.target = t, .nr_cbufs = 1};
	struct vr_shader_result r;
	bool ok = vr_shader_translate(copy, len, &key, &r);
	if (!ok && err) {
		snprintf(err, err_size, "%s", r.error);
	}
	if (ok) {
		CHECK(r.glsl && strlen(r.glsl) == r.glsl_len, "glsl length mismatch");
	} else {
		CHECK(!strncmp(r.error, "line ", 5), "error without a line: \"%s\"", r.error);
	}
	vr_shader_result_finish(&r);
	free(copy);
	return ok;
}

static void
expect_fail(const char *name, const char *text, const char *needle)
{
	char err[256] = "";
	bool ok = translate_copy(text, strlen(text), VR_GLSL_330_CORE, err, sizeof(err));
	CHECK(!ok, "%s: accepted", name);
	if (!ok && needle) {
		CHECK(strstr(err, needle) != NULL, "%s: error \"%s\" lacks \"%s\"", name, err,
		      needle);
	}
}

static void
test_truncation(const char *dir)
{
	static const char *const files[] = {"0a9c12425341.frag.tgsi", "4a072c08acc3.frag.tgsi",
					    "543bf8f4b026.vert.tgsi", "0809f7fecc80.frag.tgsi"};
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		char path[512];
		size_t len;
		snprintf(path, sizeof(path), "%s/%s", dir, files[f]);
		char *text = st_read_file(path, &len);
		CHECK(text != NULL, "cannot read %s", path);
		if (!text) {
			continue;
		}
		unsigned ok = 0;
		for (size_t cut = 0; cut <= len; cut++) {
			ok += translate_copy(text, cut, f % 2 ? VR_GLSL_ES_300 : VR_GLSL_330_CORE,
					     NULL, 0);
		}
		CHECK(translate_copy(text, len, VR_GLSL_330_CORE, NULL, 0), "%s: full text fails",
		      files[f]);
		printf("truncation %s: %zu cuts, %u translated\n", files[f], len + 1, ok);
		free(text);
	}
}

/* Deterministic xorshift so failures reproduce. */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void
test_mutations(const char *dir)
{
	char path[512];
	size_t len;
	snprintf(path, sizeof(path), "%s/%s", dir, "0a9c12425341.frag.tgsi");
	char *text = st_read_file(path, &len);
	if (!text) {
		CHECK(0, "cannot read %s", path);
		return;
	}
	static const char alphabet[] = "[].,:-|()0123456789xyzw \nTEMPADDRCONSTIMM_SAT";
	uint32_t seed = 12345;
	for (int i = 0; i < 3000; i++) {
		char *m = malloc(len);
		memcpy(m, text, len);
		for (int k = 0; k < 4; k++) {
			m[rnd(&seed) % len] = alphabet[rnd(&seed) % (sizeof(alphabet) - 1)];
		}
		translate_copy(m, len, (i & 1) ? VR_GLSL_ES_300 : VR_GLSL_330_CORE, NULL, 0);
		free(m);
	}
	free(text);
}

static void
test_garbage(void)
{
	size_t len = 10u << 20;
	char *g = malloc(len);
	uint32_t seed = 0xdeadbeef;
	for (size_t i = 0; i < len; i++) {
		g[i] = (char)(rnd(&seed) & 0xff);
	}
	CHECK(!translate_copy(g, len, VR_GLSL_330_CORE, NULL, 0), "random bytes accepted");
	/* Plausible tokens in bulk: 10 MB of one repeated instruction without END. */
	const char *head = "FRAG\nDCL TEMP[0]\n";
	memcpy(g, head, strlen(head));
	size_t i = strlen(head);
	for (; i + 21 < len; i += 21) {
		memcpy(g + i, "MOV TEMP[0], TEMP[0]\n", 21);
	}
	memset(g + i, '\n', len - i);
	char err[256] = "";
	CHECK(!translate_copy(g, len, VR_GLSL_330_CORE, err, sizeof(err)),
	      "10 MB of MOVs accepted");
	CHECK(strstr(err, "too many instructions") != NULL, "10 MB of MOVs: %s", err);
	free(g);
}

static char *
repeat(const char *head, const char *line, int n, const char *tail)
{
	size_t hl = strlen(head), ll = strlen(line), tl = strlen(tail);
	char *s = malloc(hl + ll * (size_t)n + tl + 1);
	memcpy(s, head, hl);
	for (int i = 0; i < n; i++) {
		memcpy(s + hl + ll * (size_t)i, line, ll);
	}
	memcpy(s + hl + ll * (size_t)n, tail, tl + 1);
	return s;
}

static void
test_limits(void)
{
	char *s = repeat("FRAG\n", "BGNLOOP\n", 1000, "END\n");
	expect_fail("nesting-1000", s, "nested deeper");
	free(s);
	s = repeat("FRAG\n", "UIF IMM[0].xxxx\n", 65, "END\n");
	expect_fail("nesting-65", s, "nested deeper");
	free(s);
	s = repeat("FRAG\n", "NOP\n", 16385, "END\n");
	expect_fail("too-many-instructions", s, "too many instructions");
	free(s);
	s = repeat("FRAG\n", "IMM[0] UINT32 {0, 0, 0, 0}\n", 2, "END\n");
	expect_fail("imm-out-of-order", s, "out of order");
	free(s);
	/* 1025 immediates, numbered properly. */
	size_t cap = 1100 * 48;
	s = malloc(cap);
	size_t n = (size_t)snprintf(s, cap, "FRAG\n");
	for (int i = 0; i < 1025; i++) {
		n += (size_t)snprintf(s + n, cap - n, "IMM[%d] UINT32 {0, 0, 0, 0}\n", i);
	}
	snprintf(s + n, cap - n, "END\n");
	expect_fail("too-many-immediates", s, "immediate index");
	free(s);
}

static void
test_bad_text(void)
{
	expect_fail("empty", "", "processor header");
	expect_fail("no-header", "DCL TEMP[0]\nEND\n", "line 1:");
	expect_fail("missing-end", "FRAG\nDCL TEMP[0]\n", "missing END");
	expect_fail("after-end", "FRAG\nEND\nNOP\n", "line 3: text after END");
	expect_fail("unknown-opcode", "FRAG\nDCL TEMP[0]\n  0: FROB TEMP[0], TEMP[0]\nEND\n",
		    "line 3: unknown opcode");
	expect_fail("huge-index", "FRAG\nDCL TEMP[99999999999999999999]\nEND\n", "line 2:");
	expect_fail("temp-cap", "FRAG\nDCL TEMP[0..4096]\nEND\n", "too large");
	expect_fail("in-cap", "FRAG\nDCL IN[64], GENERIC[0]\nEND\n", "too large");
	expect_fail("undeclared", "FRAG\nDCL TEMP[0]\n0: MOV TEMP[0], TEMP[7]\nEND\n",
		    "line 3: TEMP[7] not declared");
	expect_fail("huge-src-index", "FRAG\nDCL TEMP[0]\n0: MOV TEMP[0], TEMP[2147483647]\nEND\n",
		    "not declared");
	expect_fail("index-overflow", "FRAG\nDCL TEMP[0]\n0: MOV TEMP[0], TEMP[2147483648]\nEND\n",
		    "out of range");
	expect_fail("bad-swizzle-5", "FRAG\nDCL TEMP[0]\n0: MOV TEMP[0], TEMP[0].xyzwx\nEND\n",
		    "swizzle");
	expect_fail("bad-swizzle-q", "FRAG\nDCL TEMP[0]\n0: MOV TEMP[0], TEMP[0].q\nEND\n",
		    "swizzle");
	expect_fail("bad-swizzle-empty", "FRAG\nDCL TEMP[0]\n0: MOV TEMP[0], TEMP[0].\nEND\n",
		    "swizzle");
	expect_fail("bad-mask", "FRAG\nDCL TEMP[0]\n0: MOV TEMP[0].xx, TEMP[0]\nEND\n", "mask");
	expect_fail("uint-overflow", "FRAG\nIMM[0] UINT32 {4294967296, 0, 0, 0}\nEND\n", "line 2:");
	expect_fail("int-overflow", "FRAG\nIMM[0] INT32 {2147483648, 0, 0, 0}\nEND\n", "INT32");
	expect_fail("imm-5-values", "FRAG\nIMM[0] UINT32 {1, 2, 3, 4, 5}\nEND\n", "line 2:");
	expect_fail("imm-unterminated", "FRAG\nIMM[0] UINT32 {1, 2", "line 2:");
	expect_fail("dcl-unterminated", "FRAG\nDCL TEMP[0", "line 2:");
	expect_fail("op-unterminated", "FRAG\nDCL TEMP[0]\n0: MOV TEMP[0],", "line 3:");
	expect_fail("else-without-if", "FRAG\nELSE\nEND\n", "ELSE without IF");
	expect_fail("brk-outside", "FRAG\nBRK\nEND\n", "BRK outside");
	expect_fail("unclosed-if", "FRAG\nDCL TEMP[0]\nUIF TEMP[0].xxxx\nEND\n", "open block");
	expect_fail("write-const", "FRAG\nDCL CONST[0]\n0: MOV CONST[0], CONST[0]\nEND\n",
		    "cannot write");
	expect_fail(
		"indirect-offset",
		"FRAG\nDCL TEMP[0]\nDCL ADDR[0]\n0: MOV TEMP[0], TEMP[ADDR[0].x+99999999]\nEND\n",
		"out of range");
	expect_fail("addr-undeclared",
		    "FRAG\nDCL TEMP[0..3]\n0: MOV TEMP[0], TEMP[ADDR[0].x]\nEND\n", "not declared");
	expect_fail("tex-no-samp", "FRAG\nDCL TEMP[0]\n0: TEX TEMP[0], TEMP[0], TEMP[0], 2D\nEND\n",
		    "SAMP");
	expect_fail("tex-no-target",
		    "FRAG\nDCL TEMP[0]\nDCL SAMP[0]\n0: TEX TEMP[0], TEMP[0], SAMP[0]\nEND\n",
		    "line 4:");
	expect_fail("dup-decl", "FRAG\nDCL TEMP[0..3]\nDCL TEMP[2]\nEND\n", "declared twice");
	expect_fail("unknown-property", "FRAG\nPROPERTY BOGUS 1\nEND\n", "PROPERTY");
	expect_fail("gs-vertices", "GEOM\nPROPERTY GS_MAX_OUTPUT_VERTICES 100000\nEND\n",
		    "out of range");
	expect_fail("tess-stage", "TESS_CTRL\nEND\n", "not supported");
	expect_fail("bad-byte", "FRAG\n\x01\nEND\n", "line 2:");
	/* Text after a NUL is ignored (the wire pads with NULs). */
	static const char nul[] =
		"FRAG\nDCL OUT[0], COLOR\nDCL TEMP[0]\n0: MOV OUT[0], TEMP[0]\nEND\n"
		"\0garbage garbage";
	CHECK(translate_copy(nul, sizeof(nul) - 1, VR_GLSL_330_CORE, NULL, 0), "NUL-padded text");
	/* No trailing newline is fine. */
	const char *nonl = "FRAG\nDCL OUT[0], COLOR\nDCL TEMP[0]\nMOV OUT[0], TEMP[0]\nEND";
	CHECK(translate_copy(nonl, strlen(nonl), VR_GLSL_330_CORE, NULL, 0), "no trailing newline");
}

/* CVE-2017-6209 / -5580 class: over-long identifiers, numbers and lines are
 * refused or truncated without writing past any fixed-size buffer. */
static void
test_long_tokens(void)
{
	size_t n = 200000;
	char *id = malloc(n + 1);
	memset(id, 'A', n);
	id[n] = '\0';
	static const char *const shapes[] = {
		"FRAG\nDCL IN[0], %s\nEND\n",              /* semantic name */
		"FRAG\nDCL TEMP[0]\n0: %s TEMP[0]\nEND\n", /* opcode */
		"FRAG\nPROPERTY %s 1\nEND\n",              /* property name */
		"%s\nEND\n",                               /* processor header */
		"FRAG\nDCL TEMP[0]\n0: TEX TEMP[0], TEMP[0], SAMP[0], %s\nEND\n",
		"FRAG\nDCL %s[0]\nEND\n", /* register file */
	};
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		size_t cap = n + 128;
		char *text = malloc(cap);
		snprintf(text, cap, shapes[i], id);
		char name[32];
		snprintf(name, sizeof(name), "long-token-%zu", i);
		expect_fail(name, text, "line ");
		free(text);
	}
	/* A 200000-digit register index and immediate. */
	memset(id, '9', n);
	char *text = malloc(n + 64);
	snprintf(text, n + 64, "FRAG\nDCL TEMP[%s]\nEND\n", id);
	expect_fail("long-index", text, "line 2:");
	snprintf(text, n + 64, "FRAG\nIMM[0] FLT32 {%s, 0, 0, 0}\nEND\n", id);
	char err[256] = "";
	translate_copy(text, strlen(text), VR_GLSL_330_CORE, err, sizeof(err)); /* either way */
	free(text);
	free(id);
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	test_bad_text();
	test_limits();
	test_long_tokens();
	test_garbage();
	test_truncation(argv[1]);
	test_mutations(argv[1]);
	return vgp_test_result("shader-malformed");
}
