/* server.c - the daemon's event loop: clients, reindex worker, watcher. */
#include "jsondump.h"
#include "server.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "index.h"
#include "limits.h"
#include "log.h"
#include "paths.h"
#include "proto.h"
#include "sock.h"
#include "server-int.h"

static int sig_fd = -1;
static volatile sig_atomic_t sig_seen;

long long srv_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- signals ------------------------------------------------------------ */

static void on_signal(int sig)
{
	int e = errno;
	char c = (char)sig;
	sig_seen = sig;
	if (write(sig_fd, &c, 1) < 0) {
		/* the pipe is full: a wake-up is pending anyway */
	}
	errno = e;
}

static lec_status signals_setup(struct server *s, struct buf *err)
{
	if (pipe2(s->sig_pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
		buf_printf(err, "pipe: %s", strerror(errno));
		return LEC_EIO;
	}
	sig_fd = s->sig_pipe[1];
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	return LEC_OK;
}

static void signals_restore(struct server *s)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sig_fd = -1;
	close(s->sig_pipe[0]);
	close(s->sig_pipe[1]);
}

/* ---- clients: output ---------------------------------------------------- */

static void client_drop(struct client *c, const char *why)
{
	if (why)
		log_warn("client %llu: %s: dropped", (unsigned long long)c->serial, why);
	c->dead = 1;
}

/* Write what the socket takes now. */
static void client_flush(struct client *c)
{
	while (!c->dead && c->out_sent < c->out.len) {
		ssize_t n = send(c->fd, c->out.data + c->out_sent, c->out.len - c->out_sent,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			c->dead = 1; /* the peer went away: nothing to tell it */
			return;
		}
		c->out_sent += (size_t)n;
		c->last_ms = srv_now_ms();
	}
	if (c->out_sent == c->out.len) {
		c->out_sent = 0;
		if (c->out.cap > KEEP_BYTES)
			buf_release(&c->out);
		else
			buf_reset(&c->out);
	}
}

/* A client that never reads its replies hits the cap and is dropped. */
static void client_check_output(struct client *c, lec_status st)
{
	if (st) {
		client_drop(c, "out of memory for a reply");
		return;
	}
	if (c->out.len - c->out_sent > LEC_MAX_CLIENT_OUTPUT)
		client_drop(c, "unread replies over LEC_MAX_CLIENT_OUTPUT (it does not read)");
}

/* Queue a reply (taking the reference). */
static void client_reply(struct client *c, json_t *reply)
{
	if (!reply || c->dead) {
		json_decref(reply);
		return;
	}
	lec_status st = proto_dump_line(reply, LEC_MAX_CLIENT_OUTPUT, &c->out);
	json_decref(reply);
	client_check_output(c, st);
}

/* Queue a reply a search thread has already made a line of (taking its
 * bytes: a client with nothing unsent gets the line's buffer itself, not
 * a copy of up to LEC_MAX_CLIENT_OUTPUT). */
static void client_reply_line(struct client *c, struct buf *line, lec_status st)
{
	if (c->dead)
		return;
	if (!st && c->out.len == 0 && line->len) {
		struct buf empty = c->out;
		c->out.data = line->data;
		c->out.len = line->len;
		c->out.cap = line->cap;
		line->data = empty.data;
		line->len = 0;
		line->cap = empty.cap;
	} else if (!st) {
		buf_put(&c->out, line->data, line->len);
		st = c->out.status;
	}
	client_check_output(c, st);
}

/* A streamed answer's lines so far, as far as the client has room for
 * them (LEC_STREAM_BUFFER_BYTES unsent at most): the search waits for the
 * rest until the client reads. */
static void client_stream(struct server *s, struct client *c)
{
	/* a few rounds a turn, then the other clients' turn */
	for (int round = 0; c->job && !c->dead; round++) {
		size_t unsent = c->out.len - c->out_sent, had = c->out.len;
		if (unsent >= LEC_STREAM_BUFFER_BYTES)
			return; /* POLLOUT brings us back */
		if (round == 8) {
			s->stream_again = 1;
			return;
		}
		if (c->out_sent) {
			/* what was sent goes: the buffer holds what is not */
			memmove(c->out.data, c->out.data + c->out_sent, unsent);
			c->out.len = unsent;
			c->out_sent = 0;
			had = unsent;
		}
		pool_drain(&s->pool, c->job, &c->out, LEC_STREAM_BUFFER_BYTES - unsent);
		client_check_output(c, c->out.status);
		if (c->out.len == had)
			return; /* nothing made yet: the thread wakes us (pool_fd) */
		client_flush(c);
	}
}

/* Every running search's streamed lines. */
static void stream_all(struct server *s)
{
	s->stream_again = 0;
	for (size_t i = 0; i < s->nclients; i++)
		if (s->clients[i]->job)
			client_stream(s, s->clients[i]);
}

/* ---- the reindex worker ------------------------------------------------- */

static void job_free(struct job *j)
{
	if (!j)
		return;
	json_decref(j->id);
	for (size_t i = 0; i < j->npaths; i++)
		free(j->paths[i]);
	free(j->paths);
	free(j);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A watcher's "dir\0name": the file if it is a note or a directory, else
 * its directory (a deleted or renamed-away file vanishes from the index
 * when its directory is refreshed, and a FIFO, socket or device put where a
 * note was gets the walk's warning, "is a FIFO, not a regular file"), else
 * NULL. Runs in the worker: as late as possible. */
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

/* Turn a watch job's pairs into paths, sorted, none under another. A pair
 * that resolves to nothing (its directory went too) makes a full refresh. */
static void resolve_watch_job(struct job *j)
{
	size_t w = 0;
	int all = 0;
	for (size_t i = 0; i < j->npaths; i++) {
		char *p = resolve_event(j->paths[i]);
		free(j->paths[i]);
		all |= !p;
		if (p)
			j->paths[w++] = p;
	}
	j->npaths = w;
	qsort(j->paths, j->npaths, sizeof(char *), cmp_str);
	w = 0;
	for (size_t i = 0; i < j->npaths; i++) {
		if (w && paths_under(j->paths[i], j->paths[w - 1]))
			free(j->paths[i]);
		else
			j->paths[w++] = j->paths[i];
	}
	j->npaths = w;
	if (all) {
		for (size_t i = 0; i < j->npaths; i++)
			free(j->paths[i]);
		j->npaths = 0;
	}
}

static void worker_warn(void *ctx, const char *path, const char *message)
{
	(void)ctx;
	log_warn("reindex: %s: %s", path, message);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct job *j = w->cur;
	struct idx_opts io = { 0 };
	struct idx_hooks hooks = { .warn = worker_warn, .stop = &w->stop };
	if (j->from_watch)
		resolve_watch_job(j);
	buf_reset(&w->err);
	w->st = idx_run(w->index_dir, j->paths, j->npaths, &io, &hooks, &w->stats, &w->err);
	char c = 1;
	while (write(w->pipe[1], &c, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

static void worker_start_next(struct server *s)
{
	struct worker *w = &s->w;
	if (w->busy || !w->queue || atomic_load(&w->stop))
		return;
	w->cur = w->queue;
	w->queue = w->cur->next;
	w->cur->next = NULL;
	/* the thread never handles signals: the loop does */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int rc = pthread_create(&w->thread, NULL, worker_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		log_error("reindex: cannot start a thread: %s", strerror(rc));
		w->st = LEC_EIO;
		buf_reset(&w->err);
		buf_printf(&w->err, "cannot start a thread: %s", strerror(rc));
		char c = 1;
		if (write(w->pipe[1], &c, 1) < 0)
			log_error("reindex: completion pipe: %s", strerror(errno));
		return;
	}
	w->busy = 1;
	s->env.reindexing = 1;
}

void srv_worker_enqueue(struct server *s, struct job *j)
{
	struct job **p = &s->w.queue;
	while (*p)
		p = &(*p)->next;
	*p = j;
	worker_start_next(s);
}

static struct client *client_by_serial(struct server *s, uint64_t serial)
{
	for (size_t i = 0; serial && i < s->nclients; i++)
		if (s->clients[i]->serial == serial && !s->clients[i]->dead)
			return s->clients[i];
	return NULL;
}

static void client_process(struct server *s, struct client *c);

static void log_reindex(const struct job *j, lec_status st, const struct idx_stats *t,
			const char *msg)
{
	if (st) {
		log_warn("reindex%s failed: %s", j->from_watch ? " (watch)" : "",
			 msg && *msg ? msg : lec_status_str(st));
		return;
	}
	log_info("reindex%s: %llu added, %llu updated, %llu removed, %llu unchanged in %.3fs%s",
		 j->from_watch ? " (watch)" : "", (unsigned long long)t->added,
		 (unsigned long long)t->updated, (unsigned long long)t->removed,
		 (unsigned long long)t->unchanged, t->seconds,
		 t->interrupted ? " (interrupted)" : "");
}

/* A watch reindex that meets another writer's lock (a `lectern index`
 * running) is tried again every LOCKED_RETRY_MS: that is waiting, not
 * failing, so it is logged once when it starts and once when it is over,
 * not every second. */
static void log_watch_wait(struct server *s, const struct job *j, lec_status st)
{
	if (!j->from_watch)
		return;
	if (st == LEC_ELOCKED && !s->stopping) {
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

/* The worker's byte arrived: answer, and start the next job. */
static void worker_done(struct server *s)
{
	struct worker *w = &s->w;
	char drain[64];
	while (read(w->pipe[0], drain, sizeof(drain)) > 0)
		;
	if (w->busy)
		pthread_join(w->thread, NULL);
	w->busy = 0;
	s->env.reindexing = 0;
	struct job *j = w->cur;
	w->cur = NULL;
	if (!j)
		return;
	s->env.reindexes++;
	log_watch_wait(s, j, w->st);
	if (!(j->from_watch && w->st == LEC_ELOCKED && !s->stopping))
		log_reindex(j, w->st, &w->stats, w->err.data);
	struct client *c = client_by_serial(s, j->client);
	if (c) {
		client_reply(c, proto_reindex_reply(j->id, w->st, &w->stats, w->err.data));
		c->waiting = 0;
		client_process(s, c); /* the lines that waited behind it */
		client_flush(c);
	}
	if (j->from_watch && w->st == LEC_ELOCKED && !s->stopping)
		watch_requeue(s, j);
	if (s->wt.fd >= 0 && !w->st)
		watch_refresh_roots(s);
	job_free(j);
	worker_start_next(s);
}

/* ---- the search threads ------------------------------------------------ */

/* The log says when a remote shard leaves the searches and comes back:
 * once for the daemon, not once per search thread; and the other threads
 * try a shard that is back at once (pool_shards_changed). */
static void note_shards(struct server *s, const char *warning)
{
	if (warning && !s->shards_missing)
		log_warn("%s", warning);
	else if (!warning && s->shards_missing)
		log_info("every shard of the index answers again");
	else
		return;
	s->shards_missing = warning != NULL;
	pool_shards_changed(&s->pool);
}

/* Finished searches: answer each client, and go on with its next line. */
static void pool_done(struct server *s)
{
	struct pool_job *list = pool_take(&s->pool);
	s->env.searches = pool_busy(&s->pool);
	for (struct pool_job *j = list, *next; j; j = next) {
		next = j->next;
		s->env.errors += (uint64_t)j->failed;
		note_shards(s, j->shard_warning);
		struct client *c = client_by_serial(s, j->client);
		if (c) {
			/* the streamed lines left (bounded), then the last one */
			pool_drain(&s->pool, j, &c->out, SIZE_MAX);
			client_reply_line(c, &j->line, j->line_status);
			c->job = NULL;
			c->waiting = 0;
			client_process(s, c);
			client_flush(c);
		}
		pool_job_free(j);
	}
	stream_all(s); /* the searches still running: their streamed lines */
}

/* ---- clients: input ----------------------------------------------------- */

static void handle_line(struct server *s, struct client *c, const char *line, size_t len)
{
	json_t *reply = NULL;
	struct proto_job pj;
	if (proto_handle(&s->env, line, len, &reply, &pj) == PROTO_REPLY) {
		client_reply(c, reply);
		return;
	}
	if (pj.op != PROTO_OP_REINDEX) {
		/* a search: to the pool; it runs even while stopping (it is short) */
		struct pool_job *sj = calloc(1, sizeof(*sj));
		if (!sj) {
			client_reply(c, proto_error(pj.id, PROTO_E_INTERNAL, "out of memory"));
			proto_job_release(&pj);
			return;
		}
		sj->client = c->serial;
		sj->pj = pj;
		c->waiting = 1;
		c->job = sj;
		pool_submit(&s->pool, sj);
		s->env.searches = pool_busy(&s->pool);
		return;
	}
	if (s->stopping) {
		client_reply(c,
			     proto_error(pj.id, PROTO_E_SHUTTING_DOWN, "the daemon is stopping"));
		proto_job_release(&pj);
		return;
	}
	struct job *j = calloc(1, sizeof(*j));
	if (!j) {
		client_reply(c, proto_error(pj.id, PROTO_E_INTERNAL, "out of memory"));
		proto_job_release(&pj);
		return;
	}
	*j = (struct job){
		.client = c->serial, .id = pj.id, .paths = pj.paths, .npaths = pj.npaths
	};
	c->waiting = 1;
	srv_worker_enqueue(s, j);
}

/* Parse every complete line, in order, until one must wait. */
/* Fairness: a client gets one request answered per turn of the loop, so a
 * client that pipelines heavy requests cannot hold up the others; one that
 * never reads its answers is dropped when they pass LEC_MAX_CLIENT_OUTPUT
 * (client_reply). */
#define LINES_PER_TURN 1

static int client_blocked(const struct client *c)
{
	return c->waiting || c->closing || c->dead;
}

static void client_process(struct server *s, struct client *c)
{
	int budget = LINES_PER_TURN;
	c->backlog = 0;
	while (!client_blocked(c) && c->in_start < c->in.len) {
		if (budget-- == 0) {
			c->backlog = 1;
			return;
		}
		char *p = c->in.data + c->in_start;
		size_t avail = c->in.len - c->in_start;
		char *nl = memchr(p, '\n', avail);
		if (!nl && !c->eof)
			break;
		size_t len = nl ? (size_t)(nl - p) : avail; /* at EOF a last line may lack '\n' */
		c->in_start += nl ? len + 1 : len;
		handle_line(s, c, p, len);
	}
	if (c->in_start == c->in.len) {
		c->in_start = 0;
		if (c->in.cap > KEEP_BYTES)
			buf_release(&c->in);
		else
			buf_reset(&c->in);
	}
	if (!c->waiting && !c->closing && !c->backlog && c->in.len - c->in_start >= IN_CAP &&
	    !memchr(c->in.data + c->in_start, '\n', c->in.len - c->in_start)) {
		/* a line over the limit: say so, then close (the rest is unparseable) */
		client_reply(c, proto_error(NULL, PROTO_E_TOO_LARGE,
					    "request line over %u bytes (LEC_MAX_REQUEST_LINE): "
					    "closing the connection",
					    (unsigned)LEC_MAX_REQUEST_LINE));
		c->closing = 1;
		log_warn("client %llu: request line over LEC_MAX_REQUEST_LINE: closing",
			 (unsigned long long)c->serial);
	}
	if (c->eof && !c->waiting && c->in_start == c->in.len)
		c->closing = 1;
}

/* Move parsed bytes out of the way so the buffer can take more. */
static void client_compact(struct client *c)
{
	if (!c->in_start)
		return;
	memmove(c->in.data, c->in.data + c->in_start, c->in.len - c->in_start);
	c->in.len -= c->in_start;
	c->in.data[c->in.len] = '\0';
	c->in_start = 0;
}

static void client_read(struct server *s, struct client *c)
{
	char chunk[65536];
	client_compact(c);
	size_t room = IN_CAP - c->in.len;
	if (room == 0 || c->eof)
		return; /* full: the lines in it are parsed first */
	ssize_t n = recv(c->fd, chunk, room < sizeof(chunk) ? room : sizeof(chunk), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) {
		c->eof = 1; /* a half-close (socat at end of input) still gets its replies */
		if (n < 0)
			c->dead = 1;
	} else {
		buf_put(&c->in, chunk, (size_t)n);
		if (c->in.status) {
			client_drop(c, "out of memory for a request");
			return;
		}
		c->last_ms = srv_now_ms();
	}
	client_process(s, c);
	client_flush(c);
}

static int client_wants_read(const struct client *c)
{
	return !c->eof && !c->closing && c->in.len - c->in_start < IN_CAP &&
	       !(c->waiting && c->in.len >= IN_CAP);
}

/* ---- clients: life ------------------------------------------------------ */

static void refuse(int fd, const char *code, const char *msg)
{
	json_t *e = proto_error(NULL, code, "%s", msg);
	char *s = jsondump(e, JSON_COMPACT);
	if (s) {
		size_t n = strlen(s);
		s[n] = '\n'; /* json_dumps's NUL becomes the newline: one send */
		if (send(fd, s, n + 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			log_debug("refused peer: %s", strerror(errno));
	}
	free(s);
	json_decref(e);
	close(fd);
}

static void client_add(struct server *s, int fd)
{
	uid_t uid;
	if (!sock_peer_allowed(fd, &uid)) {
		log_warn("refused a connection from uid %ld (not ours)", (long)(int)uid);
		refuse(fd, PROTO_E_FORBIDDEN, "this daemon serves its own user only");
		return;
	}
	struct client *c = s->nclients < LEC_MAX_CLIENTS ? calloc(1, sizeof(*c)) : NULL;
	if (!c) {
		log_warn("refused a connection: %zu clients (LEC_MAX_CLIENTS) or out of memory",
			 s->nclients);
		refuse(fd, PROTO_E_BUSY, "too many connections (LEC_MAX_CLIENTS)");
		return;
	}
	c->fd = fd;
	c->uid = uid;
	c->serial = ++s->next_serial;
	c->last_ms = srv_now_ms();
	buf_init(&c->in, IN_CAP);
	buf_init(&c->out, LEC_MAX_CLIENT_OUTPUT * 2);
	s->clients[s->nclients++] = c;
	log_debug("client %llu: connected (uid %ld)", (unsigned long long)c->serial, (long)uid);
}

/* Closing with unread input makes the kernel reset the connection, which
 * may cost the peer our last reply: read what is there first. */
static void drain_input(int fd)
{
	char chunk[65536];
	shutdown(fd, SHUT_WR);
	for (size_t total = 0; total < IN_CAP;) {
		ssize_t n = recv(fd, chunk, sizeof(chunk), MSG_DONTWAIT);
		if (n <= 0)
			return;
		total += (size_t)n;
	}
}

static void client_free(struct server *s, struct client *c)
{
	s->freed = 1;
	if (c->closing)
		drain_input(c->fd);
	close(c->fd);
	buf_release(&c->in);
	buf_release(&c->out);
	free(c);
}

static void accept_all(struct server *s)
{
	for (;;) {
		int fd = accept4(s->lis.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			client_add(s, fd);
			continue;
		}
		if (errno == EMFILE || errno == ENFILE) {
			/* the listener stays readable: stop polling it for a moment
			 * instead of spinning, and say so at most once a second */
			long long now = srv_now_ms();
			s->accept_pause_until = now + TICK_MS;
			if (now - s->accept_warned_ms >= 1000) {
				log_warn("accept: %s (new connections wait)", strerror(errno));
				s->accept_warned_ms = now;
			}
		}
		return;
	}
}

/* Close the dead, the finished and the idle. */
static void sweep(struct server *s)
{
	long long now = srv_now_ms(), idle = (long long)s->cfg->idle_timeout_sec * 1000;
	size_t w = 0;
	for (size_t i = 0; i < s->nclients; i++) {
		struct client *c = s->clients[i];
		int flushed = c->out_sent == c->out.len;
		if (!c->dead && c->closing && flushed && !c->waiting)
			c->dead = 1;
		if (!c->dead && idle && !c->waiting && now - c->last_ms >= idle) {
			log_debug("client %llu: idle for %us: closed",
				  (unsigned long long)c->serial, s->cfg->idle_timeout_sec);
			c->dead = 1;
		}
		if (c->dead) {
			log_debug("client %llu: closed", (unsigned long long)c->serial);
			if (c->job)
				pool_cancel(&s->pool, c->job); /* nobody reads it: stop it */
			client_free(s, c);
		} else {
			s->clients[w++] = c;
		}
	}
	s->nclients = w;
	s->env.clients = (unsigned)w;
	if (s->freed && now - s->trim_ms >= TRIM_EVERY_MS) {
		/* closed clients' request and reply buffers (up to a few MiB each)
		 * are free now: without this glibc keeps their pages */
		malloc_trim(0);
		s->freed = 0;
		s->trim_ms = now;
	}
}

/* ---- the loop ----------------------------------------------------------- */

enum {
	PF_LISTEN,
	PF_SIGNAL,
	PF_WORKER,
	PF_POOL,
	PF_WATCH,
	PF_CLIENTS
};

static int poll_timeout(const struct server *s)
{
	int t = TICK_MS;
	if (s->stream_again)
		return 0;
	for (size_t i = 0; i < s->nclients; i++)
		if (s->clients[i]->backlog && !client_blocked(s->clients[i]))
			return 0;
	if (s->wt.due_ms) {
		long long d = s->wt.due_ms - srv_now_ms();
		t = d < 0 ? 0 : d < t ? (int)d : t;
	}
	return t;
}

static void begin_stop(struct server *s)
{
	log_info("stopping (%s): finishing in-flight requests",
		 sig_seen == SIGINT ? "SIGINT" : "SIGTERM");
	s->stopping = 1;
	s->stop_ms = srv_now_ms();
	atomic_store(&s->w.stop, 1); /* a running reindex commits after its current file */
	for (struct job *j = s->w.queue, *next; j; j = next) {
		next = j->next;
		struct client *c = client_by_serial(s, j->client);
		if (c) {
			client_reply(c, proto_error(j->id, PROTO_E_SHUTTING_DOWN,
						    "the daemon is stopping"));
			c->waiting = 0;
		}
		job_free(j);
	}
	s->w.queue = NULL;
	for (size_t i = 0; i < s->nclients; i++)
		s->clients[i]->closing = 1; /* answered lines are in; read no more */
}

/* Done stopping: nothing running, every answer written (or out of time). */
static int stop_done(const struct server *s)
{
	if (s->w.busy || pool_busy(&s->pool))
		return 0;
	if (srv_now_ms() - s->stop_ms > SHUTDOWN_GRACE_MS)
		return 1;
	for (size_t i = 0; i < s->nclients; i++)
		if (s->clients[i]->out_sent < s->clients[i]->out.len)
			return 0;
	return 1;
}

/* Out of grace while stopping: searches whose clients do not read stop. */
static void cancel_streams(struct server *s)
{
	for (size_t i = 0; i < s->nclients; i++)
		if (s->clients[i]->job)
			pool_cancel(&s->pool, s->clients[i]->job);
}

static void handle_signal_pipe(struct server *s)
{
	char drain[16];
	while (read(s->sig_pipe[0], drain, sizeof(drain)) > 0)
		;
	if (!s->stopping)
		begin_stop(s);
}

static void handle_clients(struct server *s, struct pollfd *pf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct client *c = s->clients[i];
		short re = pf[i].revents;
		if (c->dead || !re)
			continue;
		if (re & POLLOUT) {
			client_flush(c);
			client_stream(s, c);
		}
		if (re & (POLLIN | POLLHUP | POLLERR))
			client_read(s, c);
		if (re & POLLNVAL)
			c->dead = 1;
	}
}

static void fill_polls(struct server *s, struct pollfd *pf)
{
	int listen = !s->stopping && srv_now_ms() >= s->accept_pause_until;
	pf[PF_LISTEN] = (struct pollfd){ .fd = listen ? s->lis.fd : -1, .events = POLLIN };
	pf[PF_SIGNAL] = (struct pollfd){ .fd = s->sig_pipe[0], .events = POLLIN };
	pf[PF_WORKER] = (struct pollfd){ .fd = s->w.pipe[0], .events = POLLIN };
	pf[PF_POOL] = (struct pollfd){ .fd = pool_fd(&s->pool), .events = POLLIN };
	pf[PF_WATCH] = (struct pollfd){ .fd = s->stopping ? -1 : s->wt.fd, .events = POLLIN };
	for (size_t i = 0; i < s->nclients; i++) {
		struct client *c = s->clients[i];
		short ev = 0;
		if (client_wants_read(c))
			ev |= POLLIN;
		if (c->out_sent < c->out.len)
			ev |= POLLOUT;
		/* after EOF with nothing to write, POLLHUP would wake us forever */
		pf[PF_CLIENTS + i] = (struct pollfd){ .fd = ev ? c->fd : -1, .events = ev };
	}
}

static void loop(struct server *s)
{
	static struct pollfd pf[PF_CLIENTS + LEC_MAX_CLIENTS];
	while (!(s->stopping && stop_done(s))) {
		size_t n = s->nclients;
		fill_polls(s, pf);
		int rc = poll(pf, PF_CLIENTS + n, poll_timeout(s));
		if (rc < 0 && errno != EINTR) {
			log_error("poll: %s", strerror(errno));
			break;
		}
		if (rc > 0) {
			if (pf[PF_SIGNAL].revents)
				handle_signal_pipe(s);
			if (pf[PF_WORKER].revents)
				worker_done(s);
			if (pf[PF_POOL].revents)
				pool_done(s);
			if (pf[PF_WATCH].revents)
				watch_read(s);
			handle_clients(s, pf + PF_CLIENTS, n);
			if (pf[PF_LISTEN].revents && !s->stopping)
				accept_all(s);
		}
		if (s->stream_again)
			stream_all(s);
		if (s->stopping && srv_now_ms() - s->stop_ms > SHUTDOWN_GRACE_MS)
			cancel_streams(s);
		/* the lines left over from last turn, one budget per client */
		for (size_t i = 0; i < s->nclients; i++)
			if (s->clients[i]->backlog)
				client_process(s, s->clients[i]);
		if (s->wt.due_ms && srv_now_ms() >= s->wt.due_ms && !s->stopping)
			watch_fire(s);
		sweep(s);
	}
}

/* ---- setup and teardown ------------------------------------------------- */

/* Up to LEC_MAX_CLIENTS connections need that many descriptors. */
static void raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static lec_status setup(struct server *s, struct buf *err)
{
	unsigned threads = s->cfg->search_threads ? s->cfg->search_threads : pool_default_threads();
	lec_status st = proto_env_init(&s->env, s->cfg->index_dir);
	if (!st &&
	    !(st = pool_start(&s->pool, s->cfg->index_dir, threads, s->cfg->search_ms, err))) {
		s->env.pooled = 1;
		s->env.search_threads = threads;
	}
	if (!st)
		st = sock_prepare_dir(s->cfg->socket_path, s->cfg->strict_dir, err);
	if (!st)
		st = sock_listen(s->cfg->socket_path, SOMAXCONN, &s->lis, err);
	if (!st && pipe2(s->w.pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
		buf_printf(err, "pipe: %s", strerror(errno));
		st = LEC_EIO;
	}
	if (!st)
		st = signals_setup(s, err);
	if (!st && s->cfg->watch && (st = watch_start(s, err)))
		signals_restore(s);
	return st;
}

/* What happened to the socket at exit, for the log. */
static void log_socket_close(enum sock_close what, const char *path)
{
	if (what == SOCK_CLOSE_REMOVED)
		log_info("stopped; socket removed");
	else if (what == SOCK_CLOSE_GONE)
		log_info("stopped; the socket %s was already gone", path);
	else if (what == SOCK_CLOSE_NOT_OURS)
		log_warn("stopped; %s is no longer our socket (replaced): left alone", path);
	else if (what == SOCK_CLOSE_FAILED)
		log_warn("stopped; cannot remove the socket %s: %s", path, strerror(errno));
}

static enum sock_close teardown(struct server *s)
{
	if (s->w.busy)
		pthread_join(s->w.thread, NULL);
	pool_stop(&s->pool);
	job_free(s->w.cur);
	for (struct job *j = s->w.queue, *next; j; j = next) {
		next = j->next;
		job_free(j);
	}
	for (size_t i = 0; i < s->nclients; i++)
		client_free(s, s->clients[i]);
	s->nclients = 0;
	if (s->w.pipe[0] >= 0) {
		close(s->w.pipe[0]);
		close(s->w.pipe[1]);
	}
	buf_release(&s->w.err);
	watch_release(&s->wt);
	enum sock_close what = sock_listener_close(&s->lis);
	int e = errno;
	proto_env_release(&s->env);
	errno = e;
	return what;
}

lec_status srv_run(const struct srv_config *cfg, struct buf *err)
{
	struct server *s = calloc(1, sizeof(*s));
	if (!s)
		return LEC_ENOMEM;
	s->cfg = cfg;
	s->lis.fd = s->lis.lock_fd = s->wt.fd = s->wt.index_wd = -1;
	s->w.pipe[0] = s->w.pipe[1] = -1;
	s->w.index_dir = cfg->index_dir;
	buf_init(&s->w.err, 4096);
	sig_seen = 0;
	raise_fd_limit();
	lec_status st = setup(s, err);
	if (!st) {
		log_info("lectern %s serving %s on %s (protocol %d%s, %u search threads, "
			 "idle timeout %us)",
			 LECTERN_VERSION, cfg->index_dir, cfg->socket_path, PROTO_VERSION,
			 cfg->watch ? ", watching the roots" : "", s->env.search_threads,
			 cfg->idle_timeout_sec);
		loop(s);
		signals_restore(s);
	}
	enum sock_close what = teardown(s);
	if (!st)
		log_socket_close(what, cfg->socket_path);
	free(s);
	return st;
}
