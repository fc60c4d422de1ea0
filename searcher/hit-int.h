/* hit-int.h - what the files of a hit share. Private to them:
 *   hit.c         the reader, the note record, a hit's place, snippet,
 *                 occurrences and context lines
 *   hit-file.c    the note's bytes: a window around the passage (or the
 *                 whole note) kept for the next hit, and its lines
 *   hit-locate.c  where the passage is now: the indexed place, or, in a
 *                 changed note, found again by parsing it (the note model,
 *                 common/note.h and passage.h) and matching its text
 */
#ifndef LECTERN_HIT_INT_H
#define LECTERN_HIT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "hit.h"
#include "match.h"
#include "ptable.h"
#include "record.h"
#include "segmap.h"

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
	int whole_notes;              /* hit_reader_new's: read small notes whole */
	size_t wstart, wend, waround; /* what the window was read for */
	lec_status fstatus;
	struct note_cache *notes; /* the searcher's kept notes, or NULL */
	struct note_text *ftext;  /* fdata is its data, borrowed from notes */
	/* a line that starts before the window (a long line: a note without
	 * line breaks), so that each of its hits does not look for its start
	 * again: the file has no line break in [start, upto) */
	struct {
		char *path;
		size_t start, upto;
		char *head; /* the first bytes of the line at head_at (hit_line_head) */
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

/* A passage's words and the query's hits in them. */
struct located {
	struct match_hit *hits;
	size_t nhits;
	size_t best; /* the hit to show */
	const struct segmap *map;
	size_t pstart, pend; /* passage byte range in the current file */
	uint32_t pline;      /* line of pstart */
};

/* ---- hit-file.c: the file ---- */

/* Forget the file read (hit_load_file, hit_load_window), or the long line
 * known (hit_line_head). */
void hit_drop_file(struct hit_reader *r);
void hit_drop_long_line(struct hit_reader *r);

/* The whole note at path into r (fdata[0, flen)), kept for its next hits:
 * only a note of at most LEC_MAX_RELOCATE_BYTES. The read's status. */
lec_status hit_load_file(struct hit_reader *r, const char *path);

/* The bytes of the note at path that a hit of the passage [start, end)
 * needs (fdata[wlo, flen)), with `around` bytes more on each side for
 * context lines. The read's status (LEC_ENOTFOUND: no such file). */
lec_status hit_load_window(struct hit_reader *r, const char *path, size_t start, size_t end,
			   size_t around);

/* The line of offset off in data, from offset `from` on line from_line. */
uint32_t hit_line_of(const char *data, size_t from, uint32_t from_line, size_t off);

/* The start of the line holding file offset off (inside the window). */
lec_status hit_line_start_at(struct hit_reader *r, size_t off, size_t *out);

/* The text shown for the line starting at ls (at most LEC_MAX_LINE_BYTES,
 * no line break); *p points into the reader's storage. */
lec_status hit_line_head(struct hit_reader *r, size_t ls, const char **p, size_t *n);

/* The end of the line holding window offset off: its line break, or the
 * window's end. */
size_t hit_line_end_at(const struct hit_reader *r, size_t off);

/* ---- hit-locate.c: where the passage is now ---- */

/* Find the passage's words (r->text) and hits (loc) in the current file,
 * read with `around` bytes for context; *stale 1 when the file changed and
 * the place is gone, 2 when there is no such file here. LEC_ECORRUPT when
 * the passage's record is damaged. loc->hits malloc'd, owned by the caller. */
lec_status hit_locate(struct hit_reader *r, const struct hit_src *src, const char *path,
		      size_t around, struct located *loc, int *stale);

#endif
