/* ptable.h - a note's passages as the index stores them (index format 2,
 * docs/index-layout.md). The indexer writes through these functions and the
 * searcher reads through them, so the format lives in one place.
 *
 * A note is one Xapian document. Its words have positions over the whole
 * note; each passage owns a range of them. Two things are stored per note:
 *  - the passage table (value slot LEC_SLOT_PASSAGES): per passage its
 *    first position, the positions it spans and its length in terms. The
 *    searcher reads it for every candidate note, so it is small and is not
 *    compressed.
 *  - a passage record per passage (value slot LEC_SLOT_PASSAGE0 + i): byte
 *    range, line, hash, heading path, speakers, segment map. Only the
 *    passages that are printed are read.
 */
#ifndef LECTERN_PTABLE_H
#define LECTERN_PTABLE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "segmap.h"
#include "status.h"

struct ptable_entry {
	uint32_t first;   /* note position before the passage's first word */
	uint32_t span;    /* its words are at first+1 .. first+span (0: none) */
	uint32_t words;   /* terms in the passage: its BM25 length */
	uint32_t heading; /* positions first+1 .. first+heading are its opening
	                         * heading's words (0: it opens with no heading) */
	uint32_t parent;  /* 1 + the index of the passage whose opening heading
	                         * is the innermost of this one's heading path (its
	                         * section's, for a passage that opens with none; the
	                         * enclosing section's, for one that opens with its
	                         * own); 0: none. Always an earlier passage. */
};

struct ptable {
	struct ptable_entry *v;
	size_t n, cap;
};

void ptable_init(struct ptable *t);
void ptable_release(struct ptable *t);
lec_status ptable_add(struct ptable *t, const struct ptable_entry *e);
/* Append the stored form to b (sticky status). */
void ptable_encode(const struct ptable *t, struct buf *b);
/* Read the stored form into t (emptied first). LEC_ECORRUPT for anything
 * malformed: passages out of order or overlapping, a count past the data. */
lec_status ptable_decode(struct ptable *t, const char *data, size_t len);
/* The passage whose range holds note position pos, or -1. */
long ptable_find(const struct ptable *t, uint32_t pos);

/* One passage's record. Strings are owned by the record. */
struct precord {
	size_t start, end; /* byte range in the file */
	uint32_t line;     /* 1-based line of start */
	uint64_t hash;     /* XXH3-64 of the bytes [start, end) */
	char **headings;   /* heading path, outermost first */
	size_t nheadings;
	char **speakers; /* display names */
	size_t nspeakers;
	struct segmap map; /* the visible text, with block positions */
};

void precord_init(struct precord *p);
void precord_release(struct precord *p);
/* Append the stored form of p to b (sticky status). */
void precord_encode(const struct precord *p, struct buf *b);
/* Read a stored record into p (released and initialised first).
 * LEC_ECORRUPT for malformed data, LEC_ENOMEM. */
lec_status precord_decode(struct precord *p, const char *data, size_t len);

#endif
