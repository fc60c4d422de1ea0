/* walk.h - find the notes under a root.
 *
 * Every regular file under a root is a note unless an ignore rule says
 * otherwise. Hidden files and directories (a name starting with '.',
 * `.git` among them) are skipped, and so is a lectern index kept among the
 * notes whatever its name (a directory holding the `roots` file of
 * docs/index-layout.md beside a database `xapian/`, a `shards.stub` or a
 * build in progress `.build/`: `--index notes/idx`). Ignore files are read
 * as ripgrep reads them (gitignore syntax, see ignore.h):
 *
 *   - `.lecternignore`, `.ignore` and `.gitignore` apply to the directory
 *     that holds them and below; a deeper file's rules win over its
 *     parents' (of the same kind), and within a file the last matching
 *     line decides, so `!pattern` re-includes;
 *   - `.gitignore` (and a repository's `.git/info/exclude`, below every
 *     `.gitignore`) applies only inside a git repository: a directory with
 *     a `.git` (directory, or file for a worktree) at or above it, and only
 *     the files of that repository (at or below its top): an outer
 *     project's `.gitignore` does not reach into a nested repository;
 *   - the kinds rank `.lecternignore` over `.ignore` over `.gitignore`:
 *     the first kind with a rule matching a path decides, so `!x` in
 *     `.ignore` keeps a file `.gitignore` excludes;
 *   - the ignore files of the directories above the walked path, up to
 *     `/`, apply too (`rg` does the same), so that walking part of a tree
 *     finds what walking all of it finds. Git's global excludes file is
 *     not read.
 *
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
	const char *path;    /* absolute path (root joined with the relative path) */
	const char *relpath; /* path relative to the root */
	uint64_t size;
	int64_t mtime_ns; /* st_mtim as nanoseconds since the epoch */
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

struct ign_set;

struct walk_opts {
	/* The root that the walked path is part of (absolute; NULL, or the
	 * path itself, when the path is a root). The path and the directories
	 * between it and top are checked as a walk from top checks them
	 * (hidden names, ignore rules, an index): when that walk would not
	 * reach the path, nothing is reported. A root itself is never
	 * checked: a directory or file given is walked, as rg searches it. */
	const char *top;
	/* Extra rules (may be NULL; borrowed, not modified), based at the
	 * walked path and ranked below every ignore file found. */
	const struct ign_set *rules;
};

/* Nonzero when directory dfd is a lectern index (above): the walk does not
 * enter one, and `serve --watch` does not watch one (its own writes would
 * wake it). */
int walk_is_index_dir(int dfd);

/* walk_root() with options (opts may be NULL). */
lec_status walk_tree(const char *path, const struct walk_opts *opts, walk_file_cb on_file,
		     walk_warn_cb on_warn, void *ctx);

#endif
