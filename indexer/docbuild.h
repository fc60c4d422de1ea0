/* docbuild.h - turn one note file into its Xapian document, with the
 * terms, values and data of docs/index-layout.md: one document per note,
 * its passages kept as position ranges (common/ptable.h).
 *
 * A builder is single-threaded; it caches stemmers and stems, and collects
 * spelling data until the writer flushes it at a commit.
 */
#ifndef LECTERN_DOCBUILD_H
#define LECTERN_DOCBUILD_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "hmap.h"
#include "status.h"
#include "xap.h"

struct stemmer;
struct note;

/* Meeting notes name their attendees once ("Jordan Harband (JHD)"), often in
 * the first day's file only; the other days just say "JHD: ...". The indexer
 * gives the builder a table of names known for the note's directory. */
struct docbuild_people {
	void *ctx;
	/* the full name for initials in the directory of path, or NULL */
	const char *(*resolve)(void *ctx, const char *path, const char *initials);
	/* the named people of a parsed note, to remember for its directory */
	void (*learn)(void *ctx, const char *path, const struct note *note);
};

struct docbuild {
	const char *default_language;
	struct hmap stems;    /* "lang\0word" -> malloc'd stem; at most
	                         * LEC_STEM_CACHE_WORDS, then emptied */
	struct hmap spelling; /* word -> (uintptr_t) count */
	struct hmap synonyms; /* "Zstem\0word" pairs not yet in the stem dictionary */
	struct hmap zterms;   /* the note's "Zstem" terms -> (uintptr_t) wdf, given to
	                         * its document once each when it is complete */
	struct buf rec;       /* scratch for the stored passage forms */
	struct stemmer *stemmers[8];
	char *stemmer_names[8]; /* the name each was asked for ("fr", "french"...) */
	size_t nstemmers;
	xap_doc *doc;
	int give_docs;
	int no_spelling;        /* count no spelling (a fresh build spells its whole
	                         * vocabulary at the end: docbuild_spell_vocabulary) */          /* the sink owns each document (xap_doc_free) and the
	                         * builder starts a new one; else it is reused */
	struct docbuild_people people; /* optional (all NULL: none) */
	char *err;                     /* last error message (malloc'd) */
};

lec_status docbuild_init(struct docbuild *b, const char *default_language);
void docbuild_release(struct docbuild *b);

/* Called with the note's document; the document is reused after the call
 * unless the builder's give_docs is set. */
typedef lec_status (*docbuild_sink)(void *ctx, xap_doc *doc);
/* Called for each warning of the note parser ("line 3: ..."). */
typedef void (*docbuild_warn)(void *ctx, const char *message);

struct docbuild_counts {
	uint32_t passages; /* passages of the note */
	uint32_t words;    /* their terms: the note's BM25 length */
};

/* Parse `data` (the bytes of the file at `path`) and give its document to
 * `sink`. `key` is the note's name in the index (common/rootmap.h): the
 * document holds it, not the path, and the people of its directory are
 * those of the key's. The stemming language is the note's `lang:` front
 * matter, else `lang_hint` (the root's language, may be NULL), else
 * english; *used gets its canonical name (static storage). LEC_ELIMIT with
 * docbuild_error() when the note is past a bound of limits.h. */
lec_status docbuild_file(struct docbuild *b, const char *path, const char *key, const char *data,
			 size_t len, const char *lang_hint, docbuild_sink sink, docbuild_warn warn,
			 void *ctx, struct docbuild_counts *counts, const char **used);

/* The message of the last failure ("" if none). */
const char *docbuild_error(const struct docbuild *b);

/* Hand the collected spelling counts and stem words (the stem dictionary,
 * common/stemdict.h) to `db` and forget them. `given` (may be NULL) holds
 * the stem-word pairs this run gave `db` already, which are not given
 * again; the caller keeps one per database. */
lec_status docbuild_flush_spelling(struct docbuild *b, xap_db *db, struct hmap *given);

/* Add every word of db's vocabulary to its spelling data, with its
 * occurrences (the words count_spelling would have counted, all at once:
 * a build that spells per batch rewrites Xapian's fragment lists at each
 * commit, and compresses each again). Inside the caller's transaction. */
lec_status docbuild_spell_vocabulary(xap_db *db);

/* The file id term ("F" + 16 hex digits) of a note key into out[20]. */
void docbuild_file_term(const char *key, char out[20]);

/* Nonzero when the first bytes look binary (a NUL, or mostly control bytes). */
int docbuild_is_binary(const char *data, size_t len);

#endif
