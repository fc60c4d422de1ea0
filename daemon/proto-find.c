/* proto-find.c - the find op: its answer, written as its hits come; its
 * reply objects (its request, which the client writes too, is in
 * proto-wire.c, apart from Xapian); and which finds are heavy (pool.h's
 * lanes).
 *
 * The search is the library's (lib/lectern.h: lectern_query_run on the
 * env's index): it gives its passages one at a time (on_passage) and each
 * is written as JSON (lectern_passage_json, the CLI's form) at once into
 * the line being made, whose size is checked
 * as it grows: an answer is never held as a tree, and one that passes
 * LEC_MAX_CLIENT_OUTPUT stops its search right there (too_large), instead
 * of after building a gigabyte. With "stream" the answer is several lines:
 * whenever the hits written pass LEC_STREAM_CHUNK_BYTES (or
 * LEC_STREAM_CHUNK_MS went by since the last line), they go to the sink as
 * a line of their own, marked "more" (the sink may wait until the client
 * has read enough: pool.c), and the last line is the reply with the hits
 * left and the totals. The search runs within the env's time budget.
 * docs/protocol.md, "Large answers".
 */
#include <stdlib.h>
#include <string.h>

#include "jsondump.h"
#include "lectern-int.h"
#include "limits.h"
#include "proto-int.h"
#include "vec.h"

/* A passage of a page by place, kept to be sorted at the end. The daemon
 * asks the library for the page in rank order and sorts it here, rather
 * than with LECTERN_QUERY_BY_PLACE: the library makes the whole page
 * before it gives the first passage, and the daemon must stop one whose
 * answer passes LEC_MAX_CLIENT_OUTPUT as it grows (too_large at the hit
 * where it did), not after making a page of a million passages. */
struct kept_hit {
	char *path;
	uint32_t line, col;
	char *json;
};

struct find_run {
	struct proto_env *e;
	const json_t *id;
	const struct proto_sink *sink; /* streaming; NULL: one line */
	int64_t deadline_ms;           /* the time budget's end (0: none) */
	struct buf out;                /* the line being made: its hits so far */
	size_t nhits;                  /* hits in out */
	uint64_t sent;                 /* hits in the lines given to the sink */
	int64_t line_ms;               /* when the last line went */
	int over;                      /* the answer passed LEC_MAX_CLIENT_OUTPUT */
	lec_status sink_st;            /* why the sink refused a line */
	lec_status hit_st;             /* why on_passage stopped the search */
	int sorting;                   /* a page by place */
	struct kept_hit *kept;
	size_t nkept, kcap, kept_bytes;
};

/* Make f->out a whole line: the reply's head before the hits, "]}" and a
 * newline after (no copy of the hits). */
static lec_status close_line(struct find_run *f, const lectern_results_t *res, int more)
{
	static const char open[] = ",\"hits\":[";
	json_t *h = proto_results_head(f->id, f->e->index_dir, res, more);
	char *s = h ? jsondump(h, JSON_COMPACT) : NULL;
	json_decref(h);
	if (!s)
		return LEC_ENOMEM;
	size_t n = strlen(s) - 1; /* without its closing brace */
	buf_insert(&f->out, 0, s, n);
	buf_insert(&f->out, n, open, sizeof(open) - 1);
	buf_puts(&f->out, "]}\n");
	free(s);
	if (f->out.status == LEC_ELIMIT)
		f->over = 1;
	return f->out.status;
}

/* The hits so far to the sink, as a line marked "more". */
static lec_status send_line(struct find_run *f, const lectern_results_t *res)
{
	lec_status st = close_line(f, res, 1);
	if (!st)
		st = f->sink->line(f->sink->ctx, f->out.data, f->out.len, f->deadline_ms);
	f->sent += f->nhits;
	f->nhits = 0;
	f->line_ms = search_now_ms();
	buf_reset(&f->out);
	if (st)
		f->sink_st = st;
	return st;
}

/* Append one hit's JSON (taking s) to the line; a full chunk goes out. */
static lec_status put_hit(struct find_run *f, const lectern_results_t *res, char *s)
{
	if (f->nhits)
		buf_putc(&f->out, ',');
	buf_puts(&f->out, s);
	free(s);
	if (f->out.status == LEC_ELIMIT) {
		f->over = 1;
		return LEC_ESTOP;
	}
	if (f->out.status)
		return f->out.status;
	f->nhits++;
	if (f->sink && (f->out.len >= LEC_STREAM_CHUNK_BYTES ||
			search_now_ms() - f->line_ms >= LEC_STREAM_CHUNK_MS))
		return send_line(f, res);
	return LEC_OK;
}

/* Keep a passage of a page by place (taking s). */
static lec_status keep(struct find_run *f, const lectern_passage_t *p, char *s)
{
	f->kept_bytes += strlen(s) + 1;
	if (f->kept_bytes > LEC_MAX_CLIENT_OUTPUT) {
		free(s);
		f->over = 1;
		return LEC_ESTOP;
	}
	struct kept_hit *v = vec_reserve(f->kept, &f->kcap, f->nkept + 1, sizeof(*v), 16);
	char *path = v ? strdup(lectern_passage_path(p)) : NULL;
	if (!path) {
		free(s);
		return LEC_ENOMEM;
	}
	f->kept = v;
	v[f->nkept++] =
		(struct kept_hit){ path, lectern_passage_line(p), lectern_passage_column(p), s };
	return LEC_OK;
}

/* Each passage as `lectern find --json` writes it, into the line (or kept,
 * for a page by place). */
static lectern_status_t on_passage(void *ctx, const lectern_results_t *res,
				   const lectern_passage_t *p)
{
	struct find_run *f = ctx;
	char *s = NULL;
	if (lectern_passage_json(p, &s) != LECTERN_STATUS_SUCCESS)
		f->hit_st = LEC_ENOMEM;
	else
		f->hit_st = f->sorting ? keep(f, p, s) : put_hit(f, res, s);
	/* find_error tells why from f; the library only has to stop */
	return f->hit_st ? LECTERN_STATUS_INTERNAL : LECTERN_STATUS_SUCCESS;
}

static int cmp_kept(const void *a, const void *b)
{
	const struct kept_hit *x = a, *y = b;
	return search_place_cmp(x->path, x->line, x->col, y->path, y->line, y->col);
}

/* The kept passages of a page by place, sorted, into the line(s). */
static lec_status put_kept(struct find_run *f, const lectern_results_t *res)
{
	lec_status st = LEC_OK;
	if (f->nkept)
		qsort(f->kept, f->nkept, sizeof(*f->kept), cmp_kept);
	for (size_t i = 0; !st && i < f->nkept; i++) {
		st = put_hit(f, res, f->kept[i].json);
		f->kept[i].json = NULL;
	}
	return st;
}

static void release_kept(struct find_run *f)
{
	for (size_t i = 0; i < f->nkept; i++) {
		free(f->kept[i].path);
		free(f->kept[i].json);
	}
	free(f->kept);
}

/* Why the answer stopped, as its last line: st is the library's, unless
 * on_passage stopped the search (f->hit_st). */
static json_t *find_error(const struct find_run *f, lectern_status_t st, const struct buf *err)
{
	if (f->over)
		return proto_error(
			f->id, PROTO_E_TOO_LARGE,
			"the answer passed %u bytes (LEC_MAX_CLIENT_OUTPUT) at hit %llu: "
			"ask for fewer hits (limit), or for \"stream\":true",
			(unsigned)LEC_MAX_CLIENT_OUTPUT,
			(unsigned long long)(f->sent + f->nhits + f->nkept + 1));
	if ((f->hit_st ? f->hit_st == LEC_ETIMEOUT : st == LECTERN_STATUS_TIMEOUT))
		return proto_error(
			f->id, PROTO_E_TIMEOUT,
			"the search ran past its time budget of %u ms (LEC_SEARCH_TIME_MS, "
			"lectern serve --time-budget)%s",
			f->e->search_ms,
			f->sent ? ": the hits sent before are a part of the answer" : "");
	if (f->sink_st == LEC_ESTOP)
		return proto_error(f->id, PROTO_E_INTERNAL, "the client went away");
	if (f->hit_st) {
		struct buf none = { 0 };
		return proto_search_error(f->id, f->hit_st, &none);
	}
	return proto_query_error(f->id, st, err);
}

/* The request's arguments into *query and *o; an error reply when they are
 * wrong. */
static json_t *find_args(struct proto_env *e, const json_t *id, const json_t *rq,
			 const char **query, lectern_query_options_t *o, struct buf *err)
{
	if (proto_find_args(rq, query, o, err))
		return proto_error(id, PROTO_E_BAD_REQUEST, "%s", err->data);
	const char *want = json_string_value(json_object_get(rq, "index"));
	if (want && strcmp(want, e->index_dir))
		return proto_error(id, PROTO_E_WRONG_INDEX, "this daemon serves %s, not %s",
				   e->index_dir, want);
	return NULL;
}

static lectern_status_t search(struct find_run *f, const char *query, lectern_query_options_t *o,
			       struct buf *err)
{
	lectern_results_t *res = NULL;
	o->on_passage = on_passage;
	o->on_passage_context = f;
	o->time_budget_ms = f->e->search_ms;
	lectern_status_t st = proto_env_query(f->e, query, o, &res, err);
	if (!st && f->sorting)
		f->hit_st = put_kept(f, res);
	if (!st && !f->hit_st)
		f->hit_st = close_line(f, res, 0);
	if (!st && f->hit_st)
		st = LECTERN_STATUS_INTERNAL;
	lectern_results_free(res);
	return st;
}

lec_status proto_find_run(struct proto_env *e, const json_t *id, const json_t *rq,
			  const struct proto_sink *sink, struct buf *line, int *failed)
{
	const char *query = NULL;
	lectern_query_options_t o;
	struct find_run f = { .e = e, .id = id };
	struct buf err;
	buf_init(&err, 4096);
	buf_init(&f.out, LEC_MAX_CLIENT_OUTPUT);
	json_t *bad = find_args(e, id, rq, &query, &o, &err);
	if (!bad) {
		f.sink = json_is_true(json_object_get(rq, "stream")) ? sink : NULL;
		/* every passage by place comes in place order (and a page of
		 * occurrences); any other page in rank order, sorted by kept_hit */
		f.sorting = (o.flags & LECTERN_QUERY_BY_PLACE) &&
			    !(o.flags & (LECTERN_QUERY_ALL | LECTERN_QUERY_OCCURRENCES));
		if (f.sorting)
			o.flags &= ~(unsigned)LECTERN_QUERY_BY_PLACE;
		f.line_ms = search_now_ms();
		f.deadline_ms = e->search_ms ? f.line_ms + e->search_ms : 0;
		lectern_status_t st = search(&f, query, &o, &err);
		if (st)
			bad = find_error(&f, st, &err);
	}
	buf_release(line);
	lec_status st = LEC_OK;
	*failed = bad != NULL;
	if (bad) {
		buf_init(line, LEC_MAX_CLIENT_OUTPUT * 2);
		st = proto_dump_line(bad, LEC_MAX_CLIENT_OUTPUT, line);
		json_decref(bad);
	} else {
		*line = f.out; /* the line is made where the hits were written */
		buf_init(&f.out, 0);
	}
	release_kept(&f);
	buf_release(&f.out);
	buf_release(&err);
	return st;
}

/* ---- the request and the reply, shared with the client ----------------- */

lec_status proto_find_args(const json_t *rq, const char **query, lectern_query_options_t *o,
			   struct buf *err)
{
	const json_t *q = json_object_get(rq, "query"), *v;
	*o = (lectern_query_options_t){ 0 };
	*query = NULL;
	if (!json_is_string(q)) {
		buf_puts(err, "'find' needs 'query'");
		return LEC_EINVAL;
	}
	/* a JSON string holds no NUL here: proto_handle's jansson refuses \u0000 */
	*query = json_string_value(q);
	static const struct {
		const char *name;
		unsigned flag;
	} flags[] = {
		{ "strict", LECTERN_QUERY_STRICT },
		{ "phrase", LECTERN_QUERY_PHRASE },
		{ "implicit_phrase", LECTERN_QUERY_IMPLICIT_PHRASE },
		{ "all", LECTERN_QUERY_ALL },
		{ "files", LECTERN_QUERY_FILES },
		{ "count", LECTERN_QUERY_COUNT },
		{ "fix", LECTERN_QUERY_FIX },
		{ "explain", LECTERN_QUERY_EXPLAIN },
		{ "occurrences", LECTERN_QUERY_OCCURRENCES },
		{ "places_only", LECTERN_QUERY_PLACES_ONLY },
	};
	for (size_t i = 0; i < sizeof(flags) / sizeof(*flags); i++)
		if (proto_flag(rq, flags[i].name))
			o->flags |= flags[i].flag;
	if (json_is_false(json_object_get(rq, "snippets")))
		o->flags |= LECTERN_QUERY_NO_SNIPPETS;
	if ((v = json_object_get(rq, "limit")))
		o->limit = (unsigned)json_integer_value(v);
	if ((v = json_object_get(rq, "offset")))
		o->offset = (unsigned)json_integer_value(v);
	if ((v = json_object_get(rq, "context")))
		o->context = (unsigned)json_integer_value(v);
	if ((v = json_object_get(rq, "order"))) {
		const char *ord = json_string_value(v);
		if (!ord || (strcmp(ord, "rank") && strcmp(ord, "place"))) {
			buf_puts(err, "'order' is \"rank\" or \"place\"");
			return LEC_EINVAL;
		}
		if (!strcmp(ord, "place"))
			o->flags |= LECTERN_QUERY_BY_PLACE;
	}
	return LEC_OK;
}

json_t *proto_results_head(const json_t *id, const char *index_dir, const lectern_results_t *res,
			   int more)
{
	const char *fallback_query = lectern_results_fallback_query(res);
	int fallback = lectern_results_fallback(res);
	json_t *j = proto_reply_ok(id);
	int failed = !j || json_object_set_new(j, "index", proto_str_or_null(index_dir));
	if (!failed && more)
		failed = json_object_set_new(j, "more", json_true());
	if (!failed && !more)
		failed =
			json_object_set_new(j, "total",
					    json_integer((json_int_t)lectern_results_total(res))) ||
			json_object_set_new(j, "total_exact",
					    json_boolean(lectern_results_total_exact(res)));
	if (!failed)
		/* "fallback": the CLI's name for it (docs/lectern-output.schema.json);
		 * "relaxed" stays for the clients of protocol 1 */
		failed =
			json_object_set_new(j, "relaxed", json_boolean(fallback)) ||
			json_object_set_new(j, "fallback", json_boolean(fallback)) ||
			json_object_set_new(j, "relaxed_query",
					    proto_str_or_null(fallback_query)) ||
			json_object_set_new(j, "suggestion",
					    proto_str_or_null(lectern_results_suggestion(res))) ||
			json_object_set_new(j, "fixed", json_boolean(lectern_results_fixed(res))) ||
			json_object_set_new(j, "explain",
					    proto_str_or_null(lectern_results_explain(res))) ||
			json_object_set_new(j, "warnings",
					    lec_warnings_json(lectern_results_warnings(res)));
	if (failed) {
		json_decref(j);
		return NULL;
	}
	return j;
}

json_t *proto_find_reply(const json_t *id, const char *index_dir, const struct search_result *res)
{
	lectern_results_t view = lec_results_view(res);
	json_t *hits = json_array(), *j = proto_results_head(id, index_dir, &view, 0);
	int failed = !hits || !j;
	for (const lectern_passage_t *p; !failed && (p = lectern_results_next(&view));) {
		json_t *h = lec_passage_json(p, NULL);
		failed = !h || json_array_append_new(hits, h);
	}
	if (!failed)
		failed = json_object_set(j, "hits", hits);
	json_decref(hits);
	if (failed) {
		json_decref(j);
		return NULL;
	}
	return j;
}

json_t *proto_search_error(const json_t *id, lec_status st, const struct buf *err)
{
	return proto_query_error(id, lec_public_status(st), err);
}

json_t *proto_query_error(const json_t *id, lectern_status_t st, const struct buf *err)
{
	const char *code = st == LECTERN_STATUS_SYNTAX || st == LECTERN_STATUS_LIMIT ?
				   PROTO_E_BAD_QUERY :
			   st == LECTERN_STATUS_TIMEOUT       ? PROTO_E_TIMEOUT :
			   st == LECTERN_STATUS_OUT_OF_MEMORY ? PROTO_E_INTERNAL :
								PROTO_E_INDEX;
	return proto_error(id, code, "%s", err->len ? err->data : lectern_status_str(st));
}

/* find for proto_handle (an env without search threads: the answer is one
 * line, made as proto_find_run makes it, read back). */
json_t *proto_op_find(struct proto_env *e, const json_t *id, const json_t *rq)
{
	struct buf line;
	int failed;
	buf_init(&line, 0);
	lec_status st = proto_find_run(e, id, rq, NULL, &line, &failed);
	json_t *r = st ? NULL : json_loadb(line.data, line.len, 0, NULL);
	buf_release(&line);
	return r ? r : proto_error(id, PROTO_E_INTERNAL, "out of memory");
}

/* A find that may take long or answer much: every passage, a count (every
 * candidate note), or more than LEC_LIGHT_HITS hits. The search threads
 * keep one of theirs for the others (pool.h). */
int proto_find_heavy(const json_t *rq)
{
	const json_t *lim = json_object_get(rq, "limit"), *off = json_object_get(rq, "offset");
	const char *order = json_string_value(json_object_get(rq, "order"));
	json_int_t want =
		(lim ? json_integer_value(lim) : 10) + (off ? json_integer_value(off) : 0);
	return (proto_flag(rq, "all") || proto_flag(rq, "count") || want > LEC_LIGHT_HITS ||
		(proto_flag(rq, "occurrences") && order && !strcmp(order, "place")));
}
