/* passage.h - cut a parsed note into passages, the unit of search results.
 *
 * A passage is a heading-delimited section (the heading is its first block),
 * split at block boundaries when it grows past LEC_PASSAGE_TARGET_WORDS; a
 * note without headings splits at blank-line blocks the same way.
 */
#ifndef LECTERN_PASSAGE_H
#define LECTERN_PASSAGE_H

#include <stddef.h>
#include <stdint.h>

#include "note.h"
#include "status.h"

struct passage {
	size_t first_block; /* index into note.blocks */
	size_t nblocks;
	size_t start, end; /* byte range in the file */
	uint32_t line;     /* 1-based line of start */
	uint32_t words;
	char **headings; /* heading path, outermost first (owned) */
	size_t nheadings;
	size_t *speakers; /* indexes into note.people, no duplicates (owned) */
	size_t nspeakers, speakers_cap;
};

/* Build the passages of `note`. *out (owned by the caller, passages_free)
 * holds *n passages in file order; blocks without words are kept in their
 * passage (harmless) and a note without blocks gives no passage. */
lec_status passages_build(const struct note *note, struct passage **out, size_t *n);
void passages_free(struct passage *p, size_t n);

/* The visible text of a block, whitespace collapsed, trimmed, markdown
 * heading markers removed, cut at `max` bytes on a character boundary.
 * *out malloc'd, caller frees. */
lec_status passage_block_text(const struct note *note, size_t block, size_t max, char **out);

struct segmap;
/* The segment map of passage p of note n, as the indexer stores it
 * (common/ptable.h) and the searcher finds a changed note's passages again
 * with it: blocks without segments are left out. map_block (may be NULL;
 * room for p->nblocks) gets, per map block, the note block it is; *nblocks
 * (may be NULL) the number of map blocks. */
lec_status passage_segmap(const struct note *n, const struct passage *p, struct segmap *m,
			  size_t *map_block, size_t *nblocks);

#endif
