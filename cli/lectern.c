/* lectern.c - main: the command table, the setup each command asks for,
 * and dispatch. The commands that open the index run in
 * liblectern-engine.so (lec_engine_command, cli/engine.h); the others
 * here, without Xapian (commands.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "commands.h"
#include "config.h"
#include "exitcode.h"
#include "jsondump.h"
#include "options.h"

/* Each command with the setup main does before it runs (enum cmd_setup,
 * commands.h): every command reads the config file (a bad one stops it
 * before it does anything); config shows it without taking its values;
 * the shared options (--index, --socket) it takes; whether it cannot run
 * without the index directory. */
static const struct lec_command commands[] = {
	{ "index", lec_engine_command, CMD_CONFIG | CMD_INDEX_DIR,
	  "add notes to the index, or bring it up to date" },
	{ "status", lec_engine_command, CMD_CONFIG | CMD_INDEX_DIR,
	  "show the index's roots, counts, size and freshness" },
	{ "find", cmd_find, CMD_CONFIG | CMD_INDEX_DIR | CMD_SOCKET_OPT, "search the notes" },
	{ "open", cmd_open, CMD_CONFIG, "open $VISUAL or $EDITOR at a place find printed" },
	{ "config", cmd_config, CMD_CONFIG_READ | CMD_INDEX_OPT | CMD_SOCKET_OPT,
	  "show the settings in force and where each comes from" },
	{ "completion", cmd_completion, CMD_CONFIG | CMD_INDEX_OPT,
	  "print the bash, zsh or fish completion script" },
	{ "serve", lec_engine_command, CMD_CONFIG | CMD_INDEX_DIR | CMD_SOCKET_OPT,
	  "answer searches over a Unix socket (the daemon)" },
	{ "shard", lec_engine_command, CMD_CONFIG | CMD_INDEX_DIR,
	  "list the index's shards; add or remove remote ones" },
	{ "lsp", lec_engine_command, CMD_CONFIG | CMD_INDEX_DIR | CMD_SOCKET_OPT,
	  "a language server for editors (LSP over stdio)" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

const struct lec_command *lec_commands(size_t *n)
{
	*n = NCOMMANDS;
	return commands;
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
		     "${XDG_CONFIG_HOME:-~/.config}/lectern/config ('lectern config --help');\n"
		     "--index DIR and --socket PATH, before the command or among its options\n");
}

/* The options given before the command: --config (main reads the config
 * file before the command's options, whose defaults it gives) and the
 * shared ones, which the command's own parse takes (cmd_shared_opts). */
static const char *const global_opts[] = { "--config", "--index", "--socket" };
#define NGLOBAL (sizeof(global_opts) / sizeof(global_opts[0]))

/* `--NAME VALUE` or `--NAME=VALUE` at argv[*i], NAME one of global_opts
 * (its number in *which): the value, *i moved past it; NULL when argv[*i]
 * is none of them. *bad: it is, without a value. */
static const char *global_arg(int argc, char **argv, int *i, size_t *which, int *bad)
{
	const char *a = argv[*i];
	*bad = 0;
	for (*which = 0; *which < NGLOBAL; (*which)++) {
		size_t n = strlen(global_opts[*which]);
		if (strncmp(a, global_opts[*which], n))
			continue;
		if (a[n] == '=') {
			(*i)++;
			return a + n + 1;
		}
		if (a[n])
			continue;
		if (*i + 1 >= argc) {
			*bad = 1;
			return NULL;
		}
		*i += 2;
		return argv[*i - 1];
	}
	return NULL;
}

/* The setup of ctx->setup that comes before the command parses its
 * options: the config file, read (opt: --config) and, for CMD_CONFIG, made
 * the options' defaults. 0, or an exit code. */
static int setup(struct cmd_context *ctx, struct config **config, const char *opt)
{
	char *path = NULL;
	int must_exist = 0;
	struct buf err;
	if (!(ctx->setup & CMD_CONFIG_READ))
		return 0;
	lec_status st = config_locate(opt, &path, &must_exist);
	buf_init(&err, 4096);
	if (!st)
		st = config_load(path, must_exist, config, &err);
	if (st)
		lec_error("config: %s", err.len ? err.data : lec_status_str(st));
	else if ((ctx->setup & CMD_CONFIG) == CMD_CONFIG)
		opt_defaults_from(config_option_value, *config);
	ctx->config = *config;
	buf_release(&err);
	free(path);
	return st ? LEC_EXIT_ERROR : 0;
}

/* Set up what command c needs, run it with that, and undo the setup.
 * `help`: `lectern help CMD`, which reads no config file. */
static int run(const struct lec_command *c, int help, const char *config_opt, int argc, char **argv)
{
	struct config *config = NULL;
	struct cmd_context ctx = { .name = c->name,
				   .setup = help ? c->setup & ~(unsigned)CMD_CONFIG : c->setup };
	int code = setup(&ctx, &config, config_opt);
	if (!code)
		code = c->fn(&ctx, argc, argv);
	opt_defaults_from(NULL, NULL);
	config_free(config);
	free(ctx.index_dir);
	return code;
}

static int dispatch(int argc, char **argv, const char *config_opt);

int main(int argc, char **argv)
{
	jsondump_init(); /* before any JSON is made */
	if (argc < 2) {
		usage(stderr);
		return LEC_EXIT_ERROR;
	}
	const char *config_opt = NULL, *c;
	int first = 1, bad = 0, nshared = 0;
	char *shared[8]; /* the shared options given before the command */
	size_t which;
	while (first < argc && !bad) {
		int at = first;
		if (!(c = global_arg(argc, argv, &first, &which, &bad)))
			break;
		if (which == 0)
			config_opt = c;
		else if (nshared + (first - at) > 8)
			bad = 1, first = at; /* more than four: a mistake */
		else
			while (at < first)
				shared[nshared++] = argv[at++];
	}
	if (bad || first >= argc) {
		if (bad)
			lec_error("option '%s' requires a value", argv[first]);
		usage(stderr);
		return LEC_EXIT_ERROR;
	}
	argv += first - 1;
	argc -= first - 1;
	/* `lectern --index DIR find ...` is `lectern find --index DIR ...`: the
	 * command's own parse takes them (and says so if it has no such option) */
	char **moved = NULL;
	if (nshared) {
		moved = malloc(((size_t)argc + (size_t)nshared + 1) * sizeof(*moved));
		if (!moved) {
			lec_error("out of memory");
			return LEC_EXIT_ERROR;
		}
		moved[0] = argv[0];
		moved[1] = argv[1];
		memcpy(moved + 2, shared, (size_t)nshared * sizeof(*moved));
		memcpy(moved + 2 + nshared, argv + 2, ((size_t)argc - 2 + 1) * sizeof(*moved));
		argv = moved;
		argc += nshared;
	}
	int code = dispatch(argc, argv, config_opt);
	free(moved);
	return code;
}

/* Run the command argv[1] (the global options gone but --config's FILE). */
static int dispatch(int argc, char **argv, const char *config_opt)
{
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
				return run(&commands[i], 1, NULL, 2, hargv);
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(commands[i].name, name))
			continue;
		return run(&commands[i], 0, config_opt, argc - 1, argv + 1);
	}
	lec_error("unknown command '%s' (see 'lectern --help')", name);
	return LEC_EXIT_ERROR;
}
