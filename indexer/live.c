/* live.c - how far an indexing run is (live.h). */
#include "live.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

void idx_live_init(struct idx_live *l)
{
	memset(l, 0, sizeof(*l));
	atomic_init(&l->phase, IDX_PHASE_START);
	atomic_init(&l->phase_ns, now_ns());
	atomic_init(&l->done_ns, atomic_load(&l->phase_ns));
	pthread_mutex_init(&l->mu, NULL);
}

void idx_live_release(struct idx_live *l)
{
	pthread_mutex_destroy(&l->mu);
}

void idx_live_view(struct idx_live *l, struct idx_live_view *v)
{
	v->phase = (enum idx_phase)atomic_load(&l->phase);
	int64_t start = atomic_load(&l->phase_ns);
	v->phase_seconds = (double)(now_ns() - start) / 1e9;
	v->done_seconds = (double)(atomic_load(&l->done_ns) - start) / 1e9;
	if (v->done_seconds < 0)
		v->done_seconds = 0;
	v->files = atomic_load(&l->files);
	v->total_files = atomic_load(&l->total_files);
	v->bytes = atomic_load(&l->bytes);
	v->total_bytes = atomic_load(&l->total_bytes);
	pthread_mutex_lock(&l->mu);
	memcpy(v->path, l->path, sizeof(v->path));
	v->path_size = l->path_size;
	pthread_mutex_unlock(&l->mu);
}

void idx_live_phase(struct idx_live *l, enum idx_phase phase)
{
	if (!l)
		return;
	int64_t t = now_ns();
	atomic_store(&l->phase_ns, t);
	atomic_store(&l->done_ns, t);
	atomic_store(&l->phase, phase);
	if (phase != IDX_PHASE_INDEX)
		idx_live_begin(l, "", 0);
}

void idx_live_found(struct idx_live *l)
{
	if (l)
		atomic_fetch_add(&l->total_files, 1);
}

void idx_live_plan(struct idx_live *l, uint64_t files, uint64_t bytes)
{
	if (!l)
		return;
	atomic_store(&l->files, 0);
	atomic_store(&l->bytes, 0);
	atomic_store(&l->total_files, files);
	atomic_store(&l->total_bytes, bytes);
}

void idx_live_begin(struct idx_live *l, const char *path, uint64_t size)
{
	if (!l)
		return;
	pthread_mutex_lock(&l->mu);
	snprintf(l->path, sizeof(l->path), "%s", path);
	l->path_size = size;
	pthread_mutex_unlock(&l->mu);
}

void idx_live_end(struct idx_live *l, uint64_t bytes)
{
	if (!l)
		return;
	atomic_fetch_add(&l->files, 1);
	if (bytes) {
		atomic_fetch_add(&l->bytes, bytes);
		atomic_store(&l->done_ns, now_ns());
	}
}
