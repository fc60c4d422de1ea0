/* proto-find.c - the find op: its answer, written as its hits come; its
 * reply objects (its request, which the client writes too, is in
 * proto-wire.c, apart from Xapian); and which finds are heavy (pool.h's
 * lanes).
 *
 * The search gives its hits one at a time (search_req.on_hit) and each is
 * written as JSON at once into the line being made, whose size is checked
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

#include "emit.h"
#include "jsondump.h"
#include "limits.h"
#include "proto-int.h"
#include "query.h"
#include "vec.h"

/* A hit of a page by place, kept to be sorted at the end: the search gives
 * a page in rank order. */
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
	int sorting;                   /* a page by place */
	struct kept_hit *kept;
	size_t nkept, kcap, kept_bytes;
};

/* Make f->out a whole line: the reply's head before the hits, "]}" and a
 * newline after (no copy of the hits). */
static lec_status close_line(struct find_run *f, const struct search_result *res, int more)
{
	static const char open[] = ",\"hits\":[";
	json_t *h = proto_find_head(f->id, f->e->index_dir, res, more);
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
static lec_status send_line(struct find_run *f, const struct search_result *res)
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
static lec_status put_hit(struct find_run *f, const struct search_result *res, char *s)
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

/* Keep a hit of a page by place (taking s and the hit's path). */
static lec_status keep(struct find_run *f, struct search_hit *h, char *s)
{
	f->kept_bytes += strlen(s) + 1;
	if (f->kept_bytes > LEC_MAX_CLIENT_OUTPUT) {
		free(s);
		f->over = 1;
		return LEC_ESTOP;
	}
	struct kept_hit *v = vec_reserve(f->kept, &f->kcap, f->nkept + 1, sizeof(*v), 16);
	if (!v) {
		free(s);
		return LEC_ENOMEM;
	}
	f->kept = v;
	v[f->nkept++] = (struct kept_hit){ h->path, h->line, h->col, s };
	h->path = NULL; /* ours now */
	return LEC_OK;
}

static lec_status on_hit(void *ctx, const struct search_result *res, struct search_hit *h)
{
	struct find_run *f = ctx;
	struct emit_opts eo = { .format = EMIT_JSON, .color = 0, .cwd = NULL };
	json_t *j = emit_hit_json(h, &eo);
	char *s = j ? jsondump(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!s)
		return LEC_ENOMEM;
	return f->sorting ? keep(f, h, s) : put_hit(f, res, s);
}

static int cmp_kept(const void *a, const void *b)
{
	const struct kept_hit *x = a, *y = b;
	return search_place_cmp(x->path, x->line, x->col, y->path, y->line, y->col);
}

/* The kept hits of a page by place, sorted, into the line(s). */
static lec_status put_kept(struct find_run *f, const struct search_result *res)
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

/* Why the answer stopped, as its last line. */
static json_t *find_error(const struct find_run *f, lec_status st, const struct buf *err)
{
	if (f->over)
		return proto_error(
			f->id, PROTO_E_TOO_LARGE,
			"the answer passed %u bytes (LEC_MAX_CLIENT_OUTPUT) at hit %llu: "
			"ask for fewer hits (limit), or for \"stream\":true",
			(unsigned)LEC_MAX_CLIENT_OUTPUT,
			(unsigned long long)(f->sent + f->nhits + f->nkept + 1));
	if (st == LEC_ETIMEOUT)
		return proto_error(
			f->id, PROTO_E_TIMEOUT,
			"the search ran past its time budget of %u ms (LEC_SEARCH_TIME_MS, "
			"lectern serve --time-budget)%s",
			f->e->search_ms,
			f->sent ? ": the hits sent before are a part of the answer" : "");
	if (f->sink_st == LEC_ESTOP)
		return proto_error(f->id, PROTO_E_INTERNAL, "the client went away");
	return proto_search_error(f->id, st, err);
}

/* The request's arguments into req; an error reply when they are wrong. */
static json_t *find_args(struct proto_env *e, const json_t *id, const json_t *rq,
			 struct search_req *req, struct buf *err)
{
	if (proto_find_args(rq, req, err))
		return proto_error(id, PROTO_E_BAD_REQUEST, "%s", err->data);
	const char *want = json_string_value(json_object_get(rq, "index"));
	if (want && strcmp(want, e->index_dir))
		return proto_error(id, PROTO_E_WRONG_INDEX, "this daemon serves %s, not %s",
				   e->index_dir, want);
	return NULL;
}

static lec_status search(struct find_run *f, struct search_req *req, struct search_result *res,
			 struct buf *err)
{
	lec_status st = proto_env_searcher(f->e, err);
	req->on_hit = on_hit;
	req->on_hit_ctx = f;
	req->deadline_ms = f->deadline_ms;
	if (!st)
		st = search_run(f->e->searcher, req, res, err);
	if (!st && f->sorting)
		st = put_kept(f, res);
	if (!st)
		st = close_line(f, res, 0);
	return st;
}

lec_status proto_find_run(struct proto_env *e, const json_t *id, const json_t *rq,
			  const struct proto_sink *sink, struct buf *line, int *failed)
{
	struct search_req req;
	struct search_result res = { 0 };
	struct find_run f = { .e = e, .id = id };
	struct buf err;
	buf_init(&err, 4096);
	buf_init(&f.out, LEC_MAX_CLIENT_OUTPUT);
	json_t *bad = find_args(e, id, rq, &req, &err);
	if (!bad) {
		f.sink = json_is_true(json_object_get(rq, "stream")) ? sink : NULL;
		/* every passage by place comes in place order; a page, in rank order */
		f.sorting = req.sort_by_place && !req.all && !req.occurrences;
		f.line_ms = search_now_ms();
		f.deadline_ms = e->search_ms ? f.line_ms + e->search_ms : 0;
		lec_status st = search(&f, &req, &res, &err);
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
	search_result_release(&res);
	buf_release(&f.out);
	buf_release(&err);
	return st;
}

/* ---- the request and the reply, shared with the client ----------------- */

lec_status proto_find_args(const json_t *rq, struct search_req *req, struct buf *err)
{
	const json_t *q = json_object_get(rq, "query"), *v;
	search_req_init(req);
	if (!json_is_string(q)) {
		buf_puts(err, "'find' needs 'query'");
		return LEC_EINVAL;
	}
	req->query = json_string_value(q);
	req->query_len = json_string_length(q);
	req->qflags = (proto_flag(rq, "strict") ? QP_STRICT : 0) |
		      (proto_flag(rq, "phrase") ? QP_WHOLE_PHRASE : 0) |
		      (proto_flag(rq, "implicit_phrase") ? QP_IMPLICIT_PHRASE : 0);
	if ((v = json_object_get(rq, "limit")))
		req->limit = (uint32_t)json_integer_value(v);
	if ((v = json_object_get(rq, "offset")))
		req->offset = (uint32_t)json_integer_value(v);
	if ((v = json_object_get(rq, "context")))
		req->context = (uint32_t)json_integer_value(v);
	req->all = proto_flag(rq, "all");
	req->files = proto_flag(rq, "files");
	req->count_only = proto_flag(rq, "count");
	req->fix = proto_flag(rq, "fix");
	req->explain = proto_flag(rq, "explain");
	req->occurrences = proto_flag(rq, "occurrences");
	req->places_only = proto_flag(rq, "places_only");
	req->no_snippets = json_is_false(json_object_get(rq, "snippets"));
	if ((v = json_object_get(rq, "order"))) {
		const char *o = json_string_value(v);
		if (!o || (strcmp(o, "rank") && strcmp(o, "place"))) {
			buf_puts(err, "'order' is \"rank\" or \"place\"");
			return LEC_EINVAL;
		}
		req->sort_by_place = !strcmp(o, "place");
	}
	return LEC_OK;
}

json_t *proto_find_head(const json_t *id, const char *index_dir, const struct search_result *res,
			int more)
{
	json_t *j = proto_reply_ok(id);
	int failed = !j || json_object_set_new(j, "index", proto_str_or_null(index_dir));
	if (!failed && more)
		failed = json_object_set_new(j, "more", json_true());
	if (!failed && !more)
		failed = json_object_set_new(j, "total", json_integer((json_int_t)res->total)) ||
			 json_object_set_new(j, "total_exact", json_boolean(res->total_exact));
	if (!failed)
		/* "fallback": the CLI's name for it (docs/lectern-output.schema.json);
		 * "relaxed" stays for the clients of protocol 1 */
		failed = json_object_set_new(j, "relaxed", json_boolean(res->relaxed)) ||
			 json_object_set_new(j, "fallback", json_boolean(res->relaxed)) ||
			 json_object_set_new(j, "relaxed_query",
					     proto_str_or_null(res->relaxed_query)) ||
			 json_object_set_new(j, "suggestion", proto_str_or_null(res->suggestion)) ||
			 json_object_set_new(j, "fixed", json_boolean(res->fixed)) ||
			 json_object_set_new(j, "explain", proto_str_or_null(res->explain)) ||
			 json_object_set_new(j, "warnings", emit_warnings_json(res->warnings));
	if (failed) {
		json_decref(j);
		return NULL;
	}
	return j;
}

json_t *proto_find_reply(const json_t *id, const char *index_dir, const struct search_result *res)
{
	struct emit_opts eo = { .format = EMIT_JSON, .color = 0, .cwd = NULL };
	json_t *hits = json_array(), *j = proto_find_head(id, index_dir, res, 0);
	int failed = !hits || !j;
	for (size_t i = 0; !failed && i < res->nhits; i++) {
		json_t *h = emit_hit_json(&res->hits[i], &eo);
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
	const char *code = st == LEC_ESYNTAX || st == LEC_ELIMIT ? PROTO_E_BAD_QUERY :
			   st == LEC_ETIMEOUT                    ? PROTO_E_TIMEOUT :
			   st == LEC_ENOMEM                      ? PROTO_E_INTERNAL :
								   PROTO_E_INDEX;
	return proto_error(id, code, "%s", err->len ? err->data : lec_status_str(st));
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
