/* filerec.h - what the index knows of a note file: its "f:" metadata record
 * (docs/index-layout.md), written by the indexer, read by the indexer (what
 * changed), by status (counts), by verify and by the searcher (a record
 * that disagrees with an unchanged file is damage, not a change).
 *
 * Stored form: key LEC_META_FILE_PREFIX + note key (or its hash when long:
 * metakey.h), value "SIZE MTIME_NS HASH16 PASSAGES WORDS", then a TAB and
 * the note key when the key is hashed.
 */
#ifndef LECTERN_FILEREC_H
#define LECTERN_FILEREC_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "metakey.h"
#include "status.h"
#include "xap.h"

struct filerec {
	uint64_t size;
	int64_t mtime_ns;
	uint64_t hash; /* XXH3-64 of the file's bytes */
	uint32_t passages;
	uint64_t words; /* terms of its passages */
};

/* The metadata key of note `nkey` into key[META_KEY_MAX]; its length. */
size_t filerec_key(const char *nkey, char *key);

/* The value of r for note `nkey` (emptied first; sticky status). */
void filerec_encode(const struct filerec *r, const char *nkey, struct buf *out);

/* Read a stored record: `mkey` the metadata key, `val` its value. *nkey
 * (not NUL-terminated, *nkey_len bytes) points into mkey or val.
 * LEC_ECORRUPT when it is not a record. */
lec_status filerec_decode(const char *mkey, size_t mklen, const char *val, size_t vlen,
			  struct filerec *r, const char **nkey, size_t *nkey_len);

/* Called by filerec_each with each record and its note key (not NUL-
 * terminated; both live for the call only); nonzero stops the walk. */
typedef int (*filerec_cb)(void *ctx, const struct filerec *r, const char *nkey, size_t nkey_len);

/* Visit the records of db whose note key starts with `under` (NULL or ""
 * for all of them), in key order, skipping a value that is not a record
 * (lectern status --verify reports those: indexer/verify.c). */
lec_status filerec_each(xap_db *db, const char *under, filerec_cb cb, void *ctx);

/* The record of note `nkey` in db: LEC_ENOTFOUND when there is none. */
lec_status filerec_read(xap_db *db, const char *nkey, struct filerec *r);

#endif
