/* hit.c - a matching passage as a placed, highlighted result (hit.h). */
#include "hit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "docbuild.h"
#include "filerec.h"
#include "layout.h"
#include "rootmap.h"
#include "limits.h"
#include "note.h"
#include "notefile.h"
#include "passage.h"
#include "paths.h"
#include "ptable.h"
#include "record.h"
#include "segmap.h"
#include "snippet.h"
#include "vec.h"

struct hit_reader {
	/* the note record of the last docid asked for */
	xap_db *rec_db;
	xap_docid rec_docid;
	struct record rec;
	int have_rec;
	struct precord prec;
	struct match_text text;
	struct segmap map;      /* of a relocated passage */
	/* the last file read, kept for the next hit in the same file */
	char *fpath, *fdata;    /* all of it, or a window */
	size_t flen;
	int fwhole;             /* fdata is the whole file */
	size_t wstart, wend;    /* the passage the window was read for */
	lec_status fstatus;
	/* term frequencies for the best hit of a relocated passage */
	struct { char word[32]; size_t len; uint32_t tf; } tf[16];
	size_t ntf;
};

lec_status hit_reader_new(struct hit_reader **out)
{
	struct hit_reader *r = calloc(1, sizeof(*r));
	*out = r;
	if (!r)
		return LEC_ENOMEM;
	precord_init(&r->prec);
	match_text_init(&r->text);
	segmap_init(&r->map);
	return LEC_OK;
}

static void drop_file(struct hit_reader *r)
{
	free(r->fpath);
	free(r->fdata);
	r->fpath = r->fdata = NULL;
	r->flen = 0;
	r->fwhole = 0;
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
	drop_file(r);
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

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* ---- the file --------------------------------------------------------------- */

static lec_status load_file(struct hit_reader *r, const char *path)
{
	if (r->fpath && r->fwhole && strcmp(r->fpath, path) == 0)
		return r->fstatus;
	drop_file(r);
	r->fpath = strdup(path);
	if (!r->fpath)
		return LEC_ENOMEM;
	r->fwhole = 1;
	r->fstatus = notefile_read(path, LEC_MAX_NOTE_BYTES, &r->fdata, &r->flen, NULL);
	return r->fstatus;
}

/* Bytes read around a passage: enough to reach the start of its first line
 * and the end of its last one in all but very long lines. */
#define WINDOW_SLACK 4096

/* What a hit needs of its file: the lines of the passage [start, end), read
 * at their offsets (notefile_read_window), instead of a whole note that may
 * be hundreds of kilobytes for one sentence. Lines longer than the slack,
 * context lines, and a note whose text is not its bytes (UTF-16: the index's
 * offsets are into the decoded text) take the whole file. */
static lec_status load_window(struct hit_reader *r, const char *path, size_t start, size_t end,
			      int context)
{
	if (r->fpath && strcmp(r->fpath, path) == 0 &&
	    (r->fwhole || (r->wstart == start && r->wend == end)))
		return r->fstatus;
	if (context || start > end)
		return load_file(r, path);
	drop_file(r);
	r->fpath = strdup(path);
	if (!r->fpath)
		return LEC_ENOMEM;
	size_t lo = start > WINDOW_SLACK ? start - WINDOW_SLACK : 0;
	size_t hi = end + WINDOW_SLACK < end ? end : end + WINDOW_SLACK;
	uint64_t size = 0;
	int whole = 0;
	r->fstatus = notefile_read_window(path, LEC_MAX_NOTE_BYTES, lo, hi, &r->fdata, &r->flen,
					  &size, &whole);
	if (!r->fstatus && whole && r->flen == size) {
		r->fwhole = 1;
		return LEC_OK;
	}
	if (r->fstatus || end > r->flen)
		return r->fstatus;   /* a shorter file: stale, found again with the whole */
	int head = lo == 0 || memrchr(r->fdata + lo, '\n', start - lo) != NULL;
	int tail = r->flen == size || memchr(r->fdata + end, '\n', r->flen - end) != NULL;
	if (!head || !tail)
		return load_file(r, path);
	r->fwhole = lo == 0 && r->flen == size;
	r->wstart = start;
	r->wend = end;
	return LEC_OK;
}

static uint32_t line_of(const char *data, size_t from, uint32_t from_line, size_t off)
{
	uint32_t line = from_line;
	for (size_t i = from; i < off; i++)
		line += data[i] == '\n';
	return line;
}

static size_t line_start(const char *data, size_t off)
{
	while (off > 0 && data[off - 1] != '\n')
		off--;
	return off;
}

/* ---- where the passage is now ------------------------------------------------ */

/* A passage's words and the query's hits in them. */
struct located {
	struct match_hit *hits;
	size_t nhits;
	size_t best;            /* the hit to show */
	const struct segmap *map;
	size_t pstart, pend;    /* passage byte range in the current file */
	uint32_t pline;         /* line of pstart */
};

/* The word at passage position pos in r->text (words ascending), or -1. */
static long word_at(const struct hit_reader *r, uint32_t pos)
{
	size_t lo = 0, hi = r->text.n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->text.words[mid].pos < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->text.n && r->text.words[lo].pos == pos ? (long)lo : -1;
}

/* The passage is where the index says: tokenize the blocks that hold its
 * spans and turn each span into a hit on those words. */
static lec_status place_spans(struct hit_reader *r, const struct hit_src *src,
			      struct located *loc)
{
	const struct segmap *m = &r->prec.map;
	uint32_t base = src->entry->first;
	size_t bmin = 0, bmax = 0;
	if (src->nspans) {
		bmin = segmap_block_at(m, src->spans[0].first - base);
		for (size_t i = 0; i < src->nspans; i++) {
			size_t b = segmap_block_at(m, src->spans[i].last - base);
			if (b > bmax)
				bmax = b;
		}
	}
	match_text_clear(&r->text);
	lec_status st = segmap_words_blocks(m, bmin, bmax + 1, r->fdata + r->prec.start,
					    r->prec.end - r->prec.start, r->prec.start,
					    match_text_add, &r->text);
	if (st == LEC_ESTOP)
		st = r->text.status ? r->text.status : LEC_ENOMEM;
	if (st)
		return st;
	loc->hits = src->nspans ? malloc(src->nspans * sizeof(*loc->hits)) : NULL;
	if (src->nspans && !loc->hits)
		return LEC_ENOMEM;
	size_t best = src->nspans ? pm_best_span(src->spans, src->nspans) : 0;
	for (size_t i = 0; i < src->nspans; i++) {
		long a = word_at(r, src->spans[i].first - base);
		long b = word_at(r, src->spans[i].last - base);
		if (a < 0 || b < a)
			continue;
		if (i == best)
			loc->best = loc->nhits;
		loc->hits[loc->nhits++] = (struct match_hit){ (size_t)a, (size_t)b,
							       src->spans[i].kind };
	}
	return LEC_OK;
}

/* Xapian's term frequency of a word, through the reader's small cache. */
static uint32_t termfreq(struct hit_reader *r, xap_db *db, const char *word, size_t len)
{
	for (size_t i = 0; i < r->ntf; i++)
		if (r->tf[i].len == len && memcmp(r->tf[i].word, word, len) == 0)
			return r->tf[i].tf;
	uint32_t tf = 0;
	if (xap_db_termfreq(db, word, len, &tf))
		tf = UINT32_MAX - 1;
	if (len < sizeof(r->tf[0].word) && r->ntf < sizeof(r->tf) / sizeof(r->tf[0])) {
		memcpy(r->tf[r->ntf].word, word, len);
		r->tf[r->ntf].len = len;
		r->tf[r->ntf++].tf = tf;
	}
	return tf;
}

/* The hit to show of a relocated passage: the first phrase hit, else the
 * first hit of the rarest matched word. */
static size_t best_text_hit(struct hit_reader *r, xap_db *db, const struct located *loc)
{
	size_t best = 0;
	uint32_t best_tf = UINT32_MAX;
	for (size_t i = 0; i < loc->nhits; i++) {
		const struct seg_word *w = &r->text.words[loc->hits[i].first];
		if (loc->hits[i].kind == MATCH_PHRASE)
			return i;
		uint32_t tf = termfreq(r, db, w->word, w->len);
		if (tf < best_tf) {
			best_tf = tf;
			best = i;
		}
	}
	return best;
}

/* The file changed since indexing: find the passage again by parsing the
 * current file, as the indexer would, and matching each passage's text. */
static lec_status relocate(struct hit_reader *r, const struct hit_src *src, const char *path,
			   struct located *loc, int *found)
{
	struct note n;
	struct passage *ps = NULL;
	size_t np = 0;
	*found = 0;
	if (!src->mq)
		return LEC_OK;
	lec_status st = note_parse(path, r->fdata, r->flen, note_format_for_path(path), &n);
	if (st)
		return st;
	st = passages_build(&n, &ps, &np);
	for (size_t i = 0; !st && i < np && !*found; i++) {
		segmap_clear(&r->map);
		st = docbuild_passage_segmap(&n, &ps[i], &r->map, NULL, NULL);
		match_text_clear(&r->text);
		if (!st)
			st = segmap_words(&r->map, r->fdata + ps[i].start, ps[i].end - ps[i].start,
					  ps[i].start, match_text_add, &r->text);
		if (st == LEC_ESTOP)
			st = r->text.status ? r->text.status : LEC_ENOMEM;
		free(loc->hits);
		loc->hits = NULL;
		loc->nhits = 0;
		if (!st)
			st = match_find(src->mq, r->text.words, r->text.n, &loc->hits, &loc->nhits);
		if (!st && loc->nhits) {
			*found = 1;
			loc->map = &r->map;
			loc->pstart = ps[i].start;
			loc->pend = ps[i].end;
			loc->pline = ps[i].line;
			loc->best = best_text_hit(r, src->db, loc);
		}
	}
	passages_free(ps, np);
	note_release(&n);
	return st;
}

/* The f: record of note `key` (in whichever database of the handle holds
 * it: a combined handle reads metadata from its first database only). */
struct rec_find {
	struct filerec fr;
	int found;
};

static int on_filerec(void *ctx, const char *key, size_t klen, const char *val, size_t vlen)
{
	struct rec_find *f = ctx;
	const char *nkey;
	size_t nlen;
	f->found = filerec_decode(key, klen, val, vlen, &f->fr, &nkey, &nlen) == LEC_OK;
	return f->found;
}

/* The passage's stored hash disagrees with the file: a changed file, or a
 * damaged record? The file as a whole is what was indexed (its f: record's
 * content hash) only in the second case, which is an error, not a stale
 * hit. */
static int record_damaged(struct hit_reader *r, const struct hit_src *src)
{
	const char *nkey = rec_get(&r->rec, LEC_REC_PATH, NULL);
	char key[META_KEY_MAX];
	struct rec_find f = { .found = 0 };
	if (!nkey)
		return 1;
	size_t kl = filerec_key(nkey, key);
	if (xap_db_metadata_parts(src->db, key, kl, on_filerec, &f) == LEC_ENOMEM || !f.found)
		return 0;
	return f.fr.size == r->flen && f.fr.hash == XXH3_64bits(r->fdata, r->flen);
}

/* Find the passage's words and hits in the current file; *stale 1 when the
 * file changed and the place is gone, 2 when there is no such file here.
 * LEC_ECORRUPT when the passage's record is damaged. */
static lec_status locate(struct hit_reader *r, const struct hit_src *src, const char *path,
			 int context, struct located *loc, int *stale)
{
	size_t start = r->prec.start, end = r->prec.end;
	*stale = 0;
	lec_status st = load_window(r, path, start, end, context);
	if (st == LEC_ENOMEM)
		return st;
	if (st) {
		*stale = st == LEC_ENOTFOUND ? 2 : 1;
		return LEC_OK;
	}
	if (end <= r->flen && XXH3_64bits(r->fdata + start, end - start) == r->prec.hash) {
		loc->map = &r->prec.map;
		loc->pstart = start;
		loc->pend = end;
		loc->pline = r->prec.line;
		return place_spans(r, src, loc);
	}
	int found;
	if ((st = load_file(r, path)) == LEC_ENOMEM)
		return st;
	if (st) {
		*stale = st == LEC_ENOTFOUND ? 2 : 1;
		return LEC_OK;
	}
	if (record_damaged(r, src))
		return LEC_ECORRUPT;
	st = relocate(r, src, path, loc, &found);
	*stale = !found;
	return st;
}

/* ---- occurrences and context ------------------------------------------------ */

static lec_status add_occurrence(struct hit_reader *r, struct search_hit *h,
				 const struct located *loc, size_t first, size_t last)
{
	const struct seg_word *a = &r->text.words[first], *b = &r->text.words[last];
	struct search_occurrence *no = realloc(h->occ, (h->nocc + 1) * sizeof(*no));
	if (!no)
		return LEC_ENOMEM;
	h->occ = no;
	struct search_occurrence *o = &h->occ[h->nocc];
	size_t ls = line_start(r->fdata, a->off);
	size_t le = ls;
	while (le < r->flen && r->fdata[le] != '\n')
		le++;
	o->line = line_of(r->fdata, loc->pstart, loc->pline, a->off);
	o->col = (uint32_t)(a->off - ls + 1);
	o->off = a->off;
	o->len = b->off + b->srclen - a->off;
	if (o->off + o->len > le)
		o->len = le - o->off;
	o->line_text = strndup(r->fdata + ls, le - ls > 4096 ? 4096 : le - ls);
	if (!o->line_text)
		return LEC_ENOMEM;
	h->nocc++;
	return LEC_OK;
}

static lec_status collect_occurrences(struct hit_reader *r, struct search_hit *h,
				      const struct located *loc)
{
	for (size_t i = 0; i < loc->nhits; i++) {
		lec_status st = add_occurrence(r, h, loc, loc->hits[i].first, loc->hits[i].last);
		if (st)
			return st;
	}
	return LEC_OK;
}

static lec_status add_context(struct hit_reader *r, struct search_hit *h, uint32_t n,
			      size_t off)
{
	size_t ls = line_start(r->fdata, off);
	size_t from = ls;
	for (uint32_t i = 0; i < n && from > 0; i++)
		from = line_start(r->fdata, from - 1);
	h->ctx_first = h->line - line_of(r->fdata, from, 0, ls);
	size_t at = from;
	for (uint32_t i = 0; i < 2 * n + 1 && at <= r->flen; i++) {
		size_t e = at;
		while (e < r->flen && r->fdata[e] != '\n')
			e++;
		if (at == r->flen && i > 0)
			break;
		if (strv_push(&h->context, &h->ncontext, r->fdata + at, e - at))
			return LEC_ENOMEM;
		at = e + 1;
		if (e >= r->flen)
			break;
	}
	return LEC_OK;
}

/* ---- one hit ---------------------------------------------------------------- */

static lec_status copy_names(struct search_hit *h, const struct precord *p)
{
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
	size_t off = loc->nhits ? r->text.words[loc->hits[loc->best].first].off
		   : r->text.n ? r->text.words[0].off : loc->pstart;
	h->line = line_of(r->fdata, loc->pstart, loc->pline, off);
	h->col = (uint32_t)(off - line_start(r->fdata, off) + 1);
	lec_status st = snippet_make(r->fdata, r->flen, loc->map, loc->pstart, r->text.words,
				     r->text.n, loc->hits, loc->nhits, loc->best, &h->snippet,
				     &h->highlights, &h->nhighlights);
	if (!st && req->occurrences)
		st = collect_occurrences(r, h, loc);
	if (!st && req->context)
		st = add_context(r, h, req->context, off);
	return st;
}

lec_status hit_fill(struct hit_reader *r, const struct hit_src *src, const struct search_req *req,
		    struct search_hit *h)
{
	struct located loc = { 0 };
	int stale = 0;
	lec_status st = load_record(r, src->db, src->docid);
	if (!st)
		st = load_passage(r, src);
	if (st)
		return st;
	/* the record names the note by its key: its path is its root's now */
	const char *key = rec_get(&r->rec, LEC_REC_PATH, NULL);
	if (!src->roots || rootmap_path(src->roots, key, strlen(key), &h->path) != LEC_OK)
		h->path = strdup(key);
	const char *path = h->path;
	h->title = dup_or_null(rec_get(&r->rec, LEC_REC_TITLE, NULL));
	h->date = dup_or_null(rec_get(&r->rec, LEC_REC_DATE, NULL));
	h->line = r->prec.line;
	h->col = 1;
	if (!path || copy_names(h, &r->prec))
		return LEC_ENOMEM;
	st = locate(r, src, path, req->context != 0, &loc, &stale);
	h->stale = stale != 0;
	h->missing = stale == 2;
	if (!st && !stale)
		st = place(r, req, h, &loc);
	free(loc.hits);
	return st;
}
