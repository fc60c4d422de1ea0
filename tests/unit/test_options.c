/* test_options.c - opt_parse and opt_usage. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

#define MAX_ARGV 16

/* Destinations for the test table, reset before every parse. */
struct dests {
	int all, quiet, verbose;
	const char *index;
	long limit, depth;
	struct opt_list tags;
};

static struct dests d;

static const struct opt table[] = {
	OPT_FLAG_('a', "all", &d.all, "every file"),
	OPT_FLAG_('q', "quiet", &d.quiet, "say less"),
	OPT_FLAG_('v', NULL, &d.verbose, "say more"),
	OPT_STRING_('i', "index", &d.index, "DIR", "the index directory"),
	OPT_INT_('n', "limit", &d.limit, "N", "at most N results", 1, 1000),
	OPT_INT_(0, "depth", &d.depth, "D", "any depth", 0, 0),
	OPT_STRINGS_('t', "tag", &d.tags, "TAG", "only notes tagged TAG"),
	OPT_END_(),
};

/* The result of one parse: positional arguments and the error message. */
struct parsed {
	enum opt_result r;
	char **args;
	size_t nargs;
	char err[256];
	char *argv[MAX_ARGV];
};

static struct parsed P;
static unsigned parse_flags; /* enum opt_flags of the next parse */

/* parse("a", "b", NULL): run opt_parse over {"cmd", "a", "b"}. */
static enum opt_result parse(const char *first, ...)
{
	va_list ap;
	const char *s;
	int argc = 0;

	free(P.args);
	free(d.tags.items);
	memset(&d, 0, sizeof(d));
	memset(&P, 0, sizeof(P));
	d.limit = 10;
	P.argv[argc++] = (char *)"cmd";
	va_start(ap, first);
	for (s = first; s; s = va_arg(ap, const char *)) {
		assert_true(argc < MAX_ARGV - 1);
		P.argv[argc++] = (char *)s;
	}
	va_end(ap);
	P.r = opt_parse_flags(table, parse_flags, argc, P.argv, &P.args, &P.nargs, P.err,
			      sizeof(P.err));
	return P.r;
}

static int teardown(void **state)
{
	(void)state;
	free(P.args);
	free(d.tags.items);
	P.args = NULL;
	d.tags.items = NULL;
	parse_flags = 0;
	return 0;
}

static void expect_error(const char *message)
{
	assert_int_equal(P.r, OPT_ERROR);
	assert_string_equal(P.err, message);
	assert_null(P.args);
	assert_int_equal(P.nargs, 0);
}

static void test_no_arguments(void **state)
{
	(void)state;
	assert_int_equal(parse(NULL), OPT_OK);
	assert_null(P.args);
	assert_int_equal(P.nargs, 0);
	assert_int_equal(d.all, 0);
	assert_int_equal(d.limit, 10);
	assert_string_equal(P.err, "");
}

static void test_flags_long_short_combined(void **state)
{
	(void)state;
	assert_int_equal(parse("--all", NULL), OPT_OK);
	assert_int_equal(d.all, 1);
	assert_int_equal(d.quiet, 0);

	assert_int_equal(parse("-q", NULL), OPT_OK);
	assert_int_equal(d.quiet, 1);
	assert_int_equal(d.all, 0);

	assert_int_equal(parse("-qva", NULL), OPT_OK);
	assert_int_equal(d.quiet, 1);
	assert_int_equal(d.verbose, 1);
	assert_int_equal(d.all, 1);
	assert_null(P.args);
}

/* OPT_DASH_WORDS: after the first positional argument, "-word" is one
 * too, unless it is a short option of the table spelled alone. */
static void test_dash_words(void **state)
{
	(void)state;
	parse_flags = OPT_DASH_WORDS;
	assert_int_equal(parse("smoosh", "-flatten", NULL), OPT_OK);
	assert_int_equal(P.nargs, 2);
	assert_string_equal(P.args[1], "-flatten");
	assert_int_equal(d.all, 0);
	/* a cluster of known flags, and a value glued on, are words there */
	assert_int_equal(parse("smoosh", "-qa", "-n5", NULL), OPT_OK);
	assert_int_equal(P.nargs, 3);
	assert_int_equal(d.quiet + d.all, 0);
	assert_int_equal(d.limit, 10);
	/* one short option alone, and long options, are still options */
	assert_int_equal(parse("smoosh", "-a", "-n", "5", "--quiet", "-x", NULL), OPT_OK);
	assert_int_equal(d.all, 1);
	assert_int_equal(d.limit, 5);
	assert_int_equal(d.quiet, 1);
	assert_int_equal(P.nargs, 2);
	assert_string_equal(P.args[1], "-x");
	/* before the first word, an unknown option is an error; an unknown
	 * long option anywhere (a typo of an option) */
	parse("-flatten", "smoosh", NULL);
	expect_error("unknown option '-f'");
	parse("smoosh", "--flatten", NULL);
	expect_error("unknown option '--flatten'");
	/* after "--", everything */
	assert_int_equal(parse("--", "-a", "smoosh", NULL), OPT_OK);
	assert_int_equal(d.all, 0);
	assert_int_equal(P.nargs, 2);
	/* without the flag, "-flatten" after a word is options, as before */
	parse_flags = 0;
	parse("smoosh", "-flatten", NULL);
	expect_error("unknown option '-f'");
}

static void test_long_values(void **state)
{
	(void)state;
	assert_int_equal(parse("--index=/x/y", NULL), OPT_OK);
	assert_string_equal(d.index, "/x/y");
	assert_int_equal(parse("--index", "/a", NULL), OPT_OK);
	assert_string_equal(d.index, "/a");
	assert_ptr_equal(d.index, P.argv[2]);
	/* A value containing '=' keeps everything after the first one. */
	assert_int_equal(parse("--index=a=b", NULL), OPT_OK);
	assert_string_equal(d.index, "a=b");
	assert_int_equal(parse("--index=", NULL), OPT_OK);
	assert_string_equal(d.index, "");
	/* The next argument is the value even if it looks like an option. */
	assert_int_equal(parse("--index", "--all", NULL), OPT_OK);
	assert_string_equal(d.index, "--all");
	assert_int_equal(d.all, 0);
}

static void test_short_values(void **state)
{
	(void)state;
	assert_int_equal(parse("-n5", NULL), OPT_OK);
	assert_int_equal(d.limit, 5);
	assert_int_equal(parse("-n", "7", NULL), OPT_OK);
	assert_int_equal(d.limit, 7);
	/* A value-taking option ends a cluster of flags. */
	assert_int_equal(parse("-qn3", NULL), OPT_OK);
	assert_int_equal(d.quiet, 1);
	assert_int_equal(d.limit, 3);
	assert_int_equal(parse("-qi", "dir", "x", NULL), OPT_OK);
	assert_string_equal(d.index, "dir");
	assert_int_equal(P.nargs, 1);
	assert_string_equal(P.args[0], "x");
	/* "-iq" is the index "q", not the flag. */
	assert_int_equal(parse("-iq", NULL), OPT_OK);
	assert_string_equal(d.index, "q");
	assert_int_equal(d.quiet, 0);
}

static void test_positionals_mixed_with_options(void **state)
{
	(void)state;
	assert_int_equal(parse("cattle", "--limit", "5", "grazing", "-q", NULL), OPT_OK);
	assert_int_equal(d.limit, 5);
	assert_int_equal(d.quiet, 1);
	assert_int_equal(P.nargs, 2);
	assert_string_equal(P.args[0], "cattle");
	assert_string_equal(P.args[1], "grazing");
	assert_ptr_equal(P.args[0], P.argv[1]);
}

static void test_double_dash_ends_options(void **state)
{
	(void)state;
	assert_int_equal(parse("-q", "--", "--all", "-n5", "--", NULL), OPT_OK);
	assert_int_equal(d.quiet, 1);
	assert_int_equal(d.all, 0);
	assert_int_equal(d.limit, 10);
	assert_int_equal(P.nargs, 3);
	assert_string_equal(P.args[0], "--all");
	assert_string_equal(P.args[1], "-n5");
	assert_string_equal(P.args[2], "--");
}

static void test_lone_dash_is_positional(void **state)
{
	(void)state;
	assert_int_equal(parse("-", "-q", NULL), OPT_OK);
	assert_int_equal(P.nargs, 1);
	assert_string_equal(P.args[0], "-");
	assert_int_equal(d.quiet, 1);
}

static void test_int_range(void **state)
{
	(void)state;
	assert_int_equal(parse("--limit=1", NULL), OPT_OK);
	assert_int_equal(d.limit, 1);
	assert_int_equal(parse("--limit=1000", NULL), OPT_OK);
	assert_int_equal(d.limit, 1000);
	parse("--limit", "0", NULL);
	expect_error("--limit: 0 is below the minimum 1");
	parse("--limit=1001", NULL);
	expect_error("--limit: 1001 is above the maximum 1000");
	parse("-n-3", NULL);
	expect_error("-n: -3 is below the minimum 1");
	parse("-n", "99999999999999999999999", NULL);
	expect_error("-n: 99999999999999999999999 is above the maximum 1000");
	assert_int_equal(d.limit, 10);
}

static void test_int_unbounded_means_non_negative(void **state)
{
	(void)state;
	assert_int_equal(parse("--depth=0", NULL), OPT_OK);
	assert_int_equal(d.depth, 0);
	assert_int_equal(parse("--depth", "9223372036854775807", NULL), OPT_OK);
	assert_int_equal(d.depth, 9223372036854775807L);
	parse("--depth=-1", NULL);
	expect_error("--depth: -1 is below the minimum 0");
}

static void test_int_not_a_number(void **state)
{
	(void)state;
	parse("--limit=abc", NULL);
	expect_error("--limit: 'abc' is not a number");
	parse("--limit=5x", NULL);
	expect_error("--limit: '5x' is not a number");
	parse("--limit=", NULL);
	expect_error("--limit: '' is not a number");
	parse("--limit= 5", NULL);
	expect_error("--limit: ' 5' is not a number");
	parse("--limit=+5", NULL);
	expect_error("--limit: '+5' is not a number");
	parse("--limit=-", NULL);
	expect_error("--limit: '-' is not a number");
}

static void test_strings_repeatable(void **state)
{
	(void)state;
	assert_int_equal(parse("--tag=a", "x", "-t", "b", "-tc", "--tag", "d", NULL), OPT_OK);
	assert_int_equal(d.tags.n, 4);
	assert_string_equal(d.tags.items[0], "a");
	assert_string_equal(d.tags.items[1], "b");
	assert_string_equal(d.tags.items[2], "c");
	assert_string_equal(d.tags.items[3], "d");
	assert_int_equal(P.nargs, 1);
	assert_string_equal(P.args[0], "x");
}

static void test_string_last_wins(void **state)
{
	(void)state;
	assert_int_equal(parse("--index=a", "-i", "b", NULL), OPT_OK);
	assert_string_equal(d.index, "b");
}

static void test_unknown_options(void **state)
{
	(void)state;
	parse("x", "--nosuchthing", NULL);
	expect_error("unknown option '--nosuchthing'");
	parse("--nosuchthing=3", NULL);
	expect_error("unknown option '--nosuchthing'");
	parse("-z", NULL);
	expect_error("unknown option '-z'");
	parse("-qz", NULL);
	expect_error("unknown option '-z'");
	parse("-5", NULL);
	expect_error("unknown option '-5'");
}

static void test_unknown_long_suggests(void **state)
{
	(void)state;
	parse("--lim", "3", NULL);
	expect_error("unknown option '--lim' (did you mean '--limit'?)");
	parse("--limt=3", NULL);
	expect_error("unknown option '--limt' (did you mean '--limit'?)");
	parse("--idnex", NULL);
	expect_error("unknown option '--idnex' (did you mean '--index'?)");
	parse("--tags", NULL);
	expect_error("unknown option '--tags' (did you mean '--tag'?)");
	/* "--d" abbreviates only --depth; "--q" only --quiet. */
	parse("--d", NULL);
	expect_error("unknown option '--d' (did you mean '--depth'?)");
	/* Too far from everything: no guess. */
	parse("--zzzzzz", NULL);
	expect_error("unknown option '--zzzzzz'");
}

static void test_missing_value(void **state)
{
	(void)state;
	parse("--limit", NULL);
	expect_error("option '--limit' requires a value");
	parse("x", "-n", NULL);
	expect_error("option '-n' requires a value");
	parse("-qi", NULL);
	expect_error("option '-i' requires a value");
	parse("--tag", NULL);
	expect_error("option '--tag' requires a value");
}

static void test_flag_given_value(void **state)
{
	(void)state;
	parse("--all=3", NULL);
	expect_error("option '--all' takes no value");
	parse("--all=", NULL);
	expect_error("option '--all' takes no value");
}

static void test_help(void **state)
{
	(void)state;
	assert_int_equal(parse("--help", NULL), OPT_HELP);
	assert_null(P.args);
	assert_int_equal(parse("x", "-h", NULL), OPT_HELP);
	assert_null(P.args);
	assert_int_equal(P.nargs, 0);
	assert_int_equal(parse("-qh", NULL), OPT_HELP);
	/* After "--" they are ordinary arguments. */
	assert_int_equal(parse("--", "-h", "--help", NULL), OPT_OK);
	assert_int_equal(P.nargs, 2);
}

static void test_error_message_truncated_safely(void **state)
{
	char err[8];
	char *argv[] = { (char *)"cmd", (char *)"--nosuchthing", NULL };
	char **args = (char **)1;
	size_t nargs = 99;

	(void)state;
	memset(err, 'x', sizeof(err));
	assert_int_equal(opt_parse(table, 2, argv, &args, &nargs, err, sizeof(err)), OPT_ERROR);
	assert_string_equal(err, "unknown");
	assert_null(args);
	assert_int_equal(nargs, 0);
	assert_int_equal(opt_parse(table, 2, argv, &args, &nargs, NULL, 0), OPT_ERROR);
}

static void test_usage(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	(void)state;
	assert_non_null(out);
	opt_usage(out, "lectern find [options] QUERY...", "Search the index.", table);
	assert_int_equal(fclose(out), 0);
	assert_string_equal(text, "usage: lectern find [options] QUERY...\n"
				  "\n"
				  "Search the index.\n"
				  "\n"
				  "options:\n"
				  "  -a, --all        every file\n"
				  "  -q, --quiet      say less\n"
				  "  -v               say more\n"
				  "  -i, --index DIR  the index directory\n"
				  "  -n, --limit N    at most N results\n"
				  "      --depth D    any depth\n"
				  "  -t, --tag TAG    only notes tagged TAG\n"
				  "  -h, --help       show this help\n");
	free(text);
}

static void test_usage_long_option_wraps(void **state)
{
	static int flag;
	static const struct opt wide[] = {
		OPT_FLAG_(0, "a-rather-long-option-name-indeed", &flag, "wide"),
		OPT_FLAG_('x', NULL, &flag, "narrow"),
		OPT_END_(),
	};
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	(void)state;
	assert_non_null(out);
	opt_usage(out, "lectern x", NULL, wide);
	assert_int_equal(fclose(out), 0);
	assert_string_equal(text, "usage: lectern x\n"
				  "\n"
				  "options:\n"
				  "      --a-rather-long-option-name-indeed\n"
				  "              wide\n"
				  "  -x          narrow\n"
				  "  -h, --help  show this help\n");
	free(text);
}

/* opt_default_fn: "index" and "limit" of command "cmd" from "the file". */
static const char *file_value(void *ctx, const char *cmd, const char *name, const char **where)
{
	const char *bad_limit = ctx;
	*where = "conf:3";
	if (strcmp(cmd, "cmd"))
		return NULL;
	if (!strcmp(name, "index"))
		return "/from/file";
	if (!strcmp(name, "limit"))
		return bad_limit ? bad_limit : "7";
	if (!strcmp(name, "quiet"))
		return "true";
	if (!strcmp(name, "all"))
		return "false";
	return NULL;
}

static void test_defaults_from_file(void **state)
{
	(void)state;
	opt_defaults_from(file_value, NULL);
	assert_int_equal(parse(NULL), OPT_OK);
	assert_string_equal(d.index, "/from/file");
	assert_int_equal(d.limit, 7);
	assert_int_equal(d.quiet, 1);
	assert_int_equal(d.all, 0);
	/* the command line wins */
	assert_int_equal(parse("-n", "3", "--index=/cli", NULL), OPT_OK);
	assert_string_equal(d.index, "/cli");
	assert_int_equal(d.limit, 3);
	/* a bad value says where it came from */
	opt_defaults_from(file_value, (void *)"0");
	assert_int_equal(parse(NULL), OPT_ERROR);
	assert_string_equal(P.err, "conf:3: --limit: 0 is below the minimum 1");
	opt_defaults_from(NULL, NULL);
	assert_int_equal(parse(NULL), OPT_OK);
	assert_null(d.index);
}

static const struct opt *described;
static const char *described_cmd;

static void describe(void *ctx, const char *cmd, const struct opt *opts)
{
	(void)ctx;
	described_cmd = cmd;
	described = opts;
}

static void test_describe(void **state)
{
	(void)state;
	opt_describe_with(describe, NULL);
	assert_true(opt_describing());
	/* the table is handed over, argv not looked at (an unknown option is no error) */
	assert_int_equal(parse("--nosuch", "x", NULL), OPT_HELP);
	assert_ptr_equal(described, table);
	assert_string_equal(described_cmd, "cmd");
	assert_int_equal(P.nargs, 0);
	/* and usage prints nothing */
	FILE *f = tmpfile();
	assert_non_null(f);
	opt_usage(f, "cmd", "summary", table);
	assert_int_equal(ftell(f), 0);
	fclose(f);
	opt_describe_with(NULL, NULL);
	assert_false(opt_describing());
	assert_int_equal(parse("--nosuch", NULL), OPT_ERROR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_no_arguments, teardown),
		cmocka_unit_test_teardown(test_flags_long_short_combined, teardown),
		cmocka_unit_test_teardown(test_long_values, teardown),
		cmocka_unit_test_teardown(test_short_values, teardown),
		cmocka_unit_test_teardown(test_positionals_mixed_with_options, teardown),
		cmocka_unit_test_teardown(test_double_dash_ends_options, teardown),
		cmocka_unit_test_teardown(test_lone_dash_is_positional, teardown),
		cmocka_unit_test_teardown(test_int_range, teardown),
		cmocka_unit_test_teardown(test_int_unbounded_means_non_negative, teardown),
		cmocka_unit_test_teardown(test_int_not_a_number, teardown),
		cmocka_unit_test_teardown(test_strings_repeatable, teardown),
		cmocka_unit_test_teardown(test_string_last_wins, teardown),
		cmocka_unit_test_teardown(test_unknown_options, teardown),
		cmocka_unit_test_teardown(test_dash_words, teardown),
		cmocka_unit_test_teardown(test_unknown_long_suggests, teardown),
		cmocka_unit_test_teardown(test_missing_value, teardown),
		cmocka_unit_test_teardown(test_flag_given_value, teardown),
		cmocka_unit_test_teardown(test_help, teardown),
		cmocka_unit_test(test_error_message_truncated_safely),
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_usage_long_option_wraps),
		cmocka_unit_test_teardown(test_defaults_from_file, teardown),
		cmocka_unit_test_teardown(test_describe, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
