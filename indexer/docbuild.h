/* docbuild.h - turn one note file into Xapian documents (one per passage),
 * with the terms, values and data of docs/index-layout.md.
 *
 * A builder is single-threaded; it caches stemmers and stems, and collects
 * spelling data until the writer flushes it at a commit.
 */
#ifndef LECTERN_DOCBUILD_H
#define LECTERN_DOCBUILD_H

#include <stddef.h>
#include <stdint.h>

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
	struct hmap stems;      /* "lang\0word" -> malloc'd stem */
	struct hmap spelling;   /* word -> (uintptr_t) count */
	struct stemmer *stemmers[8];
	char *stemmer_names[8];  /* the name each was asked for ("fr", "french"...) */
	size_t nstemmers;
	xap_doc *doc;
	int give_docs;          /* the sink owns each document (xap_doc_free) and the
	                         * builder starts a new one; else it is reused */
	struct docbuild_people people;  /* optional (all NULL: none) */
	char *err;              /* last error message (malloc'd) */
};

lec_status docbuild_init(struct docbuild *b, const char *default_language);
void docbuild_release(struct docbuild *b);

/* Called for each passage document; the document is reused after the call
 * unless the builder's give_docs is set. */
typedef lec_status (*docbuild_sink)(void *ctx, xap_doc *doc);
/* Called for each warning of the note parser ("line 3: ..."). */
typedef void (*docbuild_warn)(void *ctx, const char *message);

/* Parse `data` (the file's bytes) and emit its passages. The stemming
 * language is the note's `lang:` front matter, else `lang_hint` (the root's
 * language, may be NULL), else english; *used gets its canonical name
 * (static storage). *npassages gets the count. */
lec_status docbuild_file(struct docbuild *b, const char *path, const char *data, size_t len,
			 const char *lang_hint, docbuild_sink sink, docbuild_warn warn, void *ctx,
			 uint32_t *npassages, const char **used);

struct note;
struct passage;
struct segmap;
/* The segment map of passage p of note n, as indexed: blocks without
 * segments are left out. heading (may be NULL) gets, per map block, 1 for a
 * heading; *nblocks (may be NULL) the number of map blocks. */
lec_status docbuild_passage_segmap(const struct note *n, const struct passage *p,
				   struct segmap *m, unsigned char *heading, size_t *nblocks);

/* Hand the collected spelling counts to `db` and forget them. */
lec_status docbuild_flush_spelling(struct docbuild *b, xap_db *db);

/* The file id term ("F" + 16 hex digits) of a path into out[20]. */
void docbuild_file_term(const char *path, char out[20]);

/* Nonzero when the first bytes look binary (a NUL, or mostly control bytes). */
int docbuild_is_binary(const char *data, size_t len);

#endif
