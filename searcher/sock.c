/* sock.c - the daemon's socket: path, directory, stale vs live, peers. */
#include "sock.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "paths.h"

lec_status sock_default_path(const char *index_dir, char **out)
{
	const char *rt = getenv("XDG_RUNTIME_DIR");
	int n;
	if (rt && rt[0] == '/')
		n = asprintf(out, "%s/lectern/lectern.sock", rt);
	else
		n = asprintf(out, "%s/run/lectern.sock", index_dir);
	if (n < 0) {
		*out = NULL;
		return LEC_ENOMEM;
	}
	return LEC_OK;
}

/* The directory part of path; malloc'd. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

/* A directory we did not choose (--socket): whoever can write it can put
 * their own socket at the path before we bind, or rename ours away and put
 * theirs in its place. So it must belong to us or root (root can do that
 * anyway) and have no group or other write bit. The sticky bit (/tmp) is no
 * help: it keeps others from removing our socket, not from taking the name
 * first. Only the directory itself is checked, as tmux and git do. */
static lec_status check_writers(const char *dir, const struct stat *sb, struct buf *err)
{
	uid_t me = geteuid();
	if (sb->st_uid != me && sb->st_uid != 0) {
		buf_printf(err,
			   "the socket directory %s belongs to uid %u, not to us (uid %u) or root: "
			   "its owner could put any socket there",
			   dir, (unsigned)sb->st_uid, (unsigned)me);
		return LEC_EPERM;
	}
	if (sb->st_mode & 022) {
		buf_printf(err,
			   "the socket directory %s (mode %04o, owner uid %u) can be written by "
			   "others: anyone could put their own socket there; use a directory only "
			   "you can write",
			   dir, (unsigned)(sb->st_mode & 07777), (unsigned)sb->st_uid);
		return LEC_EPERM;
	}
	return LEC_OK;
}

static lec_status check_dir(const char *dir, int strict, struct buf *err)
{
	struct stat sb;
	if ((strict ? lstat(dir, &sb) : stat(dir, &sb)) != 0) {
		buf_printf(err, "%s: %s", dir, strerror(errno));
		return LEC_EIO;
	}
	if (!S_ISDIR(sb.st_mode)) {
		buf_printf(err, "%s is not a directory%s", dir,
			   S_ISLNK(sb.st_mode) ? " (a symbolic link: not followed)" : "");
		return LEC_EINVAL;
	}
	if (!strict)
		return check_writers(dir, &sb, err);
	if (sb.st_uid != geteuid()) {
		buf_printf(err, "%s belongs to uid %u, not to us (uid %u): refusing to use it", dir,
			   (unsigned)sb.st_uid, (unsigned)geteuid());
		return LEC_EPERM;
	}
	if (sb.st_mode & 077) {
		buf_printf(err, "%s has mode %03o: it must be 0700 (chmod 700 it)", dir,
			   (unsigned)(sb.st_mode & 0777));
		return LEC_EPERM;
	}
	return LEC_OK;
}

lec_status sock_prepare_dir(const char *path, int strict, struct buf *err)
{
	char *dir = dir_of(path);
	struct stat sb;
	lec_status st = dir ? LEC_OK : LEC_ENOMEM;
	if (!st && lstat(dir, &sb) != 0 && errno == ENOENT) {
		st = paths_mkdir_p(dir, 0700);
		if (st)
			buf_printf(err, "cannot create %s: %s", dir, strerror(errno));
	}
	if (!st)
		st = check_dir(dir, strict, err);
	free(dir);
	return st;
}

lec_status sock_check_dir(const char *path, int chosen, struct buf *err)
{
	char *dir = dir_of(path);
	struct stat sb;
	if (!dir)
		return LEC_ENOMEM;
	/* a directory we cannot see holds no daemon we could reach either */
	lec_status st = stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode) ? LEC_OK : LEC_ENOTFOUND;
	if (!st && !chosen && sb.st_uid != geteuid() && sb.st_uid != 0 && !(sb.st_mode & 022))
		st = LEC_ENOTFOUND;
	if (!st)
		st = check_writers(dir, &sb, err);
	free(dir);
	return st;
}

static lec_status fill_addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return LEC_EINVAL;
	memcpy(sa->sun_path, path, strlen(path) + 1);
	return LEC_OK;
}

/* Is someone accepting on path? 1 yes, 0 no (stale or absent). */
static int is_live(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	int live = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0 ||
		   errno == EAGAIN; /* a full backlog is still somebody listening */
	close(fd);
	return live;
}

/* Take PATH.lock; LEC_ELOCKED names the pid that holds it. */
static lec_status take_lock(const char *path, struct sock_listener *l, struct buf *err)
{
	char *lock = NULL, pid[32] = "";
	if (asprintf(&lock, "%s.lock", path) < 0)
		return LEC_ENOMEM;
	l->lock_fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	lec_status st = LEC_OK;
	if (l->lock_fd < 0) {
		buf_printf(err, "cannot open %s: %s", lock, strerror(errno));
		st = LEC_EIO;
	} else if (flock(l->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		ssize_t n = pread(l->lock_fd, pid, sizeof(pid) - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		buf_printf(err, "another lectern serve%s%s%s is already listening on %s",
			   *pid ? " (pid " : "", pid, *pid ? ")" : "", path);
		st = LEC_ELOCKED;
	}
	free(lock);
	return st;
}

static void write_pid(int fd)
{
	char pid[32];
	int n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)n, 0) != n)
		return; /* the pid is only for the message; the lock is what counts */
}

/* What is at path now: remove a stale socket, refuse anything else. */
static lec_status clear_path(const char *path, const struct sockaddr_un *sa, struct buf *err)
{
	struct stat sb;
	if (lstat(path, &sb) != 0) {
		if (errno == ENOENT)
			return LEC_OK;
		buf_printf(err, "%s: %s", path, strerror(errno));
		return LEC_EIO;
	}
	if (S_ISLNK(sb.st_mode)) {
		buf_printf(err, "%s is a symbolic link: refusing to follow it", path);
		return LEC_EINVAL;
	}
	if (!S_ISSOCK(sb.st_mode)) {
		buf_printf(err, "%s exists and is not a socket: refusing to replace it", path);
		return LEC_EINVAL;
	}
	if (is_live(sa)) {
		buf_printf(err, "another daemon is already listening on %s", path);
		return LEC_ELOCKED;
	}
	if (unlink(path) != 0 && errno != ENOENT) {
		buf_printf(err, "cannot remove the stale socket %s: %s", path, strerror(errno));
		return LEC_EIO;
	}
	return LEC_OK;
}

static lec_status bind_listen(const char *path, const struct sockaddr_un *sa, int backlog,
			      struct sock_listener *l, struct buf *err)
{
	l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0) {
		buf_printf(err, "socket: %s", strerror(errno));
		return LEC_EIO;
	}
	/* 0600 from the start: no moment where another user could connect */
	mode_t old = umask(0177);
	int rc = bind(l->fd, (const struct sockaddr *)sa, sizeof(*sa));
	int e = errno;
	umask(old);
	if (rc != 0 || listen(l->fd, backlog) != 0) {
		buf_printf(err, "cannot listen on %s: %s", path, strerror(rc ? e : errno));
		return LEC_EIO;
	}
	struct stat sb;
	if (lstat(path, &sb) == 0) {
		l->dev = sb.st_dev;
		l->ino = sb.st_ino;
	}
	return LEC_OK;
}

lec_status sock_listen(const char *path, int backlog, struct sock_listener *l, struct buf *err)
{
	struct sockaddr_un sa;
	memset(l, 0, sizeof(*l));
	l->fd = l->lock_fd = -1;
	if (fill_addr(path, &sa)) {
		buf_printf(err, "socket path too long (%zu bytes; the limit is %zu): %s",
			   strlen(path), sizeof(sa.sun_path) - 1, path);
		return LEC_EINVAL;
	}
	lec_status st = take_lock(path, l, err);
	if (!st)
		st = clear_path(path, &sa, err);
	if (!st)
		st = bind_listen(path, &sa, backlog, l, err);
	if (!st && !(l->path = strdup(path)))
		st = LEC_ENOMEM;
	if (st) {
		if (l->fd >= 0 && l->path == NULL && l->ino)
			unlink(path); /* we bound it but could not finish */
		sock_listener_close(l);
		return st;
	}
	write_pid(l->lock_fd);
	return LEC_OK;
}

enum sock_close sock_listener_close(struct sock_listener *l)
{
	enum sock_close what = SOCK_CLOSE_NONE;
	struct stat sb;
	if (l->fd >= 0)
		close(l->fd);
	/* only our own socket: another daemon, or anyone who could write the
	 * directory, may have replaced it meanwhile. (A swap between this lstat
	 * and the unlink is not caught; the directory rule makes it ours to do.) */
	if (l->path) {
		if (lstat(l->path, &sb) != 0)
			what = SOCK_CLOSE_GONE;
		else if (!S_ISSOCK(sb.st_mode) || sb.st_dev != l->dev || sb.st_ino != l->ino)
			what = SOCK_CLOSE_NOT_OURS;
		else if (unlink(l->path) == 0)
			what = SOCK_CLOSE_REMOVED;
		else
			what = errno == ENOENT ? SOCK_CLOSE_GONE : SOCK_CLOSE_FAILED;
	}
	if (l->lock_fd >= 0)
		close(l->lock_fd);
	free(l->path);
	memset(l, 0, sizeof(*l));
	l->fd = l->lock_fd = -1;
	return what;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* connect(2) on a non-blocking Unix socket fails with EAGAIN when the
 * backlog is full; retry briefly until the deadline. */
static int connect_until(int fd, const struct sockaddr_un *sa, int timeout_ms)
{
	struct timespec t0, nap = { 0, 2 * 1000 * 1000 };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
			return 0;
		if (errno == EINPROGRESS) {
			struct pollfd p = { .fd = fd, .events = POLLOUT };
			int err = 0;
			socklen_t el = sizeof(err);
			if (poll(&p, 1, timeout_ms) != 1 ||
			    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0 || err)
				return -1;
			return 0;
		}
		if ((errno != EAGAIN && errno != EINTR) || ms_since(&t0) >= timeout_ms)
			return -1;
		nanosleep(&nap, NULL);
	}
}

lec_status sock_connect(const char *path, int timeout_ms, int *fd)
{
	struct sockaddr_un sa;
	struct stat sb;
	*fd = -1;
	if (fill_addr(path, &sa))
		return LEC_EINVAL;
	if (lstat(path, &sb) != 0)
		return LEC_ENOTFOUND;
	if (!S_ISSOCK(sb.st_mode))
		return LEC_EINVAL; /* a symlink or anything else is not followed */
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s < 0)
		return LEC_EIO;
	if (connect_until(s, &sa, timeout_ms) != 0) {
		close(s);
		return LEC_ENOTFOUND;
	}
	int fl = fcntl(s, F_GETFL);
	if (fl < 0 || fcntl(s, F_SETFL, fl & ~O_NONBLOCK) != 0) {
		close(s);
		return LEC_EIO;
	}
	*fd = s;
	return LEC_OK;
}

int sock_peer_allowed(int fd, uid_t *uid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	*uid = (uid_t)-1;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len != sizeof(cred))
		return 0;
	*uid = cred.uid;
	return cred.uid == geteuid() || cred.uid == 0;
}

/* ---- a client's exchange ------------------------------------------------ */

lec_status sock_send_all(int fd, const char *p, size_t n)
{
	return paths_send_all(fd, p, n, MSG_NOSIGNAL);
}

lec_status sock_read_line(int fd, int timeout_ms, struct buf *in, size_t *consumed,
			  const char **line, size_t *len)
{
	char chunk[65536];
	/* drop the line before */
	if (*consumed) {
		memmove(in->data, in->data + *consumed, in->len - *consumed);
		in->len -= *consumed;
		*consumed = 0;
	}
	size_t scanned = 0;
	for (;;) {
		const char *nl = in->len > scanned ?
					 memchr(in->data + scanned, '\n', in->len - scanned) :
					 NULL;
		if (nl) {
			*line = in->data;
			*len = (size_t)(nl - in->data);
			*consumed = *len + 1;
			return LEC_OK;
		}
		scanned = in->len;
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
			return LEC_ELIMIT;
	}
}

lec_status sock_check_peer(int fd, const char *socket_path, struct buf *err)
{
	uid_t uid;
	if (sock_peer_allowed(fd, &uid))
		return LEC_OK;
	if (uid == (uid_t)-1)
		buf_printf(err, "cannot tell who listens on %s (SO_PEERCRED failed): refusing it",
			   socket_path);
	else
		buf_printf(err,
			   "the process listening on %s runs as uid %u, not as us (uid %u) or "
			   "root: refusing its answers",
			   socket_path, (unsigned)uid, (unsigned)geteuid());
	return LEC_EPERM;
}
