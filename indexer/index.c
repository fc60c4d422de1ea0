/* index.c - one indexing run (idx_run): its steps in order, the roots it
 * walks, and what it leaves when it ends. The steps live in index-*.c
 * (index-int.h). */
#include "index-int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "compact.h"
#include "filerec.h"
#include "layout.h"
#include "paths.h"
#include "skips.h"
#include "stem.h"
#include "vec.h"

double run_elapsed(const struct run *r)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - r->t0.tv_sec) + (double)(t.tv_nsec - r->t0.tv_nsec) / 1e9;
}

void run_warn(struct run *r, const char *path, const char *msg)
{
	pthread_mutex_lock(&r->mu);
	r->stats->warnings++;
	if (r->hooks && r->hooks->warn)
		r->hooks->warn(r->hooks->ctx, path, msg);
	pthread_mutex_unlock(&r->mu);
}

void run_warn_cb(void *run, const char *path, const char *msg)
{
	run_warn(run, path, msg);
}

struct idx_live *run_live(const struct run *r)
{
	return r->hooks ? r->hooks->live : NULL;
}

int run_stop_requested(const struct run *r)
{
	return r->hooks && r->hooks->stop &&
	       atomic_load_explicit(r->hooks->stop, memory_order_relaxed);
}

char *idx_db_path(const char *index_dir)
{
	char *p = NULL;
	if (asprintf(&p, "%s/%s", index_dir, LEC_DB_SUBDIR) < 0)
		return NULL;
	return p;
}

/* New roots are written before any note: a run killed later, even
 * before its first batch of notes, leaves notes that belong to a known
 * root and an index that knows its roots, so that `status` shows them and
 * the next `lectern index` resumes the same job. The roots file at once;
 * shard 0's copy committed on its own, which is not a batch (ncommits
 * kept); every shard's copy at the end (finish). */
static lec_status early_roots(struct run *r)
{
	if (r->opts->check_only || !r->roots.changed)
		return LEC_OK;
	lec_status st = roots_save_file(&r->roots, r->index_dir, r->err);
	/* a first index's roots are the index's at once (status shows them) */
	if (!st && r->build)
		st = roots_save_file(&r->roots, r->target, r->err);
	struct shard_w *sh = &r->shards[0];
	unsigned ncommits = sh->ncommits;
	if (!st)
		st = shard_tx_begin(r, sh);
	if (!st)
		st = roots_save_db(&r->roots, sh->db);
	if (!st)
		st = shard_tx_commit(r, sh);
	sh->ncommits = ncommits;
	sh->wrote = 1;
	return st;
}

/* Whether directory `dir` holds root r's notes as the index knows them:
 * of (up to) the first COPY_SAMPLE records of the root, more than half
 * are files of the same size at the same place under dir. */
#define COPY_SAMPLE 64

struct copy_check {
	const char *dir;
	size_t seen, same;
};

static int on_copy_record(void *ctx, const struct filerec *fr, const char *nkey, size_t nlen)
{
	struct copy_check *c = ctx;
	const char *rel;
	char *path = NULL;
	struct stat sb;
	char *k = strndup(nkey, nlen);
	if (!k)
		return 1;
	rel = rootmap_key_rel(k);
	if (rel && asprintf(&path, "%s/%s", c->dir, rel) >= 0) {
		c->same += stat(path, &sb) == 0 && (uint64_t)sb.st_size == fr->size;
		free(path);
	}
	free(k);
	return ++c->seen >= COPY_SAMPLE;
}

static int is_copy(void *ctx, const struct root *root, const char *dir)
{
	struct run *r = ctx;
	struct copy_check c = { dir, 0, 0 };
	char under[16];
	snprintf(under, sizeof(under), "%u/", root->id);
	for (size_t i = 0; i < r->nshards && c.seen < COPY_SAMPLE; i++)
		filerec_each(r->shards[i].db, under, on_copy_record, &c);
	return c.seen && c.same * 2 > c.seen;
}

/* The roots: a build's own (a resumed one may have new roots), else the
 * index's: its roots file, else (format 1) the copy in its first shard. */
static lec_status load_roots(struct run *r)
{
	if (r->build) {
		char *file = NULL;
		struct stat sb;
		if (asprintf(&file, "%s/%s", r->build, LEC_ROOTS_FILE) < 0)
			return LEC_ENOMEM;
		int resumed = stat(file, &sb) == 0;
		free(file);
		if (resumed)
			return roots_load(&r->roots, r->build, NULL, r->err);
		return roots_load(&r->roots, r->target, r->old ? r->old[0] : NULL, r->err);
	}
	return roots_load(&r->roots, r->target, r->shards[0].db, r->err);
}

/* A root found at a new path is said once, not as a warning. */
static void say_moved(struct run *r)
{
	for (size_t i = 0; i < r->roots.nmoved; i++)
		if (r->hooks && r->hooks->info) {
			char msg[8192];
			snprintf(msg, sizeof(msg), "root moved: %s%s", r->roots.moved[i],
				 r->opts->check_only ? " (not saved: --check)" : "");
			r->hooks->info(r->hooks->ctx, msg);
		}
}

/* A copy left beside a shard by a run killed while compacting is removed
 * by the next run, under the shard's lock. */
static void remove_leftovers(struct run *r)
{
	for (size_t i = 0; i < r->nshards && !r->opts->check_only; i++)
		compact_remove_leftover(r->layout.v[i].path, run_warn_cb, r);
}

/* --compact: every shard, in place (a build is installed compacted). */
static void compact_at_end(struct run *r)
{
	if (r->opts->check_only || run_stop_requested(r) || !r->opts->compact || r->build)
		return;
	for (size_t i = 0; i < r->nshards && !run_stop_requested(r); i++)
		r->stats->compacted += (uint64_t)compact_shard(r->shards[i].db, r->layout.v[i].path,
							       run_warn_cb, r);
}

static void run_release(struct run *r)
{
	run_release_target(r);
	free(r->build);
	for (size_t i = 0; i < r->nshards; i++) {
		struct shard_w *sh = &r->shards[i];
		if (sh->in_tx)
			xap_db_cancel_transaction(sh->db);
		xap_db_close(sh->db);
		xap_db_free(sh->db);
		hmap_release(&sh->synonyms);
		pthread_mutex_destroy(&sh->mu);
	}
	free(r->shards);
	shards_release(&r->layout);
	size_t it = 0;
	struct hmap_entry *e;
	while (hmap_next(&r->known, &it, &e))
		known_file_free(e->value);
	hmap_release(&r->known);
	skips_release(&r->skips);
	for (size_t i = 0; i < r->nfound; i++)
		free(r->found[i].path);
	free(r->found);
	free(r->order);
	free(r->unit_start);
	roots_release(&r->roots);
	hmap_release(&r->languages);
	strv_free(r->failed_dirs, r->nfailed);
	people_release(&r->people);
	pthread_mutex_destroy(&r->mu);
}

lec_status idx_run(const char *index_dir, char *const *paths, size_t npaths,
		   const struct idx_opts *opts, const struct idx_hooks *hooks,
		   struct idx_stats *stats, struct buf *err)
{
	struct run r;
	memset(&r, 0, sizeof(r));
	memset(stats, 0, sizeof(*stats));
	r.index_dir = r.target = index_dir;
	r.opts = opts;
	r.hooks = hooks;
	r.stats = stats;
	r.err = err;
	clock_gettime(CLOCK_MONOTONIC, &r.t0);
	hmap_init(&r.known);
	roots_init(&r.roots);
	hmap_init(&r.languages);
	people_init(&r.people);
	pthread_mutex_init(&r.mu, NULL);
	lec_status st = LEC_OK;
	if (opts->language && !stemmer_known(opts->language)) {
		buf_printf(err, "--lang %s: not a Snowball language (e.g. english, french, de)",
			   opts->language);
		st = LEC_EINVAL;
	}
	if (!st)
		st = run_precheck(&r, index_dir, paths, npaths);
	if (!st)
		st = run_choose_build(&r);
	if (!st && r.build) {
		r.index_dir = r.build;
		st = run_hold_target(&r);
	}
	if (!st)
		st = run_open_shards(&r, r.index_dir);
	if (!st)
		st = run_check_format(&r);
	if (!st)
		remove_leftovers(&r);
	if (!st)
		st = load_roots(&r);
	if (!st)
		st = run_load_languages(&r);
	if (!st)
		st = people_load(&r.people, r.shards[0].db);
	if (!st)
		st = roots_forget(&r.roots, opts->forget, opts->nforget, err);
	if (!st) {
		r.roots.is_copy = is_copy;
		r.roots.is_copy_ctx = &r;
		st = roots_plan(&r.roots, paths, npaths, err);
	}
	if (!st)
		st = roots_apply_lang(&r.roots, opts->language, paths, npaths, err);
	if (!st)
		say_moved(&r);
	if (!st && r.roots.map.n == 0 && r.roots.nscopes == 0) {
		buf_printf(err,
			   "no roots to index: give a directory, e.g. 'lectern index ~/notes'");
		st = LEC_ENOTFOUND;
	}
	if (!st)
		st = run_load_known(&r);
	if (!st)
		st = early_roots(&r);
	if (!st)
		st = run_walk_scopes(&r);
	if (!st)
		st = run_workers(&r);
	if (!st)
		st = run_commit_shards(&r);
	if (!st && r.build && !stats->interrupted)
		st = run_install_build(&r);
	if (!st)
		compact_at_end(&r);
	if (st && !err->len) {
		const char *msg = r.nshards ? xap_db_error(r.shards[0].db) : "";
		buf_printf(err, "%s%s%s", lec_status_str(st), *msg ? ": " : "", msg);
	}
	stats->seconds = run_elapsed(&r);
	run_release(&r);
	return st;
}
