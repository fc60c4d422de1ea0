/* filerec.c - the "f:" records of note files (filerec.h). */
#include "filerec.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"

size_t filerec_key(const char *nkey, char *key)
{
	return meta_key(LEC_META_FILE_PREFIX, nkey, strlen(nkey), key);
}

void filerec_encode(const struct filerec *r, const char *nkey, struct buf *out)
{
	char key[META_KEY_MAX];
	size_t plen = strlen(nkey);
	buf_reset(out);
	buf_printf(out, "%" PRIu64 " %" PRId64 " %016" PRIx64 " %" PRIu32 " %" PRIu64, r->size,
		   r->mtime_ns, r->hash, r->passages, r->words);
	/* a hashed key does not say whose record it is: the value does */
	if (filerec_key(nkey, key) != strlen(LEC_META_FILE_PREFIX) + plen) {
		buf_putc(out, '\t');
		buf_put(out, nkey, plen);
	}
}

lec_status filerec_decode(const char *mkey, size_t mklen, const char *val, size_t vlen,
			  struct filerec *r, const char **nkey, size_t *nkey_len)
{
	size_t pl = strlen(LEC_META_FILE_PREFIX);
	char rec[128];
	size_t nl = 0;
	while (nl < vlen && val[nl] != '\t')
		nl++;
	if (nl >= sizeof(rec) || mklen < pl || memcmp(mkey, LEC_META_FILE_PREFIX, pl) != 0)
		return LEC_ECORRUPT;
	memcpy(rec, val, nl);
	rec[nl] = 0;
	*nkey = mkey + pl;
	*nkey_len = mklen - pl;
	if (mklen > pl && mkey[pl] == '#') {
		if (nl == vlen)
			return LEC_ECORRUPT;
		*nkey = val + nl + 1;
		*nkey_len = vlen - nl - 1;
	}
	unsigned long long size, hash, words;
	long long mtime;
	unsigned passages;
	char extra;
	if (sscanf(rec, "%llu %lld %llx %u %llu %c", &size, &mtime, &hash, &passages, &words,
		   &extra) != 5 ||
	    !*nkey_len)
		return LEC_ECORRUPT;
	*r = (struct filerec){ size, mtime, hash, passages, words };
	return LEC_OK;
}

struct each_ctx {
	filerec_cb cb;
	void *ctx;
};

static int on_each(void *ctx, const char *key, size_t klen, const char *val, size_t vlen)
{
	struct each_ctx *e = ctx;
	struct filerec r;
	const char *nkey;
	size_t nkey_len;
	if (filerec_decode(key, klen, val, vlen, &r, &nkey, &nkey_len))
		return 0;
	return e->cb(e->ctx, &r, nkey, nkey_len);
}

lec_status filerec_each(xap_db *db, const char *under, filerec_cb cb, void *ctx)
{
	struct each_ctx e = { cb, ctx };
	char prefix[META_KEY_MAX];
	int n = snprintf(prefix, sizeof(prefix), "%s%s", LEC_META_FILE_PREFIX, under ? under : "");
	if (n < 0 || (size_t)n >= sizeof(prefix))
		return LEC_EINVAL;
	return xap_db_metadata_each(db, prefix, (size_t)n, on_each, &e);
}

lec_status filerec_read(xap_db *db, const char *nkey, struct filerec *r)
{
	char key[META_KEY_MAX];
	size_t kl = filerec_key(nkey, key);
	char *val = NULL;
	size_t len = 0;
	const char *k;
	size_t klen;
	lec_status st = xap_db_get_metadata(db, key, kl, &val, &len);
	if (!st && !len)
		st = LEC_ENOTFOUND;
	if (!st)
		st = filerec_decode(key, kl, val, len, r, &k, &klen);
	if (!st && (klen != strlen(nkey) || memcmp(k, nkey, klen) != 0))
		st = LEC_ECORRUPT; /* a hashed key's record of another note */
	free(val);
	return st;
}
