/* metakey.c - metadata keys of per-path records. */
#include "metakey.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <xxhash.h>

size_t meta_key(const char *prefix, const char *path, size_t plen, char *key)
{
	size_t pfl = strlen(prefix);
	if (pfl + plen <= LEC_MAX_META_KEY_BYTES) {
		memcpy(key, prefix, pfl);
		memcpy(key + pfl, path, plen);
		return pfl + plen;
	}
	XXH128_hash_t h = XXH3_128bits(path, plen);
	return (size_t)sprintf(key, "%s#%016" PRIx64 "%016" PRIx64, prefix, (uint64_t)h.high64,
			       (uint64_t)h.low64);
}
