/* search-int.h - what the files of a search share: one search's state
 * (struct run) and the steps one file makes for another. Private to
 * searcher/search*.c; search.h is the public face.
 *
 * The job is split by file:
 *  - search.c: a query to ranked passages (parsing, the candidate notes,
 *    the tiers and their ranking, the partial ranking): one attempt;
 *  - search-order.c: the orders other than rank: every passage by place
 *    (--all by place, vimgrep) and --count's docid order;
 *  - search-hits.c: a ranked passage made into a hit;
 *  - search-spell.c: "did you mean", the query with its unknown words
 *    replaced;
 *  - search-shards.c: search_run, the attempts over the shards as they
 *    are: reopening them when the index changed or a shard failed, and
 *    their warnings.
 * Every struct run and what it holds belongs to search.c (search_attempt
 * makes and releases it); the other files only use it.
 */
#ifndef LECTERN_SEARCH_INT_H
#define LECTERN_SEARCH_INT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "hit.h"
#include "match.h"
#include "pmatch.h"
#include "query.h"
#include "search.h"
#include "searcher-int.h"
#include "xap.h"

/* A query in every language of the index: its AST, the plan that checks
 * passages, and (made when a changed file needs it) the text matcher. */
struct lquery {
	qp_ast *asts[MAX_LANGS];
	pm_plan *plans[MAX_LANGS];
	match_query *mqs[MAX_LANGS];
	size_t n;
};

/* A passage of a tier's ranking. */
struct item {
	size_t note;      /* index into the tier's notes */
	uint32_t passage; /* index into that note's matching passages */
	uint32_t held;    /* scoring parts it holds (partial ranking) */
	uint32_t count;   /* --files: the note's matching passages */
	double score;     /* passage score + the note's prior */
};

/* The notes of one tier, evaluated. */
struct tier {
	struct pm_note *notes;
	size_t *lang;   /* per note: the language whose plan checked it */
	double *weight; /* per note: its Xapian weight */
	size_t n, cap;
	struct item *items;
	size_t nitems, icap;
};

struct run {
	struct searcher *s;
	const struct search_req *req;
	struct search_result *res;
	struct buf *err;
	struct pm_stats stats;
	struct lquery exact, loose;
	struct hit_reader *hr;
	struct tier tier;
	uint64_t need; /* ranks [0, need) are wanted (UINT64_MAX: all) */
	uint64_t rank; /* passages ranked so far (exact, then partial) */
	size_t hcap;
	/* req->on_hit: hits made (or skipped), and how many an earlier attempt
	 * gave already (search_run's retries) */
	uint64_t delivered, skip;
	int probe; /* rank without making hits: is there any? (and
	                         * how many, estimated from one tier) */
};

/* One ranking: a query's candidate notes, tier after tier. */
struct stream {
	const struct lquery *q;
	const struct lquery *exclude; /* partial: passages matching it are not listed */
	xap_query *xq;
	int partial;
	uint64_t notes_done;
	uint64_t passages;  /* passages it ranked */
	uint64_t estimated; /* Xapian's estimate of its notes */
	int exhausted;
};

/* ---- search.c ---- */

/* One attempt of search_run: the query on the index as the searcher has
 * it open, into res (filled as search_run says). The first *given hits
 * of req->on_hit are not given again (an earlier attempt gave them);
 * *given grows to what this attempt gave. */
lec_status search_attempt(struct searcher *s, const struct search_req *req,
			  struct search_result *res, struct buf *err, uint64_t *given);

/* Notes [from, from + limit) of the stream's ranking (limit 0: all of
 * them; by_docid: in docid order). *out owned by the caller
 * (xap_mset_free). */
lec_status search_notes_page(struct run *r, struct stream *s, uint64_t from, uint32_t limit,
			     int by_docid, xap_mset **out);

/* The language of a candidate note: its plan's index in q. */
lec_status search_note_lang(struct run *r, const struct lquery *q, xap_docid did, size_t *out);

/* LEC_ETIMEOUT (with the message) once the request's deadline has passed. */
lec_status search_check_time(struct run *r);

/* Room for n notes in the tier (they stay the tier's). */
lec_status search_tier_reserve(struct tier *t, size_t n);

/* Evaluate note k of mset m as note i of the tier, and list its items. */
lec_status search_eval_note(struct run *r, const struct stream *s, xap_mset *m, uint32_t k,
			    size_t i);

/* ---- search-order.c ---- */

/* Every matching passage of the stream in place order, each hit made as
 * it comes (--all by place: vimgrep). */
lec_status search_by_place(struct run *r, struct stream *s);

/* --count: the stream's matching passages, counted, in docid order. */
lec_status search_count_all(struct run *r, struct stream *s);

/* ---- search-hits.c ---- */

/* Make item `it` of the tier a hit: given to req->on_hit, or kept in
 * r->res->hits (owned by the result). */
lec_status search_emit_item(struct run *r, const struct stream *s, const struct item *it);

/* Make hits of items[0..n) (search_emit_item), items[0] being rank
 * `first_rank`: those before req->offset are skipped. Their passage records
 * are read first, a chunk at a time, in the index's order (read_ahead). */
lec_status search_emit_items(struct run *r, const struct stream *s, const struct item *items,
			     size_t n, uint64_t first_rank);

/* ---- search-spell.c ---- */

/* The query text (query[0..len), parsed into ast) with each word absent
 * from db replaced by Xapian's spelling suggestion; *out NULL when none
 * is. *out malloc'd, owned by the caller. */
lec_status search_suggest(xap_db *db, const char *query, size_t len, const qp_ast *ast, char **out);

#endif
