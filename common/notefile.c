/* notefile.c - a note file's bytes as UTF-8 text (notefile.h). */
#include "notefile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"

enum notefile_enc notefile_sniff(const char *head, size_t len)
{
	const unsigned char *h = (const unsigned char *)head;
	if (len >= 3 && h[0] == 0xEF && h[1] == 0xBB && h[2] == 0xBF)
		return NOTEFILE_UTF8_BOM;
	if (len >= 2 && h[0] == 0xFE && h[1] == 0xFF)
		return NOTEFILE_UTF16BE;
	if (len >= 2 && h[0] == 0xFF && h[1] == 0xFE)
		return len >= 4 && h[2] == 0 && h[3] == 0 ? NOTEFILE_UTF8 : NOTEFILE_UTF16LE;
	return NOTEFILE_UTF8;
}

/* Code point c (at most U+10FFFF, no surrogate) as UTF-8 at o: its length. */
static size_t put_utf8(char *o, uint32_t c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xC0 | (c >> 6));
		o[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xE0 | (c >> 12));
		o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		o[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (c >> 18));
	o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	o[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

#define REPLACEMENT 0xFFFDu

static uint32_t unit_at(const unsigned char *p, int big)
{
	return big ? (uint32_t)p[0] << 8 | p[1] : (uint32_t)p[1] << 8 | p[0];
}

/* UTF-16 code units p[0 .. n) (bytes) as UTF-8 into o, which has room for
 * 3 bytes per unit and one more for an odd byte: the length written. A high
 * surrogate takes the low one after it; any other surrogate is U+FFFD. */
static size_t utf16_to_utf8(const unsigned char *p, size_t n, int big, char *o)
{
	size_t w = 0, i = 0;
	while (i + 1 < n) {
		uint32_t u = unit_at(p + i, big);
		i += 2;
		if (u >= 0xD800 && u <= 0xDBFF && i + 1 < n) {
			uint32_t lo = unit_at(p + i, big);
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				i += 2;
				w += put_utf8(o + w,
					      0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
				continue;
			}
		}
		w += put_utf8(o + w, u >= 0xD800 && u <= 0xDFFF ? REPLACEMENT : u);
	}
	if (i < n) /* an odd last byte: half a code unit */
		w += put_utf8(o + w, REPLACEMENT);
	return w;
}

lec_status notefile_decode(const char *raw, size_t len, enum notefile_enc enc, char **out,
			   size_t *outlen)
{
	const unsigned char *p = (const unsigned char *)raw;
	char *o;
	if (enc == NOTEFILE_UTF16LE || enc == NOTEFILE_UTF16BE) {
		size_t mark = len < 2 ? len : 2;
		p += mark;
		len -= mark;
		/* 3 bytes of UTF-8 at most per 2-byte unit (a pair's 4 bytes
		 * come from 4), 3 for an odd byte, and the NUL */
		o = malloc(len / 2 * 3 + 4);
		if (!o)
			return LEC_ENOMEM;
		*outlen = utf16_to_utf8(p, len, enc == NOTEFILE_UTF16BE, o);
	} else {
		size_t skip = enc == NOTEFILE_UTF8_BOM ? (len < 3 ? len : 3) : 0;
		o = malloc(len - skip + 1);
		if (!o)
			return LEC_ENOMEM;
		memcpy(o, p + skip, len - skip);
		*outlen = len - skip;
	}
	o[*outlen] = '\0';
	*out = o;
	return LEC_OK;
}

/* A file read whole (*data, len): its text in its place. */
static lec_status to_text(char **data, size_t *len, enum notefile_enc enc)
{
	if (enc == NOTEFILE_UTF8)
		return LEC_OK;
	if (enc == NOTEFILE_UTF8_BOM) {
		/* in place: the text is the file less its first 3 bytes */
		memmove(*data, *data + 3, *len - 3 + 1);
		*len -= 3;
		return LEC_OK;
	}
	char *text;
	size_t n;
	lec_status st = notefile_decode(*data, *len, enc, &text, &n);
	if (st)
		return st;
	free(*data);
	*data = text;
	*len = n;
	return LEC_OK;
}

lec_status notefile_read(const char *path, size_t max, char **out, size_t *len,
			 enum notefile_enc *enc)
{
	enum notefile_enc e;
	lec_status st = paths_read_file(path, max, out, len);
	if (st)
		return st;
	e = notefile_sniff(*out, *len);
	if (enc)
		*enc = e;
	st = to_text(out, len, e);
	if (st) {
		free(*out);
		*out = NULL;
	}
	return st;
}

/* The first bytes of fd, for notefile_sniff: their number. */
static size_t read_head(int fd, char *head)
{
	ssize_t r;
	do
		r = pread(fd, head, NOTEFILE_SNIFF_BYTES, 0);
	while (r < 0 && errno == EINTR);
	return r > 0 ? (size_t)r : 0;
}

static lec_status read_text_fd(int fd, uint64_t fsize, size_t max, size_t lo, size_t hi, char **out,
			       size_t *len, uint64_t *size, int *whole)
{
	char head[NOTEFILE_SNIFF_BYTES];
	enum notefile_enc enc = notefile_sniff(head, read_head(fd, head));
	lec_status st;
	if (enc == NOTEFILE_UTF8) {
		st = paths_read_fd_window(fd, fsize, lo, hi, out, len);
		*size = fsize;
		*whole = !st && lo == 0 && *len == fsize;
		return st;
	}
	/* the text's offsets are not the file's: all of it, decoded */
	st = paths_read_fd(fd, fsize, max, out, len);
	if (!st && (st = to_text(out, len, enc)) != LEC_OK) {
		free(*out);
		*out = NULL;
	}
	*size = st ? 0 : *len;
	*whole = !st;
	return st;
}

lec_status notefile_read_window(const char *path, size_t max, size_t lo, size_t hi, char **out,
				size_t *len, uint64_t *size, int *whole)
{
	int fd;
	uint64_t fsize;
	lec_status st = paths_open_regular(path, max, &fd, &fsize);
	*whole = 0;
	if (st)
		return st;
	st = read_text_fd(fd, fsize, max, lo, hi, out, len, size, whole);
	int e = errno;
	close(fd);
	errno = e;
	return st;
}
