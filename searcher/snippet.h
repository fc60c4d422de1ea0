/* snippet.h - the sentence around a match, as a reader sees it (link URLs
 * and markup outside the passage's segments left out), whitespace collapsed,
 * with the byte ranges of the matched words. */
#ifndef LECTERN_SNIPPET_H
#define LECTERN_SNIPPET_H

#include <stddef.h>

#include "match.h"
#include "search.h"
#include "segmap.h"

/* Bounds of a snippet around its anchor (bytes of visible text). */
#define SNIPPET_BEFORE 160
#define SNIPPET_AFTER 240

/* file[0..flen) is the note; map/pstart the passage's segment map; words the
 * passage's words; hits[best] the match to centre on (nhits may be 0: the
 * passage start). markdown: the note is markdown, and the inline marks its
 * segments still hold (emphasis runs, code-span backticks, a link's "[")
 * are left out, as a reader sees the text. *out (valid UTF-8) and *hl are
 * malloc'd, owned by the caller. */
lec_status snippet_make(const char *file, size_t flen, const struct segmap *map, size_t pstart,
			const struct seg_word *words, size_t nwords, const struct match_hit *hits,
			size_t nhits, size_t best, int markdown, char **out,
			struct search_range **hl, size_t *nhl);

#endif
