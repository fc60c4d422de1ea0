/* stemdict.h - the stem dictionary: for each stem, the words of the notes
 * that have it (docs/index-layout.md, "Stems").
 *
 * The index gives positions to words, not to stems, so a bare-word query
 * finds a stem's positions through the words that have that stem. Each
 * database keeps the words of its own notes under the metadata key
 * LEC_META_STEM_PREFIX + stem (Xapian's synonym table would do, but its
 * remote backend serves no synonyms, while it does serve metadata). The
 * value is the words, sorted, each followed by '\n'; a word equal to its
 * stem is not listed (the stem itself is looked up as a word).
 *
 * The indexer writes through stemdict_merge, the searcher reads through
 * stemdict_each: the format lives here.
 */
#ifndef LECTERN_STEMDICT_H
#define LECTERN_STEMDICT_H

#include <stddef.h>

#include "buf.h"
#include "status.h"

/* The metadata key of `stem` into out (room for LEC_MAX_TERM_BYTES + 8);
 * its length, or 0 when the stem is too long to have one. */
size_t stemdict_key(const char *stem, size_t len, char *out);

/* The stored value `old` (may be empty) with `words` (n of them, sorted
 * and unique, not NUL-terminated: words[i] of lens[i] bytes) added, into
 * `out` (emptied first; sticky status). *changed: 0 when every word was
 * there already. */
void stemdict_merge(const char *old, size_t oldlen, const char *const *words, const size_t *lens,
		    size_t n, struct buf *out, int *changed);

/* Visit each word of a stored value (cb NULL: only check it); cb returns nonzero to stop
 * (LEC_ESTOP). A damaged value (no final '\n') gives LEC_ECORRUPT. */
typedef int (*stemdict_cb)(void *ctx, const char *word, size_t len);
lec_status stemdict_each(const char *val, size_t len, stemdict_cb cb, void *ctx);

#endif
