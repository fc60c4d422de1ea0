/* emit.c - text, vimgrep and JSON output of search results. */
#include "emit.h"

#include <stdlib.h>
#include <string.h>

#include "jsondump.h"
#include "layout.h"
#include "paths.h"

#include <utf8proc.h>

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

/* The text with [off, off+len) ranges coloured. */
static void put_highlighted(struct buf *b, const char *text, size_t len,
			    const struct search_range *r, size_t nr, const struct emit_opts *o)
{
	size_t at = 0;
	for (size_t i = 0; i < nr; i++) {
		if (r[i].off < at || r[i].off + r[i].len > len)
			continue;
		buf_put(b, text + at, r[i].off - at);
		put_color(b, o, C_MATCH);
		buf_put(b, text + r[i].off, r[i].len);
		put_color(b, o, C_OFF);
		at = r[i].off + r[i].len;
	}
	buf_put(b, text + at, len - at);
}

static void put_headings(struct buf *b, const struct search_hit *h)
{
	for (size_t i = 0; i < h->nheadings; i++) {
		if (i)
			buf_puts(b, LEC_HEADING_SEP);
		buf_puts(b, h->headings[i]);
	}
}

/* The context lines, the matched words in them highlighted (ctx_hl is in
 * line order: each line takes its run of it). */
static void emit_context(struct buf *b, const struct search_hit *h, const struct emit_opts *o)
{
	size_t k = 0;
	for (size_t i = 0; i < h->ncontext; i++) {
		uint32_t ln = h->ctx_first + (uint32_t)i;
		struct search_range r[64];
		size_t nr = 0;
		for (; k < h->nctx_hl && h->ctx_hl[k].line == i; k++)
			if (nr < sizeof(r) / sizeof(r[0]))
				r[nr++] =
					(struct search_range){ h->ctx_hl[k].off, h->ctx_hl[k].len };
		put_color(b, o, C_LINE);
		buf_printf(b, "%6u%c", ln, ln == h->line ? ':' : '-');
		put_color(b, o, C_OFF);
		buf_putc(b, ' ');
		put_highlighted(b, h->context[i], strlen(h->context[i]), r, nr, o);
		buf_putc(b, '\n');
	}
}

static void emit_text_hit(struct buf *b, const struct search_hit *h, const struct emit_opts *o)
{
	put_color(b, o, C_PATH);
	buf_puts(b, shown(h->path, o));
	put_color(b, o, C_OFF);
	buf_putc(b, ':');
	put_color(b, o, C_LINE);
	buf_printf(b, "%u:%u", h->line, h->col);
	put_color(b, o, C_OFF);
	if (h->nheadings) {
		buf_puts(b, "  ");
		put_color(b, o, C_HEAD);
		put_headings(b, h);
		put_color(b, o, C_OFF);
	}
	if (h->stale) {
		put_color(b, o, C_DIM);
		buf_puts(b, h->missing ? "  [missing: no such file here (moved, deleted, or "
					 "indexed on another machine)]" :
					 "  [stale: the file changed since it was indexed]");
		put_color(b, o, C_OFF);
	}
	buf_putc(b, '\n');
	if (h->ncontext) {
		emit_context(b, h, o);
	} else if (h->snippet) {
		buf_puts(b, "    ");
		put_highlighted(b, h->snippet, strlen(h->snippet), h->highlights, h->nhighlights,
				o);
		buf_putc(b, '\n');
	}
}

static void emit_vimgrep(struct buf *b, const struct search_hit *h, const struct emit_opts *o)
{
	for (size_t i = 0; i < h->nocc; i++) {
		const struct search_occurrence *oc = &h->occ[i];
		put_color(b, o, C_PATH);
		buf_puts(b, shown(h->path, o));
		put_color(b, o, C_OFF);
		buf_printf(b, ":%u:%u:", oc->line, oc->col);
		const char *t = oc->line_text ? oc->line_text : "";
		size_t tl = strlen(t);
		struct search_range r = { oc->col - 1, oc->len };
		put_highlighted(b, t, tl, &r, oc->col - 1 + oc->len <= tl ? 1 : 0, o);
		buf_putc(b, '\n');
	}
}

/* A JSON string for any bytes: invalid UTF-8 becomes U+FFFD, so a path with
 * a stray byte still gives a (lossy) answer instead of no answer. */
static json_t *jstr(const char *s)
{
	if (!s)
		return json_null();
	size_t len = strlen(s);
	json_t *j = json_stringn(s, len);
	if (j)
		return j;
	struct buf b;
	buf_init(&b, 0);
	for (size_t i = 0; i < len;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
						      (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0) {
			buf_puts(&b, "\xef\xbf\xbd");
			i++;
		} else {
			buf_put(&b, s + i, (size_t)n);
			i += (size_t)n;
		}
	}
	j = b.status ? NULL : json_stringn(b.data ? b.data : "", b.len);
	buf_release(&b);
	return j;
}

static json_t *str_array(char **v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, jstr(v[i]));
	return a;
}

static json_t *highlights_json(const struct search_hit *h)
{
	json_t *hl = json_array();
	for (size_t i = 0; hl && i < h->nhighlights; i++)
		json_array_append_new(hl, json_pack("[I,I]", (json_int_t)h->highlights[i].off,
						    (json_int_t)h->highlights[i].len));
	return hl;
}

/* The keys in the order they always had; a places-only hit leaves out what
 * it does not carry (search_req.places_only). */
json_t *emit_hit_json(const struct search_hit *h, const struct emit_opts *o)
{
	int all = !h->places_only;
	json_t *j = json_object();
	if (j &&
	    (json_object_set_new(j, "path", jstr(h->path)) ||
	     (all && json_object_set_new(j, "shown_path", jstr(shown(h->path, o)))) ||
	     json_object_set_new(j, "line", json_integer(h->line)) ||
	     json_object_set_new(j, "col", json_integer(h->col)) ||
	     (all && json_object_set_new(j, "headings", str_array(h->headings, h->nheadings))) ||
	     json_object_set_new(j, "score", json_real(h->score)) ||
	     (all && (json_object_set_new(j, "snippet", jstr(h->snippet)) ||
		      json_object_set_new(j, "highlights", highlights_json(h)) ||
		      json_object_set_new(j, "title", jstr(h->title)) ||
		      json_object_set_new(j, "date", jstr(h->date)) ||
		      json_object_set_new(j, "speakers", str_array(h->speakers, h->nspeakers)))) ||
	     json_object_set_new(j, "stale", json_boolean(h->stale)))) {
		json_decref(j);
		j = NULL;
	}
	if (j) {
		json_object_set_new(j, "missing", json_boolean(h->missing));
		/* holds only some of the query's words: marked wherever it goes
		 * (the daemon's answer, the CLI's lines), so no reader takes it
		 * for a match */
		json_object_set_new(j, "fallback", json_boolean(h->partial));
	}
	if (j && h->nocc) {
		json_t *occ = json_array();
		for (size_t i = 0; i < h->nocc; i++)
			json_array_append_new(occ, json_pack("{s:i, s:i, s:I, s:o}", "line",
							     (int)h->occ[i].line, "col",
							     (int)h->occ[i].col, "len",
							     (json_int_t)h->occ[i].len, "text",
							     jstr(h->occ[i].line_text)));
		json_object_set_new(j, "occurrences", occ);
	}
	if (j && h->ncontext) {
		json_object_set_new(j, "context_first_line", json_integer(h->ctx_first));
		json_object_set_new(j, "context", str_array(h->context, h->ncontext));
		json_t *hl = json_array();
		for (size_t i = 0; hl && i < h->nctx_hl; i++)
			json_array_append_new(hl, json_pack("[i,I,I]", (int)h->ctx_hl[i].line,
							    (json_int_t)h->ctx_hl[i].off,
							    (json_int_t)h->ctx_hl[i].len));
		json_object_set_new(j, "context_highlights", hl ? hl : json_null());
	}
	if (j && h->file_matches)
		json_object_set_new(j, "file_matches", json_integer(h->file_matches));
	return j;
}

json_t *emit_warnings_json(const char *warnings)
{
	json_t *a = json_array();
	for (const char *p = warnings; a && p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		json_array_append_new(a, json_stringn(p, n));
		p += n + (nl != NULL);
	}
	return a ? a : json_null();
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

static void emit_json(struct buf *b, const struct search_result *res, const struct search_hit *h,
		      const struct emit_opts *o)
{
	/* "type" first, as in every line, for a reader that looks no further */
	json_t *line = json_pack("{s:s}", "type", "match"), *hit = emit_hit_json(h, o);
	if (line && hit && !json_object_update(line, hit)) {
		json_object_set_new(line, "warnings", emit_warnings_json(res->warnings));
	} else {
		json_decref(line);
		line = NULL; /* put_json_line: out of memory */
	}
	json_decref(hit);
	put_json_line(b, line);
}

static json_t *str_or_null(const char *s)
{
	json_t *j = s ? jstr(s) : NULL;
	return j ? j : json_null();
}

void emit_begin(struct buf *b, const char *query)
{
	put_json_line(b, json_pack("{s:s, s:i, s:o}", "type", "begin", "version", EMIT_JSON_VERSION,
				   "query", jstr(query)));
}

void emit_end(struct buf *b, uint64_t shown)
{
	put_json_line(b, json_pack("{s:s, s:I}", "type", "end", "shown", (json_int_t)shown));
}

void emit_summary(struct buf *b, const struct search_result *res, uint64_t shown)
{
	json_t *j = json_object();
	if (j) {
		json_object_set_new(j, "type", json_string("summary"));
		json_object_set_new(j, "version", json_integer(EMIT_JSON_VERSION));
		json_object_set_new(j, "total", json_integer((json_int_t)res->total));
		json_object_set_new(j, "total_exact", json_boolean(res->total_exact));
		json_object_set_new(j, "shown", json_integer((json_int_t)shown));
		json_object_set_new(j, "fallback", json_boolean(res->relaxed));
		json_object_set_new(j, "fallback_query", str_or_null(res->relaxed_query));
		json_object_set_new(j, "suggestion", str_or_null(res->suggestion));
		json_object_set_new(j, "fixed", json_boolean(res->fixed));
		json_object_set_new(j, "explain", str_or_null(res->explain));
		json_object_set_new(j, "warnings", emit_warnings_json(res->warnings));
	}
	put_json_line(b, j);
}

void emit_hit(struct buf *b, const struct search_result *res, const struct search_hit *h,
	      size_t index, const struct emit_opts *o)
{
	switch (o->format) {
	case EMIT_COUNT:
		return;
	case EMIT_FILES:
		put_color(b, o, C_PATH);
		buf_puts(b, shown(h->path, o));
		put_color(b, o, C_OFF);
		buf_putc(b, '\n');
		return;
	case EMIT_JSON:
		emit_json(b, res, h, o);
		return;
	case EMIT_VIMGREP:
		emit_vimgrep(b, h, o);
		return;
	case EMIT_TEXT:
		if (index)
			buf_putc(b, '\n');
		emit_text_hit(b, h, o);
		return;
	}
}

void emit_result(struct buf *b, const struct search_result *res, const struct emit_opts *o)
{
	if (o->format == EMIT_COUNT)
		buf_printf(b, "%llu\n", (unsigned long long)res->total);
	for (size_t i = 0; o->format != EMIT_COUNT && i < res->nhits; i++)
		emit_hit(b, res, &res->hits[i], i, o);
}
