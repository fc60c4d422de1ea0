/* pool.c - the daemon's search threads (pool.h). */
#include "pool.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "limits.h"
#include "search.h"

unsigned pool_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 8 ? 8 : (unsigned)n;
}

void pool_job_free(struct pool_job *j)
{
	if (!j)
		return;
	proto_job_release(&j->pj);
	buf_release(&j->line);
	free(j->shard_warning);
	free(j);
}

/* The next job, or NULL when stopping; *gen: the pool's shards_gen. */
static struct pool_job *next_job(struct pool *p, unsigned *gen)
{
	pthread_mutex_lock(&p->mu);
	while (!p->waiting && !p->stop)
		pthread_cond_wait(&p->ready, &p->mu);
	struct pool_job *j = p->stop ? NULL : p->waiting;
	if (j) {
		p->waiting = j->next;
		if (!p->waiting)
			p->waiting_tail = &p->waiting;
		j->next = NULL;
	}
	*gen = p->shards_gen;
	pthread_mutex_unlock(&p->mu);
	return j;
}

static void finish_job(struct pool *p, struct pool_job *j)
{
	pthread_mutex_lock(&p->mu);
	j->next = p->done;
	p->done = j;
	pthread_mutex_unlock(&p->mu);
	char c = 1;
	/* the pipe holds far more bytes than jobs can be in flight (one per
	 * client); a full pipe would still leave a wake-up pending */
	while (write(p->pipe[1], &c, 1) < 0 && errno == EINTR)
		;
}

static void *thread_main(void *arg)
{
	struct pool_thread *t = arg;
	struct pool_job *j;
	unsigned gen;
	while ((j = next_job(t->pool, &gen))) {
		if (gen != t->shards_gen) {
			searcher_retry_now(t->env.searcher);
			t->shards_gen = gen;
		}
		json_t *reply = proto_run(&t->env, &j->pj);
		j->failed = json_is_false(json_object_get(reply, "ok"));
		buf_init(&j->line, LEC_MAX_CLIENT_OUTPUT * 2);
		j->line_status = proto_dump_line(reply, LEC_MAX_CLIENT_OUTPUT, &j->line);
		json_decref(reply);
		const char *w = t->env.searcher ? searcher_warnings(t->env.searcher) : NULL;
		j->shard_warning = w ? strdup(w) : NULL;
		finish_job(t->pool, j);
	}
	return NULL;
}

lec_status pool_start(struct pool *p, const char *index_dir, unsigned n, struct buf *err)
{
	memset(p, 0, sizeof(*p));
	p->pipe[0] = p->pipe[1] = -1;
	p->waiting_tail = &p->waiting;
	if (n < 1 || n > POOL_MAX_THREADS) {
		buf_printf(err, "search threads: %u is not in 1..%d", n, POOL_MAX_THREADS);
		return LEC_EINVAL;
	}
	if (pipe2(p->pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
		buf_printf(err, "pipe: %s", strerror(errno));
		return LEC_EIO;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->ready, NULL);
	p->inited = 1;
	/* the threads never handle signals: the loop does */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	lec_status st = LEC_OK;
	for (unsigned i = 0; i < n && !st; i++) {
		struct pool_thread *t = &p->threads[i];
		t->pool = p;
		if ((st = proto_env_init(&t->env, index_dir))) {
			buf_printf(err, "out of memory");
			break;
		}
		t->env.quiet = 1;
		int rc = pthread_create(&t->id, NULL, thread_main, t);
		if (rc != 0) {
			proto_env_release(&t->env);
			buf_printf(err, "cannot start a search thread: %s", strerror(rc));
			st = LEC_EIO;
			break;
		}
		p->nthreads++;
	}
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
	j->next = NULL;
	pthread_mutex_lock(&p->mu);
	*p->waiting_tail = j;
	p->waiting_tail = &j->next;
	pthread_cond_signal(&p->ready);
	pthread_mutex_unlock(&p->mu);
	p->busy++;
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
		p->busy--;
	return list;
}

unsigned pool_busy(const struct pool *p)
{
	return p->busy; /* only the loop's thread counts: submit and take */
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
	pthread_cond_broadcast(&p->ready);
	pthread_mutex_unlock(&p->mu);
	for (unsigned i = 0; i < p->nthreads; i++) {
		pthread_join(p->threads[i].id, NULL);
		proto_env_release(&p->threads[i].env);
	}
	p->nthreads = 0;
	free_list(p->waiting);
	free_list(p->done);
	p->waiting = p->done = NULL;
	p->waiting_tail = &p->waiting;
	p->busy = 0;
	close(p->pipe[0]);
	close(p->pipe[1]);
	p->pipe[0] = p->pipe[1] = -1;
	pthread_cond_destroy(&p->ready);
	pthread_mutex_destroy(&p->mu);
	p->inited = 0;
}
