/* record.h - the document-data record: lines of "key<TAB>value", values
 * escaped (\\ \n \t) so that any bytes (a path with a newline) survive.
 * Repeated keys keep their order. See docs/index-layout.md.
 */
#ifndef LECTERN_RECORD_H
#define LECTERN_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "status.h"

/* Append one field to b (sticky errors: check b->status at the end). */
void rec_put(struct buf *b, const char *key, const char *val, size_t vlen);
void rec_puts(struct buf *b, const char *key, const char *val);
void rec_put_u64(struct buf *b, const char *key, uint64_t v);

struct rec_field {
	const char *key; /* NUL-terminated, points into the record's storage */
	const char *val; /* unescaped, NUL-terminated (may hold NULs: use vlen) */
	size_t vlen;
};

struct record {
	struct rec_field *fields;
	size_t n;
	char *storage; /* private */
};

/* Parse data into *rec (owned by the caller: rec_release). LEC_ECORRUPT for a
 * line without a TAB. */
lec_status rec_parse(const char *data, size_t len, struct record *rec);
void rec_release(struct record *rec);

/* The first value of key, or NULL; *vlen set when vlen is not NULL. */
const char *rec_get(const struct record *rec, const char *key, size_t *vlen);
/* The first value of key as an unsigned number; `def` when absent or bad. */
uint64_t rec_get_u64(const struct record *rec, const char *key, uint64_t def);

#endif
