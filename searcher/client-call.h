/* client-call.h - one request to a running daemon, one reply line back:
 * for the ops that answer in a single line (ping, status, reindex), as the
 * editor clients and the language server send them. (`lectern find` has
 * its own pipelined, streamed exchange: client.h.)
 */
#ifndef LECTERN_CLIENT_CALL_H
#define LECTERN_CLIENT_CALL_H

#include <jansson.h>

#include "buf.h"
#include "status.h"

/* Send `request` (borrowed; one JSON object) to the daemon at socket_path
 * and parse its reply line into *reply (owned by the caller: json_decref).
 * The daemon is checked as client_find checks it (sock_check_dir with
 * `chosen`; the listener's uid): LEC_EPERM with a message in err when it
 * must not be trusted. LEC_ENOTFOUND: no daemon there; LEC_EIO: no usable
 * reply within timeout_ms of silence. A reply with "ok":false is LEC_OK:
 * the caller reads its error. */
lec_status client_call(const char *socket_path, int chosen, const json_t *request, int timeout_ms,
		       json_t **reply, struct buf *err);

#endif
