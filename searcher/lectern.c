/* lectern.c - main: the command table and dispatch. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "commands.h"
#include "config.h"
#include "exitcode.h"
#include "jsondump.h"
#include "options.h"
#include "paths.h"
#include "shards.h"

static const struct lec_command commands[] = {
	{ "index", cmd_index, "add notes to the index, or bring it up to date" },
	{ "status", cmd_status, "show the index's roots, counts, size and freshness" },
	{ "find", cmd_find, "search the notes" },
	{ "open", cmd_open, "open $VISUAL or $EDITOR at a place find printed" },
	{ "config", cmd_config, "show the settings in force and where each comes from" },
	{ "completion", cmd_completion, "print the bash, zsh or fish completion script" },
	{ "serve", cmd_serve, "answer searches over a Unix socket (the daemon)" },
	{ "shard", cmd_shard, "list the index's shards; add or remove remote ones" },
	{ "lsp", cmd_lsp, "a language server for editors (LSP over stdio)" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

const struct lec_command *lec_commands(size_t *n)
{
	*n = NCOMMANDS;
	return commands;
}

static struct config *config;

const struct config *lec_config(void)
{
	return config;
}

void lec_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("lectern: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void lec_warning(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("lectern: warning: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void lec_error_index(const char *cmd, lec_status st, const char *index_dir, const char *msg)
{
	if (st != LEC_ECORRUPT || !index_dir) {
		lec_error("%s: %s", cmd, msg && *msg ? msg : lec_status_str(st));
		return;
	}
	struct buf why;
	buf_init(&why, 0);
	shards_explain_damage(index_dir, &why);
	lec_error("%s: %s (%s)", cmd, why.data ? why.data : lec_status_str(st),
		  msg && *msg ? msg : "damaged");
	buf_release(&why);
}

int lec_index_dir(const char *opt, char **out)
{
	lec_status st = paths_index_dir(opt, out);
	if (st == LEC_ENOMEM)
		lec_error("out of memory");
	else if (st)
		lec_error("cannot locate the index: set --index, LECTERN_INDEX or HOME");
	return st ? -1 : 0;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: lectern <command> [options] [args]\n\n"
		     "Full-text search for conference and meeting notes.\n\ncommands:\n");
	int width = 0;
	for (size_t i = 0; i < NCOMMANDS; i++)
		if ((int)strlen(commands[i].name) > width)
			width = (int)strlen(commands[i].name);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-*s  %s\n", width, commands[i].name, commands[i].summary);
	fprintf(out, "\n'lectern <command> --help' shows a command's options; "
		     "'man lectern' has the details.\n"
		     "global options: -h, --help; --version; --config FILE, before the command:\n"
		     "the config file, instead of $LECTERN_CONFIG or\n"
		     "${XDG_CONFIG_HOME:-~/.config}/lectern/config ('lectern config --help')\n");
}

/* `--config FILE` or `--config=FILE` at argv[*i] (before the command): the
 * FILE, *i moved past it; NULL when argv[*i] is not --config. *bad: it is,
 * without a value. */
static const char *config_arg(int argc, char **argv, int *i, int *bad)
{
	const char *a = argv[*i];
	*bad = 0;
	if (!strncmp(a, "--config=", 9)) {
		(*i)++;
		return a + 9;
	}
	if (strcmp(a, "--config"))
		return NULL;
	if (*i + 1 >= argc) {
		*bad = 1;
		return NULL;
	}
	*i += 2;
	return argv[*i - 1];
}

/* Read the config file and make it the options' defaults; 0, or an exit code. */
static int load_config(const char *opt)
{
	char *path = NULL;
	int must_exist = 0;
	struct buf err;
	lec_status st = config_locate(opt, &path, &must_exist);
	buf_init(&err, 4096);
	if (!st)
		st = config_load(path, must_exist, &config, &err);
	if (st)
		lec_error("config: %s", err.len ? err.data : lec_status_str(st));
	else
		opt_defaults_from(config_option_value, config);
	buf_release(&err);
	free(path);
	return st ? LEC_EXIT_ERROR : 0;
}

static int run(const struct lec_command *c, int argc, char **argv)
{
	int code = c->fn(argc, argv);
	opt_defaults_from(NULL, NULL);
	config_free(config);
	config = NULL;
	return code;
}

int main(int argc, char **argv)
{
	jsondump_init(); /* before any JSON is made */
	if (argc < 2) {
		usage(stderr);
		return LEC_EXIT_ERROR;
	}
	const char *config_opt = NULL, *c;
	int first = 1, bad = 0;
	while (first < argc && (c = config_arg(argc, argv, &first, &bad)))
		config_opt = c;
	if (bad || first >= argc) {
		if (bad)
			lec_error("option '--config' requires a value");
		usage(stderr);
		return LEC_EXIT_ERROR;
	}
	argv += first - 1;
	argc -= first - 1;
	const char *name = argv[1];
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("lectern %s\n", LECTERN_VERSION);
		return LEC_EXIT_OK;
	}
	if (!strcmp(name, "-h") || !strcmp(name, "--help")) {
		usage(stdout);
		return LEC_EXIT_OK;
	}
	if (!strcmp(name, "help")) {
		if (argc < 3) {
			usage(stdout);
			return LEC_EXIT_OK;
		}
		name = argv[2];
		char *hargv[] = { argv[2], "--help", NULL };
		for (size_t i = 0; i < NCOMMANDS; i++)
			if (!strcmp(commands[i].name, name))
				return commands[i].fn(2, hargv);
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(commands[i].name, name))
			continue;
		int code = load_config(config_opt);
		return code ? code : run(&commands[i], argc - 1, argv + 1);
	}
	lec_error("unknown command '%s' (see 'lectern --help')", name);
	return LEC_EXIT_ERROR;
}
