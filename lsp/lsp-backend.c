/* lsp-backend.c - the language server's searches and reindexes: the
 * daemon's or this process's. */
#include "lsp-backend.h"

#include <errno.h>
#include <fcntl.h>
#include "limits.h"
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "client-call.h"
#include "client.h"
#include "lectern-int.h"
#include "paths.h"
#include "proto-wire.h"
#include "rootmap.h"
#include "sock.h"

/* A daemon we start has this long to answer a ping (it opens the index
 * first); then we go on without it. */
#define START_WAIT_MS 5000
/* A reindex of one note is quick, but it waits behind any other reindex. */
#define REINDEX_REPLY_MS 60000
#define PING_REPLY_MS 5000

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The daemon on b->socket serves our index: LEC_OK; LEC_EPERM: untrusted
 * (message in err); anything else: no daemon of ours there. */
static lec_status ping(struct lsp_backend *b, struct buf *err)
{
	json_t *req = json_pack("{s:i, s:s}", "id", 1, "op", "ping"), *reply = NULL;
	if (!req)
		return LEC_ENOMEM;
	lec_status st = client_call(b->socket, b->chosen, req, PING_REPLY_MS, &reply, err);
	json_decref(req);
	const char *idx = json_string_value(json_object_get(reply, "index"));
	if (!st && (!json_is_true(json_object_get(reply, "ok")) ||
		    json_integer_value(json_object_get(reply, "protocol")) != PROTO_VERSION ||
		    !idx || strcmp(idx, b->index_dir)))
		st = LEC_EVERSION;
	json_decref(reply);
	return st;
}

/* Start `lectern serve` on our socket, as the editor clients do: this very
 * executable, its stdout kept off ours (the protocol's), its log on our
 * stderr (editors show a server's stderr), warnings only. */
static void spawn(struct lsp_backend *b)
{
	char exe[LEC_MAX_PATH_BYTES];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0)
		return;
	if (pid == 0) {
		/* the daemon lives as long as we do: a client that kills its server
		 * (eglot deletes the process right after "exit") must not leave a
		 * daemon behind. SIGTERM lets it remove its socket. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)
			_exit(127);
		int devnull = open("/dev/null", O_RDWR);
		if (devnull >= 0) {
			dup2(devnull, 0);
			close(devnull);
		}
		dup2(2, 1);
		/* `lectern lsp` ignores SIGPIPE; an ignored signal would stay
		 * ignored across exec: the daemon starts as from a shell */
		signal(SIGPIPE, SIG_DFL);
		/* the editor's Ctrl-C to our group is not the daemon's business */
		setpgid(0, 0);
		execl(exe, "lectern", "serve", "--index", b->index_dir, "--socket", b->socket,
		      "--log-level", "warn", (char *)NULL);
		_exit(127);
	}
	b->daemon = pid;
}

/* Start a daemon and wait for its first answer; without one (no index,
 * another daemon's lock, exec failed) we go on in-process. */
static void start_daemon(struct lsp_backend *b)
{
	struct buf err;
	buf_init(&err, 4096);
	spawn(b);
	for (long waited = 0; b->daemon && waited < START_WAIT_MS; waited += 50) {
		buf_reset(&err);
		if (ping(b, &err) == LEC_OK)
			break;
		int status;
		if (waitpid(b->daemon, &status, WNOHANG) == b->daemon) {
			b->daemon = 0;
			break;
		}
		sleep_ms(50);
	}
	buf_release(&err);
}

lec_status lsp_backend_open(struct lsp_backend *b, const char *index_opt, const char *socket_opt,
			    int no_daemon, int start, struct buf *err)
{
	memset(b, 0, sizeof(*b));
	if (paths_index_dir(index_opt, &b->index_dir)) {
		buf_puts(err, "cannot locate the index: set --index, LECTERN_INDEX or HOME");
		return LEC_EINVAL;
	}
	if (no_daemon)
		return LEC_OK;
	b->chosen = socket_opt != NULL;
	lec_status st = socket_opt ? paths_absolute(socket_opt, &b->socket) :
				     sock_default_path(b->index_dir, &b->socket);
	if (st) {
		buf_printf(err, "cannot make the socket's path: %s", lec_status_str(st));
		return st;
	}
	struct buf perr;
	buf_init(&perr, 4096);
	st = ping(b, &perr);
	b->daemon_seen = st == LEC_OK;
	/* a socket we must not trust is reported at each search, as find does */
	if (st && st != LEC_EPERM && start) {
		struct stat sb;
		/* a live daemon of another index or protocol keeps its socket */
		if (st == LEC_ENOTFOUND || lstat(b->socket, &sb) != 0)
			start_daemon(b);
	}
	buf_release(&perr);
	return LEC_OK;
}

void lsp_backend_describe(const struct lsp_backend *b, struct buf *out)
{
	if (b->daemon)
		buf_printf(out, "searching through the daemon on %s (started by this server)",
			   b->socket);
	else if (b->daemon_seen)
		buf_printf(out, "searching through the daemon on %s (already running)", b->socket);
	else
		buf_printf(out, "searching the index %s in this process (no daemon)", b->index_dir);
}

void lsp_backend_close(struct lsp_backend *b)
{
	if (b->daemon > 0) {
		int status;
		kill(b->daemon, SIGTERM);
		while (waitpid(b->daemon, &status, 0) < 0 && errno == EINTR)
			;
	}
	lectern_index_close(b->index);
	free(b->index_dir);
	free(b->socket);
	memset(b, 0, sizeof(*b));
}

/* The search here, through the library (which opens the index again when
 * it was replaced). */
static lec_status find_here(struct lsp_backend *b, const char *query,
			    const lectern_query_options_t *o, struct search_result *res,
			    struct buf *err)
{
	lectern_results_t *r = NULL;
	char *msg = NULL;
	lectern_status_t ps = LECTERN_STATUS_SUCCESS;
	if (!b->index)
		ps = lectern_index_open(b->index_dir, LECTERN_MODE_READ_ONLY, &b->index, &msg);
	if (!ps)
		ps = lectern_query_run(b->index, query, o, &r);
	if (ps) {
		buf_puts(err, msg ? msg : lectern_index_last_error(b->index));
		free(msg);
		return LEC_EIO;
	}
	lec_results_take(r, res);
	return LEC_OK;
}

lec_status lsp_backend_find(struct lsp_backend *b, const char *query,
			    const lectern_query_options_t *o, struct search_result *res,
			    struct buf *err)
{
	uint64_t given = 0;
	memset(res, 0, sizeof(*res));
	b->daemon_used = 0;
	if (b->socket) {
		struct search_req req;
		lec_req_from_options(&req, query, o);
		lec_status st =
			client_find(b->socket, b->chosen, b->index_dir, &req, res, &given, err);
		if (st == LEC_OK || st == LEC_EPERM) {
			b->daemon_used = st == LEC_OK;
			return st;
		}
		/* no daemon, or an answer we do not take: the same search here */
		buf_reset(err);
	}
	return find_here(b, query, o, res, err);
}

/* path is `dir` or inside it. */
static int inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return !strncmp(path, dir, n) &&
	       (path[n] == '/' || path[n] == '\0' || (n == 1 && dir[0] == '/'));
}

/* A component of path starts with a dot: no note (the walk skips hidden
 * files), and an editor's swap or VCS files change all the time. */
static int hidden(const char *path)
{
	for (const char *p = strstr(path, "/."); p; p = strstr(p + 1, "/."))
		if (p[2] != '\0' && p[2] != '/')
			return 1;
	return 0;
}

/* The daemon's reindex op; its error becomes our status and message.
 * npaths 0: every root. */
static lec_status reindex_daemon(struct lsp_backend *b, char *const *paths, size_t npaths,
				 struct buf *err)
{
	json_t *req = json_pack("{s:i, s:s}", "id", 2, "op", "reindex"), *reply = NULL;
	json_t *arr = npaths ? json_array() : NULL;
	for (size_t i = 0; arr && i < npaths; i++)
		json_array_append_new(arr, json_string(paths[i]));
	if (!req || (npaths && (!arr || json_object_set_new(req, "paths", arr)))) {
		json_decref(req);
		return LEC_ENOMEM;
	}
	lec_status st = client_call(b->socket, b->chosen, req, REINDEX_REPLY_MS, &reply, err);
	json_decref(req);
	if (!st && !json_is_true(json_object_get(reply, "ok"))) {
		const json_t *e = json_object_get(reply, "error");
		const char *code = json_string_value(json_object_get(e, "code"));
		const char *msg = json_string_value(json_object_get(e, "message"));
		buf_printf(err, "%s", msg ? msg : "the daemon refused the reindex");
		/* answered: not a reason to index here as well */
		st = code && !strcmp(code, PROTO_E_LOCKED) ? LEC_ELOCKED : LEC_EINTERNAL;
	}
	json_decref(reply);
	return st;
}

static lec_status reindex_here(struct lsp_backend *b, char *const *paths, size_t npaths,
			       struct buf *err)
{
	struct idx_opts io = { 0 };
	struct idx_hooks hooks = { 0 };
	struct idx_stats stats;
	memset(&stats, 0, sizeof(stats));
	return idx_run(b->index_dir, paths, npaths, &io, &hooks, &stats, err);
}

/* What to reindex for `path`: the note, or its directory when it is gone
 * (the note leaves the index through it). NULL (reason in err) when it is
 * no note of ours: under no root, hidden, inside the index itself (whose
 * own writes an editor watching the notes reports: reindexing them would
 * never end). */
static char *target_of(const struct lsp_backend *b, const struct rootmap *m, const char *path,
		       struct buf *err)
{
	char *t = NULL;
	struct stat sb;
	int rooted = 0;
	if (paths_absolute(path, &t))
		return NULL;
	if (lstat(t, &sb) != 0) {
		char *slash = strrchr(t, '/');
		if (slash && slash != t)
			*slash = '\0';
	}
	for (size_t i = 0; i < m->n && !rooted; i++)
		rooted = inside(t, m->v[i].path);
	const char *why = !rooted                 ? "is under none of the index's roots" :
			  hidden(t)               ? "is hidden" :
			  inside(t, b->index_dir) ? "is inside the index" :
						    NULL;
	if (why) {
		if (!err->len)
			buf_printf(err, "%s %s: not indexed", t, why);
		free(t);
		return NULL;
	}
	return t;
}

lec_status lsp_backend_reindex(struct lsp_backend *b, char *const *paths, size_t npaths,
			       size_t *taken, struct buf *err)
{
	struct rootmap m;
	char **targets = calloc(npaths ? npaths : 1, sizeof(char *));
	size_t n = 0;
	*taken = 0;
	if (!targets)
		return LEC_ENOMEM;
	rootmap_init(&m);
	lec_status st = rootmap_load_file(&m, b->index_dir, err);
	buf_reset(err);
	for (size_t i = 0; !st && i < npaths; i++)
		if ((targets[n] = target_of(b, &m, paths[i], err)))
			n++;
	rootmap_release(&m);
	*taken = n;
	if (!st && n == 0)
		st = LEC_ENOTFOUND;
	if (!st) {
		struct buf why;
		buf_init(&why, 4096);
		/* past the bound, one run over every root costs less than a list */
		size_t k = n > LEC_LSP_MAX_REINDEX_PATHS ? 0 : n;
		st = LEC_ENOTFOUND;
		if (b->socket && (st = ping(b, &why)) == LEC_OK)
			st = reindex_daemon(b, targets, k, &why);
		if (st != LEC_OK && st != LEC_ELOCKED && st != LEC_EPERM && st != LEC_EINTERNAL) {
			buf_reset(&why);
			st = reindex_here(b, targets, k, &why);
		}
		if (st) {
			buf_reset(err);
			buf_puts(err, why.data ? why.data : "");
		}
		buf_release(&why);
	}
	for (size_t i = 0; i < n; i++)
		free(targets[i]);
	free(targets);
	return st;
}
