/* search.c - a program that searches a lectern index through liblectern.
 *
 *   search [--vimgrep | --json] INDEX QUERY
 *
 * prints each of the ten best passages as "PATH:LINE:COLUMN: SNIPPET",
 * the words that matched in [brackets]; with --vimgrep, every place that
 * matches as "PATH:LINE:COLUMN:LINE TEXT", as `lectern find --format
 * vimgrep` does; with --json, each passage as a JSON object on a line of
 * its own, printed as the search makes it (on_passage), as `lectern find
 * --json` prints its "match" lines. Exit status: 0 found, 1 nothing
 * found, 2 an error.
 *
 * Build it against the installed library:
 *   cc -o search search.c -llectern
 * (`make check` builds it against build/liblectern.so.0 and runs it.)
 */
#include <lectern.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The snippet with each highlighted range in [brackets]. */
static void print_snippet(const lectern_passage_t *p)
{
	const char *s = lectern_passage_snippet(p);
	size_t at = 0, off, len;
	for (size_t i = 0; lectern_passage_highlight(p, i, &off, &len) == LECTERN_STATUS_SUCCESS;
	     i++) {
		if (off < at)
			continue;
		printf("%.*s[%.*s]", (int)(off - at), s + at, (int)len, s + off);
		at = off + len;
	}
	printf("%s\n", s + at);
}

static void print_places(const lectern_passage_t *p)
{
	uint32_t line, col;
	const char *text;
	for (size_t i = 0;
	     lectern_passage_occurrence(p, i, &line, &col, NULL, &text) == LECTERN_STATUS_SUCCESS;
	     i++)
		printf("%s:%u:%u:%s\n", lectern_passage_path(p), line, col, text ? text : "");
}

/* --json: each passage printed as it comes, none kept. */
static lectern_status_t print_json(void *context, const lectern_results_t *results,
				   const lectern_passage_t *p)
{
	(void)results;
	size_t *shown = context;
	char *json;
	lectern_status_t st = lectern_passage_json(p, &json);
	if (st != LECTERN_STATUS_SUCCESS)
		return st; /* stops the search: lectern_query_run returns it */
	printf("%s\n", json);
	free(json); /* the caller's */
	++*shown;
	return LECTERN_STATUS_SUCCESS;
}

int main(int argc, char **argv)
{
	int vimgrep = argc > 1 && strcmp(argv[1], "--vimgrep") == 0;
	int json = argc > 1 && strcmp(argv[1], "--json") == 0;
	if (argc != 3 + vimgrep + json) {
		fprintf(stderr, "usage: %s [--vimgrep | --json] INDEX QUERY\n", argv[0]);
		return 2;
	}
	const char *index_dir = argv[1 + vimgrep + json], *query = argv[2 + vimgrep + json];

	lectern_index_t *idx;
	char *why;
	lectern_status_t st = lectern_index_open(index_dir, LECTERN_MODE_READ_ONLY, &idx, &why);
	if (st != LECTERN_STATUS_SUCCESS) {
		fprintf(stderr, "search: %s: %s\n", lectern_status_str(st), why ? why : "");
		free(why); /* the caller's */
		return 2;
	}

	/* one argument is one query: a phrase first, as `lectern find` does */
	lectern_query_options_t opts = { .limit = 10, .flags = LECTERN_QUERY_IMPLICIT_PHRASE };
	size_t shown = 0;
	if (vimgrep)
		opts.flags |= LECTERN_QUERY_OCCURRENCES;
	if (json) {
		opts.on_passage = print_json;
		opts.on_passage_context = &shown;
	}
	lectern_results_t *res;
	st = lectern_query_run(idx, query, &opts, &res);
	if (st != LECTERN_STATUS_SUCCESS) {
		fprintf(stderr, "search: %s\n", lectern_index_last_error(idx));
		lectern_index_close(idx);
		return 2;
	}

	for (lectern_passage_t *p; (p = lectern_results_next(res)) != NULL; shown++) {
		if (vimgrep) {
			print_places(p);
			continue;
		}
		printf("%s:%u:%u: ", lectern_passage_path(p), lectern_passage_line(p),
		       lectern_passage_column(p));
		print_snippet(p);
	}

	lectern_results_free(res); /* before the index it came from */
	lectern_index_close(idx);
	return shown ? 0 : 1;
}
