/* query.h - the query language of `lectern find` (docs/query-language.md).
 *
 * qp_parse turns a query string into a small AST; qp_explain prints it in a
 * stable form (the `--explain` output, also the case table's expected form);
 * qp_to_xapian builds the Xapian query (query-xap.c); qp_relax makes the
 * looser query the caller runs when the strict one finds nothing; qp_words
 * lists the plain words for "did you mean".
 *
 * Words are found with the project tokenizer (tok_text), never Xapian's
 * QueryParser: one definition of a word for the index and the query.
 *
 * Ownership: an AST and everything reachable from it lives in one arena owned
 * by the qp_ast; qp_free releases it all. Nodes and words are read-only to
 * callers.
 */
#ifndef LECTERN_QUERY_H
#define LECTERN_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "stem.h"
#include "xap.h"

/* Flags for qp_parse. */
enum qp_flags {
	QP_STRICT = 1u << 0,          /* syntax problems are LEC_ESYNTAX, not forgiven */
	QP_WHOLE_PHRASE = 1u << 1,    /* --phrase: the whole text is one phrase, no syntax */
	QP_IMPLICIT_PHRASE = 1u << 2, /* the CLI got exactly one argument: several words
					* and no query syntax make a phrase */
};

enum qp_kind {
	QP_EMPTY,    /* nothing to search for (empty query, only punctuation) */
	QP_NOTHING,  /* matches nothing (a query word too long to be a term) */
	QP_WORD,     /* words[0]: by stem (body, title) or exact (path, speaker) */
	QP_PHRASE,   /* words, consecutive, unstemmed; one word = the exact term */
	QP_WILDCARD, /* words[0] is a prefix of unstemmed terms */
	QP_NEAR,     /* words in any order, |pos(a) - pos(b)| <= distance for two */
	QP_AND,      /* kids */
	QP_OR,       /* kids */
	QP_NOT,      /* kids[0]; inside AND it is AND_NOT, alone "all but" */
	QP_FIELD,    /* field, kids[0]: WORD, PHRASE, WILDCARD, or AND of WORDs */
	QP_TAG,      /* value: the tok_normalize'd tag; a boolean filter */
	QP_YEAR,     /* value: "YYYY"; a boolean filter */
	QP_DATE,     /* lo, hi: YYYYMMDD bounds (inclusive) or NULL for open */
};

enum qp_field {
	QP_FIELD_BODY = 0,
	QP_FIELD_TITLE,   /* title:  WORD -> ZS+stem, PHRASE -> S+words */
	QP_FIELD_PATH,    /* path:   XP+words, several words a phrase */
	QP_FIELD_SPEAKER, /* speaker: XS+words, several words AND'ed */
	QP_FIELD_HEADING, /* heading: body words, in a heading of the passage's
	                    * heading path (its own or a section's it is in) */
};

/* Node flags. */
enum qp_node_flags {
	QP_NODE_REQUIRED = 1u << 0, /* written with a leading + (kept by qp_relax) */
	QP_NODE_SPLIT = 1u << 1,    /* a PHRASE made from one bare word (re-invent) */
};

/* A word of the query as the tokenizer gave it. */
struct qp_word {
	const char *word; /* normalised, NUL-terminated */
	size_t len;
	const char *stem; /* its stem (== word without a stemmer), NUL-terminated */
	size_t stem_len;
	size_t off, srclen; /* 0-based byte range in the query text */
};

struct qp_node {
	enum qp_kind kind;
	enum qp_field field;   /* QP_FIELD only */
	unsigned flags;        /* enum qp_node_flags */
	size_t off, srclen;    /* byte range of the node in the query text */
	struct qp_word *words; /* WORD, PHRASE, WILDCARD, NEAR */
	size_t nwords;
	uint32_t distance;     /* NEAR: 1..LEC_MAX_NEAR_DISTANCE */
	struct qp_node **kids; /* AND, OR, NOT, FIELD */
	size_t nkids;
	const char *value;   /* TAG, YEAR */
	const char *lo, *hi; /* DATE: 8-digit bounds, NULL = open end */
};

typedef struct qp_ast qp_ast;

/* Where parsing failed (strict mode, or a limit). */
struct qp_error {
	size_t column; /* 1-based, in characters; 0 when not about a place */
	char msg[200]; /* "column 7: unbalanced parenthesis" */
};

/* Parse text[0..len) (need not be NUL-terminated; NUL bytes are spaces).
 * `st` stems bare words (the index's language); NULL means no stemming.
 * The stemmer must outlive the call only. On success *out is owned by the
 * caller (qp_free). On failure *out is NULL and, when err is not NULL, it
 * holds the message: LEC_ELIMIT (over LEC_MAX_QUERY_BYTES, _TERMS, or in
 * strict mode _DEPTH and LEC_MAX_NEAR_DISTANCE), LEC_ESYNTAX (strict mode
 * only), LEC_ENOMEM, LEC_EINVAL. */
lec_status qp_parse(const char *text, size_t len, unsigned flags, stemmer *st, qp_ast **out,
		    struct qp_error *err);

void qp_free(qp_ast *ast);

/* What the forgiving parser did with what it could not take as written,
 * one line each ("column 1: year:abc is not a year (YYYY or YYYY..YYYY):
 * searched as words"), or NULL. Owned by the AST. QP_STRICT makes these
 * errors instead. */
const char *qp_warnings(const qp_ast *ast);

/* The root node; never NULL for a parsed AST (QP_EMPTY when nothing). */
const struct qp_node *qp_root(const qp_ast *ast);

/* Nonzero when the query has nothing to search for (QP_EMPTY). */
int qp_is_empty(const qp_ast *ast);

/* Nonzero for a pure filter: TAG, YEAR, DATE, or an OR of filters. Filters
 * restrict without weighing (OP_FILTER) and never match passage text. */
int qp_is_filter(const struct qp_node *n);

/* How the query was understood, e.g.
 * AND(WORD(instances~instanc) FIELD(speaker: WORD(vogels))).
 * Malloc'd, owned by the caller; NULL when out of memory. */
char *qp_explain(const qp_ast *ast);

/* The looser query to run when `ast` finds nothing: a top-level phrase or AND
 * becomes an OR of the individual words of its words, phrases, NEARs and
 * wildcards (stemmed, as bare words), while +required parts, fields,
 * filters and negations stay required. *out is owned by the caller, or NULL
 * when relaxing would not change the query. */
lec_status qp_relax(const qp_ast *ast, qp_ast **out);

/* Visit the plain words of the query (bare words, phrase and NEAR words;
 * not negated, not in fields, not wildcards), in query order, for spelling
 * checks. To suggest a correction, the caller rewrites the query text at
 * [w->off, w->off + w->srclen). `cb` returns nonzero to stop (LEC_ESTOP). */
typedef int (*qp_word_cb)(void *ctx, const struct qp_word *w);
lec_status qp_words(const qp_ast *ast, qp_word_cb cb, void *ctx);

/* The Xapian query for `ast` (query-xap.c). Sticky rc (xap.h): does nothing
 * and returns NULL when *rc is not LEC_OK. The result is owned by the caller
 * (xap_query_free). An empty query gives the match-nothing query. With a
 * `db`, wildcards are expanded over its terms (xap_query_wildcard_in: equal
 * weights whatever the sharding); NULL leaves them to Xapian. */
xap_query *qp_to_xapian(const qp_ast *ast, xap_db *db, lec_status *rc);

/* The query for the candidate notes of `ast` (the index holds one document
 * per note): the same, except that negations exclude nothing, since a note
 * holding a negated word may hold passages without it. Every note with a
 * matching passage matches it; the passages are checked by pmatch.h. */
xap_query *qp_to_xapian_notes(const qp_ast *ast, xap_db *db, lec_status *rc);

/* The field names the query language knows ("title", "path"...), for
 * completions: a static array of *n names. */
const char *const *qp_field_names(size_t *n);

#endif
