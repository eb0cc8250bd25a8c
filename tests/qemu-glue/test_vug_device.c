/*
 * pvgpu tests — the virtio-gpu device model driven with requests built in
 * memory: every command in valid and malformed forms, multi-scanout 2D output
 * through the headless sink, blob scanouts without copies, the cursor queue,
 * fences in order per ring, and a device fed garbage next to one that works.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vgp_test.h"
#include "vr_null.h"
#include "vug_test.h"

#define RAM_SIZE (16u << 20)
#define ERR_UNSPEC VIRTIO_GPU_RESP_ERR_UNSPEC
#define ERR_OOM VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY
#define ERR_SCANOUT VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID
#define ERR_RES VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID
#define ERR_CTX VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID
#define ERR_PARAM VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER
#define OK VIRTIO_GPU_RESP_OK_NODATA

/* Guest pixel bytes of a test image: distinct in every byte position. */
static void
pattern(uint8_t px[4], uint32_t x, uint32_t y, uint32_t seed)
{
	px[0] = (uint8_t)(x * 7 + y + seed);
	px[1] = (uint8_t)(x + y * 3);
	px[2] = (uint8_t)((x ^ y) + seed * 5);
	px[3] = (uint8_t)(0x80 | seed);
}

/* Fills a w x h image (rows w*4 apart) spread over `n` guest pieces. */
static void
fill_pieces(struct tguest *g, const struct virtio_gpu_mem_entry *e, unsigned n, uint32_t w,
	    uint32_t h, uint32_t seed)
{
	for (uint32_t y = 0; y < h; y++) {
		for (uint32_t x = 0; x < w; x++) {
			uint64_t off = ((uint64_t)y * w + x) * 4;
			unsigned i = 0;
			while (i < n && off >= e[i].length) {
				off -= e[i].length;
				i++;
			}
			pattern(tg_ptr(g, e[i].addr + off), x, y, seed);
		}
	}
}

static struct vug_gpu_config
cfg_2d(uint32_t scanouts)
{
	return (struct vug_gpu_config){
		.num_scanouts = scanouts, .edid = true, .blob = true, .width = 320, .height = 240};
}

/* The capture of `scanout` compared with a window of a resource filled by pattern(). */
static void
check_capture(struct tguest *g, uint32_t scanout, uint32_t rx, uint32_t ry, uint32_t w, uint32_t h,
	      uint32_t seed, bool bgrx, const char *what)
{
	uint8_t *px = NULL;
	uint32_t cw = 0, ch = 0;
	CHECK(vug_sink_headless_capture(g->sink, scanout, &px, &cw, &ch), "%s: capture", what);
	CHECK(cw == w && ch == h, "%s: %ux%u, expected %ux%u", what, cw, ch, w, h);
	unsigned bad = 0;
	for (uint32_t y = 0; px && y < h && y < ch; y++) {
		for (uint32_t x = 0; x < w && x < cw; x++) {
			uint8_t p[4], want[4];
			pattern(p, rx + x, ry + y, seed);
			if (bgrx) { /* B8G8R8X8: bytes B, G, R, X */
				memcpy(want, (uint8_t[4]){p[2], p[1], p[0], 255}, 4);
			} else { /* R8G8B8A8: bytes R, G, B, A */
				memcpy(want, p, 4);
			}
			bad += memcmp(px + 4 * ((size_t)y * cw + x), want, 4) != 0;
		}
	}
	CHECK(bad == 0, "%s: %u pixels differ", what, bad);
	free(px);
}

static void
test_config(void)
{
	struct tguest g;
	struct vug_gpu_config c = cfg_2d(3);
	CHECK(tg_init(&g, RAM_SIZE, &c), "init");
	uint64_t f = vug_gpu_features(g.gpu);
	CHECK(f & (1u << VIRTIO_GPU_F_EDID), "EDID offered");
	CHECK(!(f & (1u << VIRTIO_GPU_F_VIRGL)), "no virgl without a backend");
	struct virtio_gpu_config vc;
	vug_gpu_get_config(g.gpu, &vc, sizeof(vc));
	CHECK_EQ_U(vc.num_scanouts, 3);
	CHECK_EQ_U(vc.num_capsets, 0);
	CHECK_EQ_U(vc.events_read, 0);

	vug_gpu_set_mode(g.gpu, 1, true, 800, 600);
	vug_gpu_set_mode(g.gpu, 2, false, 0, 0);
	vug_gpu_set_mode(g.gpu, 7, true, 800, 600); /* no such scanout: ignored */
	CHECK_EQ_U(g.config_changes, 2);
	vug_gpu_get_config(g.gpu, &vc, sizeof(vc));
	CHECK_EQ_U(vc.events_read, VIRTIO_GPU_EVENT_DISPLAY);
	uint32_t clear = VIRTIO_GPU_EVENT_DISPLAY;
	vug_gpu_set_config(g.gpu, 0, &clear, 4); /* events_read is read-only */
	vug_gpu_get_config(g.gpu, &vc, sizeof(vc));
	CHECK_EQ_U(vc.events_read, VIRTIO_GPU_EVENT_DISPLAY);
	vug_gpu_set_config(g.gpu, 4, &clear, 4);
	vug_gpu_get_config(g.gpu, &vc, sizeof(vc));
	CHECK_EQ_U(vc.events_read, 0);

	struct virtio_gpu_ctrl_hdr h = tg_hdr(VIRTIO_GPU_CMD_GET_DISPLAY_INFO);
	struct virtio_gpu_resp_display_info di;
	CHECK_EQ_U(tg_send(&g, &h, sizeof(h), &di, sizeof(di), NULL), sizeof(di));
	CHECK_EQ_U(di.hdr.type, VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
	CHECK(di.pmodes[0].enabled && di.pmodes[0].r.width == 320 && di.pmodes[0].r.height == 240,
	      "scanout 0 mode");
	CHECK(di.pmodes[1].enabled && di.pmodes[1].r.width == 800, "scanout 1 mode");
	CHECK(!di.pmodes[2].enabled && !di.pmodes[3].enabled, "unplugged / absent scanouts");
	/* A response area one byte short: not executed, a bare error header. */
	CHECK_EQ_U(tg_send(&g, &h, sizeof(h), &di, sizeof(di) - 1, NULL), 24);
	CHECK_EQ_U(di.hdr.type, ERR_UNSPEC);

	/* EDID: a valid 1.4 block for the mode. */
	struct virtio_gpu_cmd_get_edid ge = {.hdr = tg_hdr(VIRTIO_GPU_CMD_GET_EDID), .scanout = 1};
	struct virtio_gpu_resp_edid re;
	CHECK_EQ_U(tg_send(&g, &ge, sizeof(ge), &re, sizeof(re), NULL), sizeof(re));
	CHECK_EQ_U(re.hdr.type, VIRTIO_GPU_RESP_OK_EDID);
	CHECK_EQ_U(re.size, 128);
	static const uint8_t magic[8] = {0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0};
	CHECK(!memcmp(re.edid, magic, 8), "EDID header");
	uint8_t sum = 0;
	for (int i = 0; i < 128; i++) {
		sum = (uint8_t)(sum + re.edid[i]);
	}
	CHECK_EQ_U(sum, 0);
	CHECK_EQ_U(re.edid[18], 1);
	CHECK_EQ_U(re.edid[19], 4);
	CHECK_EQ_U(re.edid[56] | (re.edid[58] >> 4) << 8, 800); /* DTD horizontal active */
	CHECK_EQ_U(re.edid[59] | (re.edid[61] >> 4) << 8, 600);
	ge.scanout = 3;
	CHECK_EQ_U(tg_cmd(&g, &ge, sizeof(ge)), ERR_UNSPEC); /* response area too small */
	CHECK_EQ_U(tg_send(&g, &ge, sizeof(ge), &re, sizeof(re), NULL), 24);
	CHECK_EQ_U(re.hdr.type, ERR_SCANOUT);

	/* A device without the EDID feature answers GET_EDID as unknown. */
	vug_gpu_set_features(g.gpu, 0);
	ge.scanout = 0;
	CHECK_EQ_U(tg_send(&g, &ge, sizeof(ge), &re, sizeof(re), NULL), 24);
	CHECK_EQ_U(re.hdr.type, ERR_UNSPEC);
	tg_finish(&g);
}

/* Fixes the checksum of 128-byte block `b` of `e`. */
static void
edid_checksum(uint8_t *e, unsigned b)
{
	uint8_t sum = 0;
	for (int i = 0; i < 127; i++) {
		sum = (uint8_t)(sum + e[b * 128 + i]);
	}
	e[b * 128 + 127] = (uint8_t)(0x100 - sum);
}

/* vug_gpu_set_edid: an EDID from outside (QEMU's display channel) answers GET_EDID. */
static void
test_set_edid(void)
{
	struct tguest g;
	struct vug_gpu_config cfg = {.num_scanouts = 2, .edid = true};
	CHECK(tg_init(&g, 1u << 20, &cfg), "device");
	static const uint8_t magic[8] = {0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0};
	uint8_t e[384];
	memset(e, 0, sizeof(e));
	memcpy(e, magic, 8);
	e[8] = 0x13;
	e[126] = 1; /* one extension block */
	edid_checksum(e, 0);
	e[128] = 0x70; /* DisplayID extension tag */
	e[200] = 0x11;
	edid_checksum(e, 1);
	/* The third block is beyond what the base block announces: dropped. */
	memset(e + 256, 0xab, 128);
	CHECK(vug_gpu_set_edid(g.gpu, 1, e, sizeof(e)), "two blocks + one extra accepted");
	struct virtio_gpu_cmd_get_edid ge = {.hdr = tg_hdr(VIRTIO_GPU_CMD_GET_EDID), .scanout = 1};
	struct virtio_gpu_resp_edid re;
	CHECK_EQ_U(tg_send(&g, &ge, sizeof(ge), &re, sizeof(re), NULL), sizeof(re));
	CHECK_EQ_U(re.hdr.type, VIRTIO_GPU_RESP_OK_EDID);
	CHECK_EQ_U(re.size, 256);
	CHECK(!memcmp(re.edid, e, 256), "the given EDID comes back");
	CHECK_EQ_U(re.edid[256], 0);
	/* Scanout 0 still gets the built one. */
	ge.scanout = 0;
	CHECK_EQ_U(tg_send(&g, &ge, sizeof(ge), &re, sizeof(re), NULL), sizeof(re));
	CHECK(re.size == 128 && re.edid[8] != 0x13 && re.edid[19] == 4, "built EDID on 0");

	/* Malformed: each refused without changing what scanout 1 answers. */
	uint8_t bad[1152];
	memcpy(bad, e, 256);
	CHECK(!vug_gpu_set_edid(g.gpu, 2, e, 128), "scanout out of range");
	CHECK(!vug_gpu_set_edid(g.gpu, 99, e, 128), "scanout far out of range");
	CHECK(!vug_gpu_set_edid(g.gpu, 1, e, 127), "short");
	CHECK(!vug_gpu_set_edid(g.gpu, 1, e, 200), "not whole blocks");
	CHECK(!vug_gpu_set_edid(g.gpu, 1, e, 128), "extension announced but missing");
	memset(bad + 256, 0, sizeof(bad) - 256);
	CHECK(!vug_gpu_set_edid(g.gpu, 1, bad, sizeof(bad)), "over 1024 bytes");
	bad[0] = 1;
	CHECK(!vug_gpu_set_edid(g.gpu, 1, bad, 256), "bad header");
	bad[0] = 0;
	bad[20] ^= 1;
	CHECK(!vug_gpu_set_edid(g.gpu, 1, bad, 256), "bad base checksum");
	bad[20] ^= 1;
	bad[130] ^= 1;
	CHECK(!vug_gpu_set_edid(g.gpu, 1, bad, 256), "bad extension checksum");
	bad[130] ^= 1;
	bad[126] = 255;
	edid_checksum(bad, 0);
	CHECK(!vug_gpu_set_edid(g.gpu, 1, bad, 1024), "255 extensions announced");
	ge.scanout = 1;
	CHECK_EQ_U(tg_send(&g, &ge, sizeof(ge), &re, sizeof(re), NULL), sizeof(re));
	CHECK(re.size == 256 && !memcmp(re.edid, e, 256), "still the accepted EDID");
	/* NULL goes back to the built one. */
	CHECK(vug_gpu_set_edid(g.gpu, 1, NULL, 0), "reset");
	CHECK_EQ_U(tg_send(&g, &ge, sizeof(ge), &re, sizeof(re), NULL), sizeof(re));
	CHECK(re.size == 128 && re.edid[8] != 0x13, "built EDID again");
	tg_finish(&g);
}

static void
test_2d_scanouts(void)
{
	struct tguest g;
	struct vug_gpu_config c = cfg_2d(3);
	CHECK(tg_init(&g, RAM_SIZE, &c), "init");
	/* Resource 1: 64x48 B8G8R8X8 over two pieces of guest RAM with a gap between. */
	uint32_t w1 = 64, h1 = 48, split = 64 * 4 * 20;
	struct virtio_gpu_mem_entry e1[2] = {{tg_alloc(&g, split), split, 0}, {0, 0, 0}};
	tg_alloc(&g, 4096);
	e1[1] = (struct virtio_gpu_mem_entry){tg_alloc(&g, w1 * h1 * 4 - split),
					      w1 * h1 * 4 - split, 0};
	fill_pieces(&g, e1, 2, w1, h1, 1);
	CHECK_EQ_U(tg_create_2d(&g, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, w1, h1), OK);
	CHECK_EQ_U(tg_attach(&g, 1, e1, 2), OK);
	CHECK_EQ_U(tg_transfer_2d(&g, 1, 0, 0, w1, h1, 0), OK);
	CHECK_EQ_U(tg_set_scanout(&g, 0, 1, 0, 0, w1, h1), OK);
	CHECK_EQ_U(tg_flush(&g, 1, 0, 0, w1, h1), OK);
	check_capture(&g, 0, 0, 0, w1, h1, 1, true, "scanout 0");

	/* Resource 2: 32x32 R8G8B8A8, only a window transferred. */
	struct virtio_gpu_mem_entry e2 = {tg_alloc(&g, 32 * 32 * 4), 32 * 32 * 4, 0};
	fill_pieces(&g, &e2, 1, 32, 32, 2);
	CHECK_EQ_U(tg_create_2d(&g, 2, VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM, 32, 32), OK);
	CHECK_EQ_U(tg_attach(&g, 2, &e2, 1), OK);
	CHECK_EQ_U(tg_transfer_2d(&g, 2, 8, 4, 16, 10, (4 * 32 + 8) * 4), OK);
	CHECK_EQ_U(tg_set_scanout(&g, 1, 2, 8, 4, 16, 10), OK);
	check_capture(&g, 1, 8, 4, 16, 10, 2, false, "scanout 1 window");
	uint8_t *px;
	uint32_t cw, ch;
	CHECK_EQ_U(tg_set_scanout(&g, 1, 2, 0, 0, 32, 32), OK);
	CHECK(vug_sink_headless_capture(g.sink, 1, &px, &cw, &ch), "capture 1");
	CHECK(px && !memcmp(px, (uint8_t[4]){0, 0, 0, 0}, 4), "untransferred pixels stay zero");
	free(px);

	/* Scanout 2 shows a window of resource 1; a flush damages both scanouts of it. */
	CHECK_EQ_U(tg_set_scanout(&g, 2, 1, 16, 8, 32, 32), OK);
	check_capture(&g, 2, 16, 8, 32, 32, 1, true, "scanout 2");
	uint64_t f0 = vug_sink_headless_flushes(g.sink, 0, NULL);
	uint64_t f2 = vug_sink_headless_flushes(g.sink, 2, NULL);
	/* Guest redraws rows 10..19 with another pattern, transfers them, flushes. */
	struct vug_rect dmg;
	for (uint32_t y = 10; y < 20; y++) {
		for (uint32_t x = 0; x < w1; x++) {
			pattern(tg_ptr(&g, e1[0].addr + (y * w1 + x) * 4), x, y, 9);
		}
	}
	CHECK_EQ_U(tg_transfer_2d(&g, 1, 0, 10, w1, 10, 10 * w1 * 4), OK);
	CHECK_EQ_U(tg_flush(&g, 1, 0, 10, w1, 10), OK);
	CHECK_EQ_U(vug_sink_headless_flushes(g.sink, 0, NULL), f0 + 1);
	CHECK_EQ_U(vug_sink_headless_flushes(g.sink, 2, &dmg), f2 + 1);
	CHECK(dmg.x == 0 && dmg.y == 2 && dmg.width == 32 && dmg.height == 10,
	      "damage in scanout 2 coordinates: %u,%u %ux%u", dmg.x, dmg.y, dmg.width, dmg.height);
	CHECK_EQ_U(tg_set_scanout(&g, 0, 1, 0, 10, w1, 10), OK);
	check_capture(&g, 0, 0, 10, w1, 10, 9, true, "updated rows");
	CHECK_EQ_U(tg_set_scanout(&g, 0, 1, 0, 20, w1, 28), OK);
	check_capture(&g, 0, 0, 20, w1, 28, 1, true, "unchanged rows");

	/* PNG of a scanout. */
	char path[] = "/tmp/vug-png-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0, "mkstemp");
	close(fd);
	CHECK(vug_sink_headless_write_png(g.sink, 0, path), "write png");
	FILE *pf = fopen(path, "rb");
	uint8_t sig[8] = {0};
	CHECK(pf && fread(sig, 1, 8, pf) == 8 && !memcmp(sig, "\x89PNG\r\n\x1a\n", 8), "PNG file");
	if (pf) {
		fclose(pf);
	}
	unlink(path);
	struct vug_gpu_stats st;
	vug_gpu_get_stats(g.gpu, &st);
	CHECK(st.bytes_copied > 0 && st.errors == 0, "2D copies counted, no errors");

	/* Unref while shown: the scanouts go dark; detach and re-attach work. */
	struct virtio_gpu_resource_detach_backing d = {
		.hdr = tg_hdr(VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING), .resource_id = 2};
	CHECK_EQ_U(tg_cmd(&g, &d, sizeof(d)), OK);
	CHECK_EQ_U(tg_cmd(&g, &d, sizeof(d)), ERR_UNSPEC);
	CHECK_EQ_U(tg_transfer_2d(&g, 2, 0, 0, 1, 1, 0), ERR_UNSPEC); /* no backing */
	CHECK_EQ_U(tg_attach(&g, 2, &e2, 1), OK);
	struct virtio_gpu_resource_unref u = {.hdr = tg_hdr(VIRTIO_GPU_CMD_RESOURCE_UNREF),
					      .resource_id = 1};
	CHECK_EQ_U(tg_cmd(&g, &u, sizeof(u)), OK);
	CHECK(!vug_sink_headless_capture(g.sink, 0, &px, &cw, &ch), "scanout 0 off after unref");
	CHECK(!vug_sink_headless_capture(g.sink, 2, &px, &cw, &ch), "scanout 2 off after unref");
	CHECK_EQ_U(tg_cmd(&g, &u, sizeof(u)), ERR_RES);
	CHECK_EQ_U(tg_set_scanout(&g, 1, 0, 0, 0, 0, 0), OK); /* resource 0 disables */
	CHECK(!vug_sink_headless_capture(g.sink, 1, &px, &cw, &ch), "scanout 1 off");

	/* RESOURCE_ASSIGN_UUID: stable per resource, distinct between resources. */
	CHECK_EQ_U(tg_create_2d(&g, 3, VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM, 4, 4), OK);
	struct virtio_gpu_resource_assign_uuid au = {
		.hdr = tg_hdr(VIRTIO_GPU_CMD_RESOURCE_ASSIGN_UUID), .resource_id = 2};
	struct virtio_gpu_resp_resource_uuid ua, ub, uc;
	CHECK_EQ_U(tg_send(&g, &au, sizeof(au), &ua, sizeof(ua), NULL), sizeof(ua));
	CHECK_EQ_U(tg_send(&g, &au, sizeof(au), &ub, sizeof(ub), NULL), sizeof(ub));
	au.resource_id = 3;
	CHECK_EQ_U(tg_send(&g, &au, sizeof(au), &uc, sizeof(uc), NULL), sizeof(uc));
	CHECK_EQ_U(ua.hdr.type, VIRTIO_GPU_RESP_OK_RESOURCE_UUID);
	CHECK(!memcmp(ua.uuid, ub.uuid, 16) && memcmp(ua.uuid, uc.uuid, 16), "uuids");
	au.resource_id = 99;
	CHECK_EQ_U(tg_send(&g, &au, sizeof(au), &uc, sizeof(uc), NULL), 24);
	CHECK_EQ_U(uc.hdr.type, ERR_RES);
	tg_finish(&g);
}

static void
test_blob(void)
{
	struct tguest g;
	struct vug_gpu_config c = cfg_2d(2);
	CHECK(tg_init(&g, RAM_SIZE, &c), "init");
	/* A 40x30 B8G8R8X8 plane with 48-pixel rows at byte 256 of a 3-page blob. */
	uint32_t w = 40, h = 30, stride = 48 * 4, offset = 256, size = 3 * 4096 + 2048;
	uint64_t gpa = tg_alloc(&g, size);
	for (uint32_t y = 0; y < h; y++) {
		for (uint32_t x = 0; x < w; x++) {
			pattern(tg_ptr(&g, gpa + offset + y * stride + x * 4), x, y, 3);
		}
	}
	/* Three entries: the device merges the adjacent pages into one piece. */
	uint8_t req[sizeof(struct virtio_gpu_resource_create_blob) + 3 * 16];
	struct virtio_gpu_resource_create_blob *cb = (void *)req;
	*cb = (struct virtio_gpu_resource_create_blob){
		.hdr = tg_hdr(VIRTIO_GPU_CMD_RESOURCE_CREATE_BLOB),
		.resource_id = 5,
		.blob_mem = VIRTIO_GPU_BLOB_MEM_GUEST,
		.blob_flags = VIRTIO_GPU_BLOB_FLAG_USE_SHAREABLE,
		.nr_entries = 3,
		.size = size};
	struct virtio_gpu_mem_entry *e = (void *)(cb + 1);
	e[0] = (struct virtio_gpu_mem_entry){gpa, 4096, 0};
	e[1] = (struct virtio_gpu_mem_entry){gpa + 4096, 4096, 0};
	e[2] = (struct virtio_gpu_mem_entry){gpa + 8192, size - 8192, 0};
	CHECK_EQ_U(tg_cmd(&g, req, sizeof(req)), OK);
	struct virtio_gpu_set_scanout_blob sb = {.hdr = tg_hdr(VIRTIO_GPU_CMD_SET_SCANOUT_BLOB),
						 .r = {0, 0, w, h},
						 .scanout_id = 1,
						 .resource_id = 5,
						 .width = w,
						 .height = h,
						 .format = VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM,
						 .strides = {stride},
						 .offsets = {offset}};
	CHECK_EQ_U(tg_cmd(&g, &sb, sizeof(sb)), OK);
	CHECK_EQ_U(tg_flush(&g, 5, 0, 0, w, h), OK);
	CHECK_EQ_U(tg_transfer_2d(&g, 5, 0, 0, w, h, 0), OK); /* nothing to copy */
	check_capture(&g, 1, 0, 0, w, h, 3, true, "blob scanout");
	/* The display reads the guest's pages: a guest write shows without any command. */
	pattern(tg_ptr(&g, gpa + offset), 0, 0, 7);
	uint8_t *px;
	uint32_t cw, ch;
	CHECK(vug_sink_headless_capture(g.sink, 1, &px, &cw, &ch), "capture");
	uint8_t p[4];
	pattern(p, 0, 0, 7);
	CHECK(px && px[0] == p[2] && px[1] == p[1] && px[2] == p[0], "guest write visible");
	free(px);
	struct vug_gpu_stats st;
	vug_gpu_get_stats(g.gpu, &st);
	CHECK_EQ_U(st.bytes_copied, 0);
	CHECK_EQ_U(st.flushes, 1);

	/* Malformed blob commands. */
	cb->resource_id = 6;
	cb->blob_mem = VIRTIO_GPU_BLOB_MEM_HOST3D;
	CHECK_EQ_U(tg_cmd(&g, req, sizeof(req)), ERR_PARAM); /* not mappable here */
	cb->blob_mem = VIRTIO_GPU_BLOB_MEM_GUEST;
	cb->size = size + 1;
	CHECK_EQ_U(tg_cmd(&g, req, sizeof(req)), ERR_PARAM); /* pages smaller than the blob */
	cb->size = 0;
	CHECK_EQ_U(tg_cmd(&g, req, sizeof(req)), ERR_PARAM);
	cb->size = size;
	cb->blob_flags = 0x100;
	CHECK_EQ_U(tg_cmd(&g, req, sizeof(req)), ERR_PARAM);
	cb->blob_flags = 0;
	CHECK_EQ_U(tg_cmd(&g, req, sizeof(req) - 1), ERR_UNSPEC); /* entries cut short */
	cb->resource_id = 5;
	CHECK_EQ_U(tg_cmd(&g, req, sizeof(req)), ERR_RES); /* id in use */
	sb.offsets[0] = size - stride * (h - 1) - w * 4 + 1;
	CHECK_EQ_U(tg_cmd(&g, &sb, sizeof(sb)), ERR_PARAM); /* last row past the blob */
	sb.offsets[0] = UINT32_MAX;
	sb.strides[0] = UINT32_MAX;
	CHECK_EQ_U(tg_cmd(&g, &sb, sizeof(sb)), ERR_PARAM);
	sb.offsets[0] = offset;
	sb.strides[0] = w * 4 - 1;
	CHECK_EQ_U(tg_cmd(&g, &sb, sizeof(sb)), ERR_PARAM); /* rows overlap */
	sb.strides[0] = stride;
	sb.format = 5;
	CHECK_EQ_U(tg_cmd(&g, &sb, sizeof(sb)), ERR_PARAM);
	sb.format = VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM;
	sb.r.width = w + 1;
	CHECK_EQ_U(tg_cmd(&g, &sb, sizeof(sb)), ERR_PARAM);
	sb.r.width = w;
	sb.scanout_id = 2;
	CHECK_EQ_U(tg_cmd(&g, &sb, sizeof(sb)), ERR_SCANOUT);
	sb.scanout_id = 0;
	CHECK_EQ_U(tg_create_2d(&g, 7, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 8, 8), OK);
	sb.resource_id = 7;
	CHECK_EQ_U(tg_cmd(&g, &sb, sizeof(sb)), ERR_RES);            /* not a blob */
	CHECK_EQ_U(tg_set_scanout(&g, 0, 5, 0, 0, 8, 8), ERR_PARAM); /* blob via SET_SCANOUT */
	struct virtio_gpu_mem_entry one = {gpa, 4096, 0};
	CHECK_EQ_U(tg_attach(&g, 5, &one, 1), ERR_UNSPEC); /* blobs keep their pages */
	struct virtio_gpu_resource_map_blob mb = {.hdr = tg_hdr(VIRTIO_GPU_CMD_RESOURCE_MAP_BLOB),
						  .resource_id = 5};
	struct virtio_gpu_resp_map_info mi;
	CHECK_EQ_U(tg_send(&g, &mb, sizeof(mb), &mi, sizeof(mi), NULL), 24);
	CHECK_EQ_U(mi.hdr.type, ERR_UNSPEC);
	struct virtio_gpu_resource_unmap_blob ub = {
		.hdr = tg_hdr(VIRTIO_GPU_CMD_RESOURCE_UNMAP_BLOB), .resource_id = 9};
	CHECK_EQ_U(tg_cmd(&g, &ub, sizeof(ub)), ERR_RES);
	/* Still shown after all that; unref turns it off. */
	sb.r = (struct virtio_gpu_rect){0, 1, w, h - 1};
	CHECK_EQ_U(tg_cmd(&g, &sb, sizeof(sb)), ERR_RES); /* resource 7 is still named */
	sb.resource_id = 5;
	sb.scanout_id = 1;
	CHECK_EQ_U(tg_cmd(&g, &sb, sizeof(sb)), OK);
	check_capture(&g, 1, 0, 1, w, h - 1, 3, true, "blob rows 1..");
	struct virtio_gpu_resource_unref u = {.hdr = tg_hdr(VIRTIO_GPU_CMD_RESOURCE_UNREF),
					      .resource_id = 5};
	CHECK_EQ_U(tg_cmd(&g, &u, sizeof(u)), OK);
	CHECK(!vug_sink_headless_capture(g.sink, 1, &px, &cw, &ch), "off after unref");
	/* Without the blob feature the commands are unknown. */
	vug_gpu_set_features(g.gpu, 0);
	cb->resource_id = 8;
	CHECK_EQ_U(tg_cmd(&g, req, sizeof(req)), ERR_UNSPEC);
	tg_finish(&g);
}

static void
test_cursor(void)
{
	struct tguest g;
	struct vug_gpu_config c = cfg_2d(2);
	CHECK(tg_init(&g, RAM_SIZE, &c), "init");
	struct virtio_gpu_mem_entry e = {tg_alloc(&g, 64 * 64 * 4), 64 * 64 * 4, 0};
	*(uint32_t *)tg_ptr(&g, e.addr) = 0xff112233;
	CHECK_EQ_U(tg_create_2d(&g, 1, VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM, 64, 64), OK);
	CHECK_EQ_U(tg_create_2d(&g, 2, VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM, 32, 32), OK);
	CHECK_EQ_U(tg_attach(&g, 1, &e, 1), OK);
	CHECK_EQ_U(tg_transfer_2d(&g, 1, 0, 0, 64, 64, 0), OK);
	struct virtio_gpu_update_cursor uc = {.hdr = tg_hdr(VIRTIO_GPU_CMD_UPDATE_CURSOR),
					      .pos = {1, 100, 50, 0},
					      .resource_id = 1,
					      .hot_x = 3,
					      .hot_y = 4};
	struct iovec iov = {&uc, sizeof(uc)};
	vug_gpu_cursor(g.gpu, &iov, 1);
	int32_t x, y;
	uint32_t hx, hy, p0;
	CHECK(vug_sink_headless_cursor(g.sink, 1, &x, &y, &hx, &hy, &p0), "cursor visible");
	CHECK(x == 100 && y == 50 && hx == 3 && hy == 4 && p0 == 0xff112233, "cursor state");
	uc.hdr.type = VIRTIO_GPU_CMD_MOVE_CURSOR;
	uc.pos.x = (uint32_t)-5;
	uc.resource_id = 0;
	vug_gpu_cursor(g.gpu, &iov, 1);
	CHECK(vug_sink_headless_cursor(g.sink, 1, &x, &y, &hx, &hy, &p0), "still visible");
	CHECK(x == -5 && y == 50 && p0 == 0xff112233, "moved, image kept");
	struct vug_gpu_stats before, after;
	vug_gpu_get_stats(g.gpu, &before);
	/* Refused: wrong size, unknown resource, bad scanout, hot spot outside, short, bad type. */
	uc.hdr.type = VIRTIO_GPU_CMD_UPDATE_CURSOR;
	uc.resource_id = 2;
	vug_gpu_cursor(g.gpu, &iov, 1);
	uc.resource_id = 77;
	vug_gpu_cursor(g.gpu, &iov, 1);
	uc.resource_id = 1;
	uc.hot_x = 64;
	vug_gpu_cursor(g.gpu, &iov, 1);
	uc.hot_x = 0;
	uc.pos.scanout_id = 2;
	vug_gpu_cursor(g.gpu, &iov, 1);
	uc.pos.scanout_id = 1;
	iov.iov_len = sizeof(uc) - 1;
	vug_gpu_cursor(g.gpu, &iov, 1);
	iov.iov_len = sizeof(uc);
	uc.hdr.type = VIRTIO_GPU_CMD_RESOURCE_FLUSH;
	vug_gpu_cursor(g.gpu, &iov, 1);
	vug_gpu_get_stats(g.gpu, &after);
	CHECK_EQ_U(after.errors - before.errors, 6);
	CHECK(vug_sink_headless_cursor(g.sink, 1, &x, &y, &hx, &hy, &p0) && x == -5,
	      "refusals change nothing");
	uc.hdr.type = VIRTIO_GPU_CMD_UPDATE_CURSOR;
	uc.resource_id = 0;
	vug_gpu_cursor(g.gpu, &iov, 1);
	CHECK(!vug_sink_headless_cursor(g.sink, 1, &x, &y, &hx, &hy, &p0), "hidden");
	tg_finish(&g);
}

/* Malformed 2D requests: each answered with its error, nothing changes. */
static void
test_malformed_2d(void)
{
	struct tguest g;
	struct vug_gpu_config c = cfg_2d(1);
	CHECK(tg_init(&g, RAM_SIZE, &c), "init");
	struct virtio_gpu_ctrl_hdr resp;
	uint8_t junk[64] = {0};
	CHECK_EQ_U(tg_send(&g, junk, 10, &resp, sizeof(resp), NULL), 24); /* short header */
	CHECK_EQ_U(resp.type, ERR_UNSPEC);
	CHECK_EQ_U(tg_send(&g, junk, 0, &resp, sizeof(resp), NULL), 24);
	CHECK_EQ_U(tg_send(&g, junk, sizeof(junk), &resp, 23, NULL), 0); /* nowhere to answer */
	struct virtio_gpu_ctrl_hdr h = tg_hdr(0x999);
	CHECK_EQ_U(tg_cmd(&g, &h, sizeof(h)), ERR_UNSPEC);
	h = tg_hdr(VIRTIO_GPU_CMD_CTX_CREATE); /* 3D without virgl */
	CHECK_EQ_U(tg_cmd(&g, &h, sizeof(h)), ERR_UNSPEC);
	h = tg_hdr(VIRTIO_GPU_CMD_RESOURCE_CREATE_2D); /* header only: payload missing */
	CHECK_EQ_U(tg_cmd(&g, &h, sizeof(h)), ERR_UNSPEC);

	uint32_t fmt = VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM;
	CHECK_EQ_U(tg_create_2d(&g, 0, fmt, 4, 4), ERR_RES);
	CHECK_EQ_U(tg_create_2d(&g, 1, 5, 4, 4), ERR_PARAM);
	CHECK_EQ_U(tg_create_2d(&g, 1, fmt, 0, 4), ERR_PARAM);
	CHECK_EQ_U(tg_create_2d(&g, 1, fmt, 100000, 100000), ERR_PARAM);
	CHECK_EQ_U(tg_create_2d(&g, 1, fmt, 16384, 16384), ERR_OOM); /* 1 GiB host copy */
	CHECK_EQ_U(tg_create_2d(&g, 1, fmt, 16, 16), OK);
	CHECK_EQ_U(tg_create_2d(&g, 1, fmt, 16, 16), ERR_RES); /* duplicate */

	/* Backing entries. */
	uint64_t a = tg_alloc(&g, 8192);
	struct virtio_gpu_mem_entry e[3] = {{a, 512, 0}, {a + 256, 512, 0}, {0, 0, 0}};
	CHECK_EQ_U(tg_attach(&g, 1, e, 0), ERR_PARAM);
	CHECK_EQ_U(tg_attach(&g, 1, e, 2), ERR_PARAM); /* overlapping */
	e[1] = (struct virtio_gpu_mem_entry){a + 512, 0, 0};
	CHECK_EQ_U(tg_attach(&g, 1, e, 2), ERR_PARAM); /* empty entry */
	e[1] = (struct virtio_gpu_mem_entry){RAM_SIZE - 16, 512, 0};
	CHECK_EQ_U(tg_attach(&g, 1, e, 2), ERR_PARAM); /* past the end of RAM */
	e[1] = (struct virtio_gpu_mem_entry){UINT64_MAX - 8, 512, 0};
	CHECK_EQ_U(tg_attach(&g, 1, e, 2), ERR_PARAM); /* address overflow */
	CHECK_EQ_U(tg_attach(&g, 77, e, 1), ERR_RES);
	struct virtio_gpu_resource_attach_backing ab = {
		.hdr = tg_hdr(VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING),
		.resource_id = 1,
		.nr_entries = 5};
	CHECK_EQ_U(tg_cmd(&g, &ab, sizeof(ab)), ERR_UNSPEC); /* entries not in the request */
	ab.nr_entries = 1u << 20;
	CHECK_EQ_U(tg_cmd(&g, &ab, sizeof(ab)), ERR_PARAM); /* over the entry cap */
	e[0] = (struct virtio_gpu_mem_entry){a, 512, 0};
	e[1] = (struct virtio_gpu_mem_entry){a + 512, 512, 0};
	CHECK_EQ_U(tg_attach(&g, 1, e, 2), OK);         /* 1024 bytes: all of 16x16 */
	CHECK_EQ_U(tg_attach(&g, 1, e, 2), ERR_UNSPEC); /* already has one */

	/* Scattered entries cost host memory each: a device-wide cap on the pieces. */
	uint32_t n = 16384;
	struct virtio_gpu_mem_entry *many = calloc(n, sizeof(*many));
	uint64_t base = tg_alloc(&g, 2 * n);
	for (uint32_t i = 0; i < n; i++) {
		many[i] = (struct virtio_gpu_mem_entry){base + 2 * i, 1, 0}; /* never adjacent */
	}
	uint32_t last = 0;
	for (uint32_t id = 100; id < 100 + 65; id++) {
		tg_create_2d(&g, id, fmt, 1, 1);
		last = tg_attach(&g, id, many, n);
		if (last != OK) {
			/* 64 x 16384 pieces is the cap; resource 1 holds one already. */
			CHECK_EQ_U(id, 163);
			break;
		}
	}
	CHECK_EQ_U(last, ERR_OOM);
	struct virtio_gpu_resource_unref un = {.hdr = tg_hdr(VIRTIO_GPU_CMD_RESOURCE_UNREF),
					       .resource_id = 100};
	CHECK_EQ_U(tg_cmd(&g, &un, sizeof(un)), OK);
	CHECK_EQ_U(tg_attach(&g, 163, many, n), OK); /* room again */
	free(many);

	/* Transfers. */
	CHECK_EQ_U(tg_transfer_2d(&g, 1, 0, 0, 17, 1, 0), ERR_PARAM);
	CHECK_EQ_U(tg_transfer_2d(&g, 1, UINT32_MAX, 0, 2, 1, 0), ERR_PARAM);
	CHECK_EQ_U(tg_transfer_2d(&g, 1, 0, 15, 16, 1, 15 * 64 + 1), ERR_PARAM); /* past backing */
	CHECK_EQ_U(tg_transfer_2d(&g, 1, 0, 0, 1, 1, UINT64_MAX), ERR_PARAM);
	CHECK_EQ_U(tg_transfer_2d(&g, 9, 0, 0, 1, 1, 0), ERR_RES);
	CHECK_EQ_U(tg_transfer_2d(&g, 1, 0, 15, 16, 1, 15 * 64), OK);

	/* Scanouts and flushes. */
	CHECK_EQ_U(tg_set_scanout(&g, 1, 1, 0, 0, 16, 16), ERR_SCANOUT);
	CHECK_EQ_U(tg_set_scanout(&g, UINT32_MAX, 1, 0, 0, 16, 16), ERR_SCANOUT);
	CHECK_EQ_U(tg_set_scanout(&g, 0, 9, 0, 0, 16, 16), ERR_RES);
	CHECK_EQ_U(tg_set_scanout(&g, 0, 1, 8, 8, 9, 8), ERR_PARAM);
	CHECK_EQ_U(tg_set_scanout(&g, 0, 1, 0, 0, 0, 8), ERR_PARAM);
	CHECK_EQ_U(tg_flush(&g, 9, 0, 0, 1, 1), ERR_RES);
	CHECK_EQ_U(tg_flush(&g, 1, 0, 0, 1, UINT32_MAX), ERR_PARAM);
	CHECK_EQ_U(tg_set_scanout(&g, 0, 1, 0, 0, 16, 16), OK);
	CHECK_EQ_U(tg_flush(&g, 1, 0, 0, 16, 16), OK);

	/* Config writes outside events_clear are ignored. */
	uint32_t v = 7;
	vug_gpu_set_config(g.gpu, 8, &v, 4);
	vug_gpu_set_config(g.gpu, 4, &v, 2);
	struct virtio_gpu_config vc;
	vug_gpu_get_config(g.gpu, &vc, sizeof(vc));
	CHECK_EQ_U(vc.num_scanouts, 1);
	struct vug_gpu_stats st;
	vug_gpu_get_stats(g.gpu, &st);
	CHECK(st.errors >= 30, "errors counted: %llu", (unsigned long long)st.errors);
	tg_finish(&g);
}

/* A virgl device over the null backend (no GL needed). */
static bool
init_virgl(struct tguest *g, struct vr_backend **be)
{
	*be = vr_null_backend_create();
	struct vug_gpu_config c = cfg_2d(1);
	c.virgl = true;
	c.context_init = true;
	c.backend = *be;
	return *be && tg_init(g, RAM_SIZE, &c);
}

static uint32_t
ctx_create(struct tguest *g, uint32_t id, uint32_t context_init, uint32_t nlen)
{
	struct virtio_gpu_ctx_create cc = {.hdr = tg_hdr(VIRTIO_GPU_CMD_CTX_CREATE),
					   .nlen = nlen,
					   .context_init = context_init};
	cc.hdr.ctx_id = id;
	memcpy(cc.debug_name, "test", 4);
	return tg_cmd(g, &cc, sizeof(cc));
}

static void
test_malformed_3d(void)
{
	struct tguest g;
	struct vr_backend *be;
	CHECK(init_virgl(&g, &be), "init");
	struct virtio_gpu_config vc;
	vug_gpu_get_config(g.gpu, &vc, sizeof(vc));
	CHECK_EQ_U(vc.num_capsets, 2);
	/* Capsets. */
	struct virtio_gpu_get_capset_info ci = {.hdr = tg_hdr(VIRTIO_GPU_CMD_GET_CAPSET_INFO),
						.capset_index = 1};
	struct virtio_gpu_resp_capset_info ri;
	CHECK_EQ_U(tg_send(&g, &ci, sizeof(ci), &ri, sizeof(ri), NULL), sizeof(ri));
	CHECK(ri.capset_id == 2 && ri.capset_max_version == 2 && ri.capset_max_size == 1376,
	      "capset info 1: %u %u %u", ri.capset_id, ri.capset_max_version, ri.capset_max_size);
	ci.capset_index = 2;
	CHECK_EQ_U(tg_send(&g, &ci, sizeof(ci), &ri, sizeof(ri), NULL), 24);
	CHECK_EQ_U(ri.hdr.type, ERR_PARAM);
	struct virtio_gpu_get_capset gc = {
		.hdr = tg_hdr(VIRTIO_GPU_CMD_GET_CAPSET), .capset_id = 1, .capset_version = 1};
	uint8_t caps[24 + 1376];
	CHECK_EQ_U(tg_send(&g, &gc, sizeof(gc), caps, sizeof(caps), NULL), 24 + 308);
	gc.capset_id = 2;
	gc.capset_version = 2;
	CHECK_EQ_U(tg_send(&g, &gc, sizeof(gc), caps, sizeof(caps), NULL), 24 + 1376);
	CHECK_EQ_U(((struct virtio_gpu_ctrl_hdr *)caps)->type, VIRTIO_GPU_RESP_OK_CAPSET);
	CHECK_EQ_U(tg_send(&g, &gc, sizeof(gc), caps, sizeof(caps) - 1, NULL), 24); /* no room */
	gc.capset_version = 3;
	CHECK_EQ_U(tg_send(&g, &gc, sizeof(gc), caps, sizeof(caps), NULL), 24);
	CHECK_EQ_U(((struct virtio_gpu_ctrl_hdr *)caps)->type, ERR_PARAM);
	gc.capset_id = 4;
	gc.capset_version = 0;
	CHECK_EQ_U(tg_send(&g, &gc, sizeof(gc), caps, sizeof(caps), NULL), 24);

	/* Contexts. */
	CHECK_EQ_U(ctx_create(&g, 0, 0, 4), ERR_CTX);
	CHECK_EQ_U(ctx_create(&g, 1, 0, 65), ERR_PARAM);
	CHECK_EQ_U(ctx_create(&g, 1, 4, 4), ERR_PARAM);     /* venus: not ours */
	CHECK_EQ_U(ctx_create(&g, 1, 0x102, 4), ERR_PARAM); /* unknown bits */
	CHECK_EQ_U(ctx_create(&g, 1, 2, 64), OK);
	CHECK_EQ_U(ctx_create(&g, 1, 0, 4), ERR_CTX); /* duplicate */
	CHECK_EQ_U(ctx_create(&g, 2, 0, 0), OK);
	struct virtio_gpu_ctx_destroy cd = {.hdr = tg_hdr(VIRTIO_GPU_CMD_CTX_DESTROY)};
	cd.hdr.ctx_id = 9;
	CHECK_EQ_U(tg_cmd(&g, &cd, sizeof(cd)), ERR_CTX);
	cd.hdr.ctx_id = 2;
	CHECK_EQ_U(tg_cmd(&g, &cd, sizeof(cd)), OK);

	/* 3D resources. */
	struct virtio_gpu_resource_create_3d r3 = {.hdr = tg_hdr(VIRTIO_GPU_CMD_RESOURCE_CREATE_3D),
						   .resource_id = 10,
						   .target = 2, /* PIPE_TEXTURE_2D */
						   .format = VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM,
						   .bind = 2, /* RENDER_TARGET */
						   .width = 16,
						   .height = 16,
						   .depth = 1,
						   .array_size = 1};
	CHECK_EQ_U(tg_cmd(&g, &r3, sizeof(r3)), OK);
	CHECK_EQ_U(tg_cmd(&g, &r3, sizeof(r3)), ERR_RES);
	r3.resource_id = 11;
	r3.width = 1u << 20;
	CHECK_EQ_U(tg_cmd(&g, &r3, sizeof(r3)), ERR_PARAM);
	r3.width = 16;
	r3.target = 99;
	CHECK_EQ_U(tg_cmd(&g, &r3, sizeof(r3)), ERR_PARAM);

	/* Attachments and transfers. */
	struct virtio_gpu_ctx_resource ar = {.hdr = tg_hdr(VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE),
					     .resource_id = 10};
	ar.hdr.ctx_id = 5;
	CHECK_EQ_U(tg_cmd(&g, &ar, sizeof(ar)), ERR_CTX);
	ar.hdr.ctx_id = 1;
	ar.resource_id = 11;
	CHECK_EQ_U(tg_cmd(&g, &ar, sizeof(ar)), ERR_RES);
	struct virtio_gpu_transfer_host_3d t = {.hdr = tg_hdr(VIRTIO_GPU_CMD_TRANSFER_TO_HOST_3D),
						.box = {0, 0, 0, 16, 16, 1},
						.resource_id = 10,
						.stride = 64};
	t.hdr.ctx_id = 1;
	CHECK_EQ_U(tg_cmd(&g, &t, sizeof(t)), ERR_RES); /* not attached to context 1 */
	ar.resource_id = 10;
	CHECK_EQ_U(tg_cmd(&g, &ar, sizeof(ar)), OK);
	CHECK_EQ_U(tg_cmd(&g, &t, sizeof(t)), ERR_UNSPEC); /* no backing yet */
	struct virtio_gpu_mem_entry e = {tg_alloc(&g, 1024), 1024, 0};
	CHECK_EQ_U(tg_attach(&g, 10, &e, 1), OK);
	CHECK_EQ_U(tg_cmd(&g, &t, sizeof(t)), OK);
	t.box.w = 17;
	CHECK_EQ_U(tg_cmd(&g, &t, sizeof(t)), ERR_PARAM); /* outside the level */
	t.box.w = 16;
	t.offset = 1;
	CHECK_EQ_U(tg_cmd(&g, &t, sizeof(t)), ERR_PARAM); /* outside the backing */
	t.offset = 0;
	t.level = 3;
	CHECK_EQ_U(tg_cmd(&g, &t, sizeof(t)), ERR_PARAM);
	t.level = 0;
	t.box.x = UINT32_MAX; /* -1 */
	CHECK_EQ_U(tg_cmd(&g, &t, sizeof(t)), ERR_PARAM);
	t.box.x = 0;
	t.hdr.ctx_id = 3;
	CHECK_EQ_U(tg_cmd(&g, &t, sizeof(t)), ERR_CTX);
	t.hdr.ctx_id = 0;
	t.resource_id = 11;
	CHECK_EQ_U(tg_cmd(&g, &t, sizeof(t)), ERR_RES);
	t.resource_id = 10;
	t.hdr.type = VIRTIO_GPU_CMD_TRANSFER_FROM_HOST_3D;
	CHECK_EQ_U(tg_cmd(&g, &t, sizeof(t)), OK);
	struct virtio_gpu_ctx_resource dr = ar;
	dr.hdr.type = VIRTIO_GPU_CMD_CTX_DETACH_RESOURCE;
	CHECK_EQ_U(tg_cmd(&g, &dr, sizeof(dr)), OK);
	CHECK_EQ_U(tg_cmd(&g, &dr, sizeof(dr)), ERR_RES);

	/* Submits. */
	uint8_t sub[sizeof(struct virtio_gpu_cmd_submit) + 16] = {0};
	struct virtio_gpu_cmd_submit *s = (void *)sub;
	s->hdr = tg_hdr(VIRTIO_GPU_CMD_SUBMIT_3D);
	s->hdr.ctx_id = 1;
	s->size = 17;
	CHECK_EQ_U(tg_cmd(&g, sub, sizeof(sub)), ERR_PARAM); /* past the request */
	s->size = 6;
	CHECK_EQ_U(tg_cmd(&g, sub, sizeof(sub)), ERR_PARAM); /* not dwords */
	s->size = UINT32_MAX & ~3u;
	CHECK_EQ_U(tg_cmd(&g, sub, sizeof(sub)), ERR_PARAM);
	s->hdr.ctx_id = 2;
	s->size = 0;
	CHECK_EQ_U(tg_cmd(&g, sub, sizeof(sub)), ERR_CTX);
	s->hdr.ctx_id = 1;
	uint32_t bad[4] = {0xffff00ff, 1, 2, 3}; /* a command with a huge length */
	memcpy(s + 1, bad, sizeof(bad));
	s->size = 16;
	CHECK_EQ_U(tg_cmd(&g, sub, sizeof(sub)), ERR_PARAM); /* context 1 is now broken */
	CHECK_EQ_U(ctx_create(&g, 3, 0, 0), OK);             /* others carry on */
	/* A 3D resource on a scanout reads back (null backend: zeros). */
	CHECK_EQ_U(tg_set_scanout(&g, 0, 10, 0, 0, 16, 16), OK);
	uint8_t *px;
	uint32_t cw, ch;
	CHECK(vug_sink_headless_capture(g.sink, 0, &px, &cw, &ch) && cw == 16, "3D scanout");
	free(px);
	/* RESOURCE_UNREF of a 3D resource; the core drops it too. */
	struct virtio_gpu_resource_unref u = {.hdr = tg_hdr(VIRTIO_GPU_CMD_RESOURCE_UNREF),
					      .resource_id = 10};
	CHECK_EQ_U(tg_cmd(&g, &u, sizeof(u)), OK);
	CHECK_EQ_U(tg_cmd(&g, &r3, sizeof(r3)), ERR_PARAM); /* still target 99 */
	r3.target = 2;
	r3.resource_id = 10;
	CHECK_EQ_U(tg_cmd(&g, &r3, sizeof(r3)), OK); /* the id is free again everywhere */
	tg_finish(&g);
	be->impl->destroy(be);
}

static uint32_t
send_fenced(struct tguest *g, void *req, size_t size, uint64_t fence, uint32_t ctx, int ring,
	    struct virtio_gpu_ctrl_hdr *resp, void *token)
{
	struct virtio_gpu_ctrl_hdr *h = req;
	h->flags = VIRTIO_GPU_FLAG_FENCE | (ring >= 0 ? VIRTIO_GPU_FLAG_INFO_RING_IDX : 0);
	h->fence_id = fence;
	h->ctx_id = ctx;
	h->ring_idx = (uint8_t)(ring >= 0 ? ring : 0);
	return tg_send(g, req, size, resp, sizeof(*resp), token);
}

static void
test_fences(void)
{
	struct tguest g;
	struct vr_backend *be;
	CHECK(init_virgl(&g, &be), "init");
	CHECK_EQ_U(ctx_create(&g, 1, 2, 0), OK);
	struct virtio_gpu_cmd_submit s = {.hdr = tg_hdr(VIRTIO_GPU_CMD_SUBMIT_3D)};
	struct virtio_gpu_resource_create_2d c2 = {.hdr = tg_hdr(VIRTIO_GPU_CMD_RESOURCE_CREATE_2D),
						   .resource_id = 1,
						   .format = VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM,
						   .width = 4,
						   .height = 4};
	struct virtio_gpu_ctrl_hdr r[8];
	int tok[8];
	/* Ring 0 of context 1: 3D work, then 2D work that must wait behind it. */
	CHECK_EQ_U(send_fenced(&g, &s, sizeof(s), 10, 1, 0, &r[0], &tok[0]), VUG_GPU_DEFERRED);
	CHECK_EQ_U(send_fenced(&g, &c2, sizeof(c2), 11, 1, 0, &r[1], &tok[1]), VUG_GPU_DEFERRED);
	/* Ring 1 and the global timeline are independent: they finish at once. */
	c2.resource_id = 2;
	CHECK_EQ_U(send_fenced(&g, &c2, sizeof(c2), 12, 1, 1, &r[2], &tok[2]), 24);
	c2.resource_id = 3;
	CHECK_EQ_U(send_fenced(&g, &c2, sizeof(c2), 13, 0, -1, &r[3], &tok[3]), 24);
	CHECK(r[2].type == OK && r[2].fence_id == 12 && r[2].ring_idx == 1 && r[2].ctx_id == 1 &&
		      r[2].flags == (VIRTIO_GPU_FLAG_FENCE | VIRTIO_GPU_FLAG_INFO_RING_IDX),
	      "fence echoed: type %x fence %llu ring %u flags %u", r[2].type,
	      (unsigned long long)r[2].fence_id, r[2].ring_idx, r[2].flags);
	CHECK(r[3].fence_id == 13 && r[3].flags == VIRTIO_GPU_FLAG_FENCE, "global fence echoed");
	/* Ring 64 does not exist; an error on ring 2 still answers in order. */
	CHECK_EQ_U(send_fenced(&g, &c2, sizeof(c2), 14, 1, 64, &r[4], &tok[4]), 24);
	CHECK_EQ_U(r[4].type, ERR_PARAM);
	CHECK_EQ_U(g.ncompleted, 0);
	vug_gpu_poll(g.gpu);
	CHECK_EQ_U(g.ncompleted, 2);
	CHECK(g.completed[0] == &tok[0] && g.completed[1] == &tok[1], "ring 0 in order");
	CHECK(g.completed_len[0] == 24 && r[0].type == OK && r[0].fence_id == 10, "3D fence");
	CHECK(r[1].type == OK && r[1].fence_id == 11, "2D fence behind it");
	/* Without CONTEXT_INIT accepted, INFO_RING_IDX is refused. */
	vug_gpu_set_features(g.gpu, 1u << VIRTIO_GPU_F_VIRGL);
	c2.resource_id = 4;
	CHECK_EQ_U(send_fenced(&g, &c2, sizeof(c2), 15, 1, 0, &r[5], &tok[5]), 24);
	CHECK_EQ_U(r[5].type, ERR_PARAM);
	struct vug_gpu_stats st;
	vug_gpu_get_stats(g.gpu, &st);
	CHECK_EQ_U(st.fences_completed, 4);
	/* A pending fence at destroy is dropped without a completion. */
	CHECK_EQ_U(send_fenced(&g, &s, sizeof(s), 16, 1, -1, &r[6], &tok[6]), VUG_GPU_DEFERRED);
	tg_finish(&g);
	CHECK_EQ_U(g.ncompleted, 2);
	be->impl->destroy(be);
}

/* A 2D scene on a healthy device, next to a device that eats garbage. */
static void
test_two_devices(void)
{
	struct tguest bad, good;
	struct vr_backend *be;
	CHECK(init_virgl(&bad, &be), "init bad");
	struct vug_gpu_config c = cfg_2d(1);
	CHECK(tg_init(&good, RAM_SIZE, &c), "init good");
	CHECK_EQ_U(ctx_create(&bad, 1, 0, 0), OK);
	struct virtio_gpu_mem_entry e = {tg_alloc(&good, 32 * 32 * 4), 32 * 32 * 4, 0};
	fill_pieces(&good, &e, 1, 32, 32, 4);
	CHECK_EQ_U(tg_create_2d(&good, 1, VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM, 32, 32), OK);
	CHECK_EQ_U(tg_attach(&good, 1, &e, 1), OK);
	CHECK_EQ_U(tg_set_scanout(&good, 0, 1, 0, 0, 32, 32), OK);

	static const uint32_t types[] = {0x100, 0x101, 0x102, 0x103, 0x104, 0x105,  0x106,
					 0x107, 0x108, 0x109, 0x10a, 0x10b, 0x10c,  0x10d,
					 0x200, 0x201, 0x202, 0x203, 0x204, 0x205,  0x206,
					 0x207, 0x208, 0x209, 0x300, 0x301, 0x1100, 0};
	uint32_t seed = 12345;
	uint8_t req[600], resp[1600];
	for (int i = 0; i < 20000; i++) {
		for (size_t k = 0; k < sizeof(req); k++) {
			seed = seed * 1103515245u + 12345u;
			req[k] = (uint8_t)(seed >> 16);
		}
		struct virtio_gpu_ctrl_hdr *h = (void *)req;
		h->type = types[(seed >> 8) % (sizeof(types) / sizeof(types[0]))];
		if (seed & 0x10000) { /* small ids and sizes reach deeper */
			for (size_t k = 24; k + 4 <= 64; k += 4) {
				req[k + 1] = req[k + 2] = req[k + 3] = 0;
			}
			h->ctx_id &= 3;
		}
		size_t len = (seed >> 4) % sizeof(req);
		size_t rlen = seed & 0x20000 ? sizeof(resp) : (seed >> 12) % 64;
		tg_send(&bad, req, len, resp, rlen, NULL);
		if (i % 7 == 0) {
			struct iovec iov = {req, len};
			vug_gpu_cursor(bad.gpu, &iov, 1);
		}
		if (i % 1000 == 0) {
			vug_gpu_poll(bad.gpu);
			/* The healthy device works throughout. */
			pattern(tg_ptr(&good, e.addr), 0, 0, (uint32_t)i);
			CHECK_EQ_U(tg_transfer_2d(&good, 1, 0, 0, 32, 32, 0), OK);
			CHECK_EQ_U(tg_flush(&good, 1, 0, 0, 32, 32), OK);
		}
	}
	vug_gpu_poll(bad.gpu);
	fill_pieces(&good, &e, 1, 32, 32, 4);
	CHECK_EQ_U(tg_transfer_2d(&good, 1, 0, 0, 32, 32, 0), OK);
	check_capture(&good, 0, 0, 0, 32, 32, 4, false, "good device after the storm");
	struct vug_gpu_stats st;
	vug_gpu_get_stats(good.gpu, &st);
	CHECK_EQ_U(st.errors, 0);
	vug_gpu_get_stats(bad.gpu, &st);
	CHECK(st.errors > 1000, "garbage refused: %llu errors", (unsigned long long)st.errors);
	struct virtio_gpu_ctrl_hdr h = tg_hdr(VIRTIO_GPU_CMD_GET_DISPLAY_INFO);
	struct virtio_gpu_resp_display_info di;
	CHECK_EQ_U(tg_send(&bad, &h, sizeof(h), &di, sizeof(di), NULL), sizeof(di));
	CHECK_EQ_U(di.hdr.type, VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
	tg_finish(&bad);
	tg_finish(&good);
	be->impl->destroy(be);
}

int
main(void)
{
	test_config();
	test_set_edid();
	test_2d_scanouts();
	test_blob();
	test_cursor();
	test_malformed_2d();
	test_malformed_3d();
	test_fences();
	test_two_devices();
	return vgp_test_result("vug-device");
}
