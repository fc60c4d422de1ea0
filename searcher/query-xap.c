/* query-xap.c - a parsed query (query.h) as a Xapian query (xap.h).
 *
 * Terms follow docs/index-layout.md: bare words are Z+stem, phrases and NEAR
 * the unprefixed words (positional), title S/ZS, path XP, speaker XS, tag K,
 * year Y; date ranges are value ranges on LEC_SLOT_DATE. Tags, years and
 * dates are filters: inside an AND they restrict with OP_FILTER and weigh
 * nothing. Everything is built with the sticky rc of xap.h and checked once.
 */
#include "query.h"

#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "limits.h"

/* Room for a prefix and a word (words are at most LEC_MAX_WORD_BYTES). */
#define TERM_MAX (LEC_MAX_TERM_BYTES + 1)

/* The prefixes a field gives its stemmed and unstemmed terms. */
struct ctx {
	const char *stem_pfx; /* NULL: WORD is matched unstemmed */
	const char *word_pfx;
	xap_db *db;               /* wildcards are expanded over it (NULL: by Xapian) */
	int notes;                /* the candidate notes: negations do not exclude */
	const struct ctx *fields; /* this query's contexts, by field */
};

static const struct ctx field_ctx[] = {
	[QP_FIELD_BODY] = { .stem_pfx = LEC_PFX_STEM, .word_pfx = "" },
	[QP_FIELD_TITLE] = { .stem_pfx = LEC_PFX_TITLE_STEM, .word_pfx = LEC_PFX_TITLE },
	[QP_FIELD_PATH] = { .stem_pfx = NULL, .word_pfx = LEC_PFX_PATH },
	[QP_FIELD_SPEAKER] = { .stem_pfx = NULL, .word_pfx = LEC_PFX_SPEAKER },
	/* heading words are body words: lectern checks where they are */
	[QP_FIELD_HEADING] = { .stem_pfx = LEC_PFX_STEM, .word_pfx = "" },
};

static xap_query *build(const struct qp_node *n, const struct ctx *cx, lec_status *rc);

/* prefix + word into buf; its length, or 0 when it does not fit a term. */
static size_t make_term(char *buf, const char *pfx, const char *word, size_t len)
{
	size_t pl = strlen(pfx);

	if (pl + len > LEC_MAX_TERM_BYTES)
		return 0;
	memcpy(buf, pfx, pl);
	memcpy(buf + pl, word, len);
	buf[pl + len] = '\0';
	return pl + len;
}

static xap_query *term_query(lec_status *rc, const char *pfx, const char *word, size_t len)
{
	char buf[TERM_MAX];
	size_t n = make_term(buf, pfx, word, len);

	return n ? xap_query_term(rc, buf, n, 1) : xap_query_match_nothing(rc);
}

/* PHRASE (window 0: consecutive) or NEAR (window given) over prefixed words. */
static xap_query *positional(const struct qp_node *n, const char *pfx, uint32_t window,
			     lec_status *rc)
{
	char(*bufs)[TERM_MAX];
	const char **terms;
	size_t *lens;
	xap_query *q = NULL;

	if (*rc != LEC_OK)
		return NULL;
	bufs = malloc(n->nwords * sizeof(*bufs));
	terms = malloc(n->nwords * sizeof(*terms));
	lens = malloc(n->nwords * sizeof(*lens));
	if (!bufs || !terms || !lens) {
		*rc = LEC_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n->nwords; i++) {
		terms[i] = bufs[i];
		lens[i] = make_term(bufs[i], pfx, n->words[i].word, n->words[i].len);
		if (!lens[i]) {
			q = xap_query_match_nothing(rc);
			goto out;
		}
	}
	if (n->kind == QP_NEAR)
		q = xap_query_near(rc, terms, lens, n->nwords, window);
	else
		q = xap_query_phrase(rc, terms, lens, n->nwords, window);
out:
	free(bufs);
	free(terms);
	free(lens);
	return q;
}

static xap_query *word_query(const struct qp_node *n, const struct ctx *cx, lec_status *rc)
{
	const struct qp_word *w = &n->words[0];

	if (cx->stem_pfx)
		return term_query(rc, cx->stem_pfx, w->stem, w->stem_len);
	return term_query(rc, cx->word_pfx, w->word, w->len);
}

static xap_query *phrase_query(const struct qp_node *n, const struct ctx *cx, lec_status *rc)
{
	if (n->nwords == 1)
		return term_query(rc, cx->word_pfx, n->words[0].word, n->words[0].len);
	return positional(n, cx->word_pfx, 0, rc);
}

static xap_query *wildcard_query(const struct qp_node *n, const struct ctx *cx, lec_status *rc)
{
	char buf[TERM_MAX];
	size_t len = make_term(buf, cx->word_pfx, n->words[0].word, n->words[0].len);

	if (!len)
		return xap_query_match_nothing(rc);
	if (cx->db)
		return xap_query_wildcard_in(rc, cx->db, buf, len, 0);
	return xap_query_wildcard(rc, buf, len, 0);
}

/* "Within N" means |pos(a) - pos(b)| <= N for two words; for n words all of
 * them in a span of N + n - 1 positions, Xapian's window. */
static xap_query *near_query(const struct qp_node *n, lec_status *rc)
{
	return positional(n, "", n->distance + (uint32_t)n->nwords - 1, rc);
}

static xap_query *filter_query(const struct qp_node *n, lec_status *rc);

/* An OR of filters, itself a filter. */
static xap_query *filter_or(const struct qp_node *n, lec_status *rc)
{
	xap_query **subs = calloc(n->nkids, sizeof(*subs)), *q = NULL;

	if (!subs) {
		*rc = LEC_ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < n->nkids && *rc == LEC_OK; i++)
		subs[i] = filter_query(n->kids[i], rc);
	if (*rc == LEC_OK)
		q = xap_query_combine(rc, XAP_OP_OR, subs, n->nkids);
	for (size_t i = 0; i < n->nkids; i++)
		xap_query_free(subs[i]);
	free(subs);
	return q;
}

/* The term or range of a filter (qp_is_filter), unweighted by its caller. */
static xap_query *filter_query(const struct qp_node *n, lec_status *rc)
{
	switch (n->kind) {
	case QP_TAG:
		return term_query(rc, LEC_PFX_TAG, n->value, strlen(n->value));
	case QP_YEAR:
		return term_query(rc, LEC_PFX_YEAR, n->value, strlen(n->value));
	case QP_OR:
		return filter_or(n, rc);
	default:
		return xap_query_value_range(rc, LEC_SLOT_DATE, n->lo, n->hi);
	}
}

/* Combine subs[0..n) with op (one sub: itself); frees the subs. */
static xap_query *combine(enum xap_op op, xap_query **subs, size_t n, lec_status *rc)
{
	xap_query *q;

	if (n == 1)
		return subs[0];
	q = xap_query_combine(rc, op, subs, n);
	for (size_t i = 0; i < n; i++)
		xap_query_free(subs[i]);
	return q;
}

/* base OP rest[0..n): base and the rest freed. */
static xap_query *apply(enum xap_op op, xap_query *base, xap_query **rest, size_t n, lec_status *rc)
{
	xap_query *q;

	if (n == 0)
		return base;
	memmove(rest + 1, rest, n * sizeof(*rest));
	rest[0] = base;
	q = xap_query_combine(rc, op, rest, n + 1);
	for (size_t i = 0; i <= n; i++)
		xap_query_free(rest[i]);
	return q;
}

/* The conjunction of kids: positive parts AND'ed (or everything when there
 * are none), then FILTER by the filters, then AND_NOT the negated parts. */
static xap_query *build_and(const struct qp_node *const *kids, size_t n, const struct ctx *cx,
			    lec_status *rc)
{
	/* one spare slot each so apply() can put the base in front */
	xap_query **pos = calloc(n + 1, sizeof(*pos)), **filt = calloc(n + 1, sizeof(*filt)),
		  **neg = calloc(n + 1, sizeof(*neg));
	size_t np = 0, nf = 0, nn = 0;
	xap_query *q = NULL;

	if (!pos || !filt || !neg) {
		if (*rc == LEC_OK)
			*rc = LEC_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n && *rc == LEC_OK; i++) {
		if (kids[i]->kind == QP_NOT) {
			/* a note whose other passages hold the word is still a candidate */
			if (!cx->notes)
				neg[nn++] = build(kids[i]->kids[0], cx, rc);
		} else if (qp_is_filter(kids[i]))
			filt[nf++] = filter_query(kids[i], rc);
		else
			pos[np++] = build(kids[i], cx, rc);
	}
	if (*rc != LEC_OK)
		goto out;
	q = np ? combine(XAP_OP_AND, pos, np, rc) : xap_query_match_all(rc);
	np = 0;
	q = apply(XAP_OP_FILTER, q, filt, nf, rc);
	nf = 0;
	q = apply(XAP_OP_AND_NOT, q, neg, nn, rc);
	nn = 0;
out:
	for (size_t i = 0; pos && i < np; i++)
		xap_query_free(pos[i]);
	for (size_t i = 0; filt && i < nf; i++)
		xap_query_free(filt[i]);
	for (size_t i = 0; neg && i < nn; i++)
		xap_query_free(neg[i]);
	free(pos);
	free(filt);
	free(neg);
	return q;
}

static xap_query *build_or(const struct qp_node *n, const struct ctx *cx, lec_status *rc)
{
	xap_query **subs = calloc(n->nkids, sizeof(*subs));
	size_t k = 0;
	xap_query *q = NULL;

	if (!subs) {
		*rc = LEC_ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < n->nkids && *rc == LEC_OK; i++)
		subs[k++] = build(n->kids[i], cx, rc);
	if (*rc == LEC_OK) {
		q = combine(XAP_OP_OR, subs, k, rc);
		k = 0;
	}
	for (size_t i = 0; i < k; i++)
		xap_query_free(subs[i]);
	free(subs);
	return q;
}

/* A filter outside an AND (`tag:a OR x`): it matches, but weighs nothing. */
static xap_query *unweighted_filter(const struct qp_node *n, lec_status *rc)
{
	xap_query *f = filter_query(n, rc), *q;

	if (!f)
		return NULL;
	q = xap_query_scale(rc, f, 0.0);
	xap_query_free(f);
	return q;
}

static xap_query *build(const struct qp_node *n, const struct ctx *cx, lec_status *rc)
{
	if (*rc != LEC_OK)
		return NULL;
	switch (n->kind) {
	case QP_EMPTY:
	case QP_NOTHING:
		return xap_query_match_nothing(rc);
	case QP_WORD:
		return word_query(n, cx, rc);
	case QP_PHRASE:
		return phrase_query(n, cx, rc);
	case QP_WILDCARD:
		return wildcard_query(n, cx, rc);
	case QP_NEAR:
		return near_query(n, rc);
	case QP_AND:
		return build_and((const struct qp_node *const *)n->kids, n->nkids, cx, rc);
	case QP_OR:
		if (qp_is_filter(n))
			return unweighted_filter(n, rc);
		return build_or(n, cx, rc);
	case QP_NOT:
		return build_and((const struct qp_node *const *)&n, 1, cx, rc);
	case QP_FIELD:
		return build(n->kids[0], &cx->fields[n->field], rc);
	case QP_TAG:
	case QP_YEAR:
	case QP_DATE:
		return unweighted_filter(n, rc);
	}
	*rc = LEC_EINTERNAL;
	return NULL;
}

static xap_query *to_xapian(const qp_ast *ast, xap_db *db, int notes, lec_status *rc)
{
	const struct qp_node *root = qp_root(ast);
	struct ctx fields[sizeof(field_ctx) / sizeof(field_ctx[0])];
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		fields[i] = field_ctx[i];
		fields[i].db = db;
		fields[i].notes = notes;
		fields[i].fields = fields;
	}

	if (!rc || *rc != LEC_OK)
		return NULL;
	if (!root) {
		*rc = LEC_EINVAL;
		return NULL;
	}
	/* a lone filter or negation is a conjunction of one: FILTER(all, ...) */
	if (qp_is_filter(root) || root->kind == QP_NOT)
		return build_and(&root, 1, &fields[QP_FIELD_BODY], rc);
	return build(root, &fields[QP_FIELD_BODY], rc);
}

xap_query *qp_to_xapian(const qp_ast *ast, xap_db *db, lec_status *rc)
{
	return to_xapian(ast, db, 0, rc);
}

xap_query *qp_to_xapian_notes(const qp_ast *ast, xap_db *db, lec_status *rc)
{
	return to_xapian(ast, db, 1, rc);
}
