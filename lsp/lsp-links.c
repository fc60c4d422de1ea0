/* lsp-links.c - textDocument/hover and textDocument/definition: what a
 * [[wiki link]], a markdown link to another note, or a heading points to. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "lectern-int.h"
#include "limits.h"
#include "lsp-int.h"
#include "lsp-text.h"
#include "notefile.h"
#include "search.h"

/* A document's text: the editor's copy when it is open, else the file's.
 * *owned: the caller frees *text. */
static lec_status doc_text(struct lsp_server *s, const char *uri, const char *path,
			   const char **text, size_t *len, char **owned)
{
	const struct lsp_doc *d = lsp_docs_get(&s->docs, uri);
	*owned = NULL;
	if (d) {
		*text = d->text;
		*len = d->len;
		return LEC_OK;
	}
	lec_status st = notefile_read(path, LEC_MAX_NOTE_BYTES, owned, len, NULL);
	*text = *owned;
	return st;
}

/* The TextDocumentPositionParams: the document's uri and path, and the
 * position. LSP_E_INVALID_PARAMS when malformed. */
static int position_params(const json_t *params, const char **uri, char **path, json_int_t *line,
			   json_int_t *character, struct buf *err)
{
	const json_t *td = json_object_get(params, "textDocument");
	const json_t *pos = json_object_get(params, "position");
	const json_t *l = json_object_get(pos, "line"), *c = json_object_get(pos, "character");
	*uri = json_string_value(json_object_get(td, "uri"));
	*path = NULL;
	if (!*uri || !json_is_integer(l) || !json_is_integer(c) || json_integer_value(l) < 0 ||
	    json_integer_value(c) < 0 || json_integer_value(l) > UINT32_MAX ||
	    json_integer_value(c) > UINT32_MAX) {
		buf_puts(err, "expected {\"textDocument\":{\"uri\":..},\"position\":{\"line\":..,"
			      "\"character\":..}}");
		return LSP_E_INVALID_PARAMS;
	}
	if (lsp_path_from_uri(*uri, path)) {
		buf_printf(err, "not a file URI: %s", *uri);
		return LSP_E_INVALID_PARAMS;
	}
	*line = json_integer_value(l);
	*character = json_integer_value(c);
	return 0;
}

static int is_file(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* "dir/name" + ext, when that is a file: malloc'd, else NULL. */
static char *try_file(const char *dir, size_t dlen, const char *name, const char *ext)
{
	struct buf b;
	buf_init(&b, LEC_MAX_PATH_BYTES);
	if (name[0] != '/')
		buf_printf(&b, "%.*s/", (int)dlen, dir);
	buf_printf(&b, "%s%s", name, ext);
	char *p = buf_detach(&b);
	if (p && is_file(p))
		return p;
	free(p);
	return NULL;
}

/* The file name's stem is `name` (ASCII case folded): "2019 Vogels" is
 * the note 2019 vogels.md as wiki links name it. */
static int stem_is(const char *path, const char *name)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strrchr(base, '.');
	size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	return n == strlen(name) && !strncasecmp(base, name, n);
}

/* A [[name]] that is not beside the note: the index's notes whose path
 * holds its words, the first whose file name is the name. */
static char *search_note(struct lsp_server *s, const char *name)
{
	struct buf q, err;
	const lectern_query_options_t o = { .limit = 50, .flags = LECTERN_QUERY_FILES };
	struct search_result res = { 0 };
	char *found = NULL;
	buf_init(&q, LEC_MAX_QUERY_BYTES);
	buf_init(&err, 4096);
	buf_puts(&q, "path:\"");
	for (const char *p = name; *p; p++)
		buf_putc(&q, *p == '"' ? ' ' : *p);
	buf_putc(&q, '"');
	if (!q.status && lsp_backend_find(&s->be, q.data, &o, &res, &err) == LEC_OK) {
		lectern_results_t view = lec_results_view(&res);
		for (const lectern_passage_t *p; !found && (p = lectern_results_next(&view));)
			if (stem_is(lectern_passage_path(p), name))
				found = strdup(lectern_passage_path(p));
	}
	search_result_release(&res);
	buf_release(&q);
	buf_release(&err);
	return found;
}

/* The note a link names, from the note at `from`: a path relative to its
 * directory (with .md added when it names no file), or for a wiki link
 * a note of that name beside it, else anywhere in the index. malloc'd or
 * NULL. */
static char *resolve(struct lsp_server *s, const char *from, const struct lsp_link *l)
{
	static const char *const exts[] = { "", ".md", ".markdown", ".txt" };
	const char *slash = strrchr(from, '/');
	size_t dlen = slash ? (size_t)(slash - from) : 0;
	char *target = strdup(l->target), *p = NULL;
	if (!target)
		return NULL;
	/* a markdown link's target is a URI reference: %20 is a space */
	if (!l->wiki && strchr(target, '%')) {
		struct buf u;
		char *dec = NULL;
		buf_init(&u, 0);
		buf_printf(&u, "file:///%s", target);
		if (!u.status && lsp_path_from_uri(u.data, &dec) == LEC_OK) {
			free(target);
			target = strdup(dec + 1);
		}
		free(dec);
		buf_release(&u);
		if (!target)
			return NULL;
	}
	for (size_t i = 0; !p && i < sizeof(exts) / sizeof(exts[0]); i++)
		p = try_file(from, dlen, target, exts[i]);
	if (!p && l->wiki)
		p = search_note(s, target);
	free(target);
	return p;
}

/* The link under the cursor and the note it names: LEC_ENOTFOUND when
 * there is no link there, or it names no note we can find. */
struct at_point {
	const char *uri;
	char *path;       /* the document's */
	const char *text; /* the document's text */
	size_t len;
	char *owned;
	size_t ls, le; /* the cursor's line */
	uint32_t line0;
	size_t at; /* the cursor's byte in the text */
};

static void at_point_release(struct at_point *a)
{
	free(a->path);
	free(a->owned);
}

static int at_point(struct lsp_server *s, const json_t *params, struct at_point *a, struct buf *err)
{
	json_int_t line, character;
	memset(a, 0, sizeof(*a));
	int code = position_params(params, &a->uri, &a->path, &line, &character, err);
	if (code)
		return code;
	if (doc_text(s, a->uri, a->path, &a->text, &a->len, &a->owned) ||
	    !lsp_line_span(a->text, a->len, (uint32_t)line, &a->ls, &a->le)) {
		a->text = NULL;
		return 0;
	}
	a->line0 = (uint32_t)line;
	a->at = a->ls + lsp_byte_offset(a->text + a->ls, a->le - a->ls, (uint32_t)character);
	return 0;
}

/* The note the link under the cursor points to, and the 0-based line of
 * its anchor (0 without one): *target malloc'd. */
static int link_target(struct lsp_server *s, const struct at_point *a, struct lsp_link *l,
		       char **target)
{
	*target = NULL;
	if (!a->text || lsp_link_at(a->text + a->ls, a->le - a->ls, a->at - a->ls, l))
		return 0;
	*target = resolve(s, a->path, l);
	return *target != NULL;
}

static json_t *location(const char *path, uint32_t line0)
{
	struct buf uri;
	buf_init(&uri, 0);
	lsp_uri_from_path(path, &uri);
	json_t *loc = uri.data ? json_pack("{s:s, s:{s:{s:i, s:i}, s:{s:i, s:i}}}", "uri", uri.data,
					   "range", "start", "line", (json_int_t)line0, "character",
					   0, "end", "line", (json_int_t)line0, "character", 0) :
				 NULL;
	buf_release(&uri);
	return loc;
}

json_t *lsp_definition(struct lsp_server *s, const json_t *params, int *code, struct buf *err)
{
	struct at_point a;
	struct lsp_link l = { 0 };
	char *target = NULL;
	json_t *out = NULL;
	if ((*code = at_point(s, params, &a, err)))
		return NULL;
	if (link_target(s, &a, &l, &target)) {
		uint32_t line0 = 0;
		char *text = NULL;
		size_t len;
		if (l.anchor &&
		    notefile_read(target, LEC_MAX_NOTE_BYTES, &text, &len, NULL) == LEC_OK)
			lsp_find_heading(text, len, l.anchor, &line0);
		free(text);
		out = location(target, line0);
	}
	free(target);
	lsp_link_release(&l);
	at_point_release(&a);
	return out;
}

/* At most LEC_LSP_HOVER_BYTES of text[0 .. len), cut at a character
 * boundary, into b. */
static void put_bounded(struct buf *b, const char *text, size_t len)
{
	size_t n = len;
	if (n > LEC_LSP_HOVER_BYTES) {
		n = LEC_LSP_HOVER_BYTES;
		while (n && ((unsigned char)text[n] & 0xc0) == 0x80)
			n--;
	}
	buf_put(b, text, n);
	if (n < len)
		buf_puts(b, "\n\n\xe2\x80\xa6");
}

/* The hover of the note `target` (at its anchor's section when there is
 * one): a bold file name, then the passage. */
static void hover_note(const char *target, const char *anchor, struct buf *md)
{
	char *text = NULL;
	size_t len, s = 0, e;
	uint32_t line0;
	if (notefile_read(target, LEC_MAX_NOTE_BYTES, &text, &len, NULL))
		return;
	e = len;
	if (anchor && lsp_find_heading(text, len, anchor, &line0))
		lsp_section_at(text, len, line0, &s, &e);
	const char *base = strrchr(target, '/');
	buf_printf(md, "**%s**\n\n", base ? base + 1 : target);
	put_bounded(md, text + s, e - s);
	free(text);
}

json_t *lsp_hover(struct lsp_server *s, const json_t *params, int *code, struct buf *err)
{
	struct at_point a;
	struct lsp_link l = { 0 };
	struct buf md;
	char *target = NULL;
	size_t ss, se;
	json_t *out = NULL;
	if ((*code = at_point(s, params, &a, err)))
		return NULL;
	buf_init(&md, 0);
	if (link_target(s, &a, &l, &target))
		hover_note(target, l.anchor, &md);
	else if (a.text && lsp_section_at(a.text, a.len, a.line0, &ss, &se))
		put_bounded(&md, a.text + ss, se - ss);
	if (md.len && !md.status)
		out = json_pack("{s:{s:s, s:s%}}", "contents", "kind", "markdown", "value", md.data,
				md.len);
	buf_release(&md);
	free(target);
	lsp_link_release(&l);
	at_point_release(&a);
	return out;
}
