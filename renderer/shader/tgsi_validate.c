/*
 * pvgpu — TGSI semantic checks after parsing: every register an instruction
 * names is declared (or is an existing immediate), declarations do not
 * overlap, array ids are unique, texture operands name a declared unit. After
 * this the emitters index their tables without further checks.
 */
#include <stdlib.h>
#include <string.h>

#include "tgsi_parse_priv.h"

/* decl index + 1 per register; 0 = undeclared. */
struct decl_maps {
	uint16_t temp[TGSI_MAX_TEMPS];
	uint16_t in[TGSI_MAX_IO], out[TGSI_MAX_IO], sv[TGSI_MAX_SV];
	uint16_t samp[TGSI_MAX_SAMPLERS], sview[TGSI_MAX_SAMPLERS], addr[TGSI_MAX_ADDR];
	uint16_t other[TGSI_MAX_SAMPLERS]; /* BUFFER/IMAGE/MEMORY/HWATOMIC share one map */
	uint16_t array[TGSI_MAX_ARRAY_ID + 1];
	uint8_t konst[TGSI_MAX_UBOS][TGSI_MAX_CONSTS / 8];
};

static uint16_t *
map_for(struct decl_maps *m, unsigned file)
{
	switch (file) {
	case TGSI_FILE_TEMPORARY:
		return m->temp;
	case TGSI_FILE_INPUT:
		return m->in;
	case TGSI_FILE_OUTPUT:
		return m->out;
	case TGSI_FILE_SYSTEM_VALUE:
		return m->sv;
	case TGSI_FILE_SAMPLER:
		return m->samp;
	case TGSI_FILE_SAMPLER_VIEW:
		return m->sview;
	case TGSI_FILE_ADDRESS:
		return m->addr;
	default:
		return m->other;
	}
}

static bool
add_decl(struct tgsi_parser *p, struct decl_maps *m, uint32_t di)
{
	const struct tgsi_declaration *d = &p->prog->decls[di];
	if (d->file == TGSI_FILE_CONSTANT) {
		uint32_t buf = d->has_dim ? d->dim : 0;
		for (uint32_t i = d->first; i <= d->last; i++) {
			m->konst[buf][i / 8] |= (uint8_t)(1u << (i % 8));
		}
		return true;
	}
	if (d->array_id) {
		if (d->file != TGSI_FILE_TEMPORARY || m->array[d->array_id]) {
			return tgsi_parse_fail(p, d->line, "bad or duplicate ARRAY(%u)",
					       d->array_id);
		}
		m->array[d->array_id] = (uint16_t)(di + 1);
	}
	uint16_t *map = map_for(m, d->file);
	for (uint32_t i = d->first; i <= d->last; i++) {
		if (map[i]) {
			return tgsi_parse_fail(p, d->line, "%s[%u] declared twice",
					       tgsi_file_names[d->file], i);
		}
		map[i] = (uint16_t)(di + 1);
	}
	return true;
}

static bool
is_declared(const struct tgsi_parser *p, struct decl_maps *m, unsigned file, uint32_t buf,
	    int32_t idx)
{
	if (idx < 0) {
		return false;
	}
	if (file == TGSI_FILE_IMMEDIATE) {
		return (uint32_t)idx < p->prog->num_imms;
	}
	if (file == TGSI_FILE_CONSTANT) {
		return buf < TGSI_MAX_UBOS && idx < TGSI_MAX_CONSTS &&
		       (m->konst[buf][idx / 8] & (1u << (idx % 8)));
	}
	uint32_t lim = file == TGSI_FILE_TEMPORARY                           ? TGSI_MAX_TEMPS
		       : file == TGSI_FILE_ADDRESS                           ? TGSI_MAX_ADDR
		       : file == TGSI_FILE_SYSTEM_VALUE                      ? TGSI_MAX_SV
		       : file == TGSI_FILE_INPUT || file == TGSI_FILE_OUTPUT ? TGSI_MAX_IO
									     : TGSI_MAX_SAMPLERS;
	return (uint32_t)idx < lim && map_for(m, file)[idx] != 0;
}

static bool
check_indirect(struct tgsi_parser *p, struct decl_maps *m, const struct tgsi_indirect *ind,
	       uint32_t line)
{
	if (!is_declared(p, m, ind->file, 0, (int32_t)ind->index)) {
		return tgsi_parse_fail(p, line, "address register %s[%u] not declared",
				       tgsi_file_names[ind->file], ind->index);
	}
	if (ind->array_id && !m->array[ind->array_id]) {
		return tgsi_parse_fail(p, line, "unknown array id %u", ind->array_id);
	}
	return true;
}

static bool
check_reg(struct tgsi_parser *p, struct decl_maps *m, const struct tgsi_reg *r, uint32_t line)
{
	bool gs_in = r->file == TGSI_FILE_INPUT && p->prog->processor == TGSI_PROC_GEOMETRY;
	if (r->has_dim && r->file != TGSI_FILE_CONSTANT && !gs_in) {
		return tgsi_parse_fail(p, line, "2-D addressing of %s not supported",
				       tgsi_file_names[r->file]);
	}
	/* PRIMID is per primitive: a GS reads it without a vertex index. */
	bool per_prim = gs_in && !r->indirect && r->index >= 0 && r->index < TGSI_MAX_IO &&
			m->in[r->index] &&
			p->prog->decls[m->in[r->index] - 1].semantic == TGSI_SEM_PRIMID;
	if (gs_in && !r->has_dim && !per_prim) {
		return tgsi_parse_fail(p, line, "geometry shader input needs a vertex index");
	}
	uint32_t buf = 0;
	if (r->has_dim && r->dim_indirect) {
		if (!check_indirect(p, m, &r->dim_ind, line)) {
			return false;
		}
	} else if (r->has_dim) {
		buf = (uint32_t)r->dim_index;
		if (gs_in && buf >= TGSI_MAX_GS_VERTICES) {
			return tgsi_parse_fail(p, line, "vertex index %u out of range", buf);
		}
	}
	if (r->indirect) {
		if (!check_indirect(p, m, &r->ind, line)) {
			return false;
		}
		if (r->index < -TGSI_MAX_INDIRECT_OFFSET || r->index > TGSI_MAX_INDIRECT_OFFSET) {
			return tgsi_parse_fail(p, line, "indirect offset out of range");
		}
		return true;
	}
	if (!is_declared(p, m, r->file, gs_in ? 0 : buf, r->index)) {
		return tgsi_parse_fail(p, line, "%s[%d] not declared", tgsi_file_names[r->file],
				       r->index);
	}
	return true;
}

static bool
check_dst(struct tgsi_parser *p, struct decl_maps *m, const struct tgsi_instruction *in)
{
	unsigned f = in->dst.reg.file;
	bool mem = tgsi_opcode_infos[in->opcode].flags & TGSI_OPF_MEM;
	if (f != TGSI_FILE_TEMPORARY && f != TGSI_FILE_OUTPUT && f != TGSI_FILE_ADDRESS &&
	    !(mem && (f == TGSI_FILE_BUFFER || f == TGSI_FILE_IMAGE || f == TGSI_FILE_MEMORY))) {
		return tgsi_parse_fail(p, in->line, "cannot write to %s", tgsi_file_names[f]);
	}
	return check_reg(p, m, &in->dst.reg, in->line);
}

static bool
check_texture(struct tgsi_parser *p, struct decl_maps *m, const struct tgsi_instruction *in)
{
	const struct tgsi_src *s = &in->src[in->num_src - 1];
	if (s->reg.file != TGSI_FILE_SAMPLER && s->reg.file != TGSI_FILE_SAMPLER_VIEW) {
		return tgsi_parse_fail(p, in->line, "texture instruction needs SAMP[n] last");
	}
	/* SAMP[ADDR[a].x+n] (GLSL 4.00 sampler arrays): the base is a unit number. */
	if (s->reg.indirect && (s->reg.index < 0 || s->reg.index >= TGSI_MAX_SAMPLERS)) {
		return tgsi_parse_fail(p, in->line, "indirect sampler base %d out of range",
				       s->reg.index);
	}
	for (unsigned i = 0; i < in->num_offsets; i++) {
		const struct tgsi_tex_offset *o = &in->offsets[i];
		if (o->file != TGSI_FILE_IMMEDIATE && o->file != TGSI_FILE_TEMPORARY) {
			return tgsi_parse_fail(p, in->line, "texture offsets must be IMM or TEMP");
		}
		if (!is_declared(p, m, o->file, 0, (int32_t)o->index)) {
			return tgsi_parse_fail(p, in->line, "texture offset register not declared");
		}
	}
	return true;
}

static bool
check_instruction(struct tgsi_parser *p, struct decl_maps *m, const struct tgsi_instruction *in)
{
	if (in->num_dst && !check_dst(p, m, in)) {
		return false;
	}
	for (unsigned i = 0; i < in->num_src; i++) {
		if (in->src[i].reg.file == TGSI_FILE_NULL) {
			return tgsi_parse_fail(p, in->line, "NULL source register");
		}
		if (!check_reg(p, m, &in->src[i].reg, in->line)) {
			return false;
		}
	}
	if ((tgsi_opcode_infos[in->opcode].flags & TGSI_OPF_TEX) && !check_texture(p, m, in)) {
		return false;
	}
	return true;
}

bool
tgsi_validate(struct tgsi_parser *p)
{
	struct decl_maps *m = calloc(1, sizeof(*m));
	if (!m) {
		return tgsi_parse_fail(p, 0, "out of memory");
	}
	bool ok = true;
	for (uint32_t i = 0; ok && i < p->prog->num_decls; i++) {
		ok = add_decl(p, m, i);
	}
	for (uint32_t i = 0; ok && i < p->prog->num_insts; i++) {
		ok = check_instruction(p, m, &p->prog->insts[i]);
	}
	free(m);
	return ok;
}
