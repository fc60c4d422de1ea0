/* roots.h - the note roots an index remembers, the stemming language of
 * each, and what one indexing run does with them: add the directories it
 * was given, drop the ones it was told to forget, apply --lang, and decide
 * what to walk.
 *
 * The remembered list lives in shard 0's LEC_META_ROOTS metadata as lines
 * of "path" or "path<TAB>language". Every path here is absolute. */
#ifndef LECTERN_ROOTS_H
#define LECTERN_ROOTS_H

#include <stddef.h>

#include "buf.h"
#include "hmap.h"
#include "status.h"
#include "xap.h"

struct roots {
	char **paths;           /* the roots, as remembered */
	size_t n;
	struct hmap lang;       /* root -> malloc'd stemming language (absent: default) */
	char **relang;          /* roots whose language changed: their notes are redone */
	size_t nrelang;
	char **scopes;          /* what this run walks */
	size_t nscopes;
	char **forgotten;       /* dropped roots: their notes are removed, not walked */
	size_t nforgotten;
	int changed;            /* the remembered list changed: save it */
};

void roots_init(struct roots *rs);
void roots_release(struct roots *rs);

lec_status roots_load(struct roots *rs, xap_db *db);
lec_status roots_save(const struct roots *rs, xap_db *db);

/* Drop each of forget[0..n) from the roots (LEC_ENOTFOUND, with a message
 * in err, for one that is not a root). */
lec_status roots_forget(struct roots *rs, char *const *forget, size_t n, struct buf *err);

/* What this run walks: every root when npaths is 0, else the paths given,
 * each a new root unless it is inside one (roots inside a new root are
 * folded into it). A missing path is LEC_ENOTFOUND. */
lec_status roots_plan(struct roots *rs, char *const *paths, size_t npaths, struct buf *err);

/* --lang LANG for the roots named on the command line (each must be a
 * root); a root whose language changes has its notes indexed again. NULL
 * lang: nothing to do. */
lec_status roots_apply_lang(struct roots *rs, const char *lang, char *const *paths,
			    size_t npaths, struct buf *err);

/* The stemming language of the root holding path (the longest one that has
 * a language), or NULL for the default. */
const char *roots_lang_of(const struct roots *rs, const char *path);

/* path is under a root whose language changed in this run. */
int roots_relang(const struct roots *rs, const char *path);

/* path is under what this run walks. */
int roots_in_scope(const struct roots *rs, const char *path);

/* path is under a forgotten root and under no remaining root. */
int roots_forgotten(const struct roots *rs, const char *path);

#endif
