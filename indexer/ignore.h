/* ignore.h - gitignore-syntax rules deciding which paths the walk skips.
 *
 * A rule set is an ordered list of rules. Each rule comes from a rules text
 * (an ignore file, or settings the caller supplies) and carries the
 * directory that text applies to, as a path relative to some fixed top (the
 * walk uses "/": absolute paths without their leading slash; "" is the top
 * itself). The last rule that matches a path decides: an ordinary pattern
 * excludes, a `!pattern` re-includes. Deeper files are added after their
 * parents', so deeper rules win, as in git. Files of different kinds
 * (`.lecternignore`, `.ignore`, `.gitignore`) go in sets of their own,
 * combined by ign_check_first().
 *
 * Syntax (as gitignore(5)):
 *   - blank lines and lines starting with `#` are ignored; `\#` is a literal #;
 *   - trailing spaces are trimmed unless escaped (`foo\ `); a trailing CR is
 *     dropped too, so files edited on Windows work;
 *   - `!` negates; `\!` is a literal !;
 *   - a trailing `/` matches directories only;
 *   - a `/` at the start or in the middle anchors the pattern to the rules'
 *     directory; otherwise the pattern matches a name at any depth below it;
 *   - `*`, `?` and `[...]` (ranges, `!`/`^` negation, `[:alpha:]` classes)
 *     never match `/`; `\x` matches x literally; a pattern with an unclosed
 *     `[` matches nothing (as in git);
 *   - `**` as a whole segment: a leading one (`**` then `/foo`) matches
 *     in every directory, a trailing one (`foo/` then `**`) matches
 *     everything inside (not the directory itself), one in the middle
 *     (`a/`, `**`, `/b`) matches zero or more directories; `**` inside a
 *     segment is a plain `*`.
 * Matching is bytewise and case-sensitive; paths are not normalised (callers
 * pass "a/b", never "./a" or "a//b"). Matching never backtracks
 * exponentially: worst case is the product of pattern and path lengths.
 */
#ifndef LECTERN_IGNORE_H
#define LECTERN_IGNORE_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

struct ign_set;

enum ign_verdict {
	IGN_NONE = 0, /* no rule matched */
	IGN_EXCLUDE,  /* the last matching rule excludes the path */
	IGN_INCLUDE,  /* the last matching rule is a `!` re-include */
};

/* A new empty rule set in *out; the caller frees it with ign_free().
 * LEC_ENOMEM on allocation failure (then *out is NULL). */
lec_status ign_new(struct ign_set **out);

/* Free a set and every rule in it; ign_free(NULL) is a no-op. */
void ign_free(struct ign_set *set);

/* Parse `len` bytes of rules text (need not be NUL-terminated; may hold NUL
 * bytes, which end a line's pattern) and append its rules, applying to
 * `base` (a directory relative to the walk root, "" for the root; no leading
 * or trailing slash). Both are copied. LEC_EINVAL for a NULL argument,
 * LEC_ENOMEM on allocation failure (rules already appended stay). */
lec_status ign_add_rules_text(struct ign_set *set, const char *base, const char *text, size_t len);

/* The number of rules in the set: a mark for ign_truncate(). */
size_t ign_mark(const struct ign_set *set);

/* Drop every rule added after ign_mark() returned `mark` (the walk does this
 * when it leaves the directory whose `.lecternignore` added them). */
void ign_truncate(struct ign_set *set, size_t mark);

/* The verdict of the rules on `relpath` itself (relative to the walk root),
 * ignoring whether a parent directory is excluded: what the walk asks of
 * each entry of a directory it is already inside. NULL set: IGN_NONE. */
enum ign_verdict ign_check(const struct ign_set *set, const char *relpath, bool is_dir);

/* Whether `relpath` is ignored with git's full meaning: excluded by the last
 * matching rule, or inside an excluded directory (a `!` cannot re-include a
 * file whose parent directory is excluded). */
bool ign_is_ignored(const struct ign_set *set, const char *relpath, bool is_dir);

/* Match one pattern line (syntax above, without `!` negation semantics: a
 * leading `!` is reported through *negated) against `relpath`, relative to
 * the pattern's directory. Returns false for blank and comment lines. For
 * tests and tools; `negated` may be NULL. */
bool ign_match_line(const char *line, const char *relpath, bool is_dir, bool *negated);

/* The verdict of the first of sets[0 .. n) (NULL entries are skipped)
 * that has a rule matching `relpath`: how ignore files of different kinds
 * combine, the more specific kind first (walk.h). IGN_NONE when none does. */
enum ign_verdict ign_check_first(const struct ign_set *const *sets, size_t n, const char *relpath,
				 bool is_dir);

#endif
