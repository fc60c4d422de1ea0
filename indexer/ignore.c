/* ignore.c - gitignore-syntax rules (see ignore.h).
 *
 * A pattern is stored once, with its `!`, leading `/` and trailing `/`
 * turned into flags; escapes stay in the text and are read by the matcher.
 * Matching works on `/`-separated segments: inside a segment `*` is matched
 * with the classic greedy algorithm that remembers only the last star (a
 * later star always subsumes an earlier one, so nothing else needs
 * revisiting), and across segments a `**` segment is matched the same way,
 * one level up: it is a star over whole segments. Both loops are bounded by
 * the product of the lengths; nothing recurses.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ignore.h"
#include "vec.h"

struct ign_rule {
	char *base; /* owned (one block with pat): directory, "" for the root */
	size_t base_len;
	const char *pat; /* points into the base block */
	size_t pat_len;
	bool negate;   /* `!pattern`: re-include */
	bool dir_only; /* `pattern/` */
	bool anchored; /* had a leading or middle '/': match the whole relative path */
};

struct ign_set {
	struct ign_rule *rules;
	size_t n, cap;
};

/* ---- parsing ---- */

/* Length of s without trailing spaces, keeping a space escaped by '\'. */
static size_t trim_trailing_spaces(const char *s, size_t len)
{
	size_t end = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len) {
			i++;
			end = i + 1;
		} else if (s[i] != ' ') {
			end = i + 1;
		}
	}
	return end;
}

/* Parse one line (len bytes, no '\n') into r's pattern fields, pointing into
 * the line. False for a line that holds no rule. */
static bool parse_line(const char *s, size_t len, struct ign_rule *r)
{
	len = strnlen(s, len);
	if (len > 0 && s[len - 1] == '\r')
		len--;
	len = trim_trailing_spaces(s, len);
	if (len == 0 || s[0] == '#')
		return false;
	memset(r, 0, sizeof(*r));
	if (s[0] == '!') {
		r->negate = true;
		s++;
		len--;
	}
	if (len > 0 && s[len - 1] == '/') {
		r->dir_only = true;
		len--;
	}
	r->anchored = memchr(s, '/', len) != NULL;
	if (len > 0 && s[0] == '/') {
		s++;
		len--;
	}
	if (len == 0)
		return false;
	r->pat = s;
	r->pat_len = len;
	return true;
}

/* ---- matching one segment ---- */

struct named_class {
	const char *name;
	int (*fn)(int);
};

static const struct named_class named_classes[] = {
	{ "alnum", isalnum }, { "alpha", isalpha }, { "blank", isblank }, { "cntrl", iscntrl },
	{ "digit", isdigit }, { "graph", isgraph }, { "lower", islower }, { "print", isprint },
	{ "punct", ispunct }, { "space", isspace }, { "upper", isupper }, { "xdigit", isxdigit },
};

/* `[:name:]` inside brackets. ASCII only, so the locale cannot change a
 * verdict; an unknown name matches nothing. */
static bool named_class_match(const char *name, size_t len, unsigned char c)
{
	if (c >= 0x80)
		return false;
	for (size_t i = 0; i < sizeof(named_classes) / sizeof(named_classes[0]); i++) {
		const struct named_class *nc = &named_classes[i];

		if (strlen(nc->name) == len && memcmp(nc->name, name, len) == 0)
			return nc->fn(c) != 0;
	}
	return false;
}

/* Find the ":]" closing a "[:" at p (which points just after it). */
static const char *find_class_end(const char *p, const char *pe)
{
	for (; p + 1 < pe; p++) {
		if (p[0] == ':' && p[1] == ']')
			return p;
		if (p[0] == ']')
			return NULL;
	}
	return NULL;
}

/* A bracket expression at p ('['). Sets *used to its length and *hit to
 * whether c is in it; false if it never closes. */
static bool bracket_match(const char *p, const char *pe, unsigned char c, size_t *used, bool *hit)
{
	const char *q = p + 1;
	bool neg = false, found = false, first = true;

	if (q < pe && (*q == '!' || *q == '^')) {
		neg = true;
		q++;
	}
	while (q < pe && (*q != ']' || first)) {
		unsigned char lo, hi;

		first = false;
		if (*q == '[' && q + 1 < pe && q[1] == ':') {
			const char *end = find_class_end(q + 2, pe);

			if (end) {
				found |= named_class_match(q + 2, (size_t)(end - (q + 2)), c);
				q = end + 2;
				continue;
			}
		}
		if (*q == '\\' && q + 1 < pe)
			q++;
		lo = (unsigned char)*q++;
		hi = lo;
		if (q + 1 < pe && *q == '-' && q[1] != ']') {
			q++;
			if (*q == '\\' && q + 1 < pe)
				q++;
			hi = (unsigned char)*q++;
		}
		if (lo <= c && c <= hi)
			found = true;
	}
	if (q >= pe)
		return false;
	*used = (size_t)(q + 1 - p);
	*hit = found != neg;
	return true;
}

/* Match one pattern element at p (anything but '*') against byte c: the
 * number of pattern bytes it spans, or 0 if it does not match. */
static size_t match_elem(const char *p, const char *pe, unsigned char c)
{
	size_t used;
	bool hit;

	switch (*p) {
	case '?':
		return 1;
	case '\\':
		/* a trailing lone backslash matches nothing, as in git */
		if (p + 1 == pe)
			return 0;
		return (unsigned char)p[1] == c ? 2 : 0;
	case '[':
		/* an unclosed bracket matches nothing, as in git */
		if (bracket_match(p, pe, c, &used, &hit))
			return hit ? used : 0;
		return 0;
	default:
		return (unsigned char)*p == c ? 1 : 0;
	}
}

/* Glob pattern [p, pe) against name [s, se); neither holds a '/'. */
static bool seg_match(const char *p, const char *pe, const char *s, const char *se)
{
	const char *star_p = NULL, *star_s = NULL;

	while (s < se) {
		size_t used;

		if (p < pe && *p == '*') {
			while (p < pe && *p == '*')
				p++;
			if (p == pe)
				return true;
			star_p = p;
			star_s = s;
			continue;
		}
		if (p < pe && (used = match_elem(p, pe, (unsigned char)*s)) > 0) {
			p += used;
			s++;
			continue;
		}
		if (!star_p)
			return false;
		/* let the last star swallow one more byte and retry */
		p = star_p;
		s = ++star_s;
	}
	while (p < pe && *p == '*')
		p++;
	return p == pe;
}

/* ---- matching across segments ---- */

static const char *seg_end(const char *p, const char *pe)
{
	const char *slash = memchr(p, '/', (size_t)(pe - p));

	return slash ? slash : pe;
}

/* Start of the segment after the one ending at end. */
static const char *seg_next(const char *end, const char *pe)
{
	return end < pe ? end + 1 : pe;
}

static bool is_double_star(const char *p, const char *end)
{
	return end - p == 2 && p[0] == '*' && p[1] == '*';
}

/* Pattern [p, pe) against path [s, se), segment by segment, `**` segments
 * matching any run of whole segments (a trailing one at least one). */
static bool path_match(const char *p, const char *pe, const char *s, const char *se)
{
	const char *star_p = NULL, *star_s = NULL;

	for (;;) {
		const char *pend = p < pe ? seg_end(p, pe) : pe;

		if (p < pe && is_double_star(p, pend)) {
			p = seg_next(pend, pe);
			if (p == pe)
				return s < se;
			star_p = p;
			star_s = s;
			continue;
		}
		if (s == se)
			return p == pe;
		if (p < pe) {
			const char *send = seg_end(s, se);

			if (seg_match(p, pend, s, send)) {
				p = seg_next(pend, pe);
				s = seg_next(send, se);
				continue;
			}
		}
		if (!star_p)
			return false;
		/* let the last `**` swallow one more segment and retry */
		star_s = seg_next(seg_end(star_s, se), se);
		p = star_p;
		s = star_s;
	}
}

/* Does rule r match relpath [path, path+len) whose last segment starts at
 * name? The path must lie strictly below the rule's directory. */
static bool rule_matches(const struct ign_rule *r, const char *path, size_t len, const char *name,
			 bool is_dir)
{
	if (r->dir_only && !is_dir)
		return false;
	if (r->base_len > 0) {
		if (len <= r->base_len + 1 || memcmp(path, r->base, r->base_len) != 0 ||
		    path[r->base_len] != '/')
			return false;
		path += r->base_len + 1;
		len -= r->base_len + 1;
	} else if (len == 0) {
		return false;
	}
	if (!r->anchored)
		return seg_match(r->pat, r->pat + r->pat_len, name, path + len);
	return path_match(r->pat, r->pat + r->pat_len, path, path + len);
}

/* Verdict of the set on the path [path, path+len) itself. */
static enum ign_verdict check_n(const struct ign_set *set, const char *path, size_t len,
				bool is_dir)
{
	const char *name = path + len;

	while (name > path && name[-1] != '/')
		name--;
	for (size_t i = set->n; i-- > 0;) {
		const struct ign_rule *r = &set->rules[i];

		if (rule_matches(r, path, len, name, is_dir))
			return r->negate ? IGN_INCLUDE : IGN_EXCLUDE;
	}
	return IGN_NONE;
}

/* ---- the set ---- */

lec_status ign_new(struct ign_set **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? LEC_OK : LEC_ENOMEM;
}

void ign_free(struct ign_set *set)
{
	if (!set)
		return;
	ign_truncate(set, 0);
	free(set->rules);
	free(set);
}

size_t ign_mark(const struct ign_set *set)
{
	return set->n;
}

void ign_truncate(struct ign_set *set, size_t mark)
{
	while (set->n > mark)
		free(set->rules[--set->n].base);
}

/* Append a copy of parsed rule r (whose pattern points into a line). */
static lec_status add_rule(struct ign_set *set, const char *base, size_t base_len,
			   const struct ign_rule *r)
{
	struct ign_rule *nr;
	char *block;

	struct ign_rule *grown = vec_reserve(set->rules, &set->cap, set->n + 1, sizeof(*grown), 16);

	if (!grown)
		return LEC_ENOMEM;
	set->rules = grown;
	block = malloc(base_len + 1 + r->pat_len + 1);
	if (!block)
		return LEC_ENOMEM;
	memcpy(block, base, base_len);
	block[base_len] = '\0';
	memcpy(block + base_len + 1, r->pat, r->pat_len);
	block[base_len + 1 + r->pat_len] = '\0';
	nr = &set->rules[set->n++];
	*nr = *r;
	nr->base = block;
	nr->base_len = base_len;
	nr->pat = block + base_len + 1;
	return LEC_OK;
}

lec_status ign_add_rules_text(struct ign_set *set, const char *base, const char *text, size_t len)
{
	size_t base_len;
	const char *end;

	if (!set || !base || (!text && len > 0))
		return LEC_EINVAL;
	base_len = strlen(base);
	end = text + len;
	while (text < end) {
		const char *nl = memchr(text, '\n', (size_t)(end - text));
		const char *line_end = nl ? nl : end;
		struct ign_rule r;

		if (parse_line(text, (size_t)(line_end - text), &r)) {
			lec_status st = add_rule(set, base, base_len, &r);

			if (st != LEC_OK)
				return st;
		}
		text = nl ? nl + 1 : end;
	}
	return LEC_OK;
}

enum ign_verdict ign_check(const struct ign_set *set, const char *relpath, bool is_dir)
{
	if (!set || !relpath)
		return IGN_NONE;
	return check_n(set, relpath, strlen(relpath), is_dir);
}

bool ign_is_ignored(const struct ign_set *set, const char *relpath, bool is_dir)
{
	size_t len;

	if (!set || !relpath)
		return false;
	len = strlen(relpath);
	for (size_t i = 0; i < len; i++) {
		if (relpath[i] == '/' && check_n(set, relpath, i, true) == IGN_EXCLUDE)
			return true;
	}
	return check_n(set, relpath, len, is_dir) == IGN_EXCLUDE;
}

bool ign_match_line(const char *line, const char *relpath, bool is_dir, bool *negated)
{
	struct ign_rule r;
	size_t len;
	const char *name;

	if (negated)
		*negated = false;
	if (!line || !relpath || !parse_line(line, strlen(line), &r))
		return false;
	if (negated)
		*negated = r.negate;
	r.base = NULL;
	r.base_len = 0;
	len = strlen(relpath);
	name = relpath + len;
	while (name > relpath && name[-1] != '/')
		name--;
	return rule_matches(&r, relpath, len, name, is_dir);
}

enum ign_verdict ign_check_first(const struct ign_set *const *sets, size_t n, const char *relpath,
				 bool is_dir)
{
	for (size_t i = 0; i < n; i++) {
		enum ign_verdict v = ign_check(sets[i], relpath, is_dir);

		if (v != IGN_NONE)
			return v;
	}
	return IGN_NONE;
}
