/* note-md.c - markdown notes: cmark gives the block structure, and each leaf
 * block's source bytes are scanned here for the text a reader sees.
 *
 * cmark reports block positions as (line, column) with 1-based byte columns;
 * a table of line starts turns them into byte offsets. Inline node positions
 * are not reliable in cmark 0.30, so inline syntax (links, code spans, HTML,
 * entities, escapes) is re-scanned from the block's bytes. Every scan here
 * is linear in the block: closers are found through memoised searches, code
 * spans through a table of backtick runs, and link destinations stop at
 * whitespace or at LINK_MAX_PARENS nested parentheses.
 */
#include <cmark.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "note-internal.h"
#include "speakers.h"

#define LINK_MAX_PARENS 32     /* cmark's own bound on parentheses in a destination */
#define LINK_LABEL_MAX 999     /* CommonMark: a link label has at most 999 characters */
#define TICK_MAX 32            /* longer backtick runs never open a code span */
#define ENTITY_NAME_MAX 32     /* the longest HTML entity name is 31 letters */
#define ENTITY_VALUE_MAX 16    /* decoded entities are 1-2 code points */
#define ENTITY_CACHE_SLOTS 256 /* direct-mapped cache of named entities */
#define ESCAPE_LOOKBACK 64     /* backslashes counted before a quote */
#define TITLE_SCRATCH (8 * LEC_MAX_HEADING_BYTES)

#define NONE SIZE_MAX

/* The closers searched for, each with its own memo. */
enum find_id {
	F_DQUOTE,
	F_SQUOTE,
	F_RPAREN,
	F_GT,
	F_COMMENT,
	F_PI,
	F_CDATA,
	F_COUNT
};

static const char *const find_needle[F_COUNT] = { "\"", "'", ")", ">", "-->", "?>", "]]>" };

/* The last search for a needle: no occurrence in [from, found), and one at
 * found (or none before the block end when found == NONE). A later search
 * from inside that range is answered without scanning. */
struct finder {
	size_t from, found;
	bool valid;
};

struct entity {
	char name[ENTITY_NAME_MAX + 1];
	char value[ENTITY_VALUE_MAX];
	size_t vlen; /* 0: not an entity */
	bool used;
};

struct md {
	struct note *note;
	const char *s; /* note->src */
	size_t len;
	size_t *lines; /* start offset of each cmark line (body lines) */
	size_t nlines;
	struct note_lines nl;
	size_t prev_end; /* end of the last block: blocks never overlap */

	/* per block */
	size_t bend; /* end of the block being scanned */
	struct finder find[F_COUNT];
	size_t *br; /* '[' and '![' openers (positions of '[') */
	size_t nbr, cbr;
	size_t dead;                    /* '[' openers below this index are inactive */
	size_t tick_last[TICK_MAX + 1]; /* last run of each length, or NONE */
	bool ticks_ready;

	struct entity *ents; /* ENTITY_CACHE_SLOTS, allocated on first use */
};

/* ---- lines ---- */

static lec_status build_lines(struct md *md, size_t body)
{
	const char *s = md->s;
	size_t cap = 1024, n = 0, i = body;
	bool has_cr = memchr(s + body, '\r', md->len - body) != NULL;

	md->lines = malloc(cap * sizeof(*md->lines));
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
		if (n == cap) {
			size_t *nl = realloc(md->lines, 2 * cap * sizeof(*nl));

			if (!nl)
				return LEC_ENOMEM;
			md->lines = nl;
			cap *= 2;
		}
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

/* ---- memoised searches ---- */

static void finders_reset(struct md *md, size_t end)
{
	for (int i = 0; i < F_COUNT; i++)
		md->find[i].valid = false;
	md->bend = end;
	md->nbr = 0;
	md->dead = 0;
	md->ticks_ready = false;
}

static size_t find_raw(struct md *md, enum find_id id, size_t p)
{
	struct finder *f = &md->find[id];
	const char *needle = find_needle[id];
	size_t nlen = strlen(needle);
	const char *hit;

	if (f->valid && f->from <= p && (f->found == NONE || p <= f->found))
		return f->found;
	if (p >= md->bend)
		return NONE;
	if (nlen == 1)
		hit = memchr(md->s + p, needle[0], md->bend - p);
	else
		hit = memmem(md->s + p, md->bend - p, needle, nlen);
	f->from = p;
	f->found = hit ? (size_t)(hit - md->s) : NONE;
	f->valid = true;
	return f->found;
}

static bool escaped(const struct md *md, size_t q, size_t floor)
{
	size_t n = 0;

	while (q > floor && n < ESCAPE_LOOKBACK && md->s[q - 1] == '\\') {
		q--;
		n++;
	}
	return n % 2;
}

/* The next unescaped occurrence of needle at or after p, or NONE. */
static size_t find_unescaped(struct md *md, enum find_id id, size_t p)
{
	for (;;) {
		size_t q = find_raw(md, id, p);

		if (q == NONE || !escaped(md, q, p))
			return q;
		p = q + 1;
	}
}

/* ---- small scanners; each returns the position after what it matched or 0 ---- */

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t skip_ws(const struct md *md, size_t i)
{
	while (i < md->bend && is_ws(md->s[i]))
		i++;
	return i;
}

/* A quoted link title starting at i: "...", '...' or (...). */
static size_t link_title(struct md *md, size_t i)
{
	enum find_id id;
	size_t q;

	switch (md->s[i]) {
	case '"':
		id = F_DQUOTE;
		break;
	case '\'':
		id = F_SQUOTE;
		break;
	case '(':
		id = F_RPAREN;
		break;
	default:
		return 0;
	}
	q = find_unescaped(md, id, i + 1);
	return q == NONE ? 0 : q + 1;
}

/* A link destination at i: <...> or a run of non-space characters with
 * balanced parentheses. May be empty only in the <> form. */
static size_t link_dest(const struct md *md, size_t i)
{
	const char *s = md->s;
	int depth = 0;
	size_t b = i;

	if (s[i] == '<') {
		for (i++; i < md->bend; i++) {
			if (s[i] == '\\' && i + 1 < md->bend) {
				i++;
				continue;
			}
			if (s[i] == '>')
				return i + 1;
			if (s[i] == '<' || s[i] == '\n' || s[i] == '\r')
				return 0;
		}
		return 0;
	}
	for (; i < md->bend; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\' && i + 1 < md->bend && ispunct((unsigned char)s[i + 1]))
			i++;
		else if (c == '(' && ++depth > LINK_MAX_PARENS)
			return 0;
		else if (c == ')' && depth-- == 0)
			break;
		else if (c <= ' ' || c == 0x7F)
			break;
	}
	return depth > 0 || i == b ? 0 : i;
}

/* The rest of an inline link after "](": dest, title, ")". */
static size_t link_tail(struct md *md, size_t i)
{
	size_t d, t;

	i = skip_ws(md, i);
	if (i < md->bend && md->s[i] == ')')
		return i + 1;
	if (i >= md->bend || !(d = link_dest(md, i)))
		return 0;
	i = skip_ws(md, d);
	if (i < md->bend && i > d && (t = link_title(md, i)))
		i = skip_ws(md, t);
	return i < md->bend && md->s[i] == ')' ? i + 1 : 0;
}

/* A "[label]" at i (after a link's text): the position after it. */
static size_t ref_label(const struct md *md, size_t i)
{
	const char *s = md->s;

	for (size_t j = i + 1; j < md->bend && j - i <= LINK_LABEL_MAX; j++) {
		if (s[j] == '\\' && j + 1 < md->bend)
			j++;
		else if (s[j] == '[')
			return 0;
		else if (s[j] == ']')
			return j + 1;
	}
	return 0;
}

/* "[label]: dest 'title'" at i, the start of a paragraph line: the start
 * of the line after it, or 0. */
static size_t ref_def(struct md *md, size_t i)
{
	const char *s = md->s;
	size_t l, d, t, eol;

	if (i >= md->bend || s[i] != '[' || !(l = ref_label(md, i)) || l >= md->bend || s[l] != ':')
		return 0;
	i = skip_ws(md, l + 1);
	if (i >= md->bend || !(d = link_dest(md, i)))
		return 0;
	/* the definition may end after the destination, or after a title */
	for (eol = d; eol < md->bend && (s[eol] == ' ' || s[eol] == '\t'); eol++)
		;
	i = skip_ws(md, d);
	if (i > d && i < md->bend && (t = link_title(md, i))) {
		while (t < md->bend && (s[t] == ' ' || s[t] == '\t'))
			t++;
		if (t >= md->bend || s[t] == '\n' || s[t] == '\r')
			return skip_ws(md, t);
	}
	if (eol >= md->bend || s[eol] == '\n' || s[eol] == '\r')
		return skip_ws(md, eol);
	return 0;
}

/* <scheme:...> or <user@host>: a reader sees these as text. */
static size_t autolink(const struct md *md, size_t i)
{
	const char *s = md->s;
	size_t j = i + 1, b = j;

	while (j < md->bend &&
	       (isalnum((unsigned char)s[j]) || s[j] == '+' || s[j] == '.' || s[j] == '-') &&
	       j - b <= 32)
		j++;
	if (j < md->bend && s[j] == ':' && j - b >= 2 && isalpha((unsigned char)s[b])) {
		for (j++; j < md->bend; j++) {
			unsigned char c = (unsigned char)s[j];

			if (c == '>')
				return j + 1;
			if (c <= ' ' || c == '<')
				return 0;
		}
		return 0;
	}
	for (j = b; j < md->bend &&
		    (isalnum((unsigned char)s[j]) || strchr(".!#$%&'*+/=?^_`{|}~-", s[j])) && s[j];
	     j++)
		;
	if (j == b || j >= md->bend || s[j] != '@')
		return 0;
	for (b = ++j; j < md->bend && (isalnum((unsigned char)s[j]) || s[j] == '.' || s[j] == '-');
	     j++)
		;
	return j > b && j < md->bend && s[j] == '>' ? j + 1 : 0;
}

static size_t tag_name(const struct md *md, size_t i)
{
	if (i >= md->bend || !isalpha((unsigned char)md->s[i]))
		return 0;
	while (i < md->bend && (isalnum((unsigned char)md->s[i]) || md->s[i] == '-'))
		i++;
	return i;
}

/* One attribute at i (after whitespace): name [= value]. */
static size_t attribute(struct md *md, size_t i)
{
	const char *s = md->s;
	size_t j = i, v;

	if (j >= md->bend || !(isalpha((unsigned char)s[j]) || s[j] == '_' || s[j] == ':'))
		return 0;
	while (j < md->bend && (isalnum((unsigned char)s[j]) || strchr("_.:-", s[j])) && s[j])
		j++;
	v = skip_ws(md, j);
	if (v >= md->bend || s[v] != '=')
		return j;
	v = skip_ws(md, v + 1);
	if (v < md->bend && (s[v] == '"' || s[v] == '\'')) {
		size_t q = find_raw(md, s[v] == '"' ? F_DQUOTE : F_SQUOTE, v + 1);

		return q == NONE ? 0 : q + 1;
	}
	for (j = v; j < md->bend && !is_ws(s[j]) && !strchr("\"'=<>`", s[j]); j++)
		;
	return j > v ? j : 0;
}

static size_t open_tag(struct md *md, size_t i)
{
	size_t j = tag_name(md, i + 1), a;

	if (!j)
		return 0;
	for (;;) {
		size_t w = skip_ws(md, j);

		if (w == j || !(a = attribute(md, w))) {
			j = w;
			break;
		}
		j = a;
	}
	if (j < md->bend && md->s[j] == '/')
		j++;
	return j < md->bend && md->s[j] == '>' ? j + 1 : 0;
}

/* Raw HTML at i ('<'): a tag, comment, processing instruction, declaration
 * or CDATA section. In an HTML block an unclosed comment runs to its end. */
static size_t html_tag(struct md *md, size_t i, bool block)
{
	const char *s = md->s;
	size_t n = md->bend - i, q;

	if (n >= 4 && memcmp(s + i, "<!--", 4) == 0) {
		q = find_raw(md, F_COMMENT, i + 4);
		return q != NONE ? q + 3 : block ? md->bend : 0;
	}
	if (n >= 2 && s[i + 1] == '?') {
		q = find_raw(md, F_PI, i + 2);
		return q == NONE ? 0 : q + 2;
	}
	if (n >= 9 && memcmp(s + i, "<![CDATA[", 9) == 0) {
		q = find_raw(md, F_CDATA, i + 9);
		return q == NONE ? 0 : q + 3;
	}
	if (n >= 3 && s[i + 1] == '!' && isalpha((unsigned char)s[i + 2])) {
		q = find_raw(md, F_GT, i + 2);
		return q == NONE ? 0 : q + 1;
	}
	if (n >= 3 && s[i + 1] == '/') {
		q = tag_name(md, i + 2);
		q = q ? skip_ws(md, q) : 0;
		return q && q < md->bend && s[q] == '>' ? q + 1 : 0;
	}
	return open_tag(md, i);
}

/* ---- entities ---- */

static size_t put_utf8(char *out, uint32_t cp)
{
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD; /* as CommonMark says */
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* &#233; or &#xE9; at i: its end, with the UTF-8 in out. */
static size_t numeric_entity(const struct md *md, size_t i, char *out, size_t *olen)
{
	const char *s = md->s;
	bool hex = i + 2 < md->bend && (s[i + 2] == 'x' || s[i + 2] == 'X');
	size_t j = i + 2 + hex, b = j, max = hex ? 6 : 7;
	uint32_t cp = 0;

	while (j < md->bend && j - b < max &&
	       (hex ? isxdigit((unsigned char)s[j]) : isdigit((unsigned char)s[j]))) {
		int c = (unsigned char)s[j++];

		cp = cp * (hex ? 16 : 10) +
		     (uint32_t)(isdigit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	if (j == b || j >= md->bend || s[j] != ';')
		return 0;
	*olen = put_utf8(out, cp);
	return j + 1;
}

/* Ask cmark what "&name;" means: cmark has the HTML entity table but does
 * not export it, so a one-entity document is parsed. */
static void cmark_entity(struct entity *e, const char *text, size_t len)
{
	cmark_node *doc = cmark_parse_document(text, len, 0);
	cmark_node *para = doc ? cmark_node_first_child(doc) : NULL;
	cmark_node *t = para ? cmark_node_first_child(para) : NULL;
	const char *lit;

	e->vlen = 0;
	if (t && cmark_node_get_type(t) == CMARK_NODE_TEXT && !cmark_node_next(t) &&
	    (lit = cmark_node_get_literal(t)) && strlen(lit) < ENTITY_VALUE_MAX &&
	    (strlen(lit) != len || memcmp(lit, text, len) != 0)) {
		e->vlen = strlen(lit);
		memcpy(e->value, lit, e->vlen);
	}
	cmark_node_free(doc);
}

static size_t named_entity(struct md *md, size_t i, const char **out, size_t *olen)
{
	const char *s = md->s;
	size_t j = i + 1, h = 5381, n;
	struct entity *e;

	if (j >= md->bend || !isalpha((unsigned char)s[j]))
		return 0;
	while (j < md->bend && j - i - 1 < ENTITY_NAME_MAX && isalnum((unsigned char)s[j]))
		h = h * 33 + (unsigned char)s[j++];
	n = j - i - 1;
	if (j >= md->bend || s[j] != ';' || n < 2)
		return 0;
	if (!md->ents && !(md->ents = calloc(ENTITY_CACHE_SLOTS, sizeof(*md->ents))))
		return 0; /* no cache, no decoding: the text stays literal */
	e = &md->ents[h % ENTITY_CACHE_SLOTS];
	if (!e->used || strlen(e->name) != n || memcmp(e->name, s + i + 1, n) != 0) {
		memcpy(e->name, s + i + 1, n);
		e->name[n] = '\0';
		e->used = true;
		cmark_entity(e, s + i, n + 2);
	}
	if (!e->vlen)
		return 0;
	*out = e->value;
	*olen = e->vlen;
	return j + 1;
}

/* ---- the inline scan ---- */

struct scan {
	struct md *md;
	size_t run;    /* start of the pending visible run */
	lec_status st; /* sticky */
};

static void flush(struct scan *sc, size_t to)
{
	if (!sc->st && to > sc->run)
		sc->st = note_add_seg(sc->md->note, sc->run, to - sc->run);
}

/* Leave out source bytes [from, to): they are not visible. */
static void drop(struct scan *sc, size_t from, size_t to)
{
	flush(sc, from);
	sc->run = to;
}

static void ticks_index(struct md *md, size_t start)
{
	const char *s = md->s;

	for (int n = 0; n <= TICK_MAX; n++)
		md->tick_last[n] = NONE;
	for (size_t i = start; i < md->bend;) {
		size_t b = i;
		const char *p = memchr(s + i, '`', md->bend - i);

		if (!p)
			break;
		for (b = i = (size_t)(p - s); i < md->bend && s[i] == '`'; i++)
			;
		if (i - b <= TICK_MAX)
			md->tick_last[i - b] = b;
	}
	md->ticks_ready = true;
}

/* A code span opened by n backticks ending at i: the position after its
 * closing run, or 0. Every scan that starts does succeed (the table says a
 * closer lies ahead), and the caller skips what it scanned: linear. */
static size_t code_span(struct md *md, size_t i, size_t n)
{
	const char *s = md->s;

	if (n > TICK_MAX)
		return 0;
	if (!md->ticks_ready)
		ticks_index(md, i);
	if (md->tick_last[n] == NONE || md->tick_last[n] < i)
		return 0;
	while (i < md->bend) {
		const char *p = memchr(s + i, '`', md->bend - i);
		size_t b;

		if (!p)
			return 0;
		for (b = i = (size_t)(p - s); i < md->bend && s[i] == '`'; i++)
			;
		if (i - b == n)
			return i;
	}
	return 0;
}

/* ']' at i closes the innermost '[': drop a link's destination and title, or
 * a reference's label. Returns where to continue. */
static size_t close_bracket(struct scan *sc, size_t i)
{
	struct md *md = sc->md;
	const char *s = md->s;
	size_t opener, t;
	bool image, inactive;

	if (!md->nbr)
		return i + 1;
	opener = md->br[--md->nbr];
	image = opener > 0 && s[opener - 1] == '!';
	inactive = !image && md->nbr < md->dead;
	if (md->dead > md->nbr)
		md->dead = md->nbr;
	if (inactive)
		return i + 1;
	if (i + 1 < md->bend && s[i + 1] == '(' && (t = link_tail(md, i + 2))) {
		drop(sc, i, t);
		/* no link inside a link: the '[' openers before it are dead
		 * (an image's '![' stays: an image may hold a link) */
		if (!image)
			md->dead = md->nbr;
		return t;
	}
	if (i + 1 < md->bend && s[i + 1] == '[' && (t = ref_label(md, i + 1))) {
		drop(sc, i, t);
		return t;
	}
	return i + 1;
}

static void push_bracket(struct scan *sc, size_t i)
{
	struct md *md = sc->md;

	if (md->nbr == md->cbr) {
		size_t ncap = md->cbr ? 2 * md->cbr : 64;
		size_t *nb = realloc(md->br, ncap * sizeof(*nb));

		if (!nb) {
			sc->st = LEC_ENOMEM;
			return;
		}
		md->br = nb;
		md->cbr = ncap;
	}
	md->br[md->nbr++] = i;
}

static size_t at_amp(struct scan *sc, size_t i)
{
	char buf[4];
	const char *val = buf;
	size_t vlen = 0, t;

	if (i + 1 < sc->md->bend && sc->md->s[i + 1] == '#')
		t = numeric_entity(sc->md, i, buf, &vlen);
	else
		t = named_entity(sc->md, i, &val, &vlen);
	if (!t)
		return i + 1;
	flush(sc, i);
	if (!sc->st)
		sc->st = note_add_repl(sc->md->note, i, t - i, val, vlen);
	sc->run = t;
	return t;
}

static size_t at_lt(struct scan *sc, size_t i, bool html_block)
{
	size_t t = html_block ? 0 : autolink(sc->md, i);

	if (t)
		return t;
	t = html_tag(sc->md, i, html_block);
	if (!t)
		return i + 1;
	/* Keep the '<' itself: it is a separator, so "foo<br>bar" stays two
	 * words where a dropped tag would let the tokenizer join "foobar". */
	drop(sc, i + 1, t);
	return t;
}

static size_t at_backslash(struct scan *sc, size_t i)
{
	const char *s = sc->md->s;

	if (i + 1 >= sc->md->bend || !(ispunct((unsigned char)s[i + 1]) || s[i + 1] == '\n'))
		return i + 1;
	drop(sc, i, i + 1); /* the escaped character stays, uninterpreted */
	return i + 2;
}

static size_t at_tick(struct scan *sc, size_t i)
{
	size_t n = 0, t;

	while (i + n < sc->md->bend && sc->md->s[i + n] == '`')
		n++;
	t = code_span(sc->md, i + n, n);
	return t ? t : i + n;
}

/* Emit the visible segments of s[start, end); html_block: no escapes or
 * code spans (an HTML block's text). */
static lec_status scan_inline(struct md *md, size_t start, size_t end, bool html_block)
{
	static const char special[] = "\\`&<[]";
	struct scan sc = { md, start, LEC_OK };
	size_t i = start;

	finders_reset(md, end);
	while (i < end && !sc.st) {
		char c = md->s[i];

		/* in an HTML block, markdown links still hide their URLs (a
		 * writer who puts one there means a link) */
		if (!c || !strchr(special, c) || (html_block && (c == '\\' || c == '`'))) {
			i++;
			continue;
		}
		switch (c) {
		case '\\':
			i = at_backslash(&sc, i);
			break;
		case '`':
			i = at_tick(&sc, i);
			break;
		case '&':
			i = at_amp(&sc, i);
			break;
		case '<':
			i = at_lt(&sc, i, html_block);
			break;
		case '[':
			push_bracket(&sc, i);
			i++;
			break;
		default:
			i = close_bracket(&sc, i);
			break;
		}
	}
	flush(&sc, end);
	return sc.st;
}

/* ---- blocks ---- */

static size_t trim_end(const struct md *md, size_t start, size_t end)
{
	while (end > start && is_ws(md->s[end - 1]))
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
	finders_reset(md, end);
	/* cmark's paragraph still covers the link reference definitions it
	 * took out of it: skip them */
	while ((t = ref_def(md, start)))
		start = t;
	if (start >= end)
		return LEC_OK;
	b = new_block(md, NOTE_BLOCK_PARAGRAPH, start, end);
	st = scan_inline(md, start, end, false);
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
	st = scan_inline(md, cstart, cend < cstart ? cstart : cend, false);
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
	st = scan_inline(md, start, end, true);
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
