/* client.h - `lectern find` through a running daemon.
 *
 * A ping and the find are sent pipelined; the ping's answer says which
 * protocol the daemon speaks and which index it serves. With req->on_hit
 * the find asks for a streamed answer and each hit goes to the callback
 * as its line arrives (what search_run would have given, in the same
 * order), so that `lectern find` prints through the same emitter, as the
 * hits come, whether or not a daemon answered.
 */
#ifndef LECTERN_CLIENT_H
#define LECTERN_CLIENT_H

#include <jansson.h>
#include <stdint.h>

#include "buf.h"
#include "search.h"
#include "status.h"

/* Run req on the daemon at socket_path, which must serve index_dir (an
 * absolute path) and speak PROTO_VERSION; `chosen`: the user named the
 * socket (--socket), so another user's directory is an error, not "no
 * daemon" (sock_check_dir). With req->on_hit, each hit goes to it as it
 * comes (*given counts them, also when the answer then fails: the caller
 * goes on from there, the order being the query's alone) and res holds
 * the rest of the result; without, res->hits collects them. LEC_OK: the
 * whole answer came (release *res with search_result_release). LEC_EPERM:
 * refused, message in err: the socket's directory can be written by others
 * (sock_check_dir), or the process listening runs as another user than us
 * or root (SO_PEERCRED); the path may then be a stranger's, so the caller
 * must not carry on as if there were no daemon. The callback's own status
 * when it stops. Anything else means "search here": no daemon
 * (LEC_ENOTFOUND), another index or protocol (LEC_EVERSION), the daemon
 * answered with an error (a time budget run out: `timeout`), or something
 * unreadable (LEC_EIO). *res is empty unless LEC_OK. */
lec_status client_find(const char *socket_path, int chosen, const char *index_dir,
		       const struct search_req *req, struct search_result *res, uint64_t *given,
		       struct buf *err);

/* A find response (proto_find_reply's form) into *res; on failure *res is
 * released. LEC_EINVAL when a member is missing or mistyped. */
lec_status client_result_from_json(const json_t *reply, struct search_result *res);

#endif
