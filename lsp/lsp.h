/* lsp.h - `lectern lsp`: a language server (LSP 3.17, JSON-RPC 2.0 over
 * stdio) for notes. workspace/symbol runs a lectern query and gives each
 * passage as a symbol at its match; hover and definition follow [[wiki
 * links]], markdown links to other notes and headings; didSave and
 * didChangeWatchedFiles reindex the note. Searches go to the daemon (one
 * is started when none runs) or, without one, to the index in this
 * process (lsp-backend.h).
 */
#ifndef LECTERN_LSP_H
#define LECTERN_LSP_H

#include "buf.h"
#include "status.h"

struct lsp_opts {
	/* the index directory main resolved (commands.h); NULL: located as
	 * main does */
	const char *index;
	const char *socket; /* --socket, or NULL */
	int no_daemon;      /* answer in this process only */
	int no_start;       /* use a daemon that runs; start none */
};

/* Serve the messages read from in_fd, answering on out_fd, until `exit` or
 * the end of the input. Returns the exit status the protocol asks for: 0
 * after shutdown then exit, 1 otherwise. LEC errors that keep it from
 * starting (no index location) come back as 2 with a message in err. */
int lsp_serve(const struct lsp_opts *o, int in_fd, int out_fd, struct buf *err);

#endif
