/*
 * pvgpu unit tests — renderer core on the null backend: resource description
 * validation, transfer box / backing checks, and resource lifetime through
 * object references.
 */
#include "../protocol/fixture.h"

static struct vr_resource_desc
desc(uint32_t target, uint32_t format, uint32_t w, uint32_t h, uint32_t d, uint32_t array,
     uint32_t last_level)
{
	struct vr_resource_desc r = {
		.target = target,
		.format = format,
		.width = w,
		.height = h,
		.depth = d,
		.array_size = array,
		.last_level = last_level,
	};
	return r;
}

static void
expect_desc(struct vr_device *dev, const char *what, struct vr_resource_desc d, bool good)
{
	static uint32_t next_id = 100;
	const char *why = NULL;
	struct vr_resource *res = vr_device_resource_create(dev, next_id++, &d, NULL, &why);
	if (good) {
		CHECK(res != NULL, "%s: rejected (%s)", what, why ? why : "?");
	} else {
		CHECK(res == NULL && why != NULL, "%s: accepted", what);
	}
}

static void
test_desc_validation(void)
{
	struct vr_backend *be = vr_null_backend_create();
	struct vr_device *dev = vr_device_create(be);
	expect_desc(dev, "2D 300x300", desc(PIPE_TEXTURE_2D, 2, 300, 300, 1, 1, 0), true);
	expect_desc(dev, "fence buffer, array 0", desc(PIPE_BUFFER, 64, 8, 1, 1, 0, 0), true);
	expect_desc(dev, "cube", desc(PIPE_TEXTURE_CUBE, 67, 64, 64, 1, 1, 6), true);
	expect_desc(dev, "cube with array size 6 (as Mesa sends it)",
		    desc(PIPE_TEXTURE_CUBE, 67, 64, 64, 1, 6, 0), true);
	expect_desc(dev, "cube with array size 5", desc(PIPE_TEXTURE_CUBE, 67, 64, 64, 1, 5, 0),
		    false);
	expect_desc(dev, "vertex-only format (R16G16_SSCALED) as a texture",
		    desc(PIPE_TEXTURE_2D, 61, 4, 4, 1, 1, 0), false);
	expect_desc(dev, "bad target", desc(9, 2, 4, 4, 1, 1, 0), false);
	expect_desc(dev, "target 0xffffffff", desc(0xffffffffu, 2, 4, 4, 1, 1, 0), false);
	expect_desc(dev, "unknown format", desc(PIPE_TEXTURE_2D, 14, 4, 4, 1, 1, 0), false);
	expect_desc(dev, "format past MAX", desc(PIPE_TEXTURE_2D, 323, 4, 4, 1, 1, 0), false);
	expect_desc(dev, "zero width", desc(PIPE_TEXTURE_2D, 2, 0, 4, 1, 1, 0), false);
	expect_desc(dev, "zero height", desc(PIPE_TEXTURE_2D, 2, 4, 0, 1, 1, 0), false);
	expect_desc(dev, "zero depth", desc(PIPE_TEXTURE_3D, 2, 4, 4, 0, 1, 0), false);
	expect_desc(dev, "too many levels", desc(PIPE_TEXTURE_2D, 2, 16, 16, 1, 1, 5), false);
	expect_desc(dev, "levels on a buffer", desc(PIPE_BUFFER, 64, 16, 1, 1, 1, 1), false);
	expect_desc(dev, "array size on 2D", desc(PIPE_TEXTURE_2D, 2, 4, 4, 1, 4, 0), false);
	expect_desc(dev, "array size 0 on 2D array", desc(PIPE_TEXTURE_2D_ARRAY, 2, 4, 4, 1, 0, 0),
		    false);
	expect_desc(dev, "huge array", desc(PIPE_TEXTURE_2D_ARRAY, 2, 4, 4, 1, 1u << 20, 0), false);
	expect_desc(dev, "cube array not multiple of 6",
		    desc(PIPE_TEXTURE_CUBE_ARRAY, 2, 4, 4, 1, 7, 0), false);
	expect_desc(dev, "non-square cube", desc(PIPE_TEXTURE_CUBE, 2, 4, 8, 1, 1, 0), false);
	expect_desc(dev, "overflowy 2D", desc(PIPE_TEXTURE_2D, 31, 0x10000, 0x10000, 1, 1, 0),
		    false);
	expect_desc(dev, "overflowy 3D", desc(PIPE_TEXTURE_3D, 31, 4096, 4096, 4096, 1, 0), false);
	expect_desc(dev, "buffer > 1 GiB", desc(PIPE_BUFFER, 64, 0x80000000u, 1, 1, 1, 0), false);
	expect_desc(dev, "buffer height 2", desc(PIPE_BUFFER, 64, 16, 2, 1, 1, 0), false);
	expect_desc(dev, "1D with height", desc(PIPE_TEXTURE_1D, 2, 16, 2, 1, 1, 0), false);
	struct vr_resource_desc d = desc(PIPE_TEXTURE_2D, 2, 4, 4, 1, 1, 0);
	d.nr_samples = 17;
	expect_desc(dev, "17 samples", d, false);
	d.nr_samples = 4;
	d.last_level = 1;
	expect_desc(dev, "MSAA with mips", d, false);
	const char *why = NULL;
	d = desc(PIPE_TEXTURE_2D, 2, 4, 4, 1, 1, 0);
	CHECK(vr_device_resource_create(dev, 0, &d, NULL, &why) == NULL, "resource id 0");
	CHECK(vr_device_resource_create(dev, 100, &d, NULL, &why) == NULL, "duplicate id 100");
	uint64_t size = 0;
	d = desc(PIPE_TEXTURE_2D, 2, 300, 300, 1, 1, 0);
	CHECK(vr_resource_desc_backing_size(&d, &size) && size == 360000,
	      "300x300 BGRX backing %llu, expected 360000", (unsigned long long)size);
	d = desc(PIPE_TEXTURE_CUBE, 67, 4, 4, 1, 1, 2);
	CHECK(vr_resource_desc_backing_size(&d, &size) && size == 6 * 4 * (16 + 4 + 1),
	      "cube backing %llu", (unsigned long long)size);
	/* Sizing runs on unvalidated descriptions too: a huge level count must fail
	 * at once instead of looping 2^32 times (fuzz regression). */
	d = desc(PIPE_TEXTURE_2D, 2, 4, 4, 1, 1, 0);
	d.last_level = UINT32_MAX;
	CHECK(!vr_resource_desc_backing_size(&d, &size), "last_level UINT32_MAX sized");
	d.last_level = 32;
	CHECK(!vr_resource_desc_backing_size(&d, &size), "last_level 32 sized");
	vr_device_destroy(dev);
	be->impl->destroy(be);
}

static void
expect_xfer(struct vr_resource *res, const char *what, uint32_t level, struct vr_box box,
	    uint32_t stride, uint32_t layer_stride, uint64_t offset, bool good)
{
	struct vr_transfer x;
	const char *why = NULL;
	bool r =
		vr_transfer_prepare(res, level, &box, stride, layer_stride, offset, true, &x, &why);
	CHECK(r == good, "%s: %s (%s)", what, r ? "accepted" : "rejected", why ? why : "-");
}

static void
test_transfer_boxes(void)
{
	struct fx f;
	fx_init(&f, false);
	struct vr_resource *tex = vr_device_lookup_resource(f.dev, 1); /* 16x16, 5 levels */
	struct vr_resource *buf = vr_device_lookup_resource(f.dev, 2); /* 4096 bytes */
	struct vr_resource *arr = vr_device_lookup_resource(f.dev, 3); /* 8x8x4 layers */
	struct vr_box b = {0, 0, 0, 16, 16, 1};
	expect_xfer(tex, "full level 0", 0, b, 0, 0, 0, true);
	expect_xfer(tex, "level 5", 5, b, 0, 0, 0, false);
	b.w = 17;
	expect_xfer(tex, "box wider than level", 0, b, 0, 0, 0, false);
	b = (struct vr_box){8, 8, 0, 8, 8, 1};
	expect_xfer(tex, "box inside level 1", 1, b, 0, 0, 0, false);
	b = (struct vr_box){0, 0, 0, 8, 8, 1};
	expect_xfer(tex, "full level 1", 1, b, 0, 0, 1024, true);
	b = (struct vr_box){0, 0, 1, 1, 1, 1};
	expect_xfer(tex, "z 1 on a 2D texture", 0, b, 0, 0, 0, false);
	b = (struct vr_box){0x7fffffff, 0, 0, 0x7fffffff, 1, 1};
	expect_xfer(tex, "x + w overflow", 0, b, 0, 0, 0, false);
	b = (struct vr_box){-1, 0, 0, 1, 1, 1};
	expect_xfer(tex, "negative x", 0, b, 0, 0, 0, false);
	b = (struct vr_box){0, 0, 0, 16, 16, 1};
	expect_xfer(tex, "offset past backing end", 0, b, 0, 0, 1024 + 256 + 64 + 16 + 4, false);
	expect_xfer(tex, "offset + extent past end", 0, b, 0, 0, 400, false);
	expect_xfer(tex, "offset 2^63", 0, b, 0, 0, 1ull << 63, false);
	expect_xfer(tex, "huge stride", 0, b, 0xffffffffu, 0, 0, false);
	expect_xfer(tex, "stride below row", 0, b, 63, 0, 0, false);
	b = (struct vr_box){0, 0, 0, 4, 4, 1};
	expect_xfer(tex, "padded stride inside backing", 0, b, 256, 0, 0, true);
	b = (struct vr_box){0, 0, 0, 4096, 1, 1};
	expect_xfer(buf, "whole buffer", 0, b, 0, 0, 0, true);
	b.x = 1;
	expect_xfer(buf, "buffer box past end", 0, b, 0, 0, 1, false);
	b = (struct vr_box){0, 0, 0, 8, 8, 4};
	expect_xfer(arr, "all 4 layers", 0, b, 0, 0, 0, true);
	expect_xfer(arr, "layer stride overflow", 0, b, 0, 0xffffffffu, 0, false);
	b.d = 5;
	expect_xfer(arr, "5 layers of 4", 0, b, 0, 0, 0, false);
	struct vr_resource *nob = vr_device_lookup_resource(f.dev, 6);
	b = (struct vr_box){0, 0, 0, 1, 1, 1};
	expect_xfer(nob, "no backing", 0, b, 0, 0, 0, false);
	const char *why = NULL;
	CHECK(!vr_device_transfer(f.dev, 99, 0, &b, 0, 0, 0, true, &why), "unknown resource");
	CHECK(vr_device_transfer(f.dev, 1, 0, &b, 0, 0, 0, true, &why), "device transfer: %s",
	      why ? why : "?");
	uint8_t zeros[4] = {0};
	char line[128];
	snprintf(line, sizeof(line),
		 "transfer res=1 to_host=1 level=0 box=0,0,0 1x1x1 stride=4 "
		 "layer_stride=4 hash=0x%08x",
		 fx_hash(zeros, 4));
	CHECK_LINE(&f, line);
	fx_finish(&f);
}

static void
test_refcount(void)
{
	struct fx f;
	fx_init(&f, false);
	vgp_enc_create_surface(f.e, 40, 1, VIRGL_FORMAT_B8G8R8X8_UNORM, 0, 0, 0);
	vgp_enc_create_sampler_view_tex(f.e, 41, 1, 2, PIPE_TEXTURE_2D, 0, 0, 0, 0);
	CHECK(fx_submit(&f), "objects: %s", f.ctx->error);
	fx_clear_log(&f);
	CHECK(vr_device_resource_unref(f.dev, 1), "unref resource 1");
	CHECK(!vr_device_resource_unref(f.dev, 1), "second unref of 1 succeeded");
	CHECK(vr_device_lookup_resource(f.dev, 1) == NULL, "1 still in the table");
	CHECK(!strstr(fx_log(&f), "resource_destroy id=1"), "resource died under its surface");
	vgp_enc_destroy_object(f.e, VIRGL_OBJECT_SURFACE, 40);
	CHECK(fx_submit(&f), "destroy surface: %s", f.ctx->error);
	CHECK(!strstr(fx_log(&f), "resource_destroy id=1"), "resource died under its view");
	vgp_enc_destroy_object(f.e, VIRGL_OBJECT_SAMPLER_VIEW, 41);
	CHECK(fx_submit(&f), "destroy view: %s", f.ctx->error);
	CHECK_LINE(&f, "resource_destroy id=1");
	const char *log = fx_log(&f);
	const char *view = strstr(log, "destroy_object handle=41");
	const char *res = strstr(log, "resource_destroy id=1");
	CHECK(view && res && view < res, "resource destroyed before its last view:\n%s", log);
	/* A new surface on the dead id is refused. */
	vgp_enc_create_surface(f.e, 42, 1, VIRGL_FORMAT_B8G8R8X8_UNORM, 0, 0, 0);
	CHECK(!fx_submit(&f), "surface on an unref'd resource accepted");
	fx_finish(&f);
}

/* CVE-2020-8003 class: a failed creation leaves the backing to the caller (one
 * release, by the caller), a successful one to the resource (one release, at
 * its death); never both. */
struct counted_backing {
	struct vr_backing b;
	struct iovec iov;
	uint8_t mem[64];
	unsigned *releases;
};

static void
counted_release(struct vr_backing *b)
{
	struct counted_backing *cb = (struct counted_backing *)b;
	(*cb->releases)++;
	free(cb);
}

static struct vr_backing *
counted_new(unsigned *releases)
{
	struct counted_backing *cb = calloc(1, sizeof(*cb));
	cb->iov = (struct iovec){cb->mem, sizeof(cb->mem)};
	cb->b = (struct vr_backing){.iov = &cb->iov,
				    .iov_count = 1,
				    .size = sizeof(cb->mem),
				    .release = counted_release};
	cb->releases = releases;
	return &cb->b;
}

static void
test_backing_ownership(void)
{
	struct fx f;
	fx_init(&f, false);
	unsigned releases = 0;
	const char *why = NULL;
	struct vr_resource_desc d = desc(PIPE_BUFFER, VIRGL_FORMAT_R8_UNORM, 64, 1, 1, 1, 0);
	/* Duplicate id, id 0, bad description: refused, backing untouched. */
	struct vr_backing *b = counted_new(&releases);
	CHECK(!vr_device_resource_create(f.dev, 1, &d, b, &why), "duplicate id accepted");
	CHECK(!vr_device_resource_create(f.dev, 0, &d, b, &why), "id 0 accepted");
	d.last_level = 40;
	CHECK(!vr_device_resource_create(f.dev, 90, &d, b, &why), "bad description accepted");
	CHECK_EQ_U(releases, 0);
	b->release(b);
	CHECK_EQ_U(releases, 1);
	/* Accepted: released exactly once, when the last reference goes. */
	d.last_level = 0;
	b = counted_new(&releases);
	struct vr_resource *res = vr_device_resource_create(f.dev, 90, &d, b, &why);
	CHECK(res != NULL, "buffer 90: %s", why ? why : "?");
	struct vr_backing *b2 = counted_new(&releases);
	CHECK(res && !vr_resource_attach_backing(res, b2), "second backing attached");
	b2->release(b2);
	CHECK_EQ_U(releases, 2);
	CHECK(vr_device_resource_unref(f.dev, 90), "unref 90");
	CHECK(!vr_device_resource_unref(f.dev, 90), "second unref of 90");
	CHECK_EQ_U(releases, 3);
	fx_finish(&f);
	CHECK_EQ_U(releases, 3);
}

int
main(void)
{
	test_desc_validation();
	test_transfer_boxes();
	test_refcount();
	test_backing_ownership();
	return vgp_test_result("test_core");
}
