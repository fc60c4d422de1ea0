/* test_match.c - locating a query in a passage's words (searcher/match.c):
 * phrases (overlapping), stems, wildcards, NEAR windows, negation and fields
 * not highlighted, quote and apostrophe styles, block boundaries, the
 * one-phrase occurrence list, and a cross-check against Xapian itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "layout.h"
#include "limits.h"
#include "match.h"
#include "query.h"
#include "stem.h"
#include "tokenize.h"
#include "xap.h"

static stemmer *english;

static int setup(void **state)
{
	(void)state;
	return stemmer_new("english", &english) == LEC_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	stemmer_free(english);
	return 0;
}

/* Positioned words of one block, as segmap_words gives them. */
struct block_ctx {
	struct match_text *mt;
	uint32_t pos, block;
};

static int on_token(void *ctx, const tok_token *t)
{
	struct block_ctx *b = ctx;
	struct seg_word w = {
		.word = t->word,
		.len = t->len,
		.pos = ++b->pos,
		.off = t->offset,
		.srclen = t->length,
		.flags = t->flags,
		.block = b->block,
	};
	return match_text_add(b->mt, &w);
}

/* The words of `text` as the searcher gets them (docs/index-layout.md):
 * blocks separated by '|' (which the text itself never holds), positions
 * from 1, +LEC_BLOCK_POSITION_GAP between blocks. Built with the tokenizer
 * here so that these tests do not depend on segmap.c. */
static void passage(const char *text, struct match_text *mt)
{
	struct block_ctx b = { .mt = mt };
	size_t len = strlen(text), start = 0;

	match_text_clear(mt);
	for (size_t i = 0; i <= len; i++) {
		if (i < len && text[i] != '|')
			continue;
		if (start)
			b.pos += LEC_BLOCK_POSITION_GAP;
		assert_int_equal(tok_text(text + start, i - start, start, on_token, &b), LEC_OK);
		b.block++;
		start = i + 1;
	}
	assert_int_equal(mt->status, LEC_OK);
}

static match_query *compile(const char *q, qp_ast **ast)
{
	match_query *mq;

	assert_int_equal(qp_parse(q, strlen(q), 0, english, ast, NULL), LEC_OK);
	assert_int_equal(match_query_new(*ast, english, &mq), LEC_OK);
	return mq;
}

/* Hits as "FIRST[-LAST]KIND ..." with kinds W (word), P (phrase),
 * * (wildcard), N (near). */
static void format_hits(const struct match_hit *h, size_t n, char *out, size_t size)
{
	static const char kinds[] = {
		[MATCH_WORD] = 'W', [MATCH_PHRASE] = 'P', [MATCH_WILDCARD] = '*', [MATCH_NEAR] = 'N'
	};
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && used < size; i++) {
		if (h[i].first == h[i].last)
			used += (size_t)snprintf(out + used, size - used, "%s%zu%c", i ? " " : "",
						 h[i].first, kinds[h[i].kind]);
		else
			used += (size_t)snprintf(out + used, size - used, "%s%zu-%zu%c",
						 i ? " " : "", h[i].first, h[i].last,
						 kinds[h[i].kind]);
	}
}

static void expect_hits(const char *query, const char *text, const char *want)
{
	struct match_text mt;
	struct match_hit *hits;
	size_t n;
	qp_ast *ast;
	match_query *mq = compile(query, &ast);
	char got[1024];

	match_text_init(&mt);
	passage(text, &mt);
	assert_int_equal(match_find(mq, mt.words, mt.n, &hits, &n), LEC_OK);
	format_hits(hits, n, got, sizeof(got));
	if (strcmp(got, want) != 0)
		fail_msg("query %s in \"%s\": want \"%s\", got \"%s\"", query, text, want, got);
	free(hits);
	match_query_free(mq);
	qp_free(ast);
	match_text_release(&mt);
}

static void test_phrases_overlap(void **state)
{
	(void)state;
	expect_hits("\"blah blah\"", "blah blah blah", "0-1P 1-2P");
	expect_hits("\"blah blah blah\"", "Blah, blah. Blah blah!", "0-2P 1-3P");
	expect_hits("\"cattle not pets\"", "Treat servers as cattle, not pets.", "3-5P");
	expect_hits("\"cattle not pets\"", "cattle are not pets", "");
	/* a one-word phrase is the exact word, not its stem */
	expect_hits("\"pets\"", "pet pets petting", "1P");
	/* a bare word split by the tokenizer is a phrase */
	expect_hits("re-invent", "At re:Invent, reinvent re invent", "1-2P 4-5P");
}

static void test_stems(void **state)
{
	(void)state;
	expect_hits("instances", "An instance, many Instances; instanced installers", "1W 3W 4W");
	expect_hits("running", "run runs running runner ran", "0W 1W 2W");
	expect_hits("cattle pets", "pets are not cattle, pet", "0W 3W 4W");
	expect_hits("cattle OR pets", "cattle pets", "0W 1W");
}

static void test_wildcards(void **state)
{
	(void)state;
	expect_hits("rein*", "Reinvent re:Invent reinventing rein REIN", "0* 3* 4* 5*");
	expect_hits("title:rein*", "reinvent", "");
	/* a* is just the word a */
	expect_hits("a*", "a ab", "0W");
}

static void test_near(void **state)
{
	const char *text = "cattle are not pets and pets are not cattle";

	(void)state;
	/* |pos(a) - pos(b)| <= n */
	expect_hits("cattle NEAR/2 pets", text, "");
	expect_hits("cattle NEAR/3 pets", text, "0N 3N 5N 8N");
	expect_hits("pets NEAR/3 cattle", text, "0N 3N 5N 8N");
	expect_hits("cattle NEAR/5 pets", text, "0N 3N 5N 8N");
	expect_hits("cattle NEAR/1 pets", "cattle pets x cattle", "0N 1N");
	/* three words: all within max - min <= n + 1 */
	expect_hits("a NEAR/1 b NEAR/1 c", "a b c x a x b x c", "0N 1N 2N");
	expect_hits("a NEAR/2 b NEAR/2 c", "a x b c", "0N 2N 3N");
	expect_hits("a NEAR/2 b NEAR/2 c", "a x x b c", "");
	/* NEAR never crosses blocks: positions hold the block gap */
	expect_hits("cattle NEAR/64 pets", "cattle|pets", "");
}

static void test_negation_and_fields_do_not_highlight(void **state)
{
	(void)state;
	expect_hits("cattle -pets", "cattle not pets", "0W");
	expect_hits("cattle NOT \"not pets\"", "cattle not pets", "0W");
	expect_hits("-cattle", "cattle", "");
	expect_hits("title:cattle speaker:pets tag:cattle year:2015 path:pets", "cattle pets", "");
	expect_hits("cattle date:2019..", "cattle", "0W");
}

static void test_quotes_and_apostrophes(void **state)
{
	(void)state;
	expect_hits("don\xe2\x80\x99t", "I don't know", "1W");
	expect_hits("don't", "I Don\xe2\x80\x99t know", "1W");
	expect_hits("\"don't know\"", "I Don\xe2\x80\x99t know", "1-2P");
	expect_hits("\xe2\x80\x9c"
		    "don\xe2\x80\x99t know\xe2\x80\x9d",
		    "I don't KNOW", "1-2P");
	expect_hits("\xe2\x80\x9c"
		    "don\xe2\x80\x99t know\xe2\x80\x9d",
		    "I don t know", "");
	expect_hits("\"cattle, not pets\"", "cattle \xe2\x80\x93 not \xe2\x80\x9cpets\xe2\x80\x9d",
		    "0-2P");
}

static void test_blocks(void **state)
{
	(void)state;
	expect_hits("\"not pets\"", "cattle not|pets matter", "");
	expect_hits("\"cattle not\"", "cattle not|pets matter", "0-1P");
	expect_hits("\"pets matter\"", "cattle not|pets matter", "2-3P");
}

static void test_order_and_duplicates(void **state)
{
	(void)state;
	/* sorted by (first, last, kind); a word hit and a phrase hit both kept */
	expect_hits("pets \"cattle not\" cattle", "cattle not pets", "0W 0-1P 2W");
	/* the same span from two parts is reported once per kind */
	expect_hits("cattle OR cattles", "cattle", "0W");
	expect_hits("\"cattle\" \"cattle\"", "cattle", "0P");
}

static void test_long_words_match_nothing(void **state)
{
	char text[200];

	(void)state;
	memset(text, 'x', 80);
	strcpy(text + 80, " xx");
	/* the 80-x word is reported truncated, with TOK_LONG: not a term */
	expect_hits("xx*", text, "1*");
}

static void test_empty(void **state)
{
	qp_ast *ast;
	match_query *mq = compile("cattle", &ast);
	struct match_hit *hits = (struct match_hit *)&hits;
	size_t n = 7;

	(void)state;
	assert_int_equal(match_find(mq, NULL, 0, &hits, &n), LEC_OK);
	assert_null(hits);
	assert_int_equal(n, 0);
	assert_int_equal(match_find(NULL, NULL, 0, &hits, &n), LEC_EINVAL);
	match_query_free(mq);
	qp_free(ast);
	expect_hits("", "cattle", "");
	expect_hits("cattle", "", "");
	match_query_free(NULL);
}

/* ---- match_phrase_occurrences ------------------------------------------ */

static lec_status occurrences(const char *query, const char *text, char *out, size_t size)
{
	struct match_text mt;
	qp_ast *ast;
	match_query *mq = compile(query, &ast);
	size_t *starts, n, used = 0;
	lec_status st;

	match_text_init(&mt);
	passage(text, &mt);
	out[0] = '\0';
	st = match_phrase_occurrences(mq, mt.words, mt.n, &starts, &n);
	for (size_t i = 0; st == LEC_OK && i < n; i++)
		used += (size_t)snprintf(out + used, size - used, "%s%zu@%u", i ? " " : "",
					 starts[i], mt.words[starts[i]].pos);
	if (st == LEC_OK)
		free(starts);
	match_query_free(mq);
	qp_free(ast);
	match_text_release(&mt);
	return st;
}

static void expect_occurrences(const char *query, const char *text, const char *want)
{
	char got[512];

	assert_int_equal(occurrences(query, text, got, sizeof(got)), LEC_OK);
	assert_string_equal(got, want);
}

static void test_occurrences(void **state)
{
	char got[64];

	(void)state;
	/* index@position of every start */
	char want[64];
	/* the second block's words start after the gap */
	snprintf(want, sizeof(want), "0@1 1@2 3@%d", 4 + LEC_BLOCK_POSITION_GAP);
	expect_occurrences("\"blah blah\"", "blah blah blah|blah blah", want);
	snprintf(want, sizeof(want), "0@1 2@%d", 3 + LEC_BLOCK_POSITION_GAP);
	expect_occurrences("instances", "instance x|Instances", want);
	snprintf(want, sizeof(want), "0@1 3@%d", 4 + LEC_BLOCK_POSITION_GAP);
	expect_occurrences("\"cattle, not pets\"", "cattle not pets|cattle, not pets", want);
	expect_occurrences("re-invent", "re:Invent x re-invent", "0@1 3@4");
	expect_occurrences("\"cattle\" year:2015 tag:aws", "cattle cattles cattle", "0@1 2@3");
	expect_occurrences("cattle (year:2012 OR year:2015)", "cattle", "0@1");
	expect_occurrences("\"x\"", "", "");
	/* anything but one phrase or one word */
	assert_int_equal(occurrences("a b", "a b", got, sizeof(got)), LEC_EINVAL);
	assert_int_equal(occurrences("a OR b", "a b", got, sizeof(got)), LEC_EINVAL);
	assert_int_equal(occurrences("title:a", "a", got, sizeof(got)), LEC_EINVAL);
	assert_int_equal(occurrences("-a", "a", got, sizeof(got)), LEC_EINVAL);
	assert_int_equal(occurrences("a*", "a", got, sizeof(got)), LEC_OK);
	assert_int_equal(occurrences("ab*", "ab", got, sizeof(got)), LEC_EINVAL);
	assert_int_equal(occurrences("a NEAR b", "a b", got, sizeof(got)), LEC_EINVAL);
	assert_int_equal(occurrences("year:2015", "a", got, sizeof(got)), LEC_EINVAL);
}

/* The words' bytes live in blocks that never move: many words, a word
 * larger than a block, and reuse after a clear keep every earlier word. */
static void test_text_blocks(void **state)
{
	struct match_text mt;
	size_t big = 20000;
	char *huge = malloc(big + 1);

	(void)state;
	assert_non_null(huge);
	memset(huge, 'h', big);
	huge[big] = 0;
	match_text_init(&mt);
	for (int round = 0; round < 3; round++) {
		match_text_clear(&mt);
		for (size_t i = 0; i < 5000; i++) {
			char word[32];
			struct seg_word w = { .word = word, .pos = (uint32_t)i + 1 };
			if (i == 1234 || (round == 2 && i == 7))
				w.word = huge;
			else
				snprintf(word, sizeof(word), "w%zu-%d", i, round);
			w.len = strlen(w.word);
			assert_int_equal(match_text_add(&mt, &w), 0);
		}
		assert_int_equal(mt.n, 5000);
		for (size_t i = 0; i < 5000; i++) {
			char want[32];
			if (i == 1234 || (round == 2 && i == 7)) {
				assert_int_equal(strlen(mt.words[i].word), big);
				continue;
			}
			snprintf(want, sizeof(want), "w%zu-%d", i, round);
			assert_string_equal(mt.words[i].word, want);
		}
	}
	match_text_release(&mt);
	free(huge);
}

static void test_text_copies_words(void **state)
{
	struct match_text mt;

	(void)state;
	match_text_init(&mt);
	passage("Cattle|not pets", &mt);
	assert_int_equal(mt.n, 3);
	assert_string_equal(mt.words[0].word, "cattle");
	assert_string_equal(mt.words[2].word, "pets");
	assert_int_equal(mt.words[1].pos, 2 + LEC_BLOCK_POSITION_GAP);
	assert_int_equal(mt.words[1].block, 1);
	assert_int_equal(mt.words[2].off, 11);
	assert_int_equal(mt.words[2].srclen, 4);
	/* reuse for the next passage */
	passage("x", &mt);
	assert_int_equal(mt.n, 1);
	match_text_release(&mt);
}

/* ---- the matcher agrees with Xapian ------------------------------------ */

static const char *const vocab[] = { "cattle", "pets", "not", "cattles", "pet", "a", "b" };
#define NVOCAB (sizeof(vocab) / sizeof(*vocab))
#define NDOCS 150

/* A random passage of the vocabulary, with block breaks. */
static void random_text(unsigned *seed, char *out, size_t size)
{
	size_t used = 0;
	int n = 1 + (int)(rand_r(seed) % 14);

	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		const char *sep = i == 0 ? "" : rand_r(seed) % 8 == 0 ? "|" : " ";
		used += (size_t)snprintf(out + used, size - used, "%s%s", sep,
					 vocab[rand_r(seed) % NVOCAB]);
	}
}

/* Index the passage the way the indexer does: words with positions,
 * Z + stem without. */
static void index_text(xap_db *db, const struct match_text *mt)
{
	xap_doc *doc = xap_doc_new();
	char term[LEC_MAX_TERM_BYTES + 2];
	const char *s;
	size_t slen;

	assert_non_null(doc);
	for (size_t i = 0; i < mt->n; i++) {
		const struct seg_word *w = &mt->words[i];
		xap_doc_add_posting(doc, w->word, w->len, w->pos, 1);
		assert_int_equal(stemmer_stem(english, w->word, w->len, &s, &slen), LEC_OK);
		term[0] = 'Z';
		memcpy(term + 1, s, slen);
		xap_doc_add_term(doc, term, slen + 1, 1);
	}
	assert_int_equal(xap_db_add_document(db, doc, NULL), LEC_OK);
	xap_doc_free(doc);
}

static void cross_check(xap_db *db, struct match_text *texts, const char *query)
{
	qp_ast *ast;
	match_query *mq = compile(query, &ast);
	lec_status rc = LEC_OK;
	xap_query *q = qp_to_xapian(ast, NULL, &rc);
	struct xap_search_opts o;
	xap_mset *ms;
	char found[NDOCS + 1];

	assert_int_equal(rc, LEC_OK);
	xap_search_opts_init(&o);
	o.limit = NDOCS + 1;
	o.sort_by_docid = 1;
	assert_int_equal(xap_db_search(db, q, &o, &ms), LEC_OK);
	memset(found, 0, sizeof(found));
	for (uint32_t i = 0; i < xap_mset_size(ms); i++)
		found[xap_mset_docid(ms, i) - 1] = 1;
	for (size_t d = 0; d < NDOCS; d++) {
		struct match_hit *hits;
		size_t n;

		assert_int_equal(match_find(mq, texts[d].words, texts[d].n, &hits, &n), LEC_OK);
		free(hits);
		if ((n > 0) != found[d]) {
			char text[512] = "";
			for (size_t i = 0; i < texts[d].n; i++)
				snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s@%u ",
					 texts[d].words[i].word, texts[d].words[i].pos);
			fail_msg("%s: Xapian says %d, match says %zu hits, in %s", query, found[d],
				 n, text);
		}
	}
	xap_mset_free(ms);
	xap_query_free(q);
	match_query_free(mq);
	qp_free(ast);
}

static void test_agrees_with_xapian(void **state)
{
	static const char *const queries[] = {
		"cattle",
		"pets",
		"\"cattle pets\"",
		"\"pets pets\"",
		"\"cattle not pets\"",
		"\"cattle\"",
		"cattle NEAR/1 pets",
		"cattle NEAR/2 pets",
		"cattle NEAR/3 pets",
		"a NEAR/1 b NEAR/1 cattle",
		"a NEAR/2 b NEAR/2 pets",
		"not NEAR/4 cattle",
		"cattl*",
		"pe*",
		"a OR b",
		"\"a b\" OR \"b a\"",
	};
	char dir[] = "/tmp/lectern-test-match-XXXXXX";
	char text[512];
	struct match_text *texts = calloc(NDOCS, sizeof(*texts));
	xap_db *db = xap_db_new();
	unsigned seed = 4242;

	(void)state;
	assert_non_null(texts);
	assert_non_null(db);
	assert_non_null(mkdtemp(dir));
	assert_int_equal(xap_db_open(db, dir, XAP_OPEN_OVERWRITE), LEC_OK);
	for (size_t d = 0; d < NDOCS; d++) {
		random_text(&seed, text, sizeof(text));
		match_text_init(&texts[d]);
		passage(text, &texts[d]);
		index_text(db, &texts[d]);
	}
	assert_int_equal(xap_db_commit(db), LEC_OK);
	for (size_t i = 0; i < sizeof(queries) / sizeof(*queries); i++)
		cross_check(db, texts, queries[i]);
	for (size_t d = 0; d < NDOCS; d++)
		match_text_release(&texts[d]);
	free(texts);
	xap_db_free(db);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phrases_overlap),
		cmocka_unit_test(test_stems),
		cmocka_unit_test(test_wildcards),
		cmocka_unit_test(test_near),
		cmocka_unit_test(test_negation_and_fields_do_not_highlight),
		cmocka_unit_test(test_quotes_and_apostrophes),
		cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_order_and_duplicates),
		cmocka_unit_test(test_long_words_match_nothing),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_occurrences),
		cmocka_unit_test(test_text_copies_words),
		cmocka_unit_test(test_text_blocks),
		cmocka_unit_test(test_agrees_with_xapian),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
