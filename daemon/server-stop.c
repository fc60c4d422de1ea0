/* server-stop.c - how the daemon stops. SIGTERM and SIGINT come to the
 * loop through a self-pipe; then it accepts and reads no more, a running
 * reindex stops after its current file and commits (the stop flag it
 * shares with the indexer), the answers in flight are written, within
 * SHUTDOWN_GRACE_MS, and the loop ends. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "server-int.h"

static int sig_fd = -1;
static volatile sig_atomic_t sig_seen;

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

lec_status srv_signals_setup(struct server *s, struct buf *err)
{
	if (pipe2(s->sig_pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
		buf_printf(err, "pipe: %s", strerror(errno));
		return LEC_EIO;
	}
	sig_seen = 0;
	sig_fd = s->sig_pipe[1];
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	return LEC_OK;
}

void srv_signals_restore(struct server *s)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sig_fd = -1;
	close(s->sig_pipe[0]);
	close(s->sig_pipe[1]);
}

static void begin_stop(struct server *s)
{
	log_info("stopping (%s): finishing in-flight requests",
		 sig_seen == SIGINT ? "SIGINT" : "SIGTERM");
	s->stopping = 1;
	s->stop_ms = srv_now_ms();
	/* a running reindex commits after its current file; a queued one is
	 * answered shutting_down (server-reindex.c) */
	atomic_store(&s->reindex_stop, 1);
	for (size_t i = 0; i < s->nclients; i++)
		s->clients[i]->closing = 1; /* answered lines are in; read no more */
}

void srv_signal_read(struct server *s)
{
	char drain[16];
	while (read(s->sig_pipe[0], drain, sizeof(drain)) > 0)
		;
	if (!s->stopping)
		begin_stop(s);
}

int srv_stop_done(const struct server *s)
{
	if (pool_busy(&s->pool, POOL_SEARCH) || pool_busy(&s->pool, POOL_TASK))
		return 0;
	if (srv_now_ms() - s->stop_ms > SHUTDOWN_GRACE_MS)
		return 1;
	for (size_t i = 0; i < s->nclients; i++)
		if (s->clients[i]->out_sent < s->clients[i]->out.len)
			return 0;
	return 1;
}

void srv_stop_streams(struct server *s)
{
	for (size_t i = 0; i < s->nclients; i++)
		if (s->clients[i]->job)
			pool_cancel(&s->pool, s->clients[i]->job);
}
