/* compact.h - compact one local Xapian database in place: its compacted copy
 * is written beside it and swapped in by one atomic exchange, so the
 * database's name always holds a complete database. When and which
 * databases to compact is the indexing run's business (index.c). */
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

#endif
