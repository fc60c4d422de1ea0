/* emit.h - `lectern find`'s output: text, vimgrep, JSON lines, file names.
 * It reads results and passages through lectern.h alone, whether the
 * daemon answered or this process searched (lib/lectern-int.h's views). */
#ifndef LECTERN_EMIT_H
#define LECTERN_EMIT_H

#include <stdint.h>

#include "buf.h"
#include "lectern.h"

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

/* Append passage p, the index'th (0-based) printed of results res (the
 * result so far: passages are printed as they come), in o->format.
 * Nothing for EMIT_COUNT. Errors are sticky in out. */
void emit_hit(struct buf *out, const lectern_results_t *res, const lectern_passage_t *p,
	      size_t index, const struct emit_opts *o);

/* The version of the CLI's JSON lines (docs/lectern-output.schema.json):
 * raised when a member changes meaning or goes away, not when one is added. */
#define EMIT_JSON_VERSION 1

/* The typed lines of `lectern find --json`, in order: "begin" (the version
 * and the query), a "match" per passage (emit_hit), "end" (the passages
 * shown), "summary". Each appends one line to out. */
void emit_begin(struct buf *out, const char *query);
void emit_end(struct buf *out, uint64_t shown);

/* Append the JSON summary line that ends `lectern find --json` (and is the
 * whole of --json --count): the total, whether the passages are a fallback
 * (some of the query's words: nothing matched it as written), the
 * suggestion, the warnings, and `shown`, the passages written. */
void emit_summary(struct buf *out, const lectern_results_t *res, uint64_t shown);

#endif
