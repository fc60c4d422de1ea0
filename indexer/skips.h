/* skips.h - the files a run skipped, remembered in the index.
 *
 * A file that is no note, or that cannot be one now (binary, too large,
 * unreadable, past a bound of limits.h), is warned about once: its "s:"
 * record (docs/index-layout.md) keeps its size, mtime and the reason, in
 * the shard its note would be in, and a later run that finds it as it was
 * and skips it for the same reason counts it as skipped without warning
 * again. The record goes when the file becomes a note or goes away. This
 * module reads and writes the records; the indexer (index.c) decides.
 */
#ifndef LECTERN_SKIPS_H
#define LECTERN_SKIPS_H

#include <stddef.h>
#include <stdint.h>

#include "hmap.h"
#include "roots.h"
#include "status.h"
#include "xap.h"

/* The reasons, as stored. The content decides the first three (a file of
 * the same size and mtime is not read again); an unreadable file is tried
 * again each run, and it is the same reason when the error is the same. */
#define SKIP_BINARY "binary"
#define SKIP_TOO_LARGE "too-large"    /* over LEC_MAX_NOTE_BYTES */
#define SKIP_REFUSED "refused"        /* past another bound (positions...) */
#define SKIP_UNREADABLE "unreadable:" /* + errno */
#define SKIP_REASON_MAX 32

struct skip_rec {
	uint64_t size;
	int64_t mtime_ns;
	char reason[SKIP_REASON_MAX];
	char *key;  /* the note key it is stored under (owned) */
	int orphan; /* its key names no root */
	int seen;   /* found by this run's walk */
};

/* Add the records of db to `skips` (path -> struct skip_rec *, the path
 * through `roots`' keys as loaded; a key no root holds is an orphan, under
 * a name no path has). skips_release frees the records and the map. */
lec_status skips_load(struct hmap *skips, xap_db *db, const struct roots *roots);
void skips_release(struct hmap *skips);

/* The record of the file at path, or NULL. */
struct skip_rec *skips_get(const struct hmap *skips, const char *path);

/* Nonzero when the file's content decides the reason: a file of the same
 * size and mtime is skipped for it again without being read. */
int skips_by_content(const char *reason);

/* Write (or delete) the record of note `key` in db: inside the caller's
 * transaction, as the "f:" records are written. */
lec_status skips_put(xap_db *db, const char *key, uint64_t size, int64_t mtime_ns,
		     const char *reason);
lec_status skips_drop(xap_db *db, const char *key);

#endif
