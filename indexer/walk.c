/* walk.c - find the notes under a root (see walk.h).
 *
 * Depth first, one open directory fd per level (at most LEC_MAX_WALK_DEPTH,
 * so well under any sane fd limit), every lookup relative to its parent's fd
 * so long paths cost nothing and a renamed ancestor cannot redirect us. Each
 * directory's names are read in full, sorted bytewise and the DIR closed
 * before descending: stable order, and only a bare fd held per level.
 * One path buffer grows and shrinks as we go; nothing is allocated per file.
 *
 * Ignore rules are kept per kind of file (walk.h), each set based at
 * absolute directories (the path without its leading '/'), so that the
 * rules of the directories above the walked path, read before the walk
 * starts, and those found on the way down are matched alike. A directory's
 * rules are dropped when the walk leaves it (marks); entering a git
 * repository starts fresh `.gitignore` sets, which are freed on leaving it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ignore.h"
#include "layout.h"
#include "limits.h"
#include "shards.h"
#include "walk.h"
#include "vec.h"
#include "walk-seen.h"

#define LECTERN_IGNORE ".lecternignore"
#define DOT_IGNORE ".ignore"
#define GIT_IGNORE ".gitignore"
#define GIT_DIR ".git"
#define GIT_EXCLUDE ".git/info/exclude"
/* the version file of a Xapian glass database: its directory is one */
#define GLASS_VERSION_FILE "iamglass"
/* room to build (and name in a warning) a path one name over the limit */
#define PATH_BUF_BYTES (LEC_MAX_PATH_BYTES + NAME_MAX + 2)
#define MSG_BYTES (LEC_MAX_PATH_BYTES + 64)

/* A directory on the current descent, for telling cycles from duplicates. */
struct ancestor {
	dev_t dev;
	ino_t ino;
	size_t path_len; /* its path is path[0, path_len) */
};

/* The `.gitignore` rules of the git repository the walk is in: only its
 * own files' rules apply inside it (walk.h). */
struct repo {
	struct ign_set *ignore;  /* .gitignore files; NULL: not in a repository */
	struct ign_set *exclude; /* its .git/info/exclude */
};

struct walker {
	walk_file_cb on_file;
	walk_warn_cb on_warn;
	void *ctx;
	const struct ign_set *user_rules; /* borrowed; may be NULL */
	struct ign_set *lectern;          /* .lecternignore rules of the current descent */
	struct ign_set *dot;              /* .ignore rules of the current descent */
	struct repo repo;                 /* owned */
	bool quiet;                       /* reading what lies above the walk: no warnings */
	char *path;                       /* PATH_BUF_BYTES */
	size_t len;
	size_t rel_off; /* relpath starts here (when len > rel_off) */
	struct ancestor stack[LEC_MAX_WALK_DEPTH + 1];
	size_t depth; /* the root is depth 0 */
	struct seen seen;
	lec_status st; /* sticky: LEC_ENOMEM or LEC_ESTOP ends the walk */
};

/* A directory's names, sorted; the strings live in buf. */
struct names {
	char *buf;
	size_t len, cap;
	size_t *offs;
	char **v;
	size_t n, ncap;
	/* hidden names that matter, and the name of an index's roots file */
	bool has_lectern, has_dot, has_gitignore, has_git, has_build, has_roots;
};

/* ---- warnings ---- */

static void warn(struct walker *w, const char *msg)
{
	if (w->on_warn && !w->quiet)
		w->on_warn(w->ctx, w->path, msg);
}

static void warn_errno(struct walker *w, int err)
{
	char buf[128];

	if (err == EACCES || err == EPERM)
		warn(w, "permission denied");
	else if (err == ELOOP)
		warn(w, "symlink loop (too many levels of symbolic links)");
	else if (err == EMFILE || err == ENFILE)
		warn(w, "too many open files");
	else
		warn(w, strerror_r(err, buf, sizeof(buf)));
}

/* Say what it is: "is a FIFO, not a regular file; skipped". */
static const char *type_name(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "is a FIFO, not a regular file; skipped";
	if (S_ISSOCK(mode))
		return "is a socket, not a regular file; skipped";
	if (S_ISBLK(mode))
		return "is a block device, not a regular file; skipped";
	if (S_ISCHR(mode))
		return "is a character device, not a regular file; skipped";
	return "is not a regular file; skipped";
}

/* ---- the path buffer ---- */

/* Append "/name". False (after a warning, with the path restored) when the
 * result would pass LEC_MAX_PATH_BYTES. */
static bool path_push(struct walker *w, const char *name, size_t *old)
{
	size_t nlen = strlen(name);
	size_t sep = w->path[w->len - 1] == '/' ? 0 : 1;

	*old = w->len;
	if (w->len + sep + nlen >= PATH_BUF_BYTES)
		nlen = PATH_BUF_BYTES - 1 - sep - w->len; /* only for the warning */
	if (sep)
		w->path[w->len++] = '/';
	memcpy(w->path + w->len, name, nlen);
	w->len += nlen;
	w->path[w->len] = '\0';
	if (w->len > LEC_MAX_PATH_BYTES) {
		warn(w, "path too long (over LEC_MAX_PATH_BYTES), skipped");
		w->len = *old;
		w->path[w->len] = '\0';
		return false;
	}
	return true;
}

static void path_pop(struct walker *w, size_t old)
{
	w->len = old;
	w->path[old] = '\0';
}

static const char *relpath(const struct walker *w)
{
	return w->len > w->rel_off ? w->path + w->rel_off : "";
}

/* ---- reading a directory ---- */

static void names_free(struct names *nm)
{
	free(nm->buf);
	free(nm->offs);
	free(nm->v);
}

static lec_status names_add(struct names *nm, const char *name)
{
	size_t len = strlen(name) + 1;

	char *buf = vec_reserve(nm->buf, &nm->cap, nm->len + len, 1, 4096);

	if (!buf)
		return LEC_ENOMEM;
	nm->buf = buf;
	size_t *offs = vec_reserve(nm->offs, &nm->ncap, nm->n + 1, sizeof(*offs), 64);

	if (!offs)
		return LEC_ENOMEM;
	nm->offs = offs;
	memcpy(nm->buf + nm->len, name, len);
	nm->offs[nm->n++] = nm->len;
	nm->len += len;
	return LEC_OK;
}

static int cmp_names(const void *a, const void *b)
{
	/* strcmp compares as unsigned char: bytewise order */
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static lec_status names_sort(struct names *nm)
{
	if (nm->n == 0)
		return LEC_OK;
	nm->v = malloc(nm->n * sizeof(*nm->v));
	if (!nm->v)
		return LEC_ENOMEM;
	for (size_t i = 0; i < nm->n; i++)
		nm->v[i] = nm->buf + nm->offs[i];
	qsort(nm->v, nm->n, sizeof(*nm->v), cmp_names);
	return LEC_OK;
}

/* Note the hidden names that mean something here. */
static void note_hidden(struct names *nm, const char *name)
{
	nm->has_lectern |= strcmp(name, LECTERN_IGNORE) == 0;
	nm->has_dot |= strcmp(name, DOT_IGNORE) == 0;
	nm->has_gitignore |= strcmp(name, GIT_IGNORE) == 0;
	nm->has_git |= strcmp(name, GIT_DIR) == 0;
	nm->has_build |= strcmp(name, LEC_BUILD_SUBDIR) == 0;
}

/* Read the visible names of directory fd (kept open; a duplicate feeds the
 * DIR). Hidden names are dropped here; the ignore files are only noted. */
static lec_status read_names(struct walker *w, int fd, struct names *nm)
{
	int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	struct dirent *de;
	lec_status st = LEC_OK;
	DIR *d;

	if (dup_fd < 0 || !(d = fdopendir(dup_fd))) {
		warn_errno(w, errno);
		if (dup_fd >= 0)
			close(dup_fd);
		return LEC_OK;
	}
	errno = 0;
	while (st == LEC_OK && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.') {
			note_hidden(nm, de->d_name);
		} else {
			nm->has_roots |= strcmp(de->d_name, LEC_ROOTS_FILE) == 0;
			st = names_add(nm, de->d_name);
		}
		errno = 0;
	}
	if (st == LEC_OK && errno != 0)
		warn_errno(w, errno);
	closedir(d);
	return st == LEC_OK ? names_sort(nm) : st;
}

/* ---- ignore files ---- */

/* Read all of fd (a regular file of `size` bytes) into a new buffer. */
static char *read_small_file(int fd, size_t size, size_t *got)
{
	char *buf = malloc(size ? size : 1);
	size_t n = 0;

	if (!buf)
		return NULL;
	while (n < size) {
		ssize_t r = read(fd, buf + n, size - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	*got = n;
	return buf;
}

/* Read ignore file `name` of directory dfd (the current path); NULL if there
 * is none or it cannot be used (after a warning). Opened non-blocking and
 * checked after opening, so a FIFO by that name can neither block nor be read. */
static char *read_ignore_file(struct walker *w, int dfd, const char *name, size_t *len)
{
	char *text = NULL;
	struct stat st;
	size_t old;
	int fd;

	if (!path_push(w, name, &old))
		return NULL;
	fd = openat(dfd, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			warn_errno(w, errno);
	} else if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		warn(w, "ignore file is not a regular file, not read");
	} else if ((uint64_t)st.st_size > LEC_MAX_NOTE_BYTES) {
		warn(w, "ignore file too large (over LEC_MAX_NOTE_BYTES), not read");
	} else if (!(text = read_small_file(fd, (size_t)st.st_size, len))) {
		w->st = LEC_ENOMEM;
	}
	if (fd >= 0)
		close(fd);
	path_pop(w, old);
	return text;
}

/* Add the rules of directory dfd's ignore file `name` to set, based at the
 * directory (the current path). */
static void load_ignore_file(struct walker *w, int dfd, const char *name, struct ign_set *set)
{
	size_t len;
	char *text = read_ignore_file(w, dfd, name, &len);

	if (text && ign_add_rules_text(set, w->path + 1, text, len) != LEC_OK)
		w->st = LEC_ENOMEM;
	free(text);
}

static void repo_free(struct repo *r)
{
	ign_free(r->ignore);
	ign_free(r->exclude);
	r->ignore = r->exclude = NULL;
}

/* Directory dfd (the current path) is the top of a git repository: its
 * `.gitignore` rules start afresh (the caller keeps or frees the outer
 * repository's), with its info/exclude below them. */
static void enter_repo(struct walker *w, int dfd)
{
	struct repo r = { 0 };

	if (ign_new(&r.ignore) != LEC_OK || ign_new(&r.exclude) != LEC_OK) {
		repo_free(&r);
		w->st = LEC_ENOMEM;
		return;
	}
	w->repo = r;
	load_ignore_file(w, dfd, GIT_EXCLUDE, r.exclude);
}

/* The ignore files of directory dfd (the current path), as noted in nm, or
 * looked for when nm is NULL. */
static void load_rules(struct walker *w, int dfd, const struct names *nm)
{
	if (!nm || nm->has_lectern)
		load_ignore_file(w, dfd, LECTERN_IGNORE, w->lectern);
	if (!nm || nm->has_dot)
		load_ignore_file(w, dfd, DOT_IGNORE, w->dot);
	if (w->repo.ignore && (!nm || nm->has_gitignore))
		load_ignore_file(w, dfd, GIT_IGNORE, w->repo.ignore);
}

static bool is_at(int dfd, const char *name, mode_t type)
{
	struct stat st;

	return fstatat(dfd, name, &st, 0) == 0 && (st.st_mode & S_IFMT) == type;
}

/* A lectern index kept among the notes (walk.h): its files are no notes,
 * whatever the directory is called. */
static bool is_index_dir(int dfd)
{
	return is_at(dfd, LEC_ROOTS_FILE, S_IFREG) &&
	       (is_at(dfd, LEC_DB_SUBDIR "/" GLASS_VERSION_FILE, S_IFREG) ||
		is_at(dfd, SHARDS_STUB_NAME, S_IFREG) || is_at(dfd, LEC_BUILD_SUBDIR, S_IFDIR));
}

int walk_is_index_dir(int dfd)
{
	return is_index_dir(dfd);
}

/* ---- the walk ---- */

static bool is_ignored(const struct walker *w, bool is_dir)
{
	const struct ign_set *const kinds[] = { w->lectern, w->dot, w->repo.ignore,
						w->repo.exclude };
	enum ign_verdict v =
		ign_check_first(kinds, sizeof(kinds) / sizeof(kinds[0]), w->path + 1, is_dir);

	if (v == IGN_NONE)
		v = ign_check(w->user_rules, relpath(w), is_dir);
	return v == IGN_EXCLUDE;
}

static void visit_dir(struct walker *w, int fd);

/* A second way into an entered directory: warn only if it is our own
 * ancestor (a cycle); a mere duplicate is skipped quietly. */
static void warn_if_cycle(struct walker *w, const struct stat *st)
{
	char msg[MSG_BYTES];

	for (size_t i = 0; i <= w->depth; i++) {
		const struct ancestor *a = &w->stack[i];

		if (a->dev == st->st_dev && a->ino == st->st_ino) {
			snprintf(msg, sizeof(msg), "symlink loop (already visited: %.*s)",
				 (int)a->path_len, w->path);
			warn(w, msg);
			return;
		}
	}
}

/* Enter subdirectory `name` of dfd, already stat'ed (following links) as st. */
static void enter_dir(struct walker *w, int dfd, const char *name, const struct stat *st)
{
	struct stat got;
	int fd;

	if (seen_has(&w->seen, st->st_dev, st->st_ino)) {
		warn_if_cycle(w, st);
		return;
	}
	if (w->depth >= LEC_MAX_WALK_DEPTH) {
		warn(w, "too deep (over LEC_MAX_WALK_DEPTH levels), skipped");
		return;
	}
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			warn_errno(w, errno);
		return;
	}
	/* replaced since the stat: treat it like a file that vanished */
	if (fstat(fd, &got) != 0 || got.st_dev != st->st_dev || got.st_ino != st->st_ino)
		goto out;
	if (seen_add(&w->seen, got.st_dev, got.st_ino) != LEC_OK) {
		w->st = LEC_ENOMEM;
		goto out;
	}
	w->depth++;
	w->stack[w->depth] = (struct ancestor){ got.st_dev, got.st_ino, w->len };
	visit_dir(w, fd);
	w->depth--;
out:
	close(fd);
}

static void report_file(struct walker *w, int dfd, const char *name, const struct stat *st)
{
	struct walk_entry e;

	if (faccessat(dfd, name, R_OK, AT_EACCESS) != 0) {
		if (errno != ENOENT)
			warn_errno(w, errno);
		return;
	}
	e.path = w->path;
	e.relpath = relpath(w);
	e.size = (uint64_t)st->st_size;
	e.mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
	e.dev = st->st_dev;
	e.ino = st->st_ino;
	if (w->on_file(w->ctx, &e) != 0)
		w->st = LEC_ESTOP;
}

/* A stat that failed: a broken link and a link cycle are warnings, an entry
 * that vanished since readdir is not. */
static void stat_failed(struct walker *w, int dfd, const char *name, int err)
{
	struct stat lst;

	if (err == ENOENT || err == ENOTDIR) {
		if (fstatat(dfd, name, &lst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(lst.st_mode))
			warn(w, "broken symbolic link");
		return;
	}
	warn_errno(w, err);
}

static void visit_entry(struct walker *w, int dfd, const char *name)
{
	struct stat st;
	size_t old;

	if (!path_push(w, name, &old))
		return;
	if (fstatat(dfd, name, &st, 0) != 0)
		stat_failed(w, dfd, name, errno);
	else if (is_ignored(w, S_ISDIR(st.st_mode)))
		;
	else if (S_ISDIR(st.st_mode))
		enter_dir(w, dfd, name, &st);
	else if (S_ISREG(st.st_mode))
		report_file(w, dfd, name, &st);
	else
		warn(w, type_name(st.st_mode));
	path_pop(w, old);
}

/* Walk the entered directory fd (its path is the current path). Its
 * ignore rules live exactly as long as we are inside it. */
static void visit_dir(struct walker *w, int fd)
{
	struct names nm = { 0 };
	struct repo outer = w->repo;
	size_t mark_l = ign_mark(w->lectern), mark_d = ign_mark(w->dot);
	size_t mark_g = outer.ignore ? ign_mark(outer.ignore) : 0;
	lec_status st = read_names(w, fd, &nm);

	if (st != LEC_OK) {
		w->st = st;
		goto out;
	}
	if ((nm.has_roots || nm.has_build) && is_index_dir(fd))
		goto out;
	if (nm.has_git)
		enter_repo(w, fd);
	load_rules(w, fd, &nm);
	for (size_t i = 0; i < nm.n && w->st == LEC_OK; i++)
		visit_entry(w, fd, nm.v[i]);
out:
	if (w->repo.ignore != outer.ignore) {
		repo_free(&w->repo);
		w->repo = outer;
	} else if (outer.ignore) {
		ign_truncate(outer.ignore, mark_g);
	}
	ign_truncate(w->lectern, mark_l);
	ign_truncate(w->dot, mark_d);
	names_free(&nm);
}

/* ---- above the walked path ---- */

/* Directory dfd (the current path) lies above the walked path: take its
 * repository and ignore files, as a walk from "/" would have them there. An
 * outer repository's `.gitignore` rules stop at an inner one's top. */
static void take_ancestor(struct walker *w, int dfd)
{
	struct stat st;

	if (fstatat(dfd, GIT_DIR, &st, 0) == 0) {
		repo_free(&w->repo);
		enter_repo(w, dfd);
	}
	load_rules(w, dfd, NULL);
}

/* Would a walk from the top reach the current path, entry `name` of
 * directory dfd? */
static bool reachable(struct walker *w, int dfd, const char *name, bool is_dir)
{
	bool index = false;
	int fd;

	if (name[0] == '.' || is_ignored(w, is_dir))
		return false;
	if (!is_dir)
		return true;
	fd = openat(dfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		index = is_index_dir(fd);
		close(fd);
	}
	return !index;
}

/* Make the current path the first n bytes of full. */
static void path_set(struct walker *w, const char *full, size_t n)
{
	memcpy(w->path, full, n);
	w->path[n] = '\0';
	w->len = n;
}

/* Read what lies above the walked path: each directory from "/" down to the
 * path's parent gives its repository and ignore files; and each name below
 * the top (the first top_len bytes of the path) is checked as the walk from
 * the top would check it. False when that walk would not reach the path.
 * Quiet: what is wrong up there is said by the walk that goes there. */
static bool descend(struct walker *w, size_t top_len, bool is_dir)
{
	size_t full_len = w->len, dir_len = 1;
	char *full = strdup(w->path), name[NAME_MAX + 1];
	int dfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	bool reached = true;

	if (!full) {
		w->st = LEC_ENOMEM;
		reached = false;
	}
	w->quiet = true;
	while (reached && dfd >= 0 && full_len > 1 && w->st == LEC_OK) {
		size_t start = dir_len == 1 ? 1 : dir_len + 1;
		const char *slash = memchr(full + start, '/', full_len - start);
		size_t end = slash ? (size_t)(slash - full) : full_len;
		int next;

		path_set(w, full, dir_len);
		take_ancestor(w, dfd);
		if (end - start > NAME_MAX)
			break;
		memcpy(name, full + start, end - start);
		name[end - start] = '\0';
		path_set(w, full, end);
		if (end > top_len && !reachable(w, dfd, name, end < full_len || is_dir))
			reached = false;
		if (end == full_len)
			break;
		next = openat(dfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(dfd);
		dfd = next;
		dir_len = end;
	}
	if (dfd >= 0)
		close(dfd);
	w->quiet = false;
	if (full)
		path_set(w, full, full_len);
	free(full);
	return reached && w->st == LEC_OK;
}

/* ---- the root ---- */

static lec_status root_stat_error(struct walker *w, int err)
{
	if (err == ENOENT || err == ENOTDIR)
		return LEC_ENOTFOUND;
	warn_errno(w, err);
	return LEC_EIO;
}

static lec_status walk_single_file(struct walker *w, const struct stat *st)
{
	struct walk_entry e;

	if (faccessat(AT_FDCWD, w->path, R_OK, AT_EACCESS) != 0)
		return root_stat_error(w, errno);
	e.path = w->path;
	e.relpath = strrchr(w->path, '/') + 1;
	e.size = (uint64_t)st->st_size;
	e.mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
	e.dev = st->st_dev;
	e.ino = st->st_ino;
	return w->on_file(w->ctx, &e) != 0 ? LEC_ESTOP : LEC_OK;
}

static lec_status walk_root_dir(struct walker *w)
{
	struct stat st;
	int fd = open(w->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return root_stat_error(w, errno);
	if (fstat(fd, &st) != 0)
		w->st = root_stat_error(w, errno);
	else if (seen_add(&w->seen, st.st_dev, st.st_ino) != LEC_OK)
		w->st = LEC_ENOMEM;
	if (w->st == LEC_OK) {
		w->stack[0] = (struct ancestor){ st.st_dev, st.st_ino, w->len };
		visit_dir(w, fd);
	}
	close(fd);
	return w->st;
}

static lec_status walk_from(struct walker *w, size_t top_len)
{
	struct stat st;

	if (stat(w->path, &st) != 0)
		return root_stat_error(w, errno);
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
		warn(w, type_name(st.st_mode));
		return LEC_EINVAL;
	}
	if (!descend(w, top_len, S_ISDIR(st.st_mode)))
		return w->st;
	if (S_ISREG(st.st_mode))
		return walk_single_file(w, &st);
	return walk_root_dir(w);
}

/* Length of top when path lies below it (bytewise, as paths_under), else
 * of path itself: nothing between to check. */
static size_t top_length(const char *path, size_t len, const char *top)
{
	size_t n = top ? strlen(top) : 0;

	while (n > 1 && top[n - 1] == '/')
		n--;
	if (n == 0 || n >= len || memcmp(path, top, n) != 0 || (n > 1 && path[n] != '/'))
		return len;
	return n;
}

static void walker_free(struct walker *w)
{
	ign_free(w->lectern);
	ign_free(w->dot);
	repo_free(&w->repo);
	seen_release(&w->seen);
	free(w->path);
	free(w);
}

lec_status walk_tree(const char *path, const struct walk_opts *opts, walk_file_cb on_file,
		     walk_warn_cb on_warn, void *ctx)
{
	struct walker *w;
	size_t len;
	lec_status st;

	if (!path || path[0] != '/' || !on_file)
		return LEC_EINVAL;
	len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	if (len > LEC_MAX_PATH_BYTES)
		return LEC_ELIMIT;
	w = calloc(1, sizeof(*w));
	if (!w || !(w->path = malloc(PATH_BUF_BYTES)) || ign_new(&w->lectern) != LEC_OK ||
	    ign_new(&w->dot) != LEC_OK) {
		if (w)
			walker_free(w);
		return LEC_ENOMEM;
	}
	w->on_file = on_file;
	w->on_warn = on_warn;
	w->ctx = ctx;
	w->user_rules = opts ? opts->rules : NULL;
	memcpy(w->path, path, len);
	w->path[len] = '\0';
	w->len = len;
	w->rel_off = len == 1 ? 1 : len + 1;
	st = walk_from(w, top_length(w->path, len, opts ? opts->top : NULL));
	walker_free(w);
	return st;
}

lec_status walk_root(const char *root, walk_file_cb on_file, walk_warn_cb on_warn, void *ctx)
{
	return walk_tree(root, NULL, on_file, on_warn, ctx);
}
