/* paths.h - where the index lives, and path helpers shared by commands. */
#ifndef LECTERN_PATHS_H
#define LECTERN_PATHS_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* The index directory: `opt` (from --index) if not NULL, else
 * $LECTERN_INDEX, else ${XDG_DATA_HOME:-$HOME/.local/share}/lectern. The
 * result is absolute (made so against the cwd); *out malloc'd, caller frees.
 * LEC_ENOTFOUND when neither XDG_DATA_HOME nor HOME is set. */
lec_status paths_index_dir(const char *opt, char **out);

/* mkdir -p with mode for the created directories. */
lec_status paths_mkdir_p(const char *path, unsigned mode);

/* `path` joined to the cwd when relative, with "." and ".." components and
 * duplicate slashes removed lexically (symlinks are not resolved). *out
 * malloc'd. */
lec_status paths_absolute(const char *path, char **out);

/* Display form: relative to `cwd` when path is under it ("notes/a.md"), else
 * the path itself. Returns a pointer into `path` or `path` itself. */
const char *paths_display(const char *path, const char *cwd);

/* What a file of this st_mode is, for messages: "a FIFO", "a directory",
 * "a socket", "a character device", "a block device", "a symbolic link",
 * "a regular file" or "a special file". Static. */
const char *paths_kind(unsigned mode);
/* paths_kind of what is at `path` now (symlinks followed); "something
 * else" when it cannot be looked at. For the message after a LEC_EINVAL of
 * paths_read_file. */
const char *paths_kind_at(const char *path);

/* Read a whole file (at most `max` bytes, else LEC_ELIMIT). *out malloc'd
 * (NUL-terminated), caller frees. errno is kept for LEC_EIO/LEC_ENOTFOUND.
 * LEC_EINVAL: not a regular file (a FIFO, a directory, a device...; never
 * blocks on one, and opens none unless it was swapped in meanwhile). */
lec_status paths_read_file(const char *path, size_t max, char **out, size_t *len);

/* Read bytes [lo, hi) of a regular file (at most `max` bytes long, else
 * LEC_ELIMIT) into a buffer at the same offsets: (*out)[lo .. *len) hold
 * them, *len = hi (less when the file is shorter), (*out)[*len] is NUL, and
 * (*out)[0 .. lo) is allocated but never written: the caller must not read
 * it. *size gets the file's size. *out malloc'd, caller frees. LEC_EINVAL:
 * not a regular file, as for paths_read_file. */
lec_status paths_read_window(const char *path, size_t max, size_t lo, size_t hi, char **out,
			     size_t *len, uint64_t *size);

/* The pieces of the two above, for a reader that looks at a file before
 * deciding how to read it (common/notefile.h). paths_open_regular opens a
 * regular file of at most `max` bytes (statuses as paths_read_file; the
 * caller closes *fd, which is -1 after a failure) and gives its *size;
 * paths_read_fd reads all of it, as paths_read_file, and
 * paths_read_fd_window bytes [lo, hi), as paths_read_window (both with
 * pread: the fd's offset is not used). */
lec_status paths_open_regular(const char *path, size_t max, int *fd, uint64_t *size);
lec_status paths_read_fd(int fd, uint64_t size, size_t max, char **out, size_t *len);
lec_status paths_read_fd_window(int fd, uint64_t size, size_t lo, size_t hi, char **out,
				size_t *len);
/* Where the line holding byte `off` of the regular file at `path` starts,
 * looking back from `off` for a line break no further than `stop` (<= off):
 * *found 1 and *out the offset after it, or *found 0 and *out = stop (the
 * start of the file when stop is 0). Reads 64 KiB at a time and keeps none
 * of it: a line of 50 MB costs its reading, not its memory. */
lec_status paths_line_start(const char *path, size_t off, size_t stop, size_t *out, int *found);

/* All of p[0..n) to fd (a file or a pipe), retried on EINTR and short
 * writes; LEC_EIO (errno kept) otherwise. */
lec_status paths_write_all(int fd, const char *p, size_t n);
/* The same through send(2) with `flags` (a socket: MSG_NOSIGNAL makes a
 * closed peer an error, not a SIGPIPE). */
lec_status paths_send_all(int fd, const char *p, size_t n, int flags);

/* Swap two paths in one step (renameat2 RENAME_EXCHANGE): every moment,
 * each name is one of the two. LEC_EUNIMPL where the filesystem cannot;
 * LEC_EIO otherwise, errno kept. */
lec_status paths_exchange(const char *a, const char *b);

/* fsync every regular file directly in directory `dir`, then the
 * directory itself (a database written without syncing, before it is
 * renamed into place). LEC_EIO with errno kept. */
lec_status paths_sync_dir(const char *dir);

/* fsync the directory holding `path` (after a rename inside it). */
lec_status paths_sync_parent(const char *path);

/* rm -rf: remove `path` and everything below it, following no symlink.
 * LEC_OK when it is gone (or was never there); else LEC_EIO, errno kept. */
lec_status paths_remove_tree(const char *path);

/* Nonzero when `path` is `dir` or inside it, by bytes (both absolute and
 * normalised: paths_absolute). "/" holds every absolute path. */
int paths_under(const char *path, const char *dir);

#endif
