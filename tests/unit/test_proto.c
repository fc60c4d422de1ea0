/* test_proto.c - the daemon's wire format: request validation, the op table,
 * error responses, and the find response's round trip through the client
 * back into a struct search_result (printed identically by `lectern find`'s
 * printer, through lectern.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "emit.h"
#include "lectern-int.h"
#include "limits.h"
#include "proto.h"
#include "proto-int.h"
#include "query.h"

/* ---- helpers ------------------------------------------------------------ */

/* Validate a request given as JSON text; returns the error code or "ok". */
static const char *validate(const char *text, enum proto_op_id *op)
{
	json_t *rq = json_loads(text, JSON_DECODE_ANY, NULL);
	assert_non_null(rq);
	const char *code = NULL;
	enum proto_op_id dummy;
	struct buf err;
	buf_init(&err, 1024);
	int rc = proto_validate(rq, op ? op : &dummy, &code, &err);
	if (rc == 0)
		code = "ok";
	else
		assert_true(err.len > 0); /* every refusal says why */
	buf_release(&err);
	json_decref(rq);
	return code;
}

static struct proto_env env;

static int env_setup(void **state)
{
	(void)state;
	/* an index directory that does not exist: find/status must fail as responses */
	return proto_env_init(&env, "/nonexistent/lectern-test-index") == LEC_OK ? 0 : -1;
}

static int env_teardown(void **state)
{
	(void)state;
	proto_env_release(&env);
	return 0;
}

/* Handle a line that must be answered; returns the reply (caller decrefs). */
static json_t *answer(const char *line)
{
	json_t *reply = NULL;
	struct proto_job job;
	assert_int_equal(proto_handle(&env, line, strlen(line), &reply, &job), PROTO_REPLY);
	assert_non_null(reply);
	assert_null(job.paths);
	return reply;
}

static const char *error_code(const json_t *reply)
{
	return json_string_value(json_object_get(json_object_get(reply, "error"), "code"));
}

/* ---- validation --------------------------------------------------------- */

static void test_validate_shape(void **state)
{
	(void)state;
	assert_string_equal(validate("[1,2]", NULL), PROTO_E_BAD_REQUEST);
	assert_string_equal(validate("\"ping\"", NULL), PROTO_E_BAD_REQUEST);
	assert_string_equal(validate("{\"op\":\"ping\"}", NULL), PROTO_E_BAD_REQUEST);
	assert_string_equal(validate("{\"id\":[1],\"op\":\"ping\"}", NULL), PROTO_E_BAD_REQUEST);
	assert_string_equal(validate("{\"id\":{},\"op\":\"ping\"}", NULL), PROTO_E_BAD_REQUEST);
	assert_string_equal(validate("{\"id\":true,\"op\":\"ping\"}", NULL), PROTO_E_BAD_REQUEST);
	assert_string_equal(validate("{\"id\":1}", NULL), PROTO_E_BAD_REQUEST);
	assert_string_equal(validate("{\"id\":1,\"op\":7}", NULL), PROTO_E_BAD_REQUEST);
	assert_string_equal(validate("{\"id\":1,\"op\":\"PING\"}", NULL), PROTO_E_UNKNOWN_OP);
	assert_string_equal(validate("{\"id\":1,\"op\":\"shutdown\"}", NULL), PROTO_E_UNKNOWN_OP);
}

static void test_validate_ops(void **state)
{
	(void)state;
	enum proto_op_id op;
	assert_string_equal(validate("{\"id\":1,\"op\":\"ping\"}", &op), "ok");
	assert_int_equal(op, PROTO_OP_PING);
	assert_string_equal(validate("{\"id\":\"a\",\"op\":\"status\"}", &op), "ok");
	assert_int_equal(op, PROTO_OP_STATUS);
	assert_string_equal(validate("{\"id\":null,\"op\":\"find\",\"query\":\"x\"}", &op), "ok");
	assert_int_equal(op, PROTO_OP_FIND);
	assert_string_equal(validate("{\"id\":1.5,\"op\":\"suggest\",\"prefix\":\"cl\"}", &op),
			    "ok");
	assert_int_equal(op, PROTO_OP_SUGGEST);
	assert_string_equal(validate("{\"id\":2,\"op\":\"reindex\"}", &op), "ok");
	assert_int_equal(op, PROTO_OP_REINDEX);
	assert_string_equal(
		validate("{\"id\":2,\"op\":\"reindex\",\"paths\":[\"/a\",\"/b\"]}", &op), "ok");
	assert_string_equal(validate("{\"id\":1,\"op\":\"find\",\"query\":\"x\",\"limit\":5,"
				     "\"offset\":0,\"all\":true,\"files\":false,\"count\":false,"
				     "\"context\":2,\"phrase\":false,\"strict\":true,\"fix\":false,"
				     "\"explain\":true,\"occurrences\":true,\"order\":\"place\","
				     "\"implicit_phrase\":true}",
				     &op),
			    "ok");
}

static void test_validate_args(void **state)
{
	(void)state;
	/* required, unknown and mistyped arguments */
	assert_string_equal(validate("{\"id\":1,\"op\":\"find\"}", NULL), PROTO_E_BAD_REQUEST);
	assert_string_equal(validate("{\"id\":1,\"op\":\"suggest\"}", NULL), PROTO_E_BAD_REQUEST);
	assert_string_equal(validate("{\"id\":1,\"op\":\"ping\",\"x\":1}", NULL),
			    PROTO_E_BAD_REQUEST);
	assert_string_equal(validate("{\"id\":1,\"op\":\"find\",\"query\":\"x\",\"limt\":3}", NULL),
			    PROTO_E_BAD_REQUEST);
	assert_string_equal(validate("{\"id\":1,\"op\":\"find\",\"query\":5}", NULL),
			    PROTO_E_BAD_REQUEST);
	assert_string_equal(validate("{\"id\":1,\"op\":\"find\",\"query\":null}", NULL),
			    PROTO_E_BAD_REQUEST);
	assert_string_equal(
		validate("{\"id\":1,\"op\":\"find\",\"query\":\"x\",\"limit\":\"5\"}", NULL),
		PROTO_E_BAD_REQUEST);
	assert_string_equal(
		validate("{\"id\":1,\"op\":\"find\",\"query\":\"x\",\"limit\":2.0}", NULL),
		PROTO_E_BAD_REQUEST);
	assert_string_equal(validate("{\"id\":1,\"op\":\"find\",\"query\":\"x\",\"all\":1}", NULL),
			    PROTO_E_BAD_REQUEST);
	assert_string_equal(validate("{\"id\":1,\"op\":\"reindex\",\"paths\":\"/a\"}", NULL),
			    PROTO_E_BAD_REQUEST);
	assert_string_equal(validate("{\"id\":1,\"op\":\"reindex\",\"paths\":[\"/a\",3]}", NULL),
			    PROTO_E_BAD_REQUEST);
	assert_string_equal(
		validate("{\"id\":1,\"op\":\"find\",\"query\":\"x\",\"stream\":1}", NULL),
		PROTO_E_BAD_REQUEST);
	assert_string_equal(
		validate("{\"id\":1,\"op\":\"find\",\"query\":\"x\",\"stream\":true}", NULL), "ok");
}

static void test_validate_bounds(void **state)
{
	(void)state;
	const char *fmt = "{\"id\":1,\"op\":\"find\",\"query\":\"x\",\"%s\":%s}";
	char line[200];
	struct {
		const char *name, *value, *want;
	} cases[] = {
		{ "limit", "0", PROTO_E_BAD_REQUEST },
		{ "limit", "1", "ok" },
		{ "limit", "1000000", "ok" },
		{ "limit", "1000001", PROTO_E_BAD_REQUEST },
		{ "limit", "-1", PROTO_E_BAD_REQUEST },
		{ "offset", "0", "ok" },
		{ "offset", "-5", PROTO_E_BAD_REQUEST },
		{ "context", "1000", "ok" },
		{ "context", "1001", PROTO_E_BAD_REQUEST },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(line, sizeof(line), fmt, cases[i].name, cases[i].value);
		assert_string_equal(validate(line, NULL), cases[i].want);
	}
	/* a query over LEC_MAX_QUERY_BYTES is refused before any search, as a
	 * query problem (docs/protocol.md: bad_query) */
	size_t n = LEC_MAX_QUERY_BYTES + 1;
	char *big = malloc(n + 64);
	assert_non_null(big);
	int at = sprintf(big, "{\"id\":1,\"op\":\"find\",\"query\":\"");
	memset(big + at, 'a', n);
	strcpy(big + at + n, "\"}");
	assert_string_equal(validate(big, NULL), PROTO_E_BAD_QUERY);
	free(big);
}

/* ---- handling ----------------------------------------------------------- */

static void test_handle_errors_are_replies(void **state)
{
	(void)state;
	json_t *r = answer("{\"id\":7,\"op\":\"find\"");
	assert_string_equal(error_code(r), PROTO_E_BAD_JSON);
	assert_true(json_is_null(json_object_get(r, "id")));
	assert_true(json_is_false(json_object_get(r, "ok")));
	json_decref(r);

	r = answer("{\"id\":1,\"id\":2,\"op\":\"ping\"}");
	assert_string_equal(error_code(r), PROTO_E_BAD_JSON); /* duplicate keys */
	json_decref(r);

	r = answer("{\"id\":\"abc\",\"op\":\"nope\"}");
	assert_string_equal(error_code(r), PROTO_E_UNKNOWN_OP);
	assert_string_equal(json_string_value(json_object_get(r, "id")), "abc");
	json_decref(r);

	r = answer("{\"id\":9,\"op\":\"find\",\"query\":\"cattle\"}");
	assert_string_equal(error_code(r), PROTO_E_INDEX); /* no index there */
	assert_int_equal(json_integer_value(json_object_get(r, "id")), 9);
	json_decref(r);

	r = answer("{\"id\":\"w\",\"op\":\"find\",\"query\":\"x\",\"index\":\"/other\"}");
	assert_string_equal(error_code(r), PROTO_E_WRONG_INDEX); /* before any search */
	json_decref(r);

	r = answer("{\"id\":10,\"op\":\"find\",\"query\":\"x\",\"order\":\"random\"}");
	assert_string_equal(error_code(r), PROTO_E_BAD_REQUEST);
	json_decref(r);

	r = answer("{\"id\":11,\"op\":\"reindex\",\"paths\":[\"relative/dir\"]}");
	assert_string_equal(error_code(r), PROTO_E_BAD_REQUEST);
	json_decref(r);

	r = answer("{\"id\":12,\"op\":\"status\"}");
	assert_string_equal(error_code(r), PROTO_E_INDEX);
	json_decref(r);
}

static void test_handle_ping_and_blank(void **state)
{
	(void)state;
	json_t *reply = (json_t *)1;
	struct proto_job job;
	assert_int_equal(proto_handle(&env, " \t\r", 3, &reply, &job), PROTO_REPLY);
	assert_null(reply); /* blank lines are not requests */

	uint64_t before = env.requests;
	json_t *r = answer("{\"id\":3,\"op\":\"ping\"}");
	assert_true(json_is_true(json_object_get(r, "ok")));
	assert_int_equal(json_integer_value(json_object_get(r, "protocol")), PROTO_VERSION);
	assert_string_equal(json_string_value(json_object_get(r, "index")),
			    "/nonexistent/lectern-test-index");
	assert_string_equal(json_string_value(json_object_get(r, "version")), LECTERN_VERSION);
	assert_int_equal(env.requests, before + 1);
	json_decref(r);
}

static void test_handle_reindex_defers(void **state)
{
	(void)state;
	const char *line = "{\"id\":\"r1\",\"op\":\"reindex\",\"paths\":[\"/n/a\",\"/n/b.md\"]}";
	json_t *reply = NULL;
	struct proto_job job;
	assert_int_equal(proto_handle(&env, line, strlen(line), &reply, &job), PROTO_DEFER);
	assert_null(reply);
	assert_int_equal(job.npaths, 2);
	assert_string_equal(job.paths[0], "/n/a");
	assert_string_equal(job.paths[1], "/n/b.md");
	assert_string_equal(json_string_value(job.id), "r1");

	struct idx_stats st = { .added = 3, .removed = 1, .seconds = 0.25 };
	json_t *ok = proto_reindex_reply(job.id, LEC_OK, &st, NULL);
	assert_string_equal(json_string_value(json_object_get(ok, "id")), "r1");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(ok, "stats"), "added")),
			 3);
	json_decref(ok);
	json_t *bad = proto_reindex_reply(job.id, LEC_ELOCKED, &st, "held by another writer");
	assert_string_equal(error_code(bad), PROTO_E_LOCKED);
	json_decref(bad);
	bad = proto_reindex_reply(job.id, LEC_ENOTFOUND, &st, "/n/a: No such file");
	assert_string_equal(error_code(bad), PROTO_E_NOT_FOUND);
	json_decref(bad);
	proto_job_release(&job);
}

static void test_dump_line_limits(void **state)
{
	(void)state;
	struct buf out;
	buf_init(&out, 0);
	json_t *id = json_integer(42);
	json_t *big = json_pack("{s:O, s:b, s:s}", "id", id, "ok", 1, "pad",
				"0123456789012345678901234567890123456789");
	assert_int_equal(proto_dump_line(big, 1000, &out), LEC_OK);
	assert_int_equal(out.data[out.len - 1], '\n');
	assert_null(memchr(out.data, '\n', out.len - 1)); /* exactly one line */
	buf_reset(&out);
	assert_int_equal(proto_dump_line(big, 20, &out), LEC_OK);
	json_t *back = json_loads(out.data, 0, NULL);
	assert_non_null(back);
	assert_string_equal(error_code(back), PROTO_E_TOO_LARGE);
	assert_int_equal(json_integer_value(json_object_get(back, "id")), 42);
	json_decref(back);
	json_decref(big);
	/* a message that is not UTF-8 still gives an error response */
	json_t *e = proto_error(id, PROTO_E_INDEX, "bad path \xff\xfe");
	assert_string_equal(error_code(e), PROTO_E_INDEX);
	json_decref(e);
	json_decref(id);
	buf_release(&out);
}

/* ---- find: request and response round trips ---------------------------- */

static void test_find_request_round_trip(void **state)
{
	(void)state;
	struct search_req a;
	search_req_init(&a);
	a.query = "cattle \"not pets\"";
	a.query_len = strlen(a.query);
	a.qflags = QP_STRICT | QP_IMPLICIT_PHRASE;
	a.limit = 7;
	a.offset = 3;
	a.context = 2;
	a.all = a.occurrences = a.sort_by_place = a.explain = 1;
	json_t *rq = proto_find_request(5, &a, "/idx", 0);
	assert_non_null(rq);
	enum proto_op_id op;
	const char *code;
	struct buf err;
	buf_init(&err, 256);
	assert_int_equal(proto_validate(rq, &op, &code, &err), 0);
	assert_int_equal(op, PROTO_OP_FIND);
	/* the daemon reads it into the library's options (lectern.h) */
	const char *query;
	lectern_query_options_t b;
	assert_int_equal(proto_find_args(rq, &query, &b, &err), LEC_OK);
	assert_int_equal(strlen(query), a.query_len);
	assert_memory_equal(query, a.query, a.query_len);
	assert_int_equal(b.limit, 7);
	assert_int_equal(b.offset, 3);
	assert_int_equal(b.context, 2);
	assert_int_equal(b.flags, LECTERN_QUERY_STRICT | LECTERN_QUERY_IMPLICIT_PHRASE |
					  LECTERN_QUERY_ALL | LECTERN_QUERY_OCCURRENCES |
					  LECTERN_QUERY_BY_PLACE | LECTERN_QUERY_EXPLAIN);
	assert_int_equal(b.time_budget_ms, 0);
	assert_null(b.on_passage);
	assert_string_equal(json_string_value(json_object_get(rq, "index")), "/idx");
	buf_release(&err);
	json_decref(rq);
}

static char **strv(int n, ...)
{
	va_list ap;
	char **v = calloc((size_t)n, sizeof(char *));
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		v[i] = strdup(va_arg(ap, const char *));
	va_end(ap);
	return v;
}

/* A result with every field set, the way search_run fills one. */
static void sample_result(struct search_result *r)
{
	memset(r, 0, sizeof(*r));
	r->nhits = 2;
	r->hits = calloc(2, sizeof(*r->hits));
	struct search_hit *h = &r->hits[0];
	h->path = strdup("/notes/2019 keynote.md");
	h->line = 12;
	h->col = 5;
	h->headings = strv(2, "Keynote", "Q&A \xe2\x80\x9cquotes\xe2\x80\x9d");
	h->nheadings = 2;
	h->score = 3.3745939911290299; /* needs all 17 digits to come back */
	h->snippet = strdup("\xe2\x80\xa6 they are cattle, not pets.");
	h->nhighlights = 2;
	h->highlights = calloc(2, sizeof(*h->highlights));
	h->highlights[0] = (struct search_range){ 16, 6 };
	h->highlights[1] = (struct search_range){ 28, 4 };
	h->title = strdup("re:Invent 2019");
	h->date = strdup("2019-12-03");
	h->speakers = strv(1, "Werner Vogels");
	h->nspeakers = 1;
	h->nocc = 1;
	h->occ = calloc(1, sizeof(*h->occ));
	h->occ[0] = (struct search_occurrence){ 12, 5, 0, 6, strdup("    cattle\there") };
	h->context = strv(3, "before", "    cattle\there", "after");
	h->ncontext = 3;
	h->ctx_first = 11;
	h = &r->hits[1];
	h->path = strdup("/notes/b.txt");
	h->line = 1;
	h->col = 1;
	h->score = 0.5;
	h->stale = 1;
	h->file_matches = 4;
	r->total = 123;
	r->total_exact = 0;
	r->relaxed = 1;
	r->relaxed_query = strdup("(cattle OR pets)");
	r->suggestion = strdup("cattle pets");
	r->fixed = 1;
	r->explain = strdup("cattle AND pets");
}

static void emit_all(const struct search_result *r, enum emit_format f, struct buf *out)
{
	struct emit_opts eo = { .format = f, .color = f == EMIT_TEXT, .cwd = "/notes" };
	buf_init(out, 0);
	lectern_results_t view = lec_results_view(r);
	if (f == EMIT_COUNT)
		buf_printf(out, "%llu\n", (unsigned long long)lectern_results_total(&view));
	size_t i = 0;
	for (const lectern_passage_t *p; (p = lectern_results_next(&view)); i++)
		emit_hit(out, &view, p, i, &eo);
	emit_summary(out, &view, i);
	assert_int_equal(out->status, LEC_OK);
}

static void test_find_reply_round_trip(void **state)
{
	(void)state;
	struct search_result a, b;
	sample_result(&a);
	json_t *id = json_integer(2);
	json_t *reply = proto_find_reply(id, "/idx", &a);
	assert_non_null(reply);
	/* through the wire's text form, as the client sees it */
	struct buf line;
	buf_init(&line, 0);
	assert_int_equal(proto_dump_line(reply, LEC_MAX_CLIENT_OUTPUT, &line), LEC_OK);
	json_t *parsed = json_loads(line.data, 0, NULL);
	assert_non_null(parsed);
	assert_string_equal(json_string_value(json_object_get(parsed, "index")), "/idx");
	assert_int_equal(client_result_from_json(parsed, &b), LEC_OK);

	assert_int_equal(b.nhits, 2);
	assert_int_equal(b.total, 123);
	assert_int_equal(b.relaxed, 1);
	assert_int_equal(b.fixed, 1);
	assert_string_equal(b.suggestion, "cattle pets");
	assert_string_equal(b.relaxed_query, "(cattle OR pets)");
	assert_string_equal(b.explain, "cattle AND pets");
	assert_true(b.hits[0].score == a.hits[0].score); /* bit for bit */
	assert_int_equal(b.hits[0].nocc, 1);
	assert_string_equal(b.hits[0].occ[0].line_text, "    cattle\there");
	assert_int_equal(b.hits[0].ctx_first, 11);
	assert_int_equal(b.hits[1].stale, 1);
	assert_int_equal(b.hits[1].file_matches, 4);
	assert_null(b.hits[1].snippet);
	assert_null(b.hits[1].title);

	/* what the user sees is the same in every format */
	enum emit_format fmts[] = { EMIT_TEXT, EMIT_VIMGREP, EMIT_JSON, EMIT_FILES, EMIT_COUNT };
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		struct buf x, y;
		emit_all(&a, fmts[i], &x);
		emit_all(&b, fmts[i], &y);
		assert_int_equal(x.len, y.len);
		assert_memory_equal(x.data, y.data, x.len);
		buf_release(&x);
		buf_release(&y);
	}
	search_result_release(&a);
	search_result_release(&b);
	json_decref(parsed);
	json_decref(reply);
	json_decref(id);
	buf_release(&line);
}

/* Heavy finds (every passage, a count, many hits) are marked for the
 * search threads' lanes; the others are not. */
static void test_handle_heavy(void **state)
{
	(void)state;
	struct {
		const char *line;
		int heavy;
	} cases[] = {
		{ "{\"id\":1,\"op\":\"find\",\"query\":\"x\"}", 0 },
		{ "{\"id\":1,\"op\":\"find\",\"query\":\"x\",\"limit\":100}", 0 },
		{ "{\"id\":1,\"op\":\"find\",\"query\":\"x\",\"limit\":101}", 1 },
		{ "{\"id\":1,\"op\":\"find\",\"query\":\"x\",\"offset\":95}", 1 },
		{ "{\"id\":1,\"op\":\"find\",\"query\":\"x\",\"all\":true}", 1 },
		{ "{\"id\":1,\"op\":\"find\",\"query\":\"x\",\"count\":true}", 1 },
		{ "{\"id\":1,\"op\":\"find\",\"query\":\"x\",\"occurrences\":true,"
		  "\"order\":\"place\"}",
		  1 },
		{ "{\"id\":1,\"op\":\"find\",\"query\":\"x\",\"occurrences\":true}", 0 },
		{ "{\"id\":1,\"op\":\"suggest\",\"prefix\":\"x\"}", 0 },
	};
	env.pooled = 1;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *reply = NULL;
		struct proto_job job;
		assert_int_equal(
			proto_handle(&env, cases[i].line, strlen(cases[i].line), &reply, &job),
			PROTO_DEFER);
		if (job.heavy != cases[i].heavy)
			fail_msg("%s: heavy %d", cases[i].line, job.heavy);
		proto_job_release(&job);
	}
	env.pooled = 0;
}

/* A streamed answer's lines before the last say "more" and carry no
 * total; the client takes them. The request asks for it. */
static void test_stream_lines(void **state)
{
	(void)state;
	struct search_result a, b;
	sample_result(&a);
	json_t *id = json_integer(2);
	lectern_results_t view = lec_results_view(&a);
	json_t *head = proto_results_head(id, "/idx", &view, 1);
	assert_true(json_is_true(json_object_get(head, "more")));
	assert_null(json_object_get(head, "total"));
	json_object_set_new(head, "hits", json_array());
	assert_int_equal(client_result_from_json(head, &b), LEC_OK);
	assert_string_equal(b.explain, "cattle AND pets");
	search_result_release(&b);
	json_decref(head);
	head = proto_results_head(id, "/idx", &view, 0);
	assert_null(json_object_get(head, "more"));
	assert_int_equal(json_integer_value(json_object_get(head, "total")), 123);
	json_decref(head);

	struct search_req req;
	search_req_init(&req);
	req.query = "x";
	req.query_len = 1;
	json_t *rq = proto_find_request(5, &req, "/idx", 1);
	assert_true(json_is_true(json_object_get(rq, "stream")));
	json_decref(rq);
	search_result_release(&a);
	json_decref(id);
}

static void test_client_rejects_bad_replies(void **state)
{
	(void)state;
	const char *bad[] = {
		"{\"id\":2,\"ok\":false,\"error\":{\"code\":\"bad_query\",\"message\":\"x\"}}",
		"{\"id\":2,\"ok\":true}",
		"{\"id\":2,\"ok\":true,\"total\":1,\"total_exact\":true,\"relaxed\":false,"
		"\"fixed\":false,\"hits\":[{\"line\":1}]}",
		"{\"id\":2,\"ok\":true,\"total\":-1,\"total_exact\":true,\"relaxed\":false,"
		"\"fixed\":false,\"hits\":[]}",
		"{\"id\":2,\"ok\":true,\"total\":1,\"total_exact\":true,\"relaxed\":false,"
		"\"fixed\":false,\"hits\":[{\"path\":\"/a\",\"line\":1,\"col\":1,\"score\":1,"
		"\"stale\":false,\"highlights\":[[1]]}]}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct search_result r;
		json_t *j = json_loads(bad[i], 0, NULL);
		assert_non_null(j);
		assert_int_not_equal(client_result_from_json(j, &r), LEC_OK);
		assert_int_equal(r.nhits, 0); /* released */
		json_decref(j);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validate_shape),
		cmocka_unit_test(test_validate_ops),
		cmocka_unit_test(test_validate_args),
		cmocka_unit_test(test_validate_bounds),
		cmocka_unit_test(test_handle_errors_are_replies),
		cmocka_unit_test(test_handle_ping_and_blank),
		cmocka_unit_test(test_handle_reindex_defers),
		cmocka_unit_test(test_dump_line_limits),
		cmocka_unit_test(test_find_request_round_trip),
		cmocka_unit_test(test_find_reply_round_trip),
		cmocka_unit_test(test_client_rejects_bad_replies),
		cmocka_unit_test(test_handle_heavy),
		cmocka_unit_test(test_stream_lines),
	};
	return cmocka_run_group_tests(tests, env_setup, env_teardown);
}
