/* buf.h - a growable byte buffer with a size cap and a sticky status.
 *
 * Appends after the first failure (out of memory, or past the cap) do
 * nothing; check b.status once at the end (FTS5's sticky rc idea). The bytes
 * are always NUL-terminated when b.data is not NULL.
 */
#ifndef LECTERN_BUF_H
#define LECTERN_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "status.h"

struct buf {
	char *data;
	size_t len, cap;
	size_t max; /* 0 = unlimited; else appends past it fail with LEC_ELIMIT */
	lec_status status;
};

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);
void buf_reset(struct buf *b); /* len = 0, status = OK; keeps memory */
void buf_put(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
/* Insert p[0..n) at offset `at` (<= len), moving the bytes after it: a
 * line's head put before its body without a second copy of the body. */
void buf_insert(struct buf *b, size_t at, const void *p, size_t n);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Hand the bytes to the caller (malloc'd, NUL-terminated; free()); the buffer
 * is left empty. Returns NULL if the status is not OK (the buffer is released). */
char *buf_detach(struct buf *b);

#endif
