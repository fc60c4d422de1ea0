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

/* A query's results and its options: every passage of `q` (ALL), to
 * compare the other forms with. The caller frees. */
static lectern_results_t *run_ok(lectern_index_t *idx, const char *q,
				 const lectern_query_options_t *o)
{
	lectern_results_t *res = NULL;
	lectern_status_t s = lectern_query_run(idx, q, o, &res);
	if (s != LECTERN_STATUS_SUCCESS)
		fail_msg("%s: %s: %s", q, lectern_status_str(s), lectern_index_last_error(idx));
	return res;
}

/* The result's head: fallback query, suggestion, fixed, explain, warnings. */
static void test_results_head(void **state)
{
	(void)state;
	lectern_index_t *idx = open_ro();
	assert_null(lectern_index_warnings(idx)); /* every shard is local */
	lectern_index_retry_shards(idx);          /* none left out: a no-op */
	lectern_index_retry_shards(NULL);
	lectern_results_t *res = run_ok(idx, "keynote", NULL);
	assert_false(lectern_results_fallback(res));
	assert_null(lectern_results_fallback_query(res));
	assert_null(lectern_results_explain(res)); /* not asked */
	assert_null(lectern_results_warnings(res));
	assert_false(lectern_results_fixed(res));
	lectern_results_free(res);

	lectern_query_options_t ex = { .flags = LECTERN_QUERY_EXPLAIN };
	res = run_ok(idx, "keynote", &ex);
	assert_non_null(lectern_results_explain(res));
	assert_non_null(strstr(lectern_results_explain(res), "keynote"));
	lectern_results_free(res);

	/* one word matches, the other nowhere: a fallback */
	res = run_ok(idx, "cattle zzyzzyvaquux", NULL);
	assert_true(lectern_results_fallback(res));
	assert_non_null(strstr(lectern_results_fallback_query(res), "zzyzzyvaquux"));
	assert_true(lectern_results_count(res) > 0);
	lectern_results_free(res);

	/* a misspelling: the suggestion, and with FIX its passages */
	res = run_ok(idx, "catle", NULL);
	assert_int_equal(lectern_results_count(res), 0);
	assert_string_equal(lectern_results_suggestion(res), "cattle");
	assert_false(lectern_results_fixed(res));
	lectern_results_free(res);
	lectern_query_options_t fix = { .flags = LECTERN_QUERY_FIX };
	res = run_ok(idx, "catle", &fix);
	assert_true(lectern_results_fixed(res));
	assert_true(lectern_results_count(res) > 0);
	assert_non_null(strstr(lectern_passage_snippet(lectern_results_next(res)), "attle"));
	lectern_results_free(res);
	lectern_index_close(idx);
}

/* COUNT gives the total of ALL and no passage; FILES one passage a note,
 * their counts adding up to the passages of ALL. */
static void test_count_and_files(void **state)
{
	(void)state;
	lectern_index_t *idx = open_ro();
	lectern_query_options_t all = { .flags = LECTERN_QUERY_ALL },
				count = { .flags = LECTERN_QUERY_COUNT },
				files = { .limit = 100, .flags = LECTERN_QUERY_FILES };
	lectern_results_t *a = run_ok(idx, "keynote", &all), *c = run_ok(idx, "keynote", &count),
			  *f = run_ok(idx, "keynote", &files);
	size_t n = lectern_results_count(a);
	assert_true(n > 2);
	assert_int_equal(lectern_results_count(c), 0);
	assert_int_equal(lectern_results_total(c), n);
	assert_true(lectern_results_total_exact(c));
	size_t nf = lectern_results_count(f), sum = 0;
	assert_true(nf >= 2 && nf < n);
	assert_int_equal(lectern_results_total(f), nf);
	for (lectern_passage_t *p; (p = lectern_results_next(f));) {
		assert_true(lectern_passage_file_matches(p) >= 1);
		sum += lectern_passage_file_matches(p);
	}
	assert_int_equal(sum, n);
	lectern_passage_t *p = lectern_results_next(a);
	assert_int_equal(lectern_passage_file_matches(p), 0); /* not asked */
	lectern_results_free(a);
	lectern_results_free(c);
	lectern_results_free(f);
	lectern_index_close(idx);
}

/* A passage's note: title, date, speakers, missing; NO_SNIPPETS: the
 * same places without text. */
static void test_passage_note(void **state)
{
	(void)state;
	lectern_index_t *idx = open_ro();
	lectern_query_options_t o = { .limit = 1 };
	lectern_results_t *res = run_ok(idx, "\"Werner Vogel Keynote Live Blog\"", &o);
	lectern_passage_t *p = lectern_results_next(res);
	assert_non_null(p);
	assert_string_equal(lectern_passage_title(p), "Thursday, November 29, 2012");
	assert_string_equal(lectern_passage_date(p), "2012-11-29");
	assert_int_equal(lectern_passage_speaker_count(p), 0);
	assert_null(lectern_passage_speaker(p, 0));
	assert_false(lectern_passage_missing(p));
	assert_true(lectern_passage_column(p) > 1);
	char *path = strdup(lectern_passage_path(p));
	uint32_t line = lectern_passage_line(p);
	lectern_results_free(res);
	o.flags = LECTERN_QUERY_NO_SNIPPETS;
	res = run_ok(idx, "\"Werner Vogel Keynote Live Blog\"", &o);
	p = lectern_results_next(res);
	assert_string_equal(lectern_passage_path(p), path);
	assert_string_equal(lectern_passage_snippet(p), "");
	assert_int_equal(lectern_passage_highlight_count(p), 0);
	assert_int_equal(lectern_passage_column(p), 1);
	assert_true(lectern_passage_line(p) <= line);
	assert_string_equal(lectern_passage_title(p), "Thursday, November 29, 2012");
	free(path);
	lectern_results_free(res);
	lectern_index_close(idx);
}

/* Context lines around the match, and the matched words in them. */
static void test_context(void **state)
{
	(void)state;
	lectern_index_t *idx = open_ro();
	lectern_query_options_t o = { .limit = 1, .context = 1 };
	lectern_results_t *res = run_ok(idx, "\"Werner Vogel Keynote Live Blog\"", &o);
	lectern_passage_t *p = lectern_results_next(res);
	uint32_t line = lectern_passage_line(p);
	assert_int_equal(lectern_passage_context_first_line(p), line - 1);
	assert_int_equal(lectern_passage_context_count(p), 3);
	const char *l = lectern_passage_context_line(p, 1);
	assert_non_null(strstr(l, "Werner Vogel Keynote Live Blog"));
	assert_null(lectern_passage_context_line(p, 3));
	size_t n = lectern_passage_context_highlight_count(p), li, off, len;
	assert_true(n >= 1);
	assert_int_equal(lectern_passage_context_highlight(p, 0, &li, &off, &len),
			 LECTERN_STATUS_SUCCESS);
	assert_int_equal(li, 1);
	assert_int_equal(off + 1, lectern_passage_column(p));
	assert_memory_equal(l + off, "Werner", 6);
	assert_int_equal(lectern_passage_context_highlight(p, n, NULL, NULL, NULL),
			 LECTERN_STATUS_INVALID_ARGUMENT);
	lectern_results_free(res);
	o.context = 0;
	res = run_ok(idx, "\"Werner Vogel Keynote Live Blog\"", &o);
	p = lectern_results_next(res);
	assert_int_equal(lectern_passage_context_count(p), 0);
	assert_int_equal(lectern_passage_context_first_line(p), 0);
	assert_int_equal(lectern_passage_context_highlight_count(p), 0);
	lectern_results_free(res);
	lectern_index_close(idx);
}

struct seen {
	char *path[64];
	uint32_t line[64];
	size_t n, stop_at;
	int head_fallback; /* the results said "fallback" at the first passage */
	const char *fallback_query;
};

static lectern_status_t see(void *ctx, const lectern_results_t *res, const lectern_passage_t *p)
{
	struct seen *s = ctx;
	if (s->n == 0) {
		s->head_fallback = lectern_results_fallback(res);
		s->fallback_query = lectern_results_fallback_query(res);
	}
	if (s->n < 64) {
		s->path[s->n] = strdup(lectern_passage_path(p));
		s->line[s->n] = lectern_passage_line(p);
	}
	s->n++;
	return s->stop_at && s->n == s->stop_at ? LECTERN_STATUS_LIMIT : LECTERN_STATUS_SUCCESS;
}

static void seen_free(struct seen *s)
{
	for (size_t i = 0; i < s->n && i < 64; i++)
		free(s->path[i]);
	memset(s, 0, sizeof(*s));
}

/* on_passage: the passages of the page in its order, none kept; a status
 * stops the search and is returned; the head is known at the first. */
static void test_on_passage(void **state)
{
	(void)state;
	lectern_index_t *idx = open_ro();
	lectern_query_options_t o = { .limit = 8 };
	lectern_results_t *page = run_ok(idx, "keynote", &o);
	struct seen s = { 0 };
	o.on_passage = see;
	o.on_passage_context = &s;
	lectern_results_t *res = run_ok(idx, "keynote", &o);
	assert_int_equal(lectern_results_count(res), 0);
	assert_null(lectern_results_next(res));
	assert_int_equal(s.n, lectern_results_count(page));
	assert_int_equal(lectern_results_total(res), lectern_results_total(page));
	for (size_t i = 0; i < s.n; i++) {
		lectern_passage_t *p = lectern_results_next(page);
		assert_string_equal(s.path[i], lectern_passage_path(p));
		assert_int_equal(s.line[i], lectern_passage_line(p));
	}
	lectern_results_free(res);
	lectern_results_free(page);
	seen_free(&s);

	/* stopped at the 2nd: its status, no results */
	s.stop_at = 2;
	res = (lectern_results_t *)&res;
	assert_int_equal(lectern_query_run(idx, "keynote", &o, &res), LECTERN_STATUS_LIMIT);
	assert_null(res);
	assert_int_equal(s.n, 2);
	assert_string_not_equal(lectern_index_last_error(idx), "");
	seen_free(&s);

	/* a fallback says so before its first passage */
	o.on_passage_context = &s;
	res = run_ok(idx, "cattle zzyzzyvaquux", &o);
	assert_true(s.n > 0);
	assert_true(s.head_fallback);
	assert_non_null(s.fallback_query);
	lectern_results_free(res);
	seen_free(&s);

	/* a generous time budget changes nothing */
	o.on_passage_context = &s;
	o.time_budget_ms = 600000;
	res = run_ok(idx, "keynote", &o);
	assert_int_equal(s.n, 8);
	lectern_results_free(res);
	seen_free(&s);
	lectern_index_close(idx);
}

static int place_le(const char *pa, uint32_t la, const char *pb, uint32_t lb)
{
	int c = strcmp(pa, pb);
	return c < 0 || (c == 0 && la <= lb);
}

/* BY_PLACE: the best page, in the order of places, collected or given. */
static void test_by_place(void **state)
{
	(void)state;
	lectern_index_t *idx = open_ro();
	lectern_query_options_t rank = { .limit = 6 },
				place = { .limit = 6, .flags = LECTERN_QUERY_BY_PLACE };
	lectern_results_t *r = run_ok(idx, "keynote", &rank), *p = run_ok(idx, "keynote", &place);
	size_t n = lectern_results_count(r);
	assert_int_equal(lectern_results_count(p), n);
	struct seen s = { 0 };
	place.on_passage = see;
	place.on_passage_context = &s;
	lectern_results_t *g = run_ok(idx, "keynote", &place);
	assert_int_equal(s.n, n);
	const lectern_passage_t *prev = NULL;
	int moved = 0;
	for (size_t i = 0; i < n; i++) {
		lectern_passage_t *a = lectern_results_next(p), *b = lectern_results_next(r);
		if (prev)
			assert_true(place_le(lectern_passage_path(prev), lectern_passage_line(prev),
					     lectern_passage_path(a), lectern_passage_line(a)));
		moved |= strcmp(lectern_passage_path(a), lectern_passage_path(b)) ||
			 lectern_passage_line(a) != lectern_passage_line(b);
		assert_string_equal(s.path[i], lectern_passage_path(a));
		assert_int_equal(s.line[i], lectern_passage_line(a));
		prev = a;
	}
	assert_true(moved); /* the rank order of "keynote" is not by place */
	lectern_results_free(r);
	lectern_results_free(p);
	lectern_results_free(g);
	seen_free(&s);
	lectern_index_close(idx);
}

/* The passage as `lectern find --json`'s match object (T030 compares the
 * two whole). */
static void test_passage_json(void **state)
{
	(void)state;
	lectern_index_t *idx = open_ro();
	lectern_query_options_t o = { .limit = 1, .context = 1 };
	lectern_results_t *res = run_ok(idx, "\"Werner Vogel Keynote Live Blog\"", &o);
	lectern_passage_t *p = lectern_results_next(res);
	char *json = (char *)&json;
	assert_int_equal(lectern_passage_json(NULL, &json), LECTERN_STATUS_INVALID_ARGUMENT);
	assert_null(json);
	assert_int_equal(lectern_passage_json(p, NULL), LECTERN_STATUS_INVALID_ARGUMENT);
	assert_int_equal(lectern_passage_json(p, &json), LECTERN_STATUS_SUCCESS);
	char want[1024];
	/* shown_path is the path itself: absolute, as the daemon answers */
	snprintf(want, sizeof(want),
		 "{\"path\":\"%s\",\"shown_path\":\"%s\",\"line\":%u,\"col\":%u,",
		 lectern_passage_path(p), lectern_passage_path(p), lectern_passage_line(p),
		 lectern_passage_column(p));
	assert_memory_equal(json, want, strlen(want));
	assert_non_null(strstr(json, "\"title\":\"Thursday, November 29, 2012\""));
	assert_non_null(strstr(json, "\"context_first_line\":"));
	assert_null(strchr(json, '\n'));
	assert_true(json[strlen(json) - 1] == '}');
	free(json); /* the caller's */
	lectern_results_free(res);

	/* places only: the same place and occurrences, without the text */
	o = (lectern_query_options_t){ .limit = 1, .flags = LECTERN_QUERY_OCCURRENCES };
	res = run_ok(idx, "\"Werner Vogel Keynote Live Blog\"", &o);
	lectern_passage_t *full = lectern_results_next(res);
	lectern_query_options_t po = {
		.limit = 1, .flags = LECTERN_QUERY_OCCURRENCES | LECTERN_QUERY_PLACES_ONLY
	};
	lectern_results_t *pres = run_ok(idx, "\"Werner Vogel Keynote Live Blog\"", &po);
	p = lectern_results_next(pres);
	assert_string_equal(lectern_passage_path(p), lectern_passage_path(full));
	assert_int_equal(lectern_passage_line(p), lectern_passage_line(full));
	assert_int_equal(lectern_passage_occurrence_count(p),
			 lectern_passage_occurrence_count(full));
	assert_true(lectern_passage_occurrence_count(p) > 0);
	assert_string_not_equal(lectern_passage_snippet(full), "");
	assert_string_equal(lectern_passage_snippet(p), "");
	assert_null(lectern_passage_title(p));
	assert_int_equal(lectern_passage_json(p, &json), LECTERN_STATUS_SUCCESS);
	assert_null(strstr(json, "\"snippet\""));
	assert_null(strstr(json, "\"title\""));
	assert_non_null(strstr(json, "\"occurrences\":[{"));
	free(json);
	lectern_results_free(pres);
	lectern_results_free(res);
	lectern_index_close(idx);
}

/* A read-only handle's first query sees what was committed after it was
 * opened (each query checks the index's revision, the first one too): a
 * daemon opens its handle at start and may be asked much later. Last: it
 * adds a root. */
static void test_first_query_sees_later_commit(void **state)
{
	(void)state;
	char notes[400], note[450];
	snprintf(notes, sizeof(notes), "%s/later", dir);
	snprintf(note, sizeof(note), "%s/later.md", notes);
	lectern_index_t *ro = open_ro(), *rw = NULL;
	char cmd[1200];
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && printf '# Later\\n\\nzebrafinch\\n' > '%s'",
		 notes, note);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(lectern_index_open(index_dir, LECTERN_MODE_READ_WRITE, &rw, NULL),
			 LECTERN_STATUS_SUCCESS);
	const char *roots[] = { notes };
	assert_int_equal(lectern_index_add_roots(rw, roots, 1, NULL, NULL), LECTERN_STATUS_SUCCESS);
	lectern_index_close(rw);
	lectern_results_t *res = NULL;
	assert_int_equal(lectern_query_run(ro, "zebrafinch", NULL, &res), LECTERN_STATUS_SUCCESS);
	assert_int_equal(lectern_results_count(res), 1);
	assert_non_null(strstr(lectern_passage_path(lectern_results_next(res)), "later.md"));
	lectern_results_free(res);
	lectern_index_close(ro);
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
		cmocka_unit_test(test_results_head),
		cmocka_unit_test(test_count_and_files),
		cmocka_unit_test(test_passage_note),
		cmocka_unit_test(test_context),
		cmocka_unit_test(test_on_passage),
		cmocka_unit_test(test_by_place),
		cmocka_unit_test(test_passage_json),
		cmocka_unit_test(test_first_query_sees_later_commit),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
