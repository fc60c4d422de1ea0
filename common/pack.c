/* pack.c - varints and byte strings for the passage records (pack.h). */
#include "pack.h"

#include <string.h>

void pk_put_uint(struct buf *b, uint64_t v)
{
	unsigned char tmp[10];
	size_t n = 0;
	do {
		unsigned char c = v & 0x7f;
		v >>= 7;
		tmp[n++] = c | (v ? 0x80 : 0);
	} while (v);
	buf_put(b, tmp, n);
}

void pk_put_u64le(struct buf *b, uint64_t v)
{
	unsigned char tmp[8];
	for (int i = 0; i < 8; i++)
		tmp[i] = (unsigned char)(v >> (8 * i));
	buf_put(b, tmp, 8);
}

void pk_put_bytes(struct buf *b, const void *p, size_t len)
{
	pk_put_uint(b, len);
	buf_put(b, p, len);
}

void pk_reader_init(struct pk_reader *r, const void *data, size_t len)
{
	r->p = data;
	r->end = r->p ? r->p + len : NULL;
	r->failed = 0;
}

int pk_ok(const struct pk_reader *r)
{
	return !r->failed;
}

int pk_done(const struct pk_reader *r)
{
	return !r->failed && r->p == r->end;
}

static uint64_t fail(struct pk_reader *r)
{
	r->failed = 1;
	return 0;
}

uint64_t pk_get_uint(struct pk_reader *r, uint64_t max)
{
	uint64_t v = 0;
	if (r->failed)
		return 0;
	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (r->p == r->end)
			return fail(r);
		unsigned char c = *r->p++;
		uint64_t bits = (uint64_t)(c & 0x7f);
		if (shift == 63 && bits > 1)
			return fail(r);
		v |= bits << shift;
		if (!(c & 0x80))
			return v <= max ? v : fail(r);
	}
	return fail(r);
}

uint64_t pk_get_u64le(struct pk_reader *r)
{
	uint64_t v = 0;
	if (r->failed || r->end - r->p < 8)
		return fail(r);
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)r->p[i] << (8 * i);
	r->p += 8;
	return v;
}

const char *pk_get_bytes(struct pk_reader *r, size_t *len)
{
	size_t n = (size_t)pk_get_uint(r, SIZE_MAX);
	if (r->failed || (size_t)(r->end - r->p) < n) {
		fail(r);
		*len = 0;
		return NULL;
	}
	const char *s = (const char *)r->p;
	r->p += n;
	*len = n;
	return s;
}
