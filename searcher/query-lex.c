/* query-lex.c - the query parser's lexer: a query cut into tokens (words,
 * phrases in any of their quotes, parentheses, operators, field:value). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "layout.h"
#include "limits.h"
#include "query-parser.h"
#include "tokenize.h"
#include "vec.h"

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

static struct lex *lex_push(struct parser *p, enum lex_type type, size_t off, size_t len)
{
	struct lex *v = vec_reserve(p->toks, &p->tcap, p->ntoks + 1, sizeof(*v), 32);

	if (!v) {
		qp_fail(p, LEC_ENOMEM, SIZE_MAX, "out of memory");
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
	size_t nf;
	const char *const *names = qp_field_names(&nf);
	for (size_t f = 0; f < nf; f++)
		if (strlen(names[f]) == *colon && strncasecmp(s, names[f], *colon) == 0)
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

void qp_lex_all(struct parser *p)
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
