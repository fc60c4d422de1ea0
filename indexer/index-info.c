/* index-info.c - what `lectern status` reports about an index. */
#include "index.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "build.h"
#include "filerec.h"
#include "layout.h"
#include "rootmap.h"
#include "shards.h"
#include "xap.h"

static uint64_t dir_bytes(const char *dir)
{
	DIR *d = opendir(dir);
	uint64_t total = 0;
	if (!d)
		return 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		char p[4096];
		struct stat sb;
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (lstat(p, &sb) == 0 && S_ISREG(sb.st_mode))
			total += (uint64_t)sb.st_blocks * 512;
	}
	closedir(d);
	return total;
}

static int on_file_record(void *ctx, const struct filerec *fr, const char *nkey, size_t nkey_len)
{
	struct idx_info *info = ctx;
	(void)nkey, (void)nkey_len;
	info->notes++;
	info->note_bytes += fr->size;
	info->passages += fr->passages;
	return 0;
}

/* The roots: the roots file, else (format 1) the copy in the first shard. */
static lec_status read_roots(const char *index_dir, xap_db *db, struct idx_info *info,
			     struct buf *err)
{
	struct rootmap m;
	rootmap_init(&m);
	lec_status st = rootmap_load_file(&m, index_dir, err);
	if (st == LEC_ENOTFOUND && !db) {
		st = LEC_OK;
	} else if (st == LEC_ENOTFOUND) {
		st = rootmap_load_db(&m, db, err);
	}
	info->roots = st || !m.n ? NULL : calloc(m.n, sizeof(*info->roots));
	info->root_langs = st || !m.n ? NULL : calloc(m.n, sizeof(*info->root_langs));
	if (!st && m.n && (!info->roots || !info->root_langs))
		st = LEC_ENOMEM;
	for (size_t i = 0; !st && i < m.n; i++, info->nroots++) {
		info->roots[i] = strdup(m.v[i].path);
		info->root_langs[i] = m.v[i].lang ? strdup(m.v[i].lang) : NULL;
		if (!info->roots[i] || (m.v[i].lang && !info->root_langs[i]))
			st = LEC_ENOMEM;
	}
	rootmap_release(&m);
	return st;
}

/* Counts of one shard; the index-wide keys come from the first one. */
static lec_status read_shard(const char *index_dir, xap_db *db, int first, struct idx_info *info,
			     struct buf *err)
{
	lec_status st = first ? read_roots(index_dir, db, info, err) : LEC_OK;
	if (!st)
		st = filerec_each(db, NULL, on_file_record, info);
	char *val = NULL;
	size_t len;
	if (!st && first &&
	    !(st = xap_db_get_metadata(db, LEC_META_LAST_INDEXED, strlen(LEC_META_LAST_INDEXED),
				       &val, &len)))
		info->last_indexed = strtoll(val, NULL, 10);
	free(val);
	if (!st && first &&
	    !(st = xap_db_get_metadata(db, LEC_META_FORMAT, strlen(LEC_META_FORMAT), &val, &len)))
		info->format = val;
	return st;
}

/* Where the counts are: the index, or (a first index cut short) its build. */
static char *counted_dir(const char *index_dir, int *building)
{
	char *db = NULL, *stub = NULL;
	struct stat sb;
	*building = 0;
	if (asprintf(&db, "%s/%s", index_dir, LEC_DB_SUBDIR) < 0)
		return NULL;
	if (asprintf(&stub, "%s/%s", index_dir, SHARDS_STUB_NAME) < 0) {
		free(db);
		return NULL;
	}
	*building = stat(db, &sb) != 0 && stat(stub, &sb) != 0 && build_pending(index_dir);
	free(db);
	free(stub);
	return *building ? build_dir_of(index_dir) : strdup(index_dir);
}

lec_status idx_info_read(const char *index_dir, struct idx_info *info, struct buf *err)
{
	struct shard_set set;
	memset(info, 0, sizeof(*info));
	char *dir = counted_dir(index_dir, &info->building);
	if (!dir)
		return LEC_ENOMEM;
	lec_status st = shards_load(dir, &set, err);
	if (st) {
		free(dir);
		return st;
	}
	info->local_shards = set.nlocal;
	info->remote_shards = set.n - set.nlocal;
	int first = 1;
	for (size_t i = 0; !st && i < set.n; i++) {
		const struct shard_entry *e = &set.v[i];
		struct buf why;
		xap_db *db = NULL;
		buf_init(&why, 1024);
		st = shards_open_entry(e, &db, &why);
		if (st && e->remote && st != LEC_ENOMEM) {
			info->unavailable++; /* counted without it */
			st = LEC_OK;
		} else if (st == LEC_ENOTFOUND && info->building) {
			/* cut short before its first commit: no notes yet */
			st = read_roots(index_dir, NULL, info, err);
		} else if (st == LEC_ENOTFOUND && set.n == 1) {
			buf_printf(err, "no index at %s: run 'lectern index DIR' first", index_dir);
		} else if (st) {
			buf_printf(err, "cannot open index %s%s%s: %s", index_dir,
				   set.n > 1 ? " shard " : "", set.n > 1 ? e->name : "",
				   why.len ? why.data : lec_status_str(st));
		} else {
			size_t had = err->len;
			/* the roots are the index's (a build's are there too) */
			st = read_shard(index_dir, db, first, info, err);
			first = 0;
			if (st && err->len == had)
				buf_printf(err, "%s: %s", lec_status_str(st), xap_db_error(db));
			else if (!e->remote)
				info->bytes_on_disk += dir_bytes(e->path);
		}
		buf_release(&why);
		xap_db_free(db);
	}
	shards_release(&set);
	free(dir);
	if (st)
		idx_info_release(info);
	return st;
}

void idx_info_release(struct idx_info *info)
{
	for (size_t i = 0; i < info->nroots; i++) {
		free(info->roots[i]);
		free(info->root_langs ? info->root_langs[i] : NULL);
	}
	free(info->roots);
	free(info->root_langs);
	free(info->format);
	memset(info, 0, sizeof(*info));
}
