/* report.c - the commands' messages on stderr (commands.h): linked into
 * the lectern executable and into liblectern-engine.so, each of which has
 * commands that print them. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "commands.h"
#include "exitcode.h"
#include "options.h"
#include "paths.h"

/* "lectern: " + prefix + the message, one line on stderr. */
static void say(const char *prefix, const char *fmt, va_list ap)
{
	fprintf(stderr, "lectern: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void lec_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say("", fmt, ap);
	va_end(ap);
}

void lec_warning(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say("warning: ", fmt, ap);
	va_end(ap);
}

void lec_error_index(const char *cmd, lec_status st, const char *index_dir, const char *msg)
{
	if (st != LEC_ECORRUPT || !index_dir) {
		lec_error("%s: %s", cmd, msg && *msg ? msg : lec_status_str(st));
		return;
	}
	struct buf why;
	buf_init(&why, 0);
	lec_explain_damage(index_dir, &why);
	lec_error("%s: %s (%s)", cmd, why.data ? why.data : lec_status_str(st),
		  msg && *msg ? msg : "damaged");
	buf_release(&why);
}

size_t cmd_shared_opts(struct cmd_context *ctx, struct opt *out)
{
	const struct opt shared[] = {
		OPT_STRING_(
			0, "index", &ctx->index_opt, "DIR",
			"the index directory (default: $LECTERN_INDEX, else $XDG_DATA_HOME/lectern)"),
		OPT_STRING_(
			0, "socket", &ctx->socket_opt, "PATH",
			"the daemon's socket (default: $XDG_RUNTIME_DIR/lectern/lectern.sock, else INDEX/run/lectern.sock)"),
	};
	size_t n = 0;
	if (ctx->setup & CMD_INDEX_OPT)
		out[n++] = shared[0];
	if (ctx->setup & CMD_SOCKET_OPT)
		out[n++] = shared[1];
	out[n] = (struct opt)OPT_END_();
	return n;
}

/* c's options, then the shared ones: malloc'd, the caller frees; NULL when
 * out of memory. */
static struct opt *all_opts(struct cmd_context *ctx, const struct cmd_spec *c)
{
	size_t n = 0;
	while (c->opts[n].type != OPT_END)
		n++;
	struct opt *all = malloc((n + CMD_SHARED_MAX + 1) * sizeof(*all));
	if (all) {
		memcpy(all, c->opts, n * sizeof(*all));
		cmd_shared_opts(ctx, all + n);
	}
	return all;
}

/* The setup of ctx->setup that needs the options parsed: the index
 * directory. 0, or -1 when it must be located and cannot be (said). */
static int setup(struct cmd_context *ctx)
{
	if (!(ctx->setup & CMD_INDEX_OPT))
		return 0;
	free(ctx->index_dir);
	ctx->index_dir = NULL;
	lec_status st = paths_index_dir(ctx->index_opt, &ctx->index_dir);
	if (!st || (ctx->setup & CMD_INDEX_DIR) != CMD_INDEX_DIR)
		return 0;
	if (st == LEC_ENOMEM)
		lec_error("out of memory");
	else
		lec_error("cannot locate the index: set --index, LECTERN_INDEX or HOME");
	return -1;
}

static int usage_error(const struct opt *opts, const struct cmd_spec *c, char ***args,
		       const char *fmt, va_list ap)
{
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "%s: ", c->name);
	say(prefix, fmt, ap);
	opt_usage(stderr, c->usage_line, NULL, opts);
	if (c->more_usage)
		c->more_usage(stderr);
	free(*args);
	*args = NULL;
	return LEC_EXIT_ERROR;
}

int cmd_usage_error(const struct cmd_context *ctx, const struct cmd_spec *c, char ***args,
		    const char *fmt, ...)
{
	struct cmd_context copy = *ctx; /* the table's destinations: not stored to here */
	struct opt *opts = all_opts(&copy, c);
	va_list ap;
	va_start(ap, fmt);
	int code = usage_error(opts ? opts : c->opts, c, args, fmt, ap);
	va_end(ap);
	free(opts);
	return code;
}

/* usage_error with the arguments given here. */
static int usage_errorf(const struct opt *opts, const struct cmd_spec *c, char ***args,
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int usage_errorf(const struct opt *opts, const struct cmd_spec *c, char ***args,
			const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int code = usage_error(opts, c, args, fmt, ap);
	va_end(ap);
	return code;
}

int cmd_parse(struct cmd_context *ctx, const struct cmd_spec *c, int argc, char **argv,
	      char ***args_out, size_t *nargs_out)
{
	char err[512];
	/* a command without arguments need not take them (args_out NULL) */
	char **own_args = NULL, ***args = args_out ? args_out : &own_args;
	size_t own_nargs = 0, *nargs = nargs_out ? nargs_out : &own_nargs;
	*args = NULL;
	*nargs = 0;
	struct opt *opts = all_opts(ctx, c);
	if (!opts) {
		lec_error("out of memory");
		return LEC_EXIT_ERROR;
	}
	enum opt_result r =
		opt_parse_flags(opts, c->flags, argc, argv, args, nargs, err, sizeof(err));
	int code = CMD_RUN;
	if (r == OPT_HELP) {
		opt_usage(stdout, c->usage_line, c->summary, opts);
		if (c->more_usage && !opt_describing())
			c->more_usage(stdout);
		free(*args);
		*args = NULL;
		code = LEC_EXIT_OK;
	} else if (r == OPT_ERROR) {
		/* an unknown "-x" (not "--x"): what the command says of dashes */
		int dash = c->dash_hint && !strncmp(err, "unknown option '-", 17) &&
			   strncmp(err, "unknown option '--", 18);
		code = usage_errorf(opts, c, args, "%s%s%s", err, dash ? " " : "",
				    dash ? c->dash_hint : "");
	} else if (*nargs < c->min_args || *nargs > c->max_args) {
		code = usage_errorf(opts, c, args, "%s", c->args_why);
	} else if (setup(ctx)) {
		free(*args);
		*args = NULL;
		code = LEC_EXIT_ERROR;
	}
	free(opts);
	free(own_args);
	return code;
}
