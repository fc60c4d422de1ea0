/* buf.c - growable byte buffer with a cap and a sticky status. */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max;
	b->status = LEC_OK;
}

void buf_release(struct buf *b)
{
	free(b->data);
	buf_init(b, b->max);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	b->status = LEC_OK;
	if (b->data)
		b->data[0] = 0;
}

static int reserve(struct buf *b, size_t extra)
{
	if (b->status)
		return -1;
	if (extra > (size_t)-1 - b->len - 1 || (b->max && b->len + extra > b->max)) {
		b->status = LEC_ELIMIT;
		return -1;
	}
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	size_t ncap = b->cap ? b->cap : 64;
	while (ncap < need)
		ncap = ncap > ((size_t)-1) / 2 ? need : ncap * 2;
	char *nd = realloc(b->data, ncap);
	if (!nd) {
		b->status = LEC_ENOMEM;
		return -1;
	}
	b->data = nd;
	b->cap = ncap;
	return 0;
}

void buf_put(struct buf *b, const void *p, size_t n)
{
	if (reserve(b, n))
		return;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
}

void buf_insert(struct buf *b, size_t at, const void *p, size_t n)
{
	if (at > b->len) {
		b->status = b->status ? b->status : LEC_EINVAL;
		return;
	}
	if (reserve(b, n))
		return;
	memmove(b->data + at + n, b->data + at, b->len - at);
	if (n)
		memcpy(b->data + at, p, n);
	b->len += n;
	b->data[b->len] = 0;
}

void buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
	buf_put(b, &c, 1);
}

void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		if (!b->status)
			b->status = LEC_EINVAL;
		return;
	}
	if (reserve(b, (size_t)n))
		return;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

char *buf_detach(struct buf *b)
{
	if (b->status) {
		buf_release(b);
		return NULL;
	}
	if (!b->data && reserve(b, 0))
		return NULL;
	char *d = b->data;
	b->data = NULL;
	b->len = b->cap = 0;
	return d;
}
