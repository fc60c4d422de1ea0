/* cmd-find.c - `lectern find`: search the notes, print ranked places. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "client.h"
#include "commands.h"
#include "emit.h"
#include "exitcode.h"
#include "limits.h"
#include "options.h"
#include "paths.h"
#include "query.h"
#include "search.h"
#include "sock.h"

static const char usage_line[] = "lectern find [options] QUERY...";
static const char summary[] =
	"Search the notes. One argument with several words is a phrase (as you quoted it);\n"
	"several arguments are words that must all occur in a passage. Quotes (\"...\" or\n"
	"\xe2\x80\x9c...\xe2\x80\x9d), OR, AND, NOT, -word, +word, (...), a NEAR/5 b, prefix*, title:\n"
	"(the note's title), heading: (a heading above the passage), path:, speaker:, tag:,\n"
	"year:2017, year:2012..2015, date:2019-06.., date:2w and date:today are understood:\n"
	"see lectern(1) and docs/query-language.md. Exit status: 0 found, 1 nothing, 2 error.";

struct find_opts {
	const char *index, *format, *color, *socket;
	long limit, offset, context;
	int all, files, count, json, phrase, strict, explain, fix, no_daemon, rank_all;
};

static int want_color(const char *when)
{
	if (!when || !strcmp(when, "auto")) {
		const char *term = getenv("TERM");
		return isatty(1) && !getenv("NO_COLOR") && !(term && !strcmp(term, "dumb"));
	}
	return !strcmp(when, "always");
}

static int parse_format(const struct find_opts *fo, enum emit_format *out)
{
	const char *f = fo->json ? "json" : fo->format ? fo->format : "text";
	if (!strcmp(f, "text"))
		*out = EMIT_TEXT;
	else if (!strcmp(f, "vimgrep"))
		*out = EMIT_VIMGREP;
	else if (!strcmp(f, "json"))
		*out = EMIT_JSON;
	else
		return -1;
	if (fo->files)
		*out = *out == EMIT_JSON ? EMIT_JSON : EMIT_FILES;
	if (fo->count)
		*out = EMIT_COUNT;
	return 0;
}

/* Join the arguments with spaces into the query text. */
static char *join_args(char **args, size_t n)
{
	struct buf b;
	buf_init(&b, LEC_MAX_QUERY_BYTES + 1);
	buf_puts(&b, "");
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(&b, ' ');
		buf_puts(&b, args[i]);
	}
	return buf_detach(&b);
}

static void print_notes(const struct search_result *res, const struct find_opts *fo,
			enum emit_format fmt, int color)
{
	FILE *out = fmt == EMIT_TEXT ? stdout : stderr;
	int printed = 0;
	/* quote the suggestion unless it brings its own quotes */
	const char *q = res->suggestion && strpbrk(res->suggestion, "\"\xe2") ? "" : "\"";
	if (fo->explain && res->explain) {
		fprintf(out, "query: %s\n", res->explain);
		printed = out == stdout;
	}
	if (res->fixed)
		fprintf(stderr, "lectern: showing results for %s%s%s\n", q, res->suggestion, q);
	else if (res->suggestion)
		fprintf(stderr, "lectern: did you mean %s%s%s? (--fix searches for it)\n", q,
			res->suggestion, q);
	if (res->relaxed && res->nhits && fmt != EMIT_COUNT) {
		int c = color && out == stdout;
		fprintf(out, "%sno passage matches the whole query; passages matching some of its "
			     "words%s%s:%s\n", c ? "\033[33m" : "",
			fo->explain && res->relaxed_query ? " " : "",
			fo->explain && res->relaxed_query ? res->relaxed_query : "",
			c ? "\033[0m" : "");
		printed |= out == stdout;
	}
	if (printed && fmt == EMIT_TEXT && res->nhits)
		fputc('\n', out);
}

/* Ask a running daemon for the same index; LEC_OK with *res filled;
 * LEC_EPERM: a socket we must not trust (message in err), an error; any
 * other status: search locally (the output is the same either way). */
static lec_status try_daemon(const struct find_opts *fo, const char *index_dir,
			     const struct search_req *req, struct search_result *res,
			     struct buf *err)
{
	char *path = NULL;
	lec_status st = fo->socket ? paths_absolute(fo->socket, &path) :
				     sock_default_path(index_dir, &path);
	if (!st)
		st = client_find(path, fo->socket != NULL, index_dir, req, res, err);
	free(path);
	return st;
}

static int run_find(const struct find_opts *fo, char **args, size_t nargs)
{
	enum emit_format fmt;
	if (parse_format(fo, &fmt)) {
		lec_error("find: unknown --format '%s' (text, vimgrep or json)", fo->format);
		return LEC_EXIT_ERROR;
	}
	if (fo->color && strcmp(fo->color, "auto") && strcmp(fo->color, "always") &&
	    strcmp(fo->color, "never")) {
		lec_error("find: --color takes auto, always or never");
		return LEC_EXIT_ERROR;
	}
	char *query = join_args(args, nargs), *index_dir = NULL, *cwd = getcwd(NULL, 0);
	struct searcher *s = NULL;
	struct search_result res = { 0 };
	struct buf err, out;
	int code = LEC_EXIT_ERROR;
	buf_init(&err, 4096);
	buf_init(&out, 0);
	if (!query) {
		lec_error("find: the query is longer than %u bytes", (unsigned)LEC_MAX_QUERY_BYTES);
		goto done;
	}
	if (paths_index_dir(fo->index, &index_dir)) {
		lec_error("cannot locate the index: set --index, LECTERN_INDEX or HOME");
		goto done;
	}
	struct search_req req;
	search_req_init(&req);
	req.query = query;
	req.query_len = strlen(query);
	req.qflags = (fo->strict ? QP_STRICT : 0) | (fo->phrase ? QP_WHOLE_PHRASE : 0) |
		     (nargs == 1 ? QP_IMPLICIT_PHRASE : 0);
	req.limit = (uint32_t)fo->limit;
	req.offset = (uint32_t)fo->offset;
	req.all = fo->all;
	req.files = fo->files;
	req.count_only = fo->count;
	req.occurrences = fmt == EMIT_VIMGREP;
	req.sort_by_place = fmt == EMIT_VIMGREP && fo->all;
	req.context = (uint32_t)fo->context;
	req.fix = fo->fix;
	req.explain = fo->explain;
	req.rank_all = fo->rank_all;
	lec_status st = fo->no_daemon || fo->rank_all ? LEC_ENOTFOUND
						       : try_daemon(fo, index_dir, &req, &res, &err);
	/* A stranger may hold the socket path: say so and stop, rather than
	 * quietly search here and leave the squatter unnoticed (--no-daemon
	 * searches here on purpose). */
	if (st == LEC_EPERM) {
		lec_error("find: %s (--no-daemon searches without a daemon)", err.data);
		goto done;
	}
	if (st) {
		st = searcher_open(index_dir, &s, &err);
		if (!st)
			st = search_run(s, &req, &res, &err);
	}
	if (st) {
		lec_error_index("find", st, index_dir, err.data);
		goto done;
	}
	for (const char *p = res.warnings, *nl; p && *p; p = nl ? nl + 1 : p + strlen(p)) {
		nl = strchr(p, '\n');
		fprintf(stderr, "lectern: warning: %.*s\n", (int)(nl ? nl - p : (long)strlen(p)), p);
	}
	int color = want_color(fo->color);
	print_notes(&res, fo, fmt, color);
	struct emit_opts eo = { .format = fmt, .color = color, .cwd = cwd };
	emit_result(&out, &res, &eo);
	/* vimgrep lists occurrences, and a stale hit has none to list: say so
	 * rather than print nothing for a query --count says matches */
	if (fmt == EMIT_VIMGREP) {
		size_t stale = 0;
		for (size_t i = 0; i < res.nhits; i++)
			stale += res.hits[i].stale;
		if (stale)
			fprintf(stderr, "lectern: %zu matching passage%s left out: %s changed or "
				"missing since indexing (run 'lectern index')\n", stale,
				stale == 1 ? "" : "s", stale == 1 ? "its file" : "their files");
	}
	if (out.len)
		fwrite(out.data, 1, out.len, stdout);
	code = (fmt == EMIT_COUNT ? res.total : res.nhits) ? LEC_EXIT_OK : LEC_EXIT_NOTHING;
	if (out.status)
		code = LEC_EXIT_ERROR;
done:
	if (fflush(stdout) != 0)
		code = LEC_EXIT_ERROR;
	search_result_release(&res);
	searcher_free(s);
	buf_release(&err);
	buf_release(&out);
	free(query);
	free(index_dir);
	free(cwd);
	return code;
}

int cmd_find(int argc, char **argv)
{
	struct find_opts fo = { .limit = 10 };
	const struct opt opts[] = {
		OPT_INT_('n', "limit", &fo.limit, "N", "show the N best passages (default 10)", 1, 1000000),
		OPT_INT_(0, "offset", &fo.offset, "N", "skip the N best passages first", 0, 100000000),
		OPT_FLAG_('a', "all", &fo.all, "every matching passage"),
		OPT_FLAG_('l', "files", &fo.files, "only the files, best first"),
		OPT_FLAG_('c', "count", &fo.count, "only the number of matching passages"),
		OPT_INT_('C', "context", &fo.context, "N", "show N lines around each match", 0, 1000),
		OPT_STRING_(0, "format", &fo.format, "FMT", "text (default), vimgrep or json"),
		OPT_FLAG_(0, "json", &fo.json, "JSON lines, same as --format json"),
		OPT_STRING_(0, "color", &fo.color, "WHEN", "auto (default), always or never"),
		OPT_FLAG_(0, "phrase", &fo.phrase, "the whole query is one phrase"),
		OPT_FLAG_(0, "strict-query", &fo.strict, "fail (exit 2) on query syntax errors"),
		OPT_FLAG_(0, "explain", &fo.explain, "print how the query was understood"),
		OPT_FLAG_(0, "fix", &fo.fix, "search for the \"did you mean\" suggestion"),
		OPT_STRING_(0, "index", &fo.index, "DIR", "the index directory"),
		OPT_STRING_(0, "socket", &fo.socket, "PATH", "the daemon's socket (default: lectern serve's)"),
		OPT_FLAG_(0, "no-daemon", &fo.no_daemon, "open the index here even if a daemon runs"),
		OPT_FLAG_(0, "rank-all", &fo.rank_all, "score every passage of every matching note before ranking (slow: to check the ranking; implies --no-daemon)"),
		OPT_END_(),
	};
	char **args = NULL, err[512];
	size_t nargs = 0;
	enum opt_result r = opt_parse(opts, argc, argv, &args, &nargs, err, sizeof(err));
	if (r == OPT_HELP) {
		opt_usage(stdout, usage_line, summary, opts);
		return LEC_EXIT_OK;
	}
	if (r == OPT_ERROR || nargs == 0) {
		lec_error("find: %s", r == OPT_ERROR ? err : "no query given");
		opt_usage(stderr, usage_line, NULL, opts);
		free(args);
		return LEC_EXIT_ERROR;
	}
	int code = run_find(&fo, args, nargs);
	free(args);
	return code;
}
