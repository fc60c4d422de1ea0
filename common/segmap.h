/* segmap.h - the segment map of a passage, and the one function that turns
 * a passage into positioned words.
 *
 * The indexer produces a passage's terms with segmap_words(), and the
 * searcher recomputes the same words (with byte offsets) from the file and
 * the stored map, so positions always agree. Format: docs/index-layout.md.
 */
#ifndef LECTERN_SEGMAP_H
#define LECTERN_SEGMAP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "status.h"

struct segmap_seg {
	size_t off, len; /* relative to the passage start */
	char *repl;      /* replacement text (owned by the map) or NULL */
	size_t repl_len;
};

struct segmap {
	struct segmap_seg *segs;
	size_t nsegs, cap;
	size_t *block_end; /* block i ends before segs[block_end[i]] */
	size_t nblocks, bcap;
	/* per block, the position before its first word (its words are at
	 * bpos[i] + 1, ...): set by segmap_words_numbered and segmap_unpack,
	 * NULL until then */
	uint32_t *bpos;
	size_t pcap;
};

void segmap_init(struct segmap *m);
void segmap_release(struct segmap *m);
void segmap_clear(struct segmap *m);
/* Start a new block; segments added after go into it. */
lec_status segmap_begin_block(struct segmap *m);
/* Append a segment to the current block (starts one if none). repl may be NULL;
 * it is copied. */
lec_status segmap_add(struct segmap *m, size_t off, size_t len, const char *repl, size_t repl_len);

struct pk_reader;
/* The binary form stored in a passage record (docs/index-layout.md), with
 * each block's position (bpos; 0 when not numbered). Appends to b (sticky). */
void segmap_pack(const struct segmap *m, struct buf *b);
/* Read the binary form into m (cleared first); `plen` is the passage's byte
 * length, which no segment may pass. LEC_ECORRUPT on malformed input. */
lec_status segmap_unpack(struct segmap *m, struct pk_reader *r, size_t plen);

/* A word of a passage: what the tokenizer gave, plus its position. */
struct seg_word {
	const char *word; /* normalised; valid during the callback only */
	size_t len;
	uint32_t pos;   /* 1-based position in the passage */
	size_t off;     /* byte offset in the FILE (passage start + relative) */
	size_t srclen;  /* source bytes */
	unsigned flags; /* enum tok_flags */
	uint32_t block; /* 0-based block number within the passage */
};
typedef int (*seg_word_cb)(void *ctx, const struct seg_word *w);

/* Tokenize the passage: `text` holds the file's bytes [pstart, pstart+tlen).
 * Positions start at 1, +1 per word, +LEC_BLOCK_POSITION_GAP between blocks.
 * Segments reaching past tlen are cut (a file changed since indexing). */
lec_status segmap_words(const struct segmap *m, const char *text, size_t tlen, size_t pstart,
			seg_word_cb cb, void *ctx);
/* The same, recording each block's position in m->bpos (the indexer). */
lec_status segmap_words_numbered(struct segmap *m, const char *text, size_t tlen, size_t pstart,
				 seg_word_cb cb, void *ctx);
/* Only blocks [from, to), with the positions they have in the whole passage
 * (needs m->bpos, except from 0): the words around one match without the
 * rest of a long passage. */
lec_status segmap_words_blocks(const struct segmap *m, size_t from, size_t to, const char *text,
			       size_t tlen, size_t pstart, seg_word_cb cb, void *ctx);
/* The block holding passage position pos (by m->bpos; 0 without it). */
size_t segmap_block_at(const struct segmap *m, uint32_t pos);

#endif
