/* compact.c - compact one local Xapian database in place (see compact.h). */
#include "compact.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "paths.h"

char *compact_copy_path(const char *path)
{
	char *p = NULL;
	return asprintf(&p, "%s%s", path, LEC_COMPACT_SUFFIX) < 0 ? NULL : p;
}

lec_status compact_in_place(xap_db *db, const char *path, const char *copy, char *why,
			    size_t whylen)
{
	lec_status st = xap_db_compact(db, copy);
	if (st) {
		snprintf(why, whylen, "%s", xap_db_error(db));
		return st;
	}
	if ((st = paths_exchange(path, copy))) {
		snprintf(why, whylen, "%s",
			 st == LEC_EUNIMPL ?
				 "the filesystem cannot swap two directories in one step" :
				 strerror(errno));
		return st;
	}
	/* the handle now points at the old copy: let its lock go first */
	xap_db_close(db);
	return LEC_OK;
}

void compact_say_not_compacted(const char *path, const char *why, compact_warn_fn *warn, void *ctx)
{
	char msg[700];
	snprintf(msg, sizeof(msg), "not compacted (%s); the index is complete, only larger", why);
	warn(ctx, path, msg);
}

void compact_remove_leftover(const char *path, compact_warn_fn *warn, void *ctx)
{
	char *tmp = compact_copy_path(path);
	if (tmp && paths_remove_tree(tmp))
		warn(ctx, tmp, "cannot remove this leftover of an interrupted compaction");
	free(tmp);
}

/* A first index is written in many commits, each merging its batch into the
 * B-trees and leaving their blocks about half full; Xapian's compaction
 * fills them (tc39-notes: 140 MB before, 78 MB after, in under a second).
 * Only a first run does it (or --compact): later runs change a little at a
 * time. compact_in_place keeps a complete database at the shard's name
 * throughout, and a reader that opened the old one keeps reading it
 * (searcher_reopen notices the new directory). A compaction that fails
 * leaves the index as it was, complete, with a warning. */
int compact_shard(xap_db *db, const char *path, compact_warn_fn *warn, void *ctx)
{
	char *tmp = compact_copy_path(path);
	int compacted = 0;
	if (!tmp)
		return 0;
	char why[512] = "";
	if (compact_in_place(db, path, tmp, why, sizeof(why)))
		compact_say_not_compacted(path, why, warn, ctx);
	else
		compacted = 1;
	if (paths_remove_tree(tmp))
		warn(ctx, tmp, "cannot remove the old copy of a compacted shard");
	free(tmp);
	return compacted;
}
