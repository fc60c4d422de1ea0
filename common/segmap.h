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

#include "status.h"

struct segmap_seg {
	size_t off, len;        /* relative to the passage start */
	char *repl;             /* replacement text (owned by the map) or NULL */
	size_t repl_len;
};

struct segmap {
	struct segmap_seg *segs;
	size_t nsegs, cap;
	size_t *block_end;      /* block i ends before segs[block_end[i]] */
	size_t nblocks, bcap;
};

void segmap_init(struct segmap *m);
void segmap_release(struct segmap *m);
void segmap_clear(struct segmap *m);
/* Start a new block; segments added after go into it. */
lec_status segmap_begin_block(struct segmap *m);
/* Append a segment to the current block (starts one if none). repl may be NULL;
 * it is copied. */
lec_status segmap_add(struct segmap *m, size_t off, size_t len, const char *repl, size_t repl_len);

/* Text form: "0+12,14+3|20+5=c3a9". *out malloc'd, owned by the caller. */
lec_status segmap_encode(const struct segmap *m, char **out, size_t *len);
/* Parse the text form into an initialised map (cleared first). LEC_ECORRUPT
 * on malformed input. */
lec_status segmap_decode(struct segmap *m, const char *text, size_t len);

/* A word of a passage: what the tokenizer gave, plus its position. */
struct seg_word {
	const char *word;       /* normalised; valid during the callback only */
	size_t len;
	uint32_t pos;           /* 1-based position in the passage */
	size_t off;             /* byte offset in the FILE (passage start + relative) */
	size_t srclen;          /* source bytes */
	unsigned flags;         /* enum tok_flags */
	uint32_t block;         /* 0-based block number within the passage */
};
typedef int (*seg_word_cb)(void *ctx, const struct seg_word *w);

/* Tokenize the passage: `text` holds the file's bytes [pstart, pstart+tlen).
 * Positions start at 1, +1 per word, +LEC_BLOCK_POSITION_GAP between blocks.
 * Segments reaching past tlen are cut (a file changed since indexing). */
lec_status segmap_words(const struct segmap *m, const char *text, size_t tlen, size_t pstart,
			seg_word_cb cb, void *ctx);

#endif
