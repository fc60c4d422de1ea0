/* proto-int.h - what proto.c (the op table, the small ops) and
 * proto-find.c (find's answer, written as its hits come) share. Private to
 * those two files. */
#ifndef LECTERN_PROTO_INT_H
#define LECTERN_PROTO_INT_H

#include <jansson.h>

#include "buf.h"
#include "proto.h"
#include "search.h"

/* The reply of last resort (proto-wire.c): no allocation needed to answer. */
json_t *proto_oom(void);

/* The env's searcher on the latest committed revision (reopened or opened). */
lec_status proto_env_searcher(struct proto_env *e, struct buf *err);

/* The error reply of a failed search: the query's fault or the index's. */
json_t *proto_search_error(const json_t *id, lec_status st, const struct buf *err);

/* The members of a find reply but its hits, in their order: id, ok, index,
 * total, total_exact, relaxed, relaxed_query, suggestion, fixed, explain,
 * warnings; a streamed line before the last (`more`) has "more":true and no
 * total yet. New reference; NULL when out of memory. */
json_t *proto_find_head(const json_t *id, const char *index_dir, const struct search_result *res,
			int more);

/* Run the find request rq (checked against the op table) for e, its
 * answer's last line (its only one, unless rq asks to "stream" and sink is
 * not NULL) into *line, released first: a whole line with its newline,
 * never over LEC_MAX_CLIENT_OUTPUT; *failed when it is an error. LEC_ENOMEM
 * only (then *line is empty). */
lec_status proto_find_run(struct proto_env *e, const json_t *id, const json_t *rq,
			  const struct proto_sink *sink, struct buf *line, int *failed);

#endif
