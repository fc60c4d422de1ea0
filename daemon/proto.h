/* proto.h - the daemon's wire format: JSON lines (docs/protocol.md).
 *
 * One request per line, one response per line, in order. A request is an
 * object with an "id" (echoed) and an "op"; every op is a row in a table
 * that names its arguments and their types, and a request is checked
 * against that row before its handler runs (redis's arity check). Every
 * failure is a response: {"id":..,"ok":false,"error":{"code":..,"message":..}}.
 *
 * This module knows nothing of sockets: the server (server.c) feeds it
 * lines and writes the replies; `reindex` comes back as a job that the
 * server runs off its loop and answers with proto_reindex_reply. What the
 * client writes too (error codes, lines, find's request) is in proto-wire.h.
 */
#ifndef LECTERN_PROTO_H
#define LECTERN_PROTO_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "index.h"
#include "lectern.h"
#include "proto-wire.h"
#include "search.h"
#include "status.h"

enum proto_op_id {
	PROTO_OP_PING,
	PROTO_OP_STATUS,
	PROTO_OP_FIND,
	PROTO_OP_SUGGEST,
	PROTO_OP_REINDEX,
	PROTO_NOPS
};

typedef struct xap_db xap_db;

/* What the handlers share: the index and the daemon's counters. */
struct proto_env {
	char *index_dir;        /* absolute; owned */
	lectern_index_t *index; /* the searches' (lib/lectern.h), opened
	                         * read-only on first use; owned */
	xap_db *db;             /* suggest's term scans; owned */
	time_t started;
	uint64_t requests, errors;
	uint64_t op_count[PROTO_NOPS];
	/* set by the server: find and suggest come back as PROTO_DEFER jobs for
	 * its search threads (each with an env of its own, quiet: the server
	 * logs a shard leaving or rejoining the searches, once) */
	int pooled, quiet;
	/* each search's time budget in milliseconds (LEC_SEARCH_TIME_MS unless
	 * the server says otherwise; 0: none) */
	unsigned search_ms;
	/* set by the server, shown by status */
	unsigned clients, search_threads;
	unsigned searches; /* finds and suggests in the search threads or waiting */
	int watching, reindexing;
	uint64_t reindexes;
};

/* env takes a copy of index_dir. LEC_ENOMEM only. Release frees all. */
lec_status proto_env_init(struct proto_env *e, const char *index_dir);
void proto_env_release(struct proto_env *e);

/* A request to run off the loop; filled by proto_handle. */
struct proto_job {
	enum proto_op_id op; /* PROTO_OP_REINDEX, or find/suggest with env->pooled */
	json_t *id;          /* the request's id (a reference: json_decref) */
	json_t *request;     /* find/suggest: the checked request (a reference) */
	char **paths;        /* reindex: absolute, malloc'd; none: every root */
	size_t npaths;
	int heavy; /* a find that may take long or answer much: every
	                         * passage, a count, or over LEC_LIGHT_HITS hits */
};
void proto_job_release(struct proto_job *j);

enum proto_outcome {
	PROTO_REPLY,
	PROTO_DEFER
};

/* Handle one request line (no newline). PROTO_REPLY: *reply is the
 * response (a new reference, owned by the caller; never NULL: an
 * allocation failure gives a static error object). PROTO_DEFER: *job holds
 * a reindex for the server (owned by the caller); *reply is NULL. A blank
 * line gives PROTO_REPLY with *reply NULL: nothing to answer. With
 * e->pooled, find and suggest are deferred too (job->op says which). */
enum proto_outcome proto_handle(struct proto_env *e, const char *line, size_t len, json_t **reply,
				struct proto_job *job);

/* Where the lines of a streamed find go before its last one (the search
 * threads: pool.c). Each call gives one whole line with its newline, and
 * may wait (until deadline_ms, CLOCK_MONOTONIC; 0: no end) for the client
 * to make room for it. A status other than LEC_OK stops the search:
 * LEC_ESTOP (the client is gone), LEC_ETIMEOUT (out of time waiting). */
struct proto_sink {
	lec_status (*line)(void *ctx, const char *data, size_t len, int64_t deadline_ms);
	void *ctx;
};

/* Run a deferred find or suggest against e (a search thread's own env),
 * within e->search_ms: the answer's last line (its only one unless a find
 * asks to "stream" and sink is given) into *line, released first, as
 * proto_dump_line makes it (never over LEC_MAX_CLIENT_OUTPUT); *failed
 * when it is an error. LEC_ENOMEM only (then no line). */
lec_status proto_run(struct proto_env *e, const struct proto_job *job,
		     const struct proto_sink *sink, struct buf *line, int *failed);

/* The response to a finished reindex (st, stats and idx_run's message). New
 * reference owned by the caller. */
json_t *proto_reindex_reply(const json_t *id, lec_status st, const struct idx_stats *s,
			    const char *msg);

/* ---- find requests and responses (the request: proto-wire.h) ------------ */

/* The reverse: a validated find request object into *query (pointing into
 * rq: valid while rq lives) and *o, the library's options ("stream" and
 * "index" are not the search's: the caller reads them; o's time budget and
 * on_passage are left 0 for the caller). LEC_EINVAL with a message in err. */
lec_status proto_find_args(const json_t *rq, const char **query, lectern_query_options_t *o,
			   struct buf *err);

/* The find response for res (hits in lec_passage_json's form), whole. New reference;
 * NULL when out of memory. */
json_t *proto_find_reply(const json_t *id, const char *index_dir, const struct search_result *res);

/* Check a request object against the op table: 0 and *op set, or -1 with
 * *code (static) and a message in err. Exposed for the unit tests. */
int proto_validate(const json_t *rq, enum proto_op_id *op, const char **code, struct buf *err);

#endif
