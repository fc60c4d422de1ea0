/* lsp-rpc.h - JSON-RPC 2.0 messages over a byte stream with the Language
 * Server Protocol's base framing: "Content-Length: N\r\n" (other headers
 * allowed and ignored), a blank line, N bytes of UTF-8 JSON.
 *
 * Only framing lives here: what a message means is lsp.c's. A bad frame
 * never ends the stream when it can be skipped: a body over the size bound
 * is read and dropped, a header block without a usable Content-Length is
 * skipped to its blank line, so that the caller answers with an error and
 * goes on reading.
 */
#ifndef LECTERN_LSP_RPC_H
#define LECTERN_LSP_RPC_H

#include <jansson.h>
#include <stddef.h>

#include "buf.h"
#include "status.h"

/* JSON-RPC and LSP error codes */
#define LSP_E_PARSE -32700
#define LSP_E_INVALID_REQUEST -32600
#define LSP_E_METHOD_NOT_FOUND -32601
#define LSP_E_INVALID_PARAMS -32602
#define LSP_E_INTERNAL -32603
#define LSP_E_NOT_INITIALIZED -32002
#define LSP_E_REQUEST_FAILED -32803

struct lsp_reader {
	int fd;
	char in[65536];
	size_t pos, len; /* unread bytes: in[pos .. len) */
};

void lsp_reader_init(struct lsp_reader *r, int fd);

/* The next message's body: *body malloc'd, NUL-terminated, caller frees;
 * *len its length. Statuses:
 *  - LEC_ENOTFOUND: the stream ended between messages (a clean end);
 *  - LEC_ELIMIT: the body is over `max` bytes: it was skipped (message in err);
 *  - LEC_ESYNTAX: a header block without a valid Content-Length, or over
 *    LEC_MAX_LSP_HEADER: skipped (message in err);
 *  - LEC_EIO: a read failed or the stream ended inside a message;
 *  - LEC_ENOMEM. */
lec_status lsp_read_message(struct lsp_reader *r, size_t max, char **body, size_t *len,
			    struct buf *err);

/* Write `msg` (borrowed) as one framed message on fd. LEC_EIO: the peer is
 * gone; LEC_ENOMEM. */
lec_status lsp_write_message(int fd, const json_t *msg);

/* The response to request `id` (borrowed; NULL is JSON null) with `result`
 * (stolen; NULL is JSON null), or with an error. */
lec_status lsp_send_result(int fd, const json_t *id, json_t *result);
lec_status lsp_send_error(int fd, const json_t *id, int code, const char *message);
/* A notification from the server: `params` stolen. */
lec_status lsp_send_notification(int fd, const char *method, json_t *params);

#endif
