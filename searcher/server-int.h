/* server-int.h - what the daemon's event loop (server.c) and its watcher
 * (watch.c) share: the server's state. Private to those two files. */
#ifndef LECTERN_SERVER_INT_H
#define LECTERN_SERVER_INT_H

#include <jansson.h>
#include <pthread.h>
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

struct job {
	struct job *next;
	uint64_t client; /* 0: from the watcher */
	json_t *id;
	char **paths; /* watcher: "dir\0name" pairs resolved in the worker */
	size_t npaths;
	int from_watch;
};

struct worker {
	pthread_t thread;
	int busy;
	int pipe[2]; /* the thread writes one byte when done */
	struct job *queue, *cur;
	const char *index_dir;
	atomic_int stop; /* set by the loop, read by the reindex worker */
	lec_status st;
	struct idx_stats stats;
	struct buf err;
};

struct watch {
	int fd;      /* inotify, or -1 */
	char **dirs; /* indexed by watch descriptor */
	size_t ndirs;
	char **pending; /* "dir\0name" pairs waiting for the debounce */
	size_t npending;
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
	struct worker w;
	struct pool pool;   /* the search threads */
	int shards_missing; /* a search thread last saw a shard left out */
	int stream_again;   /* streamed lines are left to move next turn */
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
void srv_worker_enqueue(struct server *s, struct job *j);

/* watch.c: inotify on every directory under the roots (--watch) */
lec_status watch_start(struct server *s, struct buf *err);
void watch_read(struct server *s);
void watch_fire(struct server *s);
void watch_refresh_roots(struct server *s);
void watch_requeue(struct server *s, struct job *j);
void watch_release(struct watch *wt);

#endif
