/* people.c - per-directory tables of the people notes name (people.h). */
#include "people.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "layout.h"
#include "metakey.h"
#include "note.h"

/* Tables are keyed by their metadata key ("p:" + directory, or its hashed
 * form), so that loading needs no directory names. */
struct dir_people {
	struct hmap names; /* initials -> malloc'd name */
	int dirty;
};

void people_init(struct people *p)
{
	hmap_init(&p->dirs);
	pthread_mutex_init(&p->mu, NULL);
}

void people_release(struct people *p)
{
	size_t it = 0;
	struct hmap_entry *e;
	while (hmap_next(&p->dirs, &it, &e)) {
		struct dir_people *dp = e->value;
		if (!dp)
			continue;
		size_t jt = 0;
		struct hmap_entry *n;
		while (hmap_next(&dp->names, &jt, &n))
			free(n->value);
		hmap_release(&dp->names);
		free(dp);
	}
	hmap_release(&p->dirs);
	pthread_mutex_destroy(&p->mu);
}

/* The table under `key`, created empty when absent; NULL on ENOMEM. */
static struct dir_people *table(struct people *p, const char *key, size_t klen)
{
	struct hmap_entry *e;
	int created;
	if (hmap_put(&p->dirs, key, klen, &e, &created))
		return NULL;
	if (!created)
		return e->value;
	struct dir_people *dp = calloc(1, sizeof(*dp));
	if (dp)
		hmap_init(&dp->names);
	e->value = dp;
	return dp;
}

static struct dir_people *table_of_path(struct people *p, const char *path)
{
	char key[META_KEY_MAX];
	const char *slash = strrchr(path, '/');
	size_t kl = meta_key(LEC_META_PEOPLE_PREFIX, path, slash ? (size_t)(slash - path) : 0, key);
	return table(p, key, kl);
}

static int on_table(void *ctx, const char *key, size_t klen, const char *val, size_t vlen)
{
	struct people *p = ctx;
	struct dir_people *dp = table(p, key, klen);
	if (!dp)
		return 1;
	for (const char *q = val, *nl; q < val + vlen; q = nl + 1) {
		nl = memchr(q, '\n', (size_t)(val + vlen - q));
		if (!nl)
			nl = val + vlen;
		const char *tab = memchr(q, '\t', (size_t)(nl - q));
		struct hmap_entry *e;
		int created;
		if (!tab || hmap_put(&dp->names, q, (size_t)(tab - q), &e, &created) || !created)
			continue;
		e->value = strndup(tab + 1, (size_t)(nl - tab - 1));
	}
	return 0;
}

lec_status people_load(struct people *p, xap_db *db)
{
	lec_status st = xap_db_metadata_each(db, LEC_META_PEOPLE_PREFIX,
					     strlen(LEC_META_PEOPLE_PREFIX), on_table, p);
	return st == LEC_ESTOP ? LEC_ENOMEM : st;
}

const char *people_resolve(struct people *p, const char *path, const char *initials)
{
	pthread_mutex_lock(&p->mu);
	struct dir_people *dp = table_of_path(p, path);
	struct hmap_entry *e = dp ? hmap_get(&dp->names, initials, strlen(initials)) : NULL;
	const char *name = e ? e->value : NULL;
	pthread_mutex_unlock(&p->mu);
	return name;
}

void people_learn(struct people *p, const char *path, const struct note *n)
{
	pthread_mutex_lock(&p->mu);
	struct dir_people *dp = table_of_path(p, path);
	for (size_t i = 0; dp && i < n->npeople; i++) {
		const struct note_person *np = &n->people[i];
		struct hmap_entry *e;
		int created;
		if (!np->name || !np->initials || strchr(np->name, '\n') || strchr(np->name, '\t'))
			continue;
		if (hmap_put(&dp->names, np->initials, strlen(np->initials), &e, &created) ||
		    !created)
			continue;
		e->value = strdup(np->name);
		dp->dirty = 1;
	}
	pthread_mutex_unlock(&p->mu);
}

lec_status people_save(struct people *p, xap_db *db)
{
	lec_status st = LEC_OK;
	pthread_mutex_lock(&p->mu);
	size_t it = 0;
	struct hmap_entry *e;
	while (!st && hmap_next(&p->dirs, &it, &e)) {
		struct dir_people *dp = e->value;
		if (!dp || !dp->dirty)
			continue;
		struct buf b;
		buf_init(&b, 0);
		size_t jt = 0;
		struct hmap_entry *n;
		while (hmap_next(&dp->names, &jt, &n))
			if (n->value)
				buf_printf(&b, "%s\t%s\n", n->key, (char *)n->value);
		st = b.status ?
			     LEC_ENOMEM :
			     xap_db_set_metadata(db, e->key, e->klen, b.data ? b.data : "", b.len);
		buf_release(&b);
		if (!st)
			dp->dirty = 0;
	}
	pthread_mutex_unlock(&p->mu);
	return st;
}
