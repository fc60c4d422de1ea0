/* hit.c - a matching passage as a placed, highlighted result (hit.h). */
#include "hit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>

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
	struct segmap map; /* of a relocated passage */
	/* the last file read, kept for the next hit in the same file:
	 * fdata[wlo, flen) are its bytes (fdata[0, wlo) is never read) */
	char *fpath, *fdata;
	size_t wlo, flen;
	uint64_t fsize;               /* the file's size */
	int fwhole;                   /* fdata is the whole file (a changed note) */
	size_t wstart, wend, waround; /* what the window was read for */
	lec_status fstatus;
	/* a line that starts before the window (a long line: a note without
	 * line breaks), so that each of its hits does not look for its start
	 * again: the file has no line break in [start, upto) */
	struct {
		char *path;
		size_t start, upto;
		char *head; /* the first bytes of the line at head_at (line_head) */
		size_t head_at, head_len;
	} ll;
	/* term frequencies for the best hit of a relocated passage */
	struct {
		char word[32];
		size_t len;
		uint32_t tf;
	} tf[16];
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
	r->wlo = r->flen = 0;
	r->fsize = 0;
	r->fwhole = 0;
}

static void drop_long_line(struct hit_reader *r)
{
	free(r->ll.path);
	free(r->ll.head);
	memset(&r->ll, 0, sizeof(r->ll));
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
	drop_long_line(r);
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

/* ---- the file --------------------------------------------------------------- */

/* The whole file, to find a changed passage again: only a note of at most
 * LEC_MAX_RELOCATE_BYTES (parsing it again costs ~4x its size). */
static lec_status load_file(struct hit_reader *r, const char *path)
{
	if (r->fpath && r->fwhole && strcmp(r->fpath, path) == 0)
		return r->fstatus;
	drop_file(r);
	r->fpath = strdup(path);
	if (!r->fpath)
		return LEC_ENOMEM;
	r->fwhole = 1;
	r->fstatus = notefile_read(path, LEC_MAX_RELOCATE_BYTES, &r->fdata, &r->flen, NULL);
	r->fsize = r->flen;
	return r->fstatus;
}

/* Bytes read around a passage: enough to reach the start of its first line
 * and the end of its last one in all but long lines. */
#define WINDOW_SLACK 4096

/* What a hit needs of its file: the passage [start, end) with
 * WINDOW_SLACK + `around` bytes before it and that + LEC_MAX_LINE_BYTES
 * after (around: LEC_MAX_CONTEXT_BYTES for context lines), read at their
 * offsets (notefile_read_window): a hit costs what its passage (at most
 * LEC_MAX_PASSAGE_BYTES) and these bounds cost, whatever the size of the
 * note. A window within the first LEC_WHOLE_NOTE_BYTES is read as all of
 * them, so that a small note is read once for all its hits. A line that starts before the window is found by
 * long_line_start. A UTF-16 note is the exception: its text is not its
 * bytes, so it is read whole and decoded (the index's offsets are into the
 * text). */
static lec_status load_window(struct hit_reader *r, const char *path, size_t start, size_t end,
			      size_t around)
{
	if (r->fpath && strcmp(r->fpath, path) == 0 &&
	    ((r->fwhole && r->fstatus == LEC_OK) ||
	     (!r->fwhole && r->wstart == start && r->wend == end && r->waround == around)))
		return r->fstatus;
	drop_file(r);
	r->fpath = strdup(path);
	if (!r->fpath)
		return LEC_ENOMEM;
	if (start > end || end - start > LEC_MAX_NOTE_BYTES)
		return r->fstatus = LEC_ECORRUPT;
	size_t before = WINDOW_SLACK + around, after = before + LEC_MAX_LINE_BYTES;
	size_t hi = end + after;
	r->wlo = start > before ? start - before : 0;
	if (hi <= LEC_WHOLE_NOTE_BYTES) /* all of a small note, for its next hits */
		r->wlo = 0, hi = LEC_WHOLE_NOTE_BYTES;
	r->wstart = start;
	r->wend = end;
	r->waround = around;
	int whole = 0;
	r->fstatus = notefile_read_window(path, LEC_MAX_NOTE_BYTES, r->wlo, hi, &r->fdata, &r->flen,
					  &r->fsize, &whole);
	if (!r->fstatus && whole) {
		r->wlo = 0; /* all of the text: no line before it, and every
			     * later hit of the note reads it here */
		r->fwhole = 1;
	} else if (!r->fstatus && r->wlo > r->flen)
		r->wlo = r->flen; /* a shorter file: stale */
	return r->fstatus;
}

static uint32_t line_of(const char *data, size_t from, uint32_t from_line, size_t off)
{
	uint32_t line = from_line;
	for (size_t i = from; i < off; i++)
		line += data[i] == '\n';
	return line;
}

/* The start of the line holding window offset off when it lies before
 * the window: found in the file once per line and search (a note without
 * line breaks is one line, and all its hits are in it), looking back from
 * the window, or only as far as the line known from an earlier hit. */
static lec_status long_line_start(struct hit_reader *r, size_t *out)
{
	int same = r->ll.path && strcmp(r->ll.path, r->fpath) == 0 && r->ll.start <= r->wlo;
	if (same && r->wlo <= r->ll.upto) {
		*out = r->ll.start;
		return LEC_OK;
	}
	size_t ls;
	int found;
	lec_status st = paths_line_start(r->fpath, r->wlo, same ? r->ll.upto : 0, &ls, &found);
	if (st)
		return st;
	if (same && !found) {
		r->ll.upto = r->wlo; /* the same line, known further */
		*out = r->ll.start;
		return LEC_OK;
	}
	drop_long_line(r);
	if (!(r->ll.path = strdup(r->fpath)))
		return LEC_ENOMEM;
	r->ll.start = ls;
	r->ll.upto = r->wlo;
	*out = ls;
	return LEC_OK;
}

/* The start of the line holding file offset off (inside the window). */
static lec_status line_start_at(struct hit_reader *r, size_t off, size_t *out)
{
	const char *nl = off > r->wlo ? memrchr(r->fdata + r->wlo, '\n', off - r->wlo) : NULL;
	if (nl) {
		*out = (size_t)(nl - r->fdata) + 1;
		return LEC_OK;
	}
	if (r->wlo == 0) {
		*out = 0;
		return LEC_OK;
	}
	return long_line_start(r, out);
}

/* n bytes of p cut back to a character boundary when they end inside one
 * (p[n] readable). */
static size_t char_cut(const char *p, size_t n)
{
	while (n > 0 && ((unsigned char)p[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/* The text shown for the line starting at ls: up to its line break, at
 * most LEC_MAX_LINE_BYTES (cut at a character boundary). From the window,
 * or, for a line that starts before it, read from the file once. *p points
 * into the reader's storage. */
static lec_status line_head(struct hit_reader *r, size_t ls, const char **p, size_t *n)
{
	const size_t want = LEC_MAX_LINE_BYTES;
	size_t avail = ls >= r->wlo && ls <= r->flen ? r->flen - ls : 0;
	const char *nl = avail ? memchr(r->fdata + ls, '\n', avail < want ? avail : want) : NULL;
	if (ls >= r->wlo && ls <= r->flen && (nl || avail > want || r->flen == r->fsize)) {
		*p = r->fdata + ls;
		*n = nl ? (size_t)(nl - *p) : avail > want ? char_cut(*p, want) : avail;
		return LEC_OK;
	}
	if (!r->ll.head || r->ll.head_at != ls || !r->ll.path || strcmp(r->ll.path, r->fpath)) {
		char *data = NULL;
		size_t len = 0;
		uint64_t size = 0;
		lec_status st = paths_read_window(r->fpath, LEC_MAX_NOTE_BYTES, ls, ls + want + 1,
						  &data, &len, &size);
		if (st)
			return st;
		size_t got = len > ls ? len - ls : 0;
		const char *e = memchr(data + ls, '\n', got);
		size_t hl = e          ? (size_t)(e - data) - ls :
			    got > want ? char_cut(data + ls, want) :
					 got;
		char *head = strndup(data + ls, hl);
		free(data);
		if (!head)
			return LEC_ENOMEM;
		if (!r->ll.path || strcmp(r->ll.path, r->fpath)) {
			drop_long_line(r);
			if (!(r->ll.path = strdup(r->fpath))) {
				free(head);
				return LEC_ENOMEM;
			}
			r->ll.start = SIZE_MAX; /* no line known yet */
		}
		free(r->ll.head);
		r->ll.head = head;
		r->ll.head_at = ls;
		r->ll.head_len = hl;
	}
	*p = r->ll.head;
	*n = r->ll.head_len;
	return LEC_OK;
}

/* The end of the line holding window offset off: its line break, or the
 * window's end. */
static size_t line_end_at(const struct hit_reader *r, size_t off)
{
	const char *nl = off < r->flen ? memchr(r->fdata + off, '\n', r->flen - off) : NULL;
	return nl ? (size_t)(nl - r->fdata) : r->flen;
}

/* ---- where the passage is now ------------------------------------------------ */

/* A passage's words and the query's hits in them. */
struct located {
	struct match_hit *hits;
	size_t nhits;
	size_t best; /* the hit to show */
	const struct segmap *map;
	size_t pstart, pend; /* passage byte range in the current file */
	uint32_t pline;      /* line of pstart */
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
static lec_status place_spans(struct hit_reader *r, const struct hit_src *src, struct located *loc)
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
		loc->hits[loc->nhits++] =
			(struct match_hit){ (size_t)a, (size_t)b, src->spans[i].kind };
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
		st = passage_segmap(&n, &ps[i], &r->map, NULL, NULL);
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
			 size_t around, struct located *loc, int *stale)
{
	size_t start = r->prec.start, end = r->prec.end;
	*stale = 0;
	lec_status st = load_window(r, path, start, end, around);
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
	/* changed: found again by parsing the note, when it is small enough */
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
	size_t ls, le = line_end_at(r, a->off), tl;
	const char *text;
	lec_status st = line_start_at(r, a->off, &ls);
	if (!st)
		st = line_head(r, ls, &text, &tl);
	if (st)
		return st;
	o->line = line_of(r->fdata, loc->pstart, loc->pline, a->off);
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
	lec_status st = line_head(r, ls, &text, &len);
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
	lec_status st = line_start_at(r, off, &ls);
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
		at = line_end_at(r, at) + 1;
	}
	if (!st)
		st = push_line(r, h, loc, ls);
	size_t at = line_end_at(r, off) + 1;
	for (uint32_t i = before;
	     !st && i < 2 * n && at < r->flen && at < off + LEC_MAX_CONTEXT_BYTES; i++) {
		st = push_line(r, h, loc, at);
		at = line_end_at(r, at) + 1;
	}
	if (!st)
		merge_ctx_ranges(h);
	return st;
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
	size_t off = loc->nhits ? r->text.words[loc->hits[loc->best].first].off :
		     r->text.n  ? r->text.words[0].off :
				  loc->pstart;
	size_t ls;
	lec_status st = line_start_at(r, off, &ls);
	if (st)
		return st;
	h->line = line_of(r->fdata, loc->pstart, loc->pline, off);
	h->col = (uint32_t)(off - ls + 1);
	st = snippet_make(r->fdata, r->flen, loc->map, loc->pstart, r->text.words, r->text.n,
			  loc->hits, loc->nhits, loc->best,
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
	const char *title = rec_get(&r->rec, LEC_REC_TITLE, NULL);
	const char *date = rec_get(&r->rec, LEC_REC_DATE, NULL);
	h->title = dup_or_null(title);
	h->date = dup_or_null(date);
	h->line = r->prec.line;
	h->col = 1;
	if (!path || (title && !h->title) || (date && !h->date) || copy_names(h, &r->prec))
		return LEC_ENOMEM;
	if (req->no_snippets && src->own_meta) {
		int same = 0;
		st = note_unchanged(r, src->db, path, &same);
		if (st || same)
			return st;
	}
	st = locate(r, src, path, req->context ? LEC_MAX_CONTEXT_BYTES : 0, &loc, &stale);
	h->stale = stale != 0;
	h->missing = stale == 2;
	if (!st && !stale)
		st = place(r, req, h, &loc);
	free(loc.hits);
	return st;
}
