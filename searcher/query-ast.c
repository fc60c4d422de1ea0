/* query-ast.c - the query tree: its arena, node building, qp_explain,
 * qp_relax and qp_words. The parser is in query.c.
 *
 * Every function here that walks the tree recurses; the parser bounds the
 * depth (parentheses to LEC_MAX_QUERY_DEPTH, NOT chains collapsed).
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "query-int.h"
#include "vec.h"

/* ---- arena: every node and string of one AST -------------------------- */

struct qp_chunk {
	struct qp_chunk *next;
	size_t used, cap;
	max_align_t data[];
};

#define CHUNK_BYTES 16384

void *qp_arena_alloc(qp_ast *a, size_t n)
{
	struct qp_chunk *c = a->chunks;

	n = (n + 15) & ~(size_t)15;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > CHUNK_BYTES ? n : CHUNK_BYTES;

		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->cap = cap;
		c->used = 0;
		c->next = a->chunks;
		a->chunks = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

char *qp_arena_strndup(qp_ast *a, const char *s, size_t n)
{
	char *d = qp_arena_alloc(a, n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

qp_ast *qp_ast_new(void)
{
	return calloc(1, sizeof(qp_ast));
}

void qp_free(qp_ast *ast)
{
	if (!ast)
		return;
	for (struct qp_chunk *c = ast->chunks, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(ast);
}

const struct qp_node *qp_root(const qp_ast *ast)
{
	return ast ? ast->root : NULL;
}

int qp_is_empty(const qp_ast *ast)
{
	return !ast || !ast->root || ast->root->kind == QP_EMPTY;
}

/* ---- node building (shared by the parser and qp_relax) ---------------- */

struct qp_node *qp_node_new(qp_ast *a, enum qp_kind kind, size_t off, size_t srclen)
{
	struct qp_node *n = qp_arena_alloc(a, sizeof(*n));

	if (n) {
		n->kind = kind;
		n->off = off;
		n->srclen = srclen;
	}
	return n;
}

/* A node over copies of words[0..n). */
struct qp_node *qp_words_node(qp_ast *a, enum qp_kind kind, const struct qp_word *words, size_t n,
			      size_t off, size_t srclen)
{
	struct qp_node *node = qp_node_new(a, kind, off, srclen);

	if (!node)
		return NULL;
	node->words = qp_arena_alloc(a, n * sizeof(*words));
	if (!node->words)
		return NULL;
	memcpy(node->words, words, n * sizeof(*words));
	node->nwords = n;
	return node;
}

/* Can `k` be merged into a parent of kind `kind`? (a AND (b AND c)) */
static int flattens(const struct qp_node *k, enum qp_kind kind)
{
	return k->kind == kind && !(k->flags & QP_NODE_REQUIRED);
}

/* AND / OR of kids[0..n): empty kids dropped, same-kind kids merged, one
 * kid returned as is, none gives QP_EMPTY. */
struct qp_node *qp_group_node(qp_ast *a, enum qp_kind kind, struct qp_node *const *kids, size_t n,
			      size_t off, size_t srclen)
{
	size_t total = 0, j = 0;
	struct qp_node *g, *only = NULL;

	for (size_t i = 0; i < n; i++) {
		if (kids[i]->kind == QP_EMPTY)
			continue;
		total += flattens(kids[i], kind) ? kids[i]->nkids : 1;
		only = kids[i];
	}
	if (total == 0)
		return qp_node_new(a, QP_EMPTY, off, srclen);
	if (total == 1 && !flattens(only, kind))
		return only;
	g = qp_node_new(a, kind, off, srclen);
	if (!g || !(g->kids = qp_arena_alloc(a, total * sizeof(*g->kids))))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (kids[i]->kind == QP_EMPTY)
			continue;
		if (flattens(kids[i], kind)) {
			memcpy(g->kids + j, kids[i]->kids, kids[i]->nkids * sizeof(*g->kids));
			j += kids[i]->nkids;
		} else {
			g->kids[j++] = kids[i];
		}
	}
	g->nkids = total;
	return g;
}

struct qp_node *qp_wrap_node(qp_ast *a, enum qp_kind kind, struct qp_node *kid)
{
	struct qp_node *n = qp_node_new(a, kind, kid->off, kid->srclen);

	if (!n || !(n->kids = qp_arena_alloc(a, sizeof(*n->kids))))
		return NULL;
	n->kids[0] = kid;
	n->nkids = 1;
	return n;
}

int qp_nodevec_push(struct nodevec *nv, struct qp_node *n)
{
	struct qp_node **v = vec_reserve(nv->v, &nv->cap, nv->n + 1, sizeof(*v), 8);

	if (!v)
		return -1;
	nv->v = v;
	nv->v[nv->n++] = n;
	return 0;
}

int qp_is_filter(const struct qp_node *n)
{
	if (n->kind == QP_TAG || n->kind == QP_YEAR || n->kind == QP_DATE)
		return 1;
	if (n->kind != QP_OR)
		return 0;
	for (size_t i = 0; i < n->nkids; i++)
		if (!qp_is_filter(n->kids[i]))
			return 0;
	return 1;
}

/* Only words, phrases, wildcards and NEARs: what relaxing may loosen. */
static int textual(const struct qp_node *n)
{
	switch (n->kind) {
	case QP_WORD:
	case QP_PHRASE:
	case QP_WILDCARD:
	case QP_NEAR:
	case QP_NOTHING:
		return 1;
	case QP_AND:
	case QP_OR:
		for (size_t i = 0; i < n->nkids; i++)
			if (!textual(n->kids[i]))
				return 0;
		return 1;
	default:
		return 0;
	}
}

/* ---- explain ----------------------------------------------------------- */

static const char *const field_labels[] = {
	[QP_FIELD_BODY] = "body",       [QP_FIELD_TITLE] = "title",     [QP_FIELD_PATH] = "path",
	[QP_FIELD_SPEAKER] = "speaker", [QP_FIELD_HEADING] = "heading",
};

static void explain_words(struct buf *b, const struct qp_node *n)
{
	for (size_t i = 0; i < n->nwords; i++)
		buf_printf(b, "%s\"%s\"", i ? " " : "", n->words[i].word);
}

static void explain_node(struct buf *b, const struct qp_node *n, enum qp_field field);

static void explain_kids(struct buf *b, const char *name, const struct qp_node *n,
			 enum qp_field field)
{
	buf_printf(b, "%s(", name);
	for (size_t i = 0; i < n->nkids; i++) {
		if (i)
			buf_putc(b, ' ');
		explain_node(b, n->kids[i], field);
	}
	buf_putc(b, ')');
}

static void explain_word(struct buf *b, const struct qp_node *n, enum qp_field field)
{
	const struct qp_word *w = &n->words[0];

	if (field == QP_FIELD_BODY || field == QP_FIELD_TITLE || field == QP_FIELD_HEADING)
		buf_printf(b, "WORD(%s~%s)", w->word, w->stem);
	else
		buf_printf(b, "WORD(%s)", w->word);
}

static void explain_node(struct buf *b, const struct qp_node *n, enum qp_field field)
{
	if (n->flags & QP_NODE_REQUIRED)
		buf_putc(b, '+');
	switch (n->kind) {
	case QP_EMPTY:
		buf_puts(b, "EMPTY");
		break;
	case QP_NOTHING:
		buf_puts(b, "NOTHING");
		break;
	case QP_WORD:
		explain_word(b, n, field);
		break;
	case QP_PHRASE:
		buf_puts(b, "PHRASE(");
		explain_words(b, n);
		buf_putc(b, ')');
		break;
	case QP_WILDCARD:
		buf_printf(b, "WILDCARD(%s*)", n->words[0].word);
		break;
	case QP_NEAR:
		buf_printf(b, "NEAR/%u(", (unsigned)n->distance);
		explain_words(b, n);
		buf_putc(b, ')');
		break;
	case QP_AND:
		explain_kids(b, "AND", n, field);
		break;
	case QP_OR:
		explain_kids(b, "OR", n, field);
		break;
	case QP_NOT:
		explain_kids(b, "NOT", n, field);
		break;
	case QP_FIELD:
		buf_printf(b, "FIELD(%s: ", field_labels[n->field]);
		explain_node(b, n->kids[0], n->field);
		buf_putc(b, ')');
		break;
	case QP_TAG:
		buf_printf(b, "TAG(\"%s\")", n->value);
		break;
	case QP_YEAR:
		buf_printf(b, "YEAR(%s)", n->value);
		break;
	case QP_DATE:
		buf_printf(b, "DATE(%s..%s)", n->lo ? n->lo : "", n->hi ? n->hi : "");
		break;
	}
}

const char *qp_warnings(const qp_ast *ast)
{
	return ast ? ast->warnings : NULL;
}

char *qp_explain(const qp_ast *ast)
{
	struct buf b;

	if (!ast || !ast->root)
		return NULL;
	buf_init(&b, 0);
	explain_node(&b, ast->root, QP_FIELD_BODY);
	return buf_detach(&b);
}

/* ---- relax ------------------------------------------------------------- */

static struct qp_node *clone_node(qp_ast *a, const struct qp_node *n);

static int clone_words(qp_ast *a, struct qp_word *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		w[i].word = qp_arena_strndup(a, w[i].word, w[i].len);
		w[i].stem = qp_arena_strndup(a, w[i].stem, w[i].stem_len);
		if (!w[i].word || !w[i].stem)
			return -1;
	}
	return 0;
}

/* A deep copy of n into arena a (depth bounded by the parser). */
static struct qp_node *clone_node(qp_ast *a, const struct qp_node *n)
{
	struct qp_node *c = qp_node_new(a, n->kind, n->off, n->srclen);

	if (!c)
		return NULL;
	*c = *n;
	if (n->nwords && (!(c->words = qp_arena_alloc(a, n->nwords * sizeof(*c->words))) ||
			  (memcpy(c->words, n->words, n->nwords * sizeof(*c->words)),
			   clone_words(a, c->words, n->nwords))))
		return NULL;
	if (n->nkids && !(c->kids = qp_arena_alloc(a, n->nkids * sizeof(*c->kids))))
		return NULL;
	for (size_t i = 0; i < n->nkids; i++)
		if (!(c->kids[i] = clone_node(a, n->kids[i])))
			return NULL;
	if ((n->value && !(c->value = qp_arena_strndup(a, n->value, strlen(n->value)))) ||
	    (n->lo && !(c->lo = qp_arena_strndup(a, n->lo, strlen(n->lo)))) ||
	    (n->hi && !(c->hi = qp_arena_strndup(a, n->hi, strlen(n->hi)))))
		return NULL;
	return c;
}

/* The relaxed query being built: some of the words, and what stays required. */
struct relax {
	qp_ast *a;
	struct nodevec ors, keep;
	int changed; /* a phrase or NEAR was broken into words */
};

/* Put the words of a PHRASE or NEAR into `ors` as bare WORDs. */
static int relax_words(struct relax *rx, const struct qp_node *n)
{
	for (size_t i = 0; i < n->nwords; i++) {
		struct qp_word w = n->words[i];
		struct qp_node *k;

		if (clone_words(rx->a, &w, 1) ||
		    !(k = qp_words_node(rx->a, QP_WORD, &w, 1, w.off, w.srclen)) ||
		    qp_nodevec_push(&rx->ors, k))
			return -1;
	}
	rx->changed = 1;
	return 0;
}

/* Sort one part of the query: some of the words, or required. */
static int relax_part(struct relax *rx, const struct qp_node *n)
{
	struct qp_node *c;

	if (!(n->flags & QP_NODE_REQUIRED) && (n->kind == QP_PHRASE || n->kind == QP_NEAR))
		return relax_words(rx, n);
	if (!(c = clone_node(rx->a, n)))
		return -1;
	if (!(n->flags & QP_NODE_REQUIRED) && textual(n))
		return qp_nodevec_push(&rx->ors, c);
	return qp_nodevec_push(&rx->keep, c);
}

/* AND(OR(words...), required...), or NULL (rx->changed tells why). */
static struct qp_node *relax_root(struct relax *rx, const struct qp_node *root)
{
	struct qp_node * or, *r = NULL;
	size_t n = root->kind == QP_AND ? root->nkids : 1;
	const struct qp_node *const *parts =
		root->kind == QP_AND ? (const struct qp_node *const *)root->kids : &root;

	for (size_t i = 0; i < n; i++)
		if (relax_part(rx, parts[i]))
			goto out;
	if (rx->ors.n >= 2)
		rx->changed = 1;
	if (!(or = qp_group_node(rx->a, QP_OR, rx->ors.v, rx->ors.n, root->off, root->srclen)))
		goto out;
	/* the words first, where they usually were */
	if (qp_nodevec_push(&rx->keep, or))
		goto out;
	memmove(rx->keep.v + 1, rx->keep.v, (rx->keep.n - 1) * sizeof(*rx->keep.v));
	rx->keep.v[0] = or ;
	r = qp_group_node(rx->a, QP_AND, rx->keep.v, rx->keep.n, root->off, root->srclen);
out:
	free(rx->ors.v);
	free(rx->keep.v);
	return r;
}

lec_status qp_relax(const qp_ast *ast, qp_ast **out)
{
	struct relax rx = { 0 };
	struct qp_node *root;

	if (!out || !ast || !ast->root)
		return LEC_EINVAL;
	*out = NULL;
	if (!(rx.a = qp_ast_new()))
		return LEC_ENOMEM;
	root = relax_root(&rx, ast->root);
	if (!root) {
		qp_free(rx.a);
		return LEC_ENOMEM;
	}
	if (!rx.changed) {
		qp_free(rx.a);
		return LEC_OK;
	}
	rx.a->root = root;
	*out = rx.a;
	return LEC_OK;
}

/* ---- words for spelling ------------------------------------------------ */

static int words_node_visit(const struct qp_node *n, qp_word_cb cb, void *ctx)
{
	switch (n->kind) {
	case QP_WORD:
	case QP_PHRASE:
	case QP_NEAR:
		for (size_t i = 0; i < n->nwords; i++)
			if (cb(ctx, &n->words[i]))
				return 1;
		return 0;
	case QP_AND:
	case QP_OR:
		for (size_t i = 0; i < n->nkids; i++)
			if (words_node_visit(n->kids[i], cb, ctx))
				return 1;
		return 0;
	default:
		return 0;
	}
}

lec_status qp_words(const qp_ast *ast, qp_word_cb cb, void *ctx)
{
	if (!ast || !ast->root || !cb)
		return LEC_EINVAL;
	return words_node_visit(ast->root, cb, ctx) ? LEC_ESTOP : LEC_OK;
}
