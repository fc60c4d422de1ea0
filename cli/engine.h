/* engine.h - the cut between the lectern executable and the engine.
 *
 * The executable does not link libxapian: libxapian and libstdc++ cost a
 * process about a millisecond of loading at start-up, and a one-shot
 * `lectern find` that the daemon answers is mostly start-up. So the code
 * that opens the index is in liblectern-engine.so (cli/engine.c with
 * liblectern.a and libxapian), which hands out one table of entry points:
 * the commands that open the index, lectern.h's opening and searching of
 * an index (find's search here: the executable holds lectern.h's reading
 * of the results, not the search), and the damage explanation of
 * lec_error_index. The executable (cli/lectern.c, the
 * Xapian-free commands) loads it on first use (cli/engine-load.c) and
 * calls nothing else of it; its link fails if its code reaches Xapian,
 * which is not in its archive (Makefile).
 *
 * The engine is looked for, in order: $LECTERN_ENGINE; liblectern-engine.so
 * beside the executable (a build tree); ../lib/lectern/liblectern-engine.so
 * from the executable's directory (make install).
 */
#ifndef LECTERN_ENGINE_H
#define LECTERN_ENGINE_H

#include <stddef.h>

#include "buf.h"
#include "commands.h"
#include "lectern.h"
#include "options.h"
#include "search.h"
#include "status.h"

#define LEC_ENGINE_LIB "liblectern-engine.so"
/* The one symbol the engine exports (cli/engine.map): a function giving
 * the table. */
#define LEC_ENGINE_SYMBOL "lectern_engine"
/* The version, and the number of this table's shape: raise it when the
 * table or a struct that crosses it changes. An engine built otherwise is
 * refused. */
#define LEC_ENGINE_ABI LECTERN_VERSION "/3"

/* What main has set up that the engine's own copies of the modules need:
 * the option hooks in force (the config file's defaults; completion's
 * describe hook), and the command's setup (commands.h). Lives for the call. */
struct lec_engine_env {
	struct opt_hooks hooks;
	struct cmd_context *ctx;
};

struct lec_engine {
	size_t size;     /* sizeof(struct lec_engine) */
	const char *abi; /* LEC_ENGINE_ABI */
	size_t options_size, result_size, hit_size;
	/* Run command argv[0] (index, status, shard, serve, lsp) with the
	 * setup main did for it (env->ctx, which its cmd_parse completes):
	 * its exit code. An unknown name is LEC_EXIT_ERROR. */
	int (*run)(const struct lec_engine_env *env, int argc, char **argv);
	/* lectern_index_open (read-only), lec_query_run (lectern-int.h),
	 * lectern_index_last_error, lectern_index_close; the results are
	 * read, and freed, with the executable's own lectern.h functions */
	lectern_status_t (*index_open)(const char *path, lectern_mode_t mode,
				       lectern_index_t **index, char **error_message);
	lectern_status_t (*query_run)(lectern_index_t *index, const char *query,
				      const lectern_query_options_t *o, int rank_all,
				      lectern_results_t **results);
	const char *(*last_error)(const lectern_index_t *index);
	void (*index_close)(lectern_index_t *index);
	/* lec_explain_damage (commands.h) */
	void (*explain_damage)(const char *index_dir, struct buf *msg);
};

/* In the executable: the engine's lectern_index_open (read-only),
 * lec_query_run, lectern_index_last_error and lectern_index_close, loaded
 * on the first call: `lectern find`'s search here. An engine that cannot
 * be loaded is LECTERN_STATUS_NOT_FOUND, the reason in *error_message
 * (the caller's, to free). Ownership as lectern.h's. */
lectern_status_t lec_engine_index_open(const char *path, lectern_index_t **index,
				       char **error_message);
lectern_status_t lec_engine_query(lectern_index_t *index, const char *query,
				  const lectern_query_options_t *o, int rank_all,
				  lectern_results_t **results);
const char *lec_engine_last_error(const lectern_index_t *index);
void lec_engine_index_close(lectern_index_t *index);

/* The symbol's type. */
typedef const struct lec_engine *(*lec_engine_fn)(void);

#endif
