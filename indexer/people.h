/* people.h - the people a directory's notes name, by initials.
 *
 * Meeting notes name their attendees once ("Jordan Harband (JHD)"), often in
 * the first day's file only; the other days just say "JHD: ...". The tables
 * are kept in shard 0 as metadata "p:" + directory, so that an incremental
 * run knows them. All of them are loaded before indexing starts and the
 * calls below are thread-safe (one lock), so that parallel workers never
 * read the database while another thread writes it.
 */
#ifndef LECTERN_PEOPLE_H
#define LECTERN_PEOPLE_H

#include <pthread.h>

#include "hmap.h"
#include "status.h"
#include "xap.h"

struct note;

struct people {
	struct hmap dirs; /* directory -> struct dir_people* */
	pthread_mutex_t mu;
};

void people_init(struct people *p);
void people_release(struct people *p);

/* Every "p:" table of `db`. */
lec_status people_load(struct people *p, xap_db *db);

/* The name for initials in the directory of path, or NULL. The string lives
 * until people_release. */
const char *people_resolve(struct people *p, const char *path, const char *initials);

/* Remember the named people of a parsed note for its directory. */
void people_learn(struct people *p, const char *path, const struct note *n);

/* Write the tables that gained names into `db` (inside its transaction). */
lec_status people_save(struct people *p, xap_db *db);

#endif
