/* langs.h - the languages of an index's notes, as each database keeps them
 * (LEC_META_LANGUAGES, docs/index-layout.md): one Snowball language name a
 * line. The indexer writes the list (langs_put) and reads it back to add to
 * it; the searcher reads it for its stemmers: both through here. */
#ifndef LECTERN_LANGS_H
#define LECTERN_LANGS_H

#include <stddef.h>

#include "buf.h"
#include "status.h"
#include "xap.h"

/* Called with each language of the list: `name` is NUL-terminated, not
 * empty, and lives for the call only. A status other than LEC_OK stops
 * langs_each, which returns it. */
typedef lec_status (*langs_fn)(void *ctx, const char *name, size_t len);

/* Visit the languages listed in `db` (none when it lists none). Statuses:
 * xap_db_get_metadata's, or the callback's. Everything read is freed. */
lec_status langs_each(xap_db *db, langs_fn fn, void *ctx);

/* Append one language to the stored form in b. */
void langs_put(struct buf *b, const char *name);

/* Store the list in b (the stored form) in `db`: LEC_ENOMEM when b failed. */
lec_status langs_save(xap_db *db, const struct buf *b);

#endif
