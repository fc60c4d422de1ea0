/* cmd-config.c - `lectern config [KEY]`: the settings in force, each with
 * where it comes from (git config --show-origin style): the command line,
 * the environment, a line of the config file, or the built-in default. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "commands.h"
#include "config.h"
#include "exitcode.h"
#include "options.h"
#include "paths.h"
#include "sock.h"

static const char usage_line[] = "lectern config [options] [KEY]";
static const char summary[] =
	"Show each setting in force as ORIGIN<tab>KEY=VALUE, ORIGIN being 'command line',\n"
	"'env:VAR', 'file:FILE:LINE' or 'default'; with KEY, only its value; with --index\n"
	"or --socket, as a command given them would have them. The file is --config FILE\n"
	"(before the command), else $LECTERN_CONFIG (empty: none), else\n"
	"${XDG_CONFIG_HOME:-~/.config}/lectern/config: INI, e.g.\n"
	"\n"
	"  index = ~/notes/.lectern     ; every command's --index\n"
	"  [find]\n"
	"  limit = 20\n"
	"\n"
	"The command line wins over the environment, which wins over the file.";

struct setting {
	const char *key, *value, *origin; /* origin: "file:..." is built in `file_origin` */
	char *owned;                      /* value when malloc'd here */
	struct buf file_origin;
};

/* The value of key k in force, and where from: `cli` (the command line),
 * then its environment variable, then the file, then the default. */
static void resolve(const struct config *c, const struct config_key *k, const char *cli,
		    struct setting *s)
{
	const char *where = NULL;
	const char *env = k->env ? getenv(k->env) : NULL;
	const char *file = config_get(c, k->name, &where);
	s->key = k->name;
	buf_init(&s->file_origin, 0);
	if (cli) {
		s->value = cli;
		s->origin = "command line";
	} else if (env && *env) {
		s->value = env;
		buf_printf(&s->file_origin, "env:%s", k->env);
		s->origin = s->file_origin.data;
	} else if (file) {
		s->value = file;
		buf_printf(&s->file_origin, "file:%s", where);
		s->origin = s->file_origin.data;
	} else {
		s->value = k->def;
		s->origin = "default";
	}
}

static void release(struct setting *s)
{
	free(s->owned);
	buf_release(&s->file_origin);
}

/* The index and socket have no fixed default: they are worked out as the
 * commands work them out (paths_index_dir, sock_default_path). */
static int fill_default(struct setting *s, const char *index_dir)
{
	if (s->value)
		return 0;
	if (!strcmp(s->key, "index") && !paths_index_dir(NULL, &s->owned))
		s->value = s->owned;
	else if (!strcmp(s->key, "socket") && index_dir && !sock_default_path(index_dir, &s->owned))
		s->value = s->owned;
	return s->value ? 0 : -1;
}

static void print_file_line(FILE *out, const struct config *c)
{
	const char *path = c ? config_path(c) : NULL;
	if (!path)
		fprintf(out, "# config file: none\n");
	else
		fprintf(out, "# config file: %s%s\n", path, config_found(c) ? "" : " (absent)");
}

static void print_keys(FILE *out)
{
	size_t n;
	const struct config_key *k = config_keys(&n);
	fprintf(out, "\nkeys:\n");
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %-11s %-18s %s\n", k[i].name, k[i].kind, k[i].help);
}

int cmd_config(struct cmd_context *ctx, int argc, char **argv)
{
	const struct opt opts[] = { OPT_END_() };
	const struct cmd_spec spec = { "config",
				       usage_line,
				       summary,
				       opts,
				       .max_args = 1,
				       .args_why = "one KEY at most",
				       .more_usage = print_keys };
	char **args = NULL;
	size_t nargs = 0, n;
	/* --index and --socket are what the command line gives, not what the
	 * file would put there: main reads the file without making its values
	 * the defaults (CMD_CONFIG_READ) */
	int code = cmd_parse(ctx, &spec, argc, argv, &args, &nargs);
	if (code != CMD_RUN)
		return code;
	const struct config_key *keys = config_keys(&n);
	size_t want = n;
	for (size_t i = 0; nargs == 1 && i < n; i++)
		if (!strcmp(keys[i].name, args[0]))
			want = i;
	if (nargs == 1 && want == n)
		return cmd_usage_error(ctx, &spec, &args, "unknown key '%s'", args[0]);
	free(args);
	struct setting *s = calloc(n, sizeof(*s));
	code = LEC_EXIT_OK;
	if (!s) {
		lec_error("config: out of memory");
		return LEC_EXIT_ERROR;
	}
	const char *index_dir = NULL;
	for (size_t i = 0; i < n; i++) {
		const char *cli = !strcmp(keys[i].name, "index")  ? ctx->index_opt :
				  !strcmp(keys[i].name, "socket") ? ctx->socket_opt :
								    NULL;
		resolve(ctx->config, &keys[i], cli, &s[i]);
		if (fill_default(&s[i], index_dir))
			code = LEC_EXIT_ERROR;
		if (!strcmp(keys[i].name, "index"))
			index_dir = s[i].value; /* the socket's default depends on it */
	}
	if (want < n) {
		if (s[want].value)
			printf("%s\n", s[want].value);
	} else {
		print_file_line(stdout, ctx->config);
		for (size_t i = 0; i < n; i++)
			printf("%s\t%s=%s\n", s[i].origin, s[i].key, s[i].value ? s[i].value : "");
	}
	if (code)
		lec_error("config: cannot locate the index: set --index, LECTERN_INDEX or HOME");
	for (size_t i = 0; i < n; i++)
		release(&s[i]);
	free(s);
	if (fflush(stdout))
		code = LEC_EXIT_ERROR;
	return code;
}
