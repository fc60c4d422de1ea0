/* client.c - ask a running daemon, get back what search_run would give. */
#include "client.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "buf.h"
#include "limits.h"
#include "proto-wire.h"
#include "sock.h"
#include "vec.h"

/* A daemon that does not accept within this is treated as absent. */
#define CLIENT_CONNECT_MS 250
/* A daemon silent this long is given up on (then the index is searched
 * here, from where it stopped): longer than its time budget. */
#define CLIENT_REPLY_MS 30000

/* ---- JSON back into a result -------------------------------------------- */

/* Sticky parse state: after the first problem every step does nothing. */
struct jp {
	lec_status st;
};

static char *jp_str(struct jp *p, const json_t *o, const char *key, int nullable)
{
	const json_t *v = json_object_get(o, key);
	if (p->st)
		return NULL;
	if (nullable && (!v || json_is_null(v)))
		return NULL;
	if (!json_is_string(v)) {
		p->st = LEC_EINVAL;
		return NULL;
	}
	char *s = strndup(json_string_value(v), json_string_length(v));
	if (!s)
		p->st = LEC_ENOMEM;
	return s;
}

static uint64_t jp_uint(struct jp *p, const json_t *o, const char *key, int optional)
{
	const json_t *v = json_object_get(o, key);
	if (p->st || (optional && !v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		p->st = LEC_EINVAL;
		return 0;
	}
	return (uint64_t)json_integer_value(v);
}

static int jp_bool(struct jp *p, const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	if (!p->st && !json_is_boolean(v))
		p->st = LEC_EINVAL;
	return json_is_true(v);
}

/* An optional array of strings; absent is empty. */
static char **jp_strv(struct jp *p, const json_t *o, const char *key, size_t *n)
{
	const json_t *a = json_object_get(o, key), *v;
	size_t i;
	*n = 0;
	if (p->st || !a || !json_array_size(a)) {
		if (!p->st && a && !json_is_array(a))
			p->st = LEC_EINVAL;
		return NULL;
	}
	char **out = calloc(json_array_size(a), sizeof(char *));
	if (!out) {
		p->st = LEC_ENOMEM;
		return NULL;
	}
	json_array_foreach(a, i, v)
	{
		if (!json_is_string(v)) {
			p->st = LEC_EINVAL;
			break;
		}
		if (!(out[*n] = strndup(json_string_value(v), json_string_length(v)))) {
			p->st = LEC_ENOMEM;
			break;
		}
		(*n)++;
	}
	return out;
}

static void jp_highlights(struct jp *p, const json_t *h, struct search_hit *hit)
{
	const json_t *a = json_object_get(h, "highlights"), *r;
	size_t i;
	if (p->st || !json_array_size(a))
		return;
	if (!(hit->highlights = calloc(json_array_size(a), sizeof(*hit->highlights)))) {
		p->st = LEC_ENOMEM;
		return;
	}
	json_array_foreach(a, i, r)
	{
		const json_t *off = json_array_get(r, 0), *len = json_array_get(r, 1);
		if (!json_is_integer(off) || !json_is_integer(len) || json_integer_value(off) < 0 ||
		    json_integer_value(len) < 0) {
			p->st = LEC_EINVAL;
			return;
		}
		hit->highlights[hit->nhighlights++] =
			(struct search_range){ (size_t)json_integer_value(off),
					       (size_t)json_integer_value(len) };
	}
}

static void jp_occurrences(struct jp *p, const json_t *h, struct search_hit *hit)
{
	const json_t *a = json_object_get(h, "occurrences"), *o;
	size_t i;
	if (p->st || !json_array_size(a))
		return;
	if (!(hit->occ = calloc(json_array_size(a), sizeof(*hit->occ)))) {
		p->st = LEC_ENOMEM;
		return;
	}
	json_array_foreach(a, i, o)
	{
		struct search_occurrence *oc = &hit->occ[hit->nocc];
		oc->line = (uint32_t)jp_uint(p, o, "line", 0);
		oc->col = (uint32_t)jp_uint(p, o, "col", 0);
		oc->len = (size_t)jp_uint(p, o, "len", 0);
		oc->line_text = jp_str(p, o, "text", 0);
		if (p->st)
			return;
		hit->nocc++;
	}
}

/* "context_highlights": [[line, offset, length], ...] (absent from an
 * older daemon: no highlights). */
static void jp_ctx_highlights(struct jp *p, const json_t *h, struct search_hit *hit)
{
	const json_t *a = json_object_get(h, "context_highlights"), *r;
	size_t i;
	if (p->st || !json_array_size(a))
		return;
	if (!(hit->ctx_hl = calloc(json_array_size(a), sizeof(*hit->ctx_hl)))) {
		p->st = LEC_ENOMEM;
		return;
	}
	json_array_foreach(a, i, r)
	{
		const json_t *ln = json_array_get(r, 0), *off = json_array_get(r, 1),
			     *len = json_array_get(r, 2);
		if (!json_is_integer(ln) || !json_is_integer(off) || !json_is_integer(len) ||
		    json_integer_value(ln) < 0 || json_integer_value(off) < 0 ||
		    json_integer_value(len) < 0 ||
		    (size_t)json_integer_value(ln) >= hit->ncontext) {
			p->st = LEC_EINVAL;
			return;
		}
		hit->ctx_hl[hit->nctx_hl++] =
			(struct search_ctx_range){ (uint32_t)json_integer_value(ln),
						   (size_t)json_integer_value(off),
						   (size_t)json_integer_value(len) };
	}
}

static void jp_hit(struct jp *p, const json_t *h, struct search_hit *hit)
{
	const json_t *score = json_object_get(h, "score");
	if (!json_is_object(h) || !json_is_number(score)) {
		p->st = p->st ? p->st : LEC_EINVAL;
		return;
	}
	hit->path = jp_str(p, h, "path", 0);
	hit->line = (uint32_t)jp_uint(p, h, "line", 0);
	hit->col = (uint32_t)jp_uint(p, h, "col", 0);
	hit->headings = jp_strv(p, h, "headings", &hit->nheadings);
	hit->score = json_number_value(score);
	hit->snippet = jp_str(p, h, "snippet", 1);
	jp_highlights(p, h, hit);
	hit->title = jp_str(p, h, "title", 1);
	hit->date = jp_str(p, h, "date", 1);
	hit->speakers = jp_strv(p, h, "speakers", &hit->nspeakers);
	hit->stale = jp_bool(p, h, "stale");
	hit->missing = json_is_true(json_object_get(h, "missing"));
	hit->partial = json_is_true(json_object_get(h, "fallback"));
	jp_occurrences(p, h, hit);
	hit->ctx_first = (uint32_t)jp_uint(p, h, "context_first_line", 1);
	hit->context = jp_strv(p, h, "context", &hit->ncontext);
	jp_ctx_highlights(p, h, hit);
	hit->file_matches = (uint32_t)jp_uint(p, h, "file_matches", 1);
}

/* "warnings": an array of lines, kept as one newline-separated string. */
static void jp_warnings(struct jp *p, const json_t *reply, struct search_result *res)
{
	const json_t *w = json_object_get(reply, "warnings"), *line;
	struct buf b;
	size_t i;
	if (p->st || !json_is_array(w) || json_array_size(w) == 0)
		return;
	buf_init(&b, LEC_MAX_CLIENT_OUTPUT);
	json_array_foreach(w, i, line)
	{
		if (json_is_string(line))
			buf_printf(&b, "%s%s", b.len ? "\n" : "", json_string_value(line));
	}
	if (b.len && !(res->warnings = buf_detach(&b)))
		p->st = LEC_ENOMEM;
	buf_release(&b);
}

lec_status client_result_from_json(const json_t *reply, struct search_result *res)
{
	struct jp p = { LEC_OK };
	const json_t *hits = json_object_get(reply, "hits"), *h;
	size_t i;
	memset(res, 0, sizeof(*res));
	int more = json_is_true(json_object_get(reply, "more"));
	if (!json_is_true(json_object_get(reply, "ok")) || !json_is_array(hits))
		return LEC_EINVAL;
	res->total = jp_uint(&p, reply, "total", more);
	res->total_exact = more ? 0 : jp_bool(&p, reply, "total_exact");
	res->relaxed = jp_bool(&p, reply, "relaxed");
	res->relaxed_query = jp_str(&p, reply, "relaxed_query", 1);
	res->suggestion = jp_str(&p, reply, "suggestion", 1);
	res->fixed = jp_bool(&p, reply, "fixed");
	res->explain = jp_str(&p, reply, "explain", 1);
	jp_warnings(&p, reply, res);
	if (!p.st && json_array_size(hits) &&
	    !(res->hits = calloc(json_array_size(hits), sizeof(*res->hits))))
		p.st = LEC_ENOMEM;
	json_array_foreach(hits, i, h)
	{
		if (p.st)
			break;
		/* counted first: a half-filled hit is still released */
		jp_hit(&p, h, &res->hits[res->nhits++]);
	}
	if (p.st)
		search_result_release(res);
	return p.st;
}

/* ---- one round trip ----------------------------------------------------- */

/* The requests: a ping and the find, one line each. */
static lec_status requests(const struct search_req *req, const char *index_dir, struct buf *out)
{
	json_t *ping = json_pack("{s:i, s:s}", "id", 1, "op", "ping");
	json_t *find = proto_find_request(2, req, index_dir, req->on_hit != NULL);
	lec_status st = ping && find ? LEC_OK : LEC_ENOMEM;
	if (!st)
		st = proto_dump_line(ping, LEC_MAX_REQUEST_LINE, out);
	if (!st)
		st = proto_dump_line(find, LEC_MAX_REQUEST_LINE, out);
	json_decref(ping);
	json_decref(find);
	return st;
}

/* The ping's answer: our protocol, our index. */
static lec_status check_ping(const char *line, size_t len, const char *index_dir)
{
	json_t *j = json_loadb(line, len, 0, NULL);
	const char *idx = json_string_value(json_object_get(j, "index"));
	lec_status st = LEC_OK;
	if (!json_is_true(json_object_get(j, "ok")) ||
	    json_integer_value(json_object_get(j, "protocol")) != PROTO_VERSION || !idx ||
	    strcmp(idx, index_dir))
		st = LEC_EVERSION;
	json_decref(j);
	return st;
}

/* The members of a line that are not hits, into res (replacing those of
 * the line before): what is known before its hits. */
static void take_head(struct search_result *res, struct search_result *line)
{
	free(res->relaxed_query);
	free(res->suggestion);
	free(res->explain);
	free(res->warnings);
	res->total = line->total;
	res->total_exact = line->total_exact;
	res->relaxed = line->relaxed;
	res->relaxed_query = line->relaxed_query;
	res->suggestion = line->suggestion;
	res->fixed = line->fixed;
	res->explain = line->explain;
	res->warnings = line->warnings;
	line->relaxed_query = line->suggestion = line->explain = line->warnings = NULL;
}

/* Move the line's hits to res->hits. */
static lec_status keep_hits(struct search_result *res, struct search_result *line, size_t *cap)
{
	/* a line without hits (a query that finds nothing) has hits == NULL:
	 * nothing to copy (memcpy from NULL is undefined even for 0 bytes) */
	if (!line->nhits)
		return LEC_OK;
	struct search_hit *v =
		vec_reserve(res->hits, cap, res->nhits + line->nhits, sizeof(*v), 16);
	if (!v)
		return LEC_ENOMEM;
	res->hits = v;
	memcpy(v + res->nhits, line->hits, line->nhits * sizeof(*v));
	res->nhits += line->nhits;
	line->nhits = 0;
	return LEC_OK;
}

/* One line of the find's answer: its hits to req->on_hit (or kept in
 * res); *more when others follow. */
static lec_status take_line(const char *text, size_t len, const struct search_req *req,
			    struct search_result *res, size_t *cap, uint64_t *given, int *more)
{
	struct search_result line;
	/* a U+FFFD may stand for bytes that were not UTF-8: the daemon's text is
	 * then not byte-identical to the file's, so search locally instead */
	if (memmem(text, len, "\xef\xbf\xbd", 3))
		return LEC_EIO;
	json_t *j = json_loadb(text, len, 0, NULL);
	lec_status st = j ? client_result_from_json(j, &line) : LEC_EIO;
	*more = json_is_true(json_object_get(j, "more"));
	json_decref(j);
	if (st)
		return LEC_EIO;
	take_head(res, &line);
	if (!req->on_hit)
		st = keep_hits(res, &line, cap);
	for (size_t i = 0; !st && req->on_hit && i < line.nhits; i++) {
		st = req->on_hit(req->on_hit_ctx, res, &line.hits[i]);
		*given += st == LEC_OK;
	}
	search_result_release(&line);
	return st;
}

/* The ping's line, then the find's lines until the last. */
static lec_status answers(int fd, const char *index_dir, const struct search_req *req,
			  struct search_result *res, uint64_t *given)
{
	struct buf in;
	const char *line;
	size_t len, consumed = 0, cap = 0;
	int more = 1;
	buf_init(&in, LEC_MAX_CLIENT_OUTPUT + 2);
	lec_status st = sock_read_line(fd, CLIENT_REPLY_MS, &in, &consumed, &line, &len);
	if (!st)
		st = check_ping(line, len, index_dir);
	while (!st && more &&
	       !(st = sock_read_line(fd, CLIENT_REPLY_MS, &in, &consumed, &line, &len)))
		st = take_line(line, len, req, res, &cap, given, &more);
	buf_release(&in);
	return st;
}

lec_status client_find(const char *socket_path, int chosen, const char *index_dir,
		       const struct search_req *req, struct search_result *res, uint64_t *given,
		       struct buf *err)
{
	struct buf out;
	int fd = -1;
	memset(res, 0, sizeof(*res));
	*given = 0;
	buf_init(&out, LEC_MAX_REQUEST_LINE * 2 + 2);
	lec_status st = requests(req, index_dir, &out);
	if (!st)
		st = sock_check_dir(socket_path, chosen, err);
	if (!st)
		st = sock_connect(socket_path, CLIENT_CONNECT_MS, &fd);
	if (!st)
		st = sock_check_peer(fd, socket_path, err);
	if (!st)
		st = sock_send_all(fd, out.data, out.len);
	if (!st)
		st = answers(fd, index_dir, req, res, given);
	if (st && st != LEC_EPERM)
		search_result_release(res);
	if (fd >= 0)
		close(fd);
	buf_release(&out);
	return st;
}
