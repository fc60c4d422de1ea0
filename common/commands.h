/* commands.h - the subcommands, one file each (cmd-*.c, beside the
 * subsystem each drives), dispatched from main (cli/lectern.c). Each takes
 * what main set up for it (struct cmd_context) and argv with argv[0] = the
 * subcommand name, and returns an exit code (exitcode.h). Here, in common/, so that the indexer's and the searcher's
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

/* What main sets up before a command runs, as the command table asks
 * (struct lec_command's setup: enum cmd_setup), handed to the command:
 * the config file read, the shared options (--index, --socket, parsed by
 * cmd_parse from one table, cmd_shared_opts) and the index directory
 * resolved from them. Owned by main, for the command's run. */
struct config;
struct cmd_context {
	const char *name; /* the command: "find" */
	unsigned setup;   /* its entry's enum cmd_setup */
	/* CMD_CONFIG_READ: the config file read (NULL: no file, or not read) */
	const struct config *config;
	/* --index and --socket as given (or as the config file gives them),
	 * NULL when not: pointers into argv or the config */
	const char *index_opt, *socket_opt;
	/* CMD_INDEX_OPT: the index directory, absolute (--index, else
	 * LECTERN_INDEX, else the default; paths_index_dir); NULL when it
	 * cannot be located. Set by cmd_parse; malloc'd, main frees it. */
	char *index_dir;
};

/* What a command needs set up before it runs: the column of main's
 * command table that says it (cli/lectern.c). The commands open the index
 * each its own way (find asks the daemon first and loads Xapian only when
 * none answers; index creates, locks and walks it in idx_run; status
 * reads its records; shard its stub), so the setup stops at the
 * directory. */
enum cmd_setup {
	/* the config file read (ctx->config); a bad file is an error before
	 * the command runs */
	CMD_CONFIG_READ = 1 << 0,
	/* ... and its values are the defaults of the command's options */
	CMD_CONFIG = CMD_CONFIG_READ | 1 << 1,
	/* takes --index (ctx->index_opt); ctx->index_dir when it can be located */
	CMD_INDEX_OPT = 1 << 2,
	/* ... and the directory must be located: if not, the error is said
	 * and the command does not run */
	CMD_INDEX_DIR = CMD_INDEX_OPT | 1 << 3,
	/* takes --socket (ctx->socket_opt) */
	CMD_SOCKET_OPT = 1 << 4,
};

int cmd_open(struct cmd_context *ctx, int argc, char **argv);
int cmd_config(struct cmd_context *ctx, int argc, char **argv);
int cmd_completion(struct cmd_context *ctx, int argc, char **argv);
int cmd_index(struct cmd_context *ctx, int argc, char **argv);
int cmd_status(struct cmd_context *ctx, int argc, char **argv);
int cmd_find(struct cmd_context *ctx, int argc, char **argv);
int cmd_serve(struct cmd_context *ctx, int argc, char **argv);
int cmd_shard(struct cmd_context *ctx, int argc, char **argv);
int cmd_lsp(struct cmd_context *ctx, int argc, char **argv);

/* In the executable: run command argv[0] of the engine (index, status,
 * shard, serve, lsp), loading it first; a missing or mismatched engine is
 * an error message and LEC_EXIT_ERROR. */
int lec_engine_command(struct cmd_context *ctx, int argc, char **argv);

struct buf;
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

/* What a command's options and arguments are, for cmd_parse: one place for
 * --help, a bad option and a wrong count of arguments, the same in every
 * command (cli/report.c). */
struct opt;
struct cmd_spec {
	const char *name;          /* "status": its messages start "status: " */
	const char *usage_line;    /* "lectern status [options]" */
	const char *summary;       /* the paragraph --help shows under it */
	const struct opt *opts;    /* OPT_END_-terminated; the shared ones are added */
	unsigned flags;            /* opt_parse_flags's (OPT_DASH_WORDS) */
	size_t min_args, max_args; /* positional arguments it takes */
	const char *args_why;      /* said when their count is wrong */
	const char *dash_hint;     /* added to an unknown "-x" option's error (may be NULL) */
	/* more --help, and with a usage error, after the usage (may be NULL) */
	void (*more_usage)(FILE *out);
};
/* cmd_parse's "go on": the command runs. */
#define CMD_RUN (-1)
/* Parse argv (argv[0] the command) by c's options and the shared options
 * ctx->setup takes (cmd_shared_opts: --index, --socket, stored in ctx),
 * as one table. --help: the usage and summary on stdout, LEC_EXIT_OK. A bad
 * option or count of arguments: "NAME: why" and the usage on stderr,
 * LEC_EXIT_ERROR. Else the setup that needs the options (ctx->index_dir:
 * CMD_INDEX_OPT; when CMD_INDEX_DIR and it cannot be located, the error on
 * stderr and LEC_EXIT_ERROR), then CMD_RUN, with *args (malloc'd, NULL when
 * none; the caller frees) and *nargs the arguments; on any other return
 * there is nothing to free. A command that takes no arguments (max_args
 * 0) may pass NULL for both. */
int cmd_parse(struct cmd_context *ctx, const struct cmd_spec *c, int argc, char **argv,
	      char ***args, size_t *nargs);
/* A usage error of the command: "NAME: " + the message and the usage on
 * stderr; frees *args (sets it NULL). Returns LEC_EXIT_ERROR. */
int cmd_usage_error(const struct cmd_context *ctx, const struct cmd_spec *c, char ***args,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The options several commands share, in one table: --index DIR (into
 * ctx->index_opt) and --socket PATH (ctx->socket_opt), those of the setup
 * `setup` takes. Into out (room for CMD_SHARED_MAX + 1, OPT_END_-ended);
 * how many. */
#define CMD_SHARED_MAX 2
size_t cmd_shared_opts(struct cmd_context *ctx, struct opt *out);

/* The command table of main (cli/lectern.c), for `lectern completion` (static; *n
 * gets its length). */
struct lec_command {
	const char *name;
	int (*fn)(struct cmd_context *ctx, int argc, char **argv);
	unsigned setup; /* enum cmd_setup */
	const char *summary;
};
const struct lec_command *lec_commands(size_t *n);

#endif
