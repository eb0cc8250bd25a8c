/*
 * pvgpu — null backend context slots: one log line per call, nothing rendered.
 * Object and resource references are printed as guest handles / ids (0 = none).
 */
#include <stdlib.h>

#include "null_priv.h"
#include "vgp_virgl_format.h"
#include "vr_core.h"

static const char *const type_names[VIRGL_MAX_OBJECTS] = {
	"NULL",    "BLEND",           "RASTERIZER",       "DSA",
	"SHADER",  "VERTEX_ELEMENTS", "SAMPLER_VIEW",     "SAMPLER_STATE",
	"SURFACE", "QUERY",           "STREAMOUT_TARGET", "MSAA_SURFACE",
};

static const char *
type_name(uint32_t type)
{
	return type < VIRGL_MAX_OBJECTS ? type_names[type] : "?";
}

static struct null_backend *
nb_of(struct vr_backend_ctx *bctx)
{
	return ((struct null_ctx *)bctx)->nb;
}

static uint32_t
oh(const struct vr_object *obj)
{
	return obj ? obj->handle : 0;
}

static uint32_t
rid(const struct vr_resource *res)
{
	return res ? res->id : 0;
}

static void
null_ctx_destroy(struct vr_backend_ctx *bctx)
{
	struct null_ctx *nc = (struct null_ctx *)bctx;
	null_log(nc->nb, "ctx_destroy id=%u", nc->id);
	free(nc);
}

static bool
null_sub_ctx_create(struct vr_backend_ctx *bctx, struct vr_sub_ctx *sub)
{
	null_log(nb_of(bctx), "sub_ctx_create id=%u", sub->id);
	return true;
}

static void
null_sub_ctx_destroy(struct vr_backend_ctx *bctx, struct vr_sub_ctx *sub)
{
	null_log(nb_of(bctx), "sub_ctx_destroy id=%u", sub->id);
}

static void
null_sub_ctx_make_current(struct vr_backend_ctx *bctx, struct vr_sub_ctx *sub)
{
	null_log(nb_of(bctx), "sub_ctx_make_current id=%u", sub->id);
}

static void
describe_blend(struct null_line *l, const struct vr_blend_state *b)
{
	null_line_add(l, " indep=%d logicop=%d/%u dither=%d a2c=%d a2one=%d",
		      b->independent_blend_enable, b->logicop_enable, b->logicop_func, b->dither,
		      b->alpha_to_coverage, b->alpha_to_one);
	int n = b->independent_blend_enable ? VIRGL_MAX_COLOR_BUFS : 1;
	for (int i = 0; i < n; i++) {
		const struct vr_blend_rt *rt = &b->rt[i];
		null_line_add(l, " rt%d=%d,%u,%u,%u,%u,%u,%u,mask=0x%x", i, rt->blend_enable,
			      rt->rgb_func, rt->rgb_src_factor, rt->rgb_dst_factor, rt->alpha_func,
			      rt->alpha_src_factor, rt->alpha_dst_factor, rt->colormask);
	}
}

static void
describe_dsa(struct null_line *l, const struct vr_dsa_state *d)
{
	null_line_add(l, " depth=%d,%d,%u alpha=%d,%u,%g", d->depth_enable, d->depth_writemask,
		      d->depth_func, d->alpha_enable, d->alpha_func, d->alpha_ref);
	for (int i = 0; i < 2; i++) {
		const struct vr_stencil_state *s = &d->stencil[i];
		null_line_add(l, " stencil%d=%d,%u,%u,%u,%u,0x%x,0x%x", i, s->enabled, s->func,
			      s->fail_op, s->zpass_op, s->zfail_op, s->valuemask, s->writemask);
	}
}

static void
describe_view(struct null_line *l, const struct vr_sampler_view_state *v)
{
	null_line_add(l, " res=%u fmt=%u target=%u", rid(v->res), v->format, v->target);
	if (v->target == PIPE_BUFFER) {
		null_line_add(l, " elements=%u-%u", v->first_element, v->last_element);
	} else {
		null_line_add(l, " layers=%u-%u levels=%u-%u", v->first_layer, v->last_layer,
			      v->first_level, v->last_level);
	}
	null_line_add(l, " swizzle=%u%u%u%u", v->swizzle[0], v->swizzle[1], v->swizzle[2],
		      v->swizzle[3]);
}

static void
describe_sampler(struct null_line *l, const struct vr_sampler_state *s)
{
	null_line_add(l,
		      " wrap=%u,%u,%u filter=%u,%u,%u compare=%d,%u seamless=%d aniso=%u "
		      "lod=%g,%g,%g border=0x%x,0x%x,0x%x,0x%x",
		      s->wrap_s, s->wrap_t, s->wrap_r, s->min_img_filter, s->min_mip_filter,
		      s->mag_img_filter, s->compare_mode, s->compare_func, s->seamless_cube_map,
		      s->max_anisotropy, s->lod_bias, s->min_lod, s->max_lod, s->border_color[0],
		      s->border_color[1], s->border_color[2], s->border_color[3]);
}

static void
describe_surface(struct null_line *l, const struct vr_surface_state *s)
{
	null_line_add(l, " res=%u fmt=%u", rid(s->res), s->format);
	if (s->res && s->res->desc.target == PIPE_BUFFER) {
		null_line_add(l, " elements=%u-%u", s->first_element, s->last_element);
	} else {
		null_line_add(l, " level=%u layers=%u-%u", s->level, s->first_layer, s->last_layer);
	}
	if (s->nr_samples) {
		null_line_add(l, " samples=%u", s->nr_samples);
	}
}

static void
describe_shader(struct null_line *l, const struct vr_shader_state *sh)
{
	null_line_add(l, " stage=%u tokens=%u so=%u text_len=%u text_hash=0x%08x", sh->stage,
		      sh->num_tokens, sh->num_so_outputs, sh->text_len,
		      null_hash(sh->text, sh->text_len, 2166136261u));
}

static void
describe_object(struct null_line *l, const struct vr_object *obj)
{
	const struct vr_rasterizer_state *rs = &obj->u.rs;
	switch (obj->type) {
	case VIRGL_OBJECT_BLEND:
		describe_blend(l, &obj->u.blend);
		break;
	case VIRGL_OBJECT_RASTERIZER:
		null_line_add(l,
			      " s0=0x%08x point_size=%g sprite=0x%x stipple=0x%x,%u clip=0x%x "
			      "line_width=%g offset=%g,%g,%g",
			      rs->s0, rs->point_size, rs->sprite_coord_enable,
			      rs->line_stipple_pattern, rs->line_stipple_factor,
			      rs->clip_plane_enable, rs->line_width, rs->offset_units,
			      rs->offset_scale, rs->offset_clamp);
		break;
	case VIRGL_OBJECT_DSA:
		describe_dsa(l, &obj->u.dsa);
		break;
	case VIRGL_OBJECT_SHADER:
		describe_shader(l, &obj->u.shader);
		break;
	case VIRGL_OBJECT_VERTEX_ELEMENTS:
		null_line_add(l, " count=%u", obj->u.ve.count);
		for (uint32_t i = 0; i < obj->u.ve.count; i++) {
			const struct vr_vertex_element *e = &obj->u.ve.elements[i];
			null_line_add(l, " [%u]=%u,%u,%u,%u", i, e->src_offset, e->instance_divisor,
				      e->vertex_buffer_index, e->format);
		}
		break;
	case VIRGL_OBJECT_SAMPLER_VIEW:
		describe_view(l, &obj->u.view);
		break;
	case VIRGL_OBJECT_SAMPLER_STATE:
		describe_sampler(l, &obj->u.sampler);
		break;
	case VIRGL_OBJECT_SURFACE:
	case VIRGL_OBJECT_MSAA_SURFACE:
		describe_surface(l, &obj->u.surface);
		break;
	case VIRGL_OBJECT_QUERY:
		null_line_add(l, " query_type=%u index=%u offset=%u res=%u", obj->u.query.type,
			      obj->u.query.index, obj->u.query.offset, rid(obj->u.query.res));
		break;
	case VIRGL_OBJECT_STREAMOUT_TARGET:
		null_line_add(l, " res=%u offset=%u size=%u", rid(obj->u.so_target.res),
			      obj->u.so_target.buffer_offset, obj->u.so_target.buffer_size);
		break;
	default:
		break;
	}
}

static bool
null_object_create(struct vr_backend_ctx *bctx, struct vr_object *obj)
{
	struct null_line l = {.n = 0};
	null_line_add(&l, "create_object handle=%u type=%s", obj->handle, type_name(obj->type));
	describe_object(&l, obj);
	null_line_commit(nb_of(bctx), &l);
	return true;
}

static void
null_object_destroy(struct vr_backend_ctx *bctx, struct vr_object *obj)
{
	null_log(nb_of(bctx), "destroy_object handle=%u type=%s", obj->handle,
		 type_name(obj->type));
}

static void
null_bind_object(struct vr_backend_ctx *bctx, uint32_t type, struct vr_object *obj)
{
	null_log(nb_of(bctx), "bind_object type=%s handle=%u", type_name(type), oh(obj));
}

static void
null_bind_shader(struct vr_backend_ctx *bctx, uint32_t stage, struct vr_object *obj)
{
	null_log(nb_of(bctx), "bind_shader stage=%u handle=%u", stage, oh(obj));
}

static void
null_link_shader(struct vr_backend_ctx *bctx, struct vr_object *const shaders[6])
{
	null_log(nb_of(bctx), "link_shader vs=%u fs=%u gs=%u tcs=%u tes=%u cs=%u", oh(shaders[0]),
		 oh(shaders[1]), oh(shaders[2]), oh(shaders[3]), oh(shaders[4]), oh(shaders[5]));
}

static void
null_set_framebuffer_state(struct vr_backend_ctx *bctx, const struct vr_framebuffer_state *fb)
{
	struct null_line l = {.n = 0};
	null_line_add(&l, "set_framebuffer_state nr_cbufs=%u zsbuf=%u cbufs=", fb->nr_cbufs,
		      oh(fb->zsbuf));
	for (uint32_t i = 0; i < fb->nr_cbufs; i++) {
		null_line_add(&l, "%s%u", i ? "," : "", oh(fb->cbufs[i]));
	}
	null_line_commit(nb_of(bctx), &l);
}

static void
null_set_framebuffer_no_attach(struct vr_backend_ctx *bctx, uint32_t width, uint32_t height,
			       uint32_t layers, uint32_t samples)
{
	null_log(nb_of(bctx), "set_framebuffer_no_attach %ux%u layers=%u samples=%u", width, height,
		 layers, samples);
}

static void
null_set_viewport_states(struct vr_backend_ctx *bctx, uint32_t start, uint32_t count,
			 const struct vr_viewport *vps)
{
	struct null_line l = {.n = 0};
	null_line_add(&l, "set_viewport_states start=%u count=%u", start, count);
	for (uint32_t i = 0; i < count; i++) {
		const struct vr_viewport *v = &vps[i];
		null_line_add(&l, " scale=%g,%g,%g translate=%g,%g,%g", v->scale[0], v->scale[1],
			      v->scale[2], v->translate[0], v->translate[1], v->translate[2]);
	}
	null_line_commit(nb_of(bctx), &l);
}

static void
null_set_scissor_states(struct vr_backend_ctx *bctx, uint32_t start, uint32_t count,
			const struct vr_scissor *rects)
{
	struct null_line l = {.n = 0};
	null_line_add(&l, "set_scissor_states start=%u count=%u", start, count);
	for (uint32_t i = 0; i < count; i++) {
		null_line_add(&l, " %u,%u-%u,%u", rects[i].minx, rects[i].miny, rects[i].maxx,
			      rects[i].maxy);
	}
	null_line_commit(nb_of(bctx), &l);
}

static void
null_set_vertex_buffers(struct vr_backend_ctx *bctx, uint32_t count,
			const struct vr_vertex_buffer *vbs)
{
	struct null_line l = {.n = 0};
	null_line_add(&l, "set_vertex_buffers count=%u", count);
	for (uint32_t i = 0; i < count; i++) {
		null_line_add(&l, " [%u]=%u,%u,%u", i, vbs[i].stride, vbs[i].offset,
			      rid(vbs[i].res));
	}
	null_line_commit(nb_of(bctx), &l);
}

static void
null_set_index_buffer(struct vr_backend_ctx *bctx, const struct vr_index_buffer *ib)
{
	null_log(nb_of(bctx), "set_index_buffer res=%u size=%u offset=%u", rid(ib->res),
		 ib->index_size, ib->offset);
}

static void
null_set_constant_buffer(struct vr_backend_ctx *bctx, uint32_t stage, uint32_t index,
			 uint32_t count, const uint32_t *data)
{
	null_log(nb_of(bctx), "set_constant_buffer stage=%u index=%u count=%u hash=0x%08x", stage,
		 index, count, null_hash(data, (size_t)count * 4, 2166136261u));
}

static void
null_set_uniform_buffer(struct vr_backend_ctx *bctx, uint32_t stage, uint32_t index,
			uint32_t offset, uint32_t length, struct vr_resource *res)
{
	null_log(nb_of(bctx), "set_uniform_buffer stage=%u index=%u offset=%u length=%u res=%u",
		 stage, index, offset, length, rid(res));
}

/* Shared by sampler views and sampler states: "name stage=S start=N handles=a,b,..". */
static void
log_handles(struct vr_backend_ctx *bctx, const char *name, uint32_t stage, uint32_t start,
	    uint32_t count, struct vr_object *const *objs)
{
	struct null_line l = {.n = 0};
	null_line_add(&l, "%s stage=%u start=%u count=%u handles=", name, stage, start, count);
	for (uint32_t i = 0; i < count; i++) {
		null_line_add(&l, "%s%u", i ? "," : "", oh(objs[i]));
	}
	null_line_commit(nb_of(bctx), &l);
}

static void
null_set_sampler_views(struct vr_backend_ctx *bctx, uint32_t stage, uint32_t start, uint32_t count,
		       struct vr_object *const *views)
{
	log_handles(bctx, "set_sampler_views", stage, start, count, views);
}

static void
null_bind_sampler_states(struct vr_backend_ctx *bctx, uint32_t stage, uint32_t start,
			 uint32_t count, struct vr_object *const *samplers)
{
	log_handles(bctx, "bind_sampler_states", stage, start, count, samplers);
}

static void
null_set_stencil_ref(struct vr_backend_ctx *bctx, uint8_t front, uint8_t back)
{
	null_log(nb_of(bctx), "set_stencil_ref front=%u back=%u", front, back);
}

static void
null_set_blend_color(struct vr_backend_ctx *bctx, const float c[4])
{
	null_log(nb_of(bctx), "set_blend_color %g,%g,%g,%g", c[0], c[1], c[2], c[3]);
}

static void
null_set_sample_mask(struct vr_backend_ctx *bctx, uint32_t mask)
{
	null_log(nb_of(bctx), "set_sample_mask 0x%x", mask);
}

static void
null_set_min_samples(struct vr_backend_ctx *bctx, uint32_t min_samples)
{
	null_log(nb_of(bctx), "set_min_samples %u", min_samples);
}

static void
null_set_polygon_stipple(struct vr_backend_ctx *bctx, const uint32_t pattern[32])
{
	null_log(nb_of(bctx), "set_polygon_stipple hash=0x%08x",
		 null_hash(pattern, 32 * 4, 2166136261u));
}

static void
null_set_clip_state(struct vr_backend_ctx *bctx, const float planes[8][4])
{
	null_log(nb_of(bctx), "set_clip_state p0=%g,%g,%g,%g p7=%g,%g,%g,%g", planes[0][0],
		 planes[0][1], planes[0][2], planes[0][3], planes[7][0], planes[7][1], planes[7][2],
		 planes[7][3]);
}

static void
null_set_tess_state(struct vr_backend_ctx *bctx, const float outer[4], const float inner[2])
{
	null_log(nb_of(bctx), "set_tess_state outer=%g,%g,%g,%g inner=%g,%g", outer[0], outer[1],
		 outer[2], outer[3], inner[0], inner[1]);
}

static void
null_set_streamout_targets(struct vr_backend_ctx *bctx, uint32_t append_mask, uint32_t count,
			   struct vr_object *const *targets)
{
	struct null_line l = {.n = 0};
	null_line_add(&l, "set_streamout_targets append=0x%x count=%u handles=", append_mask,
		      count);
	for (uint32_t i = 0; i < count; i++) {
		null_line_add(&l, "%s%u", i ? "," : "", oh(targets[i]));
	}
	null_line_commit(nb_of(bctx), &l);
}

static void
null_set_render_condition(struct vr_backend_ctx *bctx, struct vr_object *query, bool condition,
			  uint32_t mode)
{
	null_log(nb_of(bctx), "set_render_condition query=%u condition=%d mode=%u", oh(query),
		 condition, mode);
}

static bool
null_clear(struct vr_backend_ctx *bctx, const struct vr_clear *c)
{
	null_log(nb_of(bctx), "clear buffers=0x%x color=%g,%g,%g,%g depth=%g stencil=%u",
		 c->buffers, c->color.f[0], c->color.f[1], c->color.f[2], c->color.f[3], c->depth,
		 c->stencil);
	return true;
}

static bool
null_clear_texture(struct vr_backend_ctx *bctx, struct vr_resource *res, uint32_t level,
		   const struct vr_box *b, const uint32_t value[4])
{
	null_log(nb_of(bctx),
		 "clear_texture res=%u level=%u box=%d,%d,%d %dx%dx%d "
		 "value=0x%x,0x%x,0x%x,0x%x",
		 res->id, level, b->x, b->y, b->z, b->w, b->h, b->d, value[0], value[1], value[2],
		 value[3]);
	return true;
}

static bool
null_draw_vbo(struct vr_backend_ctx *bctx, const struct vr_draw_info *d)
{
	struct null_line l = {.n = 0};
	null_line_add(&l,
		      "draw_vbo mode=%u start=%u count=%u indexed=%d instances=%u bias=%d "
		      "start_instance=%u restart=%d,%u min=%u max=%u",
		      d->mode, d->start, d->count, d->indexed, d->instance_count, d->index_bias,
		      d->start_instance, d->primitive_restart, d->restart_index, d->min_index,
		      d->max_index);
	if (d->vertices_per_patch || d->drawid) {
		null_line_add(&l, " patch=%u drawid=%u", d->vertices_per_patch, d->drawid);
	}
	if (d->indirect) {
		null_line_add(&l, " indirect=%u,%u,%u,%u count_res=%u,%u", rid(d->indirect),
			      d->indirect_offset, d->indirect_stride, d->indirect_draw_count,
			      rid(d->indirect_draw_count_res), d->indirect_draw_count_offset);
	}
	null_line_commit(nb_of(bctx), &l);
	return true;
}

static bool
null_blit(struct vr_backend_ctx *bctx, const struct vr_blit *b)
{
	null_log(nb_of(bctx),
		 "blit mask=0x%x filter=%u scissor=%d cond=%d alpha=%d "
		 "dst=%u,%u,fmt=%u,%d,%d,%d %dx%dx%d src=%u,%u,fmt=%u,%d,%d,%d %dx%dx%d",
		 b->mask, b->filter, b->scissor_enable, b->render_condition_enable, b->alpha_blend,
		 b->dst->id, b->dst_level, b->dst_format, b->dst_box.x, b->dst_box.y, b->dst_box.z,
		 b->dst_box.w, b->dst_box.h, b->dst_box.d, b->src->id, b->src_level, b->src_format,
		 b->src_box.x, b->src_box.y, b->src_box.z, b->src_box.w, b->src_box.h,
		 b->src_box.d);
	return true;
}

static bool
null_resource_copy_region(struct vr_backend_ctx *bctx, const struct vr_copy_region *c)
{
	const struct vr_box *b = &c->src_box;
	null_log(nb_of(bctx),
		 "resource_copy_region dst=%u,%u at %u,%u,%u src=%u,%u box=%d,%d,%d "
		 "%dx%dx%d",
		 c->dst->id, c->dst_level, c->dstx, c->dsty, c->dstz, c->src->id, c->src_level,
		 b->x, b->y, b->z, b->w, b->h, b->d);
	return true;
}

static bool
null_begin_query(struct vr_backend_ctx *bctx, struct vr_object *q)
{
	null_log(nb_of(bctx), "begin_query handle=%u", q->handle);
	return true;
}

static bool
null_end_query(struct vr_backend_ctx *bctx, struct vr_object *q)
{
	null_log(nb_of(bctx), "end_query handle=%u", q->handle);
	return true;
}

static bool
null_get_query_result(struct vr_backend_ctx *bctx, struct vr_object *q, bool wait)
{
	null_log(nb_of(bctx), "get_query_result handle=%u wait=%d", q->handle, wait);
	return true;
}

static bool
null_get_query_result_qbo(struct vr_backend_ctx *bctx, const struct vr_query_qbo *q)
{
	null_log(nb_of(bctx),
		 "get_query_result_qbo handle=%u res=%u offset=%u type=%u index=%d wait=%d",
		 q->query->handle, q->res->id, q->offset, q->result_type, q->index, q->wait);
	return true;
}

static void
null_memory_barrier(struct vr_backend_ctx *bctx, uint32_t flags)
{
	null_log(nb_of(bctx), "memory_barrier flags=0x%x", flags);
}

static void
null_texture_barrier(struct vr_backend_ctx *bctx, uint32_t flags)
{
	null_log(nb_of(bctx), "texture_barrier flags=0x%x", flags);
}

static void
null_flush(struct vr_backend_ctx *bctx)
{
	null_log(nb_of(bctx), "flush");
}

const struct vr_ctx_impl null_ctx_impl = {
	.destroy = null_ctx_destroy,
	.sub_ctx_create = null_sub_ctx_create,
	.sub_ctx_destroy = null_sub_ctx_destroy,
	.sub_ctx_make_current = null_sub_ctx_make_current,
	.object_create = null_object_create,
	.object_destroy = null_object_destroy,
	.bind_object = null_bind_object,
	.bind_shader = null_bind_shader,
	.link_shader = null_link_shader,
	.set_framebuffer_state = null_set_framebuffer_state,
	.set_framebuffer_no_attach = null_set_framebuffer_no_attach,
	.set_viewport_states = null_set_viewport_states,
	.set_scissor_states = null_set_scissor_states,
	.set_vertex_buffers = null_set_vertex_buffers,
	.set_index_buffer = null_set_index_buffer,
	.set_constant_buffer = null_set_constant_buffer,
	.set_uniform_buffer = null_set_uniform_buffer,
	.set_sampler_views = null_set_sampler_views,
	.bind_sampler_states = null_bind_sampler_states,
	.set_stencil_ref = null_set_stencil_ref,
	.set_blend_color = null_set_blend_color,
	.set_sample_mask = null_set_sample_mask,
	.set_min_samples = null_set_min_samples,
	.set_polygon_stipple = null_set_polygon_stipple,
	.set_clip_state = null_set_clip_state,
	.set_tess_state = null_set_tess_state,
	.set_streamout_targets = null_set_streamout_targets,
	.set_render_condition = null_set_render_condition,
	.clear = null_clear,
	.clear_texture = null_clear_texture,
	.draw_vbo = null_draw_vbo,
	.blit = null_blit,
	.resource_copy_region = null_resource_copy_region,
	.begin_query = null_begin_query,
	.end_query = null_end_query,
	.get_query_result = null_get_query_result,
	.get_query_result_qbo = null_get_query_result_qbo,
	.memory_barrier = null_memory_barrier,
	.texture_barrier = null_texture_barrier,
	.flush = null_flush,
};
