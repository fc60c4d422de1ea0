/* fuzz_tokenize.c - the tokenizer (common/tokenize.c) on arbitrary bytes.
 *
 * The input goes through tok_text in one piece, then through a tok_stream fed
 * in two parts split at a point taken from the data (moved back to a UTF-8
 * character start, as the stream API asks), and through tok_normalize. Every
 * word is checked: non-empty, valid UTF-8, NUL-terminated at len, and its
 * source range inside the input with offsets that never go backwards.
 * A broken invariant traps, so libFuzzer reports it as a crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tokenize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BASE 1000u /* a non-zero base catches offsets that forget it */

struct tcheck {
	size_t base, len; /* words must lie in [base, base + len) */
	size_t last_off;
	size_t nwords;
};

/* Nonzero when s[0..n) is well-formed UTF-8 (no overlongs, surrogates or
 * code points past U+10FFFF). */
static int valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		size_t k;
		uint32_t cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			k = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			k = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			k = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (i + k >= n)
			return 0;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += k + 1;
	}
	return 1;
}

static int check_word(void *ctx, const tok_token *t)
{
	struct tcheck *c = ctx;
	if (!t->word || t->len == 0 || t->word[t->len] != '\0')
		__builtin_trap();
	if (t->len > LEC_MAX_WORD_BYTES && !(t->flags & TOK_LONG))
		__builtin_trap();
	if (strlen(t->word) != t->len || !valid_utf8((const unsigned char *)t->word, t->len))
		__builtin_trap();
	if (t->length == 0 || t->offset < c->base || t->offset + t->length > c->base + c->len)
		__builtin_trap();
	if (c->nwords && t->offset < c->last_off)
		__builtin_trap();
	c->last_off = t->offset;
	c->nwords++;
	return 0;
}

/* The stream API wants whole characters per feed: back up to a lead byte. */
static size_t char_start(const uint8_t *data, size_t at)
{
	while (at > 0 && (data[at] & 0xc0) == 0x80)
		at--;
	return at;
}

static void one_shot(const char *text, size_t size)
{
	struct tcheck c = { .base = BASE, .len = size };
	lec_status st = tok_text(text, size, BASE, check_word, &c);
	if (st != LEC_OK && st != LEC_ENOMEM)
		__builtin_trap();
}

static void streamed(const uint8_t *data, size_t size)
{
	struct tcheck c = { .base = BASE, .len = size };
	tok_stream ts;
	size_t cut = size ? char_start(data, data[0] % size) : 0;
	tok_stream_init(&ts, check_word, &c);
	tok_stream_feed(&ts, (const char *)data, cut, BASE);
	/* an odd first byte puts a block break at the cut */
	if (size && (data[0] & 1))
		tok_stream_break(&ts);
	tok_stream_feed(&ts, (const char *)data + cut, size - cut, BASE + cut);
	lec_status st = tok_stream_finish(&ts);
	if (st != LEC_OK && st != LEC_ENOMEM)
		__builtin_trap();
}

static void normalized(const char *text, size_t size)
{
	char *out = NULL;
	size_t outlen = 0;
	if (tok_normalize(text, size, &out, &outlen) != LEC_OK)
		return;
	if (strlen(out) != outlen || !valid_utf8((const unsigned char *)out, outlen))
		__builtin_trap();
	if (outlen && (out[0] == ' ' || out[outlen - 1] == ' ' || strstr(out, "  ")))
		__builtin_trap();
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a private copy: ASan then catches any read past the end */
	char *text = malloc(size ? size : 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	one_shot(text, size);
	streamed((const uint8_t *)text, size);
	normalized(text, size);
	free(text);
	return 0;
}
