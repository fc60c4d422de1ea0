/* index-workers.c - an indexing run's worker pool: the found files planned
 * into units (one directory each), run by worker threads that each build
 * documents on their own, and their counts merged. */
#include "index-int.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "limits.h"
#include "skips.h"

static const char *idx_people_resolve(void *ctx, const char *path, const char *initials)
{
	return people_resolve(ctx, path, initials);
}

static void idx_people_learn(void *ctx, const char *path, const struct note *n)
{
	people_learn(ctx, path, n);
}

static size_t dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? (size_t)(slash - path) : 0;
}

static int cmp_by_dir(const void *a, const void *b, void *ctx)
{
	const struct found_file *found = ctx;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	const char *px = found[x].path, *py = found[y].path;
	size_t lx = dir_len(px), ly = dir_len(py);
	int c = memcmp(px, py, lx < ly ? lx : ly);
	if (!c)
		c = (lx > ly) - (lx < ly);
	return c ? c : (x > y) - (x < y);
}

/* Units of work: the files of one directory, in the walk's order, so that a
 * directory's people table is learned and used in order by one worker. */
static lec_status plan_units(struct run *r)
{
	if (r->nfound == 0)
		return LEC_OK;
	r->order = malloc(r->nfound * sizeof(*r->order));
	r->unit_start = malloc((r->nfound + 1) * sizeof(*r->unit_start));
	if (!r->order || !r->unit_start)
		return LEC_ENOMEM;
	for (size_t i = 0; i < r->nfound; i++)
		r->order[i] = i;
	qsort_r(r->order, r->nfound, sizeof(*r->order), cmp_by_dir, r->found);
	const char *prev = NULL;
	size_t prev_len = 0;
	for (size_t i = 0; i < r->nfound; i++) {
		const char *p = r->found[r->order[i]].path;
		size_t l = dir_len(p);
		if (!prev || l != prev_len || memcmp(p, prev, l) != 0)
			r->unit_start[r->nunits++] = i;
		prev = p;
		prev_len = l;
	}
	r->unit_start[r->nunits] = r->nfound;
	return LEC_OK;
}

static void report_progress(struct run *r, const char *path)
{
	if (!r->hooks || !r->hooks->progress)
		return;
	struct idx_progress p = {
		.done_files = r->done_files,
		.total_files = r->nfound,
		.done_bytes = r->done_bytes,
		.total_bytes = r->stats->bytes_total,
		.elapsed = run_elapsed(r),
		.path = path,
	};
	r->hooks->progress(r->hooks->ctx, &p);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->r;
	for (;;) {
		size_t u = atomic_fetch_add(&r->next_unit, 1);
		if (u >= r->nunits)
			break;
		for (size_t i = r->unit_start[u]; i < r->unit_start[u + 1]; i++) {
			if (run_stop_requested(r) || atomic_load(&r->failed))
				return NULL;
			struct found_file *f = &r->found[r->order[i]];
			idx_live_begin(run_live(r), w->slot, f->path, f->size);
			pthread_mutex_lock(&r->mu);
			if ((r->done_files & 15) == 0)
				report_progress(r, f->path);
			pthread_mutex_unlock(&r->mu);
			lec_status st = worker_process_file(w, f);
			if (st) {
				w->status = st;
				return NULL;
			}
			pthread_mutex_lock(&r->mu);
			r->done_files++;
			r->done_bytes += f->size;
			pthread_mutex_unlock(&r->mu);
			idx_live_end(run_live(r), w->slot, f->work);
		}
	}
	return NULL;
}

static unsigned worker_count(const struct run *r)
{
	long n = r->opts->jobs ? (long)r->opts->jobs : sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if (n > IDX_MAX_JOBS)
		n = IDX_MAX_JOBS;
	if ((size_t)n > r->nunits)
		n = r->nunits ? (long)r->nunits : 1;
	return (unsigned)n;
}

static void merge_stats(struct idx_stats *to, const struct idx_stats *from)
{
	to->added += from->added;
	to->updated += from->updated;
	to->unchanged += from->unchanged;
	to->touched += from->touched;
	to->skipped += from->skipped;
	to->passages += from->passages;
	to->bytes += from->bytes;
	to->files_read += from->files_read;
	to->bytes_read += from->bytes_read;
	to->docs_written += from->docs_written;
}

/* The bytes the run expects to read, for a byte-based ETA (live.h): those
 * of the files the index does not know as they are (size and mtime). */
static void plan_work(struct run *r)
{
	uint64_t total = 0;
	for (size_t i = 0; i < r->nfound; i++) {
		struct found_file *f = &r->found[i];
		struct hmap_entry *e = hmap_get(&r->known, f->path, strlen(f->path));
		const struct known_file *k = e ? e->value : NULL;
		const struct skip_rec *s = skips_get(&r->skips, f->path);
		int as_known = (k && k->size == f->size && k->mtime_ns == f->mtime_ns) ||
			       (s && s->size == f->size && s->mtime_ns == f->mtime_ns &&
				skips_by_content(s->reason));
		f->work = as_known || f->err ? 0 : f->size;
		total += f->work;
	}
	idx_live_plan(run_live(r), r->nfound, total);
	idx_live_phase(run_live(r), IDX_PHASE_INDEX);
}

lec_status run_workers(struct run *r)
{
	for (size_t i = 0; i < r->nfound; i++)
		r->stats->bytes_total += r->found[i].size;
	r->stats->files = r->nfound;
	plan_work(r);
	lec_status st = plan_units(r);
	if (st)
		return st;
	unsigned n = worker_count(r);
	struct worker *ws = calloc(n, sizeof(*ws));
	if (!ws)
		return LEC_ENOMEM;
	unsigned started = 0;
	for (unsigned i = 0; i < n && !st; i++) {
		ws[i].r = r;
		ws[i].slot = i;
		st = docbuild_init(&ws[i].build, NULL);
		ws[i].build.no_spelling = r->build != NULL;
		ws[i].build.people =
			(struct docbuild_people){ .ctx = &r->people,
						  .resolve = idx_people_resolve,
						  .learn = r->opts->check_only ? NULL :
										 idx_people_learn };
		started++;
	}
	/* worker 0 is this thread; the others get their own */
	unsigned threads = 1;
	for (unsigned i = 1; !st && i < started; i++, threads++)
		if (pthread_create(&ws[i].tid, NULL, worker_main, &ws[i]) != 0)
			break;
	if (!st)
		worker_main(&ws[0]);
	for (unsigned i = 1; i < threads; i++)
		pthread_join(ws[i].tid, NULL);
	idx_live_phase(run_live(r), IDX_PHASE_FINISH);
	for (unsigned i = 0; i < started; i++) {
		merge_stats(r->stats, &ws[i].st);
		if (!st && ws[i].status)
			st = ws[i].status;
		xap_doc_free(ws[i].doc);
		docbuild_release(&ws[i].build);
	}
	free(ws);
	if (st)
		return st;
	if (run_stop_requested(r)) {
		r->stats->interrupted = 1;
		return LEC_OK;
	}
	report_progress(r, NULL);
	return run_remove_vanished(r);
}
