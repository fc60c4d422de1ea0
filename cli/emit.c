/* emit.c - `lectern find`'s text, vimgrep and JSON output, read through
 * lectern.h (the JSON of a passage is the library's: lectern-int.h). */
#include "emit.h"

#include <stdlib.h>
#include <string.h>

#include "jsondump.h"
#include "layout.h"
#include "lectern-int.h"
#include "paths.h"

#define C_PATH "\033[35m"
#define C_LINE "\033[32m"
#define C_HEAD "\033[36m"
#define C_MATCH "\033[1;31m"
#define C_DIM "\033[2m"
#define C_OFF "\033[0m"

static const char *shown(const char *path, const struct emit_opts *o)
{
	return o->cwd ? paths_display(path, o->cwd) : path;
}

static void put_color(struct buf *b, const struct emit_opts *o, const char *c)
{
	if (o->color)
		buf_puts(b, c);
}

/* A byte range of a text to colour. */
struct range {
	size_t off, len;
};

/* text[*at, off) then text[off, off + len) coloured, *at moved past it; a
 * range out of order or past len is left out. */
static void put_marked(struct buf *b, const char *text, size_t len, size_t *at, size_t off,
		       size_t n, const struct emit_opts *o)
{
	if (off < *at || off + n > len)
		return;
	buf_put(b, text + *at, off - *at);
	put_color(b, o, C_MATCH);
	buf_put(b, text + off, n);
	put_color(b, o, C_OFF);
	*at = off + n;
}

/* The text with its ranges (in order, not overlapping) coloured. */
static void put_highlighted(struct buf *b, const char *text, const struct range *r, size_t nr,
			    const struct emit_opts *o)
{
	size_t at = 0, len = strlen(text);
	for (size_t i = 0; i < nr; i++)
		put_marked(b, text, len, &at, r[i].off, r[i].len, o);
	buf_put(b, text + at, len - at);
}

static void put_headings(struct buf *b, const lectern_passage_t *p)
{
	for (size_t i = 0, n = lectern_passage_heading_count(p); i < n; i++) {
		if (i)
			buf_puts(b, LEC_HEADING_SEP);
		buf_puts(b, lectern_passage_heading(p, i));
	}
}

/* The snippet, every match in it coloured. */
static void put_snippet(struct buf *b, const lectern_passage_t *p, const struct emit_opts *o)
{
	const char *text = lectern_passage_snippet(p);
	size_t at = 0, len = strlen(text);
	for (size_t i = 0, n = lectern_passage_highlight_count(p); i < n; i++) {
		size_t off, hl;
		lectern_passage_highlight(p, i, &off, &hl);
		put_marked(b, text, len, &at, off, hl, o);
	}
	buf_put(b, text + at, len - at);
}

/* A context line's matches beyond this many are left plain, as before. */
#define HL_MAX 64
/* The context lines, the matched words in them highlighted (their ranges
 * are in line order: each line takes its run of them). */
static void emit_context(struct buf *b, const lectern_passage_t *p, const struct emit_opts *o)
{
	size_t k = 0, nk = lectern_passage_context_highlight_count(p), at_line = 0;
	uint32_t first = lectern_passage_context_first_line(p), line = lectern_passage_line(p);
	for (size_t i = 0, n = lectern_passage_context_count(p); i < n; i++) {
		uint32_t ln = first + (uint32_t)i;
		struct range r[HL_MAX];
		size_t nr = 0;
		for (; k < nk; k++) {
			size_t off, len;
			lectern_passage_context_highlight(p, k, &at_line, &off, &len);
			if (at_line != i)
				break;
			if (nr < HL_MAX)
				r[nr++] = (struct range){ off, len };
		}
		put_color(b, o, C_LINE);
		buf_printf(b, "%6u%c", ln, ln == line ? ':' : '-');
		put_color(b, o, C_OFF);
		buf_putc(b, ' ');
		put_highlighted(b, lectern_passage_context_line(p, i), r, nr, o);
		buf_putc(b, '\n');
	}
}

static void emit_text_hit(struct buf *b, const lectern_passage_t *p, const struct emit_opts *o)
{
	put_color(b, o, C_PATH);
	buf_puts(b, shown(lectern_passage_path(p), o));
	put_color(b, o, C_OFF);
	buf_putc(b, ':');
	put_color(b, o, C_LINE);
	buf_printf(b, "%u:%u", lectern_passage_line(p), lectern_passage_column(p));
	put_color(b, o, C_OFF);
	if (lectern_passage_heading_count(p)) {
		buf_puts(b, "  ");
		put_color(b, o, C_HEAD);
		put_headings(b, p);
		put_color(b, o, C_OFF);
	}
	if (lectern_passage_stale(p)) {
		put_color(b, o, C_DIM);
		buf_puts(b, lectern_passage_missing(p) ?
				    "  [missing: no such file here (moved, deleted, or "
				    "indexed on another machine)]" :
				    "  [stale: the file changed since it was indexed]");
		put_color(b, o, C_OFF);
	}
	buf_putc(b, '\n');
	if (lectern_passage_context_count(p)) {
		emit_context(b, p, o);
	} else if (*lectern_passage_snippet(p)) {
		buf_puts(b, "    ");
		put_snippet(b, p, o);
		buf_putc(b, '\n');
	}
}

static void emit_vimgrep(struct buf *b, const lectern_passage_t *p, const struct emit_opts *o)
{
	const char *path = shown(lectern_passage_path(p), o);
	for (size_t i = 0, n = lectern_passage_occurrence_count(p); i < n; i++) {
		uint32_t line, col, end;
		const char *t;
		lectern_passage_occurrence(p, i, &line, &col, &end, &t);
		put_color(b, o, C_PATH);
		buf_puts(b, path);
		put_color(b, o, C_OFF);
		buf_printf(b, ":%u:%u:", line, col);
		t = t ? t : "";
		struct range r = { col - 1, end - col };
		put_highlighted(b, t, &r, end - 1 <= strlen(t) ? 1 : 0, o);
		buf_putc(b, '\n');
	}
}

/* j as one compact line (taking j). */
static void put_json_line(struct buf *b, json_t *j)
{
	char *s = j ? jsondump(j, JSON_COMPACT) : NULL;
	if (!s) {
		b->status = b->status ? b->status : LEC_ENOMEM;
	} else {
		buf_puts(b, s);
		buf_putc(b, '\n');
	}
	free(s);
	json_decref(j);
}

static void emit_json(struct buf *b, const lectern_results_t *res, const lectern_passage_t *p,
		      const struct emit_opts *o)
{
	/* "type" first, as in every line, for a reader that looks no further */
	json_t *line = json_pack("{s:s}", "type", "match"), *hit = lec_passage_json(p, o->cwd);
	if (line && hit && !json_object_update(line, hit)) {
		json_object_set_new(line, "warnings",
				    lec_warnings_json(lectern_results_warnings(res)));
	} else {
		json_decref(line);
		line = NULL; /* put_json_line: out of memory */
	}
	json_decref(hit);
	put_json_line(b, line);
}

static json_t *str_or_null(const char *s)
{
	json_t *j = s ? lec_json_str(s) : NULL;
	return j ? j : json_null();
}

void emit_begin(struct buf *b, const char *query)
{
	put_json_line(b, json_pack("{s:s, s:i, s:o}", "type", "begin", "version", EMIT_JSON_VERSION,
				   "query", lec_json_str(query)));
}

void emit_end(struct buf *b, uint64_t shown)
{
	put_json_line(b, json_pack("{s:s, s:I}", "type", "end", "shown", (json_int_t)shown));
}

void emit_summary(struct buf *b, const lectern_results_t *res, uint64_t shown)
{
	json_t *j = json_object();
	if (j) {
		json_object_set_new(j, "type", json_string("summary"));
		json_object_set_new(j, "version", json_integer(EMIT_JSON_VERSION));
		json_object_set_new(j, "total",
				    json_integer((json_int_t)lectern_results_total(res)));
		json_object_set_new(j, "total_exact",
				    json_boolean(lectern_results_total_exact(res)));
		json_object_set_new(j, "shown", json_integer((json_int_t)shown));
		json_object_set_new(j, "fallback", json_boolean(lectern_results_fallback(res)));
		json_object_set_new(j, "fallback_query",
				    str_or_null(lectern_results_fallback_query(res)));
		json_object_set_new(j, "suggestion", str_or_null(lectern_results_suggestion(res)));
		json_object_set_new(j, "fixed", json_boolean(lectern_results_fixed(res)));
		json_object_set_new(j, "explain", str_or_null(lectern_results_explain(res)));
		json_object_set_new(j, "warnings",
				    lec_warnings_json(lectern_results_warnings(res)));
	}
	put_json_line(b, j);
}

void emit_hit(struct buf *b, const lectern_results_t *res, const lectern_passage_t *p, size_t index,
	      const struct emit_opts *o)
{
	switch (o->format) {
	case EMIT_COUNT:
		return;
	case EMIT_FILES:
		put_color(b, o, C_PATH);
		buf_puts(b, shown(lectern_passage_path(p), o));
		put_color(b, o, C_OFF);
		buf_putc(b, '\n');
		return;
	case EMIT_JSON:
		emit_json(b, res, p, o);
		return;
	case EMIT_VIMGREP:
		emit_vimgrep(b, p, o);
		return;
	case EMIT_TEXT:
		if (index)
			buf_putc(b, '\n');
		emit_text_hit(b, p, o);
		return;
	}
}
