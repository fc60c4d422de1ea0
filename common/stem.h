/* stem.h - stemming, a stage that wraps the tokenizer's words (libstemmer).
 *
 * One stemmer per thread: libstemmer instances are not thread-safe.
 */
#ifndef LECTERN_STEM_H
#define LECTERN_STEM_H

#include <stddef.h>

#include "status.h"

typedef struct stemmer stemmer;

#define STEM_DEFAULT_LANGUAGE "english"

/* A stemmer for a Snowball algorithm name ("english", "french", "german"...;
 * ISO codes such as "en", "fr" are accepted). *out owned by the caller,
 * freed with stemmer_free. LEC_ENOTFOUND for an unknown language. */
lec_status stemmer_new(const char *language, stemmer **out);
void stemmer_free(stemmer *st);

/* The canonical Snowball name of the language ("english"). */
const char *stemmer_language(const stemmer *st);

/* Stem a normalised word (tokenizer output). The result is valid until the
 * next call on this stemmer; *out_len excludes the NUL. Words with digits or
 * CJK characters are returned unchanged. Results are cached (bounded). */
lec_status stemmer_stem(stemmer *st, const char *word, size_t len, const char **out,
			size_t *out_len);

/* Nonzero when every non-empty stem of a word starts with the word's first
 * byte, a word starting with an apostrophe aside (porter stems "s" to ""):
 * true of english and porter, which
 * only rewrite a word's end (and drop a leading apostrophe); not of german
 * (it folds umlauts), indonesian (it strips prefixes) and others. Matching
 * uses it to skip the words that cannot stem to a query's stems. */
int stemmer_keeps_first_byte(const stemmer *st);

/* Nonzero if `language` names a Snowball algorithm libstemmer knows. */
int stemmer_known(const char *language);

#endif
