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

/* Reindex the notes at paths[0 .. n); what happened goes to the editor's
 * log. */
static void reindex(struct lsp_server *s, char *const *paths, size_t n)
{
	struct buf err;
	size_t taken = 0;
	if (!n)
		return;
	buf_init(&err, 4096);
	lec_status st = lsp_backend_reindex(&s->be, paths, n, &taken, &err);
	if (st == LEC_ENOTFOUND)
		lsp_log(s, 4, "lectern: %s", err.len ? err.data : "nothing to reindex");
	else if (st)
		lsp_log(s, 2, "lectern: reindex of %s%s failed: %s", paths[0],
			n > 1 ? " and others" : "", err.len ? err.data : lec_status_str(st));
	else if (n == 1)
		lsp_log(s, 4, "lectern: reindexed %s", paths[0]);
	else
		lsp_log(s, 4, "lectern: reindexed %zu of %zu changed files", taken, n);
	buf_release(&err);
}

void lsp_did_save(struct lsp_server *s, const json_t *params)
{
	char *path = NULL;
	const char *uri = doc_uri(params);
	if (uri && lsp_path_from_uri(uri, &path) == LEC_OK)
		reindex(s, &path, 1);
	free(path);
}

/* Every change of the notification in one reindex: a checkout that
 * changed a thousand notes is one run, not a thousand. */
void lsp_did_change_watched(struct lsp_server *s, const json_t *params)
{
	const json_t *changes = json_object_get(params, "changes"), *c;
	char **paths = calloc(json_array_size(changes) + 1, sizeof(char *));
	size_t i, n = 0;
	if (!paths)
		return;
	json_array_foreach(changes, i, c)
	{
		const char *uri = json_string_value(json_object_get(c, "uri"));
		if (uri && lsp_path_from_uri(uri, &paths[n]) == LEC_OK)
			n++;
	}
	reindex(s, paths, n);
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}
