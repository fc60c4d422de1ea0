/* server.h - `lectern serve`'s event loop (redis-shaped).
 *
 * One poll(2) loop in the main thread owns the listening socket, every
 * client, a self-pipe for SIGTERM/SIGINT, the pool's completion pipe and
 * (with watch) an inotify descriptor. Per client: an input buffer capped
 * at LEC_MAX_REQUEST_LINE + 1 (only complete lines are parsed; a longer
 * line gets a too_large error and the connection is closed after it), an
 * output buffer capped at LEC_MAX_CLIENT_OUTPUT (a client that does not
 * read and reaches it is dropped), and an idle timer. Requests of a
 * connection are answered in order. status and ping run on the loop;
 * everything else runs in one pool of background work (pool.h): find and
 * suggest on its search threads, each with its own read-only searcher that
 * reopens on each request so that committed changes are seen; reindexes
 * (requested, or --watch's) on its task thread, one at a time (later ones
 * wait their turn, in order). A connection's next request waits until the
 * answer to its last one is queued; other connections go on meanwhile.
 */
#ifndef LECTERN_SERVER_H
#define LECTERN_SERVER_H

#include "buf.h"
#include "status.h"

struct srv_config {
	const char *index_dir; /* absolute */
	const char *socket_path;
	int strict_dir;            /* the socket's directory must be ours and 0700 */
	int watch;                 /* inotify on the roots, reindex saved notes */
	unsigned idle_timeout_sec; /* close connections idle this long (0: never) */
	unsigned search_threads;   /* 1..POOL_MAX_THREADS; 0: pool_default_threads() */
	unsigned search_ms;        /* each search's time budget (ms; 0: none) */
};

/* Serve until SIGTERM or SIGINT: then finish in-flight requests (a running
 * reindex stops after its current file and commits), answer, remove the
 * socket and return LEC_OK. Startup failures return a status with a message
 * in err: LEC_ELOCKED when another daemon listens on the socket, LEC_EINVAL
 * for an unsafe socket path or directory. Logs to stderr (log.h). */
lec_status srv_run(const struct srv_config *cfg, struct buf *err);

#endif
