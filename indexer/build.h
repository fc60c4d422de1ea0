/* build.h - a fresh build of an index: written beside it, installed whole.
 *
 * A first index, a rebuild (`lectern index --rebuild`, or an index of an
 * older format) is written into INDEX/.build (LEC_BUILD_SUBDIR), an index
 * directory of its own with the same local shards, without syncing each
 * commit (nothing reads it yet). When it is complete, each of its shards is
 * compacted (synced) beside its place in INDEX and swapped in (renameat2
 * RENAME_EXCHANGE), and INDEX/.build is removed: until then, readers of
 * INDEX see the index as it was. A build that is killed is resumed by the
 * next run (its commits are kept: a killed process loses nothing it
 * committed; only a lost machine could, and then the next run finds the
 * build damaged and starts it again).
 *
 * index.c runs the build like any indexing run, in the side directory;
 * this module owns the directories.
 */
#ifndef LECTERN_BUILD_H
#define LECTERN_BUILD_H

#include <stddef.h>

#include "buf.h"
#include "status.h"
#include "xap.h"

/* INDEX/.build; malloc'd, NULL when out of memory. */
char *build_dir_of(const char *index_dir);

/* Nonzero when a build was begun in `index_dir` and not installed. */
int build_pending(const char *index_dir);

/* Make the build directory, with the shard layout of `index_dir` (its
 * stub file) unless it has one already (a resumed build keeps its own). */
lec_status build_prepare(const char *index_dir, struct buf *err);

/* Install one shard: `db` (the build's shard at `from`, everything
 * committed) compacted into `to`'s place. With `old` (may be NULL), the
 * handle that holds the lock of the database at `to`: closed once the new
 * one is in place. *compacted: 0 when the compaction failed (a full disk)
 * and the build's own copy, synced, went in instead (why[] says why).
 * `db` is closed. On failure `to` is as it was. */
lec_status build_install_shard(xap_db *db, const char *from, const char *to, xap_db *old,
			       int *compacted, char *why, size_t whylen);

/* After every shard is in: the build's stub file goes to `index_dir` (a
 * sharded index), and the build directory is removed. */
lec_status build_finish(const char *index_dir, struct buf *err);

#endif
