/* pool.c - the daemon's background work: search threads and the task
 * thread, one queue each, one way back to the loop (pool.h). */
#include "pool.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "limits.h"

unsigned pool_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 2 ? 2 : n > 8 ? 8 : (unsigned)n;
}

void pool_job_free(struct pool_job *j)
{
	if (!j)
		return;
	if (j->task.free)
		j->task.free(j->task.arg);
	proto_job_release(&j->pj);
	buf_release(&j->line);
	buf_release(&j->pending);
	free(j->shard_warning);
	free(j);
}

/* The first job waiting in the lane that a thread may take (a heavy
 * search only while fewer than heavy_max run), unlinked; NULL when none.
 * Under mu. */
static struct pool_job *unlink_eligible(struct pool *p, struct pool_lane *lane)
{
	for (struct pool_job **at = &lane->waiting; *at; at = &(*at)->next) {
		struct pool_job *j = *at;
		if (j->pj.heavy && p->heavy_running >= p->heavy_max)
			continue;
		*at = j->next;
		if (!*at)
			lane->waiting_tail = at;
		j->next = NULL;
		p->heavy_running += j->pj.heavy != 0;
		return j;
	}
	return NULL;
}

/* The next job of t's lane, or NULL when stopping; *gen: the pool's
 * shards_gen. */
static struct pool_job *next_job(struct pool_thread *t, unsigned *gen)
{
	struct pool *p = t->pool;
	struct pool_lane *lane = &p->lanes[t->lane];
	struct pool_job *j = NULL;
	pthread_mutex_lock(&p->mu);
	while (!p->stop && !(j = unlink_eligible(p, lane)))
		pthread_cond_wait(&lane->ready, &p->mu);
	*gen = p->shards_gen;
	pthread_mutex_unlock(&p->mu);
	return j;
}

static void wake_loop(struct pool *p)
{
	char c = 1;
	/* the pipe holds far more bytes than jobs can be in flight (one per
	 * client); a full pipe would still leave a wake-up pending */
	while (write(p->pipe[1], &c, 1) < 0 && errno == EINTR)
		;
}

static void finish_job(struct pool *p, struct pool_job *j)
{
	pthread_mutex_lock(&p->mu);
	j->next = p->done;
	p->done = j;
	if (j->pj.heavy) {
		p->heavy_running--;
		pthread_cond_broadcast(&p->lanes[POOL_SEARCH].ready); /* a heavy one may go now */
	}
	pthread_mutex_unlock(&p->mu);
	wake_loop(p);
}

/* A streamed answer's line (proto_sink): queued for the loop, after
 * waiting while LEC_STREAM_BUFFER_BYTES are there already. */
struct sink_ctx {
	struct pool *p;
	struct pool_job *j;
};

static int wait_room(struct pool *p, int64_t deadline_ms)
{
	if (!deadline_ms)
		return pthread_cond_wait(&p->room, &p->mu);
	struct timespec ts = { .tv_sec = deadline_ms / 1000,
			       .tv_nsec = deadline_ms % 1000 * 1000000 };
	return pthread_cond_timedwait(&p->room, &p->mu, &ts);
}

static lec_status sink_line(void *ctx, const char *data, size_t len, int64_t deadline_ms)
{
	struct sink_ctx *c = ctx;
	struct pool *p = c->p;
	struct pool_job *j = c->j;
	lec_status st = LEC_OK;
	int wake = 0;
	pthread_mutex_lock(&p->mu);
	while (!j->cancel && !p->stop && j->pending.len >= LEC_STREAM_BUFFER_BYTES && !st)
		if (wait_room(p, deadline_ms) == ETIMEDOUT)
			st = LEC_ETIMEOUT;
	if (j->cancel || p->stop)
		st = LEC_ESTOP;
	if (!st) {
		buf_put(&j->pending, data, len);
		st = j->pending.status;
		wake = !j->flagged;
		j->flagged = 1;
	}
	pthread_mutex_unlock(&p->mu);
	if (wake)
		wake_loop(p);
	return st;
}

static void run_search(struct pool_thread *t, struct pool_job *j, unsigned gen)
{
	if (gen != t->shards_gen) {
		lectern_index_retry_shards(t->env.index);
		t->shards_gen = gen;
	}
	struct sink_ctx sc = { t->pool, j };
	struct proto_sink sink = { sink_line, &sc };
	j->line_status = proto_run(&t->env, &j->pj, &sink, &j->line, &j->failed);
	const char *w = lectern_index_warnings(t->env.index);
	j->shard_warning = w ? strdup(w) : NULL;
}

static void *thread_main(void *arg)
{
	struct pool_thread *t = arg;
	struct pool_job *j;
	unsigned gen;
	while ((j = next_job(t, &gen))) {
		if (j->kind == POOL_TASK)
			j->task.run(j->task.arg);
		else
			run_search(t, j, gen);
		finish_job(t->pool, j);
	}
	return NULL;
}

/* One thread of that lane; a search thread gets its own index handle. */
static lec_status start_thread(struct pool *p, enum pool_kind lane, const char *index_dir,
			       unsigned search_ms, struct buf *err)
{
	struct pool_thread *t = &p->threads[p->nthreads];
	t->pool = p;
	t->lane = lane;
	if (lane == POOL_SEARCH) {
		if (proto_env_init(&t->env, index_dir)) {
			buf_printf(err, "out of memory");
			return LEC_ENOMEM;
		}
		t->env.quiet = 1;
		t->env.search_ms = search_ms;
	}
	int rc = pthread_create(&t->id, NULL, thread_main, t);
	if (rc != 0) {
		proto_env_release(&t->env);
		buf_printf(err, "cannot start a %s thread: %s",
			   lane == POOL_SEARCH ? "search" : "task", strerror(rc));
		return LEC_EIO;
	}
	p->nthreads++;
	return LEC_OK;
}

static void lane_init(struct pool_lane *lane)
{
	lane->waiting = NULL;
	lane->waiting_tail = &lane->waiting;
	pthread_cond_init(&lane->ready, NULL);
}

lec_status pool_start(struct pool *p, const char *index_dir, unsigned n, unsigned search_ms,
		      struct buf *err)
{
	memset(p, 0, sizeof(*p));
	p->pipe[0] = p->pipe[1] = -1;
	if (n < 1 || n > POOL_MAX_THREADS) {
		buf_printf(err, "search threads: %u is not in 1..%d", n, POOL_MAX_THREADS);
		return LEC_EINVAL;
	}
	if (pipe2(p->pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
		buf_printf(err, "pipe: %s", strerror(errno));
		return LEC_EIO;
	}
	pthread_mutex_init(&p->mu, NULL);
	for (int k = 0; k < POOL_NKINDS; k++)
		lane_init(&p->lanes[k]);
	/* deadlines are CLOCK_MONOTONIC (search_now_ms) */
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->room, &ca);
	pthread_condattr_destroy(&ca);
	p->heavy_max = n > 1 ? n - 1 : 1;
	p->inited = 1;
	/* the threads never handle signals: the loop does */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	lec_status st = LEC_OK;
	for (unsigned i = 0; i < n && !st; i++)
		st = start_thread(p, POOL_SEARCH, index_dir, search_ms, err);
	for (unsigned i = 0; i < POOL_TASK_THREADS && !st; i++)
		st = start_thread(p, POOL_TASK, index_dir, search_ms, err);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (st)
		pool_stop(p);
	return st;
}

void pool_shards_changed(struct pool *p)
{
	pthread_mutex_lock(&p->mu);
	p->shards_gen++;
	pthread_mutex_unlock(&p->mu);
}

void pool_submit(struct pool *p, struct pool_job *j)
{
	enum pool_kind kind = j->kind;
	struct pool_lane *lane = &p->lanes[kind];
	j->next = NULL;
	pthread_mutex_lock(&p->mu);
	*lane->waiting_tail = j;
	lane->waiting_tail = &j->next;
	pthread_cond_signal(&lane->ready);
	pthread_mutex_unlock(&p->mu);
	p->busy[kind]++; /* j may be finished already: not read again */
}

struct pool_job *pool_take(struct pool *p)
{
	char drain[256];
	while (read(p->pipe[0], drain, sizeof(drain)) > 0)
		;
	pthread_mutex_lock(&p->mu);
	struct pool_job *list = p->done;
	p->done = NULL;
	pthread_mutex_unlock(&p->mu);
	for (struct pool_job *j = list; j; j = j->next)
		p->busy[j->kind]--;
	return list;
}

unsigned pool_busy(const struct pool *p, enum pool_kind kind)
{
	return p->busy[kind]; /* only the loop's thread counts: submit and take */
}

void pool_drain(struct pool *p, struct pool_job *j, struct buf *out, size_t room)
{
	pthread_mutex_lock(&p->mu);
	size_t n = j->pending.len < room ? j->pending.len : room;
	if (n) {
		buf_put(out, j->pending.data, n);
		memmove(j->pending.data, j->pending.data + n, j->pending.len - n);
		j->pending.len -= n;
		j->pending.data[j->pending.len] = '\0';
		pthread_cond_broadcast(&p->room);
	}
	j->flagged = 0; /* the next line wakes the loop again */
	if (!j->pending.len && j->pending.cap > (64u << 10))
		buf_release(&j->pending);
	pthread_mutex_unlock(&p->mu);
}

void pool_cancel(struct pool *p, struct pool_job *j)
{
	pthread_mutex_lock(&p->mu);
	j->cancel = 1;
	pthread_cond_broadcast(&p->room);
	pthread_mutex_unlock(&p->mu);
}

int pool_fd(const struct pool *p)
{
	return p->pipe[0];
}

static void free_list(struct pool_job *j)
{
	for (struct pool_job *next; j; j = next) {
		next = j->next;
		pool_job_free(j);
	}
}

void pool_stop(struct pool *p)
{
	if (!p->inited)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	for (int k = 0; k < POOL_NKINDS; k++)
		pthread_cond_broadcast(&p->lanes[k].ready);
	pthread_cond_broadcast(&p->room); /* a streamed answer waiting for room stops */
	pthread_mutex_unlock(&p->mu);
	for (unsigned i = 0; i < p->nthreads; i++) {
		pthread_join(p->threads[i].id, NULL);
		proto_env_release(&p->threads[i].env);
	}
	p->nthreads = 0;
	for (int k = 0; k < POOL_NKINDS; k++) {
		free_list(p->lanes[k].waiting);
		p->lanes[k].waiting = NULL;
		p->lanes[k].waiting_tail = &p->lanes[k].waiting;
		pthread_cond_destroy(&p->lanes[k].ready);
		p->busy[k] = 0;
	}
	free_list(p->done);
	p->done = NULL;
	close(p->pipe[0]);
	close(p->pipe[1]);
	p->pipe[0] = p->pipe[1] = -1;
	pthread_cond_destroy(&p->room);
	pthread_mutex_destroy(&p->mu);
	p->inited = 0;
}
