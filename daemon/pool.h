/* pool.h - the daemon's background work: one mechanism, two lanes.
 *
 * Everything the daemon does off its loop is a job of this pool, and every
 * finished job comes back to the loop the same way: on the pool's `done`
 * list, with a byte in its one pipe (pool_fd). A job is of one kind, and
 * each kind has its lane, that is its queue and its threads:
 *
 * - POOL_SEARCH: find and suggest, on the search threads. A Xapian
 *   Database object is not to be shared between threads, so each search
 *   thread owns a proto_env with its own index handle (lib/lectern.h),
 *   on the latest revision at each request as the loop's was.
 * - POOL_TASK: a function and its argument (the daemon's reindexes), on a
 *   thread of its own, one at a time in the order they came: a long
 *   reindex never takes a search thread, and searches go on meanwhile.
 *
 * The loop hands over whole jobs and takes them back finished: a job's
 * request and result belong to the loop or to one thread, never to both,
 * and the hand-off under the pool's mutex orders every access to them.
 *
 * A streamed find's earlier lines go through the job's `pending` bytes,
 * under the mutex: the thread adds a line (and wakes the loop), the loop
 * moves bytes to its client as the client reads (pool_drain); while
 * LEC_STREAM_BUFFER_BYTES wait there, the thread waits (until the search's
 * deadline), so a slow reader holds a thread but never memory. A client
 * that goes away cancels its job (pool_cancel): the search stops.
 *
 * Within the search lane, a heavy job (proto_job.heavy: every passage, a
 * count, many hits) runs on at most all the search threads but one, so
 * that small requests always find a thread free, however many heavy ones
 * wait.
 */
#ifndef LECTERN_POOL_H
#define LECTERN_POOL_H

#include <jansson.h>
#include <pthread.h>
#include <stdint.h>

#include "buf.h"
#include "limits.h" /* POOL_MAX_THREADS */
#include "proto.h"
#include "status.h"

enum pool_kind {
	POOL_SEARCH, /* find, suggest: proto_run on a search thread */
	POOL_TASK,   /* task.run(task.arg) on the task thread */
	POOL_NKINDS
};

/* Background work that is not a search (a reindex: server-reindex.c). */
struct pool_task {
	void (*run)(void *arg);  /* on the task thread */
	void (*free)(void *arg); /* by pool_job_free: arg is the job's */
	void *arg;
};

struct pool_job {
	struct pool_job *next;
	enum pool_kind kind;
	uint64_t client;       /* the asking client's serial (0: nobody's) */
	struct pool_task task; /* POOL_TASK */
	/* POOL_SEARCH: the rest */
	struct proto_job pj; /* the request (owned) */
	/* set by the thread: the response as one line (serialised there, off
	 * the loop), whether it is an error, and its index's shard warning */
	struct buf line;
	lec_status line_status; /* LEC_ENOMEM: no line */
	int failed;
	char *shard_warning; /* or NULL */
	/* under the pool's mutex: a streamed answer's lines before its last,
	 * made by the thread and not yet taken by the loop */
	struct buf pending;
	int flagged;         /* a wake-up byte is out for them */
	int cancel;          /* the loop: nobody reads the answer any more */
	int64_t deadline_ms; /* the thread's: its search's time budget ends */
};

struct pool;

struct pool_thread {
	struct pool *pool;
	pthread_t id;
	enum pool_kind lane;  /* the kind of job it runs */
	struct proto_env env; /* a search thread's index: touched by it alone */
	unsigned shards_gen;  /* the pool's, when this thread last looked */
};

/* A kind's queue (FIFO) and what wakes its threads. */
struct pool_lane {
	struct pool_job *waiting, **waiting_tail;
	pthread_cond_t ready; /* a job is waiting, a heavy one is done, or stop */
};

#define POOL_TASK_THREADS 1 /* tasks run one at a time, in order */

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t room; /* pending bytes were taken, or a job was cancelled */
	struct pool_lane lanes[POOL_NKINDS];
	struct pool_thread threads[POOL_MAX_THREADS + POOL_TASK_THREADS];
	unsigned nthreads;                 /* running */
	int inited;                        /* mu, the conditions and pipe exist */
	struct pool_job *done;             /* LIFO back to the loop (each answered alone) */
	unsigned busy[POOL_NKINDS];        /* submitted, not yet taken back: the loop's alone */
	unsigned heavy_max, heavy_running; /* the search lane's heavy jobs (under mu) */
	int stop;
	unsigned shards_gen; /* pool_shards_changed: bumped by the loop */
	int pipe[2];         /* a byte per finished job */
};

/* The default thread count: the processors online, at least 2 (so that a
 * heavy request leaves one free), at most 8. */
unsigned pool_default_threads(void);

/* Start n (1..POOL_MAX_THREADS) threads searching index_dir, each search
 * within search_ms (0: no budget), and the task thread. Heavy jobs take at
 * most n - 1 of the search threads (all of one). On failure nothing is left
 * running; the message is in err. */
lec_status pool_start(struct pool *p, const char *index_dir, unsigned n, unsigned search_ms,
		      struct buf *err);

/* A search thread saw a remote shard leave the searches or come back:
 * every thread whose index left shards out tries them again on its next
 * request (lectern_index_retry_shards), instead of at its own retry time
 * (each thread has its own index handle, and they must not disagree for long about a shard that is
 * back). Called by the loop. */
void pool_shards_changed(struct pool *p);

/* Queue a job in its kind's lane (the pool owns it until pool_take gives
 * it back). */
void pool_submit(struct pool *p, struct pool_job *j);

/* The finished jobs, as a list (the caller owns them), after draining the
 * wake-up pipe; NULL when none. */
struct pool_job *pool_take(struct pool *p);

/* Jobs of that kind submitted and not yet taken back. */
unsigned pool_busy(const struct pool *p, enum pool_kind kind);

/* Move the streamed bytes job j has made (it is submitted, not yet taken
 * back) to out, at most `room` of them, and let its thread go on. */
void pool_drain(struct pool *p, struct pool_job *j, struct buf *out, size_t room);

/* Nobody reads search j's answer any more: it stops at its next hit. */
void pool_cancel(struct pool *p, struct pool_job *j);

/* Readable when a job has finished. */
int pool_fd(const struct pool *p);

/* Let the running jobs finish (a task is not interrupted: its own stop
 * flag is the caller's), drop the queued ones, join the threads and free
 * what is left. Safe on a pool that never started. */
void pool_stop(struct pool *p);

/* Free j, a search's request and answer or a task's arg (task.free);
 * NULL: nothing. */
void pool_job_free(struct pool_job *j);

#endif
