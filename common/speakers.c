/* speakers.c - attendee lists, "JHD: ..." speaker prefixes and
 * "Presenter: ..." lines in meeting notes.
 *
 * Everything here reads raw source bytes and is linear: each "(" or table
 * row is looked at once, and the walk back over a name is bounded by
 * NAME_MAX_WORDS words of at most LEC_MAX_WORD_BYTES bytes.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "limits.h"
#include "note-internal.h"
#include "speakers.h"

#define NAME_MAX_WORDS 5 /* "Frank Yung-Fong Tang" has 3; 5 is generous */
#define INITIALS_MIN 2
#define INITIALS_MAX 5
#define PRESENTERS_PER_LINE 16 /* a hostile "Presenter: a, b, c, ..." adds no more */

/* Lowercase words allowed inside a name: "Chris de Almeida". */
static const char *const particles[] = {
	"de",  "da",  "del", "della", "der", "den", "di",  "du", "dos",
	"das", "van", "von", "ter",   "la",  "le",  "bin", "al", "y",
};

/* Uppercase prefixes that are not people ("NOTE: ...") unless an attendee
 * list names someone so. */
static const char *const not_initials[] = {
	"NOTE", "TODO", "FIXME", "EDIT", "INFO", "WARN", "TBD", "FYI",
	"PS",   "HTTP", "HTTPS", "URL",  "API",  "JSON", "AKA",
};

static bool is_particle(const char *w, size_t len)
{
	for (size_t i = 0; i < sizeof(particles) / sizeof(particles[0]); i++)
		if (strlen(particles[i]) == len && memcmp(particles[i], w, len) == 0)
			return true;
	return false;
}

/* 2-5 ASCII capitals exactly. */
static bool is_initials(const char *s, size_t len)
{
	if (len < INITIALS_MIN || len > INITIALS_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return false;
	return true;
}

/* A capitalised name word: its first character an uppercase letter, the
 * rest letters, marks, '-', '.', or an apostrophe ("O'Neil", "J.", "Shu-yu",
 * "Sebestyén"). */
static bool is_name_word(const char *w, size_t len)
{
	utf8proc_ssize_t n;
	utf8proc_int32_t cp;
	size_t i = 0;
	bool first = true;

	while (i < len) {
		utf8proc_category_t cat;

		n = utf8proc_iterate((const utf8proc_uint8_t *)w + i, (utf8proc_ssize_t)(len - i),
				     &cp);
		if (n <= 0)
			return false;
		cat = utf8proc_category(cp);
		if (first && cat != UTF8PROC_CATEGORY_LU && cat != UTF8PROC_CATEGORY_LT)
			return false;
		if (!first && !(cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_ME) &&
		    cp != '-' && cp != '.' && cp != '\'' && cp != 0x2019)
			return false;
		first = false;
		i += (size_t)n;
	}
	return len > 0;
}

static bool is_hspace(char c)
{
	return c == ' ' || c == '\t';
}

/* The name that ends at src[end] (exclusive): up to NAME_MAX_WORDS words
 * separated by single spaces, walking back from `end` but not before
 * `floor`. Sets *start; returns false when there is no name. */
static bool name_before(const char *src, size_t floor, size_t end, size_t *start)
{
	size_t starts[NAME_MAX_WORDS];
	bool part[NAME_MAX_WORDS];
	size_t nw = 0, pos = end;

	while (nw < NAME_MAX_WORDS && pos > floor) {
		size_t ws = pos;

		while (ws > floor && !isspace((unsigned char)src[ws - 1]) &&
		       pos - ws <= LEC_MAX_WORD_BYTES)
			ws--;
		if (ws == pos || pos - ws > LEC_MAX_WORD_BYTES)
			break;
		part[nw] = is_particle(src + ws, pos - ws);
		if (!part[nw] && !is_name_word(src + ws, pos - ws))
			break;
		starts[nw++] = ws;
		if (ws == floor || src[ws - 1] != ' ')
			break;
		pos = ws - 1;
	}
	/* the name must begin with a capitalised word, not "de" */
	while (nw > 0 && part[nw - 1])
		nw--;
	if (!nw)
		return false;
	*start = starts[nw - 1];
	return true;
}

static lec_status add_named(struct note *note, const char *name, size_t nlen, const char *ini,
			    size_t ilen)
{
	int idx;

	return note_person_add(note, name, nlen, ini, ilen, &idx);
}

/* "Name (INI)" with the '(' at src[p]. */
static lec_status paren_person(struct note *note, size_t p)
{
	const char *src = note->src;
	size_t q = p + 1, start, end;

	while (q < note->len && q - p - 1 < INITIALS_MAX + 1 && src[q] >= 'A' && src[q] <= 'Z')
		q++;
	if (q >= note->len || src[q] != ')' || !is_initials(src + p + 1, q - p - 1))
		return LEC_OK;
	if (p < 2 || src[p - 1] != ' ')
		return LEC_OK;
	end = p - 1;
	while (end > 0 && src[end - 1] == ' ')
		end--;
	if (!name_before(src, 0, end, &start))
		return LEC_OK;
	return add_named(note, src + start, end - start, src + p + 1, q - p - 1);
}

/* Trim blanks (and markdown emphasis) around s[*b..*e). */
static void trim(const char *s, size_t *b, size_t *e)
{
	while (*b < *e && (isspace((unsigned char)s[*b]) || s[*b] == '*' || s[*b] == '_'))
		(*b)++;
	while (*e > *b &&
	       (isspace((unsigned char)s[*e - 1]) || s[*e - 1] == '*' || s[*e - 1] == '_'))
		(*e)--;
}

/* Is src[b..e) a whole name: 1-5 capitalised words (particles inside)? */
static bool is_whole_name(const char *src, size_t b, size_t e)
{
	size_t start;

	if (b >= e)
		return false;
	for (size_t i = b; i < e; i++)
		if (src[i] == '\t' || src[i] == '\n' ||
		    (src[i] == ' ' && i + 1 < e && src[i + 1] == ' '))
			return false;
	return name_before(src, b, e, &start) && start == b;
}

/* "| Jordan Harband | JHD | ... |": the tc39 attendee table. */
static lec_status table_person(struct note *note, size_t p, size_t eol)
{
	const char *src = note->src;
	const char *bar1 = memchr(src + p + 1, '|', eol - p - 1), *bar2;
	size_t nb, ne, ib, ie;

	if (!bar1)
		return LEC_OK;
	bar2 = memchr(bar1 + 1, '|', (size_t)(src + eol - bar1 - 1));
	if (!bar2)
		return LEC_OK;
	nb = p + 1;
	ne = (size_t)(bar1 - src);
	ib = ne + 1;
	ie = (size_t)(bar2 - src);
	trim(src, &nb, &ne);
	trim(src, &ib, &ie);
	if (!is_initials(src + ib, ie - ib) || !is_whole_name(src, nb, ne))
		return LEC_OK;
	return add_named(note, src + nb, ne - nb, src + ib, ie - ib);
}

lec_status spk_scan_people(struct note *note)
{
	const char *src = note->src, *p;
	size_t len = note->len, pos = 0;
	lec_status st = LEC_OK;

	/* table rows first: a table is an attendee list, nothing else */
	while (!st && pos < len) {
		const char *nl = memchr(src + pos, '\n', len - pos);
		size_t eol = nl ? (size_t)(nl - src) : len, b = pos;

		while (b < eol && is_hspace(src[b]))
			b++;
		if (b < eol && src[b] == '|')
			st = table_person(note, b, eol);
		pos = eol + 1;
	}
	for (pos = 0; !st && pos < len && (p = memchr(src + pos, '(', len - pos));) {
		size_t at = (size_t)(p - src);

		st = paren_person(note, at);
		pos = at + 1;
	}
	return st;
}

/* ---- blocks ---- */

static bool starts_with_ci(const char *s, size_t len, const char *word)
{
	size_t n = strlen(word);

	return len >= n && strncasecmp(s, word, n) == 0;
}

/* One presenter named in s[b..e): "Name (INI)", "Name", or "INI". */
static lec_status one_presenter(struct note *note, size_t b, size_t e, int *idx)
{
	const char *src = note->src;
	const char *paren;
	size_t ne;

	*idx = -1;
	trim(src, &b, &e);
	if (b >= e)
		return LEC_OK;
	if (is_initials(src + b, e - b)) {
		*idx = note_person_by_initials(note, src + b, e - b);
		return *idx >= 0 ? LEC_OK : note_person_add(note, NULL, 0, src + b, e - b, idx);
	}
	paren = memchr(src + b, '(', e - b);
	ne = paren ? (size_t)(paren - src) : e;
	for (const char *q = paren; q; q = memchr(q + 1, '(', (size_t)(src + e - q - 1))) {
		const char *close = memchr(q, ')', (size_t)(src + e - q));

		if (close && is_initials(q + 1, (size_t)(close - q - 1))) {
			*idx = note_person_by_initials(note, q + 1, (size_t)(close - q - 1));
			if (*idx >= 0)
				return LEC_OK;
			trim(src, &b, &ne);
			return note_person_add(note, src + b, ne - b, q + 1,
					       (size_t)(close - q - 1), idx);
		}
	}
	trim(src, &b, &ne);
	if (b >= ne || ne - b > LEC_MAX_HEADING_BYTES)
		return LEC_OK;
	*idx = note_person_by_name(note, src + b, ne - b);
	return *idx >= 0 ? LEC_OK : note_person_add(note, src + b, ne - b, NULL, 0, idx);
}

/* Where the next presenter separator (',', ';', '&', '/', " and ") in
 * s[b..e) begins, and its length; e when none. */
static size_t next_sep(const char *s, size_t b, size_t e, size_t *seplen)
{
	for (size_t i = b; i < e; i++) {
		if (s[i] == ',' || s[i] == ';' || s[i] == '&' || s[i] == '/') {
			*seplen = 1;
			return i;
		}
		if (s[i] == ' ' && e - i >= 5 && memcmp(s + i, " and ", 5) == 0) {
			*seplen = 5;
			return i;
		}
	}
	*seplen = 0;
	return e;
}

static lec_status presenters(struct note *note, struct note_block *block, size_t b, size_t e)
{
	lec_status st = LEC_OK;

	for (int n = 0; !st && b < e && n < PRESENTERS_PER_LINE; n++) {
		size_t seplen, s = next_sep(note->src, b, e, &seplen);
		int idx;

		st = one_presenter(note, b, s, &idx);
		if (block->presenter < 0)
			block->presenter = idx;
		b = s + seplen;
	}
	return st;
}

static bool stop_initials(const char *s, size_t len)
{
	for (size_t i = 0; i < sizeof(not_initials) / sizeof(not_initials[0]); i++)
		if (strlen(not_initials[i]) == len && memcmp(not_initials[i], s, len) == 0)
			return true;
	return false;
}

lec_status spk_classify(struct note *note, struct note_block *block, size_t text)
{
	const char *src = note->src;
	size_t end = block->end, n = 0, eol;
	const char *nl;

	if (text >= end)
		return LEC_OK;
	nl = memchr(src + text, '\n', end - text);
	eol = nl ? (size_t)(nl - src) : end;
	if (starts_with_ci(src + text, eol - text, "presenter:"))
		return presenters(note, block, text + 10, eol);
	if (starts_with_ci(src + text, eol - text, "presenters:"))
		return presenters(note, block, text + 11, eol);
	while (text + n < eol && n <= INITIALS_MAX && src[text + n] >= 'A' && src[text + n] <= 'Z')
		n++;
	if (!is_initials(src + text, n) || text + n + 1 >= eol || src[text + n] != ':' ||
	    !is_hspace(src[text + n + 1]))
		return LEC_OK;
	block->speaker = note_person_by_initials(note, src + text, n);
	/* "NOTE: ..." is nobody, unless the attendee list says otherwise */
	if (block->speaker >= 0 || stop_initials(src + text, n))
		return LEC_OK;
	return note_person_add(note, NULL, 0, src + text, n, &block->speaker);
}
