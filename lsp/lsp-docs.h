/* lsp-docs.h - the text of the documents the editor has open, as it last
 * sent it (textDocument/didOpen, didChange with full text), so that hover
 * and definition look at what the user sees, not at the file on disk.
 * At most LEC_LSP_MAX_DOCS are kept (the oldest opened goes first); a
 * document not kept is read from its file.
 */
#ifndef LECTERN_LSP_DOCS_H
#define LECTERN_LSP_DOCS_H

#include <stddef.h>

#include "status.h"

struct lsp_doc {
	char *uri;  /* owned */
	char *text; /* owned, NUL-terminated */
	size_t len;
};

struct lsp_docs {
	struct lsp_doc *v;
	size_t n, cap;
};

void lsp_docs_init(struct lsp_docs *d);
void lsp_docs_release(struct lsp_docs *d);
/* Keep a copy of text[0 .. len) as the document at uri (replacing it). */
lec_status lsp_docs_set(struct lsp_docs *d, const char *uri, const char *text, size_t len);
void lsp_docs_remove(struct lsp_docs *d, const char *uri);
/* The document at uri, or NULL (borrowed: valid until the next change). */
const struct lsp_doc *lsp_docs_get(const struct lsp_docs *d, const char *uri);

#endif
