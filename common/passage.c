/* passage.c - group a note's blocks into passages. */
#include "passage.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "limits.h"
#include "segmap.h"
#include "tokenize.h"
#include "vec.h"

static int count_word(void *ctx, const tok_token *t)
{
	(void)t;
	(*(uint32_t *)ctx)++;
	return 0;
}

/* Words in one block, as the tokenizer will see them. */
static uint32_t block_words(const struct note *n, const struct note_block *b)
{
	uint32_t count = 0;
	tok_stream ts;
	tok_stream_init(&ts, count_word, &count);
	for (size_t i = 0; i < b->seg_count; i++) {
		const struct note_segment *s = &n->segs[b->seg_first + i];
		if (s->repl)
			tok_stream_feed_replacement(&ts, s->repl, s->repl_len, s->off, s->len);
		else
			tok_stream_feed(&ts, n->src + s->off, s->len, s->off);
	}
	tok_stream_finish(&ts);
	return count;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

lec_status passage_block_text(const struct note *note, size_t block, size_t max, char **out)
{
	const struct note_block *b = &note->blocks[block];
	struct buf raw, clean;
	buf_init(&raw, 0);
	buf_init(&clean, 0);
	for (size_t i = 0; i < b->seg_count; i++) {
		const struct note_segment *s = &note->segs[b->seg_first + i];
		if (s->repl)
			buf_put(&raw, s->repl, s->repl_len);
		else
			buf_put(&raw, note->src + s->off, s->len);
	}
	buf_putc(&raw, 0);
	if (raw.status) {
		buf_release(&raw);
		return LEC_ENOMEM;
	}
	const char *p = raw.data, *e = raw.data + raw.len - 1;
	if (b->kind == NOTE_BLOCK_HEADING) {
		while (p < e && (*p == '#' || is_space(*p)))
			p++;
		while (e > p && (e[-1] == '#' || is_space(e[-1])))
			e--;
	}
	int space = 0;
	buf_puts(&clean, "");
	for (; p < e; p++) {
		if (is_space(*p) || *p == 0) {
			space = clean.len > 0;
			continue;
		}
		if (space)
			buf_putc(&clean, ' ');
		space = 0;
		buf_putc(&clean, *p);
	}
	buf_release(&raw);
	if (clean.status) {
		buf_release(&clean);
		return LEC_ENOMEM;
	}
	if (clean.len > max) {
		size_t cut = max;
		while (cut > 0 && ((unsigned char)clean.data[cut] & 0xC0) == 0x80)
			cut--;
		/* the cut may fall just after a collapsed space: stay trimmed */
		while (cut > 0 && clean.data[cut - 1] == ' ')
			cut--;
		clean.len = cut;
		clean.data[cut] = 0;
	}
	*out = buf_detach(&clean);
	return *out ? LEC_OK : LEC_ENOMEM;
}

/* The builder's state while walking the blocks. */
struct builder {
	const struct note *note;
	struct passage *list;
	size_t n, cap;
	struct passage cur;
	int open;
	char *stack[LEC_MAX_HEADING_DEPTH + 1]; /* heading text per level 1..6 */
	size_t presenters[16];
	size_t npresenters;
};

static void passage_release(struct passage *p)
{
	for (size_t i = 0; i < p->nheadings; i++)
		free(p->headings[i]);
	free(p->headings);
	free(p->speakers);
	memset(p, 0, sizeof(*p));
}

void passages_free(struct passage *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		passage_release(&p[i]);
	free(p);
}

static lec_status add_speaker(struct passage *p, size_t person)
{
	for (size_t i = 0; i < p->nspeakers; i++)
		if (p->speakers[i] == person)
			return LEC_OK;
	size_t *ns = vec_reserve(p->speakers, &p->speakers_cap, p->nspeakers + 1, sizeof(*ns), 4);
	if (!ns)
		return LEC_ENOMEM;
	p->speakers = ns;
	p->speakers[p->nspeakers++] = person;
	return LEC_OK;
}

static lec_status start_passage(struct builder *bd, size_t block)
{
	struct passage *p = &bd->cur;
	memset(p, 0, sizeof(*p));
	p->first_block = block;
	p->start = bd->note->blocks[block].start;
	p->line = bd->note->blocks[block].line;
	size_t depth = 0;
	for (int l = 1; l <= LEC_MAX_HEADING_DEPTH; l++)
		depth += bd->stack[l] != NULL;
	if (depth) {
		p->headings = calloc(depth, sizeof(char *));
		if (!p->headings)
			return LEC_ENOMEM;
		for (int l = 1; l <= LEC_MAX_HEADING_DEPTH; l++) {
			if (!bd->stack[l])
				continue;
			p->headings[p->nheadings] = strdup(bd->stack[l]);
			if (!p->headings[p->nheadings++])
				return LEC_ENOMEM;
		}
	}
	for (size_t i = 0; i < bd->npresenters; i++)
		if (add_speaker(p, bd->presenters[i]))
			return LEC_ENOMEM;
	bd->open = 1;
	return LEC_OK;
}

static lec_status flush_passage(struct builder *bd)
{
	if (!bd->open)
		return LEC_OK;
	struct passage *nl = vec_reserve(bd->list, &bd->cap, bd->n + 1, sizeof(*nl), 16);
	if (!nl)
		return LEC_ENOMEM;
	bd->list = nl;
	bd->list[bd->n++] = bd->cur;
	memset(&bd->cur, 0, sizeof(bd->cur));
	bd->open = 0;
	return LEC_OK;
}

static lec_status enter_heading(struct builder *bd, size_t block)
{
	const struct note_block *b = &bd->note->blocks[block];
	int level = b->level < 1                     ? 1 :
		    b->level > LEC_MAX_HEADING_DEPTH ? LEC_MAX_HEADING_DEPTH :
						       b->level;
	char *text;
	lec_status st = passage_block_text(bd->note, block, LEC_MAX_HEADING_BYTES, &text);
	if (st)
		return st;
	for (int l = level; l <= LEC_MAX_HEADING_DEPTH; l++) {
		free(bd->stack[l]);
		bd->stack[l] = NULL;
	}
	if (*text)
		bd->stack[level] = text;
	else
		free(text);
	bd->npresenters = 0;
	return LEC_OK;
}

static lec_status add_block(struct builder *bd, size_t block)
{
	const struct note *n = bd->note;
	const struct note_block *b = &n->blocks[block];
	lec_status st = LEC_OK;
	if (b->kind == NOTE_BLOCK_HEADING) {
		if ((st = flush_passage(bd)) || (st = enter_heading(bd, block)))
			return st;
	}
	uint32_t words = block_words(n, b);
	int lone_heading =
		bd->cur.nblocks == 1 && n->blocks[bd->cur.first_block].kind == NOTE_BLOCK_HEADING;
	/* a passage is cut near its target words (but a heading stays with its
	 * first block), and always before it would span more than
	 * LEC_MAX_PASSAGE_BYTES: blocks without words (or a gap of markup)
	 * must not make it grow without bound either */
	if (bd->open && ((bd->cur.words > 0 && bd->cur.words + words > LEC_PASSAGE_TARGET_WORDS &&
			  !lone_heading) ||
			 b->end - bd->cur.start > LEC_MAX_PASSAGE_BYTES)) {
		if ((st = flush_passage(bd)))
			return st;
	}
	if (!bd->open && (st = start_passage(bd, block)))
		return st;
	if (b->presenter >= 0 && bd->npresenters < sizeof(bd->presenters) / sizeof(size_t)) {
		bd->presenters[bd->npresenters++] = (size_t)b->presenter;
		st = add_speaker(&bd->cur, (size_t)b->presenter);
	}
	if (!st && b->speaker >= 0)
		st = add_speaker(&bd->cur, (size_t)b->speaker);
	bd->cur.nblocks = block + 1 - bd->cur.first_block;
	bd->cur.end = b->end;
	bd->cur.words += words;
	return st;
}

lec_status passages_build(const struct note *note, struct passage **out, size_t *n)
{
	struct builder bd;
	memset(&bd, 0, sizeof(bd));
	bd.note = note;
	lec_status st = LEC_OK;
	for (size_t i = 0; i < note->nblocks && !st; i++)
		st = add_block(&bd, i);
	if (!st)
		st = flush_passage(&bd);
	for (int l = 0; l <= LEC_MAX_HEADING_DEPTH; l++)
		free(bd.stack[l]);
	if (st) {
		passage_release(&bd.cur);
		passages_free(bd.list, bd.n);
		return st;
	}
	*out = bd.list;
	*n = bd.n;
	return LEC_OK;
}

lec_status passage_segmap(const struct note *n, const struct passage *p, struct segmap *m,
			  size_t *map_block, size_t *nblocks)
{
	size_t nb = 0;
	for (size_t i = 0; i < p->nblocks; i++) {
		const struct note_block *bl = &n->blocks[p->first_block + i];
		int begun = 0;
		for (size_t k = 0; k < bl->seg_count; k++) {
			const struct note_segment *s = &n->segs[bl->seg_first + k];
			if (s->off < p->start || s->off + s->len > p->end)
				continue;
			/* a map block only with a segment: an empty block has no
			 * stored form */
			if (!begun) {
				if (segmap_begin_block(m))
					return LEC_ENOMEM;
				if (map_block)
					map_block[nb] = p->first_block + i;
				nb++;
				begun = 1;
			}
			if (segmap_add(m, s->off - p->start, s->len, s->repl, s->repl_len))
				return LEC_ENOMEM;
		}
	}
	if (nblocks)
		*nblocks = nb;
	return LEC_OK;
}
