/* lectern-int.h - what lectern's own programs share with the library
 * beyond lectern.h. Not installed.
 *
 * The results and passages of lectern.h are the searcher's struct
 * search_result and struct search_hit. A result that came another way
 * (the daemon's answer, decoded by searcher/client.c, or a hit given to a
 * search_req.on_hit callback) is read through a view, with the same
 * functions as the library's own: so `lectern find` prints, and the
 * daemon writes, what a program using liblectern reads. */
#ifndef LECTERN_INT_H
#define LECTERN_INT_H

#include <jansson.h>

#include "lectern.h"
#include "search.h"

struct lectern_results {
	struct search_result own;  /* lectern_query_run's: released with it */
	struct search_result *res; /* &own, or the result a view reads */
	size_t next;               /* lectern_results_next's cursor */
};

/* Results reading `res`, which is not copied: it must outlive the view.
 * Never given to lectern_results_free. */
static inline lectern_results_t lec_results_view(const struct search_result *res)
{
	lectern_results_t v = { .res = (struct search_result *)res };
	return v;
}

/* Move the result of r into *out (the caller's: search_result_release)
 * and free r. */
void lec_results_take(lectern_results_t *r, struct search_result *out);

/* A passage is a search_hit (struct lectern_passage is never defined). */
static inline const lectern_passage_t *lec_passage_of(const struct search_hit *h)
{
	return (const lectern_passage_t *)h;
}

static inline const struct search_hit *lec_hit_of(const lectern_passage_t *p)
{
	return (const struct search_hit *)p;
}

/* The public status of an internal one (lib/lectern-results.c): the one
 * map of lec_status to lectern_status_t. */
lectern_status_t lec_public_status(lec_status st);

/* Every flag of enum lectern_query_flag. */
#define LEC_QUERY_FLAGS                                                               \
	(LECTERN_QUERY_ALL | LECTERN_QUERY_OCCURRENCES | LECTERN_QUERY_STRICT |       \
	 LECTERN_QUERY_PHRASE | LECTERN_QUERY_IMPLICIT_PHRASE | LECTERN_QUERY_FILES | \
	 LECTERN_QUERY_COUNT | LECTERN_QUERY_NO_SNIPPETS | LECTERN_QUERY_FIX |        \
	 LECTERN_QUERY_EXPLAIN | LECTERN_QUERY_BY_PLACE | LECTERN_QUERY_PLACES_ONLY)

/* The request that searches `query` with options `o` (NULL: the
 * defaults), its time budget counted from now (lib/lectern-options.c).
 * req->query points at `query`, which must outlive it. */
void lec_req_from_options(struct search_req *req, const char *query,
			  const lectern_query_options_t *o);

/* lectern_query_run, which it is, with `rank_all` (`lectern find
 * --rank-all`: every passage of every matching note scored before the
 * ranking, to check it; not in the API). */
lectern_status_t lec_query_run(lectern_index_t *index, const char *query,
			       const lectern_query_options_t *o, int rank_all,
			       lectern_results_t **results);

/* The one writer of a passage's JSON object (lib/lectern-json.c): the
 * daemon's answers, `lectern find --json` and lectern_passage_json. Its
 * shown_path is the path relative to `cwd` when under it (NULL: the path).
 * New reference owned by the caller; NULL when out of memory. */
json_t *lec_passage_json(const lectern_passage_t *p, const char *cwd);

/* The lines of a warnings text (lectern_results_warnings) as a JSON array
 * of strings ([] for NULL). New reference owned by the caller. */
json_t *lec_warnings_json(const char *warnings);

/* A JSON string of any bytes: invalid UTF-8 becomes U+FFFD, so that a
 * path with a stray byte still gives a (lossy) answer; null for NULL.
 * New reference; NULL when out of memory. */
json_t *lec_json_str(const char *s);

#endif
