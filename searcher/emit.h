/* emit.h - one result emitter with text, vimgrep and JSON back ends, shared
 * by `lectern find` and the daemon so that their output agrees. */
#ifndef LECTERN_EMIT_H
#define LECTERN_EMIT_H

#include <jansson.h>

#include "buf.h"
#include "search.h"

enum emit_format {
	EMIT_TEXT,
	EMIT_VIMGREP,
	EMIT_JSON,
	EMIT_FILES,
	EMIT_COUNT
};

struct emit_opts {
	enum emit_format format;
	int color;       /* ANSI colours (text and vimgrep) */
	const char *cwd; /* paths under it are shown relative; NULL: absolute */
};

/* Append the whole result in `format` to out (sticky buf errors). */
void emit_result(struct buf *out, const struct search_result *res, const struct emit_opts *o);

/* Append hit h, the index'th (0-based) of result res, as emit_result
 * would write it among the others: hits can be written as they come
 * (search_req.on_hit), res being the result so far. Nothing for EMIT_COUNT. */
void emit_hit(struct buf *out, const struct search_result *res, const struct search_hit *h,
	      size_t index, const struct emit_opts *o);

/* One hit as a JSON object (path, line, col, headings, score, snippet,
 * highlights, title, date, speakers, stale, missing, fallback (the hit holds
 * only some of the query's words), and occurrences / context when
 * present). New reference owned by the caller; NULL when out of memory. */
json_t *emit_hit_json(const struct search_hit *h, const struct emit_opts *o);

/* The version of the CLI's JSON lines (docs/lectern-output.schema.json):
 * raised when a member changes meaning or goes away, not when one is added. */
#define EMIT_JSON_VERSION 1

/* The typed lines of `lectern find --json`, in order: "begin" (the version
 * and the query), a "match" per hit (emit_hit), "end" (the hits shown),
 * "summary". Each appends one line to out. */
void emit_begin(struct buf *out, const char *query);
void emit_end(struct buf *out, uint64_t shown);

/* Append the JSON summary line that ends `lectern find --json` (and is the
 * whole of --json --count): the total, whether the hits are a fallback (some
 * of the query's words: nothing matched it as written), the suggestion, the
 * warnings, and `shown`, the hits written. */
void emit_summary(struct buf *out, const struct search_result *res, uint64_t shown);

/* The lines of search_result.warnings as a JSON array of strings ([] for
 * NULL). New reference owned by the caller. */
json_t *emit_warnings_json(const char *warnings);

#endif
