/* cmd-find.c - `lectern find`: search the notes, print ranked places. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "client.h"
#include "commands.h"
#include "emit.h"
#include "engine.h"
#include "exitcode.h"
#include "lectern-int.h"
#include "limits.h"
#include "options.h"
#include "paths.h"
#include "query.h"
#include "search.h"
#include "sock.h"
#include "vec.h"

static const char usage_line[] = "lectern find [options] QUERY...";
static const char summary[] =
	"Search the notes. One argument with several words is a phrase (as you quoted it);\n"
	"several arguments are words that must all occur in a passage. Quotes (\"...\" or\n"
	"\xe2\x80\x9c...\xe2\x80\x9d), OR, AND, NOT, -word, +word, (...), a NEAR/5 b, prefix*, title:\n"
	"(the note's title), heading: (a heading above the passage), path:, speaker:, tag:,\n"
	"year:2017, year:2012..2015, date:2019-06.., date:2w and date:today are understood:\n"
	"see lectern(1) and docs/query-language.md.\n"
	"\n"
	"A word starting with '-' (-word: passages without it) is query text after the\n"
	"first query word or after '--': lectern find smoosh -flatten, lectern find --\n"
	"-flatten smoosh. There, options are the ones below spelled whole (--json, -n 5;\n"
	"not -n5 or -al).\n"
	"\n"
	"Exit status: 0 found, 1 nothing matches the query as written (also when passages\n"
	"matching some of its words are shown: a fallback, marked in every format), 2 error.";

struct find_opts {
	const char *index_dir, *format, *color, *socket; /* index_dir: main's */
	long limit, offset, context;
	const char *sort;
	int all, files, count, json, phrase, strict, explain, fix, no_daemon, rank_all, quiet,
		no_snippets;
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

/* The length of the query join_args makes of args */
static size_t query_bytes(char **args, size_t n)
{
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		len += strlen(args[i]) + (i > 0);
	return len;
}

/* The fallback (nothing matched the query as written; these hits hold some
 * of its words) said where a format that lists no fallback hit can say it:
 * --count counts them, vimgrep leaves them out (it lists only matches). */
static void print_fallback_left(const lectern_results_t *res, enum emit_format fmt)
{
	fflush(stdout); /* after what stdout holds, even with 2>&1 */
	if (fmt == EMIT_COUNT)
		fprintf(stderr, "lectern: no passage matches the whole query; the count is of "
				"passages matching some of its words\n");
	else if (fmt == EMIT_VIMGREP)
		fprintf(stderr,
			"lectern: no passage matches the whole query; %s%llu passage%s "
			"matching some of its words left out (vimgrep lists only matches; "
			"--format text or --json shows them)\n",
			lectern_results_total_exact(res) ? "" : "about ",
			(unsigned long long)lectern_results_total(res),
			lectern_results_total(res) == 1 ? "" : "s");
}

/* What is said before the hits (or instead of them): how the query was
 * understood, "did you mean", that the hits match only some words, and the
 * shards left out. `hits`: some follow. In text, all but the warnings go
 * to stdout with the hits they are about; in the machine formats, to
 * stderr (JSON has them in its summary line too). */
static void print_notes(const lectern_results_t *res, const struct find_opts *fo,
			enum emit_format fmt, int color, int hits)
{
	FILE *out = fmt == EMIT_TEXT ? stdout : stderr;
	const char *who = out == stderr ? "lectern: " : "";
	const char *suggestion = lectern_results_suggestion(res);
	const char *explain = lectern_results_explain(res);
	const char *fallback_query = lectern_results_fallback_query(res);
	int printed = 0, fallback = lectern_results_fallback(res);
	/* quote the suggestion unless it brings its own quotes */
	const char *q = suggestion && strpbrk(suggestion, "\"\xe2") ? "" : "\"";
	if (fo->quiet)
		return;
	fflush(stdout); /* the warnings after what stdout holds, even with 2>&1 */
	for (const char *p = lectern_results_warnings(res), *nl; p && *p;
	     p = nl ? nl + 1 : p + strlen(p)) {
		nl = strchr(p, '\n');
		fprintf(stderr, "lectern: warning: %.*s\n", (int)(nl ? nl - p : (long)strlen(p)),
			p);
	}
	if (fo->explain && explain) {
		fprintf(out, "query: %s\n", explain);
		printed = out == stdout;
	}
	if (lectern_results_fixed(res)) {
		fprintf(stderr, "lectern: showing results for %s%s%s\n", q, suggestion, q);
	} else if (suggestion) {
		/* in the output itself: a misspelt word among others leaves a
		 * fallback below, which the suggestion explains */
		fprintf(out, "%sdid you mean %s%s%s? (--fix searches for it)\n", who, q, suggestion,
			q);
		printed |= out == stdout;
	}
	if (fallback && hits && fmt != EMIT_COUNT) {
		int c = color && out == stdout;
		fprintf(out,
			"%s%sno passage matches the whole query; passages matching some of its "
			"words%s%s:%s\n",
			c ? "\033[33m" : "", who, fo->explain && fallback_query ? " " : "",
			fo->explain && fallback_query ? fallback_query : "", c ? "\033[0m" : "");
		printed |= out == stdout;
	} else if (fallback && !hits) {
		print_fallback_left(res, fmt);
	}
	if (printed && fmt == EMIT_TEXT && hits)
		fputc('\n', out);
}

/* Passages printed as they come (on_passage), from the daemon or from the
 * index here: memory stays that of one passage, however many there are. */
struct printer {
	const struct find_opts *fo;
	enum emit_format fmt;
	struct emit_opts eo;
	struct buf out;    /* one passage's bytes */
	uint64_t printed;  /* passages */
	size_t stale;      /* stale passages (vimgrep lists no place for them) */
	int noted;         /* print_notes is done */
	int failed;        /* writing failed: stop */
	int begun;         /* JSON: the begin line is out */
	const char *query; /* for the begin line */
};

/* Print one passage (and, before the first, the notes). */
static lec_status show_hit(struct printer *p, const lectern_results_t *res,
			   const lectern_passage_t *h)
{
	if (!p->noted) {
		print_notes(res, p->fo, p->fmt, p->eo.color, 1);
		p->noted = 1;
	}
	buf_reset(&p->out);
	if (p->fmt == EMIT_JSON && !p->begun) {
		emit_begin(&p->out, p->query);
		p->begun = 1;
	}
	emit_hit(&p->out, res, h, p->printed, &p->eo);
	/* a passage may print nothing (vimgrep: a field-only match has no
	 * occurrence), and an empty buf has no data to pass to fwrite */
	if (p->out.status ||
	    (p->out.len && fwrite(p->out.data, 1, p->out.len, stdout) != p->out.len)) {
		p->failed = 1;
		return LEC_ESTOP;
	}
	p->printed++;
	p->stale += lectern_passage_stale(h) != 0;
	return LEC_OK;
}

/* on_passage: the search here gives each passage to it, and so does the
 * daemon's (daemon_hit). */
static lectern_status_t print_passage(void *ctx, const lectern_results_t *res,
				      const lectern_passage_t *h)
{
	struct printer *p = ctx;
	if (p->fo->quiet) {
		p->printed++;
		return LECTERN_STATUS_SUCCESS;
	}
	return show_hit(p, res, h) ? LECTERN_STATUS_IO_ERROR : LECTERN_STATUS_SUCCESS;
}

/* The daemon's hits, decoded by its client, as passages. */
static lec_status daemon_hit(void *ctx, const struct search_result *res, struct search_hit *h)
{
	lectern_results_t view = lec_results_view(res);
	return print_passage(ctx, &view, lec_passage_of(h)) ? LEC_ESTOP : LEC_OK;
}

static const lectern_passage_t *nth(const void *v)
{
	return *(const lectern_passage_t *const *)v;
}

static int cmp_place(const void *a, const void *b)
{
	const lectern_passage_t *x = nth(a), *y = nth(b);
	return search_place_cmp(lectern_passage_path(x), lectern_passage_line(x),
				lectern_passage_column(x), lectern_passage_path(y),
				lectern_passage_line(y), lectern_passage_column(y));
}

/* By the note's date (ISO 8601 text: its order is the dates'), oldest
 * first (newest first when `newest`); undated notes last; then by place. */
static int cmp_dates(const void *a, const void *b, int newest)
{
	const char *x = lectern_passage_date(nth(a)), *y = lectern_passage_date(nth(b));
	if (!x != !y)
		return x ? -1 : 1;
	int c = x ? strcmp(x, y) : 0;
	return c ? (newest ? -c : c) : cmp_place(a, b);
}

static int cmp_date(const void *a, const void *b)
{
	return cmp_dates(a, b, 0);
}

static int cmp_date_desc(const void *a, const void *b)
{
	return cmp_dates(a, b, 1);
}

/* --sort path of a page, --sort date: the passages, kept whole by the
 * search, sorted and printed: a page by path is the page sorted (the
 * ranking made it); by date, every matching passage was kept, and the
 * page is taken from them sorted (--offset, --limit; --all: all). */
static lec_status show_sorted(struct printer *p, lectern_results_t *res)
{
	const struct find_opts *fo = p->fo;
	int by_date = !strcmp(fo->sort, "date") || !strcmp(fo->sort, "-date");
	size_t n = lectern_results_count(res);
	size_t from = by_date ? (size_t)fo->offset : 0, to = n;
	if (by_date && !fo->all && from + (size_t)fo->limit < to)
		to = from + (size_t)fo->limit;
	const lectern_passage_t **v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return LEC_ENOMEM;
	for (size_t i = 0; i < n; i++)
		v[i] = lectern_results_next(res);
	qsort(v, n, sizeof(*v),
	      !by_date           ? cmp_place :
	      fo->sort[0] == '-' ? cmp_date_desc :
				   cmp_date);
	for (size_t i = from; i < to && !p->failed; i++)
		show_hit(p, res, v[i]);
	free(v);
	return LEC_OK;
}

/* The result: the daemon's answer (decoded, read through a view) or the
 * search's here (through the engine: this process loads Xapian only
 * then). */
struct found {
	struct search_result daemon;
	lectern_results_t view;  /* of daemon */
	lectern_index_t *index;  /* here */
	lectern_results_t *here; /* here */
	lectern_results_t *res;  /* &view or here */
};

static void found_release(struct found *f)
{
	lectern_results_free(f->here);
	lec_engine_index_close(f->index);
	search_result_release(&f->daemon);
}

/* Ask a running daemon for the same index; LEC_OK when it gave the whole
 * answer; LEC_EPERM: a socket we must not trust (message in err), an
 * error; any other status: search here, after the *given passages it
 * printed (the output is the same either way). */
static lec_status try_daemon(const struct find_opts *fo, const char *index_dir,
			     const struct search_req *req, struct search_result *res,
			     uint64_t *given, struct buf *err)
{
	char *path = NULL;
	*given = 0;
	lec_status st = fo->socket ? paths_absolute(fo->socket, &path) :
				     sock_default_path(index_dir, &path);
	if (!st)
		st = client_find(path, fo->socket != NULL, index_dir, req, res, given, err);
	free(path);
	return st;
}

/* The daemon stopped after `given` passages (out of time, gone, an answer
 * we do not take): the rest of the same result, searched here. 0: nothing
 * is left to search. */
static int go_on_from(lectern_query_options_t *o, uint64_t given)
{
	uint64_t off = (uint64_t)o->offset + given;
	int every = (o->flags & LECTERN_QUERY_ALL) ||
		    ((o->flags & LECTERN_QUERY_OCCURRENCES) && (o->flags & LECTERN_QUERY_BY_PLACE));
	if (!every) {
		if (given >= o->limit)
			return 0;
		o->limit -= (unsigned)given;
	}
	o->offset = off > UINT32_MAX ? UINT32_MAX : (unsigned)off;
	return 1;
}

static void make_options(lectern_query_options_t *o, const struct find_opts *fo,
			 enum emit_format fmt, size_t nargs)
{
	int vimgrep = fmt == EMIT_VIMGREP;
	unsigned f = (fo->strict ? LECTERN_QUERY_STRICT : 0) |
		     (fo->phrase ? LECTERN_QUERY_PHRASE : 0) |
		     (nargs == 1 ? LECTERN_QUERY_IMPLICIT_PHRASE : 0) |
		     (fo->fix ? LECTERN_QUERY_FIX : 0) | (fo->explain ? LECTERN_QUERY_EXPLAIN : 0);
	const unsigned kept_by_quiet = f;
	f |= (fo->all ? LECTERN_QUERY_ALL : 0) | (fo->files ? LECTERN_QUERY_FILES : 0) |
	     (fo->count ? LECTERN_QUERY_COUNT : 0);
	/* vimgrep prints a path, places and their lines: no snippet is made,
	 * nor sent by the daemon */
	if (vimgrep)
		f |= LECTERN_QUERY_OCCURRENCES | LECTERN_QUERY_PLACES_ONLY;
	/* a list of files or a count prints no text: no note is read */
	if (fo->no_snippets || fmt == EMIT_FILES || fmt == EMIT_COUNT)
		f |= LECTERN_QUERY_NO_SNIPPETS;
	/* by place: every passage comes in place order, and a page is sorted
	 * (vimgrep's occurrences by place mean every passage to the search,
	 * so a page of them is only sorted here) */
	if (!strcmp(fo->sort, "path") && (fo->all || !vimgrep))
		f |= LECTERN_QUERY_BY_PLACE;
	*o = (lectern_query_options_t){ .limit = (unsigned)fo->limit,
					.offset = (unsigned)fo->offset,
					.context = (unsigned)fo->context,
					.flags = f };
	/* by date: the newest (or oldest) of every matching passage, so
	 * every one is asked for and the page is taken once sorted */
	if (!strcmp(fo->sort, "date") || !strcmp(fo->sort, "-date")) {
		o->flags |= LECTERN_QUERY_ALL;
		o->offset = 0;
	}
	if (fo->quiet)
		/* the exit code is the answer: the best passage (or the first
		 * of a fallback) settles it, and nothing else is worth making */
		*o = (lectern_query_options_t){ .limit = 1,
						.flags =
							kept_by_quiet | LECTERN_QUERY_NO_SNIPPETS };
}

/* The search here, through the engine. */
static lec_status search_here(const char *index_dir, const char *query,
			      const lectern_query_options_t *o, int rank_all, struct found *f,
			      struct buf *err)
{
	char *msg = NULL;
	lectern_status_t ps = lec_engine_index_open(index_dir, &f->index, &msg);
	if (!ps)
		ps = lec_engine_query(f->index, query, o, rank_all, &f->here);
	if (ps) {
		buf_puts(err, msg      ? msg :
			      f->index ? lec_engine_last_error(f->index) :
					 lectern_status_str(ps));
		free(msg);
		/* what lec_error_index tells apart: a damaged index (explained),
		 * and no memory even for the message */
		return ps == LECTERN_STATUS_CORRUPT       ? LEC_ECORRUPT :
		       ps == LECTERN_STATUS_OUT_OF_MEMORY ? LEC_ENOMEM :
							    LEC_EIO;
	}
	f->res = f->here;
	return LEC_OK;
}

/* Search through the daemon when one runs, else (or for what it left) here;
 * the passages go to o->on_passage, or stay in the result. */
static lec_status search(const struct find_opts *fo, const char *index_dir, const char *query,
			 lectern_query_options_t *o, struct found *f, struct buf *err)
{
	struct search_req req;
	struct printer *p = o->on_passage_context;
	uint64_t given = 0;
	lec_req_from_options(&req, query, o);
	if (o->on_passage) {
		req.on_hit = daemon_hit;
		req.on_hit_ctx = p;
	}
	lec_status st = fo->no_daemon || fo->rank_all ?
				LEC_ENOTFOUND :
				try_daemon(fo, index_dir, &req, &f->daemon, &given, err);
	f->view = lec_results_view(&f->daemon);
	f->res = &f->view;
	if (!st || st == LEC_EPERM || (p && p->failed))
		return st;
	/* client_find left f->daemon empty; *given counts only the passages
	 * it gave to on_passage (none when they are kept to be sorted) */
	buf_reset(err);
	if (!go_on_from(o, given))
		return LEC_OK;
	return search_here(index_dir, query, o, fo->rank_all, f, err);
}

/* What follows the passages: JSON's end and summary lines (--json
 * --count: the summary alone, one object), --count's number. -1: writing
 * failed. */
static int print_end(struct printer *pr, const lectern_results_t *res, int json)
{
	if (!json) {
		if (pr->fmt == EMIT_COUNT)
			printf("%llu\n", (unsigned long long)lectern_results_total(res));
		return 0;
	}
	buf_reset(&pr->out);
	if (pr->fmt == EMIT_JSON && !pr->begun)
		emit_begin(&pr->out, pr->query);
	if (pr->fmt == EMIT_JSON)
		emit_end(&pr->out, pr->printed);
	emit_summary(&pr->out, res, pr->printed);
	return pr->out.status || fwrite(pr->out.data, 1, pr->out.len, stdout) != pr->out.len ? -1 :
											       0;
}

static int run_find(const struct find_opts *fo, char **args, size_t nargs)
{
	enum emit_format fmt;
	/* --json --count is one JSON object, the summary line */
	int json = fo->json || (fo->format && !strcmp(fo->format, "json"));
	if (parse_format(fo, &fmt)) {
		lec_error("find: unknown --format '%s' (text, vimgrep or json)", fo->format);
		return LEC_EXIT_ERROR;
	}
	if (fo->no_snippets && !json) {
		lec_error("find: --no-snippets goes with --json (text and vimgrep show the text)");
		return LEC_EXIT_ERROR;
	}
	if (fo->color && strcmp(fo->color, "auto") && strcmp(fo->color, "always") &&
	    strcmp(fo->color, "never")) {
		lec_error("find: --color takes auto, always or never");
		return LEC_EXIT_ERROR;
	}
	if (strcmp(fo->sort, "rank") && strcmp(fo->sort, "path") && strcmp(fo->sort, "date") &&
	    strcmp(fo->sort, "-date")) {
		lec_error("find: --sort takes rank, date, -date or path");
		return LEC_EXIT_ERROR;
	}
	char *query = join_args(args, nargs), *cwd = getcwd(NULL, 0);
	const char *index_dir = fo->index_dir;
	struct found found = { 0 };
	struct printer pr = { .fo = fo, .fmt = fmt, .query = query };
	struct buf err;
	int code = LEC_EXIT_ERROR;
	buf_init(&err, 4096);
	buf_init(&pr.out, 0);
	if (!query) {
		if (query_bytes(args, nargs) > LEC_MAX_QUERY_BYTES)
			lec_error("find: the query is longer than %u bytes",
				  (unsigned)LEC_MAX_QUERY_BYTES);
		else
			lec_error("find: out of memory");
		goto done;
	}
	pr.eo = (struct emit_opts){ .format = fmt, .color = want_color(fo->color), .cwd = cwd };
	lectern_query_options_t o;
	make_options(&o, fo, fmt, nargs);
	/* sorted by path (a page) or date: the passages are kept by the
	 * search, then sorted; else each is printed as it comes */
	int sorted = ((!strcmp(fo->sort, "path") && !fo->all) || !strcmp(fo->sort, "date") ||
		      !strcmp(fo->sort, "-date")) &&
		     !fo->quiet;
	if (!sorted) {
		o.on_passage = print_passage;
		o.on_passage_context = &pr;
	}
	lec_status st = search(fo, index_dir, query, &o, &found, &err);
	/* A stranger may hold the socket path: say so and stop, rather than
	 * quietly search here and leave the squatter unnoticed (--no-daemon
	 * searches here on purpose). */
	if (st == LEC_EPERM) {
		lec_error("find: %s (--no-daemon searches without a daemon)", err.data);
		goto done;
	}
	if (pr.failed) {
		/* a passage that could not be put together; else stdout failed */
		if (pr.out.status)
			lec_error("find: %s", lec_status_str(pr.out.status));
		goto done;
	}
	if (st) {
		lec_error_index("find", st, index_dir, err.data);
		goto done;
	}
	const lectern_results_t *res = found.res;
	if (sorted && (st = show_sorted(&pr, found.res)) != LEC_OK) {
		lec_error("find: %s", lec_status_str(st));
		goto done;
	}
	if (pr.failed)
		goto done;
	if (!pr.noted)
		print_notes(res, fo, fmt, pr.eo.color, 0);
	if (!fo->quiet && print_end(&pr, res, json)) {
		if (pr.out.status) /* else stdout failed */
			lec_error("find: %s", lec_status_str(pr.out.status));
		goto done;
	}
	/* vimgrep lists occurrences, and a stale passage has none to list: say
	 * so rather than print nothing for a query --count says matches */
	if (fmt == EMIT_VIMGREP && pr.stale && !fo->quiet) {
		/* the passages first: with 2>&1 a note must not land inside a
		 * line of a stdout buffer written later */
		fflush(stdout);
		fprintf(stderr,
			"lectern: %zu matching passage%s left out: %s changed or "
			"missing since indexing (run 'lectern index')\n",
			pr.stale, pr.stale == 1 ? "" : "s",
			pr.stale == 1 ? "its file" : "their files");
	}
	/* found: something matched the query as written. A fallback (passages
	 * holding some of its words) is shown, but is not that: exit 1 in
	 * every format, as for the daemon's answer (docs/query-language.md) */
	if (lectern_results_fallback(res))
		code = LEC_EXIT_NOTHING;
	else
		code = (fmt == EMIT_COUNT && !fo->quiet ? lectern_results_total(res) : pr.printed) ?
			       LEC_EXIT_OK :
			       LEC_EXIT_NOTHING;
done:
	if (fflush(stdout) != 0)
		code = LEC_EXIT_ERROR;
	found_release(&found);
	buf_release(&err);
	buf_release(&pr.out);
	free(query);
	free(cwd);
	return code;
}

int cmd_find(struct cmd_context *ctx, int argc, char **argv)
{
	struct find_opts fo = { .limit = 10, .sort = "rank" };
	const struct opt opts[] = {
		OPT_INT_('n', "limit", &fo.limit, "N", "show the N best passages (default 10)", 1,
			 1000000),
		OPT_INT_(0, "offset", &fo.offset, "N", "skip the N best passages first", 0,
			 100000000),
		OPT_FLAG_('a', "all", &fo.all, "every matching passage"),
		OPT_FLAG_('l', "files", &fo.files, "only the files, best first"),
		OPT_FLAG_('c', "count", &fo.count, "only the number of matching passages"),
		OPT_INT_('C', "context", &fo.context, "N", "show N lines around each match", 0,
			 1000),
		OPT_CHOICE_(0, "format", &fo.format, "FMT", "text (default), vimgrep or json",
			    "text|vimgrep|json"),
		OPT_FLAG_(0, "json", &fo.json, "JSON lines, same as --format json"),
		OPT_FLAG_(
			0, "no-snippets", &fo.no_snippets,
			"JSON hits without snippet or highlights, at their passage's first line: no note is read"),
		OPT_STRING_(
			0, "sort", &fo.sort, "ORDER",
			"rank (default: best first), date (oldest note first), -date (newest first) or path (by path and line)"),
		OPT_FLAG_('q', "quiet", &fo.quiet,
			  "print nothing: the exit status says whether anything matched"),
		OPT_STRING_(0, "color", &fo.color, "WHEN", "auto (default), always or never"),
		OPT_FLAG_(0, "phrase", &fo.phrase, "the whole query is one phrase"),
		OPT_FLAG_(0, "strict-query", &fo.strict, "fail (exit 2) on query syntax errors"),
		OPT_FLAG_(0, "explain", &fo.explain, "print how the query was understood"),
		OPT_FLAG_(0, "fix", &fo.fix, "search for the \"did you mean\" suggestion"),
		OPT_FLAG_(0, "no-daemon", &fo.no_daemon,
			  "open the index here even if a daemon runs"),
		OPT_FLAG_(
			0, "rank-all", &fo.rank_all,
			"score every passage of every matching note before ranking (slow: to check the ranking; implies --no-daemon)"),
		OPT_END_(),
	};
	/* `lectern find smoosh -flatten`: the shell's -word is a query word;
	 * an unknown "-x" before any query word is told how to search for one */
	const struct cmd_spec spec = {
		"find",
		usage_line,
		summary,
		opts,
		.flags = OPT_DASH_WORDS,
		.min_args = 1,
		.max_args = SIZE_MAX,
		.args_why = "no query given",
		.dash_hint = "(a word starting with '-' is query text after the first query "
			     "word or after '--': lectern find -- -word ...)",
	};
	char **args = NULL;
	size_t nargs = 0;
	int code = cmd_parse(ctx, &spec, argc, argv, &args, &nargs);
	if (code != CMD_RUN)
		return code;
	fo.index_dir = ctx->index_dir;
	fo.socket = ctx->socket_opt;
	code = run_find(&fo, args, nargs);
	free(args);
	return code;
}
