/* proto.c - the protocol's framing: a line in, parsed and checked against
 * the op table (each op's arguments, their types and bounds), dispatched to
 * its op (proto-find.c, proto-suggest.c, proto-status.c, proto-reindex.c)
 * or handed back as a job; every answer, error or not, one line out. */
#include "proto.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "limits.h"
#include "log.h"
#include "proto-int.h"
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

typedef json_t *(*op_fn)(struct proto_env *e, const json_t *id, const json_t *rq);

struct proto_op {
	const char *name;
	const struct proto_arg *args;
	int pooled; /* a search: may run in the server's search threads */
	op_fn run;  /* NULL: a job for the server (reindex: proto_reindex_job) */
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
	{ "places_only", ARG_BOOL, 0, 0, 0 },
	{ "order", ARG_STRING, 0, 0, 16 },
	{ "index", ARG_STRING, 0, 0, LEC_MAX_PATH_BYTES },
	{ "stream", ARG_BOOL, 0, 0, 0 },
	{ "snippets", ARG_BOOL, 0, 0, 0 },
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
	[PROTO_OP_PING] = { "ping", no_args, 0, proto_op_ping },
	[PROTO_OP_STATUS] = { "status", no_args, 0, proto_op_status },
	[PROTO_OP_FIND] = { "find", find_args, 1, proto_op_find },
	[PROTO_OP_SUGGEST] = { "suggest", suggest_args, 1, proto_op_suggest },
	[PROTO_OP_REINDEX] = { "reindex", reindex_args, 0, NULL },
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
	lectern_index_close(e->index);
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

/* A query on the latest committed revision: a finished `lectern index` or
 * reindex is seen by the next request (lectern_query_run reopens, a cheap
 * check of the revision when nothing changed). */
lectern_status_t proto_env_query(struct proto_env *e, const char *query,
				 const lectern_query_options_t *o, lectern_results_t **results,
				 struct buf *err)
{
	int was_missing = lectern_index_warnings(e->index) != NULL;
	lectern_status_t st = LECTERN_STATUS_SUCCESS;
	*results = NULL;
	if (!e->index) {
		char *why = NULL;
		st = lectern_index_open(e->index_dir, LECTERN_MODE_READ_ONLY, &e->index, &why);
		if (st)
			buf_puts(err, why ? why : lectern_status_str(st));
		free(why);
	}
	if (!st && (st = lectern_query_run(e->index, query, o, results)))
		buf_puts(err, lectern_index_last_error(e->index));
	/* the log says when a remote shard leaves the searches and comes back */
	const char *w = lectern_index_warnings(e->index);
	if (e->quiet)
		return st;
	if (w && !was_missing)
		log_warn("%s", w);
	else if (!w && was_missing && e->index)
		log_info("every shard of the index answers again");
	return st;
}

/* ---- responses ---------------------------------------------------------- */

/* A reply object {"id":id,"ok":true}; id NULL gives null. */
json_t *proto_reply_ok(const json_t *id)
{
	return json_pack("{s:O, s:b}", "id", id ? (json_t *)id : json_null(), "ok", 1);
}

json_t *proto_str_or_null(const char *s)
{
	json_t *j = s ? json_string(s) : NULL;
	return j ? j : json_null();
}

int proto_flag(const json_t *rq, const char *name)
{
	return json_is_true(json_object_get(rq, name));
}

const char *proto_op_name(enum proto_op_id op)
{
	return ops[op].name;
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

/* ---- dispatch ----------------------------------------------------------- */

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
			r = proto_reindex_job(id, rq, job);
			job->op = op;
			*out = r ? PROTO_REPLY : PROTO_DEFER;
		} else if (e->pooled && ops[op].pooled) {
			job->op = op;
			job->heavy = op == PROTO_OP_FIND && proto_find_heavy(rq);
			job->id = json_incref((json_t *)id);
			job->request = json_incref((json_t *)rq);
			*out = PROTO_DEFER;
		} else {
			r = ops[op].run(e, id, rq);
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
		r = ops[job->op].run(e, job->id, job->request);
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
