/* config.h - the config file: defaults for the command-line options.
 *
 * ${XDG_CONFIG_HOME:-~/.config}/lectern/config, or the file LECTERN_CONFIG
 * or `lectern --config FILE` names: INI, read by libinih. Keys before any
 * section apply to every command with that option (`index`, `socket`);
 * keys in [find] to find. Only the keys of the table in config.c are
 * allowed: a typo is an error, not a silently ignored line. Precedence,
 * strongest first: the command line, the environment (LECTERN_INDEX), the
 * file, the built-in default.
 */
#ifndef LECTERN_CONFIG_H
#define LECTERN_CONFIG_H

#include <stddef.h>

#include "buf.h"
#include "status.h"

/* A key the file may set. */
struct config_key {
	const char *name;    /* "index", "find.limit" */
	const char *command; /* the command whose option it sets; NULL: every command */
	const char *option;  /* that option's long name */
	const char *env;     /* an environment variable that wins over the file, or NULL */
	const char *kind;    /* "DIR", "PATH", "N" or the values "a|b|c" */
	long min, max;       /* "N": the bounds */
	const char *def;     /* the built-in default, as `lectern config` shows it;
			       * NULL: worked out by the command (the index, the socket) */
	const char *help;
};

/* The keys the file may set: a static array of *n keys. */
const struct config_key *config_keys(size_t *n);

struct config;

/* Which file to read: `opt` (--config) if not NULL, else $LECTERN_CONFIG
 * (set but empty: no file at all, *path = NULL), else
 * ${XDG_CONFIG_HOME:-$HOME/.config}/lectern/config. *must_exist: the file
 * was named (--config, LECTERN_CONFIG), so its absence is an error.
 * *path malloc'd, caller frees; NULL when there is none. */
lec_status config_locate(const char *opt, char **path, int *must_exist);

/* Read the file at `path` (NULL: none) into *out (config_free it; an empty
 * config when the file is absent and !must_exist). A bad file gives
 * LEC_ESYNTAX (LEC_ENOTFOUND, LEC_EIO: cannot read it) and "FILE:LINE: what
 * is wrong" in err. Takes a copy of path. */
lec_status config_load(const char *path, int must_exist, struct config **out, struct buf *err);

/* The file read (NULL: none) and whether it was there. These and
 * config_get take c NULL as a config without a file. */
const char *config_path(const struct config *c);
int config_found(const struct config *c);

/* The value the file gives `key` ("find.limit"), or NULL; *where (if not
 * NULL) gets "FILE:LINE". Both point into c. */
const char *config_get(const struct config *c, const char *key, const char **where);

/* opt_default_fn for options.h: the value the file gives option --`option`
 * of command `cmd`, unless the environment variable of its key is set (it
 * wins over the file). `ctx` is the config. */
const char *config_option_value(void *ctx, const char *cmd, const char *option, const char **where);

void config_free(struct config *c);

#endif
