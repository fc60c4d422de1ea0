/* index.c - a program that keeps a lectern index up to date through
 * liblectern.
 *
 *   index INDEX [--lang LANGUAGE] [DIR...]
 *
 * indexes each DIR (a new root of the index, remembered), or with no DIR
 * brings every root of the index up to date; warnings about single files
 * go to stderr, and a summary line to stdout. Exit status: 0 done, 2 an
 * error.
 *
 * Build it against the installed library:
 *   cc -o index index.c -llectern
 */
#include <lectern.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void warn(void *context, const char *path, const char *message)
{
	(void)context;
	fprintf(stderr, "index: %s: %s\n", path, message);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s INDEX [--lang LANGUAGE] [DIR...]\n", argv[0]);
		return 2;
	}
	lectern_index_options_t opts = { .warning = warn };
	int first = 2;
	if (argc > 3 && strcmp(argv[2], "--lang") == 0) {
		opts.language = argv[3];
		first = 4;
	}

	lectern_index_t *idx;
	char *why;
	lectern_status_t st = lectern_index_open(argv[1], LECTERN_MODE_READ_WRITE, &idx, &why);
	if (st != LECTERN_STATUS_SUCCESS) {
		fprintf(stderr, "index: %s: %s\n", lectern_status_str(st), why ? why : "");
		free(why);
		return 2;
	}

	lectern_index_stats_t stats;
	if (argc > first)
		st = lectern_index_add_roots(idx, (const char *const *)argv + first,
					     (size_t)(argc - first), &opts, &stats);
	else
		st = lectern_index_update(idx, &opts, &stats);
	if (st != LECTERN_STATUS_SUCCESS) {
		fprintf(stderr, "index: %s: %s\n", lectern_status_str(st),
			lectern_index_last_error(idx));
		lectern_index_close(idx);
		return 2;
	}
	printf("%" PRIu64 " notes: %" PRIu64 " added, %" PRIu64 " updated, %" PRIu64
	       " removed, %" PRIu64 " unchanged; %" PRIu64 " passages\n",
	       stats.files, stats.added, stats.updated, stats.removed, stats.unchanged,
	       stats.passages);
	lectern_index_close(idx);
	return 0;
}
