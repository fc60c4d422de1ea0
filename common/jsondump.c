/* jsondump.c - json_dumps that says when it ran out of memory (jsondump.h). */
#include "jsondump.h"

#include <stdlib.h>

/* an allocation of jansson's failed in this thread since its last jsondump */
static _Thread_local int failed;

static void *noting_malloc(size_t n)
{
	void *p = malloc(n);
	if (!p)
		failed = 1;
	return p;
}

void jsondump_init(void)
{
	json_set_alloc_funcs(noting_malloc, free);
}

char *jsondump(const json_t *j, size_t flags)
{
	char *s = j ? json_dumps(j, flags) : NULL;
	if (s && failed) {
		free(s);
		s = NULL;
	}
	failed = 0;
	return s;
}
