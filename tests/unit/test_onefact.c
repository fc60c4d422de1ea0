/* test_onefact.c - the facts an index keeps in its databases, each through
 * one module: the languages list (common/langs.c) and the copy of the roots
 * (rootmap_load_db / rootmap_save_db); and paths_absolute's failure when
 * the current directory is gone (it leaked its buffer: ASan checks). */
#define _GNU_SOURCE 1
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "langs.h"
#include "layout.h"
#include "paths.h"
#include "rootmap.h"
#include "xap.h"

static char dir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/lectern-test-onefact-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return paths_remove_tree(dir) == LEC_OK ? 0 : -1;
}

static xap_db *new_db(const char *name)
{
	char path[300];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	xap_db *db = xap_db_new();
	assert_non_null(db);
	assert_int_equal(xap_db_open(db, path, XAP_OPEN_CREATE), LEC_OK);
	return db;
}

struct seen {
	char names[4][32];
	size_t n;
	size_t stop_at; /* stop (LEC_ESTOP) at this many; 0: never */
};

static lec_status collect(void *ctx, const char *name, size_t len)
{
	struct seen *s = ctx;
	assert_int_equal(strlen(name), len);
	assert_true(len > 0 && s->n < 4);
	snprintf(s->names[s->n++], sizeof(s->names[0]), "%s", name);
	return s->stop_at && s->n == s->stop_at ? LEC_ESTOP : LEC_OK;
}

static void test_languages(void **state)
{
	(void)state;
	xap_db *db = new_db("langs");
	struct seen s = { 0 };
	assert_int_equal(langs_each(db, collect, &s), LEC_OK); /* none stored */
	assert_int_equal(s.n, 0);

	struct buf b;
	buf_init(&b, 0);
	langs_put(&b, "english");
	langs_put(&b, "french");
	assert_int_equal(langs_save(db, &b), LEC_OK);
	buf_release(&b);
	assert_int_equal(langs_each(db, collect, &s), LEC_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.names[0], "english");
	assert_string_equal(s.names[1], "french");

	/* empty lines and a last line without its newline, as older writers
	 * may have left them */
	const char *raw = "\ngerman\n\nitalian";
	assert_int_equal(xap_db_set_metadata(db, LEC_META_LANGUAGES, strlen(LEC_META_LANGUAGES),
					     raw, strlen(raw)),
			 LEC_OK);
	s = (struct seen){ 0 };
	assert_int_equal(langs_each(db, collect, &s), LEC_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.names[0], "german");
	assert_string_equal(s.names[1], "italian");

	/* a callback's status stops the walk and comes back */
	s = (struct seen){ .stop_at = 1 };
	assert_int_equal(langs_each(db, collect, &s), LEC_ESTOP);
	assert_int_equal(s.n, 1);

	/* a list that could not be made is not stored */
	buf_init(&b, 4);
	langs_put(&b, "portuguese");
	assert_int_equal(langs_save(db, &b), LEC_ENOMEM);
	buf_release(&b);
	xap_db_free(db);
}

static void test_roots_copy(void **state)
{
	(void)state;
	xap_db *db = new_db("roots");
	struct rootmap m, back;
	struct buf err;
	rootmap_init(&m);
	rootmap_init(&back);
	buf_init(&err, 0);
	assert_int_equal(rootmap_load_db(&back, db, &err), LEC_OK); /* none stored */
	assert_int_equal(back.n, 0);

	assert_int_equal(rootmap_add(&m, "/notes/en", NULL, NULL), LEC_OK);
	assert_int_equal(rootmap_add(&m, "/notes/fr", "french", NULL), LEC_OK);
	assert_int_equal(rootmap_save_db(&m, db), LEC_OK);
	assert_int_equal(rootmap_load_db(&back, db, &err), LEC_OK);
	assert_int_equal(back.n, 2);
	/* the path alone, its language apart (status once showed "PATH<TAB>LANG") */
	assert_string_equal(back.v[1].path, "/notes/fr");
	assert_string_equal(back.v[1].lang, "french");
	assert_null(back.v[0].lang);
	assert_int_equal(back.v[1].id, m.v[1].id);

	const char *bad = "not a root line";
	assert_int_equal(
		xap_db_set_metadata(db, LEC_META_ROOTS, strlen(LEC_META_ROOTS), bad, strlen(bad)),
		LEC_OK);
	assert_int_equal(rootmap_load_db(&back, db, &err), LEC_ECORRUPT);
	assert_true(err.len > 0);
	rootmap_release(&m);
	rootmap_release(&back);
	buf_release(&err);
	xap_db_free(db);
}

static void test_paths_without_cwd(void **state)
{
	(void)state;
	char gone[300], *here = getcwd(NULL, 0), *p = (char *)"untouched";
	assert_non_null(here);
	snprintf(gone, sizeof(gone), "%s/gone", dir);
	assert_int_equal(mkdir(gone, 0700), 0);
	assert_int_equal(chdir(gone), 0);
	assert_int_equal(rmdir(gone), 0);
	assert_int_equal(paths_absolute("relative/note.md", &p), LEC_EIO);
	assert_int_equal(paths_absolute("/abs/./note.md", &p), LEC_OK);
	assert_string_equal(p, "/abs/note.md");
	free(p);
	assert_int_equal(chdir(here), 0);
	free(here);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_languages),
		cmocka_unit_test(test_roots_copy),
		cmocka_unit_test(test_paths_without_cwd),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
