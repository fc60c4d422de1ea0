/* fuzz_note.c - note parsing (common/note*.c, frontmatter.c, passage.c) and
 * the segment map the indexer stores (passage_segmap, segmap.c).
 *
 * Each input is parsed as markdown and as plain text. For every parse the
 * structure is checked (blocks, segments and passages inside the file, in
 * order, indexes in range), every passage gets its segment map, which must
 * survive an encode/decode round trip, and its words (segmap_words) must lie
 * inside the passage at increasing positions. A broken invariant traps.
 * Inputs whose first byte is 1 modulo 8 (or '#', a heading that grows
 * long) are also parsed repeated past
 * LEC_MAX_PASSAGE_BYTES, so that long blocks are cut (note-split.c): no
 * block and no passage may span more than that (one input in eight: such
 * a parse costs as much as hundreds of small ones).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "note.h"
#include "passage.h"
#include "pack.h"
#include "segmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                       \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

/* Titles and headings are whitespace-collapsed (note_collapse): one line,
 * no runs of blanks, trimmed. Their bytes need not be valid UTF-8 (the
 * emitter repairs that), so only the shape is checked. */
static void check_collapsed(const char *s)
{
	size_t n = strlen(s);
	CHECK(!strpbrk(s, "\t\n\r\f\v") && !strstr(s, "  "));
	CHECK(n == 0 || (s[0] != ' ' && s[n - 1] != ' '));
}

static void check_note(const struct note *n, size_t size)
{
	CHECK(n->body_start <= size);
	for (size_t b = 0; b < n->nblocks; b++) {
		const struct note_block *bl = &n->blocks[b];
		CHECK(bl->start <= bl->end && bl->end <= size);
		CHECK(bl->end - bl->start <= LEC_MAX_PASSAGE_BYTES);
		CHECK(bl->line >= 1);
		CHECK(bl->seg_first <= n->nsegs && bl->seg_count <= n->nsegs - bl->seg_first);
		CHECK(bl->speaker < 0 || (size_t)bl->speaker < n->npeople);
		CHECK(bl->presenter < 0 || (size_t)bl->presenter < n->npeople);
		CHECK(bl->kind != NOTE_BLOCK_HEADING || (bl->level >= 1 && bl->level <= 6));
		if (b)
			CHECK(bl->start >= n->blocks[b - 1].start);
		size_t prev = 0;
		for (size_t k = 0; k < bl->seg_count; k++) {
			const struct note_segment *s = &n->segs[bl->seg_first + k];
			CHECK(s->off <= size && s->len <= size - s->off);
			/* a block covers its segments (passages are cut by blocks) */
			CHECK(s->off >= bl->start && s->off + s->len <= bl->end);
			CHECK(k == 0 || s->off >= prev);
			CHECK(!s->repl || s->repl_len == strlen(s->repl) ||
			      memchr(s->repl, 0, s->repl_len));
			prev = s->off + s->len;
		}
	}
	for (size_t i = 0; i < n->npeople; i++)
		CHECK(n->people[i].name || n->people[i].initials);
	if (n->title)
		check_collapsed(n->title);
	for (size_t i = 0; i < n->ntags; i++)
		CHECK(n->tags[i] != NULL);
}

struct wcheck {
	size_t start, end; /* the passage's byte range */
	uint32_t last_pos;
	size_t nblocks;
	size_t nwords;
};

static int check_word(void *ctx, const struct seg_word *w)
{
	struct wcheck *c = ctx;
	CHECK(w->len > 0 && w->word[w->len] == '\0');
	CHECK(w->off >= c->start && w->off + w->srclen <= c->end);
	CHECK(w->pos >= 1 && (c->nwords == 0 || w->pos > c->last_pos));
	CHECK(w->block < c->nblocks);
	c->last_pos = w->pos;
	c->nwords++;
	return 0;
}

static void check_segmap(const struct segmap *m, size_t plen, size_t nb)
{
	CHECK(m->nblocks == nb);
	for (size_t i = 0; i < m->nblocks; i++) {
		CHECK(m->block_end[i] <= m->nsegs);
		CHECK(i == 0 || m->block_end[i] >= m->block_end[i - 1]);
	}
	CHECK(m->nblocks == 0 || m->block_end[m->nblocks - 1] == m->nsegs);
	for (size_t i = 0; i < m->nsegs; i++)
		CHECK(m->segs[i].off <= plen && m->segs[i].len <= plen - m->segs[i].off);
}

/* pack -> unpack -> pack gives the same bytes */
static void check_roundtrip(const struct segmap *m, size_t plen)
{
	struct buf a, b;
	struct segmap d;
	struct pk_reader r;
	buf_init(&a, 0);
	buf_init(&b, 0);
	segmap_init(&d);
	segmap_pack(m, &a);
	if (a.status == LEC_OK) {
		pk_reader_init(&r, a.data, a.len);
		lec_status st = segmap_unpack(&d, &r, plen);
		CHECK(st == LEC_OK || st == LEC_ENOMEM);
		if (st == LEC_OK) {
			CHECK(pk_done(&r));
			CHECK(d.nsegs == m->nsegs);
			segmap_pack(&d, &b);
			CHECK(b.status != LEC_OK ||
			      (b.len == a.len && memcmp(a.data, b.data, a.len) == 0));
		}
	}
	buf_release(&a);
	buf_release(&b);
	segmap_release(&d);
}

static void check_passage(const struct note *n, const struct passage *p, size_t size)
{
	CHECK(p->start <= p->end && p->end <= size);
	CHECK(p->end - p->start <= LEC_MAX_PASSAGE_BYTES);
	CHECK(p->first_block <= n->nblocks && p->nblocks <= n->nblocks - p->first_block);
	CHECK(p->nheadings <= LEC_MAX_HEADING_DEPTH);
	for (size_t i = 0; i < p->nheadings; i++) {
		CHECK(strlen(p->headings[i]) <= LEC_MAX_HEADING_BYTES);
		check_collapsed(p->headings[i]);
	}
	for (size_t i = 0; i < p->nspeakers; i++)
		CHECK(p->speakers[i] < n->npeople);

	size_t *map_block = malloc((p->nblocks + 1) * sizeof(*map_block));
	if (!map_block)
		return;
	struct segmap m;
	size_t nb = 0;
	segmap_init(&m);
	if (passage_segmap(n, p, &m, map_block, &nb) == LEC_OK) {
		check_segmap(&m, p->end - p->start, nb);
		for (size_t i = 0; i < nb; i++)
			CHECK(map_block[i] >= p->first_block &&
			      map_block[i] < p->first_block + p->nblocks);
		struct wcheck c = { .start = p->start, .end = p->end, .nblocks = nb };
		lec_status st = segmap_words_numbered(&m, n->src + p->start, p->end - p->start,
						      p->start, check_word, &c);
		CHECK(st == LEC_OK || st == LEC_ENOMEM);
		check_roundtrip(&m, p->end - p->start);
	}
	segmap_release(&m);
	free(map_block);

	for (size_t b = 0; b < p->nblocks; b++) {
		char *text = NULL;
		if (passage_block_text(n, p->first_block + b, 120, &text) == LEC_OK) {
			CHECK(strlen(text) <= 120);
			check_collapsed(text);
			free(text);
		}
	}
}

static void parse_one(const char *path, const char *src, size_t size, enum note_format fmt)
{
	struct note n;
	lec_status st = note_parse(path, src, size, fmt, &n);
	if (st != LEC_OK) {
		CHECK(st == LEC_ENOMEM || st == LEC_ELIMIT);
		return;
	}
	check_note(&n, size);
	struct passage *ps = NULL;
	size_t np = 0;
	if (passages_build(&n, &ps, &np) == LEC_OK) {
		for (size_t i = 0; i < np; i++) {
			check_passage(&n, &ps[i], size);
			CHECK(i == 0 || ps[i].start >= ps[i - 1].start);
		}
		passages_free(ps, np);
	}
	note_release(&n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size private copy: ASan catches reads past the end */
	char *src = malloc(size ? size : 1);
	if (!src)
		return 0;
	memcpy(src, data, size);
	parse_one("/notes/2024-05-01-meeting.md", src, size, NOTE_MARKDOWN);
	parse_one("/notes/meeting.txt", src, size, NOTE_TEXT);
	free(src);
	if (size < 2 || (data[0] % 8 != 1 && data[0] != '#'))
		return 0;
	/* the input again and again: a block without a blank line grows past
	 * LEC_MAX_PASSAGE_BYTES and is cut */
	size_t big = LEC_MAX_PASSAGE_BYTES + LEC_MAX_PASSAGE_BYTES / 4;
	if (!(src = malloc(big)))
		return 0;
	for (size_t i = 0; i < big; i += size)
		memcpy(src + i, data, big - i < size ? big - i : size);
	parse_one("/notes/2024-05-01-long.md", src, big, NOTE_MARKDOWN);
	parse_one("/notes/long.txt", src, big, NOTE_TEXT);
	free(src);
	return 0;
}
