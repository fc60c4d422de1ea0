/* stem.c - Snowball stemming (libstemmer) over tokenizer words.
 *
 * A thin wrapper: it picks the algorithm (Snowball names and ISO 639-1
 * codes), keeps words with digits or CJK characters as they are, and copies
 * each result into memory the stemmer owns, so that the result does not
 * depend on the lifetime of the caller's word. Results are cached per word:
 * the searcher stems every word of each passage it shows, mostly the same
 * few thousand words, and a Snowball run costs far more than a lookup (a
 * daemon's stemmers live as long as it does).
 */
#include "stem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <utf8proc.h>

#include "hmap.h"
#include "limits.h"
#include "tokenize.h"

/* Longest language name we look at; longer names are unknown. */
#define STEM_MAX_NAME 32

struct stemmer {
	struct sb_stemmer *sb;
	const char *language; /* a static string from sb_stemmer_list() */
	char *buf;            /* the last result, NUL-terminated */
	size_t cap;
	struct hmap cache; /* word -> malloc'd NUL-terminated stem */
};

static void cache_release(struct hmap *m)
{
	struct hmap_entry *e;
	for (size_t i = 0; hmap_next(m, &i, &e);)
		free(e->value);
	hmap_release(m);
}

/* ISO 639-1 codes for the Snowball algorithms that have one. */
static const struct {
	const char *iso, *name;
} iso_codes[] = {
	{ "ar", "arabic" },     { "ca", "catalan" },    { "da", "danish" },
	{ "de", "german" },     { "el", "greek" },      { "en", "english" },
	{ "es", "spanish" },    { "eu", "basque" },     { "fi", "finnish" },
	{ "fr", "french" },     { "ga", "irish" },      { "hi", "hindi" },
	{ "hu", "hungarian" },  { "hy", "armenian" },   { "id", "indonesian" },
	{ "it", "italian" },    { "lt", "lithuanian" }, { "ne", "nepali" },
	{ "nl", "dutch" },      { "no", "norwegian" },  { "nb", "norwegian" },
	{ "pt", "portuguese" }, { "ro", "romanian" },   { "ru", "russian" },
	{ "sr", "serbian" },    { "sv", "swedish" },    { "ta", "tamil" },
	{ "tr", "turkish" },    { "yi", "yiddish" },
};

/* Lowercase an ASCII name into buf; 0 if it does not fit. */
static int name_lower(const char *in, char *buf, size_t size)
{
	size_t i;

	for (i = 0; in[i]; i++) {
		if (i + 1 >= size)
			return 0;
		buf[i] = (in[i] >= 'A' && in[i] <= 'Z') ? (char)(in[i] | 0x20) : in[i];
	}
	buf[i] = '\0';
	return 1;
}

/* The canonical algorithm name, a static string from libstemmer, or NULL. */
static const char *canonical_name(const char *language)
{
	char name[STEM_MAX_NAME];
	const char *want = name;
	const char **list;
	size_t i;

	if (!language || !name_lower(language, name, sizeof(name)))
		return NULL;
	for (i = 0; i < sizeof(iso_codes) / sizeof(iso_codes[0]); i++) {
		if (strcmp(name, iso_codes[i].iso) == 0) {
			want = iso_codes[i].name;
			break;
		}
	}
	for (list = sb_stemmer_list(); *list; list++) {
		if (strcmp(*list, want) == 0)
			return *list;
	}
	return NULL;
}

int stemmer_known(const char *language)
{
	return canonical_name(language) != NULL;
}

lec_status stemmer_new(const char *language, stemmer **out)
{
	const char *name;
	stemmer *st;

	if (!out || !language)
		return LEC_EINVAL;
	*out = NULL;
	name = canonical_name(language);
	if (!name)
		return LEC_ENOTFOUND;
	st = calloc(1, sizeof(*st));
	if (!st)
		return LEC_ENOMEM;
	/* NULL here is either out of memory or an unknown name; the name
	 * came from sb_stemmer_list(), so it is memory. */
	st->sb = sb_stemmer_new(name, "UTF_8");
	if (!st->sb) {
		free(st);
		return LEC_ENOMEM;
	}
	st->language = name;
	hmap_init(&st->cache);
	*out = st;
	return LEC_OK;
}

void stemmer_free(stemmer *st)
{
	if (!st)
		return;
	sb_stemmer_delete(st->sb);
	cache_release(&st->cache);
	free(st->buf);
	free(st);
}

const char *stemmer_language(const stemmer *st)
{
	return st ? st->language : NULL;
}

int stemmer_keeps_first_byte(const stemmer *st)
{
	/* Snowball's english.sbl and porter.sbl: suffix steps, a prelude that
	 * only marks y (undone at the end) and drops a leading apostrophe, and
	 * exceptions (skies, dying, gently...) that keep the first letter.
	 * test_stem checks it over the corpus's every word. */
	return st && (!strcmp(st->language, "english") || !strcmp(st->language, "porter"));
}

static int flags_cb(void *ctx, const tok_token *tok)
{
	*(unsigned *)ctx |= tok->flags;
	return 0;
}

/* Nonzero if the word has a digit (N*) or a CJK character: such words are
 * not stemmed. CJK is decided by the tokenizer itself, so that there is
 * one definition of it. */
static int word_keeps(const char *word, size_t len)
{
	const unsigned char *p = (const unsigned char *)word;
	utf8proc_int32_t cp;
	utf8proc_ssize_t n;
	int non_ascii = 0;
	unsigned flags = 0;
	size_t i;

	/* ASCII first, without utf8proc: its only numbers are 0-9 (Nd) */
	for (i = 0; i < len && p[i] < 0x80; i++)
		if (p[i] >= '0' && p[i] <= '9')
			return 1;
	if (i == len)
		return 0;
	for (; i < len; i += (size_t)n) {
		n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0)
			return 1; /* not tokenizer output: leave it alone */
		if (cp >= 0x80)
			non_ascii = 1;
		switch (utf8proc_category(cp)) {
		case UTF8PROC_CATEGORY_ND:
		case UTF8PROC_CATEGORY_NL:
		case UTF8PROC_CATEGORY_NO:
			return 1;
		default:
			break;
		}
	}
	if (!non_ascii)
		return 0;
	tok_text(word, len, 0, flags_cb, &flags);
	return (flags & TOK_CJK) != 0;
}

/* Copy into the stemmer's own buffer, growing it as needed. */
static lec_status keep_result(stemmer *st, const void *s, size_t len)
{
	if (len + 1 > st->cap) {
		size_t cap = len + 1 > 2 * st->cap ? len + 1 : 2 * st->cap;
		char *p = realloc(st->buf, cap);

		if (!p)
			return LEC_ENOMEM;
		st->buf = p;
		st->cap = cap;
	}
	memcpy(st->buf, s, len);
	st->buf[len] = '\0';
	return LEC_OK;
}

lec_status stemmer_stem(stemmer *st, const char *word, size_t len, const char **out,
			size_t *out_len)
{
	const sb_symbol *res;
	size_t rlen;
	lec_status rc;

	if (!st || !out || !out_len || (!word && len) || len > (size_t)INT32_MAX)
		return LEC_EINVAL;
	if (len == 0) {
		res = (const sb_symbol *)"";
		rlen = 0;
	} else if (word_keeps(word, len)) {
		res = (const sb_symbol *)word;
		rlen = len;
	} else {
		struct hmap_entry *e = hmap_get(&st->cache, word, len);
		if (e) {
			*out = e->value;
			*out_len = strlen(e->value);
			return LEC_OK;
		}
		res = sb_stemmer_stem(st->sb, (const sb_symbol *)word, (int)len);
		if (!res)
			return LEC_ENOMEM;
		rlen = (size_t)sb_stemmer_length(st->sb);
		if (st->cache.n >= LEC_STEM_CACHE_WORDS) {
			cache_release(&st->cache);
			hmap_init(&st->cache);
		}
		char *copy = malloc(rlen + 1);
		if (copy) {
			memcpy(copy, res, rlen);
			copy[rlen] = 0;
			if (hmap_put(&st->cache, word, len, &e, NULL) == LEC_OK) {
				e->value = copy;
				*out = copy;
				*out_len = rlen;
				return LEC_OK;
			}
			free(copy);
		}
		/* no memory for the cache: the result still stands */
	}
	rc = keep_result(st, res, rlen);
	if (rc != LEC_OK)
		return rc;
	*out = st->buf;
	*out_len = rlen;
	return LEC_OK;
}
