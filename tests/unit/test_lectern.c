/* test_lectern.c - the public API (lib/lectern.h) as a program using it
 * sees it: linked against build/liblectern.so.0 alone (lib/Makefile.local),
 * over an index of corpus/ in a temporary directory. Statuses and messages
 * of each kind of misuse, ownership (under ASan every handle, result and
 * message is freed: a leak fails), and the passages' accessors. */
#define _GNU_SOURCE 1 /* mkdtemp */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lectern.h"

static char dir[256]; /* holds the index: dir/index */
static char index_dir[300];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/lectern-test-api-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(index_dir, sizeof(index_dir), "%s/index", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_status_and_version(void **state)
{
	(void)state;
	for (int s = 0; s < LECTERN_STATUS_LAST_STATUS; s++)
		assert_string_not_equal(lectern_status_str((lectern_status_t)s), "unknown status");
	assert_string_equal(lectern_status_str(LECTERN_STATUS_LAST_STATUS), "unknown status");
	assert_string_equal(lectern_status_str((lectern_status_t)-1), "unknown status");
	char want[32];
	snprintf(want, sizeof(want), "%d.%d.%d", LECTERN_VERSION_MAJOR, LECTERN_VERSION_MINOR,
		 LECTERN_VERSION_PATCH);
	assert_string_equal(lectern_version(), want);
}

static void test_open_misuse(void **state)
{
	(void)state;
	lectern_index_t *idx = (lectern_index_t *)&idx;
	char *why = NULL;
	assert_int_equal(lectern_index_open(NULL, LECTERN_MODE_READ_ONLY, &idx, &why),
			 LECTERN_STATUS_INVALID_ARGUMENT);
	assert_null(idx);
	assert_non_null(why);
	free(why);
	assert_int_equal(lectern_index_open(index_dir, (lectern_mode_t)7, &idx, NULL),
			 LECTERN_STATUS_INVALID_ARGUMENT);
	assert_int_equal(lectern_index_open(index_dir, LECTERN_MODE_READ_ONLY, NULL, NULL),
			 LECTERN_STATUS_INVALID_ARGUMENT);
	/* no index yet: read-only needs one */
	assert_int_equal(lectern_index_open(index_dir, LECTERN_MODE_READ_ONLY, &idx, &why),
			 LECTERN_STATUS_NOT_FOUND);
	assert_null(idx);
	assert_non_null(strstr(why, "no index"));
	free(why);
	lectern_index_close(NULL);
	lectern_results_free(NULL);
	assert_string_equal(lectern_index_last_error(NULL), "");
}

static void test_index_and_update(void **state)
{
	(void)state;
	lectern_index_t *idx;
	lectern_results_t *res = (lectern_results_t *)&res;
	lectern_index_stats_t st;
	assert_int_equal(lectern_index_open(index_dir, LECTERN_MODE_READ_WRITE, &idx, NULL),
			 LECTERN_STATUS_SUCCESS);
	assert_non_null(strstr(lectern_index_path(idx), "/index"));
	assert_string_equal(lectern_index_last_error(idx), "");
	/* nothing indexed yet */
	assert_int_equal(lectern_query_run(idx, "cattle", NULL, &res), LECTERN_STATUS_NOT_FOUND);
	assert_null(res);
	assert_string_not_equal(lectern_index_last_error(idx), "");
	assert_int_equal(lectern_index_add_roots(idx, NULL, 0, NULL, &st),
			 LECTERN_STATUS_INVALID_ARGUMENT);
	const char *nowhere[] = { "/nonexistent/lectern-notes" };
	assert_int_equal(lectern_index_add_roots(idx, nowhere, 1, NULL, &st),
			 LECTERN_STATUS_NOT_FOUND);
	assert_non_null(strstr(lectern_index_last_error(idx), nowhere[0]));
	assert_int_equal(st.added, 0);

	const char *roots[] = { "corpus" };
	assert_int_equal(lectern_index_add_roots(idx, roots, 1, NULL, &st), LECTERN_STATUS_SUCCESS);
	assert_string_equal(lectern_index_last_error(idx), "");
	assert_true(st.added > 0);
	assert_int_equal(st.added, st.files);
	assert_true(st.passages >= st.added);
	uint64_t files = st.files;
	/* a search on the same handle sees the new index */
	assert_int_equal(lectern_query_run(idx, "cattle", NULL, &res), LECTERN_STATUS_SUCCESS);
	assert_true(lectern_results_count(res) > 0);
	lectern_results_free(res);
	assert_int_equal(lectern_index_update(idx, NULL, &st), LECTERN_STATUS_SUCCESS);
	assert_int_equal(st.unchanged, files);
	assert_int_equal(st.added + st.updated + st.removed, 0);
	lectern_index_close(idx);
}

static lectern_index_t *open_ro(void)
{
	lectern_index_t *idx = NULL;
	char *why = NULL;
	lectern_status_t s = lectern_index_open(index_dir, LECTERN_MODE_READ_ONLY, &idx, &why);
	if (s != LECTERN_STATUS_SUCCESS)
		fail_msg("open: %s: %s", lectern_status_str(s), why ? why : "");
	return idx;
}

static void test_read_only(void **state)
{
	(void)state;
	lectern_index_t *idx = open_ro();
	lectern_index_stats_t st;
	const char *roots[] = { "corpus" };
	assert_int_equal(lectern_index_add_roots(idx, roots, 1, NULL, &st),
			 LECTERN_STATUS_READ_ONLY);
	assert_int_equal(lectern_index_update(idx, NULL, NULL), LECTERN_STATUS_READ_ONLY);
	assert_non_null(strstr(lectern_index_last_error(idx), "read-only"));
	lectern_index_close(idx);
}

static void test_query_misuse(void **state)
{
	(void)state;
	lectern_index_t *idx = open_ro();
	lectern_results_t *res = NULL;
	lectern_query_options_t bad = { .flags = 1u << 30 };
	assert_int_equal(lectern_query_run(idx, "cattle", &bad, &res),
			 LECTERN_STATUS_INVALID_ARGUMENT);
	assert_null(res);
	assert_int_equal(lectern_query_run(idx, NULL, NULL, &res), LECTERN_STATUS_INVALID_ARGUMENT);
	assert_int_equal(lectern_query_run(idx, "cattle", NULL, NULL),
			 LECTERN_STATUS_INVALID_ARGUMENT);
	assert_int_equal(lectern_query_run(NULL, "cattle", NULL, &res),
			 LECTERN_STATUS_INVALID_ARGUMENT);
	lectern_query_options_t strict = { .flags = LECTERN_QUERY_STRICT };
	assert_int_equal(lectern_query_run(idx, "(cattle AND", &strict, &res),
			 LECTERN_STATUS_SYNTAX);
	assert_null(res);
	assert_string_not_equal(lectern_index_last_error(idx), "");
	/* the same query, forgiven */
	assert_int_equal(lectern_query_run(idx, "(cattle AND", NULL, &res), LECTERN_STATUS_SUCCESS);
	assert_string_equal(lectern_index_last_error(idx), "");
	lectern_results_free(res);
	assert_int_equal(lectern_query_run(idx, "zzyzzyvaquux", NULL, &res),
			 LECTERN_STATUS_SUCCESS);
	assert_int_equal(lectern_results_count(res), 0);
	assert_null(lectern_results_next(res));
	lectern_results_free(res);
	lectern_index_close(idx);
}

static void test_passage(void **state)
{
	(void)state;
	const char *q = "cattle, not pets";
	lectern_index_t *idx = open_ro();
	lectern_results_t *res;
	lectern_query_options_t o = { .limit = 1, .flags = LECTERN_QUERY_IMPLICIT_PHRASE };
	assert_int_equal(lectern_query_run(idx, q, &o, &res), LECTERN_STATUS_SUCCESS);
	assert_int_equal(lectern_results_count(res), 1);
	assert_true(lectern_results_total(res) >= 1);
	assert_false(lectern_results_fallback(res));
	lectern_passage_t *p = lectern_results_next(res);
	assert_non_null(p);
	assert_null(lectern_results_next(res));
	const char *path = lectern_passage_path(p);
	assert_true(path[0] == '/');
	assert_non_null(strstr(path, "/corpus/2015-reinvent-partner-keynote-cattle-not-pets.txt"));
	assert_int_equal(lectern_passage_line(p), 10);
	assert_int_equal(lectern_passage_column(p), 135);
	assert_true(lectern_passage_score(p) > 0);
	assert_false(lectern_passage_fallback(p));
	assert_false(lectern_passage_stale(p));
	assert_null(lectern_passage_heading(p, lectern_passage_heading_count(p)));
	const char *snip = lectern_passage_snippet(p);
	size_t off, len;
	assert_true(lectern_passage_highlight_count(p) >= 1);
	assert_int_equal(lectern_passage_highlight(p, 0, &off, &len), LECTERN_STATUS_SUCCESS);
	assert_true(off + len <= strlen(snip));
	assert_memory_equal(snip + off, q, strlen(q));
	assert_int_equal(
		lectern_passage_highlight(p, lectern_passage_highlight_count(p), &off, &len),
		LECTERN_STATUS_INVALID_ARGUMENT);
	/* occurrences only when asked */
	assert_int_equal(lectern_passage_occurrence_count(p), 0);
	assert_int_equal(lectern_passage_occurrence(p, 0, NULL, NULL, NULL, NULL),
			 LECTERN_STATUS_INVALID_ARGUMENT);
	lectern_results_free(res);

	o.flags |= LECTERN_QUERY_OCCURRENCES;
	assert_int_equal(lectern_query_run(idx, q, &o, &res), LECTERN_STATUS_SUCCESS);
	p = lectern_results_next(res);
	assert_non_null(p);
	assert_int_equal(lectern_passage_occurrence_count(p), 1);
	uint32_t line, col, end;
	const char *text;
	assert_int_equal(lectern_passage_occurrence(p, 0, &line, &col, &end, &text),
			 LECTERN_STATUS_SUCCESS);
	assert_int_equal(line, 10);
	assert_int_equal(col, 135);
	assert_int_equal(end - col, strlen(q));
	assert_non_null(text);
	assert_memory_equal(text + col - 1, q, strlen(q));
	lectern_results_free(res);
	lectern_index_close(idx);
}

/* A page is a slice of the same order: limit 2 offset 1 is the 2nd and 3rd
 * of limit 3. */
static void test_pages(void **state)
{
	(void)state;
	lectern_index_t *idx = open_ro();
	lectern_results_t *all, *page;
	lectern_query_options_t o3 = { .limit = 3 }, o2 = { .limit = 2, .offset = 1 };
	assert_int_equal(lectern_query_run(idx, "keynote", &o3, &all), LECTERN_STATUS_SUCCESS);
	assert_int_equal(lectern_query_run(idx, "keynote", &o2, &page), LECTERN_STATUS_SUCCESS);
	assert_int_equal(lectern_results_count(all), 3);
	assert_int_equal(lectern_results_count(page), 2);
	lectern_results_next(all);
	for (int i = 0; i < 2; i++) {
		lectern_passage_t *a = lectern_results_next(all), *b = lectern_results_next(page);
		assert_string_equal(lectern_passage_path(a), lectern_passage_path(b));
		assert_int_equal(lectern_passage_line(a), lectern_passage_line(b));
		assert_int_equal(lectern_passage_column(a), lectern_passage_column(b));
	}
	lectern_results_free(all);
	lectern_results_free(page);
	lectern_index_close(idx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_and_version),
		cmocka_unit_test(test_open_misuse),
		cmocka_unit_test(test_index_and_update),
		cmocka_unit_test(test_read_only),
		cmocka_unit_test(test_query_misuse),
		cmocka_unit_test(test_passage),
		cmocka_unit_test(test_pages),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
