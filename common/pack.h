/* pack.h - the compact binary fields of the index's passage records
 * (docs/index-layout.md): unsigned LEB128 varints, fixed 8-byte little-endian
 * numbers and length-prefixed byte strings.
 *
 * Writers append to a struct buf (sticky status: check it once at the end).
 * Readers take a cursor over stored bytes that may be damaged: every read
 * checks the bytes left and the value's range, and a failed read leaves the
 * cursor failed (pk_ok() 0) so that a long decode checks once.
 */
#ifndef LECTERN_PACK_H
#define LECTERN_PACK_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

void pk_put_uint(struct buf *b, uint64_t v);
void pk_put_u64le(struct buf *b, uint64_t v);
/* A varint length, then the bytes. */
void pk_put_bytes(struct buf *b, const void *p, size_t len);

struct pk_reader {
	const unsigned char *p, *end;
	int failed; /* sticky: a read ran past the end or out of range */
};

void pk_reader_init(struct pk_reader *r, const void *data, size_t len);
int pk_ok(const struct pk_reader *r);
/* Nonzero when every byte has been read (and nothing failed). */
int pk_done(const struct pk_reader *r);

/* A varint no larger than `max` (else the reader fails and 0 is returned). */
uint64_t pk_get_uint(struct pk_reader *r, uint64_t max);
uint64_t pk_get_u64le(struct pk_reader *r);
/* A length-prefixed string: *len bytes at the returned pointer (into the
 * reader's data, not NUL-terminated); NULL when the reader failed. */
const char *pk_get_bytes(struct pk_reader *r, size_t *len);

#endif
