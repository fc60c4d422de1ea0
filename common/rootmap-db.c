/* rootmap-db.c - the copy of the roots each database keeps (rootmap.h):
 * apart from rootmap.c, which needs no Xapian, so that a command that reads
 * only INDEX/roots (`lectern completion --roots`) does not link it. */
#include "rootmap.h"

#include <stdlib.h>
#include <string.h>

#include "layout.h"

lec_status rootmap_load_db(struct rootmap *m, xap_db *db, struct buf *err)
{
	char *val = NULL;
	size_t len = 0;
	lec_status st = xap_db_get_metadata(db, LEC_META_ROOTS, strlen(LEC_META_ROOTS), &val, &len);
	if (!st)
		st = rootmap_decode(m, val, len, NULL, err);
	free(val);
	return st;
}

lec_status rootmap_save_db(const struct rootmap *m, xap_db *db)
{
	struct buf b;
	buf_init(&b, 0);
	rootmap_encode(m, NULL, &b);
	lec_status st = b.status;
	if (!st)
		st = xap_db_set_metadata(db, LEC_META_ROOTS, strlen(LEC_META_ROOTS),
					 b.data ? b.data : "", b.len);
	buf_release(&b);
	return st;
}
