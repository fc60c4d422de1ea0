/* search.c - a query to ranked passages: candidate notes from Xapian,
 * passages from their positions, places from the files (search.h).
 *
 * The ranking (docs/index-layout.md, "Searching"): Xapian ranks the notes
 * that can hold a matching passage (negations left out). They are taken in
 * that order in tiers of LEC_TIER_NOTES; every passage of a tier's notes
 * is checked and scored (pmatch.h) with the note's Xapian weight as a prior,
 * and a tier's matching passages, best first, come before the next tier's.
 * The order is a function of the query alone, so a page of --limit N is
 * the first N of --limit 2N, and --offset pages through the same list.
 * When the matching passages run out before the page is full, passages
 * that hold some of the query's words follow, marked partial: for several
 * bare words whenever that happens, for anything else only when nothing
 * matched as written (the relaxed query of query.h).
 *
 * This file is one attempt of a search and its ranking; the other orders,
 * the hits, "did you mean" and the retries over the shards are in the
 * files search-int.h names.
 */
#include "search-int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "layout.h"
#include "limits.h"
#include "vec.h"

/* The weight of a note's Xapian BM25 in the score of its passages. */
#define NOTE_PRIOR 0.3

/* ---- releasing ---------------------------------------------------------- */

static void release_hits(struct search_result *res)
{
	for (size_t i = 0; i < res->nhits; i++)
		search_hit_release(&res->hits[i]);
	res->nhits = 0;
}

/* ---- one search's state ------------------------------------------------- */

static void lquery_release(struct lquery *q)
{
	for (size_t i = 0; i < q->n; i++) {
		match_query_free(q->mqs[i]);
		pm_plan_free(q->plans[i]);
		qp_free(q->asts[i]);
	}
	memset(q, 0, sizeof(*q));
}

static void tier_release(struct tier *t)
{
	for (size_t i = 0; i < t->cap; i++)
		pm_note_release(&t->notes[i]);
	free(t->notes);
	free(t->lang);
	free(t->weight);
	free(t->items);
	memset(t, 0, sizeof(*t));
}

static void run_release(struct run *r)
{
	lquery_release(&r->exact);
	lquery_release(&r->loose);
	tier_release(&r->tier);
	hit_reader_free(r->hr);
	r->hr = NULL;
}

/* ---- parsing ------------------------------------------------------------ */

/* Parse text once per language of the index. */
static lec_status parse(struct run *r, const char *text, size_t len, struct lquery *q)
{
	lquery_release(q);
	for (size_t i = 0; i < r->s->nlangs; i++) {
		struct qp_error qerr = { 0 };
		lec_status st =
			qp_parse(text, len, r->req->qflags, r->s->st[i], &q->asts[i], &qerr);
		if (st) {
			buf_printf(r->err, "%s", qerr.msg[0] ? qerr.msg : lec_status_str(st));
			return st;
		}
		q->n++;
	}
	return LEC_OK;
}

static lec_status make_plans(struct run *r, struct lquery *q)
{
	lec_status st = LEC_OK;
	for (size_t i = 0; i < q->n && !st; i++)
		st = pm_plan_new(q->asts[i], r->s->st[i], r->s->db, &r->stats, &q->plans[i]);
	return st;
}

/* The relaxed query of every language (query.h); q->n 0 when the query
 * cannot be loosened. */
static lec_status relax(struct run *r, struct lquery *q)
{
	lquery_release(q);
	for (size_t i = 0; i < r->exact.n; i++) {
		lec_status st = qp_relax(r->exact.asts[i], &q->asts[i]);
		if (st || !q->asts[i]) {
			for (size_t k = 0; k <= i; k++)
				qp_free(q->asts[k]);
			memset(q, 0, sizeof(*q));
			return st;
		}
	}
	q->n = r->exact.n;
	return make_plans(r, q);
}

/* Several bare words (and what stays required): the passages that hold
 * most of them fill a page that the matching ones leave short. */
static int bare_words(const qp_ast *ast)
{
	const struct qp_node *root = qp_root(ast);
	size_t words = 0;
	if (root->kind != QP_AND)
		return 0;
	for (size_t i = 0; i < root->nkids; i++) {
		const struct qp_node *k = root->kids[i];
		if (k->kind == QP_PHRASE || k->kind == QP_NEAR || k->kind == QP_WILDCARD)
			return 0;
		words += k->kind == QP_WORD && !(k->flags & QP_NODE_REQUIRED);
	}
	return words >= 2;
}

/* ---- candidate notes ------------------------------------------------------ */

/* The candidate-note query in every language: (q_en FILTER Lenglish) OR
 * (q_fr FILTER Lfrench) ...; a single-language index needs no filter. */
static xap_query *notes_query(struct run *r, const struct lquery *q, lec_status *rc)
{
	if (q->n == 1)
		return qp_to_xapian_notes(q->asts[0], r->s->db, rc);
	xap_query *parts[MAX_LANGS] = { 0 };
	size_t n = 0;
	for (size_t i = 0; i < q->n && !*rc; i++) {
		const char *lang = stemmer_language(r->s->st[i]);
		char term[64];
		snprintf(term, sizeof(term), "%s%s", LEC_PFX_LANG, lang);
		xap_query *xq = qp_to_xapian_notes(q->asts[i], r->s->db, rc);
		xap_query *f = xap_query_term(rc, term, strlen(term), 0);
		xap_query *pair[2] = { xq, f };
		parts[n] = xap_query_combine(rc, XAP_OP_FILTER, pair, 2);
		if (parts[n])
			n++;
		xap_query_free(xq);
		xap_query_free(f);
	}
	xap_query *all = xap_query_combine(rc, XAP_OP_OR, parts, n);
	for (size_t i = 0; i < n; i++)
		xap_query_free(parts[i]);
	return all;
}

/* Notes [from, from + limit) of the ranking (limit 0: all of them). */
lec_status search_notes_page(struct run *r, struct stream *s, uint64_t from, uint32_t limit,
			     int by_docid, xap_mset **out)
{
	struct xap_search_opts o;
	uint32_t docs = 0;
	lec_status st = xap_db_doccount(r->s->db, &docs);
	if (st)
		return st;
	xap_search_opts_init(&o);
	o.offset = from > UINT32_MAX ? UINT32_MAX : (uint32_t)from;
	o.limit = limit ? limit : docs;
	o.sort_by_docid = by_docid;

	return xap_db_search(r->s->db, s->xq, &o, out);
}

/* The language of a candidate note: its plan's index. */
lec_status search_note_lang(struct run *r, const struct lquery *q, xap_docid did, size_t *out)
{
	const char *lang = NULL;
	*out = 0;
	if (q->n == 1)
		return LEC_OK;
	lec_status st = hit_note_language(r->hr, r->s->db, did, &lang);
	for (size_t i = 0; !st && lang && i < q->n; i++)
		if (strcmp(stemmer_language(r->s->st[i]), lang) == 0)
			*out = i;
	return st;
}

/* ---- time ------------------------------------------------------------------ */

/* LEC_ETIMEOUT (with the message) once the request's deadline has passed:
 * checked per note and per hit, the units whose cost is bounded. */
lec_status search_check_time(struct run *r)
{
	if (!r->req->deadline_ms || search_now_ms() < r->req->deadline_ms)
		return LEC_OK;
	if (!r->err->len)
		buf_printf(r->err, "the search ran out of time");
	return LEC_ETIMEOUT;
}

/* ---- a tier ---------------------------------------------------------------- */

lec_status search_tier_reserve(struct tier *t, size_t n)
{
	if (n <= t->cap)
		return LEC_OK;
	struct pm_note *notes = realloc(t->notes, n * sizeof(*notes));
	if (!notes)
		return LEC_ENOMEM;
	t->notes = notes;
	for (size_t i = t->cap; i < n; i++)
		pm_note_init(&t->notes[i]);
	t->cap = n;
	size_t *lang = realloc(t->lang, n * sizeof(*lang));
	if (lang)
		t->lang = lang;
	double *w = realloc(t->weight, n * sizeof(*w));
	if (w)
		t->weight = w;
	return lang && w ? LEC_OK : LEC_ENOMEM;
}

static lec_status add_item(struct tier *t, const struct item *it)
{
	struct item *v = vec_reserve(t->items, &t->icap, t->nitems + 1, sizeof(*v), 32);
	if (!v)
		return LEC_ENOMEM;
	t->items = v;
	t->items[t->nitems++] = *it;
	return LEC_OK;
}

static int cmp_item(const void *a, const void *b, void *partial)
{
	const struct item *x = a, *y = b;
	if (*(int *)partial && x->held != y->held)
		return x->held > y->held ? -1 : 1;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->note != y->note)
		return x->note < y->note ? -1 : 1;
	return (x->passage > y->passage) - (x->passage < y->passage);
}

/* The items of note i of the tier: its matching passages (or, for
 * --files, the note at its best passage, with their count). */
static lec_status note_items(struct run *r, const struct stream *s, size_t i)
{
	struct tier *t = &r->tier;
	struct pm_note *n = &t->notes[i];
	const pm_plan *ex = s->exclude ? s->exclude->plans[t->lang[i]] : NULL;
	struct item best = { .note = i };
	uint32_t count = 0;
	for (size_t k = 0; k < n->n; k++) {
		struct item it = { .note = i,
				   .passage = (uint32_t)k,
				   .held = n->v[k].held,
				   .score = n->v[k].score + NOTE_PRIOR * t->weight[i] };
		if (ex && pm_matches(ex, &t->notes[t->cap - 1], n->v[k].index))
			continue;
		if (!r->req->files) {
			lec_status st = add_item(t, &it);
			if (st)
				return st;
		} else if (!count || cmp_item(&it, &best, (void *)&s->partial) < 0) {
			best = it;
		}
		count++;
	}
	best.count = count;
	return r->req->files && count ? add_item(t, &best) : LEC_OK;
}

/* Evaluate note i of mset m into the tier (the exact plan too when a
 * partial ranking must leave the matching passages out: kept in the
 * tier's last note). */
lec_status search_eval_note(struct run *r, const struct stream *s, xap_mset *m, uint32_t k,
			    size_t i)
{
	struct tier *t = &r->tier;
	xap_docid did = xap_mset_docid(m, k);
	int remote = searcher_doc_remote(r->s, did);
	lec_status st = search_note_lang(r, s->q, did, &t->lang[i]);
	if (!st)
		st = pm_eval(s->q->plans[t->lang[i]], r->s->db, did, remote, &t->notes[i]);
	if (!st && s->exclude)
		st = pm_eval(s->exclude->plans[t->lang[i]], r->s->db, did, remote,
			     &t->notes[t->cap - 1]);
	t->weight[i] = xap_mset_weight(m, k);
	if (!st)
		st = note_items(r, s, i);
	return st;
}

/* ---- ranking ------------------------------------------------------------- */

/* The k best items of v[0..n) at its front, in order (the rest after
 * them, in no order): a heap of the k best so far, whose root is the worst
 * of them. A page needs its 10 best of a tier's thousand passages, and
 * sorting them all was a quarter of a query's work. */
static void heap_down(struct item *v, size_t k, size_t i, int *partial)
{
	for (;;) {
		size_t w = i, l = 2 * i + 1, r = l + 1;
		if (l < k && cmp_item(&v[l], &v[w], partial) > 0)
			w = l;
		if (r < k && cmp_item(&v[r], &v[w], partial) > 0)
			w = r;
		if (w == i)
			return;
		struct item tmp = v[i];
		v[i] = v[w];
		v[w] = tmp;
		i = w;
	}
}

static void select_best(struct item *v, size_t n, size_t k, int *partial)
{
	if (k < n && k > 0) {
		for (size_t i = k / 2; i-- > 0;)
			heap_down(v, k, i, partial);
		for (size_t i = k; i < n; i++) {
			if (cmp_item(&v[i], &v[0], partial) >= 0)
				continue;
			struct item tmp = v[0];
			v[0] = v[i];
			v[i] = tmp;
			heap_down(v, k, 0, partial);
		}
	}
	if ((k < n ? k : n) > 1) /* v is NULL while no item was ever added */
		qsort_r(v, k < n ? k : n, sizeof(*v), cmp_item, partial);
}

/* Rank one tier of the stream (notes [from, from + n) of mset m), and make
 * the hits of the ranks wanted. */
static lec_status rank_tier(struct run *r, struct stream *s, xap_mset *m, uint32_t from, uint32_t n)
{
	struct tier *t = &r->tier;
	lec_status st = search_tier_reserve(t, (size_t)n + 1);
	t->nitems = 0;
	for (uint32_t k = 0; !st && k < n; k++)
		if (!(st = search_check_time(r)))
			st = search_eval_note(r, s, m, from + k, k);
	if (st)
		return st;
	/* only the ranks up to `need` are made into hits */
	size_t wanted = r->rank >= r->need            ? 0 :
			r->need - r->rank < t->nitems ? (size_t)(r->need - r->rank) :
							t->nitems;
	select_best(t->items, t->nitems, wanted, (int *)&s->partial);
	if (!r->probe)
		st = search_emit_items(r, s, t->items, wanted, r->rank);
	r->rank += t->nitems;
	s->passages += t->nitems;
	s->notes_done += n;
	return st;
}

/* Rank the stream's tiers until the page is full or the notes run out. */
static lec_status run_stream(struct run *r, struct stream *s)
{
	lec_status st = LEC_OK;
	int all = r->need == UINT64_MAX || r->req->rank_all;
	while (!st && !s->exhausted && r->rank < r->need) {
		xap_mset *m = NULL;
		st = search_notes_page(r, s, s->notes_done, all ? 0 : LEC_TIER_NOTES, 0, &m);
		if (st)
			break;
		uint32_t size = xap_mset_size(m);
		uint32_t tier = r->req->rank_all ? (size ? size : 1) : LEC_TIER_NOTES;
		s->estimated = xap_mset_estimated(m) + s->notes_done;
		for (uint32_t at = 0; !st && at < size && r->rank < r->need; at += tier)
			st = rank_tier(r, s, m, at, size - at < tier ? size - at : tier);
		if (all || size < LEC_TIER_NOTES)
			s->exhausted = 1;
		xap_mset_free(m);
	}
	return st;
}

static lec_status open_stream(struct run *r, struct stream *s, const struct lquery *q)
{
	lec_status rc = LEC_OK;
	memset(s, 0, sizeof(*s));
	s->q = q;
	s->xq = notes_query(r, q, &rc);
	return rc;
}

/* ---- running the query --------------------------------------------------- */

/* What the page is: every passage, a count, or ranks [offset, offset+limit). */
static void plan_page(struct run *r)
{
	const struct search_req *req = r->req;
	if (req->all || (req->occurrences && req->sort_by_place))
		r->need = UINT64_MAX;
	else
		r->need = (uint64_t)req->offset + req->limit;
}

/* A stream's passages when it is done: exact when every candidate note was
 * seen, else extrapolated from the notes seen. */
static void stream_total(const struct stream *s, uint64_t *total, int *exact)
{
	*total = s->passages;
	*exact = s->exhausted;
	if (!s->exhausted && s->notes_done)
		*total += (uint64_t)((double)s->passages / (double)s->notes_done *
				     (double)(s->estimated - s->notes_done));
}

/* The matching passages; the total, exact when every candidate was seen. */
static lec_status rank_exact(struct run *r, struct stream *s)
{
	lec_status st = open_stream(r, s, &r->exact);
	if (!st)
		st = r->req->count_only                             ? search_count_all(r, s) :
		     r->req->sort_by_place && r->need == UINT64_MAX ? search_by_place(r, s) :
								      run_stream(r, s);
	if (st)
		return st;
	stream_total(s, &r->res->total, &r->res->total_exact);
	return LEC_OK;
}

/* The passages that hold some of the query's words, after the matching
 * ones. When nothing matched as written (the fallback: res->relaxed), for
 * every kind of request, so that every format answers alike: a page, --all
 * (by place too), --files; --count counts them, vimgrep (occurrences)
 * lists none (it lists only matches) and ranks one tier of them to say how
 * many there are about; the total is theirs. When some passages matched, only to fill a ranked page they left
 * short, for several bare words. */
static lec_status rank_partial(struct run *r, const struct stream *exact)
{
	const struct search_req *req = r->req;
	int none = !exact->passages;
	if (!exact->exhausted || r->rank >= r->need)
		return LEC_OK;
	if (!none &&
	    (req->all || req->count_only || req->occurrences || !bare_words(r->exact.asts[0])))
		return LEC_OK;
	lec_status st = relax(r, &r->loose);
	if (st || !r->loose.n)
		return st;
	struct stream s;
	/* known before the first partial hit (req->on_hit); undone when
	 * there is none */
	if (none) {
		r->res->relaxed = 1;
		if (!(r->res->relaxed_query = qp_explain(r->loose.asts[0])))
			return LEC_ENOMEM;
	}
	if (!(st = open_stream(r, &s, &r->loose))) {
		/* nothing matched: nothing to leave out (and no second plan to
		 * evaluate per note) */
		s.exclude = none ? NULL : &r->exact;
		s.partial = 1;
		if (none && req->count_only) {
			st = search_count_all(r, &s);
		} else if (none && req->occurrences) {
			/* vimgrep lists none of them: one tier says whether there
			 * are any, and about how many, at the cost of a page */
			uint64_t need = r->need;
			r->need = r->rank + 1;
			r->probe = 1;
			st = run_stream(r, &s);
			r->need = need;
			r->probe = 0;
		} else if (none && req->sort_by_place && r->need == UINT64_MAX) {
			st = search_by_place(r, &s);
		} else {
			st = run_stream(r, &s);
		}
	}
	xap_query_free(s.xq);
	if (!st && none && s.passages)
		stream_total(&s, &r->res->total, &r->res->total_exact);
	if (!st && !s.passages && none) {
		r->res->relaxed = 0;
		free(r->res->relaxed_query);
		r->res->relaxed_query = NULL;
	}
	return st;
}

/* How the query was understood (req->explain), before its first hit. */
static lec_status explain(struct run *r)
{
	if (!r->req->explain)
		return LEC_OK;
	free(r->res->explain);
	r->res->explain = qp_explain(r->exact.asts[0]);
	return r->res->explain ? LEC_OK : LEC_ENOMEM;
}

/* A search of many hits (hit_reader_new's whole_notes): every passage,
 * occurrences (vimgrep), or a page over LEC_LIGHT_HITS. */
static int many_hits(const struct search_req *req)
{
	return req->all || req->occurrences || (uint64_t)req->offset + req->limit > LEC_LIGHT_HITS;
}

static lec_status search_once(struct run *r)
{
	const struct search_req *req = r->req;
	struct search_result *res = r->res;
	struct stream s = { 0 };
	lec_status st = parse(r, req->query, req->query_len, &r->exact);
	if (st)
		return st;
	/* what the forgiving parser did with what it could not take */
	const char *qw = qp_warnings(r->exact.asts[0]);
	if (qw && !(res->warnings = strdup(qw)))
		return LEC_ENOMEM;
	if (qp_is_empty(r->exact.asts[0])) {
		buf_printf(r->err, "nothing to search for: the query has no words");
		return LEC_ESYNTAX;
	}
	r->stats.notes = 0;
	uint32_t docs = 0;
	if ((st = xap_db_doccount(r->s->db, &docs)) ||
	    (st = hit_reader_new(&r->hr, many_hits(req), searcher_notes(r->s))))
		return st;
	r->stats.notes = docs;
	r->stats.avg_passage = searcher_avg_passage(r->s);
	plan_page(r);
	if ((st = make_plans(r, &r->exact)) || (st = explain(r)) || (st = rank_exact(r, &s)))
		goto out;
	/* "Did you mean" when nothing matches the query as written */
	if (!s.passages && (st = search_suggest(r->s->db, req->query, req->query_len,
						r->exact.asts[0], &res->suggestion)))
		goto out;
	if (!s.passages && req->fix && res->suggestion) {
		xap_query_free(s.xq);
		memset(&s, 0, sizeof(s));
		release_hits(res);
		r->rank = 0;
		res->fixed = 1;
		if ((st = parse(r, res->suggestion, strlen(res->suggestion), &r->exact)) ||
		    (st = make_plans(r, &r->exact)) || (st = explain(r)) ||
		    (st = rank_exact(r, &s)))
			goto out;
	}
	st = rank_partial(r, &s);
	if (!st && req->sort_by_place && !req->on_hit)
		qsort(res->hits, res->nhits, sizeof(*res->hits), search_hit_cmp_place);
out:
	xap_query_free(s.xq);
	return st;
}

lec_status search_attempt(struct searcher *s, const struct search_req *req,
			  struct search_result *res, struct buf *err, uint64_t *given)
{
	struct run r = { .s = s, .req = req, .res = res, .err = err, .skip = *given };
	lec_status st = search_once(&r);
	run_release(&r);
	if (r.delivered > *given)
		*given = r.delivered;
	return st;
}
