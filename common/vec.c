/* vec.c - growing arrays and string vectors (see vec.h). */
#include "vec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *vec_reserve(void *items, size_t *cap, size_t need, size_t elem, size_t first)
{
	if (need <= *cap && items)
		return items;
	size_t ncap = *cap ? *cap : (first ? first : 1);
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return NULL;
		ncap *= 2;
	}
	if (elem == 0 || ncap > SIZE_MAX / elem)
		return NULL;
	void *grown = realloc(items, ncap * elem);
	if (!grown)
		return NULL;
	*cap = ncap;
	return grown;
}

lec_status strv_take(char ***v, size_t *n, char *s)
{
	if (!s)
		return LEC_ENOMEM;
	char **nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv) {
		free(s);
		return LEC_ENOMEM;
	}
	nv[(*n)++] = s;
	*v = nv;
	return LEC_OK;
}

lec_status strv_push(char ***v, size_t *n, const char *s, size_t len)
{
	return strv_take(v, n, strndup(s, len));
}

lec_status strv_add(char ***v, size_t *n, const char *s)
{
	return strv_take(v, n, strdup(s));
}

void strv_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}
