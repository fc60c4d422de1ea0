/* report.c - the commands' messages on stderr (commands.h): linked into
 * the lectern executable and into liblectern-engine.so, each of which has
 * commands that print them. */
#include <stdarg.h>
#include <stdio.h>

#include "buf.h"
#include "commands.h"

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
