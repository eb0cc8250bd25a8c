/*
 * pvgpu unit tests — the per-client caps of the renderer core (vr_core.h,
 * docs/SECURITY.md "Limits"): resources, contexts, sub-contexts, objects,
 * host storage and guest backing bytes. Each cap refuses the request that
 * would pass it, with an error naming the cap, and nothing else: what was
 * created before keeps working, and freeing one makes room again. (A refused
 * command inside a command buffer breaks its context, as every decoder error
 * does; the device and its other contexts carry on.)
 */
#include "../protocol/fixture.h"

static struct vr_resource_desc
buffer_desc(uint32_t bytes)
{
	return (struct vr_resource_desc){.target = PIPE_BUFFER,
					 .format = VIRGL_FORMAT_R8_UNORM,
					 .width = bytes,
					 .height = 1,
					 .depth = 1,
					 .array_size = 1};
}

static void
test_resource_count(void)
{
	struct fx f;
	fx_init(&f, false); /* resources 1-7 exist */
	struct vr_resource_desc d = buffer_desc(16);
	const char *why = NULL;
	uint32_t made = 7;
	for (uint32_t id = 100; made < VR_MAX_RESOURCES; id++, made++) {
		if (!vr_device_resource_create(f.dev, id, &d, NULL, &why)) {
			CHECK(false, "resource %u of %u refused: %s", made + 1, VR_MAX_RESOURCES,
			      why);
			break;
		}
	}
	CHECK(!vr_device_resource_create(f.dev, 1000000, &d, NULL, &why), "resource past the cap");
	CHECK_CONTAINS(why, "VR_MAX_RESOURCES");
	/* Only that request: the fixture's resources still work, and one freed makes room. */
	vgp_enc_create_surface(f.e, 40, 1, VIRGL_FORMAT_B8G8R8X8_UNORM, 0, 0, 0);
	CHECK(fx_submit(&f), "surface after the refusal: %s", f.ctx->error);
	CHECK(vr_device_resource_unref(f.dev, 100), "unref 100");
	CHECK(vr_device_resource_create(f.dev, 1000000, &d, NULL, &why) != NULL,
	      "room after unref: %s", why);
	fx_finish(&f);
}

static void
test_host_bytes(void)
{
	struct fx f;
	fx_init(&f, false);
	/* The null backend allocates nothing, so 1 GiB buffers cost nothing here. */
	struct vr_resource_desc d = buffer_desc(VR_MAX_BUFFER_SIZE);
	const char *why = NULL;
	uint64_t fixture = f.dev->resource_bytes;
	uint32_t fit = (uint32_t)((VR_MAX_RESOURCE_BYTES - fixture) / VR_MAX_BUFFER_SIZE);
	for (uint32_t i = 0; i < fit; i++) {
		CHECK(vr_device_resource_create(f.dev, 100 + i, &d, NULL, &why) != NULL,
		      "1 GiB buffer %u: %s", i, why);
	}
	CHECK(!vr_device_resource_create(f.dev, 200, &d, NULL, &why), "storage past the cap");
	CHECK_CONTAINS(why, "VR_MAX_RESOURCE_BYTES");
	CHECK(f.dev->resource_bytes <= VR_MAX_RESOURCE_BYTES, "counted %llu",
	      (unsigned long long)f.dev->resource_bytes);
	/* Small ones still fit into what is left; a freed big one makes room. */
	struct vr_resource_desc small = buffer_desc(4096);
	CHECK(vr_device_resource_create(f.dev, 201, &small, NULL, &why) != NULL, "small: %s", why);
	CHECK(vr_device_resource_unref(f.dev, 100), "unref 100");
	CHECK(vr_device_resource_create(f.dev, 200, &d, NULL, &why) != NULL, "room: %s", why);
	fx_finish(&f);
}

/* A backing that claims `size` bytes over a 64-byte block (never transferred). */
struct big_backing {
	struct vr_backing b;
	struct iovec iov;
	uint8_t mem[64];
};

static void
big_release(struct vr_backing *b)
{
	free(b);
}

static struct vr_backing *
big_backing(uint64_t size)
{
	struct big_backing *bb = calloc(1, sizeof(*bb));
	bb->iov = (struct iovec){bb->mem, sizeof(bb->mem)};
	bb->b = (struct vr_backing){
		.iov = &bb->iov, .iov_count = 1, .size = size, .release = big_release};
	return &bb->b;
}

static void
test_backing_bytes(void)
{
	struct fx f;
	fx_init(&f, false);
	struct vr_resource_desc d = buffer_desc(4096);
	const char *why = NULL;
	uint64_t gib = 1ull << 30;
	uint64_t left = VR_MAX_BACKING_BYTES - f.dev->backing_bytes;
	/* Fill up to one GiB below the cap through creation... */
	uint32_t id = 100;
	for (; left > 2 * gib; left -= gib, id++) {
		struct vr_backing *b = big_backing(gib);
		CHECK(vr_device_resource_create(f.dev, id, &d, b, &why) != NULL, "backing %u: %s",
		      id, why);
	}
	/* ...the rest through attach (vtest's way). */
	struct vr_resource *res = vr_device_resource_create(f.dev, id, &d, NULL, &why);
	struct vr_backing *b = big_backing(left - 4096);
	CHECK(res && vr_resource_attach_backing(res, b), "attach up to the cap");
	CHECK(vr_device_backing_fits(f.dev, 4096), "last 4096 bytes do not fit");
	CHECK(!vr_device_backing_fits(f.dev, 4097), "4097 bytes fit past the cap");
	struct vr_backing *over = big_backing(8192);
	CHECK(!vr_device_resource_create(f.dev, id + 1, &d, over, &why), "create past the cap");
	CHECK_CONTAINS(why, "VR_MAX_BACKING_BYTES");
	struct vr_resource *bare = vr_device_resource_create(f.dev, id + 2, &d, NULL, &why);
	CHECK(bare && !vr_resource_attach_backing(bare, over), "attach past the cap");
	/* Refused: the caller still owns it. Freeing a backed resource makes room. */
	CHECK(vr_device_resource_unref(f.dev, id), "unref");
	CHECK(bare && vr_resource_attach_backing(bare, over), "attach after unref");
	CHECK(vr_device_resource_unref(f.dev, id + 2), "unref bare");
	fx_finish(&f);
}

static void
test_contexts_and_subs(void)
{
	struct fx f;
	fx_init(&f, false); /* context 1 exists */
	const char *why = NULL;
	for (uint32_t id = 2; id <= VR_MAX_CONTEXTS; id++) {
		CHECK(vr_device_ctx_create(f.dev, id, "n", &why) != NULL, "context %u: %s", id,
		      why);
	}
	CHECK(!vr_device_ctx_create(f.dev, 9999, "n", &why), "context past the cap");
	CHECK_CONTAINS(why, "VR_MAX_CONTEXTS");
	vgp_enc_set_sample_mask(f.e, 1);
	CHECK(fx_submit(&f), "context 1 after the refusal: %s", f.ctx->error);
	vr_device_ctx_destroy(f.dev, 2);
	CHECK(vr_device_ctx_create(f.dev, 9999, "n", &why) != NULL, "room: %s", why);

	/* Sub-contexts: the fixture made 1; 0 is implicit and not counted. */
	for (uint32_t id = 2; id <= VR_MAX_SUB_CTXS; id++) {
		vgp_enc_create_sub_ctx(f.e, id);
	}
	CHECK(fx_submit(&f), "%u sub-contexts: %s", VR_MAX_SUB_CTXS, f.ctx->error);
	vgp_enc_create_sub_ctx(f.e, 500);
	CHECK(!fx_submit(&f), "sub-context past the cap");
	CHECK_CONTAINS(f.ctx->error, "VR_MAX_SUB_CTXS");
	struct vr_ctx *other = vr_device_lookup_ctx(f.dev, 3);
	vgp_enc_create_sub_ctx(f.e, 1);
	CHECK(other && vr_ctx_submit(other, f.e->dw, f.e->n) && !other->broken,
	      "another context after the refusal: %s", other ? other->error : "-");
	vgp_enc_reset(f.e);
	fx_finish(&f);
}

static void
test_objects(void)
{
	struct fx f;
	fx_init(&f, false);
	/* Blend states are the smallest object; in batches to bound the buffer. */
	for (uint32_t h = 1; h <= VR_MAX_OBJECTS; h++) {
		vgp_enc_create_blend_default(f.e, h);
		if (h % 1024 == 0) {
			CHECK(fx_submit(&f), "objects up to %u: %s", h, f.ctx->error);
		}
	}
	CHECK(fx_submit(&f), "objects: %s", f.ctx->error);
	vgp_enc_create_blend_default(f.e, VR_MAX_OBJECTS + 1);
	CHECK(!fx_submit(&f), "object past the cap");
	CHECK_CONTAINS(f.ctx->error, "VR_MAX_OBJECTS");
	fx_finish(&f);
}

int
main(void)
{
	test_resource_count();
	test_host_bytes();
	test_backing_bytes();
	test_contexts_and_subs();
	test_objects();
	return vgp_test_result("test_limits");
}
