/* query.c - lexer and parser of the query language (docs/query-language.md).
 *
 * The text is first cut into tokens (words, phrases, parentheses, operators,
 * field:value), then a depth-counted recursive descent builds the AST:
 *
 *   or    := and ( OR and )*
 *   and   := near ( [AND] near )*
 *   near  := unary ( NEAR[/n] unary )*
 *   unary := ( NOT | - | + )* primary
 *   primary := word | "phrase" | field:value | ( or )
 *
 * Only a parenthesis recurses, and never deeper than LEC_MAX_QUERY_DEPTH;
 * chains of negations are counted in a loop. Forgiving by default: an
 * operator without operands is a word, unbalanced quotes and parentheses
 * close at the end; QP_STRICT reports them instead. The tree itself (arena,
 * explain, relax) is in query-ast.c.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "layout.h"
#include "limits.h"
#include "query-int.h"
#include "tokenize.h"
#include "vec.h"

/* ---- lexer ------------------------------------------------------------- */

enum lex_type {
	L_END,
	L_TEXT,
	L_PHRASE,
	L_LPAREN,
	L_RPAREN,
	L_AND,
	L_OR,
	L_NOT,
	L_NEAR,
	L_MINUS,
	L_PLUS,
	L_FIELD,
};

enum fname {
	F_TITLE,
	F_PATH,
	F_SPEAKER,
	F_TAG,
	F_YEAR,
	F_DATE,
	F_HEADING
};

static const char *const field_names[] = {
	[F_TITLE] = "title", [F_PATH] = "path", [F_SPEAKER] = "speaker", [F_TAG] = "tag",
	[F_YEAR] = "year",   [F_DATE] = "date", [F_HEADING] = "heading",
};

const char *const *qp_field_names(size_t *n)
{
	*n = sizeof(field_names) / sizeof(field_names[0]);
	return field_names;
}

struct lex {
	enum lex_type type;
	size_t off, len;   /* the whole token */
	size_t voff, vlen; /* TEXT: the run; PHRASE: its text; FIELD: its value */
	int quoted;        /* FIELD: the value was a quoted phrase */
	int unclosed;      /* PHRASE, quoted FIELD: no closing quote */
	enum fname field;
	uint32_t distance; /* NEAR */
};

/* Quote characters, as bits, so that an opener can name its closers. */
enum {
	Q_STRAIGHT = 1, /* " */
	Q_LDQ = 2,      /* U+201C “ */
	Q_RDQ = 4,      /* U+201D ” */
	Q_LOW = 8,      /* U+201E „ */
	Q_LAQ = 16,     /* U+00AB « */
	Q_RAQ = 32,     /* U+00BB » */
};

/* The quote character at t[i] (its bit, its byte length in *n), or 0. */
static int quote_at(const char *t, size_t len, size_t i, size_t *n)
{
	const unsigned char *u = (const unsigned char *)t + i;
	size_t left = len - i;

	*n = 1;
	if (u[0] == '"')
		return Q_STRAIGHT;
	*n = 2;
	if (left >= 2 && u[0] == 0xc2 && (u[1] == 0xab || u[1] == 0xbb))
		return u[1] == 0xab ? Q_LAQ : Q_RAQ;
	*n = 3;
	if (left >= 3 && u[0] == 0xe2 && u[1] == 0x80) {
		if (u[2] == 0x9c)
			return Q_LDQ;
		if (u[2] == 0x9d)
			return Q_RDQ;
		if (u[2] == 0x9e)
			return Q_LOW;
	}
	return 0;
}

/* The closers of an opening quote; 0 if `q` does not open a phrase. */
static int quote_closers(int q)
{
	switch (q) {
	case Q_STRAIGHT:
		return Q_STRAIGHT;
	case Q_LDQ:
		return Q_RDQ | Q_STRAIGHT;
	case Q_RDQ:
		return Q_RDQ | Q_STRAIGHT;
	case Q_LOW:
		return Q_LDQ | Q_RDQ | Q_STRAIGHT;
	case Q_LAQ:
		return Q_RAQ | Q_STRAIGHT;
	}
	return 0;
}

/* Control characters and NUL are spaces: they never reach the tokenizer
 * as part of syntax. */
static int is_space(unsigned char c)
{
	return c <= ' ' || c == 0x7f;
}

struct parser {
	const char *text;
	size_t len;
	unsigned flags;
	stemmer *st;
	qp_ast *ast;
	struct lex *toks;
	size_t ntoks, tcap, pos;
	size_t nterms;
	unsigned depth;    /* open parentheses being parsed */
	unsigned ignored;  /* parentheses past the depth limit, skipped */
	lec_status status; /* sticky */
	struct qp_error *err;
	struct qp_word *wv; /* words of the last tokenize(), malloc'd */
	size_t wn, wcap;
	int wlong; /* one of them was too long to be a term */
};

/* 1-based column (in characters) of byte offset `off`. */
static size_t column_of(const char *t, size_t off)
{
	size_t col = 1;

	for (size_t i = 0; i < off; i++)
		if (((unsigned char)t[i] & 0xc0) != 0x80)
			col++;
	return col;
}

/* Record the first failure; `off` is where, or SIZE_MAX for nowhere. */
static void fail(struct parser *p, lec_status st, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void fail(struct parser *p, lec_status st, size_t off, const char *fmt, ...)
{
	va_list ap;
	size_t n = 0;

	if (p->status != LEC_OK)
		return;
	p->status = st;
	if (!p->err)
		return;
	p->err->column = off == SIZE_MAX ? 0 : column_of(p->text, off);
	if (p->err->column)
		n = (size_t)snprintf(p->err->msg, sizeof(p->err->msg),
				     "column %zu: ", p->err->column);
	va_start(ap, fmt);
	vsnprintf(p->err->msg + n, sizeof(p->err->msg) - n, fmt, ap);
	va_end(ap);
}

static int strict(const struct parser *p)
{
	return p->flags & QP_STRICT;
}

static struct qp_node *oom(struct parser *p);

/* A line for qp_warnings: what was not taken as written, and where. */
static void warn_at(struct parser *p, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void warn_at(struct parser *p, size_t off, const char *fmt, ...)
{
	char line[300];
	va_list ap;
	size_t n = (size_t)snprintf(line, sizeof(line), "column %zu: ", column_of(p->text, off));
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	const char *old = p->ast->warnings;
	size_t ol = old ? strlen(old) : 0, ll = strlen(line);
	char *w = qp_arena_alloc(p->ast, ol + ll + 2);
	if (!w) {
		oom(p);
		return;
	}
	if (old)
		memcpy(w, old, ol);
	if (old)
		w[ol++] = '\n';
	memcpy(w + ol, line, ll + 1);
	p->ast->warnings = w;
}

static struct lex *lex_push(struct parser *p, enum lex_type type, size_t off, size_t len)
{
	struct lex *v = vec_reserve(p->toks, &p->tcap, p->ntoks + 1, sizeof(*v), 32);

	if (!v) {
		fail(p, LEC_ENOMEM, SIZE_MAX, "out of memory");
		return NULL;
	}
	p->toks = v;
	struct lex *t = &p->toks[p->ntoks++];
	memset(t, 0, sizeof(*t));
	t->type = type;
	t->off = t->voff = off;
	t->len = t->vlen = len;
	return t;
}

/* The phrase opened at i: content up to its closer or the end. Returns the
 * offset after it; fills voff/vlen/unclosed of `t`. */
static size_t lex_quoted(struct parser *p, size_t i, struct lex *t)
{
	size_t qn, cn;
	int closers = quote_closers(quote_at(p->text, p->len, i, &qn));
	size_t k = i + qn;

	t->voff = k;
	for (; k < p->len; k++) {
		if (quote_at(p->text, p->len, k, &cn) & closers) {
			t->vlen = k - t->voff;
			return k + cn;
		}
	}
	t->vlen = k - t->voff;
	t->unclosed = 1;
	return k;
}

/* Does a bare run end at t[i]? */
static int run_ends(const struct parser *p, size_t i)
{
	size_t qn;
	unsigned char c = (unsigned char)p->text[i];

	return is_space(c) || c == '(' || c == ')' ||
	       quote_closers(quote_at(p->text, p->len, i, &qn)) != 0;
}

static int run_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(s, word, n) == 0;
}

/* "NEAR" or "NEAR/<digits>": nonzero, with the distance (saturated). */
static int near_op(const char *s, size_t n, uint32_t *dist)
{
	uint32_t d = 0;

	if (n < 4 || memcmp(s, "NEAR", 4) != 0)
		return 0;
	if (n == 4) {
		*dist = 10;
		return 1;
	}
	if (s[4] != '/' || n == 5)
		return 0;
	for (size_t i = 5; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		if (d < 1000000)
			d = d * 10 + (uint32_t)(s[i] - '0');
	}
	*dist = d;
	return 1;
}

/* A known field name before the run's first colon: its index, or -1. */
static int field_of(const char *s, size_t n, size_t *colon)
{
	const char *c = memchr(s, ':', n);

	if (!c)
		return -1;
	*colon = (size_t)(c - s);
	for (size_t f = 0; f < sizeof(field_names) / sizeof(*field_names); f++)
		if (strlen(field_names[f]) == *colon && strncasecmp(s, field_names[f], *colon) == 0)
			return (int)f;
	return -1;
}

/* Lex the field token whose run is [i, j) with a colon at i + colon. */
static size_t lex_field(struct parser *p, size_t i, size_t j, size_t colon, int f)
{
	size_t qn;
	struct lex *t = lex_push(p, L_FIELD, i, j - i);

	if (!t)
		return p->len;
	t->field = (enum fname)f;
	t->voff = i + colon + 1;
	t->vlen = j - t->voff;
	if (t->vlen == 0 && j < p->len && quote_closers(quote_at(p->text, p->len, j, &qn))) {
		t->quoted = 1;
		j = lex_quoted(p, j, t);
		t->len = j - i;
	}
	return j;
}

/* A bare run starting at i: operator, field or text. Returns its end. */
static size_t lex_run(struct parser *p, size_t i)
{
	size_t j = i, colon;
	const char *s = p->text + i;
	uint32_t dist;
	int f;
	struct lex *t;

	while (j < p->len && !run_ends(p, j))
		j++;
	if (run_is(s, j - i, "AND") || run_is(s, j - i, "OR") || run_is(s, j - i, "NOT")) {
		lex_push(p, s[0] == 'A' ? L_AND : s[0] == 'O' ? L_OR : L_NOT, i, j - i);
	} else if (near_op(s, j - i, &dist)) {
		if ((t = lex_push(p, L_NEAR, i, j - i)))
			t->distance = dist;
	} else if ((f = field_of(s, j - i, &colon)) >= 0) {
		return lex_field(p, i, j, colon, f);
	} else {
		lex_push(p, L_TEXT, i, j - i);
	}
	return j;
}

/* A - or + at the start of a token, right before something: an operator. */
static int prefix_op(const struct parser *p, size_t i)
{
	char c = p->text[i];

	return (c == '-' || c == '+') && i + 1 < p->len &&
	       !is_space((unsigned char)p->text[i + 1]) && p->text[i + 1] != ')';
}

static void lex_all(struct parser *p)
{
	size_t i = 0, qn;
	struct lex *t;

	while (p->status == LEC_OK) {
		while (i < p->len && is_space((unsigned char)p->text[i]))
			i++;
		if (i >= p->len)
			break;
		if (p->text[i] == '(' || p->text[i] == ')') {
			lex_push(p, p->text[i] == '(' ? L_LPAREN : L_RPAREN, i, 1);
			i++;
		} else if (prefix_op(p, i)) {
			lex_push(p, p->text[i] == '-' ? L_MINUS : L_PLUS, i, 1);
			i++;
		} else if (quote_closers(quote_at(p->text, p->len, i, &qn))) {
			if (!(t = lex_push(p, L_PHRASE, i, 0)))
				break;
			i = lex_quoted(p, i, t);
			t->len = i - t->off;
		} else {
			i = lex_run(p, i);
		}
	}
	lex_push(p, L_END, p->len, 0);
}

/* ---- words ------------------------------------------------------------- */

static int word_cb(void *ctx, const tok_token *tok)
{
	struct parser *p = ctx;
	struct qp_word *w;
	const char *stem = tok->word;
	size_t slen = tok->len;

	if (++p->nterms > LEC_MAX_QUERY_TERMS) {
		fail(p, LEC_ELIMIT, SIZE_MAX, "query has more than %d terms", LEC_MAX_QUERY_TERMS);
		return 1;
	}
	struct qp_word *v = vec_reserve(p->wv, &p->wcap, p->wn + 1, sizeof(*v), 16);

	if (!v)
		goto oom;
	p->wv = v;
	if (tok->flags & TOK_LONG)
		p->wlong = 1;
	if (p->st && stemmer_stem(p->st, tok->word, tok->len, &stem, &slen) != LEC_OK)
		goto oom;
	w = &p->wv[p->wn];
	w->word = qp_arena_strndup(p->ast, tok->word, tok->len);
	w->len = tok->len;
	w->stem = qp_arena_strndup(p->ast, stem, slen);
	w->stem_len = slen;
	w->off = tok->offset;
	w->srclen = tok->length;
	if (!w->word || !w->stem)
		goto oom;
	p->wn++;
	return 0;
oom:
	fail(p, LEC_ENOMEM, SIZE_MAX, "out of memory");
	return 1;
}

/* The tokenizer's words of text[off, off+len) into p->wv. */
static lec_status tokenize(struct parser *p, size_t off, size_t len)
{
	lec_status st;

	p->wn = 0;
	p->wlong = 0;
	st = tok_text(p->text + off, len, off, word_cb, p);
	if (st != LEC_OK && st != LEC_ESTOP)
		fail(p, st, SIZE_MAX, "tokenizer: %s", lec_status_str(st));
	return p->status;
}

/* Number of UTF-8 characters in s[0..n). */
static size_t utf8_chars(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

static struct qp_node *oom(struct parser *p)
{
	fail(p, LEC_ENOMEM, SIZE_MAX, "out of memory");
	return NULL;
}

/* A phrase of p->wv, cut into AND'ed phrases of LEC_MAX_PHRASE_WORDS. */
static struct qp_node *phrase_of_words(struct parser *p, unsigned flags, size_t off, size_t srclen)
{
	struct qp_node *parts[LEC_MAX_QUERY_TERMS / LEC_MAX_PHRASE_WORDS + 1];
	size_t np = 0;

	for (size_t i = 0; i < p->wn; i += LEC_MAX_PHRASE_WORDS) {
		size_t n = p->wn - i < LEC_MAX_PHRASE_WORDS ? p->wn - i : LEC_MAX_PHRASE_WORDS;

		parts[np] = qp_words_node(p->ast, QP_PHRASE, p->wv + i, n, off, srclen);
		if (!parts[np])
			return oom(p);
		parts[np++]->flags = flags;
	}
	struct qp_node *g = qp_group_node(p->ast, QP_AND, parts, np, off, srclen);
	return g ? g : oom(p);
}

/* The speaker's words: one WORD, or an AND of WORDs (speaker terms have no
 * positions). */
static struct qp_node *and_of_words(struct parser *p, size_t off, size_t srclen)
{
	struct qp_node *g, **kids = malloc(p->wn * sizeof(*kids));

	if (!kids)
		return oom(p);
	for (size_t i = 0; i < p->wn; i++) {
		kids[i] =
			qp_words_node(p->ast, QP_WORD, p->wv + i, 1, p->wv[i].off, p->wv[i].srclen);
		if (!kids[i]) {
			free(kids);
			return oom(p);
		}
	}
	g = qp_group_node(p->ast, QP_AND, kids, p->wn, off, srclen);
	free(kids);
	return g ? g : oom(p);
}

/* After tokenize(): EMPTY for no words, NOTHING for a word too long. */
static struct qp_node *degenerate(struct parser *p, size_t off, size_t srclen)
{
	struct qp_node *n = NULL;

	if (p->status != LEC_OK)
		return NULL;
	if (p->wlong)
		n = qp_node_new(p->ast, QP_NOTHING, off, srclen);
	else if (p->wn == 0)
		n = qp_node_new(p->ast, QP_EMPTY, off, srclen);
	else
		return NULL;
	return n ? n : oom(p);
}

/* Quoted text [off, off+len): a phrase (speaker: AND of words). */
static struct qp_node *phrase_node(struct parser *p, size_t off, size_t len, enum qp_field field,
				   size_t noff, size_t nlen)
{
	struct qp_node *n;

	if (tokenize(p, off, len) != LEC_OK)
		return NULL;
	if ((n = degenerate(p, noff, nlen)) || p->status != LEC_OK)
		return n;
	if (field == QP_FIELD_SPEAKER)
		return and_of_words(p, noff, nlen);
	return phrase_of_words(p, 0, noff, nlen);
}

/* A run of code that the tokenizer makes one word: a sigil that no word
 * keeps (@@iterator, #private, %TypedArray%, $el). Sentence punctuation
 * (a comma, a full stop, quotes) is not one. */
static int has_sigil(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strchr("@#$%&~^\\|<>=`", s[i]) && s[i])
			return 1;
	return 0;
}

/* A symbol's word, preferred unstemmed: OR(WORD(w~stem), PHRASE("w")), so
 * that `@@iterator` finds every passage with the stem, as a word would,
 * and ranks first those with the word itself (the phrase is the exact term:
 * both clauses score there), not "iterable" or "iterate". */
static struct qp_node *prefer_exact(struct parser *p, struct qp_node *word, size_t off, size_t len)
{
	struct qp_node *kids[2] = { word, qp_words_node(p->ast, QP_PHRASE, p->wv, 1, off, len) };
	if (!kids[1] || !strcmp(p->wv[0].word, p->wv[0].stem))
		return kids[1] ? word : NULL; /* the word is its stem: nothing to prefer */
	return qp_group_node(p->ast, QP_OR, kids, 2, off, len);
}

/* A bare run [off, off+len): a word, a prefix* wildcard, or the phrase of
 * the words the tokenizer splits it into (re-invent). */
static struct qp_node *text_node(struct parser *p, size_t off, size_t len, enum qp_field field)
{
	size_t n = len;
	int wild = 0;
	struct qp_node *node;

	while (n && p->text[off + n - 1] == '*') {
		n--;
		wild = 1;
	}
	if (tokenize(p, off, n) != LEC_OK)
		return NULL;
	if ((node = degenerate(p, off, len)) || p->status != LEC_OK)
		return node;
	if (p->wn == 1) {
		enum qp_kind kind = QP_WORD;

		if (wild && utf8_chars(p->wv[0].word, p->wv[0].len) >= 2)
			kind = QP_WILDCARD;
		node = qp_words_node(p->ast, kind, p->wv, 1, off, len);
		if (node && kind == QP_WORD && field == QP_FIELD_BODY &&
		    has_sigil(p->text + off, n))
			node = prefer_exact(p, node, off, len);
		return node ? node : oom(p);
	}
	if (field == QP_FIELD_SPEAKER)
		return and_of_words(p, off, len);
	return phrase_of_words(p, QP_NODE_SPLIT, off, len);
}

/* ---- field values ------------------------------------------------------ */

/* Parse YYYY, YYYY-MM or YYYY-MM-DD (month and day of 1 or 2 digits) into
 * the lowest and highest 8-digit date values it covers: "2019-06" is
 * 20190600..20190699, so a note dated just "2019-06" (20190600) is in it. */
static int parse_date(const char *s, size_t n, int year_only, char lo[9], char hi[9])
{
	unsigned part[3] = { 0, 0, 0 }, digits[3] = { 0, 0, 0 }, np = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '-' && np < 2 && digits[np]) {
			np++;
		} else if (s[i] >= '0' && s[i] <= '9' && digits[np] < 4) {
			part[np] = part[np] * 10 + (unsigned)(s[i] - '0');
			digits[np]++;
		} else {
			return 0;
		}
	}
	np++;
	if (digits[0] != 4 || (year_only && np > 1) || !digits[np - 1])
		return 0;
	if ((np > 1 && (digits[1] > 2 || part[1] < 1 || part[1] > 12)) ||
	    (np > 2 && (digits[2] > 2 || part[2] < 1 || part[2] > 31)))
		return 0;
	snprintf(lo, 9, "%04u%02u%02u", part[0], part[1], part[2]);
	snprintf(hi, 9, "%04u%02u%02u", part[0], np > 1 ? part[1] : 99, np > 2 ? part[2] : 99);
	return 1;
}

/* A date people type (date: only): today, yesterday, or N days, weeks,
 * months or years ago (3d, 2w, 6m, 1y), as one day (lo = hi = YYYYMMDD),
 * in local time. *since: a count ago (alone, it means from then on). */
static int parse_relative(const char *s, size_t n, char lo[9], char hi[9], int *since)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	*since = 0;
	if (n == 5 && !strncasecmp(s, "today", 5)) {
	} else if (n == 9 && !strncasecmp(s, "yesterday", 9)) {
		tm.tm_mday -= 1;
	} else if (n >= 2 && n <= 5 && strchr("dwmy", s[n - 1] | 0x20)) {
		unsigned long k = 0;
		for (size_t i = 0; i + 1 < n; i++) {
			if (s[i] < '0' || s[i] > '9')
				return 0;
			k = k * 10 + (unsigned long)(s[i] - '0');
		}
		switch (s[n - 1] | 0x20) {
		case 'd':
			tm.tm_mday -= (int)k;
			break;
		case 'w':
			tm.tm_mday -= (int)(7 * k);
			break;
		case 'm':
			tm.tm_mon -= (int)k;
			break;
		default:
			tm.tm_year -= (int)k;
			break;
		}
		*since = 1;
	} else {
		return 0;
	}
	tm.tm_hour = 12; /* mktime normalises the day; noon steers clear of DST */
	if (mktime(&tm) == (time_t)-1 || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999)
		return 0;
	snprintf(lo, 9, "%04u%02u%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
		 (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u);
	memcpy(hi, lo, 9);
	return 1;
}

/* One end of a date: a written date, or (date: only) a relative one. */
static int parse_end(const char *s, size_t n, int year_only, char lo[9], char hi[9], int *since)
{
	*since = 0;
	if (parse_date(s, n, year_only, lo, hi))
		return 1;
	return !year_only && parse_relative(s, n, lo, hi, since);
}

/* year: and date: values. Nonzero when valid; a single year for year: is a
 * YEAR term (lo empty), everything else a DATE range. */
static int parse_date_value(const char *s, size_t n, int year_only, char lo[9], char hi[9])
{
	const char *dots = NULL;
	char l2[9], h2[9];
	int since = 0, ignored;

	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '.' && s[i + 1] == '.') {
			dots = s + i;
			break;
		}
	lo[0] = hi[0] = '\0';
	if (!dots) {
		if (!parse_end(s, n, year_only, lo, hi, &since))
			return 0;
		if (since)
			hi[0] = '\0'; /* date:2w is date:2w.. */
		return 1;
	}
	size_t ln = (size_t)(dots - s), rn = n - ln - 2;
	if (ln == 0 && rn == 0)
		return 0;
	if (ln && !parse_end(s, ln, year_only, lo, h2, &ignored))
		return 0;
	if (rn && !parse_end(dots + 2, rn, year_only, l2, hi, &ignored))
		return 0;
	if (ln && rn && strcmp(lo, hi) > 0) {
		/* written backwards (2015..2012): the same span */
		parse_end(dots + 2, rn, year_only, lo, h2, &ignored);
		parse_end(s, ln, year_only, l2, hi, &ignored);
	}
	return 1;
}

static struct qp_node *date_node(struct parser *p, const struct lex *t)
{
	char lo[9], hi[9];
	const char *v = p->text + t->voff;
	struct qp_node *n;

	if (!parse_date_value(v, t->vlen, t->field == F_YEAR, lo, hi)) {
		const char *want =
			t->field == F_YEAR ?
				"a year (YYYY or YYYY..YYYY)" :
				"a date (YYYY[-MM[-DD]], today, yesterday, Nd, Nw, Nm, Ny) "
				"or a range D..D";
		int shown = (int)(t->vlen > 40 ? 40 : t->vlen);
		if (strict(p)) {
			fail(p, LEC_ESYNTAX, t->off, "%s:%.*s is not %s", field_names[t->field],
			     shown, v, want);
			return NULL;
		}
		warn_at(p, t->off, "%s:%.*s is not %s: searched as words", field_names[t->field],
			shown, v, want);
		return text_node(p, t->off, t->len, QP_FIELD_BODY);
	}
	if (++p->nterms > LEC_MAX_QUERY_TERMS) {
		fail(p, LEC_ELIMIT, SIZE_MAX, "query has more than %d terms", LEC_MAX_QUERY_TERMS);
		return NULL;
	}
	int single_year = t->field == F_YEAR && !memchr(v, '.', t->vlen);
	n = qp_node_new(p->ast, single_year ? QP_YEAR : QP_DATE, t->off, t->len);
	if (!n)
		return oom(p);
	if (single_year) {
		if (!(n->value = qp_arena_strndup(p->ast, v, 4)))
			return oom(p);
		return n;
	}
	if ((lo[0] && !(n->lo = qp_arena_strndup(p->ast, lo, 8))) ||
	    (hi[0] && !(n->hi = qp_arena_strndup(p->ast, hi, 8))))
		return oom(p);
	return n;
}

static struct qp_node *tag_node(struct parser *p, const struct lex *t)
{
	char *norm = NULL;
	size_t nlen = 0;
	struct qp_node *n;

	if (tok_normalize(p->text + t->voff, t->vlen, &norm, &nlen) != LEC_OK)
		return oom(p);
	if (++p->nterms > LEC_MAX_QUERY_TERMS) {
		free(norm);
		fail(p, LEC_ELIMIT, SIZE_MAX, "query has more than %d terms", LEC_MAX_QUERY_TERMS);
		return NULL;
	}
	if (nlen == 0)
		n = qp_node_new(p->ast, QP_EMPTY, t->off, t->len);
	else if (nlen + strlen(LEC_PFX_TAG) > LEC_MAX_TERM_BYTES)
		n = qp_node_new(p->ast, QP_NOTHING, t->off, t->len);
	else if ((n = qp_node_new(p->ast, QP_TAG, t->off, t->len)))
		n->value = qp_arena_strndup(p->ast, norm, nlen);
	free(norm);
	if (!n || (n->kind == QP_TAG && !n->value))
		return oom(p);
	return n;
}

static const enum qp_field text_fields[] = {
	[F_TITLE] = QP_FIELD_TITLE,
	[F_PATH] = QP_FIELD_PATH,
	[F_SPEAKER] = QP_FIELD_SPEAKER,
	[F_HEADING] = QP_FIELD_HEADING,
};

static struct qp_node *field_node(struct parser *p, const struct lex *t)
{
	struct qp_node *n;
	enum qp_field field;

	if (t->quoted && t->unclosed && strict(p)) {
		/* the quote right after "name:" */
		fail(p, LEC_ESYNTAX, t->off + strlen(field_names[t->field]) + 1, "unclosed quote");
		return NULL;
	}
	if (t->vlen == 0 && !t->quoted) {
		if (strict(p)) {
			fail(p, LEC_ESYNTAX, t->off, "%s: needs a value", field_names[t->field]);
			return NULL;
		}
		return text_node(p, t->off, t->len, QP_FIELD_BODY);
	}
	if (t->field == F_TAG)
		return tag_node(p, t);
	if (t->field == F_YEAR || t->field == F_DATE)
		return date_node(p, t);
	field = text_fields[t->field];
	if (t->quoted)
		n = phrase_node(p, t->voff, t->vlen, field, t->off, t->len);
	else
		n = text_node(p, t->voff, t->vlen, field);
	if (!n || n->kind == QP_EMPTY || n->kind == QP_NOTHING)
		return n;
	if (!(n = qp_wrap_node(p->ast, QP_FIELD, n)))
		return oom(p);
	n->field = field;
	n->off = t->off;
	n->srclen = t->len;
	return n;
}

/* ---- parser ------------------------------------------------------------ */

static const struct lex *peek_at(const struct parser *p, size_t k)
{
	size_t i = p->pos + k;

	return &p->toks[i < p->ntoks ? i : p->ntoks - 1];
}

static const struct lex *peek(const struct parser *p)
{
	return peek_at(p, 0);
}

static const struct lex *advance(struct parser *p)
{
	const struct lex *t = peek(p);

	if (t->type != L_END)
		p->pos++;
	return t;
}

static int operand_start(enum lex_type type)
{
	return type == L_TEXT || type == L_PHRASE || type == L_LPAREN || type == L_FIELD ||
	       type == L_MINUS || type == L_PLUS || type == L_NOT;
}

/* Is the next token the binary operator `type`, with an operand after it? */
static int binop(const struct parser *p, enum lex_type type)
{
	return peek(p)->type == type && operand_start(peek_at(p, 1)->type);
}

static struct qp_node *empty(struct parser *p, size_t off)
{
	struct qp_node *n = qp_node_new(p->ast, QP_EMPTY, off, 0);

	return n ? n : oom(p);
}

static struct qp_node *parse_or(struct parser *p);

static struct qp_node *parse_group(struct parser *p)
{
	const struct lex *open = peek(p);
	struct qp_node *n;

	if (p->depth >= LEC_MAX_QUERY_DEPTH) {
		if (strict(p)) {
			fail(p, LEC_ELIMIT, open->off, "parentheses nested deeper than %d",
			     LEC_MAX_QUERY_DEPTH);
			return NULL;
		}
		/* forgiving: this pair is ignored, its inside joins the group */
		p->ignored++;
		advance(p);
		return empty(p, open->off);
	}
	advance(p);
	p->depth++;
	n = parse_or(p);
	p->depth--;
	if (!n)
		return NULL;
	if (peek(p)->type == L_RPAREN)
		advance(p);
	else if (strict(p))
		fail(p, LEC_ESYNTAX, open->off, "unbalanced parenthesis");
	return p->status == LEC_OK ? n : NULL;
}

static struct qp_node *parse_primary(struct parser *p)
{
	const struct lex *t = peek(p);

	switch (t->type) {
	case L_TEXT:
		advance(p);
		return text_node(p, t->voff, t->vlen, QP_FIELD_BODY);
	case L_PHRASE:
		if (t->unclosed && strict(p)) {
			fail(p, LEC_ESYNTAX, t->off, "unclosed quote");
			return NULL;
		}
		advance(p);
		return phrase_node(p, t->voff, t->vlen, QP_FIELD_BODY, t->off, t->len);
	case L_FIELD:
		advance(p);
		return field_node(p, t);
	case L_LPAREN:
		return parse_group(p);
	case L_AND:
	case L_OR:
	case L_NOT:
	case L_NEAR:
		/* an operator without its operands is a word */
		if (strict(p)) {
			fail(p, LEC_ESYNTAX, t->off, "%.*s needs a term %s", (int)t->len,
			     p->text + t->off, t->type == L_NOT ? "after it" : "on each side");
			return NULL;
		}
		advance(p);
		return text_node(p, t->off, t->len, QP_FIELD_BODY);
	default:
		return empty(p, t->off);
	}
}

static struct qp_node *parse_unary(struct parser *p)
{
	int neg = 0, req = 0;
	struct qp_node *n;

	for (;;) {
		enum lex_type type = peek(p)->type;

		if (type == L_MINUS || (type == L_NOT && operand_start(peek_at(p, 1)->type)))
			neg ^= 1;
		else if (type == L_PLUS)
			req = 1;
		else
			break;
		advance(p);
	}
	if (!(n = parse_primary(p)))
		return NULL;
	if (neg && n->kind != QP_EMPTY && !(n = qp_wrap_node(p->ast, QP_NOT, n)))
		return oom(p);
	if (req && n->kind != QP_EMPTY)
		n->flags |= QP_NODE_REQUIRED;
	return n;
}

/* NEAR over the operands' words; operands that are not words or phrases
 * make it an AND (strict mode: an error). */
static struct qp_node *near_node(struct parser *p, struct nodevec *ops, uint32_t dist, size_t off,
				 size_t op_off)
{
	size_t nw = 0, k = 0, end = off;
	int words_only = 1;
	struct qp_node *n;

	for (size_t i = 0; i < ops->n; i++) {
		struct qp_node *o = ops->v[i];

		if (o->kind == QP_NOTHING)
			return o;
		if (o->kind == QP_EMPTY)
			continue;
		if (o->kind == QP_WORD || o->kind == QP_PHRASE)
			nw += o->nwords;
		else
			words_only = 0;
		ops->v[k++] = o;
		end = o->off + o->srclen;
	}
	ops->n = k;
	if (!words_only || nw > LEC_MAX_PHRASE_WORDS || k < 2) {
		if (k >= 2 && strict(p)) {
			if (words_only)
				fail(p, LEC_ELIMIT, op_off, "NEAR over more than %d words",
				     LEC_MAX_PHRASE_WORDS);
			else
				fail(p, LEC_ESYNTAX, op_off, "NEAR needs words on both sides");
			return NULL;
		}
		n = qp_group_node(p->ast, QP_AND, ops->v, ops->n, off, end - off);
		return n ? n : oom(p);
	}
	if (!(n = qp_node_new(p->ast, QP_NEAR, off, end - off)) ||
	    !(n->words = qp_arena_alloc(p->ast, nw * sizeof(*n->words))))
		return oom(p);
	for (size_t i = 0; i < ops->n; i++) {
		memcpy(n->words + n->nwords, ops->v[i]->words,
		       ops->v[i]->nwords * sizeof(*n->words));
		n->nwords += ops->v[i]->nwords;
	}
	n->distance = dist;
	return n;
}

/* The distance of the NEAR token t, within 1..LEC_MAX_NEAR_DISTANCE. */
static uint32_t near_distance(struct parser *p, const struct lex *t)
{
	if (t->distance >= 1 && t->distance <= LEC_MAX_NEAR_DISTANCE)
		return t->distance;
	if (strict(p))
		fail(p, LEC_ELIMIT, t->off, "NEAR distance must be 1 to %d", LEC_MAX_NEAR_DISTANCE);
	return t->distance < 1 ? 1 : LEC_MAX_NEAR_DISTANCE;
}

static struct qp_node *parse_near(struct parser *p)
{
	struct nodevec ops = { 0 };
	struct qp_node *n = parse_unary(p);
	uint32_t dist = 0, d;
	size_t off, op_off;

	if (!n || !binop(p, L_NEAR))
		return n;
	off = n->off;
	op_off = peek(p)->off;
	if (qp_nodevec_push(&ops, n))
		return oom(p);
	while (p->status == LEC_OK && binop(p, L_NEAR)) {
		d = near_distance(p, advance(p));
		dist = d > dist ? d : dist;
		if (!(n = parse_unary(p)))
			break;
		if (qp_nodevec_push(&ops, n)) {
			oom(p);
			break;
		}
	}
	n = p->status == LEC_OK ? near_node(p, &ops, dist, off, op_off) : NULL;
	free(ops.v);
	return n;
}

static struct qp_node *parse_and(struct parser *p)
{
	struct nodevec kids = { 0 };
	struct qp_node *n;
	size_t off = peek(p)->off, end = off;

	while (p->status == LEC_OK) {
		const struct lex *t = peek(p);

		if (t->type == L_END)
			break;
		if (t->type == L_RPAREN) {
			if (p->ignored) {
				p->ignored--;
			} else if (p->depth) {
				break;
			} else if (strict(p)) {
				fail(p, LEC_ESYNTAX, t->off, "unbalanced parenthesis");
				break;
			}
			advance(p);
			continue;
		}
		if (kids.n && binop(p, L_OR))
			break;
		if (kids.n && binop(p, L_AND)) {
			advance(p);
			continue;
		}
		if (!(n = parse_near(p)))
			break;
		if (qp_nodevec_push(&kids, n)) {
			oom(p);
			break;
		}
		end = n->off + n->srclen;
	}
	n = NULL;
	if (p->status == LEC_OK &&
	    !(n = qp_group_node(p->ast, QP_AND, kids.v, kids.n, off, end - off)))
		oom(p);
	free(kids.v);
	return n;
}

static struct qp_node *parse_or(struct parser *p)
{
	struct nodevec kids = { 0 };
	struct qp_node *n = parse_and(p);
	size_t off = n ? n->off : 0, end = off;

	while (n) {
		if (qp_nodevec_push(&kids, n)) {
			oom(p);
			break;
		}
		end = n->off + n->srclen;
		if (p->status != LEC_OK || !binop(p, L_OR))
			break;
		advance(p);
		n = parse_and(p);
	}
	n = NULL;
	if (p->status == LEC_OK &&
	    !(n = qp_group_node(p->ast, QP_OR, kids.v, kids.n, off, end - off)))
		oom(p);
	free(kids.v);
	return n;
}

/* QP_IMPLICIT_PHRASE: only plain runs (no operator, field, quote,
 * parenthesis, sign or trailing *) holding two words or more. */
static int implicit_phrase(struct parser *p)
{
	for (size_t i = 0; i + 1 < p->ntoks; i++) {
		const struct lex *t = &p->toks[i];

		if (t->type != L_TEXT || p->text[t->off + t->len - 1] == '*')
			return 0;
	}
	if (tokenize(p, 0, p->len) != LEC_OK)
		return 0;
	p->nterms = 0;
	return p->wn >= 2;
}

static struct qp_node *parse_query(struct parser *p)
{
	if (p->flags & QP_WHOLE_PHRASE)
		return phrase_node(p, 0, p->len, QP_FIELD_BODY, 0, p->len);
	lex_all(p);
	if (p->status != LEC_OK)
		return NULL;
	if ((p->flags & QP_IMPLICIT_PHRASE) && implicit_phrase(p))
		return phrase_node(p, 0, p->len, QP_FIELD_BODY, 0, p->len);
	if (p->status != LEC_OK)
		return NULL;
	return parse_or(p);
}

lec_status qp_parse(const char *text, size_t len, unsigned flags, stemmer *st, qp_ast **out,
		    struct qp_error *err)
{
	struct parser p = { .text = text, .len = len, .flags = flags, .st = st, .err = err };
	struct qp_node *root;

	if (err) {
		err->column = 0;
		err->msg[0] = '\0';
	}
	if (!out || (!text && len)) {
		fail(&p, LEC_EINVAL, SIZE_MAX, "no query");
		return p.status;
	}
	*out = NULL;
	if (len > LEC_MAX_QUERY_BYTES) {
		fail(&p, LEC_ELIMIT, SIZE_MAX, "query longer than %u bytes", LEC_MAX_QUERY_BYTES);
		return p.status;
	}
	if (!text)
		p.text = "";
	if (!(p.ast = qp_ast_new()))
		return LEC_ENOMEM;
	root = parse_query(&p);
	free(p.toks);
	free(p.wv);
	if (p.status == LEC_OK && !root)
		fail(&p, LEC_EINTERNAL, SIZE_MAX, "parser returned no tree");
	if (p.status != LEC_OK) {
		qp_free(p.ast);
		return p.status;
	}
	p.ast->root = root;
	*out = p.ast;
	return LEC_OK;
}
