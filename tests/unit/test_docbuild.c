/* test_docbuild.c - the index builder's bounds: its stem cache holds at most
 * LEC_STEM_CACHE_WORDS words whatever the vocabulary it sees, and stems
 * right after it starts over. Counts entries, never time. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "docbuild.h"
#include "layout.h"
#include "limits.h"
#include "paths.h"
#include "xap.h"

/* Words of a note, each paragraph of 50 words (so passages stay small). */
#define NOTE_WORDS 8000

static lec_status keep_nothing(void *ctx, xap_doc *doc)
{
	(void)ctx;
	(void)doc;
	return LEC_OK;
}

/* The note of distinct words first .. first + NOTE_WORDS: "qaaaa",
 * "qaaab", ... (letters only, so that each is one word). malloc'd. */
static char *distinct_words(size_t first, size_t *len)
{
	char *text = malloc(NOTE_WORDS * 7 + 1);
	size_t n = 0;
	assert_non_null(text);
	for (size_t i = first; i < first + NOTE_WORDS; i++) {
		char w[6] = { 'q', 0, 0, 0, 0, 0 };
		size_t v = i;
		for (int k = 4; k >= 1; k--, v /= 26)
			w[k] = (char)('a' + v % 26);
		memcpy(text + n, w, 5);
		n += 5;
		text[n++] = (i + 1) % 50 ? ' ' : '\n';
		if ((i + 1) % 50 == 0)
			text[n++] = '\n';
	}
	text[n] = '\0';
	*len = n;
	return text;
}

static void build(struct docbuild *b, const char *text, size_t len, docbuild_sink sink, void *ctx)
{
	struct docbuild_counts counts;
	const char *used = NULL;
	assert_int_equal(docbuild_file(b, "/notes/words.txt", "1/words.txt", text, len, NULL, sink,
				       NULL, ctx, &counts, &used),
			 LEC_OK);
}

static lec_status add_to_db(void *ctx, xap_doc *doc)
{
	return xap_db_add_document(ctx, doc, NULL);
}

static void test_stem_cache_is_bounded(void **state)
{
	(void)state;
	struct docbuild b;
	size_t seen = 0, len;
	assert_int_equal(docbuild_init(&b, NULL), LEC_OK);
	while (seen <= LEC_STEM_CACHE_WORDS + NOTE_WORDS) {
		char *text = distinct_words(seen, &len);
		build(&b, text, len, keep_nothing, NULL);
		free(text);
		seen += NOTE_WORDS;
		assert_true(b.stems.n <= LEC_STEM_CACHE_WORDS);
	}
	/* it started over at least once, and fills again */
	assert_true(b.stems.n > 0);
	assert_true(b.stems.n < seen);

	/* a note built after it started over gets its stems right */
	char dir[] = "/tmp/test_docbuild.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof(path), "%s/db", dir);
	xap_db *db = xap_db_new();
	assert_non_null(db);
	assert_int_equal(xap_db_open(db, path, XAP_OPEN_CREATE), LEC_OK);
	const char note[] = "The workers were running the builds.\n";
	build(&b, note, strlen(note), add_to_db, db);
	int exists = 0;
	assert_int_equal(xap_db_term_exists(db, LEC_PFX_STEM "run", 4, &exists), LEC_OK);
	assert_true(exists);
	assert_int_equal(xap_db_term_exists(db, LEC_PFX_STEM "worker", 7, &exists), LEC_OK);
	assert_true(exists);
	xap_db_free(db);
	assert_int_equal(paths_remove_tree(dir), 0);
	docbuild_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stem_cache_is_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
