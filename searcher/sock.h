/* sock.h - the daemon's Unix socket: where it lives and how it is made safe.
 *
 * Socket hygiene after tmux and git's unix-stream-server.c:
 *  - the default directory ($XDG_RUNTIME_DIR/lectern) is created 0700 and
 *    must be owned by us and closed to others, or we refuse to use it;
 *  - the socket is created 0600 by setting the umask around bind(2), not by
 *    chmod after it (no window where it is open to others);
 *  - a lock file beside the socket (PATH.lock, flock) says a daemon is alive;
 *    a socket nobody listens on is stale and replaced, a live one refused;
 *  - the socket path is never followed through a symlink;
 *  - on exit the socket is removed only if its inode is still ours;
 *  - a peer with another uid (SO_PEERCRED) is refused; root is let in.
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
 * otherwise LEC_EINVAL with a message in err. */
lec_status sock_prepare_dir(const char *path, int strict, struct buf *err);

struct sock_listener {
	int fd;                 /* listening, non-blocking, close-on-exec */
	int lock_fd;            /* PATH.lock, flock'ed while we live */
	char *path;             /* malloc'd */
	dev_t dev;              /* the socket's inode, to unlink only our own */
	ino_t ino;
};

/* Listen on `path` (backlog as given). LEC_ELOCKED: another daemon is
 * alive on it; LEC_EINVAL: the path is a symlink or not a socket, or too
 * long; LEC_EIO: a system call failed. Message in err. Release with
 * sock_listener_close. */
lec_status sock_listen(const char *path, int backlog, struct sock_listener *l,
		       struct buf *err);
/* Close; unlink the socket if it is still the one we made. */
void sock_listener_close(struct sock_listener *l);

/* Connect to `path` within timeout_ms; *fd is blocking, close-on-exec.
 * LEC_ENOTFOUND: nothing there / nobody listening; LEC_EINVAL: a symlink. */
lec_status sock_connect(const char *path, int timeout_ms, int *fd);

/* 1 if the peer on `fd` may talk to us (same uid, or root), else 0;
 * *uid gets the peer's uid ((uid_t)-1 when unknown). */
int sock_peer_allowed(int fd, uid_t *uid);

#endif
