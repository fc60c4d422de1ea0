/* test_query.c - the query parser (searcher/query.c, query-ast.c) and its
 * Xapian translation (searcher/query-xap.c): tests/cases/query.cases, word
 * offsets, relaxing, strict errors, limits and a random-input loop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "limits.h"
#include "match.h"
#include "query.h"
#include "stem.h"
#include "xap.h"

static stemmer *english;

static int setup(void **state)
{
	(void)state;
	return stemmer_new("english", &english) == LEC_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	stemmer_free(english);
	return 0;
}

static const char *status_name(lec_status st)
{
	static const char *const names[LEC_STATUS_COUNT] = {
		[LEC_OK] = "OK",
		[LEC_ENOMEM] = "ENOMEM",
		[LEC_EINVAL] = "EINVAL",
		[LEC_EIO] = "EIO",
		[LEC_ENOTFOUND] = "ENOTFOUND",
		[LEC_ELOCKED] = "ELOCKED",
		[LEC_EMODIFIED] = "EMODIFIED",
		[LEC_ECORRUPT] = "ECORRUPT",
		[LEC_EVERSION] = "EVERSION",
		[LEC_ELIMIT] = "ELIMIT",
		[LEC_ESYNTAX] = "ESYNTAX",
		[LEC_ENETWORK] = "ENETWORK",
		[LEC_EUNIMPL] = "EUNIMPL",
		[LEC_EXAPIAN] = "EXAPIAN",
		[LEC_EINTERNAL] = "EINTERNAL",
		[LEC_ESTOP] = "ESTOP",
		[LEC_EPERM] = "EPERM",
		[LEC_ETIMEOUT] = "ETIMEOUT",
	};
	return (unsigned)st < LEC_STATUS_COUNT ? names[st] : "?";
}

/* ------------------------------------------------------------------ */
/* helpers                                                             */

/* What qp_parse gives, as the case table writes it: the explain form, or
 * "ERROR NAME: message". malloc'd. */
static char *parse_form(const char *q, size_t len, unsigned flags, qp_ast **out)
{
	struct qp_error err;
	qp_ast *ast = NULL;
	lec_status st = qp_parse(q, len, flags, english, &ast, &err);
	char *s;

	if (st != LEC_OK) {
		assert_null(ast);
		s = malloc(strlen(err.msg) + 32);
		assert_non_null(s);
		sprintf(s, "ERROR %s: %s", status_name(st), err.msg);
		if (out)
			*out = NULL;
		return s;
	}
	assert_non_null(ast);
	s = qp_explain(ast);
	assert_non_null(s);
	if (out)
		*out = ast;
	else
		qp_free(ast);
	return s;
}

static char *explain(const char *q, unsigned flags)
{
	return parse_form(q, strlen(q), flags, NULL);
}

#define assert_explain(q, flags, want)              \
	do {                                        \
		char *got_ = explain((q), (flags)); \
		assert_string_equal(got_, (want));  \
		free(got_);                         \
	} while (0)

/* xap_query_describe of qp_to_xapian, malloc'd. */
static char *describe(const qp_ast *ast)
{
	lec_status rc = LEC_OK;
	xap_query *q = qp_to_xapian(ast, NULL, &rc);
	char *d;

	assert_int_equal(rc, LEC_OK);
	assert_non_null(q);
	d = xap_query_describe(q);
	assert_non_null(d);
	xap_query_free(q);
	return d;
}

static char *relaxed(const qp_ast *ast)
{
	qp_ast *r = NULL;
	char *s;

	assert_int_equal(qp_relax(ast, &r), LEC_OK);
	if (!r)
		return strdup("NONE");
	s = qp_explain(r);
	assert_non_null(s);
	qp_free(r);
	return s;
}

/* ------------------------------------------------------------------ */
/* the case table                                                      */

struct text {
	char *s;
	size_t n, cap;
};

static void put(struct text *t, const char *s, size_t n)
{
	if (t->n + n + 1 > t->cap) {
		t->cap = (t->n + n + 1) * 2;
		t->s = realloc(t->s, t->cap);
		assert_non_null(t->s);
	}
	memcpy(t->s + t->n, s, n);
	t->n += n;
	t->s[t->n] = '\0';
}

static void put_utf8(struct text *t, unsigned long v)
{
	char b[4];
	size_t n;

	if (v < 0x80) {
		b[0] = (char)v;
		n = 1;
	} else if (v < 0x800) {
		b[0] = (char)(0xC0 | (v >> 6));
		b[1] = (char)(0x80 | (v & 0x3F));
		n = 2;
	} else if (v < 0x10000) {
		b[0] = (char)(0xE0 | (v >> 12));
		b[1] = (char)(0x80 | ((v >> 6) & 0x3F));
		b[2] = (char)(0x80 | (v & 0x3F));
		n = 3;
	} else {
		b[0] = (char)(0xF0 | (v >> 18));
		b[1] = (char)(0x80 | ((v >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((v >> 6) & 0x3F));
		b[3] = (char)(0x80 | (v & 0x3F));
		n = 4;
	}
	put(t, b, n);
}

/* Decode the escapes of query.cases: \\ \t \n \r \xHH \uXXXX and
 * \R{N}{TEXT} (TEXT, itself without escapes or '}', N times). */
static void unescape(const char *in, struct text *out)
{
	char hex[9];

	out->n = 0;
	put(out, "", 0);
	for (size_t i = 0; in[i];) {
		if (in[i] != '\\' || !in[i + 1]) {
			put(out, in + i++, 1);
			continue;
		}
		char e = in[i + 1];
		i += 2;
		if (e == '\\' || e == 't' || e == 'n' || e == 'r') {
			put(out, e == '\\' ? "\\" : e == 't' ? "\t" : e == 'n' ? "\n" : "\r", 1);
		} else if (e == 'x' || e == 'u') {
			size_t d = e == 'x' ? 2 : 4;
			assert_true(strlen(in + i) >= d);
			memcpy(hex, in + i, d);
			hex[d] = '\0';
			i += d;
			if (e == 'x') {
				char c = (char)strtoul(hex, NULL, 16);
				put(out, &c, 1);
			} else {
				put_utf8(out, strtoul(hex, NULL, 16));
			}
		} else if (e == 'R') {
			char *end;
			unsigned long n;
			const char *body, *close;

			assert_true(in[i] == '{');
			n = strtoul(in + i + 1, &end, 10);
			assert_true(end[0] == '}' && end[1] == '{');
			body = end + 2;
			close = strchr(body, '}');
			assert_non_null(close);
			for (unsigned long k = 0; k < n; k++)
				put(out, body, (size_t)(close - body));
			i = (size_t)(close + 1 - in);
		} else {
			fail_msg("bad escape \\%c", e);
		}
	}
}

static FILE *open_cases(void)
{
	static const char *const dirs[] = {
		"tests/cases",
		"../tests/cases",
		"../../tests/cases",
		"../../../tests/cases",
	};
	char path[4096];
	const char *env = getenv("LECTERN_CASES_DIR");
	FILE *f;

	if (env && *env) {
		snprintf(path, sizeof(path), "%s/query.cases", env);
		return fopen(path, "r");
	}
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/query.cases", dirs[i]);
		if ((f = fopen(path, "r")))
			return f;
	}
	return NULL;
}

static unsigned flags_of(const char *tag)
{
	unsigned f = 0;

	for (const char *c = tag + 1; *c; c++) {
		if (*c == 's')
			f |= QP_STRICT;
		else if (*c == 'p')
			f |= QP_WHOLE_PHRASE;
		else if (*c == 'i')
			f |= QP_IMPLICIT_PHRASE;
		else
			fail_msg("bad flag '%c' in query.cases", *c);
	}
	return f;
}

struct case_run {
	int lineno, failed, cases;
	qp_ast *ast; /* of the last q line, for ~ and x lines */
	char qline[160];
	int print; /* LECTERN_CASES_PRINT=1: print what we get */
};

static void check_line(struct case_run *cr, const char *what, const char *want, char *got)
{
	if (cr->print)
		printf("%s %s\n", what, got);
	else if (strcmp(want, got) != 0) {
		print_error("query.cases:%d: %s\n  want: %s %s\n  got:  %s %s\n", cr->lineno,
			    cr->qline, what, want, what, got);
		cr->failed++;
	}
	free(got);
}

/* A q line: parse, and check that whatever parsed also builds a Xapian
 * query, relaxes, lists its words and compiles for matching. */
static char *run_query(struct case_run *cr, const char *tag, const char *q)
{
	struct text t = { 0 };
	char *form;
	match_query *mq = NULL;

	qp_free(cr->ast);
	unescape(q, &t);
	snprintf(cr->qline, sizeof(cr->qline), "%s %.120s", tag, q);
	form = parse_form(t.s, t.n, flags_of(tag), &cr->ast);
	if (cr->ast) {
		free(describe(cr->ast));
		free(relaxed(cr->ast));
		assert_int_equal(match_query_new(cr->ast, english, &mq), LEC_OK);
		match_query_free(mq);
	}
	free(t.s);
	cr->cases++;
	return form;
}

static void test_case_table(void **state)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f = open_cases();
	struct case_run cr = { 0 };
	char *form = NULL;

	(void)state;
	if (!f)
		fail_msg("query.cases not found (run from the repo root or set LECTERN_CASES_DIR)");
	cr.print = getenv("LECTERN_CASES_PRINT") != NULL;
	while ((n = getline(&line, &cap, f)) >= 0) {
		char *sp;
		const char *rest;

		cr.lineno++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0 || line[0] == '#') {
			if (cr.print)
				printf("%s\n", line);
			continue;
		}
		sp = strchr(line, ' ');
		rest = sp ? sp + 1 : "";
		if (sp)
			*sp = '\0';
		if (line[0] == 'q') {
			free(form);
			form = run_query(&cr, line, rest);
			if (cr.print) {
				printf("%s %s\n= %s\n", line, rest, form);
				free(form);
				form = NULL;
			}
		} else if (!strcmp(line, "=")) {
			if (cr.print)
				continue;
			assert_non_null(form);
			check_line(&cr, "=", rest, form);
			form = NULL;
		} else if (!strcmp(line, "~")) {
			assert_non_null(cr.ast);
			check_line(&cr, "~", rest, relaxed(cr.ast));
		} else if (!strcmp(line, "x")) {
			assert_non_null(cr.ast);
			check_line(&cr, "x", rest, describe(cr.ast));
		} else {
			fail_msg("query.cases:%d: unknown line kind '%s'", cr.lineno, line);
		}
	}
	if (form) {
		print_error("query.cases: last q line has no = line\n");
		cr.failed++;
	}
	free(form);
	free(line);
	qp_free(cr.ast);
	fclose(f);
	assert_true(cr.cases >= 60);
	assert_int_equal(cr.failed, 0);
}

/* ------------------------------------------------------------------ */
/* explain, one feature at a time (beyond the table)                   */

static void test_long_phrase_is_cut(void **state)
{
	struct text t = { 0 };
	char *got;

	(void)state;
	unescape("\"\\R{100}{w }\"", &t);
	got = explain(t.s, 0);
	/* 100 words: a phrase of LEC_MAX_PHRASE_WORDS AND the rest */
	assert_true(strncmp(got, "AND(PHRASE(\"w\" ", 15) == 0);
	size_t words = 0;
	for (const char *p = got; (p = strstr(p, "\"w\"")); p += 3)
		words++;
	assert_int_equal(words, 100);
	assert_non_null(strstr(got, ") PHRASE(\"w\""));
	free(got);
	free(t.s);
}

static void test_terms_limit_edge(void **state)
{
	struct text t = { 0 };
	char buf[32];
	char *got;

	(void)state;
	snprintf(buf, sizeof(buf), "\\R{%d}{w }", LEC_MAX_QUERY_TERMS);
	unescape(buf, &t);
	got = explain(t.s, 0);
	assert_true(strncmp(got, "AND(WORD(w~w)", 13) == 0);
	free(got);
	put(&t, "w", 1);
	got = explain(t.s, 0);
	assert_string_equal(got, "ERROR ELIMIT: query has more than 1024 terms");
	free(got);
	free(t.s);
}

static void test_bytes_limit_edge(void **state)
{
	char *q = malloc(LEC_MAX_QUERY_BYTES + 1);
	char *got;

	(void)state;
	memset(q, ' ', LEC_MAX_QUERY_BYTES + 1);
	memcpy(q, "cattle", 6);
	got = parse_form(q, LEC_MAX_QUERY_BYTES, 0, NULL);
	assert_string_equal(got, "WORD(cattle~cattl)");
	free(got);
	got = parse_form(q, LEC_MAX_QUERY_BYTES + 1, 0, NULL);
	assert_string_equal(got, "ERROR ELIMIT: query longer than 65536 bytes");
	free(got);
	free(q);
}

static void test_nul_bytes_are_spaces(void **state)
{
	char *got = parse_form("a\0b", 3, 0, NULL);

	(void)state;
	assert_string_equal(got, "AND(WORD(a~a) WORD(b~b))");
	free(got);
}

static void test_bad_arguments(void **state)
{
	qp_ast *ast = (qp_ast *)&ast;
	struct qp_error err;
	lec_status rc = LEC_ENOMEM;

	(void)state;
	assert_int_equal(qp_parse(NULL, 3, 0, english, &ast, &err), LEC_EINVAL);
	assert_int_equal(qp_parse("a", 1, 0, english, NULL, NULL), LEC_EINVAL);
	/* NULL text of length 0 is the empty query */
	assert_int_equal(qp_parse(NULL, 0, 0, english, &ast, NULL), LEC_OK);
	assert_true(qp_is_empty(ast));
	/* sticky rc: nothing built when rc is already set */
	assert_null(qp_to_xapian(ast, NULL, &rc));
	assert_int_equal(rc, LEC_ENOMEM);
	qp_free(ast);
	qp_free(NULL);
	assert_null(qp_explain(NULL));
	assert_int_equal(qp_relax(NULL, &ast), LEC_EINVAL);
}

static void test_without_stemmer(void **state)
{
	qp_ast *ast;

	(void)state;
	assert_int_equal(qp_parse("instances", 9, 0, NULL, &ast, NULL), LEC_OK);
	char *s = qp_explain(ast);
	assert_string_equal(s, "WORD(instances~instances)");
	free(s);
	s = describe(ast);
	assert_string_equal(s, "Query(Zinstances)");
	free(s);
	qp_free(ast);
}

static void test_strict_column_counts_characters(void **state)
{
	(void)state;
	/* é is two bytes but one column */
	assert_explain("\xc3\xa9\xc3\xa9 ) b", QP_STRICT,
		       "ERROR ESYNTAX: column 4: unbalanced parenthesis");
	assert_explain("caf\xc3\xa9 \"x", QP_STRICT, "ERROR ESYNTAX: column 6: unclosed quote");
	assert_explain("\xc3\xa9 title:\xe2\x80\x9c"
		       "cell",
		       QP_STRICT, "ERROR ESYNTAX: column 9: unclosed quote");
}

static void test_the_tree(void **state)
{
	qp_ast *ast;
	const struct qp_node *r;
	const char *q = "cattle -pets year:2019";

	(void)state;
	assert_int_equal(qp_parse(q, strlen(q), 0, english, &ast, NULL), LEC_OK);
	r = qp_root(ast);
	assert_int_equal(r->kind, QP_AND);
	assert_int_equal(r->nkids, 3);
	assert_int_equal(r->kids[0]->kind, QP_WORD);
	assert_string_equal(r->kids[0]->words[0].word, "cattle");
	assert_string_equal(r->kids[0]->words[0].stem, "cattl");
	assert_int_equal(r->kids[1]->kind, QP_NOT);
	assert_int_equal(r->kids[1]->kids[0]->kind, QP_WORD);
	assert_int_equal(r->kids[2]->kind, QP_YEAR);
	assert_string_equal(r->kids[2]->value, "2019");
	assert_int_equal(r->kids[2]->off, 13);
	assert_int_equal(r->kids[2]->srclen, 9);
	assert_false(qp_is_empty(ast));
	qp_free(ast);
}

/* ------------------------------------------------------------------ */
/* words and their offsets (did you mean)                              */

struct words_seen {
	char text[512];
	int stop_after;
	int n;
};

static int collect_word(void *ctx, const struct qp_word *w)
{
	struct words_seen *ws = ctx;
	size_t len = strlen(ws->text);

	snprintf(ws->text + len, sizeof(ws->text) - len, "%s%s@%zu+%zu", len ? " " : "", w->word,
		 w->off, w->srclen);
	return ++ws->n == ws->stop_after;
}

static void expect_words(const char *q, unsigned flags, const char *want)
{
	qp_ast *ast;
	struct words_seen ws = { .stop_after = -1 };

	assert_int_equal(qp_parse(q, strlen(q), flags, english, &ast, NULL), LEC_OK);
	assert_int_equal(qp_words(ast, collect_word, &ws), LEC_OK);
	assert_string_equal(ws.text, want);
	qp_free(ast);
}

static void test_words_and_offsets(void **state)
{
	(void)state;
	expect_words("instnaces", 0, "instnaces@0+9");
	expect_words("Kubernetes conatiners", 0, "kubernetes@0+10 conatiners@11+10");
	/* phrases, split words, NEAR: every word, with its source bytes */
	expect_words("\"cattle, not pets\" re-invent", 0,
		     "cattle@1+6 not@9+3 pets@13+4 re@19+2 invent@22+6");
	expect_words("\xe2\x80\x9c"
		     "Don\xe2\x80\x99t\xe2\x80\x9d x",
		     0, "don't@3+7 x@14+1");
	expect_words("a NEAR/3 b", 0, "a@0+1 b@9+1");
	/* not negated words, fields, filters or wildcards */
	expect_words("a -b title:c speaker:d tag:e year:2019 rein* (f OR g)", 0,
		     "a@0+1 f@46+1 g@51+1");
	expect_words("cattle, not pets", QP_IMPLICIT_PHRASE, "cattle@0+6 not@8+3 pets@12+4");
	expect_words("", 0, "");
}

static void test_words_stop(void **state)
{
	qp_ast *ast;
	struct words_seen ws = { .stop_after = 2 };

	(void)state;
	assert_int_equal(qp_parse("a b c", 5, 0, english, &ast, NULL), LEC_OK);
	assert_int_equal(qp_words(ast, collect_word, &ws), LEC_ESTOP);
	assert_string_equal(ws.text, "a@0+1 b@2+1");
	qp_free(ast);
}

/* The caller's "did you mean": rewrite the text at a word's offsets. */
static void test_rewrite_with_offsets(void **state)
{
	const char *q = "title:cell \"instnaces of\" -foo";
	qp_ast *ast, *fixed;
	struct words_seen ws = { .stop_after = 1 };
	char buf[128];
	size_t off, len;

	(void)state;
	assert_int_equal(qp_parse(q, strlen(q), 0, english, &ast, NULL), LEC_OK);
	assert_int_equal(qp_words(ast, collect_word, &ws), LEC_ESTOP);
	assert_int_equal(sscanf(ws.text, "instnaces@%zu+%zu", &off, &len), 2);
	snprintf(buf, sizeof(buf), "%.*s%s%s", (int)off, q, "instances", q + off + len);
	assert_string_equal(buf, "title:cell \"instances of\" -foo");
	assert_int_equal(qp_parse(buf, strlen(buf), 0, english, &fixed, NULL), LEC_OK);
	char *s = qp_explain(fixed);
	assert_string_equal(s, "AND(FIELD(title: WORD(cell~cell)) PHRASE(\"instances\" \"of\") "
			       "NOT(WORD(foo~foo)))");
	free(s);
	qp_free(fixed);
	qp_free(ast);
}

/* ------------------------------------------------------------------ */
/* Xapian queries beyond the table                                     */

static void expect_xapian(const char *q, unsigned flags, const char *want)
{
	qp_ast *ast;
	char *d;

	assert_int_equal(qp_parse(q, strlen(q), flags, english, &ast, NULL), LEC_OK);
	d = describe(ast);
	assert_string_equal(d, want);
	free(d);
	qp_free(ast);
}

static void test_xapian_queries(void **state)
{
	(void)state;
	/* bare words: Z + Snowball stem; AND by default */
	expect_xapian("Instances", 0, "Query(Zinstanc)");
	expect_xapian("running instances", 0, "Query((Zrun AND Zinstanc))");
	/* phrases: unstemmed, consecutive; one word: the exact term */
	expect_xapian("\"cattle, not pets\"", 0, "Query((cattle PHRASE 3 not PHRASE 3 pets))");
	expect_xapian("\"cattle\"", 0, "Query(cattle)");
	expect_xapian("cattle, not pets", QP_IMPLICIT_PHRASE,
		      "Query((cattle PHRASE 3 not PHRASE 3 pets))");
	/* NEAR/n: window n + words - 1 */
	expect_xapian("a NEAR/5 b", 0, "Query((a NEAR 6 b))");
	expect_xapian("a NEAR/5 b NEAR c", 0, "Query((a NEAR 12 b NEAR 12 c))");
	/* fields */
	expect_xapian("title:\"cell based\"", 0, "Query((Scell PHRASE 2 Sbased))");
	expect_xapian("title:cells", 0, "Query(ZScell)");
	expect_xapian("path:notes/2019", 0, "Query((XPnotes PHRASE 2 XP2019))");
	expect_xapian("speaker:\"Werner Vogels\"", 0, "Query((XSwerner AND XSvogels))");
	expect_xapian("rein*", 0, "Query(WILDCARD SYNONYM rein)");
	/* filters do not weigh: FILTER inside AND, scaled by 0 inside OR */
	expect_xapian("cattle tag:DevOps year:2015", 0,
		      "Query((Zcattl FILTER Kdevops FILTER Y2015))");
	expect_xapian("year:2015 OR tag:aws", 0, "Query((<alldocuments> FILTER (Y2015 OR Kaws)))");
	expect_xapian("year:2015 OR cattle", 0, "Query((0 * Y2015 OR Zcattl))");
	expect_xapian("date:2019-06..", 0, "Query((<alldocuments> FILTER VALUE_GE 0 20190600))");
	/* negation */
	expect_xapian("-pets", 0, "Query((<alldocuments> AND_NOT Zpet))");
	expect_xapian("cattle -pets -\"pet names\"", 0,
		      "Query((Zcattl AND_NOT Zpet AND_NOT (pet PHRASE 2 names)))");
	/* a word too long to be a term matches nothing */
	expect_xapian("cattle OR xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		      0, "Query(Zcattl)");
	expect_xapian("", 0, "Query()");
}

/* ------------------------------------------------------------------ */
/* relaxing                                                            */

static void expect_relaxed(const char *q, unsigned flags, const char *want)
{
	qp_ast *ast;
	char *s;

	assert_int_equal(qp_parse(q, strlen(q), flags, english, &ast, NULL), LEC_OK);
	s = relaxed(ast);
	assert_string_equal(s, want);
	free(s);
	qp_free(ast);
}

static void test_relax(void **state)
{
	qp_ast *ast, *r;

	(void)state;
	expect_relaxed("cattle, not pets", QP_IMPLICIT_PHRASE,
		       "OR(WORD(cattle~cattl) WORD(not~not) WORD(pets~pet))");
	expect_relaxed("kubernetes containers", 0,
		       "OR(WORD(kubernetes~kubernet) WORD(containers~contain))");
	/* required parts, fields, filters and negations stay */
	expect_relaxed("+cattle pets herd speaker:jassy -dogs year:2012", 0,
		       "AND(OR(WORD(pets~pet) WORD(herd~herd)) +WORD(cattle~cattl) "
		       "FIELD(speaker: WORD(jassy)) NOT(WORD(dogs~dog)) YEAR(2012))");
	expect_relaxed("cattle", 0, "NONE");
	expect_relaxed("cattle OR pets", 0, "NONE");
	expect_relaxed("cattle speaker:jassy", 0, "NONE");
	expect_relaxed("\"cattle\"", 0, "WORD(cattle~cattl)");
	/* the relaxed tree outlives the original */
	assert_int_equal(qp_parse("\"a b\" c", 7, 0, english, &ast, NULL), LEC_OK);
	assert_int_equal(qp_relax(ast, &r), LEC_OK);
	qp_free(ast);
	char *s = qp_explain(r);
	assert_string_equal(s, "OR(WORD(a~a) WORD(b~b) WORD(c~c))");
	free(s);
	s = describe(r);
	assert_string_equal(s, "Query((Za OR Zb OR Zc))");
	free(s);
	qp_free(r);
}

/* ------------------------------------------------------------------ */
/* hostile input                                                       */

static void check_any(const char *q, size_t len, unsigned flags)
{
	qp_ast *ast = NULL, *r = NULL;
	struct qp_error err;
	lec_status st = qp_parse(q, len, flags, english, &ast, &err);

	if (st != LEC_OK) {
		assert_null(ast);
		assert_true(st == LEC_ESYNTAX || st == LEC_ELIMIT);
		assert_true(strlen(err.msg) > 0);
		assert_true(flags & QP_STRICT || st == LEC_ELIMIT);
		return;
	}
	char *s = qp_explain(ast);
	assert_non_null(s);
	free(s);
	free(describe(ast));
	assert_int_equal(qp_relax(ast, &r), LEC_OK);
	if (r)
		free(describe(r));
	qp_free(r);
	match_query *mq;
	assert_int_equal(match_query_new(ast, english, &mq), LEC_OK);
	match_query_free(mq);
	qp_free(ast);
}

static void test_random_queries(void **state)
{
	static const char *const atoms[] = {
		"a",
		"b",
		"cattle",
		"pets",
		"(",
		")",
		"\"",
		"\xe2\x80\x9c",
		"\xe2\x80\x9d",
		"\xc2\xab",
		"\xc2\xbb",
		"\xe2\x80\x9e",
		" ",
		" ",
		" ",
		"OR",
		"AND",
		"NOT",
		"NEAR",
		"NEAR/3",
		"NEAR/999",
		"-",
		"+",
		"*",
		"rein*",
		"title:",
		"path:",
		"speaker:",
		"tag:",
		"year:",
		"date:",
		"2019",
		"2019-06",
		"..",
		":",
		"\x01",
		"\t",
		"\xff",
		"don't",
		"re-invent",
		"\xe6\x9d\xb1",
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	};
	char q[512];
	unsigned seed = 12345;

	(void)state;
	for (int iter = 0; iter < 4000; iter++) {
		size_t len = 0;
		int n = (int)(rand_r(&seed) % 24);

		for (int k = 0; k < n; k++) {
			const char *a = atoms[rand_r(&seed) % (sizeof(atoms) / sizeof(*atoms))];
			size_t al = strlen(a);
			if (len + al >= sizeof(q))
				break;
			memcpy(q + len, a, al);
			len += al;
		}
		check_any(q, len, (unsigned)iter % 4 == 0 ? QP_STRICT : 0);
		check_any(q, len, QP_IMPLICIT_PHRASE);
	}
	/* random bytes */
	for (int iter = 0; iter < 2000; iter++) {
		size_t len = rand_r(&seed) % sizeof(q);
		for (size_t k = 0; k < len; k++)
			q[k] = (char)(rand_r(&seed) & 0xff);
		check_any(q, len, 0);
		check_any(q, len, QP_STRICT);
	}
}

/* The biggest queries of the worst shapes parse in linear time. */
static void test_worst_shapes_are_fast(void **state)
{
	static const char *const units[] = { "(",      ")",    "\"",  "- ",           "-",
					     "NOT ",   "( a ", "a) ", "\xe2\x80\x9c", "NEAR ",
					     "a NEAR " };
	char *q = malloc(LEC_MAX_QUERY_BYTES);
	clock_t start = clock();

	(void)state;
	for (size_t u = 0; u < sizeof(units) / sizeof(*units); u++) {
		size_t ul = strlen(units[u]), len = 0;
		while (len + ul <= LEC_MAX_QUERY_BYTES) {
			memcpy(q + len, units[u], ul);
			len += ul;
		}
		check_any(q, len, 0);
		check_any(q, len, QP_STRICT);
	}
	free(q);
	/* generous even under sanitizers; quadratic behaviour would take minutes */
	assert_true((double)(clock() - start) / CLOCKS_PER_SEC < 20.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case_table),
		cmocka_unit_test(test_long_phrase_is_cut),
		cmocka_unit_test(test_terms_limit_edge),
		cmocka_unit_test(test_bytes_limit_edge),
		cmocka_unit_test(test_nul_bytes_are_spaces),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_without_stemmer),
		cmocka_unit_test(test_strict_column_counts_characters),
		cmocka_unit_test(test_the_tree),
		cmocka_unit_test(test_words_and_offsets),
		cmocka_unit_test(test_words_stop),
		cmocka_unit_test(test_rewrite_with_offsets),
		cmocka_unit_test(test_xapian_queries),
		cmocka_unit_test(test_relax),
		cmocka_unit_test(test_random_queries),
		cmocka_unit_test(test_worst_shapes_are_fast),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
