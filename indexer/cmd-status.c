/* cmd-status.c - `lectern status`: roots, counts, size, freshness. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "commands.h"
#include "exitcode.h"
#include "index.h"
#include "jsondump.h"
#include "verify.h"
#include "options.h"
#include "paths.h"

static const char usage_line[] = "lectern status [options]";
static const char summary[] =
	"Show the index's roots, how many notes and passages it holds, its size on disk,\n"
	"when it was last indexed, and whether it is up to date with its roots.\n"
	"With --verify, check that the index is whole: Xapian's consistency check of\n"
	"every local shard, then every note's record and document; exit 1 when\n"
	"something is damaged ('lectern index --rebuild' mends it).";

static void human_bytes(uint64_t b, char *out, size_t n)
{
	if (b >= 10ull << 20)
		snprintf(out, n, "%.1f MB", (double)b / 1e6);
	else if (b >= 10ull << 10)
		snprintf(out, n, "%.1f kB", (double)b / 1e3);
	else
		snprintf(out, n, "%llu bytes", (unsigned long long)b);
}

static void ignore_warning(void *ctx, const char *path, const char *message)
{
	(void)ctx;
	(void)path;
	(void)message;
}

/* Compare the index with its roots without writing: 1 if out of date, 0 if
 * not, -1 when unknown (why in `why`: a missing root, say). */
static int freshness(const char *index_dir, struct idx_stats *s, struct buf *why)
{
	struct idx_opts io = { .check_only = 1 };
	struct idx_hooks hooks = { .warn = ignore_warning };
	lec_status st = idx_run(index_dir, NULL, 0, &io, &hooks, s, why);
	if (st)
		return -1;
	return s->added + s->updated + s->removed ? 1 : 0;
}

static const char *root_state(const char *root)
{
	struct stat sb;
	if (stat(root, &sb) != 0)
		return " (missing)";
	return access(root, R_OK | X_OK) != 0 ? " (unreadable)" : "";
}

static void print_text(const char *index_dir, const struct idx_info *info, int stale,
		       const struct idx_stats *s, const char *why)
{
	char disk[32], notes[32], when[64] = "never";
	human_bytes(info->bytes_on_disk, disk, sizeof(disk));
	human_bytes(info->note_bytes, notes, sizeof(notes));
	if (info->last_indexed) {
		time_t t = (time_t)info->last_indexed;
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %z", localtime(&t));
	}
	printf("index:        %s\n", index_dir);
	for (size_t i = 0; i < info->nroots; i++) {
		printf("%s %s", i ? "             " : "roots:       ", info->roots[i]);
		if (info->root_langs[i])
			printf(" (%s)", info->root_langs[i]);
		printf("%s\n", root_state(info->roots[i]));
	}
	if (!info->nroots)
		printf("roots:        (none)\n");
	printf("notes:        %llu (%s)\n", (unsigned long long)info->notes, notes);
	printf("passages:     %llu\n", (unsigned long long)info->passages);
	printf("size on disk: %s\n", disk);
	if (info->local_shards != 1 || info->remote_shards)
		printf("shards:       %zu local, %zu remote%s\n", info->local_shards,
		       info->remote_shards,
		       info->unavailable ? " (some unavailable: "
					   "'lectern shard list')" :
					   "");
	printf("last indexed: %s\n", when);
	if (info->building)
		printf("first index:  not finished (cut short): 'lectern index' resumes it\n");
	if (stale == -3)
		printf("up to date:   no (the first index is not finished)\n");
	else if (stale == -2)
		printf("up to date:   (no local shards: checked where the shards are indexed)\n");
	else if (stale < 0)
		printf("up to date:   unknown (%s)\n",
		       why && *why ? why : "a root could not be read");
	else if (stale)
		printf("up to date:   no (%llu to add, %llu to update, %llu to remove: "
		       "run 'lectern index')\n",
		       (unsigned long long)s->added, (unsigned long long)s->updated,
		       (unsigned long long)s->removed);
	else
		printf("up to date:   yes\n");
}

static void print_json(const char *index_dir, const struct idx_info *info, int stale,
		       const char *why)
{
	json_t *roots = json_array();
	for (size_t i = 0; i < info->nroots; i++)
		json_array_append_new(roots, json_string(info->roots[i]));
	/* ISO 8601 in UTC, as the daemon's status and every JSON of lectern
	 * (docs/lectern-output.schema.json); null: never indexed */
	char when[32] = "";
	struct tm tm;
	time_t t = (time_t)info->last_indexed;
	if (info->last_indexed && gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_t *j = json_pack("{s:s, s:o, s:I, s:I, s:I, s:I, s:o, s:o}", "index", index_dir,
			      "roots", roots, "notes", (json_int_t)info->notes, "note_bytes",
			      (json_int_t)info->note_bytes, "passages", (json_int_t)info->passages,
			      "bytes_on_disk", (json_int_t)info->bytes_on_disk, "last_indexed",
			      *when ? json_string(when) : json_null(), "up_to_date",
			      stale == -3 ? json_false() :
			      stale < 0   ? json_null() :
					    json_boolean(!stale));
	if (j)
		json_object_set_new(j, "first_index_unfinished", json_boolean(info->building));
	if (j && stale == -1)
		json_object_set_new(j, "up_to_date_unknown",
				    json_string(why && *why ? why : "a root could not be read"));
	if (j)
		json_object_set_new(j, "shards",
				    json_pack("{s:I, s:I, s:I}", "local",
					      (json_int_t)info->local_shards, "remote",
					      (json_int_t)info->remote_shards, "unavailable",
					      (json_int_t)info->unavailable));
	char *text = j ? jsondump(j, JSON_COMPACT) : NULL;
	if (text)
		puts(text);
	free(text);
	json_decref(j);
}

struct verify_out {
	int json;
	json_t *list;
};

static void on_problem(void *ctx, const char *where, const char *what)
{
	struct verify_out *o = ctx;
	if (o->json)
		json_array_append_new(o->list,
				      json_pack("{s:s, s:s}", "where", where, "what", what));
	else
		printf("damaged: %s: %s\n", where, what);
}

/* status --verify: 0 whole, 1 damaged, 2 could not check. */
static int run_verify(const char *index_dir, int json)
{
	struct verify_out o = { json, json_array() };
	struct buf err;
	size_t problems = 0;
	buf_init(&err, 4096);
	lec_status st = idx_verify(index_dir, on_problem, &o, &problems, &err);
	int code = LEC_EXIT_ERROR;
	if (st) {
		lec_error_index("status", st, index_dir, err.data);
	} else if (json) {
		json_t *j =
			json_pack("{s:s, s:b, s:I, s:O}", "index", index_dir, "whole", !problems,
				  "problems", (json_int_t)problems, "damage", o.list);
		char *text = j ? jsondump(j, JSON_COMPACT) : NULL;
		if (text)
			puts(text);
		free(text);
		json_decref(j);
		code = problems ? LEC_EXIT_NOTHING : LEC_EXIT_OK;
	} else {
		if (problems)
			printf("%zu problem%s: 'lectern index --rebuild' builds the index again from its "
			       "notes, keeping its roots\n",
			       problems, problems == 1 ? "" : "s");
		else
			printf("index %s is whole\n", index_dir);
		code = problems ? LEC_EXIT_NOTHING : LEC_EXIT_OK;
	}
	json_decref(o.list);
	buf_release(&err);
	return code;
}

int cmd_status(struct cmd_context *ctx, int argc, char **argv)
{
	int json = 0, verify = 0;
	const struct opt opts[] = {
		OPT_FLAG_(0, "json", &json, "print one JSON object"),
		OPT_FLAG_(0, "verify", &verify,
			  "check that the index is whole (reads all of it); exit 1 if not"),
		OPT_END_(),
	};
	const struct cmd_spec spec = { "status", usage_line, summary, opts,
				       .args_why = "takes no arguments" };
	int code = cmd_parse(ctx, &spec, argc, argv, NULL, NULL);
	if (code != CMD_RUN)
		return code;
	const char *index_dir = ctx->index_dir;
	if (verify)
		return run_verify(index_dir, json);
	struct idx_info info;
	struct buf msg;
	buf_init(&msg, 4096);
	lec_status st = idx_info_read(index_dir, &info, &msg);
	if (st) {
		lec_error_index("status", st, index_dir, msg.data);
		buf_release(&msg);
		return LEC_EXIT_ERROR;
	}
	struct idx_stats s;
	memset(&s, 0, sizeof(s));
	/* a search head's shards are indexed (and checked) where they live */
	struct buf why;
	buf_init(&why, 4096);
	int stale = !info.local_shards ? -2 : info.building ? -3 : freshness(index_dir, &s, &why);
	if (json)
		print_json(index_dir, &info, stale, why.data);
	else
		print_text(index_dir, &info, stale, &s, why.data);
	buf_release(&why);
	idx_info_release(&info);
	buf_release(&msg);
	return LEC_EXIT_OK;
}
