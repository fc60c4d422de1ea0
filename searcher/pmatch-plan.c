/* pmatch-plan.c - the plan of a query (pmatch.h): its AST compiled into
 * parts, what to look up in a note (a stem class, a phrase, a prefix, a
 * note-level term or date), and nodes, how the parts combine (AND, OR,
 * NOT). Its own file because building is done once per query and
 * language, from the AST, the stem dictionary and the term statistics,
 * while pmatch-pos.c and pmatch.c run once per candidate note and only
 * read the plan (pmatch-int.h).
 */
#include "pmatch-int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "limits.h"
#include "stemdict.h"
#include "vec.h"

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
		pmatch_remote_terms_free(p->parts[i].remote);
	}
	pmatch_held_release(&p->held);
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
