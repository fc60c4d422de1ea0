/* server-search.c - find and suggest in the daemon: a checked request goes
 * to the pool's search threads (pool.h), a streamed answer's lines move to
 * its client as the client reads, and the last line answers it. */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "server-int.h"

void srv_search_submit(struct server *s, struct client *c, struct proto_job *pj)
{
	/* it runs even while stopping (it is short) */
	struct pool_job *j = calloc(1, sizeof(*j));
	if (!j) {
		srv_client_reply(c, proto_error(pj->id, PROTO_E_INTERNAL, "out of memory"));
		proto_job_release(pj);
		return;
	}
	j->kind = POOL_SEARCH;
	j->client = c->serial;
	j->pj = *pj;
	c->waiting = 1;
	c->job = j;
	pool_submit(&s->pool, j);
	s->env.searches = pool_busy(&s->pool, POOL_SEARCH);
}

/* A streamed answer's lines so far, as far as the client has room for
 * them (LEC_STREAM_BUFFER_BYTES unsent at most): the search waits for the
 * rest until the client reads. */
void srv_stream(struct server *s, struct client *c)
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
		srv_client_check_output(c, c->out.status);
		if (c->out.len == had)
			return; /* nothing made yet: the thread wakes us (pool_fd) */
		srv_client_flush(c);
	}
}

void srv_stream_all(struct server *s)
{
	s->stream_again = 0;
	for (size_t i = 0; i < s->nclients; i++)
		if (s->clients[i]->job)
			srv_stream(s, s->clients[i]);
}

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

void srv_search_done(struct server *s, struct pool_job *j)
{
	s->env.searches = pool_busy(&s->pool, POOL_SEARCH);
	s->env.errors += (uint64_t)j->failed;
	note_shards(s, j->shard_warning);
	struct client *c = srv_client_by_serial(s, j->client);
	if (!c)
		return;
	/* the streamed lines left (bounded), then the last one */
	pool_drain(&s->pool, j, &c->out, SIZE_MAX);
	srv_client_reply_line(c, &j->line, j->line_status);
	c->job = NULL;
	srv_client_resume(s, c);
}
