/* lsp-int.h - what the language server's files share: its state, and the
 * handlers of the methods that are about notes (lsp-features.c, reached
 * from lsp.c's table). */
#ifndef LECTERN_LSP_INT_H
#define LECTERN_LSP_INT_H

#include <jansson.h>

#include "buf.h"
#include "lsp-backend.h"
#include "lsp-docs.h"
#include "lsp-rpc.h"

struct lsp_server {
	int out_fd;
	struct lsp_reader rd;
	struct lsp_backend be;
	struct lsp_docs docs;
	int initialized;        /* initialize answered */
	int watch_dynamic;      /* the client registers file watchers for us */
	unsigned requests_sent; /* our requests to the client, for their ids */
	int shutdown;           /* shutdown answered: only exit is left */
	int done;               /* exit received, or the stream ended */
	int exit_code;
};

/* A request's handler: the result (owned by the caller; NULL stands for
 * JSON null), or, when *code is set, an error with the message in err.
 * `params` is borrowed and may be NULL. */
typedef json_t *(*lsp_request_fn)(struct lsp_server *s, const json_t *params, int *code,
				  struct buf *err);
/* A notification's handler. */
typedef void (*lsp_notify_fn)(struct lsp_server *s, const json_t *params);

json_t *lsp_workspace_symbol(struct lsp_server *s, const json_t *params, int *code,
			     struct buf *err);
json_t *lsp_hover(struct lsp_server *s, const json_t *params, int *code, struct buf *err);
json_t *lsp_definition(struct lsp_server *s, const json_t *params, int *code, struct buf *err);

void lsp_did_open(struct lsp_server *s, const json_t *params);
void lsp_did_change(struct lsp_server *s, const json_t *params);
void lsp_did_close(struct lsp_server *s, const json_t *params);
void lsp_did_save(struct lsp_server *s, const json_t *params);
void lsp_did_change_watched(struct lsp_server *s, const json_t *params);

/* window/logMessage to the editor (type 1 error .. 4 log): the server's
 * only way to say something, its stdout being the protocol. */
void lsp_log(struct lsp_server *s, int type, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
