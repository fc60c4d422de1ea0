/* client-call.c - a single-line request and reply on the daemon's socket. */
#include "client-call.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "limits.h"
#include "proto-wire.h"
#include "sock.h"

/* A daemon that does not accept within this is treated as absent. */
#define CALL_CONNECT_MS 250

lec_status client_call(const char *socket_path, int chosen, const json_t *request, int timeout_ms,
		       json_t **reply, struct buf *err)
{
	struct buf out, in;
	size_t len = 0, consumed = 0;
	const char *line = NULL;
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
		st = sock_check_peer(fd, socket_path, err);
	if (!st)
		st = sock_send_all(fd, out.data, out.len);
	if (!st && (st = sock_read_line(fd, timeout_ms, &in, &consumed, &line, &len)))
		st = LEC_EIO; /* silence, an end, or a line past the cap: no usable reply */
	if (!st && !(*reply = json_loadb(line, len, 0, NULL)))
		st = LEC_EIO;
	if (fd >= 0)
		close(fd);
	buf_release(&out);
	buf_release(&in);
	return st;
}
