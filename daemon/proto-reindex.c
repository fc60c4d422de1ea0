/* proto-reindex.c - the reindex op: its request becomes a job for the
 * server (which runs it off its loop: server-reindex.c), and its outcome
 * the response. */
#include <string.h>

#include "proto-int.h"
#include "vec.h"

json_t *proto_reindex_job(const json_t *id, const json_t *rq, struct proto_job *job)
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
	json_array_foreach(paths, i, p)
	{
		if (strv_add(&job->paths, &job->npaths, json_string_value(p))) {
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
	json_t *r = proto_reply_ok(id);
	if (r)
		json_object_set_new(r, "stats", stats_json(s));
	return r ? r : proto_oom();
}
