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
	int64_t t = now_ns();
	memset(l, 0, sizeof(*l));
	atomic_init(&l->phase, IDX_PHASE_START);
	atomic_init(&l->phase_ns, t);
	atomic_init(&l->done_ns, t);
	pthread_mutex_init(&l->mu, NULL);
}

void idx_live_release(struct idx_live *l)
{
	pthread_mutex_destroy(&l->mu);
}

/* The busy slot that began first, or NULL. The caller holds l->mu. */
static const struct idx_live_file *oldest(const struct idx_live *l)
{
	const struct idx_live_file *o = NULL;
	for (size_t i = 0; i < IDX_LIVE_SLOTS; i++) {
		const struct idx_live_file *f = &l->slots[i];
		if (f->path[0] && (!o || f->start_ns < o->start_ns))
			o = f;
	}
	return o;
}

void idx_live_view(struct idx_live *l, struct idx_live_view *v)
{
	int64_t now = now_ns(), start = atomic_load(&l->phase_ns);
	v->phase = (enum idx_phase)atomic_load(&l->phase);
	v->phase_seconds = (double)(now - start) / 1e9;
	v->done_seconds = (double)(atomic_load(&l->done_ns) - start) / 1e9;
	if (v->done_seconds < 0)
		v->done_seconds = 0;
	v->files = atomic_load(&l->files);
	v->total_files = atomic_load(&l->total_files);
	v->bytes = atomic_load(&l->bytes);
	v->total_bytes = atomic_load(&l->total_bytes);
	pthread_mutex_lock(&l->mu);
	const struct idx_live_file *f = oldest(l);
	snprintf(v->path, sizeof(v->path), "%s", f ? f->path : "");
	v->path_size = f ? f->size : 0;
	v->path_seconds = f ? (double)(now - f->start_ns) / 1e9 : 0;
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

void idx_live_begin(struct idx_live *l, unsigned slot, const char *path, uint64_t size)
{
	if (!l || slot >= IDX_LIVE_SLOTS)
		return;
	pthread_mutex_lock(&l->mu);
	struct idx_live_file *f = &l->slots[slot];
	snprintf(f->path, sizeof(f->path), "%s", path);
	f->size = size;
	f->start_ns = now_ns();
	pthread_mutex_unlock(&l->mu);
}

void idx_live_end(struct idx_live *l, unsigned slot, uint64_t bytes)
{
	if (!l)
		return;
	if (slot < IDX_LIVE_SLOTS) {
		pthread_mutex_lock(&l->mu);
		l->slots[slot].path[0] = '\0';
		pthread_mutex_unlock(&l->mu);
	}
	atomic_fetch_add(&l->files, 1);
	if (bytes) {
		atomic_fetch_add(&l->bytes, bytes);
		atomic_store(&l->done_ns, now_ns());
	}
}
