/* langs.c - the languages of an index's notes (langs.h). */
#include "langs.h"

#include <stdlib.h>
#include <string.h>

#include "layout.h"

lec_status langs_each(xap_db *db, langs_fn fn, void *ctx)
{
	char *val = NULL;
	size_t len = 0;
	lec_status st =
		xap_db_get_metadata(db, LEC_META_LANGUAGES, strlen(LEC_META_LANGUAGES), &val, &len);
	for (char *p = val, *nl; !st && p < val + len; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(val + len - p));
		if (!nl)
			nl = val + len;
		*nl = 0; /* val has its NUL past len */
		if (nl > p)
			st = fn(ctx, p, (size_t)(nl - p));
	}
	free(val);
	return st;
}

void langs_put(struct buf *b, const char *name)
{
	buf_puts(b, name);
	buf_putc(b, '\n');
}

lec_status langs_save(xap_db *db, const struct buf *b)
{
	if (b->status)
		return LEC_ENOMEM;
	return xap_db_set_metadata(db, LEC_META_LANGUAGES, strlen(LEC_META_LANGUAGES),
				   b->data ? b->data : "", b->len);
}
