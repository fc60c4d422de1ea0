/* note-cache.h - the text of the small notes a long-lived searcher read,
 * kept for its next searches while each file stays as it was read.
 *
 * Why: a daemon's page of ten hits opened, fstat'ed, read and closed each
 * hit's note (about six system calls a hit, a third of a query's time on
 * these virtual machines), and its queries come back to the same notes. A
 * kept note costs one stat(2) a hit: the file's device, inode, size and
 * modification time must be those it had when read, else it is read again.
 * A file changed without its size or mtime changing is caught further on:
 * each passage's bytes are checked against the hash the index stores
 * (hit-locate.c), and a mismatch is a stale hit, as with a fresh read.
 *
 * The text is notefile_read's (decoded when the file has a byte-order
 * mark), so offsets into it are the index's. Texts are reference-counted:
 * a hit keeps the one it reads from even when the cache drops it.
 * Not thread-safe: a cache belongs to one searcher, used by one thread.
 */
#ifndef LECTERN_NOTE_CACHE_H
#define LECTERN_NOTE_CACHE_H

#include <stddef.h>

#include "status.h"

struct note_cache;

/* A note's text (data[0 .. len), NUL-terminated), shared. */
struct note_text {
	char *data;
	size_t len;
	size_t refs; /* the cache's reference and the readers' */
};

/* Let go of a reference; the last one frees the text. NULL: no-op. */
void note_text_release(struct note_text *t);

/* A cache of at most `budget` bytes of text, each note at most
 * `max_note` bytes. *out owned by the caller (note_cache_free). */
lec_status note_cache_new(size_t budget, size_t max_note, struct note_cache **out);
/* Frees the cache; texts still held by readers live on. NULL: no-op. */
void note_cache_free(struct note_cache *c);

/* The whole text of the note at `path`: the kept one when the file is as it
 * was, else read now (and kept when it fits). *out is a new reference
 * (note_text_release), or NULL when the file is larger than the cache
 * takes, is not a regular file or cannot be read: the caller reads it as
 * it would without a cache, and that read reports any error. Errors:
 * LEC_ENOMEM only. */
lec_status note_cache_get(struct note_cache *c, const char *path, struct note_text **out);

#endif
