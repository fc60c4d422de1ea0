/* server-client.c - one connection to the daemon: its capped buffers, the
 * complete lines it sends (parsed in order, one a turn of the loop), the
 * answers queued for it and written as it reads, and its life: accepted,
 * idle, closed. What a request does is proto_handle's, the search threads'
 * (server-search.c) or a reindex's (server-reindex.c). */
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "jsondump.h"
#include "log.h"
#include "server-int.h"

/* ---- output ------------------------------------------------------------- */

static void client_drop(struct client *c, const char *why)
{
	if (why)
		log_warn("client %llu: %s: dropped", (unsigned long long)c->serial, why);
	c->dead = 1;
}

void srv_client_flush(struct client *c)
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
void srv_client_check_output(struct client *c, lec_status st)
{
	if (st) {
		client_drop(c, "out of memory for a reply");
		return;
	}
	if (c->out.len - c->out_sent > LEC_MAX_CLIENT_OUTPUT)
		client_drop(c, "unread replies over LEC_MAX_CLIENT_OUTPUT (it does not read)");
}

void srv_client_reply(struct client *c, json_t *reply)
{
	if (!reply || c->dead) {
		json_decref(reply);
		return;
	}
	lec_status st = proto_dump_line(reply, LEC_MAX_CLIENT_OUTPUT, &c->out);
	json_decref(reply);
	srv_client_check_output(c, st);
}

/* A client with nothing unsent gets the line's buffer itself, not a copy
 * of up to LEC_MAX_CLIENT_OUTPUT. */
void srv_client_reply_line(struct client *c, struct buf *line, lec_status st)
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
	srv_client_check_output(c, st);
}

struct client *srv_client_by_serial(struct server *s, uint64_t serial)
{
	for (size_t i = 0; serial && i < s->nclients; i++)
		if (s->clients[i]->serial == serial && !s->clients[i]->dead)
			return s->clients[i];
	return NULL;
}

void srv_client_resume(struct server *s, struct client *c)
{
	c->waiting = 0;
	srv_client_process(s, c); /* the lines that waited behind it */
	srv_client_flush(c);
}

/* ---- input -------------------------------------------------------------- */

static void handle_line(struct server *s, struct client *c, const char *line, size_t len)
{
	json_t *reply = NULL;
	struct proto_job pj;
	if (proto_handle(&s->env, line, len, &reply, &pj) == PROTO_REPLY)
		srv_client_reply(c, reply);
	else if (pj.op == PROTO_OP_REINDEX)
		srv_reindex_request(s, c, &pj);
	else
		srv_search_submit(s, c, &pj);
}

/* Fairness: a client gets one request answered per turn of the loop, so a
 * client that pipelines heavy requests cannot hold up the others; one that
 * never reads its answers is dropped when they pass LEC_MAX_CLIENT_OUTPUT
 * (srv_client_check_output). */
#define LINES_PER_TURN 1

int srv_client_blocked(const struct client *c)
{
	return c->waiting || c->closing || c->dead;
}

/* A line over the limit: say so, then close (the rest is unparseable). */
static void refuse_long_line(struct client *c)
{
	srv_client_reply(c, proto_error(NULL, PROTO_E_TOO_LARGE,
					"request line over %u bytes (LEC_MAX_REQUEST_LINE): "
					"closing the connection",
					(unsigned)LEC_MAX_REQUEST_LINE));
	c->closing = 1;
	log_warn("client %llu: request line over LEC_MAX_REQUEST_LINE: closing",
		 (unsigned long long)c->serial);
}

/* Every complete line, in order, until one must wait. */
void srv_client_process(struct server *s, struct client *c)
{
	int budget = LINES_PER_TURN;
	c->backlog = 0;
	while (!srv_client_blocked(c) && c->in_start < c->in.len) {
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
	    !memchr(c->in.data + c->in_start, '\n', c->in.len - c->in_start))
		refuse_long_line(c);
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

void srv_client_read(struct server *s, struct client *c)
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
	srv_client_process(s, c);
	srv_client_flush(c);
}

int srv_client_wants_read(const struct client *c)
{
	return !c->eof && !c->closing && c->in.len - c->in_start < IN_CAP &&
	       !(c->waiting && c->in.len >= IN_CAP);
}

/* ---- life --------------------------------------------------------------- */

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

void srv_clients_free(struct server *s)
{
	for (size_t i = 0; i < s->nclients; i++)
		client_free(s, s->clients[i]);
	s->nclients = 0;
}

void srv_accept_all(struct server *s)
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

/* Whether c is to be closed now: dead, done, or idle too long. */
static int client_over(const struct server *s, struct client *c, long long now)
{
	long long idle = (long long)s->cfg->idle_timeout_sec * 1000;
	if (!c->dead && c->closing && c->out_sent == c->out.len && !c->waiting)
		c->dead = 1;
	if (!c->dead && idle && !c->waiting && now - c->last_ms >= idle) {
		log_debug("client %llu: idle for %us: closed", (unsigned long long)c->serial,
			  s->cfg->idle_timeout_sec);
		c->dead = 1;
	}
	return c->dead;
}

void srv_sweep(struct server *s)
{
	long long now = srv_now_ms();
	size_t w = 0;
	for (size_t i = 0; i < s->nclients; i++) {
		struct client *c = s->clients[i];
		if (client_over(s, c, now)) {
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
