/* pmatch-pos.c - where each part of a plan is in one candidate note: its
 * positions (a stem class's words merged, a phrase's starts, NEAR's
 * windows, a speaker's turns, a wildcard's words), or for a note-level
 * part whether the note holds it (pmatch-int.h). Its own file because
 * this is where a note's terms and positions are read from Xapian, with
 * the costs that shape it (a position list per term, posting lists read
 * once per plan for remote databases); pmatch.c reads only the passage
 * table, then counts and scores what was gathered here.
 */
#include "pmatch-int.h"

#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "limits.h"
#include "vec.h"

/* The note being evaluated, and where it is. */
struct note_src {
	pm_plan *p;
	xap_db *db;
	xap_docid did;
	int remote; /* in a remote database (pm_eval) */
};

/* ---- positions ----------------------------------------------------------- */

static lec_status pos_push(struct pm_part_state *s, uint32_t pos)
{
	uint32_t *v = vec_reserve(s->pos, &s->cap, s->npos + 1, sizeof(*v), 32);
	if (!v)
		return LEC_ENOMEM;
	s->pos = v;
	s->pos[s->npos++] = pos;
	return LEC_OK;
}

static lec_status note_holds(const struct note_src *ns, const char *term, size_t len, int *out);

/* Merge the ascending positions pos[0..n) into s's ascending list (several
 * words' lists make one: a stem class, a wildcard). A list of a term is
 * ascending and a position is one word's, so nothing repeats. */
static lec_status merge_positions(struct pm_part_state *s, const uint32_t *pos, size_t n)
{
	uint32_t *v = vec_reserve(s->pos, &s->cap, s->npos + n, sizeof(*v), 32);
	if (!v)
		return LEC_ENOMEM;
	s->pos = v;
	if (!s->npos || v[s->npos - 1] < pos[0]) {
		memcpy(v + s->npos, pos, n * sizeof(*pos));
		s->npos += n;
		return LEC_OK;
	}
	/* from the back: both lists ascending, the larger one goes last */
	size_t a = s->npos, b = n, w = s->npos + n;
	while (b) {
		if (a && v[a - 1] > pos[b - 1])
			v[--w] = v[--a];
		else
			v[--w] = pos[--b];
	}
	s->npos += n;
	return LEC_OK;
}

/* Append the positions of term in the note to `s`. With `filter` (or in a
 * remote note) the term's posting list, read once per plan, says first
 * whether the note holds it: each position list costs Xapian a cursor and
 * two block reads, even for a term the note does not hold, and most words
 * of a stem class (proposal, proposals, proposed...) are in few notes. */
static lec_status term_positions(const struct note_src *ns, const char *term, size_t len,
				 struct pm_part_state *s, int filter)
{
	uint32_t *pos = NULL;
	size_t n = 0;
	int held = 1;
	lec_status st = ns->remote || filter ? note_holds(ns, term, len, &held) : LEC_OK;
	if (!st && held)
		st = xap_db_positions(ns->db, ns->did, term, len, &pos, &n);
	if (!st && n)
		st = merge_positions(s, pos, n);
	free(pos);
	return st;
}

static lec_status add_term_positions(const struct note_src *ns, const char *term, size_t len,
				     struct pm_part_state *s)
{
	return term_positions(ns, term, len, s, 0);
}

/* Nonzero when the sorted list v[0..n) holds x (positions, or docids:
 * xap_docid is a uint32_t too). */
static int has_pos(const uint32_t *v, size_t n, uint32_t x)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo] == x;
}

/* Each term's positions, in lists[i] (malloc'd; the caller frees). */
static lec_status term_lists(const struct note_src *ns, const struct part *pt,
			     struct pm_part_state *lists)
{
	lec_status st = LEC_OK;
	for (size_t i = 0; i < pt->nterms && !st; i++)
		st = add_term_positions(ns, pt->terms[i], strlen(pt->terms[i]), &lists[i]);
	return st;
}

static void free_lists(struct pm_part_state *lists, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lists[i].pos);
	free(lists);
}

/* The positions p of term 0 with term i at p + step * i: step 1 for
 * PHRASE (and NOTE_PHRASE), its starts; step 0 for SPEAKER, the positions
 * where every term is (one turn of one person). */
static lec_status aligned(const struct note_src *ns, const struct part *pt, uint32_t step,
			  struct pm_part_state *s)
{
	struct pm_part_state *lists = calloc(pt->nterms, sizeof(*lists));
	if (!lists)
		return LEC_ENOMEM;
	lec_status st = term_lists(ns, pt, lists);
	for (size_t k = 0; !st && k < lists[0].npos; k++) {
		uint32_t p0 = lists[0].pos[k];
		int ok = 1;
		for (size_t i = 1; i < pt->nterms && ok; i++)
			ok = has_pos(lists[i].pos, lists[i].npos, p0 + step * (uint32_t)i);
		if (ok && (!s->npos || s->pos[s->npos - 1] != p0))
			st = pos_push(s, p0);
	}
	free_lists(lists, pt->nterms);
	return st;
}

static lec_status phrase_starts(const struct note_src *ns, const struct part *pt,
				struct pm_part_state *s)
{
	lec_status st = aligned(ns, pt, 1, s);
	s->len = (uint32_t)pt->nterms;
	return st;
}

/* NEAR: every occurrence of its words inside a window of `window`
 * positions that holds all of them (Xapian's NEAR window). */
struct tagged {
	uint32_t pos;
	uint32_t word;
};

static int cmp_tagged(const void *a, const void *b)
{
	const struct tagged *x = a, *y = b;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

static lec_status near_hits(const struct note_src *ns, const struct part *pt,
			    struct pm_part_state *s)
{
	struct pm_part_state *lists = calloc(pt->nterms, sizeof(*lists));
	struct tagged *all = NULL;
	unsigned char *mark = NULL, *have = calloc(pt->nterms, 1);
	size_t n = 0;
	lec_status st = lists && have ? term_lists(ns, pt, lists) : LEC_ENOMEM;
	for (size_t i = 0; !st && i < pt->nterms; i++)
		n += lists[i].npos;
	if (!st && n) {
		all = malloc(n * sizeof(*all));
		mark = calloc(n, 1);
		if (!all || !mark)
			st = LEC_ENOMEM;
	}
	size_t k = 0;
	for (size_t i = 0; !st && all && i < pt->nterms; i++)
		for (size_t j = 0; j < lists[i].npos; j++)
			all[k++] = (struct tagged){ lists[i].pos[j], (uint32_t)i };
	if (!st && n) {
		qsort(all, n, sizeof(*all), cmp_tagged);
		for (size_t a = 0; a < n; a++) {
			memset(have, 0, pt->nterms);
			size_t got = 0, b = a;
			for (; b < n && all[b].pos - all[a].pos < pt->window; b++)
				if (!have[all[b].word]++)
					got++;
			if (got == pt->nterms)
				memset(mark + a, 1, b - a);
		}
		for (size_t a = 0; a < n && !st; a++)
			if (mark[a] && (!s->npos || s->pos[s->npos - 1] != all[a].pos))
				st = pos_push(s, all[a].pos);
	}
	free(all);
	free(mark);
	free(have);
	if (lists)
		free_lists(lists, pt->nterms);
	return st;
}

/* WILDCARD: the note's own words with the prefix. */
struct wild_ctx {
	const struct note_src *ns;
	struct pm_part_state *s;
	size_t seen;
	lec_status st;
};

static int on_wild_term(void *vctx, const char *term, size_t len, uint32_t wdf)
{
	struct wild_ctx *c = vctx;
	(void)wdf;
	if (++c->seen > LEC_MAX_WILDCARD_EXPANSION)
		return 1;
	c->st = add_term_positions(c->ns, term, len, c->s);
	return c->st != LEC_OK;
}

static lec_status doc_prefix(const struct note_src *ns, const char *prefix, struct pm_part_state *s,
			     int *any)
{
	struct wild_ctx c = { ns, s, 0, LEC_OK };
	lec_status st = xap_db_doc_terms(ns->db, ns->did, prefix, strlen(prefix), on_wild_term, &c);
	if (any)
		*any = c.seen > 0;
	if (st == LEC_ESTOP)
		st = c.st;
	return st;
}

static int on_any_term(void *vctx, const char *term, size_t len, uint32_t wdf)
{
	(void)term;
	(void)len;
	(void)wdf;
	*(int *)vctx = 1;
	return 1;
}

static lec_status note_date(xap_db *db, xap_docid did, const struct part *pt, int *out)
{
	char *val = NULL;
	size_t len = 0;
	lec_status st = xap_db_document_value(db, did, LEC_SLOT_DATE, &val, &len);
	*out = !st && len && (!pt->lo || strcmp(val, pt->lo) >= 0) &&
	       (!pt->hi || strcmp(val, pt->hi) <= 0);
	free(val);
	return st;
}

/* ---- notes of a remote database ---------------------------------------------- */

/* Xapian's remote backend sends a note's termlist whole (14 ms for a tc39
 * note over loopback), a posting list once for every note and a position
 * list in 0.06 ms, while it answers a position list of a term the note
 * does not hold as slowly as any other. So for the notes of a remote
 * database, each term's posting list is read once per plan (p->held) and
 * only the positions of terms a note holds are asked for; prefixes are
 * expanded once per plan (part->remote) rather than from each termlist. */
struct docids {
	xap_docid *v;
	size_t n;
};

struct remote_terms {
	char **terms; /* the expansion of a prefix */
	size_t nterms;
};

void pmatch_remote_terms_free(struct remote_terms *r)
{
	if (!r)
		return;
	strv_free(r->terms, r->nterms);
	free(r);
}

void pmatch_held_release(struct hmap *held)
{
	size_t i = 0;
	struct hmap_entry *e;
	while (hmap_next(held, &i, &e)) {
		struct docids *d = e->value;
		if (d)
			free(d->v);
		free(d);
	}
	hmap_release(held);
}

static lec_status note_holds(const struct note_src *ns, const char *term, size_t len, int *out)
{
	struct hmap_entry *e;
	int created = 0;
	lec_status st = hmap_put(&ns->p->held, term, len, &e, &created);
	*out = 0;
	if (st)
		return st;
	if (created) {
		struct docids *d = calloc(1, sizeof(*d));
		if (!d)
			return LEC_ENOMEM;
		if ((st = xap_db_postings(ns->db, term, len, &d->v, &d->n))) {
			free(d);
			return st;
		}
		e->value = d;
	}
	const struct docids *d = e->value;
	if (!d)
		return LEC_ENOMEM; /* an earlier failure left the entry empty */
	*out = has_pos(d->v, d->n, ns->did);
	return LEC_OK;
}

static int on_expand(void *vctx, const char *term, size_t len, uint32_t tf)
{
	struct remote_terms *r = vctx;
	(void)tf;
	if (r->nterms >= LEC_MAX_WILDCARD_EXPANSION)
		return 1;
	return strv_push(&r->terms, &r->nterms, term, len) != LEC_OK;
}

static lec_status remote_expand(xap_db *db, struct part *pt)
{
	struct remote_terms *r = calloc(1, sizeof(*r));
	lec_status st = r ? xap_db_allterms(db, pt->terms[0], strlen(pt->terms[0]), on_expand, r) :
			    LEC_ENOMEM;
	if (st == LEC_ESTOP && r->nterms <= LEC_MAX_WILDCARD_EXPANSION)
		st = LEC_OK;
	if (st) {
		pmatch_remote_terms_free(r);
		return st == LEC_ESTOP ? LEC_ENOMEM : st;
	}
	pt->remote = r;
	return LEC_OK;
}

/* NOTE_PREFIX and WILDCARD in a remote note: the plan's expansion. */
static lec_status remote_prefix(const struct note_src *ns, struct part *pt, struct pm_part_state *s)
{
	lec_status st = pt->remote ? LEC_OK : remote_expand(ns->db, pt);
	for (size_t i = 0; !st && pt->remote && i < pt->remote->nterms; i++) {
		const char *t = pt->remote->terms[i];
		int held = 0;
		st = note_holds(ns, t, strlen(t), &held);
		if (st || !held)
			continue;
		s->note_true = 1;
		if (pt->kind != PART_WILDCARD)
			break;
		st = add_term_positions(ns, t, strlen(t), s);
	}
	return st;
}

static lec_status gather(const struct note_src *ns, struct part *pt, struct pm_part_state *s)
{
	lec_status st = LEC_OK;
	int any = 0;
	s->npos = 0;
	s->note_true = 0;
	s->len = 1;
	if (!pt->nterms && pt->kind != NOTE_DATE)
		return LEC_OK;
	if (ns->remote && (pt->kind == NOTE_PREFIX || pt->kind == PART_WILDCARD))
		return remote_prefix(ns, pt, s);
	switch (pt->kind) {
	case PART_TERMS:
		for (size_t i = 0; i < pt->nterms && !st; i++)
			st = term_positions(ns, pt->terms[i], strlen(pt->terms[i]), s,
					    pt->nterms > 1);
		return st;
	case PART_PHRASE:
		return phrase_starts(ns, pt, s);
	case PART_WILDCARD:
		return doc_prefix(ns, pt->terms[0], s, NULL);
	case PART_NEAR:
		return near_hits(ns, pt, s);
	case PART_SPEAKER:
		return aligned(ns, pt, 0, s);
	case NOTE_TERM:
		/* the posting list, read once per plan: a note's termlist is one
		 * compressed entry, inflated whole to find one term */
		return note_holds(ns, pt->terms[0], strlen(pt->terms[0]), &s->note_true);
	case NOTE_PREFIX:
		st = xap_db_doc_terms(ns->db, ns->did, pt->terms[0], strlen(pt->terms[0]),
				      on_any_term, &any);
		s->note_true = any;
		return st == LEC_ESTOP ? LEC_OK : st;
	case NOTE_PHRASE:
		st = phrase_starts(ns, pt, s);
		s->note_true = s->npos > 0;
		s->npos = 0;
		return st;
	case NOTE_DATE:
		return note_date(ns->db, ns->did, pt, &s->note_true);
	}
	return LEC_EINTERNAL;
}

lec_status pmatch_gather(pm_plan *p, xap_db *db, xap_docid did, int remote, struct part *pt,
			 struct pm_part_state *s)
{
	const struct note_src ns = { p, db, did, remote };
	return gather(&ns, pt, s);
}
