/* walk-seen.c - the directories a walk has entered, by identity (device and
 * inode): an open-addressing set, so that a directory reached again (a
 * symlink loop, a bind mount) is told apart from a new one. */
#include "walk-seen.h"

#include <stdint.h>
#include <stdlib.h>

static size_t seen_hash(dev_t dev, ino_t ino)
{
	uint64_t h = (uint64_t)ino * 0x9E3779B97F4A7C15ull ^ (uint64_t)dev * 0xC2B2AE3D27D4EB4Full;

	return (size_t)(h ^ (h >> 31));
}

static struct seen_slot *seen_slot(const struct seen *s, dev_t dev, ino_t ino)
{
	size_t mask = s->cap - 1;
	size_t i = seen_hash(dev, ino) & mask;

	while (s->slots[i].used && (s->slots[i].dev != dev || s->slots[i].ino != ino))
		i = (i + 1) & mask;
	return &s->slots[i];
}

bool seen_has(const struct seen *s, dev_t dev, ino_t ino)
{
	return s->cap > 0 && seen_slot(s, dev, ino)->used;
}

static lec_status seen_grow(struct seen *s)
{
	struct seen old = *s;

	s->cap = old.cap ? old.cap * 2 : 64;
	s->slots = calloc(s->cap, sizeof(*s->slots));
	if (!s->slots) {
		*s = old;
		return LEC_ENOMEM;
	}
	for (size_t i = 0; i < old.cap; i++) {
		if (old.slots[i].used)
			*seen_slot(s, old.slots[i].dev, old.slots[i].ino) = old.slots[i];
	}
	free(old.slots);
	return LEC_OK;
}

lec_status seen_add(struct seen *s, dev_t dev, ino_t ino)
{
	struct seen_slot *slot;

	if ((s->n + 1) * 2 > s->cap && seen_grow(s) != LEC_OK)
		return LEC_ENOMEM;
	slot = seen_slot(s, dev, ino);
	if (!slot->used) {
		slot->dev = dev;
		slot->ino = ino;
		slot->used = true;
		s->n++;
	}
	return LEC_OK;
}

void seen_release(struct seen *s)
{
	free(s->slots);
	s->slots = NULL;
	s->cap = s->n = 0;
}
