/* jsondump.c - json_dumps that says when it ran out of memory (jsondump.h). */
#include "jsondump.h"

#include <pthread.h>
#include <stdlib.h>

/* Whether an allocation of jansson's failed in this thread since its last
 * jsondump: a thread-specific value (non-NULL: failed), not a _Thread_local.
 * This file is also in liblectern-engine.so, which is dlopen'd, and a
 * dlopen'd library's _Thread_local lives in dynamic TLS, where
 * LeakSanitizer's scan at exit crashed ("Tracer caught signal 11", T139
 * under ASan). A key of the first 32 costs no allocation to set. */
static pthread_key_t failed_key;
static pthread_once_t failed_once = PTHREAD_ONCE_INIT;
static int have_key;

static void make_key(void)
{
	have_key = pthread_key_create(&failed_key, NULL) == 0;
}

static void *noting_malloc(size_t n)
{
	void *p = malloc(n);
	if (!p && have_key)
		pthread_setspecific(failed_key, &failed_key);
	return p;
}

void jsondump_init(void)
{
	pthread_once(&failed_once, make_key);
	json_set_alloc_funcs(noting_malloc, free);
}

char *jsondump(const json_t *j, size_t flags)
{
	char *s = j ? json_dumps(j, flags) : NULL;
	if (have_key && pthread_getspecific(failed_key)) {
		free(s);
		s = NULL;
		pthread_setspecific(failed_key, NULL);
	}
	return s;
}
