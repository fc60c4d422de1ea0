/* fuzz_proto.c - the daemon's request handler (daemon/proto.c) on
 * arbitrary request lines: one line in, one response out.
 *
 * LLVMFuzzerInitialize builds a small real index in a temporary directory
 * with the product's own idx_run (a few embedded notes), so find, suggest
 * and status reach the searcher and Xapian. Each input is one line for
 * proto_handle; the reply must be one compact JSON object with "id" and
 * "ok" that proto_dump_line turns into exactly one line. A deferred reindex
 * job is released, never run. A broken invariant traps.
 */
#include <ftw.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "index.h"
#include "limits.h"
#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define CHECK(cond)                       \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

static const struct {
	const char *name, *text;
} notes[] = {
	{ "2015-reinvent.txt",
	  "re:Invent 2015 partner keynote\n\n"
	  "Werner Vogels (WV) spoke about instances: they are cattle, not pets.\n"
	  "WV: don't name your servers. Lambda and S3 at scale.\n" },
	{ "2024-05-01-tc39.md",
	  "---\ntitle: TC39 plenary\ndate: 2024-05-01\ntags: [tc39, plenary]\n"
	  "speakers: [Jordan Harband]\n---\n"
	  "# Attendees\n\nJordan Harband (JHD)\n\n"
	  "## Iterator helpers\n\nJHD: the proposal reaches stage 3; blah blah blah.\n\n"
	  "Caf&eacute; latency &amp; *emphasis* with `code` and [a link](https://x.example).\n\n"
	  "```js\nconst cattle = pets.map(x => x);\n```\n" },
	{ "plain.txt",
	  "Shopping list\n\ncattle feed, pet food, caf\xc3\xa9 \xe6\x9d\xb1\xe4\xba\xac\n" },
};

static char tmpdir[] = "/tmp/lectern-fuzz-proto-XXXXXX";
static struct proto_env env;

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void cleanup(void)
{
	proto_env_release(&env);
	nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void die(const char *what)
{
	fprintf(stderr, "fuzz_proto: setup failed: %s\n", what);
	exit(1);
}

static void write_note(const char *dir, const char *name, const char *text)
{
	char path[512];
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		die(name);
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f))
		die(path);
}

static void build_index(const char *notes_dir, const char *index_dir)
{
	struct idx_opts opts = { .language = "english" };
	struct idx_stats stats;
	struct buf err;
	char *roots[1] = { (char *)notes_dir };
	buf_init(&err, 4096);
	memset(&stats, 0, sizeof(stats));
	if (idx_run(index_dir, roots, 1, &opts, NULL, &stats, &err) != LEC_OK)
		die(err.data ? err.data : "idx_run");
	buf_release(&err);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* tmpdir is short and fixed: these cannot overflow */
	char notes_dir[128], index_dir[128];
	if (!mkdtemp(tmpdir))
		die("mkdtemp");
	snprintf(notes_dir, sizeof(notes_dir), "%s/notes", tmpdir);
	snprintf(index_dir, sizeof(index_dir), "%s/index", tmpdir);
	if (mkdir(notes_dir, 0700))
		die(notes_dir);
	for (size_t i = 0; i < sizeof(notes) / sizeof(notes[0]); i++)
		write_note(notes_dir, notes[i].name, notes[i].text);
	build_index(notes_dir, index_dir);
	if (proto_env_init(&env, index_dir) != LEC_OK)
		die("proto_env_init");
	atexit(cleanup);
	return 0;
}

static void check_reply(const json_t *reply)
{
	CHECK(json_is_object(reply));
	CHECK(json_object_get(reply, "id") != NULL);
	const json_t *ok = json_object_get(reply, "ok");
	CHECK(json_is_boolean(ok));
	if (json_is_false(ok)) {
		const json_t *e = json_object_get(reply, "error");
		CHECK(json_is_string(json_object_get(e, "code")));
		CHECK(json_is_string(json_object_get(e, "message")));
	}

	struct buf out;
	buf_init(&out, LEC_MAX_CLIENT_OUTPUT + 1024);
	CHECK(proto_dump_line(reply, LEC_MAX_CLIENT_OUTPUT, &out) == LEC_OK);
	/* exactly one line, and it parses back */
	CHECK(out.len > 1 && out.data[out.len - 1] == '\n');
	CHECK(memchr(out.data, '\n', out.len - 1) == NULL);
	json_t *back = json_loadb(out.data, out.len - 1, 0, NULL);
	CHECK(back != NULL);
	json_decref(back);
	buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the server hands proto_handle one line without its newline */
	const uint8_t *nl = memchr(data, '\n', size);
	size_t len = nl ? (size_t)(nl - data) : size;
	char *line = malloc(len ? len : 1);
	if (!line)
		return 0;
	memcpy(line, data, len);

	json_t *reply = NULL;
	struct proto_job job;
	enum proto_outcome o = proto_handle(&env, line, len, &reply, &job);
	if (o == PROTO_DEFER) {
		CHECK(reply == NULL && job.id != NULL);
		json_t *done = proto_reindex_reply(job.id, LEC_OK, &(struct idx_stats){ 0 }, NULL);
		CHECK(done != NULL);
		check_reply(done);
		json_decref(done);
		proto_job_release(&job);
	} else if (reply) {
		check_reply(reply);
		json_decref(reply);
	}
	free(line);
	return 0;
}
