/* search-hits.c - a ranked passage made into a hit (search-int.h): where
 * the plan matched in it (pm_spans), its file, line, snippet and headings
 * (hit.h), given to the caller's callback or kept in the result. Its own
 * file because it is the one step of a search that reads the notes' files,
 * the same whatever order the passages came in (search.c's ranking or
 * search-order.c's place order).
 */
#include "search-int.h"

#include <stdlib.h>
#include <string.h>

#include "vec.h"

static lec_status text_matcher(struct run *r, const struct lquery *q, size_t lang,
			       match_query **out)
{
	struct lquery *mq = (struct lquery *)q;
	if (!mq->mqs[lang]) {
		lec_status st = match_query_new(q->asts[lang], r->s->st[lang], &mq->mqs[lang]);
		if (st)
			return st;
	}
	*out = mq->mqs[lang];
	return LEC_OK;
}

static lec_status push_hit(struct run *r, struct search_hit **out)
{
	struct search_result *res = r->res;
	struct search_hit *v = vec_reserve(res->hits, &r->hcap, res->nhits + 1, sizeof(*v), 16);
	if (!v)
		return LEC_ENOMEM;
	res->hits = v;
	*out = &res->hits[res->nhits++];
	memset(*out, 0, sizeof(**out));
	return LEC_OK;
}

lec_status search_emit_item(struct run *r, const struct stream *s, const struct item *it)
{
	struct tier *t = &r->tier;
	const struct pm_note *n = &t->notes[it->note];
	size_t lang = t->lang[it->note];
	uint32_t index = n->v[it->passage].index;
	struct pm_span *spans = NULL;
	size_t nspans = 0;
	struct search_hit one = { 0 }, *h = &one;
	if (r->req->on_hit && r->delivered++ < r->skip)
		return LEC_OK; /* given by an attempt before a retry */
	lec_status st = r->req->on_hit ? LEC_OK : push_hit(r, &h);
	if (st)
		return st;
	st = pm_spans(s->q->plans[lang], n, index, &spans, &nspans);
	struct hit_src src = { .db = r->s->db,
			       .docid = n->docid,
			       .entry = &n->table.v[index],
			       .index = index,
			       .spans = spans,
			       .nspans = nspans,
			       .root = qp_root(s->q->asts[lang]),
			       .roots = searcher_doc_roots(r->s, n->docid),
			       .own_meta =
				       r->s->nsubs <= 1 && !searcher_doc_remote(r->s, n->docid) };
	if (!st)
		st = text_matcher(r, s->q, lang, &src.mq);
	if (!st)
		st = hit_fill(r->hr, &src, r->req, h);
	h->score = it->score;
	h->partial = s->partial;
	if (r->req->files)
		h->file_matches = it->count;
	free(spans);
	if (r->req->on_hit) {
		if (!st)
			st = r->req->on_hit(r->req->on_hit_ctx, r->res, h);
		search_hit_release(h);
	}
	return st;
}
