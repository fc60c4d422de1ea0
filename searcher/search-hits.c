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

#include "layout.h"
#include "limits.h"
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

static int cmp_value_key(const void *a, const void *b)
{
	const struct xap_value_key *x = a, *y = b;
	if (x->slot != y->slot)
		return x->slot < y->slot ? -1 : 1;
	return (x->docid > y->docid) - (x->docid < y->docid);
}

/* The records of items[0..n) into the index handle's value cache, each
 * value slot's in one pass (xap_db_read_values_ahead), before the hits read
 * them one by one. Why: a record is slot LEC_SLOT_PASSAGE0 + i of its note,
 * and Xapian reads a lone value by a lookup that reads its B-tree blocks
 * again each time: --all --format vimgrep consensus on tc39-notes read
 * 3,884 blocks of postlist.glass (31 MB) for its 2,390 hits. Not with a
 * remote shard (its value stream would bring every note's record). Only a
 * read-ahead: a failure is left to each hit's own read to report. */
static void read_ahead(struct run *r, const struct item *items, size_t n)
{
	if (n < 2 || searcher_has_remote(r->s))
		return;
	struct xap_value_key *k = malloc(n * sizeof(*k));
	if (!k)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct pm_note *note = &r->tier.notes[items[i].note];
		k[i] = (struct xap_value_key){ LEC_SLOT_PASSAGE0 + note->v[items[i].passage].index,
					       note->docid };
	}
	qsort(k, n, sizeof(*k), cmp_value_key);
	size_t nk = 1;
	for (size_t i = 1; i < n; i++)
		if (cmp_value_key(&k[i], &k[nk - 1]))
			k[nk++] = k[i];
	(void)xap_db_read_values_ahead(r->s->db, k, nk);
	free(k);
}

lec_status search_emit_items(struct run *r, const struct stream *s, const struct item *items,
			     size_t n, uint64_t first_rank)
{
	uint64_t off = r->req->offset;
	size_t i = first_rank >= off ? 0 : off - first_rank < n ? (size_t)(off - first_rank) : n;
	lec_status st = LEC_OK;
	while (!st && i < n) {
		size_t chunk = n - i < LEC_READ_AHEAD_RECORDS ? n - i : LEC_READ_AHEAD_RECORDS;
		read_ahead(r, items + i, chunk);
		for (size_t j = 0; !st && j < chunk; j++)
			if (!(st = search_check_time(r)))
				st = search_emit_item(r, s, &items[i + j]);
		i += chunk;
	}
	return st;
}
