/* search-spell.c - "did you mean" (search-int.h): the query with each
 * word the index does not hold replaced by Xapian's spelling suggestion.
 * Its own file because it asks the index about the query's words, not
 * about notes: search.c calls it when nothing matched as written.
 */
#include "search-int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "limits.h"

/* The query text with each word absent from the index replaced by Xapian's
 * spelling suggestion. */
struct spell_ctx {
	xap_db *db;
	const char *query;
	struct buf out;
	size_t copied;
	int changed;
};

static int on_query_word(void *vctx, const struct qp_word *w)
{
	struct spell_ctx *c = vctx;
	xap_db *db = c->db;
	char stem_term[LEC_MAX_TERM_BYTES + 2];
	int exists = 0, sexists = 0;
	if (w->len < 3 || w->stem_len + 1 > LEC_MAX_TERM_BYTES)
		return 0;
	snprintf(stem_term, sizeof(stem_term), "%s%s", LEC_PFX_STEM, w->stem);
	if (xap_db_term_exists(db, w->word, w->len, &exists) || exists)
		return 0;
	if (xap_db_term_exists(db, stem_term, strlen(stem_term), &sexists) || sexists)
		return 0;
	char *sugg = NULL;
	if (xap_db_spelling_suggest(db, w->word, w->len, 2, &sugg) == LEC_OK && sugg && *sugg) {
		buf_put(&c->out, c->query + c->copied, w->off - c->copied);
		buf_puts(&c->out, sugg);
		c->copied = w->off + w->srclen;
		c->changed = 1;
	}
	free(sugg);
	return 0;
}

lec_status search_suggest(xap_db *db, const char *query, size_t len, const qp_ast *ast, char **out)
{
	struct spell_ctx c = { .db = db, .query = query };
	*out = NULL;
	buf_init(&c.out, LEC_MAX_QUERY_BYTES * 2);
	lec_status st = qp_words(ast, on_query_word, &c);
	if (st == LEC_ESTOP)
		st = LEC_OK;
	if (!st && c.changed) {
		buf_put(&c.out, query + c.copied, len - c.copied);
		*out = buf_detach(&c.out);
		if (!*out)
			st = LEC_ENOMEM;
	}
	buf_release(&c.out);
	return st;
}
