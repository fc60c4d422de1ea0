/* note-date.c - a note's date: parsed from text (front matter, a title),
 * or found in its path ("2024-03-05-notes.md", ".../2024/march-5.md"). */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "note-internal.h"
#include "note.h"

static const char *const month_names[12] = {
	"january", "february", "march",     "april",   "may",      "june",
	"july",    "august",   "september", "october", "november", "december",
};

/* Month 1-12 of a month name or its abbreviation of 3+ letters ("sept"
 * too), or 0. */
static int month_of(const char *w, size_t len)
{
	if (len < 3 || len > 9)
		return 0;
	for (int m = 0; m < 12; m++)
		if (len <= strlen(month_names[m]) && strncasecmp(w, month_names[m], len) == 0)
			return m + 1;
	return 0;
}

/* Parse up to `max` digits at s[*i..len) as a number of exactly `min`..`max`
 * digits not followed by another digit; -1 if not. */
static int digits(const char *s, size_t len, size_t *i, int min, int max)
{
	int v = 0, n = 0;
	size_t j = *i;

	while (j < len && n < max && isdigit((unsigned char)s[j])) {
		v = v * 10 + (s[j++] - '0');
		n++;
	}
	if (n < min || (j < len && isdigit((unsigned char)s[j])))
		return -1;
	*i = j;
	return v;
}

static void format_date(char out[NOTE_DATE_BUF], int y, int m, int d)
{
	if (m && d)
		snprintf(out, NOTE_DATE_BUF, "%04d-%02d-%02d", y, m, d);
	else if (m)
		snprintf(out, NOTE_DATE_BUF, "%04d-%02d", y, m);
	else
		snprintf(out, NOTE_DATE_BUF, "%04d", y);
}

static bool year_ok(int y)
{
	return y >= 1000 && y <= 2999;
}

/* ISO-ish "YYYY[-MM[-DD]]" at s[i..); also '/' and '.' separators. */
static bool iso_date_at(const char *s, size_t len, size_t i, char out[NOTE_DATE_BUF])
{
	int y = digits(s, len, &i, 4, 4), m = 0, d = 0;

	if (!year_ok(y))
		return false;
	if (i + 1 < len && s[i] && strchr("-/.", s[i]) && isdigit((unsigned char)s[i + 1])) {
		char sep = s[i++];

		m = digits(s, len, &i, 1, 2);
		if (m < 1 || m > 12)
			return false;
		if (i + 1 < len && s[i] == sep && isdigit((unsigned char)s[i + 1])) {
			i++;
			d = digits(s, len, &i, 1, 2);
			if (d < 1 || d > 31)
				return false;
		}
	}
	format_date(out, y, m, d);
	return true;
}

/* A word: a run of ASCII letters or of digits, from s[*i]. A number's
 * ordinal suffix ("4th") is part of it. */
struct dword {
	size_t off, len;
	bool num;
};

static bool next_dword(const char *s, size_t len, size_t *i, struct dword *w)
{
	while (*i < len && !isalnum((unsigned char)s[*i]))
		(*i)++;
	if (*i >= len)
		return false;
	w->off = *i;
	w->num = isdigit((unsigned char)s[*i]);
	while (*i < len && (w->num ? isdigit((unsigned char)s[*i]) : isalpha((unsigned char)s[*i])))
		(*i)++;
	w->len = *i - w->off;
	if (w->num && len - *i >= 2 && (*i + 2 == len || !isalpha((unsigned char)s[*i + 2])) &&
	    (!strncasecmp(s + *i, "st", 2) || !strncasecmp(s + *i, "nd", 2) ||
	     !strncasecmp(s + *i, "rd", 2) || !strncasecmp(s + *i, "th", 2)))
		*i += 2;
	return true;
}

static int dword_num(const char *s, const struct dword *w)
{
	int v = 0;

	if (!w->num || w->len > 4)
		return -1;
	for (size_t k = 0; k < w->len; k++)
		v = v * 10 + (s[w->off + k] - '0');
	return v;
}

static bool is_year_word(const char *s, const struct dword *w)
{
	return w->len == 4 && year_ok(dword_num(s, w));
}

/* "Month D[th], YYYY", "D[th] Month[,] YYYY" or "Month YYYY" anywhere:
 * a window of three words slides over the text. */
static bool text_date(const char *s, size_t len, char out[NOTE_DATE_BUF])
{
	struct dword w[3];
	size_t i = 0, have = 0;

	for (;;) {
		while (have < 3 && next_dword(s, len, &i, &w[have]))
			have++;
		if (have < 2)
			return false;
		int m0 = w[0].num ? 0 : month_of(s + w[0].off, w[0].len);
		int m1 = w[1].num ? 0 : month_of(s + w[1].off, w[1].len);
		int n0 = dword_num(s, &w[0]), n1 = dword_num(s, &w[1]);
		bool y2 = have > 2 && is_year_word(s, &w[2]);

		if (m0 && n1 >= 1 && n1 <= 31 && y2) {
			format_date(out, dword_num(s, &w[2]), m0, n1);
			return true;
		}
		if (n0 >= 1 && n0 <= 31 && m1 && y2) {
			format_date(out, dword_num(s, &w[2]), m1, n0);
			return true;
		}
		if (m0 && is_year_word(s, &w[1])) {
			format_date(out, n1, m0, 0);
			return true;
		}
		w[0] = w[1];
		w[1] = w[2];
		have--;
	}
}

bool note_date_parse(const char *text, size_t len, char out[NOTE_DATE_BUF])
{
	size_t i = 0;

	while (i < len &&
	       (note_is_space((unsigned char)text[i]) || text[i] == '"' || text[i] == '\''))
		i++;
	if (iso_date_at(text, len, i, out))
		return true;
	return text_date(text + i, len - i, out);
}

/* A year 19xx/20xx standing alone (no digit on either side). */
static bool bare_year(const char *s, size_t len, char out[NOTE_DATE_BUF])
{
	for (size_t i = 0; i + 4 <= len; i++) {
		if ((i > 0 && isdigit((unsigned char)s[i - 1])) ||
		    (i + 4 < len && isdigit((unsigned char)s[i + 4])))
			continue;
		if (!((s[i] == '1' && s[i + 1] == '9') || (s[i] == '2' && s[i + 1] == '0')) ||
		    !isdigit((unsigned char)s[i + 2]) || !isdigit((unsigned char)s[i + 3]))
			continue;
		format_date(out, atoi((char[5]){ s[i], s[i + 1], s[i + 2], s[i + 3], 0 }), 0, 0);
		return true;
	}
	return false;
}

/* "june-4", "jan_25", "sept 21" at the start of a file name: month and day. */
static bool month_day_name(const char *base, size_t len, int *m, int *d)
{
	size_t i = 0;

	while (i < len && isalpha((unsigned char)base[i]))
		i++;
	*m = month_of(base, i);
	if (!*m || i >= len || !strchr("-_ ", base[i]))
		return false;
	i++;
	*d = digits(base, len, &i, 1, 2);
	return *d >= 1 && *d <= 31;
}

/* "YYYY-MM(-DD)" somewhere in the path (the last one wins: the deepest is
 * the most specific); a "YYYY-MM" directory with a "june-4.md" file in it
 * gives the day too. */
static bool path_date(const char *path, char out[NOTE_DATE_BUF])
{
	size_t len = strlen(path), best = SIZE_MAX;
	const char *base = strrchr(path, '/');
	char tmp[NOTE_DATE_BUF];
	int y, m, d, fm, fd;

	for (size_t i = 0; i + 7 <= len; i++) {
		if ((i > 0 && isdigit((unsigned char)path[i - 1])) || path[i + 4] != '-')
			continue;
		if (iso_date_at(path, len, i, tmp) && strlen(tmp) >= 7 &&
		    !(i + strlen(tmp) < len && isdigit((unsigned char)path[i + strlen(tmp)]))) {
			best = i;
			memcpy(out, tmp, NOTE_DATE_BUF);
		}
	}
	if (best == SIZE_MAX)
		return false;
	base = base ? base + 1 : path;
	if (strlen(out) == 7 && month_day_name(base, strlen(base), &fm, &fd)) {
		y = atoi(out);
		m = atoi(out + 5);
		d = fd;
		if (fm < m) /* a meeting running into the next year */
			y++;
		format_date(out, y, fm, d);
	}
	return true;
}

/* A year at the start of the file name ("2012-reinvent-....txt"). */
static bool base_year(const char *path, char out[NOTE_DATE_BUF])
{
	const char *base = strrchr(path, '/');
	size_t i = 0;
	int y;

	base = base ? base + 1 : path;
	y = digits(base, strlen(base), &i, 4, 4);
	if (y < 1900 || y > 2099)
		return false;
	format_date(out, y, 0, 0);
	return true;
}

lec_status note_date_derive(struct note *note, const char *path)
{
	char d[NOTE_DATE_BUF];
	const char *t = note->title;
	bool ok;

	if (note->date)
		return LEC_OK;
	ok = (path && path_date(path, d)) || (t && text_date(t, strlen(t), d)) ||
	     (path && base_year(path, d)) || (t && bare_year(t, strlen(t), d));
	if (ok && !(note->date = strdup(d)))
		return LEC_ENOMEM;
	return LEC_OK;
}
