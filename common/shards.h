/* shards.h - the databases an index is made of.
 *
 * An index directory holds one Xapian database, `xapian/`, or several
 * shards tied together by a Xapian stub file, `shards.stub`:
 *
 *     # lectern shards (Xapian stub file: quest -d shards.stub works)
 *     auto xapian
 *     auto xapian.1
 *     remote 127.0.0.1:9001
 *
 * `auto` lines are the local shards, in shard order (shard 0 first: it
 * holds the index-wide metadata); a note lives in shard
 * shards_of_path(path, nlocal). `remote` lines are databases served by
 * xapian-tcpsrv (indexed elsewhere), searched together with the local ones.
 * Without a stub file the index is the one local shard `xapian/`.
 *
 * Readers open every entry on its own (shards_open_read) so that a remote
 * shard that is down or slow costs a warning, not the whole search.
 */
#ifndef LECTERN_SHARDS_H
#define LECTERN_SHARDS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "layout.h" /* SHARDS_STUB_NAME */
#include "limits.h" /* SHARDS_MAX, SHARDS_MAX_ENTRIES */
#include "status.h"
#include "xap.h"

#define SHARDS_REMOTE_TIMEOUT_MS 5000 /* default; LECTERN_REMOTE_TIMEOUT overrides */

struct shard_entry {
	int remote;    /* 0: local directory; 1: tcp://host:port */
	char *path;    /* local: absolute path of the database directory */
	char *host;    /* remote only */
	unsigned port; /* remote only */
	char *name;    /* display name: "xapian.1" or "tcp://host:port" */
};

struct shard_set {
	struct shard_entry *v;
	size_t n, cap;
	size_t nlocal; /* local entries; they come first in v, in shard order */
	int from_stub; /* read from shards.stub (else the lone xapian/) */
};

/* What `index_dir` is made of: the stub file when present, else the single
 * local database (which need not exist yet). A malformed stub gives
 * LEC_ESYNTAX with "FILE:LINE: why" in err. */
lec_status shards_load(const char *index_dir, struct shard_set *out, struct buf *err);
void shards_release(struct shard_set *s);

/* A new layout of `nlocal` local shards (directory names xapian,
 * xapian.1, ...), not yet written. */
lec_status shards_init_local(const char *index_dir, size_t nlocal, struct shard_set *out);

/* Write s as `index_dir`/shards.stub, atomically (temporary file + rename).
 * A set of one local shard and no remotes removes the stub instead. */
lec_status shards_save(const char *index_dir, const struct shard_set *s, struct buf *err);

/* Parse "tcp://HOST:PORT" (or "HOST:PORT"). LEC_EINVAL with a message. */
lec_status shards_parse_remote(const char *spec, char **host, unsigned *port, struct buf *err);
/* Append a remote entry; LEC_EINVAL if it is already there. */
lec_status shards_add_remote(struct shard_set *s, const char *host, unsigned port, struct buf *err);
/* Remove a remote entry by "tcp://host:port"; LEC_ENOTFOUND if absent. */
lec_status shards_remove_remote(struct shard_set *s, const char *spec, struct buf *err);

/* The local shard of a note path: a stable hash (XXH3-64 of the absolute
 * path, the file id) modulo nlocal. */
size_t shards_of_path(const char *path, size_t nlocal);

/* Milliseconds a remote shard may take per operation: $LECTERN_REMOTE_TIMEOUT
 * when set to a positive number, else SHARDS_REMOTE_TIMEOUT_MS. */
unsigned shards_remote_timeout_ms(void);

/* Open one entry read-only into a new handle. */
lec_status shards_open_entry(const struct shard_entry *e, xap_db **out, struct buf *err);

/* A reader over every entry of `s` as one database. An entry that cannot be
 * opened is skipped with a line in `warnings` ("shard NAME unavailable:
 * why; results are from the other shards"), unless it is a local shard or
 * every entry failed: then the whole open fails. `each`, when not NULL, is
 * called with every entry's own handle before it is added (to read per-shard
 * metadata). `failed`, when not NULL, is the message of a NetworkError a
 * search just got: the remote shard it names is left out without another
 * try (that would cost a second timeout). *out is freed with xap_db_free. */
typedef lec_status (*shards_each_cb)(void *ctx, const struct shard_entry *e, xap_db *db);
lec_status shards_open_read(const struct shard_set *s, shards_each_cb each, void *ctx,
			    const char *failed, xap_db **out, struct buf *warnings,
			    struct buf *err);

/* shards_load + shards_open_read, for readers that need no per-shard work. */
lec_status shards_open_index(const char *index_dir, xap_db **out, struct buf *warnings,
			     struct buf *err);

/* An index found damaged (LEC_ECORRUPT): what to tell the user. Runs
 * Xapian's check over the index's local shards until one fails and
 * appends to `msg` "index DIR is damaged: the database PATH, file FILE:
 * WHAT" (or, when every shard checks out, that a stored record is
 * damaged), then what to do: 'lectern status --verify' to see it all,
 * 'lectern index --rebuild' to rebuild from the notes. */
void shards_explain_damage(const char *index_dir, struct buf *msg);

#endif
