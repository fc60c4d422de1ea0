/* hit-locate.c - where a hit's passage is in its note now (hit-int.h): where
 * the index says, when its bytes still hash the same; else, in a note that
 * changed, found again by parsing it with the note model as the indexer did
 * (common/note.h, passage.h) and matching each passage's text. */
#include "hit-int.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "filerec.h"
#include "layout.h"
#include "limits.h"
#include "note.h"
#include "passage.h"

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
lec_status hit_locate(struct hit_reader *r, const struct hit_src *src, const char *path,
		      size_t around, struct located *loc, int *stale)
{
	size_t start = r->prec.start, end = r->prec.end;
	*stale = 0;
	lec_status st = hit_load_window(r, path, start, end, around);
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
	if ((st = hit_load_file(r, path)) == LEC_ENOMEM)
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
