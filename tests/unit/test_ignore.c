/* test_ignore.c - gitignore-syntax rules: the case table
 * tests/cases/ignore.cases plus the API around it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ignore.h"

#define CASES_NAME "ignore.cases"
#define MIN_CASES 40

/* ---- the case table ---- */

static FILE *open_cases(void)
{
	static const char *const rel[] = {
		"tests/cases/" CASES_NAME,
		"../tests/cases/" CASES_NAME,
		"../../tests/cases/" CASES_NAME,
	};
	const char *dir = getenv("LECTERN_CASES_DIR");
	char path[4096];
	FILE *f;

	if (dir) {
		snprintf(path, sizeof(path), "%s/%s", dir, CASES_NAME);
		return fopen(path, "r");
	}
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		f = fopen(rel[i], "r");
		if (f)
			return f;
	}
	return NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode the table's escapes (see the head of ignore.cases) in place;
 * returns the decoded length. */
static size_t unescape(char *s)
{
	char *out = s;
	const char *in = s;

	while (*in) {
		if (in[0] != '\\' || !in[1]) {
			*out++ = *in++;
			continue;
		}
		switch (in[1]) {
		case 'n':
			*out++ = '\n';
			in += 2;
			break;
		case 'r':
			*out++ = '\r';
			in += 2;
			break;
		case 't':
			*out++ = '\t';
			in += 2;
			break;
		case '\\':
			*out++ = '\\';
			in += 2;
			break;
		case '|':
			*out++ = '|';
			in += 2;
			break;
		case '@':
			*out++ = '@';
			in += 2;
			break;
		case 'x':
			assert_true(hexval(in[2]) >= 0 && hexval(in[3]) >= 0);
			*out++ = (char)(hexval(in[2]) * 16 + hexval(in[3]));
			in += 4;
			break;
		default:
			*out++ = *in++;
			*out++ = *in++;
			break;
		}
	}
	*out = '\0';
	return (size_t)(out - s);
}

/* Add one `@dir:`-prefixed (or root) group of the rules field. */
static void add_group(struct ign_set *set, char *group)
{
	const char *base = "";
	size_t len;

	if (group[0] == '@') {
		char *colon = strchr(group, ':');

		assert_non_null(colon);
		*colon = '\0';
		base = group + 1;
		group = colon + 1;
	}
	len = unescape(group);
	assert_int_equal(ign_add_rules_text(set, base, group, len), LEC_OK);
}

/* Split the raw rules field at `||` (before unescaping, so "\|" is safe). */
static void add_rules_field(struct ign_set *set, char *rules)
{
	for (;;) {
		char *sep = strstr(rules, "||");

		while (sep && sep > rules && sep[-1] == '\\')
			sep = strstr(sep + 1, "||");
		if (sep)
			*sep = '\0';
		add_group(set, rules);
		if (!sep)
			return;
		rules = sep + 2;
	}
}

/* Run one case line; true if the verdict is the expected one. */
static bool run_case(char *line, int lineno)
{
	char *fields[4];
	char *save = NULL;
	struct ign_set *set;
	bool want, got;

	for (int i = 0; i < 4; i++) {
		fields[i] = strtok_r(i ? NULL : line, "\t", &save);
		if (!fields[i])
			fail_msg("ignore.cases:%d: want 4 TAB-separated fields", lineno);
	}
	assert_true(!strcmp(fields[2], "f") || !strcmp(fields[2], "d"));
	assert_true(!strcmp(fields[3], "ignored") || !strcmp(fields[3], "kept"));
	want = !strcmp(fields[3], "ignored");
	assert_int_equal(ign_new(&set), LEC_OK);
	add_rules_field(set, fields[0]);
	unescape(fields[1]);
	got = ign_is_ignored(set, fields[1], fields[2][0] == 'd');
	ign_free(set);
	if (got != want)
		print_error("ignore.cases:%d: expected %s, got %s\n", lineno, fields[3],
			    got ? "ignored" : "kept");
	return got == want;
}

static void test_case_table(void **state)
{
	FILE *f = open_cases();
	char line[8192];
	int lineno = 0, cases = 0, failed = 0;

	(void)state;
	if (!f)
		fail_msg("cannot find %s (set LECTERN_CASES_DIR or run from the repo root)",
			 CASES_NAME);
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);

		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		cases++;
		failed += !run_case(line, lineno);
	}
	fclose(f);
	assert_true(cases >= MIN_CASES);
	assert_int_equal(failed, 0);
}

/* ---- the API ---- */

static void test_verdicts(void **state)
{
	struct ign_set *set;
	static const char rules[] = "*.log\n!keep.log\n";

	(void)state;
	assert_int_equal(ign_new(&set), LEC_OK);
	assert_int_equal(ign_check(set, "a.log", false), IGN_NONE);
	assert_int_equal(ign_add_rules_text(set, "", rules, strlen(rules)), LEC_OK);
	assert_int_equal(ign_mark(set), 2);
	assert_int_equal(ign_check(set, "a.log", false), IGN_EXCLUDE);
	assert_int_equal(ign_check(set, "keep.log", false), IGN_INCLUDE);
	assert_int_equal(ign_check(set, "a.md", false), IGN_NONE);
	assert_int_equal(ign_check(NULL, "a.log", false), IGN_NONE);
	assert_false(ign_is_ignored(NULL, "a.log", false));
	ign_free(set);
	ign_free(NULL);
}

static void test_mark_truncate(void **state)
{
	struct ign_set *set;
	size_t mark;

	(void)state;
	assert_int_equal(ign_new(&set), LEC_OK);
	assert_int_equal(ign_add_rules_text(set, "", "*.tmp", 5), LEC_OK);
	mark = ign_mark(set);
	assert_int_equal(ign_add_rules_text(set, "sub", "!*.tmp\n*.md", 11), LEC_OK);
	assert_int_equal(ign_mark(set), 3);
	assert_int_equal(ign_check(set, "sub/a.tmp", false), IGN_INCLUDE);
	assert_int_equal(ign_check(set, "sub/a.md", false), IGN_EXCLUDE);
	ign_truncate(set, mark);
	assert_int_equal(ign_mark(set), 1);
	assert_int_equal(ign_check(set, "sub/a.tmp", false), IGN_EXCLUDE);
	assert_int_equal(ign_check(set, "sub/a.md", false), IGN_NONE);
	ign_free(set);
}

/* Sets of different kinds: the first with a matching rule decides, even
 * when a later one would say otherwise; bases are directories below any
 * fixed top (the walk uses absolute paths without their '/'). */
static void test_check_first(void **state)
{
	struct ign_set *lect, *dot, *git;
	static const char g[] = "*.md\n*.log\n";
	static const char d[] = "!keep.md\n";
	static const char l[] = "keep.md\n!*.log\n";

	(void)state;
	assert_int_equal(ign_new(&lect), LEC_OK);
	assert_int_equal(ign_new(&dot), LEC_OK);
	assert_int_equal(ign_new(&git), LEC_OK);
	assert_int_equal(ign_add_rules_text(git, "home/u/repo", g, strlen(g)), LEC_OK);
	assert_int_equal(ign_add_rules_text(dot, "home/u/repo/sub", d, strlen(d)), LEC_OK);
	const struct ign_set *const sets[] = { lect, NULL, dot, git };
	assert_int_equal(ign_check_first(sets, 4, "home/u/repo/a.md", false), IGN_EXCLUDE);
	assert_int_equal(ign_check_first(sets, 4, "home/u/repo/keep.md", false), IGN_EXCLUDE);
	assert_int_equal(ign_check_first(sets, 4, "home/u/repo/sub/keep.md", false), IGN_INCLUDE);
	assert_int_equal(ign_check_first(sets, 4, "home/u/other/a.md", false), IGN_NONE);
	assert_int_equal(ign_add_rules_text(lect, "home/u", l, strlen(l)), LEC_OK);
	assert_int_equal(ign_check_first(sets, 4, "home/u/repo/sub/keep.md", false), IGN_EXCLUDE);
	assert_int_equal(ign_check_first(sets, 4, "home/u/repo/x.log", false), IGN_INCLUDE);
	assert_int_equal(ign_check_first(sets, 0, "home/u/repo/x.log", false), IGN_NONE);
	ign_free(lect);
	ign_free(dot);
	ign_free(git);
}

/* Text need not be NUL-terminated; a NUL ends its line's pattern; a final
 * line without newline counts; bad arguments are refused. */
static void test_text_edges(void **state)
{
	struct ign_set *set;
	static const char text[] = { 'a', '\0', 'z', '\n', 'b', 'c' };

	(void)state;
	assert_int_equal(ign_new(&set), LEC_OK);
	assert_int_equal(ign_add_rules_text(set, "", text, sizeof(text)), LEC_OK);
	assert_int_equal(ign_mark(set), 2);
	assert_int_equal(ign_check(set, "a", false), IGN_EXCLUDE);
	assert_int_equal(ign_check(set, "az", false), IGN_NONE);
	assert_int_equal(ign_check(set, "bc", false), IGN_EXCLUDE);
	assert_int_equal(ign_check(set, "b", false), IGN_NONE);
	assert_int_equal(ign_add_rules_text(set, "", NULL, 0), LEC_OK);
	assert_int_equal(ign_add_rules_text(set, "", NULL, 3), LEC_EINVAL);
	assert_int_equal(ign_add_rules_text(set, NULL, "x", 1), LEC_EINVAL);
	assert_int_equal(ign_add_rules_text(NULL, "", "x", 1), LEC_EINVAL);
	assert_int_equal(ign_mark(set), 2);
	ign_free(set);
}

static void test_match_line(void **state)
{
	bool neg = true;

	(void)state;
	assert_true(ign_match_line("*.md", "a/b.md", false, &neg));
	assert_false(neg);
	assert_true(ign_match_line("!*.md", "b.md", false, &neg));
	assert_true(neg);
	assert_false(ign_match_line("# x", "# x", false, &neg));
	assert_false(neg);
	assert_false(ign_match_line("", "a", false, NULL));
	assert_false(ign_match_line("x/", "x", false, NULL));
	assert_true(ign_match_line("x/", "x", true, NULL));
}

/* Patterns that make naive recursive matchers exponential must be answered
 * right: an exponential matcher would take years over them, so it never
 * ends, and tests/run's timeout fails the program (no clock here). */
static void test_no_exponential_blowup(void **state)
{
	char name[4096], deep[4096], pat[512];
	size_t n = 0;

	(void)state;
	memset(name, 'a', 3000);
	name[3000] = '\0';
	assert_false(ign_match_line("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", name, false, NULL));
	name[2999] = 'b';
	assert_true(ign_match_line("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", name, false, NULL));
	for (int i = 0; i < 1000; i++) {
		deep[n++] = 'a';
		deep[n++] = '/';
	}
	deep[n++] = 'z';
	deep[n] = '\0';
	n = 0;
	for (int i = 0; i < 30; i++)
		n += (size_t)snprintf(pat + n, sizeof(pat) - n, "**/a/");
	snprintf(pat + n, sizeof(pat) - n, "b");
	assert_false(ign_match_line(pat, deep, false, NULL));
	pat[n] = 'z';
	assert_true(ign_match_line(pat, deep, false, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case_table),    cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_mark_truncate), cmocka_unit_test(test_text_edges),
		cmocka_unit_test(test_match_line),    cmocka_unit_test(test_no_exponential_blowup),
		cmocka_unit_test(test_check_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
