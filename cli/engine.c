/* engine.c - liblectern-engine.so's table (engine.h): the commands that
 * open the index, and what the executable's find needs of the index. */
#include "engine.h"

#include <string.h>

#include "commands.h"
#include "exitcode.h"
#include "jsondump.h"
#include "shards.h"

/* The only symbol the engine exports (engine.map). */
const struct lec_engine *lectern_engine(void);

/* The setup each needs is main's table's: it comes in env->ctx. */
static const struct lec_command commands[] = {
	{ "index", cmd_index, 0, NULL }, { "status", cmd_status, 0, NULL },
	{ "shard", cmd_shard, 0, NULL }, { "serve", cmd_serve, 0, NULL },
	{ "lsp", cmd_lsp, 0, NULL },
};

static int run(const struct lec_engine_env *env, int argc, char **argv)
{
	static const struct opt_hooks none;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (argc < 1 || strcmp(argv[0], commands[i].name))
			continue;
		opt_hooks_set(&env->hooks);
		/* the engine's commands write JSON through the engine's own copy of
		 * jsondump.c: its noting malloc is the one jansson must call */
		jsondump_init();
		int code = commands[i].fn(env->ctx, argc, argv);
		opt_hooks_set(&none);
		return code;
	}
	lec_error("the engine has no command '%s'", argc > 0 ? argv[0] : "");
	return LEC_EXIT_ERROR;
}

static lec_status search(const char *index_dir, struct search_req *req, struct search_result *res,
			 struct buf *err)
{
	struct searcher *s = NULL;
	lec_status st = searcher_open(index_dir, &s, err);
	if (!st)
		st = search_run(s, req, res, err);
	searcher_free(s);
	return st;
}

void lec_explain_damage(const char *index_dir, struct buf *msg)
{
	shards_explain_damage(index_dir, msg);
}

const struct lec_engine *lectern_engine(void)
{
	static const struct lec_engine engine = {
		.size = sizeof(struct lec_engine),
		.abi = LEC_ENGINE_ABI,
		.req_size = sizeof(struct search_req),
		.result_size = sizeof(struct search_result),
		.hit_size = sizeof(struct search_hit),
		.run = run,
		.search = search,
		.explain_damage = shards_explain_damage,
	};
	return &engine;
}
