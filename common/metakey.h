/* metakey.h - metadata keys of per-path records ("f:" files, "p:" people).
 *
 * Xapian keys are at most 255 bytes. A key is prefix + path, or, when that
 * would pass LEC_MAX_META_KEY_BYTES, prefix + "#" + a 128-bit hash of the path
 * (the record then carries the path after a TAB; see docs/index-layout.md).
 */
#ifndef LECTERN_METAKEY_H
#define LECTERN_METAKEY_H

#include <stddef.h>

#include "limits.h"

#define META_KEY_MAX (LEC_MAX_META_KEY_BYTES + 8)

/* Write the key for (prefix, path[0..plen)) into key[META_KEY_MAX]; returns
 * its length. */
size_t meta_key(const char *prefix, const char *path, size_t plen, char *key);

#endif
