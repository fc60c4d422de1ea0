/* lectern-json.c - a passage as JSON: the one form the daemon answers,
 * `lectern find --json` prints and lectern_passage_json gives
 * (docs/lectern-output.schema.json). */
#define LECTERN_BUILDING_LIBRARY 1
#include "lectern-int.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "buf.h"
#include "jsondump.h"
#include "paths.h"

json_t *lec_json_str(const char *s)
{
	if (!s)
		return json_null();
	size_t len = strlen(s);
	json_t *j = json_stringn(s, len);
	if (j)
		return j;
	struct buf b;
	buf_init(&b, 0);
	for (size_t i = 0; i < len;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
						      (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0) {
			buf_puts(&b, "\xef\xbf\xbd");
			i++;
		} else {
			buf_put(&b, s + i, (size_t)n);
			i += (size_t)n;
		}
	}
	j = b.status ? NULL : json_stringn(b.data ? b.data : "", b.len);
	buf_release(&b);
	return j;
}

static json_t *str_array(char **v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, lec_json_str(v[i]));
	return a;
}

static json_t *highlights_json(const struct search_hit *h)
{
	json_t *hl = json_array();
	for (size_t i = 0; hl && i < h->nhighlights; i++)
		json_array_append_new(hl, json_pack("[I,I]", (json_int_t)h->highlights[i].off,
						    (json_int_t)h->highlights[i].len));
	return hl;
}

static json_t *occurrences_json(const struct search_hit *h)
{
	json_t *occ = json_array();
	for (size_t i = 0; occ && i < h->nocc; i++)
		json_array_append_new(occ, json_pack("{s:i, s:i, s:I, s:o}", "line",
						     (int)h->occ[i].line, "col", (int)h->occ[i].col,
						     "len", (json_int_t)h->occ[i].len, "text",
						     lec_json_str(h->occ[i].line_text)));
	return occ ? occ : json_null();
}

static json_t *context_highlights_json(const struct search_hit *h)
{
	json_t *hl = json_array();
	for (size_t i = 0; hl && i < h->nctx_hl; i++)
		json_array_append_new(hl, json_pack("[i,I,I]", (int)h->ctx_hl[i].line,
						    (json_int_t)h->ctx_hl[i].off,
						    (json_int_t)h->ctx_hl[i].len));
	return hl ? hl : json_null();
}

/* The keys in the order they always had; a places-only passage leaves out
 * what it does not carry (LECTERN_QUERY_PLACES_ONLY). */
json_t *lec_passage_json(const lectern_passage_t *p, const char *cwd)
{
	const struct search_hit *h = lec_hit_of(p);
	const char *shown = cwd ? paths_display(h->path, cwd) : h->path;
	int all = !h->places_only;
	json_t *j = json_object();
	if (j &&
	    (json_object_set_new(j, "path", lec_json_str(h->path)) ||
	     (all && json_object_set_new(j, "shown_path", lec_json_str(shown))) ||
	     json_object_set_new(j, "line", json_integer(h->line)) ||
	     json_object_set_new(j, "col", json_integer(h->col)) ||
	     (all && json_object_set_new(j, "headings", str_array(h->headings, h->nheadings))) ||
	     json_object_set_new(j, "score", json_real(h->score)) ||
	     (all && (json_object_set_new(j, "snippet", lec_json_str(h->snippet)) ||
		      json_object_set_new(j, "highlights", highlights_json(h)) ||
		      json_object_set_new(j, "title", lec_json_str(h->title)) ||
		      json_object_set_new(j, "date", lec_json_str(h->date)) ||
		      json_object_set_new(j, "speakers", str_array(h->speakers, h->nspeakers)))) ||
	     json_object_set_new(j, "stale", json_boolean(h->stale)))) {
		json_decref(j);
		j = NULL;
	}
	if (j) {
		json_object_set_new(j, "missing", json_boolean(h->missing));
		/* holds only some of the query's words: marked wherever it goes
		 * (the daemon's answer, the CLI's lines), so no reader takes it
		 * for a match */
		json_object_set_new(j, "fallback", json_boolean(h->partial));
	}
	if (j && h->nocc)
		json_object_set_new(j, "occurrences", occurrences_json(h));
	if (j && h->ncontext) {
		json_object_set_new(j, "context_first_line", json_integer(h->ctx_first));
		json_object_set_new(j, "context", str_array(h->context, h->ncontext));
		json_object_set_new(j, "context_highlights", context_highlights_json(h));
	}
	if (j && h->file_matches)
		json_object_set_new(j, "file_matches", json_integer(h->file_matches));
	return j;
}

json_t *lec_warnings_json(const char *warnings)
{
	json_t *a = json_array();
	for (const char *p = warnings; a && p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		json_array_append_new(a, json_stringn(p, n));
		p += n + (nl != NULL);
	}
	return a ? a : json_null();
}

LECTERN_API lectern_status_t lectern_passage_json(const lectern_passage_t *passage, char **json)
{
	if (json)
		*json = NULL;
	if (!passage || !json)
		return LECTERN_STATUS_INVALID_ARGUMENT;
	json_t *j = lec_passage_json(passage, NULL);
	*json = j ? jsondump(j, JSON_COMPACT) : NULL;
	json_decref(j);
	return *json ? LECTERN_STATUS_SUCCESS : LECTERN_STATUS_OUT_OF_MEMORY;
}
