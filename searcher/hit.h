/* hit.h - a matching passage as a result: its file, line, column, heading
 * path, snippet and highlights.
 *
 * The index gives the passage's record (byte range, hash, segment map,
 * headings; common/ptable.h) and the positions of its matches
 * (searcher/pmatch.h); the bytes come from the file itself. Only the blocks
 * that hold a match are tokenized again, to turn positions into byte
 * offsets (SQLite FTS5's way). A file that changed since indexing is
 * parsed again and the passage found by matching its text (match.h).
 */
#ifndef LECTERN_HIT_H
#define LECTERN_HIT_H

#include <stddef.h>
#include <stdint.h>

#include "match.h"
#include "pmatch.h"
#include "rootmap.h"
#include "search.h"
#include "xap.h"

struct hit_reader;
struct note_cache;

/* *out owned by the caller (hit_reader_free); one per search (one thread).
 * whole_notes: the search takes many hits (every passage, occurrences, a
 * page over LEC_LIGHT_HITS), so that a note of at most LEC_WHOLE_NOTE_BYTES
 * is read whole by its first hit and kept for its others; else each hit
 * reads the window around its passage (a page of ten reads ten windows, not
 * up to ten whole notes). notes: the searcher's kept notes (NULL: none),
 * from which a note it keeps is taken whole, with no read. */
lec_status hit_reader_new(struct hit_reader **out, int whole_notes, struct note_cache *notes);
void hit_reader_free(struct hit_reader *r);

/* What a hit is made from. */
struct hit_src {
	xap_db *db;
	xap_docid docid;
	const struct ptable_entry *entry; /* the passage's positions */
	uint32_t index;                   /* its number in the note */
	const struct pm_span *spans;      /* where it matches (may be none) */
	size_t nspans;
	match_query *mq;             /* the query as text matching, for a changed file */
	const struct qp_node *root;  /* the query (occurrences of a single phrase) */
	const struct rootmap *roots; /* the roots of the note's database: its key
	                                    * to its path (NULL: the key is shown) */
	int own_meta;                /* db's metadata holds the note's "f:" record (one local
	               * database, not shards): req->no_snippets may trust it */
};

/* The note record of src->docid: the language its passages were stemmed
 * in (static or the reader's storage; NULL when unknown). */
lec_status hit_note_language(struct hit_reader *r, xap_db *db, xap_docid docid, const char **lang);

/* The absolute path of the note `docid` (as hit_fill gives it: its key
 * under `roots`, or the key when roots is NULL or does not know it). *path
 * malloc'd, owned by the caller. */
lec_status hit_note_path(struct hit_reader *r, xap_db *db, xap_docid docid,
			 const struct rootmap *roots, char **path);

/* Fill h (zeroed by the caller) from src: path, title, date, headings,
 * speakers, line, column, snippet, highlights; occurrences and context
 * lines as `req` asks. A file that is gone or changed beyond finding the
 * passage gives a stale hit (h->stale, h->missing), not an error. */
lec_status hit_fill(struct hit_reader *r, const struct hit_src *src, const struct search_req *req,
		    struct search_hit *h);

#endif
