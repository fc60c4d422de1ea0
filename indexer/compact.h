/* compact.h - compact one local Xapian database in place: its compacted copy
 * is written beside it and swapped in by one atomic exchange, so the
 * database's name always holds a complete database. Which databases to
 * compact, and when, is the indexing run's business (index.c); how a shard
 * is compacted, and what a failure leaves, is this module's. */
#ifndef LECTERN_COMPACT_H
#define LECTERN_COMPACT_H

#include <stddef.h>

#include "status.h"
#include "xap.h"

/* Where the copy of the database at `path` is written: "<path>.compacting"
 * (LEC_COMPACT_SUFFIX). malloc'd; NULL when out of memory. */
char *compact_copy_path(const char *path);

/* Compact the database at `path`, open in `db` as this process's writer
 * (its lock held, everything committed), through `copy`, which must not
 * exist. On LEC_OK the compacted database is at `path`, the old one at
 * `copy`, and `db` is closed (its handle pointed at the old one). Else the
 * database at `path` is as it was and why[] says what failed. Either way
 * the caller removes `copy`. */
lec_status compact_in_place(xap_db *db, const char *path, const char *copy, char *why,
			    size_t whylen);

/* A problem to tell the user about `path`; the caller goes on. */
typedef void compact_warn_fn(void *ctx, const char *path, const char *message);

/* A shard left as it was, complete, because compacting it failed (why):
 * said through `warn`, the same way for every compaction. */
void compact_say_not_compacted(const char *path, const char *why, compact_warn_fn *warn, void *ctx);

/* Remove the copy a run killed while compacting left beside the database
 * at `path` (the caller holds that database's lock), warning through
 * `warn` when it cannot. */
void compact_remove_leftover(const char *path, compact_warn_fn *warn, void *ctx);

/* Compact the shard at `path`, open in `db` as this process's writer (as
 * compact_in_place), and remove the old copy. A failure leaves the shard as
 * it was, complete, and is said through `warn`. 1 if compacted, else 0. */
int compact_shard(xap_db *db, const char *path, compact_warn_fn *warn, void *ctx);

#endif
