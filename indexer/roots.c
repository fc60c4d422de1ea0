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
	hmap_init(&rs->lang);
}

void roots_release(struct roots *rs)
{
	size_t it = 0;
	struct hmap_entry *e;

	strv_free(rs->paths, rs->n);
	strv_free(rs->scopes, rs->nscopes);
	strv_free(rs->forgotten, rs->nforgotten);
	strv_free(rs->relang, rs->nrelang);
	while (hmap_next(&rs->lang, &it, &e))
		free(e->value);
	hmap_release(&rs->lang);
	memset(rs, 0, sizeof(*rs));
}

static lec_status set_root_lang(struct roots *rs, const char *root, const char *lang)
{
	struct hmap_entry *e;
	if (hmap_put(&rs->lang, root, strlen(root), &e, NULL))
		return LEC_ENOMEM;
	free(e->value);
	e->value = lang ? strdup(lang) : NULL;
	return lang && !e->value ? LEC_ENOMEM : LEC_OK;
}

static const char *root_lang(const struct roots *rs, const char *root)
{
	struct hmap_entry *e = hmap_get(&rs->lang, root, strlen(root));
	return e ? e->value : NULL;
}

const char *roots_lang_of(const struct roots *rs, const char *path)
{
	const char *best = NULL;
	size_t best_len = 0;
	for (size_t i = 0; i < rs->n; i++) {
		size_t n = strlen(rs->paths[i]);
		const char *lang = root_lang(rs, rs->paths[i]);
		if (lang && n >= best_len && paths_under(path, rs->paths[i])) {
			best = lang;
			best_len = n;
		}
	}
	return best;
}

lec_status roots_load(struct roots *rs, xap_db *db)
{
	char *val;
	size_t len;
	lec_status st = xap_db_get_metadata(db, LEC_META_ROOTS, strlen(LEC_META_ROOTS), &val, &len);
	if (st)
		return st;
	for (char *p = val, *nl; p < val + len && !st; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(val + len - p));
		if (!nl)
			nl = val + len;
		*nl = 0;
		char *tab = strchr(p, '\t');
		if (tab)
			*tab = 0;
		if (*p && !(st = strv_add(&rs->paths, &rs->n, p)) && tab && tab[1])
			st = set_root_lang(rs, p, tab + 1);
	}
	free(val);
	return st;
}

lec_status roots_save(const struct roots *rs, xap_db *db)
{
	struct buf b;
	buf_init(&b, 0);
	for (size_t i = 0; i < rs->n; i++) {
		const char *lang = root_lang(rs, rs->paths[i]);
		buf_puts(&b, rs->paths[i]);
		if (lang)
			buf_printf(&b, "\t%s", lang);
		buf_putc(&b, '\n');
	}
	if (b.status)
		return LEC_ENOMEM;
	lec_status st = xap_db_set_metadata(db, LEC_META_ROOTS, strlen(LEC_META_ROOTS),
					    b.data ? b.data : "", b.len);
	buf_release(&b);
	return st;
}

/* Remove the roots for which drop(root, arg) says so; their count. */
static size_t remove_roots(struct roots *rs, int (*drop)(const char *root, const char *arg),
			   const char *arg)
{
	size_t w = 0, before = rs->n;
	for (size_t k = 0; k < rs->n; k++) {
		if (drop(rs->paths[k], arg))
			free(rs->paths[k]);
		else
			rs->paths[w++] = rs->paths[k];
	}
	rs->n = w;
	return before - w;
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

lec_status roots_plan(struct roots *rs, char *const *paths, size_t npaths, struct buf *err)
{
	lec_status st = LEC_OK;
	if (npaths == 0) {
		for (size_t i = 0; i < rs->n && !st; i++)
			st = strv_add(&rs->scopes, &rs->nscopes, rs->paths[i]);
		return st;
	}
	for (size_t i = 0; i < npaths && !st; i++) {
		struct stat sb;
		if (stat(paths[i], &sb) != 0) {
			buf_printf(err, "%s: %s", paths[i], strerror(errno));
			return LEC_ENOTFOUND;
		}
		int inside = 0;
		for (size_t k = 0; k < rs->n; k++)
			inside |= paths_under(paths[i], rs->paths[k]);
		if (!inside) {
			/* a new root; roots it contains are folded into it */
			remove_roots(rs, is_inside, paths[i]);
			st = strv_add(&rs->paths, &rs->n, paths[i]);
			rs->changed = 1;
		}
		if (!st)
			st = strv_add(&rs->scopes, &rs->nscopes, paths[i]);
	}
	return st;
}

lec_status roots_apply_lang(struct roots *rs, const char *lang, char *const *paths,
			    size_t npaths, struct buf *err)
{
	if (!lang)
		return LEC_OK;
	if (!stemmer_known(lang)) {
		buf_printf(err, "--lang %s: not a Snowball language (e.g. english, french, de)", lang);
		return LEC_EINVAL;
	}
	if (npaths == 0) {
		buf_printf(err, "--lang applies to the roots given with it: "
			   "lectern index --lang %s DIR", lang);
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
		int known = 0;
		for (size_t k = 0; k < rs->n; k++)
			known |= is_root(rs->paths[k], paths[i]);
		if (!known) {
			buf_printf(err, "--lang applies to roots, and %s is inside a root", paths[i]);
			return LEC_EINVAL;
		}
		const char *old = root_lang(rs, paths[i]);
		if (old && strcmp(old, name) == 0)
			continue;
		lec_status st = set_root_lang(rs, paths[i], name);
		if (!st)
			st = strv_add(&rs->relang, &rs->nrelang, paths[i]);
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
	return under_any(path, rs->forgotten, rs->nforgotten) && !under_any(path, rs->paths, rs->n);
}
