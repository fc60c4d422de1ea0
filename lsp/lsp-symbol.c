/* lsp-symbol.c - workspace/symbol: a lectern query, its passages as
 * symbols located at their match, in UTF-16 code units. */
#include <stdlib.h>
#include <string.h>

#include "lectern-int.h"
#include "limits.h"
#include "lsp-int.h"
#include "lsp-text.h"
#include "notefile.h"
#include "search.h"

/* The note whose lines the hits point into: the last one read, kept for the
 * next hit (a query's hits often share notes). */
struct note_cache {
	char *path, *text;
	size_t len;
	int failed;
};

static void cache_release(struct note_cache *c)
{
	free(c->path);
	free(c->text);
	memset(c, 0, sizeof(*c));
}

static int cache_load(struct note_cache *c, const char *path)
{
	if (c->path && !strcmp(c->path, path))
		return !c->failed;
	cache_release(c);
	c->path = strdup(path);
	c->failed = !c->path || notefile_read(path, LEC_MAX_NOTE_BYTES, &c->text, &c->len, NULL);
	return !c->failed;
}

/* Does the UTF-8 sequence at p (k bytes) continue a word? Letters and
 * digits do; ASCII punctuation, Latin-1's (C2 xx) and the General
 * Punctuation block (E2 80 xx, E2 81 xx: ’ – … “) do not. */
static int word_char(const unsigned char *p, size_t k)
{
	if (k == 1)
		return (p[0] >= '0' && p[0] <= '9') || ((p[0] | 32) >= 'a' && (p[0] | 32) <= 'z') ||
		       p[0] == '_';
	if (p[0] == 0xc2)
		return 0;
	return !(p[0] == 0xe2 && (p[1] == 0x80 || p[1] == 0x81));
}

/* The byte length of the word starting at line[at]. */
static size_t word_len(const char *line, size_t len, size_t at)
{
	const unsigned char *p = (const unsigned char *)line;
	size_t i = at;
	while (i < len) {
		size_t k = p[i] < 0x80 ? 1 : p[i] < 0xe0 ? 2 : p[i] < 0xf0 ? 3 : 4;
		if (i + k > len || !word_char(p + i, k))
			break;
		i += k;
	}
	return i - at;
}

/* The shown match among the passage's occurrences (LECTERN_QUERY_OCCURRENCES),
 * when its whole line came with it (lines are cut at LEC_MAX_LINE_BYTES, and
 * past LEC_MAX_OCCURRENCE_TEXT_BYTES come without text): its line's text
 * and its bytes [*at, *at + *len). A phrase is one occurrence, so the range
 * covers "cattle, not pets", not only its first word. */
static const char *occurrence(const lectern_passage_t *p, size_t *at, size_t *len)
{
	uint32_t line = lectern_passage_line(p), col = lectern_passage_column(p);
	for (size_t i = 0, n = lectern_passage_occurrence_count(p); i < n; i++) {
		uint32_t ol, oc, end;
		const char *text;
		lectern_passage_occurrence(p, i, &ol, &oc, &end, &text);
		if (ol != line || oc != col || !oc || !text)
			continue;
		size_t tl = strlen(text);
		if (end - 1 > tl || tl >= LEC_MAX_LINE_BYTES)
			return NULL;
		*at = oc - 1;
		*len = end - oc;
		return text;
	}
	return NULL;
}

/* {"start":..,"end":..} of the hit's match: line - 1, and the byte columns
 * turned into UTF-16 code units over the line's text: the occurrence's
 * line, else the note's (a note that cannot be read, or a stale hit,
 * points at the line's start). */
static json_t *hit_range(struct note_cache *c, const lectern_passage_t *p)
{
	uint32_t line = lectern_passage_line(p), col = lectern_passage_column(p);
	uint32_t line0 = line ? line - 1 : 0, from = 0, to = 0;
	int stale = lectern_passage_stale(p);
	size_t s, e, at, len;
	const char *text = stale ? NULL : occurrence(p, &at, &len);
	if (text) {
		from = lsp_utf16_len(text, at);
		to = from + lsp_utf16_len(text + at, len);
	} else if (!stale && cache_load(c, lectern_passage_path(p)) &&
		   lsp_line_span(c->text, c->len, line0, &s, &e)) {
		at = col ? col - 1 : 0;
		if (at > e - s)
			at = e - s;
		from = lsp_utf16_len(c->text + s, at);
		to = from + lsp_utf16_len(c->text + s + at, word_len(c->text + s, e - s, at));
	}
	return json_pack("{s:{s:i, s:i}, s:{s:i, s:i}}", "start", "line", (json_int_t)line0,
			 "character", (json_int_t)from, "end", "line", (json_int_t)line0,
			 "character", (json_int_t)to);
}

/* "Heading › Subheading — snippet": what the passage is about, then what
 * it says; the note's file name when it has no heading. */
static char *symbol_name(const lectern_passage_t *p)
{
	struct buf b;
	const char *path = lectern_passage_path(p), *base = strrchr(path, '/');
	const char *snippet = lectern_passage_snippet(p);
	size_t nheadings = lectern_passage_heading_count(p);
	buf_init(&b, 0);
	for (size_t i = 0; i < nheadings; i++)
		buf_printf(&b, "%s%s", i ? " \xe2\x80\xba " : "", lectern_passage_heading(p, i));
	/* the file name, not the title: a plain-text note's title is its
	 * first line, however long */
	if (!nheadings)
		buf_puts(&b, base ? base + 1 : path);
	if (*snippet)
		buf_printf(&b, " \xe2\x80\x94 %s", snippet);
	return buf_detach(&b);
}

static json_t *symbol(struct note_cache *c, const lectern_passage_t *p)
{
	struct buf uri;
	char *name = symbol_name(p);
	const char *path = lectern_passage_path(p), *base = strrchr(path, '/');
	const char *title = lectern_passage_title(p);
	buf_init(&uri, 0);
	lsp_uri_from_path(path, &uri);
	json_t *range = hit_range(c, p);
	json_t *sym = name && uri.data && range ?
			      json_pack("{s:s, s:i, s:{s:s, s:O}, s:s}", "name", name, "kind",
					15 /* String: a passage is text */, "location", "uri",
					uri.data, "range", range, "containerName",
					title && *title ? title :
					base            ? base + 1 :
							  path) :
			      NULL;
	json_decref(range);
	buf_release(&uri);
	free(name);
	return sym;
}

json_t *lsp_workspace_symbol(struct lsp_server *s, const json_t *params, int *code, struct buf *err)
{
	const json_t *q = json_object_get(params, "query");
	if (!json_is_string(q)) {
		*code = LSP_E_INVALID_PARAMS;
		buf_puts(err, "workspace/symbol needs a \"query\" string");
		return NULL;
	}
	json_t *out = json_array();
	/* an editor asks with "" as the picker opens: nothing typed, nothing found */
	if (!out || json_string_length(q) == 0)
		return out;
	struct search_result res;
	/* what the user typed is one argument, as `lectern find "..."` takes
	 * it; the matches' lines come with the passages: the ranges need no
	 * note read */
	const lectern_query_options_t o = {
		.limit = LEC_LSP_SYMBOLS,
		.flags = LECTERN_QUERY_IMPLICIT_PHRASE | LECTERN_QUERY_OCCURRENCES,
	};
	lec_status st = lsp_backend_find(&s->be, json_string_value(q), &o, &res, err);
	if (st) {
		*code = LSP_E_REQUEST_FAILED;
		if (!err->len)
			buf_puts(err, lec_status_str(st));
		search_result_release(&res);
		json_decref(out);
		return NULL;
	}
	struct note_cache c = { 0 };
	lectern_results_t view = lec_results_view(&res);
	for (const lectern_passage_t *p; (p = lectern_results_next(&view));) {
		json_t *sym = symbol(&c, p);
		if (sym)
			json_array_append_new(out, sym);
	}
	cache_release(&c);
	search_result_release(&res);
	return out;
}
