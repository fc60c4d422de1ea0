/* query-parser.h - what the files of the query parser share (private to
 * them): the tokens of a query (query-lex.c cuts them), the parser's state,
 * and the builders of word, phrase (query-words.c) and field (query-field.c)
 * nodes the parser (query.c) calls. */
#ifndef LECTERN_QUERY_PARSER_H
#define LECTERN_QUERY_PARSER_H

#include <stddef.h>
#include <stdint.h>

#include "query-int.h"
#include "stem.h"

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

struct lex {
	enum lex_type type;
	size_t off, len;   /* the whole token */
	size_t voff, vlen; /* TEXT: the run; PHRASE: its text; FIELD: its value */
	int quoted;        /* FIELD: the value was a quoted phrase */
	int unclosed;      /* PHRASE, quoted FIELD: no closing quote */
	enum fname field;
	uint32_t distance; /* NEAR */
};

/* The state of one qp_parse: its text, its tokens, the AST being built. */
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

/* ---- errors and warnings (query.c) ---- */

/* Record the first failure; `off` is where, or SIZE_MAX for nowhere. */
void qp_fail(struct parser *p, lec_status st, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A line for qp_warnings: what was not taken as written, and where. */
void qp_warn_at(struct parser *p, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Out of memory: recorded, and NULL for the caller to return. */
struct qp_node *qp_oom(struct parser *p);
/* Whether QP_STRICT asks for errors instead of forgiveness. */
int qp_strict(const struct parser *p);

/* ---- the lexer (query-lex.c) ---- */

/* Cut the whole text into p->toks, ending with L_END. */
void qp_lex_all(struct parser *p);

/* ---- words and phrases (query-words.c) ---- */

/* The tokenizer's words of text[off, off+len) into p->wv. */
lec_status qp_tokenize(struct parser *p, size_t off, size_t len);
/* Number of UTF-8 characters in s[0..n) (an error's column is one more). */
size_t qp_utf8_chars(const char *s, size_t n);
/* A bare run [off, off+len): a word, a prefix* wildcard, or the phrase of
 * the words the tokenizer splits it into (re-invent). */
struct qp_node *qp_text_node(struct parser *p, size_t off, size_t len, enum qp_field field);
/* Quoted text [off, off+len): a phrase (speaker: AND of words); the node
 * spans [noff, noff+nlen) of the query. */
struct qp_node *qp_phrase_node(struct parser *p, size_t off, size_t len, enum qp_field field,
			       size_t noff, size_t nlen);

/* ---- field values (query-field.c) ---- */

/* The node of a field:value token. */
struct qp_node *qp_field_node(struct parser *p, const struct lex *t);

#endif
