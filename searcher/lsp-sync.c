/* lsp-sync.c - the notifications that keep the server in step with the
 * editor: the open documents' text (didOpen, didChange, didClose), and the
 * reindex of a note saved or changed on disk (didSave,
 * workspace/didChangeWatchedFiles), so that an editor keeps the index
 * fresh without `lectern serve --watch`. */
#include <stdlib.h>
#include <string.h>

#include "lsp-int.h"
#include "lsp-text.h"

static const char *doc_uri(const json_t *params)
{
	return json_string_value(json_object_get(json_object_get(params, "textDocument"), "uri"));
}

void lsp_did_open(struct lsp_server *s, const json_t *params)
{
	const char *uri = doc_uri(params);
	const json_t *text = json_object_get(json_object_get(params, "textDocument"), "text");
	if (uri && json_is_string(text) &&
	    lsp_docs_set(&s->docs, uri, json_string_value(text), json_string_length(text)))
		lsp_log(s, 1, "out of memory keeping %s", uri);
}

/* Full sync (what initialize asked for): the last change is the whole text. */
void lsp_did_change(struct lsp_server *s, const json_t *params)
{
	const char *uri = doc_uri(params);
	const json_t *changes = json_object_get(params, "contentChanges");
	const json_t *last = json_array_get(changes, json_array_size(changes) - 1);
	const json_t *text = json_object_get(last, "text");
	if (!uri || !json_is_string(text))
		return;
	/* a ranged change, from a client that ignored our choice: the text
	 * kept would be wrong, so forget it and read the file instead */
	if (json_object_get(last, "range")) {
		lsp_docs_remove(&s->docs, uri);
		return;
	}
	if (lsp_docs_set(&s->docs, uri, json_string_value(text), json_string_length(text)))
		lsp_log(s, 1, "out of memory keeping %s", uri);
}

void lsp_did_close(struct lsp_server *s, const json_t *params)
{
	const char *uri = doc_uri(params);
	if (uri)
		lsp_docs_remove(&s->docs, uri);
}

/* Reindex the note at uri; what went wrong goes to the editor's log. */
static void reindex(struct lsp_server *s, const char *uri)
{
	char *path = NULL;
	struct buf err;
	if (!uri || lsp_path_from_uri(uri, &path))
		return;
	buf_init(&err, 4096);
	lec_status st = lsp_backend_reindex(&s->be, path, &err);
	if (st == LEC_ENOTFOUND)
		lsp_log(s, 4, "lectern: %s", err.len ? err.data : path);
	else if (st)
		lsp_log(s, 2, "lectern: reindex of %s failed: %s", path,
			err.len ? err.data : lec_status_str(st));
	else
		lsp_log(s, 4, "lectern: reindexed %s", path);
	buf_release(&err);
	free(path);
}

void lsp_did_save(struct lsp_server *s, const json_t *params)
{
	reindex(s, doc_uri(params));
}

void lsp_did_change_watched(struct lsp_server *s, const json_t *params)
{
	const json_t *changes = json_object_get(params, "changes"), *c;
	size_t i;
	json_array_foreach(changes, i, c)
		reindex(s, json_string_value(json_object_get(c, "uri")));
}
