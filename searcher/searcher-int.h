/* searcher-int.h - the searcher's state, shared by searcher.c (opening the
 * index and keeping it current) and the search*.c files (running a query:
 * search-int.h). */
#ifndef LECTERN_SEARCHER_INT_H
#define LECTERN_SEARCHER_INT_H

#include <sys/stat.h>
#include <time.h>

#include "rootmap.h"
#include "search.h"
#include "shards.h"
#include "stem.h"
#include "xap.h"

#define MAX_LANGS 8

/* A searcher stems queries in every language the index's notes use (english
 * first): a note is one language, so a query matches a passage when it
 * matches in the passage's language. */
struct searcher {
	xap_db *db; /* every shard that could be opened, as one */
	char *index_dir;
	stemmer *st[MAX_LANGS];
	size_t nlangs;
	char *warnings;         /* shards left out, one line each; NULL when none */
	struct stat stub;       /* shards.stub as opened (st_ino 0: absent) */
	struct stat roots_file; /* the roots file as read (a root moved: read again) */
	/* the local shard directories as opened: a first index swaps in its
	 * compacted copy (indexer/index.c), which a reopen must not mix with
	 * the tables it already has open */
	struct {
		char *path;
		dev_t dev;
		ino_t ino;
	} dirs[SHARDS_MAX];
	size_t ndirs;
	time_t opened;
	unsigned retry_after; /* seconds before a missing shard is tried again */
	int retry_now;        /* searcher_retry_now: try them on the next reopen */
	/* LEC_META_PASSAGES summed over the shards opened (read at open) */
	uint64_t passages, passage_words;
	uint64_t opening_passages, opening_words; /* while the shards are read */
	/* the databases of `db` in order, and which are remote: Xapian numbers
	 * a document of database i of n as (its own docid - 1) * n + i + 1 */
	unsigned char sub_remote[SHARDS_MAX_ENTRIES], opening_remote[SHARDS_MAX_ENTRIES];
	size_t nsubs, opening_subs;
	unsigned long searches;   /* search_run calls so far */
	struct note_cache *notes; /* from the second search on (searcher_notes) */
	/* the roots notes are named under (common/rootmap.h): the index's own
	 * for its local shards, each remote shard's own (its copy in the
	 * database, NULL when it has none) */
	struct rootmap roots, opening_roots;
	int opening_roots_read;
	char bad_format[16]; /* the format of a database refused for it */
	struct rootmap *sub_roots[SHARDS_MAX_ENTRIES], *opening_sub_roots[SHARDS_MAX_ENTRIES];
};

/* The roots of the database document `did` lives in (NULL: unknown). */
const struct rootmap *searcher_doc_roots(const struct searcher *s, xap_docid did);

/* Nonzero when document `did` of the searcher's database lives in a remote
 * shard (which serves no synonyms). */
int searcher_doc_remote(const struct searcher *s, xap_docid did);
/* The notes' text the searcher keeps between searches (note-cache.h): NULL
 * for its first search (a one-shot `lectern find` reads a page's windows
 * only), made for the second (a searcher asked again lives long). NULL
 * also when it cannot be made: the notes are read as they are without. */
struct note_cache;
struct note_cache *searcher_notes(struct searcher *s);

/* Nonzero when any shard of the searcher's database is remote. */
int searcher_has_remote(const struct searcher *s);

/* Every shard again: the stub changed, a remote shard failed (`failed`
 * names it), or one that was down may be back. */
lec_status searcher_reopen_all(struct searcher *s, const char *failed);

/* A local shard directory is not the one opened: replaced, or gone. */
int searcher_dirs_changed(const struct searcher *s);

/* The average passage length in terms (BM25's), never 0. */
double searcher_avg_passage(const struct searcher *s);

#endif
