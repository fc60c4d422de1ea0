/* fuzz_query.c - the query language (searcher/query*.c) and the matcher
 * (searcher/match.c) on arbitrary query text.
 *
 * Each input is parsed forgiving and strict (and, by its length's parity,
 * as an implicit or a whole phrase), explained, relaxed, turned into a Xapian
 * query, and matched against a fixed passage. Invariants: a strict parse
 * that succeeds means the forgiving one succeeds too; the forgiving parse
 * fails only on limits; explain never fails; every hit lies inside the
 * passage's words. A broken invariant traps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "query.h"
#include "segmap.h"
#include "stem.h"
#include "xap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define CHECK(cond)                       \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

/* Words with stems, phrases, apostrophes, an entity-like run and a second
 * block, so that every kind of query part has something to match. */
static const char passage[] =
	"# Cattle, not pets\n"
	"Werner Vogels said: instances are cattle, not pets. Don't name your "
	"servers; blah blah blah. The 2019 keynote (re:Invent) covered Lambda, "
	"S3 and caf\xc3\xa9 latency at scale \xe6\x9d\xb1\xe4\xba\xac.\n";

static stemmer *st;
static struct match_text words;

static void setup(void)
{
	struct segmap m;
	size_t len = sizeof(passage) - 1;
	size_t head = strchr(passage, '\n') - passage;
	if (stemmer_new("english", &st) != LEC_OK)
		abort();
	segmap_init(&m);
	match_text_init(&words);
	if (segmap_add(&m, 0, head, NULL, 0) || segmap_begin_block(&m) ||
	    segmap_add(&m, head + 1, len - head - 1, NULL, 0) ||
	    segmap_words(&m, passage, len, 0, match_text_add, &words) || words.status)
		abort();
	segmap_release(&m);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setup();
	return 0;
}

static int on_word(void *ctx, const struct qp_word *w)
{
	size_t qlen = *(size_t *)ctx;
	CHECK(w->len > 0 && w->word[w->len] == '\0' && w->stem[w->stem_len] == '\0');
	CHECK(w->off <= qlen && w->srclen <= qlen - w->off);
	return 0;
}

static void use_ast(const qp_ast *ast, size_t qlen)
{
	char *ex = qp_explain(ast);
	CHECK(ex != NULL);
	free(ex);
	CHECK(qp_root(ast) != NULL);
	CHECK(qp_words(ast, on_word, &qlen) == LEC_OK);

	lec_status rc = LEC_OK;
	xap_query *xq = qp_to_xapian(ast, NULL, &rc);
	CHECK((rc == LEC_OK) == (xq != NULL));
	xap_query_free(xq);

	match_query *mq = NULL;
	if (match_query_new(ast, st, &mq) != LEC_OK)
		return;
	struct match_hit *hits = NULL;
	size_t nhits = 0;
	if (match_find(mq, words.words, words.n, &hits, &nhits) == LEC_OK) {
		for (size_t i = 0; i < nhits; i++)
			CHECK(hits[i].first <= hits[i].last && hits[i].last < words.n);
		free(hits);
	}
	size_t *occ = NULL, nocc = 0;
	if (match_phrase_occurrences(mq, words.words, words.n, &occ, &nocc) == LEC_OK) {
		for (size_t i = 0; i < nocc; i++)
			CHECK(occ[i] < words.n && (i == 0 || occ[i] > occ[i - 1]));
		free(occ);
	}
	match_query_free(mq);
}

static lec_status parse(const char *q, size_t len, unsigned flags, qp_ast **ast)
{
	struct qp_error err;
	memset(&err, 0, sizeof(err));
	lec_status rc = qp_parse(q, len, flags, st, ast, &err);
	if (rc != LEC_OK) {
		CHECK(*ast == NULL);
		CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
	}
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *q = malloc(size ? size : 1);
	if (!q)
		return 0;
	memcpy(q, data, size);
	qp_ast *loose = NULL, *strict = NULL, *extra = NULL, *relaxed = NULL;

	lec_status rl = parse(q, size, 0, &loose);
	CHECK(rl == LEC_OK || rl == LEC_ELIMIT || rl == LEC_ENOMEM);
	lec_status rs = parse(q, size, QP_STRICT, &strict);
	CHECK(rs == LEC_OK || rs == LEC_ESYNTAX || rs == LEC_ELIMIT || rs == LEC_ENOMEM);
	CHECK(rs != LEC_OK || rl == LEC_OK);
	unsigned more = size & 1 ? QP_WHOLE_PHRASE : QP_IMPLICIT_PHRASE;
	parse(q, size, more, &extra);

	if (loose) {
		use_ast(loose, size);
		if (qp_relax(loose, &relaxed) == LEC_OK && relaxed) {
			use_ast(relaxed, size);
			qp_free(relaxed);
		}
	}
	if (strict)
		use_ast(strict, size);
	if (extra)
		use_ast(extra, size);
	qp_free(loose);
	qp_free(strict);
	qp_free(extra);
	free(q);
	return 0;
}
