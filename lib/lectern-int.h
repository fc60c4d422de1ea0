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

/* A passage is a search_hit (struct lectern_passage is never defined). */
static inline const lectern_passage_t *lec_passage_of(const struct search_hit *h)
{
	return (const lectern_passage_t *)h;
}

static inline const struct search_hit *lec_hit_of(const lectern_passage_t *p)
{
	return (const struct search_hit *)p;
}

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
