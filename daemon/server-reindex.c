/* server-reindex.c - the daemon's reindexes. A client's `reindex` and the
 * watcher's saved notes become a task of the pool (pool.h), whose one task
 * thread runs them one at a time, in the order they came, beside the
 * searches; back on the loop each is logged and answered. A reindex meets
 * the daemon's stop flag at its next file (idx_hooks.stop); one that had
 * not begun when the daemon began to stop is answered shutting_down. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "paths.h"
#include "server-int.h"
#include "vec.h"

/* A task's argument: what to reindex, and (from the task thread) what came
 * of it. */
struct reindex {
	const char *index_dir;  /* the server's config's */
	const atomic_int *stop; /* the server's reindex_stop */
	json_t *id;             /* the request's (a reference); NULL: the watcher's */
	char **paths;           /* owned; none: every root */
	size_t npaths;
	int from_watch; /* paths are the watcher's "dir\0name" pairs until run */
	int skipped;    /* the daemon was stopping before it began */
	lec_status st;
	struct idx_stats stats;
	struct buf err; /* idx_run's message */
};

static void reindex_free(void *arg)
{
	struct reindex *r = arg;
	json_decref(r->id);
	strv_free(r->paths, r->npaths);
	buf_release(&r->err);
	free(r);
}

/* ---- in the task thread ------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A watcher's "dir\0name": the file if it is a note or a directory, else
 * its directory (a deleted or renamed-away file vanishes from the index
 * when its directory is refreshed, and a FIFO, socket or device put where a
 * note was gets the walk's warning, "is a FIFO, not a regular file"), else
 * NULL. Resolved in the task thread: as late as possible. */
static char *resolve_event(const char *pair)
{
	const char *dir = pair, *name = pair + strlen(pair) + 1;
	struct stat sb;
	char *path = NULL;
	if (!*name)
		return NULL; /* "refresh everything" (queue overflow, retries) */
	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return NULL;
	if (stat(path, &sb) == 0 && (S_ISREG(sb.st_mode) || S_ISDIR(sb.st_mode)))
		return path;
	free(path);
	return lstat(dir, &sb) == 0 ? strdup(dir) : NULL;
}

/* Turn the watcher's pairs into paths, sorted, none under another. A pair
 * that resolves to nothing (its directory went too) makes a full refresh. */
static void resolve_watched(struct reindex *r)
{
	size_t w = 0;
	int all = 0;
	for (size_t i = 0; i < r->npaths; i++) {
		char *p = resolve_event(r->paths[i]);
		free(r->paths[i]);
		all |= !p;
		if (p)
			r->paths[w++] = p;
	}
	r->npaths = w;
	qsort(r->paths, r->npaths, sizeof(char *), cmp_str);
	w = 0;
	for (size_t i = 0; i < r->npaths; i++) {
		if (w && paths_under(r->paths[i], r->paths[w - 1]))
			free(r->paths[i]);
		else
			r->paths[w++] = r->paths[i];
	}
	r->npaths = w;
	if (all) {
		for (size_t i = 0; i < r->npaths; i++)
			free(r->paths[i]);
		r->npaths = 0;
	}
}

static void reindex_warn(void *ctx, const char *path, const char *message)
{
	(void)ctx;
	log_warn("reindex: %s: %s", path, message);
}

static void reindex_run(void *arg)
{
	struct reindex *r = arg;
	if (atomic_load(r->stop)) {
		r->skipped = 1;
		return;
	}
	if (r->from_watch)
		resolve_watched(r);
	struct idx_opts io = { 0 };
	struct idx_hooks hooks = { .warn = reindex_warn, .stop = r->stop };
	r->st = idx_run(r->index_dir, r->paths, r->npaths, &io, &hooks, &r->stats, &r->err);
}

/* ---- on the loop -------------------------------------------------------- */

/* Queue a reindex for client (0: the watcher's), taking id and paths on
 * success; LEC_ENOMEM leaves them the caller's. */
static lec_status submit(struct server *s, uint64_t client, json_t *id, char **paths, size_t npaths,
			 int from_watch)
{
	struct pool_job *j = calloc(1, sizeof(*j));
	struct reindex *r = calloc(1, sizeof(*r));
	if (!j || !r) {
		free(j);
		free(r);
		return LEC_ENOMEM;
	}
	*r = (struct reindex){ .index_dir = s->cfg->index_dir,
			       .stop = &s->reindex_stop,
			       .id = id,
			       .paths = paths,
			       .npaths = npaths,
			       .from_watch = from_watch };
	buf_init(&r->err, 4096);
	j->kind = POOL_TASK;
	j->client = client;
	j->task = (struct pool_task){ .run = reindex_run, .free = reindex_free, .arg = r };
	pool_submit(&s->pool, j);
	s->env.reindexing = 1;
	return LEC_OK;
}

void srv_reindex_request(struct server *s, struct client *c, struct proto_job *pj)
{
	if (s->stopping) {
		srv_client_reply(
			c, proto_error(pj->id, PROTO_E_SHUTTING_DOWN, "the daemon is stopping"));
	} else if (submit(s, c->serial, pj->id, pj->paths, pj->npaths, 0) == LEC_OK) {
		c->waiting = 1;
		*pj = (struct proto_job){ 0 }; /* its id and paths are the reindex's now */
	} else {
		srv_client_reply(c, proto_error(pj->id, PROTO_E_INTERNAL, "out of memory"));
	}
	proto_job_release(pj);
}

lec_status srv_reindex_watched(struct server *s, char **pairs, size_t npairs)
{
	return submit(s, 0, NULL, pairs, npairs, 1);
}

static void log_reindex(const struct reindex *r)
{
	const char *how = r->from_watch ? " (watch)" : "";
	const struct idx_stats *t = &r->stats;
	if (r->st) {
		log_warn("reindex%s failed: %s", how,
			 r->err.len ? r->err.data : lec_status_str(r->st));
		return;
	}
	log_info("reindex%s: %llu added, %llu updated, %llu removed, %llu unchanged in %.3fs%s",
		 how, (unsigned long long)t->added, (unsigned long long)t->updated,
		 (unsigned long long)t->removed, (unsigned long long)t->unchanged, t->seconds,
		 t->interrupted ? " (interrupted)" : "");
}

/* A watch reindex that meets another writer's lock (a `lectern index`
 * running) is tried again every LOCKED_RETRY_MS: that is waiting, not
 * failing, so it is logged once when it starts and once when it is over,
 * not every second. */
static void log_watch_wait(struct server *s, const struct reindex *r, int waits)
{
	if (!r->from_watch)
		return;
	if (waits) {
		if (!s->wt.waiting_lock)
			log_info("watch: waiting for another indexer's lock on %s; the changes are "
				 "reindexed when it is released",
				 s->cfg->index_dir);
		s->wt.waiting_lock = 1;
	} else if (s->wt.waiting_lock) {
		log_info("watch: the other indexer is done with %s: reindexing what waited",
			 s->cfg->index_dir);
		s->wt.waiting_lock = 0;
	}
}

/* The daemon's only tasks are reindexes: j->task.arg is one. */
void srv_reindex_done(struct server *s, struct pool_job *j)
{
	struct reindex *r = j->task.arg;
	struct client *c = srv_client_by_serial(s, j->client);
	s->env.reindexing = pool_busy(&s->pool, POOL_TASK) > 0;
	if (r->skipped) {
		if (c) {
			srv_client_reply(c, proto_error(r->id, PROTO_E_SHUTTING_DOWN,
							"the daemon is stopping"));
			srv_client_resume(s, c);
		}
		return;
	}
	int waits = r->from_watch && r->st == LEC_ELOCKED && !s->stopping;
	s->env.reindexes++;
	log_watch_wait(s, r, waits);
	if (!waits)
		log_reindex(r);
	if (c) {
		srv_client_reply(c, proto_reindex_reply(r->id, r->st, &r->stats, r->err.data));
		srv_client_resume(s, c);
	}
	if (waits)
		watch_requeue(s, r->paths, r->npaths);
	if (s->wt.fd >= 0 && !r->st)
		watch_refresh_roots(s);
}
