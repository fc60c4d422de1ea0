/* engine-load.c - the executable's side of engine.h: find
 * liblectern-engine.so, load it on first use, and call through its table. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "engine.h"
#include "exitcode.h"

#define EXE_PATH_BYTES 4096 /* Linux's PATH_MAX */

/* The loaded table; why it is not, when tried and failed. The executable
 * is single-threaded until a command runs, so no lock. */
static const struct lec_engine *engine;
static int tried;
static char why[3 * EXE_PATH_BYTES + 256];

/* The table of the engine at path, or NULL with the reason in why. */
static const struct lec_engine *try_load(const char *path)
{
	void *h = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
	if (!h) {
		snprintf(why, sizeof(why), "%s", dlerror());
		return NULL;
	}
	void *sym = dlsym(h, LEC_ENGINE_SYMBOL);
	lec_engine_fn get;
	if (!sym) {
		snprintf(why, sizeof(why), "%s: no %s", path, LEC_ENGINE_SYMBOL);
		return NULL; /* not ours: left loaded, as a failed start would */
	}
	memcpy(&get, &sym, sizeof(get));
	const struct lec_engine *e = get();
	if (!e || e->size != sizeof(*e) || !e->abi || strcmp(e->abi, LEC_ENGINE_ABI) ||
	    e->options_size != sizeof(lectern_query_options_t) ||
	    e->result_size != sizeof(struct search_result) ||
	    e->hit_size != sizeof(struct search_hit)) {
		snprintf(why, sizeof(why), "%s was built for another version of lectern", path);
		return NULL;
	}
	return e;
}

/* $LECTERN_ENGINE, else beside the executable (a build tree), else
 * ../lib/lectern/ from it (make install): into path, or -1 with why set. */
static int locate(char *path, size_t size)
{
	const char *env = getenv("LECTERN_ENGINE");
	if (env && *env) {
		snprintf(path, size, "%s", env);
		return 0;
	}
	char dir[EXE_PATH_BYTES];
	ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	if (n <= 0) {
		snprintf(why, sizeof(why), "cannot find the executable (/proc/self/exe)");
		return -1;
	}
	dir[n] = '\0';
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	snprintf(path, size, "%s/%s", dir, LEC_ENGINE_LIB);
	if (access(path, F_OK) == 0)
		return 0;
	snprintf(path, size, "%s/../lib/lectern/%s", dir, LEC_ENGINE_LIB);
	if (access(path, F_OK) == 0)
		return 0;
	snprintf(why, sizeof(why), "neither %s/%s nor %s exists", dir, LEC_ENGINE_LIB, path);
	return -1;
}

/* The engine, loaded on the first call; NULL (the reason in why) when it
 * cannot be. */
static const struct lec_engine *load(void)
{
	char path[EXE_PATH_BYTES + 64];
	if (!tried) {
		tried = 1;
		if (locate(path, sizeof(path)) == 0)
			engine = try_load(path);
	}
	return engine;
}

int lec_engine_command(struct cmd_context *ctx, int argc, char **argv)
{
	const struct lec_engine *e = load();
	if (!e) {
		lec_error("%s: cannot load %s (the index engine, with Xapian): %s",
			  argc > 0 ? argv[0] : "", LEC_ENGINE_LIB, why);
		return LEC_EXIT_ERROR;
	}
	struct lec_engine_env env = { .ctx = ctx };
	opt_hooks_get(&env.hooks);
	return e->run(&env, argc, argv);
}

lectern_status_t lec_engine_index_open(const char *path, lectern_index_t **index,
				       char **error_message)
{
	const struct lec_engine *e = load();
	if (e)
		return e->index_open(path, LECTERN_MODE_READ_ONLY, index, error_message);
	*index = NULL;
	if (asprintf(error_message, "cannot load %s (the index engine, with Xapian): %s",
		     LEC_ENGINE_LIB, why) < 0)
		*error_message = NULL;
	return LECTERN_STATUS_NOT_FOUND;
}

/* The calls below take an index, which only a loaded engine gives. */
lectern_status_t lec_engine_query(lectern_index_t *index, const char *query,
				  const lectern_query_options_t *o, int rank_all,
				  lectern_results_t **results)
{
	return engine->query_run(index, query, o, rank_all, results);
}

const char *lec_engine_last_error(const lectern_index_t *index)
{
	return engine->last_error(index);
}

void lec_engine_index_close(lectern_index_t *index)
{
	if (index)
		engine->index_close(index);
}

void lec_explain_damage(const char *index_dir, struct buf *msg)
{
	const struct lec_engine *e = load();
	if (e)
		e->explain_damage(index_dir, msg);
}
