/* query-int.h - what query.c (the parser) and query-ast.c (the tree: arena,
 * node building, explain, relax) share. Not for other modules: they use
 * query.h. */
#ifndef LECTERN_QUERY_INT_H
#define LECTERN_QUERY_INT_H

#include <stddef.h>

#include "query.h"

struct qp_chunk;

/* An AST owns one arena; every node, word and string lives in it. */
struct qp_ast {
	struct qp_node *root;
	struct qp_chunk *chunks;
	char *warnings; /* in the arena; NULL when none (qp_warnings) */
};

/* A new, empty AST (root NULL); NULL when out of memory. qp_free frees it. */
qp_ast *qp_ast_new(void);

/* Zeroed, 16-byte aligned memory from the AST's arena; NULL when out of memory. */
void *qp_arena_alloc(qp_ast *a, size_t n);
/* A NUL-terminated copy of s[0..n) in the arena. */
char *qp_arena_strndup(qp_ast *a, const char *s, size_t n);

/* Node builders: all return NULL only when out of memory. */
struct qp_node *qp_node_new(qp_ast *a, enum qp_kind kind, size_t off, size_t srclen);
/* A node over copies of words[0..n) (the word strings are not copied). */
struct qp_node *qp_words_node(qp_ast *a, enum qp_kind kind, const struct qp_word *words, size_t n,
			      size_t off, size_t srclen);
/* AND / OR of kids[0..n): QP_EMPTY kids dropped, same-kind kids merged, a
 * single kid returned as is, no kid gives QP_EMPTY. */
struct qp_node *qp_group_node(qp_ast *a, enum qp_kind kind, struct qp_node *const *kids, size_t n,
			      size_t off, size_t srclen);
/* A NOT or FIELD node over one kid. */
struct qp_node *qp_wrap_node(qp_ast *a, enum qp_kind kind, struct qp_node *kid);

/* A growable, malloc'd array of node pointers (free(v) when done). */
struct nodevec {
	struct qp_node **v;
	size_t n, cap;
};
/* 0, or -1 when out of memory. */
int qp_nodevec_push(struct nodevec *nv, struct qp_node *n);

#endif
