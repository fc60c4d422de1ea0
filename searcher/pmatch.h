/* pmatch.h - which passages of a note match a query, and how well, from the
 * positions Xapian stores.
 *
 * The index holds one Xapian document per note; a passage is a range of the
 * note's positions (common/ptable.h). Xapian finds and ranks the candidate
 * notes; this module reads the query's terms' positions in one candidate
 * (positionlist), sorts them into its passages and decides, passage by
 * passage, what lectern's query language means there:
 *  - bare words, phrases, wildcards and NEAR must occur in the passage
 *    (several parts AND'ed: all of them in the same passage);
 *  - `-word` and NOT exclude the passages that hold them, not the note;
 *  - `speaker:x` holds where x speaks (their turns, or a presenter's
 *    passages);
 *  - title:, path:, tag:, year: and date: are the note's, true or false for
 *    all of its passages.
 * A bare word stands for every word of the same stem: the words the
 * indexer recorded for its stem (the stem dictionary, stemdict.h), checked
 * against the query's stemmer.
 *
 * Scores: each passage gets BM25 over its own term frequencies and length
 * (the idf of each part from the notes that hold it), plus a reward for
 * query parts that occur close together. The note's own Xapian weight is
 * added by the caller (search.c).
 *
 * Ownership: a plan is built from an AST that must outlive it; a pm_note
 * holds one evaluated note's positions until the next pm_eval on it.
 */
#ifndef LECTERN_PMATCH_H
#define LECTERN_PMATCH_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "match.h"
#include "ptable.h"
#include "query.h"
#include "status.h"
#include "stem.h"
#include "xap.h"

typedef struct pm_plan pm_plan;

/* Collection statistics for the passage BM25. */
struct pm_stats {
	double notes;       /* documents (notes) in the index */
	double avg_passage; /* average passage length in terms (> 0) */
};

/* Compile `ast` (parsed with stemmer `st`, NULL = no stemming) for notes of
 * that language in `db`. Reads the stem dictionary's words of each bare
 * word's stem and the term frequencies for the idf. *out owned by the caller (pm_plan_free). */
lec_status pm_plan_new(const qp_ast *ast, stemmer *st, xap_db *db, const struct pm_stats *stats,
		       pm_plan **out);
void pm_plan_free(pm_plan *p);

/* The query parts that score (bare words, phrases, wildcards, NEAR, not
 * negated): what a relaxed passage holds "most of". */
size_t pm_plan_parts(const pm_plan *p);

struct pm_passage {
	uint32_t index; /* passage number in the note */
	uint32_t held;  /* scoring parts the passage holds */
	double score;   /* BM25 + proximity of the passage */
};

/* One evaluated note. Reuse it across notes (pm_note_init once,
 * pm_note_release at the end). */
struct pm_note {
	xap_docid docid;
	struct ptable table;
	struct pm_passage *v; /* the matching passages, in note order */
	size_t n, cap;
	/* private: per part, its positions in the note and counts per passage */
	struct pm_part_state *parts;
	size_t nparts;
	uint32_t *counts;
	size_t ccap;
};

void pm_note_init(struct pm_note *n);
void pm_note_release(struct pm_note *n);

/* Evaluate note `docid` of db: n->table is its passage table, n->v the
 * passages that match the query (with their scores). `remote`: the note
 * is in a remote database, where its termlist would cost a whole transfer:
 * note-level terms and wildcards are then answered from posting lists the
 * plan reads once. LEC_ECORRUPT when the note's stored passage table is
 * damaged; others from Xapian. */
lec_status pm_eval(pm_plan *p, xap_db *db, xap_docid docid, int remote, struct pm_note *n);

/* Whether passage `index` of the evaluated note matches (n->v holds only
 * those; this answers for any passage). */
int pm_matches(const pm_plan *p, const struct pm_note *n, uint32_t index);

/* Where passage `index` of the evaluated note matches: the note positions
 * of each hit (a phrase from its first word to its last), sorted by first;
 * the speaker's turn for speaker:, when nothing else located it. *out
 * malloc'd, owned by the caller (NULL when *nout is 0). */
struct pm_span {
	uint32_t first, last; /* note positions, inclusive */
	enum match_kind kind;
	double idf; /* of the part: the rarest is the one to show */
};
lec_status pm_spans(const pm_plan *p, const struct pm_note *n, uint32_t index, struct pm_span **out,
		    size_t *nout);

/* The span to show of spans[0..n): the first phrase, else the first of the
 * rarest part. n must be > 0. */
size_t pm_best_span(const struct pm_span *spans, size_t n);

#endif
