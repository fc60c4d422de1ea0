/* index-open.c - an indexing run's start: its arguments checked, its
 * shards laid out and opened, with a message that says why one cannot be. */
#include "index-int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "layout.h"
#include "limits.h"
#include "paths.h"

static int index_exists(const char *index_dir)
{
	struct stat sb;
	char *db = idx_db_path(index_dir), stub[4096];
	int exists = db && stat(db, &sb) == 0;
	snprintf(stub, sizeof(stub), "%s/%s", index_dir, SHARDS_STUB_NAME);
	exists |= stat(stub, &sb) == 0;
	free(db);
	return exists;
}

/* Refuse bad arguments before anything is created: a failed first run must
 * not leave an empty index behind. */
lec_status run_precheck(struct run *r, const char *index_dir, char *const *paths, size_t npaths)
{
	struct stat sb;
	for (size_t i = 0; i < npaths; i++) {
		if (stat(paths[i], &sb) != 0) {
			buf_printf(r->err, "%s: %s", paths[i], strerror(errno));
			return LEC_ENOTFOUND;
		}
		if (!S_ISDIR(sb.st_mode) && !S_ISREG(sb.st_mode)) {
			buf_printf(r->err, "%s: is %s, not a directory or a regular file", paths[i],
				   paths_kind(sb.st_mode));
			return LEC_EINVAL;
		}
	}
	if (r->opts->shards > SHARDS_MAX) {
		buf_printf(r->err, "--shards %u: at most %d", r->opts->shards, SHARDS_MAX);
		return LEC_EINVAL;
	}
	/* an index whose first build was cut short is resumed */
	char *roots = NULL;
	struct stat rsb;
	if (asprintf(&roots, "%s/%s", index_dir, LEC_ROOTS_FILE) < 0)
		return LEC_ENOMEM;
	int known = index_exists(index_dir) || build_pending(index_dir) || stat(roots, &rsb) == 0;
	free(roots);
	if (!known && npaths == 0) {
		if (r->opts->check_only || r->opts->nforget == 0)
			buf_printf(r->err,
				   "no index at %s and no roots to index: give a directory, "
				   "e.g. 'lectern index ~/notes'",
				   index_dir);
		else
			buf_printf(r->err, "no index at %s", index_dir);
		return LEC_ENOTFOUND;
	}
	return LEC_OK;
}

/* The layout: the stub file's, or a new one of --shards N. */
static lec_status plan_layout(struct run *r, const char *index_dir)
{
	int exists = index_exists(index_dir);
	lec_status st;
	if (!exists && r->opts->shards > 1 && !r->opts->check_only) {
		st = shards_init_local(index_dir, r->opts->shards, &r->layout);
		if (!st)
			st = paths_mkdir_p(index_dir, 0755);
		if (st == LEC_EIO)
			buf_printf(r->err, "cannot create index directory %s: %s", index_dir,
				   strerror(errno));
		/* the stub first: a run killed before the shards exist leaves an
		 * index the next run completes, never orphaned shards */
		return st ? st : shards_save(index_dir, &r->layout, r->err);
	}
	st = shards_load(index_dir, &r->layout, r->err);
	if (st)
		return st;
	if (r->layout.nlocal == 0) {
		buf_printf(r->err,
			   "index %s has only remote shards: it is searched here, and "
			   "indexed where its shards live",
			   index_dir);
		return LEC_EINVAL;
	}
	if (exists && r->opts->shards && r->opts->shards != r->layout.nlocal) {
		buf_printf(r->err,
			   "index %s has %zu local shard%s; --shards %u would move every "
			   "note: index into a new --index directory instead",
			   index_dir, r->layout.nlocal, r->layout.nlocal == 1 ? "" : "s",
			   r->opts->shards);
		return LEC_EINVAL;
	}
	return LEC_OK;
}

/* Why the system would refuse us writing the database at `path`: EACCES,
 * EPERM, EROFS, or 0 (it would not). `what` (cap bytes) gets the path
 * refused: the database directory, its lock file, or, when the database is
 * not there yet, the nearest directory above it that is. */
static int write_refused(const char *path, char *what, size_t cap)
{
	int e = 0;
	snprintf(what, cap, "%s", path);
	if (faccessat(AT_FDCWD, what, W_OK, AT_EACCESS) != 0) {
		e = errno;
		for (char *slash; e == ENOENT && (slash = strrchr(what, '/')) && slash != what;) {
			*slash = '\0';
			e = faccessat(AT_FDCWD, what, W_OK, AT_EACCESS) != 0 ? errno : 0;
		}
	} else {
		/* "flintlock": the lock file of Xapian's glass databases */
		snprintf(what, cap, "%s/flintlock", path);
		if (faccessat(AT_FDCWD, what, W_OK, AT_EACCESS) != 0)
			e = errno;
	}
	return e == EACCES || e == EPERM || e == EROFS ? e : 0;
}

/* Xapian reports a lock it could not even try (its lock file cannot be
 * opened: a user who may not write the index, a read-only filesystem) as
 * DatabaseLockError, like a lock another writer holds; and a directory it
 * cannot create as an I/O error. Ask the system which it is, so that the
 * message says what happened. */
/* "permission denied: PATH (...)" or "read-only file system: PATH (...)"
 * when the system says so of path (or the nearest existing directory
 * above it); 0 when it does not. */
lec_status run_say_refused(struct run *r, const char *path, const char *index_dir)
{
	char what[4096];
	int err = write_refused(path, what, sizeof(what));
	if (err == EROFS) {
		buf_printf(r->err, "read-only file system: %s (indexing writes the index %s)", what,
			   index_dir);
		return LEC_EIO;
	}
	if (err) {
		buf_printf(r->err, "permission denied: %s (uid %u cannot write the index %s)", what,
			   (unsigned)geteuid(), index_dir);
		return LEC_EPERM;
	}
	return LEC_OK;
}

static lec_status open_failed(struct run *r, const char *index_dir, const struct shard_entry *e,
			      lec_status st, const char *why)
{
	lec_status refused = st == LEC_ELOCKED || st == LEC_EIO ?
				     run_say_refused(r, e->path, index_dir) :
				     LEC_OK;
	if (refused)
		return refused;
	if (st == LEC_ELOCKED)
		buf_printf(r->err,
			   "index %s is locked: another lectern index (or serve "
			   "reindex) is writing it",
			   index_dir);
	else
		buf_printf(r->err, "cannot open index %s%s%s: %s", index_dir,
			   r->layout.nlocal > 1 ? " shard " : "",
			   r->layout.nlocal > 1 ? e->name : "", why);
	return st;
}

lec_status run_open_shards(struct run *r, const char *index_dir)
{
	lec_status st = plan_layout(r, index_dir);
	if (st)
		return st;
	r->shards = calloc(r->layout.nlocal, sizeof(*r->shards));
	if (!r->shards)
		return LEC_ENOMEM;
	if (!r->opts->check_only && (st = paths_mkdir_p(index_dir, 0755))) {
		buf_printf(r->err, "cannot create index directory %s: %s", index_dir,
			   strerror(errno));
		return st;
	}
	for (size_t i = 0; i < r->layout.nlocal; i++) {
		struct shard_w *sh = &r->shards[i];
		const struct shard_entry *e = &r->layout.v[i];
		sh->name = e->name;
		if (!(sh->db = xap_db_new()))
			return LEC_ENOMEM;
		pthread_mutex_init(&sh->mu, NULL);
		hmap_init(&sh->synonyms);
		r->nshards++;
		st = xap_db_open(sh->db, e->path,
				 r->opts->check_only ? XAP_OPEN_READ :
				 r->build            ? XAP_OPEN_CREATE | XAP_OPEN_NO_SYNC :
						       XAP_OPEN_CREATE);
		if (st)
			return open_failed(r, r->target, e, st, xap_db_error(sh->db));
	}
	return LEC_OK;
}

lec_status run_check_format(struct run *r)
{
	lec_status st = LEC_OK;
	for (size_t i = 0; !st && i < r->nshards; i++) {
		xap_db *db = r->shards[i].db;
		char *val;
		size_t len;
		st = xap_db_get_metadata(db, LEC_META_FORMAT, strlen(LEC_META_FORMAT), &val, &len);
		if (st)
			return st;
		if (len == 0 && !r->opts->check_only) {
			st = xap_db_set_metadata(db, LEC_META_FORMAT, strlen(LEC_META_FORMAT),
						 LEC_INDEX_FORMAT, strlen(LEC_INDEX_FORMAT));
		} else if (len && strcmp(val, LEC_INDEX_FORMAT) != 0) {
			/* only a check gets here: an indexing run rebuilds it */
			buf_printf(
				r->err,
				"index %s is in format %s, and this lectern reads format "
				"%s: 'lectern index' rebuilds it from its notes, keeping its roots",
				r->target, val, LEC_INDEX_FORMAT);
			st = LEC_EVERSION;
		}
		free(val);
	}
	return st;
}
