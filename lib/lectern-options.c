/* lectern-options.c - a query's options (lectern_query_options_t) as the
 * searcher's request: what lectern_query_run searches, and what `lectern
 * find` sends to the daemon, which reads it back into the same options
 * (daemon/proto-find.c). Touches no index. */
#define LECTERN_BUILDING_LIBRARY 1
#include "lectern-int.h"

#include <string.h>

#include "query.h"

void lec_req_from_options(struct search_req *req, const char *query,
			  const lectern_query_options_t *o)
{
	unsigned f = o ? o->flags : 0;
	search_req_init(req);
	req->query = query;
	req->query_len = strlen(query);
	req->qflags = (f & LECTERN_QUERY_STRICT ? QP_STRICT : 0) |
		      (f & LECTERN_QUERY_PHRASE ? QP_WHOLE_PHRASE : 0) |
		      (f & LECTERN_QUERY_IMPLICIT_PHRASE ? QP_IMPLICIT_PHRASE : 0);
	if (o && o->limit)
		req->limit = o->limit;
	req->offset = o ? o->offset : 0;
	req->context = o ? o->context : 0;
	req->all = !!(f & LECTERN_QUERY_ALL);
	req->files = !!(f & LECTERN_QUERY_FILES);
	req->count_only = !!(f & LECTERN_QUERY_COUNT);
	req->no_snippets = !!(f & LECTERN_QUERY_NO_SNIPPETS);
	req->fix = !!(f & LECTERN_QUERY_FIX);
	req->explain = !!(f & LECTERN_QUERY_EXPLAIN);
	req->occurrences = !!(f & LECTERN_QUERY_OCCURRENCES);
	req->places_only = !!(f & LECTERN_QUERY_PLACES_ONLY);
	/* every occurrence of every passage has always come by place */
	req->sort_by_place = (f & LECTERN_QUERY_BY_PLACE) || (req->occurrences && req->all);
	if (o && o->time_budget_ms)
		req->deadline_ms = search_now_ms() + o->time_budget_ms;
}
