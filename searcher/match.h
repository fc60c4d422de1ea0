/* match.h - where a parsed query matches inside a passage's words.
 *
 * The searcher re-tokenizes a hit passage (segmap_words) into positioned
 * words and asks which spans match the query's positive parts, for
 * highlighting and exact locations. The rules mirror the index exactly:
 *  - a bare word matches every word with the same stem (same stemmer);
 *  - a phrase matches its words at consecutive positions, every start
 *    (overlapping ones too: "blah blah blah" holds "blah blah" twice);
 *    positions carry the block gap, so a phrase never crosses blocks;
 *  - a wildcard matches every word starting with its prefix;
 *  - NEAR/n: every occurrence of its words inside a span of positions
 *    holding all of them with max - min <= n + words - 2 (|a - b| <= n
 *    for two words), Xapian's window;
 *  - negated parts, fields (title:, path:, speaker:) and filters (tag:,
 *    year:, date:) never match passage text.
 * Words flagged TOK_LONG are not terms and match nothing.
 */
#ifndef LECTERN_MATCH_H
#define LECTERN_MATCH_H

#include <stddef.h>

#include "query.h"
#include "segmap.h"
#include "status.h"
#include "stem.h"

/* ---- a passage's words, copied out of segmap_words' callback ---------- */

struct match_block;

struct match_text {
	struct seg_word *words; /* words[i].word is owned by the match_text */
	size_t n, cap;
	lec_status status; /* sticky: the first failure of match_text_add */
	/* the words' bytes, in blocks that never move (no malloc per word);
	 * kept from passage to passage */
	struct match_block *blocks, *cur;
};

void match_text_init(struct match_text *t);
/* Forget the words, keep the memory for the next passage. */
void match_text_clear(struct match_text *t);
void match_text_release(struct match_text *t);
/* A seg_word_cb: append a copy of *w (ctx is the struct match_text *).
 * Returns nonzero (stops segmap_words) when out of memory; t->status says. */
int match_text_add(void *ctx, const struct seg_word *w);

/* ---- matching ----------------------------------------------------------- */

enum match_kind {
	MATCH_WORD,     /* a bare word, by stem */
	MATCH_PHRASE,   /* a phrase (or a one-word phrase: the exact word) */
	MATCH_WILDCARD, /* prefix* */
	MATCH_NEAR,     /* one word of a satisfied NEAR */
};

struct match_hit {
	size_t first, last; /* indices into the words array, inclusive */
	enum match_kind kind;
};

typedef struct match_query match_query;

/* Compile the positive parts of `ast` for matching. `ast` and `st` (the
 * stemmer the query was parsed with; NULL = no stemming) must outlive *out,
 * which is owned by the caller (match_query_free). A match_query keeps a
 * cache of passage-word stems, so reuse it across passages; one thread. */
lec_status match_query_new(const qp_ast *ast, stemmer *st, match_query **out);
void match_query_free(match_query *mq);

/* Every hit of the query in words[0..n) (ascending positions), sorted by
 * (first, last, kind), exact duplicates removed; hits of different parts
 * may overlap. *out malloc'd, owned by the caller (NULL when *nout == 0). */
lec_status match_find(match_query *mq, const struct seg_word *words, size_t n,
		      struct match_hit **out, size_t *nout);

/* For a query that is exactly one phrase or one bare word (plus tag:,
 * year:, date: filters): the index in words[] of every start of the
 * phrase, or of every word with the word's stem, ascending. LEC_EINVAL for
 * any other query. *out malloc'd, owned by the caller (NULL when *nout == 0). */
lec_status match_phrase_occurrences(match_query *mq, const struct seg_word *words, size_t n,
				    size_t **out, size_t *nout);

#endif
