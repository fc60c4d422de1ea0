/* query-field.c - the query parser's field values: date and year ranges
 * (absolute and relative), tags, and the text fields (title:, path:,
 * speaker:, heading:). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "layout.h"
#include "limits.h"
#include "query-parser.h"
#include "tokenize.h"
#include "vec.h"

static const char *const field_names[] = {
	[F_TITLE] = "title", [F_PATH] = "path", [F_SPEAKER] = "speaker", [F_TAG] = "tag",
	[F_YEAR] = "year",   [F_DATE] = "date", [F_HEADING] = "heading",
};

const char *const *qp_field_names(size_t *n)
{
	*n = sizeof(field_names) / sizeof(field_names[0]);
	return field_names;
}

/* Parse YYYY, YYYY-MM or YYYY-MM-DD (month and day of 1 or 2 digits) into
 * the lowest and highest 8-digit date values it covers: "2019-06" is
 * 20190600..20190699, so a note dated just "2019-06" (20190600) is in it. */
static int parse_date(const char *s, size_t n, int year_only, char lo[9], char hi[9])
{
	unsigned part[3] = { 0, 0, 0 }, digits[3] = { 0, 0, 0 }, np = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '-' && np < 2 && digits[np]) {
			np++;
		} else if (s[i] >= '0' && s[i] <= '9' && digits[np] < 4) {
			part[np] = part[np] * 10 + (unsigned)(s[i] - '0');
			digits[np]++;
		} else {
			return 0;
		}
	}
	np++;
	if (digits[0] != 4 || (year_only && np > 1) || !digits[np - 1])
		return 0;
	if ((np > 1 && (digits[1] > 2 || part[1] < 1 || part[1] > 12)) ||
	    (np > 2 && (digits[2] > 2 || part[2] < 1 || part[2] > 31)))
		return 0;
	snprintf(lo, 9, "%04u%02u%02u", part[0], part[1], part[2]);
	snprintf(hi, 9, "%04u%02u%02u", part[0], np > 1 ? part[1] : 99, np > 2 ? part[2] : 99);
	return 1;
}

/* A date people type (date: only): today, yesterday, or N days, weeks,
 * months or years ago (3d, 2w, 6m, 1y), as one day (lo = hi = YYYYMMDD),
 * in local time. *since: a count ago (alone, it means from then on). */
static int parse_relative(const char *s, size_t n, char lo[9], char hi[9], int *since)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	*since = 0;
	if (n == 5 && !strncasecmp(s, "today", 5)) {
	} else if (n == 9 && !strncasecmp(s, "yesterday", 9)) {
		tm.tm_mday -= 1;
	} else if (n >= 2 && n <= 5 && strchr("dwmy", s[n - 1] | 0x20)) {
		unsigned long k = 0;
		for (size_t i = 0; i + 1 < n; i++) {
			if (s[i] < '0' || s[i] > '9')
				return 0;
			k = k * 10 + (unsigned long)(s[i] - '0');
		}
		switch (s[n - 1] | 0x20) {
		case 'd':
			tm.tm_mday -= (int)k;
			break;
		case 'w':
			tm.tm_mday -= (int)(7 * k);
			break;
		case 'm':
			tm.tm_mon -= (int)k;
			break;
		default:
			tm.tm_year -= (int)k;
			break;
		}
		*since = 1;
	} else {
		return 0;
	}
	tm.tm_hour = 12; /* mktime normalises the day; noon steers clear of DST */
	if (mktime(&tm) == (time_t)-1 || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999)
		return 0;
	snprintf(lo, 9, "%04u%02u%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
		 (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u);
	memcpy(hi, lo, 9);
	return 1;
}

/* One end of a date: a written date, or (date: only) a relative one. */
static int parse_end(const char *s, size_t n, int year_only, char lo[9], char hi[9], int *since)
{
	*since = 0;
	if (parse_date(s, n, year_only, lo, hi))
		return 1;
	return !year_only && parse_relative(s, n, lo, hi, since);
}

/* year: and date: values. Nonzero when valid; a single year for year: is a
 * YEAR term (lo empty), everything else a DATE range. */
static int parse_date_value(const char *s, size_t n, int year_only, char lo[9], char hi[9])
{
	const char *dots = NULL;
	char l2[9], h2[9];
	int since = 0, ignored;

	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '.' && s[i + 1] == '.') {
			dots = s + i;
			break;
		}
	lo[0] = hi[0] = '\0';
	if (!dots) {
		if (!parse_end(s, n, year_only, lo, hi, &since))
			return 0;
		if (since)
			hi[0] = '\0'; /* date:2w is date:2w.. */
		return 1;
	}
	size_t ln = (size_t)(dots - s), rn = n - ln - 2;
	if (ln == 0 && rn == 0)
		return 0;
	if (ln && !parse_end(s, ln, year_only, lo, h2, &ignored))
		return 0;
	if (rn && !parse_end(dots + 2, rn, year_only, l2, hi, &ignored))
		return 0;
	if (ln && rn && strcmp(lo, hi) > 0) {
		/* written backwards (2015..2012): the same span */
		parse_end(dots + 2, rn, year_only, lo, h2, &ignored);
		parse_end(s, ln, year_only, l2, hi, &ignored);
	}
	return 1;
}

static struct qp_node *date_node(struct parser *p, const struct lex *t)
{
	char lo[9], hi[9];
	const char *v = p->text + t->voff;
	struct qp_node *n;

	if (!parse_date_value(v, t->vlen, t->field == F_YEAR, lo, hi)) {
		const char *want =
			t->field == F_YEAR ?
				"a year (YYYY or YYYY..YYYY)" :
				"a date (YYYY[-MM[-DD]], today, yesterday, Nd, Nw, Nm, Ny) "
				"or a range D..D";
		int shown = (int)(t->vlen > 40 ? 40 : t->vlen);
		if (qp_strict(p)) {
			qp_fail(p, LEC_ESYNTAX, t->off, "%s:%.*s is not %s", field_names[t->field],
				shown, v, want);
			return NULL;
		}
		qp_warn_at(p, t->off, "%s:%.*s is not %s: searched as words", field_names[t->field],
			   shown, v, want);
		return qp_text_node(p, t->off, t->len, QP_FIELD_BODY);
	}
	if (++p->nterms > LEC_MAX_QUERY_TERMS) {
		qp_fail(p, LEC_ELIMIT, SIZE_MAX, "query has more than %d terms",
			LEC_MAX_QUERY_TERMS);
		return NULL;
	}
	int single_year = t->field == F_YEAR && !memchr(v, '.', t->vlen);
	n = qp_node_new(p->ast, single_year ? QP_YEAR : QP_DATE, t->off, t->len);
	if (!n)
		return qp_oom(p);
	if (single_year) {
		if (!(n->value = qp_arena_strndup(p->ast, v, 4)))
			return qp_oom(p);
		return n;
	}
	if ((lo[0] && !(n->lo = qp_arena_strndup(p->ast, lo, 8))) ||
	    (hi[0] && !(n->hi = qp_arena_strndup(p->ast, hi, 8))))
		return qp_oom(p);
	return n;
}

static struct qp_node *tag_node(struct parser *p, const struct lex *t)
{
	char *norm = NULL;
	size_t nlen = 0;
	struct qp_node *n;

	if (tok_normalize(p->text + t->voff, t->vlen, &norm, &nlen) != LEC_OK)
		return qp_oom(p);
	if (++p->nterms > LEC_MAX_QUERY_TERMS) {
		free(norm);
		qp_fail(p, LEC_ELIMIT, SIZE_MAX, "query has more than %d terms",
			LEC_MAX_QUERY_TERMS);
		return NULL;
	}
	if (nlen == 0)
		n = qp_node_new(p->ast, QP_EMPTY, t->off, t->len);
	else if (nlen + strlen(LEC_PFX_TAG) > LEC_MAX_TERM_BYTES)
		n = qp_node_new(p->ast, QP_NOTHING, t->off, t->len);
	else if ((n = qp_node_new(p->ast, QP_TAG, t->off, t->len)))
		n->value = qp_arena_strndup(p->ast, norm, nlen);
	free(norm);
	if (!n || (n->kind == QP_TAG && !n->value))
		return qp_oom(p);
	return n;
}

static const enum qp_field text_fields[] = {
	[F_TITLE] = QP_FIELD_TITLE,
	[F_PATH] = QP_FIELD_PATH,
	[F_SPEAKER] = QP_FIELD_SPEAKER,
	[F_HEADING] = QP_FIELD_HEADING,
};

struct qp_node *qp_field_node(struct parser *p, const struct lex *t)
{
	struct qp_node *n;
	enum qp_field field;

	if (t->quoted && t->unclosed && qp_strict(p)) {
		/* the quote right after "name:" */
		qp_fail(p, LEC_ESYNTAX, t->off + strlen(field_names[t->field]) + 1,
			"unclosed quote");
		return NULL;
	}
	if (t->vlen == 0 && !t->quoted) {
		if (qp_strict(p)) {
			qp_fail(p, LEC_ESYNTAX, t->off, "%s: needs a value", field_names[t->field]);
			return NULL;
		}
		return qp_text_node(p, t->off, t->len, QP_FIELD_BODY);
	}
	if (t->field == F_TAG)
		return tag_node(p, t);
	if (t->field == F_YEAR || t->field == F_DATE)
		return date_node(p, t);
	field = text_fields[t->field];
	if (t->quoted)
		n = qp_phrase_node(p, t->voff, t->vlen, field, t->off, t->len);
	else
		n = qp_text_node(p, t->voff, t->vlen, field);
	if (!n || n->kind == QP_EMPTY || n->kind == QP_NOTHING)
		return n;
	if (!(n = qp_wrap_node(p->ast, QP_FIELD, n)))
		return qp_oom(p);
	n->field = field;
	n->off = t->off;
	n->srclen = t->len;
	return n;
}
