/* sock.h - the daemon's Unix socket: where it lives and how it is made safe.
 *
 * Socket hygiene after tmux and git's unix-stream-server.c:
 *  - the default directory ($XDG_RUNTIME_DIR/lectern) is created 0700 and
 *    must be owned by us and closed to others, or we refuse to use it;
 *  - any other socket directory (serve --socket, find --socket) must belong
 *    to us or root and be writable by nobody else (no group or other write
 *    bit, sticky or not): whoever can write the directory can put their own
 *    socket at the path, or replace ours;
 *  - the socket is created 0600 by setting the umask around bind(2), not by
 *    chmod after it (no window where it is open to others);
 *  - a lock file beside the socket (PATH.lock, flock) says a daemon is alive;
 *    a socket nobody listens on is stale and replaced, a live one refused;
 *  - the socket path is never followed through a symlink;
 *  - on exit the socket is removed only if its inode is still ours;
 *  - a peer with another uid (SO_PEERCRED) is refused; root is let in. The
 *    client checks the daemon the same way: same uid, or root.
 */
#ifndef LECTERN_SOCK_H
#define LECTERN_SOCK_H

#include <sys/types.h>

#include "buf.h"
#include "status.h"

/* The default socket: $XDG_RUNTIME_DIR/lectern/lectern.sock when
 * XDG_RUNTIME_DIR is set, else INDEX_DIR/run/lectern.sock. *out malloc'd,
 * owned by the caller. */
lec_status sock_default_path(const char *index_dir, char **out);

/* Make the directory of `path` ready: created 0700 (with missing parents)
 * when absent. With `strict` (the default locations) an existing directory
 * must be a real directory owned by us with no group or other permissions;
 * without, a directory (symlinks followed) owned by us or root that no one
 * else can write. LEC_EPERM (or LEC_EINVAL: not a directory) with a message
 * naming the directory, its mode and owner in err. */
lec_status sock_prepare_dir(const char *path, int strict, struct buf *err);

/* The client's side of the same rule, before it connects to `path`: its
 * directory must belong to us or root and be writable by no one else.
 * LEC_OK: safe. LEC_ENOTFOUND: no such directory, so no daemon there; or,
 * unless `chosen` (the user named this path), a directory of another user:
 * a daemon there is theirs and would refuse us anyway (a shared index's
 * INDEX/run). LEC_EPERM: unsafe, message in err. */
lec_status sock_check_dir(const char *path, int chosen, struct buf *err);

struct sock_listener {
	int fd;      /* listening, non-blocking, close-on-exec */
	int lock_fd; /* PATH.lock, flock'ed while we live */
	char *path;  /* malloc'd */
	dev_t dev;   /* the socket's inode, to unlink only our own */
	ino_t ino;
};

/* Listen on `path` (backlog as given). LEC_ELOCKED: another daemon is
 * alive on it; LEC_EINVAL: the path is a symlink or not a socket, or too
 * long; LEC_EIO: a system call failed. Message in err. Release with
 * sock_listener_close. */
lec_status sock_listen(const char *path, int backlog, struct sock_listener *l, struct buf *err);

/* What sock_listener_close did with the socket's path. */
enum sock_close {
	SOCK_CLOSE_NONE,     /* there was no listener */
	SOCK_CLOSE_REMOVED,  /* our socket, unlinked */
	SOCK_CLOSE_GONE,     /* nothing at the path any more */
	SOCK_CLOSE_NOT_OURS, /* another file is at the path now: left alone */
	SOCK_CLOSE_FAILED,   /* ours, but unlink(2) failed (errno kept) */
};

/* Close; unlink the socket only if the inode at its path is still the one
 * we bound (another daemon, or anyone, may have replaced it meanwhile). */
enum sock_close sock_listener_close(struct sock_listener *l);

/* Connect to `path` within timeout_ms; *fd is blocking, close-on-exec.
 * LEC_ENOTFOUND: nothing there / nobody listening; LEC_EINVAL: a symlink. */
lec_status sock_connect(const char *path, int timeout_ms, int *fd);

/* 1 if the peer on `fd` may talk to us (same uid, or root), else 0;
 * *uid gets the peer's uid ((uid_t)-1 when unknown). For a client's
 * connected socket the peer is the process that called listen(2). */
int sock_peer_allowed(int fd, uid_t *uid);

/* A client's side of the exchange (lectern find, client_call). */

/* All of p[0..n) to the connected socket fd (MSG_NOSIGNAL: a daemon gone
 * is LEC_EIO, not SIGPIPE). */
lec_status sock_send_all(int fd, const char *p, size_t n);

/* The next line (without its newline) into *line, *len (pointing into
 * `in`), read as it comes, within timeout_ms of silence (LEC_EIO past it
 * or at end of input); it stays in `in` until the next call, which first
 * drops the *consumed bytes before it (start with *consumed 0). LEC_ELIMIT
 * when `in` reaches its cap first. */
lec_status sock_read_line(int fd, int timeout_ms, struct buf *in, size_t *consumed,
			  const char **line, size_t *len);

/* The daemon is whoever called listen(2) on socket_path: us or root, or
 * its answers could be anything (forged hits pointing anywhere). LEC_EPERM
 * with the reason in err otherwise. */
lec_status sock_check_peer(int fd, const char *socket_path, struct buf *err);

#endif
