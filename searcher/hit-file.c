/* hit-file.c - the bytes of a hit's note (hit-int.h): a window around its
 * passage, or the whole note when it changed, kept for the next hit of the
 * same note; and the lines in it. */
#include "hit-int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "note-cache.h"
#include "notefile.h"
#include "paths.h"

void hit_drop_file(struct hit_reader *r)
{
	free(r->fpath);
	if (r->ftext)
		note_text_release(r->ftext);
	else
		free(r->fdata);
	r->ftext = NULL;
	r->fpath = r->fdata = NULL;
	r->wlo = r->flen = 0;
	r->fsize = 0;
	r->fwhole = 0;
}

void hit_drop_long_line(struct hit_reader *r)
{
	free(r->ll.path);
	free(r->ll.head);
	memset(&r->ll, 0, sizeof(r->ll));
}

/* The whole file, to find a changed passage again: only a note of at most
 * LEC_MAX_RELOCATE_BYTES (parsing it again costs ~4x its size). */
lec_status hit_load_file(struct hit_reader *r, const char *path)
{
	if (r->fpath && r->fwhole && strcmp(r->fpath, path) == 0)
		return r->fstatus;
	hit_drop_file(r);
	r->fpath = strdup(path);
	if (!r->fpath)
		return LEC_ENOMEM;
	r->fwhole = 1;
	r->fstatus = notefile_read(path, LEC_MAX_RELOCATE_BYTES, &r->fdata, &r->flen, NULL);
	r->fsize = r->flen;
	return r->fstatus;
}

/* The note's whole text from the searcher's kept notes (note-cache.h);
 * LEC_ENOTFOUND when it does not keep that note. */
static lec_status from_cache(struct hit_reader *r, const char *path)
{
	lec_status st = note_cache_get(r->notes, path, &r->ftext);
	if (st || !r->ftext)
		return st ? st : LEC_ENOTFOUND;
	r->fdata = r->ftext->data;
	r->flen = r->ftext->len;
	r->fsize = r->flen;
	r->wlo = 0;
	r->fwhole = 1;
	return LEC_OK;
}

/* Bytes read around a passage: enough to reach the start of its first line
 * and the end of its last one in all but long lines. */
#define WINDOW_SLACK 4096

/* What a hit needs of its file: the passage [start, end) with
 * WINDOW_SLACK + `around` bytes before it and that + LEC_MAX_LINE_BYTES
 * after (around: LEC_MAX_CONTEXT_BYTES for context lines), read at their
 * offsets (notefile_read_window): a hit costs what its passage (at most
 * LEC_MAX_PASSAGE_BYTES) and these bounds cost, whatever the size of the
 * note. For a search of many hits (r->whole_notes), a window within the
 * first LEC_WHOLE_NOTE_BYTES is read as all of them, so that a small note
 * is read once for all its hits (a larger note's
 * first hit reads them once; its later hits read their windows). A line
 * that starts before the window is found by
 * long_line_start. A UTF-16 note is the exception: its text is not its
 * bytes, so it is read whole and decoded (the index's offsets are into the
 * text). */
lec_status hit_load_window(struct hit_reader *r, const char *path, size_t start, size_t end,
			   size_t around)
{
	if (r->fpath && strcmp(r->fpath, path) == 0 &&
	    ((r->fwhole && r->fstatus == LEC_OK) ||
	     (!r->fwhole && r->wstart == start && r->wend == end && r->waround == around)))
		return r->fstatus;
	/* the note's last read said it is larger than what is read whole:
	 * its next hits read their windows, not its first MiB again */
	int large = r->fpath && strcmp(r->fpath, path) == 0 && r->fsize > LEC_WHOLE_NOTE_BYTES;
	hit_drop_file(r);
	r->fpath = strdup(path);
	if (!r->fpath)
		return LEC_ENOMEM;
	if (start > end || end - start > LEC_MAX_NOTE_BYTES)
		return r->fstatus = LEC_ECORRUPT;
	size_t before = WINDOW_SLACK + around, after = before + LEC_MAX_LINE_BYTES;
	size_t hi = end + after;
	r->wlo = start > before ? start - before : 0;
	/* a small note, for its next hits */
	if (r->whole_notes && hi <= LEC_WHOLE_NOTE_BYTES && !large)
		r->wlo = 0, hi = LEC_WHOLE_NOTE_BYTES;
	r->wstart = start;
	r->wend = end;
	r->waround = around;
	if (r->notes && (r->fstatus = from_cache(r, path)) != LEC_ENOTFOUND)
		return r->fstatus;
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

uint32_t hit_line_of(const char *data, size_t from, uint32_t from_line, size_t off)
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
	hit_drop_long_line(r);
	if (!(r->ll.path = strdup(r->fpath)))
		return LEC_ENOMEM;
	r->ll.start = ls;
	r->ll.upto = r->wlo;
	*out = ls;
	return LEC_OK;
}

/* The start of the line holding file offset off (inside the window). */
lec_status hit_line_start_at(struct hit_reader *r, size_t off, size_t *out)
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
lec_status hit_line_head(struct hit_reader *r, size_t ls, const char **p, size_t *n)
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
			hit_drop_long_line(r);
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
size_t hit_line_end_at(const struct hit_reader *r, size_t off)
{
	const char *nl = off < r->flen ? memchr(r->fdata + off, '\n', r->flen - off) : NULL;
	return nl ? (size_t)(nl - r->fdata) : r->flen;
}
