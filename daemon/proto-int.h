/* proto-int.h - what the protocol's files share. Private to them:
 *   proto.c          the framing: a line in, checked against the op table, dispatched
 *   proto-find.c     find: its answer written as its hits come; its request and reply
 *   proto-suggest.c  suggest
 *   proto-status.c   ping and status
 *   proto-reindex.c  reindex: the job for the server, and its response
 */
#ifndef LECTERN_PROTO_INT_H
#define LECTERN_PROTO_INT_H

#include <jansson.h>

#include "buf.h"
#include "proto.h"
#include "search.h"

/* ---- proto.c: helpers of every op ---- */

/* A reply object {"id":id,"ok":true}; id NULL gives null. New reference;
 * NULL when out of memory. */
json_t *proto_reply_ok(const json_t *id);

/* s as a JSON string, or null (s NULL or not UTF-8). New reference. */
json_t *proto_str_or_null(const char *s);

/* Whether rq's member `name` is true. */
int proto_flag(const json_t *rq, const char *name);

/* The op's name in requests ("find"). */
const char *proto_op_name(enum proto_op_id op);

/* lectern_query_run on the env's index (opened read-only on first use; each
 * query is on the latest committed revision), its message in err on
 * failure; the log says when a remote shard leaves the searches and when
 * it comes back (unless e->quiet). *results as lectern_query_run's. */
lectern_status_t proto_env_query(struct proto_env *e, const char *query,
				 const lectern_query_options_t *o, lectern_results_t **results,
				 struct buf *err);

/* The error reply of a failed search: the query's fault or the index's
 * (its status as the library's: proto_query_error). */
json_t *proto_search_error(const json_t *id, lec_status st, const struct buf *err);
/* The same for a status of the library (proto_env_query). */
json_t *proto_query_error(const json_t *id, lectern_status_t st, const struct buf *err);

/* The members of a find reply but its hits, in their order: id, ok, index,
 * total, total_exact, relaxed, fallback, relaxed_query, suggestion, fixed,
 * explain, warnings; a streamed line before the last (`more`) has
 * "more":true and no total yet. New reference; NULL when out of memory. */
json_t *proto_results_head(const json_t *id, const char *index_dir, const lectern_results_t *res,
			   int more);

/* ---- the ops: each answers a request checked against the op table ---- */
/* A new reference, or NULL when out of memory (proto_handle answers that). */

json_t *proto_op_ping(struct proto_env *e, const json_t *id, const json_t *rq);
json_t *proto_op_status(struct proto_env *e, const json_t *id, const json_t *rq);
/* find in one line (an env without search threads), as proto_find_run makes it */
json_t *proto_op_find(struct proto_env *e, const json_t *id, const json_t *rq);
json_t *proto_op_suggest(struct proto_env *e, const json_t *id, const json_t *rq);

/* reindex: NULL and *job filled (owned by the caller), or the error reply
 * (a new reference; *job then holds nothing). */
json_t *proto_reindex_job(const json_t *id, const json_t *rq, struct proto_job *job);

/* A find that may take long or answer much (pool.h's lanes). */
int proto_find_heavy(const json_t *rq);

/* Run the find request rq (checked against the op table) for e, its
 * answer's last line (its only one, unless rq asks to "stream" and sink is
 * not NULL) into *line, released first: a whole line with its newline,
 * never over LEC_MAX_CLIENT_OUTPUT; *failed when it is an error. LEC_ENOMEM
 * only (then *line is empty). */
lec_status proto_find_run(struct proto_env *e, const json_t *id, const json_t *rq,
			  const struct proto_sink *sink, struct buf *line, int *failed);

#endif
