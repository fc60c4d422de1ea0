/* cmd-shard.c - `lectern shard list|add|remove`: the databases an index is
 * made of (common/shards.h). Local shards are fixed when the index is
 * created (`lectern index --shards N`); remote ones, served by
 * xapian-tcpsrv and indexed where they live, are added and removed here. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "commands.h"
#include "exitcode.h"
#include "options.h"
#include "paths.h"
#include "shards.h"
#include "xap.h"

static const char usage_line[] = "lectern shard [options] list\n"
				 "   or: lectern shard [options] add tcp://HOST:PORT\n"
				 "   or: lectern shard [options] remove tcp://HOST:PORT";
static const char summary[] =
	"List the shards of the index (local ones, and remote ones served by\n"
	"xapian-tcpsrv), or add and remove remote shards. find and serve search them all\n"
	"as one; a remote shard that is down is left out with a warning. The list is\n"
	"the Xapian stub file INDEX/shards.stub.";

/* One line per database: NAME, kind, ok|unavailable, then the notes it
 * holds or why it is unavailable. Exit 1 when any is unavailable. */
static int shard_list(const struct shard_set *set)
{
	int down = 0;
	for (size_t i = 0; i < set->n; i++) {
		const struct shard_entry *e = &set->v[i];
		struct buf why;
		xap_db *db = NULL;
		uint32_t docs = 0;
		buf_init(&why, 1024);
		lec_status st = shards_open_entry(e, &db, &why);
		if (!st && (st = xap_db_doccount(db, &docs)))
			buf_puts(&why, xap_db_error(db));
		if (st) {
			down = 1;
			printf("%s\t%s\tunavailable\t%s\n", e->name, e->remote ? "remote" : "local",
			       why.len ? why.data : lec_status_str(st));
		} else {
			printf("%s\t%s\tok\t%u notes\n", e->name, e->remote ? "remote" : "local",
			       docs);
		}
		xap_db_free(db);
		buf_release(&why);
	}
	return down ? LEC_EXIT_NOTHING : LEC_EXIT_OK;
}

/* Warn (only) when a new remote shard does not answer now. */
static void probe(const char *host, unsigned port)
{
	struct shard_entry e = {
		.remote = 1, .host = (char *)host, .port = port, .name = (char *)""
	};
	struct buf why;
	xap_db *db = NULL;
	buf_init(&why, 1024);
	if (shards_open_entry(&e, &db, &why))
		fprintf(stderr,
			"lectern: warning: tcp://%s:%u does not answer now (%s); added "
			"anyway: searches leave it out until it does\n",
			host, port, why.len ? why.data : "unreachable");
	xap_db_free(db);
	buf_release(&why);
}

static int shard_edit(const char *index_dir, struct shard_set *set, int add, const char *spec)
{
	struct buf err;
	char *host = NULL;
	unsigned port = 0;
	int code = LEC_EXIT_ERROR;
	buf_init(&err, 4096);
	lec_status st = paths_mkdir_p(index_dir, 0755);
	if (st)
		buf_printf(&err, "cannot create index directory %s", index_dir);
	if (!st && add) {
		st = shards_parse_remote(spec, &host, &port, &err);
		if (!st && !set->from_stub) {
			/* a new search head has no local database: keep only what exists */
			if (set->nlocal == 1 && access(set->v[0].path, F_OK) != 0)
				shards_release(set);
		}
		if (!st)
			st = shards_add_remote(set, host, port, &err);
	} else if (!st) {
		st = shards_remove_remote(set, spec, &err);
	}
	if (!st && set->n == 0) {
		buf_printf(&err, "that would leave the index without any database");
		st = LEC_EINVAL;
	}
	if (!st)
		st = shards_save(index_dir, set, &err);
	if (st)
		lec_error("shard: %s", err.len ? err.data : lec_status_str(st));
	else
		code = LEC_EXIT_OK;
	if (!st && add)
		probe(host, port);
	free(host);
	buf_release(&err);
	return code;
}

int cmd_shard(struct cmd_context *ctx, int argc, char **argv)
{
	const struct opt opts[] = { OPT_END_() };
	const struct cmd_spec spec = { "shard",
				       usage_line,
				       summary,
				       opts,
				       .min_args = 1,
				       .max_args = SIZE_MAX,
				       .args_why = "say list, add or remove" };
	char **args = NULL;
	size_t nargs = 0;
	int code = cmd_parse(ctx, &spec, argc, argv, &args, &nargs);
	if (code != CMD_RUN)
		return code;
	const char *verb = args[0];
	int want = !strcmp(verb, "list") ? 1 : 2;
	if (strcmp(verb, "list") && strcmp(verb, "add") && strcmp(verb, "remove"))
		return cmd_usage_error(ctx, &spec, &args, "unknown action (list, add or remove)");
	if (nargs != (size_t)want)
		return cmd_usage_error(ctx, &spec, &args, "%s",
				       want == 1 ? "list takes no argument" :
						   "give one tcp://HOST:PORT");
	const char *index_dir = ctx->index_dir;
	struct shard_set set;
	struct buf msg;
	code = LEC_EXIT_ERROR;
	buf_init(&msg, 4096);
	lec_status st = shards_load(index_dir, &set, &msg);
	if (st) {
		lec_error("shard: %s", msg.len ? msg.data : lec_status_str(st));
	} else if (want == 1) {
		if (!set.from_stub && access(set.v[0].path, F_OK) != 0)
			lec_error("no index at %s: run 'lectern index DIR' first", index_dir);
		else
			code = shard_list(&set);
	} else {
		code = shard_edit(index_dir, &set, !strcmp(verb, "add"), args[1]);
	}
	shards_release(&set);
	buf_release(&msg);
	free(args);
	return code;
}
