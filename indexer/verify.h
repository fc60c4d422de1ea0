/* verify.h - `lectern status --verify`: is the index whole?
 *
 * Xapian's own consistency check (Xapian::Database::check) of every local
 * shard, then lectern's reading of what it stored (docs/index-layout.md):
 * the roots file; every note's "f:" record, its document (found by its
 * file id), passage table, passage records and note record, which must
 * agree with each other; the documents without a record; the stem
 * dictionary. Remote shards are checked where they live.
 */
#ifndef LECTERN_VERIFY_H
#define LECTERN_VERIFY_H

#include <stddef.h>

#include "buf.h"
#include "status.h"

/* Called for each problem: `where` (a database, a file of it, a note key)
 * and what is wrong. */
typedef void (*verify_say)(void *ctx, const char *where, const char *what);

/* Check the index at index_dir; *problems gets the count (0: whole). A
 * check that could not run (no index) is an error with a message in err. */
lec_status idx_verify(const char *index_dir, verify_say say, void *ctx, size_t *problems,
		      struct buf *err);

#endif
