/* proto-status.c - the ping and status ops: the protocol and version, and
 * for status the index's facts (idx_info) and the daemon's counters. */
#include <time.h>
#include <unistd.h>

#include "proto-int.h"

static json_t *version_reply(const struct proto_env *e, const json_t *id)
{
	return json_pack("{s:O, s:b, s:i, s:s, s:s}", "id", id ? (json_t *)id : json_null(), "ok",
			 1, "protocol", PROTO_VERSION, "version", LECTERN_VERSION, "index",
			 e->index_dir);
}

json_t *proto_op_ping(struct proto_env *e, const json_t *id, const json_t *rq)
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
		json_object_set_new(o, proto_op_name((enum proto_op_id)i),
				    json_integer((json_int_t)e->op_count[i]));
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
		json_array_append_new(roots, proto_str_or_null(in->roots[i]));
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
	json_object_set_new(r, "format", proto_str_or_null(in->format));
	return r;
}

json_t *proto_op_status(struct proto_env *e, const json_t *id, const json_t *rq)
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
