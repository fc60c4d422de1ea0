/* vec.h - growing arrays: the one copy of the double-the-capacity idiom,
 * and vectors of malloc'd strings (char **v, size_t n).
 *
 * vec_reserve takes and returns the array rather than a void ** to it, so
 * that callers keep their typed pointer and nothing is written through a
 * pointer of another type:
 *
 *	struct item *v = vec_reserve(s->items, &s->cap, s->n + 1, sizeof(*v), 16);
 *	if (!v)
 *		return LEC_ENOMEM;
 *	s->items = v;
 */
#ifndef LECTERN_VEC_H
#define LECTERN_VEC_H

#include <stddef.h>

#include "status.h"

/* `items` (of `elem`-byte elements, *cap of them allocated) with room for
 * at least `need`: the same array when it has room, else a larger one
 * (doubling, from `first` elements) and *cap updated. NULL when memory or
 * the size_t arithmetic runs out; then `items` and *cap are unchanged and
 * still the caller's. */
void *vec_reserve(void *items, size_t *cap, size_t need, size_t elem, size_t first);

/* Append `s` to the string vector, taking ownership: on failure `s` is
 * freed. A NULL `s` (a failed copy) is LEC_ENOMEM. */
lec_status strv_take(char ***v, size_t *n, char *s);

/* Append a copy of s[0..len). */
lec_status strv_push(char ***v, size_t *n, const char *s, size_t len);

/* Append a copy of the string s. */
lec_status strv_add(char ***v, size_t *n, const char *s);

/* Free every string, then the vector (NULL: nothing). */
void strv_free(char **v, size_t n);

#endif
