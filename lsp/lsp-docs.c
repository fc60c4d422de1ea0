/* lsp-docs.c - the open documents' text. */
#include "lsp-docs.h"

#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "vec.h"

void lsp_docs_init(struct lsp_docs *d)
{
	memset(d, 0, sizeof(*d));
}

static void doc_free(struct lsp_doc *doc)
{
	free(doc->uri);
	free(doc->text);
}

void lsp_docs_release(struct lsp_docs *d)
{
	for (size_t i = 0; i < d->n; i++)
		doc_free(&d->v[i]);
	free(d->v);
	lsp_docs_init(d);
}

static struct lsp_doc *find(const struct lsp_docs *d, const char *uri)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->v[i].uri, uri))
			return &d->v[i];
	return NULL;
}

const struct lsp_doc *lsp_docs_get(const struct lsp_docs *d, const char *uri)
{
	return find(d, uri);
}

void lsp_docs_remove(struct lsp_docs *d, const char *uri)
{
	struct lsp_doc *doc = find(d, uri);
	if (!doc)
		return;
	doc_free(doc);
	size_t i = (size_t)(doc - d->v);
	memmove(doc, doc + 1, (d->n - i - 1) * sizeof(*doc));
	d->n--;
}

lec_status lsp_docs_set(struct lsp_docs *d, const char *uri, const char *text, size_t len)
{
	char *copy = malloc(len + 1);
	if (!copy)
		return LEC_ENOMEM;
	memcpy(copy, text, len);
	copy[len] = '\0';
	struct lsp_doc *doc = find(d, uri);
	if (doc) {
		free(doc->text);
		doc->text = copy;
		doc->len = len;
		return LEC_OK;
	}
	if (d->n == LEC_LSP_MAX_DOCS)
		lsp_docs_remove(d, d->v[0].uri);
	struct lsp_doc *v = vec_reserve(d->v, &d->cap, d->n + 1, sizeof(*v), 8);
	char *u = strdup(uri);
	if (!v || !u) {
		free(copy);
		free(u);
		return LEC_ENOMEM;
	}
	d->v = v;
	d->v[d->n++] = (struct lsp_doc){ u, copy, len };
	return LEC_OK;
}
