/* cmd-index.c - `lectern index`: add roots, bring the index up to date. */
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "commands.h"
#include "exitcode.h"
#include "index.h"
#include "jsondump.h"
#include "shards.h"
#include "options.h"
#include "paths.h"
#include "vec.h"

static const char usage_line[] = "lectern index [options] [DIR|FILE...]";
static const char summary[] =
	"Index the notes under each DIR (remembered as a root), or refresh the parts of\n"
	"known roots named. With no arguments, refresh every known root. Only changed\n"
	"files are read again; removed files leave the index.";

static atomic_int stop_flag; /* lock-free: a signal handler may store to it */

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

struct ui {
	int tty; /* progress bar on stderr */
	int quiet;
	int json;
	int no_progress;
	json_t *warnings;
	double last_print;
	/* stderr is written by the workers (warnings) and the ticker (the
	 * bar): one line at a time, and the bar is erased before a warning */
	pthread_mutex_t mu;
	int bar_shown;
	/* LECTERN_TEST_STOP_AT_FILE=N, for tests only (like git's GIT_TEST_*
	 * variables): once N files are done the process stops itself with
	 * SIGSTOP, so that a test's kill -9 lands mid-run however fast the
	 * machine is (T810); 0: unset */
	uint64_t test_stop_at;
};

static void erase_bar(struct ui *ui)
{
	if (ui->bar_shown) {
		fputs("\r\033[K", stderr);
		ui->bar_shown = 0;
	}
}

static void ui_warn(void *ctx, const char *path, const char *message)
{
	struct ui *ui = ctx;
	if (ui->json) {
		json_array_append_new(
			ui->warnings,
			json_pack("{s:s, s:s}", "path", path ? path : "", "message", message));
		return;
	}
	pthread_mutex_lock(&ui->mu);
	erase_bar(ui);
	lec_warning("%s: %s", path ? path : "", message);
	pthread_mutex_unlock(&ui->mu);
}

static void ui_info(void *ctx, const char *message)
{
	struct ui *ui = ctx;
	if (ui->quiet || ui->json)
		return;
	pthread_mutex_lock(&ui->mu);
	erase_bar(ui);
	fprintf(stderr, "lectern: %s\n", message);
	pthread_mutex_unlock(&ui->mu);
}

/* Progress lines for a long run whose stderr is no terminal (a terminal
 * gets the bar, redrawn by the ticker below). */
static uint64_t test_stop_at(void)
{
	const char *v = getenv("LECTERN_TEST_STOP_AT_FILE");
	return v ? strtoull(v, NULL, 10) : 0;
}

static void ui_progress(void *ctx, const struct idx_progress *p)
{
	struct ui *ui = ctx;
	if (ui->test_stop_at && p->done_files >= ui->test_stop_at &&
	    p->done_files < p->total_files) {
		ui->test_stop_at = 0; /* the callers hold the run's lock */
		raise(SIGSTOP);
	}
	if (ui->quiet || ui->json || ui->no_progress || ui->tty)
		return;
	int last = p->done_files == p->total_files;
	if (last || p->elapsed - ui->last_print < 2.0 || p->elapsed < 2.0)
		return; /* plain lines only for long runs */
	ui->last_print = p->elapsed;
	double mb = (double)p->done_bytes / 1e6, total = (double)p->total_bytes / 1e6;
	double rate = p->elapsed > 0 ? mb / p->elapsed : 0;
	pthread_mutex_lock(&ui->mu);
	fprintf(stderr, "lectern: indexed %llu/%llu files (%.1f/%.1f MB, %.1f MB/s)\n",
		(unsigned long long)p->done_files, (unsigned long long)p->total_files, mb, total,
		rate);
	fflush(stderr);
	pthread_mutex_unlock(&ui->mu);
}

/* ---- the progress bar: a terminal only, redrawn on a clock ---------------- */

/* 5 redraws a second, whatever the workers are doing: a 55 MB note or a
 * slow commit shows its clock moving, not a frozen bar. */
#define TICK_NS 200000000L
#define BAR_WIDTH 24

struct ticker {
	struct ui *ui;
	struct idx_live *live;
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t cv; /* on CLOCK_MONOTONIC */
	int stop, running;
	struct timespec t0;        /* the command's start: the elapsed field */
	char cwd[4096];            /* paths are shown relative to it */
	struct idx_live_view view; /* the ticker's copy */
};

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static int term_width(void)
{
	struct winsize ws;
	return ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20 ? ws.ws_col : 80;
}

/* The seconds left: the bytes to do at the rate of those done. The bytes of
 * a file count when it is done, so a long one would stall the count and
 * make the rate sink; instead the rate is of the time until the last bytes
 * were done, and the file indexed for the longest is taken to go at that
 * rate (up to 90% of it: it is not done yet), so that the time left counts
 * down through a long note. */
static void format_eta(char *eta, size_t cap, const struct idx_live_view *v, double rate)
{
	double left = (double)(v->total_bytes - v->bytes) / 1e6;
	if (v->bytes >= v->total_bytes) {
		snprintf(eta, cap, "ETA 0s");
		return;
	}
	if (rate <= 0) {
		snprintf(eta, cap, "ETA --");
		return;
	}
	double flight = rate * v->path_seconds;
	double most = 0.9 * (double)v->path_size / 1e6;
	if (flight > most)
		flight = most;
	if (flight > left)
		flight = left;
	snprintf(eta, cap, "ETA %.0fs", (left - flight) / rate);
}

/* The bar of the indexing phase: done files and bytes (of the files to
 * read), the byte rate and the time left. */
static int index_line(char *line, size_t cap, const struct idx_live_view *v)
{
	double mb = (double)v->bytes / 1e6, total = (double)v->total_bytes / 1e6;
	double rate = v->bytes && v->done_seconds > 0 ? mb / v->done_seconds : 0;
	uint64_t part = v->total_bytes ? v->bytes : v->files;
	uint64_t whole = v->total_bytes ? v->total_bytes : v->total_files;
	int fill = whole ? (int)((double)BAR_WIDTH * (double)part / (double)whole) : 0;
	char eta[32];
	format_eta(eta, sizeof(eta), v, rate);
	return snprintf(line, cap, "[%-*.*s] %llu/%llu files  %.1f/%.1f MB  %.1f MB/s  %s",
			BAR_WIDTH, fill > BAR_WIDTH ? BAR_WIDTH : fill, "########################",
			(unsigned long long)v->files, (unsigned long long)v->total_files, mb, total,
			rate, eta);
}

/* Append "  PATH (N MB)" to line (n bytes used), cut from the left to
 * fit `width` columns (bytes: paths of other scripts are cut shorter). */
static void add_path(char *line, size_t cap, int n, int width, const char *path, uint64_t size)
{
	char tail[64];
	int tn = snprintf(tail, sizeof(tail), " (%.1f MB)", (double)size / 1e6);
	int room = width - 1 - n - 2 - tn;
	size_t len = strlen(path);
	if (room < 8)
		return;
	if (len > (size_t)room) {
		path += len - (size_t)(room - 1);
		while ((*path & 0xC0) == 0x80)
			path++; /* not inside a UTF-8 character */
		snprintf(line + n, cap - (size_t)n, "  \xe2\x80\xa6%s%s", path, tail);
	} else {
		snprintf(line + n, cap - (size_t)n, "  %s%s", path, tail);
	}
}

static void draw(struct ticker *t)
{
	struct idx_live_view *v = &t->view;
	char line[1024];
	int width = term_width(), n;
	double elapsed = seconds_since(&t->t0);
	idx_live_view(t->live, v);
	switch (v->phase) {
	case IDX_PHASE_WALK:
		n = snprintf(line, sizeof(line), "finding notes: %llu files",
			     (unsigned long long)v->total_files);
		break;
	case IDX_PHASE_INDEX:
		n = index_line(line, sizeof(line), v);
		break;
	case IDX_PHASE_FINISH:
		n = snprintf(line, sizeof(line), "writing the index (%llu files looked at)",
			     (unsigned long long)v->files);
		break;
	default:
		n = snprintf(line, sizeof(line), "opening the index");
		break;
	}
	if (n < 0 || (size_t)n >= sizeof(line) - 32)
		return;
	n += snprintf(line + n, sizeof(line) - (size_t)n, "  %.1fs", elapsed);
	if (n >= width)
		line[width - 1] = '\0';
	else if (v->phase == IDX_PHASE_INDEX && v->path[0])
		add_path(line, sizeof(line), n, width, paths_display(v->path, t->cwd),
			 v->path_size);
	pthread_mutex_lock(&t->ui->mu);
	fprintf(stderr, "\r\033[K%s", line);
	fflush(stderr);
	t->ui->bar_shown = 1;
	pthread_mutex_unlock(&t->ui->mu);
}

static void *ticker_main(void *arg)
{
	struct ticker *t = arg;
	struct timespec next;
	clock_gettime(CLOCK_MONOTONIC, &next);
	pthread_mutex_lock(&t->mu);
	while (!t->stop) {
		pthread_mutex_unlock(&t->mu);
		draw(t);
		pthread_mutex_lock(&t->mu);
		/* on the beat; after a stall (a stopped process), from now */
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		next.tv_nsec += TICK_NS;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_sec++;
			next.tv_nsec -= 1000000000L;
		}
		if (next.tv_sec < now.tv_sec ||
		    (next.tv_sec == now.tv_sec && next.tv_nsec < now.tv_nsec))
			next = now;
		while (!t->stop && pthread_cond_timedwait(&t->cv, &t->mu, &next) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&t->mu);
	return NULL;
}

/* A bar on a terminal, not with -q, --json or --no-progress; never on a
 * pipe or file. The ticker blocks the signals the run stops on, so that
 * they reach the threads that look at the stop flag. */
static void ticker_start(struct ticker *t, struct ui *ui, struct idx_live *live)
{
	memset(t, 0, sizeof(*t));
	t->ui = ui;
	t->live = live;
	clock_gettime(CLOCK_MONOTONIC, &t->t0);
	if (!ui->tty || ui->quiet || ui->json || !getcwd(t->cwd, sizeof(t->cwd)))
		return;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&t->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&t->mu, NULL);
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	t->running = pthread_create(&t->tid, NULL, ticker_main, t) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!t->running) {
		pthread_cond_destroy(&t->cv);
		pthread_mutex_destroy(&t->mu);
	}
}

/* Stop the ticker and erase its bar, before the summary is printed. */
static void ticker_stop(struct ticker *t)
{
	if (!t->running)
		return;
	pthread_mutex_lock(&t->mu);
	t->stop = 1;
	pthread_cond_signal(&t->cv);
	pthread_mutex_unlock(&t->mu);
	pthread_join(t->tid, NULL);
	pthread_cond_destroy(&t->cv);
	pthread_mutex_destroy(&t->mu);
	pthread_mutex_lock(&t->ui->mu);
	erase_bar(t->ui);
	fflush(stderr);
	pthread_mutex_unlock(&t->ui->mu);
	t->running = 0;
}

static void print_summary(const struct idx_stats *s, const struct idx_opts *o, struct ui *ui,
			  const char *index_dir)
{
	if (ui->json) {
		json_t *j = json_pack(
			"{s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
			"s:I, s:f, s:b, s:o}",
			"index", index_dir, "check", o->check_only, "files", (json_int_t)s->files,
			"added", (json_int_t)s->added, "updated", (json_int_t)s->updated, "removed",
			(json_int_t)s->removed, "unchanged", (json_int_t)s->unchanged, "touched",
			(json_int_t)s->touched, "skipped", (json_int_t)s->skipped, "warnings",
			(json_int_t)s->warnings, "passages", (json_int_t)s->passages, "bytes",
			(json_int_t)s->bytes, "compacted", (json_int_t)s->compacted, "seconds",
			s->seconds, "interrupted", s->interrupted, "warning_list",
			json_incref(ui->warnings));
		char *text = j ? jsondump(j, JSON_COMPACT) : NULL;
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
	       s->interrupted ? "interrupted: " : "", (unsigned long long)s->files,
	       (unsigned long long)s->added, (unsigned long long)s->updated,
	       (unsigned long long)s->removed, (unsigned long long)s->unchanged,
	       (unsigned long long)s->skipped, (unsigned long long)s->warnings,
	       (unsigned long long)s->passages, (double)s->bytes / 1e6, s->seconds);
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
	fprintf(stderr,
		"lectern: stats: files read %llu, bytes read %llu, documents written %llu, "
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

int cmd_index(struct cmd_context *ctx, int argc, char **argv)
{
	const char *lang = NULL;
	int check = 0, json = 0, strict = 0, quiet = 0, no_progress = 0, compact = 0, rebuild = 0,
	    show_stats = 0;
	long shards = 0, jobs = 0;
	struct opt_list forget = { 0 };
	const struct opt opts[] = {
		OPT_FLAG_(0, "check", &check, "change nothing; exit 1 if the index is out of date"),
		OPT_STRINGS_(0, "forget", &forget, "DIR", "drop a root and its notes (repeatable)"),
		OPT_STRING_(
			0, "lang", &lang, "LANG",
			"stemming language of the DIRs given, remembered (default english; a note's lang: key wins)"),
		OPT_INT_(
			0, "shards", &shards, "N",
			"a new index of N shards, written in parallel (default 1; fixed once created)",
			1, SHARDS_MAX),
		OPT_INT_('j', "jobs", &jobs, "N",
			 "worker threads (default: one per CPU, at most 8)", 1, IDX_MAX_JOBS),
		OPT_FLAG_(0, "compact", &compact,
			  "compact the index at the end (a first run does by itself)"),
		OPT_FLAG_(
			0, "rebuild", &rebuild,
			"build the index anew from its notes, beside it; it is swapped in when complete (roots kept)"),
		OPT_FLAG_(0, "json", &json, "print the summary as one JSON object"),
		OPT_FLAG_(0, "strict", &strict, "exit 1 when there were warnings or skipped files"),
		OPT_FLAG_('q', "quiet", &quiet, "print warnings only"),
		OPT_FLAG_(0, "no-progress", &no_progress, "no progress bar"),
		OPT_FLAG_(
			0, "stats", &show_stats,
			"also print on stderr what the run read and wrote (files, bytes, documents, commits)"),
		OPT_END_(),
	};
	const struct cmd_spec spec = { "index", usage_line, summary, opts, .max_args = SIZE_MAX };
	char **args = NULL, **abs_args = NULL;
	size_t nargs = 0;
	int code = cmd_parse(ctx, &spec, argc, argv, &args, &nargs);
	if (code != CMD_RUN) {
		free(forget.items);
		return code;
	}
	code = LEC_EXIT_ERROR;
	if (check && (compact || rebuild)) {
		lec_error("index: --%s rewrites the index and --check changes nothing: "
			  "give one of them",
			  compact ? "compact" : "rebuild");
		free(args);
		free(forget.items);
		return LEC_EXIT_ERROR;
	}
	struct idx_opts io = { .check_only = check,
			       .language = lang,
			       .shards = (unsigned)shards,
			       .jobs = (unsigned)jobs,
			       .compact = compact,
			       .rebuild = rebuild };
	char **abs_forget = NULL;
	if (absolute_args(args, nargs, &abs_args) ||
	    absolute_args((char **)forget.items, forget.n, &abs_forget)) {
		lec_error("out of memory");
		goto out;
	}
	io.forget = abs_forget;
	io.nforget = forget.n;
	const char *index_dir = ctx->index_dir;
	struct ui ui = { .tty = isatty(2) && !no_progress,
			 .quiet = quiet,
			 .json = json,
			 .no_progress = no_progress,
			 .warnings = json_array(),
			 .mu = PTHREAD_MUTEX_INITIALIZER,
			 .test_stop_at = test_stop_at() };
	struct idx_live live;
	idx_live_init(&live);
	struct idx_hooks hooks = { .ctx = &ui,
				   .warn = ui_warn,
				   .info = ui_info,
				   .progress = ui_progress,
				   .stop = &stop_flag,
				   .live = &live };
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	struct idx_stats stats;
	struct buf msg;
	buf_init(&msg, 4096);
	struct ticker ticker;
	ticker_start(&ticker, &ui, &live);
	lec_status st = idx_run(index_dir, abs_args, nargs, &io, &hooks, &stats, &msg);
	ticker_stop(&ticker);
	idx_live_release(&live);
	if (st == LEC_EVERSION && check) {
		/* an index of another format, or a first index not finished, is
		 * out of date: 'lectern index' mends it */
		if (json) {
			json_t *j = json_pack("{s:s, s:b, s:b, s:s}", "index", index_dir, "check",
					      1, "up_to_date", 0, "reason", msg.data);
			char *text = j ? jsondump(j, JSON_COMPACT) : NULL;
			if (text)
				puts(text);
			free(text);
			json_decref(j);
		} else if (!quiet)
			printf("out of date: %s\n", msg.data);
		code = LEC_EXIT_NOTHING;
	} else if (st) {
		lec_error_index("index", st, index_dir, msg.data);
	} else {
		print_summary(&stats, &io, &ui, index_dir);
		if (show_stats)
			print_stats(&stats);
		if (stats.interrupted)
			code = LEC_EXIT_INTERRUPTED;
		else if (check && stats.added + stats.updated + stats.removed)
			code = LEC_EXIT_NOTHING;
		else if (strict && (stats.warnings || stats.skipped))
			/* a file skipped is warned about once (skips.h): still not clean */
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
	return code;
}
