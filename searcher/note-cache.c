/* note-cache.c - small notes' text kept between searches (note-cache.h). */
#include "note-cache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hmap.h"
#include "notefile.h"

/* What the file was when its text was read. */
struct file_id {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

struct kept {
	struct file_id id;
	struct note_text *text;
};

struct note_cache {
	struct hmap map; /* path -> struct kept * */
	size_t bytes, budget, max_note;
};

void note_text_release(struct note_text *t)
{
	if (t && --t->refs == 0) {
		free(t->data);
		free(t);
	}
}

lec_status note_cache_new(size_t budget, size_t max_note, struct note_cache **out)
{
	struct note_cache *c = calloc(1, sizeof(*c));
	*out = c;
	if (!c)
		return LEC_ENOMEM;
	hmap_init(&c->map);
	c->budget = budget;
	c->max_note = max_note;
	return LEC_OK;
}

static void drop_all(struct note_cache *c)
{
	struct hmap_entry *e;
	for (size_t i = 0; hmap_next(&c->map, &i, &e);) {
		struct kept *k = e->value;
		if (k)
			note_text_release(k->text);
		free(k);
	}
	hmap_clear(&c->map);
	c->bytes = 0;
}

void note_cache_free(struct note_cache *c)
{
	if (!c)
		return;
	drop_all(c);
	hmap_release(&c->map);
	free(c);
}

static int stat_id(const char *path, struct file_id *id)
{
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return -1;
	*id = (struct file_id){ st.st_dev, st.st_ino, st.st_size, st.st_mtim };
	return 0;
}

static int same_id(const struct file_id *a, const struct file_id *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/* Keep text t (one more reference) for path as file id; when the budget
 * would pass, everything kept goes first (a search's notes are read again
 * at most once per budget's worth). Out of memory: not kept. */
static void keep(struct note_cache *c, const char *path, const struct file_id *id,
		 struct note_text *t)
{
	size_t plen = strlen(path);
	struct hmap_entry *e = hmap_get(&c->map, path, plen);
	if (e && e->value) { /* an older text of the same path */
		struct kept *old = e->value;
		c->bytes -= old->text->len;
		note_text_release(old->text);
		free(old);
		e->value = NULL;
	}
	if (c->bytes + t->len > c->budget) {
		drop_all(c);
		e = NULL;
	}
	int created = 0;
	struct kept *k = malloc(sizeof(*k));
	if (!k || (!e && hmap_put(&c->map, path, plen, &e, &created))) {
		free(k);
		return;
	}
	*k = (struct kept){ *id, t };
	e->value = k;
	t->refs++;
	c->bytes += t->len;
}

lec_status note_cache_get(struct note_cache *c, const char *path, struct note_text **out)
{
	struct file_id id, after;
	*out = NULL;
	if (stat_id(path, &id) != 0 || (uint64_t)id.size > c->max_note)
		return LEC_OK;
	struct hmap_entry *e = hmap_get(&c->map, path, strlen(path));
	struct kept *k = e ? e->value : NULL;
	if (k && k->text && same_id(&k->id, &id)) {
		k->text->refs++;
		*out = k->text;
		return LEC_OK;
	}
	struct note_text *t = calloc(1, sizeof(*t));
	if (!t)
		return LEC_ENOMEM;
	lec_status st = notefile_read(path, c->max_note, &t->data, &t->len, NULL);
	if (st) {
		free(t);
		return st == LEC_ENOMEM ? st : LEC_OK; /* the caller's own read tells */
	}
	t->refs = 1;
	/* kept only if the file did not change while it was read */
	if (t->len <= c->budget && stat_id(path, &after) == 0 && same_id(&id, &after))
		keep(c, path, &id, t);
	*out = t;
	return LEC_OK;
}
