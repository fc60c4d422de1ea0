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
 * close at the end; QP_STRICT reports them instead. The tokens are cut in
 * query-lex.c, words and phrases become nodes in query-words.c, field
 * values in query-field.c (query-parser.h); the tree itself (arena,
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
#include "query-parser.h"
#include "tokenize.h"
#include "vec.h"

void qp_fail(struct parser *p, lec_status st, size_t off, const char *fmt, ...)
{
	va_list ap;
	size_t n = 0;

	if (p->status != LEC_OK)
		return;
	p->status = st;
	if (!p->err)
		return;
	p->err->column = off == SIZE_MAX ? 0 : qp_utf8_chars(p->text, off) + 1;
	if (p->err->column)
		n = (size_t)snprintf(p->err->msg, sizeof(p->err->msg),
				     "column %zu: ", p->err->column);
	va_start(ap, fmt);
	vsnprintf(p->err->msg + n, sizeof(p->err->msg) - n, fmt, ap);
	va_end(ap);
}

int qp_strict(const struct parser *p)
{
	return p->flags & QP_STRICT;
}

void qp_warn_at(struct parser *p, size_t off, const char *fmt, ...)
{
	char line[300];
	va_list ap;
	size_t n = (size_t)snprintf(line, sizeof(line),
				    "column %zu: ", qp_utf8_chars(p->text, off) + 1);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	const char *old = p->ast->warnings;
	size_t ol = old ? strlen(old) : 0, ll = strlen(line);
	char *w = qp_arena_alloc(p->ast, ol + ll + 2);
	if (!w) {
		qp_oom(p);
		return;
	}
	if (old)
		memcpy(w, old, ol);
	if (old)
		w[ol++] = '\n';
	memcpy(w + ol, line, ll + 1);
	p->ast->warnings = w;
}

struct qp_node *qp_oom(struct parser *p)
{
	qp_fail(p, LEC_ENOMEM, SIZE_MAX, "out of memory");
	return NULL;
}

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

	return n ? n : qp_oom(p);
}

static struct qp_node *parse_or(struct parser *p);

static struct qp_node *parse_group(struct parser *p)
{
	const struct lex *open = peek(p);
	struct qp_node *n;

	if (p->depth >= LEC_MAX_QUERY_DEPTH) {
		if (qp_strict(p)) {
			qp_fail(p, LEC_ELIMIT, open->off, "parentheses nested deeper than %d",
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
	else if (qp_strict(p))
		qp_fail(p, LEC_ESYNTAX, open->off, "unbalanced parenthesis");
	return p->status == LEC_OK ? n : NULL;
}

static struct qp_node *parse_primary(struct parser *p)
{
	const struct lex *t = peek(p);

	switch (t->type) {
	case L_TEXT:
		advance(p);
		return qp_text_node(p, t->voff, t->vlen, QP_FIELD_BODY);
	case L_PHRASE:
		if (t->unclosed && qp_strict(p)) {
			qp_fail(p, LEC_ESYNTAX, t->off, "unclosed quote");
			return NULL;
		}
		advance(p);
		return qp_phrase_node(p, t->voff, t->vlen, QP_FIELD_BODY, t->off, t->len);
	case L_FIELD:
		advance(p);
		return qp_field_node(p, t);
	case L_LPAREN:
		return parse_group(p);
	case L_AND:
	case L_OR:
	case L_NOT:
	case L_NEAR:
		/* an operator without its operands is a word */
		if (qp_strict(p)) {
			qp_fail(p, LEC_ESYNTAX, t->off, "%.*s needs a term %s", (int)t->len,
				p->text + t->off, t->type == L_NOT ? "after it" : "on each side");
			return NULL;
		}
		advance(p);
		return qp_text_node(p, t->off, t->len, QP_FIELD_BODY);
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
		return qp_oom(p);
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
		if (k >= 2 && qp_strict(p)) {
			if (words_only)
				qp_fail(p, LEC_ELIMIT, op_off, "NEAR over more than %d words",
					LEC_MAX_PHRASE_WORDS);
			else
				qp_fail(p, LEC_ESYNTAX, op_off, "NEAR needs words on both sides");
			return NULL;
		}
		n = qp_group_node(p->ast, QP_AND, ops->v, ops->n, off, end - off);
		return n ? n : qp_oom(p);
	}
	if (!(n = qp_node_new(p->ast, QP_NEAR, off, end - off)) ||
	    !(n->words = qp_arena_alloc(p->ast, nw * sizeof(*n->words))))
		return qp_oom(p);
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
	if (qp_strict(p))
		qp_fail(p, LEC_ELIMIT, t->off, "NEAR distance must be 1 to %d",
			LEC_MAX_NEAR_DISTANCE);
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
		return qp_oom(p);
	while (p->status == LEC_OK && binop(p, L_NEAR)) {
		d = near_distance(p, advance(p));
		dist = d > dist ? d : dist;
		if (!(n = parse_unary(p)))
			break;
		if (qp_nodevec_push(&ops, n)) {
			qp_oom(p);
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
			} else if (qp_strict(p)) {
				qp_fail(p, LEC_ESYNTAX, t->off, "unbalanced parenthesis");
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
			qp_oom(p);
			break;
		}
		end = n->off + n->srclen;
	}
	n = NULL;
	if (p->status == LEC_OK &&
	    !(n = qp_group_node(p->ast, QP_AND, kids.v, kids.n, off, end - off)))
		qp_oom(p);
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
			qp_oom(p);
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
		qp_oom(p);
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
	if (qp_tokenize(p, 0, p->len) != LEC_OK)
		return 0;
	p->nterms = 0;
	return p->wn >= 2;
}

static struct qp_node *parse_query(struct parser *p)
{
	if (p->flags & QP_WHOLE_PHRASE)
		return qp_phrase_node(p, 0, p->len, QP_FIELD_BODY, 0, p->len);
	qp_lex_all(p);
	if (p->status != LEC_OK)
		return NULL;
	if ((p->flags & QP_IMPLICIT_PHRASE) && implicit_phrase(p))
		return qp_phrase_node(p, 0, p->len, QP_FIELD_BODY, 0, p->len);
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
		qp_fail(&p, LEC_EINVAL, SIZE_MAX, "no query");
		return p.status;
	}
	*out = NULL;
	if (len > LEC_MAX_QUERY_BYTES) {
		qp_fail(&p, LEC_ELIMIT, SIZE_MAX, "query longer than %u bytes",
			LEC_MAX_QUERY_BYTES);
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
		qp_fail(&p, LEC_EINTERNAL, SIZE_MAX, "parser returned no tree");
	if (p.status != LEC_OK) {
		qp_free(p.ast);
		return p.status;
	}
	p.ast->root = root;
	*out = p.ast;
	return LEC_OK;
}
