/* index.h - bring the index up to date with its roots.
 *
 * One run: walk the roots (or the given paths), compare each file with what
 * the index knows (size and mtime as a fast check, the XXH3 content hash as
 * the truth), re-index changed files, drop vanished ones, and commit in
 * bounded transactions so that a reader never sees half a file and a killed
 * run leaves the last committed state. A run that finds nothing to do writes
 * nothing.
 */
#ifndef LECTERN_INDEX_H
#define LECTERN_INDEX_H

#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "limits.h" /* IDX_MAX_JOBS */
#include "live.h"
#include "status.h"

struct idx_opts {
	int check_only;       /* compare only: open read-only, write nothing */
	const char *language; /* default stemming language (NULL: english) */
	char **forget;        /* roots to drop, with their notes */
	size_t nforget;
	unsigned shards; /* local shards of a new index (0: 1); an existing
	                         * index must have this many */
	unsigned jobs;   /* worker threads (0: one per CPU, at most IDX_MAX_JOBS) */
	int compact;     /* compact every local shard at the end (a fresh
	                         * build is installed compacted) */
	int rebuild;     /* build the index anew from its roots, beside it,
	                         * and put it in place when complete (build.h) */
};

_Static_assert(IDX_MAX_JOBS <= IDX_LIVE_SLOTS, "a slot of struct idx_live per worker");

struct idx_stats {
	uint64_t files; /* notes seen by the walk */
	uint64_t added, updated, removed, unchanged;
	uint64_t touched; /* mtime changed, content not: record refreshed only */
	uint64_t skipped; /* binary, too large, unreadable */
	uint64_t warnings;
	uint64_t passages;    /* passages written in this run */
	uint64_t bytes;       /* bytes of notes (re)indexed in this run */
	uint64_t bytes_total; /* bytes of all notes seen */
	int interrupted;      /* stopped early by the stop flag; work so far committed */
	uint64_t compacted;   /* local shards compacted at the end of the run */
	double seconds;
	/* The work done (`lectern index --stats`), so that a test can check
	 * that a run did only what it had to instead of timing it. */
	uint64_t files_read;   /* files whose content was read */
	uint64_t bytes_read;   /* their bytes */
	uint64_t docs_written; /* documents added or replaced */
	uint64_t docs_deleted; /* notes whose documents were deleted */
	uint64_t commits;      /* transactions committed, over every shard */
};

struct idx_progress {
	uint64_t done_files, total_files;
	uint64_t done_bytes, total_bytes;
	double elapsed;
	const char *path; /* the file being processed */
};

struct idx_hooks {
	void *ctx;
	/* a problem with one file (or root); the run goes on */
	void (*warn)(void *ctx, const char *path, const char *message);
	/* something the user should know that is no problem ("root moved:
	 * OLD -> NEW"); may be NULL */
	void (*info)(void *ctx, const char *message);
	/* called now and then while files are processed (may be NULL) */
	void (*progress)(void *ctx, const struct idx_progress *p);
	/* when set and nonzero, stop after the current file and commit: set by
	 * a signal handler or another thread, read by the workers (an atomic,
	 * lock-free int is safe for both) */
	const atomic_int *stop;
	/* may be NULL: how far the run is, kept up to date for a display that
	 * redraws on its own clock from another thread (live.h) */
	struct idx_live *live;
};

/* Update the index in `index_dir` (created if missing, except with
 * check_only). `paths` (absolute) are new roots or parts of known roots to
 * refresh; none refreshes every known root. Fatal problems return a status
 * with a message in `err` (LEC_ELOCKED: another writer; LEC_ENOTFOUND: a path
 * or a root does not exist, or no roots are known; LEC_ECORRUPT: a database
 * is damaged; with check_only, LEC_EVERSION: the index must be rebuilt
 * (another format) or its first build finished, which an indexing run
 * does). A first index, a rebuild, or an index of another format is built
 * beside the index and put in place when complete (build.h). */
lec_status idx_run(const char *index_dir, char *const *paths, size_t npaths,
		   const struct idx_opts *opts, const struct idx_hooks *hooks,
		   struct idx_stats *stats, struct buf *err);

/* What `lectern status` shows. Strings malloc'd; idx_info_release frees. */
struct idx_info {
	char **roots;      /* absolute paths */
	char **root_langs; /* per root: its stemming language, or NULL */
	size_t nroots;
	uint64_t notes, passages, bytes_on_disk, note_bytes;
	int64_t last_indexed; /* Unix time, 0 if never */
	char *format;
	size_t local_shards, remote_shards;
	size_t unavailable; /* remote shards that could not be reached (not counted) */
	int building;       /* a first index cut short: counts are of its build
	                         * (build.h), which 'lectern index' resumes */
};
lec_status idx_info_read(const char *index_dir, struct idx_info *info, struct buf *err);
void idx_info_release(struct idx_info *info);

/* The Xapian database path inside an index directory; malloc'd. */
char *idx_db_path(const char *index_dir);

#endif
