/* find-inproc.c - in-process query time of lectern's search path (parse,
 * Xapian match, locate, snippet: everything but process start and output).
 *
 *   build/bench/find-inproc INDEX RUNS QUERY...
 *
 * With LECTERN_INPROC_REOPEN=1 in the environment each run first reopens
 * the searcher, as the daemon does before every request.
 * Each QUERY is one argument, understood as `lectern find QUERY` would (one
 * argument with several words is a phrase). Prints, per query, the median
 * and p99 over RUNS runs in microseconds, and the number of hits. A benchmark,
 * not a test: `make bench` runs it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "query.h"
#include "search.h"

static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: find-inproc INDEX RUNS QUERY...\n");
		return 2;
	}
	int runs = atoi(argv[2]);
	struct searcher *s;
	struct buf err;
	buf_init(&err, 4096);
	if (runs < 1 || searcher_open(argv[1], &s, &err)) {
		fprintf(stderr, "find-inproc: %s\n", err.data ? err.data : "bad RUNS");
		return 2;
	}
	const char *ro = getenv("LECTERN_INPROC_REOPEN");
	int reopen = ro && *ro == '1';
	double *t = calloc((size_t)runs, sizeof(double));
	printf("%-40s %10s %10s %8s\n", "query", "p50_us", "p99_us", "hits");
	for (int q = 3; q < argc && t; q++) {
		struct search_req req;
		search_req_init(&req);
		req.query = argv[q];
		req.query_len = strlen(argv[q]);
		req.qflags = QP_IMPLICIT_PHRASE;
		size_t hits = 0;
		for (int i = 0; i < runs; i++) {
			struct search_result res;
			buf_reset(&err);
			double t0 = now_us();
			lec_status st = reopen ? searcher_reopen(s) : LEC_OK;
			if (!st)
				st = search_run(s, &req, &res, &err);
			else
				memset(&res, 0, sizeof(res));
			t[i] = now_us() - t0;
			hits = res.nhits;
			search_result_release(&res);
			if (st) {
				fprintf(stderr, "find-inproc: %s: %s\n", argv[q], err.data);
				break;
			}
		}
		qsort(t, (size_t)runs, sizeof(double), cmp_double);
		printf("%-40.40s %10.1f %10.1f %8zu\n", argv[q], t[runs / 2],
		       t[(size_t)((runs - 1) * 0.99)], hits);
	}
	free(t);
	searcher_free(s);
	buf_release(&err);
	return 0;
}
