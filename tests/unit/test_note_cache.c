/* test_note_cache - the notes a long-lived searcher keeps (searcher/note-
 * cache.h): a kept note is handed out again while its file stays as read,
 * read again when its size, mtime or inode change, never kept past its
 * bounds, and a text a reader holds outlives its dropping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "note-cache.h"

struct fixture {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/test_note_cache.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/a.md", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char p[160];
	const char *names[] = { "a.md", "b.md", "c.md", "big.md", "a.tmp" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", f->dir, names[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* Set the file's mtime to `sec` (so that a rewrite within one clock tick
 * is still told apart, or on purpose not). */
static void set_mtime(const char *path, time_t sec)
{
	struct timespec ts[2] = { { sec, 0 }, { sec, 0 } };
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static void test_kept_while_unchanged(void **state)
{
	struct fixture *f = *state;
	struct note_cache *c = NULL;
	struct note_text *t1 = NULL, *t2 = NULL, *t3 = NULL;
	write_file(f->path, "# Notes\n\nThe okapi question.\n");
	set_mtime(f->path, 1000000000);
	assert_int_equal(note_cache_new(1 << 20, 1 << 16, &c), LEC_OK);
	assert_int_equal(note_cache_get(c, f->path, &t1), LEC_OK);
	assert_non_null(t1);
	assert_string_equal(t1->data, "# Notes\n\nThe okapi question.\n");
	assert_int_equal(note_cache_get(c, f->path, &t2), LEC_OK);
	assert_ptr_equal(t1, t2); /* kept: not read again */

	/* a new size: read again, the new text */
	write_file(f->path, "# Notes\n\nThe okapi answer, at last.\n");
	set_mtime(f->path, 1000000000);
	assert_int_equal(note_cache_get(c, f->path, &t3), LEC_OK);
	assert_ptr_not_equal(t3, t1);
	assert_string_equal(t3->data, "# Notes\n\nThe okapi answer, at last.\n");
	/* the old text lives on for its holders */
	assert_string_equal(t1->data, "# Notes\n\nThe okapi question.\n");
	note_text_release(t1);
	note_text_release(t2);
	note_text_release(t3);

	/* the same size, another mtime: read again */
	write_file(f->path, "# Notes\n\nThe okapi ANSWER, at last.\n");
	set_mtime(f->path, 1000000001);
	assert_int_equal(note_cache_get(c, f->path, &t1), LEC_OK);
	assert_string_equal(t1->data, "# Notes\n\nThe okapi ANSWER, at last.\n");
	note_text_release(t1);

	/* replaced by another file (an editor's rename), same size and mtime */
	char tmp[160];
	snprintf(tmp, sizeof(tmp), "%s/a.tmp", f->dir);
	write_file(tmp, "# Notes\n\nThe okapi answer, AT last.\n");
	set_mtime(tmp, 1000000001);
	assert_int_equal(rename(tmp, f->path), 0);
	assert_int_equal(note_cache_get(c, f->path, &t1), LEC_OK);
	assert_string_equal(t1->data, "# Notes\n\nThe okapi answer, AT last.\n");
	note_text_release(t1);
	note_cache_free(c);
}

static void test_bounds(void **state)
{
	struct fixture *f = *state;
	struct note_cache *c = NULL;
	struct note_text *t = NULL, *a = NULL, *b = NULL;
	char big[200], path[160];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(path, sizeof(path), "%s/big.md", f->dir);
	write_file(path, big);
	assert_int_equal(note_cache_new(100, 150, &c), LEC_OK);
	/* over max_note: not taken (the caller reads a window of it) */
	assert_int_equal(note_cache_get(c, path, &t), LEC_OK);
	assert_null(t);
	/* missing, or not a regular file: not taken, not an error */
	snprintf(path, sizeof(path), "%s/none.md", f->dir);
	assert_int_equal(note_cache_get(c, path, &t), LEC_OK);
	assert_null(t);
	assert_int_equal(note_cache_get(c, f->dir, &t), LEC_OK);
	assert_null(t);

	/* two notes of 60 bytes in a budget of 100: the second drops the
	 * first, whose holder keeps it */
	memset(big, 'a', 60);
	big[60] = '\0';
	write_file(f->path, big);
	snprintf(path, sizeof(path), "%s/b.md", f->dir);
	memset(big, 'b', 60);
	write_file(path, big);
	assert_int_equal(note_cache_get(c, f->path, &a), LEC_OK);
	assert_int_equal(note_cache_get(c, path, &b), LEC_OK);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(a->data[59], 'a');
	note_text_release(b);
	assert_int_equal(note_cache_get(c, path, &b), LEC_OK);
	assert_int_equal(b->data[0], 'b');
	struct note_text *a2 = NULL;
	assert_int_equal(note_cache_get(c, f->path, &a2), LEC_OK);
	assert_ptr_not_equal(a2, a); /* dropped, read again */
	assert_int_equal(a2->data[0], 'a');
	note_cache_free(c); /* texts still held live on */
	assert_int_equal(a->data[0], 'a');
	note_text_release(a);
	note_text_release(a2);
	note_text_release(b);
	note_text_release(NULL);
	note_cache_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kept_while_unchanged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
