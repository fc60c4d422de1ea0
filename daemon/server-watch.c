/* server-watch.c - `lectern serve --watch`: inotify on every directory
 * under the roots (and on the index's roots file, for roots added later);
 * saved notes (including write-to-temp-then-rename saves) are batched and,
 * after a short debounce, handed over as one reindex (server-reindex.c). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layout.h"
#include "log.h"
#include "paths.h"
#include "server-int.h"
#include "vec.h"
#include "walk.h"

/* ---- the watcher -------------------------------------------------------- */

static int ignored_name(const char *name)
{
	size_t n = strlen(name);
	/* hidden files (editor swap files), backups, vim's write test file */
	return name[0] == '.' || (n && name[n - 1] == '~') || !strcmp(name, "4913");
}

static void watch_add_tree(struct server *s, const char *dir, int depth);

static void watch_set(struct watch *wt, int wd, const char *dir)
{
	if ((size_t)wd >= wt->ndirs) {
		size_t cap = wt->ndirs;
		char **d = vec_reserve(wt->dirs, &cap, (size_t)wd + 1, sizeof(char *), 16);
		if (!d)
			return;
		memset(d + wt->ndirs, 0, (cap - wt->ndirs) * sizeof(char *));
		wt->dirs = d;
		wt->ndirs = cap;
	}
	if (wt->dirs[wd] && !strcmp(wt->dirs[wd], dir))
		return;
	free(wt->dirs[wd]);
	wt->dirs[wd] = strdup(dir);
}

static void watch_subdirs(struct server *s, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (ignored_name(e->d_name))
			continue; /* also . and .. */
		char *sub = NULL;
		struct stat sb;
		if (asprintf(&sub, "%s/%s", dir, e->d_name) < 0)
			break;
		if (lstat(sub, &sb) == 0 && S_ISDIR(sb.st_mode))
			watch_add_tree(s, sub, depth + 1);
		free(sub);
	}
	closedir(d);
}

/* A lectern index among the notes (`--index notes/idx`): not notes, and
 * watching it would wake the watcher at each of its own commits. */
static int is_index(const char *dir)
{
	int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int index = fd >= 0 && walk_is_index_dir(fd);
	if (fd >= 0)
		close(fd);
	return index;
}

/* Watch dir and every directory under it (hidden ones are not notes). */
static void watch_add_tree(struct server *s, const char *dir, int depth)
{
	struct watch *wt = &s->wt;
	if (depth > LEC_MAX_WALK_DEPTH || is_index(dir))
		return;
	int wd = inotify_add_watch(wt->fd, dir, WATCH_MASK);
	if (wd < 0) {
		if (errno == ENOSPC && !wt->warned_full++)
			log_warn("watch: out of inotify watches at %s (raise "
				 "fs.inotify.max_user_watches)",
				 dir);
		else if (errno != ENOSPC && errno != ENOENT && errno != ENOTDIR)
			log_warn("watch: %s: %s", dir, strerror(errno));
		return;
	}
	watch_set(wt, wd, dir);
	watch_subdirs(s, dir, depth);
}

/* Forget the watches of a directory moved away (and those under it). */
static void watch_remove_tree(struct watch *wt, const char *dir)
{
	for (size_t i = 0; i < wt->ndirs; i++) {
		if (wt->dirs[i] && paths_under(wt->dirs[i], dir)) {
			inotify_rm_watch(wt->fd, (int)i);
			free(wt->dirs[i]);
			wt->dirs[i] = NULL;
		}
	}
}

static int watched(const struct watch *wt, const char *dir)
{
	for (size_t i = 0; i < wt->ndirs; i++)
		if (wt->dirs[i] && !strcmp(wt->dirs[i], dir))
			return 1;
	return 0;
}

/* Watch roots that are not watched yet (a reindex may have added one). */
void watch_refresh_roots(struct server *s)
{
	struct idx_info info = { 0 };
	struct buf err;
	buf_init(&err, 1024);
	if (idx_info_read(s->env.index_dir, &info, &err) == LEC_OK) {
		for (size_t i = 0; i < info.nroots; i++) {
			if (!watched(&s->wt, info.roots[i])) {
				log_info("watching %s", info.roots[i]);
				watch_add_tree(s, info.roots[i], 0);
			}
		}
	}
	idx_info_release(&info);
	buf_release(&err);
}

static void watch_clear_pending(struct watch *wt)
{
	for (size_t i = 0; i < wt->npending; i++)
		free(wt->pending[i]);
	wt->npending = 0;
}

/* Remember "dir\0name" for the next watch reindex. */
static void watch_note(struct watch *wt, const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	if (wt->npending >= LEC_BATCH_FILES) {
		/* a checkout or a copy of a whole tree: one full refresh does it */
		watch_clear_pending(wt);
		name = "";
		nl = 0;
	}
	for (size_t i = 0; i < wt->npending; i++)
		if (!strcmp(wt->pending[i], dir) && !strcmp(wt->pending[i] + dl + 1, name))
			return;
	char **p = vec_reserve(wt->pending, &wt->cap_pending, wt->npending + 1, sizeof(char *), 16);
	char *pair = p ? malloc(dl + nl + 2) : NULL;
	if (!pair)
		return;
	wt->pending = p;
	memcpy(pair, dir, dl + 1);
	memcpy(pair + dl + 1, name, nl + 1);
	wt->pending[wt->npending++] = pair;
	long long now = srv_now_ms();
	if (!wt->first_ms)
		wt->first_ms = now;
	wt->due_ms = now + DEBOUNCE_MS;
	if (wt->due_ms > wt->first_ms + DEBOUNCE_MAX_MS)
		wt->due_ms = wt->first_ms + DEBOUNCE_MAX_MS;
}

static void watch_event(struct server *s, const struct inotify_event *ev)
{
	struct watch *wt = &s->wt;
	if (ev->mask & IN_Q_OVERFLOW) {
		log_warn("watch: inotify queue overflow: refreshing every root");
		watch_note(wt, s->env.index_dir, ""); /* cannot resolve: a full refresh */
		return;
	}
	if (ev->wd >= 0 && ev->wd == wt->index_wd) {
		/* `lectern index DIR` in another process added a root (or
		 * moved one): watch it from now on */
		if (ev->len && !strcmp(ev->name, LEC_ROOTS_FILE))
			watch_refresh_roots(s);
		return;
	}
	if (ev->wd < 0 || (size_t)ev->wd >= wt->ndirs || !wt->dirs[ev->wd])
		return;
	if (ev->mask & IN_IGNORED) {
		free(wt->dirs[ev->wd]);
		wt->dirs[ev->wd] = NULL;
		return;
	}
	if (!ev->len || ignored_name(ev->name))
		return;
	const char *dir = wt->dirs[ev->wd];
	int isdir = (ev->mask & IN_ISDIR) != 0;
	if (!isdir && (ev->mask & IN_CREATE))
		return; /* a file being created: its IN_CLOSE_WRITE follows */
	char *path = NULL;
	if (asprintf(&path, "%s/%s", dir, ev->name) < 0)
		return;
	if (isdir && (ev->mask & IN_MOVED_FROM))
		watch_remove_tree(wt, path);
	if (isdir && (ev->mask & (IN_CREATE | IN_MOVED_TO)))
		watch_add_tree(s, path, 0);
	watch_note(wt, dir, ev->name);
	free(path);
}

void watch_read(struct server *s)
{
	char ev_buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t n = read(s->wt.fd, ev_buf, sizeof(ev_buf));
		if (n <= 0)
			return;
		for (char *p = ev_buf; p < ev_buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			watch_event(s, ev);
			p += sizeof(*ev) + ev->len;
		}
	}
}

/* The debounce is over: hand the changed paths to a reindex. */
void watch_fire(struct server *s)
{
	struct watch *wt = &s->wt;
	size_t n = wt->npending;
	if (srv_reindex_watched(s, wt->pending, n) != LEC_OK)
		return; /* pending stays; tried again next tick */
	wt->pending = NULL;
	wt->npending = wt->cap_pending = 0;
	wt->first_ms = wt->due_ms = 0;
	log_debug("watch: %zu change(s): reindexing", n);
}

void watch_requeue(struct server *s, char *const *paths, size_t npaths)
{
	struct watch *wt = &s->wt;
	for (size_t i = 0; i < npaths; i++) {
		const char *p = paths[i];
		const char *slash = strrchr(p, '/');
		char *dir = slash ? strndup(p, (size_t)(slash - p)) : NULL;
		if (dir)
			watch_note(wt, dir, slash + 1);
		free(dir);
	}
	if (!npaths)
		watch_note(wt, s->env.index_dir, "");
	wt->due_ms = srv_now_ms() + LOCKED_RETRY_MS;
}

lec_status watch_start(struct server *s, struct buf *err)
{
	s->wt.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (s->wt.fd < 0) {
		buf_printf(err, "inotify: %s", strerror(errno));
		return LEC_EIO;
	}
	s->env.watching = 1;
	/* the roots file is replaced (rename) when roots change */
	s->wt.index_wd =
		inotify_add_watch(s->wt.fd, s->env.index_dir, IN_CLOSE_WRITE | IN_MOVED_TO);
	if (s->wt.index_wd < 0)
		log_warn("watch: %s: %s (roots added later are not watched)", s->env.index_dir,
			 strerror(errno));
	watch_refresh_roots(s);
	return LEC_OK;
}

void watch_release(struct watch *wt)
{
	if (wt->fd >= 0)
		close(wt->fd);
	for (size_t i = 0; i < wt->ndirs; i++)
		free(wt->dirs[i]);
	watch_clear_pending(wt);
	free(wt->dirs);
	free(wt->pending);
	memset(wt, 0, sizeof(*wt));
	wt->fd = -1;
}
