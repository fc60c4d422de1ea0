/* cmd-index.c - `lectern index`: add roots, bring the index up to date. */
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "commands.h"
#include "exitcode.h"
#include "index.h"
#include "shards.h"
#include "options.h"
#include "paths.h"
#include "vec.h"

static const char usage_line[] = "lectern index [options] [DIR|FILE...]";
static const char summary[] =
	"Index the notes under each DIR (remembered as a root), or refresh the parts of\n"
	"known roots named. With no arguments, refresh every known root. Only changed\n"
	"files are read again; removed files leave the index.";

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

struct ui {
	int tty;                /* progress bar on stderr */
	int quiet;
	int json;
	int no_progress;
	json_t *warnings;
	double last_print;
	int bar_shown;
};

static void ui_warn(void *ctx, const char *path, const char *message)
{
	struct ui *ui = ctx;
	if (ui->json) {
		json_array_append_new(ui->warnings,
				      json_pack("{s:s, s:s}", "path", path ? path : "",
						"message", message));
		return;
	}
	if (ui->bar_shown) {
		fputs("\r\033[K", stderr);
		ui->bar_shown = 0;
	}
	lec_warning("%s: %s", path ? path : "", message);
}

static void ui_progress(void *ctx, const struct idx_progress *p)
{
	struct ui *ui = ctx;
	if (ui->quiet || ui->json || ui->no_progress)
		return;
	int last = p->done_files == p->total_files;
	if (!last && p->elapsed - ui->last_print < (ui->tty ? 0.1 : 2.0))
		return;
	if (!ui->tty && (last || p->elapsed < 2.0))
		return;     /* plain lines only for long runs */
	ui->last_print = p->elapsed;
	double mb = (double)p->done_bytes / 1e6, total = (double)p->total_bytes / 1e6;
	double rate = p->elapsed > 0 ? mb / p->elapsed : 0;
	double eta = rate > 0 ? (total - mb) / rate : 0;
	if (ui->tty) {
		int width = 30, fill = p->total_bytes ? (int)(width * mb / (total > 0 ? total : 1)) : width;
		fprintf(stderr, "\r\033[K[%-*.*s] %llu/%llu files  %.1f/%.1f MB  %.1f MB/s  ETA %.0fs",
			width, fill, "##############################",
			(unsigned long long)p->done_files, (unsigned long long)p->total_files,
			mb, total, rate, eta);
		ui->bar_shown = 1;
		if (last) {
			fputs("\r\033[K", stderr);
			ui->bar_shown = 0;
		}
	} else {
		fprintf(stderr, "lectern: indexed %llu/%llu files (%.1f/%.1f MB, %.1f MB/s)\n",
			(unsigned long long)p->done_files, (unsigned long long)p->total_files,
			mb, total, rate);
	}
	fflush(stderr);
}

static void print_summary(const struct idx_stats *s, const struct idx_opts *o, struct ui *ui,
			  const char *index_dir)
{
	if (ui->json) {
		json_t *j = json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
				      "s:I, s:f, s:b, s:o}",
				      "index", index_dir, "check", o->check_only,
				      "files", (json_int_t)s->files, "added", (json_int_t)s->added,
				      "updated", (json_int_t)s->updated,
				      "removed", (json_int_t)s->removed,
				      "unchanged", (json_int_t)s->unchanged,
				      "touched", (json_int_t)s->touched,
				      "skipped", (json_int_t)s->skipped,
				      "warnings", (json_int_t)s->warnings,
				      "passages", (json_int_t)s->passages,
				      "bytes", (json_int_t)s->bytes,
				      "compacted", (json_int_t)s->compacted, "seconds", s->seconds,
				      "interrupted", s->interrupted, "warning_list",
				      json_incref(ui->warnings));
		char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
		if (text)
			puts(text);
		free(text);
		json_decref(j);
		return;
	}
	if (ui->quiet)
		return;
	if (o->check_only) {
		uint64_t stale = s->added + s->updated + s->removed;
		if (stale)
			printf("out of date: %llu to add, %llu to update, %llu to remove\n",
			       (unsigned long long)s->added, (unsigned long long)s->updated,
			       (unsigned long long)s->removed);
		else
			printf("up to date: %llu notes\n", (unsigned long long)s->files);
		return;
	}
	printf("%s%llu notes: %llu added, %llu updated, %llu removed, %llu unchanged, "
	       "%llu skipped, %llu warnings; %llu passages, %.1f MB in %.2fs\n",
	       s->interrupted ? "interrupted: " : "",
	       (unsigned long long)s->files, (unsigned long long)s->added,
	       (unsigned long long)s->updated, (unsigned long long)s->removed,
	       (unsigned long long)s->unchanged, (unsigned long long)s->skipped,
	       (unsigned long long)s->warnings, (unsigned long long)s->passages,
	       (double)s->bytes / 1e6, s->seconds);
	/* said when asked for; a first run's own compaction goes unremarked */
	if (o->compact)
		printf("compacted %llu shard%s\n", (unsigned long long)s->compacted,
		       s->compacted == 1 ? "" : "s");
}

/* The work the run did, on stderr whatever the summary's form: what tests
 * check (a re-run reads nothing, a fresh checkout writes nothing) instead
 * of how long it took. */
static void print_stats(const struct idx_stats *s)
{
	fflush(stdout); /* after the summary, where both go to one place */
	fprintf(stderr, "lectern: stats: files read %llu, bytes read %llu, documents written %llu, "
		"documents deleted %llu, commits %llu\n",
		(unsigned long long)s->files_read, (unsigned long long)s->bytes_read,
		(unsigned long long)s->docs_written, (unsigned long long)s->docs_deleted,
		(unsigned long long)s->commits);
}

/* Absolute forms of the arguments (lexical: symlinked roots stay as named). */
static int absolute_args(char **args, size_t n, char ***out)
{
	*out = calloc(n + 1, sizeof(char *));
	if (!*out)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (paths_absolute(args[i], &(*out)[i]))
			return -1;
	return 0;
}

int cmd_index(int argc, char **argv)
{
	const char *index_opt = NULL, *lang = NULL;
	int check = 0, json = 0, strict = 0, quiet = 0, no_progress = 0, compact = 0, show_stats = 0;
	long shards = 0, jobs = 0;
	struct opt_list forget = { 0 };
	const struct opt opts[] = {
		OPT_STRING_(0, "index", &index_opt, "DIR", "the index directory (default: $LECTERN_INDEX, else $XDG_DATA_HOME/lectern)"),
		OPT_FLAG_(0, "check", &check, "change nothing; exit 1 if the index is out of date"),
		OPT_STRINGS_(0, "forget", &forget, "DIR", "drop a root and its notes (repeatable)"),
		OPT_STRING_(0, "lang", &lang, "LANG", "stemming language of the DIRs given, remembered (default english; a note's lang: key wins)"),
		OPT_INT_(0, "shards", &shards, "N", "a new index of N shards, written in parallel (default 1; fixed once created)", 1, SHARDS_MAX),
		OPT_INT_('j', "jobs", &jobs, "N", "worker threads (default: one per CPU, at most 8)", 1, IDX_MAX_JOBS),
		OPT_FLAG_(0, "compact", &compact, "compact the index at the end (a first run does by itself)"),
		OPT_FLAG_(0, "json", &json, "print the summary as one JSON object"),
		OPT_FLAG_(0, "strict", &strict, "exit 1 when there were warnings"),
		OPT_FLAG_('q', "quiet", &quiet, "print warnings only"),
		OPT_FLAG_(0, "no-progress", &no_progress, "no progress bar"),
		OPT_FLAG_(0, "stats", &show_stats, "also print on stderr what the run read and wrote (files, bytes, documents, commits)"),
		OPT_END_(),
	};
	char **args = NULL, **abs_args = NULL, *index_dir = NULL;
	size_t nargs = 0;
	char err[512];
	int code = LEC_EXIT_ERROR;
	enum opt_result r = opt_parse(opts, argc, argv, &args, &nargs, err, sizeof(err));
	if (r == OPT_HELP) {
		opt_usage(stdout, usage_line, summary, opts);
		free(args);
		free(forget.items);
		return LEC_EXIT_OK;
	}
	if (r == OPT_ERROR) {
		lec_error("index: %s", err);
		opt_usage(stderr, usage_line, NULL, opts);
		return LEC_EXIT_ERROR;
	}
	if (check && compact) {
		lec_error("index: --compact rewrites the index and --check changes nothing: "
			  "give one of them");
		free(args);
		free(forget.items);
		return LEC_EXIT_ERROR;
	}
	struct idx_opts io = { .check_only = check, .language = lang,
			       .shards = (unsigned)shards, .jobs = (unsigned)jobs,
			       .compact = compact };
	char **abs_forget = NULL;
	if (absolute_args(args, nargs, &abs_args) || absolute_args((char **)forget.items, forget.n, &abs_forget)) {
		lec_error("out of memory");
		goto out;
	}
	io.forget = abs_forget;
	io.nforget = forget.n;
	if (paths_index_dir(index_opt, &index_dir)) {
		lec_error("cannot locate the index: set --index, LECTERN_INDEX or HOME");
		goto out;
	}
	struct ui ui = { .tty = isatty(2) && !no_progress, .quiet = quiet, .json = json,
			 .no_progress = no_progress,
			 .warnings = json_array() };
	struct idx_hooks hooks = { .ctx = &ui, .warn = ui_warn, .progress = ui_progress,
				   .stop = &stop_flag };
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	struct idx_stats stats;
	struct buf msg;
	buf_init(&msg, 4096);
	lec_status st = idx_run(index_dir, abs_args, nargs, &io, &hooks, &stats, &msg);
	if (st) {
		lec_error("index: %s", msg.data ? msg.data : lec_status_str(st));
	} else {
		print_summary(&stats, &io, &ui, index_dir);
		if (show_stats)
			print_stats(&stats);
		if (stats.interrupted)
			code = LEC_EXIT_INTERRUPTED;
		else if (check && stats.added + stats.updated + stats.removed)
			code = LEC_EXIT_NOTHING;
		else if (strict && stats.warnings)
			code = LEC_EXIT_NOTHING;
		else
			code = LEC_EXIT_OK;
	}
	buf_release(&msg);
	json_decref(ui.warnings);
out:
	strv_free(abs_args, nargs);
	strv_free(abs_forget, forget.n);
	free(forget.items);
	free(args);
	free(index_dir);
	return code;
}
