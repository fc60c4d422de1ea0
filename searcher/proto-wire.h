/* proto-wire.h - what the client and the daemon both write of the
 * daemon's wire format (docs/protocol.md; the daemon's side: daemon/proto.h):
 * the protocol's version and error codes, error replies, a reply or request
 * as one capped line, and find's request.
 *
 * Here in searcher/, not with the daemon, so that `lectern find` asking a
 * daemon (client.c) neither sees the daemon's headers nor links its ops,
 * which search the index and run the indexer (cli/engine.h).
 */
#ifndef LECTERN_PROTO_WIRE_H
#define LECTERN_PROTO_WIRE_H

#include <jansson.h>
#include <stddef.h>

#include "buf.h"
#include "search.h"
#include "status.h"

#define PROTO_VERSION 1

/* error codes (docs/protocol.md) */
#define PROTO_E_BAD_JSON "bad_json"       /* the line is not JSON */
#define PROTO_E_BAD_REQUEST "bad_request" /* not an object, no/bad id or op, bad argument */
#define PROTO_E_UNKNOWN_OP "unknown_op"
#define PROTO_E_BAD_QUERY "bad_query"     /* the query could not be parsed or is over a limit */
#define PROTO_E_INDEX "index_error"       /* no index, damaged index, Xapian trouble */
#define PROTO_E_WRONG_INDEX "wrong_index" /* find: "index" names another index than ours */
#define PROTO_E_NOT_FOUND "not_found"     /* reindex: a path does not exist */
#define PROTO_E_LOCKED "locked"           /* reindex: another writer holds the index */
#define PROTO_E_TOO_LARGE "too_large"     /* request line or response over its limit */
#define PROTO_E_TIMEOUT "timeout"         /* a search past its time budget (LEC_SEARCH_TIME_MS) */
#define PROTO_E_FORBIDDEN "forbidden"     /* peer with another uid */
#define PROTO_E_BUSY "busy"               /* LEC_MAX_CLIENTS connections already */
#define PROTO_E_SHUTTING_DOWN "shutting_down"
#define PROTO_E_INTERNAL "internal" /* out of memory and the like */

/* The reply of last resort: no allocation needed to answer. A new
 * reference (a static error object, or null). */
json_t *proto_oom(void);

/* An error response; id may be NULL (then "id":null). New reference. */
json_t *proto_error(const json_t *id, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Append reply as one compact line + '\n' to out. A reply longer than
 * max bytes is replaced by a too_large error with its id. LEC_ENOMEM only. */
lec_status proto_dump_line(const json_t *reply, size_t max, struct buf *out);

/* The find request for req (query, flags, limits) with this id; with
 * index_dir (may be NULL) the daemon refuses to answer for another index;
 * `stream`: the answer may come in several lines. New reference owned by
 * the caller; NULL when out of memory. */
json_t *proto_find_request(json_int_t id, const struct search_req *req, const char *index_dir,
			   int stream);

#endif
