/*
 * pvgpu — transfers encoded in the command stream (virgl-wire.md §1.6, §2.3):
 * TRANSFER3D (guest backing <-> resource), RESOURCE_INLINE_WRITE (data inside
 * the command) and COPY_TRANSFER3D (data in a staging buffer's backing). The
 * core resolves and bounds-checks every byte (vr_transfer_prepare*); the
 * backend's transfer slot then copies with no further checks.
 */
#include <stdint.h>

#include "decode_priv.h"

static bool
run_transfer(struct vr_ctx *ctx, const struct vr_transfer *xfer, const char *what)
{
	if (!xfer->box.w || !xfer->box.h || !xfer->box.d) {
		return true; /* empty box: nothing to copy */
	}
	struct vr_backend *be = ctx->dev->backend;
	if (!be->impl->transfer) {
		decode_unsupported(ctx, what);
		return true;
	}
	if (!be->impl->transfer(be, xfer)) {
		vr_ctx_error(ctx, "%s: backend transfer to resource %u failed", what,
			     xfer->res->id);
		return false;
	}
	return true;
}

bool
decode_transfer3d(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	struct vr_resource *res;
	if (!decode_resource(ctx, cmd[VIRGL_TRANSFER_RES_HANDLE], false, "TRANSFER3D", &res)) {
		return false;
	}
	uint32_t dir = cmd[VIRGL_TRANSFER3D_DIRECTION];
	if (dir != VIRGL_TRANSFER_TO_HOST && dir != VIRGL_TRANSFER_FROM_HOST) {
		vr_ctx_error(ctx, "TRANSFER3D: bad direction %u", dir);
		return false;
	}
	struct vr_box box;
	dw_box(&cmd[VIRGL_TRANSFER_X], &box);
	struct vr_transfer xfer;
	const char *why = NULL;
	if (!vr_transfer_prepare(res, cmd[VIRGL_TRANSFER_LEVEL], &box, cmd[VIRGL_TRANSFER_STRIDE],
				 cmd[VIRGL_TRANSFER_LAYER_STRIDE],
				 cmd[VIRGL_TRANSFER3D_DATA_OFFSET], dir == VIRGL_TRANSFER_TO_HOST,
				 &xfer, &why)) {
		vr_ctx_error(ctx, "TRANSFER3D resource %u: %s", res->id, why);
		return false;
	}
	return run_transfer(ctx, &xfer, "TRANSFER3D");
}

bool
decode_inline_write(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	struct vr_resource *res;
	if (!decode_resource(ctx, cmd[VIRGL_TRANSFER_RES_HANDLE], false, "RESOURCE_INLINE_WRITE",
			     &res)) {
		return false;
	}
	struct vr_box box;
	dw_box(&cmd[VIRGL_TRANSFER_X], &box);
	/* The data follows the 11 header dwords inside the command buffer itself; the
	 * transfer only reads it (to_host), so dropping const here is safe. */
	uint8_t *data = (uint8_t *)(uintptr_t)&cmd[VIRGL_INLINE_WRITE_DATA];
	size_t size = (size_t)(len - VIRGL_INLINE_WRITE_HDR_SIZE) * 4;
	struct vr_transfer xfer;
	const char *why = NULL;
	if (!vr_transfer_prepare_mem(res, cmd[VIRGL_TRANSFER_LEVEL], &box,
				     cmd[VIRGL_TRANSFER_STRIDE], cmd[VIRGL_TRANSFER_LAYER_STRIDE],
				     data, size, 0, true, &xfer, &why)) {
		vr_ctx_error(ctx, "RESOURCE_INLINE_WRITE resource %u: %s", res->id, why);
		return false;
	}
	return run_transfer(ctx, &xfer, "RESOURCE_INLINE_WRITE");
}

bool
decode_copy_transfer3d(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	struct vr_resource *dst, *src;
	if (!decode_resource(ctx, cmd[VIRGL_TRANSFER_RES_HANDLE], false, "COPY_TRANSFER3D dst",
			     &dst) ||
	    !decode_resource(ctx, cmd[VIRGL_COPY_TRANSFER3D_SRC_RES], false,
			     "COPY_TRANSFER3D staging", &src)) {
		return false;
	}
	if (src->desc.target != PIPE_BUFFER || !src->backing || src->backing->iov_count != 1) {
		vr_ctx_error(ctx, "COPY_TRANSFER3D: staging resource %u is not a backed buffer",
			     src->id);
		return false;
	}
	struct vr_box box;
	dw_box(&cmd[VIRGL_TRANSFER_X], &box);
	/* flags bit 1: read from the host into the staging buffer. */
	bool to_host = !(cmd[VIRGL_COPY_TRANSFER3D_FLAGS] & 2u);
	struct vr_transfer xfer;
	const char *why = NULL;
	if (!vr_transfer_prepare_mem(dst, cmd[VIRGL_TRANSFER_LEVEL], &box,
				     cmd[VIRGL_TRANSFER_STRIDE], cmd[VIRGL_TRANSFER_LAYER_STRIDE],
				     src->backing->iov[0].iov_base, src->backing->size,
				     cmd[VIRGL_COPY_TRANSFER3D_SRC_OFFSET], to_host, &xfer, &why)) {
		vr_ctx_error(ctx, "COPY_TRANSFER3D resource %u: %s", dst->id, why);
		return false;
	}
	return run_transfer(ctx, &xfer, "COPY_TRANSFER3D");
}
