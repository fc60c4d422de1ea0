/* frontmatter.h - YAML front matter ("---" ... "---" or "...") at the start
 * of a markdown note, read with libyaml. */
#ifndef LECTERN_FRONTMATTER_H
#define LECTERN_FRONTMATTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "note.h"
#include "status.h"

/* Does src[from..len) start with front matter? If so return true and set
 * *yaml and *yaml_len to the YAML text between the fences and *body to the
 * byte after the closing fence line. A front matter that is not closed
 * within LEC_FRONT_MATTER_MAX_BYTES is no front matter (*too_long is set
 * when the opening fence was there but no close was found in the bound). */
bool fm_find(const char *src, size_t len, size_t from, size_t *yaml, size_t *yaml_len, size_t *body,
	     bool *too_long);

/* Parse the YAML at note->src[yaml..yaml+yaml_len) (whose first line is
 * line `first_line` of the file) and set note->title, date, lang, tags and
 * speakers from keys title, date, tags/tag/keywords, speakers/speaker,
 * lang/language (scalars or sequences of scalars; a scalar tag or speaker
 * list may be comma-separated). Invalid YAML gives a warning, not an error:
 * only LEC_ENOMEM is returned. */
lec_status fm_parse(struct note *note, size_t yaml, size_t yaml_len, uint32_t first_line);

#endif
