/* lsp-text.c - positions, URIs and links for the language server. */
#include "lsp-text.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The length of the UTF-8 sequence at p[0 .. n) (1..4), 0 when it is not a
 * valid one (then it is taken byte by byte). */
static size_t seq_len(const unsigned char *p, size_t n)
{
	size_t k = p[0] < 0x80           ? 1 :
		   (p[0] & 0xe0) == 0xc0 ? 2 :
		   (p[0] & 0xf0) == 0xe0 ? 3 :
		   (p[0] & 0xf8) == 0xf0 ? 4 :
					   0;
	if (k == 0 || k > n)
		return 0;
	for (size_t i = 1; i < k; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return k;
}

uint32_t lsp_utf16_len(const char *line, size_t nbytes)
{
	const unsigned char *p = (const unsigned char *)line;
	uint32_t units = 0;
	size_t i = 0;
	while (i < nbytes) {
		size_t k = seq_len(p + i, nbytes - i);
		units += k == 4 ? 2 : 1;
		i += k ? k : 1;
	}
	return units;
}

size_t lsp_byte_offset(const char *line, size_t len, uint32_t units)
{
	const unsigned char *p = (const unsigned char *)line;
	size_t i = 0;
	uint32_t u = 0;
	while (i < len) {
		size_t k = seq_len(p + i, len - i);
		uint32_t w = k == 4 ? 2 : 1;
		if (u + w > units)
			break;
		u += w;
		i += k ? k : 1;
	}
	return i;
}

int lsp_line_span(const char *text, size_t len, uint32_t line0, size_t *start, size_t *end)
{
	size_t s = 0;
	for (uint32_t l = 0; l < line0; l++) {
		const char *nl = memchr(text + s, '\n', len - s);
		if (!nl)
			return 0;
		s = (size_t)(nl - text) + 1;
	}
	const char *nl = memchr(text + s, '\n', len - s);
	size_t e = nl ? (size_t)(nl - text) : len;
	if (e > s && text[e - 1] == '\r')
		e--;
	*start = s;
	*end = e;
	return 1;
}

uint32_t lsp_line_of(const char *text, size_t off)
{
	uint32_t n = 0;
	for (const char *p = text, *e = text + off; (p = memchr(p, '\n', (size_t)(e - p))); p++)
		n++;
	return n;
}

/* ---- URIs ---------------------------------------------------------------- */

void lsp_uri_from_path(const char *path, struct buf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	buf_puts(out, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (isalnum(*p) || strchr("/-._~!$&'()*+,;=:@", *p)) {
			buf_putc(out, (char)*p);
		} else {
			buf_putc(out, '%');
			buf_putc(out, hex[*p >> 4]);
			buf_putc(out, hex[*p & 15]);
		}
	}
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' :
	       c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 :
				      -1;
}

lec_status lsp_path_from_uri(const char *uri, char **out)
{
	*out = NULL;
	if (strncasecmp(uri, "file://", 7))
		return LEC_EINVAL;
	const char *p = uri + 7;
	/* file://localhost/path is the same file as file:///path */
	if (!strncasecmp(p, "localhost/", 10))
		p += 9;
	if (*p != '/')
		return LEC_EINVAL;
	char *s = malloc(strlen(p) + 1), *w = s;
	if (!s)
		return LEC_ENOMEM;
	for (; *p && *p != '?' && *p != '#'; p++) {
		if (*p != '%') {
			*w++ = *p;
			continue;
		}
		int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);
		if (lo < 0 || (hi == 0 && lo == 0)) {
			free(s);
			return LEC_EINVAL;
		}
		*w++ = (char)(hi * 16 + lo);
		p += 2;
	}
	*w = '\0';
	*out = s;
	return LEC_OK;
}

/* ---- links --------------------------------------------------------------- */

void lsp_link_release(struct lsp_link *l)
{
	free(l->target);
	free(l->anchor);
	memset(l, 0, sizeof(*l));
}

/* Split "target#anchor" (spaces around trimmed) into out; LEC_ENOTFOUND
 * when the target is empty or external (a scheme before any '/'). */
static lec_status fill_link(const char *s, size_t n, int wiki, struct lsp_link *out)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (wiki) {
		/* [[note|shown text]]: the note is before the bar */
		const char *bar = memchr(s, '|', n);
		if (bar)
			n = (size_t)(bar - s);
	} else if (n && s[0] == '<' && s[n - 1] == '>') {
		s++, n -= 2;
	}
	const char *hash = memchr(s, '#', n);
	size_t tn = hash ? (size_t)(hash - s) : n;
	const char *colon = memchr(s, ':', tn), *slash = memchr(s, '/', tn);
	if (!wiki && colon && (!slash || colon < slash))
		return LEC_ENOTFOUND;
	if (tn == 0 || memchr(s, '\0', n))
		return LEC_ENOTFOUND;
	memset(out, 0, sizeof(*out));
	out->wiki = wiki;
	out->target = strndup(s, tn);
	if (hash && n > tn + 1)
		out->anchor = strndup(hash + 1, n - tn - 1);
	if (!out->target || (hash && n > tn + 1 && !out->anchor)) {
		lsp_link_release(out);
		return LEC_ENOMEM;
	}
	return LEC_OK;
}

/* The end of the [[...]] that opens at line[i] ("[["), or 0. */
static size_t wiki_end(const char *line, size_t len, size_t i)
{
	for (size_t j = i + 2; j + 1 < len; j++) {
		if (line[j] == ']' && line[j + 1] == ']')
			return j + 2;
		if (line[j] == '[')
			return 0;
	}
	return 0;
}

/* [text](target) starting at line[i] == '[': *tstart, *tlen the target,
 * *end past ')'. 0: not one. */
static int md_link(const char *line, size_t len, size_t i, size_t *tstart, size_t *tlen,
		   size_t *end)
{
	size_t j = i + 1;
	int depth = 1;
	for (; j < len && depth; j++)
		depth += line[j] == '[' ? 1 : line[j] == ']' ? -1 : 0;
	if (depth || j >= len || line[j] != '(')
		return 0;
	size_t k = j + 1;
	while (k < len && line[k] != ')' && line[k] != ' ')
		k++;
	size_t te = k;
	/* a title: [x](a.md "Title") */
	while (k < len && line[k] != ')')
		k++;
	if (k >= len)
		return 0;
	*tstart = j + 1;
	*tlen = te - (j + 1);
	*end = k + 1;
	return 1;
}

lec_status lsp_link_at(const char *line, size_t len, size_t at, struct lsp_link *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < len && i <= at; i++) {
		if (line[i] != '[')
			continue;
		size_t end, ts, tl;
		if (i + 1 < len && line[i + 1] == '[' && (end = wiki_end(line, len, i))) {
			if (at < end)
				return fill_link(line + i + 2, end - i - 4, 1, out);
			i = end - 1;
		} else if (md_link(line, len, i, &ts, &tl, &end)) {
			if (at < end)
				return fill_link(line + ts, tl, 0, out);
			i = end - 1;
		}
	}
	return LEC_ENOTFOUND;
}

/* ---- headings ------------------------------------------------------------ */

int lsp_heading(const char *line, size_t len, const char **title, size_t *tlen)
{
	size_t i = 0, lvl;
	while (i < 3 && i < len && line[i] == ' ')
		i++;
	for (lvl = 0; i < len && line[i] == '#'; i++)
		lvl++;
	if (lvl < 1 || lvl > 6 || (i < len && line[i] != ' ' && line[i] != '\t'))
		return 0;
	size_t s = i, e = len;
	while (s < e && isspace((unsigned char)line[s]))
		s++;
	while (e > s && isspace((unsigned char)line[e - 1]))
		e--;
	/* closing #s, when a space comes before them */
	size_t c = e;
	while (c > s && line[c - 1] == '#')
		c--;
	if (c < e && (c == s || line[c - 1] == ' ' || line[c - 1] == '\t')) {
		e = c;
		while (e > s && isspace((unsigned char)line[e - 1]))
			e--;
	}
	*title = line + s;
	*tlen = e - s;
	return (int)lvl;
}

/* Walks the lines of a text; fenced code blocks hold no headings. */
struct lines {
	const char *text;
	size_t len, pos;
	int fence;
};

/* The next line that is not inside a fence: [*s, *e); 0 at the end. */
static int next_line(struct lines *L, size_t *s, size_t *e, int *in_fence)
{
	if (L->pos > L->len || (L->pos == L->len && L->len))
		return 0;
	*s = L->pos;
	const char *nl = memchr(L->text + L->pos, '\n', L->len - L->pos);
	*e = nl ? (size_t)(nl - L->text) : L->len;
	L->pos = nl ? *e + 1 : L->len + 1;
	const char *p = L->text + *s;
	size_t n = *e - *s;
	while (n && *p == ' ')
		p++, n--;
	if (n >= 3 && (!strncmp(p, "```", 3) || !strncmp(p, "~~~", 3))) {
		L->fence = !L->fence;
		*in_fence = 1;
	} else {
		*in_fence = L->fence;
	}
	return 1;
}

int lsp_section_at(const char *text, size_t len, uint32_t line0, size_t *start, size_t *end)
{
	struct lines L = { text, len, 0, 0 };
	size_t s, e, ts = 0;
	const char *t;
	int fence, level = 0;
	for (uint32_t l = 0; next_line(&L, &s, &e, &fence); l++) {
		int h = fence ? 0 : lsp_heading(text + s, e - s, &t, &ts);
		if (l == line0) {
			if (!h)
				return 0;
			level = h;
			*start = s;
			*end = len;
		} else if (level && h && h <= level) {
			*end = s;
			return 1;
		}
	}
	return level != 0;
}

int lsp_find_heading(const char *text, size_t len, const char *name, uint32_t *line0)
{
	struct lines L = { text, len, 0, 0 };
	size_t s, e, tl, nl = strlen(name);
	const char *t;
	int fence;
	while (nl && isspace((unsigned char)*name))
		name++, nl--;
	while (nl && isspace((unsigned char)name[nl - 1]))
		nl--;
	for (uint32_t l = 0; next_line(&L, &s, &e, &fence); l++) {
		if (!fence && lsp_heading(text + s, e - s, &t, &tl) && tl == nl &&
		    !strncasecmp(t, name, nl)) {
			*line0 = l;
			return 1;
		}
	}
	return 0;
}
