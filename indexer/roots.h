/* roots.h - the note roots an index remembers (common/rootmap.h), and what
 * one indexing run does with them: add the directories it was given,
 * follow a root that moved, drop the ones it was told to forget, apply
 * --lang, and decide what to walk. Every path here is absolute. */
#ifndef LECTERN_ROOTS_H
#define LECTERN_ROOTS_H

#include <stddef.h>

#include "buf.h"
#include "rootmap.h"
#include "status.h"
#include "xap.h"

struct roots {
	struct rootmap map;   /* the roots, as this run leaves them */
	struct rootmap known; /* the roots as loaded: every stored key resolves */
	char **relang;        /* roots whose language changed: their notes are redone */
	size_t nrelang;
	char **scopes; /* what this run walks */
	size_t nscopes;
	char **forgotten; /* dropped roots: their notes are removed, not walked */
	size_t nforgotten;
	char **moved; /* "OLD -> NEW" for each root found at a new path */
	size_t nmoved;
	/* set by the caller of roots_plan (may be NULL): whether directory
	 * `dir` holds the notes of root r as the index knows them (a copy) */
	int (*is_copy)(void *ctx, const struct root *r, const char *dir);
	void *is_copy_ctx;
	int changed; /* the list changed: save it */
	int from_db; /* loaded from a database, not the roots file */
};

void roots_init(struct roots *rs);
void roots_release(struct roots *rs);

/* The roots of the index in `index_dir`: its roots file, else (an index
 * of format 1, or one whose file was lost) LEC_META_ROOTS of `db` (shard
 * 0; may be NULL). A damaged roots file is an error with a message. */
lec_status roots_load(struct roots *rs, const char *index_dir, xap_db *db, struct buf *err);
/* Write the roots file, and the copy in `db` (any shard). */
lec_status roots_save_file(const struct roots *rs, const char *index_dir, struct buf *err);
lec_status roots_save_db(const struct roots *rs, xap_db *db);

/* Drop each of forget[0..n) from the roots (LEC_ENOTFOUND, with a message
 * in err, for one that is not a root). */
lec_status roots_forget(struct roots *rs, char *const *forget, size_t n, struct buf *err);

/* What this run walks: every root when npaths is 0, else the paths given,
 * each a new root unless it is inside one (roots inside a new root are
 * folded into it). A path given that is no root, while a root of the same
 * name (or the index's only root) no longer exists, or is still there but
 * `path` holds its notes too (rs->is_copy), is that root moved: it keeps
 * its ID and its notes (rs->moved says so). A missing path is
 * LEC_ENOTFOUND. */
lec_status roots_plan(struct roots *rs, char *const *paths, size_t npaths, struct buf *err);

/* --lang LANG for the roots named on the command line (each must be a
 * root); a root whose language changes has its notes indexed again. NULL
 * lang: nothing to do. */
lec_status roots_apply_lang(struct roots *rs, const char *lang, char *const *paths, size_t npaths,
			    struct buf *err);

/* The stemming language of the root holding path (the longest one that has
 * a language), or NULL for the default. */
const char *roots_lang_of(const struct roots *rs, const char *path);

/* path is under a root whose language changed in this run. */
int roots_relang(const struct roots *rs, const char *path);

/* path is under what this run walks. */
int roots_in_scope(const struct roots *rs, const char *path);

/* path is under a forgotten root and under no remaining root. */
int roots_forgotten(const struct roots *rs, const char *path);

/* The key a note at `path` gets in this run (rootmap_key over the roots as
 * this run leaves them), and the path of a stored key (over the roots as
 * loaded). *out malloc'd. */
lec_status roots_key(const struct roots *rs, const char *path, char **out);
lec_status roots_path_of_key(const struct roots *rs, const char *key, size_t klen, char **out);

#endif
