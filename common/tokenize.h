/* tokenize.h - the one definition of a word, used at index AND query time.
 *
 * A push API (SQLite FTS5 style): text goes in, each word comes out through
 * a callback with its normalised form and its byte range in the original
 * text. The rules (see docs/tokenizer.md; each has a case in
 * tests/cases/tokenize.cases):
 *  1. Input is UTF-8; an invalid byte sequence is a separator.
 *  2. Text is normalised NFKC, case-folded, combining marks stripped
 *     (utf8proc), before words are found: "Çelik" -> "celik", "ﬁle" -> "file",
 *     "™" -> "tm", "½" -> "1" "2".
 *  3. A word is a maximal run of letters (L*) and digits (N*).
 *  4. An apostrophe (U+0027, U+2019, U+02BC) with a letter or digit right on
 *     both sides joins them into one word and is normalised to U+0027.
 *  5. Each Han, Hiragana or Katakana character is a word of its own.
 *  6. Everything else separates words.
 *  7. Block boundaries are the caller's: call tok_stream_break() (or tokenize
 *     each block separately) and leave a position gap.
 *  8. Each word carries the byte offset and length of its source text.
 *
 * A word longer than LEC_MAX_WORD_BYTES (normalised) is still reported, so
 * that it takes a position, but with TOK_LONG set and `word` truncated: it
 * must not become a term.
 */
#ifndef LECTERN_TOKENIZE_H
#define LECTERN_TOKENIZE_H

#include <stddef.h>
#include <stdint.h>

#include "limits.h"
#include "status.h"

enum tok_flags {
	TOK_LONG = 1u << 0,    /* word exceeded LEC_MAX_WORD_BYTES; not a term */
	TOK_CJK = 1u << 1,     /* a single Han/Hiragana/Katakana character */
	TOK_NUMERIC = 1u << 2, /* the word has only digits */
};

typedef struct tok_token {
	const char *word; /* normalised UTF-8, NUL-terminated; valid during the callback */
	size_t len;       /* bytes in word */
	size_t offset;    /* byte offset of the word's first source character */
	size_t length;    /* source bytes from offset to the end of the last character */
	unsigned flags;   /* enum tok_flags */
} tok_token;

/* Whether a word the tokenizer gave (normalised) is material for spelling
 * suggestions: 2 to 32 bytes, no digit of any script (ids, "word123" and
 * numbers are not misspelt words, and a corpus of them grows Xapian's
 * fragment lists into tags glass cannot read back), not a lone CJK
 * character. One rule for the indexer's counts and a build's pass over
 * its vocabulary. */
int tok_word_spellable(const char *word, size_t len);

/* Return nonzero to stop tokenizing; the tokenizer then returns LEC_ESTOP. */
typedef int (*tok_cb)(void *ctx, const tok_token *tok);

/* One-shot: tokenize text[0..len), reporting offsets as base + index. */
lec_status tok_text(const char *text, size_t len, size_t base, tok_cb cb, void *ctx);

/* Streaming: a word may continue across feeds (so `[cat](url)s` can be fed as
 * "cat" then "s" and give "cats"); tok_stream_break ends the current word. A
 * feed must hold whole UTF-8 characters. */
typedef struct tok_stream {
	tok_cb cb;
	void *ctx;
	/* the word being built */
	char word[LEC_MAX_WORD_BYTES + 8];
	size_t wlen;
	size_t wstart, wend; /* source range so far */
	unsigned wflags;
	int in_word;
	int long_word;
	/* a pending apostrophe after a word char: joins if a letter/digit follows */
	int apos_pending;
	size_t apos_end;
	lec_status status; /* sticky */
} tok_stream;

void tok_stream_init(tok_stream *ts, tok_cb cb, void *ctx);
/* Feed text whose byte i comes from source offset src_offset + i. */
lec_status tok_stream_feed(tok_stream *ts, const char *text, size_t len, size_t src_offset);
/* Feed replacement text (a decoded entity) that stands for source bytes
 * [src_offset, src_offset + src_len): every character maps to that range. */
lec_status tok_stream_feed_replacement(tok_stream *ts, const char *text, size_t len,
				       size_t src_offset, size_t src_len);
/* End the current word (a separator that is not in the text). */
lec_status tok_stream_break(tok_stream *ts);
/* End of input: flush the last word. The stream can then be fed anew. */
lec_status tok_stream_finish(tok_stream *ts);

/* Normalise one word-ish string into its words joined by single spaces,
 * e.g. for field values ("Jordan Harband" -> "jordan harband"). *out malloc'd,
 * owned by caller. */
lec_status tok_normalize(const char *text, size_t len, char **out, size_t *outlen);

#endif
