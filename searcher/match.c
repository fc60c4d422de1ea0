/* match.c - locate a query's positive parts in a passage's words (match.h). */
#include "match.h"

#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "tokenize.h"
#include "vec.h"

/* ---- match_text --------------------------------------------------------- */

/* Bytes for the words of a passage: a list of blocks filled in turn. */
struct match_block {
	struct match_block *next;
	size_t used, size;
	char data[];
};

#define MATCH_BLOCK_BYTES 8192

void match_text_init(struct match_text *t)
{
	memset(t, 0, sizeof(*t));
}

void match_text_clear(struct match_text *t)
{
	for (struct match_block *b = t->blocks; b; b = b->next)
		b->used = 0;
	t->cur = t->blocks;
	t->n = 0;
	t->status = LEC_OK;
}

void match_text_release(struct match_text *t)
{
	for (struct match_block *b = t->blocks, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	free(t->words);
	match_text_init(t);
}

/* A NUL-terminated copy of s in the text's blocks; NULL when out of memory. */
static char *text_copy(struct match_text *t, const char *s, size_t len)
{
	size_t need = len + 1;
	struct match_block *b = t->cur;
	if (b && b->size - b->used < need) {
		/* the next block (emptied by match_text_clear) if the word fits */
		b = b->next && b->next->size >= need ? b->next : NULL;
		if (b)
			t->cur = b;
	}
	if (!b) {
		size_t size = need > MATCH_BLOCK_BYTES ? need : MATCH_BLOCK_BYTES;
		if (!(b = malloc(sizeof(*b) + size)))
			return NULL;
		b->used = 0;
		b->size = size;
		if (t->cur) {
			b->next = t->cur->next;
			t->cur->next = b;
		} else {
			b->next = t->blocks;
			t->blocks = b;
		}
		t->cur = b;
	}
	char *copy = b->data + b->used;
	memcpy(copy, s, len);
	copy[len] = '\0';
	b->used += need;
	return copy;
}

int match_text_add(void *ctx, const struct seg_word *w)
{
	struct match_text *t = ctx;
	char *copy;

	if (t->status != LEC_OK)
		return 1;
	struct seg_word *v = vec_reserve(t->words, &t->cap, t->n + 1, sizeof(*v), 64);

	if (!v)
		goto oom;
	t->words = v;
	if (!(copy = text_copy(t, w->word, w->len)))
		goto oom;
	t->words[t->n] = *w;
	t->words[t->n++].word = copy;
	return 0;
oom:
	t->status = LEC_ENOMEM;
	return 1;
}

/* ---- the compiled query ------------------------------------------------- */

/* A phrase or NEAR: words of the query (pointing into the AST). */
struct seq {
	const struct qp_word *words;
	size_t n;
	uint32_t span; /* NEAR: largest max - min of positions */
};

struct match_query {
	stemmer *st;
	const struct qp_word **stems; /* bare words, matched by stem */
	size_t nstems, cstems;
	const struct qp_word **prefixes; /* wildcards */
	size_t nprefixes, cprefixes;
	struct seq *phrases;
	size_t nphrases, cphrases;
	struct seq *nears;
	size_t nnears, cnears;
	const struct qp_node *single; /* the one WORD or PHRASE, if that is all */
	/* With a stemmer that keeps a word's first byte (english): the first
	 * bytes of the stems; a word starting with none of them is not stemmed. */
	int by_first_byte;
	unsigned char first_bytes[32];
};

static void first_byte_add(match_query *mq, unsigned char c)
{
	mq->first_bytes[c >> 3] |= (unsigned char)(1u << (c & 7));
}

/* Could the word's stem start like one of the query's stems? (A word
 * starting with an apostrophe may lose it to the stemmer: always maybe.) */
static int first_byte_may_match(const match_query *mq, const struct seg_word *w)
{
	unsigned char c = (unsigned char)w->word[0];
	return !mq->by_first_byte || c == '\'' || (mq->first_bytes[c >> 3] >> (c & 7)) & 1;
}

static void first_byte_filter(match_query *mq)
{
	mq->by_first_byte = mq->st && stemmer_keeps_first_byte(mq->st);
	for (size_t i = 0; i < mq->nstems && mq->by_first_byte; i++) {
		if (mq->stems[i]->stem_len == 0)
			mq->by_first_byte = 0; /* an empty stem starts with nothing */
		else
			first_byte_add(mq, (unsigned char)mq->stems[i]->stem[0]);
	}
	/* mq->single, a WORD, is one of mq->stems: stem_match filters by them too */
}

static int add_stem(match_query *mq, const struct qp_word *w)
{
	const struct qp_word **v =
		vec_reserve(mq->stems, &mq->cstems, mq->nstems + 1, sizeof(*v), 8);
	if (!v)
		return -1;
	mq->stems = v;
	mq->stems[mq->nstems++] = w;
	return 0;
}

static int add_prefix(match_query *mq, const struct qp_word *w)
{
	const struct qp_word **v =
		vec_reserve(mq->prefixes, &mq->cprefixes, mq->nprefixes + 1, sizeof(*v), 8);
	if (!v)
		return -1;
	mq->prefixes = v;
	mq->prefixes[mq->nprefixes++] = w;
	return 0;
}

static int add_seq(struct seq **v, size_t *n, size_t *cap, const struct qp_node *node)
{
	struct seq *grown = vec_reserve(*v, cap, *n + 1, sizeof(*grown), 8);
	if (!grown)
		return -1;
	*v = grown;
	(*v)[*n].words = node->words;
	(*v)[*n].n = node->nwords;
	(*v)[*n].span = node->kind == QP_NEAR ? node->distance + (uint32_t)node->nwords - 2 : 0;
	(*n)++;
	return 0;
}

/* Collect the positive text parts: not under NOT, not in a field. */
static int collect(match_query *mq, const struct qp_node *n)
{
	switch (n->kind) {
	case QP_WORD:
		return add_stem(mq, &n->words[0]);
	case QP_WILDCARD:
		return add_prefix(mq, &n->words[0]);
	case QP_PHRASE:
		return add_seq(&mq->phrases, &mq->nphrases, &mq->cphrases, n);
	case QP_NEAR:
		return add_seq(&mq->nears, &mq->nnears, &mq->cnears, n);
	case QP_AND:
	case QP_OR:
		for (size_t i = 0; i < n->nkids; i++)
			if (collect(mq, n->kids[i]))
				return -1;
		return 0;
	default:
		return 0;
	}
}

/* The query's one WORD or PHRASE, beside filters only; NULL otherwise. */
static const struct qp_node *single_part(const struct qp_node *root)
{
	const struct qp_node *only = NULL;

	if (root->kind == QP_WORD || root->kind == QP_PHRASE)
		return root;
	if (root->kind != QP_AND)
		return NULL;
	for (size_t i = 0; i < root->nkids; i++) {
		const struct qp_node *k = root->kids[i];

		if (qp_is_filter(k))
			continue;
		if (only || (k->kind != QP_WORD && k->kind != QP_PHRASE))
			return NULL;
		only = k;
	}
	return only;
}

lec_status match_query_new(const qp_ast *ast, stemmer *st, match_query **out)
{
	const struct qp_node *root = qp_root(ast);
	match_query *mq;

	if (!out || !root)
		return LEC_EINVAL;
	*out = NULL;
	if (!(mq = calloc(1, sizeof(*mq))))
		return LEC_ENOMEM;
	mq->st = st;
	if (collect(mq, root)) {
		match_query_free(mq);
		return LEC_ENOMEM;
	}
	mq->single = single_part(root);
	first_byte_filter(mq);
	*out = mq;
	return LEC_OK;
}

void match_query_free(match_query *mq)
{
	if (!mq)
		return;
	free(mq->stems);
	free(mq->prefixes);
	free(mq->phrases);
	free(mq->nears);
	free(mq);
}

/* ---- matching ----------------------------------------------------------- */

struct hits {
	struct match_hit *v;
	size_t n, cap;
};

static int hit(struct hits *h, size_t first, size_t last, enum match_kind kind)
{
	struct match_hit *v = vec_reserve(h->v, &h->cap, h->n + 1, sizeof(*v), 8);
	if (!v)
		return -1;
	h->v = v;
	h->v[h->n].first = first;
	h->v[h->n].last = last;
	h->v[h->n++].kind = kind;
	return 0;
}

static int is_term(const struct seg_word *w)
{
	return !(w->flags & TOK_LONG) && w->len > 0;
}

static int same_word(const struct seg_word *w, const struct qp_word *q)
{
	return is_term(w) && w->len == q->len && memcmp(w->word, q->word, q->len) == 0;
}

/* The stem of a passage word (the stemmer caches them). *out is
 * NUL-terminated and valid until the next call. */
static lec_status stem_of(match_query *mq, const struct seg_word *w, const char **out, size_t *len)
{
	if (!mq->st) {
		*out = w->word;
		*len = w->len;
		return LEC_OK;
	}
	return stemmer_stem(mq->st, w->word, w->len, out, len);
}

/* Does word i match query word q by stem? */
static lec_status stem_match(match_query *mq, const struct seg_word *w, const struct qp_word *q,
			     int *yes)
{
	const char *s;
	size_t len;
	lec_status st;

	*yes = 0;
	if (!is_term(w) || !first_byte_may_match(mq, w))
		return LEC_OK;
	if ((st = stem_of(mq, w, &s, &len)) != LEC_OK)
		return st;
	*yes = len == q->stem_len && memcmp(s, q->stem, len) == 0;
	return LEC_OK;
}

static lec_status find_words(match_query *mq, const struct seg_word *words, size_t n,
			     struct hits *h)
{
	int yes;
	lec_status st;

	for (size_t i = 0; i < n && mq->nstems; i++) {
		const char *s;
		size_t len;
		if (!is_term(&words[i]) || !first_byte_may_match(mq, &words[i]))
			continue;
		if ((st = stem_of(mq, &words[i], &s, &len)) != LEC_OK)
			return st;
		for (size_t k = 0; k < mq->nstems; k++) {
			yes = len == mq->stems[k]->stem_len &&
			      memcmp(s, mq->stems[k]->stem, len) == 0;
			if (yes) {
				if (hit(h, i, i, MATCH_WORD))
					return LEC_ENOMEM;
				break;
			}
		}
	}
	return LEC_OK;
}

static lec_status find_prefixes(match_query *mq, const struct seg_word *words, size_t n,
				struct hits *h)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < mq->nprefixes; k++) {
			const struct qp_word *p = mq->prefixes[k];

			if (is_term(&words[i]) && words[i].len >= p->len &&
			    memcmp(words[i].word, p->word, p->len) == 0) {
				if (hit(h, i, i, MATCH_WILDCARD))
					return LEC_ENOMEM;
				break;
			}
		}
	}
	return LEC_OK;
}

/* Does the phrase start at word i: its words, at consecutive positions? */
static int phrase_at(const struct seg_word *words, size_t n, size_t i, const struct seq *ph)
{
	if (ph->n > n - i)
		return 0;
	for (size_t j = 0; j < ph->n; j++) {
		if (!same_word(&words[i + j], &ph->words[j]))
			return 0;
		if (words[i + j].pos != words[i].pos + j)
			return 0;
	}
	return 1;
}

static lec_status find_phrases(match_query *mq, const struct seg_word *words, size_t n,
			       struct hits *h)
{
	for (size_t k = 0; k < mq->nphrases; k++)
		for (size_t i = 0; i < n; i++)
			if (phrase_at(words, n, i, &mq->phrases[k]) &&
			    hit(h, i, i + mq->phrases[k].n - 1, MATCH_PHRASE))
				return LEC_ENOMEM;
	return LEC_OK;
}

static int same_qword(const struct qp_word *a, const struct qp_word *b)
{
	return a->len == b->len && memcmp(a->word, b->word, a->len) == 0;
}

/* Index of the first query word of the NEAR equal to its word t: a word
 * written twice counts once. */
static size_t first_of(const struct seq *nr, size_t t)
{
	for (size_t u = 0; u < t; u++)
		if (same_qword(&nr->words[u], &nr->words[t]))
			return u;
	return t;
}

/* Which distinct word of the NEAR is w? -1 if none. */
static int near_term(const struct seq *nr, const struct seg_word *w)
{
	for (size_t t = 0; t < nr->n; t++)
		if (same_word(w, &nr->words[t]))
			return (int)first_of(nr, t);
	return -1;
}

/* Slide a window over the occurrences of the NEAR's words (occ[], sorted
 * by position); every occurrence inside a window holding all distinct
 * words with max - min <= span is a hit. */
static lec_status near_window(const struct seq *nr, const struct seg_word *words, const size_t *occ,
			      const int *term, size_t m, struct hits *h)
{
	size_t count[LEC_MAX_PHRASE_WORDS] = { 0 }, distinct = 0, have = 0, r = 0, marked = 0;

	if (nr->n > LEC_MAX_PHRASE_WORDS)
		return LEC_OK; /* the parser never makes one */
	for (size_t t = 0; t < nr->n; t++)
		distinct += first_of(nr, t) == t;
	for (size_t l = 0; l < m; l++) {
		while (r < m && words[occ[r]].pos - words[occ[l]].pos <= nr->span)
			if (count[term[r++]]++ == 0)
				have++;
		if (have == distinct) {
			for (size_t k = marked > l ? marked : l; k < r; k++)
				if (hit(h, occ[k], occ[k], MATCH_NEAR))
					return LEC_ENOMEM;
			marked = r;
		}
		if (--count[term[l]] == 0)
			have--;
	}
	return LEC_OK;
}

static lec_status find_nears(match_query *mq, const struct seg_word *words, size_t n,
			     struct hits *h)
{
	size_t *occ = NULL, m;
	int *term = NULL;
	lec_status st = LEC_OK;

	if (!mq->nnears || !n)
		return LEC_OK;
	occ = malloc(n * sizeof(*occ));
	term = malloc(n * sizeof(*term));
	if (!occ || !term)
		st = LEC_ENOMEM;
	for (size_t k = 0; k < mq->nnears && st == LEC_OK; k++) {
		m = 0;
		for (size_t i = 0; i < n; i++) {
			int t = near_term(&mq->nears[k], &words[i]);

			if (t >= 0) {
				occ[m] = i;
				term[m++] = t;
			}
		}
		if (m)
			st = near_window(&mq->nears[k], words, occ, term, m, h);
	}
	free(occ);
	free(term);
	return st;
}

static int hit_cmp(const void *a, const void *b)
{
	const struct match_hit *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	if (x->last != y->last)
		return x->last < y->last ? -1 : 1;
	return (int)x->kind - (int)y->kind;
}

static void sort_unique(struct hits *h)
{
	size_t k = 0;

	if (!h->n)
		return;
	qsort(h->v, h->n, sizeof(*h->v), hit_cmp);
	for (size_t i = 1; i < h->n; i++)
		if (hit_cmp(&h->v[k], &h->v[i]) != 0)
			h->v[++k] = h->v[i];
	h->n = k + 1;
}

lec_status match_find(match_query *mq, const struct seg_word *words, size_t n,
		      struct match_hit **out, size_t *nout)
{
	struct hits h = { 0 };
	lec_status st;

	if (!mq || !out || !nout || (n && !words))
		return LEC_EINVAL;
	*out = NULL;
	*nout = 0;
	if ((st = find_words(mq, words, n, &h)) != LEC_OK ||
	    (st = find_prefixes(mq, words, n, &h)) != LEC_OK ||
	    (st = find_phrases(mq, words, n, &h)) != LEC_OK ||
	    (st = find_nears(mq, words, n, &h)) != LEC_OK) {
		free(h.v);
		return st;
	}
	sort_unique(&h);
	*out = h.v;
	*nout = h.n;
	if (!h.n) {
		free(h.v);
		*out = NULL;
	}
	return LEC_OK;
}

/* ---- occurrences of a one-phrase query ---------------------------------- */

static int push_index(size_t **v, size_t *n, size_t *cap, size_t i)
{
	size_t *grown = vec_reserve(*v, cap, *n + 1, sizeof(*grown), 8);
	if (!grown)
		return -1;
	*v = grown;
	(*v)[(*n)++] = i;
	return 0;
}

lec_status match_phrase_occurrences(match_query *mq, const struct seg_word *words, size_t n,
				    size_t **out, size_t *nout)
{
	const struct qp_node *q;
	struct seq ph;
	size_t *v = NULL, cap = 0, k = 0;
	lec_status st = LEC_OK;
	int yes;

	if (!mq || !out || !nout || (n && !words) || !(q = mq->single))
		return LEC_EINVAL;
	*out = NULL;
	*nout = 0;
	ph.words = q->words;
	ph.n = q->nwords;
	for (size_t i = 0; i < n && st == LEC_OK; i++) {
		if (q->kind == QP_WORD)
			st = stem_match(mq, &words[i], &q->words[0], &yes);
		else
			yes = phrase_at(words, n, i, &ph);
		if (st == LEC_OK && yes && push_index(&v, &k, &cap, i))
			st = LEC_ENOMEM;
	}
	if (st != LEC_OK || !k) {
		free(v);
		return st;
	}
	*out = v;
	*nout = k;
	return LEC_OK;
}
