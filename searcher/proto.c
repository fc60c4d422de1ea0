/* proto.c - JSON-lines requests: validation, the op table, responses. */
#include "jsondump.h"
#include "proto.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "emit.h"
#include "limits.h"
#include "log.h"
#include "proto-int.h"
#include "query.h"
#include "shards.h"
#include "tokenize.h"
#include "xap.h"

/* ---- the op table ------------------------------------------------------- */

enum arg_type {
	ARG_STRING,
	ARG_UINT,
	ARG_BOOL,
	ARG_STRINGS
};

struct proto_arg {
	const char *name;
	enum arg_type type;
	int required;
	json_int_t min, max; /* ARG_UINT bounds; ARG_STRING/ARG_STRINGS: max bytes each */
};

struct proto_op {
	const char *name;
	const struct proto_arg *args;
	int pooled; /* a search: may run in the server's search threads */
};

#define ARG_END                         \
	{                               \
		NULL, ARG_BOOL, 0, 0, 0 \
	}

static const struct proto_arg no_args[] = { ARG_END };

/* The options of `lectern find`, with its bounds. */
static const struct proto_arg find_args[] = {
	{ "query", ARG_STRING, 1, 0, LEC_MAX_QUERY_BYTES },
	{ "limit", ARG_UINT, 0, 1, 1000000 },
	{ "offset", ARG_UINT, 0, 0, 100000000 },
	{ "all", ARG_BOOL, 0, 0, 0 },
	{ "files", ARG_BOOL, 0, 0, 0 },
	{ "count", ARG_BOOL, 0, 0, 0 },
	{ "context", ARG_UINT, 0, 0, LEC_MAX_CONTEXT_LINES },
	{ "phrase", ARG_BOOL, 0, 0, 0 },
	{ "implicit_phrase", ARG_BOOL, 0, 0, 0 },
	{ "strict", ARG_BOOL, 0, 0, 0 },
	{ "fix", ARG_BOOL, 0, 0, 0 },
	{ "explain", ARG_BOOL, 0, 0, 0 },
	{ "occurrences", ARG_BOOL, 0, 0, 0 },
	{ "order", ARG_STRING, 0, 0, 16 },
	{ "index", ARG_STRING, 0, 0, LEC_MAX_PATH_BYTES },
	{ "stream", ARG_BOOL, 0, 0, 0 },
	ARG_END,
};

static const struct proto_arg suggest_args[] = {
	{ "prefix", ARG_STRING, 1, 0, LEC_MAX_QUERY_BYTES },
	{ "limit", ARG_UINT, 0, 1, 100 },
	ARG_END,
};

static const struct proto_arg reindex_args[] = {
	{ "paths", ARG_STRINGS, 0, 0, LEC_MAX_PATH_BYTES },
	ARG_END,
};

static const struct proto_op ops[PROTO_NOPS] = {
	[PROTO_OP_PING] = { "ping", no_args, 0 },
	[PROTO_OP_STATUS] = { "status", no_args, 0 },
	[PROTO_OP_FIND] = { "find", find_args, 1 },
	[PROTO_OP_SUGGEST] = { "suggest", suggest_args, 1 },
	[PROTO_OP_REINDEX] = { "reindex", reindex_args, 0 },
};

/* ---- environment -------------------------------------------------------- */

lec_status proto_env_init(struct proto_env *e, const char *index_dir)
{
	memset(e, 0, sizeof(*e));
	e->started = time(NULL);
	e->search_ms = LEC_SEARCH_TIME_MS;
	e->index_dir = strdup(index_dir);
	return e->index_dir ? LEC_OK : LEC_ENOMEM;
}

void proto_env_release(struct proto_env *e)
{
	searcher_free(e->searcher);
	xap_db_free(e->db);
	free(e->index_dir);
	memset(e, 0, sizeof(*e));
}

void proto_job_release(struct proto_job *j)
{
	json_decref(j->id);
	json_decref(j->request);
	for (size_t i = 0; i < j->npaths; i++)
		free(j->paths[i]);
	free(j->paths);
	memset(j, 0, sizeof(*j));
}

/* The searcher on the latest committed revision: a finished `lectern index`
 * or reindex is seen by the next request. Reopening is a cheap check of the
 * revision when nothing changed. */
lec_status proto_env_searcher(struct proto_env *e, struct buf *err)
{
	const char *w = e->searcher ? searcher_warnings(e->searcher) : NULL;
	int was_missing = w != NULL;
	lec_status st = LEC_OK;
	if (!e->searcher || searcher_reopen(e->searcher) != LEC_OK) {
		searcher_free(e->searcher);
		e->searcher = NULL;
		st = searcher_open(e->index_dir, &e->searcher, err);
	}
	/* the log says when a remote shard leaves the searches and comes back */
	w = e->searcher ? searcher_warnings(e->searcher) : NULL;
	if (e->quiet)
		return st;
	if (w && !was_missing)
		log_warn("%s", w);
	else if (!w && was_missing && e->searcher)
		log_info("every shard of the index answers again");
	return st;
}

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

/* ---- responses ---------------------------------------------------------- */

/* A reply object {"id":id,"ok":true}; id NULL gives null. */
static json_t *reply_ok(const json_t *id)
{
	return json_pack("{s:O, s:b}", "id", id ? (json_t *)id : json_null(), "ok", 1);
}

/* The reply of last resort: no allocation needed to answer. */
static json_t *static_oom(void)
{
	static const char text[] =
		"{\"id\":null,\"ok\":false,\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}";
	json_t *j = json_loads(text, 0, NULL);
	return j ? j : json_null();
}

json_t *proto_error(const json_t *id, const char *code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_t *j = json_pack("{s:O, s:b, s:{s:s, s:s?}}", "id", id ? (json_t *)id : json_null(),
			      "ok", 0, "error", "code", code, "message", msg);
	if (!j) {
		/* the message may not be UTF-8 (a path): say so without it */
		j = json_pack("{s:O, s:b, s:{s:s, s:s}}", "id", id ? (json_t *)id : json_null(),
			      "ok", 0, "error", "code", code, "message", "(message not UTF-8)");
	}
	return j ? j : static_oom();
}

lec_status proto_dump_line(const json_t *reply, size_t max, struct buf *out)
{
	char *s = jsondump(reply, JSON_COMPACT);
	if (s && strlen(s) > max) {
		size_t n = strlen(s);
		free(s);
		json_t *e = proto_error(json_object_get(reply, "id"), PROTO_E_TOO_LARGE,
					"the response is %zu bytes, over the limit of %zu "
					"(LEC_MAX_CLIENT_OUTPUT): ask for fewer hits",
					n, max);
		s = jsondump(e, JSON_COMPACT);
		json_decref(e);
	}
	if (!s)
		return LEC_ENOMEM;
	buf_puts(out, s);
	buf_putc(out, '\n');
	free(s);
	return out->status;
}

/* ---- validation --------------------------------------------------------- */

static const char *type_name(enum arg_type t)
{
	static const char *const names[] = { "a string", "a non-negative integer", "a boolean",
					     "an array of strings" };
	return names[t];
}

static int arg_ok(const struct proto_arg *a, const json_t *v, struct buf *err)
{
	switch (a->type) {
	case ARG_BOOL:
		if (json_is_boolean(v))
			return 1;
		break;
	case ARG_UINT:
		if (!json_is_integer(v))
			break;
		if (json_integer_value(v) < a->min || json_integer_value(v) > a->max) {
			buf_printf(err, "'%s' must be between %lld and %lld", a->name,
				   (long long)a->min, (long long)a->max);
			return 0;
		}
		return 1;
	case ARG_STRING:
		if (!json_is_string(v))
			break;
		if (json_string_length(v) > (size_t)a->max) {
			buf_printf(err, "'%s' is longer than %lld bytes", a->name,
				   (long long)a->max);
			return 0;
		}
		return 1;
	case ARG_STRINGS: {
		size_t i;
		json_t *s;
		if (!json_is_array(v))
			break;
		json_array_foreach(v, i, s)
		{
			if (!json_is_string(s) || json_string_length(s) > (size_t)a->max) {
				buf_printf(err, "'%s' must hold strings of at most %lld bytes",
					   a->name, (long long)a->max);
				return 0;
			}
		}
		return 1;
	}
	}
	buf_printf(err, "'%s' must be %s", a->name, type_name(a->type));
	return 0;
}

static const struct proto_arg *find_arg(const struct proto_arg *args, const char *name)
{
	for (; args->name; args++)
		if (!strcmp(args->name, name))
			return args;
	return NULL;
}

/* Every member known and well typed, every required one present. */
static int args_ok(const struct proto_op *op, const json_t *rq, struct buf *err)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)rq, key, v)
	{
		if (!strcmp(key, "id") || !strcmp(key, "op"))
			continue;
		const struct proto_arg *a = find_arg(op->args, key);
		if (!a) {
			buf_printf(err, "'%s' takes no argument '%s'", op->name, key);
			return 0;
		}
		if (!arg_ok(a, v, err))
			return 0;
	}
	for (const struct proto_arg *a = op->args; a->name; a++) {
		if (a->required && !json_object_get(rq, a->name)) {
			buf_printf(err, "'%s' needs '%s'", op->name, a->name);
			return 0;
		}
	}
	return 1;
}

int proto_validate(const json_t *rq, enum proto_op_id *op, const char **code, struct buf *err)
{
	*code = PROTO_E_BAD_REQUEST;
	if (!json_is_object(rq)) {
		buf_puts(err, "a request is a JSON object with \"id\" and \"op\"");
		return -1;
	}
	const json_t *id = json_object_get(rq, "id"), *name = json_object_get(rq, "op");
	if (!id || !(json_is_number(id) || json_is_string(id) || json_is_null(id))) {
		buf_puts(err, "a request needs an \"id\": a number, a string or null");
		return -1;
	}
	if (!json_is_string(name)) {
		buf_puts(err, "a request needs an \"op\": a string");
		return -1;
	}
	for (int i = 0; i < PROTO_NOPS; i++) {
		if (!strcmp(ops[i].name, json_string_value(name))) {
			*op = (enum proto_op_id)i;
			if (args_ok(&ops[i], rq, err))
				return 0;
			/* a query string over its limit is a query problem */
			const json_t *q = json_object_get(rq, "query");
			if (json_is_string(q) && json_string_length(q) > LEC_MAX_QUERY_BYTES)
				*code = PROTO_E_BAD_QUERY;
			return -1;
		}
	}
	*code = PROTO_E_UNKNOWN_OP;
	buf_printf(err, "unknown op '%s' (ping, status, find, suggest, reindex)",
		   json_string_value(name));
	return -1;
}

/* ---- find --------------------------------------------------------------- */

static int flag(const json_t *rq, const char *name)
{
	return json_is_true(json_object_get(rq, name));
}

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
	req->qflags = (flag(rq, "strict") ? QP_STRICT : 0) |
		      (flag(rq, "phrase") ? QP_WHOLE_PHRASE : 0) |
		      (flag(rq, "implicit_phrase") ? QP_IMPLICIT_PHRASE : 0);
	if ((v = json_object_get(rq, "limit")))
		req->limit = (uint32_t)json_integer_value(v);
	if ((v = json_object_get(rq, "offset")))
		req->offset = (uint32_t)json_integer_value(v);
	if ((v = json_object_get(rq, "context")))
		req->context = (uint32_t)json_integer_value(v);
	req->all = flag(rq, "all");
	req->files = flag(rq, "files");
	req->count_only = flag(rq, "count");
	req->fix = flag(rq, "fix");
	req->explain = flag(rq, "explain");
	req->occurrences = flag(rq, "occurrences");
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

/* Set name only when the flag is on: requests stay short. */
static void set_flag(json_t *j, const char *name, int on)
{
	if (on)
		json_object_set_new(j, name, json_true());
}

json_t *proto_find_request(json_int_t id, const struct search_req *req, const char *index_dir,
			   int stream)
{
	json_t *j = json_pack("{s:I, s:s, s:s%, s:I}", "id", id, "op", "find", "query", req->query,
			      req->query_len, "limit", (json_int_t)req->limit);
	if (!j)
		return NULL;
	if (req->offset)
		json_object_set_new(j, "offset", json_integer(req->offset));
	if (req->context)
		json_object_set_new(j, "context", json_integer(req->context));
	set_flag(j, "all", req->all);
	set_flag(j, "files", req->files);
	set_flag(j, "count", req->count_only);
	set_flag(j, "phrase", req->qflags & QP_WHOLE_PHRASE);
	set_flag(j, "implicit_phrase", req->qflags & QP_IMPLICIT_PHRASE);
	set_flag(j, "strict", req->qflags & QP_STRICT);
	set_flag(j, "fix", req->fix);
	set_flag(j, "explain", req->explain);
	set_flag(j, "occurrences", req->occurrences);
	if (req->sort_by_place)
		json_object_set_new(j, "order", json_string("place"));
	if (index_dir)
		json_object_set_new(j, "index", json_string(index_dir));
	set_flag(j, "stream", stream);
	return j;
}

static json_t *str_or_null(const char *s)
{
	json_t *j = s ? json_string(s) : NULL;
	return j ? j : json_null();
}

json_t *proto_find_head(const json_t *id, const char *index_dir, const struct search_result *res,
			int more)
{
	json_t *j = reply_ok(id);
	int failed = !j || json_object_set_new(j, "index", str_or_null(index_dir));
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
			 json_object_set_new(j, "relaxed_query", str_or_null(res->relaxed_query)) ||
			 json_object_set_new(j, "suggestion", str_or_null(res->suggestion)) ||
			 json_object_set_new(j, "fixed", json_boolean(res->fixed)) ||
			 json_object_set_new(j, "explain", str_or_null(res->explain)) ||
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
static json_t *op_find(struct proto_env *e, const json_t *id, const json_t *rq)
{
	struct buf line;
	int failed;
	buf_init(&line, 0);
	lec_status st = proto_find_run(e, id, rq, NULL, &line, &failed);
	json_t *r = st ? NULL : json_loadb(line.data, line.len, 0, NULL);
	buf_release(&line);
	return r ? r : proto_error(id, PROTO_E_INTERNAL, "out of memory");
}

/* ---- suggest ------------------------------------------------------------ */

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
 * word completed), by the one search path. */
static void typed_query(struct proto_env *e, const char *text, size_t len, json_t *reply)
{
	struct search_req req;
	struct search_result res;
	struct buf err;
	search_req_init(&req);
	req.query = text;
	req.query_len = len;
	req.count_only = 1;
	req.deadline_ms = e->search_ms ? search_now_ms() + e->search_ms : 0;
	buf_init(&err, 1024);
	lec_status st = search_run(e->searcher, &req, &res, &err);
	json_object_set_new(reply, "for", json_stringn(text, len));
	json_object_set_new(reply, "count", json_integer(st ? 0 : (json_int_t)res.total));
	json_object_set_new(reply, "did_you_mean", str_or_null(st ? NULL : res.suggestion));
	search_result_release(&res);
	buf_release(&err);
}

static json_t *op_suggest(struct proto_env *e, const json_t *id, const json_t *rq)
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
		st = proto_env_searcher(e, &err);
	if (!st)
		st = last_word(text, len, &word, &start);
	if (!st && *word) {
		st = xap_db_allterms(e->db, word, strlen(word), on_term, &c);
		if (st == LEC_ESTOP)
			st = c.status;
	}
	json_t *r = st ? proto_search_error(id, st, &err) : reply_ok(id);
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

/* ---- status and ping ---------------------------------------------------- */

static json_t *version_reply(const struct proto_env *e, const json_t *id)
{
	return json_pack("{s:O, s:b, s:i, s:s, s:s}", "id", id ? (json_t *)id : json_null(), "ok",
			 1, "protocol", PROTO_VERSION, "version", LECTERN_VERSION, "index",
			 e->index_dir);
}

static json_t *op_ping(struct proto_env *e, const json_t *id, const json_t *rq)
{
	(void)rq;
	json_t *r = version_reply(e, id);
	if (r)
		json_object_set_new(r, "pong", json_true());
	return r;
}

static json_t *daemon_json(const struct proto_env *e)
{
	json_t *o = json_object();
	for (int i = 0; o && i < PROTO_NOPS; i++)
		json_object_set_new(o, ops[i].name, json_integer((json_int_t)e->op_count[i]));
	return json_pack("{s:I, s:I, s:I, s:I, s:o, s:i, s:i, s:i, s:b, s:b, s:I}", "pid",
			 (json_int_t)getpid(), "uptime_sec", (json_int_t)(time(NULL) - e->started),
			 "requests", (json_int_t)e->requests, "errors", (json_int_t)e->errors,
			 "ops", o ? o : json_null(), "clients", (int)e->clients, "search_threads",
			 (int)e->search_threads, "searches", (int)e->searches, "watching",
			 e->watching, "reindexing", e->reindexing, "reindexes",
			 (json_int_t)e->reindexes);
}

static json_t *info_json(const struct idx_info *in, json_t *r)
{
	json_t *roots = json_array();
	for (size_t i = 0; roots && i < in->nroots; i++)
		json_array_append_new(roots, str_or_null(in->roots[i]));
	char when[40] = "";
	if (in->last_indexed) {
		time_t t = (time_t)in->last_indexed;
		struct tm tm;
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	}
	json_object_set_new(r, "roots", roots ? roots : json_null());
	json_object_set_new(r, "notes", json_integer((json_int_t)in->notes));
	json_object_set_new(r, "passages", json_integer((json_int_t)in->passages));
	json_object_set_new(r, "bytes_on_disk", json_integer((json_int_t)in->bytes_on_disk));
	json_object_set_new(r, "note_bytes", json_integer((json_int_t)in->note_bytes));
	json_object_set_new(r, "last_indexed", *when ? json_string(when) : json_null());
	json_object_set_new(r, "format", str_or_null(in->format));
	return r;
}

static json_t *op_status(struct proto_env *e, const json_t *id, const json_t *rq)
{
	(void)rq;
	struct idx_info info = { 0 };
	struct buf err;
	buf_init(&err, 4096);
	lec_status st = idx_info_read(e->index_dir, &info, &err);
	json_t *r = st ? proto_search_error(id, st, &err) : version_reply(e, id);
	if (!st && r) {
		info_json(&info, r);
		json_object_set_new(r, "daemon", daemon_json(e));
	}
	idx_info_release(&info);
	buf_release(&err);
	return r;
}

/* ---- reindex ------------------------------------------------------------ */

static json_t *make_job(const json_t *id, const json_t *rq, struct proto_job *job)
{
	const json_t *paths = json_object_get(rq, "paths"), *p;
	size_t i;
	memset(job, 0, sizeof(*job));
	json_array_foreach(paths, i, p)
	{
		if (json_string_value(p)[0] != '/')
			return proto_error(id, PROTO_E_BAD_REQUEST,
					   "reindex paths must be absolute: '%s'",
					   json_string_value(p));
	}
	size_t n = json_array_size(paths);
	job->paths = n ? calloc(n, sizeof(char *)) : NULL;
	if (n && !job->paths)
		return proto_error(id, PROTO_E_INTERNAL, "out of memory");
	json_array_foreach(paths, i, p)
	{
		if (!(job->paths[job->npaths++] = strdup(json_string_value(p)))) {
			proto_job_release(job);
			return proto_error(id, PROTO_E_INTERNAL, "out of memory");
		}
	}
	job->id = json_incref((json_t *)id);
	return NULL;
}

static json_t *stats_json(const struct idx_stats *s)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:I}", "files",
			 (json_int_t)s->files, "added", (json_int_t)s->added, "updated",
			 (json_int_t)s->updated, "removed", (json_int_t)s->removed, "unchanged",
			 (json_int_t)s->unchanged, "touched", (json_int_t)s->touched, "skipped",
			 (json_int_t)s->skipped, "warnings", (json_int_t)s->warnings, "passages",
			 (json_int_t)s->passages, "interrupted", s->interrupted, "ms",
			 (json_int_t)(s->seconds * 1000 + 0.5));
}

json_t *proto_reindex_reply(const json_t *id, lec_status st, const struct idx_stats *s,
			    const char *msg)
{
	if (st) {
		const char *code = st == LEC_ENOTFOUND ? PROTO_E_NOT_FOUND :
				   st == LEC_ELOCKED   ? PROTO_E_LOCKED :
							 PROTO_E_INDEX;
		return proto_error(id, code, "%s", msg && *msg ? msg : lec_status_str(st));
	}
	json_t *r = reply_ok(id);
	if (r)
		json_object_set_new(r, "stats", stats_json(s));
	return r ? r : static_oom();
}

/* ---- dispatch ----------------------------------------------------------- */

typedef json_t *(*op_fn)(struct proto_env *e, const json_t *id, const json_t *rq);

static const op_fn handlers[PROTO_NOPS] = {
	[PROTO_OP_PING] = op_ping,       [PROTO_OP_STATUS] = op_status, [PROTO_OP_FIND] = op_find,
	[PROTO_OP_SUGGEST] = op_suggest, [PROTO_OP_REINDEX] = NULL, /* deferred to the server */
};

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

/* The id for an error reply: the request's when it has a usable one. */
static const json_t *usable_id(const json_t *rq)
{
	const json_t *id = json_is_object(rq) ? json_object_get(rq, "id") : NULL;
	return id && (json_is_number(id) || json_is_string(id)) ? id : NULL;
}

/* A find that may take long or answer much: every passage, a count (every
 * candidate note), or more than LEC_LIGHT_HITS hits. The search threads
 * keep one of theirs for the others (pool.h). */
static int heavy(enum proto_op_id op, const json_t *rq)
{
	const json_t *lim = json_object_get(rq, "limit"), *off = json_object_get(rq, "offset");
	const char *order = json_string_value(json_object_get(rq, "order"));
	json_int_t want =
		(lim ? json_integer_value(lim) : 10) + (off ? json_integer_value(off) : 0);
	return op == PROTO_OP_FIND &&
	       (flag(rq, "all") || flag(rq, "count") || want > LEC_LIGHT_HITS ||
		(flag(rq, "occurrences") && order && !strcmp(order, "place")));
}

static json_t *dispatch(struct proto_env *e, const json_t *rq, struct proto_job *job,
			enum proto_outcome *out)
{
	enum proto_op_id op;
	const char *code;
	struct buf err;
	buf_init(&err, 1024);
	int bad = proto_validate(rq, &op, &code, &err);
	json_t *r = NULL;
	if (bad) {
		r = proto_error(usable_id(rq), code, "%s", err.data ? err.data : code);
	} else {
		const json_t *id = json_object_get(rq, "id");
		e->op_count[op]++;
		if (op == PROTO_OP_REINDEX) {
			r = make_job(id, rq, job);
			job->op = op;
			*out = r ? PROTO_REPLY : PROTO_DEFER;
		} else if (e->pooled && ops[op].pooled) {
			job->op = op;
			job->heavy = heavy(op, rq);
			job->id = json_incref((json_t *)id);
			job->request = json_incref((json_t *)rq);
			*out = PROTO_DEFER;
		} else {
			r = handlers[op](e, id, rq);
		}
	}
	buf_release(&err);
	return r;
}

lec_status proto_run(struct proto_env *e, const struct proto_job *job,
		     const struct proto_sink *sink, struct buf *line, int *failed)
{
	if (job->op == PROTO_OP_FIND && job->request)
		return proto_find_run(e, job->id, job->request, sink, line, failed);
	json_t *r = NULL;
	if (job->op < PROTO_NOPS && ops[job->op].pooled && job->request)
		r = handlers[job->op](e, job->id, job->request);
	else
		r = proto_error(job->id, PROTO_E_INTERNAL, "not a search request");
	if (!r)
		r = proto_error(job->id, PROTO_E_INTERNAL, "out of memory");
	*failed = json_is_false(json_object_get(r, "ok"));
	buf_release(line);
	buf_init(line, LEC_MAX_CLIENT_OUTPUT * 2);
	lec_status st = proto_dump_line(r, LEC_MAX_CLIENT_OUTPUT, line);
	json_decref(r);
	return st;
}

enum proto_outcome proto_handle(struct proto_env *e, const char *line, size_t len, json_t **reply,
				struct proto_job *job)
{
	enum proto_outcome out = PROTO_REPLY;
	json_error_t jerr;
	*reply = NULL;
	memset(job, 0, sizeof(*job));
	if (blank(line, len))
		return PROTO_REPLY;
	e->requests++;
	json_t *rq = json_loadb(line, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
	if (!rq)
		*reply = proto_error(NULL, PROTO_E_BAD_JSON, "not JSON: %s (column %d)", jerr.text,
				     jerr.column);
	else
		*reply = dispatch(e, rq, job, &out);
	if (out == PROTO_REPLY && !*reply)
		*reply = proto_error(usable_id(rq), PROTO_E_INTERNAL, "out of memory");
	if (*reply && json_is_false(json_object_get(*reply, "ok")))
		e->errors++;
	json_decref(rq);
	return out;
}
