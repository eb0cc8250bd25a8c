/*
 * pvgpu — IR → GLSL: stream-output (transform feedback) captures.
 *
 * Each captured output k becomes `flat out uint/uvecN pvgpu_so<k>` holding the
 * raw bits of the requested components of its OUT register, assigned in
 * pvgpu_write_outputs() (end of main, or before each GS EmitVertex). Capturing
 * the register, not gl_Position, keeps our y-flip and depth fix-ups out of the
 * captured data. The GL backend lists the names with vr_shader_so_varyings().
 */
#include <stdlib.h>

#include "glsl_emit.h"
#include "vr_shader.h"

static bool
so_active(const struct emit_ctx *c)
{
	const struct vr_shader_so *so = c->key->so;
	if (!so || !so->num_outputs) {
		return false;
	}
	return c->prog->processor == TGSI_PROC_GEOMETRY ||
	       (c->prog->processor == TGSI_PROC_VERTEX && !c->key->gs_follows);
}

bool
emit_so_check(struct emit_ctx *c)
{
	if (!so_active(c)) {
		return true;
	}
	const struct vr_shader_so *so = c->key->so;
	struct vr_shader_so_varyings *v = calloc(1, sizeof(*v));
	if (!v) {
		return emit_fail(c, 0, "out of memory");
	}
	char err[128] = "";
	bool ok = vr_shader_so_varyings(so, v, err, sizeof(err));
	free(v);
	if (!ok) {
		return emit_fail(c, 0, "%s", err);
	}
	for (uint32_t i = 0; i < so->num_outputs; i++) {
		uint32_t r = so->outputs[i].register_index;
		if (r >= TGSI_MAX_IO || c->out_decl[r] < 0) {
			return emit_fail(c, 0, "stream output %u: OUT[%u] is not declared", i, r);
		}
	}
	return true;
}

void
emit_so_declarations(struct emit_ctx *c, struct glsl_buf *o)
{
	if (!so_active(c)) {
		return;
	}
	const struct vr_shader_so *so = c->key->so;
	for (uint32_t i = 0; i < so->num_outputs; i++) {
		glsl_buf_printf(o, "flat out %s pvgpu_so%u;\n",
				glsl_type_name(GT_UINT, so->outputs[i].num_components), i);
	}
}

void
emit_so_writes(struct emit_ctx *c, struct glsl_buf *o)
{
	if (!so_active(c)) {
		return;
	}
	const struct vr_shader_so *so = c->key->so;
	for (uint32_t i = 0; i < so->num_outputs; i++) {
		const struct vr_shader_so_output *out = &so->outputs[i];
		char sw[5] = "";
		for (uint32_t k = 0; k < out->num_components; k++) {
			sw[k] = "xyzw"[out->start_component + k];
		}
		glsl_buf_printf(o, "\tpvgpu_so%u = o%u.%s;\n", i, out->register_index, sw);
	}
}
