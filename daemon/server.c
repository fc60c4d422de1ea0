/* server.c - the daemon's event loop (redis's ae, in one poll(2)): the
 * descriptors it watches, the handler of each event, and the server's
 * setup and teardown. The handlers live with their subject: connections
 * (server-client.c), searches (server-search.c), reindexes
 * (server-reindex.c), stopping (server-stop.c), the watcher
 * (server-watch.c). Every job off the loop runs in one pool (pool.h) and
 * comes back through its one pipe. */
#include "server.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include "log.h"
#include "server-int.h"

long long srv_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the handlers ------------------------------------------------------- */

/* The pool's byte: every finished job, answered; then the searches still
 * running, their streamed lines. */
static void jobs_done(struct server *s)
{
	struct pool_job *list = pool_take(&s->pool);
	for (struct pool_job *j = list, *next; j; j = next) {
		next = j->next;
		if (j->kind == POOL_TASK)
			srv_reindex_done(s, j);
		else
			srv_search_done(s, j);
		pool_job_free(j);
	}
	srv_stream_all(s);
}

static void handle_clients(struct server *s, struct pollfd *pf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct client *c = s->clients[i];
		short re = pf[i].revents;
		if (c->dead || !re)
			continue;
		if (re & POLLOUT) {
			srv_client_flush(c);
			srv_stream(s, c);
		}
		if (re & (POLLIN | POLLHUP | POLLERR))
			srv_client_read(s, c);
		if (re & POLLNVAL)
			c->dead = 1;
	}
}

/* ---- the loop ----------------------------------------------------------- */

enum {
	PF_LISTEN,
	PF_SIGNAL,
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
		if (s->clients[i]->backlog && !srv_client_blocked(s->clients[i]))
			return 0;
	if (s->wt.due_ms) {
		long long d = s->wt.due_ms - srv_now_ms();
		t = d < 0 ? 0 : d < t ? (int)d : t;
	}
	return t;
}

static void fill_polls(struct server *s, struct pollfd *pf)
{
	int listen = !s->stopping && srv_now_ms() >= s->accept_pause_until;
	pf[PF_LISTEN] = (struct pollfd){ .fd = listen ? s->lis.fd : -1, .events = POLLIN };
	pf[PF_SIGNAL] = (struct pollfd){ .fd = s->sig_pipe[0], .events = POLLIN };
	pf[PF_POOL] = (struct pollfd){ .fd = pool_fd(&s->pool), .events = POLLIN };
	pf[PF_WATCH] = (struct pollfd){ .fd = s->stopping ? -1 : s->wt.fd, .events = POLLIN };
	for (size_t i = 0; i < s->nclients; i++) {
		struct client *c = s->clients[i];
		short ev = 0;
		if (srv_client_wants_read(c))
			ev |= POLLIN;
		if (c->out_sent < c->out.len)
			ev |= POLLOUT;
		/* after EOF with nothing to write, POLLHUP would wake us forever */
		pf[PF_CLIENTS + i] = (struct pollfd){ .fd = ev ? c->fd : -1, .events = ev };
	}
}

static void dispatch(struct server *s, struct pollfd *pf, size_t n)
{
	if (pf[PF_SIGNAL].revents)
		srv_signal_read(s);
	if (pf[PF_POOL].revents)
		jobs_done(s);
	if (pf[PF_WATCH].revents)
		watch_read(s);
	handle_clients(s, pf + PF_CLIENTS, n);
	if (pf[PF_LISTEN].revents && !s->stopping)
		srv_accept_all(s);
}

/* What is due whether or not a descriptor woke us. */
static void timers(struct server *s)
{
	if (s->stream_again)
		srv_stream_all(s);
	if (s->stopping && srv_now_ms() - s->stop_ms > SHUTDOWN_GRACE_MS)
		srv_stop_streams(s);
	/* the lines left over from last turn, one budget per client */
	for (size_t i = 0; i < s->nclients; i++)
		if (s->clients[i]->backlog)
			srv_client_process(s, s->clients[i]);
	if (s->wt.due_ms && srv_now_ms() >= s->wt.due_ms && !s->stopping)
		watch_fire(s);
	srv_sweep(s);
}

static void loop(struct server *s)
{
	static struct pollfd pf[PF_CLIENTS + LEC_MAX_CLIENTS];
	while (!(s->stopping && srv_stop_done(s))) {
		size_t n = s->nclients;
		fill_polls(s, pf);
		int rc = poll(pf, PF_CLIENTS + n, poll_timeout(s));
		if (rc < 0 && errno != EINTR) {
			log_error("poll: %s", strerror(errno));
			break;
		}
		if (rc > 0)
			dispatch(s, pf, n);
		timers(s);
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
	if (!st)
		st = srv_signals_setup(s, err);
	if (!st && s->cfg->watch && (st = watch_start(s, err)))
		srv_signals_restore(s);
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
	atomic_store(&s->reindex_stop, 1); /* the loop may have ended on an error */
	pool_stop(&s->pool);
	srv_clients_free(s);
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
	atomic_init(&s->reindex_stop, 0);
	raise_fd_limit();
	lec_status st = setup(s, err);
	if (!st) {
		log_info("lectern %s serving %s on %s (protocol %d%s, %u search threads, "
			 "idle timeout %us)",
			 LECTERN_VERSION, cfg->index_dir, cfg->socket_path, PROTO_VERSION,
			 cfg->watch ? ", watching the roots" : "", s->env.search_threads,
			 cfg->idle_timeout_sec);
		loop(s);
	}
	/* the handlers stay until the socket is gone: a second SIGTERM (the
	 * parent's death after its kill, as `lectern lsp` gives) while a
	 * reindex finishes must not end us with the socket left behind */
	enum sock_close what = teardown(s);
	if (!st) {
		srv_signals_restore(s);
		log_socket_close(what, cfg->socket_path);
	}
	free(s);
	return st;
}
