/* commands.h - the subcommands, one file each (cmd-*.c), dispatched from
 * lectern.c. Each takes argv with argv[0] = the subcommand name and returns
 * an exit code (exitcode.h). */
#ifndef LECTERN_COMMANDS_H
#define LECTERN_COMMANDS_H

int cmd_index(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_find(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_shard(int argc, char **argv);

/* "lectern: " + message on stderr, for the cmd files. */
void lec_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void lec_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
