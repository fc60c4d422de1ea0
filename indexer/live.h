/* live.h - how far an indexing run is, for a display on its own clock.
 *
 * The run (its workers, each between files) writes it; another thread
 * (`lectern index`'s progress bar on a terminal) reads a view of it as often
 * as it likes while the run goes on: counters are atomic, the files being
 * indexed have a lock of their own, taken under no other. Every function of
 * the run's side does nothing when given NULL, so that a run without a
 * display pays a test.
 */
#ifndef LECTERN_LIVE_H
#define LECTERN_LIVE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"

enum idx_phase {
	IDX_PHASE_START = 0, /* opening the index */
	IDX_PHASE_WALK,      /* finding the notes */
	IDX_PHASE_INDEX,     /* reading and indexing them */
	IDX_PHASE_FINISH,    /* committing, compacting, putting a build in place */
};

/* One per worker (at least IDX_MAX_JOBS: index.c checks). */
#define IDX_LIVE_SLOTS 8

/* The file a worker is indexing. */
struct idx_live_file {
	char path[LEC_MAX_PATH_BYTES + 1]; /* "" when the worker is between files */
	uint64_t size;
	int64_t start_ns;
};

struct idx_live {
	atomic_int phase;
	atomic_int_fast64_t phase_ns;            /* CLOCK_MONOTONIC when the phase began */
	atomic_int_fast64_t done_ns;             /* ... when the last planned bytes were done */
	atomic_uint_fast64_t files, total_files; /* files done; found (so far, while walking) */
	atomic_uint_fast64_t bytes, total_bytes; /* of the files to read: the index does not
						  * know them as they are (size and mtime) */
	pthread_mutex_t mu;                      /* guards slots */
	struct idx_live_file slots[IDX_LIVE_SLOTS];
};

/* What a display shows: a copy taken at one moment. */
struct idx_live_view {
	enum idx_phase phase;
	double phase_seconds; /* since the phase began */
	double done_seconds;  /* from then until the last planned bytes were done */
	uint64_t files, total_files, bytes, total_bytes;
	/* the file indexed for the longest now ("" for none): what a run waits
	 * for, when it is slow */
	char path[LEC_MAX_PATH_BYTES + 1];
	uint64_t path_size;
	double path_seconds; /* since it began */
};

void idx_live_init(struct idx_live *l);
void idx_live_release(struct idx_live *l);
void idx_live_view(struct idx_live *l, struct idx_live_view *v);

/* The run's side (index.c). `slot` is the worker's number. */
void idx_live_phase(struct idx_live *l, enum idx_phase phase);
void idx_live_found(struct idx_live *l);
void idx_live_plan(struct idx_live *l, uint64_t files, uint64_t bytes);
void idx_live_begin(struct idx_live *l, unsigned slot, const char *path, uint64_t size);
/* The slot's file is done: `bytes` of the planned ones (0 for a file that
 * was not to be read). */
void idx_live_end(struct idx_live *l, unsigned slot, uint64_t bytes);

#endif
