/* rootmap.h - the roots of an index, and the names its notes have in it.
 *
 * The index names a note by its root and its path inside that root:
 * "ID/relative/path" (a note key), never by its absolute path, so that an
 * index moves with its notes (docs/index-layout.md, "Roots"):
 *  - an index inside its notes tree (notes/.lectern) keeps its root as a
 *    path relative to the index directory ("..");
 *  - a root that moved is only a new path for the same ID: its notes keep
 *    their keys, their documents and their shards.
 * Root IDs are small integers, given in order and never reused.
 *
 * The roots live in the file INDEX/roots (LEC_ROOTS_FILE), outside the
 * databases, so that a damaged database does not take them along; each
 * database also keeps a copy (LEC_META_ROOTS, absolute paths as of the
 * last run) for those that read it from elsewhere (a remote shard).
 *
 * Stored form, both places: a line per root, "ID<TAB>PATH" or
 * "ID<TAB>PATH<TAB>LANGUAGE". Format 1's lines ("PATH" or
 * "PATH<TAB>LANGUAGE") are read too: each gets the next ID.
 */
#ifndef LECTERN_ROOTMAP_H
#define LECTERN_ROOTMAP_H

#include <stddef.h>

#include "buf.h"
#include "status.h"
#include "xap.h"

struct root {
	unsigned id;
	char *path; /* absolute and normalised (paths_absolute) */
	char *lang; /* stemming language; NULL: the default */
};

struct rootmap {
	struct root *v;
	size_t n, cap;
	unsigned next_id; /* the ID the next new root gets */
};

void rootmap_init(struct rootmap *m);
void rootmap_release(struct rootmap *m);

/* Read the stored form (emptying m first). A relative PATH is taken
 * against `base` (the index directory; NULL: relative paths are refused).
 * LEC_ECORRUPT for a malformed line, with the line in err. */
lec_status rootmap_decode(struct rootmap *m, const char *val, size_t len, const char *base,
			  struct buf *err);
/* Append the stored form. With `base` (the index directory), a root that
 * holds `base` is written relative to it ("..", "../.."). */
void rootmap_encode(const struct rootmap *m, const char *base, struct buf *out);

/* INDEX/roots: read it (LEC_ENOTFOUND when there is none, nothing in m),
 * and write it atomically (a temporary file, fsync, rename). */
lec_status rootmap_load_file(struct rootmap *m, const char *index_dir, struct buf *err);
lec_status rootmap_save_file(const struct rootmap *m, const char *index_dir, struct buf *err);

/* The copy of the roots a database keeps (LEC_META_ROOTS: absolute paths
 * as of the last run): read it into m (emptied first; none leaves m
 * empty), and write m there. The index's every reader and writer of the
 * copy goes through these. LEC_ECORRUPT for a damaged copy, its bad line in
 * err; Xapian's statuses. */
lec_status rootmap_load_db(struct rootmap *m, xap_db *db, struct buf *err);
lec_status rootmap_save_db(const struct rootmap *m, xap_db *db);

/* A new root (path absolute and normalised) with the next ID; *out (may be
 * NULL) points into m until m changes. */
lec_status rootmap_add(struct rootmap *m, const char *path, const char *lang, struct root **out);
/* Remove root i (later ones move down). */
void rootmap_remove(struct rootmap *m, size_t i);
/* The root with this ID, or NULL. */
struct root *rootmap_by_id(const struct rootmap *m, unsigned id);
/* The root holding `path` (the innermost one), or NULL. */
struct root *rootmap_holding(const struct rootmap *m, const char *path);

/* The key of absolute `path`, *key malloc'd ("ID/rel"; "ID" for the root
 * itself). LEC_ENOTFOUND when no root holds it. */
lec_status rootmap_key(const struct rootmap *m, const char *path, char **key);
/* The absolute path of `key`, *path malloc'd. LEC_ENOTFOUND when its root
 * is not in m; LEC_ECORRUPT when it is not a key. */
lec_status rootmap_path(const struct rootmap *m, const char *key, size_t klen, char **path);
/* The path inside the root of `key` (after "ID/"), or NULL when it is not
 * a key. Points into key. */
const char *rootmap_key_rel(const char *key);

#endif
