/* tokenize.c - the one definition of a word (see tokenize.h, docs/tokenizer.md).
 *
 * Text is walked one source code point at a time. ASCII takes a fast path
 * (classified and lowercased by hand); every other code point is mapped by
 * utf8proc (compatibility decomposition, case folding, marks stripped) and
 * each code point it produces is classified AFTER that mapping, so "™"
 * gives the word "tm" and "½" gives "1" and "2". All characters produced
 * by one source character carry that character's source byte range.
 *
 * Since marks are stripped, every character left is a starter, so NFKC
 * composition reduces to composing each new character with the previous
 * one in the word (in practice: Hangul jamo into syllables). That keeps the
 * word buffer fixed-size: a word never needs more than LEC_MAX_WORD_BYTES.
 */
#include "tokenize.h"
#include "vec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

/* The mapping applied to every non-ASCII code point (rule 2). DECOMPOSE is
 * what makes utf8proc_decompose_char decompose at all; COMPAT makes it NFKD. */
#define TOK_MAP_OPTIONS \
	(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK)
/* The longest compatibility decomposition (U+FDFA) has 18 code points. */
#define TOK_MAX_DECOMP 32

enum cp_class {
	CP_SEP,    /* separator (rule 6) */
	CP_LETTER, /* L* (rule 3) */
	CP_DIGIT,  /* N* (rule 3) */
	CP_APOS,   /* U+0027, U+2019, U+02BC (rule 4) */
	CP_CJK,    /* Han, Hiragana, Katakana letter or digit (rule 5) */
};

/* ------------------------------------------------------------------ */
/* Classification                                                      */

struct cp_range {
	int32_t lo, hi;
};

/* Han (unified and compatibility ideographs, iteration and numeral marks),
 * Hiragana and Katakana, sorted. Only letters and digits inside these ranges
 * count (U+30FB KATAKANA MIDDLE DOT stays a separator). Radicals, circled
 * and squared katakana, halfwidth katakana need no entry: NFKC maps them
 * into these ranges before classification. */
static const struct cp_range cjk_ranges[] = {
	{ 0x3005, 0x3007 },   { 0x3021, 0x3029 },   { 0x3038, 0x303B },   { 0x3041, 0x309F },
	{ 0x30A0, 0x30FF },   { 0x31F0, 0x31FF },   { 0x32D0, 0x32FE },   { 0x3300, 0x3357 },
	{ 0x3400, 0x4DBF },   { 0x4E00, 0x9FFF },   { 0xF900, 0xFAFF },   { 0xFF66, 0xFF9F },
	{ 0x1B000, 0x1B11F }, { 0x20000, 0x2A6DF }, { 0x2A700, 0x2EBEF }, { 0x2F800, 0x2FA1F },
	{ 0x30000, 0x3134F },
};

static int in_cjk_ranges(int32_t cp)
{
	size_t lo = 0, hi = sizeof(cjk_ranges) / sizeof(cjk_ranges[0]);

	if (cp < 0x3005)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < cjk_ranges[mid].lo)
			hi = mid;
		else if (cp > cjk_ranges[mid].hi)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

static int is_digit(int32_t cp)
{
	utf8proc_category_t cat = utf8proc_category(cp);

	return cat == UTF8PROC_CATEGORY_ND || cat == UTF8PROC_CATEGORY_NL ||
	       cat == UTF8PROC_CATEGORY_NO;
}

/* Classify one NORMALISED code point. */
static enum cp_class classify(int32_t cp)
{
	enum cp_class cls;

	/* U+02BC is Lm: it must be an apostrophe before it can be a letter. */
	if (cp == 0x27 || cp == 0x2019 || cp == 0x02BC)
		return CP_APOS;
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
		cls = CP_LETTER;
		break;
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		cls = CP_DIGIT;
		break;
	default:
		return CP_SEP;
	}
	return in_cjk_ranges(cp) ? CP_CJK : cls;
}

/* ------------------------------------------------------------------ */
/* UTF-8                                                               */

/* Decode one strictly valid UTF-8 character at p[0..len). Returns its
 * length, or 0 for an invalid sequence (overlong, surrogate, > U+10FFFF,
 * stray continuation, truncated): the caller then skips ONE byte. */
static size_t utf8_decode(const unsigned char *p, size_t len, int32_t *cp)
{
	unsigned char c = p[0];
	unsigned char lo = 0x80, hi = 0xBF;
	size_t n, i;
	int32_t v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0; /* overlong */
		else if (c == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90; /* overlong */
		else if (c == 0xF4)
			hi = 0x8F; /* > U+10FFFF */
	} else {
		return 0;
	}
	if (len < n || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 1; i < n; i++) {
		if (i > 1 && (p[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3F);
	}
	*cp = v;
	return n;
}

/* The last code point of the word buffer (which holds valid UTF-8). */
static int32_t word_last_cp(const tok_stream *ts, size_t *start)
{
	size_t i = ts->wlen - 1;
	int32_t cp;

	while (i > 0 && ((unsigned char)ts->word[i] & 0xC0) == 0x80)
		i--;
	*start = i;
	if (!utf8_decode((const unsigned char *)ts->word + i, ts->wlen - i, &cp))
		return -1;
	return cp;
}

/* ------------------------------------------------------------------ */
/* The word being built                                                */

static void word_reset(tok_stream *ts)
{
	ts->wlen = 0;
	ts->wstart = ts->wend = 0;
	ts->wflags = 0;
	ts->in_word = 0;
	ts->long_word = 0;
	ts->apos_pending = 0;
	ts->apos_end = 0;
}

/* Report the current word (a pending apostrophe is dropped: it did not
 * join anything) and start afresh. */
static void word_emit(tok_stream *ts)
{
	tok_token tok;

	if (!ts->in_word)
		return;
	ts->word[ts->wlen] = '\0';
	tok.word = ts->word;
	tok.len = ts->wlen;
	tok.offset = ts->wstart;
	tok.length = ts->wend - ts->wstart;
	tok.flags = ts->wflags | (ts->long_word ? TOK_LONG : 0);
	word_reset(ts);
	if (ts->status == LEC_OK && ts->cb(ts->ctx, &tok))
		ts->status = LEC_ESTOP;
}

static void word_begin(tok_stream *ts, size_t src_start)
{
	ts->in_word = 1;
	ts->wstart = src_start;
	ts->wflags = TOK_NUMERIC; /* until a non-digit arrives */
}

/* Append n bytes (one character, plus a joined apostrophe in front if
 * `join`). A word that would pass LEC_MAX_WORD_BYTES stops growing, on a
 * character boundary, and is marked long; it still spans its source. */
static void word_put(tok_stream *ts, int join, const char *bytes, size_t n)
{
	if (ts->long_word)
		return;
	if (ts->wlen + n + (join ? 1 : 0) > LEC_MAX_WORD_BYTES) {
		ts->long_word = 1;
		return;
	}
	if (join)
		ts->word[ts->wlen++] = '\'';
	memcpy(ts->word + ts->wlen, bytes, n);
	ts->wlen += n;
}

/* NFKC composition of the word's last character with cp, if they compose. */
static int word_compose(tok_stream *ts, int32_t cp)
{
	utf8proc_int32_t pair[2];
	utf8proc_uint8_t enc[4];
	size_t start;
	utf8proc_ssize_t n;

	if (ts->long_word || ts->wlen == 0 || cp < 0x300)
		return 0;
	pair[0] = word_last_cp(ts, &start);
	pair[1] = cp;
	if (pair[0] < 0x80 ||
	    utf8proc_normalize_utf32(pair, 2, UTF8PROC_COMPOSE | UTF8PROC_STABLE) != 1)
		return 0;
	n = utf8proc_encode_char(pair[0], enc);
	if (n <= 0 || start + (size_t)n > LEC_MAX_WORD_BYTES)
		return 0;
	memcpy(ts->word + start, enc, (size_t)n);
	ts->wlen = start + (size_t)n;
	return 1;
}

/* ------------------------------------------------------------------ */
/* Events: what one normalised character does to the stream            */

static void on_separator(tok_stream *ts)
{
	word_emit(ts);
}

static void on_apostrophe(tok_stream *ts, size_t src_end)
{
	if (!ts->in_word)
		return;
	if (ts->apos_pending) {
		/* "don''t": neither apostrophe has a letter on both sides */
		word_emit(ts);
		return;
	}
	ts->apos_pending = 1;
	ts->apos_end = src_end;
}

/* A letter or digit (already normalised) from source [s, e). */
static void on_wordchar(tok_stream *ts, int32_t cp, enum cp_class cls, size_t s, size_t e)
{
	utf8proc_uint8_t enc[4];
	utf8proc_ssize_t n;
	int join = ts->apos_pending;

	if (!ts->in_word)
		word_begin(ts, s);
	ts->apos_pending = 0;
	if (cls != CP_DIGIT || join)
		ts->wflags &= ~(unsigned)TOK_NUMERIC;
	ts->wend = e;
	if (!join && word_compose(ts, cp))
		return;
	n = utf8proc_encode_char(cp, enc);
	word_put(ts, join, (const char *)enc, (size_t)n);
}

/* A Han/Hiragana/Katakana character: a word of its own. */
static void on_cjk(tok_stream *ts, int32_t cp, size_t s, size_t e)
{
	utf8proc_uint8_t enc[4];
	utf8proc_ssize_t n;

	word_emit(ts);
	if (ts->status != LEC_OK)
		return;
	word_begin(ts, s);
	/* U+3007 IDEOGRAPHIC NUMBER ZERO and friends are digits (Nl) too */
	ts->wflags = TOK_CJK | (is_digit(cp) ? TOK_NUMERIC : 0);
	ts->wend = e;
	n = utf8proc_encode_char(cp, enc);
	word_put(ts, 0, (const char *)enc, (size_t)n);
	word_emit(ts);
}

static void on_normalised(tok_stream *ts, int32_t cp, size_t s, size_t e)
{
	enum cp_class cls = classify(cp);

	switch (cls) {
	case CP_LETTER:
	case CP_DIGIT:
		on_wordchar(ts, cp, cls, s, e);
		break;
	case CP_APOS:
		on_apostrophe(ts, e);
		break;
	case CP_CJK:
		on_cjk(ts, cp, s, e);
		break;
	case CP_SEP:
		on_separator(ts);
		break;
	}
}

/* The slow path: one source code point through utf8proc. */
static void on_source_cp(tok_stream *ts, int32_t cp, size_t s, size_t e)
{
	utf8proc_int32_t out[TOK_MAX_DECOMP];
	utf8proc_ssize_t n, i;

	n = utf8proc_decompose_char(cp, out, TOK_MAX_DECOMP, TOK_MAP_OPTIONS, NULL);
	if (n < 0 || n > TOK_MAX_DECOMP) {
		on_separator(ts);
		return;
	}
	if (n == 0) {
		/* a stripped mark: part of the word it follows, if any */
		if (ts->in_word && !ts->apos_pending)
			ts->wend = e;
		return;
	}
	for (i = 0; i < n && ts->status == LEC_OK; i++)
		on_normalised(ts, out[i], s, e);
}

/* ------------------------------------------------------------------ */
/* The ASCII fast path                                                 */

static inline int ascii_alnum(unsigned char c)
{
	return (unsigned)(c - 'a') < 26u || (unsigned)(c - 'A') < 26u || (unsigned)(c - '0') < 10u;
}

/* A run of ASCII letters and digits p[i..) from source base + i. Returns
 * the index after the run. Same result as utf8proc's mapping (lowercase). */
static size_t ascii_word_run(tok_stream *ts, const unsigned char *p, size_t i, size_t len,
			     size_t base)
{
	size_t j = i;

	if (!ts->in_word)
		word_begin(ts, base + i);
	if (ts->apos_pending) {
		/* room for the apostrophe and at least the run's first byte */
		if (!ts->long_word && ts->wlen + 2 <= LEC_MAX_WORD_BYTES)
			ts->word[ts->wlen++] = '\'';
		else
			ts->long_word = 1;
		ts->apos_pending = 0;
		ts->wflags &= ~(unsigned)TOK_NUMERIC;
	}
	for (; j < len && ascii_alnum(p[j]); j++) {
		unsigned char c = p[j];

		if (c > '9') {
			ts->wflags &= ~(unsigned)TOK_NUMERIC;
			c |= 0x20; /* only letters get here: lowercase */
		}
		if (ts->wlen < LEC_MAX_WORD_BYTES && !ts->long_word)
			ts->word[ts->wlen++] = (char)c;
		else
			ts->long_word = 1;
	}
	ts->wend = base + j;
	return j;
}

/* ------------------------------------------------------------------ */
/* Feeding                                                             */

/* Walk text; `repl` maps every character to [rs, re) and disables the fast
 * path (replacements are short; tests use it to check both paths agree). */
static void feed(tok_stream *ts, const unsigned char *p, size_t len, size_t base, int repl,
		 size_t rs, size_t re)
{
	size_t i = 0, n;
	int32_t cp;

	while (i < len && ts->status == LEC_OK) {
		unsigned char c = p[i];

		if (!repl && c < 0x80) {
			if (ascii_alnum(c)) {
				i = ascii_word_run(ts, p, i, len, base);
				continue;
			}
			if (c == '\'')
				on_apostrophe(ts, base + i + 1);
			else
				on_separator(ts);
			i++;
			continue;
		}
		n = utf8_decode(p + i, len - i, &cp);
		if (n == 0) {
			on_separator(ts); /* invalid: resync one byte later */
			i++;
			continue;
		}
		if (repl)
			on_source_cp(ts, cp, rs, re);
		else
			on_source_cp(ts, cp, base + i, base + i + n);
		i += n;
	}
}

void tok_stream_init(tok_stream *ts, tok_cb cb, void *ctx)
{
	memset(ts, 0, sizeof(*ts));
	ts->cb = cb;
	ts->ctx = ctx;
	ts->status = cb ? LEC_OK : LEC_EINVAL;
	word_reset(ts);
}

lec_status tok_stream_feed(tok_stream *ts, const char *text, size_t len, size_t src_offset)
{
	if (!ts || (!text && len))
		return LEC_EINVAL;
	if (ts->status == LEC_OK)
		feed(ts, (const unsigned char *)text, len, src_offset, 0, 0, 0);
	return ts->status;
}

lec_status tok_stream_feed_replacement(tok_stream *ts, const char *text, size_t len,
				       size_t src_offset, size_t src_len)
{
	if (!ts || (!text && len))
		return LEC_EINVAL;
	if (ts->status == LEC_OK)
		feed(ts, (const unsigned char *)text, len, src_offset, 1, src_offset,
		     src_offset + src_len);
	return ts->status;
}

lec_status tok_stream_break(tok_stream *ts)
{
	if (!ts)
		return LEC_EINVAL;
	if (ts->status == LEC_OK)
		word_emit(ts);
	return ts->status;
}

/* Returns the stream's status (sticky until here), then resets the stream
 * so that it can be fed anew with the same callback. */
lec_status tok_stream_finish(tok_stream *ts)
{
	lec_status st;

	if (!ts)
		return LEC_EINVAL;
	if (ts->status == LEC_OK)
		word_emit(ts);
	st = ts->status;
	word_reset(ts);
	if (ts->cb)
		ts->status = LEC_OK;
	return st;
}

int tok_word_spellable(const char *word, size_t len)
{
	const unsigned char *p = (const unsigned char *)word;
	size_t i = 0, chars = 0;
	int cjk = 0;
	if (len < 2 || len > 32)
		return 0;
	while (i < len) {
		int32_t cp;
		size_t n = utf8_decode(p + i, len - i, &cp);
		if (!n || is_digit(cp))
			return 0;
		cjk |= in_cjk_ranges(cp);
		chars++;
		i += n;
	}
	return !(chars == 1 && cjk);
}

lec_status tok_text(const char *text, size_t len, size_t base, tok_cb cb, void *ctx)
{
	tok_stream ts;
	lec_status st;

	if (!cb || (!text && len))
		return LEC_EINVAL;
	tok_stream_init(&ts, cb, ctx);
	tok_stream_feed(&ts, text, len, base);
	st = tok_stream_finish(&ts); /* the sticky status of the whole run */
	return st;
}

/* ------------------------------------------------------------------ */
/* tok_normalize                                                       */

struct norm_buf {
	char *data;
	size_t len, cap;
	int oom;
};

static int norm_append(void *ctx, const tok_token *tok)
{
	struct norm_buf *b = ctx;
	size_t need = b->len + tok->len + 2; /* space + NUL */

	char *p = vec_reserve(b->data, &b->cap, need, 1, need);

	if (!p) {
		b->oom = 1;
		return 1;
	}
	b->data = p;
	if (b->len)
		b->data[b->len++] = ' ';
	memcpy(b->data + b->len, tok->word, tok->len);
	b->len += tok->len;
	b->data[b->len] = '\0';
	return 0;
}

lec_status tok_normalize(const char *text, size_t len, char **out, size_t *outlen)
{
	struct norm_buf b = { NULL, 0, 0, 0 };
	lec_status st;

	if (!out || (!text && len))
		return LEC_EINVAL;
	*out = NULL;
	b.cap = len + 16;
	b.data = malloc(b.cap);
	if (!b.data)
		return LEC_ENOMEM;
	b.data[0] = '\0';
	st = tok_text(text, len, 0, norm_append, &b);
	if (b.oom || (st != LEC_OK && st != LEC_ESTOP)) {
		free(b.data);
		return b.oom ? LEC_ENOMEM : st;
	}
	*out = b.data;
	if (outlen)
		*outlen = b.len;
	return LEC_OK;
}
