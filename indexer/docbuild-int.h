/* docbuild-int.h - what the index builder's files share (private to
 * indexer/docbuild*.c): docbuild.c builds a note's documents and gives
 * docbuild-spell.c the words it meets. */
#ifndef LECTERN_DOCBUILD_INT_H
#define LECTERN_DOCBUILD_INT_H

#include <stddef.h>

#include "docbuild.h"

/* Count word w[0..len) (its tokenizer flags) for the spelling data, unless
 * the builder counts none (no_spelling) or it is no word to suggest. */
void docbuild_count_spelling(struct docbuild *b, const char *w, size_t len, unsigned flags);

/* Remember that word stems to the Z term `zterm` (flushed with the
 * spelling: docbuild_flush_spelling). */
lec_status docbuild_note_synonym(struct docbuild *b, const char *zterm, size_t zlen,
				 const char *word, size_t wlen);

#endif
