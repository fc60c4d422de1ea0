/* hmap.h - a string-keyed hash map (open addressing, XXH3 hashes).
 *
 * Keys are copied into the map; values are opaque pointers owned by the
 * caller. Used for the indexer's table of known files and the stem cache.
 */
#ifndef LECTERN_HMAP_H
#define LECTERN_HMAP_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

struct hmap_entry {
	char *key; /* owned by the map, NUL-terminated */
	size_t klen;
	uint64_t hash;
	void *value;
};

struct hmap {
	struct hmap_entry *slots;
	size_t cap; /* power of two */
	size_t n;
};

void hmap_init(struct hmap *m);
/* Frees keys and the table; values are the caller's (free them first). */
void hmap_release(struct hmap *m);
/* Empty the map, keeping its table (for a map filled again and again);
 * values are the caller's (free them first). */
void hmap_clear(struct hmap *m);
/* The entry for key, or NULL. */
struct hmap_entry *hmap_get(const struct hmap *m, const char *key, size_t klen);
/* The entry for key, inserted with value NULL if absent (*created = 1). */
lec_status hmap_put(struct hmap *m, const char *key, size_t klen, struct hmap_entry **out,
		    int *created);
/* Iterate: for (i = 0; hmap_next(m, &i, &e);) */
int hmap_next(const struct hmap *m, size_t *iter, struct hmap_entry **out);

#endif
