/* lsp-backend.h - where the language server's searches and reindexes go:
 * the daemon (`lectern serve`) when one serves our index, started by us
 * when none runs (as the Emacs and Neovim clients start one), else this
 * process, through the same library and indexer as `lectern find` and
 * `lectern index`. The search itself is never written twice: a daemon
 * answers through client_find, this process through lectern_query_run.
 */
#ifndef LECTERN_LSP_BACKEND_H
#define LECTERN_LSP_BACKEND_H

#include <sys/types.h>

#include "buf.h"
#include "index.h"
#include "lectern.h"
#include "search.h"
#include "status.h"

struct lsp_backend {
	char *index_dir;        /* absolute; owned */
	char *socket;           /* the daemon's socket; owned; NULL: no daemon at all */
	int chosen;             /* the socket was named (--socket): trust rules as find's */
	pid_t daemon;           /* the daemon we started (stopped by lsp_backend_close), or 0 */
	lectern_index_t *index; /* in-process searches; opened on first use; owned */
	int daemon_seen;        /* a daemon of ours answered when we started */
	int daemon_used;        /* the last search was the daemon's */
};

/* Find the index (index_opt, else LECTERN_INDEX or the default) and the
 * socket (socket_opt, else the default). no_daemon: never use a daemon;
 * start: start one when none answers (within a few seconds, else go on
 * without). Errors: the index cannot be located (message in err). */
lec_status lsp_backend_open(struct lsp_backend *b, const char *index_opt, const char *socket_opt,
			    int no_daemon, int start, struct buf *err);
/* Where the searches go, in a sentence for the editor's log: "the daemon
 * on SOCK (started by this server)", "... (already running)", or "the
 * index DIR, in this process". */
void lsp_backend_describe(const struct lsp_backend *b, struct buf *out);
/* Stop the daemon we started (SIGTERM, then wait), free the rest. */
void lsp_backend_close(struct lsp_backend *b);

/* Run `query` with options o (without on_passage: res->hits collects the
 * passages, which lec_results_view reads), through the daemon when one
 * answers, else here. LEC_OK, and *res is the caller's
 * (search_result_release); LEC_EPERM: a daemon we must not trust holds
 * the socket; another status: the search failed. The message is in err. */
lec_status lsp_backend_find(struct lsp_backend *b, const char *query,
			    const lectern_query_options_t *o, struct search_result *res,
			    struct buf *err);

/* Bring the notes at paths[0 .. npaths) (absolute or not) up to date in
 * the index: each note, or its directory when it was deleted. Through the
 * daemon's reindex op when one serves our index, else here (idx_run); over
 * LEC_LSP_MAX_REINDEX_PATHS notes, every root in one run. A path under none
 * of the index's roots (saving a file elsewhere must not add a root),
 * hidden, or inside the index is left out; *taken counts the others, and
 * the first left out is named in err. LEC_ENOTFOUND: none was taken;
 * LEC_ELOCKED: another writer holds the index; message in err. */
lec_status lsp_backend_reindex(struct lsp_backend *b, char *const *paths, size_t npaths,
			       size_t *taken, struct buf *err);

#endif
