/* cmd-serve.c - `lectern serve`: the daemon, in the foreground. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "commands.h"
#include "exitcode.h"
#include "lectern.h"
#include "limits.h"
#include "log.h"
#include "options.h"
#include "paths.h"
#include "pool.h"
#include "server.h"
#include "sock.h"

static const char usage_line[] = "lectern serve [options]";
static const char summary[] =
	"Answer searches over a Unix socket (JSON lines, see docs/protocol.md), keeping\n"
	"the index open. Runs in the foreground and logs to stderr; SIGTERM or SIGINT\n"
	"stops it. The socket is $XDG_RUNTIME_DIR/lectern/lectern.sock (else\n"
	"INDEX/run/lectern.sock). `lectern find` uses a running daemon by itself.";

struct serve_opts {
	const char *index, *socket, *log_level;
	long idle, threads, budget;
	int watch;
};

/* A daemon for an index that is not there (a typo in --index), damaged or
 * of another format would answer every find with an error, and, with the
 * socket in INDEX/run, create the directory: open it once as find does and
 * refuse with find's message. A remote shard that is down is left to the
 * requests, so that a daemon can start while a shard is away. */
static int index_missing(const char *index_dir)
{
	lectern_index_t *idx = NULL;
	char *why = NULL;
	lectern_status_t st = lectern_index_open(index_dir, LECTERN_MODE_READ_ONLY, &idx, &why);
	/* the statuses lec_error_index explains (a damaged index: which file) */
	lec_status ls = st == LECTERN_STATUS_NOT_FOUND ? LEC_ENOTFOUND :
			st == LECTERN_STATUS_CORRUPT   ? LEC_ECORRUPT :
			st == LECTERN_STATUS_VERSION   ? LEC_EVERSION :
							 LEC_OK;
	if (ls)
		lec_error_index("serve", ls, index_dir, why ? why : lectern_status_str(st));
	lectern_index_close(idx);
	free(why);
	return ls != LEC_OK;
}

static int serve(const struct serve_opts *so)
{
	const char *index_dir = so->index;
	char *sock_path = NULL;
	struct buf err;
	int code = LEC_EXIT_ERROR;
	buf_init(&err, 4096);
	if (index_missing(index_dir))
		goto done;
	lec_status st = so->socket ? paths_absolute(so->socket, &sock_path) :
				     sock_default_path(index_dir, &sock_path);
	if (st) {
		lec_error("serve: cannot make the socket path: %s", lec_status_str(st));
		goto done;
	}
	struct srv_config cfg = {
		.index_dir = index_dir,
		.socket_path = sock_path,
		.strict_dir = so->socket == NULL,
		.watch = so->watch,
		.idle_timeout_sec = (unsigned)so->idle,
		.search_threads = (unsigned)so->threads,
		.search_ms = (unsigned)so->budget,
	};
	st = srv_run(&cfg, &err);
	if (st) {
		lec_error("serve: %s", err.len ? err.data : lec_status_str(st));
		goto done;
	}
	code = LEC_EXIT_OK;
done:
	buf_release(&err);
	free(sock_path);
	return code;
}

int cmd_serve(struct cmd_context *ctx, int argc, char **argv)
{
	struct serve_opts so = { .idle = LEC_IDLE_TIMEOUT_SEC, .budget = LEC_SEARCH_TIME_MS };
	const struct opt opts[] = {
		OPT_FLAG_(0, "watch", &so.watch, "reindex notes as they are saved (inotify)"),
		OPT_INT_(0, "idle-timeout", &so.idle, "SEC",
			 "close connections idle for SEC seconds (default 300; 0: never)", 0,
			 86400),
		OPT_INT_(0, "threads", &so.threads, "N",
			 "search threads (default: the processors online, at least 2, at most 8)",
			 1, POOL_MAX_THREADS),
		OPT_INT_(0, "time-budget", &so.budget, "MS",
			 "stop a search after MS milliseconds (default 10000; 0: never)", 0,
			 3600000),
		OPT_CHOICE_(0, "log-level", &so.log_level, "LEVEL",
			    "debug, info (default), warn or error", "debug|info|warn|error"),
		OPT_END_(),
	};
	const struct cmd_spec spec = { "serve", usage_line, summary, opts,
				       .args_why = "takes no arguments" };
	int code = cmd_parse(ctx, &spec, argc, argv, NULL, NULL);
	if (code != CMD_RUN)
		return code;
	so.index = ctx->index_dir; /* --index and --socket: main's (commands.h) */
	so.socket = ctx->socket_opt;
	if (so.log_level) {
		int lvl = log_level_parse(so.log_level);
		if (lvl < 0) {
			lec_error("serve: --log-level takes debug, info, warn or error");
			return LEC_EXIT_ERROR;
		}
		log_set_level((enum log_level)lvl);
	}
	return serve(&so);
}
