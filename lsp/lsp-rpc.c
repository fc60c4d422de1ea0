/* lsp-rpc.c - the LSP base protocol's framing, and JSON-RPC envelopes. */
#include "jsondump.h"
#include "lsp-rpc.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "limits.h"
#include "paths.h"

void lsp_reader_init(struct lsp_reader *r, int fd)
{
	r->fd = fd;
	r->pos = r->len = 0;
}

/* More bytes into r->in (after compacting): 1 read, 0 at the end of the
 * stream, -1 on error. */
static int fill(struct lsp_reader *r)
{
	if (r->pos) {
		memmove(r->in, r->in + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->pos = 0;
	}
	for (;;) {
		ssize_t n = read(r->fd, r->in + r->len, sizeof(r->in) - r->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		r->len += (size_t)n;
		return n > 0;
	}
}

/* One header line (CRLF, or a bare LF from a lax client) into line, at
 * most cap - 1 bytes (a longer one is cut: its end is skipped). 1: a line;
 * 0: the stream ended before any byte of it; -1: error or end inside it. */
static int header_line(struct lsp_reader *r, char *line, size_t cap, size_t *total)
{
	size_t n = 0;
	int any = 0;
	for (;;) {
		if (r->pos == r->len) {
			int f = fill(r);
			if (f <= 0)
				return f == 0 && !any ? 0 : -1;
		}
		char c = r->in[r->pos++];
		any = 1;
		(*total)++;
		if (c == '\n')
			break;
		if (n + 1 < cap)
			line[n++] = c;
	}
	if (n && line[n - 1] == '\r')
		n--;
	line[n] = '\0';
	return 1;
}

/* "Content-Length: 123" -> 123; -1 when this is not that header or not a
 * number (leading zeros and spaces allowed, nothing after the digits but
 * spaces). */
static long long content_length(const char *line)
{
	static const char name[] = "content-length:";
	if (strncasecmp(line, name, sizeof(name) - 1))
		return -2;
	const char *p = line + sizeof(name) - 1;
	while (*p == ' ' || *p == '\t')
		p++;
	long long v = 0;
	int digits = 0;
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (v > (long long)1 << 40)
			return -1; /* absurd: overflow guard, reported as too large below */
		v = v * 10 + (*p - '0');
	}
	while (*p == ' ' || *p == '\t')
		p++;
	return digits && !*p ? v : -1;
}

/* Drop n bytes of the stream. */
static lec_status skip(struct lsp_reader *r, unsigned long long n)
{
	while (n) {
		if (r->pos == r->len && fill(r) <= 0)
			return LEC_EIO;
		size_t k = r->len - r->pos;
		if (k > n)
			k = (size_t)n;
		r->pos += k;
		n -= k;
	}
	return LEC_OK;
}

/* The header block: *clen the Content-Length (-1: none usable). */
static lec_status headers(struct lsp_reader *r, long long *clen, int *too_long)
{
	char line[1024];
	size_t total = 0;
	int first = 1, bad = 0;
	*clen = -1;
	*too_long = 0;
	for (;;) {
		int h = header_line(r, line, sizeof(line), &total);
		if (h == 0 && first)
			return LEC_ENOTFOUND;
		if (h <= 0)
			return LEC_EIO;
		first = 0;
		if (!*line)
			break;
		long long v = content_length(line);
		if (v == -1)
			bad = 1;
		else if (v >= 0)
			*clen = v;
	}
	if (total > LEC_MAX_LSP_HEADER)
		*too_long = 1;
	if (bad)
		*clen = -1;
	return LEC_OK;
}

lec_status lsp_read_message(struct lsp_reader *r, size_t max, char **body, size_t *len,
			    struct buf *err)
{
	long long clen;
	int too_long;
	*body = NULL;
	*len = 0;
	lec_status st = headers(r, &clen, &too_long);
	if (st)
		return st;
	if (too_long || clen < 0) {
		buf_printf(
			err,
			too_long ?
				"message header over %u bytes" :
				"message header without a valid Content-Length (of %u bytes at most)",
			(unsigned)LEC_MAX_LSP_HEADER);
		/* a body whose length is known is skipped; without one it cannot
		 * be found: read on from the next header block */
		if (clen >= 0 && skip(r, (unsigned long long)clen))
			return LEC_EIO;
		return LEC_ESYNTAX;
	}
	if ((unsigned long long)clen > max) {
		buf_printf(err, "message of %lld bytes is over the limit of %zu bytes", clen, max);
		return skip(r, (unsigned long long)clen) ? LEC_EIO : LEC_ELIMIT;
	}
	char *b = malloc((size_t)clen + 1);
	if (!b)
		return LEC_ENOMEM;
	size_t got = 0;
	while (got < (size_t)clen) {
		if (r->pos == r->len && fill(r) <= 0) {
			free(b);
			return LEC_EIO;
		}
		size_t k = r->len - r->pos;
		if (k > (size_t)clen - got)
			k = (size_t)clen - got;
		memcpy(b + got, r->in + r->pos, k);
		r->pos += k;
		got += k;
	}
	b[got] = '\0';
	*body = b;
	*len = got;
	return LEC_OK;
}

lec_status lsp_write_message(int fd, const json_t *msg)
{
	/* JSON_ENSURE_ASCII off: the body is UTF-8, as the protocol says */
	char *text = jsondump(msg, JSON_COMPACT);
	if (!text)
		return LEC_ENOMEM;
	char head[64];
	size_t n = strlen(text);
	int hn = snprintf(head, sizeof(head), "Content-Length: %zu\r\n\r\n", n);
	lec_status st = paths_write_all(fd, head, (size_t)hn);
	if (!st)
		st = paths_write_all(fd, text, n);
	free(text);
	return st;
}

static lec_status send_owned(int fd, json_t *msg)
{
	if (!msg)
		return LEC_ENOMEM;
	lec_status st = lsp_write_message(fd, msg);
	json_decref(msg);
	return st;
}

lec_status lsp_send_result(int fd, const json_t *id, json_t *result)
{
	return send_owned(fd, json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id",
					id ? id : json_null(), "result",
					result ? result : json_null()));
}

lec_status lsp_send_error(int fd, const json_t *id, int code, const char *message)
{
	return send_owned(fd, json_pack("{s:s, s:O, s:{s:i, s:s}}", "jsonrpc", "2.0", "id",
					id ? id : json_null(), "error", "code", code, "message",
					message));
}

lec_status lsp_send_notification(int fd, const char *method, json_t *params)
{
	return send_owned(fd, json_pack("{s:s, s:s, s:o}", "jsonrpc", "2.0", "method", method,
					"params", params ? params : json_object()));
}
