/*
 * Per-opcode / per-feature parse+emit tests on hand-written TGSI: each case
 * checks the GLSL contains the expected expressions and (when glslangValidator
 * is installed) that it validates.
 */
#include "shader_test_util.h"
#include "vgp_test.h"
#include "vr_shader.h"

static bool glslang;

#define FS_HEAD                                                           \
	"FRAG\n"                                                          \
	"DCL IN[0], GENERIC[0], PERSPECTIVE\n"                            \
	"DCL OUT[0], COLOR\n"                                             \
	"DCL CONST[0..3]\n"                                               \
	"DCL TEMP[0..7]\n"                                                \
	"DCL ADDR[0]\n"                                                   \
	"IMM[0] FLT32 {0x3f800000, 0x40000000, 0x00000000, 0xbf800000}\n" \
	"IMM[1] UINT32 {1, 2, 3, 4294967295}\n"                           \
	"IMM[2] INT32 {-1, 1, -2, 2}\n"

#define FS_TAIL "100: MOV OUT[0], TEMP[0]\n101: END\n"

/* Translates `text`; checks success, the `expect` substrings and the absence of `absent`. */
static void
run_absent(const char *name, const char *text, const struct vr_shader_key *key, const char *ext,
	   const char *const *expect, const char *const *absent)
{
	struct vr_shader_key def = {.nr_cbufs = 1};
	struct vr_shader_result r;
	bool ok = vr_shader_translate(text, strlen(text), key ? key : &def, &r);
	CHECK(ok, "%s: %s", name, r.error);
	if (!ok) {
		return;
	}
	for (int i = 0; expect && expect[i]; i++) {
		CHECK(strstr(r.glsl, expect[i]) != NULL, "%s: expected \"%s\" in:\n%s", name,
		      expect[i], r.glsl);
	}
	for (int i = 0; absent && absent[i]; i++) {
		CHECK(strstr(r.glsl, absent[i]) == NULL, "%s: unexpected \"%s\" in:\n%s", name,
		      absent[i], r.glsl);
	}
	if (glslang && strncmp(name, "nv-", 3) != 0) {
		CHECK(st_validate(r.glsl, r.glsl_len, ext, name), "%s: invalid GLSL", name);
	}
	vr_shader_result_finish(&r);
}

static void
run(const char *name, const char *text, const struct vr_shader_key *key, const char *ext,
    const char *const *expect)
{
	run_absent(name, text, key, ext, expect, NULL);
}

static void
run_fs(const char *name, const char *body, const char *const *expect)
{
	char text[4096];
	snprintf(text, sizeof(text), "%s%s%s", FS_HEAD, body, FS_TAIL);
	run(name, text, NULL, "frag", expect);
}

#define E(...) ((const char *const[]){__VA_ARGS__, NULL})

static void
test_alu(void)
{
	run_fs("add", "0: ADD TEMP[0], IN[0], IMM[0]\n",
	       E("pvgpu_generic0 + vec4(1.0, 2.0, 0.0, -1.0)"));
	run_fs("rcp-replicate", "0: RCP TEMP[0].xy, IN[0].yxxx\n",
	       E("vec2(1.0 / pvgpu_generic0.y)"));
	run_fs("dp3", "0: DP3 TEMP[0].x, IN[0], IN[0]\n",
	       E("dot(pvgpu_generic0.xyz, pvgpu_generic0.xyz)"));
	run_fs("dp4", "0: DP4 TEMP[0], IN[0], CONST[1]\n", E("vec4(dot(pvgpu_generic0, "));
	run_fs("slt", "0: SLT TEMP[0], IN[0], IMM[0]\n", E("vec4(lessThan("));
	run_fs("fslt-scalar", "0: FSLT TEMP[0].x, IN[0], IMM[0]\n",
	       E("uint(pvgpu_generic0.x < 1.0) * 0xffffffffu"));
	run_fs("ucmp", "0: UCMP TEMP[0].xy, TEMP[1], TEMP[2], TEMP[3]\n",
	       E("uvec2(((t1.x != 0u) ? t2.x : t3.x), ((t1.y != 0u) ? t2.y : t3.y))"));
	run_fs("cmp", "0: CMP TEMP[0], IN[0], IMM[0].xxxx, IMM[0].yyyy\n", E("< 0.0) ? 1.0 : 2.0"));
	run_fs("lrp", "0: LRP TEMP[0], IN[0], CONST[0], CONST[1]\n", E("mix("));
	run_fs("mov-sat", "0: MOV_SAT TEMP[0], IN[0]\n", E("clamp(pvgpu_generic0, 0.0, 1.0)"));
	run_fs("div-sat", "0: DIV_SAT TEMP[0].x, IN[0].xxxx, IMM[0].yyyy\n",
	       E("clamp(pvgpu_generic0.x / 2.0, 0.0, 1.0)"));
	run_fs("abs-neg", "0: MOV TEMP[0], -|IN[0].wzyx|\n", E("(-abs(pvgpu_generic0.wzyx))"));
	run_fs("mov-bits", "0: MOV TEMP[0], IMM[1]\n", E("t0 = uvec4(1u, 2u, 3u, 4294967295u);"));
	run_fs("int-imm", "0: IMAX TEMP[0], TEMP[1], IMM[2]\n", E("ivec4(-1, 1, -2, 2)"));
	run_fs("udiv", "0: UDIV TEMP[0].x, TEMP[1], TEMP[2]\n", E("0xffffffffu : t1.x / t2.x"));
	run_fs("umod-idiv-mod",
	       "0: UMOD TEMP[0], TEMP[1], TEMP[2]\n1: IDIV TEMP[1], TEMP[1], TEMP[2]\n"
	       "2: MOD TEMP[2], TEMP[1], TEMP[3]\n",
	       E("% t2.x", "int(t1.x) / int(t2.x)"));
	run_fs("shifts",
	       "0: SHL TEMP[0], TEMP[1], IMM[1]\n1: ISHR TEMP[1], TEMP[1], IMM[1]\n"
	       "2: USHR TEMP[2], TEMP[1], IMM[1].xxxx\n",
	       E("t1 << (uvec4(1u, 2u, 3u, 4294967295u) & 31u)", "ivec4(t1) >> ("));
	run_fs("bitops",
	       "0: AND TEMP[0], TEMP[1], TEMP[2]\n1: OR TEMP[1], TEMP[1], TEMP[2]\n"
	       "2: XOR TEMP[2], TEMP[1], TEMP[2]\n3: NOT TEMP[3], TEMP[1]\n",
	       E("t1 & t2", "t1 | t2", "t1 ^ t2", "~t1"));
	run_fs("int-arith",
	       "0: UADD TEMP[0], TEMP[1], -TEMP[2]\n1: UMUL TEMP[1], TEMP[1], TEMP[2]\n"
	       "2: UMAD TEMP[2], TEMP[1], TEMP[2], TEMP[3]\n3: INEG TEMP[3], TEMP[1]\n"
	       "4: IABS TEMP[4], TEMP[1]\n5: ISSG TEMP[5], TEMP[1]\n"
	       "6: UMIN TEMP[6], TEMP[1], TEMP[2]\n7: IMIN TEMP[7], TEMP[1], TEMP[2]\n",
	       E("t1 + (-t2)", "abs(ivec4(t1))", "sign(ivec4(t1))"));
	run_fs("compare-int",
	       "0: ISLT TEMP[0], TEMP[1], TEMP[2]\n1: ISGE TEMP[1], TEMP[1], TEMP[2]\n"
	       "2: USLT TEMP[2], TEMP[1], TEMP[2]\n3: USGE TEMP[3], TEMP[1], TEMP[2]\n"
	       "4: USEQ TEMP[4], TEMP[1], TEMP[2]\n5: USNE TEMP[5], TEMP[1], TEMP[2]\n"
	       "6: FSEQ TEMP[6], IN[0], IMM[0]\n7: FSNE TEMP[7], IN[0], IMM[0]\n",
	       E("lessThan(ivec4(t1), ivec4(t2))", "notEqual(t1, t2)"));
	run_fs("compare-float",
	       "0: SEQ TEMP[0], IN[0], IMM[0]\n1: SNE TEMP[1], IN[0], IMM[0]\n"
	       "2: SLE TEMP[2], IN[0], IMM[0]\n3: SGT TEMP[3], IN[0], IMM[0]\n"
	       "4: SGE TEMP[4], IN[0], IMM[0]\n5: FSGE TEMP[5], IN[0], IMM[0]\n",
	       E("vec4(equal(", "vec4(lessThanEqual("));
	run_fs("conv",
	       "0: I2F TEMP[0], TEMP[1]\n1: U2F TEMP[1], TEMP[1]\n2: F2I TEMP[2], IN[0]\n"
	       "3: F2U TEMP[3], IN[0]\n",
	       E("vec4(ivec4(t1))", "uvec4(pvgpu_generic0)", "ivec4(pvgpu_generic0)"));
	run_fs("math",
	       "0: FRC TEMP[0], IN[0]\n1: FLR TEMP[1], IN[0]\n2: CEIL TEMP[2], IN[0]\n"
	       "3: ROUND TEMP[3], IN[0]\n4: TRUNC TEMP[4], IN[0]\n5: SSG TEMP[5], IN[0]\n"
	       "6: RSQ TEMP[6].x, IN[0].xxxx\n7: EX2 TEMP[7], IN[0].wwww\n"
	       "8: LG2 TEMP[0].y, IN[0]\n9: POW TEMP[1].x, IN[0].xxxx, IN[0].yyyy\n"
	       "10: SIN TEMP[2], IN[0]\n11: COS TEMP[3], IN[0]\n12: SQRT TEMP[4], IN[0]\n"
	       "13: DP2 TEMP[5].x, IN[0], IN[0]\n14: MAD TEMP[6], IN[0], IN[0], IN[0]\n"
	       "15: FMA TEMP[7], IN[0], IN[0], IN[0]\n16: MIN TEMP[0], IN[0], IN[0]\n"
	       "17: MAX TEMP[0], IN[0], IN[0]\n18: DIV TEMP[0], IN[0], IN[0]\n"
	       "19: MUL TEMP[0], IN[0], IN[0]\n20: LDEXP TEMP[0], IN[0], TEMP[1]\n",
	       E("fract(", "roundEven(", "inversesqrt(pvgpu_generic0.x)",
		 "vec4(exp2(pvgpu_generic0.w))", "pow(pvgpu_generic0.x, pvgpu_generic0.y)"));
	run_fs("deriv",
	       "0: DDX TEMP[0], IN[0]\n1: DDY TEMP[1], IN[0]\n2: DDX_FINE TEMP[2], IN[0]\n"
	       "3: DDY_FINE TEMP[3], IN[0]\n",
	       E("dFdx(pvgpu_generic0)", "dFdy(pvgpu_generic0)"));
	run_fs("legacy",
	       "0: XPD TEMP[0], IN[0], CONST[0]\n1: DST TEMP[1], IN[0], CONST[0]\n"
	       "2: LIT TEMP[2], IN[0]\n3: EXP TEMP[3], IN[0]\n4: LOG TEMP[4], IN[0]\n",
	       E("cross(", "clamp(pvgpu_generic0.w, -128.0, 128.0)"));
	run_fs("bitfield",
	       "0: IBFE TEMP[0], TEMP[1], TEMP[2], TEMP[3]\n1: UBFE TEMP[1], TEMP[1], TEMP[2], "
	       "TEMP[3]\n2: BFI TEMP[2], TEMP[1], TEMP[2], TEMP[3], TEMP[4]\n"
	       "3: BREV TEMP[3], TEMP[1]\n4: POPC TEMP[4], TEMP[1]\n5: LSB TEMP[5], TEMP[1]\n"
	       "6: IMSB TEMP[6], TEMP[1]\n7: UMSB TEMP[7], TEMP[1]\n"
	       "8: UMUL_HI TEMP[0], TEMP[1], TEMP[2]\n9: IMUL_HI TEMP[1], TEMP[1], TEMP[2]\n",
	       E("int pvgpu_ibfe(int v", "pvgpu_ubfe(t1.x, t2.x, t3.x)", "uint pvgpu_popc(",
		 "int pvgpu_imsb(", "uint pvgpu_umul_hi("));
	run_fs("addr-const",
	       "0: UARL ADDR[0].x, TEMP[1].xxxx\n1: MOV TEMP[0], CONST[ADDR[0].x+2]\n",
	       E("addr0.x = int(t1.x);", "fs_c[clamp(addr0.x + (2), 0, 3)]"));
	run_fs("arl", "0: ARL ADDR[0].x, IN[0].xxxx\n1: MOV TEMP[0], CONST[ADDR[0].x-1]\n",
	       E("int(floor(pvgpu_generic0.x))", "addr0.x + (-1)"));
}

static void
test_arrays_and_ubos(void)
{
	run("temp-array",
	    "FRAG\nDCL OUT[0], COLOR\nDCL TEMP[0..2], ARRAY(1), LOCAL\nDCL TEMP[3..4]\n"
	    "DCL ADDR[0]\nIMM[0] UINT32 {1, 0, 0, 0}\n"
	    "0: MOV TEMP[1], IMM[0]\n1: UARL ADDR[0].x, IMM[0].xxxx\n"
	    "2: MOV TEMP[3], TEMP[ADDR[0].x+1](1)\n3: MOV TEMP[ADDR[0].x](1), TEMP[3]\n"
	    "4: MOV OUT[0], TEMP[3]\n5: END\n",
	    NULL, "frag",
	    E("uvec4 ta1[3];", "ta1[1] = uvec4(1u, 0u, 0u, 0u);", "ta1[clamp(addr0.x + (1), 0, 2)]",
	      "ta1[clamp(addr0.x + (0), 0, 2)] = t3;"));
	run("implicit-array",
	    "FRAG\nDCL OUT[0], COLOR\nDCL TEMP[0..3]\nDCL ADDR[0]\nIMM[0] UINT32 {1, 0, 0, 0}\n"
	    "0: UARL ADDR[0].x, IMM[0].xxxx\n1: MOV OUT[0], TEMP[ADDR[0].x+2]\n2: END\n",
	    NULL, "frag", E("ta1[clamp(addr0.x + (2), 0, 3)]"));
	run("ubo",
	    "FRAG\nDCL OUT[0], COLOR\nDCL CONST[1][0..3]\nDCL CONST[0]\nDCL ADDR[0]\n"
	    "DCL TEMP[0]\n0: UARL ADDR[0].x, CONST[0].xxxx\n"
	    "1: ADD TEMP[0], CONST[1][2], CONST[1][ADDR[0].x+1]\n2: MOV OUT[0], TEMP[0]\n3: END\n",
	    NULL, "frag",
	    E("layout(std140) uniform fs_ub1 {", "uvec4 fs_ub1_d[4];", "fs_ub1_d[2]",
	      "fs_ub1_d[clamp(addr0.x + (1), 0, 3)]"));
	run("imm-indirect",
	    "FRAG\nDCL OUT[0], COLOR\nDCL ADDR[0]\nDCL TEMP[0]\nIMM[0] UINT32 {1, 0, 0, 0}\n"
	    "IMM[1] FLT32 {0.5000, -1.0000, 2.0, 3}\n0: UARL ADDR[0].x, IMM[0].xxxx\n"
	    "1: MOV OUT[0], IMM[ADDR[0].x]\n2: END\n",
	    NULL, "frag",
	    E("const uvec4 pvgpu_imm[2]",
	      "uvec4(1056964608u, 3212836864u, 1073741824u, 1077936128u)"));
}

static void
test_textures(void)
{
	static const char *const head =
		"FRAG\nDCL IN[0], GENERIC[0], PERSPECTIVE\nDCL OUT[0], COLOR\n"
		"DCL TEMP[0..3]\nIMM[0] INT32 {1, -1, 0, 0}\nDCL SAMP[0]\n";
	struct {
		const char *name, *sview, *body, *expect[3];
	} cases[] = {
		{"tex2d",
		 "2D, FLOAT",
		 "TEX TEMP[0], IN[0].xyyy, SAMP[0], 2D",
		 {"uniform sampler2D fs_s0;", "texture(fs_s0, pvgpu_generic0.xy)"}},
		{"shadow2d",
		 "2D, FLOAT",
		 "TEX TEMP[0], IN[0], SAMP[0], SHADOW2D",
		 {"sampler2DShadow", "vec4(texture(fs_s0, pvgpu_generic0.xyz))"}},
		{"txb",
		 "2D, FLOAT",
		 "TXB TEMP[0], IN[0], SAMP[0], 2D",
		 {"texture(fs_s0, pvgpu_generic0.xy, pvgpu_generic0.w)"}},
		{"txl",
		 "3D, FLOAT",
		 "TXL TEMP[0], IN[0], SAMP[0], 3D",
		 {"textureLod(fs_s0, pvgpu_generic0.xyz, pvgpu_generic0.w)"}},
		{"txd",
		 "2D, FLOAT",
		 "TXD TEMP[0], IN[0], TEMP[1], TEMP[2], SAMP[0], 2D",
		 {"textureGrad(fs_s0, pvgpu_generic0.xy, uintBitsToFloat(t1.xy)"}},
		{"txp",
		 "2D, FLOAT",
		 "TXP TEMP[0], IN[0], SAMP[0], 2D",
		 {"textureProj(fs_s0, pvgpu_generic0)"}},
		{"txp-cube",
		 "CUBE, FLOAT",
		 "TXP TEMP[0], IN[0], SAMP[0], CUBE",
		 {"texture(fs_s0, ((pvgpu_generic0) / pvgpu_generic0.w).xyz)"}},
		{"txf-array",
		 "2D_ARRAY, FLOAT",
		 "TXF TEMP[0], TEMP[1], SAMP[0], 2D_ARRAY",
		 {"sampler2DArray", "texelFetch(fs_s0, ivec3(t1.xyz), int(t1.w))"}},
		{"txf-buffer",
		 "BUFFER, UINT",
		 "TXF TEMP[0], TEMP[1], SAMP[0], BUFFER",
		 {"usamplerBuffer", "texelFetch(fs_s0, int(t1.x))"}},
		{"txq",
		 "2D, FLOAT",
		 "TXQ TEMP[0].xy, TEMP[1], SAMP[0], 2D",
		 {"uvec2(ivec4(textureSize(fs_s0, int(t1.x)), 0, 1).xy)"}},
		/* nv-: glslang 12 lacks GL_ARB_texture_query_levels; host GL drivers have it. */
		{"nv-txq-levels",
		 "2D, FLOAT",
		 "TXQ TEMP[0], TEMP[1], SAMP[0], 2D",
		 {"#extension GL_ARB_texture_query_levels : require",
		  "ivec4(textureSize(fs_s0, int(t1.x)), 0, textureQueryLevels(fs_s0))"}},
		{"offset",
		 "2D, FLOAT",
		 "TEX TEMP[0], IN[0], SAMP[0], 2D, IMM[0].xyz",
		 {"textureOffset(fs_s0, pvgpu_generic0.xy, ivec2(1, -1))"}},
		{"sint",
		 "2D, SINT",
		 "TEX TEMP[0], IN[0], SAMP[0], 2D",
		 {"isampler2D", "t0 = uvec4(texture("}},
		{"1d-array-shadow",
		 "1D_ARRAY, FLOAT",
		 "TEX TEMP[0], IN[0], SAMP[0], SHADOW1D_ARRAY",
		 {"sampler1DArrayShadow", "pvgpu_generic0.xyz"}},
		{"2d-array-shadow",
		 "2D_ARRAY, FLOAT",
		 "TEX TEMP[0], IN[0], SAMP[0], SHADOW2D_ARRAY",
		 {"sampler2DArrayShadow", "texture(fs_s0, pvgpu_generic0)"}},
		{"cube-shadow",
		 "CUBE, FLOAT",
		 "TEX TEMP[0], IN[0], SAMP[0], SHADOWCUBE",
		 {"samplerCubeShadow"}},
		{"rect", "RECT, FLOAT", "TEX TEMP[0], IN[0], SAMP[0], RECT", {"sampler2DRect"}},
		{"cube-array",
		 "CUBE_ARRAY, FLOAT",
		 "TXL2 TEMP[0], IN[0], TEMP[1], SAMP[0], CUBE_ARRAY",
		 {"GL_ARB_texture_cube_map_array", "textureLod(fs_s0, pvgpu_generic0, "}},
		{"tex2",
		 "CUBE_ARRAY, FLOAT",
		 "TEX2 TEMP[0], IN[0], TEMP[1], SAMP[0], SHADOWCUBE_ARRAY",
		 {"samplerCubeArrayShadow",
		  "texture(fs_s0, pvgpu_generic0, uintBitsToFloat(t1.x))"}},
		{"txb2",
		 "CUBE_ARRAY, FLOAT",
		 "TXB2 TEMP[0], IN[0], TEMP[1], SAMP[0], CUBE_ARRAY",
		 {"texture(fs_s0, pvgpu_generic0, uintBitsToFloat(t1.x))"}},
		{"tg4",
		 "2D, FLOAT",
		 "TG4 TEMP[0], IN[0], IMM[0].xxxx, SAMP[0], 2D",
		 {"textureGather(fs_s0, pvgpu_generic0.xy, 1)", "#version 400 core\n"}},
		/* Component 0: ARB_texture_gather is enough (no component argument). */
		{"tg4-comp0",
		 "2D, FLOAT",
		 "TG4 TEMP[0], IN[0], IMM[0].zzzz, SAMP[0], 2D",
		 {"#extension GL_ARB_texture_gather : require",
		  "textureGather(fs_s0, pvgpu_generic0.xy))"}},
		{"tg4-offset",
		 "2D, FLOAT",
		 "TG4 TEMP[0], IN[0], IMM[0].zzzz, SAMP[0], 2D, IMM[0].xyz",
		 {"GL_ARB_texture_gather",
		  "textureGatherOffset(fs_s0, pvgpu_generic0.xy, ivec2(1, -1))"}},
		{"lodq",
		 "2D, FLOAT",
		 "LODQ TEMP[0], IN[0], SAMP[0], 2D",
		 {"textureQueryLod(fs_s0, pvgpu_generic0.xy)"}},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[2048];
		snprintf(text, sizeof(text),
			 "%sDCL SVIEW[0], %s\n0: %s\n1: MOV OUT[0], TEMP[0]\n2: END\n", head,
			 cases[i].sview, cases[i].body);
		run(cases[i].name, text, NULL, "frag", cases[i].expect);
	}
}

static void
test_control_flow(void)
{
	run_fs("if-else",
	       "0: FSLT TEMP[1].x, IN[0].xxxx, IMM[0].xxxx\n1: UIF TEMP[1].xxxx :3\n"
	       "2: MOV TEMP[0], IMM[0]\n3: ELSE :5\n4: KILL\n5: ENDIF\n"
	       "6: IF IN[0].yyyy :8\n7: KILL_IF -IN[0]\n8: ENDIF\n",
	       E("if (t1.x != 0u) {", "} else {", "discard;", "if (pvgpu_generic0.y != 0.0) {",
		 "if (any(lessThan((-pvgpu_generic0), vec4(0.0)))) {"));
	run_fs("loop",
	       "0: BGNLOOP :0\n1: UADD TEMP[1].x, TEMP[1].xxxx, IMM[1].xxxx\n"
	       "2: USGE TEMP[2].x, TEMP[1].xxxx, IMM[1].zzzz\n3: UIF TEMP[2].xxxx :5\n4: BRK\n"
	       "5: ENDIF\n6: CONT\n7: ENDLOOP :0\n",
	       E("while (true) {", "break;", "continue;"));
	run_fs("switch",
	       "0: SWITCH TEMP[1].xxxx\n1: CASE IMM[1].xxxx\n2: MOV TEMP[0], IMM[0]\n3: BRK\n"
	       "4: DEFAULT\n5: MOV TEMP[0], IMM[0].yyyy\n6: ENDSWITCH\n7: NOP\n",
	       E("switch (int(t1.x)) {", "case 1:", "default:"));
	run_fs("ret", "0: UIF TEMP[1].xxxx\n1: RET\n2: ENDIF\n",
	       E("pvgpu_write_outputs();\n\t\treturn;"));
}

static void
test_fs_conventions(void)
{
	const char *pos =
		"FRAG\nPROPERTY FS_COORD_ORIGIN LOWER_LEFT\n"
		"PROPERTY FS_COORD_PIXEL_CENTER INTEGER\n"
		"DCL IN[0], POSITION, LINEAR\nDCL IN[1], FACE, CONSTANT\nDCL OUT[0], COLOR\n"
		"0: ADD OUT[0], IN[0], IN[1].xxxx\n1: END\n";
	/* Origin/center properties are ignored: Mesa lowers them under our caps. */
	run("fragcoord", pos, NULL, "frag", E("= gl_FragCoord", "gl_FrontFacing ? 1.0 : -1.0"));
	struct vr_shader_key es = {.target = VR_GLSL_ES_300, .nr_cbufs = 1};
	run("fragcoord-es", pos, &es, "frag", E("= gl_FragCoord"));
	const char *color =
		"FRAG\nPROPERTY FS_COLOR0_WRITES_ALL_CBUFS 1\n"
		"DCL IN[0], COLOR, COLOR\nDCL IN[1], GENERIC[2], PERSPECTIVE, CENTROID\n"
		"DCL OUT[0], COLOR\n0: MUL OUT[0], IN[0], IN[1]\n1: END\n";
	struct vr_shader_key k = {.nr_cbufs = 3,
				  .flatshade = true,
				  .cbuf_int_mask = 2,
				  .alpha_test = true,
				  .alpha_func = 4,
				  .sprite_coord_enable = 4};
	run("color-all-cbufs", color, &k, "frag",
	    E("flat in vec4 pvgpu_color0;", "layout(location = 1) out ivec4 pvgpu_fragcolor1;",
	      "pvgpu_fragcolor2 = uintBitsToFloat(o0);", "uintBitsToFloat(o0.w) > pvgpu_alpha_ref",
	      "vec4(gl_PointCoord, 0.0, 1.0)"));
	run("depth-out",
	    "FRAG\nDCL OUT[0], POSITION\nDCL OUT[1], COLOR\nDCL SV[0], SAMPLEID\nIMM[0] FLT32 "
	    "{0.5, 0, 0, 0}\n"
	    "0: MOV OUT[0].z, IMM[0].xxxx\n1: MOV OUT[1], SV[0]\n2: END\n"
	    "",
	    NULL, "frag", NULL);
}

static void
test_vertex_and_geometry(void)
{
	const char *vs = "VERT\nPROPERTY NUM_CLIPDIST_ENABLED 2\nDCL IN[0]\nDCL IN[1]\n"
			 "DCL OUT[0], POSITION\nDCL OUT[1], GENERIC[5]\nDCL OUT[2], PSIZE\n"
			 "DCL OUT[3].xy, CLIPDIST[0]\nDCL SV[0], INSTANCEID\nDCL SV[1], VERTEXID\n"
			 "0: MOV OUT[0], IN[0]\n1: U2F OUT[1], SV[0]\n2: MOV OUT[2].x, IN[1].xxxx\n"
			 "3: MOV OUT[3].xy, IN[1]\n4: END\n";
	struct vr_shader_key k = {
		.clip_halfz = true, .out_flat = 1ull << 5, .clip_plane_enable = 3};
	run("vs", vs, &k, "vert",
	    E("layout(location = 1) in vec4 pvgpu_in1;", "flat out vec4 pvgpu_generic5;",
	      "gl_Position.z = gl_Position.z * 2.0 - gl_Position.w;",
	      "gl_Position.y *= pvgpu_winsys_adjust_y;", "gl_PointSize = uintBitsToFloat(o2.x);",
	      "gl_ClipDistance[1] = uintBitsToFloat(o3.y);", "uint(gl_InstanceID)"));
	struct vr_shader_key g = {.gs_follows = true};
	/* Not the last stage: distances pass to the GS whatever the enables. */
	run("vs-to-gs", vs, &g, "vert",
	    E("out vec4 pvgpu_gsin_generic5;", "gl_ClipDistance[1] = uintBitsToFloat(o3.y);"));
	const char *gs = "GEOM\nPROPERTY GS_INPUT_PRIMITIVE TRIANGLES\n"
			 "PROPERTY GS_OUTPUT_PRIMITIVE TRIANGLE_STRIP\n"
			 "PROPERTY GS_MAX_OUTPUT_VERTICES 3\nPROPERTY GS_INVOCATIONS 1\n"
			 "DCL IN[][0], POSITION\nDCL IN[][1], GENERIC[5]\nDCL OUT[0], POSITION\n"
			 "DCL OUT[1], GENERIC[5]\nDCL SV[0], PRIMID\nIMM[0] UINT32 {0, 0, 0, 0}\n"
			 "0: MOV OUT[0], IN[1][0]\n1: MOV OUT[1], IN[2][1]\n2: EMIT IMM[0].xxxx\n"
			 "3: ENDPRIM IMM[0].xxxx\n4: END\n";
	run("gs", gs, NULL, "geom",
	    E("layout(triangles) in;", "layout(triangle_strip, max_vertices = 3) out;",
	      "in vec4 pvgpu_gsin_generic5[];", "gl_in[1].gl_Position", "EmitVertex();",
	      "EndPrimitive();", "gl_PrimitiveIDIn"));
}

/* User clip planes: the last vertex stage computes gl_ClipDistance from the
 * clip vertex (else the position as written) unless it writes CLIPDIST. */
static void
test_user_clip_planes(void)
{
	const char *vs = "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\nDCL OUT[1], GENERIC[0]\n"
			 "0: MOV OUT[0], IN[0]\n1: MOV OUT[1], IN[0]\n2: END\n";
	struct vr_shader_key k = {.clip_plane_enable = 0x5, .clip_halfz = true};
	run_absent("ucp-position", vs, &k, "vert",
		   E("uniform vec4 pvgpu_clip_plane[8];", "out float gl_ClipDistance[3];",
		     "gl_ClipDistance[0] = dot(uintBitsToFloat(o0), pvgpu_clip_plane[0]);",
		     "gl_ClipDistance[2] = dot(uintBitsToFloat(o0), pvgpu_clip_plane[2]);"),
		   E("gl_ClipDistance[1]"));
	struct vr_shader_key none = {0};
	run_absent("ucp-off", vs, &none, "vert", NULL, E("gl_ClipDistance", "pvgpu_clip_plane"));
	struct vr_shader_key all = {.clip_plane_enable = 0xff};
	run("ucp-all", vs, &all, "vert",
	    E("out float gl_ClipDistance[8];",
	      "gl_ClipDistance[7] = dot(uintBitsToFloat(o0), pvgpu_clip_plane[7]);"));
	/* A GS follows: it clips, not the VS. */
	struct vr_shader_key to_gs = {.clip_plane_enable = 1, .gs_follows = true};
	run_absent("ucp-vs-to-gs", vs, &to_gs, "vert", NULL, E("gl_ClipDistance"));
	const char *gs = "GEOM\nPROPERTY GS_INPUT_PRIMITIVE POINTS\n"
			 "PROPERTY GS_OUTPUT_PRIMITIVE POINTS\nPROPERTY GS_MAX_OUTPUT_VERTICES 1\n"
			 "PROPERTY GS_INVOCATIONS 1\nDCL IN[][0], POSITION\nDCL OUT[0], POSITION\n"
			 "IMM[0] UINT32 {0, 0, 0, 0}\n0: MOV OUT[0], IN[0][0]\n"
			 "1: EMIT IMM[0].xxxx\n2: END\n";
	struct vr_shader_key g = {.clip_plane_enable = 2};
	run("ucp-gs", gs, &g, "geom",
	    E("gl_ClipDistance[1] = dot(uintBitsToFloat(o0), pvgpu_clip_plane[1]);"));
	/* CLIPVERTEX output: the planes apply to it. */
	const char *cv = "VERT\nDCL IN[0]\nDCL IN[1]\nDCL OUT[0], POSITION\n"
			 "DCL OUT[1], CLIPVERTEX\n0: MOV OUT[0], IN[0]\n1: MOV OUT[1], IN[1]\n"
			 "2: END\n";
	struct vr_shader_key one = {.clip_plane_enable = 1};
	run("ucp-clipvertex", cv, &one, "vert",
	    E("gl_ClipDistance[0] = dot(uintBitsToFloat(o1), pvgpu_clip_plane[0]);"));
	/* Own CLIPDIST outputs win over the planes. */
	const char *cd = "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\nDCL OUT[1].xy, CLIPDIST[0]\n"
			 "0: MOV OUT[0], IN[0]\n1: MOV OUT[1].xy, IN[0]\n2: END\n";
	run_absent(
		"ucp-clipdist", cd, &all, "vert",
		E("out float gl_ClipDistance[2];", "gl_ClipDistance[1] = uintBitsToFloat(o1.y);"),
		E("pvgpu_clip_plane"));
	/* Written distances whose enable bit is clear become 0 (never clipped). */
	run("ucp-clipdist-masked", cd, &one, "vert",
	    E("gl_ClipDistance[0] = uintBitsToFloat(o1.x);", "gl_ClipDistance[1] = 0.0;"));
	struct vr_shader_key es = {.target = VR_GLSL_ES_300, .clip_plane_enable = 1};
	run_absent("ucp-es", vs, &es, "vert", NULL, E("gl_ClipDistance"));
}

static void
test_info(void)
{
	const char *fs =
		"FRAG\nDCL IN[0].xy, GENERIC[3], PERSPECTIVE\nDCL OUT[0], COLOR\n"
		"DCL SAMP[2]\nDCL SVIEW[2], 2D_ARRAY, UINT\nDCL CONST[0..9]\n"
		"DCL CONST[3][0..1]\nDCL TEMP[0]\n"
		"0: TEX TEMP[0], IN[0], SAMP[2], 2D_ARRAY\n1: ADD OUT[0], CONST[9], CONST[3][1]\n"
		"2: END\n";
	struct vr_shader_result r;
	struct vr_shader_key k = {0};
	CHECK(vr_shader_translate(fs, strlen(fs), &k, &r), "%s", r.error);
	CHECK_EQ_U(r.info.stage, 1);
	CHECK_EQ_U(r.info.num_inputs, 1);
	CHECK_EQ_U(r.info.inputs[0].semantic, VR_SEM_GENERIC);
	CHECK_EQ_U(r.info.inputs[0].semantic_index, 3);
	CHECK_EQ_U(r.info.inputs[0].usage_mask, 3);
	CHECK_EQ_U(r.info.inputs[0].interp, VR_INTERP_PERSPECTIVE);
	CHECK(!strcmp(r.info.inputs[0].glsl_name, "pvgpu_generic3"), "%s",
	      r.info.inputs[0].glsl_name);
	CHECK(!strcmp(r.info.outputs[0].glsl_name, "pvgpu_fragcolor0"), "%s",
	      r.info.outputs[0].glsl_name);
	CHECK_EQ_U(r.info.const_vec4_count, 10);
	CHECK_EQ_U(r.info.ubo_mask, 1u << 3);
	CHECK_EQ_U(r.info.num_samplers, 1);
	CHECK_EQ_U(r.info.samplers[0].index, 2);
	CHECK_EQ_U(r.info.samplers[0].target, 7); /* PIPE_TEXTURE_2D_ARRAY */
	CHECK_EQ_U(r.info.samplers[0].return_type, 2);
	CHECK_EQ_U(r.info.sampler_mask, 4);
	vr_shader_result_finish(&r);

	/* The backend helper derives VS qualifiers from the FS interface. */
	const char *fs2 = "FRAG\nDCL IN[0], GENERIC[1], CONSTANT\nDCL IN[1], COLOR, COLOR\n"
			  "DCL OUT[0], COLOR\n0: ADD OUT[0], IN[0], IN[1]\n1: END\n";
	struct vr_shader_key fk = {.flatshade = true}, vk = {0};
	CHECK(vr_shader_translate(fs2, strlen(fs2), &fk, &r), "%s", r.error);
	vr_shader_key_set_next_stage(&vk, &r.info, &fk);
	CHECK_EQ_U(vk.out_flat, (1ull << 1) | (1ull << 40));
	vr_shader_result_finish(&r);
}

static void
test_es_restrictions(void)
{
	struct vr_shader_key es = {.target = VR_GLSL_ES_300, .nr_cbufs = 1};
	struct vr_shader_result r;
	const char *gs = "GEOM\nDCL OUT[0], POSITION\n0: END\n";
	CHECK(!vr_shader_translate(gs, strlen(gs), &es, &r), "GS accepted for ES");
	CHECK_CONTAINS(r.error, "line 1:");
	const char *s1d = "FRAG\nDCL OUT[0], COLOR\nDCL SAMP[0]\nDCL SVIEW[0], 1D, FLOAT\n"
			  "DCL TEMP[0]\n0: TEX TEMP[0], TEMP[0], SAMP[0], 1D\n1: END\n";
	CHECK(!vr_shader_translate(s1d, strlen(s1d), &es, &r), "sampler1D accepted for ES");
	CHECK_CONTAINS(r.error, "line 6:");
	run("es-basic", FS_HEAD "0: ADD TEMP[0], IN[0], IMM[0]\n" FS_TAIL, &es, "frag",
	    E("#version 300 es", "precision highp float;"));
}

/* GLSL 4.00 (ARB_gpu_shader5) interpolation functions and gl_SampleMaskIn: the
 * desktop target switches to #version 400 core; inputs that are not plain
 * varyings, other stages and the ES target are rejected with the line. */
static void
test_interp(void)
{
	run_fs("interp",
	       "0: INTERP_CENTROID TEMP[0].xy, IN[0].yxxx\n"
	       "1: INTERP_SAMPLE TEMP[1], -IN[0], CONST[1].yyyy\n"
	       "2: INTERP_OFFSET TEMP[2].z, |IN[0].wwww|, CONST[2].zwzw\n",
	       E("#version 400 core\n", "interpolateAtCentroid(pvgpu_generic0).yx",
		 "(-interpolateAtSample(pvgpu_generic0, int(fs_c[1].y)).xyzw)",
		 "abs(interpolateAtOffset(pvgpu_generic0, uintBitsToFloat(fs_c[2].zw)).w)"));
	run_absent("interp-none", FS_HEAD "0: ADD TEMP[0], IN[0], IMM[0]\n" FS_TAIL, NULL, "frag",
		   NULL, E("#version 400", "interpolateAt"));
	run("samplemask-in",
	    "FRAG\nDCL SV[0], SAMPLEMASK\nDCL OUT[0], COLOR\nDCL TEMP[0]\n"
	    "0: MOV TEMP[0], SV[0].xxxx\n1: MOV OUT[0], TEMP[0]\n2: END\n",
	    NULL, "frag", E("#version 400 core\n", "gl_SampleMaskIn[0]"));

	static const struct {
		const char *name, *text, *error;
	} bad[] = {
		{"interp of a TEMP", FS_HEAD "0: INTERP_CENTROID TEMP[0], TEMP[1]\n" FS_TAIL,
		 "line 10: INTERP_CENTROID needs a declared fragment shader input"},
		{"interp of POSITION",
		 "FRAG\nDCL IN[0], POSITION, LINEAR\nDCL OUT[0], COLOR\nDCL TEMP[0]\n"
		 "0: INTERP_SAMPLE TEMP[0], IN[0], IN[0].xxxx\n1: MOV OUT[0], TEMP[0]\n2: END\n",
		 "line 5: INTERP_SAMPLE of input semantic POSITION not supported"},
		{"interp in a VS",
		 "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\nDCL TEMP[0]\n"
		 "0: INTERP_CENTROID TEMP[0], IN[0]\n1: MOV OUT[0], TEMP[0]\n2: END\n",
		 "line 5: INTERP_CENTROID needs a declared fragment shader input"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vr_shader_key key = {.nr_cbufs = 1};
		struct vr_shader_result r;
		CHECK(!vr_shader_translate(bad[i].text, strlen(bad[i].text), &key, &r),
		      "%s accepted", bad[i].name);
		CHECK_CONTAINS(r.error, bad[i].error);
	}
	struct vr_shader_key es = {.target = VR_GLSL_ES_300, .nr_cbufs = 1};
	struct vr_shader_result r;
	const char *t = FS_HEAD "0: INTERP_OFFSET TEMP[0], IN[0], CONST[0]\n" FS_TAIL;
	CHECK(!vr_shader_translate(t, strlen(t), &es, &r), "interpolateAtOffset accepted for ES");
	CHECK_CONTAINS(r.error, "line 10: INTERP_OFFSET needs GLSL ES 3.20");
}

/* SAMP[ADDR+n] (GLSL 4.00 sampler arrays): a switch over the declared units from
 * n up, the last one also taking every other index. */
static void
test_indirect_sampler(void)
{
	const char *head = "FRAG\nDCL IN[0], GENERIC[0], PERSPECTIVE\nDCL OUT[0], COLOR\n"
			   "DCL SAMP[0]\nDCL SAMP[1]\nDCL SAMP[3]\nDCL SVIEW[0], 2D, FLOAT\n"
			   "DCL SVIEW[1], 2D, FLOAT\nDCL SVIEW[3], 2D, FLOAT\nDCL CONST[0]\n"
			   "DCL TEMP[0]\nDCL ADDR[0]\n";
	char text[1024];
	snprintf(text, sizeof(text),
		 "%s0: UARL ADDR[0].x, CONST[0].xxxx\n"
		 "1: TEX TEMP[0], IN[0], SAMP[ADDR[0].x+1], 2D\n2: MOV OUT[0], TEMP[0]\n3: END\n",
		 head);
	run_absent("samp-indirect", text, NULL, "frag",
		   E("switch (addr0.x + (1)) {", "case 1:\n\t\tt0 = floatBitsToUint(texture(fs_s1,",
		     "texture(fs_s1,", "case 3:\n\tdefault:\n", "texture(fs_s3,"),
		   E("case 0:", "case 2:", "texture(fs_s0"));

	static const struct {
		const char *inst, *error;
	} bad[] = {
		{"TEX TEMP[0], IN[0], SAMP[ADDR[0].x+4], 2D", "line 13: no sampler declared from "
							      "SAMP[4] up"},
		{"TEX TEMP[0], IN[0], SAMP[ADDR[0].x+32], 2D",
		 "line 13: indirect sampler base 32 out of range"},
		{"TEX TEMP[0], IN[0], SAMP[ADDR[0].x-1], 2D",
		 "line 13: indirect sampler base -1 out of range"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vr_shader_key key = {.nr_cbufs = 1};
		struct vr_shader_result r;
		snprintf(text, sizeof(text), "%s0: %s\n1: MOV OUT[0], TEMP[0]\n2: END\n", head,
			 bad[i].inst);
		CHECK(!vr_shader_translate(text, strlen(text), &key, &r), "%s accepted",
		      bad[i].inst);
		CHECK_CONTAINS(r.error, bad[i].error);
	}
}

int
main(int argc, char **argv)
{
	glslang = st_have_glslang();
	if (!glslang) {
		printf("skip: glslangValidator not installed; checking text only\n");
	}
	test_alu();
	test_arrays_and_ubos();
	test_textures();
	test_control_flow();
	test_fs_conventions();
	test_vertex_and_geometry();
	test_user_clip_planes();
	test_info();
	test_es_restrictions();
	test_interp();
	test_indirect_sampler();
	return vgp_test_result("shader-ops");
}
