/* docbuild.c - a note's passages as Xapian documents. */
#include "docbuild.h"

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
#include "record.h"
#include "segmap.h"
#include "stem.h"
#include "tokenize.h"

lec_status docbuild_init(struct docbuild *b, const char *default_language)
{
	memset(b, 0, sizeof(*b));
	b->default_language = default_language ? default_language : STEM_DEFAULT_LANGUAGE;
	hmap_init(&b->stems);
	hmap_init(&b->spelling);
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
	size_t i = 0;
	struct hmap_entry *e;
	while (hmap_next(&b->stems, &i, &e))
		free(e->value);
	hmap_release(&b->stems);
	hmap_release(&b->spelling);
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

/* Stem through the cache. *out valid until the builder is released. */
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
	struct hmap_entry *e;
	int created;
	if (hmap_put(&b->stems, key, ll + 1 + len, &e, &created))
		return LEC_ENOMEM;
	if (created) {
		const char *s;
		size_t sl;
		lec_status rc = stemmer_stem(st, w, len, &s, &sl);
		if (rc)
			return rc;
		e->value = strndup(s, sl);
		if (!e->value)
			return LEC_ENOMEM;
	}
	*out = e->value;
	*olen = strlen(e->value);
	return LEC_OK;
}

static void count_spelling(struct docbuild *b, const char *w, size_t len, unsigned flags)
{
	if (flags & (TOK_NUMERIC | TOK_CJK | TOK_LONG) || len < 2 || len > 32)
		return;
	/* Words with digits (ids, "word123") are not spelling material, and a
	 * corpus of many of them grows Xapian's spelling fragment lists into
	 * tags that glass cannot read back ("Too few chunks of compressed data"). */
	for (size_t i = 0; i < len; i++)
		if (w[i] >= '0' && w[i] <= '9')
			return;
	struct hmap_entry *e;
	if (hmap_put(&b->spelling, w, len, &e, NULL) == LEC_OK)
		e->value = (void *)((uintptr_t)e->value + 1);
}

lec_status docbuild_flush_spelling(struct docbuild *b, xap_db *db)
{
	size_t i = 0;
	struct hmap_entry *e;
	lec_status st = LEC_OK;
	while (!st && hmap_next(&b->spelling, &i, &e))
		st = xap_db_add_spelling(db, e->key, e->klen, (uint32_t)(uintptr_t)e->value);
	hmap_release(&b->spelling);
	hmap_init(&b->spelling);
	return st;
}

/* ---- one passage -------------------------------------------------------- */

struct pass_ctx {
	struct docbuild *b;
	stemmer *st;
	const unsigned char *heading_block;   /* per segmap block: 1 if a heading */
	size_t nblocks;
	char term[LEC_MAX_TERM_BYTES + 8];
	lec_status status;
};

static int on_passage_word(void *vctx, const struct seg_word *w)
{
	struct pass_ctx *c = vctx;
	if (w->flags & TOK_LONG)
		return 0;
	xap_doc_add_posting(c->b->doc, w->word, w->len, w->pos, 1);
	const char *s;
	size_t sl;
	c->status = cached_stem(c->b, c->st, w->word, w->len, &s, &sl);
	if (c->status)
		return 1;
	int heading = w->block < c->nblocks && c->heading_block[w->block];
	c->term[0] = 'Z';
	memcpy(c->term + 1, s, sl);
	xap_doc_add_term(c->b->doc, c->term, sl + 1, 1 + (heading ? LEC_HEADING_WDF_BOOST : 0));
	count_spelling(c->b, w->word, w->len, w->flags);
	return 0;
}

/* Terms shared by every passage of the note: title, path, tags, year, file. */
struct shared_terms {
	struct buf terms;       /* NUL-separated "term" entries, each preceded by a 4-byte pos (0 = no pos) */
	char *date_value;       /* YYYYMMDD or NULL */
	char file_term[20];
	const char *lang;       /* canonical stemming language (static) */
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
			       const char *path, const struct note *n)
{
	buf_init(&sh->terms, 0);
	tokenize_shared(sh, b, st, n->title, LEC_PFX_TITLE, LEC_PFX_TITLE_STEM);
	tokenize_shared(sh, b, st, path, LEC_PFX_PATH, NULL);
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
	docbuild_file_term(path, sh->file_term);
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
		else if (p[0] == LEC_PFX_YEAR[0] || p[0] == LEC_PFX_TAG[0] || p[0] == LEC_PFX_LANG[0])
			xap_doc_add_boolean_term(doc, p, len);
		else
			xap_doc_add_term(doc, p, len, 1);
		p += len + 1;
	}
	xap_doc_add_boolean_term(doc, sh->file_term, strlen(sh->file_term));
	xap_doc_set_value(doc, LEC_SLOT_FILE, sh->file_term + 1, strlen(sh->file_term + 1));
	if (sh->date_value)
		xap_doc_set_value(doc, LEC_SLOT_DATE, sh->date_value, 8);
}

static void shared_release(struct shared_terms *sh)
{
	buf_release(&sh->terms);
	free(sh->date_value);
}

/* Speaker terms of a passage: every word of each name, and the initials. */
static void add_speaker_terms(struct docbuild *b, const struct note_person *p, struct buf *data)
{
	struct shared_terms tmp;
	buf_init(&tmp.terms, 0);
	if (p->name)
		tokenize_shared(&tmp, b, b->stemmers[0], p->name, LEC_PFX_SPEAKER, NULL);
	if (p->initials)
		tokenize_shared(&tmp, b, b->stemmers[0], p->initials, LEC_PFX_SPEAKER, NULL);
	const char *s = tmp.terms.data, *end = s + tmp.terms.len;
	while (s && s < end) {
		s += sizeof(uint32_t);
		size_t len = strlen(s);
		xap_doc_add_term(b->doc, s, len, 1);
		s += len + 1;
	}
	buf_release(&tmp.terms);
	rec_puts(data, "speaker", p->name ? p->name : p->initials);
}

lec_status docbuild_passage_segmap(const struct note *n, const struct passage *p,
				   struct segmap *m, unsigned char *heading, size_t *nblocks)
{
	size_t nb = 0;
	for (size_t i = 0; i < p->nblocks; i++) {
		const struct note_block *bl = &n->blocks[p->first_block + i];
		int begun = 0;
		for (size_t k = 0; k < bl->seg_count; k++) {
			const struct note_segment *s = &n->segs[bl->seg_first + k];
			if (s->off < p->start || s->off + s->len > p->end)
				continue;
			/* a map block only with a segment: an empty block has no
			 * text form segmap_decode accepts */
			if (!begun) {
				if (segmap_begin_block(m))
					return LEC_ENOMEM;
				if (heading)
					heading[nb] = bl->kind == NOTE_BLOCK_HEADING;
				nb++;
				begun = 1;
			}
			if (segmap_add(m, s->off - p->start, s->len, s->repl, s->repl_len))
				return LEC_ENOMEM;
		}
	}
	if (nblocks)
		*nblocks = nb;
	return LEC_OK;
}

static void put_data(struct buf *d, const char *path, const struct note *n,
		     const struct passage *p, size_t index, const char *segs, size_t seglen,
		     const char *lang)
{
	rec_puts(d, "path", path);
	rec_put_u64(d, "start", p->start);
	rec_put_u64(d, "end", p->end);
	rec_put_u64(d, "line", p->line);
	for (size_t i = 0; i < p->nheadings; i++)
		rec_puts(d, "h", p->headings[i]);
	if (n->title)
		rec_puts(d, "title", n->title);
	if (n->date)
		rec_puts(d, "date", n->date);
	buf_printf(d, "hash\t%016" PRIx64 "\n",
		   (uint64_t)XXH3_64bits(n->src + p->start, p->end - p->start));
	rec_put(d, "segs", segs, seglen);
	rec_puts(d, "fmt", n->format == NOTE_MARKDOWN ? "md" : "txt");
	if (lang)
		rec_puts(d, "lang", lang);
	rec_put_u64(d, "n", index);
}

static lec_status passage_doc(struct docbuild *b, stemmer *st, const char *path,
			      const struct note *n, const struct passage *p, size_t index,
			      const struct shared_terms *sh)
{
	struct segmap m;
	struct buf data;
	unsigned char *heading = NULL;
	size_t nblocks = 0, seglen = 0;
	char *segs = NULL;
	segmap_init(&m);
	buf_init(&data, 0);
	if (!b->doc && !(b->doc = xap_doc_new()))
		return LEC_ENOMEM;
	xap_doc_clear(b->doc);
	heading = malloc(p->nblocks + 1);
	lec_status rc = heading ? docbuild_passage_segmap(n, p, &m, heading, &nblocks) : LEC_ENOMEM;
	struct pass_ctx c = { .b = b, .st = st, .heading_block = heading, .nblocks = nblocks };
	if (!rc)
		rc = segmap_words(&m, n->src + p->start, p->end - p->start, p->start,
				  on_passage_word, &c);
	if (rc == LEC_ESTOP)
		rc = c.status;
	if (!rc)
		rc = segmap_encode(&m, &segs, &seglen);
	if (!rc) {
		shared_apply(sh, b->doc);
		put_data(&data, path, n, p, index, segs, seglen, sh->lang);
		for (size_t i = 0; i < p->nspeakers; i++)
			if (p->speakers[i] < n->npeople)
				add_speaker_terms(b, &n->people[p->speakers[i]], &data);
		uint32_t be = (uint32_t)index;
		unsigned char pv[4] = { be >> 24, be >> 16, be >> 8, be };
		xap_doc_set_value(b->doc, LEC_SLOT_PASSAGE, (const char *)pv, 4);
		rc = data.status;
	}
	if (!rc)
		xap_doc_set_data(b->doc, data.data, data.len);
	free(segs);
	free(heading);
	buf_release(&data);
	segmap_release(&m);
	return rc;
}

/* Give initials-only speakers the name the directory's other notes know. */
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
			p->name = strdup(name);   /* NULL on ENOMEM: the initials stay */
	}
}

lec_status docbuild_file(struct docbuild *b, const char *path, const char *data, size_t len,
			 const char *lang_hint, docbuild_sink sink, docbuild_warn warn, void *ctx,
			 uint32_t *npassages, const char **used)
{
	struct note n;
	struct passage *ps = NULL;
	size_t np = 0;
	struct shared_terms sh;
	*npassages = 0;
	lec_status rc = note_parse(path, data, len, note_format_for_path(path), &n);
	if (rc)
		return rc;
	for (size_t i = 0; warn && i < n.nwarnings; i++)
		warn(ctx, n.warnings[i]);
	resolve_people(b, path, &n);
	stemmer *st = stemmer_for(b, n.lang ? n.lang : lang_hint);
	if (used)
		*used = stemmer_language(st);
	memset(&sh, 0, sizeof(sh));
	rc = passages_build(&n, &ps, &np);
	if (!rc)
		rc = shared_build(&sh, b, st, path, &n);
	for (size_t i = 0; !rc && i < np; i++) {
		rc = passage_doc(b, st, path, &n, &ps[i], i, &sh);
		if (!rc)
			rc = sink(ctx, b->doc);
		if (!rc && b->give_docs)
			b->doc = NULL;
	}
	if (!rc)
		*npassages = (uint32_t)np;
	shared_release(&sh);
	passages_free(ps, np);
	note_release(&n);
	return rc;
}
