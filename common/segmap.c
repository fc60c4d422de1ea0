/* segmap.c - encode, decode and tokenize a passage's segment map. */
#include "segmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "pack.h"
#include "limits.h"
#include "tokenize.h"
#include "vec.h"

static lec_status bpos_reserve(struct segmap *m, size_t n);

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
	free(m->bpos);
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
	return m->bpos ? bpos_reserve(m, m->nblocks) : LEC_OK;
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

/* Binary form (docs/index-layout.md): varint block count; per block the
 * position before its first word (delta from the previous block's), the
 * segment count, then per segment its offset (delta from the previous
 * segment's, zigzag: segments are in source order but entities may share
 * a start), length, and replacement (length-prefixed; empty = none). */
static uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

void segmap_pack(const struct segmap *m, struct buf *b)
{
	size_t seg = 0, prev_off = 0;
	uint32_t prev_pos = 0;
	pk_put_uint(b, m->nblocks);
	for (size_t bl = 0; bl < m->nblocks; bl++) {
		uint32_t pos = m->bpos ? m->bpos[bl] : 0;
		pk_put_uint(b, pos - prev_pos);
		prev_pos = pos;
		pk_put_uint(b, m->block_end[bl] - seg);
		for (; seg < m->block_end[bl]; seg++) {
			const struct segmap_seg *s = &m->segs[seg];
			pk_put_uint(b, zigzag((int64_t)s->off - (int64_t)prev_off));
			prev_off = s->off;
			pk_put_uint(b, s->len);
			pk_put_bytes(b, s->repl, s->repl ? s->repl_len : 0);
		}
	}
}

/* Room for a block's position in m->bpos. */
static lec_status bpos_reserve(struct segmap *m, size_t n)
{
	uint32_t *v = vec_reserve(m->bpos, &m->pcap, n, sizeof(*v), 16);
	if (!v)
		return LEC_ENOMEM;
	m->bpos = v;
	return LEC_OK;
}

lec_status segmap_unpack(struct segmap *m, struct pk_reader *r, size_t plen)
{
	segmap_clear(m);
	size_t nblocks = (size_t)pk_get_uint(r, plen + 1), prev_off = 0;
	uint64_t pos = 0;
	lec_status st = pk_ok(r) ? bpos_reserve(m, nblocks) : LEC_ECORRUPT;
	for (size_t bl = 0; !st && bl < nblocks; bl++) {
		pos += pk_get_uint(r, UINT32_MAX);
		size_t nsegs = (size_t)pk_get_uint(r, plen + 1);
		if (!pk_ok(r) || pos > UINT32_MAX || nsegs == 0)
			return LEC_ECORRUPT;
		if ((st = segmap_begin_block(m)))
			return st;
		m->bpos[m->nblocks - 1] = (uint32_t)pos;
		for (size_t i = 0; !st && i < nsegs; i++) {
			int64_t off = (int64_t)prev_off + unzigzag(pk_get_uint(r, UINT64_MAX));
			size_t len = (size_t)pk_get_uint(r, plen), rlen;
			const char *repl = pk_get_bytes(r, &rlen);
			if (!pk_ok(r) || off < 0 || (uint64_t)off > plen ||
			    len > plen - (size_t)off)
				return LEC_ECORRUPT;
			prev_off = (size_t)off;
			st = segmap_add(m, (size_t)off, len, rlen ? repl : NULL, rlen);
		}
	}
	return st;
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
		.word = t->word,
		.len = t->len,
		.pos = ++c->pos,
		.off = t->offset,
		.srclen = t->length,
		.flags = t->flags,
		.block = c->block,
	};
	return c->cb(c->ctx, &w);
}

/* Tokenize blocks [from, to) of m, the position before the first block's
 * first word being pos0; bpos_out (may be NULL) gets each block's. */
static lec_status run_blocks(const struct segmap *m, size_t from, size_t to, uint32_t pos0,
			     uint32_t *bpos_out, const char *text, size_t tlen, size_t pstart,
			     seg_word_cb cb, void *ctx)
{
	struct words_ctx c = { .cb = cb, .ctx = ctx, .pos = pos0, .block = 0 };
	tok_stream ts;
	tok_stream_init(&ts, on_token, &c);
	size_t seg = from ? m->block_end[from - 1] : 0;
	for (size_t bl = from; bl < to; bl++) {
		c.block = (uint32_t)bl;
		if (bl > from)
			c.pos += LEC_BLOCK_POSITION_GAP;
		if (bpos_out)
			bpos_out[bl] = c.pos;
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

lec_status segmap_words(const struct segmap *m, const char *text, size_t tlen, size_t pstart,
			seg_word_cb cb, void *ctx)
{
	return run_blocks(m, 0, m->nblocks, 0, NULL, text, tlen, pstart, cb, ctx);
}

lec_status segmap_words_numbered(struct segmap *m, const char *text, size_t tlen, size_t pstart,
				 seg_word_cb cb, void *ctx)
{
	lec_status st = bpos_reserve(m, m->nblocks ? m->nblocks : 1);
	if (st)
		return st;
	return run_blocks(m, 0, m->nblocks, 0, m->bpos, text, tlen, pstart, cb, ctx);
}

size_t segmap_block_at(const struct segmap *m, uint32_t pos)
{
	size_t lo = 0, hi = m->nblocks;
	if (!m->bpos || !m->nblocks)
		return 0;
	/* the last block whose position before its first word is below pos */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->bpos[mid] < pos)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

lec_status segmap_words_blocks(const struct segmap *m, size_t from, size_t to, const char *text,
			       size_t tlen, size_t pstart, seg_word_cb cb, void *ctx)
{
	if (to > m->nblocks)
		to = m->nblocks;
	if (from >= to)
		return LEC_OK;
	if (!m->bpos)
		return from ? LEC_EINVAL : segmap_words(m, text, tlen, pstart, cb, ctx);
	return run_blocks(m, from, to, m->bpos[from], NULL, text, tlen, pstart, cb, ctx);
}
