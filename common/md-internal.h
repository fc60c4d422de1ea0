/* md-internal.h - what the markdown parser's two files share: the parse
 * state (struct md) and the inline scanner's entry points. Private to
 * note-md.c (blocks, through cmark) and md-inline.c (the text a reader
 * sees in one leaf block's bytes). */
#ifndef LECTERN_MD_INTERNAL_H
#define LECTERN_MD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "note-internal.h"

#define LINK_MAX_PARENS 32     /* cmark's own bound on parentheses in a destination */
#define LINK_LABEL_MAX 999     /* CommonMark: a link label has at most 999 characters */
#define TICK_MAX 32            /* longer backtick runs never open a code span */
#define ENTITY_NAME_MAX 32     /* the longest HTML entity name is 31 letters */
#define ENTITY_VALUE_MAX 16    /* decoded entities are 1-2 code points */
#define ENTITY_CACHE_SLOTS 256 /* direct-mapped cache of named entities */
#define ESCAPE_LOOKBACK 64     /* backslashes counted before a quote */

#define NONE SIZE_MAX

/* The closers searched for, each with its own memo. */
enum find_id {
	F_DQUOTE,
	F_SQUOTE,
	F_RPAREN,
	F_GT,
	F_COMMENT,
	F_PI,
	F_CDATA,
	F_COUNT
};

/* The last search for a needle: no occurrence in [from, found), and one at
 * found (or none before the block end when found == NONE). A later search
 * from inside that range is answered without scanning. */
struct finder {
	size_t from, found;
	bool valid;
};

struct entity {
	char name[ENTITY_NAME_MAX + 1];
	char value[ENTITY_VALUE_MAX];
	size_t vlen; /* 0: not an entity */
	bool used;
};

struct md {
	struct note *note;
	const char *s; /* note->src */
	size_t len;
	size_t *lines; /* start offset of each cmark line (body lines) */
	size_t nlines;
	struct note_lines nl;
	size_t prev_end; /* end of the last block: blocks never overlap */

	/* per block */
	size_t bend; /* end of the block being scanned */
	struct finder find[F_COUNT];
	size_t *br; /* '[' and '![' openers (positions of '[') */
	size_t nbr, cbr;
	size_t dead;                    /* '[' openers below this index are inactive */
	size_t tick_last[TICK_MAX + 1]; /* last run of each length, or NONE */
	bool ticks_ready;

	struct entity *ents; /* ENTITY_CACHE_SLOTS, allocated on first use */
};

/* md-inline.c */

/* Space, tab, newline or carriage return. */
bool md_is_ws(char c);

/* Forget the memoised searches; the block now ends at end. */
void md_finders_reset(struct md *md, size_t end);

/* A link reference definition at i: the position after it, or 0. */
size_t md_ref_def(struct md *md, size_t i);

/* Emit the visible segments of s[start, end) into md->note; html_block: no
 * escapes or code spans (an HTML block's text), but markdown links still
 * hide their destinations. */
lec_status md_scan_inline(struct md *md, size_t start, size_t end, bool html_block);

#endif
