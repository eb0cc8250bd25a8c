/*
 * pvgpu — IR → GLSL: analysis before emission (register maps, which TEMP
 * ranges become arrays, sampler types, constant sizes), struct vr_shader_info,
 * and the declarations that precede main().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glsl_emit.h"
#include "vgp_virgl_cmd.h"
#include "vgp_virgl_format.h"

static const char *const stage_prefix[6] = {"vs", "tcs", "tes", "gs", "fs", "cs"};
static const uint32_t virgl_stage[6] = {VIRGL_SHADER_VERTEX,    VIRGL_SHADER_TESS_CTRL,
					VIRGL_SHADER_TESS_EVAL, VIRGL_SHADER_GEOMETRY,
					VIRGL_SHADER_FRAGMENT,  VIRGL_SHADER_COMPUTE};

static uint8_t
to_vr_semantic(uint8_t s)
{
	static const uint8_t map[TGSI_SEM_COUNT] = {
		[TGSI_SEM_POSITION] = VR_SEM_POSITION,
		[TGSI_SEM_COLOR] = VR_SEM_COLOR,
		[TGSI_SEM_BCOLOR] = VR_SEM_BCOLOR,
		[TGSI_SEM_FOG] = VR_SEM_FOG,
		[TGSI_SEM_PSIZE] = VR_SEM_PSIZE,
		[TGSI_SEM_GENERIC] = VR_SEM_GENERIC,
		[TGSI_SEM_NORMAL] = VR_SEM_NORMAL,
		[TGSI_SEM_FACE] = VR_SEM_FACE,
		[TGSI_SEM_EDGEFLAG] = VR_SEM_EDGEFLAG,
		[TGSI_SEM_PRIMID] = VR_SEM_PRIMID,
		[TGSI_SEM_INSTANCEID] = VR_SEM_INSTANCEID,
		[TGSI_SEM_VERTEXID] = VR_SEM_VERTEXID,
		[TGSI_SEM_STENCIL] = VR_SEM_STENCIL,
		[TGSI_SEM_CLIPDIST] = VR_SEM_CLIPDIST,
		[TGSI_SEM_CLIPVERTEX] = VR_SEM_CLIPVERTEX,
		[TGSI_SEM_LAYER] = VR_SEM_LAYER,
		[TGSI_SEM_VIEWPORT_INDEX] = VR_SEM_VIEWPORT_INDEX,
		[TGSI_SEM_TEXCOORD] = VR_SEM_TEXCOORD,
		[TGSI_SEM_PCOORD] = VR_SEM_PCOORD,
		[TGSI_SEM_SAMPLEID] = VR_SEM_SAMPLEID,
		[TGSI_SEM_SAMPLEPOS] = VR_SEM_SAMPLEPOS,
		[TGSI_SEM_SAMPLEMASK] = VR_SEM_SAMPLEMASK,
		[TGSI_SEM_INVOCATIONID] = VR_SEM_INVOCATIONID,
		[TGSI_SEM_VERTEXID_NOBASE] = VR_SEM_VERTEXID_NOBASE,
		[TGSI_SEM_BASEVERTEX] = VR_SEM_BASEVERTEX,
	};
	if (s == TGSI_SEM_NONE) {
		return VR_SEM_NONE;
	}
	if (s >= TGSI_SEM_COUNT || (map[s] == 0 && s != TGSI_SEM_POSITION)) {
		return VR_SEM_OTHER;
	}
	return map[s];
}

/* Strips SHADOW from a target; *shadow tells whether it had it. */
static uint8_t
base_target(uint8_t t, bool *shadow)
{
	*shadow = tgsi_tex_is_shadow(t);
	switch (t) {
	case TGSI_TEX_SHADOW1D:
		return TGSI_TEX_1D;
	case TGSI_TEX_SHADOW2D:
		return TGSI_TEX_2D;
	case TGSI_TEX_SHADOWRECT:
		return TGSI_TEX_RECT;
	case TGSI_TEX_SHADOW1D_ARRAY:
		return TGSI_TEX_1D_ARRAY;
	case TGSI_TEX_SHADOW2D_ARRAY:
		return TGSI_TEX_2D_ARRAY;
	case TGSI_TEX_SHADOWCUBE:
		return TGSI_TEX_CUBE;
	case TGSI_TEX_SHADOWCUBE_ARRAY:
		return TGSI_TEX_CUBE_ARRAY;
	default:
		return t;
	}
}

static bool
analyze_decl(struct emit_ctx *c, uint32_t i)
{
	const struct tgsi_declaration *d = &c->prog->decls[i];
	for (uint32_t r = d->first; r <= d->last; r++) {
		switch (d->file) {
		case TGSI_FILE_TEMPORARY:
			c->temp_decl[r] = (int16_t)i;
			break;
		case TGSI_FILE_INPUT:
			c->in_decl[r] = (int16_t)i;
			break;
		case TGSI_FILE_OUTPUT:
			c->out_decl[r] = (int16_t)i;
			break;
		case TGSI_FILE_SYSTEM_VALUE:
			c->sv_decl[r] = (int16_t)i;
			break;
		case TGSI_FILE_ADDRESS:
			c->num_addr = r + 1 > c->num_addr ? r + 1 : c->num_addr;
			break;
		case TGSI_FILE_SAMPLER:
			c->samplers[r].used = true;
			break;
		case TGSI_FILE_SAMPLER_VIEW: {
			bool sh;
			c->samplers[r].target = base_target(d->sview_target, &sh);
			c->samplers[r].have_target = true;
			c->samplers[r].shadow = sh ? 1 : -1;
			c->samplers[r].ret = d->sview_return[0] == TGSI_RET_SINT   ? GT_INT
					     : d->sview_return[0] == TGSI_RET_UINT ? GT_UINT
										   : GT_FLOAT;
			break;
		}
		case TGSI_FILE_CONSTANT: {
			uint32_t b = d->has_dim ? d->dim : 0;
			c->const_size[b] = r + 1 > c->const_size[b] ? r + 1 : c->const_size[b];
			break;
		}
		case TGSI_FILE_BUFFER:
		case TGSI_FILE_IMAGE:
		case TGSI_FILE_MEMORY:
		case TGSI_FILE_HW_ATOMIC:
			return emit_fail(c, d->line,
					 "%s declarations are not supported by this target",
					 tgsi_file_names[d->file]);
		default:
			break;
		}
	}
	if (d->file == TGSI_FILE_TEMPORARY && d->array_id) {
		c->decl_is_array[i] = true;
	}
	return true;
}

/* Neutral opcodes (size/fetch queries) say nothing about shadow comparison. */
static bool
tex_op_compares(unsigned op)
{
	return op != TGSI_OP_TXQ && op != TGSI_OP_TXQS && op != TGSI_OP_TXF &&
	       op != TGSI_OP_TXF_LZ && op != TGSI_OP_LODQ;
}

/* Records a texture instruction's use of `unit`: target (from SVIEW or the
 * instruction) and whether it compares. */
static bool
note_sampler_use(struct emit_ctx *c, const struct tgsi_instruction *in, uint32_t unit)
{
	struct emit_sampler *sm = &c->samplers[unit];
	bool sh;
	uint8_t t = base_target(in->tex_target, &sh);
	sm->used = true;
	if (!sm->have_target) {
		sm->target = t;
		sm->have_target = true;
		sm->shadow = -1;
	}
	if (tex_op_compares(in->opcode)) {
		int want = sh ? 1 : 0;
		if (sm->shadow >= 0 && sm->shadow != want) {
			return emit_fail(c, in->line, "sampler %u used with and without comparison",
					 unit);
		}
		sm->shadow = (int8_t)want;
	}
	return true;
}

static bool
analyze_tex(struct emit_ctx *c, const struct tgsi_instruction *in)
{
	const struct tgsi_reg *sr = &in->src[in->num_src - 1].reg;
	if (!sr->indirect) {
		return note_sampler_use(c, in, (uint32_t)sr->index);
	}
	/* SAMP[ADDR+n]: every declared unit from n up is a candidate (emit_tex). */
	bool any = false;
	for (uint32_t u = (uint32_t)sr->index; u < TGSI_MAX_SAMPLERS; u++) {
		if (c->samplers[u].used) {
			any = true;
			if (!note_sampler_use(c, in, u)) {
				return false;
			}
		}
	}
	return any || emit_fail(c, in->line, "no sampler declared from SAMP[%d] up", sr->index);
}

static bool
analyze_instruction(struct emit_ctx *c, const struct tgsi_instruction *in)
{
	for (unsigned s = 0; s < in->num_src; s++) {
		const struct tgsi_reg *r = &in->src[s].reg;
		if (r->file == TGSI_FILE_TEMPORARY && r->indirect && !r->ind.array_id &&
		    r->index >= 0 && r->index < TGSI_MAX_TEMPS && c->temp_decl[r->index] >= 0) {
			c->decl_is_array[c->temp_decl[r->index]] = true;
		}
	}
	const struct tgsi_reg *dr = &in->dst.reg;
	if (in->num_dst && dr->file == TGSI_FILE_TEMPORARY && dr->indirect && !dr->ind.array_id &&
	    dr->index >= 0 && dr->index < TGSI_MAX_TEMPS && c->temp_decl[dr->index] >= 0) {
		c->decl_is_array[c->temp_decl[dr->index]] = true;
	}
	if (!(tgsi_opcode_infos[in->opcode].flags & TGSI_OPF_TEX)) {
		return true;
	}
	return analyze_tex(c, in);
}

static void
fill_io_info(struct emit_ctx *c, bool input)
{
	struct vr_shader_info *info = c->info;
	for (uint32_t i = 0; i < TGSI_MAX_IO; i++) {
		int di = input ? c->in_decl[i] : c->out_decl[i];
		if (di < 0) {
			continue;
		}
		const struct tgsi_declaration *d = &c->prog->decls[di];
		struct vr_shader_io *io = input ? &info->inputs[info->num_inputs++]
						: &info->outputs[info->num_outputs++];
		io->first = io->last = i;
		io->semantic = to_vr_semantic(d->semantic);
		io->semantic_index = d->semantic_index + (i - d->first);
		io->interp = d->interp == TGSI_INTERP_NONE
				     ? VR_INTERP_DEFAULT
				     : (uint8_t)(d->interp + VR_INTERP_CONSTANT);
		io->usage_mask = d->usage_mask;
		io->centroid = d->location == TGSI_LOC_CENTROID;
		io->sample = d->location == TGSI_LOC_SAMPLE;
		emit_io_name_for_info(c, input, i, io->glsl_name, sizeof(io->glsl_name));
	}
}

static uint8_t
pipe_target(uint8_t t)
{
	static const uint8_t map[TGSI_TEX_COUNT] = {
		[TGSI_TEX_BUFFER] = PIPE_BUFFER,
		[TGSI_TEX_1D] = PIPE_TEXTURE_1D,
		[TGSI_TEX_2D] = PIPE_TEXTURE_2D,
		[TGSI_TEX_3D] = PIPE_TEXTURE_3D,
		[TGSI_TEX_CUBE] = PIPE_TEXTURE_CUBE,
		[TGSI_TEX_RECT] = PIPE_TEXTURE_RECT,
		[TGSI_TEX_1D_ARRAY] = PIPE_TEXTURE_1D_ARRAY,
		[TGSI_TEX_2D_ARRAY] = PIPE_TEXTURE_2D_ARRAY,
		[TGSI_TEX_2D_MSAA] = PIPE_TEXTURE_2D,
		[TGSI_TEX_2D_ARRAY_MSAA] = PIPE_TEXTURE_2D_ARRAY,
		[TGSI_TEX_CUBE_ARRAY] = PIPE_TEXTURE_CUBE_ARRAY,
	};
	return t < TGSI_TEX_COUNT ? map[t] : PIPE_TEXTURE_2D;
}

static void
fill_info(struct emit_ctx *c)
{
	struct vr_shader_info *info = c->info;
	const struct vr_tgsi_program *p = c->prog;
	memset(info, 0, sizeof(*info));
	info->stage = virgl_stage[p->processor];
	fill_io_info(c, true);
	fill_io_info(c, false);
	info->const_vec4_count = c->const_size[0];
	for (uint32_t b = 1; b < TGSI_MAX_UBOS; b++) {
		info->ubo_mask |= c->const_size[b] ? 1u << b : 0;
	}
	for (uint32_t i = 0; i < TGSI_MAX_SAMPLERS; i++) {
		const struct emit_sampler *s = &c->samplers[i];
		if (!s->used) {
			continue;
		}
		struct vr_shader_sampler *o = &info->samplers[info->num_samplers++];
		o->index = i;
		o->target = pipe_target(s->target);
		o->return_type = s->ret == GT_INT ? 1 : s->ret == GT_UINT ? 2 : 0;
		o->shadow = s->shadow == 1;
		info->sampler_mask |= 1u << i;
	}
	info->fs_color0_writes_all_cbufs = c->writes_color_all;
	info->fs_coord_origin_lower_left = p->prop[TGSI_PROP_FS_COORD_ORIGIN] == 1;
	info->fs_coord_pixel_center_integer = p->prop[TGSI_PROP_FS_COORD_PIXEL_CENTER] == 1;
	for (uint32_t i = 0; i < info->num_outputs; i++) {
		info->writes_depth |= p->processor == TGSI_PROC_FRAGMENT &&
				      info->outputs[i].semantic == VR_SEM_POSITION;
		info->writes_stencil |= info->outputs[i].semantic == VR_SEM_STENCIL;
	}
	for (uint32_t i = 0; i < p->num_insts; i++) {
		info->uses_kill |=
			p->insts[i].opcode == TGSI_OP_KILL || p->insts[i].opcode == TGSI_OP_KILL_IF;
	}
	info->gs_input_prim = p->prop[TGSI_PROP_GS_INPUT_PRIM];
	info->gs_output_prim = p->prop[TGSI_PROP_GS_OUTPUT_PRIM];
	info->gs_max_vertices = p->prop[TGSI_PROP_GS_MAX_OUTPUT_VERTICES];
	info->gs_invocations = p->prop[TGSI_PROP_GS_INVOCATIONS];
	info->num_clip_distances = c->clip_dist_count;
}

static uint32_t
count_clip_distances(struct emit_ctx *c, const int16_t *map)
{
	uint32_t count = 0;
	if (c->prog->prop_set[TGSI_PROP_NUM_CLIPDIST_ENABLED]) {
		return c->prog->prop[TGSI_PROP_NUM_CLIPDIST_ENABLED];
	}
	for (uint32_t i = 0; i < TGSI_MAX_IO; i++) {
		if (map[i] < 0) {
			continue;
		}
		const struct tgsi_declaration *d = &c->prog->decls[map[i]];
		if (d->semantic != TGSI_SEM_CLIPDIST) {
			continue;
		}
		uint32_t si = d->semantic_index + (i - d->first);
		uint32_t hi = 32 - (uint32_t)__builtin_clz(d->usage_mask | 1u);
		if (si < 2 && si * 4 + hi > count) {
			count = si * 4 + hi;
		}
	}
	return count;
}

bool
emit_is_last_vertex_stage(const struct emit_ctx *c)
{
	return c->prog->processor == TGSI_PROC_GEOMETRY ||
	       (c->prog->processor == TGSI_PROC_VERTEX && !c->key->gs_follows);
}

/* The OUT register with semantic `sem` index 0, or -1. */
static int
find_output(const struct emit_ctx *c, unsigned sem)
{
	for (uint32_t i = 0; i < TGSI_MAX_IO; i++) {
		if (c->out_decl[i] < 0) {
			continue;
		}
		const struct tgsi_declaration *d = &c->prog->decls[c->out_decl[i]];
		if (d->semantic == sem && d->semantic_index + (i - d->first) == 0) {
			return (int)i;
		}
	}
	return -1;
}

/*
 * User clip planes: gallium gives them in clip space (Mesa transforms GL's
 * eye-space planes unless the shader writes a clip vertex, which is then in eye
 * space too), so the distance is a dot product with what the shader wrote. A
 * shader with its own CLIPDIST outputs keeps them: the planes do not apply.
 */
static void
plan_user_clip_planes(struct emit_ctx *c)
{
	uint8_t mask = c->key->clip_plane_enable;
	if (!mask || c->es || c->clip_dist_count || !emit_is_last_vertex_stage(c)) {
		return;
	}
	int src = find_output(c, TGSI_SEM_CLIPVERTEX);
	if (src < 0) {
		src = find_output(c, TGSI_SEM_POSITION);
	}
	if (src < 0) {
		return; /* no position: nothing is rasterized from this stage anyway */
	}
	c->ucp_src = (uint32_t)src;
	c->ucp_count = 32 - (uint32_t)__builtin_clz(mask);
}

bool
emit_analyze(struct emit_ctx *c)
{
	const struct vr_tgsi_program *p = c->prog;
	if (p->processor != TGSI_PROC_VERTEX && p->processor != TGSI_PROC_FRAGMENT &&
	    p->processor != TGSI_PROC_GEOMETRY) {
		return emit_fail(c, 1, "%s shaders are not supported by the GLSL target",
				 tgsi_processor_names[p->processor]);
	}
	if (c->es && p->processor == TGSI_PROC_GEOMETRY) {
		return emit_fail(c, 1, "geometry shaders need GLSL ES 3.20; target is ES 3.00");
	}
	c->sp = stage_prefix[p->processor];
	c->decl_is_array = calloc(p->num_decls ? p->num_decls : 1, sizeof(bool));
	if (!c->decl_is_array) {
		return emit_fail(c, 0, "out of memory");
	}
	memset(c->temp_decl, 0xff, sizeof(c->temp_decl));
	memset(c->in_decl, 0xff, sizeof(c->in_decl));
	memset(c->out_decl, 0xff, sizeof(c->out_decl));
	memset(c->sv_decl, 0xff, sizeof(c->sv_decl));
	for (uint32_t i = 0; i < p->num_decls; i++) {
		if (!analyze_decl(c, i)) {
			return false;
		}
	}
	for (uint32_t i = 0; i < p->num_insts; i++) {
		if (!analyze_instruction(c, &p->insts[i])) {
			return false;
		}
	}
	c->writes_color_all =
		p->processor == TGSI_PROC_FRAGMENT && p->prop[TGSI_PROP_FS_COLOR0_WRITES_ALL_CBUFS];
	c->clip_dist_count = count_clip_distances(c, c->out_decl);
	if (p->processor == TGSI_PROC_FRAGMENT) {
		c->clip_dist_in_count = count_clip_distances(c, c->in_decl);
	}
	plan_user_clip_planes(c);
	fill_info(c);
	return true;
}

static void
emit_extensions(struct emit_ctx *c, struct glsl_buf *o)
{
	static const struct {
		uint32_t bit;
		const char *desktop, *es;
	} exts[] = {
		{EXT_GPU_SHADER5, "GL_ARB_gpu_shader5", "GL_EXT_gpu_shader5"},
		{EXT_TEXTURE_QUERY_LOD, "GL_ARB_texture_query_lod", NULL},
		{EXT_TEXTURE_GATHER, "GL_ARB_texture_gather", NULL},
		{EXT_TEXTURE_QUERY_LEVELS, "GL_ARB_texture_query_levels", NULL},
		{EXT_TEXTURE_CUBE_MAP_ARRAY, "GL_ARB_texture_cube_map_array",
		 "GL_EXT_texture_cube_map_array"},
		{EXT_SAMPLE_SHADING, "GL_ARB_sample_shading", "GL_OES_sample_variables"},
		{EXT_TEXTURE_IMAGE_SAMPLES, "GL_ARB_shader_texture_image_samples", NULL},
		{EXT_STENCIL_EXPORT, "GL_ARB_shader_stencil_export", NULL},
	};
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		const char *name = c->es ? exts[i].es : exts[i].desktop;
		if (!c->es && exts[i].bit == EXT_GPU_SHADER5) {
			continue; /* core in the #version 400 that emit_declarations chose */
		}
		if ((c->exts & exts[i].bit) && name) {
			glsl_buf_printf(o, "#extension %s : require\n", name);
		}
	}
}

static void
emit_gs_layout(struct emit_ctx *c, struct glsl_buf *o)
{
	static const char *const in_prims[TGSI_PRIM_COUNT] = {
		[TGSI_PRIM_POINTS] = "points",
		[TGSI_PRIM_LINES] = "lines",
		[TGSI_PRIM_LINE_STRIP] = "lines",
		[TGSI_PRIM_LINE_LOOP] = "lines",
		[TGSI_PRIM_TRIANGLES] = "triangles",
		[TGSI_PRIM_TRIANGLE_STRIP] = "triangles",
		[TGSI_PRIM_TRIANGLE_FAN] = "triangles",
		[TGSI_PRIM_LINES_ADJACENCY] = "lines_adjacency",
		[TGSI_PRIM_LINE_STRIP_ADJACENCY] = "lines_adjacency",
		[TGSI_PRIM_TRIANGLES_ADJACENCY] = "triangles_adjacency",
		[TGSI_PRIM_TRIANGLE_STRIP_ADJACENCY] = "triangles_adjacency",
	};
	const struct vr_tgsi_program *p = c->prog;
	uint32_t ip = p->prop[TGSI_PROP_GS_INPUT_PRIM], op = p->prop[TGSI_PROP_GS_OUTPUT_PRIM];
	const char *in = ip < TGSI_PRIM_COUNT && in_prims[ip] ? in_prims[ip] : "triangles";
	const char *out = op == TGSI_PRIM_POINTS ? "points"
			  : (op == TGSI_PRIM_LINES || op == TGSI_PRIM_LINE_STRIP)
				  ? "line_strip"
				  : "triangle_strip";
	uint32_t inv = p->prop[TGSI_PROP_GS_INVOCATIONS];
	if (inv > 1) {
		c->exts |= EXT_GPU_SHADER5;
		glsl_buf_printf(o, "layout(%s, invocations = %u) in;\n", in, inv);
	} else {
		glsl_buf_printf(o, "layout(%s) in;\n", in);
	}
	glsl_buf_printf(o, "layout(%s, max_vertices = %u) out;\n", out,
			p->prop[TGSI_PROP_GS_MAX_OUTPUT_VERTICES]);
}

static bool
has_input_semantic(const struct emit_ctx *c, unsigned file, unsigned sem)
{
	for (uint32_t i = 0; i < c->prog->num_decls; i++) {
		const struct tgsi_declaration *d = &c->prog->decls[i];
		if (d->file == file && d->semantic == sem) {
			return true;
		}
	}
	return false;
}

static void
emit_fixed_uniforms(struct emit_ctx *c, struct glsl_buf *o)
{
	const struct vr_tgsi_program *p = c->prog;
	bool fs = p->processor == TGSI_PROC_FRAGMENT;
	bool frag_coord = fs && (has_input_semantic(c, TGSI_FILE_INPUT, TGSI_SEM_POSITION) ||
				 has_input_semantic(c, TGSI_FILE_SYSTEM_VALUE, TGSI_SEM_POSITION));
	/*
	 * FS_COORD_ORIGIN / FS_COORD_PIXEL_CENTER are deliberately not honoured: pvgpu
	 * does not advertise FRAGMENT_COORD_CONVENTIONS (bset bit 15), so Mesa already
	 * rewrites gl_FragCoord for the gallium default (upper-left, half-integer) with
	 * a scale/offset constant, and still leaves the property in the text. The
	 * gallium default is the host GL default here, because guest row r is GL row r.
	 * Honouring the property as well flips gl_FragCoord twice (glmark2's
	 * conditionals/function/loop validation frames showed it).
	 */
	(void)frag_coord;
	if (fs && c->key->alpha_test) {
		glsl_buf_puts(o, "uniform float pvgpu_alpha_ref;\n");
	}
	bool last = emit_is_last_vertex_stage(c);
	for (uint32_t i = 0; i < c->prog->num_decls; i++) {
		const struct tgsi_declaration *d = &c->prog->decls[i];
		if (!fs && d->file == TGSI_FILE_OUTPUT && d->semantic == TGSI_SEM_POSITION &&
		    d->invariant) {
			glsl_buf_puts(o, "invariant gl_Position;\n");
		}
	}
	if (last && has_input_semantic(c, TGSI_FILE_OUTPUT, TGSI_SEM_POSITION)) {
		glsl_buf_puts(o, "uniform float pvgpu_winsys_adjust_y;\n");
	}
	if (fs && c->clip_dist_in_count && !c->es) {
		glsl_buf_printf(o, "in float gl_ClipDistance[%u];\n", c->clip_dist_in_count);
	}
	if (!fs && c->clip_dist_count && !c->es) {
		glsl_buf_printf(o, "out float gl_ClipDistance[%u];\n", c->clip_dist_count);
	}
	if (c->ucp_count) {
		glsl_buf_puts(o, "uniform vec4 pvgpu_clip_plane[8];\n");
		glsl_buf_printf(o, "out float gl_ClipDistance[%u];\n", c->ucp_count);
	}
}

static void
emit_resources(struct emit_ctx *c, struct glsl_buf *o)
{
	if (c->const_size[0]) {
		glsl_buf_printf(o, "uniform uvec4 %s_c[%u];\n", c->sp, c->const_size[0]);
	}
	for (uint32_t b = 1; b < TGSI_MAX_UBOS; b++) {
		if (c->const_size[b]) {
			glsl_buf_printf(
				o, "layout(std140) uniform %s_ub%u {\n\tuvec4 %s_ub%u_d[%u];\n};\n",
				c->sp, b, c->sp, b, c->const_size[b]);
		}
	}
	for (uint32_t i = 0; i < TGSI_MAX_SAMPLERS; i++) {
		if (c->samplers[i].used) {
			glsl_buf_printf(o, "uniform %s%s %s_s%u;\n", c->es ? "highp " : "",
					emit_sampler_type(c, i), c->sp, i);
		}
	}
	if (c->imm_array) {
		uint32_t n = c->prog->num_imms;
		glsl_buf_printf(o, "const uvec4 pvgpu_imm[%u] = uvec4[%u](", n, n);
		for (uint32_t i = 0; i < n; i++) {
			const uint32_t *v = c->prog->imms[i].value;
			glsl_buf_printf(o, "%suvec4(%uu, %uu, %uu, %uu)", i ? ", " : "", v[0], v[1],
					v[2], v[3]);
		}
		glsl_buf_puts(o, ");\n");
	}
}

bool
emit_declarations(struct emit_ctx *c, struct glsl_buf *o)
{
	struct glsl_buf rest = {0};
	/* Layouts and interface first: they may still request extensions. */
	if (c->prog->processor == TGSI_PROC_GEOMETRY) {
		emit_gs_layout(c, &rest);
	}
	emit_fixed_uniforms(c, &rest);
	emit_resources(c, &rest);
	emit_io_declarations(c, &rest);
	/* Desktop shaders that use ARB_gpu_shader5 features become GLSL 4.00 core, where
	 * they are built in; Mesa only exposes those features when our caps say
	 * glsl_level 400, which the GL backend advertises on GL >= 4.0 hosts only. */
	bool v400 = !c->es && (c->exts & EXT_GPU_SHADER5);
	glsl_buf_puts(o, c->es  ? "#version 300 es\n"
			 : v400 ? "#version 400 core\n"
				: "#version 330 core\n");
	emit_extensions(c, o);
	if (c->es) {
		glsl_buf_puts(o, "precision highp float;\nprecision highp int;\n");
	}
	glsl_buf_printf(o, "%s\n", rest.s ? rest.s : "");
	bool oom = rest.oom;
	glsl_buf_finish(&rest);
	return !c->failed && (!oom || emit_fail(c, 0, "out of memory"));
}
