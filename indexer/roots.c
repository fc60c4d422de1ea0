/* roots.c - the roots an index remembers and what a run does with them
 * (see roots.h). */
#include "roots.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "layout.h"
#include "paths.h"
#include "stem.h"
#include "vec.h"

void roots_init(struct roots *rs)
{
	memset(rs, 0, sizeof(*rs));
	rootmap_init(&rs->map);
	rootmap_init(&rs->known);
}

void roots_release(struct roots *rs)
{
	rootmap_release(&rs->map);
	rootmap_release(&rs->known);
	strv_free(rs->scopes, rs->nscopes);
	strv_free(rs->forgotten, rs->nforgotten);
	strv_free(rs->relang, rs->nrelang);
	strv_free(rs->moved, rs->nmoved);
	memset(rs, 0, sizeof(*rs));
}

static lec_status copy_map(struct rootmap *to, const struct rootmap *from)
{
	rootmap_release(to);
	for (size_t i = 0; i < from->n; i++) {
		struct root *r;
		lec_status st = rootmap_add(to, from->v[i].path, from->v[i].lang, &r);
		if (st)
			return st;
		r->id = from->v[i].id;
	}
	to->next_id = from->next_id;
	return LEC_OK;
}

lec_status roots_load(struct roots *rs, const char *index_dir, xap_db *db, struct buf *err)
{
	lec_status st = rootmap_load_file(&rs->map, index_dir, err);
	if (st == LEC_ENOTFOUND && db) {
		struct buf why;
		buf_init(&why, 1024);
		st = rootmap_load_db(&rs->map, db, &why);
		if (st == LEC_ECORRUPT)
			buf_printf(err, "the roots kept in the index are damaged: %s", why.data);
		buf_release(&why);
		rs->from_db = 1;
		/* written to the file at the end of the run */
		rs->changed = rs->map.n > 0;
	} else if (st == LEC_ENOTFOUND) {
		st = LEC_OK;
	}
	return st ? st : copy_map(&rs->known, &rs->map);
}

lec_status roots_save_file(const struct roots *rs, const char *index_dir, struct buf *err)
{
	return rootmap_save_file(&rs->map, index_dir, err);
}

lec_status roots_save_db(const struct roots *rs, xap_db *db)
{
	return rootmap_save_db(&rs->map, db);
}

const char *roots_lang_of(const struct roots *rs, const char *path)
{
	const char *best = NULL;
	size_t best_len = 0;
	for (size_t i = 0; i < rs->map.n; i++) {
		const struct root *r = &rs->map.v[i];
		size_t n = strlen(r->path);
		if (r->lang && n >= best_len && paths_under(path, r->path)) {
			best = r->lang;
			best_len = n;
		}
	}
	return best;
}

/* Remove the roots for which drop(root, arg) says so; their count. */
static size_t remove_roots(struct roots *rs, int (*drop)(const char *root, const char *arg),
			   const char *arg)
{
	size_t removed = 0;
	for (size_t k = rs->map.n; k-- > 0;) {
		if (drop(rs->map.v[k].path, arg)) {
			rootmap_remove(&rs->map, k);
			removed++;
		}
	}
	return removed;
}

static int is_root(const char *root, const char *path)
{
	return strcmp(root, path) == 0;
}

static int is_inside(const char *root, const char *path)
{
	return paths_under(root, path);
}

lec_status roots_forget(struct roots *rs, char *const *forget, size_t n, struct buf *err)
{
	for (size_t i = 0; i < n; i++) {
		if (!remove_roots(rs, is_root, forget[i])) {
			buf_printf(err, "%s: not a root of this index", forget[i]);
			return LEC_ENOTFOUND;
		}
		rs->changed = 1;
		lec_status st = strv_add(&rs->forgotten, &rs->nforgotten, forget[i]);
		if (st)
			return st;
	}
	return LEC_OK;
}

static int exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash && slash[1] ? slash + 1 : path;
}

/* The root that `path` (no root, inside none) is, moved: the only missing
 * root of the same name, else the index's only root when it is missing,
 * else a root of the same name that still exists but whose notes `path`
 * holds too (a copy: a clone in another directory, a CI checkout), as
 * rs->is_copy says. */
static struct root *moved_root(struct roots *rs, const char *path)
{
	struct root *same = NULL, *copy = NULL;
	size_t nsame = 0, ncopy = 0;
	for (size_t i = 0; i < rs->map.n; i++) {
		struct root *r = &rs->map.v[i];
		if (strcmp(base_name(r->path), base_name(path)) != 0)
			continue;
		if (!exists(r->path)) {
			same = r;
			nsame++;
		} else if (rs->is_copy && rs->is_copy(rs->is_copy_ctx, r, path)) {
			copy = r;
			ncopy++;
		}
	}
	if (nsame == 1)
		return same;
	if (nsame == 0 && rs->map.n == 1 && !exists(rs->map.v[0].path))
		return &rs->map.v[0];
	return nsame == 0 && ncopy == 1 ? copy : NULL;
}

/* Root r is now at `path`, in both maps. */
static lec_status move_root(struct roots *rs, struct root *r, const char *path)
{
	char *msg = NULL;
	struct root *k = rootmap_by_id(&rs->known, r->id);
	char *p1 = strdup(path), *p2 = strdup(path);
	int still = exists(r->path);
	if (!p1 || !p2 ||
	    asprintf(&msg, "%s -> %s%s", r->path, path,
		     still ? " (the old directory is still there: a copy; 'lectern "
			     "index OLD' makes it a root of its own)" :
			     "") < 0) {
		free(p1);
		free(p2);
		return LEC_ENOMEM;
	}
	free(r->path);
	r->path = p1;
	if (k) {
		free(k->path);
		k->path = p2;
	} else {
		free(p2);
	}
	rs->changed = 1;
	return strv_take(&rs->moved, &rs->nmoved, msg);
}

static lec_status plan_path(struct roots *rs, const char *path, struct buf *err)
{
	if (!exists(path)) {
		buf_printf(err, "%s: %s", path, strerror(errno));
		return LEC_ENOTFOUND;
	}
	lec_status st = LEC_OK;
	if (!rootmap_holding(&rs->map, path)) {
		struct root *moved = moved_root(rs, path);
		if (moved) {
			st = move_root(rs, moved, path);
		} else {
			/* a new root; roots it contains are folded into it */
			remove_roots(rs, is_inside, path);
			st = rootmap_add(&rs->map, path, NULL, NULL);
			rs->changed = 1;
		}
	}
	return st ? st : strv_add(&rs->scopes, &rs->nscopes, path);
}

lec_status roots_plan(struct roots *rs, char *const *paths, size_t npaths, struct buf *err)
{
	lec_status st = LEC_OK;
	if (npaths == 0) {
		for (size_t i = 0; i < rs->map.n && !st; i++)
			st = strv_add(&rs->scopes, &rs->nscopes, rs->map.v[i].path);
		return st;
	}
	for (size_t i = 0; i < npaths && !st; i++)
		st = plan_path(rs, paths[i], err);
	return st;
}

lec_status roots_apply_lang(struct roots *rs, const char *lang, char *const *paths, size_t npaths,
			    struct buf *err)
{
	if (!lang)
		return LEC_OK;
	if (!stemmer_known(lang)) {
		buf_printf(err, "--lang %s: not a Snowball language (e.g. english, french, de)",
			   lang);
		return LEC_EINVAL;
	}
	if (npaths == 0) {
		buf_printf(err,
			   "--lang applies to the roots given with it: "
			   "lectern index --lang %s DIR",
			   lang);
		return LEC_EINVAL;
	}
	/* remember the canonical name ("fr" -> "french") */
	stemmer *canon;
	if (stemmer_new(lang, &canon))
		return LEC_ENOMEM;
	char name[64];
	snprintf(name, sizeof(name), "%s", stemmer_language(canon));
	stemmer_free(canon);
	for (size_t i = 0; i < npaths; i++) {
		struct root *r = NULL;
		for (size_t k = 0; k < rs->map.n && !r; k++)
			if (is_root(rs->map.v[k].path, paths[i]))
				r = &rs->map.v[k];
		if (!r) {
			buf_printf(err, "--lang applies to roots, and %s is inside a root",
				   paths[i]);
			return LEC_EINVAL;
		}
		if (r->lang && strcmp(r->lang, name) == 0)
			continue;
		char *copy = strdup(name);
		if (!copy)
			return LEC_ENOMEM;
		free(r->lang);
		r->lang = copy;
		lec_status st = strv_add(&rs->relang, &rs->nrelang, paths[i]);
		if (st)
			return st;
		rs->changed = 1;
	}
	return LEC_OK;
}

static int under_any(const char *path, char *const *dirs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (paths_under(path, dirs[i]))
			return 1;
	return 0;
}

int roots_relang(const struct roots *rs, const char *path)
{
	return under_any(path, rs->relang, rs->nrelang);
}

int roots_in_scope(const struct roots *rs, const char *path)
{
	return under_any(path, rs->scopes, rs->nscopes);
}

int roots_forgotten(const struct roots *rs, const char *path)
{
	return under_any(path, rs->forgotten, rs->nforgotten) && !rootmap_holding(&rs->map, path);
}

lec_status roots_key(const struct roots *rs, const char *path, char **out)
{
	return rootmap_key(&rs->map, path, out);
}

lec_status roots_path_of_key(const struct roots *rs, const char *key, size_t klen, char **out)
{
	return rootmap_path(&rs->known, key, klen, out);
}
