/* paths.c - index location and path helpers. */
#include "paths.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"

lec_status paths_index_dir(const char *opt, char **out)
{
	const char *env = getenv("LECTERN_INDEX");
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	char *tmp = NULL;
	lec_status st;
	if (opt && *opt)
		return paths_absolute(opt, out);
	if (env && *env)
		return paths_absolute(env, out);
	if (xdg && *xdg && xdg[0] == '/') {
		if (asprintf(&tmp, "%s/lectern", xdg) < 0)
			return LEC_ENOMEM;
	} else if (home && *home) {
		if (asprintf(&tmp, "%s/.local/share/lectern", home) < 0)
			return LEC_ENOMEM;
	} else {
		return LEC_ENOTFOUND;
	}
	st = paths_absolute(tmp, out);
	free(tmp);
	return st;
}

lec_status paths_mkdir_p(const char *path, unsigned mode)
{
	char *p = strdup(path);
	if (!p)
		return LEC_ENOMEM;
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s)
			continue;
		char c = *s;
		*s = 0;
		if (mkdir(p, mode) != 0 && errno != EEXIST) {
			free(p);
			return LEC_EIO;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	struct stat sb;
	if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		errno = ENOTDIR;
		return LEC_EIO;
	}
	return LEC_OK;
}

/* Append component [s, s+n) to b, handling "." and "..". */
static void push_component(struct buf *b, const char *s, size_t n)
{
	if (n == 0 || (n == 1 && s[0] == '.'))
		return;
	if (n == 2 && s[0] == '.' && s[1] == '.') {
		while (b->len > 0 && b->data[b->len - 1] != '/')
			b->len--;
		if (b->len > 0)
			b->len--;
		if (b->data) /* NULL when the first allocation failed */
			b->data[b->len] = 0;
		return;
	}
	buf_putc(b, '/');
	buf_put(b, s, n);
}

/* Each '/'-separated component of s, through push_component. */
static void push_components(struct buf *b, const char *s)
{
	while (*s) {
		while (*s == '/')
			s++;
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		push_component(b, s, n);
		s += n;
	}
}

lec_status paths_absolute(const char *path, char **out)
{
	struct buf b;
	buf_init(&b, 0);
	buf_puts(&b, "");
	if (path[0] != '/') {
		char *cwd = getcwd(NULL, 0);
		if (!cwd) {
			buf_release(&b);
			return LEC_EIO;
		}
		push_components(&b, cwd);
		free(cwd);
	}
	push_components(&b, path);
	if (b.len == 0)
		buf_putc(&b, '/');
	*out = buf_detach(&b);
	return *out ? LEC_OK : LEC_ENOMEM;
}

const char *paths_display(const char *path, const char *cwd)
{
	size_t n = cwd ? strlen(cwd) : 0;
	if (n == 0)
		return path;
	if (n == 1 && cwd[0] == '/')
		return path[0] == '/' && path[1] ? path + 1 : path;
	if (strncmp(path, cwd, n) == 0 && path[n] == '/' && path[n + 1])
		return path + n + 1;
	return path;
}

const char *paths_kind(unsigned mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "a regular file";
	case S_IFDIR:
		return "a directory";
	case S_IFIFO:
		return "a FIFO";
	case S_IFSOCK:
		return "a socket";
	case S_IFCHR:
		return "a character device";
	case S_IFBLK:
		return "a block device";
	case S_IFLNK:
		return "a symbolic link";
	default:
		return "a special file";
	}
}

const char *paths_kind_at(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? paths_kind(sb.st_mode) : "something else";
}

/* Not a regular file: LEC_EINVAL, errno EINVAL. */
static lec_status not_regular(void)
{
	errno = EINVAL;
	return LEC_EINVAL;
}

/* Open a regular file of at most `max` bytes for reading, without blocking
 * on a FIFO or a device: *fd and its *size, or a status (errno kept). A
 * FIFO or device is not opened at all (opening some devices does things);
 * one swapped in between the stat and the open is opened non-blocking and
 * refused by the fstat. */
lec_status paths_open_regular(const char *path, size_t max, int *fd, uint64_t *size)
{
	struct stat sb;
	*fd = -1;
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
		return not_regular();
	*fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (*fd < 0)
		return errno == ENOENT ? LEC_ENOTFOUND : LEC_EIO;
	int ok = fstat(*fd, &sb) == 0;
	if (!ok || !S_ISREG(sb.st_mode)) {
		int e = errno;
		close(*fd);
		*fd = -1;
		errno = e;
		return ok ? not_regular() : LEC_EIO;
	}
	if ((uint64_t)sb.st_size > max) {
		close(*fd);
		*fd = -1;
		return LEC_ELIMIT;
	}
	*size = (uint64_t)sb.st_size;
	return LEC_OK;
}

/* close() that keeps errno: a read error is what the caller reports. */
static void close_keep_errno(int fd)
{
	int e = errno;
	close(fd);
	errno = e;
}

/* free() that keeps errno, likewise. */
static void free_keep_errno(void *p)
{
	int e = errno;
	free(p);
	errno = e;
}

/* Read fd into data from offset *n (which grows) up to `end`, or to the end
 * of the file if that comes first. LEC_EIO with errno on a read error. */
static lec_status pread_until(int fd, char *data, size_t *n, size_t end)
{
	while (*n < end) {
		ssize_t r = pread(fd, data + *n, end - *n, (off_t)*n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return LEC_EIO;
		if (r == 0)
			break;
		*n += (size_t)r;
	}
	return LEC_OK;
}

lec_status paths_read_fd(int fd, uint64_t fsize, size_t max, char **out, size_t *len)
{
	size_t cap = (size_t)fsize + 1, n = 0;
	char *data = malloc(cap + 1);
	if (!data)
		return LEC_ENOMEM;
	for (;;) {
		if (n == cap) {
			/* the file grew while we read it: take what fits the limit */
			if (cap >= max) {
				free(data);
				return LEC_ELIMIT;
			}
			size_t ncap = cap * 2 > max ? max : cap * 2;
			char *nd = realloc(data, ncap + 1);
			if (!nd) {
				free(data);
				return LEC_ENOMEM;
			}
			data = nd;
			cap = ncap;
		}
		if (pread_until(fd, data, &n, cap)) {
			free_keep_errno(data);
			return LEC_EIO;
		}
		if (n < cap)
			break; /* the end of the file */
	}
	data[n] = 0;
	*out = data;
	*len = n;
	return LEC_OK;
}

lec_status paths_read_file(const char *path, size_t max, char **out, size_t *len)
{
	int fd;
	uint64_t fsize;
	lec_status st = paths_open_regular(path, max, &fd, &fsize);
	if (st)
		return st;
	st = paths_read_fd(fd, fsize, max, out, len);
	close_keep_errno(fd);
	return st;
}

lec_status paths_read_fd_window(int fd, uint64_t fsize, size_t lo, size_t hi, char **out,
				size_t *len)
{
	if (hi > fsize)
		hi = (size_t)fsize;
	if (lo > hi)
		lo = hi;
	/* as long as the file up to hi, so that offsets mean the same; only
	 * [lo, hi) is written, and a large allocation's other pages are never
	 * touched */
	char *data = malloc(hi + 1);
	if (!data)
		return LEC_ENOMEM;
	size_t n = lo;
	/* a file shrunk since fstat ends the window early */
	if (pread_until(fd, data, &n, hi)) {
		free_keep_errno(data);
		return LEC_EIO;
	}
	data[n] = 0;
	*out = data;
	*len = n;
	return LEC_OK;
}

lec_status paths_line_start(const char *path, size_t off, size_t stop, size_t *out, int *found)
{
	enum {
		CHUNK = 64 << 10
	};
	int fd;
	uint64_t fsize;
	*out = stop;
	*found = 0;
	lec_status st = paths_open_regular(path, SIZE_MAX, &fd, &fsize);
	if (st)
		return st;
	char *chunk = malloc(CHUNK);
	if (!chunk)
		st = LEC_ENOMEM;
	for (size_t hi = off < fsize ? off : (size_t)fsize; !st && hi > stop;) {
		size_t lo = hi - stop > CHUNK ? hi - CHUNK : stop;
		ssize_t r = pread(fd, chunk, hi - lo, (off_t)lo);
		if (r < 0 && errno == EINTR)
			continue;
		if (r != (ssize_t)(hi - lo)) {
			st = LEC_EIO; /* the file shrank under us, or cannot be read */
			break;
		}
		const char *nl = memrchr(chunk, '\n', hi - lo);
		if (nl) {
			*out = lo + (size_t)(nl - chunk) + 1;
			*found = 1;
			break;
		}
		hi = lo;
	}
	free(chunk);
	close(fd);
	return st;
}

lec_status paths_read_window(const char *path, size_t max, size_t lo, size_t hi, char **out,
			     size_t *len, uint64_t *size)
{
	int fd;
	uint64_t fsize;
	lec_status st = paths_open_regular(path, max, &fd, &fsize);
	if (st)
		return st;
	st = paths_read_fd_window(fd, fsize, lo, hi, out, len);
	close_keep_errno(fd);
	if (!st)
		*size = fsize;
	return st;
}

int paths_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return strncmp(path, dir, n) == 0 && (path[n] == 0 || path[n] == '/');
}

lec_status paths_exchange(const char *a, const char *b)
{
	if (renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) == 0)
		return LEC_OK;
	return errno == EINVAL || errno == ENOSYS || errno == ENOTSUP ? LEC_EUNIMPL : LEC_EIO;
}

static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	int dir = type == FTW_DP || type == FTW_DNR;
	return (dir ? rmdir(path) : unlink(path)) == 0 || errno == ENOENT ? 0 : -1;
}

lec_status paths_remove_tree(const char *path)
{
	struct stat sb;
	if (lstat(path, &sb) != 0)
		return errno == ENOENT ? LEC_OK : LEC_EIO;
	if (!S_ISDIR(sb.st_mode))
		return unlink(path) == 0 || errno == ENOENT ? LEC_OK : LEC_EIO;
	return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0 ? LEC_OK : LEC_EIO;
}

static lec_status sync_fd_path(int dirfd, const char *name, int flags)
{
	int fd = openat(dirfd, name, flags | O_CLOEXEC);
	if (fd < 0)
		return LEC_EIO;
	int rc = fsync(fd);
	int saved = errno;
	close(fd);
	errno = saved;
	return rc == 0 ? LEC_OK : LEC_EIO;
}

lec_status paths_sync_dir(const char *dir)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return LEC_EIO;
	int dup_fd = dup(dfd);
	DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
	lec_status st = d ? LEC_OK : LEC_EIO;
	if (!d && dup_fd >= 0)
		close(dup_fd);
	struct dirent *de;
	while (!st && d && (de = readdir(d)) != NULL) {
		struct stat sb;
		if (fstatat(dfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(sb.st_mode))
			st = sync_fd_path(dfd, de->d_name, O_RDONLY);
	}
	if (d)
		closedir(d);
	if (!st && fsync(dfd) != 0)
		st = LEC_EIO;
	int saved = errno;
	close(dfd);
	errno = saved;
	return st;
}

lec_status paths_sync_parent(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return LEC_ENOMEM;
	char *slash = strrchr(copy, '/');
	if (slash == copy)
		slash[1] = 0;
	else if (slash)
		*slash = 0;
	lec_status st = sync_fd_path(AT_FDCWD, slash ? copy : ".", O_RDONLY | O_DIRECTORY);
	free(copy);
	return st;
}

/* send_flags < 0: write(2), else send(2) with them */
static lec_status put_all(int fd, const char *p, size_t n, int send_flags)
{
	while (n) {
		ssize_t w = send_flags < 0 ? write(fd, p, n) : send(fd, p, n, send_flags);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return LEC_EIO;
		p += w;
		n -= (size_t)w;
	}
	return LEC_OK;
}

lec_status paths_write_all(int fd, const char *p, size_t n)
{
	return put_all(fd, p, n, -1);
}

lec_status paths_send_all(int fd, const char *p, size_t n, int flags)
{
	return put_all(fd, p, n, flags < 0 ? 0 : flags);
}
