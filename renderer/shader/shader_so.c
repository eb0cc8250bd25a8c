/*
 * pvgpu — stream-output (transform feedback) layout → GL varying list.
 *
 * Gallium describes captures as (register, components, buffer, dword offset)
 * with a dword stride per buffer; GL interleaved capture writes the listed
 * varyings back to back, so gaps become gl_SkipComponents<N> and a buffer
 * change gl_NextBuffer (GL 4.0 core, ARB_transform_feedback3). Pure C, no GL.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vr_shader.h"

static bool
so_fail(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (n) {
		vsnprintf(err, n, fmt, ap);
	}
	va_end(ap);
	return false;
}

static bool
check_output(const struct vr_shader_so *so, uint32_t i, char *err, size_t n)
{
	const struct vr_shader_so_output *o = &so->outputs[i];
	if (o->output_buffer >= VR_SHADER_SO_BUFFERS || o->num_components == 0 ||
	    o->num_components > 4 || o->start_component + o->num_components > 4) {
		return so_fail(err, n, "stream output %u: buffer %u, components %u+%u", i,
			       o->output_buffer, o->start_component, o->num_components);
	}
	if (o->stream != 0) {
		return so_fail(err, n, "stream output %u: vertex stream %u not supported", i,
			       o->stream);
	}
	if ((uint32_t)o->dst_offset + o->num_components > so->stride[o->output_buffer]) {
		return so_fail(err, n, "stream output %u: offset %u + %u beyond stride %u", i,
			       o->dst_offset, o->num_components, so->stride[o->output_buffer]);
	}
	return true;
}

static bool
add_name(struct vr_shader_so_varyings *out, const char *name, uint32_t k)
{
	if (out->count >= VR_SHADER_SO_MAX_VARYINGS) {
		return false;
	}
	snprintf(out->names[out->count++], sizeof(out->names[0]), name, k);
	return true;
}

static bool
add_skip(struct vr_shader_so_varyings *out, uint32_t dwords)
{
	for (; dwords; dwords -= dwords < 4 ? dwords : 4) {
		if (!add_name(out, "gl_SkipComponents%u", dwords < 4 ? dwords : 4)) {
			return false;
		}
	}
	return true;
}

bool
vr_shader_so_varyings(const struct vr_shader_so *so, struct vr_shader_so_varyings *out, char *err,
		      size_t err_size)
{
	memset(out, 0, sizeof(*out));
	if (so->num_outputs > VR_SHADER_SO_MAX_OUTPUTS) {
		return so_fail(err, err_size, "%u stream outputs", so->num_outputs);
	}
	for (uint32_t b = 0; b < VR_SHADER_SO_BUFFERS; b++) {
		if (so->stride[b] > VR_SHADER_SO_MAX_STRIDE) {
			return so_fail(err, err_size, "stream output stride %u of buffer %u",
				       so->stride[b], b);
		}
	}
	for (uint32_t i = 0; i < so->num_outputs; i++) {
		if (!check_output(so, i, err, err_size)) {
			return false;
		}
		out->buffer_mask |= 1u << so->outputs[i].output_buffer;
	}
	uint32_t cur_buffer = 0;
	for (uint32_t b = 0; b < VR_SHADER_SO_BUFFERS; b++) {
		if (!(out->buffer_mask & (1u << b))) {
			continue;
		}
		for (; cur_buffer < b; cur_buffer++) {
			if (!add_name(out, "gl_NextBuffer", 0)) {
				goto err_too_many;
			}
		}
		/* Outputs of this buffer in offset order (at most 64: selection is fine). */
		uint32_t cursor = 0, placed = 0, total = 0;
		for (uint32_t i = 0; i < so->num_outputs; i++) {
			total += so->outputs[i].output_buffer == b;
		}
		for (;;) {
			int next = -1;
			for (uint32_t i = 0; i < so->num_outputs; i++) {
				const struct vr_shader_so_output *o = &so->outputs[i];
				if (o->output_buffer == b && o->dst_offset >= cursor &&
				    (next < 0 || o->dst_offset < so->outputs[next].dst_offset)) {
					next = (int)i;
				}
			}
			if (next < 0) {
				break;
			}
			const struct vr_shader_so_output *o = &so->outputs[next];
			if (!add_skip(out, o->dst_offset - cursor) ||
			    !add_name(out, "pvgpu_so%u", (uint32_t)next)) {
				goto err_too_many;
			}
			cursor = o->dst_offset + o->num_components;
			placed++;
		}
		if (placed != total) {
			return so_fail(err, err_size, "stream outputs of buffer %u overlap", b);
		}
		if (!add_skip(out, so->stride[b] - cursor)) {
			goto err_too_many;
		}
	}
	return true;
err_too_many:
	return so_fail(err, err_size, "stream output layout needs over %u varyings",
		       VR_SHADER_SO_MAX_VARYINGS);
}
