/* engine.c - liblectern-engine.so's table (engine.h): the commands that
 * open the index, and lectern.h's search of it for the executable's find. */
#include "engine.h"

#include <string.h>

#include "commands.h"
#include "exitcode.h"
#include "jsondump.h"
#include "lectern-int.h"
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

void lec_explain_damage(const char *index_dir, struct buf *msg)
{
	shards_explain_damage(index_dir, msg);
}

const struct lec_engine *lectern_engine(void)
{
	static const struct lec_engine engine = {
		.size = sizeof(struct lec_engine),
		.abi = LEC_ENGINE_ABI,
		.options_size = sizeof(lectern_query_options_t),
		.result_size = sizeof(struct search_result),
		.hit_size = sizeof(struct search_hit),
		.run = run,
		.index_open = lectern_index_open,
		.query_run = lec_query_run,
		.last_error = lectern_index_last_error,
		.index_close = lectern_index_close,
		.explain_damage = shards_explain_damage,
	};
	return &engine;
}
