/* lectern.h - the lectern library: full-text search of meeting notes.
 *
 * One C API over the engine the `lectern` command uses: open an index,
 * bring it up to date with its note directories (its roots), run a query,
 * and walk the matching passages with their places (file, line, column,
 * heading path) and snippets. Built as liblectern.so.0 (`make`), which
 * exports these functions and nothing else; docs/library.md tells the
 * story, docs/examples/search.c shows a whole program.
 *
 * Conventions, for every function here:
 *  - A function that can fail returns a lectern_status_t; LECTERN_STATUS_SUCCESS
 *    is 0. The index handle keeps a message for its last failure
 *    (lectern_index_last_error); lectern_status_str names a status.
 *  - Ownership is stated with each function. Handles are freed by their
 *    own function (lectern_index_close, lectern_results_free), which
 *    accept NULL. Strings returned as `const char *` belong to the handle
 *    they came from and live as long as it does (or as the comment says);
 *    a `char **` out-parameter is the caller's, to free with free().
 *  - Out-parameters come last; on failure they are set to NULL or 0.
 *  - Nothing here prints, exits, or installs signal handlers.
 *  - Threads: a lectern_index_t and what comes from it belong to one
 *    thread at a time. Separate handles, on the same index or not, may be
 *    used by separate threads at once.
 *  - Strings are UTF-8; paths are given to the library as the OS takes
 *    them (relative ones against the current directory) and come back
 *    absolute. Lines and columns are 1-based; columns count bytes.
 */
#ifndef LECTERN_H
#define LECTERN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && defined(LECTERN_BUILDING_LIBRARY)
#define LECTERN_API __attribute__((visibility("default")))
#else
#define LECTERN_API
#endif

/* The version of this header; lectern_version() gives the library's. */
#define LECTERN_VERSION_MAJOR 0
#define LECTERN_VERSION_MINOR 2
#define LECTERN_VERSION_PATCH 0

/* ---- statuses ------------------------------------------------------------- */

typedef enum lectern_status {
	LECTERN_STATUS_SUCCESS = 0,
	LECTERN_STATUS_OUT_OF_MEMORY,    /* an allocation failed */
	LECTERN_STATUS_INVALID_ARGUMENT, /* NULL where a value is needed, a bad mode or flag */
	LECTERN_STATUS_IO_ERROR,         /* a system call failed (the message says which) */
	LECTERN_STATUS_NOT_FOUND,        /* no index there, or a root that does not exist */
	LECTERN_STATUS_LOCKED,           /* another process is writing the index */
	LECTERN_STATUS_CORRUPT,          /* the index is damaged (lectern status --verify) */
	LECTERN_STATUS_VERSION,          /* the index has another format: index it again */
	LECTERN_STATUS_LIMIT,            /* an input is over one of lectern's bounds */
	LECTERN_STATUS_SYNTAX,           /* the query cannot be parsed (strict queries only) */
	LECTERN_STATUS_NETWORK,          /* a remote shard failed */
	LECTERN_STATUS_PERMISSION,       /* permission denied */
	LECTERN_STATUS_TIMEOUT,          /* a time budget ran out */
	LECTERN_STATUS_READ_ONLY,        /* a write on an index opened read-only */
	LECTERN_STATUS_INTERNAL,         /* a broken invariant or an unexpected error */
	LECTERN_STATUS_LAST_STATUS       /* not a status: the number of them */
} lectern_status_t;

/* A static, human-readable name for `status` ("out of memory"); never
 * NULL (an unknown value gives "unknown status"). Owned by the library. */
LECTERN_API const char *lectern_status_str(lectern_status_t status);

/* The library's version, "MAJOR.MINOR.PATCH": static, owned by the library.
 * It is the API's (a MINOR for each addition), not lectern's own version:
 * a program built against this header works with a library whose MAJOR is
 * the same and whose MINOR is at least LECTERN_VERSION_MINOR. */
LECTERN_API const char *lectern_version(void);

/* ---- an index --------------------------------------------------------------- */

/* An index directory opened (opaque). */
typedef struct lectern_index lectern_index_t;

typedef enum lectern_mode {
	/* Search only. The index must exist: it is opened at once. */
	LECTERN_MODE_READ_ONLY = 0,
	/* Search, and bring the index up to date (lectern_index_add_roots,
	 * lectern_index_update). The index need not exist yet: the first
	 * update creates it. Nothing is locked while the handle is open: each
	 * update takes the index's writer lock for its run only, so another
	 * writer is LECTERN_STATUS_LOCKED then, not at open. */
	LECTERN_MODE_READ_WRITE = 1
} lectern_mode_t;

/* Open the index in directory `path` (the directory `lectern --index`
 * names: it holds "roots" and "xapian/"). On success *index is the
 * caller's, to close with lectern_index_close. On failure *index is NULL
 * and, when `error_message` is not NULL, *error_message is a message the
 * caller frees with free() (NULL if even that could not be allocated).
 *
 * Statuses: SUCCESS; INVALID_ARGUMENT (path or index NULL, an unknown
 * mode); NOT_FOUND (READ_ONLY and no index at path); CORRUPT, VERSION,
 * IO_ERROR (the index cannot be read); OUT_OF_MEMORY. */
LECTERN_API lectern_status_t lectern_index_open(const char *path, lectern_mode_t mode,
						lectern_index_t **index, char **error_message);

/* Close the index and free the handle. Results from it must be freed
 * first (lectern_results_free). NULL is a no-op. */
LECTERN_API void lectern_index_close(lectern_index_t *index);

/* The message of the last failed call on `index` ("" when none failed).
 * Owned by the handle; valid until the next call on it. */
LECTERN_API const char *lectern_index_last_error(const lectern_index_t *index);

/* The index directory, absolute. Owned by the handle. */
LECTERN_API const char *lectern_index_path(const lectern_index_t *index);

/* What an indexing run did (lectern_index_add_roots, lectern_index_update). */
typedef struct lectern_index_stats {
	uint64_t files; /* notes seen under the roots */
	uint64_t added, updated, removed, unchanged;
	uint64_t skipped;  /* binary, too large or unreadable files */
	uint64_t warnings; /* problems with single files (the run went on) */
	uint64_t passages; /* passages written */
} lectern_index_stats_t;

/* How an indexing run goes. Every field may be zero (or NULL): the
 * defaults of `lectern index`. */
typedef struct lectern_index_options {
	/* The stemming language of the roots given to lectern_index_add_roots
	 * ("english", "french", ... as Snowball names them), remembered with
	 * them; NULL: english, or what the root had. A note's own `lang:` wins. */
	const char *language;
	/* Worker threads: 0 is one per CPU (at most 8). */
	unsigned jobs;
	/* Called for each problem with a single file (or root); the run goes
	 * on. `path` and `message` live for the call only. The callback runs
	 * on the indexer's worker threads, one call at a time. May be NULL. */
	void (*warning)(void *context, const char *path, const char *message);
	void *warning_context;
} lectern_index_options_t;

/* Index the note directories roots[0 .. nroots) (each a new root of the
 * index, remembered, or a part of a root already known: only that part is
 * read again), then commit. Files already indexed and unchanged are not
 * read. `options` may be NULL (the defaults); `stats` may be NULL, else it
 * is filled (zeroed on failure). Searches on `index` after it see the new
 * state.
 *
 * Statuses: SUCCESS; INVALID_ARGUMENT (index or roots NULL, nroots 0);
 * READ_ONLY (the index was opened LECTERN_MODE_READ_ONLY); NOT_FOUND (a
 * root does not exist); LOCKED (another writer: nothing was done); CORRUPT;
 * IO_ERROR; OUT_OF_MEMORY. The message is in lectern_index_last_error. */
LECTERN_API lectern_status_t lectern_index_add_roots(lectern_index_t *index,
						     const char *const *roots, size_t nroots,
						     const lectern_index_options_t *options,
						     lectern_index_stats_t *stats);

/* Bring the whole index up to date with every root it knows: new and
 * changed notes are indexed, removed ones leave it. Arguments and statuses
 * as lectern_index_add_roots (options->language is not used); NOT_FOUND
 * also when the index knows no root. */
LECTERN_API lectern_status_t lectern_index_update(lectern_index_t *index,
						  const lectern_index_options_t *options,
						  lectern_index_stats_t *stats);

/* The shards of the index left out of its searches because they could not
 * be reached (a remote shard that is down): lines of "shard NAME
 * unavailable: WHY; results are from the other shards", or NULL when every
 * shard answers (or nothing was searched yet). Owned by the handle; valid
 * until the next call on it. A query tells the same of itself
 * (lectern_results_warnings); this is the handle's state after it, which
 * a long-lived program compares from one query to the next to say when a
 * shard leaves the searches and when it comes back. */
LECTERN_API const char *lectern_index_warnings(const lectern_index_t *index);

/* A shard left out is tried again after a few seconds; this makes the next
 * query try every one left out at once (another handle on the same index
 * found them back: a program with a handle per thread tells the others).
 * No-op when none is left out, or for NULL. */
LECTERN_API void lectern_index_retry_shards(lectern_index_t *index);

/* ---- a query -------------------------------------------------------------- */

/* Flags of lectern_query_options_t.flags. */
enum lectern_query_flag {
	/* Every matching passage, not a page of them (limit is not used). */
	LECTERN_QUERY_ALL = 1u << 0,
	/* Each passage's occurrences (lectern_passage_occurrence): every
	 * place in it that matches, with its line's text; `lectern find
	 * --format vimgrep` lists these. With LECTERN_QUERY_ALL the passages
	 * come in the order of their places (path, then line) instead of best
	 * first. */
	LECTERN_QUERY_OCCURRENCES = 1u << 1,
	/* A query that cannot be parsed is an error (SYNTAX), rather than
	 * read as well as it can be. */
	LECTERN_QUERY_STRICT = 1u << 2,
	/* The whole query is one phrase (`lectern find --phrase`). */
	LECTERN_QUERY_PHRASE = 1u << 3,
	/* A query without operators is first tried as a phrase, as `lectern
	 * find` does with a query given as one argument. */
	LECTERN_QUERY_IMPLICIT_PHRASE = 1u << 4,
	/* Distinct files, best first: each passage given is the best one of
	 * its note, and lectern_passage_file_matches counts the note's
	 * matching passages; limit, offset and lectern_results_total count
	 * files. */
	LECTERN_QUERY_FILES = 1u << 5,
	/* Only the number of matching passages (lectern_results_total,
	 * exact): no passage is made. */
	LECTERN_QUERY_COUNT = 1u << 6,
	/* Passages without text: path, score, title, date, headings,
	 * speakers and the passage's first line (column 1); no snippet,
	 * highlights, occurrences or context. A note unchanged since it was
	 * indexed is not read, so a long list of places is cheap; a changed
	 * one is read, so that a stale passage is still told. */
	LECTERN_QUERY_NO_SNIPPETS = 1u << 7,
	/* When nothing matches and there is a spelling suggestion, the
	 * passages are those of the suggestion (lectern_results_fixed). */
	LECTERN_QUERY_FIX = 1u << 8,
	/* lectern_results_explain: how the query was understood. */
	LECTERN_QUERY_EXPLAIN = 1u << 9,
	/* The passages in the order of their places (path by bytes, then
	 * line, then column) instead of best first. A page (no
	 * LECTERN_QUERY_ALL) is still the best `limit` passages, sorted: the
	 * library makes the whole page before it gives the first passage,
	 * also to on_passage (it holds the page's passages at once). Every
	 * passage (LECTERN_QUERY_ALL) comes note by note as found, in place
	 * order, in bounded memory. */
	LECTERN_QUERY_BY_PLACE = 1u << 10,
	/* With LECTERN_QUERY_OCCURRENCES: passages with their path, place,
	 * score, marks and occurrences only, what `lectern find --format
	 * vimgrep` prints: no snippet (""), highlights, headings, title, date
	 * or speakers are made, and lectern_passage_json leaves their keys
	 * out. */
	LECTERN_QUERY_PLACES_ONLY = 1u << 11,
};

/* The passages that matched a query (opaque). */
typedef struct lectern_results lectern_results_t;
/* One of them (opaque); owned by its results. */
typedef struct lectern_passage lectern_passage_t;

typedef struct lectern_query_options {
	unsigned limit;   /* passages in the page; 0: 10 */
	unsigned offset;  /* best passages to skip first */
	unsigned flags;   /* enum lectern_query_flag, or-ed */
	unsigned context; /* lines of context before and after each passage's
			   * match (lectern_passage_context_*); 0: none */
	/* The query's time budget in milliseconds, counted from the call to
	 * lectern_query_run (its reopening of the index included); 0: none.
	 * Past it the search stops with LECTERN_STATUS_TIMEOUT: the passages
	 * already given to on_passage stand; without on_passage there are no
	 * results (*results is NULL, as on any failure). */
	unsigned time_budget_ms;
	/* Passages one at a time: when set, each passage is given to it as
	 * soon as it is made, in the order of the result, and not kept
	 * (lectern_results_count of the results is 0): a program streams
	 * every passage of a large result in bounded memory. `results` is
	 * the result as known so far: its suggestion, fallback, fallback
	 * query, fixed, explain and warnings are set before the first
	 * passage; its total only when lectern_query_run returns. `results`
	 * and `passage` (and their strings) live for the call only; the
	 * callback must not call lectern_results_next or lectern_results_free
	 * on them, nor use the index handle. A status other than
	 * LECTERN_STATUS_SUCCESS stops the search, and lectern_query_run
	 * returns that status (the index's last error then says "stopped by
	 * on_passage"). A search that meets a commit of the index goes on on
	 * the new revision without giving a passage twice. May be NULL. */
	lectern_status_t (*on_passage)(void *context, const lectern_results_t *results,
				       const lectern_passage_t *passage);
	void *on_passage_context;
} lectern_query_options_t;

/* Run `query` (the query language of docs/query-language.md; NUL-
 * terminated UTF-8) on the index's latest committed state (the handle
 * checks the index's revision, a cheap read when nothing changed, and
 * opens the index again when it was replaced). `options` may be NULL (the
 * first 10 passages, best first). On success *results is the caller's, to
 * free with lectern_results_free before the index is closed; it holds
 * every passage of the page, read at once (none with on_passage, which
 * was given them, or with LECTERN_QUERY_COUNT). No match is SUCCESS with
 * no passage. On failure *results is NULL.
 *
 * Statuses: SUCCESS; INVALID_ARGUMENT (index, query or results NULL,
 * unknown flags); NOT_FOUND (no index yet: a READ_WRITE handle never
 * updated); SYNTAX (LECTERN_QUERY_STRICT and a bad query); LIMIT (a query
 * over lectern's bounds: 64 KiB, 1,024 terms, ...); TIMEOUT (past
 * options->time_budget_ms); CORRUPT, VERSION, IO_ERROR, NETWORK;
 * OUT_OF_MEMORY; or the status on_passage returned to stop the search.
 * The message is in lectern_index_last_error. */
LECTERN_API lectern_status_t lectern_query_run(lectern_index_t *index, const char *query,
					       const lectern_query_options_t *options,
					       lectern_results_t **results);

/* Matching passages in all (an estimate unless lectern_results_total_exact). */
LECTERN_API uint64_t lectern_results_total(const lectern_results_t *results);
LECTERN_API int lectern_results_total_exact(const lectern_results_t *results);

/* Nonzero when no passage matched the query as written, and the passages
 * are a fallback: each matches only some of its words. */
LECTERN_API int lectern_results_fallback(const lectern_results_t *results);

/* The spelling suggestion ("did you mean"), or NULL. Owned by results. */
LECTERN_API const char *lectern_results_suggestion(const lectern_results_t *results);

/* With lectern_results_fallback: how the fallback query (some of the
 * query's words) was understood, in the form of lectern_results_explain;
 * else NULL. Owned by results. */
LECTERN_API const char *lectern_results_fallback_query(const lectern_results_t *results);

/* Nonzero when the passages are those of the suggestion, not of the query
 * (LECTERN_QUERY_FIX and nothing matched the query as written). */
LECTERN_API int lectern_results_fixed(const lectern_results_t *results);

/* With LECTERN_QUERY_EXPLAIN: how the query was understood (its words,
 * stems, fields and operators, in a text form), else NULL. Owned by
 * results. */
LECTERN_API const char *lectern_results_explain(const lectern_results_t *results);

/* The shards left out of this query because they could not be reached
 * (lines, as lectern_index_warnings), or NULL. Owned by results. */
LECTERN_API const char *lectern_results_warnings(const lectern_results_t *results);

/* The passages in the page, and the next one of them: NULL after the last.
 * The passage belongs to `results` and lives until lectern_results_free. */
LECTERN_API size_t lectern_results_count(const lectern_results_t *results);
LECTERN_API lectern_passage_t *lectern_results_next(lectern_results_t *results);

/* Free the results and their passages. NULL is a no-op. */
LECTERN_API void lectern_results_free(lectern_results_t *results);

/* ---- a passage ------------------------------------------------------------- */
/* Every string below is owned by the passage's results. */

/* The note's absolute path. */
LECTERN_API const char *lectern_passage_path(const lectern_passage_t *passage);
/* The place of the match shown: the first phrase match, else the first
 * match of the rarest word matched (else the passage's start). */
LECTERN_API uint32_t lectern_passage_line(const lectern_passage_t *passage);
LECTERN_API uint32_t lectern_passage_column(const lectern_passage_t *passage);
/* The headings the passage is under, outermost first: count, and the i-th
 * (NULL past the last). */
LECTERN_API size_t lectern_passage_heading_count(const lectern_passage_t *passage);
LECTERN_API const char *lectern_passage_heading(const lectern_passage_t *passage, size_t i);
/* The relevance score: higher is better, comparable within one result. */
LECTERN_API double lectern_passage_score(const lectern_passage_t *passage);
/* The sentence around the match, whitespace collapsed ("" for none), and
 * the byte ranges of the snippet that matched the query: count, and the
 * i-th as offset and length (INVALID_ARGUMENT past the last). */
LECTERN_API const char *lectern_passage_snippet(const lectern_passage_t *passage);
LECTERN_API size_t lectern_passage_highlight_count(const lectern_passage_t *passage);
LECTERN_API lectern_status_t lectern_passage_highlight(const lectern_passage_t *passage, size_t i,
						       size_t *offset, size_t *length);
/* Nonzero when the passage holds only some of the query's words. */
LECTERN_API int lectern_passage_fallback(const lectern_passage_t *passage);
/* Nonzero when the note changed (or is gone) since it was indexed and the
 * place could not be found again: path is right, line and column are not. */
LECTERN_API int lectern_passage_stale(const lectern_passage_t *passage);

/* Nonzero when the passage is stale because its note is not here at all
 * (moved, deleted, or indexed on another machine: a remote shard). */
LECTERN_API int lectern_passage_missing(const lectern_passage_t *passage);

/* The note's title and date (its front matter's, or what the indexer
 * took for them), or NULL when it has none. */
LECTERN_API const char *lectern_passage_title(const lectern_passage_t *passage);
LECTERN_API const char *lectern_passage_date(const lectern_passage_t *passage);
/* The note's speakers: count, and the i-th (NULL past the last). */
LECTERN_API size_t lectern_passage_speaker_count(const lectern_passage_t *passage);
LECTERN_API const char *lectern_passage_speaker(const lectern_passage_t *passage, size_t i);

/* With LECTERN_QUERY_FILES: the matching passages of the passage's note
 * (else 0). */
LECTERN_API uint32_t lectern_passage_file_matches(const lectern_passage_t *passage);

/* With lectern_query_options_t.context: the lines around the match, the
 * first one's number (1-based; 0 when none), their count, and the i-th
 * line's text (without its newline; NULL past the last). Then the query's
 * words matched in those lines, in order: count, and the i-th as the
 * index of its line among them (0 is the first context line) and its byte
 * offset and length in that line; each out-parameter may be NULL;
 * INVALID_ARGUMENT past the last. */
LECTERN_API uint32_t lectern_passage_context_first_line(const lectern_passage_t *passage);
LECTERN_API size_t lectern_passage_context_count(const lectern_passage_t *passage);
LECTERN_API const char *lectern_passage_context_line(const lectern_passage_t *passage, size_t i);
LECTERN_API size_t lectern_passage_context_highlight_count(const lectern_passage_t *passage);
LECTERN_API lectern_status_t lectern_passage_context_highlight(const lectern_passage_t *passage,
							       size_t i, size_t *line_index,
							       size_t *offset, size_t *length);

/* The passage as one JSON object, the "match" object of `lectern find
 * --json` without its "type" and "warnings" (docs/lectern-output.schema.json:
 * path, shown_path, line, col, headings, score, snippet, highlights, title,
 * date, speakers, stale, missing, fallback, and occurrences, context and
 * file_matches when present), as the daemon answers it: on one line,
 * without a newline; shown_path is the path, absolute. On success *json is
 * the caller's, to free with free(); on failure it is NULL.
 *
 * Statuses: SUCCESS; INVALID_ARGUMENT (passage or json NULL);
 * OUT_OF_MEMORY. */
LECTERN_API lectern_status_t lectern_passage_json(const lectern_passage_t *passage, char **json);

/* With LECTERN_QUERY_OCCURRENCES: the places in the passage that match.
 * The i-th gives its line and column (1-based; bytes), its end column
 * (one past its last byte on that line) and its line's text (without the
 * newline; cut at 4 KiB; NULL when the passage's lines ran over their
 * bound). Each out-parameter may be NULL. INVALID_ARGUMENT past the last. */
LECTERN_API size_t lectern_passage_occurrence_count(const lectern_passage_t *passage);
LECTERN_API lectern_status_t lectern_passage_occurrence(const lectern_passage_t *passage, size_t i,
							uint32_t *line, uint32_t *column,
							uint32_t *end_column,
							const char **line_text);

#ifdef __cplusplus
}
#endif

#endif
