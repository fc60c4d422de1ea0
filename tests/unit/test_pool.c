/* test_pool.c - the daemon's one background mechanism (pool.h) with tasks:
 * they run one at a time, in the order they came, on the task thread (not
 * on a search thread), come back to the loop through the pool's one pipe
 * with their kind, and every task's argument is freed exactly once,
 * whether it ran, came back or was still queued when the pool stopped. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"

#define NTASKS 8

/* What the tasks saw: written by the task thread only, read by the test
 * after the hand-off back (pool_take), or after pool_stop joined it. */
struct record {
	int order[NTASKS];
	int ran;
	atomic_int running, most_running;
	atomic_int freed;
	pthread_t thread;
	int one_thread;
};

struct task_arg {
	struct record *rec;
	int n;
};

static void task_run(void *arg)
{
	struct task_arg *t = arg;
	struct record *r = t->rec;
	int now = atomic_fetch_add(&r->running, 1) + 1;
	if (now > atomic_load(&r->most_running))
		atomic_store(&r->most_running, now);
	if (r->ran == 0)
		r->thread = pthread_self();
	else if (!pthread_equal(r->thread, pthread_self()))
		r->one_thread = 0;
	r->order[r->ran++] = t->n;
	atomic_fetch_sub(&r->running, 1);
}

static void task_free(void *arg)
{
	struct task_arg *t = arg;
	atomic_fetch_add(&t->rec->freed, 1);
	free(t);
}

static struct pool_job *task_job(struct record *r, int n)
{
	struct pool_job *j = calloc(1, sizeof(*j));
	struct task_arg *t = calloc(1, sizeof(*t));
	assert_non_null(j);
	assert_non_null(t);
	t->rec = r;
	t->n = n;
	j->kind = POOL_TASK;
	j->client = (uint64_t)n + 1;
	j->task = (struct pool_task){ .run = task_run, .free = task_free, .arg = t };
	return j;
}

static void start(struct pool *p)
{
	struct buf err;
	buf_init(&err, 256);
	/* the search threads open nothing until a search comes */
	assert_int_equal(pool_start(p, "/nonexistent-index", 2, 0, &err), LEC_OK);
	buf_release(&err);
}

static void test_tasks_in_order_one_at_a_time(void **state)
{
	(void)state;
	struct pool p;
	struct record r = { .one_thread = 1 };
	start(&p);
	for (int i = 0; i < NTASKS; i++)
		pool_submit(&p, task_job(&r, i));
	assert_int_equal(pool_busy(&p, POOL_TASK), NTASKS);
	assert_int_equal(pool_busy(&p, POOL_SEARCH), 0);
	int back = 0;
	while (back < NTASKS) {
		struct pollfd pf = { .fd = pool_fd(&p), .events = POLLIN };
		assert_int_equal(poll(&pf, 1, 10000), 1); /* the one pipe wakes us */
		for (struct pool_job *j = pool_take(&p), *next; j; j = next) {
			next = j->next;
			assert_int_equal(j->kind, POOL_TASK);
			back++;
			pool_job_free(j);
		}
	}
	assert_int_equal(pool_busy(&p, POOL_TASK), 0);
	assert_int_equal(r.ran, NTASKS);
	for (int i = 0; i < NTASKS; i++)
		assert_int_equal(r.order[i], i);
	assert_int_equal(atomic_load(&r.most_running), 1);
	assert_true(r.one_thread);
	assert_int_equal(atomic_load(&r.freed), NTASKS);
	pool_stop(&p);
}

static void test_stop_frees_every_task(void **state)
{
	(void)state;
	struct pool p;
	struct record r = { .one_thread = 1 };
	start(&p);
	for (int i = 0; i < NTASKS; i++)
		pool_submit(&p, task_job(&r, i));
	pool_stop(&p); /* some ran and wait on the done list, some never began */
	assert_int_equal(atomic_load(&r.freed), NTASKS);
	for (int i = 0; i < r.ran; i++)
		assert_int_equal(r.order[i], i);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tasks_in_order_one_at_a_time),
		cmocka_unit_test(test_stop_frees_every_task),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
