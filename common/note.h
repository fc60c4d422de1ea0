/* note.h - a note as the indexer sees it: its blocks of visible text, each
 * mapped back to exact byte ranges of the file, and its metadata.
 *
 * note_parse() reads markdown (cmark for the block structure) or plain text
 * and never fails on bad input: invalid UTF-8, odd markdown or broken front
 * matter give a best-effort note plus warnings. It fails only on allocation
 * failure (LEC_ENOMEM) or a bound in limits.h (LEC_ELIMIT: over
 * LEC_MAX_NOTE_BYTES bytes or LEC_MAX_NOTE_BLOCKS blocks).
 */
#ifndef LECTERN_NOTE_H
#define LECTERN_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

enum note_format {
	NOTE_MARKDOWN,
	NOTE_TEXT
};

/* A run of source bytes a reader sees as text. When `repl` is not NULL the
 * run is an HTML entity (or similar) and `repl` (UTF-8, repl_len bytes, owned
 * by the note) is what the reader sees in place of source bytes [off, off+len). */
struct note_segment {
	size_t off, len;
	const char *repl;
	size_t repl_len;
};

enum note_block_kind {
	NOTE_BLOCK_HEADING,   /* ATX or setext heading (level 1-6) */
	NOTE_BLOCK_PARAGRAPH, /* a paragraph, or a list item's paragraph */
	NOTE_BLOCK_CODE,      /* fenced or indented code: its content lines */
	NOTE_BLOCK_HTML,      /* an HTML block: its text between tags */
};

/* A leaf block: words never join across two blocks, and a phrase never
 * crosses from one to the next. Segments are in source order. */
struct note_block {
	enum note_block_kind kind;
	int level;         /* heading level; 0 otherwise */
	size_t start, end; /* source byte range [start, end) the block covers */
	uint32_t line;     /* 1-based line of `start` */
	size_t seg_first;  /* index into note.segs */
	size_t seg_count;
	int speaker;   /* index into note.people of a "JHD: ..." line's speaker, or -1 */
	int presenter; /* index into note.people when the block is a "Presenter: ..." line, or -1 */
};

/* A person named in the note: "Jordan Harband (JHD)" gives name "Jordan
 * Harband", initials "JHD"; a speaker prefix with no known name gives the
 * initials alone (name NULL). */
struct note_person {
	char *name;     /* owned; may be NULL */
	char *initials; /* owned; may be NULL */
};

struct note {
	enum note_format format;
	const char *src; /* the file's bytes, NOT owned (must outlive the note) */
	size_t len;

	struct note_block *blocks;
	size_t nblocks;
	struct note_segment *segs;
	size_t nsegs;

	struct note_person *people;
	size_t npeople;

	char *title; /* front matter `title`, else first heading's text, else
	                         * first non-empty line; whitespace-collapsed; may be NULL */
	char *date;  /* "YYYY", "YYYY-MM" or "YYYY-MM-DD", or NULL; from front
	                         * matter `date`, else a YYYY-MM(-DD) in the path, else a year
	                         * in the title */
	char *lang;  /* front matter `lang`, or NULL */
	char **tags; /* front matter `tags` (list or comma string); ntags */
	size_t ntags;
	char **speakers; /* front matter `speakers`/`speaker`; nspeakers */
	size_t nspeakers;

	size_t body_start; /* byte offset where the body begins (after front matter) */

	char **warnings; /* "line N: ..." messages for odd input; nwarnings */
	size_t nwarnings;
	void *arena; /* private: storage for repl strings */
};

/* Parse `src` (len bytes; need not be NUL-terminated) as `fmt`. `path` is
 * used for the date and in warnings only. On success *note must be released
 * with note_release(); on failure it is already released. */
lec_status note_parse(const char *path, const char *src, size_t len, enum note_format fmt,
		      struct note *note);
void note_release(struct note *note);

/* The format a path's name implies: .md/.markdown/.mdown/.mkd -> markdown,
 * anything else text. */
enum note_format note_format_for_path(const char *path);

#endif
