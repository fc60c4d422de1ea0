/* query-words.c - the query parser's words: a run of text or a quoted phrase
 * made into word, wildcard and phrase nodes through the tokenizer, so that
 * a query's words are the index's. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "layout.h"
#include "limits.h"
#include "query-parser.h"
#include "tokenize.h"
#include "vec.h"

static int word_cb(void *ctx, const tok_token *tok)
{
	struct parser *p = ctx;
	struct qp_word *w;
	const char *stem = tok->word;
	size_t slen = tok->len;

	if (++p->nterms > LEC_MAX_QUERY_TERMS) {
		qp_fail(p, LEC_ELIMIT, SIZE_MAX, "query has more than %d terms",
			LEC_MAX_QUERY_TERMS);
		return 1;
	}
	struct qp_word *v = vec_reserve(p->wv, &p->wcap, p->wn + 1, sizeof(*v), 16);

	if (!v)
		goto oom;
	p->wv = v;
	if (tok->flags & TOK_LONG)
		p->wlong = 1;
	if (p->st && stemmer_stem(p->st, tok->word, tok->len, &stem, &slen) != LEC_OK)
		goto oom;
	w = &p->wv[p->wn];
	w->word = qp_arena_strndup(p->ast, tok->word, tok->len);
	w->len = tok->len;
	w->stem = qp_arena_strndup(p->ast, stem, slen);
	w->stem_len = slen;
	w->off = tok->offset;
	w->srclen = tok->length;
	if (!w->word || !w->stem)
		goto oom;
	p->wn++;
	return 0;
oom:
	qp_fail(p, LEC_ENOMEM, SIZE_MAX, "out of memory");
	return 1;
}

/* The tokenizer's words of text[off, off+len) into p->wv. */
lec_status qp_tokenize(struct parser *p, size_t off, size_t len)
{
	lec_status st;

	p->wn = 0;
	p->wlong = 0;
	st = tok_text(p->text + off, len, off, word_cb, p);
	if (st != LEC_OK && st != LEC_ESTOP)
		qp_fail(p, st, SIZE_MAX, "tokenizer: %s", lec_status_str(st));
	return p->status;
}

size_t qp_utf8_chars(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}
/* A phrase of p->wv, cut into AND'ed phrases of LEC_MAX_PHRASE_WORDS. */
static struct qp_node *phrase_of_words(struct parser *p, unsigned flags, size_t off, size_t srclen)
{
	struct qp_node *parts[LEC_MAX_QUERY_TERMS / LEC_MAX_PHRASE_WORDS + 1];
	size_t np = 0;

	for (size_t i = 0; i < p->wn; i += LEC_MAX_PHRASE_WORDS) {
		size_t n = p->wn - i < LEC_MAX_PHRASE_WORDS ? p->wn - i : LEC_MAX_PHRASE_WORDS;

		parts[np] = qp_words_node(p->ast, QP_PHRASE, p->wv + i, n, off, srclen);
		if (!parts[np])
			return qp_oom(p);
		parts[np++]->flags = flags;
	}
	struct qp_node *g = qp_group_node(p->ast, QP_AND, parts, np, off, srclen);
	return g ? g : qp_oom(p);
}

/* The speaker's words: one WORD, or an AND of WORDs (speaker terms have no
 * positions). */
static struct qp_node *and_of_words(struct parser *p, size_t off, size_t srclen)
{
	struct qp_node *g, **kids = malloc(p->wn * sizeof(*kids));

	if (!kids)
		return qp_oom(p);
	for (size_t i = 0; i < p->wn; i++) {
		kids[i] =
			qp_words_node(p->ast, QP_WORD, p->wv + i, 1, p->wv[i].off, p->wv[i].srclen);
		if (!kids[i]) {
			free(kids);
			return qp_oom(p);
		}
	}
	g = qp_group_node(p->ast, QP_AND, kids, p->wn, off, srclen);
	free(kids);
	return g ? g : qp_oom(p);
}

/* After qp_tokenize(): EMPTY for no words, NOTHING for a word too long. */
static struct qp_node *degenerate(struct parser *p, size_t off, size_t srclen)
{
	struct qp_node *n = NULL;

	if (p->status != LEC_OK)
		return NULL;
	if (p->wlong)
		n = qp_node_new(p->ast, QP_NOTHING, off, srclen);
	else if (p->wn == 0)
		n = qp_node_new(p->ast, QP_EMPTY, off, srclen);
	else
		return NULL;
	return n ? n : qp_oom(p);
}

/* Quoted text [off, off+len): a phrase (speaker: AND of words). */
struct qp_node *qp_phrase_node(struct parser *p, size_t off, size_t len, enum qp_field field,
			       size_t noff, size_t nlen)
{
	struct qp_node *n;

	if (qp_tokenize(p, off, len) != LEC_OK)
		return NULL;
	if ((n = degenerate(p, noff, nlen)) || p->status != LEC_OK)
		return n;
	if (field == QP_FIELD_SPEAKER)
		return and_of_words(p, noff, nlen);
	return phrase_of_words(p, 0, noff, nlen);
}

/* A run of code that the tokenizer makes one word: a sigil that no word
 * keeps (@@iterator, #private, %TypedArray%, $el). Sentence punctuation
 * (a comma, a full stop, quotes) is not one. */
static int has_sigil(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strchr("@#$%&~^\\|<>=`", s[i]) && s[i])
			return 1;
	return 0;
}

/* A symbol's word, preferred unstemmed: OR(WORD(w~stem), PHRASE("w")), so
 * that `@@iterator` finds every passage with the stem, as a word would,
 * and ranks first those with the word itself (the phrase is the exact term:
 * both clauses score there), not "iterable" or "iterate". */
static struct qp_node *prefer_exact(struct parser *p, struct qp_node *word, size_t off, size_t len)
{
	struct qp_node *kids[2] = { word, qp_words_node(p->ast, QP_PHRASE, p->wv, 1, off, len) };
	if (!kids[1] || !strcmp(p->wv[0].word, p->wv[0].stem))
		return kids[1] ? word : NULL; /* the word is its stem: nothing to prefer */
	return qp_group_node(p->ast, QP_OR, kids, 2, off, len);
}

/* A bare run [off, off+len): a word, a prefix* wildcard, or the phrase of
 * the words the tokenizer splits it into (re-invent). */
struct qp_node *qp_text_node(struct parser *p, size_t off, size_t len, enum qp_field field)
{
	size_t n = len;
	int wild = 0;
	struct qp_node *node;

	while (n && p->text[off + n - 1] == '*') {
		n--;
		wild = 1;
	}
	if (qp_tokenize(p, off, n) != LEC_OK)
		return NULL;
	if ((node = degenerate(p, off, len)) || p->status != LEC_OK)
		return node;
	if (p->wn == 1) {
		enum qp_kind kind = QP_WORD;

		if (wild && qp_utf8_chars(p->wv[0].word, p->wv[0].len) >= 2)
			kind = QP_WILDCARD;
		node = qp_words_node(p->ast, kind, p->wv, 1, off, len);
		if (node && kind == QP_WORD && field == QP_FIELD_BODY &&
		    has_sigil(p->text + off, n))
			node = prefer_exact(p, node, off, len);
		return node ? node : qp_oom(p);
	}
	if (field == QP_FIELD_SPEAKER)
		return and_of_words(p, off, len);
	return phrase_of_words(p, QP_NODE_SPLIT, off, len);
}
