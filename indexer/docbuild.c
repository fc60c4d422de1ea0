/* docbuild.c - a note's passages as Xapian documents (the spelling data and
 * stem dictionary it collects: docbuild-spell.c). */
#include "docbuild.h"
#include "docbuild-int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "buf.h"
#include "layout.h"
#include "limits.h"
#include "note.h"
#include "passage.h"
#include "ptable.h"
#include "record.h"
#include "rootmap.h"
#include "segmap.h"
#include "stem.h"
#include "stemdict.h"
#include "tokenize.h"

/* Empty the stem cache, freeing its stems. */
static void stems_clear(struct hmap *stems)
{
	size_t i = 0;
	struct hmap_entry *e;
	while (hmap_next(stems, &i, &e))
		free(e->value);
	hmap_clear(stems);
}

lec_status docbuild_init(struct docbuild *b, const char *default_language)
{
	memset(b, 0, sizeof(*b));
	b->default_language = default_language ? default_language : STEM_DEFAULT_LANGUAGE;
	hmap_init(&b->stems);
	hmap_init(&b->spelling);
	hmap_init(&b->synonyms);
	hmap_init(&b->zterms);
	buf_init(&b->rec, 0);
	b->doc = xap_doc_new();
	if (!b->doc)
		return LEC_ENOMEM;
	stemmer *st;
	lec_status s = stemmer_new(b->default_language, &st);
	if (s)
		return s;
	b->stemmers[b->nstemmers++] = st;
	return LEC_OK;
}

void docbuild_release(struct docbuild *b)
{
	stems_clear(&b->stems);
	hmap_release(&b->stems);
	hmap_release(&b->spelling);
	hmap_release(&b->synonyms);
	hmap_release(&b->zterms);
	buf_release(&b->rec);
	for (size_t k = 0; k < b->nstemmers; k++) {
		stemmer_free(b->stemmers[k]);
		free(b->stemmer_names[k]);
	}
	xap_doc_free(b->doc);
	free(b->err);
	memset(b, 0, sizeof(*b));
}

void docbuild_file_term(const char *path, char out[20])
{
	snprintf(out, 20, "%s%016" PRIx64, LEC_PFX_FILE, (uint64_t)XXH3_64bits(path, strlen(path)));
}

int docbuild_is_binary(const char *data, size_t len)
{
	size_t n = len < LEC_BINARY_SNIFF_BYTES ? len : LEC_BINARY_SNIFF_BYTES;
	size_t ctrl = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)data[i];
		if (c == 0)
			return 1;
		if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1b)
			ctrl++;
	}
	return n > 0 && ctrl * 10 > n;
}

/* The stemmer for a language name, created on first use; the default one
 * when the language is unknown or too many are in use. */
static stemmer *stemmer_for(struct docbuild *b, const char *lang)
{
	if (!lang || !stemmer_known(lang))
		return b->stemmers[0];
	for (size_t i = 0; i < b->nstemmers; i++)
		if (b->stemmer_names[i] && strcmp(b->stemmer_names[i], lang) == 0)
			return b->stemmers[i];
	stemmer *st;
	size_t max = sizeof(b->stemmers) / sizeof(b->stemmers[0]);
	if (b->nstemmers == max || stemmer_new(lang, &st))
		return b->stemmers[0];
	b->stemmer_names[b->nstemmers] = strdup(lang);
	b->stemmers[b->nstemmers++] = st;
	return st;
}

/* Stem through the cache, which starts over when it holds
 * LEC_STEM_CACHE_WORDS words (clearing is the simplest bound: a note's
 * vocabulary is mostly its directory's, refilled at once). *out is valid
 * until the next call. */
static lec_status cached_stem(struct docbuild *b, stemmer *st, const char *w, size_t len,
			      const char **out, size_t *olen)
{
	const char *lang = stemmer_language(st);
	char key[LEC_MAX_WORD_BYTES + 40];
	size_t ll = strlen(lang);
	if (ll + 1 + len > sizeof(key))
		return stemmer_stem(st, w, len, out, olen);
	memcpy(key, lang, ll);
	key[ll] = 0;
	memcpy(key + ll + 1, w, len);
	size_t klen = ll + 1 + len;
	struct hmap_entry *e = hmap_get(&b->stems, key, klen);
	if (!e) {
		/* stemmed before it is put: a failure leaves no entry without
		 * its stem behind */
		const char *s;
		size_t sl;
		lec_status rc = stemmer_stem(st, w, len, &s, &sl);
		if (rc)
			return rc;
		char *stem = strndup(s, sl);
		if (!stem)
			return LEC_ENOMEM;
		if (b->stems.n >= LEC_STEM_CACHE_WORDS)
			stems_clear(&b->stems);
		if (hmap_put(&b->stems, key, klen, &e, NULL)) {
			free(stem);
			return LEC_ENOMEM;
		}
		e->value = stem;
	}
	*out = e->value;
	*olen = strlen(e->value);
	return LEC_OK;
}

static void set_error(struct docbuild *b, const char *msg)
{
	free(b->err);
	b->err = strdup(msg);
}

const char *docbuild_error(const struct docbuild *b)
{
	return b->err ? b->err : "";
}

/* ---- the note's document ------------------------------------------------ */

/* Terms of the note as a whole: title, path, tags, year, file, language. */
struct shared_terms {
	struct buf
		terms; /* NUL-separated "term" entries, each preceded by a 4-byte pos (0 = no pos) */
	char *date_value; /* YYYYMMDD or NULL */
	char file_term[20];
	const char *lang; /* canonical stemming language (static) */
};

static void add_shared(struct shared_terms *sh, const char *prefix, const char *w, size_t len,
		       uint32_t pos)
{
	size_t pl = strlen(prefix);
	if (pl + len > LEC_MAX_TERM_BYTES)
		return;
	buf_put(&sh->terms, &pos, sizeof(pos));
	buf_puts(&sh->terms, prefix);
	buf_put(&sh->terms, w, len);
	buf_putc(&sh->terms, 0);
}

struct shared_tok_ctx {
	struct shared_terms *sh;
	struct docbuild *b;
	stemmer *st;
	const char *prefix, *stem_prefix;
	uint32_t pos;
};

static int on_shared_word(void *vctx, const tok_token *t)
{
	struct shared_tok_ctx *c = vctx;
	c->pos++;
	if (t->flags & TOK_LONG)
		return 0;
	add_shared(c->sh, c->prefix, t->word, t->len, c->pos);
	if (c->stem_prefix) {
		const char *s;
		size_t sl;
		if (cached_stem(c->b, c->st, t->word, t->len, &s, &sl) == LEC_OK)
			add_shared(c->sh, c->stem_prefix, s, sl, 0);
	}
	return 0;
}

static void tokenize_shared(struct shared_terms *sh, struct docbuild *b, stemmer *st,
			    const char *text, const char *prefix, const char *stem_prefix)
{
	if (!text)
		return;
	struct shared_tok_ctx c = { sh, b, st, prefix, stem_prefix, 0 };
	tok_text(text, strlen(text), 0, on_shared_word, &c);
}

/* "2019-06-04" / "2019-06" / "2019" -> "20190604" / "20190600" / "20190000" */
static char *date_value(const char *date)
{
	if (!date || strlen(date) < 4)
		return NULL;
	char v[9] = "00000000";
	size_t n = 0;
	for (const char *p = date; *p && n < 8; p++)
		if (*p >= '0' && *p <= '9')
			v[n++] = *p;
	if (n != 4 && n != 6 && n != 8)
		return NULL;
	return strdup(v);
}

static lec_status shared_build(struct shared_terms *sh, struct docbuild *b, stemmer *st,
			       const char *key, const struct note *n)
{
	const char *rel = rootmap_key_rel(key);
	buf_init(&sh->terms, 0);
	tokenize_shared(sh, b, st, n->title, LEC_PFX_TITLE, LEC_PFX_TITLE_STEM);
	/* path: is the path inside the root, which moves with the note */
	tokenize_shared(sh, b, st, rel ? rel : key, LEC_PFX_PATH, NULL);
	for (size_t i = 0; i < n->ntags; i++) {
		char *norm;
		size_t nl;
		if (tok_normalize(n->tags[i], strlen(n->tags[i]), &norm, &nl) == LEC_OK) {
			if (nl)
				add_shared(sh, LEC_PFX_TAG, norm, nl, 0);
			free(norm);
		}
	}
	sh->date_value = date_value(n->date);
	if (sh->date_value)
		add_shared(sh, LEC_PFX_YEAR, sh->date_value, 4, 0);
	docbuild_file_term(key, sh->file_term);
	const char *lang = stemmer_language(st);
	add_shared(sh, LEC_PFX_LANG, lang, strlen(lang), 0);
	sh->lang = lang;
	return sh->terms.status;
}

static void shared_apply(const struct shared_terms *sh, xap_doc *doc)
{
	const char *p = sh->terms.data, *end = p + sh->terms.len;
	while (p && p < end) {
		uint32_t pos;
		memcpy(&pos, p, sizeof(pos));
		p += sizeof(pos);
		size_t len = strlen(p);
		if (pos)
			xap_doc_add_posting(doc, p, len, pos, 1);
		else if (p[0] == LEC_PFX_YEAR[0] || p[0] == LEC_PFX_TAG[0] ||
			 p[0] == LEC_PFX_LANG[0])
			xap_doc_add_boolean_term(doc, p, len);
		else
			xap_doc_add_term(doc, p, len, 1);
		p += len + 1;
	}
	xap_doc_add_boolean_term(doc, sh->file_term, strlen(sh->file_term));
	if (sh->date_value)
		xap_doc_set_value(doc, LEC_SLOT_DATE, sh->date_value, 8);
}

static void shared_release(struct shared_terms *sh)
{
	buf_release(&sh->terms);
	free(sh->date_value);
}

/* The XS terms of each person of the note: every word of the name and the
 * initials, NUL-separated (tokenized once per note). */
struct people_terms {
	struct shared_terms *of; /* [note.npeople] */
	size_t n;
};

static lec_status people_terms_build(struct people_terms *pt, struct docbuild *b,
				     const struct note *n)
{
	pt->n = 0;
	pt->of = calloc(n->npeople ? n->npeople : 1, sizeof(*pt->of));
	if (!pt->of)
		return LEC_ENOMEM;
	for (size_t i = 0; i < n->npeople; i++, pt->n++) {
		const struct note_person *p = &n->people[i];
		buf_init(&pt->of[i].terms, 0);
		if (p->name)
			tokenize_shared(&pt->of[i], b, b->stemmers[0], p->name, LEC_PFX_SPEAKER,
					NULL);
		if (p->initials)
			tokenize_shared(&pt->of[i], b, b->stemmers[0], p->initials, LEC_PFX_SPEAKER,
					NULL);
		if (pt->of[i].terms.status)
			return LEC_ENOMEM;
	}
	return LEC_OK;
}

static void people_terms_release(struct people_terms *pt)
{
	for (size_t i = 0; i < pt->n; i++)
		buf_release(&pt->of[i].terms);
	free(pt->of);
	pt->of = NULL;
	pt->n = 0;
}

/* The speaker terms of person i at note position pos. */
static void post_speaker(xap_doc *doc, const struct people_terms *pt, size_t i, uint32_t pos)
{
	if (i >= pt->n)
		return;
	const char *s = pt->of[i].terms.data, *end = s + pt->of[i].terms.len;
	while (s && s < end) {
		s += sizeof(uint32_t);
		size_t len = strlen(s);
		xap_doc_add_posting(doc, s, len, pos, 1);
		s += len + 1;
	}
}

/* One passage's words, while its terms go into the note's document. */
struct pass_ctx {
	struct docbuild *b;
	stemmer *st;
	xap_doc *doc;
	const struct note *note;
	const struct passage *p;
	const struct people_terms *people;
	const size_t *map_block; /* per segmap block: its note block */
	size_t nblocks;
	uint32_t base;    /* note position before the passage */
	uint32_t last;    /* passage position of the last word so far */
	uint32_t words;   /* terms so far */
	uint32_t heading; /* last position of the opening heading (0: none) */
	long cur_block;   /* segmap block of the last word (-1: none yet) */
	char term[LEC_MAX_TERM_BYTES + 8];
	lec_status status;
};

/* The speakers of a passage are posted where they speak: a "JHD: ..." turn
 * at its first word; a presenter named under an earlier heading, who has no
 * turn in this passage, at the passage's first word. So `speaker:x` means
 * the passage's speaker, and a hit lands on the turn. */
static void post_speakers(struct pass_ctx *c, const struct seg_word *w)
{
	const struct note *n = c->note;
	if (c->cur_block < 0) {
		for (size_t i = 0; i < c->p->nspeakers; i++) {
			size_t who = c->p->speakers[i];
			int speaks = 0;
			for (size_t k = 0; k < c->p->nblocks && !speaks; k++)
				speaks = n->blocks[c->p->first_block + k].speaker == (int)who;
			if (!speaks)
				post_speaker(c->doc, c->people, who, c->base + w->pos);
		}
	}
	if ((long)w->block != c->cur_block && w->block < c->nblocks) {
		int who = n->blocks[c->map_block[w->block]].speaker;
		if (who >= 0)
			post_speaker(c->doc, c->people, (size_t)who, c->base + w->pos);
	}
	c->cur_block = (long)w->block;
}

static int on_passage_word(void *vctx, const struct seg_word *w)
{
	struct pass_ctx *c = vctx;
	uint32_t pos = c->base + w->pos;
	post_speakers(c, w);
	c->last = w->pos;
	if (w->flags & TOK_LONG)
		return 0;
	c->words++;
	xap_doc_add_posting(c->doc, w->word, w->len, pos, 1);
	const char *s;
	size_t sl;
	c->status = cached_stem(c->b, c->st, w->word, w->len, &s, &sl);
	if (c->status)
		return 1;
	const struct note_block *nb =
		w->block < c->nblocks ? &c->note->blocks[c->map_block[w->block]] : NULL;
	int in_heading = nb && nb->kind == NOTE_BLOCK_HEADING;
	uint32_t wdf = 1 + (in_heading ? LEC_HEADING_WDF_BOOST : 0);
	if (in_heading && w->block == 0)
		c->heading = w->pos;
	c->term[0] = LEC_PFX_STEM[0];
	memcpy(c->term + 1, s, sl);
	/* stems have no positions: a bare word's are its words' (stemdict.h).
	 * Summed here and given once per note (zterms_apply): Xapian keeps a
	 * document's terms in a std::map, a lookup per call. */
	struct hmap_entry *ze;
	c->status = hmap_put(&c->b->zterms, c->term, sl + 1, &ze, NULL);
	if (c->status)
		return 1;
	ze->value = (void *)((uintptr_t)ze->value + wdf);
	docbuild_count_spelling(c->b, w->word, w->len, w->flags);
	if (sl != w->len || memcmp(s, w->word, sl) != 0)
		c->status = docbuild_note_synonym(c->b, c->term, sl + 1, w->word, w->len);
	return c->status != LEC_OK;
}

/* The record of passage p (into b->rec), its value slot set on the doc. */
static lec_status passage_record(struct docbuild *b, xap_doc *doc, const struct note *n,
				 const struct passage *p, size_t index, struct segmap *m)
{
	struct precord rec;
	precord_init(&rec);
	rec.start = p->start;
	rec.end = p->end;
	rec.line = p->line;
	rec.hash = XXH3_64bits(n->src + p->start, p->end - p->start);
	rec.headings = p->headings;
	rec.nheadings = p->nheadings;
	/* borrowed: the map and the headings stay the caller's */
	rec.map = *m;
	char *names[64];
	size_t nn = 0;
	for (size_t i = 0; i < p->nspeakers && nn < sizeof(names) / sizeof(names[0]); i++) {
		const struct note_person *who =
			p->speakers[i] < n->npeople ? &n->people[p->speakers[i]] : NULL;
		if (who && (who->name || who->initials))
			names[nn++] = who->name ? who->name : who->initials;
	}
	rec.speakers = names;
	rec.nspeakers = nn;
	buf_reset(&b->rec);
	precord_encode(&rec, &b->rec);
	if (b->rec.status)
		return b->rec.status;
	xap_doc_set_value(doc, LEC_SLOT_PASSAGE0 + (unsigned)index, b->rec.data, b->rec.len);
	return LEC_OK;
}

/* Passage p's words into the doc at positions after *base; its table entry
 * and record. *base moves past it. */
static lec_status passage_terms(struct docbuild *b, stemmer *st, xap_doc *doc, const struct note *n,
				const struct passage *p, size_t index, uint32_t parent,
				const struct people_terms *people, struct ptable *table,
				uint32_t *base)
{
	struct segmap m;
	segmap_init(&m);
	size_t *map_block = malloc((p->nblocks + 1) * sizeof(*map_block)), nblocks = 0;
	lec_status rc = map_block ? passage_segmap(n, p, &m, map_block, &nblocks) : LEC_ENOMEM;
	struct pass_ctx c = { .b = b,
			      .st = st,
			      .doc = doc,
			      .note = n,
			      .p = p,
			      .people = people,
			      .map_block = map_block,
			      .nblocks = nblocks,
			      .base = *base,
			      .cur_block = -1 };
	if (!rc)
		rc = segmap_words_numbered(&m, n->src + p->start, p->end - p->start, p->start,
					   on_passage_word, &c);
	if (rc == LEC_ESTOP)
		rc = c.status;
	if (!rc && (uint64_t)*base + c.last + 2u * LEC_BLOCK_POSITION_GAP > LEC_MAX_POSITION) {
		set_error(b, "the note has too many words and blocks for one document "
			     "(over LEC_MAX_POSITION positions)");
		rc = LEC_ELIMIT;
	}
	struct ptable_entry e = { *base, c.last, c.words, c.heading, parent };
	if (!rc)
		rc = ptable_add(table, &e);
	if (!rc)
		rc = passage_record(b, doc, n, p, index, &m);
	*base += c.last + LEC_BLOCK_POSITION_GAP;
	free(map_block);
	segmap_release(&m);
	return rc;
}

static void put_note_record(struct buf *d, const char *key, const struct note *n, size_t npassages,
			    const char *lang)
{
	rec_puts(d, LEC_REC_PATH, key);
	if (n->title)
		rec_puts(d, LEC_REC_TITLE, n->title);
	if (n->date)
		rec_puts(d, LEC_REC_DATE, n->date);
	rec_puts(d, LEC_REC_FORMAT, n->format == NOTE_MARKDOWN ? "md" : "txt");
	rec_puts(d, LEC_REC_LANG, lang);
	rec_put_u64(d, LEC_REC_PASSAGES, npassages);
}

/* The note's stem terms, each once with its summed wdf; the table is
 * emptied for the next note (its memory kept). */
static void zterms_apply(struct docbuild *b, xap_doc *doc)
{
	size_t i = 0;
	struct hmap_entry *e;
	while (hmap_next(&b->zterms, &i, &e))
		xap_doc_add_term(doc, e->key, e->klen, (uint32_t)(uintptr_t)e->value);
	hmap_clear(&b->zterms);
}

/* Each passage's parent (ptable.h): the innermost heading of its path is
 * that of the passage that opened its section, found with a stack of the
 * open sections by heading level. parents[] has room for np. */
static void passage_parents(const struct note *n, const struct passage *ps, size_t np,
			    uint32_t *parents)
{
	struct {
		int level;
		uint32_t at;
	} open[LEC_MAX_HEADING_DEPTH + 1];
	size_t depth = 0;
	for (size_t i = 0; i < np; i++) {
		const struct note_block *first =
			ps[i].nblocks ? &n->blocks[ps[i].first_block] : NULL;
		if (first && first->kind == NOTE_BLOCK_HEADING) {
			while (depth && open[depth - 1].level >= first->level)
				depth--;
			parents[i] = depth ? open[depth - 1].at : 0;
			if (depth == sizeof(open) / sizeof(open[0]))
				depth--; /* deeper than headings go: the innermost wins */
			open[depth].level = first->level;
			open[depth++].at = (uint32_t)i + 1;
		} else {
			parents[i] = depth ? open[depth - 1].at : 0;
		}
	}
}

/* The note's document: every passage's terms at its own positions, the
 * shared terms once, the passage table, the records and the note record. */
static lec_status note_doc(struct docbuild *b, stemmer *st, const char *key, const struct note *n,
			   const struct passage *ps, size_t np, uint32_t *nwords)
{
	struct shared_terms sh;
	struct people_terms people = { 0 };
	struct ptable table;
	struct buf data;
	uint32_t base = 0;
	memset(&sh, 0, sizeof(sh));
	ptable_init(&table);
	buf_init(&data, 0);
	if (!b->doc && !(b->doc = xap_doc_new()))
		return LEC_ENOMEM;
	xap_doc_clear(b->doc);
	hmap_clear(&b->zterms); /* a note that failed half-way left some */
	uint32_t *parents = malloc((np ? np : 1) * sizeof(*parents));
	lec_status rc = parents ? shared_build(&sh, b, st, key, n) : LEC_ENOMEM;
	if (!rc)
		rc = people_terms_build(&people, b, n);
	if (!rc)
		passage_parents(n, ps, np, parents);
	for (size_t i = 0; !rc && i < np; i++)
		rc = passage_terms(b, st, b->doc, n, &ps[i], i, parents[i], &people, &table, &base);
	free(parents);
	if (!rc)
		zterms_apply(b, b->doc);
	if (!rc) {
		shared_apply(&sh, b->doc);
		buf_reset(&b->rec);
		ptable_encode(&table, &b->rec);
		rc = b->rec.status;
	}
	if (!rc) {
		xap_doc_set_value(b->doc, LEC_SLOT_PASSAGES, b->rec.data, b->rec.len);
		put_note_record(&data, key, n, np, sh.lang);
		rc = data.status;
	}
	if (!rc)
		xap_doc_set_data(b->doc, data.data, data.len);
	*nwords = 0;
	for (size_t i = 0; !rc && i < table.n; i++)
		*nwords += table.v[i].words;
	buf_release(&data);
	ptable_release(&table);
	people_terms_release(&people);
	shared_release(&sh);
	return rc;
}

/* Give initials-only speakers the name the directory's other notes know
 * (the directory of the note's key). */
static void resolve_people(struct docbuild *b, const char *path, struct note *n)
{
	if (b->people.learn)
		b->people.learn(b->people.ctx, path, n);
	if (!b->people.resolve)
		return;
	for (size_t i = 0; i < n->npeople; i++) {
		struct note_person *p = &n->people[i];
		if (p->name || !p->initials)
			continue;
		const char *name = b->people.resolve(b->people.ctx, path, p->initials);
		if (name)
			p->name = strdup(name); /* NULL on ENOMEM: the initials stay */
	}
}

lec_status docbuild_file(struct docbuild *b, const char *path, const char *key, const char *data,
			 size_t len, const char *lang_hint, docbuild_sink sink, docbuild_warn warn,
			 void *ctx, struct docbuild_counts *counts, const char **used)
{
	struct note n;
	struct passage *ps = NULL;
	size_t np = 0;
	uint32_t words = 0;
	memset(counts, 0, sizeof(*counts));
	lec_status rc = note_parse(path, data, len, note_format_for_path(path), &n);
	if (rc == LEC_ELIMIT)
		set_error(b, "the note is over LEC_MAX_NOTE_BYTES bytes or LEC_MAX_NOTE_BLOCKS "
			     "blocks (paragraphs, list items, lines of code)");
	if (rc)
		return rc;
	for (size_t i = 0; warn && i < n.nwarnings; i++)
		warn(ctx, n.warnings[i]);
	resolve_people(b, key, &n);
	stemmer *st = stemmer_for(b, n.lang ? n.lang : lang_hint);
	if (used)
		*used = stemmer_language(st);
	rc = passages_build(&n, &ps, &np);
	if (!rc)
		rc = note_doc(b, st, key, &n, ps, np, &words);
	if (!rc)
		rc = sink(ctx, b->doc);
	if (!rc && b->give_docs)
		b->doc = NULL;
	if (!rc) {
		counts->passages = (uint32_t)np;
		counts->words = words;
	}
	passages_free(ps, np);
	note_release(&n);
	return rc;
}
