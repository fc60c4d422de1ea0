/* test_stem.c - stemmer_new / stemmer_stem over libstemmer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <sys/stat.h>
#include <stdio.h>

#include "stem.h"
#include "tokenize.h"

static stemmer *new_or_fail(const char *language)
{
	stemmer *st = NULL;

	assert_int_equal(stemmer_new(language, &st), LEC_OK);
	assert_non_null(st);
	return st;
}

static void expect_stem(stemmer *st, const char *word, const char *want)
{
	const char *out = NULL;
	size_t len = 99;

	assert_int_equal(stemmer_stem(st, word, strlen(word), &out, &len), LEC_OK);
	assert_non_null(out);
	if (strcmp(out, want) != 0)
		fail_msg("%s: stem(\"%s\") = \"%s\", want \"%s\"", stemmer_language(st), word, out,
			 want);
	assert_int_equal(len, strlen(want));
}

static void test_english_stems(void **state)
{
	stemmer *st = new_or_fail(STEM_DEFAULT_LANGUAGE);

	(void)state;
	assert_string_equal(stemmer_language(st), "english");
	expect_stem(st, "instances", "instanc");
	expect_stem(st, "instance", "instanc");
	expect_stem(st, "running", "run");
	expect_stem(st, "generously", "generous"); /* Porter2, not Porter */
	expect_stem(st, "connection", "connect");
	expect_stem(st, "pets", "pet");
	expect_stem(st, "dog's", "dog"); /* apostrophes pass through to Snowball */
	expect_stem(st, "don't", "don't");
	stemmer_free(st);
}

static void test_porter_differs(void **state)
{
	stemmer *st = new_or_fail("porter");

	(void)state;
	assert_string_equal(stemmer_language(st), "porter");
	expect_stem(st, "generously", "gener");
	stemmer_free(st);
}

static void test_iso_codes(void **state)
{
	static const char *const pairs[][2] = {
		{ "en", "english" },    { "fr", "french" },     { "de", "german" },
		{ "es", "spanish" },    { "it", "italian" },    { "nl", "dutch" },
		{ "pt", "portuguese" }, { "sv", "swedish" },    { "no", "norwegian" },
		{ "da", "danish" },     { "fi", "finnish" },    { "ru", "russian" },
		{ "hu", "hungarian" },  { "ro", "romanian" },   { "tr", "turkish" },
		{ "EN", "english" },    { "French", "french" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		stemmer *st = new_or_fail(pairs[i][0]);

		assert_string_equal(stemmer_language(st), pairs[i][1]);
		assert_true(stemmer_known(pairs[i][0]));
		assert_true(stemmer_known(pairs[i][1]));
		stemmer_free(st);
	}
}

static void test_other_languages(void **state)
{
	stemmer *st;

	(void)state;
	st = new_or_fail("fr");
	expect_stem(st, "chevaux", "cheval");
	expect_stem(st, "continuellement", "continuel");
	stemmer_free(st);
	st = new_or_fail("russian");
	expect_stem(st, "\xd0\xba\xd0\xbd\xd0\xb8\xd0\xb3\xd0\xb8",
		    "\xd0\xba\xd0\xbd\xd0\xb8\xd0\xb3");
	stemmer_free(st);
	st = new_or_fail("german");
	expect_stem(st, "katzen", "katz");
	stemmer_free(st);
}

static void test_unknown_and_args(void **state)
{
	stemmer *st = (stemmer *)&st; /* must be reset to NULL */
	const char *out;
	size_t len;
	char longname[100];

	(void)state;
	assert_int_equal(stemmer_new("klingon", &st), LEC_ENOTFOUND);
	assert_null(st);
	assert_int_equal(stemmer_new("", &st), LEC_ENOTFOUND);
	memset(longname, 'e', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(stemmer_new(longname, &st), LEC_ENOTFOUND);
	assert_int_equal(stemmer_new(NULL, &st), LEC_EINVAL);
	assert_int_equal(stemmer_new("en", NULL), LEC_EINVAL);
	assert_false(stemmer_known("klingon"));
	assert_false(stemmer_known("nb-NO"));
	assert_false(stemmer_known(NULL));
	assert_true(stemmer_known("english"));
	assert_null(stemmer_language(NULL));
	stemmer_free(NULL);

	st = new_or_fail("en");
	assert_int_equal(stemmer_stem(st, NULL, 3, &out, &len), LEC_EINVAL);
	assert_int_equal(stemmer_stem(st, "x", 1, NULL, &len), LEC_EINVAL);
	assert_int_equal(stemmer_stem(NULL, "x", 1, &out, &len), LEC_EINVAL);
	assert_int_equal(stemmer_stem(st, "", 0, &out, &len), LEC_OK);
	assert_string_equal(out, "");
	assert_int_equal(len, 0);
	stemmer_free(st);
}

static void test_digits_and_cjk_unchanged(void **state)
{
	stemmer *st = new_or_fail("english");

	(void)state;
	expect_stem(st, "mp3s", "mp3s");
	expect_stem(st, "running2", "running2");
	expect_stem(st, "2019", "2019");
	expect_stem(st,
		    "\xd9\xa1"
		    "ings",
		    "\xd9\xa1"
		    "ings");                                 /* Arabic-Indic digit */
	expect_stem(st, "things\xd9\xa1", "things\xd9\xa1"); /* ...after ASCII letters */
	expect_stem(st, "na\xc3\xafve\xd9\xa1", "na\xc3\xafve\xd9\xa1");
	expect_stem(st, "\xe6\xbc\xa2", "\xe6\xbc\xa2");
	expect_stem(st, "\xe3\x82\xab", "\xe3\x82\xab");
	/* a non-ASCII word that is neither still gets stemmed */
	expect_stem(st, "caf\xc3\xa9s", "caf\xc3\xa9");
	stemmer_free(st);
}

/* The result lives in the stemmer: it survives the caller's buffer and is
 * replaced by the next call. */
static void test_result_ownership(void **state)
{
	stemmer *st = new_or_fail("english");
	char word[16];
	const char *out;
	size_t len;

	(void)state;
	strcpy(word, "mp3s");
	assert_int_equal(stemmer_stem(st, word, 4, &out, &len), LEC_OK);
	assert_true(out != word);
	memset(word, 'z', 4);
	assert_string_equal(out, "mp3s");
	/* not NUL-terminated input: only len bytes are read */
	memcpy(word, "runningXXX", 10);
	assert_int_equal(stemmer_stem(st, word, 7, &out, &len), LEC_OK);
	assert_string_equal(out, "run");
	assert_int_equal(len, 3);
	stemmer_free(st);
}

/* stemmer_keeps_first_byte: checked on every word of the notes at hand
 * (corpus/, and tc39-notes when ../shared is there), as the tokenizer gives
 * them, and on the Porter2 exceptions and prelude cases. */
struct first_byte_ctx {
	stemmer *st[2];
	size_t words;
};

static int check_first_byte(void *vctx, const tok_token *tok)
{
	struct first_byte_ctx *c = vctx;
	for (int i = 0; i < 2; i++) {
		const char *out;
		size_t len;
		assert_int_equal(stemmer_stem(c->st[i], tok->word, tok->len, &out, &len), LEC_OK);
		if (tok->word[0] != '\'' && len > 0 && out[0] != tok->word[0])
			fail_msg("%s: stem(\"%s\") = \"%s\"", stemmer_language(c->st[i]), tok->word,
				 out);
	}
	c->words++;
	return 0;
}

static void check_dir(struct first_byte_ctx *c, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char path[4096], *text;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		struct stat sb;
		if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
			continue;
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		if (fseek(f, 0, SEEK_END) == 0) {
			long n = ftell(f);
			rewind(f);
			if (n > 0 && (text = malloc((size_t)n))) {
				if (fread(text, 1, (size_t)n, f) == (size_t)n)
					tok_text(text, (size_t)n, 0, check_first_byte, c);
				free(text);
			}
		}
		fclose(f);
	}
	if (d)
		closedir(d);
}

static void test_keeps_first_byte(void **state)
{
	static const char *const tricky[] = {
		"dying",     "lying",     "tying",   "skies", "skis",   "idly",
		"gently",    "ugly",      "early",   "only",  "singly", "news",
		"howe",      "atlas",     "cosmos",  "bias",  "andes",  "yelling",
		"youth",     "yy",        "y",       "ied",   "ies",    "sses",
		"eed",       "eedly",     "ing",     "ly",    "ation",  "generously",
		"communism", "universal", "arsenal", "past",  "dog's",  "'tis",
	};
	const char *out;
	size_t len;
	struct first_byte_ctx c = { { new_or_fail("english"), new_or_fail("porter") }, 0 };
	stemmer *german = new_or_fail("german"), *indonesian = new_or_fail("indonesian");

	(void)state;
	assert_true(stemmer_keeps_first_byte(c.st[0]));
	assert_true(stemmer_keeps_first_byte(c.st[1]));
	assert_false(stemmer_keeps_first_byte(german));
	assert_false(stemmer_keeps_first_byte(indonesian));
	assert_false(stemmer_keeps_first_byte(NULL));
	expect_stem(german, "\xc3\xa4pfel", "apfel"); /* why german is excluded */
	/* porter can stem a word to nothing: matching turns the filter off for
	 * a query with an empty stem */
	assert_int_equal(stemmer_stem(c.st[1], "s", 1, &out, &len), LEC_OK);
	assert_int_equal(len, 0);
	for (size_t i = 0; i < sizeof(tricky) / sizeof(tricky[0]); i++)
		tok_text(tricky[i], strlen(tricky[i]), 0, check_first_byte, &c);
	check_dir(&c, "corpus");
	check_dir(&c, "../shared/corpora/tc39-notes/meetings");
	DIR *m = opendir("../shared/corpora/tc39-notes/meetings");
	struct dirent *e;
	while (m && (e = readdir(m))) {
		char sub[4096];
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "../shared/corpora/tc39-notes/meetings/%s", e->d_name);
		check_dir(&c, sub);
	}
	if (m)
		closedir(m);
	print_message("# first byte kept in the stems of %zu words\n", c.words);
	assert_true(c.words > 10000);
	stemmer_free(c.st[0]);
	stemmer_free(c.st[1]);
	stemmer_free(german);
	stemmer_free(indonesian);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_english_stems),
		cmocka_unit_test(test_porter_differs),
		cmocka_unit_test(test_iso_codes),
		cmocka_unit_test(test_other_languages),
		cmocka_unit_test(test_unknown_and_args),
		cmocka_unit_test(test_digits_and_cjk_unchanged),
		cmocka_unit_test(test_result_ownership),
		cmocka_unit_test(test_keeps_first_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
