/* xap-load.h - Xapian, loaded when it is first needed.
 *
 * The lectern executable does not link libxapian: the xap.h functions in it
 * forwarders (xap-dl.c, generated) that call the real ones in
 * liblectern-xap.so, which this loads on the first call. libxapian and
 * libstdc++ cost a process about a millisecond of loading and relocation at
 * start-up; a `lectern find` that the daemon answers, `--help` and the like
 * never pay it. (Unit tests, benches and fuzzers link xap.o itself and
 * never come here.)
 *
 * The library is looked for, in order: $LECTERN_XAP_LIB; liblectern-xap.so
 * beside the executable (a build tree); ../lib/lectern/liblectern-xap.so
 * from the executable's directory (make install). One that is missing, or
 * built from another xap.h, is a broken installation: like a shared library
 * the dynamic loader cannot find, it ends the process with a message and
 * exit status 2.
 */
#ifndef LECTERN_XAP_LOAD_H
#define LECTERN_XAP_LOAD_H

struct xap_table;

/* The loaded table; loads it on the first call (thread-safe). Never NULL:
 * exits the process when the library cannot be loaded. */
const struct xap_table *xap_table(void);

#endif
