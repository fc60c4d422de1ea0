/* lsp.c - the language server's loop: read a message, check that it is
 * JSON-RPC 2.0, dispatch it by method, answer requests; the lifecycle
 * (initialize, shutdown, exit) is kept here, the note features in
 * lsp-symbol.c, lsp-links.c and lsp-sync.c. */
#include "lsp.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "lsp-int.h"

void lsp_log(struct lsp_server *s, int type, const char *fmt, ...)
{
	struct buf b;
	va_list ap;
	buf_init(&b, 64 << 10);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (b.data)
		lsp_send_notification(s->out_fd, "window/logMessage",
				      json_pack("{s:i, s:s}", "type", type, "message", b.data));
	buf_release(&b);
}

/* A request of ours to the client (`params` stolen), numbered "lectern-N". */
static void lsp_write_request(struct lsp_server *s, const char *method, json_t *params)
{
	char id[32];
	snprintf(id, sizeof(id), "lectern-%u", ++s->requests_sent);
	json_t *m = params ? json_pack("{s:s, s:s, s:s, s:o}", "jsonrpc", "2.0", "id", id, "method",
				       method, "params", params) :
			     NULL;
	if (m)
		lsp_write_message(s->out_fd, m);
	json_decref(m);
}

static json_t *initialize(struct lsp_server *s, const json_t *params, int *code, struct buf *err)
{
	if (s->initialized) {
		*code = LSP_E_INVALID_REQUEST;
		buf_puts(err, "initialize was already received");
		return NULL;
	}
	s->initialized = 1;
	const json_t *w = json_object_get(json_object_get(params, "capabilities"), "workspace");
	s->watch_dynamic = json_is_true(json_object_get(json_object_get(w, "didChangeWatchedFiles"),
							"dynamicRegistration"));
	return json_pack("{s:{s:{s:b, s:i, s:{s:b}}, s:b, s:b, s:b}, s:{s:s, s:s}}", "capabilities",
			 "textDocumentSync", "openClose", 1, "change", 1 /* Full */, "save",
			 "includeText", 0, "workspaceSymbolProvider", 1, "hoverProvider", 1,
			 "definitionProvider", 1, "serverInfo", "name", "lectern", "version",
			 LECTERN_VERSION);
}

static json_t *shutdown(struct lsp_server *s, const json_t *params, int *code, struct buf *err)
{
	(void)params;
	(void)code;
	(void)err;
	s->shutdown = 1;
	return NULL;
}

static void exit_note(struct lsp_server *s, const json_t *params)
{
	(void)params;
	s->done = 1;
	s->exit_code = s->shutdown ? 0 : 1;
}

/* The client is ready for our notifications: say where searches go. */
static void initialized(struct lsp_server *s, const json_t *params)
{
	struct buf b;
	(void)params;
	buf_init(&b, 0);
	lsp_backend_describe(&s->be, &b);
	if (b.data)
		lsp_log(s, 3, "lectern: %s", b.data);
	buf_release(&b);
	/* a client that watches files for its servers (VS Code, Neovim 0.9+)
	 * tells us of notes changed outside the editor too: ask it to. Its
	 * answer, a response to our request, is ignored as every response is. */
	if (s->watch_dynamic)
		lsp_write_request(s, "client/registerCapability",
				  json_pack("{s:[{s:s, s:s, s:{s:[{s:s}]}}]}", "registrations",
					    "id", "lectern-watch", "method",
					    "workspace/didChangeWatchedFiles", "registerOptions",
					    "watchers", "globPattern", "**/*"));
}

static const struct {
	const char *method;
	lsp_request_fn fn;
} requests[] = {
	{ "initialize", initialize },
	{ "shutdown", shutdown },
	{ "workspace/symbol", lsp_workspace_symbol },
	{ "textDocument/hover", lsp_hover },
	{ "textDocument/definition", lsp_definition },
};

static const struct {
	const char *method;
	lsp_notify_fn fn;
} notifications[] = {
	{ "exit", exit_note },
	{ "initialized", initialized },
	{ "textDocument/didOpen", lsp_did_open },
	{ "textDocument/didChange", lsp_did_change },
	{ "textDocument/didClose", lsp_did_close },
	{ "textDocument/didSave", lsp_did_save },
	{ "workspace/didChangeWatchedFiles", lsp_did_change_watched },
	/* "$/cancelRequest" (each request is answered before
	 * the next is read), "$/setTrace", ...: nothing to do */
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void request(struct lsp_server *s, const json_t *id, const char *method,
		    const json_t *params)
{
	struct buf err;
	int code = 0;
	lsp_request_fn fn = NULL;
	for (size_t i = 0; i < N(requests); i++)
		if (!strcmp(requests[i].method, method))
			fn = requests[i].fn;
	buf_init(&err, 64 << 10);
	if (!fn) {
		code = LSP_E_METHOD_NOT_FOUND;
		buf_printf(&err, "unknown method %s", method);
	} else if (!s->initialized && fn != initialize) {
		code = LSP_E_NOT_INITIALIZED;
		buf_printf(&err, "%s before initialize", method);
	} else if (s->shutdown) {
		code = LSP_E_INVALID_REQUEST;
		buf_printf(&err, "%s after shutdown", method);
	}
	json_t *result = code ? NULL : fn(s, params, &code, &err);
	if (code) {
		json_decref(result);
		lsp_send_error(s->out_fd, id, code, err.data ? err.data : "error");
	} else {
		lsp_send_result(s->out_fd, id, result);
	}
	buf_release(&err);
}

static void notification(struct lsp_server *s, const char *method, const json_t *params)
{
	for (size_t i = 0; i < N(notifications); i++) {
		if (strcmp(notifications[i].method, method))
			continue;
		/* before initialize only exit counts; after shutdown, only exit */
		if (notifications[i].fn == exit_note || (s->initialized && !s->shutdown))
			notifications[i].fn(s, params);
		return;
	}
}

/* One message's body: a request (method and id), a notification (method,
 * no id), or a response to a request of ours (we send none: ignored). */
static void message(struct lsp_server *s, const char *body, size_t len)
{
	json_error_t jerr;
	json_t *m = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!m) {
		struct buf e;
		buf_init(&e, 4096);
		buf_printf(&e, "not JSON: %s (column %d)", jerr.text, jerr.column);
		lsp_send_error(s->out_fd, NULL, LSP_E_PARSE, e.data ? e.data : "not JSON");
		buf_release(&e);
		return;
	}
	const json_t *id = json_object_get(m, "id"), *params = json_object_get(m, "params");
	/* "params": null is no params: Emacs's jsonrpc.el sends shutdown so */
	const json_t *method = json_object_get(m, "method");
	const char *version = json_string_value(json_object_get(m, "jsonrpc"));
	const char *bad =
		!json_is_object(m)                 ? "a message is a JSON object" :
		!version || strcmp(version, "2.0") ? "\"jsonrpc\" must be \"2.0\"" :
		id && !json_is_integer(id) && !json_is_string(id) && !json_is_null(id) ?
						     "\"id\" must be a number or a string" :
		method && !json_is_string(method) ? "\"method\" must be a string" :
		params && !json_is_object(params) && !json_is_array(params) &&
				!json_is_null(params) ?
						    "\"params\" must be an object or an array" :
						    NULL;
	if (bad)
		lsp_send_error(s->out_fd, json_is_integer(id) || json_is_string(id) ? id : NULL,
			       LSP_E_INVALID_REQUEST, bad);
	else if (method && id)
		request(s, id, json_string_value(method), params);
	else if (method)
		notification(s, json_string_value(method), params);
	json_decref(m);
}

int lsp_serve(const struct lsp_opts *o, int in_fd, int out_fd, struct buf *err)
{
	struct lsp_server s;
	memset(&s, 0, sizeof(s));
	s.out_fd = out_fd;
	s.exit_code = 1;
	lsp_reader_init(&s.rd, in_fd);
	lsp_docs_init(&s.docs);
	if (lsp_backend_open(&s.be, o->index, o->socket, o->no_daemon, !o->no_start, err))
		return 2;
	while (!s.done) {
		char *body;
		size_t len;
		struct buf e;
		buf_init(&e, 4096);
		lec_status st = lsp_read_message(&s.rd, LEC_MAX_LSP_MESSAGE, &body, &len, &e);
		if (st == LEC_OK)
			message(&s, body, len);
		else if (st == LEC_ELIMIT)
			lsp_send_error(out_fd, NULL, LSP_E_INVALID_REQUEST, e.data);
		else if (st == LEC_ESYNTAX)
			lsp_send_error(out_fd, NULL, LSP_E_PARSE, e.data);
		else
			s.done = 1; /* the stream ended: exit without shutdown */
		free(body);
		buf_release(&e);
	}
	lsp_docs_release(&s.docs);
	lsp_backend_close(&s.be);
	return s.exit_code;
}
