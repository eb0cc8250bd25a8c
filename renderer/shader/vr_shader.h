/*
 * pvgpu — TGSI text → GLSL translator (renderer/shader). No GL calls here: the
 * GL backend compiles and links what this produces.
 *
 * Input is the TGSI text a guest sent in CREATE_OBJECT/SHADER (hostile: any
 * bytes, any length); output is GLSL source for one target plus the interface
 * facts the GL backend needs to bind inputs, outputs, constants and samplers.
 * Thread-safe: no shared state; each call works on its own allocations.
 */
#ifndef VR_SHADER_H
#define VR_SHADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vr_glsl_target {
	VR_GLSL_330_CORE = 0, /* desktop GL 3.3 core */
	VR_GLSL_ES_300 = 1,   /* GLSL ES 3.00 */
};

/* TGSI semantic names (the text spelling in comments). */
enum vr_semantic {
	VR_SEM_POSITION = 0,   /* POSITION */
	VR_SEM_COLOR,          /* COLOR */
	VR_SEM_BCOLOR,         /* BCOLOR */
	VR_SEM_FOG,            /* FOG */
	VR_SEM_PSIZE,          /* PSIZE */
	VR_SEM_GENERIC,        /* GENERIC */
	VR_SEM_NORMAL,         /* NORMAL */
	VR_SEM_FACE,           /* FACE */
	VR_SEM_EDGEFLAG,       /* EDGEFLAG */
	VR_SEM_PRIMID,         /* PRIMID */
	VR_SEM_INSTANCEID,     /* INSTANCEID */
	VR_SEM_VERTEXID,       /* VERTEXID */
	VR_SEM_STENCIL,        /* STENCIL */
	VR_SEM_CLIPDIST,       /* CLIPDIST */
	VR_SEM_CLIPVERTEX,     /* CLIPVERTEX */
	VR_SEM_LAYER,          /* LAYER */
	VR_SEM_VIEWPORT_INDEX, /* VIEWPORT_INDEX */
	VR_SEM_TEXCOORD,       /* TEXCOORD */
	VR_SEM_PCOORD,         /* PCOORD */
	VR_SEM_SAMPLEID,       /* SAMPLEID */
	VR_SEM_SAMPLEPOS,      /* SAMPLEPOS */
	VR_SEM_SAMPLEMASK,     /* SAMPLEMASK */
	VR_SEM_INVOCATIONID,   /* INVOCATIONID */
	VR_SEM_VERTEXID_NOBASE,
	VR_SEM_BASEVERTEX,
	VR_SEM_NONE, /* plain `DCL IN[i]` (vertex attributes) */
	VR_SEM_OTHER,
};

enum vr_interp {
	VR_INTERP_DEFAULT = 0, /* no qualifier given */
	VR_INTERP_CONSTANT,
	VR_INTERP_LINEAR,
	VR_INTERP_PERSPECTIVE,
	VR_INTERP_COLOR, /* flat or smooth per rasterizer flatshade (see key) */
};

/* One declared input or output register range. */
struct vr_shader_io {
	uint32_t first, last; /* register range */
	uint8_t semantic;     /* enum vr_semantic */
	uint32_t semantic_index;
	uint8_t interp;     /* enum vr_interp (inputs) */
	uint8_t usage_mask; /* declared components (xyzw bits) */
	bool centroid, sample;
	char glsl_name[32]; /* the name the GLSL uses (for linking / attribute binding) */
};

/* A texture/sampler unit as declared (SAMP + SVIEW). */
struct vr_shader_sampler {
	uint32_t index;
	uint8_t target;      /* PIPE_TEXTURE_* / PIPE_BUFFER as declared by SVIEW */
	uint8_t return_type; /* 0 float, 1 sint, 2 uint */
	bool shadow;
};

#define VR_SHADER_MAX_IO 64
#define VR_SHADER_MAX_SAMPLERS 32

/*
 * Everything the GL backend needs besides the source. Names are fixed
 * conventions documented in renderer/shader/README.md, e.g. the constant file of
 * stage S is `uniform uvec4 <S>_c[const_vec4_count]` holding raw bits (set with
 * glUniform4uiv), UBO k is block `<S>_ub<k>`, sampler i is `<S>_s<i>`, the
 * y-flip factor is `uniform float pvgpu_winsys_adjust_y`.
 */
struct vr_shader_info {
	uint32_t stage; /* virgl_shader_stage */
	uint32_t num_inputs, num_outputs;
	struct vr_shader_io inputs[VR_SHADER_MAX_IO];
	struct vr_shader_io outputs[VR_SHADER_MAX_IO];
	uint32_t const_vec4_count; /* size of CONST[] buffer 0, in vec4 */
	uint32_t ubo_mask;         /* bit k: CONST[k][..] (k >= 1) used */
	uint32_t num_samplers;
	struct vr_shader_sampler samplers[VR_SHADER_MAX_SAMPLERS];
	uint32_t sampler_mask;
	/* properties */
	bool fs_color0_writes_all_cbufs;
	bool fs_coord_origin_lower_left;
	bool fs_coord_pixel_center_integer;
	bool writes_depth, writes_stencil, uses_kill;
	uint32_t gs_input_prim, gs_output_prim, gs_max_vertices, gs_invocations;
	uint32_t num_clip_distances;
};

/* ------------------------------------------------------ stream output */

#define VR_SHADER_SO_MAX_OUTPUTS 64   /* the protocol's limit (virgl SO block) */
#define VR_SHADER_SO_BUFFERS 4        /* transform feedback buffers */
#define VR_SHADER_SO_MAX_STRIDE 128   /* dwords per vertex and buffer we accept */
#define VR_SHADER_SO_MAX_VARYINGS 320 /* names incl. skips; bound follows from the above */

/* One captured output (gallium pipe_stream_output; offsets and strides in dwords). */
struct vr_shader_so_output {
	uint8_t register_index;  /* TGSI OUT[] register */
	uint8_t start_component; /* first component captured (0..3) */
	uint8_t num_components;  /* 1..4, start + num <= 4 */
	uint8_t output_buffer;   /* < VR_SHADER_SO_BUFFERS */
	uint16_t dst_offset;     /* dword offset within the buffer's vertex record */
	uint8_t stream;          /* vertex stream; only 0 is supported */
};

/* Stream-output (transform feedback) layout of the last vertex-processing stage. */
struct vr_shader_so {
	uint32_t num_outputs; /* <= VR_SHADER_SO_MAX_OUTPUTS */
	uint32_t stride[VR_SHADER_SO_BUFFERS];
	struct vr_shader_so_output outputs[VR_SHADER_SO_MAX_OUTPUTS];
};

/*
 * The varying list for glTransformFeedbackVaryings(GL_INTERLEAVED_ATTRIBS):
 * captured output k of struct vr_shader_so is the GLSL variable `pvgpu_so<k>`;
 * dst_offset gaps and stride tails are `gl_SkipComponents<N>`, buffer changes
 * `gl_NextBuffer` (GL 4.0 / ARB_transform_feedback3).
 */
struct vr_shader_so_varyings {
	uint32_t count;
	uint32_t buffer_mask; /* buffers the layout writes */
	char names[VR_SHADER_SO_MAX_VARYINGS][20];
};

/**
 * Validates `so` (hostile: guest bytes) and builds its varying list into `out`.
 * False with `err` (err_size bytes) set when an entry is out of range, entries
 * overlap or exceed their buffer's stride, or a stream other than 0 is used.
 * Pure function, no GL.
 */
bool vr_shader_so_varyings(const struct vr_shader_so *so, struct vr_shader_so_varyings *out,
			   char *err, size_t err_size);

/*
 * State the generated code depends on (part of the GL backend's program cache
 * key). Zero-initialise and set what applies.
 */
struct vr_shader_key {
	enum vr_glsl_target target;
	uint8_t nr_cbufs;             /* FS: colour buffers bound (COLOR0_WRITES_ALL_CBUFS) */
	bool flatshade;               /* FS: COLOR inputs flat */
	bool alpha_test;              /* FS: emulate the alpha test with alpha_func */
	uint8_t alpha_func;           /* FS: pipe compare func vs `uniform float pvgpu_alpha_ref` */
	uint32_t cbuf_int_mask;       /* FS: bit i = colour buffer i is signed int */
	uint32_t cbuf_uint_mask;      /* FS: bit i = colour buffer i is unsigned int */
	uint8_t gs_input_prim;        /* for GS inputs when relevant */
	uint32_t sprite_coord_enable; /* FS: generic inputs replaced by point coords */
	bool clip_halfz; /* last vertex stage: map z from [-w,w] to [0,w] (GL: z*2-w) */
	/*
	 * Last vertex stage (VS without gs_follows, or GS): user clip planes
	 * (rasterizer clip_plane_enable, bit i = plane i). A shader that writes no
	 * CLIPDIST then writes gl_ClipDistance[i] = dot(v, pvgpu_clip_plane[i]) for
	 * each bit, v being its CLIPVERTEX output, else its POSITION output as the
	 * guest wrote it (before the y-flip and clip_halfz fix-ups). A shader
	 * that writes CLIPDIST writes 0 (never clipped) for the clear bits.
	 */
	uint8_t clip_plane_enable;
	/*
	 * VS/TES: a geometry shader consumes this stage's outputs. Its varyings are
	 * then named `pvgpu_gsin_*` (the GS reads those and writes `pvgpu_*`), and
	 * the y-flip / clip_halfz fix-ups move to the GS.
	 */
	bool gs_follows;
	/*
	 * VS/GS: how the next stage interpolates each varying, one bit per slot of
	 * vr_shader_varying_slot(); GLSL 3.30 / ES 3.00 fail to link when the
	 * qualifiers differ. Fill with vr_shader_key_set_next_stage().
	 */
	uint64_t out_flat, out_noperspective, out_centroid, out_sample;
	/*
	 * VS (without gs_follows) or GS: outputs to capture for transform feedback,
	 * declared as `flat out uint/uvecN pvgpu_so<k>` (raw bits) and written with
	 * the other outputs; NULL for none. Not owned: must stay valid and unchanged
	 * while keys holding it are compared (a shader object keeps its own).
	 */
	const struct vr_shader_so *so;
};

/* Result of a translation; free with vr_shader_result_finish(). */
struct vr_shader_result {
	char *glsl; /* NUL-terminated GLSL source, owned */
	size_t glsl_len;
	struct vr_shader_info info;
	char error[256]; /* on failure: "line N: what" */
};

/*
 * Two steps, so the GL backend parses once at CREATE_OBJECT and emits per key
 * when it links: parse text into an IR (validated, bounded), then emit GLSL.
 */
struct vr_tgsi_program;

/**
 * Parses TGSI text (`len` bytes, need not be NUL-terminated). NULL on malformed
 * or unsupported input, with `err` (err_size bytes) naming the line.
 */
struct vr_tgsi_program *vr_tgsi_parse(const char *text, size_t len, char *err, size_t err_size);
/** Frees a parsed program. Accepts NULL. */
void vr_tgsi_program_destroy(struct vr_tgsi_program *prog);
/** Emits GLSL for `key`; false (result->error set) if it cannot be expressed. */
bool vr_shader_emit(const struct vr_tgsi_program *prog, const struct vr_shader_key *key,
		    struct vr_shader_result *result);

/**
 * Parse + emit in one call: translates TGSI text (`len` bytes, need not be NUL-terminated) for
 * `key`. Returns false on malformed or unsupported input with result->error naming the line. Never
 * reads past text+len; memory is bounded by a multiple of len.
 */
bool vr_shader_translate(const char *text, size_t len, const struct vr_shader_key *key,
			 struct vr_shader_result *result);

/**
 * Varying slot (0..63) of a semantic for the interpolation masks in the key:
 * GENERIC 0-31 → 0-31, TEXCOORD 0-7 → 32-39, COLOR 0-1 → 40-41, BCOLOR 0-1 →
 * 42-43, FOG → 44, CLIPVERTEX → 45; -1 for anything else.
 */
int vr_shader_varying_slot(unsigned semantic, unsigned index);

/**
 * Sets `key`'s out_* interpolation masks (for a VS or GS) from the inputs the
 * next stage declared (`next`, its info) and `next_key` (its flatshade bit).
 */
void vr_shader_key_set_next_stage(struct vr_shader_key *key, const struct vr_shader_info *next,
				  const struct vr_shader_key *next_key);

/** Frees what a translation allocated. Accepts a zeroed result. */
void vr_shader_result_finish(struct vr_shader_result *result);

#endif /* VR_SHADER_H */
