/* stemdict.c - the stem dictionary's stored form (stemdict.h). */
#include "stemdict.h"

#include <string.h>

#include "layout.h"
#include "limits.h"

size_t stemdict_key(const char *stem, size_t len, char *out)
{
	size_t pl = strlen(LEC_META_STEM_PREFIX);
	if (!len || len > LEC_MAX_TERM_BYTES)
		return 0;
	memcpy(out, LEC_META_STEM_PREFIX, pl);
	memcpy(out + pl, stem, len);
	out[pl + len] = 0;
	return pl + len;
}

/* <0, 0, >0 as a sorts before, equal to, after b (bytes, then length). */
static int word_cmp(const char *a, size_t al, const char *b, size_t bl)
{
	int c = memcmp(a, b, al < bl ? al : bl);
	return c ? c : (al > bl) - (al < bl);
}

void stemdict_merge(const char *old, size_t oldlen, const char *const *words, const size_t *lens,
		    size_t n, struct buf *out, int *changed)
{
	const char *p = old, *end = old + oldlen;
	size_t i = 0;
	buf_reset(out);
	*changed = 0;
	/* a merge of two sorted lists; a damaged tail (no '\n') is dropped */
	while (p < end || i < n) {
		const char *nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
		if (p < end && !nl)
			p = end;
		int c = !nl ? 1 : i == n ? -1 : word_cmp(p, (size_t)(nl - p), words[i], lens[i]);
		if (c <= 0) {
			buf_put(out, p, (size_t)(nl - p) + 1);
			p = nl + 1;
			i += c == 0;
		} else if (i < n) {
			buf_put(out, words[i], lens[i]);
			buf_putc(out, '\n');
			i++;
			*changed = 1;
		}
	}
}

lec_status stemdict_each(const char *val, size_t len, stemdict_cb cb, void *ctx)
{
	const char *p = val, *end = val + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return LEC_ECORRUPT;
		if (nl > p && cb && cb(ctx, p, (size_t)(nl - p)))
			return LEC_ESTOP;
		p = nl + 1;
	}
	return LEC_OK;
}
