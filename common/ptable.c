/* ptable.c - the passage table and passage records of a note (ptable.h). */
#include "ptable.h"

#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "pack.h"
#include "vec.h"

void ptable_init(struct ptable *t)
{
	memset(t, 0, sizeof(*t));
}

void ptable_release(struct ptable *t)
{
	free(t->v);
	ptable_init(t);
}

lec_status ptable_add(struct ptable *t, const struct ptable_entry *e)
{
	struct ptable_entry *v = vec_reserve(t->v, &t->cap, t->n + 1, sizeof(*v), 16);
	if (!v)
		return LEC_ENOMEM;
	t->v = v;
	t->v[t->n++] = *e;
	return LEC_OK;
}

/* Stored form: varint count; per passage the gap from the previous one's
 * last position, its span, its length, its heading's span, and how many
 * passages back its parent is (0: none). */
void ptable_encode(const struct ptable *t, struct buf *b)
{
	uint32_t prev_end = 0;
	pk_put_uint(b, t->n);
	for (size_t i = 0; i < t->n; i++) {
		const struct ptable_entry *e = &t->v[i];
		pk_put_uint(b, e->first - prev_end);
		pk_put_uint(b, e->span);
		pk_put_uint(b, e->words);
		pk_put_uint(b, e->heading);
		pk_put_uint(b, e->parent ? i + 1 - e->parent : 0);
		prev_end = e->first + e->span;
	}
}

lec_status ptable_decode(struct ptable *t, const char *data, size_t len)
{
	struct pk_reader r;
	pk_reader_init(&r, data, len);
	t->n = 0;
	/* each passage takes at least five bytes */
	size_t n = (size_t)pk_get_uint(&r, len / 5);
	if (!pk_ok(&r))
		return LEC_ECORRUPT;
	struct ptable_entry *v = vec_reserve(t->v, &t->cap, n ? n : 1, sizeof(*v), 16);
	if (!v)
		return LEC_ENOMEM;
	t->v = v;
	uint64_t end = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t first = end + pk_get_uint(&r, LEC_MAX_POSITION);
		uint64_t span = pk_get_uint(&r, LEC_MAX_POSITION);
		uint64_t words = pk_get_uint(&r, span);
		uint64_t heading = pk_get_uint(&r, span);
		uint64_t back = pk_get_uint(&r, i);
		end = first + span;
		if (!pk_ok(&r) || end > LEC_MAX_POSITION)
			return LEC_ECORRUPT;
		t->v[i] = (struct ptable_entry){ (uint32_t)first, (uint32_t)span, (uint32_t)words,
						 (uint32_t)heading,
						 back ? (uint32_t)(i + 1 - back) : 0 };
	}
	if (!pk_done(&r))
		return LEC_ECORRUPT;
	t->n = n;
	return LEC_OK;
}

long ptable_find(const struct ptable *t, uint32_t pos)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct ptable_entry *e = &t->v[mid];
		if (pos <= e->first)
			hi = mid;
		else if (pos > e->first + e->span)
			lo = mid + 1;
		else
			return (long)mid;
	}
	return -1;
}

void precord_init(struct precord *p)
{
	memset(p, 0, sizeof(*p));
	segmap_init(&p->map);
}

void precord_release(struct precord *p)
{
	strv_free(p->headings, p->nheadings);
	strv_free(p->speakers, p->nspeakers);
	segmap_release(&p->map);
	precord_init(p);
}

/* Stored form: varints start, length, line; the hash (8 bytes); the
 * heading path and the speakers (a count, then length-prefixed strings);
 * the segment map (segmap_pack). */
void precord_encode(const struct precord *p, struct buf *b)
{
	pk_put_uint(b, p->start);
	pk_put_uint(b, p->end - p->start);
	pk_put_uint(b, p->line);
	pk_put_u64le(b, p->hash);
	pk_put_uint(b, p->nheadings);
	for (size_t i = 0; i < p->nheadings; i++)
		pk_put_bytes(b, p->headings[i], strlen(p->headings[i]));
	pk_put_uint(b, p->nspeakers);
	for (size_t i = 0; i < p->nspeakers; i++)
		pk_put_bytes(b, p->speakers[i], strlen(p->speakers[i]));
	segmap_pack(&p->map, b);
}

static lec_status get_strings(struct pk_reader *r, size_t max, char ***v, size_t *n)
{
	size_t count = (size_t)pk_get_uint(r, max);
	for (size_t i = 0; pk_ok(r) && i < count; i++) {
		size_t len;
		const char *s = pk_get_bytes(r, &len);
		if (s && strv_push(v, n, s, len))
			return LEC_ENOMEM;
	}
	return pk_ok(r) ? LEC_OK : LEC_ECORRUPT;
}

lec_status precord_decode(struct precord *p, const char *data, size_t len)
{
	struct pk_reader r;
	precord_release(p);
	pk_reader_init(&r, data, len);
	p->start = (size_t)pk_get_uint(&r, LEC_MAX_NOTE_BYTES);
	size_t plen = (size_t)pk_get_uint(&r, LEC_MAX_NOTE_BYTES - p->start);
	p->end = p->start + plen;
	p->line = (uint32_t)pk_get_uint(&r, UINT32_MAX);
	p->hash = pk_get_u64le(&r);
	lec_status st = get_strings(&r, LEC_MAX_HEADING_DEPTH, &p->headings, &p->nheadings);
	if (!st)
		st = get_strings(&r, LEC_MAX_SPEAKERS_PER_FILE, &p->speakers, &p->nspeakers);
	if (!st)
		st = segmap_unpack(&p->map, &r, plen);
	if (!st && !pk_done(&r))
		st = LEC_ECORRUPT;
	return st;
}
