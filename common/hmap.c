/* hmap.c - open-addressing string hash map with linear probing. */
#include "hmap.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

void hmap_init(struct hmap *m)
{
	memset(m, 0, sizeof(*m));
}

void hmap_release(struct hmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	hmap_init(m);
}

void hmap_clear(struct hmap *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		free(m->slots[i].key);
		m->slots[i].key = NULL;
	}
	m->n = 0;
}

static struct hmap_entry *probe(const struct hmap *m, const char *key, size_t klen, uint64_t h)
{
	size_t mask = m->cap - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		struct hmap_entry *e = &m->slots[i];
		if (!e->key)
			return e;
		if (e->hash == h && e->klen == klen && memcmp(e->key, key, klen) == 0)
			return e;
	}
}

struct hmap_entry *hmap_get(const struct hmap *m, const char *key, size_t klen)
{
	if (!m->cap)
		return NULL;
	struct hmap_entry *e = probe(m, key, klen, XXH3_64bits(key, klen));
	return e->key ? e : NULL;
}

static lec_status rehash(struct hmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64;
	struct hmap_entry *old = m->slots;
	size_t ocap = m->cap;
	m->slots = calloc(ncap, sizeof(*m->slots));
	if (!m->slots) {
		m->slots = old;
		return LEC_ENOMEM;
	}
	m->cap = ncap;
	for (size_t i = 0; i < ocap; i++)
		if (old[i].key)
			*probe(m, old[i].key, old[i].klen, old[i].hash) = old[i];
	free(old);
	return LEC_OK;
}

lec_status hmap_put(struct hmap *m, const char *key, size_t klen, struct hmap_entry **out,
		    int *created)
{
	if ((m->n + 1) * 4 > m->cap * 3 && rehash(m))
		return LEC_ENOMEM;
	uint64_t h = XXH3_64bits(key, klen);
	struct hmap_entry *e = probe(m, key, klen, h);
	if (created)
		*created = !e->key;
	if (!e->key) {
		e->key = malloc(klen + 1);
		if (!e->key)
			return LEC_ENOMEM;
		memcpy(e->key, key, klen);
		e->key[klen] = 0;
		e->klen = klen;
		e->hash = h;
		e->value = NULL;
		m->n++;
	}
	*out = e;
	return LEC_OK;
}

int hmap_next(const struct hmap *m, size_t *iter, struct hmap_entry **out)
{
	while (*iter < m->cap) {
		struct hmap_entry *e = &m->slots[(*iter)++];
		if (e->key) {
			*out = e;
			return 1;
		}
	}
	return 0;
}
