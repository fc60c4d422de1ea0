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

int lec_index_dir(const char *opt, char **out)
{
	lec_status st = paths_index_dir(opt, out);
	if (st == LEC_ENOMEM)
		lec_error("out of memory");
	else if (st)
		lec_error("cannot locate the index: set --index, LECTERN_INDEX or HOME");
	return st ? -1 : 0;
}

int cmd_usage_error(const struct cmd_spec *c, char ***args, const char *fmt, ...)
{
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "%s: ", c->name);
	va_list ap;
	va_start(ap, fmt);
	say(prefix, fmt, ap);
	va_end(ap);
	opt_usage(stderr, c->usage_line, NULL, c->opts);
	if (c->more_usage)
		c->more_usage(stderr);
	free(*args);
	*args = NULL;
	return LEC_EXIT_ERROR;
}

int cmd_parse(const struct cmd_spec *c, int argc, char **argv, char ***args, size_t *nargs)
{
	char err[512];
	*args = NULL;
	*nargs = 0;
	enum opt_result r =
		opt_parse_flags(c->opts, c->flags, argc, argv, args, nargs, err, sizeof(err));
	if (r == OPT_HELP) {
		opt_usage(stdout, c->usage_line, c->summary, c->opts);
		if (c->more_usage && !opt_describing())
			c->more_usage(stdout);
		free(*args);
		*args = NULL;
		return LEC_EXIT_OK;
	}
	if (r == OPT_ERROR) {
		/* an unknown "-x" (not "--x"): what the command says of dashes */
		int dash = c->dash_hint && !strncmp(err, "unknown option '-", 17) &&
			   strncmp(err, "unknown option '--", 18);
		return cmd_usage_error(c, args, "%s%s%s", err, dash ? " " : "",
				       dash ? c->dash_hint : "");
	}
	if (*nargs < c->min_args || *nargs > c->max_args)
		return cmd_usage_error(c, args, "%s", c->args_why);
	return CMD_RUN;
}
