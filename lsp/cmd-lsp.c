/* cmd-lsp.c - `lectern lsp`: the language server, on stdin and stdout. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "buf.h"
#include "commands.h"
#include "exitcode.h"
#include "lsp.h"
#include "options.h"

static const char usage_line[] = "lectern lsp [options]";
static const char summary[] =
	"A language server (LSP 3.17, JSON-RPC over stdin and stdout) for any editor:\n"
	"workspace/symbol runs a lectern query and lists each passage at its match;\n"
	"hover and go-to-definition follow [[note]] and [text](note.md) links, hover on a\n"
	"heading shows its section; saving a note reindexes it. Searches go to the daemon\n"
	"(lectern serve), started when none runs, else to the index here. Editors start\n"
	"this command themselves: see editors/README.md. Exit status: 0 after shutdown\n"
	"and exit, 1 on exit without shutdown (or when the input ends), 2 on a usage error.";

int cmd_lsp(struct cmd_context *ctx, int argc, char **argv)
{
	struct lsp_opts lo = { 0 };
	const struct opt opts[] = {
		OPT_FLAG_(0, "no-daemon", &lo.no_daemon,
			  "search the index in this process; no daemon"),
		OPT_FLAG_(0, "no-start", &lo.no_start, "use a running daemon, but start none"),
		OPT_END_(),
	};
	const struct cmd_spec spec = { "lsp", usage_line, summary, opts,
				       .args_why = "takes no arguments" };
	int code = cmd_parse(ctx, &spec, argc, argv, NULL, NULL);
	if (code != CMD_RUN)
		return code;
	lo.index = ctx->index_dir; /* --index and --socket: main's (commands.h) */
	lo.socket = ctx->socket_opt;
	/* an editor gone away must end us through the write error, not a signal */
	signal(SIGPIPE, SIG_IGN);
	struct buf msg;
	buf_init(&msg, 4096);
	code = lsp_serve(&lo, 0, 1, &msg);
	if (code == LEC_EXIT_ERROR)
		lec_error("lsp: %s", msg.data ? msg.data : "cannot start");
	buf_release(&msg);
	return code;
}
