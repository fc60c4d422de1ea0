/* walk-seen.h - the set of directories a walk has entered (walk-seen.c). A
 * zeroed struct seen is empty; seen_release frees it. */
#ifndef LECTERN_WALK_SEEN_H
#define LECTERN_WALK_SEEN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "status.h"

struct seen_slot {
	dev_t dev;
	ino_t ino;
	bool used;
};

/* Every directory entered so far, by identity: an open-addressing set. */
struct seen {
	struct seen_slot *slots;
	size_t cap, n; /* cap is a power of two */
};

/* Whether directory (dev, ino) is in the set. */
bool seen_has(const struct seen *s, dev_t dev, ino_t ino);
/* Add (dev, ino) (once); LEC_ENOMEM leaves the set as it was. */
lec_status seen_add(struct seen *s, dev_t dev, ino_t ino);
void seen_release(struct seen *s);

#endif
