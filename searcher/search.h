/* search.h - run a query against the index and turn the hits into places:
 * file, line, column, heading path, snippet with highlights.
 *
 * Shared by `lectern find` and the daemon, so that their results agree by
 * construction. A searcher holds the index open (read-only); it reopens and
 * retries when the index changes under it (Xapian's DatabaseModifiedError).
 */
#ifndef LECTERN_SEARCH_H
#define LECTERN_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "status.h"

struct searcher;

/* Open the index in `index_dir` read-only: every shard of it (shards.h). *out
 * owned by the caller (searcher_free). LEC_ENOTFOUND with a message when
 * there is no index. A remote shard that cannot be reached is left out (see
 * searcher_warnings). */
lec_status searcher_open(const char *index_dir, struct searcher **out, struct buf *err);
void searcher_free(struct searcher *s);
/* Pick up the latest committed state of the index (and of shards.stub; a
 * remote shard that was down is tried again after a few seconds). */
lec_status searcher_reopen(struct searcher *s);

/* The shards left out because they could not be reached: lines of
 * "shard NAME unavailable: WHY; results are from the other shards", or NULL. */
const char *searcher_warnings(const struct searcher *s);

/* Try the shards left out again on the next searcher_reopen, without
 * waiting for their retry time: the daemon's other search threads found
 * them back. No-op when none is left out. */
void searcher_retry_now(struct searcher *s);

struct search_result;
struct search_hit;

/* Hits one at a time: with search_req.on_hit, search_run gives each hit to
 * the callback as soon as it is made, in the order of the result, instead
 * of collecting them in res->hits (which stays empty): a caller streams an
 * --all of any size in bounded memory. `res` is the result as known so
 * far: explain, suggestion, fixed, relaxed, relaxed_query and warnings are
 * set before the first hit they concern; total and total_exact only when
 * search_run returns. The callback may keep the hit by moving its contents
 * out and zeroing *h (then it releases them: search_hit_release); what is
 * left in *h is released when it returns. A status other than LEC_OK stops
 * the search, and search_run returns it (LEC_ESTOP included). Every
 * passage by place (sort_by_place with all or occurrences) comes in place
 * order, note by note; a page by place (a limit) comes in rank order, and
 * sorting it is the caller's. A search that meets a commit of the index starts again on the
 * new revision, as without a callback; the hits already given are not given
 * again (the same ranks of the new revision are skipped). */
typedef lec_status (*search_hit_fn)(void *ctx, const struct search_result *res,
				    struct search_hit *h);

struct search_req {
	const char *query; /* the query text */
	size_t query_len;
	unsigned qflags; /* enum qp_flags (QP_STRICT, QP_WHOLE_PHRASE, QP_IMPLICIT_PHRASE) */
	uint32_t limit;  /* passages (or files) to return; default 10 */
	uint32_t offset;
	int all;              /* every matching passage */
	int files;            /* distinct files, ranked */
	int count_only;       /* only the number of matching passages */
	int occurrences;      /* every occurrence in each passage (vimgrep) */
	int sort_by_place;    /* order hits by path, line (vimgrep --all) */
	uint32_t context;     /* lines of context around the match */
	int no_snippets;      /* hits without text: path, score, title, date,
	                         * headings, speakers and the passage's first line
	                         * (column 1); no snippet, highlights, occurrences
	                         * or context. A note whose size and mtime are the
	                         * index's is stat'ed, never read (-l, top-1,000
	                         * pages); one that changed is read as usual, so
	                         * that a stale hit is still told */
	int places_only;      /* with occurrences: hits carry their path, place,
	                         * score, flags (stale, missing, partial) and
	                         * occurrences, not their snippet, highlights,
	                         * headings, title, date or speakers (what vimgrep
	                         * prints): none is made, and the JSON of such a
	                         * hit leaves their keys out (the daemon's answer
	                         * is a third of the size) */
	int fix;              /* rerun with the spelling suggestion */
	int explain;          /* fill result.explain */
	int rank_all;         /* every candidate note in one tier: every passage of
	                         * every matching note scored before any is ranked
	                         * (docs/index-layout.md, "Searching") */
	search_hit_fn on_hit; /* NULL: collect the hits in res->hits */
	void *on_hit_ctx;
	int64_t deadline_ms; /* CLOCK_MONOTONIC milliseconds (search_now_ms) past
	                         * which the search stops with LEC_ETIMEOUT, what it
	                         * found so far kept (given, or in res->hits); 0: none */
};
void search_req_init(struct search_req *r);

struct search_range {
	size_t off, len; /* bytes in the snippet */
};

/* A matched word in a context line: bytes [off, off + len) of
 * context[line]. */
struct search_ctx_range {
	uint32_t line;
	size_t off, len;
};

struct search_occurrence {
	uint32_t line, col; /* 1-based line, 1-based byte column */
	size_t off, len;    /* bytes of the match in the file */
	char *line_text;    /* the whole line (no newline), malloc'd */
};

struct search_hit {
	char *path;         /* absolute */
	uint32_t line, col; /* of the shown match: the first phrase hit, else the first hit
	                         * of the rarest matched word (else the passage start) */
	char **headings;
	size_t nheadings;
	double score;
	char *snippet; /* the sentence around the match, whitespace collapsed */
	struct search_range *highlights;
	size_t nhighlights;
	char *title, *date;
	char **speakers;
	size_t nspeakers;
	int stale;                     /* the file changed and the place could not be found again */
	int missing;                   /* stale because the file is not here (moved, deleted, or
	                         * indexed on another machine: a remote shard) */
	struct search_occurrence *occ; /* with req.occurrences */
	size_t nocc, occ_cap;
	char **context; /* with req.context: lines ctx_first .. */
	size_t ncontext;
	uint32_t ctx_first;
	struct search_ctx_range *ctx_hl; /* the matched words in those lines, in order */
	size_t nctx_hl, ctx_hl_cap;
	uint32_t file_matches; /* with req.files: matching passages in the file */
	int partial;           /* holds only some of the query's words (a page the
	                         * matching passages left short) */
	int places_only;       /* made for search_req.places_only: no snippet,
	                         * highlights, headings, title, date or speakers */
};

struct search_result {
	struct search_hit *hits;
	size_t nhits;
	uint64_t total; /* matching passages (files with req.files); exact
	                         * when total_exact, else an estimate */
	int total_exact;
	int relaxed;         /* no passage matched the query as written: these match
	                         * some of its words */
	char *relaxed_query; /* how the relaxed query was understood (explain form) */
	char *suggestion;    /* "did you mean": the corrected query text, or NULL */
	int fixed;           /* the results are for the suggestion (req.fix) */
	char *explain;       /* with req.explain */
	char *warnings;      /* shards left out of this search, one line each, or NULL */
};

/* Run `req`. On failure the message is in err: LEC_ESYNTAX / LEC_ELIMIT for a
 * bad query (strict mode or limits), LEC_ETIMEOUT past req->deadline_ms,
 * the callback's status, others for index trouble. *res is released with
 * search_result_release (also after a failure). */
lec_status search_run(struct searcher *s, const struct search_req *req, struct search_result *res,
		      struct buf *err);
void search_result_release(struct search_result *res);
/* Free what a hit holds and zero it. */
void search_hit_release(struct search_hit *h);

/* The clock of search_req.deadline_ms: CLOCK_MONOTONIC in milliseconds. */
int64_t search_now_ms(void);

/* The order of places: by path (bytes), then line, then column; <0, 0, >0.
 * search_hit_cmp_place compares two struct search_hit so (for qsort). */
int search_place_cmp(const char *pa, uint32_t la, uint32_t ca, const char *pb, uint32_t lb,
		     uint32_t cb);
int search_hit_cmp_place(const void *a, const void *b);

#endif
