/* pvgpu display — the (VM, scanout) → output router (policy in dpy_router.h). */
#include "dpy_router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

struct route_out {
	struct dpy_output *out;
	struct dpy_vm *vm; /* source, NULL: no signal */
	uint32_t scanout;
	bool waiting; /* committed a frame, presented not reported yet */
	bool gone;    /* the backend removed it */
	/* Who showed here last (survives the VM): reconnects get it back. */
	char last_vm[DPY_VM_NAME_MAX];
	uint32_t last_scanout;
	struct dpy_router *r;
};

struct vm_scanout {
	struct dpy_buffer *buf; /* locked by the router */
	bool frame_pending;     /* submitted, not reported presented yet */
	struct dpy_mode mode;   /* last mode sent */
	struct dpy_output *mode_from;
};

struct dpy_vm {
	struct dpy_router *r;
	char name[DPY_VM_NAME_MAX];
	uint32_t num_scanouts;
	struct vm_scanout sc[DPY_MAX_SCANOUTS];
	int last_on[DPY_ROUTER_MAX_OUTPUTS]; /* scanout last shown on output i, or -1 */
	const struct dpy_vm_impl *impl;
	void *data;
};

struct dpy_router {
	struct route_out *outs[DPY_ROUTER_MAX_OUTPUTS];
	size_t nouts;
	struct dpy_vm **vms; /* connection order */
	size_t nvms;
};

/* ------------------------------------------------------------ helpers */

static size_t
out_index(const struct dpy_router *r, const struct route_out *ro)
{
	for (size_t i = 0; i < r->nouts; i++) {
		if (r->outs[i] == ro) {
			return i;
		}
	}
	return SIZE_MAX;
}

static bool
shows(const struct route_out *ro, const struct dpy_vm *vm, uint32_t s)
{
	return !ro->gone && ro->vm == vm && ro->scanout == s;
}

/* The first output showing (vm, s), or NULL. */
static struct route_out *
primary(const struct dpy_router *r, const struct dpy_vm *vm, uint32_t s)
{
	for (size_t i = 0; i < r->nouts; i++) {
		if (shows(r->outs[i], vm, s)) {
			return r->outs[i];
		}
	}
	return NULL;
}

static void
commit(struct route_out *ro, const struct dpy_rect *damage, unsigned ndamage)
{
	struct dpy_output *out = ro->out;
	struct dpy_output_state st = {
		.enabled = true,
		.mode = out->preferred,
		.buffer = ro->vm ? ro->vm->sc[ro->scanout].buf : NULL,
		.damage = damage,
		.damage_count = damage ? ndamage : 0,
	};
	const char *why = "refused";
	if (!out->impl->test(out, &st, &why)) {
		vr_warn(VR_CAT_DISPLAY, "%s: %s; showing no signal", out->name, why);
		st.buffer = NULL;
		st.damage = NULL;
		st.damage_count = 0;
		if (!out->impl->test(out, &st, &why)) {
			vr_warn(VR_CAT_DISPLAY, "%s: cannot show no signal either: %s", out->name,
				why);
			ro->waiting = false;
			return;
		}
	}
	ro->waiting = out->impl->commit(out, &st) && st.buffer != NULL;
}

/* Reports (vm, s) presented when a frame is pending and no output showing
 * it still waits for its present. */
static void
check_presented(struct dpy_router *r, struct dpy_vm *vm, uint32_t s)
{
	struct vm_scanout *sc = &vm->sc[s];
	if (!sc->frame_pending) {
		return;
	}
	for (size_t i = 0; i < r->nouts; i++) {
		if (shows(r->outs[i], vm, s) && r->outs[i]->waiting) {
			return;
		}
	}
	sc->frame_pending = false;
	if (vm->impl && vm->impl->presented) {
		vm->impl->presented(vm, s, vm->data);
	}
}

/* Sends (vm, s) the mode of its primary output if that changed. */
static void
update_mode(struct dpy_router *r, struct dpy_vm *vm, uint32_t s)
{
	struct route_out *ro = primary(r, vm, s);
	if (!ro) {
		return;
	}
	struct vm_scanout *sc = &vm->sc[s];
	const struct dpy_mode *m = &ro->out->preferred;
	if (sc->mode_from == ro->out && sc->mode.width == m->width &&
	    sc->mode.height == m->height && sc->mode.refresh_mhz == m->refresh_mhz) {
		return;
	}
	sc->mode = *m;
	sc->mode_from = ro->out;
	size_t edid_len = 0;
	const uint8_t *edid = NULL;
	if (ro->out->impl->get_edid) {
		edid = ro->out->impl->get_edid(ro->out, &edid_len);
	}
	if (vm->impl && vm->impl->set_mode) {
		vm->impl->set_mode(vm, s, m, edid, edid ? edid_len : 0, vm->data);
	}
}

/* Makes `ro` show (vm, s) — or no signal for vm NULL — and commits. */
static void
set_source(struct dpy_router *r, struct route_out *ro, struct dpy_vm *vm, uint32_t s)
{
	struct dpy_vm *old_vm = ro->vm;
	uint32_t old_s = ro->scanout;
	ro->vm = vm;
	ro->scanout = vm ? s : 0;
	ro->waiting = false;
	if (vm) {
		snprintf(ro->last_vm, sizeof(ro->last_vm), "%s", vm->name);
		ro->last_scanout = s;
		size_t i = out_index(r, ro);
		if (i < DPY_ROUTER_MAX_OUTPUTS) {
			vm->last_on[i] = (int)s;
		}
	}
	commit(ro, NULL, 0);
	if (ro->out->impl->set_label) {
		char label[96];
		if (vm) {
			snprintf(label, sizeof(label), "%s:%u", vm->name, s);
		} else {
			snprintf(label, sizeof(label), "no signal");
		}
		ro->out->impl->set_label(ro->out, label);
	}
	if (old_vm && (old_vm != vm || old_s != s)) {
		check_presented(r, old_vm, old_s);
		update_mode(r, old_vm, old_s);
	}
	if (vm) {
		update_mode(r, vm, s);
	}
}

static struct dpy_vm *
find_vm(const struct dpy_router *r, const char *name, size_t *index)
{
	for (size_t i = 0; i < r->nvms; i++) {
		if (!strcmp(r->vms[i]->name, name)) {
			if (index) {
				*index = i;
			}
			return r->vms[i];
		}
	}
	return NULL;
}

static struct route_out *
find_out(const struct dpy_router *r, const char *name)
{
	for (size_t i = 0; i < r->nouts; i++) {
		if (!r->outs[i]->gone && !strcmp(r->outs[i]->out->name, name)) {
			return r->outs[i];
		}
	}
	return NULL;
}

/* ------------------------------------------------------------ outputs */

static void
on_presented(struct dpy_output *out, void *data)
{
	struct route_out *ro = data;
	(void)out;
	ro->waiting = false;
	if (ro->vm) {
		check_presented(ro->r, ro->vm, ro->scanout);
	}
}

static void
on_mode_changed(struct dpy_output *out, const struct dpy_mode *mode, void *data)
{
	struct route_out *ro = data;
	(void)mode; /* out->preferred already holds it */
	commit(ro, NULL, 0);
	if (ro->vm) {
		update_mode(ro->r, ro->vm, ro->scanout);
	}
	(void)out;
}

static void
on_cycle(struct dpy_output *out, void *data)
{
	struct route_out *ro = data;
	const char *why;
	dpy_router_next(ro->r, out->name, &why);
}

static void
on_removed(struct dpy_output *out, void *data)
{
	struct route_out *ro = data;
	struct dpy_vm *vm = ro->vm;
	uint32_t s = ro->scanout;
	(void)out;
	ro->gone = true;
	ro->vm = NULL;
	ro->waiting = false;
	if (vm) {
		check_presented(ro->r, vm, s);
		update_mode(ro->r, vm, s);
	}
}

static bool
add_output(struct dpy_router *r, struct dpy_output *out)
{
	if (r->nouts >= DPY_ROUTER_MAX_OUTPUTS) {
		vr_warn(VR_CAT_DISPLAY, "%s: too many outputs; ignored", out->name);
		return false;
	}
	struct route_out *ro = calloc(1, sizeof(*ro));
	if (!ro) {
		return false;
	}
	ro->out = out;
	ro->r = r;
	size_t idx = r->nouts;
	r->outs[r->nouts++] = ro;
	for (size_t i = 0; i < r->nvms; i++) {
		r->vms[i]->last_on[idx] = -1;
	}
	out->listener = (struct dpy_output_listener){
		.presented = on_presented,
		.mode_changed = on_mode_changed,
		.cycle_requested = on_cycle,
		.removed = on_removed,
		.data = ro,
	};
	commit(ro, NULL, 0);
	return true;
}

static void
on_output_added(struct dpy_backend *be, struct dpy_output *out, void *data)
{
	(void)be;
	add_output(data, out);
}

bool
dpy_router_add_backend(struct dpy_router *r, struct dpy_backend *be)
{
	be->listener = (struct dpy_backend_listener){.output_added = on_output_added, .data = r};
	size_t n = 0;
	struct dpy_output **list = be->impl->outputs(be, &n);
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		ok &= add_output(r, list[i]);
	}
	return ok;
}

/* ------------------------------------------------------------ lifecycle */

struct dpy_router *
dpy_router_create(void)
{
	return calloc(1, sizeof(struct dpy_router));
}

void
dpy_router_destroy(struct dpy_router *r)
{
	if (!r) {
		return;
	}
	while (r->nvms) {
		dpy_router_vm_remove(r, r->vms[r->nvms - 1]);
	}
	for (size_t i = 0; i < r->nouts; i++) {
		if (!r->outs[i]->gone) {
			r->outs[i]->out->listener = (struct dpy_output_listener){0};
		}
		free(r->outs[i]);
	}
	free(r->vms);
	free(r);
}

static bool
placed(const struct dpy_router *r, const struct dpy_vm *vm, uint32_t s)
{
	return primary(r, vm, s) != NULL;
}

/* Default policy: the VM's scanouts take free outputs (see dpy_router.h). */
static void
place_new_vm(struct dpy_router *r, struct dpy_vm *vm)
{
	for (size_t i = 0; i < r->nouts; i++) {
		struct route_out *ro = r->outs[i];
		if (!ro->gone && !ro->vm && !strcmp(ro->last_vm, vm->name) &&
		    ro->last_scanout < vm->num_scanouts && !placed(r, vm, ro->last_scanout)) {
			set_source(r, ro, vm, ro->last_scanout);
		}
	}
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t s = 0; s < vm->num_scanouts; s++) {
			if (placed(r, vm, s)) {
				continue;
			}
			for (size_t i = 0; i < r->nouts; i++) {
				struct route_out *ro = r->outs[i];
				if (!ro->gone && !ro->vm && (pass == 1 || !ro->last_vm[0])) {
					set_source(r, ro, vm, s);
					break;
				}
			}
		}
	}
}

struct dpy_vm *
dpy_router_vm_add(struct dpy_router *r, const char *name, uint32_t num_scanouts,
		  const struct dpy_vm_impl *impl, void *data, const char **why)
{
	if (!name[0] || strlen(name) >= DPY_VM_NAME_MAX) {
		*why = "bad VM name";
		return NULL;
	}
	if (!num_scanouts || num_scanouts > DPY_MAX_SCANOUTS) {
		*why = "bad scanout count";
		return NULL;
	}
	if (find_vm(r, name, NULL)) {
		*why = "a VM of that name is connected";
		return NULL;
	}
	struct dpy_vm *vm = calloc(1, sizeof(*vm));
	struct dpy_vm **vms = vm ? realloc(r->vms, (r->nvms + 1) * sizeof(*vms)) : NULL;
	if (!vms) {
		free(vm);
		*why = "out of memory";
		return NULL;
	}
	r->vms = vms;
	snprintf(vm->name, sizeof(vm->name), "%s", name);
	vm->num_scanouts = num_scanouts;
	vm->r = r;
	vm->impl = impl;
	vm->data = data;
	for (size_t i = 0; i < DPY_ROUTER_MAX_OUTPUTS; i++) {
		vm->last_on[i] = -1;
	}
	r->vms[r->nvms++] = vm;
	place_new_vm(r, vm);
	return vm;
}

void
dpy_router_vm_remove(struct dpy_router *r, struct dpy_vm *vm)
{
	size_t idx;
	if (!vm || !find_vm(r, vm->name, &idx) || r->vms[idx] != vm) {
		return;
	}
	vm->impl = NULL; /* no more callbacks */
	for (size_t i = 0; i < r->nouts; i++) {
		struct route_out *ro = r->outs[i];
		if (!ro->gone && ro->vm == vm) {
			ro->vm = NULL;
			ro->waiting = false;
			commit(ro, NULL, 0);
		}
	}
	for (uint32_t s = 0; s < vm->num_scanouts; s++) {
		dpy_buffer_unlock(vm->sc[s].buf);
	}
	memmove(&r->vms[idx], &r->vms[idx + 1], (r->nvms - idx - 1) * sizeof(*r->vms));
	r->nvms--;
	free(vm);
}

/* ------------------------------------------------------------ frames */

void
dpy_router_vm_frame(struct dpy_vm *vm, uint32_t scanout, struct dpy_buffer *buf,
		    const struct dpy_rect *damage, unsigned damage_count)
{
	if (scanout >= vm->num_scanouts) {
		return;
	}
	struct dpy_router *r = vm->r;
	struct vm_scanout *sc = &vm->sc[scanout];
	if (buf != sc->buf) {
		if (buf) {
			dpy_buffer_lock(buf);
		}
		dpy_buffer_unlock(sc->buf);
		sc->buf = buf;
		damage = NULL; /* a new buffer is shown whole */
	}
	sc->frame_pending = true;
	for (size_t i = 0; i < r->nouts; i++) {
		if (shows(r->outs[i], vm, scanout)) {
			commit(r->outs[i], damage, damage_count);
		}
	}
	check_presented(r, vm, scanout);
}

void
dpy_router_vm_cursor(struct dpy_vm *vm, uint32_t scanout, const struct dpy_cursor *cursor)
{
	if (scanout >= vm->num_scanouts) {
		return;
	}
	struct dpy_router *r = vm->r;
	for (size_t i = 0; i < r->nouts; i++) {
		struct dpy_output *out = r->outs[i]->out;
		if (shows(r->outs[i], vm, scanout) && out->impl->set_cursor) {
			out->impl->set_cursor(out, cursor);
		}
	}
}

/* ------------------------------------------------------------ control */

bool
dpy_router_assign(struct dpy_router *r, const char *output, const char *vm_name, uint32_t scanout,
		  const char **why)
{
	struct route_out *ro = find_out(r, output);
	if (!ro) {
		*why = "no such output";
		return false;
	}
	struct dpy_vm *vm = NULL;
	if (vm_name) {
		vm = find_vm(r, vm_name, NULL);
		if (!vm) {
			*why = "no such VM";
			return false;
		}
		if (scanout >= vm->num_scanouts) {
			*why = "no such scanout";
			return false;
		}
	}
	if (ro->vm != vm || ro->scanout != scanout) {
		set_source(r, ro, vm, scanout);
	}
	return true;
}

/* The scanout of `vm` that `next` would show on output index `oi`, or -1. */
static int
candidate(const struct dpy_router *r, const struct dpy_vm *vm, size_t oi)
{
	int last = vm->last_on[oi];
	if (last >= 0 && (uint32_t)last < vm->num_scanouts && vm->sc[last].buf) {
		return last;
	}
	int any = -1;
	for (uint32_t s = 0; s < vm->num_scanouts; s++) {
		if (!vm->sc[s].buf) {
			continue;
		}
		if (!placed(r, vm, s)) {
			return (int)s;
		}
		if (any < 0) {
			any = (int)s;
		}
	}
	return any;
}

bool
dpy_router_next(struct dpy_router *r, const char *output, const char **why)
{
	struct route_out *ro = find_out(r, output);
	if (!ro) {
		*why = "no such output";
		return false;
	}
	size_t oi = out_index(r, ro);
	if (!r->nvms) {
		*why = "no VM connected";
		return true;
	}
	/* Start after the VM shown now, or at the first VM. */
	size_t start = r->nvms - 1;
	if (ro->vm) {
		find_vm(r, ro->vm->name, &start);
	}
	for (size_t k = 1; k <= r->nvms; k++) {
		struct dpy_vm *vm = r->vms[(start + k) % r->nvms];
		if (vm == ro->vm) {
			continue;
		}
		int s = candidate(r, vm, oi);
		if (s >= 0) {
			set_source(r, ro, vm, (uint32_t)s);
			return true;
		}
	}
	*why = "no other VM to show";
	return true;
}

size_t
dpy_router_output_count(const struct dpy_router *r)
{
	return r->nouts;
}

bool
dpy_router_route(const struct dpy_router *r, size_t i, struct dpy_route *route)
{
	if (i >= r->nouts) {
		return false;
	}
	const struct route_out *ro = r->outs[i];
	*route = (struct dpy_route){.output = ro->out};
	if (ro->vm && !ro->gone) {
		route->vm = ro->vm->name;
		route->scanout = ro->scanout;
		route->has_frame = ro->vm->sc[ro->scanout].buf != NULL;
	}
	return !ro->gone;
}

struct dpy_output *
dpy_router_find_output(const struct dpy_router *r, const char *name)
{
	struct route_out *ro = find_out(r, name);
	return ro ? ro->out : NULL;
}

size_t
dpy_router_vm_count(const struct dpy_router *r)
{
	return r->nvms;
}

bool
dpy_router_vm_info(const struct dpy_router *r, size_t i, struct dpy_vm_info *info)
{
	if (i >= r->nvms) {
		return false;
	}
	const struct dpy_vm *vm = r->vms[i];
	memset(info, 0, sizeof(*info));
	info->name = vm->name;
	info->num_scanouts = vm->num_scanouts;
	for (uint32_t s = 0; s < vm->num_scanouts; s++) {
		const struct vm_scanout *sc = &vm->sc[s];
		struct route_out *ro = primary(r, vm, s);
		info->scanouts[s].has_frame = sc->buf != NULL;
		info->scanouts[s].width = sc->buf ? sc->buf->width : 0;
		info->scanouts[s].height = sc->buf ? sc->buf->height : 0;
		info->scanouts[s].output = ro ? (int)out_index(r, ro) : -1;
		info->scanouts[s].mode = sc->mode;
	}
	return true;
}
