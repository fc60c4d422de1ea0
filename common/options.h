/* options.h - command-line options as data (git's parse-options spirit).
 *
 * Each subcommand declares a table of struct opt; the same table parses argv
 * and generates `--help`. Options and positional arguments may be mixed
 * (`lectern find --limit 5 cattle` = `lectern find cattle --limit 5`); `--`
 * ends options. Long options take `--name=value` or `--name value`; short
 * ones `-n5` or `-n 5`; short flags combine (`-qv`).
 */
#ifndef LECTERN_OPTIONS_H
#define LECTERN_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

enum opt_type {
	OPT_END = 0,
	OPT_FLAG,    /* int *: set to 1 */
	OPT_STRING,  /* const char **: points into argv */
	OPT_INT,     /* long *: decimal, range-checked against min/max */
	OPT_STRINGS, /* struct opt_list *: repeatable, each value appended */
};

struct opt_list {
	const char **items; /* malloc'd array of pointers into argv; caller frees items */
	size_t n, cap;
};

struct opt {
	enum opt_type type;
	char short_name;       /* 0 for none */
	const char *long_name; /* NULL for none */
	void *dest;
	const char *arg_name; /* shown in help: "N", "DIR"... (NULL for flags) */
	const char *help;
	long min, max;       /* OPT_INT bounds (both 0: any non-negative value) */
	const char *choices; /* OPT_STRING: its values, "a|b|c", for completions and
			       * the config file (NULL: any); the command checks them */
};

#define OPT_FLAG_(s, l, d, h)                                  \
	{                                                      \
		OPT_FLAG, (s), (l), (d), NULL, (h), 0, 0, NULL \
	}
#define OPT_STRING_(s, l, d, a, h)                              \
	{                                                       \
		OPT_STRING, (s), (l), (d), (a), (h), 0, 0, NULL \
	}
#define OPT_INT_(s, l, d, a, h, lo, hi)                            \
	{                                                          \
		OPT_INT, (s), (l), (d), (a), (h), (lo), (hi), NULL \
	}
#define OPT_STRINGS_(s, l, d, a, h)                              \
	{                                                        \
		OPT_STRINGS, (s), (l), (d), (a), (h), 0, 0, NULL \
	}
#define OPT_CHOICE_(s, l, d, a, h, c)                          \
	{                                                      \
		OPT_STRING, (s), (l), (d), (a), (h), 0, 0, (c) \
	}
#define OPT_END_()                                             \
	{                                                      \
		OPT_END, 0, NULL, NULL, NULL, NULL, 0, 0, NULL \
	}

enum opt_result {
	OPT_OK = 0,    /* parsed; *args / *nargs hold the positional arguments */
	OPT_HELP = 1,  /* -h or --help was given: caller prints opt_usage, exits 0 */
	OPT_ERROR = 2, /* bad usage: err holds "unknown option '--foo'" etc. */
};

/* Parse argv[1..argc) (argv[0] is the subcommand name). Positional arguments
 * are collected, in order, into *args (malloc'd array of pointers into argv,
 * owned by the caller, free() it; NULL when none) and *nargs. */
enum opt_result opt_parse(const struct opt *opts, int argc, char **argv, char ***args,
			  size_t *nargs, char *err, size_t errlen);

enum opt_flags {
	/* After the first positional argument, an argument starting with one
	 * dash is positional too unless it is a short option of the table
	 * spelled alone ("-a", "-n 5"; not "-n5", not a cluster "-al"): the
	 * words of `lectern find smoosh -flatten`. Long options ("--json")
	 * are options wherever they are, and an unknown one is an error. */
	OPT_DASH_WORDS = 1,
};

/* opt_parse with flags (enum opt_flags). */
enum opt_result opt_parse_flags(const struct opt *opts, unsigned flags, int argc, char **argv,
				char ***args, size_t *nargs, char *err, size_t errlen);

/* Print "usage: <usage>\n\n<summary>\n\noptions:\n" and one aligned line per
 * option, then -h, --help. */
void opt_usage(FILE *out, const char *usage, const char *summary, const struct opt *opts);

/* Values from elsewhere than argv (the config file): before parsing argv,
 * opt_parse asks `fn` for each long option of command argv[0] and stores
 * what it returns (a string that outlives the parse; "true" sets a flag) as
 * if given first on the command line, so that argv overrides it. `where`
 * gets where the value came from, for messages ("FILE:LINE"). NULL: none. */
typedef const char *(*opt_default_fn)(void *ctx, const char *cmd, const char *long_name,
				      const char **where);
void opt_defaults_from(opt_default_fn fn, void *ctx);

/* Describing instead of parsing (`lectern completion` learns every command's
 * options from the tables the commands really parse with): while `fn` is set,
 * opt_parse hands it the table of command argv[0] and returns OPT_HELP
 * without looking at argv, and opt_usage prints nothing, so a command run
 * with any arguments only describes itself. NULL: parse again. */
typedef void (*opt_describe_fn)(void *ctx, const char *cmd, const struct opt *opts);
void opt_describe_with(opt_describe_fn fn, void *ctx);
/* Is a describe hook set? (A command printing more help than opt_usage
 * prints it only when not.) */
int opt_describing(void);

/* Both hooks, to hand them to another copy of this module: main's are in
 * the lectern executable, and liblectern-engine.so, which has its own,
 * takes them for the command it runs (cli/engine.h). */
struct opt_hooks {
	opt_default_fn defaults;
	void *defaults_ctx;
	opt_describe_fn describe;
	void *describe_ctx;
};
void opt_hooks_get(struct opt_hooks *h);
void opt_hooks_set(const struct opt_hooks *h);

#endif
