/* search-order.c - the passages of a search in orders other than rank
 * (search-int.h): every matching passage by place (--all by place,
 * vimgrep), note by note in path order, and --count's candidate notes in
 * docid order. Its own file because neither ranks: they take every
 * candidate note at once, where search.c takes them tier by tier.
 */
#include "search-int.h"

#include <stdlib.h>
#include <string.h>

#include "limits.h"

/* A candidate note and where it sorts. */
struct placed {
	char *path;
	uint32_t k; /* its index in the mset */
};

static int cmp_placed(const void *a, const void *b)
{
	const struct placed *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	return c ? c : (x->k > y->k) - (x->k < y->k);
}

/* Every matching passage in place order (--all by place: vimgrep): the
 * candidate notes sorted by path, each note's passages in file order, which
 * is the order a sort of every hit by path and line gives (but for a note
 * changed since indexing, whose passages are found again where they are
 * now), without holding the hits: each can be given as it is made
 * (req->on_hit). Costs a record read per candidate note. */
lec_status search_by_place(struct run *r, struct stream *s)
{
	xap_mset *m = NULL;
	lec_status st = search_notes_page(r, s, 0, 0, 0, &m);
	uint32_t size = st ? 0 : xap_mset_size(m);
	struct placed *v = size ? calloc(size, sizeof(*v)) : NULL;
	if (size && !v)
		st = LEC_ENOMEM;
	for (uint32_t k = 0; !st && k < size; k++) {
		xap_docid did = xap_mset_docid(m, k);
		v[k].k = k;
		st = hit_note_path(r->hr, r->s->db, did, searcher_doc_roots(r->s, did), &v[k].path);
	}
	if (!st && size)
		qsort(v, size, sizeof(*v), cmp_placed);
	if (!st)
		st = search_tier_reserve(&r->tier, LEC_READ_AHEAD_NOTES + 1);
	/* a batch of notes at a time, so that their hits' records are read
	 * together (search_emit_items); note_items lists each note's passages
	 * in file order, after the notes before it */
	for (uint32_t i = 0; !st && i < size; i += LEC_READ_AHEAD_NOTES) {
		struct tier *t = &r->tier;
		uint32_t n = size - i < LEC_READ_AHEAD_NOTES ? size - i : LEC_READ_AHEAD_NOTES;
		t->nitems = 0;
		for (uint32_t b = 0; !st && b < n; b++)
			if (!(st = search_check_time(r)))
				st = search_eval_note(r, s, m, v[i + b].k, b);
		if (!st)
			st = search_emit_items(r, s, t->items, t->nitems, r->rank);
		r->rank += t->nitems;
		s->passages += t->nitems;
	}
	s->notes_done = s->estimated = size;
	s->exhausted = 1;
	for (uint32_t k = 0; v && k < size; k++)
		free(v[k].path);
	free(v);
	xap_mset_free(m);
	return st;
}

/* --count: every candidate note's matching passages, in docid order. */
lec_status search_count_all(struct run *r, struct stream *s)
{
	xap_mset *m = NULL;
	lec_status st = search_notes_page(r, s, 0, 0, 1, &m);
	lec_status lt = search_tier_reserve(&r->tier, 1);
	if (!st)
		st = lt;
	uint32_t size = st ? 0 : xap_mset_size(m);
	for (uint32_t k = 0; !st && k < size; k++) {
		xap_docid did = xap_mset_docid(m, k);
		size_t lang = 0;
		if ((st = search_check_time(r)))
			break;
		st = search_note_lang(r, s->q, did, &lang);
		if (!st)
			st = pm_eval(s->q->plans[lang], r->s->db, did,
				     searcher_doc_remote(r->s, did), &r->tier.notes[0]);
		s->passages += r->tier.notes[0].n;
	}
	s->exhausted = 1;
	xap_mset_free(m);
	return st;
}
