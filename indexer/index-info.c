/* index-info.c - what `lectern status` reports about an index. */
#include "index.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "layout.h"
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
	(void)key;
	(void)klen;
	(void)vlen;
	info->notes++;
	info->note_bytes += strtoull(val, NULL, 10);
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

lec_status idx_info_read(const char *index_dir, struct idx_info *info, struct buf *err)
{
	memset(info, 0, sizeof(*info));
	char *path = idx_db_path(index_dir);
	xap_db *db = xap_db_new();
	lec_status st = path && db ? LEC_OK : LEC_ENOMEM;
	if (!st)
		st = xap_db_open(db, path, XAP_OPEN_READ);
	if (st == LEC_ENOTFOUND)
		buf_printf(err, "no index at %s: run 'lectern index DIR' first", index_dir);
	else if (st)
		buf_printf(err, "cannot open index %s: %s", index_dir, db ? xap_db_error(db) : "");
	uint32_t docs = 0;
	if (!st)
		st = read_roots(db, info);
	if (!st)
		st = xap_db_doccount(db, &docs);
	if (!st)
		st = xap_db_metadata_each(db, LEC_META_FILE_PREFIX, strlen(LEC_META_FILE_PREFIX),
					  on_file_record, info);
	char *val = NULL;
	size_t len;
	if (!st && !(st = xap_db_get_metadata(db, LEC_META_LAST_INDEXED,
					      strlen(LEC_META_LAST_INDEXED), &val, &len)))
		info->last_indexed = strtoll(val, NULL, 10);
	free(val);
	if (!st && !(st = xap_db_get_metadata(db, LEC_META_FORMAT, strlen(LEC_META_FORMAT), &val,
					      &len)))
		info->format = val;
	info->passages = docs;
	if (!st)
		info->bytes_on_disk = dir_bytes(path);
	if (st && !err->len)
		buf_printf(err, "%s: %s", lec_status_str(st), db ? xap_db_error(db) : "");
	xap_db_free(db);
	free(path);
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
