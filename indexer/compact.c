/* compact.c - compact one local Xapian database in place (see compact.h). */
#include "compact.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "layout.h"
#include "paths.h"

char *compact_copy_path(const char *path)
{
	char *p = NULL;
	return asprintf(&p, "%s%s", path, LEC_COMPACT_SUFFIX) < 0 ? NULL : p;
}

lec_status compact_in_place(xap_db *db, const char *path, const char *copy, char *why,
			    size_t whylen)
{
	lec_status st = xap_db_compact(db, copy);
	if (st) {
		snprintf(why, whylen, "%s", xap_db_error(db));
		return st;
	}
	if ((st = paths_exchange(path, copy))) {
		snprintf(why, whylen, "%s",
			 st == LEC_EUNIMPL ?
				 "the filesystem cannot swap two directories in one step" :
				 strerror(errno));
		return st;
	}
	/* the handle now points at the old copy: let its lock go first */
	xap_db_close(db);
	return LEC_OK;
}
