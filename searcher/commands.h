/* commands.h - the subcommands, one file each (cmd-*.c), dispatched from
 * lectern.c. Each takes argv with argv[0] = the subcommand name and returns
 * an exit code (exitcode.h). */
#ifndef LECTERN_COMMANDS_H
#define LECTERN_COMMANDS_H

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

/* "lectern: " + message on stderr, for the cmd files. */
void lec_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void lec_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The error of command `cmd` that failed with `st` on the index at
 * index_dir, `msg` saying how: a damaged index also says which database
 * and file, and what to do (shards_explain_damage). */
void lec_error_index(const char *cmd, lec_status st, const char *index_dir, const char *msg);
/* paths_index_dir, saying why not on stderr: 0, or -1 (*out NULL). */
int lec_index_dir(const char *opt, char **out);

/* The command table of lectern.c, for `lectern completion` (static; *n
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
