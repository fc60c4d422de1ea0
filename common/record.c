/* record.c - escaped key/value lines for document data. */
#include "record.h"

#include <stdlib.h>
#include <string.h>

void rec_put(struct buf *b, const char *key, const char *val, size_t vlen)
{
	buf_puts(b, key);
	buf_putc(b, '\t');
	size_t run = 0;
	for (size_t i = 0; i < vlen; i++) {
		char c = val[i];
		const char *esc = c == '\\' ? "\\\\" : c == '\n' ? "\\n" : c == '\t' ? "\\t" : NULL;
		if (!esc)
			continue;
		buf_put(b, val + run, i - run);
		buf_put(b, esc, 2);
		run = i + 1;
	}
	buf_put(b, val + run, vlen - run);
	buf_putc(b, '\n');
}

void rec_puts(struct buf *b, const char *key, const char *val)
{
	rec_put(b, key, val ? val : "", val ? strlen(val) : 0);
}

void rec_put_u64(struct buf *b, const char *key, uint64_t v)
{
	buf_puts(b, key);
	buf_printf(b, "\t%llu\n", (unsigned long long)v);
}

/* Unescape [s, e) in place into dst; returns the new length. */
static size_t unescape(char *dst, const char *s, const char *e)
{
	size_t n = 0;
	while (s < e) {
		if (*s == '\\' && s + 1 < e) {
			char c = s[1];
			dst[n++] = c == 'n' ? '\n' : c == 't' ? '\t' : c;
			s += 2;
		} else {
			dst[n++] = *s++;
		}
	}
	dst[n] = 0;
	return n;
}

lec_status rec_parse(const char *data, size_t len, struct record *rec)
{
	memset(rec, 0, sizeof(*rec));
	size_t lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += data[i] == '\n';
	rec->storage = malloc(len + 2);
	rec->fields = calloc(lines + 1, sizeof(*rec->fields));
	if (!rec->storage || !rec->fields) {
		rec_release(rec);
		return LEC_ENOMEM;
	}
	memcpy(rec->storage, data, len);
	rec->storage[len] = 0;
	char *p = rec->storage, *end = rec->storage + len;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *le = nl ? nl : end;
		char *tab = memchr(p, '\t', (size_t)(le - p));
		if (!tab) {
			rec_release(rec);
			return LEC_ECORRUPT;
		}
		*tab = 0;
		struct rec_field *f = &rec->fields[rec->n++];
		f->key = p;
		f->val = tab + 1;
		f->vlen = unescape(tab + 1, tab + 1, le);
		p = le + 1;
	}
	return LEC_OK;
}

void rec_release(struct record *rec)
{
	free(rec->fields);
	free(rec->storage);
	memset(rec, 0, sizeof(*rec));
}

const char *rec_get(const struct record *rec, const char *key, size_t *vlen)
{
	for (size_t i = 0; i < rec->n; i++) {
		if (strcmp(rec->fields[i].key, key) == 0) {
			if (vlen)
				*vlen = rec->fields[i].vlen;
			return rec->fields[i].val;
		}
	}
	return NULL;
}

uint64_t rec_get_u64(const struct record *rec, const char *key, uint64_t def)
{
	const char *v = rec_get(rec, key, NULL);
	if (!v || !*v)
		return def;
	char *end;
	unsigned long long n = strtoull(v, &end, 10);
	return *end ? def : (uint64_t)n;
}
