/* note-internal.h - what the note parsers (note.c, note-md.c, note-txt.c,
 * frontmatter.c, speakers.c) share and nobody else uses: growable arrays of
 * the note under construction, warnings, the people table, dates.
 *
 * All functions keep the note consistent on failure (nothing half-added), so
 * note_release() can always clean up.
 */
#ifndef LECTERN_NOTE_INTERNAL_H
#define LECTERN_NOTE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "note.h"

/* Byte length of "YYYY-MM-DD" plus NUL: the buffer size for dates. */
#define NOTE_DATE_BUF 11

/* Warnings beyond this count are dropped: a hostile file must not produce
 * millions of messages. */
#define NOTE_MAX_WARNINGS 32

/* Append a block (copied); its seg_first/seg_count must already be right. */
lec_status note_add_block(struct note *note, const struct note_block *block);

/* Append a segment of source bytes [off, off+len). A segment that directly
 * continues the previous one is merged into it: the tokenizer joins adjacent
 * segments anyway, so this changes nothing but the count. len 0 is a no-op. */
lec_status note_add_seg(struct note *note, size_t off, size_t len);

/* Append a replacement segment: source [off, off+len) reads as repl
 * (repl_len bytes, copied into the note's arena). */
lec_status note_add_repl(struct note *note, size_t off, size_t len, const char *repl,
			 size_t repl_len);

/* Append a segment as it is, never merged (a repl pointer into the note's
 * arena stays valid): for note-split.c, which rebuilds the arrays. */
lec_status note_add_seg_as_is(struct note *note, const struct note_segment *seg);

/* Hand the note's blocks and segments to the caller (malloc'd; the caller
 * frees them) and leave the note with none, to be rebuilt. */
void note_take_blocks(struct note *note, struct note_block **blocks, size_t *nblocks,
		      struct note_segment **segs, size_t *nsegs);

/* Cut every block longer than LEC_MAX_PASSAGE_BYTES into blocks of its
 * own (note-split.c); note_parse's last step. */
lec_status note_split_blocks(struct note *note);

/* Add a printf-style warning (copied). Only the first NOTE_MAX_WARNINGS are
 * kept. */
lec_status note_warn(struct note *note, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The person with these initials (ASCII, case-sensitive), or -1. */
int note_person_by_initials(const struct note *note, const char *ini, size_t len);

/* The person whose name equals name[0..len) (byte compare), or -1. */
int note_person_by_name(const struct note *note, const char *name, size_t len);

/* Add a person (name and/or initials may be NULL/0; both copied) and set
 * *idx to its index. A person whose initials are already known is not added:
 * *idx is the existing one (first one wins). Past LEC_MAX_SPEAKERS_PER_FILE
 * people nothing is added, one warning is given and *idx is -1. */
lec_status note_person_add(struct note *note, const char *name, size_t name_len, const char *ini,
			   size_t ini_len, int *idx);

/* Find a date in text[0..len): "YYYY-MM-DD", "YYYY-MM", "YYYY" at the start
 * (ISO, also with '/' or '.'), else a "Month D, YYYY" / "D Month YYYY" /
 * "Month YYYY" form anywhere (weekday and ordinal suffixes allowed). On
 * success writes the normalised date to out and returns true. */
bool note_date_parse(const char *text, size_t len, char out[NOTE_DATE_BUF]);

/* Set note->date, unless the front matter gave one, from (in this order) a
 * date in the path, one in the title, a year in the file's name, a bare
 * year in the title; left NULL when there is none (note-date.c). */
lec_status note_date_derive(struct note *note, const char *path);

/* Whether c is ASCII whitespace (the C locale's isspace, whatever the
 * locale). */
bool note_is_space(unsigned char c);

/* A malloc'd copy of text[0..len) with runs of whitespace turned into one
 * space, trimmed, cut at max bytes on a UTF-8 boundary; NULL on ENOMEM. An
 * all-blank text gives "". */
char *note_collapse(const char *text, size_t len, size_t max);

/* Line numbers of byte offsets, counted by '\n' only (as editors do).
 * Asking for increasing offsets costs O(bytes) in all. */
struct note_lines {
	const char *src;
	size_t off;    /* counted up to here */
	uint32_t line; /* 1-based line of off */
};
void note_lines_init(struct note_lines *nl, const char *src);
uint32_t note_lines_at(struct note_lines *nl, size_t off);

/* Markdown and plain text back ends: fill blocks/segments of note->src
 * from note->body_start on, set block speakers, and (markdown) set
 * *heading_title to the first heading's text (malloc'd, caller frees) when
 * it has one. */
lec_status note_md_parse(struct note *note, char **heading_title);
/* The bytes of s[0..len) that may each start a node of cmark's tree (line
 * breaks, emphasis, links, list markers...): an upper bound of its size. */
size_t note_md_marks(const char *s, size_t len);
lec_status note_txt_parse(struct note *note);

#endif
