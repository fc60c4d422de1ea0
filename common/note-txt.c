/* note-txt.c - plain-text notes: a block is a run of non-blank lines, and
 * only blank (whitespace-only) lines end blocks. Each block is one paragraph
 * with one segment: line breaks inside it are ordinary separators.
 */
#include <string.h>

#include "note-internal.h"
#include "speakers.h"

static bool blank_line(const char *s, size_t b, size_t e)
{
	for (size_t i = b; i < e; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\f' && s[i] != '\v')
			return false;
	return true;
}

/* Emit the block [start, end) (end excludes the last line's newline). */
static lec_status emit(struct note *note, struct note_lines *nl, size_t start, size_t end)
{
	struct note_block b = {
		.kind = NOTE_BLOCK_PARAGRAPH,
		.start = start,
		.end = end,
		.line = note_lines_at(nl, start),
		.seg_first = note->nsegs,
		.seg_count = 1,
		.speaker = -1,
		.presenter = -1,
	};
	lec_status st;

	/* a CR before the newline is a separator; leave it out of the range */
	while (b.end > b.start && note->src[b.end - 1] == '\r')
		b.end--;
	if (b.end == b.start)
		return LEC_OK;
	st = note_add_seg(note, b.start, b.end - b.start);
	if (!st)
		st = spk_classify(note, &b, b.start);
	return st ? st : note_add_block(note, &b);
}

lec_status note_txt_parse(struct note *note)
{
	const char *s = note->src;
	size_t pos = note->body_start, len = note->len;
	size_t start = SIZE_MAX, end = 0;
	struct note_lines nl;
	lec_status st = LEC_OK;

	note_lines_init(&nl, s);
	while (!st && pos < len) {
		const char *p = memchr(s + pos, '\n', len - pos);
		size_t eol = p ? (size_t)(p - s) : len;

		if (blank_line(s, pos, eol)) {
			if (start != SIZE_MAX)
				st = emit(note, &nl, start, end);
			start = SIZE_MAX;
		} else {
			if (start == SIZE_MAX)
				start = pos;
			end = eol;
		}
		pos = eol + 1;
	}
	if (!st && start != SIZE_MAX)
		st = emit(note, &nl, start, end);
	return st;
}
