/* note-split.c - blocks longer than LEC_MAX_PASSAGE_BYTES cut into blocks
 * of their own, so that no passage spans more than that (limits.h).
 *
 * A plain-text note without blank lines is one block, and a block was one
 * passage: a 200 MB log became one passage, and every search that met it
 * read and tokenized all of it. Now a block past the limit is cut, each
 * piece as long as the limit allows: at the last line break of the piece's
 * second half, else at the last sentence end (. ! ? and a space), else at
 * the last space; else at the last of those anywhere in the piece; else
 * between two segments (in markup a reader does not see); else at a
 * character boundary inside a word (a run of 32 KiB without a space).
 * A cut after whitespace of the visible text splits no word. The pieces are
 * blocks like any other, so a phrase or NEAR that would cross a cut is not
 * found, as across a blank line; a cut at a line break or a sentence end
 * makes that rare. The searcher parses a changed note the same way
 * (note_parse), so its passages agree with the index.
 */
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "note-internal.h"

/* The last cut of each kind in a window, or 0. A cut is the offset after a
 * whitespace byte of the visible text. */
struct cuts {
	size_t line, sentence, word;
	size_t between; /* a boundary between two segments */
};

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool ends_sentence(char c)
{
	return c == '.' || c == '!' || c == '?';
}

/* The cuts in src[from, to) (the bytes of a plain segment). */
static void scan(const char *src, size_t from, size_t to, struct cuts *c)
{
	for (size_t i = from; i < to; i++) {
		if (!is_ws(src[i]))
			continue;
		if (src[i] == '\n')
			c->line = i + 1;
		else if (i > from && ends_sentence(src[i - 1]))
			c->sentence = i + 1;
		c->word = i + 1;
	}
}

static size_t max3(size_t a, size_t b, size_t c)
{
	size_t m = a > b ? a : b;
	return m > c ? m : c;
}

/* Where the piece that starts at ps ends: a cut in (ps, ps +
 * LEC_MAX_PASSAGE_BYTES]. segs[k...] are block b's segments that may reach
 * the piece. */
static size_t find_cut(const char *src, const struct note_segment *segs, const struct note_block *b,
		       size_t k, size_t ps)
{
	size_t lim = ps + LEC_MAX_PASSAGE_BYTES, half = ps + LEC_MAX_PASSAGE_BYTES / 2;
	/* lim itself is between segments unless one straddles it */
	struct cuts c = { 0, 0, 0, lim };
	const struct note_segment *straddle = NULL;
	for (size_t end = b->seg_first + b->seg_count; k < end; k++) {
		const struct note_segment *s = &segs[k];
		if (s->off >= lim)
			break;
		if (s->off + s->len <= ps)
			continue;
		if (s->off + s->len > lim) {
			straddle = s;
			c.between = s->off > ps ? s->off : 0;
		}
		if (!s->repl)
			scan(src, s->off > ps ? s->off : ps,
			     s->off + s->len < lim ? s->off + s->len : lim, &c);
	}
	if (c.line >= half)
		return c.line;
	if (c.sentence >= half)
		return c.sentence;
	if (c.word >= half)
		return c.word;
	size_t any = max3(c.line, c.sentence, c.word);
	if (any > ps)
		return any;
	if (c.between > ps)
		return c.between;
	/* a run of visible text longer than the window without a space */
	if (straddle->repl)
		return straddle->off + straddle->len; /* ps is at its start: past it */
	size_t cut = lim;
	while (cut > ps + 1 && ((unsigned char)src[cut] & 0xC0) == 0x80)
		cut--;
	return cut;
}

/* Add the piece [ps, pe) of block b: its segments from *k on, cut to it. A
 * piece without visible text is left out. */
static lec_status add_piece(struct note *n, const struct note_segment *segs,
			    const struct note_block *b, size_t *k, size_t ps, size_t pe,
			    uint32_t line)
{
	struct note_block piece = *b;
	piece.start = ps;
	piece.end = pe;
	piece.line = line;
	piece.seg_first = n->nsegs;
	if (ps != b->start) {
		/* the heading (or the presenter line) is the first piece's */
		if (piece.kind == NOTE_BLOCK_HEADING)
			piece.kind = NOTE_BLOCK_PARAGRAPH;
		piece.level = 0;
		piece.presenter = -1;
	}
	for (size_t end = b->seg_first + b->seg_count; *k < end; (*k)++) {
		struct note_segment s = segs[*k];
		if (s.off >= pe)
			break;
		if (!s.repl) {
			size_t a = s.off > ps ? s.off : ps,
			       z = s.off + s.len < pe ? s.off + s.len : pe;
			s.off = a;
			s.len = z > a ? z - a : 0;
		}
		lec_status st = s.len || s.repl ? note_add_seg_as_is(n, &s) : LEC_OK;
		if (st)
			return st;
		if (segs[*k].off + segs[*k].len > pe && !segs[*k].repl)
			break; /* the rest of it is the next piece's */
	}
	piece.seg_count = n->nsegs - piece.seg_first;
	return piece.seg_count ? note_add_block(n, &piece) : LEC_OK;
}

/* Block b, with its segments in segs (the note's old array), as pieces. */
static lec_status split_block(struct note *n, const struct note_segment *segs,
			      const struct note_block *b)
{
	struct note_lines nl = { n->src, b->start, b->line };
	size_t k = b->seg_first, scan_k = b->seg_first;
	for (size_t ps = b->start; ps < b->end;) {
		size_t pe = b->end - ps > LEC_MAX_PASSAGE_BYTES ?
				    find_cut(n->src, segs, b, scan_k, ps) :
				    b->end;
		lec_status st = add_piece(n, segs, b, &k, ps, pe, note_lines_at(&nl, ps));
		if (st)
			return st;
		while (scan_k < b->seg_first + b->seg_count &&
		       segs[scan_k].off + segs[scan_k].len <= pe)
			scan_k++;
		ps = pe;
	}
	return LEC_OK;
}

static lec_status copy_block(struct note *n, const struct note_segment *segs,
			     const struct note_block *b)
{
	struct note_block copy = *b;
	copy.seg_first = n->nsegs;
	for (size_t i = 0; i < b->seg_count; i++) {
		lec_status st = note_add_seg_as_is(n, &segs[b->seg_first + i]);
		if (st)
			return st;
	}
	return note_add_block(n, &copy);
}

lec_status note_split_blocks(struct note *n)
{
	bool long_block = false;
	for (size_t i = 0; i < n->nblocks && !long_block; i++)
		long_block = n->blocks[i].end - n->blocks[i].start > LEC_MAX_PASSAGE_BYTES;
	if (!long_block)
		return LEC_OK;
	struct note_block *blocks;
	struct note_segment *segs;
	size_t nblocks, nsegs;
	note_take_blocks(n, &blocks, &nblocks, &segs, &nsegs);
	lec_status st = LEC_OK;
	for (size_t i = 0; i < nblocks && !st; i++) {
		const struct note_block *b = &blocks[i];
		st = b->end - b->start > LEC_MAX_PASSAGE_BYTES ? split_block(n, segs, b) :
								 copy_block(n, segs, b);
	}
	free(blocks);
	free(segs);
	return st;
}
