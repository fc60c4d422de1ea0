/* commands.h - the subcommands, one file each (cmd-*.c, beside the
 * subsystem each drives), dispatched from main (cli/lectern.c). Each takes
 * argv with argv[0] = the subcommand name and returns an exit code
 * (exitcode.h). Here, in common/, so that the indexer's and the searcher's
 * commands reach it without either including the other's headers.
 *
 * The commands that open the index (index, status, shard, serve, lsp) are
 * in liblectern-engine.so, with Xapian; open, config, completion and find
 * are in the lectern executable, which reaches the engine only through
 * the entry points below (cli/engine.h), loading it on first use: a find
 * that a daemon answers, --help and the like never load libxapian. */
#ifndef LECTERN_COMMANDS_H
#define LECTERN_COMMANDS_H

#include <stddef.h>
#include <stdio.h>

#include "status.h"

int cmd_open(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_completion(int argc, char **argv);
int cmd_index(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_find(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_shard(int argc, char **argv);
int cmd_lsp(int argc, char **argv);

/* In the executable: run command argv[0] of the engine (index, status,
 * shard, serve, lsp), loading it first; a missing or mismatched engine is
 * an error message and LEC_EXIT_ERROR. */
int lec_engine_command(int argc, char **argv);

struct buf;
struct search_req;
struct search_result;
/* Search the index in this process (searcher_open, search_run): in the
 * executable, through the engine, loaded on the first call (an engine that
 * cannot be loaded is LEC_ENOTFOUND, the reason in err). Ownership as
 * search_run's. */
lec_status lec_search_here(const char *index_dir, struct search_req *req, struct search_result *res,
			   struct buf *err);
/* shards_explain_damage, for lec_error_index: through the engine in the
 * executable (nothing appended when it cannot be loaded), directly in it. */
void lec_explain_damage(const char *index_dir, struct buf *msg);

/* "lectern: " + message on stderr, for the cmd files (cli/report.c). */
void lec_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void lec_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The error of command `cmd` that failed with `st` on the index at
 * index_dir, `msg` saying how: a damaged index also says which database
 * and file, and what to do (shards_explain_damage). */
void lec_error_index(const char *cmd, lec_status st, const char *index_dir, const char *msg);
/* paths_index_dir, saying why not on stderr: 0, or -1 (*out NULL). */
int lec_index_dir(const char *opt, char **out);

/* What a command's options and arguments are, for cmd_parse: one place for
 * --help, a bad option and a wrong count of arguments, the same in every
 * command (cli/report.c). */
struct opt;
struct cmd_spec {
	const char *name;          /* "status": its messages start "status: " */
	const char *usage_line;    /* "lectern status [options]" */
	const char *summary;       /* the paragraph --help shows under it */
	const struct opt *opts;    /* OPT_END_-terminated */
	unsigned flags;            /* opt_parse_flags's (OPT_DASH_WORDS) */
	size_t min_args, max_args; /* positional arguments it takes */
	const char *args_why;      /* said when their count is wrong */
	const char *dash_hint;     /* added to an unknown "-x" option's error (may be NULL) */
	/* more --help, and with a usage error, after the usage (may be NULL) */
	void (*more_usage)(FILE *out);
};
/* cmd_parse's "go on": the command runs. */
#define CMD_RUN (-1)
/* Parse argv (argv[0] the command) by c. --help: the usage and summary on
 * stdout, LEC_EXIT_OK. A bad option or count of arguments: "NAME: why" and
 * the usage on stderr, LEC_EXIT_ERROR. Else CMD_RUN, with *args (malloc'd,
 * NULL when none; the caller frees) and *nargs the arguments; on any other
 * return there is nothing to free. */
int cmd_parse(const struct cmd_spec *c, int argc, char **argv, char ***args, size_t *nargs);
/* A usage error of the command: "NAME: " + the message and the usage on
 * stderr; frees *args (sets it NULL). Returns LEC_EXIT_ERROR. */
int cmd_usage_error(const struct cmd_spec *c, char ***args, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The command table of main (cli/lectern.c), for `lectern completion` (static; *n
 * gets its length). */
struct lec_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};
const struct lec_command *lec_commands(size_t *n);

/* The config file main read before running the command (config.h); owned
 * by main. */
struct config;
const struct config *lec_config(void);

#endif
