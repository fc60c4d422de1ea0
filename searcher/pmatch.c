/* pmatch.c - which passages of an evaluated note match the plan, their
 * scores, and where in a passage the hits are (pmatch.h). Its own file
 * because it is the per-passage logic over positions already gathered
 * (pmatch-pos.c) for a plan already built (pmatch-plan.c): counting hits
 * per passage, evaluating the plan's nodes, BM25 and proximity, spans.
 */
#include "pmatch-int.h"

#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "vec.h"

/* Ranking constants of the passage score (tuned on the judged tc39 set,
 * bench/judged/: docs/index-layout.md gives the numbers).
 * BM25's k1 and b, over the passage's own term frequencies and length. */
#define PM_K1 1.2
#define PM_B 0.75
/* A word of the passage's opening heading counts this many times more. */
#define PM_HEADING_BOOST 1.0
/* Two query parts at distance d (positions) within this window add
 * min(idf) / d, times the weight. */
#define PM_PROX_WINDOW 8
#define PM_PROX_WEIGHT 0.5

/* ---- the note being evaluated ---------------------------------------------- */

void pm_note_init(struct pm_note *n)
{
	memset(n, 0, sizeof(*n));
	ptable_init(&n->table);
}

void pm_note_release(struct pm_note *n)
{
	for (size_t i = 0; i < n->nparts; i++)
		free(n->parts[i].pos);
	free(n->parts);
	free(n->counts);
	free(n->v);
	ptable_release(&n->table);
	pm_note_init(n);
}

/* ---- per passage ----------------------------------------------------------- */

static int note_level(enum part_kind k)
{
	return k >= NOTE_TERM;
}

/* The passage holding position pos, or t->n when none does (a passage's
 * first position is the boundary before it). Positions come in order:
 * *pi, where the last one was found, only moves on. */
static size_t passage_at(const struct ptable *t, size_t *pi, uint32_t pos)
{
	while (*pi < t->n && pos > t->v[*pi].first + t->v[*pi].span)
		(*pi)++;
	return *pi < t->n && pos > t->v[*pi].first ? *pi : t->n;
}

/* counts[part * np + passage]: the part's hits in each passage. */
static void count_hits(const struct pm_part_state *s, const struct ptable *t, uint32_t *counts)
{
	for (size_t i = 0, pi = 0; i < s->npos && pi < t->n; i++) {
		size_t p = passage_at(t, &pi, s->pos[i]);
		if (p < t->n)
			counts[p]++;
	}
}

/* A heading: part: the passages with one of its positions in their own
 * opening heading, then (parents come first) every passage whose heading
 * path goes through one of those. counts[] is 1 or 0 per passage. */
static void count_heading_hits(const struct pm_part_state *s, const struct ptable *t,
			       uint32_t *counts)
{
	for (size_t i = 0, pi = 0; i < s->npos && pi < t->n; i++) {
		size_t p = passage_at(t, &pi, s->pos[i]);
		if (p < t->n && s->pos[i] <= t->v[p].first + t->v[p].heading)
			counts[p] = 1;
	}
	for (size_t i = 0; i < t->n; i++)
		if (!counts[i] && t->v[i].parent)
			counts[i] = counts[t->v[i].parent - 1];
}

static int eval_node(const pm_plan *p, const struct pm_note *n, size_t node, size_t passage)
{
	const struct node *nd = &p->nodes[node];
	switch (nd->kind) {
	case N_TRUE:
		return 1;
	case N_FALSE:
		return 0;
	case N_PART:
		if (note_level(p->parts[nd->part].kind))
			return n->parts[nd->part].note_true;
		return n->counts[nd->part * n->table.n + passage] > 0;
	case N_AND:
		for (size_t i = 0; i < nd->nkids; i++)
			if (!eval_node(p, n, nd->kids[i], passage))
				return 0;
		return 1;
	case N_OR:
		for (size_t i = 0; i < nd->nkids; i++)
			if (eval_node(p, n, nd->kids[i], passage))
				return 1;
		return 0;
	case N_NOT:
		return !eval_node(p, n, nd->kids[0], passage);
	}
	return 0;
}

int pm_matches(const pm_plan *p, const struct pm_note *n, uint32_t index)
{
	return index < n->table.n && eval_node(p, n, p->root, index);
}

/* The positions of part s inside passage e: [*lo, *hi) of s->pos. */
static void in_passage(const struct pm_part_state *s, const struct ptable_entry *e, size_t *lo,
		       size_t *hi)
{
	size_t a = 0, b = s->npos;
	while (a < b) {
		size_t mid = a + (b - a) / 2;
		if (s->pos[mid] <= e->first)
			a = mid + 1;
		else
			b = mid;
	}
	*lo = a;
	b = a;
	while (b < s->npos && s->pos[b] <= e->first + e->span)
		b++;
	*hi = b;
}

/* The closest two positions of parts x and y within passage e. */
static uint32_t closest(const struct pm_part_state *x, const struct pm_part_state *y,
			const struct ptable_entry *e)
{
	size_t xa, xb, ya, yb;
	uint32_t best = UINT32_MAX;
	in_passage(x, e, &xa, &xb);
	in_passage(y, e, &ya, &yb);
	while (xa < xb && ya < yb) {
		uint32_t a = x->pos[xa], b = y->pos[ya];
		uint32_t d = a > b ? a - b : b - a;
		if (d && d < best)
			best = d;
		if (a < b)
			xa++;
		else
			ya++;
	}
	return best;
}

/* Hits of part s in passage e's opening heading. */
static uint32_t heading_hits(const struct pm_part_state *s, const struct ptable_entry *e)
{
	size_t lo, hi;
	uint32_t n = 0;
	if (!e->heading)
		return 0;
	in_passage(s, e, &lo, &hi);
	for (size_t i = lo; i < hi && s->pos[i] <= e->first + e->heading; i++)
		n++;
	return n;
}

static double score_passage(const pm_plan *p, const struct pm_note *n, size_t pi, uint32_t *held)
{
	const struct ptable_entry *e = &n->table.v[pi];
	double len = e->words ? e->words : 1, score = 0, prox = 0;
	double norm = PM_K1 * (1 - PM_B + PM_B * len / p->stats->avg_passage);
	*held = 0;
	for (size_t i = 0; i < p->nparts; i++) {
		const struct part *pt = &p->parts[i];
		uint32_t c = n->counts[i * n->table.n + pi];
		if (!pt->scoring || !c)
			continue;
		(*held)++;
		double tf = c + PM_HEADING_BOOST * heading_hits(&n->parts[i], e);
		score += pt->idf * tf * (PM_K1 + 1) / (tf + norm);
		for (size_t j = i + 1; j < p->nparts; j++) {
			if (!p->parts[j].scoring || !n->counts[j * n->table.n + pi])
				continue;
			uint32_t d = closest(&n->parts[i], &n->parts[j], e);
			double w = pt->idf < p->parts[j].idf ? pt->idf : p->parts[j].idf;
			if (d <= PM_PROX_WINDOW)
				prox += w / d;
		}
	}
	return score + PM_PROX_WEIGHT * prox;
}

static lec_status load_table(xap_db *db, xap_docid did, struct ptable *t)
{
	char *val = NULL;
	size_t len = 0;
	lec_status st = xap_db_document_value(db, did, LEC_SLOT_PASSAGES, &val, &len);
	if (!st)
		st = ptable_decode(t, val, len);
	free(val);
	return st;
}

static lec_status note_state(const pm_plan *p, struct pm_note *n)
{
	if (n->nparts < p->nparts) {
		struct pm_part_state *v = realloc(n->parts, p->nparts * sizeof(*v));
		if (!v)
			return LEC_ENOMEM;
		memset(v + n->nparts, 0, (p->nparts - n->nparts) * sizeof(*v));
		n->parts = v;
		n->nparts = p->nparts;
	}
	size_t need = p->nparts * n->table.n;
	uint32_t *c = vec_reserve(n->counts, &n->ccap, need ? need : 1, sizeof(*c), 64);
	if (!c)
		return LEC_ENOMEM;
	n->counts = c;
	memset(n->counts, 0, need * sizeof(*c));
	return LEC_OK;
}

lec_status pm_eval(pm_plan *p, xap_db *db, xap_docid docid, int remote, struct pm_note *n)
{
	n->docid = docid;
	n->n = 0;
	lec_status st = load_table(db, docid, &n->table);
	if (!st)
		st = note_state(p, n);
	for (size_t i = 0; !st && i < p->nparts; i++) {
		st = pmatch_gather(p, db, docid, remote, &p->parts[i], &n->parts[i]);
		if (!st && !note_level(p->parts[i].kind))
			(p->parts[i].in_heading ? count_heading_hits : count_hits)(
				&n->parts[i], &n->table, n->counts + i * n->table.n);
	}
	for (size_t pi = 0; !st && pi < n->table.n; pi++) {
		if (!eval_node(p, n, p->root, pi))
			continue;
		struct pm_passage *v = vec_reserve(n->v, &n->cap, n->n + 1, sizeof(*v), 16);
		if (!v)
			return LEC_ENOMEM;
		n->v = v;
		struct pm_passage *pp = &n->v[n->n++];
		pp->index = (uint32_t)pi;
		pp->score = score_passage(p, n, pi, &pp->held);
	}
	return st;
}

/* ---- spans ------------------------------------------------------------------ */

static int cmp_span(const void *a, const void *b)
{
	const struct pm_span *x = a, *y = b;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return (x->last > y->last) - (x->last < y->last);
}

lec_status pm_spans(const pm_plan *p, const struct pm_note *n, uint32_t index, struct pm_span **out,
		    size_t *nout)
{
	struct pm_span *v = NULL;
	size_t nv = 0, cap = 0;
	*out = NULL;
	*nout = 0;
	if (index >= n->table.n)
		return LEC_OK;
	const struct ptable_entry *e = &n->table.v[index];
	/* speaker turns only where no text part was found */
	for (int pass = 0; pass < 2 && !nv; pass++) {
		for (size_t i = 0; i < p->nparts; i++) {
			const struct part *pt = &p->parts[i];
			if (!pt->located || note_level(pt->kind) ||
			    (pass == 0) != (pt->kind != PART_SPEAKER))
				continue;
			size_t lo, hi;
			in_passage(&n->parts[i], e, &lo, &hi);
			for (size_t k = lo; k < hi; k++) {
				struct pm_span *nv2 = vec_reserve(v, &cap, nv + 1, sizeof(*v), 16);
				if (!nv2) {
					free(v);
					return LEC_ENOMEM;
				}
				v = nv2;
				uint32_t first = n->parts[i].pos[k];
				/* heading: shows its words in the passage's own heading */
				if (pt->in_heading && first > e->first + e->heading)
					continue;
				v[nv++] = (struct pm_span){ first, first + n->parts[i].len - 1,
							    pt->mkind, pt->idf };
			}
		}
	}
	if (nv > 1)
		qsort(v, nv, sizeof(*v), cmp_span);
	*out = v;
	*nout = nv;
	return LEC_OK;
}

size_t pm_best_span(const struct pm_span *spans, size_t n)
{
	size_t best = 0;
	for (size_t i = 0; i < n; i++) {
		if (spans[i].kind == MATCH_PHRASE)
			return i;
		if (spans[i].idf > spans[best].idf)
			best = i;
	}
	return best;
}
