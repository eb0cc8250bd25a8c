/*
 * pvgpu shader tests — translated VS/FS(/GS) sets compile and link on the host
 * GL (EGL surfaceless, desktop GL 3.3 core).
 *
 * Usage: test_shader_link DIR            sets from DIR/PAIRS ("vs fs [gs]" per line,
 *                                         as bound together at draws by real clients)
 *        test_shader_link --derive DIR   sets derived from the shaders: every FS with
 *                                         up to two VS of the same source= tag whose
 *                                         outputs cover its inputs, every other VS
 *                                         with one such FS
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "shader_gl.h"
#include "vgp_test.h"

#define MAX_LOGGED 8 /* full GLSL dumps for the first failures only */

struct tr {
	bool done, ok;
	struct vr_shader_result res;
};

struct ctx {
	struct sgl gl;
	struct corpus c;
	struct tr *tr; /* per corpus file, translated on first use */
	unsigned sets, linked, logged;
};

static struct tr *
translate(struct ctx *t, const struct corpus_file *f)
{
	struct tr *r = &t->tr[f - t->c.files];
	if (!r->done) {
		struct vr_shader_key key;
		corpus_default_key(f->stage, false, &key);
		r->done = true;
		r->ok = vr_shader_translate(f->text, f->len, &key, &r->res) && r->res.glsl;
		CHECK(r->ok, "%s: translation failed: %s", f->name, r->res.error);
	}
	return r;
}

/* Translates `f` with `key` into `res`; false (and a failed check) if it does not. */
static bool
translate_with(const struct corpus_file *f, const struct vr_shader_key *key,
	       struct vr_shader_result *res)
{
	memset(res, 0, sizeof(*res));
	bool ok = vr_shader_translate(f->text, f->len, key, res) && res->glsl;
	CHECK(ok, "%s: translation (linked key) failed: %s", f->name, res->error);
	return ok;
}

/*
 * Links one set. The FS uses its default key; the stage before it gets the
 * FS's interpolation qualifiers (vr_shader_key_set_next_stage), and a VS that
 * feeds a GS gets gs_follows, as the GL backend does at link time.
 */
static void
link_set(struct ctx *t, const struct corpus_file *vs, const struct corpus_file *fs,
	 const struct corpus_file *gs)
{
	t->sets++;
	struct tr *f = translate(t, fs);
	if (!f->ok || !translate(t, vs)->ok || (gs && !translate(t, gs)->ok)) {
		return;
	}
	struct vr_shader_key fkey, gkey, vkey;
	corpus_default_key(CORPUS_FS, false, &fkey);
	corpus_default_key(CORPUS_GS, false, &gkey);
	corpus_default_key(CORPUS_VS, false, &vkey);
	struct vr_shader_result gres, vres;
	memset(&gres, 0, sizeof(gres));
	memset(&vres, 0, sizeof(vres));
	bool ok = true;
	if (gs) {
		vr_shader_key_set_next_stage(&gkey, &f->res.info, &fkey);
		ok = translate_with(gs, &gkey, &gres);
		vkey.gs_follows = true;
		if (ok) {
			vr_shader_key_set_next_stage(&vkey, &gres.info, &gkey);
		}
	} else {
		vr_shader_key_set_next_stage(&vkey, &f->res.info, &fkey);
	}
	ok = ok && translate_with(vs, &vkey, &vres);
	if (ok) {
		GLuint prog = sgl_link(&t->gl, vres.glsl, f->res.glsl, gs ? gres.glsl : NULL);
		bool log_it = t->logged < MAX_LOGGED;
		CHECK(prog != 0, "%s + %s%s%s does not link%s%s", vs->name, fs->name,
		      gs ? " + " : "", gs ? gs->name : "", log_it ? ":\n" : " (log omitted)",
		      log_it ? t->gl.log : "");
		if (!prog) {
			t->logged++;
		}
		t->linked += prog != 0;
		sgl_program_destroy(prog);
	}
	vr_shader_result_finish(&gres);
	vr_shader_result_finish(&vres);
}

static const struct corpus_file *
need(struct ctx *t, const char *name, int stage)
{
	const struct corpus_file *f = corpus_find(&t->c, name);
	CHECK(f != NULL, "PAIRS names %s, which is not in the corpus", name);
	if (f) {
		CHECK(f->stage == stage, "PAIRS: %s is stage %d, expected %d", name, f->stage,
		      stage);
	}
	return f && f->stage == stage ? f : NULL;
}

static void
run_pairs(struct ctx *t, const char *dir)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/PAIRS", dir);
	char *data = corpus_read_file(path, NULL);
	CHECK(data != NULL, "cannot read %s", path);
	if (!data) {
		return;
	}
	char *save = NULL;
	for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || line[0] == '\0') {
			continue;
		}
		char a[128] = "", b[128] = "", c[128] = "";
		int n = sscanf(line, "%127s %127s %127s", a, b, c);
		CHECK(n >= 2, "bad PAIRS line: %s", line);
		if (n < 2) {
			continue;
		}
		const struct corpus_file *vs = need(t, a, CORPUS_VS), *fs = need(t, b, CORPUS_FS);
		const struct corpus_file *gs = n == 3 ? need(t, c, CORPUS_GS) : NULL;
		if (vs && fs && (n < 3 || gs)) {
			link_set(t, vs, fs, gs);
		}
	}
	free(data);
}

/* Inputs the previous stage must write (system values and built-ins excluded). */
static bool
is_varying(uint8_t sem)
{
	switch (sem) {
	case VR_SEM_COLOR:
	case VR_SEM_BCOLOR:
	case VR_SEM_FOG:
	case VR_SEM_GENERIC:
	case VR_SEM_TEXCOORD:
	case VR_SEM_CLIPDIST:
		return true;
	default:
		return false;
	}
}

static bool
vs_feeds_fs(const struct vr_shader_info *vs, const struct vr_shader_info *fs)
{
	for (uint32_t i = 0; i < fs->num_inputs; i++) {
		const struct vr_shader_io *in = &fs->inputs[i];
		if (!is_varying(in->semantic)) {
			continue;
		}
		bool found = false;
		for (uint32_t o = 0; o < vs->num_outputs && !found; o++) {
			const struct vr_shader_io *out = &vs->outputs[o];
			uint32_t n_in = in->last - in->first, n_out = out->last - out->first;
			found = (out->semantic == in->semantic ||
				 (in->semantic == VR_SEM_COLOR &&
				  out->semantic == VR_SEM_BCOLOR)) &&
				out->semantic_index <= in->semantic_index &&
				in->semantic_index + n_in <= out->semantic_index + n_out;
		}
		if (!found) {
			return false;
		}
	}
	return true;
}

static void
run_derived(struct ctx *t)
{
	size_t n = t->c.count;
	bool *vs_used = calloc(n ? n : 1, sizeof(bool));
	for (size_t i = 0; i < n; i++) {
		const struct corpus_file *fs = &t->c.files[i];
		if (fs->stage != CORPUS_FS || !translate(t, fs)->ok) {
			continue;
		}
		unsigned found = 0;
		for (size_t j = 0; j < n && found < 2; j++) {
			const struct corpus_file *vs = &t->c.files[j];
			if (vs->stage != CORPUS_VS || strcmp(vs->source, fs->source) != 0 ||
			    !translate(t, vs)->ok ||
			    !vs_feeds_fs(&t->tr[j].res.info, &t->tr[i].res.info)) {
				continue;
			}
			link_set(t, vs, fs, NULL);
			vs_used[j] = true;
			found++;
		}
		CHECK(found > 0, "%s: no VS in the corpus feeds its inputs", fs->name);
	}
	for (size_t j = 0; j < n; j++) {
		const struct corpus_file *vs = &t->c.files[j];
		if (vs->stage != CORPUS_VS || vs_used[j] || !translate(t, vs)->ok) {
			continue;
		}
		bool found = false;
		for (size_t i = 0; i < n && !found; i++) {
			const struct corpus_file *fs = &t->c.files[i];
			if (fs->stage == CORPUS_FS && strcmp(vs->source, fs->source) == 0 &&
			    translate(t, fs)->ok &&
			    vs_feeds_fs(&t->tr[j].res.info, &t->tr[i].res.info)) {
				link_set(t, vs, fs, NULL);
				found = true;
			}
		}
		CHECK(found, "%s: no FS in the corpus matches its outputs", vs->name);
	}
	free(vs_used);
}

int
main(int argc, char **argv)
{
	bool derive = false;
	const char *dir = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--derive") == 0) {
			derive = true;
		} else {
			dir = argv[i];
		}
	}
	if (!dir) {
		fprintf(stderr, "usage: %s [--derive] CORPUS_DIR\n", argv[0]);
		return 2;
	}
	struct ctx t;
	memset(&t, 0, sizeof(t));
	int r = sgl_init(&t.gl);
	if (r) {
		return r;
	}
	CHECK(corpus_load(&t.c, dir), "loading %s", dir);
	t.tr = calloc(t.c.count ? t.c.count : 1, sizeof(*t.tr));
	if (derive) {
		run_derived(&t);
	} else {
		run_pairs(&t, dir);
	}
	CHECK(t.sets > 0, "no shader sets to link in %s", dir);
	printf("%s: %u shader sets, %u linked\n", dir, t.sets, t.linked);
	for (size_t i = 0; i < t.c.count; i++) {
		vr_shader_result_finish(&t.tr[i].res);
	}
	free(t.tr);
	corpus_free(&t.c);
	sgl_finish(&t.gl);
	return vgp_test_result(derive ? "test_shader_link --derive" : "test_shader_link");
}
