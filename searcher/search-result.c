/* search-result.c - a search's request and result, made and released, and
 * the order of places (search.h): what `lectern find` needs of a search
 * whoever runs it (the daemon, or the engine here), without Xapian. */
#include "search.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vec.h"

int64_t search_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void search_req_init(struct search_req *r)
{
	memset(r, 0, sizeof(*r));
	r->limit = 10;
}

void search_hit_release(struct search_hit *h)
{
	free(h->path);
	strv_free(h->headings, h->nheadings);
	free(h->snippet);
	free(h->highlights);
	free(h->title);
	free(h->date);
	strv_free(h->speakers, h->nspeakers);
	for (size_t i = 0; i < h->nocc; i++)
		free(h->occ[i].line_text);
	free(h->occ);
	strv_free(h->context, h->ncontext);
	free(h->ctx_hl);
	memset(h, 0, sizeof(*h));
}

void search_result_release(struct search_result *res)
{
	for (size_t i = 0; i < res->nhits; i++)
		search_hit_release(&res->hits[i]);
	free(res->hits);
	free(res->relaxed_query);
	free(res->suggestion);
	free(res->explain);
	free(res->warnings);
	memset(res, 0, sizeof(*res));
}

int search_place_cmp(const char *pa, uint32_t la, uint32_t ca, const char *pb, uint32_t lb,
		     uint32_t cb)
{
	int c = strcmp(pa, pb);
	if (c)
		return c;
	return la < lb ? -1 : la > lb ? 1 : (ca > cb) - (ca < cb);
}

int search_hit_cmp_place(const void *a, const void *b)
{
	const struct search_hit *x = a, *y = b;
	return search_place_cmp(x->path, x->line, x->col, y->path, y->line, y->col);
}
