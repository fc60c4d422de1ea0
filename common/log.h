/* log.h - the daemon's log: one line per event on stderr, with an ISO 8601
 * UTC timestamp and a level, e.g.
 *
 *   2024-05-01T09:30:12.345Z lectern[4242] info: listening on /run/user/1000/lectern/lectern.sock
 *
 * Supervisors (systemd, runit) keep stderr, so there is no log file and no
 * syslog. Each line is written with one write(2), so lines from the event
 * loop and the reindex thread never interleave within a line.
 */
#ifndef LECTERN_LOG_H
#define LECTERN_LOG_H

enum log_level {
	LEC_LOG_DEBUG,
	LEC_LOG_INFO,
	LEC_LOG_WARN,
	LEC_LOG_ERROR
};

/* Lines below `level` are dropped (default LEC_LOG_INFO). */
void log_set_level(enum log_level level);

/* "debug", "info", "warn"/"warning", "error" -> level; -1 if unknown. */
int log_level_parse(const char *name);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LEC_LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LEC_LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LEC_LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LEC_LOG_ERROR, __VA_ARGS__)

#endif
