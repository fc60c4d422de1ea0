/* note-md.c - markdown notes: cmark gives the block structure, and each leaf
 * block's source bytes are scanned for the text a reader sees (md-inline.c).
 *
 * cmark reports block positions as (line, column) with 1-based byte columns;
 * a table of line starts turns them into byte offsets. Inline node positions
 * are not reliable in cmark 0.30, so inline syntax (links, code spans, HTML,
 * entities, escapes) is re-scanned from the block's bytes.
 */
#include <cmark.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "md-internal.h"
#include "note-internal.h"
#include "speakers.h"
#include "vec.h"

#define TITLE_SCRATCH (8 * LEC_MAX_HEADING_BYTES)

/* ---- lines ---- */

static lec_status build_lines(struct md *md, size_t body)
{
	const char *s = md->s;
	size_t cap = 0, n = 0, i = body;
	bool has_cr = memchr(s + body, '\r', md->len - body) != NULL;

	md->lines = vec_reserve(NULL, &cap, 1, sizeof(*md->lines), 1024);
	if (!md->lines)
		return LEC_ENOMEM;
	md->lines[n++] = body;
	while (i < md->len) {
		const char *p;

		if (has_cr) { /* cmark ends lines at \n, \r\n and a lone \r */
			if (s[i] != '\n' && s[i] != '\r') {
				i++;
				continue;
			}
			i += (s[i] == '\r' && i + 1 < md->len && s[i + 1] == '\n') ? 2 : 1;
		} else {
			p = memchr(s + i, '\n', md->len - i);
			if (!p)
				break;
			i = (size_t)(p - s) + 1;
		}
		size_t *nl = vec_reserve(md->lines, &cap, n + 1, sizeof(*nl), 1024);

		if (!nl)
			return LEC_ENOMEM;
		md->lines = nl;
		md->lines[n++] = i;
	}
	md->nlines = n;
	return LEC_OK;
}

/* 0-based index of cmark's 1-based line, clamped to the table. */
static size_t line_index(const struct md *md, int line)
{
	if (line < 1)
		return 0;
	if ((size_t)line > md->nlines)
		return md->nlines - 1;
	return (size_t)line - 1;
}

/* End of line i's content: before its \n, \r\n or \r. */
static size_t line_content_end(const struct md *md, size_t i)
{
	size_t e = i + 1 < md->nlines ? md->lines[i + 1] : md->len;

	if (e > md->lines[i] && md->s[e - 1] == '\n')
		e--;
	if (e > md->lines[i] && md->s[e - 1] == '\r')
		e--;
	return e;
}

/* Byte offset of (line, col), col 1-based; `after` gives the offset just
 * past that column (for end positions). Clamped into the line. */
static size_t pos_of(const struct md *md, int line, int col, bool after)
{
	size_t i = line_index(md, line), b = md->lines[i], e = line_content_end(md, i);
	size_t off = b + (col > 0 ? (size_t)col - 1 : 0) + (after && col > 0);

	if (after && col <= 0)
		off = b;
	return off < b ? b : off > e ? e : off;
}

/* ---- blocks ---- */

static size_t trim_end(const struct md *md, size_t start, size_t end)
{
	while (end > start && md_is_ws(md->s[end - 1]))
		end--;
	return end;
}

/* Start a block at [start, end) whose segments come next. */
static struct note_block new_block(struct md *md, enum note_block_kind kind, size_t start,
				   size_t end)
{
	struct note_block b = {
		.kind = kind,
		.start = start,
		.end = end,
		.seg_first = md->note->nsegs,
		.speaker = -1,
		.presenter = -1,
	};

	return b;
}

static lec_status finish_block(struct md *md, struct note_block *b, bool keep_empty)
{
	b->seg_count = md->note->nsegs - b->seg_first;
	if (!b->seg_count && !keep_empty)
		return LEC_OK;
	b->line = note_lines_at(&md->nl, b->start);
	md->prev_end = b->end;
	return note_add_block(md->note, b);
}

static void node_range(const struct md *md, cmark_node *node, size_t *start, size_t *end)
{
	*start = pos_of(md, cmark_node_get_start_line(node), cmark_node_get_start_column(node),
			false);
	*end = pos_of(md, cmark_node_get_end_line(node), cmark_node_get_end_column(node), true);
	if (*start < md->prev_end)
		*start = md->prev_end;
	if (*end < *start)
		*end = *start;
	*end = trim_end(md, *start, *end);
}

static lec_status do_paragraph(struct md *md, cmark_node *node)
{
	struct note_block b;
	size_t start, end, t;
	lec_status st;

	node_range(md, node, &start, &end);
	md_finders_reset(md, end);
	/* cmark's paragraph still covers the link reference definitions it
	 * took out of it: skip them */
	while ((t = md_ref_def(md, start)))
		start = t;
	if (start >= end)
		return LEC_OK;
	b = new_block(md, NOTE_BLOCK_PARAGRAPH, start, end);
	st = md_scan_inline(md, start, end, false);
	if (!st)
		st = spk_classify(md->note, &b, start);
	return st ? st : finish_block(md, &b, false);
}

/* Line index of a setext underline after line `first` (the heading's first
 * content line): a line of only '=' or '-' (after container markers). */
static size_t setext_underline(const struct md *md, size_t first, size_t last)
{
	for (size_t i = first + 1; i <= last && i < md->nlines; i++) {
		size_t p = md->lines[i], e = line_content_end(md, i);
		char c;

		while (p < e && (md->s[p] == ' ' || md->s[p] == '\t' || md->s[p] == '>'))
			p++;
		if (p >= e || (md->s[p] != '=' && md->s[p] != '-'))
			continue;
		c = md->s[p];
		while (p < e && md->s[p] == c)
			p++;
		while (p < e && (md->s[p] == ' ' || md->s[p] == '\t'))
			p++;
		if (p == e)
			return i;
	}
	return NONE;
}

static lec_status do_heading(struct md *md, cmark_node *node)
{
	struct note_block b;
	size_t start, end, cstart, cend, u, first;
	lec_status st;

	node_range(md, node, &start, &end);
	cstart = start;
	cend = end;
	if (start < md->len && md->s[start] == '#') { /* ATX: skip the markers */
		while (cstart < end && md->s[cstart] == '#')
			cstart++;
	} else { /* setext: cmark's end line is unreliable */
		first = line_index(md, cmark_node_get_start_line(node));
		u = setext_underline(md, first, line_index(md, cmark_node_get_end_line(node)) + 1);
		if (u != NONE) {
			cend = trim_end(md, start, line_content_end(md, u - 1));
			end = trim_end(md, start, line_content_end(md, u));
		}
	}
	b = new_block(md, NOTE_BLOCK_HEADING, start, end);
	b.level = cmark_node_get_heading_level(node);
	st = md_scan_inline(md, cstart, cend < cstart ? cstart : cend, false);
	return st ? st : finish_block(md, &b, true);
}

/* Is line i a closing fence: `c` repeated at least n times, alone? */
static bool closing_fence(const struct md *md, size_t i, char c, size_t n)
{
	size_t p = md->lines[i], e = line_content_end(md, i), k = 0;

	while (p < e && (md->s[p] == ' ' || md->s[p] == '\t' || md->s[p] == '>'))
		p++;
	while (p < e && md->s[p] == c) {
		p++;
		k++;
	}
	while (p < e && (md->s[p] == ' ' || md->s[p] == '\t'))
		p++;
	return k >= n && p == e;
}

/* Is the code block starting at `start` fenced? Its opening line then
 * differs from the first line of its content. */
static bool is_fenced(const struct md *md, cmark_node *node, size_t start, size_t line,
		      size_t *fence_len)
{
	const char *lit = cmark_node_get_literal(node);
	size_t e = line_content_end(md, line), n = 0, llen;
	char c = start < md->len ? md->s[start] : 0;

	while (start + n < e && md->s[start + n] == c)
		n++;
	if ((c != '`' && c != '~') || n < 3)
		return false;
	*fence_len = n;
	if (!lit)
		return true;
	llen = strcspn(lit, "\n");
	return llen != e - start || memcmp(lit, md->s + start, llen) != 0;
}

static lec_status do_code(struct md *md, cmark_node *node)
{
	struct note_block b;
	size_t start, end, first, last, fence, cb, ce;

	node_range(md, node, &start, &end);
	first = line_index(md, cmark_node_get_start_line(node));
	last = line_index(md, cmark_node_get_end_line(node));
	cb = start;
	ce = end;
	if (is_fenced(md, node, start, first, &fence)) {
		if (last > first && closing_fence(md, last, md->s[start], fence))
			last--;
		cb = first + 1 < md->nlines ? md->lines[first + 1] : end;
		ce = last > first ? line_content_end(md, last) : cb;
		cb = cb < start ? start : cb > end ? end : cb;
		ce = ce > end ? end : ce < cb ? cb : ce;
	}
	b = new_block(md, NOTE_BLOCK_CODE, start, end);
	if (note_add_seg(md->note, cb, trim_end(md, cb, ce) - cb))
		return LEC_ENOMEM;
	return finish_block(md, &b, false);
}

static lec_status do_html(struct md *md, cmark_node *node)
{
	struct note_block b;
	size_t start, end;
	lec_status st;

	node_range(md, node, &start, &end);
	b = new_block(md, NOTE_BLOCK_HTML, start, end);
	st = md_scan_inline(md, start, end, true);
	return st ? st : finish_block(md, &b, false);
}

/* The first heading's text as cmark renders it (entities decoded, link
 * text without destinations), for the title. */
static lec_status heading_text(cmark_node *heading, char **out)
{
	cmark_iter *it = cmark_iter_new(heading);
	char buf[TITLE_SCRATCH];
	size_t n = 0;
	cmark_event_type ev;

	if (!it)
		return LEC_ENOMEM;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *x = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(x);
		const char *lit = NULL;
		size_t len;

		if (ev != CMARK_EVENT_ENTER)
			continue;
		if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE)
			lit = cmark_node_get_literal(x);
		else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
			lit = " ";
		if (!lit)
			continue;
		len = strlen(lit);
		if (len > sizeof(buf) - n)
			len = sizeof(buf) - n;
		memcpy(buf + n, lit, len);
		n += len;
	}
	cmark_iter_free(it);
	*out = note_collapse(buf, n, LEC_MAX_HEADING_BYTES);
	return *out ? LEC_OK : LEC_ENOMEM;
}

static lec_status do_node(struct md *md, cmark_node *node, char **title)
{
	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_PARAGRAPH:
		return do_paragraph(md, node);
	case CMARK_NODE_HEADING:
		if (!*title && heading_text(node, title))
			return LEC_ENOMEM;
		return do_heading(md, node);
	case CMARK_NODE_CODE_BLOCK:
		return do_code(md, node);
	case CMARK_NODE_HTML_BLOCK:
		return do_html(md, node);
	default:
		return LEC_OK; /* containers, thematic breaks, inlines */
	}
}

static lec_status walk(struct md *md, cmark_node *doc, char **title)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	lec_status st = LEC_OK;

	if (!it)
		return LEC_ENOMEM;
	while (!st && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE)
		if (ev == CMARK_EVENT_ENTER)
			st = do_node(md, cmark_iter_get_node(it), title);
	cmark_iter_free(it);
	return st;
}

/* cmark turns a NUL into U+FFFD (3 bytes), which would shift its columns:
 * give it a copy with a one-byte stand-in instead. */
static cmark_node *parse_cmark(const char *body, size_t len)
{
	char *copy;
	cmark_node *doc;

	if (!memchr(body, '\0', len))
		return cmark_parse_document(body, len, CMARK_OPT_DEFAULT);
	copy = malloc(len ? len : 1);
	if (!copy)
		return NULL;
	for (size_t i = 0; i < len; i++)
		copy[i] = body[i] ? body[i] : '\x1a';
	doc = cmark_parse_document(copy, len, CMARK_OPT_DEFAULT);
	free(copy);
	return doc;
}

size_t note_md_marks(const char *s, size_t len)
{
	/* what may start a node: a line, emphasis, code, links and images,
	 * HTML, entities, escapes, quotes and list markers */
	static const char marks[] = "\n*_`[]<>!&\\-+.)";
	bool is_mark[256] = { false };
	size_t n = 0;
	for (const char *m = marks; *m; m++)
		is_mark[(unsigned char)*m] = true;
	for (size_t i = 0; i < len; i++)
		n += is_mark[(unsigned char)s[i]];
	return n;
}

lec_status note_md_parse(struct note *note, char **heading_title)
{
	struct md md = { .note = note, .s = note->src, .len = note->len };
	cmark_node *doc;
	lec_status st;

	*heading_title = NULL;
	note_lines_init(&md.nl, note->src);
	st = build_lines(&md, note->body_start);
	if (!st) {
		doc = parse_cmark(note->src + note->body_start, note->len - note->body_start);
		st = doc ? walk(&md, doc, heading_title) : LEC_ENOMEM;
		if (doc)
			cmark_node_free(doc);
	}
	free(md.lines);
	free(md.br);
	free(md.ents);
	if (st) {
		free(*heading_title);
		*heading_title = NULL;
	}
	return st;
}
