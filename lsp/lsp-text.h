/* lsp-text.h - the text questions of the language server: LSP positions
 * (0-based lines, characters in UTF-16 code units) against lectern's
 * places (1-based lines, 1-based byte columns), file URIs, and what is
 * under the cursor in a note ([[wiki links]], markdown links, headings).
 *
 * Pure functions over UTF-8 text: no I/O.
 */
#ifndef LECTERN_LSP_TEXT_H
#define LECTERN_LSP_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "status.h"

/* UTF-16 code units in line[0 .. nbytes): a 4-byte UTF-8 sequence (outside
 * the BMP) is 2, any other sequence 1; a byte that starts no valid
 * sequence counts 1 (as a U+FFFD would). */
uint32_t lsp_utf16_len(const char *line, size_t nbytes);

/* The byte offset in line[0 .. len) of UTF-16 character `units` (past the
 * end: len; inside a surrogate pair: the pair's start). */
size_t lsp_byte_offset(const char *line, size_t len, uint32_t units);

/* Line `line0` (0-based) of text[0 .. len): its bytes [*start, *end)
 * without the newline (nor a CR before it). 0: no such line. */
int lsp_line_span(const char *text, size_t len, uint32_t line0, size_t *start, size_t *end);

/* file:// URI of an absolute path (percent-encoded, RFC 3986) appended to
 * out. */
void lsp_uri_from_path(const char *path, struct buf *out);
/* The absolute path of a file:// URI: *out malloc'd, caller frees.
 * LEC_EINVAL: not a file URI of a local absolute path, or a bad escape. */
lec_status lsp_path_from_uri(const char *uri, char **out);

/* A link found under the cursor. */
struct lsp_link {
	char *target; /* the note named: "note" of [[note]], "a/b.md" of
	                         * [x](a/b.md); malloc'd */
	char *anchor; /* after '#': a heading ("[[note#Heading]]"), or NULL */
	int wiki;     /* [[...]]: a name, not a path */
};
void lsp_link_release(struct lsp_link *l);

/* The [[wiki link]] or markdown [text](target) link of line[0 .. len) that
 * holds byte `at`: LEC_OK and *out filled; LEC_ENOTFOUND: none there (an
 * external link, http:, mailto:, counts as none). */
lec_status lsp_link_at(const char *line, size_t len, size_t at, struct lsp_link *out);

/* The level (1..6) of an ATX heading line ("## Title"), else 0; *title,
 * *tlen: its text, without the marks and the closing #s. */
int lsp_heading(const char *line, size_t len, const char **title, size_t *tlen);

/* The section of text[0 .. len) that starts at the heading on line `line0`
 * (0-based): from that line to the next heading of the same or a higher
 * level; its bytes [*start, *end). 0: line0 is no heading. */
int lsp_section_at(const char *text, size_t len, uint32_t line0, size_t *start, size_t *end);

/* The first heading of text whose title is `name` (ASCII case folded,
 * surrounding spaces ignored): its 0-based line. 0: none. */
int lsp_find_heading(const char *text, size_t len, const char *name, uint32_t *line0);

/* The 0-based line of byte `off` of text. */
uint32_t lsp_line_of(const char *text, size_t off);

#endif
