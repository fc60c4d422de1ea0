/* walk.h - find the notes under a root.
 *
 * Every regular file under a root is a note unless an ignore rule says
 * otherwise: hidden files and directories (a name starting with '.') and
 * `.git` are skipped, and `.lecternignore` files (gitignore syntax, see
 * ignore.h) are honoured in the directory that holds them and below.
 * Symbolic links are followed to files and directories, each directory
 * visited once (by device and inode), so loops end; a broken link, a loop,
 * an unreadable directory or file is a warning naming the path, and the walk
 * goes on. FIFOs, sockets and devices are skipped without being opened.
 * Binary detection is not done here (the indexer sniffs contents).
 */
#ifndef LECTERN_WALK_H
#define LECTERN_WALK_H

#include <stdint.h>
#include <sys/types.h>

#include "status.h"

struct walk_entry {
	const char *path;       /* absolute path (root joined with the relative path) */
	const char *relpath;    /* path relative to the root */
	uint64_t size;
	int64_t mtime_ns;       /* st_mtim as nanoseconds since the epoch */
	dev_t dev;
	ino_t ino;
};

/* Called for each note, in a stable order (bytewise sorted names within a
 * directory, depth first). Return nonzero to stop (walk returns LEC_ESTOP). */
typedef int (*walk_file_cb)(void *ctx, const struct walk_entry *e);
/* Called for each problem: `path` and a message such as "symlink loop". */
typedef void (*walk_warn_cb)(void *ctx, const char *path, const char *message);

/* Walk `root` (an absolute directory path, or a single file). LEC_ENOTFOUND
 * if root does not exist, LEC_EIO if it cannot be read at all. */
lec_status walk_root(const char *root, walk_file_cb on_file, walk_warn_cb on_warn, void *ctx);

#endif
