/* skips.c - the "s:" records of skipped files (skips.h). */
#include "skips.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "layout.h"
#include "metakey.h"

struct load_ctx {
	struct hmap *skips;
	const struct roots *roots;
};

static void rec_free(struct skip_rec *s)
{
	if (s)
		free(s->key);
	free(s);
}

/* One record: "size mtime reason", then a TAB and the note key when the
 * key is hashed (metakey.h). */
static int on_record(void *ctx, const char *key, size_t klen, const char *val, size_t vlen)
{
	struct load_ctx *c = ctx;
	size_t pl = strlen(LEC_META_SKIP_PREFIX), nl = 0;
	char text[128];
	while (nl < vlen && val[nl] != '\t')
		nl++;
	if (nl >= sizeof(text))
		return 0; /* not one of ours: left alone */
	memcpy(text, val, nl);
	text[nl] = 0;
	const char *nkey = key + pl;
	size_t nkey_len = klen - pl;
	if (klen > pl && key[pl] == '#') {
		if (nl == vlen)
			return 0;
		nkey = val + nl + 1;
		nkey_len = vlen - nl - 1;
	}
	unsigned long long size;
	long long mtime;
	char reason[SKIP_REASON_MAX];
	if (sscanf(text, "%llu %lld %31s", &size, &mtime, reason) != 3)
		return 0;
	struct skip_rec *s = calloc(1, sizeof(*s));
	char *path = NULL;
	if (!s || !(s->key = strndup(nkey, nkey_len))) {
		rec_free(s);
		return 1;
	}
	lec_status pst = roots_path_of_key(c->roots, nkey, nkey_len, &path);
	if (pst == LEC_ENOMEM || (pst && asprintf(&path, "\x01%s", s->key) < 0)) {
		rec_free(s);
		return 1;
	}
	s->orphan = pst != LEC_OK;
	s->size = size;
	s->mtime_ns = mtime;
	memcpy(s->reason, reason, sizeof(reason));
	struct hmap_entry *e;
	lec_status st = hmap_put(c->skips, path, strlen(path), &e, NULL);
	free(path);
	if (st) {
		rec_free(s);
		return 1;
	}
	rec_free(e->value);
	e->value = s;
	return 0;
}

lec_status skips_load(struct hmap *skips, xap_db *db, const struct roots *roots)
{
	struct load_ctx c = { skips, roots };
	lec_status st = xap_db_metadata_each(db, LEC_META_SKIP_PREFIX, strlen(LEC_META_SKIP_PREFIX),
					     on_record, &c);
	return st == LEC_ESTOP ? LEC_ENOMEM : st;
}

void skips_release(struct hmap *skips)
{
	size_t it = 0;
	struct hmap_entry *e;
	while (hmap_next(skips, &it, &e))
		rec_free(e->value);
	hmap_release(skips);
}

struct skip_rec *skips_get(const struct hmap *skips, const char *path)
{
	struct hmap_entry *e = hmap_get(skips, path, strlen(path));
	return e ? e->value : NULL;
}

int skips_by_content(const char *reason)
{
	return strcmp(reason, SKIP_BINARY) == 0 || strcmp(reason, SKIP_TOO_LARGE) == 0 ||
	       strcmp(reason, SKIP_REFUSED) == 0;
}

lec_status skips_put(xap_db *db, const char *key, uint64_t size, int64_t mtime_ns,
		     const char *reason)
{
	char mkey[META_KEY_MAX];
	size_t plen = strlen(key);
	size_t kl = meta_key(LEC_META_SKIP_PREFIX, key, plen, mkey);
	struct buf val;
	buf_init(&val, 0);
	buf_printf(&val, "%" PRIu64 " %" PRId64 " %s", size, mtime_ns, reason);
	if (kl != strlen(LEC_META_SKIP_PREFIX) + plen) {
		buf_putc(&val, '\t');
		buf_put(&val, key, plen);
	}
	lec_status st =
		val.status ? val.status : xap_db_set_metadata(db, mkey, kl, val.data, val.len);
	buf_release(&val);
	return st;
}

lec_status skips_drop(xap_db *db, const char *key)
{
	char mkey[META_KEY_MAX];
	size_t kl = meta_key(LEC_META_SKIP_PREFIX, key, strlen(key), mkey);
	return xap_db_set_metadata(db, mkey, kl, "", 0);
}
