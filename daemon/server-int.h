/* server-int.h - what the daemon's files share: the server's state and
 * each file's entry points. Private to them:
 *   server.c          the event loop: what it polls and the handler of each event
 *   server-client.c   a connection: its buffers, its lines in, its answers out, its life
 *   server-search.c   find and suggest: handed to the pool, streamed, answered
 *   server-reindex.c  reindexes (requested or watched): a task of the pool, answered
 *   server-stop.c     signals, and stopping with the answers in flight written
 *   server-watch.c    --watch: inotify on the roots, saved notes batched for a reindex
 */
#ifndef LECTERN_SERVER_INT_H
#define LECTERN_SERVER_INT_H

#include <jansson.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdint.h>
#include <sys/inotify.h>
#include <sys/types.h>

#include "buf.h"
#include "index.h"
#include "limits.h"
#include "pool.h"
#include "proto.h"
#include "server.h"
#include "sock.h"

#define IN_CAP (LEC_MAX_REQUEST_LINE + 1)
#define KEEP_BYTES (64u << 10) /* buffers larger than this are freed when empty */
#define TICK_MS 100            /* idle timers and shutdown checks */
#define DEBOUNCE_MS 75         /* editors write, rename, chmod: wait for the burst */
#define DEBOUNCE_MAX_MS 400    /* ...but never longer than this after the first event */
#define LOCKED_RETRY_MS 1000   /* watch reindex met another writer: try again */
#define SHUTDOWN_GRACE_MS 5000 /* flushing answers at exit */
#define TRIM_EVERY_MS 1000     /* give freed client buffers back to the system */
#define WATCH_MASK                                                                               \
	(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE | IN_DONT_FOLLOW | \
	 IN_ONLYDIR | IN_EXCL_UNLINK)

struct client {
	int fd;
	uint64_t serial; /* never reused: finished jobs find their client by it */
	uid_t uid;
	struct buf in; /* received bytes; [in_start, in.len) not yet parsed */
	size_t in_start;
	struct buf out; /* replies; [out_sent, out.len) not yet written */
	size_t out_sent;
	long long last_ms;    /* last time bytes moved */
	int waiting;          /* a request of ours runs off the loop: later lines wait */
	struct pool_job *job; /* that request when it is a search: its streamed lines
	                         * come through it (pool_drain); the pool's until done */
	int backlog;          /* complete lines left for a later turn (fairness) */
	int eof, closing, dead;
};

struct watch {
	int fd;      /* inotify, or -1 */
	char **dirs; /* indexed by watch descriptor */
	size_t ndirs;
	char **pending; /* "dir\0name" pairs waiting for the debounce */
	size_t npending, cap_pending;
	long long first_ms, due_ms; /* 0: nothing pending */
	int warned_full;
	int waiting_lock; /* a watch reindex waits for another writer (logged once) */
	int index_wd;     /* the index directory itself: its roots file (-1: none) */
};

struct server {
	const struct srv_config *cfg;
	struct sock_listener lis;
	struct proto_env env;
	struct client *clients[LEC_MAX_CLIENTS];
	size_t nclients;
	uint64_t next_serial;
	struct pool pool;        /* every job off the loop: searches and reindexes */
	atomic_int reindex_stop; /* set by the loop when stopping; read by the
				  * running reindex (idx_hooks.stop) */
	int shards_missing;      /* a search thread last saw a shard left out */
	int stream_again;        /* streamed lines are left to move next turn */
	struct watch wt;
	int sig_pipe[2];
	int stopping;
	long long stop_ms;
	int freed; /* clients closed since the last trim */
	long long trim_ms;
	long long accept_pause_until; /* out of descriptors: listener off until then */
	long long accept_warned_ms;
};

/* server.c */
long long srv_now_ms(void);

/* server-client.c */
void srv_accept_all(struct server *s);
/* The live client with that serial, or NULL (gone, or 0: nobody's). */
struct client *srv_client_by_serial(struct server *s, uint64_t serial);
/* Queue a reply (taking the reference). */
void srv_client_reply(struct client *c, json_t *reply);
/* Queue a line a search thread made (taking its bytes). */
void srv_client_reply_line(struct client *c, struct buf *line, lec_status st);
/* A reply too large or out of memory drops the client. */
void srv_client_check_output(struct client *c, lec_status st);
/* Write what the socket takes now. */
void srv_client_flush(struct client *c);
/* c's request off the loop was answered: go on with its next lines. */
void srv_client_resume(struct server *s, struct client *c);
/* Parse c's complete lines, one a turn (the rest is c->backlog). */
void srv_client_process(struct server *s, struct client *c);
void srv_client_read(struct server *s, struct client *c);
int srv_client_blocked(const struct client *c);
int srv_client_wants_read(const struct client *c);
/* Close the dead, the finished and the idle. */
void srv_sweep(struct server *s);
/* Close every client (teardown). */
void srv_clients_free(struct server *s);

/* server-search.c */
/* Hand find or suggest (pj, taken) to the search threads for c. */
void srv_search_submit(struct server *s, struct client *c, struct proto_job *pj);
/* A search came back: answer its client. j stays the caller's. */
void srv_search_done(struct server *s, struct pool_job *j);
/* c's streamed lines so far, as far as it has room for them. */
void srv_stream(struct server *s, struct client *c);
/* Every running search's streamed lines. */
void srv_stream_all(struct server *s);

/* server-reindex.c */
/* The reindex request pj (taken) of c: queued, or refused while stopping. */
void srv_reindex_request(struct server *s, struct client *c, struct proto_job *pj);
/* A reindex of the watcher's "dir\0name" pairs (taken on success; on
 * failure, LEC_ENOMEM, they stay the caller's). */
lec_status srv_reindex_watched(struct server *s, char **pairs, size_t npairs);
/* A reindex came back: log it, answer its client. j stays the caller's. */
void srv_reindex_done(struct server *s, struct pool_job *j);

/* server-stop.c */
lec_status srv_signals_setup(struct server *s, struct buf *err);
void srv_signals_restore(struct server *s);
/* The signal pipe is readable: begin stopping (once). */
void srv_signal_read(struct server *s);
/* Done stopping: nothing running, every answer written (or out of time). */
int srv_stop_done(const struct server *s);
/* Out of grace while stopping: searches whose clients do not read stop. */
void srv_stop_streams(struct server *s);

/* server-watch.c: inotify on every directory under the roots (--watch) */
lec_status watch_start(struct server *s, struct buf *err);
void watch_read(struct server *s);
void watch_fire(struct server *s);
void watch_refresh_roots(struct server *s);
/* Another writer held the index: these paths (none: every root) wait for
 * a later try. */
void watch_requeue(struct server *s, char *const *paths, size_t npaths);
void watch_release(struct watch *wt);

#endif
