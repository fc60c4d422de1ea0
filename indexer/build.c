/* build.c - a fresh build of an index, written beside it (build.h). */
#include "build.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compact.h"
#include "layout.h"
#include "paths.h"
#include "shards.h"

char *build_dir_of(const char *index_dir)
{
	char *p = NULL;
	return asprintf(&p, "%s/%s", index_dir, LEC_BUILD_SUBDIR) < 0 ? NULL : p;
}

static int exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

static char *join(const char *dir, const char *name)
{
	char *p = NULL;
	return asprintf(&p, "%s/%s", dir, name) < 0 ? NULL : p;
}

int build_pending(const char *index_dir)
{
	char *dir = build_dir_of(index_dir);
	int pending = dir && exists(dir);
	free(dir);
	return pending;
}

static lec_status copy_file(const char *from, const char *to, struct buf *err)
{
	char *data = NULL;
	size_t len = 0;
	lec_status st = paths_read_file(from, 1u << 20, &data, &len);
	FILE *f = st ? NULL : fopen(to, "w");
	if (!st && (!f || fwrite(data, 1, len, f) != len))
		st = LEC_EIO;
	if (f && fclose(f) != 0)
		st = LEC_EIO;
	if (st)
		buf_printf(err, "cannot copy %s to %s: %s", from, to, strerror(errno));
	free(data);
	return st;
}

lec_status build_prepare(const char *index_dir, struct buf *err)
{
	char *dir = build_dir_of(index_dir);
	char *stub = index_dir ? join(index_dir, SHARDS_STUB_NAME) : NULL;
	char *bstub = dir ? join(dir, SHARDS_STUB_NAME) : NULL;
	char *bdb = dir ? join(dir, LEC_DB_SUBDIR) : NULL;
	lec_status st = dir && stub && bstub && bdb ? LEC_OK : LEC_ENOMEM;
	if (!st && paths_mkdir_p(dir, 0755)) {
		buf_printf(err, "cannot create %s: %s", dir, strerror(errno));
		st = LEC_EIO;
	}
	/* a build begun already keeps its layout; a new one takes the index's */
	if (!st && !exists(bstub) && !exists(bdb) && exists(stub))
		st = copy_file(stub, bstub, err);
	free(dir);
	free(stub);
	free(bstub);
	free(bdb);
	return st;
}

/* The copy to swap in: the build compacted into `copy`, else (a compaction
 * that failed: a full disk) the build itself, synced and moved there. */
static lec_status make_copy(xap_db *db, const char *from, const char *copy, int *compacted,
			    char *why, size_t whylen)
{
	lec_status st = xap_db_compact(db, copy);
	*compacted = st == LEC_OK;
	if (!st)
		return xap_db_close(db);
	snprintf(why, whylen, "%s", xap_db_error(db));
	paths_remove_tree(copy);
	if ((st = xap_db_close(db)))
		return st;
	if (paths_sync_dir(from) || rename(from, copy) != 0) {
		size_t n = strlen(why);
		snprintf(why + n, whylen - n, "; then: %s", strerror(errno));
		return LEC_EIO;
	}
	return LEC_OK;
}

lec_status build_install_shard(xap_db *db, const char *from, const char *to, xap_db *old,
			       int *compacted, char *why, size_t whylen)
{
	char *copy = compact_copy_path(to);
	*why = 0;
	if (!copy)
		return LEC_ENOMEM;
	paths_remove_tree(copy); /* a leftover of a killed run */
	lec_status st = make_copy(db, from, copy, compacted, why, whylen);
	if (!st && exists(to)) {
		st = paths_exchange(to, copy);
		if (st)
			snprintf(why, whylen, "%s",
				 st == LEC_EUNIMPL ?
					 "the filesystem cannot swap two directories in one step" :
					 strerror(errno));
	} else if (!st && rename(copy, to) != 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		st = LEC_EIO;
	}
	if (!st)
		paths_sync_parent(to);
	/* the lock of the old database goes with it */
	if (old)
		xap_db_close(old);
	if (!st)
		paths_remove_tree(copy);
	free(copy);
	return st;
}

lec_status build_finish(const char *index_dir, struct buf *err)
{
	char *dir = build_dir_of(index_dir);
	char *bstub = dir ? join(dir, SHARDS_STUB_NAME) : NULL;
	char *stub = join(index_dir, SHARDS_STUB_NAME);
	lec_status st = dir && bstub && stub ? LEC_OK : LEC_ENOMEM;
	if (!st && exists(bstub) && !exists(stub))
		st = copy_file(bstub, stub, err);
	if (!st && paths_remove_tree(dir)) {
		buf_printf(err, "cannot remove %s: %s", dir, strerror(errno));
		st = LEC_EIO;
	}
	free(dir);
	free(bstub);
	free(stub);
	return st;
}
