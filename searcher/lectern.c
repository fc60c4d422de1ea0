/* lectern.c - main: the command table and dispatch. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "commands.h"
#include "exitcode.h"
#include "shards.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "index", cmd_index, "add notes to the index, or bring it up to date" },
	{ "status", cmd_status, "show the index's roots, counts, size and freshness" },
	{ "find", cmd_find, "search the notes" },
	{ "serve", cmd_serve, "answer searches over a Unix socket (the daemon)" },
	{ "shard", cmd_shard, "list the index's shards; add or remove remote ones" },
	{ "lsp", cmd_lsp, "a language server for editors (LSP over stdio)" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

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

static void usage(FILE *out)
{
	fprintf(out, "usage: lectern <command> [options] [args]\n\n"
		     "Full-text search for conference and meeting notes.\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'lectern <command> --help' shows a command's options; "
		     "'man lectern' has the details.\n"
		     "global options: -h, --help; --version\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return LEC_EXIT_ERROR;
	}
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
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return commands[i].fn(argc - 1, argv + 1);
	lec_error("unknown command '%s' (see 'lectern --help')", name);
	return LEC_EXIT_ERROR;
}
