/* lectern.c - liblectern: the public API (lectern.h) over the engine's own
 * modules: idx_run for indexing, searcher_open and search_run for queries.
 * Nothing here decides anything about notes, passages or ranking: each
 * function turns the public arguments into the internal ones, calls one
 * internal function, and turns its status and message back. */
#define LECTERN_BUILDING_LIBRARY 1
#include "lectern-int.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "index.h"
#include "paths.h"
#include "query.h"
#include "search.h"
#include "status.h"

#define ERR_MAX (64u << 10) /* the longest message a handle keeps */

struct lectern_index {
	char *path; /* absolute; owned */
	lectern_mode_t mode;
	struct searcher *s; /* opened on the first query (READ_WRITE) or at
	                         * open (READ_ONLY); owned; NULL when not open */
	struct buf err;     /* the last failure's message; "" after a success */
};

/* The public status of `st`. The handle keeps the message its call left in
 * idx->err on failure (the status's name when it left none), nothing on
 * success. */
static lectern_status_t done(lectern_index_t *idx, lec_status st)
{
	if (!st) {
		buf_reset(&idx->err);
		return LECTERN_STATUS_SUCCESS;
	}
	if (!idx->err.len)
		buf_puts(&idx->err, lec_status_str(st));
	return lec_public_status(st);
}

/* ---- an index ------------------------------------------------------------ */

static void set_message(char **out, const char *msg)
{
	if (out)
		*out = msg ? strdup(msg) : NULL;
}

LECTERN_API lectern_status_t lectern_index_open(const char *path, lectern_mode_t mode,
						lectern_index_t **index, char **error_message)
{
	set_message(error_message, NULL);
	if (index)
		*index = NULL;
	if (!path || !index ||
	    (mode != LECTERN_MODE_READ_ONLY && mode != LECTERN_MODE_READ_WRITE)) {
		set_message(error_message, "lectern_index_open: a path, an out-parameter and a "
					   "known mode are needed");
		return LECTERN_STATUS_INVALID_ARGUMENT;
	}
	lectern_index_t *idx = calloc(1, sizeof(*idx));
	if (!idx)
		return LECTERN_STATUS_OUT_OF_MEMORY;
	buf_init(&idx->err, ERR_MAX);
	idx->mode = mode;
	lec_status st = paths_absolute(path, &idx->path);
	if (st)
		buf_printf(&idx->err, "%s: %s", path, lec_status_str(st));
	if (!st && mode == LECTERN_MODE_READ_ONLY)
		st = searcher_open(idx->path, &idx->s, &idx->err);
	if (st) {
		lectern_status_t ps = done(idx, st);
		set_message(error_message, idx->err.data);
		lectern_index_close(idx);
		return ps;
	}
	buf_reset(&idx->err); /* warnings of a good open (a remote shard left out) */
	*index = idx;
	return LECTERN_STATUS_SUCCESS;
}

LECTERN_API void lectern_index_close(lectern_index_t *index)
{
	if (!index)
		return;
	searcher_free(index->s);
	buf_release(&index->err);
	free(index->path);
	free(index);
}

LECTERN_API const char *lectern_index_last_error(const lectern_index_t *index)
{
	return index && index->err.data ? index->err.data : "";
}

LECTERN_API const char *lectern_index_path(const lectern_index_t *index)
{
	return index ? index->path : NULL;
}

LECTERN_API const char *lectern_index_warnings(const lectern_index_t *index)
{
	return index && index->s ? searcher_warnings(index->s) : NULL;
}

LECTERN_API void lectern_index_retry_shards(lectern_index_t *index)
{
	if (index && index->s)
		searcher_retry_now(index->s);
}

/* ---- indexing ------------------------------------------------------------- */

static void forward_warning(void *ctx, const char *path, const char *message)
{
	const lectern_index_options_t *o = ctx;
	if (o && o->warning)
		o->warning(o->warning_context, path, message);
}

static void copy_stats(const struct idx_stats *in, lectern_index_stats_t *out)
{
	*out = (lectern_index_stats_t){
		.files = in->files,
		.added = in->added,
		.updated = in->updated,
		.removed = in->removed,
		.unchanged = in->unchanged,
		.skipped = in->skipped,
		.warnings = in->warnings,
		.passages = in->passages,
	};
}

static void free_paths(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

/* Absolute copies of roots[0..n) in *out (n entries, owned by the caller:
 * free_paths). */
static lec_status absolute_roots(lectern_index_t *idx, const char *const *roots, size_t n,
				 char ***out)
{
	char **v = calloc(n ? n : 1, sizeof(*v));
	lec_status st = v ? LEC_OK : LEC_ENOMEM;
	for (size_t i = 0; !st && i < n; i++) {
		st = roots[i] ? paths_absolute(roots[i], &v[i]) : LEC_EINVAL;
		if (st)
			buf_printf(&idx->err, "%s: %s", roots[i] ? roots[i] : "(null)",
				   lec_status_str(st));
	}
	if (st) {
		free_paths(v, n);
		v = NULL;
	}
	*out = v;
	return st;
}

/* One run of the indexer over roots[0..n) (none: every known root). */
static lectern_status_t run_indexer(lectern_index_t *idx, const char *const *roots, size_t n,
				    const lectern_index_options_t *options,
				    lectern_index_stats_t *stats)
{
	struct idx_stats is = { 0 };
	char **abs = NULL;
	buf_reset(&idx->err);
	if (stats)
		*stats = (lectern_index_stats_t){ 0 };
	if (idx->mode != LECTERN_MODE_READ_WRITE) {
		buf_puts(&idx->err, "the index was opened read-only (LECTERN_MODE_READ_ONLY)");
		return LECTERN_STATUS_READ_ONLY;
	}
	lec_status st = absolute_roots(idx, roots, n, &abs);
	if (!st) {
		struct idx_opts io = { .language = options && n ? options->language : NULL,
				       .jobs = options ? options->jobs : 0 };
		struct idx_hooks hooks = { .ctx = (void *)options, .warn = forward_warning };
		st = idx_run(idx->path, abs, n, &io, &hooks, &is, &idx->err);
	}
	free_paths(abs, n);
	/* the next query opens the index as this run left it (a first run
	 * puts a new index in place: an open searcher would not see it) */
	searcher_free(idx->s);
	idx->s = NULL;
	if (!st && stats)
		copy_stats(&is, stats);
	return done(idx, st);
}

LECTERN_API lectern_status_t lectern_index_add_roots(lectern_index_t *index,
						     const char *const *roots, size_t nroots,
						     const lectern_index_options_t *options,
						     lectern_index_stats_t *stats)
{
	if (stats)
		*stats = (lectern_index_stats_t){ 0 };
	if (!index)
		return LECTERN_STATUS_INVALID_ARGUMENT;
	if (!roots || !nroots) {
		buf_reset(&index->err);
		buf_puts(&index->err, "lectern_index_add_roots: no root given");
		return LECTERN_STATUS_INVALID_ARGUMENT;
	}
	return run_indexer(index, roots, nroots, options, stats);
}

LECTERN_API lectern_status_t lectern_index_update(lectern_index_t *index,
						  const lectern_index_options_t *options,
						  lectern_index_stats_t *stats)
{
	if (stats)
		*stats = (lectern_index_stats_t){ 0 };
	if (!index)
		return LECTERN_STATUS_INVALID_ARGUMENT;
	return run_indexer(index, NULL, 0, options, stats);
}

/* ---- a query --------------------------------------------------------------- */

/* The searcher, opened or brought to the latest commit. A searcher that
 * cannot be brought there (the index directory was replaced: a first run
 * swaps a new index in) is opened again from scratch. */
static lec_status ready_searcher(lectern_index_t *idx)
{
	if (idx->s && searcher_reopen(idx->s) == LEC_OK)
		return LEC_OK;
	searcher_free(idx->s);
	idx->s = NULL;
	return searcher_open(idx->path, &idx->s, &idx->err);
}

/* on_passage between search_run and the caller: the callback's status is
 * kept, search_run told only to stop. */
struct relay {
	const lectern_query_options_t *o;
	lectern_results_t *r; /* its res is the one search_run fills */
	lectern_status_t stopped;
};

static lec_status relay_hit(void *ctx, const struct search_result *res, struct search_hit *h)
{
	struct relay *rl = ctx;
	(void)res; /* rl->r->res: the results handle given is the same */
	lectern_status_t ps =
		rl->o->on_passage(rl->o->on_passage_context, rl->r, lec_passage_of(h));
	if (ps == LECTERN_STATUS_SUCCESS)
		return LEC_OK;
	rl->stopped = ps;
	return LEC_ESTOP;
}

/* A page by place with on_passage: search_run collects and sorts the page
 * (a page comes from the ranking in rank order), then each passage is
 * given, and freed, in place order. */
static lec_status relay_kept(struct relay *rl)
{
	struct search_result *res = rl->r->res;
	lec_status st = LEC_OK;
	for (size_t i = 0; !st && i < res->nhits; i++)
		st = relay_hit(rl, res, &res->hits[i]);
	for (size_t i = 0; i < res->nhits; i++)
		search_hit_release(&res->hits[i]);
	free(res->hits);
	res->hits = NULL;
	res->nhits = 0;
	return st;
}

lectern_status_t lec_query_run(lectern_index_t *index, const char *query,
			       const lectern_query_options_t *options, int rank_all,
			       lectern_results_t **results)
{
	if (results)
		*results = NULL;
	if (!index)
		return LECTERN_STATUS_INVALID_ARGUMENT;
	buf_reset(&index->err);
	if (!query || !results || (options && (options->flags & ~(unsigned)LEC_QUERY_FLAGS))) {
		buf_puts(&index->err, "lectern_query_run: a query, an out-parameter and known "
				      "flags are needed");
		return LECTERN_STATUS_INVALID_ARGUMENT;
	}
	struct search_req req;
	/* first: the time budget counts the reopening */
	lec_req_from_options(&req, query, options);
	req.rank_all = rank_all;
	lectern_results_t *r = calloc(1, sizeof(*r));
	if (r)
		r->res = &r->own;
	struct relay rl = { .o = options, .r = r, .stopped = LECTERN_STATUS_SUCCESS };
	/* a page by place is sorted whole: collected, then given */
	int later =
		options && options->on_passage && req.sort_by_place && !req.all && !req.occurrences;
	if (options && options->on_passage && !later) {
		req.on_hit = relay_hit;
		req.on_hit_ctx = &rl;
	}
	lec_status st = r ? ready_searcher(index) : LEC_ENOMEM;
	if (!st)
		st = search_run(index->s, &req, r->res, &index->err);
	if (!st && later)
		st = relay_kept(&rl);
	if (st) {
		lectern_results_free(r);
		if (st == LEC_ESTOP && rl.stopped) {
			buf_reset(&index->err);
			buf_puts(&index->err, "stopped by on_passage");
			return rl.stopped;
		}
		return done(index, st);
	}
	*results = r;
	return done(index, LEC_OK);
}

LECTERN_API lectern_status_t lectern_query_run(lectern_index_t *index, const char *query,
					       const lectern_query_options_t *options,
					       lectern_results_t **results)
{
	return lec_query_run(index, query, options, 0, results);
}
