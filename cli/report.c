/* report.c - the commands' messages on stderr (commands.h): linked into
 * the lectern executable and into liblectern-engine.so, each of which has
 * commands that print them. */
#include <stdarg.h>
#include <stdio.h>

#include "buf.h"
#include "commands.h"
#include "paths.h"

void lec_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("lectern: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void lec_warning(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("lectern: warning: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
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
