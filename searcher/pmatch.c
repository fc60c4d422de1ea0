/* pmatch.c - the passages of a note that match a query, from positions
 * (pmatch.h). */
#include "pmatch.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "layout.h"
#include "limits.h"
#include "stemdict.h"
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

/* ---- the plan ------------------------------------------------------------ */

enum part_kind {
	PART_TERMS,    /* the union of some words' positions (a stem class, one word) */
	PART_PHRASE,   /* its words at consecutive positions: the starts */
	PART_WILDCARD, /* every word of the note with the prefix */
	PART_NEAR,     /* the words within a window: every occurrence in one */
	PART_SPEAKER,  /* every XS term at one position: a turn of that speaker */
	NOTE_TERM,     /* the note holds the term */
	NOTE_PREFIX,   /* the note holds a term with the prefix */
	NOTE_PHRASE,   /* the note's positions of these terms make a phrase */
	NOTE_DATE,     /* the note's date value is in [lo, hi] */
};

struct part {
	enum part_kind kind;
	int scoring;    /* a positive body part: BM25, proximity, held */
	int located;    /* not negated: its hits are shown */
	int in_heading; /* heading: only its positions in a heading of the
	                         * passage's heading path count (ptable parents) */
	enum match_kind mkind;
	char **terms; /* see part_kind; owned */
	size_t nterms;
	uint32_t window;             /* NEAR: its words lie within max - min < window */
	const char *lo, *hi;         /* DATE bounds (the AST's) */
	struct remote_terms *remote; /* NOTE_TERM, NOTE_PREFIX, WILDCARD in
	                               * remote notes (owned; made when needed) */
	double idf;
};

static void remote_terms_free(struct remote_terms *r);
static void held_release(struct hmap *held);

enum node_kind {
	N_PART,
	N_AND,
	N_OR,
	N_NOT,
	N_TRUE,
	N_FALSE
};

struct node {
	enum node_kind kind;
	size_t part;  /* N_PART */
	size_t *kids; /* indexes into the plan's nodes */
	size_t nkids;
};

struct pm_plan {
	struct part *parts;
	size_t nparts, pcap;
	struct node *nodes;
	size_t nnodes, ncap;
	size_t root;
	size_t nscoring;
	const struct pm_stats *stats;
	stemmer *st;
	xap_db *db;
	struct hmap held;  /* term -> struct docids: the notes holding it,
	                         * read once for the notes of remote databases */
	lec_status status; /* sticky while building */
};

/* The note being evaluated, and where it is. */
struct note_src {
	pm_plan *p;
	xap_db *db;
	xap_docid did;
	int remote; /* in a remote database (pm_eval) */
};

/* The state of one part in the note being evaluated. */
struct pm_part_state {
	uint32_t *pos; /* positions (PHRASE: starts), ascending, unique */
	size_t npos, cap;
	int note_true; /* NOTE_* parts */
	uint32_t len;  /* positions a hit covers (a phrase's words) */
};

static double idf_of(const pm_plan *p, double n)
{
	double N = p->stats->notes > 1 ? p->stats->notes : 1;
	if (n > N)
		n = N;
	return log(1.0 + (N - n + 0.5) / (n + 0.5));
}

static double term_idf_n(pm_plan *p, const char *term, size_t len)
{
	uint32_t tf = 0;
	if (xap_db_termfreq(p->db, term, len, &tf))
		tf = 0;
	return idf_of(p, tf);
}

static double term_idf(pm_plan *p, const char *term)
{
	return term_idf_n(p, term, strlen(term));
}

/* Room for one more zeroed element of the plan's array *v (*n used, *cap
 * allocated): its address, or NULL (p->status set) when memory runs out. */
static void *plan_grow(pm_plan *p, void **v, size_t *cap, size_t n, size_t elem)
{
	char *nv = vec_reserve(*v, cap, n + 1, elem, 8);
	if (!nv) {
		p->status = LEC_ENOMEM;
		return NULL;
	}
	*v = nv;
	memset(nv + n * elem, 0, elem);
	return nv + n * elem;
}

static size_t new_part(pm_plan *p, enum part_kind kind, int negated)
{
	void *parts = p->parts;
	struct part *pt = plan_grow(p, &parts, &p->pcap, p->nparts, sizeof(*pt));
	p->parts = parts;
	if (!pt)
		return 0;
	pt->kind = kind;
	pt->located = !negated;
	return p->nparts++;
}

static void part_term(pm_plan *p, size_t part, const char *pfx, const char *word, size_t len)
{
	struct part *pt = &p->parts[part];
	size_t pl = strlen(pfx);
	if (p->status)
		return;
	if (pl + len > LEC_MAX_TERM_BYTES)
		return; /* cannot be a term: matches nothing */
	char *t = malloc(pl + len + 1);
	if (!t || strv_take(&pt->terms, &pt->nterms, t)) {
		p->status = LEC_ENOMEM;
		return;
	}
	memcpy(t, pfx, pl);
	memcpy(t + pl, word, len);
	t[pl + len] = 0;
}

static size_t new_node(pm_plan *p, enum node_kind kind)
{
	void *nodes = p->nodes;
	struct node *nd = plan_grow(p, &nodes, &p->ncap, p->nnodes, sizeof(*nd));
	p->nodes = nodes;
	if (!nd)
		return 0;
	nd->kind = kind;
	return p->nnodes++;
}

static size_t part_node(pm_plan *p, size_t part)
{
	size_t n = new_node(p, N_PART);
	if (!p->status)
		p->nodes[n].part = part;
	return n;
}

/* The words a bare word stands for: the stem dictionary's words of its
 * stem in every database (stemdict.h) that stem to it with this query's
 * stemmer (a note of another language may have given the same stem to
 * other words), and the stem itself as a word. */
struct syn_ctx {
	pm_plan *p;
	size_t part;
	const char *stem;
	size_t slen;
};

static int stems_to(pm_plan *p, const char *word, size_t len, const char *stem, size_t slen)
{
	const char *s = word;
	size_t sl = len;
	if (p->st && stemmer_stem(p->st, word, len, &s, &sl))
		return 0;
	return sl == slen && memcmp(s, stem, slen) == 0;
}

static int have_term(const struct part *pt, const char *word, size_t len)
{
	for (size_t i = 0; i < pt->nterms; i++)
		if (strlen(pt->terms[i]) == len && memcmp(pt->terms[i], word, len) == 0)
			return 1;
	return 0;
}

static int on_stem_word(void *vctx, const char *word, size_t len)
{
	struct syn_ctx *c = vctx;
	if (c->p->parts[c->part].nterms >= LEC_MAX_WILDCARD_EXPANSION)
		return 1;
	if (stems_to(c->p, word, len, c->stem, c->slen) &&
	    !have_term(&c->p->parts[c->part], word, len))
		part_term(c->p, c->part, "", word, len);
	return c->p->status != LEC_OK;
}

static int on_stem_entry(void *vctx, const char *key, size_t klen, const char *val, size_t vlen)
{
	struct syn_ctx *c = vctx;
	(void)key;
	(void)klen;
	/* a damaged entry: the words before the damage still count */
	return stemdict_each(val, vlen, on_stem_word, c) == LEC_ESTOP;
}

static size_t word_part(pm_plan *p, const struct qp_word *w, int negated)
{
	size_t part = new_part(p, PART_TERMS, negated);
	if (p->status)
		return 0;
	p->parts[part].mkind = MATCH_WORD;
	if (stems_to(p, w->stem, w->stem_len, w->stem, w->stem_len))
		part_term(p, part, "", w->stem, w->stem_len);
	char key[LEC_MAX_TERM_BYTES + 16], zterm[LEC_MAX_TERM_BYTES + 2];
	size_t klen = stemdict_key(w->stem, w->stem_len, key);
	if (klen && !p->status) {
		struct syn_ctx c = { p, part, w->stem, w->stem_len };
		lec_status st = xap_db_metadata_parts(p->db, key, klen, on_stem_entry, &c);
		if (st && st != LEC_ESTOP && !p->status)
			p->status = st;
	}
	if (w->stem_len + 1 <= LEC_MAX_TERM_BYTES) {
		zterm[0] = LEC_PFX_STEM[0];
		memcpy(zterm + 1, w->stem, w->stem_len);
		p->parts[part].idf = term_idf_n(p, zterm, w->stem_len + 1);
	}
	return part;
}

/* The idf of a run of words: the rarest one's (a phrase is rarer still). */
static double words_idf(pm_plan *p, const struct part *pt)
{
	double best = 0;
	for (size_t i = 0; i < pt->nterms; i++) {
		double d = term_idf(p, pt->terms[i]);
		if (d > best)
			best = d;
	}
	return best;
}

static size_t words_part(pm_plan *p, enum part_kind kind, const char *pfx, const struct qp_node *n,
			 int negated)
{
	size_t part = new_part(p, kind, negated);
	for (size_t i = 0; i < n->nwords && !p->status; i++)
		part_term(p, part, pfx, n->words[i].word, n->words[i].len);
	if (!p->status && p->parts[part].nterms < n->nwords) {
		/* a word too long to be a term: the part matches nothing */
		strv_free(p->parts[part].terms, p->parts[part].nterms);
		p->parts[part].terms = NULL;
		p->parts[part].nterms = 0;
	}
	return part;
}

static size_t build(pm_plan *p, const struct qp_node *n, enum qp_field field, int negated);

static size_t body_leaf(pm_plan *p, const struct qp_node *n, int negated, int heading)
{
	size_t part = 0;
	switch (n->kind) {
	case QP_WORD:
		part = word_part(p, &n->words[0], negated);
		break;
	case QP_PHRASE:
		part = words_part(p, n->nwords == 1 ? PART_TERMS : PART_PHRASE, "", n, negated);
		if (!p->status) {
			p->parts[part].mkind = MATCH_PHRASE;
			p->parts[part].idf = words_idf(p, &p->parts[part]);
		}
		break;
	case QP_WILDCARD:
		part = words_part(p, PART_WILDCARD, "", n, negated);
		if (!p->status) {
			p->parts[part].mkind = MATCH_WILDCARD;
			p->parts[part].idf = idf_of(p, p->stats->notes / 4);
		}
		break;
	default: /* QP_NEAR */
		part = words_part(p, PART_NEAR, "", n, negated);
		if (!p->status) {
			p->parts[part].mkind = MATCH_NEAR;
			p->parts[part].window = n->distance + (uint32_t)n->nwords - 1;
			p->parts[part].idf = words_idf(p, &p->parts[part]);
		}
		break;
	}
	if (p->status)
		return 0;
	/* heading: selects passages; the words that score are the body's */
	p->parts[part].in_heading = heading;
	if (!negated && !heading) {
		p->parts[part].scoring = 1;
		p->nscoring++;
	}
	return part_node(p, part);
}

/* title: and path: are the note's: true or false for every passage. */
static size_t note_field(pm_plan *p, const struct qp_node *n, enum qp_field field, int negated)
{
	const char *word_pfx = field == QP_FIELD_TITLE ? LEC_PFX_TITLE : LEC_PFX_PATH;
	size_t part;
	if (n->kind == QP_WORD && field == QP_FIELD_TITLE) {
		part = new_part(p, NOTE_TERM, negated);
		part_term(p, part, LEC_PFX_TITLE_STEM, n->words[0].stem, n->words[0].stem_len);
	} else if (n->kind == QP_WORD || (n->kind == QP_PHRASE && n->nwords == 1)) {
		part = new_part(p, NOTE_TERM, negated);
		part_term(p, part, word_pfx, n->words[0].word, n->words[0].len);
	} else if (n->kind == QP_WILDCARD) {
		part = words_part(p, NOTE_PREFIX, word_pfx, n, negated);
	} else {
		part = words_part(p, NOTE_PHRASE, word_pfx, n, negated);
	}
	return p->status ? 0 : part_node(p, part);
}

/* speaker: where the speaker speaks: all the words at one position. */
static size_t speaker_field(pm_plan *p, const struct qp_node *n, int negated)
{
	size_t part;
	if (n->kind == QP_WILDCARD) {
		part = words_part(p, NOTE_PREFIX, LEC_PFX_SPEAKER, n, negated);
		return p->status ? 0 : part_node(p, part);
	}
	part = new_part(p, PART_SPEAKER, negated);
	const struct qp_node *const *kids =
		n->kind == QP_AND ? (const struct qp_node *const *)n->kids : &n;
	size_t nk = n->kind == QP_AND ? n->nkids : 1;
	size_t want = 0;
	for (size_t i = 0; i < nk && !p->status; i++)
		for (size_t k = 0; k < kids[i]->nwords; k++, want++)
			part_term(p, part, LEC_PFX_SPEAKER, kids[i]->words[k].word,
				  kids[i]->words[k].len);
	if (p->status)
		return 0;
	if (p->parts[part].nterms < want) {
		strv_free(p->parts[part].terms, p->parts[part].nterms);
		p->parts[part].terms = NULL;
		p->parts[part].nterms = 0;
	}
	p->parts[part].mkind = MATCH_WORD;
	return part_node(p, part);
}

static size_t filter_leaf(pm_plan *p, const struct qp_node *n, int negated)
{
	size_t part = new_part(p, n->kind == QP_DATE ? NOTE_DATE : NOTE_TERM, negated);
	if (p->status)
		return 0;
	if (n->kind == QP_TAG)
		part_term(p, part, LEC_PFX_TAG, n->value, strlen(n->value));
	else if (n->kind == QP_YEAR)
		part_term(p, part, LEC_PFX_YEAR, n->value, strlen(n->value));
	p->parts[part].lo = n->lo;
	p->parts[part].hi = n->hi;
	return p->status ? 0 : part_node(p, part);
}

static size_t group(pm_plan *p, const struct qp_node *n, enum node_kind kind, enum qp_field field,
		    int negated)
{
	size_t *kids = calloc(n->nkids ? n->nkids : 1, sizeof(*kids));
	if (!kids) {
		p->status = LEC_ENOMEM;
		return 0;
	}
	for (size_t i = 0; i < n->nkids && !p->status; i++)
		kids[i] = build(p, n->kids[i], field, negated);
	size_t node = new_node(p, kind);
	if (p->status) {
		free(kids);
		return 0;
	}
	p->nodes[node].kids = kids;
	p->nodes[node].nkids = n->nkids;
	return node;
}

static size_t build(pm_plan *p, const struct qp_node *n, enum qp_field field, int negated)
{
	if (p->status)
		return 0;
	switch (n->kind) {
	case QP_EMPTY:
	case QP_NOTHING:
		return new_node(p, N_FALSE);
	case QP_WORD:
	case QP_PHRASE:
	case QP_WILDCARD:
	case QP_NEAR:
		if (field == QP_FIELD_SPEAKER)
			return speaker_field(p, n, negated);
		if (field != QP_FIELD_BODY && field != QP_FIELD_HEADING)
			return note_field(p, n, field, negated);
		return body_leaf(p, n, negated, field == QP_FIELD_HEADING);
	case QP_AND:
		if (field == QP_FIELD_SPEAKER)
			return speaker_field(p, n, negated);
		return group(p, n, N_AND, field, negated);
	case QP_OR:
		return group(p, n, N_OR, field, negated);
	case QP_NOT:
		return group(p, n, N_NOT, field, !negated);
	case QP_FIELD:
		return build(p, n->kids[0], n->field, negated);
	case QP_TAG:
	case QP_YEAR:
	case QP_DATE:
		return filter_leaf(p, n, negated);
	}
	p->status = LEC_EINTERNAL;
	return 0;
}

lec_status pm_plan_new(const qp_ast *ast, stemmer *st, xap_db *db, const struct pm_stats *stats,
		       pm_plan **out)
{
	pm_plan *p = calloc(1, sizeof(*p));
	*out = NULL;
	if (!p)
		return LEC_ENOMEM;
	p->stats = stats;
	p->st = st;
	p->db = db;
	hmap_init(&p->held);
	p->root = build(p, qp_root(ast), QP_FIELD_BODY, 0);
	lec_status s = p->status;
	if (s) {
		pm_plan_free(p);
		return s;
	}
	*out = p;
	return LEC_OK;
}

void pm_plan_free(pm_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nparts; i++) {
		strv_free(p->parts[i].terms, p->parts[i].nterms);
		remote_terms_free(p->parts[i].remote);
	}
	held_release(&p->held);
	for (size_t i = 0; i < p->nnodes; i++)
		free(p->nodes[i].kids);
	free(p->parts);
	free(p->nodes);
	free(p);
}

size_t pm_plan_parts(const pm_plan *p)
{
	return p->nscoring;
}

/* ---- positions ----------------------------------------------------------- */

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

/* PHRASE (and NOTE_PHRASE): the starts p of word 0 with word i at p + i. */
static lec_status phrase_starts(const struct note_src *ns, const struct part *pt,
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
			ok = has_pos(lists[i].pos, lists[i].npos, p0 + (uint32_t)i);
		if (ok)
			st = pos_push(s, p0);
	}
	free_lists(lists, pt->nterms);
	s->len = (uint32_t)pt->nterms;
	return st;
}

/* SPEAKER: the positions where every term is (one turn of one person). */
static lec_status speaker_turns(const struct note_src *ns, const struct part *pt,
				struct pm_part_state *s)
{
	struct pm_part_state *lists = calloc(pt->nterms, sizeof(*lists));
	if (!lists)
		return LEC_ENOMEM;
	lec_status st = term_lists(ns, pt, lists);
	for (size_t k = 0; !st && k < lists[0].npos; k++) {
		int ok = 1;
		for (size_t i = 1; i < pt->nterms && ok; i++)
			ok = has_pos(lists[i].pos, lists[i].npos, lists[0].pos[k]);
		if (ok && (!s->npos || s->pos[s->npos - 1] != lists[0].pos[k]))
			st = pos_push(s, lists[0].pos[k]);
	}
	free_lists(lists, pt->nterms);
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

static void remote_terms_free(struct remote_terms *r)
{
	if (!r)
		return;
	strv_free(r->terms, r->nterms);
	free(r);
}

static void held_release(struct hmap *held)
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
		remote_terms_free(r);
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
		return speaker_turns(ns, pt, s);
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

/* ---- per passage ----------------------------------------------------------- */

static int note_level(enum part_kind k)
{
	return k >= NOTE_TERM;
}

/* counts[part * np + passage]: the part's hits in each passage. */
static void count_hits(const struct pm_part_state *s, const struct ptable *t, uint32_t *counts)
{
	size_t pi = 0;
	for (size_t i = 0; i < s->npos; i++) {
		uint32_t pos = s->pos[i];
		while (pi < t->n && pos > t->v[pi].first + t->v[pi].span)
			pi++;
		if (pi == t->n)
			break;
		if (pos > t->v[pi].first)
			counts[pi]++;
	}
}

/* A heading: part: the passages with one of its positions in their own
 * opening heading, then (parents come first) every passage whose heading
 * path goes through one of those. counts[] is 1 or 0 per passage. */
static void count_heading_hits(const struct pm_part_state *s, const struct ptable *t,
			       uint32_t *counts)
{
	size_t pi = 0;
	for (size_t i = 0; i < s->npos; i++) {
		uint32_t pos = s->pos[i];
		while (pi < t->n && pos > t->v[pi].first + t->v[pi].span)
			pi++;
		if (pi == t->n)
			break;
		if (pos > t->v[pi].first && pos <= t->v[pi].first + t->v[pi].heading)
			counts[pi] = 1;
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
	const struct note_src ns = { p, db, docid, remote };
	n->docid = docid;
	n->n = 0;
	lec_status st = load_table(db, docid, &n->table);
	if (!st)
		st = note_state(p, n);
	for (size_t i = 0; !st && i < p->nparts; i++) {
		st = gather(&ns, &p->parts[i], &n->parts[i]);
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
