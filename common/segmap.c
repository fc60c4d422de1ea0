/* segmap.c - encode, decode and tokenize a passage's segment map. */
#include "segmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "limits.h"
#include "tokenize.h"
#include "vec.h"

void segmap_init(struct segmap *m)
{
	memset(m, 0, sizeof(*m));
}

void segmap_clear(struct segmap *m)
{
	for (size_t i = 0; i < m->nsegs; i++)
		free(m->segs[i].repl);
	m->nsegs = 0;
	m->nblocks = 0;
}

void segmap_release(struct segmap *m)
{
	segmap_clear(m);
	free(m->segs);
	free(m->block_end);
	segmap_init(m);
}

lec_status segmap_begin_block(struct segmap *m)
{
	/* an empty block is no block: nothing to separate */
	size_t cur_start = m->nblocks > 1 ? m->block_end[m->nblocks - 2] : 0;
	if (m->nblocks && m->block_end[m->nblocks - 1] == cur_start)
		return LEC_OK;
	size_t *ends = vec_reserve(m->block_end, &m->bcap, m->nblocks + 1, sizeof(*ends), 16);
	if (!ends)
		return LEC_ENOMEM;
	m->block_end = ends;
	m->block_end[m->nblocks++] = m->nsegs;
	return LEC_OK;
}

lec_status segmap_add(struct segmap *m, size_t off, size_t len, const char *repl, size_t repl_len)
{
	if (!m->nblocks && segmap_begin_block(m))
		return LEC_ENOMEM;
	struct segmap_seg *segs = vec_reserve(m->segs, &m->cap, m->nsegs + 1, sizeof(*segs), 16);
	if (!segs)
		return LEC_ENOMEM;
	m->segs = segs;
	struct segmap_seg *s = &m->segs[m->nsegs];
	s->off = off;
	s->len = len;
	s->repl = NULL;
	s->repl_len = 0;
	if (repl) {
		s->repl = malloc(repl_len + 1);
		if (!s->repl)
			return LEC_ENOMEM;
		memcpy(s->repl, repl, repl_len);
		s->repl[repl_len] = 0;
		s->repl_len = repl_len;
	}
	m->nsegs++;
	m->block_end[m->nblocks - 1] = m->nsegs;
	return LEC_OK;
}

lec_status segmap_encode(const struct segmap *m, char **out, size_t *len)
{
	struct buf b;
	buf_init(&b, 0);
	size_t seg = 0;
	for (size_t bl = 0; bl < m->nblocks; bl++) {
		if (bl)
			buf_putc(&b, '|');
		for (size_t first = seg; seg < m->block_end[bl]; seg++) {
			const struct segmap_seg *s = &m->segs[seg];
			if (seg != first)
				buf_putc(&b, ',');
			buf_printf(&b, "%zu+%zu", s->off, s->len);
			if (s->repl) {
				buf_putc(&b, '=');
				for (size_t i = 0; i < s->repl_len; i++)
					buf_printf(&b, "%02x", (unsigned char)s->repl[i]);
			}
		}
	}
	if (b.status) {
		buf_release(&b);
		return LEC_ENOMEM;
	}
	*len = b.len;
	*out = buf_detach(&b);
	return *out ? LEC_OK : LEC_ENOMEM;
}

static int parse_num(const char **p, const char *end, size_t *out)
{
	size_t v = 0;
	const char *s = *p;
	if (s >= end || *s < '0' || *s > '9')
		return -1;
	while (s < end && *s >= '0' && *s <= '9') {
		if (v > (SIZE_MAX - 9) / 10)
			return -1;
		v = v * 10 + (size_t)(*s - '0');
		s++;
	}
	*p = s;
	*out = v;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static lec_status decode_repl(struct segmap *m, const char **p, const char *end,
			      size_t off, size_t len)
{
	const char *s = *p;
	size_t n = 0;
	while (s + n < end && hexval(s[n]) >= 0)
		n++;
	if (n == 0 || n % 2)
		return LEC_ECORRUPT;
	char small[64], *tmp = n / 2 < sizeof(small) ? small : malloc(n / 2 + 1);
	if (!tmp)
		return LEC_ENOMEM;
	for (size_t i = 0; i < n / 2; i++)
		tmp[i] = (char)(hexval(s[2 * i]) * 16 + hexval(s[2 * i + 1]));
	lec_status st = segmap_add(m, off, len, tmp, n / 2);
	if (tmp != small)
		free(tmp);
	*p = s + n;
	return st;
}

lec_status segmap_decode(struct segmap *m, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	segmap_clear(m);
	if (len == 0)
		return LEC_OK;
	if (segmap_begin_block(m))
		return LEC_ENOMEM;
	while (p < end) {
		size_t off, slen;
		lec_status st;
		if (parse_num(&p, end, &off) || p >= end || *p++ != '+' || parse_num(&p, end, &slen))
			return LEC_ECORRUPT;
		if (p < end && *p == '=') {
			p++;
			st = decode_repl(m, &p, end, off, slen);
		} else {
			st = segmap_add(m, off, slen, NULL, 0);
		}
		if (st)
			return st;
		if (p == end)
			break;
		if (*p == '|') {
			if (segmap_begin_block(m))
				return LEC_ENOMEM;
		} else if (*p != ',') {
			return LEC_ECORRUPT;
		}
		p++;
		if (p == end)
			return LEC_ECORRUPT;
	}
	return LEC_OK;
}

/* Tokenizer callback state: turns tokens into positioned words. */
struct words_ctx {
	seg_word_cb cb;
	void *ctx;
	uint32_t pos;
	uint32_t block;
};

static int on_token(void *vctx, const tok_token *t)
{
	struct words_ctx *c = vctx;
	struct seg_word w = {
		.word = t->word, .len = t->len, .pos = ++c->pos,
		.off = t->offset, .srclen = t->length, .flags = t->flags,
		.block = c->block,
	};
	return c->cb(c->ctx, &w);
}

lec_status segmap_words(const struct segmap *m, const char *text, size_t tlen, size_t pstart,
			seg_word_cb cb, void *ctx)
{
	struct words_ctx c = { .cb = cb, .ctx = ctx, .pos = 0, .block = 0 };
	tok_stream ts;
	tok_stream_init(&ts, on_token, &c);
	size_t seg = 0;
	for (size_t bl = 0; bl < m->nblocks; bl++) {
		c.block = (uint32_t)bl;
		if (bl)
			c.pos += LEC_BLOCK_POSITION_GAP;
		for (; seg < m->block_end[bl]; seg++) {
			const struct segmap_seg *s = &m->segs[seg];
			lec_status st;
			if (s->off >= tlen)
				continue;
			if (s->repl) {
				st = tok_stream_feed_replacement(&ts, s->repl, s->repl_len,
								 pstart + s->off, s->len);
			} else {
				size_t n = s->len;
				if (n > tlen - s->off)
					n = tlen - s->off;
				st = tok_stream_feed(&ts, text + s->off, n, pstart + s->off);
			}
			if (st)
				return st;
		}
		lec_status st = tok_stream_finish(&ts);
		if (st)
			return st;
	}
	return LEC_OK;
}
