/*
 * pvgpu — IR → GLSL: shader inputs, system values, outputs (the interface).
 *
 * Conventions (README.md): vertex attributes `layout(location=i) in vec4
 * pvgpu_in<i>`; user varyings are named by semantic (`pvgpu_generic3`,
 * `pvgpu_color0`), `pvgpu_gsin_*` when they feed a GS; OUT registers live in
 * `uvec4 o<i>` globals that pvgpu_write_outputs() copies to GL outputs at END
 * and before each GS EmitVertex().
 */
#include <stdio.h>
#include <string.h>

#include "glsl_emit.h"
#include "vgp_gallium.h"

static const struct tgsi_declaration *
io_decl(const struct emit_ctx *c, bool input, uint32_t idx, uint32_t *sem_index)
{
	int d = input ? c->in_decl[idx] : c->out_decl[idx];
	const struct tgsi_declaration *dd = &c->prog->decls[d];
	*sem_index = dd->semantic_index + (idx - dd->first);
	return dd;
}

/* Name of a user-defined varying, or false for built-ins and unsupported semantics. */
static bool
varying_name(unsigned sem, unsigned idx, bool gsin, char *buf, size_t n)
{
	const char *base;
	bool indexed = true;
	switch (sem) {
	case TGSI_SEM_GENERIC:
		base = "generic";
		break;
	case TGSI_SEM_COLOR:
		base = "color";
		break;
	case TGSI_SEM_BCOLOR:
		base = "bcolor";
		break;
	case TGSI_SEM_TEXCOORD:
		base = "texcoord";
		break;
	case TGSI_SEM_FOG:
		base = "fog";
		indexed = false;
		break;
	case TGSI_SEM_CLIPVERTEX:
		base = "clipvertex";
		indexed = false;
		break;
	default:
		return false;
	}
	snprintf(buf, n, indexed ? "pvgpu_%s%s%u" : "pvgpu_%s%s", gsin ? "gsin_" : "", base, idx);
	return true;
}

static bool
fs_input_is_special(const struct emit_ctx *c, unsigned sem, unsigned idx)
{
	if (sem == TGSI_SEM_GENERIC && idx < 32 && (c->key->sprite_coord_enable & (1u << idx))) {
		return true;
	}
	return sem == TGSI_SEM_POSITION || sem == TGSI_SEM_FACE || sem == TGSI_SEM_PRIMID ||
	       sem == TGSI_SEM_PCOORD || sem == TGSI_SEM_CLIPDIST;
}

void
emit_input_name(struct emit_ctx *c, struct glsl_buf *b, uint32_t idx, const char *vtx)
{
	uint32_t si = 0;
	const struct tgsi_declaration *d = io_decl(c, true, idx, &si);
	char name[48];
	switch (c->prog->processor) {
	case TGSI_PROC_VERTEX:
		glsl_buf_printf(b, "pvgpu_in%u", idx);
		return;
	case TGSI_PROC_GEOMETRY:
		if (d->semantic == TGSI_SEM_POSITION) {
			glsl_buf_printf(b, "gl_in%s.gl_Position", vtx ? vtx : "[0]");
		} else if (d->semantic == TGSI_SEM_PRIMID) {
			glsl_buf_puts(b, "vec4(intBitsToFloat(gl_PrimitiveIDIn), 0.0, 0.0, 1.0)");
		} else if (d->semantic == TGSI_SEM_CLIPDIST) {
			const char *v = vtx ? vtx : "[0]";
			glsl_buf_printf(
				b,
				"vec4(gl_in%s.gl_ClipDistance[%u], gl_in%s.gl_ClipDistance[%u], "
				"gl_in%s.gl_ClipDistance[%u], gl_in%s.gl_ClipDistance[%u])",
				v, si * 4, v, si * 4 + 1, v, si * 4 + 2, v, si * 4 + 3);
		} else if (d->semantic == TGSI_SEM_PSIZE) {
			glsl_buf_printf(b, "vec4(gl_in%s.gl_PointSize)", vtx ? vtx : "[0]");
		} else if (varying_name(d->semantic, si, true, name, sizeof(name))) {
			glsl_buf_printf(b, "%s%s", name, vtx ? vtx : "[0]");
		} else {
			emit_fail(c, d->line, "geometry shader input semantic not supported");
		}
		return;
	default:
		if (fs_input_is_special(c, d->semantic, si)) {
			glsl_buf_printf(b, "si%u", idx);
		} else if (varying_name(d->semantic, si, false, name, sizeof(name))) {
			glsl_buf_puts(b, name);
		} else {
			emit_fail(c, d->line, "input semantic %s not supported",
				  d->semantic < TGSI_SEM_COUNT ? tgsi_semantic_names[d->semantic]
							       : "(none)");
		}
		return;
	}
}

/* gl_FragCoord as gallium's default (upper-left, half-integer) sees it: the host
 * default, since guest row r is host row r. Origin/center properties are ignored
 * (see emit_fixed_uniforms): Mesa lowers them itself under our caps. */
static void
fragcoord_expr(struct emit_ctx *c, char *buf, size_t n)
{
	(void)c;
	snprintf(buf, n, "gl_FragCoord");
}

static bool
emit_special_input(struct emit_ctx *c, uint32_t idx)
{
	uint32_t si = 0;
	const struct tgsi_declaration *d = io_decl(c, true, idx, &si);
	char fc[160];
	switch (d->semantic) {
	case TGSI_SEM_POSITION:
		fragcoord_expr(c, fc, sizeof(fc));
		emit_line(c, "vec4 si%u = %s;", idx, fc);
		return true;
	case TGSI_SEM_FACE:
		emit_line(c, "vec4 si%u = vec4(gl_FrontFacing ? 1.0 : -1.0, 0.0, 0.0, 1.0);", idx);
		return true;
	case TGSI_SEM_PRIMID:
		if (c->es) {
			return emit_fail(c, d->line,
					 "gl_PrimitiveID in a fragment shader needs "
					 "GLSL ES 3.20; target is ES 3.00");
		}
		emit_line(c, "vec4 si%u = vec4(intBitsToFloat(gl_PrimitiveID), 0.0, 0.0, 1.0);",
			  idx);
		return true;
	case TGSI_SEM_CLIPDIST: {
		struct glsl_buf e = {0};
		for (uint32_t k = 0; k < 4; k++) {
			uint32_t n = si * 4 + k;
			if (n < c->clip_dist_in_count && !c->es) {
				glsl_buf_printf(&e, "%sgl_ClipDistance[%u]", k ? ", " : "", n);
			} else {
				glsl_buf_printf(&e, "%s0.0", k ? ", " : "");
			}
		}
		emit_line(c, "vec4 si%u = vec4(%s);", idx, e.s ? e.s : "0.0");
		glsl_buf_finish(&e);
		return true;
	}
	default: /* PCOORD and sprite-replaced GENERIC */
		emit_line(c, "vec4 si%u = vec4(gl_PointCoord, 0.0, 1.0);", idx);
		return true;
	}
}

static bool
emit_system_value(struct emit_ctx *c, const struct tgsi_declaration *d, uint32_t idx)
{
	char fc[160];
	const char *e = NULL;
	switch (d->semantic) {
	case TGSI_SEM_INSTANCEID:
		e = "uvec4(uint(gl_InstanceID), 0u, 0u, 0u)";
		break;
	case TGSI_SEM_VERTEXID:
	case TGSI_SEM_VERTEXID_NOBASE:
		e = "uvec4(uint(gl_VertexID), 0u, 0u, 0u)";
		break;
	case TGSI_SEM_PRIMID:
		if (c->es) {
			return emit_fail(c, d->line,
					 "gl_PrimitiveID needs GLSL ES 3.20; target is "
					 "ES 3.00");
		}
		e = c->prog->processor == TGSI_PROC_GEOMETRY
			    ? "uvec4(uint(gl_PrimitiveIDIn), 0u, 0u, 0u)"
			    : "uvec4(uint(gl_PrimitiveID), 0u, 0u, 0u)";
		break;
	case TGSI_SEM_INVOCATIONID:
		c->exts |= EXT_GPU_SHADER5;
		e = "uvec4(uint(gl_InvocationID), 0u, 0u, 0u)";
		break;
	case TGSI_SEM_FACE:
		e = "floatBitsToUint(vec4(gl_FrontFacing ? 1.0 : -1.0, 0.0, 0.0, 1.0))";
		break;
	case TGSI_SEM_SAMPLEID:
		c->exts |= EXT_SAMPLE_SHADING;
		e = "uvec4(uint(gl_SampleID), 0u, 0u, 0u)";
		break;
	case TGSI_SEM_SAMPLEPOS:
		c->exts |= EXT_SAMPLE_SHADING;
		e = "floatBitsToUint(vec4(gl_SamplePosition, 0.0, 0.0))";
		break;
	case TGSI_SEM_SAMPLEMASK:
		/* gl_SampleMaskIn is ARB_gpu_shader5's (ES: OES_sample_variables), not
		 * ARB_sample_shading's. */
		c->exts |= c->es ? EXT_SAMPLE_SHADING : EXT_GPU_SHADER5;
		e = "uvec4(uint(gl_SampleMaskIn[0]), 0u, 0u, 0u)";
		break;
	case TGSI_SEM_POSITION:
		fragcoord_expr(c, fc, sizeof(fc));
		emit_line(c, "uvec4 sv%u = floatBitsToUint(%s);", idx, fc);
		return true;
	default:
		return emit_fail(c, d->line, "system value %s not supported",
				 d->semantic < TGSI_SEM_COUNT ? tgsi_semantic_names[d->semantic]
							      : "(none)");
	}
	emit_line(c, "uvec4 sv%u = %s;", idx, e);
	return true;
}

static void
emit_temp_decls(struct emit_ctx *c)
{
	for (uint32_t i = 0; i < c->prog->num_decls; i++) {
		const struct tgsi_declaration *d = &c->prog->decls[i];
		if (d->file != TGSI_FILE_TEMPORARY) {
			continue;
		}
		if (c->decl_is_array[i]) {
			uint32_t n = d->last - d->first + 1;
			emit_line(c, "uvec4 ta%u[%u];", i, n);
			emit_line(c, "for (int i = 0; i < %u; i++) {", n);
			emit_line(c, "\tta%u[i] = uvec4(0u);", i);
			emit_line(c, "}");
			continue;
		}
		for (uint32_t r = d->first; r <= d->last; r++) {
			emit_line(c, "uvec4 t%u = uvec4(0u);", r);
		}
	}
}

void
emit_main_prologue(struct emit_ctx *c)
{
	emit_temp_decls(c);
	for (uint32_t a = 0; a < c->num_addr; a++) {
		emit_line(c, "ivec4 addr%u = ivec4(0);", a);
	}
	for (uint32_t i = 0; i < TGSI_MAX_IO; i++) {
		if (c->out_decl[i] >= 0) {
			emit_line(c, "o%u = uvec4(0u);", i);
		}
	}
	for (uint32_t i = 0; i < TGSI_MAX_SV; i++) {
		if (c->sv_decl[i] >= 0) {
			emit_system_value(c, &c->prog->decls[c->sv_decl[i]], i);
		}
	}
	if (c->prog->processor != TGSI_PROC_FRAGMENT) {
		return;
	}
	for (uint32_t i = 0; i < TGSI_MAX_IO; i++) {
		uint32_t si = 0;
		if (c->in_decl[i] < 0) {
			continue;
		}
		const struct tgsi_declaration *d = io_decl(c, true, i, &si);
		if (fs_input_is_special(c, d->semantic, si)) {
			emit_special_input(c, i);
		}
	}
}

static const char *
interp_qualifier(const struct emit_ctx *c, const struct tgsi_declaration *d)
{
	switch (d->interp) {
	case TGSI_INTERP_CONSTANT:
		return "flat ";
	case TGSI_INTERP_LINEAR:
		return c->es ? "" : "noperspective "; /* ES 3.00 has no noperspective */
	case TGSI_INTERP_COLOR:
		return c->key->flatshade ? "flat " : "";
	default:
		return "";
	}
}

static const char *
location_qualifier(struct emit_ctx *c, uint8_t loc)
{
	if (loc == TGSI_LOC_CENTROID) {
		return "centroid ";
	}
	if (loc == TGSI_LOC_SAMPLE) {
		c->exts |= EXT_GPU_SHADER5;
		return "sample ";
	}
	return "";
}

/* Declarations of everything a non-VS stage reads from the previous stage. */
static void
declare_varying_inputs(struct emit_ctx *c, struct glsl_buf *o)
{
	bool gs = c->prog->processor == TGSI_PROC_GEOMETRY;
	for (uint32_t i = 0; i < TGSI_MAX_IO; i++) {
		uint32_t si = 0;
		char name[48];
		if (c->in_decl[i] < 0) {
			continue;
		}
		const struct tgsi_declaration *d = io_decl(c, true, i, &si);
		if (!gs && fs_input_is_special(c, d->semantic, si)) {
			continue;
		}
		if (!varying_name(d->semantic, si, gs, name, sizeof(name))) {
			continue; /* built-in (gl_in[]) or rejected when read */
		}
		const char *interp = gs ? "" : interp_qualifier(c, d);
		const char *loc = gs ? "" : location_qualifier(c, d->location);
		glsl_buf_printf(o, "%s%sin vec4 %s%s;\n", interp, loc, name, gs ? "[]" : "");
	}
}

static void
declare_fs_outputs(struct emit_ctx *c, struct glsl_buf *o)
{
	unsigned n = c->writes_color_all ? (c->key->nr_cbufs ? c->key->nr_cbufs : 1) : 0;
	for (uint32_t i = 0; i < TGSI_MAX_IO; i++) {
		uint32_t si = 0;
		if (c->out_decl[i] >= 0 && io_decl(c, false, i, &si)->semantic == TGSI_SEM_COLOR &&
		    !c->writes_color_all && si + 1 > n) {
			n = si + 1;
		}
	}
	for (unsigned k = 0; k < n && k < 8; k++) {
		enum glsl_type t = (c->key->cbuf_int_mask & (1u << k))    ? GT_INT
				   : (c->key->cbuf_uint_mask & (1u << k)) ? GT_UINT
									  : GT_FLOAT;
		glsl_buf_printf(o, "layout(location = %u) out %s%s pvgpu_fragcolor%u;\n", k,
				c->es ? "highp " : "", glsl_type_name(t, 4), k);
	}
}

/* Returns the slot (for key masks) of a user varying, or -1. */
static int
slot_of(const struct tgsi_declaration *d, uint32_t si)
{
	return vr_shader_varying_slot(d->semantic == TGSI_SEM_NONE         ? VR_SEM_NONE
				      : d->semantic == TGSI_SEM_GENERIC    ? VR_SEM_GENERIC
				      : d->semantic == TGSI_SEM_TEXCOORD   ? VR_SEM_TEXCOORD
				      : d->semantic == TGSI_SEM_COLOR      ? VR_SEM_COLOR
				      : d->semantic == TGSI_SEM_BCOLOR     ? VR_SEM_BCOLOR
				      : d->semantic == TGSI_SEM_FOG        ? VR_SEM_FOG
				      : d->semantic == TGSI_SEM_CLIPVERTEX ? VR_SEM_CLIPVERTEX
									   : VR_SEM_OTHER,
				      si);
}

static void
declare_vertex_outputs(struct emit_ctx *c, struct glsl_buf *o)
{
	bool gsin = c->prog->processor == TGSI_PROC_VERTEX && c->key->gs_follows;
	for (uint32_t i = 0; i < TGSI_MAX_IO; i++) {
		uint32_t si = 0;
		char name[48];
		if (c->out_decl[i] < 0) {
			continue;
		}
		const struct tgsi_declaration *d = io_decl(c, false, i, &si);
		if (!varying_name(d->semantic, si, gsin, name, sizeof(name))) {
			continue;
		}
		int s = gsin ? -1 : slot_of(d, si);
		uint64_t bit = s >= 0 ? 1ull << s : 0;
		const char *interp = (c->key->out_flat & bit) ? "flat "
				     : (c->key->out_noperspective & bit) && !c->es
					     ? "noperspective "
					     : "";
		const char *loc = (c->key->out_centroid & bit) ? "centroid "
				  : (c->key->out_sample & bit)
					  ? location_qualifier(c, TGSI_LOC_SAMPLE)
					  : "";
		/* No `invariant` here: GLSL 3.30 needs it on both sides of the link. */
		glsl_buf_printf(o, "%s%sout vec4 %s;\n", interp, loc, name);
	}
}

void
emit_io_declarations(struct emit_ctx *c, struct glsl_buf *o)
{
	if (c->prog->processor == TGSI_PROC_VERTEX) {
		for (uint32_t i = 0; i < TGSI_MAX_IO; i++) {
			if (c->in_decl[i] >= 0) {
				glsl_buf_printf(o, "layout(location = %u) in vec4 pvgpu_in%u;\n", i,
						i);
			}
		}
	} else {
		declare_varying_inputs(c, o);
	}
	if (c->prog->processor == TGSI_PROC_FRAGMENT) {
		declare_fs_outputs(c, o);
	} else {
		declare_vertex_outputs(c, o);
	}
	for (uint32_t i = 0; i < TGSI_MAX_IO; i++) {
		if (c->out_decl[i] >= 0) {
			/* Zeroed: TGSI leaves unwritten output components undefined; zeros are
			 * deterministic and silence "used uninitialized" compiler warnings. */
			glsl_buf_printf(o, "uvec4 o%u = uvec4(0u);\n", i);
		}
	}
	emit_so_declarations(c, o);
}

static void
write_position(struct emit_ctx *c, struct glsl_buf *o, uint32_t i)
{
	glsl_buf_printf(o, "\tgl_Position = uintBitsToFloat(o%u);\n", i);
	if (!emit_is_last_vertex_stage(c)) {
		return;
	}
	if (c->key->clip_halfz) {
		/* Guest clips z to [0, w]; GL to [-w, w]. */
		glsl_buf_puts(o, "\tgl_Position.z = gl_Position.z * 2.0 - gl_Position.w;\n");
	}
	glsl_buf_puts(o, "\tgl_Position.y *= pvgpu_winsys_adjust_y;\n");
}

static void
write_vertex_output(struct emit_ctx *c, struct glsl_buf *o, uint32_t i)
{
	uint32_t si = 0;
	char name[48];
	const struct tgsi_declaration *d = io_decl(c, false, i, &si);
	bool gsin = c->prog->processor == TGSI_PROC_VERTEX && c->key->gs_follows;
	switch (d->semantic) {
	case TGSI_SEM_POSITION:
		write_position(c, o, i);
		return;
	case TGSI_SEM_PSIZE:
		glsl_buf_printf(o, "\tgl_PointSize = uintBitsToFloat(o%u.x);\n", i);
		return;
	case TGSI_SEM_CLIPDIST:
		for (uint32_t k = 0; k < 4; k++) {
			uint32_t n = si * 4 + k;
			if (n >= c->clip_dist_count || c->es) {
				continue;
			}
			if (emit_is_last_vertex_stage(c) &&
			    !((c->key->clip_plane_enable >> n) & 1)) {
				/* Gallium's clip_plane_enable masks written distances too. GL's
				 * GL_CLIP_DISTANCEi should, but llvmpipe still clips with a
				 * written distance when every one is disabled: zero is never
				 * clipped, and an FS reading a disabled distance is undefined. */
				glsl_buf_printf(o, "\tgl_ClipDistance[%u] = 0.0;\n", n);
				continue;
			}
			glsl_buf_printf(o, "\tgl_ClipDistance[%u] = uintBitsToFloat(o%u.%c);\n", n,
					i, "xyzw"[k]);
		}
		return;
	case TGSI_SEM_LAYER:
		if (c->prog->processor == TGSI_PROC_GEOMETRY) {
			glsl_buf_printf(o, "\tgl_Layer = int(o%u.x);\n", i);
		}
		return;
	case TGSI_SEM_PRIMID:
		if (c->prog->processor == TGSI_PROC_GEOMETRY) {
			glsl_buf_printf(o, "\tgl_PrimitiveID = int(o%u.x);\n", i);
		}
		return;
	default:
		if (varying_name(d->semantic, si, gsin, name, sizeof(name))) {
			glsl_buf_printf(o, "\t%s = uintBitsToFloat(o%u);\n", name, i);
		}
		return;
	}
}

static void
write_alpha_test(struct emit_ctx *c, struct glsl_buf *o, uint32_t i)
{
	static const char *const ops[8] = {NULL, "<", "==", "<=", ">", "!=", ">=", NULL};
	uint8_t f = c->key->alpha_func;
	if (!c->key->alpha_test || f == PIPE_FUNC_ALWAYS || f > 7) {
		return;
	}
	if (f == PIPE_FUNC_NEVER) {
		glsl_buf_puts(o, "\tdiscard;\n");
		return;
	}
	glsl_buf_printf(
		o, "\tif (!(uintBitsToFloat(o%u.w) %s pvgpu_alpha_ref)) {\n\t\tdiscard;\n\t}\n", i,
		ops[f]);
}

static void
write_color(struct emit_ctx *c, struct glsl_buf *o, uint32_t i, uint32_t k)
{
	const char *conv = (c->key->cbuf_int_mask & (1u << k))    ? "ivec4"
			   : (c->key->cbuf_uint_mask & (1u << k)) ? ""
								  : "uintBitsToFloat";
	glsl_buf_printf(o, "\tpvgpu_fragcolor%u = %s(o%u);\n", k, conv, i);
}

static void
write_fragment_output(struct emit_ctx *c, struct glsl_buf *o, uint32_t i)
{
	uint32_t si = 0;
	const struct tgsi_declaration *d = io_decl(c, false, i, &si);
	switch (d->semantic) {
	case TGSI_SEM_COLOR:
		if (si == 0) {
			write_alpha_test(c, o, i);
		}
		if (c->writes_color_all && si == 0) {
			unsigned n = c->key->nr_cbufs ? c->key->nr_cbufs : 1;
			for (unsigned k = 0; k < n && k < 8; k++) {
				write_color(c, o, i, k);
			}
		} else if (!c->writes_color_all && si < 8) {
			write_color(c, o, i, si);
		}
		return;
	case TGSI_SEM_POSITION:
		glsl_buf_printf(o, "\tgl_FragDepth = uintBitsToFloat(o%u.z);\n", i);
		return;
	case TGSI_SEM_STENCIL:
		c->exts |= EXT_STENCIL_EXPORT;
		glsl_buf_printf(o, "\tgl_FragStencilRefARB = int(o%u.y);\n", i);
		return;
	case TGSI_SEM_SAMPLEMASK:
		c->exts |= EXT_SAMPLE_SHADING;
		glsl_buf_printf(o, "\tgl_SampleMask[0] = int(o%u.x);\n", i);
		return;
	default:
		return;
	}
}

void
emit_write_outputs_fn(struct emit_ctx *c, struct glsl_buf *o)
{
	glsl_buf_puts(o, "void pvgpu_write_outputs()\n{\n");
	for (uint32_t i = 0; i < TGSI_MAX_IO; i++) {
		if (c->out_decl[i] < 0) {
			continue;
		}
		if (c->prog->processor == TGSI_PROC_FRAGMENT) {
			write_fragment_output(c, o, i);
		} else {
			write_vertex_output(c, o, i);
		}
	}
	for (uint32_t k = 0; k < c->ucp_count; k++) {
		if ((c->key->clip_plane_enable >> k) & 1) {
			glsl_buf_printf(o,
					"\tgl_ClipDistance[%u] = dot(uintBitsToFloat(o%u), "
					"pvgpu_clip_plane[%u]);\n",
					k, c->ucp_src, k);
		}
	}
	emit_so_writes(c, o);
	glsl_buf_puts(o, "}\n\n");
}

bool
emit_io_name_for_info(const struct emit_ctx *c, bool input, uint32_t idx, char *buf, size_t n)
{
	uint32_t si = 0;
	const struct tgsi_declaration *d = io_decl(c, input, idx, &si);
	bool vs = c->prog->processor == TGSI_PROC_VERTEX;
	if (input && vs) {
		snprintf(buf, n, "pvgpu_in%u", idx);
		return true;
	}
	if (!input && c->prog->processor == TGSI_PROC_FRAGMENT) {
		if (d->semantic == TGSI_SEM_COLOR) {
			snprintf(buf, n, "pvgpu_fragcolor%u", si);
			return true;
		}
		snprintf(buf, n, "%s", d->semantic == TGSI_SEM_POSITION ? "gl_FragDepth" : "");
		return true;
	}
	bool gsin = (input && c->prog->processor == TGSI_PROC_GEOMETRY) ||
		    (!input && vs && c->key->gs_follows);
	if (!varying_name(d->semantic, si, gsin, buf, n)) {
		snprintf(buf, n, "%s", d->semantic == TGSI_SEM_POSITION ? "gl_Position" : "");
	}
	return true;
}

/* INTERP_CENTROID / INTERP_SAMPLE (src1.x: sample index) / INTERP_OFFSET (src1.xy:
 * pixel offset): GLSL 4.00's interpolateAt*() applied to the varying itself, so
 * src0 must be a plain fragment shader input (no built-in, no indirection). */
bool
emit_interp(struct emit_ctx *c, const struct tgsi_instruction *in)
{
	const char *op = tgsi_opcode_infos[in->opcode].name;
	const struct tgsi_src *s = &in->src[0];
	if (c->prog->processor != TGSI_PROC_FRAGMENT || s->reg.file != TGSI_FILE_INPUT ||
	    s->reg.indirect || s->reg.has_dim || s->reg.index < 0 || s->reg.index >= TGSI_MAX_IO ||
	    c->in_decl[s->reg.index] < 0) {
		return emit_fail(c, in->line, "%s needs a declared fragment shader input", op);
	}
	if (c->es) {
		return emit_fail(c, in->line, "%s needs GLSL ES 3.20; target is ES 3.00", op);
	}
	uint32_t si = 0;
	char name[48];
	const struct tgsi_declaration *d = io_decl(c, true, (uint32_t)s->reg.index, &si);
	if (fs_input_is_special(c, d->semantic, si) ||
	    !varying_name(d->semantic, si, false, name, sizeof(name))) {
		return emit_fail(c, in->line, "%s of input semantic %s not supported", op,
				 d->semantic < TGSI_SEM_COUNT ? tgsi_semantic_names[d->semantic]
							      : "(none)");
	}
	c->exts |= EXT_GPU_SHADER5;
	struct glsl_buf arg = {0}, e = {0};
	static const uint8_t xy[2] = {0, 1};
	switch (in->opcode) {
	case TGSI_OP_INTERP_SAMPLE:
		emit_src_swz(c, &arg, &in->src[1], GT_INT, xy, 1);
		glsl_buf_printf(&e, "interpolateAtSample(%s, %s)", name, arg.s ? arg.s : "0");
		break;
	case TGSI_OP_INTERP_OFFSET:
		emit_src_swz(c, &arg, &in->src[1], GT_FLOAT, xy, 2);
		glsl_buf_printf(&e, "interpolateAtOffset(%s, %s)", name,
				arg.s ? arg.s : "vec2(0.0)");
		break;
	default:
		glsl_buf_printf(&e, "interpolateAtCentroid(%s)", name);
		break;
	}
	glsl_buf_puts(&e, ".");
	for (unsigned ch = 0; ch < 4; ch++) {
		if (in->dst.writemask & (1u << ch)) {
			glsl_buf_printf(&e, "%c", "xyzw"[s->swizzle[ch]]);
		}
	}
	struct glsl_buf m = {0};
	const char *v = e.s ? e.s : "0.0";
	glsl_buf_printf(&m,
			s->absolute ? (s->negate ? "(-abs(%s))" : "abs(%s)")
				    : (s->negate ? "(-%s)" : "%s"),
			v);
	emit_store(c, in, GT_FLOAT, m.s ? m.s : "0.0");
	glsl_buf_finish(&m);
	glsl_buf_finish(&e);
	glsl_buf_finish(&arg);
	return !c->failed;
}
