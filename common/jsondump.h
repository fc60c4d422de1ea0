/* jsondump.h - json_dumps that says when it ran out of memory.
 *
 * jansson does not check everything it allocates: json_object_set_new
 * and json_array_append_new fail quietly (and most callers build a value
 * with many of them, unchecked), and json_dumps, when growing its output
 * fails while it writes an object's key, leaves the key out and goes on
 * ({"type":"begin",":"query"}). Either way a well-formed looking but wrong
 * line. After jsondump_init, jansson allocates through a malloc that notes
 * a failure (per thread), and jsondump returns NULL when one failed since
 * the thread's last jsondump: while the value was built, or dumped. */
#ifndef LECTERN_JSONDUMP_H
#define LECTERN_JSONDUMP_H

#include <jansson.h>

/* Route jansson's allocations through the noting malloc. Call once, before
 * any thread uses jansson (main does); without it jsondump is json_dumps. */
void jsondump_init(void);

/* json_dumps(j, flags), or NULL when j is NULL or an allocation of
 * jansson's failed in this thread since its last jsondump. The caller frees
 * the text with free(). */
char *jsondump(const json_t *j, size_t flags);

#endif
