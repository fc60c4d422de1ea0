/* log.c - timestamped, levelled log lines on stderr. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile int min_level = LEC_LOG_INFO;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void log_set_level(enum log_level level)
{
	min_level = (int)level;
}

int log_level_parse(const char *name)
{
	for (int i = 0; i < 4; i++)
		if (!strcmp(name, level_names[i]))
			return i;
	if (!strcmp(name, "warning"))
		return LEC_LOG_WARN;
	return -1;
}

/* "2024-05-01T09:30:12.345Z" into out (at least 32 bytes). */
static void iso_now(char *out, size_t n)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t len = strftime(out, n, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + len, n - len, ".%03ldZ", ts.tv_nsec / 1000000);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char line[2048], when[40];
	if ((int)level < min_level)
		return;
	iso_now(when, sizeof(when));
	int len = snprintf(line, sizeof(line), "%s lectern[%ld] %s: ", when, (long)getpid(),
			   level_names[level]);
	va_list ap;
	va_start(ap, fmt);
	if (len > 0 && (size_t)len < sizeof(line))
		len += vsnprintf(line + len, sizeof(line) - (size_t)len, fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	if ((size_t)len >= sizeof(line) - 1)
		len = (int)sizeof(line) - 2; /* cut a very long line, keep the newline */
	line[len++] = '\n';
	/* one write: lines from the loop and the reindex thread do not interleave */
	ssize_t w = write(STDERR_FILENO, line, (size_t)len);
	(void)w;
}
