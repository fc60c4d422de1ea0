/* pmatch-int.h - what the three files of the passage matcher share
 * (pmatch.h is its public face). Private to searcher/pmatch*.c.
 *
 * The job is split three ways, each file owning one:
 *  - pmatch-plan.c builds the plan from the query's AST: its parts (what
 *    to look up in a note) and nodes (how the parts combine), and frees it;
 *  - pmatch-pos.c reads each part's positions in one candidate note
 *    (struct pm_part_state), from local or remote databases;
 *  - pmatch.c decides, passage by passage, which ones match and their
 *    scores, and where they match (spans).
 * A plan is read-only once built, but for what pmatch-pos.c caches in it
 * for remote notes (p->held, part->remote): made by pmatch-pos.c, freed
 * with the plan through pmatch_remote_terms_free and pmatch_held_release.
 */
#ifndef LECTERN_PMATCH_INT_H
#define LECTERN_PMATCH_INT_H

#include <stddef.h>
#include <stdint.h>

#include "hmap.h"
#include "pmatch.h"

/* ---- the plan (built by pmatch-plan.c) ---- */

enum part_kind {
	PART_TERMS,    /* the union of some words' positions (a stem class, one word) */
	PART_PHRASE,   /* its words at consecutive positions: the starts */
	PART_WILDCARD, /* every word of the note with the prefix */
	PART_NEAR,     /* the words within a window: every occurrence in one */
	PART_SPEAKER,  /* every XS term at one position: a turn of that speaker */
	NOTE_TERM,     /* the note holds the term */
	NOTE_PREFIX,   /* the note holds a term with the prefix */
	NOTE_PHRASE,   /* the note's positions of these terms make a phrase */
	NOTE_DATE,     /* the note's date value is in [lo, hi] */
};

struct part {
	enum part_kind kind;
	int scoring;    /* a positive body part: BM25, proximity, held */
	int located;    /* not negated: its hits are shown */
	int in_heading; /* heading: only its positions in a heading of the
	                         * passage's heading path count (ptable parents) */
	enum match_kind mkind;
	char **terms; /* see part_kind; owned */
	size_t nterms;
	uint32_t window;             /* NEAR: its words lie within max - min < window */
	const char *lo, *hi;         /* DATE bounds (the AST's) */
	struct remote_terms *remote; /* NOTE_TERM, NOTE_PREFIX, WILDCARD in
	                               * remote notes (owned; made when needed) */
	double idf;
};

enum node_kind {
	N_PART,
	N_AND,
	N_OR,
	N_NOT,
	N_TRUE,
	N_FALSE
};

struct node {
	enum node_kind kind;
	size_t part;  /* N_PART */
	size_t *kids; /* indexes into the plan's nodes */
	size_t nkids;
};

struct pm_plan {
	struct part *parts;
	size_t nparts, pcap;
	struct node *nodes;
	size_t nnodes, ncap;
	size_t root;
	size_t nscoring;
	const struct pm_stats *stats;
	stemmer *st;
	xap_db *db;
	struct hmap held;  /* term -> struct docids: the notes holding it,
	                         * read once for the notes of remote databases */
	lec_status status; /* sticky while building */
};

/* ---- a part in one note (pmatch-pos.c fills it, pmatch.c reads it) ---- */

/* The state of one part in the note being evaluated. */
struct pm_part_state {
	uint32_t *pos; /* positions (PHRASE: starts), ascending, unique */
	size_t npos, cap;
	int note_true; /* NOTE_* parts */
	uint32_t len;  /* positions a hit covers (a phrase's words) */
};

/* ---- pmatch-pos.c ---- */

/* The positions of part `pt` of plan p in note `did` of db into *s (reset
 * first; s->pos grows and stays owned by s), or for a note-level part
 * whether the note holds it (s->note_true). `remote`: the note is in a
 * remote database (pm_eval); the plan then caches posting lists and prefix
 * expansions (p->held, pt->remote). */
lec_status pmatch_gather(pm_plan *p, xap_db *db, xap_docid did, int remote, struct part *pt,
			 struct pm_part_state *s);

/* Free what pmatch_gather cached in a plan: a part's prefix expansion
 * (NULL is a no-op) and the posting lists of p->held (the map too). */
void pmatch_remote_terms_free(struct remote_terms *r);
void pmatch_held_release(struct hmap *held);

#endif
