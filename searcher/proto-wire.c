/* proto-wire.c - the protocol's lines that the client and the daemon both
 * write (proto-wire.h): error replies, a reply or request as one capped line,
 * and find's request. Apart from proto.c's ops, which search the index, so
 * that `lectern find` asking a daemon links no Xapian (cli/engine.h). */
#include "proto-wire.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsondump.h"
#include "query.h"

/* The reply of last resort: no allocation needed to answer. */
json_t *proto_oom(void)
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
	return j ? j : proto_oom();
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
	set_flag(j, "places_only", req->places_only && req->occurrences);
	if (req->sort_by_place)
		json_object_set_new(j, "order", json_string("place"));
	if (index_dir)
		json_object_set_new(j, "index", json_string(index_dir));
	set_flag(j, "stream", stream);
	if (req->no_snippets)
		json_object_set_new(j, "snippets", json_false());
	return j;
}
