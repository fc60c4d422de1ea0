/* index-build.c - an indexing run that is a fresh build (build.h): whether
 * it is one, holding the index it replaces, and installing it. */
#include "index-int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "compact.h"
#include "layout.h"
#include "paths.h"

/* A database of the index that cannot be read: say which, and what to do. */
static lec_status damaged(struct run *r, const char *path, lec_status st, const char *why)
{
	buf_printf(r->err,
		   "index %s: the database %s is damaged (%s): 'lectern index "
		   "--rebuild' rebuilds the index from the notes, keeping its roots",
		   r->target, path, why && *why ? why : lec_status_str(st));
	return LEC_ECORRUPT;
}

static int is_damage(lec_status st)
{
	return st == LEC_ECORRUPT || st == LEC_EXAPIAN || st == LEC_EVERSION;
}

/* The format of the index asked for: *fmt "" when it has no database yet.
 * A database that cannot be read is LEC_ECORRUPT, said in r->err. */
static lec_status target_format(struct run *r, char **fmt)
{
	struct shard_set set;
	size_t len = 0;
	*fmt = NULL;
	lec_status st = shards_load(r->target, &set, r->err);
	if (st)
		return st;
	xap_db *db = set.nlocal ? xap_db_new() : NULL;
	if (set.nlocal && !db)
		st = LEC_ENOMEM;
	else if (db && (st = xap_db_open(db, set.v[0].path, XAP_OPEN_READ)) == LEC_OK)
		st = xap_db_get_metadata(db, LEC_META_FORMAT, strlen(LEC_META_FORMAT), fmt, &len);
	if (st == LEC_ENOTFOUND || !db) {
		free(*fmt);
		*fmt = strdup("");
		st = *fmt ? LEC_OK : LEC_ENOMEM;
	} else if (is_damage(st) || st == LEC_EIO) {
		st = damaged(r, set.v[0].path, st, xap_db_error(db));
	}
	xap_db_free(db);
	shards_release(&set);
	return st;
}

/* Make directory `dir` of the index (mkdir -p), saying why it could not. */
static lec_status make_dir(struct run *r, const char *dir)
{
	if (!paths_mkdir_p(dir, 0755))
		return LEC_OK;
	int e = errno;
	lec_status st = run_say_refused(r, dir, r->target);
	if (!st) {
		buf_printf(r->err, "cannot create %s: %s", dir, strerror(e));
		st = LEC_EIO;
	}
	return st;
}

/* Whether this run is a fresh build: a first index, --rebuild, an index of
 * another format, or a build a killed run left. */
lec_status run_choose_build(struct run *r)
{
	const struct idx_opts *o = r->opts;
	int build = o->rebuild || build_pending(r->target);
	char *fmt = NULL;
	lec_status st = LEC_OK;
	if (o->check_only && build_pending(r->target)) {
		/* out of date, as an index of another format is (check_format) */
		buf_printf(r->err,
			   "index %s: its first index is not finished: 'lectern index' "
			   "resumes it",
			   r->target);
		return LEC_EVERSION;
	}
	if (o->check_only)
		return LEC_OK; /* compared in place; check_format says "rebuild" */
	if (!build && !(st = target_format(r, &fmt)) && strcmp(fmt, LEC_INDEX_FORMAT) != 0) {
		build = 1;
		if (*fmt && r->hooks && r->hooks->info) {
			char msg[256];
			snprintf(msg, sizeof(msg),
				 "index format %s is not this lectern's (%s): "
				 "rebuilding it from its notes, keeping its roots",
				 fmt, LEC_INDEX_FORMAT);
			r->hooks->info(r->hooks->ctx, msg);
		}
	}
	free(fmt);
	if (st || !build)
		return st;
	if (!(r->build = build_dir_of(r->target)))
		return LEC_ENOMEM;
	if ((st = make_dir(r, r->target)) || (st = make_dir(r, r->build)))
		return st;
	return build_prepare(r->target, r->err);
}

/* A rebuild holds the index's own shards locked (so no other run writes
 * them meanwhile) until the build replaces them; a shard that cannot be
 * opened (damaged, or none yet) is not held. */
lec_status run_hold_target(struct run *r)
{
	struct shard_set set;
	lec_status st = shards_load(r->target, &set, r->err);
	if (st)
		return st;
	r->old = calloc(set.nlocal ? set.nlocal : 1, sizeof(*r->old));
	if (!r->old)
		st = LEC_ENOMEM;
	else
		r->nold = set.nlocal;
	for (size_t i = 0; !st && i < set.nlocal; i++) {
		xap_db *db = xap_db_new();
		if (!db) {
			st = LEC_ENOMEM;
			break;
		}
		lec_status ost = xap_db_open(db, set.v[i].path, XAP_OPEN_WRITE);
		if (ost == LEC_ELOCKED) {
			buf_printf(r->err,
				   "index %s is locked: another lectern index (or serve "
				   "reindex) is writing it",
				   r->target);
			st = ost;
		}
		if (ost)
			xap_db_free(db);
		else
			r->old[i] = db;
	}
	shards_release(&set);
	return st;
}

void run_release_target(struct run *r)
{
	for (size_t i = 0; r->old && i < r->nold; i++)
		xap_db_free(r->old[i]);
	free(r->old);
	r->old = NULL;
}

/* A build's spelling data: its whole vocabulary at once, per shard
 * (docbuild_spell_vocabulary), in a commit of its own. */
static lec_status spell_build(struct run *r)
{
	lec_status st = LEC_OK;
	for (size_t i = 0; !st && i < r->nshards; i++) {
		struct shard_w *sh = &r->shards[i];
		if (!(st = shard_tx_begin(r, sh)))
			st = docbuild_spell_vocabulary(sh->db);
		if (!st)
			st = shard_tx_commit(r, sh);
		if (st)
			run_fail(r, sh, st);
	}
	return st;
}

/* Every shard of the build into its place in the index, the roots file,
 * then the build directory goes. */
lec_status run_install_build(struct run *r)
{
	lec_status st = spell_build(r);
	for (size_t i = 0; !st && i < r->nshards; i++) {
		const struct shard_entry *e = &r->layout.v[i];
		char *to = NULL, why[600];
		int compacted = 0;
		if (asprintf(&to, "%s/%s", r->target, e->name) < 0)
			return LEC_ENOMEM;
		xap_db *old = r->old && i < r->nold ? r->old[i] : NULL;
		st = build_install_shard(r->shards[i].db, e->path, to, old, &compacted, why,
					 sizeof(why));
		if (old) {
			xap_db_free(old);
			r->old[i] = NULL;
		}
		if (st) {
			buf_printf(r->err, "cannot put the new index in place at %s: %s", to, why);
		} else if (compacted) {
			r->stats->compacted++;
		} else {
			compact_say_not_compacted(to, why, run_warn_cb, r);
		}
		free(to);
	}
	if (!st)
		st = roots_save_file(&r->roots, r->target, r->err);
	if (!st)
		st = build_finish(r->target, r->err);
	return st;
}
