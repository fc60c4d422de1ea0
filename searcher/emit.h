/* emit.h - one result emitter with text, vimgrep and JSON back ends, shared
 * by `lectern find` and the daemon so that their output agrees. */
#ifndef LECTERN_EMIT_H
#define LECTERN_EMIT_H

#include <jansson.h>

#include "buf.h"
#include "search.h"

enum emit_format { EMIT_TEXT, EMIT_VIMGREP, EMIT_JSON, EMIT_FILES, EMIT_COUNT };

struct emit_opts {
	enum emit_format format;
	int color;              /* ANSI colours (text and vimgrep) */
	const char *cwd;        /* paths under it are shown relative; NULL: absolute */
};

/* Append the whole result in `format` to out (sticky buf errors). */
void emit_result(struct buf *out, const struct search_result *res, const struct emit_opts *o);

/* Append hit h, the index'th (0-based) of result res, as emit_result
 * would write it among the others: hits can be written as they come
 * (search_req.on_hit), res being the result so far. Nothing for EMIT_COUNT. */
void emit_hit(struct buf *out, const struct search_result *res, const struct search_hit *h,
	      size_t index, const struct emit_opts *o);

/* One hit as a JSON object (path, line, col, headings, score, snippet,
 * highlights, title, date, speakers, stale, and occurrences / context when
 * present). New reference owned by the caller; NULL when out of memory. */
json_t *emit_hit_json(const struct search_hit *h, const struct emit_opts *o);

/* The lines of search_result.warnings as a JSON array of strings ([] for
 * NULL). New reference owned by the caller. */
json_t *emit_warnings_json(const char *warnings);

#endif
