/* test_config.c - the config file: keys, values, line numbers, errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

static char path[] = "/tmp/lectern-test-config.XXXXXX";

/* Write `text` to the temp file and load it: the status; *c and err filled. */
static lec_status load(const char *text, struct config **c, struct buf *err)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	buf_reset(err);
	return config_load(path, 1, c, err);
}

static int setup(void **state)
{
	(void)state;
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static void test_values_and_lines(void **state)
{
	struct config *c = NULL;
	struct buf err;
	const char *where = NULL;
	char want[128];
	(void)state;
	buf_init(&err, 0);
	setenv("HOME", "/home/u", 1);
	assert_int_equal(
		load("# comment\nindex = ~/idx ; inline\n\n[find]\nlimit=5\nlimit = 6\n", &c, &err),
		LEC_OK);
	assert_true(config_found(c));
	assert_string_equal(config_get(c, "index", &where), "/home/u/idx");
	snprintf(want, sizeof(want), "%s:2", path);
	assert_string_equal(where, want);
	/* set twice: the later line wins */
	assert_string_equal(config_get(c, "find.limit", &where), "6");
	snprintf(want, sizeof(want), "%s:6", path);
	assert_string_equal(where, want);
	assert_null(config_get(c, "find.color", NULL));
	/* as the options' defaults: index for every command, limit for find */
	assert_string_equal(config_option_value(c, "status", "index", &where), "/home/u/idx");
	assert_string_equal(config_option_value(c, "find", "limit", &where), "6");
	assert_null(config_option_value(c, "serve", "limit", &where));
	/* LECTERN_INDEX wins over the file */
	setenv("LECTERN_INDEX", "/env", 1);
	assert_null(config_option_value(c, "find", "index", &where));
	unsetenv("LECTERN_INDEX");
	config_free(c);
	buf_release(&err);
}

static void expect_error(const char *text, const char *what)
{
	struct config *c = NULL;
	struct buf err;
	char want[256];
	buf_init(&err, 0);
	assert_int_equal(load(text, &c, &err), LEC_ESYNTAX);
	assert_null(c);
	snprintf(want, sizeof(want), "%s:%s", path, what);
	assert_string_equal(err.data, want);
	buf_release(&err);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("[find]\nlimt = 1\n",
		     "2: unknown key 'find.limt' (lectern config --help lists the keys)");
	expect_error("\n\n[find]\nlimit = 0\n",
		     "4: find.limit: '0' is not a number from 1 to 1000000");
	expect_error("[find]\ncolor = sometimes\n",
		     "2: find.color: 'sometimes' is not one of auto|always|never");
	expect_error("index = x\nnot a pair\n", "2: not a 'key = value' line nor a [section]");
	expect_error("index =\n", "1: index: an empty value (leave the key out for the default)");
	char long_line[1024];
	memset(long_line, 'x', sizeof(long_line) - 2);
	memcpy(long_line, "index=", 6);
	long_line[sizeof(long_line) - 2] = '\n';
	long_line[sizeof(long_line) - 1] = '\0';
	expect_error(long_line, "1: the line is too long");
}

static void test_missing_file(void **state)
{
	struct config *c = NULL;
	struct buf err;
	(void)state;
	buf_init(&err, 0);
	assert_int_equal(config_load("/nonexistent/lectern/config", 0, &c, &err), LEC_OK);
	assert_false(config_found(c));
	config_free(c);
	assert_int_equal(config_load("/nonexistent/lectern/config", 1, &c, &err), LEC_ENOTFOUND);
	assert_non_null(strstr(err.data, "/nonexistent/lectern/config"));
	buf_release(&err);
}

static void test_locate(void **state)
{
	char *p = NULL;
	int must = 0;
	(void)state;
	unsetenv("LECTERN_CONFIG");
	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	assert_int_equal(config_locate(NULL, &p, &must), LEC_OK);
	assert_string_equal(p, "/xdg/lectern/config");
	assert_false(must);
	free(p);
	setenv("LECTERN_CONFIG", "/env.ini", 1);
	assert_int_equal(config_locate(NULL, &p, &must), LEC_OK);
	assert_string_equal(p, "/env.ini");
	assert_true(must);
	free(p);
	assert_int_equal(config_locate("/opt.ini", &p, &must), LEC_OK);
	assert_string_equal(p, "/opt.ini");
	free(p);
	setenv("LECTERN_CONFIG", "", 1);
	assert_int_equal(config_locate(NULL, &p, &must), LEC_OK);
	assert_null(p);
	unsetenv("LECTERN_CONFIG");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values_and_lines),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_locate),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
