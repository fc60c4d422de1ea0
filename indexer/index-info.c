/* index-info.c - what `lectern status` reports about an index. */
#include "index.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "layout.h"
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

static int on_file_record(void *ctx, const char *key, size_t klen, const char *val, size_t vlen)
{
	struct idx_info *info = ctx;
	unsigned long long size = 0, hash, words;
	long long mtime;
	unsigned passages = 0;
	(void)key;
	(void)klen;
	(void)vlen;
	/* "size mtime hash passages words" (docs/index-layout.md) */
	if (sscanf(val, "%llu %lld %llx %u %llu", &size, &mtime, &hash, &passages, &words) < 4)
		passages = 0;
	info->notes++;
	info->note_bytes += size;
	info->passages += passages;
	return 0;
}

static lec_status read_roots(xap_db *db, struct idx_info *info)
{
	char *val;
	size_t len;
	lec_status st = xap_db_get_metadata(db, LEC_META_ROOTS, strlen(LEC_META_ROOTS), &val, &len);
	if (st)
		return st;
	for (char *p = val, *nl; p < val + len; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(val + len - p));
		if (!nl)
			nl = val + len;
		*nl = 0;
		if (!*p)
			continue;
		char **nr = realloc(info->roots, (info->nroots + 1) * sizeof(char *));
		if (!nr || !(nr[info->nroots] = strdup(p))) {
			if (nr)
				info->roots = nr;
			free(val);
			return LEC_ENOMEM;
		}
		info->roots = nr;
		info->nroots++;
	}
	free(val);
	return LEC_OK;
}

/* Counts of one shard; the index-wide keys come from the first one. */
static lec_status read_shard(xap_db *db, int first, struct idx_info *info)
{
	lec_status st = first ? read_roots(db, info) : LEC_OK;
	if (!st)
		st = xap_db_metadata_each(db, LEC_META_FILE_PREFIX, strlen(LEC_META_FILE_PREFIX),
					  on_file_record, info);
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

lec_status idx_info_read(const char *index_dir, struct idx_info *info, struct buf *err)
{
	struct shard_set set;
	memset(info, 0, sizeof(*info));
	lec_status st = shards_load(index_dir, &set, err);
	if (st)
		return st;
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
			info->unavailable++;   /* counted without it */
			st = LEC_OK;
		} else if (st == LEC_ENOTFOUND && set.n == 1) {
			buf_printf(err, "no index at %s: run 'lectern index DIR' first", index_dir);
		} else if (st) {
			buf_printf(err, "cannot open index %s%s%s: %s", index_dir,
				   set.n > 1 ? " shard " : "", set.n > 1 ? e->name : "",
				   why.len ? why.data : lec_status_str(st));
		} else {
			st = read_shard(db, first, info);
			first = 0;
			if (st)
				buf_printf(err, "%s: %s", lec_status_str(st), xap_db_error(db));
			else if (!e->remote)
				info->bytes_on_disk += dir_bytes(e->path);
		}
		buf_release(&why);
		xap_db_free(db);
	}
	shards_release(&set);
	if (st)
		idx_info_release(info);
	return st;
}

void idx_info_release(struct idx_info *info)
{
	for (size_t i = 0; i < info->nroots; i++)
		free(info->roots[i]);
	free(info->roots);
	free(info->format);
	memset(info, 0, sizeof(*info));
}
