/* hit.c - a matching passage as a placed, highlighted result (hit.h): the
 * reader, the note record, and a hit made of them (the file: hit-file.c;
 * where the passage is now: hit-locate.c). */
#include "hit-int.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "filerec.h"
#include "layout.h"
#include "limits.h"
#include "note.h"
#include "rootmap.h"
#include "snippet.h"
#include "vec.h"

lec_status hit_reader_new(struct hit_reader **out, int whole_notes, struct note_cache *notes)
{
	struct hit_reader *r = calloc(1, sizeof(*r));
	*out = r;
	if (!r)
		return LEC_ENOMEM;
	r->whole_notes = whole_notes;
	r->notes = notes;
	precord_init(&r->prec);
	match_text_init(&r->text);
	segmap_init(&r->map);
	return LEC_OK;
}

void hit_reader_free(struct hit_reader *r)
{
	if (!r)
		return;
	if (r->have_rec)
		rec_release(&r->rec);
	precord_release(&r->prec);
	match_text_release(&r->text);
	segmap_release(&r->map);
	hit_drop_file(r);
	hit_drop_long_line(r);
	free(r);
}

/* ---- the note record ------------------------------------------------------ */

static lec_status load_record(struct hit_reader *r, xap_db *db, xap_docid docid)
{
	if (r->have_rec && r->rec_db == db && r->rec_docid == docid)
		return LEC_OK;
	if (r->have_rec)
		rec_release(&r->rec);
	r->have_rec = 0;
	char *data = NULL;
	size_t len = 0;
	lec_status st = xap_db_document_data(db, docid, &data, &len);
	if (!st)
		st = rec_parse(data, len, &r->rec);
	free(data);
	if (st)
		return st;
	if (!rec_get(&r->rec, LEC_REC_PATH, NULL)) {
		rec_release(&r->rec);
		return LEC_ECORRUPT;
	}
	r->have_rec = 1;
	r->rec_db = db;
	r->rec_docid = docid;
	return LEC_OK;
}

lec_status hit_note_language(struct hit_reader *r, xap_db *db, xap_docid docid, const char **lang)
{
	lec_status st = load_record(r, db, docid);
	*lang = st ? NULL : rec_get(&r->rec, LEC_REC_LANG, NULL);
	return st;
}

lec_status hit_note_path(struct hit_reader *r, xap_db *db, xap_docid docid,
			 const struct rootmap *roots, char **path)
{
	lec_status st = load_record(r, db, docid);
	*path = NULL;
	if (st)
		return st;
	/* the record names the note by its key: its path is its root's now */
	const char *key = rec_get(&r->rec, LEC_REC_PATH, NULL);
	st = roots ? rootmap_path(roots, key, strlen(key), path) : LEC_ENOTFOUND;
	if (st == LEC_ENOMEM) /* not a key of no root: that shows the key */
		return st;
	if (st != LEC_OK)
		*path = strdup(key);
	return *path ? LEC_OK : LEC_ENOMEM;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* ---- occurrences and context ------------------------------------------------ */

static lec_status add_occurrence(struct hit_reader *r, struct search_hit *h,
				 const struct located *loc, size_t first, size_t last,
				 size_t *shown)
{
	const struct seg_word *a = &r->text.words[first], *b = &r->text.words[last];
	struct search_occurrence *no =
		vec_reserve(h->occ, &h->occ_cap, h->nocc + 1, sizeof(*no), 8);
	if (!no)
		return LEC_ENOMEM;
	h->occ = no;
	struct search_occurrence *o = &h->occ[h->nocc];
	size_t ls, le = hit_line_end_at(r, a->off), tl;
	const char *text;
	lec_status st = hit_line_start_at(r, a->off, &ls);
	if (!st)
		st = hit_line_head(r, ls, &text, &tl);
	if (st)
		return st;
	o->line = hit_line_of(r->fdata, loc->pstart, loc->pline, a->off);
	o->col = (uint32_t)(a->off - ls + 1);
	o->off = a->off;
	o->len = b->off + b->srclen - a->off;
	if (o->off + o->len > le)
		o->len = le - o->off;
	if (*shown + tl > LEC_MAX_OCCURRENCE_TEXT_BYTES)
		tl = 0; /* the hit has shown enough lines */
	*shown += tl;
	o->line_text = strndup(text, tl);
	if (!o->line_text)
		return LEC_ENOMEM;
	h->nocc++;
	return LEC_OK;
}

static lec_status collect_occurrences(struct hit_reader *r, struct search_hit *h,
				      const struct located *loc)
{
	size_t shown = 0;
	for (size_t i = 0; i < loc->nhits; i++) {
		lec_status st =
			add_occurrence(r, h, loc, loc->hits[i].first, loc->hits[i].last, &shown);
		if (st)
			return st;
	}
	return LEC_OK;
}

/* The matched words of the passage (loc's hits) in the context line that
 * starts at file offset ls and shows len bytes: into h->ctx_hl, so that
 * -C highlights the match as the snippet does. */
static lec_status line_highlights(struct hit_reader *r, struct search_hit *h,
				  const struct located *loc, size_t ls, size_t len)
{
	for (size_t i = 0; i < loc->nhits; i++) {
		for (size_t w = loc->hits[i].first; w <= loc->hits[i].last; w++) {
			size_t a = r->text.words[w].off, b = a + r->text.words[w].srclen;
			if (b <= ls || a >= ls + len)
				continue;
			a = a < ls ? ls : a;
			b = b > ls + len ? ls + len : b;
			struct search_ctx_range *v = vec_reserve(h->ctx_hl, &h->ctx_hl_cap,
								 h->nctx_hl + 1, sizeof(*v), 8);
			if (!v)
				return LEC_ENOMEM;
			h->ctx_hl = v;
			v[h->nctx_hl++] = (struct search_ctx_range){ (uint32_t)(h->ncontext - 1),
								     a - ls, b - a };
		}
	}
	return LEC_OK;
}

static lec_status push_line(struct hit_reader *r, struct search_hit *h, const struct located *loc,
			    size_t ls)
{
	const char *text;
	size_t len;
	lec_status st = hit_line_head(r, ls, &text, &len);
	if (!st)
		st = strv_push(&h->context, &h->ncontext, text, len);
	return st ? st : line_highlights(r, h, loc, ls, len);
}

static int cmp_ctx_range(const void *x, const void *y)
{
	const struct search_ctx_range *a = x, *b = y;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return (a->off > b->off) - (a->off < b->off);
}

/* Sorted, and overlapping or touching ranges of a line merged (a word
 * matched by two hits is one range). */
static void merge_ctx_ranges(struct search_hit *h)
{
	size_t m = 0;
	if (h->nctx_hl > 1)
		qsort(h->ctx_hl, h->nctx_hl, sizeof(*h->ctx_hl), cmp_ctx_range);
	for (size_t i = 0; i < h->nctx_hl; i++) {
		struct search_ctx_range *p = m ? &h->ctx_hl[m - 1] : NULL, *c = &h->ctx_hl[i];
		if (p && p->line == c->line && c->off <= p->off + p->len) {
			if (c->off + c->len > p->off + p->len)
				p->len = c->off + c->len - p->off;
		} else {
			h->ctx_hl[m++] = *c;
		}
	}
	h->nctx_hl = m;
}

/* 2n + 1 lines around the line holding off (h->line): up to n before it,
 * the rest after (more after near the start of the file), but only lines
 * that start within LEC_MAX_CONTEXT_BYTES of off, each cut at
 * LEC_MAX_LINE_BYTES: the window holds them all, and a hit's context costs
 * at most twice that plus a line, whatever n and the note's lines. */
static lec_status add_context(struct hit_reader *r, struct search_hit *h, const struct located *loc,
			      uint32_t n, size_t off)
{
	size_t ls, from;
	lec_status st = hit_line_start_at(r, off, &ls);
	if (st)
		return st;
	size_t lo = off > LEC_MAX_CONTEXT_BYTES ? off - LEC_MAX_CONTEXT_BYTES : 0;
	uint32_t before = 0;
	for (from = ls; before < n && from > lo && from - 1 >= r->wlo; before++) {
		const char *nl = memrchr(r->fdata + r->wlo, '\n', from - 1 - r->wlo);
		size_t prev = nl ? (size_t)(nl - r->fdata) + 1 : 0;
		if ((!nl && r->wlo > 0) || prev < lo)
			break; /* it starts too far back */
		from = prev;
	}
	h->ctx_first = h->line - before;
	for (size_t at = from; at < ls && !st;) {
		st = push_line(r, h, loc, at);
		at = hit_line_end_at(r, at) + 1;
	}
	if (!st)
		st = push_line(r, h, loc, ls);
	size_t at = hit_line_end_at(r, off) + 1;
	for (uint32_t i = before;
	     !st && i < 2 * n && at < r->flen && at < off + LEC_MAX_CONTEXT_BYTES; i++) {
		st = push_line(r, h, loc, at);
		at = hit_line_end_at(r, at) + 1;
	}
	if (!st)
		merge_ctx_ranges(h);
	return st;
}

/* ---- one hit ---------------------------------------------------------------- */

/* What the hit shows besides its place: the note's title and date, the
 * passage's headings and speakers. */
static lec_status copy_labels(struct search_hit *h, const struct hit_reader *r)
{
	const struct precord *p = &r->prec;
	const char *title = rec_get(&r->rec, LEC_REC_TITLE, NULL);
	const char *date = rec_get(&r->rec, LEC_REC_DATE, NULL);
	h->title = dup_or_null(title);
	h->date = dup_or_null(date);
	if ((title && !h->title) || (date && !h->date))
		return LEC_ENOMEM;
	for (size_t i = 0; i < p->nheadings; i++)
		if (strv_add(&h->headings, &h->nheadings, p->headings[i]))
			return LEC_ENOMEM;
	for (size_t i = 0; i < p->nspeakers; i++)
		if (strv_add(&h->speakers, &h->nspeakers, p->speakers[i]))
			return LEC_ENOMEM;
	return LEC_OK;
}

static lec_status load_passage(struct hit_reader *r, const struct hit_src *src)
{
	char *val = NULL;
	size_t len = 0;
	lec_status st = xap_db_document_value(src->db, src->docid, LEC_SLOT_PASSAGE0 + src->index,
					      &val, &len);
	if (!st)
		st = len ? precord_decode(&r->prec, val, len) : LEC_ECORRUPT;
	free(val);
	return st;
}

static lec_status place(struct hit_reader *r, const struct search_req *req, struct search_hit *h,
			const struct located *loc)
{
	size_t off = loc->nhits ? r->text.words[loc->hits[loc->best].first].off :
		     r->text.n  ? r->text.words[0].off :
				  loc->pstart;
	size_t ls;
	lec_status st = hit_line_start_at(r, off, &ls);
	if (st)
		return st;
	h->line = hit_line_of(r->fdata, loc->pstart, loc->pline, off);
	h->col = (uint32_t)(off - ls + 1);
	if (!h->places_only)
		st = snippet_make(r->fdata, r->flen, loc->map, loc->pstart, r->text.words,
				  r->text.n, loc->hits, loc->nhits, loc->best,
				  note_format_for_path(h->path) == NOTE_MARKDOWN, &h->snippet,
				  &h->highlights, &h->nhighlights);
	if (!st && req->occurrences)
		st = collect_occurrences(r, h, loc);
	if (!st && req->context)
		st = add_context(r, h, loc, req->context, off);
	return st;
}

/* Whether the note file at `path` is as the index saw it: its size and mtime
 * are those of its "f:" record (the indexer's own test of a change). */
static lec_status note_unchanged(struct hit_reader *r, xap_db *db, const char *path, int *same)
{
	const char *key = rec_get(&r->rec, LEC_REC_PATH, NULL);
	struct filerec fr;
	struct stat st;
	*same = 0;
	if (!key || stat(path, &st) != 0)
		return LEC_OK; /* read as usual: that tells a missing file */
	lec_status s = filerec_read(db, key, &fr);
	if (s == LEC_ENOTFOUND)
		return LEC_OK;
	if (s)
		return s;
	int64_t mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	*same = S_ISREG(st.st_mode) && (uint64_t)st.st_size == fr.size && mtime_ns == fr.mtime_ns;
	return LEC_OK;
}

lec_status hit_fill(struct hit_reader *r, const struct hit_src *src, const struct search_req *req,
		    struct search_hit *h)
{
	struct located loc = { 0 };
	int stale = 0;
	lec_status st = hit_note_path(r, src->db, src->docid, src->roots, &h->path);
	if (!st)
		st = load_passage(r, src);
	if (st)
		return st;
	const char *path = h->path;
	h->line = r->prec.line;
	h->col = 1;
	h->places_only = req->places_only && req->occurrences;
	if (!path || (!h->places_only && copy_labels(h, r)))
		return LEC_ENOMEM;
	if (req->no_snippets && src->own_meta) {
		int same = 0;
		st = note_unchanged(r, src->db, path, &same);
		if (st || same)
			return st;
	}
	st = hit_locate(r, src, path, req->context ? LEC_MAX_CONTEXT_BYTES : 0, &loc, &stale);
	h->stale = stale != 0;
	h->missing = stale == 2;
	if (!st && !stale)
		st = place(r, req, h, &loc);
	free(loc.hits);
	return st;
}
