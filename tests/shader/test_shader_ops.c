/*
 * pvgpu shader tests — per-opcode render tests for the TGSI → GLSL translator.
 *
 * Each row of `rows` is one opcode (or construct): a TGSI snippet, an input
 * set and a CPU reference. The snippet is wrapped into a complete shader the
 * way Mesa's nir_to_tgsi writes them (numbered instructions, labels), the
 * translated program renders into a small FBO and the read-back pixels are
 * compared with the CPU result:
 *   float rows   RGBA32F target, |got - want| <= tol * max(1, |want|),
 *                tol = 1e-5 unless the row states more (transcendentals 1e-4);
 *   integer rows RGBA32UI target (key.cbuf_uint_mask = 1), bit-exact.
 *
 * Snippet language: `%A %B %C %D` are the inputs (FS: CONST[0..3]; VS rows:
 * IN[1..4] vertex attributes), the result goes to TEMP[0]. A line starting
 * with `*` is repeated for x, y, z, w with `$c` = that component and `$r` =
 * its replicated swizzle (for scalar opcodes). Labels of UIF/IF/ELSE and
 * BGNLOOP/ENDLOOP are filled in like tgsi_dump prints them.
 *
 * Usage: test_shader_ops [-v] [--dump] [ROW-NAME-SUBSTRING]
 *   -v      print TGSI and GLSL of every row
 *   --dump  only print the generated TGSI (VS and FS) of the rows, no GL needed
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shader_gl.h"
#include "vgp_test.h"
#include "vr_shader.h"

#define SENTINEL 0xdeadbeefu /* what a killed fragment leaves in the target */
#define MAX_CASES 6
#define ARR_LAYERS 3 /* T_ARRAY layers */
#define CUBE_SIZE 2  /* T_CUBE face size */
#define TEX_SIZE 4   /* texture is TEX_SIZE^2 with levels 4x4, 2x2, 1x1 */

enum kind {
	K_FLOAT = 0, /* RGBA32F, tolerance */
	K_UINT,      /* RGBA32UI, exact */
};

enum mode {
	M_FS = 0, /* fragment shader, inputs in CONST[0..3], 1x1 target */
	M_VS,     /* vertex shader, inputs in IN[1..4], result through a flat GENERIC */
	M_TEX,    /* fragment shader + 4x4 quad with IN[0] = texcoord, texture of row.tex */
	M_GS,     /* VS + GS + FS, 4x4 quad: the snippet runs in the GS (IN[v][0] position,
		     IN[v][1] texcoord, SV[0] PRIMID, CONST[0..3]); TEMP[0] goes to every
		     vertex's GENERIC[0], which the FS reads flat */
};

/*
 * M_TEX textures, each on its own unit (= the enum value) and sampled through
 * SAMP[0]/SVIEW[0] declared with `sview`. All but T_2D have one level,
 * nearest filtering, clamp to edge.
 */
enum texkind {
	T_2D = 0, /* RGBA32F 4x4 with levels 4x4, 2x2, 1x1: texel() */
	T_SHADOW, /* DEPTH_COMPONENT32F 4x4, compare LEQUAL: depth_texel() */
	T_ARRAY,  /* RGBA32F 4x4, ARR_LAYERS layers: texel3() */
	T_CUBE,   /* RGBA32F CUBE_SIZE^2 per face, each face one colour: cube_texel() */
	T_1D,     /* RGBA32F 4 wide: texel3() */
	T_3D,     /* RGBA32F 4x4x4: texel3() */
	T_COUNT,
};

struct opin {
	uint32_t v[4][4]; /* a, b, c, d */
	float u, t;       /* M_TEX: the pixel's texture coordinate */
};

struct input_set {
	unsigned count;
	struct opin cases[MAX_CASES];
};

typedef void (*cpu_fn)(const struct opin *in, uint32_t out[4]);

struct row {
	const char *name;
	enum kind kind;
	enum mode mode;
	const struct input_set *inputs;
	cpu_fn cpu;
	const char *body;
	const char *decls; /* extra declarations, NULL for none */
	float tol;         /* K_FLOAT: 0 = 1e-5 */
	bool optional;     /* construct Mesa does not emit under our caps: a translation
			      failure is reported, not failed */
	enum texkind tex;  /* M_TEX: the texture SAMP[0] samples */
};

/* ------------------------------------------------------------ helpers */

static float
F(uint32_t u)
{
	float f;
	memcpy(&f, &u, 4);
	return f;
}

static uint32_t
U(float f)
{
	uint32_t u;
	memcpy(&u, &f, 4);
	return u;
}

#define A(i) ((double)F(in->v[0][i]))
#define B(i) ((double)F(in->v[1][i]))
#define C(i) ((double)F(in->v[2][i]))
#define IA(i) ((int32_t)in->v[0][i])
#define IB(i) ((int32_t)in->v[1][i])
#define UA(i) (in->v[0][i])
#define UB(i) (in->v[1][i])
#define UC(i) (in->v[2][i])

/* Component-wise float op: out[i] = expr (in double, rounded to float). */
#define FOP(fname, expr)                                          \
	static void fname(const struct opin *in, uint32_t out[4]) \
	{                                                         \
		for (int i = 0; i < 4; i++) {                     \
			out[i] = U((float)(expr));                \
		}                                                 \
	}
/* Component-wise integer op: out[i] = expr (uint32_t arithmetic unless cast). */
#define IOP(fname, expr)                                          \
	static void fname(const struct opin *in, uint32_t out[4]) \
	{                                                         \
		for (int i = 0; i < 4; i++) {                     \
			out[i] = (uint32_t)(expr);                \
		}                                                 \
	}

static double
sgn(double x)
{
	return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0;
}

static double
round_even(double x)
{
	return nearbyint(x); /* default rounding mode: to nearest even */
}

FOP(cpu_mov, A(i))
FOP(cpu_add, A(i) + B(i))
FOP(cpu_mul, A(i) * B(i))
FOP(cpu_mad, A(i) * B(i) + C(i))
FOP(cpu_dp2, A(0) * B(0) + A(1) * B(1))
FOP(cpu_dp3, A(0) * B(0) + A(1) * B(1) + A(2) * B(2))
FOP(cpu_dp4, A(0) * B(0) + A(1) * B(1) + A(2) * B(2) + A(3) * B(3))
FOP(cpu_min, fmin(A(i), B(i)))
FOP(cpu_max, fmax(A(i), B(i)))
FOP(cpu_rcp, 1.0 / A(i))
FOP(cpu_rsq, 1.0 / sqrt(A(i)))
FOP(cpu_sqrt, sqrt(A(i)))
FOP(cpu_ex2, exp2(A(i)))
FOP(cpu_lg2, log2(A(i)))
FOP(cpu_pow, pow(A(i), B(i)))
FOP(cpu_sin, sin(A(i)))
FOP(cpu_cos, cos(A(i)))
FOP(cpu_flr, floor(A(i)))
FOP(cpu_frc, A(i) - floor(A(i)))
FOP(cpu_ceil, ceil(A(i)))
FOP(cpu_round, round_even(A(i)))
FOP(cpu_trunc, trunc(A(i)))
FOP(cpu_abs, fabs(A(i)))
FOP(cpu_ssg, sgn(A(i)))
FOP(cpu_cmp, A(i) < 0 ? B(i) : C(i))
FOP(cpu_lrp, A(i) * B(i) + (1.0 - A(i)) * C(i))
FOP(cpu_slt, A(i) < B(i) ? 1.0 : 0.0)
FOP(cpu_sge, A(i) >= B(i) ? 1.0 : 0.0)
FOP(cpu_seq, A(i) == B(i) ? 1.0 : 0.0)
FOP(cpu_sne, A(i) != B(i) ? 1.0 : 0.0)
FOP(cpu_neg_abs, -fabs(A(i)) + B(i))
FOP(cpu_sat, fmin(fmax(A(i) + B(i), 0.0), 1.0))
FOP(cpu_i2f, (double)IA(i))
FOP(cpu_u2f, (double)UA(i))
FOP(cpu_fslt_and, A(i) < B(i) ? 1.0 : 0.0)

IOP(cpu_movu, UA(i))
IOP(cpu_fslt, A(i) < B(i) ? ~0u : 0u)
IOP(cpu_fsge, A(i) >= B(i) ? ~0u : 0u)
IOP(cpu_fseq, A(i) == B(i) ? ~0u : 0u)
IOP(cpu_fsne, A(i) != B(i) ? ~0u : 0u)
IOP(cpu_fseq_ucmp, A(i) == B(i) ? UA(i) : UC(i))
IOP(cpu_ucmp, UA(i) ? UB(i) : UC(i))
IOP(cpu_iadd, UA(i) + UB(i))
IOP(cpu_umul, UA(i) * UB(i))
IOP(cpu_imax, IA(i) > IB(i) ? UA(i) : UB(i))
IOP(cpu_imin, IA(i) < IB(i) ? UA(i) : UB(i))
IOP(cpu_umax, UA(i) > UB(i) ? UA(i) : UB(i))
IOP(cpu_umin, UA(i) < UB(i) ? UA(i) : UB(i))
IOP(cpu_ineg, 0u - UA(i))
IOP(cpu_iabs, IA(i) < 0 ? 0u - UA(i) : UA(i))

static uint32_t
bfi_mask(uint32_t off, uint32_t bits)
{
	return bits >= 32u ? ~0u : ((1u << bits) - 1u) << (off & 31u);
}

/* GLSL 4.00 / ARB_gpu_shader5 integer built-ins as nir_to_tgsi sends them (glsl_level
 * 400): bitfieldExtract (width 32 = the whole word), bitfieldInsert, bitfieldReverse,
 * bitCount, findLSB/findMSB, [iu]mulExtended's high word. */
static uint32_t
ref_ubfe(uint32_t v, uint32_t off, uint32_t bits)
{
	off &= 31u;
	if (bits == 0) {
		return 0;
	}
	if (bits < 32u - off) {
		return (v >> off) & ((1u << bits) - 1u);
	}
	return v >> off;
}

static uint32_t
ref_ibfe(uint32_t v, uint32_t off, uint32_t bits)
{
	off &= 31u;
	if (bits == 0) {
		return 0;
	}
	if (bits < 32u - off) {
		uint32_t f = (v >> off) & ((1u << bits) - 1u);
		uint32_t sign = 1u << (bits - 1);
		return (f ^ sign) - sign;
	}
	/* arithmetic shift of a negative value, without implementation-defined >> */
	return (v & 0x80000000u) ? ~(~v >> off) : v >> off;
}

static uint32_t
ref_brev(uint32_t v)
{
	uint32_t r = 0;
	for (int b = 0; b < 32; b++) {
		r |= ((v >> b) & 1u) << (31 - b);
	}
	return r;
}

static uint32_t
ref_umsb(uint32_t v)
{
	int r = -1;
	for (int b = 0; b < 32; b++) {
		r = (v >> b) & 1u ? b : r;
	}
	return (uint32_t)r;
}

static uint32_t
ref_lsb(uint32_t v)
{
	for (int b = 0; b < 32; b++) {
		if ((v >> b) & 1u) {
			return (uint32_t)b;
		}
	}
	return ~0u;
}

IOP(cpu_ubfe, ref_ubfe(UA(i), UB(i), UC(i)))
IOP(cpu_ibfe, ref_ibfe(UA(i), UB(i), UC(i)))
IOP(cpu_bfi, (((UB(i) << (UC(i) & 31u)) & bfi_mask(UC(i), in->v[3][i])) |
	      (UA(i) & ~bfi_mask(UC(i), in->v[3][i]))))
IOP(cpu_brev, ref_brev(UA(i)))
IOP(cpu_popc, __builtin_popcount(UA(i)))
IOP(cpu_lsb, ref_lsb(UA(i)))
IOP(cpu_umsb, ref_umsb(UA(i)))
IOP(cpu_imsb, ref_umsb(IA(i) < 0 ? ~UA(i) : UA(i)))
IOP(cpu_umul_hi, ((uint64_t)UA(i) * UB(i)) >> 32)
IOP(cpu_imul_hi, (uint64_t)((int64_t)IA(i) * IB(i)) >> 32)
IOP(cpu_ishr, (uint32_t)(IA(i) >> (UB(i) & 31)))
IOP(cpu_ushr, UA(i) >> (UB(i) & 31))
IOP(cpu_shl, UA(i) << (UB(i) & 31))
IOP(cpu_and, UA(i) & UB(i))
IOP(cpu_or, UA(i) | UB(i))
IOP(cpu_xor, UA(i) ^ UB(i))
IOP(cpu_not, ~UA(i))
IOP(cpu_udiv, UA(i) / UB(i))
IOP(cpu_umod, UA(i) % UB(i))
IOP(cpu_idiv, (uint32_t)(IA(i) / IB(i)))
IOP(cpu_f2i, (uint32_t)(int32_t)F(UA(i)))
IOP(cpu_f2u, (uint32_t)F(UA(i)))
IOP(cpu_islt, IA(i) < IB(i) ? ~0u : 0u)
IOP(cpu_usge, UA(i) >= UB(i) ? ~0u : 0u)
IOP(cpu_useq, UA(i) == UB(i) ? ~0u : 0u)

/* UIF/ELSE/ENDIF on each lane's a: x,y with ELSE, z,w without. */
IOP(cpu_uif, UA(i) ? UB(i) : (i < 2 ? UC(i) : 0u))
FOP(cpu_if, A(i) != 0.0 ? B(i) : C(i))

/* Loop: n = a.x iterations; x = n * b.x, y = 0 + 1 + .. + n-1, z = w = n. */
static void
cpu_loop(const struct opin *in, uint32_t out[4])
{
	uint32_t n = UA(0);
	out[0] = n * UB(0);
	out[1] = n ? n * (n - 1) / 2 : 0;
	out[2] = out[3] = n;
}

/* Loop with CONT: sums the odd i below n into x; y counts iterations. */
static void
cpu_loop_cont(const struct opin *in, uint32_t out[4])
{
	uint32_t n = UA(0), sum = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (i & 1) {
			sum += i;
		}
	}
	out[0] = sum;
	out[1] = n;
	out[2] = out[3] = 0;
}

/* Nested loops: x = a.x * a.y inner iterations. */
static void
cpu_nested(const struct opin *in, uint32_t out[4])
{
	out[0] = UA(0) * UA(1);
	out[1] = out[2] = out[3] = 0;
}

static void
cpu_switch(const struct opin *in, uint32_t out[4])
{
	uint32_t s = UA(0);
	out[0] = s == 1 ? 10 : (s == 2 || s == 3) ? 20 : 30;
	out[1] = out[2] = out[3] = 0;
}

static void
cpu_kill_if(const struct opin *in, uint32_t out[4])
{
	bool kill = A(0) < 0 || A(1) < 0 || A(2) < 0 || A(3) < 0;
	for (int i = 0; i < 4; i++) {
		out[i] = kill ? SENTINEL : 1u;
	}
}

static void
cpu_kill(const struct opin *in, uint32_t out[4])
{
	for (int i = 0; i < 4; i++) {
		out[i] = UA(0) ? SENTINEL : 1u;
	}
}

/* out.lane = array[a.lane] where array[k] = splat(b[k]) */
IOP(cpu_uarl_temp, in->v[1][UA(i) & 3])
/* array[k] = splat(b[k]); array[a.x] = c; out = (array[0].x, array[1].y, array[2].z, array[3].w) */
static void
cpu_uarl_store(const struct opin *in, uint32_t out[4])
{
	for (int i = 0; i < 4; i++) {
		out[i] = (UA(0) & 3) == (uint32_t)i ? UC(i) : UB(i);
	}
}
/* out.lane = CONST[1 + a.lane].lane */
IOP(cpu_uarl_const, in->v[1 + (UA(i) < 3 ? UA(i) : 0)][i])

/* Texture: texel value at (level, x, y) = (100 l + 10 y + x, -that, 0.5, 1). */
static void
texel(unsigned level, int x, int y, uint32_t out[4])
{
	int size = TEX_SIZE >> level;
	x = x < 0 ? 0 : x >= size ? size - 1 : x;
	y = y < 0 ? 0 : y >= size ? size - 1 : y;
	float v = (float)(100 * (int)level + 10 * y + x);
	out[0] = U(v);
	out[1] = U(-v);
	out[2] = U(0.5f);
	out[3] = U(1.0f);
}

static void
sample_nearest(double s, double t, unsigned level, uint32_t out[4])
{
	int size = TEX_SIZE >> level;
	texel(level, (int)floor(s * size), (int)floor(t * size), out);
}

/* TEX at the interpolated coordinate (one texel per pixel: lod 0). */
static void
cpu_tex(const struct opin *in, uint32_t out[4])
{
	sample_nearest(in->u, in->t, 0, out);
}

/* INTERP_*: the texture coordinate varying is u = (x + 0.5) / 4, t = (y + 0.5) / 4,
 * so interpolating at a pixel offset (a.x, a.y) adds a / 4; the target has one
 * sample, whose position (and the centroid) is the pixel centre. */
static void
cpu_interp_centre(const struct opin *in, uint32_t out[4])
{
	out[0] = U(in->u);
	out[1] = U(in->t);
	out[2] = out[3] = 0;
}

static void
cpu_interp_sample(const struct opin *in, uint32_t out[4])
{
	out[0] = U(in->t);
	out[1] = U(in->u);
	out[2] = out[3] = 0;
}

static void
cpu_interp_offset(const struct opin *in, uint32_t out[4])
{
	out[0] = U((float)(in->u + A(0) / TEX_SIZE));
	out[1] = U((float)(in->t + A(1) / TEX_SIZE));
	out[2] = out[3] = 0;
}

/* TXB with bias a.x (coord.w) on top of lod 0; TXL with lod a.x. */
static void
cpu_txb(const struct opin *in, uint32_t out[4])
{
	double lod = A(0);
	unsigned level = lod < 0.5 ? 0 : lod < 1.5 ? 1 : 2; /* NEAREST_MIPMAP_NEAREST */
	sample_nearest(in->u, in->t, level, out);
}

/* TXF at integer (a.x, a.y) of level a.w. */
static void
cpu_txf(const struct opin *in, uint32_t out[4])
{
	texel(UA(3), IA(0), IA(1), out);
}

/* TXQ of level a.x: (width, height) as integers; TXQ.w: number of levels. */
static void
cpu_txq(const struct opin *in, uint32_t out[4])
{
	out[0] = out[1] = TEX_SIZE >> UA(0);
	out[2] = out[3] = 0;
}

static void
cpu_txq_levels(const struct opin *in, uint32_t out[4])
{
	out[0] = out[1] = out[2] = 0;
	out[3] = 3;
}

/* TXD with ddx = (a.x, a.y), ddy = (b.x, b.y): lod = log2(max length * size). */
static void
cpu_txd(const struct opin *in, uint32_t out[4])
{
	double g = fmax(hypot(A(0), A(1)), hypot(B(0), B(1)));
	double lod = log2(g * TEX_SIZE);
	unsigned level = lod < 0.5 ? 0 : lod < 1.5 ? 1 : 2;
	sample_nearest(in->u, in->t, level, out);
}

/* TEX with texel offset (1, -1) (IMM[3].xy); clamp to edge. */
static void
cpu_tex_offset(const struct opin *in, uint32_t out[4])
{
	texel(0, (int)floor(in->u * TEX_SIZE) + 1, (int)floor(in->t * TEX_SIZE) - 1, out);
}

/*
 * TG4 at (u + a.x, t + a.y) plus texel offset (ox, oy): GL's 2x2 footprint with
 * (i0, j0) = floor(coord * size - 0.5), returned as (i0,j1), (i1,j1), (i1,j0),
 * (i0,j0); clamp to edge. set_gather nudges the pixel-centre coordinate so that
 * floor() is not taken of an exact integer.
 */
static void
gather(const struct opin *in, unsigned comp, int ox, int oy, uint32_t out[4])
{
	static const int di[4] = {0, 1, 1, 0}, dj[4] = {1, 1, 0, 0};
	int i0 = (int)floor((in->u + A(0)) * TEX_SIZE - 0.5) + ox;
	int j0 = (int)floor((in->t + A(1)) * TEX_SIZE - 0.5) + oy;
	for (int k = 0; k < 4; k++) {
		uint32_t t[4];
		texel(0, i0 + di[k], j0 + dj[k], t);
		out[k] = t[comp];
	}
}

static void
cpu_tg4_x(const struct opin *in, uint32_t out[4])
{
	gather(in, 0, 0, 0, out);
}

static void
cpu_tg4_y(const struct opin *in, uint32_t out[4])
{
	gather(in, 1, 0, 0, out);
}

static void
cpu_tg4_offset(const struct opin *in, uint32_t out[4])
{
	gather(in, 0, 1, -1, out);
}

/* TXF with texel offset (1, -1); the inputs keep the result inside the level. */
static void
cpu_txf_offset(const struct opin *in, uint32_t out[4])
{
	texel(UA(3), IA(0) + 1, IA(1) - 1, out);
}

static int
clampi(int v, int n)
{
	return v < 0 ? 0 : v >= n ? n - 1 : v;
}

/* T_SHADOW depth at (x, y): (4 y + x + 0.5) / 16, exact in float. */
static double
depth_texel(int x, int y)
{
	return (4.0 * clampi(y, 4) + clampi(x, 4) + 0.5) / 16.0;
}

/* Shadow compare LEQUAL: 1 where ref a.x <= depth, replicated to all channels. */
static void
cpu_shadow(const struct opin *in, uint32_t out[4])
{
	double d = depth_texel((int)floor(in->u * 4), (int)floor(in->t * 4));
	for (int i = 0; i < 4; i++) {
		out[i] = U(A(0) <= d ? 1.0f : 0.0f);
	}
}

/* Texel of T_ARRAY / T_1D / T_3D: v = base + 100 z + 10 y + x -> (v, -v, 0.5, 1). */
static void
texel3(unsigned base, int x, int y, int z, uint32_t out[4])
{
	float v = (float)((int)base + 100 * z + 10 * y + x);
	out[0] = U(v);
	out[1] = U(-v);
	out[2] = U(0.5f);
	out[3] = U(1.0f);
}

/* 2D array: layer = clamp(floor(a.x + 0.5), 0, layers - 1) (GL's layer rounding). */
static void
cpu_array(const struct opin *in, uint32_t out[4])
{
	int layer = clampi((int)floor(A(0) + 0.5), ARR_LAYERS);
	texel3(1000, (int)floor(in->u * 4), (int)floor(in->t * 4), layer, out);
}

static void
cpu_1d(const struct opin *in, uint32_t out[4])
{
	texel3(3000, (int)floor(in->u * 4), 0, 0, out);
}

/* 3D: r = a.x. */
static void
cpu_3d(const struct opin *in, uint32_t out[4])
{
	texel3(2000, (int)floor(in->u * 4), (int)floor(in->t * 4), clampi((int)floor(A(0) * 4), 4),
	       out);
}

/* Cube face f (GL order +X -X +Y -Y +Z -Z) is one colour: (f + 1, 10 (f + 1), 0.25, 1). */
static void
cube_texel(unsigned face, uint32_t out[4])
{
	out[0] = U((float)(face + 1));
	out[1] = U((float)(10 * (face + 1)));
	out[2] = U(0.25f);
	out[3] = U(1.0f);
}

/* Direction a.xyz: the face of the major axis. */
static void
cpu_cube(const struct opin *in, uint32_t out[4])
{
	double x = A(0), y = A(1), z = A(2);
	unsigned face;
	if (fabs(x) >= fabs(y) && fabs(x) >= fabs(z)) {
		face = x >= 0 ? 0 : 1;
	} else if (fabs(y) >= fabs(z)) {
		face = y >= 0 ? 2 : 3;
	} else {
		face = z >= 0 ? 4 : 5;
	}
	cube_texel(face, out);
}

/* TXQ.xyz of level 0: (width, height, depth or layers), .w preset to 0 */
static void
cpu_txq_array(const struct opin *in, uint32_t out[4])
{
	(void)in;
	out[0] = out[1] = 4;
	out[2] = ARR_LAYERS;
	out[3] = 0;
}

static void
cpu_txq_3d(const struct opin *in, uint32_t out[4])
{
	(void)in;
	out[0] = out[1] = out[2] = 4;
	out[3] = 0;
}

static void
cpu_txq_cube(const struct opin *in, uint32_t out[4])
{
	(void)in;
	out[0] = out[1] = CUBE_SIZE;
	out[2] = out[3] = 0;
}

/* DDX/DDY of (u a.x, t a.y, u a.z, t a.w): u and t step 1/4 per pixel in x, y. */
FOP(cpu_ddx, i == 0 || i == 2 ? A(i) / TEX_SIZE : 0.0)
FOP(cpu_ddy, i == 1 || i == 3 ? A(i) / TEX_SIZE : 0.0)

/*
 * GS: the quad's strip is triangle 0 (u + t < 1) and triangle 1; pixel centres
 * on the shared diagonal belong to triangle 1 (it is that triangle's left edge).
 * x = PRIMID, y = a.y, z = sum of the triangle's three texcoord u, w = a.w.
 */
static void
cpu_gs(const struct opin *in, uint32_t out[4])
{
	bool second = in->u + in->t >= 1.0;
	out[0] = U(second ? 1.0f : 0.0f);
	out[1] = U((float)A(1));
	out[2] = U(second ? 2.0f : 1.0f);
	out[3] = U((float)A(3));
}

/* ------------------------------------------------------------ inputs */

#define V4(a, b, c, d)                                                     \
	{                                                                  \
		(uint32_t)(a), (uint32_t)(b), (uint32_t)(c), (uint32_t)(d) \
	}

/* Float inputs are written as floats and converted to bits in main(). */
static const float float_src[][4][4] = {
	{{1.75f, -2.25f, 0.0f, 100.0f}, {0.5f, 3.0f, -1.0f, -0.125f}, {2.0f, -0.75f, 0.3f, 7.0f}},
	{{-0.7f, 3.3f, -11.6f, 0.001f}, {-0.7f, 2.0f, 4.5f, 1000.0f}, {1.0f, 1.0f, -2.5f, 0.25f}},
	{{2.7f, -2.7f, 0.4f, -0.4f}, {2.7f, -3.0f, 0.4f, 0.0f}, {-1.0f, 0.5f, 0.25f, 9.0f}},
	{{0.0f, -0.0f, 5.0f, -5.0f}, {0.0f, 0.0f, -5.0f, 5.0f}, {3.0f, 4.0f, 5.0f, 6.0f}},
};
static const float pos_src[][4][4] = {
	{{0.25f, 2.0f, 100.0f, 1.0f}, {0.5f, 3.0f, -1.0f, 2.5f}},
	{{7.5f, 0.01f, 3.0f, 1024.0f}, {2.0f, 0.5f, 1.5f, -0.5f}},
};
static const float kill_src[][4][4] = {
	{{1, 2, 3, 4}},
	{{1, -2, 3, 4}},
	{{0, 0, 0, -0.001f}},
	{{0, 0, 0, 0}},
};
static const float if_src[][4][4] = {
	{{1.0f, 0.0f, -0.5f, 0.0f}, {10, 20, 30, 40}, {-1, -2, -3, -4}},
	{{0.0f, 2.0f, 0.0f, 1e-3f}, {10, 20, 30, 40}, {-1, -2, -3, -4}},
};
static const float lod_src[][4][4] = {{{0, 0, 0, 0}}, {{1, 0, 0, 0}}, {{2, 0, 0, 0}}};
/* TXP: a.x = q (the coordinate is multiplied by q, TXP divides it back) */
static const float proj_src[][4][4] = {
	{{1, 0, 0, 0}}, {{2, 0, 0, 0}}, {{0.5f, 0, 0, 0}}, {{3, 0, 0, 0}}};
/* TXD: ddx = a.xy, ddy = b.xy in texcoord units; 4x4 level 0, so lod = log2(4 g) */
static const float grad_src[][4][4] = {
	{{0.25f, 0, 0, 0}, {0, 0.25f, 0, 0}}, /* lod 0 */
	{{0.5f, 0, 0, 0}, {0, 0.125f, 0, 0}}, /* lod 1 (max of the two) */
	{{0, 0.25f, 0, 0}, {1.0f, 0, 0, 0}},  /* lod 2 */
	{{0.1f, 0, 0, 0}, {0, 0.05f, 0, 0}},  /* lod < 0: level 0 */
};
/* shadow: a.x = reference, a.y = q for TXP; 0.28125 = depth of texel (0, 1) exactly */
static const float shadow_src[][4][4] = {
	{{0.3f, 2, 0, 0}}, {{0.7f, 0.5f, 0, 0}}, {{0.28125f, 4, 0, 0}},
	{{0, 1, 0, 0}},    {{1, 2, 0, 0}},
};
/* 2D array: a.x = layer (rounded, clamped to 0..2) */
static const float layer_src[][4][4] = {{{0, 0, 0, 0}},    {{1, 0, 0, 0}}, {{2, 0, 0, 0}},
					{{1.4f, 0, 0, 0}}, {{7, 0, 0, 0}}, {{-3, 0, 0, 0}}};
/* 3D: a.x = r */
static const float r_src[][4][4] = {
	{{0.1f, 0, 0, 0}}, {{0.3f, 0, 0, 0}}, {{0.6f, 0, 0, 0}}, {{0.95f, 0, 0, 0}}};
/* cube: a.xyz = direction (+X, -Y twice, -X, +Y, +Z / -Z) */
static const float cube_src[][4][4] = {
	{{1, 0.3f, -0.2f, 0}}, {{0.2f, -1, 0.4f, 0}},    {{-0.5f, -2, 0.9f, 0}},
	{{-3, 1, 2, 0}},       {{0.1f, 0.5f, -0.2f, 0}}, {{0.1f, 0.2f, -0.9f, 0}},
};
/* DDX/DDY: the ramp scales */
static const float ramp_src[][4][4] = {{{1, 1, 1, 1}}, {{2, -3, 0.5f, 100}}};
/* GS: a.y and a.w pass through */
static const float gs_src[][4][4] = {{{0, 5, 0, -7.5f}}, {{0, 0.25f, 0, 1e6f}}};

static struct input_set set_float, set_pos, set_kill, set_iff, set_lod, set_proj, set_grad,
	set_shadow, set_layer, set_r, set_cube, set_ramp, set_gs;

static void
float_set(struct input_set *s, const float (*src)[4][4], unsigned n)
{
	s->count = n;
	for (unsigned c = 0; c < n; c++) {
		for (int v = 0; v < 4; v++) {
			for (int i = 0; i < 4; i++) {
				s->cases[c].v[v][i] = U(src[c][v][i]);
			}
		}
	}
}

static const struct input_set set_int = {
	3,
	{
		{{V4(7, -3, 0x7fffffff, 0x80000000), V4(3, 5, -2, -1), V4(1, 2, 3, 4)}},
		{{V4(0, 123456789, -123456789, 1), V4(1, 987, 65536, -7), V4(-1, 0, 0x8000, 5)}},
		{{V4(0xdeadbeef, 0x12345678, 42, -42), V4(0xdeadbeef, 0x87654321, -42, -42),
		  V4(9, 8, 7, 6)}},
	}};
/* value, offset, width: widths 0, 1 (sign), 32 (whole word), offset + width = 32 */
static const struct input_set set_bitfield = {
	4,
	{
		{{V4(0xdeadbeef, 0x7fffffff, 0x000f0000, 1), V4(0, 32, 16, 0), V4(32, 0, 4, 1)}},
		{{V4(0xbeefcafe, 0x0001c000, 0x80000000, 0x12345678), V4(4, 14, 31, 28),
		  V4(8, 3, 1, 4)}},
		{{V4(0x8badf00d, 0xffffffff, 0x0000f000, 0x00038000), V4(0, 1, 12, 15),
		  V4(32, 31, 4, 3)}},
		{{V4(0x12345678, 0x87654321, 0x55555555, 0), V4(8, 4, 0, 0), V4(24, 28, 16, 32)}},
	}};
/* base, insert, offset, width (offset + width <= 32 as GLSL defines) */
static const struct input_set set_bfi = {
	3,
	{
		{{V4(0xffffffff, 0, 0x12345678, 0xdeadbeef), V4(0, 0xffffffff, 0xabcd, 0x5),
		  V4(0, 4, 8, 28), V4(32, 8, 16, 4)}},
		{{V4(0x0f0f0f0f, 0xf0f0f0f0, 7, 0x80000000), V4(0x3, 0x1, 0xffff, 0x1),
		  V4(30, 31, 16, 0), V4(2, 1, 0, 1)}},
		{{V4(0, 0xaaaaaaaa, 0x11111111, 0x22222222), V4(0x7fffffff, 0x55555555, 9, 0xf),
		  V4(1, 0, 12, 20), V4(31, 32, 4, 12)}},
	}};
static const struct input_set set_div = {
	3,
	{
		{{V4(7, 100, 0xffffffff, 12345), V4(3, 7, 2, 1)}},
		{{V4(-7, 7, -7, 0x80000000), V4(2, -2, -2, 3)}},
		{{V4(0, 1000000, 5, 0x7fffffff), V4(5, 1000, 5, 0x10000)}},
	}};
static const struct input_set set_shift = {
	2,
	{
		{{V4(1, 0x80000000, 0xdeadbeef, -16), V4(0, 31, 4, 2)}},
		{{V4(0x12345678, -1, 5, 0xffff0000), V4(8, 1, 30, 16)}},
	}};
static const struct input_set set_shift_big = {
	1,
	{
		{{V4(1, 0x80000001, 0xdeadbeef, 3), V4(32, 33, 36, 63)}},
	}};
static const struct input_set set_ucmp = {
	2,
	{
		{{V4(0, 1, 0xffffffff, 0x80000000), V4(10, 20, 30, 40), V4(-1, -2, -3, -4)}},
		{{V4(0, 0, 7, 0), V4(10, 20, 30, 40), V4(-1, -2, -3, -4)}},
	}};
static const struct input_set set_uif = {
	2,
	{
		{{V4(1, 0, 0xffffffff, 0), V4(10, 20, 30, 40), V4(-1, -2, -3, -4)}},
		{{V4(0, 5, 0, 1), V4(10, 20, 30, 40), V4(-1, -2, -3, -4)}},
	}};
static const struct input_set set_loop = {4,
					  {
						  {{V4(0, 0, 0, 0), V4(3, 0, 0, 0)}},
						  {{V4(1, 0, 0, 0), V4(7, 0, 0, 0)}},
						  {{V4(5, 0, 0, 0), V4(2, 0, 0, 0)}},
						  {{V4(10, 0, 0, 0), V4(1000, 0, 0, 0)}},
					  }};
static const struct input_set set_nested = {3,
					    {
						    {{V4(0, 4, 0, 0)}},
						    {{V4(3, 4, 0, 0)}},
						    {{V4(5, 1, 0, 0)}},
					    }};
static const struct input_set set_switch = {5,
					    {
						    {{V4(0, 0, 0, 0)}},
						    {{V4(1, 0, 0, 0)}},
						    {{V4(2, 0, 0, 0)}},
						    {{V4(3, 0, 0, 0)}},
						    {{V4(77, 0, 0, 0)}},
					    }};
static const struct input_set set_kill_u = {2, {{{V4(0, 0, 0, 0)}}, {{V4(1, 0, 0, 0)}}}};
static const struct input_set set_index = {
	3,
	{
		{{V4(0, 1, 2, 3), V4(11, 22, 33, 44), V4(-5, -6, -7, -8), V4(100, 200, 300, 400)}},
		{{V4(3, 2, 1, 0), V4(11, 22, 33, 44), V4(-5, -6, -7, -8), V4(100, 200, 300, 400)}},
		{{V4(2, 2, 0, 1), V4(11, 22, 33, 44), V4(-5, -6, -7, -8), V4(100, 200, 300, 400)}},
	}};
/* CONST[1 + a] must stay inside the declared CONST[0..3] */
static const struct input_set set_index3 = {
	2,
	{
		{{V4(0, 1, 2, 2), V4(11, 22, 33, 44), V4(-5, -6, -7, -8), V4(100, 200, 300, 400)}},
		{{V4(2, 0, 1, 0), V4(11, 22, 33, 44), V4(-5, -6, -7, -8), V4(100, 200, 300, 400)}},
	}};
static const struct input_set set_txf = {4,
					 {
						 {{V4(0, 0, 0, 0)}},
						 {{V4(3, 2, 0, 0)}},
						 {{V4(1, 1, 0, 1)}},
						 {{V4(0, 0, 0, 2)}},
					 }};
static const struct input_set set_txq = {
	3, {{{V4(0, 0, 0, 0)}}, {{V4(1, 0, 0, 0)}}, {{V4(2, 0, 0, 0)}}}};
static const struct input_set set_one = {1, {{{V4(0, 0, 0, 0)}}}};
/* INTERP_OFFSET pixel offsets: multiples of 1/16 inside [-0.5, 0.4375] */
static const struct input_set set_interp_off = {
	2,
	{
		{{V4(0x3e800000, 0xbec00000, 0, 0)}}, /* (0.25, -0.375) */
		{{V4(0xbf000000, 0x3ee00000, 0, 0)}}, /* (-0.5, 0.4375) */
	}};
/* TG4: (0.03, 0.03) added to the texture coordinate */
static const struct input_set set_gather = {1, {{{V4(0x3cf5c28f, 0x3cf5c28f, 0, 0)}}}};
/* TXF + offset (1, -1): (x, y, -, level) with (x + 1, y - 1) inside the level */
static const struct input_set set_txf_off = {4,
					     {
						     {{V4(0, 1, 0, 0)}},
						     {{V4(2, 3, 0, 0)}},
						     {{V4(1, 2, 0, 0)}},
						     {{V4(0, 1, 0, 1)}},
					     }};

/* ------------------------------------------------------------ the table */

#define SCALAR(op) "*" op " TEMP[0].$c, %A.$r"

static const struct row rows[] = {
	/* float arithmetic */
	{"MOV", K_FLOAT, M_FS, &set_float, cpu_mov, "MOV TEMP[0], %A"},
	{"ADD", K_FLOAT, M_FS, &set_float, cpu_add, "ADD TEMP[0], %A, %B"},
	{"MUL", K_FLOAT, M_FS, &set_float, cpu_mul, "MUL TEMP[0], %A, %B"},
	{"MAD", K_FLOAT, M_FS, &set_float, cpu_mad, "MAD TEMP[0], %A, %B, %C"},
	{"DP2", K_FLOAT, M_FS, &set_float, cpu_dp2, "DP2 TEMP[0], %A, %B"},
	{"DP3", K_FLOAT, M_FS, &set_float, cpu_dp3, "DP3 TEMP[0], %A, %B"},
	{"DP4", K_FLOAT, M_FS, &set_float, cpu_dp4, "DP4 TEMP[0], %A, %B"},
	{"MIN", K_FLOAT, M_FS, &set_float, cpu_min, "MIN TEMP[0], %A, %B"},
	{"MAX", K_FLOAT, M_FS, &set_float, cpu_max, "MAX TEMP[0], %A, %B"},
	{"RCP", K_FLOAT, M_FS, &set_pos, cpu_rcp, SCALAR("RCP")},
	{"RSQ", K_FLOAT, M_FS, &set_pos, cpu_rsq, SCALAR("RSQ"), NULL, 1e-4f},
	{"SQRT", K_FLOAT, M_FS, &set_pos, cpu_sqrt, SCALAR("SQRT"), NULL, 1e-4f},
	{"EX2", K_FLOAT, M_FS, &set_float, cpu_ex2, SCALAR("EX2"), NULL, 1e-4f},
	{"LG2", K_FLOAT, M_FS, &set_pos, cpu_lg2, SCALAR("LG2"), NULL, 1e-4f},
	{"POW", K_FLOAT, M_FS, &set_pos, cpu_pow, "*POW TEMP[0].$c, %A.$r, %B.$r", NULL, 1e-4f},
	{"SIN", K_FLOAT, M_FS, &set_float, cpu_sin, SCALAR("SIN"), NULL, 1e-4f},
	{"COS", K_FLOAT, M_FS, &set_float, cpu_cos, SCALAR("COS"), NULL, 1e-4f},
	{"FLR", K_FLOAT, M_FS, &set_float, cpu_flr, "FLR TEMP[0], %A"},
	{"FRC", K_FLOAT, M_FS, &set_float, cpu_frc, "FRC TEMP[0], %A"},
	{"CEIL", K_FLOAT, M_FS, &set_float, cpu_ceil, "CEIL TEMP[0], %A"},
	{"ROUND", K_FLOAT, M_FS, &set_float, cpu_round, "ROUND TEMP[0], %A"},
	{"TRUNC", K_FLOAT, M_FS, &set_float, cpu_trunc, "TRUNC TEMP[0], %A"},
	{"MOV |a| (abs modifier)", K_FLOAT, M_FS, &set_float, cpu_abs, "MOV TEMP[0], |%A|"},
	{"ABS (legacy opcode)", K_FLOAT, M_FS, &set_float, cpu_abs, "ABS TEMP[0], %A", NULL, 0,
	 true},
	{"SSG", K_FLOAT, M_FS, &set_float, cpu_ssg, "SSG TEMP[0], %A"},
	{"CMP", K_FLOAT, M_FS, &set_float, cpu_cmp, "CMP TEMP[0], %A, %B, %C"},
	{"LRP", K_FLOAT, M_FS, &set_float, cpu_lrp, "LRP TEMP[0], %A, %B, %C"},
	{"SLT", K_FLOAT, M_FS, &set_float, cpu_slt, "SLT TEMP[0], %A, %B"},
	{"SGE", K_FLOAT, M_FS, &set_float, cpu_sge, "SGE TEMP[0], %A, %B"},
	{"SEQ", K_FLOAT, M_FS, &set_float, cpu_seq, "SEQ TEMP[0], %A, %B"},
	{"SNE", K_FLOAT, M_FS, &set_float, cpu_sne, "SNE TEMP[0], %A, %B"},
	{"ADD -|a|+b", K_FLOAT, M_FS, &set_float, cpu_neg_abs, "ADD TEMP[0], -|%A|, %B"},
	{"ADD_SAT", K_FLOAT, M_FS, &set_float, cpu_sat, "ADD_SAT TEMP[0], %A, %B"},
	/* float compares with integer results, as nir_to_tgsi uses them */
	{"FSLT", K_UINT, M_FS, &set_float, cpu_fslt, "FSLT TEMP[0], %A, %B"},
	{"FSGE", K_UINT, M_FS, &set_float, cpu_fsge, "FSGE TEMP[0], %A, %B"},
	{"FSEQ", K_UINT, M_FS, &set_float, cpu_fseq, "FSEQ TEMP[0], %A, %B"},
	{"FSNE", K_UINT, M_FS, &set_float, cpu_fsne, "FSNE TEMP[0], %A, %B"},
	{"FSLT+AND (b2f)", K_FLOAT, M_FS, &set_float, cpu_fslt_and,
	 "FSLT TEMP[1], %A, %B\nAND TEMP[0], TEMP[1], IMM[0].zzzz"},
	{"FSEQ+UCMP", K_UINT, M_FS, &set_float, cpu_fseq_ucmp,
	 "FSEQ TEMP[1], %A, %B\nUCMP TEMP[0], TEMP[1], %A, %C"},
	{"UCMP", K_UINT, M_FS, &set_ucmp, cpu_ucmp, "UCMP TEMP[0], %A, %B, %C"},
	/* integer */
	{"MOV (uint target)", K_UINT, M_FS, &set_int, cpu_movu, "MOV TEMP[0], %A"},
	{"UADD", K_UINT, M_FS, &set_int, cpu_iadd, "UADD TEMP[0], %A, %B"},
	{"UADD -b (INEG src mod)", K_UINT, M_FS, &set_int, cpu_iadd,
	 "INEG TEMP[1], %B\nUADD TEMP[0], %A, -TEMP[1]"},
	{"UMUL", K_UINT, M_FS, &set_int, cpu_umul, "UMUL TEMP[0], %A, %B"},
	{"IMAX", K_UINT, M_FS, &set_int, cpu_imax, "IMAX TEMP[0], %A, %B"},
	{"IMIN", K_UINT, M_FS, &set_int, cpu_imin, "IMIN TEMP[0], %A, %B"},
	{"UMAX", K_UINT, M_FS, &set_int, cpu_umax, "UMAX TEMP[0], %A, %B"},
	{"UMIN", K_UINT, M_FS, &set_int, cpu_umin, "UMIN TEMP[0], %A, %B"},
	{"INEG", K_UINT, M_FS, &set_int, cpu_ineg, "INEG TEMP[0], %A"},
	{"IABS", K_UINT, M_FS, &set_int, cpu_iabs, "IABS TEMP[0], %A"},
	{"ISHR", K_UINT, M_FS, &set_shift, cpu_ishr, "ISHR TEMP[0], %A, %B"},
	{"USHR", K_UINT, M_FS, &set_shift, cpu_ushr, "USHR TEMP[0], %A, %B"},
	{"SHL", K_UINT, M_FS, &set_shift, cpu_shl, "SHL TEMP[0], %A, %B"},
	{"SHL count&31", K_UINT, M_FS, &set_shift_big, cpu_shl, "SHL TEMP[0], %A, %B"},
	{"ISHR count&31", K_UINT, M_FS, &set_shift_big, cpu_ishr, "ISHR TEMP[0], %A, %B"},
	{"USHR count&31", K_UINT, M_FS, &set_shift_big, cpu_ushr, "USHR TEMP[0], %A, %B"},
	{"AND", K_UINT, M_FS, &set_int, cpu_and, "AND TEMP[0], %A, %B"},
	{"OR", K_UINT, M_FS, &set_int, cpu_or, "OR TEMP[0], %A, %B"},
	{"XOR", K_UINT, M_FS, &set_int, cpu_xor, "XOR TEMP[0], %A, %B"},
	{"NOT", K_UINT, M_FS, &set_int, cpu_not, "NOT TEMP[0], %A"},
	{"UDIV", K_UINT, M_FS, &set_div, cpu_udiv, "UDIV TEMP[0], %A, %B"},
	{"UMOD", K_UINT, M_FS, &set_div, cpu_umod, "UMOD TEMP[0], %A, %B"},
	{"IDIV", K_UINT, M_FS, &set_div, cpu_idiv, "IDIV TEMP[0], %A, %B"},
	{"ISLT", K_UINT, M_FS, &set_int, cpu_islt, "ISLT TEMP[0], %A, %B"},
	{"USGE", K_UINT, M_FS, &set_int, cpu_usge, "USGE TEMP[0], %A, %B"},
	{"USEQ", K_UINT, M_FS, &set_int, cpu_useq, "USEQ TEMP[0], %A, %B"},
	/* GLSL 4.00 integer built-ins */
	{"UBFE", K_UINT, M_FS, &set_bitfield, cpu_ubfe, "UBFE TEMP[0], %A, %B, %C"},
	{"IBFE", K_UINT, M_FS, &set_bitfield, cpu_ibfe, "IBFE TEMP[0], %A, %B, %C"},
	{"BFI", K_UINT, M_FS, &set_bfi, cpu_bfi, "BFI TEMP[0], %A, %B, %C, %D"},
	{"BREV", K_UINT, M_FS, &set_int, cpu_brev, "BREV TEMP[0], %A"},
	{"POPC", K_UINT, M_FS, &set_int, cpu_popc, "POPC TEMP[0], %A"},
	{"LSB", K_UINT, M_FS, &set_int, cpu_lsb, "LSB TEMP[0], %A"},
	{"UMSB", K_UINT, M_FS, &set_int, cpu_umsb, "UMSB TEMP[0], %A"},
	{"IMSB", K_UINT, M_FS, &set_int, cpu_imsb, "IMSB TEMP[0], %A"},
	{"UMUL_HI", K_UINT, M_FS, &set_int, cpu_umul_hi, "UMUL_HI TEMP[0], %A, %B"},
	{"IMUL_HI", K_UINT, M_FS, &set_int, cpu_imul_hi, "IMUL_HI TEMP[0], %A, %B"},
	{"F2I", K_UINT, M_FS, &set_float, cpu_f2i, "F2I TEMP[0], %A"},
	{"F2U", K_UINT, M_FS, &set_pos, cpu_f2u, "F2U TEMP[0], %A"},
	{"I2F", K_FLOAT, M_FS, &set_int, cpu_i2f, "I2F TEMP[0], %A"},
	{"U2F", K_FLOAT, M_FS, &set_int, cpu_u2f, "U2F TEMP[0], %A"},
	/* control flow */
	{"UIF/ELSE/ENDIF", K_UINT, M_FS, &set_uif, cpu_uif,
	 "MOV TEMP[0], IMM[0].xxxx\n"
	 "MOV TEMP[1], %A\n"
	 "UIF TEMP[1].xxxx\nMOV TEMP[0].x, %B.xxxx\nELSE\nMOV TEMP[0].x, %C.xxxx\nENDIF\n"
	 "UIF TEMP[1].yyyy\nMOV TEMP[0].y, %B.yyyy\nELSE\nMOV TEMP[0].y, %C.yyyy\nENDIF\n"
	 "UIF TEMP[1].zzzz\nMOV TEMP[0].z, %B.zzzz\nENDIF\n"
	 "UIF TEMP[1].wwww\nMOV TEMP[0].w, %B.wwww\nENDIF"},
	{"IF/ELSE/ENDIF (float)", K_FLOAT, M_FS, &set_iff, cpu_if,
	 "*IF %A.$r\n*MOV TEMP[0].$c, %B.$r\n*ELSE\n*MOV TEMP[0].$c, %C.$r\n*ENDIF"},
	{"BGNLOOP/BRK/ENDLOOP", K_UINT, M_FS, &set_loop, cpu_loop,
	 "MOV TEMP[0], IMM[0].xxxx\n"
	 "MOV TEMP[1].x, IMM[0].xxxx\n"
	 "BGNLOOP\n"
	 "ISGE TEMP[2].x, TEMP[1].xxxx, %A.xxxx\n"
	 "UIF TEMP[2].xxxx\nBRK\nENDIF\n"
	 "UADD TEMP[0].x, TEMP[0].xxxx, %B.xxxx\n"
	 "UADD TEMP[0].y, TEMP[0].yyyy, TEMP[1].xxxx\n"
	 "UADD TEMP[1].x, TEMP[1].xxxx, IMM[0].yyyy\n"
	 "ENDLOOP\n"
	 "MOV TEMP[0].zw, TEMP[1].xxxx"},
	{"BGNLOOP/CONT", K_UINT, M_FS, &set_loop, cpu_loop_cont,
	 "MOV TEMP[0], IMM[0].xxxx\n"
	 "MOV TEMP[1].x, IMM[0].xxxx\n"
	 "BGNLOOP\n"
	 "ISGE TEMP[2].x, TEMP[1].xxxx, %A.xxxx\n"
	 "UIF TEMP[2].xxxx\nBRK\nENDIF\n"
	 "MOV TEMP[3].x, TEMP[1].xxxx\n"
	 "UADD TEMP[1].x, TEMP[1].xxxx, IMM[0].yyyy\n"
	 "UADD TEMP[0].y, TEMP[0].yyyy, IMM[0].yyyy\n"
	 "AND TEMP[2].x, TEMP[3].xxxx, IMM[0].yyyy\n"
	 "USEQ TEMP[2].x, TEMP[2].xxxx, IMM[0].xxxx\n"
	 "UIF TEMP[2].xxxx\nCONT\nENDIF\n"
	 "UADD TEMP[0].x, TEMP[0].xxxx, TEMP[3].xxxx\n"
	 "ENDLOOP"},
	{"nested loops", K_UINT, M_FS, &set_nested, cpu_nested,
	 "MOV TEMP[0], IMM[0].xxxx\n"
	 "MOV TEMP[1].x, IMM[0].xxxx\n"
	 "BGNLOOP\n"
	 "ISGE TEMP[2].x, TEMP[1].xxxx, %A.xxxx\n"
	 "UIF TEMP[2].xxxx\nBRK\nENDIF\n"
	 "MOV TEMP[1].y, IMM[0].xxxx\n"
	 "BGNLOOP\n"
	 "ISGE TEMP[2].x, TEMP[1].yyyy, %A.yyyy\n"
	 "UIF TEMP[2].xxxx\nBRK\nENDIF\n"
	 "UADD TEMP[0].x, TEMP[0].xxxx, IMM[0].yyyy\n"
	 "UADD TEMP[1].y, TEMP[1].yyyy, IMM[0].yyyy\n"
	 "ENDLOOP\n"
	 "UADD TEMP[1].x, TEMP[1].xxxx, IMM[0].yyyy\n"
	 "ENDLOOP"},
	{"SWITCH/CASE/DEFAULT", K_UINT, M_FS, &set_switch, cpu_switch,
	 "MOV TEMP[0], IMM[0].xxxx\n"
	 "SWITCH %A.xxxx\n"
	 "CASE IMM[0].yyyy\nMOV TEMP[0].x, IMM[1].xxxx\nBRK\n"
	 "CASE IMM[1].wwww\nCASE IMM[2].xxxx\nMOV TEMP[0].x, IMM[1].yyyy\nBRK\n"
	 "DEFAULT\nMOV TEMP[0].x, IMM[1].zzzz\nBRK\n"
	 "ENDSWITCH",
	 NULL, 0, true},
	{"KILL_IF", K_UINT, M_FS, &set_kill, cpu_kill_if, "KILL_IF %A\nMOV TEMP[0], IMM[0].yyyy"},
	{"KILL in UIF", K_UINT, M_FS, &set_kill_u, cpu_kill,
	 "UIF %A.xxxx\nKILL\nENDIF\nMOV TEMP[0], IMM[0].yyyy"},
	/* indirect addressing */
	{"UARL TEMP ARRAY load", K_UINT, M_FS, &set_index, cpu_uarl_temp,
	 "MOV TEMP[8], %B.xxxx\nMOV TEMP[9], %B.yyyy\nMOV TEMP[10], %B.zzzz\n"
	 "MOV TEMP[11], %B.wwww\n"
	 "*UARL ADDR[0].x, %A.$r\n*MOV TEMP[0].$c, TEMP[ADDR[0].x+8](1).$r",
	 "DCL TEMP[8..11], ARRAY(1)\nDCL ADDR[0]"},
	{"UARL TEMP ARRAY store", K_UINT, M_FS, &set_index, cpu_uarl_store,
	 "MOV TEMP[8], %B\nMOV TEMP[9], %B\nMOV TEMP[10], %B\nMOV TEMP[11], %B\n"
	 "UARL ADDR[0].x, %A.xxxx\nMOV TEMP[ADDR[0].x+8](1), %C\n"
	 "MOV TEMP[0].x, TEMP[8].xxxx\nMOV TEMP[0].y, TEMP[9].yyyy\n"
	 "MOV TEMP[0].z, TEMP[10].zzzz\nMOV TEMP[0].w, TEMP[11].wwww",
	 "DCL TEMP[8..11], ARRAY(1)\nDCL ADDR[0]"},
	{"UARL CONST", K_UINT, M_FS, &set_index3, cpu_uarl_const,
	 "*UARL ADDR[0].x, %A.$r\n*MOV TEMP[0].$c, CONST[ADDR[0].x+1].$r", "DCL ADDR[0]"},
	/* textures: 4x4 RGBA32F with levels 4x4, 2x2, 1x1 on unit 0 */
	{"TEX", K_FLOAT, M_TEX, &set_one, cpu_tex, "TEX TEMP[0], IN[0].xyyy, SAMP[0], 2D"},
	{"TXL", K_FLOAT, M_TEX, &set_lod, cpu_txb,
	 "MOV TEMP[1].xy, IN[0].xyyy\nMOV TEMP[1].w, %A.xxxx\nTXL TEMP[0], TEMP[1], SAMP[0], 2D"},
	{"TXB", K_FLOAT, M_TEX, &set_lod, cpu_txb,
	 "MOV TEMP[1].xy, IN[0].xyyy\nMOV TEMP[1].w, %A.xxxx\nTXB TEMP[0], TEMP[1], SAMP[0], 2D"},
	{"TXF", K_FLOAT, M_TEX, &set_txf, cpu_txf, "TXF TEMP[0], %A, SAMP[0], 2D"},
	{"TXQ.xy", K_UINT, M_TEX, &set_txq, cpu_txq,
	 "MOV TEMP[0], IMM[0].xxxx\nTXQ TEMP[0].xy, %A.xxxx, SAMP[0], 2D"},
	{"TXQ.w (levels)", K_UINT, M_TEX, &set_txq, cpu_txq_levels,
	 "MOV TEMP[0], IMM[0].xxxx\nTXQ TEMP[0].w, %A.xxxx, SAMP[0], 2D"},
	{"TXP", K_FLOAT, M_TEX, &set_proj, cpu_tex,
	 "MUL TEMP[1].xy, IN[0].xyyy, %A.xxxx\nMOV TEMP[1].zw, %A.yyyx\n"
	 "TXP TEMP[0], TEMP[1], SAMP[0], 2D"},
	{"TXD", K_FLOAT, M_TEX, &set_grad, cpu_txd, "TXD TEMP[0], IN[0].xyyy, %A, %B, SAMP[0], 2D"},
	/* TXB2/TXL2 (bias / lod in src1.x): Mesa uses them for cube arrays only */
	{"TXL2", K_FLOAT, M_TEX, &set_lod, cpu_txb,
	 "TXL2 TEMP[0], IN[0].xyyy, %A.xxxx, SAMP[0], 2D", NULL, 0, true},
	{"TXB2", K_FLOAT, M_TEX, &set_lod, cpu_txb,
	 "TXB2 TEMP[0], IN[0].xyyy, %A.xxxx, SAMP[0], 2D", NULL, 0, true},
	{"TEX offset", K_FLOAT, M_TEX, &set_one, cpu_tex_offset,
	 "TEX TEMP[0], IN[0].xyyy, SAMP[0], 2D, IMM[3].xyz"},
	{"TXF offset", K_FLOAT, M_TEX, &set_txf_off, cpu_txf_offset,
	 "TXF TEMP[0], %A, SAMP[0], 2D, IMM[3].xyz"},
	/* GLSL 4.00 interpolateAt*() on the texture coordinate varying */
	{"INTERP_CENTROID", K_FLOAT, M_TEX, &set_one, cpu_interp_centre,
	 "MOV TEMP[0], IMM[0].xxxx\nINTERP_CENTROID TEMP[0].xy, IN[0].xyyy"},
	{"INTERP_SAMPLE", K_FLOAT, M_TEX, &set_one, cpu_interp_sample,
	 "MOV TEMP[0], IMM[0].xxxx\nINTERP_SAMPLE TEMP[0].xy, IN[0].yxxx, IMM[0].xxxx"},
	{"INTERP_OFFSET", K_FLOAT, M_TEX, &set_interp_off, cpu_interp_offset,
	 "MOV TEMP[0], IMM[0].xxxx\nINTERP_OFFSET TEMP[0].xy, IN[0].xyyy, %A.xyyy"},
	{"TG4", K_FLOAT, M_TEX, &set_gather, cpu_tg4_x,
	 "ADD TEMP[1].xy, IN[0].xyyy, %A.xyyy\nTG4 TEMP[0], TEMP[1], IMM[0].xxxx, SAMP[0], 2D"},
	{"TG4 component 1", K_FLOAT, M_TEX, &set_gather, cpu_tg4_y,
	 "ADD TEMP[1].xy, IN[0].xyyy, %A.xyyy\nTG4 TEMP[0], TEMP[1], IMM[0].yyyy, SAMP[0], 2D"},
	{"TG4 offset", K_FLOAT, M_TEX, &set_gather, cpu_tg4_offset,
	 "ADD TEMP[1].xy, IN[0].xyyy, %A.xyyy\n"
	 "TG4 TEMP[0], TEMP[1], IMM[0].xxxx, SAMP[0], 2D, IMM[3].xyz"},
	{"TEX SHADOW2D", K_FLOAT, M_TEX, &set_shadow, cpu_shadow,
	 "MOV TEMP[1].xy, IN[0].xyyy\nMOV TEMP[1].zw, %A.xxxx\nTEX TEMP[0], TEMP[1], SAMP[0], "
	 "SHADOW2D",
	 NULL, 0, false, T_SHADOW},
	{"TEX SHADOW2D .x", K_FLOAT, M_TEX, &set_shadow, cpu_shadow,
	 "MOV TEMP[1].xy, IN[0].xyyy\nMOV TEMP[1].zw, %A.xxxx\nTEX TEMP[2].x, TEMP[1], SAMP[0], "
	 "SHADOW2D\nMOV TEMP[0], TEMP[2].xxxx",
	 NULL, 0, false, T_SHADOW},
	{"TXP SHADOW2D", K_FLOAT, M_TEX, &set_shadow, cpu_shadow,
	 "MOV TEMP[1].xy, IN[0].xyyy\nMOV TEMP[1].z, %A.xxxx\nMUL TEMP[1].xyz, TEMP[1], %A.yyyy\n"
	 "MOV TEMP[1].w, %A.yyyy\nTXP TEMP[0], TEMP[1], SAMP[0], SHADOW2D",
	 NULL, 0, false, T_SHADOW},
	{"TEX 2D_ARRAY", K_FLOAT, M_TEX, &set_layer, cpu_array,
	 "MOV TEMP[1].xy, IN[0].xyyy\nMOV TEMP[1].zw, %A.xxxx\nTEX TEMP[0], TEMP[1], SAMP[0], "
	 "2D_ARRAY",
	 NULL, 0, false, T_ARRAY},
	{"TXQ 2D_ARRAY", K_UINT, M_TEX, &set_one, cpu_txq_array,
	 "MOV TEMP[0], IMM[0].xxxx\nTXQ TEMP[0].xyz, %A.xxxx, SAMP[0], 2D_ARRAY", NULL, 0, false,
	 T_ARRAY},
	{"TEX CUBE", K_FLOAT, M_TEX, &set_cube, cpu_cube, "TEX TEMP[0], %A, SAMP[0], CUBE", NULL, 0,
	 false, T_CUBE},
	{"TXQ CUBE", K_UINT, M_TEX, &set_one, cpu_txq_cube,
	 "MOV TEMP[0], IMM[0].xxxx\nTXQ TEMP[0].xy, %A.xxxx, SAMP[0], CUBE", NULL, 0, false,
	 T_CUBE},
	{"TEX 1D", K_FLOAT, M_TEX, &set_one, cpu_1d, "TEX TEMP[0], IN[0].xxxx, SAMP[0], 1D", NULL,
	 0, false, T_1D},
	{"TEX 3D", K_FLOAT, M_TEX, &set_r, cpu_3d,
	 "MOV TEMP[1].xy, IN[0].xyyy\nMOV TEMP[1].zw, %A.xxxx\nTEX TEMP[0], TEMP[1], SAMP[0], 3D",
	 NULL, 0, false, T_3D},
	{"TXQ 3D", K_UINT, M_TEX, &set_one, cpu_txq_3d,
	 "MOV TEMP[0], IMM[0].xxxx\nTXQ TEMP[0].xyz, %A.xxxx, SAMP[0], 3D", NULL, 0, false, T_3D},
	/* derivatives of a linear ramp: constant; interpolation rounding -> 1e-4 */
	{"DDX", K_FLOAT, M_TEX, &set_ramp, cpu_ddx,
	 "MUL TEMP[1], IN[0].xyxy, %A\nDDX TEMP[0], TEMP[1]", NULL, 1e-4f},
	{"DDY", K_FLOAT, M_TEX, &set_ramp, cpu_ddy,
	 "MUL TEMP[1], IN[0].xyxy, %A\nDDY TEMP[0], TEMP[1]", NULL, 1e-4f},
	/* geometry shader: pass the triangle through, GENERIC[0] per primitive */
	{"GS PRIMID+inputs", K_FLOAT, M_GS, &set_gs, cpu_gs,
	 "U2F TEMP[0].x, SV[0].xxxx\nMOV TEMP[0].yw, %A\n"
	 "ADD TEMP[1].x, IN[0][1].xxxx, IN[1][1].xxxx\nADD TEMP[0].z, TEMP[1].xxxx, IN[2][1].xxxx"},
	/* vertex shader rows: inputs from vertex attributes */
	{"VS MAD", K_FLOAT, M_VS, &set_float, cpu_mad, "MAD TEMP[0], %A, %B, %C"},
	{"VS DP4", K_FLOAT, M_VS, &set_float, cpu_dp4, "DP4 TEMP[0], %A, %B"},
	{"VS RSQ", K_FLOAT, M_VS, &set_pos, cpu_rsq, SCALAR("RSQ"), NULL, 1e-4f},
	{"VS EX2", K_FLOAT, M_VS, &set_float, cpu_ex2, SCALAR("EX2"), NULL, 1e-4f},
	{"VS FRC", K_FLOAT, M_VS, &set_float, cpu_frc, "FRC TEMP[0], %A"},
	{"VS CMP", K_FLOAT, M_VS, &set_float, cpu_cmp, "CMP TEMP[0], %A, %B, %C"},
	{"VS LRP", K_FLOAT, M_VS, &set_float, cpu_lrp, "LRP TEMP[0], %A, %B, %C"},
	{"VS SGE", K_FLOAT, M_VS, &set_float, cpu_sge, "SGE TEMP[0], %A, %B"},
	{"VS F2I+I2F", K_FLOAT, M_VS, &set_float, cpu_trunc,
	 "F2I TEMP[1], %A\nI2F TEMP[0], TEMP[1]"},
};

/* ------------------------------------------------------------ TGSI assembly */

struct buf {
	char s[16384];
	size_t n;
};

static void put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(b->s + b->n, sizeof(b->s) - b->n, fmt, ap);
	va_end(ap);
	if (w > 0) {
		b->n += (size_t)w;
		if (b->n >= sizeof(b->s)) {
			b->n = sizeof(b->s) - 1;
		}
	}
}

/* Replaces %A..%D with the mode's input registers and $c/$r with component `comp`. */
static void
expand_line(const char *line, size_t len, enum mode mode, int comp, char *out, size_t size)
{
	static const char *const fs_in[4] = {"CONST[0]", "CONST[1]", "CONST[2]", "CONST[3]"};
	static const char *const vs_in[4] = {"IN[1]", "IN[2]", "IN[3]", "IN[4]"};
	const char *const *regs = mode == M_VS ? vs_in : fs_in;
	static const char *comps = "xyzw";
	size_t o = 0;
	for (size_t i = 0; i < len && o + 16 < size; i++) {
		if (line[i] == '%' && i + 1 < len && line[i + 1] >= 'A' && line[i + 1] <= 'D') {
			const char *r = regs[line[i + 1] - 'A'];
			o += (size_t)snprintf(out + o, size - o, "%s", r);
			i++;
		} else if (line[i] == '$' && i + 1 < len && line[i + 1] == 'c') {
			out[o++] = comps[comp];
			i++;
		} else if (line[i] == '$' && i + 1 < len && line[i + 1] == 'r') {
			for (int k = 0; k < 4; k++) {
				out[o++] = comps[comp];
			}
			i++;
		} else {
			out[o++] = line[i];
		}
	}
	out[o] = '\0';
}

#define MAX_INSNS 256

struct insns {
	char text[MAX_INSNS][160];
	unsigned count;
};

static void
expand_body(const char *body, enum mode mode, struct insns *ins)
{
	ins->count = 0;
	/* Lines starting with '*' repeat per component; consecutive '*' lines form
	 * one group repeated as a block (so IF/ELSE/ENDIF per lane stay nested). */
	const char *p = body;
	while (*p) {
		const char *group[32];
		size_t glen[32];
		unsigned ng = 0;
		while (*p == '*' && ng < 32) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);
			group[ng] = p + 1;
			glen[ng++] = len - 1;
			p += len + (nl ? 1 : 0);
		}
		for (int c = 0; ng && c < 4; c++) {
			for (unsigned g = 0; g < ng && ins->count < MAX_INSNS; g++) {
				expand_line(group[g], glen[g], mode, c, ins->text[ins->count++],
					    sizeof(ins->text[0]));
			}
		}
		if (!*p || *p == '*') {
			continue;
		}
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (ins->count < MAX_INSNS) {
			expand_line(p, len, mode, 0, ins->text[ins->count++], sizeof(ins->text[0]));
		}
		p += len + (nl ? 1 : 0);
	}
}

static bool
starts(const char *s, const char *word)
{
	size_t n = strlen(word);
	return strncmp(s, word, n) == 0 && (s[n] == ' ' || s[n] == '\0');
}

/* Numbers the instructions, indents blocks and adds labels as tgsi_dump does. */
static void
emit_insns(struct buf *b, struct insns *ins)
{
	unsigned end = ins->count;
	strcpy(ins->text[ins->count++], "END");
	int depth = 0;
	for (unsigned i = 0; i < ins->count; i++) {
		const char *t = ins->text[i];
		bool opens = starts(t, "UIF") || starts(t, "IF") || starts(t, "BGNLOOP") ||
			     starts(t, "SWITCH");
		bool closes = starts(t, "ENDIF") || starts(t, "ENDLOOP") || starts(t, "ENDSWITCH");
		bool middle = starts(t, "ELSE");
		if (closes || middle) {
			depth--;
		}
		char label[16] = "";
		if (starts(t, "UIF") || starts(t, "IF") || middle) {
			/* target: the matching ELSE (for IF) or ENDIF */
			int d = 0;
			for (unsigned j = i + 1; j < end; j++) {
				const char *u = ins->text[j];
				if (starts(u, "UIF") || starts(u, "IF")) {
					d++;
				} else if (d == 0 &&
					   ((!middle && starts(u, "ELSE")) || starts(u, "ENDIF"))) {
					snprintf(label, sizeof(label), " :%u", j);
					break;
				} else if (starts(u, "ENDIF")) {
					d--;
				}
			}
		} else if (starts(t, "BGNLOOP") || starts(t, "ENDLOOP")) {
			strcpy(label, " :0");
		}
		put(b, "%3u: %*s%s%s\n", i, 2 * (depth > 0 ? depth : 0), "", t, label);
		if (opens || middle) {
			depth++;
		}
	}
}

static const char *imm_decls = "IMM[0] UINT32 {0, 1, 1065353216, 4294967295}\n"
			       "IMM[1] UINT32 {10, 20, 30, 2}\n"
			       "IMM[2] UINT32 {3, 0, 0, 0}\n"
			       "IMM[3] UINT32 {1, 4294967295, 2, 4294967294}\n"; /* offsets */

static const char *const sview_decl[T_COUNT] = {
	[T_2D] = "2D",     [T_SHADOW] = "SHADOW2D", [T_ARRAY] = "2D_ARRAY",
	[T_CUBE] = "CUBE", [T_1D] = "1D",           [T_3D] = "3D",
};

static void
build_fs(struct buf *b, const struct row *r)
{
	struct insns *ins = calloc(1, sizeof(*ins));
	b->n = 0;
	put(b, "FRAG\nPROPERTY FS_COLOR0_WRITES_ALL_CBUFS 1\n");
	if (r->mode == M_TEX) {
		put(b, "DCL IN[0].xy, GENERIC[0], PERSPECTIVE\n");
	} else if (r->mode == M_VS || r->mode == M_GS) {
		put(b, "DCL IN[0], GENERIC[0], CONSTANT\n");
	}
	put(b, "DCL OUT[0], COLOR\n");
	if (r->mode == M_TEX) {
		put(b, "DCL SAMP[0]\nDCL SVIEW[0], %s, FLOAT\n", sview_decl[r->tex]);
	}
	if (r->mode == M_FS || r->mode == M_TEX) {
		put(b, "DCL CONST[0..3]\n");
	}
	put(b, "DCL TEMP[0..7]\n");
	if (r->decls && (r->mode == M_FS || r->mode == M_TEX)) {
		put(b, "%s\n", r->decls);
	}
	put(b, "%s", imm_decls);
	if (r->mode == M_VS || r->mode == M_GS) {
		expand_body("MOV TEMP[0], IN[0]", M_FS, ins);
	} else {
		expand_body(r->body, r->mode, ins);
	}
	strcpy(ins->text[ins->count++], "MOV OUT[0], TEMP[0]");
	emit_insns(b, ins);
	free(ins);
}

static void
build_vs(struct buf *b, const struct row *r)
{
	struct insns *ins = calloc(1, sizeof(*ins));
	b->n = 0;
	put(b, "VERT\n");
	unsigned nin = r->mode == M_VS ? 5 : 2;
	for (unsigned i = 0; i < nin; i++) {
		put(b, "DCL IN[%u]\n", i);
	}
	put(b, "DCL OUT[0], POSITION\nDCL OUT[1], GENERIC[0]\nDCL TEMP[0..7]\n");
	if (r->mode == M_VS && r->decls) {
		put(b, "%s\n", r->decls);
	}
	put(b, "%s", imm_decls);
	expand_body(r->mode == M_VS ? r->body : "MOV TEMP[0], IN[1]", M_VS, ins);
	strcpy(ins->text[ins->count++], "MOV OUT[0], IN[0]");
	strcpy(ins->text[ins->count++], "MOV OUT[1], TEMP[0]");
	emit_insns(b, ins);
	free(ins);
}

/* M_GS: triangles in, each passed through with GENERIC[0] = the snippet's TEMP[0]. */
static void
build_gs(struct buf *b, const struct row *r)
{
	struct insns *ins = calloc(1, sizeof(*ins));
	b->n = 0;
	put(b, "GEOM\nPROPERTY GS_INPUT_PRIMITIVE TRIANGLES\n"
	       "PROPERTY GS_OUTPUT_PRIMITIVE TRIANGLE_STRIP\nPROPERTY GS_MAX_OUTPUT_VERTICES 3\n"
	       "PROPERTY GS_INVOCATIONS 1\n"
	       "DCL IN[][0], POSITION\nDCL IN[][1], GENERIC[0]\nDCL SV[0], PRIMID\n"
	       "DCL OUT[0], POSITION\nDCL OUT[1], GENERIC[0]\nDCL CONST[0..3]\n"
	       "DCL TEMP[0..7]\n");
	if (r->decls) {
		put(b, "%s\n", r->decls);
	}
	put(b, "%s", imm_decls);
	expand_body(r->body, M_GS, ins);
	for (unsigned v = 0; v < 3 && ins->count + 4 < MAX_INSNS; v++) {
		snprintf(ins->text[ins->count++], sizeof(ins->text[0]), "MOV OUT[0], IN[%u][0]", v);
		strcpy(ins->text[ins->count++], "MOV OUT[1], TEMP[0]");
		strcpy(ins->text[ins->count++], "EMIT IMM[0].xxxx");
	}
	emit_insns(b, ins);
	free(ins);
}

/* ------------------------------------------------------------ running */

struct runner {
	struct sgl gl;
	bool verbose;
	unsigned rows_run, rows_failed, rows_unsupported;
	char failures[8192];
};

static bool
translate(const char *tgsi, const struct vr_shader_key *key, struct vr_shader_result *res,
	  const char *what, const struct row *r, struct runner *t)
{
	memset(res, 0, sizeof(*res));
	bool ok = vr_shader_translate(tgsi, strlen(tgsi), key, res) && res->glsl;
	if (!ok && !r->optional) {
		CHECK(ok, "[%s] %s does not translate: %s\n--- TGSI:\n%s", r->name, what,
		      res->error, tgsi);
	}
	return ok;
}

static bool
compare(const struct row *r, unsigned cs, unsigned px, const uint32_t got[4],
	const uint32_t want[4], const char *fs_tgsi)
{
	bool ok = true;
	for (int i = 0; i < 4; i++) {
		if (r->kind == K_UINT) {
			ok &= got[i] == want[i];
		} else {
			double g = F(got[i]), w = F(want[i]);
			double tol = r->tol > 0 ? r->tol : 1e-5;
			ok &= fabs(g - w) <= tol * fmax(1.0, fabs(w)) || (isnan(g) && isnan(w));
		}
	}
	if (ok) {
		vgp_test_checks++; /* one check per compared pixel */
	} else {
		if (r->kind == K_UINT) {
			CHECK(ok,
			      "[%s] case %u pixel %u: got {0x%x, 0x%x, 0x%x, 0x%x}, want {0x%x, "
			      "0x%x, 0x%x, 0x%x}",
			      r->name, cs, px, got[0], got[1], got[2], got[3], want[0], want[1],
			      want[2], want[3]);
		} else {
			CHECK(ok,
			      "[%s] case %u pixel %u: got {%.9g, %.9g, %.9g, %.9g}, want {%.9g, "
			      "%.9g, %.9g, %.9g}",
			      r->name, cs, px, F(got[0]), F(got[1]), F(got[2]), F(got[3]),
			      F(want[0]), F(want[1]), F(want[2]), F(want[3]));
		}
	}
	return ok;
}

static GLuint textures[T_COUNT];

static void
upload_texture(void)
{
	float texels[4 * (16 + 4 + 1)];
	float *p = texels;
	for (unsigned l = 0; l < 3; l++) {
		unsigned size = TEX_SIZE >> l;
		for (unsigned y = 0; y < size; y++) {
			for (unsigned x = 0; x < size; x++) {
				uint32_t v[4];
				texel(l, (int)x, (int)y, v);
				for (int k = 0; k < 4; k++) {
					*p++ = F(v[k]);
				}
			}
		}
	}
	textures[T_2D] = sgl_texture_2d_rgba32f(T_2D, TEX_SIZE, TEX_SIZE, 3, texels);

	float depth[16];
	for (int i = 0; i < 16; i++) {
		depth[i] = (float)depth_texel(i % 4, i / 4);
	}
	textures[T_SHADOW] = sgl_texture(T_SHADOW, GL_TEXTURE_2D, GL_DEPTH_COMPONENT32F,
					 GL_DEPTH_COMPONENT, GL_FLOAT, 4, 4, 1, depth, 4);
	glActiveTexture(GL_TEXTURE0 + T_SHADOW);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_COMPARE_MODE, GL_COMPARE_REF_TO_TEXTURE);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_COMPARE_FUNC, GL_LEQUAL);
	glActiveTexture(GL_TEXTURE0);

	/* 4x4x4 texels serve the array (3 layers), 3D and 1D (first row) textures */
	static const struct {
		enum texkind kind;
		GLenum target;
		unsigned base, w, h, d;
	} vol[] = {
		{T_ARRAY, GL_TEXTURE_2D_ARRAY, 1000, 4, 4, ARR_LAYERS},
		{T_3D, GL_TEXTURE_3D, 2000, 4, 4, 4},
		{T_1D, GL_TEXTURE_1D, 3000, 4, 1, 1},
	};
	float v[4 * 64];
	for (size_t k = 0; k < sizeof(vol) / sizeof(vol[0]); k++) {
		p = v;
		for (int z = 0; z < (int)vol[k].d; z++) {
			for (int y = 0; y < (int)vol[k].h; y++) {
				for (int x = 0; x < (int)vol[k].w; x++) {
					uint32_t c[4];
					texel3(vol[k].base, x, y, z, c);
					for (int i = 0; i < 4; i++) {
						*p++ = F(c[i]);
					}
				}
			}
		}
		textures[vol[k].kind] = sgl_texture(vol[k].kind, vol[k].target, GL_RGBA32F, GL_RGBA,
						    GL_FLOAT, vol[k].w, vol[k].h, vol[k].d, v, 16);
	}

	float cube[6 * CUBE_SIZE * CUBE_SIZE * 4];
	for (unsigned i = 0; i < 6 * CUBE_SIZE * CUBE_SIZE; i++) {
		uint32_t c[4];
		cube_texel(i / (CUBE_SIZE * CUBE_SIZE), c);
		for (int k = 0; k < 4; k++) {
			cube[4 * i + k] = F(c[k]);
		}
	}
	textures[T_CUBE] = sgl_texture(T_CUBE, GL_TEXTURE_CUBE_MAP, GL_RGBA32F, GL_RGBA, GL_FLOAT,
				       CUBE_SIZE, CUBE_SIZE, 6, cube, 16);
	sgl_check_error("texture upload");
}

static void
run_row(struct runner *t, const struct row *r)
{
	static struct buf vs_tgsi, fs_tgsi, gs_tgsi;
	bool gs_row = r->mode == M_GS;
	build_vs(&vs_tgsi, r);
	build_fs(&fs_tgsi, r);
	if (gs_row) {
		build_gs(&gs_tgsi, r);
	}
	struct vr_shader_key vkey = {.target = VR_GLSL_330_CORE, .gs_follows = gs_row};
	struct vr_shader_key gkey = {.target = VR_GLSL_330_CORE};
	struct vr_shader_key fkey = {.target = VR_GLSL_330_CORE, .nr_cbufs = 1};
	if (r->kind == K_UINT) {
		fkey.cbuf_uint_mask = 1;
	}
	struct vr_shader_result vs, fs, gs;
	memset(&gs, 0, sizeof(gs));
	unsigned fails_before = vgp_test_failures;
	t->rows_run++;
	bool fok = translate(fs_tgsi.s, &fkey, &fs, "FS", r, t);
	bool gok = true;
	if (fok && gs_row) {
		vr_shader_key_set_next_stage(&gkey, &fs.info, &fkey);
		gok = translate(gs_tgsi.s, &gkey, &gs, "GS", r, t);
		if (gok) {
			vr_shader_key_set_next_stage(&vkey, &gs.info, &gkey);
		}
	} else if (fok) {
		vr_shader_key_set_next_stage(&vkey, &fs.info, &fkey);
	}
	bool vok = translate(vs_tgsi.s, &vkey, &vs, "VS", r, t);
	if (!vok || !fok || !gok) {
		if (r->optional) {
			printf("NOTE [%s]: not translated (optional construct): %s\n", r->name,
			       !vok   ? vs.error
			       : !fok ? fs.error
				      : gs.error);
			t->rows_unsupported++;
		}
		vok = fok = false; /* no GLSL dump below */
		goto out;
	}
	if (t->verbose) {
		printf("=== [%s]\n%s--- VS GLSL:\n%s\n", r->name, vs_tgsi.s, vs.glsl);
		if (gs_row) {
			printf("--- GS TGSI:\n%s--- GS GLSL:\n%s\n", gs_tgsi.s, gs.glsl);
		}
		printf("--- FS TGSI:\n%s--- FS GLSL:\n%s\n", fs_tgsi.s, fs.glsl);
	}
	GLuint prog = sgl_link(&t->gl, vs.glsl, fs.glsl, gs_row ? gs.glsl : NULL);
	CHECK(prog != 0, "[%s] does not link:\n%s\n--- VS TGSI:\n%s--- FS TGSI:\n%s", r->name,
	      t->gl.log, vs_tgsi.s, fs_tgsi.s);
	if (!prog) {
		goto out;
	}
	unsigned side = r->mode == M_TEX || gs_row ? TEX_SIZE : 1;
	sgl_target(&t->gl, r->kind == K_UINT ? SGL_RGBA32UI : SGL_RGBA32F, side, side);
	sgl_set_fbo_defaults(prog);
	sgl_set_sampler(prog, "fs_s0", (int)r->tex); /* unit = texkind */
	/* quad texcoords for M_TEX (location 1), matching sgl_draw_quad's corners */
	static const float uv[] = {0, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 1, 1, 0, 1};
	for (unsigned cs = 0; cs < r->inputs->count; cs++) {
		const struct opin *in = &r->inputs->cases[cs];
		sgl_attribs_reset(&t->gl);
		if (r->mode == M_VS) {
			for (unsigned k = 0; k < 4; k++) {
				float v[4];
				for (int i = 0; i < 4; i++) {
					v[i] = F(in->v[k][i]);
				}
				sgl_attrib_const(&t->gl, 1 + k, v);
			}
		} else {
			/* Absent when the compiler dropped an unused fs_c (TEX, TXQ.w). */
			sgl_set_consts(prog, gs_row ? "gs_c" : "fs_c", &in->v[0][0], 4);
			if (r->mode == M_TEX || gs_row) {
				sgl_attrib(&t->gl, 1, uv, 4, 4);
			}
		}
		sgl_clear(&t->gl, (const uint32_t[4]){SENTINEL, SENTINEL, SENTINEL, SENTINEL});
		sgl_draw_quad(&t->gl);
		uint32_t px[TEX_SIZE * TEX_SIZE * 4];
		if (!sgl_read(&t->gl, px)) {
			CHECK(false, "[%s] read-back failed", r->name);
			break;
		}
		for (unsigned p = 0; p < side * side; p++) {
			struct opin pin = *in;
			pin.u = ((float)(p % side) + 0.5f) / (float)side;
			pin.t = ((float)(p / side) + 0.5f) / (float)side;
			uint32_t want[4];
			r->cpu(&pin, want);
			if (!compare(r, cs, p, px + 4 * p, want, fs_tgsi.s)) {
				break;
			}
		}
	}
	sgl_check_error(r->name);
	sgl_program_destroy(prog);
out:
	if (vgp_test_failures != fails_before) {
		t->rows_failed++;
		size_t n = strlen(t->failures);
		snprintf(t->failures + n, sizeof(t->failures) - n, " %s;", r->name);
		if (!t->verbose && vok && fok) {
			fprintf(stderr, "--- [%s] VS GLSL:\n%s\n", r->name, vs.glsl);
			if (gs_row) {
				fprintf(stderr, "--- GS TGSI:\n%s--- GS GLSL:\n%s\n", gs_tgsi.s,
					gs.glsl);
			}
			fprintf(stderr, "--- FS TGSI:\n%s--- FS GLSL:\n%s\n", fs_tgsi.s, fs.glsl);
		}
	}
	vr_shader_result_finish(&vs);
	vr_shader_result_finish(&gs);
	vr_shader_result_finish(&fs);
}

int
main(int argc, char **argv)
{
	struct runner t;
	memset(&t, 0, sizeof(t));
	const char *filter = NULL;
	bool dump = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0) {
			t.verbose = true;
		} else if (strcmp(argv[i], "--dump") == 0) {
			dump = true;
		} else {
			filter = argv[i];
		}
	}
	float_set(&set_float, float_src, 4);
	float_set(&set_pos, pos_src, 2);
	float_set(&set_kill, kill_src, 4);
	float_set(&set_iff, if_src, 2);
	float_set(&set_lod, lod_src, 3);
	float_set(&set_proj, proj_src, 4);
	float_set(&set_grad, grad_src, 4);
	float_set(&set_shadow, shadow_src, 5);
	float_set(&set_layer, layer_src, 6);
	float_set(&set_r, r_src, 4);
	float_set(&set_cube, cube_src, 6);
	float_set(&set_ramp, ramp_src, 2);
	float_set(&set_gs, gs_src, 2);
	if (dump) {
		static struct buf vs, fs;
		for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
			if (!filter || strstr(rows[i].name, filter)) {
				build_vs(&vs, &rows[i]);
				build_fs(&fs, &rows[i]);
				printf("### %s\n%s\n%s\n", rows[i].name, vs.s, fs.s);
				if (rows[i].mode == M_GS) {
					build_gs(&vs, &rows[i]);
					printf("%s\n", vs.s);
				}
			}
		}
		return 0;
	}
	int r = sgl_init(&t.gl);
	if (r) {
		return r;
	}
	upload_texture();
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (!filter || strstr(rows[i].name, filter)) {
			run_row(&t, &rows[i]);
		}
	}
	printf("test_shader_ops: %u rows, %u failed, %u optional unsupported\n", t.rows_run,
	       t.rows_failed, t.rows_unsupported);
	if (t.rows_failed) {
		printf("failed rows:%s\n", t.failures);
	}
	glDeleteTextures(T_COUNT, textures);
	sgl_finish(&t.gl);
	return vgp_test_result("test_shader_ops");
}
