/* proto-suggest.c - the suggest op: the most frequent words of the index
 * that complete the typed text's last word, with the count of the text so
 * completed and its "did you mean". */
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "proto-int.h"
#include "shards.h"
#include "tokenize.h"
#include "xap.h"

/* The env's database for term scans, on the latest revision. */
static lec_status env_db(struct proto_env *e, struct buf *err)
{
	if (e->db && xap_db_reopen(e->db) == LEC_OK)
		return LEC_OK;
	xap_db_free(e->db);
	e->db = NULL;
	struct buf why, warnings;
	buf_init(&why, 4096);
	buf_init(&warnings, 4096);
	lec_status st = shards_open_index(e->index_dir, &e->db, &warnings, &why);
	if (st)
		buf_printf(err, "cannot open index %s: %s", e->index_dir,
			   why.len ? why.data : lec_status_str(st));
	buf_release(&why);
	buf_release(&warnings);
	return st;
}

struct completion {
	char *word;
	uint32_t freq;
};

struct complete_ctx {
	struct completion *best; /* the most frequent so far, descending */
	size_t n, max;
	size_t seen;
	lec_status status;
};

static int on_term(void *vctx, const char *term, size_t len, uint32_t freq)
{
	struct complete_ctx *c = vctx;
	if (++c->seen > LEC_MAX_WILDCARD_EXPANSION)
		return 1; /* a one-letter prefix must not scan the whole lexicon */
	size_t at = c->n;
	while (at > 0 && c->best[at - 1].freq < freq)
		at--;
	if (at >= c->max)
		return 0;
	char *w = strndup(term, len);
	if (!w) {
		c->status = LEC_ENOMEM;
		return 1;
	}
	if (c->n == c->max)
		free(c->best[--c->n].word);
	memmove(&c->best[at + 1], &c->best[at], (c->n - at) * sizeof(*c->best));
	c->best[at] = (struct completion){ w, freq };
	c->n++;
	return 0;
}

/* The normalised last word of text and where it starts in text. */
static lec_status last_word(const char *text, size_t len, char **word, size_t *start)
{
	size_t s = len;
	while (s > 0 && text[s - 1] != ' ' && text[s - 1] != '\t')
		s--;
	*start = s;
	size_t wl = 0;
	lec_status st = tok_normalize(text + s, len - s, word, &wl);
	if (st)
		return st;
	char *sp = strrchr(*word, ' ');
	if (sp)
		memmove(*word, sp + 1, strlen(sp + 1) + 1);
	return LEC_OK;
}

static json_t *completions_json(const struct complete_ctx *c, const char *text, size_t start)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < c->n; i++) {
		json_t *o = json_pack("{s:s, s:I, s:s%+}", "word", c->best[i].word, "passages",
				      (json_int_t)c->best[i].freq, "text", text, start,
				      c->best[i].word);
		if (o)
			json_array_append_new(a, o);
	}
	return a;
}

/* "did you mean" and the count for `text` (the typed text with its last
 * word completed), by the one search path. text[len] is its end. */
static void typed_query(struct proto_env *e, const char *text, size_t len, json_t *reply)
{
	lectern_query_options_t o = { .flags = LECTERN_QUERY_COUNT,
				      .time_budget_ms = e->search_ms };
	lectern_results_t *res = NULL;
	struct buf err;
	buf_init(&err, 1024);
	lectern_status_t st = proto_env_query(e, text, &o, &res, &err);
	json_object_set_new(reply, "for", json_stringn(text, len));
	json_object_set_new(reply, "count",
			    json_integer(st ? 0 : (json_int_t)lectern_results_total(res)));
	json_object_set_new(reply, "did_you_mean",
			    proto_str_or_null(st ? NULL : lectern_results_suggestion(res)));
	lectern_results_free(res);
	buf_release(&err);
}

json_t *proto_op_suggest(struct proto_env *e, const json_t *id, const json_t *rq)
{
	const json_t *p = json_object_get(rq, "prefix"), *lim = json_object_get(rq, "limit");
	const char *text = json_string_value(p);
	size_t len = json_string_length(p), start = 0;
	struct completion best[100];
	struct complete_ctx c = { .best = best, .max = lim ? (size_t)json_integer_value(lim) : 10 };
	struct buf err;
	char *word = NULL;
	buf_init(&err, 4096);
	lec_status st = env_db(e, &err);
	if (!st)
		st = last_word(text, len, &word, &start);
	if (!st && *word) {
		st = xap_db_allterms(e->db, word, strlen(word), on_term, &c);
		if (st == LEC_ESTOP)
			st = c.status;
	}
	json_t *r = st ? proto_search_error(id, st, &err) : proto_reply_ok(id);
	if (!st && r) {
		json_t *comp = completions_json(&c, text, start);
		const char *best =
			json_string_value(json_object_get(json_array_get(comp, 0), "text"));
		json_object_set_new(r, "word", json_string(word));
		/* as you type, the half word is not a misspelling: judge the completed text */
		typed_query(e, best ? best : text, best ? strlen(best) : len, r);
		json_object_set_new(r, "completions", comp);
	}
	for (size_t i = 0; i < c.n; i++)
		free(best[i].word);
	free(word);
	buf_release(&err);
	return r;
}
