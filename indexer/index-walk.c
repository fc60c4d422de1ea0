/* index-walk.c - an indexing run's walk: the notes found under the roots
 * it walks (r->found), and what it could not read. */
#include "index-int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vec.h"
#include "walk.h"

static int add_found(struct run *r, const char *path, uint64_t size, int64_t mtime_ns, int err)
{
	struct found_file *nf =
		vec_reserve(r->found, &r->capfound, r->nfound + 1, sizeof(*nf), 256);
	if (!nf)
		return 1;
	r->found = nf;
	struct found_file *f = &r->found[r->nfound];
	if (!(f->path = strdup(path)))
		return 1;
	f->size = size;
	f->mtime_ns = mtime_ns;
	f->err = err;
	f->work = 0;
	r->nfound++;
	idx_live_found(run_live(r));
	return 0;
}

static int on_found(void *ctx, const struct walk_entry *e)
{
	return add_found(ctx, e->path, e->size, e->mtime_ns, 0);
}

/* A note the walk found but could not read: the workers skip it, warning
 * once (skips.h), and keep an indexed version. False if it is none. */
static int found_unreadable(struct run *r, const char *path)
{
	struct stat sb;
	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    faccessat(AT_FDCWD, path, R_OK, AT_EACCESS) == 0)
		return 0;
	int err = errno;
	return add_found(r, path, (uint64_t)sb.st_size,
			 (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec, err) == 0;
}

static void on_walk_warn(void *ctx, const char *path, const char *message)
{
	struct run *r = ctx;
	if (found_unreadable(r, path))
		return;
	run_warn(r, path, message);
	/* Nothing under a directory or file we could not read is removed from
	 * the index; a broken link or a FIFO is simply not a note. */
	struct stat sb;
	if (stat(path, &sb) == 0 &&
	    (S_ISDIR(sb.st_mode) || (S_ISREG(sb.st_mode) && access(path, R_OK))))
		strv_add(&r->failed_dirs, &r->nfailed, path);
}

/* A root that cannot be walked: an indexing run keeps its notes and goes
 * on; a check cannot say the index is up to date, and fails. */
static lec_status root_unreadable(struct run *r, const char *root, const char *why)
{
	if (r->opts->check_only) {
		buf_printf(r->err,
			   "root %s %s: the index cannot be checked against it "
			   "('lectern index --forget %s' drops it)",
			   root, why, root);
		return LEC_ENOTFOUND;
	}
	char msg[512];
	snprintf(msg, sizeof(msg), "root %s; its notes are kept (use --forget)", why);
	run_warn(r, root, msg);
	return strv_add(&r->failed_dirs, &r->nfailed, root);
}

lec_status run_walk_scopes(struct run *r)
{
	idx_live_phase(run_live(r), IDX_PHASE_WALK);
	for (size_t i = 0; i < r->roots.nscopes; i++) {
		const char *root = r->roots.scopes[i];
		struct stat sb;
		lec_status st;
		if (stat(root, &sb) != 0) {
			char why[300];
			snprintf(why, sizeof(why), "is missing (%s)", strerror(errno));
			if ((st = root_unreadable(r, root, why)))
				return st;
			continue;
		}
		if (access(root, S_ISDIR(sb.st_mode) ? R_OK | X_OK : R_OK) != 0) {
			if ((st = root_unreadable(r, root, "cannot be read (permission denied)")))
				return st;
			continue;
		}
		/* a part of a root is walked as the walk of its root reaches it */
		const struct root *top = rootmap_holding(&r->roots.map, root);
		struct walk_opts wo = { .top = top ? top->path : NULL };
		st = walk_tree(root, &wo, on_found, on_walk_warn, r);
		if (st == LEC_ESTOP)
			return LEC_ENOMEM;
		if (st && st != LEC_ENOTFOUND) {
			char why[300];
			snprintf(why, sizeof(why), "cannot be walked (%s)", lec_status_str(st));
			if ((st = root_unreadable(r, root, why)))
				return st;
		}
	}
	return LEC_OK;
}
