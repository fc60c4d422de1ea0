/* client-call.c - a single-line request and reply on the daemon's socket. */
#include "client-call.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "limits.h"
#include "proto.h"
#include "sock.h"

/* A daemon that does not accept within this is treated as absent. */
#define CALL_CONNECT_MS 250

static lec_status send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return LEC_EIO;
		p += w;
		n -= (size_t)w;
	}
	return LEC_OK;
}

/* The first line the daemon sends, without its newline, into `in`. */
static lec_status read_reply_line(int fd, int timeout_ms, struct buf *in, size_t *len)
{
	char chunk[65536];
	for (;;) {
		const char *nl = in->len ? memchr(in->data, '\n', in->len) : NULL;
		if (nl) {
			*len = (size_t)(nl - in->data);
			return LEC_OK;
		}
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		int rc = poll(&pf, 1, timeout_ms);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0)
			return LEC_EIO;
		ssize_t r = read(fd, chunk, sizeof(chunk));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return LEC_EIO;
		buf_put(in, chunk, (size_t)r);
		if (in->status)
			return LEC_EIO;
	}
}

static lec_status check_peer(int fd, const char *socket_path, struct buf *err)
{
	uid_t uid;
	if (sock_peer_allowed(fd, &uid))
		return LEC_OK;
	buf_printf(err,
		   "the process listening on %s runs as uid %ld, not as us or root: "
		   "refusing its answers",
		   socket_path, uid == (uid_t)-1 ? -1L : (long)uid);
	return LEC_EPERM;
}

lec_status client_call(const char *socket_path, int chosen, const json_t *request, int timeout_ms,
		       json_t **reply, struct buf *err)
{
	struct buf out, in;
	size_t len = 0;
	int fd = -1;
	*reply = NULL;
	buf_init(&out, LEC_MAX_REQUEST_LINE + 1);
	buf_init(&in, LEC_MAX_CLIENT_OUTPUT + 1);
	lec_status st = proto_dump_line(request, LEC_MAX_REQUEST_LINE, &out);
	if (!st)
		st = sock_check_dir(socket_path, chosen, err);
	if (!st)
		st = sock_connect(socket_path, CALL_CONNECT_MS, &fd);
	if (!st)
		st = check_peer(fd, socket_path, err);
	if (!st)
		st = send_all(fd, out.data, out.len);
	if (!st)
		st = read_reply_line(fd, timeout_ms, &in, &len);
	if (!st && !(*reply = json_loadb(in.data, len, 0, NULL)))
		st = LEC_EIO;
	if (fd >= 0)
		close(fd);
	buf_release(&out);
	buf_release(&in);
	return st;
}
