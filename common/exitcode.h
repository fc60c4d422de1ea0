/* exitcode.h - lectern's exit codes, like grep's (documented in lectern(1)). */
#ifndef LECTERN_EXITCODE_H
#define LECTERN_EXITCODE_H

enum lec_exit {
	LEC_EXIT_OK = 0,            /* success; find: something was found */
	LEC_EXIT_NOTHING = 1,       /* find: nothing found; index --strict: warnings;
	                           * index --check: the index is out of date */
	LEC_EXIT_ERROR = 2,         /* usage error or fatal error */
	LEC_EXIT_INTERRUPTED = 130, /* stopped by SIGINT/SIGTERM after committing its work */
};

#endif
