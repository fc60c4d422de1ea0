/* xap.h - the C API over libxapian. Implemented in xap.cc, the only C++ file.
 *
 * Conventions (notmuch and libgit2 style):
 *  - Every call that can fail returns lec_status. No C++ exception ever
 *    crosses this boundary: Xapian errors, std::bad_alloc and anything else
 *    become statuses, and the handle keeps the last error message
 *    (xap_db_error, xap_doc_error).
 *  - Out-parameters come last. A `char **` or `T **` out-parameter is owned
 *    by the caller and freed with free() / the matching *_free.
 *  - Every *_free(NULL) is a no-op.
 *  - Query constructors take `lec_status *rc` (SQLite FTS5 style): when *rc
 *    is not LEC_OK they do nothing and return NULL; on failure they set *rc.
 *    A long build checks once at the end. A NULL subquery argument with
 *    *rc == LEC_OK sets LEC_EINVAL.
 *  - Terms, keys and values are byte strings with explicit lengths where they
 *    may hold NULs; plain `const char *` arguments are NUL-terminated.
 */
#ifndef LECTERN_XAP_H
#define LECTERN_XAP_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t xap_docid;

typedef struct xap_db xap_db;
typedef struct xap_doc xap_doc;
typedef struct xap_query xap_query;
typedef struct xap_mset xap_mset;

/* ---- databases ---------------------------------------------------------- */

enum xap_open_mode {
	XAP_OPEN_READ = 0,  /* read-only; a path may be a database directory or a stub file */
	XAP_OPEN_WRITE,     /* writable, must exist */
	XAP_OPEN_CREATE,    /* writable, create if missing, open if present */
	XAP_OPEN_OVERWRITE, /* writable, create anew */
	/* or'ed into a writable mode: commits are not synced to disk (Xapian's
	 * DB_NO_SYNC). For a database nothing reads until it is copied into
	 * place by a compaction, which syncs: a killed process loses nothing
	 * committed, a lost machine may. */
	XAP_OPEN_NO_SYNC = 0x100,
};

/* Allocate an unopened handle; NULL when out of memory. Free with xap_db_free. */
xap_db *xap_db_new(void);

/* Open `path` in `mode`. A writer takes Xapian's lock: LEC_ELOCKED when
 * another writer holds it. LEC_ENOTFOUND when a read-only path does not exist. */
lec_status xap_db_open(xap_db *db, const char *path, enum xap_open_mode mode);

/* Read-only handles only: add another database (directory or stub file) so
 * that one handle searches several as one. */
lec_status xap_db_add_database(xap_db *db, const char *path);

/* Open the database a `xapian-tcpsrv` serves at host:port, read-only.
 * `timeout_ms` bounds each later operation and `connect_timeout_ms` the
 * connection (LEC_ENETWORK when either passes, or the server is down). */
lec_status xap_db_open_remote(xap_db *db, const char *host, unsigned port, unsigned timeout_ms,
			      unsigned connect_timeout_ms);

/* Add the database(s) of the open read-only handle `src` to `db`, which
 * becomes a read-only handle searching them all as one (an unopened `db`
 * starts empty). `src` stays usable and must still be freed. */
lec_status xap_db_add_db(xap_db *db, const xap_db *src);

/* Pick up the latest committed revision (readers). LEC_OK if nothing changed too. */
lec_status xap_db_reopen(xap_db *db);

/* Commit pending changes (if writable) and close; the handle can be reopened. */
lec_status xap_db_close(xap_db *db);
void xap_db_free(xap_db *db);

/* The message of the last failed call on this handle ("" if none). Valid
 * until the next call on the handle. */
const char *xap_db_error(const xap_db *db);

/* Writable handles. A transaction's changes become visible to readers
 * together, at xap_db_commit_transaction. Outside a transaction xap_db_commit
 * commits. */
lec_status xap_db_begin_transaction(xap_db *db);
lec_status xap_db_commit_transaction(xap_db *db);
lec_status xap_db_cancel_transaction(xap_db *db);
lec_status xap_db_commit(xap_db *db);

/* Write a compacted copy of the committed revision of `db` (any handle on a
 * single local database) to the new directory `out_dir`, keeping docids and
 * metadata: Xapian fills every block, where an index written in many
 * commits leaves them about half full. `db` is unchanged. On failure
 * `out_dir` may hold a partial copy; the caller removes it. */
lec_status xap_db_compact(xap_db *db, const char *out_dir);

/* ---- checking ------------------------------------------------------------ */

/* Xapian's consistency check (Xapian::Database::check) of the local
 * database at `path`: *errors the problems found (0: none; a check that
 * cannot go on, as on a truncated file, counts one). *what (may be NULL)
 * gets the first problem in Xapian's words and *table (may be NULL) the
 * file it is in ("postlist.glass"; NULL when not known); both malloc'd,
 * owned by the caller, NULL when there is no problem. */
lec_status xap_check(const char *path, size_t *errors, char **what, char **table);

/* ---- statistics --------------------------------------------------------- */

lec_status xap_db_doccount(xap_db *db, uint32_t *out);
lec_status xap_db_lastdocid(xap_db *db, xap_docid *out);
lec_status xap_db_avlength(xap_db *db, double *out);
lec_status xap_db_termfreq(xap_db *db, const char *term, size_t len, uint32_t *out);
lec_status xap_db_collection_freq(xap_db *db, const char *term, size_t len, uint64_t *out);
lec_status xap_db_term_exists(xap_db *db, const char *term, size_t len, int *out);
lec_status xap_db_revision(xap_db *db, uint64_t *out); /* 0 for multi-db handles */

/* Visit every term starting with `prefix` in byte order; `cb` returns nonzero
 * to stop (then LEC_ESTOP is returned). */
typedef int (*xap_term_cb)(void *ctx, const char *term, size_t len, uint32_t termfreq);
lec_status xap_db_allterms(xap_db *db, const char *prefix, size_t plen, xap_term_cb cb, void *ctx);

/* Positions of `term` in document `docid`, ascending. *out is malloc'd and
 * owned by the caller (NULL with *n == 0 when the term has no positions). */
lec_status xap_db_positions(xap_db *db, xap_docid docid, const char *term, size_t len,
			    uint32_t **out, size_t *n);

/* Every document holding `term` (ascending docids). *out owned by caller. */
lec_status xap_db_postings(xap_db *db, const char *term, size_t len, xap_docid **out, size_t *n);

/* ---- documents ---------------------------------------------------------- */

/* A document being built or read. Building calls are sticky: after the first
 * failure they do nothing and the failure is reported by the call that uses
 * the document (xap_db_add_document...) and by xap_doc_status. */
xap_doc *xap_doc_new(void);
void xap_doc_free(xap_doc *doc);
void xap_doc_clear(xap_doc *doc); /* reuse for the next document */
lec_status xap_doc_status(const xap_doc *doc);
const char *xap_doc_error(const xap_doc *doc);

void xap_doc_add_posting(xap_doc *doc, const char *term, size_t len, uint32_t pos, uint32_t wdfinc);
void xap_doc_add_term(xap_doc *doc, const char *term, size_t len, uint32_t wdfinc);
void xap_doc_add_boolean_term(xap_doc *doc, const char *term, size_t len);
void xap_doc_set_value(xap_doc *doc, unsigned slot, const char *val, size_t len);
void xap_doc_set_data(xap_doc *doc, const char *data, size_t len);

lec_status xap_db_add_document(xap_db *db, xap_doc *doc, xap_docid *out_docid);
lec_status xap_db_replace_document(xap_db *db, xap_docid docid, xap_doc *doc);
/* Replace every document indexed by `unique_term` with `doc` (adds if none). */
lec_status xap_db_replace_document_by_term(xap_db *db, const char *unique_term, size_t len,
					   xap_doc *doc, xap_docid *out_docid);
lec_status xap_db_delete_document(xap_db *db, xap_docid docid);
/* Delete every document holding `term`; absent term is LEC_OK. */
lec_status xap_db_delete_documents_by_term(xap_db *db, const char *term, size_t len);

/* Stored data / a value of a document: *out malloc'd (NUL-terminated for
 * convenience, *len excludes the NUL), owned by the caller. LEC_ENOTFOUND
 * for a missing docid; a missing value is "" with *len == 0. */
lec_status xap_db_document_data(xap_db *db, xap_docid docid, char **out, size_t *len);
lec_status xap_db_document_value(xap_db *db, xap_docid docid, unsigned slot, char **out,
				 size_t *len);

/* A value to read ahead: slot `slot` of document `docid`. */
struct xap_value_key {
	unsigned slot;
	xap_docid docid;
};
/* Read the values keys[0..n), sorted by slot then docid, into a read-only
 * handle's value cache, where xap_db_document_value then finds them: each
 * slot's through one pass of Xapian's value stream. Why: Xapian 1.4 reads
 * a single value by a B-tree lookup that reads its blocks again every time
 * (python3-xapian: 1,920 values of a 24-block table read 923 blocks, in
 * slot and docid order), where a stream reads each block once (42). Only
 * a slot with at least 3 values not yet kept is streamed (a stream's start
 * costs a lookup); as many as the cache holds are kept. Documents of a remote shard must not
 * be among them (a stream would fetch the whole slot). No-op on a writable
 * handle; LEC_EINVAL when keys are out of order. */
lec_status xap_db_read_values_ahead(xap_db *db, const struct xap_value_key *keys, size_t n);

/* ---- metadata ----------------------------------------------------------- */

/* An empty value deletes the key (Xapian semantics). */
lec_status xap_db_set_metadata(xap_db *db, const char *key, size_t klen, const char *val,
			       size_t vlen);
/* *out malloc'd, NUL-terminated, owned by caller; a missing key gives "" (len 0). */
lec_status xap_db_get_metadata(xap_db *db, const char *key, size_t klen, char **out, size_t *len);
typedef int (*xap_kv_cb)(void *ctx, const char *key, size_t klen, const char *val, size_t vlen);
/* Visit every metadata key starting with `prefix`, with its value. */
lec_status xap_db_metadata_each(xap_db *db, const char *prefix, size_t plen, xap_kv_cb cb,
				void *ctx);

/* ---- spelling ----------------------------------------------------------- */

lec_status xap_db_add_spelling(xap_db *db, const char *word, size_t len, uint32_t freqinc);
/* Best correction within `max_edit_distance` edits, or "" when none. *out
 * malloc'd, owned by caller. */
lec_status xap_db_spelling_suggest(xap_db *db, const char *word, size_t len,
				   unsigned max_edit_distance, char **out);

/* Visit the value of `key` in every database of the handle (each shard of
 * a combined handle, remote ones included; a combined handle's own
 * xap_db_get_metadata answers from its first database only), skipping
 * databases without it. */
lec_status xap_db_metadata_parts(xap_db *db, const char *key, size_t klen, xap_kv_cb cb, void *ctx);

/* Visit the terms of document `docid` that start with `prefix`, in byte
 * order, with their wdf in place of the termfreq. LEC_ENOTFOUND for a
 * missing docid. */
lec_status xap_db_doc_terms(xap_db *db, xap_docid docid, const char *prefix, size_t plen,
			    xap_term_cb cb, void *ctx);

/* ---- queries ------------------------------------------------------------ */

enum xap_op {
	XAP_OP_AND,
	XAP_OP_OR,
	XAP_OP_AND_NOT,   /* first minus the union of the others */
	XAP_OP_AND_MAYBE, /* first, weighted up by the others */
	XAP_OP_FILTER,    /* first, restricted to the others, unweighted */
	XAP_OP_XOR,
	XAP_OP_SYNONYM,
	XAP_OP_MAX,
};

/* Every query is a reference-counted handle: combining queries does not take
 * ownership of the subqueries, so each must still be xap_query_free'd. */
void xap_query_free(xap_query *q);

xap_query *xap_query_term(lec_status *rc, const char *term, size_t len, uint32_t wqf);
xap_query *xap_query_match_all(lec_status *rc);
xap_query *xap_query_match_nothing(lec_status *rc);
xap_query *xap_query_combine(lec_status *rc, enum xap_op op, xap_query *const *subs, size_t n);
/* Terms in order within `window` positions (0 means n: consecutive). */
xap_query *xap_query_phrase(lec_status *rc, const char *const *terms, const size_t *lens, size_t n,
			    uint32_t window);
/* Terms in any order within `window` positions. */
xap_query *xap_query_near(lec_status *rc, const char *const *terms, const size_t *lens, size_t n,
			  uint32_t window);
/* Every term starting with `prefix` (OR'ed), at most `max_expansion` terms
 * (most frequent kept); 0 = LEC_MAX_WILDCARD_EXPANSION. */
xap_query *xap_query_wildcard(lec_status *rc, const char *prefix, size_t len,
			      uint32_t max_expansion);
/* The same over the terms `db` holds now: the `max_expansion` most frequent
 * terms starting with `prefix` (0 = LEC_MAX_WILDCARD_EXPANSION), as one
 * synonym. Xapian expands OP_WILDCARD in each shard of a multi-database on
 * its own, so the weights of xap_query_wildcard differ between one index and
 * its shards; expanding here over the whole set, into a synonym whose shape
 * no shard can change (see synonym_tree in xap.cc), keeps them equal. */
xap_query *xap_query_wildcard_in(lec_status *rc, xap_db *db, const char *prefix, size_t len,
				 uint32_t max_expansion);
/* Documents whose value in `slot` is within [lo, hi] by byte order. A NULL
 * lo or hi leaves that end open. */
xap_query *xap_query_value_range(lec_status *rc, unsigned slot, const char *lo, const char *hi);
xap_query *xap_query_scale(lec_status *rc, xap_query *q, double factor);

/* Xapian's description of the query; malloc'd, owned by caller; NULL on OOM. */
char *xap_query_describe(const xap_query *q);

/* ---- searching ---------------------------------------------------------- */

struct xap_search_opts {
	uint32_t offset;
	uint32_t limit;          /* 0 = no documents, only the estimates */
	uint32_t check_at_least; /* 0 = Xapian's default */
	int collapse_slot;       /* -1 = no collapsing; else one result per value */
	int sort_by_docid;       /* nonzero: ascending docid order, no ranking */
	double bm25_k1, bm25_k2, bm25_k3, bm25_b, bm25_min_normlen; /* all 0 = defaults */
};
/* Defaults: offset 0, limit 10, collapse -1, BM25 defaults. */
void xap_search_opts_init(struct xap_search_opts *o);

lec_status xap_db_search(xap_db *db, const xap_query *q, const struct xap_search_opts *o,
			 xap_mset **out);

uint32_t xap_mset_size(const xap_mset *m);
uint32_t xap_mset_estimated(const xap_mset *m);
uint32_t xap_mset_lower_bound(const xap_mset *m);
uint32_t xap_mset_upper_bound(const xap_mset *m);
xap_docid xap_mset_docid(const xap_mset *m, uint32_t i);
double xap_mset_weight(const xap_mset *m, uint32_t i);
int xap_mset_percent(const xap_mset *m, uint32_t i);
uint32_t xap_mset_collapse_count(const xap_mset *m, uint32_t i);
/* The document data of result i; *out malloc'd, owned by caller. */
lec_status xap_mset_data(xap_mset *m, uint32_t i, char **out, size_t *len);
void xap_mset_free(xap_mset *m);

#ifdef __cplusplus
}
#endif

#endif
