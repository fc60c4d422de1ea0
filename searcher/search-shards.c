/* search-shards.c - search_run (search.h): the attempts of a search over
 * the shards as the searcher has them open. An attempt that meets a
 * commit of the index, a remote shard that fails or a shard directory
 * replaced under it ends; the shards are reopened (without the failed one)
 * and the search starts again. Its own file because this is the searcher's
 * shard handling (searcher.c opens them) and not the query's: search.c
 * makes one attempt (search_attempt) and knows nothing of retries.
 */
#include "search-int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"

lec_status search_run(struct searcher *s, const struct search_req *req, struct search_result *res,
		      struct buf *err)
{
	lec_status st = LEC_OK;
	memset(res, 0, sizeof(*res));
	if (req->query_len > LEC_MAX_QUERY_BYTES) {
		buf_printf(err, "query too long: %zu bytes, the limit is %u (LEC_MAX_QUERY_BYTES)",
			   req->query_len, (unsigned)LEC_MAX_QUERY_BYTES);
		return LEC_ELIMIT;
	}
	uint64_t given = 0;
	s->searches++;
	for (int attempt = 0; attempt < 3; attempt++) {
		/* known before the first hit (req->on_hit) */
		if (s->warnings && !(res->warnings = strdup(s->warnings))) {
			st = LEC_ENOMEM;
			break;
		}
		st = search_attempt(s, req, res, err, &given);
		/* a first index swapped its compacted copy in while we searched:
		 * whatever that did to this search, the new one is complete */
		int replaced =
			st && st != LEC_EMODIFIED && st != LEC_ENETWORK && searcher_dirs_changed(s);
		if (st != LEC_EMODIFIED && st != LEC_ENETWORK && !replaced)
			break;
		/* the index was committed under us: start again on the new
		 * revision; a remote shard failed: start again without it */
		search_result_release(res);
		buf_reset(err);
		if (st == LEC_ENETWORK) {
			char *failed = strdup(xap_db_error(s->db));
			st = searcher_reopen_all(s, failed);
			free(failed);
		} else if (replaced) {
			st = searcher_reopen_all(s, NULL);
		} else {
			st = searcher_reopen(s);
		}
		if (st)
			break;
	}
	if (!st && s->warnings) {
		/* the shards' warnings, then the query's */
		char *all = NULL;
		if (asprintf(&all, "%s%s%s", s->warnings, res->warnings ? "\n" : "",
			     res->warnings ? res->warnings : "") < 0)
			st = LEC_ENOMEM;
		free(res->warnings);
		res->warnings = st ? NULL : all;
	}
	if (st && !err->len) {
		/* a failure of lectern's own reading (a damaged record) leaves no
		 * Xapian message */
		const char *x = st == LEC_ECORRUPT || st == LEC_EXAPIAN ? xap_db_error(s->db) : "";
		buf_printf(err, "%s%s%s", lec_status_str(st), *x ? ": " : "", x);
	}
	return st;
}
