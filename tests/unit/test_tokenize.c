/* test_tokenize.c - the tokenizer: every rule of tokenize.h, the case table
 * tests/cases/tokenize.cases, streaming, limits, and a random-input loop. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tokenize.h"

#define MAX_TOKS 2048
#define FMT_BYTES 16384

/* ------------------------------------------------------------------ */
/* Collecting and formatting tokens                                    */

struct tok_copy {
	char word[LEC_MAX_WORD_BYTES + 1];
	size_t len, offset, length;
	unsigned flags;
};

struct toks {
	size_t n;
	size_t stop_at; /* return nonzero from the callback at this token (1-based); 0: never */
	int overflow;
	struct tok_copy t[MAX_TOKS];
};

static int collect(void *ctx, const tok_token *tok)
{
	struct toks *g = ctx;
	struct tok_copy *c;

	/* the contract: a NUL-terminated word of len bytes, never empty or longer than the limit */
	assert_non_null(tok->word);
	assert_true(tok->len > 0);
	assert_true(tok->len <= LEC_MAX_WORD_BYTES);
	assert_int_equal(strlen(tok->word), tok->len);
	if (g->n == MAX_TOKS) {
		g->overflow = 1;
		return 1;
	}
	c = &g->t[g->n++];
	memcpy(c->word, tok->word, tok->len + 1);
	c->len = tok->len;
	c->offset = tok->offset;
	c->length = tok->length;
	c->flags = tok->flags;
	return g->stop_at && g->n == g->stop_at;
}

static struct toks *toks_new(void)
{
	struct toks *g = calloc(1, sizeof(*g));

	assert_non_null(g);
	return g;
}

/* "word@off+len[/LCN]" joined by single spaces; `base` is subtracted. */
static void toks_format(const struct toks *g, size_t base, char *out, size_t size)
{
	size_t i, used = 0;

	out[0] = '\0';
	for (i = 0; i < g->n; i++) {
		const struct tok_copy *c = &g->t[i];
		int n = snprintf(out + used, size - used, "%s%s@%zu+%zu%s%s%s%s", i ? " " : "",
				 c->word, c->offset - base, c->length, c->flags ? "/" : "",
				 (c->flags & TOK_LONG) ? "L" : "", (c->flags & TOK_CJK) ? "C" : "",
				 (c->flags & TOK_NUMERIC) ? "N" : "");

		assert_true(n > 0 && (size_t)n < size - used);
		used += (size_t)n;
	}
}

/* Decode the case-table escapes (see tokenize.cases). Returns the length. */
static size_t unescape(const char *in, size_t inlen, char *out, size_t size)
{
	size_t i = 0, o = 0;

	while (i < inlen) {
		unsigned long v;
		char hex[9];
		size_t digits = 0;

		assert_true(o + 4 < size);
		if (in[i] != '\\' || i + 1 >= inlen) {
			out[o++] = in[i++];
			continue;
		}
		switch (in[i + 1]) {
		case '\\':
			out[o++] = '\\';
			i += 2;
			continue;
		case 't':
			out[o++] = '\t';
			i += 2;
			continue;
		case 'n':
			out[o++] = '\n';
			i += 2;
			continue;
		case 'r':
			out[o++] = '\r';
			i += 2;
			continue;
		case 'x':
			digits = 2;
			break;
		case 'u':
			digits = 4;
			break;
		case 'U':
			digits = 8;
			break;
		default:
			fail_msg("bad escape \\%c", in[i + 1]);
			return 0;
		}
		assert_true(i + 2 + digits <= inlen);
		memcpy(hex, in + i + 2, digits);
		hex[digits] = '\0';
		v = strtoul(hex, NULL, 16);
		i += 2 + digits;
		if (digits == 2) {
			out[o++] = (char)v;
		} else if (v < 0x80) {
			out[o++] = (char)v;
		} else if (v < 0x800) {
			out[o++] = (char)(0xC0 | (v >> 6));
			out[o++] = (char)(0x80 | (v & 0x3F));
		} else if (v < 0x10000) {
			out[o++] = (char)(0xE0 | (v >> 12));
			out[o++] = (char)(0x80 | ((v >> 6) & 0x3F));
			out[o++] = (char)(0x80 | (v & 0x3F));
		} else {
			out[o++] = (char)(0xF0 | (v >> 18));
			out[o++] = (char)(0x80 | ((v >> 12) & 0x3F));
			out[o++] = (char)(0x80 | ((v >> 6) & 0x3F));
			out[o++] = (char)(0x80 | (v & 0x3F));
		}
	}
	out[o] = '\0';
	return o;
}

/* Length of the valid UTF-8 character at p, or 0 (independent of the
 * tokenizer's decoder on purpose). */
static size_t utf8_len(const unsigned char *p, size_t len)
{
	unsigned char c = p[0];
	size_t n, i;
	unsigned long v;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2, v = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, v = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, v = c & 0x07;
	else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3F);
	}
	if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
	    (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	return n;
}

static int valid_utf8(const char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		n = utf8_len((const unsigned char *)s + i, len - i);
		if (!n)
			return 0;
		i += n;
	}
	return 1;
}

/* ------------------------------------------------------------------ */
/* Ways to run the tokenizer over one input                            */

static lec_status run_text(const char *s, size_t len, size_t base, struct toks *g)
{
	return tok_text(s, len, base, collect, g);
}

/* One feed per character (an invalid byte is a character of its own);
 * with `repl`, each goes through tok_stream_feed_replacement for its own
 * range, which takes the non-ASCII path for every byte. */
static lec_status run_chars(const char *s, size_t len, size_t base, int repl, struct toks *g)
{
	tok_stream ts;
	size_t i = 0, n;
	lec_status st = LEC_OK;

	tok_stream_init(&ts, collect, g);
	while (i < len && st == LEC_OK) {
		n = utf8_len((const unsigned char *)s + i, len - i);
		if (!n)
			n = 1;
		if (repl)
			st = tok_stream_feed_replacement(&ts, s + i, n, base + i, n);
		else
			st = tok_stream_feed(&ts, s + i, n, base + i);
		i += n;
	}
	if (st != LEC_OK) {
		tok_stream_finish(&ts);
		return st;
	}
	return tok_stream_finish(&ts);
}

/* Tokenize s (C string) and compare with the expected table syntax. */
static void expect_words(const char *s, const char *expected)
{
	static struct toks g_static; /* static: nothing leaks when an assert fails */
	struct toks *g = &g_static;
	char got[FMT_BYTES], want[FMT_BYTES];

	memset(g, 0, sizeof(*g));
	assert_int_equal(run_text(s, strlen(s), 0, g), LEC_OK);
	toks_format(g, 0, got, sizeof(got));
	unescape(expected, strlen(expected), want, sizeof(want));
	if (strcmp(got, want) != 0)
		fail_msg("input \"%s\"\n  want: %s\n  got:  %s", s, want, got);
}

/* All four ways must give the same words and offsets. Returns the
 * formatted one-shot result in out. */
static void run_all_ways(const char *s, size_t len, char *out, size_t size)
{
	struct toks *g = toks_new();
	char other[FMT_BYTES];
	int way;

	assert_int_equal(run_text(s, len, 0, g), LEC_OK);
	assert_false(g->overflow);
	toks_format(g, 0, out, size);
	for (way = 0; way < 3; way++) {
		memset(g, 0, sizeof(*g));
		if (way == 0)
			assert_int_equal(run_chars(s, len, 0, 0, g), LEC_OK);
		else if (way == 1)
			assert_int_equal(run_chars(s, len, 0, 1, g), LEC_OK);
		else
			assert_int_equal(run_text(s, len, 1000, g), LEC_OK);
		toks_format(g, way == 2 ? 1000 : 0, other, sizeof(other));
		if (strcmp(out, other) != 0)
			fail_msg("way %d differs\n  one-shot: %s\n  way %d:    %s", way, out, way,
				 other);
	}
	free(g);
}

/* ------------------------------------------------------------------ */
/* The case table                                                      */

static FILE *open_cases(void)
{
	static const char *const dirs[] = {
		"tests/cases",
		"../tests/cases",
		"../../tests/cases",
		"../../../tests/cases",
	};
	char path[4096];
	const char *env = getenv("LECTERN_CASES_DIR");
	FILE *f;
	size_t i;

	if (env && *env) {
		snprintf(path, sizeof(path), "%s/tokenize.cases", env);
		return fopen(path, "r");
	}
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/tokenize.cases", dirs[i]);
		f = fopen(path, "r");
		if (f)
			return f;
	}
	return NULL;
}

static void test_case_table(void **state)
{
	char line[8192], input[8192], want[FMT_BYTES], got[FMT_BYTES];
	FILE *f = open_cases();
	int lineno = 0, cases = 0, failed = 0;

	(void)state;
	if (!f)
		fail_msg(
			"tokenize.cases not found (run from the repo root or set LECTERN_CASES_DIR)");
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line), inlen;
		char *tab;

		lineno++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		tab = strchr(line, '\t');
		if (tab)
			*tab = '\0';
		inlen = unescape(line, strlen(line), input, sizeof(input));
		unescape(tab ? tab + 1 : "", tab ? strlen(tab + 1) : 0, want, sizeof(want));
		run_all_ways(input, inlen, got, sizeof(got));
		cases++;
		if (strcmp(got, want) != 0) {
			print_error("tokenize.cases:%d: %s\n  want: %s\n  got:  %s\n", lineno, line,
				    want, got);
			failed++;
		}
	}
	fclose(f);
	assert_true(cases >= 100);
	assert_int_equal(failed, 0);
}

/* ------------------------------------------------------------------ */
/* One test per rule                                                   */

static void test_rule1_invalid_utf8(void **state)
{
	(void)state;
	expect_words("ab\xff"
		     "cd",
		     "ab@0+2 cd@3+2"); /* not UTF-8 at all */
	expect_words("ab\xc0\xaf"
		     "cd",
		     "ab@0+2 cd@4+2"); /* overlong '/' */
	expect_words("ab\xe0\x80\xaf"
		     "cd",
		     "ab@0+2 cd@5+2"); /* overlong, 3 bytes */
	expect_words("ab\xe0\x81\x81"
		     "cd",
		     "ab@0+2 cd@5+2"); /* overlong 'A' */
	expect_words("ab\xf0\x80\x81\x81"
		     "cd",
		     "ab@0+2 cd@6+2"); /* overlong 'A', 4 bytes */
	expect_words("ab\xed\xa0\x80"
		     "cd",
		     "ab@0+2 cd@5+2"); /* surrogate D800 */
	expect_words("ab\xf4\x90\x80\x80"
		     "cd",
		     "ab@0+2 cd@6+2"); /* > U+10FFFF */
	expect_words("ab\xe2\x82"
		     "cd",
		     "ab@0+2 cd@4+2"); /* truncated */
	expect_words("ab\x80"
		     "cd",
		     "ab@0+2 cd@3+2"); /* stray continuation */
	/* resync one byte at a time: the byte after a bad lead may start a character */
	expect_words("ab\xe2\xc3\xa9"
		     "cd",
		     "ab@0+2 ecd@3+4");
	expect_words("\xe2\x82", "");
}

static void test_rule2_normalisation(void **state)
{
	(void)state;
	expect_words("\xc3\x87"
		     "elik Celik",
		     "celik@0+6 celik@7+5");
	expect_words("na\xc3\xafve", "naive@0+6");
	expect_words("\xc3\x85ngstr\xc3\xb6m", "angstrom@0+10");
	expect_words("\xef\xac\x81le", "file@0+5"); /* ligature fi */
	expect_words("\xe2\x84\xa2", "tm@0+3");     /* trade mark */
	expect_words("\xef\xbc\xa6\xef\xbd\x95\xef\xbd\x8c\xef\xbd\x8c", "full@0+12");
	expect_words("Stra\xc3\x9f"
		     "e STRASSE",
		     "strasse@0+7 strasse@8+7");
	/* final sigma and sigma fold the same */
	expect_words("\xcf\x82 \xcf\x83 \xce\xa3", "\\u03C3@0+2 \\u03C3@3+2 \\u03C3@6+2");
	/* decomposed input gives the same word as precomposed */
	expect_words("e\xcc\x81t\xc3\xa9", "ete@0+6");
	/* Hangul survives decomposition: NFKC composes it back */
	expect_words("\xed\x95\x9c\xea\xb5\xad", "\\uD55C\\uAD6D@0+6");
}

static void test_rule3_letters_digits(void **state)
{
	(void)state;
	expect_words("\xc2\xbd", "1@0+2/N 2@0+2/N"); /* U+2044 separates */
	expect_words("v8 1st 2019", "v8@0+2 1st@3+3 2019@7+4/N");
	expect_words("11.10.10", "11@0+2/N 10@3+2/N 10@6+2/N");
	expect_words("\xd9\xa1\xd9\xa2", "\\u0661\\u0662@0+4/N"); /* Arabic-Indic digits */
}

static void test_rule4_apostrophes(void **state)
{
	(void)state;
	expect_words("don't", "don't@0+5");
	expect_words("don\xe2\x80\x99t", "don't@0+7"); /* U+2019 */
	expect_words("don\xca\xbct", "don't@0+6");     /* U+02BC, an Lm */
	expect_words("rock'n'roll", "rock'n'roll@0+11");
	expect_words("'quoted'", "quoted@1+6");
	expect_words("dogs'", "dogs@0+4");
	expect_words("don''t", "don@0+3 t@5+1");
	expect_words("'", "");
	expect_words("\xca\xbc"
		     "okina",
		     "okina@2+5");
	expect_words("it's.", "it's@0+4");
}

static void test_rule5_cjk(void **state)
{
	(void)state;
	expect_words("abc\xe6\xbc\xa2\xe5\xad\x97"
		     "def",
		     "abc@0+3 \\u6F22@3+3/C \\u5B57@6+3/C def@9+3");
	expect_words("\xe3\x81\xb2\xe3\x82\xab", "\\u3072@0+3/C \\u30AB@3+3/C");
	expect_words("\xef\xbd\xb6", "\\u30AB@0+3/C"); /* halfwidth katakana */
	expect_words("\xe3\x83\xbb", "");              /* katakana middle dot */
	expect_words("x'\xe6\xbc\xa2's", "x@0+1 \\u6F22@2+3/C s@6+1");
}

static void test_rule6_separators(void **state)
{
	struct toks *a = toks_new(), *b = toks_new();
	char fa[FMT_BYTES], fb[FMT_BYTES];
	const char *comma = "cattle, not pets", *dash = "cattle \xe2\x80\x93 not pets";
	size_t i;

	(void)state;
	assert_int_equal(run_text(comma, strlen(comma), 0, a), LEC_OK);
	assert_int_equal(run_text(dash, strlen(dash), 0, b), LEC_OK);
	assert_int_equal(a->n, 3);
	assert_int_equal(b->n, 3);
	for (i = 0; i < 3; i++)
		assert_string_equal(a->t[i].word, b->t[i].word);
	toks_format(a, 0, fa, sizeof(fa));
	toks_format(b, 0, fb, sizeof(fb));
	assert_string_equal(fa, "cattle@0+6 not@8+3 pets@12+4");
	assert_string_equal(fb, "cattle@0+6 not@11+3 pets@15+4");
	expect_words("re:Invent", "re@0+2 invent@3+6");
	expect_words("re-invent", "re@0+2 invent@3+6");
	expect_words("re invent", "re@0+2 invent@3+6");
	expect_words("the a of", "the@0+3 a@4+1 of@6+2"); /* no stopwords */
	free(a);
	free(b);
}

static void test_rule8_offsets(void **state)
{
	struct toks *g = toks_new();

	(void)state;
	expect_words("\xc3\xa9 cattle", "e@0+2 cattle@3+6");
	expect_words("\xf0\x9f\x98\x80 cattle", "cattle@5+6");
	assert_int_equal(run_text("x \xc3\xa9t\xc3\xa9", 7, 500, g), LEC_OK);
	assert_int_equal(g->n, 2);
	assert_int_equal(g->t[1].offset, 502);
	assert_int_equal(g->t[1].length, 5);
	assert_string_equal(g->t[1].word, "ete");
	free(g);
}

/* ------------------------------------------------------------------ */
/* Streaming                                                           */

static void test_stream_word_across_feeds(void **state)
{
	struct toks *g = toks_new();
	tok_stream ts;

	(void)state;
	tok_stream_init(&ts, collect, g);
	/* "[cat](url)s" with the markup removed: "cat" at 1, "s" at 10 */
	assert_int_equal(tok_stream_feed(&ts, "cat", 3, 1), LEC_OK);
	assert_int_equal(g->n, 0); /* the word may go on */
	assert_int_equal(tok_stream_feed(&ts, "s are", 5, 10), LEC_OK);
	assert_int_equal(tok_stream_finish(&ts), LEC_OK);
	assert_int_equal(g->n, 2);
	assert_string_equal(g->t[0].word, "cats");
	assert_int_equal(g->t[0].offset, 1);
	assert_int_equal(g->t[0].length, 10); /* c at 1 .. s ends at 11 */
	assert_string_equal(g->t[1].word, "are");
	assert_int_equal(g->t[1].offset, 12);
	free(g);
}

static void test_stream_apostrophe_across_feeds(void **state)
{
	struct toks *g = toks_new();
	tok_stream ts;

	(void)state;
	tok_stream_init(&ts, collect, g);
	assert_int_equal(tok_stream_feed(&ts, "don\xe2\x80\x99", 6, 0), LEC_OK);
	assert_int_equal(g->n, 0);
	assert_int_equal(tok_stream_feed(&ts, "t", 1, 6), LEC_OK);
	assert_int_equal(tok_stream_finish(&ts), LEC_OK);
	assert_int_equal(g->n, 1);
	assert_string_equal(g->t[0].word, "don't");
	assert_int_equal(g->t[0].offset, 0);
	assert_int_equal(g->t[0].length, 7);

	/* a pending apostrophe then a break: the word ends before it */
	memset(g, 0, sizeof(*g));
	assert_int_equal(tok_stream_feed(&ts, "dogs'", 5, 0), LEC_OK);
	assert_int_equal(tok_stream_break(&ts), LEC_OK);
	assert_int_equal(tok_stream_feed(&ts, "s", 1, 5), LEC_OK);
	assert_int_equal(tok_stream_finish(&ts), LEC_OK);
	assert_int_equal(g->n, 2);
	assert_string_equal(g->t[0].word, "dogs");
	assert_int_equal(g->t[0].length, 4);
	assert_string_equal(g->t[1].word, "s");
	assert_int_equal(g->t[1].offset, 5);
	free(g);
}

static void test_stream_replacement(void **state)
{
	struct toks *g = toks_new();
	tok_stream ts;

	(void)state;
	/* "caf&eacute;s &amp; more": é stands for source bytes 3..11 */
	tok_stream_init(&ts, collect, g);
	assert_int_equal(tok_stream_feed(&ts, "caf", 3, 0), LEC_OK);
	assert_int_equal(tok_stream_feed_replacement(&ts, "\xc3\xa9", 2, 3, 8), LEC_OK);
	assert_int_equal(tok_stream_feed(&ts, "s ", 2, 11), LEC_OK);
	assert_int_equal(tok_stream_feed_replacement(&ts, "&", 1, 13, 5), LEC_OK);
	assert_int_equal(tok_stream_feed(&ts, " more", 5, 18), LEC_OK);
	assert_int_equal(tok_stream_finish(&ts), LEC_OK);
	assert_int_equal(g->n, 2);
	assert_string_equal(g->t[0].word, "cafes");
	assert_int_equal(g->t[0].offset, 0);
	assert_int_equal(g->t[0].length, 12);
	assert_string_equal(g->t[1].word, "more");
	assert_int_equal(g->t[1].offset, 19);

	/* a replacement that starts a word: "&AElig;on" (AE ligature) */
	memset(g, 0, sizeof(*g));
	assert_int_equal(tok_stream_feed_replacement(&ts, "\xc3\x86", 2, 100, 7), LEC_OK);
	assert_int_equal(tok_stream_feed(&ts, "on", 2, 107), LEC_OK);
	assert_int_equal(tok_stream_finish(&ts), LEC_OK);
	assert_int_equal(g->n, 1);
	assert_string_equal(g->t[0].word, "\xc3\xa6on"); /* æ is a letter; NFKC keeps it */
	assert_int_equal(g->t[0].offset, 100);
	assert_int_equal(g->t[0].length, 9);
	free(g);
}

static void test_stream_break(void **state)
{
	struct toks *g = toks_new();
	tok_stream ts;

	(void)state;
	tok_stream_init(&ts, collect, g);
	assert_int_equal(tok_stream_feed(&ts, "head", 4, 0), LEC_OK);
	assert_int_equal(tok_stream_break(&ts), LEC_OK);
	assert_int_equal(g->n, 1);
	assert_int_equal(tok_stream_break(&ts), LEC_OK); /* nothing to end */
	assert_int_equal(tok_stream_feed(&ts, "ing", 3, 6), LEC_OK);
	assert_int_equal(tok_stream_finish(&ts), LEC_OK);
	assert_int_equal(g->n, 2);
	assert_string_equal(g->t[0].word, "head");
	assert_string_equal(g->t[1].word, "ing");
	assert_int_equal(g->t[1].offset, 6);

	/* after finish the stream is fresh */
	memset(g, 0, sizeof(*g));
	assert_int_equal(tok_stream_feed(&ts, "again", 5, 0), LEC_OK);
	assert_int_equal(tok_stream_finish(&ts), LEC_OK);
	assert_int_equal(g->n, 1);
	assert_int_equal(g->t[0].offset, 0);
	free(g);
}

/* ------------------------------------------------------------------ */
/* Limits, stop, empty                                                 */

static void test_long_word(void **state)
{
	struct toks *g = toks_new();
	char buf[200];

	(void)state;
	memset(buf, 'x', 100);
	memcpy(buf + 100, " ok", 4);
	assert_int_equal(run_text(buf, 103, 0, g), LEC_OK);
	assert_int_equal(g->n, 2);
	assert_int_equal(g->t[0].flags, TOK_LONG);
	assert_int_equal(g->t[0].len, LEC_MAX_WORD_BYTES);
	assert_int_equal(g->t[0].offset, 0);
	assert_int_equal(g->t[0].length, 100);
	assert_string_equal(g->t[1].word, "ok");
	assert_int_equal(g->t[1].flags, 0);

	/* exactly the limit is not long */
	memset(g, 0, sizeof(*g));
	assert_int_equal(run_text(buf, LEC_MAX_WORD_BYTES, 0, g), LEC_OK);
	assert_int_equal(g->n, 1);
	assert_int_equal(g->t[0].flags, 0);
	free(g);
}

/* 50 MB of letters in 64 KiB feeds: one word, reported once, whole range. */
static void test_huge_word(void **state)
{
	static char chunk[1 << 16];
	const size_t total = 50u << 20;
	struct toks *g = toks_new();
	tok_stream ts;
	size_t off;

	(void)state;
	memset(chunk, 'a', sizeof(chunk));
	tok_stream_init(&ts, collect, g);
	for (off = 0; off < total; off += sizeof(chunk))
		assert_int_equal(tok_stream_feed(&ts, chunk, sizeof(chunk), off), LEC_OK);
	assert_int_equal(g->n, 0);
	assert_int_equal(tok_stream_finish(&ts), LEC_OK);
	assert_int_equal(g->n, 1);
	assert_int_equal(g->t[0].flags, TOK_LONG);
	assert_int_equal(g->t[0].len, LEC_MAX_WORD_BYTES);
	assert_int_equal(g->t[0].offset, 0);
	assert_int_equal(g->t[0].length, total);

	/* the non-ASCII path too: 1 MB of "é" */
	{
		size_t n = 1u << 20, i;
		char *s = malloc(n);

		assert_non_null(s);
		for (i = 0; i < n; i += 2)
			memcpy(s + i, "\xc3\xa9", 2);
		memset(g, 0, sizeof(*g));
		assert_int_equal(run_text(s, n, 0, g), LEC_OK);
		assert_int_equal(g->n, 1);
		assert_int_equal(g->t[0].flags, TOK_LONG);
		assert_int_equal(g->t[0].len, LEC_MAX_WORD_BYTES);
		assert_int_equal(g->t[0].length, n);
		free(s);
	}
	free(g);
}

static void test_callback_stop(void **state)
{
	struct toks *g = toks_new();
	tok_stream ts;
	const char *s = "one two three four";

	(void)state;
	g->stop_at = 2;
	assert_int_equal(run_text(s, strlen(s), 0, g), LEC_ESTOP);
	assert_int_equal(g->n, 2);
	assert_string_equal(g->t[1].word, "two");

	/* sticky: later feeds and finish say ESTOP and report nothing */
	memset(g, 0, sizeof(*g));
	g->stop_at = 1;
	tok_stream_init(&ts, collect, g);
	assert_int_equal(tok_stream_feed(&ts, "one two", 7, 0), LEC_ESTOP);
	assert_int_equal(tok_stream_feed(&ts, " three", 6, 7), LEC_ESTOP);
	assert_int_equal(tok_stream_break(&ts), LEC_ESTOP);
	assert_int_equal(tok_stream_finish(&ts), LEC_ESTOP);
	assert_int_equal(g->n, 1);
	free(g);
}

static void test_empty_and_args(void **state)
{
	struct toks *g = toks_new();
	char *out = NULL;
	size_t outlen = 99;

	(void)state;
	assert_int_equal(run_text("", 0, 0, g), LEC_OK);
	assert_int_equal(run_text(NULL, 0, 0, g), LEC_OK);
	assert_int_equal(run_text(" ,.-- \t\n", 8, 0, g), LEC_OK);
	assert_int_equal(g->n, 0);
	assert_int_equal(tok_text(NULL, 3, 0, collect, g), LEC_EINVAL);
	assert_int_equal(tok_text("abc", 3, 0, NULL, NULL), LEC_EINVAL);
	assert_int_equal(tok_normalize("", 0, &out, &outlen), LEC_OK);
	assert_string_equal(out, "");
	assert_int_equal(outlen, 0);
	free(out);
	free(g);
}

static void test_normalize(void **state)
{
	char *out = NULL;
	size_t len = 0;
	const char *in = "  Jordan  Harband, \xc3\x87"
			 "elik \xe2\x80\x94 O\xe2\x80\x99"
			 "Brien ";

	(void)state;
	assert_int_equal(tok_normalize(in, strlen(in), &out, &len), LEC_OK);
	assert_string_equal(out, "jordan harband celik o'brien");
	assert_int_equal(len, strlen(out));
	free(out);
	assert_int_equal(tok_normalize("\xe6\xbc\xa2\xe5\xad\x97", 6, &out, NULL), LEC_OK);
	assert_string_equal(out, "\xe6\xbc\xa2 \xe5\xad\x97");
	free(out);
	assert_int_equal(tok_normalize(NULL, 1, &out, NULL), LEC_EINVAL);
}

/* ------------------------------------------------------------------ */
/* Fast path against slow path, random input                           */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint32_t rng(void)
{
	/* xorshift64*: fixed seed, same sequence everywhere */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32);
}

static void test_fast_equals_slow_ascii(void **state)
{
	static const char alphabet[] = "aZ9' .,-_\t\n'\"!Az0xQ";
	char s[128], fast[FMT_BYTES];
	int iter;
	size_t i, len;
	unsigned c;

	(void)state;
	/* every ASCII byte alone and between letters */
	for (c = 0; c < 128; c++) {
		s[0] = 'a';
		s[1] = (char)c;
		s[2] = 'b';
		run_all_ways(s + 1, 1, fast, sizeof(fast));
		run_all_ways(s, 3, fast, sizeof(fast));
	}
	for (iter = 0; iter < 5000; iter++) {
		len = rng() % 100;
		for (i = 0; i < len; i++)
			s[i] = (rng() & 1) ? alphabet[rng() % (sizeof(alphabet) - 1)] :
					     (char)(rng() % 128);
		run_all_ways(s, len, fast, sizeof(fast));
	}
}

/* A repo text file through both paths (the one-shot text runs the fast path). */
static void test_fast_equals_slow_corpus(void **state)
{
	static const char *const paths[] = {
		"corpus/2019-reinvent-vogels-keynote.txt",
		"../corpus/2019-reinvent-vogels-keynote.txt",
		"../../corpus/2019-reinvent-vogels-keynote.txt",
	};
	char *buf;
	size_t n = 0, i, off = 0;
	FILE *f = NULL;

	(void)state;
	for (i = 0; i < 3 && !f; i++)
		f = fopen(paths[i], "rb");
	if (!f)
		fail_msg("corpus/2019-reinvent-vogels-keynote.txt not found");
	buf = malloc(1 << 20);
	assert_non_null(buf);
	n = fread(buf, 1, 1 << 20, f);
	fclose(f);
	assert_true(n > 1000);
	/* in slices small enough for MAX_TOKS, cut at newlines */
	while (off < n) {
		size_t end = off + 1500 < n ? off + 1500 : n;
		char x[FMT_BYTES];

		while (end < n && buf[end] != ' ' && buf[end] != '\n')
			end++;
		run_all_ways(buf + off, end - off, x, sizeof(x));
		off = end;
	}
	free(buf);
}

/* Bytes that make interesting input: ASCII, apostrophes, lead and
 * continuation bytes, and whole characters of each class. */
static size_t random_piece(char *p)
{
	static const char *const pieces[] = {
		"a",
		"Z",
		"7",
		"'",
		" ",
		".",
		"\xe2\x80\x99",
		"\xca\xbc",
		"\xc3\xa9",
		"\xcc\x81",
		"\xe6\xbc\xa2",
		"\xef\xbd\xb6",
		"\xc2\xbd",
		"\xef\xac\x81",
		"\xe1\x84\x80",
		"\xe1\x85\xa1",
		"\xe1\x86\xa8",
		"\xed\x95\x9c",
		"\xc3\x9f",
		"\xcf\x82",
		"\xf0\x9f\x98\x80",
		"\xef\xb7\xba",
		"\xe3\x8c\x80",
		"\xe2\x85\xab",
	};
	unsigned r = rng() % 10;

	if (r < 3) {
		p[0] = (char)(rng() & 0xFF); /* any byte */
		return 1;
	}
	r = rng() % (sizeof(pieces) / sizeof(pieces[0]));
	memcpy(p, pieces[r], strlen(pieces[r]));
	return strlen(pieces[r]);
}

static void check_invariants(const struct toks *g, size_t base, size_t len)
{
	size_t i, prev_off = base, prev_end = base;

	for (i = 0; i < g->n; i++) {
		const struct tok_copy *c = &g->t[i];

		assert_true(c->len > 0);
		assert_true(valid_utf8(c->word, c->len));
		assert_true(c->length > 0);
		assert_true(c->offset >= base);
		assert_true(c->offset + c->length <= base + len);
		/* characters that give several words (1/2) share a range */
		assert_true(c->offset >= prev_off);
		assert_true(c->offset + c->length >= prev_end);
		prev_off = c->offset;
		prev_end = c->offset + c->length;
	}
}

/* A word, tokenized again, is itself: the normalisation is idempotent. */
static void check_idempotent(const struct toks *g)
{
	struct toks *again = toks_new();
	size_t i;

	for (i = 0; i < g->n; i++) {
		const struct tok_copy *c = &g->t[i];

		if (c->flags & TOK_LONG)
			continue;
		memset(again, 0, sizeof(*again));
		assert_int_equal(run_text(c->word, c->len, 0, again), LEC_OK);
		if (again->n != 1 || strcmp(again->t[0].word, c->word) != 0)
			fail_msg("word \"%s\" does not tokenize to itself", c->word);
		assert_int_equal(again->t[0].flags, c->flags);
	}
	free(again);
}

static void test_fuzz(void **state)
{
	char s[400], fmt[FMT_BYTES];
	struct toks *g = toks_new();
	int iter;

	(void)state;
	for (iter = 0; iter < 20000; iter++) {
		size_t len = 0, pieces = rng() % 40, base = rng() % 1000;

		while (pieces--)
			len += random_piece(s + len);
		memset(g, 0, sizeof(*g));
		assert_int_equal(run_text(s, len, base, g), LEC_OK);
		assert_false(g->overflow);
		check_invariants(g, base, len);
		if (iter % 4 == 0) {
			run_all_ways(s, len, fmt, sizeof(fmt));
			check_idempotent(g);
		}
	}
	free(g);
}

/* Random code points of the whole range, valid UTF-8: words re-tokenize
 * to themselves. */
static void test_fuzz_codepoints(void **state)
{
	char s[400], fmt[FMT_BYTES];
	struct toks *g = toks_new();
	int iter;

	(void)state;
	for (iter = 0; iter < 3000; iter++) {
		size_t len = 0, n = rng() % 30;

		while (n--) {
			uint32_t cp = rng() % 4 ? rng() % 0x3400 : rng() % 0x30000;
			char tmp[16];
			size_t l;

			if (cp >= 0xD800 && cp <= 0xDFFF)
				cp = 'q';
			snprintf(tmp, sizeof(tmp), cp > 0xFFFF ? "\\U%08X" : "\\u%04X", cp);
			l = unescape(tmp, strlen(tmp), s + len, sizeof(s) - len);
			len += l;
		}
		memset(g, 0, sizeof(*g));
		assert_int_equal(run_text(s, len, 0, g), LEC_OK);
		check_invariants(g, 0, len);
		check_idempotent(g);
		run_all_ways(s, len, fmt, sizeof(fmt));
	}
	free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case_table),
		cmocka_unit_test(test_rule1_invalid_utf8),
		cmocka_unit_test(test_rule2_normalisation),
		cmocka_unit_test(test_rule3_letters_digits),
		cmocka_unit_test(test_rule4_apostrophes),
		cmocka_unit_test(test_rule5_cjk),
		cmocka_unit_test(test_rule6_separators),
		cmocka_unit_test(test_rule8_offsets),
		cmocka_unit_test(test_stream_word_across_feeds),
		cmocka_unit_test(test_stream_apostrophe_across_feeds),
		cmocka_unit_test(test_stream_replacement),
		cmocka_unit_test(test_stream_break),
		cmocka_unit_test(test_long_word),
		cmocka_unit_test(test_huge_word),
		cmocka_unit_test(test_callback_stop),
		cmocka_unit_test(test_empty_and_args),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_fast_equals_slow_ascii),
		cmocka_unit_test(test_fast_equals_slow_corpus),
		cmocka_unit_test(test_fuzz),
		cmocka_unit_test(test_fuzz_codepoints),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
