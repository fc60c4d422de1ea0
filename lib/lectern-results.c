/* lectern-results.c - liblectern's statuses, version, and the reading of
 * results and their passages (lectern.h). Nothing here touches the index:
 * a result read here came from lectern_query_run, or from the daemon
 * through a view (lectern-int.h), and the lectern executable, which does
 * not load Xapian for an answer the daemon gives, prints through these. */
#define LECTERN_BUILDING_LIBRARY 1
#include "lectern-int.h"

#include <stdlib.h>
#include <string.h>

static const char *const status_names[LECTERN_STATUS_LAST_STATUS] = {
	[LECTERN_STATUS_SUCCESS] = "success",
	[LECTERN_STATUS_OUT_OF_MEMORY] = "out of memory",
	[LECTERN_STATUS_INVALID_ARGUMENT] = "invalid argument",
	[LECTERN_STATUS_IO_ERROR] = "input/output error",
	[LECTERN_STATUS_NOT_FOUND] = "not found",
	[LECTERN_STATUS_LOCKED] = "the index is locked by another writer",
	[LECTERN_STATUS_CORRUPT] = "the index is damaged",
	[LECTERN_STATUS_VERSION] = "the index has another format",
	[LECTERN_STATUS_LIMIT] = "over a limit",
	[LECTERN_STATUS_SYNTAX] = "query syntax error",
	[LECTERN_STATUS_NETWORK] = "a remote shard failed",
	[LECTERN_STATUS_PERMISSION] = "permission denied",
	[LECTERN_STATUS_TIMEOUT] = "out of time",
	[LECTERN_STATUS_READ_ONLY] = "the index is open read-only",
	[LECTERN_STATUS_INTERNAL] = "internal error",
};

static const lectern_status_t from_lec[LEC_STATUS_COUNT] = {
	[LEC_OK] = LECTERN_STATUS_SUCCESS,
	[LEC_ENOMEM] = LECTERN_STATUS_OUT_OF_MEMORY,
	[LEC_EINVAL] = LECTERN_STATUS_INVALID_ARGUMENT,
	[LEC_EIO] = LECTERN_STATUS_IO_ERROR,
	[LEC_ENOTFOUND] = LECTERN_STATUS_NOT_FOUND,
	[LEC_ELOCKED] = LECTERN_STATUS_LOCKED,
	[LEC_EMODIFIED] = LECTERN_STATUS_INTERNAL, /* retried inside: never seen */
	[LEC_ECORRUPT] = LECTERN_STATUS_CORRUPT,
	[LEC_EVERSION] = LECTERN_STATUS_VERSION,
	[LEC_ELIMIT] = LECTERN_STATUS_LIMIT,
	[LEC_ESYNTAX] = LECTERN_STATUS_SYNTAX,
	[LEC_ENETWORK] = LECTERN_STATUS_NETWORK,
	[LEC_EUNIMPL] = LECTERN_STATUS_INTERNAL,
	[LEC_EXAPIAN] = LECTERN_STATUS_IO_ERROR,
	[LEC_EINTERNAL] = LECTERN_STATUS_INTERNAL,
	[LEC_ESTOP] = LECTERN_STATUS_INTERNAL, /* on_passage's own status is returned */
	[LEC_EPERM] = LECTERN_STATUS_PERMISSION,
	[LEC_ETIMEOUT] = LECTERN_STATUS_TIMEOUT,
};

lectern_status_t lec_public_status(lec_status st)
{
	return (unsigned)st < LEC_STATUS_COUNT ? from_lec[st] : LECTERN_STATUS_INTERNAL;
}

LECTERN_API const char *lectern_status_str(lectern_status_t status)
{
	if ((unsigned)status >= LECTERN_STATUS_LAST_STATUS || !status_names[status])
		return "unknown status";
	return status_names[status];
}

/* The API's version, which moves with lectern.h (a minor for each
 * addition), not lectern's program version (LECTERN_VERSION). */
#define STR_(x) #x
#define STR(x) STR_(x)

LECTERN_API const char *lectern_version(void)
{
	return STR(LECTERN_VERSION_MAJOR) "." STR(LECTERN_VERSION_MINOR) "." STR(
		LECTERN_VERSION_PATCH);
}

LECTERN_API uint64_t lectern_results_total(const lectern_results_t *results)
{
	return results ? results->res->total : 0;
}

LECTERN_API int lectern_results_total_exact(const lectern_results_t *results)
{
	return results ? results->res->total_exact : 0;
}

LECTERN_API int lectern_results_fallback(const lectern_results_t *results)
{
	return results ? results->res->relaxed : 0;
}

LECTERN_API const char *lectern_results_suggestion(const lectern_results_t *results)
{
	return results ? results->res->suggestion : NULL;
}

LECTERN_API const char *lectern_results_fallback_query(const lectern_results_t *results)
{
	return results && results->res->relaxed ? results->res->relaxed_query : NULL;
}

LECTERN_API int lectern_results_fixed(const lectern_results_t *results)
{
	return results ? results->res->fixed : 0;
}

LECTERN_API const char *lectern_results_explain(const lectern_results_t *results)
{
	return results ? results->res->explain : NULL;
}

LECTERN_API const char *lectern_results_warnings(const lectern_results_t *results)
{
	return results ? results->res->warnings : NULL;
}

LECTERN_API size_t lectern_results_count(const lectern_results_t *results)
{
	return results ? results->res->nhits : 0;
}

LECTERN_API lectern_passage_t *lectern_results_next(lectern_results_t *results)
{
	if (!results || results->next >= results->res->nhits)
		return NULL;
	return (lectern_passage_t *)&results->res->hits[results->next++];
}

void lec_results_take(lectern_results_t *r, struct search_result *out)
{
	*out = *r->res;
	memset(r->res, 0, sizeof(*r->res));
	lectern_results_free(r);
}

LECTERN_API void lectern_results_free(lectern_results_t *results)
{
	if (!results)
		return;
	search_result_release(&results->own);
	free(results);
}

/* ---- a passage --------------------------------------------------------------- */

LECTERN_API const char *lectern_passage_path(const lectern_passage_t *passage)
{
	return passage ? lec_hit_of(passage)->path : NULL;
}

LECTERN_API uint32_t lectern_passage_line(const lectern_passage_t *passage)
{
	return passage ? lec_hit_of(passage)->line : 0;
}

LECTERN_API uint32_t lectern_passage_column(const lectern_passage_t *passage)
{
	return passage ? lec_hit_of(passage)->col : 0;
}

LECTERN_API size_t lectern_passage_heading_count(const lectern_passage_t *passage)
{
	return passage ? lec_hit_of(passage)->nheadings : 0;
}

LECTERN_API const char *lectern_passage_heading(const lectern_passage_t *passage, size_t i)
{
	return passage && i < lec_hit_of(passage)->nheadings ? lec_hit_of(passage)->headings[i] :
							       NULL;
}

LECTERN_API double lectern_passage_score(const lectern_passage_t *passage)
{
	return passage ? lec_hit_of(passage)->score : 0;
}

LECTERN_API const char *lectern_passage_snippet(const lectern_passage_t *passage)
{
	const char *s = passage ? lec_hit_of(passage)->snippet : NULL;
	return s ? s : "";
}

LECTERN_API size_t lectern_passage_highlight_count(const lectern_passage_t *passage)
{
	return passage && lec_hit_of(passage)->snippet ? lec_hit_of(passage)->nhighlights : 0;
}

LECTERN_API lectern_status_t lectern_passage_highlight(const lectern_passage_t *passage, size_t i,
						       size_t *offset, size_t *length)
{
	if (i >= lectern_passage_highlight_count(passage))
		return LECTERN_STATUS_INVALID_ARGUMENT;
	const struct search_range *r = &lec_hit_of(passage)->highlights[i];
	if (offset)
		*offset = r->off;
	if (length)
		*length = r->len;
	return LECTERN_STATUS_SUCCESS;
}

LECTERN_API int lectern_passage_fallback(const lectern_passage_t *passage)
{
	return passage ? lec_hit_of(passage)->partial : 0;
}

LECTERN_API int lectern_passage_stale(const lectern_passage_t *passage)
{
	return passage ? lec_hit_of(passage)->stale : 0;
}

LECTERN_API int lectern_passage_missing(const lectern_passage_t *passage)
{
	return passage ? lec_hit_of(passage)->missing : 0;
}

LECTERN_API const char *lectern_passage_title(const lectern_passage_t *passage)
{
	return passage ? lec_hit_of(passage)->title : NULL;
}

LECTERN_API const char *lectern_passage_date(const lectern_passage_t *passage)
{
	return passage ? lec_hit_of(passage)->date : NULL;
}

LECTERN_API size_t lectern_passage_speaker_count(const lectern_passage_t *passage)
{
	return passage ? lec_hit_of(passage)->nspeakers : 0;
}

LECTERN_API const char *lectern_passage_speaker(const lectern_passage_t *passage, size_t i)
{
	return passage && i < lec_hit_of(passage)->nspeakers ? lec_hit_of(passage)->speakers[i] :
							       NULL;
}

LECTERN_API uint32_t lectern_passage_file_matches(const lectern_passage_t *passage)
{
	return passage ? lec_hit_of(passage)->file_matches : 0;
}

LECTERN_API uint32_t lectern_passage_context_first_line(const lectern_passage_t *passage)
{
	return passage && lec_hit_of(passage)->ncontext ? lec_hit_of(passage)->ctx_first : 0;
}

LECTERN_API size_t lectern_passage_context_count(const lectern_passage_t *passage)
{
	return passage ? lec_hit_of(passage)->ncontext : 0;
}

LECTERN_API const char *lectern_passage_context_line(const lectern_passage_t *passage, size_t i)
{
	return passage && i < lec_hit_of(passage)->ncontext ? lec_hit_of(passage)->context[i] :
							      NULL;
}

LECTERN_API size_t lectern_passage_context_highlight_count(const lectern_passage_t *passage)
{
	return passage ? lec_hit_of(passage)->nctx_hl : 0;
}

LECTERN_API lectern_status_t lectern_passage_context_highlight(const lectern_passage_t *passage,
							       size_t i, size_t *line_index,
							       size_t *offset, size_t *length)
{
	if (i >= lectern_passage_context_highlight_count(passage))
		return LECTERN_STATUS_INVALID_ARGUMENT;
	const struct search_ctx_range *r = &lec_hit_of(passage)->ctx_hl[i];
	if (line_index)
		*line_index = r->line;
	if (offset)
		*offset = r->off;
	if (length)
		*length = r->len;
	return LECTERN_STATUS_SUCCESS;
}

LECTERN_API size_t lectern_passage_occurrence_count(const lectern_passage_t *passage)
{
	return passage ? lec_hit_of(passage)->nocc : 0;
}

LECTERN_API lectern_status_t lectern_passage_occurrence(const lectern_passage_t *passage, size_t i,
							uint32_t *line, uint32_t *column,
							uint32_t *end_column,
							const char **line_text)
{
	if (i >= lectern_passage_occurrence_count(passage))
		return LECTERN_STATUS_INVALID_ARGUMENT;
	const struct search_occurrence *o = &lec_hit_of(passage)->occ[i];
	if (line)
		*line = o->line;
	if (column)
		*column = o->col;
	if (end_column)
		*end_column = o->col + (uint32_t)o->len;
	if (line_text)
		*line_text = o->line_text;
	return LECTERN_STATUS_SUCCESS;
}
