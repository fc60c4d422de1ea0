/* md-inline.c - the text a reader sees in one markdown leaf block: links
 * without their destinations, code spans, HTML tags, entities and escapes,
 * re-scanned from the block's bytes (note-md.c has why). Every scan is
 * linear in the block: closers are found through memoised searches, code
 * spans through a table of backtick runs, and link destinations stop at
 * whitespace or at LINK_MAX_PARENS nested parentheses.
 */
#include <cmark.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "md-internal.h"
#include "vec.h"

static const char *const find_needle[F_COUNT] = { "\"", "'", ")", ">", "-->", "?>", "]]>" };

/* ---- memoised searches ---- */

void md_finders_reset(struct md *md, size_t end)
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

bool md_is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t skip_ws(const struct md *md, size_t i)
{
	while (i < md->bend && md_is_ws(md->s[i]))
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
size_t md_ref_def(struct md *md, size_t i)
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
	for (j = v; j < md->bend && !md_is_ws(s[j]) && !strchr("\"'=<>`", s[j]); j++)
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

	size_t *nb = vec_reserve(md->br, &md->cbr, md->nbr + 1, sizeof(*nb), 64);

	if (!nb) {
		sc->st = LEC_ENOMEM;
		return;
	}
	md->br = nb;
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
lec_status md_scan_inline(struct md *md, size_t start, size_t end, bool html_block)
{
	static const char special[] = "\\`&<[]";
	struct scan sc = { md, start, LEC_OK };
	size_t i = start;

	md_finders_reset(md, end);
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
