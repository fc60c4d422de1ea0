/* index-int.h - what the files of one indexing run share (private to
 * indexer/index*.c): the run, its shards being written, its workers, and
 * the functions each file gives the others. The run (idx_run) is in
 * index.c; opening the shards in index-open.c, a fresh build in
 * index-build.c, the walk in index-walk.c, the worker pool in
 * index-workers.c, bringing one file up to date in index-file.c, and
 * transactions, batching and the records written with them in
 * index-commit.c. */
#ifndef LECTERN_INDEX_INT_H
#define LECTERN_INDEX_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include "docbuild.h"
#include "hmap.h"
#include "index.h"
#include "people.h"
#include "roots.h"
#include "shards.h"
#include "xap.h"

/* What the index knows of a file: its "f:" metadata record. */
struct known_file {
	uint64_t size;
	int64_t mtime_ns;
	uint64_t hash;
	uint32_t passages;
	uint64_t words; /* terms of its passages */
	char *key;      /* its name in the index, as stored (rootmap.h) */
	int orphan;     /* its key names no root: removed by the run */
	int seen;       /* found by this run's walk (or kept on purpose) */
};

/* A file found by the walk. */
struct found_file {
	char *path;
	uint64_t size;
	int64_t mtime_ns;
	int err;       /* the walk could not read it: why (errno); 0 */
	uint64_t work; /* its bytes if the run is to read it (live.h), else 0 */
};

/* One local shard being written. Every call on `db` holds `mu`: workers
 * share the shards (a note goes to the shard of its path, whichever worker
 * parsed it). Shard 0 also holds the index-wide metadata. */
struct shard_w {
	xap_db *db;
	const char *name;
	pthread_mutex_t mu;
	int in_tx;
	uint64_t tx_bytes, tx_files;
	unsigned ncommits;
	unsigned langs_saved; /* the run's langs_gen last written here */
	int wrote;
	/* the passages of the shard's notes and their terms
	 * (LEC_META_PASSAGES), kept up to date with each note written */
	uint64_t passages, words;
	int totals_changed;
	struct hmap synonyms; /* stem -> word pairs given to db in this run */
};

struct run {
	const char *index_dir; /* where this run writes: the index, or its build */
	const char *target;    /* the index asked for */
	char *build;           /* a fresh build's directory (build.h); NULL: in place */
	xap_db **old;          /* a rebuild: the index's own shards, held locked
	                         * until the build replaces them (NULL: damaged) */
	size_t nold;
	const struct idx_opts *opts;
	const struct idx_hooks *hooks;
	struct idx_stats *stats;
	struct buf *err;
	struct shard_set layout;
	struct shard_w *shards;
	size_t nshards;        /* opened: shards[0 .. nshards) */
	struct hmap known;     /* path -> struct known_file*; read-only while workers run */
	struct hmap skips;     /* path -> struct skip_rec*: files skipped before (skips.h);
	                         * read-only while workers run */
	struct roots roots;    /* the roots, their languages, what this run walks */
	struct hmap languages; /* stemming languages of the notes in the index (under mu) */
	unsigned langs_gen;    /* bumped when `languages` gains one */
	char **failed_dirs;    /* walk problems under which nothing is removed */
	size_t nfailed;
	struct found_file *found;
	size_t nfound, capfound;
	struct timespec t0;
	struct people people;
	/* the parallel part: a unit is the files of one directory, in order */
	size_t *order;      /* indexes into found, grouped by directory */
	size_t *unit_start; /* unit u is order[unit_start[u] .. unit_start[u+1]) */
	size_t nunits;
	atomic_size_t next_unit;
	pthread_mutex_t mu; /* stats, warnings, progress, languages, the first error */
	uint64_t done_files, done_bytes;
	atomic_int failed; /* a worker failed: the others stop */
};

/* A worker parses and builds documents on its own and writes them into the
 * note's shard under that shard's lock. */
struct worker {
	struct run *r;
	pthread_t tid;
	struct docbuild build;
	const char *cur_path;
	const char *cur_key; /* the note key of cur_path */
	unsigned slot;       /* its number (live.h) */
	int skipped;         /* the current file was skipped (skip_note) */
	xap_doc *doc;        /* the note's document, built before locking */
	struct idx_stats st; /* counts, merged after the run */
	lec_status status;
};

/* ---- the run (index.c) ---- */

/* Seconds since the run began. */
double run_elapsed(const struct run *r);
/* A problem with one file or root, counted and handed to the warn hook
 * (under r->mu); the run goes on. */
void run_warn(struct run *r, const char *path, const char *msg);
/* run_warn as a callback (compact.h's), `run` the struct run. */
void run_warn_cb(void *run, const char *path, const char *msg);
/* The live display's state (live.h), or NULL. */
struct idx_live *run_live(const struct run *r);
/* Whether the stop flag asks the run to stop after the current file. */
int run_stop_requested(const struct run *r);

/* ---- opening (index-open.c) ---- */

/* Refuse bad arguments before anything is created: a failed first run must
 * not leave an empty index behind. */
lec_status run_precheck(struct run *r, const char *index_dir, char *const *paths, size_t npaths);
/* Lay out and open the local shards of index_dir (r->shards, r->nshards:
 * those opened so far, even on failure). */
lec_status run_open_shards(struct run *r, const char *index_dir);
/* Each shard's format: written on a new one; another format refused
 * (LEC_EVERSION, only with check_only: an indexing run rebuilds). */
lec_status run_check_format(struct run *r);
/* "permission denied: PATH (...)" or "read-only file system: PATH (...)"
 * in r->err when the system refuses writing at path; LEC_OK when not. */
lec_status run_say_refused(struct run *r, const char *path, const char *index_dir);

/* ---- a fresh build (index-build.c, build.h) ---- */

/* Whether this run is a fresh build (r->build set, its directory made). */
lec_status run_choose_build(struct run *r);
/* A rebuild holds the index's own shards locked (r->old) until the build
 * replaces them; run_release_target lets go of those still held. */
lec_status run_hold_target(struct run *r);
void run_release_target(struct run *r);
/* The build's spelling data, then every shard into its place, the roots
 * file, and the build directory goes. */
lec_status run_install_build(struct run *r);

/* ---- the walk (index-walk.c) ---- */

/* Walk the run's scopes into r->found; an unreadable root is warned about
 * (its notes kept), or fails a check. */
lec_status run_walk_scopes(struct run *r);

/* ---- the workers (index-workers.c) ---- */

/* Every found file through the workers, in units of one directory each,
 * then the known files the walk no longer finds. */
lec_status run_workers(struct run *r);

/* ---- one file (index-file.c) ---- */

/* What the index knows of every file (its "f:" and "s:" records) into
 * r->known and r->skips, and each shard's passage totals. */
lec_status run_load_known(struct run *r);
void known_file_free(struct known_file *k);
/* Bring one found file up to date in the index (worker w's). */
lec_status worker_process_file(struct worker *w, struct found_file *f);
/* Known files (and skip records) under the walked scopes that the walk did
 * not find leave the index (after the workers: one thread). */
lec_status run_remove_vanished(struct run *r);

/* ---- transactions and records (index-commit.c) ---- */

/* The languages the index's notes are stemmed in: loaded from shard 0, one
 * noted (NULL: none) under r->mu, saved to every shard at its commits. */
lec_status run_load_languages(struct run *r);
void run_note_language(struct run *r, const char *lang);
/* A shard's transaction, batch and commit; the caller holds sh->mu (or runs
 * alone). shard_maybe_commit commits when the batch is full. */
lec_status shard_tx_begin(struct run *r, struct shard_w *sh);
lec_status shard_tx_commit(struct run *r, struct shard_w *sh);
lec_status shard_maybe_commit(struct run *r, struct shard_w *sh);
/* A note's passages leave (sign -1) or join (+1) its shard's totals. */
void shard_count_totals(struct shard_w *sh, int sign, uint64_t passages, uint64_t words);
/* Write or drop the "f:" record of note nkey (dropping its documents). */
lec_status shard_set_known(struct shard_w *sh, const char *nkey, uint64_t size, int64_t mtime,
			   uint64_t hash, uint32_t passages, uint64_t words);
lec_status shard_drop_known(struct shard_w *sh, const char *nkey);
/* The first failure of the run (st, returned): its message in r->err,
 * naming the shard (sh may be NULL); the other workers stop. */
lec_status run_fail(struct run *r, struct shard_w *sh, lec_status st);
/* Commit every shard at the end; shard 0 last, with the time of this run. */
lec_status run_commit_shards(struct run *r);

#endif
